"""The console and the web chat in a real Chromium (Debian's chromium and chromedriver,
driven by selenium), against a running Guanjia whose Telegram is the fake Bot API:
one browser and one server for the whole module, the tests in the order a day goes.

Selenium's calls block: they run in a thread (``_b``) while the server runs on this
event loop."""

from __future__ import annotations

import asyncio
import base64
import io
import shutil
import socket
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
import pytest_asyncio

from bot.app import Runtime, shutdown, start
from bot.settings import Settings
from handlers import console_actions, console_auth
from handlers.deadline_steps import sweep
from models.domain.clock import FakeClock, set_clock
from models.tables import Resident, Staff, Ticket, TicketEvent
from tests.fakes.telegram_api import FakeTelegram
from tests.stories import unpaced
from tests.test_console_security import two_communities
from tests.test_scheduler import STEWARDS, local

CHROMIUM, DRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
RESIDENT = 501

pytestmark = pytest.mark.asyncio(loop_scope="module")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM.exists() and DRIVER.exists()):
        pytest.skip(
            "Chromium is not installed: apt-get install -y chromium chromium-driver "
            "(.ci/run installs them when it can)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="guanjia-chromium-")
    downloads = tempfile.mkdtemp(prefix="guanjia-downloads-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--window-size=1280,900",
    ):
        opts.add_argument(arg)
    opts.add_experimental_option(
        "prefs",
        {"download.default_directory": downloads, "download.prompt_for_download": False},
    )
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=opts)
    driver.implicitly_wait(0)
    driver.downloads = Path(downloads)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
        shutil.rmtree(downloads, ignore_errors=True)


class World:
    def __init__(self, tg: FakeTelegram, rt: Runtime, base: str, clock: FakeClock):
        self.tg, self.rt, self.base, self.clock = tg, rt, base, clock


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("console-browser")
    clock = FakeClock(local(2026, 11, 23, 10, 0))  # a Monday morning
    previous = set_clock(clock)
    port = _free_port()
    async with FakeTelegram() as tg:
        settings = Settings(
            DATABASE_URL=f"sqlite://{tmp}/browser.db",
            TELEGRAM_BOT_TOKEN=tg.token,
            TELEGRAM_API_URL=tg.url,
            GUANJIA_HTTP_PORT=str(port),
            GUANJIA_CONSOLE_SECRET="browser-test-secret",
            GUANJIA_MEDIA_DIR=str(tmp / "media"),
        )
        rt = Runtime(settings, two_communities(tmp))
        await start(rt)
        unpaced(rt)  # the pace per chat has its own tests
        try:
            yield World(tg, rt, f"http://127.0.0.1:{port}", clock)
        finally:
            await shutdown(rt)
            set_clock(previous)


async def _b(fn, *args):
    """A blocking browser step, in a thread (the server keeps running here)."""
    return await asyncio.to_thread(fn, *args)


def _wait(driver, condition, timeout: float = 10.0):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(condition)


def _css(driver, selector: str):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, selector)


def _all(driver, selector: str):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def _open_link(driver, url: str) -> str:
    driver.get(url)
    _css(driver, "#login-button").click()
    _wait(driver, lambda d: "/console/login/" not in d.current_url or _all(d, "#message"))
    return driver.page_source


async def _say(tg: FakeTelegram, text: str, user: int = RESIDENT) -> None:
    since = tg.mark()
    tg.push_update(tg.make_text_update(user, user, text))
    await tg.wait_for("sendMessage", lambda c: c.params.get("chat_id") == user, since=since)


async def test_sign_in_with_a_one_time_link(world, browser):
    url = await console_auth.link_for_name("王管家")
    assert url.startswith(world.base + "/console/login/")
    page = await _b(_open_link, browser, url)
    assert "王管家" in page and browser.current_url.rstrip("/").endswith("/console")
    # the same link again is refused; so is a link older than ten minutes
    again = await _b(_open_link, browser, url)
    assert "链接无效" in again
    late = await console_auth.link_for_name("王管家")
    world.clock.advance(minutes=11)
    assert "链接无效" in await _b(_open_link, browser, late)
    await _b(browser.get, world.base + "/console")
    assert "王管家" in await _b(lambda: _css(browser, "#me").text)  # still signed in


async def test_a_telegram_ticket_appears_claimed_and_answered_from_the_console(world, browser):
    tg = world.tg

    def open_queue():
        browser.get(world.base + "/console?view=open")
        browser.execute_script("window.notReloaded = true")

    await _b(open_queue)
    await _say(tg, "/start")
    await _say(tg, "1栋1单元1201")
    since = tg.mark()
    tg.push_update(tg.make_photo_update(RESIDENT, RESIDENT, caption="厨房水管漏水了，快来人看看"))
    await tg.wait_for("sendMessage", lambda c: c.params.get("chat_id") == RESIDENT, since=since)
    ticket = await Ticket.get(kind="repair")

    def appears():
        _wait(browser, lambda d: _all(d, f'tr[data-number="{ticket.number}"]'), timeout=12)
        row = _css(browser, f'tr[data-number="{ticket.number}"]').text
        return row, browser.execute_script("return window.notReloaded === true")

    row, same_page = await _b(appears)
    assert same_page, "the queue was reloaded"
    assert "厨房水管漏水了" in row and "1栋1单元1201" in row and "待接单" in row
    assert "剩" in row  # the time left on its claim deadline

    def open_ticket_and_claim():
        _css(browser, f'tr[data-number="{ticket.number}"] a').click()
        _wait(browser, lambda d: _all(d, "#act-claim"))
        src = _css(browser, "#events img.photo").get_attribute("src")
        status = browser.execute_script("return fetch(arguments[0]).then(r => r.status)", src)
        _css(browser, "#act-claim").click()
        _wait(browser, lambda d: _all(d, "#flash"))
        flash = _css(browser, "#flash").text
        _css(browser, "#reply-text").send_keys("师傅下午两点上门查看")
        _css(browser, "#act-reply").click()
        _wait(browser, lambda d: "已转给业主" in d.page_source)
        return status, flash, _css(browser, "#ticket-status").text

    since = tg.mark()
    photo_status, flash, status = await _b(open_ticket_and_claim)
    assert photo_status == 200  # the resident's photo, fetched from Telegram for the page
    assert "王管家" in flash and status == "处理中"
    told = await tg.wait_for(
        "sendMessage",
        lambda c: c.params.get("chat_id") == RESIDENT and "师傅下午两点上门查看" in c.text,
        since=since,
    )
    assert "王管家" in told.text
    claimed = await TicketEvent.get(ticket_id=ticket.id, to_status="claimed")
    assert claimed.actor_name == "王管家"
    edit = await tg.wait_for("editMessageText", lambda c: c.chat_id == int(STEWARDS))
    assert "王管家" in edit.text  # the card in the group shows who took it


def _fetch_bytes(driver, path: str) -> bytes:
    """What the page's own link downloads, fetched in the page (its session cookie)."""
    data = driver.execute_async_script(
        """const done = arguments[arguments.length - 1];
        fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.arrayBuffer()).then(b => {
          let s = ''; new Uint8Array(b).forEach(x => s += String.fromCharCode(x)); done(btoa(s));
        });""",
        path,
    )
    return base64.b64decode(data)


def _download(driver, link_id: str) -> bytes:
    """Click a download link and read the file Chromium saved."""
    before = set(driver.downloads.glob("*.xlsx"))
    _css(driver, f"#{link_id}").click()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        done = [p for p in set(driver.downloads.glob("*.xlsx")) - before if p.stat().st_size]
        if done and not list(driver.downloads.glob("*.crdownload")):
            return done[0].read_bytes()
        time.sleep(0.1)
    raise AssertionError(f"{link_id}: no download arrived")


async def test_a_statistic_opens_its_tickets_and_both_exports_open(world, browser):
    ticket = await Ticket.get(kind="repair")

    def statistics():
        browser.get(world.base + "/console/stats?month=2026-11")
        _wait(browser, lambda d: _all(d, 'a[data-figure="requests.repair"]'))
        figure = _css(browser, 'a[data-figure="requests.repair"]').text
        _wait(browser, lambda d: _css(d, "#chart-trend").get_attribute("data-ready"))
        _css(browser, 'a[data-figure="requests.repair"]').click()
        _wait(browser, lambda d: _all(d, "#figure-title"))
        listed = [r.get_attribute("data-number") for r in _all(browser, "tr[data-number]")]
        tickets_xlsx = _download(browser, "export-list")
        browser.get(world.base + "/console/stats?month=2026-11")
        stats_xlsx = _download(browser, "export-stats")
        browser.get(world.base + "/console?view=all")
        queue_xlsx = _download(browser, "export-queue")
        return figure, listed, tickets_xlsx, stats_xlsx, queue_xlsx

    figure, listed, tickets_xlsx, stats_xlsx, queue_xlsx = await _b(statistics)
    assert figure == "1" and listed == [ticket.number]
    for body in (tickets_xlsx, queue_xlsx):
        sheet = openpyxl.load_workbook(io.BytesIO(body)).active
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        head, data = rows[0], rows[1:]
        assert [r[0] for r in data] == [ticket.number]
        row = dict(zip(head, data[0], strict=True))
        assert row["类别"] == "报修" and row["负责人"] == "王管家" and row["按时接单"] == "按时"
        assert row["接单"] and row["房号"] == "1栋1单元1201"
    book = openpyxl.load_workbook(io.BytesIO(stats_xlsx))
    sheet = book.worksheets[0]
    cells = {(r[0], r[1]): r[2] for r in sheet.iter_rows(values_only=True) if len(r) > 2}
    assert cells[("受理", "报修")] == 1 and cells[("受理", "投诉")] == 0
    assert cells[("按时与比率", "按时接单（到期）")] == "1/1"
    assert sheet._charts and "走势" in book.sheetnames


async def test_another_communitys_steward_cannot_see_it(world, browser):
    ticket = await Ticket.get(kind="repair")

    def as_zhao():
        browser.get(world.base + "/console")
        _css(browser, "#logout").click()
        _wait(browser, lambda d: _all(d, "#signin"))

    await _b(as_zhao)
    url = await console_auth.link_for_name("赵管家")

    def look():
        page = _open_link(browser, url)
        browser.get(world.base + "/console?view=all")
        queue = browser.page_source
        browser.get(world.base + f"/console/t/{ticket.number}")
        return page, queue, browser.page_source

    page, queue, direct = await _b(look)
    assert "赵管家" in page
    assert ticket.number not in queue and "没有工单" in queue
    assert "没有这张工单" in direct and "厨房水管漏水了" not in direct


async def test_a_web_chat_resident_reports_a_leak_and_rates_the_service(world, browser):
    def chat(text: str, expect: str):
        box = _css(browser, "#text")
        box.send_keys(text)
        _css(browser, "#send").click()
        _wait(browser, lambda d: any(expect in m.text for m in _all(d, ".msg.bot")), timeout=10)

    def start_chat():
        browser.get(world.base + "/chat")
        _wait(browser, lambda d: _all(d, ".msg.bot"))  # greeted, as on Telegram's /start
        chat("2栋1单元0801", "2栋1单元801")
        chat("卫生间漏水了，水一直往下滴", "工单")

    await _b(start_chat)
    resident = await Resident.get(platform="web")
    ticket = await Ticket.get(resident_id=resident.id)
    assert ticket.kind == "repair" and ticket.summary.startswith("卫生间漏水了")
    wang = await Staff.get(name="王管家")
    done, answer = await console_actions.act(wang, ticket.number, "resolve", "已更换密封圈")
    assert done, answer
    world.clock.advance(timedelta(minutes=61))
    await sweep()  # the follow-up question (a repair: accepted first)

    def press(label: str, then: str):
        _wait(browser, lambda d: _all(d, f'.buttons button[data-data^="{label}"]'), timeout=10)
        buttons = _all(browser, f'.buttons button[data-data^="{label}"]')
        buttons[0].click()
        _wait(browser, lambda d: any(then in m.text for m in _all(d, ".msg.bot")), timeout=10)

    await _b(press, "accept:", "满意")  # 验收通过, then the rating question
    await _b(press, f"rate:{ticket.id}:5", "感谢")
    rated = await Ticket.get(id=ticket.id)
    assert (rated.status, rated.satisfaction) == ("closed", 5)
    assert await TicketEvent.filter(ticket_id=ticket.id, text="评分 5").exists()
