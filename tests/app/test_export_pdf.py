"""The reserved-location map as PDF and the per-plot dossiers (app.export.pdf)."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.dialogs.about_dialog import attributions
from app.export.pdf import DISCLAIMER, write_dossiers, write_reserved_map_pdf
from cli.main import main
from projects.errors import InputsError
from projects.plots import add_plot, plots_frame
from projects.reservations import reserve
from projects.snapshots import score_project
from projects.store import ProjectStore

XSS = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project, scored once (geclusterd) and without reservations; copy before use."""
    from projects.demo import create_demo_project

    path = tmp_path_factory.mktemp("pdf") / "p.gpkg"
    store = create_demo_project(path)
    try:
        score_project(store, "geclusterd")
    finally:
        store.close()
    return path


def _store(scored: Path, tmp_path: Path, plots: list[str]) -> ProjectStore:
    path = tmp_path / "p.gpkg"
    shutil.copy(scored, path)
    store = ProjectStore.open(path)
    for pid in plots:
        reserve(
            store,
            pid,
            "geclusterd",
            20,
            30,
            status="gereserveerd",
            years="2027-2029",
            partners=[("Woonbron", "corporatie")],
        )
    return store


def _text(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def _flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())  # NFKC: the PDF's "ﬁ" ligature is "fi"


def _is_bod(page: str) -> bool:
    return _flat(page).startswith("Verloop van het bod")


def _is_demand(page: str) -> bool:
    """A page of the demand annex (issue 20): its title says so."""
    return "Bijlage: vraag uit de demografie" in _flat(page)


def test_map_pdf_has_legend_scale_numbers_and_attribution(scored: Path, tmp_path: Path) -> None:
    store = _store(scored, tmp_path, ["DLF-010", "DLF-003", "DLF-020"])
    try:
        seen: list[float] = []
        out = write_reserved_map_pdf(store, tmp_path / "kaart.pdf", progress=lambda f, _t: seen.append(f))
    finally:
        store.close()
    assert out.exists()
    assert seen[-1] == 1.0
    assert not [p for p in tmp_path.iterdir() if ".tmp" in p.name]  # the temp file was moved into place
    pages = _text(out)
    first = _flat(pages[0])
    for word in ("Legenda", "geclusterd", "gereserveerd", "overige kavel", "gebouw (BAG)", "Bestemming"):
        assert word in first
    assert any(f" {n} m " in f" {first} " for n in (100, 200, 250, 500, 1000)) or " km" in first
    # Attribution lines of the sources in the project (BAG, OSM, CBS in the demo), none of others.
    present = {d["id"]: d["attribution"] for d in attributions()["data"]}
    for key in ("bag", "osm", "cbs"):
        assert _flat(present[key]) in first
    for key in ("brt", "imro", "brk"):
        assert _flat(present[key]) not in first
    assert "delft_demo.gpkg" not in first  # sources by their names, not by file
    assert first.lower().count("datum onbekend") == 1  # said once, not once per layer
    assert _flat(DISCLAIMER) in first
    assert "N" in pages[0].split()
    assert "Opgave en reserveringen" in first
    assert "opgave 70" in first
    tokens = pages[0].split()
    for nr in ("1", "2", "3"):
        assert nr in tokens
    annex = _flat(" ".join(pages[1:]))
    assert "Bijlage" in annex
    assert "DLF-010" in annex
    assert "Woonbron (corporatie)" in annex
    assert "2027–2029" in annex


def test_annex_breaks_across_pages_with_repeated_header(scored: Path, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    few = _store(scored, tmp_path / "a", ["DLF-010"])
    try:
        small = write_reserved_map_pdf(few, tmp_path / "a" / "klein.pdf")
    finally:
        few.close()
    many_dir = tmp_path / "b"
    many_dir.mkdir()
    plot_ids = [f"DLF-{i:03d}" for i in range(1, 51)]
    many = _store(scored, many_dir, plot_ids)
    try:
        big = write_reserved_map_pdf(many, many_dir / "groot.pdf")
        dossiers = write_dossiers(many, many_dir / "dossiers")
    finally:
        many.close()
    n_small, n_big = len(PdfReader(small).pages), len(PdfReader(big).pages)
    # The demo has CBS figures, so the PDF ends with the demand annex (issue 20): not counted here.
    demand_pages = sum(_is_demand(page) for page in _text(small))
    assert demand_pages >= 1
    # And the page "Verloop van het bod" (issue 21): the charts per category, one page here.
    bod_pages = sum(_is_bod(page) for page in _text(small))
    assert bod_pages == 1
    assert n_small == 2 + bod_pages + demand_pages
    assert n_big >= 3 + bod_pages + demand_pages
    annex = [page for page in _text(big)[1:] if not _is_demand(page) and not _is_bod(page)]
    assert all("woningcategorie" in page and "opgegeven" in page and "schatting" in page for page in annex)
    assert "(vervolg)" in annex[1]
    assert "50" in annex[-1].split()
    assert len(dossiers) == 50
    assert all(p.exists() for p in dossiers)


def test_dossiers_one_per_reservation(scored: Path, tmp_path: Path) -> None:
    store = _store(scored, tmp_path, ["DLF-010", "DLF-020"])
    try:
        paths = write_dossiers(store, tmp_path / "dossiers")
    finally:
        store.close()
    assert [p.name for p in paths] == ["dossier_01_DLF-010.pdf", "dossier_02_DLF-020.pdf"]
    assert len(list((tmp_path / "dossiers").glob("*.pdf"))) == 2
    text = _flat(" ".join(_text(paths[0])))  # the dossier with its continuation sheet
    assert "DLF-010" in text
    assert "Criteria tegenover de normen" in text
    assert "Supermarkt" in text
    assert "norm 400 m" in text
    assert "400 m (doorgetrokken)" in text
    assert "Bestemming:" in text
    # The user's number as entered, the tool's estimate beside it, never one for the other.
    assert "Woningen (opgegeven): 20–30 woningen" in text
    assert "Schatting van de tool: 7–15 woningen (oppervlakte × dichtheid" in text
    assert "Let op (capaciteit): opgegeven 20–30 woningen ligt boven de schatting van de tool" in text
    assert "20–30 woningen — oppervlakte" not in text
    assert "Partners: Woonbron (corporatie)" in text
    assert "Drieslag: corporatie/belegger ✓ · zorgorganisatie ✗ · bewoners/initiatief ✗" in text
    assert "© OpenStreetMap-bijdragers (ODbL 1.0)" in text
    assert _flat(DISCLAIMER) in text


def test_script_name_appears_literally(scored: Path, tmp_path: Path) -> None:
    store = _store(scored, tmp_path, [])
    try:
        plot = plots_frame(store).iloc[0]
        pid = "EIGEN-001"
        add_plot(store, pid, plot.geometry.buffer(-1), name=XSS)
        reserve(store, pid, "geclusterd", 5, 10, status="voorgedragen")
        out = write_reserved_map_pdf(store, tmp_path / "kaart.pdf", page="A3", landscape=False)
        paths = write_dossiers(store, tmp_path / "d")
    finally:
        store.close()
    assert XSS in "".join(_text(out)[1:])
    assert XSS in _text(paths[0])[0]


def test_no_reservations_is_a_dutch_error(scored: Path, tmp_path: Path) -> None:
    store = _store(scored, tmp_path, [])
    try:
        with pytest.raises(InputsError, match="reserveringen"):
            write_reserved_map_pdf(store, tmp_path / "kaart.pdf")
        with pytest.raises(InputsError, match="papierformaat"):
            write_reserved_map_pdf(store, tmp_path / "kaart.pdf", page="A0")
    finally:
        store.close()
    assert not (tmp_path / "kaart.pdf").exists()


def test_cli_export_pdf(scored: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _store(scored, tmp_path, ["DLF-010"]).close()
    project = tmp_path / "p.gpkg"
    rc = main(
        [
            "export",
            str(project),
            "--pdf",
            str(tmp_path / "k.pdf"),
            "--format",
            "a3",
            "--portrait",
            "--extent",
            "kavels",
            "--dossiers",
            str(tmp_path / "dos"),
        ]
    )
    out = capsys.readouterr()
    assert rc == 0, out.err
    assert "kaart geschreven" in out.out
    assert "1 dossiers" in out.out
    box = PdfReader(tmp_path / "k.pdf").pages[0].mediabox
    assert float(box.height) > float(box.width) > 800  # A3 portrait, in points
    assert "Kaartbeeld: alle kavels" in _flat(_text(tmp_path / "k.pdf")[0])
    rc = main(["export", str(project), "--pdf", str(tmp_path / "nope" / "k.pdf")])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.strip().splitlines()[-1].startswith("fout: De map")
    assert "Traceback" not in err


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) not installed")
def test_first_page_renders(scored: Path, tmp_path: Path) -> None:
    store = _store(scored, tmp_path, ["DLF-010", "DLF-003"])
    try:
        out = write_reserved_map_pdf(store, tmp_path / "kaart.pdf")
    finally:
        store.close()
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", "-singlefile", str(out), str(tmp_path / "p1")],
        check=True,
    )
    assert (tmp_path / "p1.png").stat().st_size > 10_000


def test_demand_annex_page_beside_the_bod(scored: Path, tmp_path: Path) -> None:
    """Issue 20: the PDF's demand annex: derived opgave beside the bod, per wijk, CBS beside walking."""
    store = _store(scored, tmp_path, ["DLF-011"])
    try:
        out = write_reserved_map_pdf(store, tmp_path / "kaart.pdf")
    finally:
        store.close()
    demand = unicodedata.normalize("NFKC", _flat(" ".join(p for p in _text(out) if _is_demand(p))))
    for words in (
        "Afgeleide opgave naast het bod",
        "Wijk 28 Wippolder",
        "CBS-afstand over de weg naast de loopafstand",
        "Waarom ze verschillen",
        "schatting",
        "Programma Wonen en zorg voor ouderen",
        "CBS Kerncijfers wijken en buurten 2024",
    ):
        assert words in demand
    assert "bod 640–690 lager" in demand  # nultreden: bod 150 beside the derived 790–840
