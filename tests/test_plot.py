"""Charts: the plotted data equals the frames they come from; matplotlib stays out of `import logframe`."""

from __future__ import annotations

import math
import subprocess
import sys

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import polars as pl

import logframe
from logframe.plot import LEVEL_COLOURS, OTHER, fold
from tests.conftest import SAMPLE, Writer, record


@pytest.fixture
def logs() -> logframe.LogFrame:
    return logframe.scan(SAMPLE)


@pytest.fixture(autouse=True)
def _close_figures() -> None:
    yield
    plt.close("all")


def test_importing_logframe_does_not_import_matplotlib() -> None:
    code = "import sys, logframe; assert 'matplotlib' not in sys.modules; assert 'lark' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_error_rate_line_and_band_match_the_frame(logs: logframe.LogFrame) -> None:
    ax = logs.plot.error_rate(every="5m")
    rates = logs.error_rate(every="5m")
    assert list(ax.lines[0].get_ydata()) == rates["rate"].to_list()
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert min(band) == pytest.approx(rates["rate_low"].min())
    assert max(band) == pytest.approx(rates["rate_high"].max())
    assert ax.get_ylim() == (0, 1)
    assert "Wilson" in ax.get_title()


def test_error_rate_by_group_folds_the_rest(logs: logframe.LogFrame) -> None:
    ax = logs.plot.error_rate(every="5m", by="container", top=1)
    assert [line.get_label() for line in ax.lines] == ["backend", OTHER]
    folded = fold(logs.error_rate(every="5m", by="container"), "container", top=1)
    other = folded.filter(pl.col("container") == OTHER)
    assert list(ax.lines[1].get_ydata()) == other["rate"].to_list()
    everything = logs.error_rate(every="5m")
    assert (folded.group_by("bucket").agg(pl.col("total").sum()).sort("bucket")["total"] == everything["total"]).all()


def test_levels_are_stacked_with_fixed_colours(logs: logframe.LogFrame) -> None:
    ax = logs.plot.levels(every="10m")
    handles, labels = ax.get_legend_handles_labels()
    assert labels == ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", "UNKNOWN"]
    colours = [matplotlib.colors.to_hex(h.get_facecolor()) for h in handles]
    assert colours == [LEVEL_COLOURS[name].lower() for name in labels]
    top_of_stack = ax.collections[-1].get_paths()[0].vertices[:, 1].max()
    assert top_of_stack == logs.counts(every="10m", by=None)["count"].max()


def test_heatmap_rows_and_totals(logs: logframe.LogFrame) -> None:
    ax = logs.plot.heatmap(by="container", every="10m")
    image = ax.images[0].get_array()
    assert image.sum() == logs.counts(every="10m", by=None)["count"].sum()
    assert [t.get_text() for t in ax.get_yticklabels()][1] == "backend"


def test_top_bars_and_given_axes(logs: logframe.LogFrame) -> None:
    _, axes = plt.subplots(1, 2)
    returned = logs.plot.top("container", n=3, ax=axes[1])
    assert returned is axes[1]
    assert [int(b.get_width()) for b in axes[1].patches] == logs.top("container", n=3)["count"].to_list()
    assert len(axes[0].patches) == 0


def test_charts_of_an_empty_frame_do_not_fail(logs: logframe.LogFrame) -> None:
    empty = logs.filter(pod="nobody")
    assert len(empty.plot.error_rate(every="1m", by="container").lines) == 0
    assert len(empty.plot.error_rate(every="1m").lines) == 0
    assert len(empty.plot.levels().collections) == 0
    assert len(empty.plot.heatmap().images) == 0


def test_empty_buckets_are_gaps_not_bands(write: Writer) -> None:
    logs = logframe.scan(
        write([record("ERROR:a:x", "2025-10-07T16:00:00Z"), record("INFO:a:y", "2025-10-07T16:03:00Z")])
    )
    ax = logs.plot.error_rate(every="1m")
    y = list(ax.lines[0].get_ydata())
    assert y[0] == 1.0
    assert y[3] == 0.0
    assert all(math.isnan(v) for v in y[1:3])
