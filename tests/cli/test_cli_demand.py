"""``bodnaarplot demand`` and the ledger's "afgeleide opgave" on the Delft demo, as real processes.

Done-when of issue 20: the demo prints older residents per wijk, the derived need per category with
its range and sources, and the difference with the entered bod.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli_inspect import REPO, assert_clean_failure, run_cli

DEMO = REPO / "resources" / "demo" / "delft_demo.gpkg"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("demand") / "delft.gpkg"
    for args in (
        ("project", "new", p, "--name", "Delft", "--gemeente", "0503", "--gemeente-naam", "Delft"),
        ("project", "import", p, DEMO),
        ("project", "opgave", p, "--category", "geclusterd", "--period", "2026-2030", "--target", "70"),
        ("project", "reserve", p, "DLF-011", "--category", "geclusterd", "--capacity", "20-30"),
    ):
        proc = run_cli(*args)
        assert proc.returncode == 0, proc.stderr
    return p


def test_demand_text_on_the_demo(project: Path) -> None:
    proc = run_cli("demand", project)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Traceback" not in proc.stderr
    # Older residents per wijk, with their range.
    assert "Wijk 28 Wippolder" in out
    assert "1.540 (1.470–1.610)" in out
    # The derived need per category with its range, beside the bod, and the difference.
    for cat in ("nultreden", "geclusterd", "zorggeschikt"):
        assert cat in out
    assert "afgeleide opgave" in out
    assert "bod" in out
    assert "lager" in out
    # CBS road distance beside walking, and why they differ.
    assert "CBS weg" in out
    assert "lopen 65+" in out
    assert "Waarom ze verschillen" in out
    # Sources and the word schatting.
    assert "schatting" in out
    assert "Bronnen:" in out
    assert "CBS Kerncijfers wijken en buurten 2024" in out


def test_demand_json_and_horizon(project: Path) -> None:
    proc = run_cli("demand", project, "--json", "--horizon", "2035", "--no-distances")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["horizon"] == 2035
    assert data["gemeente"]["code"] == "GM0503"
    wip = next(a for a in data["gebieden"] if a["code"] == "WK050328")
    assert wip["ouderen_65plus"]["min"] < wip["ouderen_65plus"]["schatting"] < wip["ouderen_65plus"]["max"]
    assert wip["categorieen"]["geclusterd"]["gereserveerd"] == {"min": 20.0, "max": 30.0}
    geclusterd = next(o for o in data["opgave"] if o["categorie"] == "geclusterd")
    assert geclusterd["bod"] == 70
    assert geclusterd["afgeleide_opgave"]["min"] <= geclusterd["afgeleide_opgave"]["max"]
    assert data["cbs_vs_lopen"]["rijen"] == []  # --no-distances
    assert "schatting" in data["schatting"]
    assert data["bronnen"]


def test_ledger_shows_the_derived_opgave_beside_the_bod(project: Path) -> None:
    proc = run_cli("ledger", project)
    assert proc.returncode == 0, proc.stderr
    assert "Afgeleide opgave uit de demografie" in proc.stdout
    assert "vervangt het niet" in proc.stdout
    rows = json.loads(run_cli("ledger", project, "--json").stdout)["periods"]
    row = next(r for r in rows if r["category"] == "geclusterd" and r["target"] == 70)
    assert row["afgeleide_opgave_min"] <= row["afgeleide_opgave_max"]
    assert row["verschil_max"] == 70 - row["afgeleide_opgave_min"]


def test_bad_horizon_is_one_dutch_line(project: Path) -> None:
    proc = run_cli("demand", project, "--horizon", "1700")
    assert "Horizonjaar 1700" in assert_clean_failure(proc)
