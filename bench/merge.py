"""Several sources merged by time in ``logframe query``: ``python -m bench.merge [--records N]``.

Writes time-ordered CloudWatch files (their times interleaved, one line in a thousand without a
time), then runs ``logframe query FILES -f ndjson -o /dev/null`` three ways, each in its own process:
the default (a streaming k-way merge for big time-ordered sources, else a sort), ``--sort timestamp``
(a stable sort in memory, what small or unordered sources get) and ``--file-order`` (no merge). Prints
wall time and peak RSS of each: two big files at two sizes, to show which grows with the input, and
50 small files, where the default sorts (a merge would hold ~15 MB a source).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.run import machine, versions

MODES = {"default": [], "sort (--sort timestamp)": ["--sort", "timestamp"], "file order": ["--file-order"]}


def write(path: Path, records: int, offset: int, step: int) -> None:
    """``records`` lines ``step`` seconds apart from ``offset`` s, one line in a thousand without a time."""
    start = dt.datetime(2025, 10, 7, tzinfo=dt.UTC)
    with path.open("w") as handle:
        for i in range(records):
            kube = {"pod_name": path.stem, "namespace_name": "bench", "container_name": "backend"}
            line: dict[str, object] = {"log": f"INFO:app:message {i} tenant=t{i % 7} " + "x" * 100, "kubernetes": kube}
            if i % 1000 != 999:
                line["time"] = (start + dt.timedelta(seconds=step * i + offset)).isoformat()
            handle.write(json.dumps(line) + "\n")


def measure(files: list[Path], options: list[str]) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one ``logframe query`` over ``files``."""
    command = [sys.executable, "-m", "logframe.cli", "query", *map(str, files), "-f", "ndjson", "-o", os.devnull]
    started = time.perf_counter()
    process = subprocess.Popen([*command, *options], stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise RuntimeError(f"{command} failed with status {status}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def main() -> None:
    """Write the files, run the three ways, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, nargs="+", default=[300_000, 900_000], help="records per big file")
    args = parser.parse_args()
    layouts = [(2, records) for records in args.records] + [(50, 20_000)]
    print(f"{machine()}; {versions()}\n")
    print("| files | records | input MB | way | seconds | peak RSS MB |")
    print("| ---: | ---: | ---: | --- | ---: | ---: |")
    for count, records in layouts:
        with tempfile.TemporaryDirectory() as tmp:
            files = [Path(tmp) / f"f{i:02d}.jsonl" for i in range(count)]
            for offset, path in enumerate(files):
                write(path, records, offset, step=count)
            size = sum(p.stat().st_size for p in files) / 1e6
            for name, options in MODES.items():
                seconds, peak = measure(files, options)
                row = f"| {count} | {count * records:,} | {size:,.0f} | {name} | {seconds:.1f} | {peak:,.0f} |"
                print(row, flush=True)


if __name__ == "__main__":
    main()
