"""Security: text from data stays text in exports and in the app; secrets never leak."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import shapely
from sqlalchemy import select

from projects import exports
from projects.models import Plot, Reservation
from projects.store import ProjectStore
from tests.projects.conftest import fill_project

REPO = Path(__file__).resolve().parents[2]

FORMULAS = ['=HYPERLINK("http://example.invalid","klik")', "+1+1", "-2+3", "@SUM(A1:A2)"]
EVIL_HTML = "<img src=x onerror=alert(1)>"


def _project(path: Path, names: list[str]) -> ProjectStore:
    store = ProjectStore.create(path, name="Veilig", user="tester")
    with store.session() as s:
        for i, name in enumerate(names):
            geom = shapely.box(84_000 + i * 100, 446_000, 84_050 + i * 100, 446_040)
            plot = Plot(plot_id=f"P{i}", name=name, source="test", area_m2=2000.0, geom=geom)
            s.add(plot)
            s.flush()
            s.add(
                Reservation(
                    plot_fid=plot.fid,
                    plot_id=plot.plot_id,
                    category="nultreden",
                    capacity_min=1,
                    capacity_max=2,
                    notes=name,
                    geom=geom,
                )
            )
    return store


def _test_password() -> str:
    pgpass = os.environ.get("PGPASSFILE")
    if not pgpass or not Path(pgpass).is_file():
        pytest.skip("geen PGPASSFILE van de testserver")
    return Path(pgpass).read_text().strip().split(":")[-1]


@pytest.mark.reliability(
    section="security",
    id="csv-formule-injectie",
    category="export CSV",
    input="kavelnamen die beginnen met = + - @",
    expected="in de CSV begint de cel met een apostrof (tekst, geen formule)",
    outcome="elke naam als tekst met apostrof; de rest van de tekst ongewijzigd",
    nothing_lost="volledige naam bewaard",
)
def test_csv_annex_neutralises_formulas(tmp_path: Path) -> None:
    with _project(tmp_path / "p.gpkg", FORMULAS) as store:
        out = exports.write_annex_table(store, tmp_path / "bijlage.csv")
    frame = pd.read_csv(out, sep=";", decimal=",", encoding="utf-8-sig", dtype=str)
    names = list(frame["naam"])
    assert len(names) == len(FORMULAS)
    for name in names:
        assert name.startswith("'"), name
    assert any(n.startswith("'=HYPERLINK(") for n in names)
    assert all(any(f in n for n in names) for f in FORMULAS)  # nothing lost


@pytest.mark.reliability(
    section="security",
    id="xlsx-formule-injectie",
    category="export XLSX",
    input="kavelnamen die beginnen met = + - @",
    expected="elke cel is tekst (data_type 's'), nooit een formule",
    outcome="geen enkele formulecel; tekst exact bewaard",
    nothing_lost="volledige naam bewaard",
)
def test_xlsx_annex_never_writes_formulas(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    with _project(tmp_path / "p.gpkg", FORMULAS) as store:
        out = exports.write_annex_table(store, tmp_path / "bijlage.xlsx")
    ws = load_workbook(out).active
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    names = [row[2] for row in ws.iter_rows(min_row=2, values_only=True)]  # nr, kavel, naam, ...
    for f in FORMULAS:
        assert any(isinstance(n, str) and n.startswith(f) for n in names), names


@pytest.mark.reliability(
    section="security",
    id="html-kaart-escape",
    category="export HTML-kaart",
    input=f"kavelnaam en notitie «{EVIL_HTML}»",
    expected="geen uitvoerbare tag in de HTML-kaart",
    outcome="alleen ge-escapete tekst in het bestand",
    nothing_lost="naam als tekst aanwezig",
)
def test_html_map_keeps_data_as_text(tmp_path: Path) -> None:
    with _project(tmp_path / "p.gpkg", [EVIL_HTML, "gewoon"]) as store:
        out = exports.write_html_map(store, tmp_path / "kaart.html")
    html = out.read_text(encoding="utf-8")
    assert EVIL_HTML not in html
    assert "onerror=alert(1)" not in html.replace("\\u003c", "<").split("<script")[0]
    assert "onerror" in html  # the name is there, as escaped text


@pytest.mark.reliability(
    section="security",
    id="detailpaneel-platte-tekst",
    category="app (Qt)",
    input=f"notitie «{EVIL_HTML}» in het detailpaneel",
    expected="alle datalabels zijn PlainText: HTML wordt getoond, niet uitgevoerd",
    outcome="PlainText; de tekst verschijnt letterlijk",
    nothing_lost="tekst letterlijk zichtbaar",
)
def test_detail_panel_labels_are_plain_text(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    from app.controller import ProjectController
    from app.panels.detail_panel import PlotDetailPanel

    panel = PlotDetailPanel(ProjectController())
    qtbot.addWidget(panel)
    labels = [
        panel.title,
        panel.subtitle,
        panel.method_label,
        panel.robustness_label,
        panel.disagreement_label,
        panel.parties_label,
        panel.zoning_label,
        panel.capacity_label,
        panel.reservation_label,
        panel.notes_label,
    ]
    for label in labels:
        assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()
    panel.notes_label.setText(EVIL_HTML)
    assert panel.notes_label.text() == EVIL_HTML


@pytest.mark.reliability(
    section="security",
    id="wachtwoord-niet-in-exports",
    category="PostGIS / exports",
    input="serverproject geopend met een URL mét wachtwoord; GPKG-, CSV- en HTML-export",
    expected="het wachtwoord staat in geen enkel exportbestand of label",
    outcome="wachtwoord nergens gevonden",
    nothing_lost="exports compleet",
)
@pytest.mark.postgis
def test_password_not_in_exports(tmp_path: Path, pg_url: str) -> None:
    password = _test_password()
    with_password = pg_url.replace("bnp_test@", f"bnp_test:{password}@")
    assert password in with_password
    from projects.gis import write_gis_package as export_gpkg

    with ProjectStore.create(with_password, name="Geheim") as store:
        with store.session() as s:
            s.add(
                Plot(
                    plot_id="P1", name="Kavel", source="t", geom=shapely.box(84_000, 446_000, 84_050, 446_040)
                )
            )
        assert password not in store.target_label
        outs = [
            export_gpkg(store, tmp_path / "export.gpkg"),
            exports.write_annex_table(store, tmp_path / "bijlage.csv"),
            exports.write_html_map(store, tmp_path / "kaart.html"),
        ]
    for out in outs:
        assert password.encode() not in Path(out).read_bytes(), out


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The real console script in a fresh process, with DEBUG logging on stderr (``--verbose``)."""
    return subprocess.run(
        [sys.executable, "-m", "cli", "--verbose", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.reliability(
    section="security",
    id="wachtwoord-niet-in-bestanden-logs-cli",
    category="PostGIS / CLI",
    input="serverproject met het wachtwoord in de URL én via PGPASSWORD; info, status, export-gpkg, pull "
    "en een verbinding met een fout wachtwoord, alles met --verbose",
    expected="het wachtwoord staat niet in de projectbestanden, de logs (stderr, foutlog) of de CLI-uitvoer",
    outcome="alle commando's geslaagd (fout wachtwoord: exit 2, één regel); wachtwoord nergens gevonden",
    nothing_lost="pull en export bevatten alle kavels en reserveringen",
)
@pytest.mark.postgis
def test_password_not_in_project_files_logs_or_cli_output(tmp_path: Path, pg_url: str) -> None:
    password = _test_password()
    with_password = pg_url.replace("bnp_test@", f"bnp_test:{password}@")
    wrong = "FoutWachtwoord9x7q"
    with_wrong = pg_url.replace("bnp_test@", f"bnp_test:{wrong}@")
    assert password in with_password
    assert wrong in with_wrong
    with ProjectStore.create(with_password, name="Geheim") as store:
        fill_project(store)
    logdir = tmp_path / "tmp"  # the CLI writes its error log to the temp dir
    logdir.mkdir()
    base = {k: v for k, v in os.environ.items() if k not in ("PGPASSFILE", "PGPASSWORD")}
    base |= {"TMPDIR": str(logdir), "QT_QPA_PLATFORM": "offscreen"}
    via_url = base
    via_env = base | {"PGPASSWORD": password}
    runs = [
        _cli(["project", "info", with_password, "--json"], via_url),
        _cli(["project", "status", with_password, "1", "--status", "voorgedragen"], via_url),
        _cli(["project", "export-gpkg", with_password, str(tmp_path / "export.gpkg")], via_url),
        _cli(["project", "pull", "--db", with_password, str(tmp_path / "via-url.gpkg")], via_url),
        _cli(["project", "pull", "--db", pg_url, str(tmp_path / "via-env.gpkg")], via_env),
        _cli(["project", "info", pg_url], via_env),
    ]
    for run in runs:
        assert run.returncode == 0, run.stderr
    refused = _cli(["project", "info", with_wrong], base)
    assert refused.returncode == 2, refused.stderr
    assert [line for line in refused.stderr.splitlines() if line.startswith("fout: ")] != []
    assert "Traceback" not in refused.stderr
    for run in [*runs, refused]:
        for secret in (password, wrong):
            assert secret not in run.stdout, run.args
            assert secret not in run.stderr, run.args
    files = [tmp_path / "export.gpkg", tmp_path / "via-url.gpkg", tmp_path / "via-env.gpkg"]
    files += [p for p in logdir.rglob("*") if p.is_file()]
    for path in files:
        data = path.read_bytes()
        assert password.encode() not in data, path
        assert wrong.encode() not in data, path
    for path in (tmp_path / "via-url.gpkg", tmp_path / "via-env.gpkg"):
        with ProjectStore.open(path) as copy, copy.session() as s:
            assert len(s.scalars(select(Plot)).all()) == 3
            statuses = {r.status for r in s.scalars(select(Reservation))}
            assert "voorgedragen" in statuses
