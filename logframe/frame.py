"""``LogFrame``: a lazy, immutable view of log records, and ``scan`` / ``LogParser`` to make one.

A LogFrame wraps a ``pl.LazyFrame`` in the schema of :mod:`logframe.schema`.
Nothing is read until a result is asked for (``collect``, ``stats``, iteration,
an export); every method that narrows the records returns a new LogFrame and
leaves the original as it was.

Examples
--------
>>> import logframe
>>> logs = logframe.scan("sample_logs.txt")
>>> errors = logs.filter(level="ERROR", tenant="company-b")
>>> errors.collect().height > 0, logs is not errors
(True, True)
"""

from __future__ import annotations

import datetime as dt
import os
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import polars as pl

from logframe import export, rollup, stats
from logframe.cache import Cached, enabled, lookup, store
from logframe.errors import QueryError, SourceError, UnknownFieldWarning
from logframe.parquet import ParquetOrigin, is_parquet, records_report, scan_parquet
from logframe.query import (
    KEYWORDS,
    all_of,
    column_name,
    field,
    field_keys,
    unknown_field_message,
    window,
    window_start,
)
from logframe.scan import Report, Scan
from logframe.schema import FIELDS_DTYPE, SCHEMA
from logframe.sources import SourceLike, expand
from logframe.sources.files import PathLike
from logframe.timestamps import is_time_of_day, to_timedelta, to_utc

if TYPE_CHECKING:
    from logframe.plot import PlotNamespace


PREVIEW_ROWS = 5
"""Rows shown by the notebook display of a LogFrame."""

PREVIEW_BYTES = 4 << 20
"""Bytes the notebook display reads at most to find its preview rows (never the whole of a big file)."""

KEY_SAMPLE_RECORDS = 100_000
"""Records of the preview read at most for the field keys a query's names are checked against."""

FIELD_KEYS = "field_keys/1"
"""The name under which a cache entry keeps every field key of its records (:func:`_kept_field_keys`)."""

MAX_FIELD_KEYS = 10_000
"""A cache entry keeps its records' field keys only if there are at most this many."""


def _kept_field_keys(records: pl.LazyFrame) -> pl.DataFrame | None:
    """Every distinct field key of an entry's records, for the entry to keep; None if there are too many.

    Bounded in memory: the distinct keys are estimated (HyperLogLog) first, and listed only if there
    are about :data:`MAX_FIELD_KEYS` or fewer.
    """
    if (
        records.select(field_keys(distinct=False).approx_n_unique()).collect(engine="streaming").item()
        > 2 * MAX_FIELD_KEYS
    ):
        return None
    keys = records.select(field_keys()).collect(engine="streaming")
    return keys if keys.height <= MAX_FIELD_KEYS else None


Step = Callable[[pl.LazyFrame], pl.LazyFrame]


class Origin(Protocol):
    """Where a LogFrame's records come from: files read by a scan, or a store (:mod:`logframe.service.store`)."""

    def names(self) -> list[str]:
        """Names to show (files, URLs, a store's path)."""
        ...

    def preview(self, max_bytes: int) -> pl.LazyFrame:
        """Records from a bounded first part of the origin, for the notebook display."""
        ...

    def report(self) -> Report:
        """How the records were read (see :meth:`LogFrame.report`)."""
        ...

    @property
    def live(self) -> bool:
        """Whether records keep arriving (a store): relative time windows then end now, not at the newest record."""
        ...


@dataclass(frozen=True, slots=True)
class Record:
    """One log record, as yielded by iterating a LogFrame.

    ``timestamp`` is an aware UTC datetime (or None); ``fields`` a dict of the
    message's key-value pairs (a repeated key keeps its first value).
    """

    timestamp: dt.datetime | None
    level: str | None
    component: str | None
    message: str | None
    namespace: str | None
    pod: str | None
    container: str | None
    stream: str | None
    fields: dict[str, str | None]
    source: str
    line: int

    def __str__(self) -> str:
        when = self.timestamp.isoformat().replace("+00:00", "Z") if self.timestamp else "-"
        return f"{when} {self.level or '-':<8} [{self.container or '-'}] {self.component or '-'}: {self.message}"


def compacted(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Copy the surviving strings of each batch so a filtered result does not pin whole input batches.

    Polars strings are views: a row kept by a filter keeps its batch's string buffers alive, so
    collecting 1% of a big file would hold nearly all of it (measured: 198 MB for 35k rows of a
    1M-line file). ``concat_str(col, "")`` copies just the kept strings; ``rechunk`` and
    ``shrink_to_fit`` do not release the buffers.
    """

    def copy(expr: pl.Expr) -> pl.Expr:
        return pl.concat_str(expr, pl.lit(""))

    pair = pl.struct(
        copy(pl.element().struct.field("key")).alias("key"), copy(pl.element().struct.field("value")).alias("value")
    )
    copies = []
    for name, dtype in lf.collect_schema().items():
        if dtype == pl.String:
            copies.append(copy(pl.col(name)).alias(name))
        elif dtype == FIELDS_DTYPE:
            copies.append(pl.col(name).list.eval(pair).alias(name))
    return lf.with_columns(copies) if copies else lf


def _record(row: dict[str, Any]) -> Record:
    pairs = row.pop("fields") or []
    fields: dict[str, str | None] = {}
    for pair in pairs:
        fields.setdefault(pair["key"], pair["value"])
    return Record(fields=fields, **row)


def _count(n: object, verb: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise QueryError(f"{verb}(n) takes a number of records >= 0, got {n!r}")
    return n


@dataclass(frozen=True)
class PolarsOrigin:
    """The origin of a LogFrame made from a Polars frame (see :meth:`LogFrame.from_polars`)."""

    lf: pl.LazyFrame

    def names(self) -> list[str]:
        """One name for the frame."""
        return ["a Polars frame"]

    def preview(self, max_bytes: int) -> pl.LazyFrame:
        """The frame itself: its head is what a preview reads."""
        return self.lf

    def report(self) -> Report:
        """Records of the frame (nothing was parsed or skipped), in the report every origin gives."""
        return records_report(self.names(), lambda _: self.lf, "polars", "records given as a Polars frame")

    @property
    def live(self) -> bool:
        """A frame is read as it is: relative windows end at the newest record."""
        return False


class LogFrame:
    """Log records, lazily read; build one with :func:`scan` or :meth:`LogParser.from_file`.

    Examples
    --------
    >>> import logframe
    >>> logs = logframe.scan("sample_logs.txt")
    >>> logs.filter(level=["ERROR", "CRITICAL"]).lazy().select("level").collect()["level"].unique().sort().to_list()
    ['ERROR', 'CRITICAL']
    """

    __slots__ = ("_lf", "_origin", "_steps")

    def __init__(self, lf: pl.LazyFrame, origin: Origin, steps: tuple[Step, ...] = ()) -> None:
        self._lf = lf
        self._origin = origin
        self._steps = steps  # how this frame narrows the scan, replayed by the notebook preview

    # -- conversion -------------------------------------------------------------------------

    def lazy(self) -> pl.LazyFrame:
        """The records as a ``pl.LazyFrame`` (for anything Polars can do).

        ``fields`` stays nested (a list of ``{key, value}`` structs), which Polars' CSV sink
        refuses ("CSV format does not support nested data"): for ``sink_csv`` take
        :meth:`flat` instead (``logs.flat().sink_csv(path)``, or ``lf.logs.flat()`` on a LazyFrame).

        Examples
        --------
        >>> import logframe
        >>> logframe.scan("sample_logs.txt").lazy().collect_schema().names()[:4]
        ['timestamp', 'level', 'component', 'message']
        """
        return self._lf

    def flat(self) -> pl.LazyFrame:
        """The records as a ``pl.LazyFrame`` any text format can hold: the columns :meth:`to_csv` writes.

        ``fields`` becomes the text of a JSON object (``{"tenant":"company-b"}``, read back with
        ``json.loads``), ``timestamp`` ISO 8601 UTC with ``Z`` and ``level`` a String (see
        :func:`logframe.export.flat`), so Polars' sinks take it: ``logs.flat().sink_csv(path)``
        writes the file ``logs.to_csv(path)`` does. On a LazyFrame: ``lf.logs.flat()``.

        Examples
        --------
        >>> import logframe, json
        >>> row = logframe.scan("sample_logs.txt").filter(level="CRITICAL").flat().head(1).collect().row(0, named=True)
        >>> row["timestamp"], json.loads(row["fields"])
        ('2025-10-07T16:41:00Z', {'worker': 'ocr-2'})
        """
        return export.flat(compacted(self._lf))

    def collect(self) -> pl.DataFrame:
        """Read the records into a ``pl.DataFrame`` (with Polars' streaming engine).

        Examples
        --------
        >>> import logframe
        >>> logframe.scan("sample_logs.txt").filter(container="frontend").collect().height
        11
        """
        return compacted(self._lf).collect(engine="streaming")

    def _with(self, step: Step) -> LogFrame:
        return LogFrame(step(self._lf), self._origin, (*self._steps, step))

    # -- narrowing --------------------------------------------------------------------------

    def filter(self, *predicates: pl.Expr, **constraints: Any) -> LogFrame:
        """Keep records matching every predicate and keyword (see :mod:`logframe.query`).

        ``after`` is inclusive and ``before`` exclusive; they take ISO times, epoch
        numbers, datetimes, times to the minute (``"2025-10-07 16:40"``) and times of
        day (``"16:40"``: on the date of the newest record). ``last="15m"`` keeps the
        last 15 minutes before the newest record (before now on a live store, whose
        records keep arriving); ``relative_to="now"`` or ``"newest"`` says which.
        The older ``last_minutes=N`` counts back from now unless
        ``relative_to="newest"``. Finding the newest record takes one quick pass.

        Examples
        --------
        >>> import logframe, polars as pl
        >>> logs = logframe.scan("sample_logs.txt")
        >>> logs.filter(level="error", tenant="company-b").collect().height
        30
        >>> logs.filter(pl.col("container") == "frontend", stream="stdout").collect().height
        6
        >>> logs.filter(last="5m").collect()["timestamp"].min()
        datetime.datetime(2025, 10, 7, 16, 54, 8, tzinfo=zoneinfo.ZoneInfo(key='UTC'))
        >>> logs.filter(after="16:50", before="16:51").collect().height
        2
        """
        last, last_minutes = constraints.pop("last", None), constraints.pop("last_minutes", None)
        relative_to = constraints.pop("relative_to", None)
        if last is None and last_minutes is None and relative_to is not None:
            raise QueryError("relative_to goes with last='15m' (or last_minutes=N)")
        newest: dt.datetime | None = None
        if any(is_time_of_day(constraints.get(key)) for key in ("after", "before")):
            newest = self._newest()
            if newest is None:
                raise QueryError("a time of day needs the date of a record, and no record has a timestamp")
            for key in ("after", "before"):
                if is_time_of_day(constraints.get(key)):
                    constraints[key] = to_utc(constraints[key], on=newest.date())
        exprs: list[pl.Expr] = []
        if predicates or constraints:
            exprs.append(all_of(*predicates, **constraints))
            self._warn_unknown_fields([k for k in constraints if k not in KEYWORDS and column_name(k) is None])
        if last is not None or last_minutes is not None:
            span = window(last, last_minutes)
            if relative_to is None:
                relative_to = "now" if last is None or self._origin.live else "newest"
            if relative_to == "newest" and newest is None:
                newest = self._newest()
            exprs.append(pl.col("timestamp") >= window_start(span, relative_to, newest))
        if not exprs:
            return self
        return self._with(lambda lf: lf.filter(*exprs))

    def where(self, query: str) -> LogFrame:
        """Keep records matching a query string (see :mod:`logframe.querylang`).

        A name that is neither a column nor a key-value field of any record in the first
        :data:`PREVIEW_BYTES` read (``contaner='backend'``) gives an :class:`~logframe.UnknownFieldWarning`
        naming the nearest real name, rather than silently no rows; so does such a ``filter`` keyword,
        and such a name given to ``top``, ``count_by``, ``counts``, ``error_rate`` or ``compare``.

        Examples
        --------
        >>> import logframe
        >>> logs = logframe.scan("sample_logs.txt")
        >>> logs.where("(pod_name='frontend-6c8d9-zxcvb' | case_id='abc-41-def') & level!='DEBUG'").collect().height
        12
        """
        from logframe.querylang import compile_query, field_names

        predicate = compile_query(query)
        self._warn_unknown_fields(field_names(query))
        return self._with(lambda lf: lf.filter(predicate))

    def _warn_unknown_fields(self, names: Sequence[str], stacklevel: int = 3) -> None:
        """Warn (:class:`UnknownFieldWarning`) of each field no record of a bounded sample has.

        The sample is what the notebook preview reads: the records of the first
        :data:`PREVIEW_BYTES` of the sources (at most :data:`KEY_SAMPLE_RECORDS`), whatever
        this frame's filters, so finding the keys seen costs one small read, not a pass. A key
        that first occurs later in the sources is warned of too (the message says what was
        read). From a cache entry, which keeps every key of its records, none is read and
        the check is exact. On a live store, whose fields keep arriving, nothing is checked.
        """
        if not names or self._origin.live:
            return
        kept = self._kept_field_keys()
        if kept is not None:
            seen, where = kept, "the cache entry"
        else:
            sample = self._origin.preview(PREVIEW_BYTES).head(KEY_SAMPLE_RECORDS)
            seen = sample.select(field_keys()).collect(engine="streaming")["key"].to_list()
            where = f"the first {PREVIEW_BYTES >> 20} MiB read"
        for name in names:
            if name not in seen:
                warnings.warn(UnknownFieldWarning(unknown_field_message(name, seen, where)), stacklevel=stacklevel)

    def _kept_field_keys(self) -> list[str] | None:
        """Every field key of the sources' records, if their cache entry kept them (whatever this frame's filters)."""
        kept = self._origin.summary(FIELD_KEYS) if isinstance(self._origin, Cached) else None
        return None if kept is None else kept["key"].to_list()

    def field_keys(self) -> list[str]:
        """The keys of the key-value fields these records have (``tenant``, ``retry_count``...), sorted.

        What a query can name besides the columns. One pass over the records, except on a frame
        read unfiltered from the cache, whose entry kept them.

        Examples
        --------
        >>> import logframe
        >>> logs = logframe.scan("sample_logs.txt")
        >>> logs.field_keys()[:4], logs.filter(container="frontend").field_keys()
        (['case_id', 'channel', 'company.a', 'cpu'], ['duration_ms', 'level', 'msg', 'path', 'url'])
        """
        kept = None if self._steps else self._kept_field_keys()
        if kept is None:
            kept = self._lf.select(field_keys()).collect(engine="streaming")["key"].to_list()
        return sorted(kept)

    def _warn_unknown_names(self, by: str | Sequence[str] | None) -> None:
        """:meth:`_warn_unknown_fields` for the names of a grouping verb that are not columns."""
        names = [by] if isinstance(by, str) else list(by or ())
        self._warn_unknown_fields([n for n in names if isinstance(n, str) and column_name(n) is None], stacklevel=4)

    def head(self, n: int = 10) -> LogFrame:
        """The first ``n`` records (in file order), still lazy.

        Examples
        --------
        >>> import logframe
        >>> logframe.scan("sample_logs.txt").head(3).collect()["line"].to_list()
        [1, 3, 4]
        """
        count = _count(n, "head")
        return self._with(lambda lf: lf.head(count))

    def tail(self, n: int = 10) -> LogFrame:
        """The last ``n`` records (in file order, or in the order of a :meth:`sort` before it), still lazy.

        Examples
        --------
        >>> import logframe
        >>> logframe.scan("sample_logs.txt").tail(2).collect()["line"].to_list()
        [146, 147]
        """
        count = _count(n, "tail")
        return self._with(lambda lf: lf.tail(count))

    def sort(self, *by: str, descending: bool = False) -> LogFrame:
        """Records ordered by columns (default ``timestamp``), nulls last; still a LogFrame.

        Examples
        --------
        >>> import logframe
        >>> logs = logframe.scan("sample_logs.txt")
        >>> logs.sort("timestamp", descending=True).head(1).collect()["line"].item()
        147
        """
        names = list(by) or ["timestamp"]
        known = self.schema.names()
        for name in names:
            if not isinstance(name, str) or name not in known:
                raise QueryError(f"cannot sort by {name!r}: the columns are {', '.join(known)}")
        return self._with(lambda lf: lf.sort(names, descending=descending, nulls_last=True))

    def select(self, *exprs: str | pl.Expr) -> pl.LazyFrame:
        """Columns or expressions of the records as a ``pl.LazyFrame`` (no longer in the record schema).

        ``filter``, ``where``, ``head``, ``tail``, ``sort`` and ``with_fields`` keep a LogFrame;
        ``select`` and :meth:`lazy` leave it for Polars.

        Examples
        --------
        >>> import logframe, polars as pl
        >>> logframe.scan("sample_logs.txt").select("level", pl.col("line") * 2).head(1).collect().row(0)
        ('INFO', 2)
        """
        return self._lf.select(*exprs)

    @property
    def schema(self) -> pl.Schema:
        """Column names and dtypes (read without reading any record).

        Examples
        --------
        >>> import logframe
        >>> logframe.scan("sample_logs.txt").schema["line"]
        Int64
        """
        return self._lf.collect_schema()

    @property
    def height(self) -> int:
        """The number of records (one pass that decodes no message; also ``len(logs)``).

        Examples
        --------
        >>> import logframe
        >>> logs = logframe.scan("sample_logs.txt")
        >>> logs.height, len(logs.filter(level="CRITICAL"))
        (137, 4)
        """
        count: int = self._lf.select(pl.len()).collect(engine="streaming").item()
        return count

    def __len__(self) -> int:
        return self.height

    @staticmethod
    def from_polars(lf: pl.LazyFrame | pl.DataFrame) -> LogFrame:
        """A LogFrame over any Polars frame in the record schema (extra columns are kept).

        Raises
        ------
        QueryError
            If a record column is missing or has another dtype (the message lists them).

        Examples
        --------
        >>> import logframe
        >>> lf = logframe.scan("sample_logs.txt").lazy().filter(pl.col("line") < 10)
        >>> logframe.LogFrame.from_polars(lf).stats()["total"]
        8
        """
        if isinstance(lf, pl.DataFrame):
            lf = lf.lazy()
        if not isinstance(lf, pl.LazyFrame):
            raise QueryError(f"from_polars takes a pl.LazyFrame or pl.DataFrame, got {type(lf).__name__}")
        schema = lf.collect_schema()
        wrong = [
            f"{name} (expected {dtype}, got {schema.get(name, 'nothing')})"
            for name, dtype in SCHEMA.items()
            if schema.get(name) != dtype
        ]
        if wrong:
            raise QueryError(
                "not a frame in the record schema (see logframe.SCHEMA); columns missing or of another dtype: "
                + "; ".join(wrong)
            )
        return LogFrame(lf, PolarsOrigin(lf))

    def with_fields(self, *names: str) -> LogFrame:
        """Add key-value fields as String columns of their own (e.g. to group or export them).

        Examples
        --------
        >>> import logframe
        >>> logframe.scan("sample_logs.txt").with_fields("tenant").lazy().select("tenant").head(1).collect().item()
        'company_a'
        """
        return self._with(lambda lf: lf.with_columns(field(n) for n in names))

    def _newest(self) -> dt.datetime | None:
        newest = self._lf.select(pl.col("timestamp").max()).collect(engine="streaming").item()
        return newest.astimezone(dt.UTC) if newest is not None else None

    # -- reading ----------------------------------------------------------------------------

    def __iter__(self) -> Iterator[Record]:
        """Stream the records batch by batch as :class:`Record` objects."""
        for batch in compacted(self._lf).collect_batches(engine="streaming"):
            for row in batch.iter_rows(named=True):
                yield _record(row)

    def _repr_html_(self) -> str:
        """Notebook display: sources, schema and the first matching rows among the first few MiB read."""
        import html

        preview = self._origin.preview(PREVIEW_BYTES)
        for step in self._steps:
            preview = step(preview)
        rows = compacted(preview.head(PREVIEW_ROWS)).collect(engine="streaming")
        sources = self._origin.names()
        names = ", ".join(html.escape(name) for name in sources[:5])
        more = f" and {len(sources) - 5} more" if len(sources) > 5 else ""
        schema = ", ".join(
            f"<code>{html.escape(n)}</code>: {html.escape(str(t))}" for n, t in self._lf.collect_schema().items()
        )
        note = (
            f"<p><i>No matching record in the first {PREVIEW_BYTES >> 20} MiB read; "
            "<code>.head(n).collect()</code> searches the whole input.</i></p>"
            if rows.is_empty()
            else ""
        )
        return (
            f"<div><p><b>LogFrame</b> ({self._how()}) over {names}{more}</p>"
            f"<p style='font-size:smaller'>{schema}</p>{rows._repr_html_()}{note}</div>"
        )

    def __repr__(self) -> str:
        sources = self._origin.names()
        names = ", ".join(sources[:3])
        more = f" and {len(sources) - 3} more" if len(sources) > 3 else ""
        return f"<LogFrame of {names}{more} ({self._how()}; .collect() to read)>"

    def _how(self) -> str:
        """``lazy``, and whether the records are read from the cache (:meth:`cache`) rather than parsed."""
        return "lazy, from the cache" if isinstance(self._origin, Cached) else "lazy"

    # -- analysis ---------------------------------------------------------------------------

    @property
    def plot(self) -> PlotNamespace:
        """Charts: ``error_rate``, ``error_counts``, ``levels``, ``overview``, ``heatmap``, ``top`` (logframe.plot)."""
        from logframe.plot import PlotNamespace

        return PlotNamespace(self)

    def stats(self) -> dict[str, Any]:
        """``total``, ``by_level``, ``by_container`` and the UTC ``time_range``, in one pass.

        Records with no level count under ``"UNKNOWN"``, with no container under
        ``"unknown"``.

        Examples
        --------
        >>> import logframe
        >>> s = logframe.scan("sample_logs.txt").stats()
        >>> s["total"], s["by_level"]["ERROR"], s["time_range"]
        (137, 45, {'start': '2025-10-07T16:00:05Z', 'end': '2025-10-07T16:58:21.771609Z'})
        """
        return stats.summary(self._lf)

    def count_by(self, *by: str, every: str | None = None) -> pl.DataFrame:
        """Count records by columns and/or key-value fields, optionally per ``every`` bucket (or ``"auto"``).

        Examples
        --------
        >>> import logframe
        >>> logframe.scan("sample_logs.txt").filter(level="ERROR").count_by("tenant").rows()
        [('company-b', 30), ('company_a', 13), (None, 2)]
        """
        self._warn_unknown_names(by)
        return stats.count_by(self._lf, *by, every=None if every is None else self.resolve_every(every))

    def error_rate(self, every: str = "auto", by: str | list[str] | None = None) -> pl.DataFrame:
        """Error rate per time bucket (optionally per group) with a 95% Wilson interval; see :func:`stats.error_rate`.

        ``every="auto"`` picks a bucket (1s ... 1d) giving about 60-150 buckets over the records' span.

        Examples
        --------
        >>> import logframe
        >>> rates = logframe.scan("sample_logs.txt").error_rate(every="5m", by="container")
        >>> rates.columns
        ['bucket', 'container', 'total', 'errors', 'rate', 'rate_low', 'rate_high']
        """
        self._warn_unknown_names(by)
        every = self.resolve_every(every)
        counted = self._counted(every, by)
        if counted is not None:
            return stats.error_rate(counted, every, by, weight=rollup.WEIGHT)
        return stats.error_rate(self._lf, every, by)

    def counts(self, every: str = "auto", by: str | list[str] | None = "level") -> pl.DataFrame:
        """Records per time bucket and group, zero-filled; see :func:`stats.counts` (``every`` as for ``error_rate``).

        Examples
        --------
        >>> import logframe
        >>> logframe.scan("sample_logs.txt").counts(every="1h", by=None).rows()
        [(datetime.datetime(2025, 10, 7, 16, 0, tzinfo=zoneinfo.ZoneInfo(key='UTC')), 134)]
        """
        self._warn_unknown_names(by)
        every = self.resolve_every(every)
        counted = self._counted(every, by)
        if counted is not None:
            return stats.counts(counted, every, by, weight=rollup.WEIGHT)
        return stats.counts(self._lf, every, by)

    def _counted(self, every: str, by: str | list[str] | None) -> pl.LazyFrame | None:
        """The cache entry's counts per bucket, if they answer a count per ``every`` by ``by`` of these records.

        Only an unfiltered frame from the cache has them (see :mod:`logframe.rollup`): its charts
        then read thousands of rows instead of every record.
        """
        if self._steps or not isinstance(self._origin, Cached):
            return None
        return self._origin.counts(every, [by] if isinstance(by, str) else list(by or []))

    def resolve_every(self, every: str = "auto") -> str:
        """The bucket ``every`` stands for: itself, checked, or for ``"auto"`` the one the time charts pick.

        ``"auto"`` gives about 60-150 buckets over the records' time span (:func:`stats.auto_every`).
        The span is :meth:`time_span`'s.

        Examples
        --------
        >>> import logframe
        >>> logs = logframe.scan("sample_logs.txt")
        >>> logs.resolve_every(), logs.filter(container="frontend").resolve_every(), logs.resolve_every("5m")
        ('30s', '30s', '5m')
        """
        if stats.check_every(every, auto=True) == stats.AUTO:
            return stats.auto_every(self.time_span())
        return every

    def time_span(self) -> dt.timedelta | None:
        """The newest minus the oldest timestamp, or ``None`` if no record has one.

        One pass over the timestamps, except on a frame read unfiltered from the cache, whose entry
        stored its span when it was written.

        Examples
        --------
        >>> import logframe
        >>> logframe.scan("sample_logs.txt").filter(level="CRITICAL").time_span()
        datetime.timedelta(seconds=460, microseconds=771609)
        """
        origin = self._origin
        if not self._steps and isinstance(origin, Cached) and origin.spanned:
            return None if origin.span is None else origin.span[1] - origin.span[0]
        return stats.time_span(self._lf)

    def patterns(self) -> pl.DataFrame:
        """Message templates with counts, first/last seen, counts by level and an example; see :mod:`logframe.patterns`.

        Examples
        --------
        >>> import logframe
        >>> top = logframe.scan("sample_logs.txt").filter(level="ERROR").patterns().row(0, named=True)
        >>> top["template"], top["count"]
        ('Connection failed tenant=<*> retry_count=<*> host=<*>', 30)
        """
        from logframe.patterns import KEPT, MASKED, mask, summarise, templates

        lf, origin = self._lf, self._origin
        if isinstance(origin, Cached) and origin.derived.get(MASKED) == str(mask(pl.col("message"))):
            kept = None if self._steps else origin.summary(KEPT)
            if kept is not None:  # grouped by message when the cache was written
                return templates(kept, masked=True)
            lf = origin.lazy(MASKED)  # masked when the cache was written
            for step in self._steps:
                lf = step(lf)
        return summarise(lf)

    def compare(
        self,
        baseline: LogFrame | None = None,
        *,
        at: str | dt.datetime | None = None,
        window: str | dt.timedelta | None = None,
        by: Sequence[str] | None = None,
    ) -> pl.DataFrame:
        """What changed against a baseline: templates and field values ranked by the error increase they explain.

        Pass another frame as ``baseline``, or split this one at a time ``at`` (the baseline is the
        ``window`` before it, the current window the ``window`` from it; without ``window``,
        everything before and everything from). ``by`` picks the dimensions (default: template,
        tenant, pod, container, component). See :mod:`logframe.compare`.

        Examples
        --------
        >>> import logframe
        >>> logs = logframe.scan("sample_logs.txt")
        >>> top = logs.compare(at="2025-10-07T16:40:00Z", window="30m", by=["tenant"]).row(0, named=True)
        >>> top["value"], top["base_errors"], top["errors"], top["new"]
        ('company-b', 0, 33, False)
        """
        from logframe.compare import DIMENSIONS, compare, split_at
        from logframe.timestamps import to_utc

        if (baseline is None) == (at is None):
            raise QueryError("compare needs either a baseline frame or at=<time> to split this frame, not both")
        dimensions = tuple(by) if by is not None else DIMENSIONS
        self._warn_unknown_names([d for d in dimensions if d != "template"])
        if baseline is not None:
            return compare(self._lf, baseline.lazy(), dimensions)
        span = to_timedelta(window, "window") if window is not None else None
        before, after = split_at(to_utc(at), span)  # type: ignore[arg-type]
        minutes = (span.total_seconds() / 60, span.total_seconds() / 60) if span is not None else None
        return compare(self.filter(**after).lazy(), self.filter(**before).lazy(), dimensions, minutes)

    def top(self, name: str, n: int = 10) -> pl.DataFrame:
        """The ``n`` most frequent values of a column or key-value field.

        Examples
        --------
        >>> import logframe
        >>> logframe.scan("sample_logs.txt").top("tenant", n=2).rows()
        [('company-b', 67), ('company_a', 43)]
        """
        self._warn_unknown_names(name)
        return stats.top_values(self._lf, name, n)

    def cache(self) -> LogFrame:
        """Parse the sources once into a local columnar cache and read these records from it.

        The cache holds every record of the sources (before this frame's filters, which are then
        applied to it), sorted by time, with the scan's report; later ``logframe.scan`` calls on the
        same unchanged sources read it instead of parsing (see :mod:`logframe.cache` for the key,
        the location, the size limit and ``cache=False``). Records read from the cache come in time
        order, not file order. A frame already read from the cache is marked as used and returned;
        a frame over Parquet files is already columnar and returned as it is.

        Raises
        ------
        SourceError
            If the records do not come from local files, standard input or bytes (object storage,
            the CloudWatch API, a store, a Polars frame), or the cache folder cannot be written.

        Examples
        --------
        >>> import logframe, os, tempfile
        >>> os.environ["LOGFRAME_CACHE_DIR"] = tempfile.mkdtemp()
        >>> errors = logframe.scan("sample_logs.txt").filter(level="ERROR").cache()
        >>> errors.height, errors.report()["records"]
        (45, 137)
        >>> logframe.scan("sample_logs.txt").filter(level="CRITICAL").height  # hits the cache
        4
        >>> logframe.scan("sample_logs.txt", cache=False).head(3).collect()["line"].to_list()  # file order
        [1, 3, 4]
        >>> del os.environ["LOGFRAME_CACHE_DIR"]
        """
        origin = self._origin
        if isinstance(origin, ParquetOrigin):
            return self
        if isinstance(origin, Cached):
            origin.touch()
            return self
        if not isinstance(origin, Scan):
            raise SourceError(
                f"cache() keeps records parsed from log files; these come from {', '.join(origin.names()[:3])} "
                "(a store, object storage, the CloudWatch API or a Polars frame), which it cannot key"
            )
        from logframe.patterns import KEPT, MASKED, kept_groups, mask

        # patterns() need not mask again, nor (of all the records) read them; unknown names need no sample
        summaries = {KEPT: kept_groups, FIELD_KEYS: _kept_field_keys}
        cached = store(origin, derived={MASKED: mask(pl.col("message"))}, summaries=summaries)
        lf = cached.lazy()
        for step in self._steps:
            lf = step(lf)
        return LogFrame(lf, cached, self._steps)

    def report(self) -> Report:
        """How the sources were read: every line accounted for (one pass over the files).

        ``lines == records + merged + sum(skipped.values())`` always holds (``merged`` counts
        lines folded into the record before them, such as traceback lines; 0 for single-line formats). ``examples``
        quotes the first few skipped lines per reason (source, line number, text);
        ``null_timestamp`` and ``no_level`` count kept records missing those.
        The report is about the sources, whatever filters this frame has.

        Examples
        --------
        >>> import logframe
        >>> r = logframe.scan("sample_logs.txt").report()
        >>> r["lines"], r["records"], r["skipped"]
        (147, 137, {'invalid_json': 4, 'not_a_json_object': 3, 'blank': 2, 'truncated_json': 1})
        """
        return self._origin.report()

    # -- export -----------------------------------------------------------------------------

    def to_csv(self, path: PathLike) -> os.PathLike[str]:
        """Write the records to CSV (``fields`` as JSON text); see :mod:`logframe.export`.

        Examples
        --------
        >>> import logframe, tempfile, os
        >>> out = os.path.join(tempfile.mkdtemp(), "errors.csv")
        >>> _ = logframe.scan("sample_logs.txt").filter(level="CRITICAL").to_csv(out)
        >>> sum(1 for _ in open(out, encoding="utf-8"))
        5
        """
        return export.to_csv(compacted(self._lf), path)

    def to_parquet(self, path: PathLike, compression: export.ParquetCompression = "zstd") -> os.PathLike[str]:
        """Write the records to Parquet, keeping every dtype.

        Examples
        --------
        >>> import logframe, polars as pl, tempfile, os
        >>> out = os.path.join(tempfile.mkdtemp(), "errors.parquet")
        >>> _ = logframe.scan("sample_logs.txt").filter(level="CRITICAL").to_parquet(out)
        >>> pl.read_parquet(out).height
        4
        """
        return export.to_parquet(compacted(self._lf), path, compression)

    def to_ndjson(self, path: PathLike) -> os.PathLike[str]:
        """Write the records as newline-delimited JSON (``fields`` as an object).

        Examples
        --------
        >>> import logframe, json, tempfile, os
        >>> out = os.path.join(tempfile.mkdtemp(), "c.ndjson")
        >>> _ = logframe.scan("sample_logs.txt").filter(level="CRITICAL", container="backend").to_ndjson(out)
        >>> json.loads(open(out, encoding="utf-8").readline())["fields"]
        {'tenant': 'company-b'}
        """
        return export.to_ndjson(compacted(self._lf), path)

    def to_json(self, path: PathLike) -> os.PathLike[str]:
        """Write the records as one JSON array.

        Examples
        --------
        >>> import logframe, json, tempfile, os
        >>> out = os.path.join(tempfile.mkdtemp(), "c.json")
        >>> _ = logframe.scan("sample_logs.txt").filter(level="CRITICAL").to_json(out)
        >>> len(json.load(open(out, encoding="utf-8")))
        4
        """
        return export.to_json(compacted(self._lf), path)

    def to_text(self, path: PathLike) -> os.PathLike[str]:
        """Write one readable line a record.

        Examples
        --------
        >>> import logframe, tempfile, os
        >>> out = os.path.join(tempfile.mkdtemp(), "c.log")
        >>> _ = logframe.scan("sample_logs.txt").filter(level="CRITICAL", component="app.worker").to_text(out)
        >>> open(out, encoding="utf-8").read().split()[:3]
        ['2025-10-07T16:41:00Z', 'CRITICAL', '[ocr-processor/ocr-processor-5f7b8-qwert]']
        """
        return export.to_text(compacted(self._lf), path)


def scan(
    source: SourceLike | Sequence[SourceLike],
    *,
    format: str = "auto",
    mapping: dict[str, str] | None = None,
    storage_options: dict[str, Any] | None = None,
    on_read: Callable[[int], None] | None = None,
    cache: bool | None = None,
) -> LogFrame:
    """Lazily scan log files into a :class:`LogFrame`.

    Parameters
    ----------
    source
        A path, a directory (read recursively), a glob (``"logs/*.jsonl"``, ``"logs/**/*.gz"``),
        ``"-"`` for standard input, an object-storage URL (``"s3://bucket/exports/"``: an object, a
        prefix read recursively, or a glob), a source object such as
        :func:`logframe.sources.cloudwatch` (the CloudWatch Logs API), or a list of them; ``.gz``,
        ``.bz2`` and ``.zst`` files are decompressed as they are read. ``.parquet`` files in the record
        schema (``to_parquet`` exports, the service's archives) are read as they are, not parsed.
    format
        ``"auto"`` (detected per source from its first lines, see :func:`logframe.scan.choose_formats`),
        or one of ``"cloudwatch"`` (Kubernetes JSON lines as CloudWatch stores them), ``"docker"``
        (json-file driver, split lines joined), ``"cri"`` (containerd / CRI-O), ``"json"`` (any JSON
        object a line), ``"logfmt"``, ``"python"`` (logging text, tracebacks merged) and ``"text"``
        (a leading time, then the message).
    mapping
        For ``"json"``: schema field → dotted JSON path, e.g. ``{"timestamp": "@timestamp",
        "message": "msg", "level": "severity"}`` (defaults recognise the common names).
    storage_options
        For URLs: options of the fsspec filesystem (for S3: ``key``, ``secret``, ``endpoint_url``, ...).
    on_read
        Called with the number of bytes read from disk as reading goes on (for progress bars).
    cache
        Whether to read the records from the cache when :meth:`LogFrame.cache` has written them for
        these sources as they are now (then in time order). ``None`` (the default): yes, unless the
        environment variable ``LOGFRAME_CACHE=0``; ``False``: always parse the sources.

    Raises
    ------
    SourceError
        If a file does not exist or a glob matches nothing (checked now, not at collect).
    FormatError
        If ``format`` is unknown, or ``"auto"`` cannot tell a source's format.

    Examples
    --------
    >>> import logframe
    >>> logframe.scan("sample_logs.txt")
    <LogFrame of sample_logs.txt (lazy; .collect() to read)>
    """
    sources = expand(source, storage_options)
    parquet = [s.name for s in sources if is_parquet(s.name)]
    if parquet:
        if len(parquet) != len(sources):
            raise SourceError("Parquet files (the record schema) and log files cannot be scanned together; scan each")
        return LogFrame(scan_parquet(parquet), ParquetOrigin(parquet))
    scanned = Scan.of(sources, format, mapping, on_read)
    hit = lookup(scanned) if (enabled() if cache is None else cache) else None
    if hit is not None:
        return LogFrame(hit.lazy(), hit)
    return LogFrame(scanned.lazy(), scanned)


class LogParser:
    """The entry point of the original brief: ``LogParser.from_file(path)``.

    Examples
    --------
    >>> from logframe import LogParser
    >>> LogParser.from_file("sample_logs.txt").stats()["total"]
    137
    """

    @staticmethod
    def from_file(source: PathLike | Sequence[PathLike], *, format: str = "auto") -> LogFrame:
        """Same as :func:`scan`: a lazy LogFrame over a path, glob or list of paths."""
        return scan(source, format=format)


__all__ = ["KEYWORDS", "LogFrame", "LogParser", "Record", "scan"]
