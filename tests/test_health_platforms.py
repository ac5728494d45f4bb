"""/healthz during a Telegram outage: still 200 (restarting the worker would not help),
with the platform named as failing, since when and why; the messages wait and go out
once it is back, and /healthz says ok again."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from models.tables import Outbox
from tests.fakes.telegram_api import FakeTelegram
from tests.stories import Company

RESIDENT = 7501


@pytest.fixture
async def company(tmp_path, clock):
    def quick_retries(data: dict) -> None:
        data.setdefault("outbox", {})["retry_seconds"] = 0.2

    async with FakeTelegram() as tg:
        c = await Company.open(tmp_path, tg, edit=quick_retries)
        try:
            yield c
        finally:
            await c.close()


async def health(c: Company) -> tuple[int, dict]:
    url = f"http://127.0.0.1:{c.rt.settings.http_port}/healthz"
    async with aiohttp.ClientSession() as s, s.get(url) as r:
        return r.status, await r.json()


async def until(predicate, seconds: float = 10.0):
    for _ in range(int(seconds / 0.05)):
        value = await predicate()
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError("not within the time")


async def test_healthz_names_the_failing_platform_and_recovers(company):
    c = company
    await c.bind(RESIDENT)
    status, body = await health(c)
    assert status == 200 and body["platforms"].get("telegram", {"status": "ok"})["status"] == "ok"

    c.tg.outage(3600, status=502)
    c.say(RESIDENT, "厨房水管漏水了")

    async def failing():
        status, body = await health(c)
        telegram = body["platforms"].get("telegram", {})
        return (status, telegram) if telegram.get("status") == "failing" else None

    status, telegram = await until(failing)
    assert status == 200  # the process is healthy: the platform is not
    assert telegram["since"] and telegram["for_s"] >= 0 and "502" in telegram["last_error"]
    assert await Outbox.filter(status="failed").count() == 0  # an outage fails no message

    c.tg.outage(0)  # Telegram is back

    async def recovered():
        status, body = await health(c)
        assert status == 200
        return body["platforms"]["telegram"]["status"] == "ok" and body["outbox_backlog"] == 0

    await until(recovered)
    assert await Outbox.filter(status="failed").count() == 0
    assert any("工单" in (x.params.get("text") or "") for x in c.sent_to(RESIDENT))
