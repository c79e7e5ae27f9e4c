"""The whole project workflow from the command line, as a user runs it (real processes).

Done-when of the issue: the Delft demo can be turned into a project from the CLI: import the
layers, score, enter an opgave, reserve three plots with partners, print the ledger; the
project file shows plots and reservations with geometry to GDAL, and the export is readable.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyogrio
import pytest

from tests.cli.test_cli_inspect import REPO, assert_clean_failure, run_cli

DEMO = REPO / "resources" / "demo" / "delft_demo.gpkg"


def ok(*args: str | Path) -> str:
    proc = run_cli(*args)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo turned into a project: new, import, score, opgave, three reservations."""
    p = tmp_path_factory.mktemp("cli") / "delft.gpkg"
    out = ok(
        "project",
        "new",
        p,
        "--name",
        "Delft ouderenhuisvesting",
        "--gemeente",
        "0503",
        "--gemeente-naam",
        "Delft",
    )
    assert "project aangemaakt" in out

    proc = run_cli("project", "import", p, DEMO)
    assert proc.returncode == 0, proc.stderr
    assert "%" in proc.stderr  # progress on stderr
    assert "kavels: 58 nieuw" in proc.stdout
    # the demo holds 7 canonical layers (incl. land_use) plus 3 CBS layers (wijken, gemeente 2024 and 2022)
    assert proc.stdout.count("geïmporteerd:") == 10

    proc = run_cli("project", "score", p, "--profile", "geclusterd")
    assert proc.returncode == 0, proc.stderr
    assert "%" in proc.stderr
    assert "opgeslagen als scoreronde" in proc.stderr
    assert "loopafstand over het netwerk" in proc.stdout

    out = ok(
        "project",
        "opgave",
        p,
        "--category",
        "geclusterd",
        "--period",
        "2026-2030",
        "--target",
        "120",
        "--source",
        "woondeal",
    )
    assert "120 woningen" in out
    info = json.loads(ok("project", "info", p, "--json"))
    plot_ids = [
        r["plot_id"] for r in json.loads(ok("project", "score", p, "--json", "--euclidean"))["top"][:3]
    ]
    assert len(plot_ids) == 3
    assert info["plots"] == 58

    ok(
        "project", "reserve", p, plot_ids[0], "--category", "geclusterd", "--capacity", "20-30",
        "--status", "gereserveerd", "--years", "2027-2029",
        "--partner", "Woonbron:corporatie", "--partner", "Careyn:zorgorganisatie", "--land-owner", "gemeente Delft",
    )  # fmt: skip
    ok(
        "project",
        "reserve",
        p,
        plot_ids[1],
        "--category",
        "geclusterd",
        "--capacity",
        "10-15",
        "--partner",
        "Bewonersgroep Wippolder:bewoners",
    )
    ok(
        "project", "reserve", p, plot_ids[2], "--category", "geclusterd", "--capacity", "40",
        "--status", "in prestatieafspraak", "--years", "2028-2030", "--partner", "Woonbron:corporatie",
    )  # fmt: skip
    return p


def test_ledger_after_the_demo_workflow(project: Path) -> None:
    text = ok("ledger", project)
    line = next(ln for ln in text.splitlines() if ln.startswith("geclusterd"))
    assert "2026-2030" in line
    assert "120" in line
    assert "20–30" in line  # gereserveerd
    assert "60–70" in line  # zeker, and in beeld: the reservation without years is in its own row
    assert "tekort 50–60" in line
    assert "zonder jaren" in text
    assert "0 van 3 reserveringen met complete drieslag" in text
    assert ok("project", "ledger", project) == text
    data = json.loads(ok("ledger", project, "--json"))
    rows = data["periods"]
    assert [(r["category"], r["period"]) for r in rows] == [
        ("geclusterd", "2026-2030"),
        ("geclusterd", "zonder jaren"),
    ]
    row = rows[0]
    assert (row["target"], row["zeker_min"], row["zeker_max"], row["gap_min"], row["gap_max"]) == (
        120,
        60,
        70,
        60,
        50,
    )
    assert (rows[1]["kansrijk_min"], rows[1]["kansrijk_max"]) == (10, 15)
    assert data["drieslag"]["complete"] == 0
    assert data["drieslag"]["total"] == 3
    first = data["reservations"][0]
    assert (first["drieslag_vastgoed"], first["drieslag_zorg"], first["drieslag_bewoners"]) == (
        True,
        True,
        False,
    )
    assert first["drieslag"] == "mist bewoners/initiatief"
    assert data["definitions"]["zeker"].startswith("zeker = ")


def test_project_file_is_a_geopackage_gis_can_read(project: Path) -> None:
    layers = {str(name): str(gtype) for name, gtype in pyogrio.list_layers(project)}
    assert layers.get("plots") not in (None, "None")
    assert layers.get("reservations") not in (None, "None")
    res = pyogrio.read_dataframe(project, layer="reservations")
    assert len(res) == 3
    assert res.crs.to_epsg() == 28992
    assert res.geometry.notna().all()
    assert set(res["status"]) == {"gereserveerd", "kansrijk", "in prestatieafspraak"}
    assert "Woonbron (corporatie); Careyn (zorgorganisatie)" in set(res["partners_text"])
    assert len(pyogrio.read_dataframe(project, layer="plots")) == 58


def test_info_status_workshop_and_export(project: Path, tmp_path: Path) -> None:
    info = json.loads(ok("project", "info", project, "--json"))
    assert info["project"]["gemeente_code"] == "0503"
    assert info["project"]["categories"] == ["nultreden", "geclusterd", "zorggeschikt", "wonen met een plus"]
    assert len(info["score_snapshots"]) == 2
    fid = next(r["fid"] for r in info["reservations"] if r["status"] == "kansrijk")
    text = ok("project", "info", project)
    assert "Delft ouderenhuisvesting" in text
    assert "reservering" in text

    out = ok(
        "project",
        "workshop",
        project,
        "--title",
        "Woonzorgtafel",
        "--date",
        "2026-03-12",
        "--participant",
        "Woonbron",
    )
    assert "werksessie 1" in out
    ok("project", "decision", project, "1", "--text", "Kavel gaat door als voorgedragen")
    out = ok("project", "status", project, str(fid), "--status", "voorgedragen")
    assert "voorgedragen" in out
    rows = json.loads(ok("ledger", project, "--json"))["periods"]
    assert (rows[1]["voorgedragen_min"], rows[1]["kansrijk_min"]) == (10, 0)
    ok("project", "status", project, str(fid), "--status", "kansrijk")  # back, for the other tests

    target = tmp_path / "voor_gis.gpkg"
    assert "geëxporteerd" in ok("project", "export-gpkg", project, target)
    names = {str(n) for n, _ in pyogrio.list_layers(target)}
    assert {"plots", "reservations", "scores_geclusterd", "opgave", "ledger"} <= names
    assert len(pyogrio.read_dataframe(target, layer="reservations")) == 3
    assert len(pyogrio.read_dataframe(target, layer="scores_geclusterd")) == 58


def test_reserve_json_and_reimport(project: Path, tmp_path: Path) -> None:
    copy = tmp_path / "kopie.gpkg"
    copy.write_bytes(project.read_bytes())
    first = json.loads(ok("project", "info", copy, "--json"))["reservations"][0]
    out = json.loads(
        ok(
            "project",
            "reserve",
            copy,
            first["plot_id"],
            "--category",
            "geclusterd",
            "--capacity",
            "25-30",
            "--json",
        )
    )
    assert out["fid"] == first["fid"]
    assert (out["capacity_min"], out["version"]) == (25, first["version"] + 1)
    assert out["partners_text"] == first["partners_text"]
    proc = run_cli("project", "import", copy, DEMO, "--kind", "plots")
    assert proc.returncode == 0, proc.stderr
    assert "kavels: 0 nieuw, 0 bijgewerkt" in proc.stdout
    assert json.loads(ok("project", "info", copy, "--json"))["plots"] == 58


def test_user_errors_are_one_dutch_line(project: Path, tmp_path: Path) -> None:
    copy = tmp_path / "kopie.gpkg"
    copy.write_bytes(project.read_bytes())
    checks = [
        (
            ("project", "reserve", copy, "BESTAAT-NIET", "--category", "geclusterd", "--capacity", "5"),
            "bestaat niet",
        ),
        (("project", "reserve", copy, "x", "--category", "geclusterd", "--capacity", "30-20"), "groter dan"),
        (
            ("project", "opgave", copy, "--category", "studenten", "--period", "2026-2030", "--target", "5"),
            "categorie",
        ),
        (
            ("project", "opgave", copy, "--category", "geclusterd", "--period", "2030-2026", "--target", "5"),
            "vóór",
        ),
        (("project", "status", copy, "999", "--status", "gereserveerd"), "bestaat niet"),
        (("project", "status", copy, "1", "--status", "misschien"), "Onbekende status"),
        (("project", "status", copy, "1", "--status", "vervallen", "--expected-version", "0"), "ververs"),
        (("project", "info", tmp_path / "bestaat-niet.gpkg"), ""),
        (("project", "export-gpkg", copy, tmp_path / "uit.shp"), ".gpkg"),
    ]
    before = copy.read_bytes()
    for args, fragment in checks:
        line = assert_clean_failure(run_cli(*args))
        assert fragment in line, line
    assert copy.read_bytes() == before  # refused edits leave the file as it was


def test_reserving_above_the_estimate_warns_and_history_shows_the_changes(
    project: Path, tmp_path: Path
) -> None:
    """The issue's DLF-010: 1.269 m² is estimated at 7–15 geclusterde woningen; 20–30 warns, exit 0."""
    copy = tmp_path / "kopie.gpkg"
    copy.write_bytes(project.read_bytes())
    proc = run_cli(
        "project", "reserve", copy, "DLF-010", "--category", "geclusterd", "--capacity", "20-30",
        "--years", "2028-2032", "--status", "voorgedragen", "--segment", "sociaal",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "20–30 woningen (opgegeven)" in lines[0]
    assert lines[1] == (
        "  schatting van de tool: 7–15 woningen (oppervlakte × dichtheid (60–120 woningen/ha, voorinstelling))"
    )
    assert (
        "waarschuwing: opgegeven 20–30 woningen ligt boven de schatting van de tool (7–15 woningen, "
        "oppervlakte × dichtheid (60–120 woningen/ha, voorinstelling))"
    ) in lines
    out = json.loads(
        ok("project", "reserve", copy, "DLF-010", "--category", "geclusterd", "--capacity", "10-14", "--json")
    )
    assert out["warnings"] == []  # within the estimate now
    assert out["estimate"].startswith("7–15 woningen")
    assert out["segment"] == "sociale huur"  # the synonym stored by its name
    # 10–14 over 2028–2032: 2 a year; the 4 extra to the later years (0, 1, 1, 1, 1).
    assert out["periods"] == "2026-2030: 6–8; buiten opgave: 4–6"

    history = ok("project", "history", copy, "DLF-010")
    assert "reservering" in history and "(DLF-010, geclusterd) gewijzigd" in history  # noqa: PT018
    assert "capaciteit min (opgegeven): 20 → 10" in history
    assert "capaciteit max (opgegeven): 30 → 14" in history
    assert "(DLF-010, geclusterd) aangemaakt" in history
    day = history.splitlines()[0].split()[0]
    assert (len(day), day[2], day[5]) == (10, "-", "-")  # dd-mm-jjjj
    rows = json.loads(ok("project", "history", copy, "DLF-010", "--json"))
    assert rows[0]["changes"] == [
        {"field": "capaciteit min (opgegeven)", "old": "20", "new": "10"},
        {"field": "capaciteit max (opgegeven)", "old": "30", "new": "14"},
    ]
    assert all(r["plot_id"] == "DLF-010" for r in rows)
    assert "opgave geclusterd 2026-2030 hele gemeente aangemaakt" in ok("project", "history", copy)


def test_split_and_keep_buildings_from_the_command_line(project: Path, tmp_path: Path) -> None:
    copy = tmp_path / "kopie.gpkg"
    copy.write_bytes(project.read_bytes())
    reserve = ("project", "reserve", copy, "DLF-004", "--category", "nultreden", "--capacity", "10")
    out = json.loads(ok(*reserve, "--years", "2029-2032", "--split", "2029:1,2030:1,2031:2", "--json"))
    assert out["year_split"] == "2029:1, 2030:1, 2031:2"
    assert out["periods"] == "buiten opgave: 10"  # no nultreden opgave in this project
    line = assert_clean_failure(run_cli(*reserve, "--split", "2035:1"))
    assert "buiten de opleverjaren 2029-2032" in line
    line = assert_clean_failure(run_cli(*reserve, "--segment", "luxe"))
    assert "Onbekend segment 'luxe'" in line
    # DLF-019 has 831 m² of buildings on its 6.943 m²: kept, they come off the estimate.
    before = ok("project", "plot", copy, "DLF-019")
    assert "geclusterd: 41–83 woningen" in before
    after = ok("project", "plot", copy, "DLF-019", "--keep-buildings")
    assert after.startswith("kavel DLF-019: bestaande bebouwing blijft")
    assert "geclusterd: 36–73 woningen" in after
    assert "zonder 831 m² bestaande bebouwing die blijft" in after
