"""``bodnaarplot score`` on the demo, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pyogrio

from tests.cli.test_cli_inspect import REPO, assert_clean_failure, run_cli

DEMO = REPO / "resources" / "demo" / "delft_demo.gpkg"


def test_score_demo_writes_gpkg_with_all_columns(tmp_path: Path) -> None:
    out = tmp_path / "scores.gpkg"
    proc = run_cli("score", DEMO, "--profile", "geclusterd", "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "%" in proc.stderr  # progress on stderr
    assert "loopafstand over het netwerk" in proc.stdout
    frame = pyogrio.read_dataframe(out, layer="scores_geclusterd")
    assert len(frame) == 58
    # The run's notes travel with the numbers: a notes table in the GeoPackage.
    notes = pyogrio.read_dataframe(out, layer="scores_geclusterd_notes", read_geometry=False)
    assert notes["note"].str.contains("geen gegevens in de geladen lagen over apotheken", case=False).any()
    for col in ("uncertain_supermarkt", "distance_uncertain", "network_edge_m"):
        assert col in frame.columns
    for col in (
        "dist_supermarkt_m",
        "score_supermarkt",
        "norm_supermarkt_ok",
        "zoning_class",
        "capacity_min",
        "capacity_max",
        "explanation",
        "robustness",
    ):
        assert col in frame.columns
    assert frame["rank"].is_monotonic_increasing


def test_score_json_and_csv(tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    proc = run_cli("score", DEMO, "--profile", "zorggeschikt", "--json", "--out", out, "--top", "5")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["method"] == "netwerk"
    assert summary["profile"] == "zorggeschikt"
    assert len(summary["top"]) == 5
    assert summary["top"][0]["rank"] == 1
    header = out.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:2] == ["x_rd", "y_rd"]
    assert "explanation" in header
    assert header[-1] == "run_notes"  # the notes on every row of a CSV
    assert summary["criteria_without_data"]["apotheek"].startswith("Apotheek: geen gegevens")


def test_score_euclidean_is_labelled(tmp_path: Path) -> None:
    proc = run_cli("score", DEMO, "--euclidean", "--json")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["method"] == "hemelsbreed"
    assert summary["network_loaded"] is True
    # The header tells why: asked for, not "no network" (the demo has one).
    proc = run_cli("score", DEMO, "--euclidean")
    assert "HEMELSBREED (gevraagd met --euclidean)" in proc.stdout
    assert "geen netwerk geladen" not in proc.stdout


def test_score_errors_are_one_line(tmp_path: Path) -> None:
    assert_clean_failure(run_cli("score", DEMO, "--profile", "bestaat-niet"))
    assert_clean_failure(run_cli("score", DEMO, "--out", tmp_path / "x.shp"))
    only_plots = tmp_path / "plots.geojson"
    pyogrio.write_dataframe(pyogrio.read_dataframe(DEMO, layer="plots"), only_plots)
    line = assert_clean_failure(run_cli("score", only_plots))
    assert "voorzieningen" in line
