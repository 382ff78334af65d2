"""The scan object: immutable, one pass at a time, a typed report filled the same way by every origin."""

from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path

import polars as pl
import pytest

import logframe
from logframe.scan import Report, Scan
from logframe.sources import expand
from tests.conftest import Writer, record


def test_a_pass_yields_batches_then_its_report(write: Writer) -> None:
    scan = Scan.of(expand(str(write([record("INFO:a:one"), "{]", record("ERROR:a:two")]))))
    run = scan.batches(["level", "line"])
    assert run.report is None
    frames = list(run)
    assert pl.concat(frames)["line"].to_list() == [1, 3]
    assert isinstance(run.report, Report)
    assert (run.report.lines, run.report.records, dict(run.report.skipped)) == (3, 2, {"invalid_json": 1})


def test_pushed_down_predicates_give_the_same_rows(write: Writer) -> None:
    lines = [record(f"{lvl}:a:n={i}", container=c) for i, (lvl, c) in enumerate([("INFO", "x"), ("ERROR", "y")] * 50)]
    logs = logframe.scan(write(lines))
    where = (pl.col("level") >= "ERROR") & (pl.col("container") == "y") & pl.col("message").str.contains("n=1")
    expected = logs.collect().filter(where)
    assert logs.filter(where).collect().equals(expected)
    assert expected.height == 6  # n=1, 11, 13, 15, 17, 19


def test_every_origin_reports_in_the_same_shape(write: Writer, tmp_path: Path) -> None:
    logs = logframe.scan(write([record("INFO:a:one"), record("ERROR:a:two", time="garbage")]))
    parquet = logs.to_parquet(tmp_path / "x.parquet")
    raw, stored = logs.report(), logframe.scan(parquet).report()
    assert set(raw) == set(stored)
    assert (stored["records"], stored["lines"], stored["null_timestamp"]) == (2, 2, 1)
    assert raw["null_timestamp"] == 1


def test_a_damaged_source_is_skipped_and_reported_the_others_read(tmp_path: Path) -> None:
    body = "".join(record(f"INFO:a:{i}") + "\n" for i in range(2000)).encode()
    (tmp_path / "a.log.gz").write_bytes(gzip.compress(body)[:-200])  # truncated
    (tmp_path / "b.log").write_bytes(body)
    bad = tmp_path / "c.log.gz"
    bad.write_bytes(b"\x1f\x8b" + os.urandom(300))  # gzip magic, then noise
    logs = logframe.scan(tmp_path, format="cloudwatch")
    report = logs.report()
    damaged = {Path(d["source"]).name for d in report["damaged"]}
    assert damaged == {"a.log.gz", "c.log.gz"}
    assert logs.filter(source=str(tmp_path / "b.log")).collect().height == 2000
    assert report["lines"] == report["records"] + report["merged"] + sum(report["skipped"].values())


def test_a_scan_with_no_readable_source_raises(tmp_path: Path) -> None:
    bad = tmp_path / "c.log.gz"
    bad.write_bytes(b"\x1f\x8b" + zlib.compress(b"x")[:3])
    with pytest.raises(logframe.SourceError, match="no source could be read"):
        logframe.scan(bad, format="cloudwatch").collect()


def test_gzip_is_told_by_its_magic_bytes_not_its_name(write: Writer) -> None:
    path = write(gzip.compress((record("ERROR:a:zipped") + "\n").encode()), name="plain.log")
    logs = logframe.scan(path)
    assert logs.collect()["message"].to_list() == ["zipped"]
    assert logs.report()["sources"][0]["compression"] == "gzip"
