"""What a webhook may be sent that Telegram itself would not send: ids that are not ids,
texts that are numbers or lists, a location off the globe, a button of twenty digits, a
million characters. Nothing answers 5xx or logs a traceback; what can be read is
stored and answered politely; what cannot is refused with 400. Then a fuzz test
(hypothesis) of updates bent at any field, after which the bot still answers a resident.
The bot runs as in production: real python-telegram-bot, our webhook, the fake Bot API."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime

import aiohttp
import pytest

from bot.app import Runtime, shutdown, start
from bot.settings import Settings
from models.domain.clock import FakeClock, set_clock
from models.tables import InboundMessage, Outbox, Ticket
from tests.fakes.telegram_api import FakeTelegram
from tests.stories import free_port, text_of, two_communities, unpaced

hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies

RESIDENT = 7401
SECRET = "s3cret-token"


async def _start(tmp_path, tg: FakeTelegram) -> Runtime:
    port = free_port()
    settings = Settings(
        DATABASE_URL=f"sqlite://{tmp_path}/bad.db",
        TELEGRAM_BOT_TOKEN=tg.token,
        TELEGRAM_API_URL=tg.url,
        GUANJIA_HTTP_PORT=str(port),
        TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram/webhook",
        TELEGRAM_WEBHOOK_SECRET=SECRET,
        GUANJIA_CONFIG=str(two_communities(tmp_path)),
    )
    from models.domain.config import load_config

    rt = Runtime(settings, load_config(settings.config_path()))
    await start(rt)
    unpaced(rt)  # the pace per chat has its own tests
    return rt


@pytest.fixture
async def bot(tmp_path, clock, caplog):
    caplog.set_level(logging.INFO)
    async with FakeTelegram() as tg:
        rt = await _start(tmp_path, tg)
        try:
            yield tg
        finally:
            await shutdown(rt)
    errors = [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert not errors, errors


async def post(tg: FakeTelegram, body: bytes) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    async with aiohttp.ClientSession() as s:
        async with s.post(tg.webhook["url"], data=body, headers=headers) as r:
            await r.read()
            return r.status


async def answered(tg: FakeTelegram, since: int, chat: int = RESIDENT, contains: str = ""):
    return await tg.wait_for(
        "sendMessage",
        lambda c: c.params.get("chat_id") == chat and contains in text_of(c),
        since=since,
        timeout=10,
    )


async def test_ids_that_are_not_ids_are_refused_with_400(bot):
    tg = bot
    for chat_id in ("9" * 200, 10**30, True, [1], None):
        update = tg.make_text_update(RESIDENT, RESIDENT, "你好")
        update["message"]["chat"]["id"] = chat_id
        assert await post(tg, json.dumps(update).encode()) == 400, chat_id
    assert await InboundMessage.all().count() == 0


async def test_a_button_of_twenty_digits_is_a_stale_button(bot):
    tg = bot
    since = tg.mark()
    for data in ("claim:99999999999999999999", "fee:yes:99999999999999999999", "slot:x", "x" * 65):
        update = tg.make_callback_update(RESIDENT, RESIDENT, 1, "fee:yes:1")
        update["callback_query"]["data"] = data
        assert await post(tg, json.dumps(update).encode()) == 200
    answers = [c for c in tg.calls(ok=True)[since:] if c.method == "answerCallbackQuery"]
    assert len(answers) == 4  # every press answered: the spinner stops
    assert not sorry(tg, since)


def sorry(tg: FakeTelegram, since: int = 0) -> list[str]:
    """The answers that say something went wrong on our side."""
    return [text_of(c) for c in tg.calls()[since:] if "出了点问题" in text_of(c)]


async def test_texts_that_are_not_strings_and_a_location_off_the_globe(bot):
    tg = bot
    since = tg.mark()
    update = tg.make_text_update(RESIDENT, RESIDENT, "x")
    update["message"]["text"] = 12345
    assert await post(tg, json.dumps(update).encode()) == 200
    stored = await InboundMessage.get(key=f"update:{update['update_id']}")
    assert stored.text == "12345"
    await answered(tg, since)

    since = tg.mark()
    update = tg.make_text_update(RESIDENT, RESIDENT, "x")
    update["message"]["text"] = ["厨房", "漏水"]
    assert await post(tg, json.dumps(update).encode()) == 200
    reply = await answered(tg, since)
    assert "文字" in text_of(reply) or "描述" in text_of(reply)  # asks what they need
    row = await InboundMessage.get(key=f"update:{update['update_id']}")
    assert row.payload["message"]["text"] == ["厨房", "漏水"]  # kept as it came

    since = tg.mark()
    update = tg.make_location_update(RESIDENT, RESIDENT, 31.2, 121.5)
    update["message"]["location"] = {"latitude": "north", "longitude": 999}
    assert await post(tg, json.dumps(update).encode()) == 200
    await answered(tg, since)
    await asyncio.sleep(0.3)
    assert await Outbox.filter(status="failed").count() == 0  # no send of a bad location


async def test_a_million_characters_are_stored_whole_and_answered(bot):
    tg = bot
    since = tg.mark()
    for text in ("/start demo", "1栋1单元1201"):
        await post(tg, json.dumps(tg.make_text_update(RESIDENT, RESIDENT, text)).encode())
    words = "地下车库的灯坏了好几盏，晚上停车看不清楚。" * 50_000
    update = tg.make_text_update(RESIDENT, RESIDENT, words)
    assert await post(tg, json.dumps(update, ensure_ascii=False).encode()) == 200
    row = await InboundMessage.get(key=f"update:{update['update_id']}")
    assert row.text == words  # the whole of it
    reply = await answered(tg, since, contains="工单")
    assert len(text_of(reply)) <= 4096
    ticket = await Ticket.get()
    assert len(ticket.summary) <= 60
    for call in tg.calls(ok=True)[since:]:
        assert len(text_of(call)) <= 4096


# -- fuzz -----------------------------------------------------------------------------
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**15, max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=300),
    st.just("9" * 200),
    st.just("x" * 20_000),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


def paths(value, prefix=()):
    """Every path to a value inside an update."""
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from paths(v, (*prefix, k))


def bent(update: dict, path: tuple, how: str, value) -> dict:
    update = json.loads(json.dumps(update))
    if not path:
        return value if how == "replace" else update
    *head, last = path
    target = update
    for k in head:
        target = target[k]
    if how == "delete":
        target.pop(last, None)
    elif how == "add":
        target[f"{last}_x"] = value
    else:
        target[last] = value
    return update


@st.composite
def updates(draw, tg: FakeTelegram) -> bytes:
    kind = draw(st.sampled_from(["text", "group", "button", "photo", "location", "contact", "raw"]))
    if kind == "raw":
        return draw(st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode)))
    user = draw(st.sampled_from([RESIDENT, RESIDENT + 1, 9001]))
    base = {
        "text": lambda: tg.make_text_update(user, user, draw(st.text(max_size=80)) or "你好"),
        "group": lambda: tg.make_text_update(
            9001, -100200, "/claim 0001", chat_type="supergroup", reply_to_message_id=1
        ),
        "button": lambda: tg.make_callback_update(user, user, 1, "rate:1:5"),
        "photo": lambda: tg.make_photo_update(user, user, caption="窗户玻璃裂了"),
        "location": lambda: tg.make_location_update(user, user, 31.2, 121.5),
        "contact": lambda: tg.make_contact_update(user, user, "13812345678"),
    }[kind]()
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from(list(paths(base))))
        base = bent(base, path, draw(st.sampled_from(["replace", "delete", "add"])), draw(junk))
    text = json.dumps(base, ensure_ascii=draw(st.booleans()), allow_nan=True)
    return text.encode("utf-8", "surrogatepass")


def test_fuzz_the_webhook(tmp_path, caplog):
    clock = FakeClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    previous = set_clock(clock)
    caplog.set_level(logging.INFO)
    statuses: dict[int, int] = {}

    async def main() -> None:
        async with FakeTelegram() as tg:
            rt = await _start(tmp_path, tg)
            loop = asyncio.get_running_loop()
            try:

                @hypothesis.settings(
                    max_examples=250,
                    deadline=None,
                    suppress_health_check=list(hypothesis.HealthCheck),
                    derandomize=True,
                    database=None,
                )
                @hypothesis.given(st.data())
                def attempt(data) -> None:
                    body = data.draw(updates(tg))
                    status = asyncio.run_coroutine_threadsafe(post(tg, body), loop).result()
                    statuses[status] = statuses.get(status, 0) + 1
                    assert status in (200, 400), (status, body[:300])

                await asyncio.to_thread(attempt)
                # afterwards a resident is still answered
                since = tg.mark()
                resident = RESIDENT + 50
                await post(tg, json.dumps(tg.make_text_update(resident, resident, "你好")).encode())
                await answered(tg, since, chat=resident)
                assert not sorry(tg)
            finally:
                await shutdown(rt)

    try:
        asyncio.run(main())
    finally:
        set_clock(previous)
    assert statuses.get(200) and statuses.get(400), statuses
    errors = [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert not errors, errors[:3]
    assert "Traceback" not in caplog.text


async def test_a_request_aiohttp_cannot_parse_is_400_without_a_traceback(bot, caplog):
    """A request line over aiohttp's 8,190 bytes never reaches our handlers: 400, and one
    warning line (the fixture fails the test on any error or traceback logged)."""
    tg = bot
    port = int(tg.webhook["url"].split(":")[2].split("/")[0])
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"POST /telegram/webhook?x=" + b"9" * 9000 + b" HTTP/1.1\r\nHost: x\r\n"
        b"Content-Length: 0\r\n\r\n"
    )
    await writer.drain()
    head = await reader.read(64)
    writer.close()
    assert head.startswith(b"HTTP/1.0 400") or head.startswith(b"HTTP/1.1 400")
    await asyncio.sleep(0.1)
    assert "malformed HTTP request" in caplog.text and "9999" not in caplog.text
