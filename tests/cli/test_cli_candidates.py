"""``bodnaarplot candidates`` end to end, in a subprocess, as a user runs it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pyogrio

from tests.cli.test_cli_inspect import REPO, assert_clean_failure, run_cli

DEMO = REPO / "resources" / "demo" / "delft_demo.gpkg"


def test_candidates_on_demo_files_writes_gpkg_and_json(tmp_path: Path) -> None:
    out = tmp_path / "kansen.gpkg"
    lst = tmp_path / "plancapaciteit.csv"
    pd.DataFrame(
        {"id": ["A1"], "NAAM": ["Hof aan de Schie"], "WON": [24], "x": [85300.0], "y": [446300.0]}
    ).to_csv(lst, index=False)
    proc = run_cli(
        "candidates", DEMO, "--list", lst, "--map", "name=NAAM,planned_homes=WON", "--out", out, "--json"
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    summary = json.loads(proc.stdout)
    assert len(summary["by_family"]) >= 3
    assert summary["by_rule"]["lijst"] == 1
    assert summary["new"] < summary["count"]  # most demo sites are the demo's own plots
    listed = [c for c in summary["candidates"] if "lijst" in c["rules"]]
    assert "24 geplande woningen" in listed[0]["reasons"]
    frame = pyogrio.read_dataframe(out, layer="kansen")
    assert len(frame) == summary["count"]
    assert {"plot_id", "reason", "reasons", "rules", "category_hint", "duplicate_of"} <= set(frame.columns)


def test_candidates_project_accept(tmp_path: Path) -> None:
    project = tmp_path / "p.gpkg"
    assert run_cli("project", "new", project, "--name", "Kansen").returncode == 0
    assert run_cli("project", "import", project, DEMO).returncode == 0
    proc = run_cli("candidates", "--project", project, "--accept", "all")
    assert proc.returncode == 0, proc.stderr
    assert "aangenomen als kavel:" in proc.stdout
    again = run_cli("candidates", "--project", project, "--accept", "all", "--json")
    assert again.returncode == 0, again.stderr
    summary = json.loads(again.stdout)
    assert summary["accepted"]["added"] == []
    assert summary["new"] == 0


def test_candidates_errors_are_one_dutch_line(tmp_path: Path) -> None:
    line = assert_clean_failure(run_cli("candidates", DEMO, "--out", tmp_path / "x.shp"))
    assert "uitvoerformaat" in line
    line = assert_clean_failure(run_cli("candidates", DEMO, "--accept", "all"))
    assert "--project" in line
    bad = tmp_path / "regels.toml"
    bad.write_text("schema_version = 7\n", encoding="utf-8")
    line = assert_clean_failure(run_cli("candidates", DEMO, "--rules", bad))
    assert "schema_version" in line


def test_candidates_say_which_rules_could_not_run(tmp_path: Path) -> None:
    folder = tmp_path / "assen"
    shutil.copytree(REPO / "tests" / "fixtures" / "real" / "bag" / "lvbag_assen", folder)
    proc = run_cli("candidates", folder)
    assert proc.returncode == 0, proc.stderr
    assert "niet gezocht:" in proc.stdout
    assert (
        "regel transformatie overgeslagen: geen gebruiksdoel in de BAG-laag; importeer verblijfsobjecten"
        in proc.stdout
    )
    as_json = json.loads(run_cli("candidates", folder, "--json").stdout)
    assert {r["rule"] for r in as_json["skipped_rules"]} >= {
        "transformatie",
        "wonen_plus",
        "bestemming_onbebouwd",
    }
