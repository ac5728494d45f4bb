"""The lean JSON client of the Bot API calls (``bot.channels.json_http``), against a
server on 127.0.0.1 that answers as scripted: what arrives there, the three ways an
answer's body ends, connections kept and not kept, and every way a call can fail."""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess

import pytest

from bot.channels import json_http
from bot.channels.json_http import JsonHttpClient, ProtocolError

OK = b'{"ok":true,"result":{"message_id":7}}'


def answer(body: bytes = OK, *headers: str, status: str = "200 OK", version="HTTP/1.1") -> bytes:
    head = [f"{version} {status}", "Content-Type: application/json", *headers]
    if not any(h.lower().startswith(("content-length", "transfer-encoding")) for h in headers):
        head.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


class ScriptedServer:
    """Reads whole requests; answers each with the next scripted reply (bytes, a list
    of byte pieces sent one by one, ``(bytes, "close")`` to hang up after them,
    ``"close"`` to hang up, ``"silent"`` to say nothing), or with ``answer()`` when
    the script has run out."""

    def __init__(self, *replies, ssl_context: ssl.SSLContext | None = None):
        self.replies = list(replies)
        self.requests: list[tuple[bytes, bytes]] = []  # (head, body)
        self.connections = 0
        self._ssl = ssl_context

    async def __aenter__(self) -> ScriptedServer:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self._ssl)
        self.port = self.server.sockets[0].getsockname()[1]
        scheme = "https" if self._ssl else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}/bot123:abc/sendMessage"
        return self

    async def __aexit__(self, *exc) -> None:
        self.server.close()
        await self.server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                self.requests.append((head, await reader.readexactly(length)))
                reply = self.replies.pop(0) if self.replies else answer()
                if reply == "close":
                    break
                if reply == "silent":
                    await asyncio.sleep(30)
                    break
                hang_up = isinstance(reply, tuple)
                for piece in (
                    reply[:1] if hang_up else reply if isinstance(reply, list) else [reply]
                ):
                    writer.write(piece)
                    await writer.drain()
                    await asyncio.sleep(0.005)
                if hang_up:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


async def test_the_request_arrives_whole_and_the_connection_is_kept():
    async with ScriptedServer() as server:
        client = JsonHttpClient(user_agent="Guanjia-test")
        try:
            assert await client.post(server.url, b'{"chat_id":1}') == (200, OK)
            assert await client.post(server.url, b'{"chat_id":2,"text":"\xe6\x82\xa8"}') == (
                200,
                OK,
            )
        finally:
            await client.close()
    assert server.connections == 1  # kept alive for the second call
    head, body = server.requests[1]
    lines = head.decode().split("\r\n")
    assert lines[0] == "POST /bot123:abc/sendMessage HTTP/1.1"
    assert f"Host: 127.0.0.1:{server.port}" in lines
    assert "Content-Type: application/json" in lines and "User-Agent: Guanjia-test" in lines
    assert body == b'{"chat_id":2,"text":"\xe6\x82\xa8"}'


async def test_answers_in_pieces_in_chunks_or_ended_by_closing_are_read_whole():
    chunked = answer(b"", "Transfer-Encoding: chunked")
    pieces = [chunked, b"6\r\n" + OK[:6] + b"\r\n", b"%x\r\n" % (len(OK) - 6) + OK[6:] + b"\r\n"]
    async with ScriptedServer(
        [answer()[:20], answer()[20:50], answer()[50:]],  # one answer in three pieces
        [*pieces, b"0\r\n\r\n"],
        answer(OK, "Connection: close"),
        answer(b"", "Transfer-Encoding: chunked") + b"4\r\nabcd\r\n0\r\nX-Trailer: 1\r\n\r\n",
        (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n" + OK, "close"),
    ) as server:
        client = JsonHttpClient()
        try:
            assert await client.post(server.url, b"{}") == (200, OK)
            assert await client.post(server.url, b"{}") == (200, OK)
            assert await client.post(server.url, b"{}") == (200, OK)  # and closes
            assert await client.post(server.url, b"{}") == (200, b"abcd")
            assert await client.post(server.url, b"{}") == (200, OK)  # no length: until closed
        finally:
            await client.close()
    assert server.connections == 2  # a new one after "Connection: close"


async def test_an_http_1_0_answer_is_not_kept():
    async with ScriptedServer(answer(version="HTTP/1.0")) as server:
        client = JsonHttpClient()
        try:
            await client.post(server.url, b"{}")
            await client.post(server.url, b"{}")
        finally:
            await client.close()
    assert server.connections == 2


async def test_a_refusal_is_an_answer_not_an_error():
    body = b'{"ok":false,"error_code":429,"parameters":{"retry_after":3}}'
    async with ScriptedServer(answer(body, status="429 Too Many Requests")) as server:
        client = JsonHttpClient()
        try:
            assert await client.post(server.url, b"{}") == (429, body)
        finally:
            await client.close()


async def test_a_server_that_hangs_up_or_talks_nonsense_fails_the_call_and_loses_nothing_else():
    async with ScriptedServer("close", b"SSH-2.0-OpenSSH\r\n\r\n", answer()) as server:
        client = JsonHttpClient()
        try:
            with pytest.raises(ConnectionResetError):
                await client.post(server.url, b"{}")
            with pytest.raises(ProtocolError):
                await client.post(server.url, b"{}")
            assert await client.post(server.url, b"{}") == (200, OK)  # a fresh connection
        finally:
            await client.close()
    assert server.connections == 3


async def test_a_server_that_does_not_answer_times_out_and_its_connection_is_dropped():
    async with ScriptedServer("silent") as server:
        client = JsonHttpClient(total_timeout=0.2)
        try:
            loop = asyncio.get_running_loop()
            started = loop.time()
            with pytest.raises(TimeoutError):
                await client.post(server.url, b"{}")
            assert 0.15 < loop.time() - started < 2
            assert await client.post(server.url, b"{}") == (200, OK)
        finally:
            await client.close()
    assert server.connections == 2


async def test_nobody_listening_is_a_connection_error():
    async with ScriptedServer() as server:
        url = server.url
    client = JsonHttpClient(connect_timeout=1)
    try:
        with pytest.raises(OSError):
            await client.post(url, b"{}")
    finally:
        await client.close()


async def test_a_connection_idle_too_long_is_not_used_again(monkeypatch):
    monkeypatch.setattr(json_http, "IDLE_SECONDS", 0.0)
    async with ScriptedServer() as server:
        client = JsonHttpClient()
        try:
            await client.post(server.url, b"{}")
            await asyncio.sleep(0.01)
            await client.post(server.url, b"{}")
        finally:
            await client.close()
    assert server.connections == 2


async def test_concurrent_calls_take_a_connection_each_within_the_limit():
    async with ScriptedServer(*[[answer()[:10], answer()[10:]] for _ in range(6)]) as server:
        client = JsonHttpClient(connections=3)
        try:
            results = await asyncio.gather(*(client.post(server.url, b"{}") for _ in range(6)))
        finally:
            await client.close()
    assert results == [(200, OK)] * 6
    assert server.connections == 3


@pytest.fixture
def certificate(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    return server, cert


async def test_https_checks_the_certificate(certificate):
    server_context, cert = certificate
    async with ScriptedServer(ssl_context=server_context) as server:
        client = JsonHttpClient()  # the system's authorities: this certificate is not theirs
        try:
            with pytest.raises(ssl.SSLError):
                await client.post(server.url, b"{}")
        finally:
            await client.close()
        trusting = JsonHttpClient(ssl_context=ssl.create_default_context(cafile=str(cert)))
        try:
            assert await trusting.post(server.url, b'{"a":1}') == (200, OK)
            assert await trusting.post(server.url, b'{"a":2}') == (200, OK)
        finally:
            await trusting.close()
    assert server.requests[-1][1] == b'{"a":2}'


async def test_more_bytes_than_the_answer_or_an_answer_too_long_is_not_trusted():
    too_long = answer(b"", f"Content-Length: {json_http.MAX_BODY_BYTES + 1}")
    async with ScriptedServer(answer() + b"HTTP/1.1 200 OK\r\n", too_long) as server:
        client = JsonHttpClient()
        try:
            assert await client.post(server.url, b"{}") == (200, OK)
            with pytest.raises(ProtocolError):
                await client.post(server.url, b"{}")  # on a new connection: the first is dropped
        finally:
            await client.close()
    assert server.connections == 2


def test_the_host_header_names_the_server_as_the_url_does():
    client = JsonHttpClient()
    for url, key, host in [
        (
            "https://api.telegram.org/bot1:x/sendMessage",
            ("https", "api.telegram.org", 443),
            b"api.telegram.org",
        ),
        ("http://[::1]:8081/bot1:x/sendMessage", ("http", "::1", 8081), b"[::1]:8081"),
        ("http://bot-api/bot1:x/editMessageText?a=1", ("http", "bot-api", 80), b"bot-api"),
    ]:
        target, head = client._target(url)
        assert target == key
        assert b"\r\nHost: " + host + b"\r\n" in head
    assert head.startswith(b"POST /bot1:x/editMessageText?a=1 HTTP/1.1\r\n")
    with pytest.raises(ValueError):
        client._target("ftp://example.org/x")
