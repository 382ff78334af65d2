"""``logframe stats``, ``report``, ``query`` and ``convert``: counts, the parse report, the records themselves."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import polars as pl
import typer

from logframe import export
from logframe.cli.options import (
    AsJson,
    Files,
    From,
    LogFormat,
    Output,
    ShowProgress,
    Since,
    StorageOptions,
    To,
    Where,
    fail,
)
from logframe.cli.reading import Input, bounds, newest, opened, require_field, selected, window
from logframe.cli.tables import frame_text, print_counts
from logframe.errors import LogframeError, QueryError
from logframe.frame import LogFrame
from logframe.query import column_name, field
from logframe.timestamps import is_time_of_day

TABLE_ROWS = 20
"""Rows of a ``logframe query`` table unless ``--limit`` says otherwise."""

TABLE_COLUMNS = ("timestamp", "level", "container", "component", "message")
"""The columns of a ``logframe query`` table."""

SOURCES_NAMED = 3
"""Sources named on one line of ``logframe report`` before the rest are counted."""


def stats(
    files: Files,
    log_format: LogFormat = "auto",
    as_json: AsJson = False,
    progress: ShowProgress = None,
    storage_option: StorageOptions = None,
    where: Where = None,
    since: Since = None,
    start: From = None,
    end: To = None,
) -> None:
    """Count records by level and container, and give the UTC time range."""
    with opened(files, log_format, progress, storage_option) as read:
        result = selected(read.logs, where, since, start, end).stats()
    if as_json:
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    typer.echo(f"records: {result['total']:,}")
    first, last = result["time_range"]["start"], result["time_range"]["end"]
    typer.echo(f"time range (UTC): {first} .. {last}" if first else "time range (UTC): none (no record with a time)")
    print_counts("by level:", result["by_level"])
    print_counts("by container:", result["by_container"])


def report(
    files: Files,
    log_format: LogFormat = "auto",
    as_json: AsJson = False,
    progress: ShowProgress = None,
    storage_option: StorageOptions = None,
    since: Since = None,
    start: From = None,
    end: To = None,
) -> None:
    """Account for every input line: records kept, lines skipped (by reason, with examples).

    The accounting is of the whole sources (a line that did not parse has no time to place it in a
    window); with --since/--from/--to, the records in that window are counted as well.
    """
    with opened(files, log_format, progress, storage_option) as read:
        result: dict[str, Any] = read.logs.report().as_dict()
        if since is not None or start is not None or end is not None:
            in_window = window(read.logs, since, start, end).stats()
            result["window"] = {
                "records": in_window["total"],
                "no_level": in_window["by_level"].get("UNKNOWN", 0),
                **in_window["time_range"],
            }
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
    if "window" in result:
        w = result["window"]
        typer.echo(f"in the window: {w['records']:,} records ({w['start']} .. {w['end']})")


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


def sort_keys(spec: str) -> tuple[list[pl.Expr], list[bool], list[str]]:
    """``--sort`` (``FIELD[:asc|:desc]``, comma-separated) as Polars sort keys, their directions and the fields named.

    A column sorts by its type (times, levels by severity); a key-value field by its value read as a
    number where it is one, then as text. The third item lists the key-value fields (not columns) named.

    Examples
    --------
    >>> keys, descending, fields = sort_keys("level:desc,duration_ms")
    >>> len(keys), descending, fields
    (3, [True, False, False], ['duration_ms'])
    """
    keys: list[pl.Expr] = []
    descending: list[bool] = []
    fields: list[str] = []
    for item in spec.split(","):
        name, _, direction = item.strip().rpartition(":") if ":" in item else (item.strip(), "", "asc")
        if direction not in ("asc", "desc") or not name:
            raise QueryError(f"--sort {item.strip()!r}: write FIELD, FIELD:asc or FIELD:desc (e.g. timestamp:desc)")
        column = column_name(name)
        if column == "fields":
            raise QueryError("--sort fields: sort by one key-value field by its key, e.g. --sort duration_ms")
        exprs = [pl.col(column)] if column else [field(name).cast(pl.Float64, strict=False), field(name)]
        keys += exprs
        descending += [direction == "desc"] * len(exprs)
        fields += [] if column else [name]
    return keys, descending, fields


def query(
    files: Files,
    where: Where = None,
    output_format: Annotated[Output, typer.Option("--format", "-f", help="Output format.")] = Output.table,
    out: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=1, help="At most this many records.")] = None,
    sort: Annotated[
        str | None,
        typer.Option(
            "--sort",
            help="Order by FIELD[:desc] (comma-separated; columns or key-value fields, numbers as numbers). "
            "Holds the matching records in memory (with --limit, only the first N).",
        ),
    ] = None,
    file_order: Annotated[
        bool,
        typer.Option(
            "--file-order",
            help="Keep several sources in their own order, one after the other. By default records of several "
            "sources are put in time order: by a streaming k-way merge when the sources are big (64 MiB on "
            "average) and each is in time order (checked by a quick pass over the times), its memory growing with "
            "the number of sources; else by a stable sort, holding the matching records in memory. Records "
            "without a time come last. One source keeps its own order.",
        ),
    ] = False,
    follow: Annotated[
        bool,
        typer.Option(
            "--follow",
            help="Keep reading lines appended to the file (tail -f), printing matching records as they come.",
        ),
    ] = False,
    interval: Annotated[float, typer.Option("--interval", min=0.05, help="Seconds between reads with --follow.")] = 0.5,
    log_format: LogFormat = "auto",
    progress: ShowProgress = None,
    storage_option: StorageOptions = None,
    since: Since = None,
    start: From = None,
    end: To = None,
) -> None:
    """Select records with a query and print or write them (a table shows the first 20 on a terminal)."""
    if output_format is Output.parquet and out is None:
        fail("--format parquet needs --output FILE (Parquet is not written to a terminal)")
    if follow:
        from logframe.cli.follow import follow_file

        if len(files) != 1 or files[0] == "-":
            fail("--follow reads one growing file: give exactly one file path")
        if not os.path.isfile(files[0]):
            fail(f"--follow reads a local file, and {files[0]!r} is none (no such file, or a directory or URL)")
        if sort is not None or limit is not None or output_format in (Output.json, Output.parquet):
            fail(
                "--follow prints records as they come: it takes --format text (or table), csv or ndjson, "
                "and no --sort or --limit"
            )
        fmt = "text" if output_format is Output.table else output_format.value
        follow_file(files[0], fmt, where, (since, start, end), log_format, interval, out)
        return
    with opened(files, log_format, progress, storage_option) as read:
        try:
            records = selected(read.logs, where, since, start, end)
            lf = records.lazy()
            if sort is not None:
                keys, descending, fields = sort_keys(sort)
                for name in fields:
                    require_field(read.logs, name)
                lf = lf.sort(keys, descending=descending, nulls_last=True, maintain_order=True)
            elif len(read.sources) > 1 and not file_order:
                lf = _merged(read, where, since, start, end)
            if limit is not None:
                lf = lf.head(limit)
            if output_format is Output.table:
                _print_table(lf, records, limit or TABLE_ROWS, out)
            elif output_format is Output.parquet:
                LogFrame.from_polars(lf).to_parquet(out)  # type: ignore[arg-type]  # checked above
                typer.echo(f"wrote {out}", err=True)
            elif out is None:
                export.write_stream(lf, output_format.value, sys.stdout)  # type: ignore[arg-type]
            else:
                _write_file(lf, output_format, out)
                typer.echo(f"wrote {out}", err=True)
        except LogframeError as error:
            fail(str(error))


def _merged(read: Input, where: str | None, since: str | None, start: str | None, end: str | None) -> pl.LazyFrame:
    """The matching records of each source, merged by time (see :mod:`logframe.cli.merge`)."""
    from logframe.cli.merge import by_time
    from logframe.querylang import compile_query

    relative = since is not None or any(is_time_of_day(value) for value in (start, end))
    fixed = bounds(newest(read.logs) if relative else None, since, start, end)  # the same window for every source
    predicate = compile_query(where) if where else None
    frames = []
    for source in read.sources:
        lf = read.scan_one(source).filter(**fixed).lazy()
        frames.append(lf.filter(predicate) if predicate is not None else lf)
    merged, _ = by_time(frames, [source.size() for source in read.sources])
    return merged


def _write_file(lf: pl.LazyFrame, output_format: Output, out: Path) -> None:
    try:
        with out.open("w", encoding="utf-8") as handle:
            export.write_stream(lf, output_format.value, handle)  # type: ignore[arg-type]
    except OSError as error:
        fail(f"cannot write {out}: {error.strerror or error}")


def _print_table(lf: pl.LazyFrame, selected: LogFrame, rows: int, out: Path | None) -> None:
    """The first ``rows`` records as a table, and how many more matched ("... 25 more")."""
    frame = lf.head(rows + 1).select(TABLE_COLUMNS).collect(engine="streaming")
    more = 0
    if frame.height > rows:
        frame = frame.head(rows)
        more = selected.height - rows
    text = frame_text(frame, rows)
    if more:
        text += f"\n... {more:,} more (--limit N to see more, --format text|csv|ndjson to see all)"
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")


def convert(
    files: Files,
    out: Annotated[Path, typer.Option("--output", "-o", help="Directory to write to (created if needed).")],
    log_format: LogFormat = "auto",
) -> None:
    """Parse log files once into Parquet, one file per source (sorted by time, the parse report inside)."""
    from logframe.cache import convert as convert_sources
    from logframe.sources import expand

    try:
        sources = expand(files)
        written = convert_sources(sources, out, log_format)
    except LogframeError as error:
        fail(str(error))
    except OSError as error:
        fail(f"cannot write to {out}: {error.strerror or error}")
    for path, result in written:
        typer.echo(f"wrote {path} ({result.records:,} records of {result.lines:,} lines)")
