"""Notices from the web console (issue 20): the office writes one on the page, sees the
same preview as /notice in chat, confirms it, and reads its delivery report there; the
residents of the building get it on Telegram and in the web chat alike; a steward of the
other estate neither sees nor sends it."""

from __future__ import annotations

import itertools
import re

from handlers import notice_report
from handlers.context import Incoming
from handlers.router import handle
from models.tables import Notice, NoticeDelivery, Outbox
from tests.test_console_security import console, sign_in  # noqa: F401

_n = itertools.count(1)


async def resident(platform: str, user: str, text: str) -> None:
    await handle(
        Incoming(
            platform=platform,
            key=f"n{next(_n)}",
            chat_id=user,
            sender_id=user,
            text=text,
            message_id=str(next(_n)),
        )
    )


async def test_a_notice_written_sent_and_reported_in_the_console(console):  # noqa: F811
    await resident("telegram", "501", "1栋1单元1201")
    await resident("web", "w502", "1栋2单元0802")
    await resident("telegram", "503", "2栋1单元0301")  # another building: not for them
    csrf = await sign_in(console, "王管家")

    bad = await console.post("/console/notices", data={"csrf": csrf, "text": "明天"})
    said = await bad.text()
    assert bad.status == 200 and "/notice" in said  # how to write one
    assert ">明天</textarea>" in said  # what was typed is still there
    assert not await Notice.exists()
    stale = await console.post("/console/notices", data={"csrf": "old", "text": "1栋 明天停水"})
    assert stale.status == 403 and "页面已过期" in await stale.text()

    made = await console.post(
        "/console/notices",
        data={"csrf": csrf, "text": "1栋 明天9:00-12:00停水检修\r\n请提前储水"},
        allow_redirects=False,
    )
    assert made.status == 303
    page = await console.get(made.headers["Location"])
    html = await page.text()
    assert page.status == 200 and "将发送给 2 户、2 位住户" in html
    assert "Telegram 1，网页 1" in html
    notice = await Notice.get()
    assert notice.status == "draft" and not await Outbox.filter(kind="notice").exists()
    assert notice.text.endswith("停水检修\n请提前储水")  # the office's line break kept

    sent = await console.post(f"/console/notices/{notice.id}/send", data={"csrf": csrf})
    assert sent.status == 200 and "发送中" in await sent.text()
    assert 'class="flash ok"' in await sent.text()
    rows = await Outbox.filter(kind="notice").order_by("id")
    assert sorted((r.platform, r.chat_id) for r in rows) == [("telegram", "501"), ("web", "w502")]
    assert all("停水" in r.payload["text"] for r in rows)
    again = await console.post(f"/console/notices/{notice.id}/send", data={"csrf": csrf})
    assert 'class="flash bad"' in await again.text()  # sent already: refused, in red
    assert await Outbox.filter(kind="notice").count() == 2

    await Outbox.filter(kind="notice").update(status="sent")
    before = await Outbox.all().count()
    assert await notice_report.sweep() == 1
    assert await Outbox.all().count() == before  # the page is the console's report
    report = await (await console.get(f"/console/notices/{notice.id}")).text()
    assert "已发送" in report and "送达报告" in report
    assert re.search(r"Telegram[^\n]*1", report) and "网页" in report
    assert await NoticeDelivery.filter(status="sent").count() == 2
    listing = await (await console.get("/console/notices")).text()
    assert f'data-notice="{notice.id}"' in listing


async def test_the_other_estates_steward_neither_sees_nor_sends_it(console):  # noqa: F811
    await resident("telegram", "511", "1栋1单元1201")
    csrf = await sign_in(console, "王管家")
    await console.post("/console/notices", data={"csrf": csrf, "text": "1栋 明天下午停电检修"})
    notice = await Notice.get()
    console.session.cookie_jar.clear()
    csrf = await sign_in(console, "赵管家")
    assert (await console.get(f"/console/notices/{notice.id}")).status == 404
    refused = await console.post(f"/console/notices/{notice.id}/send", data={"csrf": csrf})
    assert refused.status == 404
    assert f'data-notice="{notice.id}"' not in await (await console.get("/console/notices")).text()
    assert (await Notice.get(id=notice.id)).status == "draft"


async def test_residents_without_a_unit_are_not_counted_as_homes(console):  # noqa: F811
    await resident("telegram", "521", "1栋1单元1201")
    await resident("telegram", "522", "1栋2单元0802")
    await resident("telegram", "523", "/start demo")  # never gave a unit
    csrf = await sign_in(console, "王管家")
    made = await console.post(
        "/console/notices", data={"csrf": csrf, "text": "全小区 明天下午停电检修"}
    )
    html = await made.text()
    assert "将发送给 2 户、3 位住户" in html and "其中 1 位还没有登记房号" in html
