"""Tickets as rows of a spreadsheet: one row per ticket with its times, its deadlines
met or missed, and its rating (the console's exports)."""

from __future__ import annotations

from typing import Any

from handlers import statistics
from handlers.console_queries import describe, fact_of, scoped
from handlers.exports import local
from models.domain import statistics as st
from models.domain.clock import now
from models.tables import Staff, Ticket, TicketEvent


async def export_rows(tickets: list[Ticket]) -> list[dict[str, Any]]:
    """One row per ticket for a spreadsheet: times, deadlines met or missed, rating."""
    at = now()
    described = {d["id"]: d for d in await describe(tickets, at)}
    reopened = set(
        await TicketEvent.filter(
            ticket_id__in=[t.id for t in tickets], kind="status", to_status="reopened"
        ).values_list("ticket_id", flat=True)
    )
    rules = statistics.rules()
    out = []
    for t in tickets:
        d = described[t.id]
        verdicts = {
            name: st.verdict(deadline, done, at)
            for name, (deadline, done) in st.clocks(fact_of(t), rules).items()
        }

        def word(name: str, verdicts=verdicts) -> str:
            return (
                {True: "按时", False: "超时", None: "未到期"}.get(verdicts.get(name), "-")
                if (name in verdicts)
                else "-"
            )

        out.append(
            {
                "工单号": t.number,
                "小区": d["community"],
                "房号": d["unit"],
                "类别": d["kind_zh"],
                "内容分类": st.CLASS_ZH.get(t.complaint_class or "", "")
                if t.kind == "complaint"
                else "",
                "性质": st.NATURE_ZH.get(t.nature or "", "") if t.kind == "complaint" else "",
                "状态": d["status_zh"],
                "紧急": "是" if t.urgent else "",
                "负责人": d["assignee"],
                "摘要": d["summary"],
                "创建": local(t.created_at),
                "接单": local(t.claimed_at),
                "回复前台": local(t.reported_at),
                "处理": local(t.resolved_at),
                "办结": local(t.closed_at),
                "按时接单": word("claim"),
                "4小时回复": word("report_back"),
                "24小时答复": word("answer"),
                "满意度": t.satisfaction,
                "重开": "是" if t.id in reopened else "",
            }
        )
    return out


async def tickets_by_ids(staff: Staff, ids: list[int]) -> list[Ticket]:
    """The tickets behind a statistic, within the person's communities."""
    out: list[Ticket] = []
    for i in range(0, len(ids), statistics.CHUNK):
        out += await scoped(staff).filter(id__in=ids[i : i + statistics.CHUNK])
    return sorted(out, key=lambda t: t.id)
