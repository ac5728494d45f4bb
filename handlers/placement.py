"""What ``models.domain.intake.place`` needs from the database, and what its answers
do that is not a ticket of its own: a question about a ticket's progress answered
with its state, a message that is not for us answered with what we can do (and a
person offered), a second request in the same words opened as its own ticket."""

from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

import nlp
from handlers import labels, notify
from handlers.context import env
from handlers.tickets import open_ticket
from models.domain.intake import OpenTicket, things
from models.domain.lifecycle import Actor, EventKind
from models.domain.ticket import ACTIVE_STATUSES, Kind
from models.storage.statements import markers, select
from models.tables import InboundMessage, Resident, Staff, Ticket
from models.tickets import record_event


def _keywords(ticket: Ticket) -> frozenset[str]:
    details = ticket.details or {}
    if "keywords" in details:
        return frozenset(details["keywords"])
    return things(nlp.classify(details.get("words") or ticket.summary).keywords)


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


async def open_tickets(resident: Resident, conn: BaseDBAsyncClient) -> list[OpenTicket]:
    """The resident's unfinished tickets, most recently updated first."""
    statuses = [s.value for s in ACTIVE_STATUSES]
    rows = await select(  # a resident has a handful of unfinished tickets: one query
        Ticket,
        f'"resident_id" = ? AND "status" IN ({markers(len(statuses))})',
        [resident.id, *statuses],
        order_by='"updated_at" DESC',
        limit=50,
        conn=conn,
    )
    return [
        OpenTicket(
            id=t.id,
            kind=t.kind,
            department=t.department,
            urgent=t.urgent,
            hazard=t.hazard,
            status=t.status,
            updated_at=t.updated_at,
            keywords=_keywords(t),
            staff_asked_at=_moment((t.details or {}).get("staff_asked_at")),
            resolved_at=t.resolved_at,
        )
        for t in rows
    ]


async def tell_progress(
    ticket_id: int, resident: Resident, text: str, inbound: InboundMessage, conn
) -> None:
    """ "灯什么时候能修好？": the ticket's state, who is on it and the date they gave;
    the question goes to the ticket's chats too, for a person to answer."""
    ticket = await Ticket.get(id=ticket_id).using_db(conn)
    script = resident.script
    status = labels.RESIDENT_STATUS.get(ticket.status, (ticket.status, ticket.status))
    status = status[1] if script == "en" else nlp.to_script(status[0], script)
    who = ""
    if ticket.assignee_id is not None:
        staff = await Staff.get(id=ticket.assignee_id).using_db(conn)
        who = env().texts("progress_who", script, name=staff.name)
    eta = (ticket.details or {}).get("eta")
    await record_event(
        ticket, EventKind.MESSAGE_IN, Actor.resident(resident.id), text, {"asks": True}, conn=conn
    )
    inbound.ticket_id = ticket.id
    relayed = ticket.status in ("dispatched", "claimed", "reopened")
    if relayed:
        await notify.relay_text(ticket, text, conn)
    await notify.to_resident(
        resident,
        "progress_answer",
        number=ticket.number,
        summary=ticket.summary,
        status=status,
        who=who,
        eta=env().texts("progress_eta", script, eta=eta) if eta else "",
        relayed=env().texts("progress_relayed", script) if relayed else "",
        ticket=ticket,
        conn=conn,
    )


async def offer_person(
    resident: Resident, inbound: InboundMessage, conn: BaseDBAsyncClient, *, key: str
) -> None:
    """A message we have no answer for: what the desk can help with, and a person if
    they want one (the button opens a front-desk ticket with their words)."""
    button = env().texts("ask_person_button", resident.script)
    await notify.to_resident(
        resident, key, buttons=[[{"text": button, "data": f"person:{inbound.id}"}]], conn=conn
    )


async def open_second_requests(
    resident: Resident, c, inbound: InboundMessage, conn: BaseDBAsyncClient, *, inbound_id=None
) -> None:
    """ "楼道好脏而且灯也坏了": the first request has its ticket; each further one, for
    another department, gets its own, and the resident is told each number."""
    for request in c.requests[1:]:
        if request.intent not in ("repair", "complaint", "cleaning"):
            continue
        second = nlp.classify(request.span)
        await open_ticket(
            resident,
            Kind(request.intent),
            second if second.intent == request.intent else c,
            request.span,
            [],
            inbound,
            conn,
            inbound_id=inbound_id,
        )
