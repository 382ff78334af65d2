"""LogFrame on sample_logs.txt: the brief's snippet as written, immutability, iteration, report, repr.

Expected figures were fixed when sample_logs.txt was written (each line's intended level, container and
validity was recorded as it was constructed); ``oracle`` re-derives the structural ones with plain ``json``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import polars as pl
import pytest

import logframe
from logframe import LogParser, Record
from tests.conftest import SAMPLE

LEVELS = {"DEBUG": 21, "INFO": 49, "WARNING": 15, "ERROR": 45, "CRITICAL": 4, "UNKNOWN": 3}
CONTAINERS = {"backend": 98, "ocr-processor": 13, "message-manager": 12, "frontend": 11, "unknown": 3}
SKIPPED = {"invalid_json": 4, "not_a_json_object": 3, "blank": 2, "truncated_json": 1}


def oracle() -> tuple[int, Counter[str | None]]:
    """Line and container counts by plain json: an implementation independent of logframe."""
    lines, containers = 0, Counter[str | None]()
    for raw in SAMPLE.read_bytes().split(b"\n")[:-1]:
        lines += 1
        try:
            obj = json.loads(raw.decode("utf-8", "replace").strip().lstrip("\ufeff"))
        except ValueError:
            continue
        if isinstance(obj, dict):
            kube = obj.get("kubernetes")
            containers[kube.get("container_name") if isinstance(kube, dict) else None] += 1
    return lines, containers


def test_the_brief_snippet_runs_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    logs = LogParser.from_file("sample_logs.txt")
    errors = logs.filter(level="ERROR")
    backend_logs = logs.filter(container="backend")
    recent = logs.filter(after="2025-10-07T16:00:00Z")
    critical = logs.filter(level="ERROR").filter(tenant="company_a").filter(after="2025-10-07T10:00:00Z")
    stats = logs.stats()
    for log in errors:
        print(log.timestamp, log.level, log.message)

    assert stats == {
        "total": 137,
        "by_level": LEVELS,
        "by_container": CONTAINERS,
        "time_range": {"start": "2025-10-07T16:00:05Z", "end": "2025-10-07T16:58:21.771609Z"},
    }
    assert errors.collect().height == 45
    assert backend_logs.collect().height == 98
    assert recent.collect().height == 134  # the three records without a timestamp are not "after"
    assert critical.collect().height == 13
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 45
    assert all(" ERROR " in line for line in printed)


def test_counts_agree_with_an_independent_oracle() -> None:
    lines, containers = oracle()
    report = logframe.scan(SAMPLE).report()
    assert report["lines"] == lines == 147
    assert report["records"] == sum(containers.values())
    stats = logframe.scan(SAMPLE).stats()
    assert stats["by_container"] == {(k if k is not None else "unknown"): v for k, v in containers.most_common()}


def test_report_accounts_for_every_line() -> None:
    report = logframe.scan(SAMPLE).report()
    assert report["skipped"] == SKIPPED
    assert report["lines"] == report["records"] + sum(report["skipped"].values())
    assert report["null_timestamp"] == 3
    assert report["no_level"] == 3
    assert report["invalid_utf8"] == 1
    assert report["sources"] == [
        {
            "source": str(SAMPLE),
            "format": "cloudwatch",
            "why": "46 of 50 sampled lines are JSON objects, 46 with a log or kubernetes key",
            "compression": "none",
            "lines": 147,
            "records": 137,
            "merged": 0,
            "invalid_utf8": 1,
            "skipped": SKIPPED,
            "error": None,
        }
    ]


def test_report_ignores_filters() -> None:
    assert logframe.scan(SAMPLE).filter(level="CRITICAL").report()["records"] == 137


def test_mixed_offsets_are_utc_normalised() -> None:
    df = logframe.scan(SAMPLE).filter(line=[1, 3, 4, 5]).collect()
    assert df["timestamp"].dt.to_string("%H:%M:%S").to_list() == ["16:00:05", "16:00:17", "16:00:31", "16:00:44"]


def test_iteration_streams_records() -> None:
    records = list(logframe.scan(SAMPLE).filter(level="CRITICAL", component="app.worker"))
    assert records == [
        Record(
            timestamp=dt.datetime(2025, 10, 7, 16, 41, tzinfo=dt.UTC),
            level="CRITICAL",
            component="app.worker",
            message="out of memory 💥 worker=ocr-2",
            namespace="pax-dev",
            pod="ocr-processor-5f7b8-qwert",
            container="ocr-processor",
            stream="stderr",
            fields={"worker": "ocr-2"},
            source=str(SAMPLE),
            line=70,
        )
    ]
    assert str(records[0]).startswith("2025-10-07T16:41:00Z CRITICAL [ocr-processor] app.worker: out of memory")


def test_unicode_filters_on_the_sample() -> None:
    logs = logframe.scan(SAMPLE)
    assert logs.filter(環境="本番").collect().height == 7
    assert logs.filter(**{"company.a": "ok"}).collect().height == 7
    assert logs.filter(user="Zoë Ångström").collect()["level"].to_list() == ["ERROR"]
    assert logs.where("path ~ '企業'").collect().height == 7


def test_or_query_on_the_sample() -> None:
    logs = logframe.scan(SAMPLE)
    either = logs.where("(container='frontend' | case_id='abc-41-def') & level!='DEBUG'").collect()
    assert either.height == 12
    assert set(either["container"].to_list()) == {"frontend", "backend"}


def test_frames_are_immutable() -> None:
    logs = logframe.scan(SAMPLE)
    before = logs.lazy()
    narrowed = [logs.filter(level="ERROR"), logs.where("pod='x'"), logs.head(2), logs.with_fields("tenant")]
    assert all(n is not logs for n in narrowed)
    assert logs.lazy() is before
    assert logs.collect().height == 137
    assert logs.collect().columns == list(logframe.SCHEMA)


def test_with_fields_and_head() -> None:
    df = logframe.scan(SAMPLE).with_fields("tenant", "retry_count").head(200).collect()
    assert df.height == 137
    assert df.filter(pl.col("retry_count").is_not_null())["retry_count"].unique().sort().to_list() == ["1", "2", "3"]


def test_repr_does_not_scan() -> None:
    assert repr(logframe.scan([SAMPLE, SAMPLE, SAMPLE, SAMPLE])).endswith("and 1 more (lazy; .collect() to read)>")


def test_repr_says_when_the_records_come_from_the_cache() -> None:
    parsed = logframe.scan(SAMPLE, cache=False)
    cached = parsed.cache()
    assert repr(parsed) == f"<LogFrame of {SAMPLE} (lazy; .collect() to read)>"
    assert repr(cached) == f"<LogFrame of {SAMPLE} (lazy, from the cache; .collect() to read)>"
    assert "from the cache" in repr(logframe.scan(SAMPLE).filter(level="ERROR"))  # a later scan hits
    assert "from the cache" not in repr(logframe.scan(SAMPLE, cache=False))
    assert "<b>LogFrame</b> (lazy, from the cache) over" in cached._repr_html_()


def test_notebook_display_shows_schema_and_first_rows() -> None:
    page = logframe.scan(SAMPLE).filter(level="CRITICAL")._repr_html_()
    assert "<b>LogFrame</b> (lazy) over" in page
    assert "<code>fields</code>: List(Struct" in page
    assert "out of memory" in page
    assert "<small>shape: (4, 11)</small>" in page  # the four CRITICAL records


def test_notebook_display_reads_only_the_first_mebibytes(monkeypatch: pytest.MonkeyPatch) -> None:
    import logframe.frame as frame
    import logframe.sources.files as files

    monkeypatch.setattr(files, "CHUNK_SIZE", 1024)
    monkeypatch.setattr(frame, "PREVIEW_BYTES", 1)
    logs = logframe.scan([SAMPLE, SAMPLE]).filter(line=140)
    assert "No matching record in the first" in logs._repr_html_()  # line 140 is far past the first 1 KiB chunk
    assert logs.collect().height == 2
    monkeypatch.setattr(frame, "PREVIEW_BYTES", 4 << 20)
    assert "<small>shape: (2, 11)</small>" in logs._repr_html_()


# -- Polars verbs, from_polars and the lf.logs namespace -----------------------------------------------


def test_sort_tail_schema_height_keep_or_leave_the_logframe() -> None:
    logs = logframe.scan(SAMPLE)
    newest_first = logs.sort(descending=True)
    assert isinstance(newest_first, logframe.LogFrame)
    times = newest_first.collect()["timestamp"]
    assert times.drop_nulls().is_sorted(descending=True)
    assert times.tail(3).is_null().all()  # records without a time last
    assert logs.sort("level", "line").head(1).collect()["level"].item() == "DEBUG"
    assert logs.tail(3).collect()["line"].to_list() == logs.collect()["line"].tail(3).to_list()
    assert logs.schema == logframe.SCHEMA
    assert logs.height == len(logs) == 137
    assert logs.filter(level="ERROR").height == 45
    selected = logs.select("pod", pl.col("line") + 1)
    assert isinstance(selected, pl.LazyFrame)
    assert selected.collect_schema().names() == ["pod", "line"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda logs: logs.head(-1), r"head\(n\) takes a number of records >= 0"),
        (lambda logs: logs.tail("3"), r"tail\(n\) takes a number"),
        (lambda logs: logs.sort("contaner"), "cannot sort by 'contaner': the columns are timestamp"),
    ],
)
def test_bad_verb_calls_raise_logframe_errors(call: object, message: str) -> None:
    with pytest.raises(logframe.QueryError, match=message):
        call(logframe.scan(SAMPLE))  # type: ignore[operator]


def test_from_polars_round_trips_and_checks_the_schema(tmp_path: object) -> None:
    logs = logframe.scan(SAMPLE)
    lf = logs.lazy().filter(pl.col("container") == "backend")
    back = logframe.LogFrame.from_polars(lf)
    assert back.stats() == logs.filter(container="backend").stats()
    assert back.report().as_dict()["records"] == 98
    assert logframe.LogFrame.from_polars(lf.collect()).height == 98
    with pytest.raises(
        logframe.QueryError, match=r"level \(expected Enum.*got String\).*pod \(expected String, got nothing"
    ):
        logframe.LogFrame.from_polars(lf.with_columns(pl.col("level").cast(pl.String)).drop("pod"))
    with pytest.raises(logframe.QueryError, match=r"takes a pl\.LazyFrame or pl\.DataFrame"):
        logframe.LogFrame.from_polars({"a": 1})  # type: ignore[arg-type]


def test_the_logs_namespace_gives_logframe_verbs_on_a_lazyframe() -> None:
    logs = logframe.scan(SAMPLE)
    lf = logs.lazy().filter(pl.col("line") > 0)
    assert lf.logs.stats() == logs.stats()
    assert lf.logs.error_rate(every="10m").equals(logs.error_rate(every="10m"))
    assert isinstance(lf.logs.frame(), logframe.LogFrame)
    assert "error_rate" in dir(lf.logs)
    with pytest.raises(logframe.QueryError, match="record schema"):
        _ = pl.LazyFrame({"a": [1]}).logs.stats()


def test_flat_is_the_csv_shape_for_polars_sinks(tmp_path: Path) -> None:
    logs = logframe.scan(SAMPLE).filter(level="CRITICAL")
    logs.flat().sink_csv(tmp_path / "flat.csv")
    logs.lazy().logs.flat().sink_csv(tmp_path / "namespace.csv")
    logs.to_csv(tmp_path / "export.csv")
    written = (tmp_path / "export.csv").read_text(encoding="utf-8")
    assert (tmp_path / "flat.csv").read_text(encoding="utf-8") == written
    assert (tmp_path / "namespace.csv").read_text(encoding="utf-8") == written
    rows = logs.flat().collect()
    assert [json.loads(text) for text in rows["fields"]] == [record.fields for record in logs]
    assert rows["timestamp"].str.ends_with("Z").all()


def test_the_namespace_flattens_a_frame_of_any_columns() -> None:
    lf = logframe.scan(SAMPLE).lazy().filter(pl.col("level") == "CRITICAL").select("line", "fields")
    with pytest.raises(logframe.QueryError, match="record schema"):
        lf.logs.stats()  # the other verbs need the record schema
    assert lf.logs.flat().collect().rows()[0] == (70, '{"worker":"ocr-2"}')


def test_grouping_verbs_warn_of_a_field_no_record_has() -> None:
    import warnings

    logs = logframe.scan(SAMPLE)
    at = "2025-10-07T16:40:00Z"
    for call, name, nearest in [
        (lambda: logs.top("contaner"), "contaner", "container"),
        (lambda: logs.count_by("level", "tenat"), "tenat", "tenant"),
        (lambda: logs.counts(every="30m", by="contaner"), "contaner", "container"),
        (lambda: logs.error_rate(every="30m", by=["container", "tenat"]), "tenat", "tenant"),
        (lambda: logs.compare(at=at, window="30m", by=["template", "contaner"]), "contaner", "container"),
    ]:
        with pytest.warns(logframe.UnknownFieldWarning, match=rf"'{name}'.*did you mean '{nearest}'\?") as caught:
            call()
        assert [w.filename for w in caught] == [__file__]  # points at the caller's line
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # real fields and columns: no warning
        assert logs.top("tenant", n=1).rows() == [("company-b", 67)]
        logs.count_by("container", "tenant")
        logs.counts(every="30m")
        logs.error_rate(every="30m", by=["pod_name", "tenant"])
        logs.compare(at=at, window="30m")
