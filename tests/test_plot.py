"""Charts: the plotted data equals the frames they come from; matplotlib stays out of `import logframe`."""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys
from collections.abc import Iterator

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import polars as pl

import logframe
from logframe import QueryError
from logframe.plot import LEVEL_COLOURS, MIN_GROUP_COUNT, OTHER, edges, fold
from logframe.stats import MISSING
from tests.conftest import SAMPLE, Writer, record

UTC = dt.UTC


@pytest.fixture
def logs() -> logframe.LogFrame:
    return logframe.scan(SAMPLE)


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def _num(times: list[dt.datetime] | pl.Series) -> list[float]:
    values = times.to_list() if isinstance(times, pl.Series) else times
    return [float(x) for x in mdates.date2num([t.replace(tzinfo=None) for t in values])]


def _bounds(frame: pl.DataFrame, every: str) -> list[float]:
    """Bucket starts and the end of the last, as matplotlib dates."""
    starts = frame["bucket"].unique().sort().to_list()
    return _num([*starts, starts[-1] + WIDTH[every]])


WIDTH = {"30s": dt.timedelta(seconds=30), "1m": dt.timedelta(minutes=1), "5m": dt.timedelta(minutes=5)}


def _stamped(n: int, start: str, step_s: float, **kw: str | None) -> list[str]:
    t0 = dt.datetime.fromisoformat(start)
    return [
        record(kw.get("log") or "INFO:a:x", (t0 + dt.timedelta(seconds=i * step_s)).isoformat(), container=kw.get("c"))
        for i in range(n)
    ]


def test_importing_logframe_does_not_import_matplotlib() -> None:
    code = "import sys, logframe; assert 'matplotlib' not in sys.modules; assert 'lark' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_error_rate_is_a_step_line_over_each_buckets_span(logs: logframe.LogFrame) -> None:
    ax = logs.plot.error_rate(every="5m")
    rates = logs.error_rate(every="5m")
    line = ax.lines[0]
    assert line.get_drawstyle() == "steps-post"
    bounds = _bounds(rates, "5m")
    assert list(line.get_xdata()) == bounds
    # One value per bucket, the last held to the end of its bucket.
    assert list(line.get_ydata()) == [*rates["rate"].to_list(), rates["rate"][-1]]
    band = ax.collections[0].get_paths()[0].vertices
    assert band[:, 1].min() == pytest.approx(rates["rate_low"].min())
    assert band[:, 1].max() == pytest.approx(rates["rate_high"].max())
    assert band[:, 0].min() == pytest.approx(bounds[0])
    assert band[:, 0].max() == pytest.approx(bounds[-1])
    assert ax.get_xlim() == (bounds[0], bounds[-1])
    assert ax.get_ylim() == (0, 1)
    assert "Wilson" in ax.get_title()


def test_auto_every_picks_the_bucket_and_names_it(logs: logframe.LogFrame) -> None:
    ax = logs.plot.error_rate()
    # sample_logs.txt spans 58 minutes: 30 s buckets (~117).
    assert "per 30s" in ax.get_title()
    rates = logs.error_rate(every="30s")
    assert list(ax.lines[0].get_xdata()) == _bounds(rates, "30s")
    assert 60 <= rates.height <= 150


def test_rate_steps_line_up_with_level_bars(logs: logframe.LogFrame) -> None:
    _, (top, bottom) = plt.subplots(2, 1)
    logs.plot.error_rate(ax=top)  # every="auto" resolves the same for both: the same records
    logs.plot.levels(ax=bottom)
    assert top.get_xlim() == bottom.get_xlim()
    # The rate's steps change exactly at the bars' edges.
    assert list(top.lines[0].get_xdata()) == list(bottom.patches[0].get_data().edges)


def test_error_rate_by_group_folds_the_rest_without_bands(logs: logframe.LogFrame) -> None:
    ax = logs.plot.error_rate(every="5m", by="container", top=1, min_count=1)
    assert [line.get_label() for line in ax.lines] == ["backend", OTHER]
    assert len(ax.collections) == 0  # no translucent bands over several lines
    folded = fold(logs.error_rate(every="5m", by="container"), "container", top=1)
    other = folded.filter(pl.col("container") == OTHER)
    y = list(ax.lines[1].get_ydata())
    expected = [r if t >= 1 else math.nan for r, t in zip(other["rate"], other["total"], strict=True)]
    assert y[:-1] == pytest.approx(expected, nan_ok=True)
    everything = logs.error_rate(every="5m")
    assert (folded.group_by("bucket").agg(pl.col("total").sum()).sort("bucket")["total"] == everything["total"]).all()


def test_missing_values_are_one_label_in_fold_and_charts(logs: logframe.LogFrame) -> None:
    rates = logs.error_rate(every="10m", by="container")
    folded = fold(rates, "container", top=10)
    assert MISSING in folded["container"].to_list()
    assert OTHER not in folded["container"].to_list()  # a missing value is not folded away as "other"
    # Folded beyond the top, a missing value joins "other" like any small group.
    assert MISSING not in fold(rates, "container", top=1)["container"].to_list()
    ax = logs.plot.error_rate(every="10m", by="container", top=10, min_count=1)
    assert MISSING in [line.get_label() for line in ax.lines]
    heat = logs.plot.heatmap(by="container", every="10m")
    assert MISSING in [t.get_text() for t in heat.get_yticklabels()]
    counts = logs.plot.error_counts(every="10m", by="tenant", top=10)
    assert MISSING in [p.get_label() for p in counts.patches]


def test_min_count_masks_thin_buckets_of_a_group(write: Writer) -> None:
    busy = _stamped(40, "2025-10-07T16:00:00+00:00", 15, c="api")
    thin = [record("ERROR:a:x", "2025-10-07T16:02:10Z", container="web")]
    thin += _stamped(6, "2025-10-07T16:05:00+00:00", 5, c="web")
    logs = logframe.scan(write(busy + thin))
    ax = logs.plot.error_rate(every="1m", by="container")
    web = next(line for line in ax.lines if line.get_label() == "web")
    rates = logs.error_rate(every="1m", by="container").filter(pl.col("container") == "web")
    y = list(web.get_ydata())[:-1]
    # The one-record bucket at 16:02 (rate 1.0) is a gap with the default min_count; 16:05 has 6 records.
    assert rates.filter(pl.col("total") == 1)["rate"].to_list() == [1.0]
    assert [not math.isnan(v) for v in y] == (rates["total"] >= MIN_GROUP_COUNT).to_list()
    assert any(not math.isnan(v) for v in y)
    shown = logs.plot.error_rate(every="1m", by="container", min_count=1)
    web1 = next(line for line in shown.lines if line.get_label() == "web")
    assert 1.0 in list(web1.get_ydata())
    assert "under 5 records" in ax.get_title()


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_bad_min_count_and_top(logs: logframe.LogFrame, bad: object) -> None:
    with pytest.raises(QueryError, match="positive integer"):
        logs.plot.error_rate(every="5m", min_count=bad)  # type: ignore[arg-type]
    with pytest.raises(QueryError, match="positive integer"):
        logs.plot.error_rate(every="5m", by="container", top=bad)  # type: ignore[arg-type]


def test_highlight_shades_the_window(logs: logframe.LogFrame) -> None:
    ax = logs.plot.error_rate(every="5m", highlight=("2025-10-07T16:40:00Z", "2025-10-07 16:50"))
    shade = next(p for p in ax.patches if p.get_gid() == "highlight")
    x0, x1 = _num([dt.datetime(2025, 10, 7, 16, 40), dt.datetime(2025, 10, 7, 16, 50)])
    assert shade.get_x() == pytest.approx(x0)
    assert shade.get_width() == pytest.approx(x1 - x0)
    assert shade.get_zorder() < ax.lines[0].get_zorder()
    # A time of day is on the date of the data.
    same = logs.plot.levels(every="5m", highlight=("16:40", "16:50"))
    shade2 = next(p for p in same.patches if p.get_gid() == "highlight")
    assert shade2.get_x() == pytest.approx(x0)


@pytest.mark.parametrize(
    ("bad", "match"),
    [
        ("16:40", "not a window"),
        (("16:40",), "not a window"),
        (("16:50", "16:40"), "ends before it starts"),
        (("16:40", "soon"), "cannot read 'soon'"),
    ],
)
def test_bad_highlight(logs: logframe.LogFrame, bad: object, match: str) -> None:
    with pytest.raises(QueryError, match=match):
        logs.plot.error_rate(every="5m", highlight=bad)  # type: ignore[arg-type]


def test_error_counts_are_stacked_steps_with_the_rate_colours(logs: logframe.LogFrame) -> None:
    ax = logs.plot.error_counts(every="5m", by="tenant", top=2)
    rates = fold(logs.error_rate(every="5m", by="tenant"), "tenant", top=2)
    labels = [p.get_label() for p in ax.patches]
    assert labels == rates["tenant"].unique(maintain_order=True).to_list()
    tops = ax.patches[-1].get_data()
    totals = logs.error_rate(every="5m")
    assert list(tops.values) == totals["errors"].to_list()
    assert list(tops.edges) == _bounds(totals, "5m")
    first = ax.patches[0].get_data()
    assert list(first.values) == rates.filter(pl.col("tenant") == labels[0])["errors"].to_list()
    line_colours = [line.get_color() for line in logs.plot.error_rate(every="5m", by="tenant", top=2).lines]
    assert [matplotlib.colors.to_hex(p.get_facecolor()) for p in ax.patches] == [c.lower() for c in line_colours]


def test_overview_panels_share_one_x_range(logs: logframe.LogFrame) -> None:
    axes = logs.plot.overview(every="5m", by="container", highlight=("16:40", "16:50"))
    assert [ax.get_ylabel() for ax in axes] == ["error rate", "errors", "records"]
    bounds = _bounds(logs.error_rate(every="5m"), "5m")
    assert {ax.get_xlim() for ax in axes} == {(bounds[0], bounds[-1])}
    assert all(any(p.get_gid() == "highlight" for p in ax.patches) for ax in axes)
    stack = [p for p in axes[2].patches if p.get_gid() != "highlight"]
    assert stack[-1].get_data().values.sum() == logs.counts(every="5m", by=None)["count"].sum()
    assert axes[0].figure is axes[1].figure is axes[2].figure
    with pytest.raises(QueryError, match="three panels"):
        logs.plot.overview(every="5m", axes=[axes[0]])


def test_many_groups_stay_apart(write: Writer) -> None:
    lines = []
    for i in range(7):
        lines += _stamped(30, f"2025-10-07T16:00:0{i}+00:00", 20, c=f"c{i}", log="ERROR:a:x" if i % 2 else None)
    logs = logframe.scan(write(lines))
    ax = logs.plot.error_rate(every="1m", by="container", top=6)
    styles = [(line.get_color(), line.get_linestyle()) for line in ax.lines]
    assert len(ax.lines) == 7  # six groups and "other"
    assert len(set(styles)) == 7
    assert len({c for c, _ in styles}) == 7
    assert len(ax.collections) == 0
    anchor = ax.get_legend().get_bbox_to_anchor().transformed(ax.transAxes.inverted())
    assert anchor.x0 > 1.0  # the legend sits outside the plot, to the right


def test_levels_are_stacked_with_fixed_colours(logs: logframe.LogFrame) -> None:
    ax = logs.plot.levels(every="10m")
    handles, labels = ax.get_legend_handles_labels()
    assert labels == ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", MISSING]
    colours = [matplotlib.colors.to_hex(h.get_facecolor()) for h in handles]
    assert colours == [LEVEL_COLOURS[name].lower() for name in labels]
    top_of_stack = ax.patches[-1].get_data()
    totals = logs.counts(every="10m", by=None)
    assert list(top_of_stack.values) == totals["count"].to_list()
    assert list(top_of_stack.edges) == _num(edges(totals["bucket"], "10m"))
    assert ax.get_xlim() == (top_of_stack.edges[0], top_of_stack.edges[-1])


def test_heatmap_rows_totals_and_span(logs: logframe.LogFrame) -> None:
    ax = logs.plot.heatmap(by="container", every="10m")
    image = ax.images[0].get_array()
    totals = logs.counts(every="10m", by=None)
    assert image.sum() == totals["count"].sum()
    assert [t.get_text() for t in ax.get_yticklabels()][1] == "backend"
    bounds = _num(edges(totals["bucket"], "10m"))
    assert ax.get_xlim() == (bounds[0], bounds[-1])
    assert ax.images[0].get_extent()[:2] == [bounds[0], bounds[-1]]


def test_top_bars_and_given_axes(logs: logframe.LogFrame) -> None:
    _, axes = plt.subplots(1, 2)
    returned = logs.plot.top("container", n=3, ax=axes[1])
    assert returned is axes[1]
    assert [int(b.get_width()) for b in axes[1].patches] == logs.top("container", n=3)["count"].to_list()
    assert len(axes[0].patches) == 0


def test_charts_of_an_empty_frame_do_not_fail(logs: logframe.LogFrame) -> None:
    empty = logs.filter(pod="nobody")
    assert len(empty.plot.error_rate(every="1m", by="container").lines) == 0
    assert len(empty.plot.error_rate().lines) == 0
    assert len(empty.plot.levels().patches) == 0
    assert len(empty.plot.error_counts(by="tenant").patches) == 0
    assert len(empty.plot.heatmap().images) == 0
    assert [len(ax.lines) for ax in empty.plot.overview()] == [0, 0, 0]


def test_empty_buckets_are_gaps_not_bands(write: Writer) -> None:
    logs = logframe.scan(
        write([record("ERROR:a:x", "2025-10-07T16:00:00Z"), record("INFO:a:y", "2025-10-07T16:03:00Z")])
    )
    ax = logs.plot.error_rate(every="1m")
    y = list(ax.lines[0].get_ydata())
    assert y[0] == 1.0
    assert y[3] == 0.0
    assert all(math.isnan(v) for v in y[1:3])
    assert len(y) == 5  # four buckets and the end of the last


def test_a_bad_every_names_the_accepted_forms(logs: logframe.LogFrame) -> None:
    with pytest.raises(QueryError, match=r"'auto'.*'30s', '5m'"):
        logs.plot.levels(every="five minutes")


def test_calendar_buckets_end_where_the_next_month_starts(write: Writer) -> None:
    logs = logframe.scan(
        write([record("INFO:a:x", "2025-01-20T00:00:00Z"), record("ERROR:a:y", "2025-02-10T00:00:00Z")])
    )
    ax = logs.plot.error_rate(every="1mo")
    assert list(ax.lines[0].get_xdata()) == _num(
        [dt.datetime(2025, 1, 1), dt.datetime(2025, 2, 1), dt.datetime(2025, 3, 1)]
    )
