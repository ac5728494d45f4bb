"""What a ticket is to the rules: its kind, its state, and the fields rules read.

The rows themselves are ``models.tables.Ticket``; rules take anything with these
attributes (``TicketLike``), so they can be used, and tested, without a database.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol


class Kind(StrEnum):
    """The four kinds of request."""

    REPAIR = "repair"
    COMPLAINT = "complaint"
    CLEANING = "cleaning"
    CONSULTATION = "consultation"


class Status(StrEnum):
    NEW = "new"
    DISPATCHED = "dispatched"
    CLAIMED = "claimed"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"
    CANCELLED = "cancelled"


OPEN_STATUSES = frozenset({Status.NEW, Status.DISPATCHED, Status.CLAIMED, Status.REOPENED})
"""Work still to do: the ticket has not been resolved, closed or cancelled."""

ACTIVE_STATUSES = OPEN_STATUSES | {Status.RESOLVED}
"""Not finished: still open, or resolved and waiting for the follow-up."""


class TicketLike(Protocol):
    """The attributes of a ticket that the rules read."""

    number: str
    kind: str
    status: str
    urgent: bool
    anonymous: bool
    sensitive: bool
    resident_id: int | None
    created_at: datetime
    reported_at: datetime | None
    details: dict[str, Any]
