"""What staff decide about a resident's claim to a unit: the answer on the card in a
chat (``staff_button``) and on the console's 住户核实 page (``pending``), one decision
for both (``decide``); unbinding (a refusal, or /revoke); whose phone staff may be given
(``contact_of``: chat /contact and the console's button). The resident's side of
verification is ``handlers.verification``."""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from handlers import notify
from handlers.context import Incoming, Outcome, env, row_id
from handlers.staff_context import Ctx, settle_cards
from handlers.verification import _register, _role, claim_of, verify
from models.domain.clock import now
from models.domain.register import mask_phone
from models.storage.db import unit_label
from models.tables import Occupant, Resident, Staff, Ticket, Unit, UnitClaim


async def contact_of(ticket: Ticket, conn: BaseDBAsyncClient) -> tuple[Occupant | None, str]:
    """Whose phone a staff member may be given for a ticket (chat ``/contact N`` and the
    console's button, one rule): the verified resident's registered entry, never for an
    anonymous report. Returns (occupant, "") or (None, why not: a text key)."""
    if ticket.anonymous:
        return None, "staff.contact_anonymous"
    resident = await notify.resident_of(ticket, conn)
    claim = await claim_of(resident, conn) if resident else None
    occupant = None
    if claim and claim.verified_at and claim.occupant_id and claim.unit_id == ticket.unit_id:
        occupant = await Occupant.get_or_none(id=claim.occupant_id).using_db(conn)
    if occupant is None or not occupant.phone:
        return None, "staff.contact_none"
    return occupant, ""


async def staff_button(msg: Incoming, staff: Staff | None) -> Outcome:
    """A steward's answer on the card in a chat; the same decision as the console's."""
    from models.outbox import transaction

    t = env().texts
    if staff is None:
        return Outcome(callback_answer=t("staff.not_staff"))
    parts = (msg.button or "").split(":")
    claim_id = row_id(parts[1]) if len(parts) > 1 else None
    answer = parts[2] if len(parts) > 2 else ""
    async with transaction(join=True) as conn:
        said = await decide(staff, claim_id, answer, conn, pressed=msg)
        if said is None:
            return Outcome(callback_answer=t("staff.verify_stale"))
        await Ctx(msg, staff, conn).close_card(said)
        return Outcome(callback_answer=t("staff.button_done"))


async def unit_community(unit_id: int | None, conn: BaseDBAsyncClient | None) -> int | None:
    """The estate a unit belongs to: the one whose staff may act on a claim to it."""
    if unit_id is None:
        return None
    found = (
        await Unit.filter(id=unit_id)
        .using_db(conn)
        .values_list("building__community_id", flat=True)
    )
    return found[0] if found else None


async def unbind(resident: Resident, conn: BaseDBAsyncClient) -> None:
    """The resident is no longer bound to their unit (revoked, or refused by a steward):
    a claim again from the start if they name one."""
    await (
        UnitClaim.filter(resident_id=resident.id)
        .using_db(conn)
        .update(
            unit_id=None, verified_at=None, verified_via=None, occupant_id=None, updated_at=now()
        )
    )
    resident.unit_id = None
    await resident.save(update_fields=["unit_id"], using_db=conn)


async def decide(
    staff: Staff,
    claim_id: int | None,
    answer: str,
    conn: BaseDBAsyncClient,
    *,
    pressed: Incoming | None = None,
) -> str | None:
    """A steward's answer to a claim: this person of the register (an occupant's id),
    someone the register does not list ("0"), or not of this unit ("no": the resident is
    unbound and told so). Returns the line for the staff who asked, or None when the
    claim is gone, already decided, not of this staff member's estate (to them, not
    there), or the answer names nobody of the unit's register any more. Every card of
    the claim in the chats closes with the line (but the one ``pressed``, which the
    button's answer closes)."""
    t = env().texts
    claim = await UnitClaim.get_or_none(id=claim_id).using_db(conn) if claim_id else None
    resident = await Resident.get_or_none(id=claim.resident_id).using_db(conn) if claim else None
    if claim is None or resident is None or resident.unit_id != claim.unit_id:
        return None
    if claim.verified_at is not None:
        return None
    if staff.community_id not in (None, await unit_community(claim.unit_id, conn)):
        return None
    occupant = None
    if answer not in ("no", "0"):
        occupant_id = row_id(answer)
        occupant = (
            await Occupant.get_or_none(id=occupant_id, unit_id=claim.unit_id).using_db(conn)
            if occupant_id
            else None
        )
        if occupant is None:
            return None  # a stale button: that person left the register meanwhile
    # one decision per claim, whoever presses first (the chat card or the console)
    won = await (
        UnitClaim.filter(id=claim.id, verified_at__isnull=True, unit_id=claim.unit_id)
        .using_db(conn)
        .update(updated_at=now())
    )
    if not won:
        return None
    label = await unit_label(claim.unit_id, conn)
    if answer == "no":
        await unbind(resident, conn)
        await notify.to_resident(resident, "verify_refused", unit=label, conn=conn)
        said = t("staff.verify_declined", staff=staff.name, unit=label, resident=resident.id)
    else:
        await verify(resident, claim, "staff", conn, occupant=occupant, staff=staff)
        who = f"（{occupant.name}，{_role(occupant.role, 'hans')}）" if occupant else ""
        said = t("staff.verified", staff=staff.name, unit=label, resident=resident.id, who=who)
    await settle_cards(f"verify:{claim.id}", said, conn, pressed=pressed)
    return said


async def pending(staff: Staff, limit: int = 100) -> list[dict]:
    """The claims still waiting for a person, in this staff member's estates, oldest
    first: the console's 住户核实 page (what the chat card shows, phones masked)."""
    q = UnitClaim.filter(verified_at__isnull=True, unit_id__not_isnull=True)
    if staff.community_id is not None:
        q = q.filter(unit__building__community_id=staff.community_id)
    out = []
    for claim in await q.order_by("updated_at", "id").limit(limit):
        resident = await Resident.get_or_none(id=claim.resident_id)
        if resident is None or resident.unit_id != claim.unit_id:
            continue
        occupants = await _register(claim.unit_id, None)
        out.append(
            {
                "claim": claim.id,
                "resident": resident.id,
                "platform": resident.platform,
                "unit": await unit_label(claim.unit_id, None),
                "since": claim.updated_at,
                "failures": claim.failures,
                "asked": claim.card_at is not None,
                "register": [
                    {
                        "id": o.id,
                        "name": o.name,
                        "role": _role(o.role, "hans"),
                        "phone": mask_phone(o.phone),
                    }
                    for o in occupants
                ],
            }
        )
    return out
