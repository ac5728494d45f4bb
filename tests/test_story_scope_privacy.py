"""Stories of the two rules across the newer features (a review found each hole):
a steward of the other estate asks for a phone number, a manager of the other estate
would hear of an escalation, a fourth household joins an incident shouting its phone
number, a resident scans the other estate's QR code, an anonymous report is relayed and
listed, a complaint names a steward. Driven through ``handlers.router.handle``; what
staff would see is read from the outbox."""

from __future__ import annotations

import itertools

import pytest

from handlers.context import Incoming, setup
from handlers.router import handle
from models.domain.clock import now
from models.domain.config import EXAMPLE_CONFIG, load_config
from models.storage.db import close_db, open_db, sync_config
from models.tables import Incident, Occupant, Outbox, Resident, Ticket, UnitClaim
from tests.stories import (
    EAST_STEWARD,
    EAST_STEWARDS,
    PHONE,
    STEWARD,
    STEWARDS,
    SUPERVISOR,
    SUPERVISORS,
    two_communities,
)
from tests.test_scheduler import local

EAST_MANAGER = 9010
_n = itertools.count(1)


@pytest.fixture
async def world(tmp_path, clock):
    def edit(data):
        data["staff"].append(
            {"name": "钱经理", "role": "manager", "community": "east", "telegram_id": EAST_MANAGER}
        )

    config = load_config(two_communities(tmp_path, edit))
    setup(config)
    await open_db(f"sqlite://{tmp_path}/scope.db", create=True)
    await sync_config(config)
    clock.set(local(2026, 11, 23, 10, 0))
    yield clock
    await close_db()
    setup(load_config(EXAMPLE_CONFIG))


async def say(text, user, **kw):
    return await handle(
        Incoming(
            platform="telegram",
            key=f"m{next(_n)}",
            chat_id=str(user),
            sender_id=str(user),
            text=text,
            **kw,
        )
    )


async def staff(text, user, chat, **kw):
    return await handle(
        Incoming(
            platform="telegram",
            key=f"s{next(_n)}",
            chat_id=str(chat),
            sender_id=str(user),
            chat_type="group",
            message_id=str(next(_n)),
            text=text,
            **kw,
        )
    )


async def mark() -> int:
    row = await Outbox.all().order_by("-id").first()
    return row.id if row else 0


async def sent_since(m, **where) -> list[tuple[str, str]]:
    rows = await Outbox.filter(id__gt=m, **where).order_by("id")
    return [(r.chat_id, (r.payload or {}).get("text", "")) for r in rows]


async def bind(user, unit, community="demo"):
    await say(f"/start {community}", user)
    await say(unit, user)


async def registered(user: str) -> Occupant:
    resident = await Resident.get(chat_id=user)
    return await Occupant.create(
        unit_id=resident.unit_id,
        name="张三",
        phone="13812345678",
        role="owner",
        updated_at=now(),
        imported_at=now(),
    )


async def test_a_steward_of_the_other_estate_gets_no_phone_number(world):
    await bind("701", "1栋1单元1201")
    occupant = await registered("701")
    resident = await Resident.get(chat_id="701")
    claim = await UnitClaim.get(resident_id=resident.id)
    claim.verified_at, claim.occupant_id, claim.verified_via = now(), occupant.id, "phone"
    await claim.save()
    await say("阳台的灯坏了", "701")
    ticket = await Ticket.get()
    m = await mark()
    await staff(f"/contact {ticket.number}", EAST_STEWARD, EAST_STEWARDS)
    got = await sent_since(m)
    assert not any("13812345678" in text for _, text in got), got
    assert any("没有找到" in text for _, text in got), got
    assert not await ticket.events.filter(kind="contact").exists()
    # the estate's own steward gets it, privately, recorded on the ticket
    m = await mark()
    await staff(f"/contact {ticket.number}", STEWARD, STEWARDS)
    got = await sent_since(m)
    assert (str(STEWARD), got[0][1]) == got[0] and "13812345678" in got[0][1]
    assert await ticket.events.filter(kind="contact").exists()


async def test_contact_r_gives_the_register_phone_for_verifying(world):
    await bind("701", "1栋1单元1201")
    await registered("701")
    resident = await Resident.get(chat_id="701")
    m = await mark()
    await staff(f"/contact R{resident.id}", EAST_STEWARD, EAST_STEWARDS)
    assert not any("13812345678" in text for _, text in await sent_since(m))
    m = await mark()
    await staff(f"/contact R{resident.id}", STEWARD, STEWARDS)
    got = await sent_since(m)
    private = [text for chat, text in got if chat == str(STEWARD)]
    group = [text for chat, text in got if chat == str(STEWARDS)]
    assert private and "张三" in private[0] and "13812345678" in private[0]
    assert group and not PHONE.search(group[0])
    # once the claim is decided, the register is not a phone book
    claim = await UnitClaim.get(resident_id=resident.id)
    claim.verified_at, claim.verified_via = now(), "staff"
    await claim.save()
    m = await mark()
    await staff(f"/contact R{resident.id}", STEWARD, STEWARDS)
    got = await sent_since(m)
    assert not any("13812345678" in text for _, text in got) and "/contact 工单号" in got[0][1]


async def test_escalation_reaches_only_managers_of_the_tickets_estate(world):
    from handlers.escalation import escalate_to
    from models.domain.lifecycle import Actor
    from models.outbox import transaction

    await bind("701", "1栋1单元1201")
    await say("客厅灯不亮了", "701")
    ticket = await Ticket.get()
    m = await mark()
    async with transaction() as conn:
        await escalate_to(ticket, 2, Actor.system("test"), "超时", conn)
    chats = {chat for chat, _ in await sent_since(m)}
    assert str(EAST_MANAGER) not in chats
    assert chats  # the estate's own (and company-wide) managers still hear


async def test_a_household_joining_an_incident_is_masked_in_the_alert(world):
    units = {"701": "3栋1单元101", "702": "3栋1单元102", "703": "3栋2单元201"}
    for user, unit in {**units, "704": "3栋3单元1504"}.items():
        await bind(user, unit)
    await say("停电了", "701")
    await say("我家也停电了，快来人", "702")
    await say("3栋整栋楼都停电了", "703")
    assert await Incident.exists()
    m = await mark()
    await say("又停电了！！什么垃圾物业，电话13812345678 邮箱li.ming@example.com", "704")
    got = await sent_since(m)
    staff_side = [text for chat, text in got if chat != "704"]
    assert staff_side, got
    assert not any(PHONE.search(text) or "li.ming@" in text for text in staff_side), got


async def test_the_other_estates_qr_code_drops_the_unit_of_this_one(world):
    await bind("701", "1栋1单元1201")
    await registered("701")
    await say("/start east", "701")
    resident = await Resident.get(chat_id="701")
    assert resident.unit_id is None  # asked for again in the other estate
    m = await mark()
    await staff(f"/verify R{resident.id}", EAST_STEWARD, EAST_STEWARDS)
    got = " ".join(text for _, text in await sent_since(m))
    assert "1201" not in got and "张三" not in got


async def test_an_anonymous_report_keeps_its_unit_hidden_in_relays_and_lists(world):
    await bind("701", "1栋1单元1201")
    await say("我匿名反映一下，楼上每天晚上装修噪音太大了", "701")
    ticket = await Ticket.get()
    assert ticket.anonymous
    m = await mark()
    await say("今天晚上又开始了", "701")
    await staff("/list", STEWARD, STEWARDS)
    await staff(f"/show {ticket.number}", STEWARD, STEWARDS)
    got = [text for chat, text in await sent_since(m) if chat != "701"]
    assert got and not any("1201" in text for text in got), got


async def test_a_complaint_about_a_steward_is_not_listed_to_the_stewards(world):
    await bind("701", "1栋1单元1201")
    await say("投诉王管家态度很差，对业主爱理不理", "701")
    ticket = await Ticket.get()
    assert ticket.about_staff
    m = await mark()
    await staff("/list", STEWARD, STEWARDS)
    await staff(f"/show {ticket.number}", STEWARD, STEWARDS)
    got = " ".join(text for _, text in await sent_since(m))
    assert "爱理不理" not in got and "没有工单" in got and "没有找到工单" in got, got
    m = await mark()
    await staff(f"/show {ticket.number}", SUPERVISOR, SUPERVISORS)
    assert ticket.number in " ".join(text for _, text in await sent_since(m))
    from handlers import handover
    from models.tables import Community

    evening = await handover.compose(await Community.get(code="demo"), now(), end_of_day=True)
    assert "爱理不理" not in evening and ticket.number not in evening
