"""Sends what the handlers queued in the outbox, through each platform's sender.

Success records the platform's message id (and, for a ticket card, the card's
message so staff replies and later edits find the ticket). A retryable failure is
tried again with exponential backoff, never sooner than the platform's retry-after;
after ``max_attempts`` the message is marked failed and an alert event is written on
its ticket so a person can see that a resident or a group was not reached.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from tortoise.transactions import in_transaction

from handlers.delivery_failures import message_missed
from models import telemetry
from models.domain.clock import now
from models.domain.config import Outbox as OutboxConfig
from models.domain.lifecycle import Actor, EventKind
from models.outbox import HANDOFF_LEASE, backoff, claim_due, next_due_in, take_handed, wakeup
from models.storage.sqlite_engine import durable_with_next_commit
from models.storage.statements import execute_many
from models.tables import GroupCard, Outbox, OutboxStatus, Ticket
from models.telemetry import ticket_scope
from models.tickets import record_event

log = logging.getLogger(__name__)


# What a round that sent rows records: prepared once, run as one batch per table.
_MARK_SENT = (
    f"UPDATE {Outbox._meta.db_table} SET status = '{OutboxStatus.SENT.value}', sent_at = ?, "
    "locked_until = NULL, attempts = attempts + 1, last_error = ?, "
    "platform_message_id = COALESCE(?, platform_message_id) WHERE id = ?"
)
_CARDS = (
    f"INSERT INTO {GroupCard._meta.db_table} "
    "(platform, chat_id, message_id, ticket_id, role, created_at) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (platform, chat_id, message_id) DO NOTHING"
)


class SendError(Exception):
    """A send that did not go through. ``retryable`` failures are tried again. ``outage``:
    the platform itself is down or unreachable (5xx, a timeout, a refused connection,
    WeChat's -1 system busy), as opposed to a refusal of this message."""

    def __init__(
        self,
        message: str,
        *,
        retryable: bool = True,
        retry_after: float | None = None,
        outage: bool = False,
    ):
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after
        self.outage = outage


class Throttled(Exception):
    """The platform's rate limit says "not yet": put the row back for ``wait``
    seconds without counting an attempt (nothing was sent, nothing failed)."""

    def __init__(self, wait: float):
        super().__init__(f"rate limited for {wait:.2f}s")
        self.wait = wait


@dataclass(frozen=True)
class Delivery:
    """What the dispatcher hands a sender: the row, plus the message to edit for
    ``edit_card`` (resolved from the card that was sent first)."""

    row: Outbox
    edit_message_id: str | None = None


class Sender(Protocol):
    async def send(self, delivery: Delivery) -> str | None:
        """Deliver; return the platform's message id. Raise ``SendError`` on failure."""
        ...


STAFF_KINDS = frozenset({"card", "edit_card", "relay"})
"""What goes to a staff chat to stand for a ticket (the card, its edits, a relay)."""


def _first_in_round(chat_rows: list[Outbox]) -> tuple[bool, bool]:
    """Which chats of a round start first (each send costs the loop some CPU before
    the next one starts): urgent ones, then the answers a person is waiting for (a
    resident's confirmation, a staff member's reply), then the cards and relays,
    which staff read from a list."""
    return (
        not any(row.urgent for row in chat_rows),
        all(row.kind in STAFF_KINDS for row in chat_rows),
    )


class Dispatcher:
    def __init__(
        self,
        senders: dict[str, Sender],
        config: OutboxConfig,
        *,
        batch: int = 100,
        poll_seconds: float = 1.0,
        lease: timedelta = HANDOFF_LEASE,
    ):
        self.senders = senders
        self.config = config
        self.batch = batch
        self.poll_seconds = poll_seconds
        self.lease = lease

    async def run_once(self) -> int:
        """Send every message that is due now; returns how many were attempted."""
        rows = await claim_due(self.batch, self.lease)
        await self.send_rows(rows)
        return len(rows)

    async def send_rows(self, rows: list[Outbox]) -> None:
        """Send rows leased to this worker (claimed, or handed over at commit)."""
        if not rows:
            return
        by_chat: dict[tuple[str, str], list[Outbox]] = defaultdict(list)
        for row in rows:
            by_chat[(row.platform, row.chat_id)].append(row)
        # One chat's messages go in order; different chats go in parallel, started
        # in the order of ``_first_in_round``. What was sent is recorded in one
        # transaction at the end of the round.
        self._cards_this_round: dict[tuple[str, str, int], str] = {}
        first, *others = sorted(by_chat.values(), key=_first_in_round)
        # the first chat is sent from this task, at once; the others in tasks of their
        # own, which start when this one waits for the network
        later = [asyncio.ensure_future(self._send_in_order(chat_rows)) for chat_rows in others]
        try:
            done = [await self._send_in_order(first), *await asyncio.gather(*later)]
        except BaseException:
            for task in later:
                task.cancel()
            raise
        await self._mark_sent([sent for chat in done for sent in chat])

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Send what is handed over at commit at once; look in the database when told
        to (``notify_dispatcher``) and when the next queued message comes due."""
        loop = asyncio.get_running_loop()
        state = wakeup()
        state.consumers += 1
        stopping = asyncio.ensure_future(stop.wait())
        stopping.add_done_callback(lambda _: state.wake())
        next_look = loop.time()
        try:
            while not stop.is_set():
                state.reset()  # what arrives from here on wakes the next sleep
                try:
                    await self.send_rows(take_handed())
                    if state.check_db or loop.time() >= next_look:
                        state.check_db = False
                        if await self.run_once() >= self.batch:
                            state.check_db = True  # more are waiting
                            continue
                        next_look = loop.time() + await next_due_in(self.poll_seconds)
                except Exception:  # the loop must survive a database hiccup
                    log.exception("dispatcher round failed")
                    next_look = loop.time() + self.poll_seconds
                if state.handed or state.check_db:
                    continue
                await state.sleep(next_look - loop.time())
        finally:
            stopping.cancel()
            state.consumers -= 1
            await self._release(take_handed())

    async def _release(self, rows: list[Outbox]) -> None:
        """Stopping with messages handed over but not sent: give up their lease so the
        next worker sends them at once."""
        if rows:
            with contextlib.suppress(Exception):
                await Outbox.filter(id__in=[r.id for r in rows]).update(locked_until=None)

    async def _send_in_order(self, rows: list[Outbox]) -> list[tuple[Outbox, str | None, bool]]:
        sent: list[tuple[Outbox, str | None, bool]] = []
        for i, row in enumerate(rows):
            try:
                result = await self._send_one(row)
                if result is not None:
                    sent.append(result)
            except Throttled as e:
                # the chat is over its rate: this and the later rows wait, in order
                later = now() + timedelta(seconds=e.wait)
                for j, waiting in enumerate(rows[i:]):
                    await Outbox.filter(id=waiting.id).update(
                        locked_until=None, next_attempt_at=later + timedelta(microseconds=j)
                    )
                return sent
            except Exception:
                log.exception("outbox %s: unexpected error", row.id)
                await self._failed_attempt(row, SendError("internal error", retryable=True))
        return sent

    async def _send_one(self, row: Outbox) -> tuple[Outbox, str | None, bool] | None:
        """Send one row: (row, platform message id, superseded) when it went out."""
        with ticket_scope(row.payload.get("ticket")):
            return await self._send_one_of(row)

    async def _send_one_of(self, row: Outbox) -> tuple[Outbox, str | None, bool] | None:
        sender = self.senders.get(row.platform)
        if sender is None:
            await self._failed_attempt(
                row, SendError(f"the {row.platform} channel is not configured", retryable=True)
            )
            return None
        edit_id = None
        if row.kind == "edit_card":
            edit_id = self._cards_this_round.get((row.platform, row.chat_id, row.ticket_id))
            if edit_id is None:
                card = await GroupCard.filter(
                    platform=row.platform,
                    chat_id=row.chat_id,
                    ticket_id=row.ticket_id,
                    role="card",
                ).first()
                if card is None:
                    await self._failed_attempt(row, SendError("the card is not sent yet"))
                    return None
                edit_id = card.message_id
            newer = await Outbox.filter(
                platform=row.platform,
                chat_id=row.chat_id,
                ticket_id=row.ticket_id,
                kind="edit_card",
                status=OutboxStatus.PENDING,
                id__gt=row.id,
            ).exists()
            if newer:  # a later edit shows the latest state: this one adds nothing
                return row, None, True
        try:
            message_id = await sender.send(Delivery(row, edit_id))
        except SendError as e:
            await self._failed_attempt(row, e)
            return None
        if message_id and row.kind == "card" and row.ticket_id:
            self._cards_this_round[(row.platform, row.chat_id, row.ticket_id)] = str(message_id)
        return row, message_id, False

    async def _mark_sent(self, sent: list[tuple[Outbox, str | None, bool]]) -> None:
        """Record the platform message ids, and the staff-chat messages that stand for
        a ticket (cards, relays) so replies and edits find it: one batch per table."""
        if not sent:
            return
        at = Outbox._meta.fields_map["sent_at"].to_db_value(now(), None)  # as stored
        with durable_with_next_commit():  # lost in a power failure: sent again
            await self._record_sent(sent, at)
        for row, _, superseded in sent:
            if not superseded:
                telemetry.MESSAGES_OUT.labels(row.platform).inc()

    async def _record_sent(self, sent: list[tuple[Outbox, str | None, bool]], at) -> None:
        async with in_transaction() as tx:
            marks = [
                (
                    at,
                    "superseded by a later edit" if superseded else None,
                    str(message_id) if message_id else None,
                    row.id,
                )
                for row, message_id, superseded in sent
            ]
            await execute_many(_MARK_SENT, marks, tx)
            cards = [
                (
                    row.platform,
                    row.chat_id,
                    str(message_id),
                    row.ticket_id,
                    row.kind,
                    at,
                )
                for row, message_id, _ in sent
                if message_id and row.ticket_id and row.kind in ("card", "relay")
            ]
            if cards:
                await execute_many(_CARDS, cards, tx)

    async def _failed_attempt(self, row: Outbox, error: SendError) -> None:
        attempts = row.attempts + 1
        give_up = not error.retryable or attempts >= self.config.max_attempts
        telemetry.SEND_FAILURES.labels(row.platform, "no" if give_up else "yes").inc()
        async with in_transaction() as tx:
            if give_up:
                await (
                    Outbox.filter(id=row.id)
                    .using_db(tx)
                    .update(
                        status=OutboxStatus.FAILED,
                        attempts=attempts,
                        locked_until=None,
                        last_error=str(error),
                    )
                )
                await message_missed(row, str(error), tx, outage=error.outage)
                if row.ticket_id:
                    ticket = await Ticket.get(id=row.ticket_id).using_db(tx)
                    await record_event(
                        ticket,
                        EventKind.ALERT,
                        Actor.system("dispatcher"),
                        f"message to {row.platform}:{row.chat_id} could not be delivered "
                        f"after {attempts} attempt(s): {error}",
                        {"outbox_id": row.id, "attempts": attempts},
                        conn=tx,
                    )
            else:
                delay = backoff(
                    attempts,
                    self.config.base_delay_seconds,
                    self.config.max_delay_seconds,
                    error.retry_after,
                )
                await (
                    Outbox.filter(id=row.id)
                    .using_db(tx)
                    .update(
                        attempts=attempts,
                        locked_until=None,
                        last_error=str(error),
                        next_attempt_at=now() + timedelta(seconds=delay),
                    )
                )
        level = logging.ERROR if give_up else logging.WARNING
        log.log(
            level,
            "outbox %s to %s:%s attempt %d %s: %s",
            row.id,
            row.platform,
            row.chat_id,
            attempts,
            "gave up" if give_up else "will retry",
            error,
        )
