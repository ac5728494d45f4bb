"""The APScheduler jobs of a worker: short, frequent sweeps over what is due in the
database, and the shift handovers. Nothing per ticket lives in memory, so a
restart loses nothing and the first sweep at start-up sends whatever came due
while the process was down."""

from __future__ import annotations

import logging
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from handlers.deadline_steps import sweep
from handlers.handover import run_handover
from models.domain.config import Config

log = logging.getLogger(__name__)


async def sweep_job() -> None:
    try:
        steps = await sweep()
    except Exception:  # the next run tries again; nothing is lost, the rows are still due
        log.exception("deadline sweep failed")
        return
    if steps:
        log.info("deadline sweep: %d step(s)", steps)


async def outage_job() -> None:
    """Incident cards whose count moved, and notices whose messages are all out."""
    from handlers import incident_actions, notice_report

    try:
        await incident_actions.sweep()
        await notice_report.sweep()
    except Exception:  # the next run tries again
        log.exception("incident and notice sweep failed")


async def recover_job() -> None:
    """Messages stored by a worker that stopped before handling them."""
    from handlers.router import recover

    try:
        done = await recover()
    except Exception:
        log.exception("recovering unhandled messages failed")
        return
    if done:
        log.warning("handled %d message(s) left unhandled by a stopped worker", done)


async def monthly_report_job() -> None:
    from handlers.report import send_monthly

    try:
        await send_monthly()
    except Exception:
        log.exception("monthly complaint report failed")


async def handover_job(slot) -> None:
    try:
        await run_handover(slot)
    except Exception:
        log.exception("shift handover %s failed", slot)
    from handlers.handover import is_end_of_day

    if is_end_of_day(slot):  # the evening handover: yesterday's digest to the supervisors
        from handlers.digest import send_daily

        try:
            await send_daily()
        except Exception:
            log.exception("daily digest failed")


def warn_unknown_holidays(calendar, config: Config) -> list[int]:
    """Say when the public holidays of this or the coming year are unknown (the
    chinesecalendar package learns each year when the State Council publishes it)."""
    from models.domain.clock import now

    years = calendar.unknown_years(now().astimezone(config.tz).date())
    for year in years:
        log.warning(
            "public holidays of %s are not known yet: upgrade chinesecalendar, or list the "
            "year's holidays and 调休 working days under business_hours.holidays and "
            "business_hours.extra_workdays; until then only weekends are days off",
            year,
        )
    return years


async def holidays_job() -> None:
    """Every morning: a process that runs across New Year still says when the coming
    year's holidays are not known yet (not only at its start)."""
    from handlers.context import env

    warn_unknown_holidays(env().calendar, env().config)


def install(scheduler: AsyncIOScheduler, config: Config, sweep_seconds: float) -> None:
    scheduler.add_job(
        sweep_job,
        "interval",
        seconds=sweep_seconds,
        id="sweep",
        next_run_time=datetime.now(config.tz),
        max_instances=1,
        coalesce=True,
    )
    scheduler.add_job(
        outage_job,
        "interval",
        seconds=min(sweep_seconds, 5.0),
        id="outage",
        next_run_time=datetime.now(config.tz),
        max_instances=1,
        coalesce=True,
    )
    scheduler.add_job(
        recover_job,
        "interval",
        seconds=60,
        id="recover",
        next_run_time=datetime.now(config.tz),
        max_instances=1,
        coalesce=True,
    )
    scheduler.add_job(
        holidays_job,
        CronTrigger(hour=8, minute=0, timezone=config.tz),
        id="holidays",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=3600,
    )
    scheduler.add_job(
        monthly_report_job,
        CronTrigger(day=1, hour=9, minute=0, timezone=config.tz),
        id="complaint-report",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=3600,
    )
    for slot in config.handover_times:
        scheduler.add_job(
            handover_job,
            CronTrigger(hour=slot.hour, minute=slot.minute, timezone=config.tz),
            args=[slot],
            id=f"handover-{slot:%H%M}",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=600,
        )
