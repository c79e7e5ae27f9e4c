"""The read side: typed, Qt-free views of a project that every output reads.

One question, one function. Which reservations are live, how the reserved plots are numbered and
named, which score (and under which weighting) stands beside them, what the project is called:
the PDF, the dossiers, the CSV/XLSX annex, the web map, the GIS package, the app's tables and the
presentation window all read these views and never re-derive them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import func, select

from plotscore.classes import ClassBreaks, attainable_maximum, class_rule, score_breaks
from plotscore.columns import EXPLANATION, subscore_col
from plotscore.criteria import Profile, list_profiles, load_profile
from plotscore.distance import reach_lines
from plotscore.errors import ScoringError
from plotscore.explain import EDGE_NOTE, FAIL_MARK, OK_MARK, CriterionDetail, explain_criterion, format_number
from plotscore.model import ranks_of
from projects.capacity import NormsRun, capacity_estimates, plot_fit, project_layer
from projects.errors import InputsError, ProjectError
from projects.ledger import (
    Drieslag,
    Ledger,
    OpgaveRow,
    compute_ledger,
    drieslag_of,
    ledger_rules,
    opgave_rows,
)
from projects.models import (
    RESERVATION_STATUSES,
    LayerSource,
    Opgave,
    Partner,
    Plot,
    Reservation,
    ReservationPartner,
    ReservationStatus,
    ScoreSnapshot,
    Workshop,
)
from projects.places import AREA_COLUMNS, plot_areas
from projects.plots import plots_frame
from projects.records import DEFAULT_CATEGORIES, iso, json_safe, project_row
from projects.reservations import RESERVATION_COLUMNS, reservation_rows, reservations_frame, reservations_gdf
from projects.snapshots import (
    Weighting,
    current_snapshot,
    snapshot_info,
    snapshot_profile,
    weighting,
    weighting_column,
)

if TYPE_CHECKING:
    from plotscore.pipeline import ScoreRun
    from plotscore.progress import Progress
    from projects.store import ProjectStore

__all__ = [
    "ANNEX_COLUMNS",
    "AnnexRow",
    "LayerInfo",
    "LedgerContext",
    "ProjectInfo",
    "ProjectMeta",
    "ScoreView",
    "annex_rows",
    "annex_table",
    "enrich_reservations",
    "is_live",
    "ledger_context",
    "ledger_inputs",
    "live_mask",
    "live_reservations",
    "partner_roles",
    "profile_for_category",
    "project_info",
    "project_ledger",
    "score_view",
    "score_views",
]


# --- the project at a glance -------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectMeta:
    uid: str
    name: str
    gemeente_code: str | None
    gemeente_naam: str | None
    categories: tuple[str, ...]
    revision: int
    created_at: str | None
    modified_at: str | None
    data_dates: dict[str, str]

    @property
    def gemeente_label(self) -> str:
        """ "Gemeente Delft (0503)", or "onbekende gemeente"."""
        name = self.gemeente_naam or "onbekende gemeente"
        return f"Gemeente {name}" + (f" ({self.gemeente_code})" if self.gemeente_code else "")


@dataclass(frozen=True)
class LayerInfo:
    table: str
    kind: str
    label: str
    features: int
    data_date: str | None
    checksum: str | None
    imported_at: str | None
    source: str | None  # the original file path, or the request URL of fetched data
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProjectInfo:
    """What ``project info``, the window title and every document header read."""

    project: ProjectMeta
    target: str
    layers: tuple[LayerInfo, ...]
    plots: int
    reservations_by_status: dict[str, int]
    reservations: tuple[dict[str, Any], ...]
    opgave: tuple[dict[str, Any], ...]
    partners: tuple[dict[str, Any], ...]
    workshops: tuple[dict[str, Any], ...]
    score_snapshots: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    @property
    def name(self) -> str:
        return self.project.name

    def workshop(self, workshop_id: int | None) -> dict[str, Any] | None:
        return next((w for w in self.workshops if w["id"] == workshop_id), None)

    def to_json(self) -> dict[str, Any]:
        """The JSON of ``bodnaarplot project info --json`` (stable keys)."""
        out = asdict(self)
        out["project"]["categories"] = list(self.project.categories)
        out["layers"] = [{**asdict(ls), "warnings": list(ls.warnings)} for ls in self.layers]
        return json_safe(out)  # type: ignore[no-any-return]


def project_info(store: ProjectStore) -> ProjectInfo:
    """Read the project's overview in one transaction (nothing is written)."""
    with store.session() as session:
        project = project_row(session)
        n_plots = session.scalar(select(func.count()).select_from(Plot)) or 0
        by_status = {
            str(s): int(n)
            for s, n in session.execute(
                select(Reservation.status, func.count())
                .where(Reservation.active.is_(True))
                .group_by(Reservation.status)
            )
        }
        meta = ProjectMeta(
            uid=project.uid,
            name=project.name,
            gemeente_code=project.gemeente_code,
            gemeente_naam=project.gemeente_naam,
            categories=tuple(project.categories or DEFAULT_CATEGORIES),
            revision=int(project.revision),
            created_at=iso(project.created_at),
            modified_at=iso(project.modified_at),
            data_dates={str(k): str(v) for k, v in (project.data_dates or {}).items()},
        )
        layers = tuple(
            LayerInfo(
                table=ls.table_name,
                kind=ls.kind,
                label=ls.label,
                features=int(ls.feature_count or 0),
                data_date=ls.data_date,
                checksum=ls.checksum,
                imported_at=iso(ls.imported_at),
                source=ls.original_path,
                warnings=tuple(ls.warnings or ()),
            )
            for ls in session.scalars(select(LayerSource).order_by(LayerSource.id))
        )
        reservations = tuple(
            json_safe({k: v for k, v in row.items() if k != "geometry"}) for row in reservation_rows(session)
        )
        opgave = tuple(
            {
                "category": o.category,
                "period": f"{o.period_start}-{o.period_end}",
                "wijk": o.wijk,
                "target_homes": o.target_homes,
                "source": o.source,
            }
            for o in session.scalars(select(Opgave).order_by(Opgave.category, Opgave.period_start))
        )
        partners = tuple(
            {"id": p.id, "name": p.name, "type": p.type}
            for p in session.scalars(select(Partner).order_by(Partner.name))
        )
        workshops = tuple(
            {"id": w.id, "date": iso(w.date), "title": w.title, "decisions": len(w.decisions or [])}
            for w in session.scalars(select(Workshop).order_by(Workshop.date, Workshop.id))
        )
        snapshots = tuple(
            snapshot_info(s) for s in session.scalars(select(ScoreSnapshot).order_by(ScoreSnapshot.id))
        )
    return ProjectInfo(
        project=meta,
        target=store.target_label,
        layers=layers,
        plots=int(n_plots),
        reservations_by_status={s: by_status[s] for s in RESERVATION_STATUSES if s in by_status},
        reservations=reservations,
        opgave=opgave,
        partners=partners,
        workshops=workshops,
        score_snapshots=snapshots,
    )


# --- which reservations are live ----------------------------------------------------------------


def is_live(status: object, active: object) -> bool:
    """A reservation counts on the map, in the annex and in the dossiers: active and not vervallen.

    A withdrawn reservation (``active`` false, after *Reservering intrekken*) is gone; a
    *vervallen* one stays in the history and the ledger's count of vervallen, never on the map.
    """
    if active is None or active is pd.NA or not bool(active):
        return False
    return str(status) != ReservationStatus.VERVALLEN.value


def live_mask(frame: pd.DataFrame) -> pd.Series:
    """:func:`is_live` for every row of a reservations frame (``status`` and ``active`` columns)."""
    if frame.empty:
        return pd.Series(np.zeros(0, dtype=bool), index=frame.index)
    active = frame["active"].astype("boolean").fillna(False).astype(bool)
    return active & (frame["status"].astype("string") != ReservationStatus.VERVALLEN.value).fillna(False)


def live_reservations(store: ProjectStore) -> gpd.GeoDataFrame:
    """The live reservations, oldest first (by ``fid``): what every map and annex shows."""
    frame = reservations_frame(store)
    return frame.loc[live_mask(frame)].sort_values("fid", kind="stable").reset_index(drop=True)


# --- scores and the weighting they were computed with -----------------------------------------


@dataclass(frozen=True)
class ScoreView:
    """The scores of one recorded run under one weighting, indexed by plot_id."""

    snapshot_id: int
    profile: Profile
    method: str
    created_at: str
    weighting: Weighting
    frame: pd.DataFrame  # the snapshot's result columns + "view_score", "view_rank"
    # Criteria the run had no data for (left out of its score), criterion id → Dutch reason.
    absent: Mapping[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """E.g. "consensus van de partijen (…), profiel geclusterd, scoreronde 3 van 04-12-2026"."""
        day = self.created_at[:10]
        if len(day) == 10 and day[4] == "-":
            day = f"{day[8:10]}-{day[5:7]}-{day[:4]}"
        return f"{self.weighting.label}, profiel {self.profile.id}, scoreronde {self.snapshot_id} van {day}"

    def row(self, plot_id: str) -> pd.Series | None:
        if plot_id not in self.frame.index:
            return None
        row = self.frame.loc[plot_id]
        return row.iloc[0] if isinstance(row, pd.DataFrame) else row

    def score(self, plot_id: str) -> float | None:
        row = self.row(plot_id)
        if row is None or pd.isna(row["view_score"]):
            return None
        return float(row["view_score"])


def score_view(
    store: ProjectStore,
    profile: Profile | str,
    *,
    weighting_key: str | None = None,
    record: bool = True,
    progress: Progress | None = None,
) -> ScoreView | None:
    """The current recorded run of ``profile`` under a weighting (default: the one recorded).

    With ``record`` (exports) a missing or outdated run is scored and recorded first, so the
    document can cite it; without it ``None`` means "no current recorded run".
    """
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    snap = current_snapshot(store, prof, record=record, progress=progress)
    if snap is None:
        return None
    stored = snapshot_profile(snap) or prof
    recorded = ((snap.summary or {}).get("weighting") or {}).get("key")
    w = weighting(stored, weighting_key or recorded)
    try:
        frame = pd.DataFrame(store.read_layer(snap.table_name))
    except ProjectError:
        return None
    column = weighting_column(w)
    if column not in frame.columns:
        raise InputsError(
            f"Scoreronde {snap.id} heeft geen score voor de {w.label}.",
            hint="Leg een nieuwe scoreronde vast: bodnaarplot project score PROJECT.",
        )
    frame = frame.drop(columns=[c for c in ("geometry",) if c in frame.columns])
    frame["view_score"] = pd.to_numeric(frame[column], errors="coerce")
    frame["view_rank"] = ranks_of(frame["view_score"].to_numpy(dtype=np.float64))
    frame = frame.set_index(frame["plot_id"].astype("string"), drop=False)
    return ScoreView(
        snapshot_id=int(snap.id),
        profile=stored,
        method=str(snap.method),
        created_at=str(iso(snap.created_at) or ""),
        weighting=w,
        frame=frame,
        absent={str(k): str(v) for k, v in ((snap.summary or {}).get("criteria_without_data") or {}).items()},
    )


@lru_cache(maxsize=1)
def _category_profiles() -> dict[str, str]:
    out: dict[str, str] = {}
    for pid in list_profiles():
        out.setdefault(load_profile(pid).housing_category, pid)
    return out


def profile_for_category(category: str, default: str = "geclusterd") -> str:
    """The built-in profile that scores plots for a housing category (its ``housing_category``)."""
    return _category_profiles().get(category, default)


def score_views(
    store: ProjectStore,
    categories: Sequence[str],
    *,
    weighting_key: str | None = None,
    record: bool = True,
    progress: Progress | None = None,
) -> dict[str, ScoreView | None]:
    """A score view per housing category (each scored with its own category's profile)."""
    profiles = {c: profile_for_category(c) for c in dict.fromkeys(categories)}
    by_profile: dict[str, ScoreView | None] = {}
    for pid in dict.fromkeys(profiles.values()):
        by_profile[pid] = score_view(
            store, pid, weighting_key=weighting_key, record=record, progress=progress
        )
    return {c: by_profile[p] for c, p in profiles.items()}


# --- the annex: one row per live reservation ----------------------------------------------------


@dataclass(frozen=True)
class AnnexRow:
    """One reserved location as every document lists it (numbered like the map)."""

    nr: int
    fid: int
    plot_id: str
    name: str
    place: str  # address and/or kadastraal perceel, "" when unknown
    area_m2: float | None
    category: str
    capacity_min: int | None
    capacity_max: int | None
    status: str
    partners: str
    year_start: int | None
    year_end: int | None
    land_owner: str
    notes: str
    plot_notes: str
    score: float | None
    score_label: str  # the weighting, profile and run the score comes from; "" without a score
    capacity_estimate: str  # the tool's estimate (schatting) with its basis; "" if none
    zoning: str
    geometry: shapely.Geometry | None
    estimate_min: int | None = None
    estimate_max: int | None = None
    estimate_basis: str = ""
    capacity_warning: str = ""  # opgegeven above the schatting or the plan maximum; "" if not
    drieslag: Drieslag | None = None
    segment: str = ""
    area: str = ""  # the wijk/buurt from the CBS layer ("… (ingevuld)" when only typed)
    periods: str = ""  # how the homes are spread over the opgave periods
    profile_warning: str = ""  # the nultreden guard: the plot fits a less demanding category
    distance_note: str = ""  # "rand van het netwerk: afstand onzeker (…)"; "" when all distances hold

    @property
    def title(self) -> str:
        """ "Naam (KAVEL-ID)" or the id alone."""
        return f"{self.name} ({self.plot_id})" if self.name else self.plot_id

    @property
    def capacity(self) -> str:
        """The user's capacity (opgegeven), "20–30"."""
        return _span(self.capacity_min, self.capacity_max)

    @property
    def estimate(self) -> str:
        """The tool's estimate (schatting) as a bare range, "7–15" ('' without one)."""
        return _span(self.estimate_min, self.estimate_max)

    @property
    def years(self) -> str:
        return _span(self.year_start, self.year_end)


def _text(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).strip()


def _int(value: Any) -> int | None:
    if value is None or value is pd.NA:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(out) else int(out)


def _span(lo: int | None, hi: int | None, sep: str = "–") -> str:
    if lo is None and hi is None:
        return ""
    if lo is None or hi is None or lo == hi:
        return str(lo if lo is not None else hi)
    return f"{lo}{sep}{hi}"


def _zoning(row: pd.Series | None) -> str:
    if row is None:
        return ""
    text = _text(row.get("zoning_class"))
    groups = _text(row.get("zoning_hoofdgroepen"))
    if groups:
        text += f" ({groups})"
    if _int(row.get("zoning_indicatief")):
        text += ", indicatief"
    return text


def annex_rows(
    store: ProjectStore,
    views: Mapping[str, ScoreView | None] | None = None,
    book: Ledger | None = None,
) -> list[AnnexRow]:
    """The live reservations in map order (by ``fid``), numbered 1…n, with plot and score.

    ``views`` maps a housing category to its score view (:func:`score_views`); without it the
    rows carry no score. The estimate, warnings, drieslag, segment and wijk/buurt come from the
    ledger (``book``, read when not given), so the annex and the ledger never disagree.
    """
    res = live_reservations(store)
    plots = plots_frame(store).set_index("plot_id", drop=False)
    book = book if book is not None else project_ledger(store)
    by_fid = {int(r["fid"]): r for r in book.reservations.to_dict("records") if r["fid"] is not pd.NA}
    roles = partner_roles(store)
    rows: list[AnnexRow] = []
    for nr, r in enumerate(res.itertuples(index=False), start=1):
        plot_id = _text(r.plot_id)
        plot = plots.loc[plot_id] if plot_id in plots.index else None
        category = _text(r.category)
        view = (views or {}).get(category)
        srow = view.row(plot_id) if view is not None else None
        score = view.score(plot_id) if view is not None else None
        where = [_text(plot[c]) for c in ("address", "kadastraal_perceel")] if plot is not None else []
        geom = r.geometry if r.geometry is not None and not r.geometry.is_empty else None
        if geom is None and plot is not None:
            geom = plot.geometry
        area = plot["area_m2"] if plot is not None else None
        info = by_fid.get(int(r.fid), {})
        lo, hi = _int(info.get("estimate_min")), _int(info.get("estimate_max"))
        basis = _text(info.get("estimate_basis"))
        rows.append(
            AnnexRow(
                nr=nr,
                fid=int(r.fid),
                plot_id=plot_id,
                name=_text(plot["name"]) if plot is not None else "",
                place=" / ".join(w for w in where if w),
                area_m2=None if area is None or pd.isna(area) else float(area),
                category=category,
                capacity_min=_int(r.capacity_min),
                capacity_max=_int(r.capacity_max),
                status=_text(r.status),
                partners=_text(r.partners_text),
                year_start=_int(r.year_start),
                year_end=_int(r.year_end),
                land_owner=_text(r.land_owner),
                notes=_text(r.notes),
                plot_notes=_text(plot["notes"]) if plot is not None else "",
                score=None if score is None else round(score, 1),
                score_label=view.label if view is not None and score is not None else "",
                capacity_estimate=(
                    f"{_span(lo, hi)} woningen" + (f" ({basis})" if basis else "") if lo is not None else ""
                ),
                zoning=_zoning(srow),
                geometry=geom,
                estimate_min=lo,
                estimate_max=hi,
                estimate_basis=basis,
                capacity_warning=_text(info.get("capacity_warning")),
                drieslag=drieslag_of(roles.get(int(r.fid), [])),
                segment=_text(info.get("segment")),
                area=_text(info.get("area")),
                periods=_text(info.get("periods")),
                profile_warning=_text(info.get("profile_warning")),
                distance_note=distance_note(view, plot_id),
            )
        )
    return rows


ANNEX_COLUMNS: tuple[str, ...] = (
    "nr",
    "kavel",
    "naam",
    "adres/perceel",
    "oppervlakte_m2",
    "categorie",
    "capaciteit_min",
    "capaciteit_max",
    "schatting_min",
    "schatting_max",
    "schatting_basis",
    "capaciteit_let_op",
    "status",
    "partners",
    "drieslag",
    "jaren",
    "verdeling_perioden",
    "segment",
    "wijk/buurt",
    "profiel_let_op",
    "score",
    "weging",
    "afstand_let_op",
)


def annex_table(rows: Sequence[AnnexRow]) -> pd.DataFrame:
    """The annex as a table (CSV/XLSX, the PDF's annex pages): :data:`ANNEX_COLUMNS`."""
    frame = pd.DataFrame(
        [
            {
                "nr": r.nr,
                "kavel": r.plot_id,
                "naam": r.name,
                "adres/perceel": r.place,
                "oppervlakte_m2": None if r.area_m2 is None else round(r.area_m2),
                "categorie": r.category,
                "capaciteit_min": r.capacity_min,
                "capaciteit_max": r.capacity_max,
                "schatting_min": r.estimate_min,
                "schatting_max": r.estimate_max,
                "schatting_basis": r.estimate_basis,
                "capaciteit_let_op": r.capacity_warning,
                "status": r.status,
                "partners": r.partners,
                "drieslag": r.drieslag.text if r.drieslag is not None else "",
                "jaren": r.years,
                "verdeling_perioden": r.periods,
                "segment": r.segment,
                "wijk/buurt": r.area,
                "profiel_let_op": r.profile_warning,
                "score": r.score,
                "weging": r.score_label,
                "afstand_let_op": r.distance_note,
            }
            for r in rows
        ],
        columns=list(ANNEX_COLUMNS),
    )
    for col in ("nr", "oppervlakte_m2", "capaciteit_min", "capaciteit_max", "schatting_min", "schatting_max"):
        frame[col] = pd.array(frame[col].tolist(), dtype="Int64")
    frame["score"] = pd.to_numeric(frame["score"], errors="coerce")
    return frame


# --- all plots with a score (web map, GIS package) -------------------------------------------


def scored_plots(store: ProjectStore, view: ScoreView | None) -> gpd.GeoDataFrame:
    """Every plot with the score of ``view`` (NaN without): plot columns + score, class, rank.

    The classes follow the app's class rule (:func:`view_breaks`); the breaks are kept in
    ``attrs["score_breaks"]`` for a legend (:func:`class_labels`).
    """
    plots = plots_frame(store).drop(columns="version")
    plots["plot_id"] = plots["plot_id"].astype("string")
    n = len(plots)
    if view is None:
        plots["score"] = np.full(n, np.nan)
        plots["score_class"] = pd.array([pd.NA] * n, dtype="Int64")
        plots["rank"] = pd.array([pd.NA] * n, dtype="Int64")
        plots["explanation"] = pd.array([pd.NA] * n, dtype="string")
        plots["weging"] = pd.array([pd.NA] * n, dtype="string")
        return plots
    f = view.frame
    ids = plots["plot_id"]
    score = pd.to_numeric(ids.map(f["view_score"]), errors="coerce").astype("float64")
    plots["score"] = score.round(1)
    # The map classes of the app, on the shown weighting's score.
    breaks = view_breaks(view)
    classes = breaks.classify(score.to_numpy(dtype=np.float64))
    plots["score_class"] = pd.array(
        [int(c) if s == s else pd.NA for c, s in zip(classes, score, strict=True)], dtype="Int64"
    )
    plots["rank"] = pd.array(ids.map(f["view_rank"]).tolist(), dtype="Int64")
    plots["explanation"] = ids.map(f[EXPLANATION]).astype("string") if EXPLANATION in f else pd.NA
    plots["weging"] = pd.array([view.label if s == s else pd.NA for s in score], dtype="string")
    plots.attrs["score_breaks"] = breaks
    return plots


def view_breaks(view: ScoreView) -> ClassBreaks:
    """The score classes of a recorded view, by the same rule as the app's map and table."""
    scores = view.frame["view_score"].to_numpy(dtype=np.float64, na_value=np.nan)
    attainable = None
    if class_rule().rule == "attainable":
        profile = view.profile
        cols = [subscore_col(c.id) for c in profile.criteria]
        if all(c in view.frame.columns for c in cols):
            sub = view.frame[cols].to_numpy(dtype=np.float64, na_value=np.nan).T
            attainable = attainable_maximum(sub, _shares(profile, view.weighting.key))
    return score_breaks(scores, attainable=attainable)


def _shares(profile: Profile, key: str) -> list[float]:
    """The weights (shares) of a weighting: the consensus is the mean of the parties' shares."""
    party = key.removeprefix("partij:")
    if key == "consensus" and profile.parties:
        rows = [np.asarray(profile.party_weights(p), dtype=np.float64) for p in profile.parties]
        return [float(v) for v in np.mean([r / r.sum() for r in rows if r.sum() > 0], axis=0)]
    if party in profile.parties:
        return [float(v) for v in profile.party_weights(party)]
    return [float(v) for v in profile.weights]


def class_labels(plots: pd.DataFrame) -> list[str] | None:
    """The score range of each class of a :func:`scored_plots` frame ("56–70"), for a legend."""
    breaks = plots.attrs.get("score_breaks")
    return breaks.labels() if isinstance(breaks, ClassBreaks) else None


# --- everything an export of the reserved locations reads -----------------------------------


@dataclass(frozen=True)
class ReservedView:
    """The reserved locations with their scores: read once, shared by every output of one export."""

    info: ProjectInfo
    rows: list[AnnexRow]
    views: dict[str, ScoreView | None]  # per housing category of a live reservation
    plots_view: ScoreView | None  # the score of every plot (web map, GIS package)
    ledger: Ledger  # the ledger the annex rows were read from (the XLSX sheets, the GIS package)

    @property
    def weighting_labels(self) -> list[str]:
        """The distinct labels of the scores shown (one per profile used)."""
        return list(dict.fromkeys(v.label for v in (*self.views.values(), self.plots_view) if v is not None))


def reserved_view(
    store: ProjectStore,
    *,
    weighting_key: str | None = None,
    profile: str = "geclusterd",
    record: bool = True,
    progress: Progress | None = None,
) -> ReservedView:
    """Read the reserved locations, their scores (each category with its own profile) and the
    scores of all plots under ``profile``, recording a run where a document needs one."""
    info = project_info(store)
    categories = [str(r["category"]) for r in info.reservations if is_live(r["status"], r["active"])]
    has_plots = info.plots > 0 and any(ls.kind == "facilities" for ls in info.layers)
    views = (
        score_views(store, categories, weighting_key=weighting_key, record=record, progress=progress)
        if has_plots
        else dict.fromkeys(categories)
    )
    plots_pid = profile_for_category(profile, default=profile)
    plots_view = next((v for v in views.values() if v is not None and v.profile.id == plots_pid), None)
    if plots_view is None and has_plots:
        plots_view = score_view(
            store, plots_pid, weighting_key=weighting_key, record=record, progress=progress
        )
    book = project_ledger(store)
    return ReservedView(
        info=info, rows=annex_rows(store, views, book), views=views, plots_view=plots_view, ledger=book
    )


# --- what the app's panels and map show about one plot ------------------------------------------


def criterion_details(
    frame: pd.DataFrame, profile: Profile, plot_id: object, *, absent: Collection[str]
) -> list[CriterionDetail]:
    """One row per criterion for a plot of a scored frame: measure, norm, ✓/✗, sub-score, weight.

    ``absent``: criteria the run had no data for (``ScoreRun.absent``, ``ScoreView.absent``).
    """
    return explain_criterion(frame, profile, plot_id, absent=absent)


def distance_note(view: ScoreView | None, plot_id: str) -> str:
    """ "rand van het netwerk: afstand onzeker (Supermarkt, Huisarts)" for a plot, or "".

    Read from the criteria the run flagged (plotscore's rule), for the annex and the dossiers.
    """
    if view is None or view.row(plot_id) is None:
        return ""
    try:
        details = explain_criterion(view.frame, view.profile, plot_id, absent=view.absent)
    except (ScoringError, KeyError, ValueError, TypeError):
        return ""
    flagged = [d["label"] for d in details if d["uncertain"] and d["weight"] > 0]
    return f"{EDGE_NOTE} ({', '.join(flagged)})" if flagged else ""


def walking_reach(
    run: ScoreRun, geometry: shapely.Geometry, distances_m: tuple[float, ...]
) -> gpd.GeoDataFrame | None:
    """The walking network reachable from a plot within each distance (None without a network)."""
    if run.graph is None or geometry is None or geometry.is_empty:
        return None
    return reach_lines(run.graph, geometry, distances_m)


@dataclass(frozen=True)
class WalkRoute:
    """A measured distance between two points: in a straight line and walking over the network."""

    straight_m: float
    walking_m: float | None  # None: no network, or the points are not connected
    path: shapely.LineString | None  # start → access node → … → access node → end (RD)
    pace_kmh: float

    @property
    def walking_min(self) -> float | None:
        return None if self.walking_m is None else self.walking_m / (self.pace_kmh * 1000.0 / 60.0)


def walking_route(
    run: ScoreRun, start: tuple[float, float], end: tuple[float, float], *, limit_m: float = 20_000.0
) -> WalkRoute:
    """The measuring tool's distances (RD points): straight, and walking over the run's network.

    Walking = the straight way from ``start`` to its nearest network node + the shortest path
    over the network + the way from the last node to ``end``: two clicked points, joined at
    nodes (the plots' scores join at every entry point and at the nearest point of a path, so
    a measured walk can be a few metres longer than a score's distance).
    """
    a, b = shapely.Point(start), shapely.Point(end)
    straight = float(a.distance(b))
    graph = run.graph
    if graph is None:
        return WalkRoute(straight, None, None, run.profile.pace_kmh)
    from scipy.sparse.csgraph import dijkstra

    gap, node = graph.node_tree.query(np.array([[a.x, a.y], [b.x, b.y]]), k=1)
    na, nb = int(node[0]), int(node[1])
    dist, pred = dijkstra(graph.csr, directed=True, indices=na, limit=limit_m, return_predecessors=True)
    if not np.isfinite(dist[nb]):
        return WalkRoute(straight, None, None, run.profile.pace_kmh)
    nodes = [nb]
    while nodes[-1] != na:  # one predecessor chain: as long as the path, never the graph
        nodes.append(int(pred[nodes[-1]]))
    xy = graph.node_xy[nodes[::-1]]
    coords = [(a.x, a.y), *map(tuple, xy.tolist()), (b.x, b.y)]
    walking = float(dist[nb] + gap[0] + gap[1])
    return WalkRoute(straight, walking, shapely.LineString(coords), run.profile.pace_kmh)


# --- the decisions of a workshop (the presentation window keeps them in view) -----------------


@dataclass(frozen=True)
class DecisionView:
    time: str  # ISO, UTC, as stored
    text: str
    plot_id: str | None


def workshop_decisions(store: ProjectStore, workshop_id: int) -> list[DecisionView]:
    """The decisions logged in a workshop, oldest first (empty for an unknown workshop)."""
    with store.session() as session:
        workshop = session.get(Workshop, int(workshop_id))
        entries = [dict(d) for d in (workshop.decisions or [])] if workshop is not None else []
    return [
        DecisionView(str(d.get("time") or ""), str(d.get("text") or ""), d.get("plot_id") or None)
        for d in entries
    ]


# --- the ledger ------------------------------------------------------------------------------------


def partner_roles(store: ProjectStore) -> dict[int, list[str]]:
    """Reservation fid → the roles of its partners (what lights the drieslag)."""
    out: dict[int, list[str]] = {}
    with store.session() as session:
        for fid, role in session.execute(
            select(ReservationPartner.reservation_fid, ReservationPartner.role).order_by(
                ReservationPartner.id
            )
        ):
            out.setdefault(int(fid), []).append(str(role))
    return out


UNSET: Any = object()  # "read it from the project" (None means: the project has no such layer)
_UNSET = UNSET


def _norms_runs(store: ProjectStore, categories: Sequence[str]) -> dict[str, NormsRun | None]:
    """The current recorded run of each category's profile (never computed here: reading writes nothing)."""
    out: dict[str, NormsRun | None] = {}
    for category in categories:
        pid = profile_for_category(category, default="")
        view = None
        if pid:
            try:
                view = score_view(store, pid, record=False)
            except ProjectError:
                view = None
        if view is not None and view.profile.housing_category == category:
            out[category] = NormsRun(category, view.profile, view.frame, f"scoreronde {view.snapshot_id}")
        else:
            out[category] = None
    return out


@dataclass(frozen=True)
class LedgerContext:
    """What the ledger reads about plots besides the reservations: their CBS wijk/buurt, the
    tool's estimate per category and the recorded runs the profile check reads.

    It changes with layers, plots and recorded runs, not with reservations: the app builds it
    once when it loads a project (off the GUI thread) and every edit reuses it.
    """

    plots: gpd.GeoDataFrame
    areas: pd.DataFrame  # plot_id → AREA_COLUMNS
    estimates: dict[str, pd.DataFrame]  # category → estimate_capacity columns by plot_id
    runs: dict[str, NormsRun | None]  # category → its current recorded run, for the profile check
    stamp: Any = None  # what the holder compares to know it is still current (the app: plot versions, runs)

    def estimate(self, plot_id: str, category: str) -> pd.Series | None:
        """The estimate of one plot for one category (None without one)."""
        frame = self.estimates.get(category)
        if frame is None or plot_id not in frame.index:
            return None
        row = frame.loc[plot_id]
        return row.iloc[0] if isinstance(row, pd.DataFrame) else row

    def covers(self, plot_ids: Iterable[str]) -> bool:
        return set(plot_ids) <= set(self.areas.index)


def ledger_context(
    store: ProjectStore,
    *,
    plots: gpd.GeoDataFrame | None = None,
    plot_ids: Iterable[str] | None = None,
    categories: Iterable[str] = (),
    zoning: gpd.GeoDataFrame | None = _UNSET,
    neighbourhoods: gpd.GeoDataFrame | None = _UNSET,
    buildings: gpd.GeoDataFrame | None = _UNSET,
) -> LedgerContext:
    """Compute the :class:`LedgerContext` of ``plot_ids`` (default: every plot) for the project's
    categories, the profile categories and ``categories``. Layers not passed are read."""
    all_plots = plots if plots is not None else plots_frame(store)
    subset = all_plots
    if plot_ids is not None:
        wanted = set(plot_ids)
        subset = all_plots.loc[all_plots["plot_id"].astype("string").isin(wanted).to_numpy(dtype=bool)]
    rules = ledger_rules()
    info_categories = list(project_info_categories(store))
    cats = list(dict.fromkeys([*info_categories, *rules.profile_order, *categories]))
    hoods = project_layer(store, "neighbourhoods") if neighbourhoods is _UNSET else neighbourhoods
    zoning_frame = project_layer(store, "zoning") if zoning is _UNSET else zoning
    keeps = "keep_buildings" in subset.columns and bool(subset["keep_buildings"].fillna(False).any())
    building_frame = (
        (project_layer(store, "buildings") if keeps else None) if buildings is _UNSET else buildings
    )
    estimates = (
        capacity_estimates(subset, cats, zoning=zoning_frame, buildings=building_frame) if len(subset) else {}
    )
    return LedgerContext(
        plots=subset,
        areas=plot_areas(subset, hoods),
        estimates=estimates,
        runs=_norms_runs(store, [c for c in rules.profile_order if c in estimates]),
    )


def project_info_categories(store: ProjectStore) -> tuple[str, ...]:
    """The housing categories of the project (its own list, or the defaults)."""
    with store.session() as session:
        return tuple(project_row(session).categories or DEFAULT_CATEGORIES)


def ledger_inputs(
    store: ProjectStore, context: LedgerContext | None = None, *, plots: bool = True
) -> tuple[list[OpgaveRow], pd.DataFrame]:
    """The opgave and the reservations enriched for :func:`projects.ledger.compute_ledger`.

    Each reservation gets its partners' roles, its plot's CBS wijk/buurt (``area_*``), the
    tool's estimate for its category (``estimate_*``, ``plan_max``) and its plot's profile
    with the reason it does not fit the reserved category. ``context`` (the app's, built
    once) saves reading the layers; without it they are read for the reserved plots only.
    Nothing is written.
    """
    with store.session() as session:
        targets = opgave_rows(session.scalars(select(Opgave)))
        rows = reservation_rows(session, geometry=False)  # enrich_reservations drops it
    return targets, enrich_reservations(store, rows, partner_roles(store), context, plots=plots)


def enrich_reservations(
    store: ProjectStore,
    rows: list[dict[str, Any]],
    roles: Mapping[int, Sequence[str]],
    context: LedgerContext | None = None,
    *,
    plots: bool = True,
) -> pd.DataFrame:
    """Reservation rows (:data:`RESERVATION_COLUMNS` and ``geometry``) enriched for the ledger.

    The one enrichment of :func:`ledger_inputs`, also used for the rows as they were at an
    earlier moment (:func:`projects.audit_state.ledger_inputs_at`): ``roles`` are the partners'
    roles per reservation fid. ``plots=False`` leaves the plot columns (wijk/buurt, estimate,
    profile) empty: they feed the ledger's wijken table, warnings and profile column, never its
    numbers per period (a region reads only those, for many members at once). Nothing is written."""
    frame = pd.DataFrame(reservations_gdf(rows).drop(columns="geometry"))
    frame["partner_roles"] = pd.array([";".join(roles.get(int(f), [])) for f in frame["fid"]], dtype="string")
    for col in (*AREA_COLUMNS, "estimate_basis", "plot_profile", "plot_profile_basis"):
        frame[col] = pd.array([pd.NA] * len(frame), dtype="string")
    for col in ("estimate_min", "estimate_max", "plan_max"):
        frame[col] = pd.array([pd.NA] * len(frame), dtype="Int64")
    if frame.empty or not plots:
        return frame
    ids = frame["plot_id"].astype("string")
    cats = frame["category"].astype(str)
    wanted = set(ids.dropna())
    if context is None or not context.covers(wanted) or not set(cats) <= set(context.estimates):
        context = ledger_context(store, plot_ids=wanted, categories=set(cats))
    for col in AREA_COLUMNS:
        frame[col] = ids.map(context.areas[col]).astype("string")
    est = context.estimates
    for col, source in (
        ("estimate_min", "capacity_min"),
        ("estimate_max", "capacity_max"),
        ("plan_max", "capacity_plan_max"),
        ("estimate_basis", "capacity_basis"),
    ):
        values: list[Any] = [
            est[c].at[p, source] if c in est and p in est[c].index else pd.NA
            for c, p in zip(cats, ids, strict=True)
        ]
        frame[col] = pd.array(values, dtype="string" if col == "estimate_basis" else "Int64")
    reserved = sorted(p for p in wanted if p in context.areas.index)
    fit = plot_fit(est, reserved, context.runs, ledger_rules())
    profiles: list[Any] = []
    bases: list[Any] = []
    for c, p in zip(cats, ids, strict=True):
        if p not in fit.index:
            profiles.append(pd.NA)
            bases.append(pd.NA)
            continue
        profiles.append(fit.at[p, "profile"])
        why = fit.at[p, f"why_{c}"] if f"why_{c}" in fit.columns else pd.NA
        parts = [] if why is pd.NA else [str(why)]
        if c in context.runs and context.runs[c] is None and c != ledger_rules().profile_order[-1]:
            parts.append(f"loopnormen van {c} niet getoetst: geen vastgelegde scoreronde")
        bases.append("; ".join(parts) or pd.NA)
    frame["plot_profile"] = pd.array(profiles, dtype="string")
    frame["plot_profile_basis"] = pd.array(bases, dtype="string")
    return frame


def project_ledger(
    store: ProjectStore, context: LedgerContext | None = None, *, plots: bool = True
) -> Ledger:
    """The bod ledger of the project (:func:`projects.ledger.compute_ledger` of :func:`ledger_inputs`).

    ``plots=False``: the same numbers per period and year without reading the plots' layers
    (no wijk/buurt, estimate or profile; see :func:`enrich_reservations`)."""
    targets, frame = ledger_inputs(store, context, plots=plots)
    return compute_ledger(targets, frame)


__all__ += [
    "FAIL_MARK",
    "OK_MARK",
    "RESERVATION_COLUMNS",
    "ReservedView",
    "WalkRoute",
    "class_labels",
    "criterion_details",
    "format_number",
    "reserved_view",
    "scored_plots",
    "view_breaks",
    "walking_reach",
    "walking_route",
]
