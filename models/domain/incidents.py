"""Mass incidents, as rules: which failure a resident's words report, whether they ask
a question, how far a failure reaches (a whole building, or one entrance), and how a
place is written for a resident. Pure functions, no I/O.

A **failure** is what many households report at once when something shared breaks:
power, water, a lift, gas, flooding, a blocked main drain, a fire. Most come from the
language layer's hazard (``power``, ``gas``, ``flood``, ``elevator``, ``fire``,
``smoke``); water cuts, lift breakdowns and blocked drains are not hazards there, so
they are read from the words. A private matter ("卧室插座没电", "厨房水管漏水") is not a
failure: the language layer does not call it a hazard and no pattern here takes it.
"""

from __future__ import annotations

import re

from nlp import Classification

FAILURES = ("power", "water", "lift", "gas", "flood", "drain", "fire")

_FROM_HAZARD = {
    "power": "power",
    "gas": "gas",
    "flood": "flood",
    "elevator": "lift",
    "fire": "fire",
    "smoke": "fire",
}

_FROM_WORDS = (
    ("water", re.compile(r"停水|断水|没水|没有水|无水|不来水|不出水|来水|供水|水压|no water")),
    ("power", re.compile(r"停电|断电|来电|供电|power (cut|is out|outage)")),
    (
        "lift",
        re.compile(
            r"(电梯|lift|elevator).{0,8}(坏|停|故障|不动|不能用|用不了|没反应|打不开|关不上|"
            r"卡住|困|修好|broken|stuck|out of order|not working)"
        ),
    ),
    (
        "drain",
        re.compile(
            r"(主管|总管|立管|污水管|排水管|化粪池|污水井|窨井).{0,6}(堵|反|返|冒|溢)|"
            r"(下水道|地漏|马桶).{0,4}(反水|返水|冒水|往上冒|溢出)"
        ),
    ),
)

_QUESTION = re.compile(
    r"[?？]|吗|呢$|几点|什么时候|啥时候|多久|多长时间|为什么|为啥|怎么回事|是不是|会不会|"
    r"何时|还要|要多久|when|how long|why|\bis it\b|\bwill\b",
    re.IGNORECASE,
)


def failure_of(c: Classification) -> str | None:
    """The shared failure a message reports or asks about, or None."""
    if c.intent == "none" and not c.urgent and c.reason not in ("off_topic", "unknown", None):
        return None  # greetings, thanks ("来电了，谢谢"), what-ifs, something long past
    if c.hazard in _FROM_HAZARD:
        return _FROM_HAZARD[c.hazard]
    for failure, pattern in _FROM_WORDS:
        if pattern.search(c.normalized):
            return failure
    return None


def asks(c: Classification) -> bool:
    """Words that ask: "停水到几点？", "明天停电吗", "电梯什么时候修好"."""
    return c.asks_progress or bool(_QUESTION.search(c.normalized))


def is_question(c: Classification) -> bool:
    """A question, not (only) a report: it asks, or the language layer calls it one."""
    return c.intent == "consultation" or asks(c)


def is_report(c: Classification) -> bool:
    """It says something is wrong (a repair or a complaint, or an emergency)."""
    return c.urgent or c.intent in ("repair", "complaint")


def by_entrance(failure: str, entrance_scoped: list[str]) -> bool:
    """Whether a failure concerns one entrance (a lift serves one 单元) rather than the
    whole building."""
    return failure in entrance_scoped


def open_key(community_id: int, failure: str, building_id: int | None, entrance: int | None) -> str:
    """What two open incidents may not share: one per failure and place at a time."""
    return f"{community_id}:{failure}:{building_id or ''}:{entrance or ''}"


def building_words(name: str, unit_format: str) -> str:
    """A building as the community writes it: "3栋" for 3 (its unit format's word after
    the building), the name itself for a named building (商铺)."""
    if not any(ch.isascii() and ch.isalnum() for ch in name):
        return name
    head = unit_format.partition("{building}")[2]
    word = re.match(r"[^\W\d_{}A-Za-z]+", head)
    return f"{name}{word.group() if word else '栋'}"


def place_words(
    building: str | None, entrance: int | None, unit_format: str, script: str = "hans"
) -> str:
    """Where a failure is, for a resident or staff: 3栋 / 3栋2单元 (Building 3 /
    Building 3, entrance 2 in English)."""
    if building is None:
        return "全小区" if script != "en" else "the whole community"
    if script == "en":
        where = f"Building {building}"
        return f"{where}, entrance {entrance}" if entrance else where
    where = building_words(building, unit_format)
    return f"{where}{entrance}单元" if entrance else where
