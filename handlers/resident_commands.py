"""A resident's slash commands: /start (with a building's QR scene), /unit, /my,
/cancel N, /help."""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

import nlp
from handlers import labels, notify, verification
from handlers.context import Incoming, Outcome, env
from handlers.residents import bind_unit, community_of, save_state, unit_example_for
from handlers.tickets import find_ticket
from models.domain.lifecycle import Actor, IllegalTransition
from models.domain.ticket import OPEN_STATUSES
from models.tables import Community, InboundMessage, Resident, Status, Ticket, Unit
from models.tickets import transition


async def on_command(
    name: str,
    rest: str,
    msg: Incoming,
    resident: Resident,
    inbound: InboundMessage,
    conn: BaseDBAsyncClient,
) -> Outcome:
    t = env().texts
    if name == "start":
        building = await scene(rest, resident, conn)
        community = await community_of(resident, conn)
        await notify.to_resident(resident, "greeting", community=community.name, conn=conn)
        if resident.unit_id is None:
            await save_state(resident, conn, awaiting="unit", building=building)
            if building:
                await notify.to_resident(
                    resident,
                    "ask_unit_in_building",
                    building=building,
                    example="1单元1201",
                    conn=conn,
                )
            else:
                await notify.to_resident(
                    resident, "ask_unit", example=await unit_example_for(resident, conn), conn=conn
                )
        return Outcome()
    if name == "unit":
        if rest:
            unit = await bind_unit(resident, rest, conn)
            if unit is not None:
                await save_state(resident, conn)
                await verification.unit_bound(resident, unit, conn)
                return Outcome()
        await save_state(resident, conn, awaiting="unit")
        await notify.to_resident(
            resident, "ask_unit", example=await unit_example_for(resident, conn), conn=conn
        )
        return Outcome()
    if name == "my":  # a verified resident sees the unit's tickets, others only their own
        mine = Q(resident_id=resident.id)
        if await verification.is_verified(resident, conn):
            mine |= Q(unit_id=resident.unit_id, anonymous=False)
        tickets = await Ticket.filter(mine).using_db(conn).order_by("-id").limit(10)
        if not tickets:
            await notify.to_resident(resident, "my_tickets_none", conn=conn)
            return Outcome()
        lines = [t("my_tickets", resident.script)]
        for tk in tickets:
            status = labels.RESIDENT_STATUS[tk.status][0 if resident.script != "en" else 1]
            status = nlp.to_script(status, resident.script)
            lines.append(
                f"{tk.number} {labels.kind_label(tk.kind, resident.script)} {status}：{tk.summary}"
            )
        await notify.to_resident_raw(resident, "\n".join(lines), conn=conn)
        return Outcome()
    if name == "cancel":
        number = rest.split()[0] if rest else ""
        if not number:
            await notify.to_resident(resident, "cancel_usage", example="0007", conn=conn)
            return Outcome()
        ticket = await find_ticket(number, conn, resident_id=resident.id)
        if ticket is None and await verification.is_verified(resident, conn):
            other = await find_ticket(number, conn)  # the unit's, for a verified resident
            if other and other.unit_id == resident.unit_id and not other.anonymous:
                ticket = other
        if ticket is None or ticket.status not in OPEN_STATUSES:
            await notify.to_resident(resident, "cancel_not_found", number=number, conn=conn)
            return Outcome()
        try:
            await transition(
                ticket,
                Status.CANCELLED,
                Actor.resident(resident.id),
                "业主取消",
                conn=conn,
            )
        except IllegalTransition:
            await notify.to_resident(resident, "cancel_not_found", number=number, conn=conn)
            return Outcome()
        await notify.to_resident(resident, "cancel_done", number=ticket.number, conn=conn)
        if (ticket.details or {}).get("card_chats"):
            await notify.refresh_card(ticket, conn)
            await notify.tell_staff(
                ticket, t("staff.resident_cancelled", number=ticket.number), conn
            )
        return Outcome()
    if name in ("close", "resolve", "done"):  # what a resident means by it: cancelling
        await notify.to_resident(resident, "close_is_cancel", example="0007", conn=conn)
        return Outcome()
    # /help and anything unknown
    await notify.to_resident(resident, "help_resident", conn=conn)
    return Outcome()


async def scene(rest: str, resident: Resident, conn: BaseDBAsyncClient) -> str | None:
    """``community:building`` from a per-building QR code (``/start demo:3``): set the
    community; return the building when it exists there."""
    code, _, building = rest.strip().partition(":")
    if not code:
        return None
    try:
        community_cfg = env().config.community(code)
    except KeyError:
        return None
    community = await Community.get(code=code).using_db(conn)
    if resident.community_id != community.id:
        resident.community_id = community.id
        fields = ["community_id"]
        if resident.unit_id is not None and community.id not in await Unit.filter(
            id=resident.unit_id
        ).using_db(conn).values_list("building__community_id", flat=True):
            # a unit of the other estate is not theirs here: it is asked for again, and
            # nobody of this estate acts on (or verifies) a claim to the other's flat
            resident.unit_id = None
            fields.append("unit_id")
        await resident.save(update_fields=fields, using_db=conn)
    return building if any(b.name == building for b in community_cfg.buildings) else None
