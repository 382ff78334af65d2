"""Render the README's charts into docs/: ``python docs/charts.py`` (``make docs``).

Each time chart is drawn at three scales, from synthetic records made here (seeded, in the record
schema, so no parsing): an hour, a day and a month, each with a diurnal load (day and month) and one
incident: errors from ``backend`` for tenant ``company-b``, in the window the charts highlight.
``every`` is left to ``"auto"``, as a user would. The top-values chart is drawn once (the month).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import polars as pl
from matplotlib.figure import Figure

import logframe
from logframe.schema import LEVELS, SCHEMA

HERE = Path(__file__).resolve().parent
START = dt.datetime(2025, 10, 7, tzinfo=dt.UTC)
SCALES = {
    "1h": (dt.timedelta(hours=1), 20_000),
    "1d": (dt.timedelta(days=1), 100_000),
    "1mo": (dt.timedelta(days=30), 300_000),
}
"""name -> (time span, records)."""

CONTAINERS = ["backend", "frontend", "message-manager", "ocr-processor", "scheduler", "auth", None]
TENANTS = ["company_a", "company-b", "company.c", "company_d", "tenant_e", "tenant_f", None]
LEVEL_WEIGHTS = [0.22, 0.55, 0.15, 0.07, 0.01]
"""DEBUG .. CRITICAL outside the incident; 2% of records have no level."""


def incident(span: dt.timedelta) -> tuple[dt.datetime, dt.datetime]:
    """The incident window: from 60% to 68% of the span."""
    return START + span * 0.6, START + span * 0.68


def synthetic(span: dt.timedelta, n: int, seed: int = 7) -> logframe.LogFrame:
    """``n`` records over ``span`` from START: diurnal load, one incident (see the module docstring)."""
    rng = np.random.default_rng(seed)
    seconds = span.total_seconds()
    # Load follows the time of day (low at 03:00 UTC, high at 15:00): rejection sampling.
    offsets = rng.uniform(0, seconds, 3 * n)
    hours = (offsets / 3600) % 24
    keep = rng.uniform(0, 1, offsets.size) < 0.55 + 0.45 * np.sin((hours - 9) / 24 * 2 * np.pi)
    offsets = np.sort(offsets[keep][:n] if span > dt.timedelta(hours=6) else offsets[:n])
    n = offsets.size
    container = rng.choice(len(CONTAINERS), n, p=[0.35, 0.2, 0.15, 0.1, 0.1, 0.06, 0.04])
    tenant = rng.choice(len(TENANTS), n, p=[0.3, 0.25, 0.15, 0.1, 0.08, 0.07, 0.05])
    level = rng.choice(len(LEVELS), n, p=LEVEL_WEIGHTS)
    start, end = (t - START for t in incident(span))
    during = (offsets >= start.total_seconds()) & (offsets < end.total_seconds())
    hit = during & (container == 0) & (tenant == 1)
    level = np.where(hit & (rng.uniform(0, 1, n) < 0.9), 3, level)
    level = np.where(during & (container == 0) & (rng.uniform(0, 1, n) < 0.3), 3, level)
    levels = [LEVELS[i] for i in level]
    no_level = rng.uniform(0, 1, n) < 0.02
    frame = pl.DataFrame(
        {
            "timestamp": pl.Series(offsets).cast(pl.Int64) * 1_000_000_000 + rng.integers(0, 999_999_999, n),
            "level": pl.Series(levels).set(pl.Series(no_level), None),
            "container": [CONTAINERS[i] for i in container],
            "tenant": [TENANTS[i] for i in tenant],
            "line": np.arange(1, n + 1),
        }
    )
    records = frame.select(
        timestamp=pl.lit(START).cast(SCHEMA["timestamp"]) + pl.duration(nanoseconds=pl.col("timestamp")),
        level=pl.col("level").cast(SCHEMA["level"]),
        component=pl.lit("app.main"),
        message=pl.lit("request handled"),
        namespace=pl.lit("pax-prod"),
        pod=pl.col("container") + "-0",
        container=pl.col("container"),
        stream=pl.lit("stdout"),
        fields=pl.when(pl.col("tenant").is_null())
        .then(pl.lit([], dtype=SCHEMA["fields"]))
        .otherwise(pl.concat_list(pl.struct(key=pl.lit("tenant"), value=pl.col("tenant")))),
        source=pl.lit("synthetic"),
        line=pl.col("line"),
    )
    return logframe.LogFrame.from_polars(records.cast(pl.Schema(SCHEMA)))


def save(fig: Figure, name: str) -> None:
    """Write ``fig`` to docs/``name`` and close it."""
    fig.savefig(HERE / name, dpi=100)
    plt.close(fig)
    print(f"wrote docs/{name}")


def main() -> None:
    """Write one PNG per chart and scale."""
    began = time.perf_counter()
    charts: dict[str, Callable[..., object]] = {
        "error_rate": lambda logs, window, ax: logs.plot.error_rate(highlight=window, ax=ax),
        "error_rate_by_container": lambda logs, window, ax: logs.plot.error_rate(
            by="container", highlight=window, ax=ax
        ),
        "error_counts_by_tenant": lambda logs, window, ax: logs.plot.error_counts(by="tenant", highlight=window, ax=ax),
        "levels": lambda logs, window, ax: logs.plot.levels(highlight=window, ax=ax),
        "heatmap": lambda logs, window, ax: logs.plot.heatmap(by="container", ax=ax),
    }
    for scale, (span, n) in SCALES.items():
        logs = synthetic(span, n)
        window = incident(span)
        for chart, draw in charts.items():
            fig, ax = plt.subplots(figsize=(9, 3.6), layout="constrained")
            draw(logs, window, ax)
            save(fig, f"{chart}_{scale}.png")
        axes = logs.plot.overview(by="container", highlight=window)
        figure = axes[0].figure
        assert isinstance(figure, Figure)
        save(figure, f"overview_{scale}.png")
    fig, ax = plt.subplots(figsize=(9, 3.6), layout="constrained")
    logs.plot.top("tenant", n=5, ax=ax)
    save(fig, "top_tenants.png")
    print(f"{time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
