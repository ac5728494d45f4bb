"""The daily digest: at the evening handover (the one nearest the close of business),
each community's supervisors' chat gets yesterday's figures — requests by kind,
tickets closed, deadlines missed, ratings — and a small chart. Once per community and
day, whichever worker fires it (``job_run``)."""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta
from pathlib import Path

from tortoise.exceptions import IntegrityError

from handlers import exports, notify, report, statistics
from handlers.context import env
from models.domain import statistics as st
from models.domain.clock import now
from models.domain.ticket import OPEN_STATUSES
from models.outbox import notify_dispatcher, queue_message, transaction
from models.tables import Community, JobRun, Ticket


async def figures(community: Community, at: datetime) -> tuple[str, bytes]:
    """Yesterday's digest of a community (company time): the text and the chart."""
    tz = env().config.tz
    day = at.astimezone(tz).date() - timedelta(days=1)
    start = datetime.combine(day, time(0), tz)
    end = start + timedelta(days=1)
    facts = await statistics.facts([community.id], start, end)
    table = st.compute(
        community.name,
        day.isoformat(),
        facts,
        statistics.rules(),
        start=start,
        end=end,
        at=at,
        faq_answered=await statistics.faq_answered([community.id], start, end),
    )
    overdue_now = await Ticket.filter(
        community_id=community.id,
        status__in=[s.value for s in OPEN_STATUSES],
        deadline_at__lte=at,
    ).count()
    clocks = (table.claim, table.report_back, table.answer)
    missed = sum(r.missed.value for r in clocks)
    met = sum(r.met.value for r in clocks)
    rating = table.rating["all"]
    text = "\n".join(
        [
            f"【每日简报】{community.name} {day:%m-%d}",
            "受理："
            + "，".join(f"{st.KIND_ZH[k]} {table.requests[k].value}" for k in st.KINDS)
            + f"（共 {table.total_requests}）",
            f"办结：{table.closed.value}；重开：{table.reopened.value}",
            f"到期时限：按时 {met}，超时 {missed}；现在仍超时未完成：{overdue_now}",
            "回访评价："
            + (f"{rating.average} 分（{rating.rated.value} 条）" if rating.rated.value else "暂无"),
            "详情见网页后台：统计",
        ]
    )
    png = await asyncio.to_thread(
        exports.digest_chart_png,
        f"{community.name} {day:%m-%d}",
        ["受理", "办结", "超时", "评价"],
        [table.total_requests, table.closed.value, missed, rating.rated.value],
    )
    return text, png


async def send_daily(at: datetime | None = None) -> int:
    """Yesterday's digest to every supervisors' chat that has not had it; returns how
    many communities were sent one."""
    at = at or now()
    day = (at.astimezone(env().config.tz).date() - timedelta(days=1)).isoformat()
    sent = 0
    for c in env().config.communities:
        chats = notify.staff_chats(c.code, "supervisors")
        if not chats:
            continue
        community = await Community.get(code=c.code)
        if await JobRun.exists(name=f"digest:{c.code}", slot=day):
            continue
        text, png = await figures(community, at)
        path = report.FILES_DIR / f"digest-{day}-{c.code}.png"
        await asyncio.to_thread(_write, path, png)
        try:
            async with transaction() as conn:
                await JobRun.create(name=f"digest:{c.code}", slot=day, ran_at=at, using_db=conn)
                for platform, chat in chats:
                    await queue_message(
                        platform,
                        chat,
                        text,
                        conn=conn,
                        media=[{"type": "photo", "path": str(path.resolve()), "platform": "file"}],
                    )
        except IntegrityError:
            continue  # another worker sent it
        sent += 1
    if sent:
        notify_dispatcher()
    return sent


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
