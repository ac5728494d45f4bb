"""The outbox's dispatcher with senders that fail as told: order per destination,
urgent first, outages waited out, refusals failed at once, pace and overall rate,
and two workers on one database. Time is the fake clock's (``run_once`` returns how
long until something may happen; ``drain`` moves the clock on by that)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.dispatcher import Delivery, Dispatcher, Pace, SendError
from models.domain.config import Outbox as OutboxConfig
from models.domain.lifecycle import Actor
from models.outbox import backoff, queue_message
from models.storage.db import close_db, open_db
from models.tables import Community, GroupCard, Outbox, PlatformState, TicketEvent
from models.tickets import create_ticket


class Sender:
    """Delivers, or fails as ``fail`` says (a callable of the delivery returning a
    SendError or None); records every delivery with the fake clock's time."""

    def __init__(self, clock, *, fail=None, pace: Pace | None = None, per_second=None):
        self.clock = clock
        self.fail = fail
        self.per_second = per_second
        self._pace = pace
        self.attempts = 0
        self.delivered: list[tuple[float, Delivery]] = []

    def pace(self, chat_id: str) -> Pace | None:
        return self._pace

    async def send(self, delivery: Delivery) -> str:
        self.attempts += 1
        error = self.fail(delivery) if self.fail else None
        if error is not None:
            raise error
        self.delivered.append((self.clock.now().timestamp(), delivery))
        return str(1000 + len(self.delivered))

    def texts(self, chat: str | None = None) -> list[str]:
        return [d.row.payload["text"] for _, d in self.delivered if chat in (None, d.row.chat_id)]


CFG = OutboxConfig(
    max_attempts=4, base_delay_seconds=2, max_delay_seconds=60, retry_seconds=10,
    give_up_after_hours=24,
)  # fmt: skip


def _wall(clock):
    """The dispatcher's real time, here the fake clock too."""
    return lambda: clock.now().timestamp()


async def _ticket(config):
    community = await Community.get(code="demo")
    return await create_ticket(
        community_id=community.id, kind="repair", actor=Actor.resident(1), tz=config.tz
    )


async def drain(dispatcher, clock, *, limit: float = 3600.0, until=None) -> float:
    """Run passes, moving the fake clock to whatever may happen next, until nothing
    waits (or ``until()`` is true); returns the seconds that passed."""
    start = clock.now()
    while (clock.now() - start).total_seconds() < limit:
        wait = await dispatcher.run_once()
        if until is not None and until():
            break
        if wait is None:
            break
        clock.advance(seconds=max(wait, 0.01))
    return (clock.now() - start).total_seconds()


async def test_a_failed_attempt_backs_off_and_the_message_goes_once(db, clock, config):
    fails = iter([SendError("card not ready"), SendError("card not ready")])
    sender = Sender(clock, fail=lambda d: next(fails, None))
    d = Dispatcher({"telegram": sender}, CFG, wall=_wall(clock), worker="w1")
    row = await queue_message("telegram", 42, "您好")
    await d.run_once()
    fresh = await Outbox.get(id=row.id)
    assert (fresh.status, fresh.attempts) == ("pending", 1)
    assert fresh.next_attempt_at == clock.now() + timedelta(seconds=2)
    await drain(d, clock)
    assert sender.texts() == ["您好"]
    fresh = await Outbox.get(id=row.id)
    assert (fresh.status, fresh.attempts, fresh.platform_message_id) == ("sent", 3, "1001")


async def test_a_message_that_keeps_failing_ends_failed_with_an_alert(db, clock, config):
    ticket = await _ticket(config)
    sender = Sender(clock, fail=lambda d: SendError("odd answer"))
    d = Dispatcher({"telegram": sender}, CFG, wall=_wall(clock), worker="w1")
    row = await queue_message("telegram", 42, "x", ticket=ticket)
    await drain(d, clock)
    fresh = await Outbox.get(id=row.id)
    assert (fresh.status, fresh.attempts) == ("failed", 4)
    alert = await TicketEvent.get(ticket=ticket, kind="alert")
    assert "未能送达" in alert.text


async def test_a_refused_message_fails_at_once_and_the_next_goes(db, clock, config):
    ticket = await _ticket(config)
    sender = Sender(
        clock,
        fail=lambda d: (
            SendError("403 blocked", retryable=False) if d.row.payload["text"] == "first" else None
        ),
    )
    failed: list[str] = []

    async def told(row, reason, conn, *, outage):
        failed.append(f"{row.payload['text']}: {reason}")

    d = Dispatcher({"telegram": sender}, CFG, wall=_wall(clock), worker="w1", on_failed=told)
    await queue_message("telegram", 42, "first", ticket=ticket)
    await queue_message("telegram", 42, "second")
    await drain(d, clock)
    assert sender.attempts == 2 and sender.texts() == ["second"]
    assert failed == ["first: 403 blocked"]
    assert await TicketEvent.filter(ticket=ticket, kind="alert").count() == 1


async def test_a_rate_limit_pauses_the_chat_without_counting_an_attempt(db, clock, config):
    answers = iter([SendError("429", retry_after=30)])
    sender = Sender(clock, fail=lambda d: next(answers, None))
    d = Dispatcher({"telegram": sender}, CFG, wall=_wall(clock), worker="w1")
    row = await queue_message("telegram", 42, "您好")
    wait = await d.run_once()
    assert wait == 30 and (await Outbox.get(id=row.id)).attempts == 0
    await drain(d, clock)
    assert sender.delivered[0][0] - clock.now().timestamp() <= 0
    assert (await Outbox.get(id=row.id)).status == "sent"


async def test_a_destinations_messages_go_in_order_behind_one_that_backs_off(db, clock, config):
    """The third message to a chat waits while the second backs off; another chat's
    messages do not wait for it."""
    fails = iter([SendError("glitch")])
    sender = Sender(
        clock, fail=lambda d: next(fails, None) if d.row.payload["text"] == "b2" else None
    )
    d = Dispatcher({"telegram": sender}, CFG, wall=_wall(clock), worker="w1")
    for text in ("b1", "b2", "b3"):
        await queue_message("telegram", 7, text)
    await queue_message("telegram", 8, "other")
    await d.run_once()
    assert sorted(sender.texts()) == ["b1", "other"]  # b3 waits behind b2
    await drain(d, clock)
    assert sender.texts("7") == ["b1", "b2", "b3"]


async def test_urgent_goes_first_in_its_chat_and_across_chats(db, clock, config):
    sender = Sender(clock)
    d = Dispatcher({"telegram": sender}, CFG, wall=_wall(clock), worker="w1", max_lanes=1)
    await queue_message("telegram", -100, "card 1", kind="card")
    await queue_message("telegram", -100, "card 2", kind="card")
    await queue_message("telegram", 7, "您好，已为您登记")
    await queue_message("telegram", -100, "燃气泄漏 urgent card", kind="card", urgent=True)
    await drain(d, clock)
    assert sender.texts() == ["燃气泄漏 urgent card", "card 1", "card 2", "您好，已为您登记"]


async def test_an_outage_is_waited_out_in_order_and_recovery_releases_every_chat(db, clock, config):
    """Telegram answers 502 for 150 s: nothing fails, nobody is skipped, each chat in
    order; once a try goes through, every chat goes on at once."""
    down = {"until": clock.now() + timedelta(seconds=150)}
    sender = Sender(
        clock,
        fail=lambda d: (
            SendError("502 Bad Gateway", outage=True) if clock.now() < down["until"] else None
        ),
    )
    d = Dispatcher({"telegram": sender}, CFG, wall=_wall(clock), worker="w1")
    for chat in range(20):
        for n in range(3):
            await queue_message("telegram", 100 + chat, f"{chat}-{n}")
    await drain(d, clock, until=lambda: len(sender.delivered) == 60)
    assert sender.delivered, "delivered after the outage"
    first = sender.delivered[0][0]
    assert first >= down["until"].timestamp()
    assert first - down["until"].timestamp() <= CFG.retry_seconds  # the next try after it
    assert sender.delivered[-1][0] - down["until"].timestamp() <= 30
    for chat in range(20):
        assert sender.texts(str(100 + chat)) == [f"{chat}-{n}" for n in range(3)]
    assert await Outbox.filter(status="failed").count() == 0
    # tries while down: the first send of each chat (all started before the first 502
    # came back), then one lane every retry_seconds, not every chat every time
    assert sender.attempts - 60 <= 20 + 150 / CFG.retry_seconds + 1
    state = await PlatformState.get(platform="telegram")
    assert state.failing_since is None


async def test_a_long_outage_fails_only_what_is_older_than_the_limit(db, clock, config):
    cfg = CFG.model_copy(update={"give_up_after_hours": 1})
    sender = Sender(clock, fail=lambda d: SendError("connection refused", outage=True))
    d = Dispatcher({"telegram": sender}, cfg, wall=_wall(clock), worker="w1")
    old = await queue_message("telegram", 7, "old")
    clock.advance(minutes=50)
    young = await queue_message("telegram", 7, "young")
    await drain(d, clock, limit=15 * 60)  # 65 minutes after the first
    await d.fail_expired()
    assert (await Outbox.get(id=old.id)).status == "failed"
    assert (await Outbox.get(id=young.id)).status == "pending"
    assert "not delivered within 1 h" in (await Outbox.get(id=old.id)).last_error


async def test_a_group_gets_at_most_20_a_minute(db, clock, config):
    sender = Sender(clock, pace=Pace(20, 60.0))
    d = Dispatcher({"telegram": sender}, CFG, wall=_wall(clock), worker="w1")
    for n in range(45):
        await queue_message("telegram", -100, f"card {n}", kind="card")
    await drain(d, clock)
    times = [t for t, _ in sender.delivered]
    assert sender.texts() == [f"card {n}" for n in range(45)]
    for i in range(len(times) - 20):
        assert times[i + 20] - times[i] >= 60 - 1e-6


async def test_the_overall_rate_is_kept_across_chats(db, clock, config):
    sender = Sender(clock, per_second=29.0)
    d = Dispatcher({"telegram": sender}, CFG, wall=_wall(clock), worker="w1")
    for chat in range(90):
        await queue_message("telegram", chat + 1, f"m{chat}")
    await drain(d, clock)
    times = sorted(t for t, _ in sender.delivered)
    assert len(times) == 90
    for i in range(len(times) - 30):  # Telegram: no more than 30 in any second
        assert times[i + 30] - times[i] >= 1.0 - 1e-6
    assert times[-1] - times[0] <= 90 / 29 + 0.5  # and close to the rate, not slower


async def test_card_is_remembered_and_edits_go_to_it(any_db, clock, config):
    ticket = await _ticket(config)
    sender = Sender(clock)
    d = Dispatcher({"telegram": sender}, CFG, wall=_wall(clock), worker="w1")
    await queue_message("telegram", -100, "card v1", ticket=ticket, kind="card")
    await queue_message("telegram", -100, "card v2", ticket=ticket, kind="edit_card")
    await queue_message("telegram", -100, "card v3", ticket=ticket, kind="edit_card")
    await drain(d, clock)
    card = await GroupCard.get(ticket=ticket)
    assert (card.chat_id, card.message_id, card.role) == ("-100", "1001", "card")
    assert [(x.row.payload["text"], x.edit_message_id) for _, x in sender.delivered] == [
        ("card v1", None),
        ("card v3", "1001"),  # v2 was superseded by v3
    ]
    rows = await Outbox.all().order_by("id")
    assert [(r.status, r.platform_message_id, r.last_error) for r in rows] == [
        ("sent", "1001", None),
        ("sent", None, "superseded by a later edit"),
        ("sent", "1002", None),
    ]


async def test_an_edit_of_a_card_that_never_went_out_fails(db, clock, config):
    ticket = await _ticket(config)
    sender = Sender(clock)
    d = Dispatcher({"telegram": sender}, CFG, wall=_wall(clock), worker="w1")
    row = await queue_message("telegram", -100, "edit", ticket=ticket, kind="edit_card")
    await drain(d, clock)
    assert (await Outbox.get(id=row.id)).status == "failed" and not sender.delivered


async def test_a_message_committed_before_a_crash_is_sent_after_restart(tmp_path, clock, config):
    url = f"sqlite://{tmp_path}/restart.db"
    await open_db(url, create=True)
    row = await queue_message("telegram", 7, "重启前排队的消息")
    await close_db()  # the process stops between commit and send
    await open_db(url)
    sender = Sender(clock)
    await drain(Dispatcher({"telegram": sender}, CFG, wall=_wall(clock), worker="w1"), clock)
    assert sender.texts() == ["重启前排队的消息"]
    assert (await Outbox.get(id=row.id)).status == "sent"
    await close_db()


async def test_two_workers_share_lanes_and_the_rate_without_duplicates(any_db, clock, config):
    """Two workers on one database, each with its own sender (Telegram counts what
    both send): every message once, each chat in order and never over its pace, and
    both together under the overall rate — for longer than a lease lasts."""
    delivered: list[tuple[float, Delivery]] = []
    senders = []
    for _ in range(2):
        s = Sender(clock, pace=Pace(3, 3.0), per_second=29.0)
        s.delivered = delivered  # one platform: what either sends
        senders.append(s)
    a = Dispatcher(
        {"telegram": senders[0]}, CFG, wall=_wall(clock), worker="a", lease=timedelta(seconds=30)
    )
    b = Dispatcher(
        {"telegram": senders[1]}, CFG, wall=_wall(clock), worker="b", lease=timedelta(seconds=30)
    )
    for n in range(200):  # one chat with 120 (40 s at its pace) and 80 others
        await queue_message("telegram", 1 if n % 5 < 3 else 1000 + n, f"m{n}")
    start = clock.now()
    while len(delivered) < 200 and (clock.now() - start).total_seconds() < 600:
        waits = await asyncio.gather(a.run_once(), b.run_once())
        waits = [w for w in waits if w is not None]
        clock.advance(seconds=max(min(waits, default=1.0), 0.01))
    texts = [d.row.payload["text"] for _, d in delivered]
    assert sorted(texts) == sorted(f"m{n}" for n in range(200))  # each once
    first = [(t, d.row.payload["text"]) for t, d in delivered if d.row.chat_id == "1"]
    assert [x for _, x in first] == [f"m{n}" for n in range(200) if n % 5 < 3]
    times = [t for t, _ in first]
    for i in range(len(times) - 3):
        assert times[i + 3] - times[i] >= 3.0 - 1e-6
    all_times = sorted(t for t, _ in delivered)
    for i in range(len(all_times) - 30):
        assert all_times[i + 30] - all_times[i] >= 1.0 - 1e-6


def test_backoff_is_exponential_and_capped():
    assert [backoff(n, 2, 60) for n in range(1, 8)] == [2, 4, 8, 16, 32, 60, 60]
    assert backoff(1, 2, 60, retry_after=45) == 45


@pytest.mark.parametrize("parts_done", [0, 1])
async def test_a_multi_part_message_resumes_after_its_sent_parts(db, clock, config, parts_done):
    calls: list[int] = []

    class Parts(Sender):
        async def send(self, delivery):
            for part in range(delivery.parts_done, 3):
                if part == 1 and not calls.count(1):
                    calls.append(1)
                    raise SendError("502", outage=True)
                calls.append(part)
                await delivery.part_sent(part + 1)
            return "9"

    sender = Parts(clock)
    d = Dispatcher({"telegram": sender}, CFG, wall=_wall(clock), worker="w1")
    row = await queue_message("telegram", 7, "text and two photos")
    if parts_done:
        await Outbox.filter(id=row.id).update(progress=parts_done)
    await drain(d, clock)
    # part 0 once (or not at all when it had gone before), part 1 failed then went
    assert calls == ([0] if not parts_done else []) + [1, 1, 2]
    assert (await Outbox.get(id=row.id)).status == "sent"
