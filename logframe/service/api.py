"""The HTTP API (FastAPI): ingest, query, stats, patterns, health and metrics over one store.

``create_app(store_path)`` builds the application; ``logframe serve`` runs it with uvicorn. Every
query parameter is parsed by logframe itself (times, levels, the ``where`` language) into Polars
expressions: nothing a client sends reaches a shell, a file path or ``eval``.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hmac
import json
import threading
import time
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import polars as pl
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse

from logframe.errors import LogframeError
from logframe.frame import LogFrame
from logframe.service.alerts import Alerting
from logframe.service.pipeline import Pipeline
from logframe.service.store import open_store

MAX_BODY = 16 << 20
"""Largest request body accepted (after decompression), bytes."""

MAX_LIMIT = 10_000
"""Most records one ``GET /v1/logs`` returns."""


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    return value


def _rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return [_json_value(row) for row in frame.iter_rows(named=True)]


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY:
        raise HTTPException(413, f"body over {MAX_BODY} bytes; send smaller batches")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise HTTPException(413, f"body over {MAX_BODY} bytes; send smaller batches")
        chunks.append(chunk)
    body = b"".join(chunks)
    encoding = request.headers.get("content-encoding", "identity").lower()
    if encoding == "gzip":
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            body = inflater.decompress(body, MAX_BODY + 1)
        except zlib.error:
            raise HTTPException(400, "Content-Encoding is gzip but the body is not valid gzip") from None
        if len(body) > MAX_BODY or inflater.unconsumed_tail:
            raise HTTPException(413, f"decompressed body over {MAX_BODY} bytes; send smaller batches")
    elif encoding != "identity":
        raise HTTPException(415, f"Content-Encoding {encoding!r} is not supported; use gzip or none")
    return body


_NO_TIME = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
"""Where records without a timestamp sort: before every other (oldest first), after them (newest first)."""

_ORDER_KEYS = ("__when", "source", "line")


def _cursor(row: tuple[Any, ...] | None) -> str | None:
    if row is None:
        return None
    when, source, line = row
    payload = json.dumps([when.isoformat(), source, line]).encode()
    return base64.urlsafe_b64encode(payload).decode()


def _after_cursor(cursor: str, newest_first: bool) -> pl.Expr:
    """Records strictly after the cursor's (time, source, line) in the order asked for."""
    try:
        when, source, line = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        at = dt.datetime.fromisoformat(when)
        if not isinstance(source, str) or not isinstance(line, int):
            raise TypeError(cursor)
    except (ValueError, TypeError):
        raise HTTPException(
            400, "cursor is not one this server gave; pass next_cursor from a previous answer"
        ) from None
    when_col, source_col, line_col = (pl.col(k) for k in _ORDER_KEYS)
    if newest_first:
        return (when_col < at) | (
            (when_col == at) & ((source_col < source) | ((source_col == source) & (line_col < line)))
        )
    return (when_col > at) | ((when_col == at) & ((source_col > source) | ((source_col == source) & (line_col > line))))


def create_app(
    store_path: str,
    *,
    wal_path: str | None = None,
    token: str | None = None,
    commit_interval: float = 0.2,
    alerting: Alerting | None = None,
    eval_interval: float = 30.0,
    retention: str | None = None,
    archive_to: str | None = None,
) -> FastAPI:
    """The service over the store at ``store_path`` (write-ahead log beside it unless ``wal_path``).

    ``alerting`` (rules and notifiers) is evaluated every ``eval_interval`` seconds over the store;
    ``retention`` (``"30d"``) runs hourly in the committer, archiving to ``archive_to`` first.
    """
    if wal_path is None and "://" in store_path:
        raise LogframeError(f"the store {store_path!r} is a URL: pass a local directory for the write-ahead log, --wal")
    store = open_store(store_path)  # object-store credentials come from the environment (AWS_* variables)
    wal_directory = wal_path or str(Path(store_path).with_name(Path(store_path).name + "-wal"))
    from prometheus_client import CollectorRegistry, Histogram

    registry = CollectorRegistry()
    request_seconds = Histogram("logframe_request_seconds", "HTTP request latency.", ["path"], registry=registry)
    commit_seconds = Histogram("logframe_commit_seconds", "Latency of a commit to the store.", registry=registry)
    pipeline = Pipeline(store, wal_directory, on_commit=commit_seconds.observe)
    registry.register(_PipelineCollector(pipeline))
    stop = threading.Event()

    maintenance = None
    if retention is not None:
        from logframe.service.retention import apply_retention, parse_keep

        parse_keep(retention)  # a bad window fails at start

        def maintenance() -> None:
            apply_retention(store, retention, archive=archive_to)

    def evaluate_alerts() -> None:
        assert alerting is not None
        lookback = max(r.window + (r.baseline if r.new_template else dt.timedelta(0)) for r in alerting.rules)
        while not stop.wait(eval_interval):
            now = dt.datetime.now(dt.UTC)
            try:
                alerting.evaluate(store.scan(now - lookback - dt.timedelta(minutes=1)), now)
            except Exception as error:  # a rule that fails must not stop the others next time
                pipeline.last_error = f"alerts: {type(error).__name__}: {error}"

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        committer = threading.Thread(
            target=pipeline.run_committer,
            args=(stop, commit_interval),
            kwargs={"maintenance": maintenance},
            daemon=True,
        )
        committer.start()
        evaluator = None
        if alerting is not None and alerting.rules:
            evaluator = threading.Thread(target=evaluate_alerts, daemon=True)
            evaluator.start()
        yield
        stop.set()
        committer.join(timeout=30)
        if evaluator is not None:
            evaluator.join(timeout=30)

    app = FastAPI(title="logframe", lifespan=lifespan)
    app.state.pipeline = pipeline

    def authorised(request: Request) -> None:
        if token is None:
            return
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            raise HTTPException(401, "missing or wrong bearer token (Authorization: Bearer <token>)")

    @app.middleware("http")
    async def timed(request: Request, call_next: Any) -> Any:
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")  # the route's template, so paths sent by clients add no series
        request_seconds.labels(getattr(route, "path", "unmatched")).observe(time.perf_counter() - started)
        return response

    @app.exception_handler(LogframeError)
    async def bad_call(_: Request, error: LogframeError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=400)

    def window(start: str | None, end: str | None) -> LogFrame:
        return store.scan(start, end)

    @app.post("/v1/ingest", dependencies=[Depends(authorised)])
    async def ingest(request: Request, format: str = "auto", source: str | None = None) -> dict[str, Any]:
        body = await _read_body(request)
        client = request.client.host if request.client else "unknown"
        name = source or f"http:{client}"
        key = request.headers.get("idempotency-key")
        try:
            return await anyio.to_thread.run_sync(lambda: pipeline.accept(body, source=name, format=format, key=key))
        except OSError as error:  # disk full, read-only store, file too large: say so, accept nothing
            raise HTTPException(507, f"could not make the batch durable ({error}); nothing was accepted") from None

    @app.get("/v1/logs", dependencies=[Depends(authorised)])
    def logs(
        start: str | None = None,
        end: str | None = None,
        level: str | None = None,
        where: str | None = None,
        limit: int = Query(100, ge=1, le=MAX_LIMIT),
        cursor: str | None = None,
        order: str = Query("newest", pattern="^(newest|oldest)$"),
    ) -> dict[str, Any]:
        frame = window(start, end)
        if level:
            frame = frame.filter(level=level.split(","))
        if where:
            frame = frame.where(where)
        newest_first = order == "newest"
        lf = frame.lazy().with_columns(__when=pl.col("timestamp").fill_null(pl.lit(_NO_TIME)))
        if cursor:
            lf = lf.filter(_after_cursor(cursor, newest_first))
        page = lf.sort(_ORDER_KEYS, descending=newest_first).head(limit + 1).collect()
        more = page.height > limit
        page = page.head(limit)
        last = page.select(_ORDER_KEYS).row(-1) if more and page.height else None
        return {"records": _rows(page.drop("__when")), "next_cursor": _cursor(last)}

    @app.get("/v1/stats", dependencies=[Depends(authorised)])
    def stats(
        start: str | None = None, end: str | None = None, by: str = "level", every: str | None = None
    ) -> dict[str, Any]:
        frame = window(start, end)
        keys = [k for k in by.split(",") if k]
        counts = frame.count_by(*keys, every=every)
        rates = frame.error_rate(every=every) if every else None
        return {
            "summary": frame.stats(),
            "counts": _rows(counts),
            "error_rate": _rows(rates) if rates is not None else None,
        }

    @app.get("/v1/patterns", dependencies=[Depends(authorised)])
    def patterns(start: str | None = None, end: str | None = None, limit: int = Query(50, ge=1, le=1000)) -> Any:
        return {"patterns": _rows(window(start, end).patterns().head(limit))}

    @app.get("/v1/alerts", dependencies=[Depends(authorised)])
    def alerts() -> dict[str, Any]:
        return {
            "alerts": [a.as_dict() for a in alerting.active()] if alerting else [],
            "rules": len(alerting.rules) if alerting else 0,
        }

    @app.get("/health")
    def health() -> dict[str, Any]:
        error = pipeline.last_error
        return {
            "status": "ok" if error is None else "degraded: commits to the store are failing",
            "wal_depth": pipeline.wal.depth,
            "last_commit_error": error,
        }

    @app.get("/metrics", response_class=PlainTextResponse)
    def metrics() -> str:
        from prometheus_client import generate_latest

        return generate_latest(registry).decode()

    @app.post("/v1/flush", dependencies=[Depends(authorised)])
    def flush() -> dict[str, Any]:
        """Commit what the log holds now (tests, and operators before a query that must see everything)."""
        return {"committed": pipeline.commit_pending(), "wal_depth": pipeline.wal.depth}

    return app


class _PipelineCollector:
    """Prometheus view of the pipeline's counters and log depth, read at scrape time."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline

    def collect(self) -> Any:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        counts = self.pipeline.metrics
        for name, help_text in (
            ("records_accepted", "Records accepted (durable in the write-ahead log)."),
            ("records_rejected", "Lines rejected by the parsers."),
            ("records_committed", "Records committed to the store."),
            ("commit_errors", "Failed commits (retried)."),
            ("idempotent_replays", "Requests answered from an earlier one with the same Idempotency-Key."),
            ("compactions", "Compactions of the store's small files."),
        ):
            yield CounterMetricFamily(f"logframe_{name}", help_text, value=counts[name])
        yield GaugeMetricFamily("logframe_wal_depth", "Log entries not yet committed.", value=self.pipeline.wal.depth)


def gzip_body(data: bytes) -> bytes:
    """Gzip ``data`` (for clients and tests sending ``Content-Encoding: gzip``)."""
    return gzip.compress(data)
