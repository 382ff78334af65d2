"""How low can peak RSS and time go with Polars at all? ``python -m bench.floor [FILE [CLEAN_1M_FILE]]``.

Each probe runs in a fresh process and reports its whole-process peak RSS (``os.wait4``, as
``/usr/bin/time`` does). The probes strip the work down step by step, to show which part of the
75 MB bar Polars itself takes before logframe reads a byte:

- ``python`` and ``import polars`` alone;
- the smallest pipeline that answers ``stats()`` on 1,000 lines held in memory: ``str.json_decode`` with
  an explicit dtype, one ``to_datetime``, one ``split``, and a streaming ``group_by`` (no file reading);
- the same 1,000 lines through logframe's real expressions (all timestamp spellings, all message shapes);
- Polars' own line reader (``pl.scan_lines``) feeding the smallest pipeline over FILE;
- logframe's ``stats()`` over FILE.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from bench.run import machine, versions

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "bench" / "data" / "logs_100k.jsonl"

_LINES = """
line = ('{"time": "2025-10-07T16:19:05.771609+02:00", "log": "ERROR:app.db:down tenant=a", '
        '"kubernetes": {"container_name": "backend"}}')
lines = pl.LazyFrame({"text": [line] * 1000})
"""
_SMALLEST = """
dtype = pl.Struct({"time": pl.String, "log": pl.String, "kubernetes": pl.Struct({"container_name": pl.String})})
records = lines.select(pl.col("text").str.json_decode(dtype)).unnest("text").select(
    ts=pl.col("time").str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%#z", time_unit="ns", strict=False),
    level=pl.col("log").str.split_exact(":", 1).struct.field("field_0"),
    container=pl.col("kubernetes").struct.field("container_name"),
)
records.group_by("level", "container").agg(n=pl.len(), start=pl.col("ts").min(), end=pl.col("ts").max()).collect(
    engine="streaming"
)
"""
_LOGFRAME_EXPRESSIONS = """
from logframe.reader import to_records
from logframe.schema import RAW_SCHEMA
dtype = pl.Struct({"time": pl.String, "log": pl.String})
raw = lines.select(pl.col("text").str.json_decode(dtype).alias("r")).unnest("r")
raw = raw.with_columns([pl.lit(None, d).alias(c) for c, d in RAW_SCHEMA.items() if c not in ("time", "log")])
to_records(raw).group_by("level", "container").agg(
    n=pl.len(), start=pl.col("timestamp").min(), end=pl.col("timestamp").max()
).collect(engine="streaming")
"""

PROBES = {
    "python, nothing imported": "pass",
    "import polars": "import polars",
    "import logframe": "import logframe",
    "smallest stats pipeline, 1,000 lines in memory": "import logframe, polars as pl" + _LINES + _SMALLEST,
    "logframe's expressions, 1,000 lines in memory": "import logframe, polars as pl" + _LINES + _LOGFRAME_EXPRESSIONS,
    "pl.scan_lines + smallest pipeline, FILE": (
        "import logframe, polars as pl, sys\n"
        # only lines shaped like the generator's valid records, so json_decode cannot fail on garbage
        "lines = pl.scan_lines(sys.argv[1], name='text').filter(pl.col('text').str.starts_with('{\"time\": \"')"
        " & pl.col('text').str.ends_with('}}') & ~pl.col('text').str.contains(': }', literal=True))\n" + _SMALLEST
    ),
    "logframe stats(), FILE": "import logframe, sys; logframe.LogParser.from_file(sys.argv[1]).stats()",
}


_REPORT = """
import sys as _sys
_sys.stdout.write(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")))
"""


def peak_rss_mb(code: str, path: Path) -> float:
    """Whole-process peak RSS of ``python -c code path``, in MB (MiB), as the process's own VmHWM.

    (Not ``wait4``'s ru_maxrss: after fork + exec Linux carries the parent's peak into it.)
    """
    out = subprocess.run([sys.executable, "-c", code + _REPORT, str(path)], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"probe failed: {code[:60]!r}: {out.stderr[-500:]}")
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def speed_floor(clean: Path) -> None:
    """Time Polars' own NDJSON reader and logframe's parsing and group-by on records already in memory.

    Together they are what any Polars-based ``stats()`` costs at least (median of 3 runs each).
    """
    import statistics
    import time

    import polars as pl

    from logframe.reader import to_records
    from logframe.schema import RAW_SCHEMA

    dtype = {"time": pl.String, "stream": pl.String, "log": pl.String}
    kube = pl.Struct({"container_name": pl.String})

    def read() -> pl.DataFrame:
        return pl.read_ndjson(clean, schema={**dtype, "kubernetes": kube})

    def parse(raw: pl.DataFrame) -> None:
        records = to_records(raw.lazy())
        agg = {"n": pl.len(), "start": pl.col("timestamp").min(), "end": pl.col("timestamp").max()}
        records.group_by("level", "container").agg(**agg).collect(engine="streaming")

    raw = read().with_columns(container=pl.col("kubernetes").struct.field("container_name")).drop("kubernetes")
    raw = raw.with_columns([pl.lit(None, d).alias(c) for c, d in RAW_SCHEMA.items() if c not in raw.columns])

    def parse_raw() -> None:
        parse(raw)

    timings: dict[str, Callable[[], object]] = {
        "pl.read_ndjson (decode only)": read,
        "logframe parse + group-by, in memory": parse_raw,
    }
    print(f"\n| step ({clean.name}, {raw.height:,} records) | seconds (median of 3) |\n| --- | ---: |")
    for name, step in timings.items():
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            step()
            runs.append(time.perf_counter() - started)
        print(f"| {name} | {statistics.median(runs):.2f} |", flush=True)


def main() -> None:
    """Run every probe three times; print the median of each (and the speed floor, given a clean file)."""
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    print(f"{dt.date.today()}; {machine()}; {versions()}\n")
    print(f"| probe ({path.name}) | peak RSS MB (median of 3) |\n| --- | ---: |")
    for name, code in PROBES.items():
        runs = sorted(peak_rss_mb(code, path) for _ in range(3))
        print(f"| {name} | {runs[1]:.0f} |", flush=True)
    if len(sys.argv) > 2:
        speed_floor(Path(sys.argv[2]))


if __name__ == "__main__":
    main()
