"""The score model: decay functions, utilities, live re-scoring, parties, robustness, result frame."""

from __future__ import annotations

from typing import get_args

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plotscore.columns import (
    CONSENSUS,
    DISAGREEMENT,
    DISTANCE_METHOD,
    EXPLANATION,
    ONTSLOTEN,
    RANK,
    ROBUSTNESS,
    SCORE,
    SCORE_CLASS,
    deph_col,
    dist_col,
    measure_col,
    norm_ok_col,
    party_col,
    subscore_col,
    walk_min_col,
)
from plotscore.criteria import (
    Criterion,
    Decay,
    DecayKind,
    FrequencyBonus,
    Profile,
    Scale,
    load_profile,
    reach_m,
)
from plotscore.errors import ScoringError
from plotscore.model import (
    ScoreModel,
    criterion_utilities,
    decay_values,
    party_scores,
    ranks_of,
    robustness,
    scale_values,
    utilities,
)
from plotscore.results import score_frame

KINDS: tuple[DecayKind, ...] = get_args(DecayKind)


def _dist(cid: str, weight: float, full: float, zero: float, kind: DecayKind = "linear") -> Criterion:
    return Criterion(cid, cid.capitalize(), "distance", weight, cid, Decay(kind, full, zero))


def _profile(*criteria: Criterion, parties: dict[str, dict[str, float]] | None = None) -> Profile:
    return Profile("t", "Test", "geclusterd", tuple(criteria), parties=parties or {})


# --- decay functions ----------------------------------------------------------------------------


def test_linear_decay_exact_at_breakpoints() -> None:
    d = [0.0, 400.0, 700.0, 1000.0, 1500.0, np.nan]
    assert decay_values(d, Decay("linear", 400.0, 1000.0)).tolist() == [1.0, 1.0, 0.5, 0.0, 0.0, 0.0]


def test_step_decay_is_full_up_to_the_norm_and_zero_beyond() -> None:
    d = [0.0, 400.0, 400.5, 999.0, np.nan]
    assert decay_values(d, Decay("step", 400.0, 1000.0)).tolist() == [1.0, 1.0, 0.0, 0.0, 0.0]


def test_logistic_decay_exact_at_breakpoints_and_midpoint() -> None:
    u = decay_values([0.0, 400.0, 700.0, 1000.0, 2000.0], Decay("logistic", 400.0, 1000.0))
    assert u[0] == 1.0
    assert u[1] == 1.0
    assert u[2] == pytest.approx(0.5, abs=1e-12)
    assert u[3] == 0.0
    assert u[4] == 0.0
    # Smooth S: flat near the breakpoints, steep in the middle.
    near = decay_values([400.0, 460.0], Decay("logistic", 400.0, 1000.0))
    mid = decay_values([670.0, 730.0], Decay("logistic", 400.0, 1000.0))
    assert near[0] - near[1] < mid[0] - mid[1]


def test_scale_handles_both_directions() -> None:
    lower = scale_values([40.0, 50.0, 57.5, 65.0, 70.0], Scale("linear", 50.0, 65.0))
    assert lower.tolist() == [1.0, 1.0, 0.5, 0.0, 0.0]
    higher = scale_values([0.0, 100.0, 200.0, 300.0, np.nan], Scale("linear", 200.0, 0.0))
    assert higher.tolist() == [0.0, 0.5, 1.0, 1.0, 0.0]


@settings(max_examples=200, deadline=None)
@given(
    kind=st.sampled_from(KINDS),
    full=st.floats(0.0, 5000.0),
    width=st.floats(1.0, 5000.0),
    d=st.lists(st.floats(0.0, 20000.0), min_size=1, max_size=50),
)
def test_decay_is_bounded_and_monotone(kind: DecayKind, full: float, width: float, d: list[float]) -> None:
    distances = np.sort(np.array(d))
    u = decay_values(distances, Decay(kind, full, full + width))
    sub = 100.0 * u
    assert np.all((sub >= 0.0) & (sub <= 100.0))
    assert np.all(np.diff(u) <= 1e-12)


# --- utilities ----------------------------------------------------------------------------------


def _measures() -> pd.DataFrame:
    return pd.DataFrame(
        {
            dist_col("supermarkt"): [200.0, 700.0, np.nan, 300.0],
            dist_col("huisarts"): [1000.0, 500.0, 750.0, 100.0],
            ONTSLOTEN: [True, True, True, False],
            measure_col("raster", "geluid"): [50.0, 57.5, np.nan, 50.0],
        },
        index=pd.Index(["a", "b", "c", "d"], name="plot_id"),
    )


def test_utilities_shape_nan_and_not_connected() -> None:
    geluid = Criterion(
        "geluid", "Geluid", "raster", 1.0, scale=Scale("linear", 50.0, 65.0), raster="lden", unit="dB"
    )
    p = _profile(_dist("supermarkt", 1, 400, 1000), _dist("huisarts", 1, 500, 1000), geluid)
    u = utilities(_measures(), p)
    assert u.dtype == np.float32
    assert u.shape == (3, 4)
    assert u.flags.c_contiguous
    np.testing.assert_array_equal(u[0], [1.0, 0.5, 0.0, 0.0])  # NaN → 0, not connected → 0
    np.testing.assert_array_equal(u[1], [0.0, 1.0, 0.5, 0.0])
    np.testing.assert_array_equal(u[2], [1.0, 0.5, 0.0, 1.0])  # raster ignores ontsloten


def test_missing_measure_column_names_the_criterion() -> None:
    p = _profile(_dist("apotheek", 1, 500, 1000))
    with pytest.raises(ScoringError, match="Apotheek") as info:
        utilities(_measures(), p)
    assert "dist_apotheek_m" in info.value.message
    assert info.value.hint


def test_frequency_bonus_factor() -> None:
    ov = Criterion(
        "ov_halte",
        "OV-halte",
        "distance",
        1.0,
        "ov_halte",
        Decay("linear", 300.0, 800.0),
        frequency_bonus=FrequencyBonus(target_per_hour=4.0, share=0.5),
    )
    m = pd.DataFrame(
        {dist_col("ov_halte"): [100.0, 100.0, 100.0, 550.0], deph_col("ov_halte"): [8.0, 2.0, np.nan, 0.0]}
    )
    # factor = 0.5 + 0.5 · min(1, deph/4); unknown → 1.
    np.testing.assert_allclose(criterion_utilities(m, ov), [1.0, 0.75, 1.0, 0.25])
    without = m.drop(columns=deph_col("ov_halte"))
    np.testing.assert_allclose(criterion_utilities(without, ov), [1.0, 1.0, 1.0, 0.5])


def test_non_numeric_measure_is_a_scoring_error() -> None:
    m = pd.DataFrame({dist_col("supermarkt"): ["ver", "dichtbij"]})
    with pytest.raises(ScoringError, match="geen getallen"):
        utilities(m, _profile(_dist("supermarkt", 1, 400, 1000)))


# --- ScoreModel -----------------------------------------------------------------------------------


def _random_model(n: int = 500, c: int = 6, seed: int = 1) -> tuple[ScoreModel, np.ndarray]:
    rng = np.random.default_rng(seed)
    u = rng.random((c, n)).astype(np.float32)
    w = rng.random(c) + 0.1
    return ScoreModel(u, [f"c{i}" for i in range(c)], w), w


def test_scores_equal_a_naive_pandas_computation() -> None:
    model, w = _random_model()
    frame = pd.DataFrame(model.utilities.T.astype(np.float64), columns=model.criterion_ids)
    naive = (frame * w).sum(axis=1) / w.sum() * 100.0
    np.testing.assert_allclose(model.scores(), naive.to_numpy(), rtol=1e-5, atol=1e-4)
    assert model.scores().dtype == np.float32


@settings(max_examples=50, deadline=None)
@given(factor=st.floats(1e-3, 1e3), seed=st.integers(0, 1000))
def test_scaling_all_weights_does_not_change_scores(factor: float, seed: int) -> None:
    model, w = _random_model(n=50, seed=seed)
    np.testing.assert_allclose(model.scores(w * factor), model.scores(w), rtol=1e-5, atol=1e-4)
    assert np.all((model.scores() >= 0.0) & (model.scores() <= 100.0 + 1e-4))


def test_bad_weights_are_scoring_errors() -> None:
    model, _ = _random_model(c=3)
    with pytest.raises(ScoringError, match="op 0"):
        model.scores([0, 0, 0])
    with pytest.raises(ScoringError, match="≥ 0"):
        model.set_weights([1, -1, 1])
    with pytest.raises(ScoringError, match="2 gewichten"):
        model.set_weights([1, 1])
    with pytest.raises(ScoringError, match="onbekend"):
        model.set_weights({"onbekend": 1})


def test_mapping_weights_change_only_named_criteria() -> None:
    u = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    model = ScoreModel(u, ["a", "b"], [1.0, 1.0])
    model.set_weights({"a": 3.0})
    np.testing.assert_allclose(model.weights, [0.75, 0.25])
    np.testing.assert_allclose(model.scores(), [75.0, 25.0])


def test_top_k_equals_full_sort() -> None:
    model, _ = _random_model(n=1000)
    s = model.scores()
    expected = np.argsort(-s, kind="stable")[:50]
    np.testing.assert_array_equal(model.top_k(50), expected)
    np.testing.assert_array_equal(model.top_k(5000), np.argsort(-s, kind="stable"))
    assert model.top_k(0).size == 0


def test_classes_use_fixed_thresholds() -> None:
    model, _ = _random_model(n=7)
    s = np.array([0.0, 19.99, 20.0, 40.0, 59.9, 80.0, 100.0], dtype=np.float32)
    assert model.classes(5, s).tolist() == [1, 1, 2, 3, 3, 5, 5]
    assert model.classes(2, s).tolist() == [1, 1, 1, 1, 2, 2, 2]


def test_ranks_are_competition_ranks() -> None:
    assert ranks_of([50.0, 70.0, 70.0, 10.0]).tolist() == [3, 1, 1, 4]
    assert ranks_of([]).tolist() == []


def test_drag_stores_weights_and_returns_consistent_views() -> None:
    model, _ = _random_model(n=300)
    w = np.array([5.0, 0.0, 1.0, 0.0, 0.0, 2.0])
    scores, top, classes = model.drag(w, k=10)
    np.testing.assert_allclose(model.weights, w / w.sum(), rtol=1e-6)
    np.testing.assert_array_equal(scores, model.scores())
    np.testing.assert_array_equal(top, model.top_k(10, scores))
    np.testing.assert_array_equal(classes, model.classes(5, scores))
    assert classes.dtype == np.uint8


def test_update_criterion_replaces_one_row() -> None:
    p = _profile(_dist("supermarkt", 1, 400, 1000), _dist("huisarts", 1, 500, 1000))
    m = _measures()
    model = ScoreModel.from_measures(m, p)
    assert model.scores().tolist() == [50.0, 75.0, 25.0, 0.0]
    edited = Criterion("supermarkt", "Supermarkt", "distance", 1, "supermarkt", Decay("step", 800.0, 1000.0))
    model.update_criterion("supermarkt", criterion_utilities(m, edited))
    assert model.scores().tolist() == [50.0, 100.0, 25.0, 0.0]
    with pytest.raises(ScoringError, match="vorm"):
        model.update_criterion(0, np.zeros(3))


# --- parties ----------------------------------------------------------------------------------------


def test_party_scores_consensus_and_disagreement_by_hand() -> None:
    u = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.5]], dtype=np.float32)
    p = _profile(
        _dist("supermarkt", 1, 400, 1000),
        _dist("huisarts", 1, 500, 1000),
        parties={
            "gemeente": {"supermarkt": 1.0, "huisarts": 0.0},
            "bewoners": {"supermarkt": 0.0, "huisarts": 1.0},
        },
    )
    idx = pd.Index([10, 20, 30])
    model = ScoreModel(u, p.criterion_ids, p.weights, idx)
    out = party_scores(model, p)
    assert out.index.equals(idx)
    assert out[party_col("gemeente")].tolist() == [100.0, 0.0, 50.0]
    assert out[party_col("bewoners")].tolist() == [0.0, 100.0, 50.0]
    assert out[CONSENSUS].tolist() == [50.0, 50.0, 50.0]
    # highest − lowest party score, in points: 100 − 0, 100 − 0, 50 − 50
    assert out[DISAGREEMENT].tolist() == [100.0, 100.0, 0.0]


def test_party_scores_without_parties_fall_back_to_the_score() -> None:
    model, _ = _random_model(n=5, c=1)
    p = _profile(_dist("c0", 1, 1, 2))
    out = party_scores(model, p)
    np.testing.assert_allclose(out[CONSENSUS], model.scores())
    assert (out[DISAGREEMENT] == 0.0).all()


# --- robustness ---------------------------------------------------------------------------------


def test_robustness_is_deterministic_bounded_and_sums_to_k() -> None:
    model, _ = _random_model(n=400)
    a = robustness(model, k=20, n=100, seed=7)
    b = robustness(model, k=20, n=100, seed=7)
    np.testing.assert_array_equal(a, b)
    assert np.all((a >= 0.0) & (a <= 1.0))
    # Every draw has k plots in its top-k, more only when plots tie at the cut.
    assert 20.0 <= a.sum() <= 20.0 + 0.05
    assert not np.array_equal(a, robustness(model, k=20, n=100, seed=8))


def test_dominant_plot_is_always_in_the_top() -> None:
    rng = np.random.default_rng(0)
    u = (rng.random((4, 50)) * 0.5).astype(np.float32)
    u[:, 17] = 1.0
    model = ScoreModel(u, list("abcd"), [1, 2, 3, 4])
    r = robustness(model, k=1, n=300, spread=0.5, seed=3)
    assert r[17] == 1.0
    assert r.sum() == pytest.approx(1.0)


def test_robustness_edge_cases() -> None:
    model, _ = _random_model(n=10)
    assert robustness(model, k=10).tolist() == [1.0] * 10
    assert robustness(model, k=0).tolist() == [0.0] * 10
    with pytest.raises(ScoringError):
        robustness(model, k=3, spread=1.5)
    with pytest.raises(ScoringError):
        robustness(model, k=3, n=0)


# --- score_frame ----------------------------------------------------------------------------------


def test_score_frame_columns_index_and_no_mutation() -> None:
    p = _profile(
        _dist("supermarkt", 52, 400, 1000),
        _dist("huisarts", 12, 500, 1000),
        parties={"gemeente": {"supermarkt": 1.0}, "zorgorganisatie": {"huisarts": 60.0}},
    )
    m = _measures()
    before = m.copy()
    seen: list[float] = []
    out = score_frame(m, p, k=2, robustness_n=50, progress=lambda f, _t: seen.append(f))
    pd.testing.assert_frame_equal(m, before)
    assert out.index.equals(m.index)
    for cid in p.criterion_ids:
        assert subscore_col(cid) in out
        assert norm_ok_col(cid) in out
    for col in (SCORE, RANK, SCORE_CLASS, ROBUSTNESS, CONSENSUS, DISAGREEMENT, EXPLANATION):
        assert col in out
    assert party_col("gemeente") in out
    assert party_col("zorgorganisatie") in out
    assert out[subscore_col("supermarkt")].tolist() == [100.0, 50.0, 0.0, 0.0]
    assert out[norm_ok_col("supermarkt")].tolist() == [True, False, False, False]
    expected = (52 * np.array([1.0, 0.5, 0.0, 0.0]) + 12 * np.array([0.0, 1.0, 0.5, 0.0])) / 64 * 100
    np.testing.assert_allclose(out[SCORE], expected, rtol=1e-6)
    assert out[RANK].tolist() == [1, 2, 3, 4]
    assert out[SCORE_CLASS].tolist() == [5, 3, 1, 1]
    assert seen == sorted(seen)
    assert seen[-1] == 1.0


def test_score_frame_lets_cancellation_through() -> None:
    class Cancelled(Exception):
        pass

    def cancel(fraction: float, text: str) -> None:
        if fraction > 0.1:
            raise Cancelled

    with pytest.raises(Cancelled):
        score_frame(_measures(), _profile(_dist("supermarkt", 1, 400, 1000)), progress=cancel)


def test_score_frame_on_empty_measures() -> None:
    m = _measures().iloc[:0]
    out = score_frame(m, _profile(_dist("supermarkt", 1, 400, 1000)))
    assert len(out) == 0
    assert SCORE in out


def test_builtin_profile_on_the_demo_data() -> None:
    """Integration: demo plots and facilities, straight-line distances, the geclusterd preset."""
    distance = pytest.importorskip("plotscore.distance")
    from pathlib import Path

    import pyogrio

    gpkg = Path(__file__).resolve().parents[2] / "resources" / "demo" / "delft_demo.gpkg"
    plots = pyogrio.read_dataframe(gpkg, layer="plots")
    facilities = pyogrio.read_dataframe(gpkg, layer="facilities")
    profile = load_profile("geclusterd")
    measures = distance.euclidean_distances(plots, facilities, reach_m(profile), pace_kmh=profile.pace_kmh)
    assert set(measures[DISTANCE_METHOD]) == {"hemelsbreed"}
    out = score_frame(measures, profile, k=5, robustness_n=50)
    assert out.index.equals(plots.index)
    assert out[SCORE].between(0.0, 100.0).all()
    assert sorted(out[RANK])[0] == 1
    assert out[EXPLANATION].str.contains("hemelsbreed").any()
    assert not out[EXPLANATION].str.contains(" lopen").any()
    # At least 5 plots per draw; plots tied at the cut all count (the demo has such ties).
    assert out[ROBUSTNESS].sum() >= min(5, len(out)) - 1e-9
    assert walk_min_col("supermarkt") in measures


def test_party_with_only_zero_weights_is_named() -> None:
    p = _profile(_dist("supermarkt", 1, 400, 1000), parties={"bewoners": {"supermarkt": 0.0}})
    model = ScoreModel.from_measures(_measures(), p)
    with pytest.raises(ScoringError, match="bewoners"):
        party_scores(model, p)


# --- criteria without data, the weights as scored, ties --------------------------------------


def test_absent_criteria_are_left_out_and_the_rest_renormalised() -> None:
    from plotscore.model import consensus_weights, effective_weights

    np.testing.assert_allclose(effective_weights([52, 12, 36], [True, False, True]), [52 / 88, 0, 36 / 88])
    with pytest.raises(ScoringError):
        effective_weights([0, 5], [True, False])
    u = np.array([[1.0, 0.0], [0.0, 0.0], [0.5, 1.0]], dtype=np.float32)
    model = ScoreModel(u, ["a", "b", "c"], [50, 25, 25], absent=("b",))
    assert model.absent == ("b",)
    # b (no data) weighs nothing: scores are (50·1 + 25·0.5)/75 and (25·1)/75, × 100.
    np.testing.assert_allclose(model.scores(), [100 * 62.5 / 75, 100 * 25 / 75], rtol=1e-6)
    # Setting a weight on b later does not bring it back.
    model.set_weights([50, 1000, 25])
    np.testing.assert_allclose(model.weights, [50 / 75, 0, 25 / 75])
    profile = _profile(_dist("a", 50, 400, 1000), _dist("b", 25, 400, 1000), _dist("c", 25, 400, 1000))
    profile = Profile(
        profile.id,
        profile.label,
        profile.housing_category,
        profile.criteria,
        parties={"x": {"a": 10, "b": 90, "c": 0}, "y": {"a": 0, "b": 0, "c": 10}},
    )
    w = consensus_weights(profile, model.present)
    np.testing.assert_allclose(w, [0.5, 0.0, 0.5])  # mean of x's (1, 0, 0) and y's (0, 0, 1)
    # The consensus column is exactly the mean of the party scores.
    out = party_scores(model, profile)
    np.testing.assert_allclose(out[CONSENSUS], (out["score_party_x"] + out["score_party_y"]) / 2, rtol=1e-6)
    np.testing.assert_allclose(out[CONSENSUS], model.scores(w), rtol=1e-6)


def test_plots_tied_at_the_cut_get_equal_rank_and_robustness() -> None:
    u = np.array([[0.9, 0.7, 0.7, 0.7, 0.7, 0.1], [0.2, 0.5, 0.5, 0.5, 0.5, 0.0]], dtype=np.float32)
    model = ScoreModel(u, ["a", "b"], [1.0, 1.0])
    r = robustness(model, k=3, n=50, seed=1)
    # Four equal plots at the cut: all in, the same robustness; the worst one never.
    assert r[1] == r[2] == r[3] == r[4] == 1.0
    assert r[5] == 0.0
    ranks = ranks_of(model.scores())
    assert ranks[1] == ranks[2] == ranks[3] == ranks[4]
