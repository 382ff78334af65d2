"""Object storage (``s3://``, and any other fsspec protocol): objects read in bounded chunks.

A URL names one object, a prefix (read recursively, like a directory) or a glob; compressed objects
(``.gz``, ``.bz2``, ``.zst``) are decompressed as they stream. Credentials and endpoints go in
``storage_options``, passed to fsspec as they are (for s3fs: ``key``, ``secret``, ``endpoint_url``,
``anon``, ...). Needs the ``aws`` extra (``pip install 'logframe[aws]'``) for ``s3://``.

Examples
--------
>>> is_url("s3://bucket/logs/"), is_url("logs/app.jsonl")
(True, False)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, BinaryIO, cast

from logframe.dependencies import import_optional
from logframe.errors import SourceError
from logframe.sources.files import GLOB_CHARS


def is_url(text: str) -> bool:
    """Whether ``text`` names a remote object (``scheme://...``) rather than a local path."""
    scheme, sep, _ = text.partition("://")
    return bool(sep) and scheme.isalnum() and len(scheme) > 1


def _filesystem(url: str, storage_options: Mapping[str, Any] | None) -> tuple[Any, str]:
    fsspec = import_optional("fsspec", f"reading {url!r}")
    try:
        fs, path = fsspec.core.url_to_fs(url, **dict(storage_options or {}))
    except (ImportError, ValueError) as error:
        raise SourceError(f"cannot open {url!r}: {error}") from None
    return fs, path


@dataclass(frozen=True)
class ObjectSource:
    """One object in remote storage, named by its URL."""

    url: str
    storage_options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The name records carry in their ``source`` column: the URL."""
        return self.url

    def size(self) -> int | None:
        """Size of the stored object in bytes."""
        fs, path = _filesystem(self.url, self.storage_options)
        return int(fs.size(path))

    def open(self) -> BinaryIO:
        """The object opened for reading, streamed (never the whole object); the decoder decompresses."""
        fs, path = _filesystem(self.url, self.storage_options)
        return cast(BinaryIO, fs.open(path, "rb"))


def expand_url(url: str, storage_options: Mapping[str, Any] | None = None) -> list[ObjectSource]:
    """The objects a URL names: itself, everything under it (a prefix), or the matches of a glob.

    Raises
    ------
    SourceError
        If nothing exists at the URL, or the glob or prefix matches no object.
    """
    fs, path = _filesystem(url, storage_options)
    protocol = url.partition("://")[0]
    options = dict(storage_options or {})

    def source(found: str) -> ObjectSource:
        return ObjectSource(f"{protocol}://{found}", options)

    try:
        if GLOB_CHARS & set(path):
            matches = sorted(fs.glob(path))
            if not matches:
                raise SourceError(f"the glob {url!r} matches no object")
            return [source(m) for m in matches if fs.isfile(m)]
        if fs.isfile(path):
            return [ObjectSource(url, options)]
        found = sorted(p for p in fs.find(path) if not p.rsplit("/", 1)[-1].startswith("."))
    except (OSError, PermissionError) as error:
        raise SourceError(f"cannot list {url!r}: {error}") from None
    if not found:
        raise SourceError(f"no object at {url!r} (pass an object's URL, a prefix holding objects, or a glob)")
    return [source(p) for p in found]
