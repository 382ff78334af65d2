"""``logframe hist``, ``patterns``, ``top`` and ``compare``: the on-call questions, answered in a terminal."""

from __future__ import annotations

import json
import shutil
import sys
from typing import Annotated, Any

import polars as pl
import typer

from logframe.cli.histogram import MAX_ROWS, choose_every, render, wide
from logframe.cli.options import AsJson, Files, From, LogFormat, ShowProgress, Since, StorageOptions, To, Where, fail
from logframe.cli.reading import checked_exactly, newest, opened, require_field, selected, time_option
from logframe.cli.tables import frame_text
from logframe.errors import LogframeError
from logframe.timestamps import is_time_of_day, iso_z, to_timedelta

TERMINAL_WIDTH = 100
"""Columns assumed when standard output is not a terminal (a pipe, a file) and COLUMNS is not set."""


def _rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (times as ISO 8601 UTC)."""
    times = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.Datetime)]
    return [{k: iso_z(v) if k in times else v for k, v in row.items()} for row in frame.iter_rows(named=True)]


def hist(
    files: Files,
    every: Annotated[
        str, typer.Option("--every", "-e", help=f"Bucket width (30s, 5m, 1h, 1d) or auto (at most {MAX_ROWS} rows).")
    ] = "auto",
    by: Annotated[
        str | None, typer.Option("--by", "-b", help="Count each bucket by this column or field, e.g. level, tenant.")
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, max=6, help="Groups drawn; the rest are summed as 'other'.")] = 6,
    width: Annotated[
        int | None, typer.Option("--width", min=30, help="Columns to fill (default: the terminal's, or 100).")
    ] = None,
    colour: Annotated[
        bool | None, typer.Option("--color/--no-color", help="Colour the groups (default: on a terminal).")
    ] = None,
    as_json: AsJson = False,
    where: Where = None,
    log_format: LogFormat = "auto",
    progress: ShowProgress = None,
    storage_option: StorageOptions = None,
    since: Since = None,
    start: From = None,
    end: To = None,
) -> None:
    """Records per time bucket as bars in the terminal, one row a bucket (stacked by --by, with counts)."""
    with opened(files, log_format, progress, storage_option) as read:
        try:
            records = selected(read.logs, where, since, start, end)
            why = ""
            if every == "auto":
                span = records.time_span()
                if span is None:
                    typer.echo("no record with a timestamp matches")
                    return
                every = choose_every(span)
                why = f" (auto: the shortest step that shows {_duration(span)} in at most {MAX_ROWS} rows)"
            step = to_timedelta(every, "--every")
            with checked_exactly():
                counts = records.counts(every, by=by)
            if by is not None and counts[by].null_count() == counts.height:
                require_field(read.logs, by)
        except LogframeError as error:
            fail(str(error))
    if counts.is_empty():
        typer.echo("no record with a timestamp matches")
        return
    table, groups = wide(counts, by, top)
    if as_json:
        typer.echo(json.dumps({"every": every, "by": by, "groups": groups, "buckets": _rows(table)}, indent=2))
        return
    columns = width or shutil.get_terminal_size((TERMINAL_WIDTH, 24)).columns
    typer.echo(f"records per {every} bucket{why}" + (f", by {by}" if by else ""))
    shown = sys.stdout.isatty() if colour is None else colour
    for line in render(table, groups, step, width=columns, colour=shown):
        typer.echo(line, color=shown)


def _duration(span: Any) -> str:
    seconds = int(span.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "m"), (seconds, "s")]
    return "".join(f"{n}{unit}" for n, unit in parts if n) or "0s"


def patterns(
    files: Files,
    top: Annotated[int, typer.Option("--top", "-n", min=1, help="Templates shown, most frequent first.")] = 20,
    as_json: AsJson = False,
    where: Where = None,
    log_format: LogFormat = "auto",
    progress: ShowProgress = None,
    storage_option: StorageOptions = None,
    since: Since = None,
    start: From = None,
    end: To = None,
) -> None:
    """Message templates (variables masked as <*>) with counts, errors and when each was first and last seen."""
    with opened(files, log_format, progress, storage_option) as read:
        try:
            found = selected(read.logs, where, since, start, end).patterns()
        except LogframeError as error:
            fail(str(error))
    shown = found.head(top).select(
        "count",
        pl.sum_horizontal("ERROR", "CRITICAL").alias("errors"),
        "first_seen",
        "last_seen",
        "template",
    )
    if as_json:
        typer.echo(json.dumps(_rows(found.head(top)), indent=2, ensure_ascii=False))
        return
    typer.echo(f"{found.height:,} templates of {found['count'].sum():,} messages")
    if found.height:
        times = [pl.col(c).dt.strftime("%Y-%m-%dT%H:%M:%SZ") for c in ("first_seen", "last_seen")]
        typer.echo(frame_text(shown.with_columns(times), top, width=200, text_length=120))
    if found.height > top:
        typer.echo(f"... {found.height - top:,} more templates (--top N to see more)")


def top(
    files: Files,
    name: Annotated[
        str, typer.Argument(metavar="FIELD", help="A column (container, pod, level) or a key-value field.")
    ],
    n: Annotated[int, typer.Option("--n", "-n", min=1, help="Values shown.")] = 10,
    as_json: AsJson = False,
    where: Where = None,
    log_format: LogFormat = "auto",
    progress: ShowProgress = None,
    storage_option: StorageOptions = None,
    since: Since = None,
    start: From = None,
    end: To = None,
) -> None:
    """The most frequent values of a column or key-value field (records without it left out)."""
    with opened(files, log_format, progress, storage_option) as read:
        try:
            records = selected(read.logs, where, since, start, end)
            with checked_exactly():
                values = records.top(name, n=n)
            if values.is_empty():
                require_field(read.logs, name)
        except LogframeError as error:
            fail(str(error))
    if as_json:
        typer.echo(json.dumps(_rows(values), indent=2, ensure_ascii=False))
        return
    if values.is_empty():
        typer.echo(f"no matching record has {name!r}")
        return
    typer.echo(frame_text(values.with_columns(pl.col(name).cast(pl.String)), n))


def compare(
    files: Files,
    at: Annotated[
        str, typer.Option("--at", help="Where the change began: ISO 8601, '2025-10-07 16:40' or a time of day.")
    ],
    span: Annotated[
        str | None,
        typer.Option(
            "--window", help="Compare this span from --at with the same span before it (default: all before and after)."
        ),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option("--by", help="Dimensions, comma-separated (default: template,tenant,pod,container,component)."),
    ] = None,
    top: Annotated[
        int, typer.Option("--top", "-n", min=1, help="Rows shown, largest share of the increase first.")
    ] = 20,
    as_json: AsJson = False,
    where: Where = None,
    log_format: LogFormat = "auto",
    progress: ShowProgress = None,
    storage_option: StorageOptions = None,
    since: Since = None,
    start: From = None,
    end: To = None,
) -> None:
    """What changed at --at: templates and field values ranked by the share of the error increase they explain."""
    with opened(files, log_format, progress, storage_option) as read:
        try:
            records = selected(read.logs, where, since, start, end)
            when = time_option(at, "--at", newest(read.logs) if is_time_of_day(at) else None)
            dimensions = [d.strip() for d in by.split(",") if d.strip()] if by else None
            with checked_exactly():
                ranked = records.compare(at=when, window=span, by=dimensions)
            for dimension in dimensions or []:
                values = ranked.filter(pl.col("dimension") == dimension)["value"]
                if dimension != "template" and values.null_count() == values.len():
                    require_field(read.logs, dimension)
        except LogframeError as error:
            fail(str(error))
    if as_json:
        typer.echo(json.dumps(_rows(ranked.head(top)), indent=2, ensure_ascii=False))
        return
    against = f" for {span}, against the {span} before" if span else ", against all before"
    typer.echo(f"errors from {iso_z(when)}{against}")
    rounded = ranked.head(top).with_columns(pl.col("rate_ratio", "excess_errors", "share_of_increase").round(2))
    typer.echo(frame_text(rounded, top, width=200, text_length=80))
    if ranked.height > top:
        typer.echo(f"... {ranked.height - top:,} more rows (--top N to see more)")
