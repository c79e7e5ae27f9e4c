"""Schema migrations: a real revision-0001 file upgrades to head, after a backup, losing nothing."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pyogrio
import pytest
import sqlalchemy as sa
from sqlalchemy import select

from projects.errors import ProjectFileError
from projects.models import Opgave, Partner, Plot, Reservation
from projects.store import MIGRATIONS_DIR, ProjectStore, _head_revision

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "projects" / "schema_v1.gpkg"


def _revision(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return str(con.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        con.close()


@pytest.fixture
def old_file(tmp_path: Path) -> Path:
    target = tmp_path / "delft.gpkg"
    shutil.copy2(FIXTURE, target)
    return target


def test_fixture_is_at_revision_0001() -> None:
    assert _revision(FIXTURE) == "0001"
    con = sqlite3.connect(FIXTURE)
    try:
        assert "segment" not in {r[1] for r in con.execute("PRAGMA table_info(reservations)")}
        assert "kadastraal_perceel" not in {r[1] for r in con.execute("PRAGMA table_info(plots)")}
    finally:
        con.close()


def test_open_upgrades_after_backup_and_keeps_data(old_file: Path) -> None:
    with ProjectStore.open(old_file, user="tester") as store:
        with store.session() as s:
            plots = s.scalars(select(Plot).order_by(Plot.fid)).all()
            assert [p.plot_id for p in plots] == ["DFT-001", "DFT-002", "DFT-003"]
            assert plots[0].geom is not None
            assert plots[0].geom.area == pytest.approx(2400)
            assert all(p.kadastraal_perceel is None for p in plots)
            res = s.scalars(select(Reservation).order_by(Reservation.fid)).all()
            assert [(r.category, r.capacity_min, r.capacity_max, r.status) for r in res] == [
                ("nultreden", 30, 45, "kansrijk"),
                ("geclusterd", 20, 28, "gereserveerd"),
                ("zorggeschikt", 40, 60, "voorgedragen"),
            ]
            assert s.scalar(select(sa.func.sum(Opgave.target_homes))) == 650
            assert s.scalars(select(Partner)).one().name == "Woonbron"
            # the new columns exist and can be written
            res[0].segment = "sociale huur"
            plots[0].kadastraal_perceel = "DFT01 K 1234"
            assert all(r.year_split is None for r in res)  # 0005: an even spread, as before
            assert all(p.keep_buildings is None for p in plots)
            res[1].year_split = "2027:1, 2028:3"
            plots[1].keep_buildings = True
        project = store.project()
        assert (project.name, project.uid) == ("Delft schema v1", "fixture-schema-v1")
    assert _revision(old_file) == _head_revision()
    backups = sorted(old_file.parent.glob("delft.backup-0001-*.gpkg"))
    assert len(backups) == 1
    assert _revision(backups[0]) == "0001"  # the backup is the untouched old file
    assert sqlite3.connect(backups[0]).execute("PRAGMA quick_check").fetchone()[0] == "ok"
    # GDAL sees the new columns, with the data
    reservations = pyogrio.read_dataframe(old_file, layer="reservations")
    assert next(iter(reservations["segment"])) == "sociale huur"
    assert list(reservations["year_split"])[1] == "2027:1, 2028:3"
    assert "keep_buildings" in list(pyogrio.read_info(old_file, layer="plots")["fields"])
    assert "kadastraal_perceel" in list(pyogrio.read_info(old_file, layer="plots")["fields"])
    assert len(pyogrio.read_dataframe(old_file, layer="audit_log")) >= 3
    # 0004: the old file's feature tables got the GeoPackage R-tree, filled with their rows
    con = sqlite3.connect(old_file)
    try:
        indexed = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index'"
            )
        }
        assert {"plots", "reservations"} <= indexed
        assert con.execute("SELECT count(*) FROM rtree_plots_geom").fetchone()[0] == 3
    finally:
        con.close()
    assert pyogrio.read_info(old_file, layer="plots")["capabilities"]["fast_spatial_filter"]
    # opening again neither upgrades nor backs up
    ProjectStore.open(old_file).close()
    assert len(list(old_file.parent.glob("delft.backup-*.gpkg"))) == 1


def test_open_without_upgrade_refuses_old_file(old_file: Path) -> None:
    with pytest.raises(ProjectFileError, match="ouder schema"):
        ProjectStore.open(old_file, upgrade=False)
    assert _revision(old_file) == "0001"
    assert list(old_file.parent.glob("*.backup-*")) == []


def test_new_files_are_created_at_head(tmp_path: Path) -> None:
    ProjectStore.create(tmp_path / "nieuw.gpkg", name="Nieuw").close()
    assert _revision(tmp_path / "nieuw.gpkg") == _head_revision() == "0006"


def test_migrations_ship_with_the_package() -> None:
    assert (MIGRATIONS_DIR / "env.py").is_file()
    assert (MIGRATIONS_DIR / "__init__.py").is_file()
    assert (MIGRATIONS_DIR / "versions" / "__init__.py").is_file()
    assert sorted(p.name for p in (MIGRATIONS_DIR / "versions").glob("0*.py")) == [
        "0001_initial.py",
        "0002_segment_perceel.py",
        "0003_plot_comments.py",
        "0004_rtree.py",
        "0005_split_keep_buildings.py",
        "0006_region.py",
    ]
