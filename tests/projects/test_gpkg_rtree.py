"""The project file and the GIS export are GeoPackages GIS tools open as one of their own.

Every geometry table carries the standard R-tree spatial index (``gpkg_rtree_index`` with the
triggers that keep it current) and a correct extent in ``gpkg_contents``. GDAL (pyogrio) is the
independent reader: a bounding-box query answers the same rows with the index as without it, and
as a brute-force shapely filter over the whole table.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely

from projects.demo import create_demo_project
from projects.gis import write_gis_package
from projects.plots import add_plot, delete_plot
from projects.reservations import reserve
from projects.store import ProjectStore


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("rtree")
    path = folder / "p.gpkg"
    store = create_demo_project(path)
    try:
        reserve(store, "DLF-010", "geclusterd", 20, 30, status="gereserveerd")
        package = write_gis_package(store, folder / "gis.gpkg")
    finally:
        store.close()
    return path, package


def _geometry_tables(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as con:
        return [
            (str(t), str(c))
            for t, c in con.execute("SELECT table_name, column_name FROM gpkg_geometry_columns")
        ]


def _drop_index(path: Path, table: str, column: str) -> None:
    """A copy without the R-tree: what a GeoPackage writer that skips the extension produces."""
    con = sqlite3.connect(path)
    try:
        with con:
            for (name,) in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?",
                (f"rtree_{table}_{column}_%",),
            ).fetchall():
                con.execute(f'DROP TRIGGER "{name}"')
            con.execute(f'DROP TABLE "rtree_{table}_{column}"')
            con.execute(
                "DELETE FROM gpkg_extensions WHERE table_name = ? AND extension_name = 'gpkg_rtree_index'",
                (table,),
            )
    finally:
        con.close()


def _check_file(path: Path, tmp_path: Path) -> None:
    tables = _geometry_tables(path)
    assert tables
    with sqlite3.connect(path) as con:
        indexed = {
            (str(t), str(c))
            for t, c in con.execute(
                "SELECT table_name, column_name FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index'"
            )
        }
    assert set(tables) <= indexed
    for table, column in tables:
        info = pyogrio.read_info(path, layer=table)
        assert info["capabilities"]["fast_spatial_filter"], table
        full = pyogrio.read_dataframe(path, layer=table)
        if full.empty:
            continue
        # gpkg_contents carries the table's true extent
        with sqlite3.connect(path) as con:
            extent = con.execute(
                "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?", (table,)
            ).fetchone()
            n_index = con.execute(f'SELECT count(*) FROM "rtree_{table}_{column}"').fetchone()[0]
        assert n_index == int((full.geometry.notna() & ~full.geometry.is_empty).sum()), table
        np.testing.assert_allclose(extent, full.total_bounds, atol=1e-6)
        # a window over the middle of the layer
        x0, y0, x1, y1 = full.total_bounds
        box = (x0 + (x1 - x0) * 0.3, y0 + (y1 - y0) * 0.3, x0 + (x1 - x0) * 0.6, y0 + (y1 - y0) * 0.6)
        with_index = pyogrio.read_dataframe(path, layer=table, bbox=box, fid_as_index=True)
        brute = full.index[full.geometry.intersects(shapely.box(*box))]
        bare = tmp_path / f"{path.stem}-{table}-zonder-index.gpkg"
        shutil.copy(path, bare)
        _drop_index(bare, table, column)
        assert not pyogrio.read_info(bare, layer=table)["capabilities"]["fast_spatial_filter"]
        without_index = pyogrio.read_dataframe(bare, layer=table, bbox=box, fid_as_index=True)
        assert sorted(with_index.index) == sorted(without_index.index), table
        # GDAL's bbox filter is by envelope: it may return more than the exact intersection
        assert len(with_index) >= len(brute), table
        fids = pyogrio.read_dataframe(path, layer=table, fid_as_index=True).index
        exact = set(fids[full.geometry.intersects(shapely.box(*box)).to_numpy()])
        assert exact <= set(with_index.index), table


def test_project_file_has_an_rtree_on_every_geometry_table(
    project: tuple[Path, Path], tmp_path: Path
) -> None:
    path, _ = project
    names = {t for t, _ in _geometry_tables(path)}
    assert {"plots", "reservations"} <= names
    assert any(n.startswith("lyr_buildings") for n in names)
    _check_file(path, tmp_path)


def test_gis_export_has_an_rtree_on_every_geometry_table(project: tuple[Path, Path], tmp_path: Path) -> None:
    _, package = project
    names = {t for t, _ in _geometry_tables(package)}
    assert {"plots", "reservations"} <= names
    _check_file(package, tmp_path)


def test_the_triggers_keep_the_index_current(tmp_path: Path) -> None:
    path = tmp_path / "p.gpkg"
    store = create_demo_project(path)
    try:

        def index_count() -> int:
            with sqlite3.connect(path) as con:
                return int(con.execute("SELECT count(*) FROM rtree_plots_geom").fetchone()[0])

        before = index_count()
        far = shapely.box(90_000, 440_000, 90_050, 440_050)  # away from the demo
        add_plot(store, "EIGEN-001", far, name="ver weg")
        assert index_count() == before + 1
        found = pyogrio.read_dataframe(path, layer="plots", bbox=(89_990, 439_990, 90_060, 440_060))
        assert found["plot_id"].tolist() == ["EIGEN-001"]
        delete_plot(store, "EIGEN-001")
        assert index_count() == before
        assert pyogrio.read_dataframe(path, layer="plots", bbox=(89_990, 439_990, 90_060, 440_060)).empty
    finally:
        store.close()
    # the file is still a project we open
    ProjectStore.open(path).close()
