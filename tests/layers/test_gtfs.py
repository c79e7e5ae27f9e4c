"""GTFS loader: hand-made feeds with exactly known departures per hour."""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from layers import gtfs
from layers.canonical import CANONICAL, LayerKind
from layers.errors import LayerSchemaError, UnsafeInputError
from layers.registry import detect as detect_format
from layers.registry import load_path, probe

# OVapi style: only calendar_dates.txt, stoparea parent stations, rail + bus, times past 24:00.
FEED_A = {
    # BOM and a quoted name with a comma, as in real feeds.
    "stops.txt": "\ufeffstop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n"
    'stoparea:1,"Delft, Station",52.0067,4.3565,1,\n'
    "p1a,Delft spoor 1,52.0066,4.3563,0,stoparea:1\n"
    "p1b,Delft busplatform,52.0068,4.3567,0,stoparea:1\n"
    "e1,Delft ingang,52.0069,4.3560,2,stoparea:1\n"
    "s_end,Den Haag HS,52.0695,4.3224,0,\n"
    "b2,Julianalaan,52.0030,4.3650,0,\n"
    "b3,Mekelweg,51.9990,4.3770,0,\n"
    "b4,Stille halte,51.9980,4.3800,,\n",
    "routes.txt": "route_id,agency_id,route_short_name,route_type\nR_TRAIN,NS,IC,2\nR_BUS,HTM,69,3\n",
    "trips.txt": "route_id,service_id,trip_id\n"
    "R_TRAIN,S_WD,T1\nR_TRAIN,S_WD,T2\nR_BUS,S_WD,T3\nR_BUS,S_WD,T4\n"
    "R_BUS,S_SAT,T5\nR_BUS,S_WD,T6\nR_BUS,S_WD,T7\n",
    "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type\n"
    "T1,08:00:00,08:00:00,p1a,1,0\n"
    "T1,08:30:00,08:30:00,s_end,2,1\n"  # last stop: no pickup, not a departure
    "T2,18:59:59,18:59:59,p1b,1,\n"  # just inside the window (end exclusive)
    "T2,19:30:00,19:30:00,s_end,2,1\n"
    "T3,06:59:59,06:59:59,b2,1,0\n"  # just before the window
    "T3,07:00:00,07:00:00,p1b,2,0\n"  # window start is inclusive
    "T3,07:10:00,07:10:00,b3,3,0\n"
    "T4,19:00:00,19:00:00,b2,1,0\n"  # window end: excluded
    "T4,25:30:00,25:30:00,b3,2,0\n"  # 01:30 the next day
    "T5,10:00:00,10:00:00,b2,1,0\n"  # Saturday service
    "T6,12:00:00,,b2,1,0\n"  # no departure_time: arrival_time is used
    "T6,,,b3,2,0\n"  # untimed stop (not a timepoint)
    "T7,30:55:00,30:55:00,b2,1,0\n"  # Monday's service: 06:55 on Tuesday
    "T7,31:05:00,31:05:00,b3,2,0\n",  # Monday's service: 07:05 on Tuesday -> counts
    "calendar_dates.txt": "service_id,date,exception_type\n"
    "S_SAT,20240302,1\nS_WD,20240304,1\nS_WD,20240305,1\nS_WD,20240306,1\n",
    "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\nNS,NS,https://ns.nl,Europe/Amsterdam\n",
}

# calendar.txt with a removal and an addition on Tuesday 2024-03-12.
FEED_B = {
    "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\na,Halte A,52.01,4.36\nb,Halte B,52.02,4.37\n",
    "routes.txt": "route_id,route_type\nR,3\n",
    "trips.txt": "route_id,service_id,trip_id\nR,S_WK,W1\nR,S_EXTRA,E1\nR,S_WE,Z1\n",
    "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
    "W1,09:00:00,09:00:00,a,1\nW1,09:10:00,09:10:00,b,2\n"
    "E1,10:00:00,10:00:00,a,1\n"
    "Z1,11:00:00,11:00:00,a,1\n",
    "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
    "S_WK,1,1,1,1,1,0,0,20240101,20241231\n"
    "S_WE,0,0,0,0,0,1,1,20240101,20241231\n",
    "calendar_dates.txt": "service_id,date,exception_type\nS_WK,20240312,2\nS_EXTRA,20240312,1\n",
}


def write_feed(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def write_zip(path: Path, files: dict[str, str], *, prefix: str = "") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(prefix + name, text)
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def per_stop(frame: pd.DataFrame, column: str = "departures_per_hour") -> dict[str, object]:
    return dict(zip(frame["facility_id"], frame[column], strict=True))


def test_calendar_dates_only_feed_from_zip(tmp_path: Path) -> None:
    feed = write_zip(tmp_path / "ovapi.zip", FEED_A)
    before = sha256(feed)
    [res] = gtfs.load(feed)
    assert sha256(feed) == before
    assert res.kind is LayerKind.FACILITIES
    # The first Tuesday in the feed (2024-03-02 .. 2024-03-06) with service.
    assert res.meta["date"] == "2024-03-05"
    assert res.meta["date_chosen"] == "auto"
    assert res.meta["window"] == (7.0, 19.0)
    assert res.meta["has_calendar"] is False
    f = res.frame
    assert list(f.columns[:5]) == CANONICAL[LayerKind.FACILITIES].column_names
    assert f.crs == "EPSG:28992"
    # Platforms and the entrance are folded into the parent station.
    assert per_stop(f, "departures") == {
        "gtfs:stoparea:1": 3,
        "gtfs:s_end": 0,
        "gtfs:b2": 1,
        "gtfs:b3": 2,
        "gtfs:b4": 0,
    }
    dph = per_stop(f)
    assert dph["gtfs:stoparea:1"] == pytest.approx(3 / 12)
    assert dph["gtfs:b2"] == pytest.approx(1 / 12)
    assert dph["gtfs:b3"] == pytest.approx(2 / 12)
    assert dph["gtfs:s_end"] == 0.0
    assert dph["gtfs:b4"] == 0.0
    assert per_stop(f, "category") == {
        "gtfs:stoparea:1": "treinstation",
        "gtfs:s_end": "treinstation",  # served by rail, even if only arrivals
        "gtfs:b2": "ov_halte",
        "gtfs:b3": "ov_halte",
        "gtfs:b4": "ov_halte",
    }
    assert per_stop(f, "name")["gtfs:stoparea:1"] == "Delft, Station"
    assert per_stop(f, "n_stops")["gtfs:stoparea:1"] == 2
    assert set(f["source"]) == {"gtfs"}
    assert res.meta["stops"] == 5
    assert res.meta["stops_without_departures"] == 2
    assert res.meta["departures"] == 6
    codes = {w.code: w.count for w in res.warnings}
    assert codes["gtfs_untimed"] == 1
    assert "reprojected_lonlat" in codes
    # 52.0067 N, 4.3565 E is RD (84 232, 446 983) (pyproj, Helmert ~1 m).
    station = f.loc[f["facility_id"] == "gtfs:stoparea:1", "geometry"].iloc[0]
    assert station.x == pytest.approx(84_232, abs=5)
    assert station.y == pytest.approx(446_983, abs=5)


def test_folder_and_zip_with_top_folder_give_the_same_counts(tmp_path: Path) -> None:
    folder = write_feed(tmp_path / "feed", FEED_A)
    nested = write_zip(tmp_path / "nested.zip", FEED_A, prefix="gtfs-nl/")
    [a] = gtfs.load(folder)
    [b] = gtfs.load(nested)
    assert per_stop(a.frame, "departures") == per_stop(b.frame, "departures")


def test_calendar_with_removals_and_additions(tmp_path: Path) -> None:
    folder = write_feed(tmp_path / "feed", FEED_B)
    tuesday = gtfs.load(folder, date="2024-03-12")[0]
    assert per_stop(tuesday.frame, "departures") == {"gtfs:a": 1, "gtfs:b": 0}  # only S_EXTRA
    assert tuesday.meta["active_services"] == 1
    wednesday = gtfs.load(folder, date=dt.date(2024, 3, 13))[0]
    assert per_stop(wednesday.frame, "departures") == {"gtfs:a": 1, "gtfs:b": 1}
    saturday = gtfs.load(folder, date="20240316")[0]
    assert per_stop(saturday.frame, "departures") == {"gtfs:a": 1, "gtfs:b": 0}
    default = gtfs.load(folder)[0]
    assert default.meta["date"] == "2024-01-02"  # first Tuesday of the calendar
    assert default.meta["weekday"] == "tuesday"


def test_window_option(tmp_path: Path) -> None:
    folder = write_feed(tmp_path / "feed", FEED_B)
    [res] = gtfs.load(folder, date="2024-03-13", window=(9, 9.5))
    assert per_stop(res.frame) == {"gtfs:a": 2.0, "gtfs:b": 2.0}
    assert res.meta["window_hours"] == 0.5
    with pytest.raises(LayerSchemaError, match="tijdvenster"):
        gtfs.load(folder, window=(19, 7))


def test_active_services_follow_the_spec() -> None:
    cal = pd.DataFrame(
        {
            "service_id": ["S"],
            **{d: ["1" if i < 5 else "0"] for i, d in enumerate(gtfs._WEEKDAYS)},
            "start_date": ["20240101"],
            "end_date": ["20240131"],
        }
    )
    dates = pd.DataFrame(
        {"service_id": ["S", "X"], "date": ["20240102", "20240106"], "exception_type": ["2", "1"]}
    )
    assert gtfs.active_services(cal, dates, dt.date(2024, 1, 1)) == {"S"}
    assert gtfs.active_services(cal, dates, dt.date(2024, 1, 2)) == set()  # removed
    assert gtfs.active_services(cal, dates, dt.date(2024, 1, 6)) == {"X"}  # Saturday addition
    assert gtfs.active_services(cal, dates, dt.date(2024, 2, 1)) == set()  # after end_date
    assert gtfs.representative_date(cal, dates) == dt.date(2024, 1, 9)  # 2 Jan was removed


def test_parse_gtfs_time_past_midnight() -> None:
    secs = gtfs.parse_gtfs_time(pd.Series(["07:00:00", "25:10:00", " 7:05:00", "", "x"]))
    assert secs.iloc[:3].tolist() == [25200.0, 90600.0, 25500.0]
    assert secs.iloc[3:].isna().all()


def test_feed_without_stops_is_refused_in_dutch(tmp_path: Path) -> None:
    files = {k: v for k, v in FEED_A.items() if k != "stops.txt"}
    feed = write_zip(tmp_path / "nostops.zip", files)
    with pytest.raises(LayerSchemaError) as info:
        load_path(feed)
    assert "stops.txt" in info.value.message
    assert info.value.hint


def test_zip_with_parent_paths_is_refused(tmp_path: Path) -> None:
    feed = write_zip(tmp_path / "evil.zip", {**FEED_A, "../evil.txt": "x"})
    with pytest.raises(UnsafeInputError):
        gtfs.load(feed)
    assert not (tmp_path / "evil.txt").exists()


def test_registry_detects_gtfs(tmp_path: Path) -> None:
    feed = write_zip(tmp_path / "feed.zip", FEED_A)
    folder = write_feed(tmp_path / "feed", FEED_B)
    assert detect_format(probe(feed)).id == "gtfs"
    assert detect_format(probe(folder)).id == "gtfs"
    [res] = load_path(feed, date="2024-03-06")
    assert res.meta["date"] == "2024-03-06"
    assert load_path(feed, kinds=[LayerKind.PLOTS]) == []


def test_date_without_service_gives_zeros_and_a_warning(tmp_path: Path) -> None:
    folder = write_feed(tmp_path / "feed", FEED_A)
    [res] = gtfs.load(folder, date="2025-01-07")
    assert (res.frame["departures_per_hour"] == 0).all()
    assert "gtfs_no_service" in {w.code for w in res.warnings}


def test_counts_do_not_depend_on_chunking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_feed(tmp_path / "feed", FEED_A)
    [whole] = gtfs.load(folder)
    monkeypatch.setattr(gtfs, "_CHUNK_ROWS", 3)
    [chunked] = gtfs.load(folder)
    assert per_stop(chunked.frame, "departures") == per_stop(whole.frame, "departures")
    assert chunked.meta["departures"] == 6


# Frequency-based trips: F_EXACT runs every 20 min 07:00–08:00 (exact_times=1) -> 07:00, 07:20, 07:40;
# F_FREQ every 30 min 18:00–20:00 (exact_times empty = 0) -> 18:00, 18:30, 19:00, 19:30.
# Stop b is passed 10 minutes after the first stop, stop c 75 minutes after it.
FEED_FREQ = {
    "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\na,A,52.01,4.36\nb,B,52.02,4.37\nc,C,52.03,4.38\n",
    "routes.txt": "route_id,route_type\nR,3\n",
    "trips.txt": "route_id,service_id,trip_id\nR,WK,F_EXACT\nR,WK,F_FREQ\nR,WK,PLAIN\n",
    "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
    # template times: only the differences count (05:00 is not a real departure)
    "F_EXACT,05:00:00,05:00:00,a,1\nF_EXACT,05:10:00,05:10:00,b,2\nF_EXACT,06:15:00,06:15:00,c,3\n"
    "F_FREQ,00:00:00,00:00:00,a,1\nF_FREQ,00:10:00,00:10:00,b,2\nF_FREQ,01:15:00,01:15:00,c,3\n"
    "PLAIN,12:00:00,12:00:00,a,1\n",
    "frequencies.txt": "trip_id,start_time,end_time,headway_secs,exact_times\n"
    "F_EXACT,07:00:00,08:00:00,1200,1\nF_FREQ,18:00:00,20:00:00,1800,\n",
    "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
    "WK,1,1,1,1,1,0,0,20240101,20241231\n",
}


def _brute_force(
    start_h: float, end_h: float, headway_s: int, offset_s: int, lo_h: float, hi_h: float
) -> int:
    """Count departures by listing every trip: the reference for the analytic count."""
    n, t = 0, start_h * 3600
    while t < end_h * 3600:
        if lo_h * 3600 <= t + offset_s < hi_h * 3600:
            n += 1
        t += headway_s
    return n


def test_frequencies_expand_both_exact_times(tmp_path: Path) -> None:
    folder = write_feed(tmp_path / "feed", FEED_FREQ)
    [res] = gtfs.load(folder, date="2024-03-12", today=dt.date(2024, 3, 1))
    got = per_stop(res.frame, "departures")
    want = {
        stop: _brute_force(7, 8, 1200, off, 7, 19) + _brute_force(18, 20, 1800, off, 7, 19)
        for stop, off in (("a", 0), ("b", 600), ("c", 4500))
    }
    # a: 07:00 07:20 07:40 18:00 18:30 = 5 (19:00, 19:30 are outside the window);
    # c: 08:15 08:35 08:55 19:15 19:45 -> 3 (the evening ones are past 19:00) + 0
    assert want == {"a": 5, "b": 5, "c": 3}
    # plus PLAIN's ordinary 12:00 departure at a
    assert got == {"gtfs:a": want["a"] + 1, "gtfs:b": want["b"], "gtfs:c": want["c"]}
    freq = res.meta["frequencies"]
    assert (freq["exact_times_1"], freq["exact_times_0"], freq["template_trips"]) == (1, 1, 2)
    assert freq["departures"] == 13
    # the template's own times (05:00, 00:00) are never counted as departures
    [night] = gtfs.load(folder, date="2024-03-12", window=(0, 6), today=dt.date(2024, 3, 1))
    assert per_stop(night.frame, "departures") == {"gtfs:a": 0, "gtfs:b": 0, "gtfs:c": 0}


def test_frequency_rows_without_trip_are_counted(tmp_path: Path) -> None:
    files = dict(FEED_FREQ)
    files["frequencies.txt"] += "GHOST,07:00:00,09:00:00,600,0\n"
    [res] = gtfs.load(write_feed(tmp_path / "f", files), date="2024-03-12", today=dt.date(2024, 3, 1))
    assert {w.code: w.count for w in res.warnings}["gtfs_frequency_orphans"] == 1


def test_expired_and_future_feeds_say_so(tmp_path: Path) -> None:
    folder = write_feed(tmp_path / "feed", FEED_FREQ)
    [old] = gtfs.load(folder, today=dt.date(2026, 6, 1))
    codes = {w.code for w in old.warnings}
    assert "gtfs_expired" in codes
    assert old.meta["expired"] is True
    assert old.meta["validity"] == {"start": "2024-01-01", "end": "2024-12-31"}
    assert old.meta["date"] == "2024-01-02"  # a Tuesday inside the validity, said in the warning
    assert "2024-01-02" in next(w.message for w in old.warnings if w.code == "gtfs_expired")
    [early] = gtfs.load(folder, today=dt.date(2023, 6, 1))
    assert "gtfs_not_started" in {w.code for w in early.warnings}
    [current] = gtfs.load(folder, today=dt.date(2024, 3, 6))
    assert not {"gtfs_expired", "gtfs_not_started"} & {w.code for w in current.warnings}
    assert current.meta["date"] == "2024-03-12"  # the first Tuesday from today on
    [outside] = gtfs.load(folder, date="2025-01-07", today=dt.date(2024, 3, 6))
    codes = {w.code for w in outside.warnings}
    assert {"gtfs_date_outside", "gtfs_no_service"} <= codes
    assert "--gtfs-date" in next(w.message for w in outside.warnings if w.code == "gtfs_date_outside")


def test_default_date_is_the_tuesday_with_most_trips(tmp_path: Path) -> None:
    files = dict(FEED_FREQ)
    files["trips.txt"] += "R,BUSY,X1\nR,BUSY,X2\n"
    files["stop_times.txt"] += "X1,09:00:00,09:00:00,a,1\nX2,10:00:00,10:00:00,a,1\n"
    files["calendar_dates.txt"] = "service_id,date,exception_type\nBUSY,20240319,1\nWK,20240319,2\n"
    [res] = gtfs.load(write_feed(tmp_path / "f", files), today=dt.date(2024, 3, 6))
    # 19 March: BUSY's 2 trips instead of WK's 3 -> fewer; every other Tuesday has 3 trips
    assert res.meta["date"] == "2024-03-12"
    stats = res.meta["departures_per_hour_stats"]
    assert stats["stops"] == 3
    assert stats["max"] == pytest.approx(6 / 12)
