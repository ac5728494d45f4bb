"""Where a resident's message belongs: the rules that decide whether it is about a
ticket they already have, a new matter, or just a word to answer. Plain functions of
the classification and the resident's unfinished tickets (no database).

A message joins a ticket only when it is about that ticket:

* a photo or a voice note sent while a ticket is being told (the burst window);
* words without a request of their own, in the burst window (an elaboration: "就在
  厨房水槽下面") or as an answer to what a steward asked the resident;
* the same problem told again: the same kind of request naming the same thing as the
  ticket (its words in common), or a request of the same kind in the burst window
  (not to an urgent ticket), or "修过了还是漏" about work just done;
* a question about its progress ("灯什么时候能修好？") is answered with its state.

Greetings, thanks and emoji are answered, never relayed. A different problem opens its
own ticket, and nothing joins an urgent ticket unless it is about the same hazard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from nlp import Classification

TICKET_KINDS = ("repair", "complaint", "cleaning")

STAFF_ASKED_WINDOW = timedelta(hours=48)
"""A resident's words after a steward wrote to them are an answer for this long."""

GENERIC = frozenset(
    "坏了 坏 修 报修 维修 修理 问题 怎么 什么时候 ? ？ 能不能 可以 麻烦 快点 还是 又 了 "
    "问一下 一下 请问 家里 我家 厨房 卫生间 洗手间 客厅 卧室 阳台 楼道 楼下 楼上 门口 "
    "小区 物业 没人 没人来 没人管 一直 好几天".split()
)
"""Words that name no particular thing: in common, they do not make the same problem."""


@dataclass(frozen=True)
class OpenTicket:
    """What the rules read of one of the resident's unfinished tickets."""

    id: int
    kind: str
    department: str | None
    urgent: bool
    hazard: str | None
    status: str
    updated_at: datetime
    keywords: frozenset[str]
    staff_asked_at: datetime | None = None
    resolved_at: datetime | None = None


Action = Literal["join", "social", "progress", "own"]


@dataclass(frozen=True)
class Placement:
    """``join``: the message is added to ``ticket``; ``social``: answered, not
    relayed; ``progress``: answered with ``ticket``'s state (and relayed); ``own``:
    it stands on its own (an answer, a question, or a new ticket).
    ``guessed``: the join was a guess (the resident may say it is another matter)."""

    action: Action
    ticket: OpenTicket | None = None
    guessed: bool = False


def things(keywords) -> frozenset[str]:
    return frozenset(k for k in keywords if len(k) >= 2 and k not in GENERIC) | frozenset(
        k for k in keywords if len(k) == 1 and k not in GENERIC and "\u4e00" <= k <= "\u9fff"
    )


def same_problem(c: Classification, ticket: OpenTicket) -> bool:
    """The message names the same thing as the ticket, in a request of the same kind."""
    return _same_kind(c, ticket) and bool(things(c.keywords) & ticket.keywords)


def _same_kind(c: Classification, ticket: OpenTicket) -> bool:
    """The same kind of request, for the same department (a complaint's department
    follows its wording: "管不管" after a noise complaint is about the noise)."""
    if c.intent != ticket.kind:
        return False
    if c.intent == "complaint" or not c.department or not ticket.department:
        return True
    return c.department == ticket.department


def has_request(c: Classification) -> bool:
    """The words ask for something of their own (a repair, a complaint, cleaning)."""
    return c.intent in TICKET_KINDS and not c.uncertain


def place(
    c: Classification,
    tickets: list[OpenTicket],
    at: datetime,
    *,
    burst_window: timedelta,
    media: bool = False,
    chosen: bool = False,
) -> Placement:
    """Where the message goes. ``tickets``: the resident's unfinished ones, most
    recently updated first; ``chosen``: the resident chose the kind (a button)."""
    if chosen:
        return Placement("own")
    latest = tickets[0] if tickets else None
    in_burst = latest is not None and at - latest.updated_at <= burst_window
    if c.urgent:  # a hazard now: its own ticket, unless it is that hazard again
        for t in tickets:
            if t.urgent and t.hazard == c.hazard and t.status != "resolved":
                return Placement("join", t)
        return Placement("own")
    if not c.normalized.strip():
        if media and in_burst and not latest.urgent:
            return Placement("join", latest)
        return Placement("own")
    if c.is_ack and not media:
        return Placement("social", latest)
    if c.asks_progress and tickets:
        about = next((t for t in tickets if things(c.keywords) & t.keywords), latest)
        return Placement("progress", about)
    if has_request(c):
        for t in tickets:
            if same_problem(c, t):
                return Placement("join", t, guessed=True)
        if in_burst and not latest.urgent and _same_kind(c, latest):
            return Placement("join", latest, guessed=True)  # telling more of the same
        work_done = c.intent == "complaint" and c.complaint_class == "quality"
        if work_done:  # "修过了还是漏": the work just done was not enough
            done = [t for t in tickets if t.status == "resolved" and t.resolved_at]
            if done:
                return Placement("join", max(done, key=lambda t: t.resolved_at))
        return Placement("own")
    if latest is None:
        return Placement("own")
    asked = latest.staff_asked_at
    if asked is not None and at - asked <= STAFF_ASKED_WINDOW:
        return Placement("join", latest)  # the answer to what a steward asked
    if in_burst and c.reason != "advert":
        return Placement("join", latest, guessed=True)  # more about what they just told
    return Placement("own")
