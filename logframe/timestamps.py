"""Times and durations as users give them, read like the times of log records.

The decoder (``decoder/src/timestamps.rs``) reads every spelling of a time that logs use, into
``Datetime("ns", "UTC")``; :func:`to_utc` reads a user's ``after=``/``before=`` values and query
times with the same parser, so a time that works in a log works in a filter:

- ISO 8601 with ``Z``, with an offset (``+01:00``, ``-08:00``, ``+0200``, ``+02``) or
  with ``UTC``/``GMT``; a space instead of ``T`` (and before the offset); with or
  without a fraction (``.`` or ``,``, up to nanoseconds); seconds may be omitted
  (``16:19Z``).
- A time with no zone is taken to be UTC.
- JavaScript's ``Date.toString()``: ``Thu Nov 14 2024 17:01:04 GMT+0200 (Israel Standard Time)``,
  also behind a ``Date`` prefix; ``GMT+0200`` is two hours *ahead* of UTC (15:01:04Z).
- Epoch numbers (or numeric strings): seconds, milliseconds, microseconds or
  nanoseconds, told apart by magnitude (below 1e11 is seconds, below 1e14
  milliseconds, below 1e17 microseconds, else nanoseconds).

In records, anything else (null, empty, unparseable, or a date outside 1677-09-21 .. 2262-04-11,
which nanoseconds cannot hold) becomes a null time; the record is kept and the report counts it.

Examples
--------
>>> [to_utc(t).isoformat() for t in ["2025-10-07T16:44:30-08:00", "2025-10-07 16:44:30+0200", "1759855470"]]
['2025-10-08T00:44:30+00:00', '2025-10-07T14:44:30+00:00', '2025-10-07T16:44:30+00:00']
"""

from __future__ import annotations

import datetime as dt
import re

from logframe import _native
from logframe.errors import QueryError

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


_TIME_OF_DAY = re.compile(r"(\d{1,2}):(\d{2})(:\d{2}(?:[.,]\d{1,9})?)?")
_TO_THE_MINUTE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def is_time_of_day(value: object) -> bool:
    """Whether ``value`` is a time of day with no date, such as ``"16:40"`` or ``"9:05:30"``.

    Examples
    --------
    >>> is_time_of_day("16:40"), is_time_of_day("2025-10-07 16:40"), is_time_of_day(5)
    (True, False, False)
    """
    return isinstance(value, str) and _TIME_OF_DAY.fullmatch(value.strip()) is not None


def to_utc(value: str | int | float | dt.datetime | dt.date, *, on: dt.date | None = None) -> dt.datetime:
    """Turn a user-given time (for ``after=``, ``before=`` and queries) into aware UTC.

    Strings and numbers are read exactly as the decoder reads the times of log
    records, and also to the minute with no zone (``"2025-10-07 16:40"``, UTC); a
    time of day (``"16:40"``) is that time, UTC, on the date ``on`` (a LogFrame
    passes the date of its newest record); a naive :class:`datetime.datetime` is
    taken to be UTC; a :class:`datetime.date` means its midnight UTC.

    Raises
    ------
    QueryError
        If the value cannot be read as a time, or is a time of day and ``on`` is not given.

    Examples
    --------
    >>> to_utc("2025-10-07T16:44:30-08:00").isoformat()
    '2025-10-08T00:44:30+00:00'
    >>> to_utc(dt.datetime(2025, 10, 7, 12)).isoformat()
    '2025-10-07T12:00:00+00:00'
    >>> to_utc("2025-10-07 16:40").isoformat(), to_utc("9:05", on=dt.date(2025, 10, 7)).isoformat()
    ('2025-10-07T16:40:00+00:00', '2025-10-07T09:05:00+00:00')
    """
    if isinstance(value, str):
        text = value.strip()
        day_time = _TIME_OF_DAY.fullmatch(text)
        if day_time:
            if on is None:
                raise QueryError(
                    f"{value!r} is a time of day with no date; give the date too ('2025-10-07 {text}') "
                    "or use LogFrame.filter(after=..., before=...), which takes the date of the newest record"
                )
            hour, minute, rest = day_time.groups()
            if int(hour) > 23 or int(minute) > 59:
                raise QueryError(f"cannot read {value!r} as a time of day: hours are 0-23 and minutes 0-59")
            value = f"{on.isoformat()}T{int(hour):02d}:{minute}{rest or ':00'}"
        elif _TO_THE_MINUTE.fullmatch(text):
            value = text + ":00"
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise QueryError(f"expected a time as an ISO string, epoch number or datetime, got {value!r}")
    ns = _native.parse_timestamp(str(value))
    if ns is None:
        raise QueryError(
            f"cannot read {value!r} as a time; use ISO 8601 such as '2025-10-07T16:00:00Z' "
            "or '2025-10-07 16:00:00+02:00', or epoch seconds/milliseconds"
        )
    return _EPOCH + dt.timedelta(microseconds=ns // 1000)


def iso_z(value: dt.datetime | None) -> str | None:
    """Format an aware datetime as ISO 8601 in UTC with a ``Z`` suffix.

    Examples
    --------
    >>> iso_z(dt.datetime(2025, 10, 7, 16, 0, tzinfo=dt.timezone.utc))
    '2025-10-07T16:00:00Z'
    >>> iso_z(dt.datetime(2025, 10, 7, 16, 0, 0, 250000, tzinfo=dt.timezone.utc))
    '2025-10-07T16:00:00.25Z'
    """
    if value is None:
        return None
    utc = value.astimezone(dt.UTC)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if utc.microsecond:
        text += f".{utc.microsecond:06d}".rstrip("0")
    return text + "Z"


_DURATION_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_DURATION_EXAMPLES = {"s": "30s", "m": "5m", "h": "12h", "d": "30d", "w": "2w"}


def to_timedelta(
    value: str | int | dt.timedelta,
    name: str,
    *,
    units: str = "smhdw",
    allow_zero: bool = False,
    what: str = "duration",
) -> dt.timedelta:
    """A user-given duration: a timedelta, or a number and one of ``units`` (``"30s"``, ``"5m"``, ``"2w"``).

    ``0`` is accepted only with ``allow_zero``; ``name`` and ``what`` word the error.

    Raises
    ------
    QueryError
        If the value is not such a duration, or is not positive (unless ``allow_zero``).

    Examples
    --------
    >>> to_timedelta("90m", "window")
    datetime.timedelta(seconds=5400)
    >>> to_timedelta("3d", "keep", units="hdw", what="retention window")
    datetime.timedelta(days=3)
    """
    if isinstance(value, dt.timedelta):
        span = value
    else:
        text = str(value).strip()
        number, unit = (text, "s") if text == "0" else (text[:-1], text[-1:])
        if isinstance(value, bool) or not number.isdigit() or unit not in units:
            examples = ", ".join(repr(_DURATION_EXAMPLES[u]) for u in units)
            raise QueryError(f"{name}={value!r} is not a {what}; use e.g. {examples} (units {', '.join(units)})")
        span = dt.timedelta(**{_DURATION_UNITS[unit]: int(number)})
    if span < dt.timedelta(0) or (span == dt.timedelta(0) and not allow_zero):
        raise QueryError(f"{name}={value!r} must be a positive {what}")
    return span
