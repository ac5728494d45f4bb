"""What staff do with incidents: link tickets to one (or make one of a ticket), split a
report off, and what resolving or closing an incident does to its households; a reply
to an incident's card reaches all of them. The sweep edits cards whose count moved
while they could not be edited; ``month_figures`` counts a month's incidents.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

import nlp
from handlers import incident_reports, notify
from handlers.context import env
from handlers.incident_card import OPEN, is_incident, without_card
from handlers.incidents import (
    _Taken,
    adopt,
    announce,
    card_changed,
    create,
    open_incident,
    place_of,
    refresh_counts,
    tell,
)
from handlers.permissions import may_act
from models.domain import deadlines
from models.domain.clock import now
from models.domain.incidents import failure_of
from models.domain.lifecycle import Actor, EventKind
from models.domain.ticket import Status
from models.outbox import notify_dispatcher, transaction
from models.storage.db import community_row
from models.storage.statements import update_where
from models.tables import Incident, IncidentReport, Staff, Ticket, Unit
from models.tickets import record_event, transition

log = logging.getLogger(__name__)


def t(key: str, **values: Any) -> str:
    return env().texts(key, "hans", **values)


async def incident_of(ticket: Ticket, conn) -> Incident | None:
    """The incident a ticket is, or belongs to."""
    if is_incident(ticket):
        return await Incident.get_or_none(ticket_id=ticket.id).using_db(conn)
    report = await IncidentReport.get_or_none(ticket_id=ticket.id).using_db(conn)
    if report is None or report.incident_id is None:
        return None
    return await Incident.get_or_none(id=report.incident_id).using_db(conn)


async def _children(incident: Incident, conn) -> list[Ticket]:
    ids = await (
        IncidentReport.filter(incident_id=incident.id)
        .using_db(conn)
        .order_by("id")
        .values_list("ticket_id", flat=True)
    )
    return list(await Ticket.filter(id__in=list(ids)).using_db(conn).order_by("id")) if ids else []


# -- the incident moves: its households with it ------------------------------------------------
async def after_move(
    staff: Staff, actor: Actor, ticket: Ticket, to: Status | str, text: str, conn
) -> str | None:
    """Called after a staff action moved a ticket. For an incident: resolving it
    resolves every open report and tells each household (their 回访 follows, each their
    own); closing it closes the open ones. Returns the answer for staff, or None when
    the ticket is no incident (or nothing follows)."""
    if not is_incident(ticket):
        return None
    incident = await Incident.get(ticket_id=ticket.id).using_db(conn)
    to = Status(to)
    if to not in (Status.RESOLVED, Status.CLOSED):
        return None
    await update_where(Incident, {"id": incident.id}, {"open_key": None, "closed_at": now()}, conn)
    plain = to == Status.RESOLVED and text in ("", "已处理")
    key = {Status.RESOLVED: "incident.resolved", Status.CLOSED: "incident.closed"}[to]
    if plain:
        key = "incident.resolved_plain"
    places: dict[str, str] = {}
    told = 0
    for child in await _children(incident, conn):
        if child.status not in OPEN:
            continue
        updates = {} if child.assignee_id else {"assignee_id": staff.id}
        await transition(
            child, to, actor, text or "已处理", {"incident": incident.id}, conn=conn, **updates
        )
        if not without_card(child):
            await notify.refresh_card(child, conn)
        resident = await notify.resident_of(child, conn)
        if resident is None:
            continue
        if resident.script not in places:
            community = await community_row(incident.community_id, conn=conn)
            places[resident.script] = (
                await place_of(incident.building_id, incident.entrance, community, resident.script)
                if incident.building_id
                else incident.place
            )
        await tell(
            resident,
            key,
            incident,
            ticket,
            child,
            conn,
            proactive=True,
            place=places[resident.script],
            result=text,
            reason=text,
        )
        told += 1
    done = "staff.incident_resolved" if to == Status.RESOLVED else "staff.incident_closed"
    return t(
        done,
        number=ticket.number,
        name=staff.name,
        result=text or "已处理",
        residents=told,
        households=incident.households,
    )


async def reply_all(
    staff: Staff, ticket: Ticket, text: str, conn: BaseDBAsyncClient, media: list | None = None
) -> str:
    """A steward's reply to an incident's card: to every household still in it, signed."""
    incident = await Incident.get(ticket_id=ticket.id).using_db(conn)
    told = 0
    for child in await _children(incident, conn):
        if child.status in (Status.CLOSED, Status.CANCELLED):
            continue
        resident = await notify.resident_of(child, conn)
        if resident is None:
            continue
        body = env().texts(
            "staff_reply", resident.script, text=text, staff=staff.name, number=ticket.number
        )
        await notify.to_resident_raw(resident, body, ticket=child, conn=conn, media=media or None)
        told += 1
    await record_event(
        ticket,
        EventKind.MESSAGE_OUT,
        Actor.staff(staff.id, staff.name),
        text,
        {"to": "incident", "residents": told},
        conn=conn,
    )
    return t("staff.incident_replied", number=ticket.number, residents=told)


# -- link and split ----------------------------------------------------------------------------
async def _incident_from(
    target: Ticket, staff: Staff, conn
) -> tuple[Ticket, Incident, bool] | None:
    """The incident ``target`` is or belongs to; or a new one made of it. The flag says
    whether it is new (its card is still to go out)."""
    incident = await incident_of(target, conn)
    if incident is not None:
        return await Ticket.get(id=incident.ticket_id).using_db(conn), incident, False
    if target.status not in OPEN:
        return None
    report = await IncidentReport.get_or_none(ticket_id=target.id).using_db(conn)
    failure = report.failure if report else None
    if failure is None:
        failure = failure_of(nlp.classify((target.details or {}).get("words") or target.summary))
    failure = failure or "other"
    unit = await Unit.get(id=target.unit_id).using_db(conn) if target.unit_id else None
    entrance = unit.entrance if unit and failure in env().config.incidents.entrance_scoped else None
    building_id = unit.building_id if unit else None
    community = await community_row(target.community_id, conn=conn)
    try:
        parent, incident = await create(
            community,
            failure,
            building_id,
            entrance,
            conn,
            urgent=target.urgent,
            hazard=target.hazard,
        )
    except _Taken:
        incident = await open_incident(community.id, failure, building_id, entrance, conn)
        if incident is None:
            return None
        return await Ticket.get(id=incident.ticket_id).using_db(conn), incident, False
    return parent, incident, True


async def link(staff: Staff, target: Ticket, tickets: list[Ticket], conn) -> str:
    """``/link 事件 工单…``: the tickets join the incident ``target`` is (or belongs to,
    or becomes)."""
    actor = Actor.staff(staff.id, staff.name)
    found = await _incident_from(target, staff, conn)
    if found is None:
        return t("staff.incident_cannot_link", number=target.number)
    parent, incident, new = found
    wanted = ([target] if new else []) + [x for x in tickets if x.id != parent.id]
    moved, refused = [], []
    for ticket in wanted:
        if (
            is_incident(ticket)
            or not may_act(staff, ticket)
            or ticket.community_id != incident.community_id
            or ticket.status not in OPEN
        ):
            refused.append(ticket.number)
            continue
        before = await incident_of(ticket, conn)
        if before is not None and before.id == incident.id:
            continue
        await adopt(ticket, incident, parent, conn, how="staff", actor=actor)
        if before is not None:
            await refresh_counts(before, conn)
            await card_changed(before, await Ticket.get(id=before.ticket_id).using_db(conn), conn)
        resident = await notify.resident_of(ticket, conn)
        if resident is not None and (ticket.id != target.id or not new):
            await tell(resident, "incident.linked", incident, parent, ticket, conn, proactive=True)
        moved.append(ticket.number)
    await refresh_counts(incident, conn)
    if new:
        await announce(
            parent, incident, await community_row(incident.community_id, conn=conn), conn
        )
    else:
        await card_changed(incident, parent, conn)
    await record_event(
        parent, EventKind.COMMAND, actor, f"link {' '.join(moved)}", {"linked": moved}, conn=conn
    )
    reply = t(
        "staff.incident_linked",
        tickets="、".join(moved) or "-",
        number=parent.number,
        households=incident.households,
    )
    if refused:
        reply += t("staff.incident_link_refused", tickets="、".join(refused))
    return reply


async def split(staff: Staff, ticket: Ticket, conn) -> str:
    """``/split 工单``: a report leaves its incident and is worked on its own again (its
    own card, its own clock from now on)."""
    report = await IncidentReport.get_or_none(ticket_id=ticket.id).using_db(conn)
    if report is None or report.incident_id is None:
        return t("staff.incident_not_member", number=ticket.number)
    incident = await Incident.get(id=report.incident_id).using_db(conn)
    parent = await Ticket.get(id=incident.ticket_id).using_db(conn)
    await update_where(
        IncidentReport, {"id": report.id}, {"incident_id": None, "split": True}, conn
    )
    details = dict(ticket.details or {})
    had_card = not details.pop("card_of", None)
    details.pop("incident_of", None)
    clock: dict[str, Any] = {}
    if ticket.status in OPEN:
        status = Status(ticket.status)
        again = Status.REOPENED if status != Status.CLAIMED else status  # the clock from now
        clock = deadlines.plan(ticket, again, now())
    await update_where(Ticket, {"id": ticket.id}, {"details": details, **clock}, conn)
    ticket.details = details
    for name, value in clock.items():
        setattr(ticket, name, value)
    await record_event(
        ticket,
        EventKind.NOTE,
        Actor.staff(staff.id, staff.name),
        f"从事件 {parent.number} 拆出",
        {"incident": incident.id, "split": True},
        conn=conn,
    )
    if had_card:
        await notify.refresh_card(ticket, conn)
    else:
        await notify.post_card(ticket, await community_row(ticket.community_id, conn=conn), conn)
    await refresh_counts(incident, conn)
    await card_changed(incident, parent, conn)
    return t("staff.incident_split", ticket=ticket.number, number=parent.number)


# -- the sweep ---------------------------------------------------------------------------------
async def sweep() -> int:
    """Edit the cards whose count moved while they could not be edited; returns how
    many were edited."""
    interval = timedelta(seconds=env().config.incidents.card_edit_seconds)
    at = now()
    edited = 0
    for incident in await Incident.filter(card_dirty=True, card_edited_at__lte=at - interval):
        async with transaction() as conn:
            won = await update_where(
                Incident,
                {"id": incident.id, "card_dirty": True, "card_edited_at": incident.card_edited_at},
                {"card_dirty": False, "card_edited_at": at},
                conn,
            )
            if not won:
                continue
            parent = await Ticket.get(id=incident.ticket_id).using_db(conn)
            await notify.refresh_card(parent, conn)
        edited += 1
    if edited:
        notify_dispatcher()
    return edited


# -- statistics --------------------------------------------------------------------------------
@dataclass
class IncidentMonth:
    """A month's incidents of a community, for the monthly statistics."""

    community: str
    month: str
    incidents: int = 0
    planned: int = 0  # of them, announced by a notice
    households: int = 0  # affected households, summed over the incidents
    reports: int = 0  # the households' tickets that joined them
    by_failure: dict[str, int] = field(default_factory=dict)


async def month_figures(community_code: str, month: str) -> IncidentMonth:
    """The incidents opened in ``month`` (``2026-11``, the company's timezone) and the
    households they affected, by failure and how many a notice announced (the monthly
    table counts incidents and households itself, ``models.domain.statistics``)."""
    tz = env().config.tz
    year, mon = (int(x) for x in month.split("-"))
    start = datetime.combine(date(year, mon, 1), time(0), tz)
    end = datetime.combine(date(year + (mon == 12), mon % 12 + 1, 1), time(0), tz)
    community = await community_row(code=community_code)
    out = IncidentMonth(community=community.name, month=month)
    for incident in await Incident.filter(
        community_id=community.id, created_at__gte=start, created_at__lt=end
    ):
        households, reports = await incident_reports.counts(incident.id, None)
        out.incidents += 1
        out.planned += incident.notice_id is not None
        out.households += households
        out.reports += reports
        out.by_failure[incident.failure] = out.by_failure.get(incident.failure, 0) + 1
    return out
