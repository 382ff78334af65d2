r"""Bytes already in memory (an HTTP request body) as a source, read in the same bounded chunks.

Examples
--------
>>> [len(c) for c in BytesSource("body", b'{"log": "a"}\n{"log": "b"}\n').chunks()]
[26]
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from logframe.sources.files import read_chunks


@dataclass(frozen=True)
class BytesSource:
    """Log lines held in memory, named ``name`` in the ``source`` column."""

    name: str
    data: bytes

    def size(self) -> int | None:
        """Bytes held."""
        return len(self.data)

    def chunks(self, on_read: Callable[[int], None] | None = None) -> Iterator[bytes | None]:
        """The bytes in newline-terminated chunks."""
        for chunk in read_chunks(io.BytesIO(self.data)):
            if on_read is not None and chunk is not None:
                on_read(len(chunk))
            yield chunk
