"""Issue 17, template messages that work: the shipped example mapping uses the field kinds of
WeChat's current template library, one template per purpose; every value fits its field (the
fake refuses what WeChat refuses: thing 20, character_string 32 without Chinese, phrase 5
Chinese characters, time); the result is summarised to fit, the numbered answers are always
shown; check-config refuses a mapping whose fields cannot carry the text; and on WeChat the
texts say 回复数字, never 点按钮."""

from __future__ import annotations

import pytest

from bot.channels.wechat import fit_field, numbered
from bot.channels.wechat_api import WeChatClient
from bot.dispatcher import Delivery, SendError
from handlers.context import env
from models.domain.config import EXAMPLE_CONFIG, ConfigError, load_config
from models.tables import Outbox, Resident, Ticket
from tests import test_wechat_e2e as e2e
from tests.fakes.wechat_api import TEMPLATE_KINDS, template_value_fits, text_xml
from tests.test_wechat_e2e import (
    CUSTOM,
    RESIDENT,
    STEWARD_ID,
    STEWARDS,
    TEMPLATE,
    _content,
    bind_unit,
    with_example_templates,
)

world = e2e.world
hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies


def example(tmp_path, replace: tuple[str, str] | None = None):
    text = with_example_templates(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    if replace:
        assert replace[0] in text
        text = text.replace(*replace)
    path = tmp_path / "g.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


# -- the configuration -------------------------------------------------------------------------
def test_the_shipped_example_mapping_is_valid_and_one_template_per_purpose(tmp_path):
    wechat = example(tmp_path).wechat
    assert set(wechat.templates) == {"ticket_update", "followup", "closure"}
    assert wechat.template("resolved_notice") == "ticket_update"
    assert wechat.template("followup_rate_ask") == wechat.template("followup_accept_ask")
    assert wechat.templates["followup"].carries("choices")
    assert wechat.template("closed_notice") == wechat.template("no_reply_closed") == "closure"
    kinds = {f.rstrip("0123456789") for t in wechat.templates.values() for f in t.fields}
    assert kinds <= set(TEMPLATE_KINDS)  # the kinds of WeChat's current library


@pytest.mark.parametrize(
    ("replace", "problem"),
    [
        (('thing5: "{text}"', 'thing5: "工单{number}的处理结果：{text}"'), "needs at least 27"),
        (('phrase3: "{status}"', 'phrase3: "{summary}"'), "Chinese words only"),
        (('phrase3: "{status}"', 'phrase3: "{kind}{status}"'), "takes 5 characters"),
        (('character_string1: "{number}"', 'character_string1: "{unit}"'), "letters, digits"),
        (('character_string1: "{number}"', 'character_string1: "工单{number}"'), "Chinese"),
        (('time4: "{time}"', 'time4: "{time}更新"'), "exactly {time}"),
        (('time4: "{time}"', 'first: "{title}"'), "no longer shows first"),
        (('thing3: "{choices}"', 'thing3: "{summary}"'), "which number to answer"),
        (('thing5: "{text}"', 'thing5: "{summary}"'), "would not be shown"),
        (('thing2: "{summary}"', 'number2: "{summary}"'), "takes none of our values"),
    ],
)
def test_check_config_refuses_fields_that_cannot_carry_their_text(tmp_path, replace, problem):
    with pytest.raises(ConfigError) as info:
        example(tmp_path, replace)
    assert problem in str(info.value)
    assert str(info.value).count("\n") == 0


def test_check_config_command_says_it_in_one_line(tmp_path):
    import subprocess
    import sys

    text = with_example_templates(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace('thing3: "{choices}"', 'thing3: "{summary}"'), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "check-config", str(path)],
        capture_output=True,
        text=True,
        cwd=EXAMPLE_CONFIG.parent,
    )
    assert done.returncode == 2
    assert "{choices}" in done.stderr + done.stdout and "Traceback" not in done.stderr


# -- values that fit, whatever the words -------------------------------------------------------
RESIDENT_KEYS = [
    k.removeprefix("wechat.template.")
    for k in sorted(__import__("handlers.texts", fromlist=["Texts"]).Texts().keys())
    if k.startswith("wechat.template.")
]

facts_strategy = st.fixed_dictionaries(
    {
        "number": st.just("20261123-0007"),
        "kind": st.sampled_from(["报修", "投诉", "保洁", "咨询"]),
        "status": st.sampled_from(["待确认", "已受理", "处理中", "已处理", "已办结", "重新处理中"]),
        "summary": st.text(min_size=1, max_size=40),
        "unit": st.sampled_from(["1栋2单元1201", "", "3栋1单元2604"]),
        "community": st.sampled_from(["示例花园", ""]),
        "staff": st.sampled_from(["王管家", "", "Wang"]),
        "result": st.text(max_size=300),
        "reason": st.text(max_size=300),
        "eta": st.text(max_size=50),
        "item": st.text(max_size=20),
        "price": st.text(max_size=20),
    }
)


def test_every_value_fits_its_field_whatever_the_words(tmp_path, config, clock):
    templates = example(tmp_path).wechat.templates

    @hypothesis.settings(max_examples=300, deadline=None, database=None)
    @hypothesis.given(
        found=facts_strategy,
        key=st.sampled_from([*RESIDENT_KEYS, None, "greeting"]),
        script=st.sampled_from(["hans", "hant", "en"]),
        text=st.text(max_size=500),
        buttons=st.sampled_from(["rate", "accept", "fee", None]),
        photos=st.integers(0, 3),
    )
    def check(found, key, script, text, buttons, photos):
        t = env().texts
        rows = {
            "rate": [[{"text": t(f"rate.{n}", script), "data": f"r:{n}"}] for n in (5, 4, 3, 2, 1)],
            "accept": [
                [{"text": t("accept_yes", script), "data": "a:y"}],
                [{"text": t("accept_no", script), "data": "a:n"}],
            ],
            "fee": [
                [{"text": t("fee_yes", script), "data": "f:y"}],
                [{"text": t("fee_no", script), "data": "f:n"}],
            ],
        }
        _, _, pairs = numbered(rows.get(buttons), script)
        media = [{"type": "photo"}] * photos
        for template in templates.values():
            for field, value in template.fields.items():
                out = fit_field(field, value, found, text, media, pairs, key, script)
                assert template_value_fits(field, out), (field, value, out)
                assert "\n" not in out
                if "{choices}" in value and pairs:
                    assert all(n in out for n, _ in pairs) or "…" in out

    check()


# -- the examples, through the running bot ----------------------------------------------
async def open_ticket(w, words: str, needle: str = "工单") -> Ticket:
    await bind_unit(w)
    since = await w.say(text_xml(RESIDENT, words))
    await w.to_resident(since, needle)
    return await Ticket.get()


async def resolve_from_telegram(w, ticket: Ticket, result: str) -> None:
    w.tg.push_update(
        w.tg.make_text_update(
            STEWARD_ID, STEWARDS, f"/resolve {ticket.number} {result}", chat_type="supergroup"
        )
    )


async def test_the_result_is_summarised_to_fit_and_the_rest_shows_the_ticket(world):
    w = world
    ticket = await open_ticket(w, "厨房水槽下面一直在漏水，地板都湿了")
    w.clock.advance(days=3)  # the resident was away: the window is closed
    since = w.wx.mark()
    result = "已更换厨房水槽下方的进水软管和角阀，并检查了排水管，目前已不再漏水，请放心使用"
    await resolve_from_telegram(w, ticket, result)
    sent = await w.wx.wait_for(TEMPLATE, lambda c: c.body["touser"] == RESIDENT, since=since)
    data = {k: v["value"] for k, v in sent.body["data"].items()}
    assert sent.body["template_id"] == "TPL_TICKET_UPDATE"
    assert data["character_string1"] == ticket.number
    assert data["phrase3"] == "已处理"
    assert data["thing2"] == "厨房水槽下面一直在漏水，地板都湿了"
    assert data["thing5"].startswith("已处理：已更换厨房水槽下方的进水软管")
    assert len(data["thing5"]) == 20 and data["thing5"].endswith("…")
    assert data["time4"] == "2026年11月26日 10:00"


async def test_followup_answers_are_always_shown_and_numbers_work(world):
    w = world
    ticket = await open_ticket(w, "客厅的灯不亮了")
    since = w.wx.mark()
    await resolve_from_telegram(w, ticket, "已更换灯泡")
    await w.to_resident(since, "处理完毕")
    from handlers.deadline_steps import sweep

    w.clock.advance(days=3)
    since = w.wx.mark()
    await sweep()
    accept = await w.wx.wait_for(TEMPLATE, lambda c: c.body["touser"] == RESIDENT, since=since)
    assert accept.body["data"]["thing3"]["value"] == "回复1验收通过 2还有问题"
    # the resident answers "1": the window is open again, the rating question follows as a
    # customer-service message with every answer
    since = await w.say(text_xml(RESIDENT, "1"))
    rate = await w.to_resident(since, "打个分")
    assert "回复 5 非常满意，4 满意，3 一般，2 不满意，1 非常不满意" in _content(rate)
    # two days pass without an answer, and the reminder and the question go out as templates
    w.clock.advance(days=3)
    since = w.wx.mark()
    await sweep()
    await w.wx.wait_for(TEMPLATE, lambda c: c.body["template_id"] == "TPL_FOLLOWUP", since=since)
    sent = [c for c in w.wx.calls(TEMPLATE)[-2:]]
    reminder, question = ({k: v["value"] for k, v in c.body["data"].items()} for c in sent)
    assert reminder["thing5"] == "想再确认处理结果，请回复数字"
    assert question["thing3"] == "回复5非常满意…1非常不满意"
    assert not any("按钮" in v for v in [*reminder.values(), *question.values()])
    since = await w.say(text_xml(RESIDENT, "4"))
    await w.to_resident(since, "感谢您的评价")
    assert (await Ticket.get(id=ticket.id)).satisfaction == 4


async def test_the_reminder_says_reply_with_a_number_on_wechat(world):
    w = world
    ticket = await open_ticket(w, "客厅的灯不亮了")
    resident = await Resident.get(platform="wechat", platform_user_id=RESIDENT)
    from handlers import followup
    from models.outbox import notify_dispatcher, transaction
    from models.tickets import transition

    since = w.wx.mark()
    async with transaction() as conn:
        await transition(ticket, "resolved", e2e_actor(), "已更换灯泡", conn=conn)
        await followup.ask(ticket, resident, conn, reminder=True)
    notify_dispatcher()
    reminder = await w.to_resident(since, "再确认一下")
    assert "回复" in _content(reminder) and "按钮" not in _content(reminder)
    question = await w.to_resident(since, "验收通过")
    assert "回复 1 验收通过，2 还有问题" in _content(question)


def e2e_actor():
    from models.domain.lifecycle import Actor

    return Actor.system("test")


async def test_traditional_and_english_residents_get_values_their_fields_take(world):
    w = world
    ticket = await open_ticket(w, "客廳的燈不亮了，麻煩派人來看看", "工單")
    resident = await Resident.get(platform="wechat", platform_user_id=RESIDENT)
    assert resident.script == "hant"
    w.clock.advance(days=3)
    since = w.wx.mark()
    await resolve_from_telegram(w, ticket, "已更換燈泡")
    sent = await w.wx.wait_for(TEMPLATE, lambda c: c.body["touser"] == RESIDENT, since=since)
    data = {k: v["value"] for k, v in sent.body["data"].items()}
    assert data["phrase3"] == "已處理" and data["thing5"] == "已處理：已更換燈泡"
    await Resident.filter(id=resident.id).update(script="en")
    since = w.wx.mark()
    w.tg.push_update(
        w.tg.make_text_update(
            STEWARD_ID, STEWARDS, f"/close {ticket.number} fixed", chat_type="supergroup"
        )
    )
    sent = await w.wx.wait_for(TEMPLATE, lambda c: c.body["touser"] == RESIDENT, since=since)
    data = {k: v["value"] for k, v in sent.body["data"].items()}
    assert sent.body["template_id"] == "TPL_CLOSURE" and data["thing4"] == "Closed: fixed"


# -- when no template can carry it --------------------------------------------------------------
async def test_no_template_or_no_field_for_the_answers_is_a_failure_to_report(
    db, clock, config, fake_wechat
):
    from bot.channels.wechat import WeChatSender

    row = Outbox(
        id=1, platform="wechat", chat_id="oQuiet", kind="text", attempts=0,
        payload={"text": "您好", "text_key": "closed_notice"},
    )  # fmt: skip
    async with WeChatClient("wx_fake_app_id", "fake-app-secret", fake_wechat.url) as client:
        with pytest.raises(SendError, match="no template") as info:
            await WeChatSender(client, config).send(Delivery(row))
        assert not info.value.retryable
        only_text = config.wechat.model_copy(
            update={
                "templates": {"t": config.wechat.templates.get("t") or _template()},
                "template_for": {"fee_ask": "t"},
            }
        )
        cfg = config.model_copy(update={"wechat": only_text})
        row.payload = {
            "text": "收费 80 元，同意吗？",
            "text_key": "fee_ask",
            "buttons": [[{"text": "同意", "data": "fee:yes:1"}]],
        }
        with pytest.raises(SendError, match="numbered answers"):
            await WeChatSender(client, cfg).send(Delivery(row))
    assert not fake_wechat.calls(TEMPLATE)
    assert not fake_wechat.calls(CUSTOM)


def _template():
    from models.domain.config import WeChatTemplate

    return WeChatTemplate(template_id="T", fields={"thing1": "{text}"})


fake_wechat = __import__("tests.fakes.wechat_api", fromlist=["fake_wechat"]).fake_wechat
