"""SQLite for tortoise, run in the event loop's own thread.

tortoise talks to SQLite through aiosqlite, which hands every statement to a
worker thread and back. Our statements take microseconds; the two thread hops
(and waiting for the GIL while the loop is busy) took milliseconds, and since one
SQLite connection serialises everything, they capped a worker at ~40 messages a
second. Here the same aiosqlite API runs each call directly. The cost: a slow
statement blocks the loop for its duration — acceptable for the SQLite
deployment (one process, one community, small tables); PostgreSQL is unaffected.

Selected in ``models.db.tortoise_config`` for ``sqlite://`` URLs.
"""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

import aiosqlite
from tortoise.backends.sqlite.client import SqliteClient


class InlineConnection(aiosqlite.Connection):
    """aiosqlite's ``Connection`` without its thread."""

    async def _execute(self, fn, *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        conn = self._conn
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
        self._connection._conn.row_factory = sqlite3.Row
        for pragma, val in self.pragmas.items():
            cursor = await self._connection.execute(f"PRAGMA {pragma}={val}")
            await cursor.close()
        await self._post_connect()


client_class = InlineSqliteClient
