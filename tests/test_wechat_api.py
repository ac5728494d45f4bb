"""Our aiohttp WeChat API client against the fake WeChat server (real HTTP on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import os
import uuid
from datetime import timedelta

import pytest

from bot.channels.wechat_api import (
    MemoryTokenStore,
    RedisTokenStore,
    WeChatApiError,
    WeChatClient,
    WeChatTransientError,
    WeChatWindowClosed,
    truncate_field,
)
from models.domain.clock import FakeClock
from tests.fakes import wechat_api
from tests.fakes.wechat_api import FakeWeChat

fake_wechat = wechat_api.fake_wechat  # the ready-made fixture, as other modules can use it

APP_ID, SECRET = "wxTestApp", "test-secret-value"
SEND = "/cgi-bin/message/custom/send"


@pytest.fixture
async def wx():
    async with FakeWeChat(APP_ID, SECRET) as fake:
        yield fake


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
async def client(wx, clock):
    async with WeChatClient(APP_ID, SECRET, wx.url, MemoryTokenStore(), clock=clock) as c:
        yield c


async def test_token_fetched_once_and_cached(wx, client):
    for text in ("一", "二", "三"):
        await client.send_text("oResident", text)
    assert wx.token_fetches == 1 and client.token_fetches == 1
    sends = wx.calls(SEND)
    assert [c.body["text"]["content"] for c in sends] == ["一", "二", "三"]
    assert {c.query["access_token"] for c in sends} == {wx.current_token}
    assert sends[0].body == {"touser": "oResident", "msgtype": "text", "text": {"content": "一"}}
    token_call = wx.calls("/cgi-bin/token")[0]
    assert token_call.query["grant_type"] == "client_credential"
    assert token_call.query["appid"] == APP_ID


async def test_token_refreshed_when_less_than_five_minutes_left(wx, client, clock):
    await client.send_text("o1", "a")
    first = wx.current_token
    clock.advance(seconds=7200 - 301)
    await client.send_text("o1", "b")
    assert wx.token_fetches == 1
    clock.advance(seconds=2)  # 299 s left
    await client.send_text("o1", "c")
    assert wx.token_fetches == 2
    assert wx.calls(SEND)[-1].query["access_token"] == wx.current_token != first


async def test_expired_token_is_refreshed_once_and_message_delivered(wx, client):
    await client.send_text("o1", "first")
    old = wx.current_token
    wx.expire_token()
    await client.send_text("o1", "second")
    sends = wx.calls(SEND)
    assert [c.errcode for c in sends] == [0, 42001, 0]
    assert sends[1].query["access_token"] == old
    assert sends[2].query["access_token"] == wx.current_token != old
    assert wx.token_fetches == 2
    assert [c.body["text"]["content"] for c in wx.sent_to("o1")] == ["first", "second"]


async def test_invalid_token_40001_is_refreshed_too(wx, client):
    wx.add_user("o1", nickname="张三")
    await client.send_text("o1", "x")
    wx.invalidate_token()
    info = await client.user_info("o1")
    assert info["openid"] == "o1" and wx.token_fetches == 2


async def test_token_error_twice_is_not_retried_forever(wx, client):
    wx.fail_next(SEND, errcode=40001, errmsg="invalid credential", count=2)
    with pytest.raises(WeChatApiError) as info:
        await client.send_text("o1", "x")
    assert info.value.errcode == 40001
    assert len(wx.calls(SEND)) == 2 and wx.token_fetches == 2


async def test_concurrent_sends_share_one_token_fetch(wx, client):
    wx.fail_next("/cgi-bin/token", delay=0.1)  # a slow token endpoint widens the race
    await asyncio.gather(*(client.send_text(f"o{i}", "hi") for i in range(5)))
    assert wx.token_fetches == 1
    assert len(wx.calls(SEND)) == 5


async def test_workers_share_the_token_through_the_store(wx, clock):
    store = MemoryTokenStore()
    async with (
        WeChatClient(APP_ID, SECRET, wx.url, store, clock=clock) as a,
        WeChatClient(APP_ID, SECRET, wx.url, store, clock=clock) as b,
    ):
        await a.send_text("o1", "from a")
        await b.send_text("o1", "from b")
        assert wx.token_fetches == 1
        # b sees the token rejected and refreshes; a then uses b's new token without fetching.
        wx.invalidate_token()
        await b.send_text("o1", "b again")
        await a.send_text("o1", "a again")
    assert wx.token_fetches == 2


async def test_failed_refresh_falls_back_to_the_still_valid_token(wx, client, clock):
    await client.send_text("o1", "a")
    clock.advance(seconds=7200 - 100)  # inside the refresh margin, not yet expired
    wx.fail_next("/cgi-bin/token", status=503)
    await client.send_text("o1", "b")
    assert [c.errcode for c in wx.calls(SEND)] == [0, 0]
    clock.advance(seconds=200)  # now really expired: the failure surfaces
    wx.fail_next("/cgi-bin/token", status=503)
    with pytest.raises(WeChatTransientError):
        await client.send_text("o1", "c")


def test_truncate_field():
    assert truncate_field("a" * 20) == "a" * 20
    assert truncate_field("a" * 21) == "a" * 19 + "…"
    assert len(truncate_field("报修" * 30)) == 20
    assert truncate_field("") == ""


async def test_template_fields_truncated_to_20_characters(wx, client):
    long_text = "3号楼1201室厨房水管漏水严重，需要尽快上门维修处理"
    result = await client.send_template(
        "oResident",
        "TPL-1",
        {"thing1": long_text, "character_string2": "GJ-2026-0001"},
        url="https://example.invalid/t/1",
    )
    assert result["msgid"]
    call = wx.calls("/cgi-bin/message/template/send")[0]
    value = call.body["data"]["thing1"]["value"]
    assert len(value) == 20 and value.endswith("…") and value[:19] == long_text[:19]
    assert call.body["data"]["character_string2"]["value"] == "GJ-2026-0001"
    assert call.body["url"] == "https://example.invalid/t/1"
    assert call.body["template_id"] == "TPL-1"


async def test_window_closed_raises_window_closed(wx, client):
    wx.close_window("oQuiet")
    with pytest.raises(WeChatWindowClosed) as info:
        await client.send_text("oQuiet", "still there?")
    assert info.value.errcode == 45015
    assert isinstance(info.value, WeChatApiError)
    assert not isinstance(info.value, WeChatTransientError)
    wx.close_window("oChatty", errcode=45047)
    with pytest.raises(WeChatWindowClosed):
        await client.send_image("oChatty", "MEDIA1")


async def test_timeout_is_transient(wx, clock):
    async with WeChatClient(
        APP_ID, SECRET, wx.url, MemoryTokenStore(), timeout=0.2, clock=clock
    ) as c:
        await c.get_access_token()
        wx.fail_next(SEND, delay=0.5)
        with pytest.raises(WeChatTransientError, match="timeout"):  # the answer came too late
            await c.send_text("o1", "x")


@pytest.mark.parametrize(
    ("fault", "errcode"),
    [({"status": 503}, None), ({"errcode": -1}, -1), ({"errcode": 45009}, 45009)],
)
async def test_busy_and_server_errors_are_transient(wx, client, fault, errcode):
    wx.fail_next(SEND, **fault)
    with pytest.raises(WeChatTransientError) as info:
        await client.send_text("o1", "x")
    assert info.value.errcode == errcode
    await client.send_text("o1", "x")  # the next attempt goes through
    assert len(wx.sent_to("o1")) == 1


async def test_connection_refused_is_transient(clock):
    async with FakeWeChat(APP_ID, SECRET) as gone:
        url = gone.url
    async with WeChatClient(APP_ID, SECRET, url, MemoryTokenStore(), clock=clock) as c:
        with pytest.raises(WeChatTransientError) as info:
            await c.send_text("o1", "x")
    assert SECRET not in str(info.value)


async def test_permanent_errors_and_bad_credentials(wx, clock):
    async with WeChatClient(APP_ID, "wrong-secret", wx.url, MemoryTokenStore(), clock=clock) as c:
        with pytest.raises(WeChatApiError) as info:
            await c.send_text("o1", "x")
    assert info.value.errcode == 40125
    assert "wrong-secret" not in str(info.value)


async def test_download_media(wx, client):
    wx.add_media("MEDIA_1", b"\xff\xd8JPEGDATA", "image/jpeg", "leak.jpg")
    content, content_type, filename = await client.download_media("MEDIA_1")
    assert (content, content_type, filename) == (b"\xff\xd8JPEGDATA", "image/jpeg", "leak.jpg")
    with pytest.raises(WeChatApiError) as info:
        await client.download_media("NOPE")
    assert info.value.errcode == 40007
    wx.expire_token()
    assert (await client.download_media("MEDIA_1"))[0] == b"\xff\xd8JPEGDATA"
    assert wx.token_fetches == 2


async def test_upload_image_then_send_it(wx, client):
    await client.send_text("oResident", "照片马上发给您")
    wx.expire_token()  # the multipart form is built anew for the retry with a fresh token
    media_id = await client.upload_image(b"\xff\xd8PHOTO", "fixed.jpg", "image/jpeg")
    assert wx.token_fetches == 2
    assert (await client.download_media(media_id))[:2] == (b"\xff\xd8PHOTO", "image/jpeg")
    await client.send_image("oResident", media_id)
    sent = wx.sent_to("oResident")[-1].body
    assert sent == {"touser": "oResident", "msgtype": "image", "image": {"media_id": media_id}}
    with pytest.raises(WeChatApiError) as info:
        await client.send_image("oResident", "never-uploaded")
    assert info.value.errcode == 40007
    with pytest.raises(WeChatApiError) as info:
        await client.upload_image(b"GIF89a", "x.gif", "image/gif")
    assert info.value.errcode == 40005


async def test_download_video_follows_video_url(wx, client):
    wx.add_video("VID_1", b"MP4DATA")
    content, content_type, filename = await client.download_media("VID_1")
    assert (content, content_type, filename) == (b"MP4DATA", "video/mp4", "VID_1.mp4")


async def test_short_token_lifetime_from_server(clock):
    async with FakeWeChat(APP_ID, SECRET, expires_in=600) as wx:
        async with WeChatClient(APP_ID, SECRET, wx.url, MemoryTokenStore(), clock=clock) as c:
            await c.send_text("o1", "a")
            clock.advance(seconds=299)
            await c.send_text("o1", "b")
            assert wx.token_fetches == 1
            clock.advance(seconds=2)  # 299 s of the 600 left
            await c.send_text("o1", "c")
            assert wx.token_fetches == 2


class BrokenStore:
    """A token store whose backend (say Redis) is down."""

    async def get(self, key):
        raise ConnectionError("store down")

    async def set(self, key, token, expires_at):
        raise ConnectionError("store down")

    async def delete(self, key):
        raise ConnectionError("store down")


async def test_store_outage_falls_back_to_process_token(wx, clock):
    async with WeChatClient(APP_ID, SECRET, wx.url, BrokenStore(), clock=clock) as c:
        for text in ("a", "b", "c"):
            await c.send_text("o1", text)
        assert wx.token_fetches == 1
        wx.expire_token()
        await c.send_text("o1", "d")
        assert wx.token_fetches == 2
    assert len(wx.sent_to("o1")) == 4


async def test_user_info_and_generic_call(wx, client):
    wx.add_user("oU1", nickname="李四", subscribe_scene="ADD_SCENE_QR_CODE")
    info = await client.user_info("oU1")
    assert info["nickname"] == "李四"
    assert wx.calls("/cgi-bin/user/info")[0].query["lang"] == "zh_CN"
    with pytest.raises(WeChatApiError) as err:
        await client.call("GET", "/cgi-bin/user/info", params={"openid": "nobody"})
    assert err.value.errcode == 40003


@pytest.mark.skipif(
    not os.environ.get("GUANJIA_TEST_REDIS_URL"), reason="GUANJIA_TEST_REDIS_URL not set"
)
async def test_redis_token_store_shares_token_between_workers(wx, clock):
    import redis.asyncio as redis

    r = redis.from_url(os.environ["GUANJIA_TEST_REDIS_URL"])
    prefix = f"guanjia-test-{uuid.uuid4().hex}:"
    try:
        store_a = RedisTokenStore(r, prefix=prefix, clock=clock)
        store_b = RedisTokenStore(r, prefix=prefix, clock=clock)
        async with (
            WeChatClient(APP_ID, SECRET, wx.url, store_a, clock=clock) as a,
            WeChatClient(APP_ID, SECRET, wx.url, store_b, clock=clock) as b,
        ):
            await a.send_text("o1", "a")
            await b.send_text("o1", "b")
            assert wx.token_fetches == 1
            key = prefix + a.token_key
            ttl = await r.ttl(key)
            assert 7100 < ttl <= 7200
            token, expires_at = await store_b.get(a.token_key)
            assert token == wx.current_token
            assert expires_at == pytest.approx(clock.now().timestamp() + 7200)
            wx.expire_token()
            await b.send_text("o1", "b2")
            await a.send_text("o1", "a2")
            assert wx.token_fetches == 2
            await store_a.delete(a.token_key)
            assert await store_b.get(a.token_key) is None
            clock.advance(timedelta(hours=3))
            await store_a.set("k", "t", clock.now().timestamp() - 1)  # already expired
            assert await store_a.get("k") is None
    finally:
        keys = [k async for k in r.scan_iter(match=prefix + "*")]
        if keys:
            await r.delete(*keys)
        await r.aclose()


async def test_importable_fixture(fake_wechat, clock):
    client = WeChatClient(
        fake_wechat.app_id, fake_wechat.app_secret, fake_wechat.url, MemoryTokenStore(), clock=clock
    )
    async with client:
        await client.send_text("oX", "hi")
    assert fake_wechat.sent_to("oX")[0].body["text"]["content"] == "hi"


# -- WeChat's rules, as the fake keeps them ----------------------------------------------------
async def test_the_fake_keeps_the_customer_service_window(clock):
    from tests.fakes.wechat_api import event_xml, text_xml

    async with FakeWeChat(APP_ID, SECRET, clock=lambda: clock.now().timestamp(),
                          enforce_windows=True) as wx:  # fmt: skip
        async with WeChatClient(APP_ID, SECRET, wx.url, MemoryTokenStore(), clock=clock) as c:
            with pytest.raises(WeChatWindowClosed) as info:  # never wrote: 45015
                await c.send_text("oA", "x")
            assert info.value.errcode == 45015
            wx.saw_callback(text_xml("oA", "你好"))
            for i in range(5):
                await c.send_text("oA", f"{i}")
            with pytest.raises(WeChatWindowClosed) as info:  # the sixth: 45047
                await c.send_text("oA", "5")
            assert info.value.errcode == 45047
            wx.saw_callback(event_xml("oA", "CLICK", "REPORT_REPAIR"))  # a click: 3 a minute
            for i in range(3):
                await c.send_text("oA", f"click {i}")
            with pytest.raises(WeChatWindowClosed):
                await c.send_text("oA", "click 3")
            wx.saw_callback(text_xml("oA", "在吗"))
            clock.advance(hours=48, seconds=1)
            with pytest.raises(WeChatWindowClosed) as info:
                await c.send_text("oA", "too late")
            assert info.value.errcode == 45015
            wx.saw_callback(event_xml("oA", "unsubscribe"))
            for call in (c.send_text("oA", "x"), c.send_template("oA", "T", {"thing1": "x"})):
                with pytest.raises(WeChatApiError) as info:
                    await call
                assert info.value.errcode == 43004


async def test_the_fake_keeps_template_field_kinds(wx, client):
    wx.add_template("T1", "character_string1", "thing2", "phrase3", "time4")
    good = {
        "character_string1": "20261123-0007",
        "thing2": "厨房水管漏水",
        "phrase3": "已处理",
        "time4": "2026年11月26日 10:00",
    }
    await client.send_template("oR", "T1", good)
    for field, value in [
        ("character_string1", "工单20261123"),  # Chinese in a character_string
        ("phrase3", "resolved"),  # not Chinese
        ("phrase3", "重新处理中了"),  # six characters
        ("time4", "明天上午"),
        ("thing2", ""),
        ("thing9", "a field the template does not have"),
    ]:
        with pytest.raises(WeChatApiError) as info:
            await client.send_template("oR", "T1", {**good, field: value})
        assert info.value.errcode == 47003, (field, value)
    with pytest.raises(WeChatApiError) as info:
        await client.send_template("oR", "T-unknown", good)
    assert info.value.errcode == 40037
