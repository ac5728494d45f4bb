"""Opening the database: the one place that knows URLs, apps and start-up sync."""

from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.base.config_generator import expand_db_url

from models.domain.clock import now
from models.domain.config import Config
from models.storage import statements

log = logging.getLogger(__name__)

MODEL_MODULES = ["models.tables"]


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` as well as tortoise's ``postgres://``; give SQLite a
    busy timeout so several processes on one file wait instead of failing."""
    if url.startswith("postgresql://"):
        url = "postgres://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite://") and ":memory:" not in url and "busy_timeout" not in url:
        url += ("&" if "?" in url else "?") + "busy_timeout=5000"
    return url


def sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite://") or ":memory:" in url:
        return None
    return Path(urlsplit(url).netloc + urlsplit(url).path)


def connection_name(url: str) -> str:
    """The connection's name: its dialect. tortoise caches each model's INSERT per
    connection name, so a process that opens SQLite and then PostgreSQL (the tests)
    must not open both under one name."""
    return "sqlite" if normalise_url(url).startswith("sqlite://") else "postgres"


def tortoise_config(url: str, with_aerich: bool = False) -> dict:
    url = normalise_url(url)
    modules = [*MODEL_MODULES, "aerich.models"] if with_aerich else MODEL_MODULES
    connection: str | dict = url
    if url.startswith("sqlite://"):  # our SQLite engine: see models/storage/sqlite_engine.py
        connection = expand_db_url(url)
        connection["engine"] = "models.storage.sqlite_engine"
    name = connection_name(url)
    return {
        "connections": {name: connection},
        "apps": {"models": {"models": modules, "default_connection": name}},
        "use_tz": True,
        "timezone": "UTC",
    }


DEFAULT_DATABASE_URL = "sqlite://data/guanjia.db"

AERICH_CONFIG = tortoise_config(
    os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL), with_aerich=True
)
"""What the ``aerich`` command line (pyproject's [tool.aerich]) loads: the database of
``$DATABASE_URL``. ``python -m bot migrate`` and ``makemigrations`` do not need it."""


async def open_db(url: str, create: bool = False) -> None:
    """Connect. ``create`` builds the schema directly (tests); production uses
    ``python -m bot migrate`` (aerich), which ``run`` calls on start."""
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    forget_cached_rows()
    await Tortoise.init(config=tortoise_config(url))
    statements.CONNECTION = connection_name(url)
    if create:
        await Tortoise.generate_schemas(safe=True)


async def close_db() -> None:
    forget_cached_rows()
    await Tortoise.close_connections()


def dialect() -> str:
    return statements.client().capabilities.dialect


async def sync_config(config: Config) -> None:
    """Mirror communities, buildings and staff from the config into the database.

    Rows are matched by their natural keys, so re-running is harmless; staff who
    left the config are deactivated (their history keeps pointing at them)."""
    from models.tables import Building, Community, Staff, StaffAccount

    communities: dict[str, Community] = {}
    for c in config.communities:
        row, _ = await Community.get_or_create(code=c.code, defaults={"name": c.name})
        if row.name != c.name:
            row.name = c.name
            await row.save(update_fields=["name"])
        communities[c.code] = row
        for b in c.buildings:
            await Building.get_or_create(community=row, name=b.name)

    accounts: dict[tuple[int, str], str] = {
        (a.staff_id, a.platform): a.platform_user_id for a in await StaffAccount.all()
    }
    seen: set[int] = set()
    for s in config.staff:
        community = communities.get(s.community) if s.community else None
        row = await Staff.filter(name=s.name, community=community).first()
        # who is staff, with which role and community: the config, always; an account
        # the config does not give may have been bound by invitation
        bound = {} if row is None else accounts
        telegram = s.telegram_id
        if telegram is None and row is not None and (row.id, "telegram") in bound:
            telegram = int(bound[(row.id, "telegram")])
        values = {
            "role": s.role,
            "telegram_id": telegram,
            "wechat_openid": s.wechat_openid or bound.get((row.id if row else 0, "wechat")),
            "active": True,
        }
        if row is None:
            row = await Staff.create(name=s.name, community=community, **values)
        else:
            await Staff.filter(id=row.id).update(**values)
        seen.add(row.id)
    await Staff.filter(active=True).exclude(id__in=list(seen)).update(active=False)
    forget_cached_rows()
    await load_directory()


# Communities only change through ``sync_config`` (at start-up), so every message can
# read them from memory. Staff accounts and group chats also change by invitation
# (``/start CODE``, ``/join CODE``, ``/bindgroup CODE``): the worker that binds one
# reloads at once, every other worker within ``DIRECTORY_SECONDS``.
_communities: dict[int | str, Any] = {}
_staff: dict[tuple[str, str], Any] | None = None
_chats: dict[tuple[str, str], list[tuple[str, str]]] = {}
_loaded_at: datetime | None = None
DIRECTORY_SECONDS = 30


_unit_labels: dict[int, str] = {}


def forget_cached_rows() -> None:
    global _staff, _loaded_at
    _communities.clear()
    _unit_labels.clear()
    _staff = None
    _loaded_at = None


async def load_directory(conn: BaseDBAsyncClient | None = None) -> None:
    """Read staff accounts and bound group chats into memory."""
    global _staff, _loaded_at
    from models.tables import ChatBinding, Community, Staff

    table: dict[tuple[str, str], Any] = {}
    for row in await Staff.filter(active=True).order_by("id").using_db(conn):
        if row.telegram_id is not None:
            table.setdefault(("telegram", str(row.telegram_id)), row)
        if row.wechat_openid:
            table.setdefault(("wechat", row.wechat_openid), row)
    codes = {c.id: c.code for c in await Community.all().using_db(conn)}
    chats: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for b in await ChatBinding.all().order_by("id").using_db(conn):
        chats.setdefault((codes[b.community_id], b.chat_role), []).append((b.platform, b.chat_id))
    _staff = table
    _chats.clear()
    _chats.update(chats)
    _loaded_at = now()


async def refresh_directory(conn: BaseDBAsyncClient | None = None) -> None:
    """Reload staff accounts and group chats when another worker may have bound one."""
    if (
        _staff is None
        or _loaded_at is None
        or now() - _loaded_at > timedelta(seconds=DIRECTORY_SECONDS)
    ):
        await load_directory(conn)


def bound_chats(community_code: str, chat_role: str) -> list[tuple[str, str]]:
    """(platform, chat id) of the group chats bound with /bindgroup (from memory)."""
    return list(_chats.get((community_code, chat_role), []))


async def unit_label(unit_id: int | None, conn: BaseDBAsyncClient | None = None) -> str | None:
    """How a unit is written (units never change once created)."""
    if unit_id is None:
        return None
    if unit_id not in _unit_labels:
        from models.storage.statements import select
        from models.tables import Unit

        (unit,) = await select(Unit, '"id" = ?', [unit_id], conn=conn)
        _unit_labels[unit_id] = unit.label
    return _unit_labels[unit_id]


async def community_row(
    community_id: int | None = None, code: str | None = None, conn: BaseDBAsyncClient | None = None
):
    """A community by id or code, from memory after the first read."""
    from models.tables import Community

    if not _communities:
        for row in await Community.all().using_db(conn):
            _communities[row.id] = _communities[row.code] = row
    key = community_id if community_id is not None else code
    row = _communities.get(key)
    if row is None:
        raise LookupError(f"no community {key!r}")
    return row


async def staff_member(platform: str, platform_id: str, conn: BaseDBAsyncClient | None = None):
    """The active staff member with this platform identity, or None."""
    await refresh_directory(conn)
    assert _staff is not None
    return _staff.get((platform, str(platform_id)))
