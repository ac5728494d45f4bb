"""The month's figures of a front office, computed from plain facts about tickets: the
《顾客投诉分类统计表》 and the hotline KPIs (docs/domain.md, section 10). No I/O: the
service (``handlers.statistics``) reads the rows and hands them over as ``TicketFacts``.

Every figure keeps the tickets behind it (``Figure.ids``), so that a number on a page
opens the list it counts. The rules that matter:

* a rate is only ever taken over what was due: a deadline counts in the month it fell
  due, once it has passed (a clock still running counts nowhere yet), met or missed;
  cancelled tickets never count;
* satisfaction is over every ticket rated in the month, of every kind;
* consultations are the questions the FAQ answered plus the front desk's tickets;
* response times are medians of business time (urgent tickets: wall-clock time);
* an incident (one failure reported by many households) is one incident with its
  households counted, not one more request: each household's report is its request,
  and the incident carries the deadlines.
"""

from __future__ import annotations

import statistics as pystats
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

KINDS = ("repair", "complaint", "cleaning", "consultation")
CLASSES = ("equipment", "attitude", "quality", "incident", "other")
NATURES = ("effective", "communicative", "unset")
KIND_ZH = {"repair": "报修", "complaint": "投诉", "cleaning": "保洁", "consultation": "咨询"}
CLASS_ZH = {
    "equipment": "设备",
    "attitude": "服务态度",
    "quality": "服务质量",
    "incident": "突发事件",
    "other": "未分类",
}
NATURE_ZH = {"effective": "有效投诉", "communicative": "沟通性投诉", "unset": "未定性"}
SATISFIED = 4  # 4 and 5 are "satisfied" in the share of satisfied ratings


@dataclass(frozen=True)
class TicketFacts:
    """What the figures read of one ticket (and of its history)."""

    id: int
    kind: str
    status: str
    urgent: bool
    created_at: datetime
    community_id: int = 0
    complaint_class: str | None = None
    nature: str | None = None
    assignee_id: int | None = None
    claimed_at: datetime | None = None
    reported_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    satisfaction: int | None = None
    rated_at: datetime | None = None
    reopened: tuple[datetime, ...] = ()
    followup_asked: tuple[datetime, ...] = ()
    slot: bool = False  # a booked cleaning: its clock is the slot, not a claim time
    households: int = 0  # an incident's own ticket: the households it affects (else 0)
    in_incident: bool = False  # a household's report inside an incident: its clocks are off


@dataclass(frozen=True)
class Rules:
    """The clocks the figures judge by (``deadlines:`` of the config) and the business
    calendar's ``due`` (start, duration, urgent) → deadline."""

    due: Callable[[datetime, timedelta, bool], datetime]
    business_between: Callable[[datetime, datetime, bool], timedelta]
    report_back: timedelta
    answer: timedelta
    claim: dict[str, timedelta]
    urgent_claim: timedelta


@dataclass
class Figure:
    """A count and the tickets behind it (``extra``: counted without a ticket, like the
    questions the FAQ answered)."""

    ids: list[int] = field(default_factory=list)
    extra: int = 0

    @property
    def value(self) -> int:
        return len(self.ids) + self.extra


@dataclass
class Rate:
    """``met`` of ``due``; None when nothing was due."""

    met: Figure = field(default_factory=Figure)
    due: Figure = field(default_factory=Figure)

    @property
    def missed(self) -> Figure:
        met = set(self.met.ids)
        return Figure([i for i in self.due.ids if i not in met])

    @property
    def share(self) -> float | None:
        return self.met.value / self.due.value if self.due.value else None

    def text(self) -> str:
        share = self.share
        return f"{self.met.value}/{self.due.value}（{share:.0%}）" if share is not None else "-"


@dataclass
class Rating:
    """Ratings given in the month: how many, their average, how many 4–5."""

    rated: Figure = field(default_factory=Figure)
    satisfied: Figure = field(default_factory=Figure)
    total: int = 0

    @property
    def average(self) -> float | None:
        return round(self.total / self.rated.value, 2) if self.rated.value else None


@dataclass
class StewardRow:
    staff_id: int
    name: str
    claimed: Figure = field(default_factory=Figure)
    resolved: Figure = field(default_factory=Figure)
    on_time: Rate = field(default_factory=Rate)
    rating: Rating = field(default_factory=Rating)
    open_now: Figure = field(default_factory=Figure)


@dataclass
class MonthTable:
    scope: str
    month: str
    requests: dict[str, Figure] = field(default_factory=dict)
    faq_answered: int = 0
    complaints: Figure = field(default_factory=Figure)
    urgent: Figure = field(default_factory=Figure)
    incidents: Figure = field(default_factory=Figure)
    incident_households: int = 0
    by_class: dict[str, Figure] = field(default_factory=dict)
    by_nature: dict[str, Figure] = field(default_factory=dict)
    claim: Rate = field(default_factory=Rate)
    report_back: Rate = field(default_factory=Rate)
    answer: Rate = field(default_factory=Rate)
    closed: Figure = field(default_factory=Figure)
    reopened: Figure = field(default_factory=Figure)
    first_contact: Rate = field(default_factory=Rate)
    rating: dict[str, Rating] = field(default_factory=dict)  # by kind, and "all"
    followup: Rate = field(default_factory=Rate)
    complaint_rate: Rate = field(default_factory=Rate)
    attitude_rate: Rate = field(default_factory=Rate)
    median_minutes: dict[str, float | None] = field(default_factory=dict)
    stewards: list[StewardRow] = field(default_factory=list)
    partial: bool = False  # the month is not over: its figures still move

    @property
    def total_requests(self) -> int:
        return sum(f.value for f in self.requests.values())

    def figure(self, key: str) -> Figure:
        """The figure a key names (as the console's links write them):
        ``requests.repair``, ``complaints``, ``by_class.attitude``, ``report_back.due``,
        ``report_back.missed``, ``rating.repair.rated``, ``steward.7.resolved`` …"""
        head, _, rest = key.partition(".")
        if head == "steward":
            sid, _, what = rest.partition(".")
            row = next((r for r in self.stewards if str(r.staff_id) == sid), None)
            if row is None:
                raise KeyError(key)
            return _part(row, what, key)
        value = getattr(self, head, None) if head in _FIGURES else None
        if value is None:
            raise KeyError(key)
        return _part(value, rest, key)


_FIGURES = {
    "requests",
    "complaints",
    "urgent",
    "incidents",
    "by_class",
    "by_nature",
    "claim",
    "report_back",
    "answer",
    "closed",
    "reopened",
    "first_contact",
    "rating",
    "followup",
    "complaint_rate",
    "attitude_rate",
}


def _part(value, rest: str, key: str) -> Figure:
    for name in [p for p in rest.split(".") if p]:
        if isinstance(value, dict):
            if name not in value:
                raise KeyError(key)
            value = value[name]
        elif name in ("met", "due", "missed", "rated", "satisfied") or (
            isinstance(value, StewardRow) and name in ("claimed", "resolved", "open_now")
        ):
            value = getattr(value, name)
        elif isinstance(value, StewardRow) and name in ("on_time", "rating"):
            value = getattr(value, name)
        else:
            raise KeyError(key)
    if isinstance(value, Rate):
        value = value.met
    if isinstance(value, Rating):
        value = value.rated
    if not isinstance(value, Figure):
        raise KeyError(key)
    return value


# -- months ---------------------------------------------------------------------------
def month_bounds(month: str, tz) -> tuple[datetime, datetime]:
    """``2026-11`` → its first instant and the first instant of the next month."""
    year, mon = (int(x) for x in month.split("-"))
    start = datetime.combine(date(year, mon, 1), time(0), tz)
    nxt = date(year + (mon == 12), mon % 12 + 1, 1)
    return start, datetime.combine(nxt, time(0), tz)


def previous_month(at: datetime, tz) -> str:
    first = at.astimezone(tz).date().replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")


def this_month(at: datetime, tz) -> str:
    return at.astimezone(tz).strftime("%Y-%m")


def months_back(month: str, count: int) -> list[str]:
    """``count`` months ending with ``month``, oldest first."""
    year, mon = (int(x) for x in month.split("-"))
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{mon:02d}")
        year, mon = (year - 1, 12) if mon == 1 else (year, mon - 1)
    return out[::-1]


def valid_month(text: str) -> bool:
    try:
        year, mon = (int(x) for x in text.split("-"))
    except ValueError:
        return False
    return len(text) == 7 and 2000 <= year <= 2100 and 1 <= mon <= 12


# -- the computation --------------------------------------------------------------------
def compute(
    scope: str,
    month: str,
    tickets: Iterable[TicketFacts],
    rules: Rules,
    *,
    start: datetime,
    end: datetime,
    at: datetime,
    faq_answered: int = 0,
    staff_names: dict[int, str] | None = None,
) -> MonthTable:
    """The month ``[start, end)`` as seen at ``at``. ``tickets``: every ticket that may
    count (created in the month, or a deadline, a claim, a resolution, a closure, a
    rating, a reopening or a follow-up question in it)."""
    staff_names = staff_names or {}
    table = MonthTable(scope=scope, month=month, faq_answered=faq_answered, partial=at < end)
    table.requests = {k: Figure() for k in KINDS}
    table.requests["consultation"].extra = faq_answered
    table.by_class = {c: Figure() for c in CLASSES}
    table.by_nature = {n: Figure() for n in NATURES}
    table.rating = {k: Rating() for k in (*KINDS, "all")}
    horizon = min(at, end)

    def within(t: datetime | None) -> bool:
        return t is not None and start <= t < end

    def due_now(deadline: datetime, met: bool) -> bool:
        """A clock counts in the month its deadline falls in: once it has passed, or
        as soon as it was met (a clock still running counts nowhere yet)."""
        return start <= deadline < end and (met or deadline <= horizon)

    stewards: dict[int, StewardRow] = {}

    def steward(sid: int) -> StewardRow:
        if sid not in stewards:
            stewards[sid] = StewardRow(sid, staff_names.get(sid, f"#{sid}"))
        return stewards[sid]

    waits: dict[str, list[float]] = {"claim": [], "report_back": [], "resolve": []}
    s, e = start, end
    for t in tickets:
        cancelled = t.status == "cancelled"
        created_in = s <= t.created_at < e
        if t.households:  # an incident: its households' reports are the requests
            if created_in and not cancelled:
                table.incidents.ids.append(t.id)
                table.incident_households += t.households
        elif created_in and t.kind in table.requests:
            table.requests[t.kind].ids.append(t.id)
        if t.kind == "complaint" and created_in and not cancelled and not t.households:
            table.complaints.ids.append(t.id)
            if t.urgent:
                table.urgent.ids.append(t.id)
            cls = t.complaint_class if t.complaint_class in CLASSES else "other"
            table.by_class[cls].ids.append(t.id)
            table.by_nature[t.nature if t.nature in NATURES else "unset"].ids.append(t.id)
        if not cancelled and not t.in_incident:  # the incident carries the deadlines
            _deadlines(t, rules, due_now, table, steward)
        if t.status == "closed" and within(t.closed_at):
            table.closed.ids.append(t.id)
            table.first_contact.due.ids.append(t.id)
            if not t.reopened:
                table.first_contact.met.ids.append(t.id)
        if t.reopened and any(within(r) for r in t.reopened):
            table.reopened.ids.append(t.id)
        if t.satisfaction and within(t.rated_at):
            for key in (t.kind, "all"):
                if key in table.rating:
                    _rate(table.rating[key], t)
            if t.assignee_id is not None:
                _rate(steward(t.assignee_id).rating, t)
        if t.followup_asked and any(within(a) for a in t.followup_asked):
            table.followup.due.ids.append(t.id)
            if t.satisfaction and t.rated_at is not None:
                table.followup.met.ids.append(t.id)
        claimed_in = t.claimed_at is not None and s <= t.claimed_at < e
        resolved_in = t.resolved_at is not None and s <= t.resolved_at < e
        if t.assignee_id is not None:
            row = steward(t.assignee_id)
            if claimed_in:
                row.claimed.ids.append(t.id)
            if resolved_in:
                row.resolved.ids.append(t.id)
            if t.status in ("dispatched", "claimed", "reopened", "new"):
                row.open_now.ids.append(t.id)
        # response times, in business time (urgent: wall clock)
        if claimed_in:
            waits["claim"].append(_minutes(rules, t.created_at, t.claimed_at, t.urgent))
        if t.kind == "complaint" and within(t.reported_at):
            waits["report_back"].append(_minutes(rules, t.created_at, t.reported_at, t.urgent))
        if resolved_in:
            waits["resolve"].append(_minutes(rules, t.created_at, t.resolved_at, t.urgent))

    table.median_minutes = {k: round(pystats.median(v), 1) if v else None for k, v in waits.items()}
    all_requests = [i for f in table.requests.values() for i in f.ids]
    table.complaint_rate = Rate(Figure(list(table.complaints.ids)), Figure(all_requests))
    table.complaint_rate.due.extra = faq_answered
    table.attitude_rate = Rate(Figure(list(table.by_class["attitude"].ids)), Figure(all_requests))
    table.attitude_rate.due.extra = faq_answered
    table.stewards = sorted(stewards.values(), key=lambda r: (r.name, r.staff_id))
    return table


def _rate(rating: Rating, t: TicketFacts) -> None:
    rating.rated.ids.append(t.id)
    rating.total += t.satisfaction or 0
    if (t.satisfaction or 0) >= SATISFIED:
        rating.satisfied.ids.append(t.id)


def _minutes(rules: Rules, start: datetime, end: datetime, urgent: bool) -> float:
    return max(0.0, rules.business_between(start, end, urgent).total_seconds() / 60)


def clocks(t: TicketFacts, rules: Rules) -> dict[str, tuple[datetime, datetime | None]]:
    """A ticket's deadlines that the figures judge: name → (deadline, when it was done).
    Complaints: the 4-hour report-back and the answer; the rest: the claim (a booked
    cleaning runs on its slot instead). Resolving or closing unclaimed counts as taking it."""
    if t.status == "cancelled":
        return {}
    if t.kind == "complaint":
        return {
            "report_back": (rules.due(t.created_at, rules.report_back, t.urgent), t.reported_at),
            "answer": (rules.due(t.created_at, rules.answer, t.urgent), t.resolved_at),
        }
    if t.slot:
        return {}
    if t.urgent:
        claim_by = t.created_at + rules.urgent_claim
    else:
        claim_by = rules.due(t.created_at, rules.claim.get(t.kind, rules.claim["repair"]), False)
    done = min((x for x in (t.claimed_at, t.resolved_at, t.closed_at) if x), default=None)
    return {"claim": (claim_by, done)}


def verdict(deadline: datetime, done: datetime | None, at: datetime) -> bool | None:
    """Met (True), missed (False), or still running (None)."""
    if done is not None and done <= deadline:
        return True
    return False if deadline <= at else None


def _deadlines(t: TicketFacts, rules: Rules, due_now, table: MonthTable, steward) -> None:
    """The clocks of a ticket that fell due in the month: each met or missed."""
    row = steward(t.assignee_id) if t.assignee_id is not None else None
    for name, (deadline, done) in clocks(t, rules).items():
        met = done is not None and done <= deadline
        if not due_now(deadline, met):
            continue
        rate: Rate = getattr(table, name)
        rate.due.ids.append(t.id)
        if met:
            rate.met.ids.append(t.id)
        if row is not None:
            row.on_time.due.ids.append(t.id)
            if met:
                row.on_time.met.ids.append(t.id)


# -- rendering as text ---------------------------------------------------------------
def pct(rate: Rate) -> str:
    share = rate.share
    return f"{share:.0%}" if share is not None else "-"


def render_text(table: MonthTable) -> str:
    """The table as the chat and the terminal show it."""
    rating = table.rating["all"]
    by_kind = "，".join(
        f"{KIND_ZH[k]} {table.rating[k].average}（{table.rating[k].rated.value}）"
        for k in KINDS
        if table.rating[k].rated.value
    )
    consult = table.requests["consultation"]
    lines = [
        f"《顾客投诉分类统计表》{table.scope} {table.month}"
        + ("（本月未结束，数字仍会变化）" if table.partial else ""),
        "本月受理："
        + "，".join(f"{KIND_ZH[k]} {f.value}" for k, f in table.requests.items())
        + (
            f"（咨询含知识库答复 {table.faq_answered}，前台工单 {len(consult.ids)}）"
            if table.faq_answered
            else ""
        ),
        f"投诉总数：{table.complaints.value}（紧急 {table.urgent.value}）",
        *(
            [f"突发事件：{table.incidents.value} 起，影响 {table.incident_households} 户"]
            if table.incidents.value
            else []
        ),
        "按内容分类：" + "，".join(f"{CLASS_ZH[c]} {f.value}" for c, f in table.by_class.items()),
        "按性质分类：" + "，".join(f"{NATURE_ZH[n]} {f.value}" for n, f in table.by_nature.items()),
        f"4小时内回复前台：{table.report_back.text()}（只计本月到期的投诉）",
        f"24小时内答复业主：{table.answer.text()}",
        f"按时接单（报修、保洁、咨询）：{table.claim.text()}",
        f"本月办结：{table.closed.value}；一次解决：{table.first_contact.text()}；"
        f"重开：{table.reopened.value}",
        "回访满意度："
        + (
            f"{rating.average} 分（{rating.rated.value} 条评价，4–5 分 "
            f"{rating.satisfied.value} 条）" + (f"；{by_kind}" if by_kind else "")
            if rating.average is not None
            else "暂无评价"
        ),
        f"回访应答：{table.followup.text()}；投诉率：{table.complaint_rate.text()}"
        f"（服务态度 {table.attitude_rate.text()}）",
        "响应时长中位数（工作时间）："
        + "，".join(
            f"{label} {_mins(table.median_minutes.get(k))}"
            for k, label in (
                ("claim", "接单"),
                ("report_back", "回复前台"),
                ("resolve", "处理完毕"),
            )
        ),
    ]
    return "\n".join(lines)


def _mins(value: float | None) -> str:
    if value is None:
        return "-"
    if value < 120:
        return f"{value:.0f} 分钟"
    return f"{value / 60:.1f} 小时"
