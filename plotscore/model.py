"""The live score model: measures → utilities (once) → weighted scores (on every slider move).

The design follows the measured best in shared research performance.md §5: utilities are
computed once into a float32 criterion-major matrix U (C×N); a weight change is then one
``w @ U`` matvec, an ``argpartition`` for the top-k and a threshold binning for the map classes,
all without pandas (≈ 2–3 ms at 100k plots × 6 criteria).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from plotscore.columns import (
    CONSENSUS,
    DISAGREEMENT,
    ONTSLOTEN,
    deph_col,
    measure_col,
    party_col,
)
from plotscore.criteria import Criterion, Decay, DecayKind, Profile, Scale
from plotscore.errors import ScoringError
from plotscore.progress import Progress, report

__all__ = [
    "TIE_DECIMALS",
    "ScoreModel",
    "consensus_weights",
    "criterion_norm_met",
    "criterion_utilities",
    "decay_values",
    "effective_weights",
    "measure_values",
    "norm_met",
    "party_scores",
    "ranks_of",
    "reachable",
    "robustness",
    "scale_values",
    "score_classes",
    "utilities",
]

FloatArray = npt.NDArray[np.float64]
Float32Array = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# Logistic steepness: the raw S-curve 1/(1+exp(k(t−½))) is 0.99 at t=0 and 0.01 at t=1 when
# k = 2·ln 99; it is then rescaled to exactly 1 and 0 at the breakpoints (continuous, no jump).
_LOGISTIC_K = 2.0 * np.log(99.0)
_LOGISTIC_HI = 1.0 / (1.0 + np.exp(-_LOGISTIC_K / 2.0))
_LOGISTIC_LO = 1.0 / (1.0 + np.exp(_LOGISTIC_K / 2.0))
# Robustness draws are scored in chunks of at most this many matrix cells (float32: 64 MB).
_ROBUST_CHUNK_CELLS = 16_000_000
#: Scores equal to this many decimals are a tie (equal rank, equal robustness): float32 sums of
#: equal sub-scores may differ in the last bit depending on the order BLAS adds them.
TIE_DECIMALS = 4


# ---------------------------------------------------------------------------------------------
# Decay functions


def _curve(values: npt.ArrayLike, kind: DecayKind, full: float, zero: float) -> FloatArray:
    """Utility 0–1 from ``values``: 1 on the ``full`` side, 0 on the ``zero`` side; NaN → 0.

    Works in either direction (full < zero: lower is better; full > zero: higher is better)
    through t = (x − full) / (zero − full), so t ≤ 0 is full score and t ≥ 1 is zero.
    """
    x = np.asarray(values, dtype=np.float64)
    t = (x - full) / (zero - full)
    if kind == "step":
        u = (t <= 0.0).astype(np.float64)
    elif kind == "linear":
        u = 1.0 - np.clip(t, 0.0, 1.0)
    elif kind == "logistic":
        tc = np.clip(t, 0.0, 1.0)
        raw = 1.0 / (1.0 + np.exp(_LOGISTIC_K * (tc - 0.5)))
        u = np.clip((raw - _LOGISTIC_LO) / (_LOGISTIC_HI - _LOGISTIC_LO), 0.0, 1.0)
    else:
        raise ScoringError(
            f"Onbekende vervalfunctie '{kind}'.",
            hint="Kies step, linear of logistic.",
        )
    u[np.isnan(x)] = 0.0
    return u


def decay_values(distances: npt.ArrayLike, decay: Decay) -> FloatArray:
    """Utility 0–1 per distance (m): 1 up to ``full_score_m``, 0 from ``zero_score_m``, NaN → 0."""
    return _curve(distances, decay.kind, decay.full_score_m, decay.zero_score_m)


def scale_values(values: npt.ArrayLike, scale: Scale) -> FloatArray:
    """Utility 0–1 per raster/demand value: 1 at ``full_value`` or better, 0 at ``zero_value``."""
    return _curve(values, scale.kind, scale.full_value, scale.zero_value)


# ---------------------------------------------------------------------------------------------
# Measures → utilities


def measure_values(measures: pd.DataFrame, criterion: Criterion) -> FloatArray:
    """The raw measure a criterion scores, as float64 (NaN = unknown / none in reach)."""
    col = measure_col(criterion.kind, criterion.id, criterion.category)
    if col not in measures.columns and criterion.kind == "demand":
        # Older residents need CBS figures, which a project may not have (yet): unknown, not an error.
        return np.full(len(measures), np.nan)
    if col not in measures.columns:
        raise ScoringError(
            f"Criterium '{criterion.label}' ({criterion.id}) mist de kolom '{col}' in de metingen.",
            hint=_missing_hint(criterion),
        )
    return _as_float(measures[col], criterion, col)


def _missing_hint(criterion: Criterion) -> str:
    if criterion.kind == "distance":
        return (
            f"Bereken eerst de afstanden voor categorie '{criterion.category}', of verwijder het criterium."
        )
    if criterion.kind == "raster":
        return f"Koppel eerst de rasterlaag '{criterion.raster}', of verwijder het criterium."
    return "Bereken eerst de vraag (aantal ouderen in de straal), of verwijder het criterium."


def _as_float(series: pd.Series, criterion: Criterion, col: str) -> FloatArray:
    try:
        return np.asarray(series.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ScoringError(
            f"Kolom '{col}' van criterium '{criterion.label}' bevat geen getallen.",
            hint="Controleer de invoer van de metingen; alleen getallen of leeg zijn toegestaan.",
        ) from exc


def reachable(measures: pd.DataFrame) -> BoolArray:
    """``ontsloten`` as a bool array (NA → False); all True if the column is absent."""
    if ONTSLOTEN not in measures.columns:
        return np.ones(len(measures), dtype=bool)
    return np.asarray(measures[ONTSLOTEN].to_numpy(dtype=bool, na_value=False), dtype=bool)


def _bonus_factor(measures: pd.DataFrame, criterion: Criterion) -> FloatArray | None:
    """Frequency factor (1−share) + share·min(1, deph/target); NaN or no column → 1."""
    bonus = criterion.frequency_bonus
    if bonus is None or criterion.category is None:
        return None
    col = deph_col(criterion.category)
    if col not in measures.columns:
        return None
    deph = _as_float(measures[col], criterion, col)
    ratio = np.clip(deph / bonus.target_per_hour, 0.0, 1.0)
    factor = (1.0 - bonus.share) + bonus.share * ratio
    return np.where(np.isnan(deph), 1.0, factor)


def criterion_utilities(
    measures: pd.DataFrame, criterion: Criterion, *, ontsloten: BoolArray | None = None
) -> Float32Array:
    """One criterion's utilities 0–1 (float32, length N): what :meth:`ScoreModel.update_criterion` takes."""
    values = measure_values(measures, criterion)
    if criterion.kind == "distance":
        if criterion.decay is None:
            raise ScoringError(
                f"Criterium '{criterion.label}' heeft geen vervalfunctie.",
                hint="Geef het criterium een [decay] met full_score_m en zero_score_m.",
            )
        u = decay_values(values, criterion.decay)
        factor = _bonus_factor(measures, criterion)
        if factor is not None:
            u *= factor
        u[~(reachable(measures) if ontsloten is None else ontsloten)] = 0.0
    else:
        if criterion.scale is None:
            raise ScoringError(
                f"Criterium '{criterion.label}' heeft geen schaal.",
                hint="Geef het criterium een [scale] met full_value en zero_value.",
            )
        u = scale_values(values, criterion.scale)
    return u.astype(np.float32)


def utilities(measures: pd.DataFrame, profile: Profile) -> Float32Array:
    """Utilities 0–1 of every criterion, float32 (n_criteria, n_plots), criterion-major, contiguous."""
    ok = reachable(measures)
    out = np.empty((len(profile.criteria), len(measures)), dtype=np.float32)
    for i, criterion in enumerate(profile.criteria):  # loop over criteria, not plots
        out[i] = criterion_utilities(measures, criterion, ontsloten=ok)
    return out


def criterion_norm_met(measures: pd.DataFrame, criterion: Criterion) -> BoolArray:
    """Where the criterion's norm (its full-score threshold) is met; distance also needs ``ontsloten``."""
    values = measure_values(measures, criterion)
    with np.errstate(invalid="ignore"):
        if criterion.kind == "distance":
            assert criterion.decay is not None
            return np.asarray((values <= criterion.decay.full_score_m) & reachable(measures), dtype=bool)
        assert criterion.scale is not None
        if criterion.direction == "higher_is_better":
            return np.asarray(values >= criterion.scale.full_value, dtype=bool)
        return np.asarray(values <= criterion.scale.full_value, dtype=bool)


def norm_met(measures: pd.DataFrame, profile: Profile) -> BoolArray:
    """:func:`criterion_norm_met` for every criterion, (n_criteria, n_plots)."""
    out = np.zeros((len(profile.criteria), len(measures)), dtype=bool)
    for i, criterion in enumerate(profile.criteria):
        out[i] = criterion_norm_met(measures, criterion)
    return out


# ---------------------------------------------------------------------------------------------
# Ranking helpers


def ranks_of(scores: npt.ArrayLike) -> IntArray:
    """Competition ranks, 1 = best; equal scores share the best rank ("1, 2, 2, 4").

    Scores are compared to :data:`TIE_DECIMALS` decimals, so plots with equal sub-scores tie.
    """
    s = np.round(np.asarray(scores, dtype=np.float64), TIE_DECIMALS)
    if s.size == 0:
        return np.zeros(0, dtype=np.int64)
    neg = -np.nan_to_num(s, nan=-np.inf)
    order = np.argsort(neg, kind="stable")
    ordered = neg[order]
    ranks = np.empty(len(s), dtype=np.int64)
    ranks[order] = np.searchsorted(ordered, ordered, side="left") + 1
    return ranks


def score_classes(scores: npt.ArrayLike, n: int = 5) -> npt.NDArray[np.uint8]:
    """Map class 1 (low) … n (high) by fixed equal-width bands (n=5: 0–20–40–60–80–100)."""
    s = np.asarray(scores, dtype=np.float32)
    edges = np.linspace(0.0, 100.0, n + 1, dtype=np.float32)[1:-1]
    out: npt.NDArray[np.uint8] = np.digitize(s, edges).astype(np.uint8) + np.uint8(1)
    return out


def effective_weights(
    weights: Sequence[float] | npt.ArrayLike, present: Sequence[bool] | npt.ArrayLike | None = None
) -> FloatArray:
    """The weights a score is computed with: criteria without data get 0, the rest sum to 1.

    ``present[i]`` False: criterion i has no data in the loaded layers (e.g. no pharmacy at all);
    it is left out of the score and the other weights are renormalised, instead of every plot
    scoring 0 on it. This is the one definition of "the weights as scored"; raises
    ScoringError when nothing with data has a weight.
    """
    w = np.asarray(weights, dtype=np.float64).ravel()
    if present is not None:
        w = np.where(np.asarray(present, dtype=bool).ravel(), w, 0.0)
    total = float(w.sum())
    if not total > 0:
        raise ScoringError(
            "Alle gewichten staan op 0 (of alleen op criteria zonder gegevens); er valt niets te scoren.",
            hint="Geef minstens één criterium met gegevens een gewicht groter dan 0.",
        )
    out: FloatArray = w / total
    return out


def consensus_weights(profile: Profile, present: Sequence[bool] | npt.ArrayLike | None = None) -> FloatArray:
    """The consensus weighting: the mean of the parties' effective weights (sums to 1).

    Scoring with it gives exactly the mean of the parties' scores (the CONSENSUS column), since a
    score is linear in the effective weights. Without parties: the profile's effective weights.
    A party whose weights are all 0 (or only on criteria without data) is an error.
    """
    if not profile.parties:
        return effective_weights(profile.weights, present)
    rows = []
    for party in profile.parties:
        try:
            rows.append(effective_weights(profile.party_weights(party), present))
        except ScoringError as exc:
            raise ScoringError(
                f"Alle gewichten van partij '{party}' staan op 0 (of alleen op criteria zonder gegevens).",
                hint="Geef deze partij minstens één criterium met gegevens een gewicht groter dan 0.",
            ) from exc
    out: FloatArray = np.mean(rows, axis=0)
    return out


class ScoreModel:
    """Cached utilities and the current weights; every call on the drag path is pure numpy.

    Built once per scoring run from U (C×N, 0–1). Scores are the weighted mean of the
    utilities × 100 with the :func:`effective_weights`: criteria in ``absent`` (no data in the
    loaded layers) always weigh 0, the rest are normalised to sum 1, so only weight *ratios*
    matter.
    """

    def __init__(
        self,
        utilities: npt.ArrayLike,
        criterion_ids: Sequence[str],
        weights: Sequence[float] | npt.ArrayLike,
        index: pd.Index | None = None,
        *,
        absent: Collection[str] = (),
    ) -> None:
        u = np.ascontiguousarray(utilities, dtype=np.float32)
        if u.ndim != 2 or u.shape[0] != len(criterion_ids):
            raise ScoringError(
                f"Nutsmatrix heeft vorm {u.shape}, verwacht ({len(criterion_ids)}, aantal kavels).",
                hint="Bereken de nutswaarden opnieuw met utilities(metingen, profiel).",
            )
        if len(set(criterion_ids)) != len(criterion_ids):
            raise ScoringError(
                "Dubbele criterium-id in het scoremodel.", hint="Geef elk criterium een eigen id."
            )
        self._u = np.nan_to_num(u, nan=0.0)
        self.criterion_ids: tuple[str, ...] = tuple(criterion_ids)
        self.index: pd.Index = pd.RangeIndex(u.shape[1]) if index is None else index
        if len(self.index) != u.shape[1]:
            raise ScoringError(
                f"Index heeft {len(self.index)} kavels, de nutsmatrix {u.shape[1]}.",
                hint="Geef de index van de metingen mee.",
            )
        unknown = set(absent) - set(self.criterion_ids)
        if unknown:
            raise ScoringError(
                f"Onbekend criterium zonder gegevens: {', '.join(sorted(unknown))}.",
                hint=f"Bestaande criteria: {', '.join(self.criterion_ids)}.",
            )
        self.present: npt.NDArray[np.bool_] = np.array(
            [c not in absent for c in self.criterion_ids], dtype=bool
        )
        self.present.flags.writeable = False
        self._raw = np.zeros(self.n_criteria, dtype=np.float64)
        self._set(weights)

    @classmethod
    def from_measures(
        cls, measures: pd.DataFrame, profile: Profile, *, absent: Collection[str] = ()
    ) -> ScoreModel:
        """Compute the utilities of ``profile`` on ``measures`` and cache them with its weights."""
        return cls(
            utilities(measures, profile),
            profile.criterion_ids,
            profile.weights,
            measures.index,
            absent=absent,
        )

    @property
    def absent(self) -> tuple[str, ...]:
        """Criteria without data in the loaded layers: left out of every score."""
        return tuple(c for c, here in zip(self.criterion_ids, self.present, strict=True) if not here)

    @property
    def n_criteria(self) -> int:
        return int(self._u.shape[0])

    @property
    def n_plots(self) -> int:
        return int(self._u.shape[1])

    @property
    def utilities(self) -> Float32Array:
        """The cached U (read-only view)."""
        view = self._u.view()
        view.flags.writeable = False
        return view

    @property
    def weights(self) -> FloatArray:
        """Current effective weights: 0 for absent criteria, the rest normalised to sum 1."""
        return self._w.astype(np.float64)

    @property
    def raw_weights(self) -> FloatArray:
        """Current weights as given (before normalising)."""
        return self._raw.copy()

    def _set(self, weights: Sequence[float] | npt.ArrayLike | Mapping[str, float]) -> None:
        raw = self._checked(weights)
        self._w = self._normalise(raw)
        self._raw = raw

    def _checked(self, weights: Sequence[float] | npt.ArrayLike | Mapping[str, float]) -> FloatArray:
        if isinstance(weights, Mapping):
            unknown = set(weights) - set(self.criterion_ids)
            if unknown:
                raise ScoringError(
                    f"Onbekend criterium in de gewichten: {', '.join(sorted(unknown))}.",
                    hint=f"Bestaande criteria: {', '.join(self.criterion_ids)}.",
                )
            w = np.array(
                [weights.get(c, self._raw[i]) for i, c in enumerate(self.criterion_ids)], dtype=np.float64
            )
        else:
            w = np.asarray(weights, dtype=np.float64).ravel()
        if w.shape != (self.n_criteria,):
            raise ScoringError(
                f"{w.size} gewichten voor {self.n_criteria} criteria.",
                hint="Geef één gewicht per criterium.",
            )
        if not np.all(np.isfinite(w)) or np.any(w < 0):
            raise ScoringError(
                "Gewichten moeten eindige getallen ≥ 0 zijn.", hint="Zet negatieve gewichten op 0."
            )
        return w

    def _normalise(self, w: FloatArray) -> Float32Array:
        out: Float32Array = np.asarray(effective_weights(w, self.present), dtype=np.float32)
        return out

    def set_weights(self, weights: Sequence[float] | npt.ArrayLike | Mapping[str, float]) -> None:
        """New weights (any scale; a mapping changes only the criteria it names)."""
        self._set(weights)

    def scores(
        self, weights: Sequence[float] | npt.ArrayLike | Mapping[str, float] | None = None
    ) -> Float32Array:
        """Scores 0–100 (float32, length N); ``weights`` scores with other weights without storing them."""
        w = self._w if weights is None else self._normalise(self._checked(weights))
        s: Float32Array = np.asarray((w * np.float32(100.0)) @ self._u, dtype=np.float32)
        return s

    def top_k(self, k: int, scores: Float32Array | None = None) -> IntArray:
        """Positions of the k best plots, best first (argpartition, then only the k sorted)."""
        s = self.scores() if scores is None else scores
        k = max(0, min(int(k), len(s)))
        if k == 0:
            return np.zeros(0, dtype=np.int64)
        neg = -s
        part = np.argpartition(neg, k - 1)[:k] if k < len(s) else np.arange(len(s))
        # Sort the k by score, ties by position, so the order is stable and reproducible.
        return np.asarray(part[np.lexsort((part, neg[part]))], dtype=np.int64)

    def classes(self, n: int = 5, scores: Float32Array | None = None) -> npt.NDArray[np.uint8]:
        """Map class 1 (low) … n (high): :func:`score_classes` of the current scores."""
        return score_classes(self.scores() if scores is None else scores, n)

    def ranks(self, scores: Float32Array | None = None) -> IntArray:
        """Competition ranks, 1 = best (a full sort: for the ranked list, not the drag path)."""
        return ranks_of(self.scores() if scores is None else scores)

    def drag(
        self, weights: Sequence[float] | npt.ArrayLike | Mapping[str, float], k: int = 50
    ) -> tuple[Float32Array, IntArray, npt.NDArray[np.uint8]]:
        """What the app calls on every slider move: store weights, return (scores, top-k, classes)."""
        self._set(weights)
        s = self.scores()
        return s, self.top_k(k, s), self.classes(5, s)

    def update_criterion(self, criterion: int | str, utility_row: npt.ArrayLike) -> None:
        """Replace one criterion's utilities (after its decay was edited); NaN → 0."""
        i = self.criterion_ids.index(criterion) if isinstance(criterion, str) else int(criterion)
        row = np.asarray(utility_row, dtype=np.float32)
        if row.shape != (self.n_plots,):
            raise ScoringError(
                f"Nieuwe nutsrij heeft vorm {row.shape}, verwacht ({self.n_plots},).",
                hint="Bereken de rij met criterion_utilities(metingen, criterium).",
            )
        self._u[i] = np.clip(np.nan_to_num(row, nan=0.0), 0.0, 1.0)


# ---------------------------------------------------------------------------------------------
# Parties, robustness, the result frame


def party_scores(model: ScoreModel, profile: Profile) -> pd.DataFrame:
    """Score per party, their mean (consensus) and how far the parties are apart.

    CONSENSUS is the score with :func:`consensus_weights`, which equals the mean of the party
    scores (up to float32 rounding).

    DISAGREEMENT = highest − lowest party score of the plot, in score points (0–100): 0 when all
    parties score the plot alike. Points, not ranks: when many plots score nearly the same, a
    few points move a plot many places, and a rank spread would call that "strongly disagree"
    (the words for a spread are in plotscore.agreement). With no parties, consensus is the
    model score and disagreement 0.
    """
    ids = model.criterion_ids
    missing = [c for c in ids if c not in profile.criterion_ids]
    if missing:
        raise ScoringError(
            f"Criteria {', '.join(missing)} staan in het scoremodel maar niet in profiel '{profile.id}'.",
            hint="Bouw het scoremodel opnieuw met dit profiel.",
        )
    out = pd.DataFrame(index=model.index)
    if not profile.parties:
        out[CONSENSUS] = model.scores().astype(np.float64)
        out[DISAGREEMENT] = 0.0
        return out
    by_id = dict(zip(profile.criterion_ids, range(len(profile.criteria)), strict=True))
    present = np.array([model.present[ids.index(c)] for c in profile.criterion_ids], dtype=bool)
    consensus = consensus_weights(profile, present)  # also checks that every party has a weight
    n = model.n_plots
    score_rows = np.empty((len(profile.parties), n), dtype=np.float64)
    for j, party in enumerate(profile.parties):
        pw = profile.party_weights(party)
        w = np.array([pw[by_id[c]] for c in ids], dtype=np.float64)
        score_rows[j] = model.scores(w)
        out[party_col(party)] = score_rows[j]
    out[CONSENSUS] = model.scores(np.array([consensus[by_id[c]] for c in ids])).astype(np.float64)
    out[DISAGREEMENT] = score_rows.max(axis=0) - score_rows.min(axis=0) if n else np.zeros(0)
    return out


def robustness(
    model: ScoreModel,
    *,
    k: int,
    n: int = 200,
    spread: float = 0.2,
    seed: int = 0,
    progress: Progress | None = None,
) -> FloatArray:
    """Share (0–1) of N random weightings around the current one in which a plot is in the top-k.

    A plot tied with the k-th best score (to :data:`TIE_DECIMALS` decimals) counts as in: equal
    plots get equal robustness, never an arbitrary tie-break.

    Each draw multiplies every weight by U(1 − spread, 1 + spread) and renormalises; the draws
    come from ``numpy.random.default_rng(seed)``, so a seed gives the same answer every time.
    Scores for all draws are one (N×C)·(C×plots) product, in chunks to bound memory.
    """
    if n < 1:
        raise ScoringError("Aantal trekkingen moet minstens 1 zijn.", hint="Kies bijvoorbeeld 200.")
    if not 0.0 <= spread < 1.0:
        raise ScoringError(f"Spreiding {spread:g} moet tussen 0 en 1 liggen.", hint="Kies bijvoorbeeld 0,2.")
    n_plots = model.n_plots
    k = max(0, min(int(k), n_plots))
    if n_plots == 0 or k == 0:
        return np.zeros(n_plots, dtype=np.float64)
    if k == n_plots:
        return np.ones(n_plots, dtype=np.float64)
    rng = np.random.default_rng(seed)
    # Absent criteria weigh 0 in model.weights and stay 0 in every draw.
    draws = model.weights[None, :] * rng.uniform(1.0 - spread, 1.0 + spread, size=(n, model.n_criteria))
    draws /= draws.sum(axis=1, keepdims=True)
    w32 = draws.astype(np.float32)
    u = model.utilities
    counts = np.zeros(n_plots, dtype=np.int64)
    chunk = max(1, _ROBUST_CHUNK_CELLS // n_plots)
    for start in range(0, n, chunk):  # loop over chunks of draws, never over plots
        # Scores at the tie precision of ranks_of, so a tie here is a tie in the ranking too.
        s = np.round((w32[start : start + chunk] * np.float32(100.0)) @ u, TIE_DECIMALS)
        # In the top-k: at least the k-th best score, so plots tied at the cut are all in.
        kth = np.partition(s, n_plots - k, axis=1)[:, n_plots - k]
        counts += (s >= kth[:, None]).sum(axis=0)
        report(progress, min(n, start + chunk) / n, "Robuustheid berekenen")
    return counts / float(n)
