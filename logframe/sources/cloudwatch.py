"""The CloudWatch Logs API: ``filter_log_events`` pages streamed into batches.

:func:`cloudwatch` names a log group and a time window; scanning it walks boto3's paginator (which
follows ``nextToken`` and passes over empty pages), one page of events at a time, so memory does not
grow with the window. Each event becomes one JSON line, ``{"time": <event time>, "log": <message>,
"log_stream": <stream>}``, read by the ``cloudwatch`` format: a message that is itself a Fluent Bit /
Kubernetes record (``{"log": ..., "kubernetes": {...}}``) or any structured JSON is unwrapped into the
schema (see the README, "JSON inside the message"); a plain message is parsed as text. The ``line`` of a
record is the event's position in the scan. Needs the ``aws`` extra (``pip install 'logframe[aws]'``).

Examples
--------
>>> src = cloudwatch("/eks/prod/app", "2025-10-07T16:00:00Z", "2025-10-07T17:00:00Z", filter_pattern="ERROR")
>>> src.name
'cloudwatch:/eks/prod/app'
>>> src.start_ms, src.end_ms
(1759852800000, 1759856400000)
>>> from_url("cloudwatch:///eks/prod/app?start=2025-10-07T16:00:00Z&end=2025-10-07T17:00:00Z&filter=ERROR") == src
True
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO, cast

from logframe.dependencies import import_optional
from logframe.errors import SourceError
from logframe.sources.memory import ChunkReader

PAGE_SIZE = 10_000
"""Events asked for a page (the API's maximum)."""


def _epoch_ms(value: str | dt.datetime, name: str) -> int:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise SourceError(f"{name}={value!r} is not an ISO 8601 time such as '2025-10-07T16:00:00Z'") from None
    if not isinstance(value, dt.datetime):
        raise SourceError(f"{name} must be an ISO 8601 string or a datetime, got {type(value).__name__}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)  # a naive time means UTC, as everywhere in logframe
    return int(value.timestamp() * 1000)


def _iso(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class CloudWatchSource:
    """Events of one CloudWatch log group in a time window (see :func:`cloudwatch`)."""

    log_group: str
    start_ms: int
    end_ms: int
    filter_pattern: str | None = None
    log_stream_prefix: str | None = None
    page_size: int = PAGE_SIZE
    client: Any = field(default=None, compare=False, repr=False)

    @property
    def name(self) -> str:
        """The name records carry in their ``source`` column."""
        return f"cloudwatch:{self.log_group}"

    def size(self) -> int | None:
        """Unknown before reading (no progress total)."""
        return None

    def _client(self) -> Any:
        if self.client is not None:
            return self.client
        boto3 = import_optional("boto3", "reading CloudWatch Logs")
        return boto3.client("logs")

    def pages(self) -> Iterator[list[dict[str, Any]]]:
        """The events of each page, in the API's order (empty pages included)."""
        arguments: dict[str, Any] = {"logGroupName": self.log_group, "startTime": self.start_ms, "endTime": self.end_ms}
        if self.filter_pattern:
            arguments["filterPattern"] = self.filter_pattern
        if self.log_stream_prefix:
            arguments["logStreamNamePrefix"] = self.log_stream_prefix
        paginator = self._client().get_paginator("filter_log_events")
        for page in paginator.paginate(**arguments, PaginationConfig={"PageSize": self.page_size}):
            yield page.get("events", [])

    def open(self) -> BinaryIO:
        """The events as JSON lines, a page at a time."""
        return cast(BinaryIO, ChunkReader(self._lines()))

    def _lines(self) -> Iterator[bytes]:
        """One chunk of JSON lines a page of events."""
        for events in self.pages():
            if not events:
                continue
            chunk = "".join(
                json.dumps(
                    {"time": _iso(e["timestamp"]), "log": e.get("message"), "log_stream": e.get("logStreamName")},
                    ensure_ascii=False,
                )
                + "\n"
                for e in events
            ).encode()
            yield chunk


def cloudwatch(
    log_group: str,
    start: str | dt.datetime,
    end: str | dt.datetime,
    filter_pattern: str | None = None,
    log_stream_prefix: str | None = None,
    *,
    client: Any = None,
    page_size: int = PAGE_SIZE,
) -> CloudWatchSource:
    """A source of the events of ``log_group`` from ``start`` (inclusive) to ``end`` (exclusive).

    Pass it to :func:`logframe.scan`. ``filter_pattern`` and ``log_stream_prefix`` are the API's own
    (``"ERROR"``, ``'{ $.level = "error" }'``; ``"backend-"``). ``client`` is a boto3 ``logs`` client
    (default: ``boto3.client("logs")`` with your usual AWS configuration).

    Raises
    ------
    SourceError
        If a time is not ISO 8601 or ``end`` is not after ``start``.

    Examples
    --------
    >>> cloudwatch("/eks/prod/app", "2025-10-07T17:00:00Z", "2025-10-07T16:00:00Z")
    Traceback (most recent call last):
    ...
    logframe.errors.SourceError: end (2025-10-07T16:00:00Z) must be after start (2025-10-07T17:00:00Z)
    """
    start_ms, end_ms = _epoch_ms(start, "start"), _epoch_ms(end, "end")
    if end_ms <= start_ms:
        first, last = (_iso(ms).replace(".000", "") for ms in (start_ms, end_ms))
        raise SourceError(f"end ({last}) must be after start ({first})")
    if not isinstance(page_size, int) or not 1 <= page_size <= PAGE_SIZE:
        raise SourceError(f"page_size must be an integer from 1 to {PAGE_SIZE}, got {page_size!r}")
    return CloudWatchSource(log_group, start_ms, end_ms, filter_pattern, log_stream_prefix, page_size, client)


URL_SCHEME = "cloudwatch://"
"""The scheme of :func:`from_url` (for the command line)."""

_URL_KEYS = {"start", "end", "filter", "prefix"}


def from_url(url: str, *, client: Any = None) -> CloudWatchSource:
    """A source from ``cloudwatch://LOG_GROUP?start=ISO&end=ISO&filter=PATTERN&prefix=STREAM_PREFIX``.

    ``start`` is required; ``end`` defaults to now. For log groups starting with ``/``, write three
    slashes: ``cloudwatch:///aws/containerinsights/prod/application?start=...``.

    Raises
    ------
    SourceError
        If the log group or ``start`` is missing, or a parameter is not one of those above.
    """
    parts = urllib.parse.urlsplit(url)
    group = urllib.parse.unquote(parts.netloc + parts.path)
    query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
    example = "cloudwatch:///eks/prod/app?start=2025-10-07T16:00:00Z&end=2025-10-07T17:00:00Z&filter=ERROR"
    if unknown := set(query) - _URL_KEYS:
        raise SourceError(f"unknown parameters {sorted(unknown)} in {url!r}; accepted: {sorted(_URL_KEYS)}")
    if not group or "start" not in query:
        raise SourceError(f"{url!r} needs a log group and start=, e.g. {example!r}")
    end = query.get("end") or dt.datetime.now(dt.UTC)
    return cloudwatch(group, query["start"], end, query.get("filter"), query.get("prefix"), client=client)
