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


def test_stats_reads_stdin() -> None:
    from tests.conftest import SAMPLE

    result = runner.invoke(app, ["stats", "-", "--json"], input=SAMPLE.read_bytes())
    assert result.exit_code == 0
    assert json.loads(result.output)["total"] == 137
