"""The streaming reader, the CloudWatch format and local sources: messy input never crashes or loses lines."""

from __future__ import annotations

import bz2
import gzip
import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import logframe
import logframe.sources.files as files
from tests.conftest import Writer, record


def test_messy_lines_are_skipped_by_reason_and_counted(write: Writer) -> None:
    path = write(
        [
            record("INFO:a:one"),
            "",
            "   \t ",
            '{"time": "2025-10-07T16:46:00Z", "log": "ERROR:app.db:Connection fa',
            "null",
            '""',
            "{]",
            "{{}",
            "[1, 2, 3]",
            "plain text",
            record("ERROR:a:two"),
        ]
    )
    logs = logframe.scan(path)
    report = logs.report()
    assert report["lines"] == 11
    assert report["records"] == 2
    assert report["skipped"] == {
        "blank": 2,
        "truncated_json": 1,
        "not_a_json_object": 3,
        "invalid_json": 3,
    }
    assert report["lines"] == report["records"] + sum(report["skipped"].values())
    assert [e["line"] for e in report["examples"]["invalid_json"]] == [7, 8, 10]
    assert report["examples"]["not_a_json_object"][0] == {"source": str(path), "line": 5, "text": "null"}
    assert logs.collect()["line"].to_list() == [1, 11]


def test_bom_crlf_and_whitespace_are_handled(write: Writer) -> None:
    raw = ("\ufeff" + record("INFO:a:first") + "\r\n  " + record("WARN:a:second") + "  \r\n").encode()
    df = logframe.scan(write(raw)).collect()
    assert df["message"].to_list() == ["first", "second"]
    assert df["level"].to_list() == ["INFO", "WARNING"]


def test_invalid_utf8_is_replaced_not_fatal(write: Writer) -> None:
    good = record("INFO:a:caf\u00e9 ok").encode()
    bad = record("INFO:a:broken XX here").encode().replace(b"XX", b"\xff\xfe")
    logs = logframe.scan(write(good + b"\n" + bad + b"\n"))
    assert logs.collect()["message"].to_list() == ["caf\u00e9 ok", "broken \ufffd\ufffd here"]
    assert logs.report()["invalid_utf8"] == 1


def test_missing_and_null_fields_keep_the_record(write: Writer) -> None:
    lines = [
        json.dumps({"time": "2025-10-07T16:00:00Z", "log": "ERROR:a:x", "kubernetes": None}),
        json.dumps({"time": None, "stream": "stderr", "kubernetes": {"pod_name": "p"}}),
        json.dumps({}),
    ]
    df = logframe.scan(write(lines)).collect()
    assert df.height == 3
    assert df.row(0, named=True)["pod"] is None
    assert df.row(1, named=True)["pod"] == "p"
    assert df.row(1, named=True)["container"] is None
    assert df.row(1, named=True)["message"] is None
    assert df["timestamp"].null_count() == 2


def test_unexpected_json_types_do_not_fail_the_batch(write: Writer) -> None:
    lines = [
        record("INFO:a:fine"),
        json.dumps({"time": 1759852800, "log": {"nested": 1}, "kubernetes": "backend"}),
        json.dumps({"time": "2025-10-07T16:00:00Z", "log": 12345, "kubernetes": {"pod_name": 7}}),
        record("INFO:a:also fine"),
    ]
    df = logframe.scan(write(lines)).collect()
    assert df.height == 4
    assert df["message"].to_list() == ["fine", '{"nested":1}', "12345", "also fine"]
    assert df["pod"].to_list() == ["backend-1", None, "7", "backend-1"]
    assert df["timestamp"].dt.to_string("%Y-%m-%dT%H:%M:%S").to_list()[1] == "2025-10-07T16:00:00"


def test_chunk_boundaries_do_not_split_records(write: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "CHUNK_SIZE", 97)
    lines = [record(f"INFO:a:message number {i} with unicode \u4f01\u696d \U0001f525") for i in range(200)]
    lines[50] = "{{}"
    df = logframe.scan(write(lines)).collect()
    assert df.height == 199
    assert df["line"].to_list() == [i + 1 for i in range(200) if i != 50]
    assert df["message"][0] == "message number 0 with unicode \u4f01\u696d \U0001f525"


def test_a_line_longer_than_the_limit_is_skipped(write: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "MAX_LINE", 1000)
    monkeypatch.setattr(files, "CHUNK_SIZE", 256)
    path = write([record("INFO:a:before"), record("INFO:a:" + "x" * 5000), record("INFO:a:after")])
    logs = logframe.scan(path)
    assert logs.collect()["message"].to_list() == ["before", "after"]
    assert logs.collect()["line"].to_list() == [1, 3]
    assert logs.report()["skipped"] == {"line_too_long": 1}


def test_compressed_globbed_and_listed_sources(write: Writer, tmp_path: Path) -> None:
    body = "".join(record(f"INFO:a:{i}") + "\n" for i in range(3)).encode()
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(body))
    (tmp_path / "b.jsonl.bz2").write_bytes(bz2.compress(body))
    (tmp_path / "c.jsonl").write_bytes(body)
    assert logframe.scan(str(tmp_path / "*.jsonl*")).collect().height == 9
    both = logframe.scan([tmp_path / "a.jsonl.gz", tmp_path / "c.jsonl"]).collect()
    assert both["source"].unique(maintain_order=True).to_list() == [
        str(tmp_path / "a.jsonl.gz"),
        str(tmp_path / "c.jsonl"),
    ]
    assert both["line"].to_list() == [1, 2, 3, 1, 2, 3]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("no/such/file.log", "no such file"),
        ("no/such/*.log", "matches no file"),
        ([], "no source given"),
    ],
)
def test_bad_sources_raise_clear_errors(source: object, message: str) -> None:
    with pytest.raises(logframe.SourceError, match=message):
        logframe.scan(source)  # type: ignore[arg-type]


def test_unknown_format_is_a_clear_error() -> None:
    with pytest.raises(logframe.FormatError, match="accepted: 'auto', 'cloudwatch'"):
        logframe.scan("sample_logs.txt", format="syslog")


def test_projection_reads_only_what_a_query_needs() -> None:
    plan = logframe.scan("sample_logs.txt").lazy().select("container").explain()
    assert "PROJECT 1/11 COLUMNS" in plan


def test_lines_are_numbered_and_stripped(write: Writer) -> None:
    logs = logframe.scan(write(b"a=1\r\n\n  b=2  \n"), format="logfmt")
    df = logs.collect()
    assert df["line"].to_list() == [1, 3]
    assert [[(f["key"], f["value"]) for f in row] for row in df["fields"]] == [[("a", "1")], [("b", "2")]]
    report = logs.report()
    assert (report["lines"], report["skipped"], report["invalid_utf8"]) == (3, {"blank": 1}, 0)


@pytest.mark.parametrize(
    ("text", "reason"),
    [('{"a": "cut', "truncated_json"), ("{]", "invalid_json"), ("[1]", "not_a_json_object"), ("tru", "invalid_json")],
)
def test_skip_reasons(write: Writer, text: str, reason: str) -> None:
    assert logframe.scan(write([text]), format="cloudwatch").report()["skipped"] == {reason: 1}


# -- property: garbage mixed into a valid file never crashes and never changes the valid records ----

GARBAGE = st.one_of(
    st.text(max_size=60).map(lambda s: s.replace("\n", " ").replace("\r", " ")),
    st.sampled_from(["", "  ", "null", '""', "{]", "{{}", "[1]", "{", "}", '{"log": }', '{"a":1} x', "\ufeff"]),
    st.builds(lambda s, n: s[:n], st.just(record("INFO:a:cut me")), st.integers(0, 60)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=st.lists(GARBAGE, max_size=12), positions=st.lists(st.integers(0, 20), max_size=12))
def test_garbage_never_changes_the_valid_records(write: Writer, garbage: list[str], positions: list[int]) -> None:
    valid = [record(f"ERROR:app.db:failed tenant=t{i} n={i}", f"2025-10-07T16:0{i % 10}:00Z") for i in range(20)]
    clean = logframe.scan(write(valid)).collect().drop("line", "source")
    mixed = list(valid)
    for text, pos in zip(garbage, positions, strict=False):
        mixed.insert(min(pos, len(mixed)), text)
    logs = logframe.scan(write(mixed))
    kept = logs.collect()
    report = logs.report()
    assert report["lines"] == len(mixed)
    assert report["lines"] == report["records"] + sum(report["skipped"].values())
    valid_rows = kept.filter(pl.col("message").str.starts_with("failed tenant=")).drop("line", "source")
    assert valid_rows.equals(clean)


def test_suspicious_but_valid_lines_are_kept_in_order(write: Writer) -> None:
    lines = [
        record("INFO:a:first"),
        '{ "log": "INFO:a:space after brace", "time": "2025-10-07T16:00:01Z"}',
        record("INFO:a:value with : } inside a string"),
        '{"log": "ERROR:a:missing", "time": }',
        "{{}",
        "{}",
        record("INFO:a:last"),
    ]
    logs = logframe.scan(write(lines))
    df = logs.collect()
    assert df["line"].to_list() == [1, 2, 3, 6, 7]
    assert df["message"].to_list() == ["first", "space after brace", "value with : } inside a string", None, "last"]
    assert logs.report()["skipped"] == {"invalid_json": 2}


def test_directories_are_read_recursively_without_hidden_files(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    (tmp_path / "a" / "one.jsonl").write_text(record("INFO:a:one") + "\n")
    (tmp_path / "a" / "b" / "two.jsonl").write_text(record("INFO:a:two") + "\n")
    (tmp_path / ".git" / "config").write_text("not logs\n")
    (tmp_path / ".hidden.jsonl").write_text("not logs\n")
    logs = logframe.scan(tmp_path)
    assert logs.collect()["message"].to_list() == ["two", "one"]  # a/b/two.jsonl sorts before a/one.jsonl
    assert logs.report()["skipped"] == {}
    (tmp_path / "empty").mkdir()
    with pytest.raises(logframe.SourceError, match="contains no files"):
        logframe.scan(tmp_path / "empty")


def test_zstd_files(tmp_path: Path) -> None:
    import zstandard

    body = "".join(record(f"INFO:a:{i}") + "\n" for i in range(3)).encode()
    (tmp_path / "logs.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(body))
    assert logframe.scan(tmp_path / "logs.jsonl.zst").collect()["message"].to_list() == ["0", "1", "2"]


def test_stdin_is_spooled_and_can_be_read_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    data = (record("ERROR:a:from a pipe") + "\n" + "garbage\n").encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    logs = logframe.scan("-")
    assert logs.collect()["source"].to_list() == ["<stdin>"]
    assert logs.report()["skipped"] == {"invalid_json": 1}
    assert logs.stats()["by_level"] == {"ERROR": 1}
