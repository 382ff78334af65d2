"""The record cache: hits, misses when a source changes, content keys, atomic writes, eviction, the report."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import logframe
from logframe import cache, stats
from logframe.cli import app
from logframe.errors import FormatError, QueryError, SourceError
from logframe.scan import Scan
from logframe.sources import BytesSource, expand
from logframe.sources.files import spool_stdin
from tests.conftest import ROOT, SAMPLE, Writer, record


def by_time(frame: pl.DataFrame) -> pl.DataFrame:
    """What the cache holds: the records in time order, ties in input order, untimed last."""
    return frame.sort("timestamp", nulls_last=True, maintain_order=True)


def lines(n: int, start: int = 0) -> list[str]:
    return [record(f"ERROR:app.db:failed n={i}", f"2025-10-07T16:{i % 60:02d}:00Z") for i in range(start, start + n)]


def test_a_cached_scan_is_read_from_the_cache_with_the_same_records(write: Writer) -> None:
    path = write([*lines(30), "not json", record("INFO:app:no time", None)])
    fresh = logframe.scan(path, cache=False)
    assert isinstance(fresh._origin, Scan)
    cached = fresh.cache()
    assert isinstance(cached._origin, cache.Cached)
    again = logframe.scan(path)
    assert isinstance(again._origin, cache.Cached)
    assert again.collect().equals(by_time(fresh.collect()))
    assert again.collect()["timestamp"].null_count() == 1
    assert again.collect()["timestamp"].tail(1).is_null().all()  # records without a time come last
    assert len(cache.entries()) == 1


def test_sample_logs_from_the_cache_equal_a_fresh_scan_sorted() -> None:
    fresh = logframe.scan(SAMPLE, cache=False).collect()
    logframe.scan(SAMPLE).cache()
    assert logframe.scan(SAMPLE).collect().equals(by_time(fresh))


def test_the_report_is_kept_with_the_cache(write: Writer) -> None:
    path = write([*lines(5), "{]", "", "null", record("INFO:app:no time", None), record("no level here")])
    expected = logframe.scan(path, cache=False).report().as_dict()
    assert (expected["null_timestamp"], expected["no_level"]) == (1, 1)  # kept with the cache too
    logframe.scan(path).cache()
    hit = logframe.scan(path)
    assert isinstance(hit._origin, cache.Cached)
    assert hit.report().as_dict() == expected
    assert hit.report()["skipped"] == {"invalid_json": 1, "blank": 1, "not_a_json_object": 1}
    assert hit.filter(level="ERROR").report()["lines"] == 10  # about the sources, whatever the filters


def test_appending_a_line_is_a_miss_and_the_new_line_is_read(write: Writer) -> None:
    path = write(lines(10))
    logframe.scan(path).cache()
    assert isinstance(logframe.scan(path)._origin, cache.Cached)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(lines(1, start=10)[0] + "\n")
    changed = logframe.scan(path)
    assert isinstance(changed._origin, Scan)
    assert changed.height == 11
    assert changed.cache().height == 11
    assert isinstance(logframe.scan(path)._origin, cache.Cached)
    assert logframe.scan(path).height == 11


def test_rewriting_a_file_with_the_same_size_is_a_miss(write: Writer) -> None:
    path = write([record("INFO:app:aaaa")])
    logframe.scan(path).cache()
    stat = path.stat()
    path.write_text(record("INFO:app:bbbb") + "\n", encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # same size, another mtime
    assert path.stat().st_size == stat.st_size
    changed = logframe.scan(path)
    assert isinstance(changed._origin, Scan)
    assert changed.collect()["message"].to_list() == ["bbbb"]


def test_filters_before_cache_cache_every_record_of_the_sources(write: Writer) -> None:
    path = write([*lines(4), record("INFO:app:fine")])
    errors = logframe.scan(path).filter(level="ERROR").cache()
    assert errors.height == 4
    later = logframe.scan(path)
    assert isinstance(later._origin, cache.Cached)
    assert later.filter(level="INFO").collect()["message"].to_list() == ["fine"]


def test_the_key_follows_format_and_mapping(write: Writer) -> None:
    path = write(['{"msg": "hi", "lvl": "warn", "ts": "2025-10-07T16:00:00Z"}'])
    logframe.scan(path, format="json").cache()
    assert isinstance(logframe.scan(path, format="json")._origin, cache.Cached)
    assert isinstance(logframe.scan(path, format="text")._origin, Scan)
    assert isinstance(logframe.scan(path, format="json", mapping={"message": "lvl"})._origin, Scan)


def test_bytes_are_keyed_by_their_content() -> None:
    body = "".join(line + "\n" for line in lines(3)).encode()
    logframe.scan(BytesSource("body", body)).cache()
    assert isinstance(logframe.scan(BytesSource("body", bytes(body)))._origin, cache.Cached)
    other = logframe.scan(BytesSource("body", body + lines(1, 3)[0].encode() + b"\n"))
    assert isinstance(other._origin, Scan)
    assert other.height == 4
    assert isinstance(logframe.scan(BytesSource("another name", body))._origin, Scan)  # records carry the name


def test_standard_input_is_keyed_by_its_content_not_its_spool_file() -> None:
    body = "".join(line + "\n" for line in lines(3)).encode()
    first, second = spool_stdin(io.BytesIO(body)), spool_stdin(io.BytesIO(body))
    assert first.path != second.path
    logframe.scan([first]).cache()
    hit = logframe.scan([second])
    assert isinstance(hit._origin, cache.Cached)
    assert hit.collect()["source"].unique().to_list() == ["<stdin>"]
    assert isinstance(logframe.scan([spool_stdin(io.BytesIO(body + b"\n"))])._origin, Scan)


def test_cache_false_and_the_environment_variable_read_the_sources(
    write: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(lines(3))
    logframe.scan(path).cache()
    assert isinstance(logframe.scan(path, cache=False)._origin, Scan)
    monkeypatch.setenv("LOGFRAME_CACHE", "0")
    assert isinstance(logframe.scan(path)._origin, Scan)
    assert isinstance(logframe.scan(path, cache=True)._origin, cache.Cached)


def test_the_location_is_configurable(write: Writer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(lines(2))
    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setenv("LOGFRAME_CACHE_DIR", str(elsewhere))
    logframe.scan(path).cache()
    assert [p.parent for p in cache.entries()] == [elsewhere]
    monkeypatch.setenv("LOGFRAME_CACHE_DIR", str(tmp_path / "empty"))
    assert isinstance(logframe.scan(path)._origin, Scan)


def test_a_leftover_temporary_write_is_ignored_and_later_removed(write: Writer) -> None:
    path = write(lines(5))
    scan = Scan.of(expand(path))
    folder = cache.directory()
    folder.mkdir(parents=True, exist_ok=True)
    name = cache.key(scan)
    assert name is not None
    leftover = folder / f".{name}.parquet.999-dead.tmp"
    leftover.mkdir()
    (leftover / "records.parquet").write_bytes(b"PAR1 half a file")
    (leftover / "run-000000.parquet").write_bytes(b"PAR1")
    assert cache.entries() == []
    assert isinstance(logframe.scan(path)._origin, Scan)
    old = time.time() - 2 * cache.STALE_SECONDS
    os.utime(leftover, (old, old))
    assert logframe.scan(path).cache().height == 5
    assert not leftover.exists()
    assert len(cache.entries()) == 1


def test_a_write_that_fails_before_the_rename_leaves_no_entry(write: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(lines(5))

    def killed(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cache.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        logframe.scan(path).cache()
    assert cache.entries() == []
    assert list(cache.directory().iterdir()) == []  # the parts are removed too
    monkeypatch.undo()
    assert isinstance(logframe.scan(path)._origin, Scan)


def test_a_damaged_file_under_a_key_is_a_miss_and_removed(write: Writer) -> None:
    path = write(lines(5))
    logframe.scan(path).cache()
    [entry] = cache.entries()
    entry.write_bytes(entry.read_bytes()[:100])  # truncated (written by something else than the cache)
    assert isinstance(logframe.scan(path)._origin, Scan)
    assert not entry.exists()


@pytest.mark.slow
def test_a_write_killed_at_any_point_never_leaves_an_entry(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text("".join(line + "\n" for line in lines(60)) * 2_000, encoding="utf-8")  # 120k lines
    folder = tmp_path / "cache"
    env = {**os.environ, "LOGFRAME_CACHE_DIR": str(folder)}
    code = f"import logframe; logframe.scan({str(path)!r}).cache()"
    for delay in (0.0, 0.5, 1.0, 2.0):
        child = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT)
        deadline = time.monotonic() + 60
        while not (folder.is_dir() and any(folder.glob(".*.tmp"))) and child.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.005)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        if cache.entries(folder):  # the write finished before the kill: a complete entry
            assert logframe.scan(path, cache=False).height == 120_000
            found = cache.read_entry(cache.entries(folder)[0])
            assert found is not None
            assert found.stored.records == 120_000
            assert pl.scan_parquet(found.path).select(pl.len()).collect().item() == 120_000
            for entry in cache.entries(folder):
                entry.unlink()
        else:
            os.environ["LOGFRAME_CACHE_DIR"] = str(folder)
            try:
                assert isinstance(logframe.scan(path)._origin, Scan)
            finally:
                os.environ["LOGFRAME_CACHE_DIR"] = env["LOGFRAME_CACHE_DIR"]


def test_the_size_limit_evicts_the_least_recently_used(write: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [write(lines(200, start=i)) for i in range(3)]
    for path in paths[:2]:
        logframe.scan(path).cache()
    first, second = (cache.lookup(Scan.of(expand(p))) for p in paths[:2])
    assert first is not None
    assert second is not None
    size = first.path.stat().st_size
    os.utime(first.path, (1_000, 1_000))  # long unused
    os.utime(second.path, (2_000, 2_000))
    assert isinstance(logframe.scan(paths[0])._origin, cache.Cached)  # a hit marks it as just used
    monkeypatch.setenv("LOGFRAME_CACHE_SIZE", str(int(size * 2.5)))
    logframe.scan(paths[2]).cache()
    assert not second.path.exists()
    assert first.path.exists()
    assert len(cache.entries()) == 2
    monkeypatch.setenv("LOGFRAME_CACHE_SIZE", "1")
    newest = logframe.scan(paths[1]).cache()
    assert cache.entries() == [newest._origin.path]  # type: ignore[attr-defined]  # the entry just written stays


def test_a_bad_size_limit_says_what_is_accepted(write: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGFRAME_CACHE_SIZE", "lots")
    with pytest.raises(FormatError, match="accepted"):
        logframe.scan(write(lines(1))).cache()
    assert cache.parse_size("1.5kib") == 1536


def test_frames_without_a_cacheable_origin_say_so(write: Writer, tmp_path: Path) -> None:
    frame = logframe.LogFrame.from_polars(logframe.scan(write(lines(2))).collect())
    with pytest.raises(SourceError, match="cache"):
        frame.cache()
    parquet = logframe.scan(write(lines(2))).to_parquet(tmp_path / "x.parquet")
    over_parquet = logframe.scan(parquet)
    assert over_parquet.cache() is over_parquet


def test_a_frame_read_from_the_cache_caches_as_itself(write: Writer) -> None:
    path = write(lines(3))
    logframe.scan(path).cache()
    hit = logframe.scan(path).filter(level="ERROR")
    assert hit.cache() is hit


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    files=st.lists(st.lists(st.one_of(st.none(), st.integers(0, 40)), min_size=0, max_size=60), min_size=1, max_size=3),
)
def test_runs_and_slices_merge_into_time_order(
    files: list[list[int | None]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many small runs and slices (overlapping files, ties, untimed records) merge like a stable sort."""
    monkeypatch.setattr(cache, "RUN_BYTES", 1)
    monkeypatch.setattr(cache, "SLICE_ROWS", 4)
    monkeypatch.setattr(cache, "SAMPLE_EVERY", 2)
    monkeypatch.setattr(cache, "ROW_GROUP", 3)
    folder = tmp_path / str(time.monotonic_ns())
    folder.mkdir()
    sources = []
    for n, seconds in enumerate(files):
        text = "".join(
            record(f"INFO:app:r{i}", None if s is None else f"2025-10-07T16:00:{s:02d}Z") + "\n"
            for i, s in enumerate(seconds)
        )
        sources.append(BytesSource(f"f{n}", text.encode()))
    scan = Scan.of(sources, format="cloudwatch")
    target = folder / "out.parquet"
    report = cache.write(scan, target)
    expected = by_time(pl.concat([pl.DataFrame(b) for b in scan.batches()] or [pl.DataFrame(schema=logframe.SCHEMA)]))
    written = pl.read_parquet(target)
    assert written.equals(expected.cast(written.schema))  # type: ignore[arg-type]
    assert report.records == sum(len(f) for f in files)
    entry = cache.read_entry(target)
    assert entry is not None
    times = written["timestamp"].drop_nulls()
    assert entry.span == ((times.min(), times.max()) if len(times) else None)


def test_an_entry_written_before_the_span_was_kept_reads_its_records_for_auto_buckets(write: Writer) -> None:
    path = write(lines(50))  # times within an hour: auto buckets of 30s, not the 1m of "no times"
    expected = logframe.scan(path, cache=False).resolve_every()
    logframe.scan(path).cache()
    (entry,) = cache.entries()
    metadata = pl.read_parquet_metadata(entry)
    about = json.loads(metadata[cache.CACHE_KEY])
    del about["span"], about["rollup"]
    older = {cache.REPORT_KEY: metadata[cache.REPORT_KEY], cache.CACHE_KEY: json.dumps(about)}
    pl.read_parquet(entry).write_parquet(entry, metadata=older)
    hit = logframe.scan(path)
    assert isinstance(hit._origin, cache.Cached)
    assert not hit._origin.spanned
    assert hit._origin.rollup is None
    assert hit.resolve_every() == expected == "30s"


def test_auto_buckets_of_an_unfiltered_cached_frame_come_from_the_stored_span(
    write: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write([*lines(50), record("INFO:app:no time", None)])
    fresh = logframe.scan(path, cache=False)
    expected = stats.resolve_every(fresh.lazy(), "auto"), fresh.filter(level="ERROR").resolve_every()
    rates = fresh.error_rate()
    fresh.cache()
    hit = logframe.scan(path)
    filtered = hit.filter(level="ERROR")
    assert filtered.resolve_every() == expected[1]  # a filtered frame reads its own span
    monkeypatch.setattr(stats, "time_span", lambda lf: pytest.fail("the span was read from the records"))
    assert hit.resolve_every() == expected[0]
    assert hit.error_rate().equals(rates)
    assert hit.resolve_every("5m") == "5m"
    with pytest.raises(QueryError, match="every"):
        hit.resolve_every("five minutes")


def test_convert_writes_the_cache_format_to_a_folder(write: Writer, tmp_path: Path) -> None:
    a, b = write([*lines(3), "junk"], name="a.jsonl"), write(lines(2, start=40), name="b.jsonl")
    out = tmp_path / "converted"
    result = CliRunner().invoke(app, ["convert", str(a), str(b), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["a.jsonl.parquet", "b.jsonl.parquet"]
    back = logframe.scan(out)
    assert back.height == 5
    stored = cache.read_entry(out / "a.jsonl.parquet")
    assert stored is not None
    assert stored.stored.skipped == {"invalid_json": 1}
    assert pl.read_parquet(out / "a.jsonl.parquet").equals(by_time(logframe.scan(a, cache=False).collect()))


def test_convert_names_clashing_files_by_their_relative_path(tmp_path: Path) -> None:
    for pod in ("p1", "p2"):
        (tmp_path / "logs" / pod).mkdir(parents=True)
        (tmp_path / "logs" / pod / "app.log").write_text(lines(1)[0] + "\n", encoding="utf-8")
    out = tmp_path / "out"
    written = cache.convert(expand(str(tmp_path / "logs")), out)
    assert sorted(str(p.relative_to(out)) for p, _ in written) == ["p1/app.log.parquet", "p2/app.log.parquet"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["convert", "no/such.log", "-o", "x"], "no such file"),
        (["convert", str(SAMPLE), "-o", str(SAMPLE)], "cannot write"),
        (["convert", str(SAMPLE), "-o", "x", "-F", "nope"], "unknown format"),
    ],
)
def test_convert_errors_are_one_line_and_exit_2(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_convert_needs_an_output_folder() -> None:
    result = CliRunner().invoke(app, ["convert", str(SAMPLE)])
    assert result.exit_code == 2
    assert "--output" in result.output


def test_patterns_from_the_cache_use_the_masked_messages_kept_in_it(write: Writer) -> None:
    from logframe.patterns import MASKED

    path = write([*lines(20), record("WARN:app:disk 91% full on /dev/sda1"), record("WARN:app:disk 97% full on /x")])
    fresh = logframe.scan(path, cache=False)
    cached = fresh.cache()
    assert MASKED in pl.read_parquet_schema(cached._origin.path)  # type: ignore[attr-defined]
    assert MASKED not in cached.schema  # never part of the records
    for frame, expected in ((cached, fresh), (cached.filter(level="WARNING"), fresh.filter(level="WARNING"))):
        got, want = frame.patterns(), expected.patterns()
        assert got.drop("example").equals(want.drop("example"))
    assert cached.filter(level="WARNING").patterns()["count"].to_list() == [2]


def test_patterns_of_a_whole_cached_frame_read_the_message_groups_kept_in_it(
    write: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from logframe import patterns

    disk = [record(f"WARN:app:disk {n}% full on /dev/sd{n}", f"2025-10-07T15:{n - 50}:00Z") for n in (97, 91)]
    path = write([*lines(20), *disk, record("ERROR:app:job 7 failed: no such host")])
    fresh = logframe.scan(path, cache=False)
    want = fresh.patterns()
    cached = fresh.cache()
    kept = cached._origin.summary(patterns.KEPT)  # type: ignore[attr-defined]
    assert kept is not None
    assert kept["count"].sum() == 23

    def no_records(lf: pl.LazyFrame) -> pl.DataFrame:
        raise AssertionError("patterns() of the whole entry read its records")

    monkeypatch.setattr(patterns, "group_messages", no_records)
    got = cached.patterns()
    assert got.equals(want)
    examples = dict(zip(got["template"], got["example"], strict=True))
    assert examples["disk <*>% full on <*>"] == "disk 91% full on /dev/sd91"  # the earliest, not the first line
    kept.extend(kept)  # what summary() gives is the caller's to change
    assert cached.patterns().equals(want)
    with pytest.raises(AssertionError, match="read its records"):
        cached.filter(level="WARNING").patterns()  # a filtered frame reads its records


def test_too_many_message_groups_are_not_kept(write: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    from logframe import patterns

    path = write([record(f"INFO:app:step {word} done") for word in ("one", "two", "three")])
    fresh = logframe.scan(path, cache=False)
    monkeypatch.setattr(patterns, "MAX_GROUPS", 2)
    cached = fresh.cache()
    assert cached._origin.summary(patterns.KEPT) is None  # type: ignore[attr-defined]
    assert cached.patterns().drop("example").equals(fresh.patterns().drop("example"))
    monkeypatch.setattr(patterns, "MAX_GROUPS", 3)
    monkeypatch.setattr(patterns, "MAX_GROUP_BYTES", 10)
    assert patterns.kept_groups(cached._origin.lazy(patterns.MASKED)) is None  # type: ignore[attr-defined]
    monkeypatch.setattr(patterns, "MAX_GROUP_BYTES", 1 << 20)
    assert patterns.kept_groups(cached._origin.lazy(patterns.MASKED)) is not None  # type: ignore[attr-defined]


def test_a_cache_entry_checks_query_names_against_every_field_key_of_its_records(
    write: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from logframe import frame

    path = write([*lines(5), record("ERROR:app.db:failed late=1", "2025-10-07T17:00:00Z")])
    monkeypatch.setattr(frame, "KEY_SAMPLE_RECORDS", 2)  # the sample of a fresh scan misses 'late'
    fresh = logframe.scan(path, cache=False)
    with pytest.warns(logframe.UnknownFieldWarning, match="first 4 MiB"):
        fresh.where("late='1'")
    cached = fresh.cache()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cached.where("late='1'").height == 1
    with pytest.warns(logframe.UnknownFieldWarning, match="no record in the cache entry has a field 'lat'.*'late'"):
        cached.filter(level="ERROR").where("lat='1'")


def test_field_keys_of_a_whole_cached_frame_are_the_kept_ones(write: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    from logframe import frame

    path = write([*lines(3), record("INFO:app:ok late=1 company.a=x", "2025-10-07T17:00:00Z")])
    fresh = logframe.scan(path, cache=False)
    cached = fresh.cache()
    assert fresh.field_keys() == ["company.a", "late", "n"]
    assert cached.filter(level="ERROR").field_keys() == fresh.filter(level="ERROR").field_keys() == ["n"]

    def no_pass() -> pl.Expr:
        raise AssertionError("field_keys() read the records")

    monkeypatch.setattr(frame, "field_keys", no_pass)
    assert cached.field_keys() == ["company.a", "late", "n"]


def test_the_kept_examples_do_not_depend_on_how_the_records_were_cut_into_runs(
    write: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from logframe.sources import files

    path = write(
        [record(f"ERROR:app:job {n} failed", f"2025-10-07T16:{n // 60:02d}:{n % 60:02d}Z") for n in range(200)][::-1]
    )
    monkeypatch.setattr(files, "CHUNK_SIZE", 4096)  # many batches, newest first...
    monkeypatch.setattr(cache, "RUN_BYTES", 1)  # ...each a sorted run: the first run holds the newest records
    cached = logframe.scan(path, cache=False).cache()
    assert cached.patterns().row(0, named=True)["example"] == "job 0 failed"  # the earliest, from the last run
    assert cached.patterns().equals(cached.head(10**9).patterns())  # from the kept groups, and from the records


def test_too_many_field_keys_are_not_kept(write: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    from logframe import frame

    path = write([record(f"INFO:app:ok k{n}=1") for n in range(5)])
    monkeypatch.setattr(frame, "MAX_FIELD_KEYS", 2)
    cached = logframe.scan(path, cache=False).cache()
    assert cached._origin.summary(frame.FIELD_KEYS) is None  # type: ignore[attr-defined]
    assert cached.field_keys() == [f"k{n}" for n in range(5)]  # one pass instead
    with pytest.warns(logframe.UnknownFieldWarning, match="first 4 MiB"):  # the sample instead
        cached.where("k9='1'")


def test_a_masked_column_made_by_another_mask_is_not_used(write: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    from logframe import patterns

    path = write([record("INFO:app:job 1 done"), record("INFO:app:job 2 done")])
    cached = logframe.scan(path).cache()
    # A changed mask (all of its steps): the kept column is stale.
    for step in ("mask", "_mask_variables", "_finish_mask"):
        monkeypatch.setattr(patterns, step, lambda messages: messages)
    assert sorted(cached.patterns()["template"].to_list()) == ["job 1 done", "job 2 done"]


def test_an_empty_file_caches_as_no_records(write: Writer) -> None:
    path = write(b"", name="empty.log")
    cached = logframe.scan(path, format="cloudwatch").cache()
    assert cached.height == 0
    assert cached.report()["lines"] == 0
    assert cached.schema == logframe.SCHEMA
    assert isinstance(logframe.scan(path, format="cloudwatch")._origin, cache.Cached)


def test_the_command_line_reads_the_cache_with_the_same_answers(write: Writer) -> None:
    path = write([*lines(12), "junk"])
    before = CliRunner().invoke(app, ["stats", str(path), "--json"])
    report_before = CliRunner().invoke(app, ["report", str(path), "--json"])
    logframe.scan(path).cache()
    assert isinstance(logframe.scan(path)._origin, cache.Cached)
    assert CliRunner().invoke(app, ["stats", str(path), "--json"]).output == before.output
    assert CliRunner().invoke(app, ["report", str(path), "--json"]).output == report_before.output
