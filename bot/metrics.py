"""Prometheus metrics. Counters of what this process did (attempt failures) live
in memory; everything that several workers share (messages in and out, tickets by
status, outbox backlog) is counted from the database, so any worker reports the
truth for the whole deployment."""

from __future__ import annotations

from collections import Counter

_counters: Counter[tuple[str, tuple[tuple[str, str], ...]]] = Counter()


def inc(name: str, amount: int = 1, **labels: str) -> None:
    _counters[(name, tuple(sorted(labels.items())))] += amount


def value(name: str, **labels: str) -> int:
    return _counters[(name, tuple(sorted(labels.items())))]


def _line(name: str, labels: dict[str, str] | tuple, val: float) -> str:
    items = labels.items() if isinstance(labels, dict) else labels
    inner = ",".join(f'{k}="{v}"' for k, v in items)
    return f"{name}{{{inner}}} {val}" if inner else f"{name} {val}"


async def render() -> str:
    from tortoise.functions import Count

    from models.domain.clock import now
    from models.tables import InboundMessage, Outbox, OutboxStatus, Ticket

    out: list[str] = []

    def block(name: str, kind: str, help_text: str, rows: list[str]) -> None:
        out.append(f"# HELP {name} {help_text}")
        out.append(f"# TYPE {name} {kind}")
        out.extend(rows)

    inbound = (
        await InboundMessage.annotate(n=Count("id")).group_by("platform").values("platform", "n")
    )
    block(
        "guanjia_messages_in_total",
        "counter",
        "Messages received, by platform.",
        [_line("guanjia_messages_in_total", {"platform": r["platform"]}, r["n"]) for r in inbound],
    )
    sent = (
        await Outbox.filter(status=OutboxStatus.SENT)
        .annotate(n=Count("id"))
        .group_by("platform")
        .values("platform", "n")
    )
    block(
        "guanjia_messages_out_total",
        "counter",
        "Messages sent, by platform.",
        [_line("guanjia_messages_out_total", {"platform": r["platform"]}, r["n"]) for r in sent],
    )
    tickets = await Ticket.annotate(n=Count("id")).group_by("status").values("status", "n")
    block(
        "guanjia_tickets",
        "gauge",
        "Tickets by status.",
        [_line("guanjia_tickets", {"status": r["status"]}, r["n"]) for r in tickets],
    )
    backlog = await Outbox.filter(status=OutboxStatus.PENDING).count()
    failed = await Outbox.filter(status=OutboxStatus.FAILED).count()
    oldest = await Outbox.filter(status=OutboxStatus.PENDING).order_by("created_at").first()
    age = (now() - oldest.created_at).total_seconds() if oldest else 0.0
    block(
        "guanjia_outbox_backlog",
        "gauge",
        "Messages waiting to be sent.",
        [_line("guanjia_outbox_backlog", {}, backlog)],
    )
    block(
        "guanjia_outbox_oldest_pending_seconds",
        "gauge",
        "Age of the oldest waiting message.",
        [_line("guanjia_outbox_oldest_pending_seconds", {}, round(age, 3))],
    )
    block(
        "guanjia_outbox_failed",
        "gauge",
        "Messages given up after all attempts.",
        [_line("guanjia_outbox_failed", {}, failed)],
    )
    unhandled = await InboundMessage.filter(status="failed").count()
    block(
        "guanjia_inbound_failed",
        "gauge",
        "Messages stored whose handling failed: a person should look at them.",
        [_line("guanjia_inbound_failed", {}, unhandled)],
    )
    failures = [
        _line(name, labels, v)
        for (name, labels), v in sorted(_counters.items())
        if name == "dispatcher_failures_total"
    ]
    block(
        "guanjia_dispatcher_failures_total",
        "counter",
        "Failed send attempts in this process, by platform.",
        [
            f.replace("dispatcher_failures_total", "guanjia_dispatcher_failures_total", 1)
            for f in failures
        ],
    )
    return "\n".join(out) + "\n"
