"""业主认证: whether the person who claims a unit lives there, checked against the owners'
register. Telegram: they share their own phone number (a contact whose user id is the
sender's); WeChat: the last four digits of the registered phone; otherwise a steward
checks with a button on a short card (unit, the register's names, phones masked).

Until then the resident is unverified: they can still report anything (an urgent
report is never held back), their tickets' cards say 未核实, and they see and act only
on their own tickets, not the unit's."""

from __future__ import annotations

import logging

from tortoise.backends.base.client import BaseDBAsyncClient

from handlers import notify
from handlers.context import Incoming, env
from handlers.residents import attach_unit, community_of, save_state, unit_example_for
from handlers.staff_context import settle_cards
from models.domain.clock import now
from models.domain.register import mask_phone, normalise_phone
from models.domain.ticket import ACTIVE_STATUSES
from models.outbox import queue_message
from models.storage.db import unit_label
from models.tables import Occupant, Resident, Staff, Ticket, Unit, UnitClaim

log = logging.getLogger(__name__)

MAX_TAIL_FAILURES = 3
CAN_SHARE_CONTACT = ("telegram",)


async def claim_of(resident: Resident, conn: BaseDBAsyncClient) -> UnitClaim | None:
    return await UnitClaim.get_or_none(resident_id=resident.id).using_db(conn)


async def is_verified(resident: Resident, conn: BaseDBAsyncClient) -> bool:
    if resident.unit_id is None:
        return False
    claim = await claim_of(resident, conn)
    return bool(claim and claim.verified_at and claim.unit_id == resident.unit_id)


async def _claim(resident: Resident, conn: BaseDBAsyncClient) -> UnitClaim:
    """The resident's claim, on their current unit (a new unit starts unverified)."""
    claim = await claim_of(resident, conn)
    if claim is None:
        return await UnitClaim.create(
            resident_id=resident.id, unit_id=resident.unit_id, updated_at=now(), using_db=conn
        )
    if claim.unit_id != resident.unit_id:
        claim.unit_id, claim.verified_at, claim.verified_via = resident.unit_id, None, None
        claim.verified_by_id = claim.occupant_id = claim.card_at = None
        claim.updated_at = now()
        await claim.save(using_db=conn)
    return claim


async def _register(unit_id: int | None, conn: BaseDBAsyncClient) -> list[Occupant]:
    if unit_id is None:
        return []
    return list(await Occupant.filter(unit_id=unit_id).using_db(conn).order_by("id"))


def _role(role: str | None, script: str) -> str:
    return env().texts(f"role.{role or 'resident'}", script)


async def unit_bound(resident: Resident, unit: Unit, conn: BaseDBAsyncClient) -> None:
    """Tell a resident whose unit was just recorded how it gets verified."""
    claim = await _claim(resident, conn)
    if claim.verified_at:
        await notify.to_resident(resident, "unit_bound", unit=unit.label, conn=conn)
        return
    if resident.platform in CAN_SHARE_CONTACT:
        button = env().texts("contact_button", resident.script)
        text = env().texts("unit_bound_contact", resident.script, unit=unit.label, button=button)
        await notify.to_resident_raw(resident, text, conn=conn, contact_button=button)
        return
    if any(o.phone for o in await _register(unit.id, conn)):
        await notify.to_resident(resident, "unit_bound_tail", unit=unit.label, conn=conn)
        return
    await notify.to_resident(resident, "unit_bound_staff", unit=unit.label, conn=conn)
    await ask_steward(resident, claim, "no_phone", conn)


async def verify(
    resident: Resident,
    claim: UnitClaim,
    via: str,
    conn: BaseDBAsyncClient,
    *,
    occupant: Occupant | None = None,
    staff: Staff | None = None,
) -> None:
    """Mark the claim verified; the resident's open tickets lose their 未核实 mark."""
    claim.verified_at, claim.verified_via, claim.updated_at = now(), via, now()
    claim.occupant_id = occupant.id if occupant else None
    claim.verified_by_id = staff.id if staff else None
    await claim.save(using_db=conn)
    log.info("resident %s verified for unit %s (%s)", resident.id, claim.unit_id, via)
    waiting = await Ticket.filter(
        resident_id=resident.id,
        unit_id=claim.unit_id,
        status__in=[s.value for s in ACTIVE_STATUSES],
    ).using_db(conn)
    for ticket in waiting:
        details = {k: v for k, v in (ticket.details or {}).items() if k != "unverified"}
        if details != (ticket.details or {}):
            ticket.details = details
            await Ticket.filter(id=ticket.id).using_db(conn).update(details=details)
            if details.get("card_chats"):
                await notify.refresh_card(ticket, conn)
    label = await unit_label(claim.unit_id, conn)
    if via != "staff":  # a card asked the stewards: it is settled (staff close it themselves)
        line = env().texts(f"staff.verified_by_resident.{via}", unit=label, resident=resident.id)
        await settle_cards(f"verify:{claim.id}", line, conn)
    await notify.to_resident_raw(
        resident,
        env().texts(
            "verified",
            resident.script,
            unit=label,
            role=_role(occupant.role if occupant else None, resident.script),
        ),
        conn=conn,
        remove_keyboard=True,
    )


# -- Telegram: the resident shares their own phone number --------------------------------
async def on_contact(msg: Incoming, resident: Resident, conn: BaseDBAsyncClient) -> bool:
    """A shared contact; True when it bound the resident to a unit (verified)."""
    contact = msg.contact or {}
    button = env().texts("contact_button", resident.script)
    if str(contact.get("user_id") or "") != msg.sender_id:
        log.info("resident %s shared a contact that is not their own: refused", resident.id)
        text = env().texts("contact_not_own", resident.script, button=button)
        await notify.to_resident_raw(resident, text, conn=conn, contact_button=button)
        return False
    phone = normalise_phone(contact.get("phone") or "")
    matches = await _occupants_with_phone(phone, resident, conn) if phone else []
    mine = [o for o in matches if o.unit_id == resident.unit_id]
    units = {o.unit_id for o in matches}
    chosen = mine[0] if mine else (matches[0] if len(units) == 1 else None)
    if chosen is not None:
        unit = await Unit.get(id=chosen.unit_id).using_db(conn)
        if resident.unit_id != unit.id:
            await attach_unit(resident, unit, conn)
        await verify(resident, await _claim(resident, conn), "phone", conn, occupant=chosen)
        return True
    if resident.unit_id is None:
        await save_state(resident, conn, **{**(resident.state or {}), "awaiting": "unit"})
        example = await unit_example_for(resident, conn)
        await notify.to_resident_raw(
            resident,
            env().texts("contact_needs_unit", resident.script, example=example),
            conn=conn,
            remove_keyboard=True,
        )
        return False
    claim = await _claim(resident, conn)
    label = await unit_label(resident.unit_id, conn)
    await notify.to_resident_raw(
        resident,
        env().texts("contact_not_found", resident.script, unit=label),
        conn=conn,
        remove_keyboard=True,
    )
    await ask_steward(resident, claim, "contact", conn, phone=phone)
    return False


async def _occupants_with_phone(
    phone: str, resident: Resident, conn: BaseDBAsyncClient
) -> list[Occupant]:
    query = Occupant.filter(phone=phone)
    if resident.community_id is not None:
        query = query.filter(unit__building__community_id=resident.community_id)
    return list(await query.using_db(conn).order_by("id"))


# -- WeChat: the last four digits of the registered phone --------------------------------
async def wants_tail(msg: Incoming, resident: Resident, conn: BaseDBAsyncClient) -> bool:
    """Four digits from an unverified resident who cannot share a contact."""
    text = msg.text.strip()
    return (
        msg.platform not in CAN_SHARE_CONTACT
        and len(text) == 4
        and text.isdigit()
        and resident.unit_id is not None
        and (resident.state or {}).get("awaiting") != "unit"
        and not await is_verified(resident, conn)
    )


async def on_tail(msg: Incoming, resident: Resident, conn: BaseDBAsyncClient) -> None:
    claim = await _claim(resident, conn)
    label = await unit_label(resident.unit_id, conn)
    if claim.failures >= MAX_TAIL_FAILURES:
        await notify.to_resident(resident, "tail_locked", unit=label, conn=conn)
        return
    tail = msg.text.strip()
    match = next(
        (o for o in await _register(resident.unit_id, conn) if (o.phone or "").endswith(tail)),
        None,
    )
    if match is not None:
        await verify(resident, claim, "phone_tail", conn, occupant=match)
        return
    claim.failures += 1
    claim.updated_at = now()
    await claim.save(using_db=conn)
    log.info("resident %s: wrong phone tail (%d)", resident.id, claim.failures)
    if claim.failures >= MAX_TAIL_FAILURES:
        await notify.to_resident(resident, "tail_locked", unit=label, conn=conn)
        await ask_steward(resident, claim, "tail", conn)
        return
    left = MAX_TAIL_FAILURES - claim.failures
    await notify.to_resident(resident, "tail_wrong", left=left, conn=conn)


# -- the steward's card --------------------------------------------------------------------
async def ask_steward(
    resident: Resident,
    claim: UnitClaim,
    why: str,
    conn: BaseDBAsyncClient,
    *,
    phone: str | None = None,
    chat: tuple[str, str] | None = None,
) -> None:
    """The short card in the stewards' chat (once per claim unless ``chat`` asks again):
    the unit, the register's names with masked phones, why it needs a person."""
    if claim.card_at is not None and chat is None:
        return
    t = env().texts
    community = await community_of(resident, conn)
    occupants = await _register(claim.unit_id, conn)
    register = "、".join(
        f"{o.name}（{_role(o.role, 'hans')}，{mask_phone(o.phone)}）" for o in occupants
    ) or t("staff.verify_register_none")
    platform = {"telegram": "Telegram ", "wechat": "微信"}.get(resident.platform, "")
    text = t(
        "staff.verify_card",
        resident=resident.id,
        community=community.name,
        unit=await unit_label(claim.unit_id, conn),
        register=register,
        why=t(f"staff.verify_why.{why}", phone=mask_phone(phone), platform=platform),
    )
    buttons = [
        [
            {
                "text": t("staff.verify_button", name=o.name, role=_role(o.role, "hans")),
                "data": f"verify:{claim.id}:{o.id}",
            }
        ]
        for o in occupants[:6]
    ]
    buttons.append(
        [
            {"text": t("staff.verify_button_other"), "data": f"verify:{claim.id}:0"},
            {"text": t("staff.verify_button_no"), "data": f"verify:{claim.id}:no"},
        ]
    )
    chats = [chat] if chat else notify.staff_chats(community.code, "stewards")
    for platform_name, chat_id in chats:
        await queue_message(platform_name, chat_id, text, buttons=buttons, conn=conn)
    claim.card_at = now()
    await claim.save(update_fields=["card_at"], using_db=conn)
