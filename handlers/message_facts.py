"""The facts a short form of a message shows: when a channel cannot send a message to a
resident as it was written (WeChat after 48 hours: a template message of a few short
fields), it shows the ticket's number, state and summary and a short text about what
happened, made from the ticket and its history (the result a steward wrote, the reason a
ticket was closed, the expected date relayed) rather than cut from the long text.
"""

from __future__ import annotations

from handlers.context import env
from handlers.labels import RESIDENT_STATUS
from models.domain.lifecycle import EventKind
from models.storage.db import unit_label
from models.tables import Community, Staff, Ticket, TicketEvent

FACTS = (
    "number",
    "kind",
    "status",
    "summary",
    "unit",
    "community",
    "staff",
    "result",
    "reason",
    "eta",
    "item",
    "price",
)

# the state whose history event holds the words a message repeats ({result}, {reason})
_WORDS_OF = {
    "resolved_notice": ("result", "resolved"),
    "closed_notice": ("reason", "closed"),
    "reopened_notice": ("reason", "reopened"),
}


async def facts(ticket_id: int | None, text_key: str | None = None) -> dict[str, str]:
    """Every name of ``FACTS``, "" where there is nothing to say. ``kind`` and ``status``
    are in Simplified Chinese (the fields of a template are Chinese; a channel converts
    them to the reader's script)."""
    out = dict.fromkeys(FACTS, "")
    if ticket_id is None:
        return out
    ticket = await Ticket.get_or_none(id=ticket_id)
    if ticket is None:
        return out
    out.update(
        number=ticket.number,
        kind=env().texts(f"kind.{ticket.kind}", "hans"),
        status=RESIDENT_STATUS.get(ticket.status, (ticket.status,))[0],
        summary=ticket.summary,
        unit=await unit_label(ticket.unit_id) or "",
    )
    community = await Community.get_or_none(id=ticket.community_id)
    out["community"] = community.name if community else ""
    if ticket.assignee_id is not None:
        staff = await Staff.get_or_none(id=ticket.assignee_id)
        out["staff"] = staff.name if staff else ""
    fee = (ticket.details or {}).get("fee_offer") or (ticket.details or {}).get("fee") or {}
    out.update(item=str(fee.get("item") or ""), price=str(fee.get("price") or ""))
    words = _WORDS_OF.get(text_key or "")
    if words is not None:
        event = (
            await TicketEvent.filter(ticket_id=ticket.id, kind=EventKind.STATUS, to_status=words[1])
            .order_by("-id")
            .first()
        )
        out[words[0]] = event.text if event is not None else ""
    if text_key == "eta_notice":
        for event in (
            await TicketEvent.filter(ticket_id=ticket.id, kind=EventKind.MESSAGE_OUT)
            .order_by("-id")
            .limit(5)
        ):
            if (event.data or {}).get("eta"):
                out["eta"] = str(event.data["eta"])
                break
    return {k: " ".join(str(v).split()) for k, v in out.items()}
