"""Planning constraints of candidate plots: zoning fit, plot size and user exclusions.

Constraints are SHOWN, never applied: every function returns columns indexed like the input
plots and no plot is ever dropped, so a workshop can see why a plot is hard and still discuss
it. The zoning classes and the size presets are data (``resources/zoning/compatibility.toml``,
``resources/profiles/density.toml``); this module only measures.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from plotscore.errors import CRSMismatchError, ProfileError, ScoringError
from plotscore.progress import Progress, report
from resources import resource

__all__ = [
    "ONBEKEND",
    "PROCEDURE",
    "RD_BOUNDS",
    "TOEGESTAAN",
    "UITGESLOTEN",
    "ZONING_CLASSES",
    "CompatibilityTable",
    "DensityPreset",
    "DensityTable",
    "area_check",
    "density_range",
    "exclusion_check",
    "in_force_statuses",
    "load_compatibility_table",
    "load_density_table",
    "require_rd",
    "uncovered_plots",
    "zoning_compatibility",
    "zoning_notes",
]

TOEGESTAAN = "toegestaan"
PROCEDURE = "procedure nodig"
UITGESLOTEN = "uitgesloten"
ONBEKEND = "onbekend"  # no zoning covers (this part of) the plot
ZONING_CLASSES = (TOEGESTAAN, PROCEDURE, UITGESLOTEN)

_FLOOR_EPS = 1e-6  # keeps 59.9999999 homes from flooring to 59

# Valid range of RD New coordinates (the projection's area of use, rounded outward a little).
RD_BOUNDS = (-7_000.0, 289_000.0, 300_000.0, 629_000.0)
_RD_EPSG = 28992
_REPROJECT_HINT = "Projecteer de laag naar RD New (EPSG:28992), bijv. met .to_crs('EPSG:28992') of in QGIS."

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]


# --------------------------------------------------------------------------- CRS and geometry


def _bounds_in_rd(bounds: tuple[float, float, float, float] | FloatArray) -> bool:
    xmin, ymin, xmax, ymax = (float(v) for v in bounds)
    if not np.all(np.isfinite([xmin, ymin, xmax, ymax])):
        return False
    return RD_BOUNDS[0] <= xmin and xmax <= RD_BOUNDS[2] and RD_BOUNDS[1] <= ymin and ymax <= RD_BOUNDS[3]


def require_rd(frame: gpd.GeoDataFrame, what: str) -> None:
    """Refuse a frame that is not in EPSG:28992 metres (distances in degrees are never computed).

    A frame without a CRS is accepted when its coordinates lie in the RD New range.
    """
    crs = frame.crs
    if crs is None:
        geoms = frame.geometry
        present = geoms[~(geoms.isna() | geoms.is_empty)]
        if len(present) == 0 or _bounds_in_rd(present.total_bounds):
            return
        raise CRSMismatchError(
            f"De laag '{what}' heeft geen coördinatenstelsel en de coördinaten passen niet in RD New.",
            hint=_REPROJECT_HINT,
        )
    try:
        epsg = CRS.from_user_input(crs).to_epsg()
    except CRSError:
        epsg = None
    if epsg != _RD_EPSG:
        raise CRSMismatchError(
            f"De laag '{what}' staat in {crs}, niet in RD New (EPSG:28992).",
            hint=_REPROJECT_HINT,
        )


def _geometries(frame: gpd.GeoDataFrame) -> npt.NDArray[np.object_]:
    """The frame's geometries as a shapely array, invalid ones repaired (on a copy)."""
    geoms: npt.NDArray[np.object_] = np.asarray(frame.geometry.values, dtype=object)
    bad = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    if bad.any():
        geoms = geoms.copy()
        geoms[bad] = shapely.make_valid(geoms[bad])
    return geoms


def _areal(geoms: npt.NDArray[np.object_]) -> BoolArray:
    """True for polygons (and collections) with a positive area; points count as points."""
    kind = shapely.get_type_id(geoms)
    area = np.nan_to_num(shapely.area(geoms))
    out: BoolArray = np.isin(kind, (3, 6, 7)) & (area > 0)
    return out


def _pairs(
    plots: npt.NDArray[np.object_], areal: BoolArray, others: npt.NDArray[np.object_]
) -> tuple[IntArray, IntArray, FloatArray]:
    """(plot position, other position, weight) of every overlap, in one vectorised query.

    The weight is the intersection area for a polygon plot (touching edges are dropped) and 1
    for a point plot that lies in the other polygon.
    """
    empty = (np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp), np.empty(0, dtype=np.float64))
    if len(plots) == 0 or len(others) == 0:
        return empty
    tree = shapely.STRtree(others)
    pi, oi = tree.query(plots, predicate="intersects")
    pi = pi.astype(np.intp)
    oi = oi.astype(np.intp)
    weight = np.ones(len(pi), dtype=np.float64)
    poly = np.flatnonzero(areal[pi])
    if len(poly):
        # A plot wholly inside the other polygon needs no intersection (the common case).
        shapely.prepare(others)
        inside = shapely.contains_properly(others[oi[poly]], plots[pi[poly]])
        weight[poly[inside]] = shapely.area(plots[pi[poly[inside]]])
        cut = poly[~inside]
        weight[cut] = shapely.area(shapely.intersection(plots[pi[cut]], others[oi[cut]]))
    keep = weight > 0
    return pi[keep], oi[keep], weight[keep]


def _group_join(positions: IntArray, values: ObjArray, n: int, sep: str) -> ObjArray:
    """Join ``values`` per plot position (input sorted by position); "" where there are none.

    Plots with one value are filled vectorised; only plots with several values are joined
    one by one (few in practice).
    """
    counts = np.bincount(positions, minlength=n)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.intp)
    out: ObjArray = np.full(n, "", dtype=object)
    single = counts == 1
    out[single] = values[first[single]]
    for i in np.flatnonzero(counts > 1):
        out[i] = sep.join(str(v) for v in values[first[i] : first[i] + counts[i]])
    return out


def _joined(positions: IntArray, values: ObjArray, n: int, sep: str = "; ") -> ObjArray:
    """Per plot: the sorted unique non-empty values, joined; "" where there are none."""
    frame = pd.DataFrame({"p": positions, "v": np.asarray(values, dtype=object)})
    frame = frame[frame["v"].notna()]
    frame["v"] = frame["v"].astype(str)
    frame = frame[frame["v"] != ""].drop_duplicates().sort_values(["p", "v"])
    return _group_join(frame["p"].to_numpy(dtype=np.intp), frame["v"].to_numpy(dtype=object), n, sep)


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as stripped lowercase text ("" where missing or absent)."""
    if column not in frame.columns:
        return pd.Series("", index=frame.index, dtype="string")
    return frame[column].astype("string").str.strip().str.lower().fillna("")


def _nl(value: float) -> str:
    """A whole number with a Dutch thousands separator: 12.500."""
    return f"{value:,.0f}".replace(",", ".")


# --------------------------------------------------------------------------- tables (data)


def _read_toml(path: str | Path | None, default: tuple[str, ...], what: str) -> dict[str, Any]:
    source = resource(*default) if path is None else Path(path)
    try:
        with source.open("rb") as fh:
            data: dict[str, Any] = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ProfileError(
            f"De {what} is niet gevonden: {source}.", hint="Controleer het pad naar het TOML-bestand."
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(
            f"De {what} is geen geldig TOML: {exc}.",
            hint="Herstel de opmaak van het bestand.",
            source=str(source),
        ) from exc
    if data.get("schema_version") != 1:
        raise ProfileError(
            f"De {what} heeft een onbekende schema_version ({data.get('schema_version')!r}).",
            hint="Gebruik schema_version = 1.",
            source=str(source),
        )
    return data


def in_force_statuses() -> frozenset[str]:
    """Planstatus values under which a plan is law (``resources/zoning/planstatus.toml``)."""
    data = _read_toml(None, ("zoning", "planstatus.toml"), "planstatustabel")
    return frozenset(str(v).strip().lower() for v in data.get("in_force", []))


@dataclass(frozen=True, slots=True)
class CompatibilityTable:
    """Bestemmingshoofdgroep → class per housing category, and notes for dubbelbestemmingen."""

    categories: Mapping[str, Mapping[str, str]]  # complete per category (default merged in)
    unknown_hoofdgroep: str
    dubbel_notes: Mapping[str, str]

    def classes_for(self, housing_category: str) -> Mapping[str, str]:
        """The hoofdgroep → class mapping of one housing category."""
        key = housing_category.strip().lower()
        if key not in self.categories:
            known = ", ".join(sorted(self.categories))
            raise ProfileError(
                f"Onbekende woningcategorie '{housing_category}' voor de bestemmingstoets.",
                hint=f"Kies een van: {known}, of voeg de categorie toe aan resources/zoning/compatibility.toml.",
            )
        return self.categories[key]


def load_compatibility_table(path: str | Path | None = None) -> CompatibilityTable:
    """Read and validate the zoning compatibility table (the bundled one by default)."""
    data = _read_toml(path, ("zoning", "compatibility.toml"), "bestemmingstabel")
    valid = set(data.get("classes", ZONING_CLASSES))
    if not valid <= set(ZONING_CLASSES):
        raise ProfileError(
            f"Onbekende klassen in de bestemmingstabel: {sorted(valid - set(ZONING_CLASSES))}.",
            hint=f"Gebruik alleen {', '.join(ZONING_CLASSES)}.",
        )
    raw = data.get("categories", {})
    if "default" not in raw:
        raise ProfileError(
            "De bestemmingstabel mist [categories.default].",
            hint="Voeg een volledige standaardtabel toe onder [categories.default].",
        )
    unknown = str(data.get("unknown_hoofdgroep", PROCEDURE))
    merged: dict[str, dict[str, str]] = {}
    for name, mapping in raw.items():
        table = {**raw["default"], **mapping} if name != "default" else dict(mapping)
        table = {str(k).strip().lower(): str(v) for k, v in table.items()}
        wrong = sorted(
            {v for v in table.values() if v not in ZONING_CLASSES} | ({unknown} - set(ZONING_CLASSES))
        )
        if wrong:
            raise ProfileError(
                f"Onbekende klasse(n) {wrong} in de bestemmingstabel (categorie '{name}').",
                hint=f"Gebruik alleen {', '.join(ZONING_CLASSES)}.",
            )
        merged[str(name).strip().lower()] = table
    notes = {str(k).strip().lower(): str(v) for k, v in data.get("dubbelbestemmingen", {}).items()}
    return CompatibilityTable(categories=merged, unknown_hoofdgroep=unknown, dubbel_notes=notes)


@dataclass(frozen=True, slots=True)
class DensityPreset:
    """Density, floor area and minimum size presets of one housing category."""

    label: str
    homes_per_ha_min: float
    homes_per_ha_max: float
    bvo_per_home_min_m2: float
    bvo_per_home_max_m2: float
    coverage: float
    min_homes: int
    min_homes_alternative: int | None = None
    min_area_m2: float | None = None

    def min_area_for(self, min_homes: int | None = None) -> float:
        """Smallest plot (m²) that fits ``min_homes`` at the highest preset density."""
        if min_homes is None and self.min_area_m2 is not None:
            return self.min_area_m2
        homes = self.min_homes if min_homes is None else min_homes
        return homes * 10_000.0 / self.homes_per_ha_max


@dataclass(frozen=True, slots=True)
class DensityTable:
    """The density presets per housing category (``resources/profiles/density.toml``)."""

    categories: Mapping[str, DensityPreset]
    storey_height_m: float

    def preset(self, housing_category: str) -> DensityPreset:
        """The preset of one housing category."""
        key = housing_category.strip().lower()
        if key not in self.categories:
            raise ProfileError(
                f"Geen dichtheidsvoorinstelling voor woningcategorie '{housing_category}'.",
                hint=f"Kies een van: {', '.join(sorted(self.categories))}, of vul resources/profiles/density.toml aan.",
            )
        return self.categories[key]


def load_density_table(path: str | Path | None = None) -> DensityTable:
    """Read and validate the density presets (the bundled ones by default)."""
    data = _read_toml(path, ("profiles", "density.toml"), "dichtheidstabel")
    presets: dict[str, DensityPreset] = {}
    for name, raw in data.get("categories", {}).items():
        try:
            preset = DensityPreset(
                label=str(raw.get("label", name)),
                homes_per_ha_min=float(raw["homes_per_ha_min"]),
                homes_per_ha_max=float(raw["homes_per_ha_max"]),
                bvo_per_home_min_m2=float(raw["bvo_per_home_min_m2"]),
                bvo_per_home_max_m2=float(raw["bvo_per_home_max_m2"]),
                coverage=float(raw["coverage"]),
                min_homes=int(raw["min_homes"]),
                min_homes_alternative=(
                    int(raw["min_homes_alternative"]) if "min_homes_alternative" in raw else None
                ),
                min_area_m2=float(raw["min_area_m2"]) if "min_area_m2" in raw else None,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ProfileError(
                f"Dichtheidsvoorinstelling '{name}' is onvolledig of ongeldig ({exc}).",
                hint="Vul homes_per_ha_min/max, bvo_per_home_min/max_m2, coverage en min_homes in.",
            ) from exc
        ok = (
            0 < preset.homes_per_ha_min <= preset.homes_per_ha_max
            and 0 < preset.bvo_per_home_min_m2 <= preset.bvo_per_home_max_m2
            and 0 < preset.coverage <= 1
            and preset.min_homes >= 1
        )
        if not ok:
            raise ProfileError(
                f"Dichtheidsvoorinstelling '{name}' heeft onmogelijke waarden.",
                hint="Minimum ≤ maximum, alles groter dan 0, coverage tussen 0 en 1, min_homes ≥ 1.",
            )
        presets[str(name).strip().lower()] = preset
    storey = float(data.get("storey_height_m", 3.0))
    if not presets or storey <= 0:
        raise ProfileError(
            "De dichtheidstabel heeft geen categorieën of een ongeldige storey_height_m.",
            hint="Voeg [categories.<naam>] toe en een positieve storey_height_m.",
        )
    return DensityTable(categories=presets, storey_height_m=storey)


# --------------------------------------------------------------------------- zoning


def zoning_compatibility(
    plots: gpd.GeoDataFrame,
    zoning: gpd.GeoDataFrame,
    *,
    housing_category: str,
    table: CompatibilityTable | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """How much of each plot the bestemming allows for ``housing_category``, indexed like plots.

    Columns: ``zoning_share_toegestaan``, ``zoning_share_procedure``, ``zoning_share_uitgesloten``,
    ``zoning_share_onbekend`` (area shares 0–1 that add up to 1; onbekend = no enkelbestemming),
    ``zoning_class`` (largest share; ties go to the stricter class, and a tie with onbekend to the
    known class), ``zoning_hoofdgroepen`` ("wonen 70%, groen 30%"), ``zoning_dubbel`` (names of
    dubbelbestemmingen on the plot), ``zoning_let_op`` (their notes), ``zoning_indicatief`` (any
    zoning on the plot has a plan_status starting with "indicatief"; a plot no zoning covers is
    flagged when the layer holds indicative zoning), ``zoning_plan_ids``, ``zoning_plan_status``
    (the statuses of those plans, with their date) and ``zoning_niet_vastgesteld`` (a plan on
    the plot is concept, voorontwerp or ontwerp: not law).
    A point plot gets the class at the point. Overlapping enkelbestemmingen (two plans on one
    spot) are scaled so the shares never exceed the plot.
    """
    require_rd(plots, "kandidaatlocaties")
    require_rd(zoning, "bestemmingsplan")
    missing = [c for c in ("feature_type", "bestemmingshoofdgroep") if c not in zoning.columns]
    if missing:
        raise ScoringError(
            f"De bestemmingslaag mist kolom(men) {', '.join(missing)}.",
            hint="Laad het bestemmingsplan via de IMRO-lader of voeg de kolommen toe.",
        )
    tab = table if table is not None else load_compatibility_table()
    mapping = tab.classes_for(housing_category)
    report(progress, 0.0, "Bestemmingen vergelijken")

    n = len(plots)
    geoms = _geometries(plots)
    areal = _areal(geoms)
    size = np.where(areal, np.nan_to_num(shapely.area(geoms)), 1.0)

    ftype = _text(zoning, "feature_type").to_numpy(dtype=object)
    hoofdgroep = _text(zoning, "bestemmingshoofdgroep").to_numpy(dtype=object)
    indicative = _text(zoning, "plan_status").str.startswith("indicatief").to_numpy(dtype=bool)
    plan_ids = (
        zoning["plan_id"].astype("string").to_numpy(dtype=object)
        if "plan_id" in zoning.columns
        else np.full(len(zoning), "", dtype=object)
    )
    zgeoms = _geometries(zoning)
    enk = np.flatnonzero(ftype == "enkelbestemming")
    dub = np.flatnonzero(ftype == "dubbelbestemming")

    pi, zi, weight = _pairs(geoms, areal, zgeoms[enk])
    zi = enk[zi]
    report(progress, 0.5, "Bestemmingen vergelijken")
    covered = np.bincount(pi, weights=weight, minlength=n)
    # Polygon: share of the plot area (scaled down if enkelbestemmingen overlap); point: 1/hits.
    denom = np.where(areal, np.maximum(size, covered), covered)
    denom[denom <= 0] = 1.0
    share = weight / denom[pi]
    row_class = pd.Series(hoofdgroep, dtype=object).map(dict(mapping)).fillna(tab.unknown_hoofdgroep)
    pair_class = row_class.to_numpy(dtype=object)[zi]
    shares = {c: np.bincount(pi, weights=share * (pair_class == c), minlength=n) for c in ZONING_CLASSES}
    known = sum(shares.values(), np.zeros(n))
    onbekend = np.clip(1.0 - known, 0.0, 1.0)
    onbekend[onbekend < 1e-9] = 0.0  # rounding noise of the intersection areas

    # Largest share; the order makes ties go to the stricter class and onbekend lose ties.
    order = (UITGESLOTEN, PROCEDURE, TOEGESTAAN, ONBEKEND)
    stack = np.round(np.vstack([shares[UITGESLOTEN], shares[PROCEDURE], shares[TOEGESTAAN], onbekend]), 9)
    zoning_class = np.asarray(order, dtype=object)[np.argmax(stack, axis=0)]

    # "wonen 70%, groen 30%": per plot and hoofdgroep, largest first; uncovered part last.
    parts = pd.DataFrame({"p": pi, "h": hoofdgroep[zi], "s": share})
    parts["h"] = parts["h"].replace("", "(geen hoofdgroep)")
    hg = parts.groupby(["p", "h"])["s"].sum().reset_index()
    rest = pd.DataFrame({"p": np.arange(n), "h": "geen bestemming", "s": onbekend})
    rest = rest[rest["s"] >= 0.005]
    hg = pd.concat([hg, rest.assign(last=1)], ignore_index=True).fillna({"last": 0})
    hg["s"] = hg["s"].round(9)  # equal shares sort by name, not by rounding noise
    hg = hg.sort_values(["p", "last", "s", "h"], ascending=[True, True, False, True])
    pct = np.round(hg["s"].to_numpy() * 100.0)
    hg["t"] = hg["h"] + " " + np.where(pct >= 1, pd.Series(pct).map("{:.0f}%".format).to_numpy(), "<1%")
    hoofdgroepen = _group_join(hg["p"].to_numpy(dtype=np.intp), hg["t"].to_numpy(dtype=object), n, ", ")

    dpi, dzi, _ = _pairs(geoms, areal, zgeoms[dub])
    dzi = dub[dzi]
    names = zoning["naam"].astype("string").to_numpy(dtype=object) if "naam" in zoning.columns else hoofdgroep
    dub_names = (
        np.where(pd.isna(names[dzi]), hoofdgroep[dzi], names[dzi]) if len(dzi) else np.empty(0, dtype=object)
    )
    fallback_note = tab.dubbel_notes.get("unknown", "let op: dubbelbestemming")
    notes = pd.Series(hoofdgroep[dzi], dtype=object).map(dict(tab.dubbel_notes)).fillna(fallback_note)

    all_p = np.concatenate([pi, dpi])
    all_z = np.concatenate([zi, dzi])
    status = _text(zoning, "plan_status").to_numpy(dtype=object)
    dates = _text(zoning, "plan_date").to_numpy(dtype=object)
    status_text = np.where(dates != "", status + " (" + dates + ")", status)
    in_force = in_force_statuses()
    pending = np.array(
        [st != "" and st not in in_force and not st.startswith("indicatief") for st in status], dtype=bool
    )
    not_law = np.bincount(all_p, weights=pending[all_z].astype(np.float64), minlength=n) > 0
    flagged = np.bincount(all_p, weights=indicative[all_z].astype(np.float64), minlength=n) > 0
    # A gap in indicative zoning says nothing about the real plan: flag uncovered plots too.
    flagged |= (np.bincount(all_p, minlength=n) == 0) & bool(indicative.any())
    report(progress, 1.0, "Bestemmingen vergeleken")

    index = plots.index
    return pd.DataFrame(
        {
            "zoning_share_toegestaan": shares[TOEGESTAAN],
            "zoning_share_procedure": shares[PROCEDURE],
            "zoning_share_uitgesloten": shares[UITGESLOTEN],
            "zoning_share_onbekend": onbekend,
            "zoning_class": pd.array(zoning_class, dtype="string"),
            "zoning_hoofdgroepen": pd.array(hoofdgroepen, dtype="string"),
            "zoning_dubbel": pd.array(_joined(dpi, dub_names, n), dtype="string"),
            "zoning_let_op": pd.array(_joined(dpi, notes.to_numpy(dtype=object), n), dtype="string"),
            "zoning_indicatief": flagged,
            "zoning_plan_ids": pd.array(_joined(all_p, plan_ids[all_z], n), dtype="string"),
            "zoning_plan_status": pd.array(_joined(all_p, status_text[all_z], n), dtype="string"),
            "zoning_niet_vastgesteld": not_law,
        },
        index=index,
    )


def uncovered_plots(zoning_columns: pd.DataFrame) -> int:
    """How many plots no loaded plan covers at all (``zoning_share_onbekend`` = 1)."""
    if "zoning_share_onbekend" not in zoning_columns.columns:
        return 0
    return int((zoning_columns["zoning_share_onbekend"] >= 1.0 - 1e-9).sum())


def zoning_notes(zoning_columns: pd.DataFrame) -> list[str]:
    """Dutch notes for a scoring run: plots outside every plan, plots in plans that are not law."""
    notes = []
    n = len(zoning_columns)
    outside = uncovered_plots(zoning_columns)
    if outside:
        notes.append(
            f"{outside} van de {n} kavels liggen buiten elk geladen bestemmingsplan: hun bestemming is "
            "onbekend. Laad het plan dat ze dekt (of het omgevingsplan) om de bestemming te toetsen."
        )
    if "zoning_niet_vastgesteld" in zoning_columns.columns:
        pending = zoning_columns["zoning_niet_vastgesteld"].astype(bool)
        if pending.any():
            texts = zoning_columns.loc[pending, "zoning_plan_status"].dropna().astype(str)
            statuses = sorted({part for text in texts for part in text.split("; ")})
            notes.append(
                f"{int(pending.sum())} kavels liggen in een plan dat niet is vastgesteld "
                f"({', '.join(statuses)}): die bestemming en maatvoering zijn een voorstel, geen recht."
            )
    return notes


# --------------------------------------------------------------------------- size


def density_range(area_m2: FloatArray, preset: DensityPreset) -> tuple[FloatArray, FloatArray]:
    """Homes on ``area_m2`` at the preset's lowest and highest density, rounded down.

    The one density formula: the capacity estimate and the area check both use it, so a plot
    never "fits 12 homes" in one column and holds "7–15" in the next.
    """
    lo = np.floor(area_m2 * preset.homes_per_ha_min / 10_000.0 + _FLOOR_EPS)
    hi = np.floor(area_m2 * preset.homes_per_ha_max / 10_000.0 + _FLOOR_EPS)
    return lo, hi


def _span_text(lo: float, hi: float) -> str:
    return _nl(lo) if lo == hi else f"{_nl(lo)}–{_nl(hi)}"


def area_check(
    plots: gpd.GeoDataFrame,
    *,
    housing_category: str,
    table: DensityTable | None = None,
    min_homes: int | None = None,
    capacity: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Can each plot hold the category's minimum number of homes? Indexed like plots.

    The check reads the capacity estimate (``capacity_min``/``capacity_max`` of
    :func:`plotscore.capacity.estimate_capacity`, which the pipeline passes, plan maximum and
    kept buildings included); without it, the density range of :func:`density_range`, the
    estimate's own fallback. So the check and the estimate never disagree: a plot estimated at
    7–15 homes is "krap" for 12 geclusterde woningen (only at the highest density), not "big
    enough". ``min_homes`` overrides the table (5 for the RIGO definition of geclusterd).

    Columns: ``area_ok`` (boolean: the estimate's maximum reaches the minimum; NA without an
    estimate, e.g. a point), ``area_m2``, ``area_min_m2`` (the minimum at the highest preset
    density, for reference) and ``area_note`` (Dutch, with the estimate it used).
    """
    require_rd(plots, "kandidaatlocaties")
    if min_homes is not None and min_homes < 1:
        raise ScoringError(
            "Het minimum aantal woningen moet minstens 1 zijn.", hint="Kies 1 of meer woningen."
        )
    preset = (table if table is not None else load_density_table()).preset(housing_category)
    homes = preset.min_homes if min_homes is None else min_homes
    need = preset.min_area_for(min_homes)
    geoms = _geometries(plots)
    areal = _areal(geoms)
    area = np.where(areal, np.nan_to_num(shapely.area(geoms)), np.nan)
    if capacity is not None:
        lo = pd.to_numeric(capacity["capacity_min"], errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
        hi = pd.to_numeric(capacity["capacity_max"], errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
    else:
        lo, hi = density_range(np.where(areal, area, np.nan), preset)
    known = ~np.isnan(hi)
    fits = known & (np.nan_to_num(hi) >= homes)
    full = known & (np.nan_to_num(lo) >= homes)
    no_geometry = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    label = f"{homes} {preset.label}"
    notes: list[str] = []
    for i in range(len(plots)):
        where = f"{_nl(area[i])} m²: " if areal[i] else ""
        if not known[i]:
            notes.append(
                "geen geometrie: grootte niet te toetsen"
                if no_geometry[i]
                else "punt zonder oppervlakte: grootte niet te toetsen"
            )
            continue
        estimate = f"schatting {_span_text(lo[i], hi[i])} woningen"
        if full[i]:
            notes.append(f"{where}{estimate}; {label} passen")
        elif fits[i]:
            notes.append(f"krap: {where}{estimate}; {label} passen alleen bij de hoogste schatting")
        else:
            notes.append(f"te klein: {where}{estimate}; {label} passen niet")
    area_ok = pd.array(fits, dtype="boolean")
    area_ok[~known] = pd.NA
    return pd.DataFrame(
        {
            "area_ok": area_ok,
            "area_m2": area,
            "area_min_m2": np.full(len(plots), need),
            "area_note": pd.array(notes, dtype="string"),
        },
        index=plots.index,
    )


# --------------------------------------------------------------------------- exclusions


def exclusion_check(
    plots: gpd.GeoDataFrame,
    exclusions: gpd.GeoDataFrame,
    *,
    reason_column: str = "reason",
) -> pd.DataFrame:
    """Which plots overlap a user exclusion polygon, and why. Indexed like plots.

    Columns: ``excluded`` (any overlap with a positive area; a point inside), ``excluded_share``
    (share of the plot area inside the union of the exclusions; 1 or 0 for points) and
    ``excluded_reason`` (the ``reason`` texts, joined). The plot stays in every result.
    """
    require_rd(plots, "kandidaatlocaties")
    require_rd(exclusions, "uitsluitingen")
    n = len(plots)
    geoms = _geometries(plots)
    areal = _areal(geoms)
    egeoms = _geometries(exclusions)
    pi, ei, _ = _pairs(geoms, areal, egeoms)
    hit = np.bincount(pi, minlength=n) > 0
    share = hit.astype(np.float64)
    poly_hit = np.flatnonzero(hit & areal)
    if len(poly_hit):
        union = shapely.union_all(egeoms[~shapely.is_missing(egeoms)])
        inside = shapely.area(shapely.intersection(geoms[poly_hit], union))
        share[poly_hit] = np.clip(inside / shapely.area(geoms[poly_hit]), 0.0, 1.0)
    if reason_column in exclusions.columns:
        reasons = (
            exclusions[reason_column].astype("string").fillna("uitgesloten gebied").to_numpy(dtype=object)
        )
    else:
        reasons = np.full(len(exclusions), "uitgesloten gebied", dtype=object)
    return pd.DataFrame(
        {
            "excluded": hit,
            "excluded_share": share,
            "excluded_reason": pd.array(_joined(pi, reasons[ei], n), dtype="string"),
        },
        index=plots.index,
    )
