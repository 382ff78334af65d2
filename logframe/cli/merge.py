"""Records of several sources in one time order: a streaming k-way merge when each source is in time order.

Each source's (filtered) records are first checked in one quick pass that reads only their times
(and what the filter needs). If every source is in time order -- a log file usually is -- their
records are merged by Polars' ``merge_sorted`` (a balanced tree of two-way merges), which streams:
memory stays at a few batches a source whatever the sources' sizes. Records without a timestamp
cannot take part in a merge; they come after all the others, source by source (read in a second
pass of the sources that have any). If some source is not in time order, all records are sorted
instead (a stable sort, in memory), with the same place for records without a timestamp.

Examples
--------
>>> import datetime as dt, polars as pl
>>> t = [dt.datetime(2025, 10, 7, 16, m, tzinfo=dt.UTC) for m in range(4)]
>>> a = pl.LazyFrame({"timestamp": [t[0], t[2], None], "line": [1, 2, 3]})
>>> b = pl.LazyFrame({"timestamp": [t[1], t[3]], "line": [1, 2]})
>>> merged, streamed = by_time([a, b])
>>> merged.collect()["line"].to_list(), streamed
([1, 1, 2, 2, 3], True)
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

_TIME = pl.col("timestamp")


def in_time_order(lf: pl.LazyFrame) -> tuple[bool, int]:
    """Whether the records' times never go back (records without one aside), and how many have none.

    Examples
    --------
    >>> import datetime as dt, polars as pl
    >>> t = [dt.datetime(2025, 10, 7, 16, m, tzinfo=dt.UTC) for m in range(3)]
    >>> in_time_order(pl.LazyFrame({"timestamp": [t[0], None, t[2]]}))
    (True, 1)
    >>> in_time_order(pl.LazyFrame({"timestamp": [t[2], t[1]]}))
    (False, 0)
    """
    forward = (_TIME.drop_nulls().diff().min() >= pl.duration(seconds=0)).fill_null(True)
    ordered, untimed = lf.select(forward.alias("ordered"), _TIME.null_count().alias("untimed")).collect().row(0)
    return bool(ordered), int(untimed)


def by_time(frames: Sequence[pl.LazyFrame]) -> tuple[pl.LazyFrame, bool]:
    """The records of ``frames`` in time order, and whether they stream (a merge) or not (a sort).

    Records with the same time keep the order of their sources; records without a time come last.
    """
    checks = [in_time_order(lf) for lf in frames]
    if not all(ordered for ordered, _ in checks):
        return pl.concat(frames, how="vertical").sort("timestamp", nulls_last=True, maintain_order=True), False
    timed = [
        (lf.filter(_TIME.is_not_null()) if untimed else lf).set_sorted("timestamp")
        for lf, (_, untimed) in zip(frames, checks, strict=True)
    ]
    while len(timed) > 1:
        pairs = range(0, len(timed) - 1, 2)
        timed = [timed[i].merge_sorted(timed[i + 1], key="timestamp") for i in pairs] + timed[len(timed) & ~1 :]
    untimed_parts = [lf.filter(_TIME.is_null()) for lf, (_, untimed) in zip(frames, checks, strict=True) if untimed]
    merged = pl.concat([timed[0], *untimed_parts], how="vertical") if untimed_parts else timed[0]
    return merged, True
