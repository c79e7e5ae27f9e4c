"""The derived opgave: hand-computed arithmetic, and the demand view of the Delft demo project.

The arithmetic test builds a need model by hand (round numbers) and recomputes every step on
paper; the calibration test checks the property the TOML figures are built on (in the programme
year a gemeente's derived nultreden opgave is its share of the national 65-plussers × 170,000).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plotscore.population import AgeStructure, Band
from projects.demand import (
    SCHATTING,
    NeedCategory,
    NeedModel,
    area_demand,
    comparison_table,
    demand_json,
    demand_text,
    demand_view,
    derived_opgave_lines,
    load_need_model,
    with_derived_opgave,
)
from projects.demo import create_demo_project
from projects.errors import InputsError
from projects.imports import import_layer
from projects.reservations import reserve
from projects.store import ProjectStore
from projects.views import project_ledger


def toy_model() -> NeedModel:
    """Round numbers: national 10,000 65+ in 2024, programme year 2025."""
    cats = (
        NeedCategory("nultreden", "Nultreden", "65", 170.0, (0.0, 0.0), False, "", "bron N", ""),
        NeedCategory(
            "geclusterd", "Geclusterd", "75", 80.0, (100.0, 150.0), True, "geclusterd_bestaand", "bron G", ""
        ),
    )
    return NeedModel(
        categories=cats,
        growth={"65": (0.0, 0.1), "75": (0.0, 0.2)},
        households_per_person={"65": Band(0.5, 0.5, 0.5), "75": Band(0.6, 0.6, 0.6)},
        ages=AgeStructure(share_75=Band(0.4, 0.5, 0.6), share_85=Band(0.1, 0.1, 0.1), source="toy"),
        national_year=2024,
        national_persons_65=10_000.0,
        programme_year=2025,
        horizon_default=2026,
        programme="toy",
        sources=("toy",),
    )


def test_derived_opgave_arithmetic_by_hand() -> None:
    m = toy_model()
    a = area_demand(
        m,
        code="WK1",
        name="Wijk",
        level="wijk",
        year=2024,
        horizon=2026,
        inwoners=5000.0,
        older65=(1000.0, 900.0, 1100.0),
        supply={"geclusterd": 10.0, "nultreden": 99.0},
        reserved={"geclusterd": (5.0, 8.0)},
    )
    # Rates: target (+ national stock) / national households of the programme year (2025).
    assert m.rate(m.categories[0], 0) == pytest.approx(170 / (10_000 * 1.0 * 0.5))  # 0.034
    assert m.rate(m.categories[0], 1) == pytest.approx(170 / (10_000 * 1.1 * 0.5))  # 0.0309…
    assert m.rate(m.categories[1], 0) == pytest.approx(180 / (5_000 * 1.0 * 0.6))  # 0.06
    assert m.rate(m.categories[1], 1) == pytest.approx(230 / (6_000 * 0.6))  # 75+: 10,000 × 0.5 × 1.2
    # Nultreden: households 900 × 1.0² × 0.5 = 450 … 1100 × 1.1² × 0.5 = 665.5; no supply subtracted.
    assert a.households["nultreden"] == pytest.approx((450.0, 665.5))
    assert a.need["nultreden"] == pytest.approx((450 * 0.034, 665.5 * 170 / 5500))
    assert a.derived["nultreden"] == a.need["nultreden"]
    # Geclusterd: 75+ = 65+ × 0.5 → 450 … 550 persons; households × 0.6 with growth 0 … 20 %/yr.
    assert a.households["geclusterd"] == pytest.approx((270.0, 550 * 1.44 * 0.6))
    assert a.need["geclusterd"] == pytest.approx((16.2, 475.2 * 230 / 3600))
    assert a.derived["geclusterd"] == pytest.approx((6.2, 475.2 * 230 / 3600 - 10))
    # Gap = derived − reserved (in beeld), widest way round.
    assert a.gap("geclusterd") == pytest.approx((6.2 - 8, 475.2 * 230 / 3600 - 10 - 5))
    assert a.older75 == pytest.approx((900 * 0.4, 1100 * 0.6))
    assert a.older75_estimated


def test_real_figures_reproduce_the_national_split_in_the_programme_year() -> None:
    """2030, data of 2024: the derived nultreden opgave is 170,000 × local/national 65+ (any growth)."""
    m = load_need_model()
    national = m.national_persons_65
    a = area_demand(
        m,
        code="GM0503",
        name="Delft",
        level="gemeente",
        year=2024,
        horizon=2030,
        inwoners=109_577.0,
        older65=(17_532.32, 16_984.435, 18_080.205),
    )
    assert a.derived["nultreden"] == pytest.approx(
        (170_000 * 16_984.435 / national, 170_000 * 18_080.205 / national)
    )
    low_stock, high_stock = m.category("geclusterd").national_stock
    assert a.derived["geclusterd"] == pytest.approx(
        ((80_000 + low_stock) * 16_984.435 / national, (80_000 + high_stock) * 18_080.205 / national)
    )
    assert a.derived["zorggeschikt"] == pytest.approx(
        (40_000 * 16_984.435 / national, 40_000 * 18_080.205 / national)
    )
    # A later horizon grows with the older population.
    later = area_demand(
        m,
        code="x",
        name="x",
        level="gemeente",
        year=2024,
        horizon=2035,
        inwoners=None,
        older65=(17_532.32, 16_984.435, 18_080.205),
    )
    assert later.derived["nultreden"][0] > a.derived["nultreden"][0]
    assert all(c.source for c in m.categories)
    assert {c.national_target for c in m.categories} == {170_000, 80_000, 40_000}


# --- the demo project ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with a list of existing senior housing and two reservations (Wippolder, Voorhof)."""
    path = tmp_path_factory.mktemp("demand") / "delft.gpkg"
    store = create_demo_project(path)
    supply = path.parent / "bestaand_aanbod.csv"
    supply.write_text(
        "naam;categorie;woningen;x;y\n"
        "Hofje in Wippolder;geclusterd_bestaand;24;85300;446300\n"
        "Serviceflat Voorhof;geclusterd_bestaand;120;84500;445900\n"
        "Zorgwoningen Wippolder;zorggeschikt_bestaand;30;85600;446200\n"
        "Onbekend aantal;geclusterd_bestaand;;85400;446400\n",
        encoding="utf-8",
    )
    import_layer(store, supply, "facilities")
    reserve(store, "DLF-011", "geclusterd", 20, 30, status="gereserveerd")  # Wippolder
    reserve(store, "DLF-010", "zorggeschikt", 12, 12)  # Voorhof
    store.close()
    return path


def test_demo_view_per_wijk_supply_reserved_and_sources(demo_project: Path) -> None:
    store = ProjectStore.open(demo_project)
    try:
        view = demand_view(store)
        ledger = project_ledger(store)
    finally:
        store.close()
    assert view.horizon == 2030
    assert view.level == "wijk"
    by_code = {a.code: a for a in view.areas}
    assert len(by_code) == 12  # 13 Delft wijken, Abtswoude without a published share
    wip = by_code["WK050328"]
    assert wip.older65_est == pytest.approx(13_980 * 0.11)
    assert wip.older65 == pytest.approx((13_980 * 0.105, 13_980 * 0.115))
    assert wip.supply["geclusterd"] == 24.0
    assert wip.supply["zorggeschikt"] == 30.0
    assert wip.derived["geclusterd"] == pytest.approx(
        (wip.need["geclusterd"][0] - 24, wip.need["geclusterd"][1] - 24)
    )
    assert wip.reserved == {"geclusterd": (20.0, 30.0)}
    assert by_code["WK050324"].reserved == {"zorggeschikt": (12.0, 12.0)}
    assert by_code["WK050324"].supply["geclusterd"] == 120.0
    # The gemeente: its own 2024 row (16 % of 109,577), all supply and all reservations.
    g = view.gemeente
    assert g is not None
    assert g.year == 2024
    assert g.older65_est == pytest.approx(109_577 * 0.16)
    assert g.supply["geclusterd"] == 144.0
    assert g.supply_unknown["geclusterd"] == 1
    assert g.reserved == {"geclusterd": (20.0, 30.0), "zorggeschikt": (12.0, 12.0)}
    # The bod (demo_project.toml: 150 / 70 / 35) stays as entered; the difference is bod − derived.
    assert view.bod == {"nultreden": 150, "geclusterd": 70, "zorggeschikt": 35}
    lo, hi = g.derived["geclusterd"]
    assert view.difference("geclusterd") == pytest.approx((70 - hi, 70 - lo))
    # CBS road distance beside walking: the gemeente's 2022 figure stands in for each wijk.
    rows = [r for r in view.comparison if r.category == "supermarkt"]
    assert {r.cbs_km for r in rows} == {0.6}
    wip_row = next(r for r in rows if r.area_code == "WK050328")
    assert wip_row.cbs_from == "gemeente Delft"
    assert wip_row.cbs_year == 2022
    assert wip_row.walk_mean_m is not None
    assert 0 < wip_row.walk_mean_m < 3000
    assert wip_row.share_reached > 0.5
    apotheek = next(r for r in view.comparison if r.category == "apotheek")
    assert apotheek.walk_mean_m is None
    assert "apotheek" in apotheek.note
    table = comparison_table(view)
    assert table.rows[-1][0] == "Delft"
    assert any("gemeente Delft (2022)" in n for n in table.footnotes)
    # Every output names its sources and says "schatting".
    text = demand_text(view)
    data = demand_json(view)
    for needle in (
        "schatting",
        "Bronnen",
        "Programma Wonen en zorg voor ouderen",
        "CBS Kerncijfers wijken en buurten 2024",
        "RIGO",
    ):
        assert needle in text
    assert "schatting" in data["schatting"]
    assert any("CBS" in s for s in data["bronnen"])
    assert any("RIGO" in s for s in data["bronnen"])
    assert data["gemeente"]["ouderen_65plus"]["min"] < data["gemeente"]["ouderen_65plus"]["schatting"]
    assert {r["categorie"] for r in data["opgave"]} == {"nultreden", "geclusterd", "zorggeschikt"}
    assert data["cbs_vs_lopen"]["uitleg"]
    assert data["cbs_vs_lopen"]["redenen"]
    json.dumps(data)  # plain JSON
    lines = derived_opgave_lines(view)
    assert "vervangt het niet" in lines[0]
    assert "schatting" in lines[0]
    # The ledger keeps its own columns and gains the derived opgave beside the bod.
    extended = with_derived_opgave(ledger.periods, view)
    assert list(extended.columns[: len(ledger.periods.columns)]) == list(ledger.periods.columns)
    row = extended.loc[extended["category"] == "geclusterd"].iloc[0]
    assert int(row["target"]) == 70
    assert int(row["afgeleide_opgave_min"]) == round(lo)
    assert int(row["verschil_max"]) == 70 - round(lo)


def test_project_without_cbs_figures_says_what_to_import(tmp_path: Path) -> None:
    from projects.project import new_project

    store = new_project(tmp_path / "leeg.gpkg", "Leeg", "0503", "Delft")
    try:
        view = demand_view(store)
        assert not view.has_figures
        assert "importeer" in demand_text(view).lower()
        assert demand_json(view)["gemeente"] is None
        with pytest.raises(InputsError) as info:
            demand_view(store, horizon=1700)
        assert "Horizonjaar" in info.value.message
    finally:
        store.close()


def test_reading_the_demand_never_writes(demo_project: Path) -> None:
    import hashlib

    before = hashlib.sha256(demo_project.read_bytes()).hexdigest()
    store = ProjectStore.open(demo_project)
    try:
        demand_view(store, with_distances=False)
    finally:
        store.close()
    assert hashlib.sha256(demo_project.read_bytes()).hexdigest() == before
    assert "±0,5 procentpunt" in SCHATTING
