"""Benchmark (opt-in): a province-scale run, tiled (issue 22, item 5).

``python -m bench.bench_province [--nodes 10000000] [--plots N] [--tile-m 10000] [--workers 2]``
builds a seeded synthetic region with the street density of :mod:`bench.synthetic`'s municipality
(≈ 1,250 nodes per km², so 10M nodes cover ≈ 89 × 89 km, a province), ``--plots`` plots (default
one per 10 nodes: 1M at 10M nodes) and facilities at the municipality's density over the 6
categories, and scores it the way ``bodnaarplot score --tiles grid:METRES`` does:

* the region pass (:func:`plotscore.tiles.prepare_region`: nodes, edges and connected parts of
  the whole region, no graph, for its largest connected part and its network extent);
* the tiles (:func:`plotscore.tiles.tiled_network_distances`: 6 categories with counts) in
  ``--workers`` spawned processes, with every tile's own graph build and search time;
* utilities, scores, top-50 and 5 classes for all plots (``ScoreModel``).

Peak memory is sampled every 0.2 s over the whole process tree (this process and its workers,
``VmRSS`` from ``/proc``) and per phase; the parent's ``ru_maxrss`` and the largest worker's
``VmHWM`` are reported beside it. ``--untiled`` (default up to 2M nodes) also runs the untiled engine on the same
data in the same process, after the tiled run, and checks the two results equal, bit for bit.

Not part of ``python -m bench.run`` (it takes minutes to hours and GBs). Each run is kept in
``bench/results/province.json`` by size and ``PROVINCE.md`` is rewritten from all of them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import resource
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench import synthetic

RESULTS = Path(__file__).with_name("results")
#: Nodes per m² of the municipality's synthetic grid (500k nodes on 20 × 20 km).
DENSITY = 500_000 / synthetic.SIZE**2
#: Facilities per m² (1,000 on 20 × 20 km, the full bench size).
FAC_DENSITY = 1_000 / synthetic.SIZE**2


def _tree_rss_mb() -> float:
    """Resident memory of this process and all its descendants (MB), from /proc."""
    me = os.getpid()
    parent: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as fh:
                fields = dict(line.split(":", 1) for line in fh if ":" in line)
        except OSError:  # the process ended while we looked
            continue
        pid = int(entry)
        parent[pid] = int(fields.get("PPid", "0").strip() or 0)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0] or 0)
    total = 0
    for pid, kb in rss.items():
        p = pid
        while p and p != me:
            p = parent.get(p, 0)
        if p == me:
            total += kb
    return total / 1024.0


def _log(text: str) -> None:
    """A progress line on stderr (a long run killed by a time limit still says how far it got)."""
    print(
        f"{time.strftime('%H:%M:%S')} {text} (tree RSS {_tree_rss_mb() / 1024:.2f} GB)",
        file=sys.stderr,
        flush=True,
    )


class _Sampler:
    """Peak of the process tree's RSS, overall and per named phase (a background thread)."""

    def __init__(self, every_s: float = 0.2) -> None:
        self.every_s = every_s
        self.peak = 0.0
        self.phase = "start"
        self.by_phase: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            now = _tree_rss_mb()
            self.peak = max(self.peak, now)
            self.by_phase[self.phase] = max(self.by_phase.get(self.phase, 0.0), now)
            self._stop.wait(self.every_s)

    def __enter__(self) -> _Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _profile6() -> Any:
    from bench.cases import _profile6 as p6

    return p6()


def run(
    nodes: int, plots_n: int, tile_m: float, workers: int, *, untiled: bool, seed: int = 0
) -> dict[str, Any]:
    from plotscore.criteria import min_departures, reach_m
    from plotscore.distance import network_distances
    from plotscore.model import ScoreModel
    from plotscore.network import build_walk_graph, load_walk_rules
    from plotscore.pipeline import _clip_network, _facility_notes, _norm_radius, network_buffer_m
    from plotscore.tiles import grid_tiles, prepare_region, tiled_network_distances

    size_m = math.sqrt(nodes / DENSITY)
    n_fac = max(60, round(FAC_DENSITY * size_m**2))
    profile = _profile6()
    reach = reach_m(profile)
    rules = load_walk_rules(profile.network_profile)
    out: dict[str, Any] = {
        "nodes_requested": nodes,
        "plots": plots_n,
        "facilities": n_fac,
        "box_km": round(size_m / 1000, 1),
        "tile_m": tile_m,
        "workers": workers,
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "load_before": os.getloadavg()[0],
    }
    with _Sampler() as mem:
        mem.phase = "generate"
        _log("generate")
        t = time.perf_counter()
        net, n_nodes = synthetic.network(nodes, seed=seed + 1, size_m=size_m)
        plots = synthetic.plots(plots_n, seed=seed + 2, size_m=size_m)
        facs = synthetic.facilities(n_fac, seed=seed + 3, size_m=size_m)
        out["generate_s"] = time.perf_counter() - t
        out["ways"] = len(net)
        out["grid_nodes"] = n_nodes
        scored, _deph, _notes = _facility_notes(facs, sorted(reach), min_departures(profile))
        count = _norm_radius(profile)

        mem.phase = "region"
        _log(f"region: {len(net):,} ways, {plots_n:,} plots, {n_fac:,} facilities generated")
        t0 = time.perf_counter()
        source = _clip_network(net, plots, network_buffer_m(profile))
        region = prepare_region(
            source,
            profile=profile.network_profile,
            snap_limit_m=rules.snap_limit_m,
        )
        t1 = time.perf_counter()
        out["region_s"] = t1 - t0
        out["region_nodes"] = region.report.nodes

        mem.phase = "tiles"
        _log(f"tiles: region pass done, {region.report.nodes:,} nodes in its largest part")
        plan = grid_tiles(plots, tile_m)
        tiled = tiled_network_distances(
            plan,
            plots,
            scored,
            region,
            reach,
            count_within=count,
            pace_kmh=profile.pace_kmh,
            snap_limit_m=rules.snap_limit_m,
            workers=workers,
            progress=lambda f, text: _log(f"{100 * f:.0f}% {text}"),
        )
        t2 = time.perf_counter()
        out["tiles_s"] = t2 - t1

        mem.phase = "scores"
        _log("scores")
        model = ScoreModel.from_measures(tiled.distances, profile)
        s = model.scores()
        model.top_k(50, s)
        model.classes(5, s)
        t3 = time.perf_counter()
        out["scores_s"] = t3 - t2
        out["total_s"] = t3 - t0
        out["parent_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        out["children_maxrss_mb"] = tiled.children_peak_rss_mb
        out["tiles"] = tiled.tiles
        del model, s, region

        if untiled:
            mem.phase = "untiled"
            _log("untiled check")
            t = time.perf_counter()
            graph = build_walk_graph(source, profile=profile.network_profile)
            plain = network_distances(
                graph,
                plots,
                scored,
                reach,
                count_within=count,
                pace_kmh=profile.pace_kmh,
                snap_limit_m=rules.snap_limit_m,
            )
            out["untiled_s"] = time.perf_counter() - t
            import pandas as pd

            try:
                pd.testing.assert_frame_equal(tiled.distances, plain, check_exact=True)
                out["equal"] = True
            except AssertionError as exc:
                out["equal"] = False
                out["difference"] = str(exc)[:500]
    out["peak_tree_rss_mb"] = mem.peak
    out["peak_by_phase_mb"] = mem.by_phase
    out["load_after"] = os.getloadavg()[0]
    return out


def _fmt_s(v: float | None) -> str:
    if v is None:
        return "–"
    return f"{v:.0f} s" if v >= 100 else f"{v:.1f} s"


def render(doc: dict[str, Any]) -> str:
    lines = [
        "# Province scale: tiled scoring (opt-in bench)",
        "",
        "`python -m bench.bench_province` — see [../README.md](../README.md#province-scale-opt-in). "
        "Synthetic region with the municipality's street density; plots one per 10 nodes; "
        "6 criteria with counts; tiles `grid:METRES`, run in spawned worker processes. "
        "The machine is shared (2 cores, other engineers' work at the same time): the load "
        "average is given with every run; absolute times are inflated by it.",
        "",
        f"Machine: {doc['machine']['cpu_count']} CPUs, {doc['machine']['platform']}, "
        f"Python {doc['machine']['python']}, {doc['machine']['mem_gb']:.0f} GB RAM.",
        "",
        "| region | plots | tiles × workers | region pass | tiles | scores | **total** | untiled | equal | "
        "peak RSS (tree) | largest worker | target ≤ 8 GB | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in sorted(doc["runs"], key=lambda r: r["nodes_requested"]):
        eq = {True: "✓ bit for bit", False: "✗"}.get(r.get("equal"), "–")
        peak = max(v for k, v in r["peak_by_phase_mb"].items() if k != "untiled")  # the tiled run's own
        lines.append(
            f"| {r['region_nodes']:,} nodes ({r['box_km']} km square, {r['ways']:,} ways) | {r['plots']:,} | "
            f"{len(r['tiles'])} × {r['workers']} ({r['tile_m'] / 1000:g} km) | {_fmt_s(r['region_s'])} | "
            f"{_fmt_s(r['tiles_s'])} | {_fmt_s(r['scores_s'])} | **{_fmt_s(r['total_s'])}** | "
            f"{_fmt_s(r.get('untiled_s'))} | {eq} | {peak / 1024:.2f} GB | "
            f"{r['children_maxrss_mb'] / 1024:.2f} GB | {'✓' if peak <= 8192 else '✗'} | "
            f"{r['load_before']:.1f} → {r['load_after']:.1f} |"
        )
    lines += [
        "",
        "*region pass*: the whole region's nodes, edges and connected parts (no graph, no search), to "
        "find its largest connected part and its extent (the one step whose memory grows with the region). "
        "*tiles*: wall time of all tiles (graph per tile + 6 categories with counts + stitching). "
        "*peak RSS (tree)*: the parent and all workers together, sampled every 0.2 s, over the tiled "
        "run (data generation included; the untiled check afterwards has its own phase below). "
        "*largest worker*: the peak (`VmHWM`) of the largest worker process.",
        "",
    ]
    for r in sorted(doc["runs"], key=lambda r: r["nodes_requested"]):
        tiles = r["tiles"]
        totals = [t["total_s"] for t in tiles]
        lines += [
            f"## {r['region_nodes']:,} nodes, {r['plots']:,} plots: per tile ({r['started']})",
            "",
            f"{len(tiles)} tiles; per tile median {_fmt_s(statistics.median(totals))}, max "
            f"{_fmt_s(max(totals))}, sum {_fmt_s(sum(totals))} (the work; wall {_fmt_s(r['tiles_s'])} "
            f"with {r['workers']} workers). Peak RSS by phase (tree): "
            + ", ".join(f"{k} {v / 1024:.2f} GB" for k, v in r["peak_by_phase_mb"].items())
            + ".",
            "",
            "| tile | plots | ways | nodes | graph | distances | total | worker RSS |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for t in sorted(tiles, key=lambda t: -t["total_s"])[:10]:
            lines.append(
                f"| {t['name']} | {t['plots']:,} | {t['ways']:,} | {t['nodes']:,} | {_fmt_s(t['graph_s'])} | "
                f"{_fmt_s(t['distances_s'])} | {_fmt_s(t['total_s'])} | {t['worker_peak_rss_mb']:.0f} MB |"
            )
        if len(tiles) > 10:
            lines.append(f"| … {len(tiles) - 10} more (all in province.json) | | | | | | | |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=10_000_000)
    parser.add_argument("--plots", type=int, help="default: nodes / 10")
    parser.add_argument("--tile-m", type=float, default=10_000.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--untiled", choices=["auto", "yes", "no"], default="auto")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    untiled = args.untiled == "yes" or (args.untiled == "auto" and args.nodes <= 2_000_000)
    result = run(args.nodes, args.plots or args.nodes // 10, args.tile_m, args.workers, untiled=untiled)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "province.json"
    doc = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"runs": []}
    doc["runs"] = [r for r in doc["runs"] if r["nodes_requested"] != args.nodes] + [result]
    doc["machine"] = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "mem_gb": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3,
        "numpy": np.__version__,
    }
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    (args.out / "PROVINCE.md").write_text(render(doc), encoding="utf-8")
    print(render(doc))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
