"""Residents' words, photos and voice: understood, and turned into an answer, a ticket,
or an addition to a ticket they already have.

The conversation state (waiting for the unit number, the kind, a time slot, fee
consent) lives on the resident's row, so any worker can take the next message.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

import nlp
from handlers import notify, outage_intake, verification
from handlers.booking import is_home_service, matching_fee, offer_slots
from handlers.context import Incoming, Outcome, env
from handlers.placement import offer_person, open_second_requests, open_tickets, tell_progress
from handlers.residents import bind_unit, save_state, unit_example_for
from handlers.tickets import (
    TICKET_KINDS,
    add_to_ticket,
    open_ticket,
    recent_ticket,
    set_inbound,
    summarise,
)
from models.domain.clock import now
from models.domain.intake import place
from models.tables import InboundMessage, Kind, Resident, Ticket

log = logging.getLogger(__name__)


async def on_message(
    msg: Incoming, resident: Resident, inbound: InboundMessage, conn: BaseDBAsyncClient
) -> Outcome:
    text = msg.text.strip()
    state = dict(resident.state or {})
    media = list(msg.media)

    if state.get("awaiting") == "comment" and text:
        c = nlp.classify(text)
        await save_state(
            resident,
            conn,
            **{k: v for k, v in state.items() if k not in ("awaiting", "comment_ticket")},
        )
        if not c.urgent and (c.intent not in TICKET_KINDS or c.uncertain):
            from handlers import followup

            await followup.comment(state["comment_ticket"], text, resident, conn)
            return Outcome()

    if state.get("awaiting") == "unit" or (resident.unit_id is None and text and len(text) < 30):
        unit = await bind_unit(resident, text, conn) if text else None
        if unit is not None:
            await verification.unit_bound(resident, unit, conn)
            pending = state.get("pending")
            await save_state(resident, conn)
            if pending:
                return await understand(
                    pending["text"],
                    resident,
                    inbound,
                    conn,
                    media=pending.get("media", []),
                    inbound_id=pending.get("inbound_id"),
                    chosen=pending.get("chosen"),
                )
            return Outcome()
        if state.get("awaiting") == "unit" and text and not state.get("pending"):
            c = nlp.classify(text)
            if c.intent == "none" and not c.urgent:
                await notify.to_resident(
                    resident,
                    "ask_unit_again",
                    text=summarise(text),
                    example=await unit_example_for(resident, conn),
                    conn=conn,
                )
                return Outcome()

    if not text and not media:
        await notify.to_resident(resident, "empty_message", conn=conn)
        return Outcome()

    if not text:  # a photo, a voice note, a location: keep it with a ticket
        if all(m.get("type") == "sticker" for m in media):  # a smile: answered, not relayed
            await notify.to_resident(resident, "social_reply", conn=conn)
            return Outcome()
        ticket, _ = await recent_ticket(resident, None, conn)
        if ticket is not None:
            await add_to_ticket(ticket, resident, "", media, inbound, conn)
            return Outcome()
        if any(m.get("type") == "voice" for m in media):
            return await voice_ticket(resident, media, inbound, conn, state)
        state["pending_media"] = [*state.get("pending_media", []), *media]
        await save_state(resident, conn, **state)
        await notify.to_resident(resident, "photo_needs_words", conn=conn)
        return Outcome()

    media = [*state.pop("pending_media", []), *media]
    chosen = state.pop("preset_kind", None)  # a menu button (WeChat) chose the kind
    if "pending_media" in (resident.state or {}) or chosen:
        await save_state(resident, conn, **state)
    return await understand(text, resident, inbound, conn, media=media, chosen=chosen)


async def voice_ticket(
    resident: Resident,
    media: list[dict],
    inbound: InboundMessage,
    conn: BaseDBAsyncClient,
    state: dict[str, Any],
) -> Outcome:
    """A voice message without a transcript: a ticket marked for a person to listen to
    (a consultation for the front desk, unless a menu button chose the kind)."""
    chosen = state.pop("preset_kind", None)
    await save_state(resident, conn, **state)
    words = env().texts("voice_words", resident.script)
    kind = Kind(chosen) if chosen in (*TICKET_KINDS, "consultation") else Kind.CONSULTATION
    await open_ticket(resident, kind, nlp.classify(words), words, media, inbound, conn, voice=True)
    if resident.unit_id is None:
        await save_state(resident, conn, **{**state, "awaiting": "unit"})
        await notify.to_resident(
            resident, "ask_unit", example=await unit_example_for(resident, conn), conn=conn
        )
    return Outcome()


async def understand(
    text: str,
    resident: Resident,
    inbound: InboundMessage,
    conn: BaseDBAsyncClient,
    *,
    media: list[dict] | None = None,
    inbound_id: int | None = None,
    chosen: str | None = None,
) -> Outcome:
    """Classify and act: answer, ask, add to a ticket, or open one."""
    media = media or []
    c = nlp.classify(text)
    await set_inbound(inbound, inbound_id, conn, predicted_intent=c.intent)
    intent = chosen or c.intent
    # the FAQ entry a question finds, looked up once
    faq = nlp.faq.answer(text) if intent == "consultation" and not c.urgent else None
    # issue 20: a notice's question or planned cut, an incident's report (handlers/outage_intake.py)
    if await outage_intake.intercept(
        text, c, resident, inbound, conn, media=media, inbound_id=inbound_id, chosen=chosen
    ):
        return Outcome()

    if not chosen or c.urgent:
        placement = place(
            c,
            await open_tickets(resident, conn),
            now(),
            burst_window=timedelta(seconds=env().config.burst_window_seconds),
            media=bool(media),
            chosen=bool(chosen),
        )
        if placement.action == "social":
            await notify.to_resident(resident, "social_reply", conn=conn)
            return Outcome()
        if placement.action == "progress":
            await tell_progress(placement.ticket.id, resident, text, inbound, conn)
            return Outcome()
        if placement.action == "join" and not (faq is not None and not c.asks_progress):
            ticket = await Ticket.get(id=placement.ticket.id).using_db(conn)
            await add_to_ticket(
                ticket, resident, text, media, inbound, conn, offer_split=placement.guessed
            )
            return Outcome()
    if not chosen and not c.urgent and c.uncertain:
        await ask_kind(text, resident, inbound, media, c.candidates, conn)
        return Outcome()

    if intent == "none" and not c.urgent:
        if len(text) <= 4 and text.lower() in ("help", "帮助", "菜单"):
            await notify.to_resident(resident, "help_resident", conn=conn)
        elif not c.in_domain or c.reason in ("off_topic", "advert"):
            await offer_person(resident, inbound, conn, key="out_of_domain")
        elif c.reason == "not_happening":
            await notify.to_resident(resident, "not_happening_reply", conn=conn)
        else:
            await notify.to_resident(resident, "chitchat", conn=conn)
        return Outcome()

    if intent == "consultation" and not c.urgent:
        if faq is not None:
            await notify.to_resident(
                resident,
                "faq_answer",
                answer=faq.in_script(resident.script, unit_known=resident.unit_id is not None),
                conn=conn,
            )
            # a consultation handled: the month's statistics count it
            await set_inbound(inbound, inbound_id, conn, faq=faq.id[:64])
            return Outcome()
        if chosen:  # they asked for a person: the front desk answers
            await open_ticket(
                resident, Kind.CONSULTATION, c, text, media, inbound, conn, inbound_id=inbound_id
            )
        else:  # no answer of ours fits: say what we can do, and offer a person
            await offer_person(resident, inbound, conn, key="no_faq_answer")
        return Outcome()

    kind = Kind(intent) if intent in TICKET_KINDS else Kind.REPAIR
    if resident.unit_id is None and not c.urgent:
        await save_state(
            resident,
            conn,
            awaiting="unit",
            pending={
                "text": text,
                "media": media,
                "inbound_id": inbound_id or inbound.id,
                "chosen": chosen,
            },
        )
        await notify.to_resident(
            resident,
            "ask_unit_for_ticket",
            example=await unit_example_for(resident, conn),
            conn=conn,
        )
        return Outcome()

    if kind == Kind.CLEANING and not c.urgent and is_home_service(c.normalized):
        await offer_slots(text, resident, inbound_id or inbound.id, media, conn)
        return Outcome()

    fee = None if c.urgent else matching_fee(c.normalized)
    await open_ticket(resident, kind, c, text, media, inbound, conn, fee=fee, inbound_id=inbound_id)
    if not chosen and not c.urgent and fee is None:
        await open_second_requests(resident, c, inbound, conn, inbound_id=inbound_id)
    return Outcome()


async def ask_kind(
    text: str,
    resident: Resident,
    inbound: InboundMessage,
    media: list[dict],
    candidates: list[str],
    conn: BaseDBAsyncClient,
) -> None:
    await save_state(
        resident,
        conn,
        awaiting="kind",
        pending={"text": text, "media": media, "inbound_id": inbound.id},
    )
    kinds = [k for k in candidates if k != "none"] or list(TICKET_KINDS)
    for k in ("repair", "complaint", "cleaning", "consultation"):
        if k not in kinds:
            kinds.append(k)
    row = [
        {"text": env().texts(f"kind.{k}", resident.script), "data": f"kind:{k}:{inbound.id}"}
        for k in kinds
    ]
    buttons = [
        row[:2],
        row[2:],
        [{"text": env().texts("kind.none", resident.script), "data": f"kind:none:{inbound.id}"}],
    ]
    await notify.to_resident(resident, "choose_kind", buttons=buttons, conn=conn)
