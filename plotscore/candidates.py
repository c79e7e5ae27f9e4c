"""The candidate finder (kansenkaart): propose plots from vacant land, existing stock and care sites.

Every rule family turns canonical frames (buildings, zoning, land use, facilities, imported
lists) into candidate plots that say which rule found them and why, in Dutch. The rules, their
thresholds and sources are data (``resources/candidates/rules.toml``). Candidates that overlap
are merged into one site that keeps every reason; existing plots win (``duplicate_of``).
Nothing here decides: a candidate is a proposal for a werksessie, to be accepted or not.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from plotscore.errors import ProfileError, ScoringError
from plotscore.network import check_rd_new
from plotscore.progress import Progress, report
from resources import resource

__all__ = [
    "CANDIDATE_COLUMNS",
    "FAMILIES",
    "CandidateList",
    "CandidateRules",
    "Rule",
    "SkippedRule",
    "care_site_candidates",
    "demolition_candidates",
    "find_candidates",
    "land_use_candidates",
    "list_candidates",
    "load_rules",
    "merge_candidates",
    "name_candidates",
    "plus_candidates",
    "rules_that_cannot_run",
    "skipped_rules",
    "transformation_candidates",
    "vacant_zoning_candidates",
]

RD_NEW = "EPSG:28992"
FAMILIES: tuple[str, ...] = ("lijst", "braak", "sloop/herontwikkeling", "transformatie", "plus", "zorg")
CANDIDATE_COLUMNS: tuple[str, ...] = (
    "plot_id",
    "name",
    "source",
    "area_m2",
    "reason",
    "reasons",
    "rule",
    "rules",
    "family",
    "category_hint",
    "source_id",
    "duplicate_of",
    "planned_homes",
    "phase",
)
# Columns of one rule's raw output, before merging and naming.
_RAW = (
    "plot_id",
    "rule",
    "family",
    "category_hint",
    "source_id",
    "reason",
    "label",
    "own_name",
    "planned_homes",
    "phase",
)
_LIST_FIELDS = ("plot_id", "name", "planned_homes", "phase")
_LIST_AUTO = {
    "plot_id": ("plot_id", "id", "kavel_id", "locatie_id"),
    "name": ("name", "naam", "locatie", "projectnaam"),
    "planned_homes": ("planned_homes", "woningen", "aantal_woningen", "plancapaciteit", "aantal"),
    "phase": ("phase", "fase", "planfase", "status"),
}


# --------------------------------------------------------------------------------------------
# rules (data)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of ``rules.toml``: its id, family, label, category hint and its own parameters."""

    id: str
    family: str
    label: str
    category_hint: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def number(self, key: str) -> float:
        """A numeric parameter (checked when the file is loaded)."""
        return float(self.params[key])

    def strings(self, key: str) -> list[str]:
        """A list-of-text parameter (empty when absent)."""
        return [str(v) for v in self.params.get(key, [])]

    def table(self, key: str) -> dict[str, Any]:
        """A table parameter (empty when absent)."""
        value = self.params.get(key, {})
        return dict(value) if isinstance(value, Mapping) else {}


@dataclass(frozen=True, slots=True)
class CandidateRules:
    """All rule sets plus the naming and merging settings of ``rules.toml``."""

    rules: Mapping[str, Rule]
    min_overlap_share: float
    existing_min_overlap_share: float
    family_order: tuple[str, ...]
    street_highways: tuple[str, ...]
    street_max_distance_m: float
    source: str = "rules.toml"

    def of_family(self, family: str) -> list[Rule]:
        """The rules of one family, in file order."""
        return [r for r in self.rules.values() if r.family == family]

    def rule(self, rule_id: str) -> Rule:
        """The rule ``rule_id`` or a ProfileError naming the ones there are."""
        if rule_id not in self.rules:
            raise ProfileError(
                f"Regel '{rule_id}' ontbreekt in {self.source}.",
                hint=f"Regels in het bestand: {', '.join(self.rules)}.",
                source=self.source,
            )
        return self.rules[rule_id]


# Required numeric parameters per rule id (the bundled rule ids; own rules may add more).
_NUMBERS: dict[str, tuple[str, ...]] = {
    "bestemming_onbebouwd": ("building_setback_m", "opening_m", "min_area_m2", "min_compactness"),
    "parkeerterrein": ("min_area_m2",),
    "bouwterrein": ("min_area_m2",),
    "transformatie": ("min_footprint_m2", "status_min_footprint_m2"),
    "sloop": ("min_footprint_m2",),
    "wonen_plus": ("min_verblijfsobjecten", "bouwjaar_min", "bouwjaar_max"),
    "zorgterrein": ("max_grounds_m2", "buffer_m"),
}


def _bad(source: str, message: str) -> ProfileError:
    return ProfileError(
        f"{source}: {message}",
        hint="Herstel het regelbestand (zie de toelichting in resources/candidates/rules.toml).",
        source=source,
    )


def load_rules(path: str | Path | None = None, *, text: str | None = None) -> CandidateRules:
    """Read and check the rule sets (default: ``resources/candidates/rules.toml``)."""
    source = str(path) if path is not None else "resources/candidates/rules.toml"
    if text is None:
        try:
            text = (
                Path(path).read_text(encoding="utf-8")
                if path is not None
                else resource("candidates", "rules.toml").read_text(encoding="utf-8")
            )
        except OSError as exc:
            raise ProfileError(
                f"Het regelbestand {source} kan niet worden gelezen ({exc.strerror or exc}).",
                hint="Controleer het pad naar het .toml-bestand.",
                source=source,
            ) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _bad(source, f"geen geldige TOML ({exc}).") from exc
    if data.get("schema_version") != 1:
        raise _bad(source, f"onbekende schema_version {data.get('schema_version')!r} (verwacht 1).")
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, dict) or not raw_rules:
        raise _bad(source, "de tabel [rules.<id>] ontbreekt.")
    rules: dict[str, Rule] = {}
    for rid, body in raw_rules.items():
        if not isinstance(body, dict):
            raise _bad(source, f"regel '{rid}' is geen tabel.")
        family = body.get("family")
        if family not in FAMILIES:
            raise _bad(
                source, f"regel '{rid}': onbekende familie {family!r} (kies uit {', '.join(FAMILIES)})."
            )
        for key in ("label", "category_hint"):
            if not isinstance(body.get(key), str) or not body[key].strip():
                raise _bad(source, f"regel '{rid}': '{key}' ontbreekt.")
        for key in _NUMBERS.get(rid, ()):
            value = body.get(key)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise _bad(source, f"regel '{rid}': '{key}' moet een getal ≥ 0 zijn.")
        params = {k: v for k, v in body.items() if k not in ("family", "label", "category_hint")}
        rules[str(rid)] = Rule(str(rid), str(family), str(body["label"]), str(body["category_hint"]), params)
    merge = data.get("merge", {})
    naming = data.get("naming", {})
    shares = []
    for key in ("min_overlap_share", "existing_min_overlap_share"):
        value = merge.get(key, 0.5)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise _bad(source, f"[merge] {key} moet een getal tussen 0 en 1 zijn.")
        shares.append(float(value))
    order = tuple(str(f) for f in merge.get("family_order", FAMILIES))
    if len(set(order)) != len(order) or not set(order) <= set(FAMILIES):
        raise _bad(
            source,
            f"[merge] family_order moet families uit {', '.join(FAMILIES)} elk hoogstens één keer noemen.",
        )
    # A rules file written before a family existed still loads: the new family comes last.
    order = (*order, *(f for f in FAMILIES if f not in order))
    return CandidateRules(
        rules=rules,
        min_overlap_share=shares[0],
        existing_min_overlap_share=shares[1],
        family_order=order,
        street_highways=tuple(str(h) for h in naming.get("street_highways", ())),
        street_max_distance_m=float(naming.get("street_max_distance_m", 150.0)),
        source=source,
    )


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------


def _m2(value: float) -> str:
    """Dutch thousands separator: 2400.4 → '2.400'."""
    return f"{round(value):,}".replace(",", ".")


def _nl(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def _safe_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "x"


def _text(frame: pd.DataFrame, col: str) -> pd.Series:
    """A column as stripped strings ('' where missing or absent)."""
    if col not in frame.columns:
        return pd.Series("", index=frame.index, dtype="string")
    return frame[col].astype("string").str.strip().fillna("")


def _has_any(uses: pd.Series, wanted: Sequence[str]) -> npt.NDArray[np.bool_]:
    """True where a comma-separated gebruiksdoel string holds any of ``wanted`` (case-insensitive)."""
    if not wanted or uses.empty:
        return np.zeros(len(uses), dtype=bool)
    pattern = r"(?:^|,)\s*(?:" + "|".join(re.escape(w.lower()) for w in wanted) + r")\s*(?:,|$)"
    return np.asarray(uses.str.lower().str.contains(pattern, regex=True).fillna(False), dtype=bool)


def _first_use(uses: pd.Series, wanted: Sequence[str]) -> list[str]:
    """Per row, the first of ``wanted`` that the row has ('' if none)."""
    out = pd.Series("", index=uses.index, dtype="string")
    for w in reversed(wanted):
        out = out.mask(pd.Series(_has_any(uses, [w]), index=uses.index), w)
    return [str(v) for v in out]


def _raw(data: Mapping[str, Any], geometry: Any, n: int) -> gpd.GeoDataFrame:
    """One rule's raw candidates with every raw column (missing ones as nulls)."""
    cols: dict[str, Any] = {}
    for c in _RAW:
        value = data.get(c)
        if c == "planned_homes":
            cols[c] = pd.array(value if value is not None else [pd.NA] * n, dtype="Float64")
        else:
            cols[c] = pd.array(value if value is not None else [pd.NA] * n, dtype="string")
    return gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries(geometry, crs=RD_NEW), crs=RD_NEW)


def _empty_raw() -> gpd.GeoDataFrame:
    return _raw({}, [], 0)


def _with_ids(raw: gpd.GeoDataFrame, rule: Rule) -> gpd.GeoDataFrame:
    raw["plot_id"] = ["KAN-" + rule.id + "-" + _safe_id(str(s)) for s in raw["source_id"]]
    raw["rule"] = rule.id
    raw["family"] = rule.family
    raw["category_hint"] = rule.category_hint
    raw["label"] = rule.label
    return raw


def _point_id(prefix: str, geoms: npt.NDArray[Any]) -> list[str]:
    """A stable id from a geometry's representative point, rounded to the metre."""
    xy = shapely.get_coordinates(shapely.point_on_surface(geoms))
    return [f"{prefix}:{round(x)}-{round(y)}" for x, y in xy]


def _footprints(buildings: gpd.GeoDataFrame, mask: npt.NDArray[np.bool_]) -> gpd.GeoDataFrame:
    """The selected panden, one row per identificatie (a pand may come as several polygons)."""
    sel = buildings.loc[mask]
    if sel.empty:
        return sel.assign(_pid=pd.Series([], dtype="string"))
    pid = sel["identificatie"].astype("string") if "identificatie" in sel.columns else None
    fallback = pd.Series([f"rij{i}" for i in np.flatnonzero(mask)], index=sel.index, dtype="string")
    pid = fallback if pid is None else pid.fillna(fallback)
    sel = sel.assign(_pid=pid)
    if not pid.duplicated().any():
        return sel.reset_index(drop=True)
    merged = sel.dissolve(by="_pid", aggfunc="first", sort=True).reset_index()
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=RD_NEW)


def _check(frame: gpd.GeoDataFrame | None, what: str) -> None:
    if frame is not None and len(frame):
        check_rd_new(frame, what)


def _hoofdgroep_zones(
    zoning: gpd.GeoDataFrame, hoofdgroepen: Sequence[str], feature_types: Sequence[str]
) -> gpd.GeoDataFrame:
    groups = _text(zoning, "bestemmingshoofdgroep").str.lower()
    ftype = _text(zoning, "feature_type").str.lower()
    wanted_types = [t.lower() for t in feature_types]
    keep = groups.isin([h.lower() for h in hoofdgroepen]) & (ftype.isin(wanted_types) | (ftype == ""))
    polygonal = zoning.geometry.geom_type.isin(["Polygon", "MultiPolygon"])
    return zoning.loc[keep & polygonal]


# --------------------------------------------------------------------------------------------
# 1. imported lists
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CandidateList:
    """An imported plan-capacity list: any point/polygon frame plus its column mapping.

    ``mapping`` maps ``plot_id``, ``name``, ``planned_homes`` and ``phase`` to source columns;
    unmapped fields are looked up under common Dutch and English names.
    """

    frame: gpd.GeoDataFrame
    mapping: Mapping[str, str] = field(default_factory=dict)
    label: str = "lijst"


def list_candidates(lst: CandidateList, rules: CandidateRules | None = None) -> gpd.GeoDataFrame:
    """Rule family 1: pass an imported list through, each row with its reason."""
    rules = rules or load_rules()
    rule = rules.of_family("lijst")[0] if rules.of_family("lijst") else rules.rule("lijst")
    frame = lst.frame
    _check(frame, f"De lijst '{lst.label}'")
    unknown = [k for k in lst.mapping if k not in _LIST_FIELDS]
    if unknown:
        raise ScoringError(
            f"Onbekend veld in de kolomkoppeling van '{lst.label}': {', '.join(unknown)}.",
            hint=f"Koppel alleen {', '.join(_LIST_FIELDS)}, bijv. name=NAAM,planned_homes=WONINGEN.",
        )
    missing = [c for c in lst.mapping.values() if c not in frame.columns]
    if missing:
        raise ScoringError(
            f"Kolom(men) {', '.join(missing)} uit de kolomkoppeling staan niet in '{lst.label}'.",
            hint=f"Beschikbare kolommen: {', '.join(str(c) for c in frame.columns if c != frame.geometry.name)}.",
        )
    lower = {str(c).lower(): str(c) for c in frame.columns}
    col = {
        f: lst.mapping.get(f) or next((lower[c] for c in _LIST_AUTO[f] if c in lower), None)
        for f in _LIST_FIELDS
    }
    n = len(frame)
    if n == 0:
        return _empty_raw()
    ids = _text(frame, col["plot_id"]) if col["plot_id"] else pd.Series("", index=frame.index, dtype="string")
    ids = ids.mask(ids == "", pd.Series([f"rij{i + 1}" for i in range(n)], index=frame.index, dtype="string"))
    names = _text(frame, col["name"]) if col["name"] else pd.Series("", index=frame.index, dtype="string")
    homes = (
        pd.to_numeric(frame[col["planned_homes"]], errors="coerce").astype("Float64")
        if col["planned_homes"]
        else pd.Series(pd.NA, index=frame.index, dtype="Float64")
    )
    phase = _text(frame, col["phase"]) if col["phase"] else pd.Series("", index=frame.index, dtype="string")
    reasons = []
    for h, ph in zip(homes.tolist(), phase.tolist(), strict=True):
        text = f"op de lijst '{lst.label}'"
        if h is not None and h is not pd.NA and not (isinstance(h, float) and math.isnan(h)):
            text += f", {_m2(float(h))} geplande woningen"
        if ph:
            text += f", fase {ph}"
        reasons.append(text)
    raw = _raw(
        {
            "source_id": [f"{_safe_id(lst.label)}:{i}" for i in ids],
            "reason": reasons,
            "own_name": [v or None for v in names.tolist()],
            "planned_homes": homes.tolist(),
            "phase": [v or None for v in phase.tolist()],
        },
        frame.geometry.to_numpy(),
        n,
    )
    return _with_ids(raw, rule)


# --------------------------------------------------------------------------------------------
# 2. vacant and underused land
# --------------------------------------------------------------------------------------------


def vacant_zoning_candidates(
    zoning: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame | None, rules: CandidateRules | None = None
) -> gpd.GeoDataFrame:
    """Rule ``bestemming_onbebouwd``: enkelbestemming parts without buildings, big and compact enough.

    Buildings are grown by a setback, strips narrower than twice the opening distance are
    removed (erode, then dilate), and parts below the minimum area or compactness are dropped.
    """
    rules = rules or load_rules()
    rule = rules.rule("bestemming_onbebouwd")
    _check(zoning, "Het bestemmingsplan")
    _check(buildings, "De gebouwenlaag")
    zones = _hoofdgroep_zones(zoning, rule.strings("hoofdgroepen"), rule.strings("feature_types"))
    if zones.empty:
        return _empty_raw()
    if buildings is None or buildings.empty:
        return _empty_raw()  # without buildings nothing is known to be free
    # Outside the extent of the buildings layer "no building" means "no data": leave it out.
    extent = shapely.box(*buildings.total_bounds)
    zgeoms = shapely.intersection(shapely.make_valid(zones.geometry.to_numpy()), extent)
    grown = shapely.buffer(buildings.geometry.to_numpy(), rule.number("building_setback_m"))
    zi, bi = shapely.STRtree(grown).query(zgeoms, predicate="intersects")
    free = zgeoms.copy()
    if len(zi):
        # Per zone the union of the buildings touching it, then one vectorised difference.
        cover = gpd.GeoDataFrame({"z": zi}, geometry=gpd.GeoSeries(grown[bi], crs=RD_NEW)).dissolve(by="z")
        rows = cover.index.to_numpy()
        free[rows] = shapely.difference(zgeoms[rows], cover.geometry.to_numpy())
    opening = rule.number("opening_m")
    if opening > 0:
        free = shapely.buffer(shapely.buffer(free, -opening, join_style="mitre"), opening, join_style="mitre")
    parts, idx = shapely.get_parts(free, return_index=True)
    if len(parts) == 0:
        return _empty_raw()
    parts = shapely.make_valid(parts)
    area = shapely.area(parts)
    perimeter = shapely.length(parts)
    compact = np.where(perimeter > 0, 4 * np.pi * area / np.maximum(perimeter, 1e-9) ** 2, 0.0)
    keep = (area >= rule.number("min_area_m2")) & (compact >= rule.number("min_compactness"))
    parts, idx, area, compact = parts[keep], idx[keep], area[keep], compact[keep]
    if len(parts) == 0:
        return _empty_raw()
    zone_names = _text(zones, "naam").to_numpy()[idx]
    groups = _text(zones, "bestemmingshoofdgroep").to_numpy()[idx]
    plan = _text(zones, "plan_id").to_numpy()[idx]
    reasons = [
        f"onbebouwd deel van {_m2(a)} m² binnen bestemming '{nm or gr}' (compactheid {_nl(c)})"
        for a, c, nm, gr in zip(area, compact, zone_names, groups, strict=True)
    ]
    sids = [
        f"{p or 'bestemming'}:{pt.split(':', 1)[1]}"
        for p, pt in zip(plan, _point_id("x", parts), strict=True)
    ]
    raw = _raw({"source_id": sids, "reason": reasons}, parts, len(parts))
    return _with_ids(raw, rule)


def land_use_candidates(land_use: gpd.GeoDataFrame, rules: CandidateRules | None = None) -> gpd.GeoDataFrame:
    """Rules with a ``key`` in the braak family (parkeerterrein, bouwterrein) on the land-use layer."""
    rules = rules or load_rules()
    _check(land_use, "De landgebruiklaag")
    out = []
    keys = _text(land_use, "key")
    values = _text(land_use, "value")
    area = land_use.geometry.area.to_numpy() if len(land_use) else np.zeros(0)
    polygonal = land_use.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    for rule in rules.of_family("braak"):
        if "key" not in rule.params:
            continue
        sel = (keys == str(rule.params["key"])).to_numpy() & values.isin(rule.strings("values")).to_numpy()
        for col, excluded in rule.table("exclude").items():
            if col in land_use.columns:
                sel &= ~_text(land_use, col).isin([str(v) for v in excluded]).to_numpy()
        sel &= polygonal & (area >= rule.number("min_area_m2"))
        if not sel.any():
            continue
        hit = land_use.loc[sel]
        labels = rule.table("value_labels")
        reasons = [
            f"{labels.get(v, rule.label.lower())} van {_m2(a)} m² (OSM {k}={v})"
            for k, v, a in zip(keys[sel], values[sel], area[sel], strict=True)
        ]
        ids = _text(hit, "osm_id")
        sids = [i if i else p for i, p in zip(ids, _point_id("osm", hit.geometry.to_numpy()), strict=True)]
        names = [v or None for v in _text(hit, "name").tolist()]
        raw = _raw(
            {"source_id": sids, "reason": reasons, "own_name": names}, hit.geometry.to_numpy(), len(hit)
        )
        out.append(_with_ids(raw, rule))
    return _concat(out)


# --------------------------------------------------------------------------------------------
# 3. transformation and 4. wonen met een plus (BAG)
# --------------------------------------------------------------------------------------------


def transformation_candidates(
    buildings: gpd.GeoDataFrame, rules: CandidateRules | None = None
) -> gpd.GeoDataFrame:
    """Rule ``transformatie``: big non-residential panden, or panden going out of use."""
    rules = rules or load_rules()
    rule = rules.rule("transformatie")
    _check(buildings, "De gebouwenlaag")
    if buildings.empty:
        return _empty_raw()
    uses = _text(buildings, "gebruiksdoel")
    statuses = rule.strings("statuses")
    candidate = (
        _has_any(uses, rule.strings("uses")) & ~_has_any(uses, rule.strings("exclude_uses"))
    ) | _text(buildings, "status").isin(statuses).to_numpy()
    panden = _footprints(buildings, candidate)
    if panden.empty:
        return _empty_raw()
    area = panden.geometry.area.to_numpy()
    p_uses = _text(panden, "gebruiksdoel")
    p_status = _text(panden, "status")
    by_status = p_status.isin(statuses).to_numpy() & (area >= rule.number("status_min_footprint_m2"))
    by_use = (
        _has_any(p_uses, rule.strings("uses"))
        & ~_has_any(p_uses, rule.strings("exclude_uses"))
        & (area >= rule.number("min_footprint_m2"))
    )
    keep = by_status | by_use
    if not keep.any():
        return _empty_raw()
    labels = rule.table("use_labels")
    first = _first_use(p_uses, rule.strings("uses"))
    reasons = []
    for st, use, gd, a, s_hit in zip(p_status, first, p_uses, area, by_status, strict=True):
        if s_hit:
            reasons.append(f"BAG-pand met status '{st}' (grondvlak {_m2(a)} m²)")
        else:
            reasons.append(
                f"{labels.get(use, 'niet-woongebouw')} van {_m2(a)} m² grondvlak zonder woonfunctie (BAG {gd})"
            )
    hit = panden.loc[keep]
    raw = _raw(
        {
            "source_id": ["bag:" + str(p) for p in hit["_pid"]],
            "reason": [r for r, k in zip(reasons, keep, strict=True) if k],
        },
        hit.geometry.to_numpy(),
        len(hit),
    )
    return _with_ids(raw, rule)


def demolition_candidates(
    buildings: gpd.GeoDataFrame, rules: CandidateRules | None = None
) -> gpd.GeoDataFrame:
    """Rule ``sloop``: panden with a demolition permit -- their site is redeveloped, not transformed."""
    rules = rules or load_rules()
    if "sloop" not in rules.rules:  # an own rules file from before this rule existed
        return _empty_raw()
    rule = rules.rule("sloop")
    _check(buildings, "De gebouwenlaag")
    if buildings.empty:
        return _empty_raw()
    statuses = rule.strings("statuses")
    panden = _footprints(buildings, _text(buildings, "status").isin(statuses).to_numpy())
    if panden.empty:
        return _empty_raw()
    area = panden.geometry.area.to_numpy()
    keep = area >= rule.number("min_footprint_m2")
    hit = panden.loc[keep]
    reasons = [
        f"BAG-pand met status '{st}' (grondvlak {_m2(a)} m²): de plek komt vrij voor nieuwbouw"
        for st, a in zip(_text(hit, "status"), area[keep], strict=True)
    ]
    raw = _raw(
        {"source_id": ["bag:" + str(p) for p in hit["_pid"]], "reason": reasons},
        hit.geometry.to_numpy(),
        len(hit),
    )
    return _with_ids(raw, rule)


def plus_candidates(buildings: gpd.GeoDataFrame, rules: CandidateRules | None = None) -> gpd.GeoDataFrame:
    """Rule ``wonen_plus``: residential complexes with many dwellings in one pand, of a given age."""
    rules = rules or load_rules()
    rule = rules.rule("wonen_plus")
    _check(buildings, "De gebouwenlaag")
    if buildings.empty or "aantal_verblijfsobjecten" not in buildings.columns:
        return _empty_raw()
    vbo = pd.to_numeric(buildings["aantal_verblijfsobjecten"], errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )
    year = (
        pd.to_numeric(buildings["bouwjaar"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        if "bouwjaar" in buildings.columns
        else np.full(len(buildings), np.nan)
    )
    with np.errstate(invalid="ignore"):
        keep = (
            _has_any(_text(buildings, "gebruiksdoel"), rule.strings("uses"))
            & (vbo >= rule.number("min_verblijfsobjecten"))
            & (year >= rule.number("bouwjaar_min"))
            & (year <= rule.number("bouwjaar_max"))
        )
    panden = _footprints(buildings, keep)
    if panden.empty:
        return _empty_raw()
    n = pd.to_numeric(panden["aantal_verblijfsobjecten"], errors="coerce").astype(int).tolist()
    years = pd.to_numeric(panden["bouwjaar"], errors="coerce").astype(int).tolist()
    reasons = [
        f"wooncomplex met {v} verblijfsobjecten in één pand, bouwjaar {y} (BAG): kandidaat voor wonen met een plus"
        for v, y in zip(n, years, strict=True)
    ]
    raw = _raw(
        {"source_id": ["bag:" + str(p) for p in panden["_pid"]], "reason": reasons},
        panden.geometry.to_numpy(),
        len(panden),
    )
    return _with_ids(raw, rule)


# --------------------------------------------------------------------------------------------
# 5. care-institution sites
# --------------------------------------------------------------------------------------------


def care_site_candidates(
    *,
    buildings: gpd.GeoDataFrame | None = None,
    zoning: gpd.GeoDataFrame | None = None,
    facilities: gpd.GeoDataFrame | None = None,
    land_use: gpd.GeoDataFrame | None = None,
    rules: CandidateRules | None = None,
) -> gpd.GeoDataFrame:
    """Rule ``zorgterrein``: care buildings, care facilities and OSM care areas with their grounds.

    The grounds are the maatschappelijk enkelbestemming that holds the site (one candidate per
    such polygon, whatever number of care objects it holds); without one, or when it is a whole
    campus (above ``max_grounds_m2``), the building or point with a buffer, or the OSM area itself.
    """
    rules = rules or load_rules()
    rule = rules.rule("zorgterrein")
    for frame, what in (
        (buildings, "De gebouwenlaag"),
        (zoning, "Het bestemmingsplan"),
        (facilities, "De voorzieningen"),
        (land_use, "De landgebruiklaag"),
    ):
        _check(frame, what)
    geoms: list[Any] = []
    sids: list[str] = []
    descs: list[str] = []
    names: list[str | None] = []
    grow: list[bool] = []
    if buildings is not None and len(buildings):
        mask = _has_any(_text(buildings, "gebruiksdoel"), rule.strings("uses"))
        panden = _footprints(buildings, mask)
        geoms.extend(panden.geometry.tolist())
        sids.extend("bag:" + str(p) for p in panden["_pid"])
        descs.extend(f"zorggebouw (BAG {', '.join(rule.strings('uses'))})" for _ in range(len(panden)))
        names.extend([None] * len(panden))
        grow.extend([True] * len(panden))
    if facilities is not None and len(facilities):
        fac = facilities.loc[
            _text(facilities, "category").isin(rule.strings("facility_categories")).to_numpy()
        ]
        fnames = _text(fac, "name").tolist()
        geoms.extend(fac.geometry.tolist())
        sids.extend(_text(fac, "facility_id").tolist())
        descs.extend(f"zorglocatie '{n}'" if n else "zorglocatie (voorziening)" for n in fnames)
        names.extend(n or None for n in fnames)
        grow.extend([True] * len(fac))
    if land_use is not None and len(land_use):
        keys, values = _text(land_use, "key"), _text(land_use, "value")
        sel = np.zeros(len(land_use), dtype=bool)
        for key, vals in rule.table("land_use").items():
            sel |= (keys == key).to_numpy() & values.isin([str(v) for v in vals]).to_numpy()
        lu = land_use.loc[sel]
        lnames = _text(lu, "name").tolist()
        geoms.extend(lu.geometry.tolist())
        sids.extend(_text(lu, "osm_id").tolist())
        descs.extend(
            f"zorginstelling '{n}' (OSM {k}={v})" if n else f"zorginstelling (OSM {k}={v})"
            for n, k, v in zip(lnames, keys[sel], values[sel], strict=True)
        )
        names.extend(n or None for n in lnames)
        grow.extend(not g.geom_type.endswith("Polygon") for g in lu.geometry)
    if not geoms:
        return _empty_raw()
    seeds = np.asarray(geoms, dtype=object)
    grounds_of = np.full(len(seeds), -1)
    zones = (
        _hoofdgroep_zones(zoning, rule.strings("hoofdgroepen"), ["enkelbestemming"])
        if zoning is not None
        else None
    )
    if zones is not None and len(zones):
        zones = zones.loc[zones.geometry.area <= rule.number("max_grounds_m2")]
        if len(zones):
            tree = shapely.STRtree(zones.geometry.to_numpy())
            si, zi = tree.query(shapely.point_on_surface(seeds), predicate="within")
            first = pd.Series(zi).groupby(si).min()  # a seed in overlapping zones: the first
            grounds_of[first.index.to_numpy()] = first.to_numpy()
    rows_geom: list[Any] = []
    rows_sid: list[str] = []
    rows_reason: list[str] = []
    rows_name: list[str | None] = []
    if zones is not None and (grounds_of >= 0).any():
        znames = _text(zones, "naam").tolist()
        zgeoms = zones.geometry.to_numpy()
        for z in np.unique(grounds_of[grounds_of >= 0]):
            members = np.flatnonzero(grounds_of == z)
            order = sorted(members, key=lambda i: sids[i])
            what = "; ".join(dict.fromkeys(descs[i] for i in order))
            rows_geom.append(zgeoms[z])
            rows_sid.append(sids[order[0]])
            rows_reason.append(
                f"terrein van {_m2(zgeoms[z].area)} m² met bestemming '{znames[z] or 'maatschappelijk'}' rond {what}"
            )
            rows_name.append(next((names[i] for i in order if names[i]), None))
    loose = np.flatnonzero(grounds_of < 0)
    if len(loose):
        buf = rule.number("buffer_m")
        grow_arr = np.asarray(grow, dtype=bool)[loose]
        g = seeds[loose]
        g = np.where(grow_arr, shapely.buffer(g, buf), g)
        for j, i in enumerate(loose):
            extra = f" met {_m2(buf)} m terrein eromheen" if grow_arr[j] else ""
            rows_geom.append(g[j])
            rows_sid.append(sids[i])
            rows_reason.append(f"{descs[i]}{extra} ({_m2(shapely.area(g[j]))} m²)")
            rows_name.append(names[i])
    raw = _raw(
        {"source_id": rows_sid, "reason": rows_reason, "own_name": rows_name}, rows_geom, len(rows_geom)
    )
    return _with_ids(raw, rule)


# --------------------------------------------------------------------------------------------
# merging and naming
# --------------------------------------------------------------------------------------------


def _concat(frames: Sequence[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return _empty_raw()
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=RD_NEW)


def _overlap_pairs(
    a: npt.NDArray[Any], b: npt.NDArray[Any], min_share: float, *, same: bool
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.float64]]:
    """Pairs (i in a, j in b) whose overlap exceeds ``min_share`` of the smaller; a point inside counts fully."""
    if len(a) == 0 or len(b) == 0:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty, np.zeros(0)
    tree = shapely.STRtree(b)
    i, j = tree.query(a, predicate="intersects")
    if same:
        keep = i < j
        i, j = i[keep], j[keep]
    inter = shapely.area(shapely.intersection(a[i], b[j]))
    smaller = np.minimum(shapely.area(a[i]), shapely.area(b[j]))
    share = np.where(smaller > 0, inter / np.where(smaller > 0, smaller, 1.0), 1.0)
    keep = share > min_share
    return i[keep], j[keep], share[keep]


def merge_candidates(
    candidates: gpd.GeoDataFrame,
    existing_plots: gpd.GeoDataFrame | None = None,
    rules: CandidateRules | None = None,
) -> gpd.GeoDataFrame:
    """Merge overlapping candidates into one site each; mark those that duplicate an existing plot.

    Candidates overlapping by more than ``[merge] min_overlap_share`` of the smaller one (also
    through a chain) become one candidate: the highest-ranked rule (``family_order``) gives its
    id, name and category hint, the geometry is the union, and ``reasons``/``rules`` keep all.
    ``duplicate_of`` is the existing plot it overlaps most (above the existing share), if any.
    """
    rules = rules or load_rules()
    out_cols = [*CANDIDATE_COLUMNS, "label", "own_name"]
    if candidates.empty:
        empty = {c: pd.Series([], dtype="object" if c == "rules" else "string") for c in out_cols}
        empty["area_m2"] = pd.Series([], dtype="Float64")
        empty["planned_homes"] = pd.Series([], dtype="Float64")
        return gpd.GeoDataFrame(empty, geometry=gpd.GeoSeries([], crs=RD_NEW), crs=RD_NEW)
    cand = candidates.reset_index(drop=True)
    geoms = cand.geometry.to_numpy()
    n = len(cand)
    i, j, _ = _overlap_pairs(geoms, geoms, rules.min_overlap_share, same=True)
    graph = coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
    _, group = connected_components(graph, directed=False)
    rank = {f: k for k, f in enumerate(rules.family_order)}
    rule_rank = {r: k for k, r in enumerate(rules.rules)}
    order_key = pd.DataFrame(
        {
            "group": group,
            "fam": cand["family"].map(rank).fillna(len(rank)).to_numpy(),
            "rule": cand["rule"].map(rule_rank).fillna(len(rule_rank)).to_numpy(),
            "neg_area": -shapely.area(geoms),
            "pid": cand["plot_id"].astype(str).to_numpy(),
        }
    )
    order = order_key.sort_values(["group", "fam", "rule", "neg_area", "pid"], kind="stable").index.to_numpy()
    cand = cand.iloc[order].reset_index(drop=True)
    group = group[order]
    geoms = cand.geometry.to_numpy()
    # A point in a group that also has polygons adds nothing to the union.
    is_poly = np.isin(shapely.get_type_id(geoms), [3, 6])
    poly_groups = np.unique(group[is_poly])
    drop_point = ~is_poly & np.isin(group, poly_groups)
    geoms = np.where(drop_point, shapely.Polygon(), geoms)
    work = gpd.GeoDataFrame(
        cand.drop(columns="geometry"), geometry=gpd.GeoSeries(geoms, crs=RD_NEW), crs=RD_NEW
    )
    work["_group"] = group

    def joined(values: pd.Series) -> str:
        return "; ".join(dict.fromkeys(str(v) for v in values if isinstance(v, str) and v))

    def listed(values: pd.Series) -> list[str]:
        return list(dict.fromkeys(str(v) for v in values if isinstance(v, str) and v))

    agg: dict[str, Any] = dict.fromkeys(_RAW, "first")
    agg["reason"] = "first"
    merged = work.dissolve(by="_group", aggfunc=agg, sort=True)
    grouped = work.groupby("_group", sort=True)
    merged["reasons"] = grouped["reason"].agg(joined)
    merged["rules"] = grouped["rule"].agg(listed)
    merged = gpd.GeoDataFrame(merged.reset_index(drop=True), geometry="geometry", crs=RD_NEW)
    mgeoms = shapely.make_valid(merged.geometry.to_numpy())
    merged = merged.set_geometry(gpd.GeoSeries(mgeoms, crs=RD_NEW))
    polygonal = np.isin(shapely.get_type_id(mgeoms), [3, 6])
    merged["area_m2"] = pd.array(np.where(polygonal, np.round(shapely.area(mgeoms), 1), 0.0), dtype="Float64")
    merged["source"] = ["kansen: " + ", ".join(r) for r in merged["rules"]]
    dup = pd.Series(pd.NA, index=merged.index, dtype="string")
    if existing_plots is not None and len(existing_plots):
        _check(existing_plots, "De bestaande kavels")
        ei, ej, share = _overlap_pairs(
            mgeoms, existing_plots.geometry.to_numpy(), rules.existing_min_overlap_share, same=False
        )
        if len(ei):
            best = pd.DataFrame({"i": ei, "j": ej, "s": share}).sort_values(
                ["i", "s"], ascending=[True, False]
            )
            best = best.drop_duplicates("i")
            ids = existing_plots["plot_id"].astype("string").to_numpy()
            dup.iloc[best["i"].to_numpy()] = ids[best["j"].to_numpy()]
    merged["duplicate_of"] = dup
    merged["name"] = merged["own_name"].astype("string")
    merged["plot_id"] = _unique(merged["plot_id"].astype("string"))
    return gpd.GeoDataFrame(merged[[*out_cols, "geometry"]], geometry="geometry", crs=RD_NEW)


def _unique(ids: pd.Series) -> pd.Series:
    """Suffix repeated ids with -2, -3, ... (first occurrence unchanged)."""
    n = ids.groupby(ids).cumcount()
    return ids.where(n == 0, ids + "-" + (n + 1).astype("string"))


def name_candidates(
    candidates: gpd.GeoDataFrame, network_source: gpd.GeoDataFrame | None, rules: CandidateRules | None = None
) -> pd.Series:
    """Names: the own (OSM or list) name, else the rule label and the nearest named street.

    Same name twice gets a number, ``Parkeerterrein Mekelweg (2)``, so a workshop list stays
    readable. Returns a Series indexed like ``candidates``.
    """
    rules = rules or load_rules()
    own = _text(candidates, "own_name")
    label = _text(candidates, "label")
    street = pd.Series("", index=candidates.index, dtype="string")
    if (
        network_source is not None
        and len(network_source)
        and len(candidates)
        and "name" in network_source.columns
    ):
        _check(network_source, "Het wegennetwerk")
        named = network_source.loc[
            network_source["name"].notna()
            & (
                _text(network_source, "highway").isin(rules.street_highways).to_numpy()
                if rules.street_highways
                else True
            )
        ]
        if len(named):
            probe = gpd.GeoDataFrame(
                {"_pos": np.arange(len(candidates))},
                geometry=gpd.GeoSeries(shapely.point_on_surface(candidates.geometry.to_numpy()), crs=RD_NEW),
                crs=RD_NEW,
            )
            ways = gpd.GeoDataFrame(
                {"_street": named["name"].astype("string").to_numpy()},
                geometry=named.geometry.to_numpy(),
                crs=RD_NEW,
            )
            joined = gpd.sjoin_nearest(
                probe, ways, how="left", max_distance=rules.street_max_distance_m, distance_col="_d"
            )
            joined = joined.sort_values(["_pos", "_d", "_street"]).drop_duplicates("_pos").set_index("_pos")
            street = pd.Series(
                joined["_street"].reindex(np.arange(len(candidates))).to_numpy(),
                index=candidates.index,
                dtype="string",
            ).fillna("")
    made = (label + " " + street).str.strip()
    names = own.mask(own == "", made)
    names = names.mask(names == "", "Kandidaat")
    count = names.groupby(names).transform("size")
    nth = names.groupby(names).cumcount() + 1
    return names.where(count == 1, names + " (" + nth.astype("string") + ")")


# --------------------------------------------------------------------------------------------
# rules that cannot run
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SkippedRule:
    """A rule (or a part of it) that could not look, and why, in Dutch."""

    rule: str
    family: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "family": self.family, "reason": self.reason}


def _filled(frame: gpd.GeoDataFrame | None, column: str) -> bool:
    """True when ``frame`` has ``column`` with at least one value."""
    return frame is not None and column in frame.columns and bool(frame[column].notna().any())


def rules_that_cannot_run(
    *,
    buildings: gpd.GeoDataFrame | None = None,
    zoning: gpd.GeoDataFrame | None = None,
    land_use: gpd.GeoDataFrame | None = None,
    facilities: gpd.GeoDataFrame | None = None,
    rules: CandidateRules | None = None,
    families: Collection[str] | None = None,
) -> list[SkippedRule]:
    """Every rule of ``rules`` that cannot run on these inputs (or only partly), with the reason.

    A rule that finds nothing on data it could read is not listed: that is a finding. A rule
    that could not look -- no layer, or the layer lacks the attribute the rule needs -- is, so
    "0 kansen" never hides "not searched".
    """
    rules = rules or load_rules()
    wanted = set(families) if families is not None else set(FAMILIES)
    has_buildings = buildings is not None and len(buildings) > 0
    doel = _filled(buildings, "gebruiksdoel")
    out: list[SkippedRule] = []

    def skip(rule_id: str, reason: str) -> None:
        rule = rules.rules.get(rule_id)
        if rule is not None and rule.family in wanted:
            out.append(SkippedRule(rule_id, rule.family, f"regel {rule_id} overgeslagen: {reason}"))

    no_bag = "geen BAG-panden geladen; importeer de panden (BAG-extract of bag-light.gpkg)"
    if zoning is None or not len(zoning):
        skip("bestemming_onbebouwd", "geen bestemmingsplan geladen")
    elif not has_buildings:
        skip(
            "bestemming_onbebouwd",
            "geen gebouwenlaag; zonder BAG-panden is niet te zien welk deel van een bestemming "
            "onbebouwd is. Importeer de BAG-panden",
        )
    for rule in rules.of_family("braak"):
        if "key" in rule.params and (land_use is None or not len(land_use)):
            skip(rule.id, "geen landgebruiklaag (OpenStreetMap) geladen")
    if not has_buildings:
        skip("transformatie", no_bag)
        skip("sloop", no_bag)
        skip("wonen_plus", no_bag)
    else:
        if not doel:
            skip(
                "transformatie",
                "geen gebruiksdoel in de BAG-laag; importeer verblijfsobjecten "
                "(alleen panden met een vrijkomende status zijn gezocht)",
            )
        if not _filled(buildings, "status"):
            skip("sloop", "geen status in de BAG-laag; een sloopvergunning is niet te zien")
        missing = [
            label
            for column, label in (
                ("gebruiksdoel", "geen gebruiksdoel"),
                ("aantal_verblijfsobjecten", "geen aantal verblijfsobjecten"),
                ("bouwjaar", "geen bouwjaar"),
            )
            if not _filled(buildings, column)
        ]
        if missing:
            skip("wonen_plus", " en ".join(missing) + " in de BAG-laag; importeer verblijfsobjecten")
    care_sources = doel or _filled(facilities, "category") or (land_use is not None and len(land_use) > 0)
    if not care_sources:
        skip(
            "zorgterrein",
            "geen gebruiksdoel in de BAG-laag, geen voorzieningen en geen landgebruik om zorglocaties in te vinden",
        )
    elif has_buildings and not doel:
        skip("zorgterrein", "zorggebouwen uit de BAG overgeslagen: geen gebruiksdoel in de BAG-laag")
    return out


def skipped_rules(candidates: pd.DataFrame) -> list[dict[str, str]]:
    """The rules :func:`find_candidates` could not run, as stored on its result (JSON-ready)."""
    return list(candidates.attrs.get("skipped_rules", []))


# --------------------------------------------------------------------------------------------
# everything at once
# --------------------------------------------------------------------------------------------


def find_candidates(
    *,
    buildings: gpd.GeoDataFrame | None = None,
    zoning: gpd.GeoDataFrame | None = None,
    land_use: gpd.GeoDataFrame | None = None,
    facilities: gpd.GeoDataFrame | None = None,
    lists: Sequence[CandidateList] = (),
    existing_plots: gpd.GeoDataFrame | None = None,
    network_source: gpd.GeoDataFrame | None = None,
    rules: CandidateRules | None = None,
    families: Collection[str] | None = None,
    progress: Progress | None = None,
) -> gpd.GeoDataFrame:
    """Run every rule family the inputs allow, merge overlaps and name the candidates.

    Returns a new frame (RangeIndex, EPSG:28992) with :data:`CANDIDATE_COLUMNS`, sorted by
    family order, then largest first. Inputs are never changed. ``families`` restricts the run.
    The rules that could not run, with their reason, are in ``attrs["skipped_rules"]``
    (:func:`skipped_rules`).
    """
    rules = rules or load_rules()
    wanted = set(families) if families is not None else set(FAMILIES)
    unknown = wanted - set(FAMILIES)
    if unknown:
        raise ScoringError(
            f"Onbekende regelfamilie(s): {', '.join(sorted(unknown))}.",
            hint=f"Kies uit {', '.join(FAMILIES)}.",
        )
    steps: list[tuple[str, str, Any]] = []
    if "lijst" in wanted:
        for lst in lists:
            steps.append(("lijst", f"Lijst '{lst.label}' lezen", lambda lst=lst: list_candidates(lst, rules)))
    if "braak" in wanted:
        if zoning is not None:
            steps.append(
                (
                    "braak",
                    "Onbebouwde bestemmingsvlakken zoeken",
                    lambda: vacant_zoning_candidates(zoning, buildings, rules),
                )
            )
        if land_use is not None:
            steps.append(
                ("braak", "Parkeer- en bouwterreinen zoeken", lambda: land_use_candidates(land_use, rules))
            )
    if "sloop/herontwikkeling" in wanted and buildings is not None:
        steps.append(
            (
                "sloop/herontwikkeling",
                "Panden met een sloopvergunning zoeken",
                lambda: demolition_candidates(buildings, rules),
            )
        )
    if "transformatie" in wanted and buildings is not None:
        steps.append(
            (
                "transformatie",
                "Panden voor transformatie zoeken",
                lambda: transformation_candidates(buildings, rules),
            )
        )
    if "plus" in wanted and buildings is not None:
        steps.append(
            (
                "plus",
                "Wooncomplexen voor wonen met een plus zoeken",
                lambda: plus_candidates(buildings, rules),
            )
        )
    if "zorg" in wanted and any(f is not None for f in (buildings, facilities, land_use)):
        steps.append(
            (
                "zorg",
                "Zorgterreinen zoeken",
                lambda: care_site_candidates(
                    buildings=buildings, zoning=zoning, facilities=facilities, land_use=land_use, rules=rules
                ),
            )
        )
    if not steps:
        raise ScoringError(
            "Er is niets om kansen in te zoeken.",
            hint="Geef gebouwen (BAG), een bestemmingsplan, landgebruik (OSM), voorzieningen of een lijst.",
        )
    skipped = rules_that_cannot_run(
        buildings=buildings,
        zoning=zoning,
        land_use=land_use,
        facilities=facilities,
        rules=rules,
        families=wanted,
    )
    found: list[gpd.GeoDataFrame] = []
    for k, (_family, text, run) in enumerate(steps):
        report(progress, 0.8 * k / len(steps), text)
        found.append(run())
    report(progress, 0.8, "Overlappende kansen samenvoegen")
    merged = merge_candidates(_concat(found), existing_plots, rules)
    report(progress, 0.9, "Namen geven")
    merged["name"] = name_candidates(merged, network_source, rules)
    rank = {f: k for k, f in enumerate(rules.family_order)}
    order = (
        pd.DataFrame(
            {
                "fam": merged["family"].map(rank).fillna(len(rank)).to_numpy(),
                "neg_area": -merged["area_m2"].astype(float).fillna(0.0).to_numpy(),
                "pid": merged["plot_id"].astype(str).to_numpy(),
            }
        )
        .sort_values(["fam", "neg_area", "pid"], kind="stable")
        .index.to_numpy()
    )
    out = merged.iloc[order].reset_index(drop=True)
    out = gpd.GeoDataFrame(out[[*CANDIDATE_COLUMNS, "geometry"]], geometry="geometry", crs=RD_NEW)
    out.attrs["skipped_rules"] = [r.as_dict() for r in skipped]
    report(progress, 1.0, f"{len(out)} kansen gevonden")
    return out
