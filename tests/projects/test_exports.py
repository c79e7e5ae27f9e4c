"""Exports: offline HTML map, GIS package with QGIS styles, annex table (CSV/XLSX)."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
from sqlalchemy import select

from projects import exports, gis
from projects.demo import create_demo_project
from projects.errors import InputsError
from projects.models import Plot
from projects.plots import plots_frame
from projects.reservations import reservations_frame, reserve
from projects.snapshots import score_project
from projects.store import ProjectStore
from projects.views import ANNEX_COLUMNS, annex_rows, annex_table

EVIL = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProjectStore]:
    path = tmp_path_factory.mktemp("exports") / "p.gpkg"
    st = create_demo_project(path)
    score_project(st, "geclusterd")
    reserve(
        st,
        "DLF-010",
        "geclusterd",
        20,
        30,
        status="gereserveerd",
        years="2027-2029",
        partners=[("Woonbron", "corporatie")],
    )
    reserve(st, "DLF-003", "nultreden", 12, 12, status="kansrijk", years="2028")
    reserve(st, "DLF-020", "zorggeschikt", 40, 60, status="voorgedragen", partners=[(EVIL, "overig")])
    with st.session() as s:
        s.scalars(select(Plot).where(Plot.plot_id == "DLF-020")).one().name = EVIL
    yield st
    st.close()


def _without_leaflet(text: str) -> str:
    js, _css = exports._leaflet_assets()
    assert js in text, "Leaflet moet in de HTML staan"
    return text.replace(js, "")


def test_html_map_is_offline_and_escaped(store: ProjectStore, tmp_path: Path) -> None:
    out = exports.write_html_map(store, tmp_path / "kaart.html")
    text = out.read_text(encoding="utf-8")
    rest = _without_leaflet(text)
    assert "http://" not in rest
    assert "https://" not in rest
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", rest)
    assert "url(data:image/png;base64," in rest  # layer-control icons inlined
    # the hostile plot name is inert: escaped in the popup, never a raw script tag
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script>alert" not in text
    assert "Indicatief, niet juridisch bindend" in text
    assert "OpenStreetMap-bijdragers" in text
    for layer in (
        "Bestemming (indicatief)",
        "Gebouwen",
        "Kavels (score)",
        "Gereserveerde locaties",
        "Voorzieningen",
    ):
        assert f'"{layer}"' in text or f'data-layer=\\"{layer}\\"' in text, layer  # toggle + legend
    # Every layer on the map has its legend section (hidden with the layer).
    sections = set(re.findall(r'data-layer=\\"([^"\\]+)\\"', text))
    assert sections == {
        "Bestemming (indicatief)",
        "Gebouwen",
        "Kavels (score)",
        "Gereserveerde locaties",
        "Voorzieningen",
    }
    # Metric scale only, and only the attribution of the sources in the project.
    assert "L.control.scale({metric: true, imperial: false})" in rest
    assert "control_scale" not in rest
    assert "Ruimtelijke Plannen API" not in rest  # no IMRO plan imported: no IMRO attribution
    # Dutch numbers in the popups: a decimal comma, a thousands point.
    assert re.search(r"Score\\u003c/th\\u003e\\u003ctd\\u003e\d+,\d\\u003c", text)
    assert not re.search(r"Score\\u003c/th\\u003e\\u003ctd\\u003e\d+\.\d", text)
    assert "1.270 m²" in text
    assert not re.search(r"\d+,\d{3} m²", text)
    # styling runs in one JS function, not folium's per-feature style_function
    assert "switch" not in rest
    assert not [p for p in tmp_path.iterdir() if ".tmp" in p.name]


def test_html_map_online_tiles(store: ProjectStore, tmp_path: Path) -> None:
    text = exports.write_html_map(store, tmp_path / "kaart.html", online_tiles=True).read_text("utf-8")
    rest = _without_leaflet(text)
    assert "service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/grijs/EPSG:3857/{z}/{x}/{y}.png" in rest
    assert "Kadaster" in rest
    assert set(re.findall(r"https?://[a-z.]+", rest)) == {"https://service.pdok.nl"}


def test_html_map_rejects_wrong_suffix(store: ProjectStore, tmp_path: Path) -> None:
    with pytest.raises(InputsError, match="webkaart"):
        exports.write_html_map(store, tmp_path / "kaart.pdf")


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.mark.skipif(_chromium() is None, reason="geen Chromium geïnstalleerd (apt-get install chromium)")
def test_html_map_renders_in_headless_chromium(store: ProjectStore, tmp_path: Path) -> None:
    out = exports.write_html_map(store, tmp_path / "kaart.html")
    proc = subprocess.run(
        [
            str(_chromium()),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=3000",
            "--dump-dom",
            out.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    dom = proc.stdout
    assert "leaflet-container" in dom
    assert "bnp-legend" in dom
    assert "leaflet-control-layers" in dom
    assert "leaflet-control-scale" in dom
    assert len(re.findall(r'<div class="leaflet-control-scale-line"', dom)) == 1  # metric only, no "500 ft"
    assert not re.search(r"\d+ (ft|mi)<", dom)
    assert (
        '<span class="bnp-fac bnp-' in dom
    )  # facility icons (shape + letter), not plain dots in the plots' colours
    errors = [line for line in proc.stderr.splitlines() if "CONSOLE" in line and "Uncaught" in line]
    assert not errors, errors
    assert "<script>alert" not in dom


def test_gis_package_has_layers_and_qgis_styles(store: ProjectStore, tmp_path: Path) -> None:
    out = gis.write_gis_package(store, tmp_path / "gis.gpkg")
    plots = pyogrio.read_dataframe(out, layer="plots")
    reserved = pyogrio.read_dataframe(out, layer="reservations")
    assert len(plots) == len(plots_frame(store))
    assert {"score", "score_class", "explanation", "weging"} <= set(plots.columns)
    assert plots["score_class"].notna().any()
    assert plots.loc[plots["score"].notna(), "weging"].str.contains("consensus van de partijen").all()
    active = reservations_frame(store)
    assert len(reserved) == int(active["active"].sum()) == 3
    assert {
        "nr",
        "kavel",
        "categorie",
        "status",
        "capaciteit_min",
        "capaciteit_max",
        "partners",
        "weging",
    } <= set(reserved.columns)
    row = reserved.set_index("kavel").loc["DLF-010"]
    assert row["partners"] == "Woonbron (corporatie)"
    assert (row["capaciteit_min"], row["capaciteit_max"], row["status"]) == (20, 30, "gereserveerd")
    assert plots.crs.to_epsg() == 28992
    layers = {name for name, _ in pyogrio.list_layers(out)}
    assert {"opgave", "ledger", "scores_geclusterd"} <= layers
    assert any(name.startswith("lyr_buildings") for name in layers)

    with sqlite3.connect(out) as con:
        styles = con.execute(
            "SELECT f_table_name, f_geometry_column, styleQML, useAsDefault FROM layer_styles"
        ).fetchall()
        contents = {r[0] for r in con.execute("SELECT table_name FROM gpkg_contents")}
    by_table = {s[0]: s for s in styles}
    assert set(by_table) == {"plots", "reservations"}
    assert "layer_styles" in contents
    for table, geom_col, qml, default in styles:
        assert geom_col == "geom"
        assert default == 1
        assert 'type="categorizedSymbol"' in qml
        assert table  # every styled layer has a QML
    assert 'attr="score_class"' in by_table["plots"][2]
    assert "8,48,107,255" in by_table["plots"][2]  # #08306B, class 5, from map.toml
    assert 'attr="category"' in by_table["reservations"][2]
    assert "142,36,170,255" in by_table["reservations"][2]  # geclusterd #8E24AA
    assert not [p for p in tmp_path.iterdir() if ".tmp" in p.name]


def _expected_rows(store: ProjectStore) -> int:
    return int(reservations_frame(store)["active"].sum())


def test_annex_csv(store: ProjectStore, tmp_path: Path) -> None:
    out = exports.write_annex_table(store, tmp_path / "bijlage.csv")
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(out, sep=";", decimal=",", encoding="utf-8-sig")
    assert list(frame.columns) == list(ANNEX_COLUMNS)
    assert len(frame) == _expected_rows(store)
    row = frame[frame["kavel"] == "DLF-010"].iloc[0]
    assert (row["capaciteit_min"], row["capaciteit_max"]) == (20, 30)
    assert row["jaren"] == "2027–2029"
    assert row["partners"] == "Woonbron (corporatie)"
    assert 0 <= row["score"] <= 100


def test_annex_xlsx(store: ProjectStore, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = exports.write_annex_table(store, tmp_path / "bijlage.xlsx")
    ws = load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == list(ANNEX_COLUMNS)
    assert len(rows) - 1 == _expected_rows(store)
    assert ws.column_dimensions["C"].width > 10
    expected = annex_table(annex_rows(store))
    for got, (_i, want) in zip(rows[1:], expected.iterrows(), strict=True):
        assert got[0] == want["nr"]
        assert got[1] == want["kavel"]
        assert got[2] == want["naam"]
        assert got[6] == want["capaciteit_min"]
    assert any(r[2] == EVIL and r[1] == "DLF-020" for r in rows[1:])


def test_annex_rejects_other_suffix(store: ProjectStore, tmp_path: Path) -> None:
    with pytest.raises(InputsError, match=r"\.csv of \.xlsx"):
        exports.write_annex_table(store, tmp_path / "bijlage.ods")


def test_cli_export_tables(store: ProjectStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cli.main import main

    project = store.target_label
    outs = {k: tmp_path / f"uit.{k}" for k in ("html", "gpkg", "csv", "xlsx")}
    args = ["export", project, *(x for k, p in outs.items() for x in (f"--{k}", str(p)))]
    assert main(args) == 0
    assert all(p.exists() for p in outs.values())
    assert "webkaart geschreven" in capsys.readouterr().out
    assert main(["export", project, "--csv", str(tmp_path / "uit.txt")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("fout: ")
    assert "Traceback" not in err
