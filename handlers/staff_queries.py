"""What staff look up: /list (open, overdue, mine, urgent, in their community) and
/show N (the card and the ticket's recent history)."""

from __future__ import annotations

from handlers import incident_reports, labels, notify
from handlers.context import env
from handlers.permissions import visible
from handlers.staff_actions import Ctx, t
from models.domain.clock import now
from models.domain.ticket import ACTIVE_STATUSES, OPEN_STATUSES
from models.tables import Ticket, Unit


async def list_tickets(ctx: Ctx, rest: str) -> None:
    which = (rest.split() or ["open"])[0].lower()
    if which not in ("open", "overdue", "mine", "urgent"):
        await ctx.say(t("staff.list_bad_filter"))
        return
    q = Ticket.filter(status__in=[s.value for s in ACTIVE_STATUSES])
    q = incident_reports.households_apart(q)
    q = visible(ctx.staff, q)
    if which == "overdue":
        q = q.filter(deadline_at__lte=now(), status__in=[s.value for s in OPEN_STATUSES])
    elif which == "mine":
        q = q.filter(assignee_id=ctx.staff.id)
    elif which == "urgent":
        q = q.filter(urgent=True)
    tickets = await q.using_db(ctx.conn).order_by("deadline_at", "id").limit(50)
    title = t(f"staff.list.{which}")
    if not tickets:
        await ctx.say(t("staff.list_empty", title=title))
        return
    units = {
        u.id: u.label
        for u in await Unit.filter(id__in=[x.unit_id for x in tickets if x.unit_id]).using_db(
            ctx.conn
        )
    }
    lines = [t("staff.list_header", title=title, count=len(tickets))]
    for x in tickets:
        flags = ""
        if x.urgent:
            flags += " ❗"
        if x.deadline_at and x.deadline_at <= now():
            flags += " ⏰"
        lines.append(
            t(
                "staff.list_line",
                number=x.number,
                icon=labels.KIND_ICONS.get(x.kind, ""),
                kind=labels.kind_label(x.kind),
                status=t(f"staff.status.{x.status}"),
                unit=labels.listed_unit(x, units.get(x.unit_id)),
                summary=x.summary,
                flags=flags,
            )
        )
    await ctx.say("\n".join(lines))


async def show_ticket(ctx: Ctx, ticket: Ticket) -> None:
    text, _ = await notify.render_card(ticket, ctx.conn)
    tz = env().config.tz
    events = await ticket.events.all().using_db(ctx.conn).order_by("id")
    lines = [text, ""]
    for e in events[-15:]:
        what = labels.EVENT_ZH.get(e.kind, e.kind)
        if e.to_status:
            what = f"{labels.RESIDENT_STATUS.get(e.to_status, (e.to_status,))[0]}"
        who = e.actor_name or {"resident": "业主", "system": "系统"}.get(e.actor_type, "")
        said = notify.staff_words(e.text, 60)
        lines.append(f"{e.at.astimezone(tz):%m-%d %H:%M} {who} {what} {said}".rstrip())
    await ctx.say("\n".join(lines))
