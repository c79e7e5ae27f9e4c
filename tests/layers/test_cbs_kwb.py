"""CBS Kerncijfers wijken en buurten on the real shared files (wijken 2024, gemeenten 2022/2024).

The national wijk file holds 3,475 wijken; every test reads only gemeente Delft (GM0503), filtered
by GDAL while reading, so the tests stay quick. Expected values are read from the file with
json (not through our loader) and recomputed by hand.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from layers import cbs
from layers.canonical import LayerKind
from layers.registry import detect, load_path, probe

WIJKEN = "cbs_kwb/cbs_wijken_2024.geojson"
GEM_2022 = "cbs_kwb/cbs_gemeenten_2022.geojson"
GEM_2024 = "cbs_kwb/cbs_gemeenten_2024.geojson"


def features(path: Path, gemeente: str) -> list[dict[str, object]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [f["properties"] for f in data["features"] if f["properties"].get("gemeentecode") == gemeente]


def test_real_wijken_2024_of_delft(shared_data: Callable[[str], Path]) -> None:
    path = shared_data(WIJKEN)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    assert detect(probe(path)).id == "cbs"  # not a plots layer: the CBS columns claim it
    [res] = load_path(path, gemeente="0503")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert res.kind is LayerKind.NEIGHBOURHOODS
    f = res.frame.set_index("code")
    raw = {p["wijkcode"]: p for p in features(path, "GM0503")}
    assert set(f.index) == set(raw)
    assert len(raw) == 13
    assert (f["level"] == "wijk").all()
    assert (f["gemeentecode"] == "GM0503").all()
    assert res.meta["peiljaar"] == 2024
    assert (f["peiljaar"] == 2024).all()
    for code, p in raw.items():
        pct = p["65plus"]
        if pct is None:  # secrecy: unknown, never 0
            assert pd.isna(f.loc[code, "inwoners_65_plus"])
            continue
        inw = float(p["aantal_inwoners"])
        assert f.loc[code, "inwoners_65_plus"] == pytest.approx(inw * pct / 100)
        # Whole percentages: the count lies within ± 0.5 percentage point.
        assert f.loc[code, "inwoners_65_plus_min"] == pytest.approx(inw * (pct - 0.5) / 100)
        assert f.loc[code, "inwoners_65_plus_max"] == pytest.approx(inw * (pct + 0.5) / 100)
        assert f.loc[code, "aantal_huishoudens"] == pytest.approx(float(p["huishoudens"]))
    # The demo's wijk: Wippolder, 13,980 inhabitants, 11 % 65+.
    assert f.loc["WK050328", "name"] == "Wijk 28 Wippolder"
    assert f.loc["WK050328", "inwoners_65_plus"] == pytest.approx(1537.8)
    assert pd.isna(f.loc["WK050326", "inwoners_65_plus"])  # Abtswoude: 35 inhabitants, no share
    assert any("±0,5 procentpunt" in str(w) for w in res.warnings)


def test_real_gemeente_2022_has_the_nabijheid_road_distances(shared_data: Callable[[str], Path]) -> None:
    path = shared_data(GEM_2022)
    [res] = cbs.load(path, gemeente="GM0503")
    [p] = features(path, "GM0503")
    row = res.frame.iloc[0]
    assert row["code"] == "GM0503"
    assert row["level"] == "gemeente"
    assert row["peiljaar"] == 2022
    assert row["afstand_huisarts_km"] == pytest.approx(p["afstand_huisarts"])
    assert row["afstand_supermarkt_km"] == pytest.approx(p["afstand_supermarkt"])
    assert row["afstand_apotheek_km"] == pytest.approx(p["afstand_apotheek"])
    assert row["afstand_treinstation_km"] == pytest.approx(p["afstand_treinstation"])
    assert (row["afstand_huisarts_km"], row["afstand_supermarkt_km"]) == (0.6, 0.6)


def test_real_gemeente_2024_and_a_bad_gemeente_code(shared_data: Callable[[str], Path]) -> None:
    path = shared_data(GEM_2024)
    [res] = cbs.load(path, gemeente="0503")
    assert res.frame["inwoners_65_plus"].iloc[0] == pytest.approx(109577 * 16 / 100)
    from layers.errors import LayerSchemaError

    for bad in ("Delft", "503"):
        with pytest.raises(LayerSchemaError) as info:
            cbs.load(path, gemeente=bad)
        assert "gemeentecode" in info.value.message
        assert "0503" in info.value.hint
