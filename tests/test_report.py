"""The monthly complaint statistics (《顾客投诉分类统计表》)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl

from handlers.deadline_steps import sweep
from handlers.report import complaint_table, render, send_monthly, set_files_dir
from handlers.statistics import default_month
from models.tables import Outbox, Ticket
from tests.test_intake import say, world  # noqa: F401 - the fixture
from tests.test_scheduler import MANAGER, STEWARD, STEWARDS, SUPERVISORS, local, staff_does

ROOT = Path(__file__).resolve().parent.parent


async def test_month_table_counts_classes_deadlines_and_satisfaction(world, tmp_path):  # noqa: F811
    clock = world
    await say("1栋1单元1201", user="801")
    await say("1栋1单元1202", user="802")
    await say("我要投诉，楼上天天半夜装修太吵了", user="801")  # quality, answered on time
    await say("投诉你们保安态度恶劣，还骂人", user="802")  # attitude, never handled
    await say("客厅的灯不亮了", user="803")  # no unit yet: no ticket, not counted
    first, never_handled = await Ticket.filter(kind="complaint").order_by("id")
    await staff_does(f"/note {first.number} 已联系楼上住户", user=STEWARD)
    await staff_does(f"/resolve {first.number} 已协调，装修改到白天", user=STEWARD)
    clock.advance(hours=2)
    row = await Ticket.get(id=first.id)
    await Ticket.filter(id=row.id).update(satisfaction=4)

    table = await complaint_table("demo", "2026-11")
    assert table.complaints.value == 2 and table.requests["repair"].value == 0  # 803: no unit
    assert table.by_class["attitude"].ids == [never_handled.id]
    assert sum(f.value for f in table.by_class.values()) == 2
    # at 12:00 the unhandled complaint's 4 hours (until 14:00) are still running: not due
    assert table.report_back.due.ids == [first.id] and table.report_back.met.ids == [first.id]
    assert (table.rating["all"].rated.value, table.rating["all"].average) == (1, 4.0)
    text = render(table)
    assert text.startswith("《顾客投诉分类统计表》示例花园 2026-11")
    assert "4小时内回复前台：1/1（100%）" in text
    clock.advance(hours=3)  # 17:00: now it is due, and missed
    table = await complaint_table("demo", "2026-11")
    assert table.report_back.missed.ids == [never_handled.id]
    assert "4小时内回复前台：1/2（50%）" in render(table)

    # on the 1st of December the November table goes to supervisors and the manager, once,
    # as text, the .xlsx file and a PNG chart
    set_files_dir(tmp_path / "reports")
    clock.set(local(2026, 12, 1, 9, 0))
    assert await send_monthly() == 1
    assert await send_monthly() == 0
    rows = await Outbox.filter(chat_id__in=[SUPERVISORS, str(MANAGER)]).order_by("id")
    sent = [
        r.payload["text"] for r in rows if r.payload["text"].startswith("《顾客投诉分类统计表》")
    ]
    assert len(sent) == 2 and all("2026-11" in t for t in sent)
    files = [m for r in rows for m in r.payload.get("media", [])]
    assert sorted(m["type"] for m in files) == ["document", "document", "photo", "photo"]
    xlsx = next(m["path"] for m in files if m["type"] == "document")
    book = openpyxl.load_workbook(xlsx)
    sheet = book.worksheets[0]
    cells = {(r[0], r[1]): r[2] for r in sheet.iter_rows(min_row=3, values_only=True) if r[1]}
    assert cells[("投诉", "投诉总数")] == 2 and cells[("按内容分类", "服务态度")] == 1
    assert sheet._charts  # a chart Excel draws
    png = next(m["path"] for m in files if m["type"] == "photo")
    assert Path(png).read_bytes().startswith(b"\x89PNG")  # noqa: ASYNC240
    assert not [r for r in await Outbox.filter(chat_id=STEWARDS) if "统计表" in r.payload["text"]]


async def test_findings_faq_rated_repairs_and_the_default_month(world):  # noqa: F811
    """咨询 counts the questions the FAQ answered; a closed repair rated 4 is in 满意度
    (by kind); a complaint opened late on the 30th whose 4 hours end in December is not
    a November failure; on the 3rd the default month is named with how to choose."""
    clock = world
    await say("1栋1单元1201", user="801")
    await say("物业费怎么交？可以用微信吗", user="801")
    await say("卫生间水龙头漏水了", user="801")
    repair = await Ticket.get(kind="repair")
    await staff_does(f"/resolve {repair.number} 已更换阀芯", user=STEWARD)
    clock.advance(hours=2)
    await sweep()  # the follow-up question
    await say(button=f"accept:{repair.id}:yes", user="801")
    await say(button=f"rate:{repair.id}:4", user="801")
    assert (await Ticket.get(id=repair.id)).status == "closed"
    clock.set(local(2026, 11, 30, 16, 30))
    await say("1栋1单元1202", user="802")
    await say("我要投诉，楼道里的灯坏了一个星期没人修", user="802")
    clock.set(local(2026, 12, 3, 10, 0))

    table = await complaint_table("demo", "2026-11")
    assert table.requests["consultation"].value == 1 and table.faq_answered == 1
    assert table.rating["repair"].rated.ids == [repair.id] and table.rating["repair"].average == 4
    # 回访应答 counts the question the sweep really asked and the rating really given
    assert table.followup.text() != "-" and "1" in table.followup.text()
    assert table.complaints.value == 1 and table.report_back.due.value == 0
    assert "4小时内回复前台：-" in render(table)
    december = await complaint_table("demo", "2026-12")
    assert december.report_back.due.value == 1 and december.report_back.met.value == 0
    month, hint = default_month()
    assert month == "2026-11" and "2026-11" in hint and "--month" in hint and "2026-12" in hint


async def test_report_cli_prints_json(world, tmp_path):  # noqa: F811
    await say("1栋1单元1201", user="801")
    await say("我要投诉，电梯经常坏", user="801")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{tmp_path}/intake.db",
        "GUANJIA_CONFIG": str(tmp_path / "guanjia.yaml"),
    }
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "report",
            "--month",
            "2026-11",
            "--json",
            "--xlsx",
            str(tmp_path / "table.xlsx"),
            "--png",
            str(tmp_path / "chart.png"),
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout.splitlines()[-1])
    assert data["month"] == "2026-11" and data["complaints"] == 1
    sheet = openpyxl.load_workbook(tmp_path / "table.xlsx").worksheets[0]
    cells = {(r[0], r[1]): r[2] for r in sheet.iter_rows(values_only=True) if len(r) > 2}
    assert cells[("投诉", "投诉总数")] == 1 and sheet._charts
    assert (tmp_path / "chart.png").read_bytes().startswith(b"\x89PNG")


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


async def test_the_evening_handover_sends_yesterdays_digest_with_a_chart(world, tmp_path):  # noqa: F811
    from handlers.context import env
    from handlers.handover import is_end_of_day
    from scheduler.jobs import handover_job

    clock = world
    await say("1栋1单元1201", user="801")
    await say("卫生间水龙头漏水了", user="801")
    await say("1栋1单元1202", user="802")
    await say("我要投诉，电梯经常坏", user="802")
    set_files_dir(tmp_path / "reports")
    evening = next(s for s in env().config.handover_times if is_end_of_day(s))
    clock.set(local(2026, 11, 24, evening.hour, evening.minute))
    await handover_job(evening)
    await handover_job(evening)  # a second worker firing the same slot sends nothing
    (digest,) = [
        r for r in await Outbox.filter(chat_id=SUPERVISORS) if "每日简报" in r.payload["text"]
    ]
    text = digest.payload["text"]
    assert "11-23" in text and "报修 1" in text and "投诉 1" in text and "共 2" in text
    (photo,) = digest.payload["media"]
    assert photo["type"] == "photo" and Path(photo["path"]).stat().st_size > 1000  # noqa: ASYNC240
