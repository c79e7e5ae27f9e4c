"""What a plot can hold and for whom: the tool's estimate (schatting) per category, the user's
number (opgegeven) against it, and the plot's profile for the nultreden guard.

One estimate: :func:`plotscore.capacity.estimate_capacity` on the project's plots with its
zoning (plan maximum) and the buildings that stay on plots marked so. The reserve dialog, the
CLI, the Locatie panel, the annex and the ledger all read it from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from plotscore.capacity import estimate_capacity
from plotscore.constraints import load_density_table
from plotscore.criteria import Profile
from plotscore.errors import ProfileError
from plotscore.model import norm_met
from projects.ledger import LedgerRules, capacity_warnings, ledger_rules, span

if TYPE_CHECKING:
    from projects.store import ProjectStore

__all__ = [
    "CapacityCheck",
    "NormsRun",
    "capacity_check",
    "capacity_estimates",
    "estimate_text",
    "kept_buildings",
    "norm_shares",
    "plot_fit",
    "project_layer",
    "reservation_check",
]


def project_layer(store: ProjectStore, kind: str) -> gpd.GeoDataFrame | None:
    """Every imported layer of ``kind`` as one frame (None when the project has none)."""
    frames = [store.read_layer(ls.table_name) for ls in store.layers(kind)]
    frames = [f for f in frames if len(f)]
    if not frames:
        return None
    if len(frames) == 1:
        return frames[0]
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=frames[0].crs)


def kept_buildings(plots: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    """The building footprints that stay: those on plots whose ``keep_buildings`` is true.

    A building that stays is not built over by any plot it touches, so the estimate takes it
    off every plot it overlaps.
    """
    if buildings is None or buildings.empty or "keep_buildings" not in plots.columns:
        return None
    keep = plots.loc[plots["keep_buildings"].astype("boolean").fillna(False).to_numpy(dtype=bool)]
    if keep.empty:
        return None
    hits = buildings.sindex.query(np.asarray(keep.geometry.values, dtype=object), predicate="intersects")
    rows = np.unique(hits[1])
    return buildings.iloc[rows] if len(rows) else None


def capacity_estimates(
    plots: gpd.GeoDataFrame,
    categories: Iterable[str],
    *,
    zoning: gpd.GeoDataFrame | None = None,
    buildings: gpd.GeoDataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """Per housing category (with a density preset): the estimate of every plot, indexed by plot_id.

    Columns of :func:`plotscore.capacity.estimate_capacity`, with the same inputs as a scoring
    run (:func:`projects.imports.project_inputs`): the zoning, and the footprints of buildings
    that stay (:func:`kept_buildings`, from ``buildings``). Categories without a preset (a
    municipality's own) get no estimate.
    """
    table = load_density_table()
    kept = kept_buildings(plots, buildings)
    ids = plots["plot_id"].astype("string").to_numpy(dtype=object)
    out: dict[str, pd.DataFrame] = {}
    for category in dict.fromkeys(categories):
        try:
            table.preset(category)
        except ProfileError:
            continue
        est = estimate_capacity(
            plots, housing_category=category, zoning=zoning, table=table, kept_buildings=kept
        )
        out[category] = est.set_axis(ids)
    return out


def estimate_text(row: Mapping[str, Any] | pd.Series | None) -> str:
    """ "7–15 woningen (oppervlakte × dichtheid (60–120 woningen/ha, voorinstelling))", '' if none."""
    if row is None:
        return ""
    lo, hi = row.get("capacity_min"), row.get("capacity_max")
    if (lo is None or lo is pd.NA) and (hi is None or hi is pd.NA):
        return ""
    basis = row.get("capacity_basis")
    basis = "" if basis is None or basis is pd.NA else str(basis)
    return f"{span(lo, hi)} woningen" + (f" ({basis})" if basis else "")


# --- opgegeven against the schatting ---------------------------------------------------------


@dataclass(frozen=True)
class CapacityCheck:
    """The user's capacity next to the tool's estimate for one plot and category."""

    plot_id: str
    category: str
    estimate_min: int | None
    estimate_max: int | None
    basis: str
    plan_max: int | None
    warnings: tuple[str, ...]
    brief_warnings: tuple[str, ...] = ()  # the same, without repeating the estimate (a form shows it)

    @property
    def estimate(self) -> str:
        """ "7–15 woningen (basis)", or '' without an estimate."""
        if self.estimate_min is None and self.estimate_max is None:
            return ""
        return f"{span(self.estimate_min, self.estimate_max)} woningen" + (
            f" ({self.basis})" if self.basis else ""
        )


def _opt(value: Any) -> int | None:
    return None if value is None or value is pd.NA else int(value)


def capacity_check(
    estimate: pd.DataFrame | None, plot_id: str, category: str, capacity_min: int, capacity_max: int
) -> CapacityCheck:
    """Compare a capacity with the estimate of ``plot_id`` (a frame of :func:`capacity_estimates`)."""
    row = estimate.loc[plot_id] if estimate is not None and plot_id in estimate.index else None
    lo = _opt(row["capacity_min"]) if row is not None else None
    hi = _opt(row["capacity_max"]) if row is not None else None
    plan = _opt(row["capacity_plan_max"]) if row is not None else None
    basis = "" if row is None or row["capacity_basis"] is pd.NA else str(row["capacity_basis"])
    return CapacityCheck(
        plot_id=plot_id,
        category=category,
        estimate_min=lo,
        estimate_max=hi,
        basis=basis,
        plan_max=plan,
        warnings=tuple(capacity_warnings(capacity_min, capacity_max, lo, hi, plan, basis or None)),
        brief_warnings=tuple(capacity_warnings(capacity_min, capacity_max, lo, hi, plan, brief=True)),
    )


def reservation_check(
    store: ProjectStore,
    plot_id: str,
    category: str,
    capacity_min: int,
    capacity_max: int,
    *,
    plots: gpd.GeoDataFrame | None = None,
    zoning: gpd.GeoDataFrame | None = None,
    buildings: gpd.GeoDataFrame | None = None,
) -> CapacityCheck:
    """The check of one reservation against the project's estimate (reads the layers it needs)."""
    from projects.plots import plots_frame

    frame = plots if plots is not None else plots_frame(store)
    frame = frame.loc[frame["plot_id"].astype("string") == plot_id]
    if zoning is None:
        zoning = project_layer(store, "zoning")
    if (
        buildings is None
        and "keep_buildings" in frame.columns
        and frame["keep_buildings"].fillna(False).any()
    ):
        buildings = project_layer(store, "buildings")
    estimates = (
        capacity_estimates(frame, [category], zoning=zoning, buildings=buildings) if len(frame) else {}
    )
    return capacity_check(estimates.get(category), plot_id, category, capacity_min, capacity_max)


# --- the plot's profile (the nultreden guard) -------------------------------------------------------


@dataclass(frozen=True)
class NormsRun:
    """A recorded scoring run of one category's profile: the scores the norms are read from."""

    category: str
    profile: Profile
    frame: pd.DataFrame  # indexed by plot_id
    label: str  # e.g. "scoreronde 4"


def norm_shares(run: NormsRun, plot_ids: Sequence[str]) -> dict[str, float]:
    """Per plot: the share (0–1) of the profile's criteria weight whose norm the plot meets.

    The same ✓/✗ as the Locatie panel and the dossiers (:func:`plotscore.model.norm_met`).
    """
    ids = [p for p in dict.fromkeys(plot_ids) if p in run.frame.index]
    weights = np.asarray([c.weight for c in run.profile.criteria], dtype=np.float64)
    if not ids or weights.sum() <= 0:
        return {}
    rows = run.frame.loc[ids]
    rows = rows[~rows.index.duplicated()]
    met = norm_met(rows, run.profile)  # (n_criteria, n_plots)
    share = (weights[:, None] * met).sum(axis=0) / weights.sum()
    return {str(p): float(v) for p, v in zip(rows.index, share, strict=True)}


def _pct(share: float) -> str:
    return f"{round(share * 100)}%"


def plot_fit(
    estimates: Mapping[str, pd.DataFrame],
    plot_ids: Sequence[str],
    runs: Mapping[str, NormsRun | None],
    rules: LedgerRules | None = None,
) -> pd.DataFrame:
    """Per plot: ``profile`` (the most demanding category of ``rules.profile_order`` it meets, "geen"
    when none, NA when nothing can be tested) and per category the reason it is not met.

    A category is met when the estimate's maximum reaches the category's minimum number of
    homes and, where ``runs`` has a recorded run of the category, the plot meets at least
    ``rules.norm_share`` of the profile's walking norms (by weight). Columns: ``profile``,
    ``profile_how`` (how it was tested) and ``why_<category>`` (Dutch; NA when met).
    """
    table = rules or ledger_rules()
    density = load_density_table()
    order = [c for c in table.profile_order if c in estimates]
    shares = {c: norm_shares(run, plot_ids) for c, run in runs.items() if run is not None}
    rows: list[dict[str, Any]] = []
    for plot_id in plot_ids:
        row: dict[str, Any] = {"plot_id": plot_id}
        profile: str | None = None
        tested = False
        how: list[str] = []
        for category in order:
            est = estimates[category]
            hi = _opt(est.loc[plot_id, "capacity_max"]) if plot_id in est.index else None
            lo = _opt(est.loc[plot_id, "capacity_min"]) if plot_id in est.index else None
            need = density.preset(category).min_homes
            reasons: list[str] = []
            if hi is None:
                row[f"why_{category}"] = None
                continue
            tested = True
            if hi < need:
                reasons.append(f"schatting {span(lo, hi)} woningen, {category} vraagt er minstens {need}")
            run = runs.get(category)
            share = shares.get(category, {}).get(plot_id)
            if run is not None and share is not None:
                how.append(f"{category}: {_pct(share)} van de loopnormen ({run.label})")
                if share < table.norm_share:
                    reasons.append(
                        f"{_pct(share)} van de loopnormen van {category} gehaald, minstens "
                        f"{_pct(table.norm_share)} nodig ({run.label})"
                    )
            elif category != order[-1]:
                how.append(f"{category}: alleen grootte getoetst (geen vastgelegde scoreronde)")
            row[f"why_{category}"] = "; ".join(reasons) or None
            if not reasons and profile is None:
                profile = category
        row["profile"] = profile if profile is not None else ("geen" if tested else None)
        row["profile_how"] = "; ".join(how) or None
        rows.append(row)
    columns = ["plot_id", "profile", "profile_how", *(f"why_{c}" for c in order)]
    frame = pd.DataFrame(rows, columns=columns).set_index("plot_id")
    return frame.astype("string") if len(frame) else frame
