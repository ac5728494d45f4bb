"""The console's cookie and checks: a session cookie signed with the console secret
(HMAC-SHA256), the session it names looked up in ``handlers.console_auth``, and the
CSRF token every action must carry.

The secret is ``GUANJIA_CONSOLE_SECRET``; without it one is generated once and kept in
``data/console_secret`` (readable by its owner only), so sessions survive a restart and
every worker on the machine shares it."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path

from aiohttp import web

from handlers import console_auth

COOKIE = "gj_console"
SESSION = web.AppKey("console_session", object)  # set on the request by ``required``


def load_secret(value: str | None, path: str) -> bytes:
    if value:
        return value.encode()
    file = Path(path)
    if file.exists():
        return file.read_text(encoding="utf-8").strip().encode()
    file.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    try:
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker starting at the same moment made it
        for _ in range(100):
            kept = file.read_text(encoding="utf-8").strip()
            if kept:
                return kept.encode()
            time.sleep(0.01)
        raise
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(secret + "\n")
    return secret.encode()


class Signer:
    def __init__(self, secret: bytes):
        self.secret = secret

    def _mac(self, value: str) -> str:
        return hmac.new(self.secret, value.encode(), hashlib.sha256).hexdigest()[:43]

    def sign(self, value: str) -> str:
        return f"{value}.{self._mac(value)}"

    def unsign(self, signed: str | None) -> str | None:
        if not signed or "." not in signed:
            return None
        value, _, mac = signed.rpartition(".")
        return value if hmac.compare_digest(mac, self._mac(value)) else None


async def current(request: web.Request, signer: Signer) -> console_auth.Session | None:
    key = signer.unsign(request.cookies.get(COOKIE))
    return await console_auth.session(key) if key else None


def set_cookie(
    response: web.StreamResponse, signer: Signer, s: console_auth.Session, secure: bool
) -> None:
    response.set_cookie(
        COOKIE,
        signer.sign(s.key),
        max_age=console_auth.SESSION_HOURS * 3600,
        httponly=True,
        samesite="Lax",
        secure=secure,
        path="/",
    )


def csrf_ok(form_token: str | None, s: console_auth.Session) -> bool:
    return bool(form_token) and hmac.compare_digest(str(form_token), s.csrf)
