"""The office's onboarding commands: the owners' register (``import residents``,
``import template``) and staff by invitation (``staff invite``, ``staff invite-group``,
``staff list``, ``staff unbind``). Each is a thin call into a service; the console
will call the same services."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.commands import _load
from bot.settings import get_settings

EXIT_FAILED = 1


def _in_db(body: Callable[[], Awaitable[int]]) -> int:
    """Open the database with the configuration mirrored into it (communities,
    buildings, staff), run ``body``, close."""
    from handlers.context import setup
    from models.storage import migrate
    from models.storage.db import close_db, open_db, sync_config

    settings = get_settings()
    config = _load(settings)
    setup(config)

    async def go() -> int:
        await migrate.upgrade(settings.database_url)
        await open_db(settings.database_url)
        try:
            await migrate.create_unmigrated_tables()
            await sync_config(config)
            return await body()
        finally:
            await close_db()

    return asyncio.run(go())


def cmd_import_residents(args: argparse.Namespace) -> int:
    from handlers.register_import import ImportFailed, import_register

    async def body() -> int:
        try:
            summary = await import_register(Path(args.file), args.community, dry_run=args.dry_run)
        except ImportFailed as e:
            print(f"导入失败，没有写入任何数据：{e}", file=sys.stderr)
            return EXIT_FAILED
        print(summary.render())
        return 0

    return _in_db(body)


def cmd_import_template(args: argparse.Namespace) -> int:
    from handlers.register_sheet import template_bytes

    out = Path(args.out)
    out.write_bytes(template_bytes())
    print(f"模板已写入 {out}：填好后用 python -m bot import residents {out} 导入。")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import",
        help="import the owners' register (业户档案) from Excel, or write its template",
        description="The owners' and tenants' register (业户档案) as an .xlsx file.",
    )
    isub = p.add_subparsers(dest="import_command", metavar="WHAT", required=True)
    rp = isub.add_parser(
        "residents",
        help="import (or re-import) a register",
        description="Import the register: columns 楼栋 单元 房号 姓名 手机号 身份 面积 备注 "
        "(English headings too, any order). Rows with a problem are listed and left out; "
        "a re-import updates and never duplicates; nothing is written on a fatal error.",
    )
    rp.add_argument("file", help="the .xlsx file")
    rp.add_argument("--community", help="community code (needed when there are several)")
    rp.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    rp.set_defaults(func=cmd_import_residents)
    tp = isub.add_parser(
        "template",
        help="write an empty register with example rows",
        description="Write the register template (.xlsx) with our headings and instructions.",
    )
    tp.add_argument("--out", default="业户档案模板.xlsx", help="file to write")
    tp.set_defaults(func=cmd_import_template)
