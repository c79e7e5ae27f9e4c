"""Which data sources a project rests on, with their dates: the "Bronnen" of every document.

An imported layer is matched to a source of ``resources/attributions.toml`` (BAG, OpenStreetMap,
CBS, IMRO plans, BRK) from what the project knows about it: the loader's meta, the file name or
request URL, the column names and the values of a per-row source column. Layers are then grouped
by source, so a document says "OpenStreetMap: voorzieningen (76), looppaden (1.671)" once
instead of one line per table, and lists the attribution line of every source that is present
(and of no source that is not). Dates come from the layer's peildatum; whether one is old is
decided by :func:`layers.age.age_warning`, the same rule the loaders warn with.

Qt-free: the PDF, the dossiers, the minutes and the web map read these lines.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

import pandas as pd

from layers.age import MAX_AGE_YEARS, age_warning, data_date
from resources import resource

if TYPE_CHECKING:
    from projects.models import LayerSource
    from projects.store import ProjectStore

__all__ = [
    "DataSource",
    "SourceGroup",
    "attribution_lines",
    "data_sources",
    "dutch_date",
    "kind_label",
    "project_sources",
    "source_lines",
]

# Per-row columns that say where a row came from (plots "afgeleid: osm:…", CBS "bron", IMRO plans).
_ROW_SOURCE_COLUMNS = ("source", "bron", "plan_id")
_LAYER_EVIDENCE_COLUMNS = ("plan_name", "plan_status")
_MAX_VALUES = 50  # distinct values looked at per column (enough to tell a source)
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True)
class DataSource:
    """One entry of ``resources/attributions.toml`` ``[[data]]``."""

    id: str
    short: str  # as the documents name it: "BAG (Kadaster)"
    name: str
    attribution: str
    patterns: tuple[re.Pattern[str], ...]
    default_kinds: tuple[str, ...]

    def matches(self, evidence: str) -> bool:
        return any(p.search(evidence) for p in self.patterns)


@dataclass
class SourceGroup:
    """The layers (or parts of layers) that come from one source, with their dates."""

    source: DataSource | None  # None: the user's own file (no known source, no attribution)
    title: str
    parts: list[tuple[str, int]] = field(default_factory=list)  # ("voorzieningen", 76)
    dates: list[dt.date] = field(default_factory=list)

    @property
    def attribution(self) -> str:
        return self.source.attribution if self.source is not None else ""

    @property
    def old(self) -> bool:
        """Some layer of this source has a peildatum older than :data:`MAX_AGE_YEARS`."""
        return any(age_warning(d) is not None for d in self.dates)

    def add(self, what: str, count: int, date: dt.date | None) -> None:
        for i, (name, n) in enumerate(self.parts):
            if name == what:
                self.parts[i] = (name, n + count)
                break
        else:
            self.parts.append((what, count))
        if date is not None and date not in self.dates:
            self.dates.append(date)


@lru_cache(maxsize=1)
def _table() -> dict[str, Any]:
    return tomllib.loads(resource("attributions.toml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def data_sources() -> tuple[DataSource, ...]:
    """The data sources of ``resources/attributions.toml`` with their match rules."""
    out = []
    for d in _table().get("data", []):
        out.append(
            DataSource(
                id=str(d.get("id", d["name"])),
                short=str(d.get("short", d["name"])),
                name=str(d["name"]),
                attribution=str(d.get("attribution", "")),
                patterns=tuple(re.compile(str(p), re.IGNORECASE) for p in d.get("match", [])),
                default_kinds=tuple(str(k) for k in d.get("default_kinds", [])),
            )
        )
    return tuple(out)


def kind_label(kind: str) -> str:
    """The Dutch name of a layer kind ("gebouwen"), from ``[layer_kinds]``."""
    return str(_table().get("layer_kinds", {}).get(kind, kind))


def dutch_date(value: dt.date | str | None) -> str:
    """dd-mm-jjjj for Dutch text; '' when there is no date (ISO stays for files)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    m = _ISO.match(str(value))
    return f"{m.group(3)}-{m.group(2)}-{m.group(1)}" if m else str(value)


def _parse_date(value: Any) -> dt.date | None:
    return data_date({"peildatum": value}) if value else None


def _flatten(value: Any) -> Iterable[str]:
    if isinstance(value, Mapping):
        for k, v in value.items():
            yield str(k)
            yield from _flatten(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _flatten(v)
    elif value is not None:
        yield str(value)


def _distinct(frame: pd.DataFrame, column: str) -> list[str]:
    values = frame[column].dropna().astype(str).unique()[:_MAX_VALUES]
    return [str(v) for v in values]


def _layer_evidence(layer: LayerSource, frame: pd.DataFrame | None) -> str:
    """Everything the project knows about a layer's origin, as one lowercase text."""
    bits: list[str] = [layer.label or "", layer.original_layer or ""]
    if layer.original_path:
        bits.append(PurePosixPath(layer.original_path.replace("\\", "/")).name)
        if "://" in layer.original_path:
            bits.append(layer.original_path)  # a fetched layer: the request URL names the service
    bits.extend(_flatten({k: v for k, v in (layer.meta or {}).items() if k != "mapping"}))
    if frame is not None:
        bits.extend(str(c) for c in frame.columns)
        for col in _LAYER_EVIDENCE_COLUMNS:
            if col in frame.columns:
                bits.extend(_distinct(frame, col))
    return " ".join(bits).lower()


def _match(evidence: str, kind: str, sources: Sequence[DataSource]) -> list[DataSource]:
    found = [s for s in sources if s.matches(evidence)]
    if found:
        return found
    return [s for s in sources if kind in s.default_kinds][:1]


def _what(kind: str, frame: pd.DataFrame | None) -> str:
    """The Dutch name of a layer's content; indicative zoning says so."""
    if kind == "zoning" and frame is not None and "plan_status" in frame.columns:
        status = frame["plan_status"].dropna().astype(str).str.lower()
        if len(status) and bool(status.str.startswith("indicatief").all()):
            return "indicatieve bestemmingen"
    return kind_label(kind)


def project_sources(
    store: ProjectStore, frames: Mapping[str, pd.DataFrame | None] | None = None
) -> list[SourceGroup]:
    """The project's layers grouped by source (``frames``: layers already read, by table name).

    A layer whose rows say where each one came from (the candidate plots: "afgeleid: osm:…" or
    "bag:…") is split over its sources by row. Sources come in the order of
    ``attributions.toml``; the user's own files last.
    """
    sources = data_sources()
    frames = frames or {}
    groups: dict[str, SourceGroup] = {}
    own: list[SourceGroup] = []
    project_dates = _project_dates(store)
    for layer in store.layers():
        frame = frames.get(layer.table_name)
        if frame is None and layer.kind in ("plots", "zoning", "neighbourhoods", "facilities"):
            frame = store.read_layer(layer.table_name)  # small layers: their rows name the source
        date = _parse_date(layer.data_date or project_dates.get(layer.kind))
        what = _what(layer.kind, frame)
        base = _layer_evidence(layer, frame)
        row_col = next((c for c in _ROW_SOURCE_COLUMNS if frame is not None and c in frame.columns), None)
        counts: list[tuple[list[DataSource], int]] = []
        if frame is not None and row_col is not None and len(frame):
            values = frame[row_col].astype("string").fillna("")
            for value, n in values.value_counts(sort=False).items():
                counts.append((_match(f"{base} {str(value).lower()}", layer.kind, sources), int(n)))
        else:
            counts.append((_match(base, layer.kind, sources), int(layer.feature_count or 0)))
        for matched, n in counts:
            if not matched:
                name = PurePosixPath((layer.original_path or layer.label).replace("\\", "/")).name
                group = SourceGroup(source=None, title=f"eigen bestand {name}")
                group.add(what, n, date)
                own.append(group)
                continue
            for src in matched:
                groups.setdefault(src.id, SourceGroup(source=src, title=src.short)).add(what, n, date)
    order = {s.id: i for i, s in enumerate(sources)}
    return sorted(groups.values(), key=lambda g: order.get(g.source.id if g.source else "", 99)) + own


def _project_dates(store: ProjectStore) -> dict[str, str]:
    from projects.records import project_row

    with store.session() as session:
        return {str(k): str(v) for k, v in (project_row(session).data_dates or {}).items()}


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def source_lines(groups: Sequence[SourceGroup]) -> list[str]:
    """One line per source with what it delivered and its peildatum; unknown dates said once.

    E.g. "OpenStreetMap: voorzieningen (76), looppaden (1.671); peildatum 06-08-2025" and, for
    every source without a date together, "Peildatum onbekend voor BAG (Kadaster) en CBS …".
    """
    lines: list[str] = []
    undated: list[str] = []
    for g in groups:
        parts = ", ".join(f"{what} ({_thousands(n)})" for what, n in g.parts)
        line = f"{g.title}: {parts}"
        if g.dates:
            dates = _and([dutch_date(d) for d in sorted(g.dates)])
            line += f"; peildatum {dates}"
            if g.old:
                line += f" (ouder dan {MAX_AGE_YEARS} jaar: controleer of er een recentere levering is)"
        else:
            undated.append(g.title)
        lines.append(line)
    if undated:
        lines.append(f"Peildatum onbekend voor {_and(undated)}: de bestanden vermelden geen datum.")
    return lines


def attribution_lines(groups: Sequence[SourceGroup], *, extra: Sequence[str] = ()) -> list[str]:
    """The attribution line of every source present (each once), then ``extra`` (a basemap)."""
    out = [g.attribution for g in groups if g.attribution]
    return list(dict.fromkeys([*out, *extra]))
