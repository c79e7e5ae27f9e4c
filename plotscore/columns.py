"""Column names of the engine's result frames, in one place (units in the names).

Every frame the engine returns is indexed like the input plots.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "DistanceMethod",
    "count_col",
    "deph_col",
    "dist_col",
    "measure_col",
    "nearest_col",
    "norm_ok_col",
    "older_col",
    "party_col",
    "subscore_col",
    "uncertain_col",
    "walk_min_col",
]


class DistanceMethod(StrEnum):
    """How distances were measured; the values are what result tables and snapshots store."""

    NETWERK = "netwerk"  # walking over the OSM network
    HEMELSBREED = "hemelsbreed"  # straight line

    @classmethod
    def parse(cls, value: object) -> DistanceMethod:
        """Read a stored method: the enum, its value, or an older/English spelling.

        Unknown values read as NETWERK only if they say so; anything else is HEMELSBREED, the
        more cautious reading for a number somebody may quote.
        """
        if isinstance(value, cls):
            return value
        text = str(value or "").strip().casefold()
        if text in {"netwerk", "network", "lopen", "walking"}:
            return cls.NETWERK
        return cls.HEMELSBREED


SNAP_M = "snap_m"  # plot's connector to the network: 0 where a walkable way enters it, metres
ONTSLOTEN = "ontsloten"  # False: more than the snap limit (250 m) from the walking network
DISTANCE_METHOD = "distance_method"  # a DistanceMethod value: "netwerk" or "hemelsbreed"
NETWORK_EDGE_M = "network_edge_m"  # lower bound of the plot's distance to the network's cut edge, m
DISTANCE_UNCERTAIN = "distance_uncertain"  # True: some distance of the plot is flagged uncertain
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


def uncertain_col(category: str) -> str:
    """True where the distance to the category is uncertain ("rand van het netwerk").

    The plot lies closer to the network's cut edge than the distance found (a nearer facility
    or a shorter path could lie beyond it), or the plot's or the facility's connector to the
    network is longer than ``uncertain_connector_m`` (walking.toml). NA: plot not joined.
    """
    return f"uncertain_{category}"


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


def older_col(age: str, radius_m: float) -> str:
    """Older residents (``age`` 65 or 75 and over) within ``radius_m`` of the plot, persons (estimate).

    Walking or straight-line as ``older_reach_method`` says; ``_min``/``_max`` columns hold the
    range that follows from the rounded CBS percentages.
    """
    return f"older{age}_{radius_m:g}m"
