"""Scoring the demo in tiles (per gemeente, per grid square) gives the untiled numbers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from plotscore.criteria import load_profile
from projects.errors import InputsError
from projects.scoring import ScoreInputs, gather_layers, plan_tiles, score_layer_files

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "delft_demo.gpkg"


@pytest.fixture(scope="module")
def demo() -> ScoreInputs:
    return gather_layers([DEMO])


def _assert_same(tiled: pd.DataFrame, plain: pd.DataFrame) -> None:
    """Every column identical; the older residents' sums to rounding (a tile's batch of residents
    is summed in another order by the matrix product), and every other number bit for bit."""
    assert list(tiled.columns) == list(plain.columns)
    older = [c for c in plain.columns if c.startswith("older") and c != "older_reach_method"]
    older += ["demand_ouderen_lopen"] if "demand_ouderen_lopen" in plain.columns else []
    assert older, "the demo has older residents within reach"
    pd.testing.assert_frame_equal(tiled.drop(columns=older), plain.drop(columns=older), check_exact=True)
    for c in older:
        a = tiled[c].to_numpy(dtype=float)
        b = plain[c].to_numpy(dtype=float)
        assert np.array_equal(np.isnan(a), np.isnan(b))
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=0.0)


def test_demo_in_grid_tiles_equals_untiled(demo: ScoreInputs) -> None:
    profile = load_profile("geclusterd")
    plain = score_layer_files(demo, profile, robustness_n=50)
    plan = plan_tiles("grid:1000", demo.plots)
    assert len(plan.keys) >= 5
    tiled = score_layer_files(demo, profile, robustness_n=50, tiles=plan, workers=2)
    _assert_same(tiled.frame, plain.frame)
    assert [n for n in tiled.notes if not n.startswith("Loopafstanden berekend")] == list(plain.notes)
    assert sum(t["plots"] for t in tiled.tile_stats) == len(demo.plots)


def test_demo_per_gemeente_equals_untiled(demo: ScoreInputs, shared_data: Callable[[str], Path]) -> None:
    gemeenten = shared_data("cbs_kwb/cbs_gemeenten_2024.geojson")
    plan = plan_tiles("gemeente", demo.plots, gemeenten=gemeenten)
    assert [plan.names[t] for t in np.unique(plan.tile_of)] == ["Delft"]
    profile = load_profile("zorggeschikt")
    plain = score_layer_files(demo, profile, robustness_n=20)
    tiled = score_layer_files(demo, profile, robustness_n=20, tiles=plan, workers=1)
    _assert_same(tiled.frame, plain.frame)


def test_bad_tile_specs_say_what_to_do(demo: ScoreInputs) -> None:
    with pytest.raises(InputsError, match="gemeentegrenzen"):
        plan_tiles("gemeente", demo.plots)
    with pytest.raises(InputsError, match="tegelgrootte"):
        plan_tiles("grid:10", demo.plots)
    with pytest.raises(InputsError, match="Onbekende tegelindeling"):
        plan_tiles("zeshoek", demo.plots)
