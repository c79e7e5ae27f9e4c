"""Where a plot lies: its CBS wijk/buurt from the project's neighbourhoods layer.

The ledger totals per wijk/buurt from the map, not from text someone typed: a plot belongs to
the neighbourhood polygon it overlaps most (a point plot: the polygon it lies in). Typed wijk
text is only a fallback, flagged by the ledger. Gemeente polygons and statistical grid cells
are no wijk or buurt and are not used.
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

__all__ = ["AREA_COLUMNS", "plot_areas"]

AREA_COLUMNS = ("area_code", "area_name", "wijk_code", "wijk_name")

_BUURT = re.compile(r"^BU(\d{8})$")
# Extra columns a CBS buurten file may carry (matched on a normalised name).
_WIJK_CODE = ("wijkcode", "wkcode")
_WIJK_NAME = ("wijknaam", "wknaam")


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _column(frame: pd.DataFrame, names: tuple[str, ...]) -> pd.Series | None:
    for col in frame.columns:
        if _norm(str(col)) in names:
            return frame[col].astype("string")
    return None


def _text(value: object) -> str | None:
    if value is None or value is pd.NA:
        return None
    text = str(value).strip()
    return text or None


def plot_areas(plots: gpd.GeoDataFrame, neighbourhoods: gpd.GeoDataFrame | None) -> pd.DataFrame:
    """Per plot (indexed by ``plot_id``): ``area_code``, ``area_name`` (the buurt or wijk of the
    layer), ``wijk_code`` and ``wijk_name`` (the wijk around a buurt: the layer's wijk columns,
    or the code derived from a CBS buurtcode, BU05030301 → WK050303). NA where unknown."""
    ids = plots["plot_id"].astype("string").to_numpy(dtype=object)
    out = pd.DataFrame({c: pd.Series([pd.NA] * len(plots), dtype="string") for c in AREA_COLUMNS})
    out.index = pd.Index(ids, name="plot_id")
    if neighbourhoods is None or neighbourhoods.empty or plots.empty:
        return out
    hoods = neighbourhoods
    codes = hoods["code"].astype("string") if "code" in hoods.columns else pd.Series(pd.NA, index=hoods.index)
    names = hoods["name"].astype("string") if "name" in hoods.columns else pd.Series(pd.NA, index=hoods.index)
    # Buurten and wijken only: a gemeente polygon or a grid cell says nothing about the wijk.
    usable = (codes.isna() | codes.str.upper().str.match(r"^(BU|WK)")).fillna(True).to_numpy(dtype=bool)
    usable &= ~(codes.isna() & names.isna()).to_numpy(dtype=bool)
    geoms = np.asarray(hoods.geometry.values, dtype=object)
    usable &= ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    rows = np.flatnonzero(usable)
    if len(rows) == 0:
        return out
    polys = shapely.make_valid(geoms[rows])
    wijk_codes = _column(hoods, _WIJK_CODE)
    wijk_names = _column(hoods, _WIJK_NAME)

    plot_geoms = np.asarray(plots.geometry.values, dtype=object)
    tree = shapely.STRtree(polys)
    present = ~shapely.is_missing(plot_geoms) & ~shapely.is_empty(plot_geoms)
    pi, hi = tree.query(plot_geoms[present], predicate="intersects")
    plot_pos = np.flatnonzero(present)[pi]
    if len(pi) == 0:
        return out
    valid = shapely.make_valid(plot_geoms[plot_pos])
    weight = np.where(
        shapely.area(valid) > 0, shapely.area(shapely.intersection(valid, polys[hi])), 1.0
    )  # a point counts 1 in the polygon it lies in
    best: dict[int, tuple[float, int]] = {}
    for p, h, w in zip(plot_pos, hi, weight, strict=True):
        if w > 0 and (int(p) not in best or w > best[int(p)][0]):
            best[int(p)] = (float(w), int(rows[h]))
    for p, (_, h) in best.items():
        code, name = _text(codes.iloc[h]), _text(names.iloc[h])
        wcode = _text(wijk_codes.iloc[h]) if wijk_codes is not None else None
        wname = _text(wijk_names.iloc[h]) if wijk_names is not None else None
        m = _BUURT.match(code or "")
        if wcode is None and m is not None:
            wcode = "WK" + m.group(1)[:6]
        out.iloc[p] = [code, name, wcode, wname]
    return out.astype("string")
