"""WeChat callback security against the published sample vectors.

The vectors are those of WeChat's WXBizMsgCrypt sample as used in wechatpy's own test suite
(wechatpy/wechatpy tests/test_crypto.py and tests/test_utils.py): token "123456",
EncodingAESKey "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", app id "wx49f0ab532d5d035a";
plain signature: token "test", timestamp "1410685589", nonce "test".
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import wechatpy.crypto.base

from bot.channels.wechat_crypto import (
    BadRequest,
    Forbidden,
    open_post,
    parse,
    seal_reply,
    sign,
    verify_get,
)

TOKEN = "123456"
AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
APP_ID = "wx49f0ab532d5d035a"

# Plain signature vector (wechatpy tests/test_utils.py).
PLAIN_TOKEN, PLAIN_SIGNATURE, PLAIN_TIMESTAMP, PLAIN_NONCE = (
    "test",
    "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff",
    "1410685589",
    "test",
)

# Encrypted echostr vector (test_check_signature_should_ok).
ECHO_SIGNATURE = "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96"
ECHO_TIMESTAMP = "1411443780"
ECHO_NONCE = "437374425"
ECHO_STR = (
    "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="
)

# Encrypted message vector (test_decrypt_message).
MSG_BODY = b"""<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>
<Encrypt><![CDATA[RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=]]></Encrypt>
<AgentID><![CDATA[1]]></AgentID>
</xml>"""
MSG_SIGNATURE = "74d92dfeb87ba7c714f89d98870ae5eb62dff26d"
MSG_TIMESTAMP = "1411525903"
MSG_NONCE = "461056294"

# Encrypted reply vector (test_encrypt_message, random prefix "1234567890123456").
REPLY_XML = """<xml>
<MsgType><![CDATA[text]]></MsgType>
<Content><![CDATA[test]]></Content>
<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>
<ToUserName><![CDATA[messense]]></ToUserName>
<AgentID>1</AgentID>
<CreateTime>1411525903</CreateTime>
</xml>"""
SEALED_REPLY = """<xml>
<Encrypt><![CDATA[9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3]]></Encrypt>
<MsgSignature><![CDATA[407518b7649e86ef23978113f92d27afa9296533]]></MsgSignature>
<TimeStamp>1411525903</TimeStamp>
<Nonce><![CDATA[461056294]]></Nonce>
</xml>"""

PLAIN_TEXT_MSG = """<xml>
<ToUserName><![CDATA[gh_123]]></ToUserName>
<FromUserName><![CDATA[oResident1]]></FromUserName>
<CreateTime>1410685589</CreateTime>
<MsgType><![CDATA[text]]></MsgType>
<Content><![CDATA[3号楼 1201 厨房漏水 <急>]]></Content>
<MsgId>1234567890123456</MsgId>
</xml>"""


def plain_query(**extra: str) -> dict[str, str]:
    return {
        "signature": PLAIN_SIGNATURE,
        "timestamp": PLAIN_TIMESTAMP,
        "nonce": PLAIN_NONCE,
        **extra,
    }


def msg_query(**extra: str) -> dict[str, str]:
    return {
        "timestamp": MSG_TIMESTAMP,
        "nonce": MSG_NONCE,
        "encrypt_type": "aes",
        "msg_signature": MSG_SIGNATURE,
        **extra,
    }


def test_sign_matches_official_plain_vector():
    assert sign(PLAIN_TOKEN, PLAIN_TIMESTAMP, PLAIN_NONCE) == PLAIN_SIGNATURE
    assert sign(TOKEN, ECHO_TIMESTAMP, ECHO_NONCE, ECHO_STR) == ECHO_SIGNATURE


def test_verify_get_plain_returns_echostr():
    query = plain_query(echostr="hello-echo")
    assert verify_get(query, PLAIN_TOKEN, None, APP_ID, int(PLAIN_TIMESTAMP)) == "hello-echo"
    now = datetime.fromtimestamp(int(PLAIN_TIMESTAMP) + 299, UTC)  # injected datetime works too
    assert verify_get(query, PLAIN_TOKEN, None, APP_ID, now) == "hello-echo"


def test_verify_get_plain_forged_or_stale():
    forged = plain_query(echostr="x", signature="f21891de399b4e33a1a93c9a7b8a8fffb5a443fe")
    with pytest.raises(Forbidden):
        verify_get(forged, PLAIN_TOKEN, None, APP_ID, int(PLAIN_TIMESTAMP))
    with pytest.raises(Forbidden, match="timestamp"):
        verify_get(plain_query(echostr="x"), PLAIN_TOKEN, None, APP_ID, 1410685589 + 301)
    with pytest.raises(Forbidden):
        verify_get(plain_query(echostr="x"), "other-token", None, APP_ID, int(PLAIN_TIMESTAMP))


def test_verify_get_safe_mode_decrypts_official_echostr():
    query = {
        "msg_signature": ECHO_SIGNATURE,
        "timestamp": ECHO_TIMESTAMP,
        "nonce": ECHO_NONCE,
        "echostr": ECHO_STR,
    }
    assert verify_get(query, TOKEN, AES_KEY, APP_ID, int(ECHO_TIMESTAMP)) == "5927782489442352469"
    # The sample's wrong-nonce case must fail.
    with pytest.raises(Forbidden):
        verify_get({**query, "nonce": "437374424"}, TOKEN, AES_KEY, APP_ID, int(ECHO_TIMESTAMP))
    # The envelope carries the app id: another app's key holder cannot replay it to us.
    with pytest.raises(Forbidden, match="app id"):
        verify_get(query, TOKEN, AES_KEY, "wx-another-app", int(ECHO_TIMESTAMP))


def test_open_post_plain():
    body = PLAIN_TEXT_MSG.encode()
    xml_text, encrypted = open_post(plain_query(), body, PLAIN_TOKEN, None, APP_ID, 1410685600)
    assert encrypted is False
    assert xml_text == PLAIN_TEXT_MSG
    fields = parse(xml_text)
    assert fields["Content"] == "3号楼 1201 厨房漏水 <急>"
    assert fields["MsgId"] == "1234567890123456"


def test_open_post_decrypts_official_envelope():
    now = int(MSG_TIMESTAMP) + 5
    xml_text, encrypted = open_post(msg_query(), MSG_BODY, TOKEN, AES_KEY, APP_ID, now)
    assert encrypted is True
    fields = parse(xml_text)
    assert fields["Content"] == "test"
    assert fields["FromUserName"] == "messense"
    assert fields["MsgType"] == "text"


def test_open_post_forged_signatures():
    now = int(MSG_TIMESTAMP)
    forged = msg_query(msg_signature="74d92dfeb87ba7c714f89d98870ae5eb62dff26e")
    with pytest.raises(Forbidden):
        open_post(forged, MSG_BODY, TOKEN, AES_KEY, APP_ID, now)
    with pytest.raises(Forbidden):
        open_post(msg_query(msg_signature=""), MSG_BODY, TOKEN, AES_KEY, APP_ID, now)
    # The signature covers the ciphertext: tampering with it is caught before decryption.
    tampered = MSG_BODY.replace(b"RgqEoJj5", b"RgqEoJj6")
    with pytest.raises(Forbidden):
        open_post(msg_query(), tampered, TOKEN, AES_KEY, APP_ID, now)
    # A plain-mode POST with a wrong signature.
    with pytest.raises(Forbidden):
        open_post(
            plain_query(signature="0" * 40),
            PLAIN_TEXT_MSG.encode(),
            PLAIN_TOKEN,
            None,
            APP_ID,
            int(PLAIN_TIMESTAMP),
        )
    # A correct signature for the plain part but a bad one for the safe part.
    with pytest.raises(Forbidden):
        open_post(msg_query(signature="0" * 40), MSG_BODY, TOKEN, AES_KEY, APP_ID, now)


def test_open_post_stale_or_future_timestamp():
    for now in (int(MSG_TIMESTAMP) + 301, int(MSG_TIMESTAMP) - 301):
        with pytest.raises(Forbidden, match="timestamp"):
            open_post(msg_query(), MSG_BODY, TOKEN, AES_KEY, APP_ID, now)
    with pytest.raises(Forbidden, match="timestamp"):
        open_post(
            plain_query(),
            PLAIN_TEXT_MSG.encode(),
            PLAIN_TOKEN,
            None,
            APP_ID,
            datetime(2026, 1, 1, tzinfo=UTC),
        )


def test_open_post_malformed_bodies_are_bad_requests():
    now = int(PLAIN_TIMESTAMP)
    for body in (
        b"",
        b"<xml><Content>unclosed</xml>",
        b"not xml at all",
        b"\xff\xfe\x00garbage",
        b"<root><a>1</a></root>",
    ):
        with pytest.raises(BadRequest):  # signed (plain mode): read, and unreadable
            parse(open_post(plain_query(), body, PLAIN_TOKEN, None, APP_ID, now)[0])
    # Safe mode with a body that has no <Encrypt>: nothing is signed, nothing is read.
    with pytest.raises(Forbidden):
        open_post(msg_query(), b"<xml><A>1</A></xml>", TOKEN, AES_KEY, APP_ID, int(MSG_TIMESTAMP))


def test_xml_bomb_and_external_entities_are_refused():
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<xml><Content>&lol3;</Content></xml>"""
    xxe = b"""<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xml><Content>&xxe;</Content></xml>"""
    bare_doctype = b'<!DOCTYPE xml SYSTEM "http://127.0.0.1/x.dtd"><xml><A>1</A></xml>'
    for body in (bomb, xxe, bare_doctype):
        now = int(PLAIN_TIMESTAMP)
        xml_text, _ = open_post(plain_query(), body, PLAIN_TOKEN, None, APP_ID, now)
        with pytest.raises(BadRequest, match="DOCTYPE"):
            parse(xml_text)
        with pytest.raises(BadRequest):
            parse(body)
    # Also when a UTF-16 document tries to hide its DOCTYPE from a byte search.
    with pytest.raises(BadRequest):
        parse(xxe.decode().replace('"1.0"?', '"1.0" encoding="utf-16"?').encode("utf-16"))


def test_parse_message_kinds():
    image = parse(
        "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oU]]></FromUserName>"
        "<CreateTime>1</CreateTime><MsgType><![CDATA[image]]></MsgType>"
        "<PicUrl><![CDATA[http://mmbiz/x.jpg]]></PicUrl><MediaId><![CDATA[m1]]></MediaId>"
        "<MsgId>99</MsgId></xml>"
    )
    assert (image["MsgType"], image["PicUrl"], image["MediaId"]) == (
        "image",
        "http://mmbiz/x.jpg",
        "m1",
    )
    voice = parse(
        "<xml><MsgType>voice</MsgType><MediaId>v1</MediaId><Format>amr</Format>"
        "<Recognition><![CDATA[电梯坏了]]></Recognition></xml>"
    )
    assert (voice["Format"], voice["Recognition"]) == ("amr", "电梯坏了")
    location = parse(
        "<xml><MsgType>location</MsgType><Location_X>31.23</Location_X>"
        "<Location_Y>121.47</Location_Y><Scale>15</Scale><Label>幸福小区</Label></xml>"
    )
    assert (location["Location_X"], location["Location_Y"], location["Label"]) == (
        "31.23",
        "121.47",
        "幸福小区",
    )
    event = parse(
        "<xml><MsgType>event</MsgType><Event>subscribe</Event>"
        "<EventKey>qrscene_B3-1201</EventKey><Ticket>TK</Ticket></xml>"
    )
    assert (event["Event"], event["EventKey"], event["Ticket"]) == (
        "subscribe",
        "qrscene_B3-1201",
        "TK",
    )
    menu = parse(
        "<xml><Event>scancode_waitmsg</Event><ScanCodeInfo><ScanType>qrcode</ScanType>"
        "<ScanResult>R</ScanResult></ScanCodeInfo><SendPicsInfo><Count>2</Count><PicList>"
        "<item><PicMd5Sum>a</PicMd5Sum></item><item><PicMd5Sum>b</PicMd5Sum></item>"
        "</PicList></SendPicsInfo><Empty></Empty></xml>"
    )
    assert menu["ScanCodeInfo"] == {"ScanType": "qrcode", "ScanResult": "R"}
    assert menu["SendPicsInfo"]["PicList"]["item"] == [{"PicMd5Sum": "a"}, {"PicMd5Sum": "b"}]
    assert menu["Empty"] == ""


def test_seal_reply_matches_official_vector(monkeypatch):
    monkeypatch.setattr(
        wechatpy.crypto.base.BasePrpCrypto, "get_random_string", lambda self: "1234567890123456"
    )
    sealed = seal_reply(REPLY_XML, True, TOKEN, AES_KEY, APP_ID, MSG_NONCE, int(MSG_TIMESTAMP))
    assert sealed == SEALED_REPLY


def test_seal_reply_round_trips_and_plain_is_unchanged():
    assert seal_reply(REPLY_XML, False, TOKEN, AES_KEY, APP_ID, "n", 1) == REPLY_XML
    sealed = seal_reply(REPLY_XML, True, TOKEN, AES_KEY, APP_ID, "nonce7", 1700000000)
    envelope = parse(sealed)
    assert envelope["TimeStamp"] == "1700000000" and envelope["Nonce"] == "nonce7"
    assert envelope["MsgSignature"] == sign(TOKEN, "1700000000", "nonce7", envelope["Encrypt"])
    query = {
        "timestamp": "1700000000",
        "nonce": "nonce7",
        "encrypt_type": "aes",
        "msg_signature": envelope["MsgSignature"],
    }
    xml_text, encrypted = open_post(query, sealed.encode(), TOKEN, AES_KEY, APP_ID, 1700000000)
    assert encrypted and xml_text == REPLY_XML


def test_fake_callback_requests_pass_our_checks():
    from tests.fakes.wechat_api import (
        callback_request,
        event_xml,
        image_xml,
        text_xml,
        verification_request,
    )

    now = 1_790_000_000
    xml = text_xml("oResident", "电梯停了 ]]> <b>", create_time=now, msg_id=42)
    query, body = callback_request(xml, TOKEN, timestamp=now, openid="oResident")
    with pytest.raises(Forbidden, match="safe mode"):  # a key: safe mode unless told
        open_post(query, body, TOKEN, AES_KEY, APP_ID, now)
    xml_text, encrypted = open_post(query, body, TOKEN, AES_KEY, APP_ID, now, mode="compatible")
    assert not encrypted
    fields = parse(xml_text)
    assert fields["Content"] == "电梯停了 ]]> <b>" and fields["MsgId"] == "42"
    assert fields["FromUserName"] == "oResident" and fields["CreateTime"] == str(now)

    query, body = callback_request(
        image_xml("oResident", "MEDIA9"), TOKEN, aes_key=AES_KEY, app_id=APP_ID, timestamp=now
    )
    assert query["encrypt_type"] == "aes" and b"MEDIA9" not in body
    xml_text, encrypted = open_post(query, body, TOKEN, AES_KEY, APP_ID, now + 10)
    assert encrypted and parse(xml_text)["MediaId"] == "MEDIA9"
    with pytest.raises(Forbidden):  # signed with another token
        open_post(query, body, "not-our-token", AES_KEY, APP_ID, now)

    event = parse(event_xml("oNew", "subscribe", "qrscene_B3-1201"))
    assert event["MsgType"] == "event" and "MsgId" not in event

    verification = verification_request(TOKEN, "echo-42", timestamp=now)
    assert verify_get(verification, TOKEN, AES_KEY, APP_ID, now) == "echo-42"
