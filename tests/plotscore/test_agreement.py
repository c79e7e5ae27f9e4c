"""Disagreement between parties: a spread in score points whose words are true of the number."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from plotscore.agreement import agreement, describe, disputed_mask
from plotscore.columns import DISAGREEMENT, party_col
from plotscore.criteria import load_profile
from plotscore.model import ScoreModel, party_scores


def test_the_issue_example_is_not_called_strong_disagreement() -> None:
    # Party scores 43, 40, 38 and 39: five points apart.
    spread = max(43, 40, 38, 39) - min(43, 40, 38, 39)
    text = describe(spread)
    assert text.startswith("5 punten verschil")
    assert "sterk" not in text
    assert not disputed_mask([spread])[0]


@pytest.mark.parametrize("points", [0.0, 4.9, 9.99, 10.0, 15.0, 19.99, 20.0, 35.0, 100.0])
def test_words_follow_the_thresholds_in_the_data(points: float) -> None:
    cfg = agreement()
    level = cfg.level(points)
    lower = [lv.max_points for lv in cfg.levels if lv.max_points is not None and lv.max_points <= points]
    expected = cfg.levels[len(lower)]
    assert level == expected
    assert describe(points).endswith(level.words)
    assert cfg.is_disputed(points) == (points >= cfg.disputed_from_points)
    # "sterk" only from the disputed threshold on: words and the map marks say the same thing
    assert ("sterk" in level.words) == (points >= cfg.disputed_from_points)


def test_party_spread_is_the_point_gap_of_the_party_scores_on_a_real_profile() -> None:
    profile = load_profile("geclusterd")
    rng = np.random.default_rng(7)
    u = rng.uniform(0, 1, (len(profile.criteria), 40)).astype(np.float32)
    model = ScoreModel(u, profile.criterion_ids, profile.weights, pd.RangeIndex(40))
    out = party_scores(model, profile)
    # independent reference: each party's weighted mean, by hand, then max − min
    by_party = []
    for party in profile.parties:
        w = np.array(profile.party_weights(party), dtype=np.float64)
        share = w / w.sum()
        by_party.append([sum(share[i] * float(u[i, j]) for i in range(len(w))) * 100 for j in range(40)])
    ref = np.max(by_party, axis=0) - np.min(by_party, axis=0)
    np.testing.assert_allclose(out[DISAGREEMENT].to_numpy(), ref, atol=1e-3)
    for party, scores in zip(profile.parties, by_party, strict=True):
        np.testing.assert_allclose(out[party_col(party)].to_numpy(), scores, atol=1e-3)
