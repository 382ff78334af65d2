"""How the reading commands open their inputs: sources, progress bar, time window, warnings on stderr, fields named."""

from __future__ import annotations

import datetime as dt
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import polars as pl
import typer

import logframe
from logframe.cli.options import fail
from logframe.errors import LogframeError, LogframeWarning, UnknownFieldWarning
from logframe.frame import KEY_SAMPLE_RECORDS, LogFrame
from logframe.query import column_name, field_keys, nearest_hint
from logframe.sources import Source, expand
from logframe.timestamps import is_time_of_day, to_timedelta, to_utc

PROGRESS_MIN_BYTES = 64 << 20
"""Inputs at least this large get a progress bar on stderr (when stderr is a terminal)."""


@dataclass(frozen=True)
class Input:
    """The records of a command's sources, and the sources (``query`` merges several by time)."""

    logs: LogFrame
    sources: list[Source]
    scan_one: Callable[[Source], LogFrame]
    """Scan one of the sources as ``logs`` scans them all (same format option, same progress bar)."""


def storage_options(items: list[str] | None) -> dict[str, str]:
    """``-S KEY=VALUE`` options as a dict (exits 2 on an item that is not KEY=VALUE).

    Examples
    --------
    >>> storage_options(["endpoint_url=http://127.0.0.1:9000", "anon=true"])
    {'endpoint_url': 'http://127.0.0.1:9000', 'anon': 'true'}
    """
    options = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            fail(f"--storage-option {item!r} is not KEY=VALUE (e.g. endpoint_url=http://127.0.0.1:9000)")
        options[key] = value
    return options


def _note(message: Warning | str, category: type[Warning], *_: Any, **__: Any) -> None:
    typer.echo(f"warning: {message}", err=True)


@contextmanager
def warnings_on_stderr() -> Iterator[None]:
    """Within the block, each warning logframe gives is one ``warning: ...`` line on stderr (once each)."""
    with warnings.catch_warnings():
        warnings.simplefilter("default", LogframeWarning)
        warnings.showwarning = _note
        yield


@contextmanager
def opened(
    files: list[str], log_format: str, progress: bool | None, storage_option: list[str] | None = None
) -> Iterator[Input]:
    """Scan ``files``, with a byte progress bar on stderr for big inputs; turn bad calls into exit 2.

    Warnings logframe gives (a query naming a field no record has) become one ``warning:`` line on stderr.
    """
    options = storage_options(storage_option)
    with warnings_on_stderr():
        try:
            sources = expand(files, options)  # once: standard input can be read only once
            sizes = [source.size() for source in sources]
            total = None if None in sizes else sum(size or 0 for size in sizes)  # unknown for the CloudWatch API
            big = total is None or total >= PROGRESS_MIN_BYTES
            show = progress if progress is not None else (big and sys.stderr.isatty())
            if not show:
                yield Input(
                    logframe.scan(sources, format=log_format), sources, lambda s: logframe.scan(s, format=log_format)
                )
                return
            from rich.console import Console
            from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn, TransferSpeedColumn

            columns = (BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn())
            with Progress(*columns, transient=True, console=Console(stderr=True)) as bar:
                task = bar.add_task("reading", total=total)

                def scan(source: Source | list[Source]) -> LogFrame:
                    return logframe.scan(source, format=log_format, on_read=lambda n: bar.advance(task, n))

                yield Input(scan(sources), sources, scan)
        except LogframeError as error:
            fail(str(error))


def require_field(logs: LogFrame, name: str) -> None:
    """Exit 2 if ``name`` is neither a column nor a key-value field of any record, naming the nearest real one.

    For ``top FIELD``, ``hist --by``, ``compare --by`` and ``query --sort``, where a field no record
    has would silently give nothing (or an order by nothing). The field keys of the first
    :data:`~logframe.frame.KEY_SAMPLE_RECORDS` records are looked at first; only a name not among
    them costs a pass over every record of the sources (:meth:`LogFrame.field_keys`, which needs
    none on a frame read from the cache: its entry kept them).

    Examples
    --------
    >>> import logframe
    >>> require_field(logframe.scan("sample_logs.txt"), "tenant")
    >>> try:  # prints "error: no record has a field 'tenat'; did you mean 'tenant'?" on stderr
    ...     require_field(logframe.scan("sample_logs.txt"), "tenat")
    ... except typer.Exit as stop:
    ...     print(stop.exit_code)
    2
    """
    if column_name(name) is not None:
        return
    sample = logs.lazy().head(KEY_SAMPLE_RECORDS).select(field_keys()).collect(engine="streaming")
    if name in sample["key"].to_list():
        return
    seen = logs.field_keys()
    if name not in seen:
        fail(f"no record has a field {name!r}; {nearest_hint(name, seen)}")


@contextmanager
def checked_exactly() -> Iterator[None]:
    """Silence logframe's sampled warnings of unknown fields for names the command checks with :func:`require_field`.

    ``top``, ``hist --by`` and ``compare --by`` check their names over every record once the result
    shows no value, so the library's warning (from the first few MiB only) would say less, and say it
    as a second line beside the error.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnknownFieldWarning)
        yield


def window(logs: LogFrame, since: str | None, start: str | None, end: str | None) -> LogFrame:
    """The records of ``--since``/``--from``/``--to`` (each optional).

    Examples
    --------
    >>> import logframe
    >>> window(logframe.scan("sample_logs.txt"), None, "16:50", "2025-10-07 16:51").height
    2
    """
    keywords: dict[str, str] = {}
    if since is not None:
        keywords["last"] = since
    if start is not None:
        keywords["after"] = start
    if end is not None:
        keywords["before"] = end
    return logs.filter(**keywords) if keywords else logs


def selected(logs: LogFrame, where: str | None, since: str | None, start: str | None, end: str | None) -> LogFrame:
    """The records of the time window (:func:`window`) that match ``--where`` (if given).

    Examples
    --------
    >>> import logframe
    >>> selected(logframe.scan("sample_logs.txt"), "level='ERROR'", None, "16:40", None).height
    45
    """
    records = window(logs, since, start, end)
    return records.where(where) if where else records


def newest(logs: LogFrame) -> dt.datetime | None:
    """The time of the newest record (one quick pass), or None if no record has one.

    Examples
    --------
    >>> import logframe
    >>> newest(logframe.scan("sample_logs.txt")).isoformat()
    '2025-10-07T16:58:21.771609+00:00'
    """
    value = logs.lazy().select(pl.col("timestamp").max()).collect(engine="streaming").item()
    return value.astimezone(dt.UTC) if value is not None else None


def time_option(value: str, name: str, latest: dt.datetime | None) -> dt.datetime:
    """A time given on the command line; a time of day is on the date of ``latest`` (the newest record).

    Examples
    --------
    >>> import datetime as dt
    >>> time_option("16:40", "--at", dt.datetime(2025, 10, 7, 17, tzinfo=dt.UTC)).isoformat()
    '2025-10-07T16:40:00+00:00'
    """
    if is_time_of_day(value):
        if latest is None:
            fail(f"{name} {value}: a time of day needs the date of a record, and no record has a timestamp")
        return to_utc(value, on=latest.date())
    return to_utc(value)


def bounds(latest: dt.datetime | None, since: str | None, start: str | None, end: str | None) -> dict[str, dt.datetime]:
    """``--since``/``--from``/``--to`` as fixed ``after``/``before`` times, the newest record being ``latest``.

    Used where new records keep arriving (``query --follow``) and where sources are read one by one
    (a merge): the window is fixed once, before reading.

    Examples
    --------
    >>> import datetime as dt
    >>> latest = dt.datetime(2025, 10, 7, 17, tzinfo=dt.UTC)
    >>> {k: v.strftime("%H:%M") for k, v in bounds(latest, "15m", "16:30", "16:55").items()}
    {'after': '16:45', 'before': '16:55'}
    """
    fixed: dict[str, dt.datetime] = {}
    starts = [time_option(start, "--from", latest)] if start is not None else []
    if since is not None:
        span = to_timedelta(since, "--since")
        starts += [latest - span] if latest is not None else []
    if starts:
        fixed["after"] = max(starts)
    if end is not None:
        fixed["before"] = time_option(end, "--to", latest)
    return fixed
