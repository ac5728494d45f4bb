"""What a staff member does to a ticket from the web console: the same actions as in
chat, through the same service code (``handlers.staff_actions``, ``handlers.staff``),
so each is the same event in the ticket's history, by that person, with the same
card edits and messages to the resident. The history's command event says it came
from the console. What the chat would answer the person is shown on the page."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from handlers import staff as staff_chat
from handlers import verification_staff
from handlers.context import Incoming
from handlers.permissions import may_act
from handlers.staff_actions import ACTIONS, NEEDS_TEXT, Ctx, assign, t
from handlers.tickets import by_number
from models.domain.lifecycle import EventKind
from models.outbox import transaction
from models.storage.db import unit_label
from models.tables import Staff, Ticket
from models.tickets import record_event

PLATFORM = "console"
COMMANDS = (*ACTIONS, "assign", "reply", "nature")
NATURES = ("effective", "communicative")


@dataclass
class ConsoleCtx(Ctx):
    """``Ctx`` whose answers are kept for the page instead of sent to a chat."""

    said: list[str] = field(default_factory=list)

    async def say(self, text: str) -> None:
        self.said.append(text)


def _incoming(staff: Staff, text: str) -> Incoming:
    return Incoming(
        platform=PLATFORM,
        key=f"console:{secrets.token_hex(8)}",
        chat_id=f"console:{staff.id}",
        sender_id=str(staff.id),
        text=text,
    )


async def act(staff: Staff, number: str, command: str, text: str = "") -> tuple[bool, str]:
    """Do ``command`` to the ticket: (done, what to tell the person). A ticket the
    person may not act on is, to them, a ticket that is not there."""
    text = text.strip()[:2000]
    if command not in COMMANDS:
        return False, "未知的操作"
    async with transaction() as conn:
        ticket = await by_number(number, conn)
        if ticket is None or not may_act(staff, ticket):
            return False, t("staff.no_ticket", ref=number)
        line = f"/{command} {ticket.number} {text}".strip()
        ctx = ConsoleCtx(_incoming(staff, line), staff, conn)
        if command in NEEDS_TEXT and not text:
            what, sample = NEEDS_TEXT[command]
            return False, f"请填写{what}（例如：{sample}）"
        if command == "reply" and not text:
            return False, "请填写要发给业主的内容"
        if command == "nature" and text not in NATURES:
            return False, "请选择有效投诉或沟通性投诉"
        await record_event(
            ticket,
            EventKind.COMMAND,
            ctx.actor,
            line[:500],
            {"platform": PLATFORM, "chat": ctx.msg.chat_id},
            conn=conn,
        )
        if command == "assign":
            await assign(ctx, ticket, text)
            answer = "\n".join(ctx.said)
        elif command == "reply":
            answer = await staff_chat.reply_to_resident(ctx, ticket, text, [])
        elif command == "nature":
            answer = await set_nature(ctx, ticket, text)
        else:
            answer = await ACTIONS[command](ctx, ticket, text)
    return True, answer


async def set_nature(ctx: Ctx, ticket: Ticket, nature: str) -> str:
    """定性: an effective or a communicative complaint (the monthly table counts both)."""
    if ticket.kind != "complaint":
        return "只有投诉需要定性"
    await Ticket.filter(id=ticket.id).using_db(ctx.conn).update(nature=nature)
    ticket.nature = nature
    label = {"effective": "有效投诉", "communicative": "沟通性投诉"}[nature]
    await record_event(
        ticket, EventKind.NOTE, ctx.actor, f"定性：{label}", {"nature": nature}, conn=ctx.conn
    )
    return f"工单 {ticket.number} 已定性为{label}"


async def contact(staff: Staff, number: str) -> tuple[str | None, str]:
    """The verified resident's registered phone, shown to this person only, and the
    request written into the ticket's history (the number itself never is)."""
    async with transaction() as conn:
        ticket = await by_number(number, conn)
        if ticket is None or not may_act(staff, ticket):
            return None, t("staff.no_ticket", ref=number)
        occupant, refusal = await verification_staff.contact_of(ticket, conn)
        if occupant is None:
            return None, t(refusal, number=ticket.number)
        ctx = ConsoleCtx(_incoming(staff, f"/contact {ticket.number}"), staff, conn)
        await record_event(
            ticket,
            EventKind.CONTACT,
            ctx.actor,
            f"业主联系方式已在网页后台显示给 {staff.name}",
            {"to_staff": staff.id, "platform": PLATFORM},
            conn=conn,
        )
        label = await unit_label(ticket.unit_id, conn)
        return f"{occupant.name} {occupant.phone}（{label}）", ""
