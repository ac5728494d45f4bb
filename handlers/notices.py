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
from datetime import datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

import nlp
from handlers.context import env
from models.domain.clock import now
from models.domain.incidents import place_words
from models.domain.notices import KIND_FAILURE, Target, parse
from models.outbox import queue_message
from models.storage.db import community_row
from models.storage.statements import fetch, insert_many, update_where
from models.tables import Community, Notice, NoticeDelivery, Resident, Staff, UnitAlias

OPEN = ("sending", "done")
STOP_WORDS = {"请问", "什么时候", "几点", "明天", "今天", "为什么", "可以", "需要", "物业", "小区"}
MISSED_LISTED = 20


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


async def send(notice_id: int, staff: Staff, conn: BaseDBAsyncClient) -> str:
    """Queue the notice for every resident it is for (once: a second press is told so)."""
    notice = await Notice.get_or_none(id=notice_id).using_db(conn)
    if not may_see(staff, notice):
        return t("staff.notice_unknown", id=notice_id)
    at = now()
    changed = await update_where(
        Notice, {"id": notice.id, "status": "draft"}, {"status": "sending", "sent_at": at}, conn
    )
    if not changed:
        return t(
            "staff.notice_not_draft", id=notice.id, status=t(f"staff.notice_status.{notice.status}")
        )
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
    return Settled(t("staff.notice_sending", id=notice.id, residents=len(people)))


async def cancel(notice_id: int, staff: Staff, conn: BaseDBAsyncClient) -> str:
    notice = await Notice.get_or_none(id=notice_id).using_db(conn)
    if not may_see(staff, notice):
        return t("staff.notice_unknown", id=notice_id)
    changed = await update_where(
        Notice, {"id": notice.id, "status": "draft"}, {"status": "cancelled"}, conn
    )
    if not changed:
        return t(
            "staff.notice_not_draft", id=notice.id, status=t(f"staff.notice_status.{notice.status}")
        )
    return Settled(t("staff.notice_cancelled", id=notice.id))


async def visible(staff: Staff, limit: int = 50) -> list[Notice]:
    """The notices ``staff`` may see (``may_see``), newest first: the console's list."""
    q = Notice.all()
    if staff.community_id is not None:
        q = q.filter(community_id=staff.community_id)
    return list(await q.order_by("-id").limit(limit))


# -- what residents write about a notice --------------------------------------------------
async def concerning(resident: Resident, at: datetime, conn) -> list[Notice]:
    """The notices sent lately that are for this resident's home, newest first."""
    if resident.community_id is None:
        return []
    found = (
        await Notice.filter(
            community_id=resident.community_id,
            status__in=list(OPEN),
            sent_at__gte=at - timedelta(days=14),
        )
        .using_db(conn)
        .order_by("-id")
        .limit(20)
    )
    if not found:
        return []
    building, entrance, keys = None, None, set()
    if resident.unit_id is not None:
        rows = await fetch(
            'SELECT u."entrance" AS entrance, b."name" AS building FROM "unit" u '
            'JOIN "building" b ON b."id" = u."building_id" WHERE u."id" = ?',
            [resident.unit_id],
            conn,
        )
        if rows:
            building, entrance = rows[0]["building"], rows[0]["entrance"]
        keys = set(
            await UnitAlias.filter(unit_id=resident.unit_id)
            .using_db(conn)
            .values_list("key", flat=True)
        )
    out = []
    for notice in found:
        targets = targets_of(notice)
        if any(x.kind == "community" for x in targets) or (
            resident.unit_id is not None
            and any(x.covers(building, entrance, keys) for x in targets)
        ):
            out.append(notice)
    return out


def window(notice: Notice, *, planned: bool) -> tuple[datetime, datetime]:
    """When a notice explains reports (``planned``: its period, give or take the margin)
    or answers questions (from its sending to the end of that)."""
    cfg = env().config.notices
    margin = timedelta(minutes=cfg.margin_minutes)
    sent = notice.sent_at or notice.created_at
    if notice.starts_at is not None and notice.ends_at is not None:
        start, end = notice.starts_at - margin, notice.ends_at + margin
    else:
        start, end = sent, sent + timedelta(hours=cfg.default_hours)
    return (start if planned else min(start, sent)), end


def planned_failure(notice: Notice) -> str | None:
    return KIND_FAILURE.get(notice.kind)


def mentions(c: nlp.Classification, notice: Notice) -> bool:
    """A question that names what the notice is about ("车库清洗要挪车吗")."""
    return any(len(k) >= 2 and k not in STOP_WORDS and k in notice.text for k in c.keywords)
