"""Small result frames printed on a terminal or a pipe: aligned columns, no dtypes, no borders."""

from __future__ import annotations

import textwrap

import polars as pl
import typer


def frame_text(frame: pl.DataFrame, rows: int, *, width: int = 160, text_length: int = 100) -> str:
    """``frame`` as aligned text: a header line and up to ``rows`` rows, strings cut at ``text_length``.

    Examples
    --------
    >>> print(frame_text(pl.DataFrame({"tenant": ["a", "bb"], "count": [10, 2]}), 5))
    tenant  count
    a          10
    bb          2
    """
    with pl.Config(
        tbl_rows=rows,
        tbl_cols=-1,
        fmt_str_lengths=text_length,
        tbl_width_chars=width,
        tbl_hide_dataframe_shape=True,
        tbl_hide_column_data_types=True,
        tbl_formatting="NOTHING",
        tbl_cell_numeric_alignment="RIGHT",
    ):
        return textwrap.dedent("\n".join(line.rstrip() for line in str(frame).splitlines()))


def print_counts(title: str, counts: dict[str, int]) -> None:
    """A title, then one ``key  count  share%`` line per key.

    Examples
    --------
    >>> print_counts("by level:", {"INFO": 3, "ERROR": 1})
    by level:
      INFO            3   75.0%
      ERROR           1   25.0%
    """
    total = sum(counts.values()) or 1
    typer.echo(title)
    width = max((len(k) for k in counts), default=0)
    for key, count in counts.items():
        typer.echo(f"  {key:<{width}}  {count:>10,}  {100 * count / total:5.1f}%")
