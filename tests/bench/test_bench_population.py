"""Smoke test of the walking-reach benchmark at its tiny size: it runs, checks its naive baselines
against ours (equal counts) and writes its files. Timings are the bench's business, not asserted."""

from __future__ import annotations

import json
from pathlib import Path

from bench.bench_population import main


def test_population_bench_runs_and_agrees_with_its_baselines(tmp_path: Path) -> None:
    assert main(["--size", "tiny", "--out", str(tmp_path)]) == 0
    doc = json.loads((tmp_path / "population.json").read_text(encoding="utf-8"))
    naive = [r for r in doc["rows"] if r.get("naive")]
    assert {r["naive"].split()[0] for r in naive} >= {"scipy"}
    assert all(r["ours_s"] > 0 and r["naive_s"] > 0 for r in naive)
    assert "| operation |" in (tmp_path / "POPULATION.md").read_text(encoding="utf-8")
