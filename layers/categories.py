"""The facility vocabulary and the OSM tag rules, read from ``resources/categories``.

Both tables are data (TOML) so a municipality can review or extend them without code; they
are validated on load so a typo fails loudly with the file and the rule named, instead of
silently producing no facilities.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from layers.errors import LayerError
from resources import resource

__all__ = [
    "ELEMENTS",
    "Category",
    "CategoryTableError",
    "NetworkRules",
    "OsmRule",
    "OsmRules",
    "load_osm_rules",
    "load_vocabulary",
    "normalize_category",
]

ELEMENTS = frozenset({"node", "way", "relation"})

# A tag condition: key -> allowed values, or None for "any value".
TagCondition = tuple[tuple[str, frozenset[str] | None], ...]


class CategoryTableError(LayerError, ValueError):
    """A category or tag table (TOML) is malformed or refers to unknown categories."""


@dataclass(frozen=True, slots=True)
class Category:
    """One canonical facility category, e.g. ``huisarts``."""

    id: str
    label: str
    label_en: str
    from_osm: bool = True  # False: only from own lists (existing senior housing with a homes count)


def _values(raw: str | None) -> set[str]:
    """The values of an OSM tag, split on ``;`` (OSM multi-value convention)."""
    if raw is None:
        return set()
    return {v.strip() for v in raw.split(";") if v.strip()}


def _cond_matches(tags: Mapping[str, str], key: str, allowed: frozenset[str] | None) -> bool:
    raw = tags.get(key)
    if raw is None:
        return False
    return allowed is None or bool(_values(raw) & allowed)


@dataclass(frozen=True, slots=True)
class OsmRule:
    """One tag rule: if ``match`` holds (and ``exclude`` does not) the object is ``category``."""

    category: str
    match: TagCondition
    exclude: TagCondition = ()
    if_present: TagCondition = ()
    elements: frozenset[str] = ELEMENTS
    fallback: bool = False
    source: str = ""
    note: str = ""

    @property
    def label(self) -> str:
        """The rule as ``key=value`` text (for the ``osm_match`` column and messages)."""
        parts = [f"{k}={'|'.join(sorted(v)) if v else '*'}" for k, v in self.match]
        return " + ".join(parts)

    def describe(self, tags: Mapping[str, str]) -> str:
        """The object's own tags that made the match, e.g. ``shop=bakery``."""
        return " + ".join(f"{k}={tags.get(k, '')}" for k, _ in self.match)

    def matches(self, tags: Mapping[str, str], element: str) -> bool:
        """True if an OSM object of type ``element`` with ``tags`` falls under this rule."""
        if element not in self.elements:
            return False
        if not all(_cond_matches(tags, k, v) for k, v in self.match):
            return False
        if any(_cond_matches(tags, k, v) for k, v in self.exclude):
            return False
        for key, allowed in self.if_present:
            raw = tags.get(key)
            if raw is not None and allowed is not None and not (_values(raw) & allowed):
                return False
        return True


@dataclass(frozen=True, slots=True)
class NetworkRules:
    """Which highway ways the loader keeps, and the hints the scoring engine reads."""

    exclude_highway: frozenset[str]
    keep_if_foot: frozenset[str]
    walkable_highway: frozenset[str]
    no_foot: frozenset[str]
    no_access: frozenset[str]
    senior_barrier_highway: frozenset[str]
    extra_tags: tuple[str, ...]

    def keeps(self, tags: Mapping[str, str]) -> bool:
        """True if a way with these tags belongs in the network source (see osm_tags.toml)."""
        highway = tags.get("highway")
        if highway is None:
            return False
        if highway in self.exclude_highway:
            return tags.get("foot") in self.keep_if_foot
        return True


@dataclass(frozen=True, slots=True)
class OsmRules:
    """The ordered tag rules (first match wins), the network rules and extra facility tags."""

    rules: tuple[OsmRule, ...]
    network: NetworkRules
    facility_tags: tuple[str, ...]
    fallback_radius_m: float
    keys: frozenset[str]

    def classify(self, tags: Mapping[str, str], element: str) -> OsmRule | None:
        """The first rule that matches, or None (the object is not a facility)."""
        if not any(k in tags for k in self.keys):
            return None
        for rule in self.rules:
            if rule.matches(tags, element):
                return rule
        return None


def _read_toml(path: Path | None, *default: str) -> tuple[dict[str, Any], str]:
    if path is not None:
        where = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise CategoryTableError(f"De tabel kon niet worden gelezen: {exc}.", path=where) from exc
    else:
        node = resource(*default)
        where = "resources/" + "/".join(default)
        text = node.read_text(encoding="utf-8")
    try:
        return tomllib.loads(text), where
    except tomllib.TOMLDecodeError as exc:
        raise CategoryTableError(
            f"De tabel is geen geldige TOML ({exc}).",
            hint="Controleer aanhalingstekens en haakjes.",
            path=where,
        ) from exc


@lru_cache(maxsize=4)
def _vocabulary_cached(path: Path | None) -> dict[str, Category]:
    data, where = _read_toml(path, "categories", "facilities.toml")
    cats = data.get("categories")
    if not isinstance(cats, dict) or not cats:
        raise CategoryTableError(
            "De tabel bevat geen [categories.*].",
            hint="Zie resources/categories/facilities.toml.",
            path=where,
        )
    out: dict[str, Category] = {}
    for cid, body in cats.items():
        if not isinstance(body, dict) or not isinstance(body.get("label"), str):
            raise CategoryTableError(
                f"Categorie '{cid}' mist een label.", hint='Voeg label = "..." toe.', path=where
            )
        label_en = body.get("label_en", body["label"])
        if not isinstance(label_en, str):
            raise CategoryTableError(f"Categorie '{cid}': label_en moet tekst zijn.", path=where)
        from_osm = body.get("osm", True)
        if not isinstance(from_osm, bool):
            raise CategoryTableError(f"Categorie '{cid}': osm moet true of false zijn.", path=where)
        out[str(cid)] = Category(id=str(cid), label=body["label"], label_en=label_en, from_osm=from_osm)
    return out


def load_vocabulary(path: str | Path | None = None) -> dict[str, Category]:
    """The canonical categories by id (default: ``resources/categories/facilities.toml``)."""
    return dict(_vocabulary_cached(Path(path) if path is not None else None))


def _condition(raw: Any, what: str, where: str, *, allow_any: bool = True) -> TagCondition:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise CategoryTableError(f"{what} moet een tabel {{sleutel = waarde}} zijn.", path=where)
    out: list[tuple[str, frozenset[str] | None]] = []
    for key, val in raw.items():
        if val == "*" and allow_any:
            out.append((str(key), None))
        elif isinstance(val, str) and val:
            out.append((str(key), frozenset({val})))
        elif isinstance(val, list) and val and all(isinstance(v, str) and v for v in val):
            out.append((str(key), frozenset(val)))
        else:
            raise CategoryTableError(
                f"{what}: waarde voor '{key}' moet tekst, een lijst met tekst of \"*\" zijn.", path=where
            )
    return tuple(out)


def _str_set(raw: Any, name: str, where: str) -> frozenset[str]:
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise CategoryTableError(f"[network] {name} moet een lijst met tekst zijn.", path=where)
    return frozenset(raw)


@lru_cache(maxsize=4)
def _rules_cached(path: Path | None, vocab_path: Path | None) -> OsmRules:
    data, where = _read_toml(path, "categories", "osm_tags.toml")
    vocab = _vocabulary_cached(vocab_path)
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise CategoryTableError(
            "De tabel bevat geen [[rules]].", hint="Zie resources/categories/osm_tags.toml.", path=where
        )
    rules: list[OsmRule] = []
    for i, body in enumerate(raw_rules, start=1):
        what = f"Regel {i}"
        if not isinstance(body, dict):
            raise CategoryTableError(f"{what} is geen tabel.", path=where)
        cat = body.get("category")
        if cat not in vocab:
            raise CategoryTableError(
                f"{what}: onbekende categorie '{cat}'.",
                hint=f"Kies uit: {', '.join(sorted(vocab))}.",
                path=where,
            )
        match = _condition(body.get("match"), f"{what} match", where)
        if not match:
            raise CategoryTableError(f"{what}: 'match' ontbreekt of is leeg.", path=where)
        elements = body.get("elements", sorted(ELEMENTS))
        if not isinstance(elements, list) or not elements or not set(elements) <= ELEMENTS:
            raise CategoryTableError(
                f"{what}: elements moet een lijst uit node, way, relation zijn.", path=where
            )
        fallback = body.get("fallback", False)
        if not isinstance(fallback, bool):
            raise CategoryTableError(f"{what}: fallback moet true of false zijn.", path=where)
        unknown = set(body) - {
            "category",
            "match",
            "exclude",
            "if_present",
            "elements",
            "fallback",
            "source",
            "note",
        }
        if unknown:
            raise CategoryTableError(
                f"{what}: onbekende sleutel(s) {', '.join(sorted(unknown))}.", path=where
            )
        rules.append(
            OsmRule(
                category=str(cat),
                match=match,
                exclude=_condition(body.get("exclude"), f"{what} exclude", where),
                if_present=_condition(body.get("if_present"), f"{what} if_present", where, allow_any=False),
                elements=frozenset(elements),
                fallback=fallback,
                source=str(body.get("source", "")),
                note=str(body.get("note", "")),
            )
        )
    net = data.get("network")
    if not isinstance(net, dict):
        raise CategoryTableError("De tabel mist [network].", path=where)
    extra = net.get("extra_tags", [])
    facility_tags = data.get("facility_tags", [])
    if not isinstance(extra, list) or not all(isinstance(v, str) for v in extra):
        raise CategoryTableError("[network] extra_tags moet een lijst met tekst zijn.", path=where)
    if not isinstance(facility_tags, list) or not all(isinstance(v, str) for v in facility_tags):
        raise CategoryTableError("facility_tags moet een lijst met tekst zijn.", path=where)
    radius = data.get("fallback_radius_m", 150.0)
    if not isinstance(radius, int | float) or isinstance(radius, bool) or radius < 0:
        raise CategoryTableError("fallback_radius_m moet een getal ≥ 0 zijn.", path=where)
    network = NetworkRules(
        exclude_highway=_str_set(net.get("exclude_highway", []), "exclude_highway", where),
        keep_if_foot=_str_set(net.get("keep_if_foot", []), "keep_if_foot", where),
        walkable_highway=_str_set(net.get("walkable_highway", []), "walkable_highway", where),
        no_foot=_str_set(net.get("no_foot", []), "no_foot", where),
        no_access=_str_set(net.get("no_access", []), "no_access", where),
        senior_barrier_highway=_str_set(
            net.get("senior_barrier_highway", []), "senior_barrier_highway", where
        ),
        extra_tags=tuple(extra),
    )
    keys = frozenset(k for r in rules for k, _ in r.match)
    return OsmRules(tuple(rules), network, tuple(facility_tags), float(radius), keys)


def load_osm_rules(path: str | Path | None = None, *, vocabulary_path: str | Path | None = None) -> OsmRules:
    """The OSM tag rules (default: ``resources/categories/osm_tags.toml``), checked against the vocabulary."""
    return _rules_cached(
        Path(path) if path is not None else None,
        Path(vocabulary_path) if vocabulary_path is not None else None,
    )


def normalize_category(value: object, vocabulary: Mapping[str, Category]) -> str | None:
    """The category id for a user value: an id or a (Dutch/English) label, case-insensitive."""
    if not isinstance(value, str):
        return None
    text = value.strip().casefold()
    if not text:
        return None
    for cat in vocabulary.values():
        if text in (cat.id.casefold(), cat.label.casefold(), cat.label_en.casefold()):
            return cat.id
    # "ov-halte", "ov halte", "dagelijkse boodschappen" -> ids with underscores
    squashed = text.replace("-", "_").replace(" ", "_")
    return squashed if squashed in vocabulary else None
