"""Fuzzing ``/wechat`` (hypothesis) in safe, compatible and plain mode: whatever arrives — no
signature, a wrong one, a stale one, an envelope sealed with another key, a signed message
with odd fields, deep nesting, bytes that are not XML — the answer is 200, 400 or 403,
never a 5xx; nothing is logged with a traceback; and nothing is stored that was not signed
(in safe mode: sealed with our key)."""

from __future__ import annotations

import asyncio
import logging
import socket
from datetime import UTC, datetime

import aiohttp
import pytest
from aiohttp import web

hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies

from bot.channels.wechat import WeChatChannel  # noqa: E402
from bot.channels.wechat_api import MemoryTokenStore  # noqa: E402
from bot.settings import Settings  # noqa: E402
from models.domain.clock import FakeClock, set_clock  # noqa: E402
from models.storage.db import close_db, open_db, sync_config  # noqa: E402
from models.tables import InboundMessage  # noqa: E402
from tests.fakes.wechat_api import callback_request, verification_request  # noqa: E402

TOKEN = "fuzz-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
OTHER_KEY = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut"
APP_ID = "wx_fuzz_app"
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
NOW = int(START.timestamp())

FIELD_NAMES = [
    "ToUserName",
    "FromUserName",
    "CreateTime",
    "MsgType",
    "Content",
    "MsgId",
    "MediaId",
    "PicUrl",
    "Event",
    "EventKey",
    "Location_X",
    "Location_Y",
    "Label",
    "Recognition",
    "Format",
    "Url",
    "Title",
]
MSG_TYPES = ["text", "image", "voice", "video", "location", "link", "event", "shortvideo", "x"]
EVENTS = ["subscribe", "unsubscribe", "CLICK", "SCAN", "VIEW", "LOCATION", "TEMPLATESENDJOBFINISH"]

xml_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=60,
)
names = st.one_of(
    st.sampled_from(FIELD_NAMES), st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,12}", fullmatch=True)
)


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


@st.composite
def message_xml(draw, sender: str) -> str:
    """A message that may or may not be one WeChat would send: half are well formed (a
    text, a photo, a location, an event, with drawn contents), the others have drawn
    fields, nesting and values. The sender is drawn so that we know whom it claims to be."""
    if draw(st.booleans()):
        msg_type = draw(st.sampled_from(["text", "text", "image", "location", "event", "voice"]))
        fields = {
            "text": {"Content": draw(xml_text)},
            "image": {"PicUrl": "http://mmbiz.qpic.cn/x.jpg", "MediaId": "m" + sender},
            "voice": {"MediaId": "v" + sender, "Format": "amr", "Recognition": draw(xml_text)},
            "location": {
                "Location_X": str(draw(st.floats(-90, 90).map(lambda f: round(f, 6)))),
                "Location_Y": str(draw(st.floats(-180, 180).map(lambda f: round(f, 6)))),
                "Label": draw(xml_text),
            },
            "event": {
                "Event": draw(st.sampled_from(EVENTS)),
                "EventKey": draw(
                    st.sampled_from(["", "qrscene_demo:1", "REPORT_REPAIR", "demo:9"])
                ),
            },
        }[msg_type]
        parts = [
            f"<ToUserName>{_cdata('gh_fuzz')}</ToUserName>",
            f"<FromUserName>{_cdata(sender)}</FromUserName>",
            f"<CreateTime>{NOW}</CreateTime>",
            f"<MsgType>{_cdata(msg_type)}</MsgType>",
            *(f"<{k}>{_cdata(v)}</{k}>" for k, v in fields.items()),
        ]
        if msg_type != "event":
            parts.append(f"<MsgId>{draw(st.integers(1, 10**19))}</MsgId>")
        return "<xml>" + "".join(parts) + "</xml>"
    fields: list[str] = [f"<FromUserName>{_cdata(sender)}</FromUserName>"]
    msg_type = draw(st.one_of(st.sampled_from(MSG_TYPES), xml_text))
    if draw(st.booleans()):
        fields.append(f"<MsgType>{_cdata(msg_type)}</MsgType>")
    if msg_type == "event":
        fields.append(f"<Event>{_cdata(draw(st.sampled_from(EVENTS)))}</Event>")
    if draw(st.booleans()):
        fields.append(f"<MsgId>{draw(st.integers(0, 10**22))}</MsgId>")
    fields.append(f"<CreateTime>{draw(st.integers(0, 10**13))}</CreateTime>")
    for _ in range(draw(st.integers(0, 5))):
        name = draw(names)
        value = draw(
            st.one_of(
                xml_text.map(_cdata),
                st.integers().map(str),
                st.floats(allow_nan=True).map(str),
                st.integers(1, 12).map(lambda d: "<a>" * d + "x" + "</a>" * d),
                st.just("x" * 30000),
            )
        )
        fields.append(f"<{name}>{value}</{name}>")
    return "<xml>" + "".join(draw(st.permutations(fields))) + "</xml>"


raw_bodies = st.one_of(
    st.binary(max_size=300),
    st.integers(1, 4000).map(lambda d: b"<xml>" + b"<a>" * d + b"</xml>"),
    st.just(b"<!DOCTYPE x [<!ENTITY a 'b'>]><xml><Content>&a;</Content></xml>"),
    xml_text.map(lambda t: t.encode("utf-8")),
)
# (aiohttp itself answers 400 to a request line over 8,190 bytes, before any handler)
query_values = st.one_of(
    xml_text, st.integers().map(str), st.just("9" * 2000), st.just("aes"), st.just("")
)


Request = tuple[str, str, object, dict[str, str], bytes]


@st.composite
def requests(draw) -> Request:
    """What to send, drawn: (how, sender, xml or skew, query, body). The signing and sealing
    happen in the test (they use randomness of their own), from this description."""
    how = draw(
        st.sampled_from(
            ["random", "plain", "sealed", "other_key", "stale", "forged_body", "get", "get_signed"]
        )
    )
    if how == "random":
        keys = ["timestamp", "nonce", "signature", "msg_signature", "encrypt_type", "openid"]
        query = draw(st.dictionaries(st.sampled_from(keys), query_values, max_size=6))
        return how, "", None, query, draw(raw_bodies)
    if how == "get":
        keys = ["echostr", "timestamp", "nonce", "signature", "msg_signature"]
        query = draw(st.dictionaries(st.sampled_from(keys), query_values, max_size=5))
        return how, "", None, query, b""
    if how == "get_signed":
        return how, "", draw(xml_text) or "e", {}, b""
    sender = draw(st.from_regex(r"o[A-Za-z0-9_-]{5,27}", fullmatch=True))
    xml = draw(message_xml(sender))
    if how == "stale":
        skew = draw(st.one_of(st.integers(301, 10**6), st.integers(-(10**6), -301)))
        return how, sender, (xml, skew, draw(st.booleans())), {}, b""
    if how == "plain":
        return how, sender, (xml, draw(st.integers(-299, 299)), False), {}, b""
    return how, sender, (xml, 0, True), {}, draw(raw_bodies)


def build(request: Request) -> tuple[str, dict[str, str], bytes, bool]:
    """(method, query, body, signed): ``signed`` when it was signed with our token (and,
    when encrypted, sealed with our key) at a fresh time."""
    how, _sender, detail, query, body = request
    if how == "random":
        return "POST", query, body, False
    if how == "get":
        return "GET", query, b"", False
    if how == "get_signed":
        return "GET", verification_request(TOKEN, str(detail), timestamp=NOW), b"", False
    xml, skew, encrypted = detail  # type: ignore[misc]
    key = {"other_key": OTHER_KEY}.get(how, AES_KEY if encrypted else None)
    query, sealed = callback_request(xml, TOKEN, aes_key=key, app_id=APP_ID, timestamp=NOW + skew)
    if how == "forged_body":  # a real query of a sealed message, and another body
        return "POST", query, body or xml.encode(), False
    return "POST", query, sealed, how in ("plain", "sealed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("mode", ["safe", "compatible", "plain"])
def test_fuzz_the_callback(mode, tmp_path, config, caplog):
    clock = FakeClock(START)
    previous = set_clock(clock)
    wechat_config = config.wechat.model_copy(update={"encryption": mode})
    cfg = config.model_copy(update={"wechat": wechat_config})
    settings = Settings(
        DATABASE_URL=f"sqlite://{tmp_path}/fuzz.db",
        WECHAT_TOKEN=TOKEN,
        WECHAT_APP_ID=APP_ID,
        WECHAT_APP_SECRET="secret",
        WECHAT_AES_KEY=AES_KEY,
        WECHAT_API_URL="http://127.0.0.1:9",  # nothing listens: downloads fail politely
        GUANJIA_MEDIA_DIR=str(tmp_path / "media"),
    )
    port = _free_port()
    url = f"http://127.0.0.1:{port}/wechat"
    answers: dict[int, int] = {}
    signed_senders: set[str] = set()
    caplog.set_level(logging.INFO)

    async def main() -> set[str]:
        await open_db(settings.database_url, create=True)
        await sync_config(cfg)
        channel = WeChatChannel(settings, cfg, token_store=MemoryTokenStore(), timeout=0.5)
        app = web.Application()
        channel.add_routes(app)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        await channel.start()
        session = aiohttp.ClientSession()
        loop = asyncio.get_running_loop()

        async def one(method: str, query: dict[str, str], body: bytes) -> int:
            async with session.request(method, url, params=query, data=body) as r:
                await r.read()
                return r.status

        @hypothesis.settings(
            max_examples=300,
            deadline=None,
            suppress_health_check=list(hypothesis.HealthCheck),
            derandomize=True,
            database=None,
        )
        @hypothesis.given(requests())
        def attempt(request: Request) -> None:
            method, query, body, signed = build(request)
            status = asyncio.run_coroutine_threadsafe(one(method, query, body), loop).result()
            answers[status] = answers.get(status, 0) + 1
            assert status in (200, 400, 403), (status, method, query)
            if status == 200 and method == "POST":
                assert signed, (query, body[:200])
                signed_senders.add(request[1])
            if mode == "safe" and method == "POST" and "encrypt_type" not in query:
                assert status == 403

        try:
            await asyncio.to_thread(attempt)  # hypothesis drives; the requests run here
            assert await channel.drain(30)
            return set(await InboundMessage.all().values_list("sender_id", flat=True))
        finally:
            await session.close()
            await channel.stop()
            await runner.cleanup()
            await close_db()

    try:
        stored = asyncio.run(main())
    finally:
        set_clock(previous)
    assert stored <= signed_senders, stored - signed_senders
    assert answers.get(200) and answers.get(403) and answers.get(400), answers
    with_traceback = [r.getMessage() for r in caplog.records if r.exc_info]
    assert not with_traceback, with_traceback
    assert "Traceback" not in caplog.text
    assert "unexpected" not in caplog.text
