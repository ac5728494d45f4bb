"""SQLite for tortoise, run in the event loop's own thread, with group commit.

tortoise talks to SQLite through aiosqlite, which hands every statement to a
worker thread and back. Our statements take microseconds; the two thread hops
(and waiting for the GIL while the loop is busy) took milliseconds, and since one
SQLite connection serialises everything, they capped a worker at ~40 messages a
second. Here the same aiosqlite API runs each call directly. The cost: a slow
statement blocks the loop for its duration — acceptable for the SQLite deployment
(one process, one community, small tables); PostgreSQL is unaffected.

**Durable commits, shared (group commit).** In WAL mode a commit appends the
transaction to the write-ahead log; it is durable once the log is on the disk
(fsync). With SQLite's ``synchronous=FULL`` every commit does that fsync itself
(0.2–1.5 ms on the disks seen here), and the loop and the one connection wait for
it. Instead, the connection runs with ``synchronous=NORMAL`` (a commit writes the
log without syncing it: still atomic and consistent, and SQLite still syncs around
its checkpoints) and this engine syncs the log itself, in a thread of its own,
after tortoise's lock on the connection is released: a commit returns to its
caller only once an fsync that began after it has finished. So what a caller is
told was committed is on the disk, exactly as with FULL, while the loop handles
other messages during the fsync, and every commit made meanwhile shares the next
one. ``?synchronous=NORMAL`` in the URL turns the waiting off (faster, but a power
failure may lose the last commits; a crash of the process never does).

When nothing else is ready to run and the disk is fast (its last fsync took less than
``INLINE_SYNC_SECONDS``), the fsync runs in the loop's own thread instead, right
after the commit: the two thread hops (about 0.3 ms here) cost more than the fsync
itself (0.1–0.4 ms), and nothing was waiting for the loop.

Selected in ``models.db.tortoise_config`` for ``sqlite://`` URLs.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from typing import Any

import aiosqlite
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)

log = logging.getLogger(__name__)

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_unsynced: ContextVar[bool] = ContextVar("sqlite_unsynced", default=False)
_last_commit: ContextVar[int] = ContextVar("sqlite_last_commit", default=0)
"""The number of this task's last commit: what its wait for the disk must cover.
Commits are numbered across connections (tests open many), so a number from a
connection closed since is always covered."""
_commit_numbers = itertools.count(1)

INLINE_SYNC_SECONDS = 0.002
"""An fsync may run in the event loop's own thread (when nothing else is ready to run)
while the last one took less than this; a slower disk is always synced in the thread,
so that the loop goes on meanwhile."""

SWITCH_INTERVAL = 0.0005
"""Seconds (Python's default: 0.005). When the fsync thread finishes, it needs the
GIL to wake the loop; a busy loop thread holds it for up to this long. At the
default, a durable commit could wait 5 ms for the GIL after a 0.5 ms fsync."""


@contextlib.contextmanager
def sync_with_next_commit() -> Iterator[None]:
    """Commits in this block do not wait for the disk: the next commit that does
    (the log is synced as a whole) makes them durable with it. For a caller that
    commits again, waiting for the disk, before it acknowledges anything to anyone,
    or whose commit may be lost in a power failure without harm (a record of a
    message sent: the message goes out again). A crash of the process loses nothing
    either way: the log is written at once."""
    token = _unsynced.set(True)
    try:
        yield
    finally:
        _unsynced.reset(token)


def _commits(conn: sqlite3.Connection, fn, args: tuple) -> bool:
    """A commit, or a write outside a transaction (which commits by itself)."""
    if fn == conn.commit:
        return conn.in_transaction  # outside a transaction it does nothing
    if conn.in_transaction or not args or not isinstance(args[0], str):
        return False
    return args[0].lstrip()[:7].upper().startswith(_WRITES)


class WalSync:
    """Syncs one database's write-ahead log to the disk, in a thread of its own, for
    every commit made before the sync began (group commit); and copies the log into
    the database file (a checkpoint), in another thread, on a connection of its own.

    SQLite checkpoints by itself inside the commit that brings the log past 1,000
    pages: a copy and two fsyncs, measured here at 10–16 ms, during which the loop
    stood still (every 60th message or so). The connection turns that off
    (``wal_autocheckpoint=0``) and this checkpoints, ``PASSIVE`` (it never blocks a
    writer), at most every ``CHECKPOINT_SECONDS`` while commits come in.

    The log starts over from its beginning only after a checkpoint has copied all of
    it. Under a steady load, commits come in while the copy runs, so it never has:
    the log grew without end (336 MB after 2,000 messages in the bench), and every
    commit then wrote to new blocks of the file (slower to write and to sync). So a
    checkpoint that is left behind copies the rest at once, holding the connection's
    lock (``lock``): commits wait for the copy of what came in during the first one,
    about a millisecond, at most once per ``CHECKPOINT_SECONDS``."""

    CHECKPOINT_SECONDS = 1.0
    INODE_CHECK_SECONDS = 1.0

    def __init__(self, database: str):
        self.database = database
        self.wal = f"{database}-wal"
        self.directory = os.path.dirname(os.path.abspath(database))
        start = next(_commit_numbers)
        self.committed = start  # the number of the last commit made
        self.synced = start  # every commit numbered up to this one is on the disk
        self.checkpoints = 0
        self._fd: int | None = None
        self._inode: int | None = None
        self._inode_checked = 0.0
        self._syncing = False  # an fsync is running in the thread
        self.fsync_seconds = float("inf")  # how long the last one took (none yet: unknown)
        self._wanted = start  # the last commit somebody waits (or will wait) for
        self._waiters: list[asyncio.Future] = []
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="sqlite-wal-sync")
        self._checkpointer = ThreadPoolExecutor(1, thread_name_prefix="sqlite-checkpoint")
        self._checkpoint_conn: sqlite3.Connection | None = None
        self._checkpointing: asyncio.Task | None = None
        self.lock: asyncio.Lock | None = None
        """The lock every statement of the connection takes (tortoise's), once known."""
        self._checkpointed = start  # the last commit before the last checkpoint began
        self._checkpoint_at = 0.0  # loop time it began

    def note_commit(self, *, waited_for: bool) -> None:
        """A commit was made. One that will be waited for starts its fsync at once (or
        right after the one running), before its caller goes on: in the loop's own
        thread when nothing else is ready to run and the disk is fast (two thread hops
        cost more than such an fsync: 0.3 ms against 0.1–0.4 ms here), else in the
        sync thread. Raises what an fsync in the loop's thread raised."""
        self.committed = next(_commit_numbers)
        _last_commit.set(self.committed)
        if not waited_for:
            return
        self._wanted = self.committed
        if self._syncing:
            return
        loop = asyncio.get_running_loop()
        ready = getattr(loop, "_ready", None)  # asyncio's queue of callbacks to run
        if ready is None or ready or self.fsync_seconds >= INLINE_SYNC_SECONDS:
            self._start_sync()
            return
        covers, error = self.committed, None
        try:
            self._timed_fsync()
        except OSError as e:
            error = e
        self._synced(loop, covers, error)
        if error is not None:
            raise error

    async def wait(self, upto: int) -> None:
        """Return once commit number ``upto`` is on the disk; raises what fsync raised."""
        loop = asyncio.get_running_loop()
        while self.synced < upto:
            self._wanted = max(self._wanted, upto)
            if not self._syncing:
                self._start_sync()
            waiter = loop.create_future()  # one each: a waiter cancelled cancels only its own
            self._waiters.append(waiter)
            await waiter

    def _start_sync(self) -> None:
        loop = asyncio.get_running_loop()
        covers = self.committed  # every one of these was written before the fsync starts
        self._syncing = True
        running = self._thread.submit(self._timed_fsync)
        running.add_done_callback(
            lambda done: loop.call_soon_threadsafe(self._synced, loop, covers, done.exception())
        )

    def _synced(
        self, loop: asyncio.AbstractEventLoop, covers: int, error: BaseException | None
    ) -> None:
        """(In the loop.) An fsync ended, here or in the thread: tell its waiters, start
        the next if wanted, checkpoint if due."""
        self._syncing = False
        if error is None:
            self.synced = max(self.synced, covers)
        else:
            log.critical("sqlite: the write-ahead log %s could not be synced", self.wal)
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                if error is None:
                    waiter.set_result(None)
                else:
                    waiter.set_exception(error)
        if error is None and self._wanted > self.synced:
            self._start_sync()  # commits made during this one, waited for
        self._maybe_checkpoint(loop)

    def _maybe_checkpoint(self, loop: asyncio.AbstractEventLoop) -> None:
        due = loop.time() - self._checkpoint_at >= self.CHECKPOINT_SECONDS
        if due and self._checkpointing is None and self.committed > self._checkpointed:
            self._checkpointed, self._checkpoint_at = self.committed, loop.time()
            self._checkpointing = loop.create_task(self._checkpoint_all())
            self._checkpointing.add_done_callback(self._checkpoint_done)

    async def _checkpoint_all(self) -> None:
        """A checkpoint; if commits came in meanwhile, the rest with commits held back,
        so that the log starts over (see the class). Not when a reader elsewhere kept
        the first from copying all it saw: holding commits back would not help."""
        loop = asyncio.get_running_loop()
        before = self.committed
        complete = await loop.run_in_executor(self._checkpointer, self._checkpoint)
        if complete and self.committed != before and self.lock is not None:
            async with self.lock:
                await loop.run_in_executor(self._checkpointer, self._checkpoint)

    def _checkpoint_done(self, future: asyncio.Future) -> None:
        self._checkpointing = None
        if future.cancelled():
            return
        if future.exception() is not None:  # the next one tries again; commits go on
            log.warning("sqlite: checkpoint of %s failed: %s", self.database, future.exception())
        else:
            self.checkpoints += 1

    def _checkpoint(self) -> bool:
        """(In the checkpoint thread.) Copy what the log holds into the database; True
        when all of it was copied (the next commit starts the log over)."""
        if self._checkpoint_conn is None:
            self._checkpoint_conn = sqlite3.connect(self.database, isolation_level=None)
            self._checkpoint_conn.execute("PRAGMA busy_timeout=1000")
        busy, log_frames, copied = self._checkpoint_conn.execute(
            "PRAGMA wal_checkpoint(PASSIVE)"
        ).fetchone()
        return not busy and copied == log_frames

    def _close_checkpointer(self) -> None:
        if self._checkpoint_conn is not None:
            self._checkpoint_conn.close()
            self._checkpoint_conn = None

    def _timed_fsync(self) -> None:
        started = time.perf_counter()
        try:
            self._fsync()
        finally:
            self.fsync_seconds = time.perf_counter() - started

    def _fsync(self) -> None:
        """(In the thread.) The log file is opened once, and again if it was replaced
        (SQLite does not while our connection is open; checked once a second all the
        same)."""
        now = time.monotonic()
        inode = self._inode
        if self._fd is None or now - self._inode_checked >= self.INODE_CHECK_SECONDS:
            inode = os.stat(self.wal).st_ino
            self._inode_checked = now
        if self._fd is None or inode != self._inode:
            if self._fd is not None:
                os.close(self._fd)
            self._fd = os.open(self.wal, os.O_RDONLY)
            self._inode = os.fstat(self._fd).st_ino
            directory = os.open(self.directory, os.O_RDONLY)  # the log's name, on disk too
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
        os.fdatasync(self._fd)  # what SQLite itself uses on Linux (the size, if it grew, too)

    def close(self) -> None:
        if self._checkpointing is not None:
            self._checkpointing.cancel()
        self._checkpointer.submit(self._close_checkpointer)
        self._checkpointer.shutdown(wait=True)
        self._thread.shutdown(wait=True)
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class InlineConnection(aiosqlite.Connection):
    """aiosqlite's ``Connection`` without its thread."""

    wal_sync: WalSync | None = None
    """Set when commits are made durable by this engine (WAL, synchronous=FULL)."""

    async def _execute(self, fn, *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        conn = self._conn
        if fn == conn.commit and not conn.in_transaction:
            return None  # nothing to commit (tortoise's begin() asks first): no turn of the loop
        commits = self.wal_sync is not None and _commits(conn, fn, args)
        result = fn(*args, **kwargs)
        if commits:
            self.wal_sync.note_commit(waited_for=not _unsynced.get())
        if fn != conn.close and not conn.in_transaction:
            # between transactions, let the loop run other tasks: a callback waiting for
            # its answer must not wait for a whole backlog of someone else's work
            # (inside one, yielding would only hold the lock longer)
            await asyncio.sleep(0)
        return result

    async def durable(self) -> None:
        """Wait until this task's last commit is on the disk (nothing to wait for
        when it is already, inside ``sync_with_next_commit``, or without a log)."""
        sync = self.wal_sync
        if sync is not None and sync.synced < _last_commit.get() and not _unsynced.get():
            await sync.wait(_last_commit.get())

    async def _connect(self) -> InlineConnection:
        if self._connection is None:
            self._connection = self._connector()
        return self

    def __await__(self):
        return self._connect().__await__()

    def stop(self) -> None:
        self._running = False
        if self.wal_sync is not None:
            self.wal_sync.close()
        return None


class DurableTransactionContext(SqliteTransactionContext):
    """tortoise's transaction, whose commit then waits for the disk, with the
    connection free for others meanwhile."""

    async def __aexit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        await super().__aexit__(exc_type, exc_val, exc_tb)
        if exc_type is None:
            await self.connection._connection.durable()


JOURNAL_SIZE_LIMIT = 64 * 2**20
"""Bytes of write-ahead log kept on disk after a checkpoint (tortoise's default is 16
KB; ``models.db.tortoise_config`` puts this one in unless the URL names one): a log
that is not cut back is not grown again, and an fdatasync of a file that keeps its
size and blocks writes only the data (commits measured here 40% cheaper)."""


class InlineSqliteClient(SqliteClient):
    async def create_connection(self, with_db: bool) -> None:
        if self._connection:
            return
        filename = self.filename

        def connector() -> sqlite3.Connection:
            return sqlite3.connect(filename, isolation_level=None, check_same_thread=False)

        self._connection = await InlineConnection(connector, iter_chunk_size=64)
        self._connection._conn.row_factory = sqlite3.Row
        pragmas = dict(self.pragmas)
        synchronous = str(pragmas.get("synchronous", "FULL")).upper()
        group_commit = synchronous in ("FULL", "2", "EXTRA", "3") and not _in_memory(filename)
        if group_commit:
            pragmas["synchronous"] = "NORMAL"  # the engine syncs the log instead
            pragmas.setdefault("wal_autocheckpoint", 0)  # and checkpoints (unless the URL says)
        for pragma, val in pragmas.items():
            cursor = await self._connection.execute(f"PRAGMA {pragma}={val}")
            await cursor.close()
        mode = self._connection._conn.execute("PRAGMA journal_mode").fetchone()[0]
        if group_commit and str(mode).lower() == "wal":
            self._connection.wal_sync = WalSync(filename)
            self._connection.wal_sync.lock = self._lock
            sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
        elif group_commit:  # no write-ahead log to sync: SQLite syncs every commit itself
            self._connection._conn.execute(f"PRAGMA synchronous={synchronous}")
        await self._post_connect()

    def _in_transaction(self) -> DurableTransactionContext:
        return DurableTransactionContext(SqliteTransactionWrapper(self), self._lock)

    # Writes outside a transaction commit by themselves: they wait for the disk too,
    # once the connection is free again (a read waits for nothing).
    async def _then_durable(self, statement):
        before = _last_commit.get()
        result = await statement
        if _last_commit.get() != before:
            await self._connection.durable()
        return result

    async def execute_insert(self, query: str, values: list) -> int:
        return await self._then_durable(super().execute_insert(query, values))

    async def execute_many(self, query: str, values: list[list]) -> None:
        await self._then_durable(super().execute_many(query, values))

    async def execute_query(self, query: str, values: list | None = None):
        return await self._then_durable(super().execute_query(query, values))

    async def execute_query_dict(self, query: str, values: list | None = None) -> list[dict]:
        return await self._then_durable(super().execute_query_dict(query, values))

    async def execute_script(self, query: str) -> None:
        await self._then_durable(super().execute_script(query))


def _in_memory(filename: str) -> bool:
    return filename == ":memory:" or "mode=memory" in filename or "file::memory:" in filename


client_class = InlineSqliteClient
