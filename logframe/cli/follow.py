"""``logframe query --follow``: print the matching records of a file, then those of lines appended to it.

The file is read in pieces of whole lines (at most :data:`PIECE_BYTES` each, so memory stays bounded
however big the file already is); each piece is parsed in the format detected from the first one,
filtered, and printed at once. A file that shrinks or is replaced (rotation) is read again from its
start. A multi-line record (a traceback) is parsed as it stands when read: if it is still being
written then, its remaining lines are read as records of their own.
"""

from __future__ import annotations

import io
import os
import sys
import time
from pathlib import Path
from typing import TextIO

import polars as pl

import logframe
from logframe import export
from logframe.cli.options import fail
from logframe.cli.reading import bounds, newest, warnings_on_stderr
from logframe.errors import LogframeError
from logframe.querylang import compile_query
from logframe.scan import choose_formats
from logframe.sources import BytesSource

PIECE_BYTES = 8 << 20
"""Most bytes parsed at a time (a piece ends at the last newline within it)."""


class _Tail:
    """Whole lines appended to one file since the last read (rotation and truncation start it over)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.offset = 0
        self.lines = 0  # lines before the next piece, so line numbers go on from the file's start
        self.inode: int | None = None

    def piece(self) -> bytes:
        """The next whole lines (empty if nothing new has been completed)."""
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:  # between a rotation's rename and the new file: wait for it
            return b""
        if stat.st_ino != self.inode or stat.st_size < self.offset:
            self.inode, self.offset, self.lines = stat.st_ino, 0, 0
        if stat.st_size == self.offset:
            return b""
        with open(self.path, "rb") as handle:
            handle.seek(self.offset)
            data = handle.read(min(stat.st_size - self.offset, PIECE_BYTES))
        end = data.rfind(b"\n") + 1
        if end == 0 and len(data) == PIECE_BYTES:  # one line longer than a piece: take it as it is
            end = len(data)
        self.offset += end
        return data[:end]


def follow_file(
    path: str,
    fmt: str,
    where: str | None,
    window: tuple[str | None, str | None, str | None],
    log_format: str,
    interval: float,
    out: Path | None,
) -> None:
    """Print the records of ``path`` matching ``where`` and the window, then keep reading until Ctrl-C."""
    try:
        logs = logframe.scan(path, format=log_format)  # checks the path now
        if where:
            compile_query(where)  # a bad query fails now, not once lines arrive
        since, start, end = window
        latest = newest(logs) if since is not None or start is not None or end is not None else None
        fixed = bounds(latest, since, start, end)
        handle: TextIO = sys.stdout if out is None else open(out, "a", encoding="utf-8")  # noqa: SIM115
    except LogframeError as error:
        fail(str(error))
    except OSError as error:
        fail(f"cannot write {out}: {error.strerror or error}")
    tail, chosen, header = _Tail(path), None if log_format == "auto" else log_format, fmt == "csv"
    try:
        with warnings_on_stderr():
            while True:
                piece = tail.piece()
                if not piece.strip():
                    tail.lines += piece.count(b"\n")
                    time.sleep(interval)
                    continue
                source = BytesSource(path, piece)
                try:
                    if chosen is None:
                        chosen = choose_formats([source], "auto")[0][0]
                    frame = logframe.scan(source, format=chosen).filter(**fixed)
                    frame = frame.where(where) if where else frame
                    records = frame.lazy().with_columns(pl.col("line") + tail.lines)
                except LogframeError as error:
                    fail(str(error))
                tail.lines += piece.count(b"\n")
                _write(records, fmt, handle, header)
                header = False
    except KeyboardInterrupt:
        return
    finally:
        if out is not None:
            handle.close()


def _write(records: pl.LazyFrame, fmt: str, handle: TextIO, header: bool) -> None:
    """One piece's records; CSV has its header only once, before the first piece."""
    if fmt != "csv" or header:
        export.write_stream(records, fmt, handle)  # type: ignore[arg-type]
        return
    text = io.StringIO()
    export.write_stream(records, "csv", text)
    handle.write(text.getvalue().partition("\n")[2])
    handle.flush()
