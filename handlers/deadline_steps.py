"""The deadline sweeper: take every ticket whose ``due_at`` has come, do the next
step of its clock, and set the step after.

Each step is claimed with a conditional UPDATE on the clock columns the sweeper
read, in the same transaction as the messages it queues: if two workers (or a
restarted one) look at the same ticket, exactly one moves it on, so nobody is
pinged twice for the same step. The query uses the index on ``due_at``, so a sweep
costs what is due, not what is stored.

Steps of a deadline clock (claim, report_back, answer, slot):
    warn      reminder in the staff chat before the deadline
    breach    the card shows overdue, escalated to the supervisor
              (complaints past 24 h: the resident gets a progress note, the steward
              is asked for an expected completion date)
    escalate  a further interval later: escalated to the manager
Steps of the follow-up clock: ask → remind (once) → close as "no reply".
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from handlers import followup, notify
from handlers.context import env
from handlers.escalation import escalate_to
from models.domain import deadlines
from models.domain.clock import now
from models.domain.lifecycle import Actor, IllegalTransition
from models.outbox import notify_dispatcher, transaction
from models.tables import Resident, Status, Ticket
from models.telemetry import ticket_scope
from models.tickets import transition

log = logging.getLogger(__name__)


SYSTEM = Actor.system("scheduler")


WHAT_ZH = {
    "claim": "接单",
    "report_back": "回复前台",
    "answer": "答复业主",
    "slot": "上门服务",
    "restore": "恢复供应",  # issue 20: a planned cut's incident, at the notice's end
}


CLOCK_COLUMNS = ("due_at", "due_kind", "due_phase", "deadline_at")


async def sweep(limit: int = 500, rounds: int = 5) -> int:
    """Advance every ticket that is due now, through as many steps as are due (after
    a restart a ticket may owe several); returns how many steps were taken."""
    at = now()
    steps = 0
    for _ in range(rounds):
        due = await Ticket.filter(due_at__lte=at).order_by("due_at").limit(limit)
        taken = 0
        for ticket in due:
            try:
                with ticket_scope(ticket.number):
                    taken += await advance(ticket, at)
            except Exception:
                log.exception("ticket %s: deadline step failed", ticket.number)
        steps += taken
        if not taken:
            break
    if steps:
        notify_dispatcher()
    return steps


async def advance(ticket: Ticket, at: datetime) -> int:
    """Take the due step of one ticket, if no other worker took it first."""
    seen = {name: getattr(ticket, name) for name in CLOCK_COLUMNS}
    following = deadlines.next_step(ticket, at) or dict(deadlines.NO_CLOCK)
    async with transaction() as conn:
        won = await Ticket.filter(id=ticket.id, **_match(seen)).using_db(conn).update(**following)
        if not won:
            return 0
        for name, value in following.items():  # the row is as read, plus this update
            setattr(ticket, name, value)
        await _act(ticket, seen, at, conn)
    return 1


def _match(seen: dict[str, Any]) -> dict[str, Any]:
    return {
        (f"{k}__isnull" if v is None else k): (True if v is None else v) for k, v in seen.items()
    }


async def _unit(ticket: Ticket, conn) -> str:
    return await notify.unit_text(ticket, conn, mark_unverified=False)


async def _act(ticket: Ticket, step: dict[str, Any], at: datetime, conn) -> None:
    """What the step does: reminders, overdue cards, escalation, follow-ups."""
    t = env().texts
    tz = env().config.tz
    kind, phase, deadline = step["due_kind"], step["due_phase"], step["deadline_at"]

    if kind == "followup":
        if ticket.status != Status.RESOLVED:
            return
        resident = await notify.resident_of(ticket, conn)
        if phase in ("ask", "remind") and resident is not None:
            await followup.ask(ticket, resident, conn, reminder=phase == "remind")
        elif phase == "close":
            try:
                await transition(
                    ticket,
                    Status.CLOSED,
                    SYSTEM,
                    "回访无回复，按规定办结",
                    {"no_reply": True},
                    conn=conn,
                )
            except IllegalTransition:
                return
            await notify.refresh_card(ticket, conn)
            if resident is not None:
                await notify.to_resident(
                    resident,
                    "no_reply_closed",
                    number=ticket.number,
                    ticket=ticket,
                    conn=conn,
                    proactive=True,
                )
        return

    if ticket.status not in (Status.DISPATCHED, Status.CLAIMED, Status.REOPENED):
        return
    unit = await _unit(ticket, conn)
    what = WHAT_ZH.get(kind, kind)
    when = deadline.astimezone(tz).strftime("%m-%d %H:%M") if deadline else ""
    if phase == "warn" and deadline is not None and deadline <= at:
        return  # too late to warn (the process was down): the breach step follows
    if phase == "warn":
        await notify.tell_staff(
            ticket,
            t("staff.reminder", number=ticket.number, unit=unit, what=what, when=when),
            conn,
            urgent=ticket.urgent,
            proactive=True,
        )
        return
    level = 1 if phase == "breach" else 2
    if phase == "breach":
        await notify.tell_staff(
            ticket,
            t(
                "staff.overdue",
                number=ticket.number,
                unit=unit,
                what=what,
                when=when,
                level=t(f"staff.level.{max(level, ticket.escalation_level)}"),
            ),
            conn,
            urgent=ticket.urgent,
            proactive=True,
        )
        if kind == "answer":
            await _complaint_overdue(ticket, await notify.resident_of(ticket, conn), unit, conn)
    await escalate_to(ticket, level, SYSTEM, f"{what}超时（{when}）", conn)
    await notify.refresh_card(ticket, conn)


async def _complaint_overdue(ticket: Ticket, resident: Resident | None, unit: str, conn) -> None:
    """A complaint not settled within 24 h: progress note to the resident, and the
    steward is asked for an expected completion date (a reply is relayed)."""
    t = env().texts
    if resident is not None:
        await notify.to_resident(
            resident,
            "complaint_progress",
            number=ticket.number,
            ticket=ticket,
            conn=conn,
            proactive=True,
        )
    hours = env().config.deadlines.complaint_answer_hours
    await notify.tell_staff(
        ticket,
        t(
            "staff.ask_eta",
            number=ticket.number,
            unit=unit,
            hours=f"{hours:g}",
            short=ticket.number[-4:],
        ),
        conn,
        proactive=True,
        kind="relay",
    )
