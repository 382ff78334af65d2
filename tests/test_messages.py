"""Message parsing: level/component prefixes and key-value fields, checked against a plain-Python reference."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from logframe import _native
from logframe.schema import normalise_level


def parsed(logs: list[str | None]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for log in logs:
        if log is None:
            out.append({"level": None, "component": None, "message": None, "fields": []})
            continue
        level, component, message, pairs = _native.parse_message(log)
        fields = [{"key": k, "value": v} for k, v in pairs]
        out.append({"level": level, "component": component, "message": message, "fields": fields})
    return out


def fields(text: str) -> list[tuple[str, str | None]]:
    # The fields of a message without a level prefix are those of its whole text.
    return list(_native.parse_message(text)[3])


@pytest.mark.parametrize(
    ("log", "level", "component", "message"),
    [
        (
            "ERROR:app.database:Connection failed tenant=company-b",
            "ERROR",
            "app.database",
            "Connection failed tenant=company-b",
        ),
        ("INFO:app.main:Resolved tenant: company_a", "INFO", "app.main", "Resolved tenant: company_a"),
        ("warning:root:lower case", "WARNING", "root", "lower case"),
        ("FATAL:app.worker:boom", "CRITICAL", "app.worker", "boom"),
        ("ERROR: only one colon", "ERROR", None, "only one colon"),
        ("Error: lower case with colon", "ERROR", None, "lower case with colon"),
        ("[WARN] disk at 91%", "WARNING", None, "disk at 91%"),
        ("[error]no space", "ERROR", None, "no space"),
        ("ERROR Connection failed", "ERROR", None, "Connection failed"),
        ("INFO - started", "INFO", None, "started"),
        ("ERR\ttabbed", "ERROR", None, "tabbed"),
        ('level=error msg="db down" tenant=a', "ERROR", None, "db down"),
        ("ts=1 lvl=warn msg=slow", "WARNING", None, "slow"),
        ("severity=CRITICAL something", "CRITICAL", None, "severity=CRITICAL something"),
        ("Error handling request", None, None, "Error handling request"),
        ("ERRORS are bad", None, None, "ERRORS are bad"),
        ("[NOTALEVEL] x", None, None, "[NOTALEVEL] x"),
        ("xlevel=error", None, None, "xlevel=error"),
        ("DEBUG:a b:c", "DEBUG", None, "a b:c"),
        ("", None, None, ""),
    ],
)
def test_prefix_shapes(log: str, level: str | None, component: str | None, message: str) -> None:
    row = parsed([log])[0]
    assert (row["level"], row["component"], row["message"]) == (level, component, message)


def test_null_log_gives_nulls_and_no_fields() -> None:
    assert parsed([None]) == [{"level": None, "component": None, "message": None, "fields": []}]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tenant=company_a retry_count=3", [("tenant", "company_a"), ("retry_count", "3")]),
        ("company.a=1 company-b=2 環境=本番", [("company.a", "1"), ("company-b", "2"), ("環境", "本番")]),
        ("user=\"Jane Doe\" q='x y'", [("user", "Jane Doe"), ("q", "x y")]),
        (r'say="a \"quoted\" word"', [("say", 'a "quoted" word')]),
        (
            "path=/api/v2/企業/データ cpu=45% url=https://h/p?x=1&y=2",
            [("path", "/api/v2/企業/データ"), ("cpu", "45%"), ("url", "https://h/p?x=1&y=2")],
        ),
        ("case_id=abc-123-def, then", [("case_id", "abc-123-def")]),
        ("empty= next=1", [("empty", ""), ("next", "1")]),
        ("🔥=hot", [("🔥", "hot")]),
        ("no pairs here", []),
        ("a==b", [("a", "=b")]),
        ('unterminated="open quote', [("unterminated", '"open')]),
    ],
)
def test_key_values(text: str, expected: list[tuple[str, str]]) -> None:
    assert fields(text) == expected


# -- a plain-Python reference of the documented grammar, compared on generated messages --------------

WORDS = ["DEBUG", "INFO", "WARNING", "WARN", "ERROR", "ERR", "CRITICAL", "FATAL", "TRACE", "NOTICE"]


def reference_level(log: str) -> str | None:
    text = log.lstrip(" \t")
    m = re.match(r"([A-Za-z]{3,9}):", text)
    if m and normalise_level(m.group(1)):
        return normalise_level(m.group(1))
    m = re.match(r"\[([A-Za-z]{3,9})\]", text)
    if m and normalise_level(m.group(1)):
        return normalise_level(m.group(1))
    m = re.match(r"([A-Z]{3,9})(?:[| \t-]|$)", text)
    if m and normalise_level(m.group(1)):
        return normalise_level(m.group(1))
    m = re.search(r"(?:^|\s)(?:level|lvl|severity)=[\"']?([A-Za-z]+)", log)
    return normalise_level(m.group(1)) if m else None


KEY = st.from_regex(r"[a-z][a-z0-9_.\-]{0,8}", fullmatch=True)
VALUE = st.from_regex(r"[A-Za-z0-9_.:/%\-]{0,10}", fullmatch=True)
PREFIX = st.one_of(
    st.sampled_from(WORDS).map(lambda w: f"{w}:app.mod:"),
    st.sampled_from(WORDS).map(lambda w: f"{w.lower()}:root:"),
    st.sampled_from(WORDS).map(lambda w: f"[{w.title()}] "),
    st.sampled_from(WORDS).map(lambda w: f"{w} "),
    st.sampled_from(WORDS).map(lambda w: f"level={w.lower()} "),
    st.just(""),
)
WORDS_TEXT = st.lists(st.from_regex(r"[A-Za-z][a-z]{0,7}", fullmatch=True), max_size=4).map(" ".join)


@given(prefix=PREFIX, text=WORDS_TEXT, pairs=st.lists(st.tuples(KEY, VALUE), max_size=4))
def test_matches_the_reference_grammar(prefix: str, text: str, pairs: list[tuple[str, str]]) -> None:
    body = " ".join([text, *(f"{k}={v}" for k, v in pairs)]).strip()
    log = prefix + body
    row = parsed([log])[0]
    assert row["level"] == reference_level(log)
    got = [(f["key"], f["value"]) for f in row["fields"]]  # type: ignore[attr-defined]
    expected = [(k, v.rstrip(",;") if v[-1:] in ",;" else v) for k, v in pairs]
    assert got[-len(expected) :] == expected if expected else True
