"""Any line-oriented log with a leading timestamp: ``<time> <message>``.

The time may be ISO 8601 (with a ``T`` or a space, fraction, zone), or syslog's ``Oct  7 16:19:05``
(which has no year or zone: read as UTC in the year of the reading). The rest of the line is the
message, whose level and key-values are parsed as for every format. A line without a recognisable
leading time is kept with a null timestamp (counted in the report), never dropped.

Examples
--------
>>> import polars as pl
>>> text = ["2025-10-07T16:19:05.771Z WARN disk at 91% host=n1", "no time here"]
>>> Text().decode(pl.DataFrame({"line": [1, 2], "text": text}), ["time", "log"]).records.rows()
[(1, '2025-10-07T16:19:05.771Z', 'WARN disk at 91% host=n1'), (2, None, 'no time here')]
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from logframe.formats.base import REJECTED_SCHEMA, Decoded

ISO = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?"
SYSLOG = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2}"
SHAPE = rf"^(?:\[)?(?<iso>{ISO})?(?<syslog>{SYSLOG})?(?:\])?\s+(?s)(?<rest>.*)$"
"""A leading time, optionally bracketed, then the message."""


class Text:
    """Plain text lines that begin with a time (see the module docstring)."""

    name = "text"

    def decode(self, lines: pl.DataFrame, columns: list[str]) -> Decoded:
        """Split each line into its leading time and the message."""
        parts = pl.col("text").str.extract_groups(SHAPE)
        year = str(dt.datetime.now(dt.UTC).year)
        syslog = pl.concat_str(pl.lit(year + " "), parts.struct.field("syslog").str.replace("  ", " 0", literal=True))
        syslog_time = syslog.str.to_datetime("%Y %b %d %H:%M:%S", strict=False).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        has_time = parts.struct.field("iso").is_not_null() | parts.struct.field("syslog").is_not_null()
        exprs = {
            "time": pl.coalesce(parts.struct.field("iso"), syslog_time),
            "log": pl.when(has_time).then(parts.struct.field("rest")).otherwise(pl.col("text")),
        }
        records = lines.select("line", *[exprs[c].alias(c) for c in columns if c in exprs])
        return Decoded(records=records, rejected=pl.DataFrame(schema=REJECTED_SCHEMA))
