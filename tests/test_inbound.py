"""Store first: one handling per platform key, and nothing lost when handling fails."""

from __future__ import annotations

import asyncio

import pytest

from models.inbound import process_once
from models.tables import InboundMessage


async def test_same_key_three_times_is_handled_once(db, clock):
    calls = []

    async def handler(row):
        calls.append(row.id)
        return "ok"

    results = [
        await process_once("telegram", "upd:1", handler, chat_id=5, sender_id=5, text="漏水了")
        for _ in range(3)
    ]
    assert [r[0] for r in results] == [True, False, False]
    assert len(calls) == 1
    row = await InboundMessage.get(platform="telegram", key="upd:1")
    assert (row.status, row.text, row.chat_id) == ("handled", "漏水了", "5")


async def test_concurrent_redeliveries_are_handled_once(any_db, clock):
    calls = []

    async def handler(row):
        calls.append(row.id)
        await asyncio.sleep(0.01)

    await asyncio.gather(*(process_once("wechat", "msg:77", handler, text="x") for _ in range(3)))
    assert len(calls) == 1
    assert await InboundMessage.filter(key="msg:77").count() == 1


async def test_failing_handler_keeps_the_message(db, clock):
    async def handler(row):
        raise ValueError("classifier exploded")

    with pytest.raises(ValueError):
        await process_once("telegram", "upd:9", handler, text="楼上装修太吵")
    row = await InboundMessage.get(key="upd:9")
    assert row.text == "楼上装修太吵"
    assert row.status == "failed" and "classifier exploded" in row.error
    # a redelivery of a message that failed is not handled again automatically
    called = []

    async def ok(row):
        called.append(1)

    handled, _ = await process_once("telegram", "upd:9", ok, text="楼上装修太吵")
    assert not handled and not called
