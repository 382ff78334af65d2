"""Parquet files already in the record schema (``to_parquet`` exports, the service's archives), read lazily.

``logframe.scan`` hands ``.parquet`` sources here: no parsing, just Polars' Parquet reader with
projection and predicate pushdown, cast to the schema (a ``level`` stored as text becomes the level
type again, microsecond times become nanoseconds). Hive-style folders (``day=2025-10-07/``) are
read as such.

Examples
--------
>>> import tempfile, os, logframe
>>> out = logframe.scan("sample_logs.txt").to_parquet(os.path.join(tempfile.mkdtemp(), "all.parquet"))
>>> logframe.scan(out).filter(level="ERROR").collect().height
45
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from logframe.scan import Report, SourceReport
from logframe.schema import SCHEMA


def is_parquet(name: str) -> bool:
    """Whether a source name is a Parquet file."""
    return Path(name).suffix.lower() == ".parquet"


def scan_parquet(paths: list[str], keep: Sequence[str] = ()) -> pl.LazyFrame:
    """Records of Parquet files holding the record schema (extra columns, such as ``day``, dropped but ``keep``)."""
    lf = pl.scan_parquet(paths, hive_partitioning=True, missing_columns="insert", extra_columns="ignore")
    present = lf.collect_schema().names()
    return lf.select(
        [
            pl.col(name).cast(dtype) if name in present else pl.lit(None, dtype).alias(name)
            for name, dtype in SCHEMA.items()
        ]
        + [pl.col(name) for name in keep]
    )


@dataclass(frozen=True)
class ParquetOrigin:
    """The origin of a LogFrame over Parquet files (see :class:`logframe.frame.Origin`)."""

    paths: list[str]

    def names(self) -> list[str]:
        """The files' names."""
        return list(self.paths)

    @property
    def live(self) -> bool:
        """Parquet files are read as they are: relative windows end at the newest record."""
        return False

    def preview(self, max_bytes: int) -> pl.LazyFrame:
        """All records: Parquet reads only the row groups a preview's head needs."""
        return scan_parquet(self.paths)

    def report(self) -> Report:
        """Records per file (nothing was parsed or skipped), in the report every origin gives."""
        return records_report(self.paths, scan_parquet, "parquet", "the record schema, read as it is")


def records_report(names: list[str], scan: Callable[[list[str]], pl.LazyFrame], format: str, why: str) -> Report:
    """The :class:`~logframe.scan.Report` of origins that hold parsed records (Parquet files, the store)."""
    sources = []
    totals = [0, 0, 0]
    for name in names:
        counts = (
            scan([name])
            .select(pl.len(), pl.col("timestamp").null_count(), pl.col("level").null_count())
            .collect()
            .row(0)
        )
        totals = [t + c for t, c in zip(totals, counts, strict=True)]
        sources.append(SourceReport(name, format, why, "none", counts[0], counts[0], 0, 0, {}))
    return Report.of_records(totals[0], totals[1], totals[2], sources)
