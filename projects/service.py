"""The project use cases: import, score, opgave, reserve, workshops, ledger and export.

Each use case is one user action and therefore one transaction (``store.session()`` or
``store.add_layer``), so the CLI and the app never leave a half-done edit behind. The store
writes the audit log (old → new per field) and guards versions; this module validates the
input with Dutch errors and keeps the denormalised fields (plot geometry on a reservation,
``partners_text``) right for GIS users who open the file in QGIS.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import sqlite3
import tempfile
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from layers.canonical import RD_NEW, LayerKind, conform
from layers.registry import load_path
from plotscore.criteria import Profile, load_profile, profile_to_toml
from plotscore.pipeline import ScoreRun
from plotscore.progress import Progress, report, scaled
from projects.errors import ConflictError, InputsError, ProjectError
from projects.ledger import ledger, opgave_rows
from projects.models import (
    RESERVATION_STATUSES,
    LayerSource,
    Opgave,
    Partner,
    PartnerType,
    Plot,
    PlotComment,
    ProfileRecord,
    Project,
    Reservation,
    ReservationPartner,
    ReservationStatus,
    ScoreSnapshot,
    Workshop,
)
from projects.scoring import ScoreInputs, run_summary, score_layer_files

if TYPE_CHECKING:
    from projects.store import ProjectStore

__all__ = [
    "DEFAULT_CATEGORIES",
    "RESERVATION_COLUMNS",
    "SCORED_KINDS",
    "add_comment",
    "add_partner",
    "add_plot",
    "delete_plot",
    "export_gpkg",
    "import_layer",
    "latest_snapshot",
    "list_comments",
    "log_decision",
    "new_project",
    "new_workshop",
    "next_plot_id",
    "parse_capacity",
    "parse_partner",
    "parse_years",
    "plots_frame",
    "project_info",
    "project_inputs",
    "project_ledger",
    "reservation_values",
    "reservations_frame",
    "reserve",
    "restore_plot",
    "restore_reservation",
    "save_copy",
    "score_project",
    "set_opgave",
    "set_status",
    "unreserve",
    "workshop_minutes",
]

# "wonen met een plus": existing homes upgraded for older residents (kandidatenzoeker, issue 7)
# is a category of its own in the ledger, apart from new-build nultreden/geclusterd/zorggeschikt.
DEFAULT_CATEGORIES: tuple[str, ...] = ("nultreden", "geclusterd", "zorggeschikt", "wonen met een plus")

_T = TypeVar("_T")
_YEAR_MIN, _YEAR_MAX = 1900, 2200
SCORED_KINDS = (
    LayerKind.FACILITIES,
    LayerKind.NETWORK_SOURCE,
    LayerKind.ZONING,
    LayerKind.NEIGHBOURHOODS,
)
_DATE_KEYS = ("data_date", "peildatum", "stand_datum", "date")


# --- small parsers shared with the CLI -------------------------------------------------------


def parse_years(value: str | int | Sequence[int]) -> tuple[int, int]:
    """``"2026-2030"``, ``"2027"``, ``2027`` or ``(2026, 2030)`` → (start, end), validated."""
    if isinstance(value, int):
        start = end = value
    elif isinstance(value, str):
        m = re.fullmatch(r"\s*(\d{4})\s*(?:[-–/]\s*(\d{4})\s*)?", value)
        if not m:
            raise InputsError(
                f"'{value}' is geen jaar of periode.",
                hint="Schrijf een periode als BEGINJAAR-EINDJAAR, bijv. 2026-2030.",
            )
        start = int(m.group(1))
        end = int(m.group(2)) if m.group(2) else start
    else:
        items = list(value)
        if len(items) != 2:
            raise InputsError("Een periode heeft een begin- en een eindjaar.", hint="Bijv. 2026-2030.")
        start, end = int(items[0]), int(items[1])
    for year in (start, end):
        if not _YEAR_MIN <= year <= _YEAR_MAX:
            raise InputsError(f"Jaar {year} is niet aannemelijk.", hint="Gebruik een jaartal als 2030.")
    if end < start:
        raise InputsError(
            f"De periode {start}-{end} eindigt vóór het begin.", hint="Zet het beginjaar vóór het eindjaar."
        )
    return start, end


def parse_capacity(value: str | int) -> tuple[int, int]:
    """``"20-30"`` or ``"25"`` → (min, max), validated (min ≤ max, not negative)."""
    if isinstance(value, int):
        lo = hi = value
    else:
        m = re.fullmatch(r"\s*(\d+)\s*(?:[-–]\s*(\d+)\s*)?", value)
        if not m:
            raise InputsError(
                f"'{value}' is geen aantal woningen.", hint="Geef een aantal of een bereik op, bijv. 20-30."
            )
        lo = int(m.group(1))
        hi = int(m.group(2)) if m.group(2) else lo
    _check_capacity(lo, hi)
    return lo, hi


def parse_partner(value: str) -> tuple[str, str]:
    """``"Woonbron:corporatie"`` → (name, type); the type defaults to ``overig``."""
    name, sep, kind = value.rpartition(":")
    if not sep:
        name, kind = value, PartnerType.OVERIG.value
    name, kind = name.strip(), kind.strip().lower()
    if not name:
        raise InputsError(
            f"Partner '{value}' heeft geen naam.", hint="Schrijf NAAM:SOORT, bijv. Woonbron:corporatie."
        )
    return name, _check_partner_type(kind)


def _check_partner_type(kind: str) -> str:
    types = [t.value for t in PartnerType]
    if kind not in types:
        raise InputsError(f"Onbekende soort partner '{kind}'.", hint=f"Kies uit: {', '.join(types)}.")
    return kind


def _check_capacity(lo: int, hi: int) -> None:
    if lo < 0 or hi < 0:
        raise InputsError("Een aantal woningen kan niet negatief zijn.", hint="Geef 0 of meer op.")
    if lo > hi:
        raise InputsError(
            f"Minimale capaciteit {lo} is groter dan de maximale {hi}.",
            hint="Geef de capaciteit op als MIN-MAX met MIN ≤ MAX, bijv. 20-30.",
        )


def _check_status(status: str) -> str:
    if status not in RESERVATION_STATUSES:
        raise InputsError(
            f"Onbekende status '{status}'.", hint=f"Kies uit: {', '.join(RESERVATION_STATUSES)}."
        )
    return status


def _check_category(project: Project, category: str) -> str:
    allowed = [str(c) for c in (project.categories or DEFAULT_CATEGORIES)]
    if category not in allowed:
        raise InputsError(
            f"Onbekende woningcategorie '{category}'.",
            hint=f"Dit project kent: {', '.join(allowed)}. Voeg categorieën toe bij het aanmaken (--categories).",
        )
    return category


# --- session helpers ---------------------------------------------------------------------------


def _project(session: Session) -> Project:
    project = session.scalars(select(Project)).first()
    if project is None:
        raise ProjectError("Dit project heeft geen projectgegevens.", hint="Maak het project opnieuw aan.")
    return project


def _detach(session: Session, obj: _T, *related: Any) -> _T:
    """Flush, load every column and take ``obj`` out of the session so callers can read it later."""
    session.flush()
    session.refresh(obj)
    for extra in related:
        session.refresh(extra)
    for extra in related:
        if extra in session:
            session.expunge(extra)
    if obj in session:
        session.expunge(obj)
    return obj


def _plot(session: Session, plot_id: str) -> Plot:
    plot = session.scalars(select(Plot).where(Plot.plot_id == plot_id)).first()
    if plot is None:
        raise InputsError(
            f"Kavel '{plot_id}' bestaat niet in dit project.",
            hint="Kijk met 'project info' welke kavels er zijn, of importeer eerst een kavellaag.",
        )
    return plot


def _reservation(session: Session, reservation_id: int | str) -> Reservation:
    try:
        fid = int(reservation_id)
    except ValueError:
        fid = -1
    res = session.get(Reservation, fid)
    if res is None:
        raise InputsError(
            f"Reservering {reservation_id} bestaat niet.",
            hint="Kijk met 'project info --json' welke reserveringen er zijn (veld 'fid').",
        )
    return res


def _check_version(obj: Reservation, expected_version: int | None) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise ConflictError(
            "Iemand anders heeft deze reservering intussen gewijzigd; ververs en probeer opnieuw.",
            hint=f"U bewerkte versie {expected_version}, opgeslagen is versie {obj.version}.",
        )


def _partner(session: Session, name: str, kind: str) -> Partner:
    partner = session.scalars(select(Partner).where(Partner.name == name, Partner.type == kind)).first()
    if partner is None:
        partner = Partner(name=name, type=kind)
        session.add(partner)
        session.flush()
    return partner


# --- creating and importing ---------------------------------------------------------------------


def new_project(
    target: str | Path,
    name: str,
    gemeente_code: str | None = None,
    gemeente_naam: str | None = None,
    categories: Sequence[str] | None = None,
    *,
    user: str | None = None,
) -> ProjectStore:
    """Create a project file (.gpkg) or server project with its housing categories."""
    from projects.store import ProjectStore

    if not name.strip():
        raise InputsError("Een project heeft een naam nodig.", hint="Geef --name op.")
    if gemeente_code is not None and not re.fullmatch(r"(GM)?\d{4}", gemeente_code.strip()):
        raise InputsError(
            f"'{gemeente_code}' is geen CBS-gemeentecode.",
            hint="Gebruik vier cijfers, bijv. 0503 voor Delft.",
        )
    cats = [c.strip() for c in (categories or DEFAULT_CATEGORIES) if c.strip()]
    if len(set(cats)) != len(cats) or not cats:
        raise InputsError(
            "De woningcategorieën zijn leeg of dubbel.", hint="Bijv. nultreden geclusterd zorggeschikt."
        )
    code = gemeente_code.strip().removeprefix("GM") if gemeente_code else None
    store = ProjectStore.create(
        target, name=name.strip(), gemeente_code=code, gemeente_naam=gemeente_naam, user=user
    )
    with store.session() as session:
        _project(session).categories = cats
    return store


def _checksum(path: Path) -> str:
    """sha256 of a file, or of every file in a folder (relative names and contents, sorted)."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        if path.is_dir():
            digest.update(f.relative_to(path).as_posix().encode())
        with f.open("rb") as fh:
            while block := fh.read(1 << 20):
                digest.update(block)
    return digest.hexdigest()


def _data_date(meta: Mapping[str, Any]) -> str | None:
    for key in _DATE_KEYS:
        value = meta.get(key)
        if value:
            return str(value)
    return None


def _json_safe(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def _upsert_plots(session: Session, frame: gpd.GeoDataFrame) -> tuple[int, int]:
    """Insert new plot_ids, update changed ones; plots missing from the file are kept."""
    existing = {p.plot_id: p for p in session.scalars(select(Plot))}
    added = updated = 0
    for row in frame.itertuples(index=False):
        values: dict[str, Any] = {
            "name": _opt(getattr(row, "name", None)),
            "source": _opt(getattr(row, "source", None)),
            "source_id": _opt(getattr(row, "src_id", None)),
            "area_m2": _opt_float(getattr(row, "area_m2", None)),
            "geom": row.geometry,
        }
        plot_id = str(row.plot_id)
        plot = existing.get(plot_id)
        if plot is None:
            session.add(Plot(plot_id=plot_id, **values))
            added += 1
            continue
        changed = False
        for key, value in values.items():
            old = getattr(plot, key)
            same = _same_geom(old, value) if key == "geom" else (old == value)
            if not same:
                setattr(plot, key, value)
                changed = True
        updated += changed
    return added, updated


def _same_geom(a: shapely.Geometry | None, b: shapely.Geometry | None) -> bool:
    """Same shape, whatever the type: a file may store a Polygon as a one-part MultiPolygon."""
    if a is None or b is None:
        return a is None and b is None
    try:
        return bool(shapely.equals(a, b))
    except shapely.errors.GEOSException:  # invalid geometry: fall back to comparing coordinates
        return bool(shapely.equals_exact(a, b, 0.0))


def _opt(value: Any) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _opt_float(value: Any) -> float | None:
    if value is None or value is pd.NA or pd.isna(value):
        return None
    return float(value)


def import_layer(
    store: ProjectStore,
    path: str | Path,
    kind: str | LayerKind | None = None,
    *,
    progress: Progress | None = None,
    source_url: str | None = None,
    retrieved_at: str | None = None,
    label: str | None = None,
    extra_meta: Mapping[str, Any] | None = None,
    **options: Any,
) -> list[LayerSource]:
    """Read a file with the layer loaders and store every canonical layer it holds.

    Re-importing the same file (same path, kind and source layer) replaces the stored layer
    instead of adding a copy. Plots also become rows of the ``plots`` table, matched on
    ``plot_id``: a re-import updates them, never duplicates them, and keeps their reservations.

    Fetched data passes ``source_url`` (stored instead of the cache path, so a re-fetch of the
    same request replaces the layer), ``retrieved_at`` (ISO date; the data date) and ``label``.
    """
    source = Path(path)
    report(progress, 0.0, f"{source.name} lezen")
    layer_kind: LayerKind | None = None
    if kind is not None:
        kinds = [k.value for k in LayerKind if k is not LayerKind.RASTER]
        if str(kind) not in kinds:
            raise InputsError(f"Onbekende laagsoort '{kind}'.", hint=f"Kies uit: {', '.join(kinds)}.")
        layer_kind = LayerKind(kind)
    results = load_path(source, kind=layer_kind, **options)
    if any(r.kind is LayerKind.RASTER for r in results):  # checked before anything is written
        raise InputsError(
            "Rasters (GeoTIFF) kunnen nog niet in een project worden opgeslagen.",
            hint="Gebruik het raster bij het scoren van bestanden: bodnaarplot score --raster NAAM=PAD.",
            path=str(source),
        )
    report(progress, 0.6, "Opslaan in het project")
    checksum = _checksum(source)
    original = source_url or str(source.resolve())
    stored: list[LayerSource] = []
    for i, result in enumerate(results):
        previous = [
            ls
            for ls in store.layers(result.kind.value)
            if ls.original_path == original and ls.original_layer == result.layer
        ]
        meta = _json_safe(dict(result.meta))
        meta.update(_json_safe(dict(extra_meta or {})))
        data_date = (retrieved_at[:10] if retrieved_at else None) or _data_date(result.meta)
        if retrieved_at:
            meta["retrieved_at"] = retrieved_at
        if result.kind is LayerKind.PLOTS:
            with store.session() as session:
                added, updated = _upsert_plots(session, result.frame)
            meta["plots_added"], meta["plots_updated"] = added, updated
        base = label or source.name
        label_text = base + (f" ({result.layer})" if result.layer and result.layer != source.stem else "")
        layer = store.add_layer(
            result.frame,
            kind=result.kind.value,
            label=label_text,
            original_path=original,
            original_layer=result.layer,
            data_date=data_date,
            checksum=checksum,
            warnings=[str(w) for w in result.warnings],
            meta=meta,
            replace=previous[0].table_name if previous else None,
        )
        for extra in previous[1:]:
            store.remove_layer(extra.table_name)
        stored.append(layer)
        report(progress, 0.6 + 0.4 * (i + 1) / len(results), f"{result.kind.value} opgeslagen")
    return stored


# --- frames from the project -----------------------------------------------------------------


def plots_frame(store: ProjectStore) -> gpd.GeoDataFrame:
    """The project's plots as a canonical plots frame (EPSG:28992), sorted by plot_id."""
    with store.session() as session:
        rows = [
            {
                "plot_id": p.plot_id,
                "name": p.name,
                "source": p.source,
                "area_m2": p.area_m2,
                "source_id": p.source_id,
                "address": p.address,
                "kadastraal_perceel": p.kadastraal_perceel,
                "notes": p.notes,
                "version": p.version,
                "geometry": p.geom,
            }
            for p in session.scalars(select(Plot).order_by(Plot.plot_id))
        ]
    frame = gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=[*_PLOT_COLUMNS, "geometry"]), geometry="geometry", crs=RD_NEW
    )
    out = conform(frame, LayerKind.PLOTS)
    for col in ("source_id", "address", "kadastraal_perceel", "notes"):
        out[col] = out[col].astype("string")
    out["version"] = out["version"].astype("Int64")
    return out


_PLOT_COLUMNS = [
    "plot_id",
    "name",
    "source",
    "area_m2",
    "source_id",
    "address",
    "kadastraal_perceel",
    "notes",
    "version",
]
RESERVATION_COLUMNS = [
    "fid",
    "plot_id",
    "category",
    "capacity_min",
    "capacity_max",
    "status",
    "year_start",
    "year_end",
    "wijk",
    "segment",
    "land_owner",
    "partners_text",
    "notes",
    "workshop_id",
    "active",
    "version",
]


def _reservation_rows(session: Session) -> list[dict[str, Any]]:
    return [
        {**{c: getattr(r, c) for c in RESERVATION_COLUMNS}, "geometry": r.geom}
        for r in session.scalars(select(Reservation).order_by(Reservation.fid))
    ]


def reservations_frame(store: ProjectStore) -> gpd.GeoDataFrame:
    """All reservations (including vervallen and withdrawn ones) as a frame in EPSG:28992."""
    with store.session() as session:
        rows = _reservation_rows(session)
    return _reservations_gdf(rows)


def _reservations_gdf(rows: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    frame = pd.DataFrame(rows, columns=[*RESERVATION_COLUMNS, "geometry"])
    for col in ("fid", "capacity_min", "capacity_max", "year_start", "year_end", "workshop_id", "version"):
        frame[col] = pd.to_numeric(frame[col]).astype("Int64")
    for col in ("plot_id", "category", "status", "wijk", "segment", "land_owner", "partners_text", "notes"):
        frame[col] = frame[col].astype("string")
    frame["active"] = frame["active"].astype("boolean")
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=RD_NEW)


def project_inputs(store: ProjectStore) -> ScoreInputs:
    """The canonical layers of the project for a scoring run; plots come from the plots table."""
    plots = plots_frame(store)
    if plots.empty:
        raise InputsError(
            "Dit project heeft nog geen kavels.",
            hint="Importeer een kavellaag: bodnaarplot project import PROJECT BESTAND --kind plots.",
        )
    found: dict[LayerKind, list[gpd.GeoDataFrame]] = {}
    sources: dict[str, list[str]] = {LayerKind.PLOTS.value: ["plots (projecttabel)"]}
    warnings: list[str] = []
    for kind in SCORED_KINDS:
        for layer in store.layers(kind.value):
            found.setdefault(kind, []).append(store.read_layer(layer.table_name))
            sources.setdefault(kind.value, []).append(layer.label)
            warnings.extend(f"{kind.value}: {w}" for w in (layer.warnings or []))
    if not found.get(LayerKind.FACILITIES):
        raise InputsError(
            "Dit project heeft nog geen voorzieningen (facilities).",
            hint="Importeer ze: bodnaarplot project import PROJECT BESTAND --kind facilities.",
        )

    def combined(kind: LayerKind) -> gpd.GeoDataFrame | None:
        frames = found.get(kind)
        if not frames:
            return None
        if len(frames) == 1:
            return frames[0]
        return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=RD_NEW)

    facilities = combined(LayerKind.FACILITIES)
    assert facilities is not None
    return ScoreInputs(
        plots=plots,
        facilities=facilities,
        network_source=combined(LayerKind.NETWORK_SOURCE),
        zoning=combined(LayerKind.ZONING),
        neighbourhoods=combined(LayerKind.NEIGHBOURHOODS),
        sources=sources,
        warnings=tuple(warnings),
    )


# --- scoring -----------------------------------------------------------------------------------


def _for_table(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
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


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "profiel"


def score_project(
    store: ProjectStore,
    profile: Profile | str | Path,
    *,
    euclidean: bool = False,
    top: int = 10,
    inputs: ScoreInputs | None = None,
    progress: Progress | None = None,
) -> ScoreRun:
    """Score the project's plots and keep the run as a snapshot.

    ``inputs`` are the project's layers when the caller has read them already
    (:func:`project_inputs`), so they are not read from the store a second time.

    The snapshot holds the profile as TOML and a stamp of every layer used (checksum, data
    date), so a score shown in a workshop can be explained and recomputed later; the per-plot
    results go to their own table (``scores_<profiel>_<id>``).
    """
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    report(progress, 0.0, "Projectlagen lezen")
    if inputs is None:
        inputs = project_inputs(store)
    run = score_layer_files(inputs, prof, euclidean=euclidean, progress=scaled(progress, 0.05, 0.9))
    report(progress, 0.9, "Scores opslaan")
    table_name = f"scores_{_slug(prof.id)}_{uuid.uuid4().hex[:8]}"
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
    stamps["plots"] = {"count": len(inputs.plots), "versions": int(inputs.plots["version"].sum())}
    toml = profile_to_toml(prof)
    summary = _json_safe(run_summary(run, inputs, top=top))
    store.write_result_table(table_name, _for_table(run.frame))
    with store.session() as session:
        session.add(
            ScoreSnapshot(
                profile_id=prof.id,
                profile_toml=toml,
                method=run.method,
                data_stamps=stamps,
                table_name=table_name,
                summary=summary,
            )
        )
        record = session.scalars(
            select(ProfileRecord).where(ProfileRecord.profile_id == prof.id, ProfileRecord.party.is_(None))
        ).first()
        if record is None:
            session.add(ProfileRecord(profile_id=prof.id, housing_category=prof.housing_category, toml=toml))
        elif record.toml != toml:
            record.toml = toml
    report(progress, 1.0, "Klaar")
    return run


def latest_snapshot(store: ProjectStore, profile_id: str | None = None) -> ScoreSnapshot | None:
    """The most recent scoring run (of ``profile_id``, if given), detached from the session."""
    with store.session() as session:
        query = select(ScoreSnapshot).order_by(ScoreSnapshot.id.desc())
        if profile_id is not None:
            query = query.where(ScoreSnapshot.profile_id == profile_id)
        snap = session.scalars(query).first()
        return None if snap is None else _detach(session, snap)


# --- opgave, partners, reservations ----------------------------------------------------------


def set_opgave(
    store: ProjectStore,
    category: str,
    period: str | Sequence[int],
    target: int,
    wijk: str | None = None,
    source: str | None = None,
    notes: str | None = None,
) -> Opgave:
    """Enter (or change) the target homes of a category in a period, optionally per wijk."""
    start, end = parse_years(period)
    if int(target) < 0:
        raise InputsError("Een opgave kan niet negatief zijn.", hint="Geef 0 of meer woningen op.")
    wijk = _opt(wijk)
    with store.session() as session:
        _check_category(_project(session), category)
        query = select(Opgave).where(
            Opgave.category == category,
            Opgave.period_start == start,
            Opgave.period_end == end,
            Opgave.wijk.is_(None) if wijk is None else Opgave.wijk == wijk,
        )
        row: Opgave | None = session.scalars(query).first()
        if row is None:
            row = Opgave(
                category=category, period_start=start, period_end=end, wijk=wijk, target_homes=int(target)
            )
            session.add(row)
        else:
            row.target_homes = int(target)
        if source is not None:
            row.source = _opt(source)
        if notes is not None:
            row.notes = _opt(notes)
        return _detach(session, row)


def add_partner(store: ProjectStore, name: str, type: str, contact: str | None = None) -> Partner:
    """Add a partner (or return the existing one with this name and type)."""
    kind = _check_partner_type(type.strip().lower())
    if not name.strip():
        raise InputsError("Een partner heeft een naam nodig.", hint="Bijv. Woonbron.")
    with store.session() as session:
        partner = _partner(session, name.strip(), kind)
        if contact is not None:
            partner.contact = _opt(contact)
        return _detach(session, partner)


def _partners_text(links: Iterable[ReservationPartner]) -> str | None:
    text = "; ".join(f"{rp.partner.name} ({rp.role})" for rp in links)
    return text or None


def _detach_reservation(session: Session, res: Reservation) -> Reservation:
    session.flush()
    session.refresh(res)
    for link in res.partners:
        _ = link.partner.name
    for link in res.partners:
        if link.partner in session:
            session.expunge(link.partner)
    session.expunge(res)
    return res


def reserve(
    store: ProjectStore,
    plot_id: str,
    category: str,
    capacity_min: int,
    capacity_max: int,
    status: str | None = None,
    years: str | Sequence[int] | None = None,
    partners: Sequence[tuple[str, str]] | None = None,
    land_owner: str | None = None,
    notes: str | None = None,
    workshop_id: int | None = None,
    expected_version: int | None = None,
    *,
    wijk: str | None = None,
    segment: str | None = None,
    reservation_id: int | None = None,
) -> Reservation:
    """Reserve a plot for a housing category, or update its reservation.

    Without ``reservation_id`` an active, not-vervallen reservation of the same plot and
    category is updated if there is one. On an update ``None`` keeps the stored value (an
    empty string clears a text field or the years; ``partners=[]`` clears the partners).
    ``expected_version`` is the version the user edited: if someone saved in between, the
    edit is refused with :class:`ConflictError` instead of overwriting theirs.
    """
    capacity_min, capacity_max = int(capacity_min), int(capacity_max)
    _check_capacity(capacity_min, capacity_max)
    if status is not None:
        _check_status(status)
    span: tuple[int, int] | None = None
    clear_years = isinstance(years, str) and not years.strip()
    if years is not None and not clear_years:
        span = parse_years(years)
    checked = [(n.strip(), _check_partner_type(t.strip().lower())) for n, t in (partners or [])]
    with store.session() as session:
        _check_category(_project(session), category)
        plot = _plot(session, plot_id)
        if workshop_id is not None and session.get(Workshop, int(workshop_id)) is None:
            raise InputsError(
                f"Werksessie {workshop_id} bestaat niet.", hint="Maak hem aan met 'project workshop'."
            )
        # Partners first: looking them up flushes, and a half-built reservation must not be.
        wanted = [(_partner(session, n, t), t) for n, t in checked]
        res: Reservation | None
        if reservation_id is not None:
            res = _reservation(session, reservation_id)
        else:
            res = session.scalars(
                select(Reservation).where(
                    Reservation.plot_fid == plot.fid,
                    Reservation.category == category,
                    Reservation.active.is_(True),
                    Reservation.status != ReservationStatus.VERVALLEN.value,
                )
            ).first()
        if res is None:
            if expected_version is not None:
                raise ConflictError(
                    "De reservering die u bewerkte bestaat niet meer.",
                    hint="Ververs de kaart en probeer opnieuw.",
                )
            res = Reservation(
                plot=plot,
                plot_id=plot.plot_id,
                category=category,
                capacity_min=capacity_min,
                capacity_max=capacity_max,
                status=status or ReservationStatus.KANSRIJK.value,
                active=True,
                geom=plot.geom,
            )
            session.add(res)
        else:
            _check_version(res, expected_version)
            res.category = category
            res.capacity_min, res.capacity_max = capacity_min, capacity_max
            if status is not None:
                res.status = status
            if res.plot_fid != plot.fid:
                res.plot, res.plot_id = plot, plot.plot_id
            if not _same_geom(res.geom, plot.geom):
                res.geom = plot.geom
        if span is not None:
            res.year_start, res.year_end = span
        elif clear_years:
            res.year_start = res.year_end = None
        for attr, value in (
            ("land_owner", land_owner),
            ("notes", notes),
            ("wijk", wijk),
            ("segment", segment),
        ):
            if value is not None:
                setattr(res, attr, _opt(value))
        if workshop_id is not None:
            res.workshop_id = int(workshop_id)
        if partners is not None:
            current = [(link.partner_id, link.role) for link in res.partners]
            if current != [(p.id, t) for p, t in wanted]:
                res.partners[:] = [ReservationPartner(partner=p, role=t) for p, t in wanted]
        text = _partners_text(res.partners)
        if res.partners_text != text:
            res.partners_text = text
        return _detach_reservation(session, res)


def set_status(
    store: ProjectStore,
    reservation_id: int | str,
    status: str,
    *,
    expected_version: int | None = None,
    notes: str | None = None,
) -> Reservation:
    """Move a reservation along the pipeline (or to ``vervallen``, which keeps it visible)."""
    _check_status(status)
    with store.session() as session:
        res = _reservation(session, reservation_id)
        _check_version(res, expected_version)
        if res.status != status:
            res.status = status
        if notes is not None:
            res.notes = _opt(notes)
        return _detach_reservation(session, res)


# --- workshops -------------------------------------------------------------------------------


def _date(value: str | dt.date | None) -> dt.date:
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InputsError(
            f"'{value}' is geen datum.", hint="Schrijf een datum als JJJJ-MM-DD, bijv. 2026-03-12."
        ) from exc


def new_workshop(
    store: ProjectStore, title: str, date: str | dt.date | None = None, participants: Sequence[str] = ()
) -> Workshop:
    """Start a workshop "boven de kaart": when and who (decisions are logged during it)."""
    if not title.strip():
        raise InputsError(
            "Een werksessie heeft een titel nodig.", hint="Bijv. --title 'Woonzorgtafel maart'."
        )
    when = _date(date)
    people = [p.strip() for p in participants if p.strip()]
    with store.session() as session:
        workshop = Workshop(date=when, title=title.strip(), participants=people, decisions=[])
        session.add(workshop)
        return _detach(session, workshop)


def log_decision(store: ProjectStore, workshop_id: int, text: str, plot_id: str | None = None) -> Workshop:
    """Add a decision to a workshop's minutes (with the time and the plot it is about)."""
    if not text.strip():
        raise InputsError("Een besluit heeft een tekst nodig.", hint="Beschrijf wat er besloten is.")
    with store.session() as session:
        workshop: Workshop | None = session.get(Workshop, int(workshop_id))
        if workshop is None:
            raise InputsError(
                f"Werksessie {workshop_id} bestaat niet.", hint="Maak hem aan met 'project workshop'."
            )
        if plot_id is not None:
            _plot(session, plot_id)
        entry = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "text": text.strip(),
            "plot_id": plot_id,
        }
        workshop.decisions = [*(workshop.decisions or []), entry]  # a new list, so the change is seen
        return _detach(session, workshop)


# --- reading: info, ledger, export -------------------------------------------------------------


def project_ledger(store: ProjectStore) -> pd.DataFrame:
    """The bod ledger of the project (see :func:`projects.ledger.ledger`)."""
    with store.session() as session:
        targets = opgave_rows(session.scalars(select(Opgave)))
        rows = _reservation_rows(session)
    return ledger(targets, _reservations_gdf(rows).drop(columns="geometry"))


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def project_info(store: ProjectStore) -> dict[str, Any]:
    """A JSON-ready overview: project, layers, counts, opgave, partners, workshops, scores."""
    with store.session() as session:
        project = _project(session)
        n_plots = session.scalar(select(func.count()).select_from(Plot)) or 0
        by_status = {
            str(s): int(n)
            for s, n in session.execute(
                select(Reservation.status, func.count())
                .where(Reservation.active.is_(True))
                .group_by(Reservation.status)
            )
        }
        info: dict[str, Any] = {
            "project": {
                "uid": project.uid,
                "name": project.name,
                "gemeente_code": project.gemeente_code,
                "gemeente_naam": project.gemeente_naam,
                "categories": list(project.categories or DEFAULT_CATEGORIES),
                "revision": project.revision,
                "created_at": _iso(project.created_at),
                "modified_at": _iso(project.modified_at),
                "data_dates": dict(project.data_dates or {}),
            },
            "target": store.target_label,
            "layers": [
                {
                    "table": ls.table_name,
                    "kind": ls.kind,
                    "label": ls.label,
                    "features": ls.feature_count,
                    "data_date": ls.data_date,
                    "checksum": ls.checksum,
                    "imported_at": _iso(ls.imported_at),
                    "warnings": list(ls.warnings or []),
                }
                for ls in session.scalars(select(LayerSource).order_by(LayerSource.id))
            ],
            "plots": int(n_plots),
            "reservations_by_status": {s: by_status[s] for s in RESERVATION_STATUSES if s in by_status},
            "reservations": [
                {k: v for k, v in row.items() if k != "geometry"} for row in _reservation_rows(session)
            ],
            "opgave": [
                {
                    "category": o.category,
                    "period": f"{o.period_start}-{o.period_end}",
                    "wijk": o.wijk,
                    "target_homes": o.target_homes,
                    "source": o.source,
                }
                for o in session.scalars(select(Opgave).order_by(Opgave.category, Opgave.period_start))
            ],
            "partners": [
                {"id": p.id, "name": p.name, "type": p.type}
                for p in session.scalars(select(Partner).order_by(Partner.name))
            ],
            "workshops": [
                {"id": w.id, "date": _iso(w.date), "title": w.title, "decisions": len(w.decisions or [])}
                for w in session.scalars(select(Workshop).order_by(Workshop.date, Workshop.id))
            ],
            "score_snapshots": [
                {
                    "id": s.id,
                    "created_at": _iso(s.created_at),
                    "profile": s.profile_id,
                    "method": s.method,
                    "table": s.table_name,
                }
                for s in session.scalars(select(ScoreSnapshot).order_by(ScoreSnapshot.id))
            ],
        }
    return _json_safe(info)  # type: ignore[no-any-return]


def _latest_scores(store: ProjectStore) -> Iterator[tuple[str, str]]:
    """(profile_id, table_name) of the newest snapshot per profile."""
    with store.session() as session:
        newest: dict[str, str] = {}
        for snap in session.scalars(select(ScoreSnapshot).order_by(ScoreSnapshot.id)):
            newest[snap.profile_id] = snap.table_name
    yield from sorted(newest.items())


def export_gpkg(store: ProjectStore, out: str | Path) -> Path:
    """A clean GeoPackage for GIS colleagues: plots, reservations, imported layers, latest scores.

    Also the opgave and the ledger as attribute tables. Written to a temporary file next to
    ``out`` and moved into place when complete, so a failed export never leaves half a file.
    """
    target = Path(out)
    if target.suffix.lower() != ".gpkg":
        raise InputsError(
            f"Exporteren kan alleen naar .gpkg, niet '{target.suffix}'.",
            hint="Geef een bestandsnaam op die op .gpkg eindigt.",
        )
    if target.is_dir():
        raise InputsError("Het uitvoerpad is een map.", hint="Geef een bestandsnaam op.", path=str(target))
    layers: list[tuple[str, pd.DataFrame]] = [
        ("plots", plots_frame(store).drop(columns="version")),
        ("reservations", reservations_frame(store).drop(columns="version")),
    ]
    for ls in store.layers():
        layers.append((ls.table_name, store.read_layer(ls.table_name)))
    for profile_id, score_table in _latest_scores(store):
        layers.append((f"scores_{_slug(profile_id)}", store.read_layer(score_table)))
    with store.session() as session:
        opgave = pd.DataFrame(
            [
                {
                    "category": o.category,
                    "period_start": o.period_start,
                    "period_end": o.period_end,
                    "wijk": o.wijk,
                    "target_homes": o.target_homes,
                    "source": o.source,
                    "notes": o.notes,
                }
                for o in session.scalars(select(Opgave).order_by(Opgave.category, Opgave.period_start))
            ],
            columns=["category", "period_start", "period_end", "wijk", "target_homes", "source", "notes"],
        )
    layers.append(("opgave", opgave))
    layers.append(("ledger", project_ledger(store)))

    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", suffix=".gpkg", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        for name, frame in layers:
            table = frame if isinstance(frame, gpd.GeoDataFrame) else pd.DataFrame(frame)
            if isinstance(table, gpd.GeoDataFrame):
                table = _for_table(table)
            elif table.empty and not len(table.columns):
                continue
            pyogrio.write_dataframe(table, tmp, layer=name, driver="GPKG", append=tmp.exists())
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return target


# --- undo support: reading and restoring a reservation, drawing and deleting plots ------------

_RESTORABLE = (
    "category",
    "capacity_min",
    "capacity_max",
    "status",
    "year_start",
    "year_end",
    "wijk",
    "segment",
    "land_owner",
    "notes",
    "workshop_id",
    "active",
)


def reservation_values(store: ProjectStore, reservation_id: int | str) -> dict[str, Any]:
    """Every editable field of a reservation (and its partners as (name, type) pairs) plus version."""
    with store.session() as session:
        res = _reservation(session, reservation_id)
        values: dict[str, Any] = {key: getattr(res, key) for key in _RESTORABLE}
        values["partners"] = [(link.partner.name, link.role) for link in res.partners]
        values["plot_id"] = res.plot_id
        values["fid"] = res.fid
        values["version"] = res.version
        return values


def unreserve(
    store: ProjectStore, reservation_id: int | str, *, expected_version: int | None = None
) -> Reservation:
    """Withdraw a reservation (``active`` = false): kept for the audit trail, gone from the ledger."""
    with store.session() as session:
        res = _reservation(session, reservation_id)
        _check_version(res, expected_version)
        if res.active:
            res.active = False
        return _detach_reservation(session, res)


def restore_reservation(
    store: ProjectStore,
    reservation_id: int | str,
    values: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> Reservation:
    """Put back the fields of :func:`reservation_values` (undo/redo of an edit), one transaction."""
    lo, hi = int(values["capacity_min"]), int(values["capacity_max"])
    _check_capacity(lo, hi)
    _check_status(str(values["status"]))
    checked = [(str(n), _check_partner_type(str(t))) for n, t in values.get("partners", [])]
    with store.session() as session:
        res = _reservation(session, reservation_id)
        _check_version(res, expected_version)
        for key in _RESTORABLE:
            if key in values and getattr(res, key) != values[key]:
                setattr(res, key, values[key])
        wanted = [(_partner(session, n, t), t) for n, t in checked]
        if [(link.partner_id, link.role) for link in res.partners] != [(p.id, t) for p, t in wanted]:
            res.partners[:] = [ReservationPartner(partner=p, role=t) for p, t in wanted]
        text = _partners_text(res.partners)
        if res.partners_text != text:
            res.partners_text = text
        return _detach_reservation(session, res)


def next_plot_id(store: ProjectStore, prefix: str = "EIGEN") -> str:
    """A free plot id ``<prefix>-001``, ``<prefix>-002``, ... for a plot drawn by hand."""
    with store.session() as session:
        taken = set(session.scalars(select(Plot.plot_id).where(Plot.plot_id.like(f"{prefix}-%"))))
    n = 1
    while f"{prefix}-{n:03d}" in taken:
        n += 1
    return f"{prefix}-{n:03d}"


def _check_polygon(geometry: shapely.Geometry | None) -> shapely.Geometry:
    if geometry is None or geometry.is_empty or geometry.geom_type not in {"Polygon", "MultiPolygon"}:
        raise InputsError(
            "Een kavel moet een vlak zijn.", hint="Teken minstens drie punten en sluit de vorm af."
        )
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
        if geometry.geom_type == "GeometryCollection":
            parts = [g for g in geometry.geoms if g.geom_type in {"Polygon", "MultiPolygon"}]
            geometry = shapely.unary_union(parts) if parts else shapely.Polygon()
        if geometry.is_empty or geometry.geom_type not in {"Polygon", "MultiPolygon"}:
            raise InputsError(
                "De getekende kavel snijdt zichzelf en is niet te herstellen.",
                hint="Teken de kavel opnieuw zonder dat de randen elkaar kruisen.",
            )
    if geometry.area < 1.0:
        raise InputsError("De getekende kavel is kleiner dan 1 m².", hint="Teken een grotere kavel.")
    return geometry


def add_plot(
    store: ProjectStore,
    plot_id: str,
    geometry: shapely.Geometry,
    *,
    name: str | None = None,
    source: str | None = "getekend",
    notes: str | None = None,
) -> Plot:
    """Add a plot drawn on the map (RD New coordinates); the plot id must be new."""
    geom = _check_polygon(geometry)
    plot_id = plot_id.strip()
    if not plot_id:
        raise InputsError("Een kavel heeft een kenmerk nodig.", hint="Bijv. EIGEN-001.")
    with store.session() as session:
        if session.scalars(select(Plot).where(Plot.plot_id == plot_id)).first() is not None:
            raise InputsError(f"Kavel '{plot_id}' bestaat al.", hint="Kies een ander kenmerk.")
        plot = Plot(
            plot_id=plot_id,
            name=_opt(name),
            source=_opt(source),
            notes=_opt(notes),
            area_m2=float(geom.area),
            geom=geom,
        )
        session.add(plot)
        return _detach(session, plot)


_PLOT_FIELDS = ("plot_id", "name", "source", "source_id", "area_m2", "address", "kadastraal_perceel", "notes")


def delete_plot(store: ProjectStore, plot_id: str) -> dict[str, Any]:
    """Delete a plot without reservations; returns what :func:`restore_plot` needs to undo it."""
    with store.session() as session:
        plot = _plot(session, plot_id)
        n_res = session.scalar(
            select(func.count()).select_from(Reservation).where(Reservation.plot_fid == plot.fid)
        )
        if n_res:
            raise InputsError(
                f"Kavel '{plot_id}' heeft reserveringen en kan niet worden verwijderd.",
                hint="Zet de reserveringen eerst op 'vervallen'; de kavel blijft dan zichtbaar in de historie.",
            )
        snapshot: dict[str, Any] = {key: getattr(plot, key) for key in _PLOT_FIELDS}
        snapshot["geom"] = plot.geom
        session.delete(plot)
        return snapshot


def restore_plot(store: ProjectStore, snapshot: Mapping[str, Any]) -> Plot:
    """Put back a plot deleted with :func:`delete_plot` (undo), same plot id and attributes."""
    plot_id = str(snapshot["plot_id"])
    with store.session() as session:
        if session.scalars(select(Plot).where(Plot.plot_id == plot_id)).first() is not None:
            raise InputsError(f"Kavel '{plot_id}' bestaat al.", hint="Er is niets hersteld.")
        plot = Plot(**{key: snapshot.get(key) for key in _PLOT_FIELDS}, geom=snapshot.get("geom"))
        session.add(plot)
        return _detach(session, plot)


# --- workshop comments and minutes --------------------------------------------------------------


def add_comment(
    store: ProjectStore,
    plot_id: str,
    author: str,
    text: str = "",
    vote: int = 0,
    workshop_id: int | None = None,
) -> PlotComment:
    """Pin a comment and/or a vote (+1, 0, -1) to a plot."""
    if vote not in (-1, 0, 1):
        raise InputsError(f"Een stem is +1, 0 of -1, niet {vote}.", hint="Stem voor, tegen of neutraal.")
    if not author.strip():
        raise InputsError("Een opmerking heeft een auteur nodig.", hint="Vul in wie de opmerking maakt.")
    if not text.strip() and vote == 0:
        raise InputsError("De opmerking is leeg.", hint="Schrijf een opmerking of breng een stem uit.")
    with store.session() as session:
        _plot(session, plot_id)
        if workshop_id is not None and session.get(Workshop, int(workshop_id)) is None:
            raise InputsError(f"Werksessie {workshop_id} bestaat niet.", hint="Start eerst een werksessie.")
        comment = PlotComment(
            plot_id=plot_id,
            author=author.strip(),
            text=text.strip(),
            vote=int(vote),
            workshop_id=None if workshop_id is None else int(workshop_id),
        )
        session.add(comment)
        return _detach(session, comment)


def list_comments(
    store: ProjectStore, plot_id: str | None = None, workshop_id: int | None = None
) -> list[PlotComment]:
    """Comments (oldest first), of one plot and/or one workshop; detached."""
    with store.session() as session:
        query = select(PlotComment).order_by(PlotComment.at, PlotComment.id)
        if plot_id is not None:
            query = query.where(PlotComment.plot_id == plot_id)
        if workshop_id is not None:
            query = query.where(PlotComment.workshop_id == int(workshop_id))
        rows = list(session.scalars(query))
        session.expunge_all()
        return rows


_VOTE_TEXT = {1: "+1", 0: "", -1: "−1"}


def workshop_minutes(store: ProjectStore, workshop_id: int) -> str:
    """The minutes of a workshop as Markdown: participants, decisions, comments, reservations."""
    with store.session() as session:
        workshop = session.get(Workshop, int(workshop_id))
        if workshop is None:
            raise InputsError(
                f"Werksessie {workshop_id} bestaat niet.", hint="Kies een bestaande werksessie."
            )
        project = _project(session)
        title, date = workshop.title, workshop.date
        participants = [str(p) for p in (workshop.participants or [])]
        decisions = [dict(d) for d in (workshop.decisions or [])]
        reservations = list(
            session.scalars(
                select(Reservation).where(Reservation.workshop_id == workshop.id).order_by(Reservation.fid)
            )
        )
        res_lines = [
            f"- {r.plot_id}: {r.category}, {r.capacity_min}–{r.capacity_max} woningen, {r.status}"
            + (f", {r.year_start}–{r.year_end}" if r.year_start else "")
            + (f"; partners: {r.partners_text}" if r.partners_text else "")
            + ("" if r.active else " (ingetrokken)")
            for r in reservations
        ]
    comments = list_comments(store, workshop_id=workshop_id)
    lines = [
        f"# Verslag werksessie {date.strftime('%d-%m-%Y')}",
        "",
        f"**{title}** — project {project.name}"
        + (f" (gemeente {project.gemeente_naam})" if project.gemeente_naam else ""),
        "",
        "## Deelnemers",
        "",
        *([f"- {p}" for p in participants] or ["- (niet vastgelegd)"]),
        "",
        "## Besluiten",
        "",
    ]
    for d in decisions:
        when = str(d.get("time") or "")
        clock = when[11:16] if len(when) >= 16 else when
        about = f" (kavel {d['plot_id']})" if d.get("plot_id") else ""
        lines.append(f"- {clock} {d.get('text', '')}{about}".replace("-  ", "- "))
    if not decisions:
        lines.append("- (geen besluiten vastgelegd)")
    lines += ["", "## Opmerkingen en stemmen", ""]
    for c in comments:
        vote = _VOTE_TEXT.get(c.vote, "")
        parts = [p for p in (f"[{vote}]" if vote else "", c.text) if p]
        lines.append(f"- Kavel {c.plot_id} — {c.author}: {' '.join(parts)}")
    if not comments:
        lines.append("- (geen opmerkingen)")
    lines += ["", "## Reserveringen in deze sessie", ""]
    lines += res_lines or ["- (geen reserveringen)"]
    return "\n".join(lines) + "\n"


def save_copy(store: ProjectStore, out: str | Path, *, progress: Progress | None = None) -> Path:
    """Save a copy of the open project as a new project file (the open project stays open).

    A project file is copied with SQLite's online backup (consistent even while open); a
    server project is pulled into the file. Written to a temporary file, moved into place.
    """
    from projects.store import pull

    target = Path(out)
    if target.suffix.lower() != ".gpkg":
        raise InputsError(
            f"Een projectkopie moet de extensie .gpkg hebben, niet '{target.suffix}'.",
            hint="Kies een naam die op .gpkg eindigt.",
        )
    if target.exists():
        raise InputsError(
            "Dit bestand bestaat al.",
            hint="Kies een andere naam; bestaande bestanden worden niet overschreven.",
        )
    report(progress, 0.0, "Kopie maken")
    if not store.is_file:
        return pull(store.target_label, target, user=store.user)
    if Path(store.target_label).resolve() == target.resolve():
        raise InputsError("De kopie mag niet het project zelf zijn.", hint="Kies een andere naam.")
    fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", suffix=".gpkg", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        src = sqlite3.connect(store.target_label)
        dst = sqlite3.connect(tmp)
        try:
            src.backup(
                dst,
                pages=256,
                progress=lambda _s, left, total: report(progress, 1 - left / max(total, 1), "Kopie maken"),
            )
        finally:
            dst.close()
            src.close()
        os.replace(tmp, target)
    except (OSError, sqlite3.Error) as exc:
        raise ProjectError(
            f"De kopie kon niet worden gemaakt: {exc}", hint="Controleer schrijfrechten en schijfruimte."
        ) from exc
    finally:
        tmp.unlink(missing_ok=True)
    report(progress, 1.0, "Kopie klaar")
    return target
