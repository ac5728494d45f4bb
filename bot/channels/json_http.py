"""A small HTTP/1.1 client for one kind of call: POST a JSON body, read the answer.

Every ticket makes two such calls (the resident's confirmation and the stewards'
card, ``TelegramSender``'s text sends and card edits). aiohttp's client spent about
0.15 ms of CPU on each, building its request, response and timer objects; this one
writes the request in one piece on a kept-alive connection and reads the answer
with a parser of a few lines, in about a third of that. Everything else (polling,
media, files, webhook set-up) still goes through aiohttp.

It speaks what the Bot API's servers answer: a status line, headers, and a body
sized by ``Content-Length``, sent in chunks, or ended by closing the connection;
over TLS for ``https``. Connections are kept for the next call, at most
``connections`` at once, and dropped after ``IDLE_SECONDS`` unused (before the
server drops them). A call that fails raises ``OSError`` (the connection) or
``TimeoutError`` (``timeout`` seconds for the whole call); the caller maps them."""

from __future__ import annotations

import asyncio
import ssl
from collections import deque
from urllib.parse import urlsplit

IDLE_SECONDS = 15.0
"""A connection unused this long is closed rather than used again (aiohttp's default;
servers close theirs after a while, and a request on a connection the server has just
closed is lost)."""

MAX_HEADER_BYTES = 64 * 1024
MAX_BODY_BYTES = 16 * 2**20
"""A Bot API answer is a few hundred bytes; more than this is not one."""


class ProtocolError(OSError):
    """The server's answer is not HTTP we can read."""


class _Connection(asyncio.Protocol):
    """One connection: one request at a time, its answer parsed as it arrives."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.idle_since = 0.0
        self._waiter: asyncio.Future | None = None
        self._buffer = bytearray()
        self._reset()

    def _reset(self) -> None:
        """The state of one answer, before it arrives."""
        self._buffer.clear()
        self._status = 0
        self._head_done = False
        self._length: int | None = None  # body bytes still expected
        self._chunked = False
        self._chunk_left = 0
        self._until_close = False
        self._keep_alive = True
        self._body = bytearray()

    @property
    def usable(self) -> bool:
        return self.transport is not None and not self.transport.is_closing()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        if self._waiter is not None and not self._waiter.done():
            if self._until_close and exc is None:
                self._done()
            else:
                self._fail(exc or ConnectionResetError("the server closed the connection"))

    def eof_received(self) -> bool:
        return False  # close our side too; connection_lost finishes the answer

    def request(self, data: bytes) -> asyncio.Future:
        """Write one request; the future gets (status, body, keep_alive)."""
        self._reset()
        self._waiter = asyncio.get_running_loop().create_future()
        self.transport.write(data)
        return self._waiter

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()

    def data_received(self, data: bytes) -> None:
        if self._waiter is None or self._waiter.done():
            self.abort()  # bytes nobody asked for: the connection cannot be trusted
            return
        self._buffer += data
        try:
            self._parse()
        except (ValueError, IndexError) as e:
            self._fail(ProtocolError(f"unreadable HTTP answer: {e}"))
            self.abort()

    def _parse(self) -> None:
        buf = self._buffer
        if not self._head_done:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                if len(buf) > MAX_HEADER_BYTES:
                    raise ValueError("headers too long")
                return
            self._read_head(bytes(buf[:end]).decode("latin-1"))
            del buf[: end + 4]
        if self._chunked:
            self._read_chunks()
        elif self._until_close:
            self._body += buf
            buf.clear()
            if len(self._body) > MAX_BODY_BYTES:
                raise ValueError("answer too long")
        else:
            take = min(self._length or 0, len(buf))
            self._body += buf[:take]
            del buf[:take]
            self._length -= take
            if self._length == 0:
                self._done()

    def _read_head(self, head: str) -> None:
        status_line, *lines = head.split("\r\n")
        version, status = status_line.split(" ", 2)[:2]
        if not version.startswith("HTTP/1."):
            raise ValueError(f"not HTTP/1.x: {status_line[:40]!r}")
        self._status = int(status)
        headers: dict[str, str] = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        connection = headers.get("connection", "").lower()
        self._keep_alive = (
            "close" not in connection if version == "HTTP/1.1" else "keep-alive" in connection
        )
        self._head_done = True
        if "chunked" in headers.get("transfer-encoding", "").lower():
            self._chunked = True
        elif "content-length" in headers:
            self._length = int(headers["content-length"])
            if not 0 <= self._length <= MAX_BODY_BYTES:
                raise ValueError(f"Content-Length {self._length}")
        elif self._status in (204, 304) or 100 <= self._status < 200:
            self._length = 0
        else:
            self._until_close, self._keep_alive = True, False

    def _read_chunks(self) -> None:
        buf = self._buffer
        while True:
            if self._chunk_left:  # inside a chunk: its data, then CRLF
                if len(buf) < self._chunk_left + 2:
                    return
                self._body += buf[: self._chunk_left]
                del buf[: self._chunk_left + 2]
                self._chunk_left = 0
            end = buf.find(b"\r\n")
            if end < 0:
                return
            size = int(bytes(buf[:end]).split(b";", 1)[0], 16)
            if size < 0 or len(self._body) + size > MAX_BODY_BYTES:
                raise ValueError("answer too long")
            if size:
                del buf[: end + 2]
                self._chunk_left = size
                continue
            # the last chunk: then trailers, if any, and an empty line
            if buf[end + 2 : end + 4] == b"\r\n":
                del buf[: end + 4]
            else:
                trailers_end = buf.find(b"\r\n\r\n", end + 2)
                if trailers_end < 0:
                    return
                del buf[: trailers_end + 4]
            self._done()
            return

    def _done(self) -> None:
        if self._buffer:  # more than the answer: the connection cannot be trusted
            self._keep_alive = False
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result((self._status, bytes(self._body), self._keep_alive))

    def _fail(self, exc: BaseException) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)


class JsonHttpClient:
    """POSTs JSON bodies to one server at a time per connection, connections kept."""

    def __init__(
        self,
        *,
        connections: int = 64,
        total_timeout: float | None = 15.0,
        connect_timeout: float | None = 5.0,
        user_agent: str = "Guanjia",
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._total_timeout = total_timeout
        self._connect_timeout = connect_timeout
        self._slots = asyncio.Semaphore(connections)
        self._idle: dict[tuple[str, str, int], deque[_Connection]] = {}
        self._user_agent = user_agent
        self._ssl = ssl_context  # the system's certificate authorities unless given
        self._targets: dict[str, tuple[tuple[str, str, int], bytes]] = {}
        self.closed = False

    async def post(self, url: str, body: bytes) -> tuple[int, bytes]:
        """POST ``body`` (JSON) to ``url``; returns (status, answer's body). The whole
        call takes at most ``total_timeout`` seconds, connecting included."""
        if self.closed:
            raise RuntimeError("this client is closed")
        key, head = self._target(url)
        data = head + b"%d\r\n\r\n" % len(body) + body
        loop = asyncio.get_running_loop()
        total = self._total_timeout
        deadline = None if total is None else loop.time() + total
        async with self._slots:
            conn = self._idle_connection(key) or await self._connect(key, deadline)
            waiter = conn.request(data)
            timer = None
            if deadline is not None:
                timer = loop.call_at(deadline, _expire, waiter)
            try:
                status, answer, keep_alive = await waiter
            except BaseException:
                conn.abort()  # half a request or answer: not usable again
                raise
            finally:
                if timer is not None:
                    timer.cancel()
            if keep_alive and conn.usable and not self.closed:
                conn.idle_since = loop.time()
                self._idle.setdefault(key, deque()).append(conn)
            else:
                conn.abort()
            return status, answer

    def _target(self, url: str) -> tuple[tuple[str, str, int], bytes]:
        """Where a URL's requests go, and their head up to the body's length (the
        Bot API's URLs are few: one per method)."""
        known = self._targets.get(url)
        if known is not None:
            return known
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        name = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname  # IPv6
        host = name if parts.port is None else f"{name}:{parts.port}"
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        head = (
            f"POST {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {self._user_agent}\r\n"
            "Accept: application/json\r\nContent-Type: application/json\r\n"
            "Content-Length: "
        ).encode("latin-1")
        known = ((parts.scheme, parts.hostname, port), head)
        if len(self._targets) < 256:
            self._targets[url] = known
        return known

    def _idle_connection(self, key: tuple[str, str, int]) -> _Connection | None:
        idle = self._idle.get(key)
        if not idle:
            return None
        cutoff = asyncio.get_running_loop().time() - IDLE_SECONDS
        while idle:
            conn = idle.pop()  # the most recently used: the least likely to be closed
            if conn.usable and conn.idle_since >= cutoff:
                return conn
            conn.abort()
        return None

    async def _connect(self, key: tuple[str, str, int], deadline: float | None) -> _Connection:
        scheme, host, port = key
        context = None
        if scheme == "https":
            if self._ssl is None:
                self._ssl = ssl.create_default_context()
            context = self._ssl
        loop = asyncio.get_running_loop()
        limit = self._connect_timeout
        if deadline is not None:
            left = deadline - loop.time()
            limit = left if limit is None else min(limit, left)
        connecting = loop.create_connection(_Connection, host, port, ssl=context)
        _, conn = await asyncio.wait_for(connecting, limit)
        return conn

    async def close(self) -> None:
        self.closed = True
        for idle in self._idle.values():
            while idle:
                idle.pop().abort()
        await asyncio.sleep(0)  # let the transports finish closing


def _expire(waiter: asyncio.Future) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError("the Bot API did not answer in time"))
