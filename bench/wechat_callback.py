"""How fast the WeChat callback answers while 200 residents write at once.

An in-process runtime (SQLite in a temporary directory, the WeChat channel in safe mode)
against the fake WeChat API server, everything on 127.0.0.1. 200 residents each send
3 messages one after another (all residents at the same time); we time each callback from
request to response (WeChat gives us 5 s; the target is p99 <= 50 ms), then wait for the
messages to be handled and the answers delivered as customer-service messages.

    python bench/wechat_callback.py [--residents 200] [--messages 3]

Prints one JSON object: p50_ms, p99_ms, max_ms, callbacks, handled, answers, ...
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from bot.app import Runtime, shutdown, start  # noqa: E402
from bot.settings import Settings  # noqa: E402
from models.domain.config import EXAMPLE_CONFIG, load_config  # noqa: E402
from models.tables import InboundMessage, Outbox  # noqa: E402
from tests.fakes.wechat_api import FakeWeChat, callback_request, text_xml  # noqa: E402

TOKEN = "bench-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
TEXTS = ["你好", "客厅的灯不亮了", "1栋1单元1201", "楼道里有垃圾没人清理", "物业费怎么交"]
TIME_LIMIT = 120.0  # seconds for the whole run


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


async def run(residents: int, messages: int, pause: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeWeChat() as wx:
            port = _free_port()
            settings = Settings(
                DATABASE_URL=f"sqlite://{tmp}/bench.db",
                WECHAT_TOKEN=TOKEN,
                WECHAT_APP_ID=wx.app_id,
                WECHAT_APP_SECRET=wx.app_secret,
                WECHAT_AES_KEY=AES_KEY,
                WECHAT_API_URL=wx.url,
                GUANJIA_MEDIA_DIR=f"{tmp}/media",
                GUANJIA_HTTP_PORT=str(port),
            )
            rt = Runtime(settings, load_config(EXAMPLE_CONFIG))
            await start(rt)
            url = f"http://127.0.0.1:{port}/wechat"
            try:
                # The residents run in a separate process, so their signing and encrypting
                # does not count against the server's time.
                started = time.perf_counter()
                proc = await asyncio.create_subprocess_exec(
                    sys.executable,
                    __file__,
                    "--client",
                    url,
                    "--app-id",
                    wx.app_id,
                    "--residents",
                    str(residents),
                    "--messages",
                    str(messages),
                    "--pause",
                    str(pause),
                    stdout=asyncio.subprocess.PIPE,
                )
                out, _ = await proc.communicate()
                client = json.loads(out)
                latencies, statuses = client["latencies"], client["statuses"]
                callbacks_s = time.perf_counter() - started
                await rt.channels["wechat"].drain(60)
                deadline = time.perf_counter() + 60
                while time.perf_counter() < deadline:
                    if not await Outbox.filter(status="pending").exists():
                        break
                    await asyncio.sleep(0.05)
                handled_s = time.perf_counter() - started
                handled = await InboundMessage.filter(status="handled").count()
                answers = len(wx.calls("/cgi-bin/message/custom/send"))
            finally:
                await shutdown(rt)
            return {
                "p50_ms": round(statistics.median(latencies), 2),
                "p99_ms": round(_percentile(latencies, 99), 2),
                "max_ms": round(max(latencies), 2),
                "callbacks": len(latencies),
                "statuses": statuses,
                "residents": residents,
                "messages_per_resident": messages,
                "pause_s": pause,
                "callbacks_s": round(callbacks_s, 2),
                "handled": handled,
                "answers": answers,
                "all_handled_s": round(handled_s, 2),
                "database": "sqlite",
                "mode": "safe (AES)",
            }


async def residents_writing(
    url: str, app_id: str, residents: int, messages: int, pause: float
) -> dict:
    """The client side: every resident starts within the first ``pause`` seconds and sends
    its messages one after another, ``pause`` ± 50 % apart (0: no pause at all, a burst)."""
    rng = random.Random(6)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    prepared = {
        n: [
            callback_request(
                text_xml(f"oBench{n:04d}", TEXTS[(n + i) % len(TEXTS)]),
                TOKEN,
                aes_key=AES_KEY,
                app_id=app_id,
            )
            for i in range(messages)
        ]
        for n in range(residents)
    }
    connector = aiohttp.TCPConnector(limit=residents)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def resident(n: int) -> None:
            await asyncio.sleep(rng.uniform(0, pause))
            for i, (query, body) in enumerate(prepared[n]):
                if i:
                    await asyncio.sleep(rng.uniform(0.5 * pause, 1.5 * pause))
                t0 = time.perf_counter()
                async with session.post(url, params=query, data=body) as r:
                    await r.read()
                    statuses[r.status] = statuses.get(r.status, 0) + 1
                latencies.append((time.perf_counter() - t0) * 1000)

        await asyncio.gather(*(resident(n) for n in range(residents)))
    return {"latencies": latencies, "statuses": statuses}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--messages", type=int, default=3)
    parser.add_argument(
        "--pause",
        type=float,
        default=1.0,
        help="seconds between one resident's messages (±50%%); 0 sends everything at once",
    )
    parser.add_argument("--client", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--app-id", help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    if args.client:  # the residents' process
        result = asyncio.run(
            asyncio.wait_for(
                residents_writing(
                    args.client, args.app_id, args.residents, args.messages, args.pause
                ),
                TIME_LIMIT,
            )
        )
        print(json.dumps(result))
        return
    result = asyncio.run(
        asyncio.wait_for(run(args.residents, args.messages, args.pause), TIME_LIMIT)
    )
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
