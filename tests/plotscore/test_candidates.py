"""The candidate finder: one hand-made fixture per rule with exact numbers, merging, the demo."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from plotscore.candidates import (
    CANDIDATE_COLUMNS,
    FAMILIES,
    CandidateList,
    care_site_candidates,
    demolition_candidates,
    find_candidates,
    land_use_candidates,
    list_candidates,
    load_rules,
    plus_candidates,
    rules_that_cannot_run,
    skipped_rules,
    transformation_candidates,
    vacant_zoning_candidates,
)
from plotscore.errors import CRSMismatchError, ProfileError, ScoringError

RD = "EPSG:28992"
X0, Y0 = 85000.0, 446000.0
DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "delft_demo.gpkg"


def box(x: float, y: float, w: float, h: float) -> shapely.Polygon:
    return shapely.box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h)


def land_use(rows: list[dict[str, object]]) -> gpd.GeoDataFrame:
    geoms = [r.pop("geometry") for r in rows]
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs=RD)


def buildings(rows: list[dict[str, object]]) -> gpd.GeoDataFrame:
    geoms = [r.pop("geometry") for r in rows]
    frame = pd.DataFrame(rows)
    for col in ("identificatie", "status", "gebruiksdoel"):
        if col not in frame:
            frame[col] = None
    frame["status"] = frame["status"].fillna("Pand in gebruik")
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=RD)


def zoning(rows: list[tuple[str, str, shapely.Polygon]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "plan_id": ["NL.IMRO.TEST"] * len(rows),
            "feature_type": ["enkelbestemming"] * len(rows),
            "naam": [r[0] for r in rows],
            "bestemmingshoofdgroep": [r[1] for r in rows],
        },
        geometry=[r[2] for r in rows],
        crs=RD,
    )


# --- rules file ------------------------------------------------------------------------------


def test_rules_file_loads_with_every_family() -> None:
    rules = load_rules()
    assert {r.family for r in rules.rules.values()} == set(FAMILIES)
    assert "sloop/herontwikkeling" in FAMILIES
    assert rules.rule("parkeerterrein").number("min_area_m2") == 1000.0
    assert rules.rule("wonen_plus").category_hint == "wonen met een plus"


def test_bad_rules_file_is_a_dutch_profile_error() -> None:
    with pytest.raises(ProfileError, match="schema_version"):
        load_rules(text="schema_version = 9\n")
    with pytest.raises(ProfileError, match="min_area_m2"):
        load_rules(
            text='schema_version = 1\n[rules.parkeerterrein]\nfamily = "braak"\nlabel = "P"\n'
            'category_hint = "geclusterd"\nmin_area_m2 = -1\n'
        )


# --- 2. vacant land ----------------------------------------------------------------------------


def test_parking_2000_in_500_out_garage_out() -> None:
    lu = land_use(
        [
            {
                "osm_id": "osm:w1",
                "key": "amenity",
                "value": "parking",
                "name": None,
                "geometry": box(0, 0, 50, 40),
            },
            {
                "osm_id": "osm:w2",
                "key": "amenity",
                "value": "parking",
                "name": None,
                "geometry": box(200, 0, 25, 20),
            },
            {
                "osm_id": "osm:w3",
                "key": "amenity",
                "value": "parking",
                "name": "Garage",
                "parking": "multi-storey",
                "geometry": box(400, 0, 50, 40),
            },
            {
                "osm_id": "osm:w4",
                "key": "landuse",
                "value": "brownfield",
                "name": "Oude fabriek",
                "geometry": box(0, 300, 60, 50),
            },
        ]
    )
    before = lu.copy()
    out = land_use_candidates(lu)
    pd.testing.assert_frame_equal(pd.DataFrame(lu), pd.DataFrame(before))  # input untouched
    assert list(out["plot_id"]) == ["KAN-parkeerterrein-osm-w1", "KAN-bouwterrein-osm-w4"]
    assert list(out["reason"]) == [
        "parkeerterrein van 2.000 m² (OSM amenity=parking)",
        "braakliggend terrein van 3.000 m² (OSM landuse=brownfield)",
    ]
    assert list(out["category_hint"]) == ["geclusterd", "geclusterd"]
    assert out["own_name"].tolist()[1] == "Oude fabriek"


def test_vacant_zoning_parts_minus_buildings() -> None:
    z = zoning(
        [
            ("Wonen", "wonen", box(0, 0, 100, 50)),
            ("Wonen", "wonen", box(0, 200, 300, 14)),  # a ribbon: 4.200 m² but not compact
            ("Groen", "groen", box(0, 400, 100, 100)),  # green is not a gap to fill
        ]
    )
    b = buildings(
        [
            {"identificatie": "1", "gebruiksdoel": "woonfunctie", "geometry": box(0, -10, 20, 70)},
            # sheds far away: the buildings layer covers the whole area (outside it nothing is known)
            {"identificatie": "2", "gebruiksdoel": "woonfunctie", "geometry": box(-100, -100, 5, 5)},
            {"identificatie": "3", "gebruiksdoel": "woonfunctie", "geometry": box(400, 600, 5, 5)},
        ]
    )
    out = vacant_zoning_candidates(z, b)
    assert len(out) == 1
    # 100×50 minus the building grown by 3 m: x from 23 to 100 → 77 × 50 = 3.850 m²
    assert out.geometry.iloc[0].area == pytest.approx(3850.0)
    assert round(4 * math.pi * 3850 / (2 * (77 + 50)) ** 2, 2) == 0.75  # Polsby–Popper
    assert out["reason"].iloc[0] == "onbebouwd deel van 3.850 m² binnen bestemming 'Wonen' (compactheid 0,75)"
    assert out["plot_id"].iloc[0] == "KAN-bestemming_onbebouwd-NL.IMRO.TEST-85062-446025"


def test_vacant_zoning_needs_buildings() -> None:
    z = zoning([("Wonen", "wonen", box(0, 0, 100, 50))])
    assert vacant_zoning_candidates(z, None).empty


# --- 3. transformation, 4. wonen met een plus --------------------------------------------------


def test_transformation_kantoor_800_in() -> None:
    b = buildings(
        [
            {"identificatie": "A", "gebruiksdoel": "kantoorfunctie", "geometry": box(0, 0, 40, 20)},
            {"identificatie": "B", "gebruiksdoel": "kantoorfunctie", "geometry": box(100, 0, 20, 15)},
            {
                "identificatie": "C",
                "gebruiksdoel": "kantoorfunctie,woonfunctie",
                "geometry": box(200, 0, 40, 40),
            },
            {
                "identificatie": "D",
                "gebruiksdoel": "woonfunctie",
                "status": "Pand buiten gebruik",
                "geometry": box(300, 0, 15, 10),
            },
            {
                "identificatie": "E",
                "gebruiksdoel": "woonfunctie",
                "status": "Pand buiten gebruik",
                "geometry": box(400, 0, 5, 5),
            },
        ]
    )
    out = transformation_candidates(b)
    assert list(out["plot_id"]) == ["KAN-transformatie-bag-A", "KAN-transformatie-bag-D"]
    assert list(out["reason"]) == [
        "kantoorpand van 800 m² grondvlak zonder woonfunctie (BAG kantoorfunctie)",
        "BAG-pand met status 'Pand buiten gebruik' (grondvlak 150 m²)",
    ]
    assert set(out["category_hint"]) == {"nultreden"}


def test_pand_in_two_polygons_counts_its_whole_footprint() -> None:
    b = buildings(
        [
            {"identificatie": "A", "gebruiksdoel": "onderwijsfunctie", "geometry": box(0, 0, 20, 15)},
            {"identificatie": "A", "gebruiksdoel": "onderwijsfunctie", "geometry": box(20, 0, 20, 15)},
        ]
    )
    out = transformation_candidates(b)
    assert out["reason"].tolist() == [
        "schoolgebouw van 600 m² grondvlak zonder woonfunctie (BAG onderwijsfunctie)"
    ]


def test_flat_with_40_vbos_from_1975_is_wonen_met_een_plus() -> None:
    b = buildings(
        [
            {
                "identificatie": "F",
                "gebruiksdoel": "woonfunctie",
                "aantal_verblijfsobjecten": 40,
                "bouwjaar": 1975,
                "geometry": box(0, 0, 60, 12),
            },
            {
                "identificatie": "G",
                "gebruiksdoel": "woonfunctie",
                "aantal_verblijfsobjecten": 40,
                "bouwjaar": 2005,
                "geometry": box(100, 0, 60, 12),
            },
            {
                "identificatie": "H",
                "gebruiksdoel": "woonfunctie",
                "aantal_verblijfsobjecten": 8,
                "bouwjaar": 1975,
                "geometry": box(200, 0, 20, 12),
            },
        ]
    )
    out = plus_candidates(b)
    assert out["plot_id"].tolist() == ["KAN-wonen_plus-bag-F"]
    assert out["category_hint"].tolist() == ["wonen met een plus"]
    assert out["reason"].tolist() == [
        "wooncomplex met 40 verblijfsobjecten in één pand, bouwjaar 1975 (BAG): kandidaat voor wonen met een plus"
    ]


# --- 5. care sites -------------------------------------------------------------------------------


def test_care_building_in_maatschappelijk_polygon_gives_the_polygon() -> None:
    grounds = box(0, 0, 100, 100)
    z = zoning([("Maatschappelijk", "maatschappelijk", grounds), ("Wonen", "wonen", box(100, 0, 100, 100))])
    b = buildings(
        [{"identificatie": "Z", "gebruiksdoel": "gezondheidszorgfunctie", "geometry": box(30, 30, 20, 20)}]
    )
    out = care_site_candidates(buildings=b, zoning=z)
    assert len(out) == 1
    assert out.geometry.iloc[0].equals(grounds)
    assert out["category_hint"].iloc[0] == "zorggeschikt"
    assert out["reason"].iloc[0] == (
        "terrein van 10.000 m² met bestemming 'Maatschappelijk' rond zorggebouw (BAG gezondheidszorgfunctie)"
    )


def test_care_building_without_zoning_gets_a_buffer() -> None:
    b = buildings(
        [{"identificatie": "Z", "gebruiksdoel": "gezondheidszorgfunctie", "geometry": box(0, 0, 20, 20)}]
    )
    out = care_site_candidates(buildings=b)
    expected = 400 + 4 * 20 * 25 + math.pi * 25**2  # square grown by 25 m with round corners
    assert out.geometry.iloc[0].area == pytest.approx(expected, rel=5e-3)  # 8 segments per quarter circle
    assert (
        out["reason"].iloc[0].startswith("zorggebouw (BAG gezondheidszorgfunctie) met 25 m terrein eromheen")
    )


# --- 1. lists, merging, everything ---------------------------------------------------------------


def test_list_passes_through_with_mapping() -> None:
    frame = gpd.GeoDataFrame(
        {"plot_id": ["L1"], "naam": ["Hof van Delft"], "woningen": ["24"], "fase": ["2026"]},
        geometry=[shapely.Point(X0, Y0)],
        crs=RD,
    )
    out = list_candidates(
        CandidateList(frame, {"name": "naam", "planned_homes": "woningen"}, "plancapaciteit")
    )
    assert out["plot_id"].tolist() == ["KAN-lijst-plancapaciteit-L1"]
    assert out["reason"].tolist() == ["op de lijst 'plancapaciteit', 24 geplande woningen, fase 2026"]
    assert out["planned_homes"].tolist() == [24.0]
    with pytest.raises(ScoringError, match="kolomkoppeling"):
        list_candidates(CandidateList(frame, {"homes": "woningen"}))


def test_overlapping_candidates_merge_keeping_both_reasons() -> None:
    lu = land_use(
        [
            {
                "osm_id": "osm:w1",
                "key": "amenity",
                "value": "parking",
                "name": None,
                "geometry": box(0, 0, 50, 40),
            },
            {
                "osm_id": "osm:w2",
                "key": "landuse",
                "value": "construction",
                "name": "Bouwput",
                "geometry": box(20, 0, 50, 40),
            },
            {
                "osm_id": "osm:w3",
                "key": "amenity",
                "value": "parking",
                "name": None,
                "geometry": box(500, 0, 50, 40),
            },
        ]
    )
    existing = gpd.GeoDataFrame({"plot_id": ["P7"]}, geometry=[box(505, 0, 50, 40)], crs=RD)
    out = find_candidates(land_use=lu, existing_plots=existing)
    assert list(out.columns) == [*CANDIDATE_COLUMNS, "geometry"]
    assert len(out) == 2
    # w1 and w2 share 60 % of 2.000 m²; parkeerterrein comes first in rules.toml, so it speaks first
    merged = out.set_index("plot_id").loc["KAN-parkeerterrein-osm-w1"]
    assert merged["rules"] == ["parkeerterrein", "bouwterrein"]
    assert merged["reasons"] == (
        "parkeerterrein van 2.000 m² (OSM amenity=parking); bouwterrein van 2.000 m² (OSM landuse=construction)"
    )
    assert merged["area_m2"] == pytest.approx(2800.0)
    assert merged["name"] == "Bouwput"  # the first own name of the group
    assert pd.isna(merged["duplicate_of"])
    dup = out.set_index("plot_id").loc["KAN-parkeerterrein-osm-w3"]
    assert dup["duplicate_of"] == "P7"
    assert dup["source"] == "kansen: parkeerterrein"


def test_point_inside_polygon_merges() -> None:
    lu = land_use(
        [
            {
                "osm_id": "osm:w1",
                "key": "amenity",
                "value": "parking",
                "name": None,
                "geometry": box(0, 0, 50, 40),
            }
        ]
    )
    lst = gpd.GeoDataFrame(
        {"plot_id": ["L1"], "name": ["Plan"]}, geometry=[shapely.Point(X0 + 10, Y0 + 10)], crs=RD
    )
    out = find_candidates(land_use=lu, lists=[CandidateList(lst, label="lijst")])
    assert len(out) == 1
    assert out["rules"].iloc[0] == ["lijst", "parkeerterrein"]
    assert out["plot_id"].iloc[0] == "KAN-lijst-lijst-L1"  # the list speaks first
    assert out["area_m2"].iloc[0] == pytest.approx(2000.0)


def test_crs_and_empty_input_errors() -> None:
    lu = land_use(
        [
            {
                "osm_id": "osm:w1",
                "key": "amenity",
                "value": "parking",
                "name": None,
                "geometry": box(0, 0, 50, 40),
            }
        ]
    )
    with pytest.raises(CRSMismatchError):
        land_use_candidates(lu.set_crs("EPSG:4326", allow_override=True))
    with pytest.raises(ScoringError, match="niets"):
        find_candidates()


def test_progress_is_reported_and_not_swallowed() -> None:
    lu = land_use(
        [
            {
                "osm_id": "osm:w1",
                "key": "amenity",
                "value": "parking",
                "name": None,
                "geometry": box(0, 0, 50, 40),
            }
        ]
    )
    seen: list[float] = []
    find_candidates(land_use=lu, progress=lambda f, _t: seen.append(f))
    assert seen[-1] == 1.0
    assert seen == sorted(seen)

    class Stop(Exception):
        pass

    def cancel(_f: float, _t: str) -> None:
        raise Stop

    with pytest.raises(Stop):
        find_candidates(land_use=lu, progress=cancel)


def test_delft_demo_three_families_each_with_reason() -> None:
    layers = {
        str(name): pyogrio.read_dataframe(DEMO, layer=str(name)) for name, _ in pyogrio.list_layers(DEMO)
    }
    out = find_candidates(
        buildings=layers["buildings"],
        zoning=layers["zoning_indicatief"],
        land_use=layers["land_use"],
        facilities=layers["facilities"],
        network_source=layers["network_source"],
    )
    families = {f for rules in out["rules"] for f in rules}
    assert {"parkeerterrein", "bouwterrein", "transformatie", "zorgterrein"} <= families
    assert out["family"].nunique() >= 3
    assert out["reason"].str.len().gt(10).all()
    assert out["plot_id"].is_unique
    assert out["name"].is_unique
    assert (out.geometry.is_valid).all()


def test_demolition_permit_is_its_own_family_never_transformation() -> None:
    b = buildings(
        [
            {"identificatie": "S", "status": "Sloopvergunning verleend", "geometry": box(0, 0, 20, 20)},
            {"identificatie": "s", "status": "Sloopvergunning verleend", "geometry": box(100, 0, 5, 5)},
            {
                "identificatie": "K",
                "gebruiksdoel": "kantoorfunctie",
                "status": "Sloopvergunning verleend",
                "geometry": box(200, 0, 40, 20),
            },
        ]
    )
    # Only the office is a transformation (by its use); a demolition permit is no reason for it.
    assert list(transformation_candidates(b)["plot_id"]) == ["KAN-transformatie-bag-K"]
    sloop = demolition_candidates(b)
    assert list(sloop["plot_id"]) == ["KAN-sloop-bag-S", "KAN-sloop-bag-K"]  # 25 m² shed left out
    assert set(sloop["family"]) == {"sloop/herontwikkeling"}
    assert sloop["reason"].iloc[0] == (
        "BAG-pand met status 'Sloopvergunning verleend' (grondvlak 400 m²): de plek komt vrij voor nieuwbouw"
    )
    out = find_candidates(buildings=b)
    by_id = dict(zip(out["plot_id"], out["family"], strict=True))
    assert by_id["KAN-sloop-bag-S"] == "sloop/herontwikkeling"
    # The office with a demolition permit is found by both rules, merged: demolition speaks first.
    assert by_id["KAN-sloop-bag-K"] == "sloop/herontwikkeling"
    assert "transformatie" not in set(out["family"])


def test_rules_that_cannot_run_say_why() -> None:
    # A pand-only BAG layer (no gebruiksdoel, no VBO counts), no plan, no land use, no facilities.
    b = buildings([{"identificatie": "A", "geometry": box(0, 0, 40, 20)}])
    b = b.assign(bouwjaar=1970)
    out = find_candidates(buildings=b)
    reasons = {r["rule"]: r["reason"] for r in skipped_rules(out)}
    assert reasons["transformatie"].startswith(
        "regel transformatie overgeslagen: geen gebruiksdoel in de BAG-laag; importeer verblijfsobjecten"
    )
    assert reasons["wonen_plus"] == (
        "regel wonen_plus overgeslagen: geen gebruiksdoel en geen aantal verblijfsobjecten in de BAG-laag; "
        "importeer verblijfsobjecten"
    )
    assert (
        reasons["bestemming_onbebouwd"]
        == "regel bestemming_onbebouwd overgeslagen: geen bestemmingsplan geladen"
    )
    assert "geen landgebruiklaag" in reasons["parkeerterrein"]
    assert "zorgterrein" in reasons
    assert "sloop" not in reasons  # the layer has statuses: the rule looked (and found nothing)


def test_onbebouwd_without_buildings_says_why() -> None:
    z = zoning([("enkelbestemming", "wonen", box(0, 0, 100, 100))])
    out = find_candidates(zoning=z)
    assert out.empty
    [reason] = [r["reason"] for r in skipped_rules(out) if r["rule"] == "bestemming_onbebouwd"]
    assert "geen gebouwenlaag" in reason
    assert "Importeer de BAG-panden" in reason


def test_complete_inputs_skip_nothing() -> None:
    layers = {
        str(name): pyogrio.read_dataframe(DEMO, layer=str(name)) for name, _ in pyogrio.list_layers(DEMO)
    }
    skipped = rules_that_cannot_run(
        buildings=layers["buildings"],
        zoning=layers["zoning_indicatief"],
        land_use=layers["land_use"],
        facilities=layers["facilities"],
    )
    assert [s.rule for s in skipped] == []


def test_old_rules_file_without_the_new_family_still_loads() -> None:
    text = (
        'schema_version = 1\n[merge]\nfamily_order = ["lijst", "zorg", "braak", "transformatie", "plus"]\n'
        '[rules.lijst]\nfamily = "lijst"\nlabel = "L"\ncategory_hint = "geclusterd"\n'
    )
    rules = load_rules(text=text)
    assert rules.family_order[-1] == "sloop/herontwikkeling"
