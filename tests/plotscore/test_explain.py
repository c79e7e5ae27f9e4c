"""Dutch explanations: distances in Dutch notation, walking vs straight-line, norms met or not."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from plotscore.columns import DISTANCE_METHOD, ONTSLOTEN, deph_col, dist_col, measure_col, walk_min_col
from plotscore.criteria import Criterion, Decay, FrequencyBonus, Profile, Scale
from plotscore.errors import ScoringError
from plotscore.explain import explain_criterion, explanations, format_distance, format_number, norm_text

SUPER = Criterion("supermarkt", "Supermarkt", "distance", 52.0, "supermarkt", Decay("linear", 400.0, 1000.0))
HUISARTS = Criterion("huisarts", "Huisarts", "distance", 12.0, "huisarts", Decay("linear", 500.0, 1000.0))
OV = Criterion(
    "ov_halte",
    "OV-halte",
    "distance",
    8.0,
    "ov_halte",
    Decay("logistic", 300.0, 800.0),
    frequency_bonus=FrequencyBonus(4.0, 0.3),
)
GELUID = Criterion(
    "geluid", "Geluid", "raster", 2.0, scale=Scale("linear", 55.0, 65.0), raster="lden", unit="dB"
)
PROFILE = Profile("t", "Test", "geclusterd", (SUPER, HUISARTS))


def _measures() -> pd.DataFrame:
    return pd.DataFrame(
        {
            dist_col("supermarkt"): [320.0, np.nan, 320.0, 320.0],
            walk_min_col("supermarkt"): [4.0, np.nan, 4.0, 6.4],
            dist_col("huisarts"): [1200.0, 450.0, 450.0, 999.7],
            walk_min_col("huisarts"): [24.0, 9.0, 9.0, 20.0],
            ONTSLOTEN: [True, True, False, True],
            DISTANCE_METHOD: ["netwerk", "netwerk", "netwerk", "hemelsbreed"],
        },
        index=pd.Index(["A", "B", "C", "D"], name="plot_id"),
    )


@pytest.mark.parametrize(
    ("metres", "text"),
    [
        (320.0, "320 m"),
        (999.4, "999 m"),
        (999.6, "1 km"),
        (1000.0, "1 km"),
        (1200.0, "1,2 km"),
        (2540.0, "2,5 km"),
    ],
)
def test_format_distance(metres: float, text: str) -> None:
    assert format_distance(metres) == text


def test_format_number() -> None:
    assert format_number(2.5) == "2,5"
    assert format_number(4.0) == "4"
    assert format_number(52.46) == "52,5"
    assert format_number(199.6, 0) == "200"


def test_norm_text() -> None:
    assert norm_text(SUPER) == "norm 400 m"
    assert norm_text(GELUID) == "norm ≤ 55 dB"


def test_explanations_per_plot() -> None:
    out = explanations(_measures(), PROFILE)
    assert out.index.equals(_measures().index)
    assert out["A"] == (
        "Supermarkt 320 m lopen (4 min, norm 400 m) ✓ · Huisarts 1,2 km lopen (24 min, norm 500 m) ✗"
    )
    assert out["B"] == "geen supermarkt binnen 1 km ✗ · Huisarts 450 m lopen (9 min, norm 500 m) ✓"
    assert out["C"] == "niet ontsloten: meer dan 250 m van het looppadennetwerk"
    # Straight-line mode: no walking minutes, "hemelsbreed"; 999.7 m shows as 1 km.
    assert out["D"] == (
        "Supermarkt 320 m hemelsbreed (norm 400 m) ✓ · Huisarts 1 km hemelsbreed (norm 500 m) ✗"
    )
    assert "Supermarkt 320 m" in out["A"]


def test_explanations_leave_out_weight_zero_criteria_and_use_given_norms() -> None:
    profile = Profile("t", "Test", "geclusterd", (SUPER, dataclasses.replace(HUISARTS, weight=0.0)))
    met = np.array([[False] * 4, [True] * 4])
    out = explanations(_measures(), profile, norm_ok=met)
    assert "Huisarts" not in out["A"]
    assert out["A"].endswith("✗")
    with pytest.raises(ScoringError, match="norm_ok"):
        explanations(_measures(), profile, norm_ok=met[:1])


def test_departures_and_raster_texts() -> None:
    m = pd.DataFrame(
        {
            dist_col("ov_halte"): [250.0, 250.0],
            deph_col("ov_halte"): [6.0, np.nan],
            measure_col("raster", "geluid"): [52.5, np.nan],
            ONTSLOTEN: [True, True],
        }
    )
    profile = Profile("t", "Test", "geclusterd", (OV, GELUID), pace_kmh=3.0)
    out = explanations(m, profile)
    # No walk_*_min column: minutes from the pace (250 m at 50 m/min = 5 min).
    assert (
        out[0]
        == "OV-halte 250 m lopen (5 min, 6 vertrekken/uur, norm 300 m) ✓ · Geluid 52,5 dB (norm ≤ 55 dB) ✓"
    )
    # A transit criterion says when the departures are unknown (no timetable loaded).
    assert out[1] == "OV-halte 250 m lopen (5 min, vertrekken onbekend, norm 300 m) ✓ · Geluid onbekend ✗"


def test_explain_criterion_for_the_detail_panel() -> None:
    rows = explain_criterion(_measures(), PROFILE, "A")
    assert rows == [
        {
            "criterion_id": "supermarkt",
            "label": "Supermarkt",
            "measure": "320 m lopen (4 min)",
            "norm": "norm 400 m",
            "met": True,
            "subscore": 100.0,
            "weight": 52.0,
            "has_data": True,
            "uncertain": False,
        },
        {
            "criterion_id": "huisarts",
            "label": "Huisarts",
            "measure": "1,2 km lopen (24 min)",
            "norm": "norm 500 m",
            "met": False,
            "subscore": 0.0,
            "weight": 12.0,
            "has_data": True,
            "uncertain": False,
        },
    ]
    c = explain_criterion(_measures(), PROFILE, "C")
    assert c[0]["measure"] == "niet ontsloten: meer dan 250 m van het looppadennetwerk"
    assert c[0]["subscore"] == 0.0
    assert not c[0]["met"]
    assert explain_criterion(_measures(), PROFILE, "B")[0]["measure"] == "geen supermarkt binnen 1 km"
    with pytest.raises(ScoringError, match="Z"):
        explain_criterion(_measures(), PROFILE, "Z")


# --- honest texts (issue 16) -------------------------------------------------------------------

STATION = Criterion(
    "treinstation", "Treinstation", "distance", 2.0, "treinstation", Decay("linear", 1000.0, 2000.0)
)


def test_a_rounded_distance_never_contradicts_its_mark() -> None:
    d = [1000.0, 1004.0, 1045.0, 1000.3, 999.6, 1060.0, 400.4]
    m = pd.DataFrame({dist_col("treinstation"): d, ONTSLOTEN: True})
    profile = Profile("t", "Test", "geclusterd", (STATION,))
    out = explanations(m, profile)
    shown = [s.split(" lopen")[0].removeprefix("Treinstation ") for s in out]
    marks = [s[-1] for s in out]
    assert marks == ["✓", "✗", "✗", "✗", "✓", "✗", "✓"]
    # A failing distance is never written as "1 km" next to "norm 1 km": 1,045 km is "1,05 km".
    assert shown == ["1 km", "1,004 km", "1,05 km", "1000,3 m", "1 km", "1,1 km", "400 m"]
    assert all("norm 1 km" in s for s in out)
    for text, mark in zip(shown, marks, strict=True):
        value = float(text.replace(" km", "e3").replace(" m", "").replace(",", "."))
        assert (value <= 1000.0) == (mark == "✓")


def test_norms_are_written_exactly() -> None:
    odd = dataclasses.replace(STATION, decay=Decay("linear", 1050.0, 2000.0))
    assert norm_text(odd) == "norm 1,05 km"


def test_criteria_without_data_say_so_and_get_no_mark() -> None:
    out = explanations(_measures(), PROFILE, absent=("huisarts",))
    assert out["B"].endswith("Huisarts: geen gegevens over huisartsen in de geladen lagen")
    assert "✗" not in out["B"].split(" · ")[-1]
    rows = explain_criterion(_measures(), PROFILE, "B", absent=("huisarts",))
    assert rows[1]["has_data"] is False
    assert rows[1]["met"] is False
    assert np.isnan(rows[1]["subscore"])


def test_uncertain_distances_are_named_once_per_plot() -> None:
    m = _measures()
    m["uncertain_supermarkt"] = pd.array([True, False, True, False], dtype="boolean")
    m["uncertain_huisarts"] = pd.array([True, True, False, False], dtype="boolean")
    out = explanations(m, PROFILE)
    assert out["A"].endswith("rand van het netwerk: afstand onzeker (supermarkt, huisarts)")
    assert out["B"].endswith("rand van het netwerk: afstand onzeker (huisarts)")
    assert "rand van het netwerk" not in out["C"]  # not joined: no distances to doubt
    assert explain_criterion(m, PROFILE, "A")[0]["uncertain"] is True


def test_transit_threshold_in_the_none_text_and_departures_shown() -> None:
    ov = dataclasses.replace(OV, min_departures_per_hour=2.0)
    m = pd.DataFrame(
        {dist_col("ov_halte"): [250.0, np.nan], deph_col("ov_halte"): [6.0, np.nan], ONTSLOTEN: [True, True]}
    )
    out = explanations(m, Profile("t", "Test", "geclusterd", (ov,)))
    assert out[0] == "OV-halte 250 m lopen (5 min, 6 vertrekken/uur, norm 300 m) ✓"
    assert out[1] == "geen OV-halte met ≥ 2 vertrekken/uur binnen 800 m ✗"
