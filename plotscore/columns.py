"""Column names of the engine's result frames, in one place (units in the names).

Every frame the engine returns is indexed like the input plots.
"""

from __future__ import annotations

__all__ = [
    "count_col",
    "deph_col",
    "dist_col",
    "measure_col",
    "nearest_col",
    "norm_ok_col",
    "party_col",
    "subscore_col",
    "walk_min_col",
]

SNAP_M = "snap_m"  # plot access point → network (or 0 in Euclidean mode), metres
ONTSLOTEN = "ontsloten"  # False: more than the snap limit (250 m) from the walking network
DISTANCE_METHOD = "distance_method"  # "netwerk" or "hemelsbreed"
SCORE = "score"  # weighted total 0–100
RANK = "rank"  # 1 = best
SCORE_CLASS = "score_class"  # 1 (low) … 5 (high)
EXPLANATION = "explanation"  # Dutch text
ROBUSTNESS = "robustness"  # share (0–1) of perturbed weightings with the plot in the top-k
CONSENSUS = "consensus"  # mean of the party scores
DISAGREEMENT = "disagreement"  # highest − lowest party score of the plot, score points


def dist_col(category: str) -> str:
    """Walking (or straight-line) distance to the nearest facility, metres; NaN = none in reach."""
    return f"dist_{category}_m"


def walk_min_col(category: str) -> str:
    """Walking time to the nearest facility at the profile's pace, minutes."""
    return f"walk_{category}_min"


def nearest_col(category: str) -> str:
    """facility_id of the nearest facility of the category."""
    return f"nearest_{category}_id"


def count_col(category: str) -> str:
    """Number of facilities of the category within reach."""
    return f"count_{category}"


def deph_col(category: str) -> str:
    """Departures per hour at the nearest facility of the category (transit); NaN = unknown."""
    return f"deph_{category}"


def measure_col(kind: str, criterion_id: str, category: str | None = None) -> str:
    """The raw measure a criterion scores: a distance, a raster mean, a demand figure."""
    if kind == "distance" and category:
        return dist_col(category)
    return f"{kind}_{criterion_id}"


def subscore_col(criterion_id: str) -> str:
    """Sub-score 0–100 of one criterion."""
    return f"score_{criterion_id}"


def norm_ok_col(criterion_id: str) -> str:
    """True where the criterion's norm (full-score distance or threshold) is met."""
    return f"norm_{criterion_id}_ok"


def party_col(party: str) -> str:
    """Total score 0–100 with one party's weights."""
    return f"score_party_{party}"
