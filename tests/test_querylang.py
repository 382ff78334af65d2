"""The query language of LogFrame.where: operators, precedence, errors with positions."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import logframe
from logframe import QueryError
from logframe.querylang import compile_query
from tests.conftest import Writer, record


@pytest.fixture
def logs(write: Writer) -> logframe.LogFrame:
    return logframe.scan(
        write(
            [
                record("ERROR:db:failed tenant=company_a retry_count=3", "2025-10-07T16:00:00Z", pod="A"),
                record("INFO:web:ok tenant=company-b case_id=abc", "2025-10-07T16:05:00Z", pod="B"),
                record("DEBUG:db:noise tenant=company_a retry_count=10", "2025-10-07T16:10:00Z", pod="C"),
                record('WARN:web:slow user="Jane Doe" company.a=x', "2025-10-07T16:15:00Z", pod="D"),
            ]
        )
    )


def lines(frame: logframe.LogFrame) -> list[int]:
    return frame.collect()["line"].to_list()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("(pod_name='A' | case_id='abc' | tenant='company_a') & level!='DEBUG'", [1, 2]),
        ("level='ERROR'", [1]),
        ("level >= 'WARNING'", [1, 4]),
        ("level < WARNING", [2, 3]),
        ("retry_count > 5", [3]),
        ("retry_count >= 3 and not pod = C", [1]),
        ("message ~ 'fail|slow'", [1, 4]),
        ("message !~ '^(ok|noise) '", [1, 4]),
        ("tenant != 'company_a'", [2, 4]),
        ("timestamp >= '2025-10-07T16:05:00Z' & timestamp < '2025-10-07 18:15:00+02:00'", [2, 3]),
        ("user = 'Jane Doe'", [4]),
        ("company.a = x", [4]),
        ("'company.a' == \"x\"", [4]),
        ("!(pod = 'A' || pod = 'B')", [3, 4]),
        ("pod='A' | pod='B' & level='ERROR'", [1]),
        ("line = 2", [2]),
    ],
)
def test_queries(logs: logframe.LogFrame, query: str, expected: list[int]) -> None:
    assert lines(logs.where(query)) == expected


@pytest.mark.parametrize(
    ("query", "position", "hint"),
    [
        ("level='ERROR' &", 15, "expected"),
        ("(level='ERROR'", 14, "')'"),
        ("level 'ERROR'", 6, "operator"),
        ("a=1 b=2", 4, "'&' or ')' or '|'"),
        ("a = 'unterminated", 4, "unterminated string"),
        ("a @ 1", 2, "operator"),
    ],
)
def test_malformed_queries_point_at_the_position(query: str, position: int, hint: str) -> None:
    with pytest.raises(QueryError) as info:
        compile_query(query)
    text = str(info.value)
    assert f"at position {position}" in text
    assert hint in text
    caret_line = text.splitlines()[2]
    assert caret_line.index("^") - 2 == position


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "non-empty"),
        ("level='LOUD'", "unknown level"),
        ("retry_count > many", "not a number"),
        ("message ~ '('", "invalid regular"),
    ],
)
def test_bad_values_are_clear(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        compile_query(query)


# -- property: random queries agree with a plain-Python evaluation over the rows ----------------------

ROWS = [
    {"pod": "A", "tenant": "t1", "level": "ERROR"},
    {"pod": "B", "tenant": "t2", "level": "INFO"},
    {"pod": "A", "tenant": None, "level": "DEBUG"},
    {"pod": "C", "tenant": "t1", "level": None},
]
FRAME = pl.DataFrame(
    {
        "pod": [r["pod"] for r in ROWS],
        "level": [r["level"] for r in ROWS],
        "fields": [[{"key": "tenant", "value": r["tenant"]}] if r["tenant"] else [] for r in ROWS],
    },
    schema={"pod": pl.String, "level": logframe.SCHEMA["level"], "fields": logframe.SCHEMA["fields"]},
)

Node = tuple[Any, ...]
COMPARISON = st.tuples(
    st.just("cmp"),
    st.sampled_from(["pod", "tenant", "level"]),
    st.sampled_from(["=", "!="]),
    st.sampled_from(["A", "B", "t1", "t2", "ERROR", "INFO"]),
)


def extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    return st.one_of(
        st.tuples(st.just("not"), children),
        st.tuples(st.sampled_from(["and", "or"]), children, children),
    )


QUERIES = st.recursive(COMPARISON, extend, max_leaves=6)


def render(node: Node) -> str:
    if node[0] == "cmp":
        return f"{node[1]} {node[2]} '{node[3]}'"
    if node[0] == "not":
        return f"!({render(node[1])})"
    return f"({render(node[1])} {'&' if node[0] == 'and' else '|'} {render(node[2])})"


def evaluate(node: Node, row: dict[str, Any]) -> bool:
    if node[0] == "cmp":
        value = row[node[1]]
        if node[1] == "level" and node[3] not in ("ERROR", "INFO"):
            return node[2] != "="
        return value == node[3] if node[2] == "=" else value != node[3]
    if node[0] == "not":
        return not evaluate(node[1], row)
    left, right = evaluate(node[1], row), evaluate(node[2], row)
    return left and right if node[0] == "and" else left or right


@given(QUERIES)
def test_random_queries_match_python_semantics(node: Node) -> None:
    text = render(node)
    if "level" in text and any(f"level {op} '{v}'" in text for op in ("=", "!=") for v in ("A", "B", "t1", "t2")):
        with pytest.raises(QueryError, match="unknown level"):
            compile_query(text)
        return
    kept = FRAME.with_row_index().filter(compile_query(text))["index"].to_list()
    assert kept == [i for i, row in enumerate(ROWS) if evaluate(node, row)]
