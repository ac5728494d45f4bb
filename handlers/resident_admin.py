"""Staff and the residents of a unit: who is bound where (/residents UNIT), a check on
request (/verify R12 posts the steward's card here), revoking a binding (/revoke R12:
the tenant moved out, the phone changed hands), and a resident's phone given to one
staff member on request (/contact N), privately and recorded on the ticket."""

from __future__ import annotations

import logging

from handlers import notify, verification, verification_staff
from handlers.context import Incoming, Outcome, env, row_id
from handlers.permissions import may_act
from handlers.staff_actions import Ctx, t
from handlers.tickets import find_ticket
from models.domain.lifecycle import EventKind
from models.domain.register import mask_phone
from models.outbox import queue_message, transaction
from models.storage.db import community_row, unit_label
from models.tables import Occupant, Resident, Staff, Ticket, Unit, UnitClaim
from models.tickets import record_event
from models.units import find_units

COMMANDS = ("residents", "verify", "revoke", "contact")
PLATFORM_ZH = {"telegram": "Telegram", "wechat": "微信"}
log = logging.getLogger(__name__)


async def handle(msg: Incoming, staff: Staff | None) -> Outcome:
    name, rest = msg.command or ("", "")
    async with transaction(join=True) as conn:
        ctx = Ctx(msg, staff, conn)
        if staff is None:
            await ctx.say(t("staff.not_staff"))
        elif name == "residents":
            await residents(ctx, rest)
        elif name == "contact":
            await contact(ctx, rest)
        else:
            resident = await _resident(ctx, rest)
            if resident is not None and name == "verify":
                claim = await verification._claim(resident, conn)
                await verification.ask_steward(
                    resident, claim, "no_phone", conn, chat=(msg.platform, msg.chat_id)
                )
            elif resident is not None:
                await revoke(ctx, resident)
    return Outcome()


async def _resident(ctx: Ctx, ref: str) -> Resident | None:
    ref = ref.strip().upper().removeprefix("R")
    resident = (
        await Resident.get_or_none(id=row_id(ref)).using_db(ctx.conn) if row_id(ref) else None
    )
    if resident is not None and resident.unit_id is not None:
        if ctx.staff.community_id in (
            None,
            await verification_staff.unit_community(resident.unit_id, ctx.conn),
        ):
            return resident
    await ctx.say(t("staff.no_resident", ref=ref or "?"))
    return None


async def residents(ctx: Ctx, text: str) -> None:
    """The register's people of a unit (phones masked) and the chat residents bound to
    it, verified or not."""
    config = env().config
    found: list[Unit] = []
    for c in config.communities:
        community = await community_row(code=c.code, conn=ctx.conn)
        if ctx.staff.community_id in (None, community.id) and text.strip():
            units = await find_units(text, community, c, ctx.conn)
            found += [u for u in units if isinstance(u, Unit)]
    if len(found) != 1:
        await ctx.say(t("staff.residents_none", unit=text.strip()))
        return
    unit = found[0]
    lines = [t("staff.residents_header", unit=unit.label)]
    for o in await Occupant.filter(unit_id=unit.id).using_db(ctx.conn).order_by("id"):
        role = env().texts(f"role.{o.role}")
        lines.append(
            t("staff.residents_register", name=o.name, role=role, phone=mask_phone(o.phone))
        )
    for r in await Resident.filter(unit_id=unit.id).using_db(ctx.conn).order_by("id"):
        claim = await UnitClaim.get_or_none(resident_id=r.id).using_db(ctx.conn)
        verified = claim is not None and claim.verified_at and claim.unit_id == unit.id
        state = "已核实" if verified else "未核实"
        lines.append(
            t(
                "staff.residents_bound",
                resident=r.id,
                platform=PLATFORM_ZH.get(r.platform, r.platform),
                state=state,
            )
        )
    await ctx.say("\n".join(lines))


async def revoke(ctx: Ctx, resident: Resident) -> None:
    """The resident is no longer bound to their unit (they may claim one again)."""
    label = await unit_label(resident.unit_id, ctx.conn)
    await verification_staff.unbind(resident, ctx.conn)
    await notify.to_resident(resident, "binding_revoked", unit=label, conn=ctx.conn)
    await ctx.say(t("staff.revoked", resident=resident.id, unit=label, staff=ctx.staff.name))


async def contact(ctx: Ctx, ref: str) -> None:
    """A phone number, to the asking staff member's own chat only: the verified
    resident's of ticket N (recorded on the ticket), or the register's people of the unit
    resident R12 claims (so a steward can call them before verifying; logged)."""
    word = ref.split()[0] if ref.strip() else ""
    if word[:1] in ("R", "r") and word[1:].isdigit():
        await register_contact(ctx, word)
        return
    ticket = await find_ticket(word, ctx.conn) if word else None
    if ticket is None and ctx.msg.reply_to:
        from models.tables import GroupCard

        card = await GroupCard.get_or_none(
            platform=ctx.msg.platform, chat_id=ctx.msg.chat_id, message_id=ctx.msg.reply_to
        ).using_db(ctx.conn)
        ticket = await Ticket.get(id=card.ticket_id).using_db(ctx.conn) if card else None
    if ticket is None or not may_act(ctx.staff, ticket):
        # another community's ticket is, to this staff member, a ticket that is not there
        await ctx.say(
            t("staff.no_ticket", ref=word) if word else t("staff.need_ticket", command="contact")
        )
        return
    occupant, refusal = await verification_staff.contact_of(ticket, ctx.conn)
    if occupant is None:
        await ctx.say(t(refusal, number=ticket.number))
        return
    own_chat = _own_chat(ctx)
    if not own_chat:
        await ctx.say(t("staff.contact_no_chat"))
        return
    text = t(
        "staff.contact_private",
        number=ticket.number,
        unit=await unit_label(ticket.unit_id, ctx.conn),
        name=occupant.name,
        phone=occupant.phone,
    )
    await queue_message(ctx.msg.platform, own_chat, text, ticket=ticket, conn=ctx.conn)
    await record_event(
        ticket,
        EventKind.CONTACT,
        ctx.actor,
        f"业主联系方式已私信给 {ctx.staff.name}",
        {"to_staff": ctx.staff.id, "platform": ctx.msg.platform, "asked_in": ctx.msg.chat_id},
        conn=ctx.conn,
    )
    await ctx.say(t("staff.contact_sent", number=ticket.number, staff=ctx.staff.name))


def _own_chat(ctx: Ctx) -> str | None:
    chat = ctx.staff.telegram_id if ctx.msg.platform == "telegram" else ctx.staff.wechat_openid
    return str(chat) if chat else None


async def register_contact(ctx: Ctx, ref: str) -> None:
    """/contact R12: the register's names and phones of the unit resident R12 claims."""
    resident = await _resident(ctx, ref)
    if resident is None:
        return
    claim = await verification.claim_of(resident, ctx.conn)
    if claim is None or claim.unit_id != resident.unit_id or claim.verified_at is not None:
        # only while a claim waits for a person: the register is not a phone book
        await ctx.say(t("staff.register_contact_not_waiting", resident=resident.id))
        return
    own_chat = _own_chat(ctx)
    if not own_chat:
        await ctx.say(t("staff.contact_no_chat"))
        return
    people = [
        o
        for o in await Occupant.filter(unit_id=resident.unit_id).using_db(ctx.conn).order_by("id")
        if o.phone
    ]
    label = await unit_label(resident.unit_id, ctx.conn)
    if not people:
        await ctx.say(t("staff.register_contact_none", unit=label))
        return
    lines = [t("staff.register_contact_private", unit=label, resident=resident.id)]
    lines += [f"{o.name}（{env().texts(f'role.{o.role}')}）{o.phone}" for o in people]
    await queue_message(ctx.msg.platform, own_chat, "\n".join(lines), conn=ctx.conn)
    log.info(
        "register phones of %s given to staff %s (%s) for resident R%s",
        label,
        ctx.staff.id,
        ctx.staff.name,
        resident.id,
    )
    await ctx.say(t("staff.register_contact_sent", unit=label, staff=ctx.staff.name))
