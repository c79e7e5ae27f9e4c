"""The bad-input corpus: hostile, damaged and odd files, each with the outcome we expect.

Every case writes its file into a temporary folder (nothing is committed except the two tiny
IMRO fixtures that already exist) and says what must happen: a one-line Dutch error of a
given class, or a load that repairs something and counts it in a warning.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LineString, Point, Polygon

from layers.errors import LayerCRSError, LayerFormatError, LayerSchemaError, LayerSizeError, UnsafeInputError
from projects.errors import InputsError, ProjectError, ProjectFileError

__all__ = ["CASES", "SECRET", "Case", "Expect", "error", "loaded", "repaired"]

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"

# Written into a local file that hostile XML tries to pull in; it must never show up anywhere.
SECRET = "GEHEIM-7f3a9c-niet-lekken"


@dataclass(frozen=True, slots=True)
class Expect:
    """Either an error (``exc`` and a Dutch substring of its message) or a counted repair."""

    exc: type[Exception] | None = None
    text: str = ""
    code: str = ""
    count: int = 0

    column: str = ""
    chars: int = 0

    @property
    def label(self) -> str:
        if self.exc is not None:
            return f"fout: {self.exc.__name__} «{self.text}»"
        if self.code:
            return f"hersteld: {self.code} × {self.count}"
        kept = f", {self.column} intact ({self.chars} tekens)" if self.column else ""
        return f"geladen: {self.count} objecten{kept}"


def error(exc: type[Exception], text: str) -> Expect:
    return Expect(exc=exc, text=text)


def repaired(code: str, count: int) -> Expect:
    return Expect(code=code, count=count)


def loaded(count: int, column: str = "", chars: int = 0) -> Expect:
    """Loads as it is: ``count`` objects, and ``column`` of the first keeps all ``chars``."""
    return Expect(count=count, column=column, chars=chars)


@dataclass(frozen=True, slots=True)
class Case:
    """One corpus entry. ``target`` names the loader; ``via`` how it is driven:
    ``load`` (layers.registry.load_path / ``bodnaarplot inspect``), ``import``
    (projects.imports.import_layer / ``bodnaarplot project import``) or ``open``
    (ProjectStore.open / ``bodnaarplot project info``)."""

    id: str
    target: str
    description: str
    make: Callable[[Path], Path]
    expect: Expect
    kind: str | None = None
    via: str = "load"


# --- helpers that write files -------------------------------------------------------------------


def _rand(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


def _write(path: Path, data: bytes | str, encoding: str = "utf-8") -> Path:
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def _random_file(name: str, seed: int) -> Callable[[Path], Path]:
    return lambda d: _write(d / name, _rand(4096, seed))


def _empty_file(name: str) -> Callable[[Path], Path]:
    return lambda d: _write(d / name, b"")


def _boxes(n: int, x0: float = 84_000, y0: float = 446_000) -> list[Polygon]:
    return [shapely.box(x0 + i * 50, y0, x0 + i * 50 + 20, y0 + 20) for i in range(n)]


class _Frame(gpd.GeoDataFrame):
    """A GeoDataFrame whose ``to_file`` does not warn about a deliberately missing CRS."""

    def to_file(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            super().to_file(*args, **kwargs)


def _gdf(columns: dict[str, list[object]], geoms: list[object], crs: str | None) -> gpd.GeoDataFrame:
    return _Frame(columns, geometry=geoms, crs=crs)


def _panden(
    geoms: list[object], *, crs: str | None = "EPSG:28992", ids: list[str] | None = None
) -> dict[str, list[object]]:
    n = len(geoms)
    return {
        "identificatie": ids or [f"05031000000{i:05d}" for i in range(n)],
        "bouwjaar": [1950 + i for i in range(n)],
        "status": ["Pand in gebruik"] * n,
    }


def _bag_gpkg(
    name: str,
    geoms: list[object],
    *,
    crs: str | None = "EPSG:28992",
    ids: list[str] | None = None,
    extra: dict[str, list[object]] | None = None,
) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        cols = _panden(geoms, ids=ids)
        cols.update(extra or {})
        path = d / name
        _gdf(cols, geoms, crs).to_file(path, layer="pand", driver="GPKG" if name.endswith(".gpkg") else None)
        return path

    return make


def _valid_geojson(d: Path, n: int = 30) -> Path:
    path = d / "kavels.geojson"
    _gdf(
        {"plot_id": [f"K{i}" for i in range(n)], "naam": [f"Kavel {i}" for i in range(n)]},
        list(_boxes(n)),
        "EPSG:28992",
    ).to_file(path, driver="GeoJSON")
    return path


def _truncated(make: Callable[[Path], Path], keep: float = 0.5) -> Callable[[Path], Path]:
    def cut(d: Path) -> Path:
        path = make(d)
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * keep)])
        return path

    return cut


def _plots_geojson(name: str, geoms: list[object], crs: str | None = "EPSG:28992") -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        path = d / name
        n = len(geoms)
        _gdf(
            {"plot_id": [f"K{i}" for i in range(n)], "naam": [f"Kavel {i}" for i in range(n)]}, geoms, crs
        ).to_file(path, driver="GeoJSON")
        return path

    return make


def _raw_geojson(
    name: str, features: list[dict[str, object]], crs: str | None = None
) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        doc: dict[str, object] = {"type": "FeatureCollection", "features": features}
        if crs:
            doc["crs"] = {"type": "name", "properties": {"name": crs}}
        return _write(d / name, json.dumps(doc))

    return make


def _feature(geom: dict[str, object], **props: object) -> dict[str, object]:
    return {"type": "Feature", "properties": props, "geometry": geom}


def _poly(x: float, y: float, s: float = 20) -> dict[str, object]:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]]}


# --- XML -------------------------------------------------------------------------------------


def _xxe_gml(d: Path) -> Path:
    secret = _write(d / "geheim.txt", SECRET)
    text = (FIXTURES / "imro" / "xxe_external_entity.gml").read_text(encoding="utf-8")
    return _write(d / "xxe.gml", text.replace("file:///etc/passwd", secret.as_uri()))


def _copy_fixture(rel: str, name: str) -> Callable[[Path], Path]:
    return lambda d: _write(d / name, (FIXTURES / rel).read_bytes())


_LVBAG_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<sl-bag-extract:bagStand xmlns:sl-bag-extract="http://www.kadaster.nl/schemas/lvbag/extract-deelbestand-lvc/v20200601" '
    'xmlns:Objecten="www.kadaster.nl/schemas/lvbag/imbag/objecten/v20200601" '
    'xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:sl="http://www.kadaster.nl/schemas/standlevering-generiek/1.0">\n'
)


def _lvbag_pand(i: int) -> str:
    x = 84_000 + i * 20
    ring = f"{x} 446000.0 {x + 10} 446000.0 {x + 10} 446010.0 {x} 446010.0 {x} 446000.0"
    return (
        "<sl:stand><sl-bag-extract:bagObject><Objecten:Pand>"
        f'<Objecten:identificatie domein="NL.IMBAG.Pand">05031000000{i:05d}</Objecten:identificatie>'
        '<Objecten:geometrie><gml:Polygon srsName="urn:ogc:def:crs:EPSG::28992" srsDimension="2">'
        f"<gml:exterior><gml:LinearRing><gml:posList>{ring}</gml:posList></gml:LinearRing></gml:exterior>"
        "</gml:Polygon></Objecten:geometrie>"
        "<Objecten:oorspronkelijkBouwjaar>1960</Objecten:oorspronkelijkBouwjaar>"
        "<Objecten:status>Pand in gebruik</Objecten:status></Objecten:Pand></sl-bag-extract:bagObject></sl:stand>\n"
    )


def _lvbag_xml(n: int = 40) -> str:
    return _LVBAG_HEAD + "".join(_lvbag_pand(i) for i in range(n)) + "</sl-bag-extract:bagStand>\n"


def _bag_xml_file(d: Path) -> Path:
    return _write(d / "9999PND08012024-000001.xml", _lvbag_xml())


def _bag_xml_xxe(d: Path) -> Path:
    secret = _write(d / "geheim.txt", SECRET)
    text = (
        _lvbag_xml(2)
        .replace(
            '<?xml version="1.0" encoding="UTF-8"?>\n',
            f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n',
        )
        .replace("Pand in gebruik", "&xxe;", 1)
    )
    return _write(d / "9999PND08012024-000002.xml", text)


def _bag_xml_bomb(d: Path) -> Path:
    """LV BAG-XML with nested internal entities (billion laughs): ~10^9 'lol' if ever expanded."""
    levels = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    text = (
        _lvbag_xml(2)
        .replace(
            '<?xml version="1.0" encoding="UTF-8"?>\n',
            '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE x [' + "".join(levels) + "]>\n",
        )
        .replace("Pand in gebruik", "&lol9;", 1)
    )
    return _write(d / "9999PND08012024-000003.xml", text)


def _zip(
    name: str, members: dict[str, bytes | str], *, compression: int = zipfile.ZIP_DEFLATED
) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        path = d / name
        with zipfile.ZipFile(path, "w", compression) as zf:
            for member, data in members.items():
                zf.writestr(member, data)
        return path

    return make


def _bomb(name: str, member: str, head: bytes = b"") -> Callable[[Path], Path]:
    """A small zip that unpacks to 200 MB of zeros (ratio ~1000:1): refused before it is written."""

    def make(d: Path) -> Path:
        path = d / name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
            with zf.open(member, "w", force_zip64=True) as fh:
                fh.write(head)
                block = b"0" * (1 << 20)
                for _ in range(200):
                    fh.write(block)
            zf.writestr("stop_times.txt" if member != "stop_times.txt" else "trips.txt", "trip_id\n")
        return path

    return make


# --- GTFS ------------------------------------------------------------------------------------

_GTFS = {
    "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\na,Halte A,52.01,4.36\nb,Halte B,52.02,4.37\n",
    "routes.txt": "route_id,route_type\nR,3\n",
    "trips.txt": "route_id,service_id,trip_id\nR,S,T1\n",
    "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
    "T1,09:00:00,09:00:00,a,1\nT1,09:10:00,09:10:00,b,2\n",
    "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
    "S,1,1,1,1,1,0,0,20240101,20241231\n",
}


def _gtfs(**changes: str | None) -> dict[str, bytes | str]:
    out: dict[str, bytes | str] = {}
    for k, v in {**_GTFS, **changes}.items():
        if v is not None:
            out[k] = v
    return out


# --- CSV / XLSX ------------------------------------------------------------------------------


def _csv(name: str, text: str, encoding: str = "utf-8") -> Callable[[Path], Path]:
    return lambda d: _write(d / name, text, encoding)


# --- raster ----------------------------------------------------------------------------------


def _tif(crs: str | None) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        import rasterio
        from rasterio.transform import Affine

        path = d / "hoogte.tif"
        arr = np.arange(12, dtype="float32").reshape(3, 4)
        profile: dict[str, object] = {
            "driver": "GTiff",
            "width": 4,
            "height": 3,
            "count": 1,
            "dtype": "float32",
            "transform": Affine(5.0, 0.0, 84_000.0, 0.0, -5.0, 446_000.0),
        }
        if crs:
            profile["crs"] = crs
        with rasterio.open(path, "w", **profile) as ds:
            ds.write(arr, 1)
        return path

    return make


# --- projects --------------------------------------------------------------------------------


def _project(d: Path) -> Path:
    from projects.store import ProjectStore

    path = d / "project.gpkg"
    ProjectStore.create(path, name="Corpus", user="tester").close()
    return path


def _newer_schema(d: Path) -> Path:
    """A project whose migration revision this version does not know (written by a newer one)."""
    path = _project(d)
    con = sqlite3.connect(path)
    try:
        con.execute("UPDATE alembic_version SET version_num = 'f0f0toekomst'")
        con.commit()
    finally:
        con.close()
    return path


def _not_a_project(d: Path) -> Path:
    path = d / "gewoon.gpkg"
    _gdf({"naam": ["a"]}, [Point(84_000, 446_000)], "EPSG:28992").to_file(path, driver="GPKG")
    return path


def _flip_middle(d: Path) -> Path:
    path = _project(d)
    data = bytearray(path.read_bytes())
    mid = len(data) // 2
    data[mid : mid + 4096] = _rand(4096, 99)
    path.write_bytes(bytes(data))
    return path


HUGE = "x" * (10 * 1024 * 1024)
_RD_FAR = (5_000_000.0, 10.0)

CASES: list[Case] = [
    # Empty and random files with a geo extension: the generic probe refuses them.
    *[
        Case(
            f"leeg{suffix}",
            "alle lagen",
            f"leeg bestand (0 bytes) met extensie {suffix}",
            _empty_file(f"leeg{suffix}"),
            error(LayerFormatError, "leeg (0 bytes)"),
        )
        for suffix in (".gpkg", ".geojson", ".csv", ".osm.pbf")
    ],
    *[
        Case(
            f"willekeurig{suffix}",
            "alle lagen",
            f"4 KB willekeurige bytes met extensie {suffix}",
            _random_file(f"willekeurig{suffix}", seed),
            error(LayerFormatError, text),
        )
        for seed, (suffix, text) in enumerate(
            [
                (".gpkg", "beschadigd"),
                (".geojson", "beschadigd"),
                (".gml", "beschadigd"),
                (".osm.pbf", "OSM-bestand is beschadigd"),
                (".zip", "zip-bestand is beschadigd"),
                (".tif", "rasterbestand"),
                (".xlsx", "Excel-bestand kon niet"),
            ]
        )
    ],
    Case(
        "afgebroken.geojson",
        "kavels",
        "GeoJSON halverwege afgebroken",
        _truncated(_valid_geojson),
        error(LayerFormatError, "beschadigd"),
    ),
    Case(
        "afgebroken.gpkg",
        "BAG-vector",
        "GeoPackage halverwege afgebroken",
        _truncated(_bag_gpkg("panden.gpkg", list(_boxes(400)))),
        error(LayerFormatError, "beschadigd"),
    ),
    Case(
        "afgebroken.osm",
        "OSM",
        "OSM-XML halverwege afgebroken",
        _truncated(_copy_fixture("osm/mini.osm", "mini.osm")),
        error(LayerFormatError, "OSM-bestand is beschadigd"),
    ),
    Case(
        "afgebroken-gtfs.zip",
        "GTFS",
        "GTFS-zip halverwege afgebroken",
        _truncated(_zip("gtfs.zip", _gtfs())),
        error(LayerFormatError, "zip-bestand is beschadigd"),
    ),
    Case(
        "afgebroken-bag.xml",
        "BAG-XML",
        "LV BAG-XML halverwege afgebroken",
        _truncated(_bag_xml_file),
        error(LayerFormatError, "kon niet worden gelezen"),
    ),
    Case(
        "afgebroken-imro.gml",
        "IMRO-GML",
        "IMRO-GML halverwege afgebroken",
        _truncated(_copy_fixture("imro/imro2012_arc.gml", "plan.gml")),
        error(LayerFormatError, "beschadigd"),
    ),
    # CRS problems.
    Case(
        "bag-zonder-crs",
        "BAG-vector",
        "panden zonder CRS, coördinaten in RD-bereik",
        _bag_gpkg("panden.gpkg", list(_boxes(5)), crs=None),
        repaired("crs_assumed_rd", 1),
    ),
    Case(
        "plots-zonder-crs-buiten-rd",
        "kavels",
        "GeoJSON-kavels zonder CRS met coördinaten buiten elk bekend bereik",
        _raw_geojson("kavels.geojson", [_feature(_poly(*_RD_FAR), plot_id="K1")], crs=None),
        error(LayerCRSError, "geen graden"),
    ),
    Case(
        "bag-verkeerde-crs",
        "BAG-vector",
        "RD-coördinaten met EPSG:4326 gelabeld (verkeerde CRS)",
        _bag_gpkg("panden.gpkg", list(_boxes(3)), crs="EPSG:4326"),
        error(LayerCRSError, "lijken RD-meters"),
    ),
    Case(
        "kavels-lonlat-verwisseld",
        "kavels",
        "WGS84-kavels met lat/lon verwisseld (52,4 i.p.v. 4,52)",
        _raw_geojson("kavels.geojson", [_feature(_poly(52.01, 4.36, 0.001), plot_id="K1")]),
        error(LayerCRSError, "verwisseld"),
    ),
    Case(
        "kavels-ver-buiten-nl",
        "kavels",
        "kavels in RD, maar 5000 km buiten Nederland",
        _plots_geojson("kavels.geojson", [shapely.box(5_000_000, 10, 5_000_020, 30)]),
        repaired("outside_nl", 1),
    ),
    Case(
        "voorzieningen-lonlat-verwisseld",
        "voorzieningen CSV",
        "CSV met lat in de lon-kolom en omgekeerd",
        _csv(
            "zorg.csv",
            "id,naam,type,lon,lat\n1,Huisarts,huisarts,52.01,4.36\n2,Apotheek,apotheek,52.02,4.37\n",
        ),
        repaired("lonlat_swapped", 2),
    ),
    Case(
        "voorzieningen-buiten-nl",
        "voorzieningen CSV",
        "CSV met punten in Australië",
        _csv(
            "zorg.csv",
            "id,naam,type,lon,lat\n1,Huisarts,huisarts,151.2,-33.8\n2,Apotheek,apotheek,4.36,52.01\n",
        ),
        repaired("outside_nl", 1),
    ),
    # Geometry problems.
    Case(
        "bag-zelfdoorsnijdend",
        "BAG-vector",
        "pand als zelfdoorsnijdende 'vlinderdas'",
        _bag_gpkg(
            "panden.gpkg",
            [
                Polygon([(84_000, 446_000), (84_010, 446_010), (84_010, 446_000), (84_000, 446_010)]),
                *_boxes(2, y0=446_100),
            ],
        ),
        repaired("repaired_geometry", 1),
    ),
    Case(
        "bag-lege-geometrie",
        "BAG-vector",
        "twee panden met lege geometrie",
        _bag_gpkg("panden.gpkg", [Polygon(), Polygon(), *_boxes(3)]),
        repaired("empty_geometry", 2),
    ),
    Case(
        "bag-3d",
        "BAG-vector",
        "panden met Z-coördinaten",
        _bag_gpkg(
            "panden.gpkg",
            [
                Polygon(
                    [
                        (84_000 + i * 50, 446_000, 3),
                        (84_020 + i * 50, 446_000, 3),
                        (84_020 + i * 50, 446_020, 3),
                    ]
                )
                for i in range(4)
            ],
        ),
        repaired("flattened_3d", 4),
    ),
    Case(
        "bag-dubbele-ids",
        "BAG-vector",
        "vier panden met twee keer hetzelfde identificatienummer",
        _bag_gpkg("panden.gpkg", list(_boxes(4)), ids=["0503100000000001"] * 2 + ["0503100000000002"] * 2),
        repaired("bag_multipart_kept", 2),
    ),
    Case(
        "kavels-gemengde-geometrie",
        "kavels",
        "kavels: vlakken, een lijn en een punt door elkaar",
        _raw_geojson(
            "kavels.geojson",
            [
                _feature(_poly(84_000, 446_000), plot_id="K1"),
                _feature(_poly(84_100, 446_000), plot_id="K2"),
                _feature(
                    {"type": "LineString", "coordinates": [[84_200, 446_000], [84_300, 446_000]]},
                    plot_id="K3",
                ),
            ],
            crs="urn:ogc:def:crs:EPSG::28992",
        ),
        repaired("wrong_geometry_type", 1),
    ),
    Case(
        "bestemmingsvlakken-gemengd",
        "bestemmingsplan-vector",
        "bestemmingsvlakken met een lijn ertussen",
        _raw_geojson(
            "bestemming.geojson",
            [
                _feature(_poly(84_000, 446_000), bestemmingshoofdgroep="wonen"),
                _feature(
                    {"type": "LineString", "coordinates": [[84_200, 446_000], [84_300, 446_000]]},
                    bestemmingshoofdgroep="verkeer",
                ),
            ],
            crs="urn:ogc:def:crs:EPSG::28992",
        ),
        repaired("wrong_geometry_type", 1),
    ),
    Case(
        "kavels-alle-geometrie-leeg",
        "kavels",
        "kavels zonder één bruikbare geometrie",
        _raw_geojson("kavels.geojson", [_feature(None, plot_id="K1"), _feature(None, plot_id="K2")]),  # type: ignore[arg-type]
        repaired("empty_geometry", 2),
    ),
    # Text and size.
    Case(
        "voorzieningen-latin1",
        "voorzieningen CSV",
        "CSV in latin-1 met ë en é",
        _csv(
            "zorg.csv",
            "id;naam;type;x;y\n1;Café Eën;huisarts;84000;446000\n2;Crèche;apotheek;84100;446100\n",
            "latin-1",
        ),
        repaired("encoding_cp1252", 1),
    ),
    Case(
        "voorzieningen-geen-coordinaten",
        "voorzieningen CSV",
        "CSV zonder coördinaatkolommen",
        _csv("zorg.csv", "id,naam,type,adres\n1,Huisarts,huisarts,Markt 1\n"),
        error(LayerFormatError, "herkennen we niet als facilities"),
        kind="facilities",
    ),
    Case(
        "voorzieningen-onzin-coordinaten",
        "voorzieningen CSV",
        "CSV met tekst in de coördinaatkolommen",
        _csv("zorg.csv", "id,naam,type,x,y\n1,Huisarts,huisarts,abc,def\n2,Apotheek,apotheek,84000,446000\n"),
        repaired("missing_coordinates", 1),
    ),
    Case(
        "voorzieningen-enorme-waarde",
        "voorzieningen CSV",
        "CSV met een naam van 10 MB",
        lambda d: _write(d / "zorg.csv", f"id,naam,type,x,y\n1,{HUGE},huisarts,84000,446000\n"),
        loaded(1, "name", len(HUGE)),
    ),
    Case(
        "bag-enorme-waarde",
        "BAG-vector",
        "pand met een attribuut van 10 MB",
        _bag_gpkg("panden.gpkg", list(_boxes(2)), extra={"opmerking": [HUGE, "kort"]}),
        loaded(2, "opmerking", len(HUGE)),
    ),
    # XML safety.
    Case(
        "imro-xxe",
        "IMRO-GML",
        "IMRO-GML met externe entiteit naar een lokaal bestand",
        _xxe_gml,
        error(UnsafeInputError, "DOCTYPE"),
    ),
    Case(
        "imro-entiteitbom",
        "IMRO-GML",
        "IMRO-GML met entiteit-bom (billion laughs)",
        _copy_fixture("imro/entity_bomb.gml", "bom.gml"),
        error(UnsafeInputError, "DOCTYPE"),
    ),
    Case(
        "bag-xml-xxe",
        "BAG-XML",
        "LV BAG-XML met externe entiteit",
        _bag_xml_xxe,
        error(UnsafeInputError, "DOCTYPE"),
    ),
    Case(
        "bag-xml-entiteitbom",
        "BAG-XML",
        "LV BAG-XML met entiteit-bom (billion laughs)",
        _bag_xml_bomb,
        error(UnsafeInputError, "DOCTYPE"),
    ),
    Case(
        "osm-xxe",
        "OSM",
        "OSM-XML met externe entiteit",
        lambda d: _write(
            d / "kaart.osm",
            '<?xml version="1.0"?>\n<!DOCTYPE osm [<!ENTITY xxe SYSTEM "'
            + _write(d / "geheim.txt", SECRET).as_uri()
            + '">]>\n<osm version="0.6">'
            '<node id="1" lat="52.0" lon="4.36"><tag k="name" v="&xxe;"/>'
            '<tag k="amenity" v="pharmacy"/></node></osm>\n',
        ),
        error(UnsafeInputError, "DOCTYPE"),
    ),
    # Archives.
    Case(
        "gtfs-zip-slip",
        "GTFS",
        "GTFS-zip met een entry '../../buiten.txt'",
        _zip("gtfs.zip", {**_gtfs(), "../../buiten.txt": "x"}),
        error(UnsafeInputError, "buiten de map"),
    ),
    Case(
        "bag-xml-zip-slip",
        "BAG-XML",
        "BAG-zip met een entry '../9999PND.xml'",
        _zip("bag.zip", {"../9999PND08012024-000001.xml": _lvbag_xml(2)}),
        error(UnsafeInputError, "buiten de map"),
    ),
    Case(
        "gtfs-zip-bom",
        "GTFS",
        "GTFS-zip die uitpakt tot 200 MB nullen",
        _bomb("gtfs.zip", "stops.txt"),
        error(UnsafeInputError, "zip-bom"),
    ),
    Case(
        "bag-xml-zip-bom",
        "BAG-XML",
        "BAG-zip die uitpakt tot 200 MB",
        _bomb("bag.zip", "9999PND08012024-000001.xml"),
        error(UnsafeInputError, "zip-bom"),
    ),
    Case(
        "gtfs-zonder-stops",
        "GTFS",
        "GTFS-zip zonder stops.txt",
        _zip("gtfs.zip", _gtfs(**{"stops.txt": None})),
        error(LayerSchemaError, "stops.txt"),
    ),
    Case(
        "gtfs-stops-zonder-coordinaten",
        "GTFS",
        "GTFS met haltes zonder geldige coördinaten",
        _zip(
            "gtfs.zip",
            _gtfs(
                **{"stops.txt": "stop_id,stop_name,stop_lat,stop_lon\na,Halte A,,\nb,Halte B,52.02,4.37\n"}
            ),
        ),
        repaired("gtfs_no_coordinates", 1),
    ),
    # CBS, raster, OSM.
    Case(
        "cbs-dubbele-buurtcode",
        "CBS",
        "buurtenkaart met een dubbele buurtcode",
        lambda d: _cbs(d, ["BU05030001", "BU05030001", "BU05030002"]),
        loaded(3),
    ),
    Case(
        "cbs-zonder-crs-buiten-rd",
        "CBS",
        "buurtenkaart zonder CRS en coördinaten buiten RD",
        lambda d: _cbs(d, ["BU05030001"], crs=None, x0=5_000_000),
        error(LayerCRSError, "passen niet in RD New"),
    ),
    Case("raster-zonder-crs", "raster", "GeoTIFF zonder CRS", _tif(None), repaired("crs_assumed_rd", 1)),
    Case(
        "raster-afgebroken",
        "raster",
        "GeoTIFF halverwege afgebroken",
        _truncated(_tif("EPSG:28992"), 0.3),
        error(LayerFormatError, "rasterbestand"),
    ),
    Case(
        "osm-leeg-document",
        "OSM",
        "OSM-XML zonder objecten",
        _csv("leeg.osm", '<?xml version="1.0"?>\n<osm version="0.6"></osm>\n'),
        loaded(0),
    ),
    # Projects.
    Case(
        "project-geen-project",
        "projectbestand",
        "een GeoPackage dat geen project is",
        _not_a_project,
        error(ProjectFileError, "geen project"),
        via="open",
    ),
    Case(
        "project-afgebroken",
        "projectbestand",
        "projectbestand halverwege afgebroken",
        _truncated(_project),
        error(ProjectFileError, "beschadigd"),
        via="open",
    ),
    Case(
        "project-middenin-beschadigd",
        "projectbestand",
        "4 KB willekeurige bytes midden in het projectbestand",
        _flip_middle,
        error(ProjectFileError, "beschadigd"),
        via="open",
    ),
    Case(
        "project-nieuwer-schema",
        "projectbestand",
        "project met een nieuwere schemaversie",
        _newer_schema,
        error(ProjectFileError, "nieuwere"),
        via="open",
    ),
    Case(
        "project-willekeurig",
        "projectbestand",
        "willekeurige bytes met extensie .gpkg",
        _random_file("project.gpkg", 7),
        error(ProjectFileError, "beschadigd"),
        via="open",
    ),
    Case(
        "import-willekeurig",
        "projectimport",
        "import van willekeurige bytes (.geojson)",
        _random_file("laag.geojson", 8),
        error(LayerFormatError, "beschadigd"),
        via="import",
    ),
    Case(
        "import-raster",
        "projectimport",
        "import van een raster als laag",
        _tif("EPSG:28992"),
        error(InputsError, "raster"),
        via="import",
    ),
    Case(
        "import-xxe",
        "projectimport",
        "import van IMRO-GML met externe entiteit",
        _xxe_gml,
        error(UnsafeInputError, "DOCTYPE"),
        via="import",
    ),
]


def _cbs(d: Path, codes: list[str], *, crs: str | None = "EPSG:28992", x0: float = 84_000) -> Path:
    path = d / "buurten.gpkg"
    _gdf(
        {
            "buurtcode": codes,
            "buurtnaam": [f"Buurt {i}" for i in range(len(codes))],
            "aantal_inwoners": [100] * len(codes),
        },
        list(_boxes(len(codes), x0=x0)),
        crs,
    ).to_file(path, layer="cbs_buurten_2023", driver="GPKG")
    return path


assert len({c.id for c in CASES}) == len(CASES), "corpus ids must be unique"
_ = (os, LineString, LayerSizeError, ProjectError)
