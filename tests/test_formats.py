"""Formats other than CloudWatch, and detection: logfmt, per-source autodetection, clear errors."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import logframe
from logframe.cli import app
from tests.conftest import Writer, record


def interleave(valid: list[str], garbage: list[str]) -> list[str]:
    """Each valid line followed by one garbage line (or a blank one when garbage runs out)."""
    return [line for pair in zip(valid, [*garbage, *[""] * len(valid)], strict=False) for line in pair]


LOGFMT = [
    'ts=2025-10-07T16:00:00Z level=info msg="request done" service=api pod=api-1 path=/cases duration_ms=12',
    "time=2025-10-07T16:00:05+02:00 lvl=WARN msg=slow tenant=company-b 環境=本番",
    'ts=1759852810 severity=error msg="db down: connection refused" retry=3',
    "level=debug no message here",
]


def test_logfmt_records(write: Writer) -> None:
    df = logframe.scan(write(LOGFMT), format="logfmt").collect()
    assert df["level"].to_list() == ["INFO", "WARNING", "ERROR", "DEBUG"]
    assert df["message"].to_list() == ["request done", "slow", "db down: connection refused", None]
    assert df["container"].to_list() == ["api", None, None, None]
    assert df["pod"].to_list() == ["api-1", None, None, None]
    assert df["timestamp"].to_list()[:3] == [
        dt.datetime(2025, 10, 7, 16, tzinfo=dt.UTC),
        dt.datetime(2025, 10, 7, 14, 0, 5, tzinfo=dt.UTC),
        dt.datetime(2025, 10, 7, 16, 0, 10, tzinfo=dt.UTC),
    ]
    assert [(f["key"], f["value"]) for f in df["fields"][0]] == [("path", "/cases"), ("duration_ms", "12")]
    logs = logframe.scan(write(LOGFMT), format="logfmt")
    assert logs.filter(tenant="company-b", level="warn").collect().height == 1
    assert logs.filter(環境="本番").collect().height == 1


def test_logfmt_skips_lines_without_pairs(write: Writer) -> None:
    logs = logframe.scan(write([LOGFMT[0], "just some words", "", LOGFMT[1]]), format="logfmt")
    report = logs.report()
    assert report["skipped"] == {"not_logfmt": 1, "blank": 1}
    assert report["lines"] == report["records"] + sum(report["skipped"].values())


def test_autodetection_per_source_in_a_directory(tmp_path: Path) -> None:
    (tmp_path / "k8s.jsonl").write_text(
        "\n".join([record("ERROR:db:x tenant=a"), "garbage", record("INFO:db:y")]) + "\n"
    )
    (tmp_path / "svc.log").write_text("\n".join(LOGFMT) + "\n")
    logs = logframe.scan(tmp_path)
    sources = {Path(s["source"]).name: (s["format"], s["why"]) for s in logs.report()["sources"]}
    assert sources == {
        "k8s.jsonl": ("cloudwatch", "2 of 3 sampled lines are JSON objects, 2 with a log or kubernetes key"),
        "svc.log": ("logfmt", "3 of 4 sampled lines are key=value pairs from the first word"),
    }
    assert logs.stats()["by_level"] == {"DEBUG": 1, "INFO": 2, "WARNING": 1, "ERROR": 2}


def test_undetectable_source_names_the_formats_tried(write: Writer) -> None:
    path = write(["just", "plain words", "nothing structured here"])
    with pytest.raises(
        logframe.FormatError,
        match=r"cannot tell the format .* 'cloudwatch', 'cri', 'docker', 'json', 'logfmt', 'python', 'text'",
    ):
        logframe.scan(path)
    assert logframe.scan(path, format="logfmt").report()["skipped"] == {"not_logfmt": 3}


def test_cli_log_format_option(write: Writer) -> None:
    path = write(LOGFMT)
    result = CliRunner().invoke(app, ["stats", str(path), "--log-format", "logfmt", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["total"] == 4
    bad = CliRunner().invoke(app, ["stats", str(path), "--log-format", "syslog"])
    assert bad.exit_code == 2
    assert "unknown format 'syslog'" in bad.output


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=st.lists(st.text(max_size=40).map(lambda s: s.replace("\n", " ").replace("\r", " ")), max_size=10))
def test_logfmt_garbage_never_changes_the_valid_records(write: Writer, garbage: list[str]) -> None:
    valid = [f"ts=2025-10-07T16:0{i}:00Z level=error msg=failed n={i}" for i in range(8)]
    clean = logframe.scan(write(valid), format="logfmt").collect().drop("line", "source")
    mixed = interleave(valid, garbage)
    logs = logframe.scan(write(mixed), format="logfmt")
    kept = logs.collect().filter(pl.col("message") == "failed").drop("line", "source")
    assert kept.equals(clean)
    report = logs.report()
    assert report["lines"] == report["records"] + sum(report["skipped"].values())


BRIEF_RECORD = json.dumps(
    {
        "message": "Workflow step finished",
        "level": "info",
        "timestamp": "Date Thu Nov 14 2024 17:01:04 GMT+0200 (Israel Standard Time)",
        "source": {"type": "workflow", "entity": "invoice-approval", "entityInstance": "wf-42"},
    }
)


def test_json_reads_the_log_service_brief_record(write: Writer) -> None:
    logs = logframe.scan(write([BRIEF_RECORD]))
    assert logs.report()["sources"][0]["format"] == "json"
    row = logs.collect().row(0, named=True)
    assert row["timestamp"] == dt.datetime(2024, 11, 14, 15, 1, 4, tzinfo=dt.UTC)  # GMT+0200 is 2 h ahead of UTC
    assert (row["level"], row["message"]) == ("INFO", "Workflow step finished")
    assert [(f["key"], f["value"]) for f in row["fields"]] == [
        ("source.type", "workflow"),
        ("source.entity", "invoice-approval"),
        ("source.entityInstance", "wf-42"),
    ]
    assert logs.filter(**{"source.entity": "invoice-approval"}).collect().height == 1


def test_json_mapping_with_dotted_paths_and_bad_lines(write: Writer) -> None:
    lines = [
        json.dumps(
            {
                "@t": "2025-10-07T16:00:00Z",
                "event": {"text": "disk full", "sev": "ERROR"},
                "host": "n1",
                "tags": ["a", "b"],
            }
        ),
        "not json",
        '{"@t": "2025-10-07T16:01:00Z", "event": {"text": "cut',
        json.dumps({"@t": 1759852860, "event": {"text": "recovered", "sev": "info"}}),
    ]
    mapping = {"timestamp": "@t", "message": "event.text", "level": "event.sev"}
    logs = logframe.scan(write(lines), format="json", mapping=mapping)
    df = logs.collect()
    assert df["message"].to_list() == ["disk full", "recovered"]
    assert df["level"].to_list() == ["ERROR", "INFO"]
    assert df["pod"].to_list() == ["n1", None]
    assert df["timestamp"].dt.minute().to_list() == [0, 1]
    assert [(f["key"], f["value"]) for f in df["fields"][0]] == [("tags", '["a","b"]')]
    assert logs.report()["skipped"] == {"invalid_json": 1, "truncated_json": 1}


def test_json_mapping_keys_are_checked(write: Writer) -> None:
    with pytest.raises(logframe.FormatError, match=r"unknown mapping keys \['when'\]"):
        logframe.scan(write([BRIEF_RECORD]), format="json", mapping={"when": "ts"})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    garbage=st.lists(
        st.one_of(
            st.text(max_size=40).map(lambda s: s.replace("\n", " ").replace("\r", " ")),
            st.sampled_from(
                ['{"n": {"a": 1}}', '{"n": "text"}', "{}", '{"msg": null}', '{"level": [1]}', "[1]", "{{}"]
            ),
        ),
        max_size=10,
    )
)
def test_json_garbage_never_changes_the_valid_records(write: Writer, garbage: list[str]) -> None:
    valid = [json.dumps({"ts": f"2025-10-07T16:0{i}:00Z", "msg": "failed", "level": "error", "n": i}) for i in range(8)]
    clean = logframe.scan(write(valid), format="json").collect().drop("line", "source")
    mixed = interleave(valid, garbage)
    logs = logframe.scan(write(mixed), format="json")
    assert logs.collect().filter(pl.col("message") == "failed").drop("line", "source").equals(clean)
    report = logs.report()
    assert report["lines"] == report["records"] + sum(report["skipped"].values())


def test_json_keys_of_different_types_across_lines(write: Writer) -> None:
    lines = [
        json.dumps({"msg": "a", "n": {"x": 1}}),
        json.dumps({"msg": "b", "n": 3}),
        json.dumps({"msg": "c", "n": [1]}),
    ]
    df = logframe.scan(write(lines), format="json").collect()
    assert df["message"].to_list() == ["a", "b", "c"]
    assert [[(f["key"], f["value"]) for f in fields] for fields in df["fields"]] == [
        [("n.x", "1")],
        [("n", "3")],
        [("n", "[1]")],
    ]


PYTHON_LOG = [
    "2025-10-07 16:19:05,771 INFO app.main Started worker pid=7",
    "2025-10-07 16:19:06,002 ERROR app.db Query failed tenant=company-b",
    "Traceback (most recent call last):",
    '  File "/app/db.py", line 42, in run',
    "    cursor.execute(query)",
    "psycopg2.OperationalError: connection refused",
    "",
    "2025-10-07 16:19:07,500 - app.jobs - WARNING - queue backlog depth=120",
    "ERROR:app.auth:token expired user=bob",
]


def test_python_logging_with_tracebacks(write: Writer) -> None:
    logs = logframe.scan(write(PYTHON_LOG))
    report = logs.report()
    assert report["sources"][0]["format"] == "python"
    assert report["sources"][0]["why"].endswith("with a traceback")
    assert (report["lines"], report["records"], report["merged"], report["skipped"]) == (9, 4, 4, {"blank": 1})
    assert report["lines"] == report["records"] + report["merged"] + sum(report["skipped"].values())
    df = logs.collect()
    assert df["line"].to_list() == [1, 2, 8, 9]
    assert df["level"].to_list() == ["INFO", "ERROR", "WARNING", "ERROR"]
    assert df["component"].to_list() == ["app.main", "app.db", "app.jobs", "app.auth"]
    assert df["timestamp"].dt.to_string("%H:%M:%S%.3f").to_list()[:3] == [
        "16:19:05.771",
        "16:19:06.002",
        "16:19:07.500",
    ]
    failed = df.row(1, named=True)
    assert failed["message"].startswith("Query failed tenant=company-b\nTraceback (most recent call last):")
    assert failed["message"].endswith("psycopg2.OperationalError: connection refused")
    assert {f["key"]: f["value"] for f in failed["fields"]} == {
        "exception": "psycopg2.OperationalError",
        "exception_message": "connection refused",
        "tenant": "company-b",
    }
    assert logs.filter(exception="psycopg2.OperationalError").collect()["line"].to_list() == [2]


def test_python_tracebacks_across_chunk_boundaries(write: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    import logframe.sources.files as files

    whole = logframe.scan(write(PYTHON_LOG * 20)).collect()
    monkeypatch.setattr(files, "CHUNK_SIZE", 64)  # a traceback spans several chunks
    chopped = logframe.scan(write(PYTHON_LOG * 20))
    assert chopped.collect().drop("source").equals(whole.drop("source"))
    report = chopped.report()
    assert (report["records"], report["merged"]) == (80, 80)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=st.lists(st.text(max_size=40).map(lambda s: s.replace("\n", " ").replace("\r", " ")), max_size=10))
def test_python_garbage_never_changes_the_valid_records(write: Writer, garbage: list[str]) -> None:
    # In a multi-line format a stray line after a record reads as its continuation (appended to its
    # message); what must never change is which records there are, their times, levels and components.
    # Leave out garbage that itself starts a record (a time, or LEVEL: as Python's default shape).
    starts = re.compile(r"^\s*(?:\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}|[A-Za-z]{3,9}:)")
    garbage = [g for g in garbage if not starts.match(g)]
    valid = [f"2025-10-07 16:0{i}:00,000 ERROR app.db failed n={i}" for i in range(8)]
    columns = ["timestamp", "level", "component"]
    clean = logframe.scan(write(valid), format="python").collect().select(columns)
    mixed = interleave(valid, garbage)
    logs = logframe.scan(write(mixed), format="python")
    assert logs.collect().select(columns).equals(clean)
    report = logs.report()
    assert report["lines"] == report["records"] + report["merged"] + sum(report["skipped"].values())


CRI_LOG = [
    "2025-10-07T16:19:05.771609123Z stderr P ERROR:app.db:Connection fa",
    "2025-10-07T16:19:05.771609500Z stderr P iled to db-primary:5432 ",
    "2025-10-07T16:19:05.771609999Z stderr F tenant=company-b retry_count=3",
    "not a cri line",
    "2025-10-07T16:19:06.000000001Z stdout F INFO:app.main:ok",
]


def test_cri_partial_lines_are_joined_and_nanoseconds_kept(write: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    import logframe.sources.files as files

    logs = logframe.scan(write(CRI_LOG))
    report = logs.report()
    assert report["sources"][0]["format"] == "cri"
    assert (report["records"], report["merged"], report["skipped"]) == (2, 2, {"not_cri": 1})
    df = logs.collect()
    assert df["message"].to_list() == ["Connection failed to db-primary:5432 tenant=company-b retry_count=3", "ok"]
    assert df["stream"].to_list() == ["stderr", "stdout"]
    assert df["line"].to_list() == [1, 5]
    assert df.select(pl.col("timestamp").dt.epoch("ns")).to_series().to_list()[0] == 1_759_853_945_771_609_123
    assert logs.filter(tenant="company-b", level="ERROR").collect().height == 1
    monkeypatch.setattr(files, "CHUNK_SIZE", 40)  # the partial pieces land in different chunks
    assert logframe.scan(write(CRI_LOG)).collect().drop("source").equals(df.drop("source"))


TEXT_LOG = [
    "2025-10-07T16:19:05.771Z WARN disk at 91% host=n1 mount=/data",
    "[2025-10-07 16:19:06+02:00] ERROR backup failed code=3 target=s3",
    "Oct  7 16:19:07 n1 sshd[42]: Accepted publickey for deploy",
    "a line without a time",
]


def test_text_lines_with_a_leading_time(write: Writer) -> None:
    logs = logframe.scan(write(TEXT_LOG))
    report = logs.report()
    assert (report["sources"][0]["format"], report["records"], report["null_timestamp"]) == ("text", 4, 1)
    df = logs.collect()
    assert df["level"].to_list() == ["WARNING", "ERROR", None, None]
    assert df["message"].to_list()[:2] == ["disk at 91% host=n1 mount=/data", "backup failed code=3 target=s3"]
    year = dt.datetime.now(dt.UTC).year
    assert df["timestamp"].to_list()[:3] == [
        dt.datetime(2025, 10, 7, 16, 19, 5, 771000, tzinfo=dt.UTC),
        dt.datetime(2025, 10, 7, 14, 19, 6, tzinfo=dt.UTC),
        dt.datetime(year, 10, 7, 16, 19, 7, tzinfo=dt.UTC),
    ]
    assert logs.filter(host="n1").collect()["line"].to_list() == [1]


def test_detection_tells_python_text_and_logfmt_apart(write: Writer) -> None:
    timestamped_pairs = [f"2025-10-07T16:19:0{i}Z INFO request done path=/x status=200 ms={i}" for i in range(5)]
    assert logframe.scan(write(timestamped_pairs)).report()["sources"][0]["format"] == "text"
    assert logframe.scan(write(PYTHON_LOG)).report()["sources"][0]["format"] == "python"
    assert logframe.scan(write(LOGFMT)).report()["sources"][0]["format"] == "logfmt"
