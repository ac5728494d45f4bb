"""What residents write about a notice they were sent: which notices concern their home
(``concerning``), when a notice explains a report or answers a question (``window``),
and whether a question names what it is about (``mentions``). ``handlers.outage_intake``
reads residents' messages with them as context."""

from __future__ import annotations

from datetime import datetime, timedelta

import nlp
from handlers.context import env
from handlers.notices import targets_of
from models.domain.notices import KIND_FAILURE
from models.storage.statements import fetch
from models.tables import Notice, Resident, UnitAlias

OPEN = ("sending", "done")
STOP_WORDS = {"请问", "什么时候", "几点", "明天", "今天", "为什么", "可以", "需要", "物业", "小区"}


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
