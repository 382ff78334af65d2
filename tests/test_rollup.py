"""The counts kept with a cache entry answer time charts exactly as the records do."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import logframe
from logframe import cache, rollup
from tests.conftest import Writer, record

START = dt.datetime(2025, 10, 7, 16, tzinfo=dt.UTC)
LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", None]
CONTAINERS = ["api", "worker", None]


def lines(rows: list[tuple[int | None, str | None, str | None]]) -> list[str]:
    """One CloudWatch line per (seconds after START or None, level, container)."""
    out = []
    for seconds, level, container in rows:
        time = None if seconds is None else (START + dt.timedelta(seconds=seconds)).isoformat()
        message = f"{level}:app.db:attempt" if level else "no level here"
        out.append(record(message, time, container=container))
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    span=st.sampled_from([60, 3_600, 86_400, 30 * 86_400]),
    rows=st.lists(
        st.tuples(st.one_of(st.none(), st.floats(0, 1)), st.sampled_from(LEVELS), st.sampled_from(CONTAINERS)),
        min_size=1,
        max_size=80,
    ),
    every=st.sampled_from(["auto", "1h", "1d", "1w", "10m", "7s"]),
    by=st.sampled_from([None, "level", "container", ["level", "container"], "pod"]),
)
def test_charts_from_the_kept_counts_equal_charts_from_the_records(
    write: Writer,
    span: int,
    rows: list[tuple[float | None, str | None, str | None]],
    every: str,
    by: str | list[str] | None,
) -> None:
    path = write(lines([(None if at is None else int(at * span), level, c) for at, level, c in rows]))
    fresh = logframe.scan(path, cache=False)
    try:
        expected = fresh.error_rate(every, by), fresh.counts(every, by)
    except logframe.QueryError:  # too many buckets for this span: the cached frame says the same
        with pytest.raises(logframe.QueryError):
            fresh.cache().error_rate(every, by)
        return
    fresh.cache()
    hit = logframe.scan(path)
    assert isinstance(hit._origin, cache.Cached)
    assert hit.error_rate(every, by).equals(expected[0])
    assert hit.counts(every, by).equals(expected[1])
    keys = [by] if isinstance(by, str) else list(by or [])
    if by != "pod" and every in ("auto", "1h", "1d", "1w") and any(at is not None for at, _, _ in rows):
        assert hit._origin.counts(hit.resolve_every(every), keys) is not None  # answered from the counts


def test_an_unfiltered_cached_frame_reads_its_kept_counts(write: Writer) -> None:
    path = write(lines([(s, "ERROR" if s % 7 == 0 else "INFO", "api") for s in range(0, 7_200, 10)]))
    logframe.scan(path).cache()
    hit = logframe.scan(path)
    assert isinstance(hit._origin, cache.Cached)
    assert hit._origin.rollup is not None
    assert hit._origin.rollup[0] == "5s"  # the shortest bucket with at most 2,000 over two hours
    assert hit._origin.counts("1m", ["level"]) is not None
    assert hit._origin.counts("1m", ["pod"]) is None  # not kept: the records answer
    assert hit._origin.counts("7s", []) is None  # not made of whole 5 s buckets
    hit._origin.path.unlink()  # the records are gone; the counts still answer ...
    assert hit.counts("1m", by=None)["count"].sum() == 720
    with pytest.raises(FileNotFoundError):  # ... but a filtered frame reads the records
        hit.filter(level="ERROR").counts("1m", by=None)


def test_too_many_counts_are_not_kept_and_the_records_answer(write: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rollup, "MAX_ROWS", 3)
    path = write(lines([(s, "INFO", "api") for s in range(0, 600, 60)]))
    expected = logframe.scan(path, cache=False).counts("1m")
    logframe.scan(path).cache()
    hit = logframe.scan(path)
    assert isinstance(hit._origin, cache.Cached)
    assert hit._origin.rollup is None
    assert hit.counts("1m").equals(expected)


@pytest.mark.parametrize(
    ("every", "by", "serves"),
    [
        ("1m", [], True),
        ("90s", ["level"], True),  # every boundary of 90 s is one of 30 s
        ("45s", [], False),
        ("10s", [], False),  # shorter than the kept bucket
        ("1d", ["level", "container"], True),
        ("2w", [], True),  # calendar buckets start at midnights, which every kept bucket divides
        ("1mo", ["container"], True),
        ("1h", ["tenant"], False),
        ("1h", ["level", "pod"], False),
    ],
)
def test_which_queries_the_kept_counts_answer(every: str, by: list[str], serves: bool) -> None:
    assert rollup.serves("30s", every, by) is serves
