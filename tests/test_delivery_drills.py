"""The delivery drills, against the fake Bot API with real python-telegram-bot: an outage
of Telegram (502 for 150 s, and for longer than any attempt budget), Telegram's own
limits enforced (429 when over them), two workers on one database with a chat busier
than a lease is long, an urgent card behind 200 queued ones, a relay whose sticker
fails. On SQLite and PostgreSQL; time is the fake clock's, shared by the fake server
and the dispatcher, stepped by ``run_once``."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from telegram import Bot

from bot.channels.telegram import TelegramLimits, TelegramSender
from bot.channels.telegram_http import AiohttpRequest
from bot.dispatcher import Dispatcher
from models.domain.config import Outbox as OutboxConfig
from models.outbox import queue_message
from models.tables import Outbox
from tests.fakes.telegram_api import FakeTelegram

CFG = OutboxConfig(retry_seconds=10, give_up_after_hours=24, max_attempts=8)
GROUP = -100200


def wall(clock):
    return lambda: clock.now().timestamp()


@pytest.fixture
async def tg(clock):
    async with FakeTelegram(clock=wall(clock)) as fake:
        fake.enforce_limits()
        yield fake


async def bot_for(tg: FakeTelegram) -> Bot:
    bot = Bot(
        tg.token,
        base_url=tg.base_url,
        base_file_url=tg.base_file_url,
        request=AiohttpRequest(connections=64),
    )
    await bot.initialize()
    return bot


async def drain(dispatchers, clock, until, limit: float = 3600.0) -> None:
    start = clock.now()
    while not until() and (clock.now() - start).total_seconds() < limit:
        waits = await asyncio.gather(*(d.run_once() for d in dispatchers))
        waits = [w for w in waits if w is not None]
        if not waits and not until():
            waits = [1.0]  # nothing waits here: another worker's lane, or the clock
        clock.advance(seconds=max(min(waits, default=1.0), 0.01))


def delivered(tg: FakeTelegram, chat) -> list[tuple[float, str]]:
    return [
        (c.time, c.params.get("text") or c.params.get("caption") or "")
        for c in tg.calls(ok=True)
        if c.method in ("sendMessage", "sendSticker", "sendPhoto")
        and c.params.get("chat_id") == chat
        and c.params.get("chat_id") == chat
    ]


@pytest.mark.parametrize(("outage", "chats"), [(150, 80), (900, 30)])
async def test_an_outage_delivers_everything_once_in_order_soon_after(
    any_db, clock, tg, outage, chats
):
    """502 for 150 s (the drill: 80 residents' chats), and for 900 s (longer than 8
    attempts with backoff used to last; fewer chats, which that question does not need):
    nothing fails, every chat in order, every message once, all within 30 s of Telegram
    coming back, and Telegram's limits never broken (no 429)."""
    bot = await bot_for(tg)
    d = Dispatcher({"telegram": TelegramSender(bot, TelegramLimits())}, CFG, wall=wall(clock))
    residents = [700 + n for n in range(chats)]
    for chat in residents:
        for n in range(3):
            await queue_message("telegram", chat, f"{chat}: message {n}")
    for n in range(10):
        await queue_message("telegram", GROUP, f"card {n}", kind="card")
    tg.outage(outage)
    back = clock.now().timestamp() + outage
    expected = chats * 3 + 10
    await drain([d], clock, until=lambda: len(tg.calls("sendMessage", ok=True)) >= expected)
    for chat in residents:
        got = delivered(tg, chat)
        assert [text for _, text in got] == [f"{chat}: message {n}" for n in range(3)]
        assert all(t >= back for t, _ in got)
    assert [text for _, text in delivered(tg, GROUP)] == [f"card {n}" for n in range(10)]
    last = max(t for chat in [*residents, GROUP] for t, _ in delivered(tg, chat))
    assert last - back <= 30
    assert await Outbox.filter(status="failed").count() == 0
    assert tg.status_429 == 0
    await bot.shutdown()


async def test_two_workers_with_a_chat_busier_than_a_lease(any_db, clock, tg):
    """A chat with 120 messages (two minutes at a private chat's pace) and a group with
    30 cards, with two workers whose leases last 30 s: every message once, in order,
    and no chat over its limit (Telegram would have answered 429)."""
    bots = [await bot_for(tg), await bot_for(tg)]
    workers = [
        Dispatcher(
            {"telegram": TelegramSender(bot, TelegramLimits())},
            CFG,
            worker=name,
            wall=wall(clock),
            lease=timedelta(seconds=30),
        )
        for name, bot in zip(("a", "b"), bots, strict=True)
    ]
    for n in range(120):
        await queue_message("telegram", 42, f"m{n}")
    for n in range(30):
        await queue_message("telegram", GROUP, f"card {n}", kind="card")

    async def all_sent() -> bool:
        return not await Outbox.filter(status="pending").exists()

    done = False
    start = clock.now()
    while not done and (clock.now() - start).total_seconds() < 900:
        waits = [w for w in await asyncio.gather(*(w.run_once() for w in workers)) if w is not None]
        clock.advance(seconds=max(min(waits, default=1.0), 0.01))
        done = await all_sent()
    assert [text for _, text in delivered(tg, 42)] == [f"m{n}" for n in range(120)]
    assert [text for _, text in delivered(tg, GROUP)] == [f"card {n}" for n in range(30)]
    assert tg.status_429 == 0
    for bot in bots:
        await bot.shutdown()


async def test_an_urgent_card_passes_200_queued_cards(any_db, clock, tg):
    bot = await bot_for(tg)
    d = Dispatcher({"telegram": TelegramSender(bot, TelegramLimits())}, CFG, wall=wall(clock))
    for n in range(200):
        await queue_message("telegram", GROUP, f"card {n}", kind="card")
    for _ in range(3):  # the group's first cards go out, the rest wait for their minute
        clock.advance(seconds=max(await d.run_once() or 0.0, 0.01))
    queued = clock.now().timestamp()
    await queue_message("telegram", GROUP, "【紧急】燃气泄漏", kind="card", urgent=True)

    def urgent_sent() -> bool:
        return any("燃气" in text for _, text in delivered(tg, GROUP))

    await drain([d], clock, until=urgent_sent, limit=120)
    (sent_at,) = [t for t, text in delivered(tg, GROUP) if "燃气" in text]
    assert sent_at - queued <= 10
    assert tg.status_429 == 0
    await bot.shutdown()


async def test_a_relay_whose_sticker_fails_does_not_repeat_its_words(any_db, clock, tg):
    bot = await bot_for(tg)
    d = Dispatcher({"telegram": TelegramSender(bot, TelegramLimits())}, CFG, wall=wall(clock))
    await queue_message(
        "telegram",
        42,
        "王管家：收到，这就安排",
        media=[{"type": "sticker", "file_id": "STICKER1", "platform": "telegram"}],
    )
    tg.fail_next("sendSticker", status=502)
    await drain([d], clock, until=lambda: False, limit=60)
    words = [c for c in tg.calls(ok=True) if c.method == "sendMessage"]
    stickers = [c for c in tg.calls(ok=True) if c.method == "sendSticker"]
    assert [c.params["text"] for c in words] == ["王管家：收到，这就安排"]
    assert len(stickers) == 1
    assert (await Outbox.get()).status == "sent"
    await bot.shutdown()
