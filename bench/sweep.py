"""Deadline sweep cost versus table size: the sweep must cost what is due, not what
is stored.

    python bench/sweep.py [--database-url URL] [--quick] [--max-seconds 2400]
                          [--repeat 3] [--profile-due 500] [--no-profile]

For each row the database holds N tickets, of which D are due now:

    10,000 tickets / 1% due   100,000 / 1%   1,000,000 / 1%   1,000,000 / 100 due

The schema is built by the application itself (``open_db(url, create=True)``,
``sync_config``, ``handlers.context.setup``) with the example configuration plus a
stewards' and a supervisors' Telegram chat (as in ``tests/test_scheduler.py``), so
every step queues a real outbox row. Tickets, residents and units are then loaded
with raw bulk SQL (``sqlite3.executemany`` / asyncpg ``COPY``) in the exact format
the application writes: on SQLite datetimes are UTC text as tortoise's adapter
writes them (``datetime.isoformat(" ")``, e.g. ``2026-11-23 02:00:00.123456+00:00``),
otherwise ``due_at <= now`` would compare text of different shapes.

Not-due tickets have ``due_at`` between one minute and 30 days ahead (a quarter
are closed, with no clock at all). The D due tickets, spread evenly over the id
range, are repairs in state ``dispatched`` whose claim clock is at its ``warn``
step (``due_at`` in the past, ``deadline_at`` a few minutes ahead), so one sweep
step is: claim the step with the conditional UPDATE, queue one reminder to the
stewards' chat, set the next clock (the breach at the deadline).

Timed with a ``FakeClock`` at the bench's "now" (Monday 10:00 Asia/Shanghai,
inside business hours, outside quiet hours):

    select_s      the sweeper's own due query (``Ticket.filter(due_at__lte=now)
                  .order_by("due_at").limit(...)``, rows turned into models), median of 3
    sweep_s       ``await sweep(limit=D + 10, rounds=1)``: the whole sweep of D tickets,
                  median of ``--repeat`` sweeps (default 3, each on other tickets;
                  all of them in ``sweep_s_runs``)
    per_due_ms    sweep_s * 1000 / D
    idle_sweep_s  a second sweep right after, when nothing is due any more

After each sweep the bench checks that exactly D steps were taken, exactly D
reminder rows were queued for the stewards' chat, nothing is due any more and the
D tickets now wait for their breach step; it exits non-zero otherwise.

The 1,000,000-ticket database is built once and reused for both of its rows (the
clocks of the first D tickets are put back into the future, the outbox emptied).
At the end one sweep of ``--profile-due`` tickets (default 500) on the largest
database is run under cProfile; the top costs, the time the event loop waited for
the database and the SQL statements per step (from tortoise's query log) are
reported under ``profile``, with an unprofiled sweep of the same size and, on
SQLite, the same sweep with ``PRAGMA synchronous=NORMAL`` (what the per-commit
fsync costs; a what-if, not the application's setting).

SQLite (default) runs on a file in a temporary directory. ``--database-url
postgres://…`` runs on PostgreSQL instead: the database must be a throwaway one,
its ``public`` schema is dropped and recreated.

Prints ONE JSON object on stdout; progress goes to stderr. ``--quick`` only does
the 10k and 100k rows; ``--max-seconds`` skips the rows that would start after
the budget is spent (they are reported as skipped).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import logging
import os
import platform
import pstats
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from handlers.context import setup  # noqa: E402
from handlers.deadline_steps import sweep  # noqa: E402
from models.domain.clock import FakeClock, set_clock  # noqa: E402
from models.domain.config import EXAMPLE_CONFIG, Config, load_config  # noqa: E402
from models.storage import statements  # noqa: E402
from models.storage.db import close_db, open_db, sync_config  # noqa: E402
from models.tables import Building, Community, Outbox, Ticket  # noqa: E402

log = logging.getLogger("bench.sweep")

STEWARDS, SUPERVISORS = "-100200", "-100300"
STEWARD, SUPERVISOR, MANAGER = 9001, 9002, 9003
# Monday 2026-11-23 10:00:00.5 in Asia/Shanghai: business hours, no quiet hours.
NOW = datetime(2026, 11, 23, 2, 0, 0, 500000, tzinfo=UTC)
N_RESIDENTS = 1000  # residents and units the tickets point at (round robin)
BATCH = 50_000  # rows per executemany / COPY batch
CARD_DETAILS = json.dumps(
    {"card_chats": [["telegram", STEWARDS]], "words": "厨房水管漏水了"}, ensure_ascii=False
)

ROWS_FULL = [(10_000, 100), (100_000, 1_000), (1_000_000, 10_000), (1_000_000, 100)]
ROWS_QUICK = [(10_000, 100), (100_000, 1_000)]

TICKET_COLUMNS = (
    "id",
    "number",
    "community_id",
    "resident_id",
    "unit_id",
    "kind",
    "status",
    "urgent",
    "agitated",
    "about_staff",
    "sensitive",
    "anonymous",
    "summary",
    "details",
    "created_at",
    "updated_at",
    "closed_at",
    "due_at",
    "due_kind",
    "due_phase",
    "deadline_at",
    "escalation_level",
)


def staffed_config(directory: Path) -> Config:
    """The example configuration with staff chats and staff Telegram ids (the same
    edits as ``tests/test_scheduler.py``)."""
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    replacements = [
        ("stewards_chat:\n      telegram: null", f"stewards_chat:\n      telegram: {STEWARDS}"),
        (
            "supervisors_chat:\n      telegram: null",
            f"supervisors_chat:\n      telegram: {SUPERVISORS}",
        ),
        (
            "    community: demo\n    telegram_id: null",
            f"    community: demo\n    telegram_id: {STEWARD}",
        ),
        (
            "  - name: 李主管\n    role: supervisor\n    community: demo\n",
            f"  - name: 李主管\n    role: supervisor\n    community: demo\n"
            f"    telegram_id: {SUPERVISOR}\n",
        ),
        (
            "  - name: 陈经理\n    role: manager\n",
            f"  - name: 陈经理\n    role: manager\n    telegram_id: {MANAGER}\n",
        ),
    ]
    for old, new in replacements:
        if old not in text:
            raise SystemExit(f"bench: the example config changed, cannot find {old!r}")
        text = text.replace(old, new, 1)
    path = directory / "guanjia.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def sqlite_ts(value: datetime | None) -> str | None:
    """A datetime exactly as the application stores it on SQLite: UTC (models.fields)
    then tortoise's sqlite3 adapter, ``isoformat(" ")``."""
    return None if value is None else value.astimezone(UTC).isoformat(" ")


# --------------------------------------------------------------------------- data


def ticket_rows(n: int, community_id: int, seed: int = 7) -> Iterator[tuple]:
    """N tickets, none due: open ones wait for a claim warning up to 30 days ahead,
    a quarter are closed and have no clock."""
    rnd = random.Random(seed)
    year = 365 * 24 * 3600
    for i in range(1, n + 1):
        age = timedelta(seconds=year * (n - i) / n + 60, microseconds=rnd.randrange(10**6))
        created = NOW - age
        closed = i % 4 == 0
        if closed:
            due = deadline = None
            status, kind, phase, closed_at = "closed", None, None, created + timedelta(hours=5)
        else:
            due = NOW + timedelta(seconds=rnd.uniform(60, 30 * 86400))
            deadline = due + timedelta(minutes=10)
            status, kind, phase, closed_at = "dispatched", "claim", "warn", None
        owner = 1 + (i % N_RESIDENTS)
        yield (
            i,
            f"{created.strftime('%Y%m%d')}-{i:07d}",
            community_id,
            owner,
            owner,
            "repair",
            status,
            False,
            False,
            False,
            False,
            False,
            "厨房水管漏水",
            CARD_DETAILS,
            created,
            closed_at or created,
            closed_at,
            due,
            kind,
            phase,
            deadline,
            0,
        )


def due_ids(n: int, due: int, offset: int = 0) -> list[int]:
    """D ticket ids spread evenly over 1..N."""
    step = n / due
    ids = sorted({1 + (int(k * step) + offset) % n for k in range(due)})
    if len(ids) != due:
        raise SystemExit(f"bench: could not pick {due} distinct ids out of {n}")
    return ids


def armed_clock(k: int, rnd: random.Random) -> tuple[datetime, datetime]:
    """(due_at, deadline_at) of a ticket whose claim warning is due: the warning
    came due up to 10 minutes ago, the deadline is still ahead."""
    deadline = NOW + timedelta(seconds=rnd.uniform(1, 599))
    return deadline - timedelta(minutes=10), deadline


def far_clock(rnd: random.Random) -> tuple[datetime, datetime]:
    due = NOW + timedelta(seconds=rnd.uniform(60, 30 * 86400))
    return due, due + timedelta(minutes=10)


# --------------------------------------------------------------------------- stores


class SqliteStore:
    dialect = "sqlite"

    def __init__(self, directory: Path):
        self.directory = directory
        self.path: Path | None = None

    def url(self, n: int) -> str:
        self.path = self.directory / f"sweep_{n}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        return f"sqlite://{self.path}"

    async def reset(self) -> None:
        pass

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA foreign_keys=ON")
        return con

    async def load(self, n: int, community_id: int, building_ids: list[int]) -> None:
        con = self._connect()
        try:
            con.execute("PRAGMA synchronous=OFF")
            con.execute("BEGIN")
            con.executemany(
                'INSERT INTO "unit" (id, building_id, entrance, room, label) VALUES (?,?,?,?,?)',
                unit_rows(building_ids),
            )
            con.executemany(
                'INSERT INTO "resident" (id, platform, platform_user_id, chat_id, display_name,'
                " script, state, created_at, community_id, unit_id)"
                " VALUES (?,?,?,?,?,?,?,?,?,?)",
                [(*r[:7], sqlite_ts(r[7]), *r[8:]) for r in resident_rows(community_id)],
            )
            sql = (
                f'INSERT INTO "ticket" ({", ".join(TICKET_COLUMNS)}) '
                f"VALUES ({', '.join('?' * len(TICKET_COLUMNS))})"
            )
            batch: list[tuple] = []
            for row in ticket_rows(n, community_id):
                batch.append(
                    (
                        *row[:14],
                        sqlite_ts(row[14]),
                        sqlite_ts(row[15]),
                        sqlite_ts(row[16]),
                        sqlite_ts(row[17]),
                        row[18],
                        row[19],
                        sqlite_ts(row[20]),
                        row[21],
                    )
                )
                if len(batch) >= BATCH:
                    con.executemany(sql, batch)
                    batch.clear()
            if batch:
                con.executemany(sql, batch)
            con.execute("COMMIT")
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            con.close()

    async def set_clocks(self, rows: list[tuple[int, str, datetime, datetime]]) -> None:
        """(id, status, due_at, deadline_at) for a claim clock at its warn step."""
        con = self._connect()
        try:
            con.execute("BEGIN")
            con.executemany(
                "UPDATE \"ticket\" SET status=?, due_at=?, due_kind='claim', due_phase='warn',"
                " deadline_at=?, escalation_level=0, closed_at=NULL WHERE id=?",
                [(s, sqlite_ts(d), sqlite_ts(dl), i) for i, s, d, dl in rows],
            )
            con.execute('DELETE FROM "outbox"')
            con.execute("COMMIT")
        finally:
            con.close()

    async def explain(self, limit: int) -> str:
        con = self._connect()
        try:
            plan = con.execute(
                'EXPLAIN QUERY PLAN SELECT * FROM "ticket" WHERE "due_at"<=? '
                'ORDER BY "due_at" LIMIT ?',
                (sqlite_ts(NOW), limit),
            ).fetchall()
        finally:
            con.close()
        return "; ".join(str(row[-1]) for row in plan)

    def size_mb(self) -> float:
        total = 0
        for suffix in ("", "-wal"):
            p = Path(f"{self.path}{suffix}")
            if p.exists():
                total += p.stat().st_size
        return round(total / 2**20, 1)

    def versions(self) -> dict[str, str]:
        return {"sqlite": sqlite3.sqlite_version}


class PostgresStore:
    dialect = "postgres"

    def __init__(self, url: str):
        self._url = url.replace("postgresql://", "postgres://", 1)
        self.server_version = ""

    def url(self, n: int) -> str:
        return self._url

    def _dsn(self) -> str:
        return "postgresql://" + self._url.removeprefix("postgres://")

    async def reset(self) -> None:
        import asyncpg

        con = await asyncpg.connect(self._dsn())
        try:
            self.server_version = await con.fetchval("SHOW server_version")
            await con.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
        finally:
            await con.close()

    async def load(self, n: int, community_id: int, building_ids: list[int]) -> None:
        import asyncpg

        con = await asyncpg.connect(self._dsn())
        try:
            await con.copy_records_to_table(
                "unit",
                records=unit_rows(building_ids),
                columns=["id", "building_id", "entrance", "room", "label"],
            )
            await con.copy_records_to_table(
                "resident",
                records=resident_rows(community_id),
                columns=[
                    "id",
                    "platform",
                    "platform_user_id",
                    "chat_id",
                    "display_name",
                    "script",
                    "state",
                    "created_at",
                    "community_id",
                    "unit_id",
                ],
            )
            batch: list[tuple] = []
            for row in ticket_rows(n, community_id):
                batch.append(row)
                if len(batch) >= BATCH:
                    await con.copy_records_to_table(
                        "ticket", records=batch, columns=list(TICKET_COLUMNS)
                    )
                    batch.clear()
            if batch:
                await con.copy_records_to_table(
                    "ticket", records=batch, columns=list(TICKET_COLUMNS)
                )
            for table in ("unit", "resident", "ticket"):
                await con.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f' (SELECT max(id) FROM "{table}"))'
                )
            # what autovacuum does shortly after a bulk change in production
            await con.execute('VACUUM ANALYZE "ticket"')
            await con.execute('VACUUM ANALYZE "resident"')
            await con.execute('VACUUM ANALYZE "unit"')
        finally:
            await con.close()

    async def set_clocks(self, rows: list[tuple[int, str, datetime, datetime]]) -> None:
        import asyncpg

        con = await asyncpg.connect(self._dsn())
        try:
            async with con.transaction():
                await con.executemany(
                    "UPDATE \"ticket\" SET status=$1, due_at=$2, due_kind='claim',"
                    " due_phase='warn', deadline_at=$3, escalation_level=0, closed_at=NULL"
                    " WHERE id=$4",
                    [(s, d, dl, i) for i, s, d, dl in rows],
                )
                await con.execute('DELETE FROM "outbox"')
        finally:
            await con.close()

    async def explain(self, limit: int) -> str:
        import asyncpg

        con = await asyncpg.connect(self._dsn())
        try:
            rows = await con.fetch(
                'EXPLAIN SELECT * FROM "ticket" WHERE "due_at"<=$1 ORDER BY "due_at" LIMIT $2',
                NOW,
                limit,
            )
        finally:
            await con.close()
        return "; ".join(r[0].strip() for r in rows)

    def size_mb(self) -> float | None:
        return None

    def versions(self) -> dict[str, str]:
        return {"postgres": self.server_version}


def unit_rows(building_ids: list[int]) -> list[tuple]:
    rows = []
    for k in range(N_RESIDENTS):
        building = building_ids[k % len(building_ids)]
        entrance = 1 + (k // len(building_ids)) % 2
        room = str(101 + k)
        rows.append((k + 1, building, entrance, room, f"{building}栋{entrance}单元{room}"))
    return rows


def resident_rows(community_id: int) -> list[tuple]:
    at = NOW - timedelta(days=400)
    rows = []
    for k in range(N_RESIDENTS):
        user = str(700_000 + k)
        rows.append((k + 1, "telegram", user, user, "", "hans", "{}", at, community_id, k + 1))
    return rows


# --------------------------------------------------------------------------- bench


class SqlCounter(logging.Handler):
    """Counts the statements tortoise sends (its ``tortoise.db_client`` debug log),
    by verb and table: "SELECT ticket", "UPDATE ticket", "INSERT outbox", …"""

    TABLE = re.compile(r'(?:FROM|UPDATE|INTO)\s+"?(\w+)"?', re.IGNORECASE)

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.counts: dict[str, int] = {}
        self.logger = logging.getLogger("tortoise.db_client")
        self.saved = (self.logger.level, self.logger.propagate)

    def emit(self, record: logging.LogRecord) -> None:
        query = record.args[0] if isinstance(record.args, tuple) and record.args else record.msg
        query = str(query).lstrip()
        verb = query.split(None, 1)[0].upper() if query else "?"
        table = self.TABLE.search(query)
        key = f"{verb} {table.group(1)}" if table else verb
        self.counts[key] = self.counts.get(key, 0) + 1

    def __enter__(self) -> SqlCounter:
        self.logger.addHandler(self)
        self.logger.setLevel(logging.DEBUG)
        self.logger.propagate = False
        return self

    def __exit__(self, *exc: object) -> None:
        self.logger.removeHandler(self)
        self.logger.setLevel(self.saved[0])
        self.logger.propagate = self.saved[1]


class Bench:
    def __init__(self, store: SqliteStore | PostgresStore, config: Config, repeat: int = 3):
        self.store = store
        self.repeat = max(1, repeat)
        self.config = config
        self.n: int | None = None
        self.armed: list[int] = []
        self.rnd = random.Random(11)

    async def build(self, n: int) -> dict[str, float]:
        await self.close()
        t0 = time.perf_counter()
        await self.store.reset()
        url = self.store.url(n)
        setup(self.config)
        await open_db(url, create=True)
        await sync_config(self.config)
        community = await Community.get(code="demo")
        buildings = [b.id for b in await Building.filter(community=community).order_by("id")]
        schema_s = time.perf_counter() - t0
        log.info("N=%d: schema ready in %.1fs, loading tickets…", n, schema_s)
        t1 = time.perf_counter()
        await self.store.load(n, community.id, buildings)
        load_s = time.perf_counter() - t1
        self.n, self.armed = n, []
        stored = await Ticket.all().count()
        if stored != n:
            raise SystemExit(f"bench: loaded {stored} tickets, expected {n}")
        log.info("N=%d: %d tickets loaded in %.1fs", n, n, load_s)
        return {"schema_s": round(schema_s, 2), "load_s": round(load_s, 2)}

    async def close(self) -> None:
        if self.n is not None:
            await close_db()
            self.n = None

    async def arm(self, due: int, offset: int) -> list[int]:
        """Put the previous row's tickets back into the future, make ``due`` others due."""
        assert self.n is not None
        rows: list[tuple[int, str, datetime, datetime]] = []
        for i in self.armed:
            rows.append((i, "dispatched", *far_clock(self.rnd)))
        ids = due_ids(self.n, due, offset)
        for i in ids:
            rows.append((i, "dispatched", *armed_clock(i, self.rnd)))
        await self.store.set_clocks(rows)
        self.armed = ids
        return ids

    async def row(self, n: int, due: int, offset: int = 0) -> dict[str, Any]:
        if self.n != n:
            build = await self.build(n)
        else:
            build = {"reused_database": True}
        ids = await self.arm(due, offset)
        limit = due + 10

        # the data is what the application reads: due_at compares as it must
        now_due = await Ticket.filter(due_at__lte=NOW).count()
        if now_due != due:
            raise SystemExit(f"bench: {now_due} tickets due before the sweep, expected {due}")
        sample = await Ticket.get(id=ids[0])
        if not (sample.due_at <= NOW < sample.deadline_at and sample.due_phase == "warn"):
            raise SystemExit(f"bench: armed ticket reads back wrong: {sample.due_at} {NOW}")

        selects = []
        for _ in range(3):
            t0 = time.perf_counter()
            got = await Ticket.filter(due_at__lte=NOW).order_by("due_at").limit(limit)
            selects.append(time.perf_counter() - t0)
            if len(got) != due:
                raise SystemExit(f"bench: the due query returned {len(got)}, expected {due}")
        plan = await self.store.explain(limit)

        runs, idles = [], []
        for r in range(self.repeat):
            if r:  # the same N and D again, other tickets
                ids = await self.arm(due, offset + 1000 * r)
            log.info("N=%d D=%d: sweeping (run %d of %d)…", n, due, r + 1, self.repeat)
            t0 = time.perf_counter()
            steps = await sweep(limit=limit, rounds=1)
            runs.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            idle_steps = await sweep(limit=limit, rounds=1)
            idles.append(time.perf_counter() - t0)
            await self.verify(due, ids, steps, idle_steps)
        sweep_s, idle_s = statistics.median(runs), statistics.median(idles)
        result = {
            "tickets": n,
            "due": due,
            "sweep_s": round(sweep_s, 4),
            "per_due_ms": round(sweep_s * 1000 / due, 3),
            "select_s": round(statistics.median(selects), 5),
            "idle_sweep_s": round(idle_s, 5),
            "sweep_s_runs": [round(x, 4) for x in runs],
            "steps": steps,
            "reminders_queued": due,
            "query_plan": plan,
            **build,
        }
        size = self.store.size_mb()
        if size is not None:
            result["db_mb"] = size
        log.info(
            "N=%d D=%d: sweep %.3fs (%.3f ms/due), select %.4fs, idle sweep %.4fs",
            n,
            due,
            sweep_s,
            result["per_due_ms"],
            result["select_s"],
            idle_s,
        )
        return result

    async def verify(self, due: int, ids: list[int], steps: int, idle_steps: int) -> None:
        problems = []
        if steps != due:
            problems.append(f"sweep took {steps} steps, expected {due}")
        if idle_steps:
            problems.append(f"the second sweep took {idle_steps} steps, expected 0")
        reminders = await Outbox.filter(chat_id=STEWARDS, kind="text").count()
        if reminders != due:
            problems.append(f"{reminders} reminders queued to the stewards, expected {due}")
        other = await Outbox.exclude(chat_id=STEWARDS, kind="text").count()
        if other:
            problems.append(f"{other} unexpected outbox rows")
        texts = await Outbox.filter(chat_id=STEWARDS).limit(1).values_list("payload", flat=True)
        if texts and "提醒" not in texts[0].get("text", ""):
            problems.append(f"the reminder text is unexpected: {texts[0]!r}")
        still = await Ticket.filter(due_at__lte=NOW).count()
        if still:
            problems.append(f"{still} tickets still due after the sweep")
        breach = 0
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            breach += await Ticket.filter(id__in=chunk, due_phase="breach").count()
        if breach != due:
            problems.append(f"{breach} swept tickets wait for their breach step, expected {due}")
        if problems:
            raise SystemExit("bench: verification failed: " + "; ".join(problems))

    async def profile(self, due: int, top: int = 20) -> dict[str, Any]:
        assert self.n is not None
        ids = await self.arm(due, offset=7)
        limit = due + 10
        profiler = cProfile.Profile()
        sql = SqlCounter()
        t0 = time.perf_counter()
        with sql:
            profiler.enable()
            steps = await sweep(limit=limit, rounds=1)
            profiler.disable()
        sweep_s = time.perf_counter() - t0
        await self.verify(due, ids, steps, 0)
        stats = pstats.Stats(profiler)
        entries = stats.stats  # type: ignore[attr-defined]
        root = str(ROOT)

        def where(key: tuple[str, int, str]) -> str:
            filename, line, name = key
            short = filename.replace(root + "/", "")
            if "site-packages/" in short:
                short = short.split("site-packages/", 1)[1]
            elif "/lib/python3" in short:
                short = "stdlib/" + short.split("/lib/python3", 1)[1].split("/", 1)[-1]
            return f"{short}:{line}({name})"

        def table(index: int) -> list[dict[str, Any]]:
            rows = sorted(entries.items(), key=lambda kv: kv[1][index], reverse=True)[:top]
            return [
                {
                    "function": where(key),
                    "calls": value[1],
                    "tottime_s": round(value[2], 4),
                    "cumtime_s": round(value[3], 4),
                }
                for key, value in rows
            ]

        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(25)
        log.info("cProfile of one sweep of %d due tickets:\n%s", due, text.getvalue())
        # the event loop idles in epoll while the driver (aiosqlite's thread, or the
        # PostgreSQL server) runs the statements and commits
        waiting = sum(v[2] for (_, _, name), v in entries.items() if "poll" in name)
        result: dict[str, Any] = {
            "tickets": self.n,
            "due": due,
            "profiled_sweep_s": round(sweep_s, 4),
            "profiled_per_due_ms": round(sweep_s * 1000 / due, 3),
            "loop_waiting_for_db_s": round(waiting, 4),
            "transactions_per_step": 1,
            "sql_per_step": {
                k: round(v / due, 2) for k, v in sorted(sql.counts.items(), key=lambda kv: -kv[1])
            },
            "sql_total_per_step": round(sum(sql.counts.values()) / due, 2),
            "top_tottime": table(2),
            "top_cumtime": table(3),
        }
        result["unprofiled_per_due_ms"] = await self.timed(due, offset=13)
        if self.store.dialect == "sqlite":
            # what the commit's fsync costs: the same sweep with synchronous=NORMAL
            # (WAL: no fsync per commit). A what-if, not the application's setting.
            conn = statements.client()
            await conn.execute_script("PRAGMA synchronous=NORMAL")
            try:
                result["what_if_synchronous_normal_per_due_ms"] = await self.timed(due, offset=17)
            finally:
                await conn.execute_script("PRAGMA synchronous=FULL")
        return result

    async def timed(self, due: int, offset: int) -> float:
        """ms per due ticket of one plain sweep of ``due`` (verified)."""
        ids = await self.arm(due, offset)
        t0 = time.perf_counter()
        steps = await sweep(limit=due + 10, rounds=1)
        sweep_s = time.perf_counter() - t0
        await self.verify(due, ids, steps, 0)
        return round(sweep_s * 1000 / due, 3)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    started = time.monotonic()
    set_clock(FakeClock(NOW))
    tmp = tempfile.TemporaryDirectory(prefix="guanjia-sweep-")
    directory = Path(tmp.name)
    config = staffed_config(directory)
    setup(config)
    if args.database_url and not args.database_url.startswith("sqlite"):
        store: SqliteStore | PostgresStore = PostgresStore(args.database_url)
    else:
        store = SqliteStore(directory)
    bench = Bench(store, config, args.repeat)
    plan = ROWS_QUICK if args.quick else ROWS_FULL
    rows: list[dict[str, Any]] = []
    profile: dict[str, Any] | None = None
    try:
        for k, (n, due) in enumerate(plan):
            spent = time.monotonic() - started
            if spent > args.max_seconds:
                log.warning("N=%d D=%d skipped: %.0fs spent of --max-seconds", n, due, spent)
                rows.append({"tickets": n, "due": due, "skipped": "max-seconds"})
                continue
            rows.append(await bench.row(n, due, offset=k))
        if args.profile_due and bench.n is not None:
            if time.monotonic() - started > args.max_seconds:
                log.warning("profile skipped: --max-seconds")
            else:
                profile = await bench.profile(args.profile_due)
    finally:
        await bench.close()
        tmp.cleanup()
    result: dict[str, Any] = {
        "rows": rows,
        "database": store.dialect,
        "python": platform.python_version(),
        **store.versions(),
        "tortoise": _version("tortoise-orm"),
        "now": NOW.isoformat(),
        "step": "claim warn -> reminder to the stewards' chat + breach clock",
        "total_s": round(time.monotonic() - started, 1),
        "cpu": os.cpu_count(),
    }
    if store.dialect == "sqlite":
        result["sqlite_note"] = "file in a temp dir, WAL, tortoise's default synchronous"
    if profile is not None:
        result["profile"] = profile
    return result


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=None,
        help="postgres://… of a THROWAWAY database (its public schema is dropped); "
        "default: SQLite in a temporary directory",
    )
    parser.add_argument("--quick", action="store_true", help="only the 10k and 100k rows")
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=2400,
        help="no new row starts after this many seconds (default 2400)",
    )
    parser.add_argument(
        "--profile-due",
        type=int,
        default=500,
        help="profile one sweep of this many due tickets on the largest database (0: off)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="sweeps per row (re-armed with other tickets); sweep_s is their median",
    )
    parser.add_argument("--no-profile", action="store_true", help="same as --profile-due 0")
    args = parser.parse_args()
    if args.no_profile:
        args.profile_due = 0
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s"
    )
    logging.getLogger("tortoise").setLevel(logging.WARNING)
    logging.getLogger("aiosqlite").setLevel(logging.WARNING)
    result = asyncio.run(run(args))
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
