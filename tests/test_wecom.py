"""WeCom group robots against the fake webhook, with a fake clock and sleep so a minute of
rate limiting takes milliseconds."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest

from bot.channels.wechat_api import WeChatApiError, WeChatTransientError
from bot.channels.wecom import MARKDOWN_MAX_BYTES, WeComRobot, cut_utf8
from models.domain.clock import FakeClock
from tests.fakes.wechat_api import FakeWeChat

SEND = "/cgi-bin/webhook/send"


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def sleeps(clock):
    """A sleep that moves the fake clock instead of waiting; records what was asked."""
    asked: list[float] = []

    async def sleep(seconds: float) -> None:
        asked.append(seconds)
        clock.advance(seconds=seconds)
        await asyncio.sleep(0)

    sleep.asked = asked  # type: ignore[attr-defined]
    return sleep


@pytest.fixture
async def wx(clock):
    async with FakeWeChat(clock=lambda: clock.now().timestamp()) as fake:
        yield fake


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as s:
        yield s


def max_in_any_window(times: list[float], window: float = 60.0) -> int:
    return max(sum(1 for u in times if t <= u < t + window) for t in times)


async def test_25_messages_all_delivered_never_more_than_20_a_minute(wx, session, clock, sleeps):
    robot = WeComRobot(session, clock, sleep=sleeps)
    url = wx.robot_url("STEWARDS-B3")
    start = clock.now().timestamp()
    for i in range(25):
        await robot.send_markdown(url, f"**工单 GJ-{i:04d}** 3号楼 漏水")
    delivered = wx.robot_messages("STEWARDS-B3")
    assert [c.body["markdown"]["content"] for c in delivered] == [
        f"**工单 GJ-{i:04d}** 3号楼 漏水" for i in range(25)
    ]
    times = [c.at for c in delivered]
    assert max_in_any_window(times) == 20
    assert all(c.errcode != 45009 for c in wx.calls(SEND))  # the limiter waited, not the robot
    assert times[20] - start >= 60  # the 21st had to wait for the window
    assert clock.now().timestamp() - start < 61  # ...and not longer than needed
    assert sleeps.asked and all(s > 0 for s in sleeps.asked)


async def test_concurrent_senders_keep_order_and_limit(wx, session, clock, sleeps):
    robot = WeComRobot(session, clock, sleep=sleeps)
    url = wx.robot_url("K")
    await asyncio.gather(*(robot.send_markdown(url, f"m{i}") for i in range(25)))
    delivered = wx.robot_messages("K")
    assert [c.body["markdown"]["content"] for c in delivered] == [f"m{i}" for i in range(25)]
    assert max_in_any_window([c.at for c in delivered]) <= 20


async def test_robots_are_limited_separately(wx, session, clock, sleeps):
    robot = WeComRobot(session, clock, sleep=sleeps)
    for i in range(20):
        await robot.send_markdown(wx.robot_url("A"), f"a{i}")
        await robot.send_markdown(wx.robot_url("B"), f"b{i}")
    assert sleeps.asked == []
    assert len(wx.robot_messages("A")) == len(wx.robot_messages("B")) == 20
    assert robot.sent_in_window(wx.robot_url("A")) == 20


async def test_45009_from_a_shared_robot_waits_and_retries(wx, session, clock, sleeps):
    other_worker = WeComRobot(session, clock, sleep=sleeps)
    robot = WeComRobot(session, clock, sleep=sleeps)
    url = wx.robot_url("SHARED")
    for i in range(15):
        await other_worker.send_markdown(url, f"other{i}")
    for i in range(10):
        await robot.send_markdown(url, f"mine{i}")
    calls = wx.calls(SEND)
    assert any(c.errcode == 45009 for c in calls)  # the robot did push back
    delivered = [c.body["markdown"]["content"] for c in wx.robot_messages("SHARED")]
    assert delivered == [f"other{i}" for i in range(15)] + [f"mine{i}" for i in range(10)]
    assert max_in_any_window([c.at for c in wx.robot_messages("SHARED")]) <= 20


async def test_gives_up_after_max_attempts_with_transient_error(wx, session, clock, sleeps):
    robot = WeComRobot(session, clock, sleep=sleeps, max_attempts=3)
    wx.fail_next(SEND, errcode=45009, errmsg="api freq out of limit", count=3)
    with pytest.raises(WeChatTransientError) as info:
        await robot.send_markdown(wx.robot_url("K"), "x")
    assert info.value.errcode == 45009
    assert len(wx.calls(SEND)) == 3


def test_cut_utf8():
    assert cut_utf8("abc", 10) == "abc"
    cut = cut_utf8("报" * 2000, MARKDOWN_MAX_BYTES)  # 6000 bytes
    assert len(cut.encode()) <= MARKDOWN_MAX_BYTES
    assert cut.endswith("…") and set(cut[:-1]) == {"报"}
    exact = "a" * 4095 + "é"  # 4097 bytes: é must not be split
    assert cut_utf8(exact, MARKDOWN_MAX_BYTES) == "a" * 4093 + "…"
    assert cut_utf8("a" * 4096, MARKDOWN_MAX_BYTES) == "a" * 4096


async def test_markdown_cut_to_4096_bytes_is_accepted(wx, session, clock, sleeps):
    robot = WeComRobot(session, clock, sleep=sleeps)
    long = "### 日报\n" + "> 3号楼 1201 厨房漏水，已派单\n" * 300
    assert len(long.encode()) > MARKDOWN_MAX_BYTES
    await robot.send_markdown(wx.robot_url("K"), long)
    sent = wx.robot_messages("K")[0].body["markdown"]["content"]
    assert len(sent.encode()) <= MARKDOWN_MAX_BYTES and long.startswith(sent[:-1])
    # Without the cut the robot refuses it (the fake enforces WeCom's limit).
    async with session.post(
        wx.robot_url("K"), json={"msgtype": "markdown", "markdown": {"content": long}}
    ) as r:
        assert json.loads(await r.text())["errcode"] == 40058


async def test_text_with_mentions(wx, session, clock, sleeps):
    robot = WeComRobot(session, clock, sleep=sleeps)
    await robot.send_text(wx.robot_url("K"), "请尽快接单", ["13800000000"])
    body = wx.robot_messages("K")[0].body
    assert body == {
        "msgtype": "text",
        "text": {"content": "请尽快接单", "mentioned_mobile_list": ["13800000000"]},
    }


async def test_errors(wx, session, clock, sleeps):
    wx.robot_keys = {"GOOD"}
    robot = WeComRobot(session, clock, sleep=sleeps)
    with pytest.raises(WeChatApiError) as info:
        await robot.send_markdown(wx.robot_url("BAD"), "x")
    assert info.value.errcode == 93000
    wx.fail_next(SEND, status=502)
    with pytest.raises(WeChatTransientError):
        await robot.send_markdown(wx.robot_url("GOOD"), "x")
    fast = WeComRobot(session, clock, sleep=sleeps, timeout=0.1)
    wx.fail_next(SEND, delay=0.3)
    with pytest.raises(WeChatTransientError, match="timeout"):
        await fast.send_markdown(wx.robot_url("GOOD"), "x")
    await robot.send_markdown(wx.robot_url("GOOD"), "ok")
    assert [c.body["markdown"]["content"] for c in wx.robot_messages("GOOD")] == ["ok"]


async def test_card_then_its_photos_best_effort(wx, clock, tmp_path, monkeypatch, config):
    """A card with three photos: the card, then the pictures that fit (a 3 MB one, over
    the robot's 2 MB for a picture, goes as a file); at the robot's limit the rest are
    left to the card's line, and the card is never sent twice."""
    from bot.channels.wecom_sender import WeComSender
    from bot.dispatcher import Delivery, SendError
    from models.domain.clock import set_clock
    from models.tables import Outbox

    previous = set_clock(clock)
    try:
        small = tmp_path / "a.jpg"
        small.write_bytes(b"\xff\xd8 small")
        big = tmp_path / "b.jpg"
        big.write_bytes(b"\xff\xd8" + b"0" * (3 * 2**20))
        png = tmp_path / "c.png"
        png.write_bytes(b"\x89PNG fake")
        url = wx.robot_url("K")
        media = [{"type": "photo", "path": str(p)} for p in (small, big, png)]
        row = Outbox(
            id=1, platform="wecom", chat_id=url, kind="relay", attempts=0,
            payload={"text": "业主补充：照片 3 张", "media": media},
        )  # fmt: skip
        sender = WeComSender()
        try:
            await sender.send(Delivery(row))
            sent = [c for c in wx.calls(SEND) if c.ok]
            assert [c.body["msgtype"] for c in sent] == ["markdown", "image", "file", "image"]
            assert wx.robot_files("K")[0][1] == big.read_bytes()
            for _ in range(16):  # fill the robot's minute: 20 accepted
                await sender.robot().send_markdown(url, "填满")
            before = len(wx.calls(SEND))
            with pytest.raises(SendError) as waits:  # the card itself waits in the outbox
                await sender.send(Delivery(row))
            assert waits.value.retry_after and not waits.value.outage
            assert len(wx.calls(SEND)) == before  # nothing sent at the limit
            clock.advance(seconds=61)
            for _ in range(19):
                await sender.robot().send_markdown(url, "又填满")
            await sender.send(Delivery(row))  # the card goes (20th); its photos wait for nobody
            last = [c.body["msgtype"] for c in wx.calls(SEND) if c.ok][-2:]
            assert last == ["markdown", "markdown"]
        finally:
            await sender.close()
    finally:
        set_clock(previous)
