"""GTFS feeds as transit stops with their service frequency (departures per hour).

The GDAL GTFS driver cannot open zips through pyogrio (it rewrites ``*.zip`` to ``/vsizip/``),
and stop_times.txt of a national feed has tens of millions of rows, so the feed is read with
pandas: only the needed columns, as strings, ``stop_times.txt`` in chunks. Active services
follow the GTFS spec (calendar.txt weekday flags within start/end, then calendar_dates.txt
additions and removals); the Dutch OVapi feed has only calendar_dates.txt.

Trips listed in ``frequencies.txt`` are templates: their stop_times give the times relative to
the first stop, and the trip runs every ``headway_secs`` from ``start_time`` while the start is
before ``end_time``. Both ``exact_times`` values are expanded that way (for ``exact_times=0``
the feed promises only the headway, so the departures are placed on that grid; in a window of
hours this differs from the true rate by at most one departure per frequencies.txt row).

The service date is explicit: the caller's ``date`` or a representative weekday inside the
feed's validity; a feed that has expired, starts later or has no service that day says so in a
counted warning, never silently.
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
    "ServiceCalendar",
    "active_services",
    "frequency_departures",
    "load",
    "open_feed",
    "parse_gtfs_time",
    "representative_date",
]

DEFAULT_WINDOW: tuple[float, float] = (7.0, 19.0)
_CHUNK_ROWS = 1_000_000
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAYS_NL = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
# How far the default date search looks (days): a year covers every season of a timetable.
_SEARCH_DAYS = 370
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


class ServiceCalendar:
    """calendar.txt and calendar_dates.txt combined, parsed once, asked per day.

    A service runs on a day when calendar.txt says so (weekday flag, start_date ≤ day ≤
    end_date) and calendar_dates.txt does not remove it (exception_type 2), or when
    calendar_dates.txt adds it (exception_type 1) -- the GTFS rules, in that order.
    """

    def __init__(self, calendar: pd.DataFrame | None, calendar_dates: pd.DataFrame | None) -> None:
        self.has_calendar = calendar is not None
        self.has_calendar_dates = calendar_dates is not None
        cal = calendar if calendar is not None else pd.DataFrame(columns=["service_id", *_WEEKDAYS])
        self._ids = cal["service_id"].astype(str).to_numpy()
        self._flags = (
            np.column_stack([(cal[d].astype(str).str.strip() == "1").to_numpy(dtype=bool) for d in _WEEKDAYS])
            if len(cal)
            else np.zeros((0, 7), dtype=bool)
        )
        start = _dates(cal["start_date"]) if len(cal) else pd.Series([], dtype="datetime64[ns]")
        end = _dates(cal["end_date"]) if len(cal) else pd.Series([], dtype="datetime64[ns]")
        self._start = start.to_numpy()
        self._end = end.to_numpy()
        self._range = (start.min(), end.max())  # NaT when calendar.txt is absent or unreadable
        self.additions: dict[dt.date, set[str]] = {}
        self.removals: dict[dt.date, set[str]] = {}
        if calendar_dates is not None and len(calendar_dates):
            when = _dates(calendar_dates["date"])
            kind = calendar_dates["exception_type"].astype(str).str.strip()
            for table, code in ((self.additions, "1"), (self.removals, "2")):
                rows = calendar_dates[(kind == code) & when.notna()]
                for stamp, ids in rows.groupby(when[rows.index])["service_id"]:
                    table[pd.Timestamp(stamp).date()] = set(ids.astype(str))

    def active(self, day: dt.date) -> set[str]:
        """Service ids running on ``day``."""
        stamp = np.datetime64(day, "ns")
        runs = self._flags[:, day.weekday()] & (self._start <= stamp) & (self._end >= stamp)
        active = set(self._ids[runs])
        active -= self.removals.get(day, set())
        return active | self.additions.get(day, set())

    def validity(self) -> tuple[dt.date, dt.date] | None:
        """First and last day any service can run (calendar ranges and added dates)."""
        stamps: list[pd.Timestamp] = []
        stamps += [pd.Timestamp(v) for v in self._range if not pd.isna(v)]
        if self.additions:
            stamps += [pd.Timestamp(min(self.additions)), pd.Timestamp(max(self.additions))]
        valid = [st for st in stamps if not pd.isna(st)]
        if not valid:
            return None
        return min(valid).date(), max(valid).date()


def active_services(
    calendar: pd.DataFrame | None, calendar_dates: pd.DataFrame | None, day: dt.date
) -> set[str]:
    """Service ids running on ``day``: calendar.txt rules, then calendar_dates additions/removals."""
    return ServiceCalendar(calendar, calendar_dates).active(day)


def representative_date(
    calendar: pd.DataFrame | ServiceCalendar | None,
    calendar_dates: pd.DataFrame | None = None,
    *,
    trips_per_service: pd.Series | None = None,
    today: dt.date | None = None,
) -> dt.date | None:
    """A representative weekday inside the feed's validity: the Tuesday with the most trips.

    Tuesdays first (no Monday or Friday specials), then any weekday, then any day; among those
    the day with the most trips (``trips_per_service``; else the most services), the earliest
    on a tie. When today lies inside the validity the search starts today, so a current feed is
    described as it runs from now on. Returns None when the feed has no service day at all.
    """
    cal = calendar if isinstance(calendar, ServiceCalendar) else ServiceCalendar(calendar, calendar_dates)
    span = cal.validity()
    if span is None:
        return None
    start, end = span
    now = today or dt.date.today()
    if start <= now <= end:
        start = now
    last = min(end, start + dt.timedelta(days=_SEARCH_DAYS))
    days = [start + dt.timedelta(days=i) for i in range((last - start).days + 1)]
    weights = trips_per_service if trips_per_service is not None else None

    def size(day: dt.date) -> int:
        active = cal.active(day)
        if weights is None:
            return len(active)
        return int(weights.reindex(list(active)).fillna(0).sum())

    scored = [(day, size(day)) for day in days]
    for max_weekday in (1, 4, 6):  # Tuesdays, then weekdays, then any day
        best = [
            (d, n)
            for d, n in scored
            if d.weekday() <= max_weekday and (max_weekday != 1 or d.weekday() == 1) and n > 0
        ]
        if best:
            return max(best, key=lambda dn: (dn[1], -dn[0].toordinal()))[0]
    if start != span[0]:  # nothing runs from today on: describe the feed as it was
        return representative_date(cal, trips_per_service=trips_per_service, today=span[0])
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
    today: dt.date | None = None,
) -> list[LoadResult]:
    """Read a GTFS feed (zip or folder) into FACILITIES: one point per stop or station.

    ``date`` is the service date (default: :func:`representative_date`); departures are counted
    in ``window`` (hours, start inclusive, end exclusive), also trips of the previous service
    day that run past midnight into the window, and trips of ``frequencies.txt`` expanded over
    their headways. ``today`` (default: the real date) decides whether the feed has expired.
    """
    if kinds is not None and LayerKind.FACILITIES not in kinds:
        return []
    p = check_file(path)
    lo, hi = _window(window, p)
    now = today or dt.date.today()
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
        frequencies = (
            feed.read(
                "frequencies.txt",
                ("trip_id", "start_time", "end_time", "headway_secs", "exact_times"),
                required=("trip_id", "start_time", "end_time", "headway_secs"),
            )
            if feed.has("frequencies.txt")
            else None
        )
        feed_info = (
            feed.read(
                "feed_info.txt", ("feed_publisher_name", "feed_start_date", "feed_end_date", "feed_version")
            )
            if feed.has("feed_info.txt")
            else None
        )
        if calendar is None and calendar_dates is None:
            raise LayerSchemaError(
                "De GTFS-feed heeft geen calendar.txt en geen calendar_dates.txt; de rijdagen zijn onbekend.",
                hint=_HINT_FEED,
                path=p,
            )
        services = ServiceCalendar(calendar, calendar_dates)
        span = services.validity()
        if date is None:
            per_service = trips.groupby("service_id").size()
            day = representative_date(services, trips_per_service=per_service, today=now)
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
        services_today = services.active(day)
        services_yesterday = services.active(day - dt.timedelta(days=1))
        _warn_dates(warnings, span, day, now, chosen=date_chosen, has_service=bool(services_today))

        counts, rail_stops, untimed, freq = _count_departures(
            feed, trips, routes, frequencies, services_today, services_yesterday, lo, hi
        )
    warnings.add("gtfs_untimed", "{n} vertrektijden zonder tijd (geen tijdpunt) niet meegeteld", untimed)
    warnings.add(
        "gtfs_frequency_orphans",
        "{n} regels in frequencies.txt horen bij een rit zonder stop_times.txt of trips.txt; niet meegeteld",
        freq["orphan_rows"],
    )

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
        "validity": {"start": span[0].isoformat(), "end": span[1].isoformat()} if span else None,
        "expired": bool(span and span[1] < now),
        "not_started": bool(span and span[0] > now),
        "checked_on": now.isoformat(),
        "active_services": len(services_today),
        "departures": int(out["departures"].sum()) if len(out) else 0,
        "departures_per_hour_stats": _stats(out["departures_per_hour"]),
        "stops": len(out),
        "stops_without_departures": zero,
        "has_calendar": calendar is not None,
        "has_calendar_dates": calendar_dates is not None,
        "frequencies": {k: v for k, v in freq.items() if k != "orphan_rows"},
    }
    info = _feed_info(feed_info)
    if info:
        meta["feed_info"] = info
    return [LoadResult(LayerKind.FACILITIES, out, str(p), layer="stops", warnings=tuple(warnings), meta=meta)]


def _feed_info(feed_info: pd.DataFrame | None) -> dict[str, str]:
    """Publisher, version and the validity feed_info.txt declares (first row), ISO dates."""
    if feed_info is None or not len(feed_info):
        return {}
    row = feed_info.iloc[0]
    out = {"publisher": str(row["feed_publisher_name"]).strip(), "version": str(row["feed_version"]).strip()}
    for key in ("feed_start_date", "feed_end_date"):
        stamp = _dates(pd.Series([row[key]])).iloc[0]
        if not pd.isna(stamp):
            out[key.removeprefix("feed_").removesuffix("_date")] = stamp.date().isoformat()
    return {k: v for k, v in out.items() if v}


def _warn_dates(
    warnings: Warnings,
    span: tuple[dt.date, dt.date] | None,
    day: dt.date,
    now: dt.date,
    *,
    chosen: str,
    has_service: bool,
) -> None:
    """Counted warnings for an expired or future feed, a date outside it, a day without service."""
    weekday = _WEEKDAYS_NL[day.weekday()]
    if span is not None:
        start, end = span
        period = f"{start.isoformat()} t/m {end.isoformat()}"
        if end < now:
            warnings.add(
                "gtfs_expired",
                f"De dienstregeling is verlopen: geldig {period}, vandaag is {now.isoformat()}. "
                f"De vertrekken gelden voor {weekday} {day.isoformat()}, niet voor nu; gebruik een actuele feed.",
            )
        elif start > now:
            warnings.add(
                "gtfs_not_started",
                f"De dienstregeling begint pas op {start.isoformat()} (vandaag is {now.isoformat()}); "
                f"de vertrekken gelden voor {weekday} {day.isoformat()}.",
            )
        if chosen == "option" and not start <= day <= end:
            warnings.add(
                "gtfs_date_outside",
                f"De gekozen datum {day.isoformat()} ligt buiten de geldigheid van de feed ({period}); "
                "kies met --gtfs-date een datum in die periode.",
            )
    if not has_service:
        warnings.add(
            "gtfs_no_service",
            f"Op {weekday} {day.isoformat()} rijdt volgens de feed niets; alle haltes hebben 0 vertrekken. "
            "Kies met --gtfs-date een andere dag.",
        )


def _stats(values: pd.Series) -> dict[str, float | int]:
    """Departures per hour over the stops: min, median and max (all stops and those with service)."""
    v = pd.to_numeric(values, errors="coerce").dropna().astype(float)
    served = v[v > 0]
    if v.empty:
        return {"stops": 0, "stops_with_service": 0}
    out: dict[str, float | int] = {
        "stops": len(v),
        "stops_with_service": len(served),
        "min": round(float(v.min()), 2),
        "median": round(float(v.median()), 2),
        "max": round(float(v.max()), 2),
    }
    if len(served):
        out["median_with_service"] = round(float(served.median()), 2)
    return out


def frequency_departures(
    templates: pd.DataFrame, frequencies: pd.DataFrame, lo_s: float, hi_s: float
) -> pd.Series:
    """Departures per stop_id in [lo_s, hi_s) from trips repeated by ``frequencies.txt``.

    ``templates`` has one row per timed stop of a template trip: ``trip_id``, ``stop_id`` and
    ``offset`` (seconds after the trip's first stop). ``frequencies`` has ``trip_id``,
    ``start`` and ``end`` (seconds) and ``headway`` (seconds > 0). Trip k leaves its first stop
    at start + k·headway for every k ≥ 0 with start + k·headway < end, so it passes a stop at
    start + k·headway + offset; the number of k that land in the window is counted exactly, per
    pair, without listing every trip.
    """
    pairs = templates.merge(frequencies, on="trip_id", how="inner")
    if pairs.empty:
        return pd.Series(dtype="int64")
    start = pairs["start"].to_numpy(dtype=float)
    h = pairs["headway"].to_numpy(dtype=float)
    o = pairs["offset"].to_numpy(dtype=float)
    n_total = np.ceil((pairs["end"].to_numpy(dtype=float) - start) / h)
    k_min = np.maximum(0.0, np.ceil((lo_s - o - start) / h))
    k_max = np.minimum(n_total - 1.0, np.ceil((hi_s - o - start) / h) - 1.0)
    count = np.maximum(0.0, k_max - k_min + 1.0)
    hits = pd.Series(count.astype("int64"), index=pairs["stop_id"].to_numpy())
    return hits[hits > 0].groupby(level=0).sum()


def _frequency_table(frequencies: pd.DataFrame | None) -> tuple[pd.DataFrame, int]:
    """frequencies.txt as seconds; rows with unreadable times or headway ≤ 0 are counted out."""
    cols = ["trip_id", "start", "end", "headway", "exact"]
    if frequencies is None or not len(frequencies):
        return pd.DataFrame({c: pd.Series([], dtype=float) for c in cols}), 0
    table = pd.DataFrame(
        {
            "trip_id": frequencies["trip_id"].astype(str),
            "start": parse_gtfs_time(frequencies["start_time"]),
            "end": parse_gtfs_time(frequencies["end_time"]),
            "headway": pd.to_numeric(frequencies["headway_secs"], errors="coerce"),
            "exact": frequencies["exact_times"].replace("", "0"),
        }
    )
    ok = table["start"].notna() & table["end"].notna() & (table["headway"] > 0)
    return table[ok].reset_index(drop=True), int((~ok).sum())


def _count_departures(
    feed: Feed,
    trips: pd.DataFrame,
    routes: pd.DataFrame,
    frequencies: pd.DataFrame | None,
    today: set[str],
    yesterday: set[str],
    lo: float,
    hi: float,
) -> tuple[pd.Series, set[str], int, dict[str, int]]:
    """Departures per stop_id in the window, rail stop_ids, untimed rows and frequency facts."""
    route_type = pd.to_numeric(routes.set_index("route_id")["route_type"], errors="coerce")
    is_rail = (route_type == 2) | ((route_type >= 100) & (route_type <= 199))
    trips = trips.assign(rail=trips["route_id"].map(is_rail).fillna(False).astype(bool))
    trip_today = trips.loc[trips["service_id"].isin(today), "trip_id"]
    trip_yesterday = trips.loc[trips["service_id"].isin(yesterday), "trip_id"]
    rail_trips = trips.loc[trips["rail"], "trip_id"]
    freq, bad_rows = _frequency_table(frequencies)
    freq_trips = pd.Index(freq["trip_id"].unique())
    lo_s, hi_s = lo * 3600, hi * 3600
    totals: list[pd.Series] = []
    templates: list[pd.DataFrame] = []
    rail_stops: set[str] = set()
    untimed = 0
    columns = ("trip_id", "stop_id", "stop_sequence", "departure_time", "arrival_time", "pickup_type")
    for chunk in feed.chunks("stop_times.txt", columns, required=("trip_id", "stop_id")):
        rail_stops |= set(chunk.loc[chunk["trip_id"].isin(rail_trips), "stop_id"])
        repeated = chunk["trip_id"].isin(freq_trips)
        if repeated.any():
            # Template rows: their times only say how long after the first stop a stop is passed.
            templates.append(chunk[repeated])
        chunk = chunk[~repeated & (chunk["pickup_type"] != "1")]
        on_today = chunk["trip_id"].isin(trip_today)
        on_yesterday = chunk["trip_id"].isin(trip_yesterday)
        chunk = chunk[on_today | on_yesterday]
        on_today, on_yesterday = on_today[chunk.index], on_yesterday[chunk.index]
        secs = parse_gtfs_time(_time_of(chunk))
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
    facts = {
        "rows": len(freq) + bad_rows,
        "rows_unreadable": bad_rows,
        "exact_times_1": int((freq["exact"] == "1").sum()),
        "exact_times_0": int((freq["exact"] != "1").sum()),
        "template_trips": 0,
        "orphan_rows": 0,
        "departures": 0,
    }
    if len(freq):
        tmpl = pd.concat(templates, ignore_index=True) if templates else pd.DataFrame(columns=list(columns))
        offsets, n_untimed = _template_offsets(tmpl)
        known = set(offsets["trip_id"]) & set(trips["trip_id"])
        facts["template_trips"] = len(known)
        facts["orphan_rows"] = int((~freq["trip_id"].isin(known)).sum())
        freq = freq[freq["trip_id"].isin(known)]
        stop_rows = offsets[offsets["pickup_type"] != "1"]
        today_freq = freq[freq["trip_id"].isin(trip_today)]
        yesterday_freq = freq[freq["trip_id"].isin(trip_yesterday)]
        untimed += int(n_untimed.reindex(today_freq["trip_id"].unique()).fillna(0).sum())
        from_freq = frequency_departures(stop_rows, today_freq, lo_s, hi_s).add(
            frequency_departures(stop_rows, yesterday_freq, lo_s + 86400, hi_s + 86400), fill_value=0
        )
        facts["departures"] = int(from_freq.sum())
        totals.append(from_freq)
    counts = pd.concat(totals).groupby(level=0).sum() if totals else pd.Series(dtype=float)
    return counts.astype("int64"), rail_stops, untimed, facts


def _time_of(rows: pd.DataFrame) -> pd.Series:
    """The departure time of each stop_times row, the arrival time where it has none."""
    return rows["departure_time"].where(rows["departure_time"] != "", rows["arrival_time"])


def _template_offsets(templates: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Per template stop the seconds after the trip's first stop; untimed rows per trip.

    The first stop is the lowest stop_sequence with a time (the spec's "first stop of the
    trip"); rows without a time cannot be placed and are counted per trip.
    """
    secs = parse_gtfs_time(_time_of(templates))
    seq = pd.to_numeric(templates["stop_sequence"], errors="coerce")
    timed = templates.assign(secs=secs, seq=seq)[secs.notna()]
    first = timed.sort_values(["trip_id", "seq", "secs"], kind="stable").drop_duplicates("trip_id")
    base = first.set_index("trip_id")["secs"]
    out = pd.DataFrame(
        {
            "trip_id": timed["trip_id"].to_numpy(),
            "stop_id": timed["stop_id"].to_numpy(),
            "pickup_type": timed["pickup_type"].to_numpy(),
            "offset": (timed["secs"] - timed["trip_id"].map(base)).to_numpy(dtype=float),
        }
    )
    n_untimed = templates.loc[secs.isna(), "trip_id"].value_counts()
    return out, n_untimed


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
            "date": "dienstregelingsdatum JJJJ-MM-DD (--gtfs-date; standaard: de dinsdag met de meeste ritten)",
            "window": "tijdvenster in uren, standaard (7, 19)",
        },
    )
)
