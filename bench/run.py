"""Run every workload for every tool on the same files, each in a fresh process: ``python -m bench.run``.

Each (file, tool, workload) runs ``--repeat`` times (default 3) in a new child process -- files over
5,000,000 lines ``--repeat-large`` times (default 1), as one run of the 10M-line file takes minutes per
tool; the median wall time and the median peak RSS of the whole child process (from ``os.wait4``, as
``/usr/bin/time`` reports it) are written to ``bench/results.md`` with the machine, the date, the
versions and the ratios to DuckDB and to the plain-Python loop.

``python -m bench.run --check FILE`` instead runs every tool's every workload in this process on
``FILE`` (a small one) and checks that the tools give the same answer, normalised to comparable values;
Polars and pandas read the clean copy, so they are compared with logframe on the clean copy. It exits
with status 1 if any tool disagrees.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any, TypedDict

from bench.tools import CLEAN_COPY, TOOLS, WORKLOADS, workload

ROOT = Path(__file__).resolve().parent.parent
LARGE_LINES = 5_000_000
"""Files with more lines than this run ``--repeat-large`` times instead of ``--repeat``."""


class Row(TypedDict):
    """One cell of the results: a tool's median time and peak RSS on one workload and file."""

    file: str
    lines: int
    workload: str
    tool: str
    seconds: float
    peak_mb: float
    runs: int


def make_clean_copy(src: Path) -> Path:
    """Write ``src`` without its malformed lines (for readers that cannot skip them), once."""
    clean = src.with_suffix(".clean.jsonl")
    if clean.exists() and clean.stat().st_mtime >= src.stat().st_mtime:
        return clean
    with open(src, encoding="utf-8", errors="replace") as inp, open(clean, "w", encoding="utf-8") as out:
        for line in inp:
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if isinstance(obj, dict) and isinstance(obj.get("time"), str) and isinstance(obj.get("kubernetes"), dict):
                out.write(line)
    return clean


def compile_sources() -> None:
    """Byte-compile logframe and the benchmark's own modules before any child runs.

    ``pip install`` does this for an installed package, and Python writes the bytecode of an editable
    install on its first import, so a user never pays for compiling these modules. A machine that sets
    ``PYTHONDONTWRITEBYTECODE`` (as this project's does) would otherwise have every child compile them
    from source: 0.06 s of each logframe run, and a little of every tool's (they all import ``bench``).
    """
    for package in ("logframe", "bench"):
        compileall.compile_dir(ROOT / package, quiet=1)


def run_once(tool: str, name: str, src: Path, out: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one child process running one workload."""
    cmd = [sys.executable, "-m", "bench.run", "--child", tool, name, str(src), str(out)]
    start = time.perf_counter()
    child = subprocess.Popen(cmd, cwd=ROOT)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"{tool} {name} on {src.name} failed with exit code {child.returncode}")
    return elapsed, usage.ru_maxrss


def logframe_version() -> str:
    """The version and build of logframe: the native decoder, or the earlier pure-Python parser."""
    try:
        version = metadata.version("logframe")
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        import logframe

        version = str(getattr(logframe, "__version__", "unknown"))
    native = importlib.util.find_spec("logframe._native") is not None
    return f"logframe {version} ({'native decoder' if native else 'pure-Python parser'})"


def versions() -> str:
    """Python, logframe and the compared tools, with their versions."""
    names = ["polars", "duckdb", "pandas", "pyarrow"]
    found = []
    for n in names:
        try:
            found.append(f"{n} {metadata.version(n)}")
        except metadata.PackageNotFoundError:
            continue
    return ", ".join([f"Python {platform.python_version()}", logframe_version(), *found])


def machine() -> str:
    """Cores, CPU model, memory and kernel of this machine."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, {platform.system()} {platform.release()}"


def main() -> None:
    """Parent: run the matrix and write results; child (``--child``): run one workload."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "files", nargs="*", type=Path, default=[ROOT / "bench/data/logs_100k.jsonl", ROOT / "bench/data/logs_1m.jsonl"]
    )
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--repeat", type=int, default=3, help="runs of each cell (median taken)")
    parser.add_argument(
        "--repeat-large",
        type=int,
        default=1,
        help=f"runs of each cell for files over {LARGE_LINES:,} lines (default 1: minutes a run)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results.md")
    parser.add_argument("--child", nargs=4, metavar=("TOOL", "WORKLOAD", "SRC", "OUT"))
    parser.add_argument(
        "--check", type=Path, metavar="FILE", help="check in-process that every tool gives the same answers on FILE"
    )
    args = parser.parse_args()
    if args.child:
        tool, name, src, out = args.child
        workload(tool, name)(Path(src), Path(out))
        return
    if args.check:
        ok = check(args.check, args.tools.split(","), args.workloads.split(","))
        sys.exit(0 if ok else 1)

    compile_sources()
    rows: list[Row] = []
    scratch = ROOT / "bench/data/out"
    scratch.mkdir(parents=True, exist_ok=True)
    for src in args.files:
        make_clean_copy(src)
        with open(src, "rb") as handle:
            lines = sum(1 for _ in handle)
        repeat = args.repeat_large if lines > LARGE_LINES else args.repeat
        for name in args.workloads.split(","):
            for tool in args.tools.split(","):
                runs = [run_once(tool, name, src, scratch / f"{tool}_{name}.parquet") for _ in range(repeat)]
                seconds = statistics.median(r[0] for r in runs)
                peak = statistics.median(r[1] for r in runs) / 1024
                rows.append(
                    {
                        "file": src.name,
                        "lines": lines,
                        "workload": name,
                        "tool": tool,
                        "seconds": seconds,
                        "peak_mb": peak,
                        "runs": repeat,
                    }
                )
                print(f"{src.name:>22} {name:>15} {tool:>9} {seconds:8.2f} s {peak:7.1f} MB", flush=True)
    write_results(rows, args.out, args.repeat, args.repeat_large)


def _ratio(seconds: float, base: float | None) -> str:
    if not base:
        return "-"
    ratio = seconds / base
    return f"{ratio:.1f}" if ratio >= 1 else f"{ratio:.2f}"


def _runs(repeat: int) -> str:
    return "one run" if repeat == 1 else f"the median of {repeat} runs"


def write_results(rows: list[Row], out: Path, repeat: int, repeat_large: int = 1) -> None:
    """Write the results table, with each tool's time as a ratio to DuckDB's and to the Python loop's."""
    duck = {(r["file"], r["workload"]): r["seconds"] for r in rows if r["tool"] == "duckdb"}
    loop = {(r["file"], r["workload"]): r["seconds"] for r in rows if r["tool"] == "python"}
    large = sorted({r["file"] for r in rows if r["lines"] > LARGE_LINES})
    runs = _runs(repeat)
    if large:
        runs += f" ({_runs(repeat_large)} for files over {LARGE_LINES:,} lines, `--repeat-large`: {', '.join(large)})"
    lines = [
        "# Benchmark results",
        "",
        f"- Date: {dt.date.today().isoformat()}",
        f"- Machine: {machine()}",
        f"- Versions: {versions()}",
        f"- Method: `python -m bench.run` — each cell is {runs}, each in a fresh process;"
        " peak RSS is the whole child process (`os.wait4`),"
        " wall time includes interpreter start and imports.",
        "- Polars and pandas read a copy without malformed lines (`*.clean.jsonl`):"
        " their readers stop at the first one.",
        "- × DuckDB and × Python: the cell's time over DuckDB's and over the plain-Python loop's"
        " (same file, same workload).",
        "",
        "| file | lines | workload | tool | seconds | × DuckDB | × Python | peak RSS (MB) |",
        "| --- | ---: | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        key = (r["file"], r["workload"])
        lines.append(
            f"| {r['file']} | {r['lines']:,} | {r['workload']} | {r['tool']} | {r['seconds']:.2f}"
            f" | {_ratio(r['seconds'], duck.get(key))} | {_ratio(r['seconds'], loop.get(key))} | {r['peak_mb']:.0f} |"
        )
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


# -- check: do the tools agree? ------------------------------------------------------------------------


def _missing(value: object) -> bool:
    """None, NaN, NaT or pandas' NA."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN and NaT are not equal to themselves
    except TypeError:  # pd.NA: its truth value is ambiguous
        return True


def _iso(value: object) -> str | None:
    """A time (datetime, pandas Timestamp, or ISO text, naive meaning UTC) as ISO 8601 in UTC."""
    if _missing(value):
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if not isinstance(value, dt.datetime):
        raise TypeError(f"not a time: {value!r}")
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _counts(pairs: Iterable[tuple[object, object]], missing: str) -> list[tuple[str, int]]:
    """(key, count) pairs summed per key (a missing key counted under ``missing``), sorted, zeros left out."""
    totals: dict[str, int] = {}
    for key, n in pairs:
        name = missing if _missing(key) else str(key)
        totals[name] = totals.get(name, 0) + int(str(n))
    return sorted((k, n) for k, n in totals.items() if n)


def _stats_answer(groups: list[tuple[object, object, int]], first: object, last: object) -> dict[str, object]:
    """Total, counts by level and by container, first and last time, from (level, container, count) groups."""
    return {
        "total": sum(n for _, _, n in groups),
        "by_level": _counts(((level, n) for level, _, n in groups), "UNKNOWN"),
        "by_container": _counts(((container, n) for _, container, n in groups), "unknown"),
        "first": _iso(first),
        "last": _iso(last),
    }


def _extreme(values: Iterable[object], pick: Any) -> object:
    present = [v for v in values if not _missing(v)]
    return pick(present) if present else None


def normalise(tool: str, name: str, result: Any, out: Path) -> object:
    """The answer of one workload in a form comparable across tools.

    Counts stay counts; per-group counts become sorted (key, count) lists (times as ISO UTC strings,
    groups of records without a time left out); first and last times become ISO UTC strings; a
    written Parquet file becomes its row count.
    """
    if name == "filter_parquet":
        import polars as pl

        written: int = pl.scan_parquet(out).select(pl.len()).collect().item()
        return written
    if name == "where_or":
        return int(result)
    if name == "iterate_errors":
        count, total = result
        return int(count), int(total)
    if name == "stats":
        if tool == "logframe":
            stats: Mapping[str, Any] = result
            return {
                "total": stats["total"],
                "by_level": _counts(stats["by_level"].items(), "UNKNOWN"),
                "by_container": _counts(stats["by_container"].items(), "unknown"),
                "first": _iso(stats["time_range"]["start"]),
                "last": _iso(stats["time_range"]["end"]),
            }
        if tool == "duckdb":
            rows = result
        elif tool == "polars":
            rows = result.select("level", "container", "len", "first", "last").rows()
        else:  # pandas, python: (Counter of (level, container), first, last)
            counts, first, last = result
            return _stats_answer([(lv, c, n) for (lv, c), n in counts.items()], first, last)
        groups = [(lv, c, n) for lv, c, n, _, _ in rows]
        return _stats_answer(groups, _extreme((r[3] for r in rows), min), _extreme((r[4] for r in rows), max))
    if name == "error_buckets":
        if tool in ("logframe", "polars"):
            pairs = result.rows()
        elif tool == "duckdb":
            pairs = result
        else:  # pandas, python: Counter of bucket -> count
            pairs = list(result.items())
        return sorted((_iso(b), int(n)) for b, n in pairs if not _missing(b))
    raise ValueError(f"no normalisation for workload {name!r}")


def _summary(answer: object) -> str:
    text = repr(answer)
    return text if len(text) <= 160 else text[:157] + "..."


def _difference(answer: object, reference: object) -> str:
    """What differs between two answers, briefly."""
    if isinstance(answer, dict) and isinstance(reference, dict):
        keys = [k for k in reference if answer.get(k) != reference.get(k)]
        return "; ".join(f"{k}: {_difference(answer.get(k), reference.get(k))}" for k in keys)
    if isinstance(answer, list) and isinstance(reference, list):
        mine, theirs = set(answer), set(reference)
        only, missing = sorted(mine - theirs, key=repr), sorted(theirs - mine, key=repr)
        return (
            f"{len(answer)} entries vs {len(reference)};"
            f" only here {_summary(only[:4])}, only there {_summary(missing[:4])}"
        )
    return f"{_summary(answer)} vs {_summary(reference)}"


def check(src: Path, tools: Iterable[str] = TOOLS, workloads: Iterable[str] = WORKLOADS) -> bool:
    """Run every workload of every tool in this process on ``src``; print whether the tools agree.

    logframe, DuckDB and the Python loop read ``src`` and are compared with each other; Polars and pandas
    read the clean copy and are compared with logframe run on the clean copy. True when all agree.
    """
    clean = make_clean_copy(src)
    chosen = list(tools)
    agree = True
    with tempfile.TemporaryDirectory() as scratch:

        def answer(tool: str, name: str, path: Path) -> tuple[object, float]:
            out = Path(scratch) / f"{tool}_{name}.parquet"
            start = time.perf_counter()
            result = workload(tool, name)(path, out)
            return normalise(tool, name, result, out), time.perf_counter() - start

        for name in workloads:
            print(f"{name}:", flush=True)
            groups = [
                (src.name, [t for t in chosen if t not in CLEAN_COPY]),
                (clean.name, ["logframe", *(t for t in chosen if t in CLEAN_COPY)]),
            ]
            for file, members in groups:
                if len(members) < 2:
                    continue
                answers = {}
                for tool in members:
                    # Polars and pandas are given the raw file's path and read its clean copy themselves
                    path = clean if file == clean.name and tool == "logframe" else src
                    answers[tool], seconds = answer(tool, name, path)
                    print(f"  {file:>24} {tool:>9} {seconds:7.2f} s  {_summary(answers[tool])}", flush=True)
                reference = answers[members[0]]
                differ = [t for t in members[1:] if answers[t] != reference]
                if differ:
                    agree = False
                    same: list[list[str]] = []
                    for tool in members:
                        match = next((g for g in same if answers[g[0]] == answers[tool]), None)
                        if match is None:
                            same.append([tool])
                        else:
                            match.append(tool)
                    print(f"  {len(same)} different answers on {file}: {' | '.join(', '.join(g) for g in same)}")
                    for tool in differ:
                        print(f"  DISAGREE {tool} vs {members[0]} on {file}: {_difference(answers[tool], reference)}")
                else:
                    print(f"  agree on {file}: {', '.join(members)}")
    print("all tools agree" if agree else "some tools disagree (see DISAGREE above)")
    return agree


if __name__ == "__main__":
    main()
