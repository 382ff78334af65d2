"""Log formats: each turns lines of text into the raw columns of :data:`logframe.schema.RAW_SCHEMA`.

A format is an object with a ``name`` and a ``decode(lines, columns)`` method that
takes a DataFrame of non-blank lines (``line``: Int64, ``text``: String) and returns
a :class:`Decoded`: the records it kept and, for each line it skipped, the reason.
Adding a format means adding one module here and naming it in :data:`FORMATS`.
"""

from __future__ import annotations

from logframe.errors import FormatError
from logframe.formats.base import Decoded, Format
from logframe.formats.cloudwatch import CloudWatch

FORMATS: dict[str, Format] = {"cloudwatch": CloudWatch()}
"""Formats by name."""


def get_format(name: str) -> Format:
    """Look a format up by name (``"auto"`` is CloudWatch/Kubernetes JSON lines for now).

    Examples
    --------
    >>> get_format("cloudwatch").name
    'cloudwatch'
    """
    if name == "auto":
        return FORMATS["cloudwatch"]
    try:
        return FORMATS[name]
    except KeyError:
        raise FormatError(f"unknown format {name!r}; accepted: 'auto', {', '.join(map(repr, FORMATS))}") from None


__all__ = ["FORMATS", "Decoded", "Format", "get_format"]
