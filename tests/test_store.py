"""The Delta store and batch ingestion: a real Delta table in a temporary directory."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import logframe
from tests.conftest import SAMPLE, Writer, record

pytest.importorskip("deltalake")

from logframe.service.ingest import follow, ingest
from logframe.service.store import open_store


def test_store_round_trip_keeps_the_schema_and_prunes_by_day(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    original = logframe.scan(SAMPLE).collect()
    store.append(original)
    back = store.scan().collect()
    assert back.schema == original.schema
    assert back.sort("line").drop("timestamp").equals(original.sort("line").drop("timestamp"))
    assert back.sort("line")["timestamp"].to_list() == original.sort("line")["timestamp"].dt.truncate("1us").to_list()
    window = store.scan("2025-10-07T16:40:00Z", "2025-10-07T16:50:00Z")
    assert (
        window.filter(level="ERROR").collect().height
        == original.filter(
            pl.col("timestamp").is_between(
                dt.datetime(2025, 10, 7, 16, 40, tzinfo=dt.UTC),
                dt.datetime(2025, 10, 7, 16, 50, tzinfo=dt.UTC),
                closed="left",
            ),
            level="ERROR",
        ).height
    )
    plan = store.scan("2025-10-08T00:00:00Z", "2025-10-09T00:00:00Z").lazy().explain()
    assert "day" in plan  # the partition filter reaches the scan
    assert store.scan("2025-10-08T00:00:00Z", "2025-10-09T00:00:00Z").collect().height == 0
    assert store.describe()["records"] == original.height


def test_store_scan_checks_its_window(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    with pytest.raises(logframe.SourceError, match="must be after start"):
        store.scan("2025-10-07T17:00:00Z", "2025-10-07T16:00:00Z")
    with pytest.raises(logframe.SourceError, match="start='noon' is not an ISO 8601 time"):
        store.scan("noon")


def test_ingest_is_idempotent_and_appends_only_what_is_new(tmp_path: Path, write: Writer) -> None:
    store = open_store(tmp_path / "store")
    path = write([record(f"ERROR:app:failed n={i}") for i in range(5)])
    assert [r["new_records"] for r in ingest(path, store)] == [5]
    assert [r["new_records"] for r in ingest(path, store)] == [0]
    with open(path, "a") as handle:  # the file grows
        handle.write(record("INFO:app:later") + "\n" + "{broken\n")
    result = ingest(path, store)[0]
    assert (result["already_committed_through_line"], result["new_records"]) == (5, 1)
    assert result["skipped"] == {"invalid_json": 1}
    assert store.scan().collect().height == 6
    assert store.scan().collect()["line"].sort().to_list() == [1, 2, 3, 4, 5, 6]


def test_a_last_window_on_a_store_ends_now_and_on_a_file_at_the_newest_record(tmp_path: Path, write: Writer) -> None:
    now = dt.datetime.now(dt.UTC)
    times = [(now - dt.timedelta(hours=3)).isoformat(), (now - dt.timedelta(minutes=2)).isoformat()]
    path = write([record(f"INFO:app:n={i}", t) for i, t in enumerate(times)])
    store = open_store(tmp_path / "store")
    ingest(path, store)
    assert store.scan().filter(last="1h").collect()["line"].to_list() == [2]
    assert store.scan().filter(last="4h", relative_to="newest").collect().height == 2
    old = write([record("INFO:app:a", "2025-10-07T16:00:00Z"), record("INFO:app:b", "2025-10-07T16:50:00Z")])
    assert logframe.scan(old).filter(last="1h").collect()["line"].to_list() == [1, 2]


def test_ingest_commits_in_batches(tmp_path: Path, write: Writer) -> None:
    store = open_store(tmp_path / "store")
    path = write([record(f"INFO:app:n={i}") for i in range(50)])
    ingest(path, store, batch_rows=10)
    from deltalake import DeltaTable

    assert DeltaTable(str(tmp_path / "store")).version() >= 4  # several commits, each recording progress
    assert store.scan().collect().height == 50


def test_follow_reads_a_growing_file_through_rotation(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    path = tmp_path / "app.log"
    path.write_text(record("INFO:app:one") + "\n")
    stop = threading.Event()
    thread = threading.Thread(target=follow, args=(path, store), kwargs={"interval": 0.05, "stop": stop})
    thread.start()
    try:
        _wait_for(lambda: store.scan().collect().height == 1)
        with open(path, "a") as handle:
            handle.write(record("INFO:app:two") + "\n")
        _wait_for(lambda: store.scan().collect().height == 2)
        path.rename(tmp_path / "app.log.1")  # rotation: a new file with new content at the same path
        path.write_text(record("INFO:app:three after rotation") + "\n")
        _wait_for(lambda: store.scan().collect().height == 3)
    finally:
        stop.set()
        thread.join()
    assert sorted(store.scan().collect()["message"].to_list()) == ["one", "three after rotation", "two"]


def _wait_for(condition: object, timeout: float = 20.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def test_cli_ingest(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from logframe.cli import app

    store = str(tmp_path / "store")
    first = CliRunner().invoke(app, ["ingest", str(SAMPLE), "--store", store])
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["new_records"] == 137
    again = CliRunner().invoke(app, ["ingest", str(SAMPLE), "--store", store])
    assert json.loads(again.output)["new_records"] == 0


@pytest.fixture
def s3_options(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """moto's S3 server as a subprocess on 127.0.0.1 (delta-rs holds the GIL in some calls, so an
    in-process server would deadlock), and the storage options that reach it."""
    boto3 = pytest.importorskip("boto3")
    pytest.importorskip("moto")
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _wait_for(lambda: _bucket(boto3, endpoint))
        yield {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ALLOW_HTTP": "true",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": "us-east-1",
            "AWS_S3_ALLOW_UNSAFE_RENAME": "true",  # one writer per store, as the service runs it
        }
    finally:
        server.terminate()
        server.wait()


def _bucket(boto3: Any, endpoint: str) -> bool:
    try:
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket="logs")
    except Exception:  # the server is not up yet
        return False
    return True


def test_store_on_s3(s3_options: dict[str, str]) -> None:
    store = open_store("s3://logs/store", s3_options)
    assert [r["new_records"] for r in ingest(SAMPLE, store)] == [137]
    assert [r["new_records"] for r in ingest(SAMPLE, store)] == [0]
    assert store.scan("2025-10-07T16:40:00Z", "2025-10-07T16:50:00Z").filter(tenant="company-b").collect().height > 0
    assert store.describe()["records"] == 137


def test_a_commit_that_loses_races_is_retried_and_lands_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import deltalake
    from deltalake.exceptions import CommitFailedError

    from logframe.service import store as store_module

    monkeypatch.setattr(store_module.time, "sleep", lambda _: None)
    real, failures = deltalake.write_deltalake, {"left": 3}

    def racing(*args: Any, **kwargs: Any) -> None:
        if failures["left"]:
            failures["left"] -= 1
            real(*args, **kwargs)  # another writer's commit lands first: this one must not be repeated
            raise CommitFailedError("a concurrent transaction conflicted")
        real(*args, **kwargs)

    store = open_store(tmp_path / "store")
    records = logframe.scan(SAMPLE).head(5).collect()
    store.append(records, app_id="node-a", version=1)  # creates the table
    monkeypatch.setattr(deltalake, "write_deltalake", racing)
    store.append(records, app_id="node-b", version=1)
    # the first failed try had in fact committed (as a conflict after the write can): the retry sees it
    assert store.commit_retries == 1
    assert store.scan().collect().height == 10
    failures["left"] = 0

    def always_losing(*args: Any, **kwargs: Any) -> None:
        raise CommitFailedError("a concurrent transaction conflicted")

    monkeypatch.setattr(deltalake, "write_deltalake", always_losing)
    with pytest.raises(CommitFailedError):
        store.append(records, app_id="node-c", version=1)
    assert store.commit_retries == 1 + store_module.COMMIT_ATTEMPTS - 1
    assert store.scan().collect().height == 10


@pytest.mark.usefixtures("commits_refused_twice")
def test_a_commit_refused_twice_is_written_on_the_third_try(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    store.append(logframe.scan(SAMPLE).head(4).collect(), app_id="node-a", version=7)
    assert (store.commit_retries, store.scan().collect().height, store.committed("node-a")) == (2, 4, 7)
