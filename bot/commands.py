"""The operator's subcommands: run, migrate, check-config, tickets."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bot.logs import setup_logging
from bot.settings import Settings, get_settings
from models.domain.config import Config, load_config


def _load(settings: Settings) -> Config:
    path = settings.config_path()
    config = load_config(path)
    logging.getLogger("guanjia").info("configuration: %s", path)
    return config


def cmd_run(args: argparse.Namespace) -> int:
    from bot.app import serve

    setup_logging(args.verbose)
    settings = get_settings()
    config = _load(settings)
    try:
        asyncio.run(serve(settings, config))
    except KeyboardInterrupt:
        pass
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from models.storage import migrate

    settings = get_settings()
    applied = asyncio.run(migrate.upgrade(settings.database_url))
    if applied:
        print("applied: " + ", ".join(applied))
    else:
        print("database is up to date")
    return 0


def cmd_makemigrations(args: argparse.Namespace) -> int:
    from models.storage import migrate

    url = args.database_url or get_settings().database_url
    print(asyncio.run(migrate.make_migration(url, args.name)) or "no changes")
    return 0


def cmd_check_config(args: argparse.Namespace) -> int:
    path = args.file or get_settings().config_path()
    config = load_config(path)
    buildings = sum(len(c.buildings) for c in config.communities)
    print(
        f"{path}: OK ({len(config.communities)} communities, {buildings} buildings, "
        f"{len(config.staff)} staff, timezone {config.timezone})"
    )
    from models.domain.calendar import BusinessCalendar
    from models.domain.clock import now

    calendar = BusinessCalendar.from_config(config)
    for year in calendar.unknown_years(now().astimezone(config.tz).date()):
        print(
            f"warning: the public holidays of {year} are not known yet (upgrade chinesecalendar, "
            "or list them under business_hours.holidays / extra_workdays)"
        )
    return 0


def _with_db(body: Callable[[], Awaitable[int]]) -> int:
    from models.storage.db import close_db, open_db

    async def go() -> int:
        await open_db(get_settings().database_url)
        try:
            return await body()
        finally:
            await close_db()

    return asyncio.run(go())


def _fmt_time(dt: Any, tz) -> str:
    return dt.astimezone(tz).strftime("%Y-%m-%d %H:%M") if dt else "-"


def cmd_tickets_list(args: argparse.Namespace) -> int:
    from models.domain.ticket import ACTIVE_STATUSES
    from models.tables import Ticket

    config = _load(get_settings())
    tz = config.tz

    async def body() -> int:
        q = Ticket.all().prefetch_related("community", "unit")
        if args.status == "open":
            q = q.filter(status__in=[s.value for s in ACTIVE_STATUSES])
        elif args.status != "all":
            q = q.filter(status=args.status)
        if args.kind:
            q = q.filter(kind=args.kind)
        rows = await q.order_by("-id").limit(args.limit)
        if args.json:
            for t in rows:
                print(json.dumps(_ticket_dict(t, tz), ensure_ascii=False))
            return 0
        if not rows:
            print("no tickets")
            return 0
        print(
            f"{'number':<14} {'kind':<12} {'status':<10} {'!':<1} {'unit':<16} {'created':<16} "
            "summary"
        )
        for t in rows:
            unit = t.unit.label if t.unit else "-"
            print(
                f"{t.number:<14} {t.kind:<12} {t.status:<10} {'!' if t.urgent else ' '} "
                f"{unit:<16} {_fmt_time(t.created_at, tz):<16} {t.summary[:40]}"
            )
        return 0

    return _with_db(body)


def _ticket_dict(t: Any, tz) -> dict[str, Any]:
    return {
        "number": t.number,
        "community": t.community.code,
        "kind": t.kind,
        "status": t.status,
        "urgent": t.urgent,
        "unit": t.unit.label if t.unit else None,
        "summary": t.summary,
        "created_at": _fmt_time(t.created_at, tz),
        "due_at": _fmt_time(t.due_at, tz) if t.due_at else None,
        "escalation_level": t.escalation_level,
    }


def cmd_tickets_show(args: argparse.Namespace) -> int:
    from handlers.context import setup
    from models.tables import Ticket

    config = _load(get_settings())
    setup(config)  # find_ticket reads the company's day from it
    tz = config.tz

    async def body() -> int:
        from handlers.tickets import find_ticket

        found = await find_ticket(args.number)  # full number, or today's last four digits
        t = None
        if found is not None:
            t = await Ticket.get(id=found.id).prefetch_related("community", "unit", "assignee")
        if t is None:
            print(f"no ticket {args.number}", file=sys.stderr)
            return 1
        events = await t.events.all().order_by("id")
        if args.json:
            d = _ticket_dict(t, tz)
            d["events"] = [
                {
                    "at": _fmt_time(e.at, tz),
                    "kind": e.kind,
                    "actor": e.actor_name or e.actor_type,
                    "from": e.from_status,
                    "to": e.to_status,
                    "text": e.text,
                }
                for e in events
            ]
            print(json.dumps(d, ensure_ascii=False, indent=2))
            return 0
        print(f"Ticket {t.number}  [{t.kind}] {t.status}{'  URGENT' if t.urgent else ''}")
        print(f"  community: {t.community.name}   unit: {t.unit.label if t.unit else '-'}")
        print(
            f"  assignee:  {t.assignee.name if t.assignee else '-'}   "
            f"escalation level: {t.escalation_level}"
        )
        print(f"  summary:   {t.summary}")
        print(f"  created:   {_fmt_time(t.created_at, tz)}   due: {_fmt_time(t.due_at, tz)}")
        print("  history:")
        for e in events:
            change = f" {e.from_status or ''}→{e.to_status}" if e.to_status else ""
            who = e.actor_name or e.actor_type
            print(f"    {_fmt_time(e.at, tz)}  {e.kind:<11}{change}  ({who})  {e.text}")
        return 0

    return _with_db(body)


def cmd_export_labels(args: argparse.Namespace) -> int:
    """The residents' own choices of kind, as labelled data for the classifier."""
    from models.tables import InboundMessage

    rows: list[dict[str, Any]] = []

    async def body() -> int:
        rows.extend(
            await InboundMessage.filter(label__isnull=False)
            .order_by("id")
            .values("text", "label", "predicted_intent", "platform", "received_at")
        )
        return 0

    _with_db(body)
    lines = [
        json.dumps(
            {
                "text": r["text"],
                "intent": r["label"],
                "predicted": r["predicted_intent"],
                "platform": r["platform"],
                "received_at": r["received_at"].isoformat(),
            },
            ensure_ascii=False,
        )
        for r in rows
    ]
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.writelines(line + "\n" for line in lines)
        print(f"{len(lines)} labelled messages written to {args.out}", file=sys.stderr)
    else:
        for line in lines:
            print(line)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """The monthly complaint statistics, for a supervisor at a terminal."""
    from handlers.context import setup
    from handlers.report import as_dict, complaint_table, files_for, render
    from handlers.statistics import default_month, month_table
    from models.domain.statistics import valid_month

    config = _load(get_settings())
    setup(config)
    if args.month and not valid_month(args.month):
        print(f"--month {args.month}: write the month as YYYY-MM, e.g. 2026-11", file=sys.stderr)
        return 2
    codes = [args.community] if args.community else [c.code for c in config.communities]

    async def body() -> int:
        month = args.month
        if not month:
            month, hint = default_month()
            print(hint, file=sys.stderr)
        tables = [await complaint_table(code, month) for code in codes]
        for table in tables:
            print(json.dumps(as_dict(table), ensure_ascii=False) if args.json else render(table))
        if args.xlsx or args.png:
            from models.storage.db import community_row

            ids = [(await community_row(code=args.community)).id] if args.community else None
            whole = tables[0] if args.community else await month_table(month, None)
            xlsx, png = await files_for(whole, ids)
            if args.xlsx:
                if not args.community and len(tables) > 1:
                    from handlers import exports, statistics

                    trend = await statistics.trend(month, None)
                    xlsx = exports.table_xlsx([whole, *tables], trend)
                await asyncio.to_thread(Path(args.xlsx).write_bytes, xlsx)
                print(f"written: {args.xlsx}", file=sys.stderr)
            if args.png:
                await asyncio.to_thread(Path(args.png).write_bytes, png)
                print(f"written: {args.png}", file=sys.stderr)
        return 0

    return _with_db(body)


def cmd_console_link(args: argparse.Namespace) -> int:
    """A one-time sign-in link to the web console, printed at the terminal."""
    from handlers import console_auth
    from handlers.context import setup
    from models.storage.db import sync_config

    settings = get_settings()
    config = _load(settings)
    setup(config)
    console_auth.configure(settings.public_url)

    async def body() -> int:
        await sync_config(config)
        try:
            url = await console_auth.link_for_name(args.name, via="cli")
        except console_auth.NoSuchStaff as e:
            print(str(e), file=sys.stderr)
            return 1
        print(url)
        print(
            f"valid for {console_auth.LINK_MINUTES} minutes, once; "
            "open it in the browser that should be signed in",
            file=sys.stderr,
        )
        return 0

    return _with_db(body)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "run",
        help="run the bot: web server, channels, dispatcher, scheduler",
        description="Run Guanjia (the default command).",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser(
        "migrate",
        help="create or upgrade the database schema (idempotent)",
        description="Apply the committed aerich migrations to DATABASE_URL.",
    )
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser(
        "makemigrations",
        help="(developers) generate the next schema migration",
        description="Generate a migration from changes in models/tables.py for "
        "the dialect of DATABASE_URL (run once for SQLite, once for PostgreSQL).",
    )
    p.add_argument("name", help="short name of the change")
    p.add_argument("--database-url", help="database to diff against (default: DATABASE_URL)")
    p.set_defaults(func=cmd_makemigrations)

    p = sub.add_parser(
        "check-config",
        help="validate a configuration file without starting",
        description="Validate a configuration file; exit code 2 if it is wrong.",
    )
    p.add_argument("file", nargs="?", help="config file (default: $GUANJIA_CONFIG or guanjia.yaml)")
    p.set_defaults(func=cmd_check_config)

    p = sub.add_parser(
        "report",
        help="monthly complaint statistics (《顾客投诉分类统计表》)",
        description="Complaints by content class, on-time report-back and answer rates, "
        "satisfaction and reopenings, with the month's requests of every kind.",
    )
    p.add_argument("--month", help="YYYY-MM (default: last month, and it says so)")
    p.add_argument("--community", help="community code (default: all)")
    p.add_argument("--json", action="store_true", help="one JSON object per community")
    p.add_argument("--xlsx", help="also write the table as .xlsx (with its charts) to this file")
    p.add_argument("--png", help="also write the chart as PNG to this file")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser(
        "console-link",
        help="print a one-time sign-in link to the web console for a staff member",
        description="A link valid for 10 minutes, used once: it signs NAME (as written in "
        "the staff list of guanjia.yaml) in to /console in the browser that opens it.",
    )
    p.add_argument("name", help="the staff member's name, e.g. 李主管")
    p.set_defaults(func=cmd_console_link)

    p = sub.add_parser(
        "export-labels",
        help="export labelled kinds: residents' choices and staff corrections (JSONL)",
        description="Every message whose kind the resident chose with the buttons or a steward "
        "corrected with /kind, as JSON "
        "lines {text, intent, predicted, platform, received_at}: labelled data to evaluate "
        "or extend the keyword rules.",
    )
    p.add_argument("--out", help="write to this file instead of standard output")
    p.set_defaults(func=cmd_export_labels)

    p = sub.add_parser(
        "tickets",
        help="list or show tickets (for an operator at a terminal)",
        description="Look at tickets from a terminal.",
    )
    tsub = p.add_subparsers(dest="tickets_command", metavar="ACTION", required=True)
    lp = tsub.add_parser("list", help="list tickets", description="List tickets, newest first.")
    lp.add_argument(
        "--status",
        default="open",
        help="open (default: not yet closed), all, or one status "
        "(new, dispatched, claimed, resolved, closed, reopened, cancelled)",
    )
    lp.add_argument("--kind", choices=["repair", "complaint", "cleaning", "consultation"])
    lp.add_argument("--limit", type=int, default=50)
    lp.add_argument("--json", action="store_true", help="one JSON object per line")
    lp.set_defaults(func=cmd_tickets_list)
    sp = tsub.add_parser(
        "show",
        help="show one ticket and its history",
        description="Show one ticket with its full history.",
    )
    sp.add_argument("number", help="ticket number, e.g. 20261122-0007")
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=cmd_tickets_show)
