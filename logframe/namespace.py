"""``lf.logs``: LogFrame's verbs on any Polars LazyFrame in the record schema.

Importing :mod:`logframe` registers the namespace with Polars' API
(``pl.api.register_lazyframe_namespace``), so a frame that left the LogFrame for Polars (after
``lazy()``, a join, a ``pl.scan_parquet`` of an export) comes back without a wrapper. Each
attribute is the LogFrame one of :meth:`LogFrame.from_polars`, which checks the schema.

Examples
--------
>>> import logframe, polars as pl
>>> lf = logframe.scan("sample_logs.txt").lazy().filter(pl.col("container") == "backend")
>>> lf.logs.stats()["total"]
98
>>> lf.logs.where("level='ERROR'").lazy().select(pl.len()).collect().item()
41
"""

from __future__ import annotations

from typing import Any

import polars as pl

from logframe import export
from logframe.frame import LogFrame


@pl.api.register_lazyframe_namespace("logs")
class LogsNamespace:
    """``lf.logs.<verb>``: the verb of ``LogFrame.from_polars(lf)`` (see the module docstring)."""

    def __init__(self, lf: pl.LazyFrame) -> None:
        self._lf = lf

    def frame(self) -> LogFrame:
        """The LazyFrame as a LogFrame (its schema checked).

        Examples
        --------
        >>> import logframe
        >>> type(logframe.scan("sample_logs.txt").lazy().logs.frame()).__name__
        'LogFrame'
        """
        return LogFrame.from_polars(self._lf)

    def flat(self) -> pl.LazyFrame:
        """The frame with ``fields`` as JSON object text and times as ISO strings, for ``sink_csv``.

        The one shape :func:`logframe.export.flat` gives (what ``to_csv`` writes); unlike the other
        verbs it takes a frame of any columns, such as a ``select`` of some of them.

        Examples
        --------
        >>> import logframe, polars as pl
        >>> lf = logframe.scan("sample_logs.txt").lazy().filter(pl.col("level") == "CRITICAL")
        >>> lf.select("pod", "fields").logs.flat().head(1).collect().row(0)
        ('ocr-processor-5f7b8-qwert', '{"worker":"ocr-2"}')
        """
        return export.flat(self._lf)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.frame(), name)

    def __dir__(self) -> list[str]:
        return sorted({"frame", *(name for name in dir(LogFrame) if not name.startswith("_"))})
