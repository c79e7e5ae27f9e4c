"""Fetch a municipality's layers from the online services into a project.

One layer set at a time: the fetcher (in :mod:`layers.online`) downloads into the cache and
writes files the ordinary loaders read; :func:`projects.imports.import_layer` then stores each
canonical layer in one transaction, with the request URL as its source and the retrieval date
as its data date. A failing service costs only its own layer set (the others are stored and
the report says what failed and why); a cancel stops before the next write, so the project
never holds a half-imported layer. API keys come from the caller or the environment and are
never written to the project.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from layers.errors import LayerError
from layers.online.area import Area, bbox_area, gemeente_area
from layers.online.base import Fetched, client_for
from layers.online.config import FetchConfig
from layers.online.errors import AreaError, OfflineError
from plotscore.progress import Progress, report, scaled
from projects.imports import import_layer
from projects.models import LayerSource
from projects.store import ProjectStore

__all__ = [
    "FETCH_SOURCES",
    "FetchReport",
    "LayerOutcome",
    "fetch_into_project",
    "parse_layer_list",
    "resolve_area",
]


@dataclass(frozen=True)
class FetchSource:
    key: str
    module: str
    title: str  # Dutch, for the dialog and the report


FETCH_SOURCES: dict[str, FetchSource] = {
    s.key: s
    for s in (
        FetchSource("bag", "layers.online.bag_ogc", "BAG-panden en verblijfsobjecten (PDOK)"),
        FetchSource("osm", "layers.online.overpass", "Voorzieningen en looppaden (OpenStreetMap)"),
        FetchSource("plannen", "layers.online.plannen", "Bestemmingsplannen (Ruimtelijke Plannen API)"),
        FetchSource("cbs", "layers.online.cbs_wfs", "CBS-buurten met inwoners en leeftijden (PDOK)"),
        FetchSource("brt", "layers.online.brt", "Achtergrondkaart voor offline gebruik (BRT-tegels)"),
    )
}
DEFAULT_LAYERS = ("bag", "osm", "plannen", "cbs")


class _Fetcher(Protocol):
    def __call__(
        self, area: Area, config: FetchConfig, *, progress: Progress | None = None, refresh: bool = False
    ) -> Fetched: ...


@dataclass
class LayerOutcome:
    """What happened to one layer set: stored layers, notes, or the error that stopped it."""

    key: str
    title: str
    stored: list[LayerSource] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: LayerError | None = None
    from_cache: bool = False
    source_url: str | None = None
    retrieved_at: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class FetchReport:
    area: Area
    outcomes: list[LayerOutcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)

    @property
    def offline(self) -> bool:
        """Every failure was a missing connection."""
        failed = [o for o in self.outcomes if o.error is not None]
        return bool(failed) and all(isinstance(o.error, OfflineError) for o in failed)

    def lines(self) -> list[str]:
        """A Dutch summary, one line per layer set (for the CLI and the dialog)."""
        out = [f"Gebied: {self.area.label} ({self.area.area_km2:.1f} km²)"]
        for o in self.outcomes:
            if o.error is not None:
                out.append(f"✗ {o.title}: {o.error.one_line()}")
                continue
            counts = ", ".join(f"{ls.kind} {ls.feature_count}" for ls in o.stored) or (
                "tegels opgeslagen in de cache" if o.key == "brt" else "niets opgeslagen"
            )
            cached = " (uit de cache)" if o.from_cache else ""
            out.append(f"✓ {o.title}: {counts}{cached}")
            out.extend(f"    {n}" for n in o.notes)
        return out


def parse_layer_list(text: str | Sequence[str] | None) -> list[str]:
    """``bag,osm,plannen,cbs`` (the CLI form) → checked keys in a fixed order."""
    if text is None:
        return list(DEFAULT_LAYERS)
    items = [t.strip().lower() for t in (text.split(",") if isinstance(text, str) else text) if t.strip()]
    unknown = [t for t in items if t not in FETCH_SOURCES]
    if unknown or not items:
        raise AreaError(
            f"Onbekende gegevenssoort: {', '.join(unknown) or '(geen)'}.",
            hint=f"Kies uit: {', '.join(FETCH_SOURCES)}.",
        )
    return [k for k in FETCH_SOURCES if k in items]


def resolve_area(
    config: FetchConfig,
    *,
    gemeente: str | None = None,
    bbox: str | tuple[float, float, float, float] | None = None,
    progress: Progress | None = None,
    refresh: bool = False,
) -> Area:
    """A gemeente (name or CBS code) or a bbox in RD New; a bbox wins when both are given."""
    if bbox is not None:
        area = bbox_area(bbox, config)
        if gemeente:
            return Area(f"{gemeente}: {area.label}", area.geometry, None, gemeente)
        return area
    if not gemeente:
        raise AreaError(
            "Geen gebied gekozen.", hint="Geef een gemeente (naam of CBS-code) of een kader in RD-meters."
        )
    client = client_for(config, "gebieden", progress)
    return gemeente_area(gemeente, client, config, refresh=refresh)


def _fetcher(key: str) -> _Fetcher:
    module = importlib.import_module(FETCH_SOURCES[key].module)
    fetch: _Fetcher = module.fetch
    return fetch


def fetch_into_project(
    store: ProjectStore,
    area: Area,
    layers: Sequence[str],
    config: FetchConfig,
    *,
    progress: Progress | None = None,
    refresh: bool = False,
) -> FetchReport:
    """Fetch ``layers`` (keys of :data:`FETCH_SOURCES`) for ``area`` and store them in ``store``.

    Errors of one layer set are recorded in the report and the next set is tried; exceptions
    raised by ``progress`` (cancellation) and storage errors propagate.
    """
    report_ = FetchReport(area)
    n = max(1, len(layers))
    for i, key in enumerate(layers):
        src = FETCH_SOURCES[key]
        outcome = LayerOutcome(key, src.title)
        report_.outcomes.append(outcome)
        report(progress, i / n, f"{src.title}: ophalen")
        try:
            fetched = _fetcher(key)(
                area, config, progress=scaled(progress, i / n, (i + 0.8) / n), refresh=refresh
            )
        except LayerError as exc:  # FetchError and loader errors on a service's answer
            outcome.error = exc
            continue
        outcome.notes.extend(fetched.notes)
        outcome.from_cache = fetched.from_cache
        outcome.source_url = fetched.source_url
        outcome.retrieved_at = fetched.retrieved_at.isoformat(timespec="seconds")
        sub = scaled(progress, (i + 0.8) / n, (i + 1) / n)
        for j, path in enumerate(fetched.files):
            report(sub, j / max(1, len(fetched.files)), f"{src.title}: in het project opslaan")
            try:
                outcome.stored.extend(
                    import_layer(
                        store,
                        path,
                        fetched.kinds[j] if j < len(fetched.kinds) else None,
                        source_url=fetched.source_url
                        if len(fetched.files) == 1
                        else f"{fetched.source_url}#{path.stem}",
                        retrieved_at=outcome.retrieved_at,
                        label=f"{src.title} — {area.label}",
                        extra_meta={"service": key, "area": area.label, "from_cache": fetched.from_cache},
                    )
                )
            except LayerError as exc:
                outcome.error = exc
                break
    report(progress, 1.0, "Klaar")
    return report_
