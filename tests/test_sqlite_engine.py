"""The SQLite engine (``models.storage.sqlite_engine``): statements in the loop's own thread,
commits durable by SQLite's own setting, and a disk that fails stops the process."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import threading

import pytest
from tortoise.transactions import in_transaction

from models.storage import sqlite_engine, statements
from models.storage.db import close_db, open_db
from models.tables import InboundMessage

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _raw() -> sqlite3.Connection:
    return statements.client()._connection.conn


async def _pragma(name: str):
    (row,) = await statements.fetch(f"PRAGMA {name}", [])
    return next(iter(row.values()))


async def test_commits_are_durable_unless_the_url_says_otherwise(tmp_path, config):
    await open_db(f"sqlite://{tmp_path}/a.db", create=True)
    try:
        assert await _pragma("journal_mode") == "wal"
        assert await _pragma("synchronous") == 2  # FULL: a commit is on the disk when it returns
    finally:
        await close_db()
    await open_db(f"sqlite://{tmp_path}/b.db?synchronous=NORMAL", create=True)
    try:
        assert await _pragma("synchronous") == 1  # the operator opted out
    finally:
        await close_db()


async def test_statements_and_commits_run_in_the_loops_thread(db, clock):
    raw = _raw()
    seen: list[tuple[str, str]] = []
    raw.set_trace_callback(lambda sql: seen.append((sql, threading.current_thread().name)))
    async with in_transaction():
        await InboundMessage.create(platform="t", key="k1", payload={}, received_at=clock.now())
    raw.set_trace_callback(None)
    here = threading.current_thread().name
    assert [sql.split()[0] for sql, _ in seen] == ["BEGIN", "INSERT", "COMMIT"]
    assert {where for _, where in seen} == {here}
    assert await InboundMessage.filter(key="k1").count() == 1


async def test_records_that_may_be_lost_wait_for_the_next_durable_commit(db, clock):
    """``durable_with_next_commit``: SQLite's synchronous=NORMAL for that transaction
    only (the level can change only between transactions), FULL again after it, and
    after a failed one too."""
    raw = _raw()
    traced: list[str] = []
    raw.set_trace_callback(traced.append)
    with sqlite_engine.durable_with_next_commit():
        async with in_transaction():
            await InboundMessage.create(platform="t", key="k2", payload={}, received_at=clock.now())
        with pytest.raises(ZeroDivisionError):
            async with in_transaction():
                await InboundMessage.create(
                    platform="t", key="k3", payload={}, received_at=clock.now()
                )
                raise ZeroDivisionError("the block fails")
    async with in_transaction():
        await InboundMessage.create(platform="t", key="k4", payload={}, received_at=clock.now())
    raw.set_trace_callback(None)
    words = [sql.split()[0] if not sql.startswith("PRAGMA") else sql for sql in traced]
    assert words == [
        "PRAGMA synchronous=NORMAL", "BEGIN", "INSERT", "COMMIT", "PRAGMA synchronous=FULL",
        "PRAGMA synchronous=NORMAL", "BEGIN", "INSERT", "ROLLBACK", "PRAGMA synchronous=FULL",
        "BEGIN", "INSERT", "COMMIT",
    ]  # fmt: skip
    assert await _pragma("synchronous") == 2
    assert {r.key for r in await InboundMessage.all()} == {"k2", "k4"}


@pytest.mark.parametrize(
    ("code", "fatal"),
    [
        (sqlite3.SQLITE_IOERR, True),
        (778, True),  # SQLITE_IOERR_WRITE
        (1034, True),  # SQLITE_IOERR_FSYNC
        (sqlite3.SQLITE_CORRUPT, True),
        (sqlite3.SQLITE_NOTADB, True),
        (sqlite3.SQLITE_FULL, False),  # a full disk: the statement fails, nothing is lost
        (sqlite3.SQLITE_BUSY, False),
        (sqlite3.SQLITE_CONSTRAINT, False),
    ],
)
def test_which_errors_are_fatal(code, fatal):
    error = sqlite3.OperationalError("x")
    error.sqlite_errorcode = code
    assert sqlite_engine.is_fatal(error) is fatal


SCRIPT = textwrap.dedent(
    """
    import asyncio, logging, os, resource, signal, sys
    sys.path.insert(0, {root!r})
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    from models.domain.clock import now
    from models.storage.db import open_db
    from models.tables import InboundMessage

    async def main():
        await open_db("sqlite://{path}", create=True)
        if {limit_size}:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a signal
            size = max(os.path.getsize(p) for p in ("{path}", "{path}-wal"))
            resource.setrlimit(resource.RLIMIT_FSIZE, (size + 65536, size + 65536))
        for i in range(5000):
            await InboundMessage.create(
                platform="t", key=f"k{{i}}", text="x" * 2000, payload={{}}, received_at=now()
            )
        print("survived")

    asyncio.run(main())
    """
)


def _run(tmp_path, *, limit_size: bool, env: dict | None = None) -> subprocess.CompletedProcess:
    script = tmp_path / "write.py"
    script.write_text(
        SCRIPT.format(root=ROOT, path=tmp_path / "g.db", limit_size=limit_size), encoding="utf-8"
    )
    return subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_a_failed_write_stops_the_process_with_a_clear_line(tmp_path):
    done = _run(tmp_path, limit_size=True)
    assert done.returncode == sqlite_engine.EXIT_STORAGE_FAILED, done.stderr[-2000:]
    assert "survived" not in done.stdout
    lines = [line for line in done.stderr.splitlines() if line.startswith("CRITICAL")]
    assert len(lines) == 1 and "disk I/O error" in lines[0] and "stopping" in lines[0]
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc to build a failing fsync")
def test_a_failed_fsync_stops_the_process_with_a_clear_line(tmp_path):
    """fsync itself fails (as a dying disk's does): LD_PRELOAD swaps in one that says EIO."""
    source = tmp_path / "failfsync.c"
    source.write_text(
        "#include <errno.h>\n"
        "int fsync(int fd){errno=EIO;return -1;}\n"
        "int fdatasync(int fd){errno=EIO;return -1;}\n"
    )
    library = tmp_path / "failfsync.so"
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(library), str(source)], check=True)
    done = _run(tmp_path, limit_size=False, env={"LD_PRELOAD": str(library)})
    assert done.returncode == sqlite_engine.EXIT_STORAGE_FAILED, done.stderr[-2000:]
    lines = [line for line in done.stderr.splitlines() if line.startswith("CRITICAL")]
    assert len(lines) == 1 and "SQLITE_IOERR_FSYNC" in lines[0]
