"""The file store: a valid GeoPackage, atomic layer imports, the audit log, conflicts, open checks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
import sqlalchemy as sa
from sqlalchemy import select

from projects import gpkg
from projects.errors import ConflictError, InputsError, ProjectFileError, StorageError
from projects.models import AuditEntry, LayerSource, Plot, Reservation
from projects.store import ProjectStore, redact_url
from tests.projects.conftest import buildings_frame


def _sql(path: Path, query: str) -> list[tuple[object, ...]]:
    con = sqlite3.connect(path)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def test_new_project_is_a_geopackage_gdal_reads(file_project: ProjectStore) -> None:
    path = Path(file_project.target_label)
    assert _sql(path, "PRAGMA application_id")[0][0] == gpkg.APPLICATION_ID
    assert _sql(path, "PRAGMA user_version")[0][0] == gpkg.USER_VERSION
    assert _sql(path, "PRAGMA journal_mode")[0][0] == "delete"
    srs = {r[0] for r in _sql(path, "SELECT srs_id FROM gpkg_spatial_ref_sys")}
    assert {-1, 0, 4326, 28992} <= srs
    layers = dict(pyogrio.list_layers(path))
    assert layers["plots"] == "Unknown"  # GEOMETRY: any geometry type
    assert layers["reservations"] == "Unknown"
    assert layers["opgave"] is None  # attribute table
    res = pyogrio.read_dataframe(path, layer="reservations")
    assert res.crs.to_epsg() == 28992
    assert list(res["plot_id"]) == ["P1", "P2", "P3"]
    assert list(res["segment"]) == ["sociale huur"] * 3
    assert res.geometry.area.round().tolist() == [2000.0] * 3
    info = pyogrio.read_info(path, layer="plots")
    assert info["crs"] == "EPSG:28992"
    assert info["geometry_name"] == "geom"
    assert info["fid_column"] == "fid"
    assert "kadastraal_perceel" in list(info["fields"])
    assert info["total_bounds"] == pytest.approx((84000, 446000, 84250, 446040))
    assert pyogrio.read_dataframe(path, layer="audit_log").shape[0] > 0


def test_create_refuses_existing_and_wrong_suffix(tmp_path: Path) -> None:
    ProjectStore.create(tmp_path / "a.gpkg", name="A").close()
    with pytest.raises(ProjectFileError, match="bestaat al"):
        ProjectStore.create(tmp_path / "a.gpkg", name="A")
    with pytest.raises(ProjectFileError, match=r"\.gpkg"):
        ProjectStore.create(tmp_path / "a.sqlite", name="A")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.gpkg"]  # no temp files left


def test_layer_round_trip_keeps_canonical_dtypes(file_project: ProjectStore) -> None:
    frame = buildings_frame(50)
    before = frame.copy()
    source = file_project.add_layer(
        frame,
        kind="buildings",
        label="BAG panden",
        original_path="/data/bag.gpkg",
        data_date="2025-01-01",
        warnings=["3 panden zonder bouwjaar"],
        meta={"rows_read": 50},
    )
    pd.testing.assert_frame_equal(frame, before)  # input not mutated
    assert source.table_name == "lyr_buildings_1"
    assert source.feature_count == 50
    back = file_project.read_layer(source.table_name)
    assert back.crs.to_epsg() == 28992
    assert back.dtypes.to_dict() == frame.dtypes.to_dict()
    assert back["bouwjaar"].isna().sum() == frame["bouwjaar"].isna().sum()
    pd.testing.assert_frame_equal(
        pd.DataFrame(back.drop(columns="geometry")), pd.DataFrame(frame.drop(columns="geometry"))
    )
    assert back.geometry.geom_equals_exact(frame.geometry, tolerance=0).all()
    assert file_project.project().data_dates == {"buildings": "2025-01-01"}
    # GDAL sees the layer with its columns and extent
    path = Path(file_project.target_label)
    gdal = pyogrio.read_dataframe(path, layer="lyr_buildings_1")
    assert len(gdal) == 50
    assert "bouwjaar" in gdal.columns
    extent = _sql(
        path, "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = 'lyr_buildings_1'"
    )[0]
    assert extent == pytest.approx(tuple(frame.total_bounds))
    second = file_project.add_layer(frame.iloc[:3], kind="buildings", label="nog een")
    assert second.table_name == "lyr_buildings_2"
    assert [ls.table_name for ls in file_project.layers("buildings")] == [
        "lyr_buildings_1",
        "lyr_buildings_2",
    ]


def test_failed_import_leaves_nothing_behind(
    file_project: ProjectStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = Path(file_project.target_label)
    tables_before = _sql(path, "SELECT name FROM sqlite_master ORDER BY name")

    def broken(*_args: object, **_kw: object) -> None:
        raise sa.exc.OperationalError("UPDATE gpkg_contents", {}, sqlite3.OperationalError("disk I/O error"))

    monkeypatch.setattr(gpkg, "update_extent", broken)
    with pytest.raises(StorageError, match="niets opgeslagen"):
        file_project.add_layer(buildings_frame(500), kind="buildings", label="BAG")
    assert _sql(path, "SELECT name FROM sqlite_master ORDER BY name") == tables_before
    assert file_project.layers() == []
    assert _sql(path, "SELECT count(*) FROM gpkg_contents WHERE table_name LIKE 'lyr_%'") == [(0,)]
    assert _sql(path, "SELECT count(*) FROM data_tables") == [(0,)]


def test_replace_and_remove_layer(file_project: ProjectStore) -> None:
    first = file_project.add_layer(buildings_frame(10), kind="buildings", label="v1")
    replaced = file_project.add_layer(
        buildings_frame(4, seed=9), kind="buildings", label="v2", replace=first.table_name
    )
    assert replaced.table_name == first.table_name
    assert replaced.id == first.id
    assert len(file_project.read_layer(first.table_name)) == 4
    assert [ls.label for ls in file_project.layers()] == ["v2"]
    file_project.remove_layer(first.table_name)
    assert file_project.layers() == []
    assert "lyr_buildings_1" not in dict(pyogrio.list_layers(Path(file_project.target_label)))
    with pytest.raises(InputsError):
        file_project.read_layer(first.table_name)
    with pytest.raises(InputsError):
        file_project.remove_layer("lyr_buildings_9")


def test_layer_input_checks(file_project: ProjectStore) -> None:
    with pytest.raises(InputsError, match="EPSG:28992"):
        file_project.add_layer(buildings_frame(3).to_crs(4326), kind="buildings", label="wgs")
    with pytest.raises(InputsError, match="laagsoort"):
        file_project.add_layer(buildings_frame(3), kind="kadaster", label="?")
    with pytest.raises(InputsError, match="geometrie"):
        file_project.add_layer(pd.DataFrame({"a": [1]}), kind="buildings", label="?")  # type: ignore[arg-type]


def test_result_table_feature_and_attribute(file_project: ProjectStore) -> None:
    scores = gpd.GeoDataFrame(
        {
            "plot_id": pd.Series(["P1", "P2"], dtype="string"),
            "score": pd.Series([71.5, None], dtype="Float64"),
            "rank": [1, 2],
            "geschikt": [True, False],
        },
        geometry=[shapely.Point(84000, 446000), shapely.Point(84100, 446000)],
        crs="EPSG:28992",
    )
    file_project.write_result_table("score_run_1", scores)
    back = file_project.read_layer("score_run_1")
    pd.testing.assert_frame_equal(
        pd.DataFrame(back.drop(columns="geometry")), pd.DataFrame(scores.drop(columns="geometry"))
    )
    file_project.write_result_table("score_run_1", scores.iloc[:1])  # replace
    assert len(file_project.read_layer("score_run_1")) == 1
    file_project.write_result_table("samenvatting", pd.DataFrame({"categorie": ["nultreden"], "n": [3]}))
    layers = dict(pyogrio.list_layers(Path(file_project.target_label)))
    assert layers["score_run_1"] == "Point"
    assert layers["samenvatting"] is None
    with pytest.raises(InputsError):
        file_project.write_result_table("plots", scores)


def test_session_writes_audit_and_bumps_revision(file_project: ProjectStore) -> None:
    start = file_project.project().revision
    with file_project.session() as s:
        res = s.scalars(select(Reservation).where(Reservation.plot_id == "P2")).one()
        res.status = "gereserveerd"
        res.capacity_max = 30
        fid = res.fid
    with file_project.session() as s:  # read only: no revision bump
        s.scalars(select(Plot)).all()
    with file_project.session() as s:
        s.delete(s.scalars(select(Plot).where(Plot.plot_id == "P3")).one().reservations[0])
    project = file_project.project()
    assert project.revision == start + 2
    with file_project.session() as s:
        rows = s.scalars(
            select(AuditEntry).where(AuditEntry.action != "insert").order_by(AuditEntry.id)
        ).all()
        updates = {(r.field, r.old, r.new) for r in rows if r.action == "update"}
        assert updates == {("status", "kansrijk", "gereserveerd"), ("capacity_max", "21", "30")}
        assert all(r.who == "tester" for r in rows)
        assert {r.entity_id for r in rows if r.action == "update"} == {str(fid)}
        # the delete cascades to the reservation's partner link: both are logged
        assert {r.entity for r in rows if r.action == "delete"} == {"reservations", "reservation_partners"}
        deleted = [r for r in rows if r.action == "delete" and r.entity == "reservations"]
        assert {r.field for r in deleted} >= {"plot_id", "category", "capacity_min"}
        inserts = s.scalars(
            select(AuditEntry).where(AuditEntry.entity == "plots", AuditEntry.action == "insert")
        ).all()
        assert {r.entity_id for r in inserts} == {"P1", "P2", "P3"}


def test_stale_edit_raises_conflict(file_project: ProjectStore) -> None:
    with file_project.session() as s:  # the UI loads the reservation ...
        held = s.scalars(select(Reservation).where(Reservation.plot_id == "P1")).one()
    with file_project.session() as s:  # ... someone else saves a change ...
        s.scalars(select(Reservation).where(Reservation.plot_id == "P1")).one().notes = "andere gebruiker"

    def save_stale_copy() -> None:
        with file_project.session() as s:
            s.add(held)  # ... and the stale copy is saved
            held.notes = "mijn wijziging"

    with pytest.raises(ConflictError, match="Iemand anders") as info:
        save_stale_copy()
    assert "ververs" in info.value.message
    with file_project.session() as s:
        fresh = s.scalars(select(Reservation).where(Reservation.plot_id == "P1")).one()
        assert (fresh.notes, fresh.version) == ("andere gebruiker", 2)


def test_error_in_session_rolls_back(file_project: ProjectStore) -> None:
    revision = file_project.project().revision

    def failing_action() -> None:
        with file_project.session() as s:
            s.scalars(select(Plot)).first().name = "half"  # type: ignore[union-attr]
            s.flush()
            raise RuntimeError("user action failed")

    with pytest.raises(RuntimeError):
        failing_action()
    with file_project.session() as s:
        assert "half" not in {p.name for p in s.scalars(select(Plot))}
    assert file_project.project().revision == revision


def test_open_checks(tmp_path: Path, file_project: ProjectStore) -> None:
    with pytest.raises(ProjectFileError, match="bestaat niet"):
        ProjectStore.open(tmp_path / "nergens.gpkg")
    assert not (tmp_path / "nergens.gpkg").exists()
    foreign = tmp_path / "gewoon.gpkg"
    pyogrio.write_dataframe(buildings_frame(3), foreign, layer="panden")
    with pytest.raises(ProjectFileError, match="geen project"):
        ProjectStore.open(foreign)
    text_file = tmp_path / "tekst.gpkg"
    text_file.write_text("dit is geen database " * 200)
    with pytest.raises(ProjectFileError, match="beschadigd of geen GeoPackage"):
        ProjectStore.open(text_file)
    plain = tmp_path / "plain.gpkg"
    sqlite3.connect(plain).execute("CREATE TABLE project (id INTEGER)").connection.close()
    with pytest.raises(ProjectFileError, match="geen GeoPackage"):
        ProjectStore.open(plain)
    # a file from a newer version of the app
    path = Path(file_project.target_label)
    file_project.close()
    con = sqlite3.connect(path)
    with con:
        con.execute("UPDATE alembic_version SET version_num = '0099'")
    con.close()
    with pytest.raises(ProjectFileError, match="nieuwere versie"):
        ProjectStore.open(path)


def test_reopen_keeps_everything(file_project: ProjectStore) -> None:
    file_project.add_layer(buildings_frame(7), kind="buildings", label="BAG")
    path = Path(file_project.target_label)
    file_project.close()
    with ProjectStore.open(path, user="ander") as store:
        assert store.user == "ander"
        assert [ls.feature_count for ls in store.layers()] == [7]
        with store.session() as s:
            assert s.scalar(select(sa.func.count()).select_from(Reservation)) == 3
            assert s.scalars(select(LayerSource)).one().label == "BAG"
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "project.gpkg"
    ]  # one file, no journal, no backup


def test_credentials_never_stored() -> None:
    assert redact_url("postgresql+psycopg://piet:geheim@db.example.org:5432/bnp?project=x") == (
        "postgresql+psycopg://piet@db.example.org:5432/bnp?project=x"
    )


def test_layer_source_url_is_redacted(file_project: ProjectStore) -> None:
    src = file_project.add_layer(
        buildings_frame(2),
        kind="buildings",
        label="wfs",
        original_path="https://piet:geheim@example.org/wfs?x=1",
    )
    assert "geheim" not in (src.original_path or "")
    assert b"geheim" not in Path(file_project.target_label).read_bytes()
