"""Write tests/fixtures/projects/schema_v1.gpkg: a small project file at schema revision 0001.

The migration test upgrades a copy of it, so there is always a real old file to upgrade. Run
again only if revision 0001 itself changes (it should not): ``.venv/bin/python scripts/make_schema_v1_fixture.py``.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import shapely

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from projects.geometry import to_gpkg_blob  # noqa: E402
from projects.store import _create_file  # noqa: E402

__all__ = ["main"]

TARGET = REPO / "tests" / "fixtures" / "projects" / "schema_v1.gpkg"

PLOTS = [
    ("DFT-001", "Kavel Spoorzone", "eigen lijst", 2400.0, shapely.box(84500, 446900, 84560, 446940)),
    ("DFT-002", "Voormalige school Hof van Delft", "BAG", 1800.0, shapely.box(85200, 447300, 85245, 447340)),
    ("DFT-003", "Parkeerterrein Tanthof", "OSM", 3100.0, shapely.box(84100, 444800, 84162, 444850)),
]
RESERVATIONS = [
    # plot fid, plot_id, category, cap min, cap max, status, wijk
    (1, "DFT-001", "nultreden", 30, 45, "kansrijk", "Binnenstad"),
    (2, "DFT-002", "geclusterd", 20, 28, "gereserveerd", "Hof van Delft"),
    (3, "DFT-003", "zorggeschikt", 40, 60, "voorgedragen", "Tanthof"),
]
OPGAVE = [
    ("nultreden", 2025, 2030, None, 450, "woondeal"),
    ("geclusterd", 2025, 2030, None, 120, "volkshuisvestingsprogramma"),
    ("zorggeschikt", 2025, 2030, "Tanthof", 80, "volkshuisvestingsprogramma"),
]


def main(target: Path = TARGET) -> Path:
    """Create the fixture (replacing an existing one) and return its path."""
    target.unlink(missing_ok=True)
    _create_file(
        target,
        {"name": "Delft schema v1", "gemeente_code": "0503", "gemeente_naam": "Delft"},
        revision="0001",
        uid="fixture-schema-v1",
    )
    con = sqlite3.connect(target)
    try:
        with con:
            for i, (plot_id, name, source, area, geom) in enumerate(PLOTS, start=1):
                con.execute(
                    "INSERT INTO plots (fid, plot_id, name, source, area_m2, geom, version) VALUES (?, ?, ?, ?, ?, ?, 1)",
                    (i, plot_id, name, source, area, to_gpkg_blob(geom)),
                )
            for i, (fid, plot_id, cat, lo, hi, status, wijk) in enumerate(RESERVATIONS, start=1):
                con.execute(
                    "INSERT INTO reservations (fid, plot_fid, plot_id, category, capacity_min, capacity_max, "
                    "status, wijk, active, geom, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, 1)",
                    (i, fid, plot_id, cat, lo, hi, status, wijk, to_gpkg_blob(PLOTS[fid - 1][4])),
                )
            for cat, start, end, wijk, homes, source in OPGAVE:
                con.execute(
                    "INSERT INTO opgave (category, period_start, period_end, wijk, target_homes, source) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (cat, start, end, wijk, homes, source),
                )
            con.execute("INSERT INTO partners (name, type, contact) VALUES ('Woonbron', 'corporatie', NULL)")
            con.execute(
                "INSERT INTO audit_log (at, who, entity, entity_id, action, field, old, new) "
                "VALUES ('2025-01-01 10:00:00.000000', 'fixture', 'plots', 'DFT-001', 'insert', 'name', NULL, "
                "'Kavel Spoorzone')"
            )
            con.execute(
                "UPDATE gpkg_contents SET min_x = 84100, min_y = 444800, max_x = 85245, max_y = 447340 "
                "WHERE table_name IN ('plots', 'reservations')"
            )
        con.execute("VACUUM")
    finally:
        con.close()
    return target


if __name__ == "__main__":
    print(main())
