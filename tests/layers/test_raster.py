"""Raster loader: the real AHN3 DSM and tiny generated GeoTIFFs for the CRS rule."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.transform import Affine

from layers import raster
from layers.errors import LayerCRSError, LayerFormatError
from layers.registry import detect, load_path, probe
from layers.result import Warnings


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_tif(
    path: Path,
    *,
    origin: tuple[float, float],
    pixel: float,
    crs: str | None,
    nodata: float | None = -9999.0,
    data: np.ndarray | None = None,
) -> Path:
    arr = np.arange(12, dtype="float32").reshape(3, 4) if data is None else data
    profile: dict[str, object] = {
        "driver": "GTiff",
        "width": arr.shape[1],
        "height": arr.shape[0],
        "count": 1,
        "dtype": str(arr.dtype),
        "transform": Affine(pixel, 0.0, origin[0], 0.0, -pixel, origin[1]),
    }
    if crs is not None:
        profile["crs"] = crs
    if nodata is not None:
        profile["nodata"] = nodata
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(arr, 1)
    return path


def codes(res: object) -> set[str]:
    return {w.code for w in res.warnings}  # type: ignore[attr-defined]


def test_real_ahn3_dsm(shared_data: Callable[[str], Path]) -> None:
    tif = shared_data("delft/ahn3/DERIVED_ahn3_dsm_1m.tif")
    before = sha256(tif)
    assert detect(probe(tif)).id == "raster"
    [res] = load_path(tif)
    assert sha256(tif) == before
    assert res.warnings == ()
    row = res.frame.iloc[0]
    assert len(res.frame) == 1
    assert (row["width"], row["height"], row["band_count"]) == (265, 230, 1)
    assert row["res_m"] == 1.0
    assert row["dtype"] == "float32"
    assert row["nodata"] == -9999.0
    assert row["min"] == pytest.approx(-0.532, abs=1e-3)
    assert row["max"] == pytest.approx(26.329, abs=1e-3)
    assert res.frame.crs == "EPSG:28992"
    assert res.frame.total_bounds.tolist() == [84808.0, 447412.0, 85073.0, 447642.0]
    assert res.frame.geometry.iloc[0].area == 265 * 230
    assert res.meta["needs_reprojection"] is False
    info = raster.open_raster(tif)
    assert info == res.meta["info"]
    assert info.crs == "EPSG:28992"
    assert not info.crs_assumed


def test_no_crs_in_rd_range_is_assumed_with_warning(tmp_path: Path) -> None:
    tif = write_tif(tmp_path / "nocrs_rd.tif", origin=(85_000, 447_000), pixel=0.5, crs=None)
    w = Warnings()
    info = raster.open_raster(tif, w)
    assert info.crs == "EPSG:28992"
    assert info.crs_assumed is True
    assert [x.code for x in w] == ["crs_assumed_rd"]
    assert info.bounds == (85_000.0, 446_998.5, 85_002.0, 447_000.0)
    assert (info.min, info.max) == (0.0, 11.0)
    assert info.res_m == 0.5
    [res] = raster.load(tif)
    assert res.frame.total_bounds.tolist() == [85_000.0, 446_998.5, 85_002.0, 447_000.0]
    assert bool(res.frame["crs_assumed"].iloc[0]) is True


def test_no_crs_in_lonlat_range_is_refused(tmp_path: Path) -> None:
    tif = write_tif(tmp_path / "nocrs_lonlat.tif", origin=(4.35, 52.0), pixel=0.001, crs=None)
    with pytest.raises(LayerCRSError) as info:
        raster.load(tif)
    assert "coördinatenstelsel" in info.value.message
    assert "EPSG:28992" in info.value.hint


def test_other_crs_is_kept_and_flagged(tmp_path: Path) -> None:
    tif = write_tif(tmp_path / "wgs84.tif", origin=(4.35, 52.0), pixel=0.001, crs="EPSG:4326")
    [res] = raster.load(tif)
    assert "raster_not_rd" in codes(res)
    assert res.meta["crs"] == "EPSG:4326"
    assert res.meta["needs_reprojection"] is True
    assert res.meta["bounds"] == pytest.approx((4.35, 51.997, 4.354, 52.0))
    xmin, ymin, xmax, ymax = res.frame.total_bounds  # footprint reprojected to RD New
    assert 83_000 < xmin < xmax < 84_500
    assert 445_500 < ymin < ymax < 446_500


def test_missing_nodata_and_all_nodata(tmp_path: Path) -> None:
    tif = write_tif(
        tmp_path / "nonodata.tif", origin=(85_000, 447_000), pixel=1, crs="EPSG:28992", nodata=None
    )
    [res] = raster.load(tif)
    assert codes(res) == {"raster_no_nodata"}
    assert res.frame["nodata"].isna().all()
    empty = write_tif(
        tmp_path / "empty.tif",
        origin=(85_000, 447_000),
        pixel=1,
        crs="EPSG:28992",
        data=np.full((3, 4), -9999.0, dtype="float32"),
    )
    info = raster.open_raster(empty)
    assert (info.min, info.max) == (None, None)


def test_random_bytes_are_a_format_error(tmp_path: Path) -> None:
    tif = tmp_path / "kapot.tif"
    tif.write_bytes(os.urandom(2048))
    with pytest.raises(LayerFormatError) as info:
        load_path(tif)
    assert info.value.hint
    with pytest.raises(LayerFormatError):
        raster.open_raster(tmp_path / "bestaat_niet.tif")
