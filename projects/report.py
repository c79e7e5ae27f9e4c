"""What goes on the printed map and the dossiers: the data half of the PDF, without Qt.

:func:`map_report` gathers the reserved-location map (title, the rows of the annex, the layers to
draw, the legend's content, sources with their dates, attribution, method note, disclaimer, the
ledger summary); :func:`dossier_reports` adds per reserved plot its facts, its criteria against
the norms, the nearest facility per category and its walking reach. ``app/export/pdf.py`` only
paints these. Numbers and scores come from the read side (:mod:`projects.views`), so the PDF
lists the same reservations, numbered the same, with the same scores and weighting as the
CSV/XLSX annex, the web map and the GIS package.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
import shapely

from plotscore.criteria import Profile
from plotscore.distance import reach_lines
from plotscore.errors import ScoringError
from plotscore.explain import explain_criterion, format_distance
from plotscore.network import WalkGraph, build_walk_graph
from plotscore.progress import Progress, report
from projects.bod_chart import BodCharts, bod_charts
from projects.errors import InputsError
from projects.ledger import ledger_summary_lines
from projects.sources import SourceGroup, attribution_lines, dutch_date, project_sources, source_lines
from projects.views import AnnexRow, ProjectInfo, ReservedView, ScoreView, reserved_view
from resources import resource

if TYPE_CHECKING:
    from projects.store import ProjectStore

__all__ = [
    "DISCLAIMER",
    "DISCLAIMER_NOTE",
    "EXTENTS",
    "EXTENT_ALL",
    "EXTENT_RESERVED",
    "PDF_ANNEX_COLUMNS",
    "AnnexColumn",
    "DemandAnnex",
    "DossierReport",
    "MapLegend",
    "MapReport",
    "NearestFacility",
    "ZoningLegend",
    "demand_annex",
    "dossier_reports",
    "is_indicative",
    "map_report",
    "zoning_legend",
]

DISCLAIMER = "Indicatief — geen juridisch bindende kaart"
DISCLAIMER_NOTE = "Dit is niet het omgevingsplan; aan deze kaart kunnen geen rechten worden ontleend."


def _today() -> str:
    return dutch_date(dt.date.today())


def subtitle(info: ProjectInfo) -> str:
    """ "Gemeente Delft (0503) · project … · 04-12-2026 · projectrevisie 7"."""
    return f"{info.project.gemeente_label} · project {info.name} · {_today()} · projectrevisie {info.project.revision}"


def score_lines(view: ReservedView) -> list[str]:
    """Which scores the document shows, once per weighting (not once per profile).

    "Score: consensus van de partijen (…), met het profiel van elke woningcategorie: geclusterd
    (scoreronde 1), nultreden (scoreronde 2), vastgelegd 04-12-2026"; with one profile the
    view's own label.
    """
    seen: dict[int, ScoreView] = {}
    for v in (*view.views.values(), view.plots_view):
        if v is not None:
            seen.setdefault(v.snapshot_id, v)
    by_weighting: dict[str, list[ScoreView]] = {}
    for v in seen.values():
        by_weighting.setdefault(v.weighting.label, []).append(v)
    lines: list[str] = []
    for label, views in by_weighting.items():
        if len(views) == 1:
            lines.append(f"Score: {views[0].label}")
            continue
        days = {dutch_date(v.created_at[:10]) for v in views}
        runs = ", ".join(
            f"{v.profile.id} (scoreronde {v.snapshot_id}"
            + ("" if len(days) == 1 else f" van {dutch_date(v.created_at[:10])}")
            + ")"
            for v in sorted(views, key=lambda v: v.snapshot_id)
        )
        when = f", vastgelegd {next(iter(days))}" if len(days) == 1 else ""
        lines.append(f"Score: {label}, met het profiel van elke woningcategorie: {runs}{when}")
    return lines


def sources(groups: Sequence[SourceGroup], view: ReservedView) -> list[str]:
    """The sources grouped by origin with their dates (:func:`projects.sources.source_lines`),
    then the scoring runs the scores come from."""
    return [*source_lines(groups), *score_lines(view)]


def _pace(profile: Profile) -> str:
    return f"{profile.pace_kmh:g} km/u".replace(".", ",")


def method_note(views: Sequence[ScoreView], *, network_source: str = "") -> str:
    """How distances were measured, with which walking pace per woningcategorie, and the norms.

    Each reserved location is scored with the profile of its own woningcategorie, so the note
    names the pace of every profile used ("4 km/u (nultreden), 3 km/u (geclusterd, zorggeschikt)").
    """
    views = [v for v in views if v is not None]
    methods = {v.method or "netwerk" for v in views} or {"netwerk"}
    where = f" ({network_source})" if network_source else ""
    if methods == {"netwerk"}:
        how = f"afstanden zijn loopafstanden over het looppadennetwerk{where}"
    elif "netwerk" in methods:
        how = "afstanden zijn loopafstanden over het looppadennetwerk, of hemelsbreed waar geen netwerk was"
    else:
        how = "afstanden zijn hemelsbreed gemeten (er was geen looppadennetwerk geladen)"
    by_pace: dict[str, list[str]] = {}
    for v in views:
        names = by_pace.setdefault(_pace(v.profile), [])
        if v.profile.housing_category not in names:
            names.append(v.profile.housing_category)
    if not by_pace:
        pace = "het looptempo van het profiel"
    elif len(by_pace) == 1:
        pace = f"een looptempo van {next(iter(by_pace))}"
    else:
        pace = "een looptempo van " + ", ".join(f"{p} ({', '.join(c)})" for p, c in by_pace.items())
    scored = (
        " Elke locatie is gescoord met het profiel van haar eigen woningcategorie." if len(views) > 1 else ""
    )
    return (
        f"Methode: {how}, omgerekend naar looptijd met {pace}.{scored} De normen zijn "
        "voorinstellingen die de gemeente kan aanpassen. Woningen is het aantal dat bij de "
        "reservering is opgegeven; de schatting van de tool (bestemmingsplan, of oppervlakte × "
        "dichtheid) staat er apart naast."
    )


# --- the map's extent and legend -----------------------------------------------------------------

EXTENT_RESERVED = "locaties"
EXTENT_ALL = "kavels"
# What the map is zoomed to (the export dialog's choice and the CLI's --extent), in Dutch.
EXTENTS: dict[str, str] = {
    EXTENT_RESERVED: "de gereserveerde locaties",
    EXTENT_ALL: "alle kavels",
}
_MIN_SPAN_M = 400.0  # a single small location is still shown in its street
_MARGIN = 0.12  # of the span, around what the map fits


def _fit(
    geoms: Sequence[shapely.Geometry], margin: float = _MARGIN, min_span: float = _MIN_SPAN_M
) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in shapely.total_bounds(list(geoms)))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w = max(x1 - x0, min_span) * (1 + 2 * margin)
    h = max(y1 - y0, min_span) * (1 + 2 * margin)
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def _geoms(frame: gpd.GeoDataFrame | None) -> list[shapely.Geometry]:
    if frame is None or frame.empty:
        return []
    return [g for g in frame.geometry if g is not None and not g.is_empty]


@lru_cache(maxsize=1)
def _hoofdgroep_labels() -> dict[str, str]:
    data = tomllib.loads(resource("zoning", "hoofdgroepen.toml").read_text(encoding="utf-8"))
    return {str(k): str(v.get("label", k)) for k, v in data.get("hoofdgroepen", {}).items()}


UNKNOWN_GROUP_LABEL = "hoofdgroep onbekend"


@dataclass(frozen=True)
class ZoningLegend:
    """The zoning part of the legend: the hoofdgroepen in the map extent, and what the zoning is."""

    title: str
    groups: tuple[tuple[str, str], ...]  # (hoofdgroep code as in the data, Dutch label)
    indicative: bool  # some zoning in view is indicative (drawn hatched)
    note: str  # what "indicative" means here; "" when all zoning is a plan


@dataclass(frozen=True)
class MapLegend:
    """Every class drawn in the map extent, nothing that is not."""

    categories: tuple[str, ...]
    statuses: tuple[str, ...]
    other_plots: bool
    buildings: bool
    zoning: ZoningLegend | None


def _in_view(frame: gpd.GeoDataFrame | None, box: shapely.Geometry) -> gpd.GeoDataFrame | None:
    if frame is None or frame.empty:
        return None
    hits = frame.sindex.query(box, predicate="intersects")
    return frame.iloc[sorted(hits)] if len(hits) else None


def is_indicative(zoning: pd.DataFrame) -> pd.Series:
    """Per zoning row: the plan status says it is indicative (e.g. derived from OSM land use)."""
    if "plan_status" not in zoning.columns:
        return pd.Series(False, index=zoning.index)
    return zoning["plan_status"].astype("string").fillna("").str.lower().str.startswith("indicatief")


def zoning_legend(zoning: gpd.GeoDataFrame | None) -> ZoningLegend | None:
    if zoning is None or zoning.empty:
        return None
    labels = _hoofdgroep_labels()
    col = "bestemmingshoofdgroep"
    codes = zoning[col].astype("string").fillna("").str.strip().str.lower() if col in zoning else None
    present = sorted(set(codes.tolist()) if codes is not None else {""})
    groups = tuple(
        sorted(((c, labels.get(c, c) if c else UNKNOWN_GROUP_LABEL) for c in present), key=lambda x: x[1])
    )
    indicative = is_indicative(zoning)
    origin = ""
    if bool(indicative.any()):
        names = " ".join(
            zoning.loc[indicative, c].astype("string").fillna("").str.lower().str.cat(sep=" ")
            for c in ("plan_name", "plan_id")
            if c in zoning.columns
        )
        origin = (
            "afgeleid uit OpenStreetMap-landgebruik"
            if "osm" in names or "openstreetmap" in names
            else "afgeleid, geen vastgesteld plan"
        )
    if bool(indicative.all()):
        return ZoningLegend(
            title=f"Bestemming, indicatief: {origin}; geen bestemmingsplan (SVBP-hoofdgroep)",
            groups=groups,
            indicative=True,
            note="Gearceerd: indicatief, niet het bestemmingsplan.",
        )
    if bool(indicative.any()):
        return ZoningLegend(
            title="Bestemming (SVBP-hoofdgroep, gedempt)",
            groups=groups,
            indicative=True,
            note=f"Gearceerd: indicatieve bestemming, {origin}; geen bestemmingsplan.",
        )
    return ZoningLegend(
        title="Bestemming (bestemmingsplan, SVBP-hoofdgroep, gedempt)",
        groups=groups,
        indicative=False,
        note="",
    )


@dataclass
class MapReport:
    """Everything on the map page and the annex pages of the reserved-location PDF."""

    title: str
    subtitle: str
    info: ProjectInfo
    view: ReservedView
    plots: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame | None
    zoning: gpd.GeoDataFrame | None
    facilities: gpd.GeoDataFrame | None
    network: gpd.GeoDataFrame | None
    sources: list[str]
    ledger: list[str]
    method_note: str
    attribution: tuple[str, ...] = ()  # the lines of the sources present (projects.sources)
    disclaimer: str = DISCLAIMER
    disclaimer_note: str = DISCLAIMER_NOTE
    extent: str = EXTENT_RESERVED
    neighbourhoods: gpd.GeoDataFrame | None = None
    source_groups: list[SourceGroup] = field(default_factory=list)
    network_source: str = ""  # who the walking network comes from ("OpenStreetMap"), for notes
    demand: DemandAnnex | None = None  # the demand annex page (issue 20); None without CBS figures
    bod: BodCharts | None = None  # the page "Verloop van het bod" (projects.bod_chart)

    @property
    def rows(self) -> list[AnnexRow]:
        return self.view.rows

    @property
    def weighting_lines(self) -> list[str]:
        """Which score the annex shows (:func:`score_lines`)."""
        return score_lines(self.view)

    def _reserved_geoms(self) -> list[shapely.Geometry]:
        return [r.geometry for r in self.rows if r.geometry is not None and not r.geometry.is_empty]

    def bounds(self) -> tuple[float, float, float, float]:
        """The map extent with a margin: the reserved locations, or every plot (``extent``)."""
        geoms = self._reserved_geoms()
        if self.extent == EXTENT_ALL or not geoms:
            geoms = geoms + _geoms(self.plots)
        return _fit(geoms)

    def overview_bounds(self) -> tuple[float, float, float, float]:
        """The inset's extent: every plot and location, and the buurten of the project."""
        geoms = self._reserved_geoms() + _geoms(self.plots) + _geoms(self.neighbourhoods)
        return _fit(geoms, margin=0.04)

    @property
    def extent_text(self) -> str:
        return EXTENTS.get(self.extent, self.extent)

    def legend(self, bounds: Sequence[float]) -> MapLegend:
        """The legend of the map shown at ``bounds``: every class drawn there, nothing else."""
        box = shapely.box(*bounds)
        rows = [r for r in self.rows if r.geometry is not None and r.geometry.intersects(box)]
        reserved = {r.plot_id for r in self.rows}
        plots = _in_view(self.plots, box)
        others = plots is not None and bool((~plots["plot_id"].astype(str).isin(reserved)).any())
        return MapLegend(
            categories=tuple(dict.fromkeys(r.category for r in rows)),
            statuses=tuple(dict.fromkeys(r.status for r in rows)),
            other_plots=others,
            buildings=_in_view(self.buildings, box) is not None,
            zoning=zoning_legend(_in_view(self.zoning, box)),
        )


def map_report(
    store: ProjectStore,
    *,
    title: str | None = None,
    weighting_key: str | None = None,
    layers: bool = True,
    record: bool = True,
    extent: str = EXTENT_RESERVED,
    with_demand: bool = True,
    progress: Progress | None = None,
) -> MapReport:
    """Gather the reserved-location map. Raises :class:`InputsError` when nothing is reserved.

    With ``record`` (an export) a missing or outdated scoring run is recorded so the document can
    cite it; without it (a preview) only current recorded runs are shown. ``extent`` is
    :data:`EXTENT_RESERVED` (the map fits the reserved locations) or :data:`EXTENT_ALL`.
    """
    from projects.plots import plots_frame

    if extent not in EXTENTS:
        raise InputsError(
            f"Onbekend kaartbeeld '{extent}'.",
            hint=f"Kies {' of '.join(EXTENTS)}.",
        )
    report(progress, 0.0, "Gegevens van het project lezen")
    view = reserved_view(store, weighting_key=weighting_key, record=record, progress=progress)
    if not view.rows:
        raise InputsError(
            "Dit project heeft nog geen (actieve) reserveringen.",
            hint="Reserveer eerst kavels: bodnaarplot project reserve PROJECT KAVEL --category ... --capacity ...",
        )
    info = view.info
    report(progress, 0.1, "Lagen lezen")
    used = [v for v in view.views.values() if v is not None]
    frames = {kind: _layer_tables(store, kind) if layers else {} for kind in _MAP_KINDS}
    groups = project_sources(store, {t: f for tables in frames.values() for t, f in tables.items()})
    network_source = next(
        (g.title for g in groups if any(what == "looppaden" for what, _ in g.parts) and g.source is not None),
        "",
    )
    title_text = (title or "").strip() or f"Gereserveerde locaties ouderenhuisvesting — {info.name}"
    return MapReport(
        title=title_text,
        subtitle=subtitle(info),
        info=info,
        view=view,
        plots=plots_frame(store),
        buildings=_concat(frames["buildings"]),
        zoning=_concat(frames["zoning"]),
        facilities=_concat(frames["facilities"]),
        network=_concat(frames["network_source"]),
        sources=sources(groups, view),
        ledger=ledger_summary_lines(view.ledger),
        method_note=method_note(used, network_source=network_source),
        attribution=tuple(attribution_lines(groups)),
        extent=extent,
        neighbourhoods=_concat(frames["neighbourhoods"]),
        source_groups=groups,
        network_source=network_source,
        demand=demand_annex(store) if with_demand else None,
        bod=bod_charts(store, book=view.ledger),
    )


# --- the demand annex (issue 20) ---------------------------------------------------------------


@dataclass(frozen=True)
class DemandAnnex:
    """The demand annex page: the derived opgave beside the bod, per wijk, CBS beside walking.

    All cells are text from :mod:`projects.demand` (the same figures as ``bodnaarplot demand``
    and the Vraag dock); the PDF only paints them.
    """

    title: str
    intro: str
    opgave_header: list[str]
    opgave_rows: list[list[str]]
    area_header: list[str]
    area_rows: list[list[str]]
    comparison_header: list[str]
    comparison_rows: list[list[str]]
    comparison_notes: list[str]
    why: list[str]
    schatting: str
    sources: list[str]
    notes: list[str]


def demand_annex(store: ProjectStore, *, horizon: int | None = None) -> DemandAnnex | None:
    """The demand annex of the project, or None when it has no CBS figures."""
    from projects.demand import (
        SCHATTING,
        cbs_explanation,
        comparison_table,
        demand_view,
        difference_text,
        span_text,
    )

    view = demand_view(store, horizon=horizon)
    g = view.gemeente
    if g is None:
        return None
    opgave_rows = []
    for c in view.categories:
        bod = view.bod.get(c.id)
        supply = (
            (f"{round(g.supply.get(c.id, 0.0))}" if view.supply_loaded else "geen lijst")
            if c.subtract_supply
            else "n.v.t."
        )
        opgave_rows.append(
            [
                c.label,
                f"{c.age_group}+",
                span_text(g.households[c.id]),
                span_text(g.need[c.id]),
                supply,
                span_text(g.derived[c.id]),
                str(bod) if bod is not None else "–",
                difference_text(view.difference(c.id)),
            ]
        )
    noun = {"buurt": "buurt", "wijk": "wijk"}.get(view.level or "", "gebied")
    area_rows = []
    for a in view.areas:
        d, r = a.derived_total, a.reserved_total
        area_rows.append(
            [
                a.label,
                span_text(a.older65),
                span_text(a.older75),
                *[span_text(a.derived[c.id]) for c in view.categories],
                span_text(r, round_people=False),
                span_text((d[0] - r[1], d[1] - r[0])),
            ]
        )
    table = comparison_table(view)
    # Short column heads for paper: "huisarts: CBS weg" | "lopen 65+" per category.
    cats = list(dict.fromkeys(r.category for r in view.comparison))
    header = table.header[:2] + [h for c in cats for h in (f"{c}: CBS weg", "lopen 65+")]
    short, reasons = cbs_explanation()
    return DemandAnnex(
        title=f"Bijlage: vraag uit de demografie — {g.label}, horizon {view.horizon} (schatting)",
        intro=(
            f"{g.label} ({g.year or 'peiljaar onbekend'}): 65+ {span_text(g.older65)}, 75+ {span_text(g.older75)}, "
            f"85+ {span_text(g.older85)}. Afgeleide opgave = oudere huishoudens in {view.horizon} × behoeftecijfer "
            "− bestaand aanbod; het ingevoerde bod blijft leidend. Ouderen per "
            f"{noun}: verdeeld over {view.method}."
        ),
        opgave_header=[
            "categorie",
            "groep",
            "oudere huishoudens",
            "behoefte",
            "bestaand",
            "afgeleide opgave",
            "bod",
            "verschil",
        ],
        opgave_rows=opgave_rows,
        area_header=[noun, "65+", "75+", *[c.id for c in view.categories], "gereserveerd", "tekort"],
        area_rows=area_rows,
        comparison_header=header if len(header) == len(table.header) else table.header,
        comparison_rows=table.rows,
        comparison_notes=table.footnotes,
        why=[short, *reasons],
        schatting=SCHATTING,
        sources=list(view.sources),
        notes=list(view.notes),
    )


_MAP_KINDS = ("buildings", "zoning", "facilities", "network_source", "neighbourhoods")


def _layer_tables(store: ProjectStore, kind: str) -> dict[str, gpd.GeoDataFrame]:
    return {ls.table_name: store.read_layer(ls.table_name) for ls in store.layers(kind)}


def _concat(tables: dict[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame | None:
    frames = [f for f in tables.values() if len(f)]
    if not frames:
        return None
    if len(frames) == 1:
        return frames[0]
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=frames[0].crs)


# --- the annex table of the PDF ------------------------------------------------------------------


@dataclass(frozen=True)
class AnnexColumn:
    """One column of the PDF's annex table: header, relative width, how a row fills it.

    A list of these (:data:`PDF_ANNEX_COLUMNS`) drives the painter, so a new column is one line
    here; cells wrap in the PDF (never cut off), headers too.
    """

    header: str
    share: float
    cell: Callable[[AnnexRow], str]
    align: str = "left"  # "left" or "right" (numbers)


def _dutch_int(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}".replace(",", ".")


def _dutch_score(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",")


def _given(r: AnnexRow) -> str:
    """The capacity as entered; ⚠ when above the tool's estimate or the plan's maximum."""
    return (r.capacity or "–") + (" ⚠" if r.capacity_warning else "")


def _drieslag_cell(r: AnnexRow) -> str:
    return " · ".join("✓" if lit else "✗" for _step, lit in r.drieslag.steps) if r.drieslag else "–"


PDF_ANNEX_COLUMNS: tuple[AnnexColumn, ...] = (
    AnnexColumn("nr", 0.03, lambda r: str(r.nr), "right"),
    AnnexColumn("kavel", 0.065, lambda r: r.plot_id),
    AnnexColumn("naam", 0.14, lambda r: r.name or r.plot_id),
    AnnexColumn("adres / perceel", 0.105, lambda r: r.place or "–"),
    AnnexColumn("m²", 0.045, lambda r: _dutch_int(r.area_m2), "right"),
    AnnexColumn("woningcategorie", 0.085, lambda r: r.category),
    AnnexColumn("opgegeven", 0.065, _given, "right"),
    AnnexColumn("schatting", 0.06, lambda r: r.estimate or "–", "right"),
    AnnexColumn("status", 0.085, lambda r: r.status),
    AnnexColumn("partners", 0.115, lambda r: r.partners or "–"),
    AnnexColumn("corp · zorg · bew", 0.09, _drieslag_cell),
    AnnexColumn("jaren", 0.06, lambda r: r.years or "–"),
    AnnexColumn("score", 0.045, lambda r: _dutch_score(r.score), "right"),
)


# --- dossiers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NearestFacility:
    category: str
    label: str  # the category's Dutch label
    name: str
    distance_m: float  # NaN when unknown
    geometry: shapely.Geometry | None

    @property
    def distance_text(self) -> str:
        """ "448 m", "1,9 km" (to 100 m above 1 km), "" when unknown."""
        return "" if math.isnan(self.distance_m) else format_distance(self.distance_m)


@dataclass
class DossierReport:
    """One reserved plot up close: facts, criteria against the norms, nearest facilities, reach."""

    row: AnnexRow
    title: str
    subtitle: str
    view: ScoreView | None
    facts: list[tuple[str, str]]
    notes: str
    criteria: list[list[str]]  # criterium, meting, norm, ✓/✗, deelscore, gewicht
    nearest: list[NearestFacility]
    reach: gpd.GeoDataFrame | None  # lines with distance_m (near and far), None without network
    reach_text: str
    near_m: float
    far_m: float
    method_note: str
    extent: tuple[float, float, float, float]
    attribution: tuple[str, ...] = ()  # the lines of the sources present (projects.sources)
    disclaimer: str = DISCLAIMER
    map: MapReport | None = field(default=None, repr=False)


def _reach_distances() -> tuple[float, float]:
    data = tomllib.loads(resource("styles", "map.toml").read_text(encoding="utf-8"))
    return float(data["reach"]["near_m"]), float(data["reach"]["far_m"])


def _facility_labels() -> dict[str, str]:
    data = tomllib.loads(resource("categories", "facilities.toml").read_text(encoding="utf-8"))
    return {cid: str(spec.get("label", cid)) for cid, spec in data.get("categories", {}).items()}


def _criteria_rows(view: ScoreView | None, plot_id: str) -> list[list[str]]:
    if view is None or view.row(plot_id) is None:
        return []
    try:
        details = explain_criterion(view.frame, view.profile, plot_id, absent=view.absent)
    except (ScoringError, KeyError, ValueError, TypeError):
        return []
    # A criterion without data is no ✗: it is left out of the score (weight 0 in this run).
    return [
        [
            d["label"],
            d["measure"],
            d["norm"],
            ("✓" if d["met"] else "✗") if d["has_data"] else "–",
            f"{d['subscore']:.0f}" if d["has_data"] else "–",
            f"{d['weight']:g}".replace(".", ",") if d["has_data"] else "telt niet mee",
        ]
        for d in details
    ]


def _nearest(
    facilities: gpd.GeoDataFrame | None, view: ScoreView | None, plot_id: str, labels: dict[str, str]
) -> list[NearestFacility]:
    row = view.row(plot_id) if view is not None else None
    if row is None or facilities is None:
        return []
    fac = facilities.set_index(facilities["facility_id"].astype("string"), drop=False)
    out: list[NearestFacility] = []
    for col in view.frame.columns if view is not None else ():
        m = re.fullmatch(r"nearest_(.+)_id", str(col))
        if not m:
            continue
        fid = row.get(col)
        if (
            fid is None
            or fid is pd.NA
            or (isinstance(fid, float) and math.isnan(fid))
            or str(fid) not in fac.index
        ):
            continue
        f = fac.loc[str(fid)]
        f = f.iloc[0] if isinstance(f, pd.DataFrame) else f
        dist = row.get(f"dist_{m.group(1)}_m")
        name = f.get("name")
        out.append(
            NearestFacility(
                category=m.group(1),
                label=labels.get(m.group(1), m.group(1)).split(" (")[0],
                name="" if name is None or name is pd.NA or str(name) == "nan" else str(name),
                distance_m=float(dist) if dist is not None and pd.notna(dist) else math.nan,
                geometry=f.geometry,
            )
        )
    return out


def _facts(row: AnnexRow, view: ScoreView | None) -> list[tuple[str, str]]:
    area = f"{row.area_m2:,.0f} m²".replace(",", ".") if row.area_m2 is not None else "–"
    score = "geen scoreronde"
    if view is not None and row.score is not None:
        srow = view.row(row.plot_id)
        rank = int(srow["view_rank"]) if srow is not None else None
        score = f"{row.score:.0f} van 100, rang {rank or '–'} ({row.score_label})"
    facts = [
        ("Kavel", row.title),
        ("Adres / perceel", row.place or "–"),
        ("Oppervlakte", area),
        ("Woningcategorie", row.category),
        ("Woningen (opgegeven)", f"{row.capacity or '–'} woningen"),
        ("Schatting van de tool", row.capacity_estimate or "geen (geen oppervlakte of plan)"),
    ]
    if row.capacity_warning:
        facts.append(("Let op (capaciteit)", row.capacity_warning))
    if row.profile_warning:
        facts.append(("Let op (woonvorm)", row.profile_warning))
    if row.distance_note:
        facts.append(("Let op (afstand)", row.distance_note))
    facts += [
        ("Status", row.status),
        ("Jaren", row.years or "–"),
        ("Partners", row.partners or "–"),
        ("Drieslag", row.drieslag.lights if row.drieslag is not None else "–"),
        ("Grondeigenaar", row.land_owner or "–"),
        ("Bestemming", row.zoning or "–"),
        ("Score", score),
    ]
    return facts


class _Graphs:
    """One walking graph per network profile, built on first use."""

    def __init__(self, network: gpd.GeoDataFrame | None) -> None:
        self.network = network
        self.cache: dict[str, WalkGraph | None] = {}

    def get(self, network_profile: str) -> WalkGraph | None:
        if self.network is None:
            return None
        if network_profile not in self.cache:
            try:
                self.cache[network_profile] = build_walk_graph(self.network, profile=network_profile)
            except ScoringError:
                self.cache[network_profile] = None
        return self.cache[network_profile]


def _profile_of(view: ScoreView | None) -> Profile | None:
    return view.profile if view is not None else None


_DOSSIER_MAX_M = 1500.0  # facilities farther than this from the plot are listed, not fitted


def dossier_extent(
    geom: shapely.Geometry | None, nearest: Sequence[NearestFacility], near_m: float
) -> tuple[float, float, float, float]:
    """The dossier map: the plot and its nearest facilities (up to 1,5 km), at least the near reach.

    A facility farther away would shrink the plot to a dot; it stays in the list beside the map.
    """
    if geom is None or geom.is_empty:
        geoms = [f.geometry for f in nearest if f.geometry is not None and not f.geometry.is_empty]
        return _fit(geoms or [shapely.Point(0, 0)], margin=0.08, min_span=2 * near_m)
    geoms = [geom]
    for f in nearest:
        if f.geometry is None or f.geometry.is_empty:
            continue
        if f.geometry.distance(geom) <= _DOSSIER_MAX_M:
            geoms.append(f.geometry)
    return _fit(geoms, margin=0.08, min_span=2 * near_m)


def dossier_reports(
    store: ProjectStore,
    *,
    weighting_key: str | None = None,
    progress: Progress | None = None,
) -> Iterator[DossierReport]:
    """One dossier per live reservation, numbered as on the map (reads the layers once)."""
    data = map_report(store, weighting_key=weighting_key, progress=progress)
    graphs = _Graphs(data.network)
    near_m, far_m = _reach_distances()
    labels = _facility_labels()
    n = len(data.rows)
    for i, row in enumerate(data.rows):
        report(progress, 0.1 + 0.9 * i / max(n, 1), f"Dossier {row.nr} van {n}: {row.plot_id}")
        view = data.view.views.get(row.category)
        profile = _profile_of(view)
        geom = row.geometry
        reach: gpd.GeoDataFrame | None = None
        reach_text = "geen loopnetwerk in het project: bereik niet getekend"
        graph = graphs.get(profile.network_profile if profile is not None else "senior")
        if graph is not None and geom is not None and not geom.is_empty:
            reach = reach_lines(graph, geom, (near_m, far_m))
            reach_text = (
                f"loopbereik over het netwerk: {format_distance(near_m)} (doorgetrokken) "
                f"en {format_distance(far_m)} (gestreept)"
            )
        nearest = _nearest(data.facilities, view, row.plot_id, labels)
        notes = " · ".join(x for x in (row.notes, row.plot_notes) if x)
        yield DossierReport(
            row=row,
            title=f"Dossier {row.nr}: {row.name or row.plot_id} [{row.plot_id}]",
            subtitle=data.subtitle,
            view=view,
            facts=_facts(row, view),
            notes=notes,
            criteria=_criteria_rows(view, row.plot_id),
            nearest=nearest,
            reach=reach,
            reach_text=reach_text,
            near_m=near_m,
            far_m=far_m,
            method_note=method_note([view] if view is not None else [], network_source=data.network_source),
            attribution=data.attribution,
            extent=dossier_extent(geom, nearest, near_m),
            map=data,
        )
