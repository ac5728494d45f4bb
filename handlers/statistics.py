"""The month's figures read from the database: the tickets (and the events of their
history) that may count in a month, handed to ``models.domain.statistics`` as plain
facts. Used by the monthly report in chat, the console's statistics pages, the daily
digest and ``python -m bot report``.

A scope is a list of community ids (None: every community), which is what
``handlers.permissions.community_scope`` gives a staff member's views."""

from __future__ import annotations

import asyncio
import time as _time
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from tortoise.expressions import Q

from handlers.context import env
from models.domain import statistics as st
from models.domain.clock import now
from models.domain.lifecycle import FOLLOWUP_ASKED, RATED_PREFIXES
from models.tables import (
    Community,
    InboundMessage,
    Incident,
    IncidentReport,
    Resident,
    Staff,
    Ticket,
    TicketEvent,
)

LOOKBACK = timedelta(days=21)
"""How long before a month a ticket may have been opened and still have a deadline in
it: the longest clock is 24 business hours (three working days), and the longest
holiday with its weekends (National Day) is nine days; three weeks leave room."""

_FIELDS = (
    "id",
    "kind",
    "status",
    "urgent",
    "created_at",
    "community_id",
    "complaint_class",
    "nature",
    "assignee_id",
    "claimed_at",
    "reported_at",
    "resolved_at",
    "closed_at",
    "satisfaction",
    "details",
)
CHUNK = 500  # ids per IN (…) list


def rules() -> st.Rules:
    d = env().config.deadlines
    cal = env().calendar
    return st.Rules(
        due=lambda start, duration, urgent: cal.due(start, duration, urgent=urgent),
        business_between=lambda a, b, urgent: cal.business_between(a, b, urgent=urgent),
        report_back=timedelta(hours=d.complaint_report_back_hours),
        answer=timedelta(hours=d.complaint_answer_hours),
        claim={
            "repair": timedelta(minutes=d.repair_claim_minutes),
            "cleaning": timedelta(minutes=d.cleaning_claim_minutes),
            "consultation": timedelta(minutes=d.consultation_answer_minutes),
        },
        urgent_claim=timedelta(minutes=d.urgent_claim_minutes),
    )


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


async def scope_name(community_ids: list[int] | None) -> str:
    if community_ids is None:
        return "全部小区"
    names = (
        await Community.filter(id__in=community_ids).order_by("id").values_list("name", flat=True)
    )
    return "、".join(names) or "-"


async def facts(
    community_ids: list[int] | None, start: datetime, end: datetime
) -> list[st.TicketFacts]:
    """Every ticket that may count in ``[start, end)``, with its history's facts."""
    q = Ticket.filter(created_at__lt=end).filter(
        Q(created_at__gte=start - LOOKBACK)
        | Q(closed_at__gte=start)
        | Q(resolved_at__gte=start)
        | Q(claimed_at__gte=start)
    )
    if community_ids is not None:
        q = q.filter(community_id__in=community_ids)
    rows = {r["id"]: r for r in await q.values(*_FIELDS)}
    # ratings and follow-up questions of the month (their tickets may be older)
    followups = await TicketEvent.filter(kind="followup", at__gte=start, at__lt=end).values(
        "ticket_id", "at", "text"
    )
    missing = sorted({e["ticket_id"] for e in followups} - rows.keys())
    for ids in _chunks(missing):
        more = Ticket.filter(id__in=ids)
        if community_ids is not None:
            more = more.filter(community_id__in=community_ids)
        rows.update({r["id"]: r for r in await more.values(*_FIELDS)})
    rated: dict[int, datetime] = {}
    asked: dict[int, list[datetime]] = defaultdict(list)
    for e in followups:
        if e["text"].startswith(RATED_PREFIXES):
            rated[e["ticket_id"]] = max(e["at"], rated.get(e["ticket_id"], e["at"]))
        elif e["text"] in FOLLOWUP_ASKED:
            asked[e["ticket_id"]].append(e["at"])
    reopened: dict[int, list[datetime]] = defaultdict(list)
    ever_rated: set[int] = set()
    for ids in _chunks(sorted(rows)):
        for e in await TicketEvent.filter(
            Q(kind="status", to_status="reopened")
            | Q(kind="followup", text__startswith=RATED_PREFIXES[0])
            | Q(kind="followup", text__startswith=RATED_PREFIXES[1]),
            ticket_id__in=ids,
        ).values("ticket_id", "at", "kind"):
            if e["kind"] == "status":
                reopened[e["ticket_id"]].append(e["at"])
            else:
                ever_rated.add(e["ticket_id"])
    households: dict[int, int] = {}  # an incident's own ticket → households affected
    members: set[int] = set()  # households' reports inside an incident
    for ids in _chunks(sorted(rows)):
        households.update(
            await Incident.filter(ticket_id__in=ids).values_list("ticket_id", "households")
        )
        members.update(
            await IncidentReport.filter(
                ticket_id__in=ids, incident_id__not_isnull=True
            ).values_list("ticket_id", flat=True)
        )
    out = []
    for r in rows.values():
        details = r.pop("details") or {}
        out.append(
            st.TicketFacts(
                **r,
                rated_at=rated.get(r["id"])
                # a rating with no event (set by hand): when the ticket was finished
                or (
                    (r["closed_at"] or r["resolved_at"])
                    if r["satisfaction"] and r["id"] not in ever_rated
                    else None
                ),
                reopened=tuple(reopened.get(r["id"], ())),
                followup_asked=tuple(asked.get(r["id"], ())),
                slot=bool(details.get("slot_start")),
                households=max(1, households[r["id"]]) if r["id"] in households else 0,
                in_incident=r["id"] in members,
            )
        )
    return out


async def faq_answered(community_ids: list[int] | None, start: datetime, end: datetime) -> int:
    """Questions the FAQ answered in ``[start, end)``: consultations handled."""
    rows = await InboundMessage.filter(
        faq__isnull=False, received_at__gte=start, received_at__lt=end
    ).values_list("platform", "sender_id")
    if community_ids is None or not rows:
        return len(rows)
    senders = {s for _, s in rows}
    where: dict[tuple[str, str], int | None] = {}
    for chunk in _chunks(sorted(senders)):
        for p, uid, cid in await Resident.filter(platform_user_id__in=chunk).values_list(
            "platform", "platform_user_id", "community_id"
        ):
            where[(p, uid)] = cid
    return sum(1 for p, s in rows if where.get((p, s)) in community_ids)


async def month_table(
    month: str, community_ids: list[int] | None = None, *, at: datetime | None = None
) -> st.MonthTable:
    at = at or now()
    start, end = st.month_bounds(month, env().config.tz)
    tickets = await facts(community_ids, start, end)
    names = dict(await Staff.all().values_list("id", "name"))
    # in a thread: the event loop keeps serving messages meanwhile (a month of 10,000
    # tickets is most of a second of Python)
    return await asyncio.to_thread(
        st.compute,
        await scope_name(community_ids),
        month,
        tickets,
        rules(),
        start=start,
        end=end,
        at=at,
        faq_answered=await faq_answered(community_ids, start, end),
        staff_names=names,
    )


_trend_cache: dict[tuple, tuple[float, st.MonthTable]] = {}
TREND_SECONDS = 300.0


async def trend(
    month: str, community_ids: list[int] | None = None, months: int = 6
) -> list[st.MonthTable]:
    """The tables of ``months`` months ending with ``month`` (finished months are kept
    for five minutes: a late rating moves them a little, and rarely)."""
    tz = env().config.tz
    current = st.this_month(now(), tz)
    out = []
    for m in st.months_back(month, months):
        key = (m, tuple(community_ids) if community_ids is not None else None)
        cached = _trend_cache.get(key)
        if m < current and cached and _time.monotonic() - cached[0] < TREND_SECONDS:
            out.append(cached[1])
            continue
        table = await month_table(m, community_ids)
        _trend_cache[key] = (_time.monotonic(), table)
        out.append(table)
    return out


def default_month(at: datetime | None = None) -> tuple[str, str]:
    """The month a report shows when none is named, and a sentence saying so: last
    month, and how to choose another (the 3rd of December shows November)."""
    tz = env().config.tz
    at = at or now()
    month = st.previous_month(at, tz)
    current = st.this_month(at, tz)
    return month, (
        f"默认显示上月 {month}（今天是 {at.astimezone(tz):%Y-%m-%d}）；"
        f"查看其他月份：--month YYYY-MM，例如本月 --month {current}"
    )
