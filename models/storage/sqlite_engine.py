"""SQLite for tortoise, with statements run in the event loop's own thread.

tortoise talks to SQLite through aiosqlite, which hands every statement to a worker
thread and back. Our statements take microseconds; the two thread hops took
milliseconds under load, and since one SQLite connection serialises everything they
capped a worker at a few dozen messages a second. This engine gives tortoise's
``SqliteClient`` a connection with the same interface as aiosqlite's (the methods
tortoise calls), running each statement directly. The cost: a slow statement blocks
the loop for its duration, acceptable for the SQLite deployment (one process, one
community); PostgreSQL is unaffected.

**Durability is SQLite's own.** The connection runs with ``synchronous=FULL`` unless
``DATABASE_URL`` says otherwise (``?synchronous=NORMAL``: faster, but a power failure
may lose the last commits): a commit is on the disk when it returns. The commit's
fsync (0.1–1 ms on the disks seen here) runs in the loop's thread like the rest: a
commit in a thread of its own was slower in the benchmark (the lock on the connection
is held through it either way, and the thread hops cost more CPU). The one exception
is ``durable_with_next_commit``: records whose loss in a power failure only repeats
work are synced with the next commit that waits for the disk.

**A disk that fails is fatal.** After a failed write or fsync the kernel may already
have dropped the pages that were not written, so a retry can report success over lost
data (PostgreSQL treats it as fatal since 2018). An I/O error or a corrupt database
stops the process at once, with one clear log line, and a supervisor restarts it; the
database is then recovered from its log by SQLite. A full disk is not fatal: the
statement fails, SQLite rolls back, and the platform delivers the message again.

Selected in ``models.storage.db.tortoise_config`` for ``sqlite://`` URLs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from typing import Any

from tortoise.backends.sqlite.client import SqliteClient

log = logging.getLogger(__name__)


EXIT_STORAGE_FAILED = 74
"""The process's exit status after a fatal storage error (EX_IOERR of sysexits.h)."""

_FATAL = {sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
"""Primary result codes that mean the file on disk can no longer be trusted."""


def _stop_the_process(error: sqlite3.Error, database: str) -> None:
    log.critical(
        "database %s: %s (%s); stopping now so that nothing is written over what the disk "
        "may have lost; restart the process to recover the database from its log",
        database,
        error,
        getattr(error, "sqlite_errorname", "?"),
    )
    logging.shutdown()  # flush every handler: the line above must reach the log
    os._exit(EXIT_STORAGE_FAILED)


on_fatal_error: Callable[[sqlite3.Error, str], None] = _stop_the_process
"""What a fatal storage error does (tests of the rest of the engine may replace it)."""


_relaxed: ContextVar[bool] = ContextVar("sqlite_relaxed_durability", default=False)


@contextlib.contextmanager
def durable_with_next_commit() -> Iterator[None]:
    """Commits in this block do not wait for the disk: SQLite writes them to its log at
    once (a crash of the process loses nothing) and the next commit that waits for the
    disk syncs them with its own (``synchronous=NORMAL`` for these commits). For
    records whose loss in a power failure only repeats work: that a message was sent
    (it is sent again, as when a worker stops between sending and recording)."""
    token = _relaxed.set(True)
    try:
        yield
    finally:
        _relaxed.reset(token)


def is_fatal(error: sqlite3.Error) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in _FATAL


class _Cursor:
    """What tortoise does with aiosqlite's cursor (close it)."""

    def __init__(self, cursor: sqlite3.Cursor):
        self.cursor = cursor

    async def close(self) -> None:
        self.cursor.close()

    async def fetchall(self) -> list[Any]:
        return self.cursor.fetchall()

    @property
    def rowcount(self) -> int:
        return self.cursor.rowcount


class LoopConnection:
    """The part of aiosqlite's ``Connection`` that tortoise's SQLite client uses, run
    in the event loop's thread."""

    def __init__(self, database: str):
        self.database = database
        self.conn = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self.synchronous_full = False
        self._relaxed_transaction = False

    def _run(self, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            if _relaxed.get() and self.synchronous_full and not self.conn.in_transaction:
                return self._relaxed_statement(fn, *args)  # a write outside a transaction
            return fn(*args)
        except sqlite3.Error as e:
            if is_fatal(e):
                on_fatal_error(e, self.database)
            raise

    def _relaxed_statement(self, fn: Callable[..., Any], *args: Any) -> Any:
        """One statement that commits by itself, at the relaxed level (see
        ``durable_with_next_commit``)."""
        self.conn.execute("PRAGMA synchronous=NORMAL")
        try:
            return fn(*args)
        finally:
            if not self.conn.in_transaction:  # (BEGIN keeps it for its transaction)
                self.conn.execute("PRAGMA synchronous=FULL")

    async def _between_transactions(self) -> None:
        """Outside a transaction, let the loop run other tasks: a callback waiting for
        its answer must not wait for a backlog of someone else's statements."""
        if not self.conn.in_transaction:
            await asyncio.sleep(0)

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> _Cursor:
        if sql == "BEGIN" and _relaxed.get() and self.synchronous_full:
            # the level can only change between transactions: for this one, and back after
            self._relaxed_transaction = True
        cursor = self._run(self.conn.execute, sql, parameters or ())
        await self._between_transactions()
        return _Cursor(cursor)

    async def execute_insert(self, sql: str, parameters: Iterable[Any]) -> tuple[int]:
        cursor = self._run(self.conn.execute, sql, parameters)
        await self._between_transactions()
        return (cursor.lastrowid,)

    async def execute_fetchall(self, sql: str, parameters: Iterable[Any] | None = None):
        rows = self._run(lambda: self.conn.execute(sql, parameters or ()).fetchall())
        await self._between_transactions()
        return rows

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> _Cursor:
        cursor = self._run(self.conn.executemany, sql, parameters)
        await self._between_transactions()
        return _Cursor(cursor)

    async def executescript(self, sql: str) -> _Cursor:
        return _Cursor(self._run(self.conn.executescript, sql))

    async def commit(self) -> None:
        if not self.conn.in_transaction:
            return  # nothing to commit (tortoise's begin() asks first)
        try:
            self._run(self.conn.commit)
        finally:
            self._end_relaxed()

    async def rollback(self) -> None:
        try:
            self._run(self.conn.rollback)
        finally:
            self._end_relaxed()

    def _end_relaxed(self) -> None:
        if self._relaxed_transaction:
            self._relaxed_transaction = False
            self.conn.execute("PRAGMA synchronous=FULL")

    async def close(self) -> None:
        self.conn.close()

    @property
    def total_changes(self) -> int:
        return self.conn.total_changes

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction


class LoopSqliteClient(SqliteClient):
    """tortoise's SQLite client on a ``LoopConnection``: the one method tortoise leaves
    to an engine (making the connection) is ours; the rest is tortoise's."""

    def __init__(self, file_path: str, **kwargs: Any) -> None:
        super().__init__(file_path, **kwargs)
        self.pragmas.setdefault("synchronous", "FULL")

    async def create_connection(self, with_db: bool) -> None:
        if self._connection:
            return
        connection = LoopConnection(self.filename)
        for pragma, value in self.pragmas.items():
            await connection.execute(f"PRAGMA {pragma}={value}")
        level = (await connection.execute_fetchall("PRAGMA synchronous"))[0][0]
        connection.synchronous_full = level >= 2  # FULL or EXTRA
        self._connection = connection


client_class = LoopSqliteClient
