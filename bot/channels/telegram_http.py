"""python-telegram-bot's HTTP transport on aiohttp's client.

PTB ships an httpx transport; measured here, httpx and httpcore spent about 3 ms of
CPU on each Bot API call under load, more than handling the resident's message.
aiohttp is already our server, so its client carries the calls instead, through
PTB's documented ``BaseRequest`` extension point (PTB still builds every request
and parses every answer)."""

from __future__ import annotations

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from telegram.request._baserequest import DefaultValue

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
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

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
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else {}
        params = request_data.json_parameters if request_data else {}
        if isinstance(read_timeout, DefaultValue):
            read_timeout = self._read
        if isinstance(connect_timeout, DefaultValue):
            connect_timeout = self._connect
        if isinstance(write_timeout, DefaultValue):
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
        limits = [t for t in (read_timeout, write_timeout) if t is not None]
        timeout = aiohttp.ClientTimeout(
            total=sum(limits) + (connect_timeout or 0) if limits else None,
            connect=connect_timeout,
            sock_read=read_timeout,
        )
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as res:
                return res.status, await res.read()
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err
