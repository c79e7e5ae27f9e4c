"""Tests for layers.bag: BAG vector exports and LV BAG 2.0 XML extracts, on real and hand-made data."""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

from layers.bag import (
    load_bag_vector,
    load_bag_xml,
    normalise_bag_ids,
    normalise_gebruiksdoel,
    sniff_bag_vector,
)
from layers.canonical import CANONICAL, RD_NEW, LayerKind
from layers.errors import LayerSchemaError, UnsafeInputError
from layers.registry import detect, load_path, probe
from layers.result import LoadResult

# The registry probe passes the GML option WRITE_GFS to every .xml; the LVBAG driver says it ignores it.
pytestmark = pytest.mark.filterwarnings("ignore:driver LVBAG does not support open option WRITE_GFS")

SharedData = Callable[[str], Path]
DOESBURG = "doesburg/bag_lvbag_xml/small_extract"


def _by_kind(results: list[LoadResult]) -> dict[LayerKind, LoadResult]:
    return {r.kind: r for r in results}


def _codes(result: LoadResult) -> dict[str, int]:
    return {w.code: w.count for w in result.warnings}


def _checksums(root: Path) -> dict[str, str]:
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    return {str(p.relative_to(root.parent)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def _assert_canonical(result: LoadResult) -> None:
    names = CANONICAL[result.kind].column_names
    assert list(result.frame.columns[: len(names)]) == names
    assert result.frame.crs == RD_NEW
    assert result.frame.geometry.name == "geometry"


# --------------------------------------------------------------------------------------------
# Hand-made LV BAG XML
# --------------------------------------------------------------------------------------------

_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<sl-bag-extract:bagStand xmlns:DatatypenNEN3610="www.kadaster.nl/schemas/lvbag/imbag/datatypennen3610/v20200601" xmlns:Objecten="www.kadaster.nl/schemas/lvbag/imbag/objecten/v20200601" xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:Historie="www.kadaster.nl/schemas/lvbag/imbag/historie/v20200601" xmlns:Objecten-ref="www.kadaster.nl/schemas/lvbag/imbag/objecten-ref/v20200601" xmlns:nen5825="www.kadaster.nl/schemas/lvbag/imbag/nen5825/v20200601" xmlns:KenmerkInOnderzoek="www.kadaster.nl/schemas/lvbag/imbag/kenmerkinonderzoek/v20200601" xmlns:selecties-extract="http://www.kadaster.nl/schemas/lvbag/extract-selecties/v20200601" xmlns:sl-bag-extract="http://www.kadaster.nl/schemas/lvbag/extract-deelbestand-lvc/v20200601" xmlns:sl="http://www.kadaster.nl/schemas/standlevering-generiek/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<sl-bag-extract:bagInfo><selecties-extract:LVC-Extract><selecties-extract:StandTechnischeDatum>2024-01-01</selecties-extract:StandTechnischeDatum></selecties-extract:LVC-Extract></sl-bag-extract:bagInfo>
<sl:standBestand><sl:dataset>LVBAG</sl:dataset><sl:inhoud><sl:gebied>GEMEENTE</sl:gebied><sl:leveringsId>1</sl:leveringsId><sl:objectTypen><sl:objectType>{type}</sl:objectType></sl:objectTypen></sl:inhoud>
"""
_TAIL = "</sl:standBestand>\n</sl-bag-extract:bagStand>\n"


def _voorkomen(n: int, begin: str, end: str | None = None, inactive: str | None = None) -> str:
    end_xml = f"<Historie:eindGeldigheid>{end}</Historie:eindGeldigheid>" if end else ""
    end_reg = f"<Historie:eindRegistratie>{end}T10:00:00.000</Historie:eindRegistratie>" if end else ""
    inactive_xml = (
        f"<Historie:tijdstipInactief>{inactive}T10:00:00.000</Historie:tijdstipInactief>" if inactive else ""
    )
    return (
        f"<Objecten:voorkomen><Historie:Voorkomen><Historie:voorkomenidentificatie>{n}</Historie:voorkomenidentificatie>"
        f"<Historie:beginGeldigheid>{begin}</Historie:beginGeldigheid>{end_xml}"
        f"<Historie:tijdstipRegistratie>{begin}T10:00:00.000</Historie:tijdstipRegistratie>{end_reg}{inactive_xml}"
        f"<Historie:BeschikbaarLV><Historie:tijdstipRegistratieLV>{begin}T10:00:01.000</Historie:tijdstipRegistratieLV>"
        f"</Historie:BeschikbaarLV></Historie:Voorkomen></Objecten:voorkomen>"
    )


def _pand(pid: str, x: float, year: int, status: str, voorkomen: str) -> str:
    ring = f"{x} 400000.0 {x + 10} 400000.0 {x + 10} 400010.0 {x} 400010.0 {x} 400000.0"
    return (
        "<sl:stand><sl-bag-extract:bagObject><Objecten:Pand>"
        f'<Objecten:identificatie domein="NL.IMBAG.Pand">{pid}</Objecten:identificatie>'
        f'<Objecten:geometrie><gml:Polygon srsName="urn:ogc:def:crs:EPSG::28992" srsDimension="2">'
        f"<gml:exterior><gml:LinearRing><gml:posList>{ring}</gml:posList></gml:LinearRing></gml:exterior>"
        "</gml:Polygon></Objecten:geometrie>"
        f"<Objecten:oorspronkelijkBouwjaar>{year}</Objecten:oorspronkelijkBouwjaar>"
        f"<Objecten:status>{status}</Objecten:status><Objecten:geconstateerd>N</Objecten:geconstateerd>"
        "<Objecten:documentdatum>2020-01-01</Objecten:documentdatum><Objecten:documentnummer>T1</Objecten:documentnummer>"
        f"{voorkomen}</Objecten:Pand></sl-bag-extract:bagObject></sl:stand>\n"
    )


def _vbo(
    vid: str, num: str, pid: str, x: float, status: str, voorkomen: str, doel: str = "woonfunctie"
) -> str:
    return (
        "<sl:stand><sl-bag-extract:bagObject><Objecten:Verblijfsobject>"
        f'<Objecten:heeftAlsHoofdadres><Objecten-ref:NummeraanduidingRef domein="NL.IMBAG.Nummeraanduiding">{num}'
        "</Objecten-ref:NummeraanduidingRef></Objecten:heeftAlsHoofdadres>"
        f"{voorkomen}"
        f'<Objecten:identificatie domein="NL.IMBAG.Verblijfsobject">{vid}</Objecten:identificatie>'
        '<Objecten:geometrie><Objecten:punt><gml:Point srsName="urn:ogc:def:crs:EPSG::28992" srsDimension="2">'
        f"<gml:pos>{x + 5} 400005.0</gml:pos></gml:Point></Objecten:punt></Objecten:geometrie>"
        f"<Objecten:gebruiksdoel>{doel}</Objecten:gebruiksdoel><Objecten:oppervlakte>80</Objecten:oppervlakte>"
        f"<Objecten:status>{status}</Objecten:status><Objecten:geconstateerd>N</Objecten:geconstateerd>"
        "<Objecten:documentdatum>2020-01-01</Objecten:documentdatum><Objecten:documentnummer>T1</Objecten:documentnummer>"
        f'<Objecten:maaktDeelUitVan><Objecten-ref:PandRef domein="NL.IMBAG.Pand">{pid}</Objecten-ref:PandRef>'
        "</Objecten:maaktDeelUitVan></Objecten:Verblijfsobject></sl-bag-extract:bagObject></sl:stand>\n"
    )


def _num(nid: str, huisnummer: int, postcode: str, voorkomen: str) -> str:
    return (
        "<sl:stand><sl-bag-extract:bagObject><Objecten:Nummeraanduiding>"
        f'<Objecten:identificatie domein="NL.IMBAG.Nummeraanduiding">{nid}</Objecten:identificatie>'
        f"<Objecten:huisnummer>{huisnummer}</Objecten:huisnummer><Objecten:postcode>{postcode}</Objecten:postcode>"
        "<Objecten:typeAdresseerbaarObject>Verblijfsobject</Objecten:typeAdresseerbaarObject>"
        "<Objecten:status>Naamgeving uitgegeven</Objecten:status><Objecten:geconstateerd>N</Objecten:geconstateerd>"
        "<Objecten:documentdatum>2020-01-01</Objecten:documentdatum><Objecten:documentnummer>T1</Objecten:documentnummer>"
        f"{voorkomen}"
        '<Objecten:ligtAan><Objecten-ref:OpenbareRuimteRef domein="NL.IMBAG.Openbareruimte">9999300000000001'
        "</Objecten-ref:OpenbareRuimteRef></Objecten:ligtAan></Objecten:Nummeraanduiding></sl-bag-extract:bagObject></sl:stand>\n"
    )


# Panden: A has a historic and a current version; B is demolished, C never built, D inactive,
# E under construction, F has an end of validity far in the future (still current today),
# G's only voorkomen starts in the future (not yet valid).
PAND_A, PAND_B, PAND_C, PAND_D, PAND_E, PAND_F, PAND_G = (f"999910000000000{i}" for i in range(1, 8))
VBO_1, VBO_2, VBO_3 = (f"999901000000000{i}" for i in range(1, 4))
NUM_1, NUM_2, NUM_3 = (f"999920000000000{i}" for i in range(1, 4))


def _write_history_extract(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    panden = [
        _pand(PAND_A, 100000, 1930, "Pand in gebruik", _voorkomen(1, "2010-01-01", end="2015-01-01")),
        _pand(PAND_A, 100000, 1931, "Pand in gebruik", _voorkomen(2, "2015-01-01")),
        _pand(PAND_B, 100020, 1950, "Pand gesloopt", _voorkomen(3, "2021-01-01")),
        _pand(PAND_C, 100040, 2022, "Niet gerealiseerd pand", _voorkomen(2, "2022-01-01")),
        _pand(PAND_D, 100060, 1960, "Pand in gebruik", _voorkomen(1, "2012-01-01", inactive="2013-01-01")),
        _pand(PAND_E, 100080, 2024, "Bouw gestart", _voorkomen(1, "2023-06-01")),
        _pand(PAND_F, 100100, 1970, "Pand in gebruik", _voorkomen(1, "2000-01-01", end="2999-01-01")),
        _pand(PAND_G, 100120, 2030, "Bouwvergunning verleend", _voorkomen(1, "2999-01-01")),
    ]
    vbos = [
        _vbo(
            VBO_1,
            NUM_1,
            PAND_A,
            100000,
            "Verblijfsobject in gebruik",
            _voorkomen(1, "2015-01-01"),
            "woonfunctie",
        ),
        _vbo(VBO_2, NUM_2, PAND_B, 100020, "Verblijfsobject ingetrokken", _voorkomen(2, "2021-01-01")),
        _vbo(
            VBO_3,
            NUM_3,
            PAND_A,
            100000,
            "Verblijfsobject in gebruik",
            _voorkomen(1, "2010-01-01", end="2015-01-01"),
        ),
        _vbo(
            VBO_3,
            NUM_3,
            PAND_A,
            100000,
            "Verblijfsobject in gebruik",
            _voorkomen(2, "2015-01-01"),
            "winkelfunctie",
        ),
    ]
    nums = [
        _num(NUM_1, 1, "9999ZZ", _voorkomen(1, "2010-01-01", end="2015-01-01")),
        _num(NUM_1, 1, "1234AB", _voorkomen(2, "2015-01-01")),
        _num(NUM_3, 3, "1234AC", _voorkomen(1, "2010-01-01")),
    ]
    for code, objects in (("PND", panden), ("VBO", vbos), ("NUM", nums)):
        (folder / f"9999{code}01012024-000001.xml").write_text(
            _HEAD.format(type=code) + "".join(objects) + _TAIL, encoding="utf-8"
        )
    return folder


# --------------------------------------------------------------------------------------------
# Real vector files
# --------------------------------------------------------------------------------------------


def test_tudcampus_geojson_buildings(shared_data: SharedData) -> None:
    path = shared_data("delft/bag/tudcampus_bag_panden.geojson")
    assert detect(probe(path)).id == "bag_vector"
    results = load_path(path)
    assert [r.kind for r in results] == [LayerKind.BUILDINGS]
    res = results[0]
    _assert_canonical(res)
    frame = res.frame
    # 1529 features; one pand (0503100000030264) is split into 4 polygons of the same
    # voorkomen: every part is kept (nothing altered) and the 3 extra parts are reported.
    assert res.meta["n_read"] == 1529
    assert len(frame) == 1529
    assert _codes(res)["bag_multipart_kept"] == 3
    assert frame["identificatie"].nunique() == 1526
    assert frame["identificatie"].str.fullmatch(r"0503\d{12}").all()
    assert res.meta["status_counts"] == {
        "Pand in gebruik": 1522,
        "Verbouwing pand": 4,
        "Bouw gestart": 2,
        "Sloopvergunning verleend": 1,
    }
    assert frame["bouwjaar"].notna().all()
    assert (frame["bouwjaar"].min(), frame["bouwjaar"].max()) == (1660, 2021)
    assert 1950 <= frame["bouwjaar"].median() <= 1955
    assert "oorspronkelijkbouwjaar" not in frame.columns
    parts = frame.loc[frame["identificatie"] == "0503100000030264", "geometry"]
    assert len(parts) == 4
    assert parts.area.max() > 11233
    assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}
    assert _codes(res)["bag_planned_kept"] == 2
    assert res.meta["format"] == "BAG vector"


def test_wippolder_gpkg_buildings(shared_data: SharedData) -> None:
    path = shared_data("delft/bag/wippolder_bag_pand.gpkg")
    assert detect(probe(path)).id == "bag_vector"
    res = _by_kind(load_path(path))[LayerKind.BUILDINGS]
    _assert_canonical(res)
    frame = res.frame
    assert len(frame) == 60
    assert res.layer == "bag_pand_kerk"
    # One hand-added object ('x2') has no BAG attributes at all.
    # Three panden have no VBO with a gebruiksdoel (gebruiksdoel empty in the source).
    assert frame["gebruiksdoel"].notna().sum() == 56
    assert frame["aantal_verblijfsobjecten"].notna().sum() == 59
    assert frame["bouwjaar"].notna().sum() == 59
    assert _codes(res)["bag_invalid_id"] == 1
    # The GeoPackage stores ids as numbers-as-text without the leading zero; restored.
    assert "0503100000000296" in set(frame["identificatie"])
    counts = frame["gebruiksdoel"].value_counts()
    assert counts["woonfunctie"] == 48
    assert counts["gezondheidszorgfunctie,woonfunctie"] == 1
    assert counts["overige gebruiksfunctie,woonfunctie"] == 1
    assert frame["aantal_verblijfsobjecten"].dtype == "Int64"


def test_vector_input_is_not_modified(shared_data: SharedData) -> None:
    paths = [
        shared_data("delft/bag/tudcampus_bag_panden.geojson"),
        shared_data("delft/bag/wippolder_bag_pand.gpkg"),
    ]
    folder = paths[0].parent
    before = _checksums(folder)
    for p in paths:
        load_path(p)
    assert _checksums(folder) == before  # same files, same bytes: no sidecars


def test_lonlat_geojson_with_wfs_vbo_columns(tmp_path: Path) -> None:
    # A PDOK-WFS-like verblijfsobject export in lon/lat with the channel's column names.
    rd = gpd.GeoDataFrame(
        {
            "identificatie": [503010000000001, 503010000000002],
            "pandidentificatie": ["NL.IMBAG.Pand.0503100000000296", "503100000004254, 503100000004257"],
            "oppervlakte": [81.4, 120],
            "status": ["Verblijfsobject in gebruik", "Verblijfsobject ingetrokken"],
            "gebruiksdoel": ["woonfunctie , winkelfunctie", "kantoorfunctie"],
            "postcode": ["2628 ab", "2628AC"],
            "huisnummer": [12, 3],
        },
        geometry=[Point(85300, 447100), Point(85400, 447150)],
        crs=RD_NEW,
    )
    path = tmp_path / "vbo_wgs84.geojson"
    rd.to_crs("EPSG:4326").to_file(path, driver="GeoJSON")
    checksum = _checksums(path)
    assert detect(probe(path)).id == "bag_vector"
    res = _by_kind(load_path(path))[LayerKind.ADDRESSES]
    _assert_canonical(res)
    codes = _codes(res)
    assert "reprojected_lonlat" in codes
    assert codes["bag_demolished"] == 1
    frame = res.frame
    assert len(frame) == 1
    row = frame.iloc[0]
    assert row["identificatie"] == "0503010000000001"
    assert row["pand_identificatie"] == "0503100000000296"
    assert row["gebruiksdoel"] == "woonfunctie,winkelfunctie"
    assert row["postcode"] == "2628AB"
    assert row["huisnummer"] == 12
    assert row["oppervlakte_m2"] == pytest.approx(81.4)
    assert row.geometry.distance(Point(85300, 447100)) < 0.05
    assert _checksums(path) == checksum


def test_vector_buildings_and_addresses_in_one_gpkg(tmp_path: Path) -> None:
    """bag-light style: layers pand + verblijfsobject; panden get gebruiksdoel and VBO count."""
    pand = gpd.GeoDataFrame(
        {
            "identificatie": ["0363100012345678", "0363100012345679", "0363100012345679"],
            "bouwjaar": [1930, 1990, 1980],
            "status": ["Pand in gebruik", "Pand in gebruik", "Pand in gebruik"],
            "voorkomenidentificatie": [1, 2, 1],
        },
        geometry=[box(120000, 480000, 120010, 480010), box(120020, 480000, 120030, 480010)] * 1
        + [box(120020, 480000, 120030, 480010)],
        crs=RD_NEW,
    )
    vbo = gpd.GeoDataFrame(
        {
            "identificatie": ["0363010000000001", "0363010000000002", "0363010000000003"],
            "pand_identificatie": ["0363100012345678", "0363100012345678", "0363100012345679"],
            "oppervlakte": [50, 60, 400],
            "status": ["Verblijfsobject in gebruik"] * 3,
            "gebruiksdoel": ["woonfunctie", "winkelfunctie,woonfunctie", "kantoorfunctie"],
            "huisnummer": [1, 2, 3],
            "postcode": ["1011AA", "1011AA", "1011AB"],
            "bouwjaar": [1930, 1930, 1990],
        },
        geometry=[Point(120005, 480005), Point(120006, 480006), Point(120025, 480005)],
        crs=RD_NEW,
    )
    path = tmp_path / "bag-light.gpkg"
    pand.to_file(path, layer="pand", driver="GPKG")
    vbo.to_file(path, layer="verblijfsobject", driver="GPKG")
    assert detect(probe(path)).id == "bag_vector"
    results = _by_kind(load_path(path))
    buildings = results[LayerKind.BUILDINGS].frame.set_index("identificatie")
    assert len(buildings) == 2
    assert _codes(results[LayerKind.BUILDINGS])["bag_duplicate_version_dropped"] == 1
    assert buildings.loc["0363100012345679", "bouwjaar"] == 1990  # newest voorkomen wins
    assert buildings.loc["0363100012345678", "gebruiksdoel"] == "winkelfunctie,woonfunctie"
    assert buildings.loc["0363100012345678", "aantal_verblijfsobjecten"] == 2
    addresses = results[LayerKind.ADDRESSES].frame
    assert len(addresses) == 3
    assert results[LayerKind.ADDRESSES].layer == "verblijfsobject"
    only = load_path(path, kinds=[LayerKind.ADDRESSES])
    assert [r.kind for r in only] == [LayerKind.ADDRESSES]


def test_non_bag_vector_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "parken.geojson"
    gpd.GeoDataFrame({"naam": ["park"]}, geometry=[box(0, 0, 1, 1)], crs=RD_NEW).to_file(
        path, driver="GeoJSON"
    )
    assert not sniff_bag_vector(probe(path))
    with pytest.raises(LayerSchemaError) as info:
        load_bag_vector(path)
    assert info.value.hint


# --------------------------------------------------------------------------------------------
# LV BAG XML
# --------------------------------------------------------------------------------------------


def _assert_doesburg(results: list[LoadResult]) -> None:
    by_kind = _by_kind(results)
    buildings, addresses = by_kind[LayerKind.BUILDINGS], by_kind[LayerKind.ADDRESSES]
    _assert_canonical(buildings)
    _assert_canonical(addresses)
    # 6 pand-voorkomens of 2 panden and 5 VBO-voorkomens of 2 VBOs: only the current ones stay.
    assert buildings.meta["n_read"] == 6
    assert addresses.meta["n_read"] == 5
    assert _codes(buildings)["bag_history_dropped"] == 4
    assert _codes(addresses)["bag_history_dropped"] == 3
    b = buildings.frame.set_index("identificatie")
    assert sorted(b.index) == ["0221100000311191", "0221100000312938"]
    assert b.loc["0221100000312938", "bouwjaar"] == 1585
    assert b.loc["0221100000311191", "bouwjaar"] == 1992
    assert b.loc["0221100000312938", "gebruiksdoel"] == "woonfunctie"
    assert b.loc["0221100000312938", "aantal_verblijfsobjecten"] == 1
    a = addresses.frame.set_index("identificatie")
    assert sorted(a.index) == ["0221010000330226", "0221010000330999"]
    assert a.loc["0221010000330226", "postcode"] == "6981CH"
    assert a.loc["0221010000330226", "huisnummer"] == 4
    assert a.loc["0221010000330226", "status"] == "Verbouwing verblijfsobject"
    assert a.loc["0221010000330226", "oppervlakte_m2"] == 223
    assert a.loc["0221010000330226", "pand_identificatie"] == "0221100000312938"
    # The current voorkomen of this nummeraanduiding has no postcode in this (hand-reduced) extract.
    assert a.loc["0221010000330999", "huisnummer"] == 9
    assert pd.isna(a.loc["0221010000330999", "postcode"])
    assert a.loc["0221010000330999", "nevenadresNummeraanduidingRef"] == "0221200000330998,0221200000330999"
    assert set(addresses.frame.geom_type) == {"Point"}
    assert buildings.meta["format"] == "LVBAG XML"
    assert buildings.meta["stand_datum"] == "2020-09-15"


def test_doesburg_folder(shared_data: SharedData) -> None:
    folder = shared_data(DOESBURG)
    before = _checksums(folder)
    assert detect(probe(folder)).id == "bag_xml"
    _assert_doesburg(load_path(folder))
    assert _checksums(folder) == before


def test_doesburg_zip_and_nested_zip(shared_data: SharedData, tmp_path: Path) -> None:
    folder = shared_data(DOESBURG)
    flat = tmp_path / "doesburg.zip"
    with zipfile.ZipFile(flat, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f"extract/{f.name}")
    # The national/gemeente extracts nest one zip per object type inside the outer zip.
    nested = tmp_path / "BAGGEM0221L-15092020.zip"
    with zipfile.ZipFile(nested, "w") as outer:
        for code in ("PND", "VBO", "NUM", "OPR"):
            inner = tmp_path / f"0221{code}15092020.zip"
            with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as zf:
                for f in folder.glob(f"*{code}*.xml"):
                    zf.write(f, f.name)
            outer.write(inner, inner.name)
    for archive in (flat, nested):
        before = _checksums(archive)
        listing = sorted(p.name for p in tmp_path.iterdir())
        assert detect(probe(archive)).id == "bag_xml"
        _assert_doesburg(load_path(archive))
        assert _checksums(archive) == before
        assert sorted(p.name for p in tmp_path.iterdir()) == listing  # nothing unpacked beside it


def test_doesburg_single_files(shared_data: SharedData) -> None:
    folder = shared_data(DOESBURG)
    pnd = folder / "0221PND15092020-000001.xml"
    assert detect(probe(pnd)).id == "bag_xml"
    [buildings] = load_path(pnd)
    assert buildings.kind is LayerKind.BUILDINGS
    assert len(buildings.frame) == 2
    # A VBO file picks up the NUM file next to it for the hoofdadres.
    [addresses] = load_path(folder / "0221VBO15092020-000001.xml")
    assert addresses.frame["postcode"].notna().sum() == 1
    assert addresses.meta["notes"]


def test_vbo_without_num_warns(shared_data: SharedData, tmp_path: Path) -> None:
    src = shared_data(DOESBURG) / "0221VBO15092020-000001.xml"
    alone = tmp_path / "alone"
    alone.mkdir()
    vbo = alone / src.name
    vbo.write_bytes(src.read_bytes())
    [addresses] = load_bag_xml(vbo)
    assert "bag_no_num" in _codes(addresses)
    assert addresses.frame["postcode"].isna().all()
    assert len(addresses.frame) == 2


def test_history_and_demolished_extract(tmp_path: Path) -> None:
    folder = _write_history_extract(tmp_path / "extract")
    before = _checksums(folder)
    assert detect(probe(folder)).id == "bag_xml"
    by_kind = _by_kind(load_path(folder))
    buildings = by_kind[LayerKind.BUILDINGS]
    b = buildings.frame.set_index("identificatie")
    assert sorted(b.index) == [PAND_A, PAND_E, PAND_F]
    assert b.loc[PAND_A, "bouwjaar"] == 1931  # the current voorkomen, not the historic one
    codes = _codes(buildings)
    assert codes["bag_history_dropped"] == 3  # A's old version, the inactive D, the future G
    assert codes["bag_demolished"] == 1
    assert codes["bag_not_realised"] == 1
    assert codes["bag_planned_kept"] == 1
    assert buildings.meta["n_demolished"] == 1
    assert buildings.meta["n_not_realised"] == 1
    assert buildings.meta["stand_datum"] == "2024-01-01"
    assert any("gesloopt" in w.message for w in buildings.warnings)

    addresses = by_kind[LayerKind.ADDRESSES]
    a = addresses.frame.set_index("identificatie")
    assert sorted(a.index) == [VBO_1, VBO_3]
    assert a.loc[VBO_1, "postcode"] == "1234AB"  # current NUM voorkomen, not the old 9999ZZ
    assert a.loc[VBO_3, "gebruiksdoel"] == "winkelfunctie"
    assert _codes(addresses)["bag_demolished"] == 1  # ingetrokken
    assert b.loc[PAND_A, "aantal_verblijfsobjecten"] == 2
    assert b.loc[PAND_A, "gebruiksdoel"] == "winkelfunctie,woonfunctie"
    assert b.loc[PAND_E, "aantal_verblijfsobjecten"] == 0
    assert _checksums(folder) == before

    kept = _by_kind(load_bag_xml(folder, kinds=[LayerKind.BUILDINGS], keep_retired=True))
    assert list(kept) == [LayerKind.BUILDINGS]
    assert sorted(kept[LayerKind.BUILDINGS].frame["identificatie"]) == [
        PAND_A,
        PAND_B,
        PAND_C,
        PAND_E,
        PAND_F,
    ]


def test_lvbag_xml_with_doctype_is_refused(tmp_path: Path) -> None:
    folder = _write_history_extract(tmp_path / "extract")
    pnd = folder / "9999PND01012024-000001.xml"
    text = pnd.read_text(encoding="utf-8")
    pnd.write_text(
        text.replace("?>", '?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', 1), encoding="utf-8"
    )
    with pytest.raises(UnsafeInputError):
        load_bag_xml(folder)


def test_extract_without_pand_or_vbo_is_refused(tmp_path: Path) -> None:
    folder = _write_history_extract(tmp_path / "extract")
    (folder / "9999PND01012024-000001.xml").unlink()
    (folder / "9999VBO01012024-000001.xml").unlink()
    with pytest.raises(LayerSchemaError) as info:
        load_bag_xml(folder)
    assert "PND" in info.value.message
    assert info.value.hint


# --------------------------------------------------------------------------------------------
# Value normalisation
# --------------------------------------------------------------------------------------------


def test_normalise_bag_ids() -> None:
    ids = pd.Series(["NL.IMBAG.Pand.0503100000030264", "503100000000296", " 0363010000696734 ", None, "x2"])
    assert normalise_bag_ids(ids).tolist() == [
        "0503100000030264",
        "0503100000000296",
        "0363010000696734",
        pd.NA,
        "x2",
    ]
    numeric = pd.Series([503100000000296.0, None])
    assert normalise_bag_ids(numeric).tolist() == ["0503100000000296", pd.NA]


def test_normalise_gebruiksdoel() -> None:
    values = pd.Series(["woonfunctie, winkelfunctie", "overige gebruiksfunctie", " , ", None])
    assert normalise_gebruiksdoel(values).tolist() == [
        "woonfunctie,winkelfunctie",
        "overige gebruiksfunctie",
        pd.NA,
        pd.NA,
    ]
    lists = pd.Series([["woonfunctie", "sportfunctie"], ["kantoorfunctie", None], None, []], dtype=object)
    assert normalise_gebruiksdoel(lists).tolist() == [
        "woonfunctie,sportfunctie",
        "kantoorfunctie",
        pd.NA,
        pd.NA,
    ]
