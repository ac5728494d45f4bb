"""A fake Telegram Bot API server that the real python-telegram-bot talks to over HTTP.

Usage::

    async with FakeTelegram() as tg:
        bot = Bot(tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url)
        app = Application.builder().token(tg.token).base_url(tg.base_url)
                  .base_file_url(tg.base_file_url).build()
        tg.push_update(tg.make_text_update(user_id=7, chat_id=7, text="/start"))
        call = await tg.wait_for("sendMessage", lambda c: c.params["chat_id"] == 7)

PTB composes ``base_url + token + "/" + method`` (``.../bot<token>/sendMessage``); files are
fetched from ``base_file_url + token + "/" + file_path``. PTB 22 posts its parameters as
``application/x-www-form-urlencoded`` (non-string values JSON-encoded) and switches to
``multipart/form-data`` when it uploads a file; other clients may post JSON. All three, and
GET query strings, are accepted, and every value is decoded back into Python values.

Behaviour that real Telegram has and that code under test should cope with is reproduced:
per-chat message ids, 409 for getUpdates while a webhook is set, "message is not modified",
"message to edit not found", too-long texts, 64-byte callback_data, malformed HTML with
``parse_mode=HTML``. Faults are injected with :meth:`FakeTelegram.fail_next`; an outage
(every send answered 5xx for a while) with :meth:`FakeTelegram.outage`; Telegram's
rate limits (its FAQ: about 30 messages a second per bot, 20 a minute per group, about
one a second per private chat) are enforced, with 429 and retry_after, after
:meth:`FakeTelegram.enforce_limits`. Both go by the fake's ``clock``.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import math
import re
import socket
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web

__all__ = ["FakeTelegram", "TelegramCall", "UploadedFile", "fake_telegram"]

JSON_FIELDS = {
    "reply_markup",
    "entities",
    "caption_entities",
    "media",
    "commands",
    "scope",
    "allowed_updates",
    "link_preview_options",
    "reply_parameters",
    "results",
    "options",
    "permissions",
    "reaction",
    "input_message_content",
    "message_ids",
}
INT_FIELDS = {
    "chat_id",
    "from_chat_id",
    "message_id",
    "user_id",
    "offset",
    "limit",
    "timeout",
    "reply_to_message_id",
    "message_thread_id",
    "duration",
    "width",
    "height",
    "cache_time",
    "max_connections",
    "until_date",
    "live_period",
    "heading",
    "proximity_alert_radius",
}
FLOAT_FIELDS = {"latitude", "longitude", "horizontal_accuracy"}
BOOL_FIELDS = {
    "disable_notification",
    "protect_content",
    "show_alert",
    "drop_pending_updates",
    "disable_web_page_preview",
    "allow_sending_without_reply",
    "has_spoiler",
    "is_big",
    "supports_streaming",
    "disable_content_type_detection",
    "revoke_messages",
    "only_if_banned",
    "show_caption_above_media",
    "allow_paid_broadcast",
}

SEND_METHODS = {
    "sendMessage",
    "sendPhoto",
    "sendDocument",
    "sendMediaGroup",
    "sendLocation",
    "sendVoice",
    "sendVideo",
    "sendAudio",
    "sendAnimation",
    "sendSticker",
    "editMessageText",
    "editMessageReplyMarkup",
    "editMessageCaption",
    "deleteMessage",
}

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
ALLOWED_HTML_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
}


class TelegramApiError(Exception):
    """Raised inside a method handler; becomes a Telegram error response."""

    def __init__(self, status: int, description: str, parameters: dict | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


@dataclass
class UploadedFile:
    """A file part of a multipart request."""

    field: str
    filename: str | None
    content_type: str | None
    content: bytes


@dataclass
class TelegramCall:
    """One request the bot made. ``params`` are decoded Python values (JSON-encoded fields such
    as ``reply_markup`` are dicts again); uploaded files are in ``files`` by form field name."""

    method: str
    params: dict[str, Any]
    files: dict[str, UploadedFile]
    content_type: str
    status: int = 200
    result: Any = None
    error: str | None = None
    at: float = field(default_factory=time.monotonic)
    time: float = 0.0  # when it arrived, by the fake's clock

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> int | str | None:
        return self.params.get("chat_id")

    @property
    def text(self) -> str | None:
        """The text or caption the call carried."""
        return self.params.get("text", self.params.get("caption"))

    @property
    def buttons(self) -> list[list[dict]]:
        """Rows of inline buttons of ``reply_markup`` (empty when there are none)."""
        markup = self.params.get("reply_markup") or {}
        return markup.get("inline_keyboard", []) if isinstance(markup, dict) else []

    @property
    def reply_keyboard(self) -> list[list[dict]]:
        """Rows of reply-keyboard buttons (``KeyboardButton``: text, request_contact …),
        each a dict (a plain string button becomes {"text": …})."""
        markup = self.params.get("reply_markup") or {}
        rows = markup.get("keyboard", []) if isinstance(markup, dict) else []
        return [[b if isinstance(b, dict) else {"text": b} for b in row] for row in rows]

    @property
    def removes_keyboard(self) -> bool:
        markup = self.params.get("reply_markup") or {}
        return isinstance(markup, dict) and bool(markup.get("remove_keyboard"))


@dataclass
class _Fault:
    status: int
    retry_after: int | None
    description: str | None
    remaining: int


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    mime_type: str | None = None
    file_name: str | None = None


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _norm_chat_id(value: Any) -> Any:
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    return value


def decode_param(name: str, value: Any) -> Any:
    """Turn one form/query value back into the Python value the client meant."""
    if not isinstance(value, str):
        return value
    if name in JSON_FIELDS or value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    if name in INT_FIELDS:
        return _norm_chat_id(value)
    if name in FLOAT_FIELDS:
        try:
            return float(value)
        except ValueError:
            return value
    if name in BOOL_FIELDS and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


class _Event:
    """A broadcast 'something changed' signal usable from sync code."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        event, self._event = self._event, asyncio.Event()
        event.set()

    def current(self) -> asyncio.Event:
        return self._event


def _strip_html(text: str) -> str:
    """Validate ``text`` as Telegram HTML and return the visible text; raise like Telegram."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    tag_re = re.compile(r"<(/?)([a-zA-Z][\w-]*)((?:\s+[^<>]*)?)\s*>")
    entity_re = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
    while pos < len(text):
        ch = text[pos]
        offset = len(text[:pos].encode())
        if ch == "<":
            m = tag_re.match(text, pos)
            if not m:
                raise TelegramApiError(
                    400,
                    f"Bad Request: can't parse entities: Unexpected end tag at byte offset {offset}"
                    if text.startswith("</", pos)
                    else "Bad Request: can't parse entities: Unsupported start tag at byte "
                    f"offset {offset}",
                )
            closing, tag = m.group(1), m.group(2).lower()
            if tag not in ALLOWED_HTML_TAGS:
                raise TelegramApiError(
                    400,
                    f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}" at byte '
                    f"offset {offset}",
                )
            if closing:
                if not stack or stack[-1] != tag:
                    raise TelegramApiError(
                        400,
                        f"Bad Request: can't parse entities: Can't find end tag corresponding to "
                        f'start tag "{stack[-1] if stack else tag}"',
                    )
                stack.pop()
            else:
                stack.append(tag)
            pos = m.end()
        elif ch == "&":
            m = entity_re.match(text, pos)
            if not m:
                raise TelegramApiError(
                    400,
                    "Bad Request: can't parse entities: Can't find end of the entity starting at "
                    f"byte offset {offset}",
                )
            out.append(html.unescape(m.group(0)))
            pos = m.end()
        else:
            out.append(ch)
            pos += 1
    if stack:
        raise TelegramApiError(
            400,
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag "
            f'"{stack[-1]}"',
        )
    return "".join(out)


Handler = Callable[[dict[str, Any], dict[str, UploadedFile]], Awaitable[Any]]


class FakeTelegram:
    """A Telegram Bot API server on 127.0.0.1 (random free port)."""

    def __init__(
        self,
        token: str = "123456789:AAFakeTokenForGuanjiaTests",
        *,
        bot_username: str = "guanjia_test_bot",
        bot_first_name: str = "Guanjia",
        host: str = "127.0.0.1",
        clock: Callable[[], float] = time.time,
        strict_file_ids: bool = False,
    ):
        self.token = token
        self.host = host
        self.port: int | None = None
        self.clock = clock
        self.strict_file_ids = strict_file_ids
        self.bot_user: dict[str, Any] = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self._calls: list[TelegramCall] = []
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._file_seq = itertools.count(1)
        self._callback_seq = itertools.count(1)
        self._media_group_seq = itertools.count(1)
        self._msg_seq: dict[Any, int] = {}
        self.messages: dict[tuple[Any, int], dict[str, Any]] = {}
        self.chats: dict[Any, dict[str, Any]] = {}
        self.users: dict[int, dict[str, Any]] = {}
        self.files: dict[str, _StoredFile] = {}
        self.members: dict[tuple[Any, int], str] = {}
        self.commands: dict[str, list[dict]] = {}
        self.webhook: dict[str, Any] | None = None
        self.blocked: set[Any] = set()
        self._faults: dict[str, list[_Fault]] = {}
        self._down: tuple[float, int] | None = None  # (until, status)
        self.limits: dict[str, tuple[int, float]] | None = None
        self._sends: list[float] = []  # accepted sends, by the fake's clock
        self._sends_to: dict[Any, list[float]] = {}
        self.status_429 = 0
        self._updates_changed: _Event | None = None
        self._calls_changed: _Event | None = None
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._methods: dict[str, tuple[str, Handler]] = {}
        for name in (
            "getMe",
            "getUpdates",
            "setWebhook",
            "deleteWebhook",
            "getWebhookInfo",
            "sendMessage",
            "sendPhoto",
            "sendDocument",
            "sendMediaGroup",
            "sendLocation",
            "sendVoice",
            "sendVideo",
            "sendAudio",
            "sendAnimation",
            "sendSticker",
            "editMessageText",
            "editMessageReplyMarkup",
            "editMessageCaption",
            "answerCallbackQuery",
            "getFile",
            "deleteMessage",
            "setMyCommands",
            "getMyCommands",
            "deleteMyCommands",
            "getChat",
            "getChatMember",
            "sendChatAction",
            "pinChatMessage",
            "unpinChatMessage",
            "setMessageReaction",
            "close",
            "logOut",
        ):
            handler = getattr(self, "_m_" + name)
            self._methods[name.lower()] = (name, handler)

    # ------------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("FakeTelegram is not started")
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """For ``Bot(base_url=...)`` / ``ApplicationBuilder().base_url(...)``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    async def start(self) -> FakeTelegram:
        self._updates_changed = _Event()
        self._calls_changed = _Event()
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        for _attempt in range(5):
            port = _free_port(self.host)
            site = web.TCPSite(self._runner, self.host, port)
            try:
                await site.start()
            except OSError:
                continue
            self.port = port
            return self
        raise RuntimeError("could not bind a port for FakeTelegram")

    async def close(self) -> None:
        self._closing = True
        if self._updates_changed is not None:
            self._updates_changed.fire()
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ------------------------------------------------------------------ recording

    def calls(self, method: str | None = None, *, ok: bool | None = None) -> list[TelegramCall]:
        """Recorded calls, oldest first; filtered by method name (case-insensitive) and by
        success (``ok=True`` only answered 200, ``ok=False`` only failed ones)."""
        result = []
        for call in self._calls:
            if method is not None and call.method.lower() != method.lower():
                continue
            if ok is not None and call.ok != ok:
                continue
            result.append(call)
        return result

    def sent_to(self, chat_id: int | str) -> list[TelegramCall]:
        """Successful send/edit/delete calls addressed to ``chat_id``."""
        chat_id = _norm_chat_id(chat_id)
        return [
            c
            for c in self._calls
            if c.ok and c.method in SEND_METHODS and c.params.get("chat_id") == chat_id
        ]

    def mark(self) -> int:
        """Position in the call log, for ``wait_for(..., since=tg.mark())``."""
        return len(self._calls)

    def clear_calls(self) -> None:
        self._calls.clear()

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[TelegramCall], bool] | None = None,
        timeout: float = 5,  # noqa: ASYNC109 - the documented helper signature
        *,
        since: int = 0,
        ok: bool | None = True,
    ) -> TelegramCall:
        """The first call (at index >= ``since``) of ``method`` that matches ``predicate``,
        waiting up to ``timeout`` seconds for it to arrive. By default only successful calls
        match; pass ``ok=None`` to match failed ones too."""
        assert self._calls_changed is not None, "FakeTelegram is not started"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        checked = since
        while True:
            changed = self._calls_changed.current()
            for call in self._calls[checked:]:
                if call.method.lower() != method.lower():
                    continue
                if ok is not None and call.ok != ok:
                    continue
                if predicate is None or predicate(call):
                    return call
            checked = max(checked, len(self._calls))
            remaining = deadline - loop.time()
            if remaining <= 0:
                seen = [(c.method, c.params) for c in self._calls[since:]]
                raise TimeoutError(f"no {method} call matched within {timeout}s; calls: {seen}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    # ------------------------------------------------------------------ faults

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int | None = 3,
        count: int = 1,
        description: str | None = None,
    ) -> None:
        """Make the next ``count`` calls of ``method`` fail with HTTP ``status``. 429 answers
        carry ``parameters.retry_after`` (PTB raises RetryAfter); 5xx make PTB raise
        NetworkError; 400/403 make it raise BadRequest/Forbidden."""
        self._faults.setdefault(method.lower(), []).append(
            _Fault(status, retry_after if status == 429 else None, description, count)
        )

    def outage(self, seconds: float, status: int = 502) -> None:
        """Every send (SEND_METHODS) is answered ``status`` for ``seconds`` of the fake's
        clock from now; other methods (getMe, getUpdates) still work."""
        self._down = (self.clock() + seconds, status)

    def enforce_limits(
        self,
        per_second: int = 30,
        group: tuple[int, float] = (20, 60.0),
        private: tuple[int, float] = (3, 3.0),
    ) -> None:
        """Answer 429 (with retry_after) to a send over Telegram's limits: more than
        ``per_second`` in any second overall, ``group`` = (count, seconds) in a group
        chat, ``private`` in a private chat. ``status_429`` counts them."""
        self.limits = {"all": (per_second, 1.0), "group": group, "private": private}

    def _over_limit(self, name: str, params: dict[str, Any]) -> float | None:
        """Seconds to wait when this send would break a limit (None: it may go)."""
        if self.limits is None or name not in SEND_METHODS:
            return None
        now = self.clock()
        chat = params.get("chat_id")
        kind = "group" if str(chat).startswith("-") else "private"
        checks = [
            (self._sends, self.limits["all"]),
            (self._sends_to.setdefault(chat, []), self.limits[kind]),
        ]
        waits = []
        for times, (count, window) in checks:
            while times and times[0] <= now - window:
                times.pop(0)
            if len(times) >= count:
                waits.append(times[-count] + window - now)
        if waits:
            return max(waits)
        for times, _ in checks:
            times.append(now)
        return None

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method.lower())
        if not queue:
            return None
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.pop(0)
        return fault

    # ------------------------------------------------------------------ chats, users, files

    def add_chat(self, chat_id: int, type: str | None = None, **fields: Any) -> dict[str, Any]:
        """Register (or update) a chat; ``type`` is private/group/supergroup/channel."""
        chat = self._chat(chat_id, type)
        chat.update(fields)
        if type:
            chat["type"] = type
        return chat

    def _chat(self, chat_id: Any, chat_type: str | None = None) -> dict[str, Any]:
        chat_id = _norm_chat_id(chat_id)
        if chat_id in self.chats:
            return self.chats[chat_id]
        if isinstance(chat_id, str):
            for chat in self.chats.values():
                if chat.get("username") and "@" + chat["username"] == chat_id:
                    return chat
            raise TelegramApiError(400, "Bad Request: chat not found")
        if chat_type is None:
            if chat_id > 0:
                chat_type = "private"
            elif chat_id <= -1_000_000_000_000:
                chat_type = "supergroup"
            else:
                chat_type = "group"
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            user = self._user(chat_id)
            chat["first_name"] = user["first_name"]
            if user.get("username"):
                chat["username"] = user["username"]
        else:
            chat["title"] = f"Group {abs(chat_id)}"
        self.chats[chat_id] = chat
        return chat

    def add_user(
        self,
        user_id: int,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "zh-hans",
        **fields: Any,
    ) -> dict[str, Any]:
        user = self._user(user_id)
        if first_name:
            user["first_name"] = first_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        user.update(fields)
        return user

    def _user(self, user_id: int) -> dict[str, Any]:
        if user_id not in self.users:
            self.users[user_id] = {
                "id": user_id,
                "is_bot": False,
                "first_name": f"User{user_id}",
                "language_code": "zh-hans",
            }
        return self.users[user_id]

    def block(self, chat_id: int) -> None:
        """The user blocked the bot (private chat) or the bot was removed (group): sends to
        ``chat_id`` now answer 403 Forbidden, as Telegram does."""
        self.blocked.add(_norm_chat_id(chat_id))

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """For getChatMember: creator/administrator/member/left/kicked (default member)."""
        self.members[(_norm_chat_id(chat_id), user_id)] = status

    def add_file(
        self,
        content: bytes,
        *,
        kind: str = "documents",
        ext: str = "bin",
        mime_type: str | None = None,
        file_name: str | None = None,
        file_id: str | None = None,
    ) -> str:
        """Store a file the bot can getFile and download; returns its file_id."""
        n = next(self._file_seq)
        file_id = file_id or f"BQACAgUAAx{kind[:3].upper()}{n:08d}"
        self.files[file_id] = _StoredFile(
            file_id=file_id,
            file_unique_id=f"AgAD{n:06d}",
            file_path=f"{kind}/file_{n}.{ext}",
            content=content,
            mime_type=mime_type,
            file_name=file_name,
        )
        return file_id

    def file_content(self, file_id: str) -> bytes:
        return self.files[file_id].content

    # ------------------------------------------------------------------ updates

    def _now(self) -> int:
        return int(self.clock())

    def _next_message_id(self, chat_id: Any) -> int:
        n = self._msg_seq.get(chat_id, 0) + 1
        self._msg_seq[chat_id] = n
        return n

    def next_update_id(self) -> int:
        return next(self._update_ids)

    def push_update(self, update: Mapping[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates (assigning update_id when it has none)."""
        update = dict(update)
        if "update_id" not in update:
            update["update_id"] = self.next_update_id()
        self._updates.append(update)
        assert self._updates_changed is not None, "FakeTelegram is not started"
        self._updates_changed.fire()
        return update

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        return list(self._updates)

    def make_message_update(
        self,
        user_id: int,
        chat_id: int,
        *,
        chat_type: str | None = None,
        reply_to_message_id: int | None = None,
        first_name: str | None = None,
        username: str | None = None,
        edited: bool = False,
        **fields: Any,
    ) -> dict[str, Any]:
        """An update carrying a message from a user; ``fields`` go into the message."""
        if chat_type is None and chat_id == user_id:
            chat_type = "private"
        user = self.add_user(user_id, first_name=first_name, username=username, language_code=None)
        chat = self._chat(chat_id, chat_type)
        if chat_type and chat["type"] != chat_type:
            chat["type"] = chat_type
        key = _norm_chat_id(chat_id)
        message: dict[str, Any] = {
            "message_id": self._next_message_id(key),
            "date": self._now(),
            "chat": dict(chat),
            "from": dict(user),
        }
        if reply_to_message_id is not None:
            message["reply_to_message"] = self._reply_target(key, reply_to_message_id)
        message.update(fields)
        self.messages[(key, message["message_id"])] = message
        return {
            "update_id": self.next_update_id(),
            "edited_message" if edited else "message": message,
        }

    def make_text_update(
        self,
        user_id: int,
        chat_id: int,
        text: str,
        chat_type: str | None = None,
        reply_to_message_id: int | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """A text message; a leading /command gets its bot_command entity (as Telegram does),
        so PTB's CommandHandler sees it."""
        fields: dict[str, Any] = {"text": text}
        m = re.match(r"/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?", text)
        if m:
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": m.end()}]
        fields.update(kwargs.pop("message_fields", {}))
        return self.make_message_update(
            user_id,
            chat_id,
            chat_type=chat_type,
            reply_to_message_id=reply_to_message_id,
            **fields,
            **kwargs,
        )

    def make_photo_update(
        self,
        user_id: int,
        chat_id: int,
        caption: str | None = None,
        content: bytes = b"\xff\xd8\xff\xe0fake-jpeg",
        chat_type: str | None = None,
        reply_to_message_id: int | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """A photo message with two sizes (thumbnail and full); both downloadable."""
        small = self.add_file(content[:64], kind="photos", ext="jpg", mime_type="image/jpeg")
        big = self.add_file(content, kind="photos", ext="jpg", mime_type="image/jpeg")
        photo = [
            self._photo_size(small, 90, 67),
            self._photo_size(big, 1280, 960),
        ]
        fields: dict[str, Any] = {"photo": photo}
        if caption is not None:
            fields["caption"] = caption
        return self.make_message_update(
            user_id,
            chat_id,
            chat_type=chat_type,
            reply_to_message_id=reply_to_message_id,
            **fields,
            **kwargs,
        )

    def make_document_update(
        self,
        user_id: int,
        chat_id: int,
        content: bytes = b"%PDF-1.4 fake",
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        ext = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        file_id = self.add_file(
            content, kind="documents", ext=ext, mime_type=mime_type, file_name=file_name
        )
        fields: dict[str, Any] = {"document": self._file_object(file_id)}
        if caption is not None:
            fields["caption"] = caption
        return self.make_message_update(user_id, chat_id, **fields, **kwargs)

    def make_voice_update(
        self,
        user_id: int,
        chat_id: int,
        content: bytes = b"OggS fake voice",
        duration: int = 3,
        **kwargs: Any,
    ) -> dict[str, Any]:
        file_id = self.add_file(content, kind="voice", ext="oga", mime_type="audio/ogg")
        voice = {**self._file_object(file_id), "duration": duration}
        return self.make_message_update(user_id, chat_id, voice=voice, **kwargs)

    def make_sticker_update(
        self, user_id: int, chat_id: int, emoji: str = "👍", **kwargs: Any
    ) -> dict[str, Any]:
        file_id = self.add_file(b"RIFF fake webp", kind="stickers", ext="webp")
        sticker = {
            "file_id": file_id,
            "file_unique_id": self.files[file_id].file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self.make_message_update(user_id, chat_id, sticker=sticker, **kwargs)

    def make_contact_update(
        self,
        user_id: int,
        chat_id: int,
        phone_number: str,
        *,
        contact_user_id: int | None = None,
        first_name: str = "张三",
        **kwargs: Any,
    ) -> dict[str, Any]:
        """A shared contact. Pressing a ``request_contact`` button sends the user's own
        (``contact_user_id`` = the sender, the default); forwarding someone else's
        contact card carries that person's user id, or none for a number typed in."""
        contact: dict[str, Any] = {"phone_number": phone_number, "first_name": first_name}
        if contact_user_id is None:
            contact_user_id = user_id
        if contact_user_id:
            contact["user_id"] = contact_user_id
        return self.make_message_update(user_id, chat_id, contact=contact, **kwargs)

    def make_location_update(
        self, user_id: int, chat_id: int, latitude: float, longitude: float, **kwargs: Any
    ) -> dict[str, Any]:
        location = {"latitude": latitude, "longitude": longitude}
        return self.make_message_update(user_id, chat_id, location=location, **kwargs)

    def make_callback_update(
        self,
        user_id: int,
        chat_id: int,
        message_id: int,
        data: str,
        *,
        first_name: str | None = None,
        username: str | None = None,
    ) -> dict[str, Any]:
        """A button press on message ``message_id`` of ``chat_id`` (the bot's message, as
        stored from its sendMessage; a placeholder bot message if it was never sent)."""
        user = self.add_user(user_id, first_name=first_name, username=username, language_code=None)
        key = _norm_chat_id(chat_id)
        message = self.messages.get((key, message_id))
        if message is None:
            message = {
                "message_id": message_id,
                "date": self._now(),
                "chat": dict(self._chat(key)),
                "from": dict(self.bot_user),
                "text": "…",
            }
        return {
            "update_id": self.next_update_id(),
            "callback_query": {
                "id": str(4_000_000_000 + next(self._callback_seq)),
                "from": dict(user),
                "message": json.loads(json.dumps(message)),
                "chat_instance": str(abs(hash(key)) % 10**18),
                "data": data,
            },
        }

    def _reply_target(self, chat_id: Any, message_id: int) -> dict[str, Any]:
        stored = self.messages.get((chat_id, message_id))
        if stored is None:
            return {
                "message_id": message_id,
                "date": self._now(),
                "chat": dict(self._chat(chat_id)),
                "from": dict(self.bot_user),
                "text": "…",
            }
        return {k: v for k, v in stored.items() if k != "reply_to_message"}

    # ------------------------------------------------------------------ webhook delivery

    async def post_update_to(
        self,
        webhook_url: str,
        update: Mapping[str, Any],
        secret_token: str | None = None,
        timeout: float = 5,  # noqa: ASYNC109 - an HTTP client timeout
    ) -> tuple[int, str]:
        """POST ``update`` to the bot's webhook as Telegram would; returns (status, body)."""
        if self._session is None:
            self._session = aiohttp.ClientSession()
        headers = {}
        if secret_token is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret_token
        update = dict(update)
        update.setdefault("update_id", self.next_update_id())
        async with self._session.post(
            webhook_url,
            json=update,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as response:
            return response.status, await response.text()

    async def deliver_webhook(self, update: Mapping[str, Any]) -> tuple[int, str]:
        """POST ``update`` to the URL (and with the secret) given in the last setWebhook."""
        if not self.webhook:
            raise RuntimeError("no webhook is set")
        return await self.post_update_to(
            self.webhook["url"], update, self.webhook.get("secret_token")
        )

    # ------------------------------------------------------------------ HTTP plumbing

    async def _read_params(
        self, request: web.Request
    ) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
        params: dict[str, Any] = {k: v for k, v in request.query.items()}
        files: dict[str, UploadedFile] = {}
        ctype = request.content_type
        if request.method == "POST" and request.can_read_body:
            if ctype == "application/json":
                body = await request.json()
                if not isinstance(body, dict):
                    raise TelegramApiError(400, "Bad Request: request body must be an object")
                params.update(body)
            elif ctype in ("multipart/form-data", "application/x-www-form-urlencoded"):
                form = await request.post()
                for name, value in form.items():
                    if isinstance(value, web.FileField):
                        files[name] = UploadedFile(
                            name, value.filename, value.content_type, value.file.read()
                        )
                    else:
                        params[name] = value
            else:
                await request.read()
        return {k: decode_param(k, v) for k, v in params.items()}, files

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._error_response(401, "Unauthorized")
        requested = request.match_info["method"]
        try:
            params, files = await self._read_params(request)
        except (ValueError, TelegramApiError) as exc:
            return self._error_response(400, f"Bad Request: {exc}")
        entry = self._methods.get(requested.lower())
        name = entry[0] if entry else requested
        call = TelegramCall(name, params, files, request.content_type, time=self.clock())
        fault = self._take_fault(name)
        if fault is not None:
            description = fault.description or (
                f"Too Many Requests: retry after {fault.retry_after}"
                if fault.status == 429
                else f"Bad Gateway ({fault.status})"
                if fault.status >= 500
                else f"Error {fault.status}"
            )
            parameters = {"retry_after": fault.retry_after} if fault.retry_after else None
            return self._record_error(call, fault.status, description, parameters)
        if entry is None:
            return self._record_error(call, 404, "Not Found: method not found")
        if self._down is not None and name in SEND_METHODS:
            until, status = self._down
            if self.clock() < until:
                return self._record_error(call, status, f"Bad Gateway ({status})")
            self._down = None
        wait = self._over_limit(name, params)
        if wait is not None:
            self.status_429 += 1
            retry_after = max(1, math.ceil(wait))
            return self._record_error(
                call,
                429,
                f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
            )
        try:
            result = await entry[1](params, files)
        except TelegramApiError as exc:
            return self._record_error(call, exc.status, exc.description, exc.parameters)
        except (KeyError, TypeError, ValueError) as exc:
            return self._record_error(call, 400, f"Bad Request: invalid parameters ({exc!r})")
        call.result = result
        self._record(call)
        return web.json_response({"ok": True, "result": result})

    def _record(self, call: TelegramCall) -> None:
        self._calls.append(call)
        if self._calls_changed is not None:
            self._calls_changed.fire()

    def _record_error(
        self, call: TelegramCall, status: int, description: str, parameters: dict | None = None
    ) -> web.Response:
        call.status = status
        call.error = description
        self._record(call)
        return self._error_response(status, description, parameters)

    @staticmethod
    def _error_response(
        status: int, description: str, parameters: dict | None = None
    ) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if parameters:
            body["parameters"] = parameters
        return web.json_response(body, status=status)

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._error_response(401, "Unauthorized")
        path = request.match_info["path"]
        for stored in self.files.values():
            if stored.file_path == path:
                return web.Response(
                    body=stored.content,
                    content_type=stored.mime_type or "application/octet-stream",
                )
        return self._error_response(404, "Not Found")

    # ------------------------------------------------------------------ message building

    def _check_markup(self, markup: Any, chat: dict[str, Any] | None = None) -> dict | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise TelegramApiError(400, "Bad Request: can't parse reply keyboard markup JSON")
        for row in markup.get("keyboard", []):
            for button in row:
                button = button if isinstance(button, dict) else {"text": button}
                if not button.get("text"):
                    raise TelegramApiError(400, "Bad Request: text buttons are unallowed")
                if button.get("request_contact") and chat and chat.get("type") != "private":
                    raise TelegramApiError(400, "Bad Request: BUTTON_TYPE_INVALID")
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                    raise TelegramApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                if not button.get("text"):
                    raise TelegramApiError(400, "Bad Request: text buttons are unallowed")
        return markup

    def _visible_text(self, text: str, parse_mode: str | None) -> str:
        if parse_mode and parse_mode.upper() == "HTML":
            return _strip_html(text)
        return text

    def _new_bot_message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = params["chat_id"]
        chat = self._chat(chat_id)
        key = chat["id"]
        if key in self.blocked:
            raise TelegramApiError(
                403,
                "Forbidden: bot was blocked by the user"
                if chat["type"] == "private"
                else "Forbidden: bot was kicked from the group chat",
            )
        message: dict[str, Any] = {
            "message_id": self._next_message_id(key),
            "from": dict(self.bot_user),
            "chat": dict(chat),
            "date": self._now(),
        }
        reply_to = params.get("reply_to_message_id")
        if reply_to is None and isinstance(params.get("reply_parameters"), dict):
            reply_to = params["reply_parameters"].get("message_id")
        if reply_to is not None:
            message["reply_to_message"] = self._reply_target(key, int(reply_to))
        if params.get("message_thread_id"):
            message["message_thread_id"] = params["message_thread_id"]
        caption = params.get("caption")
        if caption is not None and "text" not in content:
            visible = self._visible_text(caption, params.get("parse_mode"))
            if len(visible) > MAX_CAPTION:
                raise TelegramApiError(400, "Bad Request: message caption is too long")
            message["caption"] = visible
            if params.get("caption_entities"):
                message["caption_entities"] = params["caption_entities"]
        message.update(content)
        markup = self._check_markup(params.get("reply_markup"), chat)
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self.messages[(key, message["message_id"])] = message
        return message

    def _stored_message(self, params: dict[str, Any], action: str) -> dict[str, Any]:
        if "inline_message_id" in params:
            raise TelegramApiError(400, "Bad Request: inline messages are not supported here")
        key = self._chat(params["chat_id"])["id"]
        message = self.messages.get((key, params["message_id"]))
        if message is None:
            raise TelegramApiError(400, f"Bad Request: message to {action} not found")
        if message["from"].get("id") != self.bot_user["id"]:
            raise TelegramApiError(400, "Bad Request: message can't be edited")
        return message

    def _file_from_param(
        self,
        value: Any,
        files: dict[str, UploadedFile],
        kind: str,
        ext: str,
        mime_type: str | None = None,
    ) -> str:
        """Resolve a photo/document/... parameter into a stored file_id."""
        upload: UploadedFile | None = None
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value[len("attach://") :])
            if upload is None:
                raise TelegramApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        elif value is None:
            raise TelegramApiError(400, "Bad Request: there is no file in the request")
        elif isinstance(value, str) and re.match(r"https?://", value):
            return self.add_file(b"", kind=kind, ext=ext, mime_type=mime_type)
        elif isinstance(value, str):
            if value in self.files:
                return value
            if self.strict_file_ids:
                raise TelegramApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
            self.add_file(b"", kind=kind, ext=ext, mime_type=mime_type, file_id=value)
            return value
        return self._store_upload(upload, kind, ext, mime_type)

    def _store_upload(
        self, upload: UploadedFile, kind: str, ext: str, mime_type: str | None
    ) -> str:
        name = upload.filename or ""
        if "." in name:
            ext = name.rsplit(".", 1)[-1]
        return self.add_file(
            upload.content,
            kind=kind,
            ext=ext,
            mime_type=upload.content_type or mime_type,
            file_name=upload.filename,
        )

    def _file_object(self, file_id: str) -> dict[str, Any]:
        stored = self.files[file_id]
        obj: dict[str, Any] = {
            "file_id": file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
        }
        if stored.file_name:
            obj["file_name"] = stored.file_name
        if stored.mime_type:
            obj["mime_type"] = stored.mime_type
        return obj

    def _photo_size(self, file_id: str, width: int, height: int) -> dict[str, Any]:
        stored = self.files[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": stored.file_unique_id,
            "width": width,
            "height": height,
            "file_size": len(stored.content),
        }

    def _media_object(self, media_type: str, file_id: str, params: dict[str, Any]) -> Any:
        if media_type == "photo":
            return [self._photo_size(file_id, 1280, 960)]
        obj = self._file_object(file_id)
        if media_type in ("video", "animation"):
            obj.update(
                width=params.get("width", 640),
                height=params.get("height", 480),
                duration=params.get("duration", 1),
            )
        elif media_type in ("voice", "audio"):
            obj["duration"] = params.get("duration", 1)
        elif media_type == "sticker":
            obj = {
                "file_id": file_id,
                "file_unique_id": obj["file_unique_id"],
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        return obj

    async def _send_media(
        self,
        params: dict[str, Any],
        files: dict[str, UploadedFile],
        media_type: str,
        kind: str,
        ext: str,
        mime_type: str | None = None,
    ) -> dict[str, Any]:
        value = params.get(media_type)
        if value is None and media_type in files:
            file_id = self._store_upload(files[media_type], kind, ext, mime_type)
        else:
            file_id = self._file_from_param(value, files, kind, ext, mime_type)
        return self._new_bot_message(
            params, **{media_type: self._media_object(media_type, file_id, params)}
        )

    # ------------------------------------------------------------------ API methods

    async def _m_getMe(self, params, files):
        return dict(self.bot_user)

    async def _m_close(self, params, files):
        return True

    async def _m_logOut(self, params, files):
        return True

    async def _m_getUpdates(self, params, files):
        if self.webhook:
            raise TelegramApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset")
        limit = max(1, min(int(params.get("limit") or 100), 100))
        timeout = float(params.get("timeout") or 0)
        allowed = params.get("allowed_updates") or None
        assert self._updates_changed is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            changed = self._updates_changed.current()
            if offset is not None:
                offset = int(offset)
                if offset < 0:
                    self._updates = self._updates[offset:]
                else:
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
            batch = [u for u in self._updates if allowed is None or any(k in u for k in allowed)][
                :limit
            ]
            remaining = deadline - loop.time()
            if batch or self._closing or remaining <= 0:
                return batch
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    async def _m_setWebhook(self, params, files):
        url = params.get("url", "")
        if not url:
            self.webhook = None
            return True
        if not re.match(r"https?://", url):
            raise TelegramApiError(400, "Bad Request: bad webhook: invalid URL")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise TelegramApiError(400, "Bad Request: secret token contains unallowed characters")
        self.webhook = {
            "url": url,
            "secret_token": secret,
            "allowed_updates": params.get("allowed_updates"),
            "max_connections": params.get("max_connections", 40),
        }
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _m_deleteWebhook(self, params, files):
        self.webhook = None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _m_getWebhookInfo(self, params, files):
        info: dict[str, Any] = {
            "url": self.webhook["url"] if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook:
            info["max_connections"] = self.webhook["max_connections"]
            if self.webhook.get("allowed_updates"):
                info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    async def _m_sendMessage(self, params, files):
        text = params.get("text")
        if not text:
            raise TelegramApiError(400, "Bad Request: message text is empty")
        visible = self._visible_text(str(text), params.get("parse_mode"))
        if len(visible) > MAX_TEXT:
            raise TelegramApiError(400, "Bad Request: message is too long")
        content: dict[str, Any] = {"text": visible}
        if params.get("entities"):
            content["entities"] = params["entities"]
        return self._new_bot_message(params, **content)

    async def _m_sendPhoto(self, params, files):
        return await self._send_media(params, files, "photo", "photos", "jpg", "image/jpeg")

    async def _m_sendDocument(self, params, files):
        return await self._send_media(params, files, "document", "documents", "bin")

    async def _m_sendVoice(self, params, files):
        return await self._send_media(params, files, "voice", "voice", "oga", "audio/ogg")

    async def _m_sendVideo(self, params, files):
        return await self._send_media(params, files, "video", "videos", "mp4", "video/mp4")

    async def _m_sendAudio(self, params, files):
        return await self._send_media(params, files, "audio", "music", "mp3", "audio/mpeg")

    async def _m_sendAnimation(self, params, files):
        return await self._send_media(params, files, "animation", "animations", "mp4")

    async def _m_sendSticker(self, params, files):
        return await self._send_media(params, files, "sticker", "stickers", "webp")

    async def _m_sendMediaGroup(self, params, files):
        media = params.get("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise TelegramApiError(400, "Bad Request: media must include 2-10 items")
        group_id = str(10_000_000_000 + next(self._media_group_seq))
        messages = []
        for item in media:
            media_type = item.get("type")
            kind, ext = {
                "photo": ("photos", "jpg"),
                "video": ("videos", "mp4"),
                "document": ("documents", "bin"),
                "audio": ("music", "mp3"),
            }.get(media_type, (None, None))
            if kind is None:
                raise TelegramApiError(400, f"Bad Request: unsupported media type {media_type}")
            file_id = self._file_from_param(item.get("media"), files, kind, ext)
            item_params = {**params, "caption": item.get("caption"), "reply_markup": None}
            item_params["parse_mode"] = item.get("parse_mode")
            message = self._new_bot_message(
                item_params,
                media_group_id=group_id,
                **{media_type: self._media_object(media_type, file_id, item)},
            )
            if message.get("caption") is None:
                message.pop("caption", None)
            messages.append(message)
        return messages

    async def _m_sendLocation(self, params, files):
        location = {"latitude": params["latitude"], "longitude": params["longitude"]}
        if params.get("horizontal_accuracy") is not None:
            location["horizontal_accuracy"] = params["horizontal_accuracy"]
        return self._new_bot_message(params, location=location)

    async def _m_editMessageText(self, params, files):
        message = self._stored_message(params, "edit")
        text = params.get("text")
        if not text:
            raise TelegramApiError(400, "Bad Request: message text is empty")
        visible = self._visible_text(str(text), params.get("parse_mode"))
        if len(visible) > MAX_TEXT:
            raise TelegramApiError(400, "Bad Request: message is too long")
        markup = self._check_markup(params.get("reply_markup"))
        if message.get("text") == visible and message.get("reply_markup") == markup:
            raise TelegramApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        if "text" not in message:
            raise TelegramApiError(400, "Bad Request: there is no text in the message to edit")
        message["text"] = visible
        if params.get("entities"):
            message["entities"] = params["entities"]
        else:
            message.pop("entities", None)
        self._set_markup(message, markup)
        message["edit_date"] = self._now()
        return message

    async def _m_editMessageCaption(self, params, files):
        message = self._stored_message(params, "edit")
        caption = params.get("caption") or ""
        visible = self._visible_text(caption, params.get("parse_mode"))
        if len(visible) > MAX_CAPTION:
            raise TelegramApiError(400, "Bad Request: message caption is too long")
        markup = self._check_markup(params.get("reply_markup"))
        if message.get("caption", "") == visible and message.get("reply_markup") == markup:
            raise TelegramApiError(400, "Bad Request: message is not modified")
        if "text" in message:
            raise TelegramApiError(400, "Bad Request: there is no caption in the message to edit")
        if visible:
            message["caption"] = visible
        else:
            message.pop("caption", None)
        self._set_markup(message, markup)
        message["edit_date"] = self._now()
        return message

    async def _m_editMessageReplyMarkup(self, params, files):
        message = self._stored_message(params, "edit")
        markup = self._check_markup(params.get("reply_markup"))
        if message.get("reply_markup") == markup:
            raise TelegramApiError(400, "Bad Request: message is not modified")
        self._set_markup(message, markup)
        message["edit_date"] = self._now()
        return message

    @staticmethod
    def _set_markup(message: dict[str, Any], markup: dict | None) -> None:
        if markup and markup.get("inline_keyboard"):
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)

    async def _m_deleteMessage(self, params, files):
        key = self._chat(params["chat_id"])["id"]
        if self.messages.pop((key, params["message_id"]), None) is None:
            raise TelegramApiError(400, "Bad Request: message to delete not found")
        return True

    async def _m_answerCallbackQuery(self, params, files):
        if not params.get("callback_query_id"):
            raise TelegramApiError(
                400, "Bad Request: query is too old and response timeout expired"
            )
        if len(params.get("text") or "") > 200:
            raise TelegramApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        return True

    async def _m_getFile(self, params, files):
        stored = self.files.get(params.get("file_id", ""))
        if stored is None:
            raise TelegramApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    async def _m_setMyCommands(self, params, files):
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise TelegramApiError(400, "Bad Request: can't parse commands JSON object")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command.get("command", "")):
                raise TelegramApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        self.commands[json.dumps(params.get("scope"), sort_keys=True)] = commands
        return True

    async def _m_getMyCommands(self, params, files):
        return self.commands.get(json.dumps(params.get("scope"), sort_keys=True), [])

    async def _m_deleteMyCommands(self, params, files):
        self.commands.pop(json.dumps(params.get("scope"), sort_keys=True), None)
        return True

    async def _m_getChat(self, params, files):
        chat = dict(self._chat(params["chat_id"]))
        chat.setdefault("accent_color_id", 0)
        chat.setdefault("max_reaction_count", 11)
        chat.setdefault(
            "accepted_gift_types",
            {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        )
        return chat

    async def _m_getChatMember(self, params, files):
        chat = self._chat(params["chat_id"])
        user_id = int(params["user_id"])
        user = self.bot_user if user_id == self.bot_user["id"] else self._user(user_id)
        status = self.members.get((chat["id"], user_id), "member")
        member: dict[str, Any] = {"user": dict(user), "status": status}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(
                {
                    name: True
                    for name in (
                        "can_be_edited",
                        "can_manage_chat",
                        "can_delete_messages",
                        "can_manage_video_chats",
                        "can_restrict_members",
                        "can_change_info",
                        "can_invite_users",
                        "can_post_stories",
                        "can_edit_stories",
                        "can_delete_stories",
                        "can_pin_messages",
                    )
                },
                is_anonymous=False,
                can_promote_members=False,
            )
        elif status == "kicked":
            member["until_date"] = 0
        return member

    async def _m_sendChatAction(self, params, files):
        self._chat(params["chat_id"])
        return True

    async def _m_pinChatMessage(self, params, files):
        return True

    async def _m_unpinChatMessage(self, params, files):
        return True

    async def _m_setMessageReaction(self, params, files):
        return True


@pytest.fixture
async def fake_telegram():
    """A started FakeTelegram. In a test module: ``fake_telegram = telegram_api.fake_telegram``
    (after ``from tests.fakes import telegram_api``), then take ``fake_telegram`` as an
    argument."""
    async with FakeTelegram() as fake:
        yield fake
