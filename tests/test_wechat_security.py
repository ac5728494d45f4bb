"""Issue 17, the callback's security: safe mode takes only encrypted callbacks; signatures
are checked before anything reads the body; one bad callback is refused alone; forgeries are
403, malformed bodies 400, and the log never quotes what a refused request carried.

The requests are made by the fake's own signing and encryption (``tests.fakes.wechat_api``),
written from WeChat's documented algorithm independently of ``bot.channels.wechat_crypto``."""

from __future__ import annotations

import asyncio
import base64
import logging

import pytest

from bot.channels import wechat_crypto
from bot.channels.wechat_crypto import BadRequest, Forbidden, check_fields, open_post, parse
from models.tables import InboundMessage, Ticket, TicketEvent
from tests import test_wechat_e2e as e2e
from tests.fakes.wechat_api import callback_request, text_xml
from tests.test_wechat_e2e import AES_KEY, RESIDENT, STEWARD_OPENID, TOKEN, bind_unit

world = e2e.world

APP_ID = "wx_fake_app_id"
NOW = 1_795_400_000
OTHER_KEY = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut"


def nested(depth: int) -> bytes:
    return b"<xml>" + b"<a>" * depth + b"x" + b"</a>" * depth + b"</xml>"


# -- the modes -------------------------------------------------------------------------------
def test_safe_mode_takes_only_encrypted_callbacks():
    xml = text_xml(STEWARD_OPENID, "/note 0003 假的备注", create_time=NOW)
    plain_q, plain_body = callback_request(xml, TOKEN, timestamp=NOW)
    sealed_q, sealed_body = callback_request(xml, TOKEN, aes_key=AES_KEY, timestamp=NOW)
    with pytest.raises(Forbidden, match="safe mode"):
        open_post(plain_q, plain_body, TOKEN, AES_KEY, APP_ID, NOW, mode="safe")
    assert open_post(sealed_q, sealed_body, TOKEN, AES_KEY, APP_ID, NOW, mode="safe") == (xml, True)
    # compatible: both, the explicit choice while switching over
    assert open_post(plain_q, plain_body, TOKEN, AES_KEY, APP_ID, NOW, mode="compatible")[0] == xml
    assert open_post(sealed_q, sealed_body, TOKEN, AES_KEY, APP_ID, NOW, mode="compatible")[1]
    # plain: plain ones, and encrypted ones when the key is there
    assert open_post(plain_q, plain_body, TOKEN, None, APP_ID, NOW, mode="plain") == (xml, False)
    assert open_post(sealed_q, sealed_body, TOKEN, AES_KEY, APP_ID, NOW, mode="plain")[1]
    with pytest.raises(Forbidden):
        open_post(sealed_q, sealed_body, TOKEN, None, APP_ID, NOW, mode="plain")
    # with a key and no mode given, the function itself defaults to safe
    with pytest.raises(Forbidden):
        open_post(plain_q, plain_body, TOKEN, AES_KEY, APP_ID, NOW)


def test_compatible_mode_reads_the_envelope_not_the_clear_copy_next_to_it():
    """兼容模式 puts the message in clear next to <Encrypt>: only the signed envelope counts."""
    real = text_xml(RESIDENT, "客厅的灯不亮了", create_time=NOW)
    q, body = callback_request(real, TOKEN, aes_key=AES_KEY, timestamp=NOW)
    forged = body.replace(
        b"<Encrypt>",
        b"<FromUserName>oSteward_wang</FromUserName><Content>/close 0003</Content><Encrypt>",
    )
    xml_text, encrypted = open_post(q, forged, TOKEN, AES_KEY, APP_ID, NOW, mode="compatible")
    assert encrypted and parse(xml_text)["FromUserName"] == RESIDENT
    # two envelopes: which one is signed is not for us to guess
    twice = body.replace(b"</xml>", body[body.index(b"<Encrypt>") :])
    with pytest.raises(Forbidden, match="single"):
        open_post(q, twice, TOKEN, AES_KEY, APP_ID, NOW, mode="safe")


def test_signatures_are_checked_before_the_body_is_parsed(monkeypatch):
    def no_parsing(*_a, **_k):
        raise AssertionError("the body of an unsigned request was parsed")

    monkeypatch.setattr(wechat_crypto.expat, "ParserCreate", no_parsing)
    deep = nested(3000)  # 35 KB of nesting, as in the fuzz run of the issue
    unsigned = {"timestamp": str(NOW), "nonce": "1", "signature": "0" * 40}
    for mode in ("safe", "compatible", "plain"):
        with pytest.raises(Forbidden):
            open_post(unsigned, deep, TOKEN, AES_KEY, APP_ID, NOW, mode=mode)
        encrypted = {**unsigned, "encrypt_type": "aes", "msg_signature": "0" * 40}
        with pytest.raises(Forbidden):
            open_post(encrypted, deep, TOKEN, AES_KEY, APP_ID, NOW, mode=mode)
        with pytest.raises(Forbidden):
            open_post({**encrypted, "msg_signature": ""}, deep, TOKEN, AES_KEY, APP_ID, NOW)


def test_deep_nesting_and_too_many_elements_are_bad_requests():
    for body in (nested(3000), nested(9), b"<xml>" + b"<a>1</a>" * 1001 + b"</xml>"):
        with pytest.raises(BadRequest):
            parse(body)
    assert parse(nested(6))["a"]["a"]["a"]["a"]["a"]["a"] == "x"


def test_an_envelope_sealed_with_another_key_is_a_forgery_and_says_nothing_of_itself():
    secret = "SECRET-CONTENT-厨房" * 40
    xml = text_xml(RESIDENT, secret, create_time=NOW)
    q, body = callback_request(xml, TOKEN, aes_key=OTHER_KEY, timestamp=NOW)
    with pytest.raises(Forbidden) as info:
        open_post(q, body, TOKEN, AES_KEY, APP_ID, NOW)
    assert len(info.value.reason) < 120 and "SECRET" not in info.value.reason
    assert "\\x" not in info.value.reason and info.value.__cause__ is None
    # another app's envelope (our key, their app id): the same
    q, body = callback_request(xml, TOKEN, aes_key=AES_KEY, app_id="wx_other", timestamp=NOW)
    with pytest.raises(Forbidden, match="app id"):
        open_post(q, body, TOKEN, AES_KEY, APP_ID, NOW)
    # ciphertext that is not whole blocks, or not base64 (signed all the same)
    for encrypt in ("QUJD", "A" * 44 + "==", "not base64 at all"):
        signature = wechat_crypto.sign(TOKEN, str(NOW), "7", encrypt)
        query = {"timestamp": str(NOW), "nonce": "7", "encrypt_type": "aes"}
        envelope = f"<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>".encode()
        with pytest.raises(Forbidden):
            open_post({**query, "msg_signature": signature}, envelope, TOKEN, AES_KEY, APP_ID, NOW)


@pytest.mark.parametrize(
    "timestamp", ["", "１７９５４０００００", "²", "9" * 5000, "-1", "1795400000.5", " 1795400000"]
)
def test_odd_timestamps_are_forbidden(timestamp):
    q, body = callback_request(text_xml(RESIDENT, "x"), TOKEN, aes_key=AES_KEY, timestamp=NOW)
    with pytest.raises(Forbidden):
        open_post({**q, "timestamp": timestamp}, body, TOKEN, AES_KEY, APP_ID, NOW)


def test_fields_are_checked_one_message_at_a_time():
    good = {"FromUserName": "o" + "A" * 27, "MsgType": "text", "MsgId": "1" * 19, "Content": "好"}
    assert check_fields(dict(good)) == good
    bad = [
        {**good, "FromUserName": "o" * 201},  # the openid of 201 characters
        {**good, "FromUserName": "o../../etc"},
        {**good, "FromUserName": {"a": "b"}},
        {**good, "MsgType": ""},
        {**good, "MsgId": "12ab"},
        {**good, "MsgId": "9" * 21},
        {**good, "Content": "长" * 20001},
        {**good, "CreateTime": "17e9"},
        {**good, "Location_X": "north"},
        {**good, "MediaId": "id with spaces"},
        {**good, "Unknown": "x" * 5000},
        {**good, "Nested": {"a": ["x" * 3000, "y" * 3000]}},
        {**good, **{f"F{i}": "" for i in range(64)}},
    ]
    for fields in bad:
        with pytest.raises(BadRequest) as info:
            check_fields(fields)
        assert "ooo" not in info.value.reason and "长长" not in info.value.reason


# -- through the running callback -------------------------------------------------------------
async def test_a_replayed_query_with_a_forged_body_is_refused_in_safe_mode(world):
    """The attack of the issue: a captured query string (its plain ``signature`` is valid for
    five minutes) with a forged body in the name of a steward."""
    w = world
    await bind_unit(w)
    since = await w.say(text_xml(RESIDENT, "卫生间水龙头一直滴水"))
    await w.to_resident(since, "工单")
    ticket = await Ticket.get()
    stored = await InboundMessage.all().count()
    captured, _ = callback_request(
        text_xml(RESIDENT, "谢谢"), TOKEN, aes_key=AES_KEY, timestamp=w.epoch()
    )
    forged = text_xml(STEWARD_OPENID, f"/note {ticket.number[-4:]} 业主已同意不再处理")
    plain_query = {k: captured[k] for k in ("signature", "timestamp", "nonce")}
    assert (await w.post(forged, query=plain_query, body=forged.encode()))[0] == 403
    # the whole query, with a forged clear body and no envelope
    assert (await w.post(forged, query=captured, body=forged.encode()))[0] == 403
    # the whole query, with an envelope the forger made with our key (they do not have it)
    _, other = callback_request(forged, TOKEN, aes_key=OTHER_KEY, timestamp=w.epoch())
    assert (await w.post(forged, query=captured, body=other))[0] == 403
    await w.settle()
    assert await InboundMessage.all().count() == stored
    assert not await TicketEvent.filter(ticket_id=ticket.id, kind="note").exists()


async def test_an_envelope_with_another_key_is_403_and_the_log_says_nothing_of_it(world, caplog):
    w = world
    secret = "SECRET-CONTENT-漏水" * 60  # about 1 KB decrypted
    q, body = callback_request(
        text_xml(RESIDENT, secret), TOKEN, aes_key=OTHER_KEY, timestamp=w.epoch()
    )
    with caplog.at_level(logging.DEBUG):
        assert (await w.post("", query=q, body=body))[0] == 403
    assert "refused with 403" in caplog.text
    assert "SECRET" not in caplog.text and "\\x" not in caplog.text
    assert not [r for r in caplog.records if r.exc_info]
    assert await InboundMessage.all().count() == 0


async def test_one_bad_callback_is_refused_alone(world, monkeypatch):
    """Five callbacks at once, one with a 201-character openid: four are stored and answered,
    the bad one gets 400. And should the database still refuse one message of a batch, the
    others of the batch are stored one by one."""
    w = world
    good = [text_xml(f"oNeighbour{i}", "客厅的灯不亮了") for i in range(4)]
    bad = text_xml("o" * 201, "客厅的灯不亮了")
    answers = await asyncio.gather(*(w.post(x) for x in [*good[:2], bad, *good[2:]]))
    assert [a[0] for a in answers] == [200, 200, 400, 200, 200]
    await w.settle()
    assert await InboundMessage.all().count() == 4

    import bot.channels.wechat as adapter

    real = adapter._store_many

    async def picky(items):
        if any(fields.get("Content") == "poison" for _, fields in items):
            raise RuntimeError("the database refused one row")
        return await real(items)

    monkeypatch.setattr(adapter, "_store_many", picky)
    batch = [text_xml(f"oBatch{i}", "poison" if i == 2 else "你好") for i in range(5)]
    answers = await asyncio.gather(*(w.post(x) for x in batch))
    assert sorted(a[0] for a in answers) == [200, 200, 200, 200, 503]
    assert answers[2][0] == 503
    await w.settle()
    assert await InboundMessage.filter(sender_id__startswith="oBatch").count() == 4


async def test_verification_get_with_odd_queries_never_fails(world):
    w = world
    for query in (
        {},
        {"echostr": "x"},
        {"echostr": "x", "timestamp": "9" * 5000, "signature": "a"},
        {"echostr": "x" * 5000, "timestamp": str(w.epoch()), "nonce": "1", "signature": "0"},
        {"echostr": base64.b64encode(b"0" * 64).decode(), "msg_signature": "z" * 40},
    ):
        async with w.session.get(w.url, params=query) as r:
            assert r.status in (400, 403)


@pytest.mark.parametrize(
    ("mode", "key", "said", "level"),
    [
        ("safe", AES_KEY, "safe mode (安全模式): only encrypted callbacks", logging.INFO),
        ("compatible", AES_KEY, "compatible mode (兼容模式", logging.WARNING),
        ("plain", None, "plain mode (明文模式", logging.WARNING),
        ("safe", None, "WECHAT_AES_KEY is not set", logging.ERROR),
        ("compatible", "too-short", "not an EncodingAESKey", logging.ERROR),
    ],
)
async def test_the_mode_is_said_at_start_and_safe_mode_needs_its_key(
    db, config, caplog, tmp_path, mode, key, said, level
):
    from aiohttp.test_utils import make_mocked_request

    from bot.channels.wechat import WeChatChannel
    from bot.channels.wechat_api import MemoryTokenStore
    from bot.settings import Settings

    cfg = config.model_copy(
        update={"wechat": config.wechat.model_copy(update={"encryption": mode})}
    )
    settings = Settings(
        WECHAT_TOKEN=TOKEN,
        WECHAT_APP_ID="wx",
        WECHAT_APP_SECRET="s",
        WECHAT_AES_KEY=key,
        GUANJIA_MEDIA_DIR=str(tmp_path),
    )
    channel = WeChatChannel(settings, cfg, token_store=MemoryTokenStore())
    with caplog.at_level(logging.INFO):
        await channel.start()
    try:
        assert [r.levelno for r in caplog.records if said in r.getMessage()] == [level]
        assert key is None or key not in caplog.text
        if level == logging.ERROR:  # nothing can be authenticated: WeChat will try again
            answer = await channel.callback(make_mocked_request("POST", "/wechat"))
            assert answer.status == 503
    finally:
        await channel.stop()
