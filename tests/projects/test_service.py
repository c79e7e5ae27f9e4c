"""The project use cases on a real project file, with the Delft demo layers."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from sqlalchemy import select

from plotscore.criteria import profile_from_toml
from projects.errors import ConflictError, InputsError
from projects.gis import write_gis_package as export_gpkg
from projects.imports import import_layer
from projects.models import AuditEntry, Plot, Project, Reservation
from projects.plots import plots_frame
from projects.project import new_project
from projects.records import parse_capacity, parse_partner, parse_years
from projects.reservations import add_partner, reservations_frame, reserve, set_opgave, set_status
from projects.snapshots import latest_snapshot, score_project
from projects.store import ProjectStore
from projects.views import project_info, project_ledger
from projects.workshops import log_decision, new_workshop

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources" / "demo" / "delft_demo.gpkg"
DEMO_KINDS = {"buildings", "facilities", "network_source", "neighbourhoods", "plots", "zoning", "land_use"}
# Layers in the demo GeoPackage: one per kind, plus the CBS wijk and gemeente figures (2024, 2022).
DEMO_LAYERS = len(DEMO_KINDS) + 3


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project file with every demo layer imported (copied per test)."""
    path = tmp_path_factory.mktemp("base") / "delft.gpkg"
    store = new_project(path, "Delft ouderenhuisvesting", "0503", "Delft", user="tester")
    try:
        import_layer(store, DEMO)
    finally:
        store.close()
    return path


@pytest.fixture
def store(imported: Path, tmp_path: Path) -> Iterator[ProjectStore]:
    path = tmp_path / "project.gpkg"
    shutil.copy(imported, path)
    s = ProjectStore.open(path, user="tester")
    try:
        yield s
    finally:
        s.close()


def _revision(store: ProjectStore) -> int:
    with store.session() as session:
        return session.scalars(select(Project)).one().revision


def _three_reservations(store: ProjectStore) -> list[Reservation]:
    set_opgave(store, "geclusterd", "2026-2030", 120, source="woondeal")
    plot_ids = list(plots_frame(store)["plot_id"][:3])
    return [
        reserve(
            store,
            plot_ids[0],
            "geclusterd",
            20,
            30,
            status="gereserveerd",
            years="2027-2029",
            partners=[("Woonbron", "corporatie"), ("Careyn", "zorgorganisatie")],
            land_owner="gemeente Delft",
        ),
        reserve(store, plot_ids[1], "geclusterd", 10, 15, partners=[("Bewonersgroep Wippolder", "bewoners")]),
        reserve(
            store,
            plot_ids[2],
            "geclusterd",
            40,
            40,
            status="in prestatieafspraak",
            years=(2028, 2030),
            partners=[("Woonbron", "corporatie")],
        ),
    ]


def test_import_demo_layers(imported: Path) -> None:
    store = ProjectStore.open(imported)
    try:
        layers = store.layers()
        assert {ls.kind for ls in layers} == DEMO_KINDS
        digest = hashlib.sha256(DEMO.read_bytes()).hexdigest()
        assert {ls.checksum for ls in layers} == {digest}
        assert all(ls.original_path == str(DEMO.resolve()) for ls in layers)
        facilities = store.layers("facilities")[0]
        assert facilities.feature_count == 110
        frame = store.read_layer(facilities.table_name)
        assert len(frame) == 110
        # The area facilities keep their outline through the project store (issue 16).
        assert frame["outline_wkt"].notna().sum() >= 3
        assert frame.crs.to_epsg() == 28992
        plots = plots_frame(store)
        assert len(plots) == 58
        assert plots["plot_id"].is_unique
        assert plots.crs.to_epsg() == 28992
        assert store.layers("plots")[0].meta["plots_added"] == 58
    finally:
        store.close()
    listed = {str(name): str(gtype) for name, gtype in pyogrio.list_layers(imported)}
    assert "plots" in listed
    assert "reservations" in listed
    assert listed["plots"] != "None"
    assert any(name.startswith("lyr_facilities") for name in listed)


def test_reimport_updates_instead_of_duplicating(store: ProjectStore, tmp_path: Path) -> None:
    n_layers = len(store.layers())
    again = import_layer(store, DEMO)
    assert len(store.layers()) == n_layers  # same file, same layers: replaced, not added
    plot_layer = next(ls for ls in again if ls.kind == "plots")
    assert (plot_layer.meta["plots_added"], plot_layer.meta["plots_updated"]) == (0, 0)
    assert len(plots_frame(store)) == 58

    # An edited plots file: one plot renamed, one new plot.
    plots = pyogrio.read_dataframe(DEMO, layer="plots")
    first = str(plots.loc[0, "plot_id"])
    old_name = plots.loc[0, "name"]
    plots.loc[0, "name"] = "Kavel met nieuwe naam"
    extra = plots.iloc[[1]].copy()
    extra["plot_id"] = "NIEUW-1"
    extra["geometry"] = [shapely.box(84000, 446000, 84050, 446040)]
    edited = tmp_path / "kavels.gpkg"
    both = gpd.GeoDataFrame(pd.concat([plots, extra], ignore_index=True), geometry="geometry", crs=plots.crs)
    pyogrio.write_dataframe(both, edited, layer="plots")
    reserve(store, first, "geclusterd", 5, 8)  # a reservation must survive the re-import
    result = import_layer(store, edited, kind="plots")
    assert (result[0].meta["plots_added"], result[0].meta["plots_updated"]) == (1, 1)
    frame = plots_frame(store)
    assert len(frame) == 59
    assert frame.set_index("plot_id").loc[first, "name"] == "Kavel met nieuwe naam"
    assert len(reservations_frame(store)) == 1
    with store.session() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "plots", AuditEntry.field == "name")
        ).all()
        assert any(e.old == str(old_name) and e.new == "Kavel met nieuwe naam" for e in entries)


def test_score_project_keeps_snapshot(store: ProjectStore) -> None:
    run = score_project(store, "geclusterd")
    assert run.method == "netwerk"
    assert len(run.frame) == 58
    snap = latest_snapshot(store)
    assert snap is not None
    assert snap.profile_id == "geclusterd"
    assert snap.method == "netwerk"
    assert profile_from_toml(snap.profile_toml).id == "geclusterd"
    digest = hashlib.sha256(DEMO.read_bytes()).hexdigest()
    stamped = {k: v for k, v in snap.data_stamps.items() if k != "plots"}
    assert {v["kind"] for v in stamped.values()} == {
        "facilities",
        "network_source",
        "neighbourhoods",
        "zoning",
    }
    assert all(v["checksum"] == digest for v in stamped.values())
    assert snap.data_stamps["plots"]["count"] == 58
    assert snap.summary["n_plots"] == 58
    table = store.read_layer(snap.table_name)
    assert len(table) == 58
    assert {"plot_id", "score", "rank", "explanation"} <= set(table.columns)
    info = project_info(store).to_json()
    assert info["score_snapshots"][-1]["table"] == snap.table_name
    assert any(name == snap.table_name for name, _ in pyogrio.list_layers(Path(store.target_label)))


def test_opgave_reservations_and_ledger(store: ProjectStore) -> None:
    before = _revision(store)
    res = _three_reservations(store)
    assert _revision(store) > before
    first = res[0]
    assert first.partners_text == "Woonbron (corporatie); Careyn (zorgorganisatie)"
    assert (first.year_start, first.year_end) == (2027, 2029)
    assert res[1].status == "kansrijk"
    with store.session() as session:
        plot = session.scalars(select(Plot).where(Plot.plot_id == first.plot_id)).one()
        assert first.geom is not None
        assert plot.geom is not None
        assert shapely.equals(first.geom, plot.geom)

    book = project_ledger(store)
    df = book.periods
    row = df[(df["category"] == "geclusterd") & (df["period"] == "2026-2030")].iloc[0]
    assert row["target"] == 120
    assert (row["gereserveerd_min"], row["gereserveerd_max"]) == (20, 30)
    assert (row["kansrijk_min"], row["kansrijk_max"]) == (0, 0)  # without years: not in a period
    assert (row["in_prestatieafspraak_min"], row["in_prestatieafspraak_max"]) == (40, 40)
    assert (row["zeker_min"], row["zeker_max"]) == (60, 70)
    assert (row["in_beeld_min"], row["in_beeld_max"]) == (60, 70)
    assert (row["gap_min"], row["gap_max"]) == (60, 50)
    no_years = df[(df["category"] == "geclusterd") & (df["period"] == "zonder jaren")].iloc[0]
    assert (no_years["kansrijk_min"], no_years["kansrijk_max"]) == (10, 15)
    assert (book.drieslag_complete, book.drieslag_total) == (0, 3)

    # The file is a GeoPackage GIS users can open: reservations with geometry and partners.
    gis = pyogrio.read_dataframe(Path(store.target_label), layer="reservations")
    assert len(gis) == 3
    assert gis.crs.to_epsg() == 28992
    assert gis.geometry.notna().all()
    assert "Woonbron (corporatie)" in set(gis["partners_text"])

    info = project_info(store).to_json()
    assert info["reservations_by_status"] == {"kansrijk": 1, "gereserveerd": 1, "in prestatieafspraak": 1}
    assert {p["name"] for p in info["partners"]} == {"Woonbron", "Careyn", "Bewonersgroep Wippolder"}
    assert info["opgave"] == [
        {
            "category": "geclusterd",
            "period": "2026-2030",
            "wijk": None,
            "target_homes": 120,
            "source": "woondeal",
        }
    ]


def test_updates_are_audited_old_to_new(store: ProjectStore) -> None:
    res = _three_reservations(store)
    updated = reserve(store, res[0].plot_id, "geclusterd", 20, 35)  # same plot+category: an update
    assert updated.fid == res[0].fid
    assert updated.version > res[0].version
    assert updated.status == "gereserveerd"  # kept
    assert updated.partners_text == res[0].partners_text  # kept
    moved = set_status(store, updated.fid, "in ontwikkeling")
    assert moved.status == "in ontwikkeling"
    set_opgave(store, "geclusterd", "2026-2030", 150)
    with store.session() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    by_field = {(e.entity, e.entity_id, e.field): e for e in entries if e.action == "update"}
    fid = str(res[0].fid)
    cap = by_field[("reservations", fid, "capacity_max")]
    assert (cap.old, cap.new, cap.who) == ("30", "35", "tester")
    status = by_field[("reservations", fid, "status")]
    assert (status.old, status.new) == ("gereserveerd", "in ontwikkeling")
    target = next(e for (ent, _, fld), e in by_field.items() if ent == "opgave" and fld == "target_homes")
    assert (target.old, target.new) == ("120", "150")
    assert any(e.entity == "reservations" and e.action == "insert" for e in entries)


def test_stale_edit_is_refused(store: ProjectStore) -> None:
    res = _three_reservations(store)[0]
    set_status(store, res.fid, "in ontwikkeling", expected_version=res.version)
    with pytest.raises(ConflictError) as err:
        set_status(store, res.fid, "vervallen", expected_version=res.version)
    assert "ververs" in err.value.one_line()
    with pytest.raises(ConflictError):
        reserve(store, res.plot_id, "geclusterd", 1, 2, expected_version=res.version)
    frame = reservations_frame(store).set_index("fid")
    assert frame.loc[res.fid, "status"] == "in ontwikkeling"
    assert frame.loc[res.fid, "capacity_max"] == 30


Call = Callable[[ProjectStore, str], object]


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda s, p: reserve(s, "BESTAAT-NIET", "geclusterd", 1, 2), "bestaat niet"),
        (lambda s, p: reserve(s, p, "studenten", 1, 2), "Onbekende woningcategorie"),
        (lambda s, p: reserve(s, p, "geclusterd", 30, 20), "groter dan de maximale"),
        (lambda s, p: reserve(s, p, "geclusterd", 1, 2, status="misschien"), "Onbekende status"),
        (lambda s, p: reserve(s, p, "geclusterd", 1, 2, years="2030-2026"), "eindigt vóór"),
        (lambda s, p: reserve(s, p, "geclusterd", 1, 2, partners=[("X", "vriend")]), "soort partner"),
        (lambda s, p: reserve(s, p, "geclusterd", 1, 2, workshop_id=42), "Werksessie 42"),
        (lambda s, p: set_opgave(s, "geclusterd", "2030-2026", 10), "eindigt vóór"),
        (lambda s, p: set_opgave(s, "studenten", "2026-2030", 10), "Onbekende woningcategorie"),
        (lambda s, p: set_opgave(s, "geclusterd", "volgend jaar", 10), "geen jaar of periode"),
        (lambda s, p: set_opgave(s, "geclusterd", "2026-2030", -1), "negatief"),
        (lambda s, p: set_status(s, 999, "gereserveerd"), "bestaat niet"),
        (lambda s, p: set_status(s, 1, "misschien"), "Onbekende status"),
        (lambda s, p: new_workshop(s, "Tafel", date="12 maart"), "geen datum"),
        (lambda s, p: add_partner(s, "Woonbron", "vriend"), "soort partner"),
        (lambda s, p: import_layer(s, DEMO, kind="kaas"), "Onbekende laagsoort"),
    ],
)
def test_validation_errors_save_nothing(store: ProjectStore, call: Call, fragment: str) -> None:
    first = str(plots_frame(store)["plot_id"].iloc[0])
    before = _revision(store)
    with pytest.raises(InputsError) as err:
        call(store, first)
    assert fragment in err.value.message
    assert err.value.hint
    assert _revision(store) == before
    assert reservations_frame(store).empty
    with store.session() as session:
        assert not session.scalars(select(AuditEntry).where(AuditEntry.entity != "plots")).all()


def test_parsers() -> None:
    assert parse_years("2026-2030") == (2026, 2030)
    assert parse_years("2027") == (2027, 2027)
    assert parse_capacity("20-30") == (20, 30)
    assert parse_capacity("25") == (25, 25)
    assert parse_partner("Woonbron:corporatie") == ("Woonbron", "corporatie")
    assert parse_partner("Buurtcomité") == ("Buurtcomité", "overig")
    with pytest.raises(InputsError):
        parse_capacity("veel")


def test_workshop_and_decisions(store: ProjectStore) -> None:
    res = _three_reservations(store)
    w = new_workshop(store, "Woonzorgtafel maart", date="2026-03-12", participants=["gemeente", "Woonbron"])
    assert w.id is not None
    w = log_decision(store, w.id, "Kavel gereserveerd voor geclusterd wonen", plot_id=res[0].plot_id)
    w = log_decision(store, w.id, "Tweede kavel vervalt")
    assert [d["text"] for d in w.decisions] == [
        "Kavel gereserveerd voor geclusterd wonen",
        "Tweede kavel vervalt",
    ]
    linked = reserve(store, res[0].plot_id, "geclusterd", 20, 30, workshop_id=w.id)
    assert linked.workshop_id == w.id
    info = project_info(store).to_json()
    assert info["workshops"][0]["decisions"] == 2
    with pytest.raises(InputsError):
        log_decision(store, w.id, "over een onbekende kavel", plot_id="BESTAAT-NIET")


def test_custom_categories(tmp_path: Path) -> None:
    s = new_project(tmp_path / "p.gpkg", "Test", "0503", categories=["nultreden", "beschermd wonen"])
    try:
        set_opgave(s, "beschermd wonen", "2026-2030", 12, wijk="Wippolder")
        with pytest.raises(InputsError):
            set_opgave(s, "geclusterd", "2026-2030", 12)
        assert project_info(s).to_json()["project"]["categories"] == ["nultreden", "beschermd wonen"]
    finally:
        s.close()
    with pytest.raises(InputsError):
        new_project(tmp_path / "q.gpkg", "Test", "Delft")


def test_export_gpkg(store: ProjectStore, tmp_path: Path) -> None:
    _three_reservations(store)
    score_project(store, "geclusterd", euclidean=True)
    out = export_gpkg(store, tmp_path / "uit" / "voor_gis.gpkg")
    assert out.exists()
    assert not [p for p in out.parent.iterdir() if ".tmp" in p.name]
    names = {str(n) for n, _ in pyogrio.list_layers(out)}
    assert {"plots", "reservations", "scores_geclusterd", "opgave", "ledger"} <= names
    assert sum(n.startswith("lyr_") for n in names) == DEMO_LAYERS
    res = pyogrio.read_dataframe(out, layer="reservations")
    assert len(res) == 3
    assert res.crs.to_epsg() == 28992
    scores = pyogrio.read_dataframe(out, layer="scores_geclusterd")
    assert len(scores) == 58
    ledger = pyogrio.read_dataframe(out, layer="ledger", read_geometry=False)
    assert int(ledger.loc[0, "target"]) == 120
    with pytest.raises(InputsError):
        export_gpkg(store, tmp_path / "x.shp")


@pytest.mark.postgis
def test_workflow_on_a_server_project(pg_url: str) -> None:
    """The same use cases on PostgreSQL + PostGIS: import, reserve, ledger, export."""
    s = new_project(pg_url, "Delft op de server", "0503", "Delft", user="tester")
    try:
        import_layer(s, DEMO, kind="plots")
        import_layer(s, DEMO, kind="facilities")
        assert len(plots_frame(s)) == 58
        res = _three_reservations(s)
        assert res[0].partners_text == "Woonbron (corporatie); Careyn (zorgorganisatie)"
        row = project_ledger(s).periods.iloc[0]
        assert (row["zeker_min"], row["in_beeld_max"], row["gap_min"]) == (60, 70, 60)
        score_project(s, "geclusterd", euclidean=True)
        assert "://" in s.target_label
        assert project_info(s).plots == 58
    finally:
        s.close()


@pytest.mark.postgis
def test_cli_push_and_pull(pg_url: str, imported: Path, tmp_path: Path) -> None:
    from tests.cli.test_cli_inspect import run_cli

    source = tmp_path / "bron.gpkg"
    shutil.copy(imported, source)
    s = ProjectStore.open(source)
    try:
        _three_reservations(s)
    finally:
        s.close()
    proc = run_cli("project", "push", source, "--db", pg_url)
    assert proc.returncode == 0, proc.stderr
    proc = run_cli("ledger", pg_url, "--json")
    assert proc.returncode == 0, proc.stderr
    assert '"zeker_min": 60' in proc.stdout
    back = tmp_path / "terug.gpkg"
    proc = run_cli("project", "pull", "--db", pg_url, back)
    assert proc.returncode == 0, proc.stderr
    assert back.exists()
    names = {str(n) for n, _ in pyogrio.list_layers(back)}
    assert {"plots", "reservations"} <= names
    assert len(pyogrio.read_dataframe(back, layer="reservations")) == 3


def test_raster_import_is_refused_before_writing(store: ProjectStore, tmp_path: Path) -> None:
    import numpy as np
    import rasterio

    tif = tmp_path / "geluid.tif"
    profile = {
        "driver": "GTiff",
        "width": 4,
        "height": 4,
        "count": 1,
        "dtype": "float32",
        "crs": "EPSG:28992",
    }
    with rasterio.open(tif, "w", transform=rasterio.Affine(10, 0, 84000, 0, -10, 447000), **profile) as dst:
        dst.write(np.ones((1, 4, 4), dtype="float32"))
    before = _revision(store)
    with pytest.raises(InputsError, match="Rasters"):
        import_layer(store, tif)
    assert _revision(store) == before
