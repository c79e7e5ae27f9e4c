"""The server store on a real PostgreSQL + PostGIS (started by scripts/test.sh): schema per
project, push/pull without loss, dropped connections. Two writers and many readers are reliability
rows in tests/reliability/test_faults.py."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import shapely
import sqlalchemy as sa
from sqlalchemy import select

from projects.errors import ConnectionLostError, ProjectFileError
from projects.models import Base, Plot, Reservation
from projects.store import ProjectStore, pull, push
from tests.projects.conftest import buildings_frame, fill_project

pytestmark = pytest.mark.postgis


def _schema(url: str) -> str:
    return "bnp_" + url.rsplit("project=", 1)[1]


def test_create_open_and_layers_in_own_schema(pg_url: str, pg_server: str) -> None:
    with ProjectStore.create(pg_url, name="Server", gemeente_code="0503", user="tester") as store:
        assert not store.is_file
        assert store.schema == _schema(pg_url)
        fill_project(store)
        frame = buildings_frame(30)
        source = store.add_layer(frame, kind="buildings", label="BAG")
        back = store.read_layer(source.table_name)
        assert back.dtypes.to_dict() == frame.dtypes.to_dict()
        pd.testing.assert_frame_equal(
            pd.DataFrame(back.drop(columns="geometry")), pd.DataFrame(frame.drop(columns="geometry"))
        )
        assert back.geometry.geom_equals_exact(frame.geometry, tolerance=0).all()
    with ProjectStore.open(pg_url) as store:
        assert store.project().name == "Server"
        with store.session() as s:
            assert s.scalar(select(sa.func.count()).select_from(Reservation)) == 3
    engine = sa.create_engine(pg_server)
    with engine.connect() as conn:
        schema = _schema(pg_url)
        cols = conn.execute(
            sa.text(
                "SELECT f_table_name, type, srid FROM geometry_columns WHERE f_table_schema = :s ORDER BY 1"
            ),
            {"s": schema},
        ).all()
        assert cols == [
            ("lyr_buildings_1", "POLYGON", 28992),
            ("plots", "GEOMETRY", 28992),
            ("reservations", "GEOMETRY", 28992),
        ]
        gist = (
            conn.execute(
                sa.text(
                    "SELECT tablename FROM pg_indexes WHERE schemaname = :s AND indexdef LIKE '%gist%' ORDER BY 1"
                ),
                {"s": schema},
            )
            .scalars()
            .all()
        )
        assert gist == ["lyr_buildings_1", "plots", "reservations"]
        assert conn.execute(sa.text(f'SELECT version_num FROM "{schema}".alembic_version')).scalar() == "0006"
    engine.dispose()
    with pytest.raises(ProjectFileError, match="bestaat al"):
        ProjectStore.create(pg_url, name="Server")
    with pytest.raises(ProjectFileError, match="geen project"):
        ProjectStore.open(pg_url + "x")


def _rows(store: ProjectStore) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table (project tables and data tables), normalised for comparison."""
    out: dict[str, list[dict[str, Any]]] = {}
    with store.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = []
            for r in conn.execute(select(table).order_by(*table.primary_key.columns)).mappings():
                row = dict(r)
                for k, v in row.items():
                    if hasattr(v, "tzinfo") and v.tzinfo is not None:
                        row[k] = v.replace(tzinfo=None)
                    elif isinstance(v, shapely.Geometry):
                        row[k] = v.wkb_hex
                rows.append(row)
            out[table.name] = rows
    for ls in store.layers():
        out[ls.table_name] = store.read_layer(ls.table_name).to_wkb().to_dict("records")
    out["score_run"] = store.read_layer("score_run").to_wkb().to_dict("records")
    return out


def test_push_pull_round_trip_loses_nothing(tmp_path: Path, pg_url: str) -> None:
    source = tmp_path / "bron.gpkg"
    with ProjectStore.create(source, name="Rondje", gemeente_naam="Delft", user="tester") as store:
        fill_project(store)
        store.add_layer(
            buildings_frame(40), kind="buildings", label="BAG", data_date="2025-01-01", meta={"a": 1}
        )
        store.add_layer(buildings_frame(5, seed=3), kind="plots", label="eigen lijst")
        store.write_result_table("score_run", buildings_frame(3)[["identificatie", "bouwjaar", "geometry"]])
        with store.session() as s:
            s.scalars(select(Reservation)).first().status = "gereserveerd"  # type: ignore[union-attr]
        original = _rows(store)
    label = push(source, pg_url, user="tester")
    assert label == pg_url  # no password in it
    with ProjectStore.open(pg_url) as server:
        assert _rows(server) == original
        with server.session() as s:  # sequences continue after the copied ids
            plot = Plot(plot_id="NIEUW", geom=shapely.Point(84000, 446000))
            s.add(plot)
            s.flush()
            assert plot.fid == max(r["fid"] for r in original["plots"]) + 1
        with server.session() as s:
            s.delete(s.scalars(select(Plot).where(Plot.plot_id == "NIEUW")).one())
        server_rows = _rows(server)
    back = pull(pg_url, tmp_path / "terug.gpkg")
    with ProjectStore.open(back) as copy:
        pulled = _rows(copy)
    assert sorted(pulled) == sorted(original)
    for table in original:
        if table in ("project", "audit_log"):
            continue  # revision/modified_at and the audit of the server edit differ by design
        assert pulled[table] == original[table], table
    assert pulled["project"][0]["uid"] == original["project"][0]["uid"]
    assert pulled["audit_log"][: len(original["audit_log"])] == original["audit_log"]
    assert pulled == server_rows
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bron.gpkg", "terug.gpkg"]  # no temp files left
    with pytest.raises(ProjectFileError, match="bestaat al"):
        push(source, pg_url)
    push(source, pg_url, replace=True)
    uid = original["project"][0]["uid"]
    assert pull(pg_url.split("?")[0], tmp_path / "via_uid.gpkg", project_uid=uid).is_file()


def test_password_never_in_labels_logs_or_files(
    tmp_path: Path, pg_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    pgpass = os.environ.get("PGPASSFILE")
    if not pgpass or not Path(pgpass).is_file():
        pytest.skip("geen PGPASSFILE van de testserver")
    password = Path(pgpass).read_text().strip().split(":")[-1]
    with_password = pg_url.replace("bnp_test@", f"bnp_test:{password}@")
    assert password in with_password
    caplog.set_level(logging.DEBUG, logger="projects")
    with ProjectStore.create(with_password, name="Geheim") as store:
        assert password not in store.target_label
        fill_project(store)
    out = pull(with_password, tmp_path / "kopie.gpkg")
    assert password.encode() not in out.read_bytes()
    assert password not in caplog.text
    assert "Serverproject" in caplog.text


def test_dropped_connection_rolls_back(pg_url: str, pg_server: str) -> None:
    admin = sa.create_engine(pg_server)
    with ProjectStore.create(pg_url, name="Verbinding") as store:
        fill_project(store)

        def save_while_connection_drops() -> None:
            with store.session() as s:
                for i in range(50):
                    s.add(Plot(plot_id=f"X{i}", geom=shapely.Point(84000 + i, 446000)))
                s.flush()
                pid = s.execute(sa.text("SELECT pg_backend_pid()")).scalar()
                with admin.begin() as conn:
                    conn.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pid})

        with pytest.raises(ConnectionLostError, match="weggevallen") as info:
            save_while_connection_drops()
        assert "opnieuw" in info.value.hint
        with store.session() as s:  # the store recovers and nothing was half-written
            assert s.scalar(select(sa.func.count()).select_from(Plot)) == 3
    admin.dispose()


def test_big_integers_and_odd_column_names_survive(pg_url: str) -> None:
    frame = buildings_frame(3)
    frame["osm_id"] = pd.Series([10_000_000_000, 1, None], dtype="Int64")  # beyond int4
    frame["healthcare:speciality"] = pd.Series(["a", None, "c"], dtype="string")
    with ProjectStore.create(pg_url, name="Groot") as store:
        source = store.add_layer(frame, kind="facilities", label="OSM")
        back = store.read_layer(source.table_name)
    pd.testing.assert_frame_equal(
        pd.DataFrame(back.drop(columns="geometry")), pd.DataFrame(frame.drop(columns="geometry"))
    )
