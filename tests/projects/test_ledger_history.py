"""The ledger at an earlier moment, the bod's time series and the delivery curve.

The as-of ledger is checked against the ledger captured at that moment (every table of it),
after later changes; the series and the curve against hand-computed numbers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from projects.audit_state import AMSTERDAM, SERIES_COLUMNS, bod_series, ledger_at, moment_words, parse_moment
from projects.errors import InputsError
from projects.ledger import Ledger, OpgaveRow, compute_ledger, delivery_curve, ledger_json
from projects.reservations import reserve, set_opgave, set_status, unreserve
from projects.store import ProjectStore
from projects.views import project_ledger
from tests.projects.conftest import tick


@pytest.fixture
def store(demo_store: ProjectStore) -> ProjectStore:
    return demo_store


def _assert_same(then: Ledger, expected: Ledger) -> None:
    for table in ("periods", "segments", "wijken", "opgave", "allocation", "reservations", "years"):
        pd.testing.assert_frame_equal(getattr(then, table), getattr(expected, table), obj=table)
    assert (then.drieslag_complete, then.drieslag_total) == (
        expected.drieslag_complete,
        expected.drieslag_total,
    )
    assert then.warnings == expected.warnings
    assert ledger_json(then) == ledger_json(expected)


def test_the_ledger_at_a_moment_is_the_ledger_as_it_was_then(store: ProjectStore) -> None:
    seen: list[tuple[dt.datetime, Ledger]] = [(tick(), project_ledger(store))]
    a = reserve(
        store,
        "DLF-010",
        "geclusterd",
        20,
        30,
        status="kansrijk",
        years="2027-2029",
        partners=[("Woonbron", "corporatie")],
        segment="sociale huur",
    )
    seen.append((tick(), project_ledger(store)))
    reserve(store, "DLF-003", "nultreden", 12, 12, status="gereserveerd", years="2028", wijk="Voorhof")
    set_status(store, a.fid, "gereserveerd")
    # the partners change: the drieslag at the earlier moments must not move with them
    reserve(
        store,
        "DLF-010",
        "geclusterd",
        20,
        30,
        reservation_id=a.fid,
        partners=[("Woonbron", "corporatie"), ("Ipse", "zorgorganisatie"), ("Bewonersgroep", "bewoners")],
    )
    seen.append((tick(), project_ledger(store)))
    set_opgave(store, "geclusterd", "2026-2030", 90)  # an opgave changed: updated, not added
    set_opgave(store, "geclusterd", "2031-2035", 40)  # and one added
    unreserve(store, a.fid)  # withdrawn: no longer counts
    reserve(store, "DLF-020", "zorggeschikt", 40, 60, status="voorgedragen", years="2029-2032")
    seen.append((tick(), project_ledger(store)))
    reserve(store, "DLF-020", "zorggeschikt", 40, 60, status="vervallen")
    seen.append((tick(), project_ledger(store)))

    for moment, expected in seen:
        _assert_same(ledger_at(store, moment), expected)
    _assert_same(ledger_at(store, dt.datetime.now(dt.UTC)), project_ledger(store))
    # the history really changed: drieslag, opgave, withdrawn and vervallen reservations
    assert len({str(ledger_json(book)) for _, book in seen}) == len(seen)
    assert [book.drieslag_complete for _, book in seen] == [0, 0, 1, 0, 0]
    geclusterd = [
        book.periods.set_index(["category", "period"]).loc[("geclusterd", "2026-2030"), "target"]
        for _, book in seen
    ]
    assert geclusterd == [70, 70, 70, 90, 90]


def test_moments_as_users_name_them() -> None:
    end = parse_moment("2026-07-01")
    assert end.astimezone(AMSTERDAM).isoformat() == "2026-07-01T23:59:59.999999+02:00"
    assert parse_moment("2026-07-01T12:30") == dt.datetime(2026, 7, 1, 12, 30, tzinfo=AMSTERDAM)
    assert parse_moment("2026-01-15T10:00:00Z") == dt.datetime(2026, 1, 15, 10, tzinfo=dt.UTC)
    assert moment_words(end) == "1 juli 2026, 23:59 (Nederlandse tijd)"
    for bad in ("1-7-2026", "2026-13-01", "gisteren", ""):
        with pytest.raises(InputsError, match="geen datum"):
            parse_moment(bad)


def test_the_series_by_hand(store: ProjectStore) -> None:
    """Demo opgave: geclusterd 2026-2030 = 70, no reservations. Then, hand-computed:

    t1: A geclusterd 20–30 kansrijk 2027–2029      → zeker 0, in beeld 20–30, gerealiseerd 0
    t2: A gereserveerd; B geclusterd 8–10 gerealiseerd 2026, C geclusterd 5 in 2034 (buiten opgave)
                                                   → zeker 28–40, in beeld 33–45, gerealiseerd 8–10
    t3: A withdrawn, B vervallen                   → zeker 0, in beeld 5, gerealiseerd 0
    """
    t0 = tick()
    a = reserve(store, "DLF-010", "geclusterd", 20, 30, status="kansrijk", years="2027-2029")
    t1 = tick()
    set_status(store, a.fid, "gereserveerd")
    b = reserve(store, "DLF-003", "geclusterd", 8, 10, status="gerealiseerd", years="2026")
    reserve(store, "DLF-020", "geclusterd", 5, 5, status="kansrijk", years="2034")
    t2 = tick()
    unreserve(store, a.fid)
    set_status(store, b.fid, "vervallen")
    t3 = tick()
    series = bod_series(store, moments=[t0, t1, t2, t3])
    mine = series[series["category"] == "geclusterd"]
    got = [tuple(int(v) for v in row) for row in mine[list(SERIES_COLUMNS[2:])].itertuples(index=False)]
    assert got == [
        (70, 0, 0, 0, 0, 0, 0),
        (70, 0, 0, 20, 30, 0, 0),
        (70, 28, 40, 33, 45, 8, 10),
        (70, 0, 0, 5, 5, 0, 0),
    ]
    assert list(mine["moment"]) == [m.astimezone(AMSTERDAM) for m in (t0, t1, t2, t3)]
    assert set(series["category"]) == {"nultreden", "geclusterd", "zorggeschikt"}

    # by change: one row per category right after each change, the last one is today's ledger
    changes = bod_series(store, every="change")
    last = changes[changes["moment"] == changes["moment"].max()].set_index("category")
    today = project_ledger(store).periods.groupby("category")[["zeker_min", "in_beeld_max"]].sum()
    for category, row in today.iterrows():
        assert last.at[category, "zeker_min"] == row["zeker_min"]
        assert last.at[category, "in_beeld_max"] == row["in_beeld_max"]

    # by month: month ends since the first change, then now; all in this month here, so only now
    months = bod_series(store, now=dt.datetime(2027, 2, 10, tzinfo=dt.UTC))
    ends = sorted(set(months["moment"]))
    assert ends[-1] == dt.datetime(2027, 2, 10, tzinfo=dt.UTC).astimezone(AMSTERDAM)
    assert ends[-2].isoformat() == "2027-01-31T23:59:59.999999+01:00"
    assert all(e.day in (28, 29, 30, 31) for e in ends[:-1])


def test_the_delivery_curve_by_hand() -> None:
    """opgave geclusterd 2026-2030 = 70 → path 14, 28, 42, 56, 70, then 70.

    R1 10–15 gereserveerd 2027–2028: min 5+5, extra 5 → 2+3 (ties to the later year)
    R2 6 gerealiseerd 2026; R3 4 kansrijk 2031 (buiten opgave); R4 20 vervallen 2029 (never counts)
    """
    res = pd.DataFrame(
        {
            "fid": [1, 2, 3, 4],
            "plot_id": ["A", "B", "C", "D"],
            "category": ["geclusterd"] * 4,
            "capacity_min": [10, 6, 4, 20],
            "capacity_max": [15, 6, 4, 20],
            "status": ["gereserveerd", "gerealiseerd", "kansrijk", "vervallen"],
            "year_start": [2027, 2026, 2031, 2029],
            "year_end": [2028, 2026, 2031, 2029],
        }
    )
    before = res.copy()
    curve = delivery_curve(compute_ledger([OpgaveRow("geclusterd", 2026, 2030, 70)], res))
    pd.testing.assert_frame_equal(res, before)  # inputs untouched
    assert list(curve["year"]) == [2026, 2027, 2028, 2029, 2030, 2031]
    assert list(curve["opgave_path"]) == [14.0, 28.0, 42.0, 56.0, 70.0, 70.0]
    assert list(curve["zeker_min"]) == [6, 5, 5, 0, 0, 0]
    assert list(curve["zeker_max"]) == [6, 7, 8, 0, 0, 0]
    assert list(curve["zeker_cum_max"]) == [6, 13, 21, 21, 21, 21]
    assert list(curve["in_beeld_cum_min"]) == [6, 11, 16, 16, 16, 20]
    assert list(curve["gerealiseerd_cum_max"]) == [6, 6, 6, 6, 6, 6]


def test_the_xlsx_carries_the_series_and_the_curve(store: ProjectStore, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from projects.exports import write_annex_table

    reserve(store, "DLF-010", "geclusterd", 10, 15, status="gereserveerd", years="2027-2028")
    reserve(store, "DLF-003", "geclusterd", 6, 6, status="gerealiseerd", years="2026")
    wb = load_workbook(write_annex_table(store, tmp_path / "bijlage.xlsx"))
    rows = list(wb["Verloop"].iter_rows(values_only=True))
    header = rows[0]
    last = {r[1]: dict(zip(header, r, strict=True)) for r in rows[1:]}  # the latest row per category
    assert last["geclusterd"]["opgave (alle perioden)"] == 70
    # per category in the project's order, each category's moments oldest first (one block per chart)
    assert list(dict.fromkeys(r[1] for r in rows[1:])) == ["nultreden", "geclusterd", "zorggeschikt"]
    assert (last["geclusterd"]["zeker min"], last["geclusterd"]["zeker max"]) == (16, 21)
    assert (last["geclusterd"]["gerealiseerd min"], last["geclusterd"]["gerealiseerd max"]) == (6, 6)
    curve = list(wb["Oplevering per jaar"].iter_rows(values_only=True))
    geclusterd = [dict(zip(curve[0], r, strict=True)) for r in curve[1:] if r[0] == "geclusterd"]
    assert [r["opleverjaar"] for r in geclusterd] == [2026, 2027, 2028, 2029, 2030]
    assert [r["opgave t/m jaar (gelijk verdeeld)"] for r in geclusterd] == [14, 28, 42, 56, 70]
    assert [r["zeker t/m het jaar max"] for r in geclusterd] == [6, 13, 21, 21, 21]
    assert [r["gerealiseerd in het jaar min"] for r in geclusterd] == [6, 0, 0, 0, 0]
    notes = [r[0] for r in wb["Toelichting"].iter_rows(values_only=True)]
    assert "verloop" in notes and "oplevering" in notes  # noqa: PT018
