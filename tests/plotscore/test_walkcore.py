"""The compiled walking core (plotscore.walkcore) against the scipy reference.

Random graphs (property-based): the per-category fields equal scipy's multi-source Dijkstra and
the per-facility plot pass equals a brute force over scipy's all-sources distances. The whole
public call equals the scipy path (forced through BODNAARPLOT_WALK_CORE=scipy) on the demo and
on random street grids: distance within 1 cm, the same count, the same nearest facility where
distances are not tied. The fallback (env var, numba missing) is tested too.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.sparse.csgraph import dijkstra
from shapely.geometry import Point, box

from plotscore import distance as distance_mod
from plotscore import walkcore
from plotscore.columns import DISTANCE_UNCERTAIN, count_col, dist_col, nearest_col, uncertain_col
from plotscore.distance import network_distances
from plotscore.network import WalkGraph, build_walk_graph
from tests.plotscore.test_distance import RD, facilities, grid_frame

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "delft_demo.gpkg"
TOL_M = 0.01

pytestmark = pytest.mark.skipif(not walkcore.numba_available(), reason="numba is a core dependency")


@st.composite
def graphs(draw: st.DrawFn) -> sparse.csr_array:
    n = draw(st.integers(1, 30))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=80, unique=True))
    pairs = [(a, b) for a, b in pairs if a != b]
    w = draw(
        st.lists(
            st.sampled_from([0.0, 0.5, 1.0, 3.0, 40.0]) | st.floats(0, 500),
            min_size=len(pairs),
            max_size=len(pairs),
        )
    )
    directed = draw(st.booleans())
    rows = [a for a, _ in pairs] + ([] if directed else [b for _, b in pairs])
    cols = [b for _, b in pairs] + ([] if directed else [a for a, _ in pairs])
    data = w + ([] if directed else w)
    csr = sparse.csr_array(sparse.coo_array((data, (rows, cols)), shape=(n, n)).tocsr())
    csr.sum_duplicates()
    return csr


limits = st.sampled_from([np.inf, 0.0, 1.0, 40.0]) | st.floats(0, 2000)


@settings(max_examples=120, deadline=None)
@given(data=st.data(), csr=graphs(), delta=st.sampled_from([0.5, 10.0, 40.0, 1000.0]))
def test_fields_equal_scipy_on_random_graphs(
    data: st.DataObject, csr: sparse.csr_array, delta: float
) -> None:
    n = csr.shape[0]
    n_cat = data.draw(st.integers(1, 3))
    sources = [
        np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=5)), dtype=np.int64)
        for _ in range(n_cat)
    ]
    lims = [float(data.draw(limits)) for _ in range(n_cat)]
    d, s = walkcore.fields(csr.indptr, csr.indices, csr.data, sources, lims, delta=delta)
    for c in range(n_cat):
        ref = dijkstra(csr, directed=True, indices=sources[c], min_only=True, limit=lims[c])
        reached = np.isfinite(ref)
        assert np.array_equal(np.isfinite(d[c]), reached)
        assert np.all(np.abs(d[c][reached] - ref[reached]) <= TOL_M)
        assert np.all(s[c][~reached] == -1)
        if reached.any():  # the named source is a nearest one
            uniq = np.unique(sources[c])
            each = dijkstra(csr, directed=True, indices=uniq)
            row = np.searchsorted(uniq, s[c][reached])
            assert np.all(np.isin(s[c][reached], uniq))
            np.testing.assert_allclose(each[row, np.flatnonzero(reached)], d[c][reached], atol=TOL_M)


@settings(max_examples=120, deadline=None)
@given(data=st.data(), csr=graphs())
def test_plot_pass_equals_brute_force(data: st.DataObject, csr: sparse.csr_array) -> None:
    n = csr.shape[0]
    n_plots = data.draw(st.integers(1, 6))
    n_ent = data.draw(st.integers(0, 15))
    e_node = np.array(
        data.draw(st.lists(st.integers(0, n - 1), min_size=n_ent, max_size=n_ent)), dtype=np.int64
    )
    e_plot = np.array(
        data.draw(st.lists(st.integers(0, n_plots - 1), min_size=n_ent, max_size=n_ent)), dtype=np.int64
    )
    e_off = np.array(data.draw(st.lists(st.floats(0, 300), min_size=n_ent, max_size=n_ent)), dtype=np.float64)
    n_fac = data.draw(st.integers(0, 6))
    f_node = np.array(
        data.draw(st.lists(st.integers(0, n - 1), min_size=n_fac, max_size=n_fac)), dtype=np.int64
    )
    n_cat = 2
    f_cat = np.array(data.draw(st.lists(st.integers(0, 1), min_size=n_fac, max_size=n_fac)), dtype=np.int64)
    f_lim = np.array([data.draw(limits) for _ in range(n_fac)], dtype=np.float64)
    share = np.array([data.draw(st.floats(0, 1.0)) for _ in range(n_fac)])
    f_cnt = share * np.where(np.isfinite(f_lim), f_lim, 3000.0)  # count radius ≤ the search limit
    f_near = np.array(data.draw(st.lists(st.booleans(), min_size=n_fac, max_size=n_fac)), dtype=bool)
    best_d, best_f, count = walkcore.plot_pass(
        csr.indptr,
        csr.indices,
        csr.data,
        (e_node, e_plot, e_off),
        n_plots,
        (f_node, f_cat, f_lim, f_cnt, f_near),
        n_cat,
    )
    # Brute force: every facility's full Dijkstra, then per plot the minimum over its entries.
    want_d = np.full((n_plots, n_cat), np.inf)
    want_count = np.zeros((n_plots, n_cat), dtype=np.int64)
    per_fac = np.full((n_fac, n_plots), np.inf)
    for f in range(n_fac):
        d = dijkstra(csr, directed=True, indices=int(f_node[f]))
        for k in range(n_ent):
            v = d[e_node[k]] + e_off[k]
            if v <= f_lim[f]:
                per_fac[f, e_plot[k]] = min(per_fac[f, e_plot[k]], v)
        for p in range(n_plots):
            v = per_fac[f, p]
            if np.isfinite(v) and v <= f_cnt[f]:
                want_count[p, f_cat[f]] += 1
            if f_near[f] and v < want_d[p, f_cat[f]]:
                want_d[p, f_cat[f]] = v
    assert np.array_equal(count, want_count)
    reached = np.isfinite(want_d)
    assert np.array_equal(np.isfinite(best_d), reached)
    assert np.all(np.abs(best_d[reached] - want_d[reached]) <= TOL_M)
    assert np.all(best_f[~reached] == -1)
    for p, c in zip(*np.nonzero(reached), strict=True):  # the named facility is a nearest one
        f = best_f[p, c]
        assert f_near[f]
        assert f_cat[f] == c
        assert abs(per_fac[f, p] - want_d[p, c]) <= TOL_M


def _scipy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(walkcore.ENV_VAR, "scipy")


TieCheck = Callable[[str, str, np.ndarray], np.ndarray]


def _agree(
    core: pd.DataFrame, ref: pd.DataFrame, categories: list[str], tie_check: TieCheck | None = None
) -> None:
    """Distances within 1 cm, equal counts, equal nearest where no other facility is as near.

    Where the two name different nearest facilities, ``tie_check(category, facility, rows)``
    (the reference path's distance from those plots to that one facility) must show a tie: the
    core's facility is exactly as near. The uncertainty flag follows the named facility, so at a
    tie it may differ too. Without ``tie_check`` only a few differing names are allowed.
    """
    assert list(core.columns) == list(ref.columns)
    ties = np.zeros(len(core), dtype=bool)
    tie_cols: set[str] = set()
    for c in categories:
        a = core[dist_col(c)].to_numpy(dtype=np.float64, na_value=np.nan)
        b = ref[dist_col(c)].to_numpy(dtype=np.float64, na_value=np.nan)
        assert np.array_equal(np.isnan(a), np.isnan(b))
        both = ~np.isnan(a)
        assert np.all(np.abs(a[both] - b[both]) <= TOL_M)
        pd.testing.assert_series_equal(core[count_col(c)], ref[count_col(c)])
        na = core[nearest_col(c)].astype("string")
        nb = ref[nearest_col(c)].astype("string")
        assert np.array_equal(na.isna().to_numpy(), nb.isna().to_numpy())
        differ = (na != nb).fillna(False).to_numpy(dtype=bool)
        if tie_check is None:
            assert differ.sum() <= max(1, len(core) // 50)
            continue
        for fac in sorted(set(na[differ].dropna())):
            rows = np.flatnonzero(differ & (na == fac).fillna(False).to_numpy(dtype=bool))
            alone = tie_check(c, str(fac), rows)
            assert np.all(np.abs(alone - b[rows]) <= TOL_M), (c, fac, alone, b[rows])
        if differ.any():
            ties |= differ
            tie_cols.add(uncertain_col(c))
    rest = [
        k
        for k in core.columns
        if not any(k in (dist_col(c), count_col(c), nearest_col(c)) for c in categories)
    ]
    rest = [k for k in rest if not k.startswith("walk_")]
    keep = ~ties
    pd.testing.assert_frame_equal(core.loc[keep, rest], ref.loc[keep, rest])
    steady = [k for k in rest if k not in tie_cols and k != DISTANCE_UNCERTAIN]
    pd.testing.assert_frame_equal(core[steady], ref[steady])


def test_demo_core_equals_scipy_path(monkeypatch: pytest.MonkeyPatch) -> None:
    network = gpd.read_file(DEMO, layer="network_source")
    facs = gpd.read_file(DEMO, layer="facilities")
    plots = gpd.read_file(DEMO, layer="plots")
    g = build_walk_graph(network, profile="senior")
    categories = sorted(facs["category"].dropna().unique())
    reach = dict.fromkeys(categories, 1000.0)
    # Half the categories count within a shorter radius (the norm): the two-kernel route.
    count = {c: (400.0 if i % 2 else 1500.0) for i, c in enumerate(categories)}
    assert walkcore.enabled()
    core = network_distances(g, plots, facs, reach, count_within=count)
    _scipy(monkeypatch)
    assert not walkcore.enabled()
    ref = network_distances(g, plots, facs, reach, count_within=count)
    _agree(core, ref, categories)
    assert core.attrs == ref.attrs


# Coordinates in RD metres to the millimetre, as BAG and OSM-in-RD data carry them. Unrounded
# floats let hypothesis place a facility 1e-289 m off a way: one path squares that offset to 0
# (on the way), the other keeps it (off the way), and the uncertainty flag follows; no real
# input has such offsets.
_MM = st.floats(-50, 800).map(lambda v: round(v, 3))


@settings(max_examples=40, deadline=None)
@given(
    nx=st.integers(2, 6),
    ny=st.integers(2, 6),
    step=st.floats(20, 150),
    plot_xy=st.lists(st.tuples(_MM, _MM), min_size=1, max_size=6),
    fac_xy=st.lists(
        st.tuples(_MM, _MM, st.sampled_from(["supermarkt", "huisarts"])),
        min_size=1,
        max_size=6,
    ),
    half=st.floats(0, 40),
    count_m=st.sampled_from([100.0, 400.0, 2000.0]),
)
def test_random_grids_core_equals_scipy_path(
    nx: int,
    ny: int,
    step: float,
    plot_xy: list[tuple[float, float]],
    fac_xy: list[tuple[float, float, str]],
    half: float,
    count_m: float,
) -> None:
    g: WalkGraph = build_walk_graph(grid_frame(nx, ny, step), profile="general")
    plots = gpd.GeoDataFrame(
        geometry=[
            box(x - half, y - half, x + half, y + half) if half > 1 else Point(x, y) for x, y in plot_xy
        ],
        crs=RD,
    )
    facs = facilities([(f"f{i}", c, Point(x, y)) for i, (x, y, c) in enumerate(fac_xy)])
    reach = {"supermarkt": 400.0, "huisarts": 1e6}
    count = {"supermarkt": count_m, "huisarts": count_m}
    with pytest.MonkeyPatch.context() as mp:
        core = network_distances(g, plots, facs, reach, count_within=count, snap_limit_m=1e6)
        _scipy(mp)
        ref = network_distances(g, plots, facs, reach, count_within=count, snap_limit_m=1e6)

        def alone(category: str, fac: str, rows: np.ndarray) -> np.ndarray:
            one = facs[facs["facility_id"].astype(str) == fac]
            out = network_distances(g, plots.iloc[rows], one, reach, snap_limit_m=1e6)
            return out[dist_col(category)].to_numpy(dtype=np.float64, na_value=np.nan)

        _agree(core, ref, list(reach), tie_check=alone)


def test_fallback_when_switched_off_never_calls_the_core(monkeypatch: pytest.MonkeyPatch) -> None:
    g = build_walk_graph(grid_frame(4, 4, 100.0), profile="general")
    plots = gpd.GeoDataFrame(geometry=[box(40, 40, 60, 60), Point(320, 180)], crs=RD)
    facs = facilities([("s1", "supermarkt", Point(100, 10)), ("s2", "supermarkt", Point(280, 220))])

    def boom(*_a: object, **_k: object) -> None:
        raise AssertionError("the compiled core ran although it is switched off")

    _scipy(monkeypatch)
    monkeypatch.setattr(walkcore, "plot_pass", boom)
    monkeypatch.setattr(walkcore, "fields", boom)
    out = network_distances(g, plots, facs, {"supermarkt": 1000.0})
    assert out[count_col("supermarkt")].tolist() == [2, 2]
    assert out[nearest_col("supermarkt")].astype(str).tolist() == ["s1", "s2"]


def test_fallback_when_numba_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def no_numba(name: str, package: str | None = None) -> object:
        if name == "numba":
            raise ImportError("No module named 'numba'")
        return real(name, package)

    monkeypatch.delenv(walkcore.ENV_VAR, raising=False)
    monkeypatch.setattr(walkcore, "_tried", False)
    monkeypatch.setattr(walkcore, "_compiled", {})
    monkeypatch.setattr(importlib, "import_module", no_numba)
    assert not walkcore.enabled()
    assert not walkcore.warm_up()
    g = build_walk_graph(grid_frame(3, 3, 100.0), profile="general")
    plots = gpd.GeoDataFrame(geometry=[Point(0, 0)], crs=RD)
    facs = facilities([("s1", "supermarkt", Point(200, 0))])
    out = distance_mod.network_distances(g, plots, facs, {"supermarkt": 1000.0})
    assert out[dist_col("supermarkt")].tolist() == pytest.approx([200.0])


def test_env_var_is_read_on_every_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(walkcore.ENV_VAR, "SciPy ")
    assert not walkcore.enabled()
    monkeypatch.setenv(walkcore.ENV_VAR, "numba")
    assert walkcore.enabled()
    assert walkcore.warm_up()
