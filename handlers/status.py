"""The deployment's state for operators: what ``/healthz`` answers and the gauges of
``/metrics``, read from the shared database with indexed queries, at most every
``REFRESH_SECONDS`` for the gauges (a scrape never scans a whole table)."""

from __future__ import annotations

import time
from typing import Any

from models import telemetry
from models.domain.clock import now
from models.domain.ticket import ACTIVE_STATUSES
from models.storage.statements import client, fetch, markers
from models.tables import InboundMessage, InboundStatus, Outbox, OutboxStatus, Ticket

REFRESH_SECONDS = 10.0

_OUTBOX = (
    f'SELECT COUNT(*) AS n, MIN("created_at") AS oldest FROM "{Outbox._meta.db_table}" '
    'WHERE "status" = ?'
)
_COUNT = 'SELECT COUNT(*) AS n FROM "{table}" WHERE "status" = ?'
_TICKETS = (
    f'SELECT "status", COUNT(*) AS n FROM "{Ticket._meta.db_table}" '
    f'WHERE "status" IN ({markers(len(ACTIVE_STATUSES))}) GROUP BY "status"'
)


async def outbox_backlog() -> tuple[int, float]:
    """Messages waiting to be sent, and the age in seconds of the oldest."""
    (row,) = await fetch(_OUTBOX, [OutboxStatus.PENDING.value])
    oldest = Outbox._meta.fields_map["created_at"].to_python_value(row["oldest"])
    age = (now() - oldest).total_seconds() if oldest is not None else 0.0
    return int(row["n"]), round(max(0.0, age), 3)


async def health() -> dict[str, Any]:
    """Raises when the database does not answer."""
    await client().execute_query("SELECT 1")
    backlog, age = await outbox_backlog()
    return {"database": "ok", "outbox_backlog": backlog, "outbox_oldest_pending_s": age}


_refreshed_at = float("-inf")


async def refresh_gauges(force: bool = False) -> None:
    """Set the deployment's gauges from the database, unless done very recently."""
    global _refreshed_at
    if not force and time.monotonic() - _refreshed_at < REFRESH_SECONDS:
        return
    backlog, age = await outbox_backlog()
    telemetry.OUTBOX_BACKLOG.set(backlog)
    telemetry.OUTBOX_OLDEST.set(age)
    (failed,) = await fetch(_COUNT.format(table=Outbox._meta.db_table), [OutboxStatus.FAILED.value])
    telemetry.OUTBOX_FAILED.set(failed["n"])
    (unhandled,) = await fetch(
        _COUNT.format(table=InboundMessage._meta.db_table), [InboundStatus.FAILED.value]
    )
    telemetry.INBOUND_FAILED.set(unhandled["n"])
    counts = {
        r["status"]: r["n"] for r in await fetch(_TICKETS, [s.value for s in ACTIVE_STATUSES])
    }
    for status in ACTIVE_STATUSES:
        telemetry.TICKETS.labels(status.value).set(counts.get(status.value, 0))
    _refreshed_at = time.monotonic()
