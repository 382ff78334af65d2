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
        ("pod in ('A', 'C')", [1, 3]),
        ("pod IN (A,C) & level in (error, debug)", [1, 3]),
        ("tenant not in ('company_a')", [2, 4]),
        ("line in (2, 4)", [2, 4]),
        ("message contains 'fail'", [1]),
        ("message contains 'fai.'", []),
        ("message not contains 'tenant'", [4]),
        ("tenant is null", [4]),
        ("tenant is not null & user is NULL", [1, 2, 3]),
        ("not tenant is null", [1, 2, 3]),
        ("@message ~ 'slow'", [4]),
        ("@timestamp >= '2025-10-07T16:10:00Z'", [3, 4]),
        ("@log ~ 'jsonl'", [1, 2, 3, 4]),
        ("kubernetes.pod_name = 'B' | kubernetes.container_name is null", [2]),
        ("notice = 'x' | in = 'y'", []),
        ("pod = 'in'", []),
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
        ("a=1 b=2", 4, "expected '&' or '|' or the end of the query"),
        ("(a=1 b=2", 5, "expected '&' or ')' or '|'"),
        ("a = 'unterminated", 4, "unterminated string"),
        ("a @ 1", 2, "operator"),
        ("pod in ()", 8, "a field name or value"),
        ("pod in ('A'", 11, "')' or ','"),
        ("pod is", 6, "'not' or 'null'"),
        ("pod not = 'A'", 8, "'contains' or 'in'"),
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
        ("fields contains 'x'", "compare one with its key|search one with its key"),
        ("level in ('ERROR', 'LOUD')", "unknown level"),
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


MEMBER = st.tuples(
    st.sampled_from(["in", "not in"]),
    st.sampled_from(["pod", "tenant"]),
    st.lists(st.sampled_from(["A", "B", "t1", "t2"]), min_size=1, max_size=3),
)
NULL_TEST = st.tuples(st.sampled_from(["is null", "is not null"]), st.sampled_from(["pod", "tenant", "level"]))
QUERIES = st.recursive(st.one_of(COMPARISON, MEMBER, NULL_TEST), extend, max_leaves=6)


def render(node: Node) -> str:
    if node[0] in ("in", "not in"):
        return f"{node[1]} {node[0]} ({', '.join(repr(v) for v in node[2])})"
    if node[0] in ("is null", "is not null"):
        return f"{node[1]} {node[0]}"
    if node[0] == "cmp":
        return f"{node[1]} {node[2]} '{node[3]}'"
    if node[0] == "not":
        return f"!({render(node[1])})"
    return f"({render(node[1])} {'&' if node[0] == 'and' else '|'} {render(node[2])})"


def evaluate(node: Node, row: dict[str, Any]) -> bool:
    if node[0] in ("in", "not in"):
        return (row[node[1]] in node[2]) == (node[0] == "in")
    if node[0] in ("is null", "is not null"):
        return (row[node[1]] is None) == (node[0] == "is null")
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
