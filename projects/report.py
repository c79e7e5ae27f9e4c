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
from collections.abc import Iterator
from dataclasses import dataclass, field
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
from projects.errors import InputsError
from projects.ledger import ledger_summary_lines
from projects.views import AnnexRow, ProjectInfo, ReservedView, ScoreView, project_ledger, reserved_view
from resources import resource

if TYPE_CHECKING:
    from projects.store import ProjectStore

__all__ = [
    "ATTRIBUTION",
    "DISCLAIMER",
    "DISCLAIMER_NOTE",
    "DemandAnnex",
    "DossierReport",
    "MapReport",
    "NearestFacility",
    "demand_annex",
    "dossier_reports",
    "map_report",
]

ATTRIBUTION: tuple[str, ...] = (
    "Bron: Kadaster / BAG (CC0)",
    "© OpenStreetMap-bijdragers (ODbL)",
    "Bron: CBS / Kadaster (CC BY 4.0)",
)
DISCLAIMER = "Indicatief — geen juridisch bindende kaart"
DISCLAIMER_NOTE = "Dit is niet het omgevingsplan; aan deze kaart kunnen geen rechten worden ontleend."


def _layer(store: ProjectStore, kind: str) -> gpd.GeoDataFrame | None:
    frames = [store.read_layer(ls.table_name) for ls in store.layers(kind)]
    frames = [f for f in frames if len(f)]
    if not frames:
        return None
    if len(frames) == 1:
        return frames[0]
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=frames[0].crs)


def _today() -> str:
    return dt.date.today().strftime("%d-%m-%Y")


def subtitle(info: ProjectInfo) -> str:
    """ "Gemeente Delft (0503) · project … · 04-12-2026 · projectrevisie 7"."""
    return f"{info.project.gemeente_label} · project {info.name} · {_today()} · projectrevisie {info.project.revision}"


def sources(info: ProjectInfo, view: ReservedView) -> list[str]:
    """One line per imported layer (with its data date) and per scoring run used."""
    lines: list[str] = []
    dates = info.project.data_dates
    for ls in info.layers:
        date = ls.data_date or dates.get(ls.kind)
        lines.append(f"{ls.label}: {ls.features} objecten, peildatum {date or 'onbekend'}")
    for label in view.weighting_labels:
        lines.append(f"Score: {label}")
    return lines


def method_note(views: list[ScoreView]) -> str:
    """How distances were measured and what the norms are, for the views shown."""
    view = views[0] if views else None
    pace = view.profile.pace_kmh if view is not None else None
    pace_text = f"{pace:g} km/u".replace(".", ",") if pace else "het tempo van het profiel"
    method = (view.method if view is not None else "") or "netwerk"
    how = (
        "loopafstand over het OpenStreetMap-looppadennetwerk"
        if method == "netwerk"
        else "hemelsbreed gemeten afstand (geen loopnetwerk geladen)"
    )
    return (
        f"Methode: afstanden zijn {how}, omgerekend naar looptijd met {pace_text} (tempo van het profiel). "
        "De normen zijn voorinstellingen die de gemeente kan aanpassen; capaciteit is indicatief "
        "(oppervlakte × dichtheid)."
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
    attribution: tuple[str, ...] = ATTRIBUTION
    disclaimer: str = DISCLAIMER
    disclaimer_note: str = DISCLAIMER_NOTE
    demand: DemandAnnex | None = None  # the demand annex page (issue 20); None without CBS figures

    @property
    def rows(self) -> list[AnnexRow]:
        return self.view.rows

    def bounds(self) -> tuple[float, float, float, float]:
        """The map extent: every plot and reserved location, with a 6 % margin."""
        geoms = [g for g in self.plots.geometry if g is not None and not g.is_empty]
        geoms += [r.geometry for r in self.rows if r.geometry is not None and not r.geometry.is_empty]
        x0, y0, x1, y1 = shapely.total_bounds(geoms)
        pad = max(x1 - x0, y1 - y0, 200.0) * 0.06
        return x0 - pad, y0 - pad, x1 + pad, y1 + pad


def map_report(
    store: ProjectStore,
    *,
    title: str | None = None,
    weighting_key: str | None = None,
    layers: bool = True,
    record: bool = True,
    with_demand: bool = False,
    progress: Progress | None = None,
) -> MapReport:
    """Gather the reserved-location map. Raises :class:`InputsError` when nothing is reserved.

    With ``record`` (an export) a missing or outdated scoring run is recorded so the document can
    cite it; without it (a preview) only current recorded runs are shown.
    """
    from projects.plots import plots_frame

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
    return MapReport(
        title=title or f"Gereserveerde locaties ouderenhuisvesting — {info.name}",
        subtitle=subtitle(info),
        info=info,
        view=view,
        plots=plots_frame(store),
        buildings=_layer(store, "buildings") if layers else None,
        zoning=_layer(store, "zoning") if layers else None,
        facilities=_layer(store, "facilities") if layers else None,
        network=_layer(store, "network_source") if layers else None,
        sources=sources(info, view),
        ledger=ledger_summary_lines(project_ledger(store)),
        method_note=method_note(used),
        demand=demand_annex(store) if with_demand else None,
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


# --- dossiers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NearestFacility:
    category: str
    label: str  # the category's Dutch label
    name: str
    distance_m: float  # NaN when unknown
    geometry: shapely.Geometry | None


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
    attribution: tuple[str, ...] = ATTRIBUTION
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
        details = explain_criterion(view.frame, view.profile, plot_id)
    except (ScoringError, KeyError, ValueError, TypeError):
        return []
    return [
        [
            d["label"],
            d["measure"],
            d["norm"],
            "✓" if d["met"] else "✗",
            f"{d['subscore']:.0f}",
            f"{d['weight']:g}".replace(".", ","),
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
    capacity = f"{row.capacity or '–'} woningen (opgegeven bij de reservering)"
    facts = [
        ("Kavel", row.title),
        ("Adres / perceel", row.place or "–"),
        ("Oppervlakte", area),
        ("Categorie", row.category),
        ("Capaciteit", capacity),
    ]
    if row.capacity_estimate:
        facts.append(("Schatting van de tool", row.capacity_estimate))
    facts += [
        ("Status", row.status),
        ("Jaren", row.years or "–"),
        ("Partners", row.partners or "–"),
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
        centre = geom.centroid if geom is not None and not geom.is_empty else shapely.Point(0, 0)
        half = far_m * 1.15
        notes = " · ".join(x for x in (row.notes, row.plot_notes) if x)
        yield DossierReport(
            row=row,
            title=f"Dossier {row.nr}: {row.name or row.plot_id} [{row.plot_id}]",
            subtitle=data.subtitle,
            view=view,
            facts=_facts(row, view),
            notes=notes,
            criteria=_criteria_rows(view, row.plot_id),
            nearest=_nearest(data.facilities, view, row.plot_id, labels),
            reach=reach,
            reach_text=reach_text,
            near_m=near_m,
            far_m=far_m,
            method_note=method_note([view] if view is not None else []),
            extent=(centre.x - half, centre.y - half, centre.x + half, centre.y + half),
            map=data,
        )
