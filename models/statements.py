"""Prepared SQL for the few statements every message runs.

tortoise builds the SQL of each ``filter(...).update(...)`` or ``filter(...).first()``
anew through pypika, copying query objects as it goes: about 0.2 ms a statement,
which was most of a message's handling time. The statements here are built once per
shape (model, columns, dialect), cached, and run with parameters; rows come back as
model instances through tortoise's own loader. Everything else stays in the ORM.
"""

from __future__ import annotations

from typing import Any, TypeVar

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

M = TypeVar("M", bound=Model)

_sql: dict[tuple, str] = {}


def _client(conn: BaseDBAsyncClient | None) -> BaseDBAsyncClient:
    # inside ``in_transaction`` the default connection is the transaction's
    return conn if conn is not None else connections.get("default")


def numbered(sql: str, dialect: str) -> str:
    """``?`` markers as the dialect wants them (PostgreSQL: ``$1``, ``$2``, …)."""
    if dialect != "postgres":
        return sql
    parts = sql.split("?")
    out = [parts[0]]
    for i, part in enumerate(parts[1:], start=1):
        out.append(f"${i}{part}")
    return "".join(out)


def _source(model: type[Model], name: str, value: Any) -> tuple[str, Any]:
    """``assignee=staff`` as ``assignee_id=staff.pk``; other fields unchanged."""
    if name in model._meta.fk_fields:
        field = model._meta.fields_map[name]
        return field.source_field, value.pk if isinstance(value, Model) else value
    return name, value


def _column(model: type[Model], name: str) -> str:
    return f'"{model._meta.fields_db_projection[name]}"'


def _db_value(model: type[Model], name: str, value: Any) -> Any:
    return model._meta.fields_map[name].to_db_value(value, None)


async def update_where(
    model: type[Model],
    where: dict[str, Any],
    values: dict[str, Any],
    conn: BaseDBAsyncClient | None = None,
) -> int:
    """``UPDATE`` the rows whose ``where`` fields equal the given values (``None``
    means IS NULL); returns how many rows changed."""
    if not where or not values:
        raise ValueError("update_where needs a condition and something to set")
    client = _client(conn)
    dialect = client.capabilities.dialect
    values = dict(_source(model, k, v) for k, v in values.items())
    null = tuple(k for k, v in where.items() if v is None)
    equal = tuple(k for k, v in where.items() if v is not None)
    key = ("update", model, tuple(values), equal, null, dialect)
    sql = _sql.get(key)
    if sql is None:
        sets = ", ".join(f"{_column(model, k)} = ?" for k in values)
        conds = [f"{_column(model, k)} = ?" for k in equal]
        conds += [f"{_column(model, k)} IS NULL" for k in null]
        sql = _sql[key] = numbered(
            f'UPDATE "{model._meta.db_table}" SET {sets} WHERE {" AND ".join(conds)}', dialect
        )
    params = [_db_value(model, k, v) for k, v in values.items()]
    params += [_db_value(model, k, where[k]) for k in equal]
    changed, _ = await client.execute_query(sql, params)
    return changed


async def select(
    model: type[M],
    where: str,
    params: list[Any],
    *,
    order_by: str = "",
    limit: int | None = None,
    for_update: bool = False,
    conn: BaseDBAsyncClient | None = None,
) -> list[M]:
    """Whole rows as model instances. ``where`` is SQL over column names with ``?``
    markers, written in our code (never from input); ``params`` are plain values
    (ints, strings) in their database form. ``for_update`` locks the rows on
    PostgreSQL (SQLite has one writer anyway)."""
    client = _client(conn)
    dialect = client.capabilities.dialect
    lock = for_update and dialect == "postgres"
    key = ("select", model, where, order_by, limit, lock, dialect)
    sql = _sql.get(key)
    if sql is None:
        columns = ", ".join(f'"{c}"' for c in model._meta.db_fields)
        sql = f'SELECT {columns} FROM "{model._meta.db_table}" WHERE {where}'
        if order_by:
            sql += f" ORDER BY {order_by}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        if lock:
            sql += " FOR UPDATE"
        sql = _sql[key] = numbered(sql, dialect)
    _, rows = await client.execute_query(sql, params)
    return [model._init_from_db(**row) for row in rows]


def markers(n: int) -> str:
    """``?, ?, ?`` for an ``IN (...)`` of n values."""
    return ", ".join("?" * n)
