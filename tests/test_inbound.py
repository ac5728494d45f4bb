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


@pytest.mark.parametrize("fails", [False, True])
async def test_answered_after_the_store_and_the_handling_are_one_commit(db, clock, fails):
    """Telegram's webhook is answered after handling: the message is stored in the same
    transaction as its handling (one commit, one wait for the disk); a failed handling
    rolls back and the message is stored again on its own, marked failed."""
    from models.storage import statements

    raw = statements.client()._connection.conn
    traced: list[str] = []

    async def handler(row):
        if fails:
            raise ValueError("broken rule")
        return "ok"

    raw.set_trace_callback(traced.append)
    try:
        if fails:
            with pytest.raises(ValueError):
                await process_once("telegram", "upd:9", handler, answered_after=True, text="漏水")
        else:
            await process_once("telegram", "upd:9", handler, answered_after=True, text="漏水")
    finally:
        raw.set_trace_callback(None)
    assert traced.count("BEGIN") == 1
    assert traced.count("COMMIT") == (0 if fails else 1)
    row = await InboundMessage.get(key="upd:9")
    assert row.status == ("failed" if fails else "handled")


async def test_answered_after_a_failing_handler_rolls_back_only_its_own_work(any_db, clock):
    """Stored and handled in one transaction: the handler's writes go with its failure,
    the message stays (failed, with the error), and the error reaches the adapter (the
    webhook answers 500, so Telegram delivers it again)."""
    from models.outbox import queue_message
    from models.tables import Outbox

    async def handler(row):
        await queue_message("telegram", 5, "half done")
        raise ValueError("broken rule")

    with pytest.raises(ValueError, match="broken rule"):
        await process_once("telegram", "upd:20", handler, answered_after=True, text="漏水")
    row = await InboundMessage.get(key="upd:20")
    assert row.status == "failed" and "broken rule" in row.error and row.text == "漏水"
    assert await Outbox.all().count() == 0
    # delivered again: stored already, and failed messages are left for a person
    called = []

    async def ok(row):
        called.append(row.id)

    handled, _ = await process_once("telegram", "upd:20", ok, answered_after=True, text="漏水")
    assert not handled and not called
    assert await InboundMessage.filter(key="upd:20").count() == 1


async def test_answered_after_concurrent_redeliveries_are_handled_once(any_db, clock):
    calls = []

    async def handler(row):
        calls.append(row.id)
        await asyncio.sleep(0.01)
        return "ok"

    results = await asyncio.gather(
        *(process_once("telegram", "upd:21", handler, answered_after=True) for _ in range(3))
    )
    assert sorted(r[0] for r in results) == [False, False, True]
    assert len(calls) == 1
    assert (await InboundMessage.get(key="upd:21")).status == "handled"
