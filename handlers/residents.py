"""The resident behind a platform identity: found or created on first contact, their
conversation state, their community and unit (房号)."""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

import nlp
from handlers import notify
from handlers.context import Incoming, env
from models.domain.clock import now
from models.domain.ticket import ACTIVE_STATUSES
from models.domain.units import UnitRef
from models.domain.units import example as unit_example
from models.storage.db import community_row
from models.storage.statements import update_returning
from models.tables import Building, Community, Resident, Ticket, Unit
from models.units import find_units, store_ref


async def get_resident(msg: Incoming, conn: BaseDBAsyncClient) -> Resident:
    """The resident behind this platform identity (created on first contact), with
    what every message changes already written: where to answer them, when they last
    wrote. On PostgreSQL the row is locked for the transaction, so a second worker
    handling the same resident's next message waits for this one."""
    found = await update_returning(
        Resident,
        {"platform": msg.platform, "platform_user_id": msg.sender_id},
        {"chat_id": msg.chat_id, "last_message_at": now()},
        conn,
    )
    resident = found[0] if found else None
    if resident is None:
        communities = env().config.communities
        community = None
        if len(communities) == 1:
            community = await community_row(code=communities[0].code, conn=conn)
        at = now()
        resident = await Resident.create(
            platform=msg.platform,
            platform_user_id=msg.sender_id,
            chat_id=msg.chat_id,
            display_name=msg.sender_name[:128],
            script=nlp.script_of_language(msg.language) or "hans",  # until they write
            community=community,
            created_at=at,
            last_message_at=at,
            using_db=conn,
        )
    return resident


async def save_state(resident: Resident, conn: BaseDBAsyncClient, **state: Any) -> None:
    resident.state = {k: v for k, v in state.items() if v is not None}
    await resident.save(update_fields=["state"], using_db=conn)


async def community_of(resident: Resident, conn: BaseDBAsyncClient) -> Community:
    if resident.community_id is not None:
        return await community_row(resident.community_id, conn=conn)
    return await community_row(code=env().config.communities[0].code, conn=conn)


async def unit_example_for(resident: Resident, conn: BaseDBAsyncClient) -> str:
    community = await community_of(resident, conn)
    return unit_example(env().config.community(community.code))


async def bind_unit(resident: Resident, text: str, conn: BaseDBAsyncClient) -> Unit | None:
    """Bind the unit named in ``text`` if exactly one exists; None if none (or several)
    does. The unit is claimed, not verified (``handlers.verification``)."""
    config = env().config
    codes = [c.code for c in config.communities]
    if resident.community_id is not None:
        codes = [(await community_row(resident.community_id, conn=conn)).code]
    building = (resident.state or {}).get("building")
    matches: list[tuple[Community, Unit | UnitRef]] = []
    for code in codes:
        community = await community_row(code=code, conn=conn)
        found = await find_units(text, community, config.community(code), conn)
        if not found and building:  # known from the building's QR code: "2单元1201" is enough
            found = await find_units(f"{building}#{text}", community, config.community(code), conn)
        matches.extend((community, u) for u in found)
    if len(matches) != 1:
        return None
    community, unit = matches[0]
    if isinstance(unit, UnitRef):
        unit = await store_ref(unit, community, conn)
    await attach_unit(resident, unit, conn, community_id=community.id)
    return unit


async def attach_unit(
    resident: Resident, unit: Unit, conn: BaseDBAsyncClient, *, community_id: int | None = None
) -> None:
    """The resident's unit is now ``unit``; tickets opened before it was known (urgent,
    voice, questions) get it."""
    if community_id is None:
        building = await Building.get(id=unit.building_id).using_db(conn)
        community_id = building.community_id
    resident.unit_id = unit.id
    resident.community_id = community_id
    await resident.save(update_fields=["unit_id", "community_id"], using_db=conn)
    waiting = await Ticket.filter(
        resident_id=resident.id,
        unit_id__isnull=True,
        status__in=[s.value for s in ACTIVE_STATUSES],
    ).using_db(conn)
    for ticket in waiting:
        ticket.unit_id = unit.id
        details = {**(ticket.details or {}), "unverified": True}
        ticket.details = details
        await Ticket.filter(id=ticket.id).using_db(conn).update(unit_id=unit.id, details=details)
        if details.get("card_chats"):
            await notify.refresh_card(ticket, conn)
        if ticket.urgent or ticket.agitated or ticket.about_staff:
            # their alert said 未登记: the supervisors hear where it is now
            await notify.tell_staff(
                ticket,
                env().texts(
                    "staff.unit_now_known",
                    number=ticket.number,
                    unit=await notify.unit_text(ticket, conn),
                ),
                conn,
                supervisors=True,
                urgent=ticket.urgent,
            )


def remember_script(resident: Resident, text: str) -> None:
    """Answer in the script the resident writes in, once their writing shows it (a
    Hong Kong resident writing Traditional keeps the Hong Kong forms)."""
    written = nlp.written_script(text[:2000])
    if written is None or (written == "hant" and resident.script in nlp.TRADITIONAL):
        return
    resident.script = written
