"""SQLite for tortoise, run in the event loop's own thread (but for the disk waits).

tortoise talks to SQLite through aiosqlite, which hands every statement to a
worker thread and back. Our statements take microseconds; the two thread hops
(and waiting for the GIL while the loop is busy) took milliseconds, and since one
SQLite connection serialises everything, they capped a worker at ~40 messages a
second. Here the same aiosqlite API runs each call directly. Commits wait for the
disk (fsync): on a fast disk (a tenth of a millisecond here) that wait is shorter
than a thread hop, so they run directly too; when a commit has waited longer than
``SLOW_SYNC``, the next ones go to a thread (and come back once the disk is fast
again), so a slow disk does not stop the loop. The cost: a slow statement blocks
the loop for its duration — acceptable for the SQLite deployment (one process, one
community, small tables); PostgreSQL is unaffected.

Selected in ``models.db.tortoise_config`` for ``sqlite://`` URLs.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

import aiosqlite
from tortoise.backends.sqlite.client import SqliteClient

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_unsynced: ContextVar[bool] = ContextVar("sqlite_unsynced", default=False)


@contextlib.contextmanager
def sync_with_next_commit() -> Iterator[None]:
    """Writes in this block do not wait for the disk: the next commit that does (the
    same file's write-ahead log is synced as a whole) makes them durable with it. For
    a caller that commits again, waiting for the disk, before it acknowledges anything
    to anyone. A process crash loses nothing either way (the log is written at once);
    only a power failure in between could, and then nothing was acknowledged yet."""
    token = _unsynced.set(True)
    try:
        yield
    finally:
        _unsynced.reset(token)


def _syncs_to_disk(conn: sqlite3.Connection, fn, args: tuple) -> bool:
    """A commit, or a write outside a transaction (which commits by itself)."""
    if fn == conn.commit:
        return conn.in_transaction  # outside a transaction it does nothing
    if conn.in_transaction or not args or not isinstance(args[0], str):
        return False
    return args[0].lstrip()[:7].upper().startswith(_WRITES)


class InlineConnection(aiosqlite.Connection):
    """aiosqlite's ``Connection`` without its thread."""

    offload_commits = True  # False when commits do not wait for the disk (synchronous=NORMAL)
    synchronous = "FULL"
    SLOW_SYNC = 0.002
    """Seconds. A commit that waited longer for the disk sends the next ones to a
    thread; one that waited less brings them back to the loop's thread."""
    slow_disk = False

    def _timed_sync(self, fn, args: tuple, kwargs: dict) -> Any:
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            self.slow_disk = time.perf_counter() - started > self.SLOW_SYNC

    async def _execute(self, fn, *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        conn = self._conn
        if self.offload_commits and _syncs_to_disk(conn, fn, args):
            if _unsynced.get():
                conn.execute("PRAGMA synchronous=NORMAL")
                try:
                    result = fn(*args, **kwargs)
                finally:
                    conn.execute(f"PRAGMA synchronous={self.synchronous}")
            elif self.slow_disk:
                # a slow disk's wait (fsync) goes to a thread, so the loop keeps
                # answering meanwhile; tortoise's lock keeps the connection ours
                return await asyncio.to_thread(self._timed_sync, fn, args, kwargs)
            else:  # a fast disk's wait is shorter than handing it to a thread and back
                result = self._timed_sync(fn, args, kwargs)
        else:
            result = fn(*args, **kwargs)
        if fn != conn.close and not conn.in_transaction:
            # between transactions, let the loop run other tasks: a callback waiting for
            # its answer must not wait for a whole backlog of someone else's work
            # (inside one, yielding would only hold the lock longer)
            await asyncio.sleep(0)
        return result

    async def _connect(self) -> InlineConnection:
        if self._connection is None:
            self._connection = self._connector()
        return self

    def __await__(self):
        return self._connect().__await__()

    def stop(self) -> None:
        self._running = False
        return None


class InlineSqliteClient(SqliteClient):
    async def create_connection(self, with_db: bool) -> None:
        if self._connection:
            return
        filename = self.filename

        def connector() -> sqlite3.Connection:
            return sqlite3.connect(filename, isolation_level=None, check_same_thread=False)

        self._connection = await InlineConnection(connector, iter_chunk_size=64)
        synchronous = str(self.pragmas.get("synchronous", "FULL")).upper()
        self._connection.offload_commits = synchronous not in ("NORMAL", "OFF", "0", "1")
        self._connection.synchronous = synchronous
        self._connection._conn.row_factory = sqlite3.Row
        for pragma, val in self.pragmas.items():
            cursor = await self._connection.execute(f"PRAGMA {pragma}={val}")
            await cursor.close()
        await self._post_connect()


client_class = InlineSqliteClient
