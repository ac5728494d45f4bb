"""Who may see and act on a ticket: the one rule, for chat commands, card buttons,
replies and the console alike. A staff member serves their own community; one
without a community (a company-wide supervisor or manager) serves them all."""

from __future__ import annotations

from models.tables import Staff, Ticket


def may_act(staff: Staff | None, ticket: Ticket) -> bool:
    """True when ``staff`` may see ``ticket`` and act on it."""
    if staff is None or not staff.active:
        return False
    return staff.community_id is None or staff.community_id == ticket.community_id


def community_scope(staff: Staff) -> int | None:
    """The community a staff member's lists and searches are limited to (None: all)."""
    return staff.community_id
