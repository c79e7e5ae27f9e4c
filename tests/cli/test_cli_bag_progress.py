"""``bodnaarplot project bag-progress``: list (never writes), accept, reject, JSON, as a user runs it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from projects.reservations import reservation_values
from projects.store import ProjectStore
from tests.cli.test_cli_inspect import assert_clean_failure, run_cli, sha256
from tests.projects.test_bag_progress import DOESBURG, _doesburg_project


def test_list_accept_reject_and_json(tmp_path: Path, shared_data: Callable[[str], Path]) -> None:
    folder = shared_data(DOESBURG)
    store, ids = _doesburg_project(tmp_path, folder)
    store.close()
    project = tmp_path / "bag.gpkg"
    before = sha256(project)
    listed = run_cli("project", "bag-progress", project, "--bag", folder)
    assert listed.returncode == 0, listed.stderr
    assert sha256(project) == before  # listing never writes
    kerk = ids["kerk_nultreden"]
    assert f"[{kerk}] kavel KERK, nultreden: gereserveerd → gerealiseerd" in listed.stdout
    assert (
        "vbo 0221010000330226, Verbouwing verblijfsobject, woonfunctie, beginGeldigheid 2019-11-19"
        in listed.stdout
    )
    assert "geen nieuwe verblijfsobjecten met woonfunctie" in listed.stdout  # the barn's note

    data = json.loads(run_cli("project", "bag-progress", project, "--bag", folder, "--json").stdout)
    assert [p["reservation_id"] for p in data["proposals"]] == [kerk]
    assert data["proposals"][0]["homes_counted"] == 1
    assert sha256(project) == before

    unknown = run_cli("project", "bag-progress", project, "--bag", folder, "--accept", "999")
    assert "geen voorstel voor reservering 999" in assert_clean_failure(unknown)
    assert sha256(project) == before  # a wrong id writes nothing

    rejected = run_cli("project", "bag-progress", project, "--bag", folder, "--reject", str(kerk))
    assert rejected.returncode == 0, rejected.stderr
    assert "afgewezen: reservering" in rejected.stdout
    again = run_cli("project", "bag-progress", project, "--bag", folder)
    assert "geen voorstellen" in again.stdout
    assert "eerder afgewezen" in again.stdout

    # The same evidence stays rejected; the earlier snapshot has other evidence and proposes again.
    early = run_cli("project", "bag-progress", project, "--bag", folder, "--as-of", "2019-02-01")
    assert f"[{kerk}] kavel KERK" in early.stdout
    accepted = run_cli(
        "project", "bag-progress", project, "--bag", folder, "--as-of", "2019-02-01", "--accept", str(kerk)
    )
    assert accepted.returncode == 0, accepted.stderr
    with ProjectStore.open(project) as store:
        values = reservation_values(store, kerk)
    assert values["status"] == "gerealiseerd"
    assert "BAG-voortgang (stand 2019-02-01)" in values["notes"]
