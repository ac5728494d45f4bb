"""A notice (通知公告) as staff write it: ``/notice 3栋 明天9:00-12:00停水检修，请提前储水``.

Read here, without I/O: the **targets** at the start (全小区, buildings, entrances,
units: "3栋", "3栋2单元", "3-2-1201", several separated by spaces or 、), an optional
**kind** (停水, 停电, 电梯, 施工, 其他; else found in the words), the **words** residents
read, and the **period** they mention ("明天9:00-12:00", "11月25日上午9点至下午3点",
"今晚22:00-次日6:00"), when there is one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from models.domain.config import Community
from models.domain.unit_text import key_of, tokens
from models.domain.units import building_key, find_building

KINDS = ("water", "power", "lift", "works", "other")
KIND_WORDS = {
    "停水": "water",
    "停电": "power",
    "电梯": "lift",
    "施工": "works",
    "其他": "other",
    "其它": "other",
}
KIND_FAILURE = {"water": "water", "power": "power", "lift": "lift"}
"""The failure a planned outage of this kind explains (and its reports join)."""

_INFER = (
    ("water", re.compile(r"停水|断水|停止供水|供水|水箱|二次供水")),
    ("power", re.compile(r"停电|断电|停止供电|供电|电力")),
    ("lift", re.compile(r"电梯")),
    ("works", re.compile(r"施工|维修|检修|装修|改造|清洗|保养|消杀|修剪|粉刷|打药")),
)
EVERYONE = ("全小区", "全体", "全部", "全体住户", "全体业主", "所有住户", "小区")
_SEPARATORS = re.compile(r"[、，,/；;]+")


@dataclass(frozen=True)
class Target:
    """Who a notice is for: the whole community, a building, an entrance (单元) of a
    building, or one unit (by its key, as ``models.domain.unit_text`` makes it)."""

    kind: str  # community | building | entrance | unit
    building: str | None = None  # the config's name of the building
    entrance: int | None = None
    unit_key: str | None = None
    label: str = ""

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "building": self.building,
            "entrance": self.entrance,
            "unit_key": self.unit_key,
            "label": self.label,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Target:
        return cls(
            **{k: data.get(k) for k in ("kind", "building", "entrance", "unit_key")},
            label=data.get("label") or "",
        )

    def covers(self, building: str | None, entrance: int | None, keys: set[str]) -> bool:
        """Whether a unit (its building's name, entrance and keys) is concerned."""
        if self.kind == "community":
            return True
        if building is None or building_key(building) != building_key(self.building or ""):
            return self.kind == "unit" and self.unit_key in keys
        if self.kind == "building":
            return True
        if self.kind == "entrance":
            return entrance == self.entrance
        return self.unit_key in keys


@dataclass
class Draft:
    targets: list[Target] = field(default_factory=list)
    kind: str = "other"
    text: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None

    @property
    def label(self) -> str:
        return "、".join(t.label for t in self.targets)


def _target(word: str, community: Community) -> Target | None:
    if word in EVERYONE or word in (community.name, community.code):
        return Target("community", label="全小区")
    values = [t.value for t in tokens(word)]
    if not values or len(values) > 3:
        return None
    building = find_building(community, values[0])
    if building is None:
        return None
    if len(values) == 1:
        return Target("building", building.name, label=word)
    if len(values) == 2 and values[1].isdigit():
        return Target("entrance", building.name, int(values[1]), label=word)
    if not any(ch.isdigit() for ch in values[-1]):
        return None  # "5栋电梯保养" is words, not a unit
    return Target("unit", building.name, unit_key=key_of(values), label=word)


_LEADING = re.compile(r"^(.+?(?:栋|号楼|幢|座)(?:\d+单元)?)(?=\D)(.+)$")


def _split_first(word: str, community: Community) -> tuple[Target, str] | None:
    """ "3栋明天停水": the target written against the words."""
    m = _LEADING.match(word)
    if m is None:
        return None
    target = _target(m.group(1), community)
    return (target, m.group(2)) if target is not None else None


def parse(rest: str, community: Community, at: datetime, tz: ZoneInfo) -> Draft | None:
    """The notice a command's words describe, or None when they name no target or
    say nothing."""
    draft = Draft()
    spans = [m.span() for m in re.finditer(r"\S+", rest)]
    words = [rest[a:b] for a, b in spans]
    used = 0
    for word in words:
        if word in KIND_WORDS and draft.targets:
            draft.kind = KIND_WORDS[word]
            used += 1
            continue
        parts = [p for p in _SEPARATORS.split(word) if p]
        found = [_target(p, community) for p in parts]
        if not parts or any(t is None for t in found):
            break
        draft.targets.extend(t for t in found if t is not None)
        used += 1
    # the text is the rest as written, its line breaks kept (spaces within a line tidied)
    body = rest[spans[used][0] :] if used < len(spans) else ""
    if not draft.targets and words:
        peeled = _split_first(words[0], community)
        if peeled is not None:
            draft.targets.append(peeled[0])
            body = peeled[1] + rest[spans[0][1] :]
    lines = (" ".join(line.split()) for line in body.splitlines())
    text = "\n".join(line for line in lines if line).strip()
    if not draft.targets or not text:
        return None
    if any(t.kind == "community" for t in draft.targets):
        draft.targets = [Target("community", label="全小区")]
    if draft.kind == "other" and not any(w in KIND_WORDS for w in words[:used]):
        draft.kind = infer_kind(text)
    draft.text = text
    period = parse_period(text, at, tz)
    if period is not None:
        draft.starts_at, draft.ends_at = period
    return draft


def infer_kind(text: str) -> str:
    for kind, pattern in _INFER:
        if pattern.search(text):
            return kind
    return "other"


_DAY = re.compile(
    r"今天|今日|今晚|明天|明日|明晚|后天|(?:(\d{1,2})月)?(\d{1,2})[日号]"
    r"|(下|本|这)?个?(?:周|星期|礼拜)([一二三四五六日天])"
)
_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_CLOCK = r"(上午|下午|中午|晚上|早上|凌晨|今晚|明早)?(\d{1,2})(?:[:：点时](\d{2}|半)?分?)?"
_RANGE = re.compile(_CLOCK + r"\s*(?:-|—|–|~|～|至|到)\s*(次日|第二天|明天|明日)?" + _CLOCK)


def _hour(part: str | None, hour: int) -> int:
    if part in ("下午", "晚上", "今晚") and hour < 12:
        return hour + 12
    if part == "中午" and hour < 6:
        return hour + 12
    return hour


def _minute(value: str | None) -> int:
    if not value:
        return 0
    return 30 if value == "半" else int(value)


def _day(text: str, today: date) -> date | None:
    m = _DAY.search(text)
    if m is None:
        return None
    word = m.group()
    if word in ("今天", "今日", "今晚"):
        return today
    if word in ("明天", "明日", "明晚"):
        return today + timedelta(days=1)
    if word == "后天":
        return today + timedelta(days=2)
    if m.group(4):  # 周六 (the coming one, today included), 下周六 (next week's)
        weekday = _WEEKDAY[m.group(4)]
        if m.group(3) == "下":
            return today - timedelta(days=today.weekday()) + timedelta(days=7 + weekday)
        if m.group(3) in ("本", "这"):
            return today - timedelta(days=today.weekday()) + timedelta(days=weekday)
        return today + timedelta(days=(weekday - today.weekday()) % 7)
    month = int(m.group(1)) if m.group(1) else today.month
    try:
        day = date(today.year, month, int(m.group(2)))
    except ValueError:
        return None
    if day < today - timedelta(days=180):  # "1月3日" written in December
        day = day.replace(year=today.year + 1)
    return day


def parse_period(text: str, at: datetime, tz: ZoneInfo) -> tuple[datetime, datetime] | None:
    """The period a notice's words name (UTC), or None. A day without times is the
    whole day; times without a day are today's; an end before its start is the next
    day's ("22:00-6:00", "至次日6:00")."""
    text = unicodedata.normalize("NFKC", text)
    today = at.astimezone(tz).date()
    day = _day(text, today)
    m = _RANGE.search(text)
    if m is None:
        if day is None:
            return None
        start = datetime.combine(day, datetime.min.time(), tz)
        return start.astimezone(at.tzinfo), (start + timedelta(days=1)).astimezone(at.tzinfo)
    ap1, h1, m1, next_day, ap2, h2, m2 = m.groups()
    h1, h2 = int(h1), int(h2)
    if h1 > 24 or h2 > 24:
        return None
    ap2 = ap2 or (ap1 if ap1 in ("下午", "晚上") and h2 < 12 and h2 > h1 % 12 else None)
    base = day or today
    try:
        start = datetime(base.year, base.month, base.day, 0, 0, tzinfo=tz) + timedelta(
            hours=_hour(ap1, h1), minutes=_minute(m1)
        )
        end = datetime(base.year, base.month, base.day, 0, 0, tzinfo=tz) + timedelta(
            hours=_hour(ap2, h2), minutes=_minute(m2)
        )
    except ValueError:
        return None
    if next_day or end <= start:
        end += timedelta(days=1)
    return start.astimezone(at.tzinfo), end.astimezone(at.tzinfo)
