"""One status per background job of the server (commit, compaction, retention, alerts, receipts).

Each job keeps its own counters, last run, last success and last error, so a failing retention run
stays visible however many good commits follow (``/health`` and the ``logframe_job_*`` Prometheus
metrics read them). Failures are logged on the ``logframe.service`` logger: the first of a streak at
once, the same error again at most every :data:`REPEAT_LOG_SECONDS` with how often it happened, and
the recovery.

Examples
--------
>>> jobs = Jobs(["commit", "retention"])
>>> jobs.succeeded("commit"); jobs.failed("retention", OSError("disk full"))
>>> jobs.failing()
['retention']
>>> jobs.as_dict()["retention"]["last_error"]
'OSError: disk full'
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

log = logging.getLogger("logframe.service")

REPEAT_LOG_SECONDS = 10.0
"""A job failing again with the same error is logged at most this often (with the count meanwhile)."""


@dataclass
class JobStatus:
    """What one background job did: runs and failures (counters), when, and its last error."""

    runs: int = 0
    failures: int = 0
    last_run: float | None = None  # epoch seconds of the last run's end
    last_success: float | None = None
    last_error: str | None = None  # of the last run; None once a run succeeds
    last_error_at: float | None = None
    failing_since: float | None = None
    consecutive_failures: int = 0
    _unlogged: int = 0
    _logged_at: float = 0.0


class Jobs:
    """The statuses of named jobs; thread-safe (jobs run in their own threads)."""

    def __init__(self, names: Iterable[str], clock: Any = time.time) -> None:
        self._lock = threading.Lock()
        self.clock = clock
        self.status: dict[str, JobStatus] = {name: JobStatus() for name in names}

    def succeeded(self, name: str) -> None:
        """Record a good run of ``name``."""
        with self._lock:
            status = self.status.setdefault(name, JobStatus())
            now = self.clock()
            if status.last_error is not None:
                log.info("%s: working again after %d failed run(s)", name, status.consecutive_failures)
            status.runs, status.last_run, status.last_success = status.runs + 1, now, now
            status.last_error, status.failing_since, status.consecutive_failures, status._unlogged = None, None, 0, 0

    def failed(self, name: str, error: BaseException) -> None:
        """Record a failed run of ``name`` with its error (and log it, see the module docstring)."""
        text = f"{type(error).__name__}: {error}"
        with self._lock:
            status = self.status.setdefault(name, JobStatus())
            now = self.clock()
            repeat = status.last_error == text
            status.runs, status.failures, status.last_run = status.runs + 1, status.failures + 1, now
            status.last_error, status.last_error_at = text, now
            status.failing_since = status.failing_since or now
            status.consecutive_failures += 1
            if not repeat:
                log.error("%s failed: %s", name, text)
                status._unlogged, status._logged_at = 0, now
            elif now - status._logged_at >= REPEAT_LOG_SECONDS:
                log.error(
                    "%s failed again %d time(s) in %.0f s: %s",
                    name,
                    status._unlogged + 1,
                    now - status._logged_at,
                    text,
                )
                status._unlogged, status._logged_at = 0, now
            else:
                status._unlogged += 1

    def failing(self) -> list[str]:
        """Jobs whose last run failed."""
        with self._lock:
            return [name for name, status in self.status.items() if status.last_error is not None]

    def as_dict(self) -> dict[str, dict[str, Any]]:
        """Every job's status, JSON-ready (times in epoch seconds)."""
        with self._lock:
            return {
                name: {key: value for key, value in asdict(status).items() if not key.startswith("_")}
                for name, status in self.status.items()
            }
