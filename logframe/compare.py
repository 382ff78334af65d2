"""What changed between two windows of logs: which templates and values explain the rise in errors.

For each dimension (message templates, and fields such as tenant, pod, container, component) and each
of its values: counts and errors in the baseline and the current window, the ratio of error *rates*
(errors per minute, so windows of different lengths compare), whether the value is new (never seen in
the baseline), and its **excess errors**: errors beyond what the baseline rate predicts for a window
this long. Rows are ranked by their share of the total excess, so the top rows explain the incident.

Examples
--------
>>> import logframe
>>> logs = logframe.scan("sample_logs.txt")
>>> changed = logs.compare(at="2025-10-07T16:40:00Z", window="30m")
>>> top = changed.filter(dimension="template").row(0, named=True)
>>> top["value"], top["base_count"], top["count"], top["new"]
('Connection failed tenant=<*> retry_count=<*> host=<*>', 0, 30, True)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from logframe.patterns import cluster_masked, mask
from logframe.query import resolve
from logframe.stats import ERROR_LEVELS

DIMENSIONS = ("template", "tenant", "pod", "container", "component")
"""What :func:`compare` breaks the change down by, unless told otherwise."""

_SIDE_SCHEMA = {"dimension": pl.String, "value": pl.String, "count": pl.UInt32, "errors": pl.UInt32}


def _minutes(lf: pl.LazyFrame) -> float:
    """The span of a window from its records' first to last timestamp (at least a minute)."""
    first, last = lf.select(pl.col("timestamp").min(), pl.col("timestamp").max().alias("last")).collect().row(0)
    if first is None:
        return 1.0
    return max(float((last - first).total_seconds()) / 60, 1.0)


def _side(lf: pl.LazyFrame, dimensions: Sequence[str], templates: pl.DataFrame | None) -> pl.DataFrame:
    """Counts and errors per value of every dimension (``templates`` mined beforehand), one scan for the fields."""
    is_error = pl.col("level").is_in(ERROR_LEVELS)
    fields = [d for d in dimensions if d != "template"]
    queries = [
        lf.group_by(resolve(d).cast(pl.String).alias("value"))
        .agg(count=pl.len().cast(pl.UInt32), errors=is_error.sum().cast(pl.UInt32))
        .with_columns(dimension=pl.lit(d))
        for d in fields
    ]
    parts = pl.collect_all(queries) if queries else []
    if templates is not None:
        parts.insert(0, templates.with_columns(dimension=pl.lit("template")))
    frames = [p.select(list(_SIDE_SCHEMA)).cast(_SIDE_SCHEMA) for p in parts]  # type: ignore[arg-type]
    return pl.concat(frames) if frames else pl.DataFrame(schema=_SIDE_SCHEMA)


def _templates(baseline: pl.LazyFrame, current: pl.LazyFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Counts and errors per mined template in each window, the templates mined over both at once.

    Mining each window alone could name one kind of message differently in each (an enumeration
    seen in one window only), so the distinct masked messages of both are clustered together.
    """
    is_error = pl.col("level").is_in(ERROR_LEVELS)
    per_masked = [
        lf.filter(pl.col("message").is_not_null())
        .group_by(mask(pl.col("message")).alias("masked"))
        .agg(count=pl.len().cast(pl.UInt32), errors=is_error.sum().cast(pl.UInt32))
        .sort("masked")
        for lf in (baseline, current)
    ]
    base, now = pl.collect_all(per_masked)
    both = pl.concat([base, now]).group_by("masked", maintain_order=True).agg(pl.col("count").sum())
    ids, names = cluster_masked(both["masked"].to_list(), counts=both["count"].to_list())
    lookup = both.select("masked", value=pl.Series([names[i] for i in ids], dtype=pl.String))
    sides = [
        side.join(lookup, on="masked").group_by("value").agg(pl.col("count").sum(), pl.col("errors").sum())
        for side in (base, now)
    ]
    return sides[0], sides[1]


def compare(
    current: pl.LazyFrame,
    baseline: pl.LazyFrame,
    dimensions: Sequence[str] = DIMENSIONS,
    minutes: tuple[float, float] | None = None,
) -> pl.DataFrame:
    """Rank what changed from ``baseline`` to ``current`` (see the module docstring).

    Columns: ``dimension``, ``value``, ``base_count``, ``count``, ``base_errors``, ``errors``,
    ``rate_ratio`` (current errors per minute over baseline's; null when the baseline had none),
    ``new`` (value absent from the baseline), ``excess_errors`` and ``share_of_increase``.
    A null ``value`` stands for records without that field. ``minutes`` gives the lengths of the
    baseline and current windows when known; otherwise each is the span of its records.
    """
    base_minutes, minutes_now = minutes if minutes is not None else (_minutes(baseline), _minutes(current))
    scale = minutes_now / base_minutes
    base_templates, templates = _templates(baseline, current) if "template" in dimensions else (None, None)
    joined = _side(baseline, dimensions, base_templates).join(
        _side(current, dimensions, templates),
        on=["dimension", "value"],
        how="full",
        coalesce=True,
        nulls_equal=True,
        suffix="_now",
    )
    joined = joined.rename(
        {"count": "base_count", "errors": "base_errors", "count_now": "count", "errors_now": "errors"}
    )
    counts = ["base_count", "count", "base_errors", "errors"]
    ranked = joined.with_columns(pl.col(counts).fill_null(0)).with_columns(
        rate_ratio=pl.when(pl.col("base_errors") > 0).then(
            (pl.col("errors") / minutes_now) / (pl.col("base_errors") / base_minutes)
        ),
        new=pl.col("base_count") == 0,
        excess_errors=pl.col("errors") - pl.col("base_errors") * scale,
    )
    total_excess = ranked.group_by("dimension").agg(total=pl.col("excess_errors").clip(lower_bound=0).sum())
    return (
        ranked.join(total_excess, on="dimension")
        .with_columns(
            share_of_increase=pl.when(pl.col("total") > 0).then(
                pl.col("excess_errors").clip(lower_bound=0) / pl.col("total")
            )
        )
        .drop("total")
        .sort(["share_of_increase", "excess_errors", "dimension"], descending=[True, True, False], nulls_last=True)
        .select("dimension", "value", *counts, "rate_ratio", "new", "excess_errors", "share_of_increase")
    )


def split_at(at: dt.datetime, window: dt.timedelta | None) -> tuple[dict[str, dt.datetime], dict[str, dt.datetime]]:
    """``filter`` keywords of the baseline (before ``at``) and current (from ``at``) windows."""
    if window is None:
        return {"before": at}, {"after": at}
    return {"after": at - window, "before": at}, {"after": at, "before": at + window}
