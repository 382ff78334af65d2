"""The logframe command line, driven through typer's test runner."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import logframe
from logframe.cli import app
from tests.conftest import Writer, record

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


def ndjson(args: list[str], **kwargs: object) -> list[dict[str, object]]:
    result = runner.invoke(app, [*args, "-f", "ndjson"], **kwargs)  # type: ignore[arg-type]
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def one_line_error(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, (args, result.output)
    assert message in result.output, (args, result.output)
    assert "Traceback" not in result.output, args
    assert len(result.output.strip().splitlines()) == 1, (args, result.output)


def line_reader(process: subprocess.Popen[str]) -> Callable[[], str]:
    """A function giving the process's next stdout line, failing after 30 s rather than hanging."""
    import queue
    import threading

    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout
    threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True).start()
    return lambda: lines.get(timeout=30)


def test_query_sort_and_limit() -> None:
    newest = ndjson(["query", "sample_logs.txt", "--sort", "timestamp:desc", "--limit", "3"])
    times = [r["timestamp"] for r in newest]
    assert len(times) == 3
    assert times == sorted(times, reverse=True)
    assert times[0] == "2025-10-07T16:58:21.771609Z"
    assert ndjson(["query", "sample_logs.txt", "--sort", "level:desc", "-n", "1"])[0]["level"] == "CRITICAL"
    retries = ndjson(["query", "sample_logs.txt", "-w", "retry_count is not null", "--sort", "retry_count:desc"])
    counts = [int(r["fields"]["retry_count"]) for r in retries]  # type: ignore[index]
    assert len(counts) == 30
    assert counts == sorted(counts, reverse=True)  # as numbers, not text ('10' after '9')
    by_two = ndjson(["query", "sample_logs.txt", "--sort", "container,timestamp:desc", "-w", "level='ERROR'"])
    containers = [r["container"] for r in by_two]
    named = [c for c in containers if c is not None]
    assert containers == named + [None] * (len(containers) - len(named))  # nulls last
    assert named == sorted(named)
    for container in set(named):
        times = [r["timestamp"] for r in by_two if r["container"] == container]
        assert times == sorted(times, reverse=True)


def test_several_sources_are_merged_by_time(write: Writer) -> None:
    first = write([record(f"INFO:a:one {i}", f"2025-10-07T16:0{i}:00Z") for i in (0, 2, 4)], name="a.log")
    second = write([record(f"INFO:b:two {i}", f"2025-10-07T16:0{i}:00Z") for i in (1, 3, 5)], name="b.log")
    merged = ndjson(["query", str(first), str(second)])
    assert [r["timestamp"][14:16] for r in merged] == ["00", "01", "02", "03", "04", "05"]  # type: ignore[index]
    in_file_order = ndjson(["query", str(first), str(second), "--file-order"])
    assert [r["timestamp"][14:16] for r in in_file_order] == ["00", "02", "04", "01", "03", "05"]  # type: ignore[index]
    filtered = ndjson(["query", str(first), str(second), "-w", "message contains '1' | message contains '4'"])
    assert [r["message"] for r in filtered] == ["two 1", "one 4"]
    windowed = ndjson(["query", str(first), str(second), "--since", "2m", "-n", "2"])
    assert [r["message"] for r in windowed] == ["two 3", "one 4"]


def test_a_merge_keeps_ties_in_source_order_and_untimed_records_last(write: Writer) -> None:
    from logframe.cli.merge import MERGE_MIN_BYTES, by_time

    first = write([record("INFO:a:a1", "2025-10-07T16:00:00Z"), record("INFO:a:a-none", None)], name="a.log")
    second = write([record("INFO:b:b1", "2025-10-07T16:00:00Z"), record("INFO:b:b2", "2025-10-07T16:00:01Z")])
    assert [r["message"] for r in ndjson(["query", str(second), str(first)])] == ["b1", "a1", "b2", "a-none"]
    frames = [logframe.scan(path).lazy() for path in (first, second)]
    for big in (True, False):  # a merge, then a sort: the same order
        merged, how = by_time(frames, [MERGE_MIN_BYTES if big else 100] * 2)
        assert how == ("merge" if big else "sort")
        assert merged.collect()["message"].to_list() == ["a1", "b1", "b2", "a-none"]


def test_sources_out_of_time_order_are_sorted_instead(write: Writer) -> None:
    from logframe.cli.merge import MERGE_MIN_BYTES, by_time

    unordered = write([record(f"INFO:a:{m}", f"2025-10-07T16:0{m}:00Z") for m in (3, 1, 5)], name="a.log")
    ordered = write([record(f"INFO:b:{m}", f"2025-10-07T16:0{m}:00Z") for m in (2, 4)], name="b.log")
    frames = [logframe.scan(path).lazy() for path in (unordered, ordered)]
    merged, how = by_time(frames, [MERGE_MIN_BYTES] * 2)
    assert how == "sort"
    assert merged.collect()["message"].to_list() == ["1", "2", "3", "4", "5"]
    assert [r["message"] for r in ndjson(["query", str(unordered), str(ordered)])] == ["1", "2", "3", "4", "5"]


def test_hist_draws_one_row_a_bucket_with_counts_per_level() -> None:
    result = runner.invoke(app, ["hist", "sample_logs.txt", "--by", "level", "--width", "100"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("records per 2m bucket (auto: the shortest step that shows 58m16s in at most 40 rows)")
    assert "\x1b[" not in result.output  # no colour in a pipe
    header = next(i for i, line in enumerate(lines) if line.startswith("UTC"))
    assert lines[header].split() == ["UTC", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", "(none)", "total"]
    rows = [line.split() for line in lines[header + 1 :]]
    assert len(rows) == 30  # 16:00 .. 16:58 in 2-minute buckets, empty ones included
    totals = [int(row[8]) for row in rows]
    assert sum(totals) == 134  # every record with a timestamp
    assert [sum(int(c) for c in row[2:8]) for row in rows] == totals
    bars = [len(row[9]) if len(row) > 9 else 0 for row in rows]
    assert bars.index(max(bars)) == totals.index(max(totals))
    assert all(len(line) <= 100 for line in lines)


def test_hist_every_json_and_colour() -> None:
    as_json = json.loads(runner.invoke(app, ["hist", "sample_logs.txt", "--every", "10m", "--json"]).output)
    assert as_json["every"] == "10m"
    assert [b["total"] for b in as_json["buckets"]][-2:] == [59, 10]
    coloured = runner.invoke(app, ["hist", "sample_logs.txt", "--by", "level", "--color"], color=True)
    assert "\x1b[31m" in coloured.output  # ERROR in red
    assert (
        "no record with a timestamp matches" in runner.invoke(app, ["hist", "sample_logs.txt", "-w", "pod='x'"]).output
    )


@given(seconds=st.integers(min_value=40, max_value=39 * 86400))
def test_auto_buckets_fit_a_terminal(seconds: int) -> None:
    from logframe.cli.histogram import choose_every
    from logframe.stats import bucket_seconds

    every = choose_every(dt.timedelta(seconds=seconds))
    length = bucket_seconds(every)
    assert 16 <= seconds // length + 1 <= 40


def test_patterns_top_and_compare() -> None:
    patterns = runner.invoke(app, ["patterns", "sample_logs.txt", "-w", "level='ERROR'", "--top", "1"])
    assert patterns.exit_code == 0, patterns.output
    assert "Connection failed tenant=<*> retry_count=<*> host=<*>" in patterns.output
    assert "more templates" in patterns.output
    as_json = json.loads(runner.invoke(app, ["patterns", "sample_logs.txt", "--json", "-w", "level='ERROR'"]).output)
    assert as_json[0]["count"] == 30
    assert as_json[0]["first_seen"].startswith("2025-10-07T16:40")
    top = runner.invoke(app, ["top", "sample_logs.txt", "tenant", "--n", "2"])
    assert top.exit_code == 0, top.output
    assert [line.split() for line in top.output.splitlines()] == [
        ["tenant", "count"],
        ["company-b", "67"],
        ["company_a", "43"],
    ]
    compared = json.loads(
        runner.invoke(
            app, ["compare", "sample_logs.txt", "--at", "16:40", "--window", "30m", "--by", "tenant", "--json"]
        ).output
    )
    assert (compared[0]["value"], compared[0]["base_errors"], compared[0]["errors"]) == ("company-b", 0, 33)
    table = runner.invoke(app, ["compare", "sample_logs.txt", "--at", "2025-10-07T16:40:00Z", "--window", "30m"])
    assert table.exit_code == 0, table.output
    assert "Connection failed" in table.output


def test_every_reading_command_takes_a_time_window() -> None:
    window = ["--from", "16:50"]
    assert json.loads(runner.invoke(app, ["stats", "sample_logs.txt", *window, "--json"]).output)["total"] == 10
    report = json.loads(runner.invoke(app, ["report", "sample_logs.txt", *window, "--json"]).output)
    assert (report["records"], report["window"]["records"]) == (137, 10)
    hist = json.loads(runner.invoke(app, ["hist", "sample_logs.txt", *window, "--json"]).output)
    assert sum(b["total"] for b in hist["buckets"]) == 10
    top = json.loads(runner.invoke(app, ["top", "sample_logs.txt", "level", "--since", "5m", "--json"]).output)
    assert sum(row["count"] for row in top) == len(ndjson(["query", "sample_logs.txt", "--since", "5m"]))
    patterns = json.loads(runner.invoke(app, ["patterns", "sample_logs.txt", *window, "--json"]).output)
    assert sum(p["count"] for p in patterns) == 10
    compared = json.loads(
        runner.invoke(
            app, ["compare", "sample_logs.txt", "--at", "16:40", "--to", "16:41", "--by", "tenant", "--json"]
        ).output
    )
    full = json.loads(
        runner.invoke(app, ["compare", "sample_logs.txt", "--at", "16:40", "--by", "tenant", "--json"]).output
    )
    assert sum(r["count"] for r in compared) < sum(r["count"] for r in full)


def test_a_field_no_record_has_is_one_warning_line() -> None:
    result = runner.invoke(app, ["query", "sample_logs.txt", "-w", "contaner='backend'", "-f", "ndjson"])
    assert result.exit_code == 0
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, result.output
    assert "'contaner'" in warnings[0]
    assert "did you mean 'container'?" in warnings[0]
    assert result.output.strip() == warnings[0]  # and no record
    quiet = runner.invoke(app, ["stats", "sample_logs.txt", "-w", "tenant='company-b'"])
    assert "warning" not in quiet.output


def test_hist_headers_tell_groups_apart_that_would_be_cut_alike() -> None:
    result = runner.invoke(app, ["hist", "sample_logs.txt", "--by", "tenant", "--no-color"])
    assert result.exit_code == 0, result.output
    header = result.output.splitlines()[2].split()
    assert header == ["UTC", "company-b", "company_a", "(none)", "total"]


def test_a_field_no_record_has_exits_2_naming_the_nearest_real_one() -> None:
    for args, message in [
        (["top", "sample_logs.txt", "contaner"], "no record has a field 'contaner'; did you mean 'container'?"),
        (["top", "sample_logs.txt", "tenat", "-w", "level='ERROR'"], "did you mean 'tenant'?"),
        (["top", "sample_logs.txt", "zzzq"], "no record has a field 'zzzq'; fields seen: case_id,"),
        (
            ["hist", "sample_logs.txt", "--by", "contaner"],
            "no record has a field 'contaner'; did you mean 'container'?",
        ),
        (["hist", "sample_logs.txt", "--by", "tenat", "--json"], "did you mean 'tenant'?"),
        (["compare", "sample_logs.txt", "--at", "16:40", "--by", "tenant,contaner"], "did you mean 'container'?"),
        (["query", "sample_logs.txt", "--sort", "duraton_ms:desc"], "did you mean 'duration_ms'?"),
    ]:
        one_line_error(args, message)


def test_a_real_field_with_no_value_in_the_window_is_no_error() -> None:
    empty = runner.invoke(app, ["top", "sample_logs.txt", "tenant", "--from", "16:59"])
    assert (empty.exit_code, empty.output) == (0, "no matching record has 'tenant'\n")
    unset = runner.invoke(app, ["hist", "sample_logs.txt", "--by", "tenant", "-w", "tenant is null", "--json"])
    assert unset.exit_code == 0, unset.output
    assert json.loads(unset.output)["groups"] == ["(none)"]
    column = runner.invoke(app, ["top", "sample_logs.txt", "namespace", "-w", "namespace is null"])
    assert (column.exit_code, column.output) == (0, "no matching record has 'namespace'\n")  # a column: no pass


def test_a_field_first_seen_after_the_sample_is_found_by_a_full_pass(
    write: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import logframe.cli.reading as reading

    monkeypatch.setattr(reading, "KEY_SAMPLE_RECORDS", 1)
    path = str(write([record("INFO:app:first"), record("INFO:app:second duration_ms=7", "2025-10-07T16:01:00Z")]))
    rows = ndjson(["query", path, "--sort", "duration_ms:desc"])
    assert [row["message"] for row in rows] == ["second duration_ms=7", "first"]  # found past the sample
    one_line_error(["query", path, "--sort", "duraton_ms"], "did you mean 'duration_ms'?")


def test_plain_text_on_stdin_is_read() -> None:
    lines = "Starting server on :8080\nGET /healthz 200\nERROR database unreachable\n"
    result = runner.invoke(app, ["stats", "-", "--json"], input=lines)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["total"] == 3


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    import sys

    big = tmp_path / "big.log"
    big.write_text("\n".join(record(f"INFO:app:line {i} " + "x" * 200) for i in range(2_000)) + "\n")
    command = f"set -o pipefail; {sys.executable} -m logframe.cli query {big} -f text | head -n 1"
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.count("\n") == 1


def test_follow_prints_appended_records_and_ctrl_c_exits_0(tmp_path: Path) -> None:
    import signal
    import sys

    path = tmp_path / "app.log"
    path.write_text(record("ERROR:app:before", "2025-10-07T16:00:00Z") + "\n" + record("INFO:app:quiet") + "\n")
    command = [sys.executable, "-m", "logframe.cli", "query", str(path), "--follow", "--interval", "0.1"]
    process = subprocess.Popen(
        [*command, "-w", "level='ERROR'", "-f", "ndjson"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    next_line = line_reader(process)
    try:
        first = json.loads(next_line())
        assert (first["message"], first["line"]) == ("before", 1)
        with path.open("a") as handle:
            handle.write(record("INFO:app:still quiet") + "\n")
            handle.write(record("ERROR:app:appended", "2025-10-07T16:01:00Z") + "\n")
        appended = json.loads(next_line())
        assert (appended["message"], appended["line"]) == ("appended", 4)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
        assert process.stderr is not None
        assert "Traceback" not in process.stderr.read()
    finally:
        process.kill()
        process.wait()


def test_bad_arguments_of_every_command_are_one_line() -> None:
    for args, message in [
        (["query", "sample_logs.txt", "--sort", "level:up"], "write FIELD, FIELD:asc or FIELD:desc"),
        (["query", "sample_logs.txt", "--sort", "fields"], "sort by one key-value field"),
        (["query", "sample_logs.txt", "sample_logs.txt", "--follow"], "--follow reads one growing file"),
        (["query", "-", "--follow"], "--follow reads one growing file"),
        (["query", "sample_logs.txt", "--follow", "-f", "json"], "--follow prints records as they come"),
        (["query", "sample_logs.txt", "--follow", "--sort", "level"], "--follow prints records as they come"),
        (["query", "nope.log", "--follow"], "no such file"),
        (["query", "s3://bucket/app.log", "--follow"], "--follow reads a local file"),
        (["query", "sample_logs.txt", "--follow", "-n", "5"], "no --sort or --limit"),
        (["query", "sample_logs.txt", "--follow", "--since", "5x"], "is not a duration"),
        (["hist", "sample_logs.txt", "--every", "5x"], "is not a duration"),
        (["hist", "sample_logs.txt", "--top", "9"], "--top"),
        (["hist", "sample_logs.txt", "--since", "1y"], "is not a duration"),
        (["hist", "nope.log"], "no such file"),
        (["patterns", "sample_logs.txt", "-w", "level="], "at position 6"),
        (["patterns", "sample_logs.txt", "--from", "25:00"], "hours are 0-23"),
        (["top", "sample_logs.txt"], "Missing argument"),
        (["top", "sample_logs.txt", "tenant", "--n", "0"], "--n"),
        (["top", "sample_logs.txt", "tenant", "--to", "yesterday"], "cannot read 'yesterday' as a time"),
        (["compare", "sample_logs.txt"], "Missing option '--at'"),
        (["compare", "sample_logs.txt", "--at", "soon"], "cannot read 'soon' as a time"),
        (["compare", "sample_logs.txt", "--at", "16:40", "--window", "1x"], "is not a duration"),
        (["report", "sample_logs.txt", "--since", "0m"], "must be a positive duration"),
        (["stats", "sample_logs.txt", "-w", "level='LOUD'"], "unknown level 'LOUD'"),
    ]:
        one_line_error(args, message)


def test_follow_writes_csv_with_one_header(tmp_path: Path) -> None:
    import sys

    path = tmp_path / "app.log"
    path.write_text(record("ERROR:app:first", "2025-10-07T16:00:00Z") + "\n")
    command = [sys.executable, "-m", "logframe.cli", "query", str(path), "--follow", "--interval", "0.1", "-f", "csv"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    next_line = line_reader(process)
    try:
        header, first = next_line(), next_line()
        assert header.startswith("timestamp,level,")
        assert ",first," in first
        with path.open("a") as handle:
            handle.write(record("WARN:app:second", "2025-10-07T16:00:05Z") + "\n")
        second = next_line()
        assert ",second," in second
        assert second.startswith("2025-10-07T16:00:05")
    finally:
        process.kill()
        process.wait()
