"""Two `python -m bot run` processes on one PostgreSQL database: every reminder and
every follow-up that comes due is sent exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from handlers.context import setup
from models.domain.clock import SystemClock, set_clock
from models.domain.lifecycle import Actor
from models.storage.db import close_db, open_db, sync_config
from models.tables import Community, Outbox, Resident, Status, Ticket
from models.tickets import create_ticket
from tests.conftest import PG_URL, needs_postgres, reset_postgres
from tests.test_scheduler import staffed_config

ROOT = Path(__file__).resolve().parent.parent
REMINDERS, FOLLOWUPS = 20, 20


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _seed(config) -> list[int]:
    """Tickets whose next step is already due: half a reminder, half a follow-up."""
    community = await Community.get(code="demo")
    at = datetime.now(UTC)
    ids = []
    for i in range(REMINDERS + FOLLOWUPS):
        resident = await Resident.create(
            platform="telegram",
            platform_user_id=str(7000 + i),
            chat_id=str(7000 + i),
            created_at=at,
        )
        ticket = await create_ticket(
            community_id=community.id,
            kind="repair",
            actor=Actor.system(),
            tz=config.tz,
            resident_id=resident.id,
            summary=f"test {i}",
        )
        if i < REMINDERS:
            clock = {
                "status": Status.DISPATCHED,
                "due_kind": "claim",
                "due_phase": "warn",
                "deadline_at": at + timedelta(hours=1),
            }
        else:
            clock = {
                "status": Status.RESOLVED,
                "resolved_at": at,
                "due_kind": "followup",
                "due_phase": "ask",
                "deadline_at": None,
            }
        await Ticket.filter(id=ticket.id).update(due_at=at - timedelta(seconds=1), **clock)
        ids.append(ticket.id)
    return ids


@needs_postgres
async def test_two_workers_send_each_step_exactly_once(tmp_path):
    previous = set_clock(SystemClock())
    config = staffed_config(tmp_path)
    setup(config)
    await reset_postgres(PG_URL)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "WECHAT_", "GUANJIA_", "DATABASE_URL"))
    }
    env.update(
        DATABASE_URL=PG_URL,
        GUANJIA_CONFIG=str(tmp_path / "guanjia.yaml"),
        GUANJIA_SWEEP_SECONDS="0.05",
    )
    migrate = subprocess.run(
        [sys.executable, "-m", "bot", "migrate"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrate.returncode == 0, migrate.stderr
    await open_db(PG_URL)
    procs = []
    try:
        await sync_config(config)
        ids = await _seed(config)
        for _ in range(2):
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "bot", "run"],
                    cwd=ROOT,
                    env={**env, "GUANJIA_HTTP_PORT": str(_port())},
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        deadline = asyncio.get_running_loop().time() + 60
        while asyncio.get_running_loop().time() < deadline:
            still_due = await Ticket.filter(id__in=ids, due_at__lte=datetime.now(UTC)).count()
            if not still_due:
                break
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.0)  # both workers keep sweeping: nothing more may appear
        for p in procs:
            assert p.poll() is None, p.stderr.read()
        reminders = await Outbox.filter(ticket_id__in=ids[:REMINDERS], chat_id="-100200")
        assert sorted(r.ticket_id for r in reminders) == sorted(ids[:REMINDERS])
        assert all("提醒" in r.payload["text"] for r in reminders)
        asks = await Outbox.filter(ticket_id__in=ids[REMINDERS:])
        assert sorted(r.ticket_id for r in asks) == sorted(ids[REMINDERS:])
        assert all("验收" in r.payload["text"] for r in asks)
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGINT)
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        await close_db()
        set_clock(previous)
