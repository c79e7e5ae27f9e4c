"""How old is the data? One rule for every layer: a peildatum older than two years is said out loud.

Loaders put the date their source was valid on into ``LoadResult.meta`` (``peildatum`` or a
source-specific key such as LV BAG's ``stand_datum``). :func:`data_date` reads it back and
:func:`age_warning` turns an old one into a counted warning. Outputs (app, PDF, exports) call
the same two functions, so every place says the same thing about the same file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from layers.result import LayerWarning, LoadResult

__all__ = ["DATA_DATE_KEYS", "MAX_AGE_YEARS", "age_warning", "data_date", "with_age_warning"]

# Meta keys that hold the date the data describes (first present wins). Not a GTFS service date
# (``date``) nor an IMRO plan's status date: those say something else than "how fresh".
DATA_DATE_KEYS: tuple[str, ...] = ("peildatum", "stand_datum", "data_date")
# Older than this many years gets a warning: BAG, OSM and CBS change every month, and a council
# document quoting a plot's surroundings should not rest on a picture of years ago.
MAX_AGE_YEARS = 2
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def _parse(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _ISO_DATE.match(str(value)) if value is not None else None
    if match is None:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def data_date(meta: Mapping[str, Any]) -> dt.date | None:
    """The peildatum in a loader's meta (see :data:`DATA_DATE_KEYS`), or None if it has none."""
    for key in DATA_DATE_KEYS:
        parsed = _parse(meta.get(key))
        if parsed is not None:
            return parsed
    return None


def age_warning(
    date: dt.date | str | None, *, today: dt.date | None = None, max_years: int = MAX_AGE_YEARS
) -> LayerWarning | None:
    """A ``peildatum`` warning when ``date`` lies more than ``max_years`` before ``today``."""
    when = _parse(date)
    if when is None:
        return None
    now = today or dt.date.today()
    years = (now - when).days / 365.25
    if years <= max_years:
        return None
    whole = int(years)
    return LayerWarning(
        code="peildatum_old",
        message=(
            f"Peildatum {when.isoformat()}: deze gegevens zijn {whole} jaar oud (ouder dan {max_years} jaar); "
            "controleer of er een recentere levering is voordat u de uitkomsten gebruikt."
        ),
        count=1,
    )


def with_age_warning(result: LoadResult, *, today: dt.date | None = None) -> LoadResult:
    """``result`` with a peildatum warning added when its data date is old (once)."""
    if any(w.code == "peildatum_old" for w in result.warnings):
        return result
    warning = age_warning(data_date(result.meta), today=today)
    if warning is None:
        return result
    return replace(result, warnings=(*result.warnings, warning))
