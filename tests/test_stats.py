"""Aggregations: the summary dict, counts by keys and time buckets, top values."""

from __future__ import annotations

import datetime as dt

import pytest

import logframe
from logframe import QueryError
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
