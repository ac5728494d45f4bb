"""The ticket lifecycle: which state may follow which, who acts, what is recorded.

    new ─▶ dispatched ─▶ claimed ─▶ resolved ─▶ closed
                 │            ▲          │         │
                 └────────────┼──────────┴▶ reopened ◀┘ (unsatisfied, reported again)
    cancelled: from any open state

Pure rules: ``models.tickets`` applies them to the rows (a conditional UPDATE, so two
stewards pressing 接单 at once cannot both win) and writes the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models.domain import deadlines
from models.domain.ticket import Status, TicketLike

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.DISPATCHED, Status.CANCELLED, Status.CLOSED}),
    Status.DISPATCHED: frozenset(
        {Status.CLAIMED, Status.RESOLVED, Status.CANCELLED, Status.CLOSED}
    ),
    Status.CLAIMED: frozenset({Status.RESOLVED, Status.CANCELLED, Status.CLOSED}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.REOPENED}),
    Status.REOPENED: frozenset({Status.CLAIMED, Status.RESOLVED, Status.CANCELLED, Status.CLOSED}),
    Status.CLOSED: frozenset({Status.REOPENED}),
    Status.CANCELLED: frozenset(),
}

# Fields stamped when a ticket enters a state.
_STAMPS = {
    Status.CLAIMED: "claimed_at",
    Status.RESOLVED: "resolved_at",
    Status.CLOSED: "closed_at",
    Status.CANCELLED: "closed_at",
}


class EventKind:
    CREATED = "created"
    STATUS = "status"
    MESSAGE_IN = "message_in"
    MESSAGE_OUT = "message_out"
    NOTE = "note"
    ASSIGNED = "assigned"
    ESCALATED = "escalated"
    REMINDER = "reminder"
    ALERT = "alert"
    COMMAND = "command"
    FOLLOWUP = "followup"
    CONTACT = "contact"  # a resident's phone given to one staff member on request


@dataclass(frozen=True)
class Actor:
    """Who did something: recorded on every event."""

    type: str  # resident | staff | system
    id: str | None = None
    name: str = ""

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls("system", None, name)

    @classmethod
    def resident(cls, resident_id: int, name: str = "") -> Actor:
        return cls("resident", str(resident_id), name)

    @classmethod
    def staff(cls, staff_id: int, name: str) -> Actor:
        return cls("staff", str(staff_id), name)


class DomainError(Exception):
    """A request that the rules do not allow; the message is for logs, callers
    choose the polite words for people."""


class IllegalTransition(DomainError):
    def __init__(self, ticket_number: str, current: str, wanted: str):
        self.ticket_number, self.current, self.wanted = ticket_number, current, wanted
        super().__init__(f"ticket {ticket_number}: cannot go from {current} to {wanted}")


def can_transition(current: str, wanted: str) -> bool:
    return Status(wanted) in TRANSITIONS[Status(current)]


def moved(ticket: TicketLike, current: Status, to: Status, at) -> dict[str, Any]:
    """The columns a move from ``current`` to ``to`` at ``at`` sets: the new state, its
    clock (``models.domain.deadlines.plan``), its stamp. Raises ``IllegalTransition``."""
    if to not in TRANSITIONS[current]:
        raise IllegalTransition(ticket.number, current, to)
    values: dict[str, Any] = {
        **deadlines.plan(ticket, to, at),
        "status": to.value,
        "updated_at": at,
    }
    if to in _STAMPS:
        values[_STAMPS[to]] = at
    if to == Status.REOPENED:
        values.update(resolved_at=None, closed_at=None)
    return values


# The history's words for a follow-up question and a rating: written by
# handlers.followup, counted by the statistics. Histories written before they were
# Chinese say the English forms, which are still counted.
FOLLOWUP_ASKED = ("已发回访", "follow-up asked")
RATED_PREFIXES = ("评分 ", "rated ")
