"""The same ledger everywhere: Bod panel, presentation window, Locatie panel, PDF, XLSX and CLI.

One hand-computed project (the demo's opgave plus a 2031–2035 period) with three reservations;
every output is read back and compared with the numbers worked out here, not with each other
only. The case of the issue is in it: the window once said a green "ruim 0" where the panel
said "tekort 0–20".
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from app.controller import ProjectController
from app.export.pdf import write_reserved_map_pdf
from app.panels.detail_panel import PlotDetailPanel
from app.panels.ledger_panel import LedgerPanel
from app.workshop import WorkshopWindow
from cli.main import main
from projects.exports import write_annex_table
from projects.reservations import reserve, set_opgave, set_status

CORP, ZORG, BEW = ("Woonbron", "corporatie"), ("Careyn", "zorgorganisatie"), ("Bewoners TU-Noord", "bewoners")


@pytest.fixture
def booked(controller: ProjectController) -> ProjectController:
    """Three reservations worked out by hand.

    A  DLF-010 geclusterd 20–30 gereserveerd, opleverjaren 2028–2032: 4–6 a year, so 12–18 in
       2026–2030 and 8–12 in 2031–2035; the estimate is 7–15 (1.269 m² × 60–120/ha): a warning.
    B  DLF-020 geclusterd 38–52 voorgedragen, 2027: all in 2026–2030.
    C  DLF-030 nultreden 10 kansrijk, 2029.
    geclusterd 2026–2030 (opgave 70): zeker 12–18, in beeld 50–70, so "tekort 0–20".
    geclusterd 2031–2035 (opgave 40): zeker 8–12, in beeld 8–12, so "tekort 28–32".
    nultreden 2026–2030 (opgave 150): in beeld 10, "tekort 140". Drieslag: A only, 1 van 3.
    """
    store = controller.store
    assert store is not None
    set_opgave(store, "geclusterd", "2031-2035", 40, source="voorbeeld (geen echt bod)")
    reserve(store, "DLF-010", "geclusterd", 20, 30, status="kansrijk", years="2028-2032",
            partners=[CORP, ZORG, BEW], segment="sociale huur")  # fmt: skip
    set_status(store, 1, "gereserveerd")
    reserve(store, "DLF-020", "geclusterd", 38, 52, status="voorgedragen", years="2027", partners=[CORP])
    reserve(store, "DLF-030", "nultreden", 10, 10, years="2029", segment="koop")
    controller.refresh()
    return controller


EXPECTED = {
    ("geclusterd", "2026-2030"): ("12–18", "50–70", "tekort 0–20"),
    ("geclusterd", "2031-2035"): ("8–12", "8–12", "tekort 28–32"),
    ("nultreden", "2026-2030"): ("0", "10", "tekort 140"),
    ("zorggeschikt", "2026-2030"): ("0", "0", "tekort 35"),
}


def test_panel_and_presentation_window_show_the_hand_computed_ranges(
    qtbot, booked: ProjectController
) -> None:
    panel = LedgerPanel(booked)
    qtbot.addWidget(panel)
    bars = {(b.category, b.period): b for b in panel.chart.bars()}
    for key, (zeker, in_beeld, gap) in EXPECTED.items():
        bar = bars[key]
        assert (_span(bar.zeker), _span(bar.in_beeld), bar.gap_words) == (zeker, in_beeld, gap), key
    assert "1 van 3 reserveringen met complete drieslag" in panel.summary.text()
    # DLF-010 above 7–15 and DLF-020 (1.990 m²: 11–23) above its estimate; the list in the tooltip.
    assert "⚠ 2 waarschuwing(en)" in panel.summary.text()
    assert (
        "opgegeven 20–30 woningen ligt boven de schatting van de tool (7–15 woningen"
        in panel.summary.toolTip()
    )

    window = WorkshopWindow(booked, None)  # its own map (the legend reads it)
    qtbot.addWidget(window)
    rows = {title: (numbers, gap) for title, numbers, gap in window.ledger.rows}
    numbers, gap = rows["Geclusterd · 2026–2030"]
    assert gap == "tekort 0–20"  # never "ruim 0" from the upper end alone
    assert numbers == "opgave 70 · zeker 12–18 · in beeld 50–70"
    assert rows["Geclusterd · 2031–2035"] == ("opgave 40 · zeker 8–12 · in beeld 8–12", "tekort 28–32")
    assert [r[0] for r in window.ledger.rows] == [b.title for b in panel.chart.bars()]
    assert window.ledger.drieslag == "1 van 3 reserveringen met complete drieslag"
    booked.select(["DLF-010"])
    assert "geclusterd: drieslag corporatie/belegger ✓ · zorgorganisatie ✓ · bewoners/initiatief ✓" in (
        window.selected_label.text()
    )


def test_locatie_panel_opgegeven_schatting_drieslag_and_history(qtbot, booked: ProjectController) -> None:
    panel = PlotDetailPanel(booked)
    qtbot.addWidget(panel)
    booked.select(["DLF-010"])
    text = panel.reservation_label.text()
    assert "geclusterd: opgegeven 20–30 woningen" in text
    assert "schatting 7–15 woningen · gereserveerd" in text
    assert "telt mee: 2026-2030: 12–18; 2031-2035: 8–12" in text
    assert "⚠ opgegeven 20–30 woningen ligt boven de schatting van de tool" in text
    assert "schatting" not in text.split("·")[0]  # the user's number is never called an estimate
    lights = panel.drieslag_label.text()
    assert lights.count("●") == 3
    assert "compleet" in lights
    assert "Schatting van de tool (geclusterd): 7–15 woningen" in panel.capacity_label.text()
    assert "krap: " in panel.capacity_label.text()  # the area check reads the same estimate
    assert "m²: schatting 7–15 woningen; 12 geclusterde woningen passen alleen" in panel.capacity_label.text()

    panel.tabs.setCurrentIndex(1)
    rows = panel.history_rows()
    assert rows[0][2] == "reservering 1 (DLF-010, geclusterd) gewijzigd"
    assert rows[0][3] == "status: kansrijk → gereserveerd"
    assert rows[1][2] == "reservering 1 (DLF-010, geclusterd) aangemaakt"
    assert "capaciteit max (opgegeven): 30" in rows[1][3]
    assert rows[-1][2] == "kavel DLF-010 aangemaakt"
    day = rows[0][0].split()[0]
    assert (len(day), day[2], day[5]) == (10, "-", "-")  # dd-mm-jjjj
    booked.select(["DLF-030"])  # another plot: its own history
    assert panel.history_rows()[0][2] == "reservering 3 (DLF-030, nultreden) aangemaakt"


def test_pdf_xlsx_and_cli_carry_the_same_numbers(
    booked: ProjectController, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = booked.store
    assert store is not None
    pdf = write_reserved_map_pdf(store, tmp_path / "kaart.pdf")
    pages = [" ".join((page.extract_text() or "").split()) for page in PdfReader(pdf).pages]
    assert "geclusterd 2026-2030: opgave 70 · zeker 12–18 · in beeld 50–70 · tekort 0–20" in pages[0]
    assert "geclusterd 2031-2035: opgave 40 · zeker 8–12 · in beeld 8–12 · tekort 28–32" in pages[0]
    assert "1 van 3 reserveringen met complete drieslag" in pages[0]
    annex = " ".join(pages[1:])
    assert "20–30 ⚠ 7–15" in annex  # opgegeven, marked, beside the schatting
    assert "✓ · ✓ · ✓" in annex and "✓ · ✗ · ✗" in annex  # noqa: PT018 - A complete, B only a corporatie

    xlsx = write_annex_table(store, tmp_path / "bijlage.xlsx")
    wb = load_workbook(xlsx)
    assert wb.sheetnames == [
        "Bijlage locaties",
        "Bod per periode",
        "Per segment",
        "Per wijk of buurt",
        "Opgave en bronnen",
        "Verloop",
        "Oplevering per jaar",
        "Toelichting",
    ]
    periods = _rows(wb["Bod per periode"])
    for (category, period), (zeker, in_beeld, gap) in EXPECTED.items():
        row = next(r for r in periods if (r["categorie"], r["periode"]) == (category, period))
        assert _span((row["zeker min"], row["zeker max"])) == zeker
        assert _span((row["in beeld min"], row["in beeld max"])) == in_beeld
        assert row["tekort"] == gap
    segments = _rows(wb["Per segment"])
    first = [r for r in segments if (r["categorie"], r["periode"]) == ("geclusterd", "2026-2030")]
    assert {r["segment"]: (r["in beeld min"], r["in beeld max"]) for r in first} == {
        "sociale huur": (12, 18),
        "onbekend": (38, 52),
    }
    for sheet in ("Per segment", "Per wijk of buurt"):  # each the same homes as the periods
        rows = _rows(wb[sheet])
        for p in periods:
            mine = [r for r in rows if (r["categorie"], r["periode"]) == (p["categorie"], p["periode"])]
            assert sum(r["in beeld max"] for r in mine) == p["in beeld max"]
    annex_rows = {r["kavel"]: r for r in _rows(wb["Bijlage locaties"])}
    assert (annex_rows["DLF-010"]["capaciteit_min"], annex_rows["DLF-010"]["schatting_max"]) == (20, 15)
    assert annex_rows["DLF-010"]["capaciteit_let_op"].startswith("opgegeven 20–30 woningen ligt boven")
    assert annex_rows["DLF-010"]["drieslag"] == "compleet"
    assert annex_rows["DLF-020"]["drieslag"] == "mist zorgorganisatie, bewoners/initiatief"
    assert annex_rows["DLF-010"]["verdeling_perioden"] == "2026-2030: 12–18; 2031-2035: 8–12"
    opgave = _rows(wb["Opgave en bronnen"])
    assert {(r["categorie"], r["periode"], r["bron"]) for r in opgave} >= {
        ("geclusterd", "2031-2035", "voorbeeld (geen echt bod)")
    }
    notes = [r["tekst"] for r in _rows(wb["Toelichting"])]
    assert any(n.startswith("zeker = ") for n in notes)

    assert main(["ledger", store.target_label, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    cli = {(r["category"], r["period"]): r for r in data["periods"]}
    for key, (zeker, in_beeld, _gap) in EXPECTED.items():
        r = cli[key]
        assert (_span((r["zeker_min"], r["zeker_max"])), _span((r["in_beeld_min"], r["in_beeld_max"]))) == (
            zeker,
            in_beeld,
        )
    assert (data["drieslag"]["complete"], data["drieslag"]["total"]) == (1, 3)


def _span(pair: tuple[object, object]) -> str:
    lo, hi = (int(str(v)) for v in pair)
    return str(lo) if lo == hi else f"{lo}–{hi}"


def _rows(ws: object) -> list[dict[str, object]]:
    values = list(ws.iter_rows(values_only=True))  # type: ignore[attr-defined]
    header = [str(h) for h in values[0]]
    return [dict(zip(header, row, strict=True)) for row in values[1:]]
