"""Exports for sharing a project outside the app: an offline web map, a GIS package, the annex table.

* :func:`write_html_map`: one self-contained HTML file (folium + Leaflet 1.9.4 inlined from
  ``resources/web/leaflet``) that works without internet; the PDOK BRT basemap is optional.
* :func:`write_gis_package`: a GeoPackage with plots (plus the latest scores), reservations and
  a QGIS ``layer_styles`` table, so QGIS shows the same colours as the app.
* :func:`write_annex_table`: the reserved-locations table (annex to the prestatieafspraken) as
  CSV for Excel or as XLSX.

Every file is written to a temporary file next to the target and moved into place when
complete, so a failed export never leaves half a file. Every text that ends up in HTML is
escaped. This module is Qt-free.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import html
import json
import os
import re
import sqlite3
import tempfile
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import quoteattr

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from projects.errors import InputsError, StorageError
from projects.service import (
    latest_snapshot,
    plots_frame,
    project_info,
    reservations_frame,
)
from resources import resource

if TYPE_CHECKING:
    from projects.store import ProjectStore

__all__ = [
    "ANNEX_COLUMNS",
    "BRT_GRIJS_URL",
    "annex_frame",
    "write_annex_table",
    "write_gis_package",
    "write_html_map",
]

BRT_GRIJS_URL = "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/grijs/EPSG:3857/{z}/{x}/{y}.png"
BRT_ATTRIBUTION = "Ondergrond: BRT Achtergrondkaart, CC-BY Kadaster"
DATA_ATTRIBUTION = (
    "Bron: Kadaster / BAG (CC0)",
    "© OpenStreetMap-bijdragers (ODbL 1.0)",
    "Bron: CBS / Kadaster, Wijk- en buurtkaart (CC BY 4.0)",
)
DISCLAIMER = "Indicatief, niet juridisch bindend: dit is geen omgevingsplan."

ANNEX_COLUMNS: tuple[str, ...] = (
    "nr",
    "naam",
    "adres/perceel",
    "oppervlakte_m2",
    "categorie",
    "capaciteit_min",
    "capaciteit_max",
    "status",
    "partners",
    "jaren",
    "score",
)

_NO_SCORE_LABEL = "geen score"


# --- shared helpers ---------------------------------------------------------------------------


def _map_style() -> dict[str, Any]:
    return tomllib.loads(resource("styles", "map.toml").read_text(encoding="utf-8"))


def _facility_labels() -> dict[str, str]:
    data = tomllib.loads(resource("categories", "facilities.toml").read_text(encoding="utf-8"))
    return {cid: str(spec.get("label", cid)) for cid, spec in data.get("categories", {}).items()}


def _check_target(out: str | Path, suffixes: Sequence[str], what: str) -> Path:
    target = Path(out)
    if target.suffix.lower() not in suffixes:
        raise InputsError(
            f"{what} kan alleen naar {' of '.join(suffixes)}, niet naar '{target.name}'.",
            hint=f"Geef een bestandsnaam op die op {' of '.join(suffixes)} eindigt.",
        )
    if target.is_dir():
        raise InputsError("Het uitvoerpad is een map.", hint="Geef een bestandsnaam op.", path=str(target))
    return target


@contextlib.contextmanager
def _atomic(target: Path) -> Iterator[Path]:
    """A temporary path next to ``target`` (not yet created); moved onto ``target`` on success."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".tmp-", suffix=target.suffix, dir=target.parent)
    except OSError as exc:
        raise StorageError(
            f"Kan niet schrijven in de map {target.parent}.",
            hint="Kies een map waar u schrijfrechten heeft.",
            path=str(target),
        ) from exc
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()
    try:
        yield tmp
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise StorageError(
                f"Kan '{target.name}' niet opslaan.",
                hint="Is het bestand nog open in een ander programma (Excel, QGIS)? Sluit het en probeer opnieuw.",
                path=str(target),
            ) from exc
    finally:
        if tmp.exists():
            tmp.unlink()


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


def _scores(store: ProjectStore) -> pd.DataFrame:
    """The latest scoring run per plot: plot_id, score, score_class, explanation (may be empty)."""
    columns = ["plot_id", "score", "score_class", "explanation"]
    snap = latest_snapshot(store)
    if snap is None:
        return pd.DataFrame(columns=columns)
    frame = store.read_layer(snap.table_name)
    out = pd.DataFrame({"plot_id": frame["plot_id"].astype("string")})
    out["score"] = pd.to_numeric(frame["score"], errors="coerce") if "score" in frame else np.nan
    out["score_class"] = (
        pd.to_numeric(frame["score_class"], errors="coerce").astype("Int64")
        if "score_class" in frame
        else pd.array([pd.NA] * len(frame), dtype="Int64")
    )
    out["explanation"] = frame["explanation"].astype("string") if "explanation" in frame else pd.NA
    return out.drop_duplicates("plot_id")


def _scored_plots(store: ProjectStore) -> gpd.GeoDataFrame:
    plots = plots_frame(store).drop(columns="version")
    plots["plot_id"] = plots["plot_id"].astype("string")
    merged = plots.merge(_scores(store), on="plot_id", how="left")
    merged["score_class"] = merged["score_class"].astype("Int64")
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=plots.crs)


def _active_reservations(store: ProjectStore) -> gpd.GeoDataFrame:
    res = reservations_frame(store)
    res = res[res["active"].fillna(False).astype(bool)].drop(columns="version")
    return res.reset_index(drop=True)


# --- the annex table ----------------------------------------------------------------------------


def annex_frame(store: ProjectStore) -> pd.DataFrame:
    """One row per active reservation, in plot order: the columns of :data:`ANNEX_COLUMNS`."""
    plots = _scored_plots(store).set_index("plot_id")
    res = _active_reservations(store).sort_values(["plot_id", "fid"], kind="stable")
    rows: list[dict[str, Any]] = []
    for nr, r in enumerate(res.itertuples(index=False), start=1):
        plot_id = _text(r.plot_id)
        plot = plots.loc[plot_id] if plot_id in plots.index else None
        name = _text(plot["name"]) if plot is not None else ""
        where = [_text(plot[c]) for c in ("address", "kadastraal_perceel")] if plot is not None else []
        area = _num(plot["area_m2"]) if plot is not None else None
        score = _num(plot["score"]) if plot is not None else None
        rows.append(
            {
                "nr": nr,
                "naam": f"{name} ({plot_id})" if name else plot_id,
                "adres/perceel": " / ".join(w for w in where if w),
                "oppervlakte_m2": None if area is None else round(area),
                "categorie": _text(r.category),
                "capaciteit_min": _int(r.capacity_min),
                "capaciteit_max": _int(r.capacity_max),
                "status": _text(r.status),
                "partners": _text(r.partners_text),
                "jaren": _years(r.year_start, r.year_end),
                "score": None if score is None else round(score, 1),
            }
        )
    frame = pd.DataFrame(rows, columns=list(ANNEX_COLUMNS))
    for col in ("nr", "oppervlakte_m2", "capaciteit_min", "capaciteit_max"):
        frame[col] = pd.array(frame[col].tolist(), dtype="Int64")
    frame["score"] = pd.to_numeric(frame["score"], errors="coerce")
    return frame


# A cell starting with one of these is run as a formula by Excel/LibreOffice (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _no_formula(value: Any) -> Any:
    """Text a spreadsheet would evaluate gets a leading apostrophe, so it is shown, not run."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_annex_table(store: ProjectStore, out: str | Path) -> Path:
    """The annex table as ``.csv`` (UTF-8 with BOM, ``;`` and decimal comma for Dutch Excel) or ``.xlsx``."""
    target = _check_target(out, (".csv", ".xlsx"), "De bijlagetabel")
    frame = annex_frame(store)
    with _atomic(target) as tmp:
        if target.suffix.lower() == ".csv":
            safe = frame.copy()
            for col in safe.columns:
                if not pd.api.types.is_numeric_dtype(safe[col]):
                    safe[col] = safe[col].map(_no_formula)
            safe.to_csv(tmp, sep=";", decimal=",", index=False, encoding="utf-8-sig")
        else:
            _write_xlsx(frame, tmp)
    return target


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Bijlage locaties"
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


def _reservation_text(r: Any) -> str:
    cap_lo, cap_hi = _int(r.capacity_min), _int(r.capacity_max)
    cap = "" if cap_lo is None else (f"{cap_lo}" if cap_lo == cap_hi else f"{cap_lo}–{cap_hi}")
    parts = [_text(r.category), f"{cap} woningen" if cap else "", _text(r.status)]
    years = _years(r.year_start, r.year_end)
    if years:
        parts.append(years)
    if _text(r.partners_text):
        parts.append(_text(r.partners_text))
    return " · ".join(p for p in parts if p)


def _plot_props(plots: gpd.GeoDataFrame, res: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    by_plot: dict[str, list[str]] = {}
    for r in res.itertuples(index=False):
        by_plot.setdefault(_text(r.plot_id), []).append(_reservation_text(r))
    props = []
    for p in plots.itertuples(index=False):
        plot_id = _text(p.plot_id)
        name = _text(p.name) or plot_id
        score = _num(p.score)
        cls = _int(p.score_class)
        area = _num(p.area_m2)
        rows = _row_html(
            [
                ("Kavel", plot_id),
                ("Oppervlakte", "" if area is None else f"{area:,.0f} m²".replace(",", ".")),
                ("Score", "" if score is None else f"{score:.1f}"),
                ("Toelichting", _text(p.explanation)),
                ("Reservering", "; ".join(by_plot.get(plot_id, [])) or "geen"),
            ]
        )
        popup = f'<div class="bnp-popup"><b>{html.escape(name)}</b><table>{rows}</table></div>'
        props.append({"id": plot_id, "c": cls, "label": html.escape(name), "popup": popup})
    return props


def _reservation_props(res: gpd.GeoDataFrame, names: Mapping[str, str]) -> list[dict[str, Any]]:
    props = []
    for r in res.itertuples(index=False):
        plot_id = _text(r.plot_id)
        name = names.get(plot_id) or plot_id
        cap_lo, cap_hi = _int(r.capacity_min), _int(r.capacity_max)
        rows = _row_html(
            [
                ("Kavel", plot_id),
                ("Categorie", _text(r.category)),
                ("Capaciteit", "" if cap_lo is None else f"{cap_lo}–{cap_hi} woningen"),
                ("Status", _text(r.status)),
                ("Jaren", _years(r.year_start, r.year_end)),
                ("Partners", _text(r.partners_text)),
            ]
        )
        popup = f'<div class="bnp-popup"><b>Reservering: {html.escape(name)}</b><table>{rows}</table></div>'
        props.append({"cat": _text(r.category), "status": _text(r.status), "popup": popup})
    return props


def _facilities(store: ProjectStore) -> gpd.GeoDataFrame | None:
    tables = [ls.table_name for ls in store.layers() if ls.kind == "facilities"]
    if not tables:
        return None
    frames = [store.read_layer(t) for t in tables]
    frame = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    if frame.empty:
        return None
    frame = frame.set_geometry(frame.geometry.representative_point())
    return frame


def _facility_props(frame: gpd.GeoDataFrame, labels: Mapping[str, str]) -> list[dict[str, Any]]:
    props = []
    for f in frame.itertuples(index=False):
        cat = _text(getattr(f, "category", ""))
        name = _text(getattr(f, "name", "")) or labels.get(cat, cat)
        popup = f"<b>{html.escape(name)}</b><br>{html.escape(labels.get(cat, cat))}"
        props.append({"cat": cat, "popup": popup})
    return props


def _legend_html(style: Mapping[str, Any], title: str, online_tiles: bool, today: str) -> str:
    classes = style["plots"]["score_classes"]
    rows = [f"<b>{html.escape(title)}</b>", "<i>Kavels, score</i>"]
    for colour, label in zip(classes["colours"], classes["labels"], strict=True):
        rows.append(
            f'<span class="bnp-sw" style="background:{html.escape(colour)}"></span>{html.escape(label)}'
        )
    rows.append(
        f'<span class="bnp-sw" style="background:{html.escape(style["plots"]["no_score"])}"></span>'
        f"{html.escape(_NO_SCORE_LABEL)}"
    )
    rows.append("<i>Reserveringen</i>")
    for cat, spec in style["reservations"]["categories"].items():
        if cat == "fallback":
            continue
        border = {"dash": "dashed", "dot": "dotted"}.get(spec.get("pattern", "solid"), "solid")
        rows.append(
            f'<span class="bnp-sw" style="border:3px {border} {html.escape(spec["colour"])};'
            f'background:transparent"></span>{html.escape(cat)}'
        )
    sources = [*DATA_ATTRIBUTION, *([BRT_ATTRIBUTION] if online_tiles else [])]
    rows.append('<span class="bnp-small">' + "<br>".join(html.escape(s) for s in sources) + "</span>")
    rows.append(
        f'<span class="bnp-small"><b>{html.escape(DISCLAIMER)}</b> Stand: {html.escape(today)}</span>'
    )
    return "<br>".join(rows)


_PAGE_CSS = """
.bnp-legend{background:rgba(255,255,255,.93);padding:8px 10px;font:13px/1.45 sans-serif;
  max-width:280px;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.35)}
.bnp-sw{display:inline-block;width:14px;height:14px;margin-right:6px;vertical-align:middle;
  box-sizing:border-box;border:1px solid #202020}
.bnp-small{font-size:11px;color:#333}
.bnp-north{background:rgba(255,255,255,.9);padding:2px 8px;font:bold 16px sans-serif;
  text-align:center;border-radius:4px;line-height:1.1}
.bnp-popup table{border-collapse:collapse;font-size:12px}
.bnp-popup th{text-align:left;padding-right:8px;vertical-align:top}
"""

_MAP_JS = """
(function(){
var map = {map};
var SC = {score_colours}, NOSCORE = {no_score}, OUTLINE = {outline};
var RC = {res_styles}, FC = {fac_colours}, FB = {fac_fallback}, ST = {fac_outline};
map.attributionControl.setPrefix("Leaflet");
{attributions}.forEach(function(a){ map.attributionControl.addAttribution(a); });
function popup(f, layer){ layer.bindPopup(f.properties.popup, {maxWidth: 360}); }
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
L.geoJSON({facilities}, {
  pointToLayer: function(f, ll){ return L.circleMarker(ll, {radius: 6, weight: 1.5, color: ST,
      fillColor: FC[f.properties.cat] || FB, fillOpacity: 1}); },
  onEachFeature: popup
}).addTo({fac_group});
var legend = L.control({position: "bottomright"});
legend.onAdd = function(){ var d = L.DomUtil.create("div", "bnp-legend"); d.innerHTML = {legend};
  L.DomEvent.disableClickPropagation(d); L.DomEvent.disableScrollPropagation(d); return d; };
legend.addTo(map);
var north = L.control({position: "topright"});
north.onAdd = function(){ var d = L.DomUtil.create("div", "bnp-north");
  d.innerHTML = "&#9650;<br>N"; d.title = "Noorden"; return d; };
north.addTo(map);
})();
"""


def _dash(pattern: str) -> str | None:
    return {"dash": "10 6", "dot": "2 6"}.get(pattern)


def write_html_map(store: ProjectStore, out: str | Path, *, online_tiles: bool = False) -> Path:
    """A single, self-contained HTML map of the plots (by score), reservations and facilities.

    Leaflet is inlined, so the file works offline and refers to no external URL unless
    ``online_tiles`` adds the PDOK BRT grijs basemap. Styling runs in one JS function per layer
    (not folium's per-feature ``style_function``), so thousands of plots load quickly.
    """
    import folium
    from branca.element import Element, MacroElement
    from jinja2 import Template

    target = _check_target(out, (".html", ".htm"), "De webkaart")
    style = _map_style()
    info = project_info(store)
    title = str(info["project"].get("name") or "Van Bod naar Plot")
    plots = _scored_plots(store)
    res = _active_reservations(store)
    names = {_text(p): _text(n) for p, n in zip(plots["plot_id"], plots["name"], strict=True)}
    facilities = _facilities(store)
    fac_style = style["facilities"]
    labels = _facility_labels()

    if plots.empty:
        bounds = None
        center = [52.0116, 4.3571]
    else:
        w, s, e, n = plots.to_crs(4326).total_bounds
        bounds = [[float(s), float(w)], [float(n), float(e)]]
        center = [(s + n) / 2, (w + e) / 2]

    fig = folium.Figure(title=html.escape(f"{title} – kavels en reserveringen"))
    m = folium.Map(
        location=center, zoom_start=15, tiles=None, prefer_canvas=True, control_scale=True, max_zoom=20
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
    plots_group = folium.FeatureGroup(name="Kavels (score)", show=True).add_to(m)
    res_group = folium.FeatureGroup(name="Reserveringen", show=True).add_to(m)
    fac_group = folium.FeatureGroup(name="Voorzieningen", show=True).add_to(m)

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
        else '{"type":"FeatureCollection","features":[]}'
    )
    today = dt.date.today().isoformat()
    attributions = [html.escape(a) for a in DATA_ATTRIBUTION]
    values = {
        "map": m.get_name(),
        "score_colours": _script_json(style["plots"]["score_classes"]["colours"]),
        "no_score": _script_json(style["plots"]["no_score"]),
        "outline": _script_json(style["plots"]["outline"]),
        "res_styles": _script_json(res_styles),
        "fac_colours": _script_json({k: v["colour"] for k, v in fac_style["categories"].items()}),
        "fac_fallback": _script_json(fac_style["fallback"]["colour"]),
        "fac_outline": _script_json(fac_style["outline"]),
        "attributions": _script_json(attributions),
        "legend": _script_json(_legend_html(style, title, online_tiles, today)),
        "plots_group": plots_group.get_name(),
        "res_group": res_group.get_name(),
        "fac_group": fac_group.get_name(),
        "plots": _script_safe(_feature_collection(plots, _plot_props(plots, res))),
        "reservations": _script_safe(_feature_collection(res, _reservation_props(res, names))),
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
    folium.LayerControl(collapsed=False).add_to(m)
    if bounds is not None:
        m.fit_bounds(bounds)
    with _atomic(target) as tmp:
        fig.save(str(tmp))
    return target


# --- the GIS package ------------------------------------------------------------------------


def _rgba(colour: str) -> str:
    c = colour.lstrip("#")
    r, g, b = int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)
    a = int(c[6:8], 16) if len(c) == 8 else 255
    return f"{r},{g},{b},{a}"


def _fill_symbol(
    name: str,
    *,
    fill: str | None,
    outline: str,
    width: float,
    unit: str = "MM",
    outline_style: str = "solid",
    fill_style: str = "solid",
) -> str:
    opts = {
        "color": _rgba(fill) if fill else "0,0,0,0",
        "style": fill_style if fill else "no",
        "outline_color": _rgba(outline),
        "outline_style": outline_style,
        "outline_width": f"{width:g}",
        "outline_width_unit": unit,
        "joinstyle": "round",
    }
    options = "".join(
        f'<Option name={quoteattr(k)} type="QString" value={quoteattr(v)}/>' for k, v in opts.items()
    )
    props = "".join(f"<prop k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in opts.items())
    return (
        f'<symbol type="fill" name={quoteattr(name)} alpha="1" clip_to_extent="1" force_rhr="0">'
        f'<layer class="SimpleFill" enabled="1" locked="0" pass="0">'
        f'<Option type="Map">{options}</Option>{props}</layer></symbol>'
    )


def _categorized_qml(attr: str, categories: Sequence[tuple[str, str, str]]) -> str:
    """A QGIS 3 QML with a categorized renderer; ``categories`` are (value, label, symbol xml)."""
    cats = "".join(
        f'<category value={quoteattr(v)} label={quoteattr(lbl)} symbol="{i}" render="true"/>'
        for i, (v, lbl, _s) in enumerate(categories)
    )
    symbols = "".join(s for _v, _l, s in categories)
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        '<qgis version="3.28.0" styleCategories="Symbology">'
        f'<renderer-v2 type="categorizedSymbol" attr={quoteattr(attr)} symbollevels="0" '
        'enableorderby="0" forceraster="0">'
        f"<categories>{cats}</categories><symbols>{symbols}</symbols></renderer-v2>"
        "<blendMode>0</blendMode><featureBlendMode>0</featureBlendMode><layerOpacity>1</layerOpacity>"
        "</qgis>\n"
    )


def plots_qml(style: Mapping[str, Any] | None = None) -> str:
    """QML for the ``plots`` layer: fill by ``score_class`` (1–5), grey for no score."""
    style = style or _map_style()
    p = style["plots"]
    cats = []
    for i, (colour, label) in enumerate(
        zip(p["score_classes"]["colours"], p["score_classes"]["labels"], strict=True)
    ):
        cats.append(
            (str(i + 1), f"score {label}", _fill_symbol(str(i), fill=colour, outline=p["outline"], width=0.3))
        )
    n = len(cats)
    cats.append(
        ("", _NO_SCORE_LABEL, _fill_symbol(str(n), fill=p["no_score"], outline=p["outline"], width=0.3))
    )
    return _categorized_qml("score_class", cats)


def reservations_qml(style: Mapping[str, Any] | None = None) -> str:
    """QML for the ``reservations`` layer: a thick outline per housing ``category``."""
    style = style or _map_style()
    r = style["reservations"]
    width = float(r.get("width_px", 4.0))
    pen = {"solid": "solid", "dash": "dash", "dot": "dot"}
    cats = []
    for i, (cat, spec) in enumerate(r["categories"].items()):
        hatch = bool(spec.get("hatch", False))
        symbol = _fill_symbol(
            str(i),
            fill=spec["colour"] if hatch else None,
            outline=spec["colour"],
            width=width,
            unit="Pixel",
            outline_style=pen.get(spec.get("pattern", "solid"), "solid"),
            fill_style="b_diagonal",
        )
        cats.append(("" if cat == "fallback" else cat, "overig" if cat == "fallback" else cat, symbol))
    return _categorized_qml("category", cats)


_LAYER_STYLES_DDL = """
CREATE TABLE IF NOT EXISTS layer_styles (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  f_table_catalog TEXT(256),
  f_table_schema TEXT(256),
  f_table_name TEXT(256),
  f_geometry_column TEXT(256),
  styleName TEXT(30),
  styleQML TEXT,
  styleSLD TEXT,
  useAsDefault BOOLEAN,
  description TEXT,
  owner TEXT(30),
  ui TEXT(30),
  update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
)
"""


def _write_layer_styles(path: Path, styles: Sequence[tuple[str, str, str]]) -> None:
    """Add the QGIS ``layer_styles`` table: (table, style name, QML) per styled layer."""
    con = sqlite3.connect(path)
    try:
        with con:
            con.execute(_LAYER_STYLES_DDL)
            geom_cols = dict(con.execute("SELECT table_name, column_name FROM gpkg_geometry_columns"))
            now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            for table, name, qml in styles:
                con.execute(
                    "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
                    "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, "
                    "owner, ui, update_time) VALUES ('', '', ?, ?, ?, ?, '', 1, ?, '', NULL, ?)",
                    (
                        table,
                        geom_cols.get(table, "geom"),
                        name,
                        qml,
                        "Van Bod naar Plot: kleuren als in de app",
                        now,
                    ),
                )
            con.execute(
                "INSERT OR REPLACE INTO gpkg_contents (table_name, data_type, identifier, description, "
                "last_change) VALUES ('layer_styles', 'attributes', 'layer_styles', "
                "'QGIS-stijlen', ?)",
                (now,),
            )
    finally:
        con.close()


def _for_gpkg(frame: pd.DataFrame) -> pd.DataFrame:
    """Nullable pandas dtypes → what pyogrio writes well (object strings, float/int with NaN)."""
    out = frame.copy()
    for col in out.columns:
        if col == "geometry":
            continue
        dtype = out[col].dtype
        if isinstance(dtype, pd.StringDtype) or str(dtype) in {"str", "string"}:
            out[col] = out[col].astype(object).where(out[col].notna(), None)
        elif isinstance(dtype, pd.BooleanDtype):
            out[col] = out[col].astype("Int8").astype("float64")
        elif pd.api.types.is_extension_array_dtype(dtype):
            out[col] = out[col].astype("float64") if out[col].isna().any() else out[col].astype("int64")
    return out


def write_gis_package(store: ProjectStore, out: str | Path) -> Path:
    """A GeoPackage for GIS colleagues: ``plots`` with the latest score, ``reservations`` and QGIS styles.

    ``plots`` carries score, score_class and explanation of the latest scoring run;
    ``reservations`` all active reservations with category, status, capacity, years and
    partners. The ``layer_styles`` table gives QGIS the app's colours (by score class and by
    housing category) when the layers are opened.
    """
    target = _check_target(out, (".gpkg",), "Het GIS-pakket")
    style = _map_style()
    plots = _scored_plots(store)
    res = _active_reservations(store)
    with _atomic(target) as tmp:
        try:
            pyogrio.write_dataframe(_for_gpkg(plots), tmp, layer="plots", driver="GPKG")
            pyogrio.write_dataframe(_for_gpkg(res), tmp, layer="reservations", driver="GPKG", append=True)
        except (OSError, RuntimeError) as exc:  # pyogrio's errors are RuntimeErrors
            raise StorageError(
                f"Het GIS-pakket kon niet worden geschreven: {exc}",
                hint="Controleer schijfruimte en schrijfrechten en probeer opnieuw.",
                path=str(target),
            ) from exc
        _write_layer_styles(
            tmp,
            [
                ("plots", "Kavels op score", plots_qml(style)),
                ("reservations", "Reserveringen op categorie", reservations_qml(style)),
            ],
        )
    return target
