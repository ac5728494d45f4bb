"""Who hears about a ticket, and what they see: the ticket card in the staff chats,
relayed resident messages, alerts, and messages to the resident.

Everything here only queues outbox rows inside the caller's transaction; the
dispatcher sends them after the commit."""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

import nlp
from handlers import incident_card, labels, wecom_lines
from handlers.card_buttons import action_row
from handlers.context import env
from handlers.labels import COMPLAINT_CLASS_ZH, DUE_ZH, HAZARDS_ZH, KIND_ICONS, kind_label
from models.domain.clock import now
from models.outbox import queue_message
from models.storage.db import bound_chats, community_row, unit_label
from models.tables import Community, Platform, Resident, Staff, Status, Ticket


def staff_chats(community_code: str, which: str) -> list[tuple[str, str]]:
    """(platform, chat) pairs of a community's ``stewards`` or ``supervisors`` chat."""
    community = env().config.community(community_code)
    chats = community.stewards_chat if which == "stewards" else community.supervisors_chat
    out = []
    if chats.telegram is not None:
        out.append((Platform.TELEGRAM.value, str(chats.telegram)))
    if chats.wecom_webhook:
        out.append((Platform.WECOM.value, chats.wecom_webhook))
    for platform, chat in bound_chats(community_code, which):  # /bindgroup
        if platform == Platform.TELEGRAM and chats.telegram is not None:
            continue  # the config's chat comes first
        if (platform, chat) not in out:
            out.append((platform, chat))
    return out


def card_chats(about_staff: bool, community_code: str) -> list[list[str]]:
    """Where the card of a ticket lives: complaints about staff skip the stewards.
    [platform, chat] pairs, as ``details["card_chats"]`` keeps them."""
    which = "supervisors" if about_staff else "stewards"
    return [list(chat) for chat in staff_chats(community_code, which)]


async def unit_text(
    ticket: Ticket, conn: BaseDBAsyncClient | None, *, mark_unverified: bool = True
) -> str:
    """The ticket's unit as staff see it, on cards, alerts, relays and escalations:
    （匿名反映） for an anonymous report, an incident's place, 未登记 when unknown, marked
    未核实 while the resident's claim to it is not verified (``handlers.verification``;
    one-line reminders leave that to the card)."""
    if ticket.anonymous:
        return labels.listed_unit(ticket, None)
    label = await unit_label(ticket.unit_id, conn)
    if label is None:
        return (ticket.details or {}).get("place") or "未登记"
    if mark_unverified and (ticket.details or {}).get("unverified"):
        label += env().texts("staff.card_unverified")
    return label


async def render_card(
    ticket: Ticket, conn: BaseDBAsyncClient | None = None
) -> tuple[str, list[list[dict[str, str]]]]:
    """The card text and its buttons, from the ticket as it is now."""
    if incident_card.is_incident(ticket):  # issue 20: an incident's card
        return await incident_card.render(ticket, conn)
    t = env().texts
    tz = env().config.tz
    assignee = ""
    if ticket.assignee_id is not None:
        from models.tables import Staff

        staff = await Staff.get(id=ticket.assignee_id).using_db(conn)
        assignee = t("staff.card_assignee", name=staff.name)
    deadline = ""
    if ticket.deadline_at is not None and ticket.status not in (Status.CLOSED, Status.CANCELLED):
        overdue = t("staff.card_overdue") if ticket.deadline_at <= now() else ""
        deadline = t(
            "staff.card_deadline",
            what=DUE_ZH.get(ticket.due_kind or "", "时限"),
            when=ticket.deadline_at.astimezone(tz).strftime("%m-%d %H:%M"),
            overdue=overdue,
        )
    details = ticket.details or {}
    media = details.get("media", [])
    kind = kind_label(ticket.kind)
    if ticket.complaint_class:
        kind += f"·{COMPLAINT_CLASS_ZH.get(ticket.complaint_class, ticket.complaint_class)}"
    text = t(
        "staff.card",
        icon=KIND_ICONS.get(ticket.kind, ""),
        kind=kind,
        number=ticket.number,
        urgent=t("staff.card_urgent", hazard=HAZARDS_ZH.get(ticket.hazard or "", "紧急"))
        if ticket.urgent
        else "",
        status=t(f"staff.status.{ticket.status}"),
        assignee=assignee,
        unit=await unit_text(ticket, conn),
        summary=ticket.summary,
        words=staff_words(details.get("words", ticket.summary)),
        media=t("staff.card_media", count=len(media)) if media else "",
        deadline=deadline,
        escalation=t("staff.card_escalation", level=t(f"staff.level.{ticket.escalation_level}"))
        if ticket.escalation_level
        else "",
    )
    if details.get("slot"):
        text += t("staff.slot", slot=details["slot"])
        if not details.get("slot_confirmed"):
            text += t("staff.slot_unconfirmed")
    if details.get("fee"):
        text += "\n" + t(
            "staff.fee_agreed", item=details["fee"]["item"], price=details["fee"]["price"]
        )
    buttons = action_row(ticket)
    if buttons and details.get("slot") and not details.get("slot_confirmed"):  # the team lead's
        buttons.append([{"text": t("staff.button.slotok"), "data": f"slotok:{ticket.id}"}])
    line, more = await incident_card.decorate(ticket, conn)  # issue 20: its incident, if any
    return text + line, buttons + more


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def staff_words(text: str, limit: int = 300) -> str:
    """A resident's words as staff chats show them: phone, ID and card numbers and
    e-mail addresses masked (保密制度: the unit and the problem, never the contact),
    cut to ``limit`` (the ticket keeps them whole)."""
    return clip(nlp.mask_personal(text or ""), limit)


async def post_card(ticket: Ticket, community: Community, conn: BaseDBAsyncClient) -> None:
    """Send the card to the staff chats and remember where it went (for later edits)."""
    text, buttons = await render_card(ticket, conn)
    chats = card_chats(ticket.about_staff, community.code)
    for platform, chat in chats:
        await queue_message(
            platform,
            chat,
            text,
            ticket=ticket,
            kind="card",
            buttons=buttons,
            urgent=ticket.urgent,
            conn=conn,
        )
    details = dict(ticket.details or {})
    if any(platform == Platform.WECOM for platform, _ in chats):
        # its changes get a line each (no edits there)
        details = await wecom_lines.start(ticket, details, conn)
    if details != (ticket.details or {}) or details.get("card_chats") != chats:
        details["card_chats"] = chats
        ticket.details = details
        await Ticket.filter(id=ticket.id).using_db(conn).update(details=details)
    for media in details.get("media", []):
        await relay_media(ticket, media, conn)


async def refresh_card(ticket: Ticket, conn: BaseDBAsyncClient) -> None:
    """Show the ticket's current state on its card: edited in place where the
    platform can edit (Telegram), a short line per change where it cannot (WeCom)."""
    if incident_card.without_card(ticket):
        return  # issue 20: a report inside an incident has no card of its own
    text, buttons = await render_card(ticket, conn)
    for platform, chat in (ticket.details or {}).get("card_chats", []):
        if platform == Platform.WECOM:
            continue  # WeCom robots cannot edit: the changes get a line each, below
        await queue_message(
            platform, chat, text, ticket=ticket, kind="edit_card", buttons=buttons, conn=conn
        )
    await wecom_lines.announce(ticket, conn)


async def to_managers(
    text: str,
    conn: BaseDBAsyncClient,
    *,
    community_id: int | None = None,
    ticket: Ticket | None = None,
    urgent: bool = False,
) -> None:
    """Each active manager, in their own chat on every platform they have; with
    ``community_id`` (a ticket's own by default), only managers of that community or of
    all of them."""
    if community_id is None and ticket is not None:
        community_id = ticket.community_id
    for platform, chat in await manager_chats(conn, community_id):
        await queue_message(
            platform, chat, text, ticket=ticket, urgent=urgent, conn=conn, handle=True
        )


async def manager_chats(
    conn: BaseDBAsyncClient | None, community_id: int | None = None
) -> list[tuple[str, str]]:
    """(platform, chat) of every active manager's own chats (of ``community_id`` or of
    all communities)."""
    out = []
    for m in await Staff.filter(role="manager", active=True).using_db(conn):
        if community_id is not None and m.community_id not in (None, community_id):
            continue
        for platform, chat in (
            (Platform.TELEGRAM.value, m.telegram_id),
            (Platform.WECHAT.value, m.wechat_openid),
        ):
            if chat:
                out.append((platform, str(chat)))
    return out


async def to_staff_member(
    member: Staff, text: str, ticket: Ticket | None, conn: BaseDBAsyncClient
) -> None:
    """One staff member, in their own chat on every platform they are bound on."""
    for platform, chat in (
        (Platform.TELEGRAM, member.telegram_id),
        (Platform.WECHAT, member.wechat_openid),
    ):
        if chat:
            await queue_message(platform, chat, text, ticket=ticket, conn=conn, handle=True)


async def tell_staff(
    ticket: Ticket,
    text: str,
    conn: BaseDBAsyncClient,
    *,
    supervisors: bool = False,
    urgent: bool = False,
    proactive: bool = False,
    kind: str = "text",
) -> None:
    """A line for the ticket's staff chats (or the supervisors' chat). ``proactive``
    pings (reminders, escalations) wait for the end of quiet hours unless urgent."""
    community = await community_row(ticket.community_id, conn=conn)
    if supervisors:
        chats = staff_chats(community.code, "supervisors")
    else:
        chats = (ticket.details or {}).get("card_chats") or card_chats(
            ticket.about_staff, community.code
        )
    not_before = env().calendar.after_quiet(now(), urgent=urgent) if proactive else None
    for platform, chat in chats:
        await queue_message(
            platform,
            chat,
            text,
            ticket=ticket,
            urgent=urgent,
            conn=conn,
            kind=kind,
            not_before=not_before,
            handle=True,  # a reply to it acts on the ticket, as a reply to its card does
        )


async def relay_text(ticket: Ticket, text: str, conn: BaseDBAsyncClient) -> None:
    """A resident's follow-up words, to the card's chats; replies to it reach them."""
    t = env().texts
    unit = await unit_text(ticket, conn)
    for platform, chat in (ticket.details or {}).get("card_chats", []):
        await queue_message(
            platform,
            chat,
            t("staff.relay", number=ticket.number, unit=unit, text=staff_words(text, 3500)),
            ticket=ticket,
            kind="relay",
            conn=conn,
        )


async def relay_media(ticket: Ticket, media: dict[str, Any], conn: BaseDBAsyncClient) -> None:
    t = env().texts
    unit = await unit_text(ticket, conn)
    what = (
        t(f"staff.media.{media.get('type', 'document')}")
        if f"staff.media.{media.get('type')}" in t.keys()
        else media.get("type", "")
    )
    caption = t("staff.relay_media", number=ticket.number, unit=unit, what=what)
    missing = ""  # the platform would not give it to us (WeCom's sender says so itself)
    if media.get("error") and not media.get("path"):
        missing = "\n" + t("staff.media_missing", what=what)
    # a file kept on our disk (WeChat media) or a location can be shown on any platform
    portable = bool(media.get("path")) or media.get("type") == "location"
    for platform, chat in (ticket.details or {}).get("card_chats", []):
        shown = portable or platform == Platform.WECOM  # WeCom says what it cannot show
        if media.get("platform") not in (None, platform) and not shown:
            # a file id only means something on its own platform: describe it instead
            words = caption + missing
            await queue_message(platform, chat, words, ticket=ticket, kind="relay", conn=conn)
            continue
        await queue_message(
            platform, chat, caption, ticket=ticket, kind="relay", media=[media], conn=conn
        )


async def resident_of(ticket: Ticket, conn: BaseDBAsyncClient | None = None) -> Resident | None:
    """The resident a ticket belongs to (None for tickets staff opened)."""
    if ticket.resident_id is None:
        return None
    return await Resident.get_or_none(id=ticket.resident_id).using_db(conn)


async def to_resident(
    resident: Resident,
    key: str,
    *,
    ticket: Ticket | None = None,
    conn: BaseDBAsyncClient | None = None,
    buttons=None,
    urgent: bool = False,
    proactive: bool = False,
    **values: Any,
):
    """A text to the resident, in their script. ``proactive`` messages (not an answer
    to something they just wrote) wait for the end of quiet hours unless urgent."""
    text = env().texts(key, resident.script, **values)
    return await to_resident_raw(
        resident,
        text,
        ticket=ticket,
        conn=conn,
        buttons=buttons,
        urgent=urgent,
        proactive=proactive,
        text_key=key,  # lets a channel pick a template for it (WeChat after 48 hours)
    )


async def to_resident_raw(
    resident: Resident,
    text: str,
    *,
    ticket: Ticket | None = None,
    conn: BaseDBAsyncClient | None = None,
    buttons=None,
    urgent: bool = False,
    proactive: bool = False,
    **extra: Any,
):
    not_before = env().calendar.after_quiet(now(), urgent=urgent) if proactive else None
    return await queue_message(
        resident.platform,
        resident.chat_id,
        text,
        ticket=ticket,
        buttons=buttons,
        urgent=urgent,
        not_before=not_before,
        conn=conn,
        **extra,
    )
