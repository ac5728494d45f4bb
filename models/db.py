"""Opening the database: the one place that knows URLs, apps and start-up sync."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit

from tortoise import Tortoise, connections
from tortoise.backends.base.executor import EXECUTOR_CACHE

from bot.config import Config

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


def tortoise_config(url: str, with_aerich: bool = False) -> dict:
    url = normalise_url(url)
    modules = [*MODEL_MODULES, "aerich.models"] if with_aerich else MODEL_MODULES
    return {
        "connections": {"default": url},
        "apps": {"models": {"models": modules, "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


def aerich_config() -> dict:
    """What ``aerich`` (pyproject [tool.aerich]) loads: the configured database."""
    from bot.settings import get_settings

    return tortoise_config(get_settings().database_url, with_aerich=True)


AERICH_CONFIG = aerich_config()


async def open_db(url: str, create: bool = False) -> None:
    """Connect. ``create`` builds the schema directly (tests); production uses
    ``python -m bot migrate`` (aerich), which ``run`` calls on start."""
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    if create:
        await Tortoise.generate_schemas(safe=True)


async def close_db() -> None:
    await Tortoise.close_connections()
    # tortoise caches insert SQL per connection *name*; a later open of another
    # dialect under the same name (tests run SQLite then PostgreSQL) must not reuse it.
    EXECUTOR_CACHE.clear()


def dialect() -> str:
    return connections.get("default").capabilities.dialect


async def sync_config(config: Config) -> None:
    """Mirror communities, buildings and staff from the config into the database.

    Rows are matched by their natural keys, so re-running is harmless; staff who
    left the config are deactivated (their history keeps pointing at them)."""
    from models.tables import Building, Community, Staff

    communities: dict[str, Community] = {}
    for c in config.communities:
        row, _ = await Community.get_or_create(code=c.code, defaults={"name": c.name})
        if row.name != c.name:
            row.name = c.name
            await row.save(update_fields=["name"])
        communities[c.code] = row
        for b in c.buildings:
            await Building.get_or_create(community=row, name=b.name)

    seen: set[int] = set()
    for s in config.staff:
        community = communities.get(s.community) if s.community else None
        row = await Staff.filter(name=s.name, community=community).first()
        values = {
            "role": s.role,
            "telegram_id": s.telegram_id,
            "wechat_openid": s.wechat_openid,
            "active": True,
        }
        if row is None:
            row = await Staff.create(name=s.name, community=community, **values)
        else:
            await Staff.filter(id=row.id).update(**values)
        seen.add(row.id)
    await Staff.filter(active=True).exclude(id__in=list(seen)).update(active=False)
