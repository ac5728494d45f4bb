"""Notices through the platform-neutral handlers (issue 20): who receives one, what they
read, what the sender is told before and after, and what residents' replies about it
do. The command's words (targets, kind, period) are read by pure functions, tested
first."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from handlers import notice_report
from handlers.context import Incoming, setup
from handlers.router import handle
from models.domain.config import EXAMPLE_CONFIG, load_config
from models.domain.notices import parse
from models.storage.db import close_db, open_db, sync_config
from models.tables import Incident, Notice, NoticeDelivery, Outbox, Ticket
from tests.test_incidents import outage_config
from tests.test_scheduler import STEWARD, STEWARDS, SUPERVISORS, local

SH = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
_n = iter(range(1, 10**6))


# -- the command's words --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("words", "targets", "kind", "period"),
    [
        (
            "3栋 明天9:00-12:00停水检修，请提前储水",
            ["3栋"],
            "water",
            ("11-24 09:00", "11-24 12:00"),
        ),
        (
            "3栋、1栋 停电 11月25日上午9点至下午3点检修",
            ["3栋", "1栋"],
            "power",
            ("11-25 09:00", "11-25 15:00"),
        ),
        ("3栋2单元 电梯 今天14:00-16:00保养", ["3栋2单元"], "lift", ("11-23 14:00", "11-23 16:00")),
        (
            "全小区 地下车库明天8:00-17:00清洗，请将车辆移至地面",
            ["全小区"],
            "works",
            ("11-24 08:00", "11-24 17:00"),
        ),
        ("3-2-1201 今晚22:00-次日6:00施工", ["3-2-1201"], "works", ("11-23 22:00", "11-24 06:00")),
        ("3栋明天停水", ["3栋"], "water", ("11-24 00:00", "11-25 00:00")),
        ("1栋 其他 周末开展消防演练", ["1栋"], "other", None),
        # weekdays: the coming one (Monday 11-23 is today), and next week's
        (
            "全小区 周六上午电梯年检，9点到11点电梯停运",
            ["全小区"],
            "lift",
            ("11-28 09:00", "11-28 11:00"),
        ),
        ("3栋 下周一9:00-12:00停水", ["3栋"], "water", ("11-30 09:00", "11-30 12:00")),
        ("3栋 星期天停电检修", ["3栋"], "power", ("11-29 00:00", "11-30 00:00")),
    ],
)
def test_the_words_of_a_notice(config, words, targets, kind, period):
    draft = parse(words, config.community("demo"), AT, SH)
    assert [t.label for t in draft.targets] == targets
    assert draft.kind == kind
    got = (
        (
            f"{draft.starts_at.astimezone(SH):%m-%d %H:%M}",
            f"{draft.ends_at.astimezone(SH):%m-%d %H:%M}",
        )
        if draft.starts_at
        else None
    )
    assert got == period


@pytest.mark.parametrize("words", ["明天停水", "3栋", "9栋 停水", "5栋电梯保养 明天"])
def test_a_notice_without_targets_or_words_is_not_one(config, words):
    assert parse(words, config.community("demo"), AT, SH) is None


# -- the service ----------------------------------------------------------------------------------
@pytest.fixture
async def world(tmp_path, clock):
    config = outage_config(tmp_path)
    setup(config)
    await open_db(f"sqlite://{tmp_path}/notices.db", create=True)
    await sync_config(config)
    clock.set(local(2026, 11, 23, 10, 0))
    yield clock
    await close_db()
    setup(load_config(EXAMPLE_CONFIG))


async def say(text: str, user: str, platform: str = "telegram"):
    return await handle(
        Incoming(platform=platform, key=f"m{next(_n)}", chat_id=user, sender_id=user, text=text)
    )


async def staff_says(
    text: str = "", *, button: str | None = None, on: str = "", message_id: str | None = None
):
    """A steward in the stewards' chat; ``button`` pressed on message ``message_id`` whose
    text Telegram sends along as ``on``."""
    return await handle(
        Incoming(
            platform="telegram",
            key=f"s{next(_n)}",
            chat_id=STEWARDS,
            sender_id=str(STEWARD),
            chat_type="group",
            message_id=message_id or str(next(_n)),
            text=text,
            button=button,
            button_on=on,
        )
    )


async def mark() -> int:
    row = await Outbox.all().order_by("-id").first()
    return row.id if row else 0


async def since(m: int, **where) -> list[Outbox]:
    return await Outbox.filter(id__gt=m, **where).order_by("id")


BUILDING_3 = {
    "701": ("3栋1单元101", "telegram"),
    "702": ("3栋2单元1203", "telegram"),
    "oWx703": ("3栋1单元101", "wechat"),
    "704": ("3棟3單元804", "telegram"),
    "705": ("Block 3, Unit 1, Flat 102", "telegram"),
}
ELSEWHERE = {"711": ("1栋1单元101", "telegram"), "oWx712": ("5栋1单元101", "wechat")}


async def bind(people: dict[str, tuple[str, str]]) -> None:
    for user, (unit, platform) in people.items():
        await say(unit, user, platform)


async def draft_and_send(words: str) -> Notice:
    m = await mark()
    await staff_says(f"/notice {words}")
    (preview,) = await since(m, chat_id=STEWARDS)
    notice = await Notice.all().order_by("-id").first()
    assert preview.payload["buttons"][0][0]["data"] == f"notice:send:{notice.id}"
    await staff_says(button=f"notice:send:{notice.id}")
    return await Notice.get(id=notice.id)


async def test_a_notice_reaches_exactly_the_building_in_each_script(world):
    await bind({**BUILDING_3, **ELSEWHERE})
    await say("謝謝你們", "704")  # writes Traditional
    await say("thank you", "705")  # and English
    m = await mark()
    await staff_says("/notice 3栋 明天9:00-12:00停水检修，请提前储水")
    (preview,) = await since(m, chat_id=STEWARDS)
    text = preview.payload["text"]
    assert "4 户、5 位住户" in text and "Telegram 4，微信 1" in text
    assert "11-24 09:00–12:00" in text and "停水" in text
    assert not await since(m, kind="notice")  # nothing goes out before the sender confirms
    notice = await Notice.get()
    await staff_says(button=f"notice:send:{notice.id}")
    sent = await since(m, kind="notice")
    assert sorted(r.chat_id for r in sent) == sorted(BUILDING_3)
    by_chat = {r.chat_id: r for r in sent}
    assert by_chat["oWx703"].platform == "wechat"
    assert by_chat["701"].payload["text"].startswith("【停水通知】3栋\n明天9:00-12:00停水检修")
    assert "感谢您的理解与配合" in by_chat["701"].payload["text"]
    assert "感謝您的理解與配合" in by_chat["704"].payload["text"]  # Traditional
    assert by_chat["705"].payload["text"].startswith("[Water cut notice] Building 3")
    assert by_chat["oWx703"].payload["text_key"] == "notice.message"
    assert by_chat["oWx703"].payload["facts"]["text"].startswith("明天9:00-12:00")
    assert not any(r.urgent for r in sent)
    assert await NoticeDelivery.filter(notice_id=notice.id).count() == 5
    # a second press sends nothing more
    m2 = await mark()
    await staff_says(button=f"notice:send:{notice.id}")
    assert not await since(m2, kind="notice")
    assert "不能再确认" in (await since(m2, chat_id=STEWARDS))[0].payload["text"]


async def test_the_sender_gets_the_delivery_report_when_all_is_out(world):
    await bind({**BUILDING_3, **ELSEWHERE})
    notice = await draft_and_send("3栋 明天9:00-12:00停水检修，请提前储水")
    assert await notice_report.sweep() == 0  # still pending
    rows = {r.chat_id: r for r in await Outbox.filter(kind="notice")}
    for chat in ("701", "704", "705"):
        await Outbox.filter(id=rows[chat].id).update(status="sent")
    await Outbox.filter(id=rows["702"].id).update(
        status="failed", last_error="telegram refused: Forbidden: bot was blocked by the user"
    )
    await Outbox.filter(id=rows["oWx703"].id).update(status="sent", platform_message_id="8888")
    m = await mark()
    assert await notice_report.sweep() == 1
    assert await notice_report.sweep() == 0  # once
    (report,) = await since(m, chat_id=STEWARDS)
    text = report.payload["text"]
    assert "Telegram：共 4 人，送达 3，失败 0，已屏蔽或取关 1" in text
    assert "微信：共 1 人，送达 1，失败 0，已屏蔽或取关 0（其中模板消息 1）" in text
    assert "未送达的房号：3栋2单元1203" in text
    figures = await notice_report.notice_report(notice.id)
    assert figures.status == "done" and figures.pending == 0
    assert figures.platforms["telegram"].blocked == 1 and figures.platforms["wechat"].template == 1
    assert {d.status for d in await NoticeDelivery.filter(notice_id=notice.id)} == {
        "sent",
        "blocked",
    }


async def test_residents_replies_are_read_with_the_notice(world):
    await bind(BUILDING_3)
    await draft_and_send("3栋 明天9:00-12:00停水检修，请提前储水")
    # the evening before: a question is answered with the notice, no ticket
    world.set(local(2026, 11, 23, 19, 0))
    m = await mark()
    await say("请问明天停水到几点？", "701")
    (answer,) = await since(m)
    assert (
        "关于3栋的停水通知" in answer.payload["text"] and "明天9:00-12:00" in answer.payload["text"]
    )
    assert await Ticket.all().count() == 0
    # during the cut: "我家已经停水了" is no new outage: it joins the notice's incident
    world.set(local(2026, 11, 24, 9, 30))
    m = await mark()
    await say("我家已经停水了", "702")
    incident = await Incident.get()
    assert incident.notice_id is not None and incident.households == 1
    parent = await Ticket.get(id=incident.ticket_id)
    assert not parent.urgent and parent.due_kind == "restore"
    replies = [r.payload["text"] for r in await since(m, chat_id="702")]
    assert len(replies) == 1 and "已通知的计划停水" in replies[0] and "恢复后会通知您" in replies[0]
    (card,) = await since(m, chat_id=STEWARDS, kind="card")
    assert "计划停水" in card.payload["text"] and "已有 1 户反映" in card.payload["text"]
    assert not await since(m, chat_id=SUPERVISORS)  # a planned cut alerts nobody
    await say("停水了", "701")
    assert (await Incident.get(id=incident.id)).households == 2
    assert await Incident.all().count() == 1
    # and the incident's end: resolving it tells both households
    m = await mark()
    await staff_says(f"/resolve {parent.number[-4:]} 检修完成，已恢复供水")
    assert {
        r.chat_id for r in await since(m, kind="text") if "已恢复供水" in r.payload["text"]
    } >= {
        "701",
        "702",
    }


async def test_a_question_that_names_what_the_notice_is_about(world):
    await bind(BUILDING_3)
    await draft_and_send("全小区 地下车库明天8:00-17:00清洗，请将车辆移至地面")
    m = await mark()
    await say("车库清洗要挪车吗", "701")
    (answer,) = await since(m)
    assert "地下车库明天8:00-17:00清洗" in answer.payload["text"]
    assert await Ticket.all().count() == 0


async def test_cancel_list_show_and_quiet_hours(world):
    await bind(BUILDING_3)
    world.set(local(2026, 11, 23, 22, 30))
    m = await mark()
    await staff_says("/notice 3栋2单元 电梯 明天10:00-11:00保养")
    (preview,) = await since(m, chat_id=STEWARDS)
    assert "1 户、1 位住户" in preview.payload["text"]
    assert "免打扰时段" in preview.payload["text"] and "08:00" in preview.payload["text"]
    notice = await Notice.get()
    await staff_says(f"/notice send {notice.id}")
    (row,) = await Outbox.filter(kind="notice")
    assert row.chat_id == "702" and row.next_attempt_at == local(2026, 11, 24, 8, 0)
    await staff_says("/notice 3栋 停电 明天检修")
    second = await Notice.all().order_by("-id").first()
    m = await mark()
    await staff_says(f"/notice cancel {second.id}")
    await staff_says("/notice list")
    await staff_says(f"/notice show {notice.id}")
    cancelled, listed, shown = [r.payload["text"] for r in await since(m, chat_id=STEWARDS)]
    assert "已取消" in cancelled and (await Notice.get(id=second.id)).status == "cancelled"
    assert f"N{notice.id}" in listed and "发送中" in listed and "已取消" in listed
    assert "共 1 人" in shown
    m = await mark()
    await staff_says("/notice 9栋 明天停水")
    assert "用法" in (await since(m, chat_id=STEWARDS))[0].payload["text"]


async def test_not_staff_cannot_send_a_notice(world):
    await bind(BUILDING_3)
    m = await mark()
    await say("/notice 3栋 明天停水", "701")
    assert await Notice.all().count() == 0
    assert not await since(m, kind="notice")


async def test_the_preview_closes_with_the_answer_and_without_its_buttons(world):
    """确认发送 turns the preview into what was done: the same words plus the answer, no
    buttons left to press (Telegram edits the message the button was on)."""
    await bind(BUILDING_3)
    m = await mark()
    await staff_says("/notice 3栋 明天9:00-12:00停水检修，请提前储水")
    (preview,) = await since(m, chat_id=STEWARDS)
    notice = await Notice.get()
    m = await mark()
    await staff_says(
        button=f"notice:send:{notice.id}", on=preview.payload["text"], message_id="4242"
    )
    (closed,) = await since(m, chat_id=STEWARDS)
    assert closed.kind == "edit_card" and closed.payload["message_id"] == "4242"
    assert closed.payload["text"].startswith(preview.payload["text"])
    assert closed.payload["text"].endswith(
        f"通知 N{notice.id} 开始发送给 5 位住户，发送完毕后会在这里报告送达情况。"
    )
    assert not closed.payload.get("buttons")
    assert len(await since(m, kind="notice")) == len(BUILDING_3)


async def test_a_late_second_press_or_a_card_without_its_text_is_answered_not_edited(world):
    """A second press (Telegram still shows the old preview) must not overwrite what the
    first one closed the card with; a button whose card text Telegram no longer sends
    (an inaccessible message) gets its answer said, not a card reduced to one line."""
    await bind(BUILDING_3)
    m = await mark()
    await staff_says("/notice 3栋 明天9:00-12:00停水检修，请提前储水")
    (preview,) = await since(m, chat_id=STEWARDS)
    notice = await Notice.get()

    async def press(what: str, card_text: str) -> Outbox:
        m = await mark()
        await staff_says(button=f"notice:{what}:{notice.id}", on=card_text, message_id="4343")
        (answer,) = await since(m, chat_id=STEWARDS)
        return answer

    first = await press("send", preview.payload["text"])
    assert first.kind == "edit_card"
    late = await press("cancel", preview.payload["text"])
    assert late.kind == "text" and "不能再" in late.payload["text"]
    assert (await Notice.get(id=notice.id)).status != "cancelled"
    m = await mark()
    await staff_says("/notice 3栋 后天9:00-12:00停电检修")
    other = await Notice.all().order_by("-id").first()
    notice = other
    blind = await press("cancel", "")
    assert blind.kind == "text" and "取消" in blind.payload["text"]
