r"""Between the HTTP API and the store: parse a request body, log it durably, commit in the background.

:meth:`Pipeline.accept` parses a body with the same formats as ``scan`` (enriched with the source and
ingest time; levels and times normalised by the parser), appends the records to the write-ahead log
(fsynced) and only then returns the answer, so "accepted" means durable. A retried request with the
same idempotency key gets the first answer again and adds nothing. A committer thread moves log
entries into the store in order (see :mod:`logframe.service.wal`).

Examples
--------
>>> import tempfile
>>> from logframe.service.store import open_store
>>> pipeline = Pipeline(open_store(tempfile.mkdtemp()), tempfile.mkdtemp())
>>> pipeline.accept(b'{"log": "ERROR:app:down", "time": "2025-10-07T16:00:00Z"}\nnot json\n', source="t")["accepted"]
1
>>> pipeline.commit_pending(), pipeline.store.scan().collect()["level"].to_list()
(1, ['ERROR'])
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import polars as pl

from logframe.errors import LogframeError
from logframe.scan import Scan
from logframe.schema import SCHEMA
from logframe.service.store import Store
from logframe.service.wal import WriteAheadLog
from logframe.sources import BytesSource, Source

WAL_APP_ID = "wal"
"""The store's application transaction that records the last committed log entry."""

MAX_ERRORS = 5
"""Rejected lines quoted in an answer."""

OPTIMIZE_EVERY = 100
"""Commits between two compactions of the store's small files."""


class Pipeline:
    """Accepts bodies durably and commits them to ``store``; thread-safe."""

    def __init__(self, store: Store, wal_directory: str, on_commit: Callable[[float], None] | None = None) -> None:
        self.store = store
        self.on_commit = on_commit  # called with each commit's seconds (metrics)
        self.wal = WriteAheadLog(wal_directory)
        self._lock = threading.Lock()  # one writer of the log at a time
        self._commit_lock = threading.Lock()
        self.metrics: Counter[str] = Counter()
        self.last_error: str | None = None  # of the last commit, if it failed (shown by /health)
        self.answers: dict[str, dict[str, Any]] = {
            r["key"]: r["answer"] for r in self.wal.receipts() if r.get("key") is not None
        }
        for _, header, _ in self.wal.entries():
            if header.get("key") is not None:
                self.answers[header["key"]] = header["answer"]
        self.recover()

    # -- accepting ------------------------------------------------------------------------------

    def accept(self, body: bytes, *, source: str, format: str = "auto", key: str | None = None) -> dict[str, Any]:
        """Parse ``body`` (log lines), log its records durably, answer accepted/rejected counts.

        Raises
        ------
        LogframeError
            If ``format`` is unknown or a body's format cannot be detected.
        """
        if key is not None and key in self.answers:
            self.metrics["idempotent_replays"] += 1
            return {**self.answers[key], "replayed": True}
        records, answer = parse_body(body, source=source, format=format)
        with self._lock:
            if key is not None and key in self.answers:  # the same key, concurrently
                return {**self.answers[key], "replayed": True}
            self.wal.append(records, {"key": key, "answer": answer})
            if key is not None:
                self.answers[key] = answer
        self.metrics["records_accepted"] += answer["accepted"]
        self.metrics["records_rejected"] += answer["rejected"]
        return answer

    # -- committing -----------------------------------------------------------------------------

    def recover(self) -> None:
        """Finish entries the store already holds (after a crash); the rest wait for the committer."""
        committed = self.store.committed(WAL_APP_ID) or 0
        done = [header for seq, header, _ in self.wal.entries() if seq <= committed]
        self.wal.release(done)
        self.wal.last_seq = max(self.wal.last_seq, committed)

    def commit_pending(self, max_rows: int = 500_000) -> int:
        """Append pending entries to the store in one transaction; records committed."""
        with self._commit_lock:
            headers, frames, rows = [], [], 0
            for _, header, records in self.wal.entries():
                headers.append(header)
                frames.append(records)
                rows += records.height
                if rows >= max_rows:
                    break
            if not headers:
                return 0
            started = time.perf_counter()
            batch = pl.concat(frames, how="vertical_relaxed") if frames else pl.DataFrame()
            if batch.height:
                self.store.append(batch, app_id=WAL_APP_ID, version=headers[-1]["seq"])
            self.wal.release(headers)
            if self.on_commit is not None:
                self.on_commit(time.perf_counter() - started)
            self.metrics["records_committed"] += batch.height
            return batch.height

    def run_committer(
        self,
        stop: threading.Event,
        interval: float = 0.2,
        optimize_every: int = OPTIMIZE_EVERY,
        maintenance: Callable[[], None] | None = None,
        maintenance_every: float = 3600.0,
    ) -> None:
        """Commit pending entries every ``interval`` seconds until ``stop`` is set (then once more).

        Every ``optimize_every`` commits the store's small files are compacted (the server's
        commits are small: one per interval). ``maintenance`` (retention) runs every
        ``maintenance_every`` seconds in this same thread, so the store keeps a single writer.
        """
        commits = 0
        next_maintenance = time.monotonic()
        while not stop.wait(interval):
            if maintenance is not None and time.monotonic() >= next_maintenance:
                next_maintenance = time.monotonic() + maintenance_every
                try:
                    maintenance()
                except Exception as error:  # reported, retried at the next turn
                    self.metrics["maintenance_errors"] += 1
                    self.last_error = f"retention: {type(error).__name__}: {error}"
            try:
                if self.commit_pending():
                    commits += 1
                    if commits % optimize_every == 0:
                        self.store.optimize()
                        self.metrics["compactions"] += 1
                self.last_error = None
            except Exception as error:  # keep the entries and try again: a full disk may recover
                self.metrics["commit_errors"] += 1
                self.last_error = f"{type(error).__name__}: {error}"
        self.commit_pending()


def parse_body(body: bytes, *, source: str, format: str = "auto") -> tuple[pl.DataFrame, dict[str, Any]]:
    """Records of a body of log lines (or a JSON array of objects) and the answer about them."""
    stripped = body.lstrip()
    if stripped.startswith(b"["):
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError as error:
            raise LogframeError(f"the body starts like a JSON array but is not one: {error}") from None
        if not isinstance(items, list):
            raise LogframeError("a JSON body must be an array of log objects (or send NDJSON)")
        body = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items).encode()
    sources: list[Source] = [BytesSource(source, body)]
    scan = Scan.of(sources, format) if body.strip() else Scan(tuple(sources), (("cloudwatch", "empty body"),))
    run = scan.batches()
    records = pl.concat([*run, pl.DataFrame(schema=SCHEMA)], how="vertical_relaxed")
    report = run.report
    if report is None:  # pragma: no cover - a complete pass always has one
        raise LogframeError("the body was not read to its end")
    skipped = {reason: n for reason, n in report.skipped.items() if reason != "blank"}
    errors = sorted(
        (
            {"line": e["line"], "reason": reason, "text": e["text"]}
            for reason in skipped
            for e in report.examples[reason]
        ),
        key=lambda e: e["line"],
    )[:MAX_ERRORS]
    answer = {"accepted": records.height, "rejected": sum(skipped.values()), "errors": errors}
    return records, answer
