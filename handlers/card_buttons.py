"""The buttons on a ticket's card in the staff chats (an incident's card too): 接单 until
someone has it, 已处理, 升级 until the managers have it."""

from __future__ import annotations

from handlers.context import env
from models.domain.ticket import OPEN_STATUSES, Status
from models.tables import Ticket

Buttons = list[list[dict[str, str]]]


def action_row(ticket: Ticket) -> Buttons:
    """The card's row of actions, or none once the ticket is no longer open."""
    if ticket.status not in [s.value for s in OPEN_STATUSES]:
        return []
    t = env().texts
    row = []
    if ticket.status != Status.CLAIMED:
        row.append({"text": t("staff.button.claim"), "data": f"claim:{ticket.id}"})
    row.append({"text": t("staff.button.resolve"), "data": f"resolve:{ticket.id}"})
    if ticket.escalation_level < 2:
        row.append({"text": t("staff.button.escalate"), "data": f"escalate:{ticket.id}"})
    return [row]
