"""Security of the WeChat Official Account callback: signatures, replay window, AES envelope,
safe XML parsing, the fields a message may carry, and sealing passive replies.

WeChat calls our callback URL with ``timestamp``, ``nonce`` and

* plain mode (明文模式): ``signature = sha1(sorted([token, timestamp, nonce]))``; it does
  not cover the body, so anyone who saw one request can send any body with its query
  string for as long as its timestamp is fresh;
* safe mode (安全模式, ``encrypt_type=aes``): additionally ``msg_signature =
  sha1(sorted([token, timestamp, nonce, Encrypt]))`` where ``Encrypt`` is the base64 AES-CBC
  envelope in the XML body (random16 + len + xml + app_id, PKCS#7 to 32 bytes);
* compatible mode (兼容模式): the safe-mode request, with the message also in clear in the
  body next to ``<Encrypt>`` (we read only the envelope).

Which requests we accept is a configuration choice (``wechat.encryption``): ``safe`` takes
only encrypted callbacks; ``compatible`` also takes plain ones (the weeks of switching
over); ``plain`` takes plain ones (and encrypted ones when the key is there).

The order is what keeps it safe: the query is checked first, then the signature over the
envelope (found in the raw bytes by a strict pattern, not by parsing the body), then the
timestamp; only an authenticated envelope is decrypted, and only decrypted (or, in plain
mode, signed) XML is parsed. Anything that fails authentication raises
:class:`Forbidden` (403); a body that is authenticated but unreadable raises
:class:`BadRequest` (400). Reasons never quote the body or what it decrypts to.

The AES part is done by ``wechatpy.crypto`` (PrpCrypto / WeChatCrypto); the signature checks
are ours so that they are constant-time and so that the time comes from an injected clock.
XML is parsed with expat directly, refusing any DOCTYPE or entity declaration (no XML
bombs, no external entities), nesting deeper than :data:`MAX_DEPTH` and more than
:data:`MAX_ELEMENTS` elements; :func:`check_fields` then checks each field's type and size.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any
from xml.etree import ElementTree as ET
from xml.parsers import expat

from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_CLOCK_SKEW",
    "MODES",
    "BadRequest",
    "CallbackError",
    "Forbidden",
    "check_fields",
    "check_key",
    "open_post",
    "parse",
    "seal_reply",
    "sign",
    "verify_get",
]

MAX_CLOCK_SKEW = 300  # seconds either side of "now"
MAX_BODY_BYTES = 256 * 1024
MAX_DEPTH = 8  # <xml><SendPicsInfo><PicList><item><PicMd5Sum> is 5
MAX_ELEMENTS = 1000
MODES = ("safe", "compatible", "plain")

_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"[0-9a-fA-F]{40}")
_MAX_NONCE = 128
# the one envelope of a safe-mode body, found without parsing it (the signature covers it)
_ENCRYPT = re.compile(
    rb"<Encrypt>\s*(?:<!\[CDATA\[([A-Za-z0-9+/]+={0,2})\]\]>|([A-Za-z0-9+/]+={0,2}))"
    rb"\s*</Encrypt>"
)


class CallbackError(Exception):
    """A callback request we refuse; ``reason`` is for logs, never for the caller, and
    never quotes what the request carried."""

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
    if not given or not _SIGNATURE.fullmatch(given.strip()):
        return False
    return hmac.compare_digest(expected.encode(), given.strip().lower().encode())


def _epoch(now: datetime | float | int) -> float:
    if isinstance(now, datetime):
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        return now.timestamp()
    return float(now)


def _timestamp(query: Mapping[str, str]) -> str:
    """The query's timestamp, if it is one (ASCII digits, at most 12 of them)."""
    timestamp = str(query.get("timestamp") or "")
    if not _TIMESTAMP.fullmatch(timestamp):
        raise Forbidden("missing or non-numeric timestamp")
    if len(str(query.get("nonce") or "")) > _MAX_NONCE:
        raise Forbidden("nonce too long")
    return timestamp


def _check_timestamp(query: Mapping[str, str], now: datetime | float | int) -> str:
    timestamp = _timestamp(query)
    skew = int(timestamp) - _epoch(now)
    if abs(skew) > MAX_CLOCK_SKEW:
        raise Forbidden(f"timestamp {timestamp} is {skew:+.0f}s from now")
    return timestamp


def _check_plain_signature(query: Mapping[str, str], token: str, timestamp: str) -> None:
    expected = sign(token, timestamp, str(query.get("nonce") or ""))
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


def check_key(aes_key: str) -> None:
    """Raise ``ValueError`` (saying what is wrong, never the key) unless ``aes_key`` is an
    EncodingAESKey: 43 characters of base64 for 32 bytes."""
    _aes_key_bytes(aes_key)


@lru_cache(maxsize=4)
def _prp(aes_key: str) -> PrpCrypto:
    return PrpCrypto(_aes_key_bytes(aes_key))


def _decrypt(encrypted: str, aes_key: str, app_id: str) -> str:
    """The XML in an authenticated envelope. An envelope that does not open with our key
    and app id was made by someone who has our token and not our key: a forgery. Nothing of
    what it decrypts to goes into the reason (or into a chained exception)."""
    try:
        raw = base64.b64decode(encrypted, validate=True)
    except (binascii.Error, ValueError):
        raise Forbidden("envelope is not base64") from None
    if len(raw) < 32 or len(raw) % 16:
        raise Forbidden("envelope is not whole AES blocks")
    try:
        xml_text = _prp(aes_key).decrypt(encrypted, app_id)
    except InvalidAppIdException:
        raise Forbidden("envelope does not open with our key and app id") from None
    except Exception as exc:  # bad padding, length or UTF-8: the same forgery
        raise Forbidden(f"envelope does not open with our key ({type(exc).__name__})") from None
    return xml_text


# ---------------------------------------------------------------------------- XML


def _forbid_declarations(*_args: Any) -> None:
    raise BadRequest("DOCTYPE/ENTITY declarations are not allowed")


class _Builder:
    """TreeBuilder events with limits: depth and number of elements."""

    def __init__(self) -> None:
        self.tree = ET.TreeBuilder()
        self.depth = 0
        self.count = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        self.count += 1
        if self.depth > MAX_DEPTH:
            raise BadRequest(f"elements nested deeper than {MAX_DEPTH}")
        if self.count > MAX_ELEMENTS:
            raise BadRequest(f"more than {MAX_ELEMENTS} elements")
        self.tree.start(tag, {})

    def end(self, tag: str) -> None:
        self.depth -= 1
        self.tree.end(tag)


def _tree(data: str | bytes) -> ET.Element:
    """Parse with expat, refusing DTDs and entities; the root must be <xml>."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_BODY_BYTES:
        raise BadRequest("body too large")
    if not data.strip():
        raise BadRequest("empty body")
    parser = expat.ParserCreate()
    builder = _Builder()
    parser.StartDoctypeDeclHandler = _forbid_declarations
    parser.EntityDeclHandler = _forbid_declarations
    parser.UnparsedEntityDeclHandler = _forbid_declarations
    parser.ExternalEntityRefHandler = _forbid_declarations
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.tree.data
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
        root = builder.tree.close()
    except expat.ExpatError as exc:  # its message names a line and column, nothing more
        raise BadRequest(f"malformed XML: {expat.ErrorString(exc.code)}") from None
    except AssertionError:  # TreeBuilder on an unbalanced document
        raise BadRequest("malformed XML") from None
    if root.tag != "xml":
        raise BadRequest("the root element is not <xml>")
    return root


def _element_value(element: ET.Element) -> Any:
    children = list(element)
    if not children:
        return element.text or ""
    value: dict[str, Any] = {}
    for child in children:
        item = _element_value(child)  # at most MAX_DEPTH deep
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


# ---------------------------------------------------------------------------- fields

_OPENID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_ACCOUNT = re.compile(r"[A-Za-z0-9_@.-]{1,64}")
_WORD = re.compile(r"[A-Za-z_]{1,64}")
_INTEGER = re.compile(r"[0-9]{1,20}")
_MEDIA_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
_DECIMAL = re.compile(r"-?[0-9]{1,12}(?:\.[0-9]{1,12})?")
_FORMAT = re.compile(r"[A-Za-z0-9]{1,16}")

# field: (pattern it must match, or the longest it may be)
_FIELDS: dict[str, re.Pattern[str] | int] = {
    "FromUserName": _OPENID,
    "ToUserName": _ACCOUNT,
    "MsgType": _WORD,
    "MsgId": _INTEGER,
    "MsgID": _INTEGER,
    "MsgDataId": _INTEGER,
    "Idx": _INTEGER,
    "CreateTime": re.compile(r"[0-9]{1,12}"),
    "Event": _WORD,
    "EventKey": 256,
    "Ticket": 256,
    "Content": 20000,
    "MediaId": _MEDIA_ID,
    "ThumbMediaId": _MEDIA_ID,
    "MediaId16K": _MEDIA_ID,
    "PicUrl": 2048,
    "Url": 2048,
    "Format": _FORMAT,
    "Recognition": 4096,
    "Location_X": _DECIMAL,
    "Location_Y": _DECIMAL,
    "Latitude": _DECIMAL,
    "Longitude": _DECIMAL,
    "Precision": _DECIMAL,
    "Scale": _DECIMAL,
    "Label": 1024,
    "Title": 1024,
    "Description": 4096,
    "Status": 256,
}
_OTHER_STRING = 4096
MAX_FIELDS = 64


def _size(value: Any, budget: int) -> int:
    """How much of ``budget`` (characters) a nested value uses; negative when over."""
    if isinstance(value, str):
        return budget - len(value)
    if isinstance(value, list):
        items = value
    elif isinstance(value, dict):
        items = list(value.values())
        budget -= sum(len(k) for k in value)
    else:
        return -1
    for item in items:
        budget = _size(item, budget)
        if budget < 0:
            return budget
    return budget


def check_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Check one message's fields before anything is stored: the sender and the type are
    there and well formed, every known field has its type and size (an openid is at most
    64 characters of ``[A-Za-z0-9_-]``, a MsgId at most 20 digits, a text at most 20,000
    characters …), other fields are bounded. Raises BadRequest naming the field (never its
    value); returns ``fields``."""
    if len(fields) > MAX_FIELDS:
        raise BadRequest(f"more than {MAX_FIELDS} fields")
    for name in ("FromUserName", "MsgType"):
        if not fields.get(name):
            raise BadRequest(f"no {name}")
    for name, value in fields.items():
        rule = _FIELDS.get(name)
        if rule is None:  # a field we do not read: kept, within bounds
            if _size(value, _OTHER_STRING) < 0:
                raise BadRequest(f"field {name[:40]!r} is too large")
            continue
        if not isinstance(value, str):
            raise BadRequest(f"field {name} is not text")
        if isinstance(rule, int):
            if len(value) > rule:
                raise BadRequest(f"field {name} is longer than {rule} characters")
        elif value and not rule.fullmatch(value.strip()):
            raise BadRequest(f"field {name} is not well formed")
    return fields


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
    echostr = query.get("echostr")
    if echostr is None:
        raise BadRequest("missing echostr")
    if len(echostr) > 1024:
        raise BadRequest("echostr too long")
    timestamp = _timestamp(query)
    if query.get("msg_signature"):
        expected = sign(token, timestamp, str(query.get("nonce") or ""), echostr)
        if not _same(expected, query.get("msg_signature")):
            raise Forbidden("bad msg_signature")
        _check_timestamp(query, now)
        if query.get("signature"):
            _check_plain_signature(query, token, timestamp)
        if not aes_key:
            raise Forbidden("encrypted echostr but no EncodingAESKey configured")
        return _decrypt(echostr, aes_key, app_id)
    _check_plain_signature(query, token, timestamp)
    _check_timestamp(query, now)
    return echostr


def open_post(
    query: Mapping[str, str],
    body: bytes,
    token: str,
    aes_key: str | None,
    app_id: str,
    now: datetime | float | int,
    *,
    mode: str | None = None,
) -> tuple[str, bool]:
    """Authenticate a callback POST and return ``(xml_text, encrypted)``: the message XML
    (decrypted in safe mode) and whether the reply must be sealed with :func:`seal_reply`.
    The body is not parsed here: in safe mode only the envelope's signed ciphertext is
    looked for, in plain mode only the signature of the query is checked.

    ``mode`` (``safe``, ``compatible``, ``plain``; by default ``safe`` when there is an
    ``aes_key``, else ``plain``) says which requests are accepted (see the module)."""
    mode = mode or ("safe" if aes_key else "plain")
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    if len(body) > MAX_BODY_BYTES:
        raise BadRequest("body too large")
    timestamp = _timestamp(query)
    encrypted = str(query.get("encrypt_type") or "raw").lower() == "aes"
    if not encrypted:
        if mode == "safe":
            raise Forbidden("safe mode: an unencrypted callback is refused")
        _check_plain_signature(query, token, timestamp)
        _check_timestamp(query, now)
        return _decode(body), False

    if not aes_key:
        raise Forbidden("encrypted callback but no EncodingAESKey configured")
    msg_signature = query.get("msg_signature")
    if not msg_signature:
        raise Forbidden("safe mode without msg_signature")
    found = _ENCRYPT.findall(body)
    if len(found) != 1:
        raise Forbidden("no single signed <Encrypt> envelope in the body")
    encrypt = (found[0][0] or found[0][1]).decode("ascii")
    expected = sign(token, timestamp, str(query.get("nonce") or ""), encrypt)
    if not _same(expected, msg_signature):
        raise Forbidden("bad msg_signature")
    _check_timestamp(query, now)
    if query.get("signature"):
        _check_plain_signature(query, token, timestamp)
    return _decrypt(encrypt, aes_key, app_id), True


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("body is not UTF-8") from None


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
