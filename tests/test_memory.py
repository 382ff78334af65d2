"""Peak memory of a whole process running stats() on a generated 100,000-line file (the brief's bar).

Memory is stable on a shared machine (time is not), so this is asserted; speed lives in bench/.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.generate import generate

LIMIT_MB = 75
"""The brief's bar."""

GUARD_MB = 95
"""What the current design must stay under (measured 84-88 MB on 2026-11-23): catches a regression,
such as a change that holds the whole file, long before it reaches a user."""

# The child reports its own high-water mark (VmHWM). Not getrusage: on Linux a process started by
# (v)fork + exec inherits the parent's peak into ru_maxrss, and the parent here is pytest.
CHILD = """
import sys
from logframe import LogParser
stats = LogParser.from_file(sys.argv[1]).stats()
assert stats["total"] > 90_000, stats
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(peak_kb // 1024)
"""


@pytest.fixture(scope="module")
def file_100k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(100_000, tmp_path_factory.mktemp("mem") / "logs_100k.jsonl")


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason="the brief's bar, not met (issue 3): measured 84-88 MB on 2026-11-23. Polars alone peaks at 67 MB for "
    "the smallest stats pipeline on 1,000 lines held in memory and at 75 MB with logframe's expressions "
    "(make bench-floor, bench/floor.md): its machine code, paged in as kernels run, leaves no room to read a file",
)
def test_stats_on_100k_lines_peaks_under_75_mb(file_100k: Path) -> None:
    out = subprocess.run([sys.executable, "-c", CHILD, str(file_100k)], capture_output=True, text=True, check=True)
    peak_mb = int(out.stdout.strip())
    assert peak_mb <= LIMIT_MB, f"peak RSS {peak_mb} MB > {LIMIT_MB} MB"


@pytest.mark.slow
def test_stats_memory_does_not_regress(file_100k: Path) -> None:
    out = subprocess.run([sys.executable, "-c", CHILD, str(file_100k)], capture_output=True, text=True, check=True)
    peak_mb = int(out.stdout.strip())
    assert peak_mb <= GUARD_MB, f"peak RSS {peak_mb} MB > {GUARD_MB} MB: something now holds more than a batch"
