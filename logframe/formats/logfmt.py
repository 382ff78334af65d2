"""logfmt lines: ``ts=2025-10-07T16:19:05Z level=warn msg="slow query" tenant=a duration_ms=900``.

Well-known keys fill the schema: the time from ``ts``/``time``/``timestamp``/``t``/``@timestamp``,
the level from ``level``/``lvl``/``severity``, the message from ``msg``/``message``, and
``pod``/``host``, ``container``/``service``/``app``, ``namespace`` and ``stream`` where present.
Every other pair is kept in ``fields``. A line with no ``key=value`` pair is skipped (``not_logfmt``).

Examples
--------
>>> import polars as pl
>>> text = ['ts=2025-10-07T16:00:00Z level=warn msg="slow query" tenant=a', "hello"]
>>> lines = pl.DataFrame({"line": [1, 2], "text": text})
>>> out = Logfmt().decode(lines, ["time", "raw_level", "log", "attrs"])
>>> out.records.row(0)
(1, '2025-10-07T16:00:00Z', 'warn', 'slow query', [{'key': 'tenant', 'value': 'a'}])
>>> out.rejected.rows()
[(2, 'not_logfmt')]
"""

from __future__ import annotations

import polars as pl

from logframe.formats.base import REJECTED_SCHEMA, Decoded
from logframe.messages import parse_fields

KEYS: dict[str, tuple[str, ...]] = {
    "time": ("ts", "time", "timestamp", "t", "@timestamp"),
    "raw_level": ("level", "lvl", "severity"),
    "log": ("msg", "message"),
    "pod": ("pod", "host", "hostname", "instance"),
    "container": ("container", "service", "app"),
    "namespace": ("namespace", "ns"),
    "stream": ("stream",),
}
"""Which keys fill which raw column (the first present wins)."""

_CONSUMED = [key for keys in KEYS.values() for key in keys]


def _first(keys: tuple[str, ...]) -> pl.Expr:
    pair = pl.element().struct
    return (
        pl.col("pairs")
        .list.eval(pl.element().filter(pair.field("key").is_in(list(keys))).struct.field("value"))
        .list.first()
    )


class Logfmt:
    """Lines of ``key=value`` pairs (Go's logfmt, Heroku, many Go and Rust services)."""

    name = "logfmt"

    def decode(self, lines: pl.DataFrame, columns: list[str]) -> Decoded:
        """Decode non-blank lines; see the module docstring."""
        parsed = lines.with_columns(pairs=parse_fields(pl.col("text")))
        has_pairs = pl.col("pairs").list.len() > 0
        rejected = parsed.filter(~has_pairs).select("line", reason=pl.lit("not_logfmt"))
        rest = pl.element().filter(~pl.element().struct.field("key").is_in(_CONSUMED))
        exprs = {name: _first(keys) for name, keys in KEYS.items()} | {"attrs": pl.col("pairs").list.eval(rest)}
        records = parsed.filter(has_pairs).select("line", *[exprs[c].alias(c) for c in columns if c in exprs])
        return Decoded(records=records, rejected=rejected.cast(REJECTED_SCHEMA))  # type: ignore[arg-type]
