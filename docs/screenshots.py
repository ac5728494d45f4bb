"""The README's screenshots of the console, taken in Chromium (Debian's chromium and
chromedriver) from a Guanjia running in this process on a temporary SQLite database,
with a fortnight of made-up requests written through the web chat channel and handled
through the console's own services (a fixed clock, so the pictures do not change).

    python docs/screenshots.py            # writes docs/console-*.png
"""

from __future__ import annotations

import asyncio
import socket
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = [
    ("1栋1单元1201", "厨房水管漏水了，下面的柜子都湿了"),
    ("1栋2单元0502", "我要投诉，楼上天天半夜装修太吵了"),
    ("2栋1单元0801", "客厅的灯不亮了，开关没反应"),
    ("3栋1单元1503", "楼道里的垃圾三天没人清理"),
    ("3栋2单元2201", "投诉你们保安态度很差，问话爱理不理"),
    ("2栋2单元1102", "卫生间地漏堵了，水排不下去"),
    ("1栋1单元0302", "电梯经常停在8楼不动，投诉好几次了"),
    ("3栋3单元0901", "阳台的推拉门坏了，关不上"),
]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def main() -> None:
    from bot.app import Runtime, shutdown, start
    from bot.settings import Settings
    from handlers import console_actions, console_auth
    from handlers.context import Incoming
    from handlers.deadline_steps import sweep
    from handlers.router import handle
    from models.domain.clock import FakeClock, set_clock
    from models.domain.config import EXAMPLE_CONFIG, load_config
    from models.tables import Staff, Ticket

    first_morning = datetime(2026, 11, 9, 1, 30, tzinfo=UTC)  # Monday 09:30 Shanghai
    clock = FakeClock(first_morning)
    set_clock(clock)
    tmp = Path(tempfile.mkdtemp(prefix="guanjia-shots-"))
    port = _port()
    settings = Settings(
        DATABASE_URL=f"sqlite://{tmp}/shots.db",
        GUANJIA_HTTP_PORT=str(port),
        GUANJIA_CONSOLE_SECRET="screenshots",
        GUANJIA_MEDIA_DIR=str(tmp / "media"),
        GUANJIA_DEMO="off",
    )
    rt = Runtime(settings, load_config(EXAMPLE_CONFIG))
    await start(rt)
    n = 0

    async def say(user: str, text: str = "", button: str | None = None) -> None:
        nonlocal n
        n += 1
        await handle(Incoming("web", f"{user}:{n}", user, user, text=text, button=button))

    try:
        wang = await Staff.get(name="王管家")
        for day in range(12):
            for k, (unit, words) in enumerate(WORDS):
                if (day + k) % 3:
                    continue
                user = f"w{k}-{day}"
                await say(user, unit)
                await say(user, words)
                clock.advance(minutes=37)
            for ticket in await Ticket.filter(status="dispatched").order_by("id"):
                if ticket.id % 5 == 0:
                    continue  # left for the queue
                await console_actions.act(wang, ticket.number, "claim")
                if ticket.kind == "complaint":
                    await console_actions.act(wang, ticket.number, "reply", "我们已联系相关同事")
                clock.advance(minutes=50)
                if ticket.id % 3:
                    await console_actions.act(wang, ticket.number, "resolve", "已处理完毕")
            clock.advance(hours=2)
            await sweep()
            for ticket in await Ticket.filter(status="resolved").prefetch_related("resident"):
                user = ticket.resident.platform_user_id
                if ticket.kind == "repair":
                    await say(user, button=f"accept:{ticket.id}:yes")
                await say(user, button=f"rate:{ticket.id}:{4 + ticket.id % 2}")
            clock.set(first_morning + timedelta(days=day + 1))
        # the last morning: fresh reports in the queue
        clock.set(datetime(2026, 11, 23, 1, 20, tzinfo=UTC))
        for k, (unit, words) in enumerate(WORDS[:5]):
            await say(f"new{k}", unit)
            await say(f"new{k}", words)
            clock.advance(minutes=9)
        await sweep()
        ticket = await Ticket.filter(kind="complaint").order_by("-id").first()
        await console_actions.act(wang, ticket.number, "claim")
        await console_actions.act(
            wang, ticket.number, "reply", "感谢您的反映，我们已联系楼上住户，今天下午回复您"
        )
        await console_actions.act(wang, ticket.number, "note", "业主情绪较急，注意沟通")
        link = await console_auth.link_for_name("李主管")
        base = f"http://127.0.0.1:{port}"
        await asyncio.to_thread(_shoot, base, link, ticket.number)
    finally:
        await shutdown(rt)


def _shoot(base: str, link: str, number: str) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    opts = webdriver.ChromeOptions()
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tempfile.mkdtemp()}",
        "--window-size=1280,860",
        "--hide-scrollbars",
    ):
        opts.add_argument(arg)
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    try:
        d.get(link)
        d.find_element(By.ID, "login-button").click()
        WebDriverWait(d, 10).until(lambda x: x.find_elements(By.ID, "queue"))
        d.save_screenshot(str(ROOT / "docs" / "console-queue.png"))
        d.set_window_size(1280, 1000)
        d.get(f"{base}/console/t/{number}")
        d.save_screenshot(str(ROOT / "docs" / "console-ticket.png"))
        d.get(f"{base}/console/stats?month=2026-11")
        WebDriverWait(d, 10).until(
            lambda x: x.find_element(By.ID, "chart-trend").get_attribute("data-ready")
        )
        d.set_window_size(1280, 1250)
        d.save_screenshot(str(ROOT / "docs" / "console-statistics.png"))
        d.set_window_size(400, 860)
        d.get(f"{base}/console")
        d.save_screenshot(str(ROOT / "docs" / "console-phone.png"))
    finally:
        d.quit()


if __name__ == "__main__":
    asyncio.run(main())
