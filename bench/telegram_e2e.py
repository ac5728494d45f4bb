"""End-to-end latency and throughput of the Telegram webhook path.

    python bench/telegram_e2e.py [--residents 200] [--rate 200] [--repeat 3] [--profile FILE]

Starts the real runtime (``bot.app.start``: SQLite in a temporary directory, webhook
mode on 127.0.0.1) in a process of its own, against the fake Bot API server of
``tests/fakes`` running, with the load generator, in the bench's process. Simulated
residents are bound to a unit first (``/start`` and "1栋1单元1201" through the
webhook), warmed up, then each sends ONE repair message ("厨房水管漏水了", …) at a fixed
offered rate (open loop: sends are scheduled at fixed intervals, none waits for an
earlier one). Latency is measured from the moment the update is POSTed to the
webhook to the moment the bot's ``sendMessage`` carrying the ticket confirmation to
that resident's chat arrives at the fake server (both ``time.monotonic``).

The same load is offered to a minimal echo bot on the same stack (aiohttp webhook
server + python-telegram-bot ``Bot.send_message`` over the same HTTP transport, to
the same fake, no database): that is the floor the issue's "p50 no more than 3× the
echo floor" refers to.

Echo and Guanjia (rate limiter off: what the code itself can do) take turns
``--repeat`` times, each Guanjia run in a fresh process on a fresh database; the
top-level figures are those of the run with the median p99, and every run is listed
under ``repeats`` (this machine's speed varies from minute to minute). Then Guanjia
is measured once more with Telegram's limits on (``TelegramLimits()``: 29 messages/s
overall, 20 in 61 s per group, 3 in 3.3 s per private chat).

Prints ONE JSON object on stdout; logs go to stderr. Everything is bounded in count
and time (``--timeout``, default 300 s) and listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import gc
import json
import logging
import math
import pstats
import re
import resource
import signal
import socket
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH_FILE = Path(__file__).resolve()
ROOT = BENCH_FILE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

from tests.fakes.telegram_api import FakeTelegram, TelegramCall  # noqa: E402

log = logging.getLogger("bench")

STEWARDS = -100200
SUPERVISORS = -100300
SECRET = "bench-s3cret-token"
TICKET_NUMBER = re.compile(r"\d{8}-\d{4}")
# Monday 10:00 in Shanghai: business hours, no quiet hours, deterministic deadlines.
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)

# Repair reports the classifier reads as a certain, non-urgent repair without a fee
# (checked at start-up; anything else is dropped from the list).
REPAIR_TEXTS = [
    "厨房水管漏水了",
    "客厅灯不亮了",
    "卫生间马桶堵了",
    "空调不制冷了",
    "热水器坏了打不着火",
    "窗户关不上了",
    "楼道灯坏了",
    "电梯按钮坏了",
    "卧室插座没电",
    "门锁坏了打不开",
    "墙面渗水发霉了",
    "暖气片不热",
    "厨房下水道反味",
    "淋浴花洒坏了",
    "地漏堵了",
    "防盗门关不严",
    "车库道闸抬不起来",
    "单元门的门禁坏了",
    "走廊的灯一直闪",
    "阳台下水道堵了",
    "水龙头一直滴水",
    "门禁卡刷不开",
]


# -- helpers ------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000, 2)


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return round(pages * resource.getpagesize() / 2**20, 1)


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class RunningClock:
    """Starts at ``START`` and then moves with real time: deadlines are those of a
    Monday morning, and rows the rate limiter puts back become due again."""

    def __init__(self, start: datetime = START):
        self._start = start
        self._t0 = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._t0)


class BenchTelegram(FakeTelegram):
    """The fake Bot API server, telling the bench about every successful send as it is
    recorded (``TelegramCall.at`` is ``time.monotonic()`` taken when the request's body
    has been read, i.e. when the call arrived)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.listeners: list = []

    def _record(self, call: TelegramCall) -> None:
        super()._record(call)
        if call.ok and call.method == "sendMessage":
            for listener in self.listeners:
                listener(call)


@dataclass
class Waiter:
    """Collects the first matching sendMessage to each of the expected chats."""

    predicate: Any
    wanted: set[int] = field(default_factory=set)
    arrived: dict[int, TelegramCall] = field(default_factory=dict)
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def __call__(self, call: TelegramCall) -> None:
        chat = call.params.get("chat_id")
        if chat not in self.wanted or chat in self.arrived:
            return
        if self.predicate(call):
            self.arrived[chat] = call
            if len(self.arrived) >= len(self.wanted):
                self.done.set()

    def expect(self, chats: list[int]) -> None:
        self.wanted = set(chats)
        if len(self.arrived) >= len(self.wanted):
            self.done.set()

    async def wait(self, timeout: float) -> bool:  # noqa: ASYNC109
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.done.wait(), timeout)
        return self.done.is_set()


def text_of(call: TelegramCall) -> str:
    return str(call.params.get("text") or call.params.get("caption") or "")


def is_confirmation(call: TelegramCall) -> bool:
    text = text_of(call)
    return "工单" in text and TICKET_NUMBER.search(text) is not None


# -- load generation --------------------------------------------------------------------
@dataclass
class Shot:
    chat: int
    body: bytes
    scheduled: float = 0.0
    posted: float = 0.0
    acked: float = 0.0
    status: int = 0


async def post(session: aiohttp.ClientSession, url: str, shot: Shot) -> None:
    shot.posted = time.monotonic()
    try:
        async with session.post(
            url,
            data=shot.body,
            headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET},
        ) as response:
            await response.read()
            shot.status = response.status
    except Exception as e:  # counted as a failure; the bench goes on
        log.warning("POST failed: %r", e)
        shot.status = -1
    shot.acked = time.monotonic()


async def offer(session: aiohttp.ClientSession, url: str, shots: list[Shot], rate: float) -> None:
    """Open loop: shot i is posted at t0 + i/rate, whatever happened to the others."""
    interval = 1.0 / rate
    tasks = []
    t0 = time.monotonic() + 0.01
    for i, shot in enumerate(shots):
        shot.scheduled = t0 + i * interval
        delay = shot.scheduled - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(post(session, url, shot)))
    await asyncio.gather(*tasks)


def encode(update: dict[str, Any]) -> bytes:
    return json.dumps(update, ensure_ascii=False).encode()


def summarise(
    shots: list[Shot], waiter: Waiter, rate: float, *, attempted: int | None = None
) -> dict[str, Any]:
    lat = []
    for shot in shots:
        call = waiter.arrived.get(shot.chat)
        if call is not None:
            lat.append(call.at - shot.posted)
    acks = [s.acked - s.posted for s in shots if s.status == 200]
    lags = [s.posted - s.scheduled for s in shots]
    first = min(s.posted for s in shots)
    last_post = max(s.posted for s in shots)
    arrivals = [c.at for c in waiter.arrived.values()]
    span = (max(arrivals) - first) if arrivals else None
    return {
        "messages": len(shots),
        "confirmed": len(lat),
        "http_errors": sum(1 for s in shots if s.status != 200),
        "p50_ms": ms(pct(lat, 50)),
        "p95_ms": ms(pct(lat, 95)),
        "p99_ms": ms(pct(lat, 99)),
        "max_ms": ms(max(lat) if lat else None),
        "msgs_per_s": round(len(lat) / span, 1) if span else None,
        "offered_msgs_per_s": round((len(shots) - 1) / (last_post - first), 1)
        if len(shots) > 1 and last_post > first
        else None,
        "target_rate": rate,
        "webhook_ack_p50_ms": ms(pct(acks, 50)),
        "webhook_ack_p99_ms": ms(pct(acks, 99)),
        "generator_lag_max_ms": ms(max(lags)),
    }


# -- Guanjia set-up ---------------------------------------------------------------------
def make_config(tmp: Path):
    from models.domain.config import EXAMPLE_CONFIG, load_config

    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    for old, new in (
        (
            "    stewards_chat:\n      telegram: null",
            f"    stewards_chat:\n      telegram: {STEWARDS}",
        ),
        (
            "    supervisors_chat:\n      telegram: null",
            f"    supervisors_chat:\n      telegram: {SUPERVISORS}",
        ),
    ):
        if old not in text:
            raise SystemExit(f"example config changed: cannot find {old!r}")
        text = text.replace(old, new)
    path = tmp / "guanjia.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def usable_texts() -> list[str]:
    import nlp
    from handlers.booking import matching_fee as _matching_fee

    out = []
    for text in REPAIR_TEXTS:
        c = nlp.classify(text)
        plain = c.intent == "repair" and not c.urgent and not c.uncertain
        if plain and _matching_fee(text) is None:
            out.append(text)
    if not out:
        raise SystemExit("no usable repair text: the classifier reads none as a plain repair")
    return out


def unit_text(i: int) -> str:
    """A valid unit of the example community (buildings 1 and 2: 2 entrances, 18 floors,
    2 rooms per floor)."""
    building = 1 + i % 2
    entrance = 1 + (i // 2) % 2
    floor = 1 + (i // 4) % 18
    room = 1 + (i // 72) % 2
    return f"{building}栋{entrance}单元{floor * 100 + room}"


# -- the bot side: a separate process -------------------------------------------------------
# The bot under test runs in its own process (as in production, where Telegram is not
# on our machine): the fake server and the load generator do not take its CPU time.
# The parent starts it with ``--serve echo|guanjia --spec JSON``; the child prints one
# JSON line when it is ready, and one with its figures after SIGTERM. SIGUSR1/SIGUSR2
# start and stop its profiler around the measured phase.


async def serve_echo(spec: dict[str, Any]) -> dict[str, Any]:
    """aiohttp webhook + PTB Bot.send_message to the fake, over the same HTTP transport
    as Guanjia (``AiohttpRequest``): no database, no logic. The floor.

    ``spec["lean"]``: the leanest echo on Guanjia's own code instead: the update read
    by ``bot.channels.telegram.read_update`` and the answer sent by
    ``TelegramSender._call`` (JSON straight over the transport), as Guanjia reads and
    sends. The issue's floor is the plain PTB echo; this one shows what is left when
    both bots skip PTB's objects."""
    from telegram import Bot, Update

    from bot.channels.telegram import TelegramSender, read_update
    from bot.channels.telegram_http import AiohttpRequest

    bot = Bot(
        spec["token"],
        base_url=spec["base_url"],
        base_file_url=spec["base_file_url"],
        request=AiohttpRequest(connections=64),
    )
    await bot.initialize()
    sender = TelegramSender(bot)

    async def webhook(request: web.Request) -> web.Response:
        if request.headers.get("X-Telegram-Bot-Api-Secret-Token") != SECRET:
            return web.Response(status=403)
        if spec.get("lean"):
            message = read_update(await request.read())["message"]
            text = f"收到：{message.get('text')}（工单 00000000-0000）"
            await sender._call("sendMessage", chat_id=message["chat"]["id"], text=text)
            return web.Response(text="ok")
        update = Update.de_json(await request.json(), bot)
        message = update.message
        await bot.send_message(message.chat.id, f"收到：{message.text}（工单 00000000-0000）")
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/telegram/webhook", webhook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", spec["port"]).start()
    try:
        await child_ready({"startup_s": 0.0})
        return {}
    finally:
        await runner.cleanup()
        await bot.shutdown()


async def serve_guanjia(spec: dict[str, Any]) -> dict[str, Any]:
    """The real runtime (``bot.app.start``) in webhook mode on a fresh SQLite file."""
    from bot.app import Runtime, shutdown, start
    from bot.channels.telegram import TelegramLimits
    from bot.settings import Settings
    from models.domain.clock import set_clock

    set_clock(RunningClock())
    tmp = Path(spec["tmp"])
    database_url = f"sqlite://{tmp}/bench.db"
    if spec.get("db_params"):
        database_url += f"?{spec['db_params']}"
    settings = Settings(
        DATABASE_URL=database_url,
        TELEGRAM_BOT_TOKEN=spec["token"],
        TELEGRAM_API_URL=spec["api_url"],
        TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{spec['port']}/telegram/webhook",
        TELEGRAM_WEBHOOK_SECRET=SECRET,
        GUANJIA_HTTP_HOST="127.0.0.1",
        GUANJIA_HTTP_PORT=str(spec["port"]),
        GUANJIA_CONFIG=str(tmp / "guanjia.yaml"),
    )
    rt = Runtime(settings, make_config(tmp))
    t_start = time.monotonic()
    await start(rt)
    startup_s = time.monotonic() - t_start
    sender = rt.senders["telegram"]
    # set-up and warm-up are not what is measured: the limits are switched in later
    sender.limits = None
    try:

        def limiter_on() -> None:
            sender.limits = TelegramLimits()

        await child_ready(
            {"startup_s": round(startup_s, 2), "texts": usable_texts()},
            on_signal={signal.SIGHUP: limiter_on},
        )
        from models.tables import InboundMessage, Outbox, Ticket

        return {
            "tickets": await Ticket.all().count(),
            "inbound_failed": await InboundMessage.filter(status="failed").count(),
            "outbox_pending_at_end": await Outbox.filter(status="pending").count(),
        }
    finally:
        await shutdown(rt)


async def child_ready(info: dict[str, Any], on_signal: dict | None = None) -> None:
    """Say ready on stdout, then serve until SIGTERM. SIGUSR1/SIGUSR2 bracket the
    measured phase: its CPU time is recorded (and profiled with ``--profile``)."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    profile = CHILD_SPEC.get("profile")
    profiler = cProfile.Profile() if profile else None
    measured: dict[str, float] = {}

    def phase_on() -> None:
        measured["cpu0"] = time.process_time()
        if profiler:
            profiler.enable()

    def phase_off() -> None:
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile)
        CHILD_RESULT["measured_cpu_s"] = round(time.process_time() - measured["cpu0"], 3)

    handlers = {signal.SIGTERM: stop.set, signal.SIGUSR1: phase_on, signal.SIGUSR2: phase_off}
    handlers.update(on_signal or {})
    for sig, handler in handlers.items():
        loop.add_signal_handler(sig, handler)
    gc.collect()
    print(json.dumps({"ready": True, **info}, ensure_ascii=False), flush=True)
    await stop.wait()


CHILD_RESULT: dict[str, Any] = {}
CHILD_SPEC: dict[str, Any] = {}


def child_main(kind: str, spec: dict[str, Any]) -> int:
    CHILD_SPEC.update(spec)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    serve = serve_echo if kind == "echo" else serve_guanjia

    async def run() -> dict[str, Any]:
        t0 = time.process_time()
        result = await serve(spec)
        result.update(CHILD_RESULT)
        result.update({"cpu_s": round(time.process_time() - t0, 2), "rss_mb": rss_mb()})
        result["peak_rss_mb"] = peak_rss_mb()
        return result

    print(json.dumps(asyncio.run(run()), ensure_ascii=False), flush=True)
    return 0


class BotProcess:
    """The parent's handle on a child bot process."""

    def __init__(self, kind: str, spec: dict[str, Any]):
        self.kind = kind
        self.spec = spec
        self.proc: asyncio.subprocess.Process | None = None
        self.info: dict[str, Any] = {}

    async def __aenter__(self) -> BotProcess:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            str(BENCH_FILE),
            "--serve",
            self.kind,
            "--spec",
            json.dumps(self.spec),
            stdout=asyncio.subprocess.PIPE,
        )
        line = await asyncio.wait_for(self.proc.stdout.readline(), 60)
        if not line:
            raise RuntimeError(f"the {self.kind} bot process exited before it was ready")
        self.info = json.loads(line)
        return self

    def signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    async def finish(self) -> dict[str, Any]:
        self.proc.send_signal(signal.SIGTERM)
        line = await asyncio.wait_for(self.proc.stdout.readline(), 30)
        await asyncio.wait_for(self.proc.wait(), 30)
        return json.loads(line) if line else {}

    async def __aexit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()


# -- the Telegram side: load and measurement -------------------------------------------------
async def measure_echo(
    tg: BenchTelegram, args, first_user: int, *, lean: bool = False
) -> dict[str, Any]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    spec = {
        "token": tg.token,
        "base_url": tg.base_url,
        "base_file_url": tg.base_file_url,
        "port": port,
        "lean": lean,
    }
    connector = aiohttp.TCPConnector(limit=args.connections)
    async with (
        BotProcess("echo", spec) as bot,
        aiohttp.ClientSession(connector=connector) as session,
    ):
        # warm-up
        warm = [first_user + i for i in range(args.warmup)]
        w = Waiter(is_confirmation)
        w.expect(warm)
        tg.listeners.append(w)
        shots = [Shot(u, encode(tg.make_text_update(u, u, "预热"))) for u in warm]
        await offer(session, url, shots, args.warmup_rate)
        await w.wait(10)
        tg.listeners.remove(w)
        # measured
        users = [first_user + args.warmup + i for i in range(args.residents)]
        waiter = Waiter(is_confirmation)
        waiter.expect(users)
        tg.listeners.append(waiter)
        shots = [
            Shot(u, encode(tg.make_text_update(u, u, REPAIR_TEXTS[i % len(REPAIR_TEXTS)])))
            for i, u in enumerate(users)
        ]
        gc.collect()
        bot.signal(signal.SIGUSR1)
        await offer(session, url, shots, args.rate)
        await waiter.wait(args.drain)
        bot.signal(signal.SIGUSR2)
        tg.listeners.remove(waiter)
        result = summarise(shots, waiter, args.rate)
        result["process"] = await bot.finish()
        return with_cpu(result)


def with_cpu(result: dict[str, Any]) -> dict[str, Any]:
    """The bot process's CPU time in the measured phase, per confirmed message."""
    cpu = result["process"].get("measured_cpu_s")
    if cpu is not None and result["confirmed"]:
        result["cpu_ms_per_msg"] = round(cpu * 1000 / result["confirmed"], 2)
    return result


async def outbox_backlog(session: aiohttp.ClientSession, base: str) -> int:
    async with session.get(f"{base}/healthz") as response:
        return int((await response.json())["outbox_backlog"])


async def wait_outbox_empty(session: aiohttp.ClientSession, base: str, timeout: float) -> bool:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await outbox_backlog(session, base) == 0:
            return True
        await asyncio.sleep(0.05)
    return False


async def measure_guanjia(
    tg: BenchTelegram, args, first_user: int, *, production_limiter: bool, profile: str | None
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="guanjia-bench-") as tmpdir:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        webhook_url = f"{base}/telegram/webhook"
        spec = {
            "token": tg.token,
            "api_url": tg.url,
            "port": port,
            "tmp": tmpdir,
            "db_params": args.db_params,
            "profile": profile,
        }
        connector = aiohttp.TCPConnector(limit=args.connections)
        async with (
            BotProcess("guanjia", spec) as bot,
            aiohttp.ClientSession(connector=connector) as session,
        ):
            texts = bot.info["texts"]
            total = args.warmup + args.probe + args.residents
            users = [first_user + i for i in range(total)]

            # 1. bind every resident's unit (/start, then the unit), a few at a time
            bound = Waiter(lambda c: "已记录您的房号" in text_of(c))
            bound.expect(users)
            tg.listeners.append(bound)
            gate = asyncio.Semaphore(16)

            async def bind(i: int, user: int) -> None:
                async with gate:
                    for text in ("/start", unit_text(i)):
                        shot = Shot(user, encode(tg.make_text_update(user, user, text)))
                        await post(session, webhook_url, shot)
                        if shot.status != 200:
                            raise RuntimeError(f"binding {user}: HTTP {shot.status}")

            t_bind = time.monotonic()
            await asyncio.gather(*(bind(i, u) for i, u in enumerate(users)))
            if not await bound.wait(30):
                raise RuntimeError(f"only {len(bound.arrived)}/{total} residents bound")
            tg.listeners.remove(bound)
            bind_s = time.monotonic() - t_bind

            # 2. warm-up: the same kind of message, not measured
            warm_users = users[: args.warmup]
            warm = Waiter(is_confirmation)
            warm.expect(warm_users)
            tg.listeners.append(warm)
            shots = [
                Shot(u, encode(tg.make_text_update(u, u, texts[i % len(texts)])))
                for i, u in enumerate(warm_users)
            ]
            await offer(session, webhook_url, shots, args.warmup_rate)
            await warm.wait(20)
            tg.listeners.remove(warm)
            await wait_outbox_empty(session, base, 10)  # the warm-up's cards are out too

            # 3. unloaded service time: a few messages one at a time (closed loop)
            service = []
            for i, u in enumerate(users[args.warmup : args.warmup + args.probe]):
                one = Waiter(is_confirmation)
                one.expect([u])
                tg.listeners.append(one)
                shot = Shot(u, encode(tg.make_text_update(u, u, texts[i % len(texts)])))
                await post(session, webhook_url, shot)
                await one.wait(5)
                tg.listeners.remove(one)
                if u in one.arrived:
                    service.append((one.arrived[u].at - shot.posted, shot.acked - shot.posted))
                await wait_outbox_empty(session, base, 5)

            # 4. measured: one repair message per resident, open loop
            measured = users[args.warmup + args.probe :]
            waiter = Waiter(is_confirmation)
            waiter.expect(measured)
            tg.listeners.append(waiter)
            cards: list[TelegramCall] = []

            def card(call: TelegramCall) -> None:
                if call.params.get("chat_id") == STEWARDS and TICKET_NUMBER.search(text_of(call)):
                    cards.append(call)

            tg.listeners.append(card)
            shots = [
                Shot(
                    u,
                    encode(tg.make_text_update(u, u, texts[(i * 7 + 3) % len(texts)])),
                )
                for i, u in enumerate(measured)
            ]
            if production_limiter:
                bot.signal(signal.SIGHUP)
            gc.collect()
            bot.signal(signal.SIGUSR1)
            await offer(session, webhook_url, shots, args.rate)
            await waiter.wait(args.drain)
            bot.signal(signal.SIGUSR2)
            tg.listeners.remove(waiter)
            tg.listeners.remove(card)
            result = summarise(shots, waiter, args.rate)

            # the stewards' card of the same tickets (not throttled only without limiter)
            by_number = {}
            for shot in shots:
                call = waiter.arrived.get(shot.chat)
                if call is not None:
                    by_number[TICKET_NUMBER.search(text_of(call)).group()] = shot.posted
            card_lat = [
                c.at - by_number[n]
                for c in cards
                if (n := TICKET_NUMBER.search(text_of(c)).group()) in by_number
            ]
            result.update(
                {
                    "cards_delivered": len(card_lat),
                    "card_p50_ms": ms(pct(card_lat, 50)),
                    "card_p99_ms": ms(pct(card_lat, 99)),
                    "unloaded_p50_ms": ms(pct([a for a, _ in service], 50)),
                    "unloaded_webhook_ack_p50_ms": ms(pct([b for _, b in service], 50)),
                    "startup_s": bot.info.get("startup_s"),
                    "bind_s": round(bind_s, 2),
                    "limiter": "production TelegramLimits()" if production_limiter else "off",
                }
            )
            result["process"] = await bot.finish()
            for key in ("tickets", "inbound_failed", "outbox_pending_at_end"):
                result[key] = result["process"].pop(key, None)
            return with_cpu(result)


# -- main ---------------------------------------------------------------------------------
NOTES = (
    "Latency = update POST to the webhook -> the ticket confirmation's sendMessage arriving "
    "at the fake Bot API (time.monotonic, the same clock in both processes). The bot under "
    "test (echo or Guanjia) runs in a process of its own; the fake Bot API server and the "
    "load generator run in the bench's process, so they do not take the bot's CPU time "
    "(this machine: 2 cores). cpu_ms_per_msg is the bot process's CPU time during the "
    "measured phase per confirmed message; rss_mb is the Guanjia process's. The POST "
    "goes through at most "
    "{connections} keep-alive connections, like Telegram's default webhook max_connections; "
    "time spent waiting for a free connection counts. Top-level p50/p95/p99/msgs_per_s are "
    "those of the median (by p99) of {repeat} runs with the rate limiter OFF, taking turns "
    "with the echo bot (every run is under 'repeats'). p50_le_3x_echo is judged on the "
    "median of the per-turn ratios (each Guanjia run over the echo run measured seconds "
    "before it: the host's speed changes from one minute to the next, so runs are compared "
    "within a turn); p50_over_echo_p50 compares the two median runs. The echo floor is the "
    "plain python-telegram-bot echo (Update.de_json, Bot.send_message); echo_lean reads and "
    "sends as Guanjia does (orjson, JSON straight over the transport), for comparison. "
    "That is what answers the issue's target "
    "(p99 <= 100 ms at 200 msg/s on SQLite; p50 <= 3x echo_p50), because the production "
    "limits (29 msg/s overall, 20/min per group, 3 per 3 s per private chat) cap ANY bot at "
    "Telegram's bulk limit of 30 msg/s: each ticket makes 2 sends (confirmation + stewards' "
    "card), the card to the one stewards' group is held to 20/min, and confirmations are "
    "delivered at <= 30/s, so at 200 msg/s offered the latency grows with the backlog by "
    "design (runs.production_limiter shows it). Residents are distinct (no bursts, 1 message "
    "each), units pre-bound, warm-up excluded, fresh SQLite (WAL) database per run."
)


REPEAT_KEYS = ("p50_ms", "p95_ms", "p99_ms", "msgs_per_s", "cpu_ms_per_msg")


def per_turn(guanjia: dict[str, Any], echo: dict[str, Any]) -> float:
    """Guanjia's p50 over the echo's of the same turn (infinite when a bot lost
    messages: such a turn counts as the worst, as in ``median_run``)."""
    complete = all(r["confirmed"] == r["messages"] and r["p50_ms"] for r in (guanjia, echo))
    return round(guanjia["p50_ms"] / echo["p50_ms"], 2) if complete else math.inf


def _finite(ratio: float) -> float | None:
    """JSON has no infinity: a turn that lost messages prints as null."""
    return None if math.isinf(ratio) else ratio


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median p99 (a run that lost messages counts as the worst)."""
    worst = float("inf")
    ranked = sorted(
        runs,
        key=lambda r: (
            r["p99_ms"] if r["p99_ms"] is not None and r["confirmed"] == r["messages"] else worst
        ),
    )
    return ranked[(len(ranked) - 1) // 2]


async def main(args) -> dict[str, Any]:
    out: dict[str, Any] = {
        "bench": "telegram_e2e",
        "transport": "webhook",
        "database": "sqlite (WAL, temp dir)",
        "residents": args.residents,
        "rate": args.rate,
        "warmup": args.warmup,
        "connections": args.connections,
        "repeat": args.repeat,
    }
    echoes, leans, guanjias = [], [], []
    async with BenchTelegram() as tg:
        # Echo and Guanjia take turns, so that both see the same machine (a shared host
        # here: the same run varies by ±30% from one minute to the next).
        for i in range(args.repeat):
            echoes.append(await measure_echo(tg, args, first_user=100_000 + i * 10_000))
            leans.append(await measure_echo(tg, args, first_user=150_000 + i * 10_000, lean=True))
            guanjias.append(
                await measure_guanjia(
                    tg,
                    args,
                    200_000 + i * 10_000,
                    production_limiter=False,
                    profile=args.profile if i == 0 else None,
                )
            )
        echo, lean, unlimited = median_run(echoes), median_run(leans), median_run(guanjias)
        limited = None
        if not args.skip_production:
            limited = await measure_guanjia(
                tg, args, 300_000, production_limiter=True, profile=None
            )
    out.update(
        {
            "p50_ms": unlimited["p50_ms"],
            "p95_ms": unlimited["p95_ms"],
            "p99_ms": unlimited["p99_ms"],
            "msgs_per_s": unlimited["msgs_per_s"],
            "offered_msgs_per_s": unlimited["offered_msgs_per_s"],
            "echo_p50_ms": echo["p50_ms"],
            "echo_p99_ms": echo["p99_ms"],
            "echo_msgs_per_s": echo["msgs_per_s"],
        }
    )
    p99_ok = unlimited["p99_ms"] is not None and unlimited["p99_ms"] <= 100
    ratio = (
        round(unlimited["p50_ms"] / echo["p50_ms"], 2)
        if unlimited["p50_ms"] and echo["p50_ms"]
        else None
    )
    rate_ok = (
        unlimited["confirmed"] == unlimited["messages"]
        and unlimited["offered_msgs_per_s"] is not None
        and unlimited["offered_msgs_per_s"] >= 0.95 * args.rate
    )
    # each turn's Guanjia against the echo measured seconds before it, on the same host
    turns = [per_turn(g, e) for g, e in zip(guanjias, echoes, strict=True)]
    lean_turns = [per_turn(g, e) for g, e in zip(guanjias, leans, strict=True)]
    turn_ratio = statistics.median(turns)
    out["echo_lean_p50_ms"] = lean["p50_ms"]
    out["targets"] = {
        "p99_le_100ms_at_rate": bool(p99_ok and rate_ok),
        "p50_over_echo_p50": ratio,
        "p50_over_echo_p50_per_turn": [_finite(r) for r in turns],
        "p50_over_echo_p50_turn_median": _finite(turn_ratio),
        "p50_le_3x_echo": turn_ratio <= 3,
        "p50_over_echo_lean_p50_per_turn": [_finite(r) for r in lean_turns],
    }
    out["runs"] = {"echo": echo, "echo_lean": lean, "limiter_off": unlimited}
    if args.repeat > 1:
        out["repeats"] = {
            "echo": [{k: r[k] for k in REPEAT_KEYS} for r in echoes],
            "echo_lean": [{k: r[k] for k in REPEAT_KEYS} for r in leans],
            "limiter_off": [{k: r[k] for k in REPEAT_KEYS} for r in guanjias],
            "limiter_off_p99_le_100ms": sum(
                1 for r in guanjias if r["p99_ms"] is not None and r["p99_ms"] <= 100
            ),
        }
    if limited is not None:
        out["runs"]["production_limiter"] = limited
    out["rss_mb"] = unlimited["process"].get("rss_mb")
    out["peak_rss_mb"] = unlimited["process"].get("peak_rss_mb")
    out["python"] = sys.version.split()[0]
    out["git"] = git_state()
    if args.db_params:
        out["db_params"] = args.db_params
    out["notes"] = NOTES.format(connections=args.connections, repeat=args.repeat)
    return out


def git_state() -> str:
    """The commit measured, and whether the working tree had local changes."""
    import subprocess

    def git(*cmd: str) -> str:
        return subprocess.run(
            ["git", *cmd], cwd=ROOT, capture_output=True, text=True, timeout=10
        ).stdout.strip()

    try:
        head = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except Exception:
        return "unknown"
    if not head:
        return "unknown"
    return f"{head}{' (dirty)' if dirty else ''}"


def parse_args(argv: list[str] | None = None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--residents", type=int, default=200, help="measured messages (1 each)")
    p.add_argument("--rate", type=float, default=200.0, help="offered messages per second")
    p.add_argument("--warmup", type=int, default=40, help="warm-up residents (not measured)")
    p.add_argument("--warmup-rate", type=float, default=50.0)
    p.add_argument("--connections", type=int, default=40, help="webhook connections (Telegram: 40)")
    p.add_argument("--drain", type=float, default=30.0, help="seconds to wait for confirmations")
    p.add_argument("--timeout", type=float, default=300.0, help="hard limit for everything")
    p.add_argument("--skip-production", action="store_true", help="only the limiter-off run")
    p.add_argument("--profile", metavar="FILE", help="cProfile the measured limiter-off phase")
    p.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="measure echo and Guanjia this many times, taking turns; report the median run",
    )
    p.add_argument("--probe", type=int, default=20, help="messages sent one at a time first")
    p.add_argument(
        "--db-params",
        default="",
        help="extra SQLite URL parameters (pragmas) for what-if runs, e.g. synchronous=NORMAL",
    )
    args = p.parse_args(argv)
    if not 1 <= args.repeat <= 9:
        p.error("--repeat must be 1..9")
    if not (1 <= args.residents <= 2000 and 0 <= args.warmup <= 500 and 0 <= args.probe <= 200):
        p.error("--residents must be 1..2000, --warmup 0..500, --probe 0..200")
    if not re.fullmatch(r"([a-z_]+=[A-Za-z0-9_]+)?(&[a-z_]+=[A-Za-z0-9_]+)*", args.db_params):
        p.error("--db-params: name=value pairs joined by &")
    if not (0 < args.rate <= 5000 and 0 < args.warmup_rate <= 5000):
        p.error("rates must be in (0, 5000]")
    args.timeout = min(args.timeout, 600.0)
    return args


def cli(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--serve"]:  # the bot side, started by the bench itself
        return child_main(argv[1], json.loads(argv[3]))
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    try:
        result = asyncio.run(asyncio.wait_for(main(args), args.timeout))
        code = 0
    except TimeoutError:
        result = {"error": f"timed out after {args.timeout:.0f}s"}
        code = 1
    except Exception as e:  # still one JSON object
        log.exception("bench failed")
        result = {"error": f"{type(e).__name__}: {e}"}
        code = 1
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.profile and code == 0:
        stats = pstats.Stats(args.profile, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(40)
    return code


if __name__ == "__main__":
    sys.exit(cli())
