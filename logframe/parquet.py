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

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from logframe.schema import SCHEMA


def is_parquet(name: str) -> bool:
    """Whether a source name is a Parquet file."""
    return Path(name).suffix.lower() == ".parquet"


def scan_parquet(paths: list[str]) -> pl.LazyFrame:
    """Records of Parquet files holding the record schema (extra columns, such as ``day``, dropped)."""
    lf = pl.scan_parquet(paths, hive_partitioning=True, missing_columns="insert", extra_columns="ignore")
    present = lf.collect_schema().names()
    return lf.select(
        [
            pl.col(name).cast(dtype) if name in present else pl.lit(None, dtype).alias(name)
            for name, dtype in SCHEMA.items()
        ]
    )


@dataclass(frozen=True)
class ParquetOrigin:
    """The origin of a LogFrame over Parquet files (see :class:`logframe.frame.Origin`)."""

    paths: list[str]

    def names(self) -> list[str]:
        """The files' names."""
        return list(self.paths)

    def preview(self, max_bytes: int) -> pl.LazyFrame:
        """All records: Parquet reads only the row groups a preview's head needs."""
        return scan_parquet(self.paths)

    def report(self) -> dict[str, Any]:
        """Files and records (nothing was parsed or skipped)."""
        records = scan_parquet(self.paths).select(pl.len()).collect().item()
        return {"files": len(self.paths), "records": records, "format": "parquet (record schema)"}
