"""Where log bytes come from: local files, standard input, object storage, the CloudWatch Logs API.

Every source has a ``name`` (what records carry in their ``source`` column), a ``size()`` (bytes, or
None when unknown before reading) and ``open()``: a local path (which the native decoder opens
itself) or a binary file object it reads from, a block at a time. Decompression (gzip, zstd, bzip2,
told by their magic bytes, whatever the name) is the decoder's.

Examples
--------
>>> [s.name for s in expand(["sample_logs.txt"])]
['sample_logs.txt']
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, BinaryIO, Protocol, runtime_checkable

from logframe.errors import SourceError
from logframe.sources.cloudwatch import URL_SCHEME as CLOUDWATCH_URL
from logframe.sources.cloudwatch import CloudWatchSource, cloudwatch, from_url
from logframe.sources.files import FileSource, PathLike, expand_path
from logframe.sources.memory import BytesSource
from logframe.sources.objects import ObjectSource, expand_url, is_url


@runtime_checkable
class Source(Protocol):
    """Anything a scan can read: named, sized if known, read in chunks."""

    @property
    def name(self) -> str:
        """The name records carry in their ``source`` column."""
        ...

    def size(self) -> int | None:
        """Bytes to read, or None when unknown before reading."""
        ...

    def open(self) -> str | BinaryIO:
        """A local path to read, or a binary file object (closed by the caller)."""
        ...


SourceLike = PathLike | Source
"""A path, glob, directory, ``-``, URL, or a source object (:func:`cloudwatch`)."""


def expand(source: SourceLike | Sequence[SourceLike], storage_options: Mapping[str, Any] | None = None) -> list[Source]:
    """Turn what a user passed into the list of sources to read.

    Local paths, globs and directories (recursive) become files; ``-`` is standard input; a URL
    (``s3://bucket/prefix/``) becomes the objects under it, with ``storage_options`` for its
    filesystem; ``cloudwatch://GROUP?start=...`` is the CloudWatch Logs API (see
    :func:`logframe.sources.cloudwatch.from_url`); source objects such as :func:`cloudwatch` pass through.

    Raises
    ------
    SourceError
        If nothing is given, or a path, glob, prefix or URL names nothing.
    """
    items: Sequence[SourceLike] = [source] if isinstance(source, str | os.PathLike | Source) else source
    if not items:
        raise SourceError("no source given: pass a path, a glob such as 'logs/*.jsonl', a URL, or a list of them")
    found: list[Source] = []
    for item in items:
        if isinstance(item, Source):
            found.append(item)
        elif os.fspath(item).startswith(CLOUDWATCH_URL):
            found.append(from_url(os.fspath(item)))
        elif is_url(os.fspath(item)):
            found.extend(expand_url(os.fspath(item), storage_options))
        else:
            found.extend(expand_path(os.fspath(item)))
    return found


__all__ = [
    "BytesSource",
    "CloudWatchSource",
    "FileSource",
    "ObjectSource",
    "Source",
    "SourceLike",
    "cloudwatch",
    "expand",
]
