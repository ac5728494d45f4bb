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
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

from bot.channels.media import MediaFile, media_bytes
from bot.channels.wechat_api import WeChatApiError, WeChatTransientError
from bot.channels.wecom import WeComRobot
from bot.dispatcher import Delivery, Pace, SendError
from handlers.context import env
from models.tables import Ticket
from nlp import mask_personal

log = logging.getLogger(__name__)

PLATFORM = "wecom"
MIN_WAIT = 0.5  # seconds
ROBOT_IMAGE_LIMIT = 2 * 2**20  # bytes: WeCom's limit for a robot image
ROBOT_FILE_MIN, ROBOT_FILE_LIMIT = 5, 20 * 2**20  # bytes: and for a robot's file


class _MustWait(Exception):
    def __init__(self, wait: float):
        super().__init__(f"wait {wait:.1f}s")
        self.wait = wait


async def _do_not_sleep(seconds: float) -> None:
    """Given to WeComRobot as its ``sleep``: a wait goes back to the dispatcher."""
    raise _MustWait(seconds)


def markdown(
    text: str, *, card: bool = False, urgent: bool = False, hint: str = "", notes=()
) -> str:
    """WeCom markdown for a staff message: a card's first line in bold, urgent in orange;
    then the notes (a location and its map, a file that could not be had), then the hint."""
    first, _, rest = text.strip().partition("\n")
    if card:
        first = f"**{first}**"
    if urgent:
        first = f'<font color="warning">{first}</font>'
    out = first + ("\n" + rest if rest else "")
    for note in notes:
        out += f"\n{note}"
    if hint:
        out += f"\n> {hint}"
    return out


def map_url(latitude: float, longitude: float, label: str = "") -> str:
    """A map of the point (AMap, which reads WeChat's GCJ-02 coordinates as they are)."""
    query = urlencode(
        {
            "position": f"{longitude:.6f},{latitude:.6f}",
            "name": label or "业主位置",
            "src": "guanjia",
        }
    )
    return f"https://uri.amap.com/marker?{query}"


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
        files, notes = await _media(payload.get("media") or [], str(payload.get("ticket") or ""))
        content = markdown(
            mask_personal(payload.get("text", "")) or "…",  # no phone numbers in staff chats
            card=row.kind == "card",
            urgent=bool(row.urgent),
            hint=hint,
            notes=notes,
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
        await self._send_files(row.chat_id, files)
        return None

    async def _send_files(self, url: str, files: Files) -> None:
        """After the card or relay (which names every file): the files themselves, photos
        as pictures, voice, video and the rest as files a steward can open. Best effort, so
        the card is never sent twice: what the robot refuses, or meets its limit of 20 a
        minute, is left to the card's line (and the Telegram group, which gets them all)."""
        robot = self.robot()
        for how, file, name in files:
            try:
                if how == "image":
                    await robot.send_image(url, file.content)
                else:
                    media_id = await robot.upload(url, file.content, name)
                    await robot.send_file(url, media_id)
            except (_MustWait, WeChatApiError, WeChatTransientError) as e:
                log.info("wecom robot: a %s was not sent (%s)", how, e)
                return


Files = list[tuple[str, MediaFile, str]]


async def _media(items: list[dict], number: str) -> tuple[Files, list[str]]:
    """What a message's media become in a robot's group: the files to send after the text
    (``image`` for photos the robot shows, ``file`` for the rest), and the lines the text
    gets (a location with its label and a map, a file that could not be had or is too big)."""
    t = env().texts
    files: Files = []
    notes: list[str] = []
    for item in items:
        kind = str(item.get("type") or "document")
        what = (
            t(f"staff.media.{kind}")
            if f"staff.media.{kind}" in t.keys()
            else t("staff.media.document")
        )
        if kind == "location":
            notes.append(_location(item))
            continue
        if kind == "sticker":
            continue
        file = await media_bytes(item)
        if file is None:
            notes.append(t("staff.wecom_media_missing", what=what))
            continue
        if kind == "photo" and file.is_picture(ROBOT_IMAGE_LIMIT):
            files.append(("image", file, file.filename))
        elif ROBOT_FILE_MIN <= len(file.content) <= ROBOT_FILE_LIMIT:
            suffix = Path(file.filename).suffix[:8]
            # an ASCII name: the robot shows it as it is
            files.append(("file", file, f"{kind}-{number or 'guanjia'}{suffix}"))
        else:
            notes.append(t("staff.wecom_media_too_big", what=what))
    return files, notes


def _location(item: dict) -> str:
    t = env().texts
    label = mask_personal(str(item.get("label") or "")).strip()
    try:
        latitude, longitude = float(item["latitude"]), float(item["longitude"])
    except (KeyError, TypeError, ValueError):
        return t("staff.wecom_location_unknown", label=label or t("staff.media.location"))
    return t(
        "staff.wecom_location",
        label=label or t("staff.media.location"),
        url=map_url(latitude, longitude, label),
        latitude=f"{latitude:.5f}",
        longitude=f"{longitude:.5f}",
    )
