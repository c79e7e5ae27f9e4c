"""Zoning fit, plot size and exclusions: hand-checkable squares, the Goes plan, the Delft demo."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

from plotscore.capacity import estimate_capacity
from plotscore.constraints import (
    ONBEKEND,
    PROCEDURE,
    TOEGESTAAN,
    UITGESLOTEN,
    area_check,
    exclusion_check,
    load_compatibility_table,
    load_density_table,
    zoning_compatibility,
)
from plotscore.errors import CRSMismatchError, ProfileError, ScoringError

RD = "EPSG:28992"
X0, Y0 = 85_000.0, 445_000.0
DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "delft_demo.gpkg"
GOES = "imro_bestemmingsplannen/NL.IMRO.0664.BPBS02-VG99_stationspleinzuidoost.gml"


def sq(x: float, y: float, w: float, h: float | None = None) -> object:
    """A rectangle with its lower-left corner at (X0 + x, Y0 + y)."""
    return box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + (w if h is None else h))


def plots_of(*geoms: object, index: list[str] | None = None) -> gpd.GeoDataFrame:
    ids = index or [f"p{i}" for i in range(len(geoms))]
    return gpd.GeoDataFrame({"plot_id": ids}, geometry=list(geoms), crs=RD, index=ids)


def zoning_of(rows: list[tuple[str, str, object]], status: str = "vastgesteld") -> gpd.GeoDataFrame:
    """Zoning rows (feature_type, hoofdgroep, geometry) of one plan."""
    return gpd.GeoDataFrame(
        {
            "plan_id": ["NL.IMRO.TEST"] * len(rows),
            "plan_status": [status] * len(rows),
            "feature_type": [r[0] for r in rows],
            "naam": [r[1].capitalize() for r in rows],
            "bestemmingshoofdgroep": [r[1] for r in rows],
        },
        geometry=[r[2] for r in rows],
        crs=RD,
    )


@pytest.fixture
def half_wonen_half_groen() -> gpd.GeoDataFrame:
    # wonen covers x 0–50, groen x 50–150; a plot 0–100 is half in each.
    return zoning_of(
        [("enkelbestemming", "wonen", sq(0, 0, 50, 100)), ("enkelbestemming", "groen", sq(50, 0, 100, 100))]
    )


# --------------------------------------------------------------------------- tables


def test_bundled_compatibility_table_follows_domain_research() -> None:
    table = load_compatibility_table()
    for category in ("default", "geclusterd", "zorggeschikt", "nultreden"):
        mapping = table.classes_for(category)
        assert mapping["wonen"] == TOEGESTAAN
        assert mapping["woongebied"] == TOEGESTAAN
        assert mapping["groen"] == PROCEDURE
        assert mapping["water"] == UITGESLOTEN
    assert table.classes_for("zorggeschikt")["maatschappelijk"] == TOEGESTAAN
    assert table.classes_for("geclusterd")["maatschappelijk"] == PROCEDURE
    assert set(table.dubbel_notes) >= {"leiding", "waarde", "waterstaat"}


def test_every_enkelbestemming_hoofdgroep_has_a_class() -> None:
    import tomllib

    from resources import resource

    with resource("zoning", "hoofdgroepen.toml").open("rb") as fh:
        groups = tomllib.load(fh)["hoofdgroepen"]
    enkel = {k for k, v in groups.items() if v["kind"] == "enkelbestemming"}
    assert enkel <= set(load_compatibility_table().classes_for("default"))


def test_unknown_category_is_a_profile_error(half_wonen_half_groen: gpd.GeoDataFrame) -> None:
    with pytest.raises(ProfileError) as err:
        zoning_compatibility(plots_of(sq(0, 0, 100)), half_wonen_half_groen, housing_category="villa")
    assert "geclusterd" in err.value.hint


def test_bad_class_in_table_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('schema_version = 1\n[categories.default]\nwonen = "misschien"\n', encoding="utf-8")
    with pytest.raises(ProfileError):
        load_compatibility_table(path)


# --------------------------------------------------------------------------- zoning shares


def test_half_wonen_half_groen_gives_exact_shares(half_wonen_half_groen: gpd.GeoDataFrame) -> None:
    plots = plots_of(sq(0, 0, 100))
    out = zoning_compatibility(plots, half_wonen_half_groen, housing_category="geclusterd")
    assert out.index.equals(plots.index)
    row = out.iloc[0]
    assert row["zoning_share_toegestaan"] == pytest.approx(0.5)
    assert row["zoning_share_procedure"] == pytest.approx(0.5)
    assert row["zoning_share_uitgesloten"] == 0.0
    assert row["zoning_share_onbekend"] == 0.0
    # A tie goes to the stricter class.
    assert row["zoning_class"] == PROCEDURE
    assert row["zoning_hoofdgroepen"] == "groen 50%, wonen 50%"  # equal shares: by name
    assert not row["zoning_indicatief"]
    assert row["zoning_plan_ids"] == "NL.IMRO.TEST"


def test_uncovered_part_is_onbekend(half_wonen_half_groen: gpd.GeoDataFrame) -> None:
    # Plot x 100–200: 50 m in groen (100–150), 50 m outside any zoning.
    plots = plots_of(sq(100, 0, 100), sq(500, 500, 10))
    out = zoning_compatibility(plots, half_wonen_half_groen, housing_category="geclusterd")
    assert out["zoning_share_procedure"].tolist() == pytest.approx([0.5, 0.0])
    assert out["zoning_share_onbekend"].tolist() == pytest.approx([0.5, 1.0])
    # A tie with onbekend goes to the known class; no zoning at all is onbekend.
    assert out["zoning_class"].tolist() == [PROCEDURE, ONBEKEND]
    assert out["zoning_hoofdgroepen"].tolist() == ["groen 50%, geen bestemming 50%", "geen bestemming 100%"]
    assert out["zoning_plan_ids"].tolist() == ["NL.IMRO.TEST", ""]


def test_class_depends_on_housing_category() -> None:
    zoning = zoning_of([("enkelbestemming", "maatschappelijk", sq(0, 0, 100))])
    plots = plots_of(sq(10, 10, 50))
    assert (
        zoning_compatibility(plots, zoning, housing_category="zorggeschikt")["zoning_class"].iloc[0]
        == TOEGESTAAN
    )
    assert (
        zoning_compatibility(plots, zoning, housing_category="geclusterd")["zoning_class"].iloc[0]
        == PROCEDURE
    )


def test_largest_share_wins_and_water_is_excluded() -> None:
    zoning = zoning_of(
        [("enkelbestemming", "water", sq(0, 0, 70, 100)), ("enkelbestemming", "wonen", sq(70, 0, 30, 100))]
    )
    out = zoning_compatibility(plots_of(sq(0, 0, 100)), zoning, housing_category="nultreden").iloc[0]
    assert out["zoning_share_uitgesloten"] == pytest.approx(0.7)
    assert out["zoning_share_toegestaan"] == pytest.approx(0.3)
    assert out["zoning_class"] == UITGESLOTEN
    assert out["zoning_hoofdgroepen"] == "water 70%, wonen 30%"


def test_unknown_hoofdgroep_gets_the_tables_default_class() -> None:
    zoning = zoning_of([("enkelbestemming", "ruimtevaart", sq(0, 0, 100))])
    out = zoning_compatibility(plots_of(sq(0, 0, 100)), zoning, housing_category="geclusterd")
    assert out["zoning_class"].iloc[0] == PROCEDURE


def test_dubbelbestemming_is_listed_not_classed(half_wonen_half_groen: gpd.GeoDataFrame) -> None:
    zoning = pd.concat(
        [
            half_wonen_half_groen,
            zoning_of(
                [
                    ("dubbelbestemming", "waarde", sq(0, 0, 20)),
                    ("dubbelbestemming", "leiding", sq(300, 0, 20)),
                ]
            ),
        ],
        ignore_index=True,
    )
    zoning.loc[zoning["bestemmingshoofdgroep"] == "waarde", "naam"] = "Waarde - Archeologie - 2"
    out = zoning_compatibility(plots_of(sq(0, 0, 100)), zoning, housing_category="geclusterd").iloc[0]
    assert out["zoning_dubbel"] == "Waarde - Archeologie - 2"
    assert out["zoning_let_op"].startswith("let op: waarde")
    assert out["zoning_share_toegestaan"] == pytest.approx(0.5)  # shares unchanged by the dubbelbestemming


def test_touching_edge_does_not_count(half_wonen_half_groen: gpd.GeoDataFrame) -> None:
    # Plot x -100–0 only touches wonen along x = 0.
    out = zoning_compatibility(
        plots_of(sq(-100, 0, 100)), half_wonen_half_groen, housing_category="geclusterd"
    )
    assert out["zoning_class"].iloc[0] == ONBEKEND
    assert out["zoning_share_onbekend"].iloc[0] == 1.0


def test_indicative_zoning_is_flagged() -> None:
    zoning = zoning_of(
        [("enkelbestemming", "wonen", sq(0, 0, 100))], status="indicatief — geen juridisch bestemmingsplan"
    )
    out = zoning_compatibility(
        plots_of(sq(0, 0, 50), sq(900, 900, 10)), zoning, housing_category="geclusterd"
    )
    assert out["zoning_indicatief"].tolist() == [True, True]  # a gap in indicative data is flagged too
    assert out["zoning_class"].tolist() == [TOEGESTAAN, ONBEKEND]


def test_point_plot_gets_the_class_at_the_point(half_wonen_half_groen: gpd.GeoDataFrame) -> None:
    plots = plots_of(Point(X0 + 25, Y0 + 50), Point(X0 + 120, Y0 + 50), Point(X0 + 900, Y0 + 50))
    out = zoning_compatibility(plots, half_wonen_half_groen, housing_category="geclusterd")
    assert out["zoning_class"].tolist() == [TOEGESTAAN, PROCEDURE, ONBEKEND]
    assert out["zoning_share_toegestaan"].tolist() == [1.0, 0.0, 0.0]
    assert out["zoning_hoofdgroepen"].tolist() == ["wonen 100%", "groen 100%", "geen bestemming 100%"]


def test_inputs_are_not_mutated(half_wonen_half_groen: gpd.GeoDataFrame) -> None:
    plots = plots_of(sq(0, 0, 100))
    before_p, before_z = plots.copy(), half_wonen_half_groen.copy()
    zoning_compatibility(plots, half_wonen_half_groen, housing_category="geclusterd")
    pd.testing.assert_frame_equal(plots, before_p)
    pd.testing.assert_frame_equal(half_wonen_half_groen, before_z)


def test_lonlat_zoning_is_refused(half_wonen_half_groen: gpd.GeoDataFrame) -> None:
    with pytest.raises(CRSMismatchError) as err:
        zoning_compatibility(
            plots_of(sq(0, 0, 100)), half_wonen_half_groen.to_crs(4326), housing_category="geclusterd"
        )
    assert "EPSG:28992" in err.value.hint


def test_zoning_without_required_columns_is_refused() -> None:
    zoning = gpd.GeoDataFrame({"x": [1]}, geometry=[sq(0, 0, 10)], crs=RD)
    with pytest.raises(ScoringError):
        zoning_compatibility(plots_of(sq(0, 0, 10)), zoning, housing_category="geclusterd")


@settings(max_examples=40, deadline=None)
@given(
    x=st.floats(-150, 150, allow_nan=False),
    y=st.floats(-150, 150, allow_nan=False),
    w=st.floats(1, 200, allow_nan=False),
)
def test_shares_always_add_up_to_one(x: float, y: float, w: float) -> None:
    zoning = zoning_of(
        [
            ("enkelbestemming", "wonen", sq(0, 0, 50, 100)),
            ("enkelbestemming", "groen", sq(50, 0, 100, 100)),
            ("enkelbestemming", "water", sq(0, 100, 150, 50)),
        ]
    )
    out = zoning_compatibility(plots_of(sq(x, y, w)), zoning, housing_category="geclusterd")
    cols = [
        "zoning_share_toegestaan",
        "zoning_share_procedure",
        "zoning_share_uitgesloten",
        "zoning_share_onbekend",
    ]
    shares = out[cols].to_numpy()
    assert np.all(shares >= 0)
    assert shares.sum() == pytest.approx(1.0)


# --------------------------------------------------------------------------- real plans


def test_goes_plan_wonen_is_toegestaan(shared_data: Callable[[str], Path]) -> None:
    from layers.canonical import LayerKind
    from layers.registry import load_path

    zoning = load_path(shared_data(GOES), kind=LayerKind.ZONING)[0].frame
    wonen = zoning[
        (zoning["feature_type"] == "enkelbestemming") & (zoning["bestemmingshoofdgroep"] == "wonen")
    ]
    # A synthetic plot 1 m inside the first Wonen bestemmingsvlak.
    plots = gpd.GeoDataFrame({"plot_id": ["goes"]}, geometry=[wonen.geometry.iloc[0].buffer(-1.0)], crs=RD)
    out = zoning_compatibility(plots, zoning, housing_category="geclusterd").iloc[0]
    assert out["zoning_class"] == TOEGESTAAN
    assert out["zoning_share_toegestaan"] == pytest.approx(1.0)
    assert out["zoning_hoofdgroepen"] == "wonen 100%"
    assert not out["zoning_indicatief"]
    assert out["zoning_plan_ids"] == "NL.IMRO.0664.BPBS02-VG99"
    assert "Waarde - Archeologie - 2" in out["zoning_dubbel"]


def test_delft_demo_indicative_zoning() -> None:
    plots = gpd.read_file(DEMO, layer="plots")
    zoning = gpd.read_file(DEMO, layer="zoning_indicatief")
    out = zoning_compatibility(plots, zoning, housing_category="geclusterd")
    assert len(out) == len(plots) == 58
    assert out.index.equals(plots.index)
    assert out["zoning_indicatief"].all()
    assert set(out["zoning_class"]) <= {TOEGESTAAN, PROCEDURE, UITGESLOTEN, ONBEKEND}
    assert (out["zoning_class"] == PROCEDURE).sum() == 53
    assert (out["zoning_class"] == ONBEKEND).sum() == 5


# --------------------------------------------------------------------------- size


def test_area_check_against_the_geclusterd_minimum() -> None:
    # 12 homes: 40×30 = 1200 m² holds 7–14 (krap: only at the highest density), 50×40 = 2000 m²
    # holds 12–24 (fits), 30×30 = 900 m² holds 5–10 (too small). Same density formula as the estimate.
    plots = plots_of(sq(0, 0, 40, 30), sq(100, 0, 50, 40), sq(200, 0, 30), Point(X0, Y0))
    out = area_check(plots, housing_category="geclusterd")
    assert out.index.equals(plots.index)
    assert out["area_min_m2"].tolist() == [1000.0] * 4
    assert out["area_ok"].dtype == "boolean"
    assert out["area_ok"].tolist()[:3] == [True, True, False]
    assert pd.isna(out["area_ok"].iloc[3])
    assert out["area_note"].tolist()[:3] == [
        "krap: 1.200 m²: schatting 7–14 woningen; 12 geclusterde woningen passen alleen bij de hoogste schatting",
        "2.000 m²: schatting 12–24 woningen; 12 geclusterde woningen passen",
        "te klein: 900 m²: schatting 5–10 woningen; 12 geclusterde woningen passen niet",
    ]
    assert out["area_note"].iloc[3].startswith("punt zonder oppervlakte")


def test_area_check_reads_the_estimate_it_is_given() -> None:
    # The DLF-010: 1.269 m² is estimated at 7–15; the check says "krap", never "≥ 1.000 m² nodig".
    plots = plots_of(sq(0, 0, 1269, 1), sq(100, 0, 100))
    estimate = estimate_capacity(plots, housing_category="geclusterd")
    assert estimate["capacity_min"].tolist() == [7, 60]
    assert estimate["capacity_max"].tolist() == [15, 120]
    out = area_check(plots, housing_category="geclusterd", capacity=estimate)
    assert "schatting 7–15 woningen" in out["area_note"].iloc[0]
    # A plan maximum of 6 makes the big plot too small for 12, whatever its area.
    capped = estimate.assign(
        capacity_min=pd.array([7, 6], dtype="Int64"), capacity_max=pd.array([15, 6], dtype="Int64")
    )
    out = area_check(plots, housing_category="geclusterd", capacity=capped)
    assert out["area_ok"].tolist() == [True, False]
    assert (
        out["area_note"].iloc[1]
        == "te klein: 10.000 m²: schatting 6 woningen; 12 geclusterde woningen passen niet"
    )


def test_area_check_rigo_definition_is_configurable() -> None:
    # RIGO: 5 homes at 120/ha need 416.67 m²; the 30×30 plot now passes.
    out = area_check(plots_of(sq(0, 0, 30)), housing_category="geclusterd", min_homes=5)
    assert out["area_min_m2"].iloc[0] == pytest.approx(5 * 10_000 / 120)
    assert bool(out["area_ok"].iloc[0])
    assert load_density_table().preset("geclusterd").min_homes_alternative == 5


# --------------------------------------------------------------------------- exclusions


def test_exclusion_check_reasons_and_shares() -> None:
    exclusions = gpd.GeoDataFrame(
        {"reason": ["geluidszone spoor", "bodemverontreiniging"]},
        geometry=[sq(0, 0, 50, 100), sq(25, 0, 50, 100)],
        crs=RD,
    )
    plots = plots_of(sq(0, 0, 100), sq(500, 0, 10), Point(X0 + 10, Y0 + 10), sq(-10, 0, 10))
    out = exclusion_check(plots, exclusions)
    assert out.index.equals(plots.index)
    assert out["excluded"].tolist() == [True, False, True, False]  # the last only touches an edge
    # Union of the exclusions covers x 0–75 of the first plot.
    assert out["excluded_share"].tolist() == pytest.approx([0.75, 0.0, 1.0, 0.0])
    assert out["excluded_reason"].tolist() == [
        "bodemverontreiniging; geluidszone spoor",
        "",
        "geluidszone spoor",
        "",
    ]
    assert len(plots) == 4  # nothing dropped


def test_plans_not_in_force_and_plots_outside_every_plan() -> None:
    from plotscore.constraints import uncovered_plots, zoning_notes

    vast = zoning_of([("enkelbestemming", "wonen", sq(0, 0, 100))])
    ontwerp = zoning_of([("enkelbestemming", "wonen", sq(200, 0, 100))], status="ontwerp")
    ontwerp["plan_id"] = "NL.IMRO.ONTWERP"
    ontwerp["plan_date"] = "2015-06-10"
    zoning = gpd.GeoDataFrame(pd.concat([vast, ontwerp], ignore_index=True), geometry="geometry", crs=RD)
    plots = plots_of(sq(10, 10, 20), sq(210, 10, 20), sq(500, 0, 20), sq(90, 0, 20))
    out = zoning_compatibility(plots, zoning, housing_category="geclusterd")
    assert out["zoning_niet_vastgesteld"].tolist() == [False, True, False, False]
    assert out["zoning_plan_status"].tolist() == ["vastgesteld", "ontwerp (2015-06-10)", "", "vastgesteld"]
    # p2 lies outside both plans; p3 is half outside, which is not "no plan at all"
    assert uncovered_plots(out) == 1
    notes = zoning_notes(out)
    assert notes[0].startswith("1 van de 4 kavels liggen buiten elk geladen bestemmingsplan")
    assert "ontwerp (2015-06-10)" in notes[1]
    assert notes[1].startswith("1 kavels liggen in een plan dat niet is vastgesteld")


def test_no_notes_when_every_plot_is_in_a_plan_in_force() -> None:
    from plotscore.constraints import zoning_notes

    zoning = zoning_of([("enkelbestemming", "wonen", sq(0, 0, 100))])
    out = zoning_compatibility(plots_of(sq(10, 10, 20)), zoning, housing_category="geclusterd")
    assert zoning_notes(out) == []
