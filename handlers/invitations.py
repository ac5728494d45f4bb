"""Staff join by invitation; a group becomes a community's staff chat the same way.

Who is staff, with which role and community, is decided in one place: the ``staff``
list of the configuration (checked by ``check-config``, mirrored at start-up). An
invitation only binds a platform account to a person already on that list: the code
of ``python -m bot staff invite NAME`` used as ``/start CODE`` (the t.me link) or
``/join CODE`` (WeChat) records that account (``staff_account``); ``/bindgroup CODE``
in a group records it as the stewards' or supervisors' chat (``chat_binding``). An id
the configuration gives itself comes first. Codes are single-use and expire."""

from __future__ import annotations

import logging
import re
import secrets
from datetime import timedelta

from tortoise.backends.base.client import BaseDBAsyncClient

from handlers import notify
from handlers.context import Incoming, Outcome, env
from models.domain.clock import now
from models.outbox import queue_message, transaction
from models.storage.db import community_row, load_directory
from models.tables import ChatBinding, Community, Invitation, Staff, StaffAccount

log = logging.getLogger(__name__)

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed on a phone
CODE = re.compile(r"^[A-Za-z2-9]{8}$")
DEFAULT_DAYS = 7
ROLE_ZH = {
    "steward": "贴心管家",
    "supervisor": "客服主管",
    "manager": "物业经理",
    "engineering": "工程部",
    "cleaning": "保洁部",
}
CHAT_ROLES = ("stewards", "supervisors")


class InvitationError(Exception):
    """The invitation cannot be made; the message says why (for the office)."""


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(8))


async def invite_staff(
    name: str, community: str | None = None, days: int = DEFAULT_DAYS
) -> tuple[Invitation, Staff]:
    """A one-time code for a person on the configuration's staff list."""
    rows = await Staff.filter(name=name, active=True).prefetch_related("community")
    if community is not None:
        rows = [r for r in rows if r.community is not None and r.community.code == community]
    if not rows:
        known = "、".join(s.name for s in env().config.staff) or "（空）"
        raise InvitationError(
            f"配置文件的 staff 里没有“{name}”（有：{known}）；请先在 guanjia.yaml 添加"
        )
    if len(rows) > 1:
        raise InvitationError(f"有多位“{name}”，请用 --community 指定小区")
    staff = rows[0]
    invitation = await Invitation.create(
        code=new_code(),
        kind="staff",
        staff=staff,
        created_at=now(),
        expires_at=now() + timedelta(days=days),
    )
    return invitation, staff


async def invite_group(
    chat_role: str, community: str | None = None, days: int = DEFAULT_DAYS
) -> tuple[Invitation, Community]:
    """A one-time code that makes a group the community's stewards' or supervisors' chat."""
    communities = env().config.communities
    if community is None and len(communities) > 1:
        raise InvitationError("有多个小区，请用 --community 指定")
    try:
        row = await community_row(code=community or communities[0].code)
    except LookupError:
        raise InvitationError(f"没有小区 {community}") from None
    invitation = await Invitation.create(
        code=new_code(),
        kind="group",
        community=row,
        chat_role=chat_role,
        created_at=now(),
        expires_at=now() + timedelta(days=days),
    )
    return invitation, row


def is_invitation(command: tuple[str, str]) -> bool:
    name, rest = command
    return name == "bindgroup" or (name in ("start", "join") and bool(CODE.match(rest.strip())))


async def use(msg: Incoming, member: Staff | None) -> Outcome:
    name, rest = msg.command or ("", "")
    t = env().texts
    async with transaction(join=True) as conn:
        invitation = await Invitation.get_or_none(code=rest.strip().upper()).using_db(conn)
        valid = (
            invitation is not None
            and invitation.used_at is None
            and invitation.expires_at > now()
            and invitation.kind == ("group" if name == "bindgroup" else "staff")
        )
        if name == "bindgroup" and msg.is_private:
            await _say(msg, t("staff.group_private"), conn)
        elif not valid:
            log.info("invitation %r refused for %s:%s", rest[:16], msg.platform, msg.sender_id)
            await _say(msg, t("invitation_invalid"), conn)
        elif name == "bindgroup":
            await _bind_group(msg, invitation, conn)
        elif msg.is_private:
            await _bind_staff(msg, invitation, conn)
    return Outcome()


async def _say(msg: Incoming, text: str, conn: BaseDBAsyncClient) -> None:
    await queue_message(msg.platform, msg.chat_id, text, conn=conn, reply_to=msg.message_id)


async def _used(invitation: Invitation, msg: Incoming, conn: BaseDBAsyncClient) -> None:
    """Mark the code used, once: a second worker using it at the same moment loses."""
    done = (
        await Invitation.filter(id=invitation.id, used_at__isnull=True)
        .using_db(conn)
        .update(used_at=now(), used_by=f"{msg.platform}:{msg.sender_id}")
    )
    if not done:
        raise RuntimeError("invitation used twice at once")


async def _bind_staff(msg: Incoming, invitation: Invitation, conn: BaseDBAsyncClient) -> None:
    t = env().texts
    staff = await Staff.get(id=invitation.staff_id).using_db(conn)
    taken = await StaffAccount.get_or_none(
        platform=msg.platform, platform_user_id=msg.sender_id
    ).using_db(conn)
    column = "telegram_id" if msg.platform == "telegram" else "wechat_openid"
    other = (
        await Staff.filter(active=True, **{column: msg.sender_id})
        .exclude(id=staff.id)
        .using_db(conn)
        .first()
        if msg.platform in ("telegram", "wechat")
        else None
    )
    if (taken is not None and taken.staff_id != staff.id) or other is not None:
        holder = other or await Staff.get(id=taken.staff_id).using_db(conn)
        platform = {"telegram": "Telegram", "wechat": "微信"}.get(msg.platform, msg.platform)
        await _say(msg, t("staff.invitation_taken", platform=platform, name=holder.name), conn)
        return
    await _used(invitation, msg, conn)
    await StaffAccount.filter(staff_id=staff.id, platform=msg.platform).using_db(conn).delete()
    await StaffAccount.create(
        staff_id=staff.id,
        platform=msg.platform,
        platform_user_id=msg.sender_id,
        bound_at=now(),
        using_db=conn,
    )
    configured = next(
        (s for s in env().config.staff if s.name == staff.name), None
    )  # an id the config gives stays the config's
    if configured is None or getattr(configured, column) is None:
        value = int(msg.sender_id) if column == "telegram_id" else msg.sender_id
        await Staff.filter(id=staff.id).using_db(conn).update(**{column: value})
    await load_directory(conn)
    community = await community_row(staff.community_id, conn=conn) if staff.community_id else None
    where = community.name if community else "全部小区"
    log.info("staff %s bound their %s account by invitation", staff.name, msg.platform)
    await _say(
        msg,
        t(
            "staff_joined",
            name=staff.name,
            community=where,
            role=ROLE_ZH.get(staff.role, staff.role),
        ),
        conn,
    )
    if community is not None:
        platform = {"telegram": "Telegram", "wechat": "微信"}.get(msg.platform, msg.platform)
        for chat_platform, chat in notify.staff_chats(community.code, "stewards"):
            await queue_message(
                chat_platform,
                chat,
                t(
                    "staff.invite_joined",
                    name=staff.name,
                    role=ROLE_ZH.get(staff.role, ""),
                    platform=platform,
                ),
                conn=conn,
            )


async def _bind_group(msg: Incoming, invitation: Invitation, conn: BaseDBAsyncClient) -> None:
    t = env().texts
    community = await community_row(invitation.community_id, conn=conn)
    cfg = env().config.community(community.code)
    which = invitation.chat_role or "stewards"
    chats = cfg.stewards_chat if which == "stewards" else cfg.supervisors_chat
    names = {"which": t(f"staff.chat.{which}"), "community": community.name}
    if msg.platform == "telegram" and chats.telegram is not None:
        await _say(msg, t("staff.group_config", **names), conn)
        return
    await _used(invitation, msg, conn)
    await (
        ChatBinding.filter(community_id=community.id, chat_role=which, platform=msg.platform)
        .using_db(conn)
        .delete()
    )
    await ChatBinding.create(
        community_id=community.id,
        chat_role=which,
        platform=msg.platform,
        chat_id=msg.chat_id,
        bound_at=now(),
        bound_by=f"{msg.platform}:{msg.sender_id}",
        using_db=conn,
    )
    await load_directory(conn)
    log.info("chat %s bound as %s of %s", msg.chat_id, which, community.code)
    await _say(msg, t("staff.group_bound", what=t(f"staff.chat_what.{which}"), **names), conn)


async def overview() -> list[str]:
    """Who is bound where: each person of the staff list with their accounts (from the
    config or an invitation), each community's staff chats, the codes still open."""
    from models.storage.db import bound_chats

    accounts = {(a.staff_id, a.platform) for a in await StaffAccount.all()}
    lines = ["工作人员（名单来自配置文件 staff）："]
    for s in await Staff.filter(active=True).order_by("id").prefetch_related("community"):
        where = s.community.name if s.community else "全部小区"

        def account(platform: str, value, staff_id: int = s.id) -> str:
            if value in (None, ""):
                return "未绑定"
            how = "邀请" if (staff_id, platform) in accounts else "配置"
            return f"{value}（{how}）"

        lines.append(
            f"  {s.name}  {ROLE_ZH.get(s.role, s.role)}  {where}  "
            f"Telegram: {account('telegram', s.telegram_id)}  "
            f"微信: {account('wechat', s.wechat_openid)}"
        )
    lines.append("工作群：")
    for c in env().config.communities:
        for which in CHAT_ROLES:
            chats = notify.staff_chats(c.code, which)
            bound = set(bound_chats(c.code, which))
            shown = "、".join(
                f"{p}:{chat[:40]}（{'/bindgroup' if (p, chat) in bound else '配置'}）"
                for p, chat in chats
            )
            lines.append(f"  {c.name} {env().texts(f'staff.chat.{which}')}：{shown or '未设置'}")
    pending = await Invitation.filter(used_at__isnull=True, expires_at__gt=now()).prefetch_related(
        "staff", "community"
    )
    if pending:
        lines.append("未使用的邀请码：")
        for i in pending:
            who = i.staff.name if i.staff else f"{i.community.name} {i.chat_role}"
            lines.append(f"  {i.code}  {who}  有效期至 {i.expires_at:%Y-%m-%d %H:%M} UTC")
    return lines


async def unbind(name: str, platform: str, community: str | None = None) -> int:
    """Forget the accounts bound by invitation (a lost phone); returns how many."""
    rows = await Staff.filter(name=name).prefetch_related("community")
    rows = [r for r in rows if community is None or (r.community and r.community.code == community)]
    done = 0
    column = "telegram_id" if platform == "telegram" else "wechat_openid"
    for r in rows:
        done += await StaffAccount.filter(staff_id=r.id, platform=platform).delete()
        configured = next((s for s in env().config.staff if s.name == name), None)
        if configured is None or getattr(configured, column) is None:
            await Staff.filter(id=r.id).update(**{column: None})
    await load_directory()
    return done
