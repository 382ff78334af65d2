"""What each install gives on its own: the core, ``[service]`` alone, ``[aws]`` alone.

``make test-extras`` runs the tests marked ``core``, ``service`` and ``aws`` each in a fresh venv
holding only that install, so a dependency an extra forgets fails there. In the development venv
(every extra installed) the same tests block the modules an install would lack, so they still test
the fallbacks: pyarrow is blocked for the service (no extra brings it), the service and aws modules
for the core.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE

SERVICE_MODULES = ("deltalake", "fastapi", "uvicorn", "prometheus_client", "yaml", "httpx")
AWS_MODULES = ("fsspec", "s3fs", "boto3")


def run_cli(*args: str, without: tuple[str, ...] = (), cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    block = f"import sys; sys.modules.update(dict.fromkeys({list(without)!r}))"
    command = [sys.executable, "-c", f"{block}; from logframe.cli import main; main()", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


# -- core -------------------------------------------------------------------------------------


@pytest.mark.core
def test_core_reads_logs_without_any_extra() -> None:
    result = run_cli("stats", str(SAMPLE), "--json", without=SERVICE_MODULES + AWS_MODULES)
    assert result.returncode == 0, result.stderr
    assert '"total": 137' in result.stdout


@pytest.mark.core
@pytest.mark.parametrize(
    "command",
    [
        ["serve", "--store", "{tmp}/store"],
        ["ingest", str(SAMPLE), "--store", "{tmp}/store"],
        ["retention", "--store", "{tmp}/store", "--keep", "30d"],
    ],
)
def test_core_says_which_extra_the_service_commands_need(tmp_path: Path, command: list[str]) -> None:
    args = [part.replace("{tmp}", str(tmp_path)) for part in command]
    result = run_cli(*args, without=SERVICE_MODULES)
    assert result.returncode == 2, result.stderr
    assert "pip install 'logframe[service]'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.core
def test_core_says_which_extra_alert_rules_need(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules: []\n")
    result = run_cli("alerts", "test", str(rules), "--input", str(SAMPLE), without=SERVICE_MODULES)
    assert (result.returncode, "Traceback" in result.stderr) == (2, False)
    assert "pip install 'logframe[service]'" in result.stderr


@pytest.mark.core
def test_core_says_which_extra_object_storage_needs() -> None:
    result = run_cli("stats", "s3://bucket/logs/", without=AWS_MODULES)
    assert (result.returncode, "Traceback" in result.stderr) == (2, False)
    assert "pip install 'logframe[aws]'" in result.stderr


# -- service ----------------------------------------------------------------------------------


@pytest.mark.service
def test_service_alone_ingests_over_http_and_answers_every_error(tmp_path: Path) -> None:
    """The server runs without pyarrow (which no extra brings): every ERROR record of the sample back."""
    httpx = pytest.importorskip("httpx")
    pytest.importorskip("fastapi")
    pytest.importorskip("deltalake")
    import logframe
    from tests.test_api import Server

    server = Server(tmp_path / "store", without=("pyarrow",))
    server.start()
    try:
        answer = httpx.post(f"{server.url}/v1/ingest?source=sample", content=SAMPLE.read_bytes(), timeout=60)
        assert answer.status_code == 200, answer.text
        assert answer.json()["accepted"] == 137
        flushed = httpx.post(f"{server.url}/v1/flush", timeout=60)
        assert flushed.status_code == 200, flushed.text
        health = httpx.get(f"{server.url}/health", timeout=30).json()
        assert health["status"] == "ok", health
        got = httpx.get(f"{server.url}/v1/logs", params={"level": "ERROR", "limit": 1000}, timeout=30).json()
    finally:
        server.stop()
    expected = logframe.scan(SAMPLE).filter(level="ERROR").collect()
    assert sorted(r["line"] for r in got["records"]) == sorted(expected["line"].to_list())
    assert {r["level"] for r in got["records"]} == {"ERROR"}


@pytest.mark.service
def test_store_and_retention_need_no_pyarrow(tmp_path: Path) -> None:
    pytest.importorskip("deltalake")
    code = f"""
import sys; sys.modules['pyarrow'] = None
import datetime as dt, logframe
from logframe.service.store import open_store
from logframe.service.retention import apply_retention
store = open_store({str(tmp_path / "store")!r})
store.append(logframe.scan({str(SAMPLE)!r}).collect(), app_id="file", version=1)
assert store.committed("file") == 1
assert store.scan().filter(level="ERROR").collect().height == 45
store.optimize()
assert store.describe()["records"] == 137
result = apply_retention(store, "30d", archive={str(tmp_path / "archive")!r}, now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
assert result["archived"][0]["rows"] == 134, result
assert logframe.scan({str(tmp_path / "archive")!r}).collect().height == 134
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.stdout.strip() == "ok", result.stderr[-3000:]


# -- aws --------------------------------------------------------------------------------------


@pytest.mark.aws
def test_aws_alone_reads_object_storage_urls() -> None:
    fsspec = pytest.importorskip("fsspec")
    import logframe

    with fsspec.open("memory://bucket/exports/app.jsonl", "wb") as handle:
        handle.write(SAMPLE.read_bytes())
    assert logframe.scan("memory://bucket/exports/").stats()["total"] == 137


@pytest.mark.aws
def test_aws_alone_has_what_s3_and_cloudwatch_need() -> None:
    fsspec = pytest.importorskip("fsspec")
    boto3 = pytest.importorskip("boto3")
    assert type(fsspec.filesystem("s3", anon=True)).__name__ == "S3FileSystem"  # s3fs is installed
    client = boto3.client("logs", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    assert hasattr(client, "filter_log_events")  # made offline: no request is sent
