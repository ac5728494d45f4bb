"""Shared fixtures: a fresh database per test (SQLite file; PostgreSQL when
GUANJIA_TEST_DATABASE_URL is set), an injectable clock, the example config."""

from __future__ import annotations

import os
import warnings
from datetime import UTC, datetime
from pathlib import Path

import pytest

warnings.filterwarnings("ignore", category=SyntaxWarning)

from models.domain.clock import FakeClock, set_clock  # noqa: E402
from models.domain.config import EXAMPLE_CONFIG, Config, load_config  # noqa: E402
from models.storage.db import close_db, open_db, sync_config  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# the console's cookie secret: given, so that no test writes data/console_secret in the
# working tree (tests/test_console_security.py checks the generated one on its own)
os.environ.setdefault("GUANJIA_CONSOLE_SECRET", "tests-console-secret")
PG_URL = os.environ.get("GUANJIA_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("GUANJIA_TEST_REDIS_URL")

needs_postgres = pytest.mark.skipif(
    not PG_URL, reason="set GUANJIA_TEST_DATABASE_URL to run the PostgreSQL tests"
)


async def reset_postgres(url: str) -> None:
    """Empty the test database (it is a throwaway database, `test`)."""
    import asyncpg

    from models.storage.db import normalise_url

    conn = await asyncpg.connect(normalise_url(url).replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


@pytest.fixture
def clock():
    fake = FakeClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))  # Monday 10:00 in Shanghai
    previous = set_clock(fake)
    yield fake
    set_clock(previous)


@pytest.fixture(scope="session")
def config() -> Config:
    from handlers.context import setup

    loaded = load_config(EXAMPLE_CONFIG)
    setup(loaded)
    return loaded


@pytest.fixture
async def db(tmp_path, config):
    url = f"sqlite://{tmp_path}/test.db"
    await open_db(url, create=True)
    await sync_config(config)
    yield url
    await close_db()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=needs_postgres)])
async def any_db(request, tmp_path, config):
    """The same test on SQLite and, when available, on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite://{tmp_path}/test.db"
    else:
        url = PG_URL
        await reset_postgres(url)
    await open_db(url, create=True)
    await sync_config(config)
    yield url
    await close_db()
