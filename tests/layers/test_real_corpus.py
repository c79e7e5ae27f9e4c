"""The real-file corpus (tests/fixtures/real, see PROVENANCE.md there): one public file per format.

Every count is checked against a value computed here independently of the loaders: GTFS with
the ``csv`` module and an explicit trip-by-trip enumeration, GML with ``xml.etree`` and a
shoelace area, GeoPackages with ``sqlite3``, JSON with ``json``. None of these files is from a
municipality or operator in ../shared/data.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import shutil
import sqlite3
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest

from layers.canonical import LayerKind
from layers.registry import load_path

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
GML = "{http://www.opengis.net/gml/3.2}"
GML31 = "{http://www.opengis.net/gml}"


@pytest.fixture
def real(tmp_path: Path) -> Callable[[str], Path]:
    """A copy of a corpus file or folder (GDAL must never write next to the repository's files)."""

    def copy(rel: str) -> Path:
        src = REAL / rel
        dst = tmp_path / "real" / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copy2(src, dst)
        return dst

    return copy


# ------------------------------------------------------------------------------------ GTFS


def _secs(text: str) -> int | None:
    parts = text.strip().split(":")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    h, m, s = (int(p) for p in parts)
    return h * 3600 + m * 60 + s


def _reference_departures(
    zip_path: Path, day: dt.date, lo_h: float = 7, hi_h: float = 19
) -> tuple[Counter[str], int]:
    """Departures per stop_id on ``day`` in [lo, hi), and how many came from frequencies.txt.

    A plain reading of the GTFS reference.

    Services from calendar.txt (weekday flag and date range) then calendar_dates.txt; a trip in
    frequencies.txt runs at start + k·headway while that is before end, its stops passed at the
    same offsets as in its stop_times; pickup_type 1 is no departure. No pandas, no loader code.
    """
    with zipfile.ZipFile(zip_path) as zf:

        def rows(name: str) -> list[dict[str, str]]:
            if name not in zf.namelist():
                return []
            text = zf.read(name).decode("utf-8-sig")
            return [
                {k.strip(): (v or "").strip() for k, v in r.items()}
                for r in csv.DictReader(io.StringIO(text))
            ]

        calendar, dates = rows("calendar.txt"), rows("calendar_dates.txt")
        trips, stop_times, freqs = rows("trips.txt"), rows("stop_times.txt"), rows("frequencies.txt")
    key = day.strftime("%Y%m%d")
    weekday = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")[day.weekday()]
    active = {
        c["service_id"] for c in calendar if c[weekday] == "1" and c["start_date"] <= key <= c["end_date"]
    }
    active -= {d["service_id"] for d in dates if d["date"] == key and d["exception_type"] == "2"}
    active |= {d["service_id"] for d in dates if d["date"] == key and d["exception_type"] == "1"}
    running = {t["trip_id"] for t in trips if t["service_id"] in active}
    by_trip: dict[str, list[dict[str, str]]] = {}
    for st in stop_times:
        by_trip.setdefault(st["trip_id"], []).append(st)
    repeated: dict[str, list[tuple[int, int, int]]] = {}
    for f in freqs:
        start, end = _secs(f["start_time"]), _secs(f["end_time"])
        assert start is not None
        assert end is not None
        repeated.setdefault(f["trip_id"], []).append((start, end, int(f["headway_secs"])))
    lo, hi = lo_h * 3600, hi_h * 3600
    out: Counter[str] = Counter()
    from_frequencies = 0
    for trip_id in running:
        stops = sorted(by_trip.get(trip_id, []), key=lambda r: int(r["stop_sequence"]))
        times = [(_secs(r["departure_time"] or r["arrival_time"]), r) for r in stops]
        timed = [(t, r) for t, r in times if t is not None]
        if trip_id in repeated:
            first = timed[0][0]
            for start, end, headway in repeated[trip_id]:
                t0 = start
                while t0 < end:
                    for t, r in timed:
                        if r.get("pickup_type") != "1" and lo <= t0 + (t - first) < hi:
                            out[r["stop_id"]] += 1
                            from_frequencies += 1
                    t0 += headway
        else:
            for t, r in timed:
                if r.get("pickup_type") != "1" and lo <= t < hi:
                    out[r["stop_id"]] += 1
    return out, from_frequencies


def _departures(frame: gpd.GeoDataFrame) -> dict[str, int]:
    return {
        str(k).removeprefix("gtfs:"): int(v)
        for k, v in zip(frame["facility_id"], frame["departures"], strict=True)
    }


def test_gtfs_aranda_exact_times_1_with_calendar_and_calendar_dates(real: Callable[[str], Path]) -> None:
    feed = real("gtfs/aranda_busurbano_gtfs_2026.zip")
    # Tuesday 10 March 2026: both weekday services; Wednesday 1 April 2026: the school service
    # (L-V_Lectivo) removed by calendar_dates.txt; Thursday 2 April 2026: both removed.
    totals = {}
    for day in (dt.date(2026, 3, 10), dt.date(2026, 4, 1), dt.date(2026, 4, 2)):
        [res] = load_path(feed, gtfs_date=day.isoformat(), today=dt.date(2026, 3, 4))
        want, want_repeated = _reference_departures(feed, day)
        got = _departures(res.frame)
        assert {k: v for k, v in got.items() if v} == dict(want)
        assert res.meta["frequencies"]["departures"] == want_repeated
        assert res.meta["frequencies"]["exact_times_1"] == 12
        totals[day.day] = sum(want.values())
    assert totals[10] > totals[1] > totals[2] == 0
    [tuesday] = load_path(feed, gtfs_date="2026-03-10", today=dt.date(2026, 3, 4))
    assert all(v > 0 for v in _departures(tuesday.frame).values())
    assert tuesday.meta["validity"] == {"start": "2025-12-01", "end": "2028-12-31"}
    assert tuesday.meta["feed_info"]["end"] == "2026-12-31"
    assert not {"gtfs_expired", "gtfs_no_service"} & {w.code for w in tuesday.warnings}
    [holiday] = load_path(feed, gtfs_date="2026-04-02", today=dt.date(2026, 3, 4))
    assert "gtfs_no_service" in {w.code for w in holiday.warnings}


def test_gtfs_cdmx_metro_exact_times_0_expired(real: Callable[[str], Path]) -> None:
    feed = real("gtfs/DERIVED_cdmx_metro_gtfs_2018.zip")
    [res] = load_path(feed, today=dt.date(2026, 12, 4))
    assert res.meta["date"] == "2018-01-02"  # a Tuesday inside 2018-01-01 .. 2019-12-31
    expired = next(w.message for w in res.warnings if w.code == "gtfs_expired")
    assert "2019-12-31" in expired
    assert "2018-01-02" in expired
    want, want_repeated = _reference_departures(feed, dt.date(2018, 1, 2))
    got = _departures(res.frame)
    assert {k: v for k, v in got.items() if v} == dict(want)
    assert res.meta["frequencies"]["departures"] == want_repeated == sum(want.values())
    assert res.meta["frequencies"]["exact_times_0"] == 116
    stats = res.meta["departures_per_hour_stats"]
    assert stats["stops_with_service"] == stats["stops"] == 195
    assert stats["min"] > 0


# ------------------------------------------------------------------------------------ IMRO

IMRO2008 = "{http://www.geonovum.nl/imro/2008/1}"
IMRO2012 = "{http://www.geonovum.nl/imro/2012/1.1}"


def _waarden(path: Path, ns: str) -> list[tuple[str, str]]:
    """(waardeType, waarde) of every Maatvoering in the file, read with ElementTree."""
    root = ET.parse(path).getroot()
    return [
        ((w.findtext(f"{ns}waardeType") or "").strip(), (w.findtext(f"{ns}waarde") or "").strip())
        for mv in root.iter(f"{ns}Maatvoering")
        for w in mv.iter(f"{ns}WaardeEnType")
    ]


def test_imro2008_gieterveen_concept_maximaal_aantal_wooneenheden(real: Callable[[str], Path]) -> None:
    path = real("imro/NL.IMRO.1680.1800030105-0000.gml")
    pairs = _waarden(path, IMRO2008)
    homes = sorted(float(v) for t, v in pairs if t == "maximaal aantal wooneenheden")
    assert len(homes) == 5
    [res] = load_path(path, kind=LayerKind.ZONING)
    mv = res.frame[res.frame["feature_type"] == "maatvoering"]
    assert sorted(mv["max_wooneenheden"].dropna().astype(float)) == homes
    unknown = next(w for w in res.warnings if w.code == "maatvoering_unknown_type")
    assert unknown.count == sum(1 for t, _ in pairs if t.startswith("other:")) == 3
    assert set(res.frame["plan_status"]) == {"concept"}
    assert set(res.frame["plan_date"]) == {"2009-07-07"}
    flag = next(w.message for w in res.warnings if w.code == "plan_not_in_force")
    assert "'concept'" in flag


def test_imro2012_doornboom_ontwerp_wooneenheden_and_goothoogte(real: Callable[[str], Path]) -> None:
    path = real("imro/NL.IMRO.0798.BPDoornboom-ON01.gml")
    pairs = _waarden(path, IMRO2012)
    [res] = load_path(path, kind=LayerKind.ZONING)
    mv = res.frame[res.frame["feature_type"] == "maatvoering"]
    for waarde_type, column in (
        ("maximum aantal wooneenheden", "max_wooneenheden"),
        ("maximum goothoogte (m)", "max_goothoogte_m"),
        ("maximum bouwhoogte (m)", "max_bouwhoogte_m"),
    ):
        want = sorted(float(v.replace(",", ".")) for t, v in pairs if t == waarde_type)
        assert want, waarde_type
        assert sorted(mv[column].dropna().astype(float)) == want
    assert "maatvoering_unknown_type" not in {w.code for w in res.warnings}
    assert set(res.frame["plan_status"]) == {"ontwerp"}
    assert "plan_not_in_force" in {w.code for w in res.warnings}


# ------------------------------------------------------------------------------------ BRK


def _shoelace(pos_list: str) -> float:
    nums = [float(v) for v in pos_list.split()]
    xy = list(zip(nums[0::2], nums[1::2], strict=True))
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(xy))) / 2


def _brk_percelen(path: Path) -> dict[str, tuple[float, float]]:
    """kadastraal_perceel -> (kadastrale grootte, polygon area) from the GML, with ElementTree."""
    out = {}
    for elem in ET.parse(path).getroot().iter():
        if not elem.tag.endswith("}Perceel"):
            continue
        text = {e.tag.rsplit("}", 1)[-1]: (e.text or "").strip() for e in elem.iter()}
        akr = next(
            (e.findtext("{*}waarde") or e.text or "").strip()
            for e in elem.iter()
            if e.tag.rsplit("}", 1)[-1] in ("AKRKadastraleGemeenteCode", "aKRKadastraleGemeenteCode")
            and (e.findtext("{*}waarde") or (e.text or "").strip())
        )
        grootte = next(
            float((e.findtext(".//{*}waarde") or "nan").strip())
            for e in elem.iter()
            if e.tag.endswith("}kadastraleGrootte")
        )
        ring = next(e for e in elem.iter() if e.tag.endswith("}begrenzingPerceel"))
        pos = next(e.text for e in ring.iter() if e.tag in (f"{GML}posList", f"{GML31}posList") and e.text)
        out[f"{akr} {text['sectie']} {text['perceelnummer']}"] = (grootte, _shoelace(pos))
    return out


@pytest.mark.parametrize(
    ("name", "n"),
    [
        ("brk/kadastralekaart_v5_perceel_otterlo.gml", 11),
        ("brk/dkk_v4_perceel_amsterdam.gml", 8),
        ("brk/dkk_v3_perceel_limburg.gml", 15),
    ],
)
def test_brk_percelen_are_polygons_with_aanduiding_and_grootte(
    real: Callable[[str], Path], name: str, n: int
) -> None:
    path = real(name)
    want = _brk_percelen(path)
    assert len(want) == n
    [res] = load_path(path, kind=LayerKind.PLOTS)
    frame = res.frame
    assert len(frame) == n
    assert set(frame.geometry.geom_type) == {"Polygon"}
    assert set(frame["kadastraal_perceel"]) == set(want)
    assert set(frame["plot_id"]) == set(want)
    for _, row in frame.iterrows():
        grootte, area = want[row["kadastraal_perceel"]]
        assert row["kadastrale_grootte_m2"] == grootte
        assert row["area_m2"] == pytest.approx(area, abs=0.01)
    geometry = res.meta["geometry"]
    assert geometry["chosen"] == "begrenzingPerceel"
    assert geometry["type"] == "vlak"
    assert [o["name"] for o in geometry["others"]] == ["plaatscoordinaten"]
    assert res.meta["source_crs"] == "EPSG:28992"


def test_brk_gdal_defaults_would_give_label_points(real: Callable[[str], Path]) -> None:
    """Why the loader chooses: plain GDAL reads the v5 percelen as points of area 0."""
    path = real("brk/kadastralekaart_v5_perceel_otterlo.gml")
    plain = pyogrio.read_dataframe(path, WRITE_GFS="NO")
    assert set(plain.geometry.geom_type) == {"Point"}
    # The same points, written as a GeoPackage (what a quick ogr2ogr gives), are said to be labels.
    gpkg = path.with_suffix(".gpkg")
    plain.to_file(gpkg, layer="perceel")
    [res] = load_path(gpkg, kind=LayerKind.PLOTS)
    assert (res.frame["area_m2"] == 0).all()
    assert {w.code: w.count for w in res.warnings}["brk_label_points"] == 11


def test_brk_panden_are_buildings_with_their_footprint(real: Callable[[str], Path]) -> None:
    for name, n in (("brk/kadastralekaart_v5_pand_otterlo.gml", 22), ("brk/dkk_v4_pand_amsterdam.gml", 13)):
        path = real(name)
        root = ET.parse(path).getroot()
        ids = [e.text for e in root.iter() if e.tag.endswith("}identificatieBAGPND")]
        areas = []
        for part in root.iter("{http://www.opengis.net/citygml/building/2.0}BuildingPart"):
            ground = next(e for e in part.iter() if e.tag.endswith("}geometrie2dGrondvlak"))
            areas.append(sum(_shoelace(p.text or "") for p in ground.iter(f"{GML31}posList")))
        assert len(ids) == len(areas) == n
        [res] = load_path(path, kind=LayerKind.BUILDINGS)
        assert sorted(res.frame["identificatie"]) == sorted(ids)
        assert set(res.frame.geometry.geom_type) <= {"Polygon", "MultiPolygon"}
        assert sorted(res.frame.geometry.area.round(2)) == pytest.approx(sorted(areas), abs=0.01)
        assert res.meta["geometry"]["chosen"] == "geometrie2dGrondvlak"


def test_brk_flat_geojson_export(real: Callable[[str], Path]) -> None:
    path = real("brk/dkk_v3_perceel_flat_limburg.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    want = {
        f"{f['properties']['gemeente']} {f['properties']['sectie']} {f['properties']['perceelnummer']}": float(
            f["properties"]["waarde"]
        )
        for f in data["features"]
    }
    [res] = load_path(path, kind=LayerKind.PLOTS)
    got = dict(
        zip(res.frame["kadastraal_perceel"], res.frame["kadastrale_grootte_m2"].astype(float), strict=True)
    )
    assert got == want
    assert res.meta["geometry"]["type"] == "vlak"


# ------------------------------------------------------------------------------------ BAG


def test_pdok_bag_address_package_reads_all_point_layers(real: Callable[[str], Path]) -> None:
    path = real("bag/pdok_bag_adressen_amsterdam_houthavens.gpkg")
    with sqlite3.connect(path) as db:
        counts = {
            t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
            for t in ("verblijfsobjecten", "ligplaatsen", "standplaatsen")
        }
    assert counts == {"verblijfsobjecten": 1836, "ligplaatsen": 67, "standplaatsen": 1}
    for kind in (None, LayerKind.ADDRESSES):
        [res] = load_path(path, kind=kind)
        assert res.kind is LayerKind.ADDRESSES
        assert len(res.frame) == sum(counts.values())
        assert res.meta["layers"] == counts
        assert res.frame["bag_type"].value_counts().to_dict() == {
            "verblijfsobject": 1836,
            "ligplaats": 67,
            "standplaats": 1,
        }
        assert "bag_address_only" in {w.code for w in res.warnings}
    [lig] = load_path(path, layer="ligplaatsen")
    assert len(lig.frame) == 67


def _pand_voorkomens(folder: Path) -> list[dict[str, str]]:
    out = []
    for f in folder.glob("*PND*.xml"):
        for pand in (
            ET.parse(f).getroot().iter("{www.kadaster.nl/schemas/lvbag/imbag/objecten/v20200601}Pand")
        ):
            out.append({e.tag.rsplit("}", 1)[-1]: (e.text or "").strip() for e in pand.iter()})
    return out


def test_lvbag_assen_keeps_current_voorkomens_and_counts_only_kept_panden(
    real: Callable[[str], Path],
) -> None:
    folder = real("bag/lvbag_assen")
    voorkomens = _pand_voorkomens(folder)
    current = {v["identificatie"] for v in voorkomens if not v.get("eindGeldigheid")}
    assert (len(voorkomens), len(current)) == (6, 4)
    results = {r.kind: r for r in load_path(folder)}
    panden = results[LayerKind.BUILDINGS]
    assert set(panden.frame["identificatie"]) == current
    assert panden.meta["source_crs"] == "EPSG:28992"
    codes = {w.code: w.count for w in panden.warnings}
    assert codes["bag_history_dropped"] == 2
    assert "bag_bouwjaar_unknown" not in codes
    assert "peildatum_old" in codes  # StandTechnischeDatum 2020-10-08
    # An unknown year (9999) on a history voorkomen is no news; on a current pand it is counted.
    xml = next(folder.glob("*PND*.xml"))
    text = xml.read_text(encoding="utf-8")
    first_old = text.index("<Objecten:oorspronkelijkBouwjaar>2009")
    history = text[:first_old] + text[first_old:].replace("Bouwjaar>2009<", "Bouwjaar>9999<", 1)
    xml.write_text(history, encoding="utf-8")
    [res] = load_path(folder, kind=LayerKind.BUILDINGS)
    assert "bag_bouwjaar_unknown" not in {w.code for w in res.warnings}
    current_one = history.replace("Bouwjaar>1975<", "Bouwjaar>9999<")
    xml.write_text(current_one, encoding="utf-8")
    [res] = load_path(folder, kind=LayerKind.BUILDINGS)
    assert {w.code: w.count for w in res.warnings}["bag_bouwjaar_unknown"] == 1


def test_brk_in_pdok_geopackage_layout(real: Callable[[str], Path], tmp_path: Path) -> None:
    """PDOK's GeoPackage columns (its published service configuration), filled from the real v5 GML.

    No real PDOK download was found (see PROVENANCE.md); the parcels and their numbers are the
    real Otterlo ones, only the column names and layers follow PDOK's layout.
    """
    source = real("brk/kadastralekaart_v5_perceel_otterlo.gml")
    want = _brk_percelen(source)
    [plain] = load_path(source, kind=LayerKind.PLOTS)
    f = plain.frame
    perceel = gpd.GeoDataFrame(
        {
            "identificatie_lokaal_id": f["brk_identificatie"],
            "kadastrale_gemeente_code": f["kadastrale_gemeente_code"],
            "kadastrale_gemeente_waarde": f["kadastrale_gemeente"],
            "akr_kadastrale_gemeente_code_waarde": f["akr_code"],
            "sectie": f["sectie"],
            "perceelnummer": f["perceelnummer"].astype(int),
            "kadastrale_grootte_waarde": f["kadastrale_grootte_m2"].astype(float),
            "soort_grootte_waarde": "Vastgesteld",
            "perceelnummer_plaatscoordinaat_x": f.geometry.representative_point().x,
            "perceelnummer_plaatscoordinaat_y": f.geometry.representative_point().y,
        },
        geometry=f.geometry,
        crs=f.crs,
    )
    gpkg = tmp_path / "kadastralekaart.gpkg"
    gpd.GeoDataFrame(
        {"perceel_id": perceel["identificatie_lokaal_id"], "perceelnummer": perceel["perceelnummer"]},
        geometry=f.geometry.representative_point(),
        crs=f.crs,
    ).to_file(gpkg, layer="perceel_label")
    perceel.to_file(gpkg, layer="perceel")
    [res] = load_path(gpkg)
    assert res.kind is LayerKind.PLOTS
    assert res.layer == "perceel"
    assert set(res.frame["kadastraal_perceel"]) == set(want)
    assert res.meta["geometry"]["type"] == "vlak"
    assert "perceelnummer_plaatscoordinaat_x" in res.meta["geometry"]["others"][0]["name"]
    assert res.meta["other_layers"] == ["perceel_label"]  # the label points: known, not used
