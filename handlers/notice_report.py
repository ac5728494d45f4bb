"""What became of a notice: per platform, how many residents it was for, how many
received it, failed, or blocked us (a blocked bot, an unfollowed Official Account), and
which units no copy reached.

``sweep`` (the scheduler, every few seconds) reports each notice once all its messages
are sent or given up, in the chat it was written in; ``notice_report`` gives the same
figures to the console's notice page at any time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from handlers.context import env
from models.domain.clock import now
from models.outbox import notify_dispatcher, queue_message, transaction
from models.storage.statements import fetch, update_where
from models.tables import Notice, NoticeDelivery

MISSED_LISTED = 20


CONSOLE = "console"  # a notice written in the web console: no chat to report back to


def t(key: str, **values: Any) -> str:
    return env().texts(key, "hans", **values)


@dataclass
class PlatformFigures:
    recipients: int = 0
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    pending: int = 0
    template: int = 0  # WeChat: of the sent, how many as a template message


@dataclass
class NoticeReport:
    """What became of a notice (the console's notice page, and the sender's report)."""

    id: int
    status: str
    kind: str
    targets: str
    text: str
    households: int
    recipients: int
    created_at: datetime
    sent_at: datetime | None
    done_at: datetime | None
    platforms: dict[str, PlatformFigures] = field(default_factory=dict)
    missed_units: list[str] = field(default_factory=list)
    deliveries: list[dict[str, Any]] = field(default_factory=list)

    @property
    def pending(self) -> int:
        return sum(p.pending for p in self.platforms.values())


def outcome(outbox_status: str | None, error: str | None) -> str:
    """sent | pending | blocked (the bot blocked, the account unfollowed) | failed."""
    if outbox_status == "sent":
        return "sent"
    if outbox_status in (None, "pending"):
        return "pending" if outbox_status else "failed"
    low = (error or "").lower()
    if any(w in low for w in ("blocked", "forbidden", "does not follow", "43004", "deactivated")):
        return "blocked"
    return "failed"


async def notice_report(
    notice_id: int, conn: BaseDBAsyncClient | None = None
) -> NoticeReport | None:
    """A notice's delivery report, as it stands now: per platform, how many residents
    it was sent to, how many received it, failed, blocked, or still wait; each
    delivery (unit, platform, outcome); the units no copy reached."""
    notice = await Notice.get_or_none(id=notice_id).using_db(conn)
    if notice is None:
        return None
    rows = await fetch(
        'SELECT d."id" AS id, d."platform" AS platform, d."unit_id" AS unit_id, '
        'd."resident_id" AS resident_id, o."status" AS status, o."last_error" AS error, '
        'o."platform_message_id" AS message_id, u."label" AS label '
        'FROM "notice_delivery" d LEFT JOIN "outbox" o ON o."id" = d."outbox_id" '
        'LEFT JOIN "unit" u ON u."id" = d."unit_id" WHERE d."notice_id" = ? ORDER BY d."id"',
        [notice.id],
        conn,
    )
    report = NoticeReport(
        id=notice.id,
        status=notice.status,
        kind=notice.kind,
        targets=notice.target_label,
        text=notice.text,
        households=notice.households,
        recipients=len(rows),
        created_at=notice.created_at,
        sent_at=notice.sent_at,
        done_at=notice.done_at,
    )
    reached: set[Any] = set()
    units: dict[Any, str] = {}
    for row in rows:
        figures = report.platforms.setdefault(row["platform"], PlatformFigures())
        figures.recipients += 1
        result = outcome(row["status"], row["error"])
        setattr(figures, result, getattr(figures, result) + 1)
        if result == "sent" and row["platform"] == "wechat" and row["message_id"]:
            figures.template += 1  # WeChat answers a template message with its msgid
        household = row["unit_id"] or -(row["resident_id"] or 0)
        units[household] = row["label"] or "未登记"
        if result in ("sent", "pending"):
            reached.add(household)
        report.deliveries.append(
            {
                "id": row["id"],
                "platform": row["platform"],
                "unit": row["label"] or "未登记",
                "resident_id": row["resident_id"],
                "outcome": result,
            }
        )
    report.missed_units = sorted((units[h] for h in units if h not in reached), key=_natural)
    return report


def _natural(label: str) -> list:
    """3栋2单元101 before 3栋11单元101."""
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", label)]


def render_report(report: NoticeReport) -> str:
    lines = []
    for platform, f in sorted(report.platforms.items()):
        extra = t("staff.notice_report_template", n=f.template) if f.template else ""
        lines.append(
            t(
                "staff.notice_report_line",
                platform=t(f"staff.platform.{platform}"),
                recipients=f.recipients,
                sent=f.sent,
                failed=f.failed,
                blocked=f.blocked,
                extra=extra,
            )
        )
    missed = ""
    if report.missed_units:
        shown = "、".join(report.missed_units[:MISSED_LISTED])
        more = len(report.missed_units) - MISSED_LISTED
        missed = t(
            "staff.notice_report_missed",
            units=shown + (f" 等 {len(report.missed_units)} 户" if more > 0 else ""),
        )
    return t(
        "staff.notice_report",
        id=report.id,
        targets=report.targets,
        kind=t(f"staff.notice_kind.{report.kind}"),
        households=report.households,
        lines="\n".join(lines),
        missed=missed,
    )


async def sweep() -> int:
    """Report every notice whose messages are all out (sent or given up); returns how
    many were reported. Once per notice: the report goes with the conditional update
    that marks it done."""
    done = 0
    for notice in await Notice.filter(status="sending").order_by("id"):
        report = await notice_report(notice.id)
        if report is None or report.pending:
            continue
        async with transaction() as conn:
            won = await update_where(
                Notice,
                {"id": notice.id, "status": "sending"},
                {"status": "done", "done_at": now()},
                conn,
            )
            if not won:
                continue
            for result in ("sent", "failed", "blocked"):
                ids = [d["id"] for d in report.deliveries if d["outcome"] == result]
                for start in range(0, len(ids), 500):
                    await (
                        NoticeDelivery.filter(id__in=ids[start : start + 500])
                        .using_db(conn)
                        .update(status=result)
                    )
            report.status = "done"
            if notice.origin_platform != CONSOLE:  # a console notice's page is its report
                await queue_message(
                    notice.origin_platform, notice.origin_chat, render_report(report), conn=conn
                )
        done += 1
    if done:
        notify_dispatcher()
    return done
