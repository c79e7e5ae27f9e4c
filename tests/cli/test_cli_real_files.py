"""The real-file corpus through the CLI, as a user runs it: inspect, import, score with --layer / --gtfs-date."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli.test_cli_inspect import REPO, assert_clean_failure, run_cli

REAL = REPO / "tests" / "fixtures" / "real"


@pytest.fixture
def real(tmp_path: Path) -> Path:
    """A copy of the corpus (GDAL must never write next to the repository's files)."""
    dst = tmp_path / "real"
    shutil.copytree(REAL, dst)
    return dst


def test_inspect_gtfs_with_a_service_date(real: Path) -> None:
    feed = real / "gtfs" / "aranda_busurbano_gtfs_2026.zip"
    proc = run_cli("inspect", feed, "--gtfs-date", "2026-03-10")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "dienstregeling: geldig 2025-12-01 t/m 2028-12-31" in out
    assert "dienstregelingsdag: 2026-03-10 (gekozen met --gtfs-date), venster 7–19 uur" in out
    assert "vertrekken per uur per halte: min " in out
    assert "frequencies.txt: 12 regels (exact_times=1: 12, exact_times=0: 0)" in out
    info = json.loads(run_cli("inspect", feed, "--gtfs-date", "2026-03-10", "--json").stdout)
    assert info["meta"]["date"] == "2026-03-10"
    assert info["meta"]["departures_per_hour_stats"]["stops_with_service"] == 44


def test_inspect_expired_feed_says_so(real: Path) -> None:
    proc = run_cli("inspect", real / "gtfs" / "DERIVED_cdmx_metro_gtfs_2018.zip")
    assert proc.returncode == 0, proc.stderr
    assert "dienstregeling: geldig 2018-01-01 t/m 2019-12-31 (verlopen)" in proc.stdout
    assert "De dienstregeling is verlopen" in proc.stdout


def test_gtfs_date_on_another_file_is_a_clean_error(real: Path) -> None:
    proc = run_cli(
        "inspect", real / "imro" / "NL.IMRO.0798.BPDoornboom-ON01.gml", "--gtfs-date", "2026-03-10"
    )
    assert "--gtfs-date geldt alleen voor een GTFS-dienstregeling" in assert_clean_failure(proc)


def test_inspect_brk_percelen_with_kind_plots(real: Path) -> None:
    proc = run_cli("inspect", real / "brk" / "kadastralekaart_v5_perceel_otterlo.gml", "--kind", "plots")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "objecten:    11" in out
    assert "geometrie: begrenzingPerceel (vlak) gebruikt; ook in het bestand: plaatscoordinaten (punt)" in out
    assert "kadastrale aanduiding: 11 van 11 percelen, bijv. OTL02 B 2298" in out


def test_inspect_bag_address_package_and_layer(real: Path) -> None:
    gpkg = real / "bag" / "pdok_bag_adressen_amsterdam_houthavens.gpkg"
    for extra in ((), ("--kind", "addresses")):
        proc = run_cli("inspect", gpkg, *extra)
        assert proc.returncode == 0, proc.stderr
        assert "soort:       addresses" in proc.stdout
        assert "objecten:    1904" in proc.stdout
        assert "per laag: ligplaatsen 67, standplaatsen 1, verblijfsobjecten 1836" in proc.stdout
        assert "geen gebruiksdoel en oppervlakte" in proc.stdout
    one = run_cli("inspect", gpkg, "--layer", "ligplaatsen")
    assert "objecten:    67" in one.stdout
    wrong = assert_clean_failure(run_cli("inspect", gpkg, "--layer", "perceel"))
    assert "Kies met --layer een van: ligplaatsen, standplaatsen, verblijfsobjecten." in wrong


def test_inspect_lvbag_folder_declares_its_crs_and_age(real: Path) -> None:
    proc = run_cli("inspect", real / "bag" / "lvbag_assen")
    assert proc.returncode == 0, proc.stderr
    assert "bron-CRS:    EPSG:28992" in proc.stdout
    assert "onbekend bouwjaar" not in proc.stdout
    assert "peildatum: 2020-10-08" in proc.stdout
    assert "Peildatum 2020-10-08: deze gegevens zijn" in proc.stdout


def test_project_import_and_score_on_real_files(real: Path, tmp_path: Path) -> None:
    project = tmp_path / "p.gpkg"
    assert run_cli("project", "new", project, "--name", "Echte bestanden").returncode == 0
    plots = run_cli("project", "import", project, real / "brk" / "kadastralekaart_v5_perceel_otterlo.gml")
    assert plots.returncode == 0, plots.stderr
    assert "geïmporteerd: plots" in plots.stdout
    assert "11 objecten (kavels: 11 nieuw, 0 bijgewerkt)" in plots.stdout
    plan = run_cli("project", "import", project, real / "imro" / "NL.IMRO.1680.1800030105-0000.gml")
    assert "heeft status 'concept'" in plan.stdout
    feed = run_cli(
        "project",
        "import",
        project,
        real / "gtfs" / "aranda_busurbano_gtfs_2026.zip",
        "--gtfs-date",
        "2026-03-10",
    )
    assert feed.returncode == 0, feed.stderr
    wrong = run_cli(
        "project",
        "import",
        project,
        real / "imro" / "NL.IMRO.1680.1800030105-0000.gml",
        "--gtfs-date",
        "2026-03-10",
    )
    assert "--gtfs-date geldt alleen" in assert_clean_failure(wrong)
    score = run_cli("project", "score", project, "--euclidean", "--json")
    assert score.returncode == 0, score.stderr
    summary = json.loads(score.stdout)
    assert "11 van de 11 kavels liggen buiten elk geladen bestemmingsplan" in " ".join(summary["notes"])


def test_score_files_with_gtfs_date_and_layer(real: Path) -> None:
    plots = real / "brk" / "kadastralekaart_v5_perceel_otterlo.gml"
    feed = real / "gtfs" / "aranda_busurbano_gtfs_2026.zip"
    proc = run_cli(
        "score", "--plots", plots, "--facilities", feed, "--gtfs-date", "2026-03-10", "--euclidean", "--json"
    )
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["n_plots"] == 11
    assert not any("--gtfs-date" in w for w in summary["input_warnings"])
    demo = REPO / "resources" / "demo" / "delft_demo.gpkg"
    unused = run_cli(
        "score", "--plots", plots, "--facilities", demo, "--gtfs-date", "2026-03-10", "--euclidean", "--json"
    )
    assert any(
        "--gtfs-date 2026-03-10 is niet gebruikt" in w for w in json.loads(unused.stdout)["input_warnings"]
    )
    # --layer applies to the file that has the layer (the GML), the timetable is read as usual
    chosen = run_cli("score", "--plots", plots, "--facilities", feed, "--layer", "Perceel", "--euclidean")
    assert chosen.returncode == 0, chosen.stderr
    missing = run_cli("score", "--plots", plots, "--facilities", feed, "--layer", "kavels", "--euclidean")
    assert "Geen van de bestanden heeft een laag 'kavels'" in assert_clean_failure(missing)
