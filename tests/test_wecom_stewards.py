"""Issue 17, stewards on WeCom get the same story as the Telegram group: every change of a
ticket as a short line (number, what, who, where), a resident's voice as a file they can
play, a location with its label and a map, and a clear line when a photo could not be had.
The WeCom group robot is the fake's, which keeps WeCom's rules (20 messages a minute,
markdown up to 4096 bytes, files uploaded to the robot first)."""

from __future__ import annotations

import asyncio

from models.tables import Ticket
from tests import test_wechat_e2e as e2e
from tests.fakes.wechat_api import image_xml, location_xml, text_xml, voice_xml
from tests.test_wechat_e2e import (
    RESIDENT,
    ROBOT_KEY,
    STEWARD_ID,
    STEWARD_OPENID,
    STEWARDS,
    bind_unit,
)

world = e2e.world
SEND = "/cgi-bin/webhook/send"


def robot_texts(w, since: int = 0) -> list[str]:
    return [
        c.body["markdown"]["content"]
        for c in w.wx.robot_messages(ROBOT_KEY)
        if c.body["msgtype"] == "markdown" and w.wx.calls().index(c) >= since
    ]


async def robot_line(w, since: int, needle: str) -> str:
    call = await w.wx.wait_for(
        SEND,
        lambda c: c.body.get("msgtype") == "markdown" and needle in c.body["markdown"]["content"],
        since=since,
    )
    return call.body["markdown"]["content"]


async def open_ticket(w, words: str = "卫生间水龙头一直滴水") -> Ticket:
    await bind_unit(w)
    since = await w.say(text_xml(RESIDENT, words))
    await w.to_resident(since, "工单")
    await robot_line(w, since, "待接单")  # the card
    return await Ticket.get()


def telegram_command(w, text: str) -> None:
    w.tg.push_update(w.tg.make_text_update(STEWARD_ID, STEWARDS, text, chat_type="supergroup"))


async def test_every_change_reaches_the_wecom_group_with_who_and_where(world):
    w = world
    ticket = await open_ticket(w)
    n = ticket.number

    since = w.wx.mark()  # claimed from the Telegram group
    telegram_command(w, f"/claim {n}")
    assert await robot_line(w, since, "已接单") == f"工单 {n} 已接单 —— 王管家（Telegram）"

    since = w.wx.mark()  # assigned from the steward's own chat with the Official Account
    await w.say(text_xml(STEWARD_OPENID, f"/assign {n} 李主管"))
    assert await robot_line(w, since, "指派") == f"工单 {n} 已指派给 李主管 —— 王管家（微信）"

    since = w.wx.mark()  # escalated with the card's button
    card = await w.tg.wait_for(
        "sendMessage", lambda c: c.params.get("chat_id") == STEWARDS and n in c.params["text"]
    )
    w.tg.push_update(
        w.tg.make_callback_update(
            STEWARD_ID, STEWARDS, card.result["message_id"], f"escalate:{ticket.id}"
        )
    )
    assert (
        await robot_line(w, since, "升级至") == f"工单 {n} 已升级至客服主管 —— 王管家（Telegram）"
    )

    since = w.wx.mark()  # resolved from WeChat, with a phone number in the result
    await w.say(text_xml(STEWARD_OPENID, f"/resolve {n} 已更换阀芯，有问题请打13812345678"))
    line = await robot_line(w, since, "已处理")
    assert line == f"工单 {n} 已处理：已更换阀芯，有问题请打138****5678 —— 王管家（微信）"

    since = w.wx.mark()  # reopened from Telegram
    telegram_command(w, f"/reopen {n} 业主说还在滴")
    assert (
        await robot_line(w, since, "已重开")
        == f"工单 {n} 已重开：业主说还在滴 —— 王管家（Telegram）"
    )

    since = w.wx.mark()  # closed
    telegram_command(w, f"/close {n} 业主确认已解决")
    assert (
        await robot_line(w, since, "已办结")
        == f"工单 {n} 已办结：业主确认已解决 —— 王管家（Telegram）"
    )
    await w.settle()
    await asyncio.sleep(0.2)
    lines = [t for t in robot_texts(w) if t.startswith(f"工单 {n} 已")]
    assert len(lines) == len(set(lines)) == 6  # each change once


async def test_a_followup_result_and_a_residents_reopening_reach_wecom(world):
    w = world
    ticket = await open_ticket(w, "楼道的灯坏了")
    n = ticket.number
    await w.say(text_xml(STEWARD_OPENID, f"/resolve {n} 已更换灯泡"))
    await robot_line(w, 0, "已更换灯泡")
    since = await w.say(text_xml(RESIDENT, "还是不亮啊"))  # the resident says it again
    assert await robot_line(w, since, "已重开") == f"工单 {n} 已重开：业主再次反映 —— 业主（微信）"
    await w.say(text_xml(STEWARD_OPENID, f"/resolve {n} 已更换整个灯座"))
    await robot_line(w, since, "已更换整个灯座")
    from handlers.deadline_steps import sweep

    w.clock.advance(hours=2)
    since = w.wx.mark()
    await sweep()  # 回访: accept?
    await w.to_resident(since, "验收")
    since = await w.say(text_xml(RESIDENT, "1"))
    await w.to_resident(since, "打个分")
    since = await w.say(text_xml(RESIDENT, "5"))
    line = await robot_line(w, since, "已办结")
    assert line == f"工单 {n} 已办结：回访满意（5 分） —— 业主（微信）"
    assert (await Ticket.get(id=ticket.id)).status == "closed"


async def test_voice_reaches_the_robot_as_a_file_to_play(world):
    w = world
    await bind_unit(w)
    audio = b"#!AMR\n" + b"\x3c" * 400
    w.wx.add_media("VOICE_9", audio, "audio/amr", "VOICE_9.amr")
    since = await w.say(voice_xml(RESIDENT, "VOICE_9", "厨房水管爆了"))
    await w.to_resident(since, "工单")
    ticket = await Ticket.get()
    file_call = await w.wx.wait_for(SEND, lambda c: c.body.get("msgtype") == "file", since=since)
    name, content = w.wx.robot_files(ROBOT_KEY)[-1]
    assert content == audio and name == f"voice-{ticket.number}.amr"
    relay = await robot_line(w, since, "业主发来语音")
    calls = w.wx.calls()
    assert calls.index(file_call) > max(
        i for i, c in enumerate(calls) if c.path == SEND and relay in str(c.body)
    )


async def test_a_location_arrives_with_its_label_and_a_map(world):
    w = world
    await open_ticket(w, "小区东门的路灯不亮")
    since = await w.say(location_xml(RESIDENT, 31.230416, 121.473701, "示例花园东门 13812345678"))
    line = await robot_line(w, since, "位置")
    assert "示例花园东门" in line and "13812345678" not in line  # masked
    assert "[查看地图](https://uri.amap.com/marker?position=121.473701%2C31.230416" in line
    assert "（31.23042, 121.47370）" in line


async def test_a_photo_that_could_not_be_fetched_is_said_so(world):
    w = world
    await open_ticket(w, "阳台的窗户玻璃裂了")
    # WeChat keeps media three days: this one is gone (the fake answers 40007)
    since = await w.say(image_xml(RESIDENT, "MEDIA_EXPIRED"))
    line = await robot_line(w, since, "业主发来照片")
    assert "这条照片未能从微信取回" in line
    assert not [c for c in w.wx.calls()[since:] if c.path == SEND and c.body["msgtype"] == "image"]
    ticket = await Ticket.get()
    assert ticket.details["media"][-1]["error"]  # kept with the ticket, with why


async def test_lines_only_for_wecom_once_each_and_old_cards_only_the_latest(world):
    from handlers import notify, wecom_lines
    from models.domain.lifecycle import Actor
    from models.outbox import transaction
    from models.tables import Outbox
    from models.tickets import transition

    w = world
    ticket = await open_ticket(w)
    steward = Actor.staff(1, "王管家")
    async with transaction() as conn:
        await transition(ticket, "claimed", steward, conn=conn)
        await notify.refresh_card(ticket, conn)
        await notify.refresh_card(ticket, conn)  # refreshed twice: announced once
    await w.settle()
    lines = await Outbox.filter(kind="status")
    assert [r.platform for r in lines] == ["wecom"]  # Telegram edits its card instead
    # a card posted before these lines existed: only what happens now is announced
    details = {k: v for k, v in ticket.details.items() if k != wecom_lines.SEEN}
    await Ticket.filter(id=ticket.id).update(details=details)
    ticket = await Ticket.get(id=ticket.id)
    async with transaction() as conn:
        await transition(ticket, "resolved", steward, "已修好", conn=conn)
        await transition(ticket, "reopened", steward, "没修好", conn=conn)
        await notify.refresh_card(ticket, conn)
    texts = [r.payload["text"] for r in await Outbox.filter(kind="status").order_by("id")]
    assert texts[-1] == f"工单 {ticket.number} 已重开：没修好 —— 王管家"
    assert len(texts) == 2


async def test_phone_and_id_numbers_never_reach_the_wecom_group(world):
    w = world
    await bind_unit(w)
    since = await w.say(text_xml(RESIDENT, "厨房水管漏水了，我电话13812345678，急"))
    await w.to_resident(since, "工单")
    card = await robot_line(w, since, "待接单")
    assert "138****5678" in card and "13812345678" not in card
    since = await w.say(text_xml(RESIDENT, "身份证110101199003071234，麻烦快点"))
    relay = await robot_line(w, since, "业主补充")
    assert "110101199003071234" not in relay and "1101**********1234" in relay
