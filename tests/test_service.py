"""The service's defects of issue 13, each with its regression test: exactly-once commits whatever fails
after them, unique record identities for pagination, gzip bodies, 4xx instead of 500, idempotency keys,
job statuses, read-your-writes, alert regexes, retention leftovers, one JSON shape of a record."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import record

pytest.importorskip("deltalake")

from logframe.service.pipeline import Pipeline
from logframe.service.store import open_store
from logframe.service.wal import WriteAheadLog

pytestmark = pytest.mark.service


def body(*messages: str) -> bytes:
    return "".join(record(m) + "\n" for m in messages).encode()


def uids(frame: pl.DataFrame) -> list[str]:
    return [dict((p["key"], p["value"]) for p in fields)["uid"] for fields in frame["fields"]]


# -- 2: exactly-once commits when the receipt write fails ------------------------------------------


def test_a_receipt_write_that_fails_does_not_commit_again(tmp_path: Path) -> None:
    """The issue's reproducer: receipts.jsonl cannot be written (a directory there); 3 commits, 1 row."""
    store = open_store(tmp_path / "store")
    pipeline = Pipeline(store, str(tmp_path / "wal"))
    pipeline.accept(body("ERROR:app:once uid=1"), source="t", key="k")
    (tmp_path / "wal" / "receipts.jsonl").mkdir()
    for _ in range(3):
        with pytest.raises(IsADirectoryError):
            pipeline.commit_pending()
    assert uids(store.scan().collect()) == ["1"]
    assert pipeline.metrics["records_committed"] == 1
    (tmp_path / "wal" / "receipts.jsonl").rmdir()  # the volume recovers
    assert pipeline.commit_pending() == 0
    assert (pipeline.wal.depth, uids(store.scan().collect())) == (0, ["1"])
    assert [r["key"] for r in pipeline.wal.receipts()] == ["k"]
    assert store.committed(pipeline.app_id) == 1


def test_the_store_skips_an_append_it_already_holds(tmp_path: Path) -> None:
    import logframe

    store = open_store(tmp_path / "store")
    records = logframe.scan("sample_logs.txt").collect()
    store.append(records, app_id="a", version=3)
    store.append(records, app_id="a", version=3)  # a retry of the same transaction
    store.append(records, app_id="a", version=2)  # an older one
    assert store.scan().collect().height == records.height
    store.append(records.head(1), app_id="a", version=4)
    assert (store.scan().collect().height, store.committed("a")) == (records.height + 1, 4)


class _FailingRelease:
    """``WriteAheadLog.release`` failing (ENOSPC on the receipts write) its first ``n`` calls."""

    def __init__(self, wal: WriteAheadLog, n: int) -> None:
        self.release, self.left, self.calls = wal.release, n, 0

    def __call__(self, headers: list[dict[str, Any]]) -> None:
        self.calls += 1
        if self.left > 0:
            self.left -= 1
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "receipts.jsonl")
        self.release(headers)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    failures=st.integers(min_value=1, max_value=6),
    batches=st.lists(st.integers(min_value=0, max_value=4), min_size=1, max_size=6),
    restart_at=st.integers(min_value=0, max_value=8),
)
def test_receipts_failing_n_times_then_succeeding_keep_every_record_once(
    tmp_path_factory: pytest.TempPathFactory, failures: int, batches: list[int], restart_at: int
) -> None:
    """Fault injection: batches accepted between commits that fail after the append, then a restart."""
    where = tmp_path_factory.mktemp("faults")
    store = open_store(where / "store")
    pipeline = Pipeline(store, str(where / "wal"))
    failing = _FailingRelease(pipeline.wal, failures)
    pipeline.wal.release = failing  # type: ignore[method-assign]
    acknowledged: list[str] = []
    for number, size in enumerate(batches):
        ids = [f"{number}-{i}" for i in range(size)]
        answer = pipeline.accept(body(*(f"INFO:app:event uid={uid}" for uid in ids)), source="t", key=f"b{number}")
        assert answer["accepted"] == size
        acknowledged += ids
        with contextlib.suppress(OSError):
            pipeline.commit_pending()
        if number == restart_at:  # the process dies and starts again, the volume still full
            pipeline = Pipeline(store, str(where / "wal"))
            failing = _FailingRelease(pipeline.wal, failing.left)
            pipeline.wal.release = failing  # type: ignore[method-assign]
    for _ in range(failures + 2):
        try:
            pipeline.commit_pending()
        except OSError:
            continue
    assert pipeline.wal.depth == 0
    stored = uids(store.scan().collect())
    assert sorted(stored) == sorted(acknowledged), "each acknowledged record exactly once"
    for number in range(len(batches)):  # and the keys survive: a retry is a replay
        assert pipeline.accept(body("INFO:app:again"), source="t", key=f"b{number}")["replayed"] is True


# -- 3: every stored record has a unique, ordered identity; pages walk it -------------------------


@contextlib.contextmanager
def client(where: Path, **options: Any) -> Iterator[Any]:
    """The HTTP API in-process (Starlette's TestClient), its committer idle: tests commit with /v1/flush."""
    from fastapi.testclient import TestClient

    from logframe.service.api import create_app

    app = create_app(str(where / "store"), commit_interval=options.pop("commit_interval", 3600.0), **options)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def post(test_client: Any, uids_: list[str], when: str | None, source: str | None) -> None:
    lines = "".join(record(f"INFO:app:event uid={uid}", when) + "\n" for uid in uids_)
    params = {"source": source} if source else {}
    answer = test_client.post("/v1/ingest", params=params, content=lines.encode())
    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == len(uids_)


def walk(test_client: Any, limit: int, order: str, between: Any = None) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": limit, "order": order}
        if cursor:
            params["cursor"] = cursor
        answer = test_client.get("/v1/logs", params=params)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        assert len(page["records"]) <= limit
        seen += page["records"]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen
        if between is not None:
            between()


def test_same_second_batches_from_one_source_page_completely(tmp_path: Path) -> None:
    """The issue's reproducer: 3 POSTs of 100 same-second lines, ?source=api, pages of 7."""
    with client(tmp_path) as test_client:
        for batch in range(3):
            post(test_client, [f"{batch}-{i}" for i in range(100)], "2025-10-07T16:00:00Z", "api")
        assert test_client.post("/v1/flush").status_code == 200
        for order in ("newest", "oldest"):
            seen = [r["fields"]["uid"] for r in walk(test_client, 7, order)]
            assert len(seen) == len(set(seen)) == 300


def test_rows_written_before_record_ids_get_one_and_new_rows_merge_in(tmp_path: Path) -> None:
    from deltalake import write_deltalake

    import logframe
    from logframe.service.store import PARTITION, to_rows

    old = to_rows(logframe.scan("sample_logs.txt").collect()).drop("record_id")  # the table of the last release
    write_deltalake(str(tmp_path / "store"), old, partition_by=[PARTITION], mode="append")
    store = open_store(tmp_path / "store")
    store.append(logframe.scan("sample_logs.txt").collect().head(3), app_id="new", version=1)
    ids = store.rows().collect()["record_id"]
    assert ids.null_count() == 0
    assert ids.n_unique() == 137 + 3
    assert ids.str.starts_with("~").sum() == 137


_BATCH = st.tuples(
    st.integers(min_value=1, max_value=6),
    st.sampled_from(["2025-10-07T16:00:00Z", "2025-10-07T16:00:01Z", "2025-10-07T16:00:00.5Z", None]),
    st.sampled_from(["api", "other", None]),
    st.booleans(),  # commit after this batch (else it shares a commit with the next)
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    batches=st.lists(_BATCH, min_size=1, max_size=5),
    late=st.lists(_BATCH, max_size=3),
    limit=st.integers(min_value=1, max_value=7),
    order=st.sampled_from(["newest", "oldest"]),
)
def test_pagination_returns_every_record_exactly_once(
    tmp_path_factory: pytest.TempPathFactory,
    batches: list[tuple[int, str | None, str | None, bool]],
    late: list[tuple[int, str | None, str | None, bool]],
    limit: int,
    order: str,
) -> None:
    """Any interleaving of ingests (sources, same-second times, no times, commits), any page size, both
    orders: every record once; batches ingested while paging never make a record appear twice."""
    where = tmp_path_factory.mktemp("pages")
    counter = iter(range(1_000_000))
    with client(where) as test_client:
        expected: list[str] = []
        for size, when, source, commit in batches:
            ids = [str(next(counter)) for _ in range(size)]
            post(test_client, ids, when, source)
            expected += ids
            if commit:
                test_client.post("/v1/flush")
        test_client.post("/v1/flush")
        pending = list(late)

        def ingest_more() -> None:
            if pending:
                size, when, source, _ = pending.pop()
                post(test_client, [f"late-{next(counter)}" for _ in range(size)], when, source)
                test_client.post("/v1/flush")

        records = walk(test_client, limit, order, between=ingest_more)
    seen = [r["fields"]["uid"] for r in records]
    assert len(seen) == len(set(seen)), "a record was returned twice"
    assert set(expected) <= set(seen), f"records skipped: {sorted(set(expected) - set(seen))}"
    no_time = dt.datetime.min.replace(tzinfo=dt.UTC)  # sorts first oldest-first, last newest-first
    times = [dt.datetime.fromisoformat(r["timestamp"]) if r["timestamp"] else no_time for r in records]
    assert times == sorted(times, reverse=order == "newest")


# -- 11: one JSON shape for a record ------------------------------------------------------------


def test_logs_answer_records_in_the_shape_of_the_ndjson_export(tmp_path: Path) -> None:
    import json

    from tests.conftest import SAMPLE

    with client(tmp_path) as test_client:
        test_client.post("/v1/ingest?source=sample", content=SAMPLE.read_bytes())
        test_client.post("/v1/flush")
        answer = test_client.get("/v1/logs", params={"limit": 1000})
    assert answer.status_code == 200
    served = {r["line"]: r for r in answer.json()["records"]}
    exported = tmp_path / "export.ndjson"
    open_store(tmp_path / "store").scan().to_ndjson(exported)
    written = {r["line"]: r for r in map(json.loads, exported.read_text().splitlines())}
    assert served == written
    assert all(isinstance(r["fields"], dict) for r in served.values())
    assert sum(1 for r in served.values() if r["fields"]) > 50  # most sample records carry key=value pairs


# -- 4: gzip bodies: every member, and a broken stream accepts nothing ---------------------------


def _lines(n: int, start: int = 0) -> bytes:
    return "".join(record(f"INFO:app:event uid={i}") + "\n" for i in range(start, start + n)).encode()


def test_gzip_bodies_read_every_member_and_refuse_broken_streams(tmp_path: Path) -> None:
    import gzip

    gz = {"Content-Encoding": "gzip"}
    members = gzip.compress(_lines(1000)) + gzip.compress(_lines(1000, 1000))  # as `cat a.gz b.gz` makes
    whole = gzip.compress(_lines(1000))
    corrupt = bytearray(whole)
    corrupt[len(corrupt) // 2] ^= 0xFF
    with client(tmp_path) as test_client:
        answer = test_client.post("/v1/ingest", content=members, headers=gz)
        assert (answer.status_code, answer.json()["accepted"]) == (200, 2000)
        pipeline = test_client.app.state.pipeline
        depth = pipeline.wal.depth
        for broken, reason in (
            (whole[: len(whole) // 2], "truncated"),
            (whole[:-4], "truncated"),  # the length trailer cut off
            (bytes(corrupt), "not valid gzip"),
            (whole + b"trailing junk", "not valid gzip"),
            (whole + whole[:20], "truncated"),  # a second member cut short
        ):
            refused = test_client.post("/v1/ingest", content=broken, headers=gz)
            assert refused.status_code == 400, (reason, refused.text)
            assert reason in refused.json()["detail"]
            assert "nothing was accepted" in refused.json()["detail"]
        assert pipeline.wal.depth == depth
        assert pipeline.metrics["records_accepted"] == 2000


# -- 5: every 500 the issue lists is a 4xx with a message; bad parameters are 400, not 422 ------------


def _cursor_of(value: Any) -> str:
    import base64
    import json

    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"where": "line >= 1e309"}, "not usable here"),
        ({"where": "line != nan"}, "not usable here"),
        ({"where": "fields < 3"}, "compare one with its key"),
        ({"where": "fields ~ 'x'"}, "compare one with its key"),
        ({"where": "!" * 500 + "level='ERROR'"}, "nests too deeply"),
        ({"where": "x" * 5000}, "at most 4096"),
        ({"cursor": _cursor_of(["2025-10-07T16:00:00", "x:1"])}, "cursor is not one this server gave"),
        ({"cursor": _cursor_of(["2025-10-07T16:00:00Z", "a", 1])}, "cursor is not one this server gave"),
        ({"limit": "x"}, "limit: "),
        ({"limit": "0"}, "limit: "),
        ({"limit": "10001"}, "limit: "),
        ({"order": "sideways"}, "order: "),
    ],
)
def test_bad_log_queries_are_400_with_a_reason(tmp_path: Path, params: dict[str, str], message: str) -> None:
    with client(tmp_path) as test_client:
        test_client.post("/v1/ingest", content=_lines(3))
        test_client.post("/v1/flush")
        answer = test_client.get("/v1/logs", params=params)
    assert answer.status_code == 400, answer.text
    assert message in answer.json()["detail"]


def test_bad_bodies_and_parameters_elsewhere_are_400(tmp_path: Path) -> None:
    with client(tmp_path) as test_client:
        deep = test_client.post("/v1/ingest", content=b"[" * 100_000 + b"]" * 100_000)
        assert (deep.status_code, "nests too deeply" in deep.text) == (400, True)
        utf32 = test_client.post("/v1/ingest", content=b"[\x00\x00\x00\x00")
        assert utf32.status_code == 400
        # Empty objects are records with nothing in them (the Polars parser failed on them; the decoder keeps them).
        empty_objects = test_client.post("/v1/ingest", content=b"[{},{}]")
        assert (empty_objects.status_code, empty_objects.json()["accepted"]) == (200, 2)
        wide = test_client.get("/v1/stats", params={"every": "1000000000d"})
        assert (wide.status_code, "wider than 100 years" in wide.text) == (400, True)
        bad_limit = test_client.get("/v1/patterns", params={"limit": "many"})
        assert (bad_limit.status_code, "limit: " in bad_limit.text) == (400, True)
        assert test_client.app.state.pipeline.wal.depth == 1  # only the batch of empty objects was accepted


def test_a_lone_surrogate_in_a_json_array_is_read_as_in_ndjson(tmp_path: Path) -> None:
    array = b'[{"log": "INFO:app:odd \\ud800 text", "time": "2025-10-07T16:00:00Z"}]'
    with client(tmp_path) as test_client:
        from_array = test_client.post("/v1/ingest", content=array)
        from_lines = test_client.post("/v1/ingest", content=array[1:-1] + b"\n")
    assert from_array.status_code == 200, from_array.text
    assert from_array.json() == from_lines.json()


# -- 6: idempotency keys: capped, never empty, forgotten after a documented window ----------------


def test_empty_and_oversized_idempotency_keys_are_refused(tmp_path: Path) -> None:
    with client(tmp_path) as test_client:
        for key in ("", "   ", "k" * 201, "clé"):
            headers = {"Idempotency-Key": key.encode()}
            refused = test_client.post("/v1/ingest", content=_lines(2), headers=headers)
            assert refused.status_code == 400, (key, refused.text)
            assert "Idempotency-Key" in refused.json()["detail"]
        longest = test_client.post("/v1/ingest", content=_lines(2), headers={"Idempotency-Key": "k" * 200})
        assert (longest.status_code, longest.json()["accepted"]) == (200, 2)
        assert test_client.post("/v1/ingest", content=_lines(2)).json()["accepted"] == 2  # and no key is fine
        pipeline = test_client.app.state.pipeline
        assert (pipeline.wal.depth, list(pipeline.answers)) == (2, ["k" * 200])


def test_idempotency_keys_are_forgotten_after_their_window(tmp_path: Path) -> None:
    import datetime as dt

    now = [1_000_000.0]
    store = open_store(tmp_path / "store")
    window = dt.timedelta(hours=24)

    def pipeline() -> Pipeline:
        return Pipeline(store, str(tmp_path / "wal"), key_window=window, clock=lambda: now[0])

    first = pipeline()
    assert first.accept(_lines(1), source="t", key="old")["accepted"] == 1
    first.commit_pending()
    now[0] += 3600
    first.accept(_lines(1, 1), source="t", key="young")
    first.commit_pending()
    now[0] += window.total_seconds() - 3600 - 1  # "old" is 1 s short of its window
    assert first.accept(_lines(1), source="t", key="old").get("replayed") is True
    now[0] += 2  # now past it
    assert first.forget_expired_keys() == 1
    receipts = [r["key"] for r in first.wal.receipts()]
    assert receipts == ["young"]
    again = first.accept(_lines(1, 5), source="t", key="old")  # a new batch, not a replay
    assert (again["accepted"], again.get("replayed")) == (1, None)
    restarted = pipeline()  # the window holds across restarts
    assert restarted.accept(_lines(1), source="t", key="young").get("replayed") is True
    now[0] += window.total_seconds()
    assert pipeline().accept(_lines(1, 9), source="t", key="young").get("replayed") is None


# -- 8: read-your-writes with ?wait=committed --------------------------------------------------------


def test_wait_committed_answers_once_the_batch_is_queryable(tmp_path: Path) -> None:
    with client(tmp_path, commit_interval=0.2) as test_client:
        for batch in range(5):
            ids = [f"{batch}-{i}" for i in range(3)]
            lines = "".join(record(f"INFO:app:event uid={uid}") + "\n" for uid in ids).encode()
            answer = test_client.post("/v1/ingest", params={"wait": "committed"}, content=lines)
            assert (answer.status_code, answer.json()["committed"]) == (200, True)
            seen = {r["fields"]["uid"] for r in test_client.get("/v1/logs", params={"limit": 1000}).json()["records"]}
            assert set(ids) <= seen  # the very next GET sees it
        assert test_client.post("/v1/ingest", params={"wait": "soon"}, content=b"").status_code == 400


def test_wait_committed_says_202_when_commits_fail(tmp_path: Path) -> None:
    with client(tmp_path, commit_interval=0.05, wait_timeout=0.5) as test_client:
        pipeline = test_client.app.state.pipeline

        def broken(*args: Any, **kwargs: Any) -> None:
            raise OSError(errno.EROFS, "read-only store")

        pipeline.store.append = broken
        answer = test_client.post("/v1/ingest", params={"wait": "committed"}, content=_lines(2))
        assert answer.status_code == 202, answer.text
        assert (answer.json()["accepted"], answer.json()["committed"]) == (2, False)
        assert "retry with the same Idempotency-Key" in answer.json()["detail"]
        assert pipeline.wal.depth == 1  # accepted all the same


# -- 7: one status per background job; failures logged; the token guards the docs and metrics ------


class _FailingAlerting:
    """Alerting whose evaluation always fails (a rule over a store that cannot be read, say)."""

    def __init__(self) -> None:
        from logframe.service.alerts import parse_rules

        self.rules = parse_rules({"rules": [{"name": "x", "kind": "threshold", "window": "5m"}]})

    def evaluate(self, logs: Any, now: Any) -> list[Any]:
        raise RuntimeError("the rule's store is unreadable")

    def active(self) -> list[Any]:
        return []


def _wait(condition: Any, timeout: float = 20.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def test_each_background_job_keeps_its_own_status(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    import logframe
    from tests.conftest import SAMPLE

    open_store(tmp_path / "store").append(logframe.scan(SAMPLE).collect())  # 2025-10-07: outside 30 days
    (tmp_path / "archive").write_text("a file where the archive directory should be")
    caplog.set_level(logging.INFO, logger="logframe.service")
    options = {"retention": "30d", "archive_to": str(tmp_path / "archive"), "alerting": _FailingAlerting()}
    with client(tmp_path, commit_interval=0.05, eval_interval=0.05, **options) as test_client:
        _wait(lambda: test_client.get("/health").json()["jobs"]["alerts"]["failures"] >= 2)
        for n in range(3):  # good commits after the failures clear nothing but the commit job's status
            assert test_client.post("/v1/ingest", params={"wait": "committed"}, content=_lines(1, n)).status_code == 200
        # A waiting client is answered once its batch is in the store, a moment before the run is counted.
        _wait(lambda: test_client.get("/health").json()["jobs"]["commit"]["runs"] >= 3)
        health = test_client.get("/health").json()
        metrics = test_client.get("/metrics").text
    jobs = health["jobs"]
    assert jobs["commit"]["last_error"] is None
    assert jobs["commit"]["runs"] >= 3
    assert (
        "NotADirectoryError" in jobs["retention"]["last_error"] or "FileExistsError" in jobs["retention"]["last_error"]
    )
    assert (jobs["retention"]["failures"], jobs["retention"]["last_success"]) == (1, None)
    assert "unreadable" in jobs["alerts"]["last_error"]
    assert health["status"] == "degraded: retention is failing; alert evaluation is failing"
    assert 'logframe_job_failing{job="retention"} 1.0' in metrics
    assert 'logframe_job_failing{job="commit"} 0.0' in metrics
    assert 'logframe_job_failures_total{job="alerts"}' in metrics
    assert 'logframe_job_last_success_timestamp_seconds{job="commit"}' in metrics
    logged = [r.getMessage() for r in caplog.records if r.name == "logframe.service"]
    assert any(m.startswith("retention failed:") for m in logged)
    assert any(m.startswith("alerts failed:") for m in logged)
    assert any("alert rule(s), retention 30d" in m for m in logged)  # the start-up line


def test_a_failed_commit_is_logged_and_flush_says_so(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    caplog.set_level(logging.INFO, logger="logframe.service")
    with client(tmp_path) as test_client:
        pipeline = test_client.app.state.pipeline
        real_append = pipeline.store.append

        def broken(*args: Any, **kwargs: Any) -> None:
            raise OSError(errno.EROFS, "Read-only file system")

        pipeline.store.append = broken
        test_client.post("/v1/ingest", content=_lines(2))
        refused = test_client.post("/v1/flush")
        assert refused.status_code == 503
        assert "Read-only file system" in refused.json()["detail"]
        assert test_client.get("/health").json()["status"] == "degraded: commits to the store are failing"
        pipeline.store.append = real_append
        assert test_client.post("/v1/flush").json()["committed"] == 2
        assert test_client.get("/health").json()["status"] == "ok"
    logged = [r.getMessage() for r in caplog.records if r.name == "logframe.service"]
    assert any(m.startswith("commit failed: OSError") for m in logged)
    assert any(m.startswith("commit: working again after 1 failed run") for m in logged)


def test_with_a_token_docs_openapi_and_metrics_need_it_but_health_does_not(tmp_path: Path) -> None:
    with client(tmp_path, token="s3cret") as test_client:
        for path in ("/docs", "/openapi.json", "/redoc", "/metrics", "/v1/logs", "/nope"):
            assert test_client.get(path).status_code == 401, path
            assert test_client.get(path, headers={"Authorization": "Bearer nope"}).status_code == 401, path
        right = {"Authorization": "Bearer s3cret"}
        assert test_client.get("/openapi.json", headers=right).json()["info"]["title"] == "logframe"
        assert test_client.get("/metrics", headers=right).status_code == 200
        assert test_client.get("/docs", headers=right).status_code == 200
        assert test_client.get("/health").status_code == 200
        assert test_client.get("/health").json()["status"] == "ok"


# -- 12 (the service commands): clear errors, once, exit code 2 ------------------------------------


@pytest.mark.parametrize("where", ["/proc/no-such-dir/store", "{file}"])
def test_service_commands_say_why_a_store_cannot_be_opened(tmp_path: Path, where: str) -> None:
    from typer.testing import CliRunner

    from logframe.cli import app
    from tests.conftest import SAMPLE

    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    store = where.replace("{file}", str(blocker))
    for args in (["ingest", str(SAMPLE), "--store", store], ["retention", "--store", store, "--keep", "30d"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert f"cannot open the store {store!r}" in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)


def test_retention_prints_a_bad_time_once(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from logframe.cli import app

    result = CliRunner().invoke(app, ["retention", "--store", str(tmp_path / "s"), "--keep", "30d", "--now", "garbage"])
    assert result.exit_code == 2
    assert result.output.count("error:") == 1, result.output


def test_a_deeply_nested_query_is_refused_before_polars_can_crash(tmp_path: Path) -> None:
    """Polars walks an expression recursively: ~3,000 nested '!' crash the process (SIGSEGV) once
    Python's recursion limit lets the query compile (hypothesis raises it while a test runs). The
    service bounds the nesting before compiling, whatever the recursion limit."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = """
import sys, threading
sys.setrecursionlimit(50_000)
from logframe.errors import QueryError
from logframe.service.api import where_filter
def run():
    for query in ("!" * 3000 + "level='ERROR'", "not " * 1000 + "level='ERROR'", "(" * 1500 + "level='ERROR'" + ")" * 1500):
        try:
            where_filter(query)
        except QueryError as error:
            print("refused:", str(error)[:40], flush=True)
thread = threading.Thread(target=run); thread.start(); thread.join()
"""
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.count("refused: where nests too deeply") == 3, result.stdout


def test_a_polars_panic_is_a_400_and_the_server_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Polars panic is a BaseException: unhandled it took the event loop down (the fuzz test found
    one in the zero-filled time buckets of /v1/stats). It is answered 400 and logged."""
    from logframe.frame import LogFrame

    def panics(*args: Any, **kwargs: Any) -> Any:
        raise pl.exceptions.PanicException("capacity overflow")

    with client(tmp_path) as test_client:
        test_client.post("/v1/ingest", content=_lines(3))
        test_client.post("/v1/flush")
        monkeypatch.setattr(LogFrame, "count_by", panics)
        monkeypatch.setattr(LogFrame, "patterns", panics)
        for path in ("/v1/stats", "/v1/patterns"):
            answer = test_client.get(path)
            assert answer.status_code == 400, answer.text
            assert "capacity overflow" in answer.json()["detail"]
            assert "narrow it with start= and end=" in answer.json()["detail"]
        assert test_client.get("/v1/logs").status_code == 200  # still serving
