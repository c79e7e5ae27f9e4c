"""Step one of the drieslag, read side: the opgave as it follows from local demography.

One view, :class:`DemandView`, answers "who lives where, how much do they need, what is already
there, what is reserved, and how far do they walk": the CLI (``bodnaarplot demand``), the app's
*Vraag* dock and map, the ledger's "afgeleide opgave" line and the PDF annex all read it.

* Older residents per area come from the CBS layers of the project (the finest level with
  figures, the project's gemeente only), spread over where people live
  (:func:`plotscore.population.distribute_older_residents`; the method is named).
* The derived opgave per housing category, for a horizon year::

      oudere huishoudens(horizon) × behoeftecijfer − bestaand aanbod

  with the growth, household and need figures of ``resources/demand/*.toml`` (every figure has a
  low–high range and a source). It never replaces the entered bod: both are shown, with the
  difference.
* Existing supply: facility layers with the categories ``geclusterd_bestaand`` and
  ``zorggeschikt_bestaand`` and a ``woningen`` column (a list the municipality keeps).
* Reserved homes per area: the live reservations (:func:`projects.views.live_reservations`)
  whose plot lies in the area.
* CBS road distance beside walking: per area the CBS *nabijheid* figure (own area, else the
  gemeente's) next to the population-weighted walking distance of its 65-plussers.

Every figure derived from rounded CBS percentages is a *schatting* and carries its range.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import select

from layers.canonical import RD_NEW, LayerKind
from plotscore.errors import ScoringError
from plotscore.network import build_walk_graph
from plotscore.population import (
    AgeStructure,
    Band,
    PopulationPoints,
    distribute_older_residents,
    finest_level,
    load_age_structure,
    older65_counts,
    parse_band,
    population_weighted_distance,
)
from plotscore.progress import Progress, report, scaled
from projects.errors import InputsError
from projects.models import Opgave
from projects.population import gemeente_rows, read_kind
from projects.records import json_safe, project_row
from resources import resource

if TYPE_CHECKING:
    from projects.store import ProjectStore

__all__ = [
    "SCHATTING",
    "AreaDemand",
    "CbsComparison",
    "ComparisonTable",
    "DemandInputs",
    "DemandView",
    "NeedCategory",
    "NeedModel",
    "area_demand",
    "cbs_explanation",
    "comparison_table",
    "demand_inputs",
    "demand_json",
    "demand_text",
    "demand_view",
    "derived_opgave_lines",
    "derived_opgave_summary",
    "difference_text",
    "load_need_model",
    "span_text",
    "with_derived_opgave",
]

SCHATTING = (
    "schatting: CBS publiceert het aandeel 65-plussers in hele procenten (±0,5 procentpunt); "
    "75+ en 85+ zijn geschat met de landelijke leeftijdsopbouw; de behoefte volgt uit landelijke "
    "kengetallen. Getallen zijn daarom een bandbreedte, geen telling."
)
Span = tuple[float, float]


# --------------------------------------------------------------------------------------------
# The need model (resources/demand/*.toml)


@dataclass(frozen=True, slots=True)
class NeedCategory:
    """One housing category of the derived opgave (``need.toml`` [categories.<id>])."""

    id: str
    label: str
    age_group: str  # "65" or "75": whose households need it
    national_target: float
    national_stock: Span
    subtract_supply: bool
    supply_category: str
    source: str
    supply_note: str


@dataclass(frozen=True)
class NeedModel:
    """Growth, households and need figures, each with its range and source."""

    categories: tuple[NeedCategory, ...]
    growth: Mapping[str, Span]  # age group → yearly growth (low, high)
    households_per_person: Mapping[str, Band]
    ages: AgeStructure
    national_year: int
    national_persons_65: float
    programme_year: int
    horizon_default: int
    programme: str
    sources: tuple[str, ...]

    def category(self, cid: str) -> NeedCategory:
        for c in self.categories:
            if c.id == cid:
                return c
        raise InputsError(
            f"Onbekende woningcategorie '{cid}' voor de afgeleide opgave.",
            hint=f"Kies uit: {', '.join(c.id for c in self.categories)}.",
        )

    def national_persons(self, age: str, year: int, variant: int) -> float:
        """National persons of ``age``+ in ``year`` (variant 0 = low growth, 1 = high)."""
        base = self.national_persons_65 * (1.0 if age == "65" else self.ages.share_75.mid)
        return base * (1.0 + self.growth[age][variant]) ** (year - self.national_year)

    def rate(self, c: NeedCategory, variant: int) -> float:
        """Homes needed per older household (of ``c.age_group``) in the programme year."""
        households = self.national_persons(c.age_group, self.programme_year, variant)
        households *= self.households_per_person[c.age_group].mid
        return (c.national_target + c.national_stock[variant]) / households


def _read(name: str) -> dict[str, Any]:
    node = resource("demand", name)
    try:
        data = tomllib.loads(node.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputsError(
            f"De tabel resources/demand/{name} kan niet worden gelezen: {exc}.",
            hint="Herstel het bestand (zie de toelichting bovenin) of installeer opnieuw.",
        ) from exc
    if data.get("schema_version") != 1:
        raise InputsError(
            f"resources/demand/{name}: onbekende schema_version {data.get('schema_version')!r}.",
            hint="Gebruik een tabel die bij deze versie van het programma hoort.",
        )
    return data


def _span(raw: Any, what: str) -> Span:
    try:
        low, high = float(raw["low"]), float(raw["high"])
    except (KeyError, TypeError, ValueError) as exc:
        raise InputsError(
            f"'{what}' moet low en high als getallen hebben.", hint="Zie resources/demand/."
        ) from exc
    if low > high:
        raise InputsError(f"'{what}': low is groter dan high.", hint="Zie resources/demand/.")
    return low, high


@lru_cache(maxsize=1)
def load_need_model() -> NeedModel:
    """The need model from ``resources/demand/demography.toml`` and ``need.toml``, validated."""
    demo, need = _read("demography.toml"), _read("need.toml")
    growth = demo.get("growth", {})
    hh = demo.get("households", {})
    national = demo.get("national", {})
    cats: list[NeedCategory] = []
    for cid, body in (need.get("categories") or {}).items():
        age = str(body.get("age_group", "65"))
        if age not in ("65", "75"):
            raise InputsError(f"need.toml: categorie '{cid}' heeft age_group {age!r}.", hint="Kies 65 of 75.")
        cats.append(
            NeedCategory(
                id=str(cid),
                label=str(body.get("label", cid)),
                age_group=age,
                national_target=float(body["national_target"]),
                national_stock=_span(
                    body.get("national_stock", {"low": 0, "high": 0}), f"{cid}.national_stock"
                ),
                subtract_supply=bool(body.get("subtract_supply", False)),
                supply_category=str(body.get("supply_category", "")),
                source=str(body.get("source", "")),
                supply_note=str(body.get("supply_note", "")),
            )
        )
    if not cats:
        raise InputsError("need.toml heeft geen [categories.*].", hint="Zie resources/demand/need.toml.")
    sources = (
        str(need.get("programme", "")),
        *(c.source for c in cats),
        str(demo.get("age_structure", {}).get("source", "")),
        str(hh.get("source", "")),
        str(growth.get("source", "")),
        str(national.get("source", "")),
    )
    return NeedModel(
        categories=tuple(cats),
        growth={
            "65": _span(growth.get("persons_65"), "persons_65"),
            "75": _span(growth.get("persons_75"), "persons_75"),
        },
        households_per_person={
            "65": parse_band(hh.get("per_person_65"), "per_person_65"),
            "75": parse_band(hh.get("per_person_75"), "per_person_75"),
        },
        ages=load_age_structure(),
        national_year=int(national.get("year", 2024)),
        national_persons_65=float(national["persons_65"]),
        programme_year=int(need.get("programme_year", 2030)),
        horizon_default=int(need.get("horizon_default", 2030)),
        programme=str(need.get("programme", "")),
        sources=tuple(dict.fromkeys(s for s in sources if s)),
    )


# --------------------------------------------------------------------------------------------
# The arithmetic for one area (pure)


@dataclass(frozen=True)
class AreaDemand:
    """Older residents, households, need, supply, reserved homes and gap of one area.

    Every pair is (low, high); ``older*`` also have the estimate in ``older*_est``. ``need`` is
    households × rate, ``derived`` the derived opgave (need − supply where the category subtracts
    it), ``reserved`` the live reservations' capacity (min, max), ``gap`` derived − reserved.
    """

    code: str
    name: str
    level: str
    year: int | None
    inwoners: float | None
    older65: Span
    older65_est: float
    older75: Span
    older75_est: float
    older85: Span
    older85_est: float
    older75_estimated: bool
    households: Mapping[str, Span]  # category → households of its age group at the horizon
    need: Mapping[str, Span]
    supply: Mapping[str, float]
    supply_unknown: Mapping[str, int]  # locations without a homes count
    derived: Mapping[str, Span]
    reserved: Mapping[str, Span] = field(default_factory=dict)
    method: str = ""

    @property
    def label(self) -> str:
        return self.name or self.code

    def gap(self, category: str) -> Span | None:
        """Derived opgave − reserved homes (in beeld): (low, high); None without a derived figure."""
        d = self.derived.get(category)
        if d is None:
            return None
        r = self.reserved.get(category, (0.0, 0.0))
        return d[0] - r[1], d[1] - r[0]

    @property
    def derived_total(self) -> Span:
        lo = sum(v[0] for v in self.derived.values())
        hi = sum(v[1] for v in self.derived.values())
        return lo, hi

    @property
    def reserved_total(self) -> Span:
        return sum(v[0] for v in self.reserved.values()), sum(v[1] for v in self.reserved.values())


def area_demand(
    model: NeedModel,
    *,
    code: str,
    name: str,
    level: str,
    year: int | None,
    horizon: int,
    inwoners: float | None,
    older65: tuple[float, float, float],
    older75: tuple[float, float, float] | None = None,
    supply: Mapping[str, float] | None = None,
    supply_unknown: Mapping[str, int] | None = None,
    reserved: Mapping[str, Span] | None = None,
    method: str = "",
) -> AreaDemand:
    """The derived opgave of one area: ``older65`` is (estimate, low, high) persons in ``year``.

    ``older75`` (estimate, low, high) when the data has a count; else it is 65+ × the national
    75+ share (the same share the need rate was calibrated with, so it cancels in the arithmetic
    at the programme year). Low uses low persons, low growth and the low national stock; high the
    high ones: the need grows with each, so these are the bounds.
    """
    ages = model.ages
    base_year = year if year is not None else model.national_year
    est75 = older75 is None
    o75 = older75 or (
        older65[0] * ages.share_75.mid,
        older65[1] * ages.share_75.mid,
        older65[2] * ages.share_75.mid,
    )
    persons = {"65": (older65[1], older65[2]), "75": (o75[1], o75[2])}
    households: dict[str, Span] = {}
    need: dict[str, Span] = {}
    derived: dict[str, Span] = {}
    supply = supply or {}
    for c in model.categories:
        age = c.age_group
        per = model.households_per_person[age].mid
        years = horizon - base_year
        hh = tuple(persons[age][v] * (1.0 + model.growth[age][v]) ** years * per for v in (0, 1))
        households[c.id] = (hh[0], hh[1])
        need[c.id] = (hh[0] * model.rate(c, 0), hh[1] * model.rate(c, 1))
        minus = float(supply.get(c.id, 0.0)) if c.subtract_supply else 0.0
        derived[c.id] = (need[c.id][0] - minus, need[c.id][1] - minus)
    # 85+ is shown, never used in the arithmetic: estimated from 65+ with its own range.
    o85 = (older65[0] * ages.share_85.mid, older65[1] * ages.share_85.low, older65[2] * ages.share_85.high)
    o75_span = (
        (o75[1], o75[2]) if not est75 else (older65[1] * ages.share_75.low, older65[2] * ages.share_75.high)
    )
    return AreaDemand(
        code=code,
        name=name,
        level=level,
        year=year,
        inwoners=inwoners,
        older65=(older65[1], older65[2]),
        older65_est=older65[0],
        older75=o75_span,
        older75_est=o75[0],
        older85=(o85[1], o85[2]),
        older85_est=o85[0],
        older75_estimated=est75,
        households=households,
        need=need,
        supply={c.id: float(supply.get(c.id, 0.0)) for c in model.categories},
        supply_unknown=dict(supply_unknown or {}),
        derived=derived,
        reserved=dict(reserved or {}),
        method=method,
    )


# --------------------------------------------------------------------------------------------
# Reading the project


@dataclass(frozen=True)
class DemandInputs:
    """The project's layers the demand step reads (the gemeente's rows only)."""

    neighbourhoods: gpd.GeoDataFrame | None
    addresses: gpd.GeoDataFrame | None
    zoning: gpd.GeoDataFrame | None
    land_use: gpd.GeoDataFrame | None
    facilities: gpd.GeoDataFrame | None
    network_source: gpd.GeoDataFrame | None
    gemeente_code: str | None
    gemeente_naam: str | None
    layer_labels: Mapping[str, tuple[str, ...]]


def demand_inputs(store: ProjectStore, *, with_network: bool = True) -> DemandInputs:
    """Read the layers the demand step needs (nothing is written)."""
    with store.session() as session:
        project = project_row(session)
        code, naam = project.gemeente_code, project.gemeente_naam
    labels: dict[str, tuple[str, ...]] = {}
    frames: dict[LayerKind, gpd.GeoDataFrame | None] = {}
    kinds = [
        LayerKind.NEIGHBOURHOODS,
        LayerKind.ADDRESSES,
        LayerKind.ZONING,
        LayerKind.LAND_USE,
        LayerKind.FACILITIES,
    ]
    if with_network:
        kinds.append(LayerKind.NETWORK_SOURCE)
    for kind in kinds:
        frames[kind], labels[kind.value] = read_kind(store, kind)
    nb = frames[LayerKind.NEIGHBOURHOODS]
    return DemandInputs(
        neighbourhoods=gemeente_rows(nb, code) if nb is not None else None,
        addresses=frames[LayerKind.ADDRESSES],
        zoning=frames[LayerKind.ZONING],
        land_use=frames[LayerKind.LAND_USE],
        facilities=frames[LayerKind.FACILITIES],
        network_source=frames.get(LayerKind.NETWORK_SOURCE),
        gemeente_code=code,
        gemeente_naam=naam,
        layer_labels=labels,
    )


def _supply(
    facilities: gpd.GeoDataFrame | None, model: NeedModel, within: shapely.Geometry | None = None
) -> tuple[dict[str, float], dict[str, int], int]:
    """Homes of existing senior housing per housing category (inside ``within``), unknown counts."""
    homes: dict[str, float] = {}
    unknown: dict[str, int] = {}
    n = 0
    if facilities is None or not len(facilities) or "category" not in facilities.columns:
        return homes, unknown, n
    cats = facilities["category"].astype("string")
    for c in model.categories:
        if not c.supply_category:
            continue
        rows = facilities.loc[(cats == c.supply_category).fillna(False).to_numpy(dtype=bool)]
        if within is not None and len(rows):
            pts = shapely.point_on_surface(np.asarray(rows.geometry.values, dtype=object))
            rows = rows.loc[shapely.contains(within, pts)]
        if not len(rows):
            continue
        n += len(rows)
        values = (
            pd.to_numeric(rows["woningen"], errors="coerce")
            if "woningen" in rows.columns
            else pd.Series(np.nan, index=rows.index)
        )
        homes[c.id] = float(values.fillna(0).sum())
        unknown[c.id] = int(values.isna().sum())
    return homes, unknown, n


def _reserved(res: gpd.GeoDataFrame, within: shapely.Geometry | None) -> dict[str, Span]:
    """Live reservations' capacity (min, max) per category, for plots inside ``within``."""
    if res is None or not len(res):
        return {}
    rows = res
    if within is not None:
        geoms = np.asarray(res.geometry.values, dtype=object)
        ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        inside = np.zeros(len(res), dtype=bool)
        if ok.any():
            inside[ok] = shapely.contains(within, shapely.point_on_surface(geoms[ok]))
        rows = res.loc[inside]
    out: dict[str, Span] = {}
    for cat, group in rows.groupby(rows["category"].astype(str)):
        lo = pd.to_numeric(group["capacity_min"], errors="coerce").fillna(0).sum()
        hi = pd.to_numeric(group["capacity_max"], errors="coerce").fillna(0).sum()
        out[str(cat)] = (float(lo), float(hi))
    return out


def _bod(store: ProjectStore, horizon: int) -> tuple[dict[str, int], dict[tuple[str, str], int], list[str]]:
    """The entered bod per category up to ``horizon`` (gemeente-wide), per (wijk, category), and the periods."""
    whole: dict[str, int] = {}
    per_wijk: dict[tuple[str, str], int] = {}
    periods: list[str] = []
    with store.session() as session:
        rows = list(session.scalars(select(Opgave).order_by(Opgave.category, Opgave.period_start)))
        for o in rows:
            if int(o.period_start) > horizon:
                continue  # a period after the horizon is not part of the need up to it
            periods.append(f"{o.period_start}-{o.period_end}")
            if o.wijk:
                key = (str(o.wijk).strip().lower(), str(o.category))
                per_wijk[key] = per_wijk.get(key, 0) + int(o.target_homes)
            else:
                whole[str(o.category)] = whole.get(str(o.category), 0) + int(o.target_homes)
    return whole, per_wijk, sorted(set(periods))


# --------------------------------------------------------------------------------------------
# CBS road distance beside walking


@dataclass(frozen=True)
class CbsComparison:
    """One area × category: the CBS road distance and our walking distance for its 65-plussers."""

    area_code: str
    area_name: str
    level: str
    category: str
    category_label: str
    cbs_km: float | None
    cbs_from: str  # "" (own area), or the area whose figure stands in ("gemeente Delft")
    cbs_year: int | None
    walk_mean_m: float | None
    walk_median_m: float | None
    share_reached: float  # share of the area's 65-plussers the walking mean is about
    note: str = ""


@lru_cache(maxsize=1)
def _nabijheid() -> tuple[dict[str, tuple[str, str]], str, str, tuple[str, ...]]:
    data = _read("cbs_nabijheid.toml")
    variables = {
        str(k): (str(v["category"]), str(v.get("label", v["category"])))
        for k, v in (data.get("variables") or {}).items()
    }
    ex = data.get("explanation", {})
    return (
        variables,
        str(data.get("source", "")),
        str(ex.get("short", "")),
        tuple(str(r) for r in ex.get("reasons", [])),
    )


def _cbs_figure(
    nb: gpd.GeoDataFrame | None, code: str, variable: str, gemeente: str | None
) -> tuple[float | None, str, int | None]:
    """The CBS figure of ``code``'s own row, else of its gemeente's row: (km, stand-in, year)."""
    if nb is None or variable not in nb.columns or "code" not in nb.columns:
        return None, "", None
    codes = nb["code"].astype("string").str.upper()
    for target, label in (
        (code.upper(), ""),
        (f"GM{''.join(ch for ch in (gemeente or '') if ch.isdigit())}", "gemeente"),
    ):
        rows = nb.loc[(codes == target).fillna(False).to_numpy(dtype=bool)]
        if not len(rows):
            continue
        vals = pd.to_numeric(rows[variable], errors="coerce")
        rows = rows.loc[vals.notna().to_numpy(dtype=bool)]
        if not len(rows):
            continue
        if "peiljaar" in rows.columns:  # several years: the newest that has the figure
            rows = rows.assign(_y=pd.to_numeric(rows["peiljaar"], errors="coerce")).sort_values(
                "_y", ascending=False, na_position="last"
            )
        year = _opt(rows["_y"].iloc[0]) if "_y" in rows.columns else None
        name = str(rows["name"].iloc[0]) if "name" in rows.columns and label else ""
        value = float(pd.to_numeric(rows[variable], errors="coerce").iloc[0])
        return value, (f"{label} {name}".strip() if label else ""), None if year is None else int(year)
    return None, "", None


def cbs_explanation() -> tuple[str, tuple[str, ...]]:
    """Why the CBS road distance and our walking distance differ: (one line, the reasons)."""
    _variables, _source, short, reasons = _nabijheid()
    return short, reasons


# --------------------------------------------------------------------------------------------
# The view


@dataclass(frozen=True)
class DemandView:
    """Everything the demand outputs show (see the module docstring)."""

    horizon: int
    model: NeedModel
    gemeente: AreaDemand | None
    areas: tuple[AreaDemand, ...]
    level: str | None
    bod: Mapping[str, int]
    bod_per_area: Mapping[tuple[str, str], int]
    bod_periods: tuple[str, ...]
    comparison: tuple[CbsComparison, ...]
    method: str
    sources: tuple[str, ...]
    notes: tuple[str, ...]
    population: PopulationPoints | None = None
    geometries: Mapping[str, shapely.Geometry] = field(default_factory=dict)  # area code → polygon
    network_used: bool = False
    supply_loaded: bool = False  # a list of existing senior housing is in the project

    @property
    def categories(self) -> tuple[NeedCategory, ...]:
        return self.model.categories

    def difference(self, category: str) -> Span | None:
        """Entered bod − derived opgave of the gemeente: (low, high); None without both."""
        if self.gemeente is None or category not in self.bod:
            return None
        d = self.gemeente.derived.get(category)
        if d is None:
            return None
        return self.bod[category] - d[1], self.bod[category] - d[0]

    @property
    def has_figures(self) -> bool:
        return self.gemeente is not None or bool(self.areas)

    def frame(self) -> gpd.GeoDataFrame:
        """One row per area with the figures and its polygon (the choropleth and the table)."""
        rows = []
        for a in self.areas:
            row: dict[str, Any] = {
                "code": a.code,
                "name": a.label,
                "older65": a.older65_est,
                "older65_min": a.older65[0],
                "older65_max": a.older65[1],
                "older75": a.older75_est,
                "method": a.method,
            }
            for c in self.categories:
                lo, hi = a.derived.get(c.id, (math.nan, math.nan))
                rlo, rhi = a.reserved.get(c.id, (0.0, 0.0))
                row[f"need_{c.id}_min"], row[f"need_{c.id}_max"] = lo, hi
                row[f"reserved_{c.id}_min"], row[f"reserved_{c.id}_max"] = rlo, rhi
            dlo, dhi = a.derived_total
            rlo, rhi = a.reserved_total
            row.update(need_min=dlo, need_max=dhi, reserved_min=rlo, reserved_max=rhi)
            row.update(gap_min=dlo - rhi, gap_max=dhi - rlo)
            row["geometry"] = self.geometries.get(a.code)
            rows.append(row)
        return (
            gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs=RD_NEW)
            if rows
            else gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=RD_NEW), crs=RD_NEW)
        )


def _opt(value: Any) -> float | None:
    """A cell as a float, None when missing (NA, NaN, None)."""
    if value is None or value is pd.NA:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


def _val(frame: pd.DataFrame, i: Any, column: str) -> float:
    """A numeric cell as a float (NaN when missing)."""
    out = _opt(frame.at[i, column])
    return math.nan if out is None else out


def _txt(frame: pd.DataFrame, i: Any, column: str) -> str | None:
    value = frame.at[i, column]
    return (
        None
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))
        else str(value)
    )


def _name(frame: pd.DataFrame, i: int) -> str:
    if "name" in frame.columns and not pd.isna(frame["name"].iloc[i]):
        return str(frame["name"].iloc[i])
    return ""


def _year(frame: pd.DataFrame, i: int | None = None) -> int | None:
    if "peiljaar" not in frame.columns:
        return None
    vals = pd.to_numeric(
        frame["peiljaar"] if i is None else frame["peiljaar"].iloc[[i]], errors="coerce"
    ).dropna()
    return int(vals.iloc[0]) if len(vals) else None


def demand_view(
    store: ProjectStore,
    *,
    horizon: int | None = None,
    with_distances: bool = True,
    distance_limit_m: float = 5000.0,
    progress: Progress | None = None,
) -> DemandView:
    """Read and compute the demand view of the project (nothing is written).

    ``with_distances`` adds the CBS-versus-walking comparison (builds the walking graph; the
    ledger leaves it out). Raises :class:`InputsError` for an impossible horizon.
    """
    model = load_need_model()
    h = model.horizon_default if horizon is None else int(horizon)
    if not 2000 <= h <= 2100:
        raise InputsError(f"Horizonjaar {h} is onmogelijk.", hint="Kies een jaar, bijv. 2030 of 2035.")
    report(progress, 0.0, "Gegevens voor de vraag lezen")
    inputs = demand_inputs(store, with_network=with_distances)
    from projects.views import live_reservations

    res = live_reservations(store)
    bod, bod_area, periods = _bod(store, h)
    notes: list[str] = []
    sources: list[str] = []
    nb = inputs.neighbourhoods
    if nb is None or not len(nb):
        return DemandView(
            horizon=h,
            model=model,
            gemeente=None,
            areas=(),
            level=None,
            bod=bod,
            bod_per_area=bod_area,
            bod_periods=tuple(periods),
            comparison=(),
            method="",
            sources=model.sources,
            notes=(
                "Geen CBS-cijfers in dit project: importeer de Kerncijfers wijken en buurten "
                "(bijv. bodnaarplot project import PROJECT wijken.gpkg --kind neighbourhoods) "
                "of haal ze op met bodnaarplot fetch.",
            ),
        )
    if h < model.national_year - 5:
        notes.append(f"Horizon {h} ligt vóór het peiljaar van de landelijke cijfers ({model.national_year}).")

    # Per area at the finest level with figures, spread over where people live.
    report(progress, 0.1, "Ouderen over de woonadressen verdelen")
    population = distribute_older_residents(
        nb, addresses=inputs.addresses, zoning=inputs.zoning, land_use=inputs.land_use, ages=model.ages
    )
    level, rows = finest_level(nb)
    area_rows = nb.loc[rows].reset_index(drop=True)
    geoms = (
        {
            str(c): g
            for c, g in zip(
                area_rows["code"].astype("string").fillna("").tolist(), area_rows.geometry.values, strict=True
            )
        }
        if "code" in area_rows.columns
        else {}
    )
    areas: list[AreaDemand] = []
    table = population.areas
    for i in table.index:
        if math.isnan(_val(table, i, "older65")):
            continue
        code = _txt(table, i, "code") or f"gebied {i + 1}"
        geom = area_rows.geometry.iloc[i]
        supply, unknown, _n = _supply(inputs.facilities, model, geom)
        own75 = (
            None
            if bool(table.at[i, "older75_estimated"])
            else (_val(table, i, "older75"), _val(table, i, "older75_min"), _val(table, i, "older75_max"))
        )
        areas.append(
            area_demand(
                model,
                code=code,
                name=_name(area_rows, i),
                level=str(level or ""),
                year=_year(area_rows, i),
                horizon=h,
                inwoners=_opt(table.at[i, "inwoners"]),
                older65=(
                    _val(table, i, "older65"),
                    _val(table, i, "older65_min"),
                    _val(table, i, "older65_max"),
                ),
                older75=own75,
                supply=supply,
                supply_unknown=unknown,
                reserved=_reserved(res, geom),
                method=str(table.at[i, "method_label"]),
            )
        )
    gemeente = _gemeente_area(model, nb, level, areas, inputs, res, h, notes)
    if gemeente is not None and gemeente.supply_unknown:
        missing = sum(gemeente.supply_unknown.values())
        if missing:
            notes.append(
                f"{missing} bestaande locaties hebben geen aantal woningen en zijn niet afgetrokken."
            )
    supply_cats = {c.supply_category for c in model.categories if c.supply_category}
    present = (
        set(inputs.facilities["category"].dropna().astype(str))
        if inputs.facilities is not None and "category" in inputs.facilities.columns
        else set()
    )
    supply_loaded = bool(supply_cats & present)
    if not supply_loaded:
        notes.append(
            "Geen lijst met bestaande geclusterde of zorggeschikte woningen geïmporteerd: er is niets "
            "afgetrokken. Importeer er een (CSV met categorie geclusterd_bestaand of zorggeschikt_bestaand "
            "en een kolom woningen)."
        )
    notes.extend(population.notes)
    sources.extend(population.sources)
    sources.extend(model.sources)
    if "bron" not in nb.columns:
        sources.extend(f"CBS-laag: {label}" for label in inputs.layer_labels.get("neighbourhoods", ()))

    comparison: list[CbsComparison] = []
    network_used = False
    if with_distances:
        comparison, network_used = _comparison(
            population, nb, gemeente, inputs, distance_limit_m, notes, scaled(progress, 0.4, 1.0)
        )
        _v, nab_source, _short, _reasons = _nabijheid()
        if comparison:
            sources.append(nab_source)
    report(progress, 1.0, "Vraag berekend")
    return DemandView(
        horizon=h,
        model=model,
        gemeente=gemeente,
        areas=tuple(areas),
        level=level,
        bod=bod,
        bod_per_area=bod_area,
        bod_periods=tuple(periods),
        comparison=tuple(comparison),
        method=population.method_summary,
        sources=tuple(dict.fromkeys(s for s in sources if s)),
        notes=tuple(dict.fromkeys(notes)),
        population=population,
        geometries=geoms,
        network_used=network_used,
        supply_loaded=supply_loaded,
    )


def _gemeente_area(
    model: NeedModel,
    nb: gpd.GeoDataFrame,
    level: str | None,
    areas: list[AreaDemand],
    inputs: DemandInputs,
    res: gpd.GeoDataFrame,
    horizon: int,
    notes: list[str],
) -> AreaDemand | None:
    """The gemeente's own CBS row when loaded (its own rounding), else the sum of the areas."""
    supply, unknown, _n = _supply(inputs.facilities, model)
    reserved = _reserved(res, None)
    code = f"GM{''.join(ch for ch in (inputs.gemeente_code or '') if ch.isdigit())}"
    codes = nb["code"].astype("string").str.upper() if "code" in nb.columns else pd.Series(dtype="string")
    own = nb.loc[(codes == code).fillna(False).to_numpy(dtype=bool)] if level != "gemeente" else nb.iloc[0:0]
    if len(own) > 1 and "peiljaar" in own.columns:  # several years of the gemeente: the newest counts
        own = own.assign(_y=pd.to_numeric(own["peiljaar"], errors="coerce")).sort_values(
            "_y", ascending=False
        )
        own = own.loc[own["inwoners"].notna()] if "inwoners" in own.columns else own
    if level == "gemeente" and areas:
        a = areas[0]
        return area_demand(
            model,
            code=a.code,
            name=a.name,
            level="gemeente",
            year=a.year,
            horizon=horizon,
            inwoners=a.inwoners,
            older65=(a.older65_est, a.older65[0], a.older65[1]),
            supply=supply,
            supply_unknown=unknown,
            reserved=reserved,
            method="CBS-cijfer van de gemeente",
        )
    if len(own):
        c65, lo65, hi65 = older65_counts(own.iloc[[0]])
        inw = pd.to_numeric(own["inwoners"], errors="coerce").iloc[0] if "inwoners" in own.columns else np.nan
        g = area_demand(
            model,
            code=code,
            name=_name(own, 0) or (inputs.gemeente_naam or code),
            level="gemeente",
            year=_year(own, 0),
            horizon=horizon,
            inwoners=None if pd.isna(inw) else float(inw),
            older65=(float(c65[0]), float(lo65[0]), float(hi65[0])),
            supply=supply,
            supply_unknown=unknown,
            reserved=reserved,
            method="CBS-cijfer van de gemeente",
        )
        if areas:
            total = sum(a.older65_est for a in areas)
            notes.append(
                f"Som van de {level or 'gebieds'}cijfers: ca. {_thousands(total)} 65-plussers; het gemeentecijfer "
                f"({_thousands(g.older65_est)}) wijkt daarvan af door afronding en geheimhouding van kleine gebieden."
            )
        return g
    if not areas:
        return None
    sum_lo = float(sum(a.older65[0] for a in areas))
    sum_hi = float(sum(a.older65[1] for a in areas))
    est = float(sum(a.older65_est for a in areas))
    inw = float(sum(a.inwoners or 0.0 for a in areas))
    years = [a.year for a in areas if a.year is not None]
    return area_demand(
        model,
        code=code,
        name=inputs.gemeente_naam or code,
        level="gemeente",
        year=years[0] if years else None,
        horizon=horizon,
        inwoners=float(inw),
        older65=(est, sum_lo, sum_hi),
        supply=supply,
        supply_unknown=unknown,
        reserved=reserved,
        method=f"som van de {level or 'gebieds'}cijfers",
    )


def _comparison(
    population: PopulationPoints,
    nb: gpd.GeoDataFrame,
    gemeente: AreaDemand | None,
    inputs: DemandInputs,
    limit_m: float,
    notes: list[str],
    progress: Progress | None,
) -> tuple[list[CbsComparison], bool]:
    variables, _src, _short, _reasons = _nabijheid()
    fac = inputs.facilities
    cats = (
        set(fac["category"].dropna().astype(str)) if fac is not None and "category" in fac.columns else set()
    )
    graph = None
    if inputs.network_source is not None and len(inputs.network_source):
        try:
            graph = build_walk_graph(inputs.network_source, profile="senior")
        except ScoringError as exc:
            notes.append(f"Loopnetwerk niet bruikbaar voor de vergelijking met CBS: {exc.message}")
    else:
        notes.append("Geen loopnetwerk in het project: de loopafstanden naast de CBS-afstanden ontbreken.")
    table = population.areas
    codes = [str(c) if not pd.isna(c) else "" for c in table["code"]]
    out: list[CbsComparison] = []
    for k, (variable, (category, label)) in enumerate(variables.items()):
        report(progress, k / max(1, len(variables)), f"Loopafstand tot {label.lower()}")
        dist = None
        note = ""
        if graph is not None and category in cats and fac is not None:
            dist = population_weighted_distance(graph, population, fac, category, limit_m=limit_m).frame
        elif graph is not None:
            note = f"geen {label.lower()} in de geladen voorzieningen"
        for i in table.index:
            if math.isnan(_val(table, i, "older65")):
                continue
            km, stand_in, year = _cbs_figure(nb, codes[i], variable, inputs.gemeente_code)
            mean: float | None = None
            median: float | None = None
            share = 0.0
            if dist is not None:
                mean = _opt(dist.at[i, "mean_m"])
                median = _opt(dist.at[i, "median_m"])
                share = _val(dist, i, "share_reached")
            out.append(
                CbsComparison(
                    area_code=codes[i],
                    area_name=_txt(table, i, "name") or codes[i],
                    level=str(population.level or ""),
                    category=category,
                    category_label=label,
                    cbs_km=km,
                    cbs_from=stand_in,
                    cbs_year=year,
                    walk_mean_m=mean,
                    walk_median_m=median,
                    share_reached=share,
                    note=note,
                )
            )
        if gemeente is not None:
            km, _stand, year = _cbs_figure(nb, gemeente.code, variable, inputs.gemeente_code)
            mean = None
            share = 0.0
            if dist is not None:
                w = table["older65"].fillna(0).to_numpy() * dist["share_reached"].to_numpy()
                m = dist["mean_m"].to_numpy()
                ok = ~np.isnan(m) & (w > 0)
                if ok.any():
                    mean = float(np.average(m[ok], weights=w[ok]))
                total = float(table["older65"].fillna(0).sum())
                share = float(w.sum() / total) if total > 0 else 0.0
            out.append(
                CbsComparison(
                    area_code=gemeente.code,
                    area_name=gemeente.label,
                    level="gemeente",
                    category=category,
                    category_label=label,
                    cbs_km=km,
                    cbs_from="",
                    cbs_year=year,
                    walk_mean_m=mean,
                    walk_median_m=None,
                    share_reached=share,
                    note=note,
                )
            )
    return out, graph is not None


# --------------------------------------------------------------------------------------------
# Outputs: text, JSON, the ledger line


def _thousands(value: float) -> str:
    if value != value:
        return "–"
    return f"{round(value):,}".replace(",", ".")


def _round_people(value: float) -> float:
    """Estimates are rounded to tens (hundreds above 10.000): no false precision."""
    if value != value:
        return value
    step = 100 if abs(value) >= 10_000 else 10 if abs(value) >= 100 else 5 if abs(value) >= 20 else 1
    return float(round(value / step) * step)


def span_text(span: Span | None, *, round_people: bool = True) -> str:
    """ "410–520", "410" (equal), "over 40–90" below zero (more than needed), "–" without."""
    if span is None:
        return "–"
    lo, hi = sorted(span)
    if round_people:
        lo, hi = _round_people(lo), _round_people(hi)
    if hi < 0:
        return f"over {_thousands(-hi)}–{_thousands(-lo)}" if lo != hi else f"over {_thousands(-lo)}"
    if lo < 0:
        return f"−{_thousands(-lo)} tot {_thousands(hi)}"
    return _thousands(lo) if lo == hi else f"{_thousands(lo)}–{_thousands(hi)}"


def difference_text(diff: Span | None) -> str:
    """The bod minus the derived opgave in words: "bod 640–690 lager", "bod 20–40 hoger"."""
    if diff is None:
        return "–"
    lo, hi = sorted(diff)
    lo, hi = _round_people(lo), _round_people(hi)
    if lo >= 0:
        return f"bod {span_text((lo, hi), round_people=False)} hoger"
    if hi <= 0:
        return f"bod {span_text((-hi, -lo), round_people=False)} lager"
    return f"bod tussen {_thousands(-lo)} lager en {_thousands(hi)} hoger"


def derived_opgave_lines(view: DemandView) -> list[str]:
    """The ledger's "afgeleide opgave" block: per category the derived opgave beside the bod."""
    if view.gemeente is None:
        return [f"Afgeleide opgave: {view.notes[0]}" if view.notes else "Afgeleide opgave: geen CBS-cijfers."]
    g = view.gemeente
    lines = [
        f"Afgeleide opgave uit de demografie ({g.label}, horizon {view.horizon}; schatting, "
        f"naast het ingevoerde bod — vervangt het niet):"
    ]
    for c in view.categories:
        bod = view.bod.get(c.id)
        lines.append(
            f"  {c.id}: afgeleide opgave {span_text(g.derived[c.id])} woningen · "
            f"bod {bod if bod is not None else 'niet ingevoerd'} · verschil {difference_text(view.difference(c.id))}"
        )
    lines.append("  (bodnaarplot demand PROJECT toont de berekening, de bronnen en de cijfers per wijk)")
    return lines


def derived_opgave_summary(view: DemandView) -> str:
    """One short line for a dock beside the ledger: the derived opgave per category (schatting)."""
    g = view.gemeente
    if g is None:
        return ""
    parts = " · ".join(f"{c.id} {span_text(g.derived[c.id])}" for c in view.categories)
    return (
        f"Afgeleid uit de demografie ({view.horizon}, schatting; naast het bod, vervangt het niet): {parts}"
    )


def with_derived_opgave(ledger: pd.DataFrame, view: DemandView) -> pd.DataFrame:
    """The ledger frame with ``afgeleide_opgave_min/max`` and ``verschil_min/max`` beside each
    gemeente-wide row (the bod stays as entered; other rows get NA). Inputs are not changed."""
    out = ledger.copy()
    names = ["afgeleide_opgave_min", "afgeleide_opgave_max", "verschil_min", "verschil_max"]
    for n in names:
        out[n] = pd.array([pd.NA] * len(out), dtype="Int64")
    if view.gemeente is None or out.empty:
        return out
    for i, row in out.iterrows():
        cat = str(row.get("category"))
        wijk = row.get("wijk")
        if cat not in view.gemeente.derived or not (wijk is None or wijk is pd.NA):
            continue
        lo, hi = view.gemeente.derived[cat]
        out.at[i, "afgeleide_opgave_min"] = round(lo)
        out.at[i, "afgeleide_opgave_max"] = round(hi)
        target = row.get("target")
        if target is not None and target is not pd.NA:
            out.at[i, "verschil_min"] = int(target) - round(hi)
            out.at[i, "verschil_max"] = int(target) - round(lo)
    return out


def demand_json(view: DemandView) -> dict[str, Any]:
    """The JSON of ``bodnaarplot demand --json`` (stable keys; numbers unrounded)."""

    def area(a: AreaDemand) -> dict[str, Any]:
        return {
            "code": a.code,
            "name": a.label,
            "level": a.level,
            "peiljaar": a.year,
            "inwoners": a.inwoners,
            "ouderen_65plus": {"schatting": a.older65_est, "min": a.older65[0], "max": a.older65[1]},
            "ouderen_75plus": {
                "schatting": a.older75_est,
                "min": a.older75[0],
                "max": a.older75[1],
                "geschat_uit_65plus": a.older75_estimated,
            },
            "ouderen_85plus": {"schatting": a.older85_est, "min": a.older85[0], "max": a.older85[1]},
            "verdeling": a.method,
            "categorieen": {
                c.id: {
                    "oudere_huishoudens": {"min": a.households[c.id][0], "max": a.households[c.id][1]},
                    "behoefte": {"min": a.need[c.id][0], "max": a.need[c.id][1]},
                    "bestaand_aanbod": a.supply.get(c.id, 0.0) if c.subtract_supply else None,
                    "afgeleide_opgave": {"min": a.derived[c.id][0], "max": a.derived[c.id][1]},
                    "gereserveerd": {
                        "min": a.reserved.get(c.id, (0.0, 0.0))[0],
                        "max": a.reserved.get(c.id, (0.0, 0.0))[1],
                    },
                    "tekort": dict(zip(("min", "max"), a.gap(c.id) or (None, None), strict=True)),
                }
                for c in view.categories
            },
        }

    _variables, nab_source, short, reasons = _nabijheid()
    out: dict[str, Any] = {
        "horizon": view.horizon,
        "niveau": view.level,
        "schatting": SCHATTING,
        "methode_verdeling": view.method,
        "formule": "oudere huishoudens(horizon) × behoeftecijfer − bestaand aanbod",
        "categorieen": [
            {
                "id": c.id,
                "label": c.label,
                "leeftijdsgroep": f"{c.age_group}+",
                "behoeftecijfer_per_huishouden": dict(
                    zip(("min", "max"), sorted((view.model.rate(c, 0), view.model.rate(c, 1))), strict=True)
                ),
                "landelijk_doel": c.national_target,
                "landelijke_voorraad": {"min": c.national_stock[0], "max": c.national_stock[1]},
                "bestaand_aanbod_aftrekken": c.subtract_supply,
                "bestaand_aanbod_categorie": c.supply_category or None,
                "toelichting_aanbod": c.supply_note,
                "bron": c.source,
            }
            for c in view.categories
        ],
        "gemeente": area(view.gemeente) if view.gemeente is not None else None,
        "gebieden": [area(a) for a in view.areas],
        "opgave": [
            {
                "categorie": c.id,
                "bod": view.bod.get(c.id),
                "bod_perioden": list(view.bod_periods),
                "afgeleide_opgave": (
                    {"min": view.gemeente.derived[c.id][0], "max": view.gemeente.derived[c.id][1]}
                    if view.gemeente is not None
                    else None
                ),
                "verschil_bod_min_afgeleid": dict(
                    zip(("min", "max"), view.difference(c.id) or (None, None), strict=True)
                ),
            }
            for c in view.categories
        ],
        "cbs_vs_lopen": {
            "uitleg": short,
            "redenen": list(reasons),
            "bron_cbs": nab_source,
            "rijen": [
                {
                    "gebied_code": r.area_code,
                    "gebied": r.area_name,
                    "niveau": r.level,
                    "categorie": r.category,
                    "cbs_label": r.category_label,
                    "cbs_afstand_km": r.cbs_km,
                    "cbs_cijfer_van": r.cbs_from or None,
                    "cbs_peiljaar": r.cbs_year,
                    "lopen_gemiddeld_m": r.walk_mean_m,
                    "lopen_mediaan_m": r.walk_median_m,
                    "aandeel_65plus_bereikt": r.share_reached,
                    "opmerking": r.note or None,
                }
                for r in view.comparison
            ],
        },
        "bronnen": list(view.sources),
        "opmerkingen": list(view.notes),
    }
    return json_safe(out)  # type: ignore[no-any-return]


def _walk_text(metres: float | None) -> str:
    if metres is None or metres != metres:
        return "–"
    if metres < 1000:
        return f"{round(metres / 10) * 10:.0f} m"
    return f"{metres / 1000:.1f} km".replace(".", ",")


#: Below this share of an area's 65-plussers inside the walking network, no walking mean is shown.
MIN_SHARE_REACHED = 0.05


@dataclass(frozen=True)
class ComparisonTable:
    """The CBS-versus-walking table, pivoted: one row per area, per category "CBS weg | lopen".

    ``header`` and ``rows`` are text cells; ``footnotes`` explain the marks (a CBS figure of the
    gemeente standing in for an area without its own). The CLI, the Vraag dock and the PDF annex
    all show these cells.
    """

    header: list[str]
    rows: list[list[str]]
    footnotes: list[str]
    categories: list[str]


def comparison_table(view: DemandView, category: str | None = None) -> ComparisonTable:
    """Pivot :attr:`DemandView.comparison` into one row per area (gemeente last).

    With ``category`` only that facility category (a narrow table for a dock).
    """
    labels: dict[str, str] = {}
    by_area: dict[str, dict[str, CbsComparison]] = {}
    order: list[str] = []
    chosen = [r for r in view.comparison if category is None or r.category == category]
    for r in chosen:
        labels.setdefault(r.category, r.category_label)
        key = f"{r.level}:{r.area_code}"
        if key not in by_area:
            by_area[key] = {}
            order.append(key)
        by_area[key][r.category] = r
    stand_ins: dict[str, str] = {}
    rows: list[list[str]] = []
    for key in order:
        cells = by_area[key]
        first = next(iter(cells.values()))
        share = max((c.share_reached for c in cells.values()), default=0.0)
        row = [first.area_name, f"{round(100 * share)} %" if share > 0 else "0 %"]
        for cat in labels:
            c = cells.get(cat)
            if c is None:
                row += ["–", "–"]
                continue
            cbs = "–" if c.cbs_km is None else f"{c.cbs_km:.1f} km".replace(".", ",")
            if c.cbs_km is not None and c.cbs_from:
                mark = "*" * (list(dict.fromkeys([*stand_ins, c.cbs_from])).index(c.cbs_from) + 1)
                stand_ins.setdefault(c.cbs_from, f"{c.cbs_from} ({c.cbs_year or 'jaar onbekend'})")
                cbs += mark
            if c.walk_mean_m is not None and c.share_reached >= MIN_SHARE_REACHED:
                walk = _walk_text(c.walk_mean_m)
            elif c.note:
                walk = "niet in de kaart"
            else:
                walk = "buiten het netwerk"
            row += [cbs, walk]
        rows.append(row)
    header = ["gebied", "65+ in netwerk"]
    for label in labels.values():
        header += [f"{label}: CBS weg" if category is None else "CBS weg", "lopen 65+"]
    notes = [
        f"{'*' * (i + 1)} geen cijfer voor dit gebied in de geladen CBS-laag; het getal is dat van {text}."
        for i, text in enumerate(stand_ins.values())
    ]
    missing = sorted({r.category_label.lower() for r in chosen if r.note})
    if missing:
        notes.append(f"niet in de kaart: geen {', '.join(missing)} in de geladen voorzieningen.")
    notes.append(
        f"lopen 65+: gemiddelde loopafstand van de 65-plussers van het gebied die binnen het loopnetwerk "
        f"wonen (getoond vanaf {round(100 * MIN_SHARE_REACHED)} % van hen; zie het aandeel 65+ in het netwerk)."
    )
    return ComparisonTable(header=header, rows=rows, footnotes=notes, categories=list(labels))


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], right: Iterable[int] = ()) -> list[str]:
    body = [list(r) for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in body)) if body else len(h) for i, h in enumerate(header)]
    rset = set(right)

    def fmt(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in rset else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return [fmt(header), "  ".join("-" * w for w in widths), *(fmt(r) for r in body)]


def demand_text(view: DemandView) -> str:
    """The Dutch plain-text report of ``bodnaarplot demand``."""
    g = view.gemeente
    where = g.label if g is not None else "dit project"
    lines = [f"Vraag naar ouderenhuisvesting — {where}, horizon {view.horizon} (schatting)", ""]
    if not view.has_figures:
        lines.extend(view.notes)
        return "\n".join(lines)
    if g is not None:
        lines.append(
            f"{g.label} ({g.year or 'peiljaar onbekend'}): 65+ ca. {_thousands(_round_people(g.older65_est))} "
            f"({span_text(g.older65)}) · 75+ ca. {_thousands(_round_people(g.older75_est))} ({span_text(g.older75)}) · "
            f"85+ ca. {_thousands(_round_people(g.older85_est))} ({span_text(g.older85)}) · bron: {g.method}"
        )
        lines.append("")
        lines.append("Afgeleide opgave per woningcategorie (gemeente):")
        header = [
            "categorie",
            "huishoudens",
            "behoefte/100 hh",
            "behoefte",
            "bestaand",
            "afgeleide opgave",
            "bod",
            "verschil",
        ]
        rows = []
        for c in view.categories:
            r0, r1 = sorted((view.model.rate(c, 0) * 100, view.model.rate(c, 1) * 100))
            rate = (
                f"{r0:.1f}".replace(".", ",")
                if abs(r1 - r0) < 0.05
                else f"{r0:.1f}–{r1:.1f}".replace(".", ",")
            )
            bod = view.bod.get(c.id)
            rows.append(
                [
                    c.id,
                    f"{span_text(g.households[c.id])} ({c.age_group}+)",
                    rate,
                    span_text(g.need[c.id]),
                    (_thousands(g.supply.get(c.id, 0.0)) if view.supply_loaded else "geen lijst")
                    if c.subtract_supply
                    else "n.v.t.",
                    span_text(g.derived[c.id]),
                    str(bod) if bod is not None else "–",
                    difference_text(view.difference(c.id)),
                ]
            )
        lines.extend(_table(header, rows, right=range(1, 7)))
        lines.append(
            "  afgeleide opgave = oudere huishoudens in "
            f"{view.horizon} × behoeftecijfer − bestaand aanbod; bod = ingevoerde opgave t/m {view.horizon}"
            + (f" ({', '.join(view.bod_periods)})" if view.bod_periods else "")
            + "; het bod blijft leidend."
        )
    if view.areas:
        lines.append("")
        noun = {"wijk": "wijk", "buurt": "buurt", "gemeente": "gemeente"}.get(view.level or "", "gebied")
        lines.append(f"Per {noun} (ouderen: verdeling {view.method}):")
        header = [noun, "65+ (schatting)", "75+", *[c.id for c in view.categories], "gereserveerd", "tekort"]
        rows = []
        for a in view.areas:
            gap = (a.derived_total[0] - a.reserved_total[1], a.derived_total[1] - a.reserved_total[0])
            rows.append(
                [
                    a.label,
                    f"{_thousands(_round_people(a.older65_est))} ({span_text(a.older65)})",
                    span_text(a.older75),
                    *[span_text(a.derived[c.id]) for c in view.categories],
                    span_text(a.reserved_total, round_people=False),
                    span_text(gap),
                ]
            )
        lines.extend(_table(header, rows, right=range(1, len(header))))
    if view.comparison:
        _v, _src, short, reasons = _nabijheid()
        lines.append("")
        lines.append("CBS-afstand over de weg naast onze loopafstand voor 65-plussers:")
        table = comparison_table(view)
        lines.extend(_table(table.header, table.rows, right=range(1, len(table.header))))
        lines.extend(f"  {n}" for n in table.footnotes)
        lines.append(f"  Waarom ze verschillen: {short}")
        lines.extend(f"  - {r}" for r in reasons)
    lines.append("")
    lines.append(f"Let op: {SCHATTING}")
    if view.notes:
        lines.append("")
        lines.append("Opmerkingen:")
        lines.extend(f"  - {n}" for n in view.notes)
    lines.append("")
    lines.append("Bronnen:")
    lines.extend(f"  - {s}" for s in view.sources)
    return "\n".join(lines)
