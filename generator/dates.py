"""Dates and times: parse what people type, write them out in long Danish.

JSON case files carry ISO 8601 (``2026-11-24``, ``2026-11-24T10:30``); people at
a prompt also type ``24-11-2026``, ``24.11.2026`` and ``kl. 10.30``. Both parse
here, so the form validator and the prompts accept exactly the same things.
Documents show ``24. november 2026 kl. 10.30``: CLDR's Danish long date, written
from its month names here (``tests/test_dates_cldr.py`` compares them with Babel's
CLDR data); Babel's import and locale data took ~40 ms of every new process.
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime, time, timedelta
from typing import Any


#: The municipality's time zone; times with an offset are converted to it.
LOCAL_ZONE_NAME = "Europe/Copenhagen"

_DANISH_DATE = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")
_DANISH_TIME = re.compile(r"^(?:kl\.?\s*)?(\d{1,2})[.:](\d{2})$", re.IGNORECASE)


class DateParseError(ValueError):
    """A text that is not a valid date or time; the message is Danish."""


def parse_date(value: object) -> date:
    """Return a date from ISO (2026-11-24) or Danish (24-11-2026, 24.11.2026) text."""
    if isinstance(value, datetime):
        raise DateParseError("skal være en dato uden klokkeslæt, fx 2026-11-24")
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise DateParseError("skal være en dato, fx 2026-11-24")
    text = value.strip()
    match = _DANISH_DATE.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
    except ValueError as err:
        raise DateParseError("datoen findes ikke i kalenderen") from err
    raise DateParseError("er ikke en dato; skriv fx 2026-11-24 eller 24-11-2026")


def parse_datetime(value: object) -> datetime:
    """Return a local datetime from ISO (2026-11-24T10:30) or Danish (24-11-2026 kl. 10.30) text."""
    if isinstance(value, datetime):
        return _to_local(value)
    if not isinstance(value, str):
        raise DateParseError("skal være en dato med klokkeslæt, fx 2026-11-24T10:30")
    text = value.strip()
    date_part, _, time_part = text.replace("T", " ", 1).partition(" ")
    time_part = time_part.strip()
    if not time_part:
        raise DateParseError("mangler klokkeslæt; skriv fx 2026-11-24T10:30 eller 24-11-2026 kl. 10.30")
    day = parse_date(date_part)
    time_match = _DANISH_TIME.match(time_part)
    try:
        if time_match:
            hour, minute = (int(g) for g in time_match.groups())
            return datetime(day.year, day.month, day.day, hour, minute)
        parsed = datetime.fromisoformat(f"{day.isoformat()}T{time_part}")
    except ValueError as err:
        raise DateParseError("klokkeslættet findes ikke") from err
    return _to_local(parsed)


def parse_moment(value: object) -> date | datetime:
    """A moment as precise as it is known: a datetime with a time, else the day (a date).

    Facts people only know by the day ("informed on the 24th") are kept as a day,
    so no document shows a time nobody gave.
    """
    if isinstance(value, datetime):
        return _to_local(value)
    if isinstance(value, date):
        return value
    if isinstance(value, str) and not value.strip().replace("T", " ", 1).partition(" ")[2].strip():
        return parse_date(value)
    return parse_datetime(value)


#: The last second of a day: "now" for a run told which day it is (``--today``) but not the time.
END_OF_DAY = time(23, 59, 59)


def end_of_day(day: date) -> datetime:
    """The last moment of ``day``: nothing that happened on that day lies after it."""
    return datetime.combine(as_date(day), END_OF_DAY)


def _to_local(moment: datetime) -> datetime:
    """Drop the offset after converting to local time; the plan works in local time."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(_local_zone()).replace(tzinfo=None)


@functools.cache
def _local_zone():
    """The plan's time zone, loaded on the first time with an offset (zoneinfo: ~2 ms of a start)."""
    from zoneinfo import ZoneInfo

    return ZoneInfo(LOCAL_ZONE_NAME)


def as_date(value: date | datetime) -> date:
    """The calendar day of a date or datetime (for comparing the two)."""
    return value.date() if isinstance(value, datetime) else value


def long_date(value: date | datetime | None) -> str:
    """``24. november 2026``; an empty string for None."""
    if value is None:
        return ""
    return _long_date(as_date(value))


#: CLDR's Danish month names (format and stand-alone forms are the same, lower case).
MONTHS = ("januar", "februar", "marts", "april", "maj", "juni",
          "juli", "august", "september", "oktober", "november", "december")


def _long_date(day: date) -> str:
    # CLDR's Danish long date pattern, "d. MMMM y".
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def month_year(day: date) -> str:
    """``november 2026``: the month of ``day`` in Danish (tables by month)."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def long_datetime(value: date | datetime | None) -> str:
    """``24. november 2026 kl. 10.30``; a plain date stays a date."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        return long_date(value)
    return f"{long_date(value)} kl. {value.hour:02d}.{value.minute:02d}"  # %H.%M without strftime


def short_date(value: date | datetime | None) -> str:
    """``24.11.2026``, for tables where the long form is too wide."""
    if value is None:
        return ""
    return f"{as_date(value):%d.%m.%Y}"


def add_days(value: date | datetime, days: int) -> date:
    """The calendar day ``days`` after the day of ``value`` (a time of day is dropped)."""
    return as_date(value) + timedelta(days=days)


def add_hours(value: datetime, hours: int) -> datetime:
    """The moment ``hours`` after ``value``."""
    return value + timedelta(hours=hours)


def add_months(value: date, months: int) -> date:
    """The same day ``months`` later; a day the month lacks becomes its last day (31 Jan + 1 = 28 Feb)."""
    from dateutil.relativedelta import relativedelta  # imported when needed: most runs never are

    return as_date(value) + relativedelta(months=months)


def last_day_of_months(start: date, months: int) -> date:
    """The last day of a period of ``months`` months that begins on (and includes) ``start``.

    The period lapses when the same day-of-month comes round ``months`` later, so
    1 December 2026 + 12 months runs to 30 November 2027. When that day does not
    exist (31 January + 1 month) the period lapses on the 1st of the next month
    and its last day is the end of the shorter month (28 February).
    """
    start = as_date(start)
    same_day = add_months(start, months)
    if same_day.day < start.day:  # clamped to the month's end: the whole short month is inside
        return same_day
    return same_day - timedelta(days=1)


def to_json(value: Any) -> Any:
    """Normalised case data as JSON data: dates and times as ISO text (times to the minute)."""
    if value is None or type(value) is str:  # most of a case: no conversion to look for
        return value
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes" if not value.second and not value.microsecond else "seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    return value
