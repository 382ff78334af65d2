r"""Local files: expand paths and globs, open with decompression, read in bounded chunks.

Examples
--------
>>> import io
>>> list(read_chunks(io.BytesIO(b"a\nbb\nccc"), chunk_size=4))
[b'a\n', b'bb\n', b'ccc']
"""

from __future__ import annotations

import atexit
import bz2
import glob
import gzip
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, cast

from logframe.errors import SourceError

CHUNK_SIZE = 256 << 10
"""Bytes read at a time; each chunk is cut back to its last newline.

Peak memory grows with the chunk (each batch's parsing intermediates are a
multiple of it); 256 KiB measured best for peak RSS against time on a 2-core
machine (bench/results.md).
"""

MAX_LINE = 16 << 20
"""A line longer than this is skipped (reason ``line_too_long``), keeping memory bounded."""

OVERSIZED = None
"""What :func:`read_chunks` yields in place of a line longer than ``max_line``."""

GLOB_CHARS = frozenset("*?[")
"""Characters that make a path a glob."""


def _zstd(raw: BinaryIO) -> IO[bytes]:
    import zstandard

    return cast(IO[bytes], zstandard.ZstdDecompressor().stream_reader(raw))


_OPENERS: dict[str, Callable[[BinaryIO], IO[bytes]]] = {
    ".gz": lambda raw: cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb")),
    ".bz2": lambda raw: cast(IO[bytes], bz2.BZ2File(raw, mode="rb")),
    ".zst": _zstd,
    ".zstd": _zstd,
}


def decompressed(raw: BinaryIO, name: str) -> IO[bytes]:
    """``raw`` decompressed as it is read, by the extension of ``name`` (``.gz``, ``.bz2``, ``.zst``)."""
    opener = _OPENERS.get(Path(name).suffix.lower())
    return opener(raw) if opener else raw


STDIN = "-"
"""The source name that means standard input."""

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class FileSource:
    """One local file to read, plain or compressed (by extension: ``.gz``, ``.bz2``, ``.zst``)."""

    path: Path
    label: str | None = None

    @property
    def name(self) -> str:
        """The name records carry in their ``source`` column (``<stdin>`` for standard input)."""
        return self.label or str(self.path)

    def size(self) -> int:
        """Size on disk in bytes (compressed size for compressed files)."""
        return self.path.stat().st_size

    def chunks(self, on_read: Callable[[int], None] | None = None) -> Iterator[bytes | None]:
        """Yield the file's bytes in newline-terminated chunks (see :func:`read_chunks`).

        ``on_read`` is called with the number of bytes consumed from disk since the
        last call, for progress bars.
        """
        with open(self.path, "rb") as raw:
            stream = decompressed(raw, self.path.name)
            position = 0
            for chunk in read_chunks(stream, CHUNK_SIZE, MAX_LINE):
                if on_read is not None:
                    now = raw.tell()
                    on_read(now - position)
                    position = now
                yield chunk


def read_chunks(
    stream: IO[bytes], chunk_size: int | None = None, max_line: int | None = None
) -> Iterator[bytes | None]:
    """Read ``stream`` in chunks that end on a newline (the last may not).

    Never holds more than about ``chunk_size + max_line`` bytes. A line longer
    than ``max_line`` is dropped and :data:`OVERSIZED` (``None``) is yielded in
    its place, so the caller can count it.
    """
    chunk_size = chunk_size or CHUNK_SIZE
    max_line = max_line or MAX_LINE
    carry = b""
    skipping = False
    while block := stream.read(chunk_size):
        if skipping:
            newline = block.find(b"\n")
            if newline == -1:
                continue
            skipping = False
            block = block[newline + 1 :]
        buffer = carry + block if carry else block
        cut = buffer.rfind(b"\n")
        if cut == -1:
            if len(buffer) > max_line:
                yield OVERSIZED
                carry, skipping = b"", True
            else:
                carry = buffer
            continue
        yield buffer[: cut + 1]
        carry = buffer[cut + 1 :]
    if skipping:
        return
    if carry:
        yield carry


def spool_stdin(stream: IO[bytes] | None = None) -> FileSource:
    """Copy standard input to a temporary file (removed at exit), a chunk at a time.

    A LogFrame reads its sources again on every collect; a pipe can be read only once.
    """
    stream = stream if stream is not None else sys.stdin.buffer
    handle = tempfile.NamedTemporaryFile(prefix="logframe-stdin-", suffix=".log", delete=False)  # noqa: SIM115
    with handle:
        shutil.copyfileobj(stream, handle, CHUNK_SIZE)
    atexit.register(Path(handle.name).unlink, missing_ok=True)
    return FileSource(Path(handle.name), label="<stdin>")


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
