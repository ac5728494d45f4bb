"""WeCom (企业微信) group-robot client: stewards' group chats get ticket cards as markdown.

A robot webhook accepts at most 20 messages per minute; beyond that it answers
``{"errcode": 45009, "errmsg": "api freq out of limit"}``. :class:`WeComRobot` keeps a
sliding 60-second window per webhook URL and WAITS for a free slot rather than dropping a
message; if the robot still answers 45009 (another worker or program shares the robot), it
waits for the window to free and tries again. Messages to one robot go out one at a time, in
the order they were handed over. Markdown content is cut to WeCom's 4096-byte limit on a
UTF-8 character boundary.

Errors use the WeChat API client's classes, so the outbox dispatcher handles one family:
:class:`~bot.channels.wechat_api.WeChatTransientError` (timeouts, 5xx, still rate-limited
after ``max_attempts``) and :class:`~bot.channels.wechat_api.WeChatApiError` (bad webhook
key, invalid content, ...).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import aiohttp

from bot.channels.utf8 import cut_utf8
from bot.channels.wechat_api import WeChatApiError, WeChatTransientError
from models.domain.clock import Clock, get_clock

__all__ = [
    "MARKDOWN_MAX_BYTES",
    "RATE_LIMIT_ERRCODE",
    "TEXT_MAX_BYTES",
    "WeComRobot",
    "cut_utf8",
    "upload_url",
]

log = logging.getLogger(__name__)

MARKDOWN_MAX_BYTES = 4096
TEXT_MAX_BYTES = 2048
RATE_LIMIT_ERRCODE = 45009


def upload_url(webhook_url: str, kind: str = "file") -> str:
    """The robot's upload address: ``…/webhook/upload_media?key=K&type=file`` for the
    webhook ``…/webhook/send?key=K``."""
    parts = urlsplit(webhook_url)
    path = parts.path.replace("/webhook/send", "/webhook/upload_media")
    query = urlencode([*parse_qsl(parts.query), ("type", kind)])
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


class WeComRobot:
    """Sends to WeCom group robots, at most ``limit`` messages per ``window`` seconds per
    webhook URL. ``clock`` and ``sleep`` are injectable so tests run a minute in no time."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        clock: Clock | None = None,
        *,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        limit: int = 20,
        window: float = 60.0,
        timeout: float = 5,
        max_attempts: int = 10,
    ):
        self.session = session
        self._clock = clock
        self._sleep = sleep
        self.limit = limit
        self.window = window
        self.timeout = timeout
        self.max_attempts = max_attempts
        self._sent: dict[str, deque[float]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def _now(self) -> float:
        return (self._clock or get_clock()).now().timestamp()

    async def send_markdown(self, webhook_url: str, content: str) -> dict[str, Any]:
        """Send markdown to the robot at ``webhook_url`` (waiting for a free slot)."""
        content = cut_utf8(content, MARKDOWN_MAX_BYTES)
        return await self._send(
            webhook_url, {"msgtype": "markdown", "markdown": {"content": content}}
        )

    async def send_text(
        self, webhook_url: str, content: str, mentioned_mobile_list: list[str] | None = None
    ) -> dict[str, Any]:
        """Plain text (2048-byte limit), optionally @-mentioning members by mobile number."""
        text: dict[str, Any] = {"content": cut_utf8(content, TEXT_MAX_BYTES)}
        if mentioned_mobile_list:
            text["mentioned_mobile_list"] = mentioned_mobile_list
        return await self._send(webhook_url, {"msgtype": "text", "text": text})

    async def send_image(self, webhook_url: str, content: bytes) -> dict[str, Any]:
        """A JPG or PNG of at most 2 MB (the caller checks), as base64 with its md5."""
        image = {
            "base64": base64.b64encode(content).decode("ascii"),
            "md5": hashlib.md5(content).hexdigest(),
        }
        return await self._send(webhook_url, {"msgtype": "image", "image": image})

    async def upload(
        self, webhook_url: str, content: bytes, filename: str, kind: str = "file"
    ) -> str:
        """Upload a file (5 bytes to 20 MB) or an AMR voice (up to 2 MB) to the robot; its
        media id, good for that robot's ``file``/``voice`` messages for three days. An
        upload is not a message: it does not count against the 20 a minute."""
        url = upload_url(webhook_url, kind)
        data = aiohttp.FormData()
        data.add_field("media", content, filename=filename, content_type="application/octet-stream")
        try:
            async with self.session.post(
                url, data=data, timeout=aiohttp.ClientTimeout(total=self.timeout)
            ) as response:
                body = await response.read()
                status = response.status
        except TimeoutError:
            raise WeChatTransientError(f"timeout after {self.timeout}s uploading") from None
        except aiohttp.ClientError as exc:
            raise WeChatTransientError(f"{type(exc).__name__} uploading to a robot") from None
        if status >= 500:
            raise WeChatTransientError(f"HTTP {status} from wecom robot upload", status=status)
        try:
            answer = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise WeChatApiError(-2, f"unreadable upload answer (HTTP {status})") from None
        errcode = int(answer.get("errcode") or 0) if isinstance(answer, dict) else -2
        if errcode or not answer.get("media_id"):
            raise WeChatApiError(errcode or -2, str(answer.get("errmsg", "no media_id")))
        return str(answer["media_id"])

    async def send_file(self, webhook_url: str, media_id: str, kind: str = "file") -> dict:
        """A file (or voice) message of a media id :meth:`upload` gave."""
        return await self._send(webhook_url, {"msgtype": kind, kind: {"media_id": media_id}})

    def sent_in_window(self, webhook_url: str) -> int:
        """How many messages this client sent to the robot in the current window."""
        self._expire(webhook_url, self._now())
        return len(self._sent.get(webhook_url, ()))

    def _expire(self, url: str, now: float) -> deque[float]:
        sent = self._sent.setdefault(url, deque())
        while sent and sent[0] <= now - self.window:
            sent.popleft()
        return sent

    async def _wait_for_slot(self, url: str) -> None:
        while True:
            now = self._now()
            sent = self._expire(url, now)
            if len(sent) < self.limit:
                return
            wait = sent[0] + self.window - now
            log.info("wecom robot at its limit; waiting %.1fs for a free slot", wait)
            await self._sleep(max(wait, 0.001))

    async def _send(self, url: str, payload: dict[str, Any]) -> dict[str, Any]:
        lock = self._locks.setdefault(url, asyncio.Lock())
        async with lock:  # one at a time per robot, in order
            for attempt in range(1, self.max_attempts + 1):
                await self._wait_for_slot(url)
                answer = await self._post(url, payload)
                # Record after the answer: the robot counted it no later than now.
                errcode = int(answer.get("errcode") or 0)
                if errcode == 0:
                    self._sent[url].append(self._now())
                    return answer
                if errcode != RATE_LIMIT_ERRCODE:
                    raise WeChatApiError(errcode, str(answer.get("errmsg", "")))
                # Someone else shares this robot: wait until a full window after our oldest
                # message (or a whole window if we sent none) and try again.
                sent = self._sent[url]
                now = self._now()
                wait = (sent[0] + self.window - now) if sent else self.window
                log.warning(
                    "wecom robot answered 45009 (attempt %d); retrying in %.1fs", attempt, wait
                )
                await self._sleep(max(wait, 0.001))
        raise WeChatTransientError(
            f"wecom robot still rate-limited after {self.max_attempts} attempts",
            errcode=RATE_LIMIT_ERRCODE,
            retry_after=self.window,
        )

    async def _post(self, url: str, payload: dict[str, Any]) -> dict[str, Any]:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            async with self.session.post(
                url,
                data=data,
                headers={"Content-Type": "application/json; charset=utf-8"},
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            ) as response:
                body = await response.read()
                status = response.status
        except TimeoutError:
            raise WeChatTransientError(
                f"timeout after {self.timeout}s calling wecom robot"
            ) from None
        except aiohttp.ClientError as exc:
            raise WeChatTransientError(f"{type(exc).__name__} calling wecom robot") from None
        if status >= 500:
            raise WeChatTransientError(f"HTTP {status} from wecom robot", status=status)
        try:
            answer = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise WeChatApiError(
                -2, f"unreadable answer (HTTP {status}) from wecom robot"
            ) from None
        if not isinstance(answer, dict):
            raise WeChatApiError(-2, "unexpected answer from wecom robot")
        return answer
