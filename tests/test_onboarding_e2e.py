"""Onboarding through the real python-telegram-bot against the fake Bot API: residents
verified by their own phone number against the imported register (or by a steward's
button), neighbours who type someone else's unit kept unverified, staff joining by
invitation, a group bound with /bindgroup. WeChat's four digits through the
platform-neutral handlers."""

from __future__ import annotations

import socket

import pytest
from openpyxl import Workbook

from bot.app import Runtime, shutdown, start
from bot.settings import Settings
from handlers.invitations import invite_group, invite_staff
from handlers.register_import import import_register
from models.domain.config import EXAMPLE_CONFIG, load_config
from models.storage.db import staff_member, sync_config
from models.tables import Outbox, StaffAccount, Ticket, TicketEvent, UnitClaim
from tests.fakes.telegram_api import FakeTelegram
from tests.stories import unpaced
from tests.test_telegram_e2e import fake_clock  # noqa: F401 - the fixture

STEWARDS = -100200
SUPERVISORS_GROUP = -100400
STEWARD = 9001
NEW_STAFF = 9100
OWNER = 501  # 张三 of 1栋1单元1201 in the register, phone 13812345678
NEIGHBOUR = 502
TENANT = 503  # not in the register yet


def _config(tmp_path):
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    text = text.replace(
        "    stewards_chat:\n      telegram: null",
        f"    stewards_chat:\n      telegram: {STEWARDS}",
    )
    text = text.replace(
        "    community: demo\n    telegram_id: null",
        f"    community: demo\n    telegram_id: {STEWARD}",
        1,
    )
    path = tmp_path / "guanjia.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def _register(path):
    wb = Workbook()
    ws = wb.active
    ws.append(["楼栋", "单元", "房号", "姓名", "手机号", "身份"])
    ws.append(["1", "1", "1201", "张三", "13812345678", "业主"])
    ws.append(["1", "1", "1202", "李四", "13900001111", "业主"])
    wb.save(path)
    return path


@pytest.fixture
async def tg(tmp_path, fake_clock):  # noqa: F811 - the fixture imported above
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with FakeTelegram() as fake:
        settings = Settings(
            DATABASE_URL=f"sqlite://{tmp_path}/onb.db",
            TELEGRAM_BOT_TOKEN=fake.token,
            TELEGRAM_API_URL=fake.url,
            GUANJIA_HTTP_PORT=str(port),
        )
        rt = Runtime(settings, _config(tmp_path))
        await start(rt)
        unpaced(rt)  # the pace per chat has its own tests
        summary = await import_register(_register(tmp_path / "档案.xlsx"))
        assert summary.rows_imported == 2
        try:
            yield fake
        finally:
            await shutdown(rt)
            setup_example()


def setup_example():
    from handlers.context import setup

    setup(load_config(EXAMPLE_CONFIG))


def text_of(call) -> str:
    return call.params.get("text") or call.params.get("caption") or ""


def asks_unit(call) -> bool:
    return "房号" in text_of(call)


def verified(call) -> bool:
    return "已核实" in text_of(call)


async def said(tg, user, update, predicate, chat=None, method="sendMessage"):
    since = tg.mark()
    tg.push_update(update)
    return await tg.wait_for(
        method,
        lambda c: c.params.get("chat_id") == (chat or user) and predicate(c),
        since=since,
    )


async def claim_unit(tg, user, unit="1栋1单元1201"):
    await said(tg, user, tg.make_text_update(user, user, "/start"), lambda c: "房号" in text_of(c))
    return await said(
        tg, user, tg.make_text_update(user, user, unit), lambda c: "已记录您的房号" in text_of(c)
    )


async def test_a_resident_shares_their_phone_and_is_bound_to_the_imported_unit(tg):
    asked = await claim_unit(tg, OWNER)
    assert "待核实" in text_of(asked)
    (button,) = asked.reply_keyboard[0]
    assert button["request_contact"] is True and "手机号" in button["text"]
    done = await said(
        tg,
        OWNER,
        tg.make_contact_update(OWNER, OWNER, "+86 138 1234 5678"),
        lambda c: "已核实" in text_of(c),
    )
    assert "1栋1单元1201 的业主" in text_of(done) and done.removes_keyboard
    claim = await UnitClaim.get(resident__platform_user_id=str(OWNER))
    assert claim.verified_via == "phone" and claim.verified_at is not None
    # verified: the report's card carries no 未核实
    card = await said(
        tg,
        OWNER,
        tg.make_text_update(OWNER, OWNER, "客厅的灯不亮了"),
        lambda c: "灯不亮" in text_of(c),
        chat=STEWARDS,
    )
    assert "房号：1栋1单元1201\n" in text_of(card)


async def test_sharing_first_binds_the_unit_the_register_gives(tg):
    await said(
        tg, OWNER, tg.make_text_update(OWNER, OWNER, "/start"), lambda c: "房号" in text_of(c)
    )
    done = await said(
        tg,
        OWNER,
        tg.make_contact_update(OWNER, OWNER, "13812345678"),
        lambda c: "已核实" in text_of(c),
    )
    assert "1栋1单元1201" in text_of(done)


async def test_a_contact_that_is_not_the_senders_own_is_refused(tg):
    await claim_unit(tg, NEIGHBOUR)
    refusal = await said(
        tg,
        NEIGHBOUR,
        tg.make_contact_update(NEIGHBOUR, NEIGHBOUR, "13812345678", contact_user_id=OWNER),
        lambda c: "本人的手机号" in text_of(c),
    )
    assert refusal.reply_keyboard[0][0]["request_contact"] is True  # asked again
    typed = await said(  # a contact card typed in by hand carries no user id
        tg,
        NEIGHBOUR,
        tg.make_contact_update(NEIGHBOUR, NEIGHBOUR, "13812345678", contact_user_id=0),
        lambda c: "本人的手机号" in text_of(c),
    )
    assert typed is not None
    claim = await UnitClaim.get(resident__platform_user_id=str(NEIGHBOUR))
    assert claim.verified_at is None


async def test_a_neighbour_typing_someone_elses_unit_stays_unverified(tg):
    await claim_unit(tg, NEIGHBOUR)
    card = await said(
        tg,
        NEIGHBOUR,
        tg.make_text_update(NEIGHBOUR, NEIGHBOUR, "厨房水管漏水了"),
        lambda c: "漏水" in text_of(c),
        chat=STEWARDS,
    )
    assert "房号：1栋1单元1201（未核实）" in text_of(card)
    # their own phone is not the unit's: a steward is asked, phones masked
    since = tg.mark()
    tg.push_update(tg.make_contact_update(NEIGHBOUR, NEIGHBOUR, "13700009999"))
    verify_card = await tg.wait_for(
        "sendMessage",
        lambda c: c.params.get("chat_id") == STEWARDS and "住户核实" in text_of(c),
        since=since,
    )
    told = await tg.wait_for(
        "sendMessage",
        lambda c: c.params.get("chat_id") == NEIGHBOUR and "没有找到这个号码" in text_of(c),
        since=since,
    )
    assert "137****9999" in text_of(verify_card) and "张三（业主，138****5678）" in text_of(
        verify_card
    )
    assert told.removes_keyboard
    staff_texts = " ".join(text_of(c) for c in tg.sent_to(STEWARDS))
    assert "13812345678" not in staff_texts and "13700009999" not in staff_texts
    # they cannot see the owner's tickets of the unit
    await said(
        tg, OWNER, tg.make_text_update(OWNER, OWNER, "/start"), lambda c: "房号" in text_of(c)
    )
    await said(
        tg,
        OWNER,
        tg.make_contact_update(OWNER, OWNER, "13812345678"),
        lambda c: "已核实" in text_of(c),
    )
    await said(
        tg,
        OWNER,
        tg.make_text_update(OWNER, OWNER, "楼道灯坏了"),
        lambda c: "工单" in text_of(c),
    )
    mine = await said(
        tg, NEIGHBOUR, tg.make_text_update(NEIGHBOUR, NEIGHBOUR, "/my"), lambda c: True
    )
    assert "漏水" in text_of(mine) and "楼道灯" not in text_of(mine)
    owners = await said(tg, OWNER, tg.make_text_update(OWNER, OWNER, "/my"), lambda c: True)
    assert "楼道灯" in text_of(owners)  # verified: the unit's tickets
    # the steward says no on the card: the neighbour stays unverified
    no = next(b for b in verify_card.buttons[-1] if b["text"] == "不是本户")
    since = tg.mark()
    tg.push_update(
        tg.make_callback_update(
            STEWARD, STEWARDS, verify_card.result["message_id"], no["callback_data"]
        )
    )
    await tg.wait_for(
        "sendMessage",
        lambda c: c.params.get("chat_id") == NEIGHBOUR and "没能核实" in text_of(c),
        since=since,
    )
    claim = await UnitClaim.get(resident__platform_user_id=str(NEIGHBOUR))
    assert claim.verified_at is None


async def test_the_steward_verifies_with_the_button(tg):
    await claim_unit(tg, TENANT, "1栋1单元1202")
    await said(
        tg,
        TENANT,
        tg.make_text_update(TENANT, TENANT, "卫生间漏水"),
        lambda c: "未核实" in text_of(c),
        chat=STEWARDS,
    )
    ticket = await Ticket.get()
    since = tg.mark()
    tg.push_update(tg.make_contact_update(TENANT, TENANT, "13600007777"))
    card = await tg.wait_for(
        "sendMessage",
        lambda c: c.params.get("chat_id") == STEWARDS and "住户核实" in text_of(c),
        since=since,
    )
    assert [b["text"] for b in card.buttons[0]] == ["是 李四（业主）"]
    other = card.buttons[-1][0]
    assert other["text"] == "确认住户（档案外）"
    since = tg.mark()
    tg.push_update(
        tg.make_callback_update(
            STEWARD, STEWARDS, card.result["message_id"], other["callback_data"]
        )
    )
    answer = await tg.wait_for("answerCallbackQuery", since=since)
    assert answer.params.get("text") == "好的"
    told = await tg.wait_for(
        "sendMessage",
        lambda c: c.params.get("chat_id") == TENANT and "已核实" in text_of(c),
        since=since,
    )
    assert "1栋1单元1202 的住户" in text_of(told)
    edited = await tg.wait_for(
        "editMessageText", lambda c: ticket.number in text_of(c), since=since
    )
    assert "未核实" not in text_of(edited)
    # the claim's card itself becomes the decision, its buttons gone
    decided = await tg.wait_for(
        "editMessageText",
        lambda c: c.params.get("message_id") == card.result["message_id"],
        since=since,
    )
    assert decided.params.get("chat_id") == STEWARDS
    assert "王管家 已核实" in text_of(decided) and "1栋1单元1202" in text_of(decided)
    assert text_of(decided).startswith(text_of(card))  # what the card said, then the decision
    assert not (decided.params.get("reply_markup") or {}).get("inline_keyboard")
    claim = await UnitClaim.get(resident__platform_user_id=str(TENANT))
    assert claim.verified_via == "staff" and claim.verified_by_id is not None
    # a second press (a copy of the card that was still on someone's screen) changes nothing
    since = tg.mark()
    tg.push_update(
        tg.make_callback_update(
            STEWARD, STEWARDS, card.result["message_id"], card.buttons[-1][1]["callback_data"]
        )
    )
    again = await tg.wait_for("answerCallbackQuery", since=since)
    assert "已处理过" in again.params.get("text")
    claim = await UnitClaim.get(resident__platform_user_id=str(TENANT))
    assert claim.verified_via == "staff" and claim.verified_at is not None


async def test_staff_join_by_invitation_and_can_then_act(tg):
    await claim_unit(tg, OWNER)
    await said(
        tg, OWNER, tg.make_text_update(OWNER, OWNER, "电梯按钮坏了"), lambda c: "工单" in text_of(c)
    )
    ticket = await Ticket.get()
    refused = await said(
        tg,
        NEW_STAFF,
        tg.make_text_update(NEW_STAFF, STEWARDS, f"/claim {ticket.number}", chat_type="supergroup"),
        lambda c: "抱歉" in text_of(c),
        chat=STEWARDS,
    )
    assert refused is not None
    invitation, staff = await invite_staff("李主管")
    welcome = await said(
        tg,
        NEW_STAFF,
        tg.make_text_update(NEW_STAFF, NEW_STAFF, f"/start {invitation.code}"),
        lambda c: "欢迎您" in text_of(c),
    )
    assert "李主管" in text_of(welcome) and "客服主管" in text_of(welcome)
    claimed = await said(
        tg,
        NEW_STAFF,
        tg.make_text_update(NEW_STAFF, STEWARDS, f"/claim {ticket.number}", chat_type="supergroup"),
        lambda c: "已接单" in text_of(c),
        chat=STEWARDS,
    )
    assert "李主管" in text_of(claimed)
    assert (await Ticket.get(id=ticket.id)).assignee_id == staff.id
    # a code works once
    again = await said(
        tg,
        777,
        tg.make_text_update(777, 777, f"/start {invitation.code}"),
        lambda c: "邀请码无效" in text_of(c),
    )
    assert again is not None
    # the binding survives a restart's sync of the config, which still decides the role
    await sync_config(_config_for_restart())
    member = await staff_member("telegram", str(NEW_STAFF))
    assert member is not None and member.name == "李主管" and member.role == "supervisor"
    assert await StaffAccount.filter(platform_user_id=str(NEW_STAFF)).count() == 1


def _config_for_restart():
    from handlers.context import env

    return env().config


async def test_a_group_is_bound_with_bindgroup(tg):
    invitation, _ = await invite_group("supervisors")
    bound = await said(
        tg,
        STEWARD,
        tg.make_text_update(
            STEWARD, SUPERVISORS_GROUP, f"/bindgroup {invitation.code}", chat_type="supergroup"
        ),
        lambda c: "主管群" in text_of(c),
        chat=SUPERVISORS_GROUP,
    )
    assert "本群已设为示例花园的主管群" in text_of(bound)
    # the stewards' chat is the config's: /bindgroup does not take it over
    stewards, _ = await invite_group("stewards")
    refused = await said(
        tg,
        STEWARD,
        tg.make_text_update(
            STEWARD, -100500, f"/bindgroup {stewards.code}", chat_type="supergroup"
        ),
        lambda c: "配置文件" in text_of(c),
        chat=-100500,
    )
    assert refused is not None
    # an urgent report now alerts the bound supervisors' group
    await claim_unit(tg, OWNER)
    alert = await said(
        tg,
        OWNER,
        tg.make_text_update(OWNER, OWNER, "厨房燃气泄漏了，很大的味道"),
        lambda c: "紧急" in text_of(c),
        chat=SUPERVISORS_GROUP,
    )
    assert "1栋1单元1201（未核实）" in text_of(alert)


async def test_contact_on_request_goes_to_the_asker_only_and_is_recorded(tg):
    await claim_unit(tg, OWNER)
    await said(
        tg,
        OWNER,
        tg.make_contact_update(OWNER, OWNER, "13812345678"),
        lambda c: "已核实" in text_of(c),
    )
    await said(
        tg, OWNER, tg.make_text_update(OWNER, OWNER, "阳台的灯坏了"), lambda c: "工单" in text_of(c)
    )
    ticket = await Ticket.get()
    since = tg.mark()
    tg.push_update(
        tg.make_text_update(STEWARD, STEWARDS, f"/contact {ticket.number}", chat_type="supergroup")
    )
    private = await tg.wait_for(
        "sendMessage", lambda c: c.params.get("chat_id") == STEWARD, since=since
    )
    assert "张三 13812345678" in text_of(private)
    group = await tg.wait_for(
        "sendMessage",
        lambda c: c.params.get("chat_id") == STEWARDS and "私信" in text_of(c),
        since=since,
    )
    assert "13812345678" not in " ".join(text_of(c) for c in tg.sent_to(STEWARDS))
    assert "王管家" in text_of(group)
    event = await TicketEvent.get(ticket=ticket, kind="contact")
    assert event.actor_name == "王管家" and "1381234" not in event.text


# -- WeChat: the last four digits, through the platform-neutral handlers -------------------
_n = iter(range(1, 10**6))


async def wechat(text: str, user: str = "wx-resident"):
    from handlers.context import Incoming
    from handlers.router import handle

    await handle(
        Incoming(platform="wechat", key=f"w{next(_n)}", chat_id=user, sender_id=user, text=text)
    )
    row = await Outbox.filter(chat_id=user).order_by("-id").first()
    return row.payload["text"]


async def test_wechat_residents_give_the_last_four_digits(db, clock, tmp_path):
    await import_register(_register(tmp_path / "档案.xlsx"))
    assert "后 4 位" in await wechat("1栋1单元1201")
    assert "还可以试 2 次" in await wechat("0000")
    assert "已核实" in await wechat("5678")
    claim = await UnitClaim.get(resident__platform_user_id="wx-resident")
    assert claim.verified_via == "phone_tail"


async def test_three_wrong_tails_ask_a_steward(db, clock, tmp_path):
    await import_register(_register(tmp_path / "档案.xlsx"))
    await wechat("1栋1单元1201", "wx-2")
    for tail in ("1111", "2222"):
        await wechat(tail, "wx-2")
    assert "请贴心管家核实" in await wechat("3333", "wx-2")
    assert "请贴心管家核实" in await wechat("5678", "wx-2")  # locked: even the right one
    claim = await UnitClaim.get(resident__platform_user_id="wx-2")
    assert claim.verified_at is None and claim.failures == 3 and claim.card_at is not None


def test_holidays_of_a_year_nobody_gave_are_warned_about(caplog):
    from datetime import UTC, datetime

    from handlers.context import env, setup
    from models.domain.clock import FakeClock, set_clock
    from models.domain.config import EXAMPLE_CONFIG, load_config
    from scheduler.jobs import warn_unknown_holidays

    setup(load_config(EXAMPLE_CONFIG))
    last = max(env().calendar.public_years)
    previous = set_clock(FakeClock(datetime(last, 12, 10, 2, 0, tzinfo=UTC)))
    try:
        with caplog.at_level("WARNING"):
            assert warn_unknown_holidays(env().calendar, env().config) == [last + 1]
        assert f"public holidays of {last + 1} are not known yet" in caplog.text
        set_clock(FakeClock(datetime(last, 6, 1, 2, 0, tzinfo=UTC)))
        assert warn_unknown_holidays(env().calendar, env().config) == []
    finally:
        set_clock(previous)


async def test_the_holiday_check_runs_every_morning_not_only_at_start(caplog):
    from datetime import UTC, datetime

    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from handlers.context import env, setup
    from models.domain.clock import FakeClock, set_clock
    from models.domain.config import EXAMPLE_CONFIG, load_config
    from scheduler import jobs

    setup(load_config(EXAMPLE_CONFIG))
    scheduler = AsyncIOScheduler(timezone=env().config.tz)
    jobs.install(scheduler, env().config, 15)
    assert "hour='8'" in str(scheduler.get_job("holidays").trigger)
    last = max(env().calendar.public_years)
    previous = set_clock(FakeClock(datetime(last, 12, 31, 2, 0, tzinfo=UTC)))
    try:
        with caplog.at_level("WARNING"):
            await jobs.holidays_job()
        assert f"public holidays of {last + 1} are not known yet" in caplog.text
    finally:
        set_clock(previous)


def test_staff_commands_invite_and_list(tmp_path):
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{tmp_path}/g.db",
        "GUANJIA_CONFIG": str(ROOT / "guanjia.example.yaml"),
    }
    env.pop("TELEGRAM_BOT_TOKEN", None)

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "bot", "staff", *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )

    invited = run("invite", "王管家")
    assert invited.returncode == 0, invited.stderr
    assert "/start " in invited.stdout and "/join " in invited.stdout
    code = invited.stdout.split("一次性邀请码 ")[1].split()[0]
    group = run("invite-group", "supervisors")
    assert "/bindgroup " in group.stdout
    listed = run("list")
    assert "王管家  贴心管家  示例花园  Telegram: 未绑定" in listed.stdout
    assert code in listed.stdout and "示例花园 管家群：未设置" in listed.stdout
    unknown = run("invite", "某某")
    assert unknown.returncode == 1 and "没有“某某”" in unknown.stderr
