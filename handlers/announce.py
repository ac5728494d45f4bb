"""What a resident and the staff are told the moment a ticket is dispatched: the card,
the answer with its next step, and for an urgent one the safety advice and the alerts."""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

import nlp
from handlers import labels, notify
from handlers.context import env
from handlers.residents import save_state, unit_example_for
from models.tables import Community, Resident, Ticket

ELECTRIC_WORDS = ("插座", "电线", "电闸", "开关", "漏电", "火花", "电箱", "配电箱", "插头", "短路")


def safety_advice_key(hazard: str | None, text: str) -> str:
    """Which safety advice the resident reads first: a sparking socket is a fire or a
    power hazard whose advice is the breaker, not the stairs."""
    if hazard in ("fire", "smoke", "power"):
        simplified = nlp.to_simplified(text)
        if any(w in simplified for w in ELECTRIC_WORDS):
            return "safety.electric"
    key = f"safety.{hazard}"
    return key if key in env().texts.keys() else "safety.default"


async def announce(
    ticket: Ticket, resident: Resident, community: Community, conn: BaseDBAsyncClient, *, text: str
) -> None:
    """A ticket just dispatched: the card goes out, the resident is told what happens
    next (urgent: safety advice first, and the supervisors at once)."""
    await notify.post_card(ticket, community, conn)
    t = env().texts
    unit = await notify.unit_text(ticket, conn)
    words = notify.staff_words(text)
    if ticket.urgent:
        hazard = labels.HAZARDS_ZH.get(ticket.hazard or "", "紧急情况")
        await notify.tell_staff(
            ticket,
            t(
                "staff.urgent_alert",
                community=community.name,
                unit=unit,
                hazard=hazard,
                number=ticket.number,
                words=words,
            ),
            conn,
            supervisors=True,
            urgent=True,
        )
        advice_key = safety_advice_key(ticket.hazard, text)
        await notify.to_resident(
            resident,
            "urgent_opened",
            number=ticket.number,
            advice=t(advice_key, resident.script),
            ticket=ticket,
            urgent=True,
            conn=conn,
        )
        if ticket.unit_id is None:  # help is on its way; now we need to know where
            await save_state(resident, conn, **{**(resident.state or {}), "awaiting": "unit"})
            await notify.to_resident(
                resident,
                "ask_unit",
                example=await unit_example_for(resident, conn),
                urgent=True,
                conn=conn,
            )
        return
    if ticket.agitated or ticket.about_staff:
        await notify.tell_staff(
            ticket,
            t(
                "staff.agitated_alert",
                community=community.name,
                unit=unit,
                number=ticket.number,
                words=words,
            ),
            conn,
            supervisors=True,
        )
    if (ticket.details or {}).get("slot"):
        await notify.to_resident(
            resident,
            "ticket_opened_slot",
            number=ticket.number,
            summary=ticket.summary,
            slot=ticket.details["slot"],
            ticket=ticket,
            conn=conn,
        )
        return
    next_key = "next_step.supervisor" if ticket.about_staff else f"next_step.{ticket.kind}"
    if (ticket.details or {}).get("voice"):
        next_key = "next_step.voice"
    await notify.to_resident(
        resident,
        "ticket_opened",
        kind=labels.kind_label(ticket.kind, resident.script),
        number=ticket.number,
        summary=ticket.summary,
        next_step=t(next_key, resident.script),
        ticket=ticket,
        conn=conn,
    )
