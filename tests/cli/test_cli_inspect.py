"""``bodnaarplot inspect`` as a user runs it: a real process, real files, exit codes, stderr."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=300,
        check=False,
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_clean_failure(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, proc.stderr
    # Progress lines ("  25%  ...") may come first; the failure itself is exactly one line.
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip() and not re.match(r"^\s+\d+%", ln)]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert lines[0].startswith("fout: ")
    return lines[0]


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "leeg.geojson"
    p.write_bytes(b"")
    line = assert_clean_failure(run_cli("inspect", p))
    assert "leeg" in line


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".gml", ".shp", ".osm.pbf", ".tif", ".zip", ".csv"])
def test_random_bytes(tmp_path: Path, suffix: str) -> None:
    p = tmp_path / f"ruis{suffix}"
    p.write_bytes(os.urandom(4096))
    before = sha256(p)
    assert_clean_failure(run_cli("inspect", p))
    assert sha256(p) == before


def test_truncated_geopackage(tmp_path: Path, shared_data: Callable[[str], Path]) -> None:
    src = shared_data("delft/bag/wippolder_bag_pand.gpkg")
    data = src.read_bytes()
    p = tmp_path / "afgebroken.gpkg"
    p.write_bytes(data[: len(data) // 3])
    assert_clean_failure(run_cli("inspect", p))


def test_gml_with_external_entity(tmp_path: Path) -> None:
    p = tmp_path / "plan.gml"
    p.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        '<imro:FeatureCollectionIMRO xmlns:imro="http://www.geonovum.nl/imro/2012/1.1">&xxe;'
        "</imro:FeatureCollectionIMRO>\n",
        encoding="utf-8",
    )
    line = assert_clean_failure(run_cli("inspect", p))
    assert "ENTITY" in line or "DOCTYPE" in line
    assert not list(tmp_path.glob("*.gfs"))


def test_missing_file(tmp_path: Path) -> None:
    line = assert_clean_failure(run_cli("inspect", tmp_path / "bestaat-niet.gpkg"))
    assert "bestaat niet" in line


def test_delft_campus_bag_json(shared_data: Callable[[str], Path]) -> None:
    p = shared_data("delft/bag/tudcampus_bag_panden.geojson")
    before = sha256(p)
    proc = run_cli("inspect", p, "--json")
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    assert info["kind"] == "buildings"
    assert info["n_features"] == 1529
    assert info["crs"] == "EPSG:28992"
    assert info["bbox"] == pytest.approx([84756.14, 445388.20, 86104.75, 447070.94], abs=0.02)
    assert info["columns"]["bouwjaar"] == 100.0
    assert info["counts"]["status"]["Pand in gebruik"] == 1522
    assert isinstance(info["warnings"], list)
    assert sha256(p) == before


def test_goes_plan_json(shared_data: Callable[[str], Path]) -> None:
    p = shared_data("imro_bestemmingsplannen/NL.IMRO.0664.BPBS02-VG99_stationspleinzuidoost.gml")
    proc = run_cli("inspect", p, "--json")
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    assert info["kind"] == "zoning"
    assert info["counts"]["feature_type"]["enkelbestemming"] == 11
    assert info["counts"]["enkelbestemming_hoofdgroep"]["kantoor"] == 3
    assert not list(p.parent.glob("*.gfs"))


def test_human_output_is_dutch(shared_data: Callable[[str], Path]) -> None:
    p = shared_data("delft/bag/wippolder_bag_pand.gpkg")
    proc = run_cli("inspect", p)
    assert proc.returncode == 0, proc.stderr
    assert "objecten:    60" in proc.stdout
    assert "soort:       buildings" in proc.stdout


def test_cli_kind_choices_follow_the_canonical_kinds() -> None:
    from cli.main import VECTOR_KINDS
    from layers.canonical import LayerKind

    assert set(VECTOR_KINDS) | {"raster"} == {k.value for k in LayerKind}
