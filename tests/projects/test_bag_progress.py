"""Progress from the BAG: proposals from two real snapshots of the same area, checked by brute force.

The snapshots are real: the LV BAG 2.0 extract of Doesburg (NLExtract test fixture, CC0, see
shared/data/PROVENANCE.md) keeps every voorkomen of its objects with their validity dates, so
the extract read "as of" 2011-08-01 is the BAG of that day and the extract read today is the
newer one. The Delft campus panden (City4CFD, BAG CC0) carry two real "Bouw gestart" panden.

The reference is written here from the raw files (ElementTree for the XML, json for the
GeoJSON, shapely per object), independent of GDAL and of the loaders' pipeline.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from layers.registry import load_path
from projects.bag_progress import (
    REJECTED_TABLE,
    accept_proposals,
    bag_progress,
    bag_progress_json,
    load_bag_extract,
    reject_proposals,
)
from projects.errors import ConflictError, InputsError
from projects.history import history
from projects.imports import import_layer
from projects.plots import add_plot, plots_frame
from projects.reservations import reservation_values, reserve, set_status
from projects.store import ProjectStore

DOESBURG = "doesburg/bag_lvbag_xml/small_extract"
DELFT = "delft/bag/tudcampus_bag_panden.geojson"
OLD_DAY = "2011-08-01"

# Written out here, not read from resources/: the test's own reading of the BAG catalogue.
HOME_IN_USE = {
    "verblijfsobject in gebruik",
    "verblijfsobject in gebruik (niet ingemeten)",
    "verbouwing verblijfsobject",
}
BUILDING = {"bouwvergunning verleend", "bouw gestart"}
PIPELINE = [
    "kansrijk",
    "voorgedragen",
    "gereserveerd",
    "in prestatieafspraak",
    "in ontwikkeling",
    "gerealiseerd",
]

NS = {
    "Objecten": "www.kadaster.nl/schemas/lvbag/imbag/objecten/v20200601",
    "Historie": "www.kadaster.nl/schemas/lvbag/imbag/historie/v20200601",
    "Objecten-ref": "www.kadaster.nl/schemas/lvbag/imbag/objecten-ref/v20200601",
    "gml": "http://www.opengis.net/gml/3.2",
}


@dataclass(frozen=True)
class Voorkomen:
    ident: str
    status: str
    doelen: tuple[str, ...]
    begin: str
    end: str | None
    registered: str
    geom: shapely.Geometry


def _text(el: ET.Element, path: str) -> str | None:
    found = el.find(path, NS)
    return None if found is None or found.text is None else found.text.strip()


def _coords(values: str) -> list[tuple[float, float]]:
    """x y z triples (LV BAG writes srsDimension 3) as (x, y)."""
    nums = [float(v) for v in values.split()]
    assert len(nums) % 3 == 0
    return [(nums[i], nums[i + 1]) for i in range(0, len(nums), 3)]


def _raw_voorkomens(path: Path, tag: str) -> list[Voorkomen]:
    out = []
    for obj in ET.parse(path).getroot().iter(f"{{{NS['Objecten']}}}{tag}"):
        ident = _text(obj, "Objecten:identificatie")
        assert ident is not None
        if tag == "Pand":
            pos = obj.find(".//gml:posList", NS)
            assert pos is not None
            assert pos.text
            geom: shapely.Geometry = shapely.Polygon(_coords(pos.text))
        else:
            pos = obj.find(".//gml:pos", NS)
            assert pos is not None
            assert pos.text
            geom = shapely.Point(_coords(pos.text)[0])
        out.append(
            Voorkomen(
                ident=ident,
                status=str(_text(obj, "Objecten:status")),
                doelen=tuple(d.text.strip() for d in obj.findall("Objecten:gebruiksdoel", NS) if d.text),
                begin=str(_text(obj, ".//Historie:beginGeldigheid")),
                end=_text(obj, ".//Historie:eindGeldigheid"),
                registered=str(_text(obj, ".//Historie:tijdstipRegistratie")),
                geom=geom,
            )
        )
    return out


def _valid_on(rows: list[Voorkomen], day: str) -> dict[str, Voorkomen]:
    """The voorkomen of each object valid on ``day`` (begun, not ended, registered by then)."""
    return {
        r.ident: r
        for r in rows
        if r.begin <= day and (r.end is None or r.end > day) and r.registered[:10] <= day
    }


@pytest.fixture
def doesburg(shared_data: Callable[[str], Path]) -> Path:
    return shared_data(DOESBURG)


def _file(folder: Path, code: str) -> Path:
    return next(folder.glob(f"0221{code}*.xml"))


def _project(tmp_path: Path, name: str = "bag.gpkg") -> ProjectStore:
    return ProjectStore.create(tmp_path / name, name="BAG-voortgang", gemeente_code="0221", user="test")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _doesburg_project(tmp_path: Path, folder: Path) -> tuple[ProjectStore, dict[str, int]]:
    """The older snapshot imported as the project's BAG; plots over both panden and an empty one."""
    store = _project(tmp_path)
    import_layer(store, folder, as_of=OLD_DAY)
    panden = {v.ident: v.geom for v in _raw_voorkomens(_file(folder, "PND"), "Pand")}
    add_plot(store, "KERK", panden["0221100000312938"].buffer(4))
    add_plot(store, "SCHUUR", panden["0221100000311191"].buffer(2))
    add_plot(store, "LEEG", shapely.box(206000, 447000, 206050, 447050))
    ids = {
        "kerk_nultreden": reserve(store, "KERK", "nultreden", 1, 2, status="gereserveerd").fid,
        "kerk_geclusterd": reserve(store, "KERK", "geclusterd", 1, 1, status="gerealiseerd").fid,
        "schuur": reserve(store, "SCHUUR", "nultreden", 1, 1, status="voorgedragen").fid,
        "leeg": reserve(store, "LEEG", "nultreden", 5, 8, status="kansrijk").fid,
    }
    return store, ids


def _expected_doesburg(
    folder: Path, store: ProjectStore, new_day: str
) -> dict[int, tuple[str, int, set[str]]]:
    """Brute force: per reservation the proposed status, the homes and the evidence ids."""
    vbos = _raw_voorkomens(_file(folder, "VBO"), "Verblijfsobject")
    panden = _raw_voorkomens(_file(folder, "PND"), "Pand")

    def homes(day: str) -> dict[str, Voorkomen]:
        return {
            i: v
            for i, v in _valid_on(vbos, day).items()
            if "woonfunctie" in v.doelen and v.status.lower() in HOME_IN_USE
        }

    before = set(homes(OLD_DAY))
    now = homes(new_day)
    panden_now = _valid_on(panden, new_day)
    expected: dict[int, tuple[str, int, set[str]]] = {}
    with store.session() as s:
        from projects.models import Reservation

        rows = [(r.fid, r.status, shapely.from_wkb(shapely.to_wkb(r.geom))) for r in s.query(Reservation)]
    for fid, status, plot in rows:
        if status == "gerealiseerd":
            continue
        new_homes = {i for i, v in now.items() if i not in before and plot.covers(v.geom)}
        if new_homes and PIPELINE.index("gerealiseerd") > PIPELINE.index(status):
            in_use = {
                i
                for i, p in panden_now.items()
                if "in gebruik" in p.status.lower() and p.geom.intersection(plot).area >= 0.5 * p.geom.area
            }
            expected[fid] = ("gerealiseerd", len(new_homes), new_homes | in_use)
    return expected


def test_as_of_reads_the_extract_as_it_stood_that_day(doesburg: Path) -> None:
    for day in (OLD_DAY, "2019-02-01", "2026-01-01"):
        results = {r.kind.value: r.frame for r in load_path(doesburg, as_of=day)}
        for code, tag, kind in (("PND", "Pand", "buildings"), ("VBO", "Verblijfsobject", "addresses")):
            valid = _valid_on(_raw_voorkomens(_file(doesburg, code), tag), day)
            got = results[kind]
            assert sorted(got["identificatie"]) == sorted(valid), (day, kind)
            statuses = dict(zip(got["identificatie"], got["status"], strict=True))
            assert statuses == {i: v.status for i, v in valid.items()}, (day, kind)


def test_two_real_snapshots_give_the_brute_force_proposals(tmp_path: Path, doesburg: Path) -> None:
    store, ids = _doesburg_project(tmp_path, doesburg)
    expected = _expected_doesburg(doesburg, store, "2026-12-04")
    assert expected, "the reference must find the new home on the church plot"
    before = _sha(tmp_path / "bag.gpkg")
    result = bag_progress(store, load_bag_extract(doesburg))
    assert _sha(tmp_path / "bag.gpkg") == before  # listing never writes
    got = {
        p.reservation_id: (p.proposed_status, p.homes_counted, {e.identificatie for e in p.evidence})
        for p in result.proposals
    }
    assert got == expected
    proposal = result.proposal(ids["kerk_nultreden"])
    assert proposal.current_status == "gereserveerd"
    vbo = next(e for e in proposal.evidence if e.object_type == "verblijfsobject")
    assert (vbo.identificatie, vbo.status, vbo.date_kind, vbo.date) == (
        "0221010000330226",
        "Verbouwing verblijfsobject",
        "beginGeldigheid",
        "2019-11-19",
    )
    assert vbo.new
    # Never for an already realised reservation; the barn's new VBO has no woonfunctie: a note.
    assert ids["kerk_geclusterd"] not in got
    notes = {n.reservation_id: n for n in result.notes}
    assert set(notes) == {ids["schuur"]}
    assert "geen nieuwe verblijfsobjecten met woonfunctie" in notes[ids["schuur"]].text
    assert "overige gebruiksfunctie" in notes[ids["schuur"]].text
    assert {e.identificatie for e in notes[ids["schuur"]].evidence} >= {"0221010000330999"}
    assert json.loads(json.dumps(bag_progress_json(result)))["proposals"][0]["homes_counted"] == 1


def test_an_intermediate_snapshot_matches_the_brute_force_too(tmp_path: Path, doesburg: Path) -> None:
    store, _ = _doesburg_project(tmp_path, doesburg)
    for day in ("2011-09-01", "2011-09-07", "2019-02-01"):
        result = bag_progress(store, load_bag_extract(doesburg, as_of=day))
        got = {
            p.reservation_id: (p.proposed_status, p.homes_counted, {e.identificatie for e in p.evidence})
            for p in result.proposals
        }
        assert got == _expected_doesburg(doesburg, store, day), day


def test_accepting_goes_through_the_audited_status_change(tmp_path: Path, doesburg: Path) -> None:
    store, ids = _doesburg_project(tmp_path, doesburg)
    fid = ids["kerk_nultreden"]
    set_status(store, fid, "gereserveerd", notes="afspraak met Woonbron")
    result = bag_progress(store, load_bag_extract(doesburg))
    accept_proposals(store, result, [fid])
    values = reservation_values(store, fid)
    assert values["status"] == "gerealiseerd"
    assert values["notes"].startswith("afspraak met Woonbron\nBAG-voortgang (stand 2020-09-15)")
    assert "0221010000330226" in values["notes"]
    entries = [e for e in history(store, "KERK") if e.entity == "reservations"]
    changed = {change for e in entries for change in e.changes}  # (label, old, new)
    assert ("status", "gereserveerd", "gerealiseerd") in changed
    assert any(new.startswith("afspraak met Woonbron\nBAG-voortgang") for _, _, new in changed)
    again = bag_progress(store, load_bag_extract(doesburg))
    assert fid not in {p.reservation_id for p in again.proposals}  # gerealiseerd now: never again
    with pytest.raises(InputsError):
        accept_proposals(store, again, [ids["leeg"]])


def test_an_edit_in_between_is_a_conflict(tmp_path: Path, doesburg: Path) -> None:
    store, ids = _doesburg_project(tmp_path, doesburg)
    result = bag_progress(store, load_bag_extract(doesburg))
    set_status(store, ids["kerk_nultreden"], "in prestatieafspraak")
    with pytest.raises(ConflictError):
        accept_proposals(store, result, [ids["kerk_nultreden"]])
    assert reservation_values(store, ids["kerk_nultreden"])["status"] == "in prestatieafspraak"


def test_a_rejection_holds_for_the_same_evidence_only(tmp_path: Path, doesburg: Path) -> None:
    store, ids = _doesburg_project(tmp_path, doesburg)
    fid = ids["kerk_nultreden"]
    early = bag_progress(store, load_bag_extract(doesburg, as_of="2019-02-01"))
    assert fid in {p.reservation_id for p in early.proposals}
    reject_proposals(store, early, [fid])
    assert len(store.read_layer(REJECTED_TABLE)) == 1
    same = bag_progress(store, load_bag_extract(doesburg, as_of="2019-02-01"))
    assert fid not in {p.reservation_id for p in same.proposals}
    assert [p.reservation_id for p in same.rejected] == [fid]
    assert reservation_values(store, fid)["status"] == "gereserveerd"  # rejecting changes nothing
    # The newer extract has new evidence (the VBO is being renovated since 2019-11-19): it is back.
    later = bag_progress(store, load_bag_extract(doesburg))
    assert fid in {p.reservation_id for p in later.proposals}
    assert not later.rejected


def _delft_panden(path: Path) -> dict[str, tuple[str, shapely.Geometry]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, tuple[str, shapely.Geometry]] = {}
    for f in data["features"]:
        ident = str(f["properties"]["identificatie"]).removeprefix("NL.IMBAG.Pand.")
        geom = shape(f["geometry"])
        prev = out.get(ident)
        out[ident] = (f["properties"]["status"], geom if prev is None else prev[1].union(geom))
    return out


def test_bouw_gestart_proposes_in_ontwikkeling_and_only_forward(
    tmp_path: Path, shared_data: Callable[[str], Path]
) -> None:
    path = shared_data(DELFT)
    panden = _delft_panden(path)
    started = sorted(i for i, (s, _) in panden.items() if s.lower() in BUILDING)
    assert len(started) == 2
    in_use = next(i for i, (s, _) in sorted(panden.items()) if s == "Pand in gebruik")
    store = _project(tmp_path)
    statuses = {started[0]: "gereserveerd", started[1]: "in ontwikkeling", in_use: "gereserveerd"}
    fids = {}
    for n, (ident, status) in enumerate(statuses.items()):
        add_plot(store, f"D{n}", panden[ident][1].buffer(2))
        fids[ident] = reserve(store, f"D{n}", "nultreden", 10, 20, status=status).fid

    # Brute force: a pand with a building status covering at least half its footprint on the plot.
    expected = {}
    for ident, status in statuses.items():
        plot = panden[ident][1].buffer(2)
        on = [
            i
            for i, (s, g) in panden.items()
            if s.lower() in BUILDING and g.intersection(plot).area >= 0.5 * g.area
        ]
        if on and PIPELINE.index("in ontwikkeling") > PIPELINE.index(status):
            expected[fids[ident]] = ("in ontwikkeling", set(on))

    result = bag_progress(store, load_bag_extract(path))
    got = {
        p.reservation_id: (p.proposed_status, {e.identificatie for e in p.evidence}) for p in result.proposals
    }
    assert got == expected == {fids[started[0]]: ("in ontwikkeling", {started[0]})}
    p = result.proposals[0]
    assert (p.step, p.homes_counted, p.evidence[0].status, p.evidence[0].date_kind) == (
        "in aanbouw",
        0,
        "Bouw gestart",
        "begingeldigheid",
    )
    notes = {n.reservation_id: n.text for n in result.notes}
    assert "alleen vooruit" in notes[fids[started[1]]]
    assert "geen verblijfsobjecten" in notes[fids[in_use]]
    assert any("geen verblijfsobjecten" in w for w in result.warnings)
    assert not any("om mee te vergelijken" in w for w in result.warnings)  # moot without VBOs


def test_not_a_bag_file_is_a_dutch_error(tmp_path: Path, shared_data: Callable[[str], Path]) -> None:
    path = shared_data("delft/cbs/delft_buurten_2023.geojson")
    with pytest.raises(InputsError, match="geen BAG-panden"):
        load_bag_extract(path)


def test_the_frame_has_one_row_per_proposal(tmp_path: Path, doesburg: Path) -> None:
    store, ids = _doesburg_project(tmp_path, doesburg)
    frame = bag_progress(store, load_bag_extract(doesburg)).frame()
    assert list(frame.index) == [ids["kerk_nultreden"]]
    assert frame.loc[ids["kerk_nultreden"], "homes_counted"] == 1
    assert isinstance(frame, pd.DataFrame)


EDITED = Path(__file__).resolve().parents[1] / "fixtures" / "bag_progress" / "doesburg_edited"


def test_the_documented_edit_goes_from_bouw_gestart_to_gerealiseerd(tmp_path: Path) -> None:
    """The real extract plus a documented construction story (tests/fixtures/bag_progress/README.md)."""
    folder = tmp_path / "edited"
    shutil.copytree(EDITED, folder)
    store = _project(tmp_path)
    import_layer(store, folder, as_of="2020-12-31")
    panden = _valid_on(_raw_voorkomens(_file(folder, "PND"), "Pand"), "2020-12-31")
    add_plot(store, "SCHUUR", panden["0221100000311191"].geom.buffer(2))
    fid = reserve(store, "SCHUUR", "nultreden", 2, 3, status="gereserveerd").fid
    vbos = _raw_voorkomens(_file(folder, "VBO"), "Verblijfsobject")
    plot = panden["0221100000311191"].geom.buffer(2)

    # Brute force on the raw XML: what is on the plot at each day.
    def expected(day: str) -> tuple[str, int, int]:
        pand = _valid_on(_raw_voorkomens(_file(folder, "PND"), "Pand"), day)["0221100000311191"]
        on = [v for v in _valid_on(vbos, day).values() if plot.covers(v.geom) and "woonfunctie" in v.doelen]
        before = {i for i, v in _valid_on(vbos, "2020-12-31").items() if "woonfunctie" in v.doelen}
        homes = sum(v.status.lower() in HOME_IN_USE and v.ident not in before for v in on)
        planned = sum(v.status == "Verblijfsobject gevormd" for v in on)
        status = "gerealiseerd" if homes else ("in ontwikkeling" if pand.status.lower() in BUILDING else "")
        return status, homes, planned

    for day, want in (("2021-06-01", ("in ontwikkeling", 0, 2)), ("2022-07-01", ("gerealiseerd", 2, 0))):
        assert expected(day) == want
        result = bag_progress(store, load_bag_extract(folder, as_of=day))
        (p,) = result.proposals
        assert (p.reservation_id, p.proposed_status, p.homes_counted, p.homes_planned) == (fid, *want)
        assert {e.identificatie for e in p.evidence} == {
            "0221100000311191",
            "0221010000399901",
            "0221010000399902",
        }
    build = bag_progress(store, load_bag_extract(folder, as_of="2021-06-01")).proposals[0]
    assert {(e.object_type, e.status, e.date) for e in build.evidence} == {
        ("pand", "Bouw gestart", "2021-03-01"),
        ("verblijfsobject", "Verblijfsobject gevormd", "2021-03-01"),
    }
    accept_proposals(store, bag_progress(store, load_bag_extract(folder, as_of="2021-06-01")), [fid])
    assert reservation_values(store, fid)["status"] == "in ontwikkeling"
    done = bag_progress(store, load_bag_extract(folder)).proposal(fid)
    assert (done.current_status, done.proposed_status, done.homes_counted) == (
        "in ontwikkeling",
        "gerealiseerd",
        2,
    )


def test_a_measured_pand_is_no_news(demo_store: ProjectStore, shared_data: Callable[[str], Path]) -> None:
    """The demo's BAG has pand 0503100000032817 'Pand in gebruik (niet ingemeten)'; the campus
    extract has it 'Pand in gebruik'. Same phase: no note, no proposal; the Bouw gestart panden
    lie on no demo plot (brute force below)."""
    path = shared_data(DELFT)
    base = demo_store.read_layer(demo_store.layers("buildings")[-1].table_name)
    row = base.loc[base["identificatie"] == "0503100000032817", "status"]
    assert list(row) == ["Pand in gebruik (niet ingemeten)"]
    panden = _delft_panden(path)
    assert panden["0503100000032817"][0] == "Pand in gebruik"
    plots = plots_frame(demo_store)
    for pid in plots["plot_id"]:
        reserve(demo_store, pid, "nultreden", 1, 2, status="gereserveerd")
    started = [g for s, g in panden.values() if s.lower() in BUILDING]
    on_any = [
        pid
        for pid, plot in zip(plots["plot_id"], plots.geometry, strict=True)
        for g in started
        if g.intersection(plot).area >= 0.5 * g.area
    ]
    result = bag_progress(demo_store, load_bag_extract(path))
    assert [p.plot_id for p in result.proposals] == on_any == []
    assert result.notes == ()
