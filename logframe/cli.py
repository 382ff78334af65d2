"""The ``logframe`` command line: ``stats``, ``query``, ``report``, ``convert``; ``ingest``, ``serve`` for the service.

Examples
--------
::

    logframe stats sample_logs.txt
    logframe query sample_logs.txt --where "level='ERROR' & tenant='company-b'" --format csv -o errors.csv
    logframe report 'logs/*.jsonl.gz' --json
    logframe convert 'logs/*.jsonl.gz' -o parquet/
    kubectl logs deploy/backend | logframe stats -
    logframe stats s3://my-bucket/exports/ --log-format text
    logframe query 'cloudwatch:///eks/prod/app?start=2025-10-07T16:00:00Z' --where "level>='ERROR'"
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

import logframe
from logframe import export
from logframe.errors import LogframeError
from logframe.frame import LogFrame
from logframe.sources import expand

PROGRESS_MIN_BYTES = 64 << 20
"""Inputs at least this large get a progress bar on stderr (when stderr is a terminal)."""

app = typer.Typer(
    help="Analyse Kubernetes/CloudWatch application logs: stats, queries and parse reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Output(StrEnum):
    """Output formats of ``logframe query``."""

    table = "table"
    text = "text"
    csv = "csv"
    json = "json"
    ndjson = "ndjson"
    parquet = "parquet"


Files = Annotated[
    list[str],
    typer.Argument(
        help="Log files, directories, globs ('logs/*.jsonl.gz'), - for stdin, s3://bucket/prefix/ URLs, or "
        "cloudwatch:///LOG_GROUP?start=ISO&end=ISO&filter=PATTERN&prefix=STREAM for the CloudWatch Logs API.",
        show_default=False,
    ),
]
LogFormat = Annotated[
    str,
    typer.Option(
        "--log-format", "-F", help="Input log format: auto, cloudwatch, docker, cri, json, logfmt, python or text."
    ),
]
StorageOptions = Annotated[
    list[str] | None,
    typer.Option(
        "--storage-option",
        "-S",
        help="KEY=VALUE for object storage URLs, repeatable (e.g. -S endpoint_url=http://127.0.0.1:9000).",
        show_default=False,
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a readable summary.")]
Since = Annotated[
    str | None,
    typer.Option("--since", help="Only the last span before the newest record, e.g. 15m, 2h, 1d.", show_default=False),
]
From = Annotated[
    str | None,
    typer.Option(
        "--from",
        help="From this time on (inclusive): ISO 8601, '2025-10-07 16:40', or a time of day (16:40) "
        "on the data's date.",
        show_default=False,
    ),
]
To = Annotated[
    str | None,
    typer.Option("--to", help="Up to this time (exclusive), written like --from.", show_default=False),
]
ShowProgress = Annotated[
    bool | None,
    typer.Option("--progress/--no-progress", help="Progress bar on stderr (default: big inputs on a terminal)."),
]


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"logframe {logframe.__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Analyse Kubernetes/CloudWatch application logs: stats, queries and parse reports."""


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


@contextmanager
def _opened(
    files: list[str], log_format: str, progress: bool | None, storage_option: list[str] | None = None
) -> Iterator[LogFrame]:
    """Scan ``files``, with a byte progress bar on stderr for big inputs; turn bad calls into exit 2."""
    options = {}
    for item in storage_option or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            _fail(f"--storage-option {item!r} is not KEY=VALUE (e.g. endpoint_url=http://127.0.0.1:9000)")
        options[key] = value
    try:
        sources = expand(files, options)  # once: standard input can be read only once
        sizes = [source.size() for source in sources]
        total = None if None in sizes else sum(size or 0 for size in sizes)  # unknown for the CloudWatch API
        big = total is None or total >= PROGRESS_MIN_BYTES
        show = progress if progress is not None else (big and sys.stderr.isatty())
        if not show:
            yield logframe.scan(sources, format=log_format)
            return
        from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn, TransferSpeedColumn

        columns = (BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn())
        with Progress(*columns, transient=True, console=_stderr_console()) as bar:
            task = bar.add_task("reading", total=total)
            yield logframe.scan(sources, format=log_format, on_read=lambda n: bar.advance(task, n))
    except LogframeError as error:
        _fail(str(error))


def _window(logs: LogFrame, since: str | None, start: str | None, end: str | None) -> LogFrame:
    """The records of ``--since``/``--from``/``--to`` (each optional)."""
    window: dict[str, str] = {}
    if since is not None:
        window["last"] = since
    if start is not None:
        window["after"] = start
    if end is not None:
        window["before"] = end
    return logs.filter(**window) if window else logs


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def _print_counts(title: str, counts: dict[str, int]) -> None:
    total = sum(counts.values()) or 1
    typer.echo(title)
    width = max((len(k) for k in counts), default=0)
    for key, count in counts.items():
        typer.echo(f"  {key:<{width}}  {count:>10,}  {100 * count / total:5.1f}%")


@app.command()
def stats(
    files: Files,
    log_format: LogFormat = "auto",
    as_json: AsJson = False,
    progress: ShowProgress = None,
    storage_option: StorageOptions = None,
    since: Since = None,
    start: From = None,
    end: To = None,
) -> None:
    """Count records by level and container, and give the UTC time range."""
    with _opened(files, log_format, progress, storage_option) as logs:
        result = _window(logs, since, start, end).stats()
    if as_json:
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    typer.echo(f"records: {result['total']:,}")
    typer.echo(f"time range (UTC): {result['time_range']['start']} .. {result['time_range']['end']}")
    _print_counts("by level:", result["by_level"])
    _print_counts("by container:", result["by_container"])


@app.command()
def report(
    files: Files,
    log_format: LogFormat = "auto",
    as_json: AsJson = False,
    progress: ShowProgress = None,
    storage_option: StorageOptions = None,
) -> None:
    """Account for every input line: records kept, lines skipped (by reason, with examples)."""
    with _opened(files, log_format, progress, storage_option) as logs:
        result = logs.report().as_dict()
    if as_json:
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    skipped = sum(result["skipped"].values())
    merged = f"  merged into the record before: {result['merged']:,}" if result["merged"] else ""
    typer.echo(f"lines: {result['lines']:,}  records: {result['records']:,}  skipped: {skipped:,}{merged}")
    _print_sources(result["sources"])
    typer.echo(f"kept without a timestamp: {result['null_timestamp']:,}  without a level: {result['no_level']:,}")
    typer.echo(f"lines with invalid UTF-8 (repaired): {result['invalid_utf8']:,}")
    for damaged in result["damaged"]:
        typer.echo(f"  skipped from byte {damaged['bytes']:,} on: {damaged['error']}")
    for reason, count in result["skipped"].items():
        typer.echo(f"  {reason}: {count:,}")
        for example in result["examples"].get(reason, []):
            typer.echo(f"    {example['source']}:{example['line']}: {example['text']!r}")


SOURCES_NAMED = 3
"""Sources named on one line of ``logframe report`` before the rest are counted."""


def _print_sources(sources: list[dict[str, Any]]) -> None:
    """One line per distinct (format, why): a directory of 400 files read alike is one line."""
    groups: dict[tuple[str, str], list[str]] = {}
    for source in sources:
        groups.setdefault((source["format"], source["why"]), []).append(source["source"])
    for (fmt, why), names in groups.items():
        if len(names) == 1:
            typer.echo(f"  {names[0]}: {fmt} ({why})")
            continue
        shown = ", ".join(names[:SOURCES_NAMED]) + (
            f" and {len(names) - SOURCES_NAMED:,} more" if len(names) > SOURCES_NAMED else ""
        )
        typer.echo(f"  {len(names):,} sources ({shown}): {fmt} ({why})")


@app.command()
def query(
    files: Files,
    where: Annotated[
        str | None, typer.Option("--where", "-w", help="Query, e.g. \"level='ERROR' & tenant='a'\".")
    ] = None,
    output_format: Annotated[Output, typer.Option("--format", "-f", help="Output format.")] = Output.table,
    out: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=1, help="At most this many records.")] = None,
    log_format: LogFormat = "auto",
    progress: ShowProgress = None,
    storage_option: StorageOptions = None,
    since: Since = None,
    start: From = None,
    end: To = None,
) -> None:
    """Select records with a query and print or write them (a table shows the first 20 on a terminal)."""
    if output_format is Output.parquet and out is None:
        _fail("--format parquet needs --output FILE (Parquet is not written to a terminal)")
    with _opened(files, log_format, progress, storage_option) as logs:
        selected = _window(logs, since, start, end)
        selected = selected.where(where) if where else selected
        if limit is not None:
            selected = selected.head(limit)
        if output_format is Output.table:
            _print_table(selected, limit or TABLE_ROWS, out)
        elif output_format is Output.parquet:
            selected.to_parquet(out)  # type: ignore[arg-type]  # checked above
            typer.echo(f"wrote {out}", err=True)
        elif out is None:
            export.write_stream(selected.lazy(), output_format.value, sys.stdout)  # type: ignore[arg-type]
        else:
            _write_file(selected, output_format, out)
            typer.echo(f"wrote {out}", err=True)


TABLE_ROWS = 20
"""Rows of a ``logframe query`` table unless ``--limit`` says otherwise."""


def _write_file(selected: LogFrame, output_format: Output, out: Path) -> None:
    try:
        with out.open("w", encoding="utf-8") as handle:
            export.write_stream(selected.lazy(), output_format.value, handle)  # type: ignore[arg-type]
    except OSError as error:
        _fail(f"cannot write {out}: {error.strerror or error}")


def _print_table(selected: LogFrame, rows: int, out: Path | None) -> None:
    """The first ``rows`` records as a table, and how many more matched ("... 25 more")."""
    import polars as pl

    columns = ("timestamp", "level", "container", "component", "message")
    frame = selected.head(rows + 1).lazy().select(columns).collect()
    more = 0
    if frame.height > rows:
        frame = frame.head(rows)
        more = selected.lazy().select(pl.len()).collect(engine="streaming").item() - rows
    with pl.Config(tbl_rows=rows, fmt_str_lengths=100, tbl_width_chars=160, tbl_hide_dataframe_shape=True):
        text = str(frame)
    if more:
        text += f"\n... {more:,} more (--limit N to see more, --format text|csv|ndjson to see all)"
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")


@app.command()
def convert(
    files: Files,
    out: Annotated[Path, typer.Option("--output", "-o", help="Directory to write to (created if needed).")],
    log_format: LogFormat = "auto",
) -> None:
    """Parse log files once into Parquet, one file per source (sorted by time, the parse report inside)."""
    from logframe.cache import convert as convert_sources

    try:
        sources = expand(files)
        written = convert_sources(sources, out, log_format)
    except LogframeError as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"cannot write to {out}: {error.strerror or error}")
    for path, result in written:
        typer.echo(f"wrote {path} ({result.records:,} records of {result.lines:,} lines)")


LOOPBACK = ("127.0.0.1", "localhost", "::1")


@app.command()
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
                _fail("--follow takes exactly one file path")
            try:
                follow_file(files[0], target, interval=interval)
            except KeyboardInterrupt:
                return
        for result in ingest_sources(files, target, format=log_format):
            typer.echo(json.dumps(result, ensure_ascii=False))
    except LogframeError as error:
        _fail(str(error))


@app.command()
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
        _fail(str(error))
    typer.echo(json.dumps(result, indent=2))


def _time_option(value: str | None, name: str) -> Any:
    from logframe.timestamps import to_utc

    if value is None:
        return None
    try:
        return to_utc(value)
    except LogframeError:
        _fail(f"{name} {value!r} is not an ISO 8601 time such as 2025-10-07T16:50:00Z")


alerts_app = typer.Typer(help="Alert rules: test them against a log file before deploying them.", no_args_is_help=True)
app.add_typer(alerts_app, name="alerts")


@alerts_app.command("test")
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

    try:
        parsed = load_rules(rules)
        interval = duration(step, "--step")
        if interval <= dt.timedelta(0):
            _fail("--step must be longer than 0")
        logs = logframe.scan(expand(input), format=log_format)
        when = _time_option(at, "--at")
        if when is None:
            newest = logs.lazy().select(pl_max_timestamp()).collect().item()
            if newest is None:
                _fail("the input has no timestamped record; pass --at")
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
        _fail(str(error))
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


@app.command()
def serve(
    store: Annotated[str, typer.Option("--store", help="Directory of the store (a Delta table).")],
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
) -> None:
    """Serve the HTTP API: POST /v1/ingest, GET /v1/logs, /v1/stats, /v1/patterns, /v1/alerts, /health, /metrics."""
    if host not in LOOPBACK and not token:
        _fail(f"binding {host} exposes the service beyond this machine: pass --token (or LOGFRAME_TOKEN)")
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
                _fail(f"--notify-shape {notify_shape!r}: accepted {', '.join(SHAPES)}")
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
        )
    except (LogframeError, OSError) as error:
        _fail(str(error))
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


def main() -> None:
    """Entry point of the ``logframe`` command."""
    app()


if __name__ == "__main__":
    main()
