"""Staff commands and buttons for notices and incidents.

    /notice 范围 [类别] 内容     draft a notice; the answer says who will get it, with buttons
    /notice send N | cancel N   the same as the buttons
    /notice show N | list       a notice's delivery report; the latest notices
    /link 事件 工单…            the tickets join the incident (a ticket given first becomes one)
    /split 工单                 a report leaves its incident (or press 拆出事件 on its card)
    /incident 工单              an incident's card and its households

Buttons: ``notice:send:N``, ``notice:cancel:N``, ``inc:split:TICKET``,
``inc:link:TICKET:INCIDENT``. Who may act is ``handlers.permissions``' rule.
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from handlers import incident_actions, labels, notices, notify
from handlers.context import Incoming, Outcome, env
from handlers.incident_card import is_incident
from handlers.notice_report import notice_report, render_report
from handlers.permissions import may_act
from handlers.staff_actions import Ctx
from handlers.tickets import find_ticket
from models.outbox import queue_message, transaction
from models.storage.db import unit_label
from models.tables import GroupCard, Incident, IncidentReport, Notice, Staff, Ticket

COMMANDS = ("notice", "link", "split", "incident")
BUTTONS = ("notice", "inc")


def t(key: str, **values) -> str:
    return env().texts(key, "hans", **values)


def _number(ref: str) -> int | None:
    ref = ref.strip().upper().lstrip("#N")
    return int(ref) if ref.isdigit() else None


async def handle_command(msg: Incoming, staff: Staff | None) -> Outcome:
    name, rest = msg.command or ("", "")
    async with transaction(join=True) as conn:
        ctx = Ctx(msg, staff, conn)
        if staff is None:
            await ctx.say(t("staff.not_staff"))
            return Outcome()
        if name == "notice":
            await _notice(ctx, rest.strip())
        elif name == "link":
            await _link(ctx, rest.split())
        else:
            ticket = await _ticket(ctx, rest.split()[:1])
            if ticket is not None and name == "split":
                await ctx.say(await incident_actions.split(staff, ticket, conn))
            elif ticket is not None:
                await ctx.say(await _show(ticket, conn))
    return Outcome()


async def handle_button(msg: Incoming, staff: Staff | None) -> Outcome:
    action, _, arg = (msg.button or "").partition(":")
    what, _, ref = arg.partition(":")
    if staff is None:
        return Outcome(callback_answer=t("staff.not_staff"))
    async with transaction(join=True) as conn:
        ctx = Ctx(msg, staff, conn)
        if action == "notice" and ref.isdigit():
            if what == "send":
                reply = await notices.send(int(ref), staff, conn, pressed=msg)
            else:
                reply = await notices.cancel(int(ref), staff, conn, pressed=msg)
            if isinstance(reply, notices.Settled):
                await ctx.close_card(reply)
            else:
                await ctx.say(reply)
            return Outcome(callback_answer=t("staff.button_done"))
        ticket_ref, _, incident_ref = ref.partition(":")
        ticket = (
            await Ticket.get_or_none(id=int(ticket_ref)).using_db(conn)
            if ticket_ref.isdigit()
            else None
        )
        if ticket is None or not may_act(staff, ticket):
            return Outcome(callback_answer=t("staff.no_ticket", ref=ticket_ref))
        if what == "split":
            reply = await incident_actions.split(staff, ticket, conn)
        else:
            incident = await Incident.get_or_none(id=int(incident_ref or 0)).using_db(conn)
            if incident is None:
                return Outcome(callback_answer=t("staff.no_ticket", ref=incident_ref))
            parent = await Ticket.get(id=incident.ticket_id).using_db(conn)
            reply = await incident_actions.link(staff, parent, [ticket], conn)
        await ctx.say(reply)
        return Outcome(callback_answer=t("staff.button_done"))


async def _notice(ctx: Ctx, rest: str) -> None:
    word, _, arg = rest.partition(" ")
    word = {"确认": "send", "发送": "send", "取消": "cancel", "查看": "show", "列表": "list"}.get(
        word, word.lower()
    )
    if word in ("send", "cancel", "show") and _number(arg) is None:
        await ctx.say(t("staff.notice_usage"))
        return
    if word == "send":
        await ctx.say(await notices.send(_number(arg), ctx.staff, ctx.conn))
    elif word == "cancel":
        await ctx.say(await notices.cancel(_number(arg), ctx.staff, ctx.conn))
    elif word == "show":
        notice = await Notice.get_or_none(id=_number(arg)).using_db(ctx.conn)
        report = (
            await notice_report(notice.id, ctx.conn) if notices.may_see(ctx.staff, notice) else None
        )
        await ctx.say(render_report(report) if report else t("staff.notice_unknown", id=arg))
    elif word == "list":
        await ctx.say(await _list(ctx.staff, ctx.conn))
    elif not rest:
        await ctx.say(t("staff.notice_usage"))
    else:
        text, buttons = await notices.draft(
            ctx.staff, ctx.msg.platform, ctx.msg.chat_id, rest, ctx.conn
        )
        await queue_message(
            ctx.msg.platform,
            ctx.msg.chat_id,
            text,
            buttons=buttons,
            reply_to=ctx.msg.message_id,
            conn=ctx.conn,
        )


async def _list(staff: Staff, conn: BaseDBAsyncClient) -> str:
    q = Notice.all()
    if staff.community_id is not None:
        q = q.filter(community_id=staff.community_id)
    found = await q.using_db(conn).order_by("-id").limit(10)
    if not found:
        return t("staff.notice_list_empty")
    lines = [t("staff.notice_list_header")]
    tz = env().config.tz
    for notice in found:
        lines.append(
            t(
                "staff.notice_list_line",
                id=notice.id,
                when=f"{notice.created_at.astimezone(tz):%m-%d %H:%M}",
                targets=notice.target_label,
                kind=t(f"staff.notice_kind.{notice.kind}"),
                status=t(f"staff.notice_status.{notice.status}"),
                residents=notice.recipients,
            )
        )
    return "\n".join(lines)


async def _ticket(ctx: Ctx, refs: list[str]) -> Ticket | None:
    """The ticket a command names, or the card it replies to."""
    ticket = await find_ticket(refs[0], ctx.conn) if refs else None
    if ticket is None and ctx.msg.reply_to:
        card = await GroupCard.get_or_none(
            platform=ctx.msg.platform, chat_id=ctx.msg.chat_id, message_id=ctx.msg.reply_to
        ).using_db(ctx.conn)
        if card is not None:
            ticket = await Ticket.get(id=card.ticket_id).using_db(ctx.conn)
    if ticket is None or not may_act(ctx.staff, ticket):
        await ctx.say(t("staff.no_ticket", ref=refs[0]) if refs else t("staff.incident_usage"))
        return None
    return ticket


async def _link(ctx: Ctx, refs: list[str]) -> None:
    """``/link 事件 工单…``, or ``/link 事件`` in reply to a ticket's card."""
    if not refs:
        await ctx.say(t("staff.incident_usage"))
        return
    target = await _ticket(ctx, refs[:1])
    if target is None:
        return
    tickets = []
    for ref in refs[1:]:
        ticket = await find_ticket(ref, ctx.conn)
        if ticket is None or not may_act(ctx.staff, ticket):
            await ctx.say(t("staff.no_ticket", ref=ref))
            return
        tickets.append(ticket)
    if not tickets and ctx.msg.reply_to:
        card = await GroupCard.get_or_none(
            platform=ctx.msg.platform, chat_id=ctx.msg.chat_id, message_id=ctx.msg.reply_to
        ).using_db(ctx.conn)
        if card is not None and card.ticket_id != target.id:
            tickets.append(await Ticket.get(id=card.ticket_id).using_db(ctx.conn))
    if not tickets and is_incident(target):
        await ctx.say(t("staff.incident_usage"))
        return
    await ctx.say(await incident_actions.link(ctx.staff, target, tickets, ctx.conn))


async def _show(ticket: Ticket, conn: BaseDBAsyncClient) -> str:
    incident = await incident_actions.incident_of(ticket, conn)
    if incident is None:
        return t("staff.incident_not_member", number=ticket.number)
    parent = await Ticket.get(id=incident.ticket_id).using_db(conn)
    text, _ = await notify.render_card(parent, conn)
    rows = await IncidentReport.filter(incident_id=incident.id).using_db(conn).order_by("id")
    children = {
        x.id: x for x in await Ticket.filter(id__in=[r.ticket_id for r in rows[:50]]).using_db(conn)
    }
    units = []
    for row in rows[:50]:
        label = await unit_label(row.unit_id, conn) or "未登记"
        if row.ticket_id in children:
            label = labels.listed_unit(children[row.ticket_id], label)
        if label not in units:
            units.append(label)
    more = f" 等 {incident.households} 户" if incident.households > len(units) else ""
    return text + "\n" + t("staff.incident_households", units="、".join(units) + more)
