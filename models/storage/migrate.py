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

from models.domain.config import ConfigError
from models.storage.db import normalise_url, sqlite_path, tortoise_config

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def dialect_of(url: str) -> str:
    url = normalise_url(url)
    if url.startswith("sqlite://"):
        return "sqlite"
    if url.startswith(("postgres://", "asyncpg://", "psycopg://")):
        return "postgres"
    raise ConfigError(
        "environment",
        "DATABASE_URL",
        f"unsupported scheme {url.split(':', 1)[0]!r} "
        "(sqlite:///path/to/file.db or postgres://user@host:5432/database)",
    )


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
