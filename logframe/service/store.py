"""The durable store: a Delta Lake table of records, partitioned by day (UTC).

The table holds the record schema of :mod:`logframe.schema` (``timestamp`` in microseconds, as Delta
stores times; ``level`` as text) plus ``ingest_time`` and the partition column ``day`` (the record's
UTC date, or the ingest date for a record without a time). One writer appends batches; each append
can carry a Delta *application transaction* (``app_id``, ``version``), which is how ingestion knows
what it already committed: a source's identity and how far it got (batch ingestion), or the last
write-ahead-log entry (the server). Reading prunes partitions by day and row groups by Parquet
statistics on ``timestamp``; those are the index.

Examples
--------
>>> import tempfile, logframe
>>> store = open_store(tempfile.mkdtemp())
>>> store.append(logframe.scan("sample_logs.txt").collect(), app_id="file:sample", version=147)
>>> store.scan().filter(level="ERROR").collect().height, store.committed("file:sample")
(45, 147)
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from logframe.errors import QueryError, SourceError
from logframe.frame import LogFrame
from logframe.parquet import records_report
from logframe.scan import Report
from logframe.schema import SCHEMA
from logframe.timestamps import to_utc

STORE_SCHEMA: dict[str, pl.DataType] = {
    **{name: dtype for name, dtype in SCHEMA.items() if name not in ("timestamp", "level")},
    "timestamp": pl.Datetime("us", "UTC"),
    "level": pl.String(),
    "ingest_time": pl.Datetime("us", "UTC"),
    "day": pl.Date(),
}
"""Columns of the Delta table."""

PARTITION = "day"


def _instant(value: str | dt.datetime | None, name: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return to_utc(value)
    except QueryError:
        raise SourceError(f"{name}={value!r} is not an ISO 8601 time such as '2025-10-07T16:00:00Z'") from None


def to_rows(records: pl.DataFrame, ingest_time: dt.datetime | None = None) -> pl.DataFrame:
    """Records in the record schema as rows of the table (adds ``ingest_time`` and ``day``)."""
    now = ingest_time or dt.datetime.now(dt.UTC)
    return (
        records.with_columns(
            pl.col("timestamp").dt.cast_time_unit("us"),
            pl.col("level").cast(pl.String),
            ingest_time=pl.lit(now, pl.Datetime("us", "UTC")),
        )
        .with_columns(day=pl.coalesce("timestamp", "ingest_time").dt.date())
        .select(list(STORE_SCHEMA))
    )


@dataclass
class Store:
    """A Delta table of log records under ``path`` (a directory or an object-storage URL)."""

    path: str
    storage_options: dict[str, str] = field(default_factory=dict)

    def _table(self) -> Any | None:
        from deltalake import DeltaTable

        if not DeltaTable.is_deltatable(self.path, storage_options=self.storage_options or None):
            return None
        return DeltaTable(self.path, storage_options=self.storage_options or None)

    def append(self, records: pl.DataFrame, *, app_id: str | None = None, version: int | None = None) -> None:
        """Commit ``records`` (record schema) in one transaction, with ``(app_id, version)`` if given."""
        from deltalake import CommitProperties, Transaction, write_deltalake

        properties = None
        if app_id is not None and version is not None:
            properties = CommitProperties(app_transactions=[Transaction(app_id, version)])
        rows = to_rows(records)
        write_deltalake(
            self.path,
            rows.to_arrow(),
            partition_by=[PARTITION],
            mode="append",
            storage_options=self.storage_options or None,
            commit_properties=properties,
        )

    def committed(self, app_id: str) -> int | None:
        """The last version committed under ``app_id`` (None if none)."""
        table = self._table()
        return None if table is None else table.transaction_version(app_id)

    def scan(self, start: str | dt.datetime | None = None, end: str | dt.datetime | None = None) -> LogFrame:
        """The records with ``start <= timestamp < end`` (either open) as a LogFrame, pruned by day.

        Records without a timestamp are included only when neither bound is given.
        """
        first, last = _instant(start, "start"), _instant(end, "end")
        if first and last and last <= first:
            raise SourceError(f"end ({last.isoformat()}) must be after start ({first.isoformat()})")
        table = self._table()
        lf = pl.LazyFrame(schema=STORE_SCHEMA) if table is None else pl.scan_delta(table)
        if first is not None:
            lf = lf.filter(pl.col(PARTITION) >= first.astimezone(dt.UTC).date(), pl.col("timestamp") >= first)
        if last is not None:
            lf = lf.filter(pl.col(PARTITION) <= last.astimezone(dt.UTC).date(), pl.col("timestamp") < last)
        records = lf.select([pl.col(name).cast(dtype) for name, dtype in SCHEMA.items()])
        return LogFrame(records, _StoreOrigin(self))

    def optimize(self, target_size: int | None = None) -> dict[str, Any]:
        """Compact small files into bigger ones (run on a schedule); Delta's metrics of the run."""
        table = self._table()
        if table is None:
            return {}
        metrics: dict[str, Any] = table.optimize.compact(target_size=target_size)
        return metrics

    def describe(self) -> dict[str, Any]:
        """Version, number of data files, partitions and records of the table."""
        table = self._table()
        if table is None:
            return {"store": self.path, "version": None, "files": 0, "partitions": 0, "records": 0}
        count = pl.scan_delta(table).select(pl.len()).collect().item()
        return {
            "store": self.path,
            "version": table.version(),
            "files": len(table.file_uris()),
            "partitions": len(table.partitions()),
            "records": count,
        }


@dataclass(frozen=True)
class _StoreOrigin:
    """The origin of a LogFrame read from a store (see :class:`logframe.frame.Origin`)."""

    store: Store

    def names(self) -> list[str]:
        return [f"store {self.store.path}"]

    def preview(self, max_bytes: int) -> pl.LazyFrame:
        return self.store.scan().lazy()  # a Delta scan reads only what the preview's head needs

    def report(self) -> Report:
        return records_report([self.store.path], lambda _: self.store.scan().lazy(), "delta", "the store's table")


def open_store(path: str | os.PathLike[str], storage_options: dict[str, str] | None = None) -> Store:
    """Open (or, on first append, create) the store at ``path``: a directory or an ``s3://`` URL.

    Examples
    --------
    >>> import tempfile
    >>> open_store(tempfile.mkdtemp()).scan().collect().height
    0
    """
    text = os.fspath(path)
    if "://" not in text:
        Path(text).mkdir(parents=True, exist_ok=True)
    return Store(text, dict(storage_options or {}))
