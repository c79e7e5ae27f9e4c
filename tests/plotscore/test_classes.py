"""Score classes: quantile and attainable-maximum breaks, against brute-force references."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plotscore.classes import ClassBreaks, attainable_maximum, class_rule, score_breaks
from plotscore.errors import ScoringError
from plotscore.model import score_classes


def _brute_quantile_class(scores: list[float], n: int) -> list[int]:
    """Reference: the rank-based class of each score, ties broken upwards (written without numpy)."""
    finite = sorted(s for s in scores if s == s)
    m = len(finite)
    if not m:
        return [0] * len(scores)
    # the score at position k/n of the way up the sorted list, rounded up (exact fractions)
    inner = [finite[math.ceil(Fraction(k * (m - 1), n))] for k in range(1, n)]
    return [0 if s != s else 1 + sum(1 for e in inner if e <= s) for s in scores]


def test_configured_rule_is_quantiles_with_five_classes() -> None:
    rule = class_rule()
    assert (rule.rule, rule.classes) == ("quantiles", 5)


def test_best_plot_is_in_the_top_class_where_fixed_bands_leave_it_empty() -> None:
    # The Delft demo's situation: the best score is about 70, so 80–100 is empty.
    scores = np.array([70.2, 70.1, 69.3, 56.1, 51.3, 44.5, 40.0, 33.0, 20.5, 10.0, 0.0])
    assert score_classes(scores.astype(np.float32)).max() == 4  # the old rule: no top class
    breaks = score_breaks(scores)
    cls = breaks.classify(scores)
    assert cls[0] == breaks.n == 5
    assert breaks.counts(scores)[-1] >= 1
    assert cls.tolist() == _brute_quantile_class(scores.tolist(), 5)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(st.floats(0, 100, allow_nan=False), st.sampled_from([0.0, 50.0, 100.0, float("nan")])),
        min_size=1,
        max_size=60,
    ),
    st.integers(2, 7),
)
def test_quantile_classes_match_the_rank_reference_and_keep_the_best_on_top(
    scores: list[float], n: int
) -> None:
    breaks = score_breaks(scores, rule="quantiles", n=n)
    cls = breaks.classify(scores)
    assert cls.tolist() == _brute_quantile_class(scores, n)
    finite = [s for s in scores if s == s]
    if finite:
        assert cls[scores.index(max(finite))] == n
    # classes never go down when the score goes up
    order = sorted((s, c) for s, c in zip(scores, cls.tolist(), strict=True) if s == s)
    assert all(a[1] <= b[1] for a, b in itertools.pairwise(order))


def test_quantile_classes_hold_about_as_many_plots_each() -> None:
    scores = np.random.default_rng(3).uniform(0, 70, 1000)
    counts = score_breaks(scores).counts(scores)
    assert sum(counts) == 1000
    assert all(190 <= c <= 210 for c in counts)


def test_missing_scores_get_class_zero() -> None:
    breaks = score_breaks([10.0, 20.0, 30.0])
    assert breaks.classify([np.nan, 30.0]).tolist() == [0, 5]


def test_attainable_maximum_against_brute_force() -> None:
    rng = np.random.default_rng(1)
    u = rng.uniform(0, 1, (4, 30))
    w = [52.0, 12.0, 12.0, 6.0]
    # brute force: for each criterion the best plot, weighted by its share of the weights
    total = sum(w)
    expected = sum(w[i] / total * max(u[i, j] for j in range(30)) for i in range(4)) * 100
    assert attainable_maximum(u, w) == pytest.approx(expected)
    assert attainable_maximum(u * 100, w) == pytest.approx(expected)
    # every plot's real score is at or below it
    scores = (np.asarray(w) / total) @ u * 100
    assert scores.max() <= attainable_maximum(u, w) + 1e-9
    with pytest.raises(ScoringError, match="vorm"):
        attainable_maximum(u, [1.0, 2.0])


def test_attainable_breaks_are_equal_bands_up_to_the_maximum() -> None:
    breaks = score_breaks([10.0, 40.0, 60.0], rule="attainable", attainable=80.0)
    assert breaks.edges == (0.0, 16.0, 32.0, 48.0, 64.0, 80.0)
    assert breaks.classify([10.0, 40.0, 60.0, 80.0]).tolist() == [1, 3, 4, 5]
    assert breaks.labels() == ["0–16", "16–32", "32–48", "48–64", "64–80"]


def test_equal_rule_is_the_old_fixed_bands() -> None:
    scores = np.array([0.0, 19.9, 20.0, 55.0, 99.0, 100.0], dtype=np.float32)
    breaks = score_breaks(scores, rule="equal")
    assert breaks.classify(scores).tolist() == score_classes(scores).tolist()


def test_labels_use_the_dutch_decimal_comma() -> None:
    breaks = ClassBreaks("quantiles", (0.0, 12.25, 50.0), 50.0)
    assert breaks.labels(1) == ["0,0–12,2", "12,2–50,0"]
    assert breaks.labels() == ["0–12", "12–50"]
