"""The scoring results of one run as a frame: sub-scores, norms, score, rank, class, robustness,
party scores and the Dutch explanation.

Kept apart from :mod:`plotscore.model` (the live score model) so that the explanation module,
which builds on the model, and the model never import each other.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from plotscore.columns import (
    EXPLANATION,
    RANK,
    ROBUSTNESS,
    SCORE,
    SCORE_CLASS,
    norm_ok_col,
    subscore_col,
)
from plotscore.criteria import Profile
from plotscore.explain import explanations
from plotscore.model import ScoreModel, norm_met, party_scores, robustness
from plotscore.progress import Progress, report, scaled

__all__ = ["score_frame"]


def score_frame(
    measures: pd.DataFrame,
    profile: Profile,
    *,
    k: int = 10,
    robustness_n: int = 200,
    seed: int = 0,
    absent: Collection[str] = (),
    progress: Progress | None = None,
) -> pd.DataFrame:
    """All scoring results, indexed like ``measures``: sub-scores, norms, score, rank, class,
    robustness (top-``k``), party scores, consensus, disagreement and a Dutch explanation.

    Criteria in ``absent`` (no data in the loaded layers) are left out of every score, with the
    other weights renormalised; their sub-score is NaN and their norm column NA ("geen
    gegevens"), not 0 and False.
    """
    report(progress, 0.0, "Nutswaarden berekenen")
    model = ScoreModel.from_measures(measures, profile, absent=absent)
    met = norm_met(measures, profile)
    n = len(measures)
    cols: dict[str, object] = {}
    for i, c in enumerate(profile.criteria):
        if c.id in absent:
            cols[subscore_col(c.id)] = np.full(n, np.nan)
            cols[norm_ok_col(c.id)] = pd.array([pd.NA] * n, dtype="boolean")
        else:
            cols[subscore_col(c.id)] = model.utilities[i].astype(np.float64) * 100.0
            cols[norm_ok_col(c.id)] = met[i]
    s = model.scores()
    cols[SCORE] = s.astype(np.float64)
    cols[RANK] = model.ranks(s)
    cols[SCORE_CLASS] = model.classes(5, s)
    report(progress, 0.2, "Robuustheid berekenen")
    cols[ROBUSTNESS] = robustness(model, k=k, n=robustness_n, seed=seed, progress=scaled(progress, 0.2, 0.7))
    out = pd.DataFrame(cols, index=measures.index)
    report(progress, 0.7, "Scores per partij")
    parties = party_scores(model, profile)
    out = pd.concat([out, parties.set_axis(measures.index)], axis=1)
    report(progress, 0.8, "Toelichting opstellen")
    out[EXPLANATION] = explanations(measures, profile, norm_ok=met, absent=absent).to_numpy()
    report(progress, 1.0, "Scores klaar")
    return out
