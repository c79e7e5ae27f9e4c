"""The bod ledger: hand-computed ledgers, and every home counted once (against a brute-force sum)."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from projects.errors import InputsError
from projects.ledger import (
    DEFINITIONS,
    IN_BEELD_STATUSES,
    LEDGER_COLUMNS,
    NO_YEARS,
    OUTSIDE,
    ZEKER_STATUSES,
    OpgaveRow,
    apportion,
    capacity_warnings,
    compute_ledger,
    drieslag_of,
    format_split,
    gap_kind,
    gap_words,
    ledger,
    ledger_json,
    ledger_summary_lines,
    ledger_text,
    parse_split,
    segment_of,
)
from projects.models import RESERVATION_STATUSES

OPGAVE = [
    OpgaveRow("geclusterd", 2026, 2030, 100, source="woondeal"),
    OpgaveRow("geclusterd", 2031, 2035, 50),
    OpgaveRow("zorggeschikt", 2026, 2030, 40, wijk="Wippolder"),
    OpgaveRow("nultreden", 2026, 2030, 10),
]
COLUMNS = [
    "fid", "plot_id", "category", "status", "capacity_min", "capacity_max", "year_start", "year_end",
    "year_split", "segment", "wijk", "area_code", "area_name", "wijk_code", "wijk_name", "partner_roles",
    "estimate_min", "estimate_max", "estimate_basis", "plan_max", "plot_profile", "plot_profile_basis", "active",
]  # fmt: skip
DENSITY = "oppervlakte × dichtheid (60–120 woningen/ha, voorinstelling)"


def _reservations() -> pd.DataFrame:
    noord = ("BU05030101", "Wippolder-Noord", "WK050301", "Wippolder")
    zuid = ("BU05030102", "Wippolder-Zuid", "WK050301", "Wippolder")
    tu = ("BU05030201", "TU-Noord", "WK050302", "TU")
    none4 = (None, None, None, None)
    all3 = "corporatie;zorgorganisatie;bewoners"
    rows = [
        # fid, plot, category, status, min, max, start, end, split, segment, typed wijk, area, roles,
        # estimate min/max/basis, plan max, profile, profile basis, active
        (1, "A", "geclusterd", "gereserveerd", 20, 30, 2028, 2032, None, "sociale huur", None, noord, all3,
         7, 15, DENSITY, None, "zorggeschikt", None, True),
        (2, "B", "geclusterd", "kansrijk", 10, 15, None, None, None, None, "TU-wijk", none4, "",
         None, None, None, None, None, None, True),
        (3, "C", "geclusterd", "in prestatieafspraak", 40, 40, 2030, 2032, "2030:1, 2031:1, 2032:2",
         "middenhuur", None, zuid, "corporatie;zorgorganisatie", 50, 100, DENSITY, None, "geclusterd", None, True),
        (4, "D", "geclusterd", "vervallen", 25, 25, 2027, 2028, None, None, None, none4, "",
         None, None, None, None, None, None, True),
        (5, "E", "geclusterd", "gerealiseerd", 60, 70, 2031, 2031, None, "koop", None, noord, "belegger",
         60, 120, DENSITY, None, "zorggeschikt", None, True),
        (6, "F", "zorggeschikt", "voorgedragen", 30, 50, 2028, 2029, None, "sociaal", None, noord,
         "corporatie;zorgorganisatie;initiatief", 1, 2, DENSITY, None, "nultreden",
         "schatting 1–2 woningen, zorggeschikt vraagt er minstens 12", True),
        (7, "G", "zorggeschikt", "gereserveerd", 12, 12, 2028, None, None, None, None, tu, "zorgorganisatie",
         5, 6, "bestemmingsplan: max. 6 wooneenheden (…)", 6, "zorggeschikt", None, True),
        (8, "H", "beschermd wonen", "in ontwikkeling", 8, 10, 2027, 2027, None, None, None, tu, "",
         None, None, None, None, None, None, True),
        (9, "I", "geclusterd", "gereserveerd", 5, 5, 2027, 2027, None, None, None, noord, all3,
         None, None, None, None, None, None, False),  # withdrawn: nowhere
        (10, "J", "nultreden", "kansrijk", 7, 11, 2029, 2031, None, "vrije huur", None, zuid, "",
         0, 0, DENSITY, None, "geen", "schatting 0 woningen, nultreden vraagt er minstens 1", True),
    ]  # fmt: skip
    flat = [(*r[:11], *r[11], *r[12:]) for r in rows]
    frame = pd.DataFrame(flat, columns=COLUMNS)
    for col in ("year_start", "year_end", "estimate_min", "estimate_max", "plan_max"):
        frame[col] = frame[col].astype("Int64")
    return frame


def _row(df: pd.DataFrame, category: str, period: str, **where: str) -> pd.Series:
    sel = (df["category"] == category) & (df["period"] == period)
    for col, value in where.items():
        sel &= df[col] == value
    sel = sel.fillna(False)
    assert int(sel.sum()) == 1, df[["category", "period"]]
    return df[sel].iloc[0]


def _range(row: pd.Series, name: str) -> tuple[int, int]:
    return int(row[f"{name}_min"]), int(row[f"{name}_max"])


# --- hand-computed ----------------------------------------------------------------------------------


def test_rows_in_order_with_outside_and_without_years() -> None:
    df = ledger(OPGAVE, _reservations())
    assert tuple(df.columns) == LEDGER_COLUMNS
    assert list(zip(df["category"], df["period"], strict=True)) == [
        ("geclusterd", "2026-2030"),
        ("geclusterd", "2031-2035"),
        ("geclusterd", NO_YEARS),
        ("zorggeschikt", "2026-2030"),
        ("nultreden", "2026-2030"),
        ("nultreden", OUTSIDE),
        ("beschermd wonen", OUTSIDE),
    ]


def test_a_reservation_over_2028_2032_is_split_across_two_periods_once() -> None:
    # A: 20–30 homes over 2028–2032, 4–6 a year: 2026–2030 gets 2028–2030 (12–18), 2031–2035 the rest (8–12).
    # C: 40 homes split 1:1:2 over 2030–2032: 10 in 2030, 10 + 20 after.
    book = compute_ledger(OPGAVE, _reservations())
    first = _row(book.periods, "geclusterd", "2026-2030")
    second = _row(book.periods, "geclusterd", "2031-2035")
    assert _range(first, "gereserveerd") == (12, 18)
    assert _range(second, "gereserveerd") == (8, 12)
    assert _range(first, "in_prestatieafspraak") == (10, 10)
    assert _range(second, "in_prestatieafspraak") == (30, 30)
    alloc = book.allocation.set_index(["plot_id", "period"])
    assert (alloc.loc[("A", "2026-2030"), "years"], alloc.loc[("A", "2031-2035"), "years"]) == (
        "2028–2030",
        "2031–2032",
    )
    assert alloc.loc[("C", "2031-2035"), "homes_min"] == 30


def test_period_totals_zeker_in_beeld_and_gaps_by_hand() -> None:
    df = ledger(OPGAVE, _reservations())
    first = _row(df, "geclusterd", "2026-2030")
    assert first["target"] == 100
    assert first["target_source"] == "woondeal"
    assert _range(first, "vervallen") == (25, 25)  # D: shown ...
    assert _range(first, "zeker") == (22, 28)  # ... never totalled: 12–18 + 10
    assert _range(first, "in_beeld") == (22, 28)
    assert (first["gap_min"], first["gap_max"]) == (78, 72)
    assert (first["n_reservations"], first["n_vervallen"]) == (2, 1)
    assert first["plot_ids"] == "A, C, D"
    second = _row(df, "geclusterd", "2031-2035")
    assert _range(second, "gerealiseerd") == (60, 70)
    assert _range(second, "zeker") == (98, 112)  # 8–12 + 30 + 60–70
    assert (second["gap_min"], second["gap_max"]) == (-48, -62)
    no_years = _row(df, "geclusterd", NO_YEARS)
    assert _range(no_years, "kansrijk") == (10, 15)
    assert pd.isna(no_years["target"])
    assert "zonder opleverjaren" in no_years["notes"]
    zorg = _row(df, "zorggeschikt", "2026-2030")  # no gemeente-wide row: the sum of the wijk rows
    assert (zorg["target"], zorg["target_source"]) == (40, "som van de wijkopgaven")
    assert _range(zorg, "zeker") == (12, 12)
    assert _range(zorg, "in_beeld") == (42, 62)  # F: 30–50 spread 15–25 + 15–25 over 2028–2029
    # J: 7–11 over 2029–2031; 7/3 each, the odd home to the LATER year: 2, 2, 3; extra 4: 1, 1, 2.
    nul = _row(df, "nultreden", "2026-2030")
    assert _range(nul, "kansrijk") == (4, 6)
    assert (nul["gap_min"], nul["gap_max"]) == (6, 4)
    nul_out = _row(df, "nultreden", OUTSIDE)
    assert _range(nul_out, "kansrijk") == (3, 5)
    assert "2031" in nul_out["notes"]
    bw = _row(df, "beschermd wonen", OUTSIDE)
    assert _range(bw, "in_ontwikkeling") == (8, 10)
    assert "geen opgave voor beschermd wonen" in bw["notes"]


def test_wijk_opgave_counts_reservations_located_in_the_wijk() -> None:
    book = compute_ledger(OPGAVE, _reservations())
    w = _row(book.opgave, "zorggeschikt", "2026-2030", wijk="Wippolder")
    assert _range(w, "voorgedragen") == (30, 50)  # F lies in Wippolder-Noord (wijk Wippolder); G in TU
    assert (w["gap_min"], w["gap_max"]) == (10, -10)
    assert w["plot_ids"] == "F"
    g = _row(book.opgave, "geclusterd", "2026-2030")
    assert _range(g, "in_beeld") == (22, 28)
    assert g["source"] == "woondeal"


def test_segments_and_wijken_add_up_to_the_periods_by_hand() -> None:
    book = compute_ledger(OPGAVE, _reservations())
    seg = book.segments[
        (book.segments["category"] == "geclusterd") & (book.segments["period"] == "2026-2030")
    ]
    assert dict(
        zip(seg["segment"], zip(seg["in_beeld_min"], seg["in_beeld_max"], strict=True), strict=True)
    ) == {
        "sociale huur": (12, 18),
        "middenhuur": (10, 10),
        "onbekend": (0, 0),  # D is vervallen
    }
    assert _row(book.segments, "zorggeschikt", "2026-2030", segment="sociale huur")["in_beeld_max"] == 50
    vrij = _row(book.segments, "nultreden", "2026-2030", segment="vrije huur")
    assert not bool(vrij["segment_known"])
    wijk = book.wijken[(book.wijken["category"] == "geclusterd") & (book.wijken["period"] == "2031-2035")]
    assert dict(zip(wijk["area"], wijk["zeker_max"], strict=True)) == {
        "Wippolder-Noord (BU05030101)": 12 + 70,
        "Wippolder-Zuid (BU05030102)": 30,
    }
    typed = _row(book.wijken, "geclusterd", NO_YEARS)
    assert (typed["area"], typed["area_source"]) == ("TU-wijk (ingevuld)", "ingevuld")


def test_drieslag_count_and_lights() -> None:
    book = compute_ledger(OPGAVE, _reservations())
    # Live: A B C E F G H J (D vervallen, I withdrawn); complete: A and F (initiatief lights bewoners).
    assert (book.drieslag_complete, book.drieslag_total) == (2, 8)
    assert book.drieslag_line.startswith("2 van 8 reserveringen met complete drieslag")
    res = book.reservations.set_index("plot_id")
    assert bool(res.loc["F", "drieslag_complete"])
    assert res.loc["C", "drieslag"] == "mist bewoners/initiatief"
    assert (res.loc["E", "drieslag_vastgoed"], res.loc["E", "drieslag_zorg"]) == (True, False)  # belegger
    d = drieslag_of(["ontwikkelaar", "zorgorganisatie", "bewoners"])
    assert d.lit == {"vastgoed": False, "zorg": True, "bewoners": True}  # an ontwikkelaar does not own
    assert d.short == "C✗ Z✓ B✓"
    assert d.lights == "corporatie/belegger ✗ · zorgorganisatie ✓ · bewoners/initiatief ✓"


def test_capacity_and_profile_warnings() -> None:
    book = compute_ledger(OPGAVE, _reservations())
    res = book.reservations.set_index("plot_id")
    assert res.loc["A", "capacity_warning"] == (
        f"opgegeven 20–30 woningen ligt boven de schatting van de tool (7–15 woningen, {DENSITY})"
    )
    # G: 12 above a plan maximum of 6; the estimate is the plan's 6, so one warning, not two.
    assert res.loc["G", "capacity_warning"] == (
        "opgegeven 12 woningen is meer dan het bestemmingsplan toestaat (max. 6 wooneenheden)"
    )
    assert pd.isna(res.loc["C", "capacity_warning"])
    assert res.loc["F", "profile_warning"] == (
        "de kavel past bij nultreden, niet bij zorggeschikt: schatting 1–2 woningen, zorggeschikt vraagt er minstens 12"
    )
    assert pd.isna(res.loc["E", "profile_warning"])  # a zorggeschikt plot used for geclusterd: fine
    assert res.loc["J", "profile_warning"].startswith("de kavel past bij geen enkele woonvorm")
    text = "\n".join(book.warnings)
    assert "reservering 1 (A, geclusterd): opgegeven 20–30" in text
    assert "reservering 2 (B, geclusterd): wijk 'TU-wijk' is ingevuld" in text
    assert "reservering 10 (J, nultreden): segment 'vrije huur' is geen van" in text
    assert "reservering 4" not in text  # vervallen reservations are not warned about
    assert capacity_warnings(5, 8, 7, 15) == []
    assert capacity_warnings(5, 8, None, None, 6) == [
        "opgegeven 5–8 woningen is meer dan het bestemmingsplan toestaat (max. 6 wooneenheden)"
    ]


def test_the_same_numbers_in_text_summary_and_json() -> None:
    book = compute_ledger(OPGAVE, _reservations())
    text = ledger_text(book)
    first = next(ln for ln in text.splitlines() if ln.startswith("geclusterd") and "2026-2030" in ln)
    assert "12–18" in first and "22–28" in first and "tekort 72–78" in first  # noqa: PT018
    assert "over 48–62" in text
    assert "2 van 8 reserveringen met complete drieslag" in text
    assert all(d in text for d in DEFINITIONS.values())
    lines = ledger_summary_lines(book)
    assert lines[0] == "geclusterd 2026-2030: opgave 100 · zeker 22–28 · in beeld 22–28 · tekort 72–78"
    assert lines[-1] == book.drieslag_line
    data = ledger_json(book)
    assert json.loads(json.dumps(data)) == data
    assert data["drieslag"]["complete"] == 2
    assert data["periods"][0]["gap_min"] == 78
    assert {r["plot_id"] for r in data["reservations"]} == set("ABCDEFGHJ")
    assert data["reservations"][0]["drieslag_complete"] is True


# --- every home once: random reservations against a brute-force sum ------------------------------


def _random_reservations(rng: np.random.Generator, n: int) -> pd.DataFrame:
    rows = []
    for i in range(n):
        lo = int(rng.integers(0, 60))
        hi = lo + int(rng.integers(0, 30))
        start = None if rng.random() < 0.1 else int(rng.integers(2022, 2040))
        end = None if start is None else start + int(rng.integers(0, 8))
        split = None
        if start is not None and end is not None and rng.random() < 0.3:
            years = sorted(set(rng.integers(start, end + 1, size=3).tolist()))
            split = ", ".join(f"{y}:{int(rng.integers(1, 9))}" for y in years)
        rows.append(
            {
                "fid": i + 1,
                "plot_id": f"P{i}",
                "category": str(rng.choice(["geclusterd", "nultreden", "zorggeschikt", "eigen"])),
                "status": str(rng.choice(RESERVATION_STATUSES)),
                "capacity_min": lo,
                "capacity_max": hi,
                "year_start": start,
                "year_end": end,
                "year_split": split,
                "segment": rng.choice([None, "sociale huur", "koop", "middenhuur"]),
                "area_name": rng.choice([None, "Noord", "Zuid"]),
                "active": bool(rng.random() > 0.05),
            }
        )
    frame = pd.DataFrame(rows)
    frame["year_start"] = frame["year_start"].astype("Int64")
    frame["year_end"] = frame["year_end"].astype("Int64")
    return frame


def _reference_years(r: pd.Series) -> dict[int, Fraction]:
    """An independent reading of the rules: exact shares per year (no rounding)."""
    if isinstance(r["year_split"], str):
        parts = [p.split(":") for p in r["year_split"].split(", ")]
        shares = {int(y): Fraction(int(w)) for y, w in parts}
    elif pd.isna(r["year_start"]):
        return {}
    else:
        shares = {y: Fraction(1) for y in range(int(r["year_start"]), int(r["year_end"]) + 1)}
    total = sum(shares.values())
    return {y: s / total for y, s in shares.items()}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_home_counted_once_per_period_segment_and_wijk(seed: int) -> None:
    rng = np.random.default_rng(seed)
    res = _random_reservations(rng, 300)
    opgave = [
        OpgaveRow("geclusterd", 2026, 2030, 500),
        OpgaveRow("geclusterd", 2031, 2035, 300),
        OpgaveRow("geclusterd", 2028, 2033, 10, wijk="Noord"),  # overlapping: a year counts in the earliest
        OpgaveRow("nultreden", 2025, 2030, 900),
        OpgaveRow("zorggeschikt", 2030, 2034, 90),
    ]
    book = compute_ledger(opgave, res)
    live = res[res["active"]]
    for category, group in live.groupby("category"):
        counted = group[group["status"] != "vervallen"]
        rows = book.periods[book.periods["category"] == category]
        # Each reservation exactly once over the periods, minimum and maximum.
        assert int(rows["in_beeld_min"].sum()) == int(counted["capacity_min"].sum())
        assert int(rows["in_beeld_max"].sum()) == int(counted["capacity_max"].sum())
        zeker = group[group["status"].isin(ZEKER_STATUSES)]
        assert int(rows["zeker_max"].sum()) == int(zeker["capacity_max"].sum())
        gone = group[group["status"] == "vervallen"]
        assert int(rows["vervallen_min"].sum()) == int(gone["capacity_min"].sum())
    # Segments and wijken are the same homes under another key: they add up to each period row.
    for table in (book.segments, book.wijken):
        sums = table.groupby(["category", "period"])[["in_beeld_min", "in_beeld_max", "zeker_min"]].sum()
        periods = book.periods.set_index(["category", "period"])
        for key, row in sums.iterrows():
            assert tuple(row) == tuple(periods.loc[key, ["in_beeld_min", "in_beeld_max", "zeker_min"]])
    # Per reservation: the periods' homes are whole, add up to its capacity and stay within one
    # home per year of the exact share (largest remainder), min never above max.
    alloc = book.allocation
    for _, r in live.iterrows():
        mine = alloc[alloc["fid"] == r["fid"]]
        assert int(mine["homes_min"].sum()) == r["capacity_min"]
        assert int(mine["homes_max"].sum()) == r["capacity_max"]
        assert (mine["homes_min"] <= mine["homes_max"]).all()
        shares = _reference_years(r)
        for _, a in mine.iterrows():
            if a["period"] == NO_YEARS:
                assert not shares
                continue
            if a["period"] == OUTSIDE:
                continue
            share = sum((s for y, s in shares.items() if str(y) in _years_of(a["years"])), Fraction(0))
            n_years = len(_years_of(a["years"]))
            assert abs(a["homes_min"] - r["capacity_min"] * share) < n_years
            assert abs(a["homes_max"] - r["capacity_max"] * share) < 2 * n_years


def _years_of(text: str) -> set[str]:
    out: set[str] = set()
    for part in text.split(", "):
        a, _, b = part.partition("–")
        out.update(str(y) for y in range(int(a), int(b or a) + 1))
    return out


# --- the small pieces ----------------------------------------------------------------------------------


def test_apportion_largest_remainder_with_ties_to_the_later_year() -> None:
    assert apportion(10, [1, 1, 1]) == [3, 3, 4]
    assert apportion(20, [1] * 5) == [4] * 5
    assert apportion(7, [1, 1, 2]) == [2, 2, 3]  # quotas 1,75 1,75 3,5: the two ,75 win
    assert apportion(0, [1, 2]) == [0, 0]
    assert apportion(5, []) == []
    rng = np.random.default_rng(7)
    for _ in range(200):
        weights = rng.integers(1, 10, size=int(rng.integers(1, 8))).tolist()
        total = int(rng.integers(0, 500))
        out = apportion(total, weights)
        assert sum(out) == total
        exact = [Fraction(total * w, sum(weights)) for w in weights]
        assert all(math.floor(e) <= o <= math.ceil(e) for o, e in zip(out, exact, strict=True))


def test_split_text_round_trip_and_errors() -> None:
    assert parse_split("2028:40, 2031:60") == {2028: 40.0, 2031: 60.0}
    assert parse_split("2031=1;2028=3") == {2028: 3.0, 2031: 1.0}
    assert parse_split("2028:40,5, 2029:59,5") == {2028: 40.5, 2029: 59.5}
    assert parse_split("") is None
    assert format_split(parse_split("2031:60,2028:40")) == "2028:40, 2031:60"
    with pytest.raises(InputsError, match="niet te lezen"):
        parse_split("2028-2030")
    with pytest.raises(InputsError, match="groter dan 0"):
        parse_split("2028:0")
    with pytest.raises(InputsError, match="twee keer"):
        parse_split("2028:1, 2028:2")
    # A split stored outside the tool that does not fit the years: noted, spread evenly, never lost.
    res = _reservations().iloc[[2, 3]].assign(year_split=["2029:1, 2031:1", "2027 en 2028"])
    book = compute_ledger(OPGAVE, res)
    assert book.reservation_warnings[3] == (
        "de verdeling (2029:1, 2031:1) noemt jaren buiten 2030-2032; de woningen zijn gelijk over de jaren verdeeld",
    )
    # 40 over 2030–2032: 13⅓ a year, the odd home to 2032: 13 in 2026–2030, 13 + 14 after.
    assert book.allocation.set_index("plot_id").loc["C", "homes_min"].tolist() == [13, 27]
    assert "D" in set(book.allocation["plot_id"])  # unreadable split: vervallen, still shown


def test_gap_words_and_segments() -> None:
    assert gap_kind(20, 0) == ("tekort", 0, 20)
    assert gap_words(20, 0) == "tekort 0–20"
    assert gap_words(-10, -10) == "over 10"
    assert gap_words(0, 0) == "opgave gehaald"
    assert gap_words(8, -16) == "tekort tot 8, of over tot 16"
    assert gap_words(None, 3) == ""
    assert segment_of("Sociaal") == ("sociale huur", True)
    assert segment_of(None) == ("onbekend", True)
    assert segment_of("vrije huur") == ("vrije huur", False)
    assert set(ZEKER_STATUSES) < set(IN_BEELD_STATUSES)
    assert "vervallen" not in IN_BEELD_STATUSES


def test_the_handleiding_quotes_the_definitions() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "handleiding.md").read_text(encoding="utf-8")
    for definition in (DEFINITIONS["zeker"], DEFINITIONS["in_beeld"], DEFINITIONS["tekort"]):
        assert definition in text


def test_empty_inputs_and_errors() -> None:
    empty = pd.DataFrame(columns=["category", "capacity_min", "capacity_max", "status"])
    assert compute_ledger([], empty).empty
    assert "Nog geen opgave" in ledger_text(compute_ledger([], empty))
    only_target = ledger([OpgaveRow("geclusterd", 2026, 2030, 120)], empty)
    assert list(only_target["gap_min"]) == [120]
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


def test_inputs_untouched_and_pure() -> None:
    res = _reservations()
    before = res.copy()
    a, b = compute_ledger(OPGAVE, res), compute_ledger(OPGAVE, res)
    pd.testing.assert_frame_equal(res, before)
    pd.testing.assert_frame_equal(a.periods, b.periods)
    pd.testing.assert_frame_equal(a.allocation, b.allocation)


def test_even_apportion_fast_path_matches_the_fraction_rule() -> None:
    """An even spread skips the Fractions; it must give exactly the largest-remainder result
    (ties to the later share), written out here the long way."""
    import math
    from fractions import Fraction

    from projects.ledger import apportion

    def reference(total: int, weights: list[float]) -> list[int]:
        quotas = [total * Fraction(str(w)) / sum(Fraction(str(x)) for x in weights) for w in weights]
        base = [math.floor(q) for q in quotas]
        order = sorted(range(len(weights)), key=lambda i: (quotas[i] - base[i], i), reverse=True)
        for i in order[: total - sum(base)]:
            base[i] += 1
        return base

    for total in range(1, 40):
        for n in range(1, 8):
            for w in (1.0, 0.5, 3.0):
                assert apportion(total, [w] * n) == reference(total, [w] * n)
