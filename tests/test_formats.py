"""Formats other than CloudWatch, and detection: logfmt, per-source autodetection, clear errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import logframe
from logframe.cli import app
from tests.conftest import Writer, record

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
        "svc.log": ("logfmt", "3 of 4 sampled lines have two or more '=' (key=value pairs)"),
    }
    assert logs.stats()["by_level"] == {"DEBUG": 1, "INFO": 2, "WARNING": 1, "ERROR": 2}


def test_undetectable_source_names_the_formats_tried(write: Writer) -> None:
    path = write(["just", "plain words", "nothing structured here"])
    with pytest.raises(logframe.FormatError, match=r"cannot tell the format .* 'cloudwatch', 'json', 'logfmt'"):
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
    mixed = [line for pair in zip(valid, [*garbage, *[""] * len(valid)], strict=False) for line in pair]
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
    mixed = [line for pair in zip(valid, [*garbage, *[""] * len(valid)], strict=False) for line in pair]
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
