"""The bod over time as chart data: the lines the Bod dock's chart and the PDF page draw.

Two charts per category, both straight from their one source function:

* *Verloop*: zeker, in beeld and gerealiseerd homes at each moment of
  :func:`projects.audit_state.bod_series` (month ends since the first change, then now), with
  the category's opgave (all periods) as a line beside them;
* *Oplevering*: the same three cumulated per opleverjaar (:func:`projects.ledger.delivery_curve`)
  against the opgave's path to its end year.

Every line carries its minimum and its maximum (capacity is a range); nothing is re-derived
here, the values are copied from the frames. Qt-free: the app and the PDF paint these.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from projects.audit_state import AMSTERDAM, bod_series
from projects.ledger import Ledger, delivery_curve
from projects.views import project_ledger
from resources import resource

if TYPE_CHECKING:
    from projects.store import ProjectStore

__all__ = [
    "GROUPS",
    "KIND_CURVE",
    "KIND_SERIES",
    "OPGAVE",
    "BodCharts",
    "ChartLine",
    "LineChart",
    "bod_charts",
    "charts_of",
    "curve_chart",
    "line_colours",
    "series_chart",
]

GROUPS: tuple[str, ...] = ("zeker", "in_beeld", "gerealiseerd")  # the columns' stems, drawn in this order
OPGAVE = "opgave"  # the key of the opgave line (the target, or the path to it)
KIND_SERIES = "verloop"
KIND_CURVE = "oplevering"
_DUTCH_MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def line_colours() -> dict[str, str]:
    """The charts' colours ("RRGGBB") from the style table ([ledger] in resources/styles/panels.toml).

    The lines (:data:`GROUPS` and :data:`OPGAVE`, keys ``line_*``), and ``text``, ``grid`` and
    ``range``: the XLSX's charts, the PDF page and the Bod dock's window read them all here.
    """
    node = resource("styles", "panels.toml")
    table = tomllib.loads(node.read_text(encoding="utf-8")).get("ledger", {}) if node.is_file() else {}
    keys = {**{k: f"line_{k}" for k in (*GROUPS, OPGAVE)}, "text": "text", "grid": "grid", "range": "range"}
    return {k: str(table.get(name, "#111111")).lstrip("#")[:6].upper() for k, name in keys.items()}


def _value(v: object) -> float | None:
    if v is None or v is pd.NA:
        return None
    f = float(v)  # type: ignore[arg-type]
    return None if f != f else f  # NaN → None


@dataclass(frozen=True)
class ChartLine:
    """One line: its key (a :data:`GROUPS` stem or :data:`OPGAVE`) and a min and max per point."""

    key: str
    low: tuple[float | None, ...]
    high: tuple[float | None, ...]  # equal to ``low`` for a single line (the opgave)

    @property
    def is_range(self) -> bool:
        return self.low != self.high


@dataclass(frozen=True)
class LineChart:
    """The points of one chart: x positions, their labels and the lines over them."""

    kind: str  # KIND_SERIES or KIND_CURVE
    category: str
    x: tuple[float, ...]  # seconds since the epoch (verloop) or the year (oplevering)
    x_labels: tuple[str, ...]  # one per point, Dutch
    lines: tuple[ChartLine, ...]

    @property
    def empty(self) -> bool:
        return not self.x

    def line(self, key: str) -> ChartLine | None:
        return next((line for line in self.lines if line.key == key), None)

    def y_max(self) -> float:
        """The largest value drawn (at least 1, so an empty bod still has a scale)."""
        values = [v for line in self.lines for v in (*line.low, *line.high) if v is not None]
        return max([1.0, *values])


def _moment_label(moment: dt.datetime, span: dt.timedelta) -> str:
    local = moment.astimezone(AMSTERDAM)
    if span < dt.timedelta(days=2):  # a young project: the moments are hours apart
        return f"{local:%d-%m-%Y %H:%M}"
    return f"{_DUTCH_MONTHS[local.month - 1]} {local.year}"


def series_chart(series: pd.DataFrame, category: str) -> LineChart:
    """The *Verloop* chart of ``category`` from a :func:`projects.audit_state.bod_series` frame."""
    rows = series[series["category"] == category].sort_values("moment", kind="stable")
    moments = [m.to_pydatetime() if isinstance(m, pd.Timestamp) else m for m in rows["moment"]]
    span = (moments[-1] - moments[0]) if moments else dt.timedelta(0)
    lines = [
        ChartLine(
            g,
            tuple(_value(v) for v in rows[f"{g}_min"]),
            tuple(_value(v) for v in rows[f"{g}_max"]),
        )
        for g in GROUPS
    ]
    targets = tuple(_value(v) for v in rows["target"])
    if any(t is not None for t in targets):
        lines.insert(0, ChartLine(OPGAVE, targets, targets))
    return LineChart(
        KIND_SERIES,
        category,
        tuple(m.timestamp() for m in moments),
        tuple(_moment_label(m, span) for m in moments),
        tuple(lines),
    )


def curve_chart(curve: pd.DataFrame, category: str) -> LineChart:
    """The *Oplevering* chart of ``category`` from a :func:`projects.ledger.delivery_curve` frame."""
    rows = curve[curve["category"] == category].sort_values("year", kind="stable")
    lines = [
        ChartLine(
            g,
            tuple(_value(v) for v in rows[f"{g}_cum_min"]),
            tuple(_value(v) for v in rows[f"{g}_cum_max"]),
        )
        for g in GROUPS
    ]
    path = tuple(_value(v) for v in rows["opgave_path"])
    if any(p is not None for p in path):
        lines.insert(0, ChartLine(OPGAVE, path, path))
    years = [int(y) for y in rows["year"]]
    return LineChart(
        KIND_CURVE, category, tuple(float(y) for y in years), tuple(str(y) for y in years), tuple(lines)
    )


@dataclass(frozen=True)
class BodCharts:
    """Both charts for every category, in the project's order, and the moment of the last point."""

    categories: tuple[str, ...]
    series: dict[str, LineChart]
    curve: dict[str, LineChart]
    now: dt.datetime | None

    @property
    def empty(self) -> bool:
        return not self.categories


def charts_of(series: pd.DataFrame, curve: pd.DataFrame) -> BodCharts:
    """The charts of a series and a curve frame (categories: the series' order, then the curve's)."""
    categories = tuple(
        dict.fromkeys([*series["category"].dropna().astype(str), *curve["category"].dropna().astype(str)])
    )
    now = max(series["moment"]) if len(series) else None
    return BodCharts(
        categories,
        {c: series_chart(series, c) for c in categories},
        {c: curve_chart(curve, c) for c in categories},
        now.to_pydatetime() if isinstance(now, pd.Timestamp) else now,
    )


def bod_charts(
    store: ProjectStore, *, book: Ledger | None = None, now: dt.datetime | None = None
) -> BodCharts:
    """The charts of the project now: :func:`bod_series` (monthly) and the ledger's :func:`delivery_curve`.

    ``book`` is today's ledger when the caller already has it (the app's state); reading only.
    """
    series = bod_series(store, now=now)
    return charts_of(series, delivery_curve(book if book is not None else project_ledger(store)))
