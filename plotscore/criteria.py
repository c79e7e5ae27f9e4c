"""Criteria and scoring profiles as data: frozen dataclasses, TOML load/validate/write, edits.

A profile says *what* counts for a housing category (nultreden / geclusterd / zorggeschikt) and
how much; the numbers live in ``resources/profiles/*.toml`` with their sources, never in code.
Every built-in value is a preset ("voorinstelling"), not an official norm: no national walking
norm for older people exists (shared research anchors.md §2.3), so users must be able to edit it.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, cast, get_args

from plotscore.errors import ProfileError
from resources import resource

__all__ = [
    "PARTY_LABELS",
    "PRESET_NOTICE",
    "SCHEMA_VERSION",
    "Criterion",
    "Decay",
    "DecayKind",
    "FrequencyBonus",
    "MethodPreference",
    "Profile",
    "Scale",
    "facility_categories",
    "list_profiles",
    "load_profile",
    "min_departures",
    "party_label",
    "profile_from_toml",
    "profile_to_toml",
    "reach_m",
    "with_criterion",
    "with_decay",
    "with_party_weights",
    "with_weight",
    "without_criterion",
]

SCHEMA_VERSION = 1
PRESET_NOTICE = "voorinstelling, geen officiële norm"

DecayKind = Literal["step", "linear", "logistic"]
CriterionKind = Literal["distance", "raster", "demand"]
AgeGroup = Literal["65", "75"]
Direction = Literal["lower_is_better", "higher_is_better"]
NetworkProfile = Literal["senior", "general"]

_DECAY_KINDS: tuple[str, ...] = get_args(DecayKind)
_CRITERION_KINDS: tuple[str, ...] = get_args(CriterionKind)
_DIRECTIONS: tuple[str, ...] = get_args(Direction)
_NETWORK_PROFILES: tuple[str, ...] = get_args(NetworkProfile)
_AGE_GROUPS: tuple[str, ...] = get_args(AgeGroup)


class MethodPreference(StrEnum):
    """How a criterion asks its distance to be measured (profile field ``method``).

    The run's actual method is :class:`plotscore.columns.DistanceMethod` (netwerk/hemelsbreed):
    "auto" takes the walking network when one is loaded. Values are what profiles store.
    """

    NETWORK = "network"
    EUCLIDEAN = "euclidean"
    AUTO = "auto"


_METHODS: tuple[str, ...] = tuple(m.value for m in MethodPreference)

# The parties at the prestatieafspraken table (shared research domain.md §5.2); other ids are
# allowed (e.g. "huurdersorganisatie") and shown with their id as label.
PARTY_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "gemeente": "Gemeente",
        "corporatie": "Woningcorporatie",
        "zorgorganisatie": "Zorgorganisatie",
        "bewoners": "Bewoners",
    }
)

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class Decay:
    """How a walking distance becomes a sub-score: 100 up to ``full_score_m``, 0 from ``zero_score_m``.

    ``step``: 100 ≤ full, 0 beyond (``zero_score_m`` only bounds the search). ``linear``: straight
    line between the breakpoints. ``logistic``: an S-curve through 50 at the midpoint, rescaled so
    it is exactly 100 at full and 0 at zero (a smooth "Walk Score"-style decay, anchors.md §2.3).
    """

    kind: DecayKind
    full_score_m: float
    zero_score_m: float


@dataclass(frozen=True, slots=True)
class Scale:
    """Decay for a raster or demand measure, in the criterion's ``unit``.

    ``full_value`` scores 100 and ``zero_value`` 0; their order gives the direction
    (full < zero: lower is better; full > zero: higher is better).
    """

    kind: DecayKind
    full_value: float
    zero_value: float


@dataclass(frozen=True, slots=True)
class FrequencyBonus:
    """Transit frequency as a factor on a distance sub-score.

    factor = (1 − share) + share · min(1, departures_per_hour / target_per_hour); unknown
    departures (NaN or no ``deph_<category>`` column) give factor 1, because most OSM stops carry
    no timetable and a missing number must not sink a plot.
    """

    target_per_hour: float
    share: float = 0.5


@dataclass(frozen=True, slots=True)
class Criterion:
    """One scored criterion. ``decay`` is for distance criteria, ``scale`` for raster/demand ones.

    A demand criterion counts the older residents (``age_group`` 65 or 75 and over) within
    ``radius_m`` of walking from the plot (straight-line when no network is loaded).
    """

    id: str
    label: str
    kind: CriterionKind
    weight: float
    category: str | None = None
    decay: Decay | None = None
    method: MethodPreference = MethodPreference.AUTO
    scale: Scale | None = None
    raster: str | None = None
    direction: Direction = "lower_is_better"
    unit: str = ""
    radius_m: float | None = None
    frequency_bonus: FrequencyBonus | None = None
    min_departures_per_hour: float | None = None
    source: str = ""
    preset: bool = True
    age_group: AgeGroup = "65"


@dataclass(frozen=True, slots=True)
class Profile:
    """A housing category's criteria, weights and the parties' own weightings.

    ``parties`` maps a party id to {criterion id → weight}; a criterion a party leaves out keeps
    the profile's weight.
    """

    id: str
    label: str
    housing_category: str
    criteria: tuple[Criterion, ...]
    description: str = ""
    pace_kmh: float = 3.0
    network_profile: NetworkProfile = "senior"
    parties: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    preset: bool = True
    schema_version: int = SCHEMA_VERSION

    def __post_init__(self) -> None:
        frozen = {p: MappingProxyType(dict(w)) for p, w in self.parties.items()}
        object.__setattr__(self, "parties", MappingProxyType(frozen))

    def __hash__(self) -> int:
        return hash((self.id, self.criteria))

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria)

    @property
    def weights(self) -> tuple[float, ...]:
        return tuple(c.weight for c in self.criteria)

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion with this id (ProfileError if there is none)."""
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise ProfileError(
            f"Profiel '{self.id}' heeft geen criterium '{criterion_id}'.",
            hint=f"Bestaande criteria: {', '.join(self.criterion_ids) or '(geen)'}.",
        )

    def party_weights(self, party: str) -> tuple[float, ...]:
        """A party's weights in criterion order (missing entries: the profile's weight)."""
        if party not in self.parties:
            raise ProfileError(
                f"Profiel '{self.id}' kent geen partij '{party}'.",
                hint=f"Bestaande partijen: {', '.join(self.parties) or '(geen)'}.",
            )
        own = self.parties[party]
        return tuple(float(own.get(c.id, c.weight)) for c in self.criteria)


def _plain(parties: Mapping[str, Mapping[str, float]]) -> dict[str, dict[str, float]]:
    return {p: dict(w) for p, w in parties.items()}


def party_label(party: str) -> str:
    """Dutch label of a party id."""
    return PARTY_LABELS.get(party, party.replace("_", " ").capitalize())


def reach_m(profile: Profile) -> dict[str, float]:
    """Search limit per facility category: the largest ``zero_score_m`` of its criteria.

    Pass it to the distance step as its ``reach``: beyond it every sub-score is 0 anyway, and
    a NaN distance then truly means "none within the distance where the score reaches 0".
    """
    out: dict[str, float] = {}
    for c in profile.criteria:
        if c.kind == "distance" and c.category is not None and c.decay is not None:
            out[c.category] = max(out.get(c.category, 0.0), c.decay.zero_score_m)
    return out


def min_departures(profile: Profile) -> dict[str, float]:
    """Per facility category, the departures per hour a stop needs to count (transit criteria).

    A stop with fewer known departures in the timetable window never counts for the category,
    not even as the nearest one; a stop whose departures are unknown (no timetable loaded)
    still counts, and the explanation says "vertrekken onbekend".
    """
    return {
        c.category: c.min_departures_per_hour
        for c in profile.criteria
        if c.kind == "distance" and c.category is not None and c.min_departures_per_hour is not None
    }


# ---------------------------------------------------------------------------------------------
# Vocabulary


@lru_cache(maxsize=1)
def facility_categories() -> Mapping[str, str]:
    """The facility category ids and Dutch labels (``resources/categories/facilities.toml``)."""
    data = tomllib.loads(resource("categories", "facilities.toml").read_text(encoding="utf-8"))
    cats = data.get("categories", {})
    return MappingProxyType({str(k): str(v.get("label", k)) for k, v in cats.items()})


# ---------------------------------------------------------------------------------------------
# Loading and validation

_PROFILE_FIELDS = {
    "schema_version",
    "id",
    "label",
    "housing_category",
    "description",
    "pace_kmh",
    "network_profile",
    "preset",
    "sources",
    "criteria",
    "parties",
}
_CRITERION_FIELDS = {
    "id",
    "label",
    "kind",
    "weight",
    "category",
    "decay",
    "method",
    "scale",
    "raster",
    "direction",
    "unit",
    "radius_m",
    "frequency_bonus",
    "min_departures_per_hour",
    "source",
    "preset",
    "age_group",
}
_DECAY_FIELDS = {"kind", "full_score_m", "zero_score_m"}
_SCALE_FIELDS = {"kind", "full_value", "zero_value"}
_BONUS_FIELDS = {"target_per_hour", "share"}


class _Ctx:
    """Where a value sits, for error messages that name file, criterion and field."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, message: str, hint: str, *, criterion: str | None = None) -> ProfileError:
        where = f"criterium '{criterion}': " if criterion else ""
        return ProfileError(f"Profiel {self.source}: {where}{message}", hint=hint, source=self.source)


def _check_fields(
    ctx: _Ctx, table: Mapping[str, Any], allowed: set[str], what: str, criterion: str | None = None
) -> None:
    for key in table:
        if key not in allowed:
            raise ctx.fail(
                f"onbekend veld '{key}' in {what}.",
                f"Toegestane velden: {', '.join(sorted(allowed))}.",
                criterion=criterion,
            )


def _req(ctx: _Ctx, table: Mapping[str, Any], key: str, what: str, criterion: str | None = None) -> Any:
    if key not in table:
        raise ctx.fail(
            f"verplicht veld '{key}' ontbreekt in {what}.", f"Vul '{key}' in.", criterion=criterion
        )
    return table[key]


def _str(ctx: _Ctx, value: Any, key: str, criterion: str | None = None) -> str:
    if not isinstance(value, str):
        raise ctx.fail(
            f"veld '{key}' moet tekst zijn, niet {value!r}.",
            "Zet de waarde tussen aanhalingstekens.",
            criterion=criterion,
        )
    return value


def _num(
    ctx: _Ctx,
    value: Any,
    key: str,
    criterion: str | None = None,
    *,
    minimum: float | None = 0.0,
    positive: bool = False,
) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ctx.fail(
            f"veld '{key}' moet een getal zijn, niet {value!r}.",
            "Geef een eindig getal op.",
            criterion=criterion,
        )
    number = float(value)
    if positive and number <= 0:
        raise ctx.fail(
            f"veld '{key}' moet groter dan 0 zijn (nu {number:g}).",
            "Geef een positief getal op.",
            criterion=criterion,
        )
    if minimum is not None and number < minimum:
        raise ctx.fail(
            f"veld '{key}' mag niet negatief zijn (nu {number:g}).",
            f"Geef een getal ≥ {minimum:g} op.",
            criterion=criterion,
        )
    return number


def _choice(ctx: _Ctx, value: Any, key: str, options: Iterable[str], criterion: str | None = None) -> str:
    opts = tuple(options)
    if value not in opts:
        raise ctx.fail(
            f"onbekende waarde {value!r} voor '{key}'.", f"Kies uit: {', '.join(opts)}.", criterion=criterion
        )
    return cast(str, value)


def _table(ctx: _Ctx, value: Any, key: str, criterion: str | None = None) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ctx.fail(
            f"'{key}' moet een tabel zijn.", f"Schrijf [{key}] met velden eronder.", criterion=criterion
        )
    return value


def _id(ctx: _Ctx, value: Any, key: str, criterion: str | None = None) -> str:
    text = _str(ctx, value, key, criterion)
    if not _ID_RE.match(text):
        raise ctx.fail(
            f"'{key}' = {text!r} is geen geldige id.",
            "Gebruik kleine letters, cijfers en '_' en begin met een letter.",
            criterion=criterion,
        )
    return text


def _parse_decay(ctx: _Ctx, raw: Any, cid: str) -> Decay:
    table = _table(ctx, raw, "decay", cid)
    _check_fields(ctx, table, _DECAY_FIELDS, "[decay]", cid)
    kind = cast(
        DecayKind, _choice(ctx, _req(ctx, table, "kind", "[decay]", cid), "decay.kind", _DECAY_KINDS, cid)
    )
    full = _num(ctx, _req(ctx, table, "full_score_m", "[decay]", cid), "decay.full_score_m", cid)
    zero = _num(ctx, _req(ctx, table, "zero_score_m", "[decay]", cid), "decay.zero_score_m", cid)
    if full >= zero:
        raise ctx.fail(
            f"decay.full_score_m ({full:g}) moet kleiner zijn dan decay.zero_score_m ({zero:g}).",
            "Volle score geldt tot de kleinste afstand; nul vanaf de grootste.",
            criterion=cid,
        )
    return Decay(kind, full, zero)


def _parse_scale(ctx: _Ctx, raw: Any, cid: str, direction: str) -> Scale:
    table = _table(ctx, raw, "scale", cid)
    _check_fields(ctx, table, _SCALE_FIELDS, "[scale]", cid)
    kind = cast(
        DecayKind, _choice(ctx, _req(ctx, table, "kind", "[scale]", cid), "scale.kind", _DECAY_KINDS, cid)
    )
    full = _num(ctx, _req(ctx, table, "full_value", "[scale]", cid), "scale.full_value", cid, minimum=None)
    zero = _num(ctx, _req(ctx, table, "zero_value", "[scale]", cid), "scale.zero_value", cid, minimum=None)
    if direction == "lower_is_better" and full >= zero:
        raise ctx.fail(
            f"scale.full_value ({full:g}) moet kleiner zijn dan scale.zero_value ({zero:g}) bij lower_is_better.",
            'Draai de waarden om of kies direction = "higher_is_better".',
            criterion=cid,
        )
    if direction == "higher_is_better" and full <= zero:
        raise ctx.fail(
            f"scale.full_value ({full:g}) moet groter zijn dan scale.zero_value ({zero:g}) bij higher_is_better.",
            'Draai de waarden om of kies direction = "lower_is_better".',
            criterion=cid,
        )
    return Scale(kind, full, zero)


def _parse_criterion(ctx: _Ctx, raw: Any, position: int) -> Criterion:
    table = _table(ctx, raw, f"criteria[{position}]")
    cid = _id(ctx, _req(ctx, table, "id", f"criterium nr. {position + 1}"), "id")
    _check_fields(ctx, table, _CRITERION_FIELDS, "[[criteria]]", cid)
    label = _str(ctx, _req(ctx, table, "label", "[[criteria]]", cid), "label", cid)
    kind = cast(
        CriterionKind,
        _choice(ctx, _req(ctx, table, "kind", "[[criteria]]", cid), "kind", _CRITERION_KINDS, cid),
    )
    weight = _num(ctx, _req(ctx, table, "weight", "[[criteria]]", cid), "weight", cid)
    source = _str(ctx, table.get("source", ""), "source", cid)
    preset = table.get("preset", True)
    if not isinstance(preset, bool):
        raise ctx.fail(
            f"veld 'preset' moet true of false zijn, niet {preset!r}.",
            "Schrijf true of false.",
            criterion=cid,
        )
    unit = _str(ctx, table.get("unit", ""), "unit", cid)
    if kind != "demand" and "age_group" in table:
        raise ctx.fail(
            "veld 'age_group' hoort alleen bij een vraagcriterium.", "Verwijder 'age_group'.", criterion=cid
        )
    if kind == "distance":
        for key in ("scale", "raster", "radius_m"):
            if key in table:
                raise ctx.fail(
                    f"veld '{key}' hoort niet bij een afstandscriterium.",
                    f"Verwijder '{key}'.",
                    criterion=cid,
                )
        category = _str(ctx, _req(ctx, table, "category", "[[criteria]]", cid), "category", cid)
        if category not in facility_categories():
            raise ctx.fail(
                f"onbekende voorzieningscategorie '{category}'.",
                f"Kies uit: {', '.join(facility_categories())}.",
                criterion=cid,
            )
        decay = _parse_decay(ctx, _req(ctx, table, "decay", "[[criteria]]", cid), cid)
        method = MethodPreference(_choice(ctx, table.get("method", "auto"), "method", _METHODS, cid))
        min_dep = None
        if "min_departures_per_hour" in table:
            min_dep = _num(
                ctx, table["min_departures_per_hour"], "min_departures_per_hour", cid, positive=True
            )
        bonus = None
        if "frequency_bonus" in table:
            bt = _table(ctx, table["frequency_bonus"], "frequency_bonus", cid)
            _check_fields(ctx, bt, _BONUS_FIELDS, "[frequency_bonus]", cid)
            target = _num(
                ctx,
                _req(ctx, bt, "target_per_hour", "[frequency_bonus]", cid),
                "frequency_bonus.target_per_hour",
                cid,
                positive=True,
            )
            share = _num(ctx, bt.get("share", 0.5), "frequency_bonus.share", cid)
            if share > 1:
                raise ctx.fail(
                    f"frequency_bonus.share ({share:g}) moet tussen 0 en 1 liggen.",
                    "Geef een aandeel 0–1 op.",
                    criterion=cid,
                )
            bonus = FrequencyBonus(target, share)
        return Criterion(
            id=cid,
            label=label,
            kind=kind,
            weight=weight,
            category=category,
            decay=decay,
            method=method,
            unit=unit,
            frequency_bonus=bonus,
            min_departures_per_hour=min_dep,
            source=source,
            preset=preset,
        )
    for key in ("decay", "category", "method", "frequency_bonus", "min_departures_per_hour"):
        if key in table:
            raise ctx.fail(
                f"veld '{key}' hoort niet bij een {kind}-criterium.",
                f"Verwijder '{key}' (gebruik [scale]).",
                criterion=cid,
            )
    direction = cast(
        Direction, _choice(ctx, table.get("direction", "lower_is_better"), "direction", _DIRECTIONS, cid)
    )
    scale = _parse_scale(ctx, _req(ctx, table, "scale", "[[criteria]]", cid), cid, direction)
    raster = None
    radius = None
    if kind == "raster":
        if "radius_m" in table:
            raise ctx.fail(
                "veld 'radius_m' hoort niet bij een rastercriterium.", "Verwijder 'radius_m'.", criterion=cid
            )
        raster = _str(ctx, _req(ctx, table, "raster", "[[criteria]]", cid), "raster", cid)
    else:
        if "raster" in table:
            raise ctx.fail(
                "veld 'raster' hoort niet bij een vraagcriterium.", "Verwijder 'raster'.", criterion=cid
            )
        radius = _num(ctx, _req(ctx, table, "radius_m", "[[criteria]]", cid), "radius_m", cid, positive=True)
    age_group = cast(AgeGroup, _choice(ctx, str(table.get("age_group", "65")), "age_group", _AGE_GROUPS, cid))
    return Criterion(
        id=cid,
        label=label,
        kind=kind,
        weight=weight,
        scale=scale,
        raster=raster,
        direction=direction,
        unit=unit,
        radius_m=radius,
        source=source,
        preset=preset,
        age_group=age_group,
    )


def _parse_parties(ctx: _Ctx, raw: Any, ids: tuple[str, ...]) -> dict[str, dict[str, float]]:
    table = _table(ctx, raw, "parties")
    parties: dict[str, dict[str, float]] = {}
    for party, weights in table.items():
        pid = _id(ctx, party, "parties")
        wt = _table(ctx, weights, f"parties.{pid}")
        own: dict[str, float] = {}
        for cid, w in wt.items():
            if cid not in ids:
                raise ctx.fail(
                    f"partij '{pid}' noemt onbekend criterium '{cid}'.",
                    f"Bestaande criteria: {', '.join(ids)}.",
                )
            own[cid] = _num(ctx, w, f"parties.{pid}.{cid}", cid)
        parties[pid] = own
    return parties


def profile_from_toml(text: str, *, source: str = "<tekst>") -> Profile:
    """Parse and validate a profile from TOML text (``source`` names it in error messages)."""
    ctx = _Ctx(source)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ctx.fail(f"geen geldige TOML: {exc}.", "Controleer de regel die de melding noemt.") from exc
    _check_fields(ctx, data, _PROFILE_FIELDS, "het profiel")
    version = data.get("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise ctx.fail(
            f"schema_version {version!r} wordt niet ondersteund (verwacht {SCHEMA_VERSION}).",
            "Gebruik een profiel dat met deze versie van het programma is gemaakt.",
        )
    pid = _id(ctx, _req(ctx, data, "id", "het profiel"), "id")
    raw_criteria = _req(ctx, data, "criteria", "het profiel")
    if not isinstance(raw_criteria, list) or not raw_criteria:
        raise ctx.fail("het profiel heeft geen criteria.", "Voeg minstens één [[criteria]]-blok toe.")
    criteria = tuple(_parse_criterion(ctx, raw, i) for i, raw in enumerate(raw_criteria))
    seen: set[str] = set()
    for c in criteria:
        if c.id in seen:
            raise ctx.fail("dubbele criterium-id.", "Geef elk criterium een eigen id.", criterion=c.id)
        seen.add(c.id)
    thresholds: dict[str, float | None] = {}
    for c in criteria:
        if c.kind != "distance" or c.category is None:
            continue
        if thresholds.setdefault(c.category, c.min_departures_per_hour) != c.min_departures_per_hour:
            raise ctx.fail(
                f"criteria voor categorie '{c.category}' noemen verschillende min_departures_per_hour.",
                "Eén categorie heeft één vertrekdrempel: geef elk criterium van die categorie dezelfde waarde.",
                criterion=c.id,
            )
    sources = data.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise ctx.fail("'sources' moet een lijst met teksten zijn.", 'Schrijf sources = ["…", "…"].')
    preset = data.get("preset", True)
    if not isinstance(preset, bool):
        raise ctx.fail(f"veld 'preset' moet true of false zijn, niet {preset!r}.", "Schrijf true of false.")
    return Profile(
        id=pid,
        label=_str(ctx, _req(ctx, data, "label", "het profiel"), "label"),
        housing_category=_id(ctx, _req(ctx, data, "housing_category", "het profiel"), "housing_category"),
        criteria=criteria,
        description=_str(ctx, data.get("description", ""), "description"),
        pace_kmh=_num(ctx, data.get("pace_kmh", 3.0), "pace_kmh", positive=True),
        network_profile=cast(
            NetworkProfile,
            _choice(ctx, data.get("network_profile", "senior"), "network_profile", _NETWORK_PROFILES),
        ),
        parties=_parse_parties(ctx, data.get("parties", {}), tuple(seen)),
        sources=tuple(sources),
        preset=preset,
    )


def list_profiles() -> list[str]:
    """Ids of the built-in scoring profiles, sorted.

    ``resources/profiles/`` also holds other preset tables (e.g. ``density.toml``); a scoring
    profile is a file with ``[[criteria]]``.
    """
    return list(_builtin_profiles())


@lru_cache(maxsize=1)
def _builtin_profiles() -> tuple[str, ...]:
    names = []
    for node in resource("profiles").iterdir():
        if not node.name.endswith(".toml"):
            continue
        try:
            data = tomllib.loads(node.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError:
            continue  # not ours to judge; load_profile reports it if asked for by name
        if isinstance(data.get("criteria"), list):
            names.append(node.name[: -len(".toml")])
    return tuple(sorted(names))


def load_profile(name_or_path: str | Path) -> Profile:
    """A built-in profile by id (``"geclusterd"``) or a profile file by path, validated."""
    text_name = str(name_or_path)
    if isinstance(name_or_path, Path) or "/" in text_name or "\\" in text_name or text_name.endswith(".toml"):
        path = Path(name_or_path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ProfileError(
                f"Profiel {path} kan niet worden gelezen: {exc.strerror or exc}.",
                hint="Controleer het pad en de leesrechten.",
                source=str(path),
            ) from exc
        return profile_from_toml(text, source=str(path))
    if not _ID_RE.match(text_name) or not resource("profiles", f"{text_name}.toml").is_file():
        raise ProfileError(
            f"Onbekend profiel '{text_name}'.",
            hint=f"Ingebouwde profielen: {', '.join(list_profiles())}; of geef het pad naar een .toml-bestand.",
        )
    node = resource("profiles", f"{text_name}.toml")
    return profile_from_toml(node.read_text(encoding="utf-8"), source=f"profiles/{text_name}.toml")


# ---------------------------------------------------------------------------------------------
# Writing (tomli_w is not a dependency; profiles need only strings, numbers, booleans, tables)


def _toml_str(text: str) -> str:
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_str(key)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _toml_str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _lines(pairs: Iterable[tuple[str, object]]) -> list[str]:
    return [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in pairs if v is not None]


def profile_to_toml(profile: Profile) -> str:
    """The profile as TOML text that :func:`profile_from_toml` reads back to an equal Profile."""
    out = [f"# Profiel {profile.label} ({PRESET_NOTICE if profile.preset else 'eigen profiel'})"]
    out += _lines(
        [
            ("schema_version", profile.schema_version),
            ("id", profile.id),
            ("label", profile.label),
            ("housing_category", profile.housing_category),
            ("description", profile.description),
            ("pace_kmh", profile.pace_kmh),
            ("network_profile", profile.network_profile),
            ("preset", profile.preset),
            ("sources", list(profile.sources)),
        ]
    )
    for c in profile.criteria:
        out += ["", "[[criteria]]"]
        base: list[tuple[str, object]] = [
            ("id", c.id),
            ("label", c.label),
            ("kind", c.kind),
            ("weight", c.weight),
        ]
        if c.kind == "distance":
            base += [
                ("category", c.category),
                ("method", c.method.value),
                ("unit", c.unit),
                ("min_departures_per_hour", c.min_departures_per_hour),
            ]
        else:
            base += [
                ("raster", c.raster),
                ("radius_m", c.radius_m),
                ("direction", c.direction),
                ("unit", c.unit),
            ]
            if c.kind == "demand":
                base += [("age_group", c.age_group)]
        base += [("source", c.source), ("preset", c.preset)]
        out += _lines(base)
        if c.decay is not None:
            out += ["[criteria.decay]"]
            out += _lines(
                [
                    ("kind", c.decay.kind),
                    ("full_score_m", c.decay.full_score_m),
                    ("zero_score_m", c.decay.zero_score_m),
                ]
            )
        if c.scale is not None:
            out += ["[criteria.scale]"]
            out += _lines(
                [
                    ("kind", c.scale.kind),
                    ("full_value", c.scale.full_value),
                    ("zero_value", c.scale.zero_value),
                ]
            )
        if c.frequency_bonus is not None:
            out += ["[criteria.frequency_bonus]"]
            fb = c.frequency_bonus
            out += _lines([("target_per_hour", fb.target_per_hour), ("share", fb.share)])
    for party, weights in profile.parties.items():
        out += ["", f"[parties.{_toml_key(party)}]"]
        out += _lines((cid, float(w)) for cid, w in weights.items())
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# Immutable edits (the workshop's sliders and the profile editor)


def _revalidate(profile: Profile) -> Profile:
    """Round-trip through the validator so an edit can never produce an invalid profile."""
    return profile_from_toml(profile_to_toml(profile), source=f"'{profile.id}' (bewerkt)")


def _index(profile: Profile, criterion_id: str) -> int:
    for i, c in enumerate(profile.criteria):
        if c.id == criterion_id:
            return i
    profile.criterion(criterion_id)  # raises the Dutch ProfileError
    raise AssertionError("unreachable")


def with_weight(profile: Profile, criterion_id: str, weight: float) -> Profile:
    """A copy with one criterion's weight changed (weights are relative; ≥ 0)."""
    i = _index(profile, criterion_id)
    ctx = _Ctx(f"'{profile.id}' (bewerkt)")
    w = _num(ctx, weight, "weight", criterion_id)
    crit = replace(profile.criteria[i], weight=w)
    return replace(profile, criteria=(*profile.criteria[:i], crit, *profile.criteria[i + 1 :]))


def with_decay(profile: Profile, criterion_id: str, decay: Decay | Scale) -> Profile:
    """A copy with one criterion's decay (distance) or scale (raster/demand) replaced."""
    i = _index(profile, criterion_id)
    old = profile.criteria[i]
    crit = replace(old, decay=decay) if isinstance(decay, Decay) else replace(old, scale=decay)
    return _revalidate(replace(profile, criteria=(*profile.criteria[:i], crit, *profile.criteria[i + 1 :])))


def with_criterion(profile: Profile, criterion: Criterion) -> Profile:
    """A copy with the criterion added at the end, or replacing the one with the same id."""
    ids = profile.criterion_ids
    if criterion.id in ids:
        i = ids.index(criterion.id)
        criteria = (*profile.criteria[:i], criterion, *profile.criteria[i + 1 :])
    else:
        criteria = (*profile.criteria, criterion)
    return _revalidate(replace(profile, criteria=criteria))


def without_criterion(profile: Profile, criterion_id: str) -> Profile:
    """A copy without the criterion (also dropped from every party's weights)."""
    i = _index(profile, criterion_id)
    if len(profile.criteria) == 1:
        raise ProfileError(
            f"Criterium '{criterion_id}' is het laatste van profiel '{profile.id}'.",
            hint="Een profiel heeft minstens één criterium; voeg eerst een ander toe.",
        )
    parties = {p: {k: v for k, v in w.items() if k != criterion_id} for p, w in profile.parties.items()}
    return replace(profile, criteria=(*profile.criteria[:i], *profile.criteria[i + 1 :]), parties=parties)


def with_party_weights(profile: Profile, party: str, weights: Mapping[str, float]) -> Profile:
    """A copy with one party's weights set (added if the party is new)."""
    parties = _plain(profile.parties)
    parties[party] = {**parties.get(party, {}), **{k: float(v) for k, v in weights.items()}}
    return _revalidate(replace(profile, parties=parties))
