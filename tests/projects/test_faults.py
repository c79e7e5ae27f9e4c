"""Crash safety: kill -9 mid-save, a full disk and corrupt files never cost committed work.

kill -9 during a large layer import and a full disk during an import are reliability rows: they
live in tests/reliability/test_faults.py and reuse the helpers below."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyogrio
import pytest
import sqlalchemy as sa
from sqlalchemy import event, select

from projects.errors import ProjectFileError, StorageError
from projects.models import Plot, Reservation
from projects.store import ProjectStore
from tests.projects.conftest import buildings_frame, fill_project

REPO = Path(__file__).resolve().parents[2]

_BIG_IMPORT = """
import sys, time
from projects.store import ProjectStore
from tests.projects.conftest import buildings_frame
frame = buildings_frame(200_000)
store = ProjectStore.open(sys.argv[1])
print("IMPORTING", flush=True)
store.add_layer(frame, kind="buildings", label="groot")
print("COMMITTED", flush=True)
"""

_MANY_RESERVATIONS = """
import sys, time
import shapely
from projects.models import Reservation
from projects.store import ProjectStore
store = ProjectStore.open(sys.argv[1])
with store.session() as s:
    for i in range(20_000):
        s.add(Reservation(plot_fid=1, plot_id="P1", category="nultreden", capacity_min=1, capacity_max=2,
                          geom=shapely.Point(84000 + i, 446000)))
    s.flush()
    print("FLUSHED", flush=True)
    time.sleep(60)
"""


def _baseline(tmp_path: Path) -> Path:
    path = tmp_path / "crash.gpkg"
    with ProjectStore.create(path, name="Crash", user="tester") as store:
        fill_project(store)
        store.add_layer(buildings_frame(20), kind="buildings", label="klein")
    return path


def _assert_baseline(path: Path) -> None:
    with ProjectStore.open(path) as store:  # open runs PRAGMA quick_check
        assert [(ls.table_name, ls.feature_count) for ls in store.layers()] == [("lyr_buildings_1", 20)]
        assert len(store.read_layer("lyr_buildings_1")) == 20
        with store.session() as s:
            assert s.scalar(select(sa.func.count()).select_from(Reservation)) == 3
            assert [p.plot_id for p in s.scalars(select(Plot).order_by(Plot.fid))] == ["P1", "P2", "P3"]
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "lyr_buildings_2" not in tables
        assert (
            con.execute("SELECT count(*) FROM gpkg_contents WHERE table_name LIKE 'lyr_%'").fetchone()[0] == 1
        )
    finally:
        con.close()
    assert "lyr_buildings_2" not in dict(pyogrio.list_layers(path))


def _spawn(script: str, path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, str(path)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_kill_during_session_with_many_reservations(tmp_path: Path) -> None:
    path = _baseline(tmp_path)
    proc = _spawn(_MANY_RESERVATIONS, path)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line == "FLUSHED", proc.stderr.read() if proc.stderr else line
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    _assert_baseline(path)


def _limit_pages(store: ProjectStore, extra_pages: int) -> None:
    """Simulate a full disk: SQLite may grow the file by only ``extra_pages`` pages (SQLITE_FULL)."""
    pages = sqlite3.connect(store.target_label).execute("PRAGMA page_count").fetchone()[0]

    @event.listens_for(store.engine, "connect")
    def _cap(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + extra_pages}")


def test_disk_full_during_session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _baseline(tmp_path)
    with ProjectStore.open(path) as store:
        _limit_pages(store, 2)

        def save_many() -> None:
            with store.session() as s:
                for i in range(5000):
                    s.add(
                        Reservation(
                            plot_fid=1,
                            plot_id="P1",
                            category="x",
                            capacity_min=1,
                            capacity_max=2,
                            notes="n" * 200 + str(i),
                        )
                    )

        with pytest.raises(StorageError, match="schijf is vol"):
            save_many()
    _assert_baseline(path)


def test_disk_full_reported_by_the_driver(tmp_path: Path) -> None:
    """The same error raised straight from the sqlite3 driver (as ENOSPC on commit would)."""
    path = _baseline(tmp_path)
    with ProjectStore.open(path) as store:

        @event.listens_for(store.engine, "commit")
        def _full(_conn: sa.Connection) -> None:
            raise sa.exc.OperationalError("COMMIT", {}, sqlite3.OperationalError("database or disk is full"))

        with pytest.raises(StorageError, match="schijf is vol"), store.session() as s:
            s.scalars(select(Plot)).first().name = "kwijt"  # type: ignore[union-attr]
    _assert_baseline(path)
    with ProjectStore.open(path) as store, store.session() as s:
        assert "kwijt" not in {p.name for p in s.scalars(select(Plot))}


@pytest.mark.parametrize("damage", ["pages", "truncate"])
def test_corrupt_file_is_refused_not_repaired(tmp_path: Path, damage: str) -> None:
    path = _baseline(tmp_path)
    data = bytearray(path.read_bytes())
    page = 4096
    if damage == "pages":
        for n in range(3, min(len(data) // page, 40), 2):
            data[n * page + 100 : n * page + 3000] = os.urandom(2900)
    else:
        data = data[: len(data) // 2]
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    with pytest.raises(ProjectFileError, match="beschadigd") as info:
        ProjectStore.open(path)
    assert "reservekopie" in info.value.hint.lower()
    assert path.read_bytes() == before  # never silently "repaired"
