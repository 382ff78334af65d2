"""Sources beyond local files, against moto: S3 through s3fs (moto's server on loopback) and the
CloudWatch Logs API through boto3 (moto's in-process mock). Real clients, real protocols."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Iterator
from typing import Any

import pytest

import logframe
from logframe.sources import cloudwatch, expand
from tests.conftest import record

boto3 = pytest.importorskip("boto3")
moto = pytest.importorskip("moto")
pytest.importorskip("s3fs")


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials, so no test can reach a real account."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server on 127.0.0.1 (a free port), for s3fs."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(aws_env: None, s3_endpoint: str) -> Iterator[tuple[Any, dict[str, Any]]]:
    """A fresh bucket and the storage_options that reach it."""
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    name = f"logs-{dt.datetime.now().strftime('%H%M%S%f')}"
    s3.create_bucket(Bucket=name)
    options = {"key": "testing", "secret": "testing", "endpoint_url": s3_endpoint}
    yield s3, {"name": name, "options": options}
    import s3fs

    s3fs.S3FileSystem.clear_instance_cache()


def test_s3_object_prefix_and_glob(bucket: tuple[Any, dict[str, Any]]) -> None:
    s3, b = bucket
    lines = [record("ERROR:app.db:down tenant=a"), "{broken", record("INFO:app.main:ok")]
    s3.put_object(Bucket=b["name"], Key="k8s/2025/10/07/app.jsonl", Body="\n".join(lines) + "\n")
    s3.put_object(Bucket=b["name"], Key="k8s/2025/10/07/app2.jsonl.gz", Body=gzip.compress(lines[0].encode() + b"\n"))
    url = f"s3://{b['name']}/k8s/"
    logs = logframe.scan(url, storage_options=b["options"])
    df = logs.collect()
    assert df["level"].to_list() == ["ERROR", "INFO", "ERROR"]
    assert set(df["source"]) == {
        f"s3://{b['name']}/k8s/2025/10/07/app.jsonl",
        f"s3://{b['name']}/k8s/2025/10/07/app2.jsonl.gz",
    }
    report = logs.report()
    assert (report["lines"], report["records"], report["skipped"]) == (4, 3, {"invalid_json": 1})
    assert logs.filter(tenant="a").collect().height == 2
    only_gz = logframe.scan(f"s3://{b['name']}/k8s/**/*.gz", storage_options=b["options"])
    assert only_gz.collect().height == 1


def test_s3_missing_object_is_a_clear_error(bucket: tuple[Any, dict[str, Any]]) -> None:
    _, b = bucket
    with pytest.raises(logframe.SourceError, match=r"no object at 's3://.*/nothing/'"):
        logframe.scan(f"s3://{b['name']}/nothing/", storage_options=b["options"])


def test_cloudwatch_s3_export_out_of_time_order(bucket: tuple[Any, dict[str, Any]]) -> None:
    # A CloudWatch export to S3: gzip objects of "<ISO time> <message>" lines, not in time order,
    # the messages being Fluent Bit's Kubernetes records.
    s3, b = bucket
    events = [
        ("2025-10-07T16:19:07.000Z", record("ERROR:app.db:Connection failed tenant=company-b", pod="backend-7")),
        ("2025-10-07T16:19:05.000Z", record("INFO:app.main:Resolved tenant: company_a", pod="backend-7")),
        ("2025-10-07T16:19:06.500Z", "plain text from a sidecar"),
    ]
    body = "".join(f"{time} {message}\n" for time, message in events).encode()
    s3.put_object(Bucket=b["name"], Key="exportedlogs/task-1/backend-7/000000.gz", Body=gzip.compress(body))
    s3.put_object(Bucket=b["name"], Key="exportedlogs/aws-logs-write-test", Body=b"Permission Check Successful")
    logs = logframe.scan(f"s3://{b['name']}/exportedlogs/*/*/*.gz", storage_options=b["options"])
    assert logs.report()["sources"][0]["format"] == "text"
    df = logs.collect()
    assert df["level"].to_list() == ["ERROR", "INFO", None]
    assert df["pod"].to_list() == ["backend-7", "backend-7", None]
    assert df["container"].to_list() == ["backend", "backend", None]
    assert logs.stats()["time_range"] == {"start": "2025-10-07T16:19:05Z", "end": "2025-10-07T16:19:07Z"}


@pytest.fixture
def logs_client(aws_env: None) -> Iterator[Any]:
    with moto.mock_aws():
        yield boto3.client("logs", region_name="us-east-1")


# CloudWatch refuses events older than 14 days, so the events of these tests are recent.
HOUR = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=2)


def at(minutes: float) -> dt.datetime:
    return HOUR + dt.timedelta(minutes=minutes)


def _put(client: Any, group: str, stream: str, events: list[tuple[dt.datetime, str]]) -> None:
    client.create_log_stream(logGroupName=group, logStreamName=stream)
    client.put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[{"timestamp": int(t.timestamp() * 1000), "message": m} for t, m in events],
    )


def test_cloudwatch_api_pages_into_records(logs_client: Any) -> None:
    group = "/eks/prod/application"
    logs_client.create_log_group(logGroupName=group)
    fluent = [(at(i), record(f"ERROR:app.db:failed n={i} tenant=company-b", pod=f"backend-{i}")) for i in range(5)]
    _put(logs_client, group, "backend-abc", fluent)
    _put(logs_client, group, "worker-xyz", [(at(30), '{"level": "warn", "msg": "slow", "ms": 900}')])
    _put(logs_client, group, "other", [(at(90), "outside the window")])
    source = cloudwatch(group, at(0), at(60), page_size=2, client=logs_client)
    assert [len(events) for events in source.pages()] == [2, 2, 2]  # nextToken followed to the end
    logs = logframe.scan(source)
    df = logs.collect()
    assert df["source"].unique().to_list() == ["cloudwatch:/eks/prod/application"]
    assert df["level"].to_list() == ["ERROR"] * 5 + ["WARNING"]
    assert df["pod"].to_list() == [f"backend-{i}" for i in range(5)] + [None]  # from the Fluent Bit record
    assert df["container"].to_list() == ["backend"] * 5 + [None]
    assert df["timestamp"].to_list() == [at(i) for i in range(5)] + [at(30)]  # the event's time
    slow = df.row(5, named=True)
    assert slow["message"] == "slow"
    assert {f["key"]: f["value"] for f in slow["fields"]} == {"ms": "900"}
    assert logs.filter(tenant="company-b").collect().height == 5
    report = logs.report()
    assert report["lines"] == report["records"] == 6


def test_cloudwatch_api_filter_pattern_and_prefix(logs_client: Any) -> None:
    group = "/eks/prod/application"
    logs_client.create_log_group(logGroupName=group)
    _put(logs_client, group, "backend-1", [(at(0), "ERROR db down"), (at(1), "INFO ok")])
    _put(logs_client, group, "frontend-1", [(at(2), "ERROR css missing")])
    errors = cloudwatch(group, at(-60), at(60), filter_pattern="ERROR", client=logs_client)
    assert sorted(logframe.scan(errors).collect()["message"].to_list()) == ["css missing", "db down"]
    # moto's filter_log_events ignores logStreamNamePrefix, so check the request the real client sends.
    sent: list[dict[str, Any]] = []
    logs_client.meta.events.register(
        "before-call.cloudwatch-logs.FilterLogEvents", lambda params, **_: sent.append(params)
    )
    backend = cloudwatch(group, at(-60), at(60), log_stream_prefix="backend-", client=logs_client)
    logframe.scan(backend).collect()
    assert sent
    assert all(json.loads(request["body"])["logStreamNamePrefix"] == "backend-" for request in sent)


def test_cloudwatch_api_empty_window(logs_client: Any) -> None:
    logs_client.create_log_group(logGroupName="/empty")
    source = cloudwatch("/empty", at(0), at(60), client=logs_client)
    assert logframe.scan(source).stats()["total"] == 0


def test_cloudwatch_bad_times_are_clear_errors() -> None:
    with pytest.raises(logframe.SourceError, match="start='yesterday' is not an ISO 8601 time"):
        cloudwatch("/g", "yesterday", "2025-10-07T17:00:00Z")
    with pytest.raises(logframe.SourceError, match="page_size must be an integer from 1 to 10000"):
        cloudwatch("/g", "2025-10-07T15:00:00Z", "2025-10-07T17:00:00Z", page_size=0)


def test_expand_passes_source_objects_through() -> None:
    source = cloudwatch("/g", "2025-10-07T15:00:00Z", "2025-10-07T17:00:00Z")
    assert expand([source, "sample_logs.txt"])[0] is source
    assert json.dumps(expand("sample_logs.txt")[0].name) == '"sample_logs.txt"'


def test_cli_reads_s3_with_storage_options(bucket: tuple[Any, dict[str, Any]]) -> None:
    from typer.testing import CliRunner

    from logframe.cli import app

    s3, b = bucket
    s3.put_object(Bucket=b["name"], Key="app.log", Body=(record("ERROR:app.db:down") + "\n").encode())
    endpoint = b["options"]["endpoint_url"]
    args = ["stats", f"s3://{b['name']}/app.log", "-S", "key=testing", "-S", "secret=testing", "--json"]
    result = CliRunner().invoke(app, [*args, "-S", f"endpoint_url={endpoint}"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["by_level"] == {"ERROR": 1}
    bad = CliRunner().invoke(app, [*args, "-S", "endpoint_url"])
    assert bad.exit_code == 2
    assert "is not KEY=VALUE" in bad.output


def test_cli_reads_the_cloudwatch_api(logs_client: Any) -> None:
    from typer.testing import CliRunner

    from logframe.cli import app

    logs_client.create_log_group(logGroupName="/eks/prod/app")
    _put(logs_client, "/eks/prod/app", "backend-1", [(at(0), "ERROR db down tenant=a"), (at(1), "INFO ok")])
    start, end = (t.isoformat().replace("+00:00", "Z") for t in (at(-5), at(5)))
    url = f"cloudwatch:///eks/prod/app?start={start}&end={end}"
    result = CliRunner().invoke(app, ["query", url, "--where", "level='ERROR'", "--format", "ndjson"])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["message"] for line in result.output.splitlines()] == ["db down tenant=a"]
    missing = CliRunner().invoke(app, ["stats", "cloudwatch:///eks/prod/app?end=2025-10-07T00:00:00Z"])
    assert missing.exit_code == 2
    assert "needs a log group and start=" in missing.output
