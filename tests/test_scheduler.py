"""A simulated week of deadlines, follow-ups, escalations and quiet hours, driven by
the injectable clock: every step goes through the real handlers and the sweeper,
and is checked on what was queued for each chat."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from handlers.context import Incoming, setup
from handlers.deadline_steps import sweep
from handlers.handover import run_handover
from handlers.router import handle
from models.domain.config import EXAMPLE_CONFIG, load_config
from models.storage.db import close_db, open_db, sync_config
from models.tables import Outbox, Status, Ticket, TicketEvent

SH = ZoneInfo("Asia/Shanghai")
STEWARDS, SUPERVISORS = "-100200", "-100300"
STEWARD, SUPERVISOR, MANAGER = 9001, 9002, 9003
RESIDENT = "501"


def staffed_config(tmp_path):
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    text = text.replace(
        "stewards_chat:\n      telegram: null", f"stewards_chat:\n      telegram: {STEWARDS}"
    )
    text = text.replace(
        "supervisors_chat:\n      telegram: null",
        f"supervisors_chat:\n      telegram: {SUPERVISORS}",
    )
    text = text.replace(
        "    community: demo\n    telegram_id: null",
        f"    community: demo\n    telegram_id: {STEWARD}",
        1,
    )
    text = text.replace(
        "  - name: 李主管\n    role: supervisor\n    community: demo\n",
        f"  - name: 李主管\n    role: supervisor\n    community: demo\n"
        f"    telegram_id: {SUPERVISOR}\n",
    )
    text = text.replace(
        "  - name: 陈经理\n    role: manager\n",
        f"  - name: 陈经理\n    role: manager\n    telegram_id: {MANAGER}\n",
    )
    path = tmp_path / "guanjia.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


@pytest.fixture
async def week(tmp_path, clock):
    config = staffed_config(tmp_path)
    setup(config)
    url = f"sqlite://{tmp_path}/week.db"
    await open_db(url, create=True)
    await sync_config(config)
    clock.set(local(2026, 11, 23, 9, 0))  # Monday morning
    yield clock
    await close_db()
    from models.domain.config import EXAMPLE_CONFIG as example

    setup(load_config(example))


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


_seq = iter(range(1, 10**6))


async def resident_says(text: str = "", button: str | None = None, user: str = RESIDENT):
    n = next(_seq)
    return await handle(
        Incoming(
            platform="telegram",
            key=f"u{n}",
            chat_id=user,
            sender_id=user,
            text=text,
            button=button,
            message_id=str(n),
        )
    )


async def staff_does(
    text: str = "", button: str | None = None, user: int = STEWARD, chat: str = STEWARDS
):
    n = next(_seq)
    return await handle(
        Incoming(
            platform="telegram",
            key=f"s{n}",
            chat_id=chat,
            sender_id=str(user),
            chat_type="group",
            text=text,
            button=button,
            message_id=str(n),
        )
    )


async def open_ticket(text: str) -> Ticket:
    await resident_says("1栋1单元1201")
    await resident_says(text)
    return await Ticket.filter(resident__platform_user_id=RESIDENT).order_by("-id").first()


async def texts_to(chat: str, since_id: int = 0) -> list[str]:
    rows = await Outbox.filter(chat_id=chat, id__gt=since_id).order_by("id")
    return [r.payload["text"] for r in rows]


async def last_outbox_id() -> int:
    row = await Outbox.all().order_by("-id").first()
    return row.id if row else 0


async def run_until(clock, until: datetime, step: timedelta = timedelta(minutes=5)) -> None:
    """Advance the clock to ``until``, sweeping at every step as the job would."""
    while clock.now() < until:
        clock.set(min(until, clock.now() + step))
        await sweep()


async def test_repair_claimed_late_escalates_once_to_supervisor_and_once_to_manager(week):
    clock = week
    clock.set(local(2026, 11, 23, 10, 0))
    ticket = await open_ticket("厨房水管漏水了")
    assert ticket.status == Status.DISPATCHED
    assert ticket.deadline_at == local(2026, 11, 23, 10, 30)  # 30 business minutes
    mark = await last_outbox_id()

    await run_until(clock, local(2026, 11, 23, 10, 25))
    assert [t for t in await texts_to(STEWARDS, mark) if "提醒" in t] == [
        f"⏰ 提醒：工单 {ticket.number}（1栋1单元1201）接单将于 11-23 10:30 到期。"
    ]

    await run_until(clock, local(2026, 11, 23, 12, 0))  # far past every step
    await run_until(clock, local(2026, 11, 24, 12, 0), step=timedelta(hours=1))
    events = await TicketEvent.filter(ticket=ticket, kind="escalated").order_by("id")
    assert [e.data["level"] for e in events] == [1, 2]
    assert [e.at for e in events] == [local(2026, 11, 23, 10, 30), local(2026, 11, 23, 11, 0)]
    supervisors = await texts_to(SUPERVISORS, mark)
    assert sum("升级至客服主管" in t for t in supervisors) == 1
    assert sum("升级至物业经理" in t for t in supervisors) == 1
    manager = await texts_to(str(MANAGER), mark)
    assert len(manager) == 1 and "物业经理" in manager[0]
    stewards = [
        r.payload["text"] for r in await Outbox.filter(chat_id=STEWARDS, id__gt=mark, kind="text")
    ]
    assert sum("已超时" in t for t in stewards) == 1
    card_edits = await Outbox.filter(kind="edit_card", ticket=ticket, id__gt=mark)
    assert any("（已超时）" in r.payload["text"] for r in card_edits)

    # claiming late stops the clock: nothing further is sent
    await staff_does(f"/claim {ticket.number}")
    mark = await last_outbox_id()
    await run_until(clock, local(2026, 11, 30, 12, 0), step=timedelta(hours=3))
    fresh = await Ticket.get(id=ticket.id)
    assert fresh.status == Status.CLAIMED and fresh.due_at is None and fresh.deadline_at is None
    assert await texts_to(SUPERVISORS, mark) == []


async def test_friday_evening_complaint_is_not_overdue_on_saturday(week):
    clock = week
    clock.set(local(2026, 11, 27, 17, 0))  # Friday 17:00
    ticket = await open_ticket("我要投诉，楼上天天半夜装修太吵了")
    assert ticket.kind == "complaint"
    assert ticket.deadline_at == local(2026, 11, 30, 12, 0)  # 0.5 h Friday + 3.5 h Monday
    mark = await last_outbox_id()
    await run_until(clock, local(2026, 11, 28, 10, 0), step=timedelta(minutes=30))  # Saturday
    assert await TicketEvent.filter(ticket=ticket, kind="escalated").count() == 0
    assert [t for t in await texts_to(STEWARDS, mark) if "超时" in t or "提醒" in t] == []
    await run_until(clock, local(2026, 11, 30, 12, 0), step=timedelta(hours=1))
    assert await TicketEvent.filter(ticket=ticket, kind="escalated").count() == 1


async def _resolved(clock, text="客厅的灯不亮了") -> Ticket:
    ticket = await open_ticket(text)
    await staff_does(f"/claim {ticket.number}")
    await staff_does(f"/resolve {ticket.number} 已更换灯泡")
    return await Ticket.get(id=ticket.id)


async def _buttons_to_resident(since: int) -> list[list[dict]]:
    rows = await Outbox.filter(chat_id=RESIDENT, id__gt=since).order_by("id")
    return [b for r in rows for b in r.payload.get("buttons", [])]


async def test_satisfied_follow_up_closes(week):
    clock = week
    clock.set(local(2026, 11, 23, 10, 0))
    ticket = await _resolved(clock)
    assert ticket.due_kind == "followup" and ticket.due_at == local(2026, 11, 23, 11, 0)
    mark = await last_outbox_id()
    await run_until(clock, local(2026, 11, 23, 11, 0))
    asked = await texts_to(RESIDENT, mark)
    assert len(asked) == 1 and "验收" in asked[0]  # repairs are accepted first
    accept = (await _buttons_to_resident(mark))[0][0]
    await resident_says(button=accept["data"])
    buttons = await _buttons_to_resident(mark)
    five = next(b for row in buttons for b in [row[0]] if b["data"].endswith(":5"))
    await resident_says(button=five["data"])
    fresh = await Ticket.get(id=ticket.id)
    assert (fresh.status, fresh.satisfaction, fresh.accepted) == ("closed", 5, True)
    assert fresh.due_at is None
    # the optional comment after the rating is kept and shown to the stewards
    await resident_says("师傅很专业，点赞")
    comment = await TicketEvent.filter(ticket=ticket, kind="followup").order_by("-id").first()
    assert comment.text == "师傅很专业，点赞"
    assert any("师傅很专业" in t for t in await texts_to(STEWARDS, mark))


async def test_unsatisfied_follow_up_reopens_and_escalates(week):
    clock = week
    clock.set(local(2026, 11, 23, 10, 0))
    ticket = await _resolved(clock, "3楼楼道很脏 麻烦派人打扫")
    assert ticket.kind == "cleaning"
    mark = await last_outbox_id()
    await run_until(clock, local(2026, 11, 23, 11, 0))
    rating = [row[0] for row in await _buttons_to_resident(mark)]
    assert [b["data"].rsplit(":", 1)[1] for b in rating] == ["5", "4", "3", "2", "1"]
    await resident_says(button=next(b["data"] for b in rating if b["data"].endswith(":2")))
    fresh = await Ticket.get(id=ticket.id)
    assert fresh.status == Status.REOPENED and fresh.escalation_level == 1
    assert fresh.assignee_id is not None  # back to the same steward
    assert any("重新打开" in t for t in await texts_to(RESIDENT, mark))
    assert any("升级至客服主管" in t for t in await texts_to(SUPERVISORS, mark))
    assert fresh.due_kind == "claim"  # the clock runs again


async def test_silent_follow_up_reminds_once_and_closes_on_day_7(week):
    clock = week
    clock.set(local(2026, 11, 23, 10, 0))
    ticket = await _resolved(clock)
    mark = await last_outbox_id()
    await run_until(clock, local(2026, 11, 30, 12, 0), step=timedelta(hours=1))
    to_resident = await texts_to(RESIDENT, mark)
    assert sum("验收" in t for t in to_resident) == 2  # asked, then asked again once
    assert sum("打扰您了" in t for t in to_resident) == 1
    fresh = await Ticket.get(id=ticket.id)
    assert fresh.status == Status.CLOSED
    assert fresh.closed_at == local(2026, 11, 30, 11, 0)  # 7 days after asking
    closing = await TicketEvent.filter(ticket=ticket, to_status="closed").first()
    assert closing.data == {"no_reply": True}


async def test_resident_reporting_again_reopens_instead_of_closing(week):
    clock = week
    clock.set(local(2026, 11, 23, 10, 0))
    ticket = await _resolved(clock, "卫生间水龙头一直漏水")
    clock.set(local(2026, 11, 25, 9, 0))
    await resident_says("卫生间水龙头又漏水了")
    fresh = await Ticket.get(id=ticket.id)
    assert fresh.status == Status.REOPENED
    await run_until(clock, local(2026, 12, 2, 12, 0), step=timedelta(hours=4))
    assert (await Ticket.get(id=ticket.id)).status != Status.CLOSED


async def test_quiet_hours_hold_a_follow_up_but_never_an_urgent_ping(week):
    clock = week
    clock.set(local(2026, 11, 23, 20, 30))
    ticket = await _resolved(clock)
    mark = await last_outbox_id()
    await run_until(clock, local(2026, 11, 23, 21, 45))
    asked = await Outbox.filter(chat_id=RESIDENT, id__gt=mark).order_by("id")
    assert len(asked) == 1 and "验收" in asked[0].payload["text"]
    assert asked[0].ticket_id == ticket.id
    assert asked[0].next_attempt_at == local(2026, 11, 24, 8, 0)

    clock.set(local(2026, 11, 23, 23, 10))
    mark = await last_outbox_id()
    await resident_says("电梯困人了！有人被困在3号楼电梯里", user="502")
    urgent = await Ticket.filter(urgent=True).first()
    assert urgent is not None and urgent.hazard == "elevator"
    alerts = await Outbox.filter(chat_id=SUPERVISORS, id__gt=mark)
    assert alerts and all(r.next_attempt_at == clock.now() for r in alerts)
    await run_until(clock, local(2026, 11, 23, 23, 30), step=timedelta(minutes=1))
    pings = [
        r
        for r in await Outbox.filter(chat_id=SUPERVISORS, id__gt=mark)
        if "升级" in r.payload["text"]
    ]
    assert pings and all(r.next_attempt_at <= local(2026, 11, 23, 23, 30) for r in pings)
    reminder = [
        r for r in await Outbox.filter(chat_id=STEWARDS, id__gt=mark) if "提醒" in r.payload["text"]
    ]
    assert reminder and reminder[0].next_attempt_at == local(2026, 11, 23, 23, 15)


async def test_complaint_unsettled_after_24h_gets_progress_note_and_eta(week):
    clock = week
    clock.set(local(2026, 11, 23, 9, 0))
    ticket = await open_ticket("投诉：小区门口保安态度很差，还骂人")
    await staff_does(f"/claim {ticket.number}", user=SUPERVISOR, chat=SUPERVISORS)
    await staff_does(
        f"/note {ticket.number} 已找保安队长了解情况", user=SUPERVISOR, chat=SUPERVISORS
    )
    fresh = await Ticket.get(id=ticket.id)
    assert fresh.reported_at is not None and fresh.due_kind == "answer"
    mark = await last_outbox_id()
    # 24 business hours: Mon 8.5 h, Tue 9 h, Wed 6.5 h → Wed 15:00
    await run_until(clock, local(2026, 11, 25, 15, 5), step=timedelta(minutes=30))
    notes = [t for t in await texts_to(RESIDENT, mark) if "仍在处理" in t]
    assert len(notes) == 1 and "但是" not in notes[0]
    ask = [
        r
        for r in await Outbox.filter(id__gt=mark, kind="relay")
        if "预计完成时间" in r.payload["text"]
    ]
    assert len(ask) == 1
    await staff_does(f"/eta {ticket.number} 本周五前", user=SUPERVISOR, chat=SUPERVISORS)
    assert any("本周五前" in t for t in await texts_to(RESIDENT, mark))


async def test_handover_lists_open_overdue_and_unreturned_once(week):
    clock = week
    clock.set(local(2026, 11, 23, 10, 0))
    late = await open_ticket("客厅的灯不亮了")  # never claimed
    await resident_says("我要投诉楼下天天吵", user="503")
    await resident_says("2栋1单元0801", user="503")
    clock.set(local(2026, 11, 23, 17, 30))
    await sweep()
    from datetime import time

    assert await run_handover(time(17, 30)) == 1
    assert await run_handover(time(17, 30)) == 0  # a second worker firing it: nothing
    text = (await Outbox.filter(chat_id=STEWARDS).order_by("-id").first()).payload["text"]
    assert text.startswith("【交接班】示例花园 11-23 17:30")
    assert "已超时：" in text and late.number in text
    assert "下班前未返单的免费服务单：1" in text


async def test_steps_due_while_stopped_are_sent_once_after_restart(tmp_path, week):
    clock = week
    clock.set(local(2026, 11, 23, 10, 0))
    ticket = await _resolved(clock)
    url = f"sqlite://{tmp_path}/week.db"
    await close_db()  # the process stops with the follow-up pending
    clock.set(local(2026, 11, 26, 10, 0))  # three days later it starts again
    await open_db(url)
    mark = await last_outbox_id()
    await sweep()
    await sweep()
    sent = await texts_to(RESIDENT, mark)
    assert sum("验收" in t for t in sent) == 1  # the late ask, once
    fresh = await Ticket.get(id=ticket.id)
    assert fresh.due_phase == "remind"
    await run_until(clock, local(2026, 11, 26, 12, 0))
    assert await texts_to(RESIDENT, mark) == sent
