"""Score classes for maps, tables and legends: where the class breaks lie, and why.

The rule is data (``resources/scoring/classes.toml``): by default *quantiles* (each class about
as many plots, so the best plot is always in the top class), or equal bands up to the
*attainable* maximum of the weighting, or the old fixed *equal* bands of
:func:`plotscore.model.score_classes`. Every output that colours plots by score (the app's map
and table, the web map, the GIS package) classifies through :func:`score_breaks`, so they agree.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import numpy.typing as npt

from plotscore.errors import ScoringError
from resources import resource

__all__ = [
    "RULES",
    "ClassBreaks",
    "ClassRule",
    "attainable_maximum",
    "class_rule",
    "score_breaks",
]

Rule = Literal["quantiles", "attainable", "equal"]
RULES: tuple[Rule, ...] = ("quantiles", "attainable", "equal")
UInt8Array = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class ClassRule:
    """How scores are divided into classes (read from resources/scoring/classes.toml)."""

    rule: Rule
    classes: int


@lru_cache(maxsize=1)
def class_rule() -> ClassRule:
    """The configured class rule (read once)."""
    raw = tomllib.loads(resource("scoring", "classes.toml").read_text(encoding="utf-8"))
    rule = str(raw.get("rule", "quantiles"))
    n = int(raw.get("classes", 5))
    if rule not in RULES or n < 2:
        raise ScoringError(
            f"Onbekende klassenindeling '{rule}' met {n} klassen in resources/scoring/classes.toml.",
            hint=f"Kies rule uit {', '.join(RULES)} en minstens 2 klassen.",
        )
    return ClassRule(rule, n)


@dataclass(frozen=True)
class ClassBreaks:
    """The class edges of one set of scores: ``edges[0]`` … ``edges[n]`` (lowest … highest).

    Class k (1 … n) holds the scores from ``edges[k-1]`` up to (not including) ``edges[k]``;
    the top class also holds ``edges[n]`` and everything above its lower edge, so the best
    score is always in class n. Ties at an inner edge go to the higher class.
    """

    rule: Rule
    edges: tuple[float, ...]
    maximum: float  # the best score (quantiles, equal 100) or the attainable maximum

    @property
    def n(self) -> int:
        return len(self.edges) - 1

    def classify(self, scores: npt.ArrayLike) -> UInt8Array:
        """Class 1 … n per score; 0 for a missing score (NaN)."""
        s = np.asarray(scores, dtype=np.float64)
        inner = np.asarray(self.edges[1:-1], dtype=np.float64)
        out = (np.searchsorted(inner, s, side="right") + 1).astype(np.uint8)
        out[np.isnan(s)] = 0
        return out

    def bounds(self, k: int) -> tuple[float, float]:
        """(lowest, highest) score of class ``k`` (1 … n)."""
        return self.edges[k - 1], self.edges[k]

    def labels(self, decimals: int = 0) -> list[str]:
        """One range per class, Dutch number format: "56–70"."""
        return [_span(self.edges[k - 1], self.edges[k], decimals) for k in range(1, self.n + 1)]

    def counts(self, scores: npt.ArrayLike) -> list[int]:
        """How many of ``scores`` fall in each class 1 … n."""
        cls = self.classify(scores)
        return [int(v) for v in np.bincount(cls, minlength=self.n + 1)[1 : self.n + 1]]


def _number(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}".replace(".", ",")
    return "0" if text in ("-0", "-0,0") else text


def _span(lo: float, hi: float, decimals: int) -> str:
    a, b = _number(lo, decimals), _number(hi, decimals)
    return a if a == b else f"{a}–{b}"


def attainable_maximum(subscores: npt.ArrayLike, weights: Sequence[float] | npt.ArrayLike) -> float:
    """The best score the data allow under ``weights``: per criterion the best sub-score of any
    plot, weighted (``subscores``: criteria × plots, 0–1 or 0–100; the result is on the same
    scale × 100 for 0–1 input). 0 when there are no plots or all weights are 0."""
    u = np.asarray(subscores, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64).ravel()
    if u.ndim != 2 or u.shape[0] != len(w):
        raise ScoringError(
            f"Deelscores hebben vorm {u.shape}, verwacht ({len(w)}, aantal kavels).",
            hint="Geef één rij deelscores per criterium.",
        )
    if u.shape[1] == 0 or not w.sum() > 0:
        return 0.0
    best = np.nan_to_num(np.nanmax(np.where(np.isnan(u), -np.inf, u), axis=1), neginf=0.0)
    scale = 100.0 if np.nanmax(u) <= 1.0 + 1e-9 else 1.0
    return float((w / w.sum()) @ best * scale)


def score_breaks(
    scores: npt.ArrayLike,
    *,
    rule: Rule | None = None,
    n: int | None = None,
    attainable: float | None = None,
) -> ClassBreaks:
    """The class edges for ``scores`` under the configured rule (or ``rule``/``n``).

    ``attainable`` is the attainable maximum for the *attainable* rule (see
    :func:`attainable_maximum`); without it that rule uses the best score present.
    """
    configured = class_rule()
    kind: Rule = rule or configured.rule
    k = int(n or configured.classes)
    s = np.asarray(scores, dtype=np.float64)
    s = s[~np.isnan(s)]
    best = float(s.max()) if len(s) else 0.0
    if kind == "equal":
        edges = np.linspace(0.0, 100.0, k + 1)
        return ClassBreaks("equal", tuple(float(e) for e in edges), 100.0)
    if kind == "attainable":
        top = max(float(attainable) if attainable is not None else best, best)
        edges = np.linspace(0.0, top, k + 1) if top > 0 else np.zeros(k + 1)
        return ClassBreaks("attainable", tuple(float(e) for e in edges), top)
    if not len(s):
        return ClassBreaks("quantiles", tuple(0.0 for _ in range(k + 1)), 0.0)
    # Edges are scores that occur (the k/n-th of the sorted scores, rounded up, in integer
    # arithmetic): a plot whose score equals an edge is classified the same on every machine.
    ordered = np.sort(s)
    m = len(ordered)
    inner = [float(ordered[-((-j * (m - 1)) // k)]) for j in range(1, k)]
    return ClassBreaks("quantiles", (float(ordered[0]), *inner, best), best)
