"""The ledger's fast row paths equal the paths they replaced (issue 21, item 5: a region's speed).

* ``reservation_rows`` reads the columns in one query: the rows equal those read from ORM
  objects (the former path, written out here as the reference).
* ``_reservation_list`` zips column lists into rows: on random reservation tables with missing
  values in every extension dtype, the rows equal ``DataFrame.to_dict("records")`` (the former
  path), value and type; and the ledger of such a table equals the ledger of the same rows as a
  plain object table (what the former path fed the rules: None for every missing value).
"""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import select

from projects.ledger import OpgaveRow, _frame_rows, _typed, compute_ledger
from projects.models import RESERVATION_STATUSES, Reservation
from projects.reservations import RESERVATION_COLUMNS, reservation_rows, reserve, set_status
from projects.store import ProjectStore
from projects.views import project_ledger

CATEGORIES = ("nultreden", "geclusterd", "zorggeschikt")


def _same(a: Any, b: Any) -> bool:
    """Equal value and type; missing values (NA, None, NaN) equal only their own kind."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if a is pd.NA or a is None:
        return a is b
    return bool(a == b)


def _rows_equal(left: list[dict[str, Any]], right: list[dict[str, Any]]) -> bool:
    return len(left) == len(right) and all(
        list(x) == list(y) and all(_same(x[k], y[k]) for k in x) for x, y in zip(left, right, strict=True)
    )


def _random_frame(rng: random.Random, n: int) -> pd.DataFrame:
    """A reservations table as the ledger gets it: nullable ints, strings and booleans."""

    def maybe(value: Any, p: float = 0.15) -> Any:
        return pd.NA if rng.random() < p else value

    starts = [maybe(rng.randint(2024, 2036)) for _ in range(n)]
    splits = []
    for s in starts:
        if s is pd.NA or rng.random() < 0.7:
            splits.append(pd.NA)
        else:
            years = sorted(rng.sample(range(int(s), int(s) + 4), rng.randint(1, 3)))
            splits.append(", ".join(f"{y}:{rng.choice((10, 25, 33.3, 40, 60))}" for y in years))
    return pd.DataFrame(
        {
            "fid": pd.array(range(1, n + 1), dtype="Int64"),
            "plot_id": pd.array(
                [maybe(f"P{rng.randint(0, n // 2)}", 0.05) for _ in range(n)], dtype="string"
            ),
            "category": [rng.choice(CATEGORIES) for _ in range(n)],
            "status": [rng.choice(RESERVATION_STATUSES) for _ in range(n)],
            "capacity_min": pd.array([maybe(rng.randint(0, 40), 0.05) for _ in range(n)], dtype="Int64"),
            "capacity_max": pd.array([maybe(rng.randint(0, 60)) for _ in range(n)], dtype="Int64"),
            "year_start": pd.array(starts, dtype="Int64"),
            "year_end": pd.array(
                [s if s is pd.NA else maybe(int(s) + rng.randint(0, 3)) for s in starts], dtype="Int64"
            ),
            "year_split": pd.array(splits, dtype="string"),
            "segment": pd.array(
                [maybe(rng.choice(("sociale huur", "koop", "onbekend x"))) for _ in range(n)], dtype="string"
            ),
            "wijk": pd.array([maybe(rng.choice(("Noord", "Zuid")), 0.5) for _ in range(n)], dtype="string"),
            "active": pd.array([maybe(rng.random() < 0.9, 0.1) for _ in range(n)], dtype="boolean"),
            "partner_roles": pd.array(
                [maybe(rng.choice(("corporatie", "corporatie;zorgorganisatie", ""))) for _ in range(n)],
                dtype="string",
            ),
            "estimate_min": pd.array([maybe(rng.randint(0, 30), 0.5) for _ in range(n)], dtype="Int64"),
            "weight": [maybe(rng.random() * 10, 0.2) for _ in range(n)],  # object column with NA
            "score": [rng.random() if rng.random() < 0.8 else math.nan for _ in range(n)],  # float64 NaN
        }
    )


@pytest.mark.parametrize("seed", range(6))
def test_frame_rows_equal_to_dict_records(seed: int) -> None:
    frame = _random_frame(random.Random(seed), 300)
    assert _rows_equal(list(_frame_rows(frame)), frame.to_dict("records"))


def test_frame_rows_of_empty_and_column_less_tables() -> None:
    assert list(_frame_rows(_random_frame(random.Random(0), 0))) == []
    assert list(_frame_rows(pd.DataFrame(index=range(3)))) == [{}, {}, {}]


@pytest.mark.parametrize("seed", range(4))
def test_ledger_of_random_tables_equals_the_ledger_of_their_records(seed: int) -> None:
    rng = random.Random(100 + seed)
    frame = _random_frame(rng, 400).drop(columns=["weight", "score"])
    opgave = [
        OpgaveRow("nultreden", 2026, 2030, 400),
        OpgaveRow("nultreden", 2031, 2035, 300),
        OpgaveRow("geclusterd", 2026, 2030, 150),
        OpgaveRow("zorggeschikt", 2028, 2032, 80),
        OpgaveRow("zorggeschikt", 2028, 2032, 30, wijk="Noord"),
    ]
    # the same rows as the former path gave them, in plain object columns
    reference = pd.DataFrame.from_records(frame.to_dict("records"), columns=list(frame.columns))
    ours, ref = compute_ledger(opgave, frame), compute_ledger(opgave, reference)
    for name in ("periods", "segments", "wijken", "opgave", "allocation", "reservations", "years"):
        pd.testing.assert_frame_equal(getattr(ours, name), getattr(ref, name), obj=name)
    assert ours.warnings == ref.warnings
    assert dict(ours.reservation_warnings) == dict(ref.reservation_warnings)
    assert (ours.drieslag_complete, ours.drieslag_total) == (ref.drieslag_complete, ref.drieslag_total)


def _orm_rows(store: ProjectStore) -> list[dict[str, Any]]:
    """The former ``reservation_rows``: one ORM object per reservation."""
    with store.session() as session:
        return [
            {**{c: getattr(r, c) for c in RESERVATION_COLUMNS}, "geometry": r.geom}
            for r in session.scalars(select(Reservation).order_by(Reservation.fid))
        ]


def test_reservation_rows_equal_the_orm_rows(demo_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "p.gpkg"
    path.write_bytes(demo_file.read_bytes())
    with ProjectStore.open(path) as s:
        reserve(s, "DLF-010", "nultreden", 10, 20, status="gereserveerd", years="2027-2028")
        reserve(s, "DLF-011", "geclusterd", 5, 8, status="gerealiseerd", years="2026")
        reserve(s, "DLF-012", "zorggeschikt", 3, 3, status="kansrijk")
        fid = int(project_ledger(s).reservations["fid"].iloc[0])
        set_status(s, fid, "vervallen")
    with ProjectStore.open(path, upgrade=False) as s:
        reference = _orm_rows(s)
        with s.session() as session:
            ours = reservation_rows(session)
            bare = reservation_rows(session, geometry=False)
    assert len(reference) >= 3
    for r in reference:
        assert r["geometry"] is not None
    geoms = [r.pop("geometry") for r in reference]
    assert all(g.equals_exact(o.pop("geometry"), 0) for g, o in zip(geoms, ours, strict=True))
    assert _rows_equal(ours, reference)
    assert all(b.pop("geometry") is None for b in bare)
    assert _rows_equal(bare, reference)


@pytest.mark.parametrize("seed", range(3))
def test_typed_equals_element_by_element(seed: int) -> None:
    """``_typed`` converts whole-number columns in one step; the reference builds every value."""
    rng = random.Random(200 + seed)
    n = 50
    frame = pd.DataFrame(
        {
            "whole": [rng.randint(-5, 10**12) for _ in range(n)],  # int64
            "gaps": [rng.randint(0, 9) if rng.random() < 0.7 else None for _ in range(n)],  # float64 NaN
            "mixed": [rng.choice((1, None, pd.NA, 7)) for _ in range(n)],  # object
            "text": [rng.choice(("a", None)) for _ in range(n)],
        }
    )
    ours = _typed(frame.copy(), ["whole", "gaps", "mixed"], ["text"])
    for col in ("whole", "gaps", "mixed"):
        reference = pd.Series(pd.array(frame[col].tolist(), dtype="Int64"), index=frame.index, name=col)
        pd.testing.assert_series_equal(ours[col], reference)
    empty = _typed(frame.iloc[:0].copy(), ["whole"], [])
    assert str(empty["whole"].dtype) == "Int64"
