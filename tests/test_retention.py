"""Retention and archiving on a real Delta table, with the clock as a parameter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import logframe
from tests.conftest import Writer, record

pytest.importorskip("deltalake")

from logframe.service.retention import apply_retention, parse_keep
from logframe.service.store import open_store

DAY0 = dt.datetime(2025, 10, 1, tzinfo=dt.UTC)


def fill(store_path: Path, write: Writer, days: int = 5, per_day: int = 3) -> logframe.LogFrame:
    store = open_store(store_path)
    lines = [
        record(f"INFO:app:d{d} n={n}", (DAY0 + dt.timedelta(days=d, hours=6 * n)).isoformat())
        for d in range(days)
        for n in range(per_day)
    ]
    store.append(logframe.scan(write(lines)).collect())
    return store.scan()


def days_of(frame: pl.DataFrame) -> list[str]:
    return sorted({t.date().isoformat() for t in frame["timestamp"]})


def test_expired_days_are_archived_verified_and_deleted(tmp_path: Path, write: Writer) -> None:
    fill(tmp_path / "store", write)
    store = open_store(tmp_path / "store")
    now = DAY0 + dt.timedelta(days=4, hours=12)  # keep 2d: boundary Oct 3 12:00, so Oct 3 straddles it
    result = apply_retention(store, "2d", archive=str(tmp_path / "archive"), now=now)
    assert [d["day"] for d in result["deleted"]] == ["2025-10-01", "2025-10-02"]
    assert days_of(store.scan().collect()) == ["2025-10-03", "2025-10-04", "2025-10-05"]
    assert store.scan().collect().height == 9  # nothing inside the window (or straddling it) was touched
    archived = logframe.scan(str(tmp_path / "archive")).collect()
    assert archived.height == 6
    assert days_of(archived) == ["2025-10-01", "2025-10-02"]
    assert archived.schema == store.scan().collect().schema
    assert sorted(p.parent.name for p in (tmp_path / "archive").rglob("*.parquet")) == [
        "day=2025-10-01",
        "day=2025-10-02",
    ]


def test_a_crash_between_copy_and_delete_loses_nothing(tmp_path: Path, write: Writer) -> None:
    fill(tmp_path / "store", write)
    store = open_store(tmp_path / "store")
    now = DAY0 + dt.timedelta(days=4, hours=12)

    def crash(day: dt.date) -> None:
        raise KeyboardInterrupt(f"killed after archiving {day}")

    with pytest.raises(KeyboardInterrupt):
        apply_retention(store, "2d", archive=str(tmp_path / "archive"), now=now, after_archive=crash)
    assert store.scan().collect().height == 15  # nothing deleted
    first = next((tmp_path / "archive").rglob("*.parquet"))
    written = first.stat().st_mtime_ns
    result = apply_retention(store, "2d", archive=str(tmp_path / "archive"), now=now)  # the re-run finishes
    assert [d["day"] for d in result["deleted"]] == ["2025-10-01", "2025-10-02"]
    assert first.stat().st_mtime_ns == written  # the complete archive was kept, not rewritten
    assert logframe.scan(str(tmp_path / "archive")).collect().height == 6
    assert store.scan().collect().height == 9
    assert apply_retention(store, "2d", archive=str(tmp_path / "archive"), now=now)["deleted"] == []


def test_without_an_archive_days_are_only_deleted(tmp_path: Path, write: Writer) -> None:
    fill(tmp_path / "store", write)
    store = open_store(tmp_path / "store")
    apply_retention(store, "1d", now=DAY0 + dt.timedelta(days=10))
    assert store.scan().collect().height == 0


def test_bad_windows_are_refused() -> None:
    for bad in ("30", "thirty days", "0d", "-1d"):
        with pytest.raises(logframe.QueryError, match=r"retention window|positive"):
            parse_keep(bad)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(keep_hours=st.integers(min_value=1, max_value=24 * 6), now_hours=st.integers(min_value=0, max_value=24 * 8))
def test_nothing_inside_the_window_is_ever_deleted(
    tmp_path_factory: pytest.TempPathFactory, write: Writer, keep_hours: int, now_hours: int
) -> None:
    where = tmp_path_factory.mktemp("store")
    fill(where, write)
    store = open_store(where)
    before = store.scan().collect()
    now = DAY0 + dt.timedelta(hours=now_hours)
    apply_retention(store, dt.timedelta(hours=keep_hours), now=now)
    after = store.scan().collect()
    boundary = now - dt.timedelta(hours=keep_hours)
    inside = before.filter(pl.col("timestamp") >= boundary)
    assert (
        inside.select("message")
        .sort("message")
        .equals(after.filter(pl.col("timestamp") >= boundary).select("message").sort("message"))
    )
    kept_days = {t.date() for t in after["timestamp"]}
    deleted = before.filter(~pl.col("timestamp").dt.date().is_in(list(kept_days)))
    assert (deleted["timestamp"].dt.date().cast(pl.Datetime("us", "UTC")) + dt.timedelta(days=1) <= boundary).all()


def test_cli_retention(tmp_path: Path, write: Writer) -> None:
    import json

    from typer.testing import CliRunner

    from logframe.cli import app

    fill(tmp_path / "store", write)
    args = ["retention", "--store", str(tmp_path / "store"), "--keep", "2d", "--now", "2025-10-05T12:00:00Z"]
    result = CliRunner().invoke(app, [*args, "--archive", str(tmp_path / "archive")])
    assert result.exit_code == 0, result.output
    assert [d["day"] for d in json.loads(result.output)["deleted"]] == ["2025-10-01", "2025-10-02"]
    bad = CliRunner().invoke(app, ["retention", "--store", str(tmp_path / "store"), "--keep", "forever"])
    assert bad.exit_code == 2


def test_a_killed_archive_write_leaves_nothing_readers_trip_on(
    tmp_path: Path, write: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    import logframe.service.retention as retention

    fill(tmp_path / "store", write)
    store = open_store(tmp_path / "store")
    now = DAY0 + dt.timedelta(days=4, hours=12)
    renames = 0
    real_replace = os.replace

    def killed_on_the_second_rename(source: str, target: str) -> None:
        nonlocal renames
        renames += 1
        if renames == 2:
            raise KeyboardInterrupt("killed after writing the temporary file, before its rename")
        real_replace(source, target)

    monkeypatch.setattr(retention.os, "replace", killed_on_the_second_rename)
    with pytest.raises(KeyboardInterrupt):
        apply_retention(store, "2d", archive=str(tmp_path / "archive"), now=now)
    assert list((tmp_path / "archive").rglob("*.tmp"))  # the leftover is there ...
    assert logframe.scan(str(tmp_path / "archive")).collect().height == 3  # ... and readers do not see it
    monkeypatch.setattr(retention.os, "replace", real_replace)
    apply_retention(store, "2d", archive=str(tmp_path / "archive"), now=now)  # the re-run finishes
    assert not list((tmp_path / "archive").rglob("*.tmp"))
    assert logframe.scan(str(tmp_path / "archive")).collect().height == 6
