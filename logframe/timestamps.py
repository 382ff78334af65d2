"""Timestamp parsing: many spellings in, one ``Datetime("ns", "UTC")`` out.

Accepted, in one column mixed freely:

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

Anything else (null, empty, unparseable) becomes null; the record is kept.

Parsing uses only literal string operations and fixed-format ``to_datetime``
calls, no regular expressions: it is the hot path of every time-based query.

Examples
--------
>>> import polars as pl
>>> from logframe.timestamps import parse_timestamp
>>> s = pl.Series(["2025-10-07T16:44:30-08:00", "2025-10-07 16:44:30+0200", "1759855470", "n/a"])
>>> pl.select(parse_timestamp(pl.lit(s))).to_series().dt.to_string("%Y-%m-%dT%H:%M:%SZ").to_list()
['2025-10-08T00:44:30Z', '2025-10-07T14:44:30Z', '2025-10-07T16:44:30Z', None]
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from logframe.errors import QueryError
from logframe.schema import TIMESTAMP_DTYPE

_WITH_ZONE = "%Y-%m-%dT%H:%M:%S%.f%#z"  # %#z: Z, +HH:MM, +HHMM or +HH
_NAIVE = "%Y-%m-%dT%H:%M:%S%.f"
_NO_SECONDS = "%Y-%m-%dT%H:%M%#z"
_JAVASCRIPT = "%a %b %d %Y %H:%M:%S GMT%z"  # Date.toString(): "Thu Nov 14 2024 17:01:04 GMT+0200 (…)"


def _iso(text: pl.Expr) -> pl.Expr:
    """ISO 8601 in its common spellings, without regular expressions (literal replaces only)."""
    upper = text.str.to_uppercase()
    canonical = (
        pl.concat_str(
            upper.str.slice(0, 10),
            upper.str.slice(10, 1).str.replace(" ", "T", literal=True),
            upper.str.slice(11).str.replace_all(" ", "", literal=True),
        )
        .str.replace(",", ".", literal=True, n=1)
        .str.strip_suffix("UTC")
        .str.strip_suffix("GMT")
    )
    return pl.coalesce(
        canonical.str.to_datetime(_WITH_ZONE, time_unit="ns", time_zone="UTC", strict=False),
        canonical.str.to_datetime(_NAIVE, time_unit="ns", strict=False).dt.replace_time_zone("UTC"),
        canonical.str.to_datetime(_NO_SECONDS, time_unit="ns", time_zone="UTC", strict=False),
    )


def _javascript(text: pl.Expr) -> pl.Expr:
    """JavaScript's ``Date.toString()``, with or without a leading ``Date`` and the zone's name."""
    core = text.str.strip_prefix("Date ").str.splitn(" (", 2).struct.field("field_0")
    return core.str.to_datetime(_JAVASCRIPT, time_unit="ns", time_zone="UTC", strict=False)


def _epoch_scale(magnitude: pl.Expr) -> pl.Expr:
    """Nanoseconds per unit for an epoch number of the given magnitude."""
    return (
        pl.when(magnitude < 1e11)
        .then(pl.lit(1_000_000_000, pl.Int64))
        .when(magnitude < 1e14)
        .then(pl.lit(1_000_000, pl.Int64))
        .when(magnitude < 1e17)
        .then(pl.lit(1_000, pl.Int64))
        .otherwise(pl.lit(1, pl.Int64))
    )


def _epoch(text: pl.Expr) -> pl.Expr:
    as_int = text.cast(pl.Int64, strict=False)
    as_float = text.cast(pl.Float64, strict=False)
    integer_ns = as_int * _epoch_scale(as_int.abs().cast(pl.Float64))
    # Fractions are rounded to whole microseconds, which float64 holds exactly for epoch times.
    micros = (as_float * _epoch_scale(as_float.abs()).cast(pl.Float64) / 1_000).round(0)
    float_ns = micros.cast(pl.Int64, strict=False) * 1_000
    finite = as_float.is_finite() & text.str.contains(".", literal=True)
    ns = pl.when(as_int.is_not_null()).then(integer_ns).when(finite).then(float_ns)
    return ns.cast(pl.Datetime("ns")).dt.replace_time_zone("UTC")


def parse_timestamp(expr: pl.Expr) -> pl.Expr:
    """Parse a String column of mixed timestamp spellings into UTC datetimes.

    Parameters
    ----------
    expr
        A String expression (numbers should be cast to String first).

    Returns
    -------
    pl.Expr
        A ``Datetime("ns", "UTC")`` expression; null where nothing parses.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"t": ["2025-10-07T16:19:05.5Z", "1759854000000", ""]})
    >>> df.select(parse_timestamp(pl.col("t"))).to_series().to_list()[0].isoformat()
    '2025-10-07T16:19:05.500000+00:00'
    """
    text = expr.cast(pl.String).str.strip_chars()
    return pl.coalesce(_iso(text), _epoch(text), _javascript(text)).cast(TIMESTAMP_DTYPE)


def to_utc(value: str | int | float | dt.datetime | dt.date) -> dt.datetime:
    """Turn a user-given time (for ``after=``, ``before=`` and queries) into aware UTC.

    Strings and numbers are read exactly as :func:`parse_timestamp` reads log
    records; a naive :class:`datetime.datetime` is taken to be UTC; a
    :class:`datetime.date` means its midnight UTC.

    Raises
    ------
    QueryError
        If the value cannot be read as a time.

    Examples
    --------
    >>> to_utc("2025-10-07T16:44:30-08:00").isoformat()
    '2025-10-08T00:44:30+00:00'
    >>> to_utc(dt.datetime(2025, 10, 7, 12)).isoformat()
    '2025-10-07T12:00:00+00:00'
    """
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise QueryError(f"expected a time as an ISO string, epoch number or datetime, got {value!r}")
    parsed = pl.select(parse_timestamp(pl.lit(str(value)))).item()
    if parsed is None:
        raise QueryError(
            f"cannot read {value!r} as a time; use ISO 8601 such as '2025-10-07T16:00:00Z' "
            "or '2025-10-07 16:00:00+02:00', or epoch seconds/milliseconds"
        )
    result: dt.datetime = parsed.astimezone(dt.UTC)
    return result


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
