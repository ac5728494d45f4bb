"""Stories of a day of real use: the resident who writes their phone number, and the
steward of the other community. Over the fake Telegram, with the real bot."""

from __future__ import annotations

import pytest

from models.tables import Ticket, TicketEvent
from tests.fakes.telegram_api import FakeTelegram
from tests.stories import (
    EAST_STEWARD,
    EAST_STEWARDS,
    PHONE,
    STEWARD,
    STEWARDS,
    SUPERVISORS,
    Company,
    text_of,
)

RESIDENT = 7001


@pytest.fixture
async def company(tmp_path, clock):
    async with FakeTelegram() as tg:
        c = await Company.open(tmp_path, tg)
        try:
            yield c
        finally:
            await c.close()


async def test_a_phone_number_never_reaches_a_staff_chat(company):
    c = company
    await c.bind(RESIDENT)
    since = c.say(RESIDENT, "我电话13812345678，厨房水管漏水了")
    confirmation = await c.reply(RESIDENT, since, "工单")
    card = await c.reply(STEWARDS, since, "厨房水管漏水了")
    assert "138****5678" in text_of(card)
    ticket = await Ticket.get()
    assert ticket.kind == "repair" and not ticket.agitated  # 12345 is part of a phone number
    assert "13812345678" not in text_of(confirmation)

    since = c.say(RESIDENT, "师傅来之前打我手机 138-1234-5678，或者邮件 li.ming@example.com")
    relay = await c.reply(STEWARDS, since, "业主补充")
    assert "li.ming@example.com" not in text_of(relay)

    since = c.say(STEWARD, f"/show {ticket.number[-4:]}", chat=STEWARDS)
    await c.reply(STEWARDS, since, ticket.number)
    since = c.say(STEWARD, "/list", chat=STEWARDS)
    await c.reply(STEWARDS, since, ticket.number)

    # an urgent report with a phone number: the supervisors' alert carries the unit
    since = c.say(RESIDENT, "厨房燃气泄漏了好大味道！我电话 13912345678")
    await c.reply(SUPERVISORS, since, "燃气")

    staff = c.staff_texts()
    assert staff and not [t for t in staff if PHONE.search(t)]
    assert not [t for t in staff if "li.ming@" in t]
    # the full words stay on the ticket for whoever must read them
    said = [e.text for e in await TicketEvent.filter(kind="message_in")]
    assert any("13812345678" in t for t in said)


async def test_the_steward_of_another_community_cannot_act_on_a_ticket(company):
    c = company
    await c.bind(RESIDENT)
    since = c.say(RESIDENT, "客厅灯不亮了")
    card = await c.reply(STEWARDS, since, "客厅灯不亮了")
    ticket = await Ticket.get()
    short = ticket.number[-4:]

    for command in (f"/show {short}", f"/claim {short}", f"/resolve {short} 修好了"):
        since = c.say(EAST_STEWARD, command, chat=EAST_STEWARDS)
        refusal = await c.reply(EAST_STEWARDS, since)
        assert "客厅灯" not in text_of(refusal)
    since = c.say(EAST_STEWARD, f"/claim {ticket.number}")  # in a private chat too
    await c.reply(EAST_STEWARD, since)

    # the card's button and a reply to the card, pressed in the group by the wrong steward
    card_id = card.result["message_id"]
    since = c.press(EAST_STEWARD, STEWARDS, card_id, card.buttons[0][0]["callback_data"])
    await c.tg.wait_for("answerCallbackQuery", since=since)
    since = c.say(EAST_STEWARD, "我来处理", chat=STEWARDS, reply_to_message_id=card_id)
    await c.reply(STEWARDS, since)
    await c.idle()

    fresh = await Ticket.get(id=ticket.id)
    assert fresh.status == "dispatched" and fresh.assignee_id is None
    assert not [t for t in c.tg.sent_to(RESIDENT) if "我来处理" in text_of(t)]
    by_east = await TicketEvent.filter(ticket=ticket, actor_name="赵管家").count()
    assert by_east == 0

    # the right steward still can
    since = c.say(STEWARD, f"/claim {short}", chat=STEWARDS)
    await c.reply(RESIDENT, since, "接单")
