"""Smoke test of the benchmark harness at a tiny size: files written, every row present.

Timings are not asserted here; speed is the bench suite's business (bench/results/RESULTS.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("networkx")  # the naive network baseline; in the 'bench' extra

from bench.run import run_all


def test_harness_writes_all_rows(tmp_path: Path) -> None:
    doc = run_all("tiny", tmp_path)
    data = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    md = (tmp_path / "RESULTS.md").read_text(encoding="utf-8")
    cases = [r["case"] for r in data["rows"]]
    # network: build + 1 source count; peers: (S=5 with reach, S=5 without) × (ours, scipy,
    # networkx, igraph, networkit, floor, our scipy path, binary heap) + the public call and its
    # plot_access (with reach); scoring: 10 lines; euclid: 2; drag: 1; memory: 1; gui: 2;
    # export: html, pdf (A3), gpkg, xlsx; region: the view cold and refreshed, the double claims alone.
    assert cases == (
        ["network"] * 2
        + ["peers"] * 18
        + ["scoring"] * 10
        + ["euclid"] * 2
        + ["drag"]
        + ["memory"]
        + ["gui"] * 2
        + ["export"] * 4
        + ["region"] * 3
    )
    assert data["rows"] == doc["rows"]
    for key in ("cpu_count", "python", "numpy", "scipy"):
        assert data["machine"][key]
    assert data["date"]
    for row in data["rows"]:
        assert row["ours_s"] > 0
        assert row["operation"] in md
    naive = [r for r in data["rows"] if r["naive"]]
    assert {r["case"] for r in naive} == {"network", "peers", "scoring", "euclid", "drag", "region"}
    # Every peer has a row: measured (answers checked equal) or reported as not installed.
    peers = [r for r in data["rows"] if r["case"] == "peers" and r["operation"].startswith("vs ")]
    for who in ("scipy", "networkx", "igraph", "networkit", "floor", "our scipy path", "binary heap"):
        mine = [r for r in peers if r["operation"] == f"vs {who}"]
        assert len(mine) == 2
        assert all(r["naive_s"] or "NOT INSTALLED" in r["naive"] for r in mine)
    assert "Not measured this round:** pandana" in md
    assert "## Issue 22: the compiled walking core against its targets" in md
    assert all(r["ratio"] and r["ratio"] > 0 for r in naive if r["naive_s"])
    assert next(r for r in data["rows"] if r["case"] == "memory")["peak_rss_mb"] > 0
    assert md.count("| operation |") == 9  # one table per section, (g) the region included
    # --cases: only the drag case runs again; every other row (the Euclidean lines of the scoring
    # case too) is kept as it was, with its own run date.
    again = run_all("tiny", tmp_path, cases=["drag"])
    assert [r["case"] for r in again["rows"]] == cases
    assert [r for r in again["rows"] if r["case"] != "drag"] == [
        r for r in data["rows"] if r["case"] != "drag"
    ]
    assert again["case_runs"]["scoring"] == data["case_runs"]["scoring"]
    assert again["case_runs"]["drag"]["date"] >= data["case_runs"]["drag"]["date"]
    assert "only these cases" in (tmp_path / "RESULTS.md").read_text(encoding="utf-8")
