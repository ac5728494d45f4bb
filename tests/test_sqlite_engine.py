"""The SQLite engine's group commit: a commit returns only once the write-ahead log
holding it is on the disk; the fsync runs in a thread, the loop goes on meanwhile,
and the commits made while one fsync runs share the next."""

from __future__ import annotations

import asyncio
import os
import threading
import time

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from models import sqlite_engine
from models.db import close_db, open_db
from models.sqlite_engine import WalSync, sync_with_next_commit
from models.tables import InboundMessage


def _record_syncs(
    monkeypatch,
    delay: float = 0.0,
    fail: list | None = None,
    began: threading.Event | None = None,
    in_thread: bool | None = None,
) -> list[dict]:
    """Each fsync of the log: the commit number it can cover, and where it ran. A
    ``delay`` (a slow disk) is synced in the thread from the first sync on, unless
    ``in_thread`` is False (then the engine finds out for itself)."""
    if in_thread or (delay and in_thread is None):
        monkeypatch.setattr(sqlite_engine, "INLINE_SYNC_SECONDS", 0.0)
    syncs: list[dict] = []
    real = WalSync._fsync

    def recording(self):
        syncs.append({"covers": self.committed, "thread": threading.current_thread().name})
        if began is not None:
            began.set()
        if delay:
            time.sleep(delay)
        if fail:
            raise fail.pop()
        return real(self)

    monkeypatch.setattr(WalSync, "_fsync", recording)
    return syncs


def _sync() -> WalSync:
    return connections.get("default")._connection.wal_sync


async def _write(n: int, clock) -> None:
    await InboundMessage.create(platform="t", key=f"k{n}", payload={}, received_at=clock.now())


async def test_a_commit_returns_once_its_log_is_on_the_disk(db, clock, monkeypatch):
    syncs = _record_syncs(monkeypatch)
    sqlite = connections.get("default")._connection._conn
    # SQLite itself does not sync at commit: the engine does, after the commit
    assert sqlite.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert sqlite.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    await _write(1, clock)
    sync = _sync()
    assert len(syncs) == 1 and syncs[0]["thread"] == "MainThread"  # idle loop, fast disk
    assert sync.synced == sync.committed
    async with in_transaction():
        await _write(2, clock)
        await _write(3, clock)
    assert len(syncs) == 2 and sync.synced == sync.committed  # one per transaction
    await InboundMessage.filter(key="k1").first()  # a read waits for nothing
    assert len(syncs) == 2


async def test_the_loop_runs_while_the_disk_syncs_and_commits_share_a_sync(db, clock, monkeypatch):
    syncs = _record_syncs(monkeypatch, delay=0.05)
    ticks = 0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0.001)

    task = asyncio.create_task(ticker())
    started = time.monotonic()
    await asyncio.gather(*(_write(n, clock) for n in range(20)))
    elapsed = time.monotonic() - started
    done.set()
    await task
    # 20 commits, each waiting for a 50 ms sync: they shared a few syncs instead of
    # waiting 20 × 50 ms one after another, and the loop kept running
    assert len(syncs) <= 3, syncs
    assert elapsed < 20 * 0.05 / 2
    assert ticks >= 10
    sync = _sync()
    assert sync.synced == sync.committed
    assert await InboundMessage.all().count() == 20


async def test_a_commit_made_during_a_sync_waits_for_the_next_one(db, clock, monkeypatch):
    began = threading.Event()
    syncs = _record_syncs(monkeypatch, delay=0.05, began=began)
    first = asyncio.create_task(_write(1, clock))
    assert await asyncio.to_thread(began.wait, 5)  # the first commit's sync has begun
    covered_by_first = syncs[0]["covers"]
    await _write(2, clock)  # committed while that sync runs: it cannot count on it
    await first
    assert len(syncs) == 2
    assert syncs[1]["covers"] > covered_by_first


@pytest.mark.parametrize("in_thread", [False, True], ids=["in the loop", "in the thread"])
async def test_a_failed_sync_fails_the_commit_and_the_next_one_syncs_again(
    db, clock, monkeypatch, in_thread
):
    syncs = _record_syncs(monkeypatch, fail=[OSError(5, "Input/output error")], in_thread=in_thread)
    with pytest.raises(OSError):
        await _write(1, clock)
    await _write(2, clock)
    assert len(syncs) == 2
    assert all((s["thread"] == "MainThread") != in_thread for s in syncs)
    assert _sync().synced == _sync().committed


async def test_unsynced_writes_ride_on_the_next_sync(db, clock, monkeypatch):
    syncs = _record_syncs(monkeypatch)
    with sync_with_next_commit():
        await _write(1, clock)
        async with in_transaction():
            await _write(2, clock)
    assert syncs == []
    sync = _sync()
    assert sync.synced < sync.committed
    await _write(3, clock)
    assert len(syncs) == 1 and sync.synced == sync.committed


async def test_the_log_is_reopened_when_sqlite_replaces_it(db, clock, monkeypatch):
    await _write(1, clock)
    sync = _sync()
    first_inode = sync._inode
    assert first_inode == os.stat(sync.wal).st_ino
    # a checkpoint that truncates the log keeps the file: the same one is synced
    connections.get("default")._connection._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    await _write(2, clock)
    assert sync._inode == first_inode
    monkeypatch.setattr(sync, "_inode", -1)  # as if the file had been replaced
    monkeypatch.setattr(WalSync, "INODE_CHECK_SECONDS", 0.0)  # looked at every second
    await _write(3, clock)
    assert sync._inode == first_inode and sync.synced == sync.committed


@pytest.mark.parametrize(
    ("params", "pragma"),
    [("synchronous=NORMAL", 1), ("journal_mode=DELETE", 2)],
)
async def test_without_group_commit_sqlite_decides(tmp_path, config, clock, params, pragma):
    """``synchronous=NORMAL`` asked for: no waiting for the disk. No write-ahead log:
    SQLite syncs every commit itself (FULL)."""
    await open_db(f"sqlite://{tmp_path}/plain.db?{params}", create=True)
    try:
        connection = connections.get("default")._connection
        assert connection.wal_sync is None
        assert connection._conn.execute("PRAGMA synchronous").fetchone()[0] == pragma
        await _write(1, clock)
        assert await InboundMessage.all().count() == 1
    finally:
        await close_db()


async def test_the_sync_thread_stops_with_the_connection(tmp_path, config, clock):
    await open_db(f"sqlite://{tmp_path}/closing.db", create=True)
    await _write(1, clock)
    sync = _sync()
    await close_db()
    assert sync._fd is None
    assert not [t for t in threading.enumerate() if t.name.startswith("sqlite-wal-sync")]


async def test_checkpoints_run_in_a_thread_not_inside_a_commit(db, clock, monkeypatch):
    """SQLite's own checkpoint runs inside the commit that fills the log (10-16 ms of
    a stopped loop); here it is off, and a thread of ours checkpoints instead."""
    raw = connections.get("default")._connection._conn
    assert raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    assert raw.execute("PRAGMA journal_size_limit").fetchone()[0] == 64 * 2**20
    sync = _sync()
    monkeypatch.setattr(WalSync, "CHECKPOINT_SECONDS", 0.0)
    threads: list[str] = []
    real = WalSync._checkpoint

    def recording(self):
        threads.append(threading.current_thread().name)
        return real(self)

    monkeypatch.setattr(WalSync, "_checkpoint", recording)
    for n in range(5):
        await _write(n, clock)
    if sync._checkpointing is not None:
        await sync._checkpointing
    await asyncio.sleep(0)  # its done-callback
    assert sync.checkpoints >= 1 and threads
    assert all(name.startswith("sqlite-checkpoint") for name in threads)
    busy, log_frames, copied = raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert busy == 0 and log_frames == copied  # nothing left to copy
    assert await InboundMessage.all().count() == 5


async def test_the_log_starts_over_although_commits_come_in_during_every_checkpoint(
    db, clock, monkeypatch
):
    """The log is reused from its beginning only once a checkpoint has copied all of
    it. Commits made while the checkpoint copies kept that from happening under a
    steady load, and the log grew without end; a checkpoint left behind now copies
    the rest with commits held back, and the next commit starts the log over."""
    raw = connections.get("default")._connection._conn
    sync = _sync()
    for n in range(40):
        await _write(n, clock)
    _, frames_before, _ = raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert frames_before >= 40
    monkeypatch.setattr(WalSync, "CHECKPOINT_SECONDS", 0.0)
    go, copied, committed = threading.Event(), threading.Event(), threading.Event()
    calls: list[bool] = []  # whether commits were held back, each checkpoint
    real = WalSync._checkpoint

    def first_overtaken(self):
        calls.append(self.lock.locked())
        if len(calls) > 1:
            return real(self)
        go.wait(5)
        result = real(self)
        copied.set()
        committed.wait(5)
        return result

    monkeypatch.setattr(WalSync, "_checkpoint", first_overtaken)
    await _write(100, clock)  # its sync starts the checkpoint
    async with in_transaction():  # begun before the copy, committed after it
        await _write(101, clock)
        go.set()
        assert await asyncio.to_thread(copied.wait, 5)
    committed.set()
    await sync._checkpointing
    assert len(calls) == 2 and calls[1]  # the rest was copied with commits held back
    monkeypatch.setattr(WalSync, "CHECKPOINT_SECONDS", 3600.0)
    await _write(102, clock)
    _, frames_after, _ = raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert frames_after < 10 < frames_before  # the log started over
    assert await InboundMessage.all().count() == 43


async def test_a_checkpoint_that_copied_everything_holds_no_commit_back(db, clock, monkeypatch):
    sync = _sync()
    monkeypatch.setattr(WalSync, "CHECKPOINT_SECONDS", 0.0)
    calls: list[bool] = []
    real = WalSync._checkpoint

    def recording(self):
        calls.append(self.lock.locked())
        return real(self)

    monkeypatch.setattr(WalSync, "_checkpoint", recording)
    await _write(1, clock)
    await sync._checkpointing
    assert calls == [False]


async def test_a_slow_disk_is_synced_in_the_thread(db, clock, monkeypatch):
    """In the loop's own thread an fsync saves two thread hops, and stops the loop
    meanwhile: only while the disk is fast and nothing else is ready to run."""
    syncs = _record_syncs(monkeypatch, delay=0.01, in_thread=False)
    await _write(1, clock)  # fast so far: in the loop's thread (it takes 10 ms)
    await _write(2, clock)  # now known to be slow: in the thread
    assert [s["thread"] == "MainThread" for s in syncs] == [True, False]
    sync = _sync()
    assert sync.synced == sync.committed


async def test_a_busy_loop_is_synced_in_the_thread(db, clock, monkeypatch):
    syncs = _record_syncs(monkeypatch, in_thread=False)
    asyncio.get_running_loop().call_soon(lambda: None)  # something else is ready to run
    await _write(1, clock)
    await _write(2, clock)  # idle again
    assert [s["thread"] == "MainThread" for s in syncs] == [False, True]
    sync = _sync()
    assert sync.synced == sync.committed


async def test_a_commit_whose_caller_gives_up_waiting_does_not_fail_the_others(
    db, clock, monkeypatch
):
    began = threading.Event()
    syncs = _record_syncs(monkeypatch, delay=0.05, began=began)
    first = asyncio.create_task(_write(1, clock))
    assert await asyncio.to_thread(began.wait, 5)
    second = asyncio.create_task(_write(2, clock))  # committed during the sync
    await asyncio.sleep(0.01)
    first.cancel()  # e.g. a webhook request that timed out
    await _write(3, clock)
    await second
    assert first.cancelled()
    assert len(syncs) == 2 and _sync().synced == _sync().committed
    assert await InboundMessage.all().count() == 3  # the first was committed all the same
