"""Reading options shared by every format: --layer, --gtfs-date, the peildatum rule, warnings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from layers.age import age_warning, data_date, with_age_warning
from layers.canonical import LayerKind
from layers.errors import LayerFormatError
from layers.inspect import inspect_path
from layers.registry import has_layer, load_path
from layers.result import LoadResult, Warnings


def _two_layer_gpkg(path: Path) -> Path:
    gpd.GeoDataFrame(
        {"plot_id": ["a", "b"], "naam": ["A", "B"]},
        geometry=[box(0, 0, 10, 10), box(20, 0, 30, 10)],
        crs=28992,
    ).to_file(path, layer="kavels")
    gpd.GeoDataFrame({"plot_id": ["c"], "naam": ["C"]}, geometry=[Point(5, 5)], crs=28992).to_file(
        path, layer="punten"
    )
    return path


def test_layer_option_reads_only_that_layer(tmp_path: Path) -> None:
    path = _two_layer_gpkg(tmp_path / "two.gpkg")
    [first] = load_path(path)
    assert first.layer == "kavels"
    assert "plots_other_layers" in {w.code for w in first.warnings}
    [second] = load_path(path, layer="punten")
    assert list(second.frame["plot_id"]) == ["c"]
    [case] = load_path(path, layer="PUNTEN")  # a layer name in another case is still that layer
    assert case.layer == "punten"
    assert has_layer(path, "punten")
    assert not has_layer(path, "perceel")


def test_unknown_layer_names_the_layers_there_are(tmp_path: Path) -> None:
    path = _two_layer_gpkg(tmp_path / "two.gpkg")
    with pytest.raises(LayerFormatError) as info:
        load_path(path, layer="perceel")
    assert "perceel" in info.value.message
    assert "kavels, punten" in info.value.hint
    assert "--layer" in info.value.hint


def test_layer_option_on_a_file_without_layers(tmp_path: Path) -> None:
    feed = tmp_path / "feed"
    feed.mkdir()
    (feed / "stops.txt").write_text("stop_id,stop_lat,stop_lon\na,52.0,4.3\n", encoding="utf-8")
    (feed / "stop_times.txt").write_text("trip_id,stop_id,departure_time\n", encoding="utf-8")
    with pytest.raises(LayerFormatError, match="geen lagen"):
        load_path(feed, layer="stops")


def test_gtfs_date_is_refused_for_other_files_by_inspect(tmp_path: Path) -> None:
    path = _two_layer_gpkg(tmp_path / "two.gpkg")
    with pytest.raises(LayerFormatError, match="--gtfs-date"):
        inspect_path(path, gtfs_date="2026-01-06")
    # load_path ignores it: one command may read a timetable and other files at once
    assert load_path(path, gtfs_date="2026-01-06")[0].kind is LayerKind.PLOTS


def test_kind_given_but_not_recognised_does_not_send_the_user_to_kind_again(tmp_path: Path) -> None:
    path = tmp_path / "lines.gpkg"
    from shapely.geometry import LineString

    gpd.GeoDataFrame({"x": [1]}, geometry=[LineString([(0, 0), (1, 1)])], crs=28992).to_file(path)
    with pytest.raises(LayerFormatError) as info:
        load_path(path, kind=LayerKind.ZONING)
    assert "als zoning" in info.value.message
    assert "--kind" not in info.value.hint
    assert "Bestemmingsplan" in info.value.hint


def test_peildatum_rule() -> None:
    today = dt.date(2026, 12, 4)
    assert age_warning("2024-12-05", today=today) is None  # just under two years
    old = age_warning("2020-10-08", today=today)
    assert old is not None
    assert old.code == "peildatum_old"
    assert "6 jaar oud" in old.message
    assert data_date({"stand_datum": "2020-10-08"}) == dt.date(2020, 10, 8)
    assert data_date({"date": "2020-10-08"}) is None  # a GTFS service day is no peildatum
    result = LoadResult(LayerKind.PLOTS, gpd.GeoDataFrame(geometry=[]), "x", meta={"peildatum": "2019-01-01"})
    once = with_age_warning(with_age_warning(result, today=today), today=today)
    assert [w.code for w in once.warnings] == ["peildatum_old"]


def test_repeated_warnings_add_up() -> None:
    warnings = Warnings()
    warnings.add("x", "{n} dingen", 2)
    warnings.add("x", "{n} dingen", 3)
    warnings.add("x", "{n} andere dingen", 1)
    warnings.add("y", "plan '{Centrum}' ({n})", 1)  # braces from the data are kept as they are
    assert [(w.code, w.message, w.count) for w in warnings] == [
        ("x", "5 dingen", 5),
        ("x", "1 andere dingen", 1),
        ("y", "plan '{Centrum}' (1)", 1),
    ]
