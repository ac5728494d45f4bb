"""The transactional outbox: handlers queue platform-neutral messages here, in the
same transaction as the state change that caused them; ``bot.dispatcher`` sends
them (``models.delivery`` keeps what it needs to agree on with other workers). A crash
between commit and send loses nothing: the row is still pending.

``transaction()`` is the unit of work of every service: the state change, its history
and the messages it queues commit together, and the messages due now are handed to
this process's dispatcher the moment it commits.

Payload (all keys optional but ``text``):
    text      the message
    buttons   rows of {"text", "data"} (inline buttons; WeChat turns them into numbers)
    reply_to  platform message id to reply to
    media     list of {"type": photo|document|voice|video|location, "file_id"|...}
    silent    send without notification
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import weakref
from collections.abc import AsyncIterator
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from models.domain.clock import now
from models.storage import statements
from models.storage.statements import insert
from models.tables import Outbox, OutboxStatus, Ticket


class _Wakeup:
    """What the dispatcher of one event loop is told: messages handed to it straight
    from a committed transaction, and whether the database may hold due ones."""

    def __init__(self) -> None:
        self.handed: list[Outbox] = []
        self.check_db = False
        self.consumers = 0  # dispatchers running on this loop (hand-off only to a running one)
        self._waiter: asyncio.Future | None = None
        self._woken = False  # woken while nobody slept: the next sleep returns at once

    def wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)
        else:
            self._woken = True

    def reset(self) -> None:
        """Forget earlier wake-ups: what is told from here on wakes the next sleep."""
        self._woken = False

    async def sleep(self, timeout: float) -> None:  # noqa: ASYNC109 - the poll's period
        """Until woken, or ``timeout`` seconds. One future, set directly: the sleeper
        runs in the loop's next turn (an Event plus ``asyncio.wait`` took several)."""
        if self._woken:
            self._woken = False
            return
        loop = asyncio.get_running_loop()
        self._waiter = loop.create_future()
        timer = loop.call_later(max(0.0, timeout), self.wake)
        try:
            await self._waiter
        finally:
            timer.cancel()
            self._waiter = None
            self._woken = False


_wakeups: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Wakeup] = (
    weakref.WeakKeyDictionary()
)
_handoff: ContextVar[list[Outbox] | None] = ContextVar("outbox_handoff", default=None)


def wakeup() -> _Wakeup:
    """This event loop's (an Event is bound to its loop)."""
    loop = asyncio.get_running_loop()
    state = _wakeups.get(loop)
    if state is None:
        state = _wakeups[loop] = _Wakeup()
    return state


def notify_dispatcher() -> None:
    """After a commit that queued messages or made some due: look in the database now
    instead of at the next poll."""
    state = wakeup()
    state.check_db = True
    state.wake()


def wake_dispatcher() -> None:
    """Wake the dispatcher for whatever it was already told (cheap; no database look
    unless a message was queued outside a hand-off)."""
    wakeup().wake()


@contextlib.asynccontextmanager
async def transaction(*, join: bool = False) -> AsyncIterator[BaseDBAsyncClient]:
    """A database transaction whose messages, queued inside it and due now, are handed
    to this process's dispatcher as soon as it commits: the dispatcher sends them
    without first finding them in the database.
    Nested, it is a savepoint: its messages go with the outer transaction, or are
    dropped with the savepoint.

    ``join``: nested, take part in the outer transaction instead of opening a
    savepoint, for a block whose failure fails the outer one too (a message's
    handler inside the transaction that stored the message): two statements less."""
    outer = _handoff.get()
    if join and outer is not None:
        yield statements.client()  # the open transaction's connection
        return
    mine: list[Outbox] = []
    token = _handoff.set(mine)
    try:
        async with in_transaction() as tx:
            yield tx
    finally:
        _handoff.reset(token)
    # reached only when the block committed (or its savepoint was released)
    if outer is not None:
        outer.extend(mine)
    elif mine:
        state = wakeup()
        state.handed.extend(mine)
        state.wake()
        # one turn of the loop: the dispatcher, woken first, starts sending before the
        # caller goes on (a webhook's answer to Telegram can wait; the resident waits)
        await asyncio.sleep(0)


def take_handed() -> list[Outbox]:
    state = wakeup()
    rows, state.handed = state.handed, []
    return rows


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
    """Queue one outgoing message, inside the caller's transaction (``transaction()``
    hands it to the dispatcher at commit; otherwise the dispatcher finds it in the
    database)."""
    payload: dict[str, Any] = {"text": text, **extra}
    if ticket is not None:
        payload["ticket"] = ticket.number  # log lines about this message name its ticket
    if buttons:
        payload["buttons"] = buttons
    at = now()
    due = max(at, not_before) if not_before else at
    handoff = _handoff.get()
    if handoff is not None and (due > at or not wakeup().consumers):
        handoff = None  # scheduled for later, or nobody here to send it: the database way
    row = await insert(
        Outbox,
        {
            "ticket_id": ticket.id if ticket is not None else None,
            "platform": platform,
            "chat_id": str(chat_id),
            "kind": kind,
            "payload": payload,
            "urgent": urgent,
            "status": OutboxStatus.PENDING,
            "next_attempt_at": due,
            "created_at": at,
        },
        conn,
    )
    if handoff is not None:
        handoff.append(row)
    else:
        wakeup().check_db = True
    return row


def backoff(attempts: int, base: float, cap: float, retry_after: float | None = None) -> float:
    """Seconds to wait before attempt ``attempts + 1``: exponential, capped, and never
    sooner than the platform asked (Telegram's retry_after)."""
    delay = min(cap, base * (2 ** max(0, attempts - 1)))
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay


async def sent_copies(
    button_data: str, platforms: tuple[str, ...], since: datetime, conn: BaseDBAsyncClient
) -> list[dict[str, Any]]:
    """The messages sent since ``since`` on ``platforms`` (with the platform's message id)
    that carry a button whose data is ``button_data`` or begins with it and a colon
    ("verify:12" finds "verify:12:7", never "verify:123:7"): every copy of one card, in
    every chat it went to. Each is {"platform", "chat_id", "message_id", "text"}."""
    if not platforms:
        return []
    rows = await statements.fetch(
        'SELECT "platform", "chat_id", "payload", "platform_message_id" FROM "outbox" '
        'WHERE "status" = ? AND "kind" = ? AND "platform_message_id" IS NOT NULL '
        f'AND "created_at" >= ? AND "platform" IN ({statements.markers(len(platforms))}) '
        'AND (CAST("payload" AS TEXT) LIKE ? OR CAST("payload" AS TEXT) LIKE ?) ORDER BY "id"',
        [OutboxStatus.SENT, "text", since, *platforms, f'%"{button_data}"%', f'%"{button_data}:%'],
        conn,
    )
    out = []
    for row in rows:
        payload = row["payload"]
        if isinstance(payload, (str, bytes)):
            payload = json.loads(payload)
        datas = [b.get("data", "") for line in payload.get("buttons") or () for b in line]
        if any(d == button_data or d.startswith(f"{button_data}:") for d in datas):
            out.append(
                {
                    "platform": row["platform"],
                    "chat_id": row["chat_id"],
                    "message_id": row["platform_message_id"],
                    "text": payload.get("text", ""),
                }
            )
    return out
