"""Mass incidents: when one failure hits many homes (a building's power, water, lift …),
the reports become the children of one incident, which is worked, chased and resolved
once (ServiceNow's parent and child incidents).

* An incident is a ticket of its own (no resident, no unit): its number, its card in
  the stewards' chats, its deadlines and escalation are a ticket's, so staff claim,
  resolve and escalate it with the usual buttons and commands.
* Its children are the households' own tickets, with their clocks off while they belong
  to it (the incident's clock runs for them); their follow-up (回访) stays their own.
* It forms by itself once ``incidents.threshold`` households of the same building (or
  entrance, for a lift) reported the same failure within ``incidents.window_minutes``;
  while it is open, a new report of it joins at once. A notice of a planned cut has its
  own incident, which matching reports join from the first one.
* Its card is posted once and edited as households join, at most every
  ``incidents.card_edit_seconds`` (the rest by the sweep): the stewards' group is not
  flooded, and an urgent card of anything else finds room at once.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

import nlp
from handlers import incident_reports, notify, verification
from handlers.context import env
from handlers.incident_card import OPEN, failure_zh
from handlers.residents import community_of
from handlers.tickets import MAX_TEXT, set_inbound, summarise
from models.domain.clock import now
from models.domain.deadlines import NO_CLOCK, chase
from models.domain.incidents import open_key, place_words
from models.domain.lifecycle import Actor, EventKind
from models.domain.ticket import Kind, Status
from models.outbox import transaction
from models.storage.statements import insert, update_where
from models.tables import (
    Building,
    Community,
    InboundMessage,
    Incident,
    IncidentReport,
    Notice,
    Resident,
    Ticket,
    Unit,
)
from models.tickets import create_ticket, record_event
from nlp import Classification

log = logging.getLogger(__name__)
SYSTEM = Actor.system("incident")
SAFETY_FIRST = ("gas", "fire", "flood")  # joiners get the safety advice too


class _Taken(Exception):
    """Another worker opened the incident of this place first."""


def member_info(incident: Incident, parent: Ticket) -> dict[str, Any]:
    """What a child keeps of its incident (its card shows it without a query)."""
    return {
        "id": incident.id,
        "ticket": parent.id,
        "number": parent.number,
        "place": incident.place,
        "failure": incident.failure,
    }


async def place_of(
    building_id: int | None, entrance: int | None, community: Community, script: str = "hans"
) -> str:
    if building_id is None:
        return place_words(None, None, "", script)
    building = await Building.get(id=building_id)
    fmt = env().config.community(community.code).unit_format
    return place_words(building.name, entrance, fmt, script)


async def open_incident(
    community_id: int, failure: str, building_id: int | None, entrance: int | None, conn
) -> Incident | None:
    return (
        await Incident.filter(
            community_id=community_id,
            failure=failure,
            building_id=building_id,
            entrance=entrance,
            notice_id=None,
            ticket__status__in=list(OPEN),
        )
        .using_db(conn)
        .order_by("-id")
        .first()
    )


# -- an incident comes to be -------------------------------------------------------------------
async def create(
    community: Community,
    failure: str,
    building_id: int | None,
    entrance: int | None,
    conn: BaseDBAsyncClient,
    *,
    urgent: bool,
    hazard: str | None,
    notice: Notice | None = None,
    place: str | None = None,
) -> tuple[Ticket, Incident]:
    """The incident's ticket and row, in a savepoint: if another worker just opened the
    incident of this place, nothing is kept and ``_Taken`` is raised."""
    place = place or await place_of(building_id, entrance, community)
    key = (
        f"notice:{notice.id}" if notice else open_key(community.id, failure, building_id, entrance)
    )
    summary = f"{place}{failure_zh(failure)}"
    async with transaction() as tx:
        parent = await create_ticket(
            then=Status.DISPATCHED,
            community_id=community.id,
            kind=Kind.REPAIR,
            actor=SYSTEM,
            tz=env().config.tz,
            text=summary,
            conn=tx,
            urgent=urgent,
            hazard=hazard,
            department="engineering",
            summary=summary,
            details={"incident": True, "place": place, "words": summary},
        )
        at = now()
        incident = await insert(
            Incident,
            {
                "ticket_id": parent.id,
                "community_id": community.id,
                "failure": failure,
                "building_id": building_id,
                "entrance": entrance,
                "notice_id": notice.id if notice else None,
                "place": place,
                "open_key": key,
                "created_at": at,
                "card_dirty": False,
                "households": 0,
                "reports": 0,
            },
            tx,
            or_nothing=True,
        )
        if incident is None:
            raise _Taken(key)
        details = {**parent.details, "incident": incident.id}
        clock: dict[str, Any] = {}
        if notice is not None:  # a planned cut: chased to its announced end, not claimed
            clock = dict(NO_CLOCK)
            if notice.ends_at is not None and notice.ends_at > at:
                clock = chase("restore", notice.ends_at, at)
        await update_where(Ticket, {"id": parent.id}, {"details": details, **clock}, tx)
        parent.details = details
        for name, value in clock.items():
            setattr(parent, name, value)
    return parent, incident


async def announce(parent: Ticket, incident: Incident, community: Community, conn) -> None:
    """The incident's card goes out (and an urgent one alerts the supervisors once)."""
    await notify.post_card(parent, community, conn)
    await update_where(Incident, {"id": incident.id}, {"card_edited_at": now()}, conn)
    incident.card_edited_at = now()
    if parent.urgent:
        await notify.tell_staff(
            parent,
            env().texts(
                "staff.incident_alert",
                community=community.name,
                place=incident.place,
                failure=failure_zh(incident.failure),
                households=incident.households,
                number=parent.number,
            ),
            conn,
            supervisors=True,
            urgent=True,
        )


async def refresh_counts(incident: Incident, conn) -> None:
    households, reports = await incident_reports.counts(incident.id, conn)
    incident.households, incident.reports = households, reports
    await update_where(
        Incident, {"id": incident.id}, {"households": households, "reports": reports}, conn
    )


async def card_changed(incident: Incident, parent: Ticket, conn) -> None:
    """The card shows the new count now, unless it was edited less than
    ``card_edit_seconds`` ago: then the sweep edits it when that time is up."""
    interval = timedelta(seconds=env().config.incidents.card_edit_seconds)
    at = now()
    if incident.card_edited_at is None or at - incident.card_edited_at >= interval:
        await notify.refresh_card(parent, conn)
        values: dict[str, Any] = {"card_edited_at": at, "card_dirty": False}
    else:
        values = {"card_dirty": True}
    await update_where(Incident, {"id": incident.id}, values, conn)
    for name, value in values.items():
        setattr(incident, name, value)


# -- reports join ------------------------------------------------------------------------------
async def adopt(
    ticket: Ticket, incident: Incident, parent: Ticket, conn, *, how: str, actor: Actor = SYSTEM
) -> None:
    """An open report becomes a child: its clock stops (the incident's runs), its card
    (if it has one) names the incident."""
    details = {**(ticket.details or {}), "incident_of": member_info(incident, parent)}
    if not details.get("card_chats"):
        details.update(card_of=parent.id, card_chats=(parent.details or {}).get("card_chats", []))
    clock = dict(NO_CLOCK) if ticket.status in OPEN else {}
    await update_where(Ticket, {"id": ticket.id}, {"details": details, **clock}, conn)
    ticket.details = details
    for name, value in clock.items():
        setattr(ticket, name, value)
    report = await IncidentReport.get_or_none(ticket_id=ticket.id).using_db(conn)
    at = now()
    if report is None:
        unit = await Unit.get(id=ticket.unit_id).using_db(conn) if ticket.unit_id else None
        await incident_reports.add(
            ticket, incident.failure, unit, conn, incident_id=incident.id, how=how, at=at
        )
    else:
        await update_where(
            IncidentReport,
            {"id": report.id},
            {"incident_id": incident.id, "joined_at": at, "joined_by": how, "split": False},
            conn,
        )
    await record_event(
        ticket,
        EventKind.NOTE,
        actor,
        f"并入事件 {parent.number}",
        {"incident": incident.id},
        conn=conn,
    )
    if not details.get("card_of"):
        await notify.refresh_card(ticket, conn)


async def open_child(
    parent: Ticket,
    incident: Incident,
    resident: Resident,
    c: Classification,
    text: str,
    media: list[dict],
    conn: BaseDBAsyncClient,
    *,
    how: str,
) -> Ticket:
    """A new report's own ticket, born a child: no card of its own, no clock."""
    community = await community_of(resident, conn)
    details: dict[str, Any] = {
        "words": text[:MAX_TEXT],
        "media": media,
        "failure": incident.failure,
        "incident_of": member_info(incident, parent),
        "card_of": parent.id,
        "card_chats": (parent.details or {}).get("card_chats", []),
    }
    if not await verification.is_verified(resident, conn):
        details["unverified"] = True
    actor = Actor.resident(resident.id)
    ticket = await create_ticket(
        then=Status.DISPATCHED,
        community_id=community.id,
        kind=Kind.REPAIR,
        actor=actor,
        tz=env().config.tz,
        text=text[:MAX_TEXT],
        conn=conn,
        resident_id=resident.id,
        unit_id=resident.unit_id,
        urgent=c.urgent and incident.notice_id is None,
        hazard=c.hazard,
        agitated=c.agitated,
        department=c.department,
        summary=summarise(text),
        details=details,
        also=[
            (
                EventKind.MESSAGE_IN,
                actor,
                text[:MAX_TEXT],
                {"media": media, "keywords": list(c.keywords), "intent": c.intent},
            ),
            (EventKind.NOTE, SYSTEM, f"并入事件 {parent.number}", {"incident": incident.id}),
        ],
    )
    await update_where(Ticket, {"id": ticket.id}, dict(NO_CLOCK), conn)
    for name, value in NO_CLOCK.items():
        setattr(ticket, name, value)
    unit = await Unit.get(id=resident.unit_id).using_db(conn) if resident.unit_id else None
    await incident_reports.add(
        ticket, incident.failure, unit, conn, incident_id=incident.id, how=how
    )
    if c.agitated:  # 服务上移 holds for a household inside an incident too
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
    return ticket


async def join(
    incident: Incident,
    resident: Resident,
    c: Classification,
    text: str,
    media: list[dict],
    inbound: InboundMessage,
    conn: BaseDBAsyncClient,
    *,
    inbound_id: int | None = None,
    how: str = "auto",
    key: str = "incident.joined",
    **values: Any,
) -> Ticket:
    """A report joins an open incident: its ticket, the resident told that we know and
    will tell them when it is restored, the card's count moved on."""
    parent = await Ticket.get(id=incident.ticket_id).using_db(conn)
    child = await open_child(parent, incident, resident, c, text, media, conn, how=how)
    await set_inbound(inbound, inbound_id, conn, ticket_id=child.id)
    inbound.ticket_id = child.id
    await refresh_counts(incident, conn)
    await tell(resident, key, incident, parent, child, conn, **values)
    await card_changed(incident, parent, conn)
    return child


async def tell(
    resident: Resident,
    key: str,
    incident: Incident,
    parent: Ticket,
    child: Ticket,
    conn,
    *,
    proactive: bool = False,
    place: str | None = None,
    **values: Any,
) -> None:
    """A text about the incident to one of its households, in their script. Never
    urgent in the outbox (hundreds go at once: an urgent card elsewhere passes them);
    never held in quiet hours when the incident is urgent."""
    t = env().texts
    script = resident.script
    if place is None:
        place = incident.place
        if incident.building_id is not None:
            community = await community_of(resident, conn)
            place = await place_of(incident.building_id, incident.entrance, community, script)
    place = nlp.to_script(place, script)
    advice = ""
    if key == "incident.joined" and incident.failure in SAFETY_FIRST and child.hazard:
        advice_key = f"safety.{child.hazard}"
        advice = "\n" + t(advice_key if advice_key in t.keys() else "safety.default", script)
    await notify.to_resident(
        resident,
        key,
        ticket=child,
        conn=conn,
        proactive=proactive and not parent.urgent,
        place=place,
        failure=t(f"failure.{incident.failure}", script),
        number=parent.number,
        ticket_number=child.number,
        advice=advice,
        **values,
    )
