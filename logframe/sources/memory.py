r"""Bytes already in memory (an HTTP request body), or arriving in pieces (API pages), as sources.

Examples
--------
>>> BytesSource("body", b'{"log": "a"}\n').open().read()
b'{"log": "a"}\n'
>>> ChunkReader(iter([b"ab", b"", b"cde"])).read()
b'abcde'
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class BytesSource:
    """Log lines held in memory, named ``name`` in the ``source`` column."""

    name: str
    data: bytes

    def size(self) -> int | None:
        """Bytes held."""
        return len(self.data)

    def open(self) -> io.BytesIO:
        """A file object over the bytes."""
        return io.BytesIO(self.data)


class ChunkReader(io.RawIOBase):
    """A binary file object over an iterator of byte strings (read as they come)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._left = b""

    def readable(self) -> bool:
        """Always."""
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        """Fill ``buffer`` from the next chunks; 0 at the end."""
        while not self._left:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._left = chunk
        n = min(len(buffer), len(self._left))
        buffer[:n] = self._left[:n]
        self._left = self._left[n:]
        return n
