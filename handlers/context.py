"""What every handler shares: the platform-neutral message, the environment
(config, texts, calendar) and the per-resident serialisation."""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from handlers.texts import Texts
from models.domain.calendar import BusinessCalendar
from models.domain.config import Config


@dataclass
class Incoming:
    """One thing a person did on a platform, as the adapters hand it over."""

    platform: str
    key: str  # unique per platform event (store-first de-duplication)
    chat_id: str
    sender_id: str
    chat_type: str = "private"  # private | group
    sender_name: str = ""
    message_id: str | None = None
    text: str = ""
    media: list[dict[str, Any]] = field(default_factory=list)
    reply_to: str | None = None  # the platform message id this one replies to
    reply_to_bot: bool = False  # …and that message is one of the bot's
    language: str | None = None  # the platform's language setting (zh-hant, en …)
    button: str | None = None  # callback data of a pressed button
    button_on: str = ""  # the text of the message that button is on (Telegram sends it)
    contact: dict[str, Any] | None = None  # a shared contact: {"phone", "user_id"}
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def is_private(self) -> bool:
        return self.chat_type == "private"

    @property
    def command(self) -> tuple[str, str] | None:
        """("claim", "0007 rest") for "/claim@GuanjiaBot 0007 rest", else None."""
        text = self.text.strip()
        if not text.startswith("/") or len(text) < 2:
            return None
        head, _, rest = text[1:].partition(" ")
        name = head.split("@", 1)[0].lower()
        return (name, rest.strip()) if name.isascii() and name.replace("_", "").isalnum() else None


@dataclass
class Outcome:
    """What the adapter must do right away (everything else went to the outbox)."""

    callback_answer: str | None = None
    handled: bool = True


@dataclass
class Env:
    config: Config
    texts: Texts
    calendar: BusinessCalendar

    @classmethod
    def from_config(cls, config: Config) -> Env:
        return cls(config, Texts(config.texts), BusinessCalendar.from_config(config))


_env: Env | None = None


def setup(config: Config) -> Env:
    """Install the environment the handlers use (called by ``run`` and by tests)."""
    global _env
    from models.domain import deadlines

    deadlines.configure(config)
    _env = Env.from_config(config)
    return _env


def env() -> Env:
    if _env is None:
        raise RuntimeError("handlers.context.setup(config) was not called")
    return _env


_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()


@contextlib.asynccontextmanager
async def serialised(key: str) -> AsyncIterator[None]:
    """One message of a person at a time in this process, so a burst of concurrent
    updates cannot open two tickets. (Across workers, the resident row is locked
    with SELECT … FOR UPDATE on PostgreSQL.)"""
    lock = _locks.get(key)
    if lock is None:
        lock = asyncio.Lock()
        _locks[key] = lock
    async with lock:
        yield


MAX_ROW_ID = 2**31 - 1  # the INTEGER primary keys (PostgreSQL int4)


def row_id(text: str | None) -> int | None:
    """The row id a button or command names, or None when it cannot be one (not a
    number, or beyond any id: "99999999999999999999" is a stale button, not a crash)."""
    text = (text or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if 0 < value <= MAX_ROW_ID else None
