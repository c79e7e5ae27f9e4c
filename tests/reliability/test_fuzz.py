"""Property-based fuzzing, bounded for CI: mutated files, random CSVs, random scoring inputs and
project text fields. Only the packages' own errors (or success) may come out; never a crash."""

from __future__ import annotations

import dataclasses
import math
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from layers.canonical import LayerKind, conform
from layers.errors import LayerError
from layers.registry import load_path
from layers.voorzieningen import read_facility_list
from plotscore import columns as cols
from plotscore.criteria import load_profile
from plotscore.errors import ScoringError
from plotscore.pipeline import score_plots
from projects.models import Partner, Plot, Reservation
from projects.store import ProjectStore
from tests.reliability.corpus import FIXTURES

FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=True,  # the same examples every run: CI stays reproducible, the report deterministic
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _seeds() -> dict[str, bytes]:
    """Small valid files of each family; the fuzzer damages them."""
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        gpd.GeoDataFrame(
            {"plot_id": ["K1", "K2"], "naam": ["a", "b"]},
            geometry=[
                shapely.box(84_000, 446_000, 84_020, 446_020),
                shapely.box(84_100, 446_000, 84_120, 446_020),
            ],
            crs="EPSG:28992",
        ).to_file(d / "k.geojson", driver="GeoJSON")
        with zipfile.ZipFile(d / "g.zip", "w") as zf:
            zf.writestr("stops.txt", "stop_id,stop_name,stop_lat,stop_lon\na,A,52.01,4.36\n")
            zf.writestr("trips.txt", "route_id,service_id,trip_id\nR,S,T\n")
            zf.writestr("routes.txt", "route_id,route_type\nR,3\n")
            zf.writestr(
                "stop_times.txt",
                "trip_id,arrival_time,departure_time,stop_id,stop_sequence\nT,09:00:00,09:00:00,a,1\n",
            )
            zf.writestr(
                "calendar.txt",
                "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
                "start_date,end_date\nS,1,1,1,1,1,0,0,20240101,20241231\n",
            )
        return {
            ".geojson": (d / "k.geojson").read_bytes(),
            ".csv": b"id,naam,type,lon,lat\n1,Huisarts,huisarts,4.36,52.01\n2,Super,supermarkt,4.37,52.02\n",
            ".osm": (FIXTURES / "osm" / "mini.osm").read_bytes(),
            ".gml": (FIXTURES / "imro" / "imro2008_mini.gml").read_bytes(),
            ".zip": (d / "g.zip").read_bytes(),
        }


SEEDS = _seeds()


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    """A seed file with up to three truncations, bit flips or insertions at random places."""
    suffix = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[suffix])
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["truncate", "flip", "insert"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "truncate":
            del data[pos:]
        elif op == "flip" and data:
            data[pos] ^= 1 << draw(st.integers(0, 7))
        else:
            data[pos:pos] = draw(st.binary(min_size=1, max_size=64))
    return suffix, bytes(data)


T = TypeVar("T")
E = TypeVar("E", bound=Exception)


def _attempt(fn: Callable[[], T], allowed: type[E]) -> tuple[T | None, E | None]:
    """``fn()`` or the allowed error it raised; any other exception fails the test."""
    try:
        return fn(), None
    except allowed as err:
        return None, err


@contextmanager
def _file(suffix: str, data: bytes) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"invoer{suffix}"
        path.write_bytes(data)
        yield path


@pytest.mark.reliability(
    section="fuzz",
    id="loaders-gemuteerd",
    category="alle lagen",
    input="GeoJSON, CSV, OSM, IMRO-GML en GTFS-zip met afgekapte, omgeklapte en ingevoegde bytes (60 voorbeelden)",
    expected="LayerError of een geldige laag",
    outcome="alleen LayerError of een canonieke laag in EPSG:28992",
    nothing_lost="invoer ongewijzigd",
)
@FUZZ
@given(mutated())
def test_mutated_files_raise_only_layer_errors(sample: tuple[str, bytes]) -> None:
    suffix, data = sample
    with warnings.catch_warnings(), _file(suffix, data) as path:
        warnings.simplefilter("ignore")
        results, err = _attempt(lambda: load_path(path), LayerError)
        if err is not None:
            assert err.message
            assert "\n" not in err.one_line()
        for r in results or []:
            assert r.frame.crs is None or r.frame.crs.to_epsg() == 28992
        assert path.read_bytes() == data


_CELL = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-(10**12), 10**12).map(str),
    st.text(max_size=20),
    st.just(""),
    st.sampled_from(["4,36", "52,01", "84000", "446000", "NaN", "=1+1", '"', ";"]),
)
_COLUMN = st.sampled_from(
    ["x", "y", "lon", "lat", "naam", "type", "id", "categorie", "rd_x", "rd_y", "adres"]
) | st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=8)


@pytest.mark.reliability(
    section="fuzz",
    id="voorzieningen-csv-willekeurig",
    category="voorzieningen CSV",
    input="CSV met willekeurige kolommen, scheidingstekens en waarden (60 voorbeelden)",
    expected="LayerError of een geldige laag",
    outcome="alleen LayerError; nooit meer rijen dan de invoer",
    nothing_lost="invoer ongewijzigd",
)
@FUZZ
@given(
    columns=st.lists(_COLUMN, min_size=1, max_size=6),
    rows=st.lists(st.lists(_CELL, min_size=6, max_size=6), max_size=12),
    sep=st.sampled_from([",", ";", "\t"]),
)
def test_random_facility_csv(columns: list[str], rows: list[list[str]], sep: str) -> None:
    lines = [sep.join(c.replace(sep, " ").replace("\n", " ") for c in columns)]
    lines += [
        sep.join(v.replace(sep, " ").replace("\n", " ").replace("\r", " ") for v in r[: len(columns)])
        for r in rows
    ]
    data = ("\n".join(lines) + "\n").encode("utf-8", errors="surrogatepass")
    with warnings.catch_warnings(), _file(".csv", data) as path:
        warnings.simplefilter("ignore")
        res, err = _attempt(lambda: read_facility_list(path), LayerError)
        if err is not None:
            assert err.message
        if res is not None:
            assert len(res.frame) <= len(rows)
            assert res.frame.crs.to_epsg() == 28992
        assert path.read_bytes() == data


PROFILE = load_profile("geclusterd")
CATEGORIES = sorted({c.category for c in PROFILE.criteria if c.category})
_WEIGHT = st.one_of(st.just(0.0), st.just(math.nan), st.floats(0, 10), st.just(-1.0))


@pytest.mark.reliability(
    section="fuzz",
    id="score-invoer-willekeurig",
    category="plotscore",
    input="willekeurige kavels en voorzieningen (ook leeg, leeg/ongeldig), gewichten 0/NaN/negatief (60 voorbeelden)",
    expected="ScoringError of scores in [0, 100], geïndexeerd als de invoer",
    outcome="alleen ScoringError; anders index gelijk, score in [0, 100], invoer ongewijzigd",
    nothing_lost="invoer ongewijzigd",
)
@FUZZ
@given(
    plots=st.lists(
        st.tuples(
            st.floats(80_000, 90_000), st.floats(440_000, 450_000), st.sampled_from(["point", "box", "empty"])
        ),
        max_size=8,
    ),
    facilities=st.lists(
        st.tuples(st.floats(80_000, 90_000), st.floats(440_000, 450_000), st.sampled_from(CATEGORIES)),
        max_size=10,
    ),
    weights=st.lists(_WEIGHT, min_size=len(PROFILE.criteria), max_size=len(PROFILE.criteria)),
)
def test_random_scoring_inputs(
    plots: list[tuple[float, float, str]], facilities: list[tuple[float, float, str]], weights: list[float]
) -> None:
    geoms = [
        shapely.Point(x, y)
        if t == "point"
        else shapely.box(x, y, x + 30, y + 30)
        if t == "box"
        else shapely.Point()
        for x, y, t in plots
    ]
    plot_frame = conform(
        gpd.GeoDataFrame({"plot_id": [f"K{i}" for i in range(len(plots))]}, geometry=geoms, crs="EPSG:28992"),
        LayerKind.PLOTS,
    ).set_index(pd.Index([f"r{i}" for i in range(len(plots))]))
    fac_frame = conform(
        gpd.GeoDataFrame(
            {
                "facility_id": [f"F{i}" for i in range(len(facilities))],
                "category": [c for _, _, c in facilities],
            },
            geometry=[shapely.Point(x, y) for x, y, _ in facilities],
            crs="EPSG:28992",
        ),
        LayerKind.FACILITIES,
    )
    profile = dataclasses.replace(
        PROFILE,
        criteria=tuple(
            dataclasses.replace(c, weight=w) for c, w in zip(PROFILE.criteria, weights, strict=True)
        ),
    )
    before = plot_frame.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run, err = _attempt(
            lambda: score_plots(plot_frame, fac_frame, profile, euclidean=True, robustness_n=10), ScoringError
        )
    if err is not None:
        assert err.message
        return
    assert run is not None
    pd.testing.assert_frame_equal(plot_frame, before)
    frame = run.frame
    assert list(frame.index) == list(plot_frame.index)
    scores = frame[cols.SCORE].to_numpy(dtype=float)
    assert np.all((scores >= 0) & (scores <= 100)), scores


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80) | st.sampled_from(
    [
        "<img src=x onerror=alert(1)>",
        "<script>alert('x')</script>",
        '=HYPERLINK("http://evil")',
        "Café «Ëën» — 你好 👵🏼",
        "a\x00b",
        "'; DROP TABLE plots; --",
        "\u202eRTL",
    ]
)


@pytest.mark.reliability(
    section="fuzz",
    id="projecttekst-rondreis",
    category="projectbestand",
    input="kavelnaam, partnernaam en notities met HTML/JS, unicode, NUL en SQL (60 voorbeelden)",
    expected="na opslaan en heropenen identiek",
    outcome="identiek teruggelezen",
    nothing_lost="alle tekens bewaard",
)
@FUZZ
@given(name=_TEXT, notes=_TEXT, partner=_TEXT)
def test_project_text_round_trips(name: str, notes: str, partner: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.gpkg"
        geom = shapely.box(84_000, 446_000, 84_020, 446_020)
        with ProjectStore.create(path, name="Tekst", user="t") as store, store.session() as s:
            plot = Plot(plot_id="P1", name=name, source="fuzz", geom=geom)
            s.add(plot)
            s.add(Partner(name=partner or "-", type="corporatie"))
            s.flush()
            s.add(
                Reservation(
                    plot_fid=plot.fid,
                    plot_id="P1",
                    category="nultreden",
                    capacity_min=1,
                    capacity_max=2,
                    notes=notes,
                    geom=geom,
                )
            )
        with ProjectStore.open(path) as store, store.session() as s:
            assert s.scalars(select(Plot.name)).one() == name
            assert s.scalars(select(Reservation.notes)).one() == notes
            assert s.scalars(select(Partner.name)).one() == (partner or "-")


def test_fuzz_seeds_are_valid() -> None:
    """The seeds load as they are: mutations start from real, readable files."""
    for suffix, data in SEEDS.items():
        with _file(suffix, data) as path:
            assert load_path(path), suffix
