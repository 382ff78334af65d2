"""The service past one machine: several ``logframe serve`` nodes, each with its own write-ahead log,
committing to one Delta table on ``s3://`` (moto's S3 server on 127.0.0.1, delta-rs's conditional
puts), under concurrent load with SIGKILLs; and the commit races retried, counted on /metrics."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import record
from tests.test_api import Server, assert_each_acknowledged_record_once, flush, load_with_kills

httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi")
pytest.importorskip("deltalake")

BUCKET = "logframe-nodes"


def serialised(app: Callable[..., Any]) -> Callable[..., Any]:
    """``app`` answering one request at a time.

    moto checks ``If-None-Match: *`` and then stores the object in two steps, so two threads putting
    the same key can both pass the check; S3 does it atomically, and delta-rs's conditional-put
    commits rely on that (the loser of a race must get 412). One lock makes moto atomic too.
    """
    lock = threading.Lock()

    def call(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with lock:
            return list(app(environ, start_response))

    return call


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server on 127.0.0.1 (a free port), requests serialised; a bucket made."""
    server_module = pytest.importorskip(
        "moto.moto_server.werkzeug_app", reason="moto[server] is not installed (pip install -e '.[dev]')"
    )
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line a request otherwise
    app = server_module.DomainDispatcherApplication(server_module.create_backend_app)
    server = make_server(
        "127.0.0.1", 0, serialised(app), threaded=True, request_handler=server_module.MotoRequestHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    assert httpx.put(f"{endpoint}/{BUCKET}", timeout=30).status_code == 200
    yield endpoint
    server.shutdown()
    thread.join()


def storage_options(endpoint: str) -> dict[str, str]:
    """delta-rs's options for moto: endpoint, dummy credentials, plain HTTP, conditional-put commits."""
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_ALLOW_HTTP": "true",
        "conditional_put": "etag",
    }


def commits(endpoint: str, prefix: str) -> list[dict[str, Any]]:
    """The table's commit files in version order, each as its list of actions (read from the bucket)."""
    import boto3

    s3 = boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t"
    )
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=f"{prefix}/_delta_log/"):
        keys += [item["Key"] for item in page.get("Contents", []) if item["Key"].endswith(".json")]
    out = []
    for key in sorted(keys):
        body = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read().decode()
        out.append({"key": key, "actions": [json.loads(line) for line in body.splitlines() if line.strip()]})
    return out


@pytest.mark.slow
def test_three_nodes_on_one_s3_table_commit_every_acknowledged_record_once(s3_endpoint: str, tmp_path: Path) -> None:
    """Three servers, each with its own write-ahead log, committing to one Delta table on s3:// with
    conditional puts (no unsafe rename, no lock table), under concurrent load with 3 SIGKILLs: every
    acknowledged record is stored once, each commit carries its node's own application transaction
    (``wal:<node id>``, never one version twice), and the commits of the nodes interleave."""
    from logframe.service.store import open_store

    options = storage_options(s3_endpoint)
    flags = tuple(arg for key, value in options.items() for arg in ("-S", f"{key}={value}"))
    url = f"s3://{BUCKET}/store"
    nodes = [Server(url, extra=("--wal", str(tmp_path / f"wal-{i}"), *flags)) for i in range(3)]
    starting = [threading.Thread(target=node.start) for node in nodes]
    for thread in starting:
        thread.start()
    for thread in starting:
        thread.join()
    try:
        acked = load_with_kills(nodes, kills=3, seed=29)
        for node in nodes:
            flush(node)
        scraped = [httpx.get(f"{node.url}/metrics", timeout=30).text for node in nodes]
    finally:
        for node in nodes:
            node.stop()

    assert all("logframe_commit_retries_total" in text for text in scraped)
    store = open_store(url, options)
    stored = store.scan().collect()
    assert_each_acknowledged_record_once(stored, acked)
    import polars as pl

    assert pl.scan_delta(url, storage_options=options).select(pl.len()).collect().item() == stored.height  # any reader
    for i in range(3):  # every log drained into the table
        assert not list((tmp_path / f"wal-{i}").glob("*.entry"))

    node_ids = [(tmp_path / f"wal-{i}" / "node-id").read_text().strip() for i in range(3)]
    app_ids = {f"wal:{node}" for node in node_ids}
    assert len(app_ids) == 3
    history = [c for c in commits(s3_endpoint, "store") if any("add" in action for action in c["actions"])]
    transactions = [[a["txn"] for a in c["actions"] if "txn" in a] for c in history]
    assert all(len(txns) == 1 for txns in transactions), "a commit of records without its node's transaction"
    pairs = [(txns[0]["appId"], txns[0]["version"]) for txns in transactions]
    assert {app for app, _ in pairs} == app_ids, "each node commits under its own wal:<node id>"
    assert len(pairs) == len(set(pairs)), "a log entry committed twice"
    for app in app_ids:  # each node's versions rise through the table's history
        versions = [version for a, version in pairs if a == app]
        assert versions == sorted(versions)
        assert store.committed(app) == versions[-1]
    switches = sum(1 for before, after in itertools.pairwise(pairs) if before[0] != after[0])
    assert switches >= 3, "the nodes' commits did not interleave"


@pytest.mark.usefixtures("commits_refused_twice")
def test_commits_that_lose_races_are_counted_on_metrics(tmp_path: Path) -> None:
    """A commit refused twice as another writer's won (CommitFailedError) lands on the third try, once,
    and ``logframe_commit_retries_total`` says 2."""
    from fastapi.testclient import TestClient

    from logframe.service.api import create_app

    app = create_app(str(tmp_path / "store"), commit_interval=3600.0)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/metrics").text.count("logframe_commit_retries_total 0.0") == 1
        lines = "".join(record(f"ERROR:app:n={i}") + "\n" for i in range(3)).encode()
        assert client.post("/v1/ingest", content=lines).json()["accepted"] == 3
        assert client.post("/v1/flush").json()["committed"] == 3
        metrics = client.get("/metrics").text
        stored = client.get("/v1/logs").json()["records"]
    assert "logframe_commit_retries_total 2.0" in metrics
    assert sorted(r["message"] for r in stored) == ["n=0", "n=1", "n=2"]


def test_serve_refuses_a_storage_option_that_is_not_key_value(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from logframe.cli import app

    args = ["serve", "--store", "s3://bucket/store", "--wal", str(tmp_path / "wal"), "-S", "conditional_put"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "--storage-option 'conditional_put' is not KEY=VALUE" in result.output
