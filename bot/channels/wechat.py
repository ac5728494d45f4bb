"""The WeChat Official Account adapter (公众号): callbacks in, outbox messages out.

No conversation rules here. A callback becomes a platform-neutral ``Incoming`` for
``handlers.router``; an outbox row becomes a customer-service message, or a template message
when WeChat's 48-hour window is closed (see ``models.wechat`` for the window rules).

The callback (``GET``/``POST /wechat``) is answered well within WeChat's 5 seconds:

1. authenticate with ``bot.channels.wechat_crypto`` before anything reads the body: in the
   mode the configuration chose (``wechat.encryption``: safe takes only encrypted
   callbacks), the signature, ±5 minutes, the envelope opened with our key (403 when forged,
   stale or sealed with another key); then parse and check each field's type and size
   (400 when unreadable, for that message alone). No input gives a 500;
2. store the message under its key (``msg:<MsgId>``; events have none:
   ``event:<openid>:<CreateTime>:<Event>``), so WeChat's three retries find it stored;
3. answer ``success`` at once; the message is handled afterwards by this worker's handling
   queue (the answer goes out through the outbox as a customer-service message). A failure
   there is logged and the message stays stored for a person to see.

Callbacks that arrive together are stored in one transaction (``StoreBatcher``), and the
handling queue waits while a store is under way, so answering WeChat always comes first
(``bench/wechat_callback.py``: p99 well under 50 ms with 200 residents on SQLite).

What WeChat has that the handlers do not know is translated here:

* a follow (``subscribe``) is ``/start``; from a per-building QR code (``qrscene_demo:3``, or
  ``demo:3`` when a follower scans it) it is ``/start demo:3``: community ``demo``, building 3;
* an unfollow is recorded (no more messages are sent to that openid);
* a menu CLICK key (``wechat.menu`` in the config) is the button ``menu:<kind>``;
* buttons become numbered choices ("回复 1 满意，2 一般"); a reply that is just one of those
  numbers is the button it stands for;
* images, voice and video are downloaded at once into ``GUANJIA_MEDIA_DIR`` and referenced as
  ``{"platform": "wechat", "type": "photo", "media_id": ..., "path": ...}``; voice carries
  WeChat's recognition as the text when there is one.

Going out, a message after the 48-hour window is a template message whose fields are each
written to fit their kind (``fit_field``; see docs/wechat.md); one no template can carry is
a ``SendError`` the dispatcher gives up on and hands to ``handlers.delivery_failures``.
"""

from __future__ import annotations

import asyncio
import logging
import mimetypes
import re
import secrets
import zlib
from itertools import pairwise
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.channels import wechat_crypto
from bot.channels.media import MediaFile, media_bytes
from bot.channels.utf8 import cut_utf8
from bot.channels.wechat_api import (
    RedisTokenStore,
    TokenStore,
    WeChatApiError,
    WeChatClient,
    WeChatTransientError,
    WeChatWindowClosed,
)
from bot.dispatcher import Delivery, SendError
from bot.settings import Settings
from handlers.context import Incoming, env
from handlers.message_facts import facts
from handlers.router import handle, register_rebuilder
from models import telemetry
from models import wechat as state
from models.domain.clock import now
from models.domain.config import (
    TEMPLATE_MIN_ROOM,
    TIME_FORMAT,
    Config,
    template_field_kind,
    template_field_limit,
    template_placeholders,
)
from models.inbound import process_once
from models.outbox import transaction
from models.tables import InboundMessage, InboundStatus, Resident

log = logging.getLogger(__name__)

PLATFORM = "wechat"
CALLBACK_PATH = "/wechat"
STOP_WAIT = 5.0  # seconds
MAX_TEXT_BYTES = 2048  # customer-service text; longer texts are cut (the ticket keeps all)
SCENE = re.compile(r"^[a-z0-9_-]{1,32}(?::[0-9A-Za-z]{1,8})?$")
_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_-]")
_OWN_NUMBER = re.compile(r"^\s*(\d{1,2})\s+(\S.*)$")
_EXTENSIONS = {"image/jpeg": ".jpg", "audio/amr": ".amr", "video/mp4": ".mp4"}


# -- callbacks in -------------------------------------------------------------------------
def message_key(fields: dict[str, Any]) -> str | None:
    """The de-duplication key: the MsgId, or for events sender + CreateTime + event."""
    sender = str(fields.get("FromUserName") or "")
    if not sender or not fields.get("MsgType"):
        return None
    if fields.get("MsgId"):
        return f"msg:{fields['MsgId']}"
    if fields.get("MsgID"):  # some events (TEMPLATESENDJOBFINISH) spell it this way
        return f"msg:{fields['MsgID']}"
    event = str(fields.get("Event") or fields["MsgType"])
    return f"event:{sender}:{fields.get('CreateTime', '')}:{event}"[:191]


def scene_of(fields: dict[str, Any]) -> str | None:
    """``demo:3`` from a follow through a QR code (``qrscene_demo:3``) or a scan (``demo:3``)."""
    key = str(fields.get("EventKey") or "").strip()
    key = key.removeprefix("qrscene_")
    return key if SCENE.match(key) else None


def number_of(text: str) -> str | None:
    """ "1" for "1", " １ ", "1。"; None for anything that is not just a small number."""
    cleaned = text.translate(_DIGITS).strip().rstrip("。.、")
    return cleaned if cleaned.isdigit() and len(cleaned) <= 2 else None


class WeChatChannel:
    """Receives callbacks and sends outbox rows through the Official Account."""

    def __init__(
        self,
        settings: Settings,
        config: Config,
        *,
        token_store: TokenStore | None = None,
        timeout: float = 5,
        workers: int | None = None,
    ):
        self.settings = settings
        self.config = config
        self.token = settings.wechat_token or ""
        self.aes_key = settings.wechat_aes_key or None
        self.app_id = settings.wechat_app_id or ""
        self.mode = config.wechat.encryption
        self.misconfigured = _misconfiguration(self.mode, self.aes_key)
        self._redis = None
        if token_store is None:
            token_store = self._token_store(settings)
        self.client = WeChatClient(
            self.app_id,
            settings.wechat_app_secret or "",
            base_url=settings.wechat_api_url,
            token_store=token_store,
            timeout=timeout,
        )
        self.sender = WeChatSender(self.client, config)
        self.media_dir = Path(settings.media_dir)
        self.workers = workers
        self._store = StoreBatcher()
        # one queue per worker; a person's messages always go to the same one, in order
        self._queues: list[asyncio.Queue[tuple[dict[str, Any], str, bool]]] = []
        self._tasks: list[asyncio.Task] = []
        self._inflight: set[str] = set()  # keys queued or being handled in this process
        register_rebuilder(PLATFORM, self._rebuild)

    def _token_store(self, settings: Settings) -> TokenStore:
        if settings.redis_url:
            import redis.asyncio as redis

            self._redis = redis.from_url(settings.redis_url)
            return RedisTokenStore(self._redis)
        from models.wechat import DatabaseTokenStore

        return DatabaseTokenStore()

    def add_routes(self, web_app: web.Application) -> None:
        web_app.router.add_get(CALLBACK_PATH, self.verify)
        web_app.router.add_post(CALLBACK_PATH, self.callback)

    async def start(self) -> None:
        from models.storage.db import dialect

        if self.workers is None:  # SQLite has one writer: more workers only wait for it
            self.workers = 1 if dialect() == "sqlite" else 16
        self._queues = [asyncio.Queue() for _ in range(self.workers)]
        self._tasks = [
            asyncio.create_task(self._worker(queue), name=f"wechat worker {i}")
            for i, queue in enumerate(self._queues)
        ]
        log.info("wechat: callback at %s, API %s", CALLBACK_PATH, self.settings.wechat_api_url)
        if self.misconfigured:
            log.error("wechat: every callback is refused: %s", self.misconfigured)
        elif self.mode == "safe":
            log.info("wechat: safe mode (安全模式): only encrypted callbacks are accepted")
        elif self.mode == "compatible":
            log.warning(
                "wechat: compatible mode (兼容模式, wechat.encryption): plain callbacks are "
                "accepted too; their signature does not cover the message. Switch the "
                "console and wechat.encryption to safe mode when you can"
            )
        else:
            log.warning(
                "wechat: plain mode (明文模式, wechat.encryption): the signature does not "
                "cover the message, so a captured request can be replayed with another body "
                "for five minutes. Safe mode (安全模式) is recommended"
            )

    async def stop(self) -> None:
        await self.drain(STOP_WAIT)  # messages not handled by then stay stored
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.client.close()
        if self._redis is not None:
            await self._redis.aclose()

    @property
    def busy(self) -> bool:
        """Messages received here and not handled yet."""
        return bool(self._inflight)

    async def drain(self, timeout: float = 10) -> bool:  # noqa: ASYNC109
        """Wait until every message received here is handled; False on timeout."""
        try:
            await asyncio.wait_for(asyncio.gather(*(q.join() for q in self._queues)), timeout)
        except TimeoutError:
            return False
        return True

    # ------------------------------------------------------------------ HTTP
    def _refuse(self, request: web.Request, error: wechat_crypto.CallbackError) -> web.Response:
        log.warning(
            "wechat callback refused with %s from %s: %s",
            error.status,
            request.remote,
            error.reason,
        )
        return web.Response(status=error.status, text="forbidden" if error.status == 403 else "bad")

    async def verify(self, request: web.Request) -> web.Response:
        """URL verification when the callback is saved in the console: echo ``echostr``."""
        try:
            echo = wechat_crypto.verify_get(
                request.query, self.token, self.aes_key, self.app_id, now()
            )
        except wechat_crypto.CallbackError as e:
            return self._refuse(request, e)
        except Exception as e:  # a bug must not become a 500 with a traceback
            return _unexpected(e)
        return web.Response(text=echo)

    async def callback(self, request: web.Request) -> web.Response:
        """A message or event: authenticate, store, answer "success", handle afterwards."""
        try:
            return await self._callback(request)
        except wechat_crypto.CallbackError as e:
            return self._refuse(request, e)
        except Exception as e:  # a bug must not become a 500 with a traceback
            return _unexpected(e)

    async def _callback(self, request: web.Request) -> web.Response:
        if self.misconfigured:
            log.error("wechat callback not accepted: %s", self.misconfigured)
            return web.Response(status=503, text="misconfigured")
        if (request.content_length or 0) > wechat_crypto.MAX_BODY_BYTES:
            raise wechat_crypto.BadRequest("body too large")
        body = await request.read()
        # authenticated before anything reads the body; only then parsed and checked
        xml_text, _encrypted = wechat_crypto.open_post(
            request.query, body, self.token, self.aes_key, self.app_id, now(), mode=self.mode
        )
        fields = wechat_crypto.check_fields(wechat_crypto.parse(xml_text))
        key = message_key(fields)
        if key is None:
            raise wechat_crypto.BadRequest("no FromUserName or MsgType")
        try:
            status, created = await self._store.store(key, fields)
        except Exception as e:  # the database is down: WeChat will try again
            log.error("wechat callback: could not store %s (%s)", key, type(e).__name__)
            return web.Response(status=503, text="try again")
        if (created or status == InboundStatus.RECEIVED) and key not in self._inflight:
            self._inflight.add(key)
            openid = str(fields["FromUserName"])
            queue = self._queues[zlib.crc32(openid.encode()) % len(self._queues)]
            queue.put_nowait((fields, key, created))
        return web.Response(text="success")

    # ------------------------------------------------------------------ handling
    async def _worker(self, queue: asyncio.Queue) -> None:
        """Handles stored messages one after another. While callbacks are being stored it
        waits for them: answering WeChat in time comes first."""
        while True:
            fields, key, first = await queue.get()
            try:
                await self._store.idle()
                await self._process(fields, key, first)
            finally:
                self._inflight.discard(key)
                queue.task_done()

    async def _process(self, fields: dict[str, Any], key: str, first: bool) -> None:
        openid = str(fields["FromUserName"])
        try:
            msg = await self._incoming(fields, key, first)
            if msg is None:  # nothing for the handlers: stored, marked handled
                await process_once(PLATFORM, key, _nothing)
                return
            await handle(msg)
        except Exception:
            log.exception("wechat: handling %s from %s failed (the message is stored)", key, openid)

    async def _rebuild(self, row: InboundMessage) -> Incoming | None:
        """A stored callback that a stopped worker never handled."""
        return await self._incoming(row.payload, row.key, False)

    async def _incoming(self, fields: dict[str, Any], key: str, first: bool) -> Incoming | None:
        openid = str(fields["FromUserName"])
        msg_type = str(fields.get("MsgType") or "").lower()
        msg_id = str(fields.get("MsgId") or "") or None
        base = {
            "platform": PLATFORM,
            "key": key,
            "chat_id": openid,
            "sender_id": openid,
            "message_id": msg_id,
            "raw": fields,
        }
        if msg_type == "event":
            return await self._event(fields, base, first)
        if first:
            await state.opened_by_message(openid)
        if msg_type == "text":
            text = str(fields.get("Content") or "")
            choice = await state.take_choice(openid, number_of(text) or "")
            if choice is not None:
                return Incoming(**base, button=choice)
            return Incoming(**base, text=text)
        await state.take_choice(openid, "")  # anything else: the numbered choices are stale
        if msg_type == "image":
            media = await self._download(fields, "photo")
            media["url"] = str(fields.get("PicUrl") or "")
            return Incoming(**base, media=[media])
        if msg_type == "voice":
            media = await self._download(fields, "voice")
            recognition = str(fields.get("Recognition") or "").strip()
            media["recognition"] = recognition
            return Incoming(**base, text=recognition, media=[media])
        if msg_type in ("video", "shortvideo"):
            return Incoming(**base, media=[await self._download(fields, "video")])
        if msg_type == "location":
            media = {
                "platform": PLATFORM,
                "type": "location",
                "latitude": _float(fields.get("Location_X")),
                "longitude": _float(fields.get("Location_Y")),
                "label": str(fields.get("Label") or ""),
            }
            return Incoming(**base, media=[media])
        if msg_type == "link":
            text = " ".join(str(fields.get(k) or "") for k in ("Title", "Description", "Url"))
            return Incoming(**base, text=text.strip())
        return Incoming(**base)  # a type we do not know: the handlers ask for words

    async def _event(
        self, fields: dict[str, Any], base: dict[str, Any], first: bool
    ) -> Incoming | None:
        openid = base["sender_id"]
        event = str(fields.get("Event") or "").lower()
        if event == "unsubscribe":
            await state.set_subscribed(openid, False)
            log.info("wechat: %s unfollowed the Official Account", openid)
            return None
        if event in ("subscribe", "scan", "click") and first:
            await state.opened_by_event(openid)
        if event == "subscribe":
            await state.set_subscribed(openid, True)
        if event in ("subscribe", "scan"):
            scene = scene_of(fields)
            return Incoming(**base, text=f"/start {scene}" if scene else "/start")
        if event == "click":
            kind = self.config.wechat.menu.get(str(fields.get("EventKey") or ""))
            if kind is None:
                log.info("wechat: menu key %r is not configured", fields.get("EventKey"))
                return None
            return Incoming(**base, button=f"menu:{kind}")
        return None  # VIEW, LOCATION reports, TEMPLATESENDJOBFINISH, ...

    async def _download(self, fields: dict[str, Any], kind: str) -> dict[str, Any]:
        """Fetch the media at once (WeChat keeps it three days) and keep it on disk."""
        media_id = str(fields.get("MediaId") or "")
        item: dict[str, Any] = {"platform": PLATFORM, "type": kind, "media_id": media_id}
        if not media_id:
            return item
        try:
            content, content_type, filename = await self.client.download_media(media_id)
            ext = (
                _EXTENSIONS.get(content_type)
                or Path(filename).suffix
                or mimetypes.guess_extension(content_type)
                or ""
            )
            day = now().astimezone(env().config.tz).strftime("%Y%m%d")
            name = (_SAFE_NAME.sub("_", media_id)[:80] or secrets.token_hex(8)) + ext[:8]
            path = self.media_dir / PLATFORM / day / name
            await asyncio.to_thread(_write, path, content)
            item.update(path=str(path), content_type=content_type, size=len(content))
        except Exception as e:  # kept without the file: a person can still ask for it
            log.warning("wechat: could not download media %s: %s", media_id, e)
            item["error"] = str(e)[:200]
        return item


async def _nothing(_row) -> None:
    return None


def _misconfiguration(mode: str, aes_key: str | None) -> str | None:
    """Why no callback can be accepted with this configuration, or None."""
    if mode == "plain" and not aes_key:
        return None
    if not aes_key:
        return (
            f"wechat.encryption is {mode} and WECHAT_AES_KEY is not set (the console's "
            "EncodingAESKey); set it, or choose wechat.encryption: plain on purpose"
        )
    try:
        wechat_crypto.check_key(aes_key)
    except ValueError as e:
        return f"WECHAT_AES_KEY is not an EncodingAESKey: {e}"
    return None


def _unexpected(error: Exception) -> web.Response:
    """One line naming where it happened (no message, no traceback: either could quote
    what the request carried); the sender gets a plain refusal."""
    frame = error.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    where = f"{Path(frame.tb_frame.f_code.co_filename).name}:{frame.tb_lineno}" if frame else "?"
    log.error("wechat callback refused after an unexpected %s at %s", type(error).__name__, where)
    return web.Response(status=400, text="bad")


class StoreBatcher:
    """Store first, in groups: the callbacks that arrive while a commit is under way are
    stored together in the next transaction (one commit instead of one each), so 200
    residents writing at once do not queue one by one for the database."""

    def __init__(self) -> None:
        self._pending: list[tuple[str, dict[str, Any], asyncio.Future]] = []
        self._flushing: asyncio.Task | None = None
        self._idle = asyncio.Event()
        self._idle.set()

    async def store(self, key: str, fields: dict[str, Any]) -> tuple[str, bool]:
        """(status of the stored row, whether this call created it)."""
        future = asyncio.get_running_loop().create_future()
        self._pending.append((key, fields, future))
        if self._flushing is None:
            self._idle.clear()
            self._flushing = asyncio.create_task(self._flush())
        return await future

    async def idle(self) -> None:
        await self._idle.wait()

    async def _flush(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                try:
                    results = await _store_many([(k, f) for k, f, _ in batch])
                except Exception as e:
                    if len(batch) == 1:
                        _settle(batch[0][2], error=e)
                        continue
                    # one message the database refused must not fail its neighbours:
                    # each is stored on its own (the fields were checked; this is rare)
                    for key, fields, future in batch:
                        try:
                            (result,) = await _store_many([(key, fields)])
                        except Exception as alone:
                            _settle(future, error=alone)
                        else:
                            _settle(future, result)
                    continue
                for (_, _, future), result in zip(batch, results, strict=True):
                    _settle(future, result)
        finally:
            self._flushing = None
            self._idle.set()


def _settle(future: asyncio.Future, result: Any = None, *, error: Exception | None = None) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


async def _store_many(items: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, bool]]:
    """Insert the messages not stored yet, in one transaction; per item (status, created).
    Two workers racing for one key both see "created": the claim before handling decides."""
    keys = list(dict.fromkeys(k for k, _ in items))
    at = now()
    async with transaction() as conn:
        existing = {
            row["key"]: row["status"]
            for row in await InboundMessage.filter(platform=PLATFORM, key__in=keys)
            .using_db(conn)
            .values("key", "status")
        }
        new: dict[str, InboundMessage] = {}
        for key, fields in items:
            if key in existing or key in new:
                continue
            openid = str(fields.get("FromUserName") or "")
            new[key] = InboundMessage(
                platform=PLATFORM,
                key=key,
                chat_id=openid,
                sender_id=openid,
                text=str(fields.get("Content") or fields.get("Recognition") or "")[:20000],
                payload=fields,
                received_at=at,
                status=InboundStatus.RECEIVED,
            )
        if new:
            await InboundMessage.bulk_create(
                list(new.values()), ignore_conflicts=True, using_db=conn
            )
    for _ in new:
        telemetry.MESSAGES_IN.labels(PLATFORM).inc()
    out, seen = [], set()
    for key, _ in items:
        if key in existing:
            out.append((existing[key], False))
        else:
            out.append((InboundStatus.RECEIVED.value, key not in seen))
        seen.add(key)
    return out


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


# -- messages out -----------------------------------------------------------------------
def numbered(
    buttons: list[list[dict[str, str]]] | None, script: str
) -> tuple[str, dict, list[tuple[str, str]]]:
    """For a message's buttons: the line to append ("回复 1 满意，2 一般"), the choices
    ({"1": data, "2": data}) and the (number, label) pairs, for a template field."""
    flat = [b for row in buttons or [] for b in row if b.get("data")]
    if not flat:
        return "", {}, []
    t = env().texts
    # Buttons that already carry distinct numbers ("5 非常满意") keep them.
    own = [_OWN_NUMBER.match(b["text"]) for b in flat]
    if all(own) and len({m.group(1) for m in own}) == len(flat):
        numbers = [m.group(1) for m in own]
        labels = [m.group(2) for m in own]
    else:
        numbers = [str(i) for i in range(1, len(flat) + 1)]
        labels = [b["text"] for b in flat]
    choices = {n: b["data"] for n, b in zip(numbers, flat, strict=True)}
    items = [
        t("wechat.choice", script, n=n, label=lbl) for n, lbl in zip(numbers, labels, strict=True)
    ]
    line = t("wechat.choices", script, choices=t("wechat.choice_sep", script).join(items))
    return line, choices, list(zip(numbers, labels, strict=True))


def short_choices(pairs: list[tuple[str, str]], script: str, room: int) -> str:
    """The numbered answers in at most ``room`` characters, never cut: all of them
    ("回复1同意 2不用了"), else the first and the last ("回复5非常满意…1非常不满意"), else
    the numbers ("回复5/4/3/2/1"); "" when there are none."""
    if not pairs:
        return ""
    t = env().texts
    sep = " " if script == "en" else ""
    every = [f"{n}{sep}{label}" for n, label in pairs]
    tries = [" ".join(every)]
    if len(pairs) > 2:
        tries.append(t("wechat.template_choice_range", script, first=every[0], last=every[-1]))
    numbers = [n for n, _ in pairs]
    tries.append("/".join(numbers))
    steps = (
        [int(b) - int(a) for a, b in pairwise(numbers)] if all(map(str.isdigit, numbers)) else []
    )
    if steps and len(set(steps)) == 1 and abs(steps[0]) == 1:
        tries.append(f"{numbers[0]}-{numbers[-1]}")  # 5-1: consecutive numbers
    for choices in tries:
        text = t("wechat.template_choices", script, choices=choices)
        if len(text) <= room:
            return text
    return _cut(t("wechat.template_choices", script, choices=tries[-1]), room)


def _transient(e: WeChatTransientError) -> SendError:
    """WeChat's rate limit (the lane waits), or WeChat busy or unreachable (an outage)."""
    if e.rate_limited:
        return SendError(f"wechat rate limit: {e}", retry_after=e.retry_after or 60)
    return SendError(f"wechat unreachable: {e}", outage=True)


class WeChatSender:
    """Delivers outbox rows to an openid: a customer-service message while the window is
    open and its quota lasts, else the configured template message."""

    per_second = None  # WeChat counts by day and by follower (``models.wechat``)

    def __init__(self, client: WeChatClient, config: Config):
        self.client = client
        self.config = config

    def pace(self, chat_id: str) -> None:
        return None

    async def send(self, delivery: Delivery) -> str | None:
        row = delivery.row
        if row.kind == "edit_card":
            return None  # nothing on WeChat can be edited
        openid = row.chat_id
        buttons = row.payload.get("buttons")
        text = row.payload.get("text", "")
        media = row.payload.get("media") or []
        key = row.payload.get("text_key")
        t = env().texts
        reworded = f"wechat.say.{key}" if key and f"wechat.say.{key}" in t.keys() else None
        script = "hans"
        if buttons or media or reworded:  # numbers, notes, WeChat's wording: their script
            resident = await Resident.get_or_none(platform=PLATFORM, platform_user_id=openid)
            script = resident.script if resident is not None else "hans"
        line, choices, pairs = numbered(buttons, script)
        which = await state.take_quota(openid)  # only for followers with quota left
        if which is not None:
            if reworded:  # "点选下面的按钮" where there are no buttons: WeChat's own words
                text = t(reworded, script, **await facts(row.ticket_id, key))
            photos, missing = await _photos(media)
            note = _media_note(missing, script)
            full = "\n".join(part for part in (text, note, line) if part)
            try:
                await self.client.send_text(openid, cut_utf8(full or "…", MAX_TEXT_BYTES))
            except WeChatWindowClosed as e:
                log.info("wechat: window closed for %s (%s): template instead", openid, e.errcode)
                await state.close_window(openid)
            except WeChatTransientError as e:
                await state.give_back(openid, which)
                raise _transient(e) from e
            except WeChatApiError as e:
                await state.give_back(openid, which)
                await _unfollowed(openid, e)
                raise SendError(f"wechat refused: {e}", retryable=False) from e
            else:
                if choices:
                    await state.remember_choices(openid, choices)
                await self._send_photos(openid, photos)
                return None
        contact = await state.contact(openid)
        if not contact.subscribed:
            raise SendError(f"{openid} does not follow the Official Account", retryable=False)
        return await self._template(row, openid, text, media, pairs, choices, script)

    async def _send_photos(self, openid: str, photos: list[MediaFile]) -> None:
        """After the text went out: each photo is uploaded and sent as an image, while
        the customer-service window and quota last. Best effort: the text (which names
        the steward and the ticket) is the message; a photo that fails is logged, not
        retried, so the text is never sent twice."""
        for file in photos:
            which = await state.take_quota(openid)
            if which is None:
                log.warning("wechat: no quota left for a photo to %s", openid)
                return
            try:
                media_id = await self.client.upload_image(
                    file.content, file.filename, file.content_type
                )
                await self.client.send_image(openid, media_id)
            except WeChatApiError as e:  # transient ones included (see the docstring)
                await state.give_back(openid, which)
                log.warning("wechat: a photo to %s could not be sent: %s", openid, e)
                return

    async def _template(
        self,
        row,
        openid: str,
        text: str,
        media: list[dict],
        pairs: list[tuple[str, str]],
        choices: dict,
        script: str,
    ) -> str | None:
        """The message as a template message: each field gets its value, made to fit the
        field's kind (the short text, the numbered answers written shorter, never cut)."""
        cfg = self.config.wechat
        key = row.payload.get("text_key")
        if script == "hans" and not pairs and not media and key:
            resident = await Resident.get_or_none(platform=PLATFORM, platform_user_id=openid)
            script = resident.script if resident is not None else "hans"
        name = cfg.template(key)
        if name is None:
            raise SendError(
                "the 48-hour window is closed and no template message is configured "
                f"(wechat.template_for) for {key or 'this message'}",
                retryable=False,
            )
        template = cfg.templates[name]
        if pairs and not template.carries("choices"):
            raise SendError(
                f"the 48-hour window is closed and template {name!r} has no field for the "
                f"numbered answers of {key or 'this message'}",
                retryable=False,
            )
        found = await facts(row.ticket_id, key)
        found.update(row.payload.get("facts") or {})  # a message about no ticket (a notice)
        data = {
            field: fit_field(field, value, found, text, media, pairs, key, script)
            for field, value in template.fields.items()
        }
        try:
            answer = await self.client.send_template(
                openid, template.template_id, data, url=template.url
            )
        except WeChatTransientError as e:
            raise _transient(e) from e
        except WeChatApiError as e:
            await _unfollowed(openid, e)
            raise SendError(f"wechat refused the template message: {e}", retryable=False) from e
        if choices:
            await state.remember_choices(openid, choices)
        msgid = answer.get("msgid")
        return str(msgid) if msgid is not None else None


def _cut(text: str, room: int) -> str:
    """``text`` in at most ``room`` characters: whitespace made single spaces, trailing
    punctuation dropped when it is cut, and '…' where it was cut."""
    text = " ".join(str(text).split())
    if len(text) <= room:
        return text
    if room <= 1:
        return "…"[:room]
    return text[: room - 1].rstrip(" ，,。.；;：:、") + "…"


_COURTESY = re.compile(r"^(?:感谢|谢谢|多谢|您好|打扰|Thank|Hello|Sorry)[^！!。.]{0,30}[！!。.]\s*")


def short_text(key: str | None, found: dict[str, str], text: str, script: str, room: int) -> str:
    """The message in ``room`` characters: its short form in texts.yaml
    (``wechat.template.<key>``) with the steward's words shortened to fit, else its own
    words without the opening courtesy, shortened."""
    t = env().texts
    short_key = f"wechat.template.{key}" if key else ""
    if short_key in t.keys():
        form = t.template(short_key, script)
        used = template_placeholders(form)  # facts: the steward's words, a name, a date
        left = max(0, room - len(form.format(**dict.fromkeys(used, ""))))
        shares = _shares([found.get(p, "") for p in used], left)
        filled = {p: _cut(found.get(p, ""), n) for p, n in zip(used, shares, strict=True)}
        from nlp import to_script

        return _cut(to_script(form.format(**filled), script), room)  # a steward's words too
    words = " ".join(text.split())
    words = _COURTESY.sub("", words, count=1) or words
    return _cut(words, room)


def _shares(values: list[str], room: int) -> list[int]:
    """Room for each value: the short ones get what they need, the rest share the remainder."""
    shares = [0] * len(values)
    left, todo = room, sorted(range(len(values)), key=lambda i: len(values[i]))
    while todo:
        fair = left // len(todo)
        i = todo.pop(0)
        shares[i] = min(len(values[i]), fair)
        left -= shares[i]
    return shares


def fit_field(
    field: str,
    value: str,
    found: dict[str, str],
    text: str,
    media: list[dict],
    pairs: list[tuple[str, str]],
    key: str | None,
    script: str,
) -> str:
    """One template field's value, made to fit its kind: the fixed values as they are
    (number, status, time), the others given the room that is left."""
    from nlp import to_script

    t = env().texts
    limit = template_field_limit(field) or 20
    chinese = script if script in ("hant", "hk") else "hans"
    no_ticket = t("wechat.template_no_ticket", chinese)
    fixed = {
        "number": found.get("number") or "-",
        "status": to_script(found.get("status") or no_ticket, chinese),
        "kind": to_script(found.get("kind") or no_ticket, chinese),
        "time": now().astimezone(env().config.tz).strftime(TIME_FORMAT),
    }
    used = template_placeholders(value)
    elastic = [p for p in used if p not in fixed]
    literal_and_fixed = value.format(**fixed, **dict.fromkeys(elastic, ""))
    room = max(0, limit - len(literal_and_fixed))
    tag = _media_note(media, script, key="wechat.media_tag")
    wanted = {
        "title": t("wechat.template_title", script),
        "summary": found.get("summary") or t("wechat.template_title", script),
        "unit": found.get("unit") or "-",
        "community": found.get("community") or "-",
        "text": " " * room,
    }
    filled = {}
    if "choices" in elastic:  # the answers first, whole: the rest share what they leave
        others = sum(TEMPLATE_MIN_ROOM.get(p, 0) for p in elastic if p != "choices")
        filled["choices"] = short_choices(pairs, script, max(0, room - others)) or "-"
        room = max(0, room - len(filled["choices"]) * elastic.count("choices"))
        elastic = [p for p in elastic if p != "choices"]
    shares = _shares([wanted[p] for p in elastic], room)
    for p, n in zip(elastic, shares, strict=True):
        if p == "text":
            words = short_text(key, found, text, script, max(0, n - len(tag) - 1 if tag else n))
            filled[p] = f"{tag} {words}".strip() if tag else words
        else:
            filled[p] = _cut(wanted[p], n)
    out = " ".join(value.format(**fixed, **filled).split())
    if not out:
        out = "无" if template_field_kind(field) in ("phrase", "const") else "-"
    return out


_WECHAT_IMAGE_LIMIT = 10 * 2**20


async def _photos(media: list[dict]) -> tuple[list[MediaFile], list[dict]]:
    """The photos a customer-service message can carry (JPEG/PNG up to 10 MB, fetched
    from wherever they are), and the items it cannot (other kinds, or not to be had)."""
    photos: list[MediaFile] = []
    missing: list[dict] = []
    for item in media:
        file = await media_bytes(item) if item.get("type") == "photo" else None
        if file is not None and file.is_picture(_WECHAT_IMAGE_LIMIT):
            photos.append(file)
        else:
            missing.append(item)
    return photos, missing


def _media_note(items: list[dict], script: str, key: str = "wechat.media_note") -> str:
    """ "（另附照片 2 张，在这里无法显示；如需查看，请回复我们。）" (or the short tag
    "[照片 2 张]"), or "" when there is nothing to mention."""
    if not items:
        return ""
    t = env().texts
    photos = sum(1 for m in items if m.get("type") == "photo")
    parts = []
    if photos:
        parts.append(t("wechat.media.photo", script, n=photos))
    if len(items) > photos:
        parts.append(t("wechat.media.other", script, n=len(items) - photos))
    return t(key, script, what=t("wechat.choice_sep", script).join(parts))


async def _unfollowed(openid: str, error: WeChatApiError) -> None:
    if error.errcode == 43004:  # "require subscribe": they no longer follow us
        await state.set_subscribed(openid, False)
