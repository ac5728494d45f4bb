"""Notices and mass incidents end to end (issue 20): a whole runtime in this process, the
fake Bot API (real python-telegram-bot) and the fake WeChat API (real callbacks, signed
and encrypted; the 48-hour window enforced) on 127.0.0.1. Residents are bound through
the usual conversation; staff act from the Telegram stewards' group."""

from __future__ import annotations

import asyncio
import re

import pytest

from handlers import notice_report
from handlers.context import setup
from models.domain.config import EXAMPLE_CONFIG, load_config
from models.tables import Incident, Ticket
from tests import test_wechat_e2e as e2e
from tests.fakes.wechat_api import event_xml, text_xml
from tests.test_incidents import BUILDING_5
from tests.test_wechat_e2e import (
    CUSTOM,
    TEMPLATE,
    Env,
    _content,
    with_example_templates,
)

STEWARDS, SUPERVISORS, STEWARD_ID = -100200, -100300, 9001
NUMBER = re.compile(r"\d{8}-\d{4}")


def make_config(tmp_path):
    text = with_example_templates(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    for old, new in (
        (
            "    stewards_chat:\n      telegram: null",
            f"    stewards_chat:\n      telegram: {STEWARDS}",
        ),
        (
            "    supervisors_chat:\n      telegram: null",
            f"    supervisors_chat:\n      telegram: {SUPERVISORS}",
        ),
        (
            "    community: demo\n    telegram_id: null",
            f"    community: demo\n    telegram_id: {STEWARD_ID}",
        ),
        ("      - 商铺", BUILDING_5),
    ):
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "guanjia.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


@pytest.fixture
async def world(tmp_path):
    try:
        async with e2e.running(
            tmp_path, lambda wx: make_config(tmp_path), database="outage.db", unpace=False
        ) as env:
            yield env
    finally:
        setup(load_config(EXAMPLE_CONFIG))  # the next tests read the example's buildings


def said(call) -> str:
    return call.params.get("text") or ""


def tg_sent(w: Env, since: int, *, ok: bool = True) -> list:
    """sendMessage calls to the fake Bot API after ``since`` (``tg.mark()``)."""
    return [c for c in w.tg.calls()[since:] if c.method == "sendMessage" and c.ok == ok]


def wx_sent(w: Env, path: str, since: int) -> list:
    """Successful calls of ``path`` to the fake WeChat API after ``since``."""
    return [c for c in w.wx.calls()[since:] if c.path == path and c.ok]


async def tg_bind(w: Env, user: int, unit: str) -> None:
    since = w.tg.mark()
    w.tg.push_update(w.tg.make_text_update(user, user, "/start"))
    await w.tg.wait_for(
        "sendMessage", lambda c: c.chat_id == user and "房号" in said(c), since=since
    )
    since = w.tg.mark()
    w.tg.push_update(w.tg.make_text_update(user, user, unit))
    await w.tg.wait_for(
        "sendMessage", lambda c: c.chat_id == user and "已记录" in said(c), since=since
    )


async def wx_bind(w: Env, openid: str, building: str, rest: str) -> None:
    since = await w.say(
        event_xml(openid, "subscribe", f"qrscene_demo:{building}", create_time=w.epoch())
    )
    await w.to_resident(since, "单元和房号", openid=openid)
    since = await w.say(text_xml(openid, rest))
    await w.to_resident(since, "已记录", openid=openid)


async def tg_says(w: Env, user: int, text: str, needle: str, within: float = 5):
    since = w.tg.mark()
    w.tg.push_update(w.tg.make_text_update(user, user, text))
    return await w.tg.wait_for(
        "sendMessage",
        lambda c: c.chat_id == user and needle in said(c),
        since=since,
        timeout=within,
    )


async def steward(w: Env, text: str, needle: str):
    since = w.tg.mark()
    w.tg.push_update(w.tg.make_text_update(STEWARD_ID, STEWARDS, text, chat_type="supergroup"))
    return await w.tg.wait_for(
        "sendMessage", lambda c: c.chat_id == STEWARDS and needle in said(c), since=since
    )


async def confirm(w: Env, preview) -> None:
    """The steward presses the preview's 确认发送: the preview itself says it is sending,
    and keeps no button to press again."""
    since = w.tg.mark()
    button = preview.buttons[0][0]["callback_data"]
    msg = preview.result["message_id"]
    w.tg.push_update(w.tg.make_callback_update(STEWARD_ID, STEWARDS, msg, button))
    closed = await w.tg.wait_for(
        "editMessageText",
        lambda c: c.chat_id == STEWARDS and c.params.get("message_id") == msg,
        since=since,
    )
    assert said(closed).startswith(said(preview)) and "开始发送" in said(closed)
    assert not (closed.params.get("reply_markup") or {}).get("inline_keyboard")


async def settle(w: Env) -> None:
    """Until nothing is left in the outbox and WeChat's callbacks are handled."""
    from models.tables import Outbox

    for _ in range(200):
        await w.channel.drain(2)
        if not await Outbox.filter(status="pending").exists():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the outbox did not empty")


async def test_a_notice_reaches_exactly_one_building_on_both_platforms_with_its_report(world):
    w = world
    await asyncio.gather(
        tg_bind(w, 601, "3栋1单元101"),
        tg_bind(w, 602, "3栋2单元1203"),
        tg_bind(w, 603, "3栋3单元804"),  # blocks the bot before the notice
        tg_bind(w, 611, "1栋1单元101"),  # another building
        wx_bind(w, "oWx_31", "3", "1单元102"),  # writes often: inside the 48-hour window
        wx_bind(w, "oWx_32", "3", "2单元201"),  # outside it: a template message
        wx_bind(w, "oWx_51", "5", "1单元101"),  # another building
    )
    await settle(w)
    w.wx.close_window("oWx_32")
    w.tg.block(603)
    preview = await steward(w, "/notice 3栋 明天9:00-12:00停水检修，请提前储水", "通知预览")
    assert "5 户、5 位住户（Telegram 3，微信 2）" in said(preview)
    tg_since, wx_since = w.tg.mark(), w.wx.mark()
    await confirm(w, preview)
    await settle(w)
    notices = [c for c in tg_sent(w, tg_since) if "停水通知" in said(c)]
    assert sorted(c.chat_id for c in notices) == [601, 602]
    assert [c.chat_id for c in tg_sent(w, tg_since, ok=False)] == [603]
    custom = [c for c in wx_sent(w, CUSTOM, wx_since) if "停水通知" in _content(c)]
    template = wx_sent(w, TEMPLATE, wx_since)
    assert [c.body["touser"] for c in custom] == ["oWx_31"]
    assert [c.body["touser"] for c in template] == ["oWx_32"]
    assert "明天9:00-12:00停水检修" in _content(template[0])
    # the report, in the group where the notice was written (the scheduler's sweep may
    # have sent it already; this one then finds nothing to report)
    await notice_report.sweep()
    report = await w.tg.wait_for(
        "sendMessage", lambda c: c.chat_id == STEWARDS and "送达报告" in said(c), since=tg_since
    )
    assert len([c for c in tg_sent(w, tg_since) if "送达报告" in said(c)]) == 1
    assert "Telegram：共 3 人，送达 2，失败 0，已屏蔽或取关 1" in said(report)
    assert "微信：共 2 人，送达 2，失败 0，已屏蔽或取关 0（其中模板消息 1）" in said(report)
    assert "未送达的房号：3栋3单元804" in said(report)


async def test_a_building_power_cut_becomes_one_incident_and_is_resolved_for_all(world):
    w = world
    await asyncio.gather(
        tg_bind(w, 701, "3栋1单元101"),
        tg_bind(w, 702, "3栋1单元102"),
        tg_bind(w, 704, "3栋3单元1504"),
        tg_bind(w, 751, "5栋1单元101"),
        wx_bind(w, "oWx_703", "3", "2单元201"),
    )
    await settle(w)
    group_since = w.tg.mark()
    await tg_says(w, 701, "停电了", "紧急工单")
    await tg_says(w, 702, "我家也停电了", "紧急工单")
    since = await w.say(text_xml("oWx_703", "3栋整栋楼都停电了"))
    joined = await w.to_resident(since, "我们已知晓3栋停电", openid="oWx_703")
    incident = await Incident.get()
    parent = await Ticket.get(id=incident.ticket_id)
    assert parent.number in _content(joined) and "恢复后会通知您" in _content(joined)
    # building 5 at the same time: its own urgent ticket and card
    await tg_says(w, 751, "停电了！", "紧急工单")
    # the fourth household of building 3 joins
    fourth = await tg_says(w, 704, "楼里没电了", "我们已知晓3栋停电")
    assert parent.number in said(fourth)
    await settle(w)
    cards = [c for c in tg_sent(w, group_since) if c.chat_id == STEWARDS and NUMBER.search(said(c))]
    incident_cards = [c for c in cards if said(c).startswith("🚨 事件")]
    ticket_cards = [c for c in cards if "报修工单" in said(c)]
    assert len(incident_cards) == 1 and "已有 3 户反映" in said(incident_cards[0])
    assert len(ticket_cards) == 3  # the first two of building 3, and building 5's
    five = await Ticket.get(resident__platform_user_id="751")
    assert any(five.number in said(c) for c in ticket_cards)
    assert (await Incident.get(id=incident.id)).households == 4
    # resolved from the group: every household hears, on its platform
    tg_since, wx_since = w.tg.mark(), w.wx.mark()
    await steward(w, f"/resolve {parent.number[-4:]} 供电线路已修复，已恢复供电", "已通知 4 位住户")
    await settle(w)
    told = {c.chat_id for c in tg_sent(w, tg_since) if "已恢复供电" in said(c) and c.chat_id > 0}
    assert told == {701, 702, 704}
    assert any(
        c.body["touser"] == "oWx_703" and "已恢复供电" in _content(c)
        for c in wx_sent(w, CUSTOM, wx_since)
    )
    assert 751 not in told
    assert (await Ticket.get(id=five.id)).status == "dispatched"


async def test_a_notified_cut_makes_reports_join_it_from_the_first(world):
    w = world
    await asyncio.gather(tg_bind(w, 801, "3栋1单元101"), wx_bind(w, "oWx_802", "3", "2单元201"))
    preview = await steward(w, "/notice 3栋 停电 今天10:00-12:00线路检修", "通知预览")
    await confirm(w, preview)
    await settle(w)
    group_since = w.tg.mark()
    first = await tg_says(w, 801, "停电了", "已通知的计划停电")
    incident = await Incident.get()
    parent = await Ticket.get(id=incident.ticket_id)
    assert incident.notice_id is not None and parent.number in said(first)
    since = await w.say(text_xml("oWx_802", "我家没电了"))
    await w.to_resident(since, "已通知的计划停电", openid="oWx_802")
    await settle(w)
    assert (await Incident.get(id=incident.id)).households == 2
    group = [c for c in tg_sent(w, group_since) if c.chat_id == STEWARDS]
    assert len(group) == 1 and "计划停电" in said(group[0])  # its card, nothing urgent
    assert not [c for c in w.tg.calls()[group_since:] if c.chat_id == SUPERVISORS]
    # a question about it is answered with the notice
    answer = await tg_says(w, 801, "几点来电？", "关于3栋的停电通知")
    assert "今天10:00-12:00线路检修" in said(answer)
