"""The monthly complaint statistics (《顾客投诉分类统计表》)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from handlers.report import complaint_table, render, send_monthly
from models.tables import Outbox, Ticket
from tests.test_intake import say, world  # noqa: F401 - the fixture
from tests.test_scheduler import MANAGER, STEWARD, STEWARDS, SUPERVISORS, local, staff_does

ROOT = Path(__file__).resolve().parent.parent


async def test_month_table_counts_classes_deadlines_and_satisfaction(world):  # noqa: F811
    clock = world
    await say("1栋1单元1201", user="801")
    await say("1栋1单元1202", user="802")
    await say("我要投诉，楼上天天半夜装修太吵了", user="801")  # quality, answered on time
    await say("投诉你们保安态度恶劣，还骂人", user="802")  # attitude, never handled
    await say("客厅的灯不亮了", user="803")  # no unit yet: no ticket, not counted
    first, _never_handled = await Ticket.filter(kind="complaint").order_by("id")
    await staff_does(f"/note {first.number} 已联系楼上住户", user=STEWARD)
    await staff_does(f"/resolve {first.number} 已协调，装修改到白天", user=STEWARD)
    clock.advance(hours=2)
    row = await Ticket.get(id=first.id)
    await Ticket.filter(id=row.id).update(satisfaction=4)

    table = await complaint_table("demo", "2026-11")
    assert table.complaints == 2 and table.requests["repair"] == 0  # 803 has no unit yet
    assert table.by_class["attitude"] == 1 and sum(table.by_class.values()) == 2
    assert (table.reported_on_time, table.answered_on_time) == (1, 1)
    assert (table.rated, table.satisfaction) == (1, 4.0)
    text = render(table)
    assert text.startswith("《顾客投诉分类统计表》示例花园 2026-11")
    assert "4小时内回复前台：1（50%）" in text

    # on the 1st of December the November table goes to supervisors and the manager, once
    clock.set(local(2026, 12, 1, 9, 0))
    assert await send_monthly() == 1
    assert await send_monthly() == 0
    sent = [
        r.payload["text"]
        for r in await Outbox.filter(chat_id__in=[SUPERVISORS, str(MANAGER)])
        if r.payload["text"].startswith("《顾客投诉分类统计表》")
    ]
    assert len(sent) == 2 and all("2026-11" in t for t in sent)
    assert not [r for r in await Outbox.filter(chat_id=STEWARDS) if "统计表" in r.payload["text"]]


async def test_report_cli_prints_json(world, tmp_path):  # noqa: F811
    await say("1栋1单元1201", user="801")
    await say("我要投诉，电梯经常坏", user="801")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{tmp_path}/intake.db",
        "GUANJIA_CONFIG": str(tmp_path / "guanjia.yaml"),
    }
    out = subprocess.run(
        [sys.executable, "-m", "bot", "report", "--month", "2026-11", "--json"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout.splitlines()[-1])
    assert data["month"] == "2026-11" and data["complaints"] == 1


async def test_tickets_list_and_show_for_an_operator(world, tmp_path):  # noqa: F811
    await say("1栋1单元1201", user="801")
    await say("厨房水管漏水了", user="801")
    ticket = await Ticket.get()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{tmp_path}/intake.db",
        "GUANJIA_CONFIG": str(tmp_path / "guanjia.yaml"),
    }
    listing = subprocess.run(
        [sys.executable, "-m", "bot", "tickets", "list"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listing.returncode == 0, listing.stderr
    assert ticket.number in listing.stdout and "1栋1单元1201" in listing.stdout
    show = subprocess.run(
        [sys.executable, "-m", "bot", "tickets", "show", ticket.number, "--json"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    data = json.loads(show.stdout)
    assert data["status"] == "dispatched"
    assert [e["kind"] for e in data["events"]][:3] == ["created", "message_in", "status"]
    missing = subprocess.run(
        [sys.executable, "-m", "bot", "tickets", "show", "20990101-0001"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 1 and "no ticket" in missing.stderr
