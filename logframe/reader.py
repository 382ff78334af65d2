"""The streaming reader: files -> chunks -> lines -> a format's raw columns -> records.

:func:`scan_records` returns a ``pl.LazyFrame`` in the schema of
:mod:`logframe.schema`, backed by ``polars.io.plugins.register_io_source``: each
collect reads the files again, a bounded chunk at a time (see
:data:`logframe.sources.files.CHUNK_SIZE`), so memory does not grow with the
file. Polars tells the source which raw columns a query needs (projection
pushdown: a count never decodes ``log``) and hands it the predicates it can
apply early (on ``pod``, ``container``, ``source``, ... ), which run on each
batch before it leaves the reader.

Every line is accounted for in a :class:`Tally`: kept as a record, or skipped
with a reason (``blank``, ``invalid_json``, ``truncated_json``,
``not_a_json_object``, ``line_too_long``).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from polars.io.plugins import register_io_source

from logframe.formats import SAMPLE_LINES, detect, get_format
from logframe.formats.base import Format
from logframe.formats.embedded import unwrap
from logframe.messages import level_of, parse_messages
from logframe.schema import RAW_SCHEMA, SCHEMA
from logframe.sources import Source
from logframe.timestamps import parse_timestamp

EXAMPLES_PER_REASON = 5
"""How many skipped lines per reason the report quotes."""

_STRIP = " \t\r\n\x0b\x0c\ufeff"


@dataclass
class SourceTally:
    """Line accounting for one source."""

    source: str
    format: str
    why: str = ""
    lines: int = 0
    records: int = 0
    merged: int = 0
    invalid_utf8: int = 0
    skipped: Counter[str] = field(default_factory=Counter)


@dataclass
class Tally:
    """Line accounting for one complete pass over every source."""

    sources: list[SourceTally] = field(default_factory=list)
    examples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def add_skipped(self, source: SourceTally, rejected: pl.DataFrame, lines: pl.DataFrame | None) -> None:
        """Count skipped lines (``line``, ``reason``: a handful a batch) and keep the first few as examples."""
        if rejected.is_empty():
            return
        reasons = rejected["reason"].to_list()
        source.skipped.update(reasons)
        wanted = [
            (line, reason)
            for line, reason in zip(rejected["line"].to_list(), reasons, strict=True)
            if len(self.examples.setdefault(reason, [])) < EXAMPLES_PER_REASON
        ]
        if not wanted:
            return
        texts: dict[int, str] = {}
        if lines is not None:
            quoted = lines.filter(pl.col("line").is_in([line for line, _ in wanted]))
            texts = dict(zip(quoted["line"].to_list(), quoted["text"].to_list(), strict=True))
        for line, reason in wanted:
            if len(self.examples[reason]) < EXAMPLES_PER_REASON:
                text = texts.get(line) or ""
                self.examples[reason].append({"source": source.source, "line": line, "text": text[:120]})

    def as_dict(self) -> dict[str, Any]:
        """The totals, by reason and by source."""
        skipped: Counter[str] = Counter()
        for s in self.sources:
            skipped.update(s.skipped)
        return {
            "lines": sum(s.lines for s in self.sources),
            "records": sum(s.records for s in self.sources),
            "merged": sum(s.merged for s in self.sources),
            "skipped": dict(skipped.most_common()),
            "examples": {reason: self.examples[reason] for reason in skipped},
            "invalid_utf8": sum(s.invalid_utf8 for s in self.sources),
            "sources": [
                {
                    "source": s.source,
                    "format": s.format,
                    "why": s.why,
                    "lines": s.lines,
                    "records": s.records,
                    "merged": s.merged,
                    "skipped": dict(s.skipped.most_common()),
                }
                for s in self.sources
            ],
        }


@dataclass
class ScanState:
    """What a LogFrame knows about where its records come from."""

    sources: list[Source]
    formats: list[tuple[str, str]]
    """Per source: the format's name and why it was chosen."""
    mapping: dict[str, str] | None = None
    """Field mapping of the generic ``json`` format."""
    on_read: Callable[[int], None] | None = None
    max_bytes: int | None = None
    """Stop after reading about this many bytes (a preview); such a partial pass records no tally."""
    last_tally: Tally | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def names(self) -> list[str]:
        """The names of the sources, for display."""
        return [s.name for s in self.sources]

    def preview(self, max_bytes: int) -> pl.LazyFrame:
        """The records of the first ``max_bytes`` read (for a notebook preview that never reads it all)."""
        return scan_records(ScanState(self.sources, self.formats, mapping=self.mapping, max_bytes=max_bytes))

    def report(self) -> dict[str, Any]:
        """Every line accounted for, from one complete pass over the sources (see ``LogFrame.report``)."""
        counts = (
            scan_records(self)
            .select(null_timestamp=pl.col("timestamp").null_count(), no_level=pl.col("level").null_count())
            .collect(engine="streaming")
        )
        with self.lock:
            tally = self.last_tally
        if tally is None:  # pragma: no cover - a complete pass always records its tally
            raise RuntimeError("the scan did not complete")
        report = tally.as_dict()
        report.update(counts.row(0, named=True))
        return report


def choose_formats(sources: list[Source], format: str) -> list[tuple[str, str]]:
    """The format of each source: the one named, or (``"auto"``) detected from its first lines."""
    if format != "auto":
        get_format(format)
        return [(format, "given")] * len(sources)
    chosen = []
    for source in sources:
        sample: list[str] = []
        seen = 0
        chunks = source.chunks()
        for chunk in chunks:
            if chunk is None:
                continue
            lines, _ = split_lines(chunk, 1)
            sample += lines.filter(pl.col("text") != "")["text"].to_list()
            seen += len(chunk)
            if len(sample) >= SAMPLE_LINES or seen >= 1 << 20:
                break
        chunks.close()  # type: ignore[attr-defined]
        chosen.append(detect(pl.Series(sample[:SAMPLE_LINES], dtype=pl.String), source.name))
    return chosen


def split_lines(chunk: bytes, first_line: int, strip: str = _STRIP) -> tuple[pl.DataFrame, int]:
    r"""Split a chunk into numbered, stripped lines; count lines with invalid UTF-8.

    Invalid UTF-8 bytes are replaced with U+FFFD, never fatal. A trailing newline
    ends the last line rather than starting an empty one.

    Examples
    --------
    >>> df, bad = split_lines(b'\xef\xbb\xbf{"a":1}\r\n  \nb\xff\n', 10)
    >>> df.rows(), bad
    ([(10, '{"a":1}'), (11, ''), (12, 'b\ufffd')], 1)
    """
    try:
        text, invalid = pl.Series("text", [chunk], dtype=pl.Binary).cast(pl.String), 0
    except pl.exceptions.PolarsError:  # invalid UTF-8 somewhere in the chunk: replace, never fail
        text, invalid = pl.Series("text", [chunk.decode("utf-8", errors="replace")]), -1
    pieces = text.str.split("\n").explode()
    if chunk.endswith(b"\n"):
        pieces = pieces.head(-1)
    lines = pl.DataFrame(
        {
            "line": pl.int_range(first_line, first_line + pieces.len(), dtype=pl.Int64, eager=True),
            "text": pieces.str.strip_chars(strip),
        }
    )
    if invalid:
        invalid = int(lines["text"].str.contains("\ufffd", literal=True).sum())
    return lines, invalid


class _SourceDecoder:
    """Decodes one source's chunks: line accounting, multi-line records held across chunks."""

    def __init__(self, source: Source, counts: SourceTally, fmt: Format, tally: Tally, wanted: list[str]) -> None:
        self.source, self.counts, self.fmt, self.tally, self.wanted = source, counts, fmt, tally, wanted
        self.columns = [c for c in wanted if c not in ("source", "line")]
        self.merge = getattr(fmt, "merge", None)  # formats whose records span lines (tracebacks)
        self.strip = getattr(fmt, "strip", _STRIP)  # characters a format lets the reader strip from each line
        self.embedded_json = getattr(fmt, "embedded_json", False)  # formats whose message may be a JSON object
        self.pending = pl.DataFrame(schema={"line": pl.Int64, "text": pl.String})
        self.consumed = 0

    def batch(self, lines: pl.DataFrame, final: bool = False) -> pl.DataFrame:
        """The raw batch of a chunk's ``lines`` (numbered, stripped); blank and bad lines counted."""
        text_col = pl.col("text")
        is_blank = (text_col == "") if self.strip == _STRIP else (text_col.str.strip_chars() == "")
        blank = lines.filter(is_blank).select("line", reason=pl.lit("blank"))
        text = lines.filter(~is_blank)
        if self.merge is not None:
            text = pl.concat([self.pending, text]) if self.pending.height else text
            merged, self.pending = self.merge(text, final=final)
            self.counts.merged += text.height - self.pending.height - merged.height
            text = merged
        decoded = self.fmt.decode(text, self.columns)
        self.tally.add_skipped(self.counts, pl.concat([blank, decoded.rejected]), lines)
        records = unwrap(decoded.records, self.columns) if self.embedded_json else decoded.records
        self.counts.records += records.height
        have = {*records.columns, "source"}
        missing = [pl.lit(None, RAW_SCHEMA[c]).alias(c) for c in self.wanted if c not in have]
        shaped = records.with_columns(*missing, source=pl.lit(self.source.name))
        return shaped.select([pl.col(c).cast(RAW_SCHEMA[c]) for c in self.wanted])

    def batches(self, on_read: Callable[[int], None] | None, budget: int | None) -> Iterator[pl.DataFrame]:
        """Every raw batch of the source, then the record held back at its end (stops after ``budget`` bytes)."""
        next_line = 1
        for chunk in self.source.chunks(on_read):
            if chunk is None:
                oversized = pl.DataFrame({"line": [next_line], "reason": ["line_too_long"]})
                self.tally.add_skipped(self.counts, oversized, None)
                self.counts.lines += 1
                next_line += 1
                continue
            self.consumed += len(chunk)
            lines, invalid = split_lines(chunk, next_line, self.strip)
            next_line += lines.height
            self.counts.lines += lines.height
            self.counts.invalid_utf8 += invalid
            yield self.batch(lines)
            if budget is not None and self.consumed >= budget:
                break
        if self.pending.height:
            yield self.batch(self.pending.clear(), final=True)


def _batches(
    state: ScanState,
    with_columns: list[str] | None,
    predicate: pl.Expr | None,
    n_rows: int | None,
) -> Iterator[pl.DataFrame]:
    wanted = with_columns if with_columns is not None else list(RAW_SCHEMA)
    tally = Tally()
    remaining = n_rows
    consumed = 0
    for source, (format_name, why) in zip(state.sources, state.formats, strict=True):
        fmt = get_format(format_name, state.mapping)
        counts = SourceTally(source.name, fmt.name, why)
        tally.sources.append(counts)
        decoder = _SourceDecoder(source, counts, fmt, tally, wanted)
        budget = state.max_bytes - consumed if state.max_bytes is not None else None
        for batch in decoder.batches(state.on_read, budget):
            if predicate is not None:
                batch = batch.filter(predicate)
            if remaining is not None:
                batch = batch.head(remaining)
                remaining -= batch.height
            if batch.height:
                yield batch
            if remaining == 0:
                return
        consumed += decoder.consumed
        if state.max_bytes is not None and consumed >= state.max_bytes:
            return
    with state.lock:
        state.last_tally = tally


def scan_raw(state: ScanState) -> pl.LazyFrame:
    """A LazyFrame of the raw columns (:data:`RAW_SCHEMA`) of every source in ``state``."""

    def source(
        with_columns: list[str] | None, predicate: pl.Expr | None, n_rows: int | None, batch_size: int | None
    ) -> Iterator[pl.DataFrame]:
        return _batches(state, with_columns, predicate, n_rows)

    names = ", ".join(s.name for s in state.sources[:3]) + (" ..." if len(state.sources) > 3 else "")
    return register_io_source(source, schema=RAW_SCHEMA, explain_name="logframe", explain_detail=names)


def to_records(raw: pl.LazyFrame) -> pl.LazyFrame:
    """Parse raw columns into the record schema (:data:`logframe.schema.SCHEMA`).

    A level given by the format (``raw_level``) wins over one found in the message; the format's
    ``attrs`` come first in ``fields``, then the message's own key-values.
    """
    staged = raw.with_columns(
        parse_timestamp(pl.col("time")).alias("timestamp"),
        pl.col("raw_level").str.strip_chars().str.to_uppercase().alias("_explicit_level"),
    )
    parsed = parse_messages(staged, "log").with_columns(
        level=pl.coalesce(level_of(pl.col("_explicit_level")), pl.col("level")),
        fields=pl.when(pl.col("attrs").is_null())
        .then(pl.col("fields"))
        .otherwise(pl.concat_list(pl.col("attrs"), pl.col("fields"))),
    )
    return parsed.select([pl.col(name).cast(dtype) for name, dtype in SCHEMA.items()])  # drops _explicit_level


def scan_records(state: ScanState) -> pl.LazyFrame:
    """A LazyFrame of records in the schema of :mod:`logframe.schema`."""
    return to_records(scan_raw(state))
