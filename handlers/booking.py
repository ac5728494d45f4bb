"""Paid services and home-cleaning time slots: the fee a request names, the slots a
resident may book, and the question that offers them."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient

from handlers import notify
from handlers.context import env
from handlers.residents import save_state
from models.domain.clock import now
from models.tables import Resident


def is_home_service(normalized: str) -> bool:
    return any(w in normalized for w in env().config.cleaning.home_service_keywords)


def matching_fee(normalized: str):
    """The paid service the (normalised) words ask for, if any."""
    for fee in env().config.fees:
        if any(k in normalized for k in fee.keywords):
            return fee
    return None


def slot_choices(at: datetime) -> list[tuple[str, datetime, datetime]]:
    """(label, start, end) of the bookable slots: the configured ones on the coming
    ``days_ahead`` working days (today's too, when a slot is at least an hour ahead)."""
    cfg = env().config.cleaning
    tz = env().config.tz
    local = at.astimezone(tz)
    out = []
    days = 0
    for offset in range(60):
        date = (local + timedelta(days=offset)).date()
        if not env().calendar.is_workday(date):
            continue
        if offset > 0:
            days += 1
            if days > cfg.days_ahead:
                break
        for slot in cfg.slots:
            start_s, end_s = slot.split("-")
            h, m = map(int, start_s.split(":"))
            eh, em = map(int, end_s.split(":"))
            start = datetime(date.year, date.month, date.day, h, m, tzinfo=tz)
            end = datetime(date.year, date.month, date.day, eh, em, tzinfo=tz)
            if start >= at + timedelta(hours=1):
                out.append((f"{date:%m-%d} {slot}", start, end))
    return out


async def offer_slots(
    text: str, resident: Resident, inbound_id: int, media: list[dict], conn: BaseDBAsyncClient
) -> None:
    choices = slot_choices(now())
    await save_state(
        resident,
        conn,
        awaiting="slot",
        pending={"text": text, "media": media, "inbound_id": inbound_id},
    )
    buttons = [
        [{"text": label, "data": f"slot:{start.isoformat(timespec='minutes')}"}]
        for label, start, _ in choices
    ]
    await notify.to_resident(resident, "choose_slot", buttons=buttons, conn=conn)
