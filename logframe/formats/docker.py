r"""Docker's ``json-file`` logging driver: ``{"log": "text\n", "stream": "stderr", "time": "..."}``.

The runtime cuts a long line into pieces of 16 KiB: only the last piece's ``log`` ends with a
newline, so a ``log`` without one continues in the next line of the same stream. The pieces are joined
into one record, which keeps the line number, time and stream of its first piece. Decoding is the
CloudWatch format's (the same three keys; no ``kubernetes`` object), so bad lines are skipped by the
same reasons.

Examples
--------
>>> import polars as pl
>>> text = ['{"log":"ERROR:app.db:Connection fa","stream":"stderr","time":"2025-10-07T16:19:05.7716Z"}',
...         '{"log":"iled tenant=b\\n","stream":"stderr","time":"2025-10-07T16:19:05.7717Z"}',
...         '{"log":"INFO:app.main:ok\\n","stream":"stdout","time":"2025-10-07T16:19:06Z"}']
>>> merged, pending = Docker().merge(pl.DataFrame({"line": [1, 2, 3], "text": text}), final=True)
>>> Docker().decode(merged, ["stream", "log"]).records.rows()
[(1, 'stderr', 'ERROR:app.db:Connection failed tenant=b'), (3, 'stdout', 'INFO:app.main:ok')]
"""

from __future__ import annotations

import polars as pl

from logframe.formats.base import Decoded, hold_back_last
from logframe.formats.cloudwatch import CloudWatch

_LOG = pl.col("text").str.json_path_match("$.log")
_CLOUDWATCH = CloudWatch()


class Docker:
    """Docker json-file logs, split lines joined (see the module docstring)."""

    name = "docker"
    embedded_json = True

    def merge(self, lines: pl.DataFrame, final: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Join each run of pieces whose ``log`` lacks the trailing newline with the piece ending it."""
        tagged = lines.with_columns(log=_LOG)
        # A piece continues when its log is a string without a newline at the end; any other line (not
        # an object, a log of another JSON type) ends a record, so it is decoded (or skipped) on its own.
        is_string = pl.col("text").str.contains(r'"log"\s*:\s*"')
        open_ = (is_string & ~pl.col("log").str.ends_with("\n")).fill_null(False)
        starts = ~open_.shift(1, fill_value=False)
        grouped = tagged.with_columns(record=starts.cum_sum())
        unfinished = not final and tagged.height > 0 and bool(tagged.select(open_.last()).item())
        grouped, pending = hold_back_last(grouped, hold=unfinished)
        joined = grouped.group_by("record", maintain_order=True).agg(
            pl.col("line").first(),
            pl.when(pl.len() > 1)
            .then(
                pl.struct(
                    log=pl.col("log").str.join(""),
                    stream=pl.col("text").first().str.json_path_match("$.stream"),
                    time=pl.col("text").first().str.json_path_match("$.time"),
                ).struct.json_encode()
            )
            .otherwise(pl.col("text").first())
            .alias("text"),
        )
        return joined.select("line", "text"), pending

    def decode(self, lines: pl.DataFrame, columns: list[str]) -> Decoded:
        """Decode joined lines as CloudWatch JSON; the trailing newline of ``log`` is dropped."""
        decoded = _CLOUDWATCH.decode(lines, columns)
        if "log" not in decoded.records.columns:
            return decoded
        records = decoded.records.with_columns(pl.col("log").str.strip_suffix("\n").str.strip_suffix("\r"))
        return Decoded(records=records, rejected=decoded.rejected)
