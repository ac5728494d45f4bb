"""A resident's words about a shared failure or a notice, before the usual intake:

* a question about a notice that concerns their home ("停水到几点？", "车库清洗要挪车吗")
  is answered with the notice (a consultation, no ticket);
* a report of what a notice announced ("我家已经停水了" during a notified cut) is not a new
  outage: it joins the notice's incident from the first report;
* a report of a failure that an open incident of their building (or entrance) has
  joins it: "我们已知晓 3栋停电，正在处理，恢复后会通知您";
* a report that makes ``incidents.threshold`` households of the same place opens the
  incident, with the earlier reports as its children;
* a household already in an open incident that asks again is told it is in hand.

Anything else (and every report until the threshold) goes on to ``handlers.intake`` as
before: the first reporter's urgent handling is unchanged.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

import nlp
from handlers import incidents, notice_replies, notices, notify
from handlers.context import env
from handlers.incident_card import OPEN
from handlers.incidents import (
    SYSTEM,
    _Taken,
    adopt,
    announce,
    create,
    join,
    open_child,
    open_incident,
    refresh_counts,
    tell,
)
from handlers.residents import community_of
from handlers.tickets import set_inbound
from models.domain.clock import now
from models.domain.deadlines import chase
from models.domain.incidents import asks, failure_of, is_question, is_report
from models.domain.lifecycle import Actor, EventKind
from models.domain.ticket import Status
from models.storage.statements import update_where
from models.tables import InboundMessage, Incident, IncidentReport, Notice, Resident, Ticket, Unit
from models.tickets import record_event, transition
from nlp import Classification

log = logging.getLogger(__name__)


async def intercept(
    text: str,
    c: Classification,
    resident: Resident,
    inbound: InboundMessage,
    conn: BaseDBAsyncClient,
    *,
    media: list[dict] | None = None,
    inbound_id: int | None = None,
    chosen: str | None = None,
) -> bool:
    """True when the message was handled here."""
    if not text or chosen not in (None, "repair", "consultation"):
        return False
    failure = failure_of(c)
    question = chosen == "consultation" or is_question(c)
    if failure is None and not question:
        return False
    media = media or []
    if await _about_a_notice(
        text, c, failure, question, resident, inbound, conn, media, inbound_id
    ):
        return True
    if failure is None or resident.unit_id is None or not env().config.incidents.enabled:
        return False
    report = is_report(c) and chosen != "consultation"
    if not report and not asks(c):
        return False  # "上次停电好可怕": neither a report nor a question about it now
    mine = await open_child_of(resident, failure, conn)
    if mine is not None:  # they reported it already: it is in hand
        child, incident = mine
        parent = await Ticket.get(id=incident.ticket_id).using_db(conn)
        await record_event(
            child, EventKind.MESSAGE_IN, _actor(resident), text[:4000], {"media": media}, conn=conn
        )
        await set_inbound(inbound, inbound_id, conn, ticket_id=child.id)
        inbound.ticket_id = child.id
        for item in media:
            await notify.relay_media(child, item, conn)
        await tell(resident, "incident.still", incident, parent, child, conn)
        return True
    unit = await Unit.get(id=resident.unit_id).using_db(conn)
    entrance = unit.entrance if failure in env().config.incidents.entrance_scoped else None
    incident = await open_incident(resident.community_id, failure, unit.building_id, entrance, conn)
    if incident is not None:  # a report, or "什么时候来电？": they are affected too
        await join(incident, resident, c, text, media, inbound, conn, inbound_id=inbound_id)
        return True
    if not report:
        return False  # a question alone never opens an incident
    return await form(failure, resident, unit, c, text, media, inbound, conn, inbound_id=inbound_id)


async def open_child_of(
    resident: Resident, failure: str | None, conn: BaseDBAsyncClient
) -> tuple[Ticket, Incident] | None:
    """The resident's own report in an open incident (of ``failure``, if given)."""
    rows = await IncidentReport.filter(
        ticket__resident_id=resident.id,
        incident_id__isnull=False,
        ticket__status__in=list(OPEN),
    ).using_db(conn)
    for row in sorted(rows, key=lambda r: -r.id):
        incident = await Incident.get(id=row.incident_id).using_db(conn)
        parent = await Ticket.get(id=incident.ticket_id).using_db(conn)
        if parent.status in OPEN and (failure is None or incident.failure == failure):
            return await Ticket.get(id=row.ticket_id).using_db(conn), incident
    return None


def _actor(resident: Resident) -> Actor:
    return Actor.resident(resident.id)


async def _about_a_notice(
    text: str,
    c: Classification,
    failure: str | None,
    question: bool,
    resident: Resident,
    inbound: InboundMessage,
    conn: BaseDBAsyncClient,
    media: list[dict],
    inbound_id: int | None,
) -> bool:
    at = now()
    for notice in await notice_replies.concerning(resident, at, conn):
        announced = failure is not None and notice_replies.planned_failure(notice) == failure
        start, end = notice_replies.window(notice, planned=not question)
        if not start <= at <= end:
            continue
        if question and (announced or notice_replies.mentions(c, notice)):
            await notify.to_resident(
                resident,
                "notice.answer",
                conn=conn,
                kind=env().texts(f"notice.kind.{notice.kind}", resident.script),
                targets=notices.targets_words(notice, resident.script),
                text=nlp.to_script(notice.text, resident.script),
            )
            return True
        if announced and resident.unit_id is not None:
            await _planned(notice, resident, c, text, media, inbound, conn, inbound_id)
            return True
    return False


async def _planned(
    notice: Notice,
    resident: Resident,
    c: Classification,
    text: str,
    media: list[dict],
    inbound: InboundMessage,
    conn: BaseDBAsyncClient,
    inbound_id: int | None,
) -> None:
    """A report of what a notice announced joins the notice's incident (opened with
    its first report)."""
    mine = await open_child_of(resident, notice_replies.planned_failure(notice), conn)
    values: dict[str, Any] = {
        "kind": env().texts(f"notice.kind.{notice.kind}", resident.script),
        "notice_text": nlp.to_script(notice.text, resident.script),
        "place": notices.targets_words(notice, resident.script),
    }
    incident = (
        await Incident.filter(notice_id=notice.id, ticket__status__in=list(OPEN))
        .using_db(conn)
        .order_by("-id")
        .first()
    )
    if mine is not None and incident is not None and mine[1].id == incident.id:
        parent = await Ticket.get(id=incident.ticket_id).using_db(conn)
        await tell(
            resident, "incident.still", incident, parent, mine[0], conn, place=values["place"]
        )
        return
    community = await community_of(resident, conn)
    if incident is None:
        try:
            parent, incident = await create(
                community,
                notice_replies.planned_failure(notice) or "water",
                None,
                None,
                conn,
                urgent=False,
                hazard=None,
                notice=notice,
                place=notice.target_label,
            )
        except _Taken:
            incident = await Incident.get(open_key=f"notice:{notice.id}").using_db(conn)
        else:
            child = await open_child(parent, incident, resident, c, text, media, conn, how="notice")
            await set_inbound(inbound, inbound_id, conn, ticket_id=child.id)
            inbound.ticket_id = child.id
            await incidents.refresh_counts(incident, conn)
            await incidents.announce(parent, incident, community, conn)
            await tell(resident, "notice.joined", incident, parent, child, conn, **values)
            return
    await join(
        incident,
        resident,
        c,
        text,
        media,
        inbound,
        conn,
        inbound_id=inbound_id,
        how="notice",
        key="notice.joined",
        **values,
    )


async def form(
    failure: str,
    resident: Resident,
    unit: Unit,
    c: Classification,
    text: str,
    media: list[dict],
    inbound: InboundMessage,
    conn: BaseDBAsyncClient,
    *,
    inbound_id: int | None = None,
) -> bool:
    """This report makes ``threshold`` households of the place: the incident opens with
    the earlier reports as its children and this one joining. False when it does not."""
    cfg = env().config.incidents
    entrance = unit.entrance if failure in cfg.entrance_scoped else None
    where: dict[str, Any] = {"entrance": entrance} if entrance is not None else {}
    earlier = await IncidentReport.filter(
        community_id=resident.community_id,
        failure=failure,
        building_id=unit.building_id,
        incident_id__isnull=True,
        split=False,
        reported_at__gte=now() - timedelta(minutes=cfg.window_minutes),
        ticket__status__in=list(OPEN),
        **where,
    ).using_db(conn)
    if len({r.unit_id for r in earlier} | {unit.id}) < cfg.threshold:
        return False
    community = await community_of(resident, conn)
    tickets = [await Ticket.get(id=r.ticket_id).using_db(conn) for r in earlier]
    try:
        parent, incident = await create(
            community,
            failure,
            unit.building_id,
            entrance,
            conn,
            urgent=c.urgent or any(x.urgent for x in tickets),
            hazard=c.hazard or next((x.hazard for x in tickets if x.hazard), None),
        )
    except _Taken:  # another worker was first: join its incident
        taken = await open_incident(community.id, failure, unit.building_id, entrance, conn)
        if taken is None:
            return False
        await join(taken, resident, c, text, media, inbound, conn, inbound_id=inbound_id)
        return True
    await _inherit_clock(parent, tickets, conn)
    for ticket in tickets:
        await adopt(ticket, incident, parent, conn, how="auto")
    child = await open_child(parent, incident, resident, c, text, media, conn, how="auto")
    await set_inbound(inbound, inbound_id, conn, ticket_id=child.id)
    inbound.ticket_id = child.id
    await refresh_counts(incident, conn)
    await announce(parent, incident, community, conn)
    for ticket in tickets:
        owner = await notify.resident_of(ticket, conn)
        if owner is not None:
            await tell(owner, "incident.formed", incident, parent, ticket, conn, proactive=True)
    await tell(resident, "incident.joined", incident, parent, child, conn)
    log.info(
        "incident %s: %s of %s, %d households",
        parent.number,
        failure,
        incident.place,
        incident.households,
    )
    return True


async def _inherit_clock(parent: Ticket, tickets: list[Ticket], conn) -> None:
    """The incident is as late as its earliest report: it keeps the earliest deadline
    and the highest escalation of its children (a claimed one's steward claims it)."""
    values: dict[str, Any] = {}
    running = [x for x in tickets if x.deadline_at is not None and x.due_kind == "claim"]
    if running and parent.deadline_at is not None:
        earliest = min(x.deadline_at for x in running)
        if earliest < parent.deadline_at:
            values.update(chase("claim", earliest, now()))
    level = max((x.escalation_level for x in tickets), default=0)
    if level > parent.escalation_level:
        values["escalation_level"] = level
    claimed = next((x for x in tickets if x.status == Status.CLAIMED and x.assignee_id), None)
    if claimed is not None:
        await transition(
            parent, Status.CLAIMED, SYSTEM, "首报已接单", conn=conn, assignee_id=claimed.assignee_id
        )
    if values:
        await update_where(Ticket, {"id": parent.id}, values, conn)
        for name, value in values.items():
            setattr(parent, name, value)
