"""containerd / CRI-O container logs: ``<RFC 3339 nano time> <stream> <P|F> <text>``.

The runtime splits a long line into partial pieces (``P``) ended by a full one (``F``); the pieces are
joined into one record, which keeps the time and stream of its first piece (nanoseconds kept). A line
not in this shape is skipped (``not_cri``).

Examples
--------
>>> import polars as pl
>>> text = ["2025-10-07T16:19:05.771609123Z stderr P ERROR:app.db:Connection fa",
...         "2025-10-07T16:19:05.771609999Z stderr F iled tenant=b",
...         "2025-10-07T16:19:06.000000001Z stdout F INFO:app.main:ok"]
>>> merged, pending = Cri().merge(pl.DataFrame({"line": [1, 2, 3], "text": text}), final=True)
>>> Cri().decode(merged, ["stream", "log"]).records.rows()
[(1, 'stderr', 'ERROR:app.db:Connection failed tenant=b'), (3, 'stdout', 'INFO:app.main:ok')]
"""

from __future__ import annotations

import polars as pl

from logframe.formats.base import Decoded, hold_back_last

SHAPE = r"^(?<time>\d{4}-\d{2}-\d{2}T\S+) (?<stream>stdout|stderr) (?<tag>[PF])(?:\s(?<text>.*))?$"
"""One CRI log line."""


class Cri:
    """Container runtime (CRI) logs, partial lines joined (see the module docstring)."""

    name = "cri"
    embedded_json = True
    strip = "\r\n\ufeff"  # a partial piece's trailing spaces belong to the line it splits

    def merge(self, lines: pl.DataFrame, final: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Join each run of ``P`` pieces with the ``F`` piece ending it; hold back an unfinished run."""
        parts = pl.col("text").str.extract_groups(SHAPE)
        tagged = lines.with_columns(tag=parts.struct.field("tag"), piece=parts.struct.field("text").fill_null(""))
        ends = (pl.col("tag") != "P").fill_null(True)  # an F piece, or a line not in shape, ends a record
        starts = pl.col("tag").is_null() | ends.shift(1, fill_value=True)  # ... and a line not in shape stands alone
        grouped = tagged.with_columns(record=starts.cum_sum())
        unfinished = not final and tagged.height > 0 and tagged["tag"][-1] == "P"
        grouped, pending = hold_back_last(grouped, hold=unfinished)
        merged = grouped.group_by("record", maintain_order=True).agg(
            pl.col("line").first(),
            pl.when(pl.len() > 1)
            .then(
                pl.concat_str(
                    pl.col("text").first().str.extract(r"^(\S+ \S+ )[PF]", 1),
                    pl.lit("F "),
                    pl.col("piece").str.join(""),
                )
            )
            .otherwise(pl.col("text").first())
            .alias("text"),
        )
        return merged.select("line", "text"), pending

    def decode(self, lines: pl.DataFrame, columns: list[str]) -> Decoded:
        """Decode merged lines; lines not in the CRI shape are skipped as ``not_cri``."""
        parts = pl.col("text").str.extract_groups(SHAPE)
        shaped = lines.with_columns(parts=parts)
        ok = pl.col("parts").struct.field("tag").is_not_null()
        rejected = shaped.filter(~ok).select("line", reason=pl.lit("not_cri"))
        exprs = {
            "time": pl.col("parts").struct.field("time"),
            "stream": pl.col("parts").struct.field("stream"),
            "log": pl.col("parts").struct.field("text").fill_null(""),
        }
        records = shaped.filter(ok).select("line", *[exprs[c].alias(c) for c in columns if c in exprs])
        return Decoded(records=records, rejected=rejected)
