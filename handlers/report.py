"""The monthly complaint statistics (《顾客投诉分类统计表》, docs/domain.md "Records and
statistics"): complaints by content class, how many were reported back and answered
on time, satisfaction, reopenings; with the month's requests of every kind.

``python -m bot report --month 2026-11`` prints it; on the 1st of each month at 09:00
the previous month's table goes to each community's supervisors' chat and to the
managers (once, whichever worker fires it).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta

from tortoise.exceptions import IntegrityError

from handlers import notify
from handlers.context import env
from models.domain import deadlines
from models.domain.clock import now
from models.outbox import notify_dispatcher, queue_message, transaction
from models.storage.db import community_row
from models.tables import JobRun, Ticket, TicketEvent

CLASSES = ("equipment", "attitude", "quality", "incident")
CLASS_ZH = {
    "equipment": "设备",
    "attitude": "服务态度",
    "quality": "服务质量",
    "incident": "突发事件",
    "other": "未分类",
}
KIND_ZH = {"repair": "报修", "complaint": "投诉", "cleaning": "保洁", "consultation": "咨询"}


@dataclass
class ComplaintTable:
    community: str
    month: str
    requests: dict[str, int] = field(default_factory=dict)
    complaints: int = 0
    by_class: dict[str, int] = field(default_factory=dict)
    closed: int = 0
    reported_on_time: int = 0
    answered_on_time: int = 0
    urgent: int = 0
    reopened: int = 0
    rated: int = 0
    satisfaction: float | None = None

    def rate(self, part: int) -> str:
        return f"{part / self.complaints:.0%}" if self.complaints else "-"


def month_bounds(month: str, tz) -> tuple[datetime, datetime]:
    """``2026-11`` → its first instant and the first instant of the next month."""
    year, mon = (int(x) for x in month.split("-"))
    start = datetime.combine(date(year, mon, 1), time(0), tz)
    nxt = date(year + (mon == 12), mon % 12 + 1, 1)
    return start, datetime.combine(nxt, time(0), tz)


def previous_month(at: datetime, tz) -> str:
    first = at.astimezone(tz).date().replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")


async def complaint_table(community_code: str, month: str) -> ComplaintTable:
    config = env().config
    d = config.deadlines
    start, end = month_bounds(month, config.tz)
    community = await community_row(code=community_code)
    tickets = await Ticket.filter(
        community_id=community.id, created_at__gte=start, created_at__lt=end
    )
    table = ComplaintTable(community=community.name, month=month)
    for kind in KIND_ZH:
        table.requests[kind] = sum(1 for t in tickets if t.kind == kind)
    complaints = [t for t in tickets if t.kind == "complaint" and t.status != "cancelled"]
    table.complaints = len(complaints)
    for cls in (*CLASSES, "other"):
        table.by_class[cls] = sum(
            1
            for t in complaints
            if (t.complaint_class if t.complaint_class in CLASSES else "other") == cls
        )
    for t in complaints:
        report_by = deadlines.after(
            t.created_at, timedelta(hours=d.complaint_report_back_hours), t.urgent
        )
        if t.reported_at is not None and t.reported_at <= report_by:
            table.reported_on_time += 1
        if t.resolved_at is not None and t.resolved_at <= deadlines.complaint_answer_deadline(t):
            table.answered_on_time += 1
    table.closed = sum(1 for t in complaints if t.status == "closed")
    table.urgent = sum(1 for t in complaints if t.urgent)
    ids = [t.id for t in complaints]
    table.reopened = (
        len(
            set(
                await TicketEvent.filter(ticket_id__in=ids, to_status="reopened").values_list(
                    "ticket_id", flat=True
                )
            )
        )
        if ids
        else 0
    )
    scores = [t.satisfaction for t in complaints if t.satisfaction]
    table.rated = len(scores)
    table.satisfaction = round(sum(scores) / len(scores), 2) if scores else None
    return table


def render(table: ComplaintTable) -> str:
    lines = [
        f"《顾客投诉分类统计表》{table.community} {table.month}",
        "本月受理：" + "，".join(f"{KIND_ZH[k]} {n}" for k, n in table.requests.items()),
        f"投诉总数：{table.complaints}（紧急 {table.urgent}）",
        "按内容分类：" + "，".join(f"{CLASS_ZH[c]} {n}" for c, n in table.by_class.items()),
        f"4小时内回复前台：{table.reported_on_time}（{table.rate(table.reported_on_time)}）",
        f"24小时内答复业主：{table.answered_on_time}（{table.rate(table.answered_on_time)}）",
        f"已办结：{table.closed}（{table.rate(table.closed)}）；重开：{table.reopened}",
        "回访满意度："
        + (
            f"{table.satisfaction} 分（{table.rated} 条评价）"
            if table.satisfaction is not None
            else "暂无评价"
        ),
    ]
    return "\n".join(lines)


def as_dict(table: ComplaintTable) -> dict:
    return asdict(table)


async def send_monthly(at: datetime | None = None) -> int:
    """The previous month's table to every supervisors' chat and manager, once."""
    at = at or now()
    month = previous_month(at, env().config.tz)
    sent = 0
    for c in env().config.communities:
        try:
            async with transaction() as conn:
                await JobRun.create(
                    name=f"complaint-report:{c.code}", slot=month, ran_at=at, using_db=conn
                )
                text = render(await complaint_table(c.code, month))
                community = await community_row(code=c.code, conn=conn)
                for platform, chat in notify.staff_chats(c.code, "supervisors"):
                    await queue_message(platform, chat, text, conn=conn)
                await notify.to_managers(text, conn, community_id=community.id)
        except IntegrityError:
            continue  # this month's report was already sent
        sent += 1
    if sent:
        notify_dispatcher()
    return sent
