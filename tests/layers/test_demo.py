"""The bundled Delft demo dataset: complete, small, honestly labelled, and reproducible."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from layers.canonical import LayerKind
from layers.registry import load_path

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources" / "demo" / "delft_demo.gpkg"


def test_demo_is_small_and_complete() -> None:
    assert DEMO.stat().st_size < 15 * 1024**2
    results = {r.kind: r for r in load_path(DEMO)}
    assert set(results) == {
        LayerKind.BUILDINGS,
        LayerKind.FACILITIES,
        LayerKind.NETWORK_SOURCE,
        LayerKind.NEIGHBOURHOODS,
        LayerKind.PLOTS,
        LayerKind.ZONING,
        LayerKind.LAND_USE,
    }
    for r in results.values():
        assert len(r.frame) > 0
        assert r.frame.crs == "EPSG:28992"
        assert r.frame.geometry.is_valid.all()
    cats = set(results[LayerKind.FACILITIES].frame["category"])
    assert {"supermarkt", "huisarts", "ov_halte", "treinstation"} <= cats
    network = results[LayerKind.NETWORK_SOURCE].frame
    assert network["node_ids"].notna().all()
    assert (
        network.geometry.apply(lambda g: len(g.coords)) == network["node_ids"].str.split().str.len()
    ).all()


def test_demo_zoning_and_plots_are_labelled_as_derived() -> None:
    zoning = load_path(DEMO, kind=LayerKind.ZONING)[0].frame
    assert (zoning["plan_status"] == "indicatief — geen juridisch bestemmingsplan").all()
    plots = load_path(DEMO, kind=LayerKind.PLOTS)[0].frame
    assert plots["plot_id"].is_unique
    assert plots["source"].str.startswith("afgeleid: ").all()
    assert plots["reason"].notna().all()
    assert {"afgeleid: osm:amenity=parking", "afgeleid: bag:transformatie"} <= set(plots["source"])


@pytest.mark.slow
def test_demo_rebuilds_identically_from_shared_data(tmp_path: Path) -> None:
    shared = REPO.parent / "shared" / "data"
    if not (shared / "delft").exists():
        pytest.skip(f"shared data not found: {shared}")
    spec = importlib.util.spec_from_file_location("build_demo", REPO / "scripts" / "build_demo.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    import shutil
    import sys

    copy = tmp_path / "data"
    for folder in ("delft", "cbs_kwb"):  # cbs_kwb: the wijk and gemeente figures (demand)
        shutil.copytree(shared / folder, copy / folder)
    out = tmp_path / "demo.gpkg"
    argv = sys.argv
    sys.argv = ["build_demo.py", "--shared", str(copy), "--out", str(out)]
    try:
        module.main()
    finally:
        sys.argv = argv
    rebuilt = {r.layer: len(r.frame) for r in load_path(out)}
    bundled = {r.layer: len(r.frame) for r in load_path(DEMO)}
    assert rebuilt == bundled
