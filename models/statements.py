"""Prepared SQL for the few statements every message runs.

tortoise builds the SQL of each ``filter(...).update(...)`` or ``filter(...).first()``
anew through pypika, copying query objects as it goes: about 0.2 ms a statement,
which was most of a message's handling time; ``Model.create`` validates and sets
every field through ``__setattr__``, then converts each again for the INSERT (about
0.15 ms a row). The statements here are built once per shape (model, columns,
dialect), cached, and run with parameters; rows come back as model instances
through tortoise's own loader, or, for a row just inserted, built from the values
given. Everything else stays in the ORM.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from copy import deepcopy
from datetime import UTC, datetime
from typing import Any, TypeVar

from tortoise import connections, fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.sqlite.client import SqliteTransactionWrapper
from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.fields.base import Field
from tortoise.models import Model

from models.fields import DatetimeField
from models.sqlite_engine import InlineConnection

M = TypeVar("M", bound=Model)

_sql: dict[tuple, Any] = {}  # SQL (and, for inserts, the column converters) per shape


def _client(conn: BaseDBAsyncClient | None) -> BaseDBAsyncClient:
    # inside ``in_transaction`` the default connection is the transaction's
    return conn if conn is not None else connections.get("default")


def _sqlite_in_transaction(client: BaseDBAsyncClient) -> sqlite3.Connection | None:
    """The sqlite3 connection itself, when ``client`` is an open transaction on our
    SQLite engine: the transaction holds the connection's lock, so a statement may
    run on it directly, without tortoise's wrapping of every statement (its lock,
    logging and row conversion: about 8 µs a statement)."""
    if not isinstance(client, SqliteTransactionWrapper):
        return None
    connection = client._connection
    if not isinstance(connection, InlineConnection) or connection._connection is None:
        return None
    raw = connection._connection
    return raw if raw.in_transaction else None


def _as_tortoise_error(e: sqlite3.Error) -> Exception:
    """sqlite3's errors as tortoise raises them (callers catch tortoise's)."""
    if isinstance(e, sqlite3.IntegrityError):
        return IntegrityError(e)
    if isinstance(e, sqlite3.OperationalError):
        return OperationalError(e)
    return e


def _written(sql: str, client: BaseDBAsyncClient) -> str:
    """SQL written with ``?`` markers, numbered for PostgreSQL (once per statement)."""
    dialect = client.capabilities.dialect
    key = ("written", sql, dialect)
    ready = _sql.get(key)
    if ready is None:
        ready = _sql[key] = numbered(sql, dialect)
    return ready


async def fetch(sql: str, params: list[Any], conn: BaseDBAsyncClient | None = None) -> list[Any]:
    """Rows of a statement written with ``?`` markers, as mappings of column to value."""
    client = _client(conn)
    return await _fetch(client, _written(sql, client), params)


async def execute_many(
    sql: str, batch: list[list[Any] | tuple], conn: BaseDBAsyncClient | None = None
) -> None:
    """A statement written with ``?`` markers, run for each parameter row of ``batch``."""
    client = _client(conn)
    await _many(client, _written(sql, client), batch)


async def _fetch(client: BaseDBAsyncClient, sql: str, params: list[Any]) -> list[Any]:
    """Rows of a statement, as mappings of column to value."""
    raw = _sqlite_in_transaction(client)
    if raw is None:
        return await client.execute_query_dict(sql, params)
    try:
        return raw.execute(sql, params).fetchall()
    except sqlite3.Error as e:
        raise _as_tortoise_error(e) from e


async def _change(client: BaseDBAsyncClient, sql: str, params: list[Any]) -> int:
    """Rows changed by an UPDATE."""
    raw = _sqlite_in_transaction(client)
    if raw is None:
        changed, _ = await client.execute_query(sql, params)
        return changed
    try:
        return raw.execute(sql, params).rowcount
    except sqlite3.Error as e:
        raise _as_tortoise_error(e) from e


async def _many(client: BaseDBAsyncClient, sql: str, batch: list) -> None:
    raw = _sqlite_in_transaction(client)
    if raw is None:
        await client.execute_many(sql, batch)
        return
    try:
        raw.executemany(sql, batch)
    except sqlite3.Error as e:
        raise _as_tortoise_error(e) from e


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


def _sourced(model: type[Model], values: dict[str, Any]) -> dict[str, Any]:
    """``_source`` for every value (the dict itself when it names no relation)."""
    if model._meta.fk_fields.isdisjoint(values):
        return values
    return dict(_source(model, k, v) for k, v in values.items())


def _column(model: type[Model], name: str) -> str:
    return f'"{model._meta.fields_db_projection[name]}"'


def _converter(field: Field, dialect: str) -> Callable[[Any], Any]:
    """A field's ``to_db_value``, with a shortcut for the values that need no work: a
    ``str`` within a CharField's length, a ``str`` for a TextField, a ``bool``, an
    ``int`` for an integer field (tortoise checks no range either), an aware datetime
    (in UTC, as ``models.fields.DatetimeField`` stores it: for SQLite the text
    tortoise's adapter writes). Any other value goes through the field itself
    (converted, or refused as tortoise refuses it)."""

    def full(value: Any) -> Any:
        return field.to_db_value(value, None)

    kind = type(field)
    if kind is DatetimeField:
        sqlite = dialect == "sqlite"

        def moment(value: Any) -> Any:
            if value is None:
                return None
            if type(value) is not datetime or value.tzinfo is None:
                return full(value)
            value = value.astimezone(UTC)
            return value.isoformat(" ") if sqlite else value

        return moment
    if kind is fields.CharField:
        limit = field.max_length

        def char(value: Any) -> Any:
            if value is None or (type(value) is str and len(value) <= limit):
                return value
            return full(value)

        return char
    if kind is fields.TextField:
        return lambda value: value if value is None or type(value) is str else full(value)
    if kind is fields.BooleanField:
        return lambda value: value if value is None or type(value) is bool else full(value)
    if kind in (fields.IntField, fields.BigIntField, fields.SmallIntField):
        return lambda value: value if value is None or type(value) is int else full(value)
    return full


_converters: dict[tuple[type[Model], str, str], Callable[[Any], Any]] = {}


def _converter_for(model: type[Model], name: str, dialect: str) -> Callable[[Any], Any]:
    convert = _converters.get((model, name, dialect))
    if convert is None:
        field = model._meta.fields_map[name]
        convert = _converters[(model, name, dialect)] = _converter(field, dialect)
    return convert


def _db_value(model: type[Model], name: str, value: Any, dialect: str) -> Any:
    return _converter_for(model, name, dialect)(value)


async def update_where(
    model: type[Model],
    where: dict[str, Any],
    values: dict[str, Any],
    conn: BaseDBAsyncClient | None = None,
) -> int:
    """``UPDATE`` the rows whose ``where`` fields equal the given values (``None``
    means IS NULL); returns how many rows changed."""
    client = _client(conn)
    sql, params = _update(model, where, values, client.capabilities.dialect, returning=False)
    return await _change(client, sql, params)


async def update_returning(
    model: type[M],
    where: dict[str, Any],
    values: dict[str, Any],
    conn: BaseDBAsyncClient | None = None,
) -> list[M]:
    """``update_where`` that returns the changed rows, as they are now, as model
    instances: a read and a write in one statement (on PostgreSQL the rows stay
    locked for the transaction, as with SELECT … FOR UPDATE)."""
    client = _client(conn)
    sql, params = _update(model, where, values, client.capabilities.dialect, returning=True)
    return [model._init_from_db(**row) for row in await _fetch(client, sql, params)]


def _update(
    model: type[Model],
    where: dict[str, Any],
    values: dict[str, Any],
    dialect: str,
    *,
    returning: bool,
) -> tuple[str, list[Any]]:
    if not where or not values:
        raise ValueError("an UPDATE needs a condition and something to set")
    values = _sourced(model, values)
    null = tuple(k for k, v in where.items() if v is None)
    equal = tuple(k for k, v in where.items() if v is not None)
    key = ("update", model, tuple(values), equal, null, dialect, returning)
    sql = _sql.get(key)
    if sql is None:
        sets = ", ".join(f"{_column(model, k)} = ?" for k in values)
        conds = [f"{_column(model, k)} = ?" for k in equal]
        conds += [f"{_column(model, k)} IS NULL" for k in null]
        sql = f'UPDATE "{model._meta.db_table}" SET {sets} WHERE {" AND ".join(conds)}'
        if returning:
            sql += " RETURNING " + ", ".join(f'"{c}"' for c in model._meta.db_fields)
        sql = _sql[key] = numbered(sql, dialect)
    params = [_db_value(model, k, v, dialect) for k, v in values.items()]
    params += [_db_value(model, k, where[k], dialect) for k in equal]
    return sql, params


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
    rows = await _fetch(client, sql, params)
    return [model._init_from_db(**row) for row in rows]


def _insert_shape(
    model: type[Model], dialect: str, *, or_nothing: bool = False, returning: bool = True
) -> tuple[str, list[tuple[str, Any]]]:
    """The INSERT of every column but a generated key, and each column's (attribute,
    converter to its database value) in order. FK columns appear as their ``*_id``
    attribute. ``or_nothing``: a row that would break a unique constraint is not
    inserted (no error). ``returning``: the generated key comes back."""
    key = ("insert", model, dialect, or_nothing, returning)
    cached = _sql.get(key)
    if cached is not None:
        return cached
    meta = model._meta
    generated = set(meta.generated_db_fields)
    columns = [
        (name, _converter_for(model, name, dialect))
        for name, column in meta.fields_db_projection.items()
        if column not in generated
    ]
    names = ", ".join(_column(model, name) for name, _ in columns)
    sql = f'INSERT INTO "{meta.db_table}" ({names}) VALUES ({markers(len(columns))})'
    if or_nothing:
        sql += " ON CONFLICT DO NOTHING"
    if generated and returning:
        (pk,) = generated
        sql += f' RETURNING "{pk}"'
    _sql[key] = shape = (numbered(sql, dialect), columns)
    return shape


_column_defaults: dict[type[Model], tuple[frozenset[str], dict[str, Any], list[tuple]]] = {}


def _defaults(model: type[Model], given: dict[str, Any]) -> dict[str, Any]:
    """Every column's Python value: the one given, else the field's default (a plain
    default copied from a template made once per model; a callable one called, a
    mutable one copied, for each row)."""
    known = _column_defaults.get(model)
    if known is None:
        template, fresh = {}, []
        for name, field in model._meta.fields_map.items():
            if name not in model._meta.fields_db_projection:
                continue  # a relation; its ``*_id`` column is a field of its own
            default = field.default
            if callable(default) or isinstance(default, dict | list):
                fresh.append((name, default))
            else:
                template[name] = default
        columns = frozenset(model._meta.fields_db_projection)
        known = _column_defaults[model] = (columns, template, fresh)
    columns, template, fresh = known
    if not columns.issuperset(given):
        unknown = ", ".join(sorted(set(given) - columns))
        raise TypeError(f"{model.__name__} has no column {unknown}")
    values = {**template, **given}
    for name, default in fresh:
        if name not in given:
            values[name] = default() if callable(default) else deepcopy(default)
    return values


def _built(model: type[M], values: dict[str, Any]) -> M:
    """A model instance of a row just written, from its Python values (what
    ``_init_from_db`` makes from the database's values, without reading them back)."""
    row = model.__new__(model)
    state = row.__dict__
    state.update(values)
    state["_partial"] = False
    state["_saved_in_db"] = True
    state["_custom_generated_pk"] = False
    state["_await_when_save"] = {}
    return row


def unsaved(model: type[M], values: dict[str, Any]) -> M:
    """A model instance of ``values`` and the fields' defaults, not in the database
    (for rules that read a row before it is written)."""
    return _built(model, _defaults(model, _sourced(model, values)))


async def insert(
    model: type[M],
    values: dict[str, Any],
    conn: BaseDBAsyncClient | None = None,
    *,
    or_nothing: bool = False,
) -> M | None:
    """``Model.create`` for the hot path: one row, with the SQL prepared once; fields
    not given take their defaults; returns the row as a model instance with its id.
    An FK may be given as the instance (``ticket=t``) or its id (``ticket_id=7``).
    ``or_nothing``: None instead of an IntegrityError when a row with the same unique
    key exists (inside a PostgreSQL transaction an error would end the transaction)."""
    client = _client(conn)
    sql, columns = _insert_shape(model, client.capabilities.dialect, or_nothing=or_nothing)
    given = _sourced(model, values)
    full = _defaults(model, given)
    params = [convert(full[name]) for name, convert in columns]
    rows = await _fetch(client, sql, params)  # RETURNING's row on every backend
    if or_nothing and not rows:
        return None
    pk = model._meta.pk_attr
    if model._meta.generated_db_fields:
        full[pk] = rows[0][model._meta.fields_db_projection[pk]]
    return _built(model, full)


async def insert_many(
    model: type[Model], rows: list[dict[str, Any]], conn: BaseDBAsyncClient | None = None
) -> None:
    """Several rows in one prepared batch (ids not returned)."""
    if not rows:
        return
    client = _client(conn)
    sql, columns = _insert_shape(model, client.capabilities.dialect, returning=False)
    batch = []
    for values in rows:
        full = _defaults(model, _sourced(model, values))
        batch.append([convert(full[name]) for name, convert in columns])
    await _many(client, sql, batch)


def markers(n: int) -> str:
    """``?, ?, ?`` for an ``IN (...)`` of n values."""
    return ", ".join("?" * n)
