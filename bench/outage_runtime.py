"""The bot side of ``bench/mass_outage.py`` and ``bench/notice.py``: the real runtime
(``bot.app.start``: SQLite in a temporary directory, webhook mode on 127.0.0.1, the
production ``TelegramLimits``) in a process of its own, with real time, against the fake
Bot API server that runs in the bench's process.

The residents of the building are put in the database before the bot says it is
ready (one resident per household, bound to their unit, as the register and the
conversation would leave them): set-up is not what is measured. Everything after it
goes through the webhook and the outbox as in production.

    python bench/outage_runtime.py --serve SPEC_JSON   (started by the benches)
    python bench/outage_runtime.py --post < PLAN_JSON  (the load, in its own process)
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for path in (str(ROOT), str(BENCH)):
    if path not in sys.path:
        sys.path.insert(0, path)

from telegram_e2e import RunningClock, free_port, peak_rss_mb, rss_mb  # noqa: E402

RUNTIME_FILE = str(Path(__file__).resolve())
STEWARDS, SUPERVISORS, STEWARD_ID = -100200, -100300, 9001
SECRET = "bench-s3cret-token"
FIRST_USER = 1_000_000


def make_config(tmp: Path, entrances: int, floors: int, rooms: int):
    """The example community, its chats on Telegram, a steward, building 3 as large as
    the bench needs and a building 5 for the reports that are not building 3's."""
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
        (
            "    community: demo\n    telegram_id: null",
            f"    community: demo\n    telegram_id: {STEWARD_ID}",
        ),
        (
            '      - name: "3"\n        entrances: 3\n        floors: 26\n'
            "        rooms_per_floor: 4",
            f'      - name: "3"\n        entrances: {entrances}\n        floors: {floors}\n'
            f'        rooms_per_floor: {rooms}\n      - name: "5"\n        entrances: 2\n'
            "        floors: 18\n        rooms_per_floor: 2",
        ),
    ):
        if old not in text:
            raise SystemExit(f"example config changed: cannot find {old!r}")
        text = text.replace(old, new)
    path = tmp / "guanjia.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def units_of(entrances: int, floors: int, rooms: int, count: int) -> list[tuple[int, str]]:
    """(entrance, room) of the first ``count`` units of building 3."""
    out = []
    for floor in range(1, floors + 1):
        for entrance in range(1, entrances + 1):
            for room in range(1, rooms + 1):
                out.append((entrance, f"{floor * 100 + room}"))
    if count > len(out):
        raise SystemExit(f"building 3 has {len(out)} units, {count} asked")
    return out[:count]


async def seed(config, households: int, shape: tuple[int, int, int], extra: list[int]) -> None:
    """One resident per household of building 3 (Telegram user FIRST_USER + i), and the
    residents ``extra`` in building 5."""
    from models.domain.clock import now
    from models.domain.units import UnitRef, label
    from models.storage.db import community_row
    from models.tables import Resident
    from models.units import store_ref

    community = await community_row(code="demo")
    cfg = config.community("demo")
    b3 = next(b for b in cfg.buildings if b.name == "3")
    b5 = next(b for b in cfg.buildings if b.name == "5")
    at = now()
    rows = []
    places = [(b3, e, r) for e, r in units_of(*shape, households)]
    places += [(b5, 1, f"{101 + i // 2 * 100 + i % 2}") for i in range(len(extra))]
    users = [FIRST_USER + i for i in range(households)] + extra
    for user, (building, entrance, room) in zip(users, places, strict=True):
        ref = UnitRef("demo", building.name, entrance, room, label(cfg, building, entrance, room))
        unit = await store_ref(ref, community, None)
        rows.append(
            Resident(
                platform="telegram",
                platform_user_id=str(user),
                chat_id=str(user),
                community_id=community.id,
                unit_id=unit.id,
                script="hans",
                state={},
                created_at=at,
            )
        )
    await Resident.bulk_create(rows, batch_size=500)


async def serve(spec: dict[str, Any]) -> dict[str, Any]:
    from bot.app import Runtime, shutdown, start
    from bot.settings import Settings
    from models.domain.clock import set_clock

    set_clock(RunningClock())
    tmp = Path(spec["tmp"])
    shape = tuple(spec["shape"])
    config = make_config(tmp, *shape)
    settings = Settings(
        DATABASE_URL=f"sqlite://{tmp}/bench.db",
        TELEGRAM_BOT_TOKEN=spec["token"],
        TELEGRAM_API_URL=spec["api_url"],
        TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{spec['port']}/telegram/webhook",
        TELEGRAM_WEBHOOK_SECRET=SECRET,
        GUANJIA_HTTP_HOST="127.0.0.1",
        GUANJIA_HTTP_PORT=str(spec["port"]),
        GUANJIA_CONFIG=str(tmp / "guanjia.yaml"),
        GUANJIA_SWEEP_SECONDS=str(spec.get("sweep_seconds", 2)),
    )
    rt = Runtime(settings, config)
    t0 = time.monotonic()
    await start(rt)
    await seed(config, spec["households"], shape, spec.get("extra", []))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    cpu0 = time.process_time()
    print(json.dumps({"ready": True, "startup_s": round(time.monotonic() - t0, 2)}), flush=True)
    await stop.wait()
    try:
        return {"cpu_s": round(time.process_time() - cpu0, 2), **await figures()}
    finally:
        await shutdown(rt)


async def figures() -> dict[str, Any]:
    """What the database says at the end: incidents, tickets, the notices' reports."""
    from dataclasses import asdict

    from handlers.notice_report import notice_report
    from models.tables import InboundMessage, Incident, Notice, Outbox, Ticket

    incidents = []
    for incident in await Incident.all().order_by("id"):
        ticket = await Ticket.get(id=incident.ticket_id)
        incidents.append(
            {
                "number": ticket.number,
                "failure": incident.failure,
                "place": incident.place,
                "households": incident.households,
                "reports": incident.reports,
            }
        )
    reports = []
    for notice in await Notice.all().order_by("id"):
        report = await notice_report(notice.id)
        data = asdict(report)
        data.pop("deliveries")
        reports.append(
            {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
        )
    return {
        "tickets": await Ticket.all().count(),
        "incidents": incidents,
        "notices": reports,
        "inbound_failed": await InboundMessage.filter(status="failed").count(),
        "outbox_pending_at_end": await Outbox.filter(status="pending").count(),
        "outbox_failed": await Outbox.filter(status="failed").count(),
    }


class BotProcess:
    """The bench's handle on the bot process."""

    def __init__(self, spec: dict[str, Any]):
        self.spec = spec
        self.proc: asyncio.subprocess.Process | None = None
        self.info: dict[str, Any] = {}

    async def __aenter__(self) -> BotProcess:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            RUNTIME_FILE,
            "--serve",
            json.dumps(self.spec),
            stdout=asyncio.subprocess.PIPE,
        )
        line = await asyncio.wait_for(self.proc.stdout.readline(), 120)
        if not line:
            raise RuntimeError("the bot process exited before it was ready")
        self.info = json.loads(line)
        return self

    async def finish(self) -> dict[str, Any]:
        self.proc.send_signal(signal.SIGTERM)
        line = await asyncio.wait_for(self.proc.stdout.readline(), 60)
        await asyncio.wait_for(self.proc.wait(), 60)
        return json.loads(line) if line else {}

    async def __aexit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()


def spec_for(tg, tmp: str, households: int, shape: tuple[int, int, int], **more) -> dict:
    return {
        "token": tg.token,
        "api_url": tg.url,
        "port": free_port(),
        "tmp": tmp,
        "households": households,
        "shape": list(shape),
        **more,
    }


async def post_all(plan: dict[str, Any]) -> dict[str, float]:
    """POST each update to the webhook at its time (monotonic ``start`` + its offset),
    through at most 40 connections (Telegram's default); returns when each was posted."""
    import aiohttp

    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
    posted: dict[str, float] = {}
    failed = 0
    connector = aiohttp.TCPConnector(limit=40)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(user: str, offset: float, body: str) -> None:
            nonlocal failed
            await asyncio.sleep(max(0.0, plan["start"] + offset - time.monotonic()))
            posted[user] = time.monotonic()
            async with session.post(plan["url"], data=body.encode(), headers=headers) as r:
                await r.read()
                failed += r.status != 200

        await asyncio.gather(*(one(u, o, b) for u, o, b in plan["shots"]))
    return {"posted": posted, "failed": failed}


class Poster:
    """The load in a process of its own: the fake Bot API's event loop, which stamps
    each send as it arrives, is not held up by hundreds of webhook requests (a late
    stamp would count an earlier send in a later second)."""

    def __init__(self, plan: dict[str, Any]):
        self.plan = plan

    async def run(self) -> dict[str, Any]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            RUNTIME_FILE,
            "--post",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await proc.communicate(json.dumps(self.plan, ensure_ascii=False).encode())
        return json.loads(out) if out else {"posted": {}, "failed": -1}


def main(argv: list[str]) -> int:
    if argv[:1] == ["--post"]:
        plan = json.loads(sys.stdin.read())
        print(json.dumps(asyncio.run(post_all(plan))), flush=True)
        return 0
    if argv[:1] != ["--serve"]:
        print(__doc__, file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    spec = json.loads(argv[1])

    async def run() -> dict[str, Any]:
        result = await serve(spec)
        result.update({"rss_mb": rss_mb(), "peak_rss_mb": peak_rss_mb()})
        return result

    print(json.dumps(asyncio.run(run()), ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
