"""Who may see and act on a ticket: the one rule, for chat commands, card buttons,
replies, lists and the console alike. A staff member serves their own community; one
without a community (a company-wide supervisor or manager) serves them all. A complaint
about a member of staff goes to the supervisors only (its card is posted in their chat,
not the stewards'), so among the rest only the person a supervisor assigned it to sees it."""

from __future__ import annotations

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from models.tables import Staff, Ticket

OVERSEERS = ("supervisor", "manager")


def may_act(staff: Staff | None, ticket: Ticket) -> bool:
    """True when ``staff`` may see ``ticket`` and act on it."""
    if staff is None or not staff.active:
        return False
    if staff.community_id not in (None, ticket.community_id):
        return False
    return not ticket.about_staff or staff.role in OVERSEERS or ticket.assignee_id == staff.id


def community_scope(staff: Staff) -> int | None:
    """The community a staff member's lists and searches are limited to (None: all)."""
    return staff.community_id


def visible(staff: Staff, tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """``tickets`` narrowed to those ``may_act`` allows ``staff``: the same rule as a query."""
    scope = community_scope(staff)
    if scope is not None:
        tickets = tickets.filter(community_id=scope)
    if staff.role not in OVERSEERS:
        tickets = tickets.filter(Q(about_staff=False) | Q(assignee_id=staff.id))
    return tickets
