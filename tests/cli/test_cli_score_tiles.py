"""``bodnaarplot score --tiles``: a region scored tile by tile, in parallel processes."""

from __future__ import annotations

import json

from tests.cli.test_cli_inspect import REPO, assert_clean_failure, run_cli

DEMO = REPO / "resources" / "demo" / "delft_demo.gpkg"


def test_score_in_grid_tiles_reports_every_tile() -> None:
    proc = run_cli("score", DEMO, "--tiles", "grid:1500", "--workers", "2", "--json", "--top", "3")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["method"] == "netwerk"
    tiles = summary["tiles"]
    assert len(tiles) > 1
    assert sum(t["plots"] for t in tiles) == summary["n_plots"] == 58
    plot_tiles = [t for t in tiles if t["plots"] > 0]
    assert len(plot_tiles) > 1
    assert all(t["nodes"] > 0 and t["graph_s"] >= 0 and t["worker_peak_rss_mb"] > 0 for t in plot_tiles)
    # Facilities far from every plot get a check of their own (the notes name the unreachable ones).
    assert all(t["facilities"] > 0 for t in tiles if t["plots"] == 0)
    assert any(n.startswith("Loopafstanden berekend in vierkante tegels") for n in summary["notes"])
    plain = json.loads(run_cli("score", DEMO, "--json", "--top", "3").stdout)
    assert [r["plot_id"] for r in summary["top"]] == [r["plot_id"] for r in plain["top"]]
    assert [r["score"] for r in summary["top"]] == [r["score"] for r in plain["top"]]


def test_score_tiles_bad_input_is_one_clear_line() -> None:
    line = assert_clean_failure(run_cli("score", DEMO, "--tiles", "gemeente"))
    assert "--gemeenten" in line
    line = assert_clean_failure(run_cli("score", DEMO, "--tiles", "grid:1500", "--workers", "0"))
    assert "--workers" in line
