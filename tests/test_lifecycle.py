"""Every legal and illegal lifecycle transition, with the event history checked."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from models.domain.lifecycle import TRANSITIONS, Actor, EventKind, IllegalTransition
from models.tables import Community, Kind, Status, Ticket, TicketEvent
from models.tickets import create_ticket, transition

STEWARD = Actor.staff(1, "王管家")


async def new_ticket(config, kind=Kind.REPAIR, **extra) -> Ticket:
    community = await Community.get(code="demo")
    return await create_ticket(
        community_id=community.id,
        kind=kind,
        actor=Actor.resident(1),
        tz=config.tz,
        text="厨房水管漏水了",
        summary="厨房水管漏水",
        **extra,
    )


async def ticket_in(config, status: Status) -> Ticket:
    t = await new_ticket(config)
    await Ticket.filter(id=t.id).update(status=status.value)  # arrange only
    t.status = status.value
    return t


async def test_created_ticket_has_number_and_created_event(db, clock, config):
    t = await new_ticket(config)
    assert t.status == Status.NEW
    assert t.number == "20261123-0001"
    events = await TicketEvent.filter(ticket=t).order_by("id")
    assert [(e.kind, e.to_status, e.actor_type) for e in events] == [
        (EventKind.CREATED, "new", "resident")
    ]


@pytest.mark.parametrize(
    "current,wanted",
    [(c, w) for c, targets in TRANSITIONS.items() for w in targets],
    ids=lambda s: str(s.value) if hasattr(s, "value") else str(s),
)
async def test_legal_transition_changes_state_and_records_event(db, clock, config, current, wanted):
    t = await ticket_in(config, current)
    before = await TicketEvent.filter(ticket=t).count()
    clock.advance(minutes=5)
    await transition(t, wanted, STEWARD, "because")
    fresh = await Ticket.get(id=t.id)
    assert fresh.status == wanted.value
    assert fresh.updated_at == clock.now()
    events = await TicketEvent.filter(ticket=t).order_by("id")
    assert len(events) == before + 1
    last = events[-1]
    assert (last.kind, last.from_status, last.to_status) == ("status", current.value, wanted.value)
    assert (last.actor_type, last.actor_id, last.actor_name, last.text) == (
        "staff",
        "1",
        "王管家",
        "because",
    )
    assert last.at == clock.now()


ILLEGAL = [(c, w) for c, w in itertools.product(Status, Status) if w not in TRANSITIONS[c]]


@pytest.mark.parametrize(
    "current,wanted", ILLEGAL, ids=lambda s: str(s.value) if hasattr(s, "value") else str(s)
)
async def test_illegal_transition_raises_and_changes_nothing(db, clock, config, current, wanted):
    t = await ticket_in(config, current)
    before = await TicketEvent.filter(ticket=t).count()
    with pytest.raises(IllegalTransition) as err:
        await transition(t, wanted, STEWARD)
    assert err.value.current == current and err.value.wanted == wanted
    assert (await Ticket.get(id=t.id)).status == current.value
    assert await TicketEvent.filter(ticket=t).count() == before


async def test_stamps_and_reopen_clears_resolution(db, clock, config):
    t = await new_ticket(config)
    await transition(t, Status.DISPATCHED, Actor.system())
    clock.advance(minutes=3)
    await transition(t, Status.CLAIMED, STEWARD, assignee_id=None)
    assert (await Ticket.get(id=t.id)).claimed_at == clock.now()
    clock.advance(hours=1)
    await transition(t, Status.RESOLVED, STEWARD, "已更换水管")
    assert (await Ticket.get(id=t.id)).resolved_at == clock.now()
    await transition(t, Status.REOPENED, Actor.resident(1), "还是漏")
    fresh = await Ticket.get(id=t.id)
    assert fresh.resolved_at is None and fresh.status == "reopened"
    history = [(e.from_status, e.to_status) for e in await TicketEvent.filter(ticket=t)]
    assert history == [
        (None, "new"),
        ("new", "dispatched"),
        ("dispatched", "claimed"),
        ("claimed", "resolved"),
        ("resolved", "reopened"),
    ]


async def test_two_stewards_claiming_at_once_only_one_wins(any_db, clock, config):
    t = await new_ticket(config)
    await transition(t, Status.DISPATCHED, Actor.system())
    a = await Ticket.get(id=t.id)
    b = await Ticket.get(id=t.id)
    results = await asyncio.gather(
        transition(a, Status.CLAIMED, Actor.staff(1, "王管家")),
        transition(b, Status.CLAIMED, Actor.staff(2, "赵管家")),
        return_exceptions=True,
    )
    assert sum(isinstance(r, IllegalTransition) for r in results) == 1
    claims = await TicketEvent.filter(ticket=t, to_status="claimed")
    assert len(claims) == 1


async def test_failed_transaction_leaves_no_event(db, clock, config):
    """The event is written in the same transaction as the state change."""
    from tortoise.transactions import in_transaction

    t = await new_ticket(config)
    with pytest.raises(RuntimeError):
        async with in_transaction() as tx:
            await transition(t, Status.DISPATCHED, Actor.system(), conn=tx)
            raise RuntimeError("boom after the transition")
    assert (await Ticket.get(id=t.id)).status == "new"
    assert await TicketEvent.filter(ticket_id=t.id, kind="status").count() == 0


@pytest.mark.parametrize("kind", [Kind.REPAIR, Kind.COMPLAINT])
async def test_opening_dispatched_is_opening_then_dispatching(db, clock, config, kind):
    """``create_ticket(then=...)``: the same row and the same history as opening the
    ticket and then moving it with ``transition``, in one INSERT."""
    stepwise = await new_ticket(config, kind)
    await transition(stepwise, Status.DISPATCHED, Actor.system())
    at_once = await new_ticket(config, kind, then=Status.DISPATCHED)
    columns = ("status", "due_at", "due_kind", "due_phase", "deadline_at", "updated_at")
    a, b = await Ticket.get(id=stepwise.id), await Ticket.get(id=at_once.id)
    assert [getattr(a, c) for c in columns] == [getattr(b, c) for c in columns]
    assert [getattr(at_once, c) for c in columns] == [getattr(b, c) for c in columns]

    def history(t: Ticket):
        return (
            TicketEvent.filter(ticket_id=t.id)
            .order_by("id")
            .values_list("kind", "from_status", "to_status", "actor_type")
        )

    assert await history(stepwise) == await history(at_once)


async def test_opening_in_an_unreachable_state_is_refused(db, clock, config):
    with pytest.raises(IllegalTransition):
        await create_ticket(
            community_id=(await Community.get(code="demo")).id,
            kind=Kind.REPAIR,
            actor=Actor.resident(1),
            tz=config.tz,
            then=Status.CLAIMED,
        )
    assert await Ticket.all().count() == 0
