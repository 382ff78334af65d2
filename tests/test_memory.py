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

GROWTH_MB = 5
"""How much more a 10x bigger file may take: the decoder reads in bounded chunks, so memory is flat
(measured 68-69 MB at 100k, 1M and 10M lines on 2026-12-02; 70-72 MB at 100k and 1M on 2026-12-03, after batches were grouped). The page cache of the libraries is dropped
at the start of the session (see ``tests/conftest.py``): right after an install, Linux maps the large
folios the installer's writes left there whole, which measured 99 MB for the same run."""

# The child reports its own high-water mark (VmHWM). Not getrusage: on Linux a process started by
# (v)fork + exec inherits the parent's peak into ru_maxrss, and the parent here is pytest.
CHILD = """
import sys
from logframe import LogParser
stats = LogParser.from_file(sys.argv[1]).stats()
assert stats["total"] > 0.9 * int(sys.argv[2]), stats
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(peak_kb // 1024)
"""


def peak_mb(path: Path, lines: int) -> int:
    """Peak RSS (MB) of a fresh process running ``stats()`` on ``path`` (``lines`` lines)."""
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(lines)], capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip())


@pytest.fixture(scope="module")
def file_100k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(100_000, tmp_path_factory.mktemp("mem") / "logs_100k.jsonl")


@pytest.mark.slow
def test_stats_on_100k_lines_peaks_under_75_mb(file_100k: Path) -> None:
    peak = peak_mb(file_100k, 100_000)
    assert peak <= LIMIT_MB, f"peak RSS {peak} MB > {LIMIT_MB} MB"


@pytest.fixture(scope="module")
def file_1m(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(1_000_000, tmp_path_factory.mktemp("mem") / "logs_1m.jsonl")


@pytest.mark.slow
def test_stats_memory_is_flat_in_the_file_size(file_100k: Path, file_1m: Path) -> None:
    small, big = peak_mb(file_100k, 100_000), peak_mb(file_1m, 1_000_000)
    assert big - small <= GROWTH_MB, f"peak RSS {small} MB at 100k lines but {big} MB at 1M: memory grows with input"
