"""Write a realistic, deterministic CloudWatch/Kubernetes log file: ``python -m bench.generate N OUT``.

Lines look like ``sample_logs.txt``: several namespaces, containers and pods,
every level and prefix style, key-value pairs with tenants (odd keys, unicode),
timestamps with mixed offsets and spellings, and about 1% malformed lines of
every kind the parser skips. The same ``N`` and ``--seed`` give the same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from pathlib import Path

START = dt.datetime(2025, 10, 7, 0, 0, tzinfo=dt.UTC)
CONTAINERS = {
    "backend": ("pax-prod", ["backend-556457bfb4-p89sf", "backend-556457bfb4-x2k4d", "backend-556457bfb4-q7r2m"]),
    "message-manager": ("pax-prod", ["message-manager-7d9c6-abcde", "message-manager-7d9c6-fghij"]),
    "ocr-processor": ("pax-batch", ["ocr-processor-5f7b8-qwert"]),
    "frontend": ("pax-edge", ["frontend-6c8d9-zxcvb", "frontend-6c8d9-mnbvc"]),
}
TENANTS = ["company_a", "company-b", "company.c", "企業-d", "tenant_🚀"]
TEMPLATES = [
    ("INFO", "INFO:app.main:Resolved tenant: {tenant} request_id=req-{n} tenant={tenant}"),
    ("DEBUG", "DEBUG:app.cache:cache hit key=case:{n} tenant={tenant} latency_ms={small}"),
    ("INFO", "[INFO] OCR job finished pages={small} company.a=ok 環境=本番 path=/api/v2/企業/データ"),
    ("INFO", 'level=info msg="GET /api/cases 200" url=https://pax.example.com/api/cases?id={n} duration_ms={small}'),
    ("WARNING", "WARN:app.pool:connection pool at {pct}% cpu={pct}% tenant={tenant}"),
    ("WARNING", "[WARN] queue backlog depth={small} tenant={tenant}"),
    ("ERROR", "ERROR:app.database:Connection failed tenant={tenant} retry_count={retry} host=db-primary:5432"),
    ("ERROR", "ERROR:app.backend_case_service:Failed to fetch case case_id=abc-{n}-def tenant={tenant} 🔥"),
    ("ERROR", 'ERROR Timeout talking to broker after 30s user="Jane Doe" tenant={tenant}'),
    ("CRITICAL", "CRITICAL:app.database:Primary unreachable, failing over 🚨 tenant={tenant}"),
]
WEIGHTS = [30, 20, 8, 10, 6, 4, 8, 6, 4, 1]
MALFORMED = [
    "",
    "   \t ",
    "null",
    '""',
    "{]",
    "{{}",
    "[1, 2, 3]",
    "this is not json at all",
    '{"time": "2025-10-07T16:47:00Z", "log": }',
]
OFFSETS = [
    dt.timedelta(0),
    dt.timedelta(hours=1),
    dt.timedelta(hours=-8),
    dt.timedelta(hours=2),
    dt.timedelta(hours=5, minutes=30),
]


def _time(rng: random.Random, at: dt.datetime) -> str | int | None:
    style = rng.randrange(20)
    if style == 0:
        return int(at.timestamp())
    if style == 1:
        return str(int(at.timestamp() * 1000))
    offset = OFFSETS[style % len(OFFSETS)]
    local = at.astimezone(dt.timezone(offset))
    text = local.strftime("%Y-%m-%d" + (" " if style % 3 == 0 else "T") + "%H:%M:%S")
    if style % 2 == 0:
        text += f".{local.microsecond:06d}"
    if offset == dt.timedelta(0):
        return text + ("Z" if style % 4 else "+00:00")
    sign = "+" if offset >= dt.timedelta(0) else "-"
    hours, minutes = divmod(abs(int(offset.total_seconds())) // 60, 60)
    return text + (f"{sign}{hours:02d}:{minutes:02d}" if style % 5 else f"{sign}{hours:02d}{minutes:02d}")


def line(rng: random.Random, n: int, at: dt.datetime) -> str:
    """The n-th line: a record, or (about 1% of the time) a malformed line."""
    if rng.random() < 0.01:
        kind = rng.randrange(len(MALFORMED) + 1)
        if kind == len(MALFORMED):
            whole = line(rng, n, at)
            return whole[: rng.randrange(10, max(11, len(whole) - 5))]
        return MALFORMED[kind]
    level, template = rng.choices(TEMPLATES, WEIGHTS)[0]
    text = template.format(
        tenant=rng.choice(TENANTS),
        n=n,
        small=rng.randrange(1, 999),
        pct=rng.randrange(50, 100),
        retry=rng.randrange(1, 6),
    )
    container = rng.choice(list(CONTAINERS))
    namespace, pods = CONTAINERS[container]
    record: dict[str, object] = {
        "time": _time(rng, at),
        "stream": "stderr" if level in ("ERROR", "CRITICAL", "WARNING") else "stdout",
        "log": text,
        "kubernetes": {"pod_name": rng.choice(pods), "namespace_name": namespace, "container_name": container},
    }
    if rng.random() < 0.002:
        record["kubernetes"] = None
    return json.dumps(record, ensure_ascii=False)


def generate(n_lines: int, out: Path, seed: int = 42) -> Path:
    """Write ``n_lines`` lines to ``out`` (one second apart on average, from 2025-10-07 UTC)."""
    rng = random.Random(seed)
    at = START
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        for n in range(n_lines):
            at += dt.timedelta(microseconds=rng.randrange(0, 2_000_000))
            handle.write(line(rng, n, at) + "\n")
    return out


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("lines", type=int, help="number of lines to write")
    parser.add_argument("out", type=Path, help="output file")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    generate(args.lines, args.out, args.seed)


if __name__ == "__main__":
    main()
