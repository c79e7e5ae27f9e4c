"""``bodnaarplot region``: new, show (text and JSON), export, as a user runs it (real processes)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from projects.demo import create_demo_project
from projects.reservations import reserve
from projects.store import ProjectStore
from projects.views import project_ledger
from tests.cli.test_cli_inspect import assert_clean_failure, run_cli, sha256


@pytest.fixture(scope="module")
def members(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("cliregion")
    demo = folder / "demo.gpkg"
    create_demo_project(demo).close()
    out = {}
    for name, plot, status in (("a", "DLF-010", "gereserveerd"), ("b", "DLF-010", "kansrijk")):
        path = folder / f"{name}.gpkg"
        path.write_bytes(demo.read_bytes())
        with ProjectStore.open(path) as s:
            reserve(s, plot, "nultreden", 10, 20, status=status, years="2027")
        out[name] = path
    return out


def test_region_new_show_export(members: dict[str, Path], tmp_path: Path) -> None:
    region = tmp_path / "regio.gpkg"
    before = {n: sha256(p) for n, p in members.items()}
    proc = run_cli(
        "region", "new", region, "--name", "Regio CLI", "--members", f"Noord={members['a']},{members['b']}"
    )
    assert proc.returncode == 0, proc.stderr
    assert "2 deelnemers" in proc.stdout
    proc = run_cli(
        "project", "opgave", region, "--category", "nultreden", "--period", "2026-2030", "--target", "300"
    )
    assert proc.returncode == 0, proc.stderr

    proc = run_cli("region", "show", region, "--json", "--since", "2020-01-01")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [m["name"] for m in data["members"]] == ["Noord", "Delft"]
    assert all(m["reported"] for m in data["members"])
    row = next(r for r in data["totals"] if r["category"] == "nultreden" and r["period"] == "2026-2030")
    zeker = 0
    for path in members.values():
        with ProjectStore.open(path, upgrade=False) as s:
            periods = project_ledger(s).periods
        zeker += int(
            periods.loc[
                (periods["category"] == "nultreden") & (periods["period"] == "2026-2030"), "zeker_min"
            ].sum()
        )
    assert row["opgave"] == 300
    assert row["zeker_min"] == zeker == 10
    assert len(data["double_claims"]) == 1

    proc = run_cli("region", "show", region)
    assert proc.returncode == 0, proc.stderr
    assert "Dubbele claims: 1" in proc.stdout
    assert "tekort" in proc.stdout

    out = tmp_path / "regio.xlsx"
    proc = run_cli("region", "export", region, "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert load_workbook(out).sheetnames[0] == "Regio"

    pdf = tmp_path / "regio.pdf"
    proc = run_cli("region", "export", region, "--out", pdf)
    if importlib.util.find_spec("app.export.region_pdf") is None:
        assert "PDF" in assert_clean_failure(proc)
        assert not pdf.exists()
    else:
        assert proc.returncode == 0, proc.stderr
        assert pdf.read_bytes().startswith(b"%PDF")
    assert {n: sha256(p) for n, p in members.items()} == before


def test_region_errors_are_one_dutch_line(members: dict[str, Path], tmp_path: Path) -> None:
    line = assert_clean_failure(run_cli("region", "show", members["a"]))
    assert "geen regio" in line
    line = assert_clean_failure(
        run_cli("region", "new", tmp_path / "r.gpkg", "--name", "X", "--members", tmp_path / "weg.gpkg")
    )
    assert "bestaat niet" in line
    assert not (tmp_path / "r.gpkg").exists()
    line = assert_clean_failure(run_cli("region", "show", tmp_path / "r.gpkg", "--as-of", "gisteren"))
    assert "fout:" in line
    region = tmp_path / "regio.gpkg"
    assert run_cli("region", "new", region, "--name", "X", "--members", members["a"]).returncode == 0
    assert "geen datum" in assert_clean_failure(run_cli("region", "show", region, "--since", "1-7-2026"))
    assert ".xlsx of .pdf" in assert_clean_failure(
        run_cli("region", "export", region, "--out", tmp_path / "x.csv")
    )
