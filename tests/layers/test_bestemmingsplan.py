"""Tests for layers.bestemmingsplan: IMRO2008/2012 GML, XML safety, vector layers with a mapping."""

from __future__ import annotations

import hashlib
import math
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import box

from layers import bestemmingsplan as bp
from layers.canonical import CANONICAL, LayerKind
from layers.errors import LayerSchemaError, UnsafeInputError
from layers.registry import detect, load_path, probe

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imro"
GOES_ZO = "imro_bestemmingsplannen/NL.IMRO.0664.BPBS02-VG99_stationspleinzuidoost.gml"
GOES_ZW = "imro_bestemmingsplannen/NL.IMRO.0664.BPBS03-ON99.gml"
DURPERVELD = "imro_bestemmingsplannen/SYNTHETIC_NL.IMRO.9999_Durperveld_testplan.gml"


def _fixture(name: str, tmp_path: Path) -> Path:
    """Copy a hand-made fixture into tmp_path so a stray sidecar can never land in the repo."""
    dst = tmp_path / name
    shutil.copy2(FIXTURES / name, dst)
    return dst


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _by_type(frame: pd.DataFrame, ftype: str) -> pd.DataFrame:
    return frame[frame["feature_type"] == ftype]


def test_goes_zuidoost_vastgesteld(shared_data: Callable[[str], Path]) -> None:
    path = shared_data(GOES_ZO)
    res = bp.load_imro_gml(path)
    frame = res.frame
    assert res.kind is LayerKind.ZONING
    assert res.meta["format"] == "IMRO2012"
    assert res.meta["plan_id"] == "NL.IMRO.0664.BPBS02-VG99"
    assert set(frame["plan_id"]) == {"NL.IMRO.0664.BPBS02-VG99"}
    assert set(frame["plan_status"]) == {"vastgesteld"}
    assert set(frame["plan_name"]) == {"Stationsomgeving Zuid-Oost"}
    enkel = _by_type(frame, "enkelbestemming")
    assert len(enkel) == 11
    assert enkel["bestemmingshoofdgroep"].value_counts().to_dict() == {
        "kantoor": 3,
        "verkeer": 2,
        "wonen": 2,
        "bedrijf": 1,
        "groen": 1,
        "maatschappelijk": 1,
        "horeca": 1,
    }
    assert res.meta["counts_by_type"] == {
        "enkelbestemming": 11,
        "dubbelbestemming": 4,
        "bouwvlak": 25,
        "maatvoering": 26,
        "functieaanduiding": 11,
        "bouwaanduiding": 3,
        "plangebied": 1,
    }
    mv = _by_type(frame, "maatvoering")
    assert mv["maatvoering"].notna().all()
    assert mv["max_bouwhoogte_m"].notna().sum() == 26
    assert set(mv["max_bouwhoogte_m"].dropna()) >= {7.0, 10.0, 11.0}
    # Several WaardeEnType pairs on one object are all kept in the text column.
    assert (mv["maatvoering"] == "maximum goothoogte (m)=4; maximum bouwhoogte (m)=7").any()
    # Values are copied onto the bouwvlakken the maatvoeringen point to.
    assert _by_type(frame, "bouwvlak")["max_bouwhoogte_m"].notna().any()
    assert (
        list(frame.columns[: len(CANONICAL[LayerKind.ZONING].columns)])
        == CANONICAL[LayerKind.ZONING].column_names
    )
    assert frame.crs.to_epsg() == 28992
    assert frame.geometry.is_valid.all()
    assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}
    assert res.warnings == ()


def test_goes_zuidwest_ontwerp(shared_data: Callable[[str], Path]) -> None:
    res = bp.load_imro_gml(shared_data(GOES_ZW))
    frame = res.frame
    assert res.meta["plan_id"] == "NL.IMRO.0664.BPBS03-ON99"
    assert set(frame["plan_status"]) == {"ontwerp"}
    enkel = _by_type(frame, "enkelbestemming")
    assert len(enkel) == 13
    assert enkel["bestemmingshoofdgroep"].value_counts().to_dict() == {
        "groen": 5,
        "kantoor": 4,
        "maatschappelijk": 3,
        "verkeer": 1,
    }
    assert _by_type(frame, "maatvoering")["max_bouwlagen"].notna().sum() == 11


def test_durperveld_synthetic_imro2012_v1_0(shared_data: Callable[[str], Path]) -> None:
    # This file uses the older namespace .../imro/2012/1.0.
    res = bp.load_imro_gml(shared_data(DURPERVELD))
    frame = res.frame
    assert res.meta["format"] == "IMRO2012"
    assert len(_by_type(frame, "enkelbestemming")) == 84
    assert _by_type(frame, "enkelbestemming")["bestemmingshoofdgroep"].value_counts()["groen"] == 37
    assert len(_by_type(frame, "gebiedsaanduiding")) == 2
    # The three Figuur objects are lines: counted and skipped.
    assert "figuur" not in set(frame["feature_type"])
    assert [w.count for w in res.warnings if w.code == "non_polygonal_figuur"] == [3]
    assert _by_type(frame, "maatvoering")["max_wooneenheden"].dropna().tolist() == [5.0]


def test_imro2008_fixture(tmp_path: Path) -> None:
    res = bp.load_imro_gml(_fixture("imro2008_mini.gml", tmp_path))
    frame = res.frame
    assert res.meta["format"] == "IMRO2008"
    assert res.meta["plan_id"] == "NL.IMRO.9999.BPTEST2008-VG01"
    assert res.meta["plan_status"] == "vastgesteld"
    assert res.meta["counts_by_type"] == {
        "plangebied": 1,
        "enkelbestemming": 2,
        "bouwvlak": 1,
        "maatvoering": 1,
    }
    # Hoofdgroep is lower-cased ('Groen' in the file).
    assert sorted(_by_type(frame, "enkelbestemming")["bestemmingshoofdgroep"]) == ["groen", "wonen"]
    mv = _by_type(frame, "maatvoering").iloc[0]
    assert mv["max_bouwhoogte_m"] == 10.0
    assert mv["max_wooneenheden"] == 12.0
    assert mv["maatvoering"] == "maximum bouwhoogte (m)=10; maximum aantal wooneenheden=12"
    bouwvlak = _by_type(frame, "bouwvlak").iloc[0]
    assert bouwvlak["max_wooneenheden"] == 12.0
    assert [w.code for w in res.warnings] == ["non_polygonal_figuur"]
    assert _by_type(frame, "enkelbestemming").area.sum() == pytest.approx(20_000.0)


def test_arc_is_linearised(tmp_path: Path) -> None:
    res = bp.load_imro_gml(_fixture("imro2012_arc.gml", tmp_path))
    geom = _by_type(res.frame, "enkelbestemming").geometry.iloc[0]
    assert geom.geom_type == "Polygon"
    assert geom.is_valid
    assert len(geom.exterior.coords) > 10  # the arc became many vertices
    expected = 100 * 100 + math.pi * 50**2 / 2
    assert geom.area == pytest.approx(expected, rel=0.005)
    assert res.meta["plan_id"] == "NL.IMRO.9999.BPARC-ON01"
    assert res.meta["plan_status"] == "ontwerp"


@pytest.mark.parametrize("name", ["xxe_external_entity.gml", "entity_bomb.gml"])
def test_hostile_xml_refused_before_gdal(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _fixture(name, tmp_path)

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("GDAL must not be asked to open hostile XML")

    for fn in ("read_dataframe", "read_info", "list_layers", "read_arrow", "open_arrow"):
        monkeypatch.setattr(pyogrio, fn, forbidden, raising=False)
    with pytest.raises(UnsafeInputError):
        bp.load_imro_gml(path)
    with pytest.raises(UnsafeInputError):
        load_path(path)


def test_input_never_modified(shared_data: Callable[[str], Path]) -> None:
    path = shared_data(GOES_ZO)
    before = _sha256(path)
    listing = sorted(p.name for p in path.parent.iterdir())
    load_path(path)
    bp.load_imro_gml(path)
    assert _sha256(path) == before
    assert not path.with_suffix(".gfs").exists()
    assert sorted(p.name for p in path.parent.iterdir()) == listing


def test_registry_detects_imro(shared_data: Callable[[str], Path], tmp_path: Path) -> None:
    path = shared_data(GOES_ZW)
    assert detect(probe(path)).id == "imro_gml"
    results = load_path(path)
    assert len(results) == 1
    assert results[0].meta["plan_id"] == "NL.IMRO.0664.BPBS03-ON99"
    assert load_path(path, kinds=[LayerKind.BUILDINGS, LayerKind.ZONING])[0].kind is LayerKind.ZONING
    assert bp.load(path, kinds=[LayerKind.BUILDINGS]) == []
    assert detect(probe(_fixture("imro2008_mini.gml", tmp_path))).id == "imro_gml"


def _zoning_gpkg(tmp_path: Path, columns: dict[str, list[Any]], crs: str = "EPSG:28992") -> Path:
    geoms = [
        box(150000 + 100 * i, 450000, 150100 + 100 * i, 450100)
        for i in range(len(next(iter(columns.values()))))
    ]
    path = tmp_path / "bestemmingen.gpkg"
    gpd.GeoDataFrame(columns, geometry=geoms, crs=crs).to_file(path, layer="vlakken", driver="GPKG")
    return path


def test_vector_with_mapping(tmp_path: Path) -> None:
    path = _zoning_gpkg(
        tmp_path,
        {
            "BESTEMMING": ["Wonen - 1", "Groen", "Waarde - Archeologie", "Iets"],
            "HOOFDGROEP": ["Wonen", "groen", "waarde", "fantasie"],
            "HOOGTE": [9.5, None, None, 3.0],
        },
    )
    res = bp.load_zoning_vector(
        path,
        mapping={"naam": "BESTEMMING", "bestemmingshoofdgroep": "HOOFDGROEP", "max_bouwhoogte_m": "HOOGTE"},
    )
    frame = res.frame
    assert frame["naam"].tolist() == ["Wonen - 1", "Groen", "Waarde - Archeologie", "Iets"]
    assert frame["bestemmingshoofdgroep"].tolist() == ["wonen", "groen", "waarde", "fantasie"]
    assert frame["feature_type"].tolist() == [
        "enkelbestemming",
        "enkelbestemming",
        "dubbelbestemming",
        "enkelbestemming",
    ]
    assert frame["max_bouwhoogte_m"].iloc[0] == 9.5
    unknown = [w for w in res.warnings if w.code == "unknown_hoofdgroep"]
    assert len(unknown) == 1
    assert unknown[0].count == 1
    assert "fantasie" in unknown[0].message


def test_vector_autodetect_and_registry(tmp_path: Path) -> None:
    path = _zoning_gpkg(
        tmp_path, {"naam": ["Wonen", "Verkeer"], "bestemmingshoofdgroep": ["wonen", "verkeer"]}
    )
    assert detect(probe(path)).id == "zoning_vector"
    res = load_path(path)[0]
    assert res.frame["bestemmingshoofdgroep"].tolist() == ["wonen", "verkeer"]
    assert res.frame.crs.to_epsg() == 28992


def test_vector_bad_mapping(tmp_path: Path) -> None:
    path = _zoning_gpkg(tmp_path, {"BESTEMMING": ["Wonen"]})
    with pytest.raises(LayerSchemaError, match="BESTEMMINGEN"):
        bp.load_zoning_vector(path, mapping={"naam": "BESTEMMINGEN"})
    with pytest.raises(LayerSchemaError, match="doelkolom"):
        bp.load_zoning_vector(path, mapping={"bestemming": "BESTEMMING"})


def test_parse_maatvoering_scalars_lists_and_decimal_comma() -> None:
    waarde = pd.Series([["4", "7"], "12,5", None, ["3"]])
    types = pd.Series(
        [
            ["maximum goothoogte (m)", "maximum bouwhoogte (m)"],
            "maximum bouwhoogte (m)",
            None,
            ["maximum aantal bouwlagen"],
        ]
    )
    out = bp.parse_maatvoering(waarde, types)
    assert out["max_bouwhoogte_m"].tolist()[:2] == [7.0, 12.5]
    assert out["max_bouwlagen"].iloc[3] == 3.0
    assert pd.isna(out["maatvoering"].iloc[2])
    assert out["maatvoering"].iloc[0] == "maximum goothoogte (m)=4; maximum bouwhoogte (m)=7"


def test_hoofdgroepen_resource() -> None:
    groups = bp.hoofdgroepen()
    assert len(groups) == 26
    assert {c for c, h in groups.items() if h.kind == "dubbelbestemming"} == {
        "leiding",
        "waarde",
        "waterstaat",
    }
    assert groups["wonen"].label == "Wonen"
    assert all(
        h.fill and h.fill.startswith("#") and len(h.fill) == 7
        for h in groups.values()
        if h.kind == "enkelbestemming"
    )


def test_every_waardelijst_value_is_in_the_table() -> None:
    """The TOML lists the whole OmvangWaarde list of IMRO2008 and IMRO2012 (spot checks of both)."""
    table = bp.maatvoering_table()
    for value, column in {
        "maximaal aantal wooneenheden": "max_wooneenheden",  # IMRO2008 spelling
        "maximum aantal wooneenheden": "max_wooneenheden",
        "aantal wooneenheden": "max_wooneenheden",
        "minimum aantal wooneenheden": "min_wooneenheden",
        "maximum bouwhoogte (m)": "max_bouwhoogte_m",
        "maximum goothoogte (m)": "max_goothoogte_m",
        "maximum aantal bouwlagen": "max_bouwlagen",
        "maximum bebouwingspercentage terrein (%)": "max_bebouwingspercentage",  # IMRO2008
        "maximum bebouwingspercentage (%)": "max_bebouwingspercentage",  # IMRO2012
        "maximum bebouwd oppervlak (m2)": "max_bebouwd_oppervlak_m2",
        "maximum oppervlakte (m2)": "max_oppervlakte_m2",
        "maximum vloeroppervlakte; bvo (m2)": "max_vloeroppervlakte_m2",
        "maximum dakhelling (graden)": "",  # known, text only
        "maximum verticale bouwdiepte (m)": "",  # IMRO2012 only
    }.items():
        assert table.columns[value] == column, value
    assert len(table.columns) == 103  # 80 (2008) + 86 (2012) - 70 shared + 7 naam values
    assert set(table.labels) == set(bp.MAATVOERING_COLUMNS.values())


def test_maatvoering_variants_fill_columns_and_unknown_ones_are_counted() -> None:
    from layers.result import Warnings

    warnings = Warnings()
    waarde = pd.Series([["6", "7,5"], ["3"], ["12"], ["x"], ["40"]])
    typ = pd.Series(
        [
            ["Maximaal  aantal wooneenheden", "maximum goothoogte (m)"],
            ["maximum aantal bouwlagen"],
            ["other: vrije tekst"],
            ["maximum bouwhoogte (m)"],
            ["maximum bebouwingspercentage terrein (%)"],
        ]
    )
    out = bp.parse_maatvoering(waarde, typ, warnings)
    assert out["max_wooneenheden"].tolist()[0] == 6
    assert out["max_goothoogte_m"].tolist()[0] == 7.5
    assert out["max_bouwlagen"].tolist()[1] == 3
    assert pd.isna(out["max_bouwhoogte_m"].iloc[3])  # 'x' is no number
    assert out["max_bebouwingspercentage"].tolist()[4] == 40
    codes = {w.code: w for w in warnings}
    assert codes["maatvoering_unknown_type"].count == 1
    assert "'other: vrije tekst'" in codes["maatvoering_unknown_type"].message
    assert codes["maatvoering_not_a_number"].count == 1
    assert out["maatvoering"].iloc[2] == "other: vrije tekst=12"  # kept as text


def test_plan_not_in_force_is_flagged_and_status_and_date_are_columns(
    shared_data: Callable[[str], Path],
) -> None:
    ontwerp = bp.load_imro_gml(shared_data(GOES_ZW))
    assert set(ontwerp.frame["plan_status"]) == {"ontwerp"}
    assert set(ontwerp.frame["plan_date"]) == {"2015-02-25"}
    flag = next(w.message for w in ontwerp.warnings if w.code == "plan_not_in_force")
    assert "'ontwerp'" in flag
    assert "2015-02-25" in flag
    assert "niet vastgesteld" in flag
    vastgesteld = bp.load_imro_gml(shared_data(GOES_ZO))
    assert "plan_not_in_force" not in {w.code for w in vastgesteld.warnings}
    assert set(vastgesteld.frame["plan_date"]) == {"2014-02-13"}


def test_vector_zoning_with_a_concept_plan_is_flagged(tmp_path: Path) -> None:
    path = tmp_path / "plan.gpkg"
    gpd.GeoDataFrame(
        {
            "bestemming": ["Wonen", "Groen", "Wonen"],
            "hoofdgroep": ["wonen", "groen", "wonen"],
            "planstatus": ["concept", "concept", "vastgesteld"],
            "plan_name": ["Nieuw", "Nieuw", "Oud"],
        },
        geometry=[box(0, 0, 10, 10), box(10, 0, 20, 10), box(20, 0, 30, 10)],
        crs="EPSG:28992",
    ).to_file(path, layer="bp")
    [res] = bp.load_vector(path)
    flags = [w for w in res.warnings if w.code == "plan_not_in_force"]
    assert len(flags) == 1
    assert flags[0].count == 2
    assert "'Nieuw'" in flags[0].message
