"""The scan: sources read by the native decoder (:mod:`logframe._native`) into Polars batches.

A :class:`Scan` is immutable: its sources, the format of each (named or detected) and how to read
them. Each *pass* over it (:meth:`Scan.batches`) starts the decoder afresh -- one reader thread
decompressing and cutting chunks of whole lines, worker threads on every core decoding them to Arrow
record batches, handed to Polars without a copy -- and yields ``pl.DataFrame`` batches in input order,
then holds the pass's :class:`Report`. :meth:`Scan.lazy` is a ``pl.LazyFrame`` whose every collect is
such a pass: Polars tells it which columns a query needs (a count parses no message; ``stats()`` only
the level, container and time) and the predicate above it, whose cheap parts the decoder applies as it
goes (see :mod:`logframe.pushdown`).

Every line is accounted for: kept as a record, merged into one (traceback lines), or skipped with a
reason (``blank``, ``invalid_json``, ``truncated_json``, ``not_a_json_object``, ``line_too_long``,
``not_cri``, ``not_logfmt``). A source that cannot be read, or whose compressed stream is damaged, is
skipped from there on and reported; the others are read. Only a pass with no readable source at all
raises :class:`~logframe.errors.SourceError`.

Examples
--------
>>> scan = Scan.of(expand("sample_logs.txt"))
>>> scan.formats[0][0]
'cloudwatch'
>>> sum(batch.height for batch in scan.batches(["level"]))
137
>>> scan.report().skipped
{'invalid_json': 4, 'not_a_json_object': 3, 'blank': 2, 'truncated_json': 1}
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl
from polars.io.plugins import register_io_source

from logframe import _native
from logframe.errors import FormatError, SourceError
from logframe.pushdown import pushable
from logframe.schema import SCHEMA
from logframe.sources import Source, expand
from logframe.sources import files as _files

SAMPLE_LINES = 50
"""Non-blank lines of a source that format detection looks at."""

SAMPLE_BYTES = 1 << 20
"""Detection reads at most this much of a source."""


def threads() -> int:
    """Decoder threads: the cores this process may use (``LOGFRAME_THREADS`` overrides)."""
    configured = os.environ.get("LOGFRAME_THREADS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, len(os.sched_getaffinity(0)))


@dataclass(frozen=True)
class SourceReport:
    """How one source was read."""

    source: str
    format: str
    why: str
    compression: str
    lines: int
    records: int
    merged: int
    invalid_utf8: int
    skipped: Mapping[str, int]
    error: str | None = None
    """Why reading stopped early (unreadable, damaged stream), or None."""


def _sorted_counts(counts: Mapping[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


@dataclass(frozen=True, eq=False)
class Report(Mapping[str, Any]):
    """Every line of a pass accounted for: ``lines == records + merged + sum(skipped.values())``.

    A ``Mapping`` too (``report["skipped"]``), with the keys of :meth:`as_dict`.
    """

    lines: int
    records: int
    merged: int
    skipped: Mapping[str, int]
    examples: Mapping[str, list[dict[str, Any]]]
    """The first few skipped lines per reason: ``source``, ``line``, ``text`` (cut to 120 characters)."""
    invalid_utf8: int
    null_timestamp: int
    """Kept records without a (readable, representable) time."""
    timestamp_out_of_range: int
    """... of which the time was a real date outside 1677-09-21 .. 2262-04-11."""
    no_level: int
    replaced_surrogates: int
    """Records whose JSON held a lone surrogate escape, replaced by U+FFFD."""
    sources: tuple[SourceReport, ...] = field(default=())
    damaged: tuple[dict[str, Any], ...] = field(default=())
    """Sources skipped from some point on: ``source``, ``error``, ``bytes`` (decompressed bytes read)."""

    @classmethod
    def of_records(cls, records: int, null_timestamp: int, no_level: int, sources: Sequence[SourceReport]) -> Report:
        """The report of an origin holding records already parsed (Parquet, the store): nothing skipped."""
        return cls(records, records, 0, {}, {}, 0, null_timestamp, 0, no_level, 0, tuple(sources))

    def as_dict(self) -> dict[str, Any]:
        """The report as plain data (for JSON)."""
        return {
            "lines": self.lines,
            "records": self.records,
            "merged": self.merged,
            "skipped": dict(self.skipped),
            "examples": {k: list(v) for k, v in self.examples.items()},
            "invalid_utf8": self.invalid_utf8,
            "null_timestamp": self.null_timestamp,
            "timestamp_out_of_range": self.timestamp_out_of_range,
            "no_level": self.no_level,
            "replaced_surrogates": self.replaced_surrogates,
            "sources": [
                {
                    "source": s.source,
                    "format": s.format,
                    "why": s.why,
                    "compression": s.compression,
                    "lines": s.lines,
                    "records": s.records,
                    "merged": s.merged,
                    "invalid_utf8": s.invalid_utf8,
                    "skipped": dict(s.skipped),
                    "error": s.error,
                }
                for s in self.sources
            ],
            "damaged": [dict(d) for d in self.damaged],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Report:
        """The report :meth:`as_dict` gave (how the cache keeps it beside the records).

        Examples
        --------
        >>> report = Scan.of(expand("sample_logs.txt")).report()
        >>> Report.from_dict(report.as_dict()).as_dict() == report.as_dict()
        True
        """
        return cls(
            lines=data["lines"],
            records=data["records"],
            merged=data["merged"],
            skipped=dict(data["skipped"]),
            examples={reason: list(quoted) for reason, quoted in data["examples"].items()},
            invalid_utf8=data["invalid_utf8"],
            null_timestamp=data["null_timestamp"],
            timestamp_out_of_range=data["timestamp_out_of_range"],
            no_level=data["no_level"],
            replaced_surrogates=data["replaced_surrogates"],
            sources=tuple(SourceReport(**source) for source in data["sources"]),
            damaged=tuple(dict(d) for d in data["damaged"]),
        )

    def __getitem__(self, key: str) -> Any:
        return self.as_dict()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.as_dict())

    def __len__(self) -> int:
        return len(self.as_dict())

    @classmethod
    def _of_native(cls, parts: list[dict[str, Any]], whys: Sequence[str]) -> Report:
        total: dict[str, int] = {}
        examples: dict[str, list[dict[str, Any]]] = {}
        sources = []
        damaged = []
        for part, why in zip(parts, whys, strict=True):
            for reason, n in part["skipped"].items():
                total[reason] = total.get(reason, 0) + n
            for reason, line, text in part["examples"]:
                quoted = examples.setdefault(reason, [])
                if len(quoted) < 5:
                    quoted.append({"source": part["source"], "line": line, "text": text})
            sources.append(
                SourceReport(
                    part["source"],
                    part["format"],
                    why,
                    part["compression"],
                    part["lines"],
                    part["records"],
                    part["merged"],
                    part["invalid_utf8"],
                    _sorted_counts(part["skipped"]),
                    part["error"],
                )
            )
            if part["error"] is not None:
                damaged.append({"source": part["source"], "error": part["error"], "bytes": part["bytes"]})
        skipped = _sorted_counts(total)

        def add(key: str) -> int:
            return sum(int(p[key]) for p in parts)

        return cls(
            lines=add("lines"),
            records=add("records"),
            merged=add("merged"),
            skipped=skipped,
            examples={reason: examples[reason] for reason in skipped if reason in examples},
            invalid_utf8=add("invalid_utf8"),
            null_timestamp=add("null_timestamp"),
            timestamp_out_of_range=add("timestamp_out_of_range"),
            no_level=add("no_level"),
            replaced_surrogates=add("replaced_surrogates"),
            sources=tuple(sources),
            damaged=tuple(damaged),
        )


class Pass:
    """One pass over a scan's sources: iterate it for ``pl.DataFrame`` batches, then read :attr:`report`."""

    def __init__(
        self,
        scan: Scan,
        columns: Sequence[str],
        predicate: pl.Expr | None = None,
        n_rows: int | None = None,
        count_nulls: bool = False,
    ) -> None:
        self._scan = scan
        self._columns = list(columns)
        self._predicate = predicate
        self._n_rows = n_rows
        self._count_nulls = count_nulls
        self.report: Report | None = None
        """The pass's line accounting, once it has been iterated to the end (None before)."""

    def __iter__(self) -> Iterator[pl.DataFrame]:
        scan = self._scan
        opened = [source.open() for source in scan.sources]
        try:
            yield from self._run(opened)
        finally:
            for handle in opened:
                if not isinstance(handle, str):
                    handle.close()

    def _run(self, opened: list[Any]) -> Iterator[pl.DataFrame]:
        scan = self._scan
        scanner = _native.Scanner(
            [(s.name, handle, fmt) for s, handle, (fmt, _) in zip(scan.sources, opened, scan.formats, strict=True)],
            self._columns,
            mapping=list((scan.mapping or {}).items()),
            filter=pushable(self._predicate),
            chunk_size=_files.CHUNK_SIZE,
            max_line=_files.MAX_LINE,
            max_bytes=scan.max_bytes,
            threads=threads(),
            year=dt.datetime.now(dt.UTC).year,
            count_nulls=self._count_nulls,
        )
        remaining = self._n_rows
        try:
            for batch, read in scanner:
                if scan.on_read is not None and read:
                    scan.on_read(read)
                if batch is None:
                    continue
                frame = pl.DataFrame(batch)  # zero-copy; the level arrives as the level Enum
                if self._predicate is not None:
                    frame = frame.filter(self._predicate)
                if remaining is not None:
                    frame = frame.head(remaining)
                    remaining -= frame.height
                if frame.height:
                    yield frame
                if remaining == 0:
                    scanner.close()
                    return
        finally:
            scanner.close()
        parts = scanner.report()
        unreadable = [p for p in parts if p["error"] is not None and p["lines"] == 0]
        if parts and len(unreadable) == len(parts):
            reasons = "; ".join(str(p["error"]) for p in unreadable[:3])
            raise SourceError(f"no source could be read: {reasons}")
        if scan.max_bytes is None:
            self.report = Report._of_native(parts, [why for _, why in scan.formats])


def choose_formats(sources: Sequence[Source], format: str) -> tuple[tuple[str, str], ...]:
    """The format of each source: the one named, or (``"auto"``) detected from its first lines."""
    if format != "auto":
        if format not in _native.FORMATS:
            accepted = ", ".join(repr(f) for f in _native.FORMATS)
            raise FormatError(f"unknown format {format!r}; accepted: 'auto', {accepted}")
        return tuple((format, "given") for _ in sources)
    chosen = []
    for source in sources:
        handle = source.open()
        try:
            lines = _native.sample(handle, SAMPLE_LINES, SAMPLE_BYTES)
        except ValueError:  # unreadable or damaged from the start: the pass reports it
            lines = []
        finally:
            if not isinstance(handle, str):
                handle.close()
        try:
            chosen.append(_native.detect(lines, source.name))
        except FormatError:
            if source.name != _files.STDIN_LABEL:
                raise
            # A pipe (``kubectl logs pod | logframe stats -``) is often an application's plain output:
            # read it as text lines (a line without a leading time is a record without a timestamp).
            chosen.append(("text", f"no format fits the {len(lines)} sampled lines: plain text on standard input"))
    return tuple(chosen)


@dataclass(frozen=True)
class Scan:
    """What to read and how (immutable); see the module docstring."""

    sources: tuple[Source, ...]
    formats: tuple[tuple[str, str], ...]
    """Per source: the format's name and why it was chosen."""
    mapping: Mapping[str, str] | None = None
    """Field mapping of the generic ``json`` format."""
    on_read: Callable[[int], None] | None = field(default=None, compare=False)
    """Called with the bytes read from each source as reading goes on (progress bars)."""
    max_bytes: int | None = None
    """Stop after about this many bytes (a preview); such a partial pass has no report."""

    @classmethod
    def of(
        cls,
        sources: Sequence[Source],
        format: str = "auto",
        mapping: Mapping[str, str] | None = None,
        on_read: Callable[[int], None] | None = None,
    ) -> Scan:
        """A scan of ``sources``, each in the ``format`` named or (``"auto"``) detected now."""
        if mapping is not None:
            _native.check_mapping(list(mapping.items()))
        return cls(tuple(sources), choose_formats(sources, format), mapping, on_read)

    def names(self) -> list[str]:
        """The names of the sources, for display."""
        return [s.name for s in self.sources]

    def batches(
        self, columns: Sequence[str] | None = None, predicate: pl.Expr | None = None, n_rows: int | None = None
    ) -> Pass:
        """A pass yielding batches of ``columns`` (all by default) that match ``predicate``."""
        return Pass(self, list(SCHEMA) if columns is None else columns, predicate, n_rows)

    def lazy(self) -> pl.LazyFrame:
        """A LazyFrame in the record schema whose every collect is a pass (with projection and pushdown)."""

        def source(
            with_columns: list[str] | None, predicate: pl.Expr | None, n_rows: int | None, batch_size: int | None
        ) -> Iterator[pl.DataFrame]:
            columns = list(SCHEMA) if with_columns is None else with_columns
            return iter(Pass(self, columns, predicate, n_rows))

        names = ", ".join(self.names()[:3]) + (" ..." if len(self.sources) > 3 else "")
        return register_io_source(source, schema=SCHEMA, explain_name="logframe", explain_detail=names)

    @property
    def live(self) -> bool:
        """Files are read as they are: relative windows end at the newest record."""
        return False

    def preview(self, max_bytes: int) -> pl.LazyFrame:
        """The records of the first ``max_bytes`` read (for a notebook preview that never reads it all)."""
        return replace(self, max_bytes=max_bytes, on_read=None).lazy()

    def report(self) -> Report:
        """Every line accounted for, from one complete pass over the sources (see ``LogFrame.report``)."""
        run = Pass(replace(self, max_bytes=None), [], count_nulls=True)
        for _ in run:
            pass
        assert run.report is not None  # a complete pass always has one
        return run.report


__all__ = ["Pass", "Report", "Scan", "SourceReport", "choose_formats", "expand"]
