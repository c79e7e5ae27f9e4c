"""Region benchmark: a region of 10 member projects with 2,000 reservations each.

What is timed: ``projects.region.region_view`` on the region file (every member opened read-only,
its ledger computed by ``project_ledger``, the plots' geometry read for the map, the sums per
category × period, and the double claims over all 20,000 reserved plots with an STRtree).
Target: < 2 s (issue 21, item 5).

Baselines in the same process:
* *naive load*: what opening each member in the app does (``project_info``, which reads every
  layer, then ``project_ledger``), one after the other — the path the region avoids.
* *naive double claims*: every pair of reserved plots of two members tested with
  ``shapely.intersection`` in a Python loop. It is time-boxed: a sample of pairs is timed and the
  per-pair time × the number of pairs is reported as *(extrapolated)*; the STRtree's answer is
  checked against the loop's on the sample's members.

The members are synthetic (``bench.synthetic.plots``), each shifted 19 km east of the previous one
so neighbouring members overlap along a 1 km band: some plots there are claimed twice.
Run as ``python -m bench.run --case region`` or directly: ``python -m bench.bench_region``.
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely

from bench.cases import Row, Size

__all__ = ["build_region", "case_region"]

TARGET_S = 2.0
N_MEMBERS = 10
N_RESERVATIONS = 2_000
RUNS = 3
_STATUSES = (
    "kansrijk",
    "voorgedragen",
    "gereserveerd",
    "in prestatieafspraak",
    "in ontwikkeling",
    "gerealiseerd",
)
_CATEGORIES = ("nultreden", "geclusterd", "zorggeschikt")


def _member(path: Path, index: int, n: int) -> None:
    """A member project with ``n`` synthetic plots, each reserved, and an opgave (one transaction
    for the reservations, as an import would)."""
    from sqlalchemy import select

    from bench import synthetic
    from projects.imports import import_layer
    from projects.models import Plot, Reservation
    from projects.project import new_project
    from projects.reservations import set_opgave

    plots = synthetic.plots(n, seed=10 + index)
    plots["geometry"] = plots.geometry.translate(xoff=index * (synthetic.SIZE - 1000.0))
    plots["plot_id"] = [f"M{index:02d}-{i:05d}" for i in range(n)]
    src = path.with_suffix(".plots.gpkg")
    plots.to_file(src, layer="plots", driver="GPKG")
    store = new_project(
        path, f"Gemeente {index}", gemeente_code=f"{9000 + index}", gemeente_naam=f"Gemeente {index}"
    )
    try:
        import_layer(store, src, kind="plots")
        for c, target in zip(_CATEGORIES, (400, 200, 100), strict=True):
            set_opgave(store, c, "2026-2030", target)
        with store.session() as s:
            rows = s.execute(select(Plot.fid, Plot.plot_id, Plot.geom)).all()
            for i, (fid, pid, geom) in enumerate(rows):
                year = 2026 + i % 7
                s.add(
                    Reservation(
                        plot_fid=fid,
                        plot_id=pid,
                        category=_CATEGORIES[i % 3],
                        capacity_min=5 + i % 10,
                        capacity_max=10 + i % 20,
                        status=_STATUSES[i % len(_STATUSES)],
                        active=True,
                        year_start=year,
                        year_end=year + i % 2,
                        geom=geom,
                    )
                )
    finally:
        store.close()
    src.unlink()


def build_region(root: Path, members: int = N_MEMBERS, n: int = N_RESERVATIONS) -> tuple[Path, list[Path]]:
    """The region file and its member files under ``root``."""
    from projects.region import new_region
    from projects.reservations import set_opgave
    from projects.store import ProjectStore

    paths = [root / f"gemeente_{i:02d}.gpkg" for i in range(members)]
    for i, p in enumerate(paths):
        _member(p, i, n)
    region = root / "regio.gpkg"
    new_region(region, name="Benchmarkregio", members=paths, since=dt.date(2026, 1, 1))
    with ProjectStore.open(region) as s:
        for c, target in zip(_CATEGORIES, (4000, 2000, 1000), strict=True):
            set_opgave(s, c, "2026-2030", target)
    return region, paths


def _naive_load(paths: list[Path]) -> None:
    from projects.store import ProjectStore
    from projects.views import project_info, project_ledger

    for p in paths:
        with ProjectStore.open(p, upgrade=False) as store:
            project_info(store)
            project_ledger(store)


def _pairs_sample(view: object, sample: int = 300) -> tuple[float, int, bool]:
    """The Python loop on ``sample`` plots of the first member nearest the second (its eastern
    edge, where they overlap) × every plot of the second: the per-pair time, the number of
    cross-member pairs in the whole region, and whether the loop found the same claims as the
    STRtree for those plots."""
    res = view.reservations  # type: ignore[attr-defined]
    names = list(dict.fromkeys(res["member"]))
    a, b = names[0], names[1]
    left = res.loc[res["member"] == a]
    left = left.iloc[np.argsort(-left.geometry.bounds["maxx"].to_numpy())[:sample]]
    right = res.loc[res["member"] == b]
    found: set[tuple[str, str]] = set()
    count = 0
    t = time.perf_counter()
    for pa, x in zip(left["plot_id"], left.geometry, strict=True):
        for pb, y in zip(right["plot_id"], right.geometry, strict=True):
            if shapely.intersection(x, y).area > 1.0:
                found.add((str(pa), str(pb)))
            count += 1
    per_pair = (time.perf_counter() - t) / max(count, 1)
    sizes = np.array([int((res["member"] == m).sum()) for m in names])
    pairs = int((sizes.sum() ** 2 - (sizes**2).sum()) // 2)
    chosen = set(left["plot_id"].astype(str))
    claims = {
        (c.plot_a, c.plot_b)
        for c in view.double_claims  # type: ignore[attr-defined]
        if (c.member_a, c.member_b) == (a, b) and c.plot_a in chosen
    }
    return per_pair, pairs, claims == found


def measure(members: int = N_MEMBERS, n: int = N_RESERVATIONS, runs: int = RUNS) -> dict[str, object]:
    from projects.region import clear_member_cache, double_claims, region_view

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t = time.perf_counter()
        region, paths = build_region(root, members, n)
        build_s = time.perf_counter() - t
        region_view(region)  # warm the imports of the first read
        ours = []
        for _ in range(runs):
            clear_member_cache()  # cold: every member's ledger computed again
            t = time.perf_counter()
            view = region_view(region)
            ours.append(time.perf_counter() - t)
        warm = []
        for _ in range(runs):  # members unchanged: the Regio view refreshed (another --since)
            t = time.perf_counter()
            region_view(region, since=dt.date(2026, 6, 1))
            warm.append(time.perf_counter() - t)
        naive = []
        for _ in range(max(1, runs - 1)):
            t = time.perf_counter()
            _naive_load(paths)
            naive.append(time.perf_counter() - t)
        claims_s = []
        for _ in range(runs):
            t = time.perf_counter()
            double_claims(view.reservations)
            claims_s.append(time.perf_counter() - t)
        per_pair, pairs, same = _pairs_sample(view)
        return {
            "ours": ours,
            "warm": warm,
            "naive": naive,
            "build_s": build_s,
            "claims": len(view.double_claims),
            "reservations": len(view.reservations),
            "per_pair": per_pair,
            "pairs": pairs,
            "claims_s": claims_s,
            "same": same,
            "errors": [s.error for s in view.members if s.error],
        }


def case_region(size: Size) -> list[Row]:
    n = N_RESERVATIONS if size.name in ("full", "direct") else (500 if size.name == "quick" else 100)
    members = N_MEMBERS if size.name != "tiny" else 3
    res = measure(members, n)
    ours = res["ours"]
    naive = res["naive"]
    warm = res["warm"]
    assert isinstance(warm, list)
    assert isinstance(ours, list)
    assert isinstance(naive, list)
    claims_s = res["claims_s"]
    assert isinstance(claims_s, list)
    label = f"{members} members × {n:,} reservations"
    full = n == N_RESERVATIONS and members == N_MEMBERS
    per_pair, pairs = res["per_pair"], res["pairs"]
    assert isinstance(per_pair, float)
    assert isinstance(pairs, int)
    return [
        Row(
            "region",
            "region view: every member's ledger (read only), sums, shares, double claims (STRtree)",
            label,
            statistics.median(ours),
            len(ours),
            ours_p95_s=max(ours),
            naive="each member opened as the app does (project_info + project_ledger)",
            naive_s=statistics.median(naive),
            naive_runs=len(naive),
            target="< 2 s for 10 × 2,000" if full else "",
            target_s=TARGET_S if full else None,
            note=f"{res['claims']} double claims in {res['reservations']:,} reservations; "
            f"member errors: {len(res['errors'])}",  # type: ignore[arg-type]
        ),
        Row(
            "region",
            "region view refreshed, members unchanged (cached by project revision)",
            label,
            statistics.median(warm),
            len(warm),
            note="one query per member; any change to a member bumps its revision and is read anew",
        ),
        Row(
            "region",
            "double claims alone (STRtree candidates, exact overlap of those)",
            label,
            statistics.median(claims_s),
            len(claims_s),
            naive="shapely.intersection per pair (loop)",
            naive_s=per_pair * pairs,
            naive_runs=1,
            extrapolated=True,
            note=f"{pairs:,} pairs × {per_pair * 1e6:.1f} µs; loop = STRtree on the sampled pair of "
            f"members: {'yes' if res['same'] else 'NO'}",
        ),
    ]


if __name__ == "__main__":
    for row in case_region(Size("direct", 0, N_RESERVATIONS, 0, 0, (), 0, 0)):
        naive = "" if row.naive_s is None else f", naive {row.naive_s:.3f} s ({row.ratio or 0:.1f}×)"
        print(f"{row.operation}: ours {row.ours_s:.3f} s{naive} [{row.size}] {row.note}")
