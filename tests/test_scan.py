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


def test_consecutive_chunks_reach_polars_as_one_frame_in_order(write: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    from logframe.sources import files

    monkeypatch.setattr(files, "CHUNK_SIZE", 4096)  # about 20 lines a chunk: 150 chunks
    write_path = write([record(f"INFO:a:n={i}") for i in range(3000)])
    frames = list(Scan.of(expand(str(write_path))).batches(["line"]))
    assert len(frames) < 150
    assert max(f.n_chunks() for f in frames) > 1
    assert pl.concat(frames)["line"].to_list() == list(range(1, 3001))


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


# -- defects of the Polars-expression parsers that the decoder must not carry over -------------------


def test_a_record_depends_on_its_own_line_only(write: Writer) -> None:
    alone = logframe.scan(write(['{"message":"m"}']), format="json").collect()
    mixed = logframe.scan(write(['{"message":"m"}', '{"message":"n","tags":[1]}']), format="json").collect()
    assert mixed.head(1).drop("source").equals(alone.drop("source"))
    assert mixed["fields"].to_list() == [[], [{"key": "tags", "value": "[1]"}]]


@pytest.mark.parametrize("time", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1600-01-01T00:00:00Z"])
def test_out_of_range_times_are_null_and_counted_not_wrapped(write: Writer, time: str) -> None:
    logs = logframe.scan(write([record("INFO:a:x", time=time), record("INFO:a:y")]))
    assert logs.collect()["timestamp"].null_count() == 1
    report = logs.report()
    assert (report["null_timestamp"], report["timestamp_out_of_range"]) == (1, 1)


def test_lines_that_killed_the_old_scan_are_kept(write: Writer) -> None:
    lines = ['{"log":"x","time":' + "9" * 4301 + "}", '{"log":"{}"}', '{"log":"{}"}', '{"log":"ok","big":1e999}']
    df = logframe.scan(write(lines), format="cloudwatch").collect()
    assert df["message"].to_list() == ["x", "{}", "{}", "ok"]
    assert df["timestamp"].null_count() == 4


def test_lone_surrogates_become_replacement_characters_counted(write: Writer) -> None:
    logs = logframe.scan(write(['{"log": "A\\ud800B"}', '{"log": "\\udc00", "time": "2025-10-07T16:00:00Z"}']))
    assert logs.collect()["message"].to_list() == ["A\ufffdB", "\ufffd"]
    assert logs.report()["replaced_surrogates"] == 2


def test_the_line_cap_is_exact(write: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    from logframe.sources import files

    monkeypatch.setattr(files, "MAX_LINE", 300)
    monkeypatch.setattr(files, "CHUNK_SIZE", 4096)
    at_cap = record("INFO:a:" + "x" * (300 - len(record("INFO:a:"))))
    over = record("INFO:a:" + "x" * (301 - len(record("INFO:a:"))))
    assert (len(at_cap), len(over)) == (300, 301)
    logs = logframe.scan(write([at_cap, over]))
    assert logs.collect()["line"].to_list() == [1]
    assert logs.report()["skipped"] == {"line_too_long": 1}


def test_a_truncated_zstd_file_is_reported_as_damaged(tmp_path: Path) -> None:
    zstandard = pytest.importorskip("zstandard")
    body = "".join(record(f"INFO:a:{i}") + "\n" for i in range(5000)).encode()
    (tmp_path / "cut.log.zst").write_bytes(zstandard.ZstdCompressor().compress(body)[:-100])
    (tmp_path / "empty.log.bz2").write_bytes(b"")
    logs = logframe.scan(tmp_path, format="cloudwatch")
    report = logs.report()
    assert [Path(d["source"]).name for d in report["damaged"]] == ["cut.log.zst"]
    assert 0 < report["records"] < 5000


def test_a_source_gone_before_reading_is_skipped_and_reported(tmp_path: Path) -> None:
    (tmp_path / "a.log").write_text(record("INFO:a:one") + "\n")
    gone = tmp_path / "b.log"
    gone.write_text(record("INFO:a:two") + "\n")
    logs = logframe.scan(tmp_path, format="cloudwatch")
    gone.unlink()  # rotated away between the scan and the read
    assert logs.collect()["message"].to_list() == ["one"]
    damaged = logs.report()["damaged"]
    assert [Path(d["source"]).name for d in damaged] == ["b.log"]
    assert "cannot read" in damaged[0]["error"]
