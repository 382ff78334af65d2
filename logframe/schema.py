"""The one record schema every log source is mapped into.

==============  =========================  =============================================
column          dtype                      meaning
==============  =========================  =============================================
``timestamp``   ``Datetime("ns", "UTC")``  when the record was written, normalised to UTC;
                                           null when absent or unparseable
``level``       ``Enum`` of :data:`LEVELS`  severity, ordered DEBUG < ... < CRITICAL;
                                           null when the message names none
``component``   ``String``                 the logger name (``app.database``)
``message``     ``String``                 the text after the level/component prefix
``namespace``   ``String``                 Kubernetes namespace (or other grouping)
``pod``         ``String``                 Kubernetes pod (or host/instance)
``container``   ``String``                 container (or service)
``stream``      ``String``                 ``stdout`` / ``stderr``
``fields``      ``List(Struct(key, value))`` the message's ``key=value`` pairs, in order (empty if none)
``source``      ``String``                 the file (or other origin) the record came from
``line``        ``Int64``                  1-based line number in ``source``
==============  =========================  =============================================

Examples
--------
>>> from logframe.schema import SCHEMA, LEVELS
>>> list(SCHEMA)[:3]
['timestamp', 'level', 'component']
>>> LEVELS
('DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL')
"""

from __future__ import annotations

import polars as pl

LEVELS: tuple[str, ...] = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
"""The normalised levels, least to most severe."""

LEVEL_ALIASES: dict[str, str] = {
    "TRACE": "DEBUG",
    "DBG": "DEBUG",
    "NOTICE": "INFO",
    "INF": "INFO",
    "WARN": "WARNING",
    "WRN": "WARNING",
    "ERR": "ERROR",
    "EXCEPTION": "ERROR",
    "CRIT": "CRITICAL",
    "FATAL": "CRITICAL",
    "EMERG": "CRITICAL",
    "ALERT": "CRITICAL",
    "PANIC": "CRITICAL",
}
"""Other spellings of levels, mapped (case-insensitively) onto :data:`LEVELS`."""

LEVEL_DTYPE = pl.Enum(list(LEVELS))
TIMESTAMP_DTYPE = pl.Datetime("ns", "UTC")
FIELD_DTYPE = pl.Struct({"key": pl.String, "value": pl.String})
FIELDS_DTYPE = pl.List(FIELD_DTYPE)

SCHEMA: dict[str, pl.DataType] = {
    "timestamp": TIMESTAMP_DTYPE,
    "level": LEVEL_DTYPE,
    "component": pl.String(),
    "message": pl.String(),
    "namespace": pl.String(),
    "pod": pl.String(),
    "container": pl.String(),
    "stream": pl.String(),
    "fields": FIELDS_DTYPE,
    "source": pl.String(),
    "line": pl.Int64(),
}
"""Column name -> dtype of a LogFrame."""

COLUMN_ALIASES: dict[str, str] = {
    "time": "timestamp",
    "ts": "timestamp",
    "pod_name": "pod",
    "namespace_name": "namespace",
    "container_name": "container",
    "logger": "component",
    "msg": "message",
    "severity": "level",
    "@timestamp": "timestamp",
    "@message": "message",
    "@log": "source",
    "kubernetes.pod_name": "pod",
    "kubernetes.namespace_name": "namespace",
    "kubernetes.container_name": "container",
}
"""Names accepted in filters and queries for a schema column."""


def normalise_level(name: str) -> str | None:
    """Map a level spelling (any case, or an alias) to one of :data:`LEVELS`.

    Examples
    --------
    >>> normalise_level("warn"), normalise_level("Fatal"), normalise_level("nope")
    ('WARNING', 'CRITICAL', None)
    """
    upper = name.strip().upper()
    if upper in LEVELS:
        return upper
    return LEVEL_ALIASES.get(upper)
