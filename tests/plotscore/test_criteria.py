"""Profiles as data: built-in presets, validation with Dutch messages, TOML round trip, edits."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from plotscore.criteria import (
    PRESET_NOTICE,
    Criterion,
    Decay,
    FrequencyBonus,
    Profile,
    Scale,
    facility_categories,
    list_profiles,
    load_profile,
    profile_from_toml,
    profile_to_toml,
    reach_m,
    with_criterion,
    with_decay,
    with_party_weights,
    with_weight,
    without_criterion,
)
from plotscore.errors import ProfileError

BUILTIN = ["geclusterd", "nultreden", "zorggeschikt"]
PARTIES = {"gemeente", "corporatie", "zorgorganisatie", "bewoners"}

GOOD = """
schema_version = 1
id = "test"
label = "Test"
housing_category = "geclusterd"

[[criteria]]
id = "supermarkt"
label = "Supermarkt"
kind = "distance"
category = "supermarkt"
weight = 52.0
[criteria.decay]
kind = "linear"
full_score_m = 400.0
zero_score_m = 1000.0

[[criteria]]
id = "huisarts"
label = "Huisarts"
kind = "distance"
category = "huisarts"
weight = 12.0
[criteria.decay]
kind = "logistic"
full_score_m = 500.0
zero_score_m = 1000.0

[parties.gemeente]
supermarkt = 10.0
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "profiel.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --- built-in presets ---------------------------------------------------------------------------


def test_builtin_profiles_are_listed_and_density_table_is_not() -> None:
    assert list_profiles() == BUILTIN


@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_profile_loads_and_is_labelled_preset(name: str) -> None:
    profile = load_profile(name)
    assert profile.id == name
    assert profile.housing_category == name
    assert profile.preset
    assert "Voorinstelling, geen officiële norm" in profile.description
    assert set(profile.parties) == PARTIES
    for c in profile.criteria:
        assert c.preset
        assert c.source
        assert PRESET_NOTICE in c.source.lower()
        if c.kind == "demand":  # older residents on foot: available in every profile, off (weight 0)
            assert c.weight == 0.0
            assert c.radius_m == 800.0
            assert c.scale is not None
            assert c.direction == "higher_is_better"
            continue
        assert c.category in facility_categories()
        assert c.decay is not None
        assert c.decay.full_score_m < c.decay.zero_score_m
    assert [c.id for c in profile.criteria if c.kind == "demand"] == ["ouderen_lopen"]
    for weights in profile.parties.values():
        assert set(weights) <= set(profile.criterion_ids)


def test_geclusterd_presets_follow_the_research_notes() -> None:
    p = load_profile("geclusterd")
    assert p.criterion("supermarkt").decay == Decay("linear", 400.0, 1000.0)
    assert p.criterion("huisarts").decay == Decay("linear", 500.0, 1000.0)
    assert p.criterion("apotheek").decay == Decay("linear", 500.0, 1000.0)
    assert p.criterion("ontmoeting").decay == Decay("linear", 400.0, 800.0)
    ov = p.criterion("ov_halte")
    assert ov.decay is not None
    assert ov.decay.full_score_m == 300.0
    assert ov.decay.zero_score_m == 800.0
    assert ov.frequency_bonus == FrequencyBonus(4.0, 0.3)
    # Geroscoop visit frequencies as weights.
    assert p.criterion("supermarkt").weight == 52.0
    assert p.criterion("huisarts").weight == 12.0
    assert p.criterion("fysiotherapie").weight == 6.0
    assert p.pace_kmh == 3.0


def test_zorggeschikt_weights_care_location_high_and_nultreden_is_looser() -> None:
    zorg = load_profile("zorggeschikt")
    assert zorg.criterion("zorglocatie").weight == max(zorg.weights)
    nul = load_profile("nultreden")
    gecl = load_profile("geclusterd")
    for cid in ("supermarkt", "huisarts", "apotheek", "ontmoeting", "ov_halte"):
        loose, strict = nul.criterion(cid).decay, gecl.criterion(cid).decay
        assert loose is not None
        assert strict is not None
        assert loose.full_score_m > strict.full_score_m


def test_party_weights_fall_back_to_profile_weights() -> None:
    p = profile_from_toml(GOOD)
    assert p.party_weights("gemeente") == (10.0, 12.0)
    with pytest.raises(ProfileError, match="bewoners"):
        p.party_weights("bewoners")


def test_reach_is_the_largest_zero_distance_per_category() -> None:
    p = profile_from_toml(GOOD)
    assert reach_m(p) == {"supermarkt": 1000.0, "huisarts": 1000.0}


# --- round trip ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_round_trips_through_toml(name: str) -> None:
    profile = load_profile(name)
    assert profile_from_toml(profile_to_toml(profile)) == profile


def test_round_trip_with_raster_demand_and_awkward_text() -> None:
    base = profile_from_toml(GOOD)
    geluid = Criterion(
        id="geluid",
        label='Geluid "Lden"\\ \n nacht',
        kind="raster",
        weight=3.0,
        scale=Scale("linear", 50.0, 65.0),
        raster="geluid_lden",
        unit="dB",
        source="RIVM",
    )
    vraag = Criterion(
        id="vraag",
        label="Ouderen in de buurt",
        kind="demand",
        weight=2.0,
        scale=Scale("step", 200.0, 0.0),
        direction="higher_is_better",
        unit="ouderen",
        radius_m=500.0,
        preset=False,
    )
    p = with_criterion(with_criterion(base, geluid), vraag)
    again = profile_from_toml(profile_to_toml(p))
    assert again == p
    assert again.criterion("vraag").radius_m == 500.0
    assert again.criterion("geluid").label == geluid.label


def test_load_from_path(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD)
    assert load_profile(path) == load_profile(str(path)) == profile_from_toml(GOOD)


# --- validation ---------------------------------------------------------------------------------

BAD_CASES = {
    "unknown_field": (GOOD.replace("weight = 12.0", "wieght = 12.0"), ["wieght", "huisarts"]),
    "unknown_decay_field": (GOOD.replace("full_score_m = 500.0", "full_m = 500.0"), ["full_m", "huisarts"]),
    "negative_weight": (GOOD.replace("weight = 12.0", "weight = -1.0"), ["weight", "huisarts"]),
    "full_not_below_zero": (
        GOOD.replace("full_score_m = 500.0", "full_score_m = 1000.0"),
        ["full_score_m", "zero_score_m", "huisarts"],
    ),
    "unknown_decay_kind": (
        GOOD.replace('kind = "logistic"', 'kind = "exponential"'),
        ["exponential", "huisarts"],
    ),
    "unknown_category": (
        GOOD.replace('category = "huisarts"', 'category = "bakkerij"'),
        ["bakkerij", "huisarts"],
    ),
    "duplicate_id": (GOOD.replace('id = "huisarts"', 'id = "supermarkt"'), ["dubbele", "supermarkt"]),
    "party_unknown_criterion": (GOOD + "bakker = 3.0\n", ["bakker", "gemeente"]),
    "weight_not_a_number": (GOOD.replace("weight = 12.0", 'weight = "veel"'), ["weight", "huisarts"]),
    "unknown_top_level_field": ('kleur = "rood"\n' + GOOD, ["kleur"]),
    "unknown_criterion_kind": (
        GOOD.replace('kind = "distance"\ncategory = "huisarts"', 'kind = "afstand"\ncategory = "huisarts"'),
        ["afstand"],
    ),
    "no_criteria": ('id = "x"\nlabel = "X"\nhousing_category = "x"\ncriteria = []\n', ["criteria"]),
    "not_toml": ("id = \n", ["TOML"]),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_invalid_profile_names_file_criterion_and_field(tmp_path: Path, case: str) -> None:
    text, needles = BAD_CASES[case]
    path = _write(tmp_path, text)
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    err = info.value
    assert str(path) in err.message
    assert err.source == str(path)
    assert err.hint
    for needle in needles:
        assert needle in err.message


def test_unknown_builtin_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="Onbekend profiel 'luxe'") as info:
        load_profile("luxe")
    assert "geclusterd" in info.value.hint
    with pytest.raises(ProfileError, match="kan niet worden gelezen"):
        load_profile(tmp_path / "weg.toml")


def test_raster_direction_must_match_threshold_order() -> None:
    text = GOOD + (
        '\n[[criteria]]\nid = "geluid"\nlabel = "Geluid"\nkind = "raster"\nweight = 1.0\n'
        'raster = "lden"\ndirection = "higher_is_better"\n'
        '[criteria.scale]\nkind = "linear"\nfull_value = 50.0\nzero_value = 65.0\n'
    )
    # The parties table must stay last, so put the raster criterion before it.
    head, parties = GOOD.split("[parties.gemeente]")
    text = head + text[len(GOOD) :] + "\n[parties.gemeente]" + parties
    with pytest.raises(ProfileError, match=r"scale\.full_value"):
        profile_from_toml(text)


# --- immutable edits ----------------------------------------------------------------------------


def test_profile_is_frozen_and_hashable() -> None:
    p = profile_from_toml(GOOD)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.label = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        p.parties["gemeente"]["supermarkt"] = 1.0  # type: ignore[index]
    assert hash(p) == hash(profile_from_toml(GOOD))


def test_with_weight_returns_a_new_profile() -> None:
    p = profile_from_toml(GOOD)
    q = with_weight(p, "huisarts", 30)
    assert q.criterion("huisarts").weight == 30.0
    assert p.criterion("huisarts").weight == 12.0
    with pytest.raises(ProfileError, match="weight"):
        with_weight(p, "huisarts", -2)
    with pytest.raises(ProfileError, match="apotheek"):
        with_weight(p, "apotheek", 1)


def test_with_decay_validates() -> None:
    p = profile_from_toml(GOOD)
    q = with_decay(p, "supermarkt", Decay("step", 300.0, 900.0))
    assert q.criterion("supermarkt").decay == Decay("step", 300.0, 900.0)
    assert p.criterion("supermarkt").decay == Decay("linear", 400.0, 1000.0)
    with pytest.raises(ProfileError, match="full_score_m"):
        with_decay(p, "supermarkt", Decay("linear", 900.0, 300.0))


def test_with_and_without_criterion() -> None:
    p = profile_from_toml(GOOD)
    apotheek = Criterion("apotheek", "Apotheek", "distance", 12.0, "apotheek", Decay("linear", 500.0, 1000.0))
    q = with_criterion(p, apotheek)
    assert q.criterion_ids == ("supermarkt", "huisarts", "apotheek")
    r = with_criterion(q, dataclasses.replace(apotheek, weight=1.0))
    assert r.criterion_ids == q.criterion_ids
    assert r.criterion("apotheek").weight == 1.0
    s = without_criterion(p, "supermarkt")
    assert s.criterion_ids == ("huisarts",)
    assert dict(s.parties["gemeente"]) == {}
    with pytest.raises(ProfileError, match="laatste"):
        without_criterion(s, "huisarts")
    with pytest.raises(ProfileError, match="bakkerij"):
        with_criterion(p, dataclasses.replace(apotheek, id="b", category="bakkerij"))


def test_with_party_weights_adds_a_party() -> None:
    p = with_party_weights(profile_from_toml(GOOD), "huurders", {"huisarts": 5})
    assert p.party_weights("huurders") == (52.0, 5.0)
    assert isinstance(p, Profile)


def test_transit_threshold_is_a_profile_value_with_its_source() -> None:
    from plotscore.criteria import MethodPreference, load_profile, min_departures

    for name, n in (("geclusterd", 2.0), ("zorggeschikt", 2.0), ("nultreden", 1.0)):
        p = load_profile(name)
        assert min_departures(p) == {"ov_halte": n}
        ov = p.criterion("ov_halte")
        assert "vertrek" in ov.source  # the source names the threshold
        assert ov.method is MethodPreference.AUTO
        assert ov.method == "auto"
        assert profile_from_toml(profile_to_toml(p)) == p
    with pytest.raises(ProfileError, match="min_departures_per_hour"):
        profile_from_toml(
            GOOD.replace('category = "huisarts"', 'category = "huisarts"\nmin_departures_per_hour = -1')
        )
