r"""A local columnar cache of parsed records: parse a big export once, query it in seconds after.

:meth:`LogFrame.cache() <logframe.LogFrame.cache>` reads a scan's sources once and writes their
records, sorted by time, to one zstd Parquet file whose metadata holds the scan's
:class:`~logframe.scan.Report` (so ``report()`` still says what was skipped and why), the records'
time span and their counts per time bucket, level and container (:mod:`logframe.rollup`: the time
charts of a cached frame read those, not the records), and the summaries its writer asks for (the
records grouped by masked message for ``patterns()``, their field keys for checking a query's
names). Later ``logframe.scan`` calls on the same sources read that file instead of parsing again.

The file is named by a key over every source's identity -- for a file its name, resolved path,
size and modification time (``st_mtime_ns``); for standard input and bytes in memory their name and
content hash (BLAKE2b) -- and over how it is read: the format of each source, the ``json`` mapping,
the decoder build and the current year (syslog times without a year). A source that changes
(appended to, rewritten, touched) has another key, so the old entry is never read for it.
Object storage and the CloudWatch API have no cheap identity and are not cached.

What is cached is the *source-level* records: ``logs.filter(level="ERROR").cache()`` writes every
record of the sources, then applies the filter to the cache, so any later query of the same sources
hits. Records are sorted by ``timestamp`` (ties keep their input order; records without a time come
last), so time windows read only the row groups they need.

Writing is atomic and bounded in memory: records are cut into sorted runs of
:data:`RUN_BYTES` written to a hidden temporary folder, then merged a time slice at a time
(:data:`SLICE_ROWS` records) through Polars' streaming Parquet sink into a temporary file, which is
renamed to its key's name only once complete. A write killed half-way leaves only the hidden folder:
readers never look at it, and later writes remove it once it is an hour old.

Configuration (environment variables):

- ``LOGFRAME_CACHE_DIR``: where entries live (default: ``$XDG_CACHE_HOME/logframe``, else
  ``~/.cache/logframe``; ``~/Library/Caches/logframe`` on macOS, ``%LOCALAPPDATA%\logframe`` on Windows).
- ``LOGFRAME_CACHE_SIZE``: the limit on the entries' total size, e.g. ``500MB``, ``10GiB`` or bytes
  (default 10 GiB). After each write the least recently used entries (by access time, which a hit
  updates) are removed until the rest fit; the entry just written is always kept.
- ``LOGFRAME_CACHE=0`` (or ``off``, ``false``, ``no``): scans never read the cache (as ``cache=False``).

Examples
--------
>>> import logframe, os, tempfile
>>> os.environ["LOGFRAME_CACHE_DIR"] = tempfile.mkdtemp()
>>> cached = logframe.scan("sample_logs.txt").cache()
>>> cached.report()["skipped"]["invalid_json"], cached.filter(level="ERROR").height
(4, 45)
>>> logframe.scan("sample_logs.txt").filter(level="CRITICAL").height  # read from the cache now
4
>>> len(entries())
1
>>> del os.environ["LOGFRAME_CACHE_DIR"]
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import io
import itertools
import json
import os
import re
import secrets
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from polars.io.plugins import register_io_source

from logframe import _native, rollup
from logframe.errors import FormatError, SourceError
from logframe.parquet import scan_parquet
from logframe.scan import Pass, Report, Scan
from logframe.schema import SCHEMA
from logframe.sources import BytesSource, FileSource, Source

CACHE_FORMAT = 1
"""Version of the cache's layout; part of every key, so a new layout never reads an old entry."""

RUN_BYTES = 16 << 20
"""Records (in memory) sorted and written as one run while the sources are read."""

SLICE_ROWS = 50_000
"""Records merged at a time from the runs into the cache file (one time slice)."""

ROW_GROUP = 16_384
"""Rows of a Parquet row group in the cache: small enough for time windows to skip most of a file."""

SAMPLE_EVERY = 1_000
"""One timestamp in this many is read back to place the time slices."""

DEFAULT_SIZE = 10 << 30
"""The cache's size limit unless ``LOGFRAME_CACHE_SIZE`` says otherwise."""

STALE_SECONDS = 3_600
"""A temporary folder this old is a killed write's, and removed."""

REPORT_KEY = "logframe.report"
"""Parquet key-value metadata holding the scan's report (JSON of ``Report.as_dict``)."""

CACHE_KEY = "logframe.cache"
"""Parquet key-value metadata holding the cache format and the entry's key."""

ROLLUP_KEY = "logframe.rollup"
"""Parquet key-value metadata holding the records' counts per bucket, level and container (:mod:`logframe.rollup`)."""

SUMMARY_KEY = "logframe.summary."
"""Prefix of the Parquet key-value metadata holding a summary of the records, by its name (see :func:`store`)."""

Summarise = Callable[[pl.LazyFrame], pl.DataFrame | None]
"""Makes a summary of an entry's records (derived columns included) as it is written; None to keep none."""

SUFFIX = ".parquet"
UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "kib": 1 << 10, "m": 1000**2, "mb": 1000**2, "mib": 1 << 20}
UNITS |= {"g": 1000**3, "gb": 1000**3, "gib": 1 << 30, "t": 1000**4, "tb": 1000**4, "tib": 1 << 40}
OFF = frozenset({"0", "off", "false", "no"})


def directory() -> Path:
    """Where cache entries live: ``LOGFRAME_CACHE_DIR``, else the platform's cache folder.

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"LOGFRAME_CACHE_DIR": "/tmp/logframe-cache"}):
    ...     print(directory())
    /tmp/logframe-cache
    """
    configured = os.environ.get("LOGFRAME_CACHE_DIR", "")
    if configured:
        return Path(configured).expanduser()
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "logframe"
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "logframe"
    base = os.environ.get("XDG_CACHE_HOME", "")
    return (Path(base) if base else Path.home() / ".cache") / "logframe"


def parse_size(text: str) -> int:
    """Bytes from a size such as ``"500MB"``, ``"10 GiB"`` or ``"1048576"``.

    Raises
    ------
    FormatError
        If the text is not a number with an optional unit (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB).

    Examples
    --------
    >>> parse_size("500MB"), parse_size("1.5 GiB"), parse_size("4096")
    (500000000, 1610612736, 4096)
    """
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", text)
    unit = found.group(2).lower() if found else ""
    if found is None or unit not in UNITS:
        raise FormatError(f"cache size {text!r} is not a size; accepted: bytes, or a number with KB, MB, GB, MiB, GiB")
    return int(float(found.group(1)) * UNITS[unit])


def size_limit() -> int:
    """The limit on the cache's total size: ``LOGFRAME_CACHE_SIZE``, else 10 GiB.

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"LOGFRAME_CACHE_SIZE": "2GB"}):
    ...     print(size_limit())
    2000000000
    """
    configured = os.environ.get("LOGFRAME_CACHE_SIZE", "")
    return parse_size(configured) if configured else DEFAULT_SIZE


def enabled() -> bool:
    """Whether scans read the cache by default (``LOGFRAME_CACHE=0`` turns it off).

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"LOGFRAME_CACHE": "off"}):
    ...     print(enabled())
    False
    """
    return os.environ.get("LOGFRAME_CACHE", "").strip().lower() not in OFF


def _content_hash(chunks: Iterator[bytes]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            yield chunk


def identity(source: Source) -> list[Any] | None:
    """What names a source's bytes: a file's name, resolved path, size and mtime; stdin's or bytes' content hash.

    None for sources with no cheap identity (object storage, the CloudWatch API), which are not cached.

    Examples
    --------
    >>> from logframe.sources import BytesSource
    >>> identity(BytesSource("body", b"abc"))
    ['content', 'body', 'cf4ab791c62b8d2b2109c90275287816']
    """
    if isinstance(source, BytesSource):
        return ["content", source.name, _content_hash(iter([source.data]))]
    if isinstance(source, FileSource):
        if source.label is not None:  # standard input, spooled to a temporary file of another name each time
            return ["content", source.name, _content_hash(_file_chunks(source.path))]
        stat = source.path.stat()
        return ["file", source.name, str(source.path.resolve()), stat.st_size, stat.st_mtime_ns]
    return None


def _decoder_build() -> list[Any]:
    """The decoder's file, size and mtime: a rebuilt decoder (which may parse differently) gets new keys."""
    path = Path(_native.__file__ or "")
    stat = path.stat()
    return [path.name, stat.st_size, stat.st_mtime_ns]


def key(scan: Scan) -> str | None:
    """The cache key of a scan's records (None if a source cannot be cached).

    Examples
    --------
    >>> from logframe.scan import Scan, expand
    >>> len(key(Scan.of(expand("sample_logs.txt"))))
    32
    """
    sources = []
    for source in scan.sources:
        found = identity(source)
        if found is None:
            return None
        sources.append(found)
    described = {
        "cache": CACHE_FORMAT,
        "decoder": _decoder_build(),
        "year": dt.datetime.now(dt.UTC).year,
        "formats": [name for name, _ in scan.formats],
        "mapping": sorted((scan.mapping or {}).items()),
        "sources": sources,
    }
    return _content_hash(iter([json.dumps(described, sort_keys=True).encode()]))


@dataclass(frozen=True)
class Cached:
    """The origin of a LogFrame read from a cache entry (see :class:`logframe.frame.Origin`)."""

    path: Path
    stored: Report
    """The report of the scan that wrote the entry."""
    derived: Mapping[str, str]
    """Columns derived from the records when the entry was written: name -> the expression's text."""
    span: tuple[dt.datetime, dt.datetime] | None = None
    """The first and last timestamp of the records (None if none has one), known without reading them."""
    spanned: bool = False
    """Whether the entry recorded :attr:`span` (entries written before it was kept did not)."""
    rollup: tuple[str, str] | None = field(default=None, repr=False)
    """The bucket of the records' counts kept in the entry and those counts, encoded (see :mod:`logframe.rollup`)."""
    summaries: Mapping[str, str] = field(default_factory=dict, repr=False)
    """The summaries of the records kept in the entry, encoded, by name (see :func:`store`)."""
    _decoded: dict[str, pl.DataFrame] = field(default_factory=dict, init=False, repr=False, compare=False)
    """The rollup and summaries decoded so far (each is decoded once; callers get clones)."""

    def names(self) -> list[str]:
        """The names of the cached sources."""
        return [source.source for source in self.stored.sources] or [str(self.path)]

    def lazy(self, *derived: str) -> pl.LazyFrame:
        """The cached records, sorted by time, with the ``derived`` columns named (projection and pruning by Polars).

        Examples
        --------
        >>> import tempfile, polars as pl
        >>> from logframe.scan import Scan, expand
        >>> upper = {"upper": pl.col("message").str.to_uppercase()}
        >>> entry = store(Scan.of(expand("sample_logs.txt")), Path(tempfile.mkdtemp()), derived=upper)
        >>> entry.derived == {"upper": str(upper["upper"])}, entry.lazy("upper").collect_schema().names()[-1]
        (True, 'upper')
        """
        return scan_parquet([str(self.path)], keep=derived)

    def preview(self, max_bytes: int) -> pl.LazyFrame:
        """All records: Parquet reads only the row groups a preview's head needs."""
        return self.lazy()

    def counts(self, every: str, by: Sequence[str]) -> pl.LazyFrame | None:
        """The entry's counts per bucket, level and container if they answer a count per ``every`` by ``by``.

        Rows stand for :data:`logframe.rollup.WEIGHT` records each (``timestamp`` is their bucket's
        start); None if the entry has no rollup or the query needs the records (see
        :func:`logframe.rollup.serves`).
        """
        if self.rollup is None or not rollup.serves(self.rollup[0], every, by):
            return None
        return self._kept(ROLLUP_KEY, self.rollup[1]).lazy()

    def summary(self, name: str) -> pl.DataFrame | None:
        """The summary of the records kept under ``name`` when the entry was written, or None if none was.

        Examples
        --------
        >>> import tempfile, polars as pl
        >>> from logframe.scan import Scan, expand
        >>> levels = {"levels": lambda records: records.group_by("level").len().drop_nulls().sort("level").collect()}
        >>> entry = store(Scan.of(expand("sample_logs.txt")), Path(tempfile.mkdtemp()), summaries=levels)
        >>> entry.summary("levels").row(0), entry.summary("other")
        (('DEBUG', 21), None)
        """
        kept = self.summaries.get(name)
        return None if kept is None else self._kept(SUMMARY_KEY + name, kept)

    def _kept(self, key: str, encoded: str) -> pl.DataFrame:
        if key not in self._decoded:
            self._decoded[key] = _decode(encoded)
        return self._decoded[key].clone()  # Polars frames have in-place methods (extend, insert_column)

    def report(self) -> Report:
        """The report of the scan the entry was written from (its lines, skips and examples)."""
        return self.stored

    @property
    def live(self) -> bool:
        """A cache entry is read as it is: relative windows end at the newest record."""
        return False

    def touch(self) -> None:
        """Mark the entry as just used (its access time), for the least-recently-used eviction."""
        with contextlib.suppress(OSError):  # evicted meanwhile: nothing to mark
            os.utime(self.path, ns=(time.time_ns(), self.path.stat().st_mtime_ns))


def read_entry(path: Path, remove_damaged: bool = False) -> Cached | None:
    """The entry at ``path`` (a cache file, or one ``convert`` wrote), or None if it is missing or not complete.

    With ``remove_damaged``, a file that is there but not a complete cache file is removed.

    Examples
    --------
    >>> read_entry(Path("sample_logs.txt")) is None
    True
    """
    try:
        metadata = pl.read_parquet_metadata(path)
        stored = Report.from_dict(json.loads(metadata[REPORT_KEY]))
        described = json.loads(metadata[CACHE_KEY])
        derived = dict(described["derived"])
        spanned = "span" in described  # absent from entries written before it was kept
        times: list[str] | None = described.get("span")
        span = None if times is None else (dt.datetime.fromisoformat(times[0]), dt.datetime.fromisoformat(times[1]))
        every: str | None = described.get("rollup")
        counts = None if every is None or ROLLUP_KEY not in metadata else (every, metadata[ROLLUP_KEY])
        summaries = {key.removeprefix(SUMMARY_KEY): v for key, v in metadata.items() if key.startswith(SUMMARY_KEY)}
    except FileNotFoundError:
        return None
    except Exception:  # damaged (truncated, written by something else): not an entry
        if remove_damaged:
            with contextlib.suppress(OSError):
                path.unlink()
        return None
    return Cached(path, stored, derived, span, spanned, counts, summaries)


def lookup(scan: Scan, where: Path | None = None) -> Cached | None:
    """The cache entry of a scan's sources as they are now, or None (a miss); a hit is marked as used.

    Examples
    --------
    >>> import tempfile
    >>> from logframe.scan import Scan, expand
    >>> folder, scan = Path(tempfile.mkdtemp()), Scan.of(expand("sample_logs.txt"))
    >>> lookup(scan, folder) is None
    True
    >>> _ = store(scan, folder)
    >>> lookup(scan, folder).report().records
    137
    """
    name = key(scan)
    if name is None:
        return None
    found = read_entry((where or directory()) / (name + SUFFIX), remove_damaged=True)
    if found is not None:
        found.touch()
    return found


def store(
    scan: Scan,
    where: Path | None = None,
    derived: Mapping[str, pl.Expr] | None = None,
    summaries: Mapping[str, Summarise] | None = None,
) -> Cached:
    """Read a scan's sources once and write their records as its cache entry (replacing any), then evict.

    ``derived`` columns (name -> expression over the record columns) are computed as the entry is
    written and kept beside the records, for analyses that would otherwise compute them on every
    query (the masked messages of ``patterns()``); :attr:`Cached.derived` says how each was made.
    ``summaries`` (name -> function of the written records, derived columns included) are made once
    the records are written and kept in the entry's metadata, for analyses of all its records that
    would otherwise read them all (the message groups of ``patterns()``); :meth:`Cached.summary`
    reads one back. A name should say the summary's version: an entry is read by later versions.

    Raises
    ------
    SourceError
        If a source has no identity to key it by (object storage, the CloudWatch API), or the cache
        folder cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> from logframe.scan import Scan, expand
    >>> store(Scan.of(expand("sample_logs.txt")), Path(tempfile.mkdtemp())).stored.records
    137
    """
    name = key(scan)
    if name is None:
        kinds = sorted({type(s).__name__ for s in scan.sources if identity(s) is None})
        raise SourceError(
            f"cannot cache {', '.join(kinds)} sources (no size and modification time to key them by); "
            "accepted: local files, standard input and bytes"
        )
    folder = where or directory()
    target = folder / (name + SUFFIX)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write(scan, target, name, derived, summaries)
    except OSError as error:
        raise SourceError(f"cannot write the cache in {str(folder)!r}: {error.strerror or error}") from None
    evict(folder, size_limit(), keep=target)
    entry = read_entry(target)
    if entry is None:  # removed by a concurrent eviction: write it again
        return store(scan, where, derived, summaries)
    entry.touch()
    return entry


@dataclass(frozen=True)
class _Run:
    path: Path
    first: dt.datetime | None
    last: dt.datetime | None
    nulls: int


def _write_run(batches: list[pl.DataFrame], folder: Path, number: int, derived: Mapping[str, pl.Expr]) -> _Run:
    frame = pl.concat(batches).sort("timestamp", nulls_last=True, maintain_order=True).with_columns(**derived)
    path = folder / f"run-{number:06d}{SUFFIX}"
    frame.write_parquet(path, compression="lz4", row_group_size=ROW_GROUP)
    times = frame["timestamp"]
    return _Run(path, times.min(), times.max(), times.null_count())  # type: ignore[arg-type]


def _runs(scan: Scan, folder: Path, derived: Mapping[str, pl.Expr]) -> tuple[list[_Run], Report]:
    """Read the sources once, cutting their records into sorted runs of about :data:`RUN_BYTES`."""
    runs: list[_Run] = []
    pending: list[pl.DataFrame] = []
    size = 0
    run = Pass(scan, list(SCHEMA), count_nulls=True)  # the report counts records without a time or a level too
    for batch in run:
        pending.append(batch)
        size += int(batch.estimated_size())
        if size >= RUN_BYTES:
            runs.append(_write_run(pending, folder, len(runs), derived))
            pending, size = [], 0
    if pending:
        runs.append(_write_run(pending, folder, len(runs), derived))
    assert run.report is not None  # a complete pass always has one
    return runs, run.report


def _cuts(runs: Sequence[_Run]) -> list[dt.datetime]:
    """Times cutting the records into slices of about :data:`SLICE_ROWS`, from a sample of the runs."""
    timed = [str(r.path) for r in runs if r.first is not None]
    if not timed:
        return []
    sample = (
        pl.scan_parquet(timed)
        .select("timestamp")
        .drop_nulls()
        .gather_every(SAMPLE_EVERY)
        .collect(engine="streaming")["timestamp"]
        .sort()
    )
    step = max(1, SLICE_ROWS // SAMPLE_EVERY)
    cuts: list[dt.datetime] = sample[step::step].unique(maintain_order=True).to_list()
    return cuts


def _merged(runs: Sequence[_Run], schema: pl.Schema) -> pl.LazyFrame:
    """The runs' records in time order, one time slice in memory at a time (a Polars IO source)."""
    cuts = _cuts(runs)
    bounds: list[dt.datetime | None] = [None, *cuts, None]

    def slices() -> Iterator[pl.DataFrame]:
        for low, high in itertools.pairwise(bounds):
            inside = [
                str(r.path)
                for r in runs
                if r.first is not None
                and r.last is not None
                and (low is None or r.last >= low)
                and (high is None or r.first < high)
            ]
            if not inside:
                continue
            condition = pl.col("timestamp").is_not_null()
            if low is not None:
                condition &= pl.col("timestamp") >= low
            if high is not None:
                condition &= pl.col("timestamp") < high
            frame = pl.scan_parquet(inside).filter(condition).collect()
            yield from frame.sort("timestamp", maintain_order=True).iter_slices(ROW_GROUP)
        untimed = [str(r.path) for r in runs if r.nulls]
        if untimed:
            yield from pl.scan_parquet(untimed).filter(pl.col("timestamp").is_null()).collect().iter_slices(ROW_GROUP)

    def source(
        with_columns: list[str] | None, predicate: pl.Expr | None, n_rows: int | None, batch_size: int | None
    ) -> Iterator[pl.DataFrame]:
        return slices()

    return register_io_source(source, schema=schema)


def write(
    scan: Scan,
    target: Path,
    name: str = "",
    derived: Mapping[str, pl.Expr] | None = None,
    summaries: Mapping[str, Summarise] | None = None,
) -> Report:
    """Write the records of ``scan`` sorted by time, with its report, to ``target`` (atomically); the report.

    ``derived`` and ``summaries`` are :func:`store`'s.

    Bounded memory (runs of :data:`RUN_BYTES`, slices of :data:`SLICE_ROWS`); the parts go to a
    hidden folder beside ``target`` and the file appears under its name only once complete.

    Examples
    --------
    >>> import tempfile, polars as pl
    >>> from logframe.scan import Scan, expand
    >>> out = Path(tempfile.mkdtemp()) / "sample.parquet"
    >>> write(Scan.of(expand("sample_logs.txt")), out).lines
    147
    >>> pl.read_parquet(out)["timestamp"].drop_nulls().is_sorted()
    True
    """
    parts = target.parent / f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp"
    parts.mkdir()
    try:
        derived = dict(derived or {})
        runs, report = _runs(scan, parts, derived)
        described = {column: str(expr) for column, expr in derived.items()}
        firsts = [r.first for r in runs if r.first is not None]
        lasts = [r.last for r in runs if r.last is not None]
        span = [min(firsts).isoformat(), max(lasts).isoformat()] if firsts and lasts else None
        schema = pl.Schema({**SCHEMA, **pl.LazyFrame(schema=SCHEMA).with_columns(**derived).collect_schema()})
        records = pl.scan_parquet([str(r.path) for r in runs]) if runs else pl.LazyFrame(schema=schema)
        counts = rollup.build(records, max(lasts) - min(firsts)) if span else None
        about = {"format": CACHE_FORMAT, "key": name, "derived": described, "span": span}
        metadata = {
            REPORT_KEY: json.dumps(report.as_dict(), ensure_ascii=False),
            CACHE_KEY: json.dumps(about | {"rollup": counts[0] if counts else None}),
        }
        if counts is not None:
            metadata[ROLLUP_KEY] = _encode(counts[1])
        for summary, summarise in (summaries or {}).items():
            if (kept := summarise(records)) is not None:
                metadata[SUMMARY_KEY + summary] = _encode(kept)
        written = parts / ("records" + SUFFIX)
        _merged(runs, schema).sink_parquet(written, compression="zstd", row_group_size=ROW_GROUP, metadata=metadata)
        os.replace(written, target)
    finally:
        shutil.rmtree(parts, ignore_errors=True)
    return report


def _encode(frame: pl.DataFrame) -> str:
    """A frame as text for a Parquet key-value entry (zstd-compressed Arrow IPC, base64)."""
    buffer = io.BytesIO()
    frame.write_ipc(buffer, compression="zstd")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _decode(text: str) -> pl.DataFrame:
    """The frame :func:`_encode` wrote."""
    return pl.read_ipc(io.BytesIO(base64.b64decode(text)))


def _output_names(sources: Sequence[Source]) -> list[Path]:
    """Where each source's file goes in a ``convert`` folder: its file name, or (names clashing) its relative path."""
    names = [Path(Path(s.name).name if s.name != "<stdin>" else "stdin") for s in sources]
    if len(set(names)) == len(names):
        return [Path(f"{name}{SUFFIX}") for name in names]
    paths = [Path(s.name).resolve() if isinstance(s, FileSource) and s.label is None else None for s in sources]
    common = Path(os.path.commonpath([p.parent for p in paths if p is not None] or [Path("/")]))
    relative = [p.relative_to(common) if p is not None else n for p, n in zip(paths, names, strict=True)]
    if len(set(relative)) != len(relative):
        raise SourceError("two sources would be written to the same file; convert them one at a time")
    return [Path(f"{name}{SUFFIX}") for name in relative]


def convert(
    sources: Sequence[Source], folder: Path, format: str = "auto", mapping: dict[str, str] | None = None
) -> list[tuple[Path, Report]]:
    """Write each source's records to ``folder/NAME.parquet`` in the cache's format (sorted, report inside).

    No derived columns: what ``logframe.scan(folder)`` reads is the records.

    Returns each file written with its report. ``logframe.scan(folder)`` reads them back.

    Examples
    --------
    >>> import tempfile, logframe
    >>> from logframe.sources import expand
    >>> folder = Path(tempfile.mkdtemp())
    >>> [(path.name, report.lines) for path, report in convert(expand("sample_logs.txt"), folder)]
    [('sample_logs.txt.parquet', 147)]
    >>> logframe.scan(folder).filter(level="ERROR").height
    45
    """
    written = []
    for source, name in zip(sources, _output_names(sources), strict=True):
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        written.append((target, write(Scan.of([source], format, mapping), target)))
    return written


def entries(where: Path | None = None) -> list[Path]:
    """The complete cache entries (temporary parts of writes under way or killed are not entries).

    Examples
    --------
    >>> import tempfile
    >>> entries(Path(tempfile.mkdtemp()))
    []
    """
    folder = where or directory()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix == SUFFIX and not p.name.startswith(".") and p.is_file())


def evict(where: Path, limit: int, keep: Path | None = None) -> list[Path]:
    """Remove the least recently used entries (by access time) until the rest fit in ``limit`` bytes.

    ``keep`` (the entry just written) is never removed. Temporary folders older than an hour (killed
    writes) are removed too. Returns the entries removed.

    Examples
    --------
    >>> import tempfile
    >>> evict(Path(tempfile.mkdtemp()), 0)
    []
    """
    now = time.time()
    for leftover in where.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            if now - leftover.stat().st_mtime > STALE_SECONDS:
                shutil.rmtree(leftover, ignore_errors=True)
    sized = []
    for path in entries(where):
        with contextlib.suppress(OSError):  # removed meanwhile by another process
            stat = path.stat()
            sized.append((stat.st_atime_ns, stat.st_size, path))
    total = sum(size for _, size, _ in sized)
    removed = []
    for _, size, path in sorted(sized):
        if total <= limit:
            break
        if path == keep:
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        total -= size
        removed.append(path)
    return removed


__all__ = [
    "Cached",
    "convert",
    "directory",
    "enabled",
    "entries",
    "evict",
    "identity",
    "key",
    "lookup",
    "parse_size",
    "size_limit",
    "store",
    "write",
]
