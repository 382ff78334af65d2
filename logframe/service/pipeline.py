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

import datetime as dt
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl

from logframe.errors import LogframeError
from logframe.scan import Scan
from logframe.schema import SCHEMA
from logframe.service.jobs import Jobs
from logframe.service.store import Store
from logframe.service.wal import WriteAheadLog
from logframe.sources import BytesSource, Source

WAL_APP_ID = "wal"
"""The store's application transaction that records the last committed log entry: ``wal:<node id>`` for
each write-ahead log (so several servers, each with its own log, can share one table), plain ``wal``
for a log written before node ids."""

MAX_ERRORS = 5
"""Rejected lines quoted in an answer."""

OPTIMIZE_EVERY = 100
"""Commits between two compactions of the store's small files."""

MAX_KEY_LENGTH = 200
"""Longest idempotency key accepted, characters (a UUID is 36)."""

KEY_WINDOW = dt.timedelta(hours=24)
"""How long an idempotency key is remembered after its first request (``serve --idempotency-window``)."""


def check_key(key: str | None) -> None:
    """Refuse an idempotency key that is empty, longer than :data:`MAX_KEY_LENGTH` or not printable ASCII.

    Examples
    --------
    >>> check_key("batch-42")
    >>> check_key("")
    Traceback (most recent call last):
    ...
    logframe.errors.LogframeError: Idempotency-Key is empty: send a key (at most 200 characters) or no header
    """
    if key is None:
        return
    if not key.strip():
        raise LogframeError(f"Idempotency-Key is empty: send a key (at most {MAX_KEY_LENGTH} characters) or no header")
    if len(key) > MAX_KEY_LENGTH:
        raise LogframeError(f"Idempotency-Key is {len(key)} characters long; at most {MAX_KEY_LENGTH} (a UUID is 36)")
    if not (key.isascii() and key.isprintable()):
        raise LogframeError("Idempotency-Key must be printable ASCII (letters, digits, '-', ...)")


@dataclass(frozen=True)
class Receipt:
    """What an idempotency key was answered: the log entry, the answer, when it was first sent (epoch s)."""

    seq: int
    answer: dict[str, Any]
    at: float


class Pipeline:
    """Accepts bodies durably and commits them to ``store``; thread-safe.

    An idempotency key is remembered for ``key_window`` after its first request (a retry after that
    is a new batch); ``clock`` gives the time in epoch seconds (tests move it).
    """

    def __init__(
        self,
        store: Store,
        wal_directory: str,
        on_commit: Callable[[float], None] | None = None,
        *,
        key_window: dt.timedelta = KEY_WINDOW,
        clock: Callable[[], float] = time.time,
        exclusive: bool = False,
    ) -> None:
        self.store = store
        self.on_commit = on_commit  # called with each commit's seconds (metrics)
        self.key_window, self.clock = key_window, clock
        self.wal = WriteAheadLog(wal_directory, exclusive=exclusive)
        self.app_id = f"{WAL_APP_ID}:{self.wal.node_id}" if self.wal.node_id else WAL_APP_ID
        self._lock = threading.Lock()  # one writer of the log at a time
        self._commit_lock = threading.Lock()
        self._committed_changed = threading.Condition()
        self.metrics: Counter[str] = Counter()
        self.jobs = Jobs(["commit", "compaction", "receipts"])  # statuses of the background jobs (/health)
        self._unsure = True  # whether only the store knows what it holds (see _committed)
        self._through = 0  # the last entry in the store (record-less entries, which add no version, too)
        now = self.clock()
        self.answers: dict[str, Receipt] = {}
        for r in self.wal.receipts():
            if r.get("key") is not None:
                self.answers[r["key"]] = Receipt(int(r["seq"]), r["answer"], float(r.get("at") or now))
        for seq, header, _ in self.wal.entries():
            if header.get("key") is not None:
                self.answers[header["key"]] = Receipt(seq, header["answer"], float(header.get("at") or now))
        self._forget(now)
        self.recover()

    # -- accepting ------------------------------------------------------------------------------

    def accept(self, body: bytes, *, source: str, format: str = "auto", key: str | None = None) -> dict[str, Any]:
        """Parse ``body`` (log lines), log its records durably, answer accepted/rejected counts.

        Raises
        ------
        LogframeError
            If ``format`` is unknown, a body's format cannot be detected or ``key`` is not a usable
            idempotency key (see :func:`check_key`).
        """
        return self.submit(body, source=source, format=format, key=key)[1]

    def submit(
        self, body: bytes, *, source: str, format: str = "auto", key: str | None = None
    ) -> tuple[int, dict[str, Any]]:
        """Like :meth:`accept`, also giving the log entry's sequence number (to wait for its commit)."""
        check_key(key)
        known = self._replay(key)
        if known is not None:
            return known
        try:
            records, answer = parse_body(body, source=source, format=format)
        except (pl.exceptions.PolarsError, pl.exceptions.PanicException) as error:  # a parser defect on odd input
            first = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise LogframeError(f"the parser could not read this body ({first}); nothing was accepted") from None
        with self._lock:
            known = self._replay(key)  # the same key, concurrently
            if known is not None:
                return known
            now = self.clock()
            seq = self.wal.append(records, {"key": key, "answer": answer, "at": now})
            if key is not None:
                self.answers[key] = Receipt(seq, answer, now)
        self.metrics["records_accepted"] += answer["accepted"]
        self.metrics["records_rejected"] += answer["rejected"]
        return seq, answer

    def _replay(self, key: str | None) -> tuple[int, dict[str, Any]] | None:
        receipt = None if key is None else self.answers.get(key)
        if receipt is None or receipt.at < self.clock() - self.key_window.total_seconds():
            return None
        self.metrics["idempotent_replays"] += 1
        return receipt.seq, {**receipt.answer, "replayed": True}

    def _forget(self, now: float) -> list[str]:
        expired = [k for k, r in self.answers.items() if r.at < now - self.key_window.total_seconds()]
        for key in expired:
            del self.answers[key]
        return expired

    def forget_expired_keys(self) -> int:
        """Drop idempotency keys older than ``key_window``, in memory and in ``receipts.jsonl``; how many."""
        with self._commit_lock, self._lock:
            expired = self._forget(self.clock())
            live = {(key, receipt.seq) for key, receipt in self.answers.items()}
            self.wal.compact_receipts(lambda r: (r.get("key"), r.get("seq")) in live)
        return len(expired)

    def is_committed(self, seq: int) -> bool:
        """Whether log entry ``seq`` is in the store (visible to queries)."""
        return self._through >= seq

    def wait_committed(self, seq: int, timeout: float) -> bool:
        """Wait until log entry ``seq`` is in the store (visible to queries); False after ``timeout`` seconds."""
        with self._committed_changed:
            return self._committed_changed.wait_for(lambda: self._through >= seq, timeout)

    def _advance(self, seq: int) -> None:
        with self._committed_changed:
            self._through = max(self._through, seq)
            self._committed_changed.notify_all()

    # -- committing -----------------------------------------------------------------------------

    def _committed(self) -> int:
        """The last log entry the store holds: remembered after a clean commit, else read from the store."""
        if self._unsure:
            self._advance(self.store.committed(self.app_id) or 0)
            self._unsure = False
        return self._through

    def recover(self) -> None:
        """Finish entries the store already holds (after a crash); the rest wait for the committer."""
        self._unsure = True
        committed = self._committed()
        done = [header for seq, header, _ in self.wal.entries() if seq <= committed]
        self.wal.release(done)
        self.wal.last_seq = max(self.wal.last_seq, committed)

    def commit_pending(self, max_rows: int = 500_000) -> int:
        """Append pending entries to the store in one transaction; records committed.

        The store is the source of truth for what is committed: an entry it already holds (its
        sequence number at most the store's ``wal`` application transaction) is only released, never
        appended again, so a commit is exactly once whatever fails after it (the receipts write, the
        deletion of the entries, the process). A failure after the append is raised (and retried by
        the committer) but the records stay committed once.
        """
        with self._commit_lock:
            committed = self._committed()
            done, headers, frames, rows = [], [], [], 0
            for seq, header, records in self.wal.entries():
                if seq <= committed:  # in the store already: a release that failed, or a crash before it
                    done.append(header)
                    continue
                headers.append(header)
                frames.append(records)
                rows += records.height
                if rows >= max_rows:
                    break
            if not headers and not done:
                return 0
            started = time.perf_counter()
            batch = pl.concat(frames, how="vertical_relaxed") if frames else pl.DataFrame()
            if headers:
                self._unsure = True  # until the append has answered, only the store knows
                if batch.height:
                    self.store.append(batch, app_id=self.app_id, version=headers[-1]["seq"])
                self._unsure = False
                self._advance(headers[-1]["seq"])
                self.metrics["records_committed"] += batch.height
                if self.on_commit is not None:
                    self.on_commit(time.perf_counter() - started)
            self.wal.release(done + headers)
            return batch.height

    def run_committer(
        self,
        stop: threading.Event,
        interval: float = 0.2,
        optimize_every: int = OPTIMIZE_EVERY,
        maintenance: Callable[[], None] | None = None,
        maintenance_every: float = 3600.0,
        forget_every: float = 60.0,
    ) -> None:
        """Commit pending entries every ``interval`` seconds until ``stop`` is set (then once more).

        Every ``optimize_every`` commits the store's small files are compacted (the server's
        commits are small: one per interval). ``maintenance`` (retention) runs every
        ``maintenance_every`` seconds in this same thread, so the store keeps a single writer. Expired
        idempotency keys are forgotten every ``forget_every`` seconds.
        """
        commits = 0
        next_maintenance = next_forget = time.monotonic()
        while not stop.wait(interval):
            if time.monotonic() >= next_forget:
                next_forget = time.monotonic() + forget_every
                self._run_job("receipts", self.forget_expired_keys)
            if maintenance is not None and time.monotonic() >= next_maintenance:
                next_maintenance = time.monotonic() + maintenance_every
                self._run_job("retention", maintenance)
            if self.wal.depth and self._run_job("commit", self.commit_pending)[1]:
                commits += 1
                if commits % optimize_every == 0 and self._run_job("compaction", self.store.optimize)[0]:
                    self.metrics["compactions"] += 1
        if self.wal.depth:
            self._run_job("commit", self.commit_pending)  # once more on the way out

    def _run_job(self, name: str, job: Callable[[], Any]) -> tuple[bool, Any]:
        """Run one background job, recording its status: (succeeded, its result); a failure is retried later."""
        try:
            result = job()
        except (
            Exception,
            pl.exceptions.PanicException,
        ) as error:  # keep going: a full disk or a dead store may recover
            if name == "commit":
                self.metrics["commit_errors"] += 1
            self.jobs.failed(name, error)
            return False, None
        self.jobs.succeeded(name)
        return True, result


def parse_body(body: bytes, *, source: str, format: str = "auto") -> tuple[pl.DataFrame, dict[str, Any]]:
    """Records of a body of log lines (or a JSON array of objects) and the answer about them."""
    stripped = body.lstrip()
    if stripped.startswith(b"["):
        try:
            items = json.loads(stripped.decode("utf-8"))
            # ASCII with escapes: a lone surrogate (\ud800) stays an escape, read as in an NDJSON line
            lines = "".join(json.dumps(item) + "\n" for item in items) if isinstance(items, list) else None
        except json.JSONDecodeError as error:
            raise LogframeError(f"the body starts like a JSON array but is not one: {error}") from None
        except UnicodeDecodeError as error:
            raise LogframeError(f"a JSON body must be UTF-8 text: {error}") from None
        except RecursionError:
            raise LogframeError("the JSON body nests too deeply; send one flat object a record (NDJSON)") from None
        if lines is None:
            raise LogframeError("a JSON body must be an array of log objects (or send NDJSON)")
        body = lines.encode()
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
