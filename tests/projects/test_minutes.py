"""Workshop minutes: the bod at the start and the close (rebuilt from the audit log), votes, names."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter

import pandas as pd
import pytest

from projects.audit_state import bod_changes_after, ledger_at
from projects.ledger import Ledger, ledger_summary_lines
from projects.reservations import reserve, set_opgave, set_status, unreserve
from projects.store import ProjectStore
from projects.views import project_ledger
from projects.workshops import (
    add_comment,
    list_comments,
    log_decision,
    minutes_report,
    new_workshop,
    workshop_minutes,
)
from tests.projects.conftest import tick


@pytest.fixture
def store(demo_store: ProjectStore) -> ProjectStore:
    return demo_store


def test_ledger_at_equals_the_ledger_as_it_was(store: ProjectStore) -> None:
    seen: list[tuple[dt.datetime, Ledger]] = [(tick(), project_ledger(store))]
    a = reserve(store, "DLF-010", "geclusterd", 20, 30, status="kansrijk", years="2027-2029")
    seen.append((tick(), project_ledger(store)))
    reserve(store, "DLF-003", "nultreden", 12, 12, status="gereserveerd", years="2028")
    set_status(store, a.fid, "gereserveerd")
    seen.append((tick(), project_ledger(store)))
    set_opgave(store, "geclusterd", "2026-2030", 90)  # an opgave changed: updated, not added
    unreserve(store, a.fid)  # withdrawn: no longer counts
    reserve(store, "DLF-020", "zorggeschikt", 40, 60, status="voorgedragen")
    seen.append((tick(), project_ledger(store)))
    for moment, expected in seen:
        then = ledger_at(store, moment)
        pd.testing.assert_frame_equal(then.periods, expected.periods)
        assert ledger_summary_lines(then) == ledger_summary_lines(expected)
    pd.testing.assert_frame_equal(
        ledger_at(store, dt.datetime.now(dt.UTC)).periods, project_ledger(store).periods
    )
    # and they are not all the same: the history really changed
    assert len({tuple(ledger_summary_lines(frame)) for _, frame in seen}) == len(seen)
    assert bod_changes_after(store, seen[0][0]) == 4  # 3 reservations and 1 opgave row changed
    assert bod_changes_after(store, seen[-1][0]) == 0


def test_minutes_name_plots_tally_votes_and_state_the_bod_at_start_and_close(store: ProjectStore) -> None:
    reserve(store, "DLF-027", "geclusterd", 40, 60, status="gereserveerd", years="2026-2028")
    before = ledger_summary_lines(project_ledger(store))
    w = new_workshop(store, "Woonzorgtafel", participants=["gemeente", "Woonbron", "Ipse"])
    time.sleep(0.01)
    add_comment(store, "DLF-010", "Woonbron", "Goede plek", 1, w.id)
    add_comment(store, "DLF-010", "gemeente", "", 1, w.id)
    add_comment(store, "DLF-010", "Ipse", "Te ver van de huisarts", -1, w.id)
    add_comment(store, "DLF-010", "Ipse", "Na uitleg toch akkoord", 1, w.id)  # the last vote counts
    add_comment(store, "DLF-003", "Woonbron", "Te klein", -1, w.id)
    log_decision(store, w.id, "DLF-010 voordragen voor geclusterd wonen", "DLF-010")
    reserve(store, "DLF-010", "geclusterd", 20, 30, status="voorgedragen", years="2028", workshop_id=w.id)
    after = ledger_summary_lines(project_ledger(store))
    assert before != after

    report = minutes_report(store, w.id)
    assert list(report.start.lines) == before
    assert list(report.close.lines) == after
    assert "aanmaken van de sessie" in report.start.basis
    assert "opstellen van dit verslag" in report.close.basis  # today's latest session: closes now
    assert report.changed_after_close == 0

    # votes tallied per participant, checked against the comments themselves
    last: dict[tuple[str, str], int] = {}
    for c in list_comments(store, workshop_id=w.id):
        if c.vote:
            last[(c.plot_id, c.author)] = c.vote
    expected = Counter((plot, "voor" if v > 0 else "tegen") for (plot, _a), v in last.items())
    tallies = {t.plot: t for t in report.tallies}
    name = "Parkeerterrein Isaäc da Costalaan (DLF-010)"
    assert tallies[name].voor == expected[("DLF-010", "voor")] == 3
    assert tallies[name].tegen == expected[("DLF-010", "tegen")] == 0
    assert tallies[name].by_author == {"Woonbron": 1, "gemeente": 1, "Ipse": 1}
    assert tallies["Pand (2) (DLF-003)"].tegen == 1

    text = workshop_minutes(store, w.id)
    assert "## Stand van het bod bij de start" in text
    assert "## Stand van het bod bij de afsluiting" in text
    assert text.index("bij de start") < text.index("## Besluiten") < text.index("bij de afsluiting")
    assert f"DLF-010 voordragen voor geclusterd wonen — kavel {name}" in text
    assert f"| {name} | 3 | 0 | voor | voor | voor |" in text
    assert f"- {name}: geclusterd, 20–30 woningen, voorgedragen, 2028" in text
    assert "2028–2028" not in text
    for line in after:
        assert f"- {line}" in text


def test_a_past_session_closes_at_its_last_record_and_says_what_changed_later(store: ProjectStore) -> None:
    w = new_workshop(store, "Maart", date="2026-03-12")
    time.sleep(0.01)
    log_decision(store, w.id, "Starten met twee locaties")
    close_lines = ledger_summary_lines(project_ledger(store))
    time.sleep(0.01)
    reserve(store, "DLF-020", "zorggeschikt", 24, 32, status="kansrijk")  # after the session
    report = minutes_report(store, w.id)
    assert list(report.close.lines) == close_lines
    assert "laatste besluit" in report.close.basis
    assert report.changed_after_close == 1
    assert "Na de afsluiting zijn nog 1" in workshop_minutes(store, w.id)
    assert report.title == "Verslag werksessie 12-03-2026"
