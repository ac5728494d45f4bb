"""A steward corrects what kind of request a ticket is (``/kind N 投诉``): the ticket
runs the new kind's clock, and the message that opened it becomes labelled data
(``python -m bot export-labels``, then ``python -m bot evaluate --labels FILE``), so a
rule change that would misread it again shows in the figures."""

from __future__ import annotations

from handlers import labels, notify
from handlers.staff_context import Ctx, t
from models.domain.clock import now
from models.domain.deadlines import plan
from models.domain.lifecycle import EventKind
from models.tables import InboundMessage, Status, Ticket
from models.tickets import record_event

KIND_WORDS = {
    "repair": "repair",
    "报修": "repair",
    "维修": "repair",
    "complaint": "complaint",
    "投诉": "complaint",
    "cleaning": "cleaning",
    "保洁": "cleaning",
    "consultation": "consultation",
    "咨询": "consultation",
}
CLOCKED = (Status.DISPATCHED, Status.CLAIMED, Status.REOPENED)


async def change_kind(ctx: Ctx, ticket: Ticket, text: str) -> str:
    word = (text.split() or [""])[0].lower()
    kind = KIND_WORDS.get(word)
    if kind is None:
        return t("staff.kind_usage", number=ticket.number)
    was = ticket.kind
    if kind == was:
        return t("staff.kind_same", number=ticket.number, kind=labels.kind_label(kind))
    ticket.kind = kind
    clock = plan(ticket, ticket.status, now()) if ticket.status in CLOCKED else {}
    await Ticket.filter(id=ticket.id).using_db(ctx.conn).update(kind=kind, **clock)
    for name, value in clock.items():
        setattr(ticket, name, value)
    opening = (
        await InboundMessage.filter(ticket_id=ticket.id).using_db(ctx.conn).order_by("id").first()
    )
    if opening is not None:  # the words the bot misread, with what they are
        await InboundMessage.filter(id=opening.id).using_db(ctx.conn).update(label=kind)
    await record_event(
        ticket,
        EventKind.NOTE,
        ctx.actor,
        f"类别改为{labels.kind_label(kind)}（原为{labels.kind_label(was)}）",
        {"kind": kind, "was": was},
        conn=ctx.conn,
    )
    await notify.refresh_card(ticket, ctx.conn)
    return t(
        "staff.kind_changed",
        number=ticket.number,
        kind=labels.kind_label(kind),
        was=labels.kind_label(was),
    )
