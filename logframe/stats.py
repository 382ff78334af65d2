"""Aggregations over records: the summary dict, counts by any keys, top values.

Each function takes a ``pl.LazyFrame`` in the record schema and runs one
streaming pass; results are small DataFrames (or a dict).

Examples
--------
>>> import datetime as dt, polars as pl
>>> from logframe.schema import SCHEMA
>>> lf = pl.LazyFrame(
...     {"level": ["ERROR", "INFO", "ERROR"], "container": ["api", "api", None],
...      "timestamp": [dt.datetime(2025, 10, 7, 16, tzinfo=dt.timezone.utc)] * 3},
...     schema={k: SCHEMA[k] for k in ("level", "container", "timestamp")})
>>> summary(lf)["by_level"]
{'INFO': 1, 'ERROR': 2}
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import polars as pl

from logframe.errors import QueryError
from logframe.query import resolve
from logframe.schema import LEVELS, SCHEMA
from logframe.timestamps import iso_z

UNKNOWN_LEVEL = "UNKNOWN"
"""The ``by_level`` key for records whose message names no level."""

UNKNOWN = "unknown"
"""The ``by_container`` key for records without a container."""

MISSING = "(none)"
"""The label of a group whose value is missing (null), in every chart and table that labels groups."""

AUTO = "auto"
"""``every=AUTO`` picks a bucket from :data:`NICE_EVERY` for the data's time span (see :func:`auto_every`)."""

NICE_EVERY = (
    *("1s", "2s", "5s", "10s", "15s", "30s"),
    *("1m", "2m", "5m", "10m", "15m", "30m"),
    *("1h", "2h", "3h", "6h", "12h", "1d"),
)
"""The buckets ``every="auto"`` chooses from, shortest first (charts here; ``logframe hist`` too)."""

AUTO_BUCKETS = (60, 150)
"""How many buckets ``every="auto"`` aims for: enough to see a shape, few enough to tell bars apart."""

_EVERY = re.compile(r"^(\d+(ns|us|ms|s|m|h|d|w|mo|q|y))+$")


def check_every(every: str, *, auto: bool = False) -> str:
    """Validate a Polars duration string such as ``"30s"``, ``"5m"``, ``"1h"`` (and ``"auto"`` if ``auto``).

    Raises
    ------
    QueryError
        If ``every`` is not such a duration; the message names the accepted forms.

    Examples
    --------
    >>> check_every("5m")
    '5m'
    >>> check_every("auto", auto=True)
    'auto'
    """
    if auto and every == AUTO:
        return every
    if not isinstance(every, str) or not _EVERY.match(every) or not re.search(r"[1-9]", every):
        chosen = f"'{AUTO}' (a bucket chosen for the time span) or " if auto else ""
        raise QueryError(
            f"every={every!r} is not a duration; use {chosen}a number and a unit: "
            "'30s', '5m', '1h', '1d' (units ns, us, ms, s, m, h, d, w, mo, q, y)"
        )
    return every


def auto_every(span: dt.timedelta | None) -> str:
    """The bucket of :data:`NICE_EVERY` that cuts ``span`` into closest to ~95 buckets (60-150).

    Closeness is a ratio to the geometric middle of :data:`AUTO_BUCKETS` (~95): 181 buckets (1.9
    times too many) beats 37 (2.6 times too few). Spans longer than 150 days get daily buckets;
    no span (no timestamps) gets ``"1m"``.

    Examples
    --------
    >>> import datetime as dt
    >>> [auto_every(dt.timedelta(**span)) for span in ({"hours": 1}, {"days": 1}, {"days": 30})]
    ['30s', '15m', '6h']
    >>> auto_every(dt.timedelta(0)), auto_every(None)
    ('1s', '1m')
    """
    if span is None:
        return "1m"
    low, high = AUTO_BUCKETS
    target = math.sqrt(low * high)

    def miss(every: str) -> float:
        return abs(math.log((span.total_seconds() / bucket_seconds(every) + 1) / target))

    return min(NICE_EVERY, key=miss)


def shortest_every(span: dt.timedelta, buckets: int) -> str:
    """The shortest step of :data:`NICE_EVERY` showing ``span`` in at most ``buckets`` buckets (else the longest).

    Examples
    --------
    >>> shortest_every(dt.timedelta(hours=1), 40), shortest_every(dt.timedelta(days=23), 2_000)
    ('2m', '30m')
    """
    seconds = span.total_seconds()
    for every in NICE_EVERY:
        if seconds // bucket_seconds(every) + 1 <= buckets:
            return every
    return NICE_EVERY[-1]


def time_span(lf: pl.LazyFrame) -> dt.timedelta | None:
    """Newest minus oldest timestamp (one min/max query), or ``None`` with no timestamps.

    Examples
    --------
    >>> import logframe
    >>> time_span(logframe.scan("sample_logs.txt").lazy())
    datetime.timedelta(seconds=3496, microseconds=771609)
    """
    span = lf.select(first=pl.col("timestamp").min(), last=pl.col("timestamp").max())
    first, last = span.collect(engine="streaming").row(0)
    return None if first is None or last is None else last - first


def resolve_every(lf: pl.LazyFrame, every: str) -> str:
    """``every`` checked, with ``"auto"`` replaced by :func:`auto_every` of the records' time span.

    Examples
    --------
    >>> import logframe
    >>> logs = logframe.scan("sample_logs.txt").lazy()
    >>> resolve_every(logs, "auto"), resolve_every(logs, "5m")
    ('30s', '5m')
    """
    if check_every(every, auto=True) == AUTO:
        return auto_every(time_span(lf))
    return every


def bucket(every: str) -> pl.Expr:
    """The start (UTC) of the time bucket of width ``every`` each record falls in."""
    return pl.col("timestamp").dt.truncate(check_every(every)).alias("bucket")


def summary(lf: pl.LazyFrame) -> dict[str, Any]:
    """Total, counts by level and by container, and the UTC time range, in one pass.

    Levels are listed least to most severe; containers most frequent first.
    """
    groups = (
        lf.group_by("level", "container")
        .agg(n=pl.len(), start=pl.col("timestamp").min(), end=pl.col("timestamp").max())
        .collect(engine="streaming")
    )
    # The groups are few (levels x containers): added up in Python, with no further Polars kernels
    # (each one pages in more of Polars' code, which is most of the peak memory).
    by_level: dict[str | None, int] = {}
    by_container: dict[str | None, int] = {}
    starts, ends = [], []
    for level, container, n, start, end in groups.iter_rows():
        by_level[level] = by_level.get(level, 0) + n
        by_container[container] = by_container.get(container, 0) + n
        starts += [start] if start is not None else []
        ends += [end] if end is not None else []
    ordered = {lvl: by_level[lvl] for lvl in LEVELS if lvl in by_level}
    if None in by_level:
        ordered[UNKNOWN_LEVEL] = by_level[None]
    containers = sorted(by_container.items(), key=lambda kv: (-kv[1], kv[0] is None, kv[0] or ""))
    return {
        "total": sum(by_level.values()),
        "by_level": ordered,
        "by_container": {(c if c is not None else UNKNOWN): n for c, n in containers},
        "time_range": {"start": iso_z(min(starts, default=None)), "end": iso_z(max(ends, default=None))},
    }


def count_by(lf: pl.LazyFrame, *by: str, every: str | None = None) -> pl.DataFrame:
    """Count records by columns and/or key-value fields, optionally per time bucket.

    With ``every`` (a duration or ``"auto"``), rows are ``bucket`` (UTC start), the keys and
    ``count``, sorted by bucket; without, the keys and ``count``, most frequent first.
    """
    keys = [resolve(name).alias(name) for name in by]
    if every is not None:
        grouped = lf.group_by(bucket(resolve_every(lf, every)), *keys).agg(count=pl.len())
        return grouped.sort(["bucket", *by], nulls_last=True).collect(engine="streaming")
    if not keys:
        return lf.select(count=pl.len()).collect(engine="streaming")
    grouped = lf.group_by(*keys).agg(count=pl.len())
    return grouped.sort(["count", *by], descending=[True, *[False] * len(by)], nulls_last=True).collect(
        engine="streaming"
    )


def top_values(lf: pl.LazyFrame, name: str, n: int = 10) -> pl.DataFrame:
    """The ``n`` most frequent values of a column or key-value field (nulls left out)."""
    if not isinstance(n, int) or n < 1:
        raise QueryError(f"n must be a positive integer, got {n!r}")
    value = resolve(name).alias(name)
    grouped = lf.select(value).drop_nulls().group_by(name).agg(count=pl.len())
    return grouped.sort(["count", name], descending=[True, False]).head(n).collect(engine="streaming")


ERROR_LEVELS = ("ERROR", "CRITICAL")
"""Levels counted as errors by :func:`error_rate`."""

Z_95 = 1.959963984540054
"""The normal quantile of a two-sided 95% interval."""


MAX_GRID = 5_000_000
"""Most rows a zero-filled time series may have (buckets × groups) before it is refused."""

_UNIT_SECONDS = {
    "ns": 1e-9,
    "us": 1e-6,
    "ms": 1e-3,
    "s": 1,
    "m": 60,
    "h": 3600,
    "d": 86400,
    "w": 604800,
    "mo": 28 * 86400,
    "q": 89 * 86400,
    "y": 365 * 86400,
}


def bucket_seconds(every: str) -> float:
    """The (shortest) length of a bucket in seconds, for sizing; calendar units count as their shortest."""
    return sum(float(n) * _UNIT_SECONDS[u] for n, u in re.findall(r"(\d+)(ns|us|ms|mo|s|m|h|d|w|q|y)", every))


def _zero_filled(agg: pl.DataFrame, every: str, by: list[str], counts: list[str]) -> pl.DataFrame:
    """Every bucket from the first to the last, for every group seen, with zero counts where empty."""
    if agg.is_empty():
        return agg
    first, last = agg.select(first=pl.col("bucket").min(), last=pl.col("bucket").max()).row(0)
    groups = agg.select(by).n_unique() if by else 1
    rows = ((last - first).total_seconds() / bucket_seconds(every) + 1) * groups
    if rows > MAX_GRID:
        raise QueryError(
            f"every={every!r} over {last - first} with {groups} group(s) makes ~{rows:,.0f} rows; "
            f"use a longer every= (or fewer groups) to stay under {MAX_GRID:,}"
        )
    buckets = pl.datetime_range(first, last, every, time_unit="ns", time_zone="UTC", eager=True).to_frame("bucket")
    grid = buckets.join(agg.select(by).unique(), how="cross") if by else buckets
    full = grid.join(agg, on=["bucket", *by], how="left", nulls_equal=True)
    return full.with_columns(pl.col(counts).fill_null(0)).sort([*by, "bucket"], nulls_last=True)


def _bucketed(
    lf: pl.LazyFrame, every: str, by: str | list[str] | None, **aggs: pl.Expr
) -> tuple[pl.DataFrame, list[str]]:
    names = [by] if isinstance(by, str) else list(by or [])
    keys = [resolve(name).alias(name) for name in names]
    every = resolve_every(lf, every)
    timed = lf.filter(pl.col("timestamp").is_not_null())
    agg = timed.group_by(bucket(every), *keys).agg(**aggs).collect(engine="streaming")
    return _zero_filled(agg, every, names, list(aggs)), names


def _records(weight: str | None) -> pl.Expr:
    """How many records the rows stand for: one each, or the sum of a ``weight`` column (a rollup's counts)."""
    return pl.len() if weight is None else pl.col(weight).sum()


def error_rate(
    lf: pl.LazyFrame, every: str = AUTO, by: str | list[str] | None = None, weight: str | None = None
) -> pl.DataFrame:
    """Errors (ERROR + CRITICAL) over all records per time bucket, with a 95% Wilson interval.

    ``every`` is a duration (``"5m"``) or ``"auto"``: a bucket from :data:`NICE_EVERY` giving about
    60-150 buckets over the records' time span (:func:`resolve_every`; one more quick pass).
    Columns: ``bucket`` (UTC start), the ``by`` keys, ``total``, ``errors``, ``rate``, ``rate_low``,
    ``rate_high``. Buckets between the first and last record with no records appear with zero
    counts, ``rate`` 0 and the uninformative interval [0, 1]. Records without a timestamp cannot
    be placed in a bucket and are left out. One streaming pass. With ``weight``, each row stands for
    that column's number of records (counts per bucket, as :mod:`logframe.rollup` keeps).

    Examples
    --------
    >>> import logframe, polars as pl
    >>> rates = logframe.scan("sample_logs.txt").error_rate(every="10m")
    >>> rates.select(pl.col("bucket").dt.strftime("%H:%M"), "total", "errors").rows()[-2:]
    [('16:40', 59, 49), ('16:50', 10, 0)]
    """
    failed = pl.col("level").is_in(ERROR_LEVELS)
    errors = failed.sum() if weight is None else pl.col(weight).filter(failed).sum()
    counts, names = _bucketed(lf, every, by, total=_records(weight).cast(pl.UInt32), errors=errors.cast(pl.UInt32))
    if counts.is_empty():
        rates = dict.fromkeys(["rate", "rate_low", "rate_high"], pl.Float64)
        keys = dict.fromkeys(names, pl.String)
        return pl.DataFrame(
            schema={"bucket": SCHEMA["timestamp"], **keys, "total": pl.UInt32, "errors": pl.UInt32, **rates}
        )
    return counts.select("bucket", *names, "total", "errors", **wilson())


def wilson(total: str = "total", errors: str = "errors") -> dict[str, pl.Expr]:
    """``rate``, ``rate_low`` and ``rate_high`` (95% Wilson score interval) from count columns.

    A bucket with no records has rate 0 and the uninformative interval [0, 1].

    Examples
    --------
    >>> import polars as pl
    >>> pl.DataFrame({"total": [4, 0], "errors": [1, 0]}).select(**wilson()).select(pl.all().round(4)).rows()
    [(0.25, 0.0456, 0.6994), (0.0, 0.0, 1.0)]
    """
    n, k, z2 = pl.col(total).cast(pl.Float64), pl.col(errors).cast(pl.Float64), Z_95**2
    p = k / n
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z_95 * ((p * (1 - p) / n + z2 / (4 * n * n)).sqrt()) / (1 + z2 / n)
    empty = pl.col(total) == 0
    return {
        "rate": pl.when(empty).then(0.0).otherwise(p),
        "rate_low": pl.when(empty).then(0.0).otherwise((centre - half).clip(0.0, 1.0)),
        "rate_high": pl.when(empty).then(1.0).otherwise((centre + half).clip(0.0, 1.0)),
    }


def counts(
    lf: pl.LazyFrame, every: str = AUTO, by: str | list[str] | None = "level", weight: str | None = None
) -> pl.DataFrame:
    """Records per time bucket and group, with empty buckets inside the range as zero (no gaps).

    ``every`` is a duration or ``"auto"``, and ``weight`` a column of record counts, as for :func:`error_rate`.

    Examples
    --------
    >>> import logframe, polars as pl
    >>> counts = logframe.scan("sample_logs.txt").counts(every="30m", by="level")
    >>> counts.filter(level="CRITICAL").select(pl.col("bucket").dt.strftime("%H:%M"), "count").rows()
    [('16:00', 0), ('16:30', 4)]
    """
    result, names = _bucketed(lf, every, by, count=_records(weight).cast(pl.UInt32))
    return result.select("bucket", *names, "count")
