"""Timestamp parsing: every documented spelling, normalised to UTC; bad values become null."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from logframe import QueryError, _native
from logframe.timestamps import iso_z, to_utc

UTC = dt.UTC
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)


def parse(values: list[str | None]) -> list[dt.datetime | None]:
    """What the decoder reads each time as (to the microsecond, as datetime holds it)."""
    out: list[dt.datetime | None] = []
    for value in values:
        ns = None if value is None else _native.parse_timestamp(value)
        out.append(None if ns is None else EPOCH + dt.timedelta(microseconds=ns // 1000))
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-10-07T16:19:05.771609Z", dt.datetime(2025, 10, 7, 16, 19, 5, 771609, UTC)),
        ("2025-10-07T16:44:30-08:00", dt.datetime(2025, 10, 8, 0, 44, 30, tzinfo=UTC)),
        ("2025-10-07T16:44:30+01:00", dt.datetime(2025, 10, 7, 15, 44, 30, tzinfo=UTC)),
        ("2025-10-07 16:44:30+0200", dt.datetime(2025, 10, 7, 14, 44, 30, tzinfo=UTC)),
        ("2025-10-07T16:44:30+02", dt.datetime(2025, 10, 7, 14, 44, 30, tzinfo=UTC)),
        ("2025-10-07T16:44:30+05:30", dt.datetime(2025, 10, 7, 11, 14, 30, tzinfo=UTC)),
        ("2025-10-07 16:44:30 +02:00", dt.datetime(2025, 10, 7, 14, 44, 30, tzinfo=UTC)),
        ("2025-10-07T16:44:30", dt.datetime(2025, 10, 7, 16, 44, 30, tzinfo=UTC)),
        ("2025-10-07 16:44:30 UTC", dt.datetime(2025, 10, 7, 16, 44, 30, tzinfo=UTC)),
        ("2025-10-07 16:19:05,771", dt.datetime(2025, 10, 7, 16, 19, 5, 771000, UTC)),
        ("2025-10-07T16:19Z", dt.datetime(2025, 10, 7, 16, 19, tzinfo=UTC)),
        ("2025-10-07t16:19:05z", dt.datetime(2025, 10, 7, 16, 19, 5, tzinfo=UTC)),
        ("  2025-10-07T16:19:05Z  ", dt.datetime(2025, 10, 7, 16, 19, 5, tzinfo=UTC)),
        ("1759854000", dt.datetime(2025, 10, 7, 16, 20, tzinfo=UTC)),
        ("1759854000123", dt.datetime(2025, 10, 7, 16, 20, 0, 123000, UTC)),
        ("1759854000123456", dt.datetime(2025, 10, 7, 16, 20, 0, 123456, UTC)),
        ("1759854000.25", dt.datetime(2025, 10, 7, 16, 20, 0, 250000, UTC)),
        (
            "Date Thu Nov 14 2024 17:01:04 GMT+0200 (Israel Standard Time)",
            dt.datetime(2024, 11, 14, 15, 1, 4, tzinfo=UTC),
        ),
        ("Tue Oct 07 2025 08:00:00 GMT-0700 (Pacific Daylight Time)", dt.datetime(2025, 10, 7, 15, 0, tzinfo=UTC)),
        ("Thu Nov 14 2024 17:01:04 GMT+0000", dt.datetime(2024, 11, 14, 17, 1, 4, tzinfo=UTC)),
    ],
)
def test_spellings(text: str, expected: dt.datetime) -> None:
    assert parse([text]) == [expected]


@pytest.mark.parametrize(
    "text", [None, "", "   ", "garbage", "2025-13-07T16:19:05Z", "2025-10-07", "nan", "inf", "1.2.3"]
)
def test_unparseable_becomes_null(text: str | None) -> None:
    assert parse([text]) == [None]


def test_nanoseconds_are_kept() -> None:
    assert _native.parse_timestamp("2025-10-07T16:19:05.123456789Z") == 1_759_853_945_123_456_789


OFFSETS = st.integers(-12 * 60, 14 * 60).map(lambda m: dt.timedelta(minutes=m))
INSTANTS = st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1)).map(
    lambda d: d.replace(tzinfo=UTC)
)


def render(instant: dt.datetime, offset: dt.timedelta, style: int) -> str:
    local = instant.astimezone(dt.timezone(offset))
    sign = "+" if offset >= dt.timedelta(0) else "-"
    hours, minutes = divmod(abs(int(offset.total_seconds())) // 60, 60)
    sep = " " if style & 1 else "T"
    frac = f".{local.microsecond:06d}"
    zone = [f"{sign}{hours:02d}:{minutes:02d}", f"{sign}{hours:02d}{minutes:02d}"][(style >> 1) & 1]
    if offset == dt.timedelta(0) and style & 4:
        zone = "Z"
    return local.strftime(f"%Y-%m-%d{sep}%H:%M:%S") + frac + zone


@given(instant=INSTANTS, offset=OFFSETS, style=st.integers(0, 7))
def test_any_offset_spelling_round_trips_to_the_same_utc_instant(
    instant: dt.datetime, offset: dt.timedelta, style: int
) -> None:
    assert parse([render(instant, offset, style)]) == [instant]


@given(instant=INSTANTS)
def test_epoch_milliseconds_round_trip(instant: dt.datetime) -> None:
    millis = instant.replace(microsecond=instant.microsecond // 1000 * 1000)
    epoch_ms = (millis - dt.datetime(1970, 1, 1, tzinfo=UTC)) // dt.timedelta(milliseconds=1)
    assert parse([str(epoch_ms)]) == [millis]


def test_to_utc_accepts_strings_numbers_and_datetimes() -> None:
    assert to_utc("2025-10-07T16:44:30-08:00") == dt.datetime(2025, 10, 8, 0, 44, 30, tzinfo=UTC)
    assert to_utc(1759854000) == dt.datetime(2025, 10, 7, 16, 20, tzinfo=UTC)
    assert to_utc(dt.datetime(2025, 10, 7, 12)) == dt.datetime(2025, 10, 7, 12, tzinfo=UTC)
    assert to_utc(dt.date(2025, 10, 7)) == dt.datetime(2025, 10, 7, tzinfo=UTC)
    eastern = dt.datetime(2025, 10, 7, 12, tzinfo=dt.timezone(dt.timedelta(hours=-4)))
    assert to_utc(eastern) == dt.datetime(2025, 10, 7, 16, tzinfo=UTC)


def test_to_utc_reads_times_to_the_minute_and_times_of_day_on_a_given_date() -> None:
    day = dt.date(2025, 10, 7)
    assert to_utc("2025-10-07 16:40") == to_utc("2025-10-07T16:40") == dt.datetime(2025, 10, 7, 16, 40, tzinfo=UTC)
    assert to_utc("16:40", on=day) == dt.datetime(2025, 10, 7, 16, 40, tzinfo=UTC)
    assert to_utc(" 9:05:30.25 ", on=day) == dt.datetime(2025, 10, 7, 9, 5, 30, 250000, tzinfo=UTC)
    with pytest.raises(QueryError, match="time of day with no date"):
        to_utc("16:40")
    with pytest.raises(QueryError, match="minutes 0-59"):
        to_utc("16:60", on=day)


@pytest.mark.parametrize("bad", ["yesterday", "", True, None, [1]])
def test_to_utc_rejects_what_it_cannot_read(bad: object) -> None:
    with pytest.raises(QueryError, match="time"):
        to_utc(bad)  # type: ignore[arg-type]


def test_iso_z() -> None:
    assert iso_z(None) is None
    assert iso_z(dt.datetime(2025, 10, 7, 18, tzinfo=dt.timezone(dt.timedelta(hours=2)))) == "2025-10-07T16:00:00Z"
