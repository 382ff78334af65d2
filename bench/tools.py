"""The same five workloads written for each tool a user might pick instead of logframe.

Workloads, each answering one incident question on a CloudWatch/Kubernetes export:

- ``stats``: record count, counts by level and by container, first and last timestamp (UTC);
- ``filter_parquet``: records with level ERROR and ``tenant=company-b``, written to Parquet;
- ``error_buckets``: ERROR + CRITICAL records per 1-minute bucket;
- ``where_or``: the count of records matching
  ``(pod='frontend-6c8d9-zxcvb' | tenant='company_a' | level='CRITICAL') & level!='DEBUG'``
  (``!=`` is true where the level is missing, as in logframe's query language);
- ``iterate_errors``: every ERROR record, one by one as a Python object (timestamp, level, message,
  namespace, pod, container, stream), summing ``len(message)``: the answer is (count, total length).

Every implementation reads the level from the message prefix and ``tenant`` from the message's
key-values, and normalises times with offsets to UTC, so the answers are comparable. The message is
the text after the level prefix (``LEVEL:component:``, ``[LEVEL]``, ``LEVEL``), trailing whitespace
removed, as logframe's ``message``; logframe's other shapes (a logfmt ``msg=`` value) are not spelled
out for the other tools, as the generated ERROR lines never take them. ``python -m bench.run --check
FILE`` asserts that the tools agree. Polars' ``scan_ndjson`` and pandas' ``read_json`` stop at the
first malformed line, so they read a copy without malformed lines (``*.clean.jsonl``); logframe,
DuckDB and the Python loop read the raw file.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

TENANT = "company-b"
LEVEL_RE = r"^\s*(?:(?:level|lvl|severity)=)?\[?([A-Za-z]+)\]?[:\s]"
"""The level word: ``LEVEL:``, ``[LEVEL]``, ``LEVEL `` or a leading logfmt ``level=``."""
TENANT_RE = r"(?:^|\s)tenant=(\S*)"
MESSAGE_RE = r"(?s)^\s*(?:(?:level|lvl|severity)=)?\[?[A-Za-z]+\]?(?::[^\s:]*:|[:\s])\s*(.*?)\s*$"
ALIASES = {"WARN": "WARNING", "FATAL": "CRITICAL", "ERR": "ERROR", "CRIT": "CRITICAL"}
POD = "frontend-6c8d9-zxcvb"
OR_TENANT = "company_a"
WHERE_OR = f"(pod='{POD}' | tenant='{OR_TENANT}' | level='CRITICAL') & level!='DEBUG'"
BATCH = 10_000
"""Rows fetched at a time by the cursor/batch loops of ``iterate_errors``."""

Workload = Callable[[Path, Path], Any]


# -- logframe ------------------------------------------------------------------------------------------


def logframe_stats(src: Path, out: Path) -> Any:
    import logframe

    return logframe.scan(src).stats()


def logframe_filter_parquet(src: Path, out: Path) -> Any:
    import logframe

    return logframe.scan(src).filter(level="ERROR", tenant=TENANT).to_parquet(out)


def logframe_error_buckets(src: Path, out: Path) -> Any:
    import logframe

    return logframe.scan(src).filter(level=["ERROR", "CRITICAL"]).count_by(every="1m")


def logframe_where_or(src: Path, out: Path) -> Any:
    import logframe

    return logframe.scan(src).where(WHERE_OR).count_by().item()


def logframe_iterate_errors(src: Path, out: Path) -> Any:
    import logframe

    count = total = 0
    for record in logframe.scan(src).filter(level="ERROR"):
        count += 1
        total += len(record.message or "")
    return count, total


# -- DuckDB --------------------------------------------------------------------------------------------

# ignore_errors turns each malformed line into a row of nulls: the WHERE leaves those out.
DUCK_READ = """(SELECT * FROM read_json('{src}', format='newline_delimited', ignore_errors=true,
  columns={{time: 'VARCHAR', stream: 'VARCHAR', log: 'VARCHAR',
           kubernetes: 'STRUCT(pod_name VARCHAR, namespace_name VARCHAR, container_name VARCHAR)'}})
  WHERE time IS NOT NULL OR stream IS NOT NULL OR log IS NOT NULL OR kubernetes IS NOT NULL)"""
DUCK_LEVEL = f"""(CASE upper(regexp_extract(log, '{LEVEL_RE}', 1))
  WHEN 'WARN' THEN 'WARNING' WHEN 'FATAL' THEN 'CRITICAL' WHEN 'ERR' THEN 'ERROR' WHEN 'CRIT' THEN 'CRITICAL'
  ELSE nullif(upper(regexp_extract(log, '{LEVEL_RE}', 1)), '') END)"""
DUCK_TIME = """coalesce(try_cast(time AS TIMESTAMPTZ),
  to_timestamp(CASE WHEN try_cast(time AS DOUBLE) > 1e11 THEN try_cast(time AS DOUBLE) / 1000
                    ELSE try_cast(time AS DOUBLE) END))"""


def _duck() -> Any:
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    return con


def duckdb_stats(src: Path, out: Path) -> Any:
    q = f"""SELECT {DUCK_LEVEL} AS level, kubernetes.container_name AS container, count(*) AS n,
                   min({DUCK_TIME})::VARCHAR AS first, max({DUCK_TIME})::VARCHAR AS last
            FROM {DUCK_READ.format(src=src)} GROUP BY ALL"""
    return _duck().execute(q).fetchall()


def duckdb_filter_parquet(src: Path, out: Path) -> Any:
    q = f"""COPY (SELECT *, {DUCK_TIME} AS timestamp FROM {DUCK_READ.format(src=src)}
                  WHERE {DUCK_LEVEL} = 'ERROR' AND regexp_extract(log, '{TENANT_RE}', 1) = '{TENANT}')
            TO '{out}' (FORMAT parquet)"""
    return _duck().execute(q).fetchall()


def duckdb_error_buckets(src: Path, out: Path) -> Any:
    q = f"""SELECT time_bucket(INTERVAL 1 minute, {DUCK_TIME})::VARCHAR AS bucket, count(*)
            FROM {DUCK_READ.format(src=src)}
            WHERE {DUCK_LEVEL} IN ('ERROR', 'CRITICAL') GROUP BY ALL"""
    return _duck().execute(q).fetchall()


def duckdb_where_or(src: Path, out: Path) -> Any:
    q = f"""SELECT count(*) FROM (
              SELECT {DUCK_LEVEL} AS level, kubernetes.pod_name AS pod,
                     nullif(regexp_extract(log, '{TENANT_RE}', 1), '') AS tenant
              FROM {DUCK_READ.format(src=src)})
            WHERE (pod = '{POD}' OR tenant = '{OR_TENANT}' OR level = 'CRITICAL')
              AND level IS DISTINCT FROM 'DEBUG'"""
    return _duck().execute(q).fetchone()[0]


def duckdb_iterate_errors(src: Path, out: Path) -> Any:
    q = f"""SELECT {DUCK_TIME} AS timestamp, level, regexp_extract(log, '{MESSAGE_RE}', 1) AS message,
                   kubernetes.namespace_name AS namespace, kubernetes.pod_name AS pod,
                   kubernetes.container_name AS container, stream
            FROM (SELECT *, {DUCK_LEVEL} AS level FROM {DUCK_READ.format(src=src)})
            WHERE level = 'ERROR'"""
    cursor = _duck().execute(q)
    count = total = 0
    while rows := cursor.fetchmany(BATCH):
        for row in rows:
            count += 1
            total += len(row[2])
    return count, total


# -- Polars' own reader (clean copy) -------------------------------------------------------------------


def _polars_frame(src: Path) -> Any:
    import polars as pl

    schema: dict[str, pl.DataType] = {
        "time": pl.String(),
        "stream": pl.String(),
        "log": pl.String(),
        "kubernetes": pl.Struct({"pod_name": pl.String, "namespace_name": pl.String, "container_name": pl.String}),
    }
    level = pl.col("log").str.extract(LEVEL_RE, 1).str.to_uppercase()
    iso = pl.col("time").str.replace(" ", "T", literal=True, n=1)
    epoch = pl.col("time").str.to_integer(strict=False)  # epoch seconds or milliseconds as digits
    time = pl.coalesce(
        iso.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%#z", time_zone="UTC", strict=False),
        iso.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=False).dt.replace_time_zone("UTC"),
        pl.from_epoch(pl.when(epoch > 1e11).then(epoch).otherwise(epoch * 1000), time_unit="ms")
        .dt.replace_time_zone("UTC")
        .dt.cast_time_unit("us"),
    )
    return pl.scan_ndjson(_clean(src), schema=schema).with_columns(
        level=pl.when(level.is_in(list(ALIASES))).then(level.replace(ALIASES)).otherwise(level),
        container=pl.col("kubernetes").struct.field("container_name"),
        pod=pl.col("kubernetes").struct.field("pod_name"),
        namespace=pl.col("kubernetes").struct.field("namespace_name"),
        message=pl.col("log").str.extract(MESSAGE_RE, 1),
        tenant=pl.col("log").str.extract(TENANT_RE, 1),
        timestamp=time,
    )


def polars_stats(src: Path, out: Path) -> Any:
    import polars as pl

    q = (
        _polars_frame(src)
        .group_by("level", "container")
        .agg(pl.len(), first=pl.col("timestamp").min(), last=pl.col("timestamp").max())
    )
    return q.collect(engine="streaming")


def polars_filter_parquet(src: Path, out: Path) -> Any:
    import polars as pl

    return _polars_frame(src).filter((pl.col("level") == "ERROR") & (pl.col("tenant") == TENANT)).sink_parquet(out)


def polars_error_buckets(src: Path, out: Path) -> Any:
    import polars as pl

    lf = _polars_frame(src).filter(pl.col("level").is_in(["ERROR", "CRITICAL"]))
    return lf.group_by(pl.col("timestamp").dt.truncate("1m")).len().collect(engine="streaming")


def polars_where_or(src: Path, out: Path) -> Any:
    import polars as pl

    level = pl.col("level")
    matches = (pl.col("pod") == POD) | (pl.col("tenant") == OR_TENANT) | (level == "CRITICAL")
    lf = _polars_frame(src).filter(matches & level.ne_missing("DEBUG"))
    return lf.select(pl.len()).collect(engine="streaming").item()


def polars_iterate_errors(src: Path, out: Path) -> Any:
    import polars as pl

    lf = _polars_frame(src).filter(pl.col("level") == "ERROR")
    lf = lf.select("timestamp", "level", "message", "namespace", "pod", "container", "stream")
    count = total = 0
    for batch in lf.collect_batches(chunk_size=BATCH, engine="streaming"):
        for row in batch.iter_rows(named=True):
            count += 1
            total += len(row["message"])
    return count, total


# -- pandas (clean copy, chunked) ---------------------------------------------------------------------


def _kube(chunk: Any, key: str) -> Any:
    return chunk["kubernetes"].map(lambda k: k.get(key) if isinstance(k, dict) else None)


def _pandas_chunks(src: Path) -> Any:
    import pandas as pd

    for chunk in pd.read_json(_clean(src), lines=True, chunksize=100_000, dtype=False):
        log = chunk["log"].astype("string")
        level = log.str.extract(LEVEL_RE, expand=False).str.upper()
        chunk["level"] = level.replace(ALIASES)
        chunk["container"] = _kube(chunk, "container_name")
        chunk["tenant"] = log.str.extract(TENANT_RE, expand=False)
        time = chunk["time"].astype("string")
        digits = time.str.fullmatch(r"\d+").fillna(False)  # epoch seconds or milliseconds
        epoch = pd.to_numeric(time.where(digits), errors="coerce")
        millis = pd.to_datetime(epoch.where(epoch > 1e11, epoch * 1000), unit="ms", utc=True)
        parsed = pd.to_datetime(time.mask(digits), utc=True, errors="coerce", format="mixed")
        chunk["timestamp"] = parsed.where(~digits, millis)
        yield chunk


def pandas_stats(src: Path, out: Path) -> Any:
    counts: Counter[tuple[Any, Any]] = Counter()
    first, last = None, None
    for chunk in _pandas_chunks(src):
        counts.update(chunk.groupby(["level", "container"], dropna=False).size().to_dict())
        lo, hi = chunk["timestamp"].min(), chunk["timestamp"].max()
        first = lo if first is None or lo < first else first
        last = hi if last is None or hi > last else last
    return counts, first, last


def pandas_filter_parquet(src: Path, out: Path) -> Any:
    import pandas as pd

    parts = [c[(c["level"] == "ERROR") & (c["tenant"] == TENANT)] for c in _pandas_chunks(src)]
    frame = pd.concat(parts).drop(columns=["kubernetes"])
    frame.to_parquet(out)
    return len(frame)


def pandas_error_buckets(src: Path, out: Path) -> Any:
    counts: Counter[Any] = Counter()
    for chunk in _pandas_chunks(src):
        errors = chunk[chunk["level"].isin(["ERROR", "CRITICAL"])]
        counts.update(errors["timestamp"].dt.floor("1min").value_counts().to_dict())
    return counts


def pandas_where_or(src: Path, out: Path) -> Any:
    count = 0
    for chunk in _pandas_chunks(src):
        level = chunk["level"]
        matches = (_kube(chunk, "pod_name") == POD) | (chunk["tenant"] == OR_TENANT) | (level == "CRITICAL")
        count += int((matches & (level.isna() | (level != "DEBUG"))).fillna(False).sum())
    return count


def pandas_iterate_errors(src: Path, out: Path) -> Any:
    count = total = 0
    for chunk in _pandas_chunks(src):
        errors = chunk[chunk["level"] == "ERROR"]
        errors = errors.assign(
            message=errors["log"].astype("string").str.extract(MESSAGE_RE, expand=False),
            namespace=_kube(errors, "namespace_name"),
            pod=_kube(errors, "pod_name"),
        )
        columns = ["timestamp", "level", "message", "namespace", "pod", "container", "stream"]
        for row in errors[columns].itertuples(index=False):
            count += 1
            total += len(row.message)
    return count, total


# -- plain Python --------------------------------------------------------------------------------------

_LEVEL = re.compile(LEVEL_RE)
_TENANT = re.compile(TENANT_RE)
_MESSAGE = re.compile(MESSAGE_RE)


def _python_records(src: Path, times: bool = True) -> Any:
    """(object, log, level, kubernetes dict, UTC time) of each JSON-object line (time None if not ``times``)."""
    with open(src, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if not isinstance(obj, dict):
                continue
            raw_log, raw_kube = obj.get("log"), obj.get("kubernetes")
            log: str = raw_log if isinstance(raw_log, str) else ""
            m = _LEVEL.match(log)
            level = ALIASES.get(m.group(1).upper(), m.group(1).upper()) if m else None
            kube: dict[str, Any] = raw_kube if isinstance(raw_kube, dict) else {}
            yield obj, log, level, kube, _time(obj.get("time")) if times else None


def _time(value: Any) -> dt.datetime | None:
    try:
        if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
            number = float(value)
            return dt.datetime.fromtimestamp(number / 1000 if number > 1e11 else number, dt.UTC)
        if isinstance(value, str):
            parsed = dt.datetime.fromisoformat(value)
            return parsed.astimezone(dt.UTC) if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    except (ValueError, OverflowError):
        return None
    return None


def python_stats(src: Path, out: Path) -> Any:
    counts: Counter[tuple[Any, Any]] = Counter()
    times = []
    for _, _, level, kube, time in _python_records(src):
        counts[(level, kube.get("container_name"))] += 1
        if time is not None:
            times.append(time)
    return counts, min(times), max(times)


def python_filter_parquet(src: Path, out: Path) -> Any:
    import polars as pl

    rows = []
    for obj, log, level, _, time in _python_records(src):
        m = _TENANT.search(log)
        if level == "ERROR" and m and m.group(1) == TENANT:
            rows.append({"time": time, "log": log, "raw": json.dumps(obj)})
    pl.DataFrame(rows).write_parquet(out)
    return len(rows)


def python_error_buckets(src: Path, out: Path) -> Any:
    counts: Counter[dt.datetime] = Counter()
    for _, _, level, _, time in _python_records(src):
        if level in ("ERROR", "CRITICAL") and time is not None:
            counts[time.replace(second=0, microsecond=0)] += 1
    return counts


def python_where_or(src: Path, out: Path) -> Any:
    count = 0
    for _, log, level, kube, _ in _python_records(src, times=False):
        m = _TENANT.search(log)
        tenant = m.group(1) if m else None
        if (kube.get("pod_name") == POD or tenant == OR_TENANT or level == "CRITICAL") and level != "DEBUG":
            count += 1
    return count


def python_iterate_errors(src: Path, out: Path) -> Any:
    count = total = 0
    for obj, log, level, kube, _ in _python_records(src, times=False):
        if level != "ERROR":
            continue
        m = _MESSAGE.match(log)
        record = {
            "timestamp": _time(obj.get("time")),
            "level": level,
            "message": m.group(1) if m else log.rstrip(),
            "namespace": kube.get("namespace_name"),
            "pod": kube.get("pod_name"),
            "container": kube.get("container_name"),
            "stream": obj.get("stream"),
        }
        count += 1
        total += len(record["message"])
    return count, total


def _clean(src: Path) -> Path:
    """The copy of ``src`` holding only its valid JSON-object lines (made by bench.run beforehand)."""
    return src.with_suffix(".clean.jsonl")


TOOLS = ("logframe", "duckdb", "polars", "pandas", "python")
CLEAN_COPY = ("polars", "pandas")
"""The tools that read the clean copy of a file (``*.clean.jsonl``), their readers stopping at malformed lines."""
WORKLOADS = ("stats", "filter_parquet", "error_buckets", "where_or", "iterate_errors")


def workload(tool: str, name: str) -> Workload:
    """The implementation of workload ``name`` for ``tool``."""
    fn: Workload = globals()[f"{tool}_{name}"]
    return fn
