"""What a resident's browser reads of its conversation on the web chat channel: the
messages the outbox sent to that chat and the resident's own, in order. (What the
resident writes goes through ``handlers.router.handle`` like any other channel.)"""

from __future__ import annotations

from typing import Any

from models.tables import InboundMessage, Outbox, OutboxStatus

PLATFORM = "web"


async def history(chat_id: str, after_out: int = 0, after_in: int = 0) -> dict[str, Any]:
    sent = (
        await Outbox.filter(
            platform=PLATFORM, chat_id=chat_id, status=OutboxStatus.SENT, id__gt=after_out
        )
        .order_by("id")
        .limit(200)
        .values("id", "payload", "sent_at", "kind")
    )
    mine = (
        await InboundMessage.filter(platform=PLATFORM, chat_id=chat_id, id__gt=after_in)
        .order_by("id")
        .limit(200)
        .values("id", "text", "received_at", "payload")
    )
    out = [
        {
            "from": "bot",
            "id": r["id"],
            "at": r["sent_at"].isoformat() if r["sent_at"] else None,
            "text": r["payload"].get("text", ""),
            "buttons": r["payload"].get("buttons") or [],
            "media": [
                {"n": n, "type": m.get("type", "document")}
                for n, m in enumerate(r["payload"].get("media") or [])
            ],
        }
        for r in sent
        if r["kind"] != "edit_card"
    ]
    out += [
        {
            "from": "me",
            "id": r["id"],
            "at": r["received_at"].isoformat(),
            "text": r["text"],
            "button": bool((r["payload"] or {}).get("button")),
            "media": [
                {"type": m.get("type", "photo")} for m in (r["payload"] or {}).get("media") or []
            ],
        }
        for r in mine
    ]
    out.sort(key=lambda m: (m["at"] or "", m["from"] == "bot"))
    return {
        "messages": out,
        "out": max([after_out, *(r["id"] for r in sent)]),
        "in": max([after_in, *(r["id"] for r in mine)]),
    }


async def sent_media(chat_id: str, outbox_id: int, n: int) -> dict | None:
    """A photo the stewards sent to this chat (for its browser only)."""
    row = await Outbox.get_or_none(id=outbox_id, platform=PLATFORM, chat_id=chat_id)
    media = (row.payload.get("media") or []) if row else []
    return media[n] if 0 <= n < len(media) else None
