"""The web chat channel (``/chat``): a resident writes from a browser — a link on the
property company's website, or an H5 page in the Official Account's menu — and has the
same conversation as on Telegram: unit binding, tickets, photos, buttons, 回访. It is a
third channel adapter, like the others: what the browser posts becomes an ``Incoming``
for ``handlers.router.handle``; what the outbox holds for a web chat is "sent" by
``WebChatSender`` (the browser fetches it, waiting on a long poll).

A browser is a chat: a random id in a signed, HTTP-only cookie (a year). Photos are
kept under ``GUANJIA_MEDIA_DIR/web`` like WeChat's, so the stewards' chats get them.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
import time
from collections import deque
from html import escape
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.channels.media import media_bytes
from bot.dispatcher import Delivery, Pace
from handlers import webchat
from handlers.context import Incoming, env, row_id
from handlers.router import handle, register_rebuilder
from models.tables import InboundMessage

log = logging.getLogger(__name__)

PLATFORM = webchat.PLATFORM
COOKIE = "gj_chat"
STATIC = Path(__file__).with_name("webchat_static")
MAX_PHOTO = 4 * 1024 * 1024  # the server's request limit; the page shrinks bigger photos
MAX_TEXT = 2000
WAIT_SECONDS = 15.0
PER_MINUTE = 30  # messages a browser may send in a minute (a person types fewer)
_PICTURES = {b"\xff\xd8\xff": ".jpg", b"\x89PNG": ".png", b"GIF8": ".gif", b"RIFF": ".webp"}


class WebChatSender:
    """Delivering to a browser is storing (the outbox row, marked sent) and waking the
    browser's long poll in this worker; a browser polling another worker finds it at
    its next look."""

    per_second: float | None = None

    def __init__(self) -> None:
        self.waiters: dict[str, asyncio.Event] = {}

    def pace(self, chat_id: str) -> Pace | None:
        return None

    async def send(self, delivery: Delivery) -> str | None:
        row = delivery.row
        if row.kind == "edit_card":
            return delivery.edit_message_id
        event = self.waiters.get(row.chat_id)
        if event is not None:
            # after the dispatcher has recorded the send (this call's caller)
            asyncio.get_running_loop().call_later(0.05, event.set)
        return f"web-{row.id}"


class WebChatChannel:
    def __init__(self, secret: bytes, media_dir: str, *, demo: bool = False):
        self.secret = secret
        self.media_dir = Path(media_dir) / "web"
        self.demo = demo
        self.sender = WebChatSender()
        self.recent: dict[str, deque[float]] = {}
        self.template = (STATIC / "chat.html").read_text(encoding="utf-8")
        register_rebuilder(PLATFORM, self.rebuild)

    # -- the browser's identity -----------------------------------------------------------
    def _mac(self, value: str) -> str:
        return hmac.new(self.secret, f"chat:{value}".encode(), hashlib.sha256).hexdigest()[:32]

    def visitor(self, request: web.Request) -> str | None:
        raw = request.cookies.get(COOKIE, "")
        value, _, mac = raw.rpartition(".")
        if value and hmac.compare_digest(mac, self._mac(value)):
            return value
        return None

    def _remember(self, response: web.StreamResponse, visitor: str, request: web.Request) -> None:
        response.set_cookie(
            COOKIE,
            f"{visitor}.{self._mac(visitor)}",
            max_age=365 * 86400,
            httponly=True,
            samesite="Lax",
            secure=request.secure,
            path="/chat",
        )

    # -- routes ------------------------------------------------------------------------------
    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/chat", self.page)
        app.router.add_get("/chat/", self.page)
        app.router.add_static("/chat/static", STATIC, append_version=True)
        app.router.add_get("/chat/api/messages", self.messages)
        app.router.add_post("/chat/api/send", self.send)
        app.router.add_get("/chat/api/media/{outbox}/{n}", self.media)

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        for event in self.sender.waiters.values():
            event.set()

    async def page(self, request: web.Request) -> web.StreamResponse:
        """The page, in the script the browser asks for first (its labels are texts of
        ``handlers/texts.yaml``; the conversation follows what the resident writes)."""
        script = page_script(request.headers.get("Accept-Language", ""))
        t = env().texts
        values = {
            "lang": {"hans": "zh-CN", "hant": "zh-Hant", "en": "en"}[script],
            "demo": "demo" if self.demo else "",
            "demo_text": t("webchat.demo", script),
            **{k: t(f"webchat.{k}", script) for k in _LABELS},
        }
        html = self.template
        for key, value in values.items():
            html = html.replace("{{" + key + "}}", escape(value))
        response = web.Response(text=html, content_type="text/html")
        visitor = self.visitor(request)
        if visitor is None:
            self._remember(response, f"w{secrets.token_hex(12)}", request)
        return response

    def _need_visitor(self, request: web.Request) -> str:
        visitor = self.visitor(request)
        if visitor is None:
            raise web.HTTPUnauthorized(text="open /chat first")
        return visitor

    async def messages(self, request: web.Request) -> web.Response:
        visitor = self._need_visitor(request)
        after_out = _int(request.query.get("out"))
        after_in = _int(request.query.get("in"))
        wait = request.query.get("wait") == "1"
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            data = await webchat.history(visitor, after_out, after_in)
            if data["messages"] or not wait or time.monotonic() >= deadline:
                return web.json_response(data)
            event = self.sender.waiters.setdefault(visitor, asyncio.Event())
            event.clear()
            try:
                await asyncio.wait_for(event.wait(), timeout=min(2.0, deadline - time.monotonic()))
            except TimeoutError:
                pass

    async def send(self, request: web.Request) -> web.Response:
        visitor = self._need_visitor(request)
        if request.headers.get("X-Requested-With") != "guanjia-chat":
            raise web.HTTPForbidden(text="sent from another page")  # a cross-site form
        if self._too_fast(visitor):
            script = page_script(request.headers.get("Accept-Language", ""))
            raise web.HTTPTooManyRequests(text=env().texts("webchat.slow_down", script))
        form = await request.post()
        text = str(form.get("text") or "").strip()[:MAX_TEXT]
        button = str(form.get("button") or "").strip()[:64] or None
        client_id = str(form.get("id") or secrets.token_hex(8))[:40]
        media = []
        upload = form.get("photo")
        if isinstance(upload, web.FileField):
            content = upload.file.read(MAX_PHOTO + 1)
            if len(content) > MAX_PHOTO:
                raise web.HTTPRequestEntityTooLarge(MAX_PHOTO, len(content))
            suffix = next((s for magic, s in _PICTURES.items() if content.startswith(magic)), None)
            if suffix is None:
                raise web.HTTPBadRequest(text="a photo must be JPEG, PNG, GIF or WebP")
            path = await asyncio.to_thread(self._keep, content, suffix)
            media.append({"type": "photo", "path": str(path), "platform": PLATFORM})
        if not text and not button and not media:
            raise web.HTTPBadRequest(text="nothing to send")
        language = request.headers.get("Accept-Language", "").split(",")[0].split(";")[0]
        msg = self._incoming(visitor, client_id, text, button, media, language.strip()[:16])
        outcome = await handle(msg)
        return web.json_response(
            {"ok": True, "answer": outcome.callback_answer if outcome else None}
        )

    def _too_fast(self, visitor: str) -> bool:
        """More than PER_MINUTE messages from one browser within a minute (this worker)."""
        at = time.monotonic()
        sent = self.recent.setdefault(visitor, deque())
        while sent and sent[0] < at - 60:
            sent.popleft()
        if len(sent) >= PER_MINUTE:
            return True
        sent.append(at)
        if len(self.recent) > 10_000:  # forget quiet browsers
            for key in [k for k, v in self.recent.items() if not v or v[-1] < at - 60]:
                del self.recent[key]
        return False

    def _incoming(
        self,
        visitor: str,
        client_id: str,
        text: str,
        button: str | None,
        media: list,
        language: str = "",
    ) -> Incoming:
        """``language``: the browser's first language, the platform's setting that
        chooses a new resident's script, as Telegram's ``language_code`` does."""
        return Incoming(
            platform=PLATFORM,
            key=f"{visitor}:{client_id}",
            chat_id=visitor,
            sender_id=visitor,
            text=text,
            button=button,
            media=media,
            message_id=client_id,
            raw={
                "text": text,
                "button": button,
                "media": media,
                "id": client_id,
                "language": language,
            },
            language=language or None,
        )

    def _keep(self, content: bytes, suffix: str) -> Path:
        self.media_dir.mkdir(parents=True, exist_ok=True)
        path = self.media_dir / f"{time.strftime('%Y%m%d')}-{secrets.token_hex(8)}{suffix}"
        path.write_bytes(content)
        return path.resolve()

    async def media(self, request: web.Request) -> web.StreamResponse:
        visitor = self._need_visitor(request)
        item = await webchat.sent_media(
            visitor, _int(request.match_info["outbox"]), _int(request.match_info["n"])
        )
        file = await media_bytes(item) if item else None
        if file is None:
            raise web.HTTPNotFound()
        if not file.content_type.startswith("image/"):  # the page shows pictures only
            return web.Response(
                body=file.content,
                content_type="application/octet-stream",
                headers={"Content-Disposition": "attachment", "X-Content-Type-Options": "nosniff"},
            )
        return web.Response(body=file.content, content_type=file.content_type)

    async def rebuild(self, row: InboundMessage) -> Incoming | None:
        p: dict[str, Any] = row.payload or {}
        return self._incoming(
            row.chat_id,
            str(p.get("id") or row.key),
            p.get("text") or "",
            p.get("button"),
            p.get("media") or [],
            str(p.get("language") or ""),
        )


_LABELS = ("title", "subtitle", "placeholder", "send", "photo")


def page_script(accept_language: str) -> str:
    """hans, hant or en, from the browser's first language (Simplified by default)."""
    first = accept_language.split(",")[0].strip().lower()
    if first.startswith("en"):
        return "en"
    if first.startswith(("zh-tw", "zh-hk", "zh-mo", "zh-hant")):
        return "hant"
    return "hans"


def _int(value: str | None) -> int:
    """A position or an id from the page; 0 (from the start) for anything else."""
    return row_id(value) or 0
