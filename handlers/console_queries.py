"""What the web console reads: the queue (with its filters and the counts of its
views), one ticket with its whole history, and ticket lists for export. Everything is
limited to what ``handlers.permissions`` lets the person see; residents' texts are
masked (``nlp.mask_personal``) and their names never shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from tortoise.expressions import Q

from handlers import labels, notify, statistics
from handlers.context import env, row_id
from handlers.permissions import community_scope, may_act, visible
from handlers.tickets import by_number
from models.domain import statistics as st
from models.domain.clock import now
from models.domain.ticket import ACTIVE_STATUSES, OPEN_STATUSES
from models.tables import Building, Community, Outbox, Staff, Ticket, TicketEvent, Unit
from nlp import mask_personal

VIEWS = ("open", "overdue", "urgent", "unclaimed", "mine", "all")
PAGE = 100
_ACTIVE = [s.value for s in ACTIVE_STATUSES]
_OPEN = [s.value for s in OPEN_STATUSES]


FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2199, 12, 31)  # what a filter can mean


@dataclass
class Filters:
    view: str = "open"
    community: int | None = None
    building: int | None = None
    kind: str | None = None
    status: str | None = None
    assignee: int | None = None
    since: date | None = None
    until: date | None = None
    q: str = ""
    page: int = 0

    @classmethod
    def parse(cls, query: dict[str, str]) -> Filters:
        def num(name: str) -> int | None:
            return row_id(query.get(name))  # None for words and for numbers beyond any row

        def day(name: str) -> date | None:
            try:
                value = date.fromisoformat((query.get(name) or "").strip())
            except ValueError:
                return None
            # a date picker can send 9999-12-31; the day after it does not exist
            return value if FIRST_DAY <= value <= LAST_DAY else None

        view = query.get("view") or "open"
        kind = query.get("kind") or None
        status = query.get("status") or None
        return cls(
            view=view if view in VIEWS else "open",
            community=num("community"),
            building=num("building"),
            kind=kind if kind in st.KINDS else None,
            status=status if status in labels.RESIDENT_STATUS else None,
            assignee=num("assignee"),
            since=day("since"),
            until=day("until"),
            q=(query.get("q") or "").strip()[:60],
            page=num("page") or 0,
        )


def scope_ids(staff: Staff) -> list[int] | None:
    scope = community_scope(staff)
    return None if scope is None else [scope]


def scoped(staff: Staff):
    return visible(staff, Ticket.all())


def _view(q, view: str, staff: Staff, at: datetime):
    if view == "all":
        return q
    if view == "overdue":
        return q.filter(status__in=_OPEN, deadline_at__lte=at)
    q = q.filter(status__in=_ACTIVE)
    if view == "urgent":
        return q.filter(urgent=True)
    if view == "unclaimed":
        return q.filter(status__in=["dispatched", "reopened", "new"])
    if view == "mine":
        return q.filter(assignee_id=staff.id)
    return q


async def queue(staff: Staff, f: Filters) -> dict[str, Any]:
    at = now()
    tz = env().config.tz
    q = _view(scoped(staff), f.view, staff, at)
    if f.community is not None:
        q = q.filter(community_id=f.community)
    if f.building is not None:
        q = q.filter(unit__building_id=f.building)
    if f.kind:
        q = q.filter(kind=f.kind)
    if f.status:
        q = q.filter(status=f.status)
    if f.assignee is not None:
        q = q.filter(assignee_id=f.assignee)
    if f.since:
        q = q.filter(created_at__gte=datetime.combine(f.since, time(0), tz))
    if f.until:
        q = q.filter(created_at__lt=datetime.combine(f.until + timedelta(days=1), time(0), tz))
    if f.q:
        q = q.filter(_search(f.q))
    order = ("-id",) if f.view == "all" else ("deadline_at", "-id")
    if f.view != "all":
        # deadlines first (soonest first), then those without one, newest first
        rows = (
            await q.filter(deadline_at__isnull=False)
            .order_by(*order)
            .limit(PAGE + 1)
            .offset(f.page * PAGE)
        )
        if len(rows) <= PAGE:
            skip = max(0, f.page * PAGE - await q.filter(deadline_at__isnull=False).count())
            rows += (
                await q.filter(deadline_at__isnull=True)
                .order_by("-id")
                .limit(PAGE + 1 - len(rows))
                .offset(skip)
            )
    else:
        rows = await q.order_by(*order).limit(PAGE + 1).offset(f.page * PAGE)
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    return {"rows": await describe(rows, at), "more": more, "at": at}


def _search(text: str) -> Q:
    """A number (whole or its last digits), a unit as written, or words of the summary."""
    cond = Q(summary__icontains=text)
    digits = text.replace("-", "")
    if digits.isdigit():
        cond |= Q(number__endswith=text) if len(digits) <= 4 else Q(number__contains=text)
    cond |= Q(unit__label__icontains=text)
    return cond


async def counts(staff: Staff) -> dict[str, int]:
    """How many tickets each view of the queue holds now."""
    at = now()
    base = scoped(staff)
    return {v: await _view(base, v, staff, at).count() for v in VIEWS if v != "all"}


async def describe(tickets: list[Ticket], at: datetime) -> list[dict[str, Any]]:
    """A row of the queue per ticket: what staff see of it."""
    units = {
        u["id"]: u
        for u in await Unit.filter(id__in=list({t.unit_id for t in tickets if t.unit_id})).values(
            "id", "label", "building_id"
        )
    }
    staff = dict(
        await Staff.filter(
            id__in=list({t.assignee_id for t in tickets if t.assignee_id})
        ).values_list("id", "name")
    )
    communities = dict(await Community.all().values_list("id", "name"))
    tz = env().config.tz
    out = []
    for t in tickets:
        unit = units.get(t.unit_id)
        deadline = t.deadline_at if t.status in _OPEN else None
        out.append(
            {
                "id": t.id,
                "number": t.number,
                "kind": t.kind,
                "kind_zh": st.KIND_ZH.get(t.kind, t.kind),
                "icon": labels.KIND_ICONS.get(t.kind, ""),
                "status": t.status,
                "status_zh": env().texts(f"staff.status.{t.status}"),
                "urgent": t.urgent,
                "unit": labels.listed_unit(t, unit["label"] if unit else None),
                "community": communities.get(t.community_id, ""),
                "summary": mask_personal(t.summary),
                "assignee": staff.get(t.assignee_id, ""),
                "created": t.created_at.astimezone(tz).strftime("%m-%d %H:%M"),
                "deadline": deadline,
                "due_kind": labels.DUE_ZH.get(t.due_kind or "", "时限") if deadline else "",
                "left": left(deadline, at) if deadline else "",
                "overdue": bool(deadline and deadline <= at),
                "level": t.escalation_level,
            }
        )
    return out


def left(deadline: datetime, at: datetime) -> str:
    """剩 1小时20分 / 超时 35分."""
    seconds = int((deadline - at).total_seconds())
    word = "剩" if seconds > 0 else "超时"
    minutes = abs(seconds) // 60
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{word} {days}天{hours}小时"
    if hours:
        return f"{word} {hours}小时{mins}分"
    return f"{word} {mins}分"


async def choices(staff: Staff) -> dict[str, Any]:
    """The filters' options within the person's communities."""
    ids = scope_ids(staff)
    cq = Community.all() if ids is None else Community.filter(id__in=ids)
    communities = await cq.order_by("id").values("id", "name")
    bq = Building.all() if ids is None else Building.filter(community_id__in=ids)
    buildings = await bq.order_by("community_id", "name").values("id", "name", "community_id")
    sq = Staff.filter(active=True)
    if ids is not None:
        sq = sq.filter(Q(community_id__in=ids) | Q(community_id__isnull=True))
    people = await sq.order_by("name").values("id", "name", "role")
    return {"communities": communities, "buildings": buildings, "staff": people}


@dataclass
class TicketView:
    ticket: Ticket
    community: str
    unit: str
    assignee: str
    card: str
    status_zh: str
    events: list[dict[str, Any]] = field(default_factory=list)
    clocks: list[dict[str, Any]] = field(default_factory=list)


async def ticket_view(staff: Staff, number: str) -> TicketView | None:
    """One ticket and its whole history, or None when it does not exist for this person
    (another community's ticket is, to them, a ticket that is not there)."""
    ticket = await by_number(number)
    if ticket is None or not may_act(staff, ticket):
        return None
    tz = env().config.tz
    community = await Community.get(id=ticket.community_id)
    unit = await notify.unit_text(ticket, None)
    assignee = (
        (await Staff.get(id=ticket.assignee_id)).name if ticket.assignee_id is not None else ""
    )
    card, _ = await notify.render_card(ticket, None)
    events = []
    for e in await TicketEvent.filter(ticket_id=ticket.id).order_by("id"):
        who = {"resident": "业主", "system": "系统"}.get(e.actor_type) or e.actor_name
        media = (e.data or {}).get("media") or []
        events.append(
            {
                "id": e.id,
                "at": e.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"),
                "kind": e.kind,
                "who": who,
                "actor_type": e.actor_type,
                "change": f"{e.from_status or ''}→{e.to_status}" if e.to_status else "",
                "to_zh": env().texts(f"staff.status.{e.to_status}") if e.to_status else "",
                "text": mask_personal(e.text),
                "internal": bool((e.data or {}).get("internal")),
                "console": (e.data or {}).get("platform") == "console",
                "media": [{"n": n, "type": m.get("type", "document")} for n, m in enumerate(media)],
            }
        )
    events = sorted(events + await _told(ticket, tz), key=lambda e: (e["at"], e["id"]))
    at = now()
    clocks = []
    for name, (deadline, done) in st.clocks(fact_of(ticket), statistics.rules()).items():
        verdict = st.verdict(deadline, done, at)
        clocks.append(
            {
                "name": {"claim": "接单", "report_back": "4小时回复前台", "answer": "答复业主"}[
                    name
                ],
                "deadline": deadline.astimezone(tz).strftime("%m-%d %H:%M"),
                "done": done.astimezone(tz).strftime("%m-%d %H:%M") if done else "",
                "verdict": {True: "按时", False: "超时", None: left(deadline, at)}[verdict],
                "ok": verdict,
            }
        )
    status_zh = env().texts(f"staff.status.{ticket.status}")
    return TicketView(
        ticket, community.name, unit, assignee, mask_personal(card), status_zh, events, clocks
    )


def fact_of(t: Ticket) -> st.TicketFacts:
    return st.TicketFacts(
        id=t.id,
        kind=t.kind,
        status=t.status,
        urgent=t.urgent,
        created_at=t.created_at,
        community_id=t.community_id,
        complaint_class=t.complaint_class,
        nature=t.nature,
        assignee_id=t.assignee_id,
        claimed_at=t.claimed_at,
        reported_at=t.reported_at,
        resolved_at=t.resolved_at,
        closed_at=t.closed_at,
        satisfaction=t.satisfaction,
        slot=bool((t.details or {}).get("slot_start")),
    )


async def media_item(staff: Staff, event_id: int, n: int) -> dict | None:
    """A photo, voice or file of a ticket's history, for a person who may see it."""
    event = await TicketEvent.get_or_none(id=event_id)
    if event is None:
        return None
    ticket = await Ticket.get(id=event.ticket_id)
    media = (event.data or {}).get("media") or []
    if not may_act(staff, ticket) or not 0 <= n < len(media):
        return None
    return media[n]


async def _told(ticket: Ticket, tz) -> list[dict[str, Any]]:
    """What the bot itself told the resident about the ticket (confirmations, notices,
    the follow-up question): the outbox rows of their chat (staff replies are events)."""
    resident = await notify.resident_of(ticket)
    if resident is None:
        return []
    rows = (
        await Outbox.filter(
            ticket_id=ticket.id, platform=resident.platform, chat_id=resident.chat_id
        )
        .order_by("id")
        .values("id", "created_at", "sent_at", "status", "payload")
    )
    return [
        {
            "id": 0,
            "at": r["created_at"].astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"),
            "kind": "told",
            "who": "管家机器人",
            "actor_type": "system",
            "change": "",
            "to_zh": "",
            "text": mask_personal(r["payload"].get("text", "")),
            "internal": False,
            "console": False,
            "undelivered": r["status"] == "failed",
            "media": [],
        }
        for r in rows
        if r["payload"].get("text_key")  # texts of ours; a staff reply is its own event
    ]
