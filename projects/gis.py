"""The GeoPackage for GIS colleagues: one export, with QGIS styles and spatial indexes.

``bodnaarplot export --gpkg`` and ``bodnaarplot project export-gpkg`` both write this package:

* ``plots``: every plot with the score under the named weighting (column ``weging``), its map
  class and rank; ``reservations``: the live reservations numbered as in the PDF and the annex;
* every imported layer, the full result table of each recorded run the scores come from
  (``scores_<profiel>``), the opgave and the ledger as attribute tables;
* a QGIS ``layer_styles`` table, so QGIS shows the app's colours.

GDAL writes the tables, with the GeoPackage R-tree index on every geometry table and the extents
in ``gpkg_contents``; the file appears whole or not at all (:func:`projects.files.atomic_output`).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import quoteattr

import geopandas as gpd
import pandas as pd
import pyogrio
from sqlalchemy import select

from plotscore.progress import Progress, report
from projects.errors import StorageError
from projects.files import atomic_output, check_output_file
from projects.models import Opgave
from projects.snapshots import for_table
from projects.views import (
    ReservedView,
    annex_table,
    class_labels,
    reserved_view,
    scored_plots,
)
from resources import resource

if TYPE_CHECKING:
    from projects.store import ProjectStore

__all__ = ["plots_qml", "reservations_qml", "write_gis_package"]

_NO_SCORE_LABEL = "geen score"


def _map_style() -> dict[str, Any]:
    return tomllib.loads(resource("styles", "map.toml").read_text(encoding="utf-8"))


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


def plots_qml(style: Mapping[str, Any] | None = None, labels: Sequence[str] | None = None) -> str:
    """QML for the ``plots`` layer: fill by ``score_class`` (1–5), grey for no score.

    ``labels`` are the class ranges of the scores written (:func:`projects.views.class_labels`).
    """
    style = style or _map_style()
    p = style["plots"]
    cats = []
    colours = p["score_classes"]["colours"]
    names = list(labels) if labels else [f"klasse {i + 1}" for i in range(len(colours))]
    for i, (colour, label) in enumerate(zip(colours, names, strict=False)):
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
        if isinstance(dtype, pd.CategoricalDtype):
            out[col] = (
                out[col]
                .astype(object)
                .where(out[col].notna(), None)
                .map(lambda v: None if v is None else str(v))
            )
        elif isinstance(dtype, pd.StringDtype) or str(dtype) in {"str", "string"}:
            out[col] = out[col].astype(object).where(out[col].notna(), None)
        elif isinstance(dtype, pd.BooleanDtype):
            out[col] = out[col].astype("Int8").astype("float64")
        elif pd.api.types.is_extension_array_dtype(dtype):
            out[col] = out[col].astype("float64") if out[col].isna().any() else out[col].astype("int64")
    return out


def _opgave_table(store: ProjectStore) -> pd.DataFrame:
    columns = ["category", "period_start", "period_end", "wijk", "target_homes", "source", "notes"]
    with store.session() as session:
        rows = [
            {c: getattr(o, c) for c in columns}
            for o in session.scalars(select(Opgave).order_by(Opgave.category, Opgave.period_start))
        ]
    return pd.DataFrame(rows, columns=columns)


def _reservations_layer(view: ReservedView) -> gpd.GeoDataFrame:
    table = annex_table(view.rows)
    table.insert(1, "reservering_fid", [r.fid for r in view.rows])
    return gpd.GeoDataFrame(table, geometry=[r.geometry for r in view.rows], crs="EPSG:28992")


def write_gis_package(
    store: ProjectStore,
    out: str | Path,
    *,
    view: ReservedView | None = None,
    weighting_key: str | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write the GIS package (see the module docstring) to ``out`` (.gpkg)."""
    target = check_output_file(out, (".gpkg",), "Het GIS-pakket")
    report(progress, 0.0, "Gegevens van het project lezen")
    view = view or reserved_view(store, weighting_key=weighting_key)
    style = _map_style()
    plots = scored_plots(store, view.plots_view)
    layers: list[tuple[str, pd.DataFrame]] = [
        ("plots", plots),
        ("reservations", _reservations_layer(view)),
    ]
    sources = store.layers()
    for ls in sources:
        layers.append((ls.table_name, store.read_layer(ls.table_name)))
    runs = {v.snapshot_id: v for v in (*view.views.values(), view.plots_view) if v is not None}
    seen: set[str] = set()
    for v in runs.values():
        name = f"scores_{v.profile.id}"
        if name in seen:
            name = f"{name}_{v.snapshot_id}"
        seen.add(name)
        frame = v.frame.reset_index(drop=True).drop(columns=["view_score", "view_rank"])
        layers.append((name, frame))
    layers.append(("opgave", _opgave_table(store)))
    book = view.ledger
    layers += [
        ("ledger", book.periods),
        ("ledger_segmenten", book.segments),
        ("ledger_wijken", book.wijken),
        ("ledger_opgave", book.opgave),
        ("ledger_reserveringen", book.reservations),
    ]
    with atomic_output(target) as tmp:
        try:
            for i, (name, frame) in enumerate(layers):
                report(progress, 0.1 + 0.8 * i / len(layers), f"{name} schrijven")
                table = for_table(frame) if isinstance(frame, gpd.GeoDataFrame) else pd.DataFrame(frame)
                if not isinstance(frame, gpd.GeoDataFrame) and table.empty and not len(table.columns):
                    continue
                pyogrio.write_dataframe(
                    _for_gpkg(table), tmp, layer=name, driver="GPKG", append=tmp.exists(), SPATIAL_INDEX="YES"
                )
        except (OSError, RuntimeError) as exc:  # pyogrio's errors are RuntimeErrors
            raise StorageError(
                f"Het GIS-pakket kon niet worden geschreven: {exc}",
                hint="Controleer schijfruimte en schrijfrechten en probeer opnieuw.",
                path=str(target),
            ) from exc
        _write_layer_styles(
            tmp,
            [
                ("plots", "Kavels op score", plots_qml(style, class_labels(plots))),
                ("reservations", "Reserveringen op categorie", reservations_qml(style)),
            ],
        )
    report(progress, 1.0, "Klaar")
    return target
