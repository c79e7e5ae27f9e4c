"""Facility lists: CSV (lon/lat, RD with ';'), Excel, GeoJSON, GeoPackage, category mapping."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from layers.canonical import CANONICAL, LayerKind
from layers.errors import LayerSchemaError
from layers.registry import detect, load_path, probe
from layers.result import LoadResult
from layers.voorzieningen import read_facility_list


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _codes(result: LoadResult) -> dict[str, int]:
    return {w.code: w.count for w in result.warnings}


def test_csv_lonlat_with_category_map(tmp_path: Path) -> None:
    path = tmp_path / "zorg.csv"
    path.write_text(
        "id,naam,type,lon,lat\n"
        "1,Praktijk Oost,Huisartsenpraktijk,4.3650,52.0010\n"
        "2,De Super,Supermarkt,4.3600,52.0000\n"
        "3,Apotheek Zuid,apotheek,4.3700,51.9990\n"
        "4,Zwembad,Zwembad,4.3710,51.9980\n"
        "5,Sporthal,Sporthal,4.3720,51.9970\n"
        "6,Nog een bad,Zwembad,4.3730,51.9960\n",
        encoding="utf-8",
    )
    before = _sha(path)
    res = read_facility_list(path, category_map={"Huisartsenpraktijk": "huisarts"})
    frame = res.frame
    assert list(frame.columns[:5]) == CANONICAL[LayerKind.FACILITIES].column_names
    assert frame.crs == "EPSG:28992"
    assert len(frame) == 6  # nothing dropped
    assert list(frame["category"].fillna("-")) == ["huisarts", "supermarkt", "apotheek", "-", "-", "-"]
    assert list(frame["facility_id"]) == [f"zorg:{i}" for i in range(1, 7)]
    assert frame.loc[0, "name"] == "Praktijk Oost"
    assert frame.loc[3, "category_source"] == "Zwembad"
    codes = _codes(res)
    assert codes["unknown_category"] == 3
    assert "3 objecten zonder categorie" in next(
        w.message for w in res.warnings if w.code == "unknown_category"
    )
    assert "reprojected_lonlat" in codes
    assert res.meta["counts_by_category"] == {"apotheek": 1, "huisarts": 1, "supermarkt": 1}
    assert res.meta["without_category"] == 3
    # Delft, in RD
    x, y = frame.geometry.iloc[0].x, frame.geometry.iloc[0].y
    assert 84000 < x < 87000
    assert 445000 < y < 448000
    assert _sha(path) == before


def test_csv_rd_semicolon_decimal_comma_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "lijst.csv"
    text = "Naam;Categorie;X;Y\nCafé Ontmoeting;ontmoeting;85123,5;446100,25\nBakkerij Noë;dagelijkse_boodschappen;85200;446200\n"
    path.write_bytes(text.encode("cp1252"))
    res = read_facility_list(path)
    frame = res.frame
    assert len(frame) == 2
    assert list(frame["category"]) == ["ontmoeting", "dagelijkse_boodschappen"]
    assert frame.loc[1, "name"] == "Bakkerij Noë"
    assert frame.geometry.iloc[0].x == pytest.approx(85123.5)
    assert frame.geometry.iloc[0].y == pytest.approx(446100.25)
    codes = _codes(res)
    assert codes["encoding_cp1252"] == 1
    assert "crs_assumed_rd" in codes  # plain x/y columns: RD assumed, and said so


def test_csv_rd_named_columns_tab_separated(tmp_path: Path) -> None:
    path = tmp_path / "rd.tsv"
    path.write_text("name\tcategory\trd_x\trd_y\nHalte\tov_halte\t85000\t446000\n", encoding="utf-8")
    res = read_facility_list(path)
    assert res.frame.geometry.iloc[0].equals(shapely.Point(85000, 446000))
    assert "crs_assumed_rd" not in _codes(res)


def test_csv_without_coordinates_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "geen.csv"
    path.write_text("naam,adres,categorie\nApotheek,Straat 1,apotheek\n", encoding="utf-8")
    with pytest.raises(LayerSchemaError) as err:
        read_facility_list(path)
    assert "coördinaatkolommen" in err.value.message
    assert "x en y" in err.value.hint


def test_lonlat_swapped_is_repaired(tmp_path: Path) -> None:
    path = tmp_path / "swap.csv"
    path.write_text(
        "name,category,longitude,latitude\nA,huisarts,52.0010,4.3650\nB,huisarts,4.3600,52.0000\nC,huisarts,,\n",
        encoding="utf-8",
    )
    res = read_facility_list(path)
    codes = _codes(res)
    assert codes["lonlat_swapped"] == 1
    assert codes["missing_coordinates"] == 1
    assert len(res.frame) == 2
    assert res.frame.geometry.distance(res.frame.geometry.iloc[1]).iloc[0] < 1000


def test_fixed_category_and_explicit_columns(tmp_path: Path) -> None:
    path = tmp_path / "apotheken.csv"
    path.write_text("Titel,Oost,Noord\nA,4.36,52.0\n", encoding="utf-8")
    res = read_facility_list(
        path, category="Apotheek", x_column="Oost", y_column="Noord", name_column="Titel"
    )
    assert res.frame.loc[0, "category"] == "apotheek"
    assert res.frame.loc[0, "name"] == "A"
    with pytest.raises(LayerSchemaError, match="onbekende categorie"):
        read_facility_list(path, category_map={"x": "zwembad"}, x_column="Oost", y_column="Noord")


def test_geojson_list(tmp_path: Path) -> None:
    path = tmp_path / "voorzieningen.geojson"
    gdf = gpd.GeoDataFrame(
        {"name": ["P", "Q", "R"], "categorie": ["supermarkt", "Treinstation", "bibliotheek"]},
        geometry=[shapely.Point(4.36, 52.0), shapely.Point(4.37, 52.0), shapely.Point(4.38, 52.0)],
        crs="EPSG:4326",
    )
    gdf.to_file(path, driver="GeoJSON")
    before = _sha(path)
    assert detect(probe(path)).id == "facility_list"
    (res,) = load_path(path)
    assert list(res.frame["category"].fillna("-")) == ["supermarkt", "treinstation", "-"]
    assert _codes(res)["unknown_category"] == 1
    assert res.frame.crs == "EPSG:28992"
    assert _sha(path) == before


def test_xlsx_list(tmp_path: Path) -> None:
    path = tmp_path / "lijst.xlsx"
    pd.DataFrame({"naam": ["Huisarts"], "categorie": ["huisarts"], "x": [85000], "y": [446000]}).to_excel(
        path, index=False
    )
    res = read_facility_list(path)
    assert res.frame.loc[0, "category"] == "huisarts"
    assert res.meta["format"] == "xlsx"


def test_registry_sniffs_csv(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("naam;categorie;lat;lon\nA;huisarts;52,0;4,36\n", encoding="utf-8")
    assert detect(probe(path)).id == "facility_list"
    (res,) = load_path(path, kind=LayerKind.FACILITIES)
    assert res.frame.loc[0, "category"] == "huisarts"


def test_derived_osm_gpkg(shared_data: Callable[[str], Path]) -> None:
    path = shared_data("delft/osm/DERIVED_tudelft_voorzieningen.gpkg")
    before = _sha(path)
    res = read_facility_list(path)
    frame = res.frame
    assert len(frame) == 116  # nothing dropped
    # The file's own 'categorie' column wins where it names a known category; the other rows
    # (overige_winkel, openbaar_vervoer, zorg, overig) are placed by their OSM tag columns.
    assert res.meta["counts_by_category"] == {
        "dagelijkse_boodschappen": 6,
        "fysiotherapie": 1,
        "huisarts": 3,
        "ontmoeting": 1,
        "ov_halte": 16,
    }
    assert _codes(res)["osm_tags_classified"] == 21
    assert _codes(res)["osm_tags_unclassified"] == 89
    assert "osm_id" in frame.columns  # source columns kept after the canonical ones
    assert _sha(path) == before


def test_osm_export_columns_are_classified_with_the_tag_table(tmp_path: Path) -> None:
    """An Overpass/QGIS export keeps OSM tags as columns: no category mapping needed."""
    from shapely.geometry import Point

    gdf = gpd.GeoDataFrame(
        {
            "osm_type": ["node", "node", "way", "node"],
            "name": ["Jumbo", "Apotheek Zuid", "Huisartsen Mekelweg", "Bank"],
            "shop": ["supermarket", None, None, None],
            "amenity": [None, "pharmacy", "doctors", "bank"],
        },
        geometry=[Point(4.37, 52.0), Point(4.371, 52.0), Point(4.372, 52.0), Point(4.373, 52.0)],
        crs="EPSG:4326",
    )
    path = tmp_path / "overpass_export.geojson"
    gdf.to_file(path, driver="GeoJSON")
    res = load_path(path)[0]
    assert res.kind.value == "facilities"
    assert res.frame["category"].tolist()[:3] == ["supermarkt", "apotheek", "huisarts"]
    assert pd.isna(res.frame["category"].iloc[3])
    codes = {w.code: w.count for w in res.warnings}
    assert codes["osm_tags_classified"] == 3
    assert codes["osm_tags_unclassified"] == 1


def test_a_facility_listed_twice_is_merged_with_a_counted_warning(tmp_path: Path) -> None:
    path = tmp_path / "winkels.csv"
    path.write_text(
        "id;naam;categorie;x;y\n"
        "1;Albert Heijn Mekelweg;supermarkt;85300;446200\n"
        "2;albert heijn  mekelweg;supermarkt;85300.2;446200.1\n"
        "3;Albert Heijn Mekelweg;supermarkt;85300;446200\n"
        "4;Albert Heijn Mekelweg;supermarkt;86300;446200\n"  # another branch, 1 km away
        "5;Albert Heijn Mekelweg;apotheek;85300;446200\n",  # another category
        encoding="utf-8",
    )
    res = read_facility_list(path)
    frame = res.frame
    assert len(frame) == 3
    assert {w.code: w.count for w in res.warnings}["duplicate_facility"] == 2
    assert res.meta["duplicates_merged"] == 2
    kept = frame.set_index("facility_id")
    assert kept.loc["winkels:1", "merged_ids"] == "winkels:2, winkels:3"
    assert pd.isna(kept.loc["winkels:4", "merged_ids"])
