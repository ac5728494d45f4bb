"""Which clock a ticket runs, from its kind, urgency and state: the one place for
the deadlines table of docs/domain.md.

A clock is four columns on the ticket row: ``deadline_at`` (what is chased),
``due_kind`` (claim, report_back, answer, slot, followup), ``due_phase`` (the next
step: warn, breach, escalate; ask, remind, close) and ``due_at`` (when a sweeper must
take that step; indexed). ``models.domain.lifecycle.moved`` asks ``plan`` for the clock
of the state it enters, so every state change resets the clock in the same UPDATE.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from models.domain.calendar import BusinessCalendar
from models.domain.config import Config
from models.domain.ticket import Status, TicketLike

NO_CLOCK: dict[str, Any] = {
    "due_at": None,
    "due_kind": None,
    "due_phase": None,
    "deadline_at": None,
}

_config: Config | None = None
_calendar: BusinessCalendar | None = None


def configure(config: Config) -> None:
    global _config, _calendar
    _config = config
    _calendar = BusinessCalendar.from_config(config)


def _cfg() -> tuple[Config, BusinessCalendar]:
    if _config is None or _calendar is None:
        raise RuntimeError("models.domain.deadlines.configure(config) was not called")
    return _config, _calendar


def chase(kind: str, deadline: datetime, at: datetime) -> dict[str, Any]:
    """A deadline clock: a reminder ``warning_minutes`` before it, if there is time."""
    config, _ = _cfg()
    warn_at = deadline - timedelta(minutes=config.deadlines.warning_minutes)
    if config.deadlines.warning_minutes and warn_at > at:
        return {"due_at": warn_at, "due_kind": kind, "due_phase": "warn", "deadline_at": deadline}
    return {"due_at": deadline, "due_kind": kind, "due_phase": "breach", "deadline_at": deadline}


def escalation_interval(ticket: TicketLike) -> timedelta:
    d = _cfg()[0].deadlines
    minutes = (
        d.urgent_escalation_interval_minutes if ticket.urgent else (d.escalation_interval_minutes)
    )
    return timedelta(minutes=minutes)


def after(start: datetime, duration: timedelta, urgent: bool) -> datetime:
    """Wall-clock time for urgent matters, business time for the rest."""
    return _cfg()[1].due(start, duration, urgent=urgent)


def _slot(ticket: TicketLike, which: str) -> datetime | None:
    value = (ticket.details or {}).get(f"slot_{which}")
    return datetime.fromisoformat(value) if value else None


def needs_followup(ticket: TicketLike) -> bool:
    """No follow-up for anonymous reports, sensitive cases, or nobody to ask."""
    return not (ticket.anonymous or ticket.sensitive or ticket.resident_id is None)


def complaint_answer_deadline(ticket: TicketLike) -> datetime:
    hours = _cfg()[0].deadlines.complaint_answer_hours
    return after(ticket.created_at, timedelta(hours=hours), ticket.urgent)


def plan(ticket: TicketLike, status: Status | str, at: datetime) -> dict[str, Any]:
    """The clock a ticket runs once it is in ``status`` (``at`` is the moment it
    entered it)."""
    config, _ = _cfg()
    d = config.deadlines
    status = Status(status)
    kind = ticket.kind
    if status in (Status.DISPATCHED, Status.REOPENED):
        start = at if status == Status.REOPENED else ticket.created_at
        if ticket.urgent:
            return chase("claim", start + timedelta(minutes=d.urgent_claim_minutes), at)
        if kind == "complaint":
            report = after(start, timedelta(hours=d.complaint_report_back_hours), False)
            return chase("report_back", report, at)
        if kind == "cleaning" and _slot(ticket, "start") is not None:
            return chase("slot", _slot(ticket, "start"), at)
        minutes = {
            "repair": d.repair_claim_minutes,
            "cleaning": d.cleaning_claim_minutes,
            "consultation": d.consultation_answer_minutes,
        }.get(kind, d.repair_claim_minutes)
        return chase("claim", after(start, timedelta(minutes=minutes), False), at)
    if status == Status.CLAIMED:
        if kind == "complaint":
            answer = complaint_answer_deadline(ticket)
            if ticket.reported_at is None:
                report = after(
                    ticket.created_at, timedelta(hours=d.complaint_report_back_hours), ticket.urgent
                )
                if report > at:
                    return chase("report_back", report, at)
            return chase("answer", max(answer, at), at)
        if kind == "cleaning" and _slot(ticket, "end") is not None:
            return chase("slot", _slot(ticket, "end"), at)
        return dict(NO_CLOCK)
    if status == Status.RESOLVED and needs_followup(ticket):
        return {
            "due_at": at + timedelta(minutes=d.followup_after_minutes),
            "due_kind": "followup",
            "due_phase": "ask",
            "deadline_at": None,
        }
    return dict(NO_CLOCK)


def after_report_back(ticket: TicketLike, at: datetime) -> dict[str, Any]:
    """A complaint whose steward reported back now chases the answer to the resident."""
    if ticket.kind != "complaint" or ticket.status not in (
        Status.DISPATCHED,
        Status.CLAIMED,
        Status.REOPENED,
    ):
        return {}
    return chase("answer", max(complaint_answer_deadline(ticket), at), at)


def next_step(ticket: TicketLike, at: datetime) -> dict[str, Any] | None:
    """The clock after the step that is due now (None: no clock any more)."""
    d = _cfg()[0].deadlines
    kind, phase, deadline = ticket.due_kind, ticket.due_phase, ticket.deadline_at
    if kind == "followup":
        if phase == "ask":  # counted from when the resident is actually asked
            return {
                "due_at": at + timedelta(days=d.followup_reminder_days),
                "due_kind": "followup",
                "due_phase": "remind",
                "deadline_at": at + timedelta(days=d.followup_autoclose_days),
            }
        if phase == "remind":
            return {
                "due_at": deadline,
                "due_kind": "followup",
                "due_phase": "close",
                "deadline_at": deadline,
            }
        return None
    if phase == "warn":
        return {
            "due_at": deadline,
            "due_kind": kind,
            "due_phase": "breach",
            "deadline_at": deadline,
        }
    if phase == "breach":
        second = after(deadline, escalation_interval(ticket), ticket.urgent)
        return {
            "due_at": max(second, at),
            "due_kind": kind,
            "due_phase": "escalate",
            "deadline_at": deadline,
        }
    if (
        phase == "escalate"
        and kind == "report_back"
        and ticket.status in (Status.DISPATCHED, Status.CLAIMED, Status.REOPENED)
    ):
        # the report-back was missed; the resident still needs an answer within 24 h
        answer = complaint_answer_deadline(ticket)
        if answer > at:
            return chase("answer", answer, at)
    # the ladder is climbed: the deadline stays, so cards and lists keep showing overdue
    return {"due_at": None, "due_kind": kind, "due_phase": "done", "deadline_at": deadline}
