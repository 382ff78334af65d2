"""The notebook session of issue 14 before and after the cache: ``python -m bench.notebook FILE``.

The session: ``error_rate()``, three charts (``plot.error_rate``, ``plot.levels``, ``plot.heatmap``,
each drawn to a PNG with matplotlib's Agg backend), ``patterns()`` and ``compare(at=..., window="1h")``,
all with their defaults. Each pass runs in a fresh process, the wall time and peak RSS of that whole
process measured by the parent (``os.wait4``, as ``/usr/bin/time`` reports them):

1. ``raw``: the session on the raw JSON lines, ``scan(FILE, cache=False)`` (every cell parses the file);
2. ``write``: ``scan(FILE, cache=False).cache()`` alone, the one-off cost of writing the cache;
3. ``cached``: the session again on ``scan(FILE)``, which now reads the cache.

Two ratios are printed: of the whole processes, and of the cells alone (the ``scan`` call and the
session's cells, without the interpreter's start and the imports of Polars, matplotlib and
logframe, which a notebook kernel pays once; they are ~1 s of each pass here). The results of
passes 1 and 3 are compared (error rates, the compare table, the templates and their counts) and
must be equal. ``--repeat N`` runs the three passes N times, in turn, and reports the median of
each; ``--every`` passes a bucket to ``error_rate`` and the charts instead of their default. Prints
a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl

from bench.run import compile_sources, machine, versions

ROOT = Path(__file__).resolve().parent.parent
PASSES = ("raw", "write", "cached")
CELLS = ("error_rate", "plots", "patterns", "compare")


def _session(path: str, at: str, cached: bool, out: Path, every: str | None) -> dict[str, float]:
    """Run the notebook's cells, timing each; results go to ``out`` to be compared across passes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import logframe
    from logframe.cache import Cached

    timings: dict[str, float] = {}
    start = time.perf_counter()
    logs = logframe.scan(path, cache=cached)
    if cached != isinstance(logs._origin, Cached):
        raise SystemExit(f"expected a scan {'from' if cached else 'without'} the cache")
    timings["scan"] = time.perf_counter() - start

    start = time.perf_counter()
    bucket: dict[str, Any] = {} if every is None else {"every": every}
    logs.error_rate(**bucket).write_parquet(out / "error_rate.parquet")
    timings["error_rate"] = time.perf_counter() - start

    start = time.perf_counter()
    for name, draw in (("rate", logs.plot.error_rate), ("levels", logs.plot.levels), ("heatmap", logs.plot.heatmap)):
        figure = draw(**bucket).get_figure(root=True)
        assert figure is not None
        figure.savefig(out / f"{name}.png")
        plt.close(figure)
    timings["plots"] = time.perf_counter() - start

    start = time.perf_counter()
    logs.patterns().select("template", "count").write_parquet(out / "patterns.parquet")
    timings["patterns"] = time.perf_counter() - start

    start = time.perf_counter()
    logs.compare(at=at, window="1h").write_parquet(out / "compare.parquet")
    timings["compare"] = time.perf_counter() - start
    return timings


def _child(mode: str, path: str, at: str, out: Path, every: str | None) -> None:
    if mode == "write":
        import logframe

        start = time.perf_counter()
        logframe.scan(path, cache=False).cache()
        print(json.dumps({"cache": time.perf_counter() - start}))
        return
    out.mkdir(parents=True, exist_ok=True)
    print(json.dumps(_session(path, at, mode == "cached", out, every)))


def measure(
    mode: str, path: Path, at: str, out: Path, env: dict[str, str], every: str | None
) -> tuple[float, int, dict[str, float]]:
    """Wall seconds, peak RSS (bytes) and per-cell seconds of one pass in a fresh process."""
    command = [sys.executable, "-m", "bench.notebook", "--child", mode, str(path), "--at", at, "--out", str(out)]
    command += [] if every is None else ["--every", every]
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, env=env)
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the {mode} pass failed")
    return wall, usage.ru_maxrss * 1024, json.loads(output)


def _same_results(first: Path, second: Path) -> list[str]:
    """Names of the results that differ between two passes (rows compared in a canonical order)."""
    differ = []
    for name in ("error_rate", "patterns", "compare"):
        a, b = (pl.read_parquet(folder / f"{name}.parquet") for folder in (first, second))
        if not a.sort(a.columns, nulls_last=True).equals(b.sort(b.columns, nulls_last=True)):
            differ.append(name)
    return differ


def _median(measured: list[tuple[float, int, dict[str, float]]]) -> tuple[float, int, dict[str, float]]:
    """The median wall time, peak RSS and per-cell times of several runs of one pass."""
    cells = {name: statistics.median(m[2][name] for m in measured) for name in measured[0][2]}
    return statistics.median(m[0] for m in measured), int(statistics.median(m[1] for m in measured)), cells


def _row(label: str, wall: float, rss: int, cells: dict[str, float]) -> str:
    shown = " | ".join(f"{cells[c]:.1f} s" if c in cells else "" for c in CELLS)
    return f"| {label} | {shown} | **{wall:.1f} s** | {rss / 2**20:.0f} MB |"


def main() -> None:
    """Parent: the three passes and the table; child (``--child MODE``): one pass."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", type=Path, help="a log export (bench/generate.py writes one)")
    parser.add_argument("--at", default="2025-10-18T12:00:00Z", help="the time compare() splits at")
    parser.add_argument("--every", help="bucket of error_rate and the charts (default: theirs)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of the three passes; the median is shown")
    parser.add_argument("--child", choices=PASSES, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, str(args.file), args.at, args.out, args.every)
        return
    compile_sources()
    lines = sum(1 for _ in args.file.open("rb"))
    with tempfile.TemporaryDirectory(prefix="logframe-bench-") as scratch:
        env = {**os.environ, "LOGFRAME_CACHE_DIR": str(Path(scratch) / "cache"), "MPLBACKEND": "Agg"}
        runs: dict[str, list[tuple[float, int, dict[str, float]]]] = {mode: [] for mode in PASSES}
        for _ in range(args.repeat):
            for mode in PASSES:
                runs[mode].append(measure(mode, args.file, args.at, Path(scratch) / mode, env, args.every))
                print(f"{mode}: {runs[mode][-1][0]:.1f} s", file=sys.stderr)
        results = {mode: _median(measured) for mode, measured in runs.items()}
        differ = _same_results(Path(scratch) / "raw", Path(scratch) / "cached")
        cache_bytes = sum(p.stat().st_size for p in (Path(scratch) / "cache").glob("*.parquet"))
    raw, write, cached = (results[m] for m in PASSES)
    print(f"Notebook session on {args.file.name} ({lines:,} lines, {args.file.stat().st_size / 2**20:.0f} MiB), ")
    every = f"every={args.every!r}" if args.every else "default buckets"
    runs_shown = f"median of {args.repeat} runs" if args.repeat > 1 else "one run"
    print(f"compare(at={args.at!r}, window='1h'), {every}; {runs_shown}; {machine()}; {versions()}.\n")
    print("| pass | error_rate | 3 plots | patterns | compare | total (process) | peak RSS |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(_row("1. raw JSON, no cache", *raw))
    print(_row("2. `.cache()` (once)", write[0], write[1], {}))
    print(_row("3. from the cache", *cached))
    raw_cells, cached_cells = (sum(cells.values()) for _, _, cells in (raw, cached))
    print(
        f"\nSecond pass {raw[0] / cached[0]:.1f}x faster than the first ({raw[0]:.1f} s -> {cached[0]:.1f} s); "
        f"by its cells alone, as in a kernel that has imported its libraries (scan included), "
        f"{raw_cells / cached_cells:.1f}x ({raw_cells:.2f} s -> {cached_cells:.2f} s); "
        f"with the one-off write counted, {raw[0] / (write[0] + cached[0]):.1f}x. "
        f"Cache file: {cache_bytes / 2**20:.0f} MiB. "
        + ("Results of passes 1 and 3 identical." if not differ else f"Results DIFFER: {', '.join(differ)}.")
    )
    if differ:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
