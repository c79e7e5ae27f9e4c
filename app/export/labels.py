"""Label placement on a printed map: no two labels overlap, none covers a small plot or leaves the frame.

Pure geometry in page coordinates (shapely), so it can be tested without painting. A label sits
inside its plot when it fits there with room to spare; otherwise it is set beside the plot (or
beside a facility symbol), in one of eight directions at growing distances, clear of every
other plot, symbol, label and map furniture (north arrow, scale bar, inset), and gets a leader
line when it ends up away from what it names.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import shapely
from shapely.ops import nearest_points
from shapely.strtree import STRtree

__all__ = ["Placement", "Target", "place_labels"]

# Directions tried around a target, in order of preference (right, then above-right, ...).
_DIRECTIONS: tuple[tuple[int, int], ...] = (
    (1, 0),
    (1, -1),
    (1, 1),
    (-1, 0),
    (-1, -1),
    (-1, 1),
    (0, -1),
    (0, 1),
)


@dataclass(frozen=True)
class Target:
    """Something to label: its shape on the page and the label's size."""

    geom: shapely.Geometry  # page coordinates (y down)
    w: float
    h: float
    inside_ok: bool = False  # the label may sit inside the shape when it fits with margin


@dataclass(frozen=True)
class Placement:
    x: float  # top-left of the label box
    y: float
    w: float
    h: float
    leader: tuple[float, float, float, float] | None  # line from the label to the target

    @property
    def box(self) -> shapely.Geometry:
        return shapely.box(self.x, self.y, self.x + self.w, self.y + self.h)

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2


def _along(direction: int, lo: float, hi: float, size: float, off: float) -> float:
    """Start of a label of ``size`` beside [lo, hi]: after it, before it, or centred on it."""
    if direction > 0:
        return hi + off
    if direction < 0:
        return lo - off - size
    return (lo + hi) / 2 - size / 2


def _candidates(
    bounds: tuple[float, float, float, float], w: float, h: float, gap: float, step: float, rings: int
) -> list[tuple[float, float, float]]:
    """Top-left corners around ``bounds`` (x0, y0, x1, y1), nearest first, with their offset."""
    x0, y0, x1, y1 = bounds
    out: list[tuple[float, float, float]] = []
    for k in range(rings):
        off = gap + k * step
        for dx, dy in _DIRECTIONS:
            out.append((_along(dx, x0, x1, w, off), _along(dy, y0, y1, h, off), off))
    return out


def place_labels(
    targets: Sequence[Target],
    frame: tuple[float, float, float, float],
    obstacles: Sequence[shapely.Geometry] = (),
    *,
    gap: float = 4.0,
    step: float | None = None,
    rings: int = 40,
    padding: float = 3.0,
    leader_from: float = 12.0,
) -> list[Placement | None]:
    """A placement per target (``None`` when no free spot was found), in the order given.

    ``frame`` (x0, y0, x1, y1) is the map frame every label must lie inside; ``obstacles``
    are furniture the labels keep clear of. Every target's own shape is an obstacle for the
    other labels, so a label never covers another plot or symbol. ``padding`` keeps labels a
    little apart; a label farther than ``leader_from`` from its target gets a leader line.
    """
    fx0, fy0, fx1, fy1 = frame
    inner = shapely.box(fx0, fy0, fx1, fy1)
    shapes = [t.geom for t in targets]
    static = list(obstacles) + shapes
    tree = STRtree(static) if static else None
    placed: list[shapely.Geometry] = []
    out: list[Placement | None] = []

    def free(box: shapely.Geometry, own: int) -> bool:
        if not inner.contains(box):
            return False
        grown = box.buffer(padding, join_style="mitre")
        if tree is not None:
            for j in tree.query(grown, predicate="intersects"):
                j = int(j)
                if j >= len(obstacles) and j - len(obstacles) == own:
                    continue
                return False
        return not any(grown.intersects(p) for p in placed)

    for i, t in enumerate(targets):
        geom = t.geom
        choice: Placement | None = None
        if t.inside_ok and geom.geom_type in ("Polygon", "MultiPolygon"):
            px, py = shapely.get_coordinates(geom.representative_point())[0]
            box = shapely.box(px - t.w / 2, py - t.h / 2, px + t.w / 2, py + t.h / 2)
            if geom.buffer(-padding).contains(box) and free(box, own=i):
                choice = Placement(px - t.w / 2, py - t.h / 2, t.w, t.h, None)
        if choice is None:
            bounds = tuple(float(v) for v in geom.bounds)
            for lx, ly, off in _candidates(
                (bounds[0], bounds[1], bounds[2], bounds[3]),
                t.w,
                t.h,
                gap,
                step or max(t.h * 0.6, 2.0),
                rings,
            ):
                box = shapely.box(lx, ly, lx + t.w, ly + t.h)
                if box.intersects(geom) or not free(box, own=i):
                    continue
                leader = None
                if off > leader_from or geom.distance(box) > leader_from:
                    a, b = nearest_points(geom, box)
                    leader = (float(a.x), float(a.y), float(b.x), float(b.y))
                choice = Placement(lx, ly, t.w, t.h, leader)
                break
        if choice is not None:
            placed.append(choice.box)
            if choice.leader is not None:
                placed.append(shapely.LineString([choice.leader[:2], choice.leader[2:]]).buffer(0.5))
        out.append(choice)
    return out


def circle_size(text_w: float, text_h: float, pad: float) -> float:
    """Diameter of a number circle around a text of this size."""
    return max(text_w, text_h) * 1.24 + 2 * pad


def distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])
