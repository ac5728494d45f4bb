"""What staff do to a ticket: claim, resolve, close, reopen, note, ETA, sensitive,
escalate, assign. Each is a transition (or a polite refusal), the card shows it, and
the resident is told what happened."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tortoise.backends.base.client import BaseDBAsyncClient

from handlers import incident_actions, notify
from handlers.escalation import escalate_to
from handlers.kind_correction import change_kind
from handlers.permissions import may_act
from handlers.staff_context import Ctx, t
from models.domain.clock import now
from models.domain.lifecycle import EventKind, IllegalTransition
from models.tables import Staff, Status, Ticket
from models.tickets import record_event
from models.tickets import transition as lifecycle_transition


async def move(
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


async def act(
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
    refusal = await move(ctx, ticket, to, action_zh, text, **updates)
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
    # issue 20: an incident's households move with it (handlers/incident_actions.py)
    done = await incident_actions.after_move(ctx.staff, ctx.actor, ticket, to, text, ctx.conn)
    return done or t(done_key, **values)


async def claim(ctx: Ctx, ticket: Ticket, _text: str) -> str:
    if ticket.status == Status.CLAIMED and ticket.assignee_id == ctx.staff.id:
        return t("staff.claimed", name=ctx.staff.name, number=ticket.number)
    return await act(
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
    return await act(
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
    return await act(ctx, ticket, Status.CLOSED, "办结", reason, "closed_notice", "staff.closed")


async def cancel(ctx: Ctx, ticket: Ticket, reason: str) -> str:
    """A ticket that is not work (a duplicate, a mistake): cancelled, the resident told why."""
    return await act(
        ctx, ticket, Status.CANCELLED, "取消", reason, "cancelled_by_staff", "staff.cancelled"
    )


async def confirm_slot(ctx: Ctx, ticket: Ticket, _text: str) -> str:
    """The cleaning team lead (组长) agrees the time the resident chose (or the one
    proposed with /slot and accepted): only now is the resident told it is agreed."""
    details = dict(ticket.details or {})
    if not details.get("slot"):
        return t("staff.no_slot", number=ticket.number)
    if not details.get("slot_confirmed"):
        details["slot_confirmed"] = ctx.staff.name
        ticket.details = details
        await Ticket.filter(id=ticket.id).using_db(ctx.conn).update(details=details)
        await record_event(
            ticket, EventKind.NOTE, ctx.actor, f"确认保洁时间：{details['slot']}", conn=ctx.conn
        )
        await _slot_to_resident(ctx, ticket, "slot_confirmed", details["slot"])
    return t("staff.slot_confirmed", number=ticket.number, slot=details["slot"])


async def propose_slot(ctx: Ctx, ticket: Ticket, when: str) -> str:
    """The team lead cannot come then: another time goes to the resident, whose answer
    comes back to the card; the team lead confirms it with the button."""
    details = {**(ticket.details or {}), "slot": when[:40], "staff_asked_at": now().isoformat()}
    details.pop("slot_confirmed", None)
    ticket.details = details
    await Ticket.filter(id=ticket.id).using_db(ctx.conn).update(details=details)
    await record_event(
        ticket, EventKind.MESSAGE_OUT, ctx.actor, f"建议保洁时间：{when}", conn=ctx.conn
    )
    await _slot_to_resident(ctx, ticket, "slot_proposed", when[:40])
    return t("staff.slot_proposed", number=ticket.number, slot=when[:40])


async def _slot_to_resident(ctx: Ctx, ticket: Ticket, key: str, slot: str) -> None:
    """The card shows the time as it now stands; the resident reads it, with who set it."""
    await notify.refresh_card(ticket, ctx.conn)
    resident = await notify.resident_of(ticket, ctx.conn)
    if resident is not None:
        await notify.to_resident(
            resident,
            key,
            slot=slot,
            staff=ctx.staff.name,
            number=ticket.number,
            ticket=ticket,
            conn=ctx.conn,
        )


async def reopen(ctx: Ctx, ticket: Ticket, reason: str) -> str:
    return await act(
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
    ticket.details = {**(ticket.details or {}), "eta": when}  # told again when they ask
    await Ticket.filter(id=ticket.id).using_db(ctx.conn).update(details=ticket.details)
    await mark_reported(ticket, ctx.conn)
    return t("staff.eta_relayed", number=ticket.number, eta=when)


async def sensitive(ctx: Ctx, ticket: Ticket, reason: str) -> str:
    """Sensitive cases get no follow-up (docs/domain.md)."""
    from models.domain.deadlines import NO_CLOCK

    clock = NO_CLOCK if ticket.due_kind == "followup" else {}
    await Ticket.filter(id=ticket.id).using_db(ctx.conn).update(sensitive=True, **clock)
    ticket.sensitive = True
    await record_event(
        ticket,
        EventKind.NOTE,
        ctx.actor,
        reason or "标记为敏感事项",
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


ACTIONS: dict[str, Callable[[Ctx, Ticket, str], Awaitable[str]]] = {
    "claim": claim,
    "resolve": resolve,
    "close": close,
    "cancel": cancel,
    "slotok": confirm_slot,
    "slot": propose_slot,
    "reopen": reopen,
    "note": note,
    "escalate": escalate,
    "eta": eta,
    "sensitive": sensitive,
    "kind": change_kind,
}


NEEDS_TEXT = {
    "resolve": ("处理结果", "已更换水龙头"),
    "close": ("办结原因", "业主确认已解决"),
    "cancel": ("取消原因", "与 0006 重复"),
    "slot": ("建议的保洁时间", "11-26 14:00-16:00"),
    "reopen": ("重开原因", "业主反映仍然漏水"),
    "note": ("备注内容", "已联系业主约明早上门"),
    "eta": ("预计完成时间", "11月26日下午"),
    "kind": ("正确的类别（报修、投诉、保洁、咨询）", "投诉"),
}


async def assign(ctx: Ctx, ticket: Ticket, who: str) -> None:
    name = who.strip().lstrip("@").strip()
    target = await Staff.filter(name=name, active=True).using_db(ctx.conn).first() if name else None
    if target is None or not may_act(target, ticket):  # nobody of that name serves there
        await ctx.say(t("staff.unknown_person", who=name or "?"))
        return
    if ticket.status in (Status.DISPATCHED, Status.REOPENED):
        refusal = await move(
            ctx, ticket, Status.CLAIMED, "指派", f"指派给 {target.name}", assignee_id=target.id
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
    # the assignee hears it in their own chat (a reply there acts on the ticket), and the
    # resident who is now coming
    await notify.to_staff_member(
        target,
        t(
            "staff.assigned_to_you",
            number=ticket.number,
            by=ctx.staff.name,
            unit=await notify.unit_text(ticket, ctx.conn),
            summary=ticket.summary,
        ),
        ticket,
        ctx.conn,
    )
    resident = await notify.resident_of(ticket, ctx.conn)
    if resident is not None:
        await notify.to_resident(
            resident,
            "assigned_notice",
            number=ticket.number,
            staff=target.name,
            ticket=ticket,
            conn=ctx.conn,
            proactive=True,
            urgent=ticket.urgent,
        )
