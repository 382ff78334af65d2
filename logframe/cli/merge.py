"""Records of several sources in one time order: a streaming k-way merge, or a sort.

A merge holds a few batches of every source at once (about 15 MB a source, measured), a sort all the
matching records; so sources averaging at least :data:`MERGE_MIN_BYTES` are merged when each is in
time order -- a log file usually is -- and smaller or unordered ones sorted. Before a merge, one quick
pass reads only each source's times (and what a filter needs) to check their order; then Polars'
``merge_sorted`` (a balanced tree of two-way merges) streams the records, in memory that grows with
the number of sources, not their size. Records without a timestamp cannot take part in a merge: they
come after all the others, source by source (read in a second pass of the sources that have any). A
sort is stable and puts them last too. Records with the same time keep their sources' order.

Examples
--------
>>> import datetime as dt, polars as pl
>>> t = [dt.datetime(2025, 10, 7, 16, m, tzinfo=dt.UTC) for m in range(4)]
>>> a = pl.LazyFrame({"timestamp": [t[0], t[2], None], "line": [1, 2, 3]})
>>> b = pl.LazyFrame({"timestamp": [t[1], t[3]], "line": [1, 2]})
>>> merged, how = by_time([a, b], [MERGE_MIN_BYTES] * 2)
>>> merged.collect()["line"].to_list(), how
([1, 1, 2, 2, 3], 'merge')
>>> by_time([a, b], [1_000, 1_000])[1]
'sort'
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

MERGE_MIN_BYTES = 64 << 20
"""Average size of the sources (on disk) from which a merge is tried rather than a sort."""

_TIME = pl.col("timestamp")


def order_check(lf: pl.LazyFrame) -> pl.LazyFrame:
    """One row: whether the records' times never go back (those without one aside), and how many have none.

    Examples
    --------
    >>> import datetime as dt, polars as pl
    >>> t = [dt.datetime(2025, 10, 7, 16, m, tzinfo=dt.UTC) for m in range(3)]
    >>> order_check(pl.LazyFrame({"timestamp": [t[0], None, t[2]]})).collect().row(0)
    (True, 1)
    >>> order_check(pl.LazyFrame({"timestamp": [t[2], t[1]]})).collect().row(0)
    (False, 0)
    """
    forward = (_TIME.drop_nulls().diff().min() >= pl.duration(seconds=0)).fill_null(True)
    return lf.select(forward.alias("ordered"), _TIME.null_count().alias("untimed"))


def by_time(frames: Sequence[pl.LazyFrame], sizes: Sequence[int | None]) -> tuple[pl.LazyFrame, str]:
    """The records of ``frames`` in time order, and how: ``"merge"`` (streaming) or ``"sort"`` (in memory).

    ``sizes`` are the sources' sizes on disk (None when unknown, which counts as small).
    """
    sort = pl.concat(frames, how="vertical").sort("timestamp", nulls_last=True, maintain_order=True)
    if sum(size or 0 for size in sizes) < MERGE_MIN_BYTES * len(frames):
        return sort, "sort"
    checks = [tuple(frame.row(0)) for frame in pl.collect_all([order_check(lf) for lf in frames])]
    if not all(ordered for ordered, _ in checks):
        return sort, "sort"
    timed = [
        (lf.filter(_TIME.is_not_null()) if untimed else lf).set_sorted("timestamp")
        for lf, (_, untimed) in zip(frames, checks, strict=True)
    ]
    while len(timed) > 1:
        pairs = range(0, len(timed) - 1, 2)
        timed = [timed[i].merge_sorted(timed[i + 1], key="timestamp") for i in pairs] + timed[len(timed) & ~1 :]
    untimed_parts = [lf.filter(_TIME.is_null()) for lf, (_, untimed) in zip(frames, checks, strict=True) if untimed]
    return (pl.concat([timed[0], *untimed_parts], how="vertical") if untimed_parts else timed[0]), "merge"
