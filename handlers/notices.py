"""Notices (通知公告): the office tells exactly the households concerned, on the
platform each of them uses, and learns who received it.

1. ``draft``: staff write ``/notice 3栋 明天9:00-12:00停水检修，请提前储水``; the notice is
   stored as a draft and the sender sees how many households and residents, on which
   platform, will get it, with a button to confirm (or cancel).
2. ``send``: one outbox row per resident, in their script, in the transaction that
   marks the notice sent. The dispatcher sends them within each platform's limits
   (Telegram about 30 a second overall, one a second per chat; WeChat a
   customer-service message inside the 48-hour window, the configured template
   outside it); quiet hours hold them until morning.
3. ``handlers.notice_report``: once every message is sent or given up, the sender gets
   the delivery report; the console reads the same figures.

What a resident then writes about it is read with the notice as context
(``handlers.outage_intake``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

import nlp
from handlers.context import Incoming, env
from handlers.staff_context import settle_cards
from models.domain.clock import now
from models.domain.incidents import place_words
from models.domain.notices import Target, parse
from models.outbox import queue_message
from models.storage.db import community_row
from models.storage.statements import fetch, insert_many, update_where
from models.tables import Community, Notice, NoticeDelivery, Staff, UnitAlias


def t(key: str, **values: Any) -> str:
    return env().texts(key, "hans", **values)


@dataclass
class Recipient:
    resident_id: int
    platform: str
    chat_id: str
    script: str
    unit_id: int | None
    unit: str


async def recipients(
    community: Community, targets: list[Target], conn: BaseDBAsyncClient | None = None
) -> list[Recipient]:
    """Every resident a notice is for: those bound to a unit the targets cover (all the
    community's residents for 全小区), on whatever platform each uses."""
    rows = await fetch(
        'SELECT r."id" AS id, r."platform" AS platform, r."chat_id" AS chat_id, '
        'r."script" AS script, r."unit_id" AS unit_id, u."label" AS label, '
        'u."entrance" AS entrance, b."name" AS building FROM "resident" r '
        'LEFT JOIN "unit" u ON u."id" = r."unit_id" '
        'LEFT JOIN "building" b ON b."id" = u."building_id" '
        'WHERE r."community_id" = ? OR b."community_id" = ? ORDER BY r."id"',
        [community.id, community.id],
        conn,
    )
    unit_keys = [x.unit_key for x in targets if x.kind == "unit" and x.unit_key]
    keys_of: dict[int, set[str]] = {}
    if unit_keys:
        for alias in await UnitAlias.filter(community_id=community.id, key__in=unit_keys).using_db(
            conn
        ):
            keys_of.setdefault(alias.unit_id, set()).add(alias.key)
    out = []
    for row in rows:
        if row["platform"] not in NOTICE_PLATFORMS:
            continue
        keys = keys_of.get(row["unit_id"], set())
        if not any(x.covers(row["building"], row["entrance"], keys) for x in targets):
            continue
        if row["unit_id"] is None and not any(x.kind == "community" for x in targets):
            continue
        out.append(
            Recipient(
                row["id"],
                row["platform"],
                row["chat_id"],
                row["script"] or "hans",
                row["unit_id"],
                row["label"] or "未登记",
            )
        )
    return out


NOTICE_PLATFORMS = ("telegram", "wechat", "web")  # every channel a resident writes from


def platform_counts(people: list[Recipient]) -> str:
    """ "Telegram 3，微信 2": the residents a notice reaches on each platform it uses."""
    counts = {p: sum(1 for x in people if x.platform == p) for p in NOTICE_PLATFORMS}
    return "，".join(f"{t(f'staff.platform.{p}')} {n}" for p, n in counts.items() if n)


def unregistered(people: list[Recipient]) -> int:
    return sum(1 for p in people if p.unit_id is None)


def households(people: list[Recipient]) -> int:
    """The homes a notice reaches: its residents' distinct units (a resident who never
    gave one is a resident, not a household: the preview says how many there are)."""
    return len({p.unit_id for p in people if p.unit_id is not None})


def targets_of(notice: Notice) -> list[Target]:
    return [Target.from_dict(x) for x in notice.targets or []]


def targets_words(notice: Notice, script: str) -> str:
    """Who a notice is for, as a resident reads it."""
    if script != "en":
        return nlp.to_script(notice.target_label, script)
    fmt = env().config.communities[0].unit_format
    words = []
    for x in targets_of(notice):
        if x.kind in ("building", "entrance", "community"):
            words.append(place_words(x.building, x.entrance, fmt, "en"))
        else:
            words.append(x.label)
    return ", ".join(words)


def period_words(notice: Notice) -> str:
    if notice.starts_at is None or notice.ends_at is None:
        return ""
    tz = env().config.tz
    start, end = notice.starts_at.astimezone(tz), notice.ends_at.astimezone(tz)
    last = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%m-%d %H:%M}"
    return f"{start:%m-%d %H:%M}–{last}"


def only_community() -> str | None:
    """The community of a notice by staff who serve every community: the only one."""
    communities = env().config.communities
    return communities[0].code if len(communities) == 1 else None


def may_see(staff: Staff | None, notice: Notice | None) -> bool:
    if staff is None or notice is None or not staff.active:
        return False
    return staff.community_id is None or staff.community_id == notice.community_id


# -- 1. the draft and its preview ----------------------------------------------------------
async def draft(
    staff: Staff,
    platform: str,
    chat: str,
    rest: str,
    conn: BaseDBAsyncClient,
    *,
    community_code: str | None = None,
) -> tuple[str, list[list[dict[str, str]]] | None]:
    """The preview of a notice (and its buttons), or how to write one. Staff of every
    community name it (``community_code``, the console's choice) unless there is one."""
    if staff.community_id is not None:
        community = await community_row(staff.community_id, conn=conn)
    else:
        codes = {c.code for c in env().config.communities}
        code = community_code if community_code in codes else only_community()
        if code is None:
            return t("staff.notice_which_community"), None
        community = await community_row(code=code, conn=conn)
    config = env().config
    found = parse(rest, config.community(community.code), now(), config.tz)
    if found is None:
        return t("staff.notice_usage"), None
    people = await recipients(community, found.targets, conn)
    if not people:
        return t("staff.notice_nobody", targets=found.label), None
    notice = await Notice.create(
        community_id=community.id,
        kind=found.kind,
        text=found.text[:2000],
        targets=[x.as_dict() for x in found.targets],
        target_label=found.label[:200],
        starts_at=found.starts_at,
        ends_at=found.ends_at,
        status="draft",
        created_by_id=staff.id,
        origin_platform=platform,
        origin_chat=chat,
        households=households(people),
        recipients=len(people),
        created_at=now(),
        using_db=conn,
    )
    text = preview_text(notice, people)
    buttons = [
        [
            {"text": t("staff.notice_button_send"), "data": f"notice:send:{notice.id}"},
            {"text": t("staff.notice_button_cancel"), "data": f"notice:cancel:{notice.id}"},
        ]
    ]
    return text, buttons


def preview_text(notice: Notice, people: list[Recipient]) -> str:
    """What a draft will do, for whoever confirms it (the chat's preview and the
    console's page): where, what, when, how many homes on which platforms, and when it
    goes out if it is quiet hours now."""
    at = now()
    start = env().calendar.after_quiet(at)
    period = period_words(notice)
    return t(
        "staff.notice_preview",
        id=notice.id,
        targets=notice.target_label,
        kind=t(f"staff.notice_kind.{notice.kind}"),
        text=notice.text,
        period=t("staff.notice_period", period=period) if period else "",
        households=households(people),
        residents=len(people),
        platforms=platform_counts(people)
        + (t("staff.notice_unregistered", n=unbound) if (unbound := unregistered(people)) else ""),
        quiet=t("staff.notice_quiet", when=f"{start.astimezone(env().config.tz):%H:%M}")
        if start > at
        else "",
    )


# -- 2. sent ------------------------------------------------------------------------------
def message_for(notice: Notice, script: str) -> str:
    tt = env().texts
    return tt(
        "notice.message",
        script,
        kind=tt(f"notice.kind.{notice.kind}", script),
        targets=targets_words(notice, script),
        text=nlp.to_script(notice.text, script),
    )


class Settled(str):
    """An answer that settled the notice (it is now sending, or cancelled): the card its
    button was on may close with it. Any other answer (already settled, unknown) is a plain
    ``str``: a late second press must not overwrite what the first one closed the card with."""


async def send(
    notice_id: int, staff: Staff, conn: BaseDBAsyncClient, *, pressed: Incoming | None = None
) -> str:
    """Queue the notice for every resident it is for (once: a second press is told so).
    Its cards in the chats close with the answer (but the one ``pressed``, which the
    button's answer closes)."""
    at = now()
    notice, refused = await _take_draft(
        notice_id, staff, {"status": "sending", "sent_at": at}, conn
    )
    if refused:
        return refused
    community = await community_row(notice.community_id, conn=conn)
    people = await recipients(community, targets_of(notice), conn)  # as they are now
    not_before = env().calendar.after_quiet(at)
    facts = {
        "summary": f"{notice.target_label}{t(f'staff.notice_kind.{notice.kind}')}通知",
        "text": " ".join(notice.text.split()),
        "kind": t(f"staff.notice_kind.{notice.kind}"),
    }
    deliveries = []
    for person in people:
        row = await queue_message(
            person.platform,
            person.chat_id,
            message_for(notice, person.script),
            kind="notice",
            not_before=not_before,
            conn=conn,
            text_key="notice.message",
            facts=facts,
            notice=notice.id,
        )
        deliveries.append(
            {
                "notice_id": notice.id,
                "resident_id": person.resident_id,
                "unit_id": person.unit_id,
                "platform": person.platform,
                "outbox_id": row.id,
                "status": "queued",
            }
        )
    await insert_many(NoticeDelivery, deliveries, conn)
    await update_where(
        Notice,
        {"id": notice.id},
        {"recipients": len(people), "households": households(people)},
        conn,
    )
    return await _settled(
        notice, t("staff.notice_sending", id=notice.id, residents=len(people)), conn, pressed
    )


async def cancel(
    notice_id: int, staff: Staff, conn: BaseDBAsyncClient, *, pressed: Incoming | None = None
) -> str:
    notice, refused = await _take_draft(notice_id, staff, {"status": "cancelled"}, conn)
    if refused:
        return refused
    return await _settled(notice, t("staff.notice_cancelled", id=notice.id), conn, pressed)


async def _take_draft(notice_id: int, staff: Staff, values: dict, conn):
    """(the notice, None) once it left its draft for ``values``; (None, why not) when it
    is not theirs or was already sent or cancelled."""
    notice = await Notice.get_or_none(id=notice_id).using_db(conn)
    if not may_see(staff, notice):
        return None, t("staff.notice_unknown", id=notice_id)
    if not await update_where(Notice, {"id": notice.id, "status": "draft"}, values, conn):
        status = t(f"staff.notice_status.{notice.status}")
        return None, t("staff.notice_not_draft", id=notice.id, status=status)
    return notice, None


async def _settled(notice: Notice, line: str, conn, pressed: Incoming | None) -> Settled:
    # every card of the notice carries both buttons: one of them finds each card once
    await settle_cards(f"notice:send:{notice.id}", line, conn, pressed=pressed)
    return Settled(line)


async def visible(staff: Staff, limit: int = 50) -> list[Notice]:
    """The notices ``staff`` may see (``may_see``), newest first: the console's list."""
    q = Notice.all()
    if staff.community_id is not None:
        q = q.filter(community_id=staff.community_id)
    return list(await q.order_by("-id").limit(limit))
