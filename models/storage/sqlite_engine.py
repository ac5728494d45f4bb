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
may lose the last commits): a commit is on the disk when it returns. The commit (and
its fsync) runs in a thread of the connection's own, so the loop goes on meanwhile;
tortoise's lock keeps every other statement off the connection until it is done.

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
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
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
    in the event loop's thread (commits in a thread of their own)."""

    def __init__(self, database: str):
        self.database = database
        self.conn = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self._committer = ThreadPoolExecutor(1, thread_name_prefix="sqlite-commit")

    def _run(self, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return fn(*args)
        except sqlite3.Error as e:
            if is_fatal(e):
                on_fatal_error(e, self.database)
            raise

    async def _between_transactions(self) -> None:
        """Outside a transaction, let the loop run other tasks: a callback waiting for
        its answer must not wait for a backlog of someone else's statements."""
        if not self.conn.in_transaction:
            await asyncio.sleep(0)

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> _Cursor:
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
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._committer, self._run, self.conn.commit)

    async def rollback(self) -> None:
        self._run(self.conn.rollback)

    async def close(self) -> None:
        self._committer.shutdown(wait=True)
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
        self._connection = connection


client_class = LoopSqliteClient
