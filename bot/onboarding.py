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


async def _bot_username() -> str | None:
    """The bot's @username for t.me links (asked from the Bot API once)."""
    settings = get_settings()
    if not settings.telegram_bot_token:
        return None
    from telegram import Bot

    api = (settings.telegram_api_url or "https://api.telegram.org").rstrip("/")
    try:
        async with Bot(settings.telegram_bot_token, base_url=f"{api}/bot") as bot:
            return bot.username
    except Exception as e:  # offline: the code still works with /start CODE
        print(f"（无法连接 Telegram 取得机器人用户名：{e}）", file=sys.stderr)
        return None


def cmd_staff_invite(args: argparse.Namespace) -> int:
    from handlers.invitations import ROLE_ZH, InvitationError, invite_staff

    async def body() -> int:
        try:
            invitation, staff = await invite_staff(args.name, args.community, args.days)
        except InvitationError as e:
            print(f"没有生成邀请：{e}", file=sys.stderr)
            return EXIT_FAILED
        username = await _bot_username()
        print(
            f"邀请 {staff.name}（{ROLE_ZH.get(staff.role, staff.role)}）："
            f"一次性邀请码 {invitation.code}"
        )
        if username:
            print(f"  Telegram：打开 https://t.me/{username}?start={invitation.code}")
        else:
            print(f"  Telegram：私聊机器人发送 /start {invitation.code}")
        print(f"  微信公众号：发送 /join {invitation.code}")
        print(f"  有效期 {args.days} 天，用过即失效。")
        return 0

    return _in_db(body)


def cmd_staff_invite_group(args: argparse.Namespace) -> int:
    from handlers.invitations import InvitationError, invite_group

    async def body() -> int:
        try:
            invitation, community = await invite_group(args.which, args.community, args.days)
        except InvitationError as e:
            print(f"没有生成邀请：{e}", file=sys.stderr)
            return EXIT_FAILED
        which = "管家群" if args.which == "stewards" else "主管群"
        print(
            f"把机器人拉进{community.name}的{which}，在群里发送：/bindgroup {invitation.code}\n"
            f"  有效期 {args.days} 天，用过即失效。"
        )
        return 0

    return _in_db(body)


def cmd_staff_list(args: argparse.Namespace) -> int:
    from handlers.invitations import overview

    async def body() -> int:
        print("\n".join(await overview()))
        return 0

    return _in_db(body)


def cmd_staff_unbind(args: argparse.Namespace) -> int:
    from handlers.invitations import unbind

    async def body() -> int:
        done = await unbind(args.name, args.platform, args.community)
        print(f"已解除 {args.name} 的 {args.platform} 邀请绑定：{done} 个")
        return 0

    return _in_db(body)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "staff",
        help="staff by invitation: invite, invite-group, list, unbind",
        description="Staff (the config's staff list) bind their Telegram or WeChat account with "
        "a one-time code; a group becomes a community's staff chat with /bindgroup CODE.",
    )
    ssub = p.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    ip = ssub.add_parser("invite", help="a one-time code for a person of the staff list")
    ip.add_argument("name", help="as in the config's staff list, e.g. 王管家")
    ip.add_argument("--community", help="when two staff share the name")
    ip.add_argument("--days", type=int, default=7, help="valid for (default 7)")
    ip.set_defaults(func=cmd_staff_invite)
    gp = ssub.add_parser("invite-group", help="a one-time /bindgroup code for a group chat")
    gp.add_argument("which", choices=["stewards", "supervisors"])
    gp.add_argument("--community", help="community code (needed when there are several)")
    gp.add_argument("--days", type=int, default=7)
    gp.set_defaults(func=cmd_staff_invite_group)
    lp = ssub.add_parser("list", help="who is bound where")
    lp.set_defaults(func=cmd_staff_list)
    up = ssub.add_parser("unbind", help="forget an account bound by invitation")
    up.add_argument("name")
    up.add_argument("--platform", choices=["telegram", "wechat"], required=True)
    up.add_argument("--community")
    up.set_defaults(func=cmd_staff_unbind)

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
