"""What staff see of a mass incident: its card in the stewards' chats (the failure, the
place, how many households reported it, the latest words, masked), and on the card of a
report that has its own, a line saying which incident it belongs to, with a button to
take it out again (or, for a report of a failure an open incident has, to put it in).

``handlers.notify`` renders every card through here first; this module sends nothing.
"""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

import nlp
from handlers import labels
from handlers.card_buttons import Buttons, action_row
from handlers.context import env
from models.domain.clock import now
from models.domain.ticket import Status
from models.storage.db import unit_label
from models.tables import Incident, IncidentReport, Notice, Staff, Ticket

OPEN = (Status.DISPATCHED.value, Status.CLAIMED.value, Status.REOPENED.value)
DUE_ZH = {"claim": "接单截止", "restore": "恢复截止", "report_back": "回复前台截止"}


def t(key: str, **values: Any) -> str:
    return env().texts(key, "hans", **values)


def is_incident(ticket: Ticket) -> bool:
    """The ticket of an incident itself (its children are the reports)."""
    return bool((ticket.details or {}).get("incident"))


def without_card(ticket: Ticket) -> bool:
    """A report that joined an incident without a card of its own: the incident's card
    stands for it (nothing to edit, nothing to announce line by line)."""
    return bool((ticket.details or {}).get("card_of"))


def failure_zh(failure: str) -> str:
    return t(f"failure.{failure}")


async def render(ticket: Ticket, conn: BaseDBAsyncClient | None) -> tuple[str, Buttons]:
    """The incident's card, from its ticket and its reports as they are now."""
    incident = await Incident.get(ticket_id=ticket.id).using_db(conn)
    tz = env().config.tz
    assignee = ""
    if ticket.assignee_id is not None:
        staff = await Staff.get(id=ticket.assignee_id).using_db(conn)
        assignee = t("staff.card_assignee", name=staff.name)
    deadline = ""
    if ticket.deadline_at is not None and ticket.status in OPEN:
        overdue = t("staff.card_overdue") if ticket.deadline_at <= now() else ""
        deadline = t(
            "staff.card_deadline",
            what=DUE_ZH.get(ticket.due_kind or "", "时限"),
            when=ticket.deadline_at.astimezone(tz).strftime("%m-%d %H:%M"),
            overdue=overdue,
        )
    latest = (
        await IncidentReport.filter(incident_id=incident.id).using_db(conn).order_by("-id").first()
    )
    words, unit, last = "-", "-", "-"
    if latest is not None:
        child = await Ticket.get(id=latest.ticket_id).using_db(conn)
        words = nlp.mask_personal((child.details or {}).get("words") or child.summary)[:120]
        unit = labels.listed_unit(child, await unit_label(child.unit_id, conn) or "未登记")
        last = latest.reported_at.astimezone(tz).strftime("%H:%M")
    planned = ""
    if incident.notice_id is not None:
        notice = await Notice.get(id=incident.notice_id).using_db(conn)
        planned = t(
            "staff.incident_planned", notice=notice.id, kind=t(f"staff.notice_kind.{notice.kind}")
        )
    text = t(
        "staff.incident_card",
        number=ticket.number,
        urgent=t("staff.card_urgent", hazard=failure_zh(incident.failure)) if ticket.urgent else "",
        failure=failure_zh(incident.failure),
        place=incident.place,
        planned=planned,
        status=t(f"staff.status.{ticket.status}"),
        assignee=assignee,
        households=incident.households,
        reports=incident.reports,
        last=last,
        words=words,
        unit=unit,
        deadline=deadline,
        escalation=t("staff.card_escalation", level=t(f"staff.level.{ticket.escalation_level}"))
        if ticket.escalation_level
        else "",
        short=ticket.number[-4:],
    )
    return text, action_row(ticket)


async def decorate(ticket: Ticket, conn: BaseDBAsyncClient | None) -> tuple[str, Buttons]:
    """For the card of a report: a line naming its incident and a button to take it out;
    or, for a report of a failure that an open incident of its place has, a button to
    put it in. Nothing (and no query) for any other ticket."""
    details = ticket.details or {}
    member = details.get("incident_of")
    if member:
        line = t(
            "staff.incident_member_line",
            number=member.get("number", ""),
            place=member.get("place", ""),
            failure=failure_zh(member.get("failure", "")),
        )
        if ticket.status not in OPEN:
            return line, []
        return line, [
            [{"text": t("staff.incident_button_split"), "data": f"inc:split:{ticket.id}"}]
        ]
    if not details.get("failure") or ticket.status not in OPEN or ticket.unit_id is None:
        return "", []
    report = await IncidentReport.get_or_none(ticket_id=ticket.id).using_db(conn)
    if report is None or report.incident_id is not None:
        return "", []
    incident = await open_incident_for(report, conn)
    if incident is None:
        return "", []
    number = (await Ticket.get(id=incident.ticket_id).using_db(conn)).number
    button = t("staff.incident_button_link", short=number[-4:])
    return "", [[{"text": button, "data": f"inc:link:{ticket.id}:{incident.id}"}]]


async def open_incident_for(report: IncidentReport, conn: BaseDBAsyncClient | None):
    """The open (unplanned) incident of a report's failure and place, if any."""
    scoped = report.failure in env().config.incidents.entrance_scoped
    return (
        await Incident.filter(
            community_id=report.community_id,
            failure=report.failure,
            building_id=report.building_id,
            entrance=report.entrance if scoped else None,
            notice_id=None,
            ticket__status__in=list(OPEN),
        )
        .using_db(conn)
        .order_by("-id")
        .first()
    )
