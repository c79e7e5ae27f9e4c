"""Candidate use cases on a real project file: find from the project's layers, accept, score, reserve."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from projects.candidates import accept_candidates, parse_mapping, project_candidates
from projects.errors import InputsError
from projects.imports import import_layer
from projects.models import Plot
from projects.plots import plots_frame
from projects.project import new_project
from projects.reservations import reserve
from projects.snapshots import score_project
from projects.store import ProjectStore

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "delft_demo.gpkg"


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kansen") / "delft.gpkg"
    store = new_project(path, "Delft kansen", "0503", "Delft", user="tester")
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


def _plot_count(store: ProjectStore) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.count()).select_from(Plot)) or 0)


def test_find_accept_score_reserve(store: ProjectStore) -> None:
    assert store.layers("land_use"), "the demo's land_use layer is imported with the rest"
    found = project_candidates(store)
    assert found["family"].nunique() >= 3
    new = found.loc[found["duplicate_of"].isna()]
    assert len(new) > 0
    before = _plot_count(store)

    result = accept_candidates(store, found, "all")
    assert sorted(result.added) == sorted(new["plot_id"])
    assert len(result.skipped) == len(found) - len(new)
    assert _plot_count(store) == before + len(new)
    plots = plots_frame(store).set_index("plot_id")
    first = str(new["plot_id"].iloc[0])
    assert plots.loc[first, "source"].startswith("kansen: ")
    assert plots.loc[first, "notes"].startswith("Voorgesteld door de kansenkaart: ")

    # Again: nothing is added twice, and the finder now sees them as existing plots.
    again = accept_candidates(store, found, "all")
    assert again.added == []
    assert _plot_count(store) == before + len(new)
    rerun = project_candidates(store)
    assert rerun.set_index("plot_id").loc[first, "duplicate_of"] == first

    run = score_project(store, "geclusterd", euclidean=True)
    assert set(new["plot_id"]) <= set(run.frame["plot_id"])
    res = reserve(store, first, "geclusterd", 12, 20)
    assert res.plot_id == first


def test_accept_chosen_ids_and_unknown_id(store: ProjectStore) -> None:
    found = project_candidates(store)
    new = [str(p) for p in found.loc[found["duplicate_of"].isna(), "plot_id"]]
    before = _plot_count(store)
    with pytest.raises(InputsError, match="Onbekende kans"):
        accept_candidates(store, found, f"{new[0]},KAN-bestaat-niet")
    assert _plot_count(store) == before  # refused before anything was written
    result = accept_candidates(store, found, f"{new[0]}, {new[0]}")
    assert result.added == [new[0]]
    dup = str(found.loc[found["duplicate_of"].notna(), "plot_id"].iloc[0])
    skipped = accept_candidates(store, found, [dup]).skipped
    assert skipped[0][0] == dup
    assert skipped[0][1].startswith("valt samen met bestaande kavel ")


def test_parse_mapping() -> None:
    assert parse_mapping("name=NAAM, planned_homes=WONINGEN") == {"name": "NAAM", "planned_homes": "WONINGEN"}
    with pytest.raises(InputsError, match="VELD=KOLOM"):
        parse_mapping("name")


def test_project_with_only_pand_layer_lists_the_rules_it_could_not_run(tmp_path: Path) -> None:
    """A project holding a BAG pand layer only: 'transformatie' and 'wonen met een plus' say why."""
    from projects.candidates import candidates_from_files, candidates_summary

    src = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "bag" / "lvbag_assen"
    folder = tmp_path / "assen"
    shutil.copytree(src, folder)
    path = tmp_path / "p.gpkg"
    store = new_project(path, "Assen", "0106", "Assen", user="tester")
    try:
        import_layer(store, folder, kind="buildings")
        from_project = candidates_summary(project_candidates(store))
    finally:
        store.close()
    from_files = candidates_summary(candidates_from_files([folder]))
    for summary in (from_project, from_files):
        reasons = {r["rule"]: r["reason"] for r in summary["skipped_rules"]}
        assert reasons["transformatie"].startswith(
            "regel transformatie overgeslagen: geen gebruiksdoel in de BAG-laag; importeer verblijfsobjecten"
        )
        assert reasons["wonen_plus"].startswith("regel wonen_plus overgeslagen: geen gebruiksdoel")
        assert summary["count"] == 0
