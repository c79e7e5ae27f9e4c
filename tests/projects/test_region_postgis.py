"""A region with a member on PostGIS: read while its owner edits it (skips without the test server)."""

from __future__ import annotations

from pathlib import Path

from projects.region import new_region, region_members, region_view
from projects.reservations import reserve, set_opgave
from projects.store import ProjectStore, push
from projects.views import project_ledger


def test_postgis_member_is_read_and_edits_show_up(demo_file: Path, tmp_path: Path, pg_url: str) -> None:
    local = tmp_path / "west.gpkg"
    local.write_bytes(demo_file.read_bytes())
    with ProjectStore.open(local) as s:
        reserve(s, "DLF-010", "nultreden", 10, 20, status="gereserveerd", years="2027")
    push(local, pg_url)
    region = tmp_path / "regio.gpkg"
    new_region(region, name="Regio PG", members=[f"Server={pg_url}", local])
    with ProjectStore.open(region) as s:
        set_opgave(s, "nultreden", "2026-2030", 300)
    refs = region_members(region)
    assert refs[0].target == pg_url  # no password in the URL: stored as given
    before = region_view(region)
    server = next(s for s in before.members if s.member.name == "Server")
    assert server.error is None
    # the owner edits the server project (another connection) between two reads of the region
    with ProjectStore.open(pg_url) as owner:
        reserve(owner, "DLF-011", "nultreden", 5, 5, status="gereserveerd", years="2028")
        book = project_ledger(owner)
    after = region_view(region)
    row = after.shares[(after.shares["member"] == "Server") & (after.shares["period"] == "2026-2030")].iloc[0]
    own = book.periods[
        (book.periods["category"] == "nultreden") & (book.periods["period"] == "2026-2030")
    ].iloc[0]
    assert row["zeker_min"] == own["zeker_min"] == 15
    last_before = server.last_change
    last_after = next(s for s in after.members if s.member.name == "Server").last_change
    assert last_before is not None
    assert last_after is not None
    assert last_after > last_before
    # the region counts both members: the file's DLF-010 and the server's copy of it overlap
    assert any({c.member_a, c.member_b} == {"Server", "Delft"} for c in after.double_claims)
