"""Resident flows through the platform-neutral handlers: scripts, fees, cleaning
slots, urgent advice, complaints about staff, units, /my and /cancel."""

from __future__ import annotations

from datetime import timedelta

import pytest

from handlers.context import Incoming, setup
from handlers.router import handle
from models.storage.db import close_db, open_db, sync_config
from models.tables import Outbox, Resident, Ticket, TicketEvent
from tests.test_scheduler import STEWARDS, SUPERVISORS, local, staffed_config

_n = iter(range(1, 10**6))


@pytest.fixture
async def world(tmp_path, clock):
    config = staffed_config(tmp_path)
    setup(config)
    await open_db(f"sqlite://{tmp_path}/intake.db", create=True)
    await sync_config(config)
    clock.set(local(2026, 11, 23, 10, 0))
    yield clock
    await close_db()
    from models.domain.config import EXAMPLE_CONFIG, load_config

    setup(load_config(EXAMPLE_CONFIG))


async def say(text: str = "", *, user: str = "601", button: str | None = None, media=None):
    return await handle(
        Incoming(
            platform="telegram",
            key=f"m{next(_n)}",
            chat_id=user,
            sender_id=user,
            text=text,
            button=button,
            media=media or [],
        )
    )


async def replies(user: str = "601", since: int = 0) -> list[Outbox]:
    return await Outbox.filter(chat_id=user, id__gt=since).order_by("id")


async def last_id() -> int:
    row = await Outbox.all().order_by("-id").first()
    return row.id if row else 0


async def test_traditional_in_traditional_out(world):
    await say("1棟1單元1201")
    mark = await last_id()
    await say("廚房水管漏水了，請儘快派人來")
    confirm = (await replies(since=mark))[-1].payload["text"]
    assert "感謝您的回饋" in confirm and "工單" in confirm  # Taiwan forms
    assert (await Resident.get(platform_user_id="601")).script == "hant"


async def test_english_in_english_out(world):
    await say("1-1-1201")
    mark = await last_id()
    await say("the kitchen pipe is leaking water everywhere")
    texts = [r.payload["text"] for r in await replies(since=mark)]
    assert any(t.startswith("Thank you") and "ticket" in t for t in texts)


@pytest.mark.parametrize(
    ("question", "expect"),
    [
        ("how do I pay the property fee? can I use wechat?", ("Thank", "management office")),
        ("物業費點交？可以用微信嗎", ("謝謝", "管理處")),
        ("物业费怎么交？可以用微信吗", ("谢谢", "管理处")),
    ],
)
async def test_faq_answers_in_the_residents_script(world, question, expect):
    await say("1-1-1201")
    mark = await last_id()
    await say(question)
    (answer,) = [r.payload["text"] for r in await replies(since=mark)]
    assert all(word in answer for word in expect), answer
    assert await Ticket.all().count() == 0  # answered, no front-desk ticket


async def test_unit_that_does_not_exist_is_asked_again(world):
    await say("/start")
    mark = await last_id()
    await say("9栋1单元1201")  # there is no building 9
    assert "没有找到" in (await replies(since=mark))[-1].payload["text"]
    assert (await Resident.get(platform_user_id="601")).unit_id is None
    await say("3栋2单元2604")
    assert (await Resident.get(platform_user_id="601")).unit_id is not None


async def test_request_before_unit_is_kept_and_opened_after_it(world):
    await say("卫生间地漏堵了，水排不下去")
    assert await Ticket.all().count() == 0
    assert "房号" in (await replies())[-1].payload["text"]
    await say("2-1-0801")
    ticket = await Ticket.get()
    assert ticket.summary.startswith("卫生间地漏堵了") and ticket.unit_id is not None


async def test_paid_service_asks_consent_and_a_refusal_cancels(world):
    await say("1栋1单元1201")
    mark = await last_id()
    await say("马桶堵了，需要疏通一下")
    ask = (await replies(since=mark))[-1]
    assert "有偿服务" in ask.payload["text"] and "80元/次" in ask.payload["text"]
    ticket = await Ticket.get()
    assert ticket.status == "new"
    assert not await Outbox.filter(chat_id=STEWARDS)  # nothing dispatched before consent
    no = ask.payload["buttons"][0][1]["data"]
    await say(button=no)
    assert (await Ticket.get(id=ticket.id)).status == "cancelled"
    assert "已为您取消" in (await replies(since=mark))[-1].payload["text"]


async def test_paid_service_consent_dispatches_with_the_fee_on_the_card(world):
    await say("1栋1单元1201")
    mark = await last_id()
    await say("马桶堵了，需要疏通一下")
    yes = (await replies(since=mark))[-1].payload["buttons"][0][0]["data"]
    await say(button=yes)
    ticket = await Ticket.get()
    assert ticket.status == "dispatched"
    card = await Outbox.get(chat_id=STEWARDS, kind="card")
    assert "业主已同意收费" in card.payload["text"]


async def test_home_cleaning_opens_only_after_a_slot_is_chosen(world):
    await say("1栋1单元1201")
    mark = await last_id()
    await say("想预约一下家政保洁，把家里打扫打扫")
    ask = (await replies(since=mark))[-1]
    assert "服务时间" in ask.payload["text"]
    assert await Ticket.filter(status__not="new").count() == 0
    first = ask.payload["buttons"][0][0]
    await say(button=first["data"])
    ticket = await Ticket.filter(kind="cleaning").first()
    if ticket.status == "new":  # the booking matched a paid service: consent first
        yes = (await replies())[-1].payload["buttons"][0][0]["data"]
        await say(button=yes)
        ticket = await Ticket.get(id=ticket.id)
    assert ticket.status == "dispatched"
    assert ticket.details["slot"] == first["text"]
    assert ticket.due_kind == "slot"


async def test_urgent_gets_safety_advice_and_supervisors_at_once(world):
    world.set(local(2026, 11, 23, 23, 30))  # in quiet hours: urgent never waits
    await say("1栋1单元1201")
    mark = await last_id()
    await say("家里好大一股煤气味！")
    ticket = await Ticket.get()
    assert ticket.urgent and ticket.hazard == "gas"
    advice = [r.payload["text"] for r in await replies(since=mark)]
    assert any("不要开关任何电器" in t and "紧急工单" in t for t in advice)
    alert = await Outbox.filter(chat_id=SUPERVISORS, id__gt=mark).first()
    assert "【紧急】" in alert.payload["text"] and alert.next_attempt_at == world.now()
    assert ticket.deadline_at == world.now() + timedelta(minutes=15)


async def test_complaint_about_staff_goes_to_supervisors_not_stewards(world):
    await say("1栋1单元1201")
    await say("我要投诉你们的王管家，态度太差了，还跟我吵架")
    ticket = await Ticket.get()
    assert ticket.kind == "complaint" and ticket.about_staff
    assert await Outbox.filter(chat_id=SUPERVISORS, kind="card").count() == 1
    assert await Outbox.filter(chat_id=STEWARDS).count() == 0


async def test_photo_first_then_words_make_one_ticket_with_the_photo(world):
    await say("1栋1单元1201")
    photo = {"platform": "telegram", "type": "photo", "file_id": "PHOTO1"}
    await say(media=[photo])
    assert "照片" in (await replies())[-1].payload["text"]
    await say("阳台的窗户玻璃裂了")
    ticket = await Ticket.get()
    assert ticket.details["media"] == [photo]
    relayed = await Outbox.filter(chat_id=STEWARDS, kind="relay").first()
    assert relayed.payload["media"] == [photo]


async def test_my_and_cancel(world):
    await say("1栋1单元1201")
    await say("客厅的灯不亮了")
    ticket = await Ticket.get()
    mark = await last_id()
    await say("/my")
    listing = (await replies(since=mark))[-1].payload["text"]
    assert ticket.number in listing and "已受理" in listing
    await say(f"/cancel {ticket.number}")
    assert (await Ticket.get(id=ticket.id)).status == "cancelled"
    await say("/cancel 20990101-0001")
    assert "没有找到" in (await replies())[-1].payload["text"]
    # someone else cannot cancel this resident's ticket
    await say(f"/cancel {ticket.number}", user="602")
    assert await TicketEvent.filter(ticket=ticket, to_status="cancelled").count() == 1


async def test_greeting_and_thanks_open_nothing(world):
    await say("1栋1单元1201")
    for text in ("你好", "谢谢", "好的👍"):
        await say(text)
    assert await Ticket.all().count() == 0


async def test_anonymous_report_hides_the_unit_and_gets_no_follow_up(world):
    await say("1栋1单元1201")
    await say("匿名反映一下，楼道里有人长期堆放杂物，存在消防隐患")
    ticket = await Ticket.get()
    assert ticket.anonymous
    card = await Outbox.get(chat_id=STEWARDS, kind="card")
    assert "1栋1单元1201" not in card.payload["text"] and "匿名" in card.payload["text"]
    from models.domain.deadlines import plan

    assert plan(ticket, "resolved", world.now())["due_kind"] is None  # no follow-up


async def test_unit_given_after_an_urgent_ticket_is_attached_to_it(world):
    await say("电梯困人了，我被关在电梯里了！")
    ticket = await Ticket.get()
    assert ticket.urgent and ticket.unit_id is None  # urgent never waits for the unit
    assert "房号" in (await replies())[-1].payload["text"]  # asked right after the advice
    await say("2栋2单元1502")
    fresh = await Ticket.get(id=ticket.id)
    assert fresh.unit_id is not None
    edit = await Outbox.filter(kind="edit_card", ticket_id=ticket.id).order_by("-id").first()
    assert "2栋2单元1502" in edit.payload["text"]


async def test_question_in_a_burst_is_answered_and_anger_goes_up(world):
    await say("1栋1单元1201")
    await say("楼上天天半夜装修，吵得睡不着，我要投诉")
    ticket = await Ticket.get()
    mark = await last_id()
    await say("物业费可以微信交吗")  # within the burst window, but the FAQ answers it
    answer = (await replies(since=mark))[-1].payload["text"]
    assert answer.startswith("谢谢您的咨询") and "感谢您的咨询！谢谢" not in answer
    assert not await Outbox.filter(chat_id=STEWARDS, kind="relay", id__gt=mark)
    assert ticket.summary == "楼上天天半夜装修，吵得睡不着，我要投诉"  # no doubled "！。"
    mark = await last_id()
    await say("你们到底管不管？！再不管我打12345了")
    alert = await Outbox.filter(chat_id=SUPERVISORS, id__gt=mark).first()
    assert "情绪激动" in alert.payload["text"]
    assert (await Ticket.get(id=ticket.id)).agitated
    await say("还是很吵！！！")  # already handed up: the supervisors are not pinged again
    assert await Outbox.filter(chat_id=SUPERVISORS, id__gt=mark).count() == 1
