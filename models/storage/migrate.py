"""Schema migrations with aerich. Migrations are generated per SQL dialect
(aerich writes dialect-specific SQL) and committed under ``migrations/<dialect>/``.

``python -m bot migrate`` applies whatever is missing and is idempotent; ``run``
calls it on start so a fresh machine needs no extra step. A developer who changes
``models/tables.py`` generates the next migration for both dialects with
``python -m bot makemigrations NAME`` (needs a PostgreSQL URL for the second one).
"""

from __future__ import annotations

from pathlib import Path

from aerich import Command

from models.storage.db import normalise_url, sqlite_path, tortoise_config

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def dialect_of(url: str) -> str:
    url = normalise_url(url)
    if url.startswith("sqlite://"):
        return "sqlite"
    if url.startswith(("postgres://", "asyncpg://", "psycopg://")):
        return "postgres"
    raise ValueError(f"unsupported database URL scheme: {url.split(':', 1)[0]}")


def _command(url: str) -> Command:
    location = MIGRATIONS / dialect_of(url)
    return Command(
        tortoise_config=tortoise_config(url, with_aerich=True), app="models", location=str(location)
    )


async def upgrade(url: str) -> list[str]:
    """Apply missing migrations; returns the names applied (empty when up to date)."""
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    async with _command(url) as cmd:
        return await cmd.upgrade(run_in_transaction=True)


async def make_migration(url: str, name: str) -> str:
    """Generate the next migration for the dialect of ``url`` from the models' diff."""
    async with _command(url) as cmd:
        await cmd.upgrade(run_in_transaction=True)
        await cmd.init()  # re-read the last applied version: the diff starts from it
        return await cmd.migrate(name)


ADDED_COLUMNS = {
    ("ticket", "nature"): "VARCHAR(16)",
    ("inbound_message", "faq"): "VARCHAR(64)",
}
"""Columns that issue 18 (the console) added to existing tables."""


async def create_unmigrated() -> list[str]:
    """Issue 18's schema where it is missing, until its aerich migration is generated
    (once, after merging, with the other branches'): the tables console_link and
    console_session and the new indexes (tortoise's ``generate_schemas(safe=True)``:
    CREATE … IF NOT EXISTS, existing tables left alone), and the columns
    ``ticket.nature`` and ``inbound_message.faq`` (ALTER TABLE … ADD COLUMN, nullable).
    ``run`` and the commands that read tickets call it on a connected database; returns
    what it added. Remove it with that migration."""
    from tortoise import Tortoise

    from models.storage.statements import client

    await Tortoise.generate_schemas(safe=True)
    db = client()
    added = []
    for (table, column), kind in ADDED_COLUMNS.items():
        if column not in await _columns(db, table):
            await db.execute_script(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {kind} NULL')
            added.append(f"{table}.{column}")
    return added


async def _columns(db, table: str) -> set[str]:
    if db.capabilities.dialect == "sqlite":
        rows = await db.execute_query_dict(f'PRAGMA table_info("{table}")')
        return {r["name"] for r in rows}
    rows = await db.execute_query_dict(
        "SELECT column_name FROM information_schema.columns WHERE table_name = $1", [table]
    )
    return {r["column_name"] for r in rows}
