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
import logging
import re
import threading
import time
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from logframe.dependencies import import_optional

for _module in ("fastapi", "anyio", "prometheus_client"):
    import_optional(_module, "the HTTP service (logframe serve)")

import anyio  # noqa: E402
from fastapi import FastAPI, HTTPException, Query, Request  # noqa: E402
from fastapi.exceptions import RequestValidationError  # noqa: E402
from fastapi.responses import JSONResponse, PlainTextResponse, Response  # noqa: E402

from logframe import export  # noqa: E402
from logframe.errors import LogframeError, QueryError  # noqa: E402
from logframe.frame import LogFrame  # noqa: E402
from logframe.query import constraint  # noqa: E402
from logframe.querylang import compile_query  # noqa: E402
from logframe.schema import FIELDS_DTYPE, SCHEMA  # noqa: E402
from logframe.service.alerts import Alerting  # noqa: E402
from logframe.service.jobs import JobStatus  # noqa: E402
from logframe.service.pipeline import KEY_WINDOW, Pipeline  # noqa: E402
from logframe.service.store import open_store  # noqa: E402
from logframe.timestamps import to_timedelta  # noqa: E402

MAX_BODY = 16 << 20
"""Largest request body accepted (after decompression), bytes."""

MAX_LIMIT = 10_000
"""Most records one ``GET /v1/logs`` returns."""

OPEN_PATHS = frozenset({"/health"})
"""Paths served without the bearer token (a load balancer's health check has none)."""

FAILING = {
    "commit": "commits to the store are",
    "compaction": "compaction of the store is",
    "retention": "retention is",
    "alerts": "alert evaluation is",
    "receipts": "forgetting expired idempotency keys is",
}
"""How /health words each failing job."""

log = logging.getLogger("logframe.service")

MAX_QUERY = 4096
"""Longest ``where`` query accepted, characters."""

MAX_NESTING = 200
"""Most negations plus parenthesis depth in a ``where``: each is one level of the expression tree,
and Polars walks that tree recursively (thousands of levels overflow its stack and crash the process)."""

_NOT_WORD = re.compile(r"(?<![^\s=!~<>()&|'\"])not(?![^\s=!~<>()&|'\"])", re.IGNORECASE)


def nesting(query: str) -> int:
    """An upper bound of how deep ``query`` nests: its negations plus its deepest parentheses (quotes skipped).

    Examples
    --------
    >>> nesting("!(a='x' & !(b='(') ) | not c=1"), nesting("a != 'b' & c !~ 'd'")
    (5, 0)
    """
    depth = deepest = negations = 0
    outside, quote, i = [], "", 0
    while i < len(query):
        char = query[i]
        if quote:
            if char == "\\":
                i += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
            outside.append(" ")
        else:
            outside.append(char)
            if char == "(":
                depth += 1
                deepest = max(deepest, depth)
            elif char == ")":
                depth -= 1
            elif char == "!" and query[i + 1 : i + 2] not in ("=", "~"):
                negations += 1
        i += 1
    return deepest + negations + len(_NOT_WORD.findall("".join(outside)))


MAX_EVERY_SECONDS = 100 * 366 * 86400
"""Widest ``every`` bucket accepted (100 years): wider ones overflow Polars' nanosecond times."""


def every_param(every: str | None) -> str | None:
    """The ``every`` parameter checked: a Polars duration (``5m``) no wider than :data:`MAX_EVERY_SECONDS`."""
    if every is None:
        return None
    from logframe import stats as stats_module

    stats_module.check_every(every)
    if stats_module.bucket_seconds(every) > MAX_EVERY_SECONDS:
        raise QueryError(f"every={every!r} is wider than 100 years; use a bucket such as '5m', '1h' or '1d'")
    return every


T = TypeVar("T")


@contextmanager
def _no_panic(what: str) -> Iterator[None]:
    """Turn a Polars panic (a BaseException, which would take the server's event loop down) into a 400.

    A panic is a defect of Polars or logframe on odd data (a zero-filled time range in nanoseconds
    around year 1, say); narrowing the window avoids it, and the log keeps the details.
    """
    try:
        yield
    except pl.exceptions.PanicException as error:
        first = str(error).splitlines()[0] if str(error) else "panic"
        log.error("%s: Polars panicked: %s", what, first)
        raise QueryError(
            f"{what} cannot be computed over this window ({first}); narrow it with start= and end="
        ) from None


def _once_more_on_a_change(what: str, compute: Callable[[], T]) -> T:
    """Run a read of the store; if it fails, run it once more on a fresh snapshot of the table.

    A retention run deletes and vacuums the files of old days while the server answers queries: a
    query that took its snapshot before the commit can find a file gone. Reading again sees the new
    table; a second failure is a real one and is raised.
    """
    try:
        return compute()
    except Exception as error:  # any failure of the first read is retried once
        log.warning("%s: the store changed under the query (%s); reading it again", what, type(error).__name__)
        return compute()


def _validation_message(error: RequestValidationError) -> str:
    """FastAPI's validation errors as one sentence: which parameter, what was wrong, what was given."""
    parts = []
    for item in error.errors():
        where = ".".join(str(part) for part in item.get("loc", ()) if part not in ("query", "header", "body"))
        given = f" (got {item['input']!r})" if "input" in item and item["input"] is not None else ""
        parts.append(f"{where or 'request'}: {item.get('msg', 'invalid')}{given}")
    return "; ".join(parts) or "invalid request"


def _probe() -> pl.LazyFrame:
    """One record of every type (a key-value pair in ``fields``), to evaluate a query on before the store."""
    columns = {name: pl.Series(name, [None], dtype) for name, dtype in SCHEMA.items() if name != "fields"}
    fields = pl.Series("fields", [[{"key": "k", "value": "1"}]], FIELDS_DTYPE)
    return pl.DataFrame({**columns, "fields": fields}).select(list(SCHEMA)).lazy()


def where_filter(query: str) -> pl.Expr:
    """The ``where`` parameter as a predicate, or a QueryError (400) for anything that cannot run.

    Beyond the query language's own checks: numbers that are no integer for ``line`` (``1e309``,
    ``nan``), nesting deeper than Python's recursion allows, and comparisons the store's types cannot
    make (``fields < 3``, ``fields ~ 'x'``: found by running the predicate on one probe record).
    """
    if len(query) > MAX_QUERY:
        raise QueryError(f"where is {len(query)} characters long; at most {MAX_QUERY}")
    deep = QueryError(
        f"where nests too deeply (over {MAX_NESTING} levels of '!', 'not' or parentheses); write it flatter"
    )
    if nesting(query) > MAX_NESTING:
        raise deep
    try:
        predicate = compile_query(query)
    except RecursionError:
        raise deep from None
    except (ValueError, OverflowError, TypeError) as error:
        if isinstance(error, LogframeError):
            raise
        raise QueryError(f"where {query!r} compares with a value that is not usable here: {error}") from None
    try:
        _probe().filter(predicate).collect()
    except RecursionError:
        raise deep from None
    except pl.exceptions.PolarsError as error:
        hint = ""
        if "List" in str(error):
            hint = "; 'fields' holds all key-value pairs: compare one with its key, e.g. tenant='company_a'"
        raise QueryError(f"where {query!r} cannot be evaluated: {str(error).splitlines()[0]}{hint}") from None
    return predicate


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
        return gunzip(body)
    if encoding != "identity":
        raise HTTPException(415, f"Content-Encoding {encoding!r} is not supported; use gzip or none")
    return body


def gunzip(body: bytes, limit: int = MAX_BODY) -> bytes:
    """Every member of a gzip stream (``cat a.gz b.gz`` is one stream of two), at most ``limit`` bytes.

    A stream that is corrupt, truncated (a member without its end) or followed by anything but zero
    padding is a 400; more than ``limit`` bytes a 413. Either way nothing of the body is accepted.
    """
    out: list[bytes] = []
    size, rest = 0, body
    while rest:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            part = inflater.decompress(rest, limit + 1 - size)
        except zlib.error as error:
            raise HTTPException(
                400, f"Content-Encoding is gzip but the body is not valid gzip ({error}); nothing was accepted"
            ) from None
        size += len(part)
        if size > limit or inflater.unconsumed_tail:
            raise HTTPException(413, f"decompressed body over {limit} bytes; send smaller batches")
        if not inflater.eof:
            raise HTTPException(400, "the gzip body is truncated (a member has no end); nothing was accepted")
        out.append(part)
        rest = inflater.unused_data
        if not rest.strip(b"\0"):  # zero padding after the last member, as tape tools write it
            break
    return b"".join(out)


_NO_TIME = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
"""Where records without a timestamp sort: before every other (oldest first), after them (newest first)."""

_ORDER_KEYS = ("__when", "record_id")
"""The order pages follow: time, then the record's identity in the store (unique, so no two rows tie)."""

_BAD_CURSOR = "cursor is not one this server gave; pass next_cursor from a previous answer"


def _cursor(row: tuple[Any, ...] | None) -> str | None:
    if row is None:
        return None
    when, record_id = row
    payload = json.dumps([when.isoformat(), record_id]).encode()
    return base64.urlsafe_b64encode(payload).decode()


def _after_cursor(cursor: str, newest_first: bool) -> pl.Expr:
    """Records strictly after the cursor's (time, record id) in the order asked for."""
    try:
        when, record_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        at = dt.datetime.fromisoformat(when)
        if not isinstance(record_id, str) or at.utcoffset() is None:
            raise TypeError(cursor)
    except (ValueError, TypeError, RecursionError):
        raise HTTPException(400, _BAD_CURSOR) from None
    when_col, id_col = (pl.col(k) for k in _ORDER_KEYS)
    if newest_first:
        return (when_col < at) | ((when_col == at) & (id_col < record_id))
    return (when_col > at) | ((when_col == at) & (id_col > record_id))


def _records_json(page: pl.DataFrame) -> str:
    """A JSON array of records, each encoded as the NDJSON export writes it (``fields`` an object)."""
    lines = export._json_lines(page.lazy()).collect()["json"]
    return "[" + ",".join(lines) + "]"


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
    idempotency_window: str | dt.timedelta = KEY_WINDOW,
    wait_timeout: float = 30.0,
    storage_options: dict[str, str] | None = None,
) -> FastAPI:
    """The service over the store at ``store_path`` (write-ahead log beside it unless ``wal_path``).

    ``alerting`` (rules and notifiers) is evaluated every ``eval_interval`` seconds over the store;
    ``retention`` (``"30d"``) runs hourly in the committer, archiving to ``archive_to`` first.
    An ``Idempotency-Key`` is remembered for ``idempotency_window`` (``"24h"``) after its first request.
    ``POST /v1/ingest?wait=committed`` waits at most ``wait_timeout`` seconds for the commit.
    ``storage_options`` reach an ``s3://`` store (delta-rs's options: endpoint, credentials, and for
    several servers on one table ``conditional_put="etag"``); without them, the ``AWS_*`` variables.
    """
    if wal_path is None and "://" in store_path:
        raise LogframeError(f"the store {store_path!r} is a URL: pass a local directory for the write-ahead log, --wal")
    store = open_store(store_path, storage_options)  # else credentials from the environment (AWS_* variables)
    wal_directory = wal_path or str(Path(store_path).with_name(Path(store_path).name + "-wal"))
    from prometheus_client import CollectorRegistry, Histogram

    registry = CollectorRegistry()
    request_seconds = Histogram("logframe_request_seconds", "HTTP request latency.", ["path"], registry=registry)
    commit_seconds = Histogram("logframe_commit_seconds", "Latency of a commit to the store.", registry=registry)
    key_window = to_timedelta(idempotency_window, "idempotency window", units="smhdw")
    pipeline = Pipeline(store, wal_directory, on_commit=commit_seconds.observe, key_window=key_window, exclusive=True)
    registry.register(_PipelineCollector(pipeline))
    stop = threading.Event()

    maintenance = None
    if retention is not None:
        from logframe.service.retention import apply_retention, parse_keep

        parse_keep(retention)  # a bad window fails at start

        def maintenance() -> None:
            apply_retention(store, retention, archive=archive_to)

    jobs = pipeline.jobs
    if maintenance is not None:
        jobs.status.setdefault("retention", JobStatus())
    if alerting is not None and alerting.rules:
        jobs.status.setdefault("alerts", JobStatus())

    def evaluate_alerts() -> None:
        assert alerting is not None
        lookback = max(r.window + (r.baseline if r.new_template else dt.timedelta(0)) for r in alerting.rules)
        while not stop.wait(eval_interval):
            now = dt.datetime.now(dt.UTC)
            try:
                alerting.evaluate(store.scan(now - lookback - dt.timedelta(minutes=1)), now)
            except (Exception, pl.exceptions.PanicException) as error:  # the next evaluation may succeed
                jobs.failed("alerts", error)
            else:
                jobs.succeeded("alerts")

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        log.info(
            "store %s, write-ahead log %s (%d entries pending), %d alert rule(s), retention %s, token %s",
            store_path, wal_directory, pipeline.wal.depth, len(alerting.rules) if alerting else 0,
            retention or "off", "required (except /health)" if token else "not required",
        )  # fmt: skip
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

    @app.middleware("http")
    async def authorised(request: Request, call_next: Any) -> Any:
        """With a token every path needs it (the API, /docs, /openapi.json, /metrics) but /health."""
        if token is not None and request.url.path not in OPEN_PATHS:
            given = request.headers.get("authorization", "")
            if not hmac.compare_digest(given.encode("latin-1"), f"Bearer {token}".encode()):
                detail = "missing or wrong bearer token (Authorization: Bearer <token>)"
                return JSONResponse({"detail": detail}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        return await call_next(request)

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

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(_: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_message(error)}, status_code=400)

    def window(start: str | None, end: str | None) -> LogFrame:
        return store.scan(start, end)

    @app.post("/v1/ingest")
    async def ingest(
        request: Request,
        format: str = "auto",
        source: str | None = None,
        wait: str | None = Query(None, pattern="^committed$", description="committed: answer once queryable"),
    ) -> Any:
        """Accept a batch: 200 once durable in the write-ahead log, or with ``wait=committed`` once in the store.

        Without ``wait`` a record becomes visible to queries at the next commit (every commit interval,
        0.2 s by default, plus the commit's own time). ``wait=committed`` answers 200 with
        ``"committed": true`` once the batch is queryable, or 202 with ``"committed": false`` if that
        takes longer than the wait timeout (30 s; commits failing, see ``/health``): the batch is
        accepted all the same, and a retry with the same ``Idempotency-Key`` waits again.
        """
        body = await _read_body(request)
        client = request.client.host if request.client else "unknown"
        name = source or f"http:{client}"
        key = request.headers.get("idempotency-key")
        try:
            seq, answer = await anyio.to_thread.run_sync(
                lambda: pipeline.submit(body, source=name, format=format, key=key)
            )
        except OSError as error:  # disk full, read-only store, file too large: say so, accept nothing
            raise HTTPException(507, f"could not make the batch durable ({error}); nothing was accepted") from None
        if wait is None:
            return answer
        deadline = time.monotonic() + wait_timeout
        while not pipeline.is_committed(seq):  # polled, so waiting holds no worker thread
            if time.monotonic() >= deadline:
                detail = (
                    f"accepted (durable in the write-ahead log) but not in the store after {wait_timeout:g} s: "
                    "see /health; retry with the same Idempotency-Key to wait again"
                )
                return JSONResponse({**answer, "committed": False, "detail": detail}, status_code=202)
            await anyio.sleep(0.01)
        return {**answer, "committed": True}

    @app.get("/v1/logs")
    def logs(
        start: str | None = None,
        end: str | None = None,
        level: str | None = None,
        where: str | None = None,
        limit: int = Query(100, ge=1, le=MAX_LIMIT),
        cursor: str | None = None,
        order: str = Query("newest", pattern="^(newest|oldest)$"),
    ) -> Response:
        with _no_panic("the page of records"):
            return _page(start, end, level, where, limit, cursor, order)

    def _page(
        start: str | None,
        end: str | None,
        level: str | None,
        where: str | None,
        limit: int,
        cursor: str | None,
        order: str,
    ) -> Response:
        lf = store.rows(start, end)
        if level:
            lf = lf.filter(constraint("level", level.split(",")))
        if where:
            lf = lf.filter(where_filter(where))
        newest_first = order == "newest"
        lf = lf.with_columns(__when=pl.col("timestamp").fill_null(pl.lit(_NO_TIME)))
        if cursor:
            lf = lf.filter(_after_cursor(cursor, newest_first))
        page = lf.sort(_ORDER_KEYS, descending=newest_first).head(limit + 1).collect()
        more = page.height > limit
        page = page.head(limit)
        last = page.select(_ORDER_KEYS).row(-1) if more and page.height else None
        records = _records_json(page.drop(*_ORDER_KEYS))
        content = f'{{"records":{records},"next_cursor":{json.dumps(_cursor(last))}}}'
        return Response(content, media_type="application/json")

    @app.get("/v1/stats")
    def stats(
        start: str | None = None, end: str | None = None, by: str = "level", every: str | None = None
    ) -> dict[str, Any]:
        every = every_param(every)
        with _no_panic("the stats"):
            return _once_more_on_a_change("the stats", lambda: _stats(start, end, by, every))

    def _stats(start: str | None, end: str | None, by: str, every: str | None) -> dict[str, Any]:
        frame = window(start, end)
        keys = [k for k in by.split(",") if k]
        counts = frame.count_by(*keys, every=every)
        rates = frame.error_rate(every=every) if every else None
        return {
            "summary": frame.stats(),
            "counts": _rows(counts),
            "error_rate": _rows(rates) if rates is not None else None,
        }

    @app.get("/v1/patterns")
    def patterns(start: str | None = None, end: str | None = None, limit: int = Query(50, ge=1, le=1000)) -> Any:
        with _no_panic("the patterns"):
            return _once_more_on_a_change(
                "the patterns", lambda: {"patterns": _rows(window(start, end).patterns().head(limit))}
            )

    @app.get("/v1/alerts")
    def alerts() -> dict[str, Any]:
        return {
            "alerts": [a.as_dict() for a in alerting.active()] if alerting else [],
            "rules": len(alerting.rules) if alerting else 0,
        }

    @app.get("/health")
    def health() -> dict[str, Any]:
        """Open even with a token (for load balancers): status, log depth and each background job's status."""
        failing = jobs.failing()
        status = (
            "ok"
            if not failing
            else "degraded: " + "; ".join(f"{FAILING.get(name, name + ' is')} failing" for name in failing)
        )
        statuses = jobs.as_dict()
        return {
            "status": status,
            "wal_depth": pipeline.wal.depth,
            "last_commit_error": statuses["commit"]["last_error"],
            "jobs": statuses,
        }

    @app.get("/metrics", response_class=PlainTextResponse)
    def metrics() -> str:
        from prometheus_client import generate_latest

        return generate_latest(registry).decode()

    @app.post("/v1/flush")
    def flush() -> dict[str, Any]:
        """Commit what the log holds now (tests, and operators before a query that must see everything)."""
        ok, committed = pipeline._run_job("commit", pipeline.commit_pending)
        if not ok:
            error = jobs.as_dict()["commit"]["last_error"]
            raise HTTPException(503, f"the commit failed ({error}); the entries stay in the log and are retried")
        return {"committed": committed, "wal_depth": pipeline.wal.depth}

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
        yield CounterMetricFamily(
            "logframe_commit_retries",
            "Commits tried again after losing a race with another writer of the table.",
            value=self.pipeline.store.commit_retries,
        )
        yield GaugeMetricFamily("logframe_wal_depth", "Log entries not yet committed.", value=self.pipeline.wal.depth)
        statuses = self.pipeline.jobs.as_dict()
        runs = CounterMetricFamily("logframe_job_runs", "Runs of each background job.", labels=["job"])
        failures = CounterMetricFamily("logframe_job_failures", "Failed runs of each background job.", labels=["job"])
        failing = GaugeMetricFamily("logframe_job_failing", "1 if the job's last run failed.", labels=["job"])
        last_run = GaugeMetricFamily(
            "logframe_job_last_run_timestamp_seconds", "When each job last ran (Unix time).", labels=["job"]
        )
        last_success = GaugeMetricFamily(
            "logframe_job_last_success_timestamp_seconds", "When each job last succeeded (Unix time).", labels=["job"]
        )
        for name, status in statuses.items():
            runs.add_metric([name], status["runs"])
            failures.add_metric([name], status["failures"])
            failing.add_metric([name], 1.0 if status["last_error"] is not None else 0.0)
            if status["last_run"] is not None:
                last_run.add_metric([name], status["last_run"])
            if status["last_success"] is not None:
                last_success.add_metric([name], status["last_success"])
        yield from (runs, failures, failing, last_run, last_success)


def gzip_body(data: bytes) -> bytes:
    """Gzip ``data`` (for clients and tests sending ``Content-Encoding: gzip``)."""
    return gzip.compress(data)
