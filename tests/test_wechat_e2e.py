"""The WeChat Official Account channel end to end: a whole runtime in this process, with the
fake WeChat API (and WeCom robot webhook) and the fake Telegram Bot API on 127.0.0.1.
Callbacks are signed (and, in safe mode, encrypted) by the fake's own implementation."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import socket
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from bot.app import Runtime, shutdown, start
from bot.settings import Settings
from models.domain.clock import FakeClock, set_clock
from models.domain.config import EXAMPLE_CONFIG, load_config
from models.tables import InboundMessage, Outbox, Resident, Ticket, WeChatContact
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.wechat_api import (
    FakeWeChat,
    callback_request,
    event_xml,
    image_xml,
    text_xml,
    verification_request,
    voice_xml,
)
from tests.stories import unpaced

TOKEN = "guanjia-callback-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
RESIDENT = "oResident_0001"
STEWARD_OPENID = "oSteward_wang"
STEWARDS = -100200
STEWARD_ID = 9001
ROBOT_KEY = "stewards-robot"
CUSTOM = "/cgi-bin/message/custom/send"
TEMPLATE = "/cgi-bin/message/template/send"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_config(tmp_path, robot_url: str):
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    text = text.replace(
        "    stewards_chat:\n      telegram: null                # e.g. -1001234567890\n"
        "      wecom_webhook: null",
        f"    stewards_chat:\n      telegram: {STEWARDS}\n      wecom_webhook: {robot_url}",
    )
    text = text.replace(
        "    telegram_id: null               # the person's numeric Telegram user id\n"
        "    wechat_openid: null",
        f"    telegram_id: {STEWARD_ID}\n    wechat_openid: {STEWARD_OPENID}",
    )
    text = with_example_templates(text)
    path = tmp_path / "guanjia.yaml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    assert config.community("demo").stewards_chat.wecom_webhook == robot_url
    assert config.wechat.templates["followup"].carries("choices")
    return config


def with_example_templates(text: str) -> str:
    """guanjia.example.yaml with its example templates and ``template_for`` taken in (they
    are shipped as comments), each template id its name in capitals (TPL_TICKET_UPDATE)."""
    out: list[str] = []
    block = False
    for line in text.splitlines(keepends=True):
        if line.rstrip() in ("  templates: {}", "  template_for: {}"):
            continue
        if line.rstrip() in ("  # templates:", "  # template_for:"):
            block = True
            out.append(line.replace("  # ", "  ", 1))
            continue
        if block and line.startswith("  #   "):
            out.append("  " + line[4:])
            continue
        block = False
        out.append(line)
    result = "".join(out)
    for n, name in enumerate(EXAMPLE_TEMPLATES, 1):
        result = result.replace(f'"your-template-id-{n}"', f"TPL_{name.upper()}")
    return result


EXAMPLE_TEMPLATES = {
    "ticket_update": ("character_string1", "thing2", "phrase3", "time4", "thing5"),
    "followup": ("character_string1", "thing2", "thing3", "time4"),
    "closure": ("character_string1", "thing2", "time3", "thing4"),
}


class Env:
    """The running world of one test."""

    def __init__(self, rt: Runtime, wx: FakeWeChat, tg: FakeTelegram, clock: FakeClock, port):
        self.rt, self.wx, self.tg, self.clock, self.port = rt, wx, tg, clock, port
        self.url = f"http://127.0.0.1:{port}/wechat"
        self.session = aiohttp.ClientSession()
        self.aes_key: str | None = AES_KEY  # safe mode; tests switch to plain mode

    @property
    def channel(self):
        return self.rt.channels["wechat"]

    def epoch(self) -> int:
        return int(self.clock.now().timestamp())

    async def post(self, xml: str, *, timestamp: int | None = None, query=None, body=None):
        if timestamp is None and query is None and body is None:
            self.wx.saw_callback(xml)  # WeChat counts what the person did before it calls us
        q, b = callback_request(
            xml,
            TOKEN,
            aes_key=self.aes_key,
            app_id=self.wx.app_id,
            timestamp=self.epoch() if timestamp is None else timestamp,
        )
        async with self.session.post(self.url, params=query or q, data=body or b) as r:
            return r.status, await r.text()

    async def say(self, xml: str) -> int:
        since = self.wx.mark()
        status, text = await self.post(xml)
        assert (status, text) == (200, "success")
        return since

    async def settle(self) -> None:
        """Wait for the callbacks' background handling to finish."""
        assert await self.channel.drain(5), "wechat messages still being handled"

    async def to_resident(self, since: int, needle: str, path: str = CUSTOM, openid=RESIDENT):
        return await self.wx.wait_for(
            path,
            lambda c: c.body["touser"] == openid and needle in _content(c),
            since=since,
        )


def _content(call) -> str:
    body = call.body
    if body.get("msgtype") == "text":
        return body["text"]["content"]
    if "data" in body:
        return " ".join(v["value"] for v in body["data"].values())
    return str(body)


@contextlib.asynccontextmanager
async def running(tmp_path, config_for, *, database: str, unpace: bool = True):
    """The bot started against a fake WeChat (its windows enforced) and a fake Telegram,
    on the clock of Monday 10:00 in Shanghai; ``config_for(wx)`` gives its config."""
    clock = FakeClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))  # Monday 10:00 in Shanghai
    previous = set_clock(clock)
    try:
        async with (
            FakeWeChat(clock=lambda: clock.now().timestamp(), enforce_windows=True) as wx,
            FakeTelegram() as tg,
        ):
            port = _free_port()
            settings = Settings(
                DATABASE_URL=f"sqlite://{tmp_path}/{database}",
                TELEGRAM_BOT_TOKEN=tg.token,
                TELEGRAM_API_URL=tg.url,
                WECHAT_TOKEN=TOKEN,
                WECHAT_APP_ID=wx.app_id,
                WECHAT_APP_SECRET=wx.app_secret,
                WECHAT_AES_KEY=AES_KEY,
                WECHAT_API_URL=wx.url,
                GUANJIA_MEDIA_DIR=str(tmp_path / "media"),
                GUANJIA_HTTP_PORT=str(port),
            )
            for name, fields in EXAMPLE_TEMPLATES.items():
                wx.add_template(f"TPL_{name.upper()}", *fields)
            rt = Runtime(settings, config_for(wx))
            await start(rt)
            if unpace:
                unpaced(rt)  # the pace per chat has its own tests
            env = Env(rt, wx, tg, clock, port)
            try:
                yield env
            finally:
                await env.session.close()
                await shutdown(rt)
    finally:
        set_clock(previous)


@pytest.fixture
async def world(tmp_path):
    config_for = lambda wx: make_config(tmp_path, wx.robot_url(ROBOT_KEY))  # noqa: E731
    async with running(tmp_path, config_for, database="wx.db") as env:
        yield env


async def bind_unit(w: Env, openid: str = RESIDENT) -> None:
    since = await w.say(event_xml(openid, "subscribe", "qrscene_demo:1", create_time=w.epoch()))
    await w.to_resident(since, "1 栋的单元和房号", openid=openid)
    since = await w.say(text_xml(openid, "2单元1201"))
    await w.to_resident(since, "1栋2单元1201", openid=openid)


async def test_voice_report_resolved_from_telegram_then_template_days_later(world):
    w = world
    await bind_unit(w)  # a follow through building 1's QR code: only 单元 and 房号 asked

    # The resident reports by voice; WeChat's recognition is the text, the audio is kept.
    w.wx.add_media("VOICE_1", b"#!AMR\n fake audio", "audio/amr", "VOICE_1.amr")
    since, tg_since = w.wx.mark(), w.tg.mark()
    await w.say(voice_xml(RESIDENT, "VOICE_1", "厨房水管漏水了，快来人看看"))
    confirm = await w.to_resident(since, "工单")
    ticket = await Ticket.get()
    assert ticket.number in _content(confirm) and "报修" in _content(confirm)
    assert "但是" not in _content(confirm)
    media = ticket.details["media"][0]
    assert media["platform"] == "wechat" and media["type"] == "voice"
    assert media["media_id"] == "VOICE_1" and media["path"].endswith(".amr")
    with open(media["path"], "rb") as f:
        assert f.read() == b"#!AMR\n fake audio"

    # The stewards see the card on Telegram and on the WeCom robot, and the voice file.
    card = await w.tg.wait_for(
        "sendMessage",
        lambda c: c.params.get("chat_id") == STEWARDS and ticket.number in c.params["text"],
        since=tg_since,
    )
    assert "厨房水管漏水了" in card.params["text"]
    robot = await w.wx.wait_for(
        "/cgi-bin/webhook/send", lambda c: ticket.number in str(c.body), since=since
    )
    assert robot.body["msgtype"] == "markdown"
    assert "/claim" in robot.body["markdown"]["content"]
    upload = await w.tg.wait_for(
        "sendDocument", lambda c: c.params.get("chat_id") == STEWARDS, since=tg_since
    )
    assert next(iter(upload.files.values())).content == b"#!AMR\n fake audio"

    # A steward resolves it from the Telegram group: a customer-service message.
    since = w.wx.mark()
    w.tg.push_update(
        w.tg.make_text_update(
            STEWARD_ID,
            STEWARDS,
            f"/resolve {ticket.number[-4:]} 已更换水管接头",
            chat_type="supergroup",
        )
    )
    done = await w.to_resident(since, "处理完毕")
    assert "已更换水管接头" in _content(done)
    assert (await Ticket.get(id=ticket.id)).status == "resolved"

    # The follow-up comes three days later (the resident was away): the 48-hour window
    # is closed, so the scheduler's follow-up question goes out as a template message.
    from handlers.deadline_steps import sweep

    w.clock.advance(days=3)
    since = w.wx.mark()
    assert await sweep() == 1
    sent = await w.wx.wait_for(TEMPLATE, lambda c: c.body["touser"] == RESIDENT, since=since)
    data = {k: v["value"] for k, v in sent.body["data"].items()}
    assert sent.body["template_id"] == "TPL_FOLLOWUP"  # the 回访 template, with its answers
    assert data == {
        "character_string1": ticket.number,
        "thing2": "厨房水管漏水了，快来人看看",
        "thing3": "回复1验收通过 2还有问题",  # the numbered answers, whole
        "time4": "2026年11月26日 10:00",
    }
    assert not [c for c in w.wx.calls(CUSTOM) if c.body["touser"] == RESIDENT and c.at > sent.at]

    # The resident answers with a number; the window is open again: customer service.
    since = await w.say(text_xml(RESIDENT, "1", msg_id=990001))
    await w.settle()
    rating = await w.to_resident(since, "打个分")
    assert "回复" in _content(rating)
    assert (await Ticket.get(id=ticket.id)).accepted is True
    since = await w.say(text_xml(RESIDENT, "5", msg_id=990002))  # the buttons are "5 非常满意"…
    await w.settle()
    await w.to_resident(since, "感谢您的评价")
    fresh = await Ticket.get(id=ticket.id)
    assert (fresh.status, fresh.satisfaction) == ("closed", 5)


async def test_the_same_msgid_three_times_makes_one_ticket(world):
    w = world
    await bind_unit(w)
    xml = text_xml(RESIDENT, "客厅的灯不亮了", msg_id=777001)
    since = w.wx.mark()
    answers = await asyncio.gather(*(w.post(xml) for _ in range(3)))
    assert answers == [(200, "success")] * 3
    await w.to_resident(since, "工单")
    await w.settle()
    await asyncio.sleep(0.3)
    assert await Ticket.all().count() == 1
    assert await InboundMessage.filter(key="msg:777001").count() == 1
    confirmations = [c for c in w.wx.sent_to(RESIDENT)[-3:] if "工单" in _content(c)]
    assert len(confirmations) == 1


async def test_forged_stale_and_malformed_callbacks_are_refused(world, caplog):
    w = world
    xml = text_xml(RESIDENT, "你好")
    q, body = callback_request(xml, "not-our-token", aes_key=AES_KEY, timestamp=w.epoch())
    assert (await w.post(xml, query=q, body=body))[0] == 403
    assert (await w.post(xml, timestamp=w.epoch() - 301))[0] == 403
    assert (await w.post(xml, timestamp=w.epoch() + 301))[0] == 403
    # signed and sealed with our key, and unreadable inside: 400
    assert (await w.post("<xml><Content>unclosed"))[0] == 400
    assert (await w.post("<!DOCTYPE x [<!ENTITY a 'b'>]><xml/>"))[0] == 400
    assert (await w.post("<xml><MsgType>text</MsgType></xml>"))[0] == 400  # no sender
    assert "refused with 403" in caplog.text and "refused with 400" in caplog.text
    assert await InboundMessage.all().count() == 0
    # and the worker is fine: a good message still works
    since = await w.say(text_xml(RESIDENT, "你好"))
    await w.to_resident(since, "感谢")


async def test_url_verification_echoes_only_when_signed(world):
    w = world
    query = verification_request(TOKEN, "echo-42", timestamp=w.epoch())
    async with w.session.get(w.url, params=query) as r:
        assert (r.status, await r.text()) == (200, "echo-42")
    query["signature"] = "0" * 40
    async with w.session.get(w.url, params=query) as r:
        assert r.status == 403


async def test_expired_token_is_refreshed_once_and_the_message_delivered(world):
    w = world
    since = await w.say(text_xml(RESIDENT, "你好"))
    await w.to_resident(since, "感谢")
    fetches = w.wx.token_fetches
    w.wx.expire_token()
    since = await w.say(text_xml(RESIDENT, "在吗"))
    await w.to_resident(since, "感谢")
    assert w.wx.token_fetches == fetches + 1
    # one 42001, one new token, then the same message accepted
    assert [c.errcode for c in w.wx.calls(CUSTOM) if c.errcode] == [42001]


async def test_buttons_become_numbers_and_a_number_presses_the_button(world):
    w = world
    await bind_unit(w)
    since = await w.say(text_xml(RESIDENT, "马桶堵了，需要疏通"))
    ask = await w.to_resident(since, "有偿服务")
    assert "回复 1 同意，2 不用了" in _content(ask)
    ticket = await Ticket.get()
    assert ticket.status == "new"
    contact = await WeChatContact.get(openid=RESIDENT)
    assert contact.choices == {"1": f"fee:yes:{ticket.id}", "2": f"fee:no:{ticket.id}"}
    since = await w.say(text_xml(RESIDENT, "１"))  # full-width digits count too
    await w.to_resident(since, "工单")
    assert (await Ticket.get(id=ticket.id)).status == "dispatched"
    assert (await WeChatContact.get(openid=RESIDENT)).choices == {}


async def test_menu_click_presets_the_kind_of_the_next_message(world):
    w = world
    await bind_unit(w)
    since = await w.say(event_xml(RESIDENT, "CLICK", "REPORT_COMPLAINT", create_time=w.epoch() + 1))
    await w.to_resident(since, "请描述发生了什么")
    since = await w.say(text_xml(RESIDENT, "楼道里的灯坏了好几天"))
    await w.to_resident(since, "工单")
    ticket = await Ticket.get()
    assert ticket.kind == "complaint"
    # a click is an event: stored under sender + CreateTime + event, once
    assert await InboundMessage.filter(key__startswith=f"event:{RESIDENT}:").count() == 2


async def test_voice_without_recognition_opens_a_ticket_for_a_person(world):
    w = world
    await bind_unit(w)
    w.wx.add_media("VOICE_2", b"#!AMR\n", "audio/amr", "VOICE_2.amr")
    since = await w.say(voice_xml(RESIDENT, "VOICE_2", ""))
    confirm = await w.to_resident(since, "收听")
    ticket = await Ticket.get()
    assert ticket.details["voice"] is True and ticket.number in _content(confirm)
    assert ticket.details["media"][0]["path"].endswith(".amr")


async def test_photo_is_downloaded_and_uploaded_to_the_stewards(world):
    w = world
    await bind_unit(w)
    since = await w.say(text_xml(RESIDENT, "阳台的窗户玻璃裂了"))
    await w.to_resident(since, "工单")
    w.wx.add_media("PHOTO_1", b"\xff\xd8\xff fake jpeg", "image/jpeg", "PHOTO_1.jpg")
    tg_since = w.tg.mark()
    since = await w.say(image_xml(RESIDENT, "PHOTO_1"))
    await w.to_resident(since, "已补充到工单")
    photo = await w.tg.wait_for(
        "sendPhoto", lambda c: c.params.get("chat_id") == STEWARDS, since=tg_since
    )
    assert next(iter(photo.files.values())).content == b"\xff\xd8\xff fake jpeg"
    # the stewards' WeCom robot: the relay's words, then the picture itself
    image = await w.wx.wait_for(
        "/cgi-bin/webhook/send", lambda c: c.body.get("msgtype") == "image", since=since
    )
    assert base64.b64decode(image.body["image"]["base64"]) == b"\xff\xd8\xff fake jpeg"
    robot = [c for c in w.wx.calls()[since:] if c.path == "/cgi-bin/webhook/send" and c.ok]
    assert [c.body["msgtype"] for c in robot][-2:] == ["markdown", "image"]


async def test_a_photo_that_cannot_be_fetched_is_said_so_in_the_telegram_group(world):
    """The media id WeChat gave is no longer valid (40007): the Telegram stewards read
    that a photo came and could not be fetched, not an empty relay."""
    w = world
    await bind_unit(w)
    since = await w.say(text_xml(RESIDENT, "阳台的窗户玻璃裂了"))
    await w.to_resident(since, "工单")
    tg_since = w.tg.mark()
    await w.say(image_xml(RESIDENT, "PHOTO_GONE"))  # never added to the fake: 40007
    said = await w.tg.wait_for(
        "sendMessage",
        lambda c: c.params.get("chat_id") == STEWARDS and "未能取回" in c.params.get("text", ""),
        since=tg_since,
    )
    assert "照片" in said.params["text"]


async def test_stewards_photo_from_telegram_reaches_the_wechat_resident(world):
    """A steward answers the card in the Telegram group with a photo: the WeChat resident
    gets the words and the picture itself (fetched from Telegram, uploaded to WeChat).
    Outside the 48-hour window a template cannot carry it: the notice says so."""
    w = world
    await bind_unit(w)
    since, tg_since = await w.say(text_xml(RESIDENT, "阳台的灯不亮了")), w.tg.mark()
    await w.to_resident(since, "工单")
    ticket = await Ticket.get()
    card = await w.tg.wait_for(
        "sendMessage",
        lambda c: c.params.get("chat_id") == STEWARDS and ticket.number in c.params["text"],
        since=tg_since,
    )
    photo_bytes = b"\xff\xd8\xff\xe0 the new lamp, lit"
    since = w.wx.mark()
    w.tg.push_update(
        w.tg.make_photo_update(
            STEWARD_ID,
            STEWARDS,
            caption="灯泡已经换好了",
            content=photo_bytes,
            chat_type="supergroup",
            reply_to_message_id=card.result["message_id"],
        )
    )
    words = await w.to_resident(since, "灯泡已经换好了")
    assert ticket.number in _content(words) and "无法显示" not in _content(words)
    image = await w.wx.wait_for(
        CUSTOM,
        lambda c: c.body["touser"] == RESIDENT and c.body.get("msgtype") == "image",
        since=since,
    )
    upload = next(c for c in w.wx.calls()[since:] if c.path == "/cgi-bin/media/upload")
    assert upload.body["media"].content == photo_bytes
    assert image.body["image"]["media_id"] == upload.answer["media_id"]
    calls = w.wx.calls()
    assert calls.index(image) > calls.index(words)  # the words first, then the picture

    # days later the window is closed: the template names the photo it cannot show
    w.clock.advance(days=3)
    since = w.wx.mark()
    w.tg.push_update(
        w.tg.make_photo_update(
            STEWARD_ID,
            STEWARDS,
            content=photo_bytes,
            chat_type="supergroup",
            reply_to_message_id=card.result["message_id"],
        )
    )
    notice = await w.wx.wait_for(TEMPLATE, lambda c: c.body["touser"] == RESIDENT, since=since)
    assert "照片" in _content(notice)
    assert not [c for c in w.wx.calls()[since:] if c.path == "/cgi-bin/media/upload"]


async def test_window_quota_then_template_and_45015_fallback(world):
    w = world
    since = await w.say(text_xml(RESIDENT, "你好"))
    await w.to_resident(since, "感谢")  # 1 of 5 (the message's quota; no event quota)
    resident = await Resident.get(platform="wechat", platform_user_id=RESIDENT)
    from handlers import notify
    from models.outbox import notify_dispatcher

    since = w.wx.mark()
    for i in range(5):
        await notify.to_resident_raw(resident, f"第{i}条通知")
    notify_dispatcher()
    await w.wx.wait_for(TEMPLATE, lambda c: "第4条通知" in _content(c), since=since)
    customs = [c for c in w.wx.calls()[since:] if c.path == CUSTOM and c.ok]
    assert [c.body["text"]["content"] for c in customs] == [f"第{i}条通知" for i in range(4)]
    assert not [c for c in w.wx.calls(CUSTOM) if c.errcode == 45047]  # never overspent

    # WeChat itself says the window is closed (45015): the template carries it.
    since = await w.say(text_xml(RESIDENT, "谢谢"))
    await w.to_resident(since, "")
    w.wx.close_window(RESIDENT, 45015)
    since = w.wx.mark()
    await notify.to_resident_raw(resident, "窗口已关闭的通知")
    notify_dispatcher()
    await w.wx.wait_for(TEMPLATE, lambda c: "窗口已关闭的通知" in _content(c), since=since)
    assert (await WeChatContact.get(openid=RESIDENT)).message_quota == 0


async def test_unfollow_is_recorded_and_nothing_more_is_sent(world):
    w = world
    since = await w.say(text_xml(RESIDENT, "你好"))
    await w.to_resident(since, "感谢")
    await w.say(event_xml(RESIDENT, "unsubscribe", create_time=w.epoch() + 5))
    await w.settle()
    assert (await WeChatContact.get(openid=RESIDENT)).subscribed is False
    resident = await Resident.get(platform="wechat", platform_user_id=RESIDENT)
    from handlers import notify
    from models.outbox import notify_dispatcher

    since = w.wx.mark()
    row = await notify.to_resident_raw(resident, "不会发出的消息")
    notify_dispatcher()
    for _ in range(100):
        row = await Outbox.get(id=row.id)
        if row.status != "pending":
            break
        await asyncio.sleep(0.02)
    assert row.status == "failed" and "does not follow" in row.last_error
    assert not [c for c in w.wx.calls()[since:] if c.path in (CUSTOM, TEMPLATE)]
    told = await w.wx.wait_for("/cgi-bin/webhook/send", since=since)  # the stewards are
    assert "不会发出的消息" in told.body["markdown"]["content"]


async def test_staff_use_slash_commands_in_their_own_chat(world):
    w = world
    await bind_unit(w)
    since = await w.say(text_xml(RESIDENT, "卫生间水龙头一直滴水"))
    await w.to_resident(since, "工单")
    ticket = await Ticket.get()
    since = await w.say(text_xml(STEWARD_OPENID, f"/resolve {ticket.number[-4:]} 已更换水龙头"))
    await w.to_resident(since, "已处理", openid=STEWARD_OPENID)
    done = await w.to_resident(since, "处理完毕")
    assert "已更换水龙头" in _content(done)
    assert (await Ticket.get(id=ticket.id)).status == "resolved"
    assert not await Resident.filter(platform_user_id=STEWARD_OPENID).exists()


async def test_handler_failure_keeps_the_message_and_the_worker(world, monkeypatch):
    w = world
    import bot.channels.wechat as adapter

    async def broken(_msg):
        raise RuntimeError("boom")

    monkeypatch.setattr(adapter, "handle", broken)
    await w.say(text_xml(RESIDENT, "你好", msg_id=990001))
    await w.settle()
    stored = await InboundMessage.get(key="msg:990001")
    assert stored.text == "你好"
    monkeypatch.undo()
    since = await w.say(text_xml(RESIDENT, "还在吗"))
    await w.to_resident(since, "感谢")


def test_template_clock_matches_company_timezone():
    # 02:00 UTC + 3 days is 10:00 in Shanghai on the 26th (used above)
    at = datetime(2026, 11, 23, 2, 0, tzinfo=UTC) + timedelta(days=3)
    from zoneinfo import ZoneInfo

    assert at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M") == (
        "2026-11-26 10:00"
    )
