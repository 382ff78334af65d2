"""Batch ingestion into a store: anything ``scan`` reads, idempotent, and ``follow`` for a growing file.

Each source has an identity (a file's real path, inode and a hash of its first line, which appending
does not change, so a file that grows stays the same source and a rotated file -- renamed away, or
copied and truncated -- is a new one; a URL or a source's name otherwise). Every commit records
``(identity, last line number committed)`` as a Delta application transaction; ingesting the same
source again reads that back and appends only the records after it, so nothing is duplicated, and a
file that has grown gets only its new records.

Examples
--------
>>> import tempfile, logframe
>>> from logframe.service import open_store
>>> store = open_store(tempfile.mkdtemp())
>>> [r["new_records"] for r in ingest("sample_logs.txt", store)]
[137]
>>> [r["new_records"] for r in ingest("sample_logs.txt", store)]  # again: nothing new
[0]
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from typing import Any

import polars as pl

from logframe.scan import Scan
from logframe.service.store import Store
from logframe.sources import FileSource, Source, SourceLike, expand

BATCH_ROWS = 100_000
"""Records committed at a time (each commit records how far the source got)."""

IDENTITY_BYTES = 4096
"""At most this much of a file's first line is hashed into its identity."""


def identity(source: Source) -> str:
    """A stable identity of a source: path, inode and first line for files, the name otherwise.

    Examples
    --------
    >>> from logframe.sources import expand
    >>> identity(expand("sample_logs.txt")[0]).startswith("file:")
    True
    """
    if isinstance(source, FileSource):
        with open(source.path, "rb") as handle:
            first = handle.readline(IDENTITY_BYTES)
            inode = os.fstat(handle.fileno()).st_ino
        return f"file:{os.path.realpath(source.path)}:{inode}:{hashlib.sha256(first).hexdigest()[:16]}"
    return f"source:{source.name}"


def ingest(
    source: SourceLike | Sequence[SourceLike], store: Store, *, format: str = "auto", batch_rows: int = BATCH_ROWS
) -> list[dict[str, Any]]:
    """Append the records of each source not yet in ``store``; one summary dict per source."""
    results = []
    for item in expand(source):
        app_id = identity(item)
        done = store.committed(app_id) or 0
        run = Scan.of([item], format).batches(predicate=pl.col("line") > done)
        pending = pl.DataFrame()
        new = 0
        for batch in run:
            pending = pl.concat([pending, batch]) if pending.width else batch
            while pending.height >= batch_rows:
                new += _commit(store, app_id, pending.head(batch_rows))
                pending = pending.slice(batch_rows)
        new += _commit(store, app_id, pending)
        skipped = dict(run.report.skipped) if run.report is not None else {}  # the pass above, accounted
        results.append(
            {
                "source": item.name,
                "identity": app_id,
                "already_committed_through_line": done,
                "new_records": new,
                "skipped": skipped,
            }
        )
    return results


def _commit(store: Store, app_id: str, frame: pl.DataFrame) -> int:
    if frame.is_empty():
        return 0
    store.append(frame, app_id=app_id, version=int(frame["line"].max()))  # type: ignore[arg-type]
    return frame.height


def follow(
    path: str | os.PathLike[str], store: Store, *, interval: float = 1.0, stop: threading.Event | None = None
) -> None:
    """Ingest ``path`` again every ``interval`` seconds until ``stop`` is set (a tail through rotation).

    A rotated file (new content at the same path) has a new identity, so it is read from its start.
    A record still being written when it is read (a traceback not yet complete) is committed as it was.
    """
    stop = stop or threading.Event()
    while not stop.is_set():
        if os.path.exists(path) and os.path.getsize(path) > 0:
            ingest(os.fspath(path), store)
        stop.wait(interval)
