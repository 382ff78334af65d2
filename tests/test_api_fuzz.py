"""A bounded fuzz test of the HTTP API (issue 13, item 5): >= 2,000 generated requests, in-process
(Starlette's TestClient; nothing leaves the process), and not one answered 500.

Requests mix well-formed and hostile parts: query-language expressions built from its grammar with
odd numbers (1e309, nan), regexes Polars refuses, deep nesting, times without a zone or out of range,
forged cursors, raw percent-encoded bytes (invalid UTF-8, lone surrogates), JSON bodies with lone
surrogates or deep nesting, gzip bodies truncated or corrupt, odd idempotency keys and parameters.
"""

from __future__ import annotations

import base64
import gzip
import json
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SAMPLE, record

pytest.importorskip("deltalake")
pytest.importorskip("fastapi")

pytestmark = pytest.mark.service

REQUESTS = 2000

_NAMES = st.sampled_from(
    [
        "level",
        "line",
        "timestamp",
        "ts",
        "message",
        "fields",
        "tenant",
        "pod_name",
        "source",
        "stream",
        "x.y",
        '"a key"',
        "環境",
        "retry_count",
        "container",
    ]
)
_OPS = st.sampled_from(["=", "==", "!=", "~", "!~", "<", "<=", ">", ">="])
_VALUES = st.one_of(
    st.sampled_from(
        [
            "'ERROR'",
            "error",
            "1e309",
            "-1e309",
            "nan",
            "inf",
            "-inf",
            "1",
            "-1",
            "0.5",
            "99999999999999999999999",
            "'('",
            "'[a-'",
            "'fail(?=ed)'",
            "'\\\\'",
            "2025-10-07T16:00:00Z",
            "'2025-10-07T16:00:00'",
            "''",
            "'99999-01-01'",
            "'0000-00-00T00:00:00Z'",
            "'\\ud800'",
            "company-b",
            "'a b'",
        ]
    ),
    st.text(max_size=8).map(lambda t: "'" + t.replace("\\", "\\\\").replace("'", "\\'") + "'"),
)
_COMPARISON = st.builds(lambda n, o, v: f"{n}{o}{v}", _NAMES, _OPS, _VALUES)
_QUERY = st.recursive(
    _COMPARISON,
    lambda q: st.one_of(
        st.builds(lambda a, b: f"({a}) & ({b})", q, q),
        st.builds(lambda a, b: f"{a} | {b}", q, q),
        q.map(lambda a: f"!{a}"),
        q.map(lambda a: f"not ({a})"),
    ),
    max_leaves=6,
)
_WHERE = st.one_of(
    _QUERY,
    st.text(max_size=30),
    st.integers(min_value=1, max_value=2000).map(lambda n: "!" * n + "level='ERROR'"),
    st.integers(min_value=1, max_value=2000).map(lambda n: "(" * n + "level='ERROR'" + ")" * n),
)
_TIMES = st.one_of(
    st.sampled_from(
        [
            "2025-10-07T16:00:00Z",
            "2025-10-07T16:00:00",
            "2025-10-07",
            "2025-13-45T00:00:00Z",
            "99999-01-01",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "now",
            "",
            "1e309",
            "-1",
            "2025-10-07T16:00:00+25:00",
            "yesterday",
            "2025-10-07T16:00:00.123456789Z",
        ]
    ),
    st.datetimes().map(lambda d: d.isoformat()),
    st.text(max_size=12),
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=8,
)


def _cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


_CURSORS = st.one_of(
    st.builds(lambda t, i: _cursor([t, i]), _TIMES, st.one_of(st.text(max_size=10), st.integers(), st.none())),
    st.builds(_cursor, _JSON),
    st.binary(max_size=30).map(lambda b: base64.urlsafe_b64encode(b).decode()),
    st.text(max_size=20),
)
_PARAM_VALUES = {
    "/v1/logs": {
        "start": _TIMES,
        "end": _TIMES,
        "level": st.one_of(
            st.sampled_from(["ERROR", "warn,error", "", ",", "nope", "ERROR,,INFO"]), st.text(max_size=8)
        ),
        "where": _WHERE,
        "limit": st.one_of(st.integers(min_value=-5, max_value=20_000).map(str), st.text(max_size=5)),
        "cursor": _CURSORS,
        "order": st.one_of(st.sampled_from(["newest", "oldest", "NEWEST", ""]), st.text(max_size=5)),
    },
    "/v1/stats": {
        "start": _TIMES,
        "end": _TIMES,
        "by": st.one_of(
            st.sampled_from(["level", "container,tenant", "fields", "", ",", "timestamp", "line"]), st.text(max_size=10)
        ),
        "every": st.one_of(
            st.sampled_from(["5m", "1h", "0s", "-1m", "1000000000d", "1mo", "x", ""]), st.text(max_size=5)
        ),
    },
    "/v1/patterns": {
        "start": _TIMES,
        "end": _TIMES,
        "limit": st.one_of(st.integers(min_value=-5, max_value=5000).map(str), st.text(max_size=5)),
    },
}


def _raw_query(params: dict[str, str], raw: list[tuple[str, bytes]]) -> str:
    parts = [urllib.parse.urlencode({k: v.encode("utf-8", "surrogatepass")}) for k, v in params.items()]
    parts += [f"{urllib.parse.quote(k)}={urllib.parse.quote_from_bytes(b)}" for k, b in raw]
    return "&".join(parts)


@st.composite
def _get(draw: st.DrawFn) -> tuple[str, str, dict[str, str], bytes]:
    path = draw(st.sampled_from([*_PARAM_VALUES, "/v1/alerts", "/health", "/metrics", "/openapi.json", "/nope"]))
    values = _PARAM_VALUES.get(path, {})
    params = {name: draw(strategy) for name, strategy in values.items() if draw(st.booleans())}
    raw = draw(
        st.lists(st.tuples(st.sampled_from([*values, "x"] if values else ["x"]), st.binary(max_size=6)), max_size=2)
    )
    return "GET", f"{path}?{_raw_query(params, raw)}", {}, b""


_LINES = st.lists(
    st.one_of(
        st.builds(lambda m, t: record(m, t), st.text(max_size=30), _TIMES),
        st.text(max_size=40),
        _JSON.map(lambda v: json.dumps(v)),
    ),
    max_size=8,
).map(lambda lines: "\n".join(lines).encode("utf-8", "surrogatepass"))
_BODIES = st.one_of(
    _LINES,
    st.binary(max_size=200),
    st.lists(_JSON, max_size=5).map(lambda items: json.dumps(items).encode()),
    st.sampled_from(
        [
            b'[{"log": "\\ud800 lone", "time": "2025-10-07T16:00:00Z"}]',
            b"[" * 100_000 + b"]" * 100_000,
            b'[{"a": ' * 5000 + b"1" + b"}" * 5000 + b"]",
            b"[1, 2",
            b"[]",
            b"",
            b"\xff\xfe\x00",
        ]
    ),
)


@st.composite
def _post(draw: st.DrawFn) -> tuple[str, str, dict[str, str], bytes]:
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        return "POST", "/v1/flush", {}, b""
    content = draw(_BODIES)
    headers: dict[str, str] = {}
    encoding = draw(st.sampled_from([None, "gzip", "gzip", "identity", "br", "GZIP", ""]))
    if encoding is not None:
        headers["Content-Encoding"] = encoding
        if encoding.lower() == "gzip":
            content = gzip.compress(content)
            cut = draw(st.integers(min_value=0, max_value=3))
            if cut == 1:
                content = content[: len(content) // 2]
            elif cut == 2:
                content = content + draw(st.binary(min_size=1, max_size=8))
    if draw(st.booleans()):
        headers["Idempotency-Key"] = draw(
            st.one_of(
                st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=20),
                st.sampled_from(["", " ", "k" * 300, "k" * 70_000]),
            )
        )
    params = {}
    if draw(st.booleans()):
        params["format"] = draw(
            st.one_of(st.sampled_from(["auto", "cloudwatch", "json", "text", "logfmt", "xml", ""]), st.text(max_size=8))
        )
    if draw(st.booleans()):
        params["source"] = draw(st.text(max_size=20))
    if draw(st.booleans()):
        params["wait"] = draw(st.sampled_from(["committed", "accepted", "", "x"]))
    return "POST", f"/v1/ingest?{_raw_query(params, [])}", headers, content


def test_no_generated_request_gets_a_500(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from logframe.service.api import create_app

    app = create_app(str(tmp_path / "store"), commit_interval=0.05)
    sent: list[int] = []
    with TestClient(app, raise_server_exceptions=False) as test_client:
        assert test_client.post("/v1/ingest?source=sample", content=SAMPLE.read_bytes()).status_code == 200
        assert test_client.post("/v1/flush").status_code == 200

        @settings(max_examples=REQUESTS, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(request=st.one_of(_get(), _get(), _post()))
        def one(request: tuple[str, str, dict[str, str], bytes]) -> None:
            method, url, headers, content = request
            answer = test_client.request(method, url, headers=headers, content=content)
            sent.append(answer.status_code)
            assert answer.status_code < 500, (method, url[:300], headers, content[:200], answer.text[:500])
            if answer.status_code >= 400 and answer.status_code != 404:
                assert answer.json()["detail"], answer.text  # a message that says what was wrong

        one()
    assert len(sent) >= REQUESTS
    assert sum(code == 200 for code in sent) > REQUESTS // 10  # not only refusals: the API was exercised
