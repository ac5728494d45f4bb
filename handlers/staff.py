"""Staff in their chats: buttons on ticket cards, slash commands, and replies to cards
and relayed messages. Only registered staff may act; everyone else gets a polite
refusal, and every command about a ticket is written into its history."""

from __future__ import annotations

import logging

from tortoise.backends.base.client import BaseDBAsyncClient

from handlers import console_auth, incident_actions, incident_card, notify
from handlers.context import Incoming, Outcome, env, row_id
from handlers.permissions import may_act
from handlers.staff_actions import ACTIONS, NEEDS_TEXT, Ctx, assign, mark_reported, t
from handlers.staff_queries import list_tickets, show_ticket
from handlers.tickets import find_ticket
from models.domain.clock import now
from models.domain.lifecycle import EventKind
from models.outbox import transaction
from models.storage.db import staff_member
from models.tables import GroupCard, Staff, Ticket
from models.tickets import record_event

log = logging.getLogger(__name__)


STAFF_BUTTONS = ("claim", "resolve", "escalate", "slotok")


STAFF_COMMANDS = (
    "claim",
    "assign",
    "resolve",
    "close",
    "cancel",
    "slot",
    "kind",
    "reopen",
    "note",
    "eta",
    "sensitive",
    "list",
    "show",
    "help",
    "console",
)


async def find_staff(
    platform: str, sender_id: str, conn: BaseDBAsyncClient | None = None
) -> Staff | None:
    return await staff_member(platform, sender_id, conn)


async def handle_button(msg: Incoming, staff: Staff | None) -> Outcome:
    action, _, arg = (msg.button or "").partition(":")
    if staff is None:
        return Outcome(callback_answer=t("staff.not_staff"))
    async with transaction(join=True) as conn:
        ticket = await Ticket.get_or_none(id=row_id(arg)).using_db(conn) if row_id(arg) else None
        if ticket is None or not may_act(staff, ticket):
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
        if name == "console":
            await console_link(ctx)
            return Outcome()
        if name == "list":
            if staff is None:
                await ctx.say(t("staff.not_staff"))
            else:
                await list_tickets(ctx, rest)
            return Outcome()
        if name not in STAFF_COMMANDS:
            await ctx.say(
                t("staff.unknown_command", command=name) if staff else t("staff.not_staff")
            )
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
        if staff is None:  # nobody acted: logged for the operator, not on the ticket
            log.warning("refused %s from %s:%s (not staff)", name, msg.platform, msg.sender_id)
            await ctx.say(t("staff.not_staff"))
            return Outcome()
        if ticket is None or not may_act(staff, ticket):
            # another community's ticket is, to this staff member, a ticket that is not there
            await ctx.say(
                t("staff.no_ticket", ref=ref or ticket.number)
                if ref or ticket
                else t("staff.need_ticket", command=name)
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
            await show_ticket(ctx, ticket)
            return Outcome()
        if name == "assign":
            await assign(ctx, ticket, text)
            return Outcome()
        if name in NEEDS_TEXT and not text:
            what, sample = NEEDS_TEXT[name]
            await ctx.say(t("staff.need_text", what=what, command=name, sample=sample))
            return Outcome()
        reply = await ACTIONS[name](ctx, ticket, text)
        await ctx.say(reply)
        return Outcome()


async def unplaced_reply(msg: Incoming, staff: Staff) -> Outcome:
    """A reply to a bot message that stands for no ticket: said so, never silence."""
    async with transaction(join=True) as conn:
        await Ctx(msg, staff, conn).say(t("staff.reply_unplaced"))
    return Outcome()


async def handle_reply(msg: Incoming, staff: Staff, card: GroupCard) -> Outcome:
    """A steward answers a card or a relayed message: to the resident, signed; or,
    starting with //, an internal note."""
    async with transaction(join=True) as conn:
        ctx = Ctx(msg, staff, conn)
        ticket = await Ticket.get(id=card.ticket_id).using_db(conn)
        if not may_act(staff, ticket):
            await ctx.say(t("staff.no_ticket", ref=ticket.number))
            return Outcome()
        text = msg.text.strip()
        await mark_reported(ticket, conn)
        if text.startswith("//"):
            await record_event(
                ticket, EventKind.NOTE, ctx.actor, text[2:].strip(), {"internal": True}, conn=conn
            )
            await ctx.say(t("staff.noted", number=ticket.number))
            return Outcome()
        media = [{"platform": msg.platform, **m} for m in msg.media]
        await ctx.say(await reply_to_resident(ctx, ticket, text, media, msg.media))
        return Outcome()


async def reply_to_resident(
    ctx: Ctx, ticket: Ticket, text: str, media: list[dict], raw_media: list | None = None
) -> str:
    """A staff member's words (and photos) to the ticket's resident, signed with their
    name; the answer for the staff member. From a chat reply or from the console."""
    conn, staff = ctx.conn, ctx.staff
    if incident_card.is_incident(ticket) and text:  # an incident: to all its households
        return await incident_actions.reply_all(staff, ticket, text, conn)
    await mark_reported(ticket, conn)
    resident = await notify.resident_of(ticket, conn)
    if resident is None:
        return t("staff.no_ticket", ref=ticket.number)
    body = (
        env().texts(
            "staff_reply", resident.script, text=text, staff=staff.name, number=ticket.number
        )
        if text
        else ""
    )
    # photos travel between platforms: each sender fetches what it cannot name
    # (bot/channels/media.py) and says in words what its platform cannot show
    if not body and media:
        body = (
            env()
            .texts("staff_reply", resident.script, text="", staff=staff.name, number=ticket.number)
            .strip()
        )
    await notify.to_resident_raw(resident, body, ticket=ticket, conn=conn, media=media or None)
    await record_event(
        ticket,
        EventKind.MESSAGE_OUT,
        ctx.actor,
        text,
        {"media": raw_media if raw_media is not None else media, "to": "resident"},
        conn=conn,
    )
    # the resident's next words may answer it: they join this ticket (models.domain.intake)
    details = {**(ticket.details or {}), "staff_asked_at": now().isoformat()}
    await Ticket.filter(id=ticket.id).using_db(conn).update(updated_at=now(), details=details)
    return t("staff.sent_to_resident", number=ticket.number)


async def console_link(ctx: Ctx) -> None:
    """``/console``: a one-time sign-in link to the web console, in a private chat only
    (a group would hand it to everyone in it)."""
    if ctx.staff is None:
        await ctx.say(t("staff.not_staff"))
    elif not ctx.msg.is_private:
        await ctx.say(t("staff.console_private"))
    else:
        url = await console_auth.link_for_chat(ctx.msg, ctx.staff, ctx.conn)
        await ctx.say(t("staff.console_link", url=url, minutes=console_auth.LINK_MINUTES))
