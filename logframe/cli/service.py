"""``logframe ingest``, ``retention``, ``alerts test`` and ``serve``: the log service's commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

import logframe
from logframe.cli.options import AsJson, Files, LogFormat, fail
from logframe.cli.reading import storage_options, warnings_on_stderr
from logframe.errors import LogframeError
from logframe.sources import expand

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def ingest(
    files: Files,
    store: Annotated[str, typer.Option("--store", help="Directory or s3:// URL of the store (a Delta table).")],
    log_format: LogFormat = "auto",
    follow: Annotated[
        bool, typer.Option("--follow", help="Keep reading the file as it grows, through rotation (Ctrl-C stops).")
    ] = False,
    interval: Annotated[float, typer.Option("--interval", min=0.1, help="Seconds between reads with --follow.")] = 1.0,
) -> None:
    """Append records to a store, idempotently: what a source already gave is not added again."""
    from logframe.service.ingest import follow as follow_file
    from logframe.service.ingest import ingest as ingest_sources
    from logframe.service.store import open_store

    try:
        target = open_store(store)  # an s3:// store takes its credentials from the AWS_* variables
        if follow:
            if len(files) != 1 or files[0] == "-":
                fail("--follow takes exactly one file path")
            try:
                follow_file(files[0], target, interval=interval)
            except KeyboardInterrupt:
                return
        for result in ingest_sources(files, target, format=log_format):
            typer.echo(json.dumps(result, ensure_ascii=False))
    except LogframeError as error:
        fail(str(error))


def retention(
    store: Annotated[str, typer.Option("--store", help="Directory or s3:// URL of the store.")],
    keep: Annotated[str, typer.Option("--keep", help="Window to keep, e.g. 30d, 12h, 2w.")],
    archive: Annotated[
        str | None, typer.Option("--archive", help="Copy expired days here first (Parquet, by day; a path or URL).")
    ] = None,
    now: Annotated[str | None, typer.Option("--now", help="Act as of this ISO time (default: now).")] = None,
) -> None:
    """Archive, verify and delete the day partitions wholly older than --keep."""
    from logframe.service.retention import apply_retention
    from logframe.service.store import open_store

    at = _time_option(now, "--now")  # exits with its own message (typer's Exit is a RuntimeError too)
    try:
        result = apply_retention(open_store(store), keep, archive=archive, now=at)
    except (LogframeError, RuntimeError, OSError) as error:
        fail(str(error))
    typer.echo(json.dumps(result, indent=2))


def _time_option(value: str | None, name: str) -> Any:
    from logframe.timestamps import to_utc

    if value is None:
        return None
    try:
        return to_utc(value)
    except LogframeError:
        fail(f"{name} {value!r} is not an ISO 8601 time such as 2025-10-07T16:50:00Z")


def alerts_test(
    rules: Annotated[Path, typer.Argument(help="YAML rules file.", show_default=False)],
    input: Annotated[list[str], typer.Option("--input", "-i", help="Log file(s) to evaluate against.")],
    at: Annotated[
        str | None, typer.Option("--at", help="Evaluate as of this ISO time (default: just after the newest record).")
    ] = None,
    step: Annotated[str, typer.Option("--step", help="Evaluation interval replayed up to --at.")] = "1m",
    as_json: AsJson = False,
    log_format: LogFormat = "auto",
) -> None:
    """Replay the rules over the log up to --at and print the alerts pending or firing then."""
    import datetime as dt

    from logframe.service.alerts import Alerting, duration, load_rules

    with warnings_on_stderr():
        try:
            parsed = load_rules(rules)
            interval = duration(step, "--step")
            if interval <= dt.timedelta(0):
                fail("--step must be longer than 0")
            logs = logframe.scan(expand(input), format=log_format)
            when = _time_option(at, "--at")
            if when is None:
                newest = logs.lazy().select(pl_max_timestamp()).collect().item()
                if newest is None:
                    fail("the input has no timestamped record; pass --at")
                when = newest + dt.timedelta(seconds=1)
            lookback = max((r.for_ + r.keep_firing_for for r in parsed), default=dt.timedelta(0)) + interval
            alerting = Alerting(parsed)
            t, active = when - lookback, []
            while t <= when:
                active = alerting.evaluate(logs, t)
                t += interval
            if t - interval != when:
                active = alerting.evaluate(logs, when)
        except LogframeError as error:
            fail(str(error))
    if as_json:
        typer.echo(json.dumps([a.as_dict() for a in active], indent=2))
        return
    typer.echo(f"as of {when.isoformat().replace('+00:00', 'Z')}: {len(active)} alert(s)")
    for alert in active:
        labels = ", ".join(f"{k}={v}" for k, v in alert.labels.items())
        typer.echo(f"  {alert.state:<8} {alert.rule}  {{{labels}}}  value={alert.value:g}")


def pl_max_timestamp() -> Any:
    """The newest timestamp, as a Polars expression."""
    import polars as pl

    return pl.col("timestamp").max()


def serve(
    store: Annotated[str, typer.Option("--store", help="Directory or s3:// URL of the store (a Delta table).")],
    host: Annotated[str, typer.Option("--host", help="Address to bind (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535)] = 8080,
    token: Annotated[
        str | None,
        typer.Option(
            "--token", envvar="LOGFRAME_TOKEN", help="Bearer token clients must send (required off loopback)."
        ),
    ] = None,
    wal: Annotated[
        str | None, typer.Option("--wal", help="Write-ahead log directory (default: beside the store).")
    ] = None,
    rules: Annotated[Path | None, typer.Option("--rules", help="YAML alert rules (see examples/rules.yaml).")] = None,
    eval_interval: Annotated[
        float, typer.Option("--eval-interval", min=0.1, help="Seconds between evaluations.")
    ] = 30.0,
    notify_webhook: Annotated[str | None, typer.Option("--notify-webhook", help="POST alerts to this URL.")] = None,
    notify_shape: Annotated[
        str, typer.Option("--notify-shape", help="Webhook body: plain, slack, pagerduty.")
    ] = "plain",
    notify_file: Annotated[
        str | None, typer.Option("--notify-file", help="Append alerts as JSON lines (- stdout).")
    ] = None,
    retention: Annotated[str | None, typer.Option("--retention", help="Keep this window, e.g. 30d (hourly).")] = None,
    archive_to: Annotated[str | None, typer.Option("--archive-to", help="Archive expired days here first.")] = None,
    idempotency_window: Annotated[
        str, typer.Option("--idempotency-window", help="How long an Idempotency-Key is remembered, e.g. 24h, 7d.")
    ] = "24h",
    commit_interval: Annotated[
        float, typer.Option("--commit-interval", min=0.01, help="Seconds between commits (the visibility delay).")
    ] = 0.2,
    storage_option: Annotated[
        list[str] | None,
        typer.Option(
            "--storage-option",
            "-S",
            help="KEY=VALUE for an s3:// store (delta-rs options, e.g. -S conditional_put=etag), repeatable.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Serve the HTTP API: POST /v1/ingest, GET /v1/logs, /v1/stats, /v1/patterns, /v1/alerts, /health, /metrics."""
    if host not in LOOPBACK and not token:
        fail(f"binding {host} exposes the service beyond this machine: pass --token (or LOGFRAME_TOKEN)")
    options = storage_options(storage_option)
    try:
        from logframe.dependencies import import_optional

        import_optional("uvicorn", "logframe serve")
        import uvicorn

        from logframe.service.api import create_app

        alerting = None
        if rules is not None:
            from logframe.service.alerts import Alerting, Notifier, load_rules
            from logframe.service.notify import SHAPES, FileNotifier, WebhookNotifier

            if notify_shape not in SHAPES:
                fail(f"--notify-shape {notify_shape!r}: accepted {', '.join(SHAPES)}")
            notifiers: list[Notifier] = []
            if notify_webhook:
                notifiers.append(WebhookNotifier(notify_webhook, shape=notify_shape))
            if notify_file:
                notifiers.append(FileNotifier(None if notify_file == "-" else notify_file))
            alerting = Alerting(load_rules(rules), notifiers)
        application = create_app(
            store,
            wal_path=wal,
            token=token,
            alerting=alerting,
            eval_interval=eval_interval,
            retention=retention,
            archive_to=archive_to,
            idempotency_window=idempotency_window,
            commit_interval=commit_interval,
            storage_options=options,
        )
    except (LogframeError, OSError) as error:
        fail(str(error))
    log = _service_log()
    log.info("logframe serve on http://%s:%d (API docs at /docs)", host, port)
    uvicorn.run(application, host=host, port=port, log_level="warning")


def _service_log() -> Any:
    """The service's logger (start-up, failed commits, failing jobs) writing to stderr."""
    import logging

    log = logging.getLogger("logframe")
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    return log
