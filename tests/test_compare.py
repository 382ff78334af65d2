"""compare(): counts per window, rate ratios, new values, and the ranking by excess errors."""

from __future__ import annotations

import pytest

import logframe
from logframe import QueryError
from tests.conftest import Writer, record


@pytest.fixture
def logs(write: Writer) -> logframe.LogFrame:
    baseline = [
        record("ERROR:db:timeout tenant=t1", "2025-10-07T16:00:00Z", pod="A"),
        record("INFO:web:ok tenant=t1", "2025-10-07T16:05:00Z", pod="A"),
        record("ERROR:db:timeout tenant=t1", "2025-10-07T16:10:00Z", pod="A"),
    ]
    current = [record("ERROR:db:timeout tenant=t1", "2025-10-07T16:20:00Z", pod="A")]
    current += [record(f"ERROR:db:refused tenant=t2 n={i}", f"2025-10-07T16:2{i}:30Z", pod="B") for i in range(10)]
    current += [record("ERROR:db:timeout tenant=t1", "2025-10-07T16:29:50Z", pod="A")]
    return logframe.scan(write(baseline + current))


def row(frame: object, dimension: str, value: str | None) -> dict[str, object]:
    import polars as pl

    assert isinstance(frame, pl.DataFrame)
    return frame.filter((pl.col("dimension") == dimension) & (pl.col("value").eq_missing(value))).row(0, named=True)


def test_split_at_a_time(logs: logframe.LogFrame) -> None:
    changed = logs.compare(at="2025-10-07T16:15:00Z", window="15m", by=["tenant", "pod", "template"])
    t1, t2 = row(changed, "tenant", "t1"), row(changed, "tenant", "t2")
    assert (t1["base_count"], t1["count"], t1["base_errors"], t1["errors"]) == (3, 2, 2, 2)
    assert t1["rate_ratio"] == pytest.approx(1.0)  # 2 errors in each 15-minute window
    assert t1["new"] is False
    assert (t2["base_count"], t2["errors"], t2["new"], t2["rate_ratio"]) == (0, 10, True, None)
    assert t2["excess_errors"] == 10
    assert t2["share_of_increase"] == 1.0
    assert changed.row(0, named=True)["share_of_increase"] == 1.0
    refused = row(changed, "template", "refused tenant=<*> n=<*>")
    assert (refused["count"], refused["new"]) == (10, True)


def test_against_a_baseline_frame(logs: logframe.LogFrame) -> None:
    before = logs.filter(before="2025-10-07T16:15:00Z")
    after = logs.filter(after="2025-10-07T16:15:00Z")
    split = logs.compare(at="2025-10-07T16:15:00Z", by=["pod"])
    assert after.compare(before, by=["pod"]).equals(split)
    # Without a window each span is its records' extent: 10 min before, 9 min 50 s after, so pod A's
    # 2 errors are 2 - 2 * 9.833 / 10 = 0.033 more than its baseline rate predicts.
    excess_a = 2 - 2 * (9 + 50 / 60) / 10
    assert row(split, "pod", "A")["excess_errors"] == pytest.approx(excess_a)
    assert row(split, "pod", "B")["share_of_increase"] == pytest.approx(10 / (10 + excess_a))


def test_bad_calls(logs: logframe.LogFrame) -> None:
    with pytest.raises(QueryError, match="either a baseline frame or at="):
        logs.compare()
    with pytest.raises(QueryError, match="either a baseline frame or at="):
        logs.compare(logs, at="2025-10-07T16:15:00Z")
    with pytest.raises(QueryError, match="not a duration"):
        logs.compare(at="2025-10-07T16:15:00Z", window="fortnight")


def test_templates_are_mined_over_both_windows(write: Writer) -> None:
    # Mined alone, the baseline's two one-off logins would be one template (`user <*>`) and the
    # current window's recurring ones two (`user root`, `user admin`): every template would look new.
    baseline = [
        record(f"INFO:auth:Login accepted for user {u}", f"2025-10-07T16:0{i}:00Z")
        for i, u in enumerate(["root", "admin"])
    ]
    current = [
        record(f"INFO:auth:Login accepted for user {u}", f"2025-10-07T16:2{i}:00Z")
        for i, u in enumerate(["root", "admin"] * 3)
    ]
    changed = logframe.scan(write(baseline + current)).compare(at="2025-10-07T16:15:00Z", window="15m", by=["template"])
    assert sorted(changed["value"].to_list()) == ["Login accepted for user admin", "Login accepted for user root"]
    assert changed["new"].to_list() == [False, False]
    assert sorted(changed["base_count"].to_list()) == [1, 1]
