"""Security of the WeChat Official Account callback: signatures, replay window, AES envelope,
safe XML parsing, and sealing passive replies.

WeChat calls our callback URL with ``timestamp``, ``nonce`` and

* plain mode: ``signature = sha1(sorted([token, timestamp, nonce]))``;
* safe mode (``encrypt_type=aes``): additionally ``msg_signature =
  sha1(sorted([token, timestamp, nonce, Encrypt]))`` where ``Encrypt`` is the base64 AES-CBC
  envelope in the XML body (random16 + len + xml + app_id, PKCS#7 to 32 bytes).

The AES part is done by ``wechatpy.crypto`` (PrpCrypto / WeChatCrypto); the signature checks
are ours so that they are constant-time and so that the time comes from an injected clock.
Everything that fails authentication raises :class:`Forbidden`; a body that cannot be read
raises :class:`BadRequest`. XML is parsed with expat directly, refusing any DOCTYPE or entity
declaration (no XML bombs, no external entities).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET
from xml.parsers import expat

from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_CLOCK_SKEW",
    "BadRequest",
    "CallbackError",
    "Forbidden",
    "open_post",
    "parse",
    "seal_reply",
    "sign",
    "verify_get",
]

MAX_CLOCK_SKEW = 300  # seconds either side of "now"
MAX_BODY_BYTES = 256 * 1024


class CallbackError(Exception):
    """A callback request we refuse; ``reason`` is for logs, never for the caller."""

    status = 400

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Forbidden(CallbackError):
    """Forged, stale or otherwise unauthenticated request (answer 403)."""

    status = 403


class BadRequest(CallbackError):
    """Authenticated (or not yet checkable) but unreadable body (answer 400)."""

    status = 400


def sign(*parts: str) -> str:
    """WeChat's signature: SHA-1 of the lexicographically sorted parts, concatenated."""
    return hashlib.sha1("".join(sorted(str(p) for p in parts)).encode()).hexdigest()


def _same(expected: str, given: str | None) -> bool:
    if not given:
        return False
    return hmac.compare_digest(expected.encode(), given.strip().lower().encode())


def _epoch(now: datetime | float | int) -> float:
    if isinstance(now, datetime):
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        return now.timestamp()
    return float(now)


def _check_timestamp(query: Mapping[str, str], now: datetime | float | int) -> str:
    timestamp = query.get("timestamp")
    if not timestamp or not str(timestamp).isdigit():
        raise Forbidden("missing or non-numeric timestamp")
    skew = int(timestamp) - _epoch(now)
    if abs(skew) > MAX_CLOCK_SKEW:
        raise Forbidden(f"timestamp {timestamp} is {skew:+.0f}s from now")
    return str(timestamp)


def _check_plain_signature(query: Mapping[str, str], token: str, timestamp: str) -> None:
    expected = sign(token, timestamp, query.get("nonce", ""))
    if not _same(expected, query.get("signature")):
        raise Forbidden("bad signature")


def _aes_key_bytes(aes_key: str) -> bytes:
    try:
        key = base64.b64decode(aes_key + "=", validate=True)
    except binascii.Error as exc:
        raise ValueError("EncodingAESKey is not base64") from exc
    if len(key) != 32:
        raise ValueError("EncodingAESKey must be 43 characters (32 bytes)")
    return key


def _decrypt(encrypted: str, aes_key: str, app_id: str) -> str:
    try:
        return PrpCrypto(_aes_key_bytes(aes_key)).decrypt(encrypted, app_id)
    except InvalidAppIdException as exc:
        raise Forbidden("envelope is for another app id") from exc
    except (binascii.Error, ValueError, IndexError, struct.error, UnicodeDecodeError) as exc:
        raise BadRequest(f"cannot decrypt envelope: {exc!r}") from exc


# ---------------------------------------------------------------------------- XML


def _forbid_declarations(*_args: Any) -> None:
    raise BadRequest("DOCTYPE/ENTITY declarations are not allowed")


def _tree(data: str | bytes) -> ET.Element:
    """Parse with expat, refusing DTDs and entities; the root must be <xml>."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_BODY_BYTES:
        raise BadRequest("body too large")
    if not data.strip():
        raise BadRequest("empty body")
    parser = expat.ParserCreate()
    builder = ET.TreeBuilder()
    parser.StartDoctypeDeclHandler = _forbid_declarations
    parser.EntityDeclHandler = _forbid_declarations
    parser.UnparsedEntityDeclHandler = _forbid_declarations
    parser.ExternalEntityRefHandler = _forbid_declarations
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
        root = builder.close()
    except expat.ExpatError as exc:
        raise BadRequest(f"malformed XML: {exc}") from exc
    except AssertionError as exc:  # TreeBuilder on an unbalanced document
        raise BadRequest("malformed XML") from exc
    if root.tag != "xml":
        raise BadRequest(f"root element is <{root.tag}>, not <xml>")
    return root


def _element_value(element: ET.Element) -> Any:
    children = list(element)
    if not children:
        return element.text or ""
    value: dict[str, Any] = {}
    for child in children:
        item = _element_value(child)
        if child.tag in value:
            if not isinstance(value[child.tag], list):
                value[child.tag] = [value[child.tag]]
            value[child.tag].append(item)
        else:
            value[child.tag] = item
    return value


def parse(xml_text: str | bytes) -> dict[str, Any]:
    """The fields of a callback message as a plain dict of strings (MsgType, MsgId,
    FromUserName, ToUserName, CreateTime, Content, PicUrl, MediaId, Format, Recognition,
    Location_X, Location_Y, Label, Event, EventKey, Ticket, ...). Nested elements (e.g.
    ScanCodeInfo, SendPicsInfo) become dicts; repeated ones lists. Raises BadRequest."""
    value = _element_value(_tree(xml_text))
    return value if isinstance(value, dict) else {}


# ---------------------------------------------------------------------------- callbacks


def verify_get(
    query: Mapping[str, str],
    token: str,
    aes_key: str | None,
    app_id: str,
    now: datetime | float | int,
) -> str:
    """URL verification (GET): returns the text to answer with. An Official Account signs
    ``signature`` over token+timestamp+nonce and expects ``echostr`` back verbatim; when the
    request carries ``msg_signature`` (safe mode, as WeCom does) it is checked over
    token+timestamp+nonce+echostr and the decrypted echostr is returned."""
    timestamp_raw = query.get("timestamp", "")
    echostr = query.get("echostr")
    if echostr is None:
        raise BadRequest("missing echostr")
    if query.get("msg_signature"):
        expected = sign(token, timestamp_raw, query.get("nonce", ""), echostr)
        if not _same(expected, query.get("msg_signature")):
            raise Forbidden("bad msg_signature")
        timestamp = _check_timestamp(query, now)
        if query.get("signature"):
            _check_plain_signature(query, token, timestamp)
        if not aes_key:
            raise BadRequest("encrypted echostr but no EncodingAESKey configured")
        return _decrypt(echostr, aes_key, app_id)
    _check_plain_signature(query, token, timestamp_raw)
    _check_timestamp(query, now)
    return echostr


def open_post(
    query: Mapping[str, str],
    body: bytes,
    token: str,
    aes_key: str | None,
    app_id: str,
    now: datetime | float | int,
) -> tuple[str, bool]:
    """Authenticate a callback POST and return ``(xml_text, encrypted)``: the message XML
    (decrypted in safe mode) and whether the reply must be sealed with :func:`seal_reply`."""
    encrypted = query.get("encrypt_type", "raw").lower() == "aes"
    if not encrypted:
        _check_plain_signature(query, token, query.get("timestamp", ""))
        _check_timestamp(query, now)
        xml_text = _decode(body)
        parse(xml_text)  # refuse what we could not read later
        return xml_text, False

    msg_signature = query.get("msg_signature")
    if not msg_signature:
        raise Forbidden("safe mode without msg_signature")
    envelope = parse(body)
    encrypt = envelope.get("Encrypt")
    if not isinstance(encrypt, str) or not encrypt:
        raise BadRequest("safe mode body without <Encrypt>")
    expected = sign(token, query.get("timestamp", ""), query.get("nonce", ""), encrypt)
    if not _same(expected, msg_signature):
        raise Forbidden("bad msg_signature")
    timestamp = _check_timestamp(query, now)
    if query.get("signature"):
        _check_plain_signature(query, token, timestamp)
    if not aes_key:
        raise BadRequest("encrypted callback but no EncodingAESKey configured")
    xml_text = _decrypt(encrypt, aes_key, app_id)
    parse(xml_text)
    return xml_text, True


def _decode(body: bytes) -> str:
    if len(body) > MAX_BODY_BYTES:
        raise BadRequest("body too large")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest("body is not UTF-8") from exc


def seal_reply(
    xml_reply: str,
    encrypted: bool,
    token: str,
    aes_key: str | None,
    app_id: str,
    nonce: str,
    timestamp: int | str,
) -> str:
    """A passive reply as WeChat expects it: as is in plain mode, or in safe mode wrapped in
    ``<Encrypt>``/``<MsgSignature>``/``<TimeStamp>``/``<Nonce>`` (AES by wechatpy)."""
    if not encrypted:
        return xml_reply
    if not aes_key:
        raise ValueError("safe-mode reply needs the EncodingAESKey")
    _aes_key_bytes(aes_key)
    return WeChatCrypto(token, aes_key, app_id).encrypt_message(xml_reply, nonce, str(timestamp))
