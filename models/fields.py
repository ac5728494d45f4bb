"""Field types of our own."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tortoise import fields


class DatetimeField(fields.DatetimeField):
    """A datetime always stored in UTC.

    SQLite keeps datetimes as text and compares them as text, so a row written with
    +08:00 and a query with +00:00 would neither match nor sort: the deadline sweep
    (``due_at <= now``) depends on every value having the same offset. The class
    keeps tortoise's name, so migrations see no change."""

    def to_python_value(self, value: Any) -> datetime | None:
        """SQLite's text read with the C parser (``fromisoformat``: what we write is
        ISO 8601); tortoise's pure-Python parser was a tenth of reading a row."""
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                pass  # some other spelling: tortoise's parser knows more of them
        return super().to_python_value(value)

    def to_db_value(self, value: Any, instance: Any) -> Any:
        value = super().to_db_value(value, instance)
        if isinstance(value, datetime) and value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value
