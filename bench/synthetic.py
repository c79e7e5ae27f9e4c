"""A synthetic municipality for the benchmarks: canonical frames of realistic size and shape.

A 20 × 20 km box in RD New (x 145–165 km, y 455–475 km) with a jittered grid of walkable ways
(OSM-like: short ways of ~10 nodes sharing node ids at junctions, a few cut links and steps),
plots as small squares clustered around "villages", and facilities per category placed on
the same clusters. Seeded, so every run measures the same data.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

RD = "EPSG:28992"
X0, Y0, SIZE = 145_000.0, 455_000.0, 20_000.0
CATEGORIES = ("supermarkt", "huisarts", "apotheek", "ontmoeting", "ov_halte", "zorglocatie")


@dataclass(frozen=True)
class Municipality:
    network_source: gpd.GeoDataFrame
    plots: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame
    n_nodes: int


def _centres(rng: np.random.Generator, n: int = 40, size_m: float = SIZE) -> np.ndarray:
    return np.column_stack(
        [rng.uniform(X0 + 1000, X0 + size_m - 1000, n), rng.uniform(Y0 + 1000, Y0 + size_m - 1000, n)]
    )


def villages(size_m: float) -> int:
    """Village count for a box of ``size_m``: 40 per 20 × 20 km, as the municipality has."""
    return max(1, round(40 * (size_m / SIZE) ** 2))


def network(
    n_nodes: int, *, seed: int = 1, way_len: int = 10, size_m: float = SIZE
) -> tuple[gpd.GeoDataFrame, int]:
    """A jittered grid with about ``n_nodes`` nodes over ``size_m`` × ``size_m``, as canonical
    ``network_source`` ways."""
    rng = np.random.default_rng(seed)
    side = int(np.sqrt(n_nodes))
    step = size_m / (side - 1)
    gx, gy = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    jitter = rng.uniform(-0.25, 0.25, size=(2, side, side)) * step
    xs = X0 + gx * step + jitter[0]
    ys = Y0 + gy * step + jitter[1]
    node_id = (gx * side + gy + 1).astype(np.int64)

    rows_ids: list[np.ndarray] = []
    rows_xy: list[np.ndarray] = []
    # Horizontal and vertical chains, cut into ways of ``way_len`` segments sharing end nodes.
    for axis in (0, 1):
        ids = node_id if axis == 0 else node_id.T
        cx = xs if axis == 0 else xs.T
        cy = ys if axis == 0 else ys.T
        for start in range(0, side - 1, way_len):
            stop = min(start + way_len + 1, side)
            rows_ids.append(ids[:, start:stop])
            rows_xy.append(np.stack([cx[:, start:stop], cy[:, start:stop]], axis=-1))
    ids_all = [r for block in rows_ids for r in block]
    xy_all = [r for block in rows_xy for r in block]
    n = len(ids_all)
    keep = rng.random(n) > 0.03  # a few missing links, like real networks
    highway = rng.choice(
        np.array(["residential", "footway", "service", "tertiary", "cycleway", "steps"]),
        size=n,
        p=[0.45, 0.25, 0.12, 0.1, 0.07, 0.01],
    )
    kept = [i for i in range(n) if keep[i]]
    coords = np.concatenate([xy_all[i] for i in kept])
    index = np.repeat(np.arange(len(kept)), [len(xy_all[i]) for i in kept])
    geoms = shapely.linestrings(coords, indices=index)
    frame = gpd.GeoDataFrame(
        {
            "way_id": np.arange(1, n + 1, dtype=np.int64)[keep],
            "highway": highway[keep],
            "footway": pd.Series([None] * int(keep.sum()), dtype="string"),
            "foot": pd.Series([None] * int(keep.sum()), dtype="string"),
            "access": pd.Series([None] * int(keep.sum()), dtype="string"),
            "wheelchair": pd.Series([None] * int(keep.sum()), dtype="string"),
            "name": pd.Series([None] * int(keep.sum()), dtype="string"),
            "node_ids": [" ".join(map(str, ids_all[i])) for i in range(n) if keep[i]],
        },
        geometry=geoms,
        crs=RD,
    )
    return frame, side * side


def plots(n: int, *, seed: int = 2, polygons: bool = True, size_m: float = SIZE) -> gpd.GeoDataFrame:
    """``n`` candidate plots: 20–60 m squares, 70 % clustered around villages, 30 % spread."""
    rng = np.random.default_rng(seed)
    centres = _centres(np.random.default_rng(seed + 100), villages(size_m), size_m)
    n_cl = int(n * 0.7)
    which = rng.integers(0, len(centres), n_cl)
    cx = np.concatenate(
        [centres[which, 0] + rng.normal(0, 600, n_cl), rng.uniform(X0, X0 + size_m, n - n_cl)]
    )
    cy = np.concatenate(
        [centres[which, 1] + rng.normal(0, 600, n_cl), rng.uniform(Y0, Y0 + size_m, n - n_cl)]
    )
    cx = np.clip(cx, X0, X0 + size_m)
    cy = np.clip(cy, Y0, Y0 + size_m)
    if polygons:
        half = rng.uniform(10, 30, n)
        geoms = shapely.box(cx - half, cy - half, cx + half, cy + half)
    else:
        geoms = shapely.points(cx, cy)
    return gpd.GeoDataFrame(
        {
            "plot_id": [f"S{i:07d}" for i in range(n)],
            "name": pd.Series([None] * n, dtype="string"),
            "source": "synthetisch",
            "area_m2": shapely.area(geoms),
        },
        geometry=geoms,
        crs=RD,
    )


def facilities(n: int, *, seed: int = 3, size_m: float = SIZE) -> gpd.GeoDataFrame:
    """``n`` facilities spread over the categories, most of them in villages."""
    rng = np.random.default_rng(seed)
    centres = _centres(np.random.default_rng(seed + 97), villages(size_m), size_m)
    which = rng.integers(0, len(centres), n)
    x = np.clip(centres[which, 0] + rng.normal(0, 800, n), X0, X0 + size_m)
    y = np.clip(centres[which, 1] + rng.normal(0, 800, n), Y0, Y0 + size_m)
    cats = rng.choice(np.array(CATEGORIES), size=n, p=[0.2, 0.15, 0.1, 0.1, 0.35, 0.1])
    return gpd.GeoDataFrame(
        {
            "facility_id": [f"F{i}" for i in range(n)],
            "name": pd.Series([None] * n, dtype="string"),
            "category": cats,
            "source": "synthetisch",
            "departures_per_hour": np.where(cats == "ov_halte", rng.integers(1, 9, n), np.nan),
        },
        geometry=shapely.points(x, y),
        crs=RD,
    )


def municipality(n_nodes: int, n_plots: int, n_facilities: int, *, seed: int = 0) -> Municipality:
    net, nodes = network(n_nodes, seed=seed + 1)
    return Municipality(net, plots(n_plots, seed=seed + 2), facilities(n_facilities, seed=seed + 3), nodes)
