"""Shared fixtures: small inline log files written to a temporary directory."""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _native_libraries() -> list[Path]:
    """The shared libraries a logframe process maps: Polars' runtime and the decoder."""
    found = list((ROOT / "logframe").glob("_native*.so"))
    for name in ("_polars_runtime_32", "_polars_runtime_64", "_polars_runtime_compat"):
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            found += [p for d in spec.submodule_search_locations for p in Path(d).glob("*.so")]
    return found


def pytest_configure(config: pytest.Config) -> None:
    """Drop the page cache of freshly installed libraries before anything maps them.

    Right after an install (a fresh clone, as CI runs), a library's pages sit in the page cache as the
    large folios its writer left, and Linux maps a whole folio on a fault: the same ``stats()`` then peaks
    at 99 MB instead of 71 MB (measured on 6.18). Read back from disk, as on any machine where the
    install is not minutes old, the library maps page by page. Dropping the cache of these files (clean
    pages, re-read on demand) makes the memory test measure the program, not the installer's page cache.
    """
    for path in _native_libraries():
        with open(path, "rb") as handle:
            os.posix_fadvise(handle.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)


Writer = Callable[..., Path]
"""The type of the ``write`` fixture: lines (or raw bytes) in, path out."""
SAMPLE = ROOT / "sample_logs.txt"


def record(
    log: Any = "INFO:app.main:hello",
    time: Any = "2025-10-07T16:00:00Z",
    *,
    pod: str | None = "backend-1",
    namespace: str | None = "pax-dev",
    container: str | None = "backend",
    stream: str | None = "stdout",
) -> str:
    """One CloudWatch/Kubernetes JSON line."""
    kube = {"pod_name": pod, "namespace_name": namespace, "container_name": container}
    return json.dumps({"time": time, "stream": stream, "log": log, "kubernetes": kube}, ensure_ascii=False)


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write lines (str, or bytes for raw content) to a file and return its path."""
    counter = iter(range(1_000_000))

    def _write(lines: Iterable[str] | bytes, name: str | None = None) -> Path:
        path = tmp_path / (name or f"logs_{next(counter)}.jsonl")
        data = lines if isinstance(lines, bytes) else "".join(line + "\n" for line in lines).encode()
        path.write_bytes(data)
        return path

    return _write


@pytest.fixture(autouse=True)
def _run_from_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Doctests and tests refer to sample_logs.txt relative to the project root."""
    monkeypatch.chdir(ROOT)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """In ``make test-extras`` (LOGFRAME_EXTRA=NAME) a test marked NAME may not skip: its venv must have it all."""
    outcome = yield
    report = outcome.get_result()
    extra = os.environ.get("LOGFRAME_EXTRA")
    if extra and report.skipped and item.get_closest_marker(extra) is not None:
        report.outcome = "failed"
        report.longrepr = (
            f"skipped in the venv of the {extra!r} install, which must hold what it needs: {report.longrepr}"
        )


def pytest_collectreport(report: pytest.CollectReport) -> None:
    """In ``make test-extras`` a test module may not skip as a whole either (a module-level importorskip)."""
    extra = os.environ.get("LOGFRAME_EXTRA")
    if extra and report.skipped:
        report.outcome = "failed"


@pytest.fixture
def commits_refused_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    """The next two Delta commits lose a race with another writer (``CommitFailedError``); backoff sleeps skipped."""
    import deltalake
    from deltalake.exceptions import CommitFailedError

    from logframe.service import store as store_module

    monkeypatch.setattr(store_module.time, "sleep", lambda _: None)
    real, refusals = deltalake.write_deltalake, {"left": 2}

    def refusing(*args: Any, **kwargs: Any) -> None:
        if refusals["left"]:
            refusals["left"] -= 1
            raise CommitFailedError("a concurrent transaction conflicted")
        real(*args, **kwargs)

    monkeypatch.setattr(deltalake, "write_deltalake", refusing)
