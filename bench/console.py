"""Page times of the web console with a year of tickets in the database.

    python bench/console.py [--database-url URL] [--tickets 100000] [--repeat 7]

The database holds ``--tickets`` tickets (default 100,000: ten months of 10,000), of
every kind, most of them finished (claimed, reported back, resolved, rated, some
reopened), about 2,000 still open in the current month, each with the events the
statistics read (created, the follow-up question and its rating, reopenings). The
schema is the application's (``open_db(create=True)``, ``sync_config``); the rows are
loaded with bulk SQL (``sqlite3.executemany`` / asyncpg ``COPY``) in the format the
application writes.

A supervisor of every community is signed in (a real session cookie) and the pages
are fetched over HTTP from the console on an in-process aiohttp server, each after
a warm-up, ``--repeat`` times; the median and the slowest are reported:

    queue_open_ms      GET /console (the open tickets, deadlines first)
    queue_overdue_ms   GET /console?view=overdue
    queue_search_ms    GET /console?view=all&q=漏水 (words of the summary)
    queue_filter_ms    GET /console?view=all&kind=complaint&since=…&until=… (a month)
    queue_poll_ms      GET /console/queue/rows (what the open page polls)
    stats_page_ms      GET /console/stats?month=2026-10 (10,000 tickets' month)
    month_table_ms     handlers.statistics.month_table for that month, no HTTP
    trend_six_months_cold_ms  the trend the page's chart fetches apart (six tables),
                       once, with nothing cached (finished months are then kept 5 min)

Targets: the queue ≤ 200 ms, the month's table ≤ 1 s. SQLite (default) on a file in a
temporary directory; ``--database-url "$GUANJIA_TEST_DATABASE_URL"`` (postgres://…) on
PostgreSQL (a throwaway database: its ``public`` schema is dropped). Prints ONE JSON
object on stdout (``targets`` says whether each was met).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import random
import sqlite3
import statistics as stats
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
MONTH = "2026-10"
BATCH = 20_000
SUMMARIES = (
    ("repair", "厨房水管漏水了", None),
    ("repair", "客厅的灯不亮了", None),
    ("complaint", "楼上天天半夜装修太吵了", "quality"),
    ("complaint", "保安态度恶劣", "attitude"),
    ("complaint", "电梯经常坏", "equipment"),
    ("cleaning", "楼道垃圾没人清理", None),
    ("consultation", "车位怎么租", None),
)
TICKET_COLUMNS = (
    "id", "number", "community_id", "resident_id", "unit_id", "kind", "status", "urgent",
    "agitated", "about_staff", "sensitive", "anonymous", "summary", "details", "created_at",
    "updated_at", "claimed_at", "resolved_at", "closed_at", "reported_at", "due_at", "due_kind",
    "due_phase", "deadline_at", "escalation_level", "complaint_class", "assignee_id",
    "satisfaction",
)  # fmt: skip
EVENT_COLUMNS = (
    "id", "ticket_id", "at", "kind", "actor_type", "actor_id", "actor_name", "from_status",
    "to_status", "text", "data",
)  # fmt: skip
TIMES = {14, 15, 16, 17, 19, 20, 23}  # the datetime columns of a ticket row


def rows(n: int, community_id: int, assignee: int, units: int):
    """Tickets and their events: ``n`` tickets over n / 10,000 months up to NOW."""
    rnd = random.Random(18)
    months = max(1, n // 10_000)
    span = timedelta(days=30.4 * months)
    open_from = n - 2_000
    event_id = 0
    for i in range(1, n + 1):
        created = NOW - span * (n - i) / n - timedelta(minutes=5)
        kind, summary, cls = SUMMARIES[i % len(SUMMARIES)]
        unit = 101 + i % units
        claimed = created + timedelta(minutes=rnd.uniform(3, 90))
        reported = (
            created + timedelta(minutes=rnd.uniform(10, 400)) if kind == "complaint" else None
        )
        resolved = claimed + timedelta(hours=rnd.uniform(1, 30))
        status, closed, rating, due, due_kind, phase, deadline = (
            "closed", resolved + timedelta(hours=2), None, None, None, None, None,
        )  # fmt: skip
        if i % 3 == 0:
            rating = rnd.choice((5, 5, 4, 4, 3, 2))
        if i > open_from:
            status = ("dispatched", "claimed", "reopened", "resolved")[i % 4]
            closed = None
            resolved = resolved if status == "resolved" else None
            claimed = None if status == "dispatched" else claimed
            deadline = created + timedelta(minutes=rnd.uniform(-120, 600))
            due, due_kind, phase = deadline - timedelta(minutes=10), "claim", "warn"
            rating = None
        ticket = (
            i,
            f"{created.strftime('%Y%m%d')}-{i:06d}",
            community_id, unit, unit, kind, status, i % 50 == 0, False, False, False, False,
            summary, "{}", created, created, claimed, resolved, closed, reported, due, due_kind,
            phase, deadline, 0, cls, assignee if claimed else None, rating,
        )  # fmt: skip
        events = []
        event_id += 1
        events.append((event_id, i, created, "created", "resident", str(unit), "", None, "dispatched", summary, "{}"))  # fmt: skip  # noqa: E501
        if rating is not None and resolved is not None:
            event_id += 1
            asked = resolved + timedelta(hours=1)
            events.append((event_id, i, asked, "followup", "system", None, "", None, None, "follow-up asked", "{}"))  # fmt: skip  # noqa: E501
            event_id += 1
            events.append((event_id, i, asked + timedelta(minutes=30), "followup", "resident", str(unit), "", None, None, f"rated {rating}", "{}"))  # fmt: skip  # noqa: E501
        if i % 33 == 0 and resolved is not None:
            event_id += 1
            events.append((event_id, i, resolved + timedelta(minutes=40), "status", "staff", str(assignee), "王管家", "resolved", "reopened", "业主反映仍然漏水", "{}"))  # fmt: skip  # noqa: E501
        yield ticket, events


def ts(value):
    return None if value is None else value.astimezone(UTC).isoformat(" ")


async def load_sqlite(path: Path, n: int, community_id: int, assignee: int, units: int) -> None:
    con = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        con.execute("PRAGMA synchronous=OFF")
        con.execute("BEGIN")
        tsql = f'INSERT INTO "ticket" ({", ".join(TICKET_COLUMNS)}) VALUES ({", ".join("?" * len(TICKET_COLUMNS))})'  # noqa: E501
        esql = f'INSERT INTO "ticket_event" ({", ".join(EVENT_COLUMNS)}) VALUES ({", ".join("?" * len(EVENT_COLUMNS))})'  # noqa: E501
        tickets, events = [], []
        for ticket, evs in rows(n, community_id, assignee, units):
            tickets.append(tuple(ts(v) if k in TIMES else v for k, v in enumerate(ticket)))
            events += [(*e[:2], ts(e[2]), *e[3:]) for e in evs]
            if len(tickets) >= BATCH:
                con.executemany(tsql, tickets)
                con.executemany(esql, events)
                tickets, events = [], []
        con.executemany(tsql, tickets)
        con.executemany(esql, events)
        con.execute("COMMIT")
        con.execute("ANALYZE")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


async def load_postgres(url: str, n: int, community_id: int, assignee: int, units: int) -> None:
    import asyncpg

    con = await asyncpg.connect("postgresql://" + url.split("://", 1)[1])
    try:
        tickets, events = [], []
        for ticket, evs in rows(n, community_id, assignee, units):
            tickets.append(ticket)
            events += [(*e[:10], e[10]) for e in evs]
            if len(tickets) >= BATCH:
                await con.copy_records_to_table("ticket", records=tickets, columns=TICKET_COLUMNS)
                await con.copy_records_to_table(
                    "ticket_event", records=events, columns=EVENT_COLUMNS
                )
                tickets, events = [], []
        await con.copy_records_to_table("ticket", records=tickets, columns=TICKET_COLUMNS)
        await con.copy_records_to_table("ticket_event", records=events, columns=EVENT_COLUMNS)
        for table in ("ticket", "ticket_event"):
            await con.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM \"{table}\"))"  # noqa: E501
            )
            await con.execute(f'VACUUM ANALYZE "{table}"')
    finally:
        await con.close()


async def reset_postgres(url: str) -> None:
    import asyncpg

    con = await asyncpg.connect("postgresql://" + url.split("://", 1)[1])
    try:
        await con.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await con.close()


async def timed(fetch, repeat: int) -> dict:
    await fetch()  # warm-up
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        await fetch()
        runs.append((time.perf_counter() - t) * 1000)
    return {"median": round(stats.median(runs), 1), "max": round(max(runs), 1)}


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="postgres://… (default: SQLite in a temp dir)")
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="profile the month's table")
    args = parser.parse_args()

    from aiohttp.test_utils import TestClient, TestServer

    from bot.console import setup_console
    from bot.web import make_app
    from handlers import console_auth, statistics
    from handlers.context import setup
    from models.domain.clock import FakeClock, set_clock
    from models.domain.config import EXAMPLE_CONFIG, load_config
    from models.storage.db import close_db, open_db, sync_config
    from models.tables import Building, Community, Resident, Staff, Unit

    set_clock(FakeClock(NOW))
    config = load_config(EXAMPLE_CONFIG)
    setup(config)
    tmp = Path(tempfile.mkdtemp(prefix="guanjia-console-bench-"))
    url = args.database_url or f"sqlite://{tmp}/console.db"
    dialect = "postgres" if url.startswith("postgres") else "sqlite"
    if dialect == "postgres":
        await reset_postgres(url)
    await open_db(url, create=True)
    await sync_config(config)
    community = await Community.get(code="demo")
    wang = await Staff.get(name="王管家")
    building = await Building.filter(community_id=community.id).order_by("id").first()
    units = 500
    await Unit.bulk_create(
        [
            Unit(id=k, building_id=building.id, entrance=1, room=str(k), label=f"1栋1单元{k}")
            for k in range(101, units + 101)
        ]
    )  # fmt: skip
    await Resident.bulk_create(  # one resident per unit, same id: the tickets point at both
        [
            Resident(id=k, platform="telegram", platform_user_id=str(k), chat_id=str(k),
                     community_id=community.id, unit_id=k, created_at=NOW)
            for k in range(101, units + 101)
        ]
    )  # fmt: skip
    t = time.perf_counter()
    if dialect == "sqlite":
        await close_db()
        await load_sqlite(tmp / "console.db", args.tickets, community.id, wang.id, units)
        await open_db(url)
    else:
        await load_postgres(url, args.tickets, community.id, wang.id, units)
    load_s = time.perf_counter() - t
    print(f"loaded {args.tickets} tickets in {load_s:.1f} s", file=sys.stderr)

    app = make_app()
    setup_console(app, secret=b"bench", public_url="http://bench")
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        link = await console_auth.link_for_name("陈经理")  # a manager: every community
        token = link.rsplit("/", 1)[1]
        response = await client.post(f"/console/login/{token}", allow_redirects=False)
        assert response.status == 303, response.status

        def page(path: str):
            async def fetch():
                r = await client.get(path)
                assert r.status == 200, (path, r.status)
                await r.read()

            return fetch

        since = "2026-10-01"
        until = "2026-10-31"
        results = {
            "queue_open_ms": await timed(page("/console"), args.repeat),
            "queue_overdue_ms": await timed(page("/console?view=overdue"), args.repeat),
            "queue_search_ms": await timed(page("/console?view=all&q=漏水"), args.repeat),
            "queue_filter_ms": await timed(
                page(f"/console?view=all&kind=complaint&since={since}&until={until}"), args.repeat
            ),
            "queue_poll_ms": await timed(page("/console/queue/rows"), args.repeat),
        }
        statistics._trend_cache.clear()
        results["stats_page_ms"] = await timed(
            page(f"/console/stats?month={MONTH}"), max(3, args.repeat // 2)
        )

        async def table():
            await statistics.month_table(MONTH, None)

        results["month_table_ms"] = await timed(table, max(3, args.repeat // 2))
        statistics._trend_cache.clear()
        t = time.perf_counter()
        await statistics.trend(MONTH, None)  # six months, cold (the page loads it apart)
        results["trend_six_months_cold_ms"] = round((time.perf_counter() - t) * 1000, 1)
        if "--profile" in sys.argv:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            prof.enable()
            await statistics.month_table(MONTH, None)
            prof.disable()
            pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
        month = await statistics.month_table(MONTH, None)
        results["month_tickets"] = month.total_requests
    finally:
        await client.close()
        await close_db()
    queue_worst = max(v["median"] for k, v in results.items() if k.startswith("queue_"))
    print(
        json.dumps(
            {
                "bench": "console",
                "database": dialect,
                "tickets": args.tickets,
                "load_s": round(load_s, 1),
                **results,
                "targets": {
                    "queue_ms": 200,
                    "month_table_ms": 1000,
                    "queue_ok": queue_worst <= 200,
                    "month_ok": results["month_table_ms"]["median"] <= 1000
                    and results["stats_page_ms"]["median"] <= 1000,
                },
                "python": platform.python_version(),
                "sqlite": sqlite3.sqlite_version,
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
