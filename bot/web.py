"""The one aiohttp server: health, metrics, and the routes channels add
(Telegram webhook, WeChat callback)."""

from __future__ import annotations

import logging

from aiohttp import web

from bot import metrics
from models.domain.clock import now
from models.storage import statements
from models.tables import Outbox, OutboxStatus

log = logging.getLogger(__name__)

CHANNELS = web.AppKey("channels", dict)


async def healthz(request: web.Request) -> web.Response:
    """200 when the database answers; the outbox backlog tells whether sending keeps up."""
    try:
        await statements.client().execute_query("SELECT 1")
        backlog = await Outbox.filter(status=OutboxStatus.PENDING).count()
        oldest = await Outbox.filter(status=OutboxStatus.PENDING).order_by("created_at").first()
    except Exception as e:
        log.warning("health check: database unreachable: %s", e)
        return web.json_response({"status": "error", "database": "unreachable"}, status=503)
    age = round((now() - oldest.created_at).total_seconds(), 3) if oldest else 0.0
    return web.json_response(
        {
            "status": "ok",
            "database": "ok",
            "outbox_backlog": backlog,
            "outbox_oldest_pending_s": age,
            "channels": request.app[CHANNELS],
        }
    )


async def metrics_view(request: web.Request) -> web.Response:
    body = await metrics.render()
    return web.Response(
        text=body,
        content_type="text/plain",
        charset="utf-8",
        headers={"X-Prometheus-Format": "0.0.4"},
    )


def make_app(channels: dict[str, str] | None = None) -> web.Application:
    app = web.Application(client_max_size=4 * 1024 * 1024)
    app[CHANNELS] = channels or {}
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_view)
    return app
