"""The monitor export: homes per category × opleverjaar × status, checked by hand and against the ledger."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from projects.audit_state import AMSTERDAM
from projects.errors import InputsError
from projects.exports import MONITOR_LAYOUT, monitor_frame, write_monitor
from projects.ledger import STATUS_KEYS, OpgaveRow, compute_ledger, monitor_rows
from projects.reservations import reserve
from projects.store import ProjectStore
from projects.views import project_ledger
from tests.cli.test_cli_inspect import run_cli, sha256
from tests.projects.conftest import tick

OPGAVE = [
    OpgaveRow("geclusterd", 2026, 2030, 70),
    OpgaveRow("geclusterd", 2031, 2035, 40),
    OpgaveRow("nultreden", 2026, 2030, 150),
]


def _reservations() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "fid": [1, 2, 3, 4, 5],
            "plot_id": ["A", "B", "C", "D", "E"],
            "category": ["geclusterd", "geclusterd", "nultreden", "geclusterd", "geclusterd"],
            "capacity_min": [20, 10, 12, 8, 4],
            "capacity_max": [30, 10, 12, 8, 6],
            "status": ["gereserveerd", "kansrijk", "voorgedragen", "vervallen", "gerealiseerd"],
            "year_start": pd.array([2029, 2030, None, 2029, 2029], dtype="Int64"),
            "year_end": pd.array([2032, 2030, None, 2029, 2029], dtype="Int64"),
        }
    )


def test_monitor_rows_by_hand() -> None:
    """R1 20–30 over 2029–2032: 5 a year; the extra 10 as 2, 2, 3, 3 (ties to the later years).

    2029 and 2030 count in 2026-2030, 2031 and 2032 in 2031-2035; R3 has no years.
    """
    res = _reservations()
    before = res.copy()
    book = compute_ledger(OPGAVE, res)
    rows = monitor_rows(book)
    pd.testing.assert_frame_equal(res, before)
    got = [
        (r.category, None if r.year is pd.NA else int(r.year), r.period, r.status, r.counts_as,
         int(r.homes_min), int(r.homes_max), int(r.n_reservations))
        for r in rows.itertuples(index=False)
    ]  # fmt: skip
    assert got == [
        ("geclusterd", 2029, "2026-2030", "gereserveerd", "zeker", 5, 7, 1),
        ("geclusterd", 2029, "2026-2030", "gerealiseerd", "zeker", 4, 6, 1),
        ("geclusterd", 2029, "2026-2030", "vervallen", "telt niet", 8, 8, 1),
        ("geclusterd", 2030, "2026-2030", "kansrijk", "in beeld, niet zeker", 10, 10, 1),
        ("geclusterd", 2030, "2026-2030", "gereserveerd", "zeker", 5, 7, 1),
        ("geclusterd", 2031, "2031-2035", "gereserveerd", "zeker", 5, 8, 1),
        ("geclusterd", 2032, "2031-2035", "gereserveerd", "zeker", 5, 8, 1),
        ("nultreden", None, "zonder jaren", "voorgedragen", "in beeld, niet zeker", 12, 12, 1),
    ]
    # and the rows add up to the ledger's period × status cells, every one of them
    periods = book.periods.set_index(["category", "period"])
    sums = rows.groupby(["category", "period", "status"])[["homes_min", "homes_max"]].sum()
    for (category, period), row in periods.iterrows():
        for status, key in STATUS_KEYS.items():
            want = (int(row[f"{key}_min"]), int(row[f"{key}_max"]))
            have = sums.loc[(category, period, status)] if (category, period, status) in sums.index else None
            assert (want == (0, 0)) if have is None else (int(have.iloc[0]), int(have.iloc[1])) == want


def test_monitor_files(demo_store: ProjectStore, tmp_path: Path) -> None:
    store = demo_store
    reserve(store, "DLF-010", "geclusterd", 20, 30, status="gereserveerd", years="2029-2032")
    then = tick()
    reserve(store, "DLF-003", "nultreden", 12, 12, status="voorgedragen")
    before = sha256(Path(store.target_label))

    out = write_monitor(store, tmp_path / "monitor.csv")
    with out.open(encoding="utf-8-sig") as fh:
        lines = list(csv.reader(fh, delimiter=";"))
    assert lines[0] == [name for name, _ in MONITOR_LAYOUT]
    body = [dict(zip(lines[0], line, strict=True)) for line in lines[1:]]
    assert {r["gemeente_code"] for r in body} == {"0503"}
    assert [(r["categorie"], r["opleverjaar"], r["woningen_min"], r["woningen_max"]) for r in body] == [
        ("nultreden", "", "12", "12"),
        ("geclusterd", "2029", "5", "7"),
        ("geclusterd", "2030", "5", "7"),
        ("geclusterd", "2031", "5", "8"),
        ("geclusterd", "2032", "5", "8"),
    ]
    assert sha256(Path(store.target_label)) == before  # the export writes only its own file

    from openpyxl import load_workbook

    wb = load_workbook(write_monitor(store, tmp_path / "monitor.xlsx"))
    assert wb.sheetnames == ["Monitor", "Toelichting"]
    sheet = list(wb["Monitor"].iter_rows(values_only=True))
    assert [r[4] for r in sheet[1:]] == [None, 2029, 2030, 2031, 2032]
    notes = [r[1] for r in wb["Toelichting"].iter_rows(values_only=True)]
    assert any(str(n).startswith("zeker = ") for n in notes)
    assert any(str(n).startswith("woningen_min: ") for n in notes)

    # at an earlier moment: only what stood then
    earlier = monitor_frame(store, then)
    assert list(earlier["categorie"]) == ["geclusterd"] * 4
    assert set(earlier["peildatum"]) == {then.astimezone(AMSTERDAM).strftime("%Y-%m-%dT%H:%M")}
    now = monitor_frame(store)
    total = now.groupby("categorie")["woningen_max"].sum()
    ledger = project_ledger(store).periods.groupby("category")["in_beeld_max"].sum()
    assert total["geclusterd"] == ledger["geclusterd"] and total["nultreden"] == ledger["nultreden"]  # noqa: PT018

    with pytest.raises(InputsError, match=r"\.csv of \.xlsx"):
        write_monitor(store, tmp_path / "monitor.ods")


def test_monitor_from_the_command_line(demo_store: ProjectStore, tmp_path: Path) -> None:
    reserve(demo_store, "DLF-010", "geclusterd", 20, 30, status="gereserveerd", years="2029-2032")
    path = Path(demo_store.target_label)
    demo_store.close()
    proc = run_cli("monitor", path, "--out", tmp_path / "m.csv")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"monitor geschreven: {tmp_path / 'm.csv'}"
    assert (tmp_path / "m.csv").read_text(encoding="utf-8-sig").count("\n") == 5
    proc = run_cli("monitor", path, "--out", tmp_path / "m.csv", "--as-of", "31-12-2026")
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "geen datum" in proc.stderr
    stamp = dt.datetime(2020, 1, 1, tzinfo=AMSTERDAM).date().isoformat()
    proc = run_cli("monitor", path, "--out", tmp_path / "leeg.csv", "--as-of", stamp)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Stand van het bod op 1 januari 2020")
    assert (tmp_path / "leeg.csv").read_text(encoding="utf-8-sig").count("\n") == 1  # the header only


def test_the_layout_is_documented() -> None:
    repo = Path(__file__).resolve().parents[2]
    for doc in ("README.md", "docs/handleiding.md"):
        text = (repo / doc).read_text(encoding="utf-8")
        for name, meaning in MONITOR_LAYOUT:
            assert f"| `{name}` | {meaning} |" in text, (doc, name)
