"""The write-ahead log and the pipeline around it: durability, recovery at every step, idempotency."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

import logframe
from tests.conftest import record

pytest.importorskip("deltalake")

from logframe.service.pipeline import Pipeline, parse_body
from logframe.service.store import Store, open_store
from logframe.service.wal import WriteAheadLog


def body(*messages: str) -> bytes:
    return "".join(record(m) + "\n" for m in messages).encode()


def test_entries_round_trip_in_order_and_release_keeps_receipts(tmp_path: Path) -> None:
    wal = WriteAheadLog(tmp_path)
    first = wal.append(pl.DataFrame({"line": [1, 2]}), {"key": "a", "answer": {"accepted": 2}})
    second = wal.append(pl.DataFrame({"line": [3]}), {"key": None, "answer": {"accepted": 1}})
    assert (first, second) == (1, 2)
    entries = list(wal.entries())
    assert [(seq, header["key"], records["line"].to_list()) for seq, header, records in entries] == [
        (1, "a", [1, 2]),
        (2, None, [3]),
    ]
    wal.release([entries[0][1]])
    assert wal.depth == 1
    assert [r["key"] for r in wal.receipts()] == ["a"]
    assert WriteAheadLog(tmp_path).last_seq == 2  # numbering goes on after a restart


def test_leftovers_of_a_crash_are_cleaned_up(tmp_path: Path) -> None:
    wal = WriteAheadLog(tmp_path)
    wal.append(pl.DataFrame({"line": [1]}), {"key": "a", "answer": {}})
    (tmp_path / "00000000000000000002.tmp").write_bytes(b"half an entry")  # crashed before the rename
    with open(wal.receipts_path, "a") as handle:
        handle.write('{"seq": 9, "key": "torn')  # crashed in the middle of a receipt
    reopened = WriteAheadLog(tmp_path)
    assert not list(tmp_path.glob("*.tmp"))
    assert reopened.depth == 1
    reopened.release([next(reopened.entries())[1]])
    assert [r["key"] for r in reopened.receipts()] == ["a"]  # the torn line is skipped, the next one whole


def test_pipeline_answers_only_after_the_entry_is_on_disk(tmp_path: Path) -> None:
    pipeline = Pipeline(open_store(tmp_path / "store"), str(tmp_path / "wal"))
    answer = pipeline.accept(body("ERROR:app:down", "INFO:app:up") + b"{oops\n", source="t")
    assert (answer["accepted"], answer["rejected"]) == (2, 1)
    assert answer["errors"] == [{"line": 3, "reason": "invalid_json", "text": "{oops"}]
    assert pipeline.wal.depth == 1  # durable, not yet in the table
    assert pipeline.store.scan().collect().height == 0
    assert pipeline.commit_pending() == 2
    assert pipeline.store.committed(pipeline.app_id) == 1
    assert pipeline.store.scan().collect()["source"].to_list() == ["t", "t"]


def test_crash_after_the_commit_before_the_release_commits_once(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    pipeline = Pipeline(store, str(tmp_path / "wal"))
    pipeline.accept(body("ERROR:app:once"), source="t", key="k")
    seq, _, records = next(pipeline.wal.entries())
    store.append(records, app_id=pipeline.app_id, version=seq)  # committed; the process dies before releasing
    restarted = Pipeline(store, str(tmp_path / "wal"))
    assert restarted.wal.depth == 0  # recovery saw the store already holds it
    assert restarted.commit_pending() == 0
    assert store.scan().collect().height == 1
    assert restarted.accept(body("ERROR:app:once"), source="t", key="k")["replayed"] is True
    assert restarted.wal.last_seq == 1


def test_idempotency_key_across_restarts_before_commit(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    Pipeline(store, str(tmp_path / "wal")).accept(body("INFO:app:a"), source="t", key="k")
    restarted = Pipeline(store, str(tmp_path / "wal"))  # the entry is still pending
    assert restarted.accept(body("INFO:app:a"), source="t", key="k")["replayed"] is True
    assert restarted.commit_pending() == 1
    assert store.scan().collect().height == 1


def test_a_failing_commit_keeps_the_entries(tmp_path: Path) -> None:
    where = tmp_path / "store"
    pipeline = Pipeline(open_store(where), str(tmp_path / "wal"))
    pipeline.accept(body("ERROR:app:kept"), source="t")
    where.rmdir()
    where.write_text("a file where the table should be")  # the store breaks after the server started
    from deltalake.exceptions import DeltaError

    with pytest.raises((OSError, DeltaError)):
        pipeline.commit_pending()
    assert pipeline.wal.depth == 1
    where.unlink()  # the operator repairs the store
    where.mkdir()
    assert pipeline.commit_pending() == 1
    assert pipeline.store.scan().collect()["message"].to_list() == ["kept"]


def test_a_broken_store_stops_the_start_with_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the table should be")
    with pytest.raises(OSError, match="Not a directory"):
        Pipeline(Store(str(blocker)), str(tmp_path / "wal"))


def test_parse_body_accepts_a_json_array_and_says_what_is_wrong() -> None:
    records, answer = parse_body(json.dumps([json.loads(record("ERROR:app:x")), 5]).encode(), source="t")
    assert (records.height, answer["rejected"], answer["errors"][0]["reason"]) == (1, 1, "not_a_json_object")
    with pytest.raises(logframe.LogframeError, match="starts like a JSON array but is not one"):
        parse_body(b"[1, 2", source="t")
    empty, answer = parse_body(b"", source="t")
    assert (empty.height, answer["accepted"]) == (0, 0)


def test_committer_compacts_small_files(tmp_path: Path) -> None:
    import threading
    import time

    from deltalake import DeltaTable

    pipeline = Pipeline(open_store(tmp_path / "store"), str(tmp_path / "wal"))
    stop = threading.Event()
    committer = threading.Thread(target=pipeline.run_committer, args=(stop, 0.01, 4))
    committer.start()
    try:
        for i in range(4):  # four small commits, one a batch
            pipeline.accept(body(f"INFO:app:n={i}"), source="t")
            deadline = time.monotonic() + 20
            while pipeline.wal.depth and time.monotonic() < deadline:
                time.sleep(0.01)
        deadline = time.monotonic() + 20
        while pipeline.metrics["compactions"] == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        stop.set()
        committer.join()
    assert pipeline.metrics["compactions"] == 1
    table = DeltaTable(str(tmp_path / "store"))
    assert len(table.file_uris()) == 1  # four files compacted into one
    assert pipeline.store.scan().collect().height == 4


def test_each_log_has_its_own_node_identity_kept_across_restarts(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    first, other = Pipeline(store, str(tmp_path / "wal-a")), Pipeline(store, str(tmp_path / "wal-b"))
    assert first.app_id.startswith("wal:")
    assert first.app_id != other.app_id
    assert Pipeline(store, str(tmp_path / "wal-a")).app_id == first.app_id
    first.accept(body("INFO:app:a"), source="t")
    other.accept(body("INFO:app:b"), source="t")
    other.accept(body("INFO:app:c"), source="t")
    assert (first.commit_pending(), other.commit_pending()) == (1, 2)
    assert (store.committed(first.app_id), store.committed(other.app_id)) == (1, 2)
    assert Pipeline(store, str(tmp_path / "wal-a")).commit_pending() == 0  # nothing re-committed


def test_a_log_from_before_node_identities_keeps_committing_as_wal(tmp_path: Path) -> None:
    wal = WriteAheadLog(tmp_path / "wal")
    (tmp_path / "wal" / "node-id").unlink()  # as a log written by the previous release looks
    wal.append(pl.DataFrame({"line": [1]}), {"key": None, "answer": {}})
    assert WriteAheadLog(tmp_path / "wal").node_id == ""
    assert Pipeline(open_store(tmp_path / "store"), str(tmp_path / "wal")).app_id == "wal"


def test_a_log_in_use_by_another_server_is_refused(tmp_path: Path) -> None:
    held = WriteAheadLog(tmp_path / "wal", exclusive=True)
    with pytest.raises(logframe.LogframeError, match="in use by another server"):
        WriteAheadLog(tmp_path / "wal", exclusive=True)
    del held
