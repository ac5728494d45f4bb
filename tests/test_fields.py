"""Our field types read back exactly what tortoise's own would."""

from __future__ import annotations

from datetime import UTC

import pytest
from tortoise.fields import DatetimeField as TortoiseDatetimeField

from models.fields import DatetimeField


@pytest.mark.parametrize(
    "stored",
    [
        "2026-11-23 02:00:00+00:00",
        "2026-11-23 02:00:00.123456+00:00",
        "2026-11-23T10:00:00.5+08:00",
        "2026-11-23 02:00:00",  # naive: taken as UTC
        "20261123T020000Z",  # a spelling only tortoise's parser knows
    ],
)
def test_datetimes_read_as_tortoise_reads_them(stored):
    ours, theirs = (
        DatetimeField().to_python_value(stored),
        TortoiseDatetimeField().to_python_value(stored),
    )
    assert ours == theirs and ours.utcoffset() == theirs.utcoffset()
    assert ours.tzinfo is not None


async def test_prepared_inserts_convert_and_refuse_as_tortoise_does(db, clock):
    """The shortcut converters of ``models.storage.statements`` pass plain values through and
    hand everything else to the field: a too-long code is refused, not cut."""
    from tortoise.exceptions import ValidationError

    from models.storage.statements import insert
    from models.tables import InboundMessage, Outbox, OutboxStatus

    row = await insert(
        Outbox,
        {
            "platform": "telegram",
            "chat_id": 42,  # an int: converted by the field
            "payload": {"text": "您好"},
            "status": OutboxStatus.PENDING,  # a str enum
            "urgent": 1,
            "next_attempt_at": clock.now(),
            "created_at": clock.now(),
        },
    )
    fresh = await Outbox.get(id=row.id)
    assert (fresh.chat_id, fresh.status, fresh.urgent, fresh.payload) == (
        "42",
        "pending",
        True,
        {"text": "您好"},
    )
    with pytest.raises(ValidationError):
        await insert(
            InboundMessage,
            {"platform": "x" * 17, "key": "k", "payload": {}, "received_at": clock.now()},
        )
    with pytest.raises(TypeError):
        await insert(InboundMessage, {"no_such_column": 1})


@pytest.mark.parametrize("dialect", ["sqlite", "postgres"])
def test_datetimes_are_written_as_tortoise_writes_them(dialect):
    """SQLite compares datetimes as text: a prepared statement must write exactly the
    text the ORM writes (UTC, ``isoformat(" ")``), or the deadline sweep would miss."""
    import sqlite3
    from datetime import datetime, timedelta, timezone

    from models.storage.statements import _converter

    field = DatetimeField()
    convert = _converter(field, dialect)
    shanghai = timezone(timedelta(hours=8))
    for value in (
        datetime(2026, 11, 23, 10, 0, tzinfo=shanghai),
        datetime(2026, 11, 23, 2, 0, 0, 123456, tzinfo=UTC),
    ):
        orm = field.to_db_value(value, None)
        if dialect == "sqlite":  # what the driver makes of it (tortoise's adapter)
            orm = sqlite3.adapters[(datetime, sqlite3.PrepareProtocol)](orm)
        assert convert(value) == orm
    assert convert(None) is None


async def test_a_prepared_insert_in_a_transaction_raises_tortoises_integrity_error(db, clock):
    """Inside a transaction the statement runs on sqlite3 directly: its errors still
    come out as tortoise's, which callers catch."""
    from tortoise.exceptions import IntegrityError
    from tortoise.transactions import in_transaction

    from models.storage.statements import insert
    from models.tables import InboundMessage

    row = {"platform": "telegram", "key": "k1", "payload": {}, "received_at": clock.now()}
    await insert(InboundMessage, row)
    with pytest.raises(IntegrityError):
        async with in_transaction() as tx:
            await insert(InboundMessage, row, tx)
    assert await insert(InboundMessage, row, or_nothing=True) is None
