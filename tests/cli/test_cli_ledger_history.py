"""``bodnaarplot ledger --as-of``: the ledger as it stood then, as a user runs it (real processes)."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest

from projects.audit_state import AMSTERDAM, as_of_line
from projects.demo import create_demo_project
from projects.ledger import ledger_json, ledger_text
from projects.reservations import reserve, set_opgave, unreserve
from projects.store import ProjectStore
from projects.views import project_ledger
from tests.cli.test_cli_inspect import run_cli, sha256


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dt.datetime, str, dict[str, object]]:
    """A demo project with a reservation at moment ``then``, changed afterwards."""
    path = tmp_path_factory.mktemp("asof") / "p.gpkg"
    create_demo_project(path).close()
    with ProjectStore.open(path) as store:
        a = reserve(store, "DLF-010", "geclusterd", 20, 30, status="gereserveerd", years="2027-2029")
        time.sleep(0.02)
        then = dt.datetime.now(dt.UTC)
        book = project_ledger(store)
        time.sleep(0.02)
        set_opgave(store, "geclusterd", "2026-2030", 90)
        unreserve(store, a.fid)
        reserve(store, "DLF-020", "zorggeschikt", 40, 60, status="voorgedragen", years="2029")
    return path, then, ledger_text(book), ledger_json(book)


def test_ledger_as_of_prints_the_ledger_of_that_moment(
    history: tuple[Path, dt.datetime, str, dict[str, object]],
) -> None:
    path, then, text, data = history
    before = sha256(path)
    proc = run_cli("ledger", path, "--as-of", then.isoformat())
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"{as_of_line(then)}\n\n{text}\n"
    assert text not in run_cli("ledger", path).stdout  # and it is not today's ledger

    proc = run_cli("ledger", path, "--as-of", then.isoformat(), "--json")
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert got.pop("as_of") == {"moment": then.isoformat(), "text": as_of_line(then)}
    assert got == json.loads(json.dumps(data, ensure_ascii=False))

    # a date: the end of that day (Dutch time); today's end shows today's ledger
    today = dt.datetime.now(AMSTERDAM).date()
    proc = run_cli("ledger", path, "--as-of", today.isoformat())
    now = run_cli("ledger", path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"Stand van het bod op {today.day} ")
    assert "(kavels, buurten en schattingen zoals nu)" in proc.stdout.splitlines()[0]
    assert ledger_text_part(proc.stdout) in now.stdout
    assert sha256(path) == before  # reading the past writes nothing


def ledger_text_part(out: str) -> str:
    return out.split("\n\n", 1)[1].rstrip("\n")


@pytest.mark.parametrize("bad", ["1-7-2026", "2026-02-30", "morgen"])
def test_bad_dates_give_one_dutch_line(
    history: tuple[Path, dt.datetime, str, dict[str, object]], bad: str
) -> None:
    proc = run_cli("ledger", history[0], "--as-of", bad)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"'{bad}' is geen datum of tijdstip" in lines[0]
    assert "JJJJ-MM-DD" in lines[0]
