"""The transactional outbox: handlers queue platform-neutral messages here, in the
same transaction as the state change that caused them; ``bot.dispatcher`` sends
them. A crash between commit and send loses nothing: the row is still pending.

Payload (all keys optional but ``text``):
    text      the message
    buttons   rows of {"text", "data"} (inline buttons; WeChat turns them into numbers)
    reply_to  platform message id to reply to
    media     list of {"type": photo|document|voice|video|location, "file_id"|...}
    silent    send without notification
"""

from __future__ import annotations

import asyncio
import random
import weakref
from datetime import datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

from bot.clock import now
from models.tables import Outbox, OutboxStatus, Ticket

_wakeups: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Event] = (
    weakref.WeakKeyDictionary()
)


def wakeup_event() -> asyncio.Event:
    """Set after a commit that queued messages, so the dispatcher sends at once
    instead of at its next poll. (One per event loop: an Event is bound to its loop.)"""
    loop = asyncio.get_running_loop()
    event = _wakeups.get(loop)
    if event is None:
        event = _wakeups[loop] = asyncio.Event()
    return event


def notify_dispatcher() -> None:
    wakeup_event().set()


async def queue_message(
    platform: str,
    chat_id: str | int,
    text: str,
    *,
    ticket: Ticket | None = None,
    kind: str = "text",
    buttons: list[list[dict[str, str]]] | None = None,
    urgent: bool = False,
    not_before: datetime | None = None,
    conn: BaseDBAsyncClient | None = None,
    **extra: Any,
) -> Outbox:
    """Queue one outgoing message. Call inside the caller's transaction."""
    payload: dict[str, Any] = {"text": text, **extra}
    if buttons:
        payload["buttons"] = buttons
    at = now()
    return await Outbox.create(
        ticket=ticket,
        platform=platform,
        chat_id=str(chat_id),
        kind=kind,
        payload=payload,
        urgent=urgent,
        status=OutboxStatus.PENDING,
        next_attempt_at=max(at, not_before) if not_before else at,
        created_at=at,
        using_db=conn,
    )


def backoff(attempts: int, base: float, cap: float, retry_after: float | None = None) -> float:
    """Seconds to wait before attempt ``attempts + 1``: exponential, capped, and never
    sooner than the platform asked (Telegram's retry_after)."""
    delay = min(cap, base * (2 ** max(0, attempts - 1)))
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay


async def claim_due(limit: int, lease: timedelta) -> list[Outbox]:
    """Take up to ``limit`` due messages for this worker.

    Each row is leased with a conditional UPDATE, so two workers never send the same
    message at once; a worker that dies leaves the lease to expire and the row is
    taken again (at-least-once delivery, the platform message id is recorded)."""
    at = now()
    free = Q(locked_until__isnull=True) | Q(locked_until__lt=at)
    candidates = (
        await Outbox.filter(free, status=OutboxStatus.PENDING, next_attempt_at__lte=at)
        .order_by("next_attempt_at", "id")
        .limit(limit)
    )
    if not candidates:
        return []
    # The lease's end doubles as the signature of this claim: jittered, so that two
    # workers claiming in the same instant still write different values.
    until = at + lease + timedelta(microseconds=random.randrange(1, 1_000_000))
    got = await Outbox.filter(
        free, id__in=[r.id for r in candidates], status=OutboxStatus.PENDING
    ).update(locked_until=until)
    if got != len(candidates):  # another worker took some at the same moment: which?
        ours = set(
            await Outbox.filter(id__in=[r.id for r in candidates], locked_until=until).values_list(
                "id", flat=True
            )
        )
        candidates = [r for r in candidates if r.id in ours]
    for row in candidates:
        row.locked_until = until
    return candidates


async def next_due_in(default: float) -> float:
    """Seconds until the next pending message is due (for the dispatcher's sleep)."""
    row = (
        await Outbox.filter(status=OutboxStatus.PENDING)
        .order_by("next_attempt_at")
        .first()
        .values("next_attempt_at")
    )
    if not row:
        return default
    return max(0.0, min(default, (row["next_attempt_at"] - now()).total_seconds()))
