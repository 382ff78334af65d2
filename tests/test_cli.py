"""The logframe command line, driven through typer's test runner."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from logframe.cli import app

runner = CliRunner()


def test_stats_readable_and_json() -> None:
    result = runner.invoke(app, ["stats", "sample_logs.txt"])
    assert result.exit_code == 0
    assert "records: 137" in result.output
    as_json = json.loads(runner.invoke(app, ["stats", "sample_logs.txt", "--json"]).output)
    assert as_json["by_level"]["ERROR"] == 45


def test_report() -> None:
    result = runner.invoke(app, ["report", "sample_logs.txt", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["skipped"]["blank"] == 2


def test_query_formats(tmp_path: Path) -> None:
    where = "level='ERROR' & tenant='company-b'"
    table = runner.invoke(app, ["query", "sample_logs.txt", "--where", where, "-n", "3"])
    assert table.exit_code == 0
    assert "Connection failed" in table.output
    ndjson = runner.invoke(app, ["query", "sample_logs.txt", "-w", where, "-f", "ndjson"])
    assert len(ndjson.output.splitlines()) == 30
    csv_out = runner.invoke(app, ["query", "sample_logs.txt", "-w", where, "-f", "csv"])
    assert len(csv_out.output.splitlines()) == 31
    parquet = tmp_path / "e.parquet"
    assert (
        runner.invoke(app, ["query", "sample_logs.txt", "-w", where, "-f", "parquet", "-o", str(parquet)]).exit_code
        == 0
    )
    assert pl.read_parquet(parquet).height == 30


def test_query_text_json_and_files(tmp_path: Path) -> None:
    where = "level='ERROR' & tenant='company-b'"
    text = runner.invoke(app, ["query", "sample_logs.txt", "-w", where, "-f", "text"]).output.splitlines()
    assert len(text) == 30
    assert text[0].startswith("2025-10-07T16:")
    assert " ERROR " in text[0]
    records = json.loads(runner.invoke(app, ["query", "sample_logs.txt", "-w", where, "-f", "json"]).output)
    assert len(records) == 30
    assert {r["level"] for r in records} == {"ERROR"}
    assert records[0]["fields"]["tenant"] == "company-b"
    assert json.loads(runner.invoke(app, ["query", "sample_logs.txt", "-w", "pod='none'", "-f", "json"]).output) == []
    out = tmp_path / "e.ndjson"
    assert runner.invoke(app, ["query", "sample_logs.txt", "-w", where, "-f", "ndjson", "-o", str(out)]).exit_code == 0
    assert len(out.read_text().splitlines()) == 30


def test_a_terminal_table_says_how_many_more_matched() -> None:
    result = runner.invoke(app, ["query", "sample_logs.txt", "-w", "level='ERROR'"])
    errors = len(
        runner.invoke(app, ["query", "sample_logs.txt", "-w", "level='ERROR'", "-f", "ndjson"]).output.splitlines()
    )
    assert result.exit_code == 0
    assert f"... {errors - 20} more" in result.output
    assert "more" not in runner.invoke(app, ["query", "sample_logs.txt", "-w", "level='ERROR'", "-n", "5"]).output


def test_since_from_and_to_on_reading_commands() -> None:
    stats = json.loads(runner.invoke(app, ["stats", "sample_logs.txt", "--since", "5m", "--json"]).output)
    assert stats["time_range"]["start"] >= "2025-10-07T16:53:21"
    window = ["query", "sample_logs.txt", "-f", "ndjson", "--from", "16:50", "--to", "2025-10-07 16:51"]
    lines = [json.loads(line) for line in runner.invoke(app, window).output.splitlines()]
    assert [r["line"] for r in lines] == [138, 139]
    assert all("2025-10-07T16:50" in r["timestamp"] for r in lines)


def test_version() -> None:
    import logframe

    result = runner.invoke(app, ["--version"])
    assert (result.exit_code, result.output.strip()) == (0, f"logframe {logframe.__version__}")


def test_progress_bar_can_be_forced() -> None:
    assert runner.invoke(app, ["stats", "sample_logs.txt", "--progress"]).exit_code == 0


def test_bad_arguments_exit_non_zero_with_a_message() -> None:
    missing = runner.invoke(app, ["stats", "nope.log"])
    assert missing.exit_code == 2
    assert "no such file" in missing.output
    bad_query = runner.invoke(app, ["query", "sample_logs.txt", "-w", "level="])
    assert bad_query.exit_code == 2
    assert "at position 6" in bad_query.output
    parquet_to_terminal = runner.invoke(app, ["query", "sample_logs.txt", "-f", "parquet"])
    assert parquet_to_terminal.exit_code == 2
    assert runner.invoke(app, ["query", "sample_logs.txt", "-f", "xml"]).exit_code == 2
    for args, message in [
        (["--since", "5x"], "is not a duration"),
        (["--from", "25:00"], "hours are 0-23"),
        (["--to", "yesterday"], "cannot read 'yesterday' as a time"),
        (["-f", "csv", "-o", "/nonexistent/dir/x.csv"], "cannot write /nonexistent/dir/x.csv"),
    ]:
        result = runner.invoke(app, ["query", "sample_logs.txt", *args])
        assert result.exit_code == 2, args
        assert message in result.output, args
        assert "Traceback" not in result.output, args
        assert len(result.output.strip().splitlines()) == 1, args


def test_stats_reads_stdin() -> None:
    from tests.conftest import SAMPLE

    result = runner.invoke(app, ["stats", "-", "--json"], input=SAMPLE.read_bytes())
    assert result.exit_code == 0
    assert json.loads(result.output)["total"] == 137


def test_report_groups_sources_read_alike(tmp_path: Path) -> None:
    for i in range(5):
        (tmp_path / f"app-{i}.log").write_text('{"log": "INFO:app:ok", "time": "2025-10-07T16:00:00Z"}\n')
    (tmp_path / "plain.txt").write_text("2025-10-07 16:00:00 ERROR something broke\n")
    result = runner.invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 0
    grouped = [line for line in result.output.splitlines() if "5 sources" in line]
    assert len(grouped) == 1
    assert "and 2 more" in grouped[0]
    assert sum("plain.txt" in line for line in result.output.splitlines()) == 1
