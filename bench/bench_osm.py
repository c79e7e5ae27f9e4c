"""Benchmark: OSM extract → routable walking graph, the fast network read against the old handler.

``python -m bench.bench_osm [PBF ...]`` (default: the Delft extracts in ``../shared/data``)
times, in one process and alternating so load hits both alike:

* **fast**: ``layers.osm.read_osm(path, kinds=[NETWORK_SOURCE])``, which filters in libosmium's
  C++ (``osmium.filter.EntityFilter`` + ``KeyFilter("highway")``: only highway ways reach Python)
  and makes each line with libosmium's WKB factory from its node-location index;
* **old**: the per-object handler of the full scan (``layers.osm._scan`` with the network only:
  every node and way of the file comes to Python, lines built from per-node lon/lat tuples);

each followed by ``plotscore.network.build_walk_graph``, so the time is to a *routable graph*.
The two frames and graphs are checked identical first. Reported per million ways read (every
way with a highway tag in the file). Writes ``OSM.md`` and ``osm.json`` in ``bench/results``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).with_name("results")
SHARED = Path(
    os.environ.get("BODNAARPLOT_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
DEFAULT = [
    SHARED / "delft" / "osm" / "tudelft_2025.osm.pbf",
    SHARED / "delft" / "osm" / "tudelft_clip.osm.pbf",
]


def _measure(path: Path, runs: int) -> dict[str, Any]:
    import numpy as np

    from layers import osm
    from layers.canonical import LayerKind
    from layers.categories import load_osm_rules
    from layers.result import Warnings
    from plotscore.network import build_walk_graph

    rules = load_osm_rules()

    def fast() -> Any:
        frame = osm.read_osm(path, kinds=[LayerKind.NETWORK_SOURCE], rules=rules)[0].frame
        return frame, build_walk_graph(frame)

    def old() -> Any:
        scan = osm._scan(osm._open(path), rules, facilities=False, network=True)
        frame, _meta = osm._network_frame(scan, rules, Warnings(), path, None)
        return frame, build_walk_graph(frame)

    f_frame, f_graph = fast()
    o_frame, o_graph = old()
    same = (
        f_frame.drop(columns="geometry").equals(o_frame.drop(columns="geometry"))
        and bool(
            (
                np.asarray(f_frame.geometry.get_coordinates())
                == np.asarray(o_frame.geometry.get_coordinates())
            ).all()
        )
        and (f_graph.csr != o_graph.csr).nnz == 0
        and bool((f_graph.node_xy == o_graph.node_xy).all())
    )
    net = osm._scan_network(osm._open(path), rules)
    ways_read = len(net.way_ids) + sum(net.excluded.values()) + net.unusable
    t_fast: list[float] = []
    t_old: list[float] = []
    for _ in range(runs):  # alternating: the machine's load falls on both alike
        t = time.perf_counter()
        fast()
        t_fast.append(time.perf_counter() - t)
        t = time.perf_counter()
        old()
        t_old.append(time.perf_counter() - t)
    fm, om = statistics.median(t_fast), statistics.median(t_old)
    return {
        "file": path.name,
        "bytes": path.stat().st_size,
        "highway_ways": ways_read,
        "network_ways": len(f_frame),
        "nodes": f_graph.n_nodes,
        "identical": same,
        "runs": runs,
        "fast_s": fm,
        "old_s": om,
        "fast_s_per_million_ways": fm / ways_read * 1e6,
        "old_s_per_million_ways": om / ways_read * 1e6,
        "ratio": om / fm,
    }


def render(doc: dict[str, Any]) -> str:
    lines = [
        "# OSM extract → routable walking graph (fast network read vs the old handler)",
        "",
        f"`python -m bench.bench_osm`, {doc['date']}; 1-minute load average {doc['load_before']:.1f} before, "
        f"{doc['load_after']:.1f} after (2 shared CPUs: absolute times inflated, the same-run ratio less so). "
        "Both read the file and build the graph (`build_walk_graph`); medians of alternating runs. "
        "*per million ways*: seconds divided by the ways with a highway tag in the file, × 10⁶.",
        "",
        "| file | highway ways | graph nodes | identical | fast (median) | old handler (median) | fast per million ways | "
        "old per million ways | ratio old/fast |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in doc["rows"]:
        lines.append(
            f"| {r['file']} ({r['bytes'] / 1e6:.1f} MB) | {r['highway_ways']:,} | {r['nodes']:,} | "
            f"{'✓' if r['identical'] else '✗'} | {r['fast_s'] * 1000:.0f} ms | {r['old_s'] * 1000:.0f} ms | "
            f"{r['fast_s_per_million_ways']:.1f} s | {r['old_s_per_million_ways']:.1f} s | ×{r['ratio']:.1f} |"
        )
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    files = args.files or [p for p in DEFAULT if p.exists()]
    if not files:
        parser.error("no OSM file given and the shared Delft extracts were not found")
    load_before = os.getloadavg()[0]
    rows = [_measure(p, args.runs) for p in files]
    doc = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
        "rows": rows,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "osm.json").write_text(json.dumps(doc, indent=1), encoding="utf-8")
    (args.out / "OSM.md").write_text(render(doc), encoding="utf-8")
    print(render(doc))
    return 0 if all(r["identical"] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
