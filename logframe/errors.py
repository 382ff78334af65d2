"""The exceptions logframe raises for bad *calls* (never for bad data).

Bad input data is skipped and counted (see :meth:`logframe.LogFrame.report`);
a bad call raises one of these, with a message that says what was wrong and
what is accepted.

Examples
--------
>>> import logframe
>>> try:
...     logframe.scan("no/such/file.log")
... except logframe.SourceError as e:
...     print(type(e).__name__, isinstance(e, logframe.LogframeError))
SourceError True
"""

from __future__ import annotations


class LogframeError(Exception):
    """Base class of every error logframe raises on purpose."""


class SourceError(LogframeError, FileNotFoundError):
    """A source cannot be opened: a missing file, a glob matching nothing."""


class QueryError(LogframeError, ValueError):
    """A filter, expression or query string is malformed or names bad values."""


class FormatError(LogframeError, ValueError):
    """An argument names an unknown format, unit or option."""


class LogframeWarning(UserWarning):
    """Base class of the warnings logframe gives about calls that run but probably do not mean what they say."""


class UnknownFieldWarning(LogframeWarning):
    """A query names a field that no record read has (``contaner='backend'``): it would match nothing."""
