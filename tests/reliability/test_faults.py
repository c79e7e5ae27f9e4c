"""Faults and concurrent use through the CLI, the store and the server: kill -9 during a save and
during a large layer import, a full disk, a dropped PostGIS connection, corrupt files, two editors
on one reservation and readers while one writes. Helpers for crash-safe project files are shared
with the unit tests in tests/projects/test_faults.py."""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing as mp
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
import shapely
import sqlalchemy as sa
from sqlalchemy import event, select, update

from cli.main import main
from projects.errors import ConflictError, ConnectionLostError, StorageError
from projects.models import Plot, Reservation
from projects.store import ProjectStore
from tests.projects.conftest import buildings_frame, fill_project
from tests.projects.test_faults import _BIG_IMPORT, _assert_baseline, _limit_pages, _spawn
from tests.projects.test_faults import _baseline as _layer_baseline

REPO = Path(__file__).resolve().parents[2]

# The CLI saves a reservation; a listener pauses inside the open transaction (after the flush,
# before the commit) so the parent can kill the process at exactly that moment.
_CLI_RESERVE_PAUSED = """
import sys, time
from sqlalchemy import event
from sqlalchemy.orm import Session
from cli.main import main

@event.listens_for(Session, "after_flush")
def _pause(session, ctx):
    print("FLUSHED", flush=True)
    time.sleep(60)

sys.exit(main(sys.argv[1:]))
"""


def _baseline(tmp_path: Path) -> Path:
    path = tmp_path / "project.gpkg"
    with ProjectStore.create(path, name="Storing", user="tester") as store:
        fill_project(store)
    return path


def _state(path: Path) -> tuple[list[tuple[str, int, int, str | None]], str]:
    """The committed reservations and the integrity check of the file."""
    with ProjectStore.open(path) as store, store.session() as s:
        rows = [
            (r.plot_id, r.capacity_min, r.capacity_max, r.notes)
            for r in s.scalars(select(Reservation).order_by(Reservation.fid))
        ]
    con = sqlite3.connect(path)
    try:
        check = con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()
    return rows, check


@pytest.mark.reliability(
    section="faults",
    id="kill-9-cli-reservering",
    category="projectbestand",
    input="`bodnaarplot project reserve` met kill -9 midden in de transactie (na flush, vóór commit)",
    expected="het project opent met de laatst vastgelegde stand",
    outcome="3 reserveringen zoals vóór de poging; integrity_check ok",
    nothing_lost="alle vastgelegde reserveringen intact",
)
def test_kill_during_cli_reservation_save(tmp_path: Path) -> None:
    path = _baseline(tmp_path)
    before, _ = _state(path)
    argv = [
        "project",
        "reserve",
        str(path),
        "P2",
        "--category",
        "geclusterd",
        "--capacity",
        "40-50",
        "--notes",
        "halverwege gestorven",
    ]
    proc = subprocess.Popen(
        [sys.executable, "-c", _CLI_RESERVE_PAUSED, *argv],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line == "FLUSHED", proc.stderr.read() if proc.stderr else line
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    after, check = _state(path)
    assert check == "ok"
    assert after == before
    assert len(after) == 3


@pytest.mark.reliability(
    section="faults",
    id="kill-9-laagimport",
    category="projectbestand",
    input="kill -9 tijdens de import van een laag met 200 000 panden, midden in de transactie (hete journal)",
    expected="het project opent met de laatst vastgelegde stand, integriteit ok, aantal lagen ongewijzigd",
    outcome="1 laag (20 panden), 3 reserveringen; journal teruggedraaid; integrity_check ok",
    nothing_lost="alle vastgelegde lagen en reserveringen intact",
)
@pytest.mark.slow
def test_kill_during_large_layer_import(tmp_path: Path) -> None:
    path = _layer_baseline(tmp_path)
    size_before = path.stat().st_size
    journal = path.with_name(path.name + "-journal")
    proc = _spawn(_BIG_IMPORT, path)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "IMPORTING"
        # Wait until the transaction has spilled pages into the file (hot journal), then kill.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if journal.exists() and path.stat().st_size > size_before + 2_000_000:
                break
            time.sleep(0.005)
        assert proc.poll() is None, f"import finished before the kill: {proc.communicate()}"
        started = time.monotonic()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert journal.exists()  # a hot journal: SQLite rolls it back on the next open
    _assert_baseline(path)
    assert not journal.exists()
    assert time.monotonic() - started < 10


@pytest.mark.reliability(
    section="faults",
    id="schijf-vol-laagimport",
    category="projectbestand",
    input="import van 20 000 panden terwijl de schijf vol raakt (SQLite max_page_count +5 pagina's)",
    expected="StorageError «schijf is vol» met hint over ruimte; geen halve laag",
    outcome="fout met hint; 1 laag zoals vóór de import; integrity_check ok",
    nothing_lost="alle vastgelegde lagen en reserveringen intact",
)
def test_disk_full_during_import(tmp_path: Path) -> None:
    path = _layer_baseline(tmp_path)
    with ProjectStore.open(path) as store:
        _limit_pages(store, 5)
        with pytest.raises(StorageError, match="schijf is vol") as info:
            store.add_layer(buildings_frame(20_000), kind="buildings", label="te groot")
        assert "ruimte" in info.value.hint
        assert [ls.table_name for ls in store.layers()] == ["lyr_buildings_1"]
    _assert_baseline(path)


@pytest.mark.reliability(
    section="faults",
    id="schijf-vol-cli-reservering",
    category="projectbestand",
    input="`bodnaarplot project reserve` terwijl de schijf vol raakt (SQLite max_page_count)",
    expected="exit 2, één regel «fout: … schijf is vol», oude stand intact",
    outcome="exit 2 met de melding; reserveringen en integriteit ongewijzigd",
    nothing_lost="alle vastgelegde reserveringen intact",
)
def test_disk_full_during_cli_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _baseline(tmp_path)
    before, _ = _state(path)
    pages = sqlite3.connect(path).execute("PRAGMA page_count").fetchone()[0]
    real_open = ProjectStore.open

    def open_on_full_disk(target: Any, *args: Any, **kwargs: Any) -> ProjectStore:
        store = real_open(target, *args, **kwargs)

        @event.listens_for(store.engine, "connect")
        def _cap(dbapi_conn: sqlite3.Connection, _record: object) -> None:
            dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

        store.engine.dispose()  # new connections get the cap
        return store

    monkeypatch.setattr(ProjectStore, "open", staticmethod(open_on_full_disk))
    capsys.readouterr()
    code = main(
        [
            "project",
            "reserve",
            str(path),
            "P2",
            "--category",
            "geclusterd",
            "--capacity",
            "40-50",
            "--notes",
            "x" * 200_000,
        ]
    )
    _out, err = capsys.readouterr()
    monkeypatch.undo()
    assert code == 2, err
    fout = [line for line in err.splitlines() if line.startswith("fout: ")]
    assert len(fout) == 1
    assert "schijf is vol" in fout[0]
    assert "Traceback" not in err
    after, check = _state(path)
    assert (after, check) == (before, "ok")


@pytest.mark.reliability(
    section="faults",
    id="corrupt-project-niet-gewijzigd",
    category="projectbestand",
    input="4 KB willekeurige bytes midden in het projectbestand, geopend via API en CLI",
    expected="ProjectFileError «beschadigd»; sha256 van het bestand vóór = na",
    outcome="geweigerd met melding en hint; bestand byte-voor-byte gelijk",
    nothing_lost="het (kapotte) bestand wordt nooit stil 'gerepareerd'",
)
def test_corrupt_project_is_refused_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from projects.errors import ProjectFileError

    path = _baseline(tmp_path)
    data = bytearray(path.read_bytes())
    mid = len(data) // 2
    data[mid : mid + 4096] = bytes((b ^ 0xA5) for b in data[mid : mid + 4096])
    path.write_bytes(bytes(data))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with (
        pytest.raises(ProjectFileError, match="beschadigd"),
        ProjectStore.open(path) as store,
        store.session() as s,
    ):
        s.scalars(select(Reservation)).all()
    capsys.readouterr()
    assert main(["project", "info", str(path)]) == 2
    assert "beschadigd" in capsys.readouterr().err
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


@pytest.mark.reliability(
    section="faults",
    id="postgis-verbinding-weg-en-opnieuw",
    category="PostGIS",
    input="pg_terminate_backend vanuit een tweede verbinding terwijl een sessie 50 kavels schrijft",
    expected="ConnectionLostError «weggevallen»; niets half geschreven; opnieuw proberen lukt",
    outcome="fout met hint, 3 kavels (niets half), herhaling schrijft alle 50",
    nothing_lost="na de herhaling 53 kavels, geen dubbele",
)
@pytest.mark.postgis
def test_dropped_connection_then_retry_succeeds(pg_url: str, pg_server: str) -> None:
    admin = sa.create_engine(pg_server)
    try:
        with ProjectStore.create(pg_url, name="Opnieuw") as store:
            fill_project(store)
            kill = {"armed": True}

            def save() -> None:
                with store.session() as s:
                    for i in range(50):
                        s.add(Plot(plot_id=f"X{i}", geom=shapely.Point(84_000 + i, 446_000)))
                    s.flush()
                    if kill["armed"]:
                        kill["armed"] = False
                        pid = s.execute(sa.text("SELECT pg_backend_pid()")).scalar()
                        with admin.begin() as conn:
                            conn.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pid})

            with pytest.raises(ConnectionLostError, match="weggevallen") as info:
                save()
            assert info.value.hint
            with store.session() as s:
                assert s.scalar(select(sa.func.count()).select_from(Plot)) == 3
            save()  # the retry the message suggests
            with store.session() as s:
                ids = list(s.scalars(select(Plot.plot_id)))
            assert len(ids) == 53
            assert len(set(ids)) == 53
    finally:
        admin.dispose()


@pytest.mark.reliability(
    section="concurrency",
    id="twee-bewerkers-cli-conflict",
    category="PostGIS",
    input="twee facilitators zetten via de CLI de status van dezelfde reservering, beide met --expected-version 1",
    expected="de eerste slaagt, de tweede krijgt een conflict (exit 2), niets overschreven",
    outcome="eerste: exit 0; tweede: exit 2 «fout: … intussen gewijzigd»; status en versie van de eerste",
    nothing_lost="wijziging van de eerste bewaard",
)
@pytest.mark.postgis
def test_second_cli_editor_gets_conflict(pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with ProjectStore.create(pg_url, name="Samen") as store:
        fill_project(store)
        with store.session() as s:
            res_id = s.scalars(select(Reservation.fid).where(Reservation.plot_id == "P1")).one()
    capsys.readouterr()
    first = main(
        ["project", "status", pg_url, str(res_id), "--status", "voorgedragen", "--expected-version", "1"]
    )
    second = main(
        ["project", "status", pg_url, str(res_id), "--status", "vervallen", "--expected-version", "1"]
    )
    _out, err = capsys.readouterr()
    assert (first, second) == (0, 2), err
    fout = [line for line in err.splitlines() if line.startswith("fout: ")]
    assert len(fout) == 1
    assert "gewijzigd" in fout[0]
    with ProjectStore.open(pg_url) as store, store.session() as s:
        res = s.get(Reservation, res_id)
        assert res is not None
        assert (res.status, res.version) == ("voorgedragen", 2)


def _writer(url: str, name: str, ready: Any, first_done: Any, results: Any) -> None:
    """One facilitator's process: read version 1, wait for the other, then save a note."""
    try:
        store = ProjectStore.open(url, user=name)
        with store.session() as s:
            res = s.scalars(select(Reservation).where(Reservation.plot_id == "P1")).one()
            assert res.version == 1
            ready.wait(30)  # both have read version 1
            if name == "tweede":
                first_done.wait(30)
            res.notes = f"door {name}"
        results.put((name, "ok"))
    except ConflictError as exc:
        results.put((name, f"conflict: {exc.message}"))
    except Exception as exc:  # noqa: BLE001 - report anything to the parent test
        results.put((name, f"fout: {exc!r}"))
    finally:
        if name == "eerste":
            first_done.set()


@pytest.mark.reliability(
    section="concurrency",
    id="twee-processen-zelfde-reservering",
    category="PostGIS",
    input="twee processen lezen dezelfde reservering (versie 1) en slaan daarna allebei een notitie op",
    expected="de eerste slaagt, de tweede krijgt ConflictError, niets overschreven",
    outcome="eerste: ok; tweede: «Iemand anders heeft deze reservering intussen gewijzigd»; versie 2",
    nothing_lost="notitie van de eerste bewaard",
)
@pytest.mark.postgis
@pytest.mark.slow
def test_two_processes_second_writer_gets_conflict(pg_url: str) -> None:
    with ProjectStore.create(pg_url, name="Samen") as store:
        fill_project(store)
    ctx = mp.get_context("spawn")
    ready, first_done, results = ctx.Barrier(2), ctx.Event(), ctx.Queue()
    procs = [
        ctx.Process(target=_writer, args=(pg_url, n, ready, first_done, results))
        for n in ("eerste", "tweede")
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    outcome = dict(results.get(timeout=5) for _ in procs)
    assert outcome["eerste"] == "ok"
    assert outcome["tweede"].startswith("conflict: Iemand anders heeft deze reservering intussen gewijzigd")
    with ProjectStore.open(pg_url) as store, store.session() as s:
        res = s.scalars(select(Reservation).where(Reservation.plot_id == "P1")).one()
        assert (res.notes, res.version) == ("door eerste", 2)


def _read_while_writing(
    reader_store: Callable[[], AbstractContextManager[ProjectStore]],
    writer: ProjectStore,
    *,
    readers: int,
    generations: int,
) -> list[int]:
    """Readers loop over all reservation notes while ``writer`` rewrites them ``generations`` times.

    Every read must see one generation only (never a half-written state) and raise nothing;
    returns the number of reads per reader.
    """
    stop = threading.Event()
    errors: list[str] = []
    reads = [0] * readers

    def reader(i: int) -> None:
        with reader_store() as own:
            while not stop.is_set():
                try:
                    with own.session() as s:
                        notes = set(s.scalars(select(Reservation.notes)))
                    if len(notes) != 1:
                        errors.append(f"gemengde toestand: {sorted(map(str, notes))[:3]}")
                    reads[i] += 1
                except Exception as exc:  # noqa: BLE001 - any error is a test failure
                    errors.append(repr(exc))

    with writer.session() as s:
        s.execute(update(Reservation).values(notes="generatie start"))
    threads = [threading.Thread(target=reader, args=(i,)) for i in range(readers)]
    for t in threads:
        t.start()
    # Opening a store takes a moment: start writing only once every reader is reading, so the
    # writes really overlap the reads (on a busy machine the writer could otherwise finish first).
    deadline = time.monotonic() + 60
    while min(reads) == 0 and not errors and time.monotonic() < deadline:
        time.sleep(0.01)
    for gen in range(generations):
        with writer.session() as s:
            s.execute(update(Reservation).values(notes=f"generatie {gen}"))
    stop.set()
    for t in threads:
        t.join(30)
    assert errors == []
    return reads


@pytest.mark.reliability(
    section="concurrency",
    id="lezers-tijdens-schrijven-postgis",
    category="PostGIS",
    input="8 lezers lezen een serverproject terwijl één schrijver 50 keer alle 40 notities wijzigt",
    expected="geen fouten, nooit een half geschreven stand",
    outcome="alle lezingen consistent; revisie ≥ 50",
    nothing_lost="alle 50 generaties vastgelegd",
)
@pytest.mark.postgis
@pytest.mark.slow
def test_readers_never_see_partial_state_while_one_writes(pg_url: str) -> None:
    with ProjectStore.create(pg_url, name="Lezers") as store:
        fill_project(store, reservations=40)
        reads = _read_while_writing(lambda: contextlib.nullcontext(store), store, readers=8, generations=50)
        assert len(reads) == 8
        assert all(n > 0 for n in reads)
        assert store.project().revision >= 50
        with store.session() as s:
            assert set(s.scalars(select(Reservation.notes))) == {"generatie 49"}


@pytest.mark.reliability(
    section="concurrency",
    id="lezers-tijdens-schrijven-gpkg",
    category="projectbestand",
    input="6 lezers (elk een eigen verbinding) lezen een GeoPackage-project terwijl één schrijver 30 keer alle notities wijzigt",
    expected="geen fouten, nooit een half geschreven stand",
    outcome="alle lezingen consistent; laatste generatie zichtbaar",
    nothing_lost="alle 30 generaties vastgelegd",
)
def test_readers_while_one_writes_on_a_project_file(tmp_path: Path) -> None:
    path = tmp_path / "lezers.gpkg"
    with ProjectStore.create(path, name="Lezers", user="tester") as store:
        fill_project(store, reservations=20)
    with ProjectStore.open(path) as writer:
        reads = _read_while_writing(lambda: ProjectStore.open(path), writer, readers=6, generations=30)
    assert len(reads) == 6
    assert all(n > 0 for n in reads)
    with ProjectStore.open(path) as store, store.session() as s:
        assert set(s.scalars(select(Reservation.notes))) == {"generatie 29"}
