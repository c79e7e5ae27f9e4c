"""Progress from the BAG: status proposals for reserved plots from a newer BAG extract.

A newer extract (any format :mod:`layers.bag` reads) is compared with the project's own BAG
layers (the older snapshot) on the plots of the live reservations (:func:`projects.views.
live_reservations`). What happened on a plot becomes a proposal, never a change:

* a pand with a permit or a started construction (or a verblijfsobject *gevormd* with
  woonfunctie) → *in aanbouw*, which the pipeline calls ``in ontwikkeling``;
* new verblijfsobjecten with woonfunctie in use → ``gerealiseerd``, counting them as homes.

Which BAG statuses mean what is data (``resources/categories/bag_progress.toml``). Only forward
moves are proposed, never for a reservation that is already gerealiseerd. A plot where things
happened without a proposal (panden in gebruik without new woonfunctie, an extract without
verblijfsobjecten) gets a note saying why. Listing never writes; accepting goes through
:func:`projects.reservations.set_status` (so the audit log records it, the BAG evidence in the
reservation's notes) and a rejection is remembered in the result table
``bag_progress_rejected`` with the evidence's signature, so the same proposal on the same
evidence does not come back, while new evidence does.

"New" is relative to the project's BAG: a verblijfsobject counts when the project's address
layer does not have it with woonfunctie in use. A project without BAG addresses compares with
nothing: every verblijfsobject with woonfunctie in use on the plot counts, and the result says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
from sqlalchemy import select

from layers.canonical import LayerKind
from layers.registry import load_path
from projects.errors import ConflictError, InputsError
from projects.models import RESERVATION_STATUSES, DataTable, ReservationStatus
from projects.reservations import reservation_values, set_status
from projects.views import live_reservations
from resources import resource

if TYPE_CHECKING:
    from collections.abc import Callable

    from projects.store import ProjectStore

    Progress = Callable[[float, str], None]

__all__ = [
    "REJECTED_TABLE",
    "BagEvidence",
    "BagExtract",
    "BagNote",
    "BagProgress",
    "BagProposal",
    "BagRules",
    "accept_proposals",
    "bag_progress",
    "bag_progress_json",
    "bag_progress_text",
    "bag_rules",
    "load_bag_extract",
    "reject_proposals",
]

REJECTED_TABLE = "bag_progress_rejected"
# A pand lies on a plot when at least this share of its footprint does (a neighbour's pand
# touching the plot's edge is not on it).
_PAND_SHARE = 0.5
_NOTE_EVIDENCE = 8  # evidence items written into the reservation's notes on accepting


@dataclass(frozen=True)
class _Step:
    proposed_status: str
    label: str
    pand_statuses: frozenset[str]
    vbo_statuses: frozenset[str]


@dataclass(frozen=True)
class BagRules:
    """The tables of ``bag_progress.toml`` (statuses compared in lower case)."""

    woonfunctie: str
    building: _Step
    realised: _Step
    date_columns: tuple[str, ...]


@lru_cache(maxsize=1)
def bag_rules() -> BagRules:
    """The bundled BAG progress tables, read once."""
    data = tomllib.loads(resource("categories", "bag_progress.toml").read_text(encoding="utf-8"))

    def step(d: Mapping[str, Any]) -> _Step:
        status = str(d["proposed_status"])
        if status not in RESERVATION_STATUSES:
            raise InputsError(
                f"bag_progress.toml noemt een onbekende status '{status}'.",
                hint=f"Kies uit: {', '.join(RESERVATION_STATUSES)}.",
            )
        return _Step(
            proposed_status=status,
            label=str(d["label"]),
            pand_statuses=frozenset(str(s).lower() for s in d["pand_statuses"]),
            vbo_statuses=frozenset(str(s).lower() for s in d["vbo_statuses"]),
        )

    return BagRules(
        woonfunctie=str(data["woonfunctie"]).lower(),
        building=step(data["building"]),
        realised=step(data["realised"]),
        date_columns=tuple(str(c).lower() for c in data["date_columns"]),
    )


# --- the extract -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BagExtract:
    """Panden and verblijfsobjecten of one BAG extract, as :mod:`layers.bag` reads them."""

    source: str
    buildings: gpd.GeoDataFrame | None
    addresses: gpd.GeoDataFrame | None
    stand_datum: str | None
    warnings: tuple[str, ...] = ()


def load_bag_extract(
    path: str | Path, *, as_of: str | dt.date | None = None, progress: Progress | None = None
) -> BagExtract:
    """Read the panden and verblijfsobjecten of a BAG extract (XML, GeoPackage, GeoJSON, ...).

    ``as_of`` reads the extract as it stood on that day (an LV BAG extract keeps its history).
    Nothing is stored in the project.
    """
    if progress is not None:
        progress(0.0, f"{Path(path).name} lezen")
    options: dict[str, Any] = {} if as_of is None else {"as_of": as_of}
    results = load_path(path, **options)
    by_kind = {r.kind: r for r in results}
    buildings = by_kind.get(LayerKind.BUILDINGS)
    addresses = by_kind.get(LayerKind.ADDRESSES)
    if buildings is None and addresses is None:
        raise InputsError(
            f"{Path(path).name} bevat geen BAG-panden of -verblijfsobjecten.",
            hint="Kies een BAG-extract (LV BAG XML, zip of map) of een BAG-export (bag-light.gpkg, GeoJSON).",
        )
    stand = None
    for r in (buildings, addresses):
        if r is not None:
            stand = stand or r.meta.get("as_of") or r.meta.get("stand_datum") or r.meta.get("data_date")
    messages = [w.message for r in (buildings, addresses) if r is not None for w in r.warnings]
    warnings = tuple(dict.fromkeys(messages))  # the same peildatum note of both layers once
    if progress is not None:
        progress(1.0, "BAG gelezen")
    return BagExtract(
        source=str(path),
        buildings=None if buildings is None else buildings.frame,
        addresses=None if addresses is None else addresses.frame,
        stand_datum=None if stand is None else str(stand),
        warnings=warnings,
    )


# --- the result ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BagEvidence:
    """One BAG object behind a proposal: what it is, its status and its date."""

    identificatie: str
    object_type: str  # "pand" or "verblijfsobject"
    status: str
    date: str | None  # the date of the first of the rules' date columns the extract has
    date_kind: str | None  # that column, e.g. "beginGeldigheid"
    gebruiksdoel: str | None
    new: bool  # not (so) in the project's BAG: new, or a changed status

    def text(self) -> str:
        kind = "pand" if self.object_type == "pand" else "vbo"
        parts = [f"{kind} {self.identificatie}", self.status]
        if self.gebruiksdoel and self.object_type != "pand":
            parts.append(self.gebruiksdoel)
        if self.date:
            parts.append(f"{self.date_kind} {self.date}")
        return ", ".join(parts)


@dataclass(frozen=True)
class BagProposal:
    """A proposed status change of one reservation, with its BAG evidence."""

    reservation_id: int
    plot_id: str
    category: str
    current_status: str
    proposed_status: str
    step: str  # "in aanbouw" or "gerealiseerd" (the rules' label)
    homes_counted: int  # new verblijfsobjecten with woonfunctie in use on the plot
    homes_planned: int  # verblijfsobjecten with woonfunctie gevormd (not yet in use)
    capacity_min: int
    capacity_max: int
    evidence: tuple[BagEvidence, ...]
    note: str
    key: str  # the evidence's signature: a rejection holds for this key only
    version: int  # the reservation's version when read (a change in between is a conflict)


@dataclass(frozen=True)
class BagNote:
    """A plot where something happened in the BAG without a proposal, and why."""

    reservation_id: int
    plot_id: str
    current_status: str
    text: str
    evidence: tuple[BagEvidence, ...]


@dataclass(frozen=True)
class BagProgress:
    """Everything the newer extract says about the live reservations (nothing stored)."""

    source: str
    stand_datum: str | None
    baseline: str | None  # the project's BAG layers compared with, or None
    proposals: tuple[BagProposal, ...]
    notes: tuple[BagNote, ...]
    rejected: tuple[BagProposal, ...]  # proposals hidden by an earlier rejection on the same evidence
    warnings: tuple[str, ...] = field(default=())  # about the comparison (no baseline, no VBOs)
    extract_warnings: tuple[str, ...] = field(default=())  # the loader's notes on the extract

    def proposal(self, reservation_id: int | str) -> BagProposal:
        """The open proposal of a reservation, or a Dutch error."""
        for p in self.proposals:
            if str(p.reservation_id) == str(reservation_id).strip():
                return p
        ids = ", ".join(str(p.reservation_id) for p in self.proposals) or "geen"
        raise InputsError(
            f"Er is geen voorstel voor reservering {reservation_id}.",
            hint=f"Voorstellen zijn er voor de reserveringen: {ids}.",
        )

    def frame(self) -> pd.DataFrame:
        """One row per proposal, indexed by reservation id (for tables and exports)."""
        rows = [
            {
                "reservation_id": p.reservation_id,
                "plot_id": p.plot_id,
                "category": p.category,
                "current_status": p.current_status,
                "proposed_status": p.proposed_status,
                "step": p.step,
                "homes_counted": p.homes_counted,
                "homes_planned": p.homes_planned,
                "capacity_min": p.capacity_min,
                "capacity_max": p.capacity_max,
                "evidence": "; ".join(e.text() for e in p.evidence),
                "note": p.note,
            }
            for p in self.proposals
        ]
        return pd.DataFrame(rows).set_index("reservation_id") if rows else pd.DataFrame()


# --- the comparison --------------------------------------------------------------------------------


def _lower_status(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip().str.lower().fillna("")


def _has_woonfunctie(values: pd.Series, rules: BagRules) -> pd.Series:
    doel = values.astype("string").str.lower().fillna("")
    return doel.str.split(",").apply(lambda parts: rules.woonfunctie in [p.strip() for p in parts])


def _date_of(row: pd.Series, columns: Mapping[str, str], rules: BagRules) -> tuple[str | None, str | None]:
    for name in rules.date_columns:
        col = columns.get(name)
        if col is None:
            continue
        value = row[col]
        if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
            continue
        text = str(value).strip()  # a Timestamp prints as its ISO date and time, NaT as "NaT"
        if not text or text.lower() in ("nat", "nan", "<na>"):
            continue
        if name == "bouwjaar":
            return str(int(float(text))), col
        return text[:10], col
    return None, None


def _evidence(frame: pd.DataFrame, object_type: str, new: pd.Series, rules: BagRules) -> list[BagEvidence]:
    columns = {str(c).lower(): str(c) for c in frame.columns}
    out = []
    flags = new.reindex(frame.index).fillna(False).astype(bool).tolist()
    for flag, (_, row) in zip(flags, frame.iterrows(), strict=True):
        date, kind = _date_of(row, columns, rules)
        doel = row.get("gebruiksdoel")
        out.append(
            BagEvidence(
                identificatie=str(row["identificatie"]),
                object_type=object_type,
                status=str(row["status"]) if pd.notna(row["status"]) else "",
                date=date,
                date_kind=kind,
                gebruiksdoel=None if doel is None or pd.isna(doel) else str(doel),
                new=bool(flag),
            )
        )
    return out


def _baseline_layers(
    store: ProjectStore,
) -> tuple[gpd.GeoDataFrame | None, gpd.GeoDataFrame | None, str | None]:
    """The project's newest BAG panden and addresses (the older snapshot), and their label."""
    frames: list[gpd.GeoDataFrame | None] = []
    labels = []
    for kind in (LayerKind.BUILDINGS, LayerKind.ADDRESSES):
        layers = store.layers(kind.value)
        if not layers:
            frames.append(None)
            continue
        newest = layers[-1]
        frames.append(store.read_layer(newest.table_name))
        date = f", {newest.data_date}" if newest.data_date else ""
        labels.append(f"{newest.label} ({newest.table_name}{date})")
    return frames[0], frames[1], "; ".join(labels) or None


def _signature(proposed: str, evidence: Iterable[BagEvidence]) -> str:
    parts = sorted(f"{e.object_type}:{e.identificatie}:{e.status}:{e.date or ''}" for e in evidence)
    return hashlib.sha1("|".join([proposed, *parts]).encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


def _rejections(store: ProjectStore) -> pd.DataFrame:
    with store.session() as s:
        exists = s.scalars(select(DataTable.table_name).where(DataTable.table_name == REJECTED_TABLE)).first()
    if exists is None:
        return pd.DataFrame(columns=["reservation_id", "proposed_status", "evidence_key"])
    return pd.DataFrame(store.read_layer(REJECTED_TABLE))


def _phase(status: str, rules: BagRules) -> str:
    """A pand status as a phase: building, realised or its own word (lower case)."""
    if status in rules.building.pand_statuses:
        return "building"
    if status in rules.realised.pand_statuses:
        return "realised"
    return status


def _forward(current: str, proposed: str) -> bool:
    order = [s for s in RESERVATION_STATUSES if s != ReservationStatus.VERVALLEN.value]
    if current not in order or proposed not in order:
        return False
    return order.index(proposed) > order.index(current)


def _on_plot_panden(panden: gpd.GeoDataFrame, plot: Any) -> pd.Series:
    if panden.empty:
        return pd.Series(False, index=panden.index)
    area = panden.geometry.area
    inside = panden.geometry.intersection(plot).area
    on_plot: pd.Series = (inside >= _PAND_SHARE * area) & (area > 0)
    return on_plot


def bag_progress(
    store: ProjectStore, extract: BagExtract | str | Path, *, progress: Progress | None = None
) -> BagProgress:
    """The status proposals a newer BAG extract makes for the live reservations. Never writes."""
    if not isinstance(extract, BagExtract):
        reading = None if progress is None else _scaled(progress, 0.0, 0.6)
        extract = load_bag_extract(extract, progress=reading)
    rules = bag_rules()
    if progress is not None:
        progress(0.6, "kavels vergelijken")
    reservations = live_reservations(store)
    base_pand, base_vbo, baseline = _baseline_layers(store)
    rejected = _rejections(store)
    rejected_keys = {
        (int(r), str(k)) for r, k in zip(rejected["reservation_id"], rejected["evidence_key"], strict=True)
    }
    warnings: list[str] = []
    has_vbo = extract.addresses is not None and len(extract.addresses) > 0
    if reservations.empty:
        warnings.append("Het project heeft geen lopende reserveringen: er valt niets voor te stellen.")
    if base_vbo is None and has_vbo:
        warnings.append(
            "Het project heeft geen BAG-verblijfsobjecten om mee te vergelijken: alle verblijfsobjecten "
            "met woonfunctie in gebruik op de kavels tellen als nieuw. Controleer de voorstellen."
        )
    if not has_vbo:
        warnings.append(
            "Het extract bevat geen verblijfsobjecten: woningen tellen kan niet, dus 'gerealiseerd' wordt "
            "niet voorgesteld. Kies het hele extract (met de VBO-bestanden) of bag-light.gpkg."
        )
    panden = extract.buildings if extract.buildings is not None else gpd.GeoDataFrame(geometry=[])
    vbos = extract.addresses if has_vbo and extract.addresses is not None else gpd.GeoDataFrame(geometry=[])
    pand_status = _lower_status(panden["status"]) if len(panden) else pd.Series(dtype="string")
    vbo_status = _lower_status(vbos["status"]) if len(vbos) else pd.Series(dtype="string")
    vbo_woon = _has_woonfunctie(vbos["gebruiksdoel"], rules) if len(vbos) else pd.Series(dtype=bool)

    # New relative to the project's BAG: a pand not there or in another phase (building, in use,
    # other: "in gebruik (niet ingemeten)" → "in gebruik" is no news); a VBO not yet a home in use.
    if len(panden):
        if base_pand is not None and len(base_pand):
            before = dict(
                zip(
                    base_pand["identificatie"].astype(str),
                    _lower_status(base_pand["status"]).map(lambda x: _phase(x, rules)),
                    strict=True,
                )
            )
            pand_new = pd.Series(
                [
                    before.get(str(i)) != _phase(s, rules)
                    for i, s in zip(panden["identificatie"], pand_status, strict=True)
                ],
                index=panden.index,
            )
        else:
            pand_new = pd.Series(True, index=panden.index)
    else:
        pand_new = pd.Series(dtype=bool)
    if len(vbos):
        homes_before: set[str] = set()
        if base_vbo is not None and len(base_vbo):
            in_use = _lower_status(base_vbo["status"]).isin(rules.realised.vbo_statuses)
            woon = _has_woonfunctie(base_vbo["gebruiksdoel"], rules)
            homes_before = set(base_vbo.loc[in_use & woon, "identificatie"].astype(str))
        vbo_new = ~vbos["identificatie"].astype(str).isin(homes_before)
        known_before = set() if base_vbo is None else set(base_vbo["identificatie"].astype(str))
        vbo_changed = vbo_new & ~vbos["identificatie"].astype(str).isin(known_before)
    else:
        vbo_new = vbo_changed = pd.Series(dtype=bool)

    proposals: list[BagProposal] = []
    hidden: list[BagProposal] = []
    notes: list[BagNote] = []
    # Status masks once; per plot only the objects the spatial index finds near it are tested.
    pand_building = pand_status.isin(rules.building.pand_statuses)
    pand_realised = pand_status.isin(rules.realised.pand_statuses)
    vbo_planned = vbo_woon & vbo_status.isin(rules.building.vbo_statuses)
    vbo_home = vbo_woon & vbo_status.isin(rules.realised.vbo_statuses) & vbo_new
    for _, res in reservations.iterrows():
        current = str(res["status"])
        plot = res.geometry
        if plot is None or plot.is_empty:
            continue
        near_p = panden.iloc[panden.sindex.query(plot, predicate="intersects")] if len(panden) else panden
        near_v = vbos.iloc[vbos.sindex.query(plot, predicate="intersects")] if len(vbos) else vbos
        p_idx, v_idx = near_p.index, near_v.index
        on_plot = _on_plot_panden(near_p, plot)
        p_building = on_plot & pand_building.loc[p_idx]
        p_realised = on_plot & pand_realised.loc[p_idx]
        v_planned = vbo_planned.loc[v_idx]  # near_v are the VBOs whose point lies on the plot
        v_homes = vbo_home.loc[v_idx]
        homes = int(v_homes.sum())
        planned = int(v_planned.sum())
        step: _Step | None = None
        evidence: list[BagEvidence] = []
        if homes > 0:
            step = rules.realised
            evidence = _evidence(near_p.loc[p_realised], "pand", pand_new, rules) + _evidence(
                near_v.loc[v_homes], "verblijfsobject", vbo_new, rules
            )
        elif p_building.any() or planned > 0:
            step = rules.building
            evidence = _evidence(near_p.loc[p_building], "pand", pand_new, rules) + _evidence(
                near_v.loc[v_planned], "verblijfsobject", vbo_changed, rules
            )
        plot_id = str(res["plot_id"])
        fid = int(res["fid"])
        if current == ReservationStatus.GEREALISEERD.value:
            continue  # never propose for an already realised reservation
        if step is None or not _forward(current, step.proposed_status):
            note = _why_not(
                step,
                current,
                near_p,
                near_v,
                on_plot,
                p_realised,
                pand_new.loc[p_idx],
                vbo_new.loc[v_idx],
                vbo_woon.loc[v_idx],
                has_vbo=has_vbo,
                rules=rules,
            )
            if note is not None:
                text, items = note
                notes.append(BagNote(fid, plot_id, current, text, tuple(items)))
            continue
        lo, hi = int(res["capacity_min"]), int(res["capacity_max"])
        proposal = BagProposal(
            reservation_id=fid,
            plot_id=plot_id,
            category=str(res["category"]),
            current_status=current,
            proposed_status=step.proposed_status,
            step=step.label,
            homes_counted=homes,
            homes_planned=planned,
            capacity_min=lo,
            capacity_max=hi,
            evidence=tuple(evidence),
            note=_proposal_note(step, rules, homes, planned, lo, hi, baseline),
            key=_signature(step.proposed_status, evidence),
            version=int(res["version"]),
        )
        (hidden if (fid, proposal.key) in rejected_keys else proposals).append(proposal)
    if progress is not None:
        progress(1.0, f"{len(proposals)} voorstellen")
    return BagProgress(
        source=extract.source,
        stand_datum=extract.stand_datum,
        baseline=baseline,
        proposals=tuple(proposals),
        notes=tuple(notes),
        rejected=tuple(hidden),
        warnings=tuple(warnings),
        extract_warnings=extract.warnings,
    )


def _scaled(progress: Progress, start: float, end: float) -> Progress:
    def inner(fraction: float, text: str) -> None:
        progress(start + (end - start) * fraction, text)

    return inner


def _proposal_note(
    step: _Step, rules: BagRules, homes: int, planned: int, lo: int, hi: int, baseline: str | None
) -> str:
    if step is rules.realised:
        words = "woning" if homes == 1 else "woningen"
        text = f"{homes} nieuwe {words} met woonfunctie in gebruik op de kavel"
        if not lo <= homes <= hi:
            text += f" (gereserveerd: {lo}–{hi}; pas zo nodig de capaciteit aan)"
        if baseline is None:
            text += "; geen eerdere BAG in het project: alle woningen op de kavel geteld"
        return text
    if planned:
        return f"bouw op de kavel: {planned} verblijfsobjecten met woonfunctie gevormd"
    return "bouw op de kavel (vergunning of bouw gestart)"


def _why_not(
    step: _Step | None,
    current: str,
    panden: gpd.GeoDataFrame,
    vbos: gpd.GeoDataFrame,
    on_plot: pd.Series,
    p_realised: pd.Series,
    pand_new: pd.Series,
    vbo_new: pd.Series,
    vbo_woon: pd.Series,
    *,
    has_vbo: bool,
    rules: BagRules,
) -> tuple[str, list[BagEvidence]] | None:
    """Why a plot where something happened gets no proposal (None: nothing happened).

    ``panden`` and ``vbos`` are the objects near the plot; the masks are on their index.
    """
    if step is not None:
        return (
            f"BAG zegt '{step.label}', maar de reservering staat al op '{current}' (alleen vooruit).",
            [],
        )
    new_pand = on_plot & pand_new
    new_vbo = vbo_new  # the VBOs passed are those on the plot
    if not has_vbo and bool((new_pand & p_realised).any()):
        return (
            "Op de kavel staan nieuwe panden in gebruik (of met een nieuwe status), maar het extract "
            "bevat geen verblijfsobjecten: woningen tellen kan niet.",
            _evidence(panden.loc[new_pand & p_realised], "pand", pand_new, rules),
        )
    if bool(new_vbo.any()) or bool((new_pand & p_realised).any()):
        others = vbos.loc[new_vbo & ~vbo_woon] if len(vbos) else vbos
        doelen = sorted({str(d) for d in others["gebruiksdoel"].dropna()}) if len(others) else []
        why = f" (gebruiksdoel: {', '.join(doelen)})" if doelen else ""
        items = _evidence(panden.loc[on_plot & (pand_new | p_realised)], "pand", pand_new, rules)
        items += _evidence(vbos.loc[new_vbo], "verblijfsobject", vbo_new, rules) if len(vbos) else []
        return (
            f"Op de kavel staan panden, maar geen nieuwe verblijfsobjecten met woonfunctie in gebruik{why}.",
            items,
        )
    return None


# --- accept and reject -------------------------------------------------------------------------------


def _notes_line(result: BagProgress, p: BagProposal) -> str:
    stand = f" (stand {result.stand_datum})" if result.stand_datum else ""
    items = [e.text() for e in p.evidence[:_NOTE_EVIDENCE]]
    more = len(p.evidence) - len(items)
    if more > 0:
        items.append(f"en {more} meer")
    return f"BAG-voortgang{stand}: {p.current_status} → {p.proposed_status}; {p.note}. Bewijs: " + "; ".join(
        items
    )


def accept_proposals(store: ProjectStore, result: BagProgress, ids: Sequence[int | str]) -> list[BagProposal]:
    """Apply the proposals of ``ids`` through the status write path (audited), evidence in the notes.

    A reservation edited since the proposals were made is refused (:class:`ConflictError`):
    list the proposals again.
    """
    chosen = [result.proposal(i) for i in ids]
    done = []
    for p in chosen:
        current = reservation_values(store, p.reservation_id)
        if int(current["version"]) != p.version:
            raise ConflictError(
                f"Reservering {p.reservation_id} is gewijzigd sinds de voorstellen zijn gemaakt.",
                hint="Vraag de voorstellen opnieuw op.",
            )
        old = current.get("notes")
        line = _notes_line(result, p)
        notes = f"{old}\n{line}" if old else line
        set_status(store, p.reservation_id, p.proposed_status, expected_version=p.version, notes=notes)
        done.append(p)
    return done


def reject_proposals(
    store: ProjectStore, result: BagProgress, ids: Sequence[int | str], *, who: str | None = None
) -> list[BagProposal]:
    """Remember that these proposals were rejected (for this evidence), in one write."""
    chosen = [result.proposal(i) for i in ids]
    if not chosen:
        return []
    old = _rejections(store)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    new = pd.DataFrame(
        {
            "reservation_id": [p.reservation_id for p in chosen],
            "plot_id": [p.plot_id for p in chosen],
            "proposed_status": [p.proposed_status for p in chosen],
            "evidence_key": [p.key for p in chosen],
            "evidence": ["; ".join(e.text() for e in p.evidence) for p in chosen],
            "stand_datum": [result.stand_datum or "" for _ in chosen],
            "rejected_at": [now for _ in chosen],
            "who": [who or store.user for _ in chosen],
        }
    )
    frame = pd.concat([old, new], ignore_index=True) if len(old) else new
    frame["reservation_id"] = pd.to_numeric(frame["reservation_id"]).astype("Int64")
    for col in frame.columns.drop("reservation_id"):
        frame[col] = frame[col].astype("string")
    store.write_result_table(REJECTED_TABLE, frame)
    return chosen


# --- text and JSON -------------------------------------------------------------------------------------


def bag_progress_json(result: BagProgress) -> dict[str, Any]:
    return {
        "source": result.source,
        "stand_datum": result.stand_datum,
        "baseline": result.baseline,
        "proposals": [asdict(p) for p in result.proposals],
        "notes": [asdict(n) for n in result.notes],
        "rejected": [asdict(p) for p in result.rejected],
        "warnings": list(result.warnings),
        "extract_warnings": list(result.extract_warnings),
    }


def bag_progress_text(result: BagProgress) -> str:
    stand = f" (stand {result.stand_datum})" if result.stand_datum else ""
    lines = [f"BAG-extract: {result.source}{stand}"]
    lines.append(f"vergeleken met: {result.baseline or 'geen BAG-laag in het project'}")
    for w in result.warnings:
        lines.append(f"let op: {w}")
    for w in result.extract_warnings:
        lines.append(f"bij het lezen: {w}")
    lines.append("")
    if not result.proposals:
        lines.append("geen voorstellen")
    else:
        word = "voorstel" if len(result.proposals) == 1 else "voorstellen"
        lines.append(f"{len(result.proposals)} {word}:")
    for p in result.proposals:
        lines.append(
            f"  [{p.reservation_id}] kavel {p.plot_id}, {p.category}: {p.current_status} → "
            f"{p.proposed_status} ({p.step}): {p.note}"
        )
        for e in p.evidence:
            lines.append(f"      {e.text()}{' (nieuw)' if e.new else ''}")
    if result.notes:
        lines.append("")
        lines.append("toelichting (geen voorstel):")
        for n in result.notes:
            lines.append(f"  [{n.reservation_id}] kavel {n.plot_id} ({n.current_status}): {n.text}")
            for e in n.evidence:
                lines.append(f"      {e.text()}")
    if result.rejected:
        lines.append("")
        lines.append(
            f"{len(result.rejected)} eerder afgewezen voorstel(len) op hetzelfde bewijs niet getoond: "
            + ", ".join(str(p.reservation_id) for p in result.rejected)
        )
    return "\n".join(lines)
