"""Sends what the services queued in the outbox, through each platform's sender.

Every destination (a chat, a robot) is a **lane**: one worker at a time holds it
(``models.delivery``) and sends its messages in order — urgent ones first, then as
queued — at the pace the platform allows that destination, and within the platform's
overall rate, which all workers share. Lanes run side by side: a slow chat holds up
nobody else's messages.

Each send is recorded the moment it returns. A failure is one of three things:

* the platform is down (5xx, a timeout, a refused connection): the message keeps its
  place and the platform is tried again every ``outbox.retry_seconds`` by one lane of
  one worker; the first send that goes through releases every lane at once. Only a
  message older than ``outbox.give_up_after_hours`` fails;
* the platform refuses the message itself (a bad request, a blocked bot, an unknown
  chat): it fails at once;
* anything else: the message backs off (exponentially, never sooner than the
  platform's retry-after) and the ones behind it wait, ``outbox.max_attempts`` times.

A message that fails is recorded on its ticket as an alert.

Two clocks: when a message is due (quiet hours, backoff) and how old it is are the
business clock's (``models.domain.clock``); the platforms' pace, the leases and the
retries of a failing platform are real time (``wall``, epoch seconds). Tests give both
the same fake clock and step it with ``run_once``: hours of outage in milliseconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from tortoise.transactions import in_transaction

from handlers.delivery_failures import message_missed
from models import delivery, telemetry
from models.domain.clock import now
from models.domain.config import Outbox as OutboxConfig
from models.domain.lifecycle import Actor, EventKind
from models.outbox import backoff, take_handed, wakeup
from models.tables import Outbox, OutboxLane, PlatformState, Ticket
from models.telemetry import ticket_scope
from models.tickets import record_event

log = logging.getLogger(__name__)


class SendError(Exception):
    """A send that did not go through. ``retryable=False``: the platform refused this
    message (it will not go through later either). ``outage``: the platform itself is
    down or unreachable. ``retry_after``: the platform asked to wait that long."""

    def __init__(
        self,
        message: str,
        *,
        retryable: bool = True,
        retry_after: float | None = None,
        outage: bool = False,
    ):
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after
        self.outage = outage


@dataclass(frozen=True)
class Pace:
    """At most ``count`` messages in any ``seconds`` to one destination."""

    count: int
    seconds: float


@dataclass
class Delivery:
    """What the dispatcher hands a sender: the row, the message to edit for
    ``edit_card``, and for a message sent in parts (a text, then a sticker) how many
    parts went out already and how to record one more."""

    row: Outbox
    edit_message_id: str | None = None
    progress: Callable[[int], Awaitable[None]] | None = None

    @property
    def parts_done(self) -> int:
        return self.row.progress

    async def part_sent(self, parts: int) -> None:
        if self.progress is not None:
            await self.progress(parts)


class Sender(Protocol):
    per_second: float | None
    """The platform's overall rate for this bot or account (None: no limit)."""

    async def send(self, delivery: Delivery) -> str | None:
        """Deliver; return the platform's message id. Raise ``SendError`` on failure."""
        ...

    def pace(self, chat_id: str) -> Pace | None:
        """The platform's limit for one destination (None: none)."""
        ...


def worker_name() -> str:
    """This worker's name on the lanes it holds: the host and the web server's port
    (one process per port), so a restarted worker takes its lanes back at once."""
    port = os.environ.get("GUANJIA_HTTP_PORT", "8080")
    return os.environ.get("GUANJIA_WORKER_ID") or f"{socket.gethostname()}:{port}"


@dataclass
class _Lane:
    row: OutboxLane
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task | None = None
    idle_since: datetime | None = None
    slot: float | None = None  # a send slot booked under the platform's overall rate
    handed: dict[int, Outbox] = field(default_factory=dict)  # rows in memory, by id


SLOT_HORIZON = 1.0
"""Seconds ahead a lane may book a send slot under a platform's overall rate: an
urgent message finds the queue at most this long."""


class Dispatcher:
    def __init__(
        self,
        senders: dict[str, Sender],
        config: OutboxConfig,
        *,
        worker: str | None = None,
        lease: timedelta = timedelta(seconds=30),
        poll_seconds: float = 1.0,
        max_lanes: int = 256,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        wall: Callable[[], float] = time.time,
        on_failed: Callable[..., Awaitable[None]] | None = message_missed,
    ):
        self.senders = senders
        self.config = config
        self.worker = worker or worker_name()
        self.lease = lease
        self.poll_seconds = poll_seconds
        self.max_lanes = max_lanes
        self.sleep = sleep
        self.wall = wall
        self.on_failed = on_failed
        self.lanes: dict[tuple[str, str], _Lane] = {}
        self.platforms: dict[str, PlatformState] = {}
        self._recovered: dict[str, asyncio.Event] = {}
        self._started = False

    def _now(self) -> datetime:
        """Real time (pace, leases, retries), as a datetime."""
        return datetime.fromtimestamp(self.wall(), UTC)

    # -- the loop of a running worker ------------------------------------------------------
    async def start(self) -> None:
        if not self._started:
            await delivery.ensure_platforms(list(self.senders), self._now())
            self.platforms = await delivery.platform_states()
            self._started = True

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Lanes as tasks of their own; this loop hands them new messages, finds lanes
        with work in the database, renews leases and gives idle lanes back."""
        state = wakeup()
        state.consumers += 1  # at once: what commits from here on is handed to this loop
        loop = asyncio.get_running_loop()
        stopping = asyncio.ensure_future(stop.wait())
        stopping.add_done_callback(lambda _: state.wake())
        next_look = next_expiry = loop.time()
        try:
            await self.start()
            while not stop.is_set():
                state.reset()
                try:
                    await self._take_handed(start_tasks=True)
                    if state.check_db or loop.time() >= next_look:
                        state.check_db = False
                        await self._refresh_platforms()
                        await self._find_lanes(start_tasks=True)
                        await self._renew_and_release()
                        next_look = loop.time() + self.poll_seconds
                    if loop.time() >= next_expiry:
                        await self.fail_expired()
                        next_expiry = loop.time() + 60
                except Exception:  # the loop must survive a database hiccup
                    log.exception("dispatcher loop failed")
                    next_look = loop.time() + self.poll_seconds
                if state.handed or state.check_db:
                    continue
                await state.sleep(max(0.0, next_look - loop.time()))
        finally:
            stopping.cancel()
            state.consumers -= 1
            await self._stop()

    async def _stop(self) -> None:
        tasks = [lane.task for lane in self.lanes.values() if lane.task is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        take_handed()  # they are in the database, pending: whoever holds their lane sends them
        with contextlib.suppress(Exception):
            await delivery.release_all(self.worker)
        self.lanes.clear()

    async def _run_lane(self, key: tuple[str, str]) -> None:
        lane = self.lanes[key]
        try:
            while True:
                lane.wake.clear()
                wait = await self._drive(lane)
                if wait is None:
                    if lane.wake.is_set():
                        continue  # a message came while it looked: look again
                    lane.idle_since = self._now()
                    return
                await self._wait(lane, wait)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("lane %s:%s failed; it is tried again", *key)
            lane.idle_since = self._now()
        finally:
            lane.task = None

    async def _wait(self, lane: _Lane, seconds: float) -> None:
        """``seconds``, or until the lane is woken (a new message, a recovery)."""
        if seconds <= 0:
            return
        woken = asyncio.ensure_future(lane.wake.wait())
        slept = asyncio.ensure_future(self.sleep(seconds))
        try:
            await asyncio.wait({woken, slept}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            woken.cancel()
            slept.cancel()

    def _start(self, key: tuple[str, str]) -> None:
        lane = self.lanes[key]
        lane.idle_since = None
        lane.wake.set()
        if lane.task is None:
            lane.task = asyncio.ensure_future(self._run_lane(key))

    # -- finding and holding lanes ------------------------------------------------------------
    async def _hold(self, platform: str, chat_id: str) -> bool:
        key = (platform, chat_id)
        if key in self.lanes:
            return True
        if self._busy() >= self.max_lanes:
            return False
        row = await delivery.lease_lane(platform, chat_id, self.worker, self._now(), self.lease)
        if row is None:
            return False  # another worker sends to it; it finds the message itself
        self.lanes[key] = _Lane(row)
        return True

    def _busy(self) -> int:
        """Lanes at work (idle ones wait to be given back: they take no room)."""
        return sum(1 for lane in self.lanes.values() if lane.idle_since is None)

    async def _take_handed(self, *, start_tasks: bool) -> list[tuple[str, str]]:
        """Messages this process just committed: their lanes, held (or taken)."""
        keys = []
        for row in take_handed():
            if row.platform not in self.senders:
                continue
            key = (row.platform, row.chat_id)
            if await self._hold(*key):
                self.lanes[key].handed[row.id] = row
                keys.append(key)
                if start_tasks:
                    self._start(key)
        return keys

    async def _find_lanes(self, *, start_tasks: bool) -> list[tuple[str, str]]:
        """Lanes with a message to send now that no other worker holds."""
        keys = []
        room = self.max_lanes - self._busy()
        if room <= 0:
            return keys
        found = await delivery.lanes_with_work(
            list(self.senders), self.worker, now(), self._now(), room
        )
        for platform, chat_id, _urgent in found:
            key = (platform, chat_id)
            if key in self.lanes and self.lanes[key].task is not None:
                continue
            if await self._hold(*key):
                keys.append(key)
                if start_tasks:
                    self._start(key)
        return keys

    async def _renew_and_release(self) -> None:
        """Lanes idle for a poll given back; the leases of the others renewed when half
        gone (a lane waiting for a recovery holds its place in the meantime)."""
        at = self._now()
        idle = [
            key
            for key, lane in self.lanes.items()
            if lane.task is None
            and lane.idle_since is not None
            and (at - lane.idle_since).total_seconds() >= self.poll_seconds
        ]
        if idle:  # out of the map first: a message handed meanwhile leases the lane anew
            gone = [self.lanes.pop(key).row for key in idle]
            await delivery.release_lanes(self.worker, [(r.id, r.lease_until) for r in gone])
        busy = {
            lane.row.id: key
            for key, lane in self.lanes.items()
            if lane.row.lease_until is None or lane.row.lease_until - at < self.lease / 2
        }
        held = await delivery.renew_lanes(self.worker, list(busy), at + self.lease)
        for lane_id, key in busy.items():
            if lane_id in held:
                self.lanes[key].row.lease_until = at + self.lease
            else:  # taken over (this worker was cut off for longer than its lease)
                lane = self.lanes.pop(key)
                if lane.task is not None:
                    lane.task.cancel()

    async def _refresh_platforms(self) -> None:
        """Every worker learns within a poll that a platform works again."""
        before = self.platforms
        self.platforms = await delivery.platform_states()
        for platform, state in self.platforms.items():
            old = before.get(platform)
            if state.failing_since is None and old is not None and old.failing_since is not None:
                self._wake_lanes(platform)

    def _wake_lanes(self, platform: str) -> None:
        for (lane_platform, _), lane in self.lanes.items():
            if lane_platform == platform:
                lane.wake.set()

    # -- one pass, for tests and tools --------------------------------------------------------
    async def run_once(self) -> float | None:
        """Hand over, find and drive every lane until each must wait; seconds until the
        earliest may go on (0: more lanes have work now; None: nothing waits). Tests
        step virtual time with it."""
        await self.start()
        await self._refresh_platforms()
        await self._take_handed(start_tasks=False)
        await self._find_lanes(start_tasks=False)
        keys = list(self.lanes)
        results = await asyncio.gather(*(self._drive(self.lanes[key]) for key in keys))
        waits, idle = [], []
        for key, wait in zip(keys, results, strict=True):
            if wait is None:
                idle.append(key)
            else:
                waits.append(wait)
        if idle:  # given back at once: a pass does not wait for a poll
            gone = [self.lanes.pop(key).row for key in idle]
            await delivery.release_lanes(self.worker, [(r.id, r.lease_until) for r in gone])
        await self._renew_and_release()
        if waits:
            return max(0.0, min(waits))
        more = await delivery.lanes_with_work(
            list(self.senders), self.worker, now(), self._now(), 1
        )
        return 0.0 if more else None

    # -- a lane ----------------------------------------------------------------------------
    async def _drive(self, lane: _Lane) -> float | None:
        """Send the lane's messages while it may; seconds until it may go on (None: it
        has nothing to send now)."""
        platform, chat_id = lane.row.platform, lane.row.chat_id
        sender = self.senders[platform]
        while True:
            real = self._now()
            if lane.row.lease_until is None or lane.row.lease_until - real < self.lease / 2:
                held = await delivery.renew_lanes(self.worker, [lane.row.id], real + self.lease)
                if lane.row.id not in held:  # another worker took it over (this one was cut off)
                    key = (platform, chat_id)
                    if self.lanes.get(key) is lane:
                        del self.lanes[key]
                    return None
                lane.row.lease_until = real + self.lease
            at = now()
            row = await delivery.head_of_lane(platform, chat_id, at, lane.handed)
            if row is None:
                lane.handed.clear()  # sent meanwhile by whoever held the lane before
                return None
            with ticket_scope(row.payload.get("ticket")):
                if row.next_attempt_at > at:  # backing off: the ones behind it wait
                    return (row.next_attempt_at - at).total_seconds()
                wait = await self._may_send(lane, row, sender, at, real)
                if wait is not None:
                    return wait
                await self._send(lane, row, sender)

    async def _may_send(
        self, lane: _Lane, row: Outbox, sender: Sender, at: datetime, real: datetime
    ) -> float | None:
        """None when the row may go now; else the seconds to wait."""
        state = self.platforms.get(row.platform)
        if state is not None and state.failing_since is not None:
            if await self._too_old(row, at):
                return 0.0  # it failed: the next one
            if state.retry_at is not None and state.retry_at > real:
                return (state.retry_at - real).total_seconds()
            retry = real + timedelta(seconds=self.config.retry_seconds)
            if not await delivery.take_retry(row.platform, real, retry):
                return self.config.retry_seconds  # another lane tries; a recovery wakes this
            state.retry_at = retry  # this lane tries the platform now
        if lane.row.not_before is not None and lane.row.not_before > real:
            return (lane.row.not_before - real).total_seconds()
        stamp = real.timestamp()
        pace = sender.pace(row.chat_id)
        if pace is not None:
            recent = [t for t in lane.row.recent if t > stamp - pace.seconds]
            lane.row.recent = recent
            if len(recent) >= pace.count:
                return recent[-pace.count] + pace.seconds - stamp
        if sender.per_second:
            interval = 1.0 / sender.per_second
            if lane.slot is not None and stamp - lane.slot > interval:
                lane.slot = None  # missed (the lane waited for something else): book again
            if lane.slot is None:
                lane.slot = await delivery.reserve_slot(
                    row.platform,
                    stamp,
                    interval,
                    float("inf") if row.urgent else SLOT_HORIZON,
                )
                if lane.slot is None:  # booked up for the next second: ask again soon
                    return SLOT_HORIZON / 2
            if lane.slot > stamp:
                return lane.slot - stamp
            lane.slot = None  # used now
        return None

    async def _too_old(self, row: Outbox, at: datetime) -> bool:
        limit = timedelta(hours=self.config.give_up_after_hours)
        if at - row.created_at <= limit:
            return False
        await self._fail(
            row, f"not delivered within {self.config.give_up_after_hours:g} h", outage=True
        )
        return True

    async def _send(self, lane: _Lane, row: Outbox, sender: Sender) -> None:
        edit_id = None
        if row.kind == "edit_card" and row.payload.get("message_id"):
            # a card that stands for no ticket (a claim's card in the stewards' chat): the
            # message it edits is named by the one who asked for the edit
            edit_id = str(row.payload["message_id"])
        elif row.kind == "edit_card":
            if await delivery.newer_edit_pending(row):
                await delivery.record_sent(row, None, now(), lane.row, superseded=True)
                return
            edit_id = await delivery.card_message(row)
            if edit_id is None:
                await self._fail(row, "the card was never sent, so it cannot be edited")
                return

        async def progress(parts: int) -> None:
            await delivery.record_progress(row, parts)

        try:
            message_id = await sender.send(Delivery(row, edit_id, progress))
        except SendError as e:
            await self._failed_attempt(lane, row, e)
            return
        except Exception as e:  # a bug of ours: back off, do not lose the message
            log.exception("outbox %s: unexpected error", row.id)
            await self._failed_attempt(lane, row, SendError(f"internal error: {e!r}"))
            return
        at = now()
        paced = sender.pace(row.chat_id) is not None
        if paced:
            lane.row.recent = [*lane.row.recent[-63:], self.wall()]
        await delivery.record_sent(row, message_id, at, lane.row if paced else None)
        telemetry.MESSAGES_OUT.labels(row.platform).inc()
        state = self.platforms.get(row.platform)
        if state is not None and state.failing_since is not None:
            if await delivery.platform_recovered(row.platform, self._now()):
                log.warning("%s works again (failing since %s)", row.platform, state.failing_since)
            state.failing_since = state.retry_at = None
            self._wake_lanes(row.platform)

    async def _failed_attempt(self, lane: _Lane, row: Outbox, error: SendError) -> None:
        at = now()
        give_up = not error.retryable
        telemetry.SEND_FAILURES.labels(row.platform, "no" if give_up else "yes").inc()
        if give_up:
            await self._fail(row, str(error), attempted=True)
            return
        if error.outage:
            real = self._now()
            retry = real + timedelta(seconds=self.config.retry_seconds)
            # since when: on the clock everything else is stored on (/healthz reads it);
            # when to try again: on the wall clock the dispatcher waits by
            await delivery.platform_failing(row.platform, str(error), at, retry)
            state = self.platforms[row.platform]
            state.failing_since = state.failing_since or at
            state.retry_at = retry
            await delivery.record_attempt(row, str(error))
            log.warning(
                "outbox %s to %s: %s is failing: %s", row.id, row.chat_id, row.platform, error
            )
            return
        if error.retry_after is not None and error.retry_after > 0:
            # the platform's pace for this destination (a 429): wait, nothing failed
            pause = self._now() + timedelta(seconds=error.retry_after)
            await delivery.set_lane_pause(lane.row, pause)
            log.info("outbox %s: %s asks to wait %.1fs", row.id, row.platform, error.retry_after)
            return
        if row.attempts + 1 >= self.config.max_attempts:
            row.attempts += 1
            await self._fail(row, str(error), attempted=True)
            return
        delay = backoff(
            row.attempts + 1,
            self.config.base_delay_seconds,
            self.config.max_delay_seconds,
            error.retry_after,
        )
        await delivery.record_attempt(row, str(error), at + timedelta(seconds=delay))
        log.warning(
            "outbox %s: attempt %d failed, again in %.0fs: %s", row.id, row.attempts, delay, error
        )

    async def _fail(
        self, row: Outbox, reason: str, *, attempted: bool = False, outage: bool = False
    ) -> None:
        """The message will not be sent: recorded on it and on its ticket (an alert),
        and whoever must know is told (``on_failed``: the stewards, the supervisors, and
        the resident at their next message; ``outage``: because the platform was down)."""
        if attempted:
            row.attempts = max(row.attempts, 1)
        async with in_transaction() as tx:
            await delivery.mark_failed(row, reason, tx)
            if row.ticket_id:
                ticket = await Ticket.get(id=row.ticket_id).using_db(tx)
                await record_event(
                    ticket,
                    EventKind.ALERT,
                    Actor.system("dispatcher"),
                    f"消息未能送达（{row.platform}）：{reason}",
                    {"outbox_id": row.id, "attempts": row.attempts},
                    conn=tx,
                )
            if self.on_failed is not None:
                await self.on_failed(row, reason, tx, outage=outage)
        log.error("outbox %s to %s:%s failed: %s", row.id, row.platform, row.chat_id, reason)

    async def fail_expired(self) -> int:
        """Messages too old to send (their platform stayed down, or no worker serves
        it): failed and recorded, in any lane."""
        before = now() - timedelta(hours=self.config.give_up_after_hours)
        rows = await delivery.expired(before)
        for row in rows:
            with ticket_scope(row.payload.get("ticket")):
                await self._fail(
                    row, f"not delivered within {self.config.give_up_after_hours:g} h", outage=True
                )
        return len(rows)
