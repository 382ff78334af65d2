"""Local files: paths, globs, directories and standard input expanded into the files to read.

The native decoder opens and reads each file itself (decompressing by magic bytes), in chunks of
:data:`CHUNK_SIZE`.

Examples
--------
>>> [s.name for s in expand_path("sample_logs.txt")]
['sample_logs.txt']
"""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from logframe.errors import SourceError

CHUNK_SIZE = 256 << 10
"""Bytes of whole lines a decoder worker takes at a time (one record batch).

Peak memory grows with the chunk (a few chunks are in flight per core); 256 KiB measured best for
time against peak RSS (bench/results.md).
"""

MAX_LINE = 16 << 20
"""A line longer than this (bytes) is skipped (reason ``line_too_long``) without being held whole."""

GLOB_CHARS = frozenset("*?[")
"""Characters that make a path a glob."""


STDIN = "-"
"""The source name that means standard input."""

STDIN_LABEL = "<stdin>"
"""The ``source`` of records read from standard input."""

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class FileSource:
    """One local file to read, plain or compressed (gzip, zstd, bzip2: told by magic bytes, not the name)."""

    path: Path
    label: str | None = None

    @property
    def name(self) -> str:
        """The name records carry in their ``source`` column (``<stdin>`` for standard input)."""
        return self.label or str(self.path)

    def size(self) -> int:
        """Size on disk in bytes (compressed size for compressed files)."""
        return self.path.stat().st_size

    def open(self) -> str:
        """The path: the native decoder opens the file itself."""
        return str(self.path)


def spool_stdin(stream: IO[bytes] | None = None) -> FileSource:
    """Copy standard input to a temporary file (removed at exit), a chunk at a time.

    A LogFrame reads its sources again on every collect; a pipe can be read only once.
    """
    stream = stream if stream is not None else sys.stdin.buffer
    handle = tempfile.NamedTemporaryFile(prefix="logframe-stdin-", suffix=".log", delete=False)  # noqa: SIM115
    with handle:
        shutil.copyfileobj(stream, handle, 1 << 20)
    atexit.register(Path(handle.name).unlink, missing_ok=True)
    return FileSource(Path(handle.name), label=STDIN_LABEL)


def _directory(path: Path) -> list[FileSource]:
    found = sorted(
        p
        for p in path.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
    )
    if not found:
        raise SourceError(f"the directory {str(path)!r} contains no files")
    return [FileSource(p) for p in found]


def expand_path(text: str) -> list[FileSource]:
    """The files a local path names: itself, a directory's files (recursively), a glob's matches, or stdin (``-``).

    Hidden files and folders (names starting with ``.``) inside a directory are left out.

    Raises
    ------
    SourceError
        If a path does not exist, a glob matches nothing, or a directory holds no files.

    Examples
    --------
    >>> expand_path("sample_logs.txt")[0].name
    'sample_logs.txt'
    """
    if text == STDIN:
        return [spool_stdin()]
    if GLOB_CHARS & set(text) and not os.path.exists(text):
        matches = sorted(glob.glob(text, recursive=True))
        if not matches:
            raise SourceError(f"the glob {text!r} matches no file")
        return [FileSource(Path(m)) for m in matches if os.path.isfile(m)]
    path = Path(text)
    if not path.exists():
        accepted = "a path, a directory, a glob such as 'logs/*.jsonl', '-' for stdin, an s3:// URL, or a list"
        raise SourceError(f"no such file: {text!r} (pass {accepted})")
    return _directory(path) if path.is_dir() else [FileSource(path)]
