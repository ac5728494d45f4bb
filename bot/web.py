"""The one aiohttp server: health, metrics, and the routes channels add
(Telegram webhook, WeChat callback)."""

from __future__ import annotations

import logging

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from handlers import status
from models.telemetry import REGISTRY

log = logging.getLogger(__name__)

CHANNELS = web.AppKey("channels", dict)


async def healthz(request: web.Request) -> web.Response:
    """200 when the database answers; the outbox backlog tells whether sending keeps up."""
    try:
        state = await status.health()
    except Exception as e:
        log.warning("health check: database unreachable: %s", e)
        return web.json_response({"status": "error", "database": "unreachable"}, status=503)
    return web.json_response({"status": "ok", **state, "channels": request.app[CHANNELS]})


async def metrics_view(request: web.Request) -> web.Response:
    try:
        await status.refresh_gauges()
    except Exception as e:  # the process's own counters are still worth reading
        log.warning("metrics: database unreachable: %s", e)
    return web.Response(
        body=generate_latest(REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST}
    )


def make_app(channels: dict[str, str] | None = None) -> web.Application:
    app = web.Application(client_max_size=4 * 1024 * 1024)
    app[CHANNELS] = channels or {}
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_view)
    return app
