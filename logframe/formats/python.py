"""Text from Python's ``logging``, with multi-line tracebacks merged into the record they follow.

A record starts at a line in one of the usual shapes; every other line (``Traceback (most recent
call last):``, ``  File …``, the exception line) continues the record before it:

====================================================  ===============================================
shape                                                 example
====================================================  ===============================================
``%(levelname)s:%(name)s:%(message)s`` (default)      ``ERROR:app.db:Connection failed``
``%(asctime)s %(levelname)s %(name)s %(message)s``    ``2025-10-07 16:19:05,771 ERROR app.db Connection failed``
``%(asctime)s - %(name)s - %(levelname)s - …``        ``2025-10-07 16:19:05,771 - app.db - ERROR - Connection failed``
====================================================  ===============================================

A record with a traceback keeps it whole in ``message`` and gets two fields: ``exception`` (the type,
``ValueError``) and ``exception_message`` (the text after it); Java and Go traces likewise (see
:mod:`logframe.formats.traces`).

Examples
--------
>>> import polars as pl
>>> text = ["2025-10-07 16:19:05,771 ERROR app.db Query failed", "Traceback (most recent call last):",
...         '  File "db.py", line 3, in run', "ValueError: bad value", "2025-10-07 16:19:06,002 INFO app.db ok"]
>>> lines = pl.DataFrame({"line": [1, 2, 3, 4, 5], "text": text})
>>> merged, pending = Python().merge(lines, final=True)
>>> merged["line"].to_list(), pending.height
([1, 5], 0)
>>> out = Python().decode(merged, ["time", "log", "attrs"])
>>> time, log = out.records.row(0)[1:3]
>>> time, log.splitlines()[0], log.splitlines()[-1]
('2025-10-07 16:19:05,771', 'ERROR:app.db:Query failed', 'ValueError: bad value')
>>> [(f["key"], f["value"]) for f in out.records["attrs"][0]]
[('exception', 'ValueError'), ('exception_message', 'bad value')]
"""

from __future__ import annotations

import polars as pl

from logframe.formats.base import REJECTED_SCHEMA, Decoded, hold_back_last
from logframe.formats.traces import exception_fields
from logframe.schema import LEVEL_ALIASES, LEVELS

_WORDS = "|".join(sorted({*LEVELS, *LEVEL_ALIASES}, key=len, reverse=True))
_TIME = r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?"
_START = rf"^(?:{_TIME}\s|(?i:{_WORDS}):)"
_LEVEL_NAME = rf"(?<level1>{_WORDS})\s+(?:-\s+)?(?<name1>[\w.\-]+)\s+(?:-\s+)?"  # asctime LEVEL name msg
_NAME_LEVEL = rf"(?<name2>[\w.\-]+)\s+-\s+(?<level2>{_WORDS})\s+-\s+"  # asctime - name - LEVEL - msg
_TIMED = rf"^(?<time>{_TIME})\s+(?:-\s+)?(?:{_LEVEL_NAME}|{_NAME_LEVEL})(?s)(?<message>.*)$"
DEFAULT = rf"^(?i:{_WORDS}):[^:\s]*:"
"""Python logging's default ``LEVEL:name:message`` shape."""
RECORD = rf"^(?:{_TIME}\s+(?:-\s+)?(?:{_LEVEL_NAME}|{_NAME_LEVEL})|(?i:{_WORDS}):)"
"""A line in one of the record shapes (for telling this format from plain timestamped text)."""


class Python:
    """Text logs of Python's ``logging`` module, tracebacks merged (see the module docstring)."""

    name = "python"

    def merge(self, lines: pl.DataFrame, final: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Group lines into records: ``(complete records, lines held back for the next chunk)``.

        Each record keeps the line number of its first line and its lines joined by newlines. Unless
        ``final``, the last record is held back: its traceback may go on in the next chunk.
        """
        starts = pl.col("text").str.contains(_START)
        grouped = lines.with_columns(record=(starts | (pl.int_range(pl.len()) == 0)).cum_sum())
        grouped, pending = hold_back_last(grouped, hold=not final)
        merged = grouped.group_by("record", maintain_order=True).agg(
            pl.col("line").first(), pl.col("text").str.join("\n")
        )
        return merged.select("line", "text"), pending

    def decode(self, lines: pl.DataFrame, columns: list[str]) -> Decoded:
        """Decode merged records: time, and the message rewritten as ``LEVEL:name:text`` for the parser."""
        head = pl.col("text").str.extract_groups(_TIMED)
        level = pl.coalesce(head.struct.field("level1"), head.struct.field("level2"))
        name = pl.coalesce(head.struct.field("name1"), head.struct.field("name2"))
        log = (
            pl.when(level.is_not_null())
            .then(pl.concat_str(level, pl.lit(":"), name, pl.lit(":"), head.struct.field("message")))
            .otherwise(pl.col("text"))
        )
        exprs = {"time": head.struct.field("time"), "log": log, "attrs": exception_fields(pl.col("text"))}
        records = lines.select("line", *[exprs[c].alias(c) for c in columns if c in exprs])
        return Decoded(records=records, rejected=pl.DataFrame(schema=REJECTED_SCHEMA))
