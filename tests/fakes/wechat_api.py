"""A fake WeChat API server (Official Account endpoints and WeCom group-robot webhooks) on
127.0.0.1, plus :func:`callback_request` to build signed WeChat callbacks.

Usage::

    async with FakeWeChat(app_id="wxAPP", app_secret="s") as wx:
        client = WeChatClient("wxAPP", "s", base_url=wx.url, token_store=MemoryTokenStore())
        await client.send_text("oResident", "您好")
        assert wx.sent_to("oResident")[0].body["text"]["content"] == "您好"
        robot_url = wx.robot_url("KEY1")          # for WeComRobot.send_markdown

Endpoints: ``GET /cgi-bin/token``, ``POST /cgi-bin/message/custom/send``,
``POST /cgi-bin/message/template/send``, ``GET /cgi-bin/media/get``,
``POST /cgi-bin/media/upload?type=image`` (multipart field ``media``; the file is kept and
its new media id works for ``media/get`` and image messages),
``GET /cgi-bin/user/info``, ``POST /cgi-bin/webhook/send?key=K`` and
``POST /cgi-bin/webhook/upload_media?key=K&type=file|voice`` (a robot's files). Answers
follow WeChat's error codes (41001 missing token, 40001 invalid token, 42001 expired token,
45015 window closed, 45047 replies used up, 43004 not a follower, 40037 unknown template,
47003 template value that does not fit its field, 40007 bad or expired media id, 45009
robot over 20/minute, 40058 markdown over 4096 bytes).

WeChat's rules that the fake enforces (``enforce_windows=True``, or the test's own
``close_window``):

* customer-service messages (公众号客服消息下发额度, June 2023): after the person writes,
  5 within 48 hours; after a follow, a menu click or a scan, 3 within a minute; the sixth
  (or fourth) is answered 45047, anything after 48 hours 45015. The fake hears of what the
  person did from :meth:`FakeWeChat.saw_callback` (the test's callbacks go through it);
* someone who unfollowed gets nothing (43004);
* template fields by their kind (the name without its number; 类目模板消息参数值内容限制):
  ``thing`` 20 characters, ``character_string`` 32 letters, digits or symbols (no Chinese),
  ``phrase`` 5 Chinese characters, ``time`` a time of day with an optional date
  ("15:01", "2019年10月1日 15:01"), ``number``, ``letter``, ``symbol``, ``amount``,
  ``phone_number``, ``car_number``, ``name``, ``const``; registered templates
  (:meth:`FakeWeChat.add_template`) also check the template id and its field names;
* a WeCom robot takes 20 messages a minute, markdown up to 4096 bytes, images up to 2 MB
  (JPG/PNG, with their md5), files of 5 bytes to 20 MB and AMR voice up to 2 MB uploaded
  to that robot first (its media id is good for that robot only).

The signature/encryption in :func:`callback_request` is written here independently of
``bot.channels.wechat_crypto`` (hashlib + wechatpy's PrpCrypto), so tests of the callback
check our code against a second implementation.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import itertools
import json
import re
import secrets
import socket
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

import pytest
from aiohttp import web
from wechatpy.crypto import PrpCrypto

__all__ = [
    "FakeWeChat",
    "WeChatCall",
    "callback_request",
    "event_xml",
    "fake_wechat",
    "image_xml",
    "location_xml",
    "text_xml",
    "verification_request",
    "voice_xml",
]

ROBOT_LIMIT_PER_MINUTE = 20
ROBOT_MARKDOWN_MAX_BYTES = 4096
TEMPLATE_VALUE_MAX = 20  # a field of no known kind (keyword1, first, remark …)
MESSAGE_WINDOW, MESSAGE_QUOTA = 48 * 3600, 5
EVENT_WINDOW, EVENT_QUOTA = 60, 3

_HAN = r"\u3400-\u9fff\uf900-\ufaff"
_CLOCK = r"(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?"
_DAY = r"(?:\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{1,2}/\d{1,2})"
_TIME = rf"(?:{_DAY} ?)?{_CLOCK}"
_DATE = rf"{_DAY}(?: ?{_CLOCK})?"
TEMPLATE_KINDS: dict[str, Callable[[str], bool]] = {
    "thing": lambda v: 0 < len(v) <= 20,
    "character_string": lambda v: 0 < len(v) <= 32 and v.isascii() and v.isprintable(),
    "phrase": lambda v: re.fullmatch(f"[{_HAN}]{{1,5}}", v) is not None,
    "time": lambda v: re.fullmatch(f"{_TIME}(?:~{_TIME})?", v) is not None,
    "date": lambda v: re.fullmatch(f"{_DATE}(?:~{_DATE})?", v) is not None,
    "number": lambda v: re.fullmatch(r"-?\d+(?:\.\d+)?", v) is not None and len(v) <= 32,
    "letter": lambda v: re.fullmatch(r"[A-Za-z]{1,32}", v) is not None,
    "symbol": lambda v: 0 < len(v) <= 5 and not any(c.isalnum() for c in v),
    "amount": lambda v: re.fullmatch(r"[¥$€£]?\d{1,10}(?:\.\d{1,2})?元?", v) is not None,
    "phone_number": lambda v: re.fullmatch(r"[0-9+\-() ]{1,17}", v) is not None,
    "car_number": lambda v: 0 < len(v) <= 8,
    "name": lambda v: re.fullmatch(f"[{_HAN}·]{{1,10}}|[A-Za-z .·-]{{1,20}}", v) is not None,
    "const": lambda v: len(v) <= 20,
}


def template_kind(field_name: str) -> str:
    """``thing`` for ``thing5``, ``character_string`` for ``character_string12``."""
    return field_name.rstrip("0123456789")


def template_value_fits(field_name: str, value: str) -> bool:
    """Whether WeChat takes ``value`` in a template field called ``field_name``."""
    check = TEMPLATE_KINDS.get(template_kind(field_name))
    if check is None:
        return len(value) <= TEMPLATE_VALUE_MAX
    return check(value)


@dataclass
class WeChatCall:
    """One request to the fake: path, query parameters, JSON body, and what was answered."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    answer: Any = None
    status: int = 200
    at: float = 0.0

    @property
    def errcode(self) -> int:
        if isinstance(self.answer, dict):
            return int(self.answer.get("errcode", 0) or 0)
        return 0

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.errcode == 0


@dataclass
class _Fault:
    status: int | None
    errcode: int | None
    errmsg: str
    delay: float
    remaining: int


@dataclass
class _Media:
    content: bytes
    content_type: str
    filename: str
    video: bool = False


@dataclass
class _Robot:
    accepted: deque[float] = field(default_factory=deque)
    media: dict[str, _Media] = field(default_factory=dict)


@dataclass
class _Contact:
    """What WeChat knows of a follower: the windows their actions opened."""

    following: bool = True
    message_until: float = 0.0
    message_left: int = 0
    event_until: float = 0.0
    event_left: int = 0
    ever_opened: bool = False


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class FakeWeChat:
    """A fake ``api.weixin.qq.com`` + ``qyapi.weixin.qq.com`` robot webhook.

    ``clock`` (epoch seconds) drives the robots' per-minute limit, so a test with a fake clock
    can send 25 messages without waiting a real minute."""

    def __init__(
        self,
        app_id: str = "wx_fake_app_id",
        app_secret: str = "fake-app-secret",
        *,
        expires_in: int = 7200,
        host: str = "127.0.0.1",
        clock: Callable[[], float] = time.time,
        enforce_windows: bool = False,
    ):
        self.app_id = app_id
        self.app_secret = app_secret
        self.expires_in = expires_in
        self.host = host
        self.port: int | None = None
        self.clock = clock
        self.token_fetches = 0
        self.tokens: dict[str, str] = {}  # token -> "valid" | "expired" | "invalid"
        self.current_token: str | None = None
        self.window_closed: set[str] = set()
        self.window_error = 45015
        self.users: dict[str, dict[str, Any]] = {}
        self.media: dict[str, _Media] = {}
        self.robot_keys: set[str] | None = None  # None: any key is a robot
        self.enforce_windows = enforce_windows
        self.contacts: dict[str, _Contact] = {}
        self.templates: dict[str, set[str]] = {}  # template id -> its fields (when registered)
        self._robots: dict[str, _Robot] = {}
        self._calls: list[WeChatCall] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._token_seq = itertools.count(1)
        self._msg_seq = itertools.count(1000)
        self._upload_seq = itertools.count(1)
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("FakeWeChat is not started")
        return f"http://{self.host}:{self.port}"

    def robot_url(self, key: str) -> str:
        return f"{self.url}/cgi-bin/webhook/send?key={key}"

    async def start(self) -> FakeWeChat:
        app = web.Application(client_max_size=25 * 2**20)  # robots take 20 MB files
        app.router.add_get("/cgi-bin/token", self._token)
        app.router.add_post("/cgi-bin/message/custom/send", self._custom_send)
        app.router.add_post("/cgi-bin/message/template/send", self._template_send)
        app.router.add_get("/cgi-bin/media/get", self._media_get)
        app.router.add_post("/cgi-bin/media/upload", self._media_upload)
        app.router.add_get("/cgi-bin/user/info", self._user_info)
        app.router.add_post("/cgi-bin/webhook/send", self._robot_send)
        app.router.add_post("/cgi-bin/webhook/upload_media", self._robot_upload)
        app.router.add_get("/video/{media_id}", self._video)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        for _attempt in range(5):
            port = _free_port(self.host)
            try:
                await web.TCPSite(self._runner, self.host, port).start()
            except OSError:
                continue
            self.port = port
            return self
        raise RuntimeError("could not bind a port for FakeWeChat")

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeWeChat:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ------------------------------------------------------------------ test controls

    def expire_token(self, token: str | None = None) -> None:
        """The token (default: the newest) now answers 42001 access_token expired."""
        token = token or self.current_token
        if token:
            self.tokens[token] = "expired"

    def invalidate_token(self, token: str | None = None) -> None:
        """The token (default: the newest) now answers 40001 invalid credential."""
        token = token or self.current_token
        if token:
            self.tokens[token] = "invalid"

    def close_window(self, openid: str, errcode: int = 45015) -> None:
        """Customer-service messages to ``openid`` now answer ``errcode`` (45015/45047)."""
        self.window_closed.add(openid)
        self.window_error = errcode

    def saw_callback(self, xml: str, at: float | None = None) -> None:
        """What WeChat knows when it delivers callback ``xml``: a message opens the 48-hour
        window (5 replies), a follow, a scan or a menu click the one-minute one (3), an
        unfollow closes everything."""
        try:
            root = ET.fromstring(xml)
        except ET.ParseError:
            return  # not a message WeChat would deliver: nobody did anything
        openid = root.findtext("FromUserName") or ""
        msg_type = (root.findtext("MsgType") or "").lower()
        at = self.clock() if at is None else at
        contact = self.contacts.setdefault(openid, _Contact())
        if msg_type != "event":
            contact.following = True
            contact.message_until, contact.message_left = at + MESSAGE_WINDOW, MESSAGE_QUOTA
            contact.ever_opened = True
            return
        event = (root.findtext("Event") or "").lower()
        if event == "unsubscribe":
            self.contacts[openid] = _Contact(following=False)
        elif event in ("subscribe", "scan", "click", "scancode_push", "scancode_waitmsg"):
            contact.following = True
            contact.event_until, contact.event_left = at + EVENT_WINDOW, EVENT_QUOTA
            contact.ever_opened = True

    def unfollow(self, openid: str) -> None:
        self.contacts[openid] = _Contact(following=False)

    def add_template(self, template_id: str, *fields: str) -> None:
        """A template of the account (模板库 → 我的模板) and its field names: other template
        ids are answered 40037, unknown fields 47003."""
        self.templates[template_id] = set(fields)

    def expire_media(self, media_id: str) -> None:
        """WeChat keeps a resident's media three days: afterwards its id is invalid."""
        self.media.pop(media_id, None)

    def _window_problem(self, openid: str) -> dict[str, Any] | None:
        contact = self.contacts.get(openid)
        if contact is not None and not contact.following:
            return {"errcode": 43004, "errmsg": "require subscribe"}
        if not self.enforce_windows:
            return None
        now = self.clock()
        if contact is not None and contact.event_until > now and contact.event_left > 0:
            contact.event_left -= 1
            return None
        if contact is not None and contact.message_until > now and contact.message_left > 0:
            contact.message_left -= 1
            return None
        if contact is not None and now < max(contact.message_until, contact.event_until):
            return {"errcode": 45047, "errmsg": "out of response count limit"}
        return {
            "errcode": 45015,
            "errmsg": "response out of time limit or subscription is canceled",
        }

    def add_media(
        self,
        media_id: str,
        content: bytes,
        content_type: str = "image/jpeg",
        filename: str | None = None,
    ) -> None:
        self.media[media_id] = _Media(content, content_type, filename or f"{media_id}.jpg")

    def add_video(self, media_id: str, content: bytes) -> None:
        """A video: /cgi-bin/media/get answers ``{"video_url": ...}`` pointing back here."""
        self.media[media_id] = _Media(content, "video/mp4", f"{media_id}.mp4", video=True)

    def add_user(self, openid: str, **info: Any) -> dict[str, Any]:
        user = {
            "subscribe": 1,
            "openid": openid,
            "language": "zh_CN",
            "subscribe_time": 1700000000,
            "unionid": f"u_{openid}",
            "remark": "",
            "groupid": 0,
            "tagid_list": [],
            "subscribe_scene": "ADD_SCENE_QR_CODE",
            "qr_scene": 0,
            "qr_scene_str": "",
        }
        user.update(info)
        self.users[openid] = user
        return user

    def fail_next(
        self,
        path: str,
        *,
        status: int | None = None,
        errcode: int | None = None,
        errmsg: str = "system error",
        delay: float = 0.0,
        count: int = 1,
    ) -> None:
        """The next ``count`` requests to ``path`` answer HTTP ``status`` (e.g. 503), or
        ``{"errcode": errcode}`` (e.g. -1, 45009), after sleeping ``delay`` seconds (use a
        delay longer than the client's timeout to provoke a timeout). With neither status nor
        errcode the request is only delayed and then answered normally."""
        self._faults.setdefault(path, []).append(_Fault(status, errcode, errmsg, delay, count))

    def _take_fault(self, path: str) -> _Fault | None:
        queue = self._faults.get(path)
        if not queue:
            return None
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.pop(0)
        return fault

    # ------------------------------------------------------------------ recording

    def calls(self, path: str | None = None) -> list[WeChatCall]:
        return [c for c in self._calls if path is None or c.path == path]

    def sent_to(self, openid: str) -> list[WeChatCall]:
        """Customer-service and template messages WeChat accepted for ``openid``."""
        return [
            c
            for c in self._calls
            if c.ok
            and c.path in ("/cgi-bin/message/custom/send", "/cgi-bin/message/template/send")
            and isinstance(c.body, dict)
            and c.body.get("touser") == openid
        ]

    def robot_messages(self, key: str) -> list[WeChatCall]:
        """Robot messages accepted (errcode 0) for webhook ``key``."""
        return [
            c
            for c in self._calls
            if c.ok and c.path == "/cgi-bin/webhook/send" and c.query.get("key") == key
        ]

    def mark(self) -> int:
        return len(self._calls)

    async def wait_for(
        self,
        path: str,
        predicate: Callable[[WeChatCall], bool] | None = None,
        timeout: float = 5,  # noqa: ASYNC109 - mirrors FakeTelegram.wait_for
        *,
        since: int = 0,
        ok: bool | None = True,
    ) -> WeChatCall:
        """The first call to ``path`` (index >= ``since``) matching ``predicate``; waits up to
        ``timeout`` seconds. By default only accepted calls (errcode 0) match."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        checked = since
        while True:
            changed = self._changed
            for call in self._calls[checked:]:
                if call.path != path or (ok is not None and call.ok != ok):
                    continue
                if predicate is None or predicate(call):
                    return call
            checked = max(checked, len(self._calls))
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"no {path} call matched within {timeout}s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    def _record(self, call: WeChatCall) -> None:
        call.at = self.clock()
        self._calls.append(call)
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    # ------------------------------------------------------------------ plumbing

    async def _begin(
        self, request: web.Request, token: bool = False
    ) -> tuple[WeChatCall, web.Response | None]:
        """Record the call; an early answer for an injected fault, a body that is not JSON,
        or (``token``) a missing, expired or invalid access token."""
        call, early = await self._read_call(request)
        if early is None and token:
            problem = self._token_problem(request.query)
            if problem:
                early = self._answer(call, problem)
        return call, early

    async def _read_call(self, request: web.Request) -> tuple[WeChatCall, web.Response | None]:
        body: Any = None
        if request.method == "POST" and request.content_type == "multipart/form-data":
            form = await request.post()
            body = {
                name: _Media(value.file.read(), value.content_type, value.filename)
                if isinstance(value, web.FileField)
                else value
                for name, value in form.items()
            }
        elif request.method == "POST":
            raw = await request.read()
            try:
                body = json.loads(raw.decode("utf-8")) if raw else None
            except (UnicodeDecodeError, ValueError):
                body = raw
        call = WeChatCall(request.method, request.path, dict(request.query), body)
        fault = self._take_fault(request.path)
        if fault is None:
            if isinstance(body, bytes):
                return call, self._answer(call, {"errcode": 47001, "errmsg": "data format error"})
            return call, None
        if fault.delay:
            await asyncio.sleep(fault.delay)
        if fault.status is None and fault.errcode is None:  # only slow: answer normally
            return call, None
        if fault.status is not None:
            call.status = fault.status
            call.answer = "fault"
            self._record(call)
            return call, web.Response(status=fault.status, text="Service Unavailable")
        return call, self._answer(call, {"errcode": fault.errcode, "errmsg": fault.errmsg})

    def _answer(self, call: WeChatCall, answer: dict[str, Any]) -> web.Response:
        call.answer = answer
        self._record(call)
        # WeChat answers JSON with a text/plain content type on several endpoints.
        return web.Response(text=json.dumps(answer, ensure_ascii=False), content_type="text/plain")

    def _token_problem(self, query: Mapping[str, str]) -> dict[str, Any] | None:
        token = query.get("access_token")
        if not token:
            return {"errcode": 41001, "errmsg": "access_token missing"}
        state = self.tokens.get(token)
        if state == "expired":
            return {"errcode": 42001, "errmsg": "access_token expired"}
        if state != "valid":
            return {
                "errcode": 40001,
                "errmsg": "invalid credential, access_token is invalid or not latest",
            }
        return None

    # ------------------------------------------------------------------ endpoints

    async def _token(self, request: web.Request) -> web.Response:
        call, early = await self._begin(request)
        if early is not None:
            return early
        q = request.query
        if q.get("grant_type") != "client_credential":
            return self._answer(call, {"errcode": 40002, "errmsg": "invalid grant_type"})
        if q.get("appid") != self.app_id:
            return self._answer(call, {"errcode": 40013, "errmsg": "invalid appid"})
        if q.get("secret") != self.app_secret:
            return self._answer(call, {"errcode": 40125, "errmsg": "invalid appsecret"})
        self.token_fetches += 1
        token = f"ACCESS_TOKEN_{next(self._token_seq)}_{secrets.token_hex(4)}"
        self.tokens[token] = "valid"
        self.current_token = token
        call.query["secret"] = "***"
        return self._answer(call, {"access_token": token, "expires_in": self.expires_in})

    async def _custom_send(self, request: web.Request) -> web.Response:
        call, early = await self._begin(request, token=True)
        if early is not None:
            return early
        body = call.body if isinstance(call.body, dict) else {}
        msgtype = body.get("msgtype")
        if not body.get("touser") or msgtype not in body:
            return self._answer(call, {"errcode": 44002, "errmsg": "empty post data"})
        if body["touser"] not in self.window_closed:
            problem = self._window_problem(body["touser"])
            if problem:
                return self._answer(call, problem)
        if body["touser"] in self.window_closed:
            return self._answer(
                call,
                {
                    "errcode": self.window_error,
                    "errmsg": "response out of time limit or subscription is canceled"
                    if self.window_error == 45015
                    else "reach max api daily quota limit",
                },
            )
        if msgtype == "image" and (body["image"] or {}).get("media_id") not in self.media:
            return self._answer(call, {"errcode": 40007, "errmsg": "invalid media_id"})
        return self._answer(call, {"errcode": 0, "errmsg": "ok"})

    async def _template_send(self, request: web.Request) -> web.Response:
        call, early = await self._begin(request, token=True)
        if early is not None:
            return early
        body = call.body if isinstance(call.body, dict) else {}
        if not body.get("touser") or not body.get("template_id"):
            return self._answer(call, {"errcode": 40037, "errmsg": "invalid template_id"})
        if self.templates and body["template_id"] not in self.templates:
            return self._answer(call, {"errcode": 40037, "errmsg": "invalid template_id"})
        contact = self.contacts.get(body["touser"])
        if contact is not None and not contact.following:
            return self._answer(call, {"errcode": 43004, "errmsg": "require subscribe"})
        known = self.templates.get(body["template_id"])
        for name, item in (body.get("data") or {}).items():
            value = item.get("value", "") if isinstance(item, dict) else ""
            if (known is not None and name not in known) or not template_value_fits(
                name, str(value)
            ):
                return self._answer(
                    call,
                    {"errcode": 47003, "errmsg": f"argument invalid! data.{name}.value invalid"},
                )
        return self._answer(call, {"errcode": 0, "errmsg": "ok", "msgid": next(self._msg_seq)})

    async def _media_get(self, request: web.Request) -> web.Response:
        call, early = await self._begin(request, token=True)
        if early is not None:
            return early
        media = self.media.get(request.query.get("media_id", ""))
        if media is None:
            return self._answer(call, {"errcode": 40007, "errmsg": "invalid media_id"})
        if media.video:
            media_id = request.query["media_id"]
            return self._answer(call, {"video_url": f"{self.url}/video/{media_id}"})
        call.answer = {"errcode": 0, "bytes": len(media.content)}
        self._record(call)
        return web.Response(
            body=media.content,
            content_type=media.content_type,
            headers={"Content-Disposition": f'attachment; filename="{media.filename}"'},
        )

    async def _media_upload(self, request: web.Request) -> web.Response:
        """A temporary media upload: images up to 10 MB (jpg/png), like WeChat's."""
        call, early = await self._begin(request, token=True)
        if early is not None:
            return early
        kind = request.query.get("type", "")
        if kind not in ("image", "voice", "video", "thumb"):
            return self._answer(call, {"errcode": 40004, "errmsg": "invalid media type"})
        media = (call.body or {}).get("media") if isinstance(call.body, dict) else None
        if not isinstance(media, _Media) or not media.content:
            return self._answer(call, {"errcode": 41005, "errmsg": "media data missing"})
        if kind == "image" and (
            len(media.content) > 10 * 2**20 or media.content_type not in ("image/jpeg", "image/png")
        ):
            return self._answer(call, {"errcode": 40005, "errmsg": "invalid file type"})
        media_id = f"up{next(self._upload_seq)}-{secrets.token_hex(4)}"
        self.media[media_id] = media
        return self._answer(
            call, {"type": kind, "media_id": media_id, "created_at": int(time.time())}
        )

    async def _video(self, request: web.Request) -> web.Response:
        media = self.media.get(request.match_info["media_id"])
        if media is None or not media.video:
            return web.Response(status=404)
        return web.Response(body=media.content, content_type=media.content_type)

    async def _user_info(self, request: web.Request) -> web.Response:
        call, early = await self._begin(request, token=True)
        if early is not None:
            return early
        user = self.users.get(request.query.get("openid", ""))
        if user is None:
            return self._answer(call, {"errcode": 40003, "errmsg": "invalid openid"})
        return self._answer(call, dict(user))

    async def _robot_send(self, request: web.Request) -> web.Response:
        call, early = await self._begin(request)
        if early is not None:
            return early
        key = request.query.get("key", "")
        if not key or (self.robot_keys is not None and key not in self.robot_keys):
            return self._answer(call, {"errcode": 93000, "errmsg": "invalid webhook url"})
        body = call.body if isinstance(call.body, dict) else {}
        msgtype = body.get("msgtype")
        kinds = ("text", "markdown", "image", "file", "voice")
        if msgtype not in kinds or not isinstance(body.get(msgtype), dict):
            return self._answer(call, {"errcode": 40008, "errmsg": "invalid message type"})
        if msgtype in ("file", "voice"):
            robot = self._robots.setdefault(key, _Robot())
            media = robot.media.get(str(body[msgtype].get("media_id") or ""))
            if media is None or (msgtype == "voice" and media.content_type != "voice"):
                return self._answer(call, {"errcode": 40007, "errmsg": "invalid media_id"})
            return self._robot_accept(call, key)
        if msgtype == "image":
            problem = _robot_image_problem(body["image"])
            if problem:
                return self._answer(call, problem)
            return self._robot_accept(call, key)
        content = body[msgtype].get("content", "")
        if not content:
            return self._answer(call, {"errcode": 44004, "errmsg": "empty content"})
        limit = ROBOT_MARKDOWN_MAX_BYTES if msgtype == "markdown" else 2048
        if len(content.encode("utf-8")) > limit:
            return self._answer(
                call,
                {"errcode": 40058, "errmsg": f"{msgtype}.content exceed max length {limit}"},
            )
        return self._robot_accept(call, key)

    async def _robot_upload(self, request: web.Request) -> web.Response:
        """A robot's file (5 B to 20 MB) or AMR voice (up to 2 MB): kept for that robot,
        its media id good for its ``file``/``voice`` messages (WeCom keeps them 3 days)."""
        call, early = await self._begin(request)
        if early is not None:
            return early
        key = request.query.get("key", "")
        if not key or (self.robot_keys is not None and key not in self.robot_keys):
            return self._answer(call, {"errcode": 93000, "errmsg": "invalid webhook url"})
        kind = request.query.get("type", "")
        if kind not in ("file", "voice"):
            return self._answer(call, {"errcode": 40004, "errmsg": "invalid media type"})
        media = (call.body or {}).get("media") if isinstance(call.body, dict) else None
        if not isinstance(media, _Media):
            return self._answer(call, {"errcode": 41005, "errmsg": "media data missing"})
        size = len(media.content)
        if size < 5 or size > 20 * 2**20:
            return self._answer(call, {"errcode": 40006, "errmsg": "invalid file size"})
        if kind == "voice" and (size > 2 * 2**20 or not media.content.startswith(b"#!AMR")):
            return self._answer(call, {"errcode": 40005, "errmsg": "invalid file type"})
        media_id = f"robot{next(self._upload_seq)}-{secrets.token_hex(4)}"
        robot = self._robots.setdefault(key, _Robot())
        robot.media[media_id] = _Media(media.content, kind, media.filename)
        return self._answer(
            call,
            {
                "errcode": 0,
                "errmsg": "ok",
                "type": kind,
                "media_id": media_id,
                "created_at": str(int(self.clock())),
            },
        )

    def robot_files(self, key: str) -> list[tuple[str, bytes]]:
        """(file name, content) of the file and voice messages robot ``key`` accepted."""
        robot = self._robots.get(key, _Robot())
        out = []
        for call in self.robot_messages(key):
            kind = call.body.get("msgtype")
            if kind in ("file", "voice"):
                media = robot.media[call.body[kind]["media_id"]]
                out.append((media.filename, media.content))
        return out

    def _robot_accept(self, call: WeChatCall, key: str) -> web.Response:
        robot = self._robots.setdefault(key, _Robot())
        now = self.clock()
        while robot.accepted and robot.accepted[0] <= now - 60:
            robot.accepted.popleft()
        if len(robot.accepted) >= ROBOT_LIMIT_PER_MINUTE:
            return self._answer(call, {"errcode": 45009, "errmsg": "api freq out of limit"})
        robot.accepted.append(now)
        return self._answer(call, {"errcode": 0, "errmsg": "ok"})


def _robot_image_problem(image: dict[str, Any]) -> dict[str, Any] | None:
    """A robot image: base64 of a JPG/PNG of at most 2 MB, and its md5 (WeCom's rules)."""
    try:
        content = base64.b64decode(image.get("base64") or "", validate=True)
    except ValueError:
        return {"errcode": 40009, "errmsg": "invalid image base64"}
    if not content or len(content) > 2 * 2**20:
        return {"errcode": 40009, "errmsg": "invalid image size"}
    if hashlib.md5(content).hexdigest() != image.get("md5"):
        return {"errcode": 301019, "errmsg": "media md5 not match"}
    if not content.startswith((b"\xff\xd8", b"\x89PNG")):
        return {"errcode": 40009, "errmsg": "invalid image type"}
    return None


@pytest.fixture
async def fake_wechat():
    """A started FakeWeChat. In a test module: ``fake_wechat = wechat_api.fake_wechat`` (after
    ``from tests.fakes import wechat_api``), then take ``fake_wechat`` as an argument."""
    async with FakeWeChat() as fake:
        yield fake


# ---------------------------------------------------------------------------- callbacks


def _signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def callback_request(
    xml: str,
    token: str,
    *,
    aes_key: str | None = None,
    app_id: str = "wx_fake_app_id",
    timestamp: int | None = None,
    nonce: str | None = None,
    openid: str | None = None,
) -> tuple[dict[str, str], bytes]:
    """``(query, body)`` of the POST WeChat would make to our callback for message ``xml``:
    plain mode (``signature``) without ``aes_key``; safe mode (``encrypt_type=aes``,
    ``msg_signature`` and an ``<Encrypt>`` envelope made with wechatpy's PrpCrypto) with it.
    ``timestamp`` defaults to the real time; pass the test clock's."""
    timestamp_s = str(int(time.time()) if timestamp is None else int(timestamp))
    nonce = nonce or str(secrets.randbelow(10**10))
    query = {
        "signature": _signature(token, timestamp_s, nonce),
        "timestamp": timestamp_s,
        "nonce": nonce,
    }
    if openid:
        query["openid"] = openid
    if aes_key is None:
        return query, xml.encode("utf-8")
    key = base64.b64decode(aes_key + "=")
    encrypt = PrpCrypto(key).encrypt(xml, app_id)
    encrypt = encrypt.decode() if isinstance(encrypt, bytes) else encrypt
    body = (
        f"<xml><ToUserName><![CDATA[{escape(app_id)}]]></ToUserName>"
        f"<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    )
    query["encrypt_type"] = "aes"
    query["msg_signature"] = _signature(token, timestamp_s, nonce, encrypt)
    return query, body.encode("utf-8")


def verification_request(
    token: str,
    echostr: str = "echo-1234567890",
    *,
    timestamp: int | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """The GET query WeChat sends when the callback URL is saved in the console."""
    timestamp_s = str(int(time.time()) if timestamp is None else int(timestamp))
    nonce = nonce or str(secrets.randbelow(10**10))
    return {
        "signature": _signature(token, timestamp_s, nonce),
        "timestamp": timestamp_s,
        "nonce": nonce,
        "echostr": echostr,
    }


def _cdata(value: str) -> str:
    return "<![CDATA[" + str(value).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _message_xml(
    msg_type: str,
    from_user: str,
    to_user: str,
    create_time: int | None,
    fields: Mapping[str, Any],
    msg_id: int | None,
) -> str:
    parts = [
        f"<ToUserName>{_cdata(to_user)}</ToUserName>",
        f"<FromUserName>{_cdata(from_user)}</FromUserName>",
        f"<CreateTime>{int(time.time()) if create_time is None else create_time}</CreateTime>",
        f"<MsgType>{_cdata(msg_type)}</MsgType>",
    ]
    for name, value in fields.items():
        if isinstance(value, (int, float)):
            parts.append(f"<{name}>{value}</{name}>")
        else:
            parts.append(f"<{name}>{_cdata(value)}</{name}>")
    if msg_id is not None:
        parts.append(f"<MsgId>{msg_id}</MsgId>")
    return "<xml>" + "".join(parts) + "</xml>"


_msg_ids = itertools.count(24_000_000_000_000_000)


def text_xml(
    from_user: str,
    content: str,
    *,
    to_user: str = "gh_fake_account",
    create_time: int | None = None,
    msg_id: int | None = None,
) -> str:
    return _message_xml(
        "text", from_user, to_user, create_time, {"Content": content}, msg_id or next(_msg_ids)
    )


def image_xml(
    from_user: str,
    media_id: str,
    *,
    pic_url: str = "http://mmbiz.qpic.cn/fake.jpg",
    to_user: str = "gh_fake_account",
    create_time: int | None = None,
    msg_id: int | None = None,
) -> str:
    fields = {"PicUrl": pic_url, "MediaId": media_id}
    return _message_xml("image", from_user, to_user, create_time, fields, msg_id or next(_msg_ids))


def voice_xml(
    from_user: str,
    media_id: str,
    recognition: str = "",
    *,
    to_user: str = "gh_fake_account",
    create_time: int | None = None,
    msg_id: int | None = None,
) -> str:
    fields = {"MediaId": media_id, "Format": "amr", "Recognition": recognition}
    return _message_xml("voice", from_user, to_user, create_time, fields, msg_id or next(_msg_ids))


def location_xml(
    from_user: str,
    latitude: float,
    longitude: float,
    label: str = "",
    *,
    to_user: str = "gh_fake_account",
    create_time: int | None = None,
    msg_id: int | None = None,
) -> str:
    fields = {"Location_X": latitude, "Location_Y": longitude, "Scale": 15, "Label": label}
    return _message_xml(
        "location", from_user, to_user, create_time, fields, msg_id or next(_msg_ids)
    )


def event_xml(
    from_user: str,
    event: str,
    event_key: str | None = None,
    *,
    ticket: str | None = None,
    to_user: str = "gh_fake_account",
    create_time: int | None = None,
) -> str:
    """An event (subscribe, unsubscribe, CLICK, SCAN, ...); events carry no MsgId."""
    fields: dict[str, Any] = {"Event": event}
    if event_key is not None:
        fields["EventKey"] = event_key
    if ticket is not None:
        fields["Ticket"] = ticket
    return _message_xml("event", from_user, to_user, create_time, fields, None)
