"""Docker json-file (split lines), JSON inside messages, and Java/Go stack traces in text formats."""

from __future__ import annotations

import json

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import logframe
from tests.conftest import Writer, record
from tests.test_formats import interleave


def docker(log: str, time: str = "2025-10-07T16:19:05.771609Z", stream: str = "stderr") -> str:
    """One line of Docker's json-file driver."""
    return json.dumps({"log": log, "stream": stream, "time": time}, ensure_ascii=False)


LONG = "ERROR:app.db:Connection failed " + "x" * 50 + " tenant=company-b"
DOCKER_LOG = [
    docker(LONG[:20]),
    docker(LONG[20:45], time="2025-10-07T16:19:05.771700Z"),
    docker(LONG[45:] + "\n", time="2025-10-07T16:19:05.771800Z"),
    "{not json",
    docker("INFO:app.main:ready ✅ 環境=本番\n", time="2025-10-07T18:19:06+02:00", stream="stdout"),
    docker("WARNING:app.cache:miss rate high\r\n", time="2025-10-07T16:19:07Z", stream="stdout"),
]


def test_docker_split_lines_are_joined(write: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    import logframe.sources.files as files

    logs = logframe.scan(write(DOCKER_LOG))
    report = logs.report()
    assert report["sources"][0]["format"] == "docker"
    assert (report["records"], report["merged"], report["skipped"]) == (3, 2, {"invalid_json": 1})
    assert report["lines"] == report["records"] + report["merged"] + sum(report["skipped"].values())
    df = logs.collect()
    assert df["line"].to_list() == [1, 5, 6]
    assert df["message"].to_list() == [LONG.split(":", 2)[2], "ready ✅ 環境=本番", "miss rate high"]
    assert df["level"].to_list() == ["ERROR", "INFO", "WARNING"]
    assert df["stream"].to_list() == ["stderr", "stdout", "stdout"]
    assert df["timestamp"].dt.to_string("%H:%M:%S%.6f").to_list() == [
        "16:19:05.771609",  # the first piece's time
        "16:19:06.000000",
        "16:19:07.000000",
    ]
    assert logs.filter(tenant="company-b").collect()["line"].to_list() == [1]
    monkeypatch.setattr(files, "CHUNK_SIZE", 60)  # the pieces land in different chunks
    assert logframe.scan(write(DOCKER_LOG)).collect().drop("source").equals(df.drop("source"))


def test_docker_unfinished_piece_at_the_end_is_kept(write: Writer) -> None:
    df = logframe.scan(write([docker("INFO:a:one\n"), docker("ERROR:a:cut off")]), format="docker").collect()
    assert df["message"].to_list() == ["one", "cut off"]


STRUCTURED = {"level": "error", "msg": "payment declined", "tenant": "company.a", "order": {"id": 7}}


@pytest.mark.parametrize(
    ("line", "fmt"),
    [
        (record(json.dumps(STRUCTURED), pod="pay-1", container="payments"), "cloudwatch"),
        (docker(json.dumps(STRUCTURED) + "\n"), "docker"),
        ("2025-10-07T16:19:05.771609123Z stderr F " + json.dumps(STRUCTURED), "cri"),
        ("2025-10-07T16:19:05Z " + json.dumps(STRUCTURED), "text"),
    ],
)
def test_json_inside_the_message_gives_level_message_and_fields(write: Writer, line: str, fmt: str) -> None:
    logs = logframe.scan(write([line, line]))
    assert logs.report()["sources"][0]["format"] == fmt
    row = logs.collect().row(0, named=True)
    assert (row["level"], row["message"]) == ("ERROR", "payment declined")
    assert {f["key"]: f["value"] for f in row["fields"]} == {"tenant": "company.a", "order.id": "7"}
    assert row["timestamp"] is not None
    assert logs.filter(tenant="company.a", level="error").collect().height == 2
    if fmt == "cloudwatch":  # the outer record's Kubernetes metadata is kept
        assert (row["pod"], row["container"]) == ("pay-1", "payments")


def test_message_that_only_looks_like_json_is_kept_as_text(write: Writer) -> None:
    df = logframe.scan(write([record("{not json} tenant=a"), record('{"msg": "ok", "n": 1}')])).collect()
    assert df["message"].to_list() == ["{not json} tenant=a", "ok"]
    assert [[(f["key"], f["value"]) for f in fields] for fields in df["fields"]] == [[("tenant", "a")], [("n", "1")]]


JAVA_LOG = [
    "2025-10-07 16:19:05,771 ERROR [main] com.acme.Billing - Invoice run failed tenant=company-b",
    "java.lang.IllegalStateException: no lease for shard 3",
    "\tat com.acme.Billing.run(Billing.java:42)",
    "\tat java.base/java.lang.Thread.run(Thread.java:1583)",
    "Caused by: java.net.SocketTimeoutException: Read timed out",
    "\t... 2 more",
    "2025-10-07 16:19:06,002 INFO [main] com.acme.Billing - retrying",
    "panic: runtime error: index out of range [5] with length 3",
    "",
    "goroutine 1 [running]:",
    "main.lookup(...)",
    "\t/app/main.go:12 +0x1d",
    "main.main()",
    "\t/app/main.go:20 +0x45",
    "2025-10-07 16:19:07,000 WARN [main] com.acme.Billing - recovered",
]


def test_java_and_go_traces_merge_into_one_record(write: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    import logframe.sources.files as files

    logs = logframe.scan(write(JAVA_LOG))
    report = logs.report()
    assert report["sources"][0]["format"] == "text"
    assert (report["records"], report["merged"], report["skipped"]) == (4, 10, {"blank": 1})
    df = logs.collect()
    assert df["line"].to_list() == [1, 7, 8, 15]
    assert df["level"].to_list() == ["ERROR", "INFO", "CRITICAL", "WARNING"]  # "panic:" reads as a level
    java = {f["key"]: f["value"] for f in df["fields"][0]}
    assert java["exception"] == "java.lang.IllegalStateException"
    assert java["exception_message"] == "no lease for shard 3"
    assert df["message"][0].splitlines()[-1].strip() == "... 2 more"
    go = {f["key"]: f["value"] for f in df["fields"][2]}
    assert (go["exception"], go["exception_message"]) == (
        "panic",
        "runtime error: index out of range [5] with length 3",
    )
    assert logs.filter(exception="panic").collect()["line"].to_list() == [8]
    monkeypatch.setattr(files, "CHUNK_SIZE", 50)  # traces span chunks
    assert logframe.scan(write(JAVA_LOG)).collect().drop("source").equals(df.drop("source"))


def test_java_trace_in_python_style_logs(write: Writer) -> None:
    lines = ["ERROR:app.jvm:bridge call failed", "java.io.IOException: disk full", "at a.B.c(B.java:1)"]
    row = logframe.scan(write(lines), format="python").collect().row(0, named=True)
    assert {f["key"]: f["value"] for f in row["fields"]} == {
        "exception": "java.io.IOException",
        "exception_message": "disk full",
    }


_LINE_TEXT = st.text(max_size=40).map(lambda s: s.replace("\n", " ").replace("\r", " "))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    garbage=st.lists(st.one_of(_LINE_TEXT, st.sampled_from(["{}", '{"log": 1}', "[1]", "{{}", "null"])), max_size=10)
)
def test_docker_garbage_never_changes_the_valid_records(write: Writer, garbage: list[str]) -> None:
    valid = [docker(f"ERROR:app.db:failed n={i}\n", time=f"2025-10-07T16:0{i}:00Z") for i in range(8)]
    columns = ["timestamp", "level", "component", "message", "stream"]
    clean = logframe.scan(write(valid), format="docker").collect().select(columns)
    logs = logframe.scan(write(interleave(valid, garbage)), format="docker")
    assert logs.collect().filter(pl.col("component") == "app.db").select(columns).equals(clean)
    report = logs.report()
    assert report["lines"] == report["records"] + report["merged"] + sum(report["skipped"].values())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=st.lists(_LINE_TEXT, max_size=10))
def test_text_garbage_never_changes_the_valid_records(write: Writer, garbage: list[str]) -> None:
    # A stray line that looks like a stack frame is merged into the record before it (appended to its
    # message); which records there are, and their times and levels, never change.
    valid = [f"2025-10-07T16:0{i}:00Z ERROR failed n={i}" for i in range(8)]
    columns = ["timestamp", "level"]
    clean = logframe.scan(write(valid), format="text").collect().select(columns)
    logs = logframe.scan(write(interleave(valid, garbage)), format="text")
    assert logs.collect().filter(pl.col("timestamp").is_not_null()).select(columns).equals(clean)
    report = logs.report()
    assert report["lines"] == report["records"] + report["merged"] + sum(report["skipped"].values())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=st.lists(_LINE_TEXT, max_size=10))
def test_cri_garbage_never_changes_the_valid_records(write: Writer, garbage: list[str]) -> None:
    valid = [f"2025-10-07T16:0{i}:00.000000001Z stdout F ERROR:app.db:failed n={i}" for i in range(8)]
    columns = ["timestamp", "level", "message"]
    clean = logframe.scan(write(valid), format="cri").collect().select(columns)
    logs = logframe.scan(write(interleave(valid, garbage)), format="cri")
    assert logs.collect().filter(pl.col("level").is_not_null()).select(columns).equals(clean)
    report = logs.report()
    assert report["lines"] == report["records"] + report["merged"] + sum(report["skipped"].values())
