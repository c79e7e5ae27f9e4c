"""The shared loader machinery: canonical frames, the CRS rule, geometry hygiene, safe sources."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, Polygon

from layers.canonical import CANONICAL, RD_NEW, LayerKind, conform, empty_frame
from layers.crs import ensure_rd
from layers.errors import LayerCRSError, LayerFormatError, UnsafeInputError
from layers.geometry import clean_geometries
from layers.result import Warnings
from layers.sources import check_file, check_xml_safe, extract_zip_safely


def _codes(w: Warnings) -> dict[str, int]:
    return {x.code: x.count for x in w}


def test_every_kind_has_an_empty_frame_with_its_columns() -> None:
    for kind in LayerKind:
        if kind is LayerKind.RASTER:
            continue
        frame = empty_frame(kind)
        assert list(frame.columns) == [*CANONICAL[kind].column_names, "geometry"]
        assert frame.crs == RD_NEW


def test_conform_adds_missing_columns_keeps_extras_and_does_not_mutate() -> None:
    src = gpd.GeoDataFrame(
        {"identificatie": ["1"], "bouwjaar": ["1950.0"], "extra": [1]},
        geometry=[Polygon([(0, 0), (1, 0), (1, 1)])],
        crs=RD_NEW,
        index=[7],
    )
    before = src.copy()
    out = conform(src, LayerKind.BUILDINGS)
    assert list(out.columns) == [*CANONICAL[LayerKind.BUILDINGS].column_names, "extra", "geometry"]
    assert out["bouwjaar"].dtype == "Int64"
    assert out.loc[0, "bouwjaar"] == 1950
    assert out["status"].isna().all()
    pd.testing.assert_frame_equal(src, before)


def test_lonlat_is_reprojected_with_a_warning() -> None:
    gdf = gpd.GeoDataFrame(geometry=[Point(4.37, 52.0)], crs="EPSG:4326")
    w = Warnings()
    out = ensure_rd(gdf, w)
    assert out.crs == RD_NEW
    x, y = out.geometry.iloc[0].x, out.geometry.iloc[0].y
    assert 84_000 < x < 87_000
    assert 445_000 < y < 448_000
    assert "reprojected_lonlat" in _codes(w)
    assert gdf.crs == "EPSG:4326"


def test_missing_crs_in_rd_range_is_assumed_with_warning() -> None:
    gdf = gpd.GeoDataFrame(geometry=[Point(85_000, 446_000)])
    w = Warnings()
    assert ensure_rd(gdf, w).crs == RD_NEW
    assert "crs_assumed_rd" in _codes(w)


@pytest.mark.parametrize("pt", [Point(4.37, 52.0), Point(5_000_000, 10)])
def test_missing_crs_outside_rd_range_is_refused(pt: Point) -> None:
    with pytest.raises(LayerCRSError) as err:
        ensure_rd(gpd.GeoDataFrame(geometry=[pt]), Warnings())
    assert err.value.hint


def test_clean_geometries_counts_every_repair() -> None:
    bowtie = Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])
    poly3d = Polygon([(0, 0, 1), (5, 0, 1), (5, 5, 1)])
    gdf = gpd.GeoDataFrame(
        {"i": range(5)},
        geometry=[bowtie, poly3d, None, Polygon(), LineString([(0, 0), (1, 1)])],
        crs=RD_NEW,
    )
    w = Warnings()
    out = clean_geometries(gdf, w, family="polygon")
    codes = _codes(w)
    assert codes["repaired_geometry"] == 1
    assert codes["flattened_3d"] == 1
    assert codes["empty_geometry"] == 2
    assert codes["wrong_geometry_type"] == 1
    assert list(out["i"]) == [0, 1]
    assert out.geometry.is_valid.all()
    assert not out.geometry.has_z.any()
    assert len(gdf) == 5  # input untouched


def test_clean_points_from_polygons() -> None:
    gdf = gpd.GeoDataFrame(geometry=[Polygon([(0, 0), (4, 0), (4, 4), (0, 4)]), Point(1, 1)], crs=RD_NEW)
    w = Warnings()
    out = clean_geometries(gdf, w, family="point")
    assert (out.geom_type == "Point").all()
    assert _codes(w)["area_to_point"] == 1


def test_check_file_refuses_empty_and_missing(tmp_path: Path) -> None:
    empty = tmp_path / "leeg.gpkg"
    empty.write_bytes(b"")
    with pytest.raises(LayerFormatError, match="leeg"):
        check_file(empty)
    with pytest.raises(LayerFormatError, match="bestaat niet"):
        check_file(tmp_path / "nope.gpkg")


@pytest.mark.parametrize(
    "payload",
    [
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><x>&lol2;</x>',
    ],
)
def test_xml_with_entities_is_refused(tmp_path: Path, payload: bytes) -> None:
    p = tmp_path / "plan.gml"
    p.write_bytes(payload)
    with pytest.raises(UnsafeInputError):
        check_xml_safe(p)


def test_xml_declaration_hidden_after_first_megabyte_is_found(tmp_path: Path) -> None:
    p = tmp_path / "plan.gml"
    p.write_bytes(b"<?xml version='1.0'?><!--" + b" " * (3 << 20) + b"--><!DOCTYPE x []><x/>")
    with pytest.raises(UnsafeInputError):
        check_xml_safe(p)


def test_zip_with_parent_paths_is_refused(tmp_path: Path) -> None:
    arc = tmp_path / "feed.zip"
    with zipfile.ZipFile(arc, "w") as zf:
        zf.writestr("../../evil.txt", "x")
    with pytest.raises(UnsafeInputError):
        extract_zip_safely(arc, tmp_path / "out")
    assert not (tmp_path.parent / "evil.txt").exists()


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    arc = tmp_path / "bomb.zip"
    with zipfile.ZipFile(arc, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("stops.txt", b"\0" * (64 * 1024**2))
    with pytest.raises(UnsafeInputError, match="zip-bom"):
        extract_zip_safely(arc, tmp_path / "out")


def test_zip_extracts_normal_members(tmp_path: Path) -> None:
    arc = tmp_path / "ok.zip"
    with zipfile.ZipFile(arc, "w") as zf:
        zf.writestr("sub/stops.txt", "stop_id\n1\n")
        zf.writestr("readme.md", "x")
    files = extract_zip_safely(arc, tmp_path / "out", suffixes=(".txt",))
    assert [f.name for f in files] == ["stops.txt"]
    assert files[0].read_text() == "stop_id\n1\n"


def test_random_values_stay_finite_after_conform() -> None:
    rng = np.random.default_rng(1)
    gdf = gpd.GeoDataFrame(
        {"oppervlakte_m2": rng.normal(size=5)},
        geometry=[Point(85_000 + i, 446_000) for i in range(5)],
        crs=RD_NEW,
    )
    out = conform(gdf, LayerKind.ADDRESSES)
    assert out["oppervlakte_m2"].notna().all()


def test_optional_facility_columns_follow_the_canonical_ones_only_when_present() -> None:
    plain = gpd.GeoDataFrame(
        {"facility_id": ["a"], "category": ["park"], "extra": [1]}, geometry=[Point(0, 0)], crs=RD_NEW
    )
    out = conform(plain, LayerKind.FACILITIES)
    assert "outline_wkt" not in out.columns
    assert "group_id" not in out.columns
    area = plain.assign(outline_wkt=["POLYGON ((0 0, 1 0, 1 1, 0 0))"], group_id=[None])
    out = conform(area, LayerKind.FACILITIES)
    names = CANONICAL[LayerKind.FACILITIES].column_names
    # Canonical, then the optional ones in their declared order, then the source's own.
    assert list(out.columns) == [*names, "group_id", "outline_wkt", "extra", "geometry"]
    assert out["outline_wkt"].dtype == "string"
    assert out["group_id"].isna().all()
    optional = [c.name for c in CANONICAL[LayerKind.FACILITIES].optional]
    assert optional == ["group_id", "outline_wkt", "entrances_wkt"]
