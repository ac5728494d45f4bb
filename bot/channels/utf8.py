"""Texts measured in UTF-8 bytes, as WeChat and WeCom count them."""

from __future__ import annotations

ELLIPSIS = "…"


def cut_utf8(content: str, max_bytes: int) -> str:
    """``content`` if it fits in ``max_bytes`` of UTF-8, else its longest prefix that fits
    together with a trailing '…' (never splitting a character)."""
    encoded = content.encode("utf-8")
    if len(encoded) <= max_bytes:
        return content
    room = max_bytes - len(ELLIPSIS.encode("utf-8"))
    return encoded[:room].decode("utf-8", errors="ignore") + ELLIPSIS
