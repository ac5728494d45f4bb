"""Our field types read back exactly what tortoise's own would."""

from __future__ import annotations

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
