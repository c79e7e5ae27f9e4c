"""Exports for sharing a project outside the app: an offline web map, a GIS package, the annex table.

* :func:`write_html_map`: one self-contained HTML file (folium + Leaflet 1.9.4 inlined from
  ``resources/web/leaflet``) that works without internet; the PDOK BRT basemap is optional.
* :func:`write_annex_table`: the reserved-locations table (annex to the prestatieafspraken) as
  CSV for Excel, or as XLSX with the ledger as a document beside it: the bod per category ×
  period × status, per segment, per wijk/buurt, the opgave with its sources, the bod over time
  (*Verloop*) and the homes per opleverjaar against the opgave's path (*Oplevering per jaar*).

The GIS package is :mod:`projects.gis`. Everything shown comes from the read side
(:func:`projects.views.reserved_view`): the same reservations, numbers and scores with their
weighting as the PDF. Files are written through :func:`projects.files.atomic_output`. Every text
that ends up in HTML is escaped. This module is Qt-free.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from projects.audit_state import AMSTERDAM, bod_series, ledger_at
from projects.bod_chart import GROUPS, OPGAVE, line_colours
from projects.files import atomic_output, check_output_file
from projects.ledger import (
    DEFINITIONS,
    STATUS_KEYS,
    Ledger,
    delivery_curve,
    gap_words,
    ledger_summary_lines,
    monitor_rows,
)
from projects.models import RESERVATION_STATUSES
from projects.report import ZoningLegend, is_indicative, zoning_legend
from projects.sources import attribution_lines, dutch_date, project_sources
from projects.views import (
    AnnexRow,
    ReservedView,
    annex_table,
    class_labels,
    project_info,
    project_ledger,
    reserved_view,
    scored_plots,
)
from resources import resource

if TYPE_CHECKING:
    from projects.store import ProjectStore

__all__ = [
    "BRT_GRIJS_URL",
    "DISCLAIMER",
    "MONITOR_LAYOUT",
    "monitor_frame",
    "write_annex_table",
    "write_html_map",
    "write_monitor",
]

BRT_GRIJS_URL = "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/grijs/EPSG:3857/{z}/{x}/{y}.png"
BRT_ATTRIBUTION = "Ondergrond: BRT Achtergrondkaart, CC-BY Kadaster"
DISCLAIMER = "Indicatief, niet juridisch bindend: dit is geen omgevingsplan."

_NO_SCORE_LABEL = "geen score"


# --- shared helpers ---------------------------------------------------------------------------


def _map_style() -> dict[str, Any]:
    return tomllib.loads(resource("styles", "map.toml").read_text(encoding="utf-8"))


def _facility_labels() -> dict[str, str]:
    data = tomllib.loads(resource("categories", "facilities.toml").read_text(encoding="utf-8"))
    return {cid: str(spec.get("label", cid)) for cid, spec in data.get("categories", {}).items()}


def _text(value: Any) -> str:
    """A display string; missing values (None, NA, NaN) become ''."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float) and np.isnan(value):
        return ""
    return str(value)


def _num(value: Any) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(out) else out


def _int(value: Any) -> int | None:
    out = _num(value)
    return None if out is None else int(out)


def _years(start: Any, end: Any) -> str:
    a, b = _int(start), _int(end)
    if a is None and b is None:
        return ""
    if a is None or b is None or a == b:
        return str(a if a is not None else b)
    return f"{a}-{b}"


# A cell starting with one of these is run as a formula by Excel/LibreOffice (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _no_formula(value: Any) -> Any:
    """Text a spreadsheet would evaluate gets a leading apostrophe, so it is shown, not run."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """CSV for Dutch Excel: UTF-8 with BOM, ``;``, decimal comma; text never runs as a formula."""
    safe = frame.copy()
    for col in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[col]):
            safe[col] = safe[col].map(_no_formula)
    safe.to_csv(path, sep=";", decimal=",", index=False, encoding="utf-8-sig")


def write_annex_table(
    store: ProjectStore,
    out: str | Path,
    *,
    view: ReservedView | None = None,
    weighting_key: str | None = None,
) -> Path:
    """The annex table as ``.csv`` (UTF-8 with BOM, ``;`` and decimal comma for Dutch Excel) or ``.xlsx``.

    The rows are :func:`projects.views.annex_rows`: numbered and scored as in the PDF, with the
    weighting named in the column ``weging``. The XLSX adds the ledger (:attr:`ReservedView.ledger`,
    the one the annex rows were read from) on sheets of its own; the CSV stays the annex.
    """
    target = check_output_file(out, (".csv", ".xlsx"), "De bijlagetabel")
    view = view or reserved_view(store, weighting_key=weighting_key)
    frame = annex_table(view.rows)
    with atomic_output(target) as tmp:
        if target.suffix.lower() == ".csv":
            _write_csv(frame, tmp)
        else:
            _write_xlsx(frame, view.ledger, tmp, series=bod_series(store))
    return target


# --- the monitor export --------------------------------------------------------------------------

# The monitor file's columns: (header in the file, what it holds). README and the handleiding
# describe the same layout; keep them in step.
MONITOR_LAYOUT: tuple[tuple[str, str], ...] = (
    ("gemeente_code", "CBS-gemeentecode van het project (bijv. 0503)"),
    ("gemeente", "naam van de gemeente"),
    ("peildatum", "moment van de stand (JJJJ-MM-DDTUU:MM, Nederlandse tijd)"),
    ("categorie", "woonvorm: nultreden, geclusterd, zorggeschikt (of een eigen categorie van het project)"),
    ("opleverjaar", "jaar van oplevering; leeg = reservering zonder opleverjaren"),
    ("opgaveperiode", "opgaveperiode waarin het jaar telt, of 'buiten opgave' / 'zonder jaren'"),
    ("status", "status van de reserveringen (kansrijk … gerealiseerd, vervallen)"),
    ("telt_als", "'zeker', 'in beeld, niet zeker' of 'telt niet' (vervallen), volgens de definities"),
    ("woningen_min", "woningen (minimum van de opgegeven capaciteit) in dit jaar"),
    ("woningen_max", "woningen (maximum van de opgegeven capaciteit) in dit jaar"),
    ("reserveringen", "aantal reserveringen met woningen in deze rij"),
)


def monitor_frame(store: ProjectStore, when: dt.datetime | None = None) -> pd.DataFrame:
    """The monitor table of the project now (or at ``when``, from the audit log): one row per
    category × opleverjaar × status (:func:`projects.ledger.monitor_rows`) with the gemeente and
    the peildatum, headers as in :data:`MONITOR_LAYOUT`."""
    return _monitor(store, when)[0]


def _monitor(store: ProjectStore, when: dt.datetime | None) -> tuple[pd.DataFrame, Ledger, dt.datetime]:
    moment = (when or dt.datetime.now(dt.UTC)).astimezone(AMSTERDAM)
    book = project_ledger(store) if when is None else ledger_at(store, when)
    meta = project_info(store).project
    rows = monitor_rows(book)
    out = pd.DataFrame(
        {
            "gemeente_code": pd.array([meta.gemeente_code] * len(rows), dtype="string"),
            "gemeente": pd.array([meta.gemeente_naam] * len(rows), dtype="string"),
            "peildatum": pd.array([moment.strftime("%Y-%m-%dT%H:%M")] * len(rows), dtype="string"),
            "categorie": rows["category"],
            "opleverjaar": rows["year"],
            "opgaveperiode": rows["period"],
            "status": rows["status"],
            "telt_als": rows["counts_as"],
            "woningen_min": rows["homes_min"],
            "woningen_max": rows["homes_max"],
            "reserveringen": rows["n_reservations"],
        },
        index=rows.index,
    )
    return out, book, moment


def write_monitor(store: ProjectStore, out: str | Path, when: dt.datetime | None = None) -> Path:
    """The monitor export as ``.csv`` (:func:`_write_csv`) or ``.xlsx`` (with a sheet
    *Toelichting*: the columns, the definitions and the opgave per period)."""
    target = check_output_file(out, (".csv", ".xlsx"), "De monitor")
    frame, book, moment = _monitor(store, when)
    with atomic_output(target) as tmp:
        if target.suffix.lower() == ".csv":
            _write_csv(frame, tmp)
        else:
            from openpyxl import Workbook

            lines = [("kolom", f"{name}: {text}") for name, text in MONITOR_LAYOUT]
            lines += [("definitie", d) for d in DEFINITIONS.values()]
            lines += [("stand van het bod", line) for line in ledger_summary_lines(book)]
            lines.append(("peildatum", moment.strftime("%d-%m-%Y %H:%M (Nederlandse tijd)")))
            wb = Workbook()
            _write_sheet(wb, "Monitor", frame, first=True)
            _write_sheet(wb, "Toelichting", pd.DataFrame(lines, columns=["soort", "tekst"]))
            wb.save(tmp)
    return target


# The ledger sheets: (sheet title, the Ledger table, its leading columns with Dutch headers).
_STATUS_HEADERS: list[tuple[str, str]] = [
    (f"{STATUS_KEYS[s]}_{b}", f"{s} {b}") for s in RESERVATION_STATUSES for b in ("min", "max")
]
_TOTAL_HEADERS: list[tuple[str, str]] = [
    ("zeker_min", "zeker min"),
    ("zeker_max", "zeker max"),
    ("in_beeld_min", "in beeld min"),
    ("in_beeld_max", "in beeld max"),
]
_GAP_HEADERS: list[tuple[str, str]] = [
    ("gap_min", "opgave − in beeld min"),
    ("gap_max", "opgave − in beeld max"),
    ("gap_zeker_min", "opgave − zeker min"),
    ("gap_zeker_max", "opgave − zeker max"),
]
_LEDGER_SHEETS: tuple[tuple[str, str, list[tuple[str, str]], bool], ...] = (
    (
        "Bod per periode",
        "periods",
        [
            ("category", "categorie"),
            ("period", "periode"),
            ("target", "opgave"),
            ("target_source", "bron opgave"),
        ],
        True,
    ),
    (
        "Per segment",
        "segments",
        [("category", "categorie"), ("period", "periode"), ("segment", "segment")],
        False,
    ),
    (
        "Per wijk of buurt",
        "wijken",
        [
            ("category", "categorie"),
            ("period", "periode"),
            ("area", "wijk/buurt"),
            ("area_code", "CBS-code"),
            ("area_source", "plaats uit"),
        ],
        False,
    ),
    (
        "Opgave en bronnen",
        "opgave",
        [
            ("category", "categorie"),
            ("period", "periode"),
            ("wijk", "wijk"),
            ("target", "opgave"),
            ("source", "bron"),
        ],
        True,
    ),
)


def _ledger_sheet(book: Ledger, table: str, lead: list[tuple[str, str]], gaps: bool) -> pd.DataFrame:
    """One ledger table with Dutch headers: the lead columns, homes per status, totals (and gaps)."""
    frame: pd.DataFrame = getattr(book, table)
    columns = [*lead, *_STATUS_HEADERS, *_TOTAL_HEADERS, *(_GAP_HEADERS if gaps else [])]
    out = pd.DataFrame({label: frame[col] for col, label in columns})
    if gaps:
        out["tekort"] = [gap_words(a, b) for a, b in zip(frame["gap_min"], frame["gap_max"], strict=True)]
    out["reserveringen"] = frame["n_reservations"]
    out["kavels"] = frame["plot_ids"]
    if "notes" in frame.columns:
        out["opmerkingen"] = frame["notes"]
    return out


def _notes_sheet(book: Ledger) -> pd.DataFrame:
    """Definitions, the drieslag count and the ledger's warnings, one line each."""
    lines = [("definitie", d) for d in DEFINITIONS.values()]
    if book.drieslag_total:
        lines.append(("drieslag", book.drieslag_line))
    lines += [("waarschuwing", w) for w in book.warnings]
    lines += [
        (
            "verloop",
            "Verloop: zeker, in beeld en gerealiseerd per woonvorm aan het eind van elke maand "
            "(Nederlandse tijd) sinds de eerste wijziging van het bod, herbouwd uit het wijzigingslogboek; "
            "de laatste rij is de stand bij het maken van dit bestand. Het zijn de woningen van alle "
            "perioden samen, ook buiten opgave en zonder jaren; de opgave is die van alle perioden samen. "
            "Per periode: zie 'Bod per periode'.",
        ),
        (
            "oplevering",
            "Oplevering per jaar: de woningen per opleverjaar (zoals het grootboek ze over de jaren verdeelt) "
            "en opgeteld t/m elk jaar, naast de opgave als die gelijk over de jaren van haar periode "
            "gehaald wordt. Reserveringen zonder opleverjaren staan er niet in.",
        ),
    ]
    return pd.DataFrame(lines, columns=["soort", "tekst"])


def _write_sheet(wb: Any, title: str, frame: pd.DataFrame, *, first: bool = False) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    ws.append(list(frame.columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in frame.itertuples(index=False):
        ws.append([None if v is pd.NA or (isinstance(v, float) and np.isnan(v)) else v for v in row])
        for cell in ws[ws.max_row]:
            if cell.data_type == "f":  # text such as '=HYPERLINK(...)' stays text, never a formula
                cell.data_type = "s"
    for i, col in enumerate(frame.columns, start=1):
        longest = max([len(str(col)), *(len(_text(v)) for v in frame[col])])
        ws.column_dimensions[get_column_letter(i)].width = min(60, longest + 2)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


_GROUP_WORDS = {"zeker": "zeker", "in_beeld": "in beeld", "gerealiseerd": "gerealiseerd"}


def _series_sheet(series: pd.DataFrame) -> pd.DataFrame:
    """The bod over time (:func:`projects.audit_state.bod_series`) with Dutch headers.

    Per category (in the series' order) its moments, oldest first: each category's rows are one
    block, so its chart can reference them as one range.
    """
    order = {c: i for i, c in enumerate(dict.fromkeys(series["category"]))}
    series = series.sort_values(
        ["category", "moment"],
        key=lambda col: col.map(order) if col.name == "category" else col,
        kind="stable",
    )
    out = pd.DataFrame(
        {
            "stand op": series["moment"].map(lambda m: m.strftime("%d-%m-%Y %H:%M")),
            "categorie": series["category"],
            "opgave (alle perioden)": series["target"],
        }
    )
    for group, label in _GROUP_WORDS.items():
        for bound in ("min", "max"):
            out[f"{label} {bound}"] = series[f"{group}_{bound}"]
    return out


def _curve_sheet(curve: pd.DataFrame) -> pd.DataFrame:
    """The delivery curve (:func:`projects.ledger.delivery_curve`) with Dutch headers."""
    out = pd.DataFrame(
        {
            "categorie": curve["category"],
            "opleverjaar": curve["year"],
            "opgave t/m jaar (gelijk verdeeld)": curve["opgave_path"],
        }
    )
    for suffix, words in (("", "in het jaar"), ("_cum", "t/m het jaar")):
        for group, label in _GROUP_WORDS.items():
            for bound in ("min", "max"):
                out[f"{label} {words} {bound}"] = curve[f"{group}{suffix}_{bound}"]
    return out


KIND_SHEET_SERIES = "verloop"
KIND_SHEET_CURVE = "oplevering"
# (x column, the chart's title after the category, x axis title, [(group key, header) per line]);
# the headers are those of _series_sheet / _curve_sheet, the keys pick the style table's colours.
_CHART_SHEETS: dict[str, tuple[str, str, str, list[tuple[str, str]]]] = {
    KIND_SHEET_SERIES: (
        "stand op",
        "het bod per maand (woningen)",
        "stand op (eind van de maand)",
        [(OPGAVE, "opgave (alle perioden)")]
        + [(g, f"{_GROUP_WORDS[g]} {b}") for g in GROUPS for b in ("min", "max")],
    ),
    KIND_SHEET_CURVE: (
        "opleverjaar",
        "opgeleverd t/m elk jaar tegen de opgave (woningen)",
        "opleverjaar",
        [(OPGAVE, "opgave t/m jaar (gelijk verdeeld)")]
        + [(g, f"{_GROUP_WORDS[g]} t/m het jaar {b}") for g in GROUPS for b in ("min", "max")],
    ),
}
_MARKER_SYMBOLS = {OPGAVE: "none", "zeker": "circle", "in_beeld": "square", "gerealiseerd": "diamond"}


def _add_line_charts(ws: Any, frame: pd.DataFrame, kind: str) -> None:
    """One native Excel line chart per category, beside the table, on the sheet's own cells.

    The category's rows are one block (the sheets are written per category); each line is a
    column of that block, named by its header cell: the minimum solid, the maximum dashed,
    the opgave black dashed, in the style table's colours (:func:`projects.bod_chart.line_colours`).
    """
    from openpyxl.chart import LineChart as XlLineChart
    from openpyxl.chart import Reference, Series
    from openpyxl.chart.data_source import StrRef
    from openpyxl.chart.series import SeriesLabel
    from openpyxl.utils import get_column_letter, quote_sheetname

    x_header, title, x_title, lines = _CHART_SHEETS[kind]
    columns = list(frame.columns)
    colours = line_colours()
    anchor_col = get_column_letter(len(columns) + 2)
    categories = list(dict.fromkeys(frame["categorie"].dropna()))
    for i, category in enumerate(categories):
        rows = [r + 2 for r, c in enumerate(frame["categorie"]) if c == category]  # sheet rows (header = 1)
        first, last = rows[0], rows[-1]  # one block: the sheets are written per category
        chart = XlLineChart()
        chart.title = f"{str(category)[:1].upper()}{str(category)[1:]}: {title}"
        chart.y_axis.title = "woningen"
        chart.x_axis.title = x_title
        chart.x_axis.delete = False  # Excel 365 hides axes openpyxl leaves unset
        chart.y_axis.delete = False
        chart.height, chart.width = 9.0, 18.0  # cm
        chart.legend.position = "b"
        for key, header in lines:
            col = columns.index(header) + 1
            series = Series(Reference(ws, min_col=col, min_row=first, max_row=last))
            series.tx = SeriesLabel(strRef=StrRef(f"{quote_sheetname(ws.title)}!${get_column_letter(col)}$1"))
            line = series.graphicalProperties.line
            line.solidFill = colours[key]
            line.width = 28575 if key == OPGAVE or header.endswith("min") else 15875  # EMU: 2.25 / 1.25 pt
            if key == OPGAVE or header.endswith("max"):
                line.dashStyle = "dash"
            series.marker.symbol = _MARKER_SYMBOLS[key] if not header.endswith("max") else "none"
            if series.marker.symbol != "none":
                series.marker.graphicalProperties.solidFill = colours[key]
                series.marker.graphicalProperties.line.solidFill = colours[key]
            series.smooth = False
            chart.series.append(series)
        x_col = columns.index(x_header) + 1
        chart.set_categories(Reference(ws, min_col=x_col, min_row=first, max_row=last))
        ws.add_chart(chart, f"{anchor_col}{2 + i * 20}")


def _write_xlsx(frame: pd.DataFrame, book: Ledger, path: Path, *, series: pd.DataFrame) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    _write_sheet(wb, "Bijlage locaties", frame, first=True)
    for title, table, lead, gaps in _LEDGER_SHEETS:
        _write_sheet(wb, title, _ledger_sheet(book, table, lead, gaps))
    verloop = _series_sheet(series)
    _write_sheet(wb, "Verloop", verloop)
    _add_line_charts(wb["Verloop"], verloop, KIND_SHEET_SERIES)
    curve = _curve_sheet(delivery_curve(book))
    _write_sheet(wb, "Oplevering per jaar", curve)
    _add_line_charts(wb["Oplevering per jaar"], curve, KIND_SHEET_CURVE)
    _write_sheet(wb, "Toelichting", _notes_sheet(book))
    wb.save(path)


# --- the web map ------------------------------------------------------------------------------

_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CSS_IMAGE = re.compile(r"url\(images/([A-Za-z0-9_.-]+\.png)\)")


def _leaflet_assets() -> tuple[str, str]:
    """(js, css) of the vendored Leaflet; the CSS without comments and with images as data URIs."""
    base = resource("web", "leaflet")
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    css = _CSS_COMMENT.sub("", (base / "leaflet.css").read_text(encoding="utf-8"))

    def inline(m: re.Match[str]) -> str:
        data = base64.b64encode((base / "images" / m.group(1)).read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    return js.replace("</script", "<\\/script"), _CSS_IMAGE.sub(inline, css)


def _script_json(value: Any) -> str:
    """``value`` as JSON that is safe inside a <script> element."""
    return _script_safe(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def _script_safe(text: str) -> str:
    """JSON text made safe inside a <script> element (no '<', '>' or line separators)."""
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _feature_collection(frame: gpd.GeoDataFrame, props: Sequence[Mapping[str, Any]]) -> str:
    """GeoJSON text in WGS84 (the only place where the project leaves EPSG:28992)."""
    if frame.empty:
        return '{"type":"FeatureCollection","features":[]}'
    wgs = frame.to_crs(4326).geometry.to_numpy()
    geoms = shapely.to_geojson(wgs)
    parts = [
        f'{{"type":"Feature","geometry":{g if g is not None else "null"},"properties":'
        f"{json.dumps(p, ensure_ascii=False, separators=(',', ':'))}}}"
        for g, p in zip(geoms, props, strict=True)
    ]
    return '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"


def _row_html(pairs: Sequence[tuple[str, str]]) -> str:
    return "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in pairs if v != ""
    )


def _reservation_text(r: AnnexRow) -> str:
    parts = [
        f"locatie {r.nr}",
        r.category,
        f"{r.capacity} woningen (opgegeven)" if r.capacity else "",
        r.status,
    ]
    if r.years:
        parts.append(r.years)
    if r.partners:
        parts.append(r.partners)
    return " · ".join(p for p in parts if p)


def _score_text(score: float | None) -> str:
    return "" if score is None else f"{score:.1f}".replace(".", ",")


def _plot_props(plots: gpd.GeoDataFrame, rows: Sequence[AnnexRow]) -> list[dict[str, Any]]:
    by_plot: dict[str, list[str]] = {}
    for r in rows:
        by_plot.setdefault(r.plot_id, []).append(_reservation_text(r))
    props = []
    for p in plots.itertuples(index=False):
        plot_id = _text(p.plot_id)
        name = _text(p.name) or plot_id
        score = _num(p.score)
        cls = _int(p.score_class)
        area = _num(p.area_m2)
        rows_html = _row_html(
            [
                ("Kavel", plot_id),
                ("Oppervlakte", "" if area is None else f"{area:,.0f} m²".replace(",", ".")),
                ("Score", _score_text(score)),
                ("Weging", _text(p.weging) if score is not None else ""),
                ("Toelichting", _text(p.explanation)),
                ("Gereserveerd", "; ".join(by_plot.get(plot_id, [])) or "nee"),
            ]
        )
        popup = f'<div class="bnp-popup"><b>{html.escape(name)}</b><table>{rows_html}</table></div>'
        props.append({"id": plot_id, "c": cls, "label": html.escape(name), "popup": popup})
    return props


def _reservation_props(rows: Sequence[AnnexRow]) -> list[dict[str, Any]]:
    props = []
    for r in rows:
        table = _row_html(
            [
                ("Kavel", r.plot_id),
                ("Woningcategorie", r.category),
                ("Woningen (opgegeven)", f"{r.capacity} woningen" if r.capacity else ""),
                ("Schatting van de tool", r.capacity_estimate),
                ("Let op", r.capacity_warning),
                ("Status", r.status),
                ("Jaren", r.years),
                ("Partners", r.partners),
                ("Drieslag", r.drieslag.lights if r.drieslag is not None else ""),
                ("Score", _score_text(r.score)),
                ("Weging", r.score_label),
            ]
        )
        popup = (
            f'<div class="bnp-popup"><b>Gereserveerde locatie {r.nr}: {html.escape(r.name or r.plot_id)}</b>'
            f"<table>{table}</table></div>"
        )
        props.append(
            {
                "cat": r.category,
                "status": r.status,
                "nr": r.nr,
                "id": r.plot_id,
                "score": r.score,
                "weging": r.score_label,
                "popup": popup,
            }
        )
    return props


def _reservations_frame(rows: Sequence[AnnexRow]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"nr": [r.nr for r in rows]}, geometry=[r.geometry for r in rows], crs="EPSG:28992"
    )


def _layer_frame(store: ProjectStore, kind: str) -> gpd.GeoDataFrame | None:
    tables = [ls.table_name for ls in store.layers() if ls.kind == kind]
    if not tables:
        return None
    frames = [store.read_layer(t) for t in tables]
    frame = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=frames[0].crs)
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    return None if frame.empty else frame


def _facilities(store: ProjectStore) -> gpd.GeoDataFrame | None:
    frame = _layer_frame(store, "facilities")
    if frame is None:
        return None
    return frame.set_geometry(frame.geometry.representative_point())


def _dutch_number(value: float, decimals: int = 1) -> str:
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _facility_props(frame: gpd.GeoDataFrame, labels: Mapping[str, str]) -> list[dict[str, Any]]:
    props = []
    per_hour = frame["departures_per_hour"] if "departures_per_hour" in frame.columns else None
    for i, f in enumerate(frame.itertuples(index=False)):
        cat = _text(getattr(f, "category", ""))
        label = labels.get(cat, cat)
        name = _text(getattr(f, "name", "")) or label
        rows = [("Soort", label)]
        freq = _num(per_hour.iloc[i]) if per_hour is not None else None
        if freq is not None:
            rows.append(("Vertrekken per uur", _dutch_number(freq)))
        popup = f'<div class="bnp-popup"><b>{html.escape(name)}</b><table>{_row_html(rows)}</table></div>'
        props.append({"cat": cat, "popup": popup})
    return props


# Context layers: only what lies near the plots, simplified, so the file stays light.
_CONTEXT_MARGIN_M = 300.0
_CONTEXT_MAX = 40_000  # more features than this make the offline file too heavy for a browser
_SIMPLIFY_M = 0.5


def _context(
    frame: gpd.GeoDataFrame | None, bounds: Sequence[float] | None
) -> tuple[gpd.GeoDataFrame | None, int]:
    """The features of a context layer near the plots (simplified); with how many were left out."""
    if frame is None or bounds is None:
        return None, 0
    x0, y0, x1, y1 = bounds
    box = shapely.box(
        x0 - _CONTEXT_MARGIN_M, y0 - _CONTEXT_MARGIN_M, x1 + _CONTEXT_MARGIN_M, y1 + _CONTEXT_MARGIN_M
    )
    near = frame.iloc[np.sort(frame.sindex.query(box, predicate="intersects"))]
    if len(near) > _CONTEXT_MAX:
        return None, len(near)
    near = near.copy()
    near["geometry"] = shapely.simplify(near.geometry.to_numpy(), _SIMPLIFY_M, preserve_topology=True)
    return near, 0


def _zoning_props(frame: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    groups = (
        frame["bestemmingshoofdgroep"].astype("string").fillna("").str.strip().str.lower()
        if "bestemmingshoofdgroep" in frame.columns
        else pd.Series([""] * len(frame))
    )
    indicative = is_indicative(frame)
    return [{"g": g, "i": bool(i)} for g, i in zip(groups, indicative, strict=True)]


def _hoofdgroepen() -> dict[str, dict[str, Any]]:
    data = tomllib.loads(resource("zoning", "hoofdgroepen.toml").read_text(encoding="utf-8"))
    return {str(k): dict(v) for k, v in data.get("hoofdgroepen", {}).items()}


def _swatch(style: str) -> str:
    return f'<span class="bnp-sw" style="{html.escape(style)}"></span>'


def _facility_icon_html(spec: Mapping[str, Any]) -> str:
    glyph = html.escape(str(spec.get("glyph", "circle")))
    colour = html.escape(str(spec.get("colour", "#555555")))
    letter = html.escape(str(spec.get("letter", "?")))
    return f'<span class="bnp-fac bnp-{glyph}" style="background:{colour}"><span>{letter}</span></span>'


def _legend_html(
    style: Mapping[str, Any],
    title: str,
    *,
    weighting: str,
    categories: Sequence[str],
    facility_cats: Sequence[str],
    facility_labels: Mapping[str, str],
    buildings: bool,
    zoning: ZoningLegend | None,
    zoning_name: str,
    sources: Sequence[str],
    today: str,
    left_out: Sequence[str],
    labels: Sequence[str] | None = None,
) -> str:
    """The legend: one section per layer on the map (hidden with its layer), sources, disclaimer.

    ``labels``: the score classes' ranges as the app shows them (projects.views.class_labels).
    """

    def section(layer: str, head: str, rows: Sequence[str]) -> str:
        body = "".join(f"<div>{r}</div>" for r in rows)
        return (
            f'<div class="bnp-sec" data-layer="{html.escape(layer)}"><i>{html.escape(head)}</i>{body}</div>'
        )

    parts = [f"<b>{html.escape(title)}</b>"]
    classes = style["plots"]["score_classes"]
    rows = [f'<span class="bnp-small">Score: {html.escape(weighting)}</span>'] if weighting else []
    rows += [
        _swatch(f"background:{c}") + html.escape(label)
        for c, label in zip(classes["colours"], labels or classes.get("labels", []), strict=False)
    ]
    rows.append(_swatch(f"background:{style['plots']['no_score']}") + html.escape(_NO_SCORE_LABEL))
    parts.append(section(_PLOTS, "Kavels, score", rows))
    res = style["reservations"]["categories"]
    rows = []
    for cat in categories:
        spec = res.get(cat, res["fallback"])
        border = {"dash": "dashed", "dot": "dotted"}.get(spec.get("pattern", "solid"), "solid")
        rows.append(
            _swatch(f"border:3px {border} {spec['colour']};background:transparent") + html.escape(cat)
        )
    if rows:
        parts.append(section(_RESERVED, "Gereserveerde locaties (woningcategorie)", rows))
    fac = style["facilities"]
    rows = [
        _facility_icon_html(fac["categories"].get(cat, fac["fallback"]))
        + html.escape(facility_labels.get(cat, cat))
        for cat in facility_cats
    ]
    if rows:
        parts.append(section(_FACILITIES, "Voorzieningen", rows))
    if buildings:
        b = style["buildings"]
        parts.append(
            section(
                _BUILDINGS,
                "Ondergrond",
                [_swatch(f"background:{b['fill']};opacity:.6;border-color:{b['outline']}") + "gebouw"],
            )
        )
    if zoning is not None:
        groups = _hoofdgroepen()
        fallback = style["zoning"]["fallback_fill"]
        rows = [
            _swatch(f"background:{groups.get(code, {}).get('fill', fallback)};opacity:.6")
            + html.escape(label)
            for code, label in zoning.groups
        ]
        if zoning.note:
            rows.append(f'<span class="bnp-small">{html.escape(zoning.note)}</span>')
        parts.append(section(zoning_name, zoning.title, rows))
    for note in left_out:
        parts.append(f'<span class="bnp-small">{html.escape(note)}</span>')
    parts.append('<span class="bnp-small">' + "<br>".join(html.escape(s) for s in sources) + "</span>")
    parts.append(
        f'<span class="bnp-small"><b>{html.escape(DISCLAIMER)}</b> Stand: {html.escape(today)}</span>'
    )
    return "".join(f"<div>{p}</div>" if not p.startswith("<div") else p for p in parts)


# Names of the toggleable layers (layer control and legend sections).
_ZONING = "Bestemming"
_BUILDINGS = "Gebouwen"
_PLOTS = "Kavels (score)"
_RESERVED = "Gereserveerde locaties"
_FACILITIES = "Voorzieningen"

_PAGE_CSS = """
.bnp-legend{background:rgba(255,255,255,.94);padding:8px 10px;font:13px/1.45 sans-serif;
  max-width:300px;max-height:calc(100vh - 110px);overflow:auto;border-radius:4px;
  box-shadow:0 1px 4px rgba(0,0,0,.35)}
.bnp-legend i{display:block;margin-top:4px}
.bnp-sw{display:inline-block;width:14px;height:14px;margin-right:6px;vertical-align:middle;
  box-sizing:border-box;border:1px solid #202020}
.bnp-small{font-size:11px;color:#333}
.bnp-north{background:rgba(255,255,255,.9);padding:2px 8px;font:bold 16px sans-serif;
  text-align:center;border-radius:4px;line-height:1.1}
.bnp-popup table{border-collapse:collapse;font-size:12px}
.bnp-popup th{text-align:left;padding-right:8px;vertical-align:top}
.bnp-fac{display:inline-flex;width:16px;height:16px;box-sizing:border-box;align-items:center;
  justify-content:center;color:#fff;font:bold 10px/1 sans-serif;border:2px solid #fff;
  box-shadow:0 0 0 1px #222;margin-right:6px;vertical-align:middle}
.bnp-fac.bnp-circle{border-radius:50%}
.bnp-fac.bnp-square{border-radius:1px}
.bnp-fac.bnp-diamond{transform:rotate(45deg) scale(.85)}
.bnp-fac.bnp-diamond span{transform:rotate(-45deg)}
.bnp-fac.bnp-triangle{clip-path:polygon(50% 0,100% 100%,0 100%);border:none;box-shadow:none;
  padding-top:4px}
.bnp-fac.bnp-hexagon{clip-path:polygon(25% 0,75% 0,100% 50%,75% 100%,25% 100%,0 50%);border:none;
  box-shadow:none}
.bnp-marker .bnp-fac{margin:0}
"""

_MAP_JS = """
(function(){
var map = {map};
var SC = {score_colours}, NOSCORE = {no_score}, OUTLINE = {outline};
var RC = {res_styles}, FS = {fac_symbols}, FB = {fac_fallback};
var ZC = {zoning_colours}, ZF = {zoning_fallback}, ZO = {zoning_outline}, BS = {building_style};
map.attributionControl.setPrefix("Leaflet");
{attributions}.forEach(function(a){ map.attributionControl.addAttribution(a); });
L.control.scale({metric: true, imperial: false}).addTo(map);
function popup(f, layer){ layer.bindPopup(f.properties.popup, {maxWidth: 360}); }
L.geoJSON({zoning}, {interactive: false,
  style: function(f){ return {color: ZO, weight: 0.5, fillColor: ZC[f.properties.g] || ZF,
    fillOpacity: f.properties.i ? 0.22 : 0.32, dashArray: f.properties.i ? "3 3" : null}; }
}).addTo({zoning_group});
L.geoJSON({buildings}, {interactive: false,
  style: function(){ return {color: BS.outline, weight: 0.5, fillColor: BS.fill, fillOpacity: 0.35}; }
}).addTo({buildings_group});
L.geoJSON({plots}, {
  style: function(f){ var c = f.properties.c;
    return {color: OUTLINE, weight: 1, fillOpacity: 0.75,
            fillColor: (c >= 1 && c <= SC.length) ? SC[c - 1] : NOSCORE}; },
  onEachFeature: function(f, layer){ popup(f, layer);
    if (f.properties.label) layer.bindTooltip(f.properties.label, {sticky: true}); }
}).addTo({plots_group});
L.geoJSON({reservations}, {
  style: function(f){ var s = RC[f.properties.cat] || RC.fallback;
    return {color: s.colour, weight: s.width, dashArray: s.dash, fill: s.hatch,
            fillColor: s.colour, fillOpacity: s.hatch ? 0.2 : 0}; },
  onEachFeature: popup
}).addTo({res_group});
function facIcon(cat){ var s = FS[cat] || FB;
  var html = '<span class="bnp-fac bnp-' + s.glyph + '" style="background:' + s.colour + '"><span>'
    + s.letter + '</span></span>';
  return L.divIcon({className: "bnp-marker", html: html, iconSize: [16, 16], iconAnchor: [8, 8]}); }
L.geoJSON({facilities}, {
  pointToLayer: function(f, ll){ return L.marker(ll, {icon: facIcon(f.properties.cat)}); },
  onEachFeature: popup
}).addTo({fac_group});
var legend = L.control({position: "bottomright"});
legend.onAdd = function(){ var d = L.DomUtil.create("div", "bnp-legend"); d.innerHTML = {legend};
  L.DomEvent.disableClickPropagation(d); L.DomEvent.disableScrollPropagation(d); return d; };
legend.addTo(map);
function showSection(name, on){
  var secs = document.querySelectorAll('.bnp-sec');
  for (var i = 0; i < secs.length; i++){
    if (secs[i].getAttribute('data-layer') === name) secs[i].style.display = on ? '' : 'none'; } }
map.on('overlayadd', function(e){ showSection(e.name, true); });
map.on('overlayremove', function(e){ showSection(e.name, false); });
var north = L.control({position: "topright"});
north.onAdd = function(){ var d = L.DomUtil.create("div", "bnp-north");
  d.innerHTML = "&#9650;<br>N"; d.title = "Noorden"; return d; };
north.addTo(map);
})();
"""


def _dash(pattern: str) -> str | None:
    return {"dash": "10 6", "dot": "2 6"}.get(pattern)


_EMPTY = '{"type":"FeatureCollection","features":[]}'


def write_html_map(
    store: ProjectStore,
    out: str | Path,
    *,
    online_tiles: bool = False,
    view: ReservedView | None = None,
    weighting_key: str | None = None,
) -> Path:
    """A single, self-contained HTML map of the plots (by score), reservations and facilities.

    Leaflet is inlined, so the file works offline and refers to no external URL unless
    ``online_tiles`` adds the PDOK BRT grijs basemap. The buildings and the zoning near the
    plots are light context layers; every layer can be switched off and has its legend section;
    the scale bar is metric only; numbers in popups are Dutch ("48,0", "1.270 m²"). Styling
    runs in one JS function per layer (not folium's per-feature ``style_function``), so
    thousands of plots load quickly.
    """
    import folium
    from branca.element import Element, MacroElement
    from jinja2 import Template

    target = check_output_file(out, (".html", ".htm"), "De webkaart")
    view = view or reserved_view(store, weighting_key=weighting_key)
    style = _map_style()
    title = view.info.name or "Van Bod naar Plot"
    plots = scored_plots(store, view.plots_view)
    res = _reservations_frame(view.rows)
    facilities = _facilities(store)
    fac_style = style["facilities"]
    labels = _facility_labels()
    extent = None if plots.empty else tuple(float(v) for v in plots.total_bounds)
    buildings_all = _layer_frame(store, "buildings")
    zoning_all = _layer_frame(store, "zoning")
    buildings, n_buildings = _context(buildings_all, extent)
    zoning, n_zoning = _context(zoning_all, extent)
    groups = project_sources(store, {})

    if plots.empty:
        bounds = None
        center = [52.0116, 4.3571]
    else:
        w, s, e, n = plots.to_crs(4326).total_bounds
        bounds = [[float(s), float(w)], [float(n), float(e)]]
        center = [(s + n) / 2, (w + e) / 2]

    fig = folium.Figure(title=html.escape(f"{title} – kavels en gereserveerde locaties"))
    m = folium.Map(
        location=center, zoom_start=15, tiles=None, prefer_canvas=True, control_scale=False, max_zoom=20
    )
    m.default_js = []
    m.default_css = []
    fig.add_child(m)
    js, css = _leaflet_assets()
    fig.header.add_child(
        Element(f"<style>{css}</style>\n<style>{_PAGE_CSS}</style>\n<script>{js}</script>"),
        name="leaflet_inline",
    )
    if online_tiles:
        folium.TileLayer(
            tiles=BRT_GRIJS_URL,
            attr=html.escape(BRT_ATTRIBUTION),
            name="BRT Achtergrondkaart (grijs)",
            max_zoom=20,
            max_native_zoom=19,
        ).add_to(m)
    zoning_info = zoning_legend(zoning)
    zoning_name = _ZONING + (" (indicatief)" if zoning_info is not None and zoning_info.indicative else "")
    zoning_group = folium.FeatureGroup(name=zoning_name, show=zoning is not None).add_to(m)
    buildings_group = folium.FeatureGroup(name=_BUILDINGS, show=buildings is not None).add_to(m)
    plots_group = folium.FeatureGroup(name=_PLOTS, show=True).add_to(m)
    res_group = folium.FeatureGroup(name=_RESERVED, show=True).add_to(m)
    fac_group = folium.FeatureGroup(name=_FACILITIES, show=True).add_to(m)

    res_styles = {
        cat: {
            "colour": spec["colour"],
            "width": float(style["reservations"].get("width_px", 4.0)),
            "dash": _dash(spec.get("pattern", "solid")),
            "hatch": bool(spec.get("hatch", False)),
        }
        for cat, spec in style["reservations"]["categories"].items()
    }
    fac_json = (
        _feature_collection(facilities, _facility_props(facilities, labels))
        if facilities is not None
        else _EMPTY
    )
    left_out = [
        f"{what} weggelaten: {n:,} objecten rond de kavels is te veel voor een webkaart".replace(",", ".")
        for what, n in (("Gebouwen", n_buildings), ("Bestemmingen", n_zoning))
        if n
    ]
    sources = attribution_lines(groups, extra=[BRT_ATTRIBUTION] if online_tiles else ())
    building_spec = style["buildings"]
    values = {
        "map": m.get_name(),
        "score_colours": _script_json(style["plots"]["score_classes"]["colours"]),
        "no_score": _script_json(style["plots"]["no_score"]),
        "outline": _script_json(style["plots"]["outline"]),
        "res_styles": _script_json(res_styles),
        "fac_symbols": _script_json(fac_style["categories"]),
        "fac_fallback": _script_json(fac_style["fallback"]),
        "zoning_colours": _script_json({k: v["fill"] for k, v in _hoofdgroepen().items() if "fill" in v}),
        "zoning_fallback": _script_json(style["zoning"]["fallback_fill"]),
        "zoning_outline": _script_json(style["zoning"]["outline"]),
        "building_style": _script_json({"fill": building_spec["fill"], "outline": building_spec["outline"]}),
        "attributions": _script_json([html.escape(a) for a in attribution_lines(groups)]),
        "legend": _script_json(
            _legend_html(
                style,
                title,
                weighting=view.plots_view.label if view.plots_view else "",
                categories=list(dict.fromkeys(r.category for r in view.rows)),
                facility_cats=sorted(
                    set(facilities["category"].astype(str)) if facilities is not None else set(),
                    key=lambda c: labels.get(c, c),
                ),
                facility_labels=labels,
                buildings=buildings is not None,
                zoning=zoning_info,
                zoning_name=zoning_name,
                sources=sources,
                today=dutch_date(dt.date.today()),
                left_out=left_out,
                labels=class_labels(plots),
            )
        ),
        "zoning_group": zoning_group.get_name(),
        "buildings_group": buildings_group.get_name(),
        "plots_group": plots_group.get_name(),
        "res_group": res_group.get_name(),
        "fac_group": fac_group.get_name(),
        "zoning": _script_safe(
            _feature_collection(zoning, _zoning_props(zoning)) if zoning is not None else _EMPTY
        ),
        "buildings": _script_safe(
            _feature_collection(buildings[["geometry"]], [{}] * len(buildings))
            if buildings is not None
            else _EMPTY
        ),
        "plots": _script_safe(_feature_collection(plots, _plot_props(plots, view.rows))),
        "reservations": _script_safe(_feature_collection(res, _reservation_props(view.rows))),
        "facilities": _script_safe(fac_json),
    }
    # One pass, so a '{plots}' inside a plot name is never substituted again.
    script = re.sub(r"\{(\w+)\}", lambda mt: values.get(mt.group(1), mt.group(0)), _MAP_JS)

    class _Layers(MacroElement):
        def __init__(self) -> None:
            super().__init__()  # type: ignore[no-untyped-call]
            self._name = "BnpLayers"
            # The script holds JSON only; '{' in it must not reach jinja, so it is a variable.
            self._template = Template("{% macro script(this, kwargs) %}{{ this.code }}{% endmacro %}")
            self.code = script

    m.add_child(_Layers())
    folium.LayerControl(collapsed=False, position="topleft").add_to(m)  # the legend has the right side
    if bounds is not None:
        m.fit_bounds(bounds)
    with atomic_output(target) as tmp:
        fig.save(str(tmp))
    return target
