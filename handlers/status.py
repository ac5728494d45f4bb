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
from models.tables import (
    InboundMessage,
    InboundStatus,
    Outbox,
    OutboxStatus,
    PlatformState,
    Ticket,
)

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


async def platforms() -> dict[str, dict[str, Any]]:
    """Each platform the workers send to: "ok", or "failing" since when and why."""
    out: dict[str, dict[str, Any]] = {}
    for state in await PlatformState.all().order_by("platform"):
        if state.failing_since is None:
            out[state.platform] = {"status": "ok"}
        else:
            out[state.platform] = {
                "status": "failing",
                "since": state.failing_since.isoformat(),
                "for_s": round((now() - state.failing_since).total_seconds(), 1),
                "last_error": (state.last_error or "")[:300],
            }
    return out


async def health() -> dict[str, Any]:
    """Raises when the database does not answer. A platform that fails is reported,
    not counted against this process's health (it is still 200: restarting it would
    not help)."""
    await client().execute_query("SELECT 1")
    backlog, age = await outbox_backlog()
    return {
        "database": "ok",
        "outbox_backlog": backlog,
        "outbox_oldest_pending_s": age,
        "platforms": await platforms(),
    }


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
    for platform, state in (await platforms()).items():
        telemetry.PLATFORM_FAILING.labels(platform).set(state.get("for_s", 0.0))
    _refreshed_at = time.monotonic()
