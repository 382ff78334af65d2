"""Aggregations: the summary dict, counts by keys and time buckets, top values."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import logframe
from logframe import QueryError
from logframe.stats import AUTO_BUCKETS, NICE_EVERY, auto_every, bucket_seconds, check_every, resolve_every
from tests.conftest import Writer, record

UTC = dt.UTC


@pytest.fixture
def logs(write: Writer) -> logframe.LogFrame:
    return logframe.scan(
        write(
            [
                record("ERROR:db:a tenant=t1", "2025-10-07T16:00:10Z", container="api"),
                record("ERROR:db:b tenant=t1", "2025-10-07T16:03:00Z", container="api"),
                record("INFO:web:c tenant=t2", "2025-10-07T16:06:00Z", container="web"),
                record("hello", "2025-10-07T16:11:00+01:00", container=None),
            ]
        )
    )


def test_summary(logs: logframe.LogFrame) -> None:
    assert logs.stats() == {
        "total": 4,
        "by_level": {"INFO": 1, "ERROR": 2, "UNKNOWN": 1},
        "by_container": {"api": 2, "unknown": 1, "web": 1},
        "time_range": {"start": "2025-10-07T15:11:00Z", "end": "2025-10-07T16:06:00Z"},
    }


def test_summary_of_nothing(logs: logframe.LogFrame) -> None:
    assert logs.filter(pod="nobody").stats() == {
        "total": 0,
        "by_level": {},
        "by_container": {},
        "time_range": {"start": None, "end": None},
    }


def test_count_by_columns_and_fields(logs: logframe.LogFrame) -> None:
    assert logs.count_by("level").rows() == [("ERROR", 2), ("INFO", 1), (None, 1)]
    assert logs.count_by("container", "tenant").rows() == [("api", "t1", 2), ("web", "t2", 1), (None, None, 1)]
    assert logs.count_by().rows() == [(4,)]


def test_count_by_time_bucket(logs: logframe.LogFrame) -> None:
    rows = logs.count_by("level", every="5m").rows()
    assert rows == [
        (dt.datetime(2025, 10, 7, 15, 10, tzinfo=UTC), None, 1),
        (dt.datetime(2025, 10, 7, 16, 0, tzinfo=UTC), "ERROR", 2),
        (dt.datetime(2025, 10, 7, 16, 5, tzinfo=UTC), "INFO", 1),
    ]


def test_top_values(logs: logframe.LogFrame) -> None:
    assert logs.top("tenant").rows() == [("t1", 2), ("t2", 1)]
    assert logs.top("container_name", n=1).rows() == [("api", 2)]


@pytest.mark.parametrize("every", ["5", "five minutes", "0m", "", "5x"])
def test_bad_durations(logs: logframe.LogFrame, every: str) -> None:
    with pytest.raises(QueryError, match="not a duration"):
        logs.count_by("level", every=every)


def test_bad_top(logs: logframe.LogFrame) -> None:
    with pytest.raises(QueryError, match="positive integer"):
        logs.top("tenant", n=0)


def test_error_rate_fills_gaps_and_leaves_out_null_timestamps(write: Writer) -> None:
    logs = logframe.scan(
        write(
            [
                record("ERROR:a:x", "2025-10-07T16:00:10Z"),
                record("INFO:a:x", "2025-10-07T16:00:20Z"),
                record("INFO:a:x", "2025-10-07T16:00:30Z"),
                record("INFO:a:x", "2025-10-07T16:00:40Z"),
                record("CRITICAL:a:x", "2025-10-07T16:03:00Z"),
                record("ERROR:a:no time", None),
            ]
        )
    )
    rates = logs.error_rate(every="1m")
    assert rates["bucket"].dt.minute().to_list() == [0, 1, 2, 3]
    assert rates["total"].to_list() == [4, 0, 0, 1]
    assert rates["errors"].to_list() == [1, 0, 0, 1]
    assert rates["rate"].to_list() == [0.25, 0.0, 0.0, 1.0]
    # Wilson 95% interval of 1 in 4 is (0.0456, 0.6994); an empty bucket says nothing: [0, 1].
    assert round(rates["rate_low"][0], 4) == 0.0456
    assert round(rates["rate_high"][0], 4) == 0.6994
    assert (rates["rate_low"][1], rates["rate_high"][1]) == (0.0, 1.0)
    assert round(rates["rate_low"][3], 4) == 0.2065
    assert rates["rate_high"][3] == 1.0


def test_error_rate_by_group(logs: logframe.LogFrame) -> None:
    rates = logs.error_rate(every="5m", by="container")
    assert rates.columns == ["bucket", "container", "total", "errors", "rate", "rate_low", "rate_high"]
    api = rates.filter(pl.col("container") == "api")
    assert api["bucket"].dt.strftime("%H:%M").to_list()[::11] == ["15:10", "16:05"]
    assert api["errors"].to_list() == [0] * 10 + [2, 0]
    assert api["total"].to_list() == [0] * 10 + [2, 0]
    by_tenant = logs.error_rate(every="1h", by="tenant")
    assert by_tenant.select(pl.col("bucket").dt.hour(), "tenant", "total", "errors").rows() == [
        (15, "t1", 0, 0),
        (16, "t1", 2, 2),
        (15, "t2", 0, 0),
        (16, "t2", 1, 0),
        (15, None, 1, 0),
        (16, None, 0, 0),
    ]


def test_error_rate_single_bucket_no_errors_and_empty(logs: logframe.LogFrame) -> None:
    single = logs.filter(container="web").error_rate(every="1h")
    assert single.select("total", "errors", "rate").rows() == [(1, 0, 0.0)]
    assert single["rate_low"][0] == 0.0
    assert 0.79 < single["rate_high"][0] < 0.8
    empty = logs.filter(pod="nobody").error_rate(every="1m", by="tenant")
    assert empty.height == 0
    assert empty.columns == ["bucket", "tenant", "total", "errors", "rate", "rate_low", "rate_high"]


def test_counts_zero_filled(logs: logframe.LogFrame) -> None:
    counts = logs.counts(every="5m", by="level")
    errors = counts.filter(pl.col("level") == "ERROR")
    assert errors["count"].to_list() == [0] * 10 + [2, 0]
    assert counts.height == 12 * 3
    assert counts["count"].sum() == 4
    assert logs.counts(every="1h", by=None).rows() == [
        (dt.datetime(2025, 10, 7, 15, tzinfo=UTC), 1),
        (dt.datetime(2025, 10, 7, 16, tzinfo=UTC), 3),
    ]


def test_a_time_series_too_large_to_hold_is_refused(write: Writer) -> None:
    logs = logframe.scan(
        write([record("INFO:a:x", "2025-10-01T00:00:00Z"), record("INFO:a:y", "2025-11-01T00:00:00Z")])
    )
    with pytest.raises(QueryError, match="use a longer every="):
        logs.error_rate(every="100ms")
    assert logs.counts(every="1h", by=None).height == 31 * 24 + 1


@pytest.mark.parametrize(
    ("span", "every"),
    [
        (dt.timedelta(seconds=30), "1s"),
        (dt.timedelta(minutes=10), "5s"),
        (dt.timedelta(hours=1), "30s"),
        (dt.timedelta(hours=3), "2m"),  # 91 buckets; 1m would be 181
        (dt.timedelta(days=1), "15m"),
        (dt.timedelta(days=23), "6h"),
        (dt.timedelta(days=30), "6h"),
        (dt.timedelta(days=400), "1d"),
    ],
)
def test_auto_every_for_common_spans(span: dt.timedelta, every: str) -> None:
    assert auto_every(span) == every


@given(st.floats(min_value=0, max_value=200 * 86400))
def test_auto_every_lands_in_range_whenever_a_nice_bucket_does(seconds: float) -> None:
    def buckets(every: str) -> float:
        return seconds / bucket_seconds(every) + 1

    chosen = auto_every(dt.timedelta(seconds=seconds))
    assert chosen in NICE_EVERY
    low, high = AUTO_BUCKETS
    if any(low <= buckets(every) <= high for every in NICE_EVERY):
        assert low <= buckets(chosen) <= high


def test_auto_every_of_no_timestamps() -> None:
    assert auto_every(None) == "1m"


def test_error_rate_and_counts_default_to_auto(write: Writer) -> None:
    lines = [
        record("ERROR:a:x" if i % 7 == 0 else "INFO:a:x", f"2025-10-07T{i // 60:02d}:{i % 60:02d}:00Z")
        for i in range(0, 24 * 60, 3)
    ]
    logs = logframe.scan(write(lines))
    rates = logs.error_rate()
    # One day of records: 15-minute buckets, 96 of them.
    assert rates.height == 96
    assert rates["bucket"].diff().drop_nulls().unique().to_list() == [dt.timedelta(minutes=15)]
    assert rates["total"].sum() == len(lines)
    assert rates.equals(logs.error_rate(every="15m"))
    assert logs.counts(by=None).equals(logs.counts(every="15m", by=None))
    assert logs.count_by("level", every="auto").equals(logs.count_by("level", every="15m"))


def test_auto_every_uses_the_frames_own_span(logs: logframe.LogFrame) -> None:
    # 15:11 to 16:06 is 55 minutes: 30 s buckets; the api container alone spans 3 minutes: 2 s (91 buckets).
    assert resolve_every(logs.lazy(), "auto") == "30s"
    assert resolve_every(logs.filter(container="api").lazy(), "auto") == "2s"
    assert logs.filter(pod="nobody").error_rate().height == 0


def test_a_bad_every_names_auto_only_where_it_is_accepted(logs: logframe.LogFrame) -> None:
    with pytest.raises(QueryError, match=r"use 'auto' .* or a number and a unit"):
        logs.error_rate(every="fortnightly")
    with pytest.raises(QueryError, match="not a duration; use a number and a unit"):
        check_every("auto")
