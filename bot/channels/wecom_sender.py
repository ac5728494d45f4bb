"""Outbox rows for WeCom (企业微信) group robots: the stewards' groups on the WeChat side.

``handlers.notify`` queues rows with platform ``wecom`` and the robot's webhook URL as the
chat for communities that set ``stewards_chat.wecom_webhook``. Cards, relays and alerts go out
as markdown, followed by the photos they name; card edits are not possible on a robot
(notify does not queue them; any that arrive are skipped). A robot takes at most 20
messages a minute: the dispatcher paces each robot (``pace``); should the robot's own
count say wait anyway (another sender shares it), the row waits with its place kept.
"""

from __future__ import annotations

import logging

import aiohttp

from bot.channels.media import media_bytes
from bot.channels.wechat_api import WeChatApiError, WeChatTransientError
from bot.channels.wecom import WeComRobot
from bot.dispatcher import Delivery, Pace, SendError
from handlers.context import env
from models.tables import Ticket

log = logging.getLogger(__name__)

PLATFORM = "wecom"
MIN_WAIT = 0.5  # seconds
ROBOT_IMAGE_LIMIT = 2 * 2**20  # bytes: WeCom's limit for a robot image


class _MustWait(Exception):
    def __init__(self, wait: float):
        super().__init__(f"wait {wait:.1f}s")
        self.wait = wait


async def _do_not_sleep(seconds: float) -> None:
    """Given to WeComRobot as its ``sleep``: a wait goes back to the dispatcher."""
    raise _MustWait(seconds)


def markdown(text: str, *, card: bool = False, urgent: bool = False, hint: str = "") -> str:
    """WeCom markdown for a staff message: a card's first line in bold, urgent in orange."""
    first, _, rest = text.strip().partition("\n")
    if card:
        first = f"**{first}**"
    if urgent:
        first = f'<font color="warning">{first}</font>'
    out = first + ("\n" + rest if rest else "")
    if hint:
        out += f"\n> {hint}"
    return out


class WeComSender:
    per_second = None  # robots are limited one by one

    def __init__(self, robot: WeComRobot | None = None, *, timeout: float = 5):
        self._robot = robot
        self._session: aiohttp.ClientSession | None = None
        self.timeout = timeout

    def pace(self, chat_id: str) -> Pace:
        return Pace(20, 60.0)  # WeCom: 20 messages a minute per robot

    def robot(self) -> WeComRobot:
        if self._robot is None:
            self._session = aiohttp.ClientSession()
            self._robot = WeComRobot(
                self._session, sleep=_do_not_sleep, timeout=self.timeout, max_attempts=2
            )
        return self._robot

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(self, delivery: Delivery) -> str | None:
        row = delivery.row
        if row.kind == "edit_card":
            return None  # a robot cannot edit what it sent
        payload = row.payload
        hint = ""
        if row.kind == "card" and payload.get("buttons") and row.ticket_id:
            ticket = await Ticket.get_or_none(id=row.ticket_id)
            if ticket is not None:
                hint = env().texts("staff.wecom_hint", number=ticket.number[-4:])
        content = markdown(
            payload.get("text", "") or "…",
            card=row.kind == "card",
            urgent=bool(row.urgent),
            hint=hint,
        )
        try:
            await self.robot().send_markdown(row.chat_id, content)
        except _MustWait as e:
            raise SendError("wecom robot at its limit", retry_after=max(e.wait, MIN_WAIT)) from None
        except WeChatTransientError as e:
            if e.rate_limited:
                raise SendError(
                    f"wecom robot at its limit: {e}", retry_after=e.retry_after or 60
                ) from e
            raise SendError(f"wecom robot unreachable: {e}", outage=True) from e
        except WeChatApiError as e:
            raise SendError(f"wecom robot refused: {e}", retryable=False) from e
        await self._send_photos(row.chat_id, payload.get("media") or [])
        return None

    async def _send_photos(self, url: str, media: list[dict]) -> None:
        """After the card or relay (which names every photo): the photos themselves.
        Best effort, so the card is never sent twice: a photo that is too big, cannot be
        had, or meets the robot's limit of 20 a minute is left to the card's line (and
        the Telegram group, which gets every photo)."""
        for item in media:
            if item.get("type") != "photo":
                continue
            file = await media_bytes(item)
            if file is None or not file.is_picture(ROBOT_IMAGE_LIMIT):
                continue
            try:
                await self.robot().send_image(url, file.content)
            except (_MustWait, WeChatApiError) as e:
                log.info("wecom robot: a photo was not sent (%s)", e)
                return
