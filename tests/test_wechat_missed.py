"""Issue 17, when no template can carry a message: the stewards' group and the supervisors
are told (ticket number, what the resident missed, masked, and why), and the resident is
told at their next message, which first gets a short word about it and the messages
themselves. An outage (WeChat down, not a refusal) is told apart."""

from __future__ import annotations

import pytest

from bot.channels.wechat import WeChatSender
from bot.channels.wechat_api import WeChatClient
from bot.dispatcher import Delivery, Dispatcher, SendError
from handlers import context
from handlers.delivery_failures import message_missed
from models.outbox import queue_message
from models.tables import Outbox, Resident, Ticket
from tests import test_wechat_e2e as e2e
from tests.fakes import wechat_api
from tests.fakes.wechat_api import text_xml
from tests.test_wechat_e2e import (
    CUSTOM,
    RESIDENT,
    ROBOT_KEY,
    STEWARD_ID,
    STEWARDS,
    TEMPLATE,
    _content,
    bind_unit,
)

world = e2e.world
fake_wechat = wechat_api.fake_wechat


async def test_no_template_tells_the_stewards_and_the_resident_at_their_next_message(world):
    w = world
    no_templates = w.rt.config.wechat.model_copy(update={"templates": {}, "template_for": {}})
    w.channel.sender.config = w.rt.config.model_copy(update={"wechat": no_templates})
    await bind_unit(w)
    since = await w.say(text_xml(RESIDENT, "卫生间水龙头一直滴水"))
    await w.to_resident(since, "工单")
    ticket = await Ticket.get()
    w.clock.advance(days=3)  # the resident was away: the window is closed
    since, tg_since = w.wx.mark(), w.tg.mark()
    w.tg.push_update(
        w.tg.make_text_update(
            STEWARD_ID,
            STEWARDS,
            f"/resolve {ticket.number} 已更换阀芯，如有问题请打13812345678",
            chat_type="supergroup",
        )
    )
    robot = await w.wx.wait_for(
        "/cgi-bin/webhook/send", lambda c: "消息未送达" in str(c.body), since=since
    )
    told = robot.body["markdown"]["content"]
    assert ticket.number in told and "已更换阀芯" in told and "138****5678" in told
    assert "13812345678" not in told and "48 小时" in told
    group = await w.tg.wait_for(
        "sendMessage",
        lambda c: c.params.get("chat_id") == STEWARDS and "消息未送达" in c.params["text"],
        since=tg_since,
    )
    assert ticket.number in group.params["text"]
    assert not [c for c in w.wx.calls()[since:] if c.path in (CUSTOM, TEMPLATE) and c.ok]
    resident = await Resident.get(platform="wechat", platform_user_id=RESIDENT)
    assert [m["text_key"] for m in resident.state["missed"]] == ["resolved_notice"]
    failed = await Outbox.get(status="failed", chat_id=RESIDENT)
    assert "no template" in failed.last_error

    # days later the resident writes: first the word about it, then the message itself
    since = await w.say(text_xml(RESIDENT, "你好，在吗"))
    notice = await w.to_resident(since, "没能送达")
    again = await w.to_resident(since, "已更换阀芯")
    # then the answer to what they wrote (a greeting: answered, the ticket left alone)
    answer = await w.to_resident(since, "有需要随时告诉我们")
    calls = w.wx.calls()
    assert calls.index(notice) < calls.index(again) < calls.index(answer)
    assert _content(notice).startswith("感谢您的消息！此前我们有 1 条消息没能送达")
    assert "但是" not in _content(notice)
    assert "missed" not in (await Resident.get(id=resident.id)).state
    robot_lines = [c for c in w.wx.robot_messages(ROBOT_KEY) if "消息未送达" in str(c.body)]
    assert len(robot_lines) == 1


async def test_supervisors_are_told_too_and_a_message_without_ticket(db, clock, config):
    """The supervisors' chat of the community hears it as well (once, even when it is also
    where the card lives), and a message about no ticket names the community and unit."""
    cfg = config.model_copy(
        update={
            "communities": [
                config.communities[0].model_copy(
                    update={
                        "stewards_chat": config.communities[0].stewards_chat.model_copy(
                            update={"telegram": -1001}
                        ),
                        "supervisors_chat": config.communities[0].supervisors_chat.model_copy(
                            update={"telegram": -1002, "wecom_webhook": "http://robot/sup"}
                        ),
                    }
                )
            ]
        }
    )
    context.setup(cfg)
    try:
        from models.domain.clock import now

        resident = await Resident.create(
            platform="wechat", platform_user_id="oR1", chat_id="oR1", created_at=now()
        )
        row = await queue_message("wechat", "oR1", "您的访客登记已确认，电话 13912345678")
        await message_missed(row, "wechat unreachable: HTTP 503", None, outage=True)
        told = await Outbox.filter(id__gt=row.id).order_by("id")
        assert [(r.platform, r.chat_id) for r in told] == [
            ("telegram", "-1001"),
            ("telegram", "-1002"),
            ("wecom", "http://robot/sup"),
        ]
        text = told[0].payload["text"]
        assert "示例花园 未登记" in text and "139****5678" in text
        assert "微信暂时无法连接" in text
        assert (await Resident.get(id=resident.id)).state["missed"][0]["text"].startswith("您的")
        # messages to staff chats are left to the alert on the ticket
        staff_row = await queue_message("wecom", "http://robot/sup", "x")
        await message_missed(staff_row, "refused", None)
        assert await Outbox.filter(id__gt=staff_row.id).count() == 0
    finally:
        context.setup(config)


@pytest.mark.parametrize(
    ("fault", "outage"),
    [({"status": 503}, True), ({"errcode": -1}, True), ({"errcode": 45009}, False)],
)
async def test_an_outage_is_told_apart_from_a_refusal(
    db, clock, config, fake_wechat, fault, outage
):
    from models import wechat as state

    await state.opened_by_message("oOut")
    fake_wechat.fail_next(CUSTOM, **fault)
    row = Outbox(
        id=1, platform="wechat", chat_id="oOut", kind="text", attempts=0, payload={"text": "你好"}
    )
    async with WeChatClient("wx_fake_app_id", "fake-app-secret", fake_wechat.url) as client:
        with pytest.raises(SendError) as info:
            await WeChatSender(client, config).send(Delivery(row))
    assert info.value.retryable and info.value.outage is outage
    assert (await state.contact("oOut")).message_quota == 5  # given back


async def test_the_dispatcher_hands_what_it_gives_up_on_to_the_service(db, clock, config):
    from models.domain.clock import now

    await Resident.create(platform="wechat", platform_user_id="oG", chat_id="oG", created_at=now())

    class Refusing:
        per_second = None

        def pace(self, chat_id):
            return None

        async def send(self, delivery):
            raise SendError("the 48-hour window is closed and no template", retryable=False)

    await queue_message("wechat", "oG", "您的工单已办结")
    await Dispatcher({"wechat": Refusing()}, config.outbox).run_once()
    assert (await Resident.get(platform_user_id="oG")).state["missed"][0][
        "text"
    ] == "您的工单已办结"
