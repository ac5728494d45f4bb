"""Logging for the commands: plain lines for a person at a terminal, or one JSON object
per line for a log collector (``GUANJIA_LOG_FORMAT=json``). Either way, a line about
a ticket carries its number (``models.telemetry``)."""

from __future__ import annotations

import logging
import os
import sys

from pythonjsonlogger.json import JsonFormatter

from models.telemetry import TicketFilter

QUIET = ("tortoise", "aiosqlite", "asyncio", "httpx", "apscheduler", "aerich", "aiohttp.access")


class TextFormatter(logging.Formatter):
    """``2026-12-03 10:00:00 INFO handlers.staff [20261203-0007] message``."""

    def format(self, record: logging.LogRecord) -> str:
        number = getattr(record, "ticket", None)
        record.ticket_tag = f" [{number}]" if number else ""
        return super().format(record)


class BadRequestFilter(logging.Filter):
    """aiohttp logs a request it cannot parse (a request line over 8,190 bytes, a broken
    header) as an ERROR with a traceback, although it answered 400 and nothing of ours
    ran: one WARNING line instead, without the request's bytes."""

    def filter(self, record: logging.LogRecord) -> bool:
        from aiohttp.http_exceptions import HttpProcessingError

        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, HttpProcessingError):
            record.msg, record.args = "refused a malformed HTTP request (%s)", (type(exc).__name__,)
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def quiet_bad_requests() -> None:
    """Install ``BadRequestFilter`` on aiohttp's server logger (once)."""
    server = logging.getLogger("aiohttp.server")
    if not any(isinstance(f, BadRequestFilter) for f in server.filters):
        server.addFilter(BadRequestFilter())


def setup_logging(verbose: bool = False, log_format: str | None = None) -> None:
    """Configure the root logger once for the process (a command's first step)."""
    log_format = (log_format or os.environ.get("GUANJIA_LOG_FORMAT") or "text").lower()
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(TicketFilter())
    if log_format == "json":
        handler.setFormatter(
            JsonFormatter(
                "{asctime}{levelname}{name}{message}{ticket}",
                style="{",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                json_ensure_ascii=False,
            )
        )
    else:
        handler.setFormatter(
            TextFormatter("%(asctime)s %(levelname)s %(name)s%(ticket_tag)s: %(message)s")
        )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for noisy in QUIET:
        logging.getLogger(noisy).setLevel(logging.WARNING)
