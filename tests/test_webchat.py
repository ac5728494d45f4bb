"""The web chat channel over HTTP against a running Guanjia (no browser): a visitor is a
signed cookie, what it posts goes through the router like any channel's message,
photos are kept and reach the stewards, answers come by a long poll; and the demo
mode turns on only where it cannot be production."""

from __future__ import annotations

import socket

import aiohttp
import pytest

from bot.app import Runtime, shutdown, start
from bot.settings import Settings
from models.domain.config import EXAMPLE_CONFIG, load_config
from models.tables import Outbox, Resident, Ticket
from tests.test_scheduler import STEWARDS, staffed_config

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def server(tmp_path, clock):
    port = _port()
    settings = Settings(
        DATABASE_URL=f"sqlite://{tmp_path}/web.db",
        GUANJIA_HTTP_PORT=str(port),
        GUANJIA_CONSOLE_SECRET="web-secret",
        GUANJIA_MEDIA_DIR=str(tmp_path / "media"),
    )
    rt = Runtime(settings, staffed_config(tmp_path))
    await start(rt)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await shutdown(rt)
        from handlers.context import setup

        setup(load_config(EXAMPLE_CONFIG))


HEADERS = {"X-Requested-With": "guanjia-chat"}


async def _send(session, base, language: str | None = None, **fields):
    form = aiohttp.FormData()
    for name, value in fields.items():
        if name == "photo":
            form.add_field("photo", value, filename="p.png", content_type="image/png")
        else:
            form.add_field(name, value)
    headers = {**HEADERS, **({"Accept-Language": language} if language else {})}
    async with session.post(f"{base}/chat/api/send", data=form, headers=headers) as r:
        return r.status, await r.text()


async def _until(session, base, cursor, words: str) -> list[dict]:
    seen: list[dict] = []
    for _ in range(5):
        url = f"{base}/chat/api/messages?out={cursor['out']}&in={cursor['in']}&wait=1"
        async with session.get(url) as r:
            data = await r.json()
        cursor.update(out=data["out"], **{"in": data["in"]})
        seen += [m for m in data["messages"] if m["from"] == "bot"]
        if any(words in m["text"] for m in seen):
            return seen
    raise AssertionError(f"no answer with {words!r}: {seen}")


async def test_a_visitor_reports_with_a_photo_and_gets_answers(server):
    base = server
    async with aiohttp.ClientSession() as anonymous:
        async with anonymous.get(f"{base}/chat/api/messages") as r:
            assert r.status == 401  # no visitor cookie
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as s:
        async with s.get(f"{base}/chat") as page:
            html = await page.text()
            assert page.status == 200 and 'id="composer"' in html and "在线报事" in html
            assert 'class="demo"' in html  # the playground: loopback, SQLite, nothing set
        async with s.get(f"{base}/chat", headers={"Accept-Language": "zh-TW,zh;q=0.9"}) as page:
            assert "線上報事" in await page.text() or "在線報事" in await page.text()
        async with s.get(f"{base}/chat", headers={"Accept-Language": "en-GB,en"}) as page:
            assert "Tell us what you need" in await page.text()
        form = aiohttp.FormData()
        form.add_field("text", "你好")
        async with s.post(f"{base}/chat/api/send", data=form) as r:
            assert r.status == 403  # not sent by our page (a cross-site form)
        cursor = {"out": 0, "in": 0}
        assert (await _send(s, base, text="/start", id="a1"))[0] == 200
        await _until(s, base, cursor, "房号")
        await _send(s, base, text="1栋1单元1201", id="a2")
        await _until(s, base, cursor, "1栋1单元1201")
        status, _ = await _send(s, base, text="阳台顶上漏水了", photo=PNG, id="a3")
        assert status == 200
        confirm = await _until(s, base, cursor, "工单")
        assert (await _send(s, base, text="x", photo=b"not a picture", id="a4"))[0] == 400
        again = await _send(s, base, text="阳台顶上漏水了", photo=PNG, id="a3")
        assert again[0] == 200  # the same message id again is handled once
    ticket = await Ticket.get()
    resident = await Resident.get(platform="web")
    assert ticket.resident_id == resident.id and ticket.summary.startswith("阳台顶上漏水了")
    assert any(ticket.number in m["text"] for m in confirm)
    (photo,) = ticket.details["media"]
    assert photo["type"] == "photo" and photo["path"].endswith(".png")
    relayed = [r for r in await Outbox.filter(chat_id=STEWARDS) if r.payload.get("media")]
    assert relayed and relayed[0].payload["media"][0]["path"] == photo["path"]
    assert await Ticket.all().count() == 1


async def test_the_browsers_language_chooses_a_new_residents_script(server):
    """As Telegram's language_code does: the first answers already in the resident's
    script (Traditional for a browser set to Taiwan, English for English)."""
    for language, words in (("en-US,en;q=0.9", "unit"), ("zh-TW,zh;q=0.9", "單元")):
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as s:
            await s.get(f"{server}/chat")
            cursor = {"out": 0, "in": 0}
            assert (await _send(s, server, language, text="/start", id="g1"))[0] == 200
            greeting = await _until(s, server, cursor, words)
            assert any(words in m["text"] for m in greeting)


def test_demo_mode_only_where_it_cannot_be_production():
    def settings(**env):
        return Settings(**{"DATABASE_URL": "sqlite://data/g.db", **env})

    assert settings().demo_mode
    assert not settings(TELEGRAM_BOT_TOKEN="1:x").demo_mode
    assert not settings(GUANJIA_HTTP_HOST="0.0.0.0").demo_mode
    assert not settings(DATABASE_URL="postgres://u@db/guanjia").demo_mode
    assert not settings(GUANJIA_DEMO="off").demo_mode
    assert settings(GUANJIA_DEMO="on", GUANJIA_HTTP_HOST="0.0.0.0").demo_mode
    with pytest.raises(ValueError, match="GUANJIA_DEMO=on"):
        settings(GUANJIA_DEMO="on", TELEGRAM_BOT_TOKEN="1:x").check_demo()
    from bot.app import demo_timing

    quick = demo_timing(load_config(EXAMPLE_CONFIG))  # the whole loop within a visit
    assert quick.deadlines.followup_after_minutes == 1
    assert quick.quiet_hours.start == quick.quiet_hours.end


async def test_no_playground_without_demo_mode(tmp_path, clock):
    from aiohttp.test_utils import TestClient, TestServer

    from bot.console import setup_console
    from bot.web import make_app

    app = make_app()
    setup_console(app, secret=b"s", public_url="https://wuye.example.com", demo=False)
    async with TestClient(TestServer(app)) as client:
        assert (await client.get("/console/playground")).status == 404
        assert (await client.post("/console/demo-login", data={"staff": "1"})).status in (
            404,
            405,
        )


async def test_a_browser_sending_too_fast_is_slowed_down(tmp_path):
    from bot.channels.webchat import PER_MINUTE, WebChatChannel

    channel = WebChatChannel(b"s", str(tmp_path))
    assert not any(channel._too_fast("w1") for _ in range(PER_MINUTE))
    assert channel._too_fast("w1") and not channel._too_fast("w2")
