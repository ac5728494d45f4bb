"""The supervisors' web console on the one aiohttp server (``/console``): the queue,
each ticket with its history and the actions of chat, the month's statistics with
charts, and exports. Server-rendered (aiohttp-jinja2), readable on a phone; the
charts are drawn in the page by Chart.js, served from ``static/vendor`` (MIT licence
beside it), never from a CDN.

Every route but the sign-in link and the static files needs a session; every POST its
CSRF token; every ticket is looked up through ``handlers.permissions``. Actions go
through ``handlers.console_actions`` — the chat's own service code."""

from __future__ import annotations

from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.console import auth, views

STATIC = Path(__file__).with_name("static")


def setup_console(
    app: web.Application,
    *,
    secret: bytes,
    public_url: str,
    demo: bool = False,
) -> None:
    from handlers import console_auth

    console_auth.configure(public_url)
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.PackageLoader("bot.console", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        app_key=views.TEMPLATES,
    )
    env.globals["demo"] = demo
    app[views.CONFIG] = views.ConsoleConfig(
        auth.Signer(secret), secure=public_url.startswith("https://"), demo=demo
    )
    app.middlewares.append(views.headers)
    app.middlewares.append(views.drop_flash)
    r = app.router
    r.add_static("/console/static", STATIC, name="console_static", append_version=True)
    r.add_get("/console", views.queue_page)
    r.add_get("/console/", views.queue_page)
    r.add_get("/console/login/{token}", views.login_page)
    r.add_post("/console/login/{token}", views.login)
    r.add_post("/console/logout", views.logout)
    r.add_get("/console/queue/rows", views.queue_rows)
    r.add_get("/console/queue.xlsx", views.queue_xlsx)
    r.add_get("/console/t/{number}", views.ticket_page)
    r.add_post("/console/t/{number}/act", views.ticket_act)
    r.add_post("/console/t/{number}/contact", views.ticket_contact)
    r.add_get("/console/media/{event}/{n}", views.media)
    r.add_get("/console/stats", views.stats_page)
    r.add_get("/console/stats/trend.json", views.stats_trend)
    r.add_get("/console/stats/list", views.stats_list)
    r.add_get("/console/stats/list.xlsx", views.stats_list_xlsx)
    r.add_get("/console/stats.xlsx", views.stats_xlsx)
    r.add_get("/console/stats/chart.png", views.stats_png)
    r.add_get("/console/verify", views.verify_page)
    r.add_post("/console/verify/{claim}", views.verify_decide)
    r.add_get("/console/notices", views.notices_page)
    r.add_post("/console/notices", views.notice_new)
    r.add_get("/console/notices/{id}", views.notice_page)
    r.add_post(r"/console/notices/{id}/{action:send|cancel}", views.notice_act)
    if demo:
        r.add_get("/console/playground", views.playground)
        r.add_post("/console/demo-login", views.demo_login)
