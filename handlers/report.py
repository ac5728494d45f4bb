"""The monthly complaint statistics (《顾客投诉分类统计表》, docs/domain.md section 10):
requests of every kind (consultations include the questions the FAQ answered),
complaints by content class and nature, the on-time rates over what fell due,
satisfaction over every rated ticket, reopenings, first-contact resolution and
response times. The figures come from ``handlers.statistics``.

``python -m bot report --month 2026-11 [--xlsx F] [--png F]`` prints (and writes) it; on
the 1st of each month at 09:00 the previous month's table goes to each community's
supervisors' chat and to the managers, as text, the .xlsx file and a PNG chart (once,
whichever worker fires it).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from tortoise.exceptions import IntegrityError

from handlers import exports, notify, statistics
from handlers.context import env
from models.domain import statistics as st
from models.domain.clock import now
from models.outbox import notify_dispatcher, queue_message, transaction
from models.storage.db import community_row
from models.tables import JobRun

FILES_DIR = Path("data/reports")
"""Where the files sent to chats are kept (``run`` puts it beside the media folder)."""


def set_files_dir(path: Path) -> None:
    global FILES_DIR
    FILES_DIR = Path(path)


render = st.render_text
previous_month = st.previous_month


async def complaint_table(community_code: str, month: str) -> st.MonthTable:
    community = await community_row(code=community_code)
    return await statistics.month_table(month, [community.id])


def as_dict(table: st.MonthTable) -> dict:
    """The figures as JSON (counts and shares; the ticket ids stay out)."""

    def plain(value):
        if isinstance(value, st.Figure):
            return value.value
        if isinstance(value, st.Rate):
            return {"met": value.met.value, "due": value.due.value, "share": value.share}
        if isinstance(value, st.Rating):
            return {
                "rated": value.rated.value,
                "average": value.average,
                "satisfied": value.satisfied.value,
            }
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, st.StewardRow):
            return {
                "staff_id": value.staff_id,
                "name": value.name,
                "claimed": value.claimed.value,
                "resolved": value.resolved.value,
                "on_time": plain(value.on_time),
                "rating": plain(value.rating),
            }
        return value

    out = {f: plain(getattr(table, f)) for f in table.__dataclass_fields__}
    out["community"] = table.scope
    return out


async def files_for(table: st.MonthTable, community_ids: list[int] | None) -> tuple[bytes, bytes]:
    """The .xlsx (table and trend, with charts) and the PNG chart of a month."""
    trend = await statistics.trend(table.month, community_ids)
    xlsx = await asyncio.to_thread(exports.table_xlsx, [table], trend)
    png = await asyncio.to_thread(exports.month_chart_png, table, trend)
    return xlsx, png


async def send_monthly(at: datetime | None = None) -> int:
    """The previous month's table to every supervisors' chat and manager, once."""
    at = at or now()
    month = previous_month(at, env().config.tz)
    sent = 0
    for c in env().config.communities:
        community = await community_row(code=c.code)
        table = await complaint_table(c.code, month)
        xlsx, png = await files_for(table, [community.id])
        paths = _write(f"{month}-{c.code}", xlsx, png)
        try:
            async with transaction() as conn:
                await JobRun.create(
                    name=f"complaint-report:{c.code}", slot=month, ran_at=at, using_db=conn
                )
                for platform, chat in notify.staff_chats(c.code, "supervisors"):
                    await _queue_report(platform, chat, render(table), paths, conn)
                for platform, chat in await notify.manager_chats(conn, community.id):
                    await _queue_report(platform, chat, render(table), paths, conn)
        except IntegrityError:
            continue  # this month's report was already sent
        sent += 1
    if sent:
        notify_dispatcher()
    return sent


def _write(stem: str, xlsx: bytes, png: bytes) -> tuple[str, str]:
    FILES_DIR.mkdir(parents=True, exist_ok=True)
    xlsx_path = FILES_DIR / f"顾客投诉分类统计表-{stem}.xlsx"
    png_path = FILES_DIR / f"statistics-{stem}.png"
    xlsx_path.write_bytes(xlsx)
    png_path.write_bytes(png)
    return str(xlsx_path.resolve()), str(png_path.resolve())


async def _queue_report(platform: str, chat: str, text: str, paths: tuple[str, str], conn) -> None:
    xlsx, png = paths
    await queue_message(platform, chat, text, conn=conn)
    await queue_message(
        platform,
        chat,
        "",
        conn=conn,
        media=[{"type": "document", "path": xlsx, "platform": "file"}],
    )
    await queue_message(
        platform, chat, "", conn=conn, media=[{"type": "photo", "path": png, "platform": "file"}]
    )
