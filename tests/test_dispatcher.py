"""The transactional outbox and its dispatcher: retries, give-up alerts, restarts."""

from __future__ import annotations

from datetime import timedelta

from bot.dispatcher import Delivery, Dispatcher, SendError
from models.domain.config import Outbox as OutboxConfig
from models.domain.lifecycle import Actor
from models.outbox import backoff, queue_message
from models.storage.db import close_db, open_db
from models.tables import Community, GroupCard, Outbox, TicketEvent
from models.tickets import create_ticket


class FlakySender:
    """Fails ``failures`` times, then delivers; records every real delivery."""

    def __init__(self, failures: int = 0, retry_after: float | None = None, retryable: bool = True):
        self.failures = failures
        self.retry_after = retry_after
        self.retryable = retryable
        self.attempts = 0
        self.delivered: list[Delivery] = []

    async def send(self, delivery: Delivery) -> str:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise SendError(
                "503 from platform", retryable=self.retryable, retry_after=self.retry_after
            )
        self.delivered.append(delivery)
        return str(1000 + len(self.delivered))


CFG = OutboxConfig(max_attempts=4, base_delay_seconds=2, max_delay_seconds=60)


async def _ticket(config):
    community = await Community.get(code="demo")
    return await create_ticket(
        community_id=community.id, kind="repair", actor=Actor.resident(1), tz=config.tz
    )


async def _drain(dispatcher, clock, rounds=10, step=timedelta(minutes=2)):
    for _ in range(rounds):
        await dispatcher.run_once()
        clock.advance(step)


async def test_two_failures_then_success_delivers_exactly_once(db, clock, config):
    sender = FlakySender(failures=2)
    d = Dispatcher({"telegram": sender}, CFG)
    row = await queue_message("telegram", 42, "您好")
    await d.run_once()
    fresh = await Outbox.get(id=row.id)
    assert (fresh.status, fresh.attempts) == ("pending", 1)
    assert fresh.next_attempt_at == clock.now() + timedelta(seconds=2)
    await d.run_once()  # not due yet: nothing happens
    assert sender.attempts == 1
    await _drain(d, clock)
    fresh = await Outbox.get(id=row.id)
    assert len(sender.delivered) == 1
    assert (fresh.status, fresh.attempts, fresh.platform_message_id) == ("sent", 3, "1001")
    assert sender.attempts == 3


async def test_retry_after_is_honoured(db, clock, config):
    sender = FlakySender(failures=1, retry_after=30)
    d = Dispatcher({"telegram": sender}, CFG)
    row = await queue_message("telegram", 42, "您好")
    await d.run_once()
    fresh = await Outbox.get(id=row.id)
    assert fresh.next_attempt_at == clock.now() + timedelta(seconds=30)
    clock.advance(seconds=29)
    await d.run_once()
    assert sender.attempts == 1
    clock.advance(seconds=1)
    await d.run_once()
    assert len(sender.delivered) == 1


async def test_message_that_keeps_failing_ends_failed_with_alert_event(db, clock, config):
    ticket = await _ticket(config)
    sender = FlakySender(failures=100)
    d = Dispatcher({"telegram": sender}, CFG)
    row = await queue_message("telegram", 42, "您的工单已受理", ticket=ticket)
    await _drain(d, clock, rounds=20)
    fresh = await Outbox.get(id=row.id)
    assert (fresh.status, fresh.attempts) == ("failed", CFG.max_attempts)
    assert sender.attempts == CFG.max_attempts
    alerts = await TicketEvent.filter(ticket=ticket, kind="alert")
    assert len(alerts) == 1 and "could not be delivered" in alerts[0].text
    assert alerts[0].data["outbox_id"] == row.id


async def test_permanent_error_fails_at_once(db, clock, config):
    ticket = await _ticket(config)
    sender = FlakySender(failures=1, retryable=False)
    d = Dispatcher({"telegram": sender}, CFG)
    row = await queue_message("telegram", 42, "x", ticket=ticket)
    await d.run_once()
    assert (await Outbox.get(id=row.id)).status == "failed"
    assert await TicketEvent.filter(ticket=ticket, kind="alert").count() == 1


async def test_message_committed_before_a_crash_is_sent_after_restart(tmp_path, clock, config):
    url = f"sqlite://{tmp_path}/restart.db"
    await open_db(url, create=True)
    row = await queue_message("telegram", 7, "重启前排队的消息")
    await close_db()  # the process stops between commit and send

    await open_db(url)
    sender = FlakySender()
    await Dispatcher({"telegram": sender}, CFG).run_once()
    assert [x.row.payload["text"] for x in sender.delivered] == ["重启前排队的消息"]
    assert (await Outbox.get(id=row.id)).status == "sent"
    await close_db()


async def test_two_dispatchers_do_not_send_the_same_message(any_db, clock, config):
    sender = FlakySender()
    a, b = Dispatcher({"telegram": sender}, CFG), Dispatcher({"telegram": sender}, CFG)
    for i in range(20):
        await queue_message("telegram", i % 3, f"m{i}")
    import asyncio

    await asyncio.gather(a.run_once(), b.run_once())
    texts = sorted(x.row.payload["text"] for x in sender.delivered)
    assert texts == sorted(f"m{i}" for i in range(20))


async def test_card_is_remembered_and_edits_go_to_it(any_db, clock, config):
    ticket = await _ticket(config)
    sender = FlakySender()
    d = Dispatcher({"telegram": sender}, CFG)
    await queue_message("telegram", -100, "card v1", ticket=ticket, kind="card")
    await queue_message("telegram", -100, "card v2", ticket=ticket, kind="edit_card")
    await queue_message("telegram", -100, "card v3", ticket=ticket, kind="edit_card")
    await d.run_once()
    card = await GroupCard.get(ticket=ticket)
    assert (card.chat_id, card.message_id, card.role) == ("-100", "1001", "card")
    # v2 is superseded by v3; v3 edits the card's message.
    assert [(x.row.payload["text"], x.edit_message_id) for x in sender.delivered] == [
        ("card v1", None),
        ("card v3", "1001"),
    ]
    rows = await Outbox.all().order_by("id")
    assert [(r.status, r.attempts, r.platform_message_id, r.last_error) for r in rows] == [
        ("sent", 1, "1001", None),
        ("sent", 1, None, "superseded by a later edit"),
        ("sent", 1, "1002", None),  # what this sender answered for the edit
    ]
    assert all(r.sent_at == clock.now() and r.locked_until is None for r in rows)
    # a relay that the platform numbers like an existing card message is recorded once
    await queue_message("telegram", -100, "relay", ticket=ticket, kind="relay")
    sender.delivered.clear()
    sender.attempts = 0

    async def same_id(delivery):
        return "1001"

    sender.send = same_id
    await d.run_once()
    assert await GroupCard.filter(ticket=ticket).count() == 1
    assert (await Outbox.filter(kind="relay").get()).status == "sent"


async def test_unconfigured_channel_retries_then_fails(db, clock, config):
    d = Dispatcher({}, CFG)
    row = await queue_message("wechat", "openid", "x")
    await _drain(d, clock, rounds=20)
    fresh = await Outbox.get(id=row.id)
    assert fresh.status == "failed" and "not configured" in fresh.last_error


def test_backoff_is_exponential_and_capped():
    assert [backoff(n, 2, 60) for n in range(1, 8)] == [2, 4, 8, 16, 32, 60, 60]
    assert backoff(1, 2, 60, retry_after=45) == 45


async def test_a_round_starts_with_urgent_then_answers_then_cards(db, clock, config):
    """Each send costs the loop some CPU before the next starts: within a round the
    resident waiting for an answer goes before the stewards' card, urgent first of all;
    one chat's messages keep their order."""
    ticket = await _ticket(config)
    sender = FlakySender()
    await queue_message("telegram", -100, "card", ticket=ticket, kind="card")
    await queue_message("telegram", 7, "您好，已为您登记")
    await queue_message("telegram", 7, "second to the same resident")
    await queue_message("telegram", -300, "gas alert", urgent=True)
    await Dispatcher({"telegram": sender}, CFG).run_once()
    assert [d.row.payload["text"] for d in sender.delivered] == [
        "gas alert",
        "您好，已为您登记",
        "second to the same resident",
        "card",
    ]


async def test_the_next_look_waits_for_leases_to_run_out(any_db, clock, config):
    """A message leased to a worker (being sent) is not due again before its lease
    ends: the dispatcher does not look for it in the database over and over."""
    from models.outbox import HANDOFF_LEASE, claim_due, next_due_in

    assert await next_due_in(5.0) == 5.0  # nothing pending: the poll's period
    await queue_message("telegram", 42, "您好")
    assert await next_due_in(5.0) == 0.0  # due now
    assert len(await claim_due(10, HANDOFF_LEASE)) == 1
    assert await next_due_in(5.0) == 5.0  # leased for a minute: not before the period
    assert 59 <= await next_due_in(600.0) <= 61
    later = await queue_message(
        "telegram", 43, "稍后", not_before=clock.now() + timedelta(seconds=3)
    )
    assert await next_due_in(5.0) == 3.0
    assert later.next_attempt_at == clock.now() + timedelta(seconds=3)
