"""Counts of records per time bucket, level and container, kept with a cache entry for the time charts.

A chart of a month of logs from the cache (``error_rate``, ``counts``, ``logs.plot.*``) groups every
record by its bucket: 2M records are ~0.1 s a chart, most of it reading the timestamps. The records'
counts per ``(bucket, level, container)`` at a bucket well under what a chart uses answer the same
question from a few thousand rows. :func:`build` makes them as an entry is written (at the shortest
bucket of :data:`logframe.stats.NICE_EVERY` giving at most :data:`BUCKETS` buckets over the span);
:func:`serves` says which queries they answer exactly: those grouping by level and/or container (or
nothing), at a bucket whose boundaries are all boundaries of the rollup's (its length a multiple of
the rollup's, or a calendar unit of days or more, as every rollup bucket divides a day). Any other
query reads the records.

Examples
--------
>>> import datetime as dt, polars as pl
>>> from logframe.schema import SCHEMA
>>> t = dt.datetime(2025, 10, 7, 16, tzinfo=dt.UTC)
>>> records = pl.LazyFrame({"timestamp": [t, t + dt.timedelta(minutes=3), None], "level": ["ERROR", "INFO", "INFO"],
...                         "container": ["api", "api", None]}, schema={k: SCHEMA[k] for k in COLUMNS})
>>> every, counts = build(records, dt.timedelta(hours=1))
>>> every, counts.sort("level").rows()[0][1:]
('2s', ('INFO', 'api', 1))
>>> serves(every, "1m", ["container"]), serves(every, "1m", ["pod"]), serves(every, "3s", [])
(True, False, False)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import polars as pl

from logframe import stats

COLUMNS = ("timestamp", "level", "container")
"""What a rollup row is keyed by: the bucket's start (as ``timestamp``), the level and the container."""

WEIGHT = "records"
"""The rollup's column of how many records each row stands for."""

BUCKETS = 2_000
"""At most this many rollup buckets over an entry's span (a chart draws 60-150)."""

MAX_ROWS = 50_000
"""A rollup with more rows (many containers) is not kept: it would not be much smaller than the records."""

_CALENDAR = re.compile(r"^\d+(d|w|mo|q|y)$")
"""Buckets whose boundaries are midnights (UTC), which every rollup bucket's boundaries include."""


def build(records: pl.LazyFrame, span: dt.timedelta) -> tuple[str, pl.DataFrame] | None:
    """The rollup of ``records`` (one streaming pass) and its bucket, or None if it has over :data:`MAX_ROWS` rows."""
    every = stats.shortest_every(span, BUCKETS)
    counts = (
        records.filter(pl.col("timestamp").is_not_null())
        .group_by(pl.col("timestamp").dt.truncate(every), "level", "container")
        .agg(pl.len().cast(pl.UInt32).alias(WEIGHT))
        .collect(engine="streaming")
    )
    return None if counts.height > MAX_ROWS else (every, counts)


def serves(rollup_every: str, every: str, by: Sequence[str]) -> bool:
    """Whether a rollup at ``rollup_every`` answers a count per ``every`` bucket by ``by`` exactly."""
    if not set(by) <= {"level", "container"}:
        return False
    if _CALENDAR.match(every):
        return True
    length, unit = stats.bucket_seconds(every), stats.bucket_seconds(rollup_every)
    return length >= unit and length % unit == 0
