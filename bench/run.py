"""Run every workload for every tool on the same files, each in a fresh process: ``python -m bench.run``.

Each (file, tool, workload) runs ``--repeat`` times (default 3) in a new child process; the median wall
time and the median peak RSS of the whole child process (from ``os.wait4``, as ``/usr/bin/time`` reports
it) are written to ``bench/results.md`` with the machine, the date, the versions and the ratio to DuckDB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from bench.tools import TOOLS, WORKLOADS, workload

ROOT = Path(__file__).resolve().parent.parent


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


def versions() -> str:
    """Python, logframe and the compared tools, with their versions."""
    names = ["polars", "duckdb", "pandas", "pyarrow"]
    found = []
    for n in names:
        try:
            found.append(f"{n} {metadata.version(n)}")
        except metadata.PackageNotFoundError:
            continue
    return ", ".join([f"Python {platform.python_version()}", f"logframe {metadata.version('logframe')}", *found])


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
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results.md")
    parser.add_argument("--child", nargs=4, metavar=("TOOL", "WORKLOAD", "SRC", "OUT"))
    args = parser.parse_args()
    if args.child:
        tool, name, src, out = args.child
        workload(tool, name)(Path(src), Path(out))
        return

    rows = []
    scratch = ROOT / "bench/data/out"
    scratch.mkdir(parents=True, exist_ok=True)
    for src in args.files:
        make_clean_copy(src)
        with open(src, "rb") as handle:
            lines = sum(1 for _ in handle)
        for name in args.workloads.split(","):
            for tool in args.tools.split(","):
                runs = [run_once(tool, name, src, scratch / f"{tool}_{name}.parquet") for _ in range(args.repeat)]
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
                    }
                )
                print(f"{src.name:>22} {name:>15} {tool:>9} {seconds:8.2f} s {peak:7.1f} MB", flush=True)
    write_results(rows, args.out, args.repeat)


def write_results(rows: list[dict[str, object]], out: Path, repeat: int) -> None:
    """Write the results table, with each tool's time as a ratio to DuckDB's in the same run."""
    duck = {(r["file"], r["workload"]): r["seconds"] for r in rows if r["tool"] == "duckdb"}
    lines = [
        "# Benchmark results",
        "",
        f"- Date: {dt.date.today().isoformat()}",
        f"- Machine: {machine()}",
        f"- Versions: {versions()}",
        f"- Method: `python -m bench.run` — each cell is the median of {repeat} runs, each in a fresh process;"
        " peak RSS is the whole child process (`os.wait4`),"
        " wall time includes interpreter start and imports.",
        "- Polars and pandas read a copy without malformed lines (`*.clean.jsonl`):"
        " their readers stop at the first one.",
        "",
        "| file | lines | workload | tool | seconds | × DuckDB | peak RSS (MB) |",
        "| --- | ---: | --- | --- | ---: | ---: | ---: |",
    ]
    for r in rows:
        base = duck.get((r["file"], r["workload"]))
        ratio = f"{float(r['seconds']) / float(base):.1f}" if base else "-"  # type: ignore[arg-type]
        seconds, peak = float(r["seconds"]), float(r["peak_mb"])  # type: ignore[arg-type]
        lines.append(
            f"| {r['file']} | {r['lines']:,} | {r['workload']} | {r['tool']} | {seconds:.2f} | {ratio} | {peak:.0f} |"
        )
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
