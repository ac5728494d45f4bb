"""What the workers sending the outbox must agree on, in the database.

* A **lane** is one destination (a chat, a robot). One worker at a time holds it, with
  a short lease it renews while it works: that worker alone sends the destination's
  messages, in order (urgent first, then as queued), at the destination's pace (the
  send times are kept on the lane, so the next holder goes on at the same pace).
* A **platform's state**: whether it is failing (since when, when to try again), and
  its next free send slot under the platform's overall rate limit, shared by all
  workers (one conditional UPDATE reserves a slot).
* The **records**: a message sent is marked sent the moment its send returns, with the
  platform's message id; a failure is counted on the message, or fails it.

Times are the injectable clock's; slots and pace are epoch seconds.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from models.storage.sqlite_engine import durable_with_next_commit
from models.storage.statements import execute_many, fetch, markers, select, update_where
from models.tables import GroupCard, Outbox, OutboxLane, OutboxStatus, PlatformState

PENDING = OutboxStatus.PENDING.value
_OUTBOX = Outbox._meta.db_table
_LANE = OutboxLane._meta.db_table
_STATE = PlatformState._meta.db_table


def _stored(model, field: str, value: Any) -> Any:
    """A value as the column stores it (for hand-written SQL)."""
    return model._meta.fields_map[field].to_db_value(value, None)


# -- lanes ---------------------------------------------------------------------------------
_LEASE = (
    f'INSERT INTO "{_LANE}" ("platform", "chat_id", "holder", "lease_until", "recent", '
    '"updated_at") VALUES (?, ?, ?, ?, ?, ?) '
    'ON CONFLICT ("platform", "chat_id") DO UPDATE SET "holder" = excluded."holder", '
    '"lease_until" = excluded."lease_until", "updated_at" = excluded."updated_at" '
    f'WHERE "{_LANE}"."holder" IS NULL OR "{_LANE}"."holder" = excluded."holder" '
    f'OR "{_LANE}"."lease_until" < ? '
    'RETURNING "id", "not_before", "recent"'
)


async def lease_lane(
    platform: str, chat_id: str, holder: str, at: datetime, lease: timedelta
) -> OutboxLane | None:
    """The lane for this worker until ``at + lease``, unless another worker holds it."""
    until = _stored(OutboxLane, "lease_until", at + lease)
    stamp = _stored(OutboxLane, "updated_at", at)
    with durable_with_next_commit():  # a lease lost in a power failure is only waited out
        rows = await fetch(
            _LEASE,
            [platform, chat_id, holder, until, _stored(OutboxLane, "recent", []), stamp, stamp],
        )
    if not rows:
        return None
    row = rows[0]
    return OutboxLane.construct(
        _saved_in_db=True,
        id=row["id"],
        platform=platform,
        chat_id=chat_id,
        holder=holder,
        lease_until=at + lease,
        not_before=OutboxLane._meta.fields_map["not_before"].to_python_value(row["not_before"]),
        recent=OutboxLane._meta.fields_map["recent"].to_python_value(row["recent"]) or [],
        updated_at=at,
    )


async def renew_lanes(holder: str, lane_ids: list[int], until: datetime) -> set[int]:
    """Extend this worker's leases; returns the lanes it still holds."""
    if not lane_ids:
        return set()
    with durable_with_next_commit():
        async with in_transaction() as tx:
            await (
                OutboxLane.filter(holder=holder, id__in=lane_ids)
                .using_db(tx)
                .update(lease_until=until)
            )
            held = (
                await OutboxLane.filter(holder=holder, id__in=lane_ids)
                .using_db(tx)
                .values_list("id", flat=True)
            )
    return set(held)


async def release_lanes(holder: str, leases: list[tuple[int, datetime]]) -> None:
    """Give lanes back (this worker has nothing more for them now): each only if it is
    still the lease this worker took (it may have leased the lane again meanwhile)."""
    for start in range(0, len(leases), 100):  # within SQLite's limits on one statement
        await _release(holder, leases[start : start + 100])


async def _release(holder: str, leases: list[tuple[int, datetime]]) -> None:
    conds = " OR ".join('("id" = ? AND "lease_until" = ?)' for _ in leases)
    params: list[Any] = [holder]
    for lane_id, until in leases:
        params += [lane_id, _stored(OutboxLane, "lease_until", until)]
    with durable_with_next_commit():
        await fetch(
            f'UPDATE "{_LANE}" SET "holder" = NULL, "lease_until" = NULL '
            f'WHERE "holder" = ? AND ({conds}) RETURNING "id"',
            params,
        )


async def release_all(holder: str) -> None:
    """A worker that stops gives every lane back, so others go on at once."""
    with durable_with_next_commit():
        await OutboxLane.filter(holder=holder).update(holder=None, lease_until=None)


def _lanes_with_work(n_platforms: int) -> str:
    return (
        'SELECT o."platform", o."chat_id", '
        'MAX(CASE WHEN o."urgent" THEN 1 ELSE 0 END) AS "urgent", MIN(o."id") AS "first" '
        f'FROM "{_OUTBOX}" o LEFT JOIN "{_LANE}" l '
        'ON l."platform" = o."platform" AND l."chat_id" = o."chat_id" '
        f'WHERE o."status" = ? AND o."next_attempt_at" <= ? '
        f'AND o."platform" IN ({markers(n_platforms)}) '
        'AND (l."id" IS NULL OR l."holder" IS NULL OR l."holder" = ? OR l."lease_until" < ?) '
        'GROUP BY o."platform", o."chat_id" ORDER BY "urgent" DESC, "first" LIMIT ?'
    )


async def lanes_with_work(
    platforms: list[str], holder: str, due: datetime, real: datetime, limit: int
) -> list[tuple[str, str, bool]]:
    """Destinations with a message due by ``due`` that no other worker holds at ``real``
    (its lease run out): (platform, chat, urgent), urgent first, then the longest
    waiting."""
    if not platforms:
        return []
    rows = await fetch(
        _lanes_with_work(len(platforms)),
        [
            PENDING,
            _stored(Outbox, "next_attempt_at", due),
            *platforms,
            holder,
            _stored(OutboxLane, "lease_until", real),
            limit,
        ],
    )
    return [(r["platform"], r["chat_id"], bool(r["urgent"])) for r in rows]


_HEAD = (
    f'SELECT "id" FROM "{_OUTBOX}" WHERE "platform" = ? AND "chat_id" = ? AND "status" = ? '
    'AND ("next_attempt_at" <= ? OR "attempts" > 0) ORDER BY "urgent" DESC, "id" LIMIT 1'
)


async def head_of_lane(
    platform: str, chat_id: str, at: datetime, known: dict[int, Outbox] | None = None
) -> Outbox | None:
    """The message the destination gets next: its urgent ones first, then the oldest.
    A message held for later (quiet hours) lets the others pass; one that is backing
    off after a failed attempt holds the ones behind it (they wait, in order).
    ``known``: rows already in memory by id (handed over at commit), used instead of
    reading the row again."""
    rows = await fetch(_HEAD, [platform, chat_id, PENDING, _stored(Outbox, "next_attempt_at", at)])
    if not rows:
        return None
    head = rows[0]["id"]
    if known is not None and head in known:
        return known.pop(head)
    found = await select(Outbox, '"id" = ?', [head])
    return found[0] if found else None


async def newer_edit_pending(row: Outbox) -> bool:
    """A later edit of the same card waits: it shows the latest state."""
    return await Outbox.filter(
        platform=row.platform,
        chat_id=row.chat_id,
        ticket_id=row.ticket_id,
        kind="edit_card",
        status=OutboxStatus.PENDING,
        id__gt=row.id,
    ).exists()


async def card_message(row: Outbox) -> str | None:
    """The message id of the ticket's card in this chat (for an edit)."""
    card = await GroupCard.filter(
        platform=row.platform, chat_id=row.chat_id, ticket_id=row.ticket_id, role="card"
    ).first()
    return card.message_id if card is not None else None


async def set_lane_pause(lane: OutboxLane, until: datetime | None) -> None:
    """The platform asked this destination to wait (a 429's retry_after)."""
    lane.not_before = until
    with durable_with_next_commit():
        await update_where(OutboxLane, {"id": lane.id}, {"not_before": until})


# -- records -------------------------------------------------------------------------------
async def record_sent(
    row: Outbox,
    message_id: str | None,
    at: datetime,
    lane: OutboxLane | None,
    *,
    superseded: bool = False,
) -> None:
    """The message went out (or a later edit made it needless): marked sent with the
    platform's message id, the staff-chat message that stands for a ticket remembered
    (a card, a relay), the lane's pace moved on (``lane``: when it is paced), at once.
    Synced with the next durable commit: lost in a power failure, the message would be
    sent again."""
    sent = {
        "status": OutboxStatus.SENT,
        "sent_at": at,
        "attempts": row.attempts + (0 if superseded else 1),
        "last_error": "superseded by a later edit" if superseded else None,
        "platform_message_id": message_id,
    }
    # a staff-chat message that stands for its ticket (a card, a relay, an alert, a
    # reminder, an escalation): a reply to it acts on the ticket
    card = bool(
        message_id
        and row.ticket_id
        and (row.kind in ("card", "relay") or (row.payload or {}).get("handle"))
    )
    with durable_with_next_commit():
        if not card and lane is None:  # one statement: no transaction needed
            await update_where(Outbox, {"id": row.id}, sent)
            return
        async with in_transaction() as tx:
            await update_where(Outbox, {"id": row.id}, sent, tx)
            if card:
                await execute_many(
                    f'INSERT INTO "{GroupCard._meta.db_table}" '
                    '("platform", "chat_id", "message_id", "ticket_id", "role", "created_at") '
                    "VALUES (?, ?, ?, ?, ?, ?) "
                    'ON CONFLICT ("platform", "chat_id", "message_id") DO NOTHING',
                    [
                        (
                            row.platform,
                            row.chat_id,
                            str(message_id),
                            row.ticket_id,
                            row.kind if row.kind in ("card", "relay") else "alert",
                            _stored(GroupCard, "created_at", at),
                        )
                    ],
                    tx,
                )
            if lane is not None and not superseded:
                await update_where(
                    OutboxLane, {"id": lane.id}, {"recent": lane.recent, "updated_at": at}, tx
                )


async def record_progress(row: Outbox, parts: int) -> None:
    """Parts of a multi-part message that went out: a retry starts after them."""
    row.progress = parts
    with durable_with_next_commit():
        await update_where(Outbox, {"id": row.id}, {"progress": parts})


async def record_attempt(row: Outbox, error: str, next_attempt_at: datetime | None = None) -> None:
    """A failed attempt; the message stays pending (``next_attempt_at``: backing off)."""
    row.attempts += 1
    row.last_error = error[:2000]
    values: dict[str, Any] = {"attempts": row.attempts, "last_error": row.last_error}
    if next_attempt_at is not None:
        row.next_attempt_at = values["next_attempt_at"] = next_attempt_at
    with durable_with_next_commit():
        await update_where(Outbox, {"id": row.id}, values)


async def mark_failed(row: Outbox, error: str, conn) -> None:
    """The message will not be sent (inside the caller's transaction, which records
    why on its ticket)."""
    row.status = OutboxStatus.FAILED
    row.last_error = error[:2000]
    await update_where(
        Outbox,
        {"id": row.id},
        {"status": OutboxStatus.FAILED, "attempts": row.attempts, "last_error": row.last_error},
        conn,
    )


async def expired(before: datetime, limit: int = 200) -> list[Outbox]:
    """Messages still waiting that were queued before ``before`` (too old to send)."""
    return await select(
        Outbox,
        '"status" = ? AND "created_at" < ?',
        [PENDING, _stored(Outbox, "created_at", before)],
        order_by='"id"',
        limit=limit,
    )


# -- platforms -----------------------------------------------------------------------------
async def ensure_platforms(platforms: list[str], at: datetime) -> None:
    for platform in platforms:
        await PlatformState.get_or_create(platform=platform, defaults={"updated_at": at})


async def platform_states() -> dict[str, PlatformState]:
    return {p.platform: p for p in await PlatformState.all()}


async def platform_failing(platform: str, error: str, at: datetime, retry_at: datetime) -> None:
    """The platform itself failed (5xx, timeout, refused): every worker waits for
    ``retry_at`` before trying it again (one try at a time)."""
    with durable_with_next_commit():
        async with in_transaction() as tx:
            state = await PlatformState.get(platform=platform).using_db(tx)
            await (
                PlatformState.filter(platform=platform)
                .using_db(tx)
                .update(
                    failing_since=state.failing_since or at,
                    last_error=error[:2000],
                    retry_at=retry_at,
                    updated_at=at,
                )
            )


async def platform_recovered(platform: str, at: datetime) -> bool:
    """A send went through: the platform works again. True when it had been failing."""
    with durable_with_next_commit():
        changed = await PlatformState.filter(platform=platform, failing_since__isnull=False).update(
            failing_since=None, retry_at=None, last_error=None, updated_at=at
        )
    return bool(changed)


async def take_retry(platform: str, at: datetime, next_retry: datetime) -> bool:
    """While the platform is failing, one worker's lane may try it at ``retry_at``:
    the one that moves ``retry_at`` on first."""
    with durable_with_next_commit():
        won = await PlatformState.filter(
            platform=platform, failing_since__isnull=False, retry_at__lte=at
        ).update(retry_at=next_retry, updated_at=at)
    return bool(won)


_SLOT = (
    f'UPDATE "{_STATE}" SET "slot_at" = '
    'CASE WHEN "slot_at" IS NOT NULL AND "slot_at" > ? THEN "slot_at" ELSE ? END + ? '
    'WHERE "platform" = ? AND ("slot_at" IS NULL OR "slot_at" <= ?) RETURNING "slot_at"'
)


async def reserve_slot(platform: str, at: float, interval: float, horizon: float) -> float | None:
    """A send slot under the platform's overall rate (one per ``interval`` seconds,
    shared by every worker): its start, at or after ``at``; None when every slot up to
    ``at + horizon`` is taken (ask again later, so that nobody books far ahead of an
    urgent message)."""
    with durable_with_next_commit():
        rows = await fetch(_SLOT, [at, at, interval, platform, at + horizon])
    return float(rows[0]["slot_at"]) - interval if rows else None
