"""GTFS feeds as transit stops with their service frequency (departures per hour).

The GDAL GTFS driver cannot open zips through pyogrio (it rewrites ``*.zip`` to ``/vsizip/``),
and stop_times.txt of a national feed has tens of millions of rows, so the feed is read with
pandas: only the needed columns, as strings, ``stop_times.txt`` in chunks. Active services
follow the GTFS spec (calendar.txt weekday flags within start/end, then calendar_dates.txt
additions and removals); the Dutch OVapi feed has only calendar_dates.txt.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from layers.canonical import LayerKind, conform
from layers.crs import ensure_rd
from layers.errors import LayerSchemaError
from layers.geometry import clean_geometries
from layers.registry import Probe, SourceFormat, register
from layers.result import LoadResult, Warnings
from layers.sources import check_file, extract_zip_safely

__all__ = [
    "DEFAULT_WINDOW",
    "GTFS_FORMAT",
    "Feed",
    "active_services",
    "load",
    "open_feed",
    "parse_gtfs_time",
    "representative_date",
]

DEFAULT_WINDOW: tuple[float, float] = (7.0, 19.0)
_CHUNK_ROWS = 1_000_000
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_HINT_FEED = "Gebruik een volledige GTFS-feed (zip of map) met stops.txt, trips.txt en stop_times.txt."


class Feed:
    """The text files of one GTFS feed in a folder (a zip is extracted first, see :func:`open_feed`)."""

    def __init__(self, folder: Path, source: Path) -> None:
        self.folder = folder
        self.source = source
        # Feeds are sometimes zipped with a top folder: find files by name anywhere below.
        self.files: dict[str, Path] = {}
        for f in sorted(folder.rglob("*.txt"), key=lambda p: len(p.parts)):
            self.files.setdefault(f.name.lower(), f)

    def has(self, name: str) -> bool:
        return name in self.files

    def require(self, name: str) -> Path:
        if name not in self.files:
            raise LayerSchemaError(
                f"De GTFS-feed mist {name}.",
                hint=_HINT_FEED,
                path=self.source,
            )
        return self.files[name]

    def read(self, name: str, columns: tuple[str, ...], *, required: tuple[str, ...] = ()) -> pd.DataFrame:
        """Read ``columns`` of ``name`` as strings; absent optional columns become empty strings."""
        parts = list(self.chunks(name, columns, required=required))
        if not parts:
            return pd.DataFrame({c: pd.Series([], dtype=str) for c in columns})
        return pd.concat(parts, ignore_index=True)

    def chunks(
        self, name: str, columns: tuple[str, ...], *, required: tuple[str, ...] = ()
    ) -> Iterator[pd.DataFrame]:
        """Read ``columns`` of ``name`` as strings in chunks (stop_times.txt can be huge)."""
        path = self.require(name)
        header = _header(path)
        missing = [c for c in required if c not in header.values()]
        if missing:
            raise LayerSchemaError(
                f"{name} in de GTFS-feed mist de kolom(men) {', '.join(missing)}.",
                hint=_HINT_FEED,
                path=self.source,
            )
        present = {raw: clean for raw, clean in header.items() if clean in columns}
        reader = pd.read_csv(
            path,
            dtype=str,
            usecols=list(present),
            keep_default_na=False,
            encoding="utf-8-sig",
            skipinitialspace=True,
            chunksize=_CHUNK_ROWS,
        )
        with reader:
            for chunk in reader:
                chunk = chunk.rename(columns=present)
                for col in columns:
                    if col not in chunk.columns:
                        chunk[col] = ""
                yield chunk[list(columns)]


def _header(path: Path) -> dict[str, str]:
    """Raw header name -> stripped name (GTFS headers sometimes carry spaces or a BOM)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        row = next(csv.reader(fh), [])
    return {raw: raw.strip() for raw in row}


@contextmanager
def open_feed(path: str | Path) -> Iterator[Feed]:
    """Yield the feed at ``path`` (a folder, or a zip extracted safely into a temporary folder)."""
    p = check_file(path)
    if p.is_dir():
        yield Feed(p, p)
        return
    with tempfile.TemporaryDirectory(prefix="gtfs_") as tmp:
        extract_zip_safely(p, tmp, suffixes=(".txt",))
        yield Feed(Path(tmp), p)


def parse_gtfs_time(values: pd.Series) -> pd.Series:
    """Seconds since service-day noon minus 12h ('25:10:00' -> 90600); invalid/empty -> NaN."""
    parts = values.str.extract(r"^\s*(\d{1,3}):(\d{2}):(\d{2})\s*$")
    nums = parts.astype(float)
    return nums[0] * 3600 + nums[1] * 60 + nums[2]


def _parse_date(value: str | dt.date, *, source: Path | None = None) -> dt.date:
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("-", "")
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date()
    except ValueError as exc:
        raise LayerSchemaError(
            f"Ongeldige datum '{value}'.",
            hint="Geef de datum als JJJJ-MM-DD, bijvoorbeeld 2024-03-12.",
            path=source,
        ) from exc


def _dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, format="%Y%m%d", errors="coerce")


def active_services(
    calendar: pd.DataFrame | None, calendar_dates: pd.DataFrame | None, day: dt.date
) -> set[str]:
    """Service ids running on ``day``: calendar.txt rules, then calendar_dates additions/removals."""
    active: set[str] = set()
    stamp = pd.Timestamp(day)
    if calendar is not None and len(calendar):
        start = _dates(calendar["start_date"])
        end = _dates(calendar["end_date"])
        runs = (calendar[_WEEKDAYS[day.weekday()]] == "1") & (start <= stamp) & (end >= stamp)
        active |= set(calendar.loc[runs, "service_id"])
    if calendar_dates is not None and len(calendar_dates):
        on_day = calendar_dates[_dates(calendar_dates["date"]) == stamp]
        active |= set(on_day.loc[on_day["exception_type"] == "1", "service_id"])
        active -= set(on_day.loc[on_day["exception_type"] == "2", "service_id"])
    return active


def _validity(
    calendar: pd.DataFrame | None, calendar_dates: pd.DataFrame | None
) -> tuple[dt.date, dt.date] | None:
    stamps: list[pd.Timestamp] = []
    if calendar is not None and len(calendar):
        stamps += [_dates(calendar["start_date"]).min(), _dates(calendar["end_date"]).max()]
    if calendar_dates is not None and len(calendar_dates):
        added = calendar_dates[calendar_dates["exception_type"] == "1"]
        d = _dates(added["date"])
        stamps += [d.min(), d.max()]
    valid = [s for s in stamps if not pd.isna(s)]
    if not valid:
        return None
    return min(valid).date(), max(valid).date()


def representative_date(calendar: pd.DataFrame | None, calendar_dates: pd.DataFrame | None) -> dt.date | None:
    """The first Tuesday in the feed's validity with service, else the first weekday, else any day.

    A Tuesday is the usual "representative weekday" for frequency counts: no Monday or Friday
    specials. Returns None when the feed has no service day at all.
    """
    span = _validity(calendar, calendar_dates)
    if span is None:
        return None
    start, end = span
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    tuesdays = [d for d in days if d.weekday() == 1]
    weekdays = [d for d in days if d.weekday() < 5]
    for candidates in (tuesdays, weekdays, days):
        for day in candidates:
            if active_services(calendar, calendar_dates, day):
                return day
    return None


def _window(value: Any, source: Path) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError) as exc:
        raise LayerSchemaError(
            f"Ongeldig tijdvenster {value!r}.",
            hint="Geef het venster als twee uren, bijvoorbeeld (7, 19).",
            path=source,
        ) from exc
    if not (0 <= lo < hi <= 48):
        raise LayerSchemaError(
            f"Ongeldig tijdvenster {value!r}: het begin moet voor het einde liggen (uren 0-48).",
            hint="Gebruik bijvoorbeeld (7, 19).",
            path=source,
        )
    return lo, hi


def load(
    path: str | Path,
    *,
    kinds: list[LayerKind] | None = None,
    date: str | dt.date | None = None,
    window: tuple[float, float] = DEFAULT_WINDOW,
) -> list[LoadResult]:
    """Read a GTFS feed (zip or folder) into FACILITIES: one point per stop or station.

    ``date`` is the service date (default: :func:`representative_date`); departures are counted
    in ``window`` (hours, start inclusive, end exclusive), also trips of the previous service
    day that run past midnight into the window.
    """
    if kinds is not None and LayerKind.FACILITIES not in kinds:
        return []
    p = check_file(path)
    lo, hi = _window(window, p)
    warnings = Warnings()
    with open_feed(p) as feed:
        stops = feed.read(
            "stops.txt",
            ("stop_id", "stop_name", "stop_lat", "stop_lon", "location_type", "parent_station"),
            required=("stop_id",),
        )
        routes = feed.read("routes.txt", ("route_id", "route_type"), required=("route_id", "route_type"))
        trips = feed.read(
            "trips.txt", ("trip_id", "route_id", "service_id"), required=("trip_id", "route_id", "service_id")
        )
        calendar = (
            feed.read(
                "calendar.txt", ("service_id", *_WEEKDAYS, "start_date", "end_date"), required=("service_id",)
            )
            if feed.has("calendar.txt")
            else None
        )
        calendar_dates = (
            feed.read(
                "calendar_dates.txt",
                ("service_id", "date", "exception_type"),
                required=("service_id", "date", "exception_type"),
            )
            if feed.has("calendar_dates.txt")
            else None
        )
        if calendar is None and calendar_dates is None:
            raise LayerSchemaError(
                "De GTFS-feed heeft geen calendar.txt en geen calendar_dates.txt; de rijdagen zijn onbekend.",
                hint=_HINT_FEED,
                path=p,
            )
        if date is None:
            day = representative_date(calendar, calendar_dates)
            if day is None:
                raise LayerSchemaError(
                    "De GTFS-feed heeft geen enkele dag met dienstregeling.",
                    hint="Controleer calendar.txt/calendar_dates.txt of kies een andere feed.",
                    path=p,
                )
            date_chosen = "auto"
        else:
            day = _parse_date(date, source=p)
            date_chosen = "option"
        services_today = active_services(calendar, calendar_dates, day)
        services_yesterday = active_services(calendar, calendar_dates, day - dt.timedelta(days=1))
        if not services_today:
            warnings.add(
                "gtfs_no_service",
                f"Op {day.isoformat()} rijdt volgens de feed niets; alle haltes hebben 0 vertrekken.",
            )

        counts, rail_stops, untimed = _count_departures(
            feed, trips, routes, services_today, services_yesterday, lo, hi
        )
    warnings.add("gtfs_untimed", "{n} vertrektijden zonder tijd (geen tijdpunt) niet meegeteld", untimed)

    frame, n_dropped, n_orphans = _stations(stops, counts, rail_stops, hi - lo)
    warnings.add("gtfs_no_coordinates", "{n} haltes zonder geldige coördinaten overgeslagen", n_dropped)
    warnings.add(
        "gtfs_missing_parent",
        "{n} haltes verwijzen naar een onbekend station; als losse halte opgenomen",
        n_orphans,
    )

    gdf = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame.pop("lon"), frame.pop("lat")), crs=None)
    gdf = ensure_rd(gdf, warnings, path=p, assume_crs="EPSG:4326")
    gdf = clean_geometries(gdf, warnings, family="point")
    out = conform(gdf, LayerKind.FACILITIES)
    zero = int((out["departures_per_hour"] == 0).sum())
    meta: dict[str, Any] = {
        "date": day.isoformat(),
        "date_chosen": date_chosen,
        "weekday": _WEEKDAYS[day.weekday()],
        "window": (lo, hi),
        "window_hours": hi - lo,
        "active_services": len(services_today),
        "departures": int(out["departures"].sum()) if len(out) else 0,
        "stops": len(out),
        "stops_without_departures": zero,
        "has_calendar": calendar is not None,
        "has_calendar_dates": calendar_dates is not None,
    }
    return [LoadResult(LayerKind.FACILITIES, out, str(p), layer="stops", warnings=tuple(warnings), meta=meta)]


def _count_departures(
    feed: Feed,
    trips: pd.DataFrame,
    routes: pd.DataFrame,
    today: set[str],
    yesterday: set[str],
    lo: float,
    hi: float,
) -> tuple[pd.Series, set[str], int]:
    """Departures per stop_id in the window, the stop_ids served by rail, and untimed rows."""
    route_type = pd.to_numeric(routes.set_index("route_id")["route_type"], errors="coerce")
    is_rail = (route_type == 2) | ((route_type >= 100) & (route_type <= 199))
    trips = trips.assign(rail=trips["route_id"].map(is_rail).fillna(False).astype(bool))
    trip_today = trips.loc[trips["service_id"].isin(today), "trip_id"]
    trip_yesterday = trips.loc[trips["service_id"].isin(yesterday), "trip_id"]
    rail_trips = trips.loc[trips["rail"], "trip_id"]
    lo_s, hi_s = lo * 3600, hi * 3600
    totals: list[pd.Series] = []
    rail_stops: set[str] = set()
    untimed = 0
    columns = ("trip_id", "stop_id", "departure_time", "arrival_time", "pickup_type")
    for chunk in feed.chunks("stop_times.txt", columns, required=("trip_id", "stop_id")):
        rail_stops |= set(chunk.loc[chunk["trip_id"].isin(rail_trips), "stop_id"])
        chunk = chunk[chunk["pickup_type"] != "1"]
        on_today = chunk["trip_id"].isin(trip_today)
        on_yesterday = chunk["trip_id"].isin(trip_yesterday)
        chunk = chunk[on_today | on_yesterday]
        on_today, on_yesterday = on_today[chunk.index], on_yesterday[chunk.index]
        times = chunk["departure_time"].where(chunk["departure_time"] != "", chunk["arrival_time"])
        secs = parse_gtfs_time(times)
        untimed += int((secs.isna() & on_today).sum())
        hit_today = on_today & (secs >= lo_s) & (secs < hi_s)
        # A trip of yesterday's service at 31:30:00 leaves at 07:30 today.
        hit_yesterday = on_yesterday & (secs - 86400 >= lo_s) & (secs - 86400 < hi_s)
        hits = (
            chunk.loc[hit_today, "stop_id"]
            .value_counts()
            .add(chunk.loc[hit_yesterday, "stop_id"].value_counts(), fill_value=0)
        )
        totals.append(hits)
    counts = pd.concat(totals).groupby(level=0).sum() if totals else pd.Series(dtype=float)
    return counts.astype("int64"), rail_stops, untimed


def _stations(
    stops: pd.DataFrame, counts: pd.Series, rail_stops: set[str], hours: float
) -> tuple[pd.DataFrame, int, int]:
    """One row per station (parent) or free-standing stop, with platform departures summed."""
    stops = stops.drop_duplicates("stop_id").reset_index(drop=True)
    loc = stops["location_type"].replace("", "0")
    parent = stops["parent_station"]
    stations = set(stops.loc[loc == "1", "stop_id"])
    has_parent = (parent != "") & parent.isin(stations)
    orphans = int(((parent != "") & ~has_parent & (loc == "0")).sum())
    # Platforms (0) and boarding areas (4) count towards their station; entrances (2) and
    # generic nodes (3) never have departures.
    departing = loc.isin(["0", "4"])
    per_target = pd.DataFrame(
        {
            "target": stops["stop_id"].where(~has_parent, parent)[departing],
            "departures": stops.loc[departing, "stop_id"].map(counts).fillna(0).astype("int64"),
            "rail": stops.loc[departing, "stop_id"].isin(rail_stops),
        }
    )
    agg = per_target.groupby("target").agg(
        departures=("departures", "sum"), rail=("rail", "any"), n_stops=("rail", "size")
    )
    keep = stops[(loc == "1") | ((loc == "0") & ~has_parent)]
    key = keep["stop_id"]
    rail = key.map(agg["rail"]).fillna(False).astype(bool)
    departures = key.map(agg["departures"]).fillna(0).astype("int64")
    frame = pd.DataFrame(
        {
            "facility_id": "gtfs:" + key,
            "name": keep["stop_name"].replace("", pd.NA),
            "category": np.where(rail, "treinstation", "ov_halte"),
            "source": "gtfs",
            "departures_per_hour": departures / hours,
            "departures": departures,
            "stop_id": key,
            "location_type": loc[keep.index].astype("int64"),
            "n_stops": key.map(agg["n_stops"]).fillna(0).astype("int64"),
            "lon": pd.to_numeric(keep["stop_lon"], errors="coerce"),
            "lat": pd.to_numeric(keep["stop_lat"], errors="coerce"),
        }
    )
    valid = (
        frame["lon"].between(-180, 180)
        & frame["lat"].between(-90, 90)
        & ~((frame["lon"] == 0) & (frame["lat"] == 0))
    )
    return frame[valid].reset_index(drop=True), int((~valid).sum()), orphans


def _sniff(pr: Probe) -> bool:
    members = set(pr.members)
    return "stop_times.txt" in members and bool(members & {"stops.txt", "trips.txt"})


GTFS_FORMAT = register(
    SourceFormat(
        id="gtfs",
        label="GTFS-dienstregeling (zip of map)",
        kinds=(LayerKind.FACILITIES,),
        sniff=_sniff,
        load=load,
        priority=10,
        options={
            "date": "dienstregelingsdatum JJJJ-MM-DD (standaard: eerste dinsdag met dienst)",
            "window": "tijdvenster in uren, standaard (7, 19)",
        },
    )
)
