"""Any line-oriented log with a leading timestamp: ``<time> <message>``.

The time may be ISO 8601 (with a ``T`` or a space, fraction, zone), or syslog's ``Oct  7 16:19:05``
(which has no year or zone: read as UTC in the year of the reading). The rest of the line is the
message, whose level and key-values are parsed as for every format. A line without a recognisable
leading time is kept with a null timestamp (counted in the report), never dropped -- unless it is
part of a stack trace (a Java ``at ...`` frame, a ``Caused by:``, a Go goroutine dump, a Python
traceback; see :mod:`logframe.formats.traces`): then it is merged into the record before it, which
gets ``exception`` and ``exception_message`` fields.

Examples
--------
>>> import polars as pl
>>> text = ["2025-10-07T16:19:05.771Z WARN disk at 91% host=n1", "no time here"]
>>> Text().decode(pl.DataFrame({"line": [1, 2], "text": text}), ["time", "log"]).records.rows()
[(1, '2025-10-07T16:19:05.771Z', 'WARN disk at 91% host=n1'), (2, None, 'no time here')]
>>> trace = ["2025-10-07 16:19:05 ERROR Job failed", "java.lang.IllegalStateException: no lease",
...          "at com.acme.Job.run(Job.java:42)", "2025-10-07 16:19:06 INFO next"]
>>> merged, _ = Text().merge(pl.DataFrame({"line": [1, 2, 3, 4], "text": trace}), final=True)
>>> merged["line"].to_list()
[1, 4]
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from logframe.formats.base import REJECTED_SCHEMA, Decoded, hold_back_last
from logframe.formats.traces import CONTINUATION, exception_fields

ISO = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?"
SYSLOG = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2}"
SHAPE = rf"^(?:\[)?(?<iso>{ISO})?(?<syslog>{SYSLOG})?(?:\])?\s+(?s)(?<rest>.*)$"
"""A leading time, optionally bracketed, then the message."""


class Text:
    """Plain text lines that begin with a time (see the module docstring)."""

    name = "text"
    embedded_json = True

    def merge(self, lines: pl.DataFrame, final: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Merge stack-trace lines into the record before them; hold back the last record unless ``final``."""
        text = pl.col("text")
        continues = text.str.contains(CONTINUATION) & text.str.extract_groups(SHAPE).struct.field("rest").is_null()
        grouped = lines.with_columns(record=(~continues | (pl.int_range(pl.len()) == 0)).cum_sum())
        grouped, pending = hold_back_last(grouped, hold=not final)
        merged = grouped.group_by("record", maintain_order=True).agg(pl.col("line").first(), text.str.join("\n"))
        return merged.select("line", "text"), pending

    def decode(self, lines: pl.DataFrame, columns: list[str]) -> Decoded:
        """Split each record into its leading time and the message; traces give exception fields."""
        parts = pl.col("text").str.extract_groups(SHAPE)
        year = str(dt.datetime.now(dt.UTC).year)
        syslog = pl.concat_str(pl.lit(year + " "), parts.struct.field("syslog").str.replace("  ", " 0", literal=True))
        syslog_time = syslog.str.to_datetime("%Y %b %d %H:%M:%S", strict=False).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        has_time = parts.struct.field("iso").is_not_null() | parts.struct.field("syslog").is_not_null()
        exprs = {
            "time": pl.coalesce(parts.struct.field("iso"), syslog_time),
            "log": pl.when(has_time).then(parts.struct.field("rest")).otherwise(pl.col("text")),
            "attrs": exception_fields(pl.col("text")),
        }
        records = lines.select("line", *[exprs[c].alias(c) for c in columns if c in exprs])
        return Decoded(records=records, rejected=pl.DataFrame(schema=REJECTED_SCHEMA))
