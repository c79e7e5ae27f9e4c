"""One truth for every view: every export lists the same reservations, numbered and scored alike.

A project with a *vervallen*, a *gereserveerd* and an *in prestatieafspraak* reservation is
exported under two weightings through the CLI (as a user does): the PDF text, the dossiers, the
CSV and XLSX annex, the web map and the GIS package must name the same plots, with the same
numbers, the same scores and the same weighting label. Opening the project never writes to it.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from cli.main import main
from projects.demo import create_demo_project
from projects.reservations import reserve, set_status
from projects.store import ProjectStore
from projects.views import annex_rows, is_live, live_mask, reserved_view

pypdf = pytest.importorskip("pypdf")

LIVE = {"DLF-010": "gereserveerd", "DLF-007": "in prestatieafspraak"}
GONE = "DLF-023"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("readside") / "p.gpkg"
    store = create_demo_project(path)
    try:
        # Reserved out of plot order on purpose: numbering follows the reservations, not plot ids.
        reserve(store, "DLF-010", "geclusterd", 20, 30, status="gereserveerd", years="2027-2029")
        gone = reserve(store, GONE, "geclusterd", 10, 12, status="kansrijk")
        reserve(store, "DLF-007", "geclusterd", 15, 15, status="in prestatieafspraak", years="2028")
        set_status(store, gone.fid, "vervallen")
    finally:
        store.close()
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tables(path: Path) -> list[str]:
    with sqlite3.connect(path) as con:
        return sorted(r[0] for r in con.execute("SELECT name FROM sqlite_master"))


def _revision(path: Path) -> int:
    with sqlite3.connect(path) as con:
        return int(con.execute("SELECT revision FROM project").fetchone()[0])


def _num(text: str) -> float:
    return float(text.replace(",", "."))


def _export(project: Path, out: Path, weighting: str) -> dict[str, Path]:
    out.mkdir()
    files = {
        "pdf": out / "kaart.pdf",
        "csv": out / "bijlage.csv",
        "xlsx": out / "bijlage.xlsx",
        "html": out / "kaart.html",
        "gpkg": out / "gis.gpkg",
    }
    args = ["export", str(project), "--weighting", weighting, "--dossiers", str(out / "dossiers")]
    for key, path in files.items():
        args += [f"--{key}", str(path)]
    assert main(args) == 0
    return files


def _pdf_text(path: Path) -> str:
    """The text of a PDF as a reader copies it (ligatures unfolded, tabs as spaces)."""
    text = "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(str(path)).pages)
    return unicodedata.normalize("NFKC", text).replace("\t", " ")


def _listing(files: dict[str, Path], dossiers: Path) -> dict[str, list[tuple[int, str, float]]]:
    """(nr, plot_id, score) per output, in the order each output lists them."""
    out: dict[str, list[tuple[int, str, float]]] = {}
    csv = pd.read_csv(files["csv"], sep=";", decimal=",", encoding="utf-8-sig")
    out["csv"] = [(int(r.nr), str(r.kavel), float(r.score)) for r in csv.itertuples()]
    xlsx = pd.read_excel(files["xlsx"])
    out["xlsx"] = [(int(r.nr), str(r.kavel), float(r.score)) for r in xlsx.itertuples()]
    gis = pyogrio.read_dataframe(files["gpkg"], layer="reservations")
    out["gpkg"] = [(int(r.nr), str(r.kavel), float(r.score)) for r in gis.itertuples()]
    html = files["html"].read_text(encoding="utf-8")
    found = re.findall(r'"nr":(\d+),"id":"([^"]+)","score":([0-9.]+)', html)
    out["html"] = [(int(n), pid, float(sc)) for n, pid, sc in found]
    text = _pdf_text(files["pdf"])
    annex = text[text.index("Bijlage: gereserveerde locaties") :]
    # one cell per line (a long name wraps over two): nr, kavel, naam, adres, m², categorie,
    # opgegeven, schatting, status, partners, drieslag, jaren, and the score as the first "12,3"
    rows = re.findall(r"^(\d+)\n(DLF-\d+)\n(?:[^\n]*\n)*?(\d+,\d)$", annex, flags=re.M)
    out["pdf"] = [(int(n), pid, _num(sc)) for n, pid, sc in rows]
    dossier_rows = []
    for path in sorted(dossiers.glob("dossier_*.pdf")):
        m = re.match(r"dossier_(\d+)_(.+)\.pdf", path.name)
        assert m is not None
        score = re.search(r"Score: (\d+) van 100", _pdf_text(path))
        assert score is not None, path
        dossier_rows.append((int(m.group(1)), m.group(2), float(score.group(1))))
    out["dossiers"] = dossier_rows
    return out


@pytest.mark.slow
def test_every_export_lists_the_same_reservations_under_each_weighting(project: Path, tmp_path: Path) -> None:
    results: dict[str, dict[str, list[tuple[int, str, float]]]] = {}
    labels: dict[str, str] = {}
    for weighting in ("consensus", "gemeente"):
        files = _export(project, tmp_path / weighting, weighting)
        listing = _listing(files, tmp_path / weighting / "dossiers")
        reference = listing["csv"]
        # the live ones, numbered 1.. in reservation order: DLF-010 first, DLF-007 second
        assert [(n, pid) for n, pid, _ in reference] == [(1, "DLF-010"), (2, "DLF-007")]
        for name, rows in listing.items():
            if name == "dossiers":  # the dossier shows the score rounded to whole points
                assert [(n, pid, round(s)) for n, pid, s in rows] == [
                    (n, pid, round(s)) for n, pid, s in reference
                ], name
            else:
                assert rows == reference, name
        # every output names the same weighting
        csv = pd.read_csv(files["csv"], sep=";", decimal=",", encoding="utf-8-sig")
        label = str(csv["weging"].iloc[0])
        labels[weighting] = label
        assert set(csv["weging"]) == {label}
        assert set(pd.read_excel(files["xlsx"])["weging"]) == {label}
        assert set(pyogrio.read_dataframe(files["gpkg"], layer="reservations")["weging"]) == {label}
        assert json.dumps(label, ensure_ascii=False)[1:-1] in files["html"].read_text(encoding="utf-8")
        pdf_text = " ".join(_pdf_text(files["pdf"]).split())
        assert " ".join(label.split()) in pdf_text
        for dossier in (tmp_path / weighting / "dossiers").glob("*.pdf"):
            assert " ".join(label.split()) in " ".join(_pdf_text(dossier).split())
        assert GONE not in {pid for _, pid, _ in reference}
        results[weighting] = listing
    assert labels["consensus"].startswith("consensus van de partijen")
    assert labels["gemeente"].startswith("weging van de gemeente")
    # the two weightings give other numbers: the label is not decoration
    assert results["consensus"]["csv"] != results["gemeente"]["csv"]


def test_live_rule_is_one_rule(project: Path) -> None:
    with ProjectStore.open(project) as store:
        rows = annex_rows(store)
        view = reserved_view(store, record=False)
        from projects.reservations import reservations_frame

        frame = reservations_frame(store)
    assert [r.plot_id for r in rows] == ["DLF-010", "DLF-007"]
    assert [r.plot_id for r in view.rows] == ["DLF-010", "DLF-007"]
    assert frame.loc[live_mask(frame), "plot_id"].tolist() == ["DLF-010", "DLF-007"]
    assert [is_live(s, a) for s, a in zip(frame["status"], frame["active"], strict=True)] == [
        True,
        False,
        True,
    ]
    assert not is_live("gereserveerd", False)  # withdrawn


def test_opening_five_times_writes_nothing(project: Path, tmp_path: Path) -> None:
    from app.state import load_state

    copy = tmp_path / "kopie.gpkg"
    copy.write_bytes(project.read_bytes())
    before = (_sha(copy), _tables(copy), _revision(copy))
    for _ in range(5):
        with ProjectStore.open(copy) as store:
            state = load_state(store, "geclusterd")
            assert state.run is not None
            assert len(state.run.frame) == 58
        assert main(["project", "info", str(copy)]) == 0
        assert main(["ledger", str(copy), "--json"]) == 0
    assert (_sha(copy), _tables(copy), _revision(copy)) == before


def test_an_export_records_once_then_reads(project: Path, tmp_path: Path) -> None:
    copy = tmp_path / "kopie.gpkg"
    copy.write_bytes(project.read_bytes())
    assert main(["export", str(copy), "--csv", str(tmp_path / "a.csv")]) == 0
    after_first = (_sha(copy), _tables(copy), _revision(copy))
    assert any(t.startswith("scores_geclusterd_") for t in after_first[1])
    assert main(["export", str(copy), "--csv", str(tmp_path / "b.csv")]) == 0
    assert (_sha(copy), _tables(copy), _revision(copy)) == after_first
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_criteria_without_data_and_uncertain_distances_reach_the_documents(tmp_path: Path) -> None:
    """The run's gaps travel with its numbers: a criterion without data is '–' and 'telt niet mee'
    in a dossier (never ✗), and the annex says which plots have a distance near the network's edge."""
    from plotscore.columns import uncertain_col
    from projects.report import dossier_reports
    from projects.views import score_views

    store = create_demo_project(tmp_path / "p.gpkg")
    try:
        for plot in ("DLF-010", "DLF-001", "DLF-050", "DLF-058"):
            reserve(store, plot, "geclusterd", 10, 12, status="gereserveerd")
        view = score_views(store, ["geclusterd"])["geclusterd"]
        assert view is not None
        assert view.absent  # the demo has no care locations
        rows = annex_rows(store, {"geclusterd": view})
        for row in rows:
            frame_row = view.frame.loc[row.plot_id]
            flagged = [
                c.label
                for c in view.profile.criteria
                if c.kind == "distance"
                and c.weight > 0
                and c.id not in view.absent
                and c.category is not None
                and str(frame_row.get(uncertain_col(c.category))) in ("1", "True")
            ]
            if flagged:
                assert row.distance_note.startswith("rand van het netwerk: afstand onzeker")
                assert all(label in row.distance_note for label in flagged)
            else:
                assert row.distance_note == ""
        dossier = next(iter(dossier_reports(store)))
        labels = {c.id: c.label for c in view.profile.criteria}
        gone = [cells for cells in dossier.criteria if cells[0] in {labels[c] for c in view.absent}]
        assert gone
        for cells in gone:
            assert cells[3] == "–"
            assert cells[5] == "telt niet mee"
            assert "geen gegevens" in cells[1]
    finally:
        store.close()
