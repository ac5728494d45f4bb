"""Messages queued in a transaction go straight to this process's dispatcher once the
transaction commits; a rollback hands nothing over; prepared statements behave like
the ORM's."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.dispatcher import Delivery, Dispatcher
from models import delivery
from models.domain.config import Outbox as OutboxConfig
from models.outbox import queue_message, take_handed, transaction, wakeup
from models.storage.statements import markers, select, update_returning, update_where
from models.tables import (
    InboundMessage,
    Outbox,
    OutboxLane,
    OutboxStatus,
    Resident,
    Staff,
    Ticket,
)

CFG = OutboxConfig(max_attempts=4, base_delay_seconds=2, max_delay_seconds=60)


class Recorder:
    per_second = None

    def pace(self, chat_id):
        return None

    def __init__(self):
        self.sent: list[str] = []
        self.arrived = asyncio.Event()

    async def send(self, delivery: Delivery) -> str:
        self.sent.append(delivery.row.payload["text"])
        self.arrived.set()
        return str(500 + len(self.sent))


@pytest.fixture
async def consumer():
    """Pretend a dispatcher runs on this loop (what makes ``transaction`` hand over)."""
    state = wakeup()
    state.consumers += 1
    take_handed()
    yield state
    state.consumers -= 1
    take_handed()


async def _waiting() -> list[tuple[str, str, bool]]:
    """What a worker looking in the database would find to send."""
    at = delivery_now()
    return await delivery.lanes_with_work(["telegram"], "another", at, at, 10)


def delivery_now():
    from models.domain.clock import now

    return now()


async def test_commit_hands_over_the_rows(any_db, clock, consumer):
    async with transaction() as tx:
        await queue_message("telegram", "42", "one", conn=tx)
        await queue_message("telegram", "42", "two", conn=tx)
        assert take_handed() == []  # nothing before the commit
    handed = take_handed()
    assert [r.payload["text"] for r in handed] == ["one", "two"]
    # they are pending in the database too: a worker that stops before sending loses none
    assert await _waiting() == [("telegram", "42", False)]


async def test_rollback_hands_over_nothing(any_db, clock, consumer):
    with pytest.raises(RuntimeError):
        async with transaction() as tx:
            await queue_message("telegram", "42", "lost", conn=tx)
            raise RuntimeError("handling failed")
    assert take_handed() == []
    assert await Outbox.all().count() == 0


async def test_rolled_back_savepoint_drops_only_its_rows(any_db, clock, consumer):
    async with transaction() as tx:
        await queue_message("telegram", "42", "kept", conn=tx)
        with pytest.raises(RuntimeError):
            async with transaction() as inner:
                await queue_message("telegram", "42", "undone", conn=inner)
                raise RuntimeError("inner step failed")
    assert [r.payload["text"] for r in take_handed()] == ["kept"]
    assert [r.payload["text"] for r in await Outbox.all()] == ["kept"]


async def test_without_a_running_dispatcher_rows_wait_in_the_database(any_db, clock):
    take_handed()
    assert wakeup().consumers == 0
    async with transaction() as tx:
        await queue_message("telegram", "42", "later", conn=tx)
    assert take_handed() == []
    assert await _waiting() == [("telegram", "42", False)]


async def test_scheduled_rows_are_not_handed_over(any_db, clock, consumer):
    async with transaction() as tx:
        await queue_message(
            "telegram", "42", "tomorrow", not_before=clock.now() + timedelta(hours=9), conn=tx
        )
    assert take_handed() == []
    assert await _waiting() == []  # not before 9 hours


async def test_running_dispatcher_sends_handed_rows_at_once(any_db, clock):
    sender = Recorder()
    dispatcher = Dispatcher({"telegram": sender}, CFG, poll_seconds=30, worker="w1")
    stop = asyncio.Event()
    task = asyncio.create_task(dispatcher.run_forever(stop))
    try:
        for _ in range(100):  # until the dispatcher has looked once and sleeps
            await asyncio.sleep(0)
        assert wakeup().consumers == 1
        async with transaction() as tx:
            await queue_message("telegram", "42", "至此已收到", conn=tx)
        await asyncio.wait_for(sender.arrived.wait(), 5)
        assert sender.sent == ["至此已收到"]
        for _ in range(50):
            row = await Outbox.get()
            if row.status == OutboxStatus.SENT:
                break
            await asyncio.sleep(0.01)
        assert row.status == OutboxStatus.SENT and row.platform_message_id == "501"
        lane = await OutboxLane.get(platform="telegram", chat_id="42")
        assert lane.holder == "w1"  # given back once idle for a poll
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)
    assert wakeup().consumers == 0
    assert (await OutboxLane.get(platform="telegram", chat_id="42")).holder is None


async def test_stopping_gives_back_what_was_handed_over(any_db, clock, consumer):
    async with transaction() as tx:
        await queue_message("telegram", "42", "unsent", conn=tx)
    # a dispatcher stopping before it sent what was handed to it
    dispatcher = Dispatcher({"telegram": Recorder()}, CFG, worker="w1")
    stop = asyncio.Event()
    stop.set()
    await dispatcher.run_forever(stop)
    row = await Outbox.get()
    assert row.status == OutboxStatus.PENDING
    assert await _waiting() == [("telegram", "42", False)]  # any worker takes it at once


async def test_update_where_matches_the_orm(any_db, clock):
    staff = await Staff.filter(active=True).first()
    resident = await Resident.create(
        platform="telegram",
        platform_user_id="7",
        chat_id="7",
        created_at=clock.now(),
        last_message_at=clock.now(),
    )
    inbound = await InboundMessage.create(
        platform="telegram", key="k1", payload={}, received_at=clock.now()
    )
    later = clock.now() + timedelta(minutes=5)
    assert await update_where(
        Resident, {"id": resident.id}, {"last_message_at": later, "state": {"a": [1, "二"]}}
    )
    fresh = await Resident.get(id=resident.id)
    assert fresh.last_message_at == later and fresh.state == {"a": [1, "二"]}
    # a condition that does not hold changes nothing; IS NULL conditions; FK objects
    assert (
        await update_where(InboundMessage, {"id": inbound.id, "status": "handled"}, {"error": "x"})
        == 0
    )
    with pytest.raises(ValueError):  # never a whole-table update by mistake
        await update_where(InboundMessage, {}, {"error": "x"})
    changed = await update_where(
        InboundMessage, {"id": inbound.id, "error": None}, {"status": "handled", "error": None}
    )
    assert changed == 1
    assert (await InboundMessage.get(id=inbound.id)).status == "handled"
    from models.domain.lifecycle import Actor
    from models.tables import Community
    from models.tickets import create_ticket

    community = await Community.get(code="demo")
    ticket = await create_ticket(
        community_id=community.id, kind="repair", actor=Actor.resident(1), tz=clock.now().tzinfo
    )
    assert await update_where(Ticket, {"id": ticket.id}, {"assignee": staff}) == 1
    assert (await Ticket.get(id=ticket.id)).assignee_id == staff.id


async def test_update_returning_gives_the_rows_as_they_are_now(any_db, clock):
    resident = await Resident.create(
        platform="telegram",
        platform_user_id="7",
        chat_id="7",
        created_at=clock.now(),
        state={"awaiting": "unit"},
    )
    later = clock.now() + timedelta(minutes=5)
    (row,) = await update_returning(
        Resident,
        {"platform": "telegram", "platform_user_id": "7"},
        {"chat_id": "8", "last_message_at": later},
    )
    assert isinstance(row, Resident) and row.id == resident.id
    assert (row.chat_id, row.last_message_at, row.state) == ("8", later, {"awaiting": "unit"})
    assert (await Resident.get(id=resident.id)).chat_id == "8"
    assert (
        await update_returning(
            Resident, {"platform": "telegram", "platform_user_id": "9"}, {"chat_id": "9"}
        )
        == []
    )


async def test_select_returns_model_rows(any_db, clock):
    for i, status in enumerate(["new", "dispatched", "closed"]):
        await Ticket.create(
            number=f"20261123-000{i}",
            community_id=(await Staff.filter(active=True).first()).community_id or 1,
            kind="repair",
            status=status,
            resident_id=None,
            created_at=clock.now(),
            updated_at=clock.now() + timedelta(minutes=i),
            details={"n": i},
        )
    open_ = ["new", "dispatched"]
    rows = await select(
        Ticket,
        f'"status" IN ({markers(len(open_))})',
        open_,
        order_by='"updated_at" DESC',
        limit=5,
    )
    assert [t.number for t in rows] == ["20261123-0001", "20261123-0000"]
    assert rows[0].details == {"n": 1} and rows[0].updated_at == clock.now() + timedelta(minutes=1)
    assert await select(Ticket, '"number" = ?', ["nope"], limit=1, for_update=True) == []


async def test_a_joined_block_is_part_of_the_outer_transaction(any_db, clock, consumer):
    """``transaction(join=True)`` inside a transaction opens no savepoint: its work
    commits with the outer one, and its failure takes the outer one down with it.
    On its own it is a transaction like any other."""
    async with transaction() as outer:
        async with transaction(join=True) as joined:
            assert joined is outer
            await queue_message("telegram", "42", "joined", conn=joined)
        assert take_handed() == []
    assert [r.payload["text"] for r in take_handed()] == ["joined"]

    with pytest.raises(ValueError):
        async with transaction():
            await queue_message("telegram", "42", "lost")
            async with transaction(join=True):
                await queue_message("telegram", "42", "lost too")
                raise ValueError("broken rule")
    assert take_handed() == []
    assert await Outbox.all().count() == 1  # "joined" only

    async with transaction(join=True) as alone:
        await queue_message("telegram", "42", "alone", conn=alone)
    assert [r.payload["text"] for r in take_handed()] == ["alone"]
    assert await Outbox.all().count() == 2
