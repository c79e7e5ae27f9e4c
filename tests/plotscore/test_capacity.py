"""Capacity estimates: maatvoering first, density presets otherwise, with exact arithmetic."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from plotscore.capacity import estimate_capacity
from plotscore.constraints import load_density_table
from plotscore.errors import CRSMismatchError, ProfileError

RD = "EPSG:28992"
X0, Y0 = 85_000.0, 445_000.0
DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "delft_demo.gpkg"
GOES = "imro_bestemmingsplannen/NL.IMRO.0664.BPBS02-VG99_stationspleinzuidoost.gml"
DENSITY_BASIS = "oppervlakte × dichtheid (60–120 woningen/ha, voorinstelling)"


def sq(x: float, y: float, w: float, h: float | None = None) -> object:
    return box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + (w if h is None else h))


def plots_of(*geoms: object, **columns: list[object]) -> gpd.GeoDataFrame:
    ids = [f"p{i}" for i in range(len(geoms))]
    return gpd.GeoDataFrame({"plot_id": ids, **columns}, geometry=list(geoms), crs=RD, index=ids)


def maatvoering(
    geom: object,
    *,
    homes: float = np.nan,
    layers: float = np.nan,
    height: float = np.nan,
    text: str | None = None,
    feature_type: str = "maatvoering",
) -> dict[str, object]:
    return {
        "plan_id": "NL.IMRO.TEST",
        "plan_status": "vastgesteld",
        "feature_type": feature_type,
        "bestemmingshoofdgroep": None,
        "max_wooneenheden": homes,
        "max_bouwlagen": layers,
        "max_bouwhoogte_m": height,
        "maatvoering": text,
        "geometry": geom,
    }


def zoning_of(*rows: dict[str, object]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(list(rows), geometry="geometry", crs=RD)


def test_density_fallback_is_exact() -> None:
    # 1 ha → 60–120; 40×25 = 0.1 ha → 6–12; 30×30 = 0.09 ha → 5.4–10.8 → 5–10 (rounded down).
    plots = plots_of(sq(0, 0, 100), sq(200, 0, 40, 25), sq(300, 0, 30))
    out = estimate_capacity(plots, housing_category="geclusterd")
    assert out.index.equals(plots.index)
    assert out["capacity_min"].dtype == "Int64"
    assert out["capacity_min"].tolist() == [60, 6, 5]
    assert out["capacity_max"].tolist() == [120, 12, 10]
    assert (out["capacity_basis"] == DENSITY_BASIS).all()


def test_density_presets_differ_per_category() -> None:
    out = estimate_capacity(plots_of(sq(0, 0, 100)), housing_category="zorggeschikt")
    assert (out["capacity_min"].iloc[0], out["capacity_max"].iloc[0]) == (50, 100)
    assert out["capacity_basis"].iloc[0] == "oppervlakte × dichtheid (50–100 woningen/ha, voorinstelling)"


def test_wooneenheden_cap_the_estimate() -> None:
    zoning = zoning_of(maatvoering(sq(0, 0, 100), homes=24))
    plots = plots_of(
        sq(0, 0, 100),  # the whole maatvoering: density 60–120, capped to 24
        sq(0, 0, 50, 100),  # half of it: 30–60, still at most 24 (the other half may stay empty)
        sq(10, 10, 20),  # 400 m² inside: 2–4 homes, the cap does not bind
        sq(50, 0, 100),  # half inside: 24 + half of 60–120 = 54–84
        sq(500, 0, 100),  # elsewhere: density only
    )
    out = estimate_capacity(plots, housing_category="geclusterd", zoning=zoning)
    # Reference: min(estimate, plan + estimate × share outside), by hand.
    assert out["capacity_min"].tolist() == [min(60, 24), min(30, 24), min(2, 24), min(60, 24 + 30), 60]
    assert out["capacity_max"].tolist() == [min(120, 24), min(60, 24), min(4, 24), min(120, 24 + 60), 120]
    assert out["capacity_basis"].tolist() == [
        f"bestemmingsplan: max. 24 wooneenheden (begrenst {DENSITY_BASIS}: 60–120)",
        f"bestemmingsplan: max. 24 wooneenheden (begrenst {DENSITY_BASIS}: 30–60)",
        f"{DENSITY_BASIS}; bestemmingsplan: max. 24 wooneenheden (niet beperkend)",
        f"bestemmingsplan: max. 24 wooneenheden op 50% van de kavel (begrenst {DENSITY_BASIS}: 60–120)",
        DENSITY_BASIS,
    ]


def test_six_homes_maatvoering_caps_a_plot_density_would_give_ten() -> None:
    # The case: 30×30 m inside a 6-home maatvoering; density alone says 5–10.
    zoning = zoning_of(maatvoering(sq(0, 0, 40), homes=6))
    out = estimate_capacity(plots_of(sq(5, 5, 30)), housing_category="geclusterd", zoning=zoning).iloc[0]
    assert (out["capacity_min"], out["capacity_max"]) == (5, 6)
    assert out["capacity_basis"].startswith("bestemmingsplan: max. 6 wooneenheden")


def test_plan_maximum_is_a_column_only_for_plots_wholly_inside() -> None:
    zoning = zoning_of(maatvoering(sq(0, 0, 100), homes=24))
    plots = plots_of(sq(0, 0, 100), sq(10, 10, 20), sq(50, 0, 100), sq(500, 0, 100))
    out = estimate_capacity(plots, housing_category="geclusterd", zoning=zoning)
    # Inside: the plan's 24 (also where it does not bind); half outside or elsewhere: no plan maximum.
    assert out["capacity_plan_max"].dtype == "Int64"
    assert out["capacity_plan_max"].tolist()[:2] == [24, 24]
    assert out["capacity_plan_max"].isna().tolist() == [False, False, True, True]


def test_kept_buildings_take_their_footprint_off_the_plot() -> None:
    # 50×40 = 2000 m²; two overlapping footprints 10×10 and 10×10 shifted 5 m: union 150 m².
    plot = plots_of(sq(0, 0, 50, 40))
    kept = gpd.GeoDataFrame(geometry=[sq(0, 0, 10), sq(5, 0, 10), sq(300, 0, 10)], crs=RD)
    out = estimate_capacity(plot, housing_category="geclusterd", kept_buildings=kept).iloc[0]
    free = 2000 - 150
    assert (out["capacity_min"], out["capacity_max"]) == (int(free * 60 / 10_000), int(free * 120 / 10_000))
    assert out["capacity_basis"] == f"{DENSITY_BASIS}, zonder 150 m² bestaande bebouwing die blijft"
    bare = estimate_capacity(plot, housing_category="geclusterd").iloc[0]
    assert (bare["capacity_min"], bare["capacity_max"]) == (12, 24)


def test_kept_buildings_scale_the_bouwlagen_estimate_before_the_plan_cap() -> None:
    # 3 lagen × 10.000 m² × 50% = 15.000 m² bvo; a kept 20×50 building leaves 90% of the plot.
    zoning = zoning_of(maatvoering(sq(0, 0, 100), layers=3, homes=100))
    kept = gpd.GeoDataFrame(geometry=[sq(0, 0, 20, 50)], crs=RD)
    out = estimate_capacity(
        plots_of(sq(0, 0, 100)), housing_category="geclusterd", zoning=zoning, kept_buildings=kept
    ).iloc[0]
    assert (out["capacity_min"], out["capacity_max"]) == (100, 100)  # 168–225 capped by the plan
    assert "zonder 1.000 m² bestaande bebouwing die blijft" in out["capacity_basis"]
    assert "(begrenst maatvoering: 3 bouwlagen" in out["capacity_basis"]
    assert "168–225" in out["capacity_basis"]


def test_wooneenheden_cap_bouwlagen_estimate() -> None:
    # 3 lagen on 1 ha give 187–250 (see below); the plan allows 100 homes there.
    zoning = zoning_of(maatvoering(sq(0, 0, 100), layers=3, homes=100))
    out = estimate_capacity(plots_of(sq(0, 0, 100)), housing_category="geclusterd", zoning=zoning).iloc[0]
    assert (out["capacity_min"], out["capacity_max"]) == (100, 100)
    assert out["capacity_basis"].startswith("bestemmingsplan: max. 100 wooneenheden (begrenst maatvoering: 3")


def test_real_imro2008_plan_caps_capacity(tmp_path: Path) -> None:
    """Gieterveen (IMRO2008, 'maximaal aantal wooneenheden'): a plot on such a maatvoering is capped."""
    import shutil

    from layers.canonical import LayerKind
    from layers.registry import load_path

    src = (
        Path(__file__).resolve().parents[1]
        / "fixtures"
        / "real"
        / "imro"
        / "NL.IMRO.1680.1800030105-0000.gml"
    )
    path = tmp_path / src.name
    shutil.copy2(src, path)
    zoning = load_path(path, kind=LayerKind.ZONING)[0].frame
    mv = zoning[(zoning["feature_type"] == "maatvoering") & zoning["max_wooneenheden"].notna()]
    plots = gpd.GeoDataFrame(
        {"plot_id": [f"m{i}" for i in range(len(mv))]}, geometry=mv.geometry.buffer(-0.5).to_numpy(), crs=RD
    )
    out = estimate_capacity(plots, housing_category="geclusterd", zoning=zoning)
    homes = mv["max_wooneenheden"].astype(float).to_numpy()
    assert (out["capacity_max"].astype(float).to_numpy() <= homes).all()
    assert out["capacity_basis"].str.contains("bestemmingsplan: max. ").all()


def test_bouwlagen_times_area_times_coverage_over_floor_area() -> None:
    # 3 lagen × 10 000 m² × 0.5 = 15 000 m² bvo; / 80 → 187.5 → 187; / 60 → 250.
    zoning = zoning_of(maatvoering(sq(0, 0, 100), layers=3))
    out = estimate_capacity(plots_of(sq(0, 0, 100)), housing_category="geclusterd", zoning=zoning)
    assert (out["capacity_min"].iloc[0], out["capacity_max"].iloc[0]) == (187, 250)
    assert out["capacity_basis"].iloc[0] == (
        "maatvoering: 3 bouwlagen × 10.000 m² × bebouwing 50% / 60–80 m² bvo per woning"
    )


def test_bouwhoogte_becomes_bouwlagen_of_three_metres() -> None:
    # 10 m / 3 m → 3 lagen → the same 187–250 as above.
    zoning = zoning_of(maatvoering(sq(0, 0, 100), height=10))
    out = estimate_capacity(plots_of(sq(0, 0, 100)), housing_category="geclusterd", zoning=zoning)
    assert (out["capacity_min"].iloc[0], out["capacity_max"].iloc[0]) == (187, 250)


def test_plan_bebouwingspercentage_replaces_the_preset_coverage() -> None:
    # 2 lagen × 2 500 m² × 0.8 = 4 000 m²; / 80 = 50; / 60 = 66.7 → 66.
    zoning = zoning_of(
        maatvoering(
            sq(0, 0, 50), layers=2, text="maximum aantal bouwlagen=2; maximum bebouwingspercentage (%)=80"
        )
    )
    out = estimate_capacity(plots_of(sq(0, 0, 50)), housing_category="geclusterd", zoning=zoning)
    assert (out["capacity_min"].iloc[0], out["capacity_max"].iloc[0]) == (50, 66)
    assert "bebouwing 80%" in out["capacity_basis"].iloc[0]


def test_value_copied_onto_bouwvlak_is_not_counted_twice() -> None:
    # The IMRO loader copies maatvoering values onto the bouwvlak they point to.
    zoning = zoning_of(
        maatvoering(sq(0, 0, 100), layers=3),
        maatvoering(sq(0, 0, 100), layers=3, feature_type="bouwvlak"),
        maatvoering(sq(0, 0, 100), homes=24, feature_type="bouwvlak", layers=np.nan),
    )
    out = estimate_capacity(plots_of(sq(0, 0, 100)), housing_category="geclusterd", zoning=zoning)
    assert (out["capacity_min"].iloc[0], out["capacity_max"].iloc[0]) == (187, 250)


def test_hand_made_layer_without_maatvoering_rows_uses_any_row() -> None:
    zoning = zoning_of(maatvoering(sq(0, 0, 100), homes=30, feature_type="enkelbestemming"))
    out = estimate_capacity(plots_of(sq(0, 0, 100)), housing_category="geclusterd", zoning=zoning)
    assert out["capacity_max"].iloc[0] == 30


def test_point_plots_use_planned_homes_or_are_unknown() -> None:
    plots = plots_of(Point(X0, Y0), Point(X0 + 10, Y0), sq(0, 0, 100), planned_homes=[30, None, 999])
    out = estimate_capacity(plots, housing_category="geclusterd")
    assert out["capacity_min"].iloc[0] == 30
    assert out["capacity_max"].iloc[0] == 30
    assert out["capacity_basis"].iloc[0] == "geplande woningen (kolom planned_homes)"
    assert pd.isna(out["capacity_min"].iloc[1])
    assert pd.isna(out["capacity_max"].iloc[1])
    assert out["capacity_basis"].iloc[1] == "onbekend (punt zonder oppervlakte)"
    assert out["capacity_max"].iloc[2] == 120  # polygons keep their own estimate


def test_dutch_planned_column_name() -> None:
    out = estimate_capacity(plots_of(Point(X0, Y0), geplande_woningen=[14]), housing_category="nultreden")
    assert out["capacity_min"].iloc[0] == 14
    assert out["capacity_basis"].iloc[0] == "geplande woningen (kolom geplande_woningen)"


def test_unknown_category_and_wrong_crs_are_refused() -> None:
    with pytest.raises(ProfileError):
        estimate_capacity(plots_of(sq(0, 0, 10)), housing_category="kasteel")
    with pytest.raises(CRSMismatchError):
        estimate_capacity(plots_of(sq(0, 0, 10)).to_crs(4326), housing_category="geclusterd")


def test_custom_density_table(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    path.write_text(
        "schema_version = 1\nstorey_height_m = 3.0\n[categories.geclusterd]\nhomes_per_ha_min = 10.0\n"
        "homes_per_ha_max = 20.0\nbvo_per_home_min_m2 = 50.0\nbvo_per_home_max_m2 = 100.0\ncoverage = 1.0\n"
        "min_homes = 5\n",
        encoding="utf-8",
    )
    out = estimate_capacity(
        plots_of(sq(0, 0, 100)), housing_category="geclusterd", table=load_density_table(path)
    )
    assert (out["capacity_min"].iloc[0], out["capacity_max"].iloc[0]) == (10, 20)


def test_goes_wonen_plot_uses_the_plans_maatvoering(shared_data: Callable[[str], Path]) -> None:
    from layers.canonical import LayerKind
    from layers.registry import load_path

    zoning = load_path(shared_data(GOES), kind=LayerKind.ZONING)[0].frame
    wonen = zoning[
        (zoning["feature_type"] == "enkelbestemming") & (zoning["bestemmingshoofdgroep"] == "wonen")
    ]
    plots = gpd.GeoDataFrame({"plot_id": ["goes"]}, geometry=[wonen.geometry.iloc[0].buffer(-1.0)], crs=RD)
    out = estimate_capacity(plots, housing_category="geclusterd", zoning=zoning).iloc[0]
    # Bouwvlakken of 7–9 m (2–3 lagen) cover 1 558 m² of this bestemmingsvlak.
    assert out["capacity_basis"].startswith("maatvoering: 2–3 bouwlagen × 1.558 m²")
    assert (out["capacity_min"], out["capacity_max"]) == (20, 27)


def test_delft_demo_falls_back_to_density() -> None:
    plots = gpd.read_file(DEMO, layer="plots")
    zoning = gpd.read_file(DEMO, layer="zoning_indicatief")
    out = estimate_capacity(plots, housing_category="geclusterd", zoning=zoning)
    assert out.index.equals(plots.index)
    assert (out["capacity_basis"] == DENSITY_BASIS).all()  # indicative zoning has no maatvoering
    assert int(out["capacity_min"].sum()) == 1208
    assert int(out["capacity_max"].sum()) == 2450
    assert (out["capacity_min"] <= out["capacity_max"]).all()
