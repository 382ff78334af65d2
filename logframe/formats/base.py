"""The interface every format implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import polars as pl

REJECTED_SCHEMA = {"line": pl.Int64, "reason": pl.String}


def json_text(expr: pl.Expr) -> pl.Expr:
    """Each value as its JSON text (a quoted string, ``[1,2]``, ``null``), via Polars' struct encoder.

    Examples
    --------
    >>> pl.select(json_text(pl.lit(pl.Series([[1, 2]])))).item()
    '[1,2]'
    """
    return pl.struct(expr.alias("v")).struct.json_encode().str.slice(5).str.head(-1)


@dataclass(frozen=True)
class Decoded:
    """What a format made of a batch of lines.

    ``records`` has a ``line`` column plus the raw columns asked for; ``rejected``
    has one row (``line``, ``reason``) per line that was skipped.
    """

    records: pl.DataFrame
    rejected: pl.DataFrame


class Format(Protocol):
    """A parser of one log format."""

    name: str

    def decode(self, lines: pl.DataFrame, columns: list[str]) -> Decoded:
        """Decode non-blank ``lines`` (``line``, ``text``) into the raw ``columns`` asked for."""
        ...


def hold_back_last(grouped: pl.DataFrame, hold: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split lines numbered by ``record`` into (complete records, the last record's lines held back).

    For formats whose records span lines: the last record of a chunk may go on in the next one.
    """
    if not hold or grouped.is_empty():
        return grouped, grouped.clear().select("line", "text")
    last = grouped["record"][-1]
    return grouped.filter(pl.col("record") != last), grouped.filter(pl.col("record") == last).select("line", "text")
