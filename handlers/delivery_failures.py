"""A message to a resident that could not be delivered: nothing is left hanging.

When the dispatcher gives up on a message to a resident (WeChat's 48-hour window closed
and no template can carry it, the resident unfollowed or blocked the bot, the platform
down for longer than the retries last), ``message_missed``:

* tells the ticket's stewards' chats and the community's supervisors' chat, with the
  ticket number and what the resident missed (personal data masked), and why;
* records the message on the resident's row (``state["missed"]``), so that their next
  message is answered first with a short word about it, followed by the messages
  themselves, now that they can be delivered (``tell_missed``, from the conversation).

Messages to staff chats are not handled here: the alert on the ticket records them.
"""

from __future__ import annotations

import logging
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from handlers import notify
from handlers.context import env
from models.domain.clock import now
from models.outbox import queue_message
from models.storage.db import community_row, unit_label
from models.tables import Outbox, Platform, Resident, Ticket

log = logging.getLogger(__name__)

KEEP = 3  # missed messages kept per resident (the newest)
RESEND = 2  # of which sent again at their next message (WeChat allows 5 answers)
STAFF_WORDS = 300


def _why(row: Outbox, reason: str, outage: bool) -> str:
    t = env().texts
    platform = t(f"staff.platform.{row.platform}") if row.platform in ("wechat", "telegram") else ""
    if outage:
        return t("staff.missed_why.outage", platform=platform or row.platform)
    if "window is closed" in reason:
        return t("staff.missed_why.window")
    if "does not follow" in reason or "43004" in reason or "blocked" in reason.lower():
        return t("staff.missed_why.unfollowed", platform=platform or row.platform)
    return t("staff.missed_why.refused", platform=platform or row.platform)


async def message_missed(
    row: Outbox, reason: str, conn: BaseDBAsyncClient, *, outage: bool = False
) -> None:
    """The dispatcher gave up on ``row`` (inside its transaction ``conn``). Never raises:
    a problem here is logged and the give-up stands."""
    try:
        await _missed(row, reason, conn, outage)
    except Exception:
        log.exception("could not report undelivered message %s", row.id)


async def _missed(row: Outbox, reason: str, conn: BaseDBAsyncClient, outage: bool) -> None:
    if row.platform == Platform.WECOM or row.kind != "text":
        return  # a staff chat: the alert on the ticket says it
    resident = (
        await Resident.filter(platform=row.platform, chat_id=row.chat_id).using_db(conn).first()
    )
    if resident is None:
        return  # a staff member's own chat, or a group
    ticket = await Ticket.get_or_none(id=row.ticket_id).using_db(conn) if row.ticket_id else None
    payload = row.payload or {}
    text = " ".join(str(payload.get("text") or "").split())
    t = env().texts
    words = notify.staff_words(text, STAFF_WORDS) or t("staff.missed_no_text")
    why = _why(row, reason, outage)
    if ticket is not None:
        community = await community_row(ticket.community_id, conn=conn)
        unit = await notify.unit_text(ticket, conn, mark_unverified=False)
        line = t("staff.missed", number=ticket.number, unit=unit, text=words, why=why)
        chats = (ticket.details or {}).get("card_chats") or notify.card_chats(
            ticket.about_staff, community.code
        )
    else:
        community = await _community(resident, conn)
        unit = await unit_label(resident.unit_id, conn) or "未登记"
        line = t("staff.missed_no_ticket", community=community.name, unit=unit, text=words, why=why)
        chats = notify.card_chats(False, community.code)
    seen: set[tuple[str, str]] = set()
    for platform, chat in [*map(tuple, chats), *notify.staff_chats(community.code, "supervisors")]:
        if (platform, chat) in seen:
            continue
        seen.add((platform, chat))
        await queue_message(platform, chat, line, ticket=ticket, kind="text", conn=conn)
    state = dict(resident.state or {})
    missed = [*state.get("missed", []), _kept(row, ticket)][-KEEP:]
    state["missed"] = missed
    await Resident.filter(id=resident.id).using_db(conn).update(state=state)


def _kept(row: Outbox, ticket: Ticket | None) -> dict[str, Any]:
    """What is needed to send the message again: its words, buttons, key and media."""
    payload = row.payload or {}
    kept: dict[str, Any] = {"text": str(payload.get("text") or ""), "at": now().isoformat()}
    for name in ("buttons", "text_key", "media"):
        if payload.get(name):
            kept[name] = payload[name]
    if ticket is not None:
        kept["ticket_id"] = ticket.id
    return kept


async def _community(resident: Resident, conn: BaseDBAsyncClient):
    if resident.community_id is not None:
        return await community_row(resident.community_id, conn=conn)
    return await community_row(code=env().config.communities[0].code, conn=conn)


async def tell_missed(resident: Resident, conn: BaseDBAsyncClient) -> None:
    """A resident who missed messages writes again: first a short word about it, then the
    newest of them (their buttons too), now that they can be delivered."""
    state = dict(resident.state or {})
    missed = state.pop("missed", None)
    if not missed:
        return
    resident.state = state
    await Resident.filter(id=resident.id).using_db(conn).update(state=state)
    again = missed[-RESEND:]
    await notify.to_resident(resident, "missed_notice", n=len(missed), conn=conn)
    for kept in again:
        ticket = (
            await Ticket.get_or_none(id=kept["ticket_id"]).using_db(conn)
            if kept.get("ticket_id")
            else None
        )
        extra = {k: kept[k] for k in ("text_key", "media") if kept.get(k)}
        await queue_message(
            resident.platform,
            resident.chat_id,
            kept.get("text") or "",
            ticket=ticket,
            buttons=kept.get("buttons"),
            conn=conn,
            **extra,
        )
