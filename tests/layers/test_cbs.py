"""CBS loader: column name generations, secrecy sentinels, derived 65+ and the real Delft files."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from layers import cbs
from layers.canonical import CANONICAL, LayerKind
from layers.errors import LayerSchemaError
from layers.registry import detect, probe


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def squares(n: int, *, x0: float = 85_000, y0: float = 446_000, size: float = 100) -> list[object]:
    return [box(x0 + i * size, y0, x0 + (i + 1) * size, y0 + size) for i in range(n)]


def warning_counts(res: object) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for w in res.warnings:  # type: ignore[attr-defined]
        out.setdefault(w.code, []).append(w.count)
    return out


@pytest.fixture
def kwb_gpkg(tmp_path: Path) -> Path:
    """A wijk- en buurtkaart look-alike: three layers, current long column names, sentinels."""
    path = tmp_path / "wijkenbuurten_2023_v1.gpkg"
    gem = gpd.GeoDataFrame(
        {"gemeentecode": ["GM0503"], "gemeentenaam": ["Delft"]}, geometry=squares(1, size=400), crs=28992
    )
    gem.to_file(path, layer="gemeenten", driver="GPKG")
    buurten = gpd.GeoDataFrame(
        {
            "buurtcode": ["BU05030001", "BU05030002", "BU05030003", "BU05030004"],
            "buurtnaam": ["Centrum", "Noord", "Zuid", "Oost"],
            "wijkcode": ["WK050300"] * 4,
            "gemeentecode": ["GM0503"] * 4,
            "water": ["NEE"] * 4,
            "aantal_inwoners": [1000, 50, -99995, 0],
            "percentage_personen_65_jaar_en_ouder": [20.0, -99997.0, 30.0, 0.0],
            "gemiddelde_huishoudsgrootte": [1.8, -99997.0, 2.1, -99999999.0],
        },
        geometry=squares(4),
        crs=28992,
    )
    buurten.to_file(path, layer="buurten", driver="GPKG")
    return path


def test_current_names_sentinels_and_derived_65_plus(kwb_gpkg: Path) -> None:
    before = sha256(kwb_gpkg)
    [res] = cbs.load(kwb_gpkg)
    assert sha256(kwb_gpkg) == before
    assert res.layer == "buurten"
    assert res.meta["other_layers"] == ["gemeenten"]
    f = res.frame
    assert list(f.columns[:7]) == CANONICAL[LayerKind.NEIGHBOURHOODS].column_names
    assert f["code"].tolist() == ["BU05030001", "BU05030002", "BU05030003", "BU05030004"]
    assert f["name"].tolist() == ["Centrum", "Noord", "Zuid", "Oost"]
    # Sentinels are NULL, never 0; a real 0 stays 0.
    assert f["inwoners"].tolist() == [1000, 50, pd.NA, 0]
    assert f["pct_65_plus"].tolist() == [20.0, pd.NA, 30.0, 0.0]
    assert f["gemiddelde_huishoudsgrootte"].tolist() == [1.8, pd.NA, 2.1, pd.NA]
    # 65+ = inwoners x pct / 100, NULL when either is unknown.
    assert f["inwoners_65_plus"].tolist() == [200.0, pd.NA, pd.NA, 0.0]
    assert f["inwoners_75_plus"].isna().all()
    assert res.meta["derived"] == ["inwoners_65_plus"]
    # Extra CBS columns are kept after the canonical ones.
    assert {"wijkcode", "gemeentecode", "water"} <= set(f.columns)
    counts = warning_counts(res)
    assert sorted(counts["cbs_secret_values"]) == [1, 1, 2]
    assert counts["cbs_65_plus_from_pct"] == [2]
    assert "cbs_no_code" not in counts


def test_old_short_names_in_lonlat_geojson(tmp_path: Path) -> None:
    path = tmp_path / "buurt_2018.geojson"
    frame = gpd.GeoDataFrame(
        {
            "BU_CODE": ["BU05030101", "BU05030102"],
            "BU_NAAM": ["Wippolder-Noord", "Wippolder-Zuid"],
            "GM_CODE": ["GM0503", "GM0503"],
            "AANT_INW": [2000, -99999999],
            "P_65_EO_JR": [15, 10],
            "GEM_HH_GR": [1.7, 1.9],
        },
        geometry=squares(2, x0=85_000, y0=446_000, size=200),
        crs=28992,
    ).to_crs(4326)
    frame.to_file(path, driver="GeoJSON")
    [res] = cbs.load(path)
    f = res.frame
    assert f.crs == "EPSG:28992"
    assert f["code"].tolist() == ["BU05030101", "BU05030102"]
    assert f["inwoners"].tolist() == [2000, pd.NA]
    assert f["inwoners_65_plus"].tolist() == [300.0, pd.NA]
    assert f["gemiddelde_huishoudsgrootte"].tolist() == [1.7, 1.9]
    assert f.total_bounds[0] == pytest.approx(85_000, abs=1)
    assert "reprojected_lonlat" in warning_counts(res)
    assert res.meta["columns"]["code"] == "BU_CODE"


def test_grid_counts_give_percentage(tmp_path: Path) -> None:
    path = tmp_path / "cbs_vk100_2022.gpkg"
    gpd.GeoDataFrame(
        {
            "crs28992res100m": ["E0850N4460", "E0851N4460", "E0852N4460"],
            "aantal_inwoners": [40, 25, 5],
            "aantal_inwoners_65_jaar_en_ouder": [10, -99997, 0],
        },
        geometry=squares(3),
        crs=28992,
    ).to_file(path, layer="vierkant_100m", driver="GPKG")
    [res] = cbs.load(path)
    f = res.frame
    assert f["code"].tolist() == ["E0850N4460", "E0851N4460", "E0852N4460"]
    assert f["inwoners_65_plus"].tolist() == [10.0, pd.NA, 0.0]
    assert f["pct_65_plus"].tolist() == [25.0, pd.NA, 0.0]
    assert res.meta["derived"] == ["pct_65_plus"]
    assert detect(probe(path)).id == "cbs"


def test_file_without_cbs_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kavels.gpkg"
    gpd.GeoDataFrame({"naam": ["a"]}, geometry=squares(1), crs=28992).to_file(path, driver="GPKG")
    with pytest.raises(LayerSchemaError) as info:
        cbs.load(path)
    assert "CBS" in info.value.message
    assert info.value.hint


def test_real_wfs_gml(shared_data: Callable[[str], Path]) -> None:
    gml = shared_data("delft/cbs/cbs_buurten_2021_gem_huishoudgrootte_wfs.gml")
    before = sha256(gml)
    pr = probe(gml)
    assert detect(pr).id == "cbs"
    [res] = cbs.load(gml)
    assert sha256(gml) == before
    assert sorted(p.name for p in gml.parent.iterdir()) == [gml.name]  # no .gfs written
    f = res.frame
    assert len(f) == 128
    assert f.crs == "EPSG:28992"
    assert set(f.geom_type) == {"Polygon", "MultiPolygon"}
    assert int(f["gemiddelde_huishoudsgrootte"].isna().sum()) == 5
    assert (f["gemiddelde_huishoudsgrootte"].dropna() > 0).all()
    assert "lowerCorner" not in f.columns
    counts = warning_counts(res)
    assert counts["cbs_secret_values"] == [5]
    assert counts["cbs_no_code"] == [128]
    assert "reprojected" in counts  # EPSG:3857 as served by PDOK
    # Same values as the derived GPKG that was made from this GML.
    gpkg = shared_data("delft/cbs/DERIVED_cbs_buurten_2021_gem_huishoudgrootte.gpkg")
    [ref] = cbs.load(gpkg)
    merged = f[["gml_id", "gemiddelde_huishoudsgrootte"]].merge(
        ref.frame[["gml_id", "gemiddelde_huishoudsgrootte"]], on="gml_id", suffixes=("", "_ref")
    )
    assert len(merged) == 128
    pd.testing.assert_series_equal(
        merged["gemiddelde_huishoudsgrootte"], merged["gemiddelde_huishoudsgrootte_ref"], check_names=False
    )


def test_real_derived_gpkg(shared_data: Callable[[str], Path]) -> None:
    gpkg = shared_data("delft/cbs/DERIVED_cbs_buurten_2021_gem_huishoudgrootte.gpkg")
    before = sha256(gpkg)
    assert detect(probe(gpkg)).id == "cbs"
    [res] = cbs.load(gpkg)
    assert sha256(gpkg) == before
    f = res.frame
    assert len(f) == 128
    assert int(f["gemiddelde_huishoudsgrootte"].isna().sum()) == 5
    delft = f[f["in_gemeente_delft"]]
    assert len(delft) == 90
    tu = delft.loc[delft["bu_naam_2023_delft"] == "TU-Campus", "gemiddelde_huishoudsgrootte"]
    assert tu.tolist() == [1.1]


def test_real_buurten_2023_geojson(shared_data: Callable[[str], Path]) -> None:
    path = shared_data("delft/cbs/delft_buurten_2023.geojson")
    before = sha256(path)
    assert detect(probe(path)).id == "cbs"
    [res] = cbs.load(path)
    assert sha256(path) == before
    f = res.frame
    assert len(f) == 91
    assert f["name"].notna().all()
    assert {"TU-Campus", "Wippolder-Zuid", "Professorenbuurt"} <= set(f["name"])
    assert f["code"].isna().all()
    assert f["inwoners"].isna().all()
    assert f.total_bounds == pytest.approx([81743.0, 442446.2, 87703.8, 449848.0], abs=0.5)
