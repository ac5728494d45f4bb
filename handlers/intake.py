"""Residents: every message is understood, and becomes an answer, a ticket, or an
addition to a ticket they already have.

The conversation state (waiting for the unit number, the kind, a time slot, fee
consent) lives on the resident's row, so any worker can take the next message.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

import nlp
from handlers import notify
from handlers.core import Incoming, Outcome, env
from models.domain.clock import now
from models.domain.lifecycle import Actor, EventKind, IllegalTransition
from models.domain.ticket import ACTIVE_STATUSES, OPEN_STATUSES
from models.domain.units import example as unit_example
from models.domain.units import find_unit
from models.inbound import finish
from models.outbox import transaction
from models.storage.db import community_row, unit_label
from models.storage.statements import markers, select, update_returning, update_where
from models.tables import (
    Building,
    Community,
    InboundMessage,
    Kind,
    Resident,
    Status,
    Ticket,
    Unit,
)
from models.tickets import create_ticket, record_event, transition

log = logging.getLogger(__name__)

TICKET_KINDS = ("repair", "complaint", "cleaning")
SUMMARY_LEN = 40
MAX_TEXT = 4000  # stored in full on the inbound row; tickets keep this much


# -- residents ---------------------------------------------------------------------------
async def get_resident(msg: Incoming, conn: BaseDBAsyncClient) -> Resident:
    """The resident behind this platform identity (created on first contact), with
    what every message changes already written: where to answer them, when they last
    wrote. On PostgreSQL the row is locked for the transaction, so a second worker
    handling the same resident's next message waits for this one."""
    found = await update_returning(
        Resident,
        {"platform": msg.platform, "platform_user_id": msg.sender_id},
        {"chat_id": msg.chat_id, "last_message_at": now()},
        conn,
    )
    resident = found[0] if found else None
    if resident is None:
        communities = env().config.communities
        community = None
        if len(communities) == 1:
            community = await community_row(code=communities[0].code, conn=conn)
        at = now()
        resident = await Resident.create(
            platform=msg.platform,
            platform_user_id=msg.sender_id,
            chat_id=msg.chat_id,
            display_name=msg.sender_name[:128],
            community=community,
            created_at=at,
            last_message_at=at,
            using_db=conn,
        )
    return resident


async def _save_state(resident: Resident, conn: BaseDBAsyncClient, **state: Any) -> None:
    resident.state = {k: v for k, v in state.items() if v is not None}
    await resident.save(update_fields=["state"], using_db=conn)


async def _community(resident: Resident, conn: BaseDBAsyncClient) -> Community:
    if resident.community_id is not None:
        return await community_row(resident.community_id, conn=conn)
    return await community_row(code=env().config.communities[0].code, conn=conn)


async def _example(resident: Resident, conn: BaseDBAsyncClient) -> str:
    community = await _community(resident, conn)
    return unit_example(env().config.community(community.code))


async def bind_unit(resident: Resident, text: str, conn: BaseDBAsyncClient) -> Unit | None:
    """Bind the unit named in ``text`` if it exists; None if it does not."""
    config = env().config
    candidates = config.communities
    if resident.community_id is not None:
        current = await community_row(resident.community_id, conn=conn)
        candidates = [config.community(current.code)]
    found = find_unit(text, candidates)
    building = (resident.state or {}).get("building")
    if not found and building:  # known from the building's QR code: "2单元1201" is enough
        found = find_unit(f"{building}#{text}", candidates)
    if len(found) != 1:
        return None
    ref = found[0]
    community = await community_row(code=ref.community, conn=conn)
    building = await Building.get(community=community, name=ref.building).using_db(conn)
    unit, _ = await Unit.get_or_create(
        building=building,
        entrance=ref.entrance,
        room=ref.room,
        defaults={"label": ref.label},
        using_db=conn,
    )
    resident.unit_id = unit.id
    resident.community_id = community.id
    await resident.save(update_fields=["unit_id", "community_id"], using_db=conn)
    # tickets opened before the unit was known (urgent, voice, questions) get it now
    waiting = await Ticket.filter(
        resident_id=resident.id,
        unit_id__isnull=True,
        status__in=[s.value for s in ACTIVE_STATUSES],
    ).using_db(conn)
    for ticket in waiting:
        ticket.unit_id = unit.id
        await Ticket.filter(id=ticket.id).using_db(conn).update(unit_id=unit.id)
        if (ticket.details or {}).get("card_chats"):
            await notify.refresh_card(ticket, conn)
    return unit


# -- entry point -----------------------------------------------------------------------
async def handle_resident(msg: Incoming, inbound: InboundMessage) -> Outcome:
    async with transaction(join=True) as conn:
        resident = await get_resident(msg, conn)
        script = resident.script
        if msg.button:
            outcome = await _button(msg, resident, inbound, conn)
        elif msg.command:
            name, rest = msg.command
            outcome = await _command(name, rest, msg, resident, inbound, conn)
        else:
            outcome = await _message(msg, resident, inbound, conn)
        if resident.script != script:  # they wrote in another script (or in English)
            await update_where(Resident, {"id": resident.id}, {"script": resident.script}, conn)
        await finish(
            inbound,
            conn=conn,
            predicted_intent=inbound.predicted_intent,
            ticket_id=inbound.ticket_id,
            label=inbound.label,
        )
    return outcome


def summarise(text: str) -> str:
    """One line of what the resident said, for confirmations and cards."""
    line = " ".join(text.split()).rstrip("。.!！?？~～ ")
    return line if len(line) <= SUMMARY_LEN else line[: SUMMARY_LEN - 1] + "…"


async def _set_inbound(
    inbound: InboundMessage, other_id: int | None, conn: BaseDBAsyncClient, **fields: Any
) -> None:
    """Facts about a message: on the message being handled they are written with its
    "handled" mark at the end; an earlier message (one that waited for the unit or a
    choice) is updated now."""
    if other_id is None or other_id == inbound.id:
        for name, value in fields.items():
            setattr(inbound, name, value)
    else:
        await InboundMessage.filter(id=other_id).using_db(conn).update(**fields)


def _remember_script(resident: Resident, classification) -> None:
    if classification.normalized.strip():
        resident.script = classification.script


async def _message(
    msg: Incoming, resident: Resident, inbound: InboundMessage, conn: BaseDBAsyncClient
) -> Outcome:
    text = msg.text.strip()
    state = dict(resident.state or {})
    media = list(msg.media)

    if state.get("awaiting") == "comment" and text:
        c = nlp.classify(text)
        await _save_state(
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
            await notify.to_resident(resident, "unit_bound", unit=unit.label, conn=conn)
            pending = state.get("pending")
            await _save_state(resident, conn)
            if pending:
                return await _understand(
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
                    example=await _example(resident, conn),
                    conn=conn,
                )
                return Outcome()

    if not text and not media:
        await notify.to_resident(resident, "empty_message", conn=conn)
        return Outcome()

    if not text:  # a photo, a voice note, a location: keep it with a ticket
        ticket, _ = await _recent_ticket(resident, None, conn)
        if ticket is not None:
            await _add_to_ticket(ticket, resident, "", media, inbound, conn)
            return Outcome()
        if all(m.get("type") == "sticker" for m in media):
            await notify.to_resident(resident, "chitchat", conn=conn)
            return Outcome()
        if any(m.get("type") == "voice" for m in media):
            return await _voice_ticket(resident, media, inbound, conn, state)
        state["pending_media"] = [*state.get("pending_media", []), *media]
        await _save_state(resident, conn, **state)
        await notify.to_resident(resident, "photo_needs_words", conn=conn)
        return Outcome()

    media = [*state.pop("pending_media", []), *media]
    chosen = state.pop("preset_kind", None)  # a menu button (WeChat) chose the kind
    if "pending_media" in (resident.state or {}) or chosen:
        await _save_state(resident, conn, **state)
    return await _understand(text, resident, inbound, conn, media=media, chosen=chosen)


async def _voice_ticket(
    resident: Resident,
    media: list[dict],
    inbound: InboundMessage,
    conn: BaseDBAsyncClient,
    state: dict[str, Any],
) -> Outcome:
    """A voice message without a transcript: a ticket marked for a person to listen to
    (a consultation for the front desk, unless a menu button chose the kind)."""
    chosen = state.pop("preset_kind", None)
    await _save_state(resident, conn, **state)
    words = env().texts("voice_words", resident.script)
    kind = Kind(chosen) if chosen in (*TICKET_KINDS, "consultation") else Kind.CONSULTATION
    await open_ticket(resident, kind, nlp.classify(words), words, media, inbound, conn, voice=True)
    if resident.unit_id is None:
        await _save_state(resident, conn, **{**state, "awaiting": "unit"})
        await notify.to_resident(
            resident, "ask_unit", example=await _example(resident, conn), conn=conn
        )
    return Outcome()


async def _understand(
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
    _remember_script(resident, c)
    await _set_inbound(inbound, inbound_id, conn, predicted_intent=c.intent)
    intent = chosen or c.intent
    # the FAQ entry a question finds, looked up once
    faq = nlp.faq.answer(text) if intent == "consultation" and not c.urgent else None

    if not chosen and not c.urgent:
        # Part of a burst, or about a ticket of the same kind still open: add to it.
        recent, in_burst = await _recent_ticket(
            resident,
            intent if intent in TICKET_KINDS else None,
            conn,
            about_work_done=c.intent == "complaint" and c.complaint_class == "quality",
        )
        # a question the FAQ answers is answered, even in the middle of a burst
        belongs = in_burst and not _is_acknowledgement(c.normalized) and faq is None
        if recent is not None and (belongs or intent in TICKET_KINDS or media):
            await _add_to_ticket(recent, resident, text, media, inbound, conn, offer_split=True)
            return Outcome()
        if c.uncertain:
            await _ask_kind(text, resident, inbound, media, c.candidates, conn)
            return Outcome()

    if intent == "none" and not c.urgent:
        key = (
            "help_resident"
            if len(text) <= 4 and text.lower() in ("help", "帮助", "菜单")
            else "chitchat"
        )
        await notify.to_resident(resident, key, conn=conn)
        return Outcome()

    if intent == "consultation" and not c.urgent:
        if faq is not None:
            await notify.to_resident(
                resident, "faq_answer", answer=faq.in_script(resident.script), conn=conn
            )
            return Outcome()
        await open_ticket(
            resident, Kind.CONSULTATION, c, text, media, inbound, conn, inbound_id=inbound_id
        )
        return Outcome()

    kind = Kind(intent) if intent in TICKET_KINDS else Kind.REPAIR
    if resident.unit_id is None and not c.urgent:
        await _save_state(
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
            resident, "ask_unit_for_ticket", example=await _example(resident, conn), conn=conn
        )
        return Outcome()

    if kind == Kind.CLEANING and not c.urgent and _is_home_service(c.normalized):
        await _offer_slots(text, resident, inbound_id or inbound.id, media, conn)
        return Outcome()

    fee = None if c.urgent else _matching_fee(c.normalized)
    await open_ticket(resident, kind, c, text, media, inbound, conn, fee=fee, inbound_id=inbound_id)
    return Outcome()


# -- tickets ---------------------------------------------------------------------------
def _is_anonymous(text: str) -> bool:
    """ "我匿名反映一下…": the card does not show the unit, and nobody calls back."""
    return "匿名" in text or "anonymous" in text.lower()


def _names_staff(text: str) -> bool:
    return any(s.name and s.name in text for s in env().config.staff)


async def open_ticket(
    resident: Resident,
    kind: Kind,
    c,
    text: str,
    media: list[dict],
    inbound: InboundMessage,
    conn: BaseDBAsyncClient,
    *,
    fee: Any = None,
    slot: tuple[str, datetime, datetime] | None = None,
    inbound_id: int | None = None,
    voice: bool = False,
) -> Ticket:
    community = await _community(resident, conn)
    about_staff = kind == Kind.COMPLAINT and (c.complaint_class == "attitude" or _names_staff(text))
    details: dict[str, Any] = {"words": text[:MAX_TEXT], "media": media}
    if voice:
        details["voice"] = True  # words are a placeholder: someone must listen
    if slot:
        details.update(slot=slot[0], slot_start=slot[1].isoformat(), slot_end=slot[2].isoformat())
    dispatch_now = fee is None  # a paid service waits for the resident's consent
    if dispatch_now:
        details["card_chats"] = notify.card_chats(about_staff, community.code)
    ticket = await create_ticket(
        then=Status.DISPATCHED if dispatch_now else None,
        community_id=community.id,
        kind=kind,
        actor=Actor.resident(resident.id),
        tz=env().config.tz,
        text=text[:MAX_TEXT],
        conn=conn,
        resident_id=resident.id,
        unit_id=resident.unit_id,
        urgent=c.urgent,
        hazard=c.hazard,
        agitated=c.agitated,
        department=c.department,
        complaint_class=c.complaint_class if kind == Kind.COMPLAINT else None,
        about_staff=about_staff,
        anonymous=_is_anonymous(text),
        summary=summarise(text),
        details=details,
        also=[
            (
                EventKind.MESSAGE_IN,
                Actor.resident(resident.id),
                text[:MAX_TEXT],
                {
                    "media": media,
                    "keywords": list(c.keywords),
                    "intent": c.intent,
                    "confidence": c.confidence,
                },
            )
        ],
    )
    await _set_inbound(inbound, inbound_id, conn, ticket_id=ticket.id)
    inbound.ticket_id = ticket.id
    if fee is not None:
        await (
            Ticket.filter(id=ticket.id)
            .using_db(conn)
            .update(details={**details, "fee_offer": {"item": fee.item, "price": fee.price}})
        )
        buttons = [
            [
                {"text": env().texts("fee_yes", resident.script), "data": f"fee:yes:{ticket.id}"},
                {"text": env().texts("fee_no", resident.script), "data": f"fee:no:{ticket.id}"},
            ]
        ]
        await notify.to_resident(
            resident,
            "fee_ask",
            item=fee.item,
            price=fee.price,
            buttons=buttons,
            ticket=ticket,
            conn=conn,
        )
        return ticket
    await announce(ticket, resident, community, conn, text=text)
    return ticket


async def dispatch(
    ticket: Ticket, resident: Resident, community: Community, conn: BaseDBAsyncClient, *, text: str
) -> None:
    """new → dispatched (a ticket that waited, for the resident's consent to a fee)."""
    chats = notify.card_chats(ticket.about_staff, community.code)
    await transition(
        ticket,
        Status.DISPATCHED,
        Actor.system(),
        conn=conn,
        details={**(ticket.details or {}), "card_chats": chats},
    )
    await announce(ticket, resident, community, conn, text=text)


async def announce(
    ticket: Ticket, resident: Resident, community: Community, conn: BaseDBAsyncClient, *, text: str
) -> None:
    """A ticket just dispatched: the card goes out, the resident is told what happens
    next (urgent: safety advice first, and the supervisors at once)."""
    await notify.post_card(ticket, community, conn)
    t = env().texts
    unit = await unit_label(ticket.unit_id, conn) or "未登记"
    words = notify._clip(text, 300)
    if ticket.urgent:
        hazard = notify.HAZARDS_ZH.get(ticket.hazard or "", "紧急情况")
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
        advice_key = (
            f"safety.{ticket.hazard}" if f"safety.{ticket.hazard}" in t.keys() else "safety.default"
        )
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
            await _save_state(resident, conn, **{**(resident.state or {}), "awaiting": "unit"})
            await notify.to_resident(
                resident, "ask_unit", example=await _example(resident, conn), urgent=True, conn=conn
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
        kind=notify.kind_label(ticket.kind, resident.script),
        number=ticket.number,
        summary=ticket.summary,
        next_step=t(next_key, resident.script),
        ticket=ticket,
        conn=conn,
    )


_ACK = re.compile(
    r"^(好的?|好滴|嗯+|哦+|噢+|收到|知道了|明白|谢谢\w{0,3}|多谢|感谢\w{0,3}|辛苦了?|"
    r"ok|okay|thanks?( you)?|thx|👍|🙏|[!！.。~～\s])+$",
    re.IGNORECASE,
)


def _is_acknowledgement(normalized: str) -> bool:
    """ "好的谢谢" after a confirmation closes the exchange; it is not more to relay."""
    return bool(_ACK.match(normalized.strip()))


async def _recent_ticket(
    resident: Resident,
    kind: str | None,
    conn: BaseDBAsyncClient,
    *,
    about_work_done: bool = False,
) -> tuple[Ticket | None, bool]:
    """The ticket a new message belongs to, and whether it is part of a burst: the one
    updated within the burst window, else an open (or resolved, awaiting follow-up)
    ticket of the same kind, else — for "修过了还是漏" — the last resolved ticket."""
    window = timedelta(seconds=env().config.burst_window_seconds)
    statuses = [s.value for s in ACTIVE_STATUSES]
    active = await select(  # a resident has a handful of unfinished tickets: one query
        Ticket,
        f'"resident_id" = ? AND "status" IN ({markers(len(statuses))})',
        [resident.id, *statuses],
        order_by='"updated_at" DESC',
        limit=50,
        conn=conn,
    )
    if active and now() - active[0].updated_at <= window:
        return active[0], True
    if kind is None:
        return None, False
    same_kind = max((t for t in active if t.kind == kind), key=lambda t: t.id, default=None)
    if same_kind is None and about_work_done:
        resolved = [t for t in active if t.status == Status.RESOLVED and t.resolved_at]
        same_kind = max(resolved, key=lambda t: t.resolved_at, default=None)
    return same_kind, False


async def _add_to_ticket(
    ticket: Ticket,
    resident: Resident,
    text: str,
    media: list[dict],
    inbound: InboundMessage,
    conn: BaseDBAsyncClient,
    *,
    offer_split: bool = False,
) -> None:
    at = now()
    said = nlp.classify(text) if text else None
    reported_again = ticket.status == Status.RESOLVED and (
        bool(media) or (said is not None and not _is_acknowledgement(said.normalized))
    )
    if reported_again:  # the resident says it again: the ticket goes back to work
        await transition(
            ticket, Status.REOPENED, Actor.resident(resident.id), "业主再次反映", conn=conn
        )
    details = dict(ticket.details or {})
    details["media"] = [*details.get("media", []), *media]
    newly_agitated = said is not None and not ticket.agitated and said.agitated
    await (
        Ticket.filter(id=ticket.id)
        .using_db(conn)
        .update(details=details, updated_at=at, agitated=ticket.agitated or newly_agitated)
    )
    ticket.details, ticket.updated_at = details, at
    inbound.ticket_id = ticket.id
    if newly_agitated and ticket.status != Status.NEW:  # 服务上移: the supervisor steps in
        ticket.agitated = True
        community = await _community(resident, conn)
        await notify.tell_staff(
            ticket,
            env().texts(
                "staff.agitated_alert",
                community=community.name,
                unit=await unit_label(ticket.unit_id, conn) or "未登记",
                number=ticket.number,
                words=notify._clip(text, 300),
            ),
            conn,
            supervisors=True,
        )
    await record_event(
        ticket,
        EventKind.MESSAGE_IN,
        Actor.resident(resident.id),
        text[:MAX_TEXT],
        {"media": media, "added": True},
        conn=conn,
    )
    if reported_again:
        await notify.refresh_card(ticket, conn)
    if ticket.status != Status.NEW:  # a ticket waiting for fee consent has nobody to tell
        if text:
            await notify.relay_text(ticket, text, conn)
        for m in media:
            await notify.relay_media(ticket, m, conn)
        if media:
            await notify.refresh_card(ticket, conn)
    buttons = None
    if offer_split and text:
        buttons = [
            [
                {
                    "text": env().texts("not_same_ticket_button", resident.script),
                    "data": f"split:{inbound.id}",
                }
            ]
        ]
    await notify.to_resident(
        resident,
        "reported_again" if reported_again else "added_to_ticket",
        number=ticket.number,
        buttons=buttons,
        conn=conn,
    )


# -- asking ------------------------------------------------------------------------------
async def _ask_kind(
    text: str,
    resident: Resident,
    inbound: InboundMessage,
    media: list[dict],
    candidates: list[str],
    conn: BaseDBAsyncClient,
) -> None:
    await _save_state(
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


def _is_home_service(normalized: str) -> bool:
    return any(w in normalized for w in env().config.cleaning.home_service_keywords)


def _matching_fee(normalized: str):
    """The paid service the (normalised) words ask for, if any."""
    for fee in env().config.fees:
        if any(k in normalized for k in fee.keywords):
            return fee
    return None


def slot_choices(at: datetime) -> list[tuple[str, datetime, datetime]]:
    """(label, start, end) of the bookable slots: the configured ones in the coming
    days, at least an hour ahead."""
    cfg = env().config.cleaning
    tz = env().config.tz
    local = at.astimezone(tz)
    out = []
    for day in range(cfg.days_ahead + 1):
        date = (local + timedelta(days=day)).date()
        if not env().calendar.is_workday(date) and day > 0 and len(out) >= 3:
            continue
        for slot in cfg.slots:
            start_s, end_s = slot.split("-")
            h, m = map(int, start_s.split(":"))
            eh, em = map(int, end_s.split(":"))
            start = datetime(date.year, date.month, date.day, h, m, tzinfo=tz)
            end = datetime(date.year, date.month, date.day, eh, em, tzinfo=tz)
            if start >= at + timedelta(hours=1):
                out.append((f"{date:%m-%d} {slot}", start, end))
    return out[: 3 * len(cfg.slots)]


async def _offer_slots(
    text: str, resident: Resident, inbound_id: int, media: list[dict], conn: BaseDBAsyncClient
) -> None:
    choices = slot_choices(now())
    await _save_state(
        resident,
        conn,
        awaiting="slot",
        pending={"text": text, "media": media, "inbound_id": inbound_id},
    )
    buttons = [
        [{"text": label, "data": f"slot:{start.isoformat(timespec='minutes')}"}]
        for label, start, _ in choices
    ]
    await notify.to_resident(resident, "choose_slot", buttons=buttons, conn=conn)


# -- buttons -----------------------------------------------------------------------------
async def _button(
    msg: Incoming, resident: Resident, inbound: InboundMessage, conn: BaseDBAsyncClient
) -> Outcome:
    data = msg.button or ""
    action, _, arg = data.partition(":")
    state = dict(resident.state or {})
    t = env().texts
    ok = t("staff.button_done", resident.script)

    if action in ("rate", "accept"):
        from handlers import followup

        return await followup.answer(action, arg, resident, conn)

    if action == "kind":
        kind, _, inbound_id = arg.partition(":")
        pending = state.get("pending") if state.get("awaiting") == "kind" else None
        if not pending or str(pending.get("inbound_id")) != inbound_id:
            return Outcome(callback_answer=ok)  # already answered
        await InboundMessage.filter(id=int(inbound_id)).using_db(conn).update(label=kind)
        await _save_state(resident, conn)
        if kind == "none":
            await notify.to_resident(resident, "kind_none_chosen", conn=conn)
            return Outcome(callback_answer=ok)
        await _understand(
            pending["text"],
            resident,
            inbound,
            conn,
            media=pending.get("media"),
            inbound_id=int(inbound_id),
            chosen=kind,
        )
        return Outcome(callback_answer=ok)

    if action == "fee":
        answer, _, ticket_id = arg.partition(":")
        ticket = await Ticket.get_or_none(id=int(ticket_id), resident_id=resident.id).using_db(conn)
        if ticket is None or ticket.status != Status.NEW:
            return Outcome(callback_answer=ok)
        if answer == "yes":
            details = dict(ticket.details or {})
            details["fee"] = details.pop("fee_offer", None)
            await Ticket.filter(id=ticket.id).using_db(conn).update(details=details)
            ticket.details = details
            await record_event(
                ticket,
                EventKind.NOTE,
                Actor.resident(resident.id),
                "resident agreed to the fee",
                {"fee": details["fee"]},
                conn=conn,
            )
            community = await _community(resident, conn)
            await dispatch(ticket, resident, community, conn, text=details.get("words", ""))
        else:
            await transition(
                ticket,
                Status.CANCELLED,
                Actor.resident(resident.id),
                "resident declined the paid service",
                conn=conn,
            )
            await notify.to_resident(resident, "fee_refused", number=ticket.number, conn=conn)
        return Outcome(callback_answer=ok)

    if action == "slot":
        pending = state.get("pending") if state.get("awaiting") == "slot" else None
        if not pending:
            return Outcome(callback_answer=ok)
        start = datetime.fromisoformat(arg)
        if start < now():
            await _offer_slots(
                pending["text"], resident, pending["inbound_id"], pending.get("media", []), conn
            )
            return Outcome(callback_answer=t("slot_gone", resident.script))
        chosen_slot = next(
            (c for c in slot_choices(now() - timedelta(hours=1)) if c[1] == start),
            (
                start.astimezone(env().config.tz).strftime("%m-%d %H:%M"),
                start,
                start + timedelta(hours=2),
            ),
        )
        await _save_state(resident, conn)
        c = nlp.classify(pending["text"])
        fee = _matching_fee(c.normalized)
        await open_ticket(
            resident,
            Kind.CLEANING,
            c,
            pending["text"],
            pending.get("media", []),
            inbound,
            conn,
            slot=chosen_slot,
            fee=fee,
            inbound_id=pending["inbound_id"],
        )
        return Outcome(callback_answer=ok)

    if action == "split":
        source = await InboundMessage.get_or_none(id=int(arg)).using_db(conn)
        if source is None or source.ticket_id is None:
            return Outcome(callback_answer=ok)
        ticket = await Ticket.get(id=source.ticket_id).using_db(conn)
        if ticket.resident_id != resident.id:
            return Outcome(callback_answer=ok)
        await InboundMessage.filter(id=source.id).using_db(conn).update(ticket_id=None)
        await record_event(
            ticket,
            EventKind.NOTE,
            Actor.resident(resident.id),
            "resident said the previous message is a separate matter",
            {"inbound_id": source.id},
            conn=conn,
        )
        await notify.to_resident(resident, "split_done", conn=conn)
        # the burst window must not pull it back in: understand it on its own
        c = nlp.classify(source.text)
        chosen = c.intent if c.intent in TICKET_KINDS else "repair"
        await _understand(source.text, resident, inbound, conn, inbound_id=source.id, chosen=chosen)
        return Outcome(callback_answer=ok)

    if action == "menu":  # a menu button (WeChat): the kind of the next message
        if arg in (*TICKET_KINDS, "consultation"):
            await _save_state(resident, conn, **{**state, "preset_kind": arg})
            await notify.to_resident(resident, f"menu_chosen.{arg}", conn=conn)
        return Outcome(callback_answer=ok)

    return Outcome(callback_answer=ok)


# -- commands ----------------------------------------------------------------------------
async def _command(
    name: str,
    rest: str,
    msg: Incoming,
    resident: Resident,
    inbound: InboundMessage,
    conn: BaseDBAsyncClient,
) -> Outcome:
    t = env().texts
    if name == "start":
        building = await _scene(rest, resident, conn)
        community = await _community(resident, conn)
        await notify.to_resident(resident, "greeting", community=community.name, conn=conn)
        if resident.unit_id is None:
            await _save_state(resident, conn, awaiting="unit", building=building)
            if building:
                await notify.to_resident(
                    resident,
                    "ask_unit_in_building",
                    building=building,
                    example="1单元1201",
                    conn=conn,
                )
            else:
                await notify.to_resident(
                    resident, "ask_unit", example=await _example(resident, conn), conn=conn
                )
        return Outcome()
    if name == "unit":
        if rest:
            unit = await bind_unit(resident, rest, conn)
            if unit is not None:
                await _save_state(resident, conn)
                await notify.to_resident(resident, "unit_bound", unit=unit.label, conn=conn)
                return Outcome()
        await _save_state(resident, conn, awaiting="unit")
        await notify.to_resident(
            resident, "ask_unit", example=await _example(resident, conn), conn=conn
        )
        return Outcome()
    if name == "my":
        tickets = (
            await Ticket.filter(resident_id=resident.id).using_db(conn).order_by("-id").limit(10)
        )
        if not tickets:
            await notify.to_resident(resident, "my_tickets_none", conn=conn)
            return Outcome()
        lines = [t("my_tickets", resident.script)]
        for tk in tickets:
            status = RESIDENT_STATUS[tk.status][0 if resident.script != "en" else 1]
            if resident.script == "hant":
                status = nlp.to_script(status, "hant")
            lines.append(
                f"{tk.number} {notify.kind_label(tk.kind, resident.script)} {status}：{tk.summary}"
            )
        await notify.to_resident_raw(resident, "\n".join(lines), conn=conn)
        return Outcome()
    if name == "cancel":
        number = rest.split()[0] if rest else ""
        if not number:
            await notify.to_resident(resident, "cancel_usage", example="0007", conn=conn)
            return Outcome()
        ticket = await find_ticket(number, conn, resident_id=resident.id)
        if ticket is None or ticket.status not in OPEN_STATUSES:
            await notify.to_resident(resident, "cancel_not_found", number=number, conn=conn)
            return Outcome()
        try:
            await transition(
                ticket,
                Status.CANCELLED,
                Actor.resident(resident.id),
                "cancelled by the resident",
                conn=conn,
            )
        except IllegalTransition:
            await notify.to_resident(resident, "cancel_not_found", number=number, conn=conn)
            return Outcome()
        await notify.to_resident(resident, "cancel_done", number=ticket.number, conn=conn)
        if (ticket.details or {}).get("card_chats"):
            await notify.refresh_card(ticket, conn)
            await notify.tell_staff(
                ticket, t("staff.resident_cancelled", number=ticket.number), conn
            )
        return Outcome()
    # /help and anything unknown
    await notify.to_resident(resident, "help_resident", conn=conn)
    return Outcome()


async def _scene(rest: str, resident: Resident, conn: BaseDBAsyncClient) -> str | None:
    """``community:building`` from a per-building QR code (``/start demo:3``): set the
    community; return the building when it exists there."""
    code, _, building = rest.strip().partition(":")
    if not code:
        return None
    try:
        community_cfg = env().config.community(code)
    except KeyError:
        return None
    community = await Community.get(code=code).using_db(conn)
    if resident.community_id != community.id:
        resident.community_id = community.id
        await resident.save(update_fields=["community_id"], using_db=conn)
    return building if any(b.name == building for b in community_cfg.buildings) else None


RESIDENT_STATUS = {
    "new": ("待确认", "waiting for your answer"),
    "dispatched": ("已受理", "received"),
    "claimed": ("处理中", "in progress"),
    "resolved": ("已处理", "resolved"),
    "closed": ("已办结", "closed"),
    "reopened": ("重新处理中", "reopened"),
    "cancelled": ("已取消", "cancelled"),
}


async def find_ticket(
    ref: str, conn: BaseDBAsyncClient | None = None, *, resident_id: int | None = None
) -> Ticket | None:
    """A ticket by its full number, or by the last four digits of today's ticket."""
    ref = ref.strip().lstrip("#")
    q = Ticket.all()
    if resident_id is not None:
        q = q.filter(resident_id=resident_id)
    if len(ref) == 13 and ref[8] == "-":
        return await q.filter(number=ref).using_db(conn).first()
    if ref.isdigit() and len(ref) <= 4:
        today = now().astimezone(env().config.tz).strftime("%Y%m%d")
        return await q.filter(number=f"{today}-{int(ref):04d}").using_db(conn).first()
    return None
