"""Store first: every inbound platform message is committed before it is handled,
keyed by the platform's own id, so a redelivery (Telegram retrying a webhook,
WeChat's three retries) is recognised and never handled twice."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from bot import metrics
from bot.clock import now
from models.sqlite_engine import sync_with_next_commit
from models.statements import update_where
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
    synced: bool = True,
) -> tuple[InboundMessage, bool]:
    """Commit the message; returns (row, created). ``created`` is False for a redelivery.

    ``claimed`` stores it as already taken for handling by the caller (one statement
    instead of a store and a claim: the hot path of every message). ``synced=False``
    does not wait for the disk: for a caller that commits the handling (or its
    failure) before the platform is answered, which makes this row durable too."""
    try:
        with contextlib.nullcontext() if synced else sync_with_next_commit():
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


STALE = timedelta(seconds=30)
"""A message in ``handling`` this long was taken by a worker that stopped: handlings
take milliseconds, so after this another may take it over."""


def _claimable(cutoff, received_before=None):
    """Stored and not taken, or taken by a worker that stopped before finishing."""
    received = Q(status=InboundStatus.RECEIVED)
    if received_before is not None:
        received &= Q(received_at__lt=received_before)
    return (
        received
        | Q(status=InboundStatus.HANDLING, handled_at__isnull=True, received_at__lt=cutoff)
        | Q(status=InboundStatus.HANDLING, handled_at__lt=cutoff)
    )


async def claim(row: InboundMessage, stale_after: timedelta = STALE) -> bool:
    """Take the message for handling. Only one caller wins; ``handled_at`` marks when
    it was taken, so a taker that dies leaves it to be taken again later."""
    won = await InboundMessage.filter(_claimable(now() - stale_after), id=row.id).update(
        status=InboundStatus.HANDLING, handled_at=now()
    )
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
    values = {"status": status, "handled_at": now(), "error": error, **fields}
    await update_where(InboundMessage, {"id": row.id}, values, conn)
    row.status = status


async def process_once(
    platform: str,
    key: str,
    handler: Callable[[InboundMessage], Awaitable[Any]],
    *,
    answered_after: bool = False,
    **message: Any,
) -> tuple[bool, Any]:
    """Store, then handle exactly once. Returns (handled_now, handler result).

    A redelivery returns (False, None) without calling the handler. A handler that
    raises leaves the message stored as ``failed`` with the error, for a person or a
    retry to pick up: nothing the resident wrote is lost.

    ``answered_after``: the platform is answered only after this returns (Telegram's
    webhook redelivers until then), so the store need not wait for the disk on its
    own: the handling's commit, or the failure's, syncs it before that answer."""
    row, created = await store_inbound(
        platform, key, claimed=True, synced=not answered_after, **message
    )
    if not created and not await claim(row):  # handled, or being handled right now
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


async def unhandled(older_than: timedelta = STALE, limit: int = 100) -> list[InboundMessage]:
    """Messages stored but never handled (the process stopped in between)."""
    return (
        await InboundMessage.filter(_claimable(now() - older_than, now() - older_than))
        .order_by("id")
        .limit(limit)
    )
