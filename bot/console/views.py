"""The console's pages and actions (see ``bot/console/__init__.py``)."""

from __future__ import annotations

import asyncio
import functools
import json
import urllib.parse
from dataclasses import dataclass
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web

import bot.console.auth as auth
from handlers import (
    console_actions,
    console_auth,
    console_queries,
    exports,
    statistics,
    ticket_rows,
)
from handlers.context import env, row_id
from handlers.permissions import community_scope
from models.domain import statistics as st
from models.domain.clock import now

TEMPLATES = web.AppKey("console_templates", jinja2.Environment)


@dataclass
class ConsoleConfig:
    signer: auth.Signer
    secure: bool
    demo: bool


CONFIG = web.AppKey("console_config", ConsoleConfig)
FORM = web.RequestKey("console_form", object)
DROP_FLASH = web.RequestKey("console_drop_flash", bool)
FLASH = "gj_flash"
EXPORT_LIMIT = 10_000


@web.middleware
async def headers(request: web.Request, handler):
    response = await handler(request)
    if request.path.startswith(("/console", "/chat")):
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
            "style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'self'",
        )
        if request.path.startswith("/console") and not request.path.startswith("/console/static"):
            response.headers.setdefault("Cache-Control", "no-store")
    return response


def render(request: web.Request, name: str, context: dict, status: int = 200) -> web.Response:
    return aiohttp_jinja2.render_template(name, request, context, status=status, app_key=TEMPLATES)


def _cfg(request: web.Request) -> ConsoleConfig:
    return request.config_dict[CONFIG]


def signed_in(handler):
    """The route needs a live session (401 and the sign-in page without one); a POST
    needs the session's CSRF token too (403 without it)."""

    @functools.wraps(handler)
    async def wrapper(request: web.Request) -> web.StreamResponse:
        session = await auth.current(request, _cfg(request).signer)
        page = request.method == "POST" or not request.path.endswith((".json", ".xlsx", ".png"))
        if session is None:
            if page and request.headers.get("X-Requested-With") is None:
                return render(request, "signin.html", {"session": None}, status=401)
            raise web.HTTPUnauthorized(text="请先登录：在私聊里给机器人发送 /console")
        if request.method == "POST":
            form = await request.post()
            token = form.get("csrf") or request.headers.get("X-CSRF-Token")
            if not auth.csrf_ok(token, session):
                return render(
                    request,
                    "message.html",
                    base_context(
                        session,
                        title="页面已过期",
                        text="这个页面是在上次登录时打开的，操作没有执行。请返回、刷新页面后再试一次。",
                    ),
                    status=403,
                )
            request[FORM] = form
        return await handler(request, session)

    return wrapper


def base_context(session: console_auth.Session, **more: Any) -> dict[str, Any]:
    staff = session.staff
    return {
        "session": session,
        "me": staff,
        "role_zh": env().texts(f"staff.role.{staff.role}")
        if f"staff.role.{staff.role}" in env().texts.keys()
        else staff.role,
        "all_communities": community_scope(staff) is None,
        **more,
    }


# -- signing in ------------------------------------------------------------------------
async def login_page(request: web.Request) -> web.Response:
    """A GET only shows a button: link previews and prefetchers must not use the link."""
    return render(request, "login.html", {"token": request.match_info["token"], "session": None})


async def login(request: web.Request) -> web.StreamResponse:
    session = await console_auth.redeem(request.match_info["token"])
    if session is None:
        return render(
            request,
            "message.html",
            {
                "session": None,
                "title": "链接无效",
                "text": "这个登录链接已经用过、已过期（10 分钟）或不存在。"
                "请在与机器人的私聊中重新发送 /console 获取新的链接。",
            },
            status=403,
        )
    response = web.HTTPSeeOther("/console")
    auth.set_cookie(response, _cfg(request).signer, session, _cfg(request).secure)
    raise response


@signed_in
async def logout(request: web.Request, session) -> web.StreamResponse:
    await console_auth.end(session.key)
    response = web.HTTPSeeOther("/console")
    response.del_cookie(auth.COOKIE, path="/")
    raise response


async def demo_login(request: web.Request) -> web.StreamResponse:
    """Demo mode only (the route exists nowhere else): sign in as a staff member of the
    example configuration with one press."""
    form = await request.post()
    from models.tables import Staff

    staff_id = row_id(str(form.get("staff") or ""))
    staff = await Staff.get_or_none(id=staff_id, active=True) if staff_id else None
    if staff is None:
        raise web.HTTPBadRequest(text="no such staff member")
    url = await console_auth.create_link(staff, "demo")
    session = await console_auth.redeem(url.rsplit("/", 1)[1])
    target = str(form.get("next") or "/console")
    if not target.startswith("/console") or target.startswith("//"):
        target = "/console"  # only pages of ours
    response = web.HTTPSeeOther(target)
    auth.set_cookie(response, _cfg(request).signer, session, _cfg(request).secure)
    raise response


# -- the queue -------------------------------------------------------------------------
@signed_in
async def queue_page(request: web.Request, session) -> web.Response:
    f = console_queries.Filters.parse(dict(request.query))
    data = await console_queries.queue(session.staff, f)
    return render(
        request,
        "queue.html",
        base_context(
            session,
            f=f,
            rows=data["rows"],
            more=data["more"],
            now=data["at"],
            counts=await console_queries.counts(session.staff),
            choices=await console_queries.choices(session.staff),
            query=urllib.parse.urlencode({k: v for k, v in request.query.items() if k != "page"}),
            views=_VIEWS,
            kinds=st.KIND_ZH,
            statuses=_STATUSES,
            flash=_take_flash(request),
        ),
    )


_VIEWS = {
    "open": "未完成",
    "overdue": "已超时",
    "urgent": "紧急",
    "unclaimed": "待接单",
    "mine": "我的",
    "all": "全部",
}
_STATUSES = {
    "new": "待确认",
    "dispatched": "待接单",
    "claimed": "处理中",
    "resolved": "已处理待回访",
    "reopened": "已重开",
    "closed": "已办结",
    "cancelled": "已取消",
}


@signed_in
async def queue_rows(request: web.Request, session) -> web.Response:
    """The queue's rows alone, for the page to poll (new and changed tickets appear
    without reloading) with the views' counts."""
    f = console_queries.Filters.parse(dict(request.query))
    data = await console_queries.queue(session.staff, f)
    html = aiohttp_jinja2.render_string(
        "_rows.html",
        request,
        {"rows": data["rows"], "all_communities": community_scope(session.staff) is None},
        app_key=TEMPLATES,
    )
    counts = await console_queries.counts(session.staff)
    return web.json_response({"html": html, "counts": counts, "at": data["at"].isoformat()})


@signed_in
async def queue_xlsx(request: web.Request, session) -> web.Response:
    f = console_queries.Filters.parse(dict(request.query))
    tickets = []
    f.page = 0
    while len(tickets) < EXPORT_LIMIT:
        data = await _queue_tickets(session.staff, f)
        tickets += data
        if len(data) < console_queries.PAGE:
            break
        f.page += 1
    rows = await ticket_rows.export_rows(tickets)
    title = f"工单列表（{_VIEWS[f.view]}）导出于 {exports.local(now())}"
    body = await asyncio.to_thread(exports.tickets_xlsx, title, rows)
    return _download(body, f"工单-{f.view}.xlsx")


async def _queue_tickets(staff, f):
    from models.tables import Ticket

    data = await console_queries.queue(staff, f)
    ids = [r["id"] for r in data["rows"]]
    found = {t.id: t for t in await Ticket.filter(id__in=ids)}
    return [found[i] for i in ids if i in found]


def _download(body: bytes, filename: str, content_type: str | None = None) -> web.Response:
    quoted = urllib.parse.quote(filename)
    return web.Response(
        body=body,
        content_type=content_type
        or "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quoted}"},
    )


# -- a ticket --------------------------------------------------------------------------
@signed_in
async def ticket_page(request: web.Request, session, contact: str | None = None):
    view = await console_queries.ticket_view(session.staff, request.match_info["number"])
    if view is None:
        return render(
            request,
            "message.html",
            base_context(session, title="没有这张工单", text="没有找到这张工单。"),
            status=404,
        )
    people = (await console_queries.choices(session.staff))["staff"]
    return render(
        request,
        "ticket.html",
        base_context(
            session,
            v=view,
            t=view.ticket,
            people=people,
            contact=contact,
            flash=_take_flash(request),
        ),
    )


@signed_in
async def ticket_act(request: web.Request, session) -> web.StreamResponse:
    form = request[FORM]
    number = request.match_info["number"]
    done, answer = await console_actions.act(
        session.staff, number, str(form.get("command", "")), str(form.get("text", ""))
    )
    if not done and answer.startswith("没有找到工单"):
        raise web.HTTPNotFound(text=answer)
    response = web.HTTPSeeOther(f"/console/t/{urllib.parse.quote(number)}")
    _flash(response, answer, ok=done)
    raise response


@signed_in
async def ticket_contact(request: web.Request, session) -> web.StreamResponse:
    number = request.match_info["number"]
    shown, refusal = await console_actions.contact(session.staff, number)
    if shown is None and refusal.startswith("没有找到工单"):
        raise web.HTTPNotFound(text=refusal)
    return await ticket_page.__wrapped__(request, session, contact=shown or refusal)


def _flash(response: web.StreamResponse, text: str, ok: bool = True) -> None:
    value = json.dumps({"text": text[:500], "ok": ok}, ensure_ascii=False)
    response.set_cookie(
        FLASH, urllib.parse.quote(value), max_age=60, httponly=True, samesite="Lax", path="/"
    )


def _take_flash(request: web.Request) -> dict | None:
    raw = request.cookies.get(FLASH)
    if not raw:
        return None
    request[DROP_FLASH] = True
    try:
        return json.loads(urllib.parse.unquote(raw))
    except ValueError:
        return None


@web.middleware
async def drop_flash(request: web.Request, handler):
    response = await handler(request)
    if request.get(DROP_FLASH):
        response.del_cookie(FLASH, path="/")
    return response


@signed_in
async def media(request: web.Request, session) -> web.StreamResponse:
    from bot.channels.media import media_bytes

    event, n = row_id(request.match_info["event"]), request.match_info["n"]
    if event is None or not n.isdigit() or len(n) > 4:
        raise web.HTTPNotFound()
    n = int(n)
    item = await console_queries.media_item(session.staff, event, n)
    if item is None:
        raise web.HTTPNotFound()
    file = await media_bytes(item)
    if file is None:
        raise web.HTTPNotFound(text="这个文件已无法取得")
    # pictures, sound and video are shown in the page; anything else only downloads
    shown = file.content_type.split("/")[0] in ("image", "audio", "video")
    how = "inline" if shown else "attachment"
    return web.Response(
        body=file.content,
        content_type=file.content_type if shown else "application/octet-stream",
        headers={
            "Content-Disposition": f"{how}; filename*=UTF-8''{urllib.parse.quote(file.filename)}"
        },
    )


# -- statistics ------------------------------------------------------------------------
def _month_and_scope(request: web.Request, session) -> tuple[str, list[int] | None, str]:
    month = request.query.get("month", "")
    hint = ""
    if not st.valid_month(month):
        month, _ = statistics.default_month()
        hint = f"默认显示上月 {month}；可以在上方选择其他月份（本月的数字仍会变化）。"
    ids = console_queries.scope_ids(session.staff)
    chosen = request.query.get("community", "")
    if row_id(chosen) and (ids is None or row_id(chosen) in ids):
        ids = [row_id(chosen)]
    return month, ids, hint


@signed_in
async def stats_page(request: web.Request, session) -> web.Response:
    month, ids, hint = _month_and_scope(request, session)
    table = await statistics.month_table(month, ids)
    choices = await console_queries.choices(session.staff)
    chosen = request.query.get("community", "")
    query = urllib.parse.urlencode({"month": month, "community": chosen})
    return render(
        request,
        "stats.html",
        base_context(
            session,
            table=table,
            month=month,
            hint=hint,
            rows=exports.table_rows(table),
            query=query,
            chosen=chosen,
            choices=choices,
            months=st.months_back(st.this_month(now(), env().config.tz), 13)[::-1],
            kinds=st.KIND_ZH,
            classes=st.CLASS_ZH,
            natures=st.NATURE_ZH,
            chart=json.dumps(
                {
                    "kinds": [st.KIND_ZH[k] for k in st.KINDS],
                    "requests": [table.requests[k].value for k in st.KINDS],
                    "classes": [st.CLASS_ZH[c] for c in st.CLASSES],
                    "by_class": [table.by_class[c].value for c in st.CLASSES],
                },
                ensure_ascii=False,
            ),
        ),
    )


@signed_in
async def stats_trend(request: web.Request, session) -> web.Response:
    month, ids, _ = _month_and_scope(request, session)
    trend = await statistics.trend(month, ids)

    def share(rate: st.Rate):
        return round(rate.share * 100, 1) if rate.share is not None else None

    return web.json_response(
        {
            "months": [t.month for t in trend],
            "requests": [t.total_requests for t in trend],
            "complaints": [t.complaints.value for t in trend],
            "report_back": [share(t.report_back) for t in trend],
            "answer": [share(t.answer) for t in trend],
            "claim": [share(t.claim) for t in trend],
            "satisfaction": [t.rating["all"].average for t in trend],
        }
    )


async def _figure(request: web.Request, session):
    month, ids, _ = _month_and_scope(request, session)
    table = await statistics.month_table(month, ids)
    key = request.query.get("figure", "")
    try:
        figure = table.figure(key)
    except KeyError as e:
        raise web.HTTPNotFound(text="no such figure") from e
    tickets = await ticket_rows.tickets_by_ids(session.staff, figure.ids)
    return table, key, figure, tickets


@signed_in
async def stats_list(request: web.Request, session) -> web.Response:
    table, key, figure, tickets = await _figure(request, session)
    rows = await console_queries.describe(tickets, now())
    query = urllib.parse.urlencode(
        {k: request.query.get(k, "") for k in ("month", "community", "figure")}
    )
    return render(
        request,
        "stats_list.html",
        base_context(
            session,
            table=table,
            key=key,
            figure=figure,
            rows=rows,
            query=query,
            label=_figure_label(key),
        ),
    )


@signed_in
async def stats_list_xlsx(request: web.Request, session) -> web.Response:
    table, key, figure, tickets = await _figure(request, session)
    rows = await ticket_rows.export_rows(tickets)
    title = f"{table.scope} {table.month} {_figure_label(key)}（{figure.value}）"
    body = await asyncio.to_thread(exports.tickets_xlsx, title, rows)
    return _download(body, f"工单-{table.month}-{key}.xlsx")


@signed_in
async def stats_xlsx(request: web.Request, session) -> web.Response:
    month, ids, _ = _month_and_scope(request, session)
    table = await statistics.month_table(month, ids)
    trend = await statistics.trend(month, ids)
    tables = [table]
    if ids is None or len(ids) > 1:
        from models.tables import Community

        for cid in await Community.all().order_by("id").values_list("id", flat=True):
            if ids is None or cid in ids:
                tables.append(await statistics.month_table(month, [cid]))
    body = await asyncio.to_thread(exports.table_xlsx, tables, trend)
    return _download(body, f"顾客投诉分类统计表-{month}.xlsx")


@signed_in
async def stats_png(request: web.Request, session) -> web.Response:
    month, ids, _ = _month_and_scope(request, session)
    table = await statistics.month_table(month, ids)
    trend = await statistics.trend(month, ids)
    body = await asyncio.to_thread(exports.month_chart_png, table, trend)
    return web.Response(body=body, content_type="image/png")


_FIGURE_LABELS = {
    "requests": "受理",
    "complaints": "投诉",
    "urgent": "紧急投诉",
    "by_class": "投诉分类",
    "by_nature": "投诉性质",
    "claim": "按时接单",
    "report_back": "4小时回复前台",
    "answer": "24小时答复业主",
    "closed": "本月办结",
    "reopened": "本月重开",
    "first_contact": "一次解决",
    "rating": "评价",
    "followup": "回访",
    "complaint_rate": "投诉",
    "attitude_rate": "服务态度投诉",
    "steward": "管家",
}
_PART_LABELS = {
    "due": "到期",
    "met": "按时",
    "missed": "超时",
    "rated": "评价",
    "satisfied": "满意（4–5分）",
    "claimed": "接单",
    "resolved": "处理",
    "open_now": "在办",
    **st.KIND_ZH,
    **st.CLASS_ZH,
    **st.NATURE_ZH,
    "all": "全部",
}


def _figure_label(key: str) -> str:
    parts = key.split(".")
    words = [_FIGURE_LABELS.get(parts[0], parts[0])]
    for p in parts[1:]:
        if p.isdigit():
            continue
        words.append(_PART_LABELS.get(p, p))
    return " · ".join(words)


# -- notices (通知公告) -------------------------------------------------------------------
def _notice_context(session, **more: Any) -> dict[str, Any]:
    tz = env().config.tz
    texts = env().texts
    return base_context(
        session,
        kind_zh=lambda k: texts(f"staff.notice_kind.{k}"),
        status_zh=lambda s: texts(f"staff.notice_status.{s}"),
        local=lambda at: f"{at.astimezone(tz):%m-%d %H:%M}" if at else "",
        **more,
    )


@signed_in
async def notices_page(request: web.Request, session) -> web.Response:
    return await _notices_view(request, session, "", _take_flash(request))


async def _notices_view(request, session, text: str, flash, status: int = 200) -> web.Response:
    from handlers import notices

    communities = (
        [{"code": c.code, "name": c.name} for c in env().config.communities]
        if community_scope(session.staff) is None and len(env().config.communities) > 1
        else []
    )
    return render(
        request,
        "notices.html",
        _notice_context(
            session,
            notices=await notices.visible(session.staff),
            communities=communities,
            text=text,
            flash=flash,
        ),
        status=status,
    )


@signed_in
async def notice_new(request: web.Request, session) -> web.StreamResponse:
    """The same draft and preview as ``/notice`` in chat; the page then asks to confirm."""
    from handlers import notices
    from handlers.notice_report import CONSOLE
    from models.outbox import transaction

    form = request[FORM]
    lines = (" ".join(line.split()) for line in str(form.get("text", "")).splitlines())
    text = "\n".join(line for line in lines if line)[:2000]  # the office's line breaks kept
    async with transaction() as conn:
        preview, buttons = await notices.draft(
            session.staff,
            CONSOLE,
            f"staff:{session.staff.id}",
            text,
            conn,
            community_code=str(form.get("community", "")) or None,
        )
    if buttons is None:  # how to write one, or nobody lives there: said above the form,
        # with what was typed still in it
        return await _notices_view(
            request, session, str(form.get("text", ""))[:2000], {"text": preview, "ok": False}
        )
    notice_id = buttons[0][0]["data"].rsplit(":", 1)[1]
    raise web.HTTPSeeOther(f"/console/notices/{notice_id}")


async def _notice_for(request: web.Request, session):
    from handlers import notices
    from models.tables import Notice

    notice_id = row_id(request.match_info["id"])
    notice = await Notice.get_or_none(id=notice_id) if notice_id else None
    if not notices.may_see(session.staff, notice):
        raise web.HTTPNotFound(text="没有这条通知")
    return notice


@signed_in
async def notice_page(request: web.Request, session) -> web.Response:
    from handlers import notice_report, notices

    notice = await _notice_for(request, session)
    preview = report = None
    if notice.status == "draft":
        people = await notices.recipients(await notice.community, notices.targets_of(notice))
        preview = notices.preview_text(notice, people)
    elif notice.status != "cancelled":
        found = await notice_report.notice_report(notice.id)
        report = notice_report.render_report(found) if found else None
        if found and found.pending:
            report += env().texts("staff.notice_console_pending", n=found.pending)
    return render(
        request,
        "notice.html",
        _notice_context(
            session, notice=notice, preview=preview, report=report, flash=_take_flash(request)
        ),
    )


@signed_in
async def notice_act(request: web.Request, session) -> web.StreamResponse:
    from handlers import notices
    from models.outbox import notify_dispatcher, transaction
    from models.tables import Notice

    notice = await _notice_for(request, session)
    action = request.match_info["action"]
    async with transaction() as conn:
        if action == "send":
            answer = await notices.send(notice.id, session.staff, conn)
        else:
            answer = await notices.cancel(notice.id, session.staff, conn)
    notify_dispatcher()
    done = (await Notice.get(id=notice.id)).status != "draft"  # else refused: said in red
    response = web.HTTPSeeOther(f"/console/notices/{notice.id}")
    _flash(response, answer, ok=done and notice.status == "draft")
    raise response


# -- verifying residents (业主认证) ----------------------------------------------------------
@signed_in
async def verify_page(request: web.Request, session) -> web.Response:
    from handlers import verification_staff

    tz = env().config.tz
    texts = env().texts
    return render(
        request,
        "verify.html",
        base_context(
            session,
            claims=await verification_staff.pending(session.staff),
            platform_zh=lambda p: texts(f"staff.platform.{p}"),
            local=lambda at: f"{at.astimezone(tz):%m-%d %H:%M}" if at else "",
            flash=_take_flash(request),
        ),
    )


@signed_in
async def verify_decide(request: web.Request, session) -> web.StreamResponse:
    """The chat card's buttons, on the page: the same decision (``verification_staff.decide``)."""
    from handlers import verification_staff
    from models.outbox import notify_dispatcher, transaction

    answer = str(request[FORM].get("answer", ""))[:12]
    async with transaction() as conn:
        said = await verification_staff.decide(
            session.staff, row_id(request.match_info["claim"]), answer, conn
        )
    notify_dispatcher()
    response = web.HTTPSeeOther("/console/verify")
    _flash(response, said or env().texts("staff.verify_stale"), ok=said is not None)
    raise response


# -- the playground ----------------------------------------------------------------------
async def playground(request: web.Request) -> web.Response:
    session = await auth.current(request, _cfg(request).signer)
    from models.tables import Staff

    staff = await Staff.filter(active=True).order_by("id").values("id", "name", "role")
    texts = env().texts
    names = {
        r: texts(f"staff.role.{r}")
        for r in {x["role"] for x in staff}
        if f"staff.role.{r}" in texts.keys()
    }
    more = {"staff": staff, "role_names": names}
    context = base_context(session, **more) if session else {"session": None, **more}
    return render(request, "playground.html", context)
