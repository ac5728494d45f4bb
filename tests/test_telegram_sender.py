"""The Telegram sender over our aiohttp transport: what Telegram answers becomes the
outbox's retry decision (429 with its retry-after, 5xx retried, 400/403 given up)."""

from __future__ import annotations

import pytest
from telegram import Bot

from bot.channels.telegram import TelegramLimits, TelegramSender
from bot.channels.telegram_http import AiohttpRequest
from bot.dispatcher import Delivery, SendError
from models.tables import Outbox
from tests.fakes.telegram_api import FakeTelegram


def _row(chat_id: int, text: str, **payload) -> Outbox:
    return Outbox(
        id=1,
        platform="telegram",
        chat_id=str(chat_id),
        kind="text",
        payload={"text": text, **payload},
        attempts=0,
    )


@pytest.fixture
async def sender():
    async with FakeTelegram() as tg:
        bot = Bot(
            tg.token,
            base_url=tg.base_url,
            base_file_url=tg.base_file_url,
            request=AiohttpRequest(connections=4),
        )
        async with bot:
            yield tg, TelegramSender(bot)


async def test_text_with_buttons_arrives(sender):
    tg, s = sender
    buttons = [[{"text": "接单", "data": "claim:1"}]]
    message_id = await s.send(Delivery(_row(-100, "工单卡片", buttons=buttons)))
    call = await tg.wait_for("sendMessage")
    assert call.params["text"] == "工单卡片" and message_id == str(call.result["message_id"])
    assert call.buttons[0][0]["callback_data"] == "claim:1"
    assert call.content_type == "application/json"  # uploads alone go as multipart


async def test_429_carries_retry_after(sender):
    tg, s = sender
    tg.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(SendError) as err:
        await s.send(Delivery(_row(42, "hi")))
    assert err.value.retryable and err.value.retry_after == 7 and not err.value.outage


async def test_5xx_is_retried_and_403_is_not(sender):
    tg, s = sender
    tg.fail_next("sendMessage", status=502)
    with pytest.raises(SendError) as err:
        await s.send(Delivery(_row(42, "hi")))
    assert err.value.retryable and err.value.outage  # Telegram is down, not the message
    tg.fail_next("sendMessage", status=403, description="Forbidden: bot was blocked by the user")
    with pytest.raises(SendError) as err:
        await s.send(Delivery(_row(42, "hi")))
    assert not err.value.retryable


async def test_a_card_edit_that_changes_nothing_is_a_success(sender):
    tg, s = sender
    buttons = [[{"text": "接单", "data": "claim:1"}]]
    message_id = await s.send(Delivery(_row(-100, "工单卡片", buttons=buttons)))
    edit = _row(-100, "工单卡片", buttons=buttons)
    edit.kind = "edit_card"
    assert await s.send(Delivery(edit, message_id)) == message_id  # "message is not modified"
    edit.payload["text"] = "工单卡片（已接单）"
    assert await s.send(Delivery(edit, message_id)) == message_id
    call = await tg.wait_for("editMessageText", lambda c: c.ok)
    assert call.params["text"] == "工单卡片（已接单）"
    assert call.params["message_id"] == int(message_id)


async def test_a_reply_names_the_message_it_answers(sender):
    tg, s = sender
    first = await s.send(Delivery(_row(42, "您好")))
    await s.send(Delivery(_row(42, "补充一句", reply_to=first)))
    call = await tg.wait_for("sendMessage", lambda c: c.params.get("text") == "补充一句")
    assert call.params["reply_parameters"]["message_id"] == int(first)


async def test_a_wrong_token_is_retried_not_dropped():
    """401/404 (a token revoked or mistyped): the message waits for someone to fix
    the configuration, as PTB treats it (InvalidToken is not a refusal of the message)."""
    async with FakeTelegram() as tg:
        bot = Bot("123:wrong", base_url=tg.base_url, request=AiohttpRequest(connections=1))
        await bot.request.initialize()
        try:
            with pytest.raises(SendError) as err:
                await TelegramSender(bot).send(Delivery(_row(42, "hi")))
            assert err.value.retryable and err.value.outage
        finally:
            await bot.request.shutdown()


def test_telegrams_limits_per_destination():
    sender = TelegramSender(None, TelegramLimits())
    assert sender.per_second == 28.0  # under Telegram's 30 a second, with a margin
    # Telegram's 20 a minute and ~1 a second, each with a margin for late arrivals
    assert (sender.pace("-100123").count, sender.pace("-100123").seconds) == (20, 61.0)
    assert (sender.pace("42").count, sender.pace("42").seconds) == (3, 3.3)
    assert TelegramSender(None).pace("42") is None and TelegramSender(None).per_second is None


@pytest.mark.parametrize(
    ("code", "body", "error"),
    [
        (400, b'{"ok":false,"parameters":{"migrate_to_chat_id":-1001}}', "ChatMigrated"),
        (429, b'{"ok":false,"parameters":{"retry_after":5}}', "RetryAfter"),
        (403, b'{"ok":false,"description":"Forbidden: blocked"}', "Forbidden"),
        (409, b'{"ok":false,"description":"Conflict"}', "Conflict"),
        (502, b"<html>Bad Gateway</html>", "NetworkError"),
    ],
)
def test_refusals_become_the_exceptions_ptb_raises(code, body, error):
    from bot.channels.telegram_http import _refusal

    assert type(_refusal(code, body)).__name__ == error


async def test_a_photo_carries_the_buttons_and_the_reply_too(sender):
    """Media go through PTB's own methods: the same buttons and reply as a text."""
    tg, s = sender
    first = await s.send(Delivery(_row(42, "您好")))
    row = _row(
        42,
        "现场照片",
        buttons=[[{"text": "接单", "data": "claim:1"}]],
        reply_to=first,
        media=[{"type": "photo", "file_id": "AgAD-photo", "platform": "telegram"}],
    )
    await s.send(Delivery(row))
    call = await tg.wait_for("sendPhoto")
    assert call.params["caption"] == "现场照片"
    assert call.buttons[0][0]["callback_data"] == "claim:1"
    assert call.params["reply_parameters"]["message_id"] == int(first)


async def test_an_unreachable_or_silent_bot_api_is_retried_later():
    """Text sends go over aiohttp's client: a connection refused or an answer that
    does not come in time is a NetworkError / TimedOut for PTB, a retry for the outbox."""
    import asyncio
    import socket

    from telegram.error import NetworkError, TimedOut

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]  # nobody listens here once it is closed
    request = AiohttpRequest(
        connections=1, read_timeout=0.2, write_timeout=0.1, connect_timeout=0.1
    )
    await request.initialize()
    bot = Bot("123:abc", base_url=f"http://127.0.0.1:{dead}/bot", request=request)
    try:
        with pytest.raises(NetworkError):
            await request.call_json(f"http://127.0.0.1:{dead}/bot123:abc/sendMessage", {})
        with pytest.raises(SendError) as err:
            await TelegramSender(bot).send(Delivery(_row(42, "hi")))
        assert err.value.retryable

        async def silent(reader, writer):
            await asyncio.sleep(5)

        server = await asyncio.start_server(silent, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        try:
            with pytest.raises(TimedOut):
                await request.call_json(f"http://127.0.0.1:{port}/bot123:abc/sendMessage", {})
        finally:
            server.close()
    finally:
        await request.shutdown()
