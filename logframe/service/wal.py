"""The server's write-ahead log: a batch is durable on disk before the client hears "accepted".

Each accepted batch becomes one entry file, ``<seq>.entry``: a small JSON header (sequence number,
idempotency key, the answer given) and the records in Arrow IPC. It is written to a temporary file,
fsynced, renamed into place and the directory fsynced, so after a crash an entry is either whole or
absent (a leftover ``.tmp`` was never acknowledged and is removed). A committer appends entries to
the store in order, recording the last sequence number as the store's application transaction
``wal``; then it keeps their answers in ``receipts.jsonl`` (for idempotency keys) and deletes them.
On start, entries the store already holds are finished the same way and the rest are committed
again: every acknowledged record ends up in the store exactly once.

Examples
--------
>>> import tempfile, polars as pl
>>> wal = WriteAheadLog(tempfile.mkdtemp())
>>> seq = wal.append(pl.DataFrame({"line": [1]}), {"key": "k1", "answer": {"accepted": 1}})
>>> [(s, h["key"]) for s, h, _ in wal.entries()], wal.depth
([(1, 'k1')], 1)
"""

from __future__ import annotations

import io
import json
import os
import struct
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl

_SUFFIX = ".entry"
_HEADER = struct.Struct(">I")


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _lock(directory: Path) -> int:
    import fcntl

    from logframe.errors import LogframeError

    descriptor = os.open(directory / "lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        raise LogframeError(
            f"the write-ahead log {str(directory)!r} is in use by another server: give each server its own --wal"
        ) from None
    return descriptor


def _ends_with_newline(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return True
    with open(path, "rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


NODE_FILE = "node-id"
"""The log's node identity (random, made once): the store's application transaction is ``wal:<id>``."""


class WriteAheadLog:
    """Entries under ``directory``; one writer (callers serialise :meth:`append`).

    ``exclusive`` locks the directory (``flock`` on ``<directory>/lock``) for this process's lifetime,
    so a second server given the same log fails at start instead of committing its entries too.
    """

    def __init__(self, directory: str | os.PathLike[str], *, exclusive: bool = False) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._lock_fd = _lock(self.directory) if exclusive else None
        self.receipts_path = self.directory / "receipts.jsonl"
        for leftover in self.directory.glob("*.tmp"):  # never acknowledged: the rename did not happen
            leftover.unlink()
        seqs = [int(p.stem) for p in self.directory.glob(f"*{_SUFFIX}")]
        self.last_seq: int = max([0, *seqs, *(int(r["seq"]) for r in self.receipts())])
        self.node_id = self._node_id()

    def _node_id(self) -> str:
        """The identity of this log: from ``node-id``, made on first use ("" for a log older than node ids)."""
        path = self.directory / NODE_FILE
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        if self.last_seq > 0:  # written before node ids: its entries were committed as plain "wal"
            return ""
        node = uuid.uuid4().hex[:16]
        temporary = path.with_suffix(".tmp")
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(node + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        _fsync_directory(self.directory)
        return node

    def _path(self, seq: int) -> Path:
        return self.directory / f"{seq:020d}{_SUFFIX}"

    def append(self, records: pl.DataFrame, header: dict[str, Any]) -> int:
        """Write an entry and make it durable; its sequence number."""
        seq = self.last_seq + 1
        meta = json.dumps({**header, "seq": seq}).encode()
        body = io.BytesIO()
        records.write_ipc_stream(body)
        final = self._path(seq)
        temporary = final.with_suffix(".tmp")
        try:
            with open(temporary, "wb") as handle:
                handle.write(_HEADER.pack(len(meta)) + meta + body.getvalue())
                handle.flush()
                os.fsync(handle.fileno())
        except OSError:
            temporary.unlink(missing_ok=True)  # never acknowledged: leave nothing half-written
            raise
        os.replace(temporary, final)
        _fsync_directory(self.directory)
        self.last_seq = seq
        return seq

    def entries(self) -> Iterator[tuple[int, dict[str, Any], pl.DataFrame]]:
        """Pending entries in order: sequence number, header, records."""
        for path in sorted(self.directory.glob(f"*{_SUFFIX}")):
            data = path.read_bytes()
            size: int = _HEADER.unpack_from(data)[0]
            header = json.loads(data[_HEADER.size : _HEADER.size + size])
            records = pl.read_ipc_stream(io.BytesIO(data[_HEADER.size + size :]))
            yield int(path.stem), header, records

    @property
    def depth(self) -> int:
        """Entries not yet committed to the store."""
        return sum(1 for _ in self.directory.glob(f"*{_SUFFIX}"))

    def release(self, headers: list[dict[str, Any]]) -> None:
        """Keep the answers of committed entries (durably), then delete the entries."""
        if not headers:
            return
        lines = "".join(
            json.dumps({"seq": h["seq"], "key": h.get("key"), "answer": h.get("answer"), "at": h.get("at")}) + "\n"
            for h in headers
        )
        torn = not _ends_with_newline(self.receipts_path)
        with open(self.receipts_path, "a", encoding="utf-8") as handle:
            handle.write(("\n" if torn else "") + lines)  # a line torn by a crash stays apart
            handle.flush()
            os.fsync(handle.fileno())
        for header in headers:
            self._path(header["seq"]).unlink(missing_ok=True)
        _fsync_directory(self.directory)

    def compact_receipts(self, keep: Callable[[dict[str, Any]], bool]) -> int:
        """Rewrite ``receipts.jsonl`` with only the receipts ``keep`` says yes to (atomically); how many went.

        The last receipt always stays: its sequence number is where numbering goes on after a restart.
        """
        receipts = list(self.receipts())
        kept = [r for i, r in enumerate(receipts) if keep(r) or i == len(receipts) - 1]
        if len(kept) == len(receipts):
            return 0
        temporary = self.receipts_path.with_suffix(".tmp")  # removed at start if a crash leaves it
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write("".join(json.dumps(r) + "\n" for r in kept))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.receipts_path)
        _fsync_directory(self.directory)
        return len(receipts) - len(kept)

    def receipts(self) -> Iterator[dict[str, Any]]:
        """Answers of committed entries, oldest first (a torn last line, from a crash, is ignored)."""
        if not self.receipts_path.exists():
            return
        with open(self.receipts_path, encoding="utf-8") as handle:
            for line in handle:
                try:
                    yield json.loads(line)
                except json.JSONDecodeError:
                    continue
