"""The ticket lifecycle: the one place that knows which state may follow which.

    new ─▶ dispatched ─▶ claimed ─▶ resolved ─▶ closed
                 │            ▲          │         │
                 └────────────┼──────────┴▶ reopened ◀┘ (unsatisfied, reported again)
    cancelled: from any open state

Every change goes through ``transition``, which updates the row only if it is still
in the state the caller saw (so two stewards pressing 接单 at once cannot both win)
and writes the event in the same transaction. Callers turn ``IllegalTransition``
into a polite message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from bot.clock import now
from models.outbox import transaction
from models.statements import fetch, insert, insert_many, unsaved, update_where
from models.tables import DailySequence, Kind, Status, Ticket, TicketEvent

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.DISPATCHED, Status.CANCELLED, Status.CLOSED}),
    Status.DISPATCHED: frozenset(
        {Status.CLAIMED, Status.RESOLVED, Status.CANCELLED, Status.CLOSED}
    ),
    Status.CLAIMED: frozenset({Status.RESOLVED, Status.CANCELLED, Status.CLOSED}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.REOPENED}),
    Status.REOPENED: frozenset({Status.CLAIMED, Status.RESOLVED, Status.CANCELLED, Status.CLOSED}),
    Status.CLOSED: frozenset({Status.REOPENED}),
    Status.CANCELLED: frozenset(),
}

OPEN_STATUSES = frozenset({Status.NEW, Status.DISPATCHED, Status.CLAIMED, Status.REOPENED})
"""Work still to do: the ticket has not been resolved, closed or cancelled."""

ACTIVE_STATUSES = OPEN_STATUSES | {Status.RESOLVED}
"""Not finished: still open, or resolved and waiting for the follow-up."""

# Fields stamped when a ticket enters a state.
_STAMPS = {
    Status.CLAIMED: "claimed_at",
    Status.RESOLVED: "resolved_at",
    Status.CLOSED: "closed_at",
    Status.CANCELLED: "closed_at",
}


class EventKind:
    CREATED = "created"
    STATUS = "status"
    MESSAGE_IN = "message_in"
    MESSAGE_OUT = "message_out"
    NOTE = "note"
    ASSIGNED = "assigned"
    ESCALATED = "escalated"
    REMINDER = "reminder"
    ALERT = "alert"
    COMMAND = "command"
    FOLLOWUP = "followup"


@dataclass(frozen=True)
class Actor:
    """Who did something: recorded on every event."""

    type: str  # resident | staff | system
    id: str | None = None
    name: str = ""

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls("system", None, name)

    @classmethod
    def resident(cls, resident_id: int, name: str = "") -> Actor:
        return cls("resident", str(resident_id), name)

    @classmethod
    def staff(cls, staff_id: int, name: str) -> Actor:
        return cls("staff", str(staff_id), name)


class DomainError(Exception):
    """A request that the rules do not allow; the message is for logs, callers
    choose the polite words for people."""


class IllegalTransition(DomainError):
    def __init__(self, ticket_number: str, current: str, wanted: str):
        self.ticket_number, self.current, self.wanted = ticket_number, current, wanted
        super().__init__(f"ticket {ticket_number}: cannot go from {current} to {wanted}")


def can_transition(current: str, wanted: str) -> bool:
    return Status(wanted) in TRANSITIONS[Status(current)]


_NEXT_NUMBER = (
    f"INSERT INTO {DailySequence._meta.db_table} (day, last_seq) VALUES (?, 1) "
    f"ON CONFLICT (day) DO UPDATE SET last_seq = {DailySequence._meta.db_table}.last_seq + 1 "
    "RETURNING last_seq"
)


async def next_ticket_number(day: date, conn: BaseDBAsyncClient) -> str:
    """Allocate ``YYYYMMDD-NNNN`` with one atomic upsert.

    The row lock of the upsert serialises concurrent creators on PostgreSQL and the
    sequence rolls back with the ticket, so numbers are unique and without gaps."""
    key = day.strftime("%Y%m%d")
    rows = await fetch(_NEXT_NUMBER, [key], conn)  # RETURNING's row on every backend
    return f"{key}-{int(rows[0]['last_seq']):04d}"


async def record_event(
    ticket: Ticket,
    kind: str,
    actor: Actor,
    text: str = "",
    data: dict[str, Any] | None = None,
    *,
    from_status: str | None = None,
    to_status: str | None = None,
    conn: BaseDBAsyncClient | None = None,
) -> TicketEvent:
    return await insert(
        TicketEvent,
        _event(ticket.id, now(), kind, actor, text, data, from_status, to_status),
        conn,
    )


def _event(
    ticket_id: int,
    at,
    kind: str,
    actor: Actor,
    text: str,
    data: dict[str, Any] | None,
    from_status: str | None = None,
    to_status: str | None = None,
) -> dict[str, Any]:
    """The columns of one history row."""
    return {
        "ticket_id": ticket_id,
        "at": at,
        "kind": kind,
        "actor_type": actor.type,
        "actor_id": actor.id,
        "actor_name": actor.name,
        "from_status": from_status,
        "to_status": to_status,
        "text": text,
        "data": data or {},
    }


async def create_ticket(
    *,
    community_id: int,
    kind: Kind | str,
    actor: Actor,
    tz,
    text: str = "",
    conn: BaseDBAsyncClient | None = None,
    also: list[tuple[str, Actor, str, dict[str, Any]]] = (),
    then: Status | None = None,
    **fields: Any,
) -> Ticket:
    """Open a ticket in state ``new`` with its number and its ``created`` event;
    ``also`` are further events (kind, actor, text, data) written with it.

    ``then``: the ticket moves on from ``new`` at once (the system does it), exactly
    as ``transition`` would move it — the same rule, the new state's clock, its
    status event — but in the same INSERT: a ticket dispatched as it opens costs no
    UPDATE and no second round of events."""
    if conn is None:
        async with transaction() as tx:
            return await create_ticket(
                community_id=community_id,
                kind=kind,
                actor=actor,
                tz=tz,
                text=text,
                conn=tx,
                also=also,
                then=then,
                **fields,
            )
    at = now()
    number = await next_ticket_number(at.astimezone(tz).date(), conn)
    values = {
        "number": number,
        "community_id": community_id,
        "kind": Kind(kind).value,
        "status": Status.NEW.value,
        "created_at": at,
        "updated_at": at,
        **fields,
    }
    if then is not None:
        values.update(_moved(unsaved(Ticket, values), Status.NEW, Status(then), at))
    ticket = await insert(Ticket, values, conn)
    created = (EventKind.CREATED, actor, text, {"kind": ticket.kind})
    events = [
        _event(ticket.id, at, k, a, t, d, to_status=Status.NEW.value if k == created[0] else None)
        for k, a, t, d in (created, *also)
    ]
    if then is not None:
        events.append(
            _event(ticket.id, at, EventKind.STATUS, Actor.system(), "", None, Status.NEW, then)
        )
    await insert_many(TicketEvent, events, conn)
    return ticket


def _moved(ticket: Ticket, current: Status, to: Status, at) -> dict[str, Any]:
    """The columns a move from ``current`` to ``to`` at ``at`` sets: the new state, its
    clock (``scheduler.deadlines.plan``), its stamp. Raises ``IllegalTransition``."""
    if to not in TRANSITIONS[current]:
        raise IllegalTransition(ticket.number, current, to)
    from scheduler.deadlines import plan  # the clock of the new state, in the same UPDATE

    values: dict[str, Any] = {**plan(ticket, to, at), "status": to.value, "updated_at": at}
    if to in _STAMPS:
        values[_STAMPS[to]] = at
    if to == Status.REOPENED:
        values.update(resolved_at=None, closed_at=None)
    return values


async def transition(
    ticket: Ticket,
    to: Status | str,
    actor: Actor,
    text: str = "",
    data: dict[str, Any] | None = None,
    *,
    conn: BaseDBAsyncClient | None = None,
    **updates: Any,
) -> Ticket:
    """Move ``ticket`` to ``to`` if the rules allow it and nobody moved it first.

    ``updates`` are extra columns set in the same UPDATE (assignee, …); the clock of
    the new state (``scheduler.deadlines.plan``) is set with them. The passed object
    is refreshed in place and returned."""
    if conn is None:
        async with transaction() as tx:
            return await transition(ticket, to, actor, text, data, conn=tx, **updates)
    to = Status(to)
    current = Status(ticket.status)
    at = now()
    values = {**_moved(ticket, current, to, at), **updates}
    changed = await update_where(Ticket, {"id": ticket.id, "status": current.value}, values, conn)
    if not changed:
        fresh = await Ticket.get(id=ticket.id).using_db(conn)
        raise IllegalTransition(ticket.number, fresh.status, to)
    for name, value in values.items():
        setattr(ticket, name, value)
    await record_event(
        ticket, EventKind.STATUS, actor, text, data, from_status=current, to_status=to, conn=conn
    )
    return ticket
