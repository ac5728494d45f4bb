"""Shift handover (交接班): at each configured time, each stewards' group gets what
is open, what is overdue, what falls due before the next handover, and yesterday's
closed tickets with their satisfaction; at the end of the working day, the free
service orders not yet returned (未返单).

Each handover runs once per community and time slot, whichever worker fires it:
the slot is recorded in ``job_run`` under a unique key first.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from tortoise.exceptions import IntegrityError

from handlers import incident_reports, labels, notify
from handlers.context import env
from models.domain.clock import now
from models.domain.ticket import ACTIVE_STATUSES, OPEN_STATUSES
from models.outbox import notify_dispatcher, queue_message, transaction
from models.tables import Community, JobRun, Status, Ticket, Unit

log = logging.getLogger(__name__)
LISTED = 10  # tickets named in each section; the rest are counted


def _next_handover(local: datetime) -> datetime:
    times = sorted(env().config.handover_times)
    for t in times:
        candidate = datetime.combine(local.date(), t, local.tzinfo)
        if candidate > local:
            return candidate
    return datetime.combine(local.date() + timedelta(days=1), times[0], local.tzinfo)


def is_end_of_day(slot: time) -> bool:
    """The handover nearest the close of business carries the end-of-day list."""
    end = env().config.business_hours.end
    times = env().config.handover_times
    return (
        min(times, key=lambda t: abs(t.hour * 60 + t.minute - end.hour * 60 - end.minute)) == slot
    )


async def compose(community: Community, at: datetime, end_of_day: bool) -> str:
    t = env().texts
    tz = env().config.tz
    local = at.astimezone(tz)
    active = (
        await incident_reports.households_apart(
            Ticket.filter(community_id=community.id, status__in=[s.value for s in ACTIVE_STATUSES])
        )
        .exclude(about_staff=True)
        .order_by("id")
    )  # the stewards' chat: complaints about staff
    # are the supervisors' (handlers.permissions), listed in their chat, not here
    units = {
        u.id: u.label
        for u in await Unit.filter(id__in=list({x.unit_id for x in active if x.unit_id}))
    }

    def line(x: Ticket, when: datetime | None = None) -> str:
        return t(
            "staff.handover_line",
            number=x.number,
            kind=labels.kind_label(x.kind),
            unit=labels.listed_unit(x, units.get(x.unit_id)),
            summary=x.summary,
            when=f" {when.astimezone(tz):%m-%d %H:%M}" if when else "",
        )

    lines = [t("staff.handover_title", community=community.name, when=f"{local:%m-%d %H:%M}")]
    counts: dict[str, int] = {}
    for x in active:
        counts[x.status] = counts.get(x.status, 0) + 1
    by_status = "，".join(f"{t(f'staff.status.{s}')} {n}" for s, n in sorted(counts.items()))
    lines.append(t("staff.handover_open", total=len(active), by_status=by_status or "-"))

    open_ones = [x for x in active if x.status in OPEN_STATUSES]
    overdue = [x for x in open_ones if x.deadline_at and x.deadline_at <= at]
    lines.append(t("staff.handover_overdue", count=len(overdue)))
    lines += [line(x, x.deadline_at) for x in overdue[:LISTED]]

    until = _next_handover(local)
    due_soon = [x for x in open_ones if x.deadline_at and at < x.deadline_at <= until]
    lines.append(t("staff.handover_due", count=len(due_soon)))
    lines += [line(x, x.deadline_at) for x in due_soon[:LISTED]]

    day_start = datetime.combine(local.date() - timedelta(days=1), time(0), tz)
    closed = await Ticket.filter(
        community_id=community.id,
        status=Status.CLOSED,
        closed_at__gte=day_start,
        closed_at__lt=day_start + timedelta(days=1),
    )
    scores = [x.satisfaction for x in closed if x.satisfaction]
    satisfaction = (
        t("staff.handover_rating", avg=f"{sum(scores) / len(scores):.1f}", n=len(scores))
        if scores
        else t("staff.handover_no_rating")
    )
    lines.append(t("staff.handover_closed", count=len(closed), satisfaction=satisfaction))

    if end_of_day:
        unreturned = [
            x
            for x in open_ones
            if x.kind in ("repair", "cleaning") and not (x.details or {}).get("fee")
        ]
        lines.append(t("staff.handover_unreturned", count=len(unreturned)))
        lines += [line(x) for x in unreturned[:LISTED]]
    return "\n".join(lines)


async def run_handover(slot: time) -> int:
    """Send the handover of ``slot`` (today, company time) to every stewards' group
    that has not had it yet; returns how many communities were sent one."""
    at = now()
    local_day = at.astimezone(env().config.tz).date()
    sent = 0
    for c in env().config.communities:
        chats = notify.staff_chats(c.code, "stewards")
        if not chats:
            continue
        community = await Community.get(code=c.code)
        key = f"{local_day.isoformat()} {slot:%H:%M}"
        try:
            async with transaction() as conn:
                await JobRun.create(name=f"handover:{c.code}", slot=key, ran_at=at, using_db=conn)
                text = await compose(community, at, is_end_of_day(slot))
                for platform, chat in chats:
                    await queue_message(platform, chat, text, conn=conn)
        except IntegrityError:
            continue  # another worker sent this one
        sent += 1
    if sent:
        notify_dispatcher()
    return sent
