"""The regional project: a woondeal region's roll-up of its member gemeenten' bods.

A region is a project (GeoPackage or PostGIS) flagged as a region, with a member table naming
the member projects. Its own opgave per category × period is entered like any project's opgave.
Members are the source of truth: the region only READS them (opening never writes) and takes each
member's numbers from that member's ledger (:func:`projects.views.project_ledger`, or
:func:`projects.audit_state.ledger_at` for an earlier moment), never re-derived.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry.base import BaseGeometry

__all__ = [
    "DoubleClaim",
    "MemberRef",
    "MemberState",
    "RegionReport",
    "RegionView",
    "is_region",
    "new_region",
    "region_members",
    "region_report",
    "region_view",
    "region_xlsx",
]


@dataclass(frozen=True)
class MemberRef:
    """One member of the region: a gemeente's own project."""

    name: str  # gemeente name as shown ("Delft")
    target: str  # project file path or PostGIS URL (shown with the password redacted)
    gemeente_code: str | None = None  # "GM0503" style if known


@dataclass(frozen=True)
class MemberState:
    """How a member was read: when it last changed, whether it reported, or why it could not."""

    member: MemberRef
    last_change: dt.datetime | None  # newest audit entry in the member project (UTC)
    reported: bool  # last_change >= the region's `since` date (True if no since)
    error: str | None  # Dutch message if the member could not be read


@dataclass(frozen=True)
class DoubleClaim:
    """Reserved plots of two different members whose geometries overlap."""

    member_a: str
    plot_a: str
    category_a: str
    member_b: str
    plot_b: str
    category_b: str
    overlap_m2: float
    geometry: BaseGeometry  # the overlap, EPSG:28992


@dataclass(frozen=True)
class RegionView:
    """Everything the Regio view, the CLI, the XLSX and the PDF show about a region."""

    name: str
    as_of: dt.datetime | None
    since: dt.date | None
    members: tuple[MemberState, ...]
    # one row per (category, period): category, period, opgave_min, opgave_max, zeker, in_beeld,
    # gerealiseerd, gap_min, gap_max
    totals: pd.DataFrame
    # one row per (member, category, period): member, category, period, opgave_min, opgave_max,
    # share_pct, zeker, in_beeld, gerealiseerd, gap_min, gap_max
    shares: pd.DataFrame
    double_claims: tuple[DoubleClaim, ...]
    # columns member, plot_id, category, status, homes, geometry (EPSG:28992)
    reservations: gpd.GeoDataFrame
    # columns member, gemeente_code, geometry; may be empty
    outlines: gpd.GeoDataFrame


@dataclass(frozen=True)
class RegionReport:
    """The regional PDF's data half (painted by ``app/export``): text and layers, no Qt."""

    title: str
    subtitle: str
    summary: list[str]  # lines under the title (opgave, reserved, gap, as-of)
    table_header: list[str]  # the regional table (category × period)
    table_rows: list[list[str]]
    share_header: list[str]  # the members' shares (member × category × period)
    share_rows: list[list[str]]
    member_lines: list[str]  # per member: last change, reported or not, read error
    claim_lines: list[str]  # one line per double claim
    notes: list[str]  # definitions / method note
    reservations: gpd.GeoDataFrame  # to draw, coloured by member (column member)
    outlines: gpd.GeoDataFrame  # member outlines (column member)
    double_claims: gpd.GeoDataFrame  # overlaps to draw (hatched/red): member_a, member_b, geometry
    members: list[str] = field(default_factory=list)  # member names in legend order
    disclaimer: str = ""

    def bounds(self) -> tuple[float, float, float, float]:
        """The map extent (EPSG:28992) with a margin."""
        raise NotImplementedError


def new_region(
    target: str | Path,
    *,
    name: str,
    members: Sequence[MemberRef | str | Path],
    since: dt.date | None = None,
) -> None:
    """Create a region project at ``target`` with ``members``."""
    raise NotImplementedError


def region_members(target: str | Path) -> tuple[MemberRef, ...]:
    """The members of the region project at ``target`` (read only)."""
    raise NotImplementedError


def is_region(target: str | Path) -> bool:
    """True for a region project (the app uses this on open)."""
    raise NotImplementedError


def region_view(
    target: str | Path,
    *,
    as_of: dt.datetime | None = None,
    since: dt.date | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> RegionView:
    """Read the region and every member (never writing any)."""
    raise NotImplementedError


def region_xlsx(view: RegionView, out: Path) -> Path:
    """The region as an XLSX workbook (via :func:`projects.files.atomic_output`)."""
    raise NotImplementedError


def region_report(view: RegionView) -> RegionReport:
    """The regional PDF's data half."""
    raise NotImplementedError
