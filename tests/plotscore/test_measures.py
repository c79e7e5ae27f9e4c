"""Raster means on a tiny generated GeoTIFF, and area-weighted demand on hand-made squares."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from hypothesis import given, settings
from hypothesis import strategies as st
from rasterio.transform import Affine
from shapely.geometry import Point, box

from plotscore.errors import CRSMismatchError, ScoringError
from plotscore.measures import older_residents_table, older_residents_within, raster_mean

RD = "EPSG:28992"
X0, Y0 = 85_000.0, 445_000.0
DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "delft_demo.gpkg"
NODATA = -9999.0

# A 4×4 raster of 10 m cells, upper-left corner at (X0, Y0 + 40); row 0 is the northern row.
#   row 0:  1  2  3  4
#   row 1:  5  6  7  8
#   row 2:  9 10 nd 12
#   row 3: 13 14 15 16
VALUES = np.arange(1, 17, dtype=np.float32).reshape(4, 4)
VALUES[2, 2] = NODATA


def sq(x: float, y: float, w: float, h: float | None = None) -> object:
    return box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + (w if h is None else h))


def plots_of(*geoms: object) -> gpd.GeoDataFrame:
    ids = [f"p{i}" for i in range(len(geoms))]
    return gpd.GeoDataFrame({"plot_id": ids}, geometry=list(geoms), crs=RD, index=ids)


def write_tif(path: Path, crs: str | None = RD, origin: tuple[float, float] = (X0, Y0 + 40)) -> Path:
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=4,
        height=4,
        count=1,
        dtype="float32",
        crs=crs,
        transform=Affine(10.0, 0.0, origin[0], 0.0, -10.0, origin[1]),
        nodata=NODATA,
    ) as dst:
        dst.write(VALUES, 1)
    return path


@pytest.fixture
def tif(tmp_path: Path) -> Path:
    return write_tif(tmp_path / "r.tif")


# --------------------------------------------------------------------------- raster


def test_raster_mean_exact_values(tif: Path) -> None:
    plots = plots_of(
        sq(0, 20, 20),  # rows 0–1, cols 0–1: (1 + 2 + 5 + 6) / 4
        sq(0, 0, 40),  # whole raster minus the nodata cell: (136 - 11) / 15
        sq(20, 0, 20),  # rows 2–3, cols 2–3: nodata ignored → (12 + 15 + 16) / 3
        sq(500, 500, 20),  # outside the raster
        Point(X0 + 35, Y0 + 35),  # in the cell with value 4
        Point(X0 + 25, Y0 + 15),  # in the nodata cell
    )
    out = raster_mean(plots, tif, name="raster_hitte")
    assert out.name == "raster_hitte"
    assert out.index.equals(plots.index)
    assert out.iloc[0] == pytest.approx(3.5)
    assert out.iloc[1] == pytest.approx(125 / 15)
    assert out.iloc[2] == pytest.approx(43 / 3)
    assert np.isnan(out.iloc[3])
    assert out.iloc[4] == 4.0
    assert np.isnan(out.iloc[5])


def test_polygon_smaller_than_a_cell_gets_its_cell(tif: Path) -> None:
    out = raster_mean(plots_of(sq(31, 31, 3)), tif)  # inside the cell with value 4, no centre inside
    assert out.iloc[0] == 4.0


def test_partly_outside_plot_averages_the_cells_inside(tif: Path) -> None:
    out = raster_mean(plots_of(sq(20, 20, 40)), tif)  # rows 0–1, cols 2–3 inside the raster
    assert out.iloc[0] == pytest.approx((3 + 4 + 7 + 8) / 4)


def test_large_raster_path_reads_windows(tif: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import plotscore.measures as measures

    monkeypatch.setattr(measures, "_IN_MEMORY_CELLS", 1)
    out = raster_mean(plots_of(sq(0, 20, 20), sq(20, 0, 20), Point(X0 + 35, Y0 + 35)), tif)
    assert out.tolist() == pytest.approx([3.5, 43 / 3, 4.0])


def test_raster_in_lonlat_is_refused(tmp_path: Path) -> None:
    path = write_tif(tmp_path / "wgs.tif", crs="EPSG:4326", origin=(4.35, 52.0))
    with pytest.raises(CRSMismatchError) as err:
        raster_mean(plots_of(sq(0, 0, 10)), path)
    assert "EPSG:28992" in err.value.message
    assert "gdalwarp" in err.value.hint


def test_raster_without_crs_in_rd_range_is_accepted(tmp_path: Path) -> None:
    path = write_tif(tmp_path / "nocrs.tif", crs=None)
    assert raster_mean(plots_of(sq(0, 20, 20)), path).iloc[0] == pytest.approx(3.5)


def test_missing_raster_and_band(tif: Path, tmp_path: Path) -> None:
    with pytest.raises(ScoringError):
        raster_mean(plots_of(sq(0, 0, 10)), tmp_path / "nope.tif")
    with pytest.raises(ScoringError):
        raster_mean(plots_of(sq(0, 0, 10)), tif, band=2)


def test_raster_progress_is_reported_and_not_swallowed(tif: Path) -> None:
    calls: list[float] = []

    def progress(fraction: float, text: str) -> None:
        calls.append(fraction)

    raster_mean(plots_of(sq(0, 0, 20), sq(20, 20, 20)), tif, progress=progress)
    assert calls[-1] == 1.0

    class Cancelled(Exception):
        pass

    def cancel(fraction: float, text: str) -> None:
        raise Cancelled

    with pytest.raises(Cancelled):
        raster_mean(plots_of(sq(0, 0, 20)), tif, progress=cancel)


# --------------------------------------------------------------------------- demand


@pytest.fixture
def two_buurten() -> gpd.GeoDataFrame:
    # Two 100×100 buurten side by side: 100 and 200 older residents.
    return gpd.GeoDataFrame(
        {"code": ["BU1", "BU2"], "inwoners_65_plus": [100.0, 200.0]},
        geometry=[sq(0, 0, 100), sq(100, 0, 100)],
        crs=RD,
    )


def test_demand_is_area_weighted_exactly(two_buurten: gpd.GeoDataFrame) -> None:
    # Radius 0: the plot itself. x 50–150 takes half of each buurt → 50 + 100.
    # x 0–50 → 50; x 150–250: half of BU2 (100) and half outside the data.
    plots = plots_of(sq(50, 0, 100), sq(0, 0, 50, 100), sq(150, 0, 100))
    table = older_residents_table(plots, two_buurten, radius_m=0)
    assert table.index.equals(plots.index)
    assert table["older_residents"].tolist() == pytest.approx([150.0, 50.0, 100.0])
    assert table["demand_coverage_share"].tolist() == pytest.approx([1.0, 1.0, 0.5])


def test_buffer_covering_both_buurten_counts_everyone(two_buurten: gpd.GeoDataFrame) -> None:
    out = older_residents_within(plots_of(Point(X0 + 100, Y0 + 50)), two_buurten, radius_m=500)
    assert out.iloc[0] == pytest.approx(300.0)
    assert out.name == "inwoners_65_plus_within_500m"
    assert out.attrs["note"] == ""


def test_missing_counts_contribute_nothing_but_are_reported(two_buurten: gpd.GeoDataFrame) -> None:
    buurten = two_buurten.copy()
    buurten.loc[1, "inwoners_65_plus"] = np.nan
    plots = plots_of(sq(50, 0, 100), sq(150, 0, 40))
    out = older_residents_within(plots, buurten, radius_m=0)
    assert out.iloc[0] == pytest.approx(50.0)
    assert np.isnan(out.iloc[1])  # only a buurt without a figure in reach: unknown, not 0
    assert "1 van de 2 buurten/vakken" in out.attrs["note"]
    assert out.attrs["coverage_share"] == pytest.approx([0.5, 0.0])
    assert two_buurten.loc[1, "inwoners_65_plus"] == 200.0  # input untouched


def test_count_is_derived_from_inwoners_and_percentage() -> None:
    buurten = gpd.GeoDataFrame(
        {"inwoners": [1000.0, 400.0], "pct_65_plus": [20.0, -99997.0]},  # a CBS secrecy code
        geometry=[sq(0, 0, 100), sq(100, 0, 100)],
        crs=RD,
    )
    table = older_residents_table(plots_of(sq(0, 0, 200, 100)), buurten, radius_m=0)
    assert table["older_residents"].iloc[0] == pytest.approx(200.0)
    assert table["demand_coverage_share"].iloc[0] == pytest.approx(0.5)


def test_cbs_grid_cells_work_the_same(two_buurten: gpd.GeoDataFrame) -> None:
    # Four 100 m cells with counts; a plot over the centre takes a quarter of each.
    cells = gpd.GeoDataFrame(
        {"aantal_inwoners_65_jaar_en_ouder": [10.0, 20.0, 30.0, 40.0]},
        geometry=[sq(0, 0, 100), sq(100, 0, 100), sq(0, 100, 100), sq(100, 100, 100)],
        crs=RD,
    )
    out = older_residents_within(
        plots_of(sq(50, 50, 100)), cells, radius_m=0, column="aantal_inwoners_65_jaar_en_ouder"
    )
    assert out.iloc[0] == pytest.approx(25.0)


def test_demand_without_any_count_column_is_refused(two_buurten: gpd.GeoDataFrame) -> None:
    with pytest.raises(ScoringError):
        older_residents_within(plots_of(sq(0, 0, 10)), two_buurten.drop(columns="inwoners_65_plus"))


def test_demo_has_no_age_figures_and_says_so() -> None:
    plots = gpd.read_file(DEMO, layer="plots")
    buurten = gpd.read_file(DEMO, layer="neighbourhoods")
    out = older_residents_within(plots, buurten)
    assert out.index.equals(plots.index)
    assert out.isna().all()
    assert "geen aantal" in out.attrs["note"]


@settings(max_examples=40, deadline=None)
@given(
    x=st.floats(-100, 250, allow_nan=False),
    y=st.floats(-100, 150, allow_nan=False),
    r=st.floats(0, 300, allow_nan=False),
)
def test_demand_never_exceeds_the_total(x: float, y: float, r: float) -> None:
    buurten = gpd.GeoDataFrame(
        {"inwoners_65_plus": [100.0, 200.0]}, geometry=[sq(0, 0, 100), sq(100, 0, 100)], crs=RD
    )
    table = older_residents_table(plots_of(sq(x, y, 20)), buurten, radius_m=r)
    value = table["older_residents"].iloc[0]
    coverage = table["demand_coverage_share"].iloc[0]
    assert np.isnan(value) or 0.0 <= value <= 300.0 + 1e-6
    assert 0.0 <= coverage <= 1.0
