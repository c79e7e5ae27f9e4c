"""Run the scoring-engine benchmarks and write bench/results/RESULTS.md and results.json.

    .venv/bin/python -m bench.run            # full sizes (500k nodes, 100k plots, 1M for memory)
    .venv/bin/python -m bench.run --quick    # smoke sizes, well under a minute

Every case runs in a fresh interpreter, so peak memory (ru_maxrss) is that case's own and no
case warms caches for the next. Naive baselines run in the same process as the method they are
compared with, so ratios are same-run ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.cases import CASES, SIZES, Row, Size, machine_info, run_case

__all__ = ["main", "render_markdown", "run_all"]


def _case_gui(size: Size) -> list[Row]:
    from bench.bench_gui import case_gui  # imports Qt: only in its own child process

    return case_gui(size)


def _case_export(size: Size) -> list[Row]:
    from bench.bench_export import case_export

    return case_export(size)


def _case_peers(size: Size) -> list[Row]:
    from bench.peers import case_peers  # optional peers (igraph, networkit): only in its own child

    return case_peers(size)


def _case_region(size: Size) -> list[Row]:
    from bench.bench_region import case_region  # region of 10 member projects (issue 21)

    return case_region(size)


# The engine cases, the peers beside the network case (bench/peers.py), the GUI case (weight
# change → repainted map, bench/bench_gui.py) and the export case (offline HTML web map of 5k
# plots, bench/bench_export.py).
ALL_CASES = {
    "network": CASES["network"],
    "peers": _case_peers,
    **CASES,
    "gui": _case_gui,
    "export": _case_export,
    "region": _case_region,
}

RESULTS = Path(__file__).resolve().parent / "results"
ROOT = Path(__file__).resolve().parents[1]


def _child(case: str, size: str, timeout_s: float) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "rows.json"
        cmd = [sys.executable, "-m", "bench.run", "--case", case, "--size", size, "--rows-out", str(out)]
        proc = subprocess.run(cmd, cwd=ROOT, timeout=timeout_s, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"case {case} failed:\n{proc.stderr[-4000:]}")
        rows: list[dict[str, Any]] = json.loads(out.read_text(encoding="utf-8"))
        return rows


#: Row cases produced by another case's child (the scoring case also times the Euclidean lines).
_PRODUCED_BY = {"euclid": "scoring"}


def _producer(row: dict[str, Any]) -> str:
    case: str = row["case"]
    return _PRODUCED_BY.get(case, case)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _earlier_runs(out_dir: Path, size: str, keep: list[str]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Rows and run info of the cases in ``keep`` from the results already in ``out_dir`` (same size)."""
    path = out_dir / "results.json"
    if not keep or not path.exists():
        return [], {}
    old = json.loads(path.read_text(encoding="utf-8"))
    if old.get("size") != size:
        return [], {}
    own = {"date": old["date"], "load_before": old["load_before"], "load_after": old["load_after"]}
    runs = {c: old.get("case_runs", {}).get(c, own) for c in keep}
    return [r for r in old["rows"] if _producer(r) in keep], runs


def run_all(
    size: str, out_dir: Path = RESULTS, *, timeout_s: float = 1200.0, cases: list[str] | None = None
) -> dict[str, Any]:
    """Run every case (or only ``cases``) in its own subprocess; write and return the results.

    With ``cases``, the other cases' rows are kept from the results already in ``out_dir`` (same
    size), and every section says when its rows were measured.
    """
    started = time.perf_counter()
    load_before = os.getloadavg()
    chosen = [c for c in ALL_CASES if cases is None or c in cases]
    kept_rows, case_runs = _earlier_runs(out_dir, size, [c for c in ALL_CASES if c not in chosen])
    fresh: dict[str, list[dict[str, Any]]] = {}
    for case in chosen:
        t = time.perf_counter()
        load = os.getloadavg()[0]
        fresh[case] = _child(case, size, timeout_s)
        case_runs[case] = {"date": _now(), "load_before": load, "load_after": os.getloadavg()[0]}
        print(f"[bench] {case}: {time.perf_counter() - t:.1f} s", file=sys.stderr)
    rows = [
        r
        for c in ALL_CASES
        for r in (fresh[c] if c in fresh else [x for x in kept_rows if _producer(x) == c])
    ]
    doc = {
        "date": _now(),
        "size": size,
        "sizes": {k: v.__dict__ for k, v in SIZES.items()},
        "machine": machine_info(),
        "wall_s": time.perf_counter() - started,
        # 1-minute load average before/after: > cpu_count means other work shared the CPUs.
        "load_before": load_before[0],
        "load_after": os.getloadavg()[0],
        "cases_run": chosen,
        "case_runs": case_runs,
        "rows": rows,
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(
        json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out_dir / "RESULTS.md").write_text(render_markdown(doc), encoding="utf-8")
    return doc


def _t(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def _cases_flag(doc: dict[str, Any]) -> str:
    chosen = doc.get("cases_run")
    if not chosen or chosen == list(ALL_CASES):
        return ""
    return f" --cases {','.join(chosen)}"


def _ratio(value: float | None) -> str:
    if not value:
        return "–"
    if value >= 10:
        return f"×{value:.0f}"
    return f"×{value:.1f}" if value >= 1 else f"×{value:.2f}"


PEERS_INTRO = (
    "Here *naive* is the peer and **ratio = peer median / our median**: above 1 ours is faster, "
    "below 1 the peer is. Against the floor the ratio says how far ours is from the least any "
    "exact search must do (target: ours ≤ 3× floor, i.e. ratio ≥ 0.33). Every peer's answer is "
    "checked equal to ours within 1 cm on every node before its row is written; a peer that is "
    "not installed has a row that says so. *Ours* is the default search since issue 22: the "
    "compiled core (plotscore.walkcore, numba bucket queue, exact float keys). *vs our scipy path* "
    "is the fallback without numba (and the default before); *vs binary heap* is the other "
    "kernel we measured for the core (plotscore.fastwalk): below 1 the heap would be faster. "
    "The *public call* line times network_distances (snap the plots, search, count, build the "
    "frame) against its own inner search (target: call ≤ 2× search). **Not measured this "
    "round:** pandana (build + query), pyrosm (PBF read) and cityseer."
)


def _met(value: bool | None) -> str:
    return "–" if value is None else ("✓" if value else "✗")


def render_markdown(doc: dict[str, Any]) -> str:
    """The results as Markdown tables (one per case) with the machine information."""
    m = doc["machine"]
    lines = [
        "# Benchmark results: scoring engine",
        "",
        f"Run {doc['date']} (size `{doc['size']}`, {doc['wall_s']:.0f} s in total) with "
        f"`python -m bench.run{' --quick' if doc['size'] == 'quick' else ''}"
        f"{_cases_flag(doc)}`"
        f"{' (only these cases; the other sections are kept from earlier runs, each with its date)' if _cases_flag(doc) else ''}. "
        "See [../README.md](../README.md) for what each line measures.",
        "",
        f"Machine: {m['cpu_count']} CPUs, {m['processor']}, {m['platform']}; Python {m['python']}, "
        f"numpy {m['numpy']}, scipy {m['scipy']}. 1-minute load average {doc['load_before']:.1f} before, "
        f"{doc['load_after']:.1f} after the run (above the CPU count: other work shared the CPUs and "
        "the absolute times are inflated; the same-run ratios are less affected).",
        "",
        "Times are medians over *n* runs; ratio = naive median / our median, both from the same process. "
        "*(extrapolated)*: the naive ran for a few sources only and its median per-source time was "
        "multiplied by S.",
        "",
    ]
    titles = {
        "network": "(a) Walking-network distance, one category",
        "peers": "(a2) The same search in other libraries, and the floor (same run, same graph)",
        "scoring": "(b) Scoring after the graph is built",
        "euclid": "(b) Straight-line nearest facility",
        "drag": "(c) A weight change",
        "memory": "(d) Peak memory",
        "gui": "(e) GUI: a weight change until the map is repainted",
        "export": "(f) Exports: offline HTML web map, GIS package, annex table",
        "region": "(g) The region: 10 member projects read together (issue 21)",
    }
    for case, title in titles.items():
        rows = [r for r in doc["rows"] if r["case"] == case]
        if not rows:
            continue
        lines += [f"## {title}", ""]
        run = doc.get("case_runs", {}).get(_PRODUCED_BY.get(case, case))
        if run:
            lines += [
                f"Measured {run['date']}; 1-minute load average {run['load_before']:.1f} before, "
                f"{run['load_after']:.1f} after this case.",
                "",
            ]
        if case == "peers":
            lines += [PEERS_INTRO, ""]
        lines += [
            "| operation | size | ours (median) | p95 | n | naive | naive (median) | ratio | target | met |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in rows:
            ours = _t(r["ours_s"])
            if r.get("peak_rss_mb") is not None:
                ours = f"{r['peak_rss_mb']:.0f} MB peak ({_t(r['ours_s'])} wall)"
            ratio = _ratio(r["ratio"])
            naive_n = f" (n={r['naive_runs']})" if r["naive_runs"] else ""
            lines.append(
                f"| {r['operation']} | {r['size']} | {ours} | {_t(r['ours_p95_s'])} | {r['runs']} | "
                f"{r['naive'] or '–'} | {_t(r['naive_s'])}{naive_n} | {ratio} | {r['target'] or '–'} | "
                f"{_met(r['met'])} |"
            )
        notes = [f"* {r['operation'].split(':')[0]}: {r['note']}" for r in rows if r.get("note")]
        if notes:
            lines += ["", *notes]
        lines.append("")
    lines += issue22_section(doc)
    return "\n".join(lines)


def _find(rows: list[dict[str, Any]], case: str, op: str, size: str = "") -> dict[str, Any] | None:
    for r in rows:
        if r["case"] == case and r["operation"].startswith(op) and size in r["size"]:
            return r
    return None


def issue22_section(doc: dict[str, Any]) -> list[str]:
    """Issue 22's targets for the compiled walking core, read from the rows (nothing typed in)."""
    rows = doc["rows"]
    public = _find(rows, "peers", "public call")
    # The group the public call was measured in: S = 100 with the reach at full size.
    s100 = public["size"].split("point plots, ", 1)[-1] if public else "S=100, reach 1 km"
    ours = _find(rows, "peers", "ours: inner search", s100)
    if ours is None:
        return []
    out = ["## Issue 22: the compiled walking core against its targets", ""]
    run = doc.get("case_runs", {}).get("peers")
    if run:
        out += [
            f"From the rows above (peers measured {run['date']}, 1-minute load average "
            f"{run['load_before']:.1f}–{run['load_after']:.1f} on 2 CPUs: absolute times are "
            "inflated, the same-run ratios less so).",
            "",
        ]
    out += ["| target | measured (same run) | met |", "|---|---|---|"]
    floor = _find(rows, "peers", "vs floor", s100)
    bare = _find(rows, "peers", "vs scipy", s100)
    mine = _find(rows, "peers", "vs our scipy path", s100)
    heap = _find(rows, "peers", "vs binary heap", s100)
    if floor and floor["naive_s"]:
        times = ours["ours_s"] / floor["naive_s"]
        out.append(
            f"| one category ({s100}): ≤ 3× the floor | {_t(ours['ours_s'])} = "
            f"{times:.1f}× the floor ({_t(floor['naive_s'])}) | {_met(times <= 3.0)} |"
        )
    if bare and bare["naive_s"]:
        out.append(
            f"| … never slower than bare scipy | bare scipy {_t(bare['naive_s'])}: ratio "
            f"{_ratio(bare['ratio'])}"
            + (f"; our scipy path {_t(mine['naive_s'])} ({_ratio(mine['ratio'])})" if mine else "")
            + (f"; binary-heap kernel {_t(heap['naive_s'])} ({_ratio(heap['ratio'])})" if heap else "")
            + f" | {_met(bool(bare['ratio'] and bare['ratio'] >= 1.0))} |"
        )
    score = _find(rows, "scoring", "SCORING (issue 22")
    if score:
        entry = _find(rows, "scoring", "… of which: plot entry points")
        core = _find(rows, "scoring", "… of which: network_distances, compiled core")
        why = []
        if entry:
            why.append(f"plot entry points alone {_t(entry['ours_s'])}")
        if core and core["naive_s"]:
            why.append(
                f"network_distances {_t(core['ours_s'])} on the compiled core against "
                f"{_t(core['naive_s'])} on the scipy path ({_ratio(core['ratio'])})"
            )
        out.append(
            f"| whole scoring, 100k plots × 6 criteria with counts: ≤ 0.5 s | {_t(score['ours_s'])}"
            + (f" (timed separately in the same run: {'; '.join(why)})" if why else "")
            + f" | {_met(score['met'])} |"
        )
    if public:
        snap = _find(rows, "peers", "… of which: plot entry points (plot_access)")
        out.append(
            f"| public call ({public['size']}): ≤ 2× its inner search | {_t(public['ours_s'])} "
            f"against {_t(ours['ours_s'])}"
            + (f" (plot_access alone {_t(snap['ours_s'])})" if snap else "")
            + f" | {_met(public['met'])} |"
        )
    peer_rows = [
        r
        for r in rows
        if r["case"] == "peers" and r["operation"] in ("vs scipy", "vs networkx", "vs igraph", "vs networkit")
    ]
    if peer_rows:
        lost = [
            f"{r['operation']} at {r['size'].split(', ', 1)[1]} ({_ratio(r['ratio'])})"
            for r in peer_rows
            if not r["met"]
        ]
        out.append(
            f"| faster than every peer on every network row | {len(peer_rows) - len(lost)} of "
            f"{len(peer_rows)} rows"
            + (f"; not: {', '.join(lost)}" if lost else "")
            + f" | {_met(not lost)} |"
        )
    out.append("")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke sizes (< 1 min)")
    parser.add_argument("--size", choices=sorted(SIZES), help="size preset (overrides --quick)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="output folder")
    parser.add_argument(
        "--cases",
        help="comma-separated cases to run (" + ",".join(ALL_CASES) + "); the others' rows are "
        "kept from the results already in --out",
    )
    parser.add_argument("--case", choices=sorted(ALL_CASES), help=argparse.SUPPRESS)
    parser.add_argument("--rows-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    size = args.size or ("quick" if args.quick else "full")
    if args.case:  # child process: one case, rows to a file
        if args.case in CASES:
            rows = run_case(args.case, size)
        else:
            rows = [r.as_dict() for r in ALL_CASES[args.case](SIZES[size])]
        args.rows_out.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        return 0
    cases = args.cases.split(",") if args.cases else None
    unknown = sorted(set(cases or []) - set(ALL_CASES))
    if unknown:
        parser.error(f"unknown case(s): {', '.join(unknown)}")
    doc = run_all(size, args.out, cases=cases)
    print((args.out / "RESULTS.md").read_text(encoding="utf-8"))
    return 0 if doc["rows"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
