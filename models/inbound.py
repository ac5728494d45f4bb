"""Store first: every inbound platform message is stored before it is handled, keyed
by the platform's own id, so a redelivery (Telegram retrying a webhook, WeChat's three
retries) is recognised and never handled twice; a handling that fails leaves it
stored, marked failed. Where the platform is answered right away it is committed
before the handling; where it is answered only after (Telegram's webhook), with it
(see ``process_once``)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

from models import telemetry
from models.domain.clock import now
from models.outbox import transaction
from models.storage.statements import insert, select, update_where
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
    failed: str | None = None,
    conn: BaseDBAsyncClient | None = None,
) -> tuple[InboundMessage, bool]:
    """Store the message; returns (row, created). ``created`` is False for a
    redelivery. Outside a transaction (``conn``) it is committed, on the disk, when
    this returns.

    ``claimed`` stores it as already taken for handling by the caller (one statement
    instead of a store and a claim: the hot path of every message); ``failed``, as
    handled without success, with this error."""
    status = InboundStatus.HANDLING if claimed else InboundStatus.RECEIVED
    at = now()
    row = await insert(
        InboundMessage,
        {
            "platform": platform,
            "key": key,
            "chat_id": str(chat_id),
            "sender_id": str(sender_id),
            "text": text or "",
            "payload": payload or {},
            "received_at": at,
            "status": InboundStatus.FAILED if failed else status,
            "error": failed,
            "handled_at": at if failed else None,
        },
        conn,
        or_nothing=True,
    )
    if row is None:  # a redelivery, or the same key arriving concurrently
        found = await select(
            InboundMessage, '"platform" = ? AND "key" = ?', [platform, key], conn=conn
        )
        return found[0], False
    telemetry.MESSAGES_IN.labels(platform).inc()
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


async def claim(
    row: InboundMessage, stale_after: timedelta = STALE, conn: BaseDBAsyncClient | None = None
) -> bool:
    """Take the message for handling. Only one caller wins; ``handled_at`` marks when
    it was taken, so a taker that dies leaves it to be taken again later."""
    won = await (
        InboundMessage.filter(_claimable(now() - stale_after), id=row.id)
        .using_db(conn)
        .update(status=InboundStatus.HANDLING, handled_at=now())
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
    webhook delivers the update again until then). Then the message is stored in the
    same transaction as its handling: one commit, one wait for the disk, for both. A
    handler that fails rolls the transaction back, and the message is stored again
    on its own, marked failed; a crash before the commit leaves nothing stored and
    nothing answered, and the platform delivers the update again. Otherwise (an
    answer right after the store) the store is committed first, on its own."""
    if not answered_after:
        row, created = await store_inbound(platform, key, claimed=True, **message)
        return await _handle_stored(row, created, handler)
    stored = False
    try:
        async with transaction() as tx:
            row, created = await store_inbound(platform, key, claimed=True, conn=tx, **message)
            stored = True
            return await _handle_stored(row, created, handler, conn=tx)
    except Exception as e:
        if not stored:
            raise
        # the handling failed and took the stored message with it: store it failed
        await store_inbound(platform, key, failed=_error(e), **message)
        raise


def _error(e: Exception) -> str:
    return f"{type(e).__name__}: {e}"


async def _handle_stored(
    row: InboundMessage,
    created: bool,
    handler: Callable[[InboundMessage], Awaitable[Any]],
    conn: BaseDBAsyncClient | None = None,
) -> tuple[bool, Any]:
    if not created and not await claim(row, conn=conn):  # handled, or being handled now
        return False, None
    try:
        result = await handler(row)
    except Exception as e:
        log.exception("handling %s message %s failed", row.platform, row.key)
        if conn is None:  # stored on its own already: mark it (else see process_once)
            await finish(row, error=_error(e))
        raise
    if row.status == InboundStatus.HANDLING:  # the handler did not mark it itself
        await finish(row, conn=conn)
    return True, result


async def unhandled(older_than: timedelta = STALE, limit: int = 100) -> list[InboundMessage]:
    """Messages stored but never handled (the process stopped in between)."""
    return (
        await InboundMessage.filter(_claimable(now() - older_than, now() - older_than))
        .order_by("id")
        .limit(limit)
    )
