"""Whole conversations through the real python-telegram-bot, against a fake Bot API
server on 127.0.0.1: residents in private chat, stewards in the group."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime

import pytest

from bot.app import Runtime, shutdown, start
from bot.settings import Settings
from models.domain.clock import FakeClock, set_clock
from models.domain.config import load_config
from models.tables import InboundMessage, Ticket, TicketEvent
from tests.fakes.telegram_api import FakeTelegram
from tests.stories import unpaced

STEWARDS = -100200
SUPERVISORS = -100300
STEWARD_ID = 9001
SUPERVISOR_ID = 9002
RESIDENT = 501


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_config(tmp_path):
    from models.domain.config import EXAMPLE_CONFIG

    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    text = text.replace(
        """    stewards_chat:
      telegram: null""",
        f"""    stewards_chat:
      telegram: {STEWARDS}""",
    ).replace(
        """    supervisors_chat:
      telegram: null""",
        f"""    supervisors_chat:
      telegram: {SUPERVISORS}""",
    )
    text = text.replace(
        """  - name: 王管家
    role: steward
    community: demo
    telegram_id: null""",
        f"""  - name: 王管家
    role: steward
    community: demo
    telegram_id: {STEWARD_ID}""",
    )
    text = text.replace(
        """  - name: 李主管
    role: supervisor
    community: demo""",
        f"""  - name: 李主管
    role: supervisor
    community: demo
    telegram_id: {SUPERVISOR_ID}""",
    )
    path = tmp_path / "guanjia.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


@pytest.fixture
async def fake_clock():
    clock = FakeClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))  # Monday 10:00 Shanghai
    previous = set_clock(clock)
    yield clock
    set_clock(previous)


async def _running(tmp_path, tg: FakeTelegram, webhook: bool):
    port = _free_port()
    env = {
        "DATABASE_URL": f"sqlite://{tmp_path}/tg.db",
        "TELEGRAM_BOT_TOKEN": tg.token,
        "TELEGRAM_API_URL": tg.url,
        "GUANJIA_HTTP_PORT": str(port),
    }
    if webhook:
        env["TELEGRAM_WEBHOOK_URL"] = f"http://127.0.0.1:{port}/telegram/webhook"
        env["TELEGRAM_WEBHOOK_SECRET"] = "s3cret-token"
    settings = Settings(**env)
    rt = Runtime(settings, make_config(tmp_path))
    await start(rt)
    unpaced(rt)  # the pace per chat has its own tests
    return rt


@pytest.fixture
async def polling(tmp_path, fake_clock):
    async with FakeTelegram() as tg:
        rt = await _running(tmp_path, tg, webhook=False)
        try:
            yield tg
        finally:
            await shutdown(rt)


@pytest.fixture
async def webhook(tmp_path, fake_clock):
    async with FakeTelegram() as tg:
        rt = await _running(tmp_path, tg, webhook=True)
        try:
            yield tg
        finally:
            await shutdown(rt)


def text_of(call) -> str:
    return call.params.get("text") or call.params.get("caption") or ""


async def say(tg: FakeTelegram, text: str, user: int = RESIDENT, **kw):
    since = tg.mark()
    tg.push_update(tg.make_text_update(user, user, text, **kw))
    return since


async def reply_to(tg, user, chat, since, predicate=lambda c: True, method="sendMessage", within=5):
    return await tg.wait_for(
        method,
        lambda c: c.params.get("chat_id") == chat and predicate(c),
        since=since,
        timeout=within,
    )


async def bind_unit(tg, user=RESIDENT):
    since = await say(tg, "/start", user)
    await reply_to(tg, user, user, since, lambda c: "房号" in text_of(c))
    since = await say(tg, "1栋1单元1201", user)
    await reply_to(tg, user, user, since, lambda c: "1栋1单元1201" in text_of(c))


async def test_leak_with_photo_claim_reply_resolve(polling):
    tg = polling
    await bind_unit(tg)

    # The resident reports a leak with a photo.
    since = tg.mark()
    tg.push_update(tg.make_photo_update(RESIDENT, RESIDENT, caption="厨房水管漏水了，快来人看看"))
    confirm = await reply_to(tg, RESIDENT, RESIDENT, since, lambda c: "工单" in text_of(c))
    ticket = await Ticket.get()
    assert ticket.number in text_of(confirm)
    assert "报修" in text_of(confirm) and "厨房水管漏水了" in text_of(confirm)
    assert "但是" not in text_of(confirm)

    # The card arrives in the stewards' group with its buttons, and the photo after it.
    card = await reply_to(tg, STEWARDS, STEWARDS, since, lambda c: ticket.number in text_of(c))
    assert "1栋1单元1201" in text_of(card) and "厨房水管漏水了" in text_of(card)
    assert [b["text"] for b in card.buttons[0]] == ["接单", "已处理", "升级"]
    photo = await reply_to(tg, STEWARDS, STEWARDS, since, method="sendPhoto")
    assert photo.params["photo"]  # the resident's file id, shown to the stewards
    assert str(RESIDENT) not in text_of(card)  # no handle, no id of the resident
    card_id = card.result["message_id"]

    # A steward claims with the button: answered, card edited, resident told.
    since = tg.mark()
    tg.push_update(
        tg.make_callback_update(STEWARD_ID, STEWARDS, card_id, card.buttons[0][0]["callback_data"])
    )
    answer = await tg.wait_for("answerCallbackQuery", since=since)
    assert "王管家" in answer.params.get("text", "")
    edit = await tg.wait_for(
        "editMessageText", lambda c: c.params["message_id"] == card_id, since=since
    )
    assert "处理中" in text_of(edit) and "王管家" in text_of(edit)
    told = await reply_to(tg, RESIDENT, RESIDENT, since, lambda c: "接单" in text_of(c))
    assert "王管家" in text_of(told)

    # The steward replies to the card: the resident receives it, signed.
    since = tg.mark()
    tg.push_update(
        tg.make_text_update(
            STEWARD_ID,
            STEWARDS,
            "师傅下午两点上门查看",
            chat_type="supergroup",
            reply_to_message_id=card_id,
        )
    )
    relayed = await reply_to(
        tg, RESIDENT, RESIDENT, since, lambda c: "师傅下午两点上门查看" in text_of(c)
    )
    assert "王管家" in text_of(relayed)

    # An internal note stays internal.
    since = tg.mark()
    tg.push_update(
        tg.make_text_update(
            STEWARD_ID,
            STEWARDS,
            "//业主脾气急，注意沟通",
            chat_type="supergroup",
            reply_to_message_id=card_id,
        )
    )
    await reply_to(tg, STEWARDS, STEWARDS, since, lambda c: "内部备注" in text_of(c))
    assert not [c for c in tg.sent_to(RESIDENT)[-1:] if "脾气" in text_of(c)]

    # /resolve from the group: the resident is told the result.
    since = tg.mark()
    tg.push_update(
        tg.make_text_update(
            STEWARD_ID,
            STEWARDS,
            f"/resolve {ticket.number[-4:]} 已更换厨房水管接头",
            chat_type="supergroup",
        )
    )
    done = await reply_to(tg, RESIDENT, RESIDENT, since, lambda c: "处理完毕" in text_of(c))
    assert "已更换厨房水管接头" in text_of(done)
    await reply_to(tg, STEWARDS, STEWARDS, since, lambda c: "已处理" in text_of(c))
    fresh = await Ticket.get(id=ticket.id)
    assert fresh.status == "resolved"
    kinds = [e.kind for e in await TicketEvent.filter(ticket=ticket).order_by("id")]
    assert kinds[:2] == ["created", "message_in"]
    assert "command" in kinds and "note" in kinds and "message_out" in kinds


async def test_burst_of_five_concurrent_updates_makes_one_ticket(webhook):
    tg = webhook
    await bind_unit_webhook(tg)
    texts = ["卫生间漏水了", "水一直往下滴", "楼下说天花板湿了", "麻烦快点来", "漏得很厉害"]
    updates = [tg.make_text_update(RESIDENT, RESIDENT, t) for t in texts]
    results = await asyncio.gather(*(tg.deliver_webhook(u) for u in updates))
    assert all(status == 200 for status, _ in results)
    assert await Ticket.all().count() == 1
    ticket = await Ticket.get()
    assert await InboundMessage.filter(ticket_id=ticket.id).count() == 5


async def bind_unit_webhook(tg, user=RESIDENT):
    since = tg.mark()
    for text in ("/start", "1栋1单元1201"):
        status, _ = await tg.deliver_webhook(tg.make_text_update(user, user, text))
        assert status == 200
    # everything the bot says to these two messages has arrived before the test goes on
    await reply_to(tg, user, user, since, lambda c: "已记录您的房号" in text_of(c))


async def test_redelivered_update_is_handled_once(webhook):
    tg = webhook
    await bind_unit_webhook(tg)
    update = tg.make_text_update(RESIDENT, RESIDENT, "客厅的灯不亮了")
    since = tg.mark()
    for _ in range(3):
        status, _ = await tg.deliver_webhook(update)
        assert status == 200
    assert await Ticket.all().count() == 1
    await reply_to(tg, RESIDENT, RESIDENT, since, lambda c: "工单" in text_of(c))
    await reply_to(tg, STEWARDS, STEWARDS, since, lambda c: "工单" in text_of(c))
    await asyncio.sleep(0.5)  # time for a duplicate to show up, if there were one
    assert len([c for c in tg.sent_to(STEWARDS) if "灯不亮" in text_of(c)]) == 1
    confirmations = [c for c in tg.sent_to(RESIDENT) if "工单" in text_of(c)]
    assert len(confirmations) == 1


async def test_webhook_without_secret_is_forbidden(webhook):
    tg = webhook
    url = tg.webhook["url"]
    status, _ = await tg.post_update_to(url, tg.make_text_update(1, 1, "hi"), secret_token="no")
    assert status == 403
    status, _ = await tg.post_update_to(url, tg.make_text_update(1, 1, "hi"))
    assert status == 403
    assert await InboundMessage.all().count() == 0


async def test_webhook_refuses_what_is_not_an_update(webhook):
    """Broken bodies get 400 (nothing stored); updates without a person's message
    (membership changes) are acknowledged and ignored."""
    import aiohttp

    tg = webhook
    url, secret = tg.webhook["url"], tg.webhook["secret_token"]
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json"}
    async with aiohttp.ClientSession() as session:
        no_chat = b'{"update_id": 5, "message": {"from": {"id": 1}}}'
        bodies = (b"{not json", b"[]", b'{"update_id": "x"}', no_chat)
        for body in bodies:
            async with session.post(url, data=body, headers=headers) as response:
                assert response.status == 400, body
    status, _ = await tg.deliver_webhook(
        {"my_chat_member": {"chat": {"id": STEWARDS, "type": "supergroup"}}}
    )
    assert status == 200
    assert await InboundMessage.all().count() == 0


async def test_close_from_non_staff_is_refused(webhook):
    tg = webhook
    await bind_unit_webhook(tg)
    await tg.deliver_webhook(tg.make_text_update(RESIDENT, RESIDENT, "电梯按钮坏了"))
    ticket = await Ticket.get()
    since = tg.mark()
    stranger = 777
    status, _ = await tg.deliver_webhook(
        tg.make_text_update(
            stranger, STEWARDS, f"/close {ticket.number} 不想管了", chat_type="supergroup"
        )
    )
    assert status == 200
    refusal = await reply_to(tg, STEWARDS, STEWARDS, since, lambda c: "抱歉" in text_of(c))
    assert "工作人员" in text_of(refusal)
    fresh = await Ticket.get(id=ticket.id)
    assert fresh.status == "dispatched"
    # nobody acted: the refused attempt is not in the ticket's history as an action
    assert await TicketEvent.filter(ticket=ticket, kind="command").count() == 0


@pytest.mark.parametrize("kind", ["empty", "long", "emoji", "sticker", "half_emoji"])
async def test_odd_messages_get_a_polite_answer_and_are_stored(webhook, kind):
    tg = webhook
    await bind_unit_webhook(tg)
    if kind == "empty":
        update = tg.make_text_update(RESIDENT, RESIDENT, "")
    elif kind == "half_emoji":  # a lone surrogate: valid JSON, not storable as it is
        update = tg.make_text_update(RESIDENT, RESIDENT, "谢谢\ud83d")
    elif kind == "long":
        update = tg.make_text_update(RESIDENT, RESIDENT, "楼上装修太吵了" * 1500)
    elif kind == "emoji":
        update = tg.make_text_update(RESIDENT, RESIDENT, "😡😡😡👍")
    else:
        update = tg.make_sticker_update(RESIDENT, RESIDENT)
    since = tg.mark()
    status, _ = await tg.deliver_webhook(update)
    assert status == 200
    answer = await reply_to(tg, RESIDENT, RESIDENT, since)
    assert text_of(answer).startswith(("感谢", "谢谢"))
    stored = await InboundMessage.get(key=f"update:{update['update_id']}")
    assert stored.status == "handled"
    if kind == "long":
        assert len(stored.text) == 7 * 1500
    if kind == "half_emoji":
        assert stored.text == "谢谢\ufffd"


async def test_message_stored_by_a_worker_that_stopped_is_handled_later(webhook, fake_clock):
    """Stored (and taken) but never handled: the recovery job handles it, once."""
    from handlers.router import recover
    from models.inbound import store_inbound

    tg = webhook
    await bind_unit_webhook(tg)
    update = tg.make_text_update(RESIDENT, RESIDENT, "阳台的灯坏了")
    await store_inbound(
        "telegram",
        f"update:{update['update_id']}",
        chat_id=RESIDENT,
        sender_id=RESIDENT,
        text="阳台的灯坏了",
        payload=update,
        claimed=True,
    )
    # the redelivery right after the crash does not race a worker that may still be on it
    status, _ = await tg.deliver_webhook(update)
    assert status == 200 and await Ticket.all().count() == 0
    fake_clock.advance(minutes=1)
    since = tg.mark()
    assert await recover() == 1
    assert await recover() == 0
    await reply_to(tg, RESIDENT, RESIDENT, since, lambda c: "工单" in text_of(c))
    assert await Ticket.all().count() == 1
