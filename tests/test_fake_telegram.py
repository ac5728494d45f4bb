"""The fake Telegram Bot API, driven by the REAL python-telegram-bot over HTTP."""

from __future__ import annotations

import asyncio
import time
import warnings
from datetime import timedelta

import aiohttp
import pytest
from aiohttp import web
from telegram import (
    Bot,
    ChatFullInfo,
    ChatMemberAdministrator,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Update,
)
from telegram.error import BadRequest, Conflict, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakes import telegram_api
from tests.fakes.telegram_api import FakeTelegram

# Any test module gets the ready-made fixture the same way.
fake_telegram = telegram_api.fake_telegram


@pytest.fixture
async def tg():
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def bot(tg):
    async with Bot(tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url) as b:
        yield b


async def test_ptb_composes_base_url_token_and_method(tg, bot):
    assert bot.base_url == f"{tg.url}/bot{tg.token}"
    assert bot.base_file_url == f"{tg.url}/file/bot{tg.token}"
    me = await bot.get_me()
    assert me.username == "guanjia_test_bot"
    assert me.id == int(tg.token.split(":")[0])
    assert me.is_bot
    assert [c.method for c in tg.calls()] == ["getMe", "getMe"]  # initialize() + ours


async def test_wrong_token_is_unauthorized(tg):
    from telegram.error import InvalidToken

    other = Bot("999:wrong", base_url=tg.base_url)
    with pytest.raises(InvalidToken):
        await other.get_me()


async def test_ptb_sends_form_data_and_multipart_and_json_is_accepted(tg, bot):
    await bot.send_message(chat_id=5, text="hi")
    await bot.send_document(chat_id=5, document=b"PDFDATA", filename="r.pdf")
    form_call, multipart_call = tg.calls("sendMessage")[0], tg.calls("sendDocument")[0]
    assert form_call.content_type == "application/x-www-form-urlencoded"
    assert form_call.params["chat_id"] == 5  # decoded back into an int
    assert multipart_call.content_type == "multipart/form-data"
    assert multipart_call.files["document"].content == b"PDFDATA"
    assert multipart_call.files["document"].filename == "r.pdf"
    doc_id = multipart_call.result["document"]["file_id"]
    assert tg.file_content(doc_id) == b"PDFDATA"

    async with aiohttp.ClientSession() as session:
        markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
        async with session.post(
            f"{tg.base_url}{tg.token}/sendMessage",
            json={"chat_id": 5, "text": "json", "reply_markup": markup},
        ) as r:
            body = await r.json()
    assert body["ok"] is True
    json_call = tg.calls("sendMessage")[-1]
    assert json_call.content_type == "application/json"
    assert json_call.params["reply_markup"] == markup
    assert body["result"]["reply_markup"] == markup


async def test_unknown_method_is_404_telegram_error(tg):
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{tg.base_url}{tg.token}/fooBar", data={"x": "1"}) as r:
            assert r.status == 404
            assert await r.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found: method not found",
            }
    assert tg.calls("fooBar", ok=False)[0].status == 404


async def test_send_message_with_inline_keyboard(tg, bot):
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("接单", callback_data="claim:T-1")],
            [InlineKeyboardButton("转派", callback_data="reassign:T-1")],
        ]
    )
    first = await bot.send_message(chat_id=42, text="新工单 T-1", reply_markup=keyboard)
    second = await bot.send_message(chat_id=42, text="again")
    other_chat = await bot.send_message(chat_id=-1001234567890, text="group")

    assert first.message_id == 1 and second.message_id == 2 and other_chat.message_id == 1
    assert first.chat.type == "private" and other_chat.chat.type == "supergroup"
    assert first.from_user.id == bot.id
    assert first.text == "新工单 T-1"
    assert first.reply_markup == keyboard
    assert second.reply_markup is None
    call = tg.calls("sendMessage")[0]
    assert call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "claim:T-1"
    assert call.buttons[1][0]["text"] == "转派"
    assert [c.text for c in tg.sent_to(42)] == ["新工单 T-1", "again"]
    assert [c.text for c in tg.sent_to(-1001234567890)] == ["group"]


async def test_reply_to_and_group_chat_type(tg, bot):
    tg.add_chat(-300, type="group", title="3号楼管家群")
    update = tg.push_update(tg.make_text_update(user_id=9, chat_id=-300, text="漏水了"))
    incoming = update["message"]["message_id"]
    sent = await bot.send_message(chat_id=-300, text="收到", reply_to_message_id=incoming)
    assert sent.chat.type == "group" and sent.chat.title == "3号楼管家群"
    assert sent.reply_to_message.message_id == incoming
    assert sent.reply_to_message.text == "漏水了"
    assert sent.message_id == incoming + 1  # message ids are per chat, shared by both sides


async def test_edit_message_text_and_not_modified(tg, bot):
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("接单", callback_data="claim")]])
    sent = await bot.send_message(chat_id=7, text="待接单", reply_markup=keyboard)
    edited = await bot.edit_message_text(chat_id=7, message_id=sent.message_id, text="已接单")
    assert edited.text == "已接单"
    assert edited.reply_markup is None  # editing without markup removes the keyboard
    assert edited.edit_date is not None
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text(chat_id=7, message_id=sent.message_id, text="已接单")
    with pytest.raises(BadRequest, match="not found"):
        await bot.edit_message_text(chat_id=7, message_id=999, text="x")
    markup_only = await bot.edit_message_reply_markup(
        chat_id=7, message_id=sent.message_id, reply_markup=keyboard
    )
    assert markup_only.reply_markup == keyboard


async def test_answer_callback_query_and_callback_update(tg, bot):
    sent = await bot.send_message(
        chat_id=7,
        text="评价",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("5", callback_data="rate:5")]]),
    )
    update = Update.de_json(tg.make_callback_update(7, 7, sent.message_id, "rate:5"), bot)
    query = update.callback_query
    assert query.data == "rate:5"
    assert query.message.message_id == sent.message_id
    assert query.message.text == "评价"
    assert await bot.answer_callback_query(query.id, text="谢谢", show_alert=True) is True
    call = tg.calls("answerCallbackQuery")[0]
    assert call.params == {"callback_query_id": query.id, "text": "谢谢", "show_alert": True}


async def test_send_photo_with_file_id_and_download_user_photo(tg, bot):
    update = Update.de_json(
        tg.make_photo_update(11, 11, caption="墙皮脱落", content=b"JPEG-BYTES"), bot
    )
    largest = update.message.photo[-1]
    assert update.message.caption == "墙皮脱落"
    sent = await bot.send_photo(chat_id=-200, photo=largest.file_id, caption="转给维修")
    assert sent.photo[-1].file_id == largest.file_id
    assert sent.caption == "转给维修"
    assert tg.calls("sendPhoto")[0].params["photo"] == largest.file_id

    file = await bot.get_file(largest.file_id)
    assert file.file_path.startswith(tg.base_file_url)
    assert bytes(await file.download_as_bytearray()) == b"JPEG-BYTES"
    with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
        await bot.get_file("nope")


async def test_media_group_location_voice_and_other_updates(tg, bot):
    a = tg.add_file(b"A", kind="photos", ext="jpg")
    b = tg.add_file(b"B", kind="photos", ext="jpg")
    group = await bot.send_media_group(
        chat_id=3, media=[InputMediaPhoto(a, caption="前"), InputMediaPhoto(b)]
    )
    assert len(group) == 2 and group[0].media_group_id == group[1].media_group_id
    assert group[0].caption == "前" and group[1].caption is None
    loc = await bot.send_location(chat_id=3, latitude=31.23, longitude=121.47)
    assert (loc.location.latitude, loc.location.longitude) == (31.23, 121.47)
    voice = await bot.send_voice(chat_id=3, voice=b"OGG", duration=2)
    assert voice.voice.file_size == 3
    assert tg.calls("sendVoice")[0].result["voice"]["duration"] == 2
    video = await bot.send_video(chat_id=3, video=b"MP4")
    assert video.video.file_size == 3

    for raw, attr in [
        (tg.make_voice_update(3, 3), "voice"),
        (tg.make_sticker_update(3, 3), "sticker"),
        (tg.make_location_update(3, 3, 31.2, 121.5), "location"),
        (tg.make_document_update(3, 3, content=b"PDF"), "document"),
    ]:
        assert getattr(Update.de_json(raw, bot).message, attr) is not None
    ids = [
        tg.make_text_update(1, 1, "a")["update_id"],
        tg.make_text_update(1, 1, "b")["update_id"],
    ]
    assert ids[1] == ids[0] + 1


async def test_get_updates_long_poll_receives_pushed_update(tg, bot):
    poll = asyncio.create_task(bot.get_updates(timeout=120))
    await asyncio.sleep(0.1)
    assert not poll.done()  # it is waiting
    pushed = tg.push_update(tg.make_text_update(user_id=5, chat_id=5, text="你好"))
    # the push ends the poll: without it, the poll would last its 120 s
    updates = await asyncio.wait_for(poll, 60)
    assert [u.update_id for u in updates] == [pushed["update_id"]]
    assert updates[0].message.text == "你好"
    # Not yet acknowledged: asked again without offset, it is delivered again.
    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [pushed["update_id"]]
    # offset = last + 1 acknowledges it; a short poll then times out empty.
    started = time.monotonic()
    assert await bot.get_updates(offset=pushed["update_id"] + 1, timeout=0.2) == ()
    assert time.monotonic() - started >= 0.15  # it waited its timeout out
    assert tg.pending_updates == []


async def test_retry_after_surfaces_with_its_value(tg, bot):
    tg.fail_next("sendMessage", status=429, retry_after=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(chat_id=1, text="x")
        retry_after = info.value.retry_after
    if isinstance(retry_after, timedelta):
        retry_after = retry_after.total_seconds()
    assert retry_after == 3
    failed = tg.calls("sendMessage")[0]
    assert failed.status == 429 and not failed.ok
    # count=1: the next call goes through.
    assert (await bot.send_message(chat_id=1, text="x")).text == "x"
    assert len(tg.sent_to(1)) == 1


async def test_blocked_chat_is_forbidden(tg, bot):
    from telegram.error import Forbidden

    tg.block(8)
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_message(chat_id=8, text="x")
    assert tg.calls("sendMessage", ok=False)[0].status == 403
    assert tg.sent_to(8) == []


async def test_server_errors_surface_as_network_error(tg, bot):
    tg.fail_next("sendMessage", status=502, count=2)
    for _ in range(2):
        with pytest.raises(NetworkError):
            await bot.send_message(chat_id=1, text="x")
    await bot.send_message(chat_id=1, text="x")
    assert [c.status for c in tg.calls("sendMessage")] == [502, 502, 200]


async def test_telegram_validation_rules(tg, bot):
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(chat_id=1, text="a < b & c", parse_mode="HTML")
    ok = await bot.send_message(chat_id=1, text="<b>工单</b> &lt;T-1&gt;", parse_mode="HTML")
    assert ok.text == "工单 <T-1>"
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(
            chat_id=1,
            text="x",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("b", callback_data="x" * 65)]]
            ),
        )
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(chat_id=1, text="长" * 4097)


async def test_commands_chat_and_member(tg, bot):
    from telegram import BotCommand

    assert await bot.set_my_commands([BotCommand("start", "开始"), BotCommand("report", "报修")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "report"]
    tg.add_chat(-100500, type="supergroup", title="管家群")
    chat = await bot.get_chat(-100500)
    assert isinstance(chat, ChatFullInfo) and chat.title == "管家群"
    tg.set_member_status(-100500, 77, "administrator")
    member = await bot.get_chat_member(-100500, 77)
    assert isinstance(member, ChatMemberAdministrator)
    assert (await bot.get_chat_member(-100500, 78)).status == "member"
    sent = await bot.send_message(chat_id=-100500, text="x")
    assert await bot.delete_message(chat_id=-100500, message_id=sent.message_id)
    with pytest.raises(BadRequest):
        await bot.delete_message(chat_id=-100500, message_id=sent.message_id)


async def test_webhook_mode(tg, bot):
    received: list[tuple[dict, str | None]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append(
            (await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        )
        return web.Response()

    app = web.Application()
    app.router.add_post("/tg", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        url = f"http://127.0.0.1:{port}/tg"
        assert await bot.set_webhook(url, secret_token="s3cret")
        info = await bot.get_webhook_info()
        assert info.url == url
        with pytest.raises(Conflict):
            await bot.get_updates(timeout=0)
        update = tg.make_text_update(1, 1, "via webhook")
        status, _ = await tg.deliver_webhook(update)
        assert status == 200
        assert received == [(update, "s3cret")]
        status, _ = await tg.post_update_to(url, tg.make_text_update(1, 1, "no secret"))
        assert received[-1][1] is None
        assert await bot.delete_webhook()
        assert (await bot.get_webhook_info()).url == ""
        assert await bot.get_updates(timeout=0) == ()
    finally:
        await runner.cleanup()


async def test_wait_for_times_out_quickly_and_matches_later_calls(tg, bot):
    with pytest.raises(TimeoutError):
        await tg.wait_for("sendMessage", timeout=0.1)
    mark = tg.mark()
    later = asyncio.create_task(
        tg.wait_for("sendMessage", lambda c: c.params["text"] == "b", since=mark)
    )
    await bot.send_message(chat_id=1, text="a")
    await bot.send_message(chat_id=1, text="b")
    call = await asyncio.wait_for(later, 1)
    assert call.params["text"] == "b" and call.result["message_id"] == 2


async def test_application_polling_handles_pushed_updates(tg):
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(
            "欢迎",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("报修", callback_data="r")]]),
        )

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(f"收到：{update.message.text}")

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer("好的")
        await update.callback_query.edit_message_text("请描述问题")

    app = (
        Application.builder()
        .token(tg.token)
        .base_url(tg.base_url)
        .base_file_url(tg.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(button))
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            tg.push_update(tg.make_text_update(user_id=21, chat_id=21, text="/start"))
            welcome = await tg.wait_for("sendMessage", lambda c: c.params["chat_id"] == 21)
            assert welcome.params["text"] == "欢迎"
            assert welcome.buttons[0][0]["callback_data"] == "r"

            tg.push_update(tg.make_text_update(user_id=21, chat_id=21, text="水管漏了"))
            reply = await tg.wait_for("sendMessage", lambda c: c.params["text"].startswith("收到"))
            assert reply.params["text"] == "收到：水管漏了"

            msg_id = welcome.result["message_id"]
            tg.push_update(tg.make_callback_update(21, 21, msg_id, "r"))
            edit = await tg.wait_for("editMessageText")
            assert edit.params["message_id"] == msg_id
            assert tg.calls("answerCallbackQuery")[0].params["text"] == "好的"
        finally:
            await app.updater.stop()
            await app.stop()
    assert tg.calls("deleteWebhook")  # PTB's polling bootstrap
    assert tg.pending_updates == [] or all(
        u["update_id"] <= max(c.params.get("offset", 0) for c in tg.calls("getUpdates"))
        for u in tg.pending_updates
    )


async def test_importable_fixture(fake_telegram):
    async with Bot(fake_telegram.token, base_url=fake_telegram.base_url) as b:
        assert (await b.send_message(chat_id=1, text="hi")).text == "hi"
    assert fake_telegram.sent_to(1)[0].text == "hi"
