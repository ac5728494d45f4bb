"""python-telegram-bot's transport on aiohttp (``bot.channels.telegram_http``), against
servers on 127.0.0.1 that answer as the test says: what a call sends, and what it
must not send."""

from __future__ import annotations

import asyncio

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.channels.telegram_http import AiohttpRequest

OK = b'{"ok":true,"result":{"message_id":7}}'


class HeldServer:
    """Records every request; answers each only once the test releases it."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.release = asyncio.Event()
        self.arrived = asyncio.Event()

    async def __aenter__(self) -> HeldServer:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/bot123:abc/sendMessage"
        return self

    async def __aexit__(self, *exc) -> None:
        self.release.set()
        self.server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                self.bodies.append(await reader.readexactly(length))
                self.arrived.set()
                await self.release.wait()
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    + f"Content-Length: {len(OK)}\r\n\r\n".encode()
                    + OK
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


async def test_a_call_that_waits_for_a_connection_past_its_deadline_sends_nothing():
    """The review's duplicate: with every connection busy, a call that gives up while
    waiting for one must not send its request later (the outbox retries it, and the
    resident would get the message twice)."""
    request = AiohttpRequest(connections=1, read_timeout=30, write_timeout=30, connect_timeout=0.2)
    await request.initialize()
    try:
        async with HeldServer() as server:
            first = asyncio.ensure_future(request.call_json(server.url, {"text": "first"}))
            await server.arrived.wait()  # the one connection is taken, its answer held
            with pytest.raises(TimedOut):
                await request.call_json(server.url, {"text": "second"})
            server.release.set()
            assert (await first)["message_id"] == 7
            # the connection is free again: a later call goes out, the timed-out one never
            assert (await request.call_json(server.url, {"text": "third"}))["message_id"] == 7
            assert [b.decode() for b in server.bodies] == ['{"text":"first"}', '{"text":"third"}']
    finally:
        await request.shutdown()


async def answering(status: int, body: bytes):
    async def serve(reader, writer):
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        await reader.readexactly(length)
        writer.write(
            f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n".encode()
            + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body
        )
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    return server, f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/bot1:a/sendMessage"


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (400, b'{"ok":false,"description":"Bad Request: chat not found"}', BadRequest),
        (429, b'{"ok":false,"parameters":{"retry_after":3}}', RetryAfter),
        (502, b"<html>Bad Gateway</html>", NetworkError),
        (500, b"[1,2]", NetworkError),
    ],
)
async def test_refusals_are_ptbs_errors(status, body, error):
    server, url = await answering(status, body)
    request = AiohttpRequest(connections=1)
    await request.initialize()
    try:
        with pytest.raises(error):
            await request.call_json(url, {"chat_id": 1, "text": "x"})
    finally:
        await request.shutdown()
        server.close()


async def test_calls_go_through_the_proxy_the_environment_names(monkeypatch):
    """Telegram is often reached through a proxy: HTTP(S)_PROXY is honoured."""
    seen: list[bytes] = []

    async def proxy(reader, writer):
        head = await reader.readuntil(b"\r\n\r\n")
        seen.append(head.split(b"\r\n", 1)[0])
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        await reader.readexactly(length)
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(OK)}\r\nConnection: close\r\n\r\n".encode()
            + OK
        )
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(proxy, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
    request = AiohttpRequest(connections=1)
    await request.initialize()
    try:
        result = await request.call_json("http://api.telegram.invalid/bot1:a/sendMessage", {})
        assert result["message_id"] == 7
        assert seen == [b"POST http://api.telegram.invalid/bot1:a/sendMessage HTTP/1.1"]
    finally:
        await request.shutdown()
        server.close()
