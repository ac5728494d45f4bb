"""Tickets in the database: numbering, opening, moving and recording, by the rules of
``models.domain.lifecycle``.

Every change goes through ``transition``, which updates the row only if it is still
in the state the caller saw and writes the event in the same transaction. Callers
turn ``IllegalTransition`` into a polite message.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from models.domain.clock import now
from models.domain.lifecycle import Actor, EventKind, IllegalTransition, moved
from models.domain.ticket import Kind, Status
from models.outbox import transaction
from models.storage.statements import fetch, insert, insert_many, unsaved, update_where
from models.tables import DailySequence, Ticket, TicketEvent
from models.telemetry import TICKETS_OPENED, about_ticket

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
    about_ticket(ticket.number)
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
        values.update(moved(unsaved(Ticket, values), Status.NEW, Status(then), at))
    ticket = await insert(Ticket, values, conn)
    about_ticket(number)
    TICKETS_OPENED.labels(ticket.kind).inc()
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
    the new state (``models.domain.deadlines.plan``) is set with them. The passed object
    is refreshed in place and returned."""
    if conn is None:
        async with transaction() as tx:
            return await transition(ticket, to, actor, text, data, conn=tx, **updates)
    about_ticket(ticket.number)
    to = Status(to)
    current = Status(ticket.status)
    at = now()
    values = {**moved(ticket, current, to, at), **updates}
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
