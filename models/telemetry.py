"""What a worker tells its operators: Prometheus instruments, and the ticket that a log
line is about.

Counters count what this process did (Prometheus adds the workers up); the gauges of
the deployment's state (backlog, unfinished tickets) are set by
``handlers.status.refresh_gauges`` from the shared database, at most every few
seconds, never by scanning a whole table per scrape.

Every log line written while a ticket is being worked on carries its number: the
code that opens, moves or records a ticket says so with ``about_ticket``, and
``TicketFilter`` (installed by ``bot.logs``) puts it on each record as ``ticket``.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from contextvars import ContextVar

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    PlatformCollector,
    ProcessCollector,
)

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)
GCCollector(registry=REGISTRY)

MESSAGES_IN = Counter(
    "guanjia_messages_in",
    "Messages received by this worker, by platform.",
    ["platform"],
    registry=REGISTRY,
)
MESSAGES_OUT = Counter(
    "guanjia_messages_out",
    "Messages sent by this worker, by platform.",
    ["platform"],
    registry=REGISTRY,
)
SEND_FAILURES = Counter(
    "guanjia_send_failures",
    "Failed send attempts of this worker, by platform and whether they will be retried.",
    ["platform", "retried"],
    registry=REGISTRY,
)
TICKETS_OPENED = Counter(
    "guanjia_tickets_opened", "Tickets this worker opened, by kind.", ["kind"], registry=REGISTRY
)

TICKETS = Gauge(
    "guanjia_tickets",
    "Unfinished tickets of the deployment, by status.",
    ["status"],
    registry=REGISTRY,
)
OUTBOX_BACKLOG = Gauge(
    "guanjia_outbox_backlog", "Messages waiting to be sent (whole deployment).", registry=REGISTRY
)
OUTBOX_OLDEST = Gauge(
    "guanjia_outbox_oldest_pending_seconds",
    "Age of the oldest message waiting to be sent.",
    registry=REGISTRY,
)
OUTBOX_FAILED = Gauge(
    "guanjia_outbox_failed", "Messages that could not be delivered.", registry=REGISTRY
)
INBOUND_FAILED = Gauge(
    "guanjia_inbound_failed",
    "Messages stored whose handling failed: a person should look at them.",
    registry=REGISTRY,
)

PLATFORM_FAILING = Gauge(
    "guanjia_platform_failing_seconds",
    "How long each platform has been failing (0: it works).",
    ["platform"],
    registry=REGISTRY,
)

_ticket: ContextVar[str | None] = ContextVar("guanjia_ticket", default=None)


def about_ticket(number: str | None) -> None:
    """From here on (in this task), log lines are about ticket ``number``."""
    _ticket.set(number)


@contextlib.contextmanager
def ticket_scope(number: str | None = None) -> Iterator[None]:
    """Log lines in this block are about ``number`` (None: no ticket yet); the ticket
    of the surrounding code comes back after it."""
    token = _ticket.set(number)
    try:
        yield
    finally:
        _ticket.reset(token)


def current_ticket() -> str | None:
    return _ticket.get()


class TicketFilter(logging.Filter):
    """Puts the current ticket's number on every record (``record.ticket``, None when
    the line is about no ticket)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "ticket"):
            record.ticket = _ticket.get()
        return True
