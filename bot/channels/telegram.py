"""The Telegram adapter (python-telegram-bot 22): updates in, outbox messages out.

No conversation rules here: an update becomes a platform-neutral ``Incoming`` for
``handlers.router``; an outbox row becomes a Bot API call. Long polling by default;
webhook mode on our aiohttp server when ``TELEGRAM_WEBHOOK_URL`` is set, with
Telegram's secret-token header checked.
"""

from __future__ import annotations

import datetime as dtm
import hmac
import json
import logging
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
from aiohttp import web
from telegram import (
    InlineKeyboardMarkup,
    InputFile,
    ReplyParameters,
    Update,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import Application, ApplicationBuilder, TypeHandler

from bot.channels.media import MediaFile, media_bytes, register_fetcher
from bot.channels.telegram_http import AiohttpRequest
from bot.dispatcher import Delivery, Pace, SendError
from bot.settings import Settings
from handlers.context import Incoming, env
from handlers.router import handle, register_rebuilder

log = logging.getLogger(__name__)

PLATFORM = "telegram"
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_TEXT = 4096
MAX_CAPTION = 1024


# -- updates in --------------------------------------------------------------------------
_MEDIA_KINDS = ("document", "voice", "video", "video_note", "audio", "sticker", "animation")
MAX_ID = 2**53  # Telegram's user and chat ids fit in 52 bits; message ids in 31
MAX_FILE_ID = 256
MAX_BUTTON = 64  # callback_data is 1-64 bytes


class BadUpdate(ValueError):
    """An update that does not have the Bot API's shape: answered 400, nothing stored."""


def _id(value: Any, what: str) -> int:
    """An id as the Bot API writes it: an integer (a bool or a 200-digit number is not)."""
    if isinstance(value, bool) or not isinstance(value, int) or not -MAX_ID < value < MAX_ID:
        raise BadUpdate(f"{what} is not a Telegram id")
    return value


def _words(value: Any) -> str:
    """A text field: a string; a number written as one; anything else no text (the
    update itself is stored whole, so nothing is lost)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _file(item: Any) -> str | None:
    file_id = item.get("file_id") if isinstance(item, dict) else None
    return file_id if isinstance(file_id, str) and 0 < len(file_id) <= MAX_FILE_ID else None


def _coordinate(value: Any, limit: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if -limit <= value <= limit else None


def _media(message: dict[str, Any]) -> list[dict[str, Any]]:
    """What the message carries besides words; an item that is not what the Bot API
    sends (no file id, a location off the globe) is left out, not passed on."""
    out: list[dict[str, Any]] = []
    photos = message.get("photo")
    if isinstance(photos, list) and photos and (file_id := _file(photos[-1])):
        out.append({"type": "photo", "file_id": file_id})
    for kind in _MEDIA_KINDS:
        if (file_id := _file(message.get(kind))) is not None:
            out.append({"type": "video" if kind == "video_note" else kind, "file_id": file_id})
    location = message.get("location")
    if isinstance(location, dict):
        lat = _coordinate(location.get("latitude"), 90)
        lon = _coordinate(location.get("longitude"), 180)
        if lat is not None and lon is not None:
            out.append({"type": "location", "latitude": lat, "longitude": lon})
    for m in out:
        m["platform"] = PLATFORM
    return out


def _full_name(user: dict[str, Any]) -> str:
    first, last = _words(user.get("first_name")), _words(user.get("last_name"))
    return (f"{first} {last}" if last else first)[:128]


def read_update(body: bytes) -> Any:
    """An update's JSON (orjson: several times faster than ``json``). A text holding
    half an emoji (a lone UTF-16 surrogate: valid JSON, but no database can store it)
    is kept, with U+FFFD in place of the broken character. Raises on what is not
    JSON."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return _mended(json.loads(body))


def _mended(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, dict):
        return {_mended(k): _mended(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mended(v) for v in value]
    return value


def _dict(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadUpdate(f"{what} is not an object")
    return value


def to_incoming(update: Any) -> Incoming | None:
    """The platform-neutral form of an update, read from Telegram's JSON as it came
    (the webhook's body, a polled update's dict, a stored payload): the Bot API's
    documented fields, without building python-telegram-bot objects first (which
    cost more than storing the message). None for updates that carry no message
    from a person: membership changes, polls, …

    Raises ``BadUpdate`` for what does not have the Bot API's shape (ids that are
    not ids, a message without a chat): the webhook answers 400. Odd contents of a
    well-formed message (a text that is a list, a location off the globe) are read
    as no text or no location, and the message is handled."""
    update = _dict(update, "update")
    key = f"update:{_id(update.get('update_id'), 'update_id')}"
    query = update.get("callback_query")
    if query is not None:
        query = _dict(query, "callback_query")
        user = _dict(query.get("from"), "from")
        message = query.get("message")
        chat = _dict(message.get("chat"), "chat") if isinstance(message, dict) else None
        data = _words(query.get("data"))
        return Incoming(
            platform=PLATFORM,
            key=key,
            chat_id=str(_id(chat.get("id") if chat else user.get("id"), "chat.id")),
            chat_type="private" if chat is None or chat.get("type") == "private" else "group",
            sender_id=str(_id(user.get("id"), "from.id")),
            sender_name=_full_name(user),
            message_id=(
                str(_id(message.get("message_id"), "message_id")) if chat is not None else None
            ),
            button=data if len(data.encode()) <= MAX_BUTTON else "",  # longer: not ours
            button_on=_words(message.get("text") or message.get("caption"))
            if chat is not None
            else "",
            language=_words(user.get("language_code")) or None,
            raw=update,
        )
    message = update.get("message") or update.get("edited_message")
    if message is None:
        return None
    message = _dict(message, "message")
    if message.get("from") is None:
        return None  # a channel post: nobody to answer
    user = _dict(message["from"], "from")
    chat = _dict(message.get("chat"), "chat")
    reply_to = message.get("reply_to_message")
    reply_to = reply_to if isinstance(reply_to, dict) else None
    contact = message.get("contact")
    contact = contact if isinstance(contact, dict) else None
    replied_id = reply_to.get("message_id") if reply_to is not None else None
    return Incoming(
        platform=PLATFORM,
        key=key,
        chat_id=str(_id(chat.get("id"), "chat.id")),
        chat_type="private" if chat.get("type") == "private" else "group",
        sender_id=str(_id(user.get("id"), "from.id")),
        sender_name=_full_name(user),
        message_id=str(_id(message.get("message_id"), "message_id")),
        text=_words(message.get("text")) or _words(message.get("caption")),
        media=_media(message),
        reply_to=str(_id(replied_id, "reply_to_message.message_id")) if reply_to else None,
        reply_to_bot=isinstance(author := (reply_to or {}).get("from"), dict)
        and author.get("is_bot") is True,
        language=_words(user.get("language_code")) or None,
        contact=(
            {
                "phone": _words(contact.get("phone_number"))[:32],
                "user_id": contact.get("user_id")
                if isinstance(contact.get("user_id"), int)
                and not isinstance(contact.get("user_id"), bool)
                else None,
            }
            if contact is not None
            else None
        ),
        raw=update,
    )


class TelegramChannel:
    """Receives updates (polling or webhook) and sends outbox rows."""

    def __init__(self, settings: Settings):
        self.settings = settings
        api = (settings.telegram_api_url or "https://api.telegram.org").rstrip("/")
        builder: ApplicationBuilder = (
            Application.builder()
            .token(settings.telegram_bot_token or "")
            .base_url(f"{api}/bot")
            .base_file_url(f"{api}/file/bot")
            .concurrent_updates(64)
            .request(AiohttpRequest(connections=64))
            .get_updates_request(AiohttpRequest(connections=1, read_timeout=30.0))
        )
        if settings.telegram_webhook_url:
            builder = builder.updater(None)
        self.app = builder.build()
        self.app.add_handler(TypeHandler(Update, self._on_update))
        register_rebuilder(PLATFORM, self._rebuild)
        register_fetcher(PLATFORM, self._fetch)
        self.sender = TelegramSender(self.app.bot, TelegramLimits())
        self.webhook_secret = settings.telegram_webhook_secret or secrets.token_urlsafe(32)

    @property
    def webhook_mode(self) -> bool:
        return bool(self.settings.telegram_webhook_url)

    def add_routes(self, web_app: web.Application) -> None:
        if self.webhook_mode:
            path = urlsplit(self.settings.telegram_webhook_url).path or WEBHOOK_PATH
            web_app.router.add_post(path, self.webhook)

    async def start(self) -> None:
        await self.app.initialize()
        if self.webhook_mode:
            await self.app.bot.set_webhook(
                self.settings.telegram_webhook_url,
                secret_token=self.webhook_secret,
                allowed_updates=Update.ALL_TYPES,
            )
            log.info("telegram: webhook set to %s", self.settings.telegram_webhook_url)
        else:
            await self.app.bot.delete_webhook()
            await self.app.updater.start_polling(
                allowed_updates=Update.ALL_TYPES, timeout=20, poll_interval=0.0
            )
            log.info("telegram: long polling")
        await self.app.start()

    async def stop(self) -> None:
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()

    async def webhook(self, request: web.Request) -> web.Response:
        """Telegram's POST: 403 without the right secret header; otherwise handled
        before answering, so a failure makes Telegram deliver it again."""
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.webhook_secret.encode()):
            log.warning("telegram webhook: bad secret token from %s", request.remote)
            return web.Response(status=403, text="forbidden")
        try:
            msg = to_incoming(read_update(await request.read()))
        except (BadUpdate, ValueError, RecursionError) as e:  # not JSON, or not an update
            log.info("telegram webhook: bad update from %s: %s", request.remote, e)
            return web.Response(status=400, text="bad update")
        if msg is not None:
            await self._handle(msg, answered_after=True)
        return web.Response(text="ok")

    async def _fetch(self, item: dict[str, Any]) -> MediaFile:
        """A Telegram file (a steward's photo for a WeChat resident), downloaded."""
        file = await self.app.bot.get_file(item["file_id"])
        content = await file.download_as_bytearray()
        name = Path(file.file_path or "").name or f"{item.get('type', 'file')}.jpg"
        return MediaFile(bytes(content), name)

    async def _rebuild(self, row) -> Incoming | None:
        return to_incoming(row.payload)

    async def _on_update(self, update: Update, _context: Any) -> None:
        """A polled update (python-telegram-bot's updater; parsed by it, so mended here)."""
        msg = to_incoming(_mended(update.to_dict()))
        if msg is not None:
            await self._handle(msg)

    async def _handle(self, msg: Incoming, answered_after: bool = False) -> None:
        outcome = None
        try:
            outcome = await handle(msg, answered_after=answered_after)
        finally:
            if msg.button is not None:  # always answered, whatever happened
                try:
                    await self.app.bot.answer_callback_query(
                        msg.raw["callback_query"]["id"],
                        text=(outcome.callback_answer or None) if outcome else None,
                    )
                except Exception as e:  # an expired query must not fail the update
                    log.info("telegram: could not answer callback query: %s", e)


# -- messages out ------------------------------------------------------------------------
@dataclass(frozen=True)
class TelegramLimits:
    """Telegram's limits for a bot (its FAQ on broadcasting): about 30 messages a second
    overall, 20 a minute in a group, and in a private chat about one a second (a burst of
    three, then one a second on average). Each is kept with a margin (28 a second, 20 in
    61 s, 3 in 3.3 s): what Telegram counts is when a message arrives, and on a busy host
    a send that leaves on time may arrive after a later one was delayed less, which the
    exact limit would answer with a 429."""

    per_second: float = 28.0
    group: Pace = field(default_factory=lambda: Pace(20, 61.0))
    private: Pace = field(default_factory=lambda: Pace(3, 3.3))


def _keyboard(buttons: list[list[dict[str, str]]] | None) -> dict | None:
    """The outbox's button rows as the Bot API's InlineKeyboardMarkup (JSON)."""
    if not buttons:
        return None
    return {
        "inline_keyboard": [
            [{"text": b["text"], "callback_data": b["data"]} for b in row] for row in buttons if row
        ]
    }


def _reply_keyboard(payload: dict[str, Any]) -> dict | None:
    """A reply keyboard with one "share my phone number" button (request_contact: the
    client sends the user's own contact), or the keyboard removed once it served."""
    if payload.get("contact_button"):
        return {
            "keyboard": [[{"text": payload["contact_button"], "request_contact": True}]],
            "resize_keyboard": True,
            "one_time_keyboard": True,
        }
    if payload.get("remove_keyboard"):
        return {"remove_keyboard": True}
    return None


def _reply(payload: dict[str, Any]) -> dict | None:
    """The message a payload answers, as the Bot API's ReplyParameters (JSON)."""
    if not payload.get("reply_to"):
        return None
    return {"message_id": int(payload["reply_to"]), "allow_sending_without_reply": True}


def _seconds(value: int | dtm.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


class TelegramSender:
    """Outbox rows as Bot API calls. The dispatcher paces them (``pace``, ``per_second``)
    and classifies what fails: Telegram down or unreachable (5xx, timeouts, a wrong
    token) is an outage; a refusal of the message (400, a blocked bot, a migrated chat)
    fails it; flood control (429) pauses the chat for its retry-after."""

    def __init__(self, bot, limits: TelegramLimits | None = None):
        self.bot = bot
        self.limits = limits

    @property
    def per_second(self) -> float | None:
        return self.limits.per_second if self.limits else None

    def pace(self, chat_id: str) -> Pace | None:
        if self.limits is None:
            return None
        return self.limits.group if str(chat_id).startswith("-") else self.limits.private

    async def send(self, delivery: Delivery) -> str | None:
        try:
            return await self._send(delivery)
        except RetryAfter as e:
            raise SendError(
                f"telegram flood control: {e}", retry_after=_seconds(e.retry_after)
            ) from e
        except (BadRequest, Forbidden, ChatMigrated) as e:  # sending again will not help
            raise SendError(f"telegram refused: {e}", retryable=False) from e
        except (TimedOut, NetworkError, TelegramError) as e:  # 5xx, timeouts, connection
            raise SendError(f"telegram unreachable: {e}", outage=True) from e

    async def _send(self, delivery: Delivery) -> str | None:
        row = delivery.row
        payload = row.payload
        chat_id = int(row.chat_id) if row.chat_id.lstrip("-").isdigit() else row.chat_id
        text = payload.get("text", "")
        if row.kind == "edit_card":
            try:
                await self._call(
                    "editMessageText",
                    text=text[:MAX_TEXT],
                    chat_id=chat_id,
                    message_id=int(delivery.edit_message_id),
                    reply_markup=_keyboard(payload.get("buttons")),
                )
            except BadRequest as e:
                if "not modified" not in str(e).lower():
                    raise
            return delivery.edit_message_id
        media = payload.get("media") or []
        keyboard = _keyboard(payload.get("buttons")) or _reply_keyboard(payload)
        reply = _reply(payload)
        if not media:
            sent = await self._call(
                "sendMessage",
                chat_id=chat_id,
                text=text[:MAX_TEXT] or "…",
                reply_markup=keyboard,
                reply_parameters=reply,
            )
            return str(sent["message_id"])
        # media go through PTB's own methods, which take its objects. Each call is a step
        # recorded as it goes, so a retry repeats none (a location or a sticker carries no
        # caption: its words are a step of their own, before it)
        inline = _keyboard(payload.get("buttons"))
        markup = InlineKeyboardMarkup.de_json(inline, self.bot) if inline else None
        reply = ReplyParameters.de_json(reply, self.bot) if reply else None
        steps: list[tuple[str, dict | None, InlineKeyboardMarkup | None]] = []
        for i, item in enumerate(media):
            words, buttons = (text[:MAX_CAPTION], markup) if i == 0 else ("", None)
            if item.get("type") in ("location", "sticker") and words:
                steps.append((words, None, buttons))
                buttons, words = None, ""
            steps.append((words, item, buttons))
        last = None
        for n, (words, item, buttons) in enumerate(steps):
            if n < delivery.parts_done:
                continue
            common = {"reply_markup": buttons, "reply_parameters": reply}
            if item is None:
                last = await self.bot.send_message(chat_id, words, **common)
            else:
                last = await self._send_media(chat_id, item, words or None, common)
            await delivery.part_sent(n + 1)
        return str(last.message_id) if last is not None else None

    async def _call(self, method: str, **params: Any) -> Any:
        """A Bot API call (``sendMessage``, ``editMessageText``) with the JSON body
        built here and the answer kept as JSON: we need only the message id. PTB's
        ``Bot.send_message`` builds request objects and parses the answer into a
        ``Message``, which cost more than the rest of the send; the transport and the
        errors are the same (``AiohttpRequest.call_json``)."""
        body = {k: v for k, v in params.items() if v is not None}
        return await self.bot.request.call_json(f"{self.bot.base_url}/{method}", body)

    async def _send_media(self, chat_id, item: dict, caption: str | None, common: dict):
        kind = item.get("type")
        if kind == "location":
            return await self.bot.send_location(
                chat_id, item["latitude"], item["longitude"], **common
            )
        if kind == "sticker":
            return await self.bot.send_sticker(chat_id, item["file_id"], **common)
        senders = {
            "photo": self.bot.send_photo,
            "document": self.bot.send_document,
            "voice": self.bot.send_voice,
            "video": self.bot.send_video,
            "audio": self.bot.send_audio,
            "animation": self.bot.send_animation,
        }
        source = item.get("file_id") if item.get("platform") in (None, PLATFORM) else None
        if source is None:
            # another platform's media (WeChat's, kept on our disk): upload the file itself
            file = await media_bytes(item)
            if file is None:  # the file is gone: say so, with the words it came with
                t = env().texts
                what = t(f"staff.media.{kind}") if f"staff.media.{kind}" in t.keys() else ""
                missing = t("staff.media_missing", what=what or t("staff.media.document"))
                words = f"{caption}\n{missing}" if caption else missing
                return await self.bot.send_message(chat_id, words, **common)
            source = InputFile(file.content, filename=file.filename)
            if kind not in ("photo", "video"):  # WeChat voice is AMR: not a Telegram voice
                kind = "document"
        send = senders.get(kind, self.bot.send_document)
        return await send(chat_id, source, caption=caption, **common)
