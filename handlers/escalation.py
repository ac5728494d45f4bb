"""Climbing the escalation ladder (steward → supervisor → manager): recorded on the
ticket, announced once to the supervisors (and managers), shown on the card."""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from handlers import notify
from handlers.context import env
from models.domain.clock import now
from models.domain.lifecycle import Actor, EventKind
from models.tables import Ticket
from models.tickets import record_event


def t(key: str, **values) -> str:
    return env().texts(key, "hans", **values)


async def escalate_to(
    ticket: Ticket, level: int, actor: Actor, reason: str, conn: BaseDBAsyncClient
) -> None:
    """Climb the ladder (1 supervisor, 2 manager): recorded, announced once."""
    changed = (
        await Ticket.filter(id=ticket.id, escalation_level__lt=level)
        .using_db(conn)
        .update(escalation_level=level, updated_at=now())
    )
    if not changed:
        return
    ticket.escalation_level = level
    await record_event(ticket, EventKind.ESCALATED, actor, reason, {"level": level}, conn=conn)
    unit = await notify.unit_text(ticket, conn, mark_unverified=False)
    text = t(
        "staff.escalated",
        level=t(f"staff.level.{level}"),
        number=ticket.number,
        unit=unit,
        summary=ticket.summary,
        actor=actor.name if actor.type == "staff" else "系统",
        reason=reason,
    )
    await notify.tell_staff(
        ticket, text, conn, supervisors=True, urgent=ticket.urgent, proactive=True
    )
    if level >= 2:
        await notify.to_managers(text, conn, ticket=ticket, urgent=ticket.urgent)
    await notify.refresh_card(ticket, conn)
