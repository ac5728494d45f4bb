"""The crash drill: ``python -m bot run`` answering residents through the fake Bot API
(Telegram's limits enforced) is killed with SIGKILL in the middle of the load and
started again. Nothing a resident sent is lost, and a message goes out twice only if
its send was in flight when the process died (answered by Telegram, not yet recorded)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import PG_URL, ROOT, needs_postgres, reset_postgres
from tests.fakes.telegram_api import FakeTelegram
from tests.test_telegram_e2e import _free_port, make_config

RESIDENTS = 50
EACH = 3


def _start(env: dict[str, str], log) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, stdout=log, stderr=log
    )


async def _exited(process: subprocess.Popen, seconds: float) -> bool:
    """Wait for the process without blocking the loop (the fake Bot API runs on it)."""
    deadline = time.monotonic() + seconds
    while process.poll() is None:
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def _until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=needs_postgres)])
async def test_kill_in_the_middle_loses_nothing_and_repeats_only_what_was_in_flight(
    tmp_path, database
):
    if database == "postgres":
        await reset_postgres(PG_URL)
        url = PG_URL
    else:
        url = f"sqlite://{tmp_path}/crash.db"
    async with FakeTelegram() as tg:
        tg.enforce_limits()
        config = make_config(tmp_path)  # writes guanjia.yaml with the test chats
        assert config.communities
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "GUANJIA_"))},
            "DATABASE_URL": url,
            "GUANJIA_CONFIG": str(tmp_path / "guanjia.yaml"),
            "TELEGRAM_BOT_TOKEN": tg.token,
            "TELEGRAM_API_URL": tg.url,
            "GUANJIA_HTTP_PORT": str(_free_port()),
            "GUANJIA_WORKER_ID": "crash-drill",
            "GUANJIA_CONSOLE_SECRET_FILE": str(tmp_path / "console_secret"),  # not in data/
        }
        residents = [50_000 + n for n in range(RESIDENTS)]

        def answered(chat) -> int:
            return sum(1 for c in tg.calls("sendMessage", ok=True) if c.params["chat_id"] == chat)

        def total() -> int:
            return sum(answered(chat) for chat in residents)

        with open(tmp_path / "bot.log", "ab") as log:
            bot = _start(env, log)
            try:
                for n in range(EACH):  # waiting in the fake until the bot polls
                    for chat in residents:
                        tg.push_update(tg.make_text_update(chat, chat, ["你好", "谢谢", "在吗"][n]))
                await _until(lambda: total() >= 40, 60, "some answers")
                bot.send_signal(signal.SIGKILL)  # mid-load: about a third answered
                assert await _exited(bot, 10)
                killed_at = time.monotonic()
                before = total()
                in_flight = sum(  # answered by Telegram in the two seconds before the kill
                    1
                    for c in tg.calls("sendMessage", ok=True)
                    if killed_at - c.at <= 2.0 and c.params["chat_id"] in residents
                )
                assert before < RESIDENTS * EACH, "killed after everything was answered"
                bot = _start(env, log)
                await _until(
                    lambda: all(answered(chat) >= EACH for chat in residents), 120, "every answer"
                )
                await asyncio.sleep(1.0)  # time for a duplicate to show up, if there were one
            finally:
                bot.send_signal(signal.SIGTERM)
                if not await _exited(bot, 30):
                    bot.kill()
        lost = sum(max(0, EACH - answered(chat)) for chat in residents)
        twice = sum(max(0, answered(chat) - EACH) for chat in residents)
        assert lost == 0
        assert twice <= in_flight, (twice, in_flight)
        # a send that was in flight is not in the chat's pace either: sending it again may
        # meet Telegram's limit once (the chat then waits its retry_after; nothing fails)
        refused = [
            (c.params["chat_id"], round(c.at - killed_at, 2)) for c in tg.calls() if c.status == 429
        ]
        assert tg.status_429 <= twice, refused
