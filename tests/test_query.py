"""Filter keywords, any_of/all_of and field(): the expression layer."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

import logframe
from logframe import QueryError, any_of, field
from tests.conftest import Writer, record

UTC = dt.UTC


@pytest.fixture
def logs(write: Writer) -> logframe.LogFrame:
    return logframe.scan(
        write(
            [
                record("ERROR:app.db:failed tenant=company_a company.a=yes", "2025-10-07T16:00:00Z", pod="A"),
                record("INFO:app.web:ok tenant=company-b 環境=本番", "2025-10-07T16:05:00Z", pod="B", container="web"),
                record("WARN:app.db:slow tenant=company_a case_id=abc", "2025-10-07T16:10:00Z", pod="C"),
                record("DEBUG:app.db:noise", "2025-10-07T16:15:00Z", pod="A", stream="stderr"),
                record("ERROR:app.web:boom case_id=xyz", None, pod="B", container="web"),
            ]
        )
    )


def lines(frame: logframe.LogFrame) -> list[int]:
    return frame.collect()["line"].to_list()


def test_keywords_and_aliases(logs: logframe.LogFrame) -> None:
    assert lines(logs.filter(level="error")) == [1, 5]
    assert lines(logs.filter(level="warning")) == lines(logs.filter(level="WARN")) == [3]
    assert lines(logs.filter(container="web")) == lines(logs.filter(container_name="web")) == [2, 5]
    assert lines(logs.filter(pod_name="A")) == lines(logs.filter(pod="A")) == [1, 4]
    assert lines(logs.filter(namespace_name="pax-dev")) == [1, 2, 3, 4, 5]
    assert lines(logs.filter(component="app.db", stream="stderr")) == [4]
    assert lines(logs.filter(tenant="company_a")) == [1, 3]
    assert lines(logs.filter(**{"company.a": "yes"})) == [1]
    assert lines(logs.filter(環境="本番")) == [2]
    assert lines(logs.filter(message_contains=r"fail|boom")) == [1, 5]


def test_lists_mean_any_and_none_means_null(logs: logframe.LogFrame) -> None:
    assert lines(logs.filter(level=["ERROR", "warn"])) == [1, 3, 5]
    assert lines(logs.filter(case_id=["abc", "xyz"])) == [3, 5]
    assert lines(logs.filter(tenant=None)) == [4, 5]


def test_after_is_inclusive_and_before_exclusive(logs: logframe.LogFrame) -> None:
    assert lines(logs.filter(after="2025-10-07T16:05:00Z")) == [2, 3, 4]
    assert lines(logs.filter(before="2025-10-07T16:05:00Z")) == [1]
    assert lines(logs.filter(after=dt.datetime(2025, 10, 7, 18, 5, tzinfo=dt.timezone(dt.timedelta(hours=2))))) == [
        2,
        3,
        4,
    ]


def test_last_minutes_relative_to_newest_and_now(logs: logframe.LogFrame) -> None:
    assert lines(logs.filter(last_minutes=10, relative_to="newest")) == [2, 3, 4]
    assert lines(logs.filter(last_minutes=10)) == []


def test_last_is_a_duration_before_the_newest_record_of_a_file(logs: logframe.LogFrame) -> None:
    assert lines(logs.filter(last="10m")) == [2, 3, 4]
    assert lines(logs.filter(last=dt.timedelta(minutes=5), level="debug")) == [4]
    assert lines(logs.filter(last="10m", relative_to="now")) == []
    assert lines(logs.filter(last="1h", relative_to="newest")) == [1, 2, 3, 4]


def test_times_of_day_are_on_the_date_of_the_newest_record(logs: logframe.LogFrame) -> None:
    assert lines(logs.filter(after="16:05", before="16:10:00")) == [2]
    assert lines(logs.filter(after="2025-10-07 16:10")) == [3, 4]
    assert lines(logs.filter(before="9:00")) == []


def test_expressions_and_any_of(logs: logframe.LogFrame) -> None:
    assert lines(logs.filter(pl.col("level") == "ERROR")) == [1, 5]
    assert lines(logs.filter(field("case_id") == "abc")) == [3]
    either = any_of(pod="C", case_id="xyz", tenant="company-b")
    assert lines(logs.filter(either)) == [2, 3, 5]
    assert lines(logs.filter(either & ~any_of(level="ERROR"))) == [2, 3]
    assert lines(logs.filter(either | logframe.all_of(pod="A", level="DEBUG"))) == [2, 3, 4, 5]


def test_filters_chain_and_leave_the_original_alone(logs: logframe.LogFrame) -> None:
    errors = logs.filter(level="ERROR")
    assert errors is not logs
    assert lines(errors.filter(container="web")) == [5]
    assert lines(logs) == [1, 2, 3, 4, 5]
    assert logs.filter() is logs


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"level": "LOUD"}, "unknown level 'LOUD'; accepted"),
        ({"contaner": "web"}, "did you mean 'container'"),
        ({"after": "yesterday"}, "cannot read 'yesterday' as a time"),
        ({"message_contains": "(unclosed"}, "invalid regular expression"),
        ({"timestamp": "x"}, "after=... and before="),
        ({"fields": "x"}, "filter on one with its key"),
        ({"tenant": []}, "matches nothing"),
        ({"tenant": {"a": 1}}, "values must be strings or numbers"),
        ({"last_minutes": -5}, "positive number of minutes"),
        ({"last_minutes": 5, "relative_to": "then"}, "'now' or 'newest'"),
        ({"relative_to": "now"}, "goes with last="),
        ({"last": "10 minutes"}, "is not a duration"),
        ({"last": 10}, "is not a duration"),
        ({"last": "10m", "last_minutes": 10}, "not both"),
        ({"last_minutes": float("inf")}, "positive number of minutes"),
        ({"after": "24:00"}, "hours are 0-23"),
        ({"last_minute": 5}, "did you mean 'last_minutes'"),
    ],
)
def test_bad_filters_say_what_is_wrong(logs: logframe.LogFrame, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(QueryError, match=message):
        logs.filter(**kwargs)


def test_any_of_rejects_bad_arguments() -> None:
    with pytest.raises(QueryError, match="needs at least one"):
        any_of()
    with pytest.raises(QueryError, match="Polars expressions"):
        any_of("pod='A'")  # type: ignore[arg-type]
    with pytest.raises(QueryError, match="not allowed in any_of"):
        any_of(last_minutes=5)
    with pytest.raises(QueryError, match="not allowed in any_of"):
        any_of(last="5m")


# -- the silent-zero cases of issue 14: each now gives rows, an error or a warning ------------------


def test_since_and_min_level_are_refused_with_what_to_write(logs: logframe.LogFrame) -> None:
    with pytest.raises(QueryError, match=r"since= is not a filter keyword.*after=.*last="):
        logs.filter(since="15m")
    with pytest.raises(QueryError, match=r"until= is not a filter keyword.*before="):
        logs.filter(until="16:10")
    with pytest.raises(QueryError, match=r"min_level= is not a filter keyword.*level'\) >= 'WARNING'"):
        logs.filter(min_level="WARNING")
    with pytest.raises(QueryError, match="max_level= is not a filter keyword"):
        any_of(max_level="INFO")
    # what the messages say to write instead does give the rows
    assert lines(logs.filter(last="15m")) == [1, 2, 3, 4]
    assert lines(logs.filter(pl.col("level") >= "WARNING")) == lines(logs.where("level>='WARNING'")) == [1, 3, 5]
    assert lines(logs.filter(field("since") == "x")) == []  # a field really named so is still reachable


def test_a_field_no_record_has_warns_naming_the_nearest(logs: logframe.LogFrame) -> None:
    with pytest.warns(logframe.UnknownFieldWarning, match=r"'contaner'.*did you mean 'container'\?"):
        assert lines(logs.where("contaner='web'")) == []
    with pytest.warns(logframe.UnknownFieldWarning, match=r"'tenat'.*did you mean 'tenant'\?"):
        logs.where("level='ERROR' & tenat in ('company_a')")
    with pytest.warns(logframe.UnknownFieldWarning, match=r"'zzz'.*fields seen: case_id, company.a, tenant"):
        logs.filter(zzz="1")
    assert issubclass(logframe.UnknownFieldWarning, logframe.LogframeWarning)


def test_real_fields_and_columns_do_not_warn(logs: logframe.LogFrame) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert lines(logs.where("tenant='company_a' & container='backend'")) == [1, 3]
        assert lines(logs.where("case_id is null")) == [1, 2, 4]
        assert lines(logs.filter(tenant="company-b", pod="B")) == [2]


def test_logs_insights_names_and_raw_paths_match(logs: logframe.LogFrame) -> None:
    assert lines(logs.where("@message~'fail|boom'")) == [1, 5]
    assert lines(logs.where("kubernetes.pod_name='A'")) == [1, 4]
    assert lines(logs.where("kubernetes.container_name='web'")) == [2, 5]


def test_field_names_are_the_names_that_are_not_columns() -> None:
    from logframe.querylang import field_names

    assert field_names("@message~'x' & kubernetes.pod_name='A' & \"odd key\"='1' | not tenant contains 'a'") == [
        "odd key",
        "tenant",
    ]
