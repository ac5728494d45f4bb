"""Issue 17, staff openids are staff from their first event: a steward who follows the
Official Account (or clicks its menu, or says hello) is told what they can do there, not
welcomed as a resident and asked for a unit; no resident row is made for them."""

from __future__ import annotations

from models.tables import Resident, Ticket
from tests import test_wechat_e2e as e2e
from tests.fakes.wechat_api import event_xml, text_xml
from tests.test_wechat_e2e import RESIDENT, STEWARD_OPENID, _content, bind_unit

world = e2e.world


async def test_a_steward_following_the_account_is_staff_from_the_first_event(world):
    w = world
    since = await w.say(event_xml(STEWARD_OPENID, "subscribe", create_time=w.epoch()))
    welcome = await w.to_resident(since, "已登记为物业工作人员", openid=STEWARD_OPENID)
    text = _content(welcome)
    assert text.startswith("王管家，您好！") and "贴心管家" in text and "/claim N" in text
    assert "告诉我们您的房号" not in text and "欢迎联系" not in text
    for xml in (
        event_xml(STEWARD_OPENID, "CLICK", "REPORT_REPAIR", create_time=w.epoch() + 1),
        text_xml(STEWARD_OPENID, "你好"),
        event_xml(STEWARD_OPENID, "SCAN", "demo:1", create_time=w.epoch() + 2),
    ):
        since = await w.say(xml)
        await w.to_resident(since, "已登记为物业工作人员", openid=STEWARD_OPENID)
    await w.settle()
    assert not await Resident.filter(platform_user_id=STEWARD_OPENID).exists()
    # and the commands work from the same chat
    await bind_unit(w)
    since = await w.say(text_xml(RESIDENT, "楼道的灯坏了"))
    await w.to_resident(since, "工单")
    ticket = await Ticket.get()
    since = await w.say(text_xml(STEWARD_OPENID, f"/claim {ticket.number}"))
    await w.to_resident(since, "已接单", openid=STEWARD_OPENID)
    assert (await Ticket.get(id=ticket.id)).status == "claimed"


async def test_a_resident_still_gets_the_resident_welcome(world):
    w = world
    since = await w.say(event_xml(RESIDENT, "subscribe", create_time=w.epoch()))
    greeting = await w.to_resident(since, "欢迎联系")
    assert "工作人员" not in _content(greeting)
    await w.to_resident(since, "房号")


async def test_a_wechat_steward_who_confirms_a_notice_by_its_number_is_told(world):
    """WeChat cannot edit a message: the answer to a numbered reply that settles a card is
    said (a Telegram card would close instead)."""
    w = world
    await bind_unit(w)
    since = await w.say(text_xml(STEWARD_OPENID, "/notice 1栋 明天9:00-12:00停水检修"))
    await w.to_resident(since, "通知预览", openid=STEWARD_OPENID)
    since = await w.say(text_xml(STEWARD_OPENID, "1"))  # the preview's 确认发送
    told = await w.to_resident(since, "开始发送", openid=STEWARD_OPENID)
    assert "通知 N" in _content(told)
