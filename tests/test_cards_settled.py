"""A card decided elsewhere closes everywhere: a claim verified on the console (or by
the resident's own phone) or a notice sent from the console leaves no card in a chat
still offering its buttons. The copies of the card that went out (on a platform where
the bot edits its messages) keep their words, gain the answer and lose their buttons;
the card that was pressed is closed by the button's own answer, once."""

from __future__ import annotations

from handlers.context import Incoming
from models.domain.clock import now
from models.outbox import transaction
from models.tables import Notice, Occupant, Outbox, Resident, Staff, UnitClaim
from tests.test_console_notices import resident as says
from tests.test_console_security import console, sign_in  # noqa: F401


async def _card_of(data: str) -> Outbox:
    """The queued card whose buttons carry ``data``, recorded as sent by the platform
    (what the dispatcher does with the message id Telegram returns)."""
    for row in await Outbox.filter(kind="text").order_by("id"):
        datas = [b["data"] for line in row.payload.get("buttons") or () for b in line]
        if any(d == data or d.startswith(data + ":") for d in datas):
            row.status, row.platform_message_id, row.sent_at = "sent", str(700 + row.id), now()
            await row.save()
            return row
    raise AssertionError(f"no card with {data}")


async def _edits_after(mark: int) -> list[Outbox]:
    return list(await Outbox.filter(id__gt=mark, kind="edit_card").order_by("id"))


async def _mark() -> int:
    last = await Outbox.all().order_by("-id").first()
    return last.id if last else 0


async def _claim(chat: str, unit: str) -> UnitClaim:
    await says("web", chat, unit)
    someone = await Resident.get(chat_id=chat)
    return await UnitClaim.get(resident_id=someone.id)


async def test_a_claim_decided_on_the_console_closes_its_card_in_the_chat(console):  # noqa: F811
    claim = await _claim("w701", "1栋1单元1201")
    card = await _card_of(f"verify:{claim.id}")
    assert card.platform == "telegram"
    other = await _claim("w702", "1栋1单元1202")  # another claim's card stays as it is
    await _card_of(f"verify:{other.id}")
    csrf = await sign_in(console, "王管家")
    mark = await _mark()
    done = await console.post(f"/console/verify/{claim.id}", data={"csrf": csrf, "answer": "0"})
    assert done.status == 200
    (edit,) = await _edits_after(mark)
    assert (edit.platform, edit.chat_id) == (card.platform, card.chat_id)
    assert edit.payload["message_id"] == card.platform_message_id
    assert edit.payload["text"].startswith(card.payload["text"])
    assert edit.payload["text"].endswith(f"已核实：1栋1单元1201 的住户 R{claim.resident_id}")
    assert not edit.payload.get("buttons")


async def test_the_pressed_card_is_closed_once_and_the_other_copies_too(console):  # noqa: F811
    from handlers import verification_staff

    claim = await _claim("w711", "1栋1单元1201")
    card = await _card_of(f"verify:{claim.id}")
    copy = await Outbox.create(  # the same card in a second chat, sent there too
        platform="telegram",
        chat_id="-100999",
        kind="text",
        payload=card.payload,
        status="sent",
        platform_message_id="555",
        next_attempt_at=now(),
        created_at=now(),
        sent_at=now(),
    )
    wang = await Staff.get(name="王管家")
    pressed = Incoming(
        platform="telegram",
        key="press-1",
        chat_id=card.chat_id,
        sender_id="9001",
        chat_type="group",
        message_id=card.platform_message_id,
        button=f"verify:{claim.id}:0",
        button_on=card.payload["text"],
    )
    mark = await _mark()
    await verification_staff.staff_button(pressed, wang)
    edits = await _edits_after(mark)
    assert sorted((e.chat_id, e.payload["message_id"]) for e in edits) == sorted(
        [(card.chat_id, card.platform_message_id), (copy.chat_id, "555")]
    )


async def test_a_resident_who_verifies_themselves_closes_the_card(console):  # noqa: F811
    from handlers import verification

    claim = await _claim("w721", "1栋1单元1202")
    card = await _card_of(f"verify:{claim.id}")
    someone = await Resident.get(id=claim.resident_id)
    owner = await Occupant.create(
        unit_id=claim.unit_id,
        name="李四",
        phone="13900001111",
        role="owner",
        updated_at=now(),
        imported_at=now(),
    )
    mark = await _mark()
    async with transaction() as conn:
        await verification.verify(someone, claim, "phone_tail", conn, occupant=owner)
    (edit,) = await _edits_after(mark)
    assert edit.payload["message_id"] == card.platform_message_id
    assert "已自行核实" in edit.payload["text"] and "1栋1单元1202" in edit.payload["text"]
    assert "13900001111" not in edit.payload["text"]


async def test_a_notice_sent_from_the_console_closes_its_card_in_the_chat(console):  # noqa: F811
    from handlers import notices

    await _claim("w731", "1栋1单元1201")  # somebody for the notice to reach
    wang = await Staff.get(name="王管家")
    async with transaction() as conn:
        text, buttons = await notices.draft(
            wang, "telegram", "-100200", "1栋 明天9:00-12:00停水检修", conn
        )
    notice = await Notice.all().order_by("-id").first()
    card = await Outbox.create(
        platform="telegram",
        chat_id="-100200",
        kind="text",
        payload={"text": text, "buttons": buttons},
        status="sent",
        platform_message_id="808",
        next_attempt_at=now(),
        created_at=now(),
        sent_at=now(),
    )
    mark = await _mark()
    async with transaction() as conn:
        said = await notices.send(notice.id, wang, conn)
    (edit,) = await _edits_after(mark)
    assert edit.payload["message_id"] == "808" and edit.payload["text"].endswith(said)
    assert edit.payload["text"].startswith(card.payload["text"])


async def test_the_copies_of_a_card_are_found_by_their_buttons_on_every_database(any_db):
    """SQLite keeps the payload as text, PostgreSQL as jsonb: the same search finds the
    copies of one card and no other (verify:1 is not verify:12), sent ones only."""
    from datetime import timedelta

    from models.outbox import sent_copies

    def card(data: str, chat: str, message_id: str | None, status: str = "sent") -> dict:
        return {
            "platform": "telegram",
            "chat_id": chat,
            "kind": "text",
            "payload": {"text": f"card {data}", "buttons": [[{"text": "是", "data": data}]]},
            "status": status,
            "platform_message_id": message_id,
            "next_attempt_at": now(),
            "created_at": now(),
        }

    for row in (
        card("verify:1:5", "-1", "11"),
        card("verify:1:0", "-2", "12"),
        card("verify:12:5", "-1", "13"),
        card("verify:1:5", "-3", None, status="pending"),
        card("notice:send:1", "-1", "14"),
    ):
        await Outbox.create(**row)
    await Outbox.create(**{**card("verify:1:5", "wx", "15"), "platform": "wechat"})
    since = now() - timedelta(days=1)
    found = await sent_copies("verify:1", ("telegram",), since, None)
    assert sorted((c["chat_id"], c["message_id"]) for c in found) == [("-1", "11"), ("-2", "12")]
    assert found[0]["text"] == "card verify:1:5"
    (notice,) = await sent_copies("notice:send:1", ("telegram",), since, None)
    assert notice["message_id"] == "14"
    assert await sent_copies("verify:1", ("telegram",), now() + timedelta(days=1), None) == []
