"""Dutch explanations of a plot's score: what is near, how far, and whether the norm is met.

Built once per scoring run (not per slider move), column-wise over all plots with numpy object
arrays, e.g. "Supermarkt 320 m lopen (4 min, norm 400 m) ✓ · Huisarts 1,2 km lopen (15 min,
norm 500 m) ✗". Straight-line runs say "hemelsbreed"; every norm is a preset, not an official one.

Honest texts: a rounded distance never contradicts its mark (1 045 m against a 1 km norm reads
"1,05 km … ✗", not "1 km … ✗"); a category without any data says "geen gegevens over
apotheken in de geladen lagen" instead of failing; a distance near the cut edge of the network
or over a long connector says "rand van het netwerk: afstand onzeker"; a transit criterion
shows the stop's departures per hour, or that they are unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable
from typing import TypedDict

import numpy as np
import numpy.typing as npt
import pandas as pd

from plotscore.columns import (
    DISTANCE_METHOD,
    DistanceMethod,
    deph_col,
    older_col,
    uncertain_col,
    walk_min_col,
)
from plotscore.criteria import Criterion, Profile
from plotscore.errors import ScoringError
from plotscore.facilities import facility_vocabulary
from plotscore.model import (
    criterion_norm_met,
    criterion_utilities,
    measure_values,
    norm_met,
    reachable,
)

__all__ = [
    "EDGE_NOTE",
    "CriterionDetail",
    "explain_criterion",
    "explanations",
    "format_distance",
    "format_number",
    "no_data_text",
    "norm_text",
    "older_reach_text",
    "people_text",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

# Arrow-backed where pyarrow is installed: column-wise concatenation is ~10× faster than numpy
# object arrays (2 s → 0.2 s for 100k plots × 9 criteria).
_STR = pd.StringDtype()

OK_MARK = "✓"
FAIL_MARK = "✗"
SEPARATOR = " · "
EDGE_NOTE = "rand van het netwerk: afstand onzeker"


class CriterionDetail(TypedDict):
    """One row of the detail panel for one plot."""

    criterion_id: str
    label: str
    measure: str
    norm: str
    met: bool
    subscore: float
    weight: float
    has_data: bool  # False: no data for this criterion in the loaded layers (left out of the score)
    uncertain: bool  # True: "rand van het netwerk: afstand onzeker"


# ---------------------------------------------------------------------------------------------
# Dutch number formatting


def format_number(value: float, decimals: int = 1) -> str:
    """Dutch decimal comma, trailing ",0" dropped: 2.5 → "2,5", 4.0 → "4"."""
    text = f"{value:.{decimals}f}".replace(".", ",")
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def format_distance(metres: float) -> str:
    """ "320 m" below 1 km, "1,2 km" from 1000 m (to 100 m; "1 km", not "1,0 km"); NaN → "onbekend"."""
    if metres != metres:  # NaN
        return "onbekend"
    return _distance_key_text(_distance_keys(np.array([metres]))[0].item())


def _distance_keys(d: FloatArray) -> IntArray:
    """Whole metres below 1000 m, 1000 + hectometres from there (NaN → -1)."""
    nan = np.isnan(d)
    safe = np.where(nan, 0.0, d)
    metres = np.round(safe)
    keys = np.where(metres < 1000, metres, 1000 + np.round(safe / 100.0)).astype(np.int64)
    keys[nan] = -1
    return keys


def _distance_key_text(key: int) -> str:
    if key < 1000:
        return f"{key} m"
    return f"{format_number((key - 1000) / 10.0)} km"


# Precision levels for a distance that must not contradict its mark: the step in metres and how
# it is written. Level 0 is the usual display (whole metres below 1 km, hectometres above).
_STEPS: tuple[float, ...] = (100.0, 10.0, 1.0, 0.1, 0.01)
_LEVEL_SPAN = 10**12  # keys are level · span + the rounded count of steps


def _level_text(key: int) -> str:
    level, count = divmod(key, _LEVEL_SPAN)
    step = _STEPS[level]
    metres = count * step
    if step >= 1.0 and metres >= 1000.0:
        return f"{format_number(metres / 1000.0, {100.0: 1, 10.0: 2, 1.0: 3}[step])} km"
    if step >= 1.0:
        return f"{round(metres)} m"
    return f"{format_number(metres, 1 if step == 0.1 else 2)} m"


def _half_up(x: FloatArray) -> FloatArray:
    """Round half up, as people do (1 045 m → 1,05 km), not half to even."""
    out: FloatArray = np.floor(x + 0.5)
    return out


def _honest_distances(d: FloatArray, norm_m: float, met: BoolArray) -> pd.Series:
    """Distances written so the shown value agrees with the mark: ≤ norm where met, > norm where not.

    Start at the usual precision and refine (10 m, 1 m, 0.1 m, 0.01 m) only where rounding
    would make a failing distance look like the norm itself (or a passing one look above it).
    """
    nan = np.isnan(d)
    safe = np.where(nan, 0.0, d)
    level = np.where(_half_up(safe) < 1000.0, 2, 0)
    shown = _half_up(safe / np.take(_STEPS, level)) * np.take(_STEPS, level)
    for _ in range(len(_STEPS)):  # a few refinements, vectorised over the plots that need them
        bad = ~nan & np.where(met, shown > norm_m, shown <= norm_m) & (level < len(_STEPS) - 1)
        if not bad.any():
            break
        level = np.where(bad, level + 1, level)
        step = np.take(_STEPS, level)
        shown = np.where(bad, _half_up(safe / step) * step, shown)
    keys = level.astype(np.int64) * _LEVEL_SPAN + _half_up(safe / np.take(_STEPS, level)).astype(np.int64)
    keys[nan] = -1
    return _texts(keys, _level_text)


def _exact_distance(metres: float) -> str:
    """A norm written exactly: "400 m", "1 km", "1,05 km", "1,125 km"."""
    if metres < 1000.0:
        return f"{format_number(metres, 1)} m"
    return f"{format_number(metres / 1000.0, 3)} km"


def _texts(keys: IntArray, text: Callable[[int], str]) -> pd.Series:
    """Strings for integer keys, formatting each distinct key once (key -1 → NA)."""
    uniq, inverse = np.unique(keys, return_inverse=True)
    table = pd.array([text(int(k)) if k >= 0 else None for k in uniq], dtype=_STR)
    return pd.Series(table.take(inverse.ravel()))


def _distances(d: FloatArray) -> pd.Series:
    """Vectorised :func:`format_distance` as a string Series (NaN → NA)."""
    return _texts(_distance_keys(d), _distance_key_text)


def _numbers(v: FloatArray, decimals: int = 1) -> pd.Series:
    """Vectorised :func:`format_number` for values ≥ 0 as a string Series (NaN → NA)."""
    nan = np.isnan(v)
    scale = 10**decimals
    keys = np.round(np.where(nan, 0.0, np.maximum(v, 0.0)) * scale).astype(np.int64)
    keys[nan] = -1
    return _texts(keys, lambda k: format_number(k / scale, decimals))


def _strings(values: npt.ArrayLike) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=object), dtype=_STR)


def _marks(met: BoolArray) -> pd.Series:
    table = pd.array([FAIL_MARK, OK_MARK], dtype=_STR)
    return pd.Series(table.take(met.astype(np.int64)))


def _noun(label: str) -> str:
    """ "Supermarkt" → "supermarkt", but "OV-halte" stays (an acronym)."""
    if len(label) > 1 and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def norm_text(criterion: Criterion) -> str:
    """The criterion's norm in words: "norm 400 m", "norm ≤ 55 dB", "norm ≥ 200 ouderen"."""
    if criterion.kind == "distance":
        assert criterion.decay is not None
        return f"norm {_exact_distance(criterion.decay.full_score_m)}"
    assert criterion.scale is not None
    sign = "≥" if criterion.direction == "higher_is_better" else "≤"
    unit = f" {criterion.unit}" if criterion.unit else ""
    return f"norm {sign} {format_number(criterion.scale.full_value)}{unit}"


# ---------------------------------------------------------------------------------------------
# Per-criterion texts, column-wise


def no_data_text(criterion: Criterion) -> str:
    """ "Apotheek: geen gegevens over apotheken in de geladen lagen" (left out of the score)."""
    if criterion.kind == "distance" and criterion.category is not None:
        plural = facility_vocabulary().plural(criterion.category)
        return f"{criterion.label}: geen gegevens over {plural} in de geladen lagen"
    return f"{criterion.label}: geen gegevens in de geladen lagen"


def _modes(measures: pd.DataFrame) -> pd.Series:
    """ "lopen" for network distances, "hemelsbreed" for straight-line ones."""
    if DISTANCE_METHOD not in measures.columns:
        return _strings(np.full(len(measures), "lopen", dtype=object))
    raw = measures[DISTANCE_METHOD].astype(_STR).fillna(DistanceMethod.NETWERK.value).to_numpy(dtype=object)
    lookup = {v: DistanceMethod.parse(v) for v in set(raw.tolist())}
    walking = np.array([lookup[v] is DistanceMethod.NETWERK for v in raw.tolist()], dtype=bool)
    return _strings(np.where(walking, "lopen", "hemelsbreed"))


def _uncertain(measures: pd.DataFrame, criterion: Criterion) -> BoolArray:
    col = uncertain_col(criterion.category or "")
    if criterion.kind != "distance" or col not in measures.columns:
        return np.zeros(len(measures), dtype=bool)
    return np.asarray(measures[col].to_numpy(dtype=bool, na_value=False), dtype=bool)


def _minutes(measures: pd.DataFrame, criterion: Criterion, d: FloatArray, pace_kmh: float) -> pd.Series:
    col = walk_min_col(criterion.category or "")
    if col in measures.columns:
        minutes = measures[col].to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        minutes = d / (pace_kmh * 1000.0 / 60.0)
    whole = np.maximum(1.0, np.round(np.where(np.isnan(minutes), 0.0, minutes))).astype(np.int64)
    return _texts(whole, lambda k: f"{k} min")


def _distance_measure(
    measures: pd.DataFrame, criterion: Criterion, pace_kmh: float, modes: pd.Series, met: BoolArray
) -> tuple[pd.Series, pd.Series, BoolArray]:
    """(measure text, extras inside the brackets, found) for a distance criterion."""
    assert criterion.decay is not None
    d = measure_values(measures, criterion)
    found = ~np.isnan(d)
    walking = (modes == "lopen").to_numpy(dtype=bool)
    extras = _minutes(measures, criterion, d, pace_kmh).where(walking, "")
    transit = criterion.min_departures_per_hour is not None or criterion.frequency_bonus is not None
    if transit and criterion.category is not None:
        col = deph_col(criterion.category)
        deph = (
            measures[col].to_numpy(dtype=np.float64, na_value=np.nan)
            if col in measures.columns
            else np.full(len(measures), np.nan)
        )
        dtxt = (_numbers(deph) + " vertrekken/uur").where(~np.isnan(deph), "vertrekken onbekend")
        extras = (extras + ", " + dtxt).where(extras != "", dtxt)
    what = _noun(criterion.label)
    if criterion.min_departures_per_hour is not None:
        what += f" met ≥ {format_number(criterion.min_departures_per_hour)} vertrekken/uur"
    none = f"geen {what} binnen {format_distance(criterion.decay.zero_score_m)}"
    text = (_honest_distances(d, criterion.decay.full_score_m, met) + " " + modes).where(found, none)
    return text, extras, found


def _value_measure(measures: pd.DataFrame, criterion: Criterion) -> tuple[pd.Series, BoolArray]:
    """(measure text, known) for a raster or demand criterion."""
    v = measure_values(measures, criterion)
    known = ~np.isnan(v)
    if criterion.kind == "demand":
        return _demand_text(measures, criterion, v).where(known, "onbekend"), known
    unit = f" {criterion.unit}" if criterion.unit else ""
    text = _numbers(v, 1) + unit
    return text.where(known, "onbekend"), known


# --- older residents within reach (estimates from CBS figures) -------------------------------

_GROUP_WORD = {"65": "65-plussers", "75": "75-plussers"}


def people_text(value: float) -> str:
    """An estimated head count as people say it: "ca. 420" (tens), "ca. 35" (fives), "0"."""
    if value != value:  # NaN
        return "onbekend"
    if value < 0.5:
        return "0"
    step = 10 if value >= 50 else 5 if value >= 10 else 1
    return f"ca. {max(step, round(value / step) * step) if step > 1 else max(1, round(value))}"


def _people(v: FloatArray) -> pd.Series:
    keys = np.where(np.isnan(v), -1, np.round(np.nan_to_num(v) * 10)).astype(np.int64)
    return _texts(keys, lambda k: people_text(k / 10.0))


def _reach_modes(measures: pd.DataFrame) -> pd.Series:
    col = "older_reach_method"
    if col not in measures.columns:
        return _strings(np.full(len(measures), "lopen", dtype=object))
    return measures[col].astype(_STR).fillna("lopen").reset_index(drop=True)


def _demand_text(measures: pd.DataFrame, criterion: Criterion, values: FloatArray) -> pd.Series:
    """ "binnen 800 m lopen wonen ca. 420 65-plussers (schatting)"."""
    radius = format_distance(criterion.radius_m) if criterion.radius_m is not None else "bereik"
    group = _GROUP_WORD.get(criterion.age_group, "ouderen")
    return (
        "binnen "
        + radius
        + " "
        + _reach_modes(measures)
        + " wonen "
        + _people(values)
        + f" {group} (schatting)"
    )


def older_reach_text(measures: pd.DataFrame, radii_m: tuple[float, ...] = (400.0, 800.0)) -> pd.Series | None:
    """ "binnen 400/800 m lopen wonen ca. 110/420 65-plussers (schatting)" per plot, or None.

    Read from the ``older65_<r>m`` columns of a scoring run (:mod:`plotscore.population`);
    None when the run had no CBS figures. NaN (plot off the network) gives NA.
    """
    cols = [older_col("65", r) for r in radii_m]
    if any(c not in measures.columns for c in cols):
        return None
    values = [measures[c].to_numpy(dtype=np.float64, na_value=np.nan) for c in cols]
    counts = "ca. " + _people(values[0]).str.removeprefix("ca. ")  # one "ca." for the whole "60/450"
    for v in values[1:]:
        counts = counts + "/" + _people(v).str.removeprefix("ca. ")
    radii = "/".join(f"{r:g}" for r in radii_m)
    text = f"binnen {radii} m " + _reach_modes(measures) + " wonen " + counts + " 65-plussers (schatting)"
    return text.where(~np.isnan(values[-1]))


def _criterion_parts(
    measures: pd.DataFrame, criterion: Criterion, met: BoolArray, pace_kmh: float, modes: pd.Series
) -> pd.Series:
    """One criterion's piece of the explanation for every plot."""
    norm = norm_text(criterion)
    mark = _marks(met)
    if criterion.kind == "distance":
        text, extras, found = _distance_measure(measures, criterion, pace_kmh, modes, met)
        inner = (extras + ", " + norm).where(extras != "", norm)
        full = criterion.label + " " + text + " (" + inner + ") " + mark
        return full.where(found, text + " " + mark)
    vtext, known = _value_measure(measures, criterion)
    sep = ": " if criterion.kind == "demand" else " "
    full = criterion.label + sep + vtext + " (" + norm + ") " + mark
    return full.where(known, criterion.label + " onbekend " + mark)


def explanations(
    measures: pd.DataFrame,
    profile: Profile,
    *,
    norm_ok: BoolArray | None = None,
    snap_limit_m: float = 250.0,
    absent: Collection[str] = (),
) -> pd.Series:
    """One Dutch line per plot, indexed like ``measures``; criteria with weight 0 are left out.

    ``norm_ok`` (n_criteria × n_plots, from :func:`plotscore.model.norm_met`) saves recomputing
    it. ``snap_limit_m`` is the distance beyond which the distance step marked a plot
    "niet ontsloten" (its default, 250 m); such plots get that remark instead of distances.
    Criteria in ``absent`` have no data in the loaded layers: they say so (no mark).
    """
    n = len(measures)
    met = norm_met(measures, profile) if norm_ok is None else norm_ok
    if met.shape != (len(profile.criteria), n):
        raise ScoringError(
            f"norm_ok heeft vorm {met.shape}, verwacht ({len(profile.criteria)}, {n}).",
            hint="Bereken norm_ok met norm_met(metingen, profiel).",
        )
    ok = reachable(measures)
    modes = _modes(measures)
    acc = _strings(np.full(n, "", dtype=object))
    edges = _strings(np.full(n, "", dtype=object))
    if any(c.kind == "distance" and c.weight > 0 for c in profile.criteria):
        remark = f"niet ontsloten: meer dan {format_distance(snap_limit_m)} van het looppadennetwerk"
        acc = acc.where(ok, remark)
    for i, c in enumerate(profile.criteria):
        if c.weight <= 0:
            continue
        if c.id in absent:
            part = _strings(np.full(n, no_data_text(c), dtype=object))
        else:
            part = _criterion_parts(measures, c, met[i], profile.pace_kmh, modes)
            if c.kind == "distance":
                part = part.where(ok, "")
        joined = (acc + SEPARATOR + part).where(acc != "", part)
        acc = joined.where(part != "", acc)
        if c.kind == "distance" and c.id not in absent:
            edge = _uncertain(measures, c) & ok
            name = _noun(c.label)
            edges = (edges + ", " + name).where(edges != "", name).where(edge, edges)
    # One remark per plot for the distances near the network's cut edge (readable in a room).
    tail = SEPARATOR + EDGE_NOTE + " (" + edges + ")"
    acc = (acc + tail).where(edges != "", acc)
    acc = _with_reach(acc, measures, profile)
    return pd.Series(acc.to_numpy(dtype=object), index=measures.index, name="explanation", dtype=_STR)


def _with_reach(acc: pd.Series, measures: pd.DataFrame, profile: Profile) -> pd.Series:
    """Append the older residents within 400/800 m (unless a demand criterion already says it)."""
    if any(c.kind == "demand" and c.weight > 0 for c in profile.criteria):
        return acc
    reach = older_reach_text(measures)
    if reach is None:
        return acc
    reach = reach.reset_index(drop=True)
    known = reach.notna().to_numpy(dtype=bool)
    joined = (acc + SEPARATOR + reach).where(acc != "", reach)
    return joined.where(known, acc)


def explain_criterion(
    measures: pd.DataFrame,
    profile: Profile,
    plot: Hashable,
    *,
    snap_limit_m: float = 250.0,
    absent: Collection[str] = (),
) -> list[CriterionDetail]:
    """Per-criterion detail for one plot (index label ``plot``), for the detail panel."""
    if plot not in measures.index:
        raise ScoringError(
            f"Kavel '{plot}' staat niet in de metingen.", hint="Kies een kavel uit de resultaten."
        )
    row = measures.loc[[plot]]
    ok = bool(reachable(row)[0])
    modes = _modes(row)
    details: list[CriterionDetail] = []
    for c in profile.criteria:
        met = criterion_norm_met(row, c)
        edge = bool(_uncertain(row, c)[0])
        if c.id in absent:
            measure = no_data_text(c)
        elif c.kind == "distance":
            text, extras, found = _distance_measure(row, c, profile.pace_kmh, modes, met)
            measure = str(text.iloc[0])
            inner = str(extras.iloc[0]) if found[0] and extras.iloc[0] else ""
            if edge:
                inner = f"{inner}, {EDGE_NOTE}" if inner else EDGE_NOTE
            if inner:
                measure = f"{measure} ({inner})"
            if not ok:
                measure = f"niet ontsloten: meer dan {format_distance(snap_limit_m)} van het looppadennetwerk"
        else:
            measure = str(_value_measure(row, c)[0].iloc[0])
        has_data = c.id not in absent
        details.append(
            CriterionDetail(
                criterion_id=c.id,
                label=c.label,
                measure=measure,
                norm=norm_text(c),
                met=bool(met[0]) and has_data,
                subscore=float(criterion_utilities(row, c)[0]) * 100.0 if has_data else float("nan"),
                weight=c.weight,
                has_data=has_data,
                uncertain=edge and has_data,
            )
        )
    return details
