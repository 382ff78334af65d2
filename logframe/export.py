"""Write records to CSV, Parquet, NDJSON, JSON or formatted text, streaming where Polars can sink.

Timestamps are written as ISO 8601 UTC with ``Z``. ``fields`` stays a nested
list of ``{key, value}`` structs in Parquet, becomes a JSON object
(``{"tenant": "company_a"}``) in NDJSON and JSON, and the text of that JSON
object in CSV (one column, parseable back with ``json.loads``; a key repeated
in one message keeps its last value there). :func:`flat` gives that CSV shape as a
LazyFrame, for Polars' own sinks (``LogFrame.flat()``, ``lf.logs.flat()``).

Examples
--------
>>> import polars as pl
>>> from logframe.schema import FIELDS_DTYPE
>>> df = pl.DataFrame({"fields": [[{"key": "tenant", "value": "a"}]]}, schema={"fields": FIELDS_DTYPE})
>>> df.select(fields_json(pl.col("fields"))).item()
'{"tenant":"a"}'
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, TextIO

import polars as pl

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%.fZ"

ROW_GROUP = 4_096
"""Rows of a Parquet row group: the writer holds one group at a time, so an export's memory stays flat
whatever the number of records written (measured: bench/results.md)."""

PathArg = str | os.PathLike[str]
ParquetCompression = Literal["lz4", "uncompressed", "snappy", "gzip", "brotli", "zstd"]


def json_text(expr: pl.Expr) -> pl.Expr:
    """Each value as its JSON text (a quoted string, ``[1,2]``, ``null``), via Polars' struct encoder.

    Examples
    --------
    >>> pl.select(json_text(pl.lit(pl.Series([[1, 2]])))).item()
    '[1,2]'
    """
    return pl.struct(expr.alias("v")).struct.json_encode().str.slice(5).str.head(-1)


def fields_json(expr: pl.Expr) -> pl.Expr:
    """A ``fields`` list as the text of a JSON object."""
    pairs = pl.element().struct
    members = expr.list.eval(pl.concat_str(json_text(pairs.field("key")), pl.lit(":"), json_text(pairs.field("value"))))
    return pl.concat_str(pl.lit("{"), members.list.join(",").fill_null(""), pl.lit("}"))


def flat(lf: pl.LazyFrame) -> pl.LazyFrame:
    """The records with columns any text format can hold: what :func:`to_csv` writes.

    ``fields`` (a list of ``{key, value}`` structs, which Polars' CSV writer refuses as nested
    data) becomes the text of a JSON object (:func:`fields_json`), ``timestamp`` ISO 8601 UTC with
    ``Z`` and ``level`` a String; other columns are kept as they are, so a frame of any columns
    works. ``flat(lf).sink_csv(path)`` writes the same file as ``to_csv(lf, path)``.

    Examples
    --------
    >>> import logframe
    >>> lf = logframe.scan("sample_logs.txt").lazy().select("timestamp", "level", "fields").head(1)
    >>> flat(lf).collect().row(0)
    ('2025-10-07T16:00:05Z', 'INFO', '{"request_id":"req-000","tenant":"company_a"}')
    """
    names = lf.collect_schema().names()
    exprs = []
    for name in names:
        if name == "timestamp":
            exprs.append(pl.col(name).dt.to_string(TIME_FORMAT))
        elif name == "fields":
            exprs.append(fields_json(pl.col(name)).alias(name))
        else:
            exprs.append(pl.col(name).cast(pl.String) if name == "level" else pl.col(name))
    return lf.select(exprs)


def _json_lines(lf: pl.LazyFrame) -> pl.LazyFrame:
    """One column ``json``: each record as one JSON object text."""
    flattened = flat(lf)
    names = flattened.collect_schema().names()
    rest = [n for n in names if n != "fields"]
    if not rest:
        return flattened.select(json=pl.col("fields"))
    encoded = pl.struct(rest).struct.json_encode()
    if "fields" not in names:
        return flattened.select(json=encoded)
    return flattened.select(
        json=pl.concat_str(encoded.str.head(-1), pl.lit(',"fields":'), pl.col("fields"), pl.lit("}"))
    )


def _sink_lines(column: pl.LazyFrame, path: PathArg) -> Path:
    """Write a one-column String frame as raw lines (no quoting, no header)."""
    column.sink_csv(Path(path), include_header=False, quote_style="never", separator="\x1f", engine="streaming")
    return Path(path)


def to_csv(lf: pl.LazyFrame, path: PathArg) -> Path:
    """Stream records to a CSV file with a header; ``fields`` as JSON object text."""
    flat(lf).sink_csv(Path(path), engine="streaming")
    return Path(path)


def to_parquet(lf: pl.LazyFrame, path: PathArg, compression: ParquetCompression = "zstd") -> Path:
    """Stream records to a Parquet file, keeping every dtype (``fields`` stays nested)."""
    lf.sink_parquet(Path(path), compression=compression, row_group_size=ROW_GROUP, engine="streaming")
    return Path(path)


def to_ndjson(lf: pl.LazyFrame, path: PathArg) -> Path:
    """Stream records to newline-delimited JSON, ``fields`` as a JSON object."""
    return _sink_lines(_json_lines(lf), path)


def to_json(lf: pl.LazyFrame, path: PathArg) -> Path:
    """Write records as one JSON array, batch by batch (never all in memory)."""
    out = Path(path)
    with out.open("w", encoding="utf-8") as handle:
        write_stream(lf, "json", handle)
    return out


TextFormat = Literal["csv", "ndjson", "json", "text"]
"""The formats :func:`write_stream` writes to an open text stream."""


def write_stream(lf: pl.LazyFrame, fmt: TextFormat, handle: TextIO) -> None:
    """Write records to an open text stream (a file, stdout, a pipe) batch by batch.

    ``csv`` has a header and ``fields`` as JSON text; ``ndjson`` one JSON object a line; ``json``
    one array; ``text`` one readable line a record (see :func:`text_line`). Memory is one batch.

    Examples
    --------
    >>> import io, logframe
    >>> out = io.StringIO()
    >>> write_stream(logframe.scan("sample_logs.txt").head(2).lazy(), "text", out)
    >>> out.getvalue().splitlines()[0][:40]
    '2025-10-07T16:00:05Z INFO     [backend/b'
    """
    if fmt == "csv":
        lines = flat(lf)
    elif fmt == "text":
        lines = lf.select(text_line())
    else:
        lines = _json_lines(lf)
    first = True
    if fmt == "json":
        handle.write("[")
    for batch in lines.collect_batches(engine="streaming"):
        if fmt == "csv":
            handle.write(batch.write_csv(include_header=first))
            first = False
        elif batch.height:
            text = batch.to_series(0)
            if fmt == "json":
                handle.write(("\n" if first else ",\n") + ",\n".join(text))
            else:
                handle.write("\n".join(text) + "\n")
            first = False
    if fmt == "json":
        handle.write("\n]\n" if not first else "]\n")
    elif fmt == "csv" and first:
        handle.write(",".join(lines.collect_schema().names()) + "\n")
    handle.flush()


def text_line() -> pl.Expr:
    """One readable line a record: time, level, container/pod, component, message, with newlines escaped."""
    where = pl.concat_str(pl.col("container").fill_null("-"), pl.lit("/"), pl.col("pod").fill_null("-"))
    return pl.concat_str(
        pl.col("timestamp").dt.to_string(TIME_FORMAT).fill_null("-"),
        pl.col("level").cast(pl.String).fill_null("-").str.pad_end(8),
        pl.concat_str(pl.lit("["), where, pl.lit("]")),
        pl.concat_str(pl.col("component").fill_null("-"), pl.lit(":")),
        pl.col("message").fill_null("").str.replace_all("\n", "\\n", literal=True),
        separator=" ",
    ).alias("text")


def to_text(lf: pl.LazyFrame, path: PathArg) -> Path:
    """Stream records as one formatted text line each (see :func:`text_line`)."""
    return _sink_lines(lf.select(text_line()), path)
