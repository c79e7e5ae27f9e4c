"""Fixtures for the project store: sample projects and frames, and a fresh PostGIS project per test.

The PostGIS server is the throwaway one ``scripts/test.sh`` starts (scripts/pg_test_server.sh);
its URL (without password; libpq reads PGPASSFILE) arrives in ``BODNAARPLOT_TEST_PG_URL``.
Without it the PostGIS tests skip with the reason, visibly, in the pytest summary.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
import sqlalchemy as sa

from layers.canonical import LayerKind, conform
from projects.demo import create_demo_project
from projects.models import Opgave, Partner, Plot, Reservation, ReservationPartner, Workshop
from projects.store import ProjectStore

__all__ = ["buildings_frame", "fill_project", "tick"]


def buildings_frame(n: int = 5, *, seed: int = 1) -> gpd.GeoDataFrame:
    """A canonical BAG-panden frame (with NAs and an extra column), EPSG:28992."""
    rng = np.random.default_rng(seed)
    x = 84000 + rng.random(n) * 2000
    y = 446000 + rng.random(n) * 2000
    geoms = shapely.box(x, y, x + 10, y + 12)
    frame = pd.DataFrame(
        {
            "identificatie": [f"0503100000{i:06d}" for i in range(n)],
            "bouwjaar": [None if i % 4 == 3 else 1900 + i % 120 for i in range(n)],
            "status": ["Pand in gebruik"] * n,
            "extra_hoogte": rng.random(n) * 20,
        }
    )
    gdf = gpd.GeoDataFrame(frame, geometry=geoms, crs="EPSG:28992")
    return conform(gdf, LayerKind.BUILDINGS)


def fill_project(store: ProjectStore, *, reservations: int = 3) -> None:
    """Plots, reservations with partners, opgave, partners and a workshop, in one session."""
    with store.session() as s:
        woonbron = Partner(name="Woonbron", type="corporatie", contact="info@example.org")
        zorg = Partner(name="Pieter van Foreest", type="zorgorganisatie")
        workshop = Workshop(
            date=dt.date(2025, 3, 12),
            title="Sessie boven de kaart",
            participants=["gemeente", "Woonbron"],
            decisions=[{"time": "10:15", "text": "Spoorzone voordragen", "plot_id": "P1"}],
        )
        s.add_all([woonbron, zorg, workshop])
        s.add(
            Opgave(
                category="nultreden", period_start=2025, period_end=2030, target_homes=450, source="woondeal"
            )
        )
        s.add(
            Opgave(category="geclusterd", period_start=2025, period_end=2030, wijk="Tanthof", target_homes=80)
        )
        s.flush()
        for i in range(reservations):
            geom = shapely.box(84000 + i * 100, 446000, 84050 + i * 100, 446040)
            plot = Plot(plot_id=f"P{i + 1}", name=f"Kavel {i + 1}", source="test", area_m2=2000.0, geom=geom)
            s.add(plot)
            s.flush()
            res = Reservation(
                plot_fid=plot.fid,
                plot_id=plot.plot_id,
                category="nultreden",
                capacity_min=10 + i,
                capacity_max=20 + i,
                segment="sociale huur",
                geom=geom,
                workshop_id=workshop.id,
            )
            res.partners.append(ReservationPartner(partner=woonbron, role="corporatie"))
            s.add(res)


@pytest.fixture
def file_project(tmp_path: Path) -> Iterator[ProjectStore]:
    """A new project file with sample content."""
    store = ProjectStore.create(
        tmp_path / "project.gpkg", name="Testproject", gemeente_code="0503", user="tester"
    )
    fill_project(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project, built once per test module (copy it before changing it)."""
    path = tmp_path_factory.mktemp("demo") / "demo.gpkg"
    create_demo_project(path).close()
    return path


@pytest.fixture
def demo_store(demo_file: Path, tmp_path: Path) -> Iterator[ProjectStore]:
    """A fresh copy of the demo project, open."""
    path = tmp_path / "p.gpkg"
    path.write_bytes(demo_file.read_bytes())
    st = ProjectStore.open(path)
    yield st
    st.close()


def tick() -> dt.datetime:
    """A moment strictly between two changes (the audit log keeps milliseconds)."""
    time.sleep(0.01)
    moment = dt.datetime.now(dt.UTC)
    time.sleep(0.01)
    return moment


def _pg_unavailable_reason() -> str:
    return os.environ.get(
        "BODNAARPLOT_TEST_PG_UNAVAILABLE",
        "BODNAARPLOT_TEST_PG_URL is niet gezet (scripts/test.sh start de server met scripts/pg_test_server.sh)",
    )


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The test server's URL (no password), or a visible skip if it is not running."""
    url = os.environ.get("BODNAARPLOT_TEST_PG_URL")
    if not url:
        pytest.skip(f"PostGIS-testserver niet beschikbaar: {_pg_unavailable_reason()}")
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT postgis_version()"))
    except sa.exc.DBAPIError as exc:
        pytest.skip(f"PostGIS-testserver niet beschikbaar: {str(exc.orig).strip().splitlines()[0]}")
    finally:
        engine.dispose()
    return url


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A URL for a fresh, not yet created project on the server; its schema is dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:10]}"
    yield f"{pg_server}?project={name}"
    engine = sa.create_engine(pg_server)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "bnp_{name}" CASCADE')
    finally:
        engine.dispose()
