"""Staff: buttons on ticket cards, replies to cards and relayed messages, and slash
commands. Only registered staff may act; everyone else gets a polite refusal, and
every command about a ticket is written into its history."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient

from handlers import notify
from handlers.core import Incoming, Outcome, env
from handlers.intake import RESIDENT_STATUS, find_ticket
from models.domain.clock import now
from models.domain.lifecycle import Actor, EventKind, IllegalTransition
from models.domain.ticket import ACTIVE_STATUSES, OPEN_STATUSES
from models.outbox import queue_message, transaction
from models.storage.db import staff_member, unit_label
from models.tables import GroupCard, Staff, Status, Ticket, Unit
from models.tickets import record_event
from models.tickets import transition as lifecycle_transition

log = logging.getLogger(__name__)

STAFF_BUTTONS = ("claim", "resolve", "escalate")
STAFF_COMMANDS = (
    "claim",
    "assign",
    "resolve",
    "close",
    "reopen",
    "note",
    "eta",
    "sensitive",
    "list",
    "show",
    "help",
)


async def find_staff(
    platform: str, sender_id: str, conn: BaseDBAsyncClient | None = None
) -> Staff | None:
    return await staff_member(platform, sender_id, conn)


@dataclass
class Ctx:
    msg: Incoming
    staff: Staff | None
    conn: BaseDBAsyncClient

    @property
    def actor(self) -> Actor:
        assert self.staff is not None
        return Actor.staff(self.staff.id, self.staff.name)

    async def say(self, text: str) -> None:
        """Answer in the chat where staff acted."""
        await queue_message(
            self.msg.platform, self.msg.chat_id, text, conn=self.conn, reply_to=self.msg.message_id
        )


def t(key: str, **values) -> str:
    return env().texts(key, "hans", **values)


# -- entry points ------------------------------------------------------------------------
async def handle_button(msg: Incoming, staff: Staff | None) -> Outcome:
    action, _, arg = (msg.button or "").partition(":")
    if staff is None:
        return Outcome(callback_answer=t("staff.not_staff"))
    async with transaction(join=True) as conn:
        ticket = await Ticket.get_or_none(id=int(arg)).using_db(conn) if arg.isdigit() else None
        if ticket is None:
            return Outcome(callback_answer=t("staff.no_ticket", ref=arg))
        ctx = Ctx(msg, staff, conn)
        await record_event(
            ticket,
            EventKind.COMMAND,
            ctx.actor,
            f"button {action}",
            {"chat": msg.chat_id, "platform": msg.platform},
            conn=conn,
        )
        result = await ACTIONS[action](ctx, ticket, "")
        return Outcome(callback_answer=result)


async def handle_command(msg: Incoming, staff: Staff | None) -> Outcome:
    name, rest = msg.command or ("help", "")
    async with transaction(join=True) as conn:
        ctx = Ctx(msg, staff, conn)
        if name == "help":
            await ctx.say(t("staff.help") if staff else t("staff.not_staff"))
            return Outcome()
        if name == "list":
            if staff is None:
                await ctx.say(t("staff.not_staff"))
            else:
                await _list(ctx, rest)
            return Outcome()
        ref, _, text = rest.partition(" ")
        ticket = await find_ticket(ref, conn) if ref else None
        if ticket is None and msg.reply_to:
            card = await GroupCard.get_or_none(
                platform=msg.platform, chat_id=msg.chat_id, message_id=msg.reply_to
            ).using_db(conn)
            if card is not None:
                ticket = await Ticket.get(id=card.ticket_id).using_db(conn)
                text = rest  # no number given: everything after the command is the text
        if staff is None:
            if ticket is not None:
                await record_event(
                    ticket,
                    EventKind.COMMAND,
                    Actor("unknown", msg.sender_id),
                    msg.text[:500],
                    {"refused": "not staff"},
                    conn=conn,
                )
            await ctx.say(t("staff.not_staff"))
            return Outcome()
        if ticket is None:
            await ctx.say(
                t("staff.no_ticket", ref=ref) if ref else t("staff.need_ticket", command=name)
            )
            return Outcome()
        await record_event(
            ticket,
            EventKind.COMMAND,
            ctx.actor,
            msg.text[:500],
            {"chat": msg.chat_id, "platform": msg.platform},
            conn=conn,
        )
        text = text.strip()
        if name == "show":
            await _show(ctx, ticket)
            return Outcome()
        if name == "assign":
            await _assign(ctx, ticket, text)
            return Outcome()
        if name in NEEDS_TEXT and not text:
            what, sample = NEEDS_TEXT[name]
            await ctx.say(t("staff.need_text", what=what, command=name, sample=sample))
            return Outcome()
        reply = await ACTIONS[name](ctx, ticket, text)
        await ctx.say(reply)
        return Outcome()


async def handle_reply(msg: Incoming, staff: Staff, card: GroupCard) -> Outcome:
    """A steward answers a card or a relayed message: to the resident, signed; or,
    starting with //, an internal note."""
    async with transaction(join=True) as conn:
        ctx = Ctx(msg, staff, conn)
        ticket = await Ticket.get(id=card.ticket_id).using_db(conn)
        text = msg.text.strip()
        await mark_reported(ticket, conn)
        if text.startswith("//"):
            await record_event(
                ticket, EventKind.NOTE, ctx.actor, text[2:].strip(), {"internal": True}, conn=conn
            )
            await ctx.say(t("staff.noted", number=ticket.number))
            return Outcome()
        resident = await notify.resident_of(ticket, conn)
        if resident is None:
            await ctx.say(t("staff.no_ticket", ref=ticket.number))
            return Outcome()
        body = (
            env().texts(
                "staff_reply", resident.script, text=text, staff=staff.name, number=ticket.number
            )
            if text
            else ""
        )
        # photos travel between platforms: each sender fetches what it cannot name
        # (bot/channels/media.py) and says in words what its platform cannot show
        media = [{"platform": msg.platform, **m} for m in msg.media]
        if not body and media:
            body = (
                env()
                .texts(
                    "staff_reply", resident.script, text="", staff=staff.name, number=ticket.number
                )
                .strip()
            )
        await notify.to_resident_raw(resident, body, ticket=ticket, conn=conn, media=media or None)
        await record_event(
            ticket,
            EventKind.MESSAGE_OUT,
            ctx.actor,
            text,
            {"media": msg.media, "to": "resident"},
            conn=conn,
        )
        await Ticket.filter(id=ticket.id).using_db(conn).update(updated_at=now())
        await ctx.say(t("staff.sent_to_resident", number=ticket.number))
        return Outcome()


# -- actions -----------------------------------------------------------------------------


async def _move(
    ctx: Ctx, ticket: Ticket, to: Status, action_zh: str, text: str = "", **updates
) -> str | None:
    """Transition or explain why not (the polite refusal is returned)."""
    try:
        await lifecycle_transition(ticket, to, ctx.actor, text, conn=ctx.conn, **updates)
    except IllegalTransition as e:
        return t(
            "staff.cannot",
            number=ticket.number,
            status=t(f"staff.status.{e.current}"),
            action=action_zh,
        )
    return None


async def _act(
    ctx: Ctx,
    ticket: Ticket,
    to: Status,
    action_zh: str,
    text: str,
    resident_key: str,
    done_key: str,
    **updates,
) -> str:
    """A staff action that moves the ticket: transition (or a polite refusal), the
    card shows it, the resident is told (held through quiet hours unless urgent)."""
    refusal = await _move(ctx, ticket, to, action_zh, text, **updates)
    if refusal:
        return refusal
    await notify.refresh_card(ticket, ctx.conn)
    values = {
        "number": ticket.number,
        "staff": ctx.staff.name,
        "name": ctx.staff.name,
        "result": text,
        "reason": text,
    }
    resident = await notify.resident_of(ticket, ctx.conn)
    if resident is not None:
        await notify.to_resident(
            resident,
            resident_key,
            ticket=ticket,
            conn=ctx.conn,
            proactive=True,
            urgent=ticket.urgent,
            **values,
        )
    return t(done_key, **values)


async def claim(ctx: Ctx, ticket: Ticket, _text: str) -> str:
    if ticket.status == Status.CLAIMED and ticket.assignee_id == ctx.staff.id:
        return t("staff.claimed", name=ctx.staff.name, number=ticket.number)
    return await _act(
        ctx,
        ticket,
        Status.CLAIMED,
        "接单",
        "",
        "claimed_notice",
        "staff.claimed",
        assignee_id=ctx.staff.id,
    )


async def resolve(ctx: Ctx, ticket: Ticket, result: str) -> str:
    updates = {} if ticket.assignee_id else {"assignee_id": ctx.staff.id}
    return await _act(
        ctx,
        ticket,
        Status.RESOLVED,
        "标记已处理",
        result or "已处理",
        "resolved_notice" if result else "resolved_notice_plain",
        "staff.resolved",
        **updates,
    )


async def close(ctx: Ctx, ticket: Ticket, reason: str) -> str:
    return await _act(ctx, ticket, Status.CLOSED, "办结", reason, "closed_notice", "staff.closed")


async def reopen(ctx: Ctx, ticket: Ticket, reason: str) -> str:
    return await _act(
        ctx, ticket, Status.REOPENED, "重开", reason, "reopened_notice", "staff.reopened"
    )


async def note(ctx: Ctx, ticket: Ticket, text: str) -> str:
    await record_event(ticket, EventKind.NOTE, ctx.actor, text, {"internal": True}, conn=ctx.conn)
    await mark_reported(ticket, ctx.conn)
    return t("staff.noted", number=ticket.number)


async def eta(ctx: Ctx, ticket: Ticket, when: str) -> str:
    """The expected completion date a steward gives, relayed to the resident once."""
    resident = await notify.resident_of(ticket, ctx.conn)
    if resident is not None:
        await notify.to_resident(
            resident,
            "eta_notice",
            number=ticket.number,
            eta=when,
            staff=ctx.staff.name,
            ticket=ticket,
            conn=ctx.conn,
        )
    await record_event(ticket, EventKind.MESSAGE_OUT, ctx.actor, when, {"eta": when}, conn=ctx.conn)
    await mark_reported(ticket, ctx.conn)
    return t("staff.eta_relayed", number=ticket.number, eta=when)


async def sensitive(ctx: Ctx, ticket: Ticket, reason: str) -> str:
    """Sensitive cases get no follow-up (WORKFLOWS.md)."""
    from models.domain.deadlines import NO_CLOCK

    clock = NO_CLOCK if ticket.due_kind == "followup" else {}
    await Ticket.filter(id=ticket.id).using_db(ctx.conn).update(sensitive=True, **clock)
    ticket.sensitive = True
    await record_event(
        ticket,
        EventKind.NOTE,
        ctx.actor,
        reason or "marked sensitive",
        {"sensitive": True},
        conn=ctx.conn,
    )
    return t("staff.no_followup", number=ticket.number, what="敏感事项")


async def mark_reported(ticket: Ticket, conn: BaseDBAsyncClient) -> None:
    """A steward's first word on a complaint is its report-back (the 4 h clock)."""
    if ticket.kind != "complaint" or ticket.reported_at is not None:
        return
    from models.domain.deadlines import after_report_back

    at = now()
    ticket.reported_at = at
    clock = after_report_back(ticket, at) if ticket.due_kind == "report_back" else {}
    await Ticket.filter(id=ticket.id).using_db(conn).update(reported_at=at, **clock)
    for name, value in clock.items():
        setattr(ticket, name, value)


async def escalate(ctx: Ctx, ticket: Ticket, reason: str) -> str:
    level = min(2, ticket.escalation_level + 1)
    if level == ticket.escalation_level:
        return t(
            "staff.escalated",
            level=t("staff.level.2"),
            number=ticket.number,
            unit="",
            summary=ticket.summary,
            actor=ctx.staff.name,
            reason="",
        )
    await escalate_to(ticket, level, ctx.actor, reason, ctx.conn)
    return t("staff.card_escalation", level=t(f"staff.level.{level}")).strip()


async def escalate_to(
    ticket: Ticket, level: int, actor: Actor, reason: str, conn: BaseDBAsyncClient
) -> None:
    """Climb the ladder (1 supervisor, 2 manager): recorded, announced once."""
    changed = (
        await Ticket.filter(id=ticket.id, escalation_level__lt=level)
        .using_db(conn)
        .update(escalation_level=level, updated_at=now())
    )
    if not changed:
        return
    ticket.escalation_level = level
    await record_event(ticket, EventKind.ESCALATED, actor, reason, {"level": level}, conn=conn)
    unit = await unit_label(ticket.unit_id, conn) or "未登记"
    text = t(
        "staff.escalated",
        level=t(f"staff.level.{level}"),
        number=ticket.number,
        unit=unit,
        summary=ticket.summary,
        actor=actor.name if actor.type == "staff" else "系统",
        reason=reason,
    )
    await notify.tell_staff(
        ticket, text, conn, supervisors=True, urgent=ticket.urgent, proactive=True
    )
    if level >= 2:
        await notify.to_managers(text, conn, ticket=ticket, urgent=ticket.urgent)
    await notify.refresh_card(ticket, conn)


ACTIONS: dict[str, Callable[[Ctx, Ticket, str], Awaitable[str]]] = {
    "claim": claim,
    "resolve": resolve,
    "close": close,
    "reopen": reopen,
    "note": note,
    "escalate": escalate,
    "eta": eta,
    "sensitive": sensitive,
}
NEEDS_TEXT = {
    "resolve": ("处理结果", "已更换水龙头"),
    "close": ("办结原因", "业主确认已解决"),
    "reopen": ("重开原因", "业主反映仍然漏水"),
    "note": ("备注内容", "已联系业主约明早上门"),
    "eta": ("预计完成时间", "11月26日下午"),
}


async def _assign(ctx: Ctx, ticket: Ticket, who: str) -> None:
    name = who.strip().lstrip("@").strip()
    target = await Staff.filter(name=name, active=True).using_db(ctx.conn).first() if name else None
    if target is None:
        await ctx.say(t("staff.unknown_person", who=name or "?"))
        return
    if ticket.status in (Status.DISPATCHED, Status.REOPENED):
        refusal = await _move(
            ctx, ticket, Status.CLAIMED, "指派", f"assigned to {target.name}", assignee_id=target.id
        )
        if refusal:
            await ctx.say(refusal)
            return
    elif ticket.status in (Status.CLAIMED,):
        await (
            Ticket.filter(id=ticket.id)
            .using_db(ctx.conn)
            .update(assignee_id=target.id, updated_at=now())
        )
        ticket.assignee_id = target.id
    else:
        await ctx.say(
            t(
                "staff.cannot",
                number=ticket.number,
                status=t(f"staff.status.{ticket.status}"),
                action="指派",
            )
        )
        return
    await record_event(
        ticket, EventKind.ASSIGNED, ctx.actor, target.name, {"staff_id": target.id}, conn=ctx.conn
    )
    await notify.refresh_card(ticket, ctx.conn)
    await ctx.say(t("staff.assigned", number=ticket.number, name=target.name))


async def _list(ctx: Ctx, rest: str) -> None:
    which = (rest.split() or ["open"])[0].lower()
    if which not in ("open", "overdue", "mine", "urgent"):
        await ctx.say(t("staff.list_bad_filter"))
        return
    q = Ticket.filter(status__in=[s.value for s in ACTIVE_STATUSES])
    if ctx.staff.community_id is not None:
        q = q.filter(community_id=ctx.staff.community_id)
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
                icon=notify.KIND_ICONS.get(x.kind, ""),
                kind=notify.kind_label(x.kind),
                status=t(f"staff.status.{x.status}"),
                unit=units.get(x.unit_id, "-"),
                summary=x.summary,
                flags=flags,
            )
        )
    await ctx.say("\n".join(lines))


async def _show(ctx: Ctx, ticket: Ticket) -> None:
    text, _ = await notify.render_card(ticket, ctx.conn)
    tz = env().config.tz
    events = await ticket.events.all().using_db(ctx.conn).order_by("id")
    lines = [text, ""]
    for e in events[-15:]:
        what = e.kind
        if e.to_status:
            what = f"{RESIDENT_STATUS.get(e.to_status, (e.to_status,))[0]}"
        who = e.actor_name or {"resident": "业主", "system": "系统"}.get(e.actor_type, "")
        lines.append(f"{e.at.astimezone(tz):%m-%d %H:%M} {who} {what} {e.text[:60]}".rstrip())
    await ctx.say("\n".join(lines))
