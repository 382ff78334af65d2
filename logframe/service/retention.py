"""Retention and archiving: day partitions wholly older than the window leave the store, safely.

For each such day, in order: (1) its rows are written to the archive as compressed Parquet under the
same partitioning (``<archive>/day=2025-10-07/part-0.parquet``, readable by ``logframe.scan``),
to a hidden temporary name (``.part-0.parquet.tmp``, which readers leave out) renamed into place;
(2) the archive file is read back and its row count checked against the table's; (3) only then are
the day's rows deleted from the table and the table vacuumed. A day that straddles the window's
boundary is kept. A crash at any point loses nothing: a re-run finds the archive already complete
for a day still in the table (and does not write it again) or the day already deleted. The clock is
a parameter (``now``), so tests can move it.

Examples
--------
>>> import datetime as dt, tempfile, logframe
>>> from logframe.service.store import open_store
>>> store = open_store(tempfile.mkdtemp())
>>> store.append(logframe.scan("sample_logs.txt").collect())
>>> now = dt.datetime(2025, 11, 20, tzinfo=dt.UTC)
>>> result = apply_retention(store, "30d", archive=tempfile.mkdtemp(), now=now)
>>> [(d["day"], d["rows"]) for d in result["archived"]]
[('2025-10-07', 134)]
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from logframe.service.store import PARTITION, Store
from logframe.timestamps import to_timedelta


def parse_keep(keep: str | dt.timedelta) -> dt.timedelta:
    """A retention window: a timedelta or ``"30d"``, ``"12h"``, ``"2w"``.

    Examples
    --------
    >>> parse_keep("30d")
    datetime.timedelta(days=30)
    """
    return to_timedelta(keep, "keep", units="hdw", what="retention window")


def expired_days(days: list[dt.date], keep: dt.timedelta, now: dt.datetime) -> list[dt.date]:
    """Days whose whole partition ``[day, day + 1)`` lies before ``now - keep``.

    Examples
    --------
    >>> now = dt.datetime(2025, 10, 9, 6, tzinfo=dt.UTC)
    >>> expired_days([dt.date(2025, 10, 7), dt.date(2025, 10, 8)], dt.timedelta(days=1), now)
    [datetime.date(2025, 10, 7)]
    """
    boundary = now - keep
    return sorted(d for d in days if dt.datetime.combine(d + dt.timedelta(days=1), dt.time(), dt.UTC) <= boundary)


def _archive_file(archive: str, day: dt.date) -> str:
    return f"{archive.rstrip('/')}/{PARTITION}={day.isoformat()}/part-0.parquet"


def _archived_rows(path: str) -> int | None:
    if "://" not in path and not os.path.exists(path):
        return None
    try:
        return int(pl.scan_parquet(path, hive_partitioning=False).select(pl.len()).collect().item())
    except (OSError, pl.exceptions.PolarsError):
        return None


def _write_archive(rows: pl.DataFrame, path: str) -> None:
    if "://" in path:
        rows.write_parquet(path, compression="zstd")  # an object appears whole or not at all
        return
    final = Path(path)
    final.parent.mkdir(parents=True, exist_ok=True)
    for leftover in final.parent.glob("*.tmp"):  # of a run killed while writing (hidden ones match too)
        leftover.unlink()
    # A hidden name: readers of the archive (logframe.scan of the directory) leave hidden files out,
    # so a run killed before the rename leaves nothing they would read.
    temporary = str(final.with_name(f".{final.name}.tmp"))
    rows.write_parquet(temporary, compression="zstd")
    with open(temporary, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def apply_retention(
    store: Store,
    keep: str | dt.timedelta,
    *,
    archive: str | None = None,
    now: dt.datetime | None = None,
    after_archive: Callable[[dt.date], None] | None = None,
) -> dict[str, Any]:
    """Archive (if ``archive``), verify, then delete the day partitions wholly older than ``keep``.

    ``after_archive`` is called after a day is archived and verified, before it is deleted (tests
    use it to crash there). Returns the days archived and deleted with their row counts.

    Raises
    ------
    RuntimeError
        If an archive file does not read back with the day's row count (the day is then kept).
    """
    window = parse_keep(keep)
    now = now or dt.datetime.now(dt.UTC)
    table = store._table()
    result: dict[str, Any] = {"keep": str(window), "archived": [], "deleted": []}
    if table is None:
        return result
    days = pl.scan_delta(table).select(pl.col(PARTITION).unique()).collect().to_series().drop_nulls().to_list()
    for day in expired_days(days, window, now):
        rows = pl.scan_delta(table).filter(pl.col(PARTITION) == day).collect()
        if archive is not None:
            path = _archive_file(archive, day)
            if _archived_rows(path) != rows.height:  # not yet archived (or an earlier run was cut short)
                _write_archive(rows.drop(PARTITION), path)
            archived = _archived_rows(path)
            if archived != rows.height:
                raise RuntimeError(f"archive {path} holds {archived} rows, the store {rows.height}: day {day} is kept")
            result["archived"].append({"day": day.isoformat(), "rows": rows.height, "path": path})
        if after_archive is not None:
            after_archive(day)
        table.delete(f"{PARTITION} = '{day.isoformat()}'")
        result["deleted"].append({"day": day.isoformat(), "rows": rows.height})
    # Always: a run cut short after its delete left files that only a vacuum removes.
    table.vacuum(retention_hours=0, enforce_retention_duration=False, dry_run=False)
    return result
