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
