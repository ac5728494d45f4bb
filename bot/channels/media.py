"""Media that travels between platforms: a steward's Telegram photo for a WeChat
resident, a WeChat resident's photo for the Telegram stewards.

A media item (``Incoming.media``) names the platform it came from and either a path on
our disk (WeChat media is downloaded on arrival: WeChat keeps it three days) or that
platform's own file id. ``media_bytes`` gets the file for another platform's sender:
from disk when it is there, else from the platform it came from, through the fetcher
that platform's channel registered.
"""

from __future__ import annotations

import asyncio
import logging
import mimetypes
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MediaFile:
    content: bytes
    filename: str

    @property
    def content_type(self) -> str:
        return mimetypes.guess_type(self.filename)[0] or "application/octet-stream"

    def is_picture(self, max_bytes: int) -> bool:
        """A JPEG or PNG within ``max_bytes``: what WeChat and WeCom show as an image."""
        return self.content_type in ("image/jpeg", "image/png") and len(self.content) <= max_bytes


Fetcher = Callable[[dict[str, Any]], Awaitable[MediaFile]]
_fetchers: dict[str, Fetcher] = {}


def register_fetcher(platform: str, fetch: Fetcher) -> None:
    """How a channel downloads its own platform's file for an item (by its file id)."""
    _fetchers[platform] = fetch


def _read(path: str) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except OSError:
        return None


async def media_bytes(item: dict[str, Any]) -> MediaFile | None:
    """The file behind a media item, or None when it cannot be had (gone from disk,
    its platform not running here, the download failed): the caller says so in words."""
    path = item.get("path")
    if path:
        content = await asyncio.to_thread(_read, path)
        if content is not None:
            return MediaFile(content, Path(path).name)
    fetch = _fetchers.get(item.get("platform") or "")
    if fetch is None or not item.get("file_id"):
        return None
    try:
        return await fetch(item)
    except Exception as e:  # a file that cannot be fetched is described instead
        log.warning("could not fetch %s %s: %s", item.get("platform"), item.get("type"), e)
        return None
