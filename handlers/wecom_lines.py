"""What a stewards' WeCom group hears when a ticket changes.

A WeCom group robot cannot edit the card it posted, so where Telegram edits the card in
place, a WeCom group gets one short line per change of state, as it happens: the ticket's
number, what was done (claimed, resolved with its result, closed, reopened, assigned,
escalated by hand, closed by a 回访), who did it and where ("—— 王管家（微信）"). The lines
are read from the ticket's history, from the event after the last one a line was written
for (``details["wecom_seen"]``), so a change is announced once however many times the
card is refreshed. What staff and residents wrote is masked (``nlp.mask_personal``).

Not announced here because another line already says it: the ticket's opening (the card),
a resident's cancellation (``staff.resident_cancelled``), and escalations by the deadline
sweep or a poor 回访 (``staff.overdue``, ``staff.followup_unsatisfied``).
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

import nlp
from handlers.context import env
from models.domain.lifecycle import EventKind
from models.domain.ticket import Status
from models.outbox import queue_message
from models.tables import Incident, Platform, Resident, Ticket, TicketEvent

SEEN = "wecom_seen"
"""``details`` key: the id of the last history event WeCom groups were told about."""
HOUSEHOLDS = "wecom_households"
"""``details`` key of an incident: the households WeCom groups were last told of (the
Telegram card shows the count edited in place; here it is a line when it moves)."""
CHANGES = (Status.CLAIMED, Status.RESOLVED, Status.CLOSED, Status.REOPENED)
WORDS = 60  # characters of a result or reason in a line


def wecom_chats(ticket: Ticket) -> list[str]:
    return [
        chat
        for platform, chat in (ticket.details or {}).get("card_chats", [])
        if platform == Platform.WECOM
    ]


async def start(ticket: Ticket, details: dict, conn: BaseDBAsyncClient) -> dict:
    """A new card's details: its changes are announced from the first one on (and an
    incident's households from the count the card shows)."""
    details = {**details, SEEN: 0} if SEEN not in details else details
    households = await _households(ticket, conn)
    if households is not None and HOUSEHOLDS not in details:
        details = {**details, HOUSEHOLDS: households}
    return details


async def announce(ticket: Ticket, conn: BaseDBAsyncClient) -> None:
    """Queue one message for each WeCom group of the card with a line per change since
    the last announcement (nothing when nothing changed)."""
    chats = wecom_chats(ticket)
    if not chats:
        return
    details = dict(ticket.details or {})
    seen = details.get(SEEN)
    events = (
        await TicketEvent.filter(
            ticket_id=ticket.id,
            id__gt=int(seen or 0),
            kind__in=[EventKind.STATUS, EventKind.ASSIGNED, EventKind.ESCALATED, EventKind.COMMAND],
        )
        .using_db(conn)
        .order_by("id")
    )
    lines = await _lines(ticket, events, conn) if events else []
    if seen is None:  # a card from before these lines: only what just happened
        lines = lines[-1:]
    if events:
        details[SEEN] = events[-1].id
    households = await _households(ticket, conn)
    if households is not None and households != details.get(HOUSEHOLDS, households):
        lines.insert(0, env().texts("staff.wecom_households", number=ticket.number, n=households))
    if households is not None:
        details[HOUSEHOLDS] = households
    if details != (ticket.details or {}):
        ticket.details = details
        await Ticket.filter(id=ticket.id).using_db(conn).update(details=details)
    if not lines:
        return
    for chat in chats:
        await queue_message(
            Platform.WECOM, chat, "\n".join(lines), ticket=ticket, kind="status", conn=conn
        )


async def _households(ticket: Ticket, conn: BaseDBAsyncClient) -> int | None:
    """An incident's households as they stand (None for any other ticket)."""
    if not (ticket.details or {}).get("incident"):
        return None
    incident = await Incident.get_or_none(ticket_id=ticket.id).using_db(conn)
    return incident.households if incident else None


async def _lines(ticket: Ticket, events: list[TicketEvent], conn: BaseDBAsyncClient) -> list[str]:
    t = env().texts
    where_of: dict[str | None, str] = {}  # staff id -> the platform of their last command
    resident_platform: list[str] = []
    lines: list[str] = []
    for i, event in enumerate(events):
        if event.kind == EventKind.COMMAND:
            platform = (event.data or {}).get("platform")
            if platform:
                where_of[event.actor_id] = str(platform)
            continue
        what = _what(event, events[i + 1 :])
        if what is None:
            continue
        if event.actor_type == "staff":
            who, platform = event.actor_name, where_of.get(event.actor_id, "")
        elif event.actor_type == "resident":
            if not resident_platform:
                resident = await Resident.get_or_none(id=ticket.resident_id).using_db(conn)
                resident_platform.append(resident.platform if resident else "")
            who, platform = t("staff.actor.resident"), resident_platform[0]
        else:
            who, platform = t("staff.actor.system"), ""
        key = f"staff.platform.{platform}"
        where = t("staff.wecom_where", platform=t(key)) if key in t.keys() else ""
        lines.append(t("staff.wecom_change", number=ticket.number, what=what, who=who, where=where))
    return lines


def _what(event: TicketEvent, later: list[TicketEvent]) -> str | None:
    """The change an event is, in a few words; None for what is not announced here."""
    t = env().texts
    words = _words(event.text)
    if event.kind == EventKind.ASSIGNED:
        return t("staff.change.assigned", text=words)
    if event.kind == EventKind.ESCALATED:
        level = (event.data or {}).get("level")
        if event.actor_type != "staff" or f"staff.level.{level}" not in t.keys():
            return None  # the sweep's and the 回访's escalations have their own lines
        return t("staff.change.escalated", level=t(f"staff.level.{level}"))
    status = event.to_status
    if status not in CHANGES:
        return None
    if status == Status.CLAIMED and any(e.kind == EventKind.ASSIGNED for e in later[:2]):
        return None  # /assign: its own line says it
    if status == Status.CLAIMED:
        return t("staff.change.claimed")
    if not words or words == "已处理":  # the card's button: no result written
        return t(f"staff.status.{status}")
    return t(f"staff.change.{status}", text=words)


def _words(text: str | None) -> str:
    words = " ".join(nlp.mask_personal(text or "").split())
    return words if len(words) <= WORDS else words[: WORDS - 1] + "…"
