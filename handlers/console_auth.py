"""Signing in to the web console without a password: a one-time link, valid for ten
minutes, that a staff member gets in their own private chat (``/console``) or that an
operator prints at the terminal (``python -m bot console-link NAME``). Opening it
starts a session (one row: the key's hash, the CSRF token, when it ends); logging out
ends it. Only hashes of links and session keys are stored.

Who the person is comes from the staff list (``Staff``); what they may see is
``handlers.permissions`` (their community, or all)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from handlers.context import Incoming
from models.domain.clock import now
from models.outbox import transaction
from models.storage.statements import update_where
from models.tables import ConsoleLink, ConsoleSession, Staff

LINK_MINUTES = 10
SESSION_HOURS = 12  # a session ends this long after sign-in, whatever happens
IDLE_MINUTES = 120  # … or after this long unused
TOUCH_SECONDS = 60  # last_seen_at is written at most this often

_public_url = "http://127.0.0.1:8080"


def configure(public_url: str) -> None:
    """The address people open the console at (``GUANJIA_PUBLIC_URL``)."""
    global _public_url
    _public_url = public_url.rstrip("/")


class NoSuchStaff(LookupError):
    pass


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_link(staff: Staff, via: str, conn=None) -> str:
    token = secrets.token_urlsafe(32)
    at = now()
    await ConsoleLink.create(
        token_hash=_hash(token),
        staff_id=staff.id,
        created_at=at,
        expires_at=at + timedelta(minutes=LINK_MINUTES),
        via=via,
        using_db=conn,
    )
    return f"{_public_url}/console/login/{token}"


async def link_for_name(name: str, via: str = "cli") -> str:
    staff = await Staff.filter(name=name, active=True).first()
    if staff is None:
        names = "、".join(await Staff.filter(active=True).values_list("name", flat=True))
        raise NoSuchStaff(f"no active staff member named {name!r} (the staff list has: {names})")
    return await create_link(staff, via)


async def link_for_chat(msg: Incoming, staff: Staff, conn) -> str:
    """``/console`` in a staff member's private chat."""
    return await create_link(staff, msg.platform, conn)


@dataclass
class Session:
    key: str
    csrf: str
    staff: Staff
    expires_at: object


async def redeem(token: str) -> Session | None:
    """Open a session with a link: None when it is unknown, used or expired. Two
    browsers opening the same link at once: one conditional update wins."""
    at = now()
    async with transaction() as conn:
        link = await ConsoleLink.get_or_none(token_hash=_hash(token)).using_db(conn)
        if link is None or link.used_at is not None or link.expires_at <= at:
            return None
        won = await update_where(
            ConsoleLink, {"id": link.id, "used_at": None}, {"used_at": at}, conn
        )
        if not won:
            return None
        staff = await Staff.get_or_none(id=link.staff_id, active=True).using_db(conn)
        if staff is None:
            return None
        key, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        expires = at + timedelta(hours=SESSION_HOURS)
        await ConsoleSession.create(
            key_hash=_hash(key),
            staff_id=staff.id,
            csrf=csrf,
            created_at=at,
            last_seen_at=at,
            expires_at=expires,
            using_db=conn,
        )
    return Session(key, csrf, staff, expires)


async def session(key: str) -> Session | None:
    """The live session a cookie's key names, or None (ended, expired, idle too long,
    or its person no longer on the staff list)."""
    at = now()
    row = await ConsoleSession.get_or_none(key_hash=_hash(key))
    if row is None or row.ended_at is not None or row.expires_at <= at:
        return None
    if row.last_seen_at <= at - timedelta(minutes=IDLE_MINUTES):
        return None
    staff = await Staff.get_or_none(id=row.staff_id, active=True)
    if staff is None:
        return None
    if (at - row.last_seen_at).total_seconds() >= TOUCH_SECONDS:
        await ConsoleSession.filter(id=row.id).update(last_seen_at=at)
    return Session(key, row.csrf, staff, row.expires_at)


async def end(key: str) -> None:
    await ConsoleSession.filter(key_hash=_hash(key), ended_at__isnull=True).update(ended_at=now())
