"""The durable store: a Delta Lake table of records, partitioned by day (UTC).

The table holds the record schema of :mod:`logframe.schema` (``timestamp`` in microseconds, as Delta
stores times; ``level`` as text) plus ``ingest_time`` and the partition column ``day`` (the record's
UTC date, or the ingest date for a record without a time). One writer appends batches; each append
can carry a Delta *application transaction* (``app_id``, ``version``), which is how ingestion knows
what it already committed: a source's identity and how far it got (batch ingestion), or the last
write-ahead-log entry (the server). Reading prunes partitions by day and row groups by Parquet
statistics on ``timestamp``; those are the index.

Every row also gets a ``record_id``, unique in the table and ordered: the append's batch (from its
``(app_id, version)``, which :meth:`Store.append` commits at most once, or a fresh time-ordered id)
and the row's position in it, ``<batch>:<row>``. Time and ``record_id`` are the order the HTTP API
pages on (line numbers restart in every batch and sources repeat, so they are not an identity).

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
import hashlib
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from logframe.dependencies import import_optional
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
    "record_id": pl.String(),
    "day": pl.Date(),
}
"""Columns of the Delta table."""

PARTITION = "day"

ROW_DIGITS = 10
"""Digits of the row number in a ``record_id`` (zero-padded, so ids sort in row order)."""


def batch_id(app_id: str | None = None, version: int | None = None) -> str:
    """The batch part of the ``record_id`` of an append: from ``(app_id, version)``, else fresh and time-ordered.

    Examples
    --------
    >>> batch_id("wal", 7)
    '27a75a1c9d8f-00000000000000000007'
    >>> batch_id() < batch_id()
    True
    """
    if app_id is not None and version is not None:
        return f"{hashlib.sha256(app_id.encode()).hexdigest()[:12]}-{version:020d}"
    return f"t{time.time_ns():020d}{secrets.token_hex(4)}"


def _instant(value: str | dt.datetime | None, name: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return to_utc(value)
    except QueryError:
        raise SourceError(f"{name}={value!r} is not an ISO 8601 time such as '2025-10-07T16:00:00Z'") from None


def to_rows(records: pl.DataFrame, ingest_time: dt.datetime | None = None, batch: str | None = None) -> pl.DataFrame:
    """Records in the record schema as rows of the table (adds ``ingest_time``, ``record_id`` and ``day``)."""
    now = ingest_time or dt.datetime.now(dt.UTC)
    row = pl.int_range(pl.len(), dtype=pl.Int64).cast(pl.String).str.zfill(ROW_DIGITS)
    return (
        records.with_columns(
            pl.col("timestamp").dt.cast_time_unit("us"),
            pl.col("level").cast(pl.String),
            ingest_time=pl.lit(now, pl.Datetime("us", "UTC")),
            record_id=pl.concat_str(pl.lit(f"{batch or batch_id()}:"), row),
        )
        .with_columns(day=pl.coalesce("timestamp", "ingest_time").dt.date())
        .select(list(STORE_SCHEMA))
    )


def _columns(table: Any) -> list[str]:
    return [f.name for f in table.schema().fields]


COMMIT_ATTEMPTS = 8
"""Tries of one :meth:`Store.append` that keeps losing commit races before its error is raised."""


@dataclass
class Store:
    """A Delta table of log records under ``path`` (a directory or an object-storage URL)."""

    path: str
    storage_options: dict[str, str] = field(default_factory=dict)
    commit_retries: int = field(default=0, compare=False)
    """Commits tried again after losing a race with another writer (see :meth:`append`)."""

    def _table(self) -> Any | None:
        import_optional("deltalake", "the store")
        from deltalake import DeltaTable
        from deltalake.exceptions import DeltaError, TableNotFoundError

        options = self.storage_options or None
        try:  # one load of the log (is_deltatable first would load it twice)
            return DeltaTable(self.path, storage_options=options)
        except TableNotFoundError:
            return None
        except DeltaError:  # e.g. a file where the table should be: is_deltatable says it as an OSError
            if not DeltaTable.is_deltatable(self.path, storage_options=options):
                return None
            raise

    def append(self, records: pl.DataFrame, *, app_id: str | None = None, version: int | None = None) -> None:
        """Commit ``records`` (record schema) in one transaction, with ``(app_id, version)`` if given.

        Appends under an application id are exactly once, as Delta's idempotent writes define them:
        if the table already records ``version`` (or a later one) for ``app_id``, nothing is written.
        One writer per ``app_id`` (the check and the commit are not one atomic step). A commit that
        loses a race with other writers of the table (``CommitFailedError``, once delta-rs's own
        retries are spent) is tried again on a fresh snapshot, with the check first, up to
        :data:`COMMIT_ATTEMPTS` times with jittered exponential backoff; :attr:`commit_retries` counts them.
        """
        import_optional("deltalake", "the store")
        from deltalake.exceptions import CommitFailedError

        for attempt in range(COMMIT_ATTEMPTS):
            try:
                self._append_once(records, app_id, version)
                return
            except CommitFailedError:
                if attempt == COMMIT_ATTEMPTS - 1:
                    raise
                self.commit_retries += 1
                time.sleep(min(2.0, 0.05 * 2**attempt) * (0.5 + secrets.randbelow(1000) / 1000))

    def _append_once(self, records: pl.DataFrame, app_id: str | None, version: int | None) -> None:
        from deltalake import CommitProperties, Transaction, write_deltalake

        table = self._table()
        properties = None
        if app_id is not None and version is not None:
            done = None if table is None else table.transaction_version(app_id)
            if done is not None and done >= version:
                return
            properties = CommitProperties(app_transactions=[Transaction(app_id, version)])
        rows = to_rows(records, batch=batch_id(app_id, version))
        write_deltalake(  # a Polars frame is an Arrow stream (PyCapsule interface): no pyarrow needed
            self.path if table is None else table,
            rows,
            partition_by=[PARTITION],
            mode="append",
            schema_mode=None if table is None or "record_id" in _columns(table) else "merge",  # gains the column
            storage_options=(self.storage_options or None) if table is None else None,
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
        return LogFrame(self.rows(start, end).drop("record_id"), _StoreOrigin(self))

    def rows(self, start: str | dt.datetime | None = None, end: str | dt.datetime | None = None) -> pl.LazyFrame:
        """Like :meth:`scan`, as a LazyFrame in the record schema plus each row's ``record_id``.

        Rows written before ``record_id`` existed get ``~<source>:<line>`` (unique only as far as
        that pair was).
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
        legacy = pl.concat_str(pl.lit("~"), pl.col("source"), pl.lit(":"), pl.col("line").cast(pl.String))
        if "record_id" not in lf.collect_schema().names():
            lf = lf.with_columns(record_id=pl.lit(None, pl.String))
        return lf.select(
            *[pl.col(name).cast(dtype) for name, dtype in SCHEMA.items()],
            pl.coalesce(pl.col("record_id"), legacy).alias("record_id"),
        )

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

    @property
    def live(self) -> bool:
        """A store keeps receiving records: relative windows end now."""
        return True

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
        try:
            Path(text).mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise SourceError(f"cannot open the store {text!r} (a directory): {error.strerror or error}") from None
    return Store(text, dict(storage_options or {}))
