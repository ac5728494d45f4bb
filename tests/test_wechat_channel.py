"""Pieces of the WeChat channel on their own: the shared token store, the customer-service
window, numbered choices, callback keys, the template config, and the WeCom robot sender's
20-a-minute limit through the outbox dispatcher."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.channels.wechat import message_key, number_of, numbered, scene_of, short_choices
from bot.channels.wechat_api import WeChatClient
from bot.channels.wecom_sender import WeComSender, markdown
from bot.dispatcher import Dispatcher
from models import wechat as state
from models.domain.config import ConfigError, load_config
from models.outbox import queue_message
from models.tables import Outbox, WeChatContact
from tests.fakes import wechat_api

fake_wechat = wechat_api.fake_wechat


# -- token store ---------------------------------------------------------------------------
async def test_database_token_store_round_trip(any_db):
    store = state.DatabaseTokenStore()
    assert await store.get("k") is None
    await store.set("k", "T1", 1000.5)
    assert await store.get("k") == ("T1", 1000.5)
    await store.set("k", "T2", 2000.0)
    assert await store.get("k") == ("T2", 2000.0)
    await store.delete("k")
    assert await store.get("k") is None


async def test_two_workers_share_one_token_through_the_database(any_db, fake_wechat, clock):
    store = state.DatabaseTokenStore()
    async with (
        WeChatClient("wx_fake_app_id", "fake-app-secret", fake_wechat.url, store) as a,
        WeChatClient("wx_fake_app_id", "fake-app-secret", fake_wechat.url, store) as b,
    ):
        await a.send_text("oX", "one")
        await b.send_text("oX", "two")
    assert fake_wechat.token_fetches == 1


# -- the 48-hour window --------------------------------------------------------------------
async def test_quota_after_a_message_and_after_an_event(any_db, clock):
    assert await state.take_quota("oA") is None  # never wrote: template only
    await state.opened_by_message("oA")
    taken = [await state.take_quota("oA") for _ in range(6)]
    assert taken == ["message"] * 5 + [None]
    await state.opened_by_event("oA")  # a menu click: 3 within a minute
    assert [await state.take_quota("oA") for _ in range(4)] == ["event"] * 3 + [None]
    await state.opened_by_message("oA")
    clock.advance(hours=48, seconds=1)
    assert await state.take_quota("oA") is None  # the window is closed


async def test_concurrent_sends_never_spend_more_than_the_quota(any_db, clock):
    await state.opened_by_message("oB")
    taken = await asyncio.gather(*(state.take_quota("oB") for _ in range(12)))
    assert taken.count("message") == 5
    await state.give_back("oB", "message")
    assert await state.take_quota("oB") == "message"


async def test_unfollow_closes_everything(any_db, clock):
    await state.opened_by_message("oC")
    await state.remember_choices("oC", {"1": "fee:yes:1"})
    await state.set_subscribed("oC", False)
    row = await WeChatContact.get(openid="oC")
    assert not row.subscribed and row.unsubscribed_at is not None and row.choices == {}
    assert await state.take_quota("oC") is None


async def test_a_number_stands_for_its_button_once(any_db, clock):
    await state.remember_choices("oD", {"1": "rate:5:7", "2": "rate:1:7"})
    assert await state.take_choice("oD", "2") == "rate:1:7"
    assert await state.take_choice("oD", "2") is None
    await state.remember_choices("oD", {"1": "x"})
    assert await state.take_choice("oD", "") is None  # other words: the choices are stale
    assert (await WeChatContact.get(openid="oD")).choices == {}


# -- callbacks -------------------------------------------------------------------------------
def test_keys_scenes_and_numbers():
    assert message_key({"FromUserName": "o1", "MsgType": "text", "MsgId": "42"}) == "msg:42"
    event = {"FromUserName": "o1", "MsgType": "event", "Event": "CLICK", "CreateTime": "17"}
    assert message_key(event) == "event:o1:17:CLICK"
    assert message_key({"MsgType": "text"}) is None
    assert scene_of({"EventKey": "qrscene_demo:3"}) == "demo:3"
    assert scene_of({"EventKey": "demo:3"}) == "demo:3"  # SCAN by a follower
    assert scene_of({"EventKey": "qrscene_../../etc"}) is None
    assert scene_of({}) is None
    assert [number_of(x) for x in ("1", " １ ", "2。", "12", "1201", "1 号", "")] == [
        "1",
        "1",
        "2",
        "12",
        None,
        None,
        None,
    ]


def test_buttons_become_a_numbered_line(config):
    buttons = [[{"text": "同意", "data": "fee:yes:1"}, {"text": "不用了", "data": "fee:no:1"}]]
    line, choices, pairs = numbered(buttons, "hans")
    assert line == "回复 1 同意，2 不用了"
    assert choices == {"1": "fee:yes:1", "2": "fee:no:1"}
    assert short_choices(pairs, "hans", 20) == "回复1同意 2不用了"
    rates = [[{"text": f"{n} 分{n}", "data": f"rate:{n}:9"}] for n in (5, 4, 3, 2, 1)]
    line, choices, _ = numbered(rates, "en")
    assert line == "Reply 5 分5, 4 分4, 3 分3, 2 分2, 1 分1"  # their own numbers are kept
    assert choices["5"] == "rate:5:9" and choices["1"] == "rate:1:9"
    assert numbered(None, "hans") == ("", {}, [])


def test_numbered_answers_fit_a_template_field_and_are_never_cut(config):
    """The 回访 question's five answers do not fit 20 characters one by one: the first and
    the last do ("回复5非常满意…1非常不满意"); with less room, the numbers alone."""
    t = config and __import__("handlers.context", fromlist=["env"]).env().texts
    rates = [[{"text": t(f"rate.{n}", "hans"), "data": f"rate:9:{n}"}] for n in (5, 4, 3, 2, 1)]
    _, _, pairs = numbered(rates, "hans")
    assert short_choices(pairs, "hans", 20) == "回复5非常满意…1非常不满意"
    assert short_choices(pairs, "hans", 12) == "回复5/4/3/2/1"
    accept = [[{"text": "验收通过", "data": "a:y"}, {"text": "还有问题", "data": "a:n"}]]
    assert short_choices(numbered(accept, "hans")[2], "hans", 20) == "回复1验收通过 2还有问题"
    en = [[{"text": t(f"rate.{n}", "en"), "data": f"rate:9:{n}"}] for n in (5, 4, 3, 2, 1)]
    assert short_choices(numbered(en, "en")[2], "en", 20) == "Reply 5/4/3/2/1"
    assert short_choices([], "hans", 20) == ""


# -- config ------------------------------------------------------------------------------------
def _config_with(tmp_path, wechat_yaml: str):
    from models.domain.config import EXAMPLE_CONFIG

    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    start = text.index("wechat:\n")
    end = text.index("# Reword any reply text")
    path = tmp_path / "g.yaml"
    path.write_text(text[:start] + wechat_yaml + "\n" + text[end:], encoding="utf-8")
    return load_config(path)


def test_template_config_is_checked(tmp_path):
    good = _config_with(
        tmp_path,
        "wechat:\n  templates:\n    t1:\n      template_id: X\n      fields:\n"
        '        character_string1: "{number}"\n        thing2: "{text}"\n'
        '        thing3: "{choices}"\n  template_for:\n    default: t1\n',
    )
    assert good.wechat.template_for == {"default": "t1"}
    with pytest.raises(ConfigError, match="no template 't2'"):
        _config_with(
            tmp_path,
            "wechat:\n  templates:\n    t1:\n      template_id: X\n      fields:\n"
            '        keyword1: "{number}"\n  template_for:\n    default: t2\n',
        )
    with pytest.raises(ConfigError, match="unknown placeholder"):
        _config_with(
            tmp_path,
            "wechat:\n  templates:\n    t1:\n      template_id: X\n      fields:\n"
            '        keyword1: "{phone}"\n',
        )
    with pytest.raises(ConfigError, match=r"wechat\.menu"):
        _config_with(tmp_path, "wechat:\n  menu:\n    REPORT_REPAIR: plumbing\n")


# -- WeCom robot sender --------------------------------------------------------------------
def test_markdown_of_a_card():
    text = "🔧 报修工单 20261123-0001\n状态：待接单"
    out = markdown(text, card=True, urgent=True, hint="发送 /claim 0001 接单")
    assert out.startswith('<font color="warning">**🔧 报修工单 20261123-0001**</font>\n状态')
    assert out.endswith("> 发送 /claim 0001 接单")


async def test_robot_limit_queues_instead_of_dropping(db, clock, config, tmp_path):
    async with wechat_api.FakeWeChat(clock=lambda: clock.now().timestamp()) as wx:
        url = wx.robot_url("K1")
        for i in range(25):
            await queue_message("wecom", url, f"第{i:02d}条")
        sender = WeComSender()
        dispatcher = Dispatcher(
            {"wecom": sender}, config.outbox, wall=lambda: clock.now().timestamp()
        )
        try:
            wait = await dispatcher.run_once()
            assert len(wx.robot_messages("K1")) == 20
            waiting = await Outbox.filter(status="pending").order_by("id")
            assert len(waiting) == 5 and all(r.attempts == 0 for r in waiting)
            assert [r.payload["text"] for r in waiting] == [f"第{i:02d}条" for i in range(20, 25)]
            assert 59 <= wait <= 60  # not before the minute is over
            clock.advance(timedelta(seconds=wait))
            await dispatcher.run_once()
        finally:
            await sender.close()
        sent = [c.body["markdown"]["content"] for c in wx.robot_messages("K1")]
        assert sent == [f"第{i:02d}条" for i in range(25)]
        assert not [c for c in wx.calls() if c.errcode == 45009]
        assert await Outbox.filter(status="sent").count() == 25


# -- media for a WeChat resident -------------------------------------------------------------
async def test_photos_are_sent_while_quota_lasts_and_the_rest_is_named(
    db, clock, config, fake_wechat, tmp_path, monkeypatch
):
    """Two photos (one on our disk, one fetched from its platform), a voice note and a
    photo that is gone: the text names what cannot be shown, the two photos follow as
    images while the quota lasts (5 a message: text + 2 images here)."""
    from bot.channels import media as media_module
    from bot.channels.media import MediaFile
    from bot.channels.wechat import WeChatSender
    from bot.dispatcher import Delivery

    kept = tmp_path / "kept.jpg"
    kept.write_bytes(b"\xff\xd8 kept on disk")

    async def fetch(item):
        return MediaFile(b"\xff\xd8 from telegram", "photos/file_7.jpg")

    monkeypatch.setitem(media_module._fetchers, "telegram", fetch)
    await state.opened_by_message("oR")
    row = Outbox(
        id=1,
        platform="wechat",
        chat_id="oR",
        kind="text",
        attempts=0,
        payload={
            "text": "修好了，请看照片",
            "media": [
                {"platform": "wechat", "type": "photo", "path": str(kept)},
                {"platform": "telegram", "type": "photo", "file_id": "AgAD7"},
                {"platform": "telegram", "type": "voice", "file_id": "AwAD1"},
                {"platform": "wechat", "type": "photo", "path": str(tmp_path / "gone.jpg")},
            ],
        },
    )
    async with WeChatClient("wx_fake_app_id", "fake-app-secret", fake_wechat.url) as client:
        await WeChatSender(client, config).send(Delivery(row))
    sent = fake_wechat.sent_to("oR")
    assert [c.body["msgtype"] for c in sent] == ["text", "image", "image"]
    text = sent[0].body["text"]["content"]
    assert text.startswith("修好了，请看照片") and "照片 1 张，文件 1 个" in text
    uploads = [c.body["media"].content for c in fake_wechat.calls("/cgi-bin/media/upload")]
    assert uploads == [b"\xff\xd8 kept on disk", b"\xff\xd8 from telegram"]
    assert (await state.contact("oR")).message_quota == 2  # 5 - 3


def test_answers_keep_the_room_they_need_in_a_shared_field(config, clock):
    """A field with the text and the answers: the answers first, whole; the text gets what
    is left. With very little room the answers become a range ("回复5-1")."""
    from bot.channels.wechat import fit_field

    t = __import__("handlers.context", fromlist=["env"]).env().texts
    rates = [[{"text": t(f"rate.{n}", "hans"), "data": f"r:{n}"}] for n in (5, 4, 3, 2, 1)]
    _, _, pairs = numbered(rates, "hans")
    found = {"number": "20261123-0001", "summary": "厨房漏水" * 5, "status": "已处理"}
    out = fit_field(
        "thing1", "{text}{choices}", found, "请打分", [], pairs, "followup_rate_ask", "hans"
    )
    assert out.endswith("回复5非常满意…1非常不满意") and len(out) <= 20
    assert short_choices(pairs, "hans", 8) == "回复5-1"
