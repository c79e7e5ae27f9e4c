"""Scoring a project: live in memory, and recorded as a snapshot only on an explicit action.

Opening, showing and reading a project never writes to it: :func:`live_run` scores the
project's layers in memory. A *snapshot* (the result table plus the profile TOML, the data
stamps and the weighting the user looked at) is stored only when the user asks for it:
``bodnaarplot project score``, *Vastleggen* in the app, or an export that needs a recorded
run to cite (:func:`current_snapshot` with ``record=True``).

A *weighting* says which score of a run is shown: the profile's own weights (``profiel``), one
party's (``partij:<id>``) or the consensus of the parties (``consensus``). Every output names it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
from sqlalchemy import select

from plotscore.columns import CONSENSUS, SCORE, party_col
from plotscore.criteria import Profile, load_profile, party_label, profile_from_toml, profile_to_toml
from plotscore.errors import ScoringError
from plotscore.pipeline import ScoreRun
from plotscore.progress import Progress, report, scaled
from projects.errors import InputsError
from projects.imports import SCORED_KINDS, project_inputs
from projects.models import ProfileRecord, ScoreSnapshot
from projects.records import detach, iso, json_safe, slug
from projects.scoring import ScoreInputs, run_summary, score_layer_files

if TYPE_CHECKING:
    from projects.store import ProjectStore

__all__ = [
    "CONSENSUS_KEY",
    "PROFILE_KEY",
    "Weighting",
    "current_snapshot",
    "data_stamps",
    "ensure_recorded",
    "for_table",
    "latest_snapshot",
    "live_run",
    "record_run",
    "score_project",
    "snapshot_profile",
    "weighting",
    "weighting_column",
]

CONSENSUS_KEY = "consensus"
PROFILE_KEY = "profiel"
_PARTY_PREFIX = "partij:"


@dataclass(frozen=True)
class Weighting:
    """Which score of a run is shown, with the Dutch label every output prints beside it."""

    key: str  # "consensus", "profiel" or "partij:<id>"
    label: str

    @property
    def party(self) -> str | None:
        return self.key.removeprefix(_PARTY_PREFIX) if self.key.startswith(_PARTY_PREFIX) else None


def weighting(profile: Profile, key: str | None = None) -> Weighting:
    """The weighting ``key`` of ``profile`` (default: the consensus when it has parties).

    Accepts ``consensus``, ``profiel``, ``partij:<id>`` and a bare party id.
    """
    key = (key or CONSENSUS_KEY).strip().lower()
    if key in profile.parties:
        key = _PARTY_PREFIX + key
    if key == CONSENSUS_KEY and not profile.parties:
        key = PROFILE_KEY
    if key == CONSENSUS_KEY:
        names = ", ".join(party_label(p).lower() for p in profile.parties)
        return Weighting(CONSENSUS_KEY, f"consensus van de partijen ({names})")
    if key == PROFILE_KEY:
        return Weighting(PROFILE_KEY, f"gewichten van het profiel {profile.id}")
    party = key.removeprefix(_PARTY_PREFIX)
    if key.startswith(_PARTY_PREFIX) and party in profile.parties:
        return Weighting(key, f"weging van de {party_label(party).lower()}")
    choices = ", ".join([CONSENSUS_KEY, PROFILE_KEY, *profile.parties])
    raise InputsError(f"Onbekende weging '{key}'.", hint=f"Kies uit: {choices}.")


def weighting_column(w: Weighting) -> str:
    """The result-frame column that holds the score under ``w`` (computed by plotscore)."""
    if w.key == CONSENSUS_KEY:
        return CONSENSUS
    if w.party is not None:
        return party_col(w.party)
    return SCORE


def for_table(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Types every store can hold: objects as text, booleans as 0/1 integers."""
    out = frame.reset_index(drop=True).copy()
    for col in out.columns:
        if col == out.geometry.name:
            continue
        dtype = out[col].dtype
        if pd.api.types.is_bool_dtype(dtype):
            out[col] = out[col].astype("Int64")
        elif pd.api.types.is_object_dtype(dtype):
            out[col] = out[col].map(lambda v: None if v is None or v is pd.NA else str(v)).astype("string")
    return out


def _profile(profile: Profile | str | Path) -> Profile:
    return profile if isinstance(profile, Profile) else load_profile(profile)


def live_run(
    store: ProjectStore,
    profile: Profile | str | Path,
    *,
    euclidean: bool = False,
    inputs: ScoreInputs | None = None,
    progress: Progress | None = None,
) -> ScoreRun:
    """Score the project's plots in memory; nothing is written to the project."""
    prof = _profile(profile)
    report(progress, 0.0, "Projectlagen lezen")
    if inputs is None:
        inputs = project_inputs(store)
    run = score_layer_files(inputs, prof, euclidean=euclidean, progress=scaled(progress, 0.05, 1.0))
    report(progress, 1.0, "Klaar")
    return run


def data_stamps(store: ProjectStore, inputs: ScoreInputs | None = None) -> dict[str, Any]:
    """What a run was computed from: each scored layer's checksum and date, the plots' versions.

    Two runs with equal stamps (and equal profiles) give the same scores, so a snapshot whose
    stamps equal the project's current ones is still current.
    """
    stamps: dict[str, Any] = {
        ls.table_name: {
            "kind": ls.kind,
            "label": ls.label,
            "checksum": ls.checksum,
            "data_date": ls.data_date,
            "feature_count": ls.feature_count,
        }
        for ls in store.layers()
        if ls.kind in {k.value for k in SCORED_KINDS}
    }
    if inputs is not None:
        plots = inputs.plots
    else:
        from projects.plots import plots_frame

        plots = plots_frame(store)
    stamps["plots"] = {"count": len(plots), "versions": int(plots["version"].sum()) if len(plots) else 0}
    return stamps


def record_run(
    store: ProjectStore,
    run: ScoreRun,
    *,
    weighting_key: str | None = None,
    inputs: ScoreInputs | None = None,
    top: int = 10,
) -> ScoreSnapshot:
    """Keep ``run`` as a snapshot: its result table, profile TOML, data stamps and weighting.

    One explicit user action, one transaction per table write. Returns the snapshot (detached).
    """
    prof = run.profile
    w = weighting(prof, weighting_key)
    table_name = f"scores_{slug(prof.id)}_{uuid.uuid4().hex[:8]}"
    stamps = data_stamps(store, inputs)
    toml = profile_to_toml(prof)
    summary = json_safe(run_summary(run, inputs, top=top))
    summary["weighting"] = {"key": w.key, "label": w.label}
    store.write_result_table(table_name, for_table(run.frame))
    with store.session() as session:
        snap = ScoreSnapshot(
            profile_id=prof.id,
            profile_toml=toml,
            method=str(run.method),
            data_stamps=stamps,
            table_name=table_name,
            summary=summary,
        )
        session.add(snap)
        record = session.scalars(
            select(ProfileRecord).where(ProfileRecord.profile_id == prof.id, ProfileRecord.party.is_(None))
        ).first()
        if record is None:
            session.add(ProfileRecord(profile_id=prof.id, housing_category=prof.housing_category, toml=toml))
        elif record.toml != toml:
            record.toml = toml
        return detach(session, snap)


def score_project(
    store: ProjectStore,
    profile: Profile | str | Path,
    *,
    euclidean: bool = False,
    top: int = 10,
    weighting_key: str | None = None,
    inputs: ScoreInputs | None = None,
    progress: Progress | None = None,
) -> ScoreRun:
    """Score the project's plots and record the run as a snapshot (``bodnaarplot project score``).

    The snapshot holds the profile as TOML and a stamp of every layer used (checksum, data
    date), so a score shown in a workshop can be explained and recomputed later; the per-plot
    results go to their own table (``scores_<profiel>_<id>``).
    """
    if inputs is None:
        inputs = project_inputs(store)
    run = live_run(store, profile, euclidean=euclidean, inputs=inputs, progress=scaled(progress, 0.0, 0.9))
    report(progress, 0.9, "Scores opslaan")
    record_run(store, run, weighting_key=weighting_key, inputs=inputs, top=top)
    report(progress, 1.0, "Klaar")
    return run


def latest_snapshot(store: ProjectStore, profile_id: str | None = None) -> ScoreSnapshot | None:
    """The most recent scoring run (of ``profile_id``, if given), detached from the session."""
    with store.session() as session:
        query = select(ScoreSnapshot).order_by(ScoreSnapshot.id.desc())
        if profile_id is not None:
            query = query.where(ScoreSnapshot.profile_id == profile_id)
        snap = session.scalars(query).first()
        return None if snap is None else detach(session, snap)


def snapshot_profile(snap: ScoreSnapshot) -> Profile | None:
    """The profile a snapshot was computed with (``None`` when its TOML no longer validates)."""
    try:
        return profile_from_toml(snap.profile_toml, source=f"scoreronde {snap.id}")
    except ScoringError:
        return None


def current_snapshot(
    store: ProjectStore,
    profile: Profile | str | Path,
    *,
    record: bool = False,
    progress: Progress | None = None,
) -> ScoreSnapshot | None:
    """The newest snapshot of ``profile`` that still matches the project's data and profile.

    With ``record`` a missing or outdated snapshot is computed and recorded (an export that
    must cite a recorded run); without it ``None`` is returned and nothing is written.
    """
    prof = _profile(profile)
    snap = latest_snapshot(store, prof.id)
    if (
        snap is not None
        and snap.profile_toml == profile_to_toml(prof)
        and _same_stamps(dict(snap.data_stamps or {}), data_stamps(store))
    ):
        return snap
    if not record:
        return None
    score_project(store, prof, weighting_key=_weighting_of(snap), progress=progress)
    return latest_snapshot(store, prof.id)


def ensure_recorded(
    store: ProjectStore,
    profile: Profile,
    *,
    weighting_key: str | None = None,
    run: ScoreRun | None = None,
    inputs: ScoreInputs | None = None,
    progress: Progress | None = None,
) -> ScoreSnapshot:
    """Make sure the run the user is looking at is recorded (*Vastleggen*, an export from the app).

    A current snapshot of ``profile`` with the same weighting is reused; otherwise ``run`` (when
    it was computed with ``profile``) or a fresh run is recorded with ``weighting_key``.
    """
    w = weighting(profile, weighting_key)
    snap = current_snapshot(store, profile)
    if snap is not None and _weighting_of(snap) == w.key:
        return snap
    if run is None or profile_to_toml(run.profile) != profile_to_toml(profile):
        run = live_run(store, profile, inputs=inputs, progress=progress)
    return record_run(store, run, weighting_key=w.key, inputs=inputs)


def _weighting_of(snap: ScoreSnapshot | None) -> str | None:
    if snap is None:
        return None
    value = (snap.summary or {}).get("weighting") or {}
    return str(value.get("key")) if value.get("key") else None


def _same_stamps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    def key(stamps: dict[str, Any]) -> dict[str, Any]:
        return {
            name: (s.get("checksum"), s.get("feature_count")) if name != "plots" else tuple(sorted(s.items()))
            for name, s in stamps.items()
        }

    return key(a) == key(b)


def snapshot_info(snap: ScoreSnapshot) -> dict[str, Any]:
    """A JSON-ready line about a snapshot (for ``project info``)."""
    value = (snap.summary or {}).get("weighting") or {}
    return {
        "id": snap.id,
        "created_at": iso(snap.created_at),
        "profile": snap.profile_id,
        "method": snap.method,
        "table": snap.table_name,
        "weighting": value.get("label"),
    }
