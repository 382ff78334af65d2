"""Several sources merged by time in ``logframe query``: ``python -m bench.merge [--records N]``.

Writes two time-ordered CloudWatch files of ``N`` records each (their times interleaved, one line in
a thousand without a time), then runs ``logframe query A B -f ndjson -o /dev/null`` three ways, each in
its own process: the default (a streaming k-way merge, since both files are in time order),
``--sort timestamp`` (what a source out of time order gets: a stable sort in memory) and
``--file-order`` (no merge). Prints wall time and peak RSS of each, for two sizes by default, to show
which grows with the input.
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

MODES = {"merge (default)": [], "sort (--sort timestamp)": ["--sort", "timestamp"], "file order": ["--file-order"]}


def write(path: Path, records: int, offset: int) -> None:
    """``records`` lines two seconds apart from ``offset`` s, one line in a thousand without a time."""
    start = dt.datetime(2025, 10, 7, tzinfo=dt.UTC)
    with path.open("w") as handle:
        for i in range(records):
            kube = {"pod_name": path.stem, "namespace_name": "bench", "container_name": "backend"}
            line: dict[str, object] = {"log": f"INFO:app:message {i} tenant=t{i % 7} " + "x" * 100, "kubernetes": kube}
            if i % 1000 != 999:
                line["time"] = (start + dt.timedelta(seconds=2 * i + offset)).isoformat()
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
    parser.add_argument("--records", type=int, nargs="+", default=[300_000, 900_000], help="records per file")
    args = parser.parse_args()
    print(f"{machine()}; {versions()}\n")
    print("| records (2 files) | input MB | way | seconds | peak RSS MB |")
    print("| ---: | ---: | --- | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        for records in args.records:
            files = [Path(tmp) / "a.jsonl", Path(tmp) / "b.jsonl"]
            for offset, path in enumerate(files):
                write(path, records, offset)
            size = sum(p.stat().st_size for p in files) / 1e6
            for name, options in MODES.items():
                seconds, peak = measure(files, options)
                print(f"| {2 * records:,} | {size:,.0f} | {name} | {seconds:.1f} | {peak:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
