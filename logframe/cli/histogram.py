"""Records per time bucket drawn in a terminal: one row a bucket, a bar of block characters, counts per group.

For ``every="auto"`` the bucket is the shortest "nice" step (1s, 2s, 5s, 10s, 15s, 30s, 1m, 2m, 5m,
10m, 15m, 30m, 1h, 2h, 3h, 6h, 12h, 1d) that draws the time range in at most :data:`MAX_ROWS` rows.
A chart wants ~60-150 buckets (``logframe.stats``), but a terminal shows ~25-50 lines, and a
histogram that scrolls off the screen loses its top: at most 40 rows fit a usual window, and as
consecutive steps differ by at most 2.5x, the chosen step gives 16-40 rows (fewer only when the
whole range is under 40 seconds, more only past 40 days).

Examples
--------
>>> import datetime as dt
>>> choose_every(dt.timedelta(minutes=58))
'2m'
>>> choose_every(dt.timedelta(days=3))
'2h'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl
import typer

from logframe.stats import MISSING, shortest_every

MAX_ROWS = 40
"""Most rows (buckets) ``every="auto"`` aims for: what fits a terminal window."""

GLYPHS = "█▓▒░▚▄▁"
"""One fill a group, so the stacked bars read without colour (groups beyond these are folded into "other")."""

EIGHTHS = " ▏▎▍▌▋▊▉"
"""Partial blocks: a bar of one group ends to an eighth of a character."""

COLOURS = {
    "DEBUG": "bright_black",
    "INFO": "green",
    "WARNING": "yellow",
    "ERROR": "red",
    "CRITICAL": "magenta",
}
"""Terminal colours of the levels (on a terminal only); other groups take :data:`CYCLE`."""

CYCLE = ("blue", "yellow", "magenta", "cyan", "green", "red", "white")

HEADER_CHARS = 8
"""Longer group names are cut in the header row (the legend gives them whole), leaving room for the bars;
names that would be cut alike (``company-b``, ``company_a``) are given as many characters as tells them apart."""

MIN_BAR = 20
"""Columns the bars get at least, even on a narrow terminal (lines then wrap)."""

OTHER = "other"
"""The group the smaller groups beyond ``top`` are summed into."""


def choose_every(span: dt.timedelta, rows: int = MAX_ROWS) -> str:
    """The shortest step of :data:`logframe.stats.NICE_EVERY` showing ``span`` in at most ``rows`` buckets.

    Examples
    --------
    >>> import datetime as dt
    >>> choose_every(dt.timedelta(0)), choose_every(dt.timedelta(hours=1)), choose_every(dt.timedelta(days=90))
    ('1s', '2m', '1d')
    """
    return shortest_every(span, rows)


def wide(counts: pl.DataFrame, by: str | None, top: int) -> tuple[pl.DataFrame, list[str]]:
    """Bucket rows with one count column per group (the ``top`` largest, the rest as ``other``), and the groups.

    Groups keep their natural order when they have one (levels by severity), else largest first.

    Examples
    --------
    >>> import datetime as dt
    >>> t = dt.datetime(2025, 10, 7, tzinfo=dt.timezone.utc)
    >>> counts = pl.DataFrame({"bucket": [t, t, t], "tenant": ["a", "b", None], "count": [1, 5, 2]})
    >>> wide(counts, "tenant", 2)[1]
    ['b', '(none)', 'other']
    """
    if by is None:
        return counts.select("bucket", pl.col("count").alias("total")), []
    ordered = counts[by].dtype == pl.Enum
    label = pl.col(by).cast(pl.String).fill_null(MISSING)
    named = counts.with_columns(label.alias("group"))
    totals = named.group_by("group").agg(pl.col("count").sum()).sort(["count", "group"], descending=[True, False])
    keep = totals["group"].head(top).to_list()
    if ordered:
        order = [*counts[by].dtype.categories, MISSING]  # type: ignore[attr-defined]
        keep = [g for g in order if g in keep]
    groups = keep + ([OTHER] if totals.height > top else [])
    folded = named.with_columns(pl.when(pl.col("group").is_in(keep)).then("group").otherwise(pl.lit(OTHER)))
    table = folded.pivot("group", index="bucket", values="count", aggregate_function="sum", sort_columns=False)
    table = table.select("bucket", *[pl.col(g).fill_null(0) for g in groups]).sort("bucket")
    return table.with_columns(total=pl.sum_horizontal(groups)), groups


def _cut(name: str, width: int) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def header_chars(names: Sequence[str]) -> int:
    """Characters a header gives each group name: :data:`HEADER_CHARS`, or more until no two are cut alike.

    Examples
    --------
    >>> header_chars(["DEBUG", "INFO"]), header_chars(["company-b", "company_a"]), header_chars(["a" * 20, "a" * 21])
    (8, 9, 20)
    """
    width = HEADER_CHARS
    while len({_cut(n, width) for n in names}) < len(set(names)):
        width += 1
    return width


def _label(bucket: dt.datetime, every_seconds: int) -> str:
    if every_seconds < 60:
        return bucket.strftime("%Y-%m-%d %H:%M:%S")
    return bucket.strftime("%Y-%m-%d %H:%M") if every_seconds < 86400 else bucket.strftime("%Y-%m-%d")


def _bar(counts: Sequence[int], scale: float, colours: Sequence[str] | None) -> str:
    """Stacked segments, one glyph a group; each boundary rounded, so the whole bar is rounded once."""
    if len(counts) == 1:
        eighths = round(counts[0] * scale * 8)
        text = "█" * (eighths // 8) + (EIGHTHS[eighths % 8] if eighths % 8 else "")
        return typer.style(text, fg=colours[0]) if colours and text else text
    parts, done, cumulative = [], 0, 0
    for i, count in enumerate(counts):
        cumulative += count
        end = round(cumulative * scale)
        segment = GLYPHS[i] * (end - done)
        done = end
        parts.append(typer.style(segment, fg=colours[i]) if colours and segment else segment)
    return "".join(parts)


def render(table: pl.DataFrame, groups: list[str], every: dt.timedelta, *, width: int, colour: bool) -> list[str]:
    """The lines of the histogram: a legend (with groups), a header, one row a bucket.

    Examples
    --------
    >>> import datetime as dt
    >>> t = dt.datetime(2025, 10, 7, 16, tzinfo=dt.UTC)
    >>> table = pl.DataFrame({"bucket": [t, t + dt.timedelta(minutes=5)], "total": [8, 2]})
    >>> for line in render(table, [], dt.timedelta(minutes=5), width=46, colour=False):
    ...     print(line)
    UTC               total
    2025-10-07 16:00      8  █████████████████████
    2025-10-07 16:05      2  █████▎
    """
    every_seconds = int(every.total_seconds())
    names = groups or ["total"]
    chars = header_chars(groups)
    count_width = {
        g: max(min(len(g), chars), len(f"{table.select(pl.col(g).max()).item() or 0:,}")) for g in [*groups, "total"]
    }
    label_width = len(_label(table["bucket"][0], every_seconds)) if table.height else 10
    columns = [*groups, "total"] if groups else ["total"]
    fixed = label_width + sum(count_width[c] + 2 for c in columns) + 2
    bar_width = max(MIN_BAR, width - fixed)
    largest: int = table.select(pl.col("total").max()).item() or 0
    scale = bar_width / largest if largest else 0.0
    palette = [COLOURS.get(g, CYCLE[i % len(CYCLE)]) for i, g in enumerate(names)] if colour else None
    lines = []
    if groups:
        legend = [f"{GLYPHS[i]} {g}" for i, g in enumerate(groups)]
        if palette:
            legend = [typer.style(item, fg=palette[i]) for i, item in enumerate(legend)]
        lines.append("  ".join(legend))
    header = f"{'UTC':<{label_width}}" + "".join(f"  {_cut(c, count_width[c]):>{count_width[c]}}" for c in columns)
    lines.append(header.rstrip())
    for row in table.iter_rows(named=True):
        counts = [row[g] for g in names]
        cells = "".join(f"  {row[c]:>{count_width[c]},}" for c in columns)
        lines.append(f"{_label(row['bucket'], every_seconds):<{label_width}}{cells}  {_bar(counts, scale, palette)}")
    return lines
