"""The regional project: a region of three demo-derived member projects.

The references are computed in the test, independently of :mod:`projects.region`: each member
is opened on its own and its ledger (:func:`projects.views.project_ledger`) summed by hand; the
double claims by comparing every pair of reserved plots (brute force).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import shapely
from openpyxl import load_workbook

from projects.audit_state import AMSTERDAM
from projects.errors import InputsError, ProjectError
from projects.ledger import IN_BEELD_STATUSES, ZEKER_STATUSES, Ledger
from projects.plots import add_plot
from projects.region import (
    CLAIM_TOLERANCE_M2,
    MemberRef,
    RegionView,
    is_region,
    member_ref,
    new_region,
    region_json,
    region_members,
    region_report,
    region_text,
    region_view,
    region_xlsx,
)
from projects.reservations import reserve, set_opgave, set_status
from projects.store import ProjectStore
from projects.views import project_ledger

# Two boxes sharing an edge (touching, no area in common), and a sliver overlap below tolerance.
TOUCH_B = shapely.box(84000, 446000, 84050, 446040)
TOUCH_C = shapely.box(84050, 446000, 84100, 446040)
SLIVER_C = shapely.box(84049.99, 446100, 84100, 446140)  # 0.01 m × 40 m = 0.4 m² over SLIVER_B
SLIVER_B = shapely.box(84000, 446100, 84050, 446140)


@dataclass
class Region:
    path: Path
    members: dict[str, Path]
    then: dt.datetime  # after the first round of reservations
    view_then: RegionView  # the region as read at `then`


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _ledger(path: Path) -> Ledger:
    with ProjectStore.open(path, upgrade=False) as store:
        return project_ledger(store)


@pytest.fixture(scope="module")
def region(demo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Region:
    folder = tmp_path_factory.mktemp("region")
    members = {n: folder / f"{n}.gpkg" for n in ("west", "oost", "zuid")}
    for path in members.values():
        path.write_bytes(demo_file.read_bytes())
    with ProjectStore.open(members["west"]) as s:
        reserve(s, "DLF-010", "nultreden", 10, 20, status="gereserveerd", years="2027-2028")
        reserve(s, "DLF-011", "geclusterd", 5, 8, status="gerealiseerd", years="2026")
    with ProjectStore.open(members["oost"]) as s:
        reserve(s, "DLF-011", "zorggeschikt", 3, 3, status="kansrijk")  # the double claim with west
        reserve(s, "DLF-012", "nultreden", 4, 6, status="in ontwikkeling", years="2029")
        add_plot(s, "OOST-T", TOUCH_B)
        add_plot(s, "OOST-S", SLIVER_B)
        reserve(s, "OOST-T", "nultreden", 2, 2, status="voorgedragen", years="2028")
        reserve(s, "OOST-S", "nultreden", 1, 1, status="voorgedragen", years="2028")
        set_opgave(s, "nultreden", "2026-2030", 120)
    with ProjectStore.open(members["zuid"]) as s:
        reserve(s, "DLF-020", "nultreden", 7, 9, status="gereserveerd", years="2031")
        reserve(s, "DLF-021", "zorggeschikt", 10, 10, status="gereserveerd", years="2030-2031")
        add_plot(s, "ZUID-T", TOUCH_C)
        add_plot(s, "ZUID-S", SLIVER_C)
        reserve(s, "ZUID-T", "nultreden", 2, 2, status="voorgedragen", years="2028")
        reserve(s, "ZUID-S", "nultreden", 1, 1, status="voorgedragen", years="2028")
    path = folder / "regio.gpkg"
    new_region(
        path,
        name="Regio Test",
        members=[member_ref(f"Delft-West={members['west']}"), members["oost"], members["zuid"]],
    )
    with ProjectStore.open(path) as s:
        set_opgave(s, "nultreden", "2026-2030", 400, source="woondeal (voorbeeld)")
        set_opgave(s, "geclusterd", "2026-2030", 200)
        set_opgave(s, "zorggeschikt", "2028-2032", 50)  # another period than the members'
    time.sleep(0.02)
    then = dt.datetime.now(dt.UTC)
    view_then = region_view(path)
    time.sleep(0.02)
    with ProjectStore.open(members["west"]) as s:
        first = project_ledger(s).reservations
        fid = int(first.loc[first["plot_id"] == "DLF-010", "fid"].iloc[0])
        set_status(s, fid, "vervallen")
        reserve(s, "DLF-030", "geclusterd", 12, 12, status="in prestatieafspraak", years="2027")
    return Region(path, members, then, view_then)


def test_region_flag_and_members(region: Region) -> None:
    assert is_region(region.path)
    assert not is_region(region.members["west"])
    refs = region_members(region.path)
    assert [r.name for r in refs] == ["Delft-West", "Delft (oost)", "Delft (zuid)"]
    assert all(r.gemeente_code == "GM0503" for r in refs)
    assert [Path(r.target) for r in refs] == [region.members[n] for n in ("west", "oost", "zuid")]


def _reference_sum(books: list[Ledger], category: str, period: str, column: str) -> int:
    total = 0
    for book in books:
        rows = book.periods[(book.periods["category"] == category) & (book.periods["period"] == period)]
        total += int(rows[column].sum())
    return total


def test_regional_sums_equal_the_members_ledgers(region: Region) -> None:
    view = region_view(region.path)
    books = [_ledger(region.members[n]) for n in ("west", "oost", "zuid")]
    totals = view.totals.set_index(["category", "period"])
    for category, period in (
        ("nultreden", "2026-2030"),
        ("geclusterd", "2026-2030"),
        ("nultreden", "buiten opgave"),
    ):
        for col in (
            "zeker_min",
            "zeker_max",
            "in_beeld_min",
            "in_beeld_max",
            "gerealiseerd_min",
            "gerealiseerd_max",
        ):
            assert totals.at[(category, period), col] == _reference_sum(books, category, period, col), (
                category,
                period,
                col,
            )
    row: dict[str, Any] = totals.loc[("nultreden", "2026-2030")].to_dict()
    assert row["opgave"] == 400
    assert row["members_opgave"] == 150 + 120 + 150  # the demo's 150, oost's own 120
    assert row["gap_min"] == 400 - row["in_beeld_min"]
    assert row["gap_max"] == 400 - row["in_beeld_max"]
    # zorggeschikt: the region's period 2028-2032 differs from the members' 2026-2030; the
    # members' homes per opleverjaar (their own apportionment) counted in the region's years.
    zorg = 0
    for book in books:
        years = book.years[
            (book.years["category"] == "zorggeschikt") & book.years["status"].isin(ZEKER_STATUSES)
        ]
        zorg += int(years.loc[years["year"].between(2028, 2032), "homes_min"].sum())
    assert zorg == 10
    assert totals.at[("zorggeschikt", "2028-2032"), "zeker_min"] == zorg
    undated = sum(
        int(b.years.loc[(b.years["category"] == "zorggeschikt") & b.years["year"].isna()
                        & b.years["status"].isin(IN_BEELD_STATUSES), "homes_min"].sum())
        for b in books
    )  # fmt: skip
    assert totals.at[("zorggeschikt", "zonder jaren"), "in_beeld_min"] == undated == 3


def test_shares_are_the_members_own_numbers(region: Region) -> None:
    view = region_view(region.path)
    shares = view.shares.set_index(["member", "category", "period"])
    oost: dict[str, Any] = shares.loc[[("Delft (oost)", "nultreden", "2026-2030")]].iloc[0].to_dict()
    assert oost["opgave"] == 120
    assert oost["share_pct"] == pytest.approx(120 / 400 * 100)
    book = _ledger(region.members["oost"])
    own = book.periods[
        (book.periods["category"] == "nultreden") & (book.periods["period"] == "2026-2030")
    ].iloc[0]
    for col in ("zeker_min", "zeker_max", "in_beeld_min", "in_beeld_max", "gap_min", "gap_max"):
        assert oost[col] == own[col], col
    # the regional row is the sum of the shares
    for col in ("zeker_min", "in_beeld_max", "gerealiseerd_max"):
        part = view.shares[(view.shares["category"] == "nultreden") & (view.shares["period"] == "2026-2030")]
        assert (
            view.totals.set_index(["category", "period"]).at[("nultreden", "2026-2030"), col]
            == part[col].sum()
        )


def _brute_claims(region: Region) -> set[frozenset[tuple[str, str]]]:
    """Every pair of live reserved plots of two members overlapping more than the tolerance."""
    names = {"west": "Delft-West", "oost": "Delft (oost)", "zuid": "Delft (zuid)"}
    reserved: list[tuple[str, str, shapely.Geometry]] = []
    for key, path in region.members.items():
        with ProjectStore.open(path, upgrade=False) as s:
            book = project_ledger(s)
            live = book.reservations[book.reservations["live"].astype(bool)]
            plots = {p.plot_id: p.geometry for p in _plots(s).itertuples()}
        reserved += [(names[key], str(p), plots[str(p)]) for p in live["plot_id"]]
    out: set[frozenset[tuple[str, str]]] = set()
    for (ma, pa, ga), (mb, pb, gb) in itertools.combinations(reserved, 2):
        if ma != mb and ga.intersection(gb).area > CLAIM_TOLERANCE_M2:
            out.add(frozenset({(ma, pa), (mb, pb)}))
    return out


def _plots(store: ProjectStore) -> pd.DataFrame:
    from projects.plots import plots_frame

    return pd.DataFrame(plots_frame(store))


def test_double_claims_found_touching_and_slivers_not(region: Region) -> None:
    view = region_view(region.path)
    found = {frozenset({(c.member_a, c.plot_a), (c.member_b, c.plot_b)}) for c in view.double_claims}
    assert len(found) == len(view.double_claims)
    assert found == _brute_claims(region)
    assert frozenset({("Delft-West", "DLF-011"), ("Delft (oost)", "DLF-011")}) in found
    ids = {p for c in view.double_claims for p in (c.plot_a, c.plot_b)}
    assert not ids & {"OOST-T", "ZUID-T", "OOST-S", "ZUID-S"}  # touching / a 0.4 m² sliver
    assert TOUCH_B.touches(TOUCH_C)
    for c in view.double_claims:
        assert c.overlap_m2 > CLAIM_TOLERANCE_M2
        assert c.geometry.area == pytest.approx(c.overlap_m2)


def test_members_are_never_written(region: Region, tmp_path: Path) -> None:
    before = {n: _sha(p) for n, p in region.members.items()}
    view = region_view(region.path, as_of=region.then, since=dt.date(2026, 1, 1))
    region_view(region.path)
    region_members(region.path)
    is_region(region.members["oost"])
    region_xlsx(view, tmp_path / "r.xlsx")
    region_report(view)
    assert {n: _sha(p) for n, p in region.members.items()} == before
    assert not list(region.path.parent.glob("*.backup-*"))


def test_as_of_gives_the_region_as_it_stood(region: Region) -> None:
    now = region_view(region.path)
    then = region_view(region.path, as_of=region.then)
    pd.testing.assert_frame_equal(then.totals, region.view_then.totals)
    pd.testing.assert_frame_equal(then.shares, region.view_then.shares)
    assert not now.totals.equals(then.totals)  # west changed afterwards
    west_now = now.shares[now.shares["member"] == "Delft-West"]
    assert "DLF-030" in set(now.reservations["plot_id"])
    assert "DLF-030" not in set(then.reservations["plot_id"])
    assert int(west_now["zeker_min"].sum()) == 5 + 12  # DLF-010 vervallen; DLF-011 and DLF-030
    west = next(s for s in then.members if s.member.name == "Delft-West")
    assert west.last_change is not None
    assert west.last_change <= region.then


def test_not_reported_since(region: Region) -> None:
    tomorrow = (dt.datetime.now(AMSTERDAM) + dt.timedelta(days=1)).date()
    yesterday = tomorrow - dt.timedelta(days=2)
    late = region_view(region.path, since=tomorrow)
    assert [s.reported for s in late.members] == [False, False, False]
    assert "niet gerapporteerd sinds" in region_text(late)
    fine = region_view(region.path, since=yesterday)
    assert all(s.reported for s in fine.members)
    # at a moment before every change, nobody has reported since yesterday's date
    early = region_view(region.path, as_of=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), since=yesterday)
    assert all(s.last_change is None and not s.reported for s in early.members)


def test_unreadable_member_is_reported_and_the_rest_still_shown(region: Region, tmp_path: Path) -> None:
    folder = tmp_path
    good = folder / "goed.gpkg"
    bad = folder / "kapot.gpkg"
    good.write_bytes(region.members["oost"].read_bytes())
    bad.write_bytes(region.members["zuid"].read_bytes())
    path = folder / "regio.gpkg"
    new_region(path, name="Regio met fout", members=[good, bad], since=dt.date(2026, 1, 1))
    bad.write_bytes(b"dit is geen geopackage" * 100)
    view = region_view(path)
    states = {s.member.name: s for s in view.members}
    assert states["Delft (goed)"].error is None
    error = states["Delft (kapot)"].error
    assert error is not None
    assert "GeoPackage" in error or "project" in error.lower()
    assert set(view.shares["member"]) == {"Delft (goed)"}
    assert view.since == dt.date(2026, 1, 1)  # the region's stored date
    assert "niet gelezen" in region_text(view)
    missing = folder / "weg.gpkg"
    bad.unlink()
    view = region_view(path)
    assert next(s for s in view.members if s.member.name == "Delft (kapot)").error
    with pytest.raises(ProjectError, match="bestaat niet"):
        new_region(folder / "r2.gpkg", name="X", members=[missing])
    assert not (folder / "r2.gpkg").exists()
    with pytest.raises(InputsError, match="geen regio"):
        region_view(good)
    with pytest.raises(InputsError, match="zelf een regio"):
        new_region(folder / "r3.gpkg", name="X", members=[path])


def test_member_ref_names(region: Region) -> None:
    ref = member_ref(f"Eigen naam={region.members['oost']}")
    assert ref == MemberRef("Eigen naam", str(region.members["oost"]), "GM0503")


def test_xlsx_json_and_report_carry_the_same_rows(region: Region, tmp_path: Path) -> None:
    view = region_view(region.path, since=dt.date(2026, 1, 1))
    out = region_xlsx(view, tmp_path / "regio.xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames == ["Regio", "Per gemeente", "Deelnemers", "Dubbele claims", "Toelichting"]
    rows = list(wb["Regio"].iter_rows(values_only=True))
    assert rows[0][:3] == ("categorie", "periode", "opgave regio")
    assert len(rows) - 1 == len(view.totals)
    first = view.totals.iloc[0]
    assert rows[1][0] == first["category"]
    assert rows[1][2] == first["opgave"]
    assert len(list(wb["Dubbele claims"].iter_rows())) - 1 == len(view.double_claims)
    data = region_json(view)
    assert len(data["totals"]) == len(view.totals)
    assert len(data["double_claims"]) == len(view.double_claims)
    report = region_report(view)
    assert len(report.table_rows) == len(view.totals)
    assert len(report.claim_lines) == len(view.double_claims)
    assert len(report.double_claims) == len(view.double_claims)
    x0, y0, x1, y1 = report.bounds()
    rx0, ry0, rx1, ry1 = view.reservations.total_bounds
    assert x0 <= rx0
    assert y0 <= ry0
    assert x1 >= rx1
    assert y1 >= ry1


def test_numbers_only_ledger_equals_the_full_ledger(region: Region) -> None:
    """The region reads each member's ledger without the plot layers (plots=False): the numbers
    per period and year must be those of the full ledger the member's own panel shows."""
    from projects.audit_state import ledger_at

    for path in region.members.values():
        with ProjectStore.open(path, upgrade=False) as store:
            for full, light in (
                (project_ledger(store), project_ledger(store, plots=False)),
                (ledger_at(store, region.then), ledger_at(store, region.then, plots=False)),
            ):
                pd.testing.assert_frame_equal(light.years, full.years)
                plot_cols = {"area", "area_code", "area_name", "area_source"}  # from the plot layers
                alloc = [c for c in full.allocation.columns if c not in plot_cols]
                pd.testing.assert_frame_equal(light.allocation[alloc], full.allocation[alloc])
                cols = [c for c in full.periods.columns if c != "notes"]
                pd.testing.assert_frame_equal(light.periods[cols], full.periods[cols])
