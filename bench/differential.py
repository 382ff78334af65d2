"""Differential test of two logframe builds: the same files scanned by each, every column and count compared.

Used to replace the Polars-expression parsers by the native decoder: ``--old`` is a checkout of the
commit before (with a Python that can import it), the new build is this one::

    git worktree add /tmp/old <commit before the decoder>
    python -m bench.differential --old /tmp/old --old-python /path/to/python [--lines 20000]

The inputs are written to a temporary folder: a generated CloudWatch file (1% malformed lines),
``sample_logs.txt``, and for every format a messy file of its valid shapes interleaved with garbage
(blank lines, invalid and truncated JSON, wrong JSON types, unicode, invalid UTF-8, CRLF, BOM).
Prints, per file and column, how many records agree, and the first differing rows.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import polars as pl

from bench.generate import generate

ROOT = Path(__file__).resolve().parent.parent

DUMP = """
import json, sys
import polars as pl
import logframe
path, fmt, out = sys.argv[1], sys.argv[2], sys.argv[3]
logs = logframe.scan(path, format=fmt)
df = logs.collect()
df = df.with_columns(pl.col("level").cast(pl.String)).drop("source")
df.write_parquet(out + ".parquet")
report = dict(logs.report())
keep = ("lines", "records", "merged", "skipped", "invalid_utf8", "null_timestamp", "no_level")
json.dump({k: report[k] for k in keep}, open(out + ".json", "w"))
"""

GARBAGE = [
    "",
    "   ",
    "null",
    '""',
    "{]",
    "{{}",
    "[1, 2]",
    "plain words here",
    '{"log": }',
    '{"time": "2025-10-07T16:00:00Z", "log": "cut',
    '{"log": {"nested": 1}, "time": 1759852800}',
    '{"log": 12345, "kubernetes": "backend"}',
    '{"log": "x", "time": null, "kubernetes": {"pod_name": 7}}',
    "\ufeffbom at start",
    "ünïcödé 企業 🔥 level=warn",
]

VALID = {
    "cloudwatch": [
        '{"time": "2025-10-07T16:19:05.771609Z", "stream": "stderr", "log": "ERROR:app.db:Connection failed '
        'tenant=company-b retry_count=3", "kubernetes": {"pod_name": "backend-1", "namespace_name": "prod", '
        '"container_name": "backend"}}',
        '{"time": "2025-10-07 16:19:06+02:00", "stream": "stdout", "log": "[WARN] disk at 91% host=n1", '
        '"kubernetes": {"pod_name": "backend-2", "container_name": "backend"}}',
        '{"time": 1759852800123, "log": "{\\"level\\": \\"error\\", \\"msg\\": \\"db down\\", \\"tenant\\": \\"a\\"}"}',
        '{"time": "Thu Nov 14 2024 17:01:04 GMT+0200 (Israel Standard Time)", "log": "level=info msg=\\"ok go\\" '
        'user=\\"Jane Doe\\" company.a=45%"}',
    ],
    "json": [
        '{"timestamp": "2025-10-07T16:00:00Z", "level": "warn", "message": "slow", "tenant": "a", "n": 3}',
        '{"@timestamp": "2025-10-07T16:00:01Z", "severity": "ERROR", "msg": "boom", "source": {"entity": "wf-7"}}',
        '{"ts": 1759852802, "lvl": "info", "text": "hello", "tags": [1, 2], "ok": true}',
    ],
    "docker": [
        '{"log":"ERROR:app.db:Connection fa","stream":"stderr","time":"2025-10-07T16:19:05.7716Z"}',
        '{"log":"iled tenant=b\\n","stream":"stderr","time":"2025-10-07T16:19:05.7717Z"}',
        '{"log":"INFO:app.main:ok\\n","stream":"stdout","time":"2025-10-07T16:19:06Z"}',
    ],
    "cri": [
        "2025-10-07T16:19:05.771609123Z stderr P ERROR:app.db:Connection fa",
        "2025-10-07T16:19:05.771609999Z stderr F iled tenant=b",
        "2025-10-07T16:19:06.000000001Z stdout F INFO:app.main:ok",
    ],
    "logfmt": [
        'ts=2025-10-07T16:00:00Z level=info msg="request done" service=api pod=api-1 path=/cases duration_ms=12',
        "time=2025-10-07T16:00:05+02:00 lvl=WARN msg=slow tenant=company-b 環境=本番",
        'ts=1759852810 severity=error msg="db down: connection refused" retry=3',
    ],
    "python": [
        "2025-10-07 16:19:05,771 ERROR app.db Query failed",
        "Traceback (most recent call last):",
        '  File "db.py", line 3, in run',
        "ValueError: bad value",
        "2025-10-07 16:19:06,002 - app.api - INFO - ok",
        "WARNING:app.pool:pool at 91%",
    ],
    "text": [
        "2025-10-07T16:19:05.771Z WARN disk at 91% host=n1",
        "2025-10-07 16:19:05 ERROR Job failed",
        "java.lang.IllegalStateException: no lease",
        "at com.acme.Job.run(Job.java:42)",
        "[2025-10-07 16:19:07] INFO started",
        "Oct  7 16:19:05 host sshd[1]: Accepted publickey",
    ],
}


def messy(fmt: str, rng: random.Random, n: int) -> bytes:
    """``n`` valid lines of ``fmt`` (in runs, so multi-line records stay whole) with garbage between."""
    out: list[bytes] = []
    valid = VALID[fmt]
    while len(out) < n:
        out.extend(v.encode() for v in valid)
        for _ in range(rng.randrange(0, 3)):
            g = rng.choice(GARBAGE).encode()
            if rng.random() < 0.05:
                g += b"\xff\xfe"
            out.append(g + (b"\r" if rng.random() < 0.1 else b""))
    return b"\n".join(out) + b"\n"


def compare(old: pl.DataFrame, new: pl.DataFrame) -> list[str]:
    """Per column, how many rows agree; empty if every value is equal."""
    lines = []
    if old.height != new.height:
        lines.append(f"  rows: old {old.height}, new {new.height}")
    joined = old.join(new, on="line", how="full", suffix="_new", coalesce=True)
    for column in old.columns:
        if column == "line":
            continue
        a, b = joined[column], joined[column + "_new"]
        same = (a == b) | (a.is_null() & b.is_null())
        bad = joined.filter(~same.fill_null(False))
        if bad.height:
            lines.append(f"  {column}: {joined.height - bad.height} of {joined.height} equal; first differences:")
            for row in bad.select("line", column, column + "_new").head(3).iter_rows():
                lines.append(f"    line {row[0]}: old {row[1]!r} new {row[2]!r}")
    return lines


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old", type=Path, required=True, help="checkout of the old build")
    parser.add_argument("--old-python", default=sys.executable, help="a Python that imports the old build")
    parser.add_argument("--lines", type=int, default=20_000, help="lines of the generated file")
    args = parser.parse_args()
    import logframe

    rng = random.Random(7)
    folder = Path(tempfile.mkdtemp(prefix="logframe-differential-"))
    inputs = [(generate(args.lines, folder / "generated.jsonl"), "auto"), (ROOT / "sample_logs.txt", "auto")]
    for fmt in VALID:
        path = folder / f"messy_{fmt}.log"
        path.write_bytes(messy(fmt, rng, 400))
        inputs.append((path, fmt))
    differing = 0
    for path, fmt in inputs:
        out = folder / path.stem
        env = {"PYTHONPATH": str(args.old), "PATH": "/usr/bin:/bin"}
        subprocess.run([args.old_python, "-c", DUMP, str(path), fmt, str(out)], check=True, cwd=args.old, env=env)
        old = pl.read_parquet(f"{out}.parquet")
        old_report = json.loads(Path(f"{out}.json").read_text())
        logs = logframe.scan(path, format=fmt)
        new = logs.collect().with_columns(pl.col("level").cast(pl.String)).drop("source")
        report = dict(logs.report())
        new_report = {k: report[k] for k in old_report}
        problems = compare(old, new)
        if new_report != old_report:
            problems.append(f"  report: old {old_report}\n          new {new_report}")
        differing += bool(problems)
        verdict = "identical" if not problems else "DIFFERENT"
        print(f"{path.name} ({fmt}, {new.height} records, {report['lines']} lines): {verdict}")
        print("\n".join(problems))
    print(f"{len(inputs) - differing} of {len(inputs)} files identical in every column and report count")


if __name__ == "__main__":
    main()
