"""A resident's ticket: opened (numbered, dispatched, announced), added to, found again."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

import nlp
from handlers import incident_reports, notify, verification
from handlers.announce import announce
from handlers.context import env
from handlers.residents import community_of
from models.domain.clock import now
from models.domain.intake import things
from models.domain.lifecycle import Actor, EventKind
from models.domain.ticket import ACTIVE_STATUSES
from models.storage.statements import markers, select
from models.tables import Community, InboundMessage, Kind, Resident, Status, Ticket
from models.tickets import create_ticket, record_event, transition

log = logging.getLogger(__name__)

TICKET_KINDS = ("repair", "complaint", "cleaning")
SUMMARY_LEN = 40
MAX_TEXT = 4000  # stored in full on the inbound row; tickets keep this much


def summarise(text: str) -> str:
    """One line of what the resident said, for confirmations, cards and lists: personal
    numbers masked (staff see it), cut at a word's end where words have spaces."""
    line = nlp.mask_personal(" ".join(text.split())).rstrip("。.!！?？~～,，;； ")
    if len(line) <= SUMMARY_LEN:
        return line
    cut = line[: SUMMARY_LEN - 1]
    space = cut.rfind(" ")
    if space >= SUMMARY_LEN // 2 and line[SUMMARY_LEN - 1] not in " ":
        cut = cut[:space]  # English and the like: not in the middle of a word
    return cut.rstrip(" ,，;；") + "…"


async def set_inbound(
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


def is_anonymous(text: str) -> bool:
    """ "我匿名反映一下…": the card does not show the unit, and nobody calls back."""
    return "匿名" in text or "anonymous" in text.lower()


def names_staff(text: str) -> bool:
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
    community = await community_of(resident, conn)
    about_staff = kind == Kind.COMPLAINT and (c.complaint_class == "attitude" or names_staff(text))
    details: dict[str, Any] = {
        "words": text[:MAX_TEXT],
        "media": media,
        "keywords": sorted(things(c.keywords)),  # what the ticket is about (models.domain.intake)
    }
    if resident.unit_id is not None and not await verification.is_verified(resident, conn):
        details["unverified"] = True  # the card says 未核实
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
        anonymous=is_anonymous(text),
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
    await set_inbound(inbound, inbound_id, conn, ticket_id=ticket.id)
    inbound.ticket_id = ticket.id
    await incident_reports.record(ticket, c, conn)  # issue 20: a failure's reports are counted
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


_ACK = re.compile(
    r"^(好的?|好滴|嗯+|哦+|噢+|收到|知道了|明白|谢谢\w{0,3}|多谢|感谢\w{0,3}|辛苦了?|"
    r"ok|okay|thanks?( you)?|thx|👍|🙏|[!！.。~～\s])+$",
    re.IGNORECASE,
)


def is_acknowledgement(normalized: str) -> bool:
    """ "好的谢谢" after a confirmation closes the exchange; it is not more to relay."""
    return bool(_ACK.match(normalized.strip()))


async def recent_ticket(
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


async def add_to_ticket(
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
        bool(media) or (said is not None and not is_acknowledgement(said.normalized))
    )
    if reported_again:  # the resident says it again: the ticket goes back to work
        await transition(
            ticket, Status.REOPENED, Actor.resident(resident.id), "业主再次反映", conn=conn
        )
    details = dict(ticket.details or {})
    details["media"] = [*details.get("media", []), *media]
    details.pop("staff_asked_at", None)  # answered: what comes next is not an answer
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
        community = await community_of(resident, conn)
        await notify.tell_staff(
            ticket,
            env().texts(
                "staff.agitated_alert",
                community=community.name,
                unit=await notify.unit_text(ticket, conn),
                number=ticket.number,
                words=notify.staff_words(text),
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


async def by_number(number: str, conn: BaseDBAsyncClient | None = None) -> Ticket | None:
    """The ticket with this full number (YYYYMMDD-NNNN, the count may grow past four
    digits); anything not of that shape (a URL's 25 digits) names no ticket, unasked."""
    day, dash, count = number.partition("-")
    if not (dash and len(day) == 8 and day.isdigit() and 4 <= len(count) <= 7):
        return None
    return await Ticket.filter(number=number).using_db(conn).first() if count.isdigit() else None


async def find_ticket(
    ref: str, conn: BaseDBAsyncClient | None = None, *, resident_id: int | None = None
) -> Ticket | None:
    """A ticket by its full number, or by its last four digits: today's ticket with
    them, else the latest of the past week's (a 0007 typed just after midnight means
    last evening's 0007, not a ticket of the new day that does not exist yet)."""
    ref = ref.strip().lstrip("#")
    q = Ticket.all()
    if resident_id is not None:
        q = q.filter(resident_id=resident_id)
    if len(ref) == 13 and ref[8] == "-":
        return await q.filter(number=ref).using_db(conn).first()
    if ref.isdigit() and len(ref) <= 4:
        today = now().astimezone(env().config.tz).date()
        days = [today - timedelta(days=n) for n in range(7)]
        numbers = [f"{day:%Y%m%d}-{int(ref):04d}" for day in days]
        found = await q.filter(number__in=numbers).using_db(conn)
        return max(found, key=lambda t: t.number, default=None)
    return None
