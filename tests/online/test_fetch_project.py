"""Orchestration of a fetch into a project (projects/fetch.py): failures, cancel, re-fetch."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyogrio
import pytest

from layers.online.area import bbox_area
from layers.online.config import FetchConfig, load_config
from layers.online.errors import AreaError, ServiceError
from projects.fetch import fetch_into_project, parse_layer_list
from projects.project import new_project
from projects.store import ProjectStore
from tests.online.fetch_stub import STUB_KINDS, install_stub

# A part of Delft's centre: the demo layers have objects here.
BBOX = (83500.0, 446500.0, 85500.0, 448000.0)


class Stop(Exception):
    """Plays the app's Cancelled: raised from the progress callback."""


@pytest.fixture
def config(tmp_path: Path) -> FetchConfig:
    return load_config(cache_dir=tmp_path / "cache")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "p.gpkg"
    new_project(path, "Ophaaltest", gemeente_code="0503", gemeente_naam="Delft").close()
    return path


def _layer_state(path: Path) -> list[tuple[str, str, int]]:
    with ProjectStore.open(path) as store:
        return [(ls.kind, ls.original_path, ls.feature_count) for ls in store.layers()]


def _assert_intact(path: Path) -> None:
    """SQLite integrity, and every registered layer's table holds exactly its feature count."""
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()
    with ProjectStore.open(path) as store:
        tables = set(pyogrio.list_layers(path)[:, 0])
        for ls in store.layers():
            assert ls.table_name in tables
            assert pyogrio.read_info(path, layer=ls.table_name)["features"] == ls.feature_count


def test_fetch_stores_every_layer_set_with_url_and_date(monkeypatch, project, config):  # type: ignore[no-untyped-def]
    install_stub(monkeypatch)
    area = bbox_area(BBOX, config)
    texts: list[tuple[float, str]] = []
    with ProjectStore.open(project) as store:
        report = fetch_into_project(
            store,
            area,
            parse_layer_list("bag,osm,plannen,cbs"),
            config,
            progress=lambda f, t: texts.append((f, t)),
        )
    assert report.ok
    kinds = sorted(ls.kind for o in report.outcomes for ls in o.stored)
    assert kinds == sorted(k.value for ks in STUB_KINDS.values() for k in ks)
    state = _layer_state(project)
    assert len(state) == 5
    assert all(url.startswith("https://stub.example/") for _kind, url, _n in state)
    assert all(n > 0 for _k, _u, n in state)
    with ProjectStore.open(project) as store:
        assert {ls.data_date for ls in store.layers()} == {report.outcomes[0].retrieved_at[:10]}
    fractions = [f for f, _t in texts]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    lines = report.lines()
    assert lines[0].startswith("Gebied: kader 83500,446500,85500,448000")
    assert sum(line.startswith("✓") for line in lines) == 4
    _assert_intact(project)


def test_one_failing_service_costs_only_its_own_layer_set(monkeypatch, project, config):  # type: ignore[no-untyped-def]
    install_stub(monkeypatch, fail={"osm"})
    with ProjectStore.open(project) as store:
        report = fetch_into_project(store, bbox_area(BBOX, config), ["bag", "osm", "cbs"], config)
    assert not report.ok
    assert not report.offline
    by_key = {o.key: o for o in report.outcomes}
    assert isinstance(by_key["osm"].error, ServiceError)
    assert by_key["bag"].ok
    assert by_key["cbs"].ok
    assert sorted(k for k, _u, _n in _layer_state(project)) == ["buildings", "neighbourhoods"]
    failed = [line for line in report.lines() if line.startswith("✗")]
    assert len(failed) == 1
    assert "HTTP 500" in failed[0]


def _count_progress_calls(monkeypatch, tmp_path: Path, config: FetchConfig) -> int:  # type: ignore[no-untyped-def]
    install_stub(monkeypatch)
    path = tmp_path / "count.gpkg"
    new_project(path, "Tellen").close()
    n = 0

    def count(_f: float, _t: str) -> None:
        nonlocal n
        n += 1

    with ProjectStore.open(path) as store:
        fetch_into_project(store, bbox_area(BBOX, config), ["bag", "osm", "cbs"], config, progress=count)
    return n


def test_cancel_at_any_point_leaves_only_whole_layers(monkeypatch, tmp_path, project, config):  # type: ignore[no-untyped-def]
    total = _count_progress_calls(monkeypatch, tmp_path, config)
    assert total > 10
    full = {"buildings": 0, "facilities": 0, "network_source": 0, "neighbourhoods": 0}
    with ProjectStore.open(tmp_path / "count.gpkg") as store:
        for ls in store.layers():
            full[ls.kind] = ls.feature_count
    before = _layer_state(project)
    assert before == []
    seen_partial = False
    for stop_at in range(1, total):
        calls = 0

        def cancel_after(_f: float, _t: str, stop_at: int = stop_at) -> None:
            nonlocal calls
            calls += 1
            if calls >= stop_at:
                raise Stop

        path = tmp_path / f"c{stop_at}.gpkg"
        new_project(path, "Annuleren").close()
        with ProjectStore.open(path) as store, pytest.raises(Stop):
            fetch_into_project(
                store, bbox_area(BBOX, config), ["bag", "osm", "cbs"], config, progress=cancel_after
            )
        state = _layer_state(path)
        # Whatever was stored is whole: each layer has all its features, none half-written.
        for kind, _url, n in state:
            assert n == full[kind]
        seen_partial = seen_partial or 0 < len(state) < 4
        _assert_intact(path)
    assert seen_partial  # some cancels fell between layer sets


def test_cancel_before_first_write_changes_nothing(monkeypatch, project, config):  # type: ignore[no-untyped-def]
    install_stub(monkeypatch)
    with ProjectStore.open(project) as store:
        fetch_into_project(store, bbox_area(BBOX, config), ["cbs"], config)
    before = _layer_state(project)
    calls = 0

    def cancel_mid_fetch(_f: float, _t: str) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:  # inside the bag fetcher's paging
            raise Stop

    with ProjectStore.open(project) as store, pytest.raises(Stop):
        fetch_into_project(store, bbox_area(BBOX, config), ["bag", "osm"], config, progress=cancel_mid_fetch)
    assert _layer_state(project) == before
    _assert_intact(project)


def test_refetch_replaces_instead_of_duplicating(monkeypatch, project, config):  # type: ignore[no-untyped-def]
    install_stub(monkeypatch)
    area = bbox_area(BBOX, config)
    with ProjectStore.open(project) as store:
        fetch_into_project(store, area, ["bag", "osm"], config)
        first = {ls.kind: ls.table_name for ls in store.layers()}
        fetch_into_project(store, area, ["bag", "osm"], config, refresh=True)
        second = store.layers()
    assert len(second) == len(first) == 3
    assert {ls.kind: ls.table_name for ls in second} == first
    _assert_intact(project)


def test_unknown_layer_key_is_a_dutch_error() -> None:
    with pytest.raises(AreaError) as info:
        parse_layer_list("bag,kadaster")
    assert "kadaster" in info.value.message
    assert "bag" in info.value.hint
