"""Store first: every inbound platform message is committed before it is handled,
keyed by the platform's own id, so a redelivery (Telegram retrying a webhook,
WeChat's three retries) is recognised and never handled twice."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError

from bot import metrics
from bot.clock import now
from models.tables import InboundMessage, InboundStatus

log = logging.getLogger(__name__)


async def store_inbound(
    platform: str,
    key: str,
    *,
    chat_id: str | int = "",
    sender_id: str | int = "",
    text: str = "",
    payload: dict[str, Any] | None = None,
    claimed: bool = False,
) -> tuple[InboundMessage, bool]:
    """Commit the message; returns (row, created). ``created`` is False for a redelivery.

    ``claimed`` stores it as already taken for handling by the caller (one statement
    instead of a store and a claim: the hot path of every message)."""
    try:
        row = await InboundMessage.create(
            platform=platform,
            key=key,
            chat_id=str(chat_id),
            sender_id=str(sender_id),
            text=text or "",
            payload=payload or {},
            received_at=now(),
            status=InboundStatus.HANDLING if claimed else InboundStatus.RECEIVED,
        )
    except IntegrityError:  # a redelivery, or the same key arriving concurrently
        return await InboundMessage.get(platform=platform, key=key), False
    metrics.inc("messages_in", platform=platform)
    return row, True


async def claim(row: InboundMessage, stale_after: timedelta | None = None) -> bool:
    """Take the message for handling. Only one caller wins; a message left in
    ``handling`` by a worker that died can be taken again after ``stale_after``."""
    q = InboundMessage.filter(id=row.id, status=InboundStatus.RECEIVED)
    won = await q.update(status=InboundStatus.HANDLING, handled_at=now())
    if not won and stale_after is not None:
        won = await InboundMessage.filter(
            id=row.id, status=InboundStatus.HANDLING, handled_at__lt=now() - stale_after
        ).update(handled_at=now())
    if won:
        row.status = InboundStatus.HANDLING
    return bool(won)


async def finish(
    row: InboundMessage,
    *,
    error: str | None = None,
    conn: BaseDBAsyncClient | None = None,
    **fields: Any,
) -> None:
    """Mark the message handled (or failed). Handlers call it inside their own
    transaction, so "handled" commits together with what the handling changed."""
    status = InboundStatus.FAILED if error else InboundStatus.HANDLED
    await (
        InboundMessage.filter(id=row.id)
        .using_db(conn)
        .update(status=status, handled_at=now(), error=error, **fields)
    )
    row.status = status


async def process_once(
    platform: str,
    key: str,
    handler: Callable[[InboundMessage], Awaitable[Any]],
    **message: Any,
) -> tuple[bool, Any]:
    """Store, then handle exactly once. Returns (handled_now, handler result).

    A redelivery returns (False, None) without calling the handler. A handler that
    raises leaves the message stored as ``failed`` with the error, for a person or a
    retry to pick up: nothing the resident wrote is lost."""
    row, created = await store_inbound(platform, key, claimed=True, **message)
    if not created:
        if row.status != InboundStatus.RECEIVED or not await claim(row):
            return False, None
    try:
        result = await handler(row)
    except Exception as e:
        log.exception("handling %s message %s failed", platform, key)
        await finish(row, error=f"{type(e).__name__}: {e}")
        raise
    if row.status == InboundStatus.HANDLING:  # the handler did not mark it itself
        await finish(row)
    return True, result


async def unhandled(older_than: timedelta) -> list[InboundMessage]:
    """Messages stored but never handled (the process stopped in between)."""
    return await InboundMessage.filter(
        status__in=[InboundStatus.RECEIVED, InboundStatus.HANDLING],
        handled_at__isnull=True,
        received_at__lt=now() - older_than,
    ).order_by("id")
