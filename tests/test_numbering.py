"""Ticket numbers: YYYYMMDD-NNNN in the company's timezone, unique under concurrency."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from models.domain.lifecycle import Actor
from models.tables import Community, Ticket
from models.tickets import create_ticket


async def _create(config, community_id):
    return await create_ticket(
        community_id=community_id, kind="repair", actor=Actor.resident(1), tz=config.tz
    )


async def test_fifty_concurrent_creations_get_fifty_numbers_without_gaps(any_db, clock, config):
    community = await Community.get(code="demo")
    tickets = await asyncio.gather(*(_create(config, community.id) for _ in range(50)))
    numbers = sorted(t.number for t in tickets)
    assert numbers == [f"20261123-{i:04d}" for i in range(1, 51)]
    assert await Ticket.all().count() == 50


async def test_number_uses_company_timezone_and_restarts_each_day(db, clock, config):
    community = await Community.get(code="demo")
    # 23:30 UTC on the 23rd is already 07:30 on the 24th in Shanghai.
    clock.set(datetime(2026, 11, 23, 15, 59, tzinfo=UTC))
    a = await _create(config, community.id)
    clock.set(datetime(2026, 11, 23, 23, 30, tzinfo=UTC))
    b = await _create(config, community.id)
    c = await _create(config, community.id)
    assert (a.number, b.number, c.number) == ("20261123-0001", "20261124-0001", "20261124-0002")
