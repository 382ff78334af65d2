"""Charts of a LogFrame, as ``logs.plot.<chart>(...)``; matplotlib is imported only when one is drawn.

Every chart accepts ``ax=`` (an existing ``matplotlib.axes.Axes``) and returns the Axes it drew on.
Time axes are UTC with matplotlib's concise date formatter. Colours come from the Okabe–Ito palette,
which stays distinguishable with the common forms of colour blindness; levels always have the same
colour.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import logframe
>>> ax = logframe.scan("sample_logs.txt").plot.error_rate(every="5m")
>>> ax.get_ylabel()
'error rate'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from logframe import stats
from logframe.dependencies import import_optional

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from logframe.frame import LogFrame

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
"""Colour-blind-safe palette (Okabe & Ito), in the order series are drawn."""

LEVEL_COLOURS = {
    "DEBUG": "#999999",
    "INFO": "#56B4E9",
    "WARNING": "#E69F00",
    "ERROR": "#D55E00",
    "CRITICAL": "#CC79A7",
    "UNKNOWN": "#000000",
}
"""A fixed colour per level, so every chart reads the same way."""

OTHER = "other"
"""The label of groups folded together beyond ``top``."""


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    import_optional("matplotlib", "charts")
    import matplotlib.pyplot as plt

    _, created = plt.subplots(figsize=(10, 4), layout="constrained")
    return created


def _time_axis(ax: Axes) -> None:
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(tz="UTC")
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, tz="UTC"))
    ax.set_xlabel("time (UTC)")


def _naive_utc(series: pl.Series) -> list[Any]:
    """Datetimes matplotlib plots as UTC (it takes naive values as UTC)."""
    return series.dt.replace_time_zone(None).to_list()


def fold(rates: pl.DataFrame, by: str, top: int) -> pl.DataFrame:
    """Keep the ``top`` groups with most errors; sum the rest into ``"other"`` and recompute rates.

    Examples
    --------
    >>> import datetime as dt, polars as pl
    >>> t = dt.datetime(2025, 1, 1)
    >>> df = pl.DataFrame({"bucket": [t] * 3, "g": ["a", "b", "c"], "total": [5, 4, 3], "errors": [3, 1, 2]})
    >>> fold(df, "g", top=1).select("g", "total", "errors").rows()
    [('a', 5, 3), ('other', 7, 3)]
    """
    ranked = (
        rates.group_by(by).agg(pl.col("errors").sum()).sort(["errors", by], descending=[True, False], nulls_last=True)
    )
    keep = ranked[by].head(top).to_list()
    label = (
        pl.when(pl.col(by).is_in(keep)).then(pl.col(by).cast(pl.String)).otherwise(pl.lit(OTHER)).fill_null("(none)")
    )
    order = {name: i for i, name in enumerate([*map(str, keep), OTHER])}
    folded = rates.group_by("bucket", label.alias(by)).agg(pl.col("total").sum(), pl.col("errors").sum())
    return (
        folded.with_columns(**stats.wilson())
        .with_columns(_order=pl.col(by).replace_strict(order, default=len(order)))
        .sort(["_order", "bucket"])
        .drop("_order")
    )


class PlotNamespace:
    """The charts of one LogFrame (``logs.plot``)."""

    def __init__(self, frame: LogFrame) -> None:
        self._frame = frame

    def error_rate(self, every: str = "1m", by: str | None = None, top: int = 5, ax: Axes | None = None) -> Axes:
        """Error rate over time (one line per group) with its 95% Wilson band.

        Groups beyond the ``top`` with most errors are summed into ``"other"``.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import logframe
        >>> ax = logframe.scan("sample_logs.txt").plot.error_rate(every="5m", by="container", top=2)
        >>> [line.get_label() for line in ax.lines]
        ['backend', 'message-manager', 'other']
        """
        rates = self._frame.error_rate(every, by)
        ax = _axes(ax)
        if rates.is_empty():
            groups = []
        elif by is not None:
            groups = fold(rates, by, top).partition_by(by, maintain_order=True, include_key=True)
        else:
            groups = [rates]
        for i, group in enumerate(groups):
            colour = OKABE_ITO[i % len(OKABE_ITO)]
            label = str(group[by][0]) if by is not None else "all records"
            # An empty bucket has no rate to show: a gap in the line and no band (not the [0, 1] of the frame).
            seen = group.with_columns(
                [
                    pl.when(pl.col("total") > 0).then(pl.col(c)).otherwise(float("nan"))
                    for c in ("rate", "rate_low", "rate_high")
                ]
            )
            x = _naive_utc(seen["bucket"])
            ax.plot(x, seen["rate"].to_list(), color=colour, label=label, linewidth=1.5, marker=".")
            ax.fill_between(x, seen["rate_low"].to_list(), seen["rate_high"].to_list(), color=colour, alpha=0.12)
        ax.set_ylim(0, 1)
        ax.set_ylabel("error rate")
        ax.set_title(f"Error rate (ERROR + CRITICAL) per {every}" + (f" by {by}" if by else "") + ", 95% Wilson band")
        _time_axis(ax)
        if groups and by is not None:
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        return ax

    def levels(self, every: str = "1m", ax: Axes | None = None) -> Axes:
        """Records per time bucket, stacked by level (fixed colours).

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import logframe
        >>> ax = logframe.scan("sample_logs.txt").plot.levels(every="10m")
        >>> ax.get_legend_handles_labels()[1]
        ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL', 'UNKNOWN']
        """
        counts = self._frame.counts(every, by="level").with_columns(
            pl.col("level").cast(pl.String).fill_null("UNKNOWN")
        )
        wide = counts.pivot(on="level", index="bucket", values="count").sort("bucket").fill_null(0)
        names = [name for name in LEVEL_COLOURS if name in wide.columns]
        ax = _axes(ax)
        if names:
            # Steps are drawn from each bucket's start; repeat the last row at its end so it shows.
            width = wide.select(pl.col("bucket").diff().min()).item() if wide.height > 1 else None
            end = (pl.col("bucket") + (width or pl.duration(minutes=1))).cast(wide.schema["bucket"])
            closed = pl.concat([wide, wide.tail(1).with_columns(end)])
            ax.stackplot(
                _naive_utc(closed["bucket"]),
                *[closed[name].to_list() for name in names],
                labels=names,
                colors=[LEVEL_COLOURS[name] for name in names],
                step="post",
            )
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        ax.set_ylabel("records")
        ax.set_title(f"Records per {every} by level")
        _time_axis(ax)
        return ax

    def heatmap(self, by: str = "container", every: str = "5m", ax: Axes | None = None) -> Axes:
        """Records per time bucket (columns) and group (rows) as a heat map.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import logframe
        >>> ax = logframe.scan("sample_logs.txt").plot.heatmap(by="container", every="10m")
        >>> [t.get_text() for t in ax.get_yticklabels()]
        ['(none)', 'backend', 'frontend', 'message-manager', 'ocr-processor']
        """
        import matplotlib.dates as mdates

        counts = self._frame.counts(every, by=by).with_columns(pl.col(by).cast(pl.String).fill_null("(none)"))
        wide = counts.pivot(on="bucket", index=by, values="count").sort(by).fill_null(0)
        ax = _axes(ax)
        buckets = sorted(set(counts["bucket"].to_list()))
        if buckets:
            matrix = wide.drop(by).to_numpy()
            step = (buckets[1] - buckets[0]) if len(buckets) > 1 else None
            start = mdates.date2num(buckets[0].replace(tzinfo=None))
            end = mdates.date2num((buckets[-1] + step).replace(tzinfo=None)) if step else start + 1 / 1440
            image = ax.imshow(
                matrix,
                aspect="auto",
                interpolation="nearest",
                cmap="viridis",
                extent=(start, end, len(wide) - 0.5, -0.5),
            )
            ax.figure.colorbar(image, ax=ax, label="records")
            ax.set_yticks(range(len(wide)), wide[by].to_list())
            ax.xaxis_date()
        ax.set_ylabel(by)
        ax.set_title(f"Records per {every} by {by}")
        _time_axis(ax)
        return ax

    def top(self, field: str, n: int = 10, ax: Axes | None = None) -> Axes:
        """The ``n`` most frequent values of a column or key-value field, as horizontal bars.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import logframe
        >>> ax = logframe.scan("sample_logs.txt").plot.top("tenant", n=2)
        >>> [int(bar.get_width()) for bar in ax.patches]
        [67, 43]
        """
        values = self._frame.top(field, n)
        ax = _axes(ax)
        labels = [str(v) for v in values[field].to_list()]
        ax.barh(labels, values["count"].to_list(), color=OKABE_ITO[0])
        ax.invert_yaxis()
        ax.set_xlabel("records")
        ax.set_ylabel(field)
        ax.set_title(f"Top {len(labels)} values of {field}")
        return ax
