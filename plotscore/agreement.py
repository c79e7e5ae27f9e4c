"""How far the parties are apart about a plot, in score points, and the words for it.

The measure is :data:`plotscore.columns.DISAGREEMENT`: the highest minus the lowest party score
of a plot (0–100 scale; computed in :func:`plotscore.model.party_scores`). The thresholds and
the Dutch words are data (``resources/scoring/disagreement.toml``), so the words said beside a
number are always true of that number.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from plotscore.errors import ScoringError
from resources import resource

__all__ = ["Agreement", "AgreementLevel", "agreement", "describe", "disputed_mask"]


@dataclass(frozen=True)
class AgreementLevel:
    """Spreads below ``max_points`` (None: no upper bound) get ``words``."""

    key: str
    max_points: float | None
    words: str


@dataclass(frozen=True)
class Agreement:
    """The configured levels (low → high) and the spread from which a plot is disputed."""

    levels: tuple[AgreementLevel, ...]
    disputed_from_points: float

    def level(self, spread_points: float) -> AgreementLevel:
        """The level of a spread (a missing spread counts as agreement)."""
        value = 0.0 if spread_points is None or math.isnan(spread_points) else float(spread_points)
        for lv in self.levels:
            if lv.max_points is None or value < lv.max_points:
                return lv
        return self.levels[-1]

    def is_disputed(self, spread_points: float) -> bool:
        return not math.isnan(spread_points) and float(spread_points) >= self.disputed_from_points


@lru_cache(maxsize=1)
def agreement() -> Agreement:
    """The thresholds and words (read once from resources/scoring/disagreement.toml)."""
    raw = tomllib.loads(resource("scoring", "disagreement.toml").read_text(encoding="utf-8"))
    levels = tuple(
        AgreementLevel(
            str(lv["key"]),
            None if lv.get("max_points") is None else float(lv["max_points"]),
            str(lv["words"]),
        )
        for lv in raw.get("levels", [])
    )
    bounds = [lv.max_points for lv in levels[:-1]]
    numbers = [b for b in bounds if b is not None]
    if (
        not levels
        or levels[-1].max_points is not None
        or len(numbers) != len(bounds)
        or numbers != sorted(numbers)
    ):
        raise ScoringError(
            "De niveaus van onenigheid in resources/scoring/disagreement.toml kloppen niet.",
            hint="Geef oplopende max_points en laat alleen het laatste niveau zonder maximum.",
        )
    return Agreement(levels, float(raw["disputed_from_points"]))


def describe(spread_points: float) -> str:
    """ "5 punten verschil — de partijen zijn het vrijwel eens" (Dutch, the number rounded)."""
    value = 0.0 if math.isnan(spread_points) else float(spread_points)
    return f"{round(value)} punten verschil — {agreement().level(value).words}"


def disputed_mask(spread_points: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """True where the parties' scores of a plot are at least the disputed threshold apart."""
    s = np.asarray(spread_points, dtype=np.float64)
    return np.asarray(np.nan_to_num(s, nan=0.0) >= agreement().disputed_from_points, dtype=bool)
