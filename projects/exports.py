"""Exports for sharing a project outside the app: an offline web map, a GIS package, the annex table.

* :func:`write_html_map`: one self-contained HTML file (folium + Leaflet 1.9.4 inlined from
  ``resources/web/leaflet``) that works without internet; the PDOK BRT basemap is optional.
* :func:`write_annex_table`: the reserved-locations table (annex to the prestatieafspraken) as
  CSV for Excel or as XLSX.

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

from projects.files import atomic_output, check_output_file
from projects.views import AnnexRow, ReservedView, annex_table, class_labels, reserved_view, scored_plots
from resources import resource

if TYPE_CHECKING:
    from projects.store import ProjectStore

__all__ = [
    "BRT_GRIJS_URL",
    "DATA_ATTRIBUTION",
    "DISCLAIMER",
    "write_annex_table",
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


def write_annex_table(
    store: ProjectStore,
    out: str | Path,
    *,
    view: ReservedView | None = None,
    weighting_key: str | None = None,
) -> Path:
    """The annex table as ``.csv`` (UTF-8 with BOM, ``;`` and decimal comma for Dutch Excel) or ``.xlsx``.

    The rows are :func:`projects.views.annex_rows`: numbered and scored as in the PDF, with the
    weighting named in the column ``weging``.
    """
    target = check_output_file(out, (".csv", ".xlsx"), "De bijlagetabel")
    view = view or reserved_view(store, weighting_key=weighting_key)
    frame = annex_table(view.rows)
    with atomic_output(target) as tmp:
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


def _reservation_text(r: AnnexRow) -> str:
    parts = [f"nr. {r.nr}", r.category, f"{r.capacity} woningen" if r.capacity else "", r.status]
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
                ("Reservering", "; ".join(by_plot.get(plot_id, [])) or "geen"),
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
                ("Categorie", r.category),
                ("Capaciteit", f"{r.capacity} woningen" if r.capacity else ""),
                ("Status", r.status),
                ("Jaren", r.years),
                ("Partners", r.partners),
                ("Score", _score_text(r.score)),
                ("Weging", r.score_label),
            ]
        )
        popup = (
            f'<div class="bnp-popup"><b>{r.nr}. Reservering: {html.escape(r.name or r.plot_id)}</b>'
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


def _legend_html(
    style: Mapping[str, Any],
    title: str,
    online_tiles: bool,
    today: str,
    weighting: str,
    labels: Sequence[str] | None = None,
) -> str:
    classes = style["plots"]["score_classes"]
    rows = [f"<b>{html.escape(title)}</b>", "<i>Kavels, score</i>"]
    if weighting:
        rows.append(f'<span class="bnp-small">Score: {html.escape(weighting)}</span>')
    # The class ranges of the scores shown (projects.views.class_labels), as in the app.
    for colour, label in zip(classes["colours"], labels or [], strict=False):
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
    ``online_tiles`` adds the PDOK BRT grijs basemap. Styling runs in one JS function per layer
    (not folium's per-feature ``style_function``), so thousands of plots load quickly.
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
        "legend": _script_json(
            _legend_html(
                style,
                title,
                online_tiles,
                today,
                view.plots_view.label if view.plots_view else "",
                class_labels(plots),
            )
        ),
        "plots_group": plots_group.get_name(),
        "res_group": res_group.get_name(),
        "fac_group": fac_group.get_name(),
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
    folium.LayerControl(collapsed=False).add_to(m)
    if bounds is not None:
        m.fit_bounds(bounds)
    with atomic_output(target) as tmp:
        fig.save(str(tmp))
    return target
