"""Plots loader: id/name detection, generated and de-duplicated ids, areas, CSV and mixed layers."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

from layers import plots
from layers.canonical import CANONICAL, LayerKind
from layers.errors import LayerSchemaError
from layers.registry import detect, load_path, probe


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def counts(res: object) -> dict[str, int]:
    return {w.code: w.count for w in res.warnings}  # type: ignore[attr-defined]


def test_polygons_with_ids_names_duplicates_and_gaps(tmp_path: Path) -> None:
    path = tmp_path / "kavels.gpkg"
    gpd.GeoDataFrame(
        {
            "ID": ["K1", "K2", "K1", None, "K1-2"],
            "Naam": ["Molenhof", "Schoolplein", "Molenhof-oost", "Kerkpad", " "],
            "eigenaar": ["gemeente"] * 5,
        },
        geometry=[box(85_000, 446_000, 85_020, 446_010 + i * 10) for i in range(5)],
        crs=28992,
    ).to_file(path, layer="kavels", driver="GPKG")
    before = sha256(path)
    [res] = plots.load(path)
    assert sha256(path) == before
    f = res.frame
    assert list(f.columns[:4]) == CANONICAL[LayerKind.PLOTS].column_names
    # K1 repeats twice; the second repeat skips K1-2, which is already taken.
    assert f["plot_id"].tolist() == ["K1", "K2", "K1-3", "P0004", "K1-2"]
    assert f["name"].tolist() == ["Molenhof", "Schoolplein", "Molenhof-oost", "Kerkpad", pd.NA]
    assert f["area_m2"].tolist() == [200.0, 400.0, 600.0, 800.0, 1000.0]
    assert set(f["source"]) == {"kavels.gpkg"}
    assert "eigenaar" in f.columns
    assert counts(res) == {"plots_generated_ids": 1, "plots_duplicate_ids": 1}
    assert res.meta["id_column"] == "ID"
    assert res.meta["name_column"] == "Naam"


def test_points_without_ids_get_stable_generated_ids(tmp_path: Path) -> None:
    path = tmp_path / "locaties.geojson"
    gpd.GeoDataFrame(
        {"omschrijving": ["hoek Mekelweg", "achter school", "parkeerterrein"]},
        geometry=[Point(85_100, 446_200), Point(85_200, 446_300), Point(85_300, 446_400)],
        crs=28992,
    ).to_crs(4326).to_file(path, driver="GeoJSON")
    [a] = plots.load(path, source="woonvisie 2024")
    [b] = plots.load(path, source="woonvisie 2024")
    assert a.frame["plot_id"].tolist() == ["P0001", "P0002", "P0003"] == b.frame["plot_id"].tolist()
    assert a.frame["name"].tolist() == ["hoek Mekelweg", "achter school", "parkeerterrein"]
    assert a.frame["area_m2"].tolist() == [0.0, 0.0, 0.0]
    assert set(a.frame["source"]) == {"woonvisie 2024"}
    assert a.frame.geometry.iloc[0].x == pytest.approx(85_100, abs=0.01)
    assert counts(a)["plots_generated_ids"] == 3


def test_mapping_option(tmp_path: Path) -> None:
    path = tmp_path / "opgave.gpkg"
    gpd.GeoDataFrame(
        {"kavelnr": [12, 13], "straat": ["Poortlandplein", "Jaffalaan"], "id": ["x", "y"]},
        geometry=[box(0, 300_000, 10, 300_010), box(20, 300_000, 30, 300_010)],
        crs=28992,
    ).to_file(path, driver="GPKG")
    [res] = plots.load(path, mapping={"plot_id": "kavelnr", "name": "straat"})
    assert res.frame["plot_id"].tolist() == ["12", "13"]
    assert res.frame["name"].tolist() == ["Poortlandplein", "Jaffalaan"]
    assert res.frame["id"].tolist() == ["x", "y"]  # unmapped columns stay
    with pytest.raises(LayerSchemaError) as info:
        plots.load(path, mapping={"plot_id": "bestaat_niet"})
    assert "bestaat_niet" in info.value.message
    assert "kavelnr" in info.value.hint


def test_csv_with_rd_coordinates_and_decimal_commas(tmp_path: Path) -> None:
    path = tmp_path / "locaties.csv"
    path.write_text("naam;x;y\nA;85000,5;446000,25\nB;85100;446100\nC;;\n", encoding="utf-8")
    [res] = load_path(path, kind=LayerKind.PLOTS)
    f = res.frame
    assert f["plot_id"].tolist() == ["P0001", "P0002"]  # C has no coordinates
    assert f.geometry.iloc[0].coords[0] == (85000.5, 446000.25)
    c = counts(res)
    assert c["crs_assumed_rd"] == 1
    assert c["empty_geometry"] == 1


def test_csv_with_lonlat(tmp_path: Path) -> None:
    path = tmp_path / "locaties_wgs84.csv"
    path.write_text("id,name,lat,lon\nL1,Station,52.0067,4.3565\n", encoding="utf-8")
    [res] = plots.load(path)
    assert res.frame["plot_id"].tolist() == ["L1"]
    assert res.frame.geometry.iloc[0].x == pytest.approx(84_232, abs=5)


def test_mixed_points_polygons_and_a_line(tmp_path: Path) -> None:
    path = tmp_path / "gemengd.geojson"
    gpd.GeoDataFrame(
        {"name": ["vlak", "lijn", "punt"]},
        geometry=[
            box(85_000, 446_000, 85_010, 446_010),
            LineString([(85_000, 446_000), (85_050, 446_000)]),
            Point(85_100, 446_100),
        ],
        crs=28992,
    ).to_file(path, driver="GeoJSON")
    [res] = plots.load(path)
    assert res.frame["name"].tolist() == ["vlak", "punt"]
    assert res.frame["plot_id"].tolist() == ["P0001", "P0003"]  # ids follow the file position
    assert res.frame["area_m2"].tolist() == [100.0, 0.0]
    assert counts(res)["wrong_geometry_type"] == 1
    assert (res.meta["points"], res.meta["polygons"]) == (1, 1)


def test_real_wippolder_panden_as_plots(shared_data: Callable[[str], Path]) -> None:
    path = shared_data("delft/bag/wippolder_bag_pand.gpkg")
    before = sha256(path)
    assert detect(probe(path), LayerKind.PLOTS).id == "plots"
    [res] = load_path(path, kind=LayerKind.PLOTS)
    assert sha256(path) == before
    f = res.frame
    assert len(f) == 60
    assert f["plot_id"].is_unique
    assert res.meta["id_column"] == "identificatie"
    assert (f["area_m2"] > 0).all()
    assert set(f["source"]) == {"wippolder_bag_pand.gpkg"}
