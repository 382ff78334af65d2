"""The HTTP service, as a real uvicorn server in a subprocess on 127.0.0.1: ingestion, queries, auth,
idempotency, and acknowledged records surviving SIGKILL at random points."""

from __future__ import annotations

import gzip
import json
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SAMPLE, record

httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi")
pytest.importorskip("deltalake")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cli_without(*modules: str) -> list[str]:
    """The ``logframe`` command in a Python where ``modules`` cannot be imported (as if not installed)."""
    block = f"import sys; sys.modules.update(dict.fromkeys({list(modules)!r}))"
    return [sys.executable, "-c", f"{block}; from logframe.cli import main; main()"]


class Server:
    """``logframe serve`` in a subprocess; restartable on the same store.

    ``without`` names modules the server cannot import (to run it as an install without them would).
    """

    def __init__(
        self,
        store: Path,
        token: str | None = None,
        max_file_bytes: int | None = None,
        extra: tuple[str, ...] = (),
        without: tuple[str, ...] = (),
    ) -> None:
        self.store, self.token, self.port, self.extra = store, token, free_port(), list(extra)
        self.without = without
        self.max_file_bytes = max_file_bytes  # RLIMIT_FSIZE: writes past it fail, as on a full disk
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = cli_without(*self.without) if self.without else [sys.executable, "-m", "logframe.cli"]
        args = [*command, "serve", "--store", str(self.store), "--port", str(self.port)]
        if self.token:
            args += ["--token", self.token]
        args += self.extra
        self.process = subprocess.Popen(
            args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=self._limits
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("server did not start in 60 s")

    def _limits(self) -> None:
        if self.max_file_bytes is not None:
            import resource

            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
            resource.setrlimit(resource.RLIMIT_FSIZE, (self.max_file_bytes, self.max_file_bytes))

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path / "store")
    running.start()
    yield running
    running.stop()


def flush(server: Server) -> None:
    answer = httpx.post(f"{server.url}/v1/flush", timeout=60)
    assert answer.status_code == 200, answer.text


def test_ingest_query_stats_patterns(server: Server) -> None:
    body = SAMPLE.read_bytes()
    answer = httpx.post(f"{server.url}/v1/ingest?source=sample", content=body, timeout=30).json()
    assert (answer["accepted"], answer["rejected"]) == (137, 8)  # the 2 blank lines are not rejections
    assert [e["line"] for e in answer["errors"]] == sorted(e["line"] for e in answer["errors"])
    gz = httpx.post(
        f"{server.url}/v1/ingest?source=gz",
        content=gzip.compress(json.dumps([json.loads(record("ERROR:app:zipped tenant=z"))]).encode()),
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
        timeout=30,
    ).json()
    assert gz["accepted"] == 1
    flush(server)
    errors = httpx.get(f"{server.url}/v1/logs", params={"level": "ERROR", "limit": 10}, timeout=30).json()
    assert len(errors["records"]) == 10
    assert errors["records"][0]["timestamp"] >= errors["records"][-1]["timestamp"]  # newest first
    seen, cursor = [], None
    while True:  # cursor pagination walks every ERROR record once
        params: dict[str, Any] = {"level": "ERROR", "limit": 7, "order": "oldest"}
        if cursor:
            params["cursor"] = cursor
        page = httpx.get(f"{server.url}/v1/logs", params=params, timeout=30).json()
        seen += [(r["source"], r["line"]) for r in page["records"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 46
    where = httpx.get(f"{server.url}/v1/logs", params={"where": "tenant='z'"}, timeout=30).json()
    assert [r["message"] for r in where["records"]] == ["zipped tenant=z"]
    stats = httpx.get(f"{server.url}/v1/stats", params={"by": "container", "every": "10m"}, timeout=30).json()
    assert stats["summary"]["total"] == 138
    assert sum(row["count"] for row in stats["counts"]) == 138
    assert stats["error_rate"][0].keys() >= {"bucket", "total", "errors", "rate", "rate_low", "rate_high"}
    patterns = httpx.get(f"{server.url}/v1/patterns", timeout=30).json()["patterns"]
    assert patterns[0]["count"] >= patterns[-1]["count"]
    metrics = httpx.get(f"{server.url}/metrics", timeout=30).text
    assert "logframe_records_accepted_total 138.0" in metrics
    assert 'logframe_request_seconds_count{path="/v1/ingest"} 2.0' in metrics


def test_bad_requests_get_4xx_with_a_reason(server: Server) -> None:
    bad_query = httpx.get(f"{server.url}/v1/logs", params={"where": "level='ERROR"}, timeout=30)
    assert bad_query.status_code == 400
    assert "unterminated string" in bad_query.json()["detail"]
    bad_time = httpx.get(f"{server.url}/v1/logs", params={"start": "yesterday"}, timeout=30)
    assert (bad_time.status_code, "not an ISO 8601 time" in bad_time.text) == (400, True)
    bad_format = httpx.post(f"{server.url}/v1/ingest?format=xml", content=b"<a/>", timeout=30)
    assert (bad_format.status_code, "unknown format 'xml'" in bad_format.text) == (400, True)
    bad_gzip = httpx.post(f"{server.url}/v1/ingest", content=b"nope", headers={"Content-Encoding": "gzip"}, timeout=30)
    assert bad_gzip.status_code == 400
    too_big = httpx.post(f"{server.url}/v1/ingest", content=b"x" * ((16 << 20) + 1), timeout=60)
    assert too_big.status_code == 413
    bomb = gzip.compress(b"\n" * ((16 << 20) + 10))
    assert (
        httpx.post(
            f"{server.url}/v1/ingest", content=bomb, headers={"Content-Encoding": "gzip"}, timeout=60
        ).status_code
        == 413
    )
    bad_cursor = httpx.get(f"{server.url}/v1/logs", params={"cursor": "!!"}, timeout=30)
    assert bad_cursor.status_code == 400


def test_idempotency_key_counts_a_retry_once(server: Server) -> None:
    lines = "\n".join(record(f"INFO:app:n={i}") for i in range(3)).encode()
    headers = {"Idempotency-Key": "batch-42"}
    first = httpx.post(f"{server.url}/v1/ingest", content=lines, headers=headers, timeout=30).json()
    again = httpx.post(f"{server.url}/v1/ingest", content=lines, headers=headers, timeout=30).json()
    assert (first["accepted"], again["accepted"], again.get("replayed")) == (3, 3, True)
    flush(server)
    server.stop()
    server.start()  # the key survives a restart (kept with the committed entry)
    third = httpx.post(f"{server.url}/v1/ingest", content=lines, headers=headers, timeout=30).json()
    assert third.get("replayed") is True
    flush(server)
    assert len(httpx.get(f"{server.url}/v1/logs", timeout=30).json()["records"]) == 3


def test_token_is_required_when_set(tmp_path: Path) -> None:
    guarded = Server(tmp_path / "store", token="s3cret")
    guarded.start()
    try:
        assert httpx.get(f"{guarded.url}/v1/logs", timeout=30).status_code == 401
        wrong = {"Authorization": "Bearer nope"}
        assert httpx.get(f"{guarded.url}/v1/logs", headers=wrong, timeout=30).status_code == 401
        right = {"Authorization": "Bearer s3cret"}
        assert httpx.get(f"{guarded.url}/v1/logs", headers=right, timeout=30).status_code == 200
        assert httpx.get(f"{guarded.url}/health", timeout=30).status_code == 200
        assert httpx.get(f"{guarded.url}/openapi.json", timeout=30).status_code == 401
        assert httpx.get(f"{guarded.url}/metrics", timeout=30).status_code == 401
    finally:
        guarded.stop()
    assert guarded.process is not None
    assert guarded.process.stderr is not None
    logged = guarded.process.stderr.read().decode()
    assert f"logframe serve on http://127.0.0.1:{guarded.port}" in logged
    assert "token required (except /health)" in logged
    assert f"store {tmp_path / 'store'}, write-ahead log {tmp_path / 'store-wal'}" in logged


def test_serving_beyond_loopback_needs_a_token() -> None:
    from typer.testing import CliRunner

    from logframe.cli import app

    result = CliRunner().invoke(app, ["serve", "--store", "unused", "--host", "0.0.0.0"], env={"LOGFRAME_TOKEN": ""})
    assert result.exit_code == 2
    assert "pass --token" in result.output


BATCH = 20


def test_acknowledged_records_survive_sigkill_exactly_once(tmp_path: Path) -> None:
    server = Server(tmp_path / "store")
    server.start()
    acked: set[str] = set()
    sent: dict[str, list[str]] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def client(name: str) -> None:
        number = 0
        while not stop.is_set():
            number += 1
            key = f"{name}-{number}"
            ids = [f"{key}-{j}" for j in range(BATCH)]
            body = "\n".join(record(f"INFO:app:event uid={uid}") for uid in ids).encode()
            with lock:
                sent[key] = ids
            for _ in range(200):  # retry the same batch with the same key until it is acknowledged
                if stop.is_set():
                    return
                try:
                    answer = httpx.post(
                        f"{server.url}/v1/ingest", content=body, headers={"Idempotency-Key": key}, timeout=10
                    )
                except httpx.TransportError:
                    time.sleep(0.05)
                    continue
                if answer.status_code == 200 and answer.json()["accepted"] == BATCH:
                    with lock:
                        acked.update(ids)
                    break
                time.sleep(0.05)

    clients = [threading.Thread(target=client, args=(f"c{i}",)) for i in range(3)]
    for thread in clients:
        thread.start()
    rng = random.Random(7)
    try:
        for _ in range(10):
            time.sleep(rng.uniform(0.3, 1.5))
            server.kill()
            server.start()
        time.sleep(1.0)
    finally:
        stop.set()
        for thread in clients:
            thread.join()
    flush(server)
    server.stop()

    from logframe.service.store import open_store

    stored = open_store(tmp_path / "store").scan().collect()
    uids = [fields[0]["value"] for fields in stored["fields"]]
    assert len(acked) >= 10 * BATCH, "too few batches acknowledged for the test to mean anything"
    assert len(uids) == len(set(uids)), "a record was stored twice"
    assert acked <= set(uids), f"{len(acked - set(uids))} acknowledged records are missing"
    present: dict[str, int] = {}
    for uid in uids:
        batch = uid.rsplit("-", 1)[0]
        present[batch] = present.get(batch, 0) + 1
    assert all(count == BATCH for count in present.values()), "a batch was half-written"
    assert set(present) <= set(sent)


def test_a_write_that_fails_is_refused_not_lost(tmp_path: Path) -> None:
    # Writes past 256 KiB fail (RLIMIT_FSIZE), as they would on a full disk.
    limited = Server(tmp_path / "store", max_file_bytes=256 << 10)
    limited.start()
    try:
        big = "\n".join(record(f"INFO:app:big n={i} " + "x" * 200) for i in range(3000)).encode()
        refused = httpx.post(f"{limited.url}/v1/ingest", content=big, timeout=60)
        assert refused.status_code == 507
        assert "nothing was accepted" in refused.json()["detail"]
        small = httpx.post(f"{limited.url}/v1/ingest", content=record("ERROR:app:small").encode(), timeout=60)
        assert small.status_code == 200
        flush(limited)
        assert [r["message"] for r in httpx.get(f"{limited.url}/v1/logs", timeout=30).json()["records"]] == ["small"]
        assert not list((tmp_path / "store-wal").glob("*.tmp"))
    finally:
        limited.stop()


def test_a_read_only_store_keeps_batches_in_the_log_and_says_so(tmp_path: Path) -> None:
    import shutil

    server = Server(tmp_path / "store")
    server.start()
    log_dir = tmp_path / "store" / "_delta_log"
    try:
        httpx.post(f"{server.url}/v1/ingest", content=record("INFO:app:first").encode(), timeout=30)
        flush(server)
        chattr = shutil.which("chattr")
        if chattr is None or subprocess.run([chattr, "+i", str(log_dir)], capture_output=True).returncode != 0:
            pytest.skip("cannot make a directory immutable here (chattr)")
        answer = httpx.post(f"{server.url}/v1/ingest", content=record("ERROR:app:second").encode(), timeout=30)
        assert answer.status_code == 200  # durable in the write-ahead log
        deadline = time.monotonic() + 30
        health = httpx.get(f"{server.url}/health", timeout=30).json()
        while health["last_commit_error"] is None and time.monotonic() < deadline:
            time.sleep(0.1)
            health = httpx.get(f"{server.url}/health", timeout=30).json()
        assert health["status"].startswith("degraded")
        assert health["wal_depth"] == 1
        assert "logframe_commit_errors_total" in httpx.get(f"{server.url}/metrics", timeout=30).text
        subprocess.run([chattr, "-i", str(log_dir)], check=True)  # the operator makes it writable again
        flush(server)
        messages = [r["message"] for r in httpx.get(f"{server.url}/v1/logs", timeout=30).json()["records"]]
        assert sorted(messages) == ["first", "second"]
    finally:
        subprocess.run(["chattr", "-i", str(log_dir)], capture_output=True, check=False)
        server.stop()


def test_serve_evaluates_rules_and_lists_alerts(tmp_path: Path) -> None:
    import datetime as dt

    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "rules:\n"
        "  - {name: burst, kind: threshold, where: \"level='ERROR'\", window: 5m, condition: '> 2',"
        " group_by: [tenant], labels: {severity: page}}\n"
    )
    notified = tmp_path / "alerts.jsonl"
    extra = ("--rules", str(rules), "--eval-interval", "0.2", "--notify-file", str(notified))
    server = Server(tmp_path / "store", extra=extra)
    server.start()
    try:
        now = dt.datetime.now(dt.UTC)
        lines = [
            record(f"ERROR:app:down tenant={t}", (now - dt.timedelta(seconds=i)).isoformat())
            for t, n in (("a", 4), ("b", 1))
            for i in range(n)
        ]
        httpx.post(f"{server.url}/v1/ingest", content="\n".join(lines).encode(), timeout=30)
        flush(server)
        deadline = time.monotonic() + 30
        alerts: list[dict[str, Any]] = []
        while not alerts and time.monotonic() < deadline:
            time.sleep(0.2)
            alerts = httpx.get(f"{server.url}/v1/alerts", timeout=30).json()["alerts"]
        assert [(a["rule"], a["labels"]["tenant"], a["state"], a["value"]) for a in alerts] == [
            ("burst", "a", "firing", 4.0)
        ]
        sent = [json.loads(line) for line in notified.read_text().splitlines()]
        assert [(s["rule"], s["state"]) for s in sent] == [("burst", "firing")]
    finally:
        server.stop()


def test_serve_refuses_bad_rules_at_start(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from logframe.cli import app

    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - {name: x, kind: gauge}\n")
    result = CliRunner().invoke(app, ["serve", "--store", str(tmp_path / "s"), "--rules", str(rules)])
    assert result.exit_code == 2
    assert "kind must be 'threshold' or 'pattern'" in result.output


def test_serve_applies_retention_on_its_schedule(tmp_path: Path) -> None:
    import logframe
    from logframe.service.store import open_store

    store = open_store(tmp_path / "store")
    store.append(logframe.scan(SAMPLE).collect())  # 2025-10-07: long outside a 30-day window
    extra = ("--retention", "30d", "--archive-to", str(tmp_path / "archive"))
    server = Server(tmp_path / "store", extra=extra)
    server.start()
    try:
        deadline = time.monotonic() + 30
        total = 137
        while total != 3 and time.monotonic() < deadline:
            time.sleep(0.2)
            total = httpx.get(f"{server.url}/v1/stats", timeout=30).json()["summary"]["total"]
        assert total == 3  # only the records without a time, filed under today, remain
    finally:
        server.stop()
    assert logframe.scan(str(tmp_path / "archive")).collect().height == 134


def load_with_kills(nodes: list[Server], kills: int, seed: int) -> set[str]:
    """One client a node sends batches (retried with their idempotency key until acknowledged) while
    ``kills`` random nodes are SIGKILLed and restarted (seeded); the acknowledged record ids."""
    acked: set[str] = set()
    lock = threading.Lock()
    stop = threading.Event()

    def client(index: int) -> None:
        number = 0
        while not stop.is_set():
            number += 1
            key = f"n{index}-{number}"
            ids = [f"{key}-{j}" for j in range(BATCH)]
            body = "\n".join(record(f"INFO:app:event uid={uid}") for uid in ids).encode()
            for _ in range(200):
                if stop.is_set():
                    return
                try:
                    answer = httpx.post(
                        f"{nodes[index].url}/v1/ingest", content=body, headers={"Idempotency-Key": key}, timeout=10
                    )
                except httpx.TransportError:
                    time.sleep(0.05)
                    continue
                if answer.status_code == 200 and answer.json()["accepted"] == BATCH:
                    with lock:
                        acked.update(ids)
                    break
                time.sleep(0.05)

    clients = [threading.Thread(target=client, args=(i,)) for i in range(len(nodes))]
    for thread in clients:
        thread.start()
    rng = random.Random(seed)
    try:
        for _ in range(kills):
            time.sleep(rng.uniform(0.5, 1.5))
            victim = nodes[rng.randrange(len(nodes))]
            victim.kill()
            victim.start()
        time.sleep(1.0)
    finally:
        stop.set()
        for thread in clients:
            thread.join()
    return acked


def assert_each_acknowledged_record_once(stored: Any, acked: set[str]) -> None:
    """The stored records (a frame of ``uid=...`` records) hold every acknowledged id once, batches whole."""
    uids = [fields[0]["value"] for fields in stored["fields"]]
    assert len(acked) >= 20 * BATCH, "too few batches acknowledged for the test to mean anything"
    assert len(uids) == len(set(uids)), "a record was stored twice"
    assert acked <= set(uids), f"{len(acked - set(uids))} acknowledged records are missing"
    present: dict[str, int] = {}
    for uid in uids:
        present[uid.rsplit("-", 1)[0]] = present.get(uid.rsplit("-", 1)[0], 0) + 1
    assert all(count == BATCH for count in present.values()), "a batch was half-written"


def test_three_nodes_on_one_table_commit_every_acknowledged_record_once(tmp_path: Path) -> None:
    """Three servers, each with its own write-ahead log, committing to one local Delta table under
    concurrent load, with SIGKILLs: each node commits under its own application transaction
    (wal:<node id>), Delta serialises the commits, every acknowledged record is stored once."""
    from deltalake import DeltaTable

    nodes = [Server(tmp_path / "store", extra=("--wal", str(tmp_path / f"wal-{i}"))) for i in range(3)]
    for node in nodes:
        node.start()
    second = Server(tmp_path / "store", extra=("--wal", str(tmp_path / "wal-0")))  # a log already in use
    with pytest.raises(RuntimeError, match="is in use by another server"):
        second.start()
    acked = load_with_kills(nodes, kills=4, seed=13)
    for node in nodes:
        flush(node)
        node.stop()

    from logframe.service.store import open_store

    assert_each_acknowledged_record_once(open_store(tmp_path / "store").scan().collect(), acked)
    node_ids = {(tmp_path / f"wal-{i}" / "node-id").read_text().strip() for i in range(3)}
    table = DeltaTable(str(tmp_path / "store"))
    assert len(node_ids) == 3
    assert all((table.transaction_version(f"wal:{node}") or 0) > 0 for node in node_ids)
