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

import re
from typing import Any

import polars as pl

from logframe.errors import QueryError
from logframe.query import resolve
from logframe.schema import LEVELS
from logframe.timestamps import iso_z

UNKNOWN_LEVEL = "UNKNOWN"
"""The ``by_level`` key for records whose message names no level."""

UNKNOWN = "unknown"
"""The ``by_container`` key for records without a container."""

_EVERY = re.compile(r"^(\d+(ns|us|ms|s|m|h|d|w|mo|q|y))+$")


def check_every(every: str) -> str:
    """Validate a Polars duration string such as ``"30s"``, ``"5m"``, ``"1h"``.

    Examples
    --------
    >>> check_every("5m")
    '5m'
    """
    if not isinstance(every, str) or not _EVERY.match(every) or not re.search(r"[1-9]", every):
        raise QueryError(
            f"every={every!r} is not a duration; use a number and a unit: "
            "'30s', '5m', '1h', '1d' (units ns, us, ms, s, m, h, d, w, mo, q, y)"
        )
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
    by_level = {str(k): int(v) for k, v in groups.group_by("level").agg(pl.col("n").sum()).iter_rows()}
    ordered = {lvl: by_level[lvl] for lvl in LEVELS if lvl in by_level}
    if "None" in by_level:
        ordered[UNKNOWN_LEVEL] = by_level["None"]
    by_container = (
        groups.group_by("container").agg(pl.col("n").sum()).sort(["n", "container"], descending=[True, False])
    )
    return {
        "total": int(groups["n"].sum()),
        "by_level": ordered,
        "by_container": {(c if c is not None else UNKNOWN): int(n) for c, n in by_container.iter_rows()},
        "time_range": {"start": iso_z(groups["start"].min()), "end": iso_z(groups["end"].max())},  # type: ignore[arg-type]
    }


def count_by(lf: pl.LazyFrame, *by: str, every: str | None = None) -> pl.DataFrame:
    """Count records by columns and/or key-value fields, optionally per time bucket.

    With ``every``, rows are ``bucket`` (UTC start), the keys and ``count``, sorted
    by bucket; without, the keys and ``count``, most frequent first.
    """
    keys = [resolve(name).alias(name) for name in by]
    if every is not None:
        grouped = lf.group_by(bucket(every), *keys).agg(count=pl.len())
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
