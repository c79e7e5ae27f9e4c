"""The bod ledger: exact arithmetic on hand-made opgave and reservation rows."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from projects.errors import InputsError
from projects.ledger import LEDGER_COLUMNS, OpgaveRow, ledger, ledger_json, ledger_text

OPGAVE = [
    OpgaveRow("geclusterd", 2026, 2030, 100, source="woondeal"),
    OpgaveRow("geclusterd", 2031, 2035, 50),
    OpgaveRow("zorggeschikt", 2026, 2030, 40, wijk="Wippolder"),
    OpgaveRow("nultreden", 2026, 2030, 10),
]


def _reservations() -> pd.DataFrame:
    rows = [
        # plot, category, status, min, max, year_start, year_end, wijk, active
        ("A", "geclusterd", "gereserveerd", 20, 30, 2027, 2029, None, True),
        ("B", "geclusterd", "kansrijk", 10, 15, None, None, None, True),  # no years: every period
        ("C", "geclusterd", "in prestatieafspraak", 40, 40, 2030, 2032, None, True),  # spans both
        ("D", "geclusterd", "vervallen", 25, 25, 2027, 2028, None, True),
        ("E", "geclusterd", "gerealiseerd", 60, 70, 2031, 2031, None, True),
        ("F", "zorggeschikt", "voorgedragen", 30, 50, 2028, 2029, "Wippolder", True),
        ("G", "zorggeschikt", "gereserveerd", 12, 12, 2028, None, "TU-wijk", True),  # other wijk
        ("H", "beschermd wonen", "in ontwikkeling", 8, 10, 2027, 2027, None, True),  # no opgave
        ("I", "geclusterd", "gereserveerd", 5, 5, 2027, 2027, None, False),  # withdrawn
    ]
    cols = [
        "plot_id",
        "category",
        "status",
        "capacity_min",
        "capacity_max",
        "year_start",
        "year_end",
        "wijk",
        "active",
    ]
    frame = pd.DataFrame(rows, columns=cols)
    frame["year_start"] = frame["year_start"].astype("Int64")
    frame["year_end"] = frame["year_end"].astype("Int64")
    return frame


def _row(df: pd.DataFrame, category: str, period: str | None, wijk: str | None = None) -> pd.Series:
    sel = df["category"] == category
    sel &= df["period"].isna() if period is None else (df["period"] == period).fillna(False)
    sel &= df["wijk"].isna() if wijk is None else (df["wijk"] == wijk).fillna(False)
    assert int(sel.sum()) == 1, df[["category", "period", "wijk"]]
    return df[sel].iloc[0]


def test_columns_and_order() -> None:
    df = ledger(OPGAVE, _reservations())
    assert tuple(df.columns) == LEDGER_COLUMNS
    assert list(df["category"]) == [
        "geclusterd",
        "geclusterd",
        "zorggeschikt",
        "zorggeschikt",
        "nultreden",
        "beschermd wonen",
    ]


def test_period_one_by_status_with_vervallen_and_without_years() -> None:
    r = _row(ledger(OPGAVE, _reservations()), "geclusterd", "2026-2030")
    assert r["target"] == 100
    assert (r["kansrijk_min"], r["kansrijk_max"]) == (10, 15)
    assert (r["voorgedragen_min"], r["voorgedragen_max"]) == (0, 0)
    assert (r["gereserveerd_min"], r["gereserveerd_max"]) == (20, 30)  # I is withdrawn, not counted
    assert (r["in_prestatieafspraak_min"], r["in_prestatieafspraak_max"]) == (40, 40)
    assert (r["in_ontwikkeling_min"], r["gerealiseerd_max"]) == (0, 0)
    assert (r["vervallen_min"], r["vervallen_max"]) == (25, 25)  # shown ...
    assert (r["zeker_min"], r["zeker_max"]) == (60, 70)  # ... but not totalled
    assert (r["in_beeld_min"], r["in_beeld_max"]) == (70, 85)
    assert (r["gap_min"], r["gap_max"]) == (30, 15)
    assert (r["gap_zeker_min"], r["gap_zeker_max"]) == (40, 30)
    assert (r["n_reservations"], r["n_vervallen"], r["n_without_years"]) == (3, 1, 1)
    assert r["plot_ids"] == "A, B, C, D"
    assert "zonder jaren" in r["notes"]


def test_period_two_overshoot() -> None:
    r = _row(ledger(OPGAVE, _reservations()), "geclusterd", "2031-2035")
    assert (r["kansrijk_min"], r["kansrijk_max"]) == (10, 15)  # B without years counts here too
    assert r["in_prestatieafspraak_min"] == 40  # C spans 2030-2032
    assert (r["gerealiseerd_min"], r["gerealiseerd_max"]) == (60, 70)
    assert (r["zeker_min"], r["zeker_max"]) == (100, 110)
    assert (r["in_beeld_min"], r["in_beeld_max"]) == (110, 125)
    assert (r["gap_min"], r["gap_max"]) == (-60, -75)  # negative = overshoot
    assert (r["gap_zeker_min"], r["gap_zeker_max"]) == (-50, -60)
    assert r["n_vervallen"] == 0


def test_wijk_rows_and_leftovers() -> None:
    df = ledger(OPGAVE, _reservations())
    w = _row(df, "zorggeschikt", "2026-2030", "Wippolder")
    assert (w["voorgedragen_min"], w["voorgedragen_max"]) == (30, 50)
    assert (w["zeker_min"], w["zeker_max"]) == (0, 0)
    assert (w["gap_min"], w["gap_max"]) == (10, -10)
    rest = _row(df, "zorggeschikt", None)  # G is in another wijk: not lost, shown without target
    assert pd.isna(rest["target"])
    assert pd.isna(rest["gap_min"])
    assert (rest["gereserveerd_min"], rest["zeker_max"]) == (12, 12)
    assert rest["plot_ids"] == "G"


def test_category_without_opgave_and_opgave_without_reservations() -> None:
    df = ledger(OPGAVE, _reservations())
    bw = _row(df, "beschermd wonen", None)
    assert pd.isna(bw["target"])
    assert (bw["in_ontwikkeling_min"], bw["in_ontwikkeling_max"]) == (8, 10)
    assert (bw["zeker_min"], bw["in_beeld_max"]) == (8, 10)
    n = _row(df, "nultreden", "2026-2030")
    assert (n["target"], n["in_beeld_min"], n["gap_min"], n["gap_max"], n["n_reservations"]) == (
        10,
        0,
        10,
        10,
        0,
    )


def test_dataframe_opgave_same_result_and_inputs_untouched() -> None:
    res = _reservations()
    before = res.copy()
    frame = pd.DataFrame(
        [
            {
                "category": o.category,
                "period_start": o.period_start,
                "period_end": o.period_end,
                "target_homes": o.target_homes,
                "wijk": o.wijk,
            }
            for o in OPGAVE
        ]
    )
    pd.testing.assert_frame_equal(ledger(frame, res), ledger(OPGAVE, res))
    pd.testing.assert_frame_equal(res, before)


def test_empty_inputs() -> None:
    empty = pd.DataFrame(columns=["category", "capacity_min", "capacity_max", "status"])
    assert ledger([], empty).empty
    assert "Nog geen opgave" in ledger_text(ledger([], empty))
    only_target = ledger([OpgaveRow("geclusterd", 2026, 2030, 120)], empty)
    assert list(only_target["gap_min"]) == [120]


def test_errors() -> None:
    with pytest.raises(InputsError, match="eindigt vóór"):
        ledger([OpgaveRow("geclusterd", 2030, 2026, 10)], _reservations())
    with pytest.raises(InputsError, match="dubbel"):
        ledger([OpgaveRow("geclusterd", 2026, 2030, 10)] * 2, _reservations())
    bad = _reservations()
    bad.loc[0, "status"] = "misschien"
    with pytest.raises(InputsError, match="Onbekende status"):
        ledger(OPGAVE, bad)
    with pytest.raises(InputsError, match="mist kolommen"):
        ledger(OPGAVE, pd.DataFrame({"category": ["geclusterd"]}))


def test_text_and_json() -> None:
    df = ledger(OPGAVE, _reservations())
    text = ledger_text(df)
    assert "categorie" in text
    assert "opgave" in text
    first = next(ln for ln in text.splitlines() if ln.startswith("geclusterd [1]"))
    assert "2026-2030" in first
    assert "20–30" in first  # gereserveerd
    assert "70–85" in first  # in beeld
    assert "15–30" in first  # tekort
    second = next(ln for ln in text.splitlines() if ln.startswith("geclusterd [2]"))
    assert "over 60–75" in second  # overshoot in words
    wijk = next(ln for ln in text.splitlines() if "Wippolder" in ln)
    assert "−10 tot 10" in wijk
    assert "buiten opgave" in text
    assert "zonder jaren" in text
    rows = ledger_json(df)
    assert json.loads(json.dumps(rows)) == rows
    assert rows[0]["gap_min"] == 30
    assert rows[-1]["target"] is None
