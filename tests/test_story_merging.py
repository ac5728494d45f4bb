"""Stories of what belongs to a ticket: the resident who says 你好 after reporting, who
tells a second problem, who asks how their repair is going, who answers a steward,
who writes two requests in one message, and the stranger asking about schools."""

from __future__ import annotations

import pytest

from models.tables import Ticket
from tests.fakes.telegram_api import FakeTelegram
from tests.stories import STEWARD, STEWARDS, Company, text_of

RESIDENT = 7101


@pytest.fixture
async def company(tmp_path, clock):
    async with FakeTelegram() as tg:
        c = await Company.open(tmp_path, tg)
        await c.bind(RESIDENT)
        try:
            yield c
        finally:
            await c.close()


def relays(c: Company, since: int) -> list[str]:
    return [text_of(x) for x in c.sent_to(STEWARDS, since) if "业主补充" in text_of(x)]


async def test_greetings_thanks_and_emoji_are_answered_not_relayed(company, clock):
    c = company
    since = c.say(RESIDENT, "楼上天天半夜装修，吵得睡不着，我要投诉")
    await c.reply(STEWARDS, since, "装修")
    await c.reply(RESIDENT, since, "工单")
    for text in ("你好", "👍😊", "谢谢"):
        since = c.say(RESIDENT, text)
        answer = await c.reply(RESIDENT, since)
        assert "工单" not in text_of(answer)
        await c.idle()
        assert relays(c, since) == []
    # a long message about something else, in the same minute, is its own ticket
    since = c.say(RESIDENT, "地下车库的灯坏了好几盏，晚上停车看不清楚。" * 300)
    await c.reply(RESIDENT, since, "工单")
    assert relays(c, since) == []
    assert sorted(t.kind for t in await Ticket.all()) == ["complaint", "repair"]


async def test_a_second_problem_is_its_own_ticket_and_nothing_joins_an_urgent_one(company, clock):
    c = company
    since = c.say(RESIDENT, "厨房水管漏水了")
    await c.reply(STEWARDS, since, "漏水")
    await c.reply(RESIDENT, since, "漏水")
    since = c.say(RESIDENT, "另外，楼道里的垃圾好几天没人清理了")
    await c.reply(RESIDENT, since, "垃圾")
    assert relays(c, since) == []
    since = c.say(RESIDENT, "电梯里有人被困住了，快来！")
    await c.reply(RESIDENT, since, "紧急工单")
    clock.advance(minutes=6)
    since = c.say(RESIDENT, "马桶堵了，能不能来疏通一下")
    await c.reply(RESIDENT, since, "疏通")  # a paid service: its price asked first
    tickets = await Ticket.all().order_by("id")
    assert len(tickets) == 4
    assert tickets[2].urgent and tickets[2].hazard == "elevator"
    assert "马桶" in tickets[3].summary


async def test_a_question_about_a_ticket_is_answered_with_its_state(company, clock):
    c = company
    since = c.say(RESIDENT, "卫生间的灯坏了")
    card = await c.reply(STEWARDS, since, "灯")
    ticket = await Ticket.get()
    since = c.say(STEWARD, f"/claim {ticket.number[-4:]}", chat=STEWARDS)
    await c.reply(RESIDENT, since, "接单")
    since = c.say(STEWARD, f"/eta {ticket.number[-4:]} 明天下午", chat=STEWARDS)
    await c.reply(RESIDENT, since, "明天下午")
    clock.advance(hours=3)
    since = c.say(RESIDENT, "灯什么时候能修好？")
    answer = await c.reply(RESIDENT, since, ticket.number)
    assert "王管家" in text_of(answer) and "明天下午" in text_of(answer)
    relay = await c.reply(STEWARDS, since, "灯什么时候能修好")  # a person can answer it too
    assert ticket.number in text_of(relay)
    assert await Ticket.all().count() == 1
    assert card


async def test_an_answer_to_a_steward_joins_without_the_split_button(company, clock):
    c = company
    since = c.say(RESIDENT, "客厅插座没电了")
    card = await c.reply(STEWARDS, since, "插座")
    clock.advance(hours=2)
    since = c.say(
        STEWARD, "明天上午九点师傅上门可以吗？", chat=STEWARDS,
        reply_to_message_id=card.result["message_id"],
    )  # fmt: skip
    await c.reply(RESIDENT, since, "九点")
    clock.advance(hours=1)
    since = c.say(RESIDENT, "可以，我在家等")
    ack = await c.reply(RESIDENT, since)
    assert not ack.buttons  # no "这是另一件事": it is plainly the answer
    await c.reply(STEWARDS, since, "我在家等")
    assert await Ticket.all().count() == 1


async def test_two_requests_in_one_message_make_two_tickets(company, clock):
    c = company
    since = c.say(RESIDENT, "楼道好脏而且灯也坏了")
    await c.reply(RESIDENT, since, "工单")
    await c.idle()
    kinds = sorted(t.kind for t in await Ticket.all())
    assert kinds == ["cleaning", "repair"]


async def test_a_message_not_for_us_is_no_ticket_until_they_ask_for_a_person(company, clock):
    c = company
    since = c.say(RESIDENT, "采荷一小是分校吧")
    answer = await c.reply(RESIDENT, since, "物业客服")
    assert await Ticket.all().count() == 0
    button = answer.buttons[0][0]
    since = c.press(RESIDENT, RESIDENT, answer.result["message_id"], button["callback_data"])
    await c.reply(STEWARDS, since, "采荷一小")
    ticket = await Ticket.get()
    assert ticket.kind == "consultation"
