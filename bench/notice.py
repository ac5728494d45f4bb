"""A notice to 2,000 households, within Telegram's limits.

    python bench/notice.py [--households 2000] [--blocked 20] [--timeout 400]

The real runtime runs in a process of its own (``bench/outage_runtime.py``: SQLite,
webhook mode, the production ``TelegramLimits``, real time) with building 3's 2,000
households bound to their units; the fake Bot API server in this process enforces
Telegram's limits (``enforce_limits()``: 429 with retry_after over 30 messages a second
overall, 3 per 3 s per private chat, 20 a minute per group). ``--blocked`` residents
have blocked the bot (the fake answers 403 to them).

A steward writes ``/notice 3栋 明天9:00-12:00停水检修，请提前储水`` in the stewards' group
and presses 确认发送 on the preview, both through the webhook. Measured:

* ``msgs_per_s``: the sustained rate of the notice's messages as the fake received them:
  the median of the counts of each whole second between the 5th and the 95th
  percentile of their arrivals (``msgs_per_s_min_max``: the lowest and highest second);
  ``mean_msgs_per_s`` is their mean rate over the same stretch, ``overall_msgs_per_s``
  from the first to the last, ``delivered_per_s`` of the delivered copies only. A copy
  refused because the resident blocked the bot counts: it counts against Telegram's
  rate. The dispatcher books Telegram's overall rate at 28 a second
  (``TelegramLimits``), so no mean can exceed 28.0: each slot a lane misses lowers it;
* ``status_429``: answers 429 the fake gave;
* ``report_matches``: the delivery report the steward receives in the group (its
  figures, parsed) and the service's ``notice_report`` both equal what the fake
  received: as many sent as residents who got the notice once, as many blocked as
  refused with 403, none failed, nobody twice.

Target (issue 20): msgs_per_s >= 28 (93 % of 30), zero 429, the report matches.
Prints ONE JSON object on stdout; logs go to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
for path in (str(BENCH.parent), str(BENCH)):
    if path not in sys.path:
        sys.path.insert(0, path)

import aiohttp  # noqa: E402
from outage_runtime import (  # noqa: E402
    FIRST_USER,
    SECRET,
    STEWARD_ID,
    STEWARDS,
    BotProcess,
    spec_for,
)
from telegram_e2e import BenchTelegram, git_state, pct  # noqa: E402

log = logging.getLogger("bench")
SHAPE = (20, 25, 4)  # building 3: 20 entrances, 25 floors, 4 flats a floor (2,000 units)
NOTICE = "/notice 3栋 明天9:00-12:00停水检修，请提前储水"
LINE = re.compile(r"Telegram：共 (\d+) 人，送达 (\d+)，失败 (\d+)，已屏蔽或取关 (\d+)")


async def webhook(session: aiohttp.ClientSession, url: str, update: dict) -> None:
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
    body = json.dumps(update, ensure_ascii=False).encode()
    async with session.post(url, data=body, headers=headers) as response:
        await response.read()
        if response.status != 200:
            raise RuntimeError(f"webhook answered {response.status}")


def is_notice(call) -> bool:
    chat = call.params.get("chat_id")
    return isinstance(chat, int) and chat > 0 and "停水通知" in str(call.params.get("text") or "")


async def run(args) -> dict[str, Any]:
    async with BenchTelegram() as tg:
        tg.enforce_limits()
        users = [FIRST_USER + i for i in range(args.households)]
        blocked = set(users[:: max(1, args.households // args.blocked)][: args.blocked])
        for user in blocked:
            tg.block(user)
        with tempfile.TemporaryDirectory(prefix="guanjia-notice-") as tmp:
            spec = spec_for(tg, tmp, args.households, SHAPE)
            url = f"http://127.0.0.1:{spec['port']}/telegram/webhook"
            async with BotProcess(spec) as bot, aiohttp.ClientSession() as session:
                since = tg.mark()
                await webhook(
                    session,
                    url,
                    tg.make_text_update(STEWARD_ID, STEWARDS, NOTICE, chat_type="supergroup"),
                )
                preview = await tg.wait_for(
                    "sendMessage",
                    lambda c: c.params.get("chat_id") == STEWARDS and "通知预览" in c.text,
                    since=since,
                    timeout=30,
                )
                button = preview.buttons[0][0]["callback_data"]
                message = preview.result["message_id"]
                confirmed = time.monotonic()
                await webhook(
                    session, url, tg.make_callback_update(STEWARD_ID, STEWARDS, message, button)
                )
                report = await tg.wait_for(
                    "sendMessage",
                    lambda c: c.params.get("chat_id") == STEWARDS and "送达报告" in c.text,
                    since=since,
                    timeout=args.timeout,
                )
                process = await bot.finish()
        calls = tg.calls()[since:]
        # every copy the fake took in counts against Telegram's rate, delivered or refused
        arrivals = sorted(c.at for c in calls if c.status in (200, 403) and is_notice(c))
        delivered_at = sorted(c.at for c in calls if c.ok and is_notice(c))
        received = Counter(c.params["chat_id"] for c in calls if c.ok and is_notice(c))
        refused = Counter(c.params["chat_id"] for c in calls if c.status == 403 and is_notice(c))
        others = [c for c in calls if not c.ok and c.status not in (403, 429)]
        span = arrivals[-1] - arrivals[0] if len(arrivals) > 1 else None
        low, high = pct(arrivals, 5), pct(arrivals, 95)
        steady = [a for a in arrivals if low <= a <= high]
        seconds = per_second(steady)
        figures = LINE.search(report.text or "")
        told = tuple(int(x) for x in figures.groups()) if figures else None
        service = (process.get("notices") or [{}])[0].get("platforms", {}).get("telegram", {})
        truth = (args.households, len(received), len(others), len(refused))
        out = {
            "bench": "notice",
            "households": args.households,
            "blocked": len(blocked),
            "delivered": len(received),
            "msgs_per_s": statistics.median(seconds) if seconds else None,
            "msgs_per_s_min_max": [min(seconds), max(seconds)] if seconds else None,
            "mean_msgs_per_s": round((len(steady) - 1) / (steady[-1] - steady[0]), 2)
            if len(steady) > 1
            else None,
            "overall_msgs_per_s": round((len(arrivals) - 1) / span, 2) if span else None,
            "delivered_per_s": round(
                (len(delivered_at) - 1) / (delivered_at[-1] - delivered_at[0]), 2
            )
            if len(delivered_at) > 1
            else None,
            "first_after_confirm_s": round(arrivals[0] - confirmed, 2) if arrivals else None,
            "all_sent_s": round(arrivals[-1] - confirmed, 2) if arrivals else None,
            "report_after_last_s": round(report.at - arrivals[-1], 2) if arrivals else None,
            "status_429": tg.status_429,
            "report": report.text,
            "report_figures": told,
            "service_figures": service,
            "received_figures": truth,
            "report_matches": told == truth
            and (service.get("sent"), service.get("blocked"), service.get("failed"))
            == (len(received), len(refused), 0)
            and blocked == set(refused)
            and all(n == 1 for n in received.values()),
            "bot_cpu_s": process.get("cpu_s"),
            "bot_peak_rss_mb": process.get("peak_rss_mb"),
            "outbox_pending_at_end": process.get("outbox_pending_at_end"),
        }
        out["targets"] = {
            "msgs_per_s_ge_28": out["msgs_per_s"] is not None and out["msgs_per_s"] >= 28,
            "no_429": tg.status_429 == 0,
            "report_matches": out["report_matches"],
        }
        out["git"] = git_state()
        return out


def per_second(arrivals: list[float]) -> list[int]:
    """How many arrived in each whole second from the first (the last, partial second
    left out): the unit Telegram's limit counts in."""
    if len(arrivals) < 2:
        return []
    whole = int(arrivals[-1] - arrivals[0])
    counts = [0] * whole
    for at in arrivals:
        second = int(at - arrivals[0])
        if second < whole:
            counts[second] += 1
    return counts


def parse_args(argv: list[str] | None = None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--households", type=int, default=2000)
    p.add_argument("--blocked", type=int, default=20, help="residents who blocked the bot")
    p.add_argument("--timeout", type=float, default=400.0)
    args = p.parse_args(argv)
    if not 10 <= args.households <= 2000:
        p.error("--households must be 10..2000 (building 3 has 2,000 units)")
    if not 1 <= args.blocked <= args.households // 2:
        p.error("--blocked must be 1..households/2")
    return args


def cli(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    try:
        result = asyncio.run(asyncio.wait_for(run(args), args.timeout + 60))
        code = 0
    except TimeoutError:
        result, code = {"error": f"timed out after {args.timeout:.0f}s"}, 1
    except Exception as e:  # still one JSON object
        log.exception("bench failed")
        result, code = {"error": f"{type(e).__name__}: {e}"}, 1
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return code


if __name__ == "__main__":
    sys.exit(cli())
