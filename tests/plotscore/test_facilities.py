"""Distinct facilities and their departures: stop areas, repeated rows, same name within 100 m."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from plotscore.facilities import distinct_facilities, facility_outlines, facility_vocabulary, group_departures

RD = "EPSG:28992"


def _frame(rows: list[tuple[str, str, str | None, float, float]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "facility_id": [r[0] for r in rows],
            "category": [r[1] for r in rows],
            "name": pd.array([r[2] for r in rows], dtype="string"),
        },
        geometry=[Point(r[3], r[4]) for r in rows],
        crs=RD,
    )


def test_same_name_within_100_m_chains_and_stops_at_categories_and_distance() -> None:
    frame = _frame(
        [
            ("a", "treinstation", "Delft", 0, 0),
            ("b", "treinstation", "delft ", 60, 0),  # case and spaces ignored
            ("c", "treinstation", "Delft", 120, 0),  # 120 m from a, 60 m from b: chained
            ("d", "treinstation", "Delft", 400, 0),  # too far: another station
            ("e", "ov_halte", "Delft", 10, 0),  # another category
            ("f", "treinstation", None, 5, 0),  # no name: itself
        ]
    )
    got = distinct_facilities(frame)
    assert got.tolist() == ["a", "a", "a", "d", "e", "f"]
    assert got.index.equals(frame.index)
    assert facility_vocabulary().same_name_radius_m == 100.0


def test_group_id_joins_rows_of_one_category_and_departures_add_up() -> None:
    frame = _frame(
        [
            ("p1", "ov_halte", "Perron 1", 0, 0),
            ("p2", "ov_halte", "Perron 2", 500, 0),
            ("x", "ov_halte", "X", 900, 0),
        ]
    )
    frame["group_id"] = pd.array(["osm:r7", "osm:r7", None], dtype="string")
    frame["departures_per_hour"] = [4.0, np.nan, np.nan]
    ids = distinct_facilities(frame)
    assert ids.tolist() == ["p1", "p1", "x"]
    deph = group_departures(frame, ids)
    assert deph["p1"] == 4.0  # the known ones summed; unknown stays unknown
    assert pd.isna(deph["x"])


def test_outlines_and_entrances_are_read_from_the_optional_columns() -> None:
    frame = _frame([("park", "park", "Park", 5, 5), ("shop", "supermarkt", "Super", 50, 50)])
    frame["outline_wkt"] = pd.array(["POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))", "not wkt"], dtype="string")
    frame["entrances_wkt"] = pd.array(["MULTIPOINT ((0 5))", None], dtype="string")
    outline, doors = facility_outlines(frame)
    assert outline[0].area == 100.0
    assert outline[1] is None  # unreadable: treated as a point facility
    assert len(doors[0].geoms) == 1
    assert doors[1] is None
