"""``python -m bot run``: everything one worker runs, started and stopped in order.

database (migrated) → config mirrored → web server → channels → dispatcher →
scheduler. Ctrl-C (or SIGTERM) sets ``stop``; each part is then closed in reverse.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.dispatcher import Dispatcher, Sender
from bot.logs import quiet_bad_requests
from bot.settings import Settings
from bot.web import make_app
from models.domain.config import Config
from models.storage import migrate
from models.storage.db import close_db, open_db, sync_config
from scheduler.jobs import warn_unknown_holidays

log = logging.getLogger("guanjia")


@dataclass
class Runtime:
    """What a running worker holds; tests build one around fakes."""

    settings: Settings
    config: Config
    senders: dict[str, Sender] = field(default_factory=dict)
    channel_status: dict[str, str] = field(default_factory=dict)
    web_app: web.Application | None = None
    runner: web.AppRunner | None = None
    scheduler: AsyncIOScheduler | None = None
    tasks: list[asyncio.Task] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    closers: list = field(default_factory=list)
    channels: dict = field(default_factory=dict)  # name -> channel object (tests look inside)


def describe_channels(settings: Settings, config: Config | None = None) -> dict[str, str]:
    """Say plainly which channels run and how to turn on the others."""
    status = {}
    if settings.telegram_configured:
        mode = "webhook" if settings.telegram_webhook_url else "long polling"
        status["telegram"] = f"configured ({mode})"
    else:
        status["telegram"] = (
            "not configured: set TELEGRAM_BOT_TOKEN (from @BotFather) in the environment or .env"
        )
    if settings.wechat_configured:
        status["wechat"] = "configured (callback at /wechat)"
    else:
        status["wechat"] = (
            "not configured: set WECHAT_TOKEN, WECHAT_APP_ID, WECHAT_APP_SECRET "
            "(and WECHAT_AES_KEY for safe mode) from the Official Account's settings"
        )
    status["web"] = "web chat at /chat" if settings.webchat else "off (GUANJIA_WEBCHAT=false)"
    robots = [
        c.code
        for c in (config.communities if config else [])
        if c.stewards_chat.wecom_webhook or c.supervisors_chat.wecom_webhook
    ]
    status["wecom"] = (
        f"configured for {', '.join(robots)}"
        if robots
        else "not configured: set stewards_chat.wecom_webhook in guanjia.yaml"
    )
    return status


def unreached_stewards(settings: Settings, config: Config) -> list[str]:
    """The communities whose stewards' chat no running channel reaches: their cards,
    alerts and verification requests are seen only in the web console."""
    out = []
    for c in config.communities:
        chat = c.stewards_chat
        telegram = chat.telegram is not None and settings.telegram_configured
        if not (telegram or chat.wecom_webhook):
            out.append(c.code)
    return out


async def start(rt: Runtime, *, migrate_db: bool = True) -> None:
    rt.settings.check_demo()
    if rt.settings.demo_mode:
        rt.config = demo_timing(rt.config)
    settings, config = rt.settings, rt.config
    if migrate_db:
        applied = await migrate.upgrade(settings.database_url)
        if applied:
            log.info("database migrated: %s", ", ".join(applied))
    await open_db(settings.database_url)
    await sync_config(config)

    from nlp import init_nlp

    await asyncio.to_thread(init_nlp, config.nlp_rules)

    from handlers.context import setup as setup_handlers

    handlers_env = setup_handlers(config)
    warn_unknown_holidays(handlers_env.calendar, config)

    rt.channel_status = describe_channels(settings, config)
    for name, text in rt.channel_status.items():
        log.info("channel %s: %s", name, text)
    for code in unreached_stewards(settings, config):
        log.warning(
            "community %s: no stewards' chat any running channel reaches (stewards_chat in "
            "guanjia.yaml): its cards, alerts and verification requests are seen only in the "
            "web console (/console, /console/verify)",
            code,
        )

    rt.web_app = make_app(rt.channel_status)
    channels = []
    demo = settings.demo_mode
    if demo:
        log.warning(
            "DEMO MODE: no platform configured, SQLite, loopback only: the console at "
            "%s/console/playground lets anyone on this machine sign in as a demo staff "
            "member; the follow-up is asked a minute after resolution and no quiet hours "
            "hold it (GUANJIA_DEMO=off turns all this off)",
            settings.public_url,
        )
    from bot.console import setup_console
    from bot.console.auth import load_secret
    from handlers.report import set_files_dir

    secret = load_secret(settings.console_secret, settings.console_secret_file)
    setup_console(rt.web_app, secret=secret, public_url=settings.public_url, demo=demo)
    set_files_dir(Path(settings.media_dir).parent / "reports")
    if settings.webchat:
        from bot.channels.webchat import WebChatChannel

        webchat = WebChatChannel(secret, settings.media_dir, demo=demo)
        webchat.add_routes(rt.web_app)
        rt.senders["web"] = webchat.sender
        channels.append(webchat)
    if settings.telegram_configured:
        from bot.channels.telegram import TelegramChannel

        telegram = TelegramChannel(settings)
        telegram.add_routes(rt.web_app)
        rt.senders["telegram"] = telegram.sender
        channels.append(telegram)
    if settings.wechat_configured:
        from bot.channels.wechat import WeChatChannel

        wechat = WeChatChannel(settings, config)
        wechat.add_routes(rt.web_app)
        rt.senders["wechat"] = wechat.sender
        channels.append(wechat)
    if any(
        c.stewards_chat.wecom_webhook or c.supervisors_chat.wecom_webhook
        for c in config.communities
    ):  # WeCom group robots need no credentials: the webhook URL is the key
        from bot.channels.wecom_sender import WeComSender

        wecom = WeComSender()
        rt.senders["wecom"] = wecom
        rt.closers.append(wecom.close)
        rt.channels["wecom"] = wecom
    quiet_bad_requests()
    rt.runner = web.AppRunner(rt.web_app, access_log=None)
    await rt.runner.setup()
    site = web.TCPSite(rt.runner, settings.http_host, settings.http_port)
    await site.start()
    log.info(
        "http server on http://%s:%s (/healthz, /metrics, /console%s)",
        settings.http_host,
        settings.http_port,
        ", /chat" if settings.webchat else "",
    )

    for channel in channels:
        rt.channels[type(channel).__name__.removesuffix("Channel").lower()] = channel
        rt.closers.append(channel.stop)
        try:
            await channel.start()
        except Exception as e:  # the platform is unreachable now: keep serving, try again
            log.error(
                "%s could not start (%s); retrying in the background", type(channel).__name__, e
            )
            rt.tasks.append(asyncio.create_task(_start_later(channel, rt.stop)))

    dispatcher = Dispatcher(rt.senders, config.outbox)
    rt.tasks.append(asyncio.create_task(dispatcher.run_forever(rt.stop), name="dispatcher"))

    from scheduler.jobs import install

    rt.scheduler = AsyncIOScheduler(timezone=config.tz)
    install(rt.scheduler, config, settings.sweep_seconds)
    rt.scheduler.start()
    settle_memory()


def demo_timing(config: Config) -> Config:
    """The playground's clock: the follow-up a minute after resolution, no quiet hours,
    so that a visitor sees the whole loop (report → claim → reply → resolve → 回访)."""
    from datetime import time

    from models.domain.config import QuietHours

    return config.model_copy(
        update={
            "deadlines": config.deadlines.model_copy(update={"followup_after_minutes": 1}),
            "quiet_hours": QuietHours(start=time(0), end=time(0)),
        }
    )


def settle_memory() -> None:
    """What start-up made (the language model's dictionaries, the config, the
    templates, the libraries) lives as long as the process: collect once, then freeze
    it out of the garbage collector's sight, so that its full collections, which
    walked all of it (20-25 ms each, measured here, in the middle of a message),
    look only at what came after."""
    gc.collect()
    gc.freeze()


async def _start_later(channel, stop: asyncio.Event, every: float = 30.0) -> None:
    """Retry a channel that could not start (network down at boot)."""
    while not stop.is_set():
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every)
        if stop.is_set():
            return
        try:
            await channel.start()
        except Exception as e:
            log.error("%s still cannot start: %s", type(channel).__name__, e)
            continue
        log.info("%s started", type(channel).__name__)
        return


async def shutdown(rt: Runtime) -> None:
    rt.stop.set()
    if rt.scheduler is not None:
        rt.scheduler.shutdown(wait=False)
    for task in rt.tasks:
        with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=5)
    for close in reversed(rt.closers):
        with contextlib.suppress(Exception):
            await close()
    if rt.runner is not None:
        await rt.runner.cleanup()
    await close_db()


async def serve(settings: Settings, config: Config) -> None:
    rt = Runtime(settings, config)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, rt.stop.set)
    try:
        await start(rt)
        log.info("Guanjia is running; press Ctrl-C to stop")
        await rt.stop.wait()
        log.info("stopping")
    finally:
        await shutdown(rt)
        log.info("stopped")
