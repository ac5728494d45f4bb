"""python-telegram-bot's HTTP transport on aiohttp's client.

PTB ships an httpx transport; aiohttp is already our server, so its client carries
the Bot API calls instead, through PTB's documented ``BaseRequest`` extension point
(PTB still builds every request and parses every answer), with orjson for answers.

``call_json`` is the one shortcut: the outbox's text messages and card edits (every
ticket's confirmation and card) post their JSON on the same session without PTB's
request objects, and Telegram's refusals become PTB's exceptions, as ``BaseRequest``
maps them. One ``ClientTimeout`` bounds a whole call, the wait for a free connection
included: a call that times out before it has a connection sends nothing (so the
outbox's retry cannot make a second copy). Proxy settings come from the environment
(``HTTPS_PROXY``, ``NO_PROXY``), as Telegram is often reached through one; they are read
once per host (aiohttp's ``trust_env`` reads them, and ``.netrc``, on every call: twice
the CPU of a call).
"""

from __future__ import annotations

import urllib.request
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import orjson
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import BaseRequest, RequestData

_JSON = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    def __init__(
        self,
        connections: int = 64,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        media_write_timeout: float | None = 20.0,
    ):
        self._connections = connections
        self._read = read_timeout
        self._write = write_timeout
        self._connect = connect_timeout
        self._media_write = media_write_timeout
        self._timeout = _timeout(read_timeout, write_timeout, connect_timeout)  # the default
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, str] = {}
        self._proxy_of: dict[tuple[str, str], str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections),
                headers={"User-Agent": self.USER_AGENT},
                timeout=self._timeout,
                cookie_jar=aiohttp.DummyCookieJar(),  # the Bot API sets none (50 µs a call)
            )
        self._proxies = urllib.request.getproxies()
        self._proxy_of: dict[tuple[str, str], str | None] = {}

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    def _proxy(self, url: str) -> str | None:
        """The proxy the environment names for ``url``'s scheme and host, if any."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.hostname or "")
        if key not in self._proxy_of:
            proxy = self._proxies.get(parts.scheme)
            if proxy and urllib.request.proxy_bypass(parts.hostname or ""):
                proxy = None
            self._proxy_of[key] = proxy
        return self._proxy_of[key]

    def _open_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        return self._session

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout=BaseRequest.DEFAULT_NONE,
        write_timeout=BaseRequest.DEFAULT_NONE,
        connect_timeout=BaseRequest.DEFAULT_NONE,
        pool_timeout=BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._open_session()
        files = request_data.multipart_data if request_data else {}
        params = request_data.json_parameters if request_data else {}
        if read_timeout is BaseRequest.DEFAULT_NONE:
            read_timeout = self._read
        if connect_timeout is BaseRequest.DEFAULT_NONE:
            connect_timeout = self._connect
        if write_timeout is BaseRequest.DEFAULT_NONE:
            write_timeout = self._media_write if files else self._write
        headers = None
        if files:
            body = aiohttp.FormData()
            for name, value in params.items():
                body.add_field(name, value)
            for name, (filename, content, mime) in files.items():
                body.add_field(name, content, filename=filename, content_type=mime)
        elif params:  # the Bot API takes JSON bodies; cheaper to make than a urlencoded form
            body, headers = request_data.json_payload, _JSON
        else:
            body = None
        timeout = _timeout(read_timeout, write_timeout, connect_timeout)
        try:
            async with session.request(
                method, url, data=body, headers=headers, timeout=timeout, proxy=self._proxy(url)
            ) as res:
                return res.status, await res.read()
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err

    def parse_json_payload(self, payload: bytes) -> dict:
        """PTB's documented hook for reading answers: orjson instead of ``json``."""
        try:
            return orjson.loads(payload)
        except orjson.JSONDecodeError:
            return super().parse_json_payload(payload)  # its error, or its leniency

    async def call_json(self, url: str, params: dict[str, Any]) -> Any:
        """POST ``params`` as JSON to a Bot API method's ``url``; returns the answer's
        ``result``. Raises PTB's exceptions as PTB's own calls would: ``RetryAfter``,
        ``ChatMigrated``, ``BadRequest`` (400), ``Forbidden`` (403), ``InvalidToken``
        (401/404), ``Conflict`` (409), ``NetworkError`` (anything else, and network
        failures), ``TimedOut``."""
        session = self._open_session()
        try:
            async with session.post(
                url, data=orjson.dumps(params), headers=_JSON, proxy=self._proxy(url)
            ) as res:
                code, payload = res.status, await res.read()
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err
        if HTTPStatus.OK <= code <= 299:
            return self.parse_json_payload(payload)["result"]
        raise _refusal(code, payload)


def _timeout(read: float | None, write: float | None, connect: float | None):
    """PTB's read/write/connect timeouts as aiohttp's: ``connect`` bounds the wait for
    a connection (from the pool, or a new one), the total bounds the whole call."""
    limits = [t for t in (read, write) if t is not None]
    return aiohttp.ClientTimeout(
        total=sum(limits) + (connect or 0) if limits else None,
        connect=connect,
        sock_read=read,
    )


def _refusal(code: int, payload: bytes) -> TelegramError:
    """What PTB's ``BaseRequest`` raises for an answer that is not a success."""
    try:
        message = f"{HTTPStatus(code).phrase} ({code})"
    except ValueError:
        message = f"Unknown HTTPError ({code})"
    try:
        answer = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return NetworkError(f"{message}. Parsing the server response {payload!r} failed")
    if not isinstance(answer, dict):
        return NetworkError(f"{message}. The server answered {payload[:200]!r}")
    message = answer.get("description") or message
    parameters = answer.get("parameters") or {}
    if parameters.get("migrate_to_chat_id"):
        return ChatMigrated(parameters["migrate_to_chat_id"])
    if parameters.get("retry_after"):
        return RetryAfter(parameters["retry_after"])
    if code == HTTPStatus.FORBIDDEN:
        return Forbidden(message)
    if code in (HTTPStatus.NOT_FOUND, HTTPStatus.UNAUTHORIZED):
        return InvalidToken(message)
    if code == HTTPStatus.BAD_REQUEST:
        return BadRequest(message)
    if code == HTTPStatus.CONFLICT:
        return Conflict(message)
    return NetworkError(message)
