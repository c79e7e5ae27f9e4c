"""The optional compiled search (plotscore.fastwalk) against the scipy reference: random graphs
(property-based) and the demo's augmented graph. The kernel runs as plain Python everywhere and
compiled where numba is installed."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

from plotscore import fastwalk
from plotscore.distance import _prepared
from plotscore.network import build_walk_graph

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "delft_demo.gpkg"
TOL_M = 0.01  # the bench's and the bound; the kernel is in fact exact to rounding


def _agrees(csr: sparse.csr_array, sources: np.ndarray, limit: float, *, compiled: bool) -> None:
    d_ref, _pred, s_ref = dijkstra(
        csr, directed=True, indices=sources, min_only=True, limit=limit, return_predecessors=True
    )
    d, s = fastwalk.multi_source(csr, sources, limit, compiled=compiled)
    reached = np.isfinite(d_ref)
    assert np.array_equal(np.isfinite(d), reached)
    assert np.all(np.abs(d[reached] - d_ref[reached]) <= TOL_M)
    assert np.all(s[~reached] == -1)
    # The named source is a nearest one (ties may name another than scipy does).
    if reached.any():
        per_source = dijkstra(csr, directed=True, indices=np.unique(sources))
        row = np.searchsorted(np.unique(sources), s[reached])
        np.testing.assert_allclose(per_source[row, np.flatnonzero(reached)], d[reached], atol=TOL_M)
    del s_ref


@st.composite
def graphs(draw: st.DrawFn) -> tuple[sparse.csr_array, np.ndarray, float]:
    n = draw(st.integers(1, 30))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=80, unique=True))
    pairs = [(a, b) for a, b in pairs if a != b]
    w = draw(
        st.lists(
            st.sampled_from([0.0, 0.5, 1.0, 3.0]) | st.floats(0, 500),
            min_size=len(pairs),
            max_size=len(pairs),
        )
    )
    directed = draw(st.booleans())
    rows = [a for a, _ in pairs] + ([] if directed else [b for _, b in pairs])
    cols = [b for _, b in pairs] + ([] if directed else [a for a, _ in pairs])
    data = w + ([] if directed else w)
    csr = sparse.csr_array(sparse.coo_array((data, (rows, cols)), shape=(n, n)).tocsr())
    csr.sum_duplicates()  # u→v and v→u drawn both: summed, still one non-negative edge
    sources = np.array(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=5)), dtype=np.int64)
    limit = draw(st.sampled_from([np.inf, 0.0, 1.0]) | st.floats(0, 2000))
    return csr, sources, float(limit)


@settings(max_examples=150, deadline=None)
@given(case=graphs())
def test_python_kernel_equals_scipy_on_random_graphs(
    case: tuple[sparse.csr_array, np.ndarray, float],
) -> None:
    _agrees(*case, compiled=False)


@settings(max_examples=150, deadline=None)
@given(case=graphs())
def test_compiled_kernel_equals_scipy_on_random_graphs(
    case: tuple[sparse.csr_array, np.ndarray, float],
) -> None:
    if not fastwalk.available():
        pytest.skip("numba is not installed (optional)")
    _agrees(*case, compiled=True)


def test_equals_scipy_on_the_demo_augmented_graph() -> None:
    network = gpd.read_file(DEMO, layer="network_source")
    facs = gpd.read_file(DEMO, layer="facilities")
    g = build_walk_graph(network, profile="senior")
    categories = sorted(facs["category"].dropna().unique())
    fac, aug, _cells = _prepared(g, facs, categories, 250.0, use=False)
    for category in categories:
        groups = np.flatnonzero(fac.group_category == category)
        if len(groups) == 0:
            continue
        for limit in (400.0, 1200.0, np.inf):
            _agrees(aug.csr, aug.group_node[groups], limit, compiled=fastwalk.available())
