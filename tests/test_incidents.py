"""Mass incidents through the platform-neutral handlers (issue 20): reports of one
failure from one building become one incident with one card; later reports join it;
resolving it resolves and tells every household; staff link and split; another
building's report stays its own; deadlines run on the incident. The injectable clock
steps time; nothing here depends on how fast the machine is."""

from __future__ import annotations

import pytest

from handlers import incident_actions
from handlers.context import Incoming, setup
from handlers.deadline_steps import sweep as deadline_sweep
from handlers.router import handle
from models.domain.clock import now
from models.domain.config import load_config
from models.storage.db import close_db, open_db, sync_config
from models.tables import Incident, IncidentReport, Outbox, Ticket
from tests.test_scheduler import STEWARD, STEWARDS, SUPERVISORS, local, staffed_config

_n = iter(range(1, 10**6))
BUILDING_5 = """      - name: "5"
        entrances: 2
        floors: 18
        rooms_per_floor: 2
      - 商铺"""


def outage_config(tmp_path, **incidents):
    staffed_config(tmp_path)  # writes guanjia.yaml
    path = tmp_path / "guanjia.yaml"
    text = path.read_text(encoding="utf-8").replace("      - 商铺", BUILDING_5, 1)
    if incidents:
        text += "incidents:\n" + "".join(f"  {k}: {v}\n" for k, v in incidents.items())
    path.write_text(text, encoding="utf-8")
    return load_config(path)


@pytest.fixture
async def world(tmp_path, clock):
    config = outage_config(tmp_path)
    setup(config)
    await open_db(f"sqlite://{tmp_path}/incidents.db", create=True)
    await sync_config(config)
    clock.set(local(2026, 11, 23, 10, 0))
    yield clock
    await close_db()
    from models.domain.config import EXAMPLE_CONFIG

    setup(load_config(EXAMPLE_CONFIG))


async def say(text: str, user: str, *, button: str | None = None):
    return await handle(
        Incoming(
            platform="telegram",
            key=f"m{next(_n)}",
            chat_id=user,
            sender_id=user,
            text=text,
            button=button,
        )
    )


async def staff_says(text: str, *, reply_to: str | None = None, button: str | None = None):
    return await handle(
        Incoming(
            platform="telegram",
            key=f"s{next(_n)}",
            chat_id=STEWARDS,
            sender_id=str(STEWARD),
            chat_type="group",
            message_id=str(next(_n)),
            text=text,
            reply_to=reply_to,
            button=button,
        )
    )


async def since(mark: int, **where) -> list[Outbox]:
    return await Outbox.filter(id__gt=mark, **where).order_by("id")


async def mark() -> int:
    row = await Outbox.all().order_by("-id").first()
    return row.id if row else 0


UNITS_3 = {"701": "3栋1单元101", "702": "3栋1单元102", "703": "3栋2单元201", "704": "3栋3单元1504"}


async def bind(users: dict[str, str]) -> None:
    for user, unit in users.items():
        await say(unit, user)


def text(row: Outbox) -> str:
    return row.payload["text"]


async def test_three_reports_make_one_incident_with_one_card(world):
    await bind(UNITS_3)
    m = await mark()
    await say("停电了", "701")
    await say("我家也停电了，快来人", "702")
    cards = await since(m, chat_id=STEWARDS, kind="card")
    assert len(cards) == 2  # the first reporters' urgent handling is unchanged
    before_third = await mark()
    await say("3栋整栋楼都停电了", "703")

    incident = await Incident.get()
    parent = await Ticket.get(id=incident.ticket_id)
    assert (incident.failure, incident.place, incident.households) == ("power", "3栋", 3)
    assert parent.urgent and parent.resident_id is None and parent.due_kind == "claim"
    # one incident card, no card for the third report; the two cards name the incident
    new_cards = await since(before_third, chat_id=STEWARDS, kind="card")
    assert [("事件" in text(c), "已有 3 户反映" in text(c)) for c in new_cards] == [(True, True)]
    edits = await since(before_third, chat_id=STEWARDS, kind="edit_card")
    assert {e.ticket_id for e in edits} == {c.ticket_id for c in cards}
    assert all(f"已并入事件 {parent.number}" in text(e) for e in edits)
    # the supervisors hear of the incident once
    alerts = await since(before_third, chat_id=SUPERVISORS)
    assert len(alerts) == 1 and "已有 3 户反映" in text(alerts[0])
    # the children's clocks are off: the incident's runs for them
    children = await Ticket.filter(id__in=await _children(incident))
    assert len(children) == 3 and all(c.due_at is None for c in children)
    # the third reporter is told that we know; the first two that it is one incident now
    third = await since(before_third, chat_id="703")
    assert any(
        "我们已知晓3栋停电，正在处理" in text(r)
        and parent.number in text(r)
        and "恢复后会通知您" in text(r)
        for r in third
    )
    for user in ("701", "702"):
        told = [text(r) for r in await since(before_third, chat_id=user)]
        assert any("合并为一个事件" in t and parent.number in t for t in told)
    assert all(not r.urgent for r in await since(before_third, chat_id__in=["701", "702", "703"]))


async def _children(incident: Incident) -> list[int]:
    return await IncidentReport.filter(incident_id=incident.id).values_list("ticket_id", flat=True)


async def test_a_fourth_report_joins_and_the_card_is_edited_within_its_limit(world):
    await bind(UNITS_3)
    for user in ("701", "702", "703"):
        await say("停电了", user)
    incident = await Incident.get()
    m = await mark()
    world.advance(seconds=5)  # less than card_edit_seconds after the card went out
    await say("楼里没电了", "704")
    assert not await since(m, chat_id=STEWARDS)  # nothing new in the group yet
    joined = [text(r) for r in await since(m, chat_id="704")]
    assert len(joined) == 1 and "我们已知晓3栋停电" in joined[0]
    assert (await Incident.get(id=incident.id)).card_dirty
    assert await incident_actions.sweep() == 0  # still too soon
    world.advance(seconds=15)
    assert await incident_actions.sweep() == 1
    (edit,) = await since(m, chat_id=STEWARDS)
    assert edit.kind == "edit_card" and "已有 4 户反映" in text(edit)
    assert await incident_actions.sweep() == 0
    # the same household asking again is told it is in hand: no new ticket, no relay
    before = await Ticket.all().count()
    m = await mark()
    await say("什么时候来电？", "704")
    assert await Ticket.all().count() == before
    (still,) = await since(m)
    assert still.chat_id == "704" and "仍在处理" in text(still)


async def test_another_building_at_the_same_time_stays_its_own_ticket(world):
    await bind(UNITS_3)
    await say("5栋1单元101", "751")
    for user in ("701", "702", "703"):
        await say("停电了", user)
    m = await mark()
    await say("停电了！", "751")
    ticket = await Ticket.filter(resident__platform_user_id="751").get()
    assert (await IncidentReport.get(ticket_id=ticket.id)).incident_id is None
    assert await Incident.all().count() == 1
    cards = await since(m, chat_id=STEWARDS, kind="card")
    assert len(cards) == 1 and ticket.number in text(cards[0]) and cards[0].urgent


async def test_resolving_the_incident_resolves_and_tells_every_household(world):
    await bind(UNITS_3)
    for user in UNITS_3:
        await say("停电了", user)
    incident = await Incident.get()
    parent = await Ticket.get(id=incident.ticket_id)
    m = await mark()
    await staff_says(f"/resolve {parent.number[-4:]} 供电局线路已修复，已恢复供电")
    parent = await Ticket.get(id=parent.id)
    assert parent.status == "resolved"
    for user in UNITS_3:
        (told,) = await since(m, chat_id=user)
        assert "已处理完毕" in text(told) and "已恢复供电" in text(told)
        assert parent.number in text(told)
    children = await Ticket.filter(id__in=await _children(incident))
    assert {c.status for c in children} == {"resolved"}
    assert {c.due_kind for c in children} == {"followup"}  # 回访 stays per household
    assert parent.due_at is None  # the incident itself has nobody to ask
    answer = [text(r) for r in await since(m, chat_id=STEWARDS, kind="text")]
    assert any("已通知 4 位住户" in a for a in answer)
    assert (await Incident.get(id=incident.id)).open_key is None
    # an hour later each household is asked, each about its own ticket
    world.advance(minutes=61)
    m = await mark()
    assert await deadline_sweep() == 4
    asks = await since(m, chat_id__in=list(UNITS_3))
    assert len(asks) == 4 and {r.ticket_id for r in asks} == {c.id for c in children}


async def test_deadlines_and_escalation_run_on_the_incident(world):
    await bind(UNITS_3)
    for user in ("701", "702", "703"):
        await say("停电了", user)
    incident = await Incident.get()
    parent = await Ticket.get(id=incident.ticket_id)
    world.advance(minutes=16)  # past the urgent claim deadline of the first report
    m = await mark()
    await deadline_sweep()
    parent = await Ticket.get(id=parent.id)
    assert parent.escalation_level == 1
    overdue = await since(m, chat_id=SUPERVISORS)
    assert overdue and all(r.ticket_id == parent.id for r in overdue)
    assert "3栋" in text(overdue[0])  # its place, not 未登记
    children = await Ticket.filter(id__in=await _children(incident))
    assert all(c.escalation_level == 0 for c in children)


async def test_staff_link_and_split(world):
    await bind(UNITS_3)
    await say("3栋1单元103", "705")
    for user in ("701", "702", "703"):
        await say("停电了", user)
    incident = await Incident.get()
    parent = await Ticket.get(id=incident.ticket_id)
    # a report the words did not tie to it: a steward links it
    await say("冰箱和灯都不工作了", "705")
    other = await Ticket.filter(resident__platform_user_id="705").order_by("-id").first()
    assert await IncidentReport.get_or_none(ticket_id=other.id) is None  # no failure in it
    m = await mark()
    await staff_says(f"/link {parent.number[-4:]} {other.number[-4:]}")
    reply = [text(r) for r in await since(m, chat_id=STEWARDS, kind="text")]
    assert any(f"并入事件 {parent.number}" in r for r in reply)
    told = [text(r) for r in await since(m, chat_id="705")]
    assert any(parent.number in t and "同一件事" in t for t in told)
    assert (await IncidentReport.get(ticket_id=other.id)).joined_by == "staff"
    assert (await Incident.get(id=incident.id)).households == 4
    # one household's power is their own breaker: split off, worked on its own
    child = await Ticket.filter(resident__platform_user_id="703").get()
    m = await mark()
    await staff_says(f"/split {child.number[-4:]}")
    child = await Ticket.get(id=child.id)
    assert "incident_of" not in child.details and child.due_kind == "claim"
    cards = await since(m, chat_id=STEWARDS, kind="card")
    assert [c.ticket_id for c in cards] == [child.id]  # now it has a card of its own
    report = await IncidentReport.get(ticket_id=child.id)
    assert report.incident_id is None and report.split
    assert (await Incident.get(id=incident.id)).households == 3
    # its card offers to put it back, and the button does
    (button,) = [b for row in cards[0].payload["buttons"] for b in row if "并入事件" in b["text"]]
    assert button["data"] == f"inc:link:{child.id}:{incident.id}"
    await staff_says("", button=button["data"])
    assert (await IncidentReport.get(ticket_id=child.id)).incident_id == incident.id
    assert (await Incident.get(id=incident.id)).households == 4
    await staff_says(f"/split {child.number[-4:]}")
    # and the split-off button on a first reporter's card does the same
    first = await Ticket.filter(resident__platform_user_id="701").get()
    outcome = await staff_says("", button=f"inc:split:{first.id}")
    assert outcome.callback_answer
    assert (await IncidentReport.get(ticket_id=first.id)).incident_id is None


async def test_a_reply_to_the_incident_card_reaches_every_household(world):
    await bind(UNITS_3)
    for user in ("701", "702", "703"):
        await say("停电了", user)
    incident = await Incident.get()
    from models.tables import GroupCard

    await GroupCard.create(
        platform="telegram",
        chat_id=STEWARDS,
        message_id="555",
        ticket_id=incident.ticket_id,
        role="card",
        created_at=world.now(),
    )
    m = await mark()
    await staff_says("供电局预计15:00前恢复", reply_to="555")
    for user in ("701", "702", "703"):
        (told,) = await since(m, chat_id=user)
        assert "供电局预计15:00前恢复" in text(told) and "王管家" in text(told)


async def test_a_lift_is_one_entrance_and_water_is_no_hazard(world):
    await bind(UNITS_3)
    await say("3栋1单元201", "706")
    for user in ("701", "702"):
        await say("电梯坏了", user)
    await say("电梯坏了", "703")  # entrance 2: another lift
    assert await Incident.all().count() == 0
    await say("电梯又坏了，不能用", "706")  # entrance 1 again: three households
    incident = await Incident.get()
    assert (incident.failure, incident.entrance, incident.place) == ("lift", 1, "3栋1单元")
    assert incident.households == 3 and not (await Ticket.get(id=incident.ticket_id)).urgent


async def test_monthly_figures(world):
    await bind(UNITS_3)
    for user in UNITS_3:
        await say("停电了", user)
    figures = await incident_actions.month_figures("demo", "2026-11")
    assert (figures.incidents, figures.households, figures.reports) == (1, 4, 4)
    assert figures.by_failure == {"power": 1} and figures.planned == 0
    assert (await incident_actions.month_figures("demo", "2026-10")).incidents == 0

    # the monthly table: one incident and its households, each household one request
    # (the incident's own ticket is not one more repair); the handover lists the incident
    from handlers import handover, report, statistics

    table = await statistics.month_table("2026-11")
    incident = await Incident.get()
    assert table.incidents.ids == [incident.ticket_id] and table.incident_households == 4
    assert incident.ticket_id not in table.requests["repair"].ids
    assert len(table.requests["repair"].ids) == 4
    assert "突发事件：1 起，影响 4 户" in report.render(table)
    # the households' reports have no clocks of their own: hours later, none of them is a
    # missed claim (the incident's own deadline is the one judged)
    world.advance(hours=6)
    later = await statistics.month_table("2026-11")
    children_ids = set(await _children(incident))
    assert not children_ids & set(later.claim.due.ids)
    from models.tables import Community

    text = await handover.compose(await Community.get(code="demo"), now(), end_of_day=False)
    parent = await Ticket.get(id=incident.ticket_id)
    children = await Ticket.filter(id__in=await _children(incident))
    assert parent.number in text and not any(c.number in text for c in children)


async def test_reports_spread_beyond_the_window_do_not_form_one(world):
    await bind(UNITS_3)
    await say("停电了", "701")
    world.advance(minutes=20)
    await say("停电了", "702")
    world.advance(minutes=20)  # the first report is 40 minutes old: out of the window
    await say("停电了", "703")
    assert await Incident.all().count() == 0
    assert await Ticket.all().count() == 3


# -- the rules, without a database ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("words", "failure"),
    [
        ("停电了", "power"),
        ("楼里没电了", "power"),
        ("我家已经停水了", "water"),
        ("没水了", "water"),
        ("电梯坏了", "lift"),
        ("3栋电梯困人了", "lift"),
        ("楼道有燃气味", "gas"),
        ("地下室水漫进来了", "flood"),
        ("污水井冒水了", "drain"),
        ("卧室插座没电", None),  # one home's socket: no shared failure
        ("厨房水管漏水了", None),
        ("来电了，谢谢", None),
        ("楼道灯坏了", None),
    ],
)
def test_which_failure_words_report(config, words, failure):
    import nlp
    from models.domain.incidents import failure_of

    assert failure_of(nlp.classify(words)) == failure


@pytest.mark.parametrize(
    ("words", "question"),
    [("停水到几点？", True), ("明天停电吗", True), ("电梯什么时候修好", True), ("停电了", False)],
)
def test_questions(config, words, question):
    import nlp
    from models.domain.incidents import is_question

    assert is_question(nlp.classify(words)) is question


def test_residents_texts_of_notices_and_incidents_keep_the_etiquette():
    """Thanks first, then an apology; never 但是 (不过, 可是); "恢复后会通知您" only where
    resolving the incident tells them."""
    import yaml

    from handlers.texts import TEXTS_FILE

    texts = yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))
    keys = [k for k in texts if k.startswith(("notice.", "incident."))]
    assert len(keys) >= 10
    for key in keys:
        zh = texts[key]["zh_hans"]
        assert "en" in texts[key], key
        assert not any(w in zh for w in ("但是", "不过", "可是")), key
        if "抱歉" in zh:
            assert zh.index("感谢") < zh.index("抱歉"), key
        if key.startswith("incident.") or key == "notice.joined":
            assert zh.startswith("感谢"), key


async def test_a_wecom_group_hears_the_households_move_in_a_line(world, tmp_path):
    """A WeCom robot cannot edit the incident's card: when households join, its group
    gets one line with the count (as often as Telegram's card is edited), not a card each."""
    hook = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=stewards"
    path = tmp_path / "guanjia.yaml"
    text_ = path.read_text(encoding="utf-8")
    at = text_.index("stewards_chat:")
    text_ = text_[:at] + text_[at:].replace("wecom_webhook: null", f"wecom_webhook: {hook}", 1)
    path.write_text(text_, encoding="utf-8")
    setup(load_config(path))
    await bind(UNITS_3)
    for user in ("701", "702", "703"):
        await say("停电了", user)
    incident = await Incident.get()
    cards = await Outbox.filter(chat_id=hook)
    assert any("已有 3 户反映" in text(c) for c in cards)
    m = await mark()
    world.advance(seconds=5)
    await say("楼里没电了", "704")
    assert not await since(m, chat_id=hook)
    world.advance(seconds=15)
    assert await incident_actions.sweep() == 1
    lines = [text(r) for r in await since(m, chat_id=hook)]
    parent = await Ticket.get(id=incident.ticket_id)
    assert lines == [f"🚨 事件 {parent.number}：已有 4 户反映"]
    after = await mark()
    assert await incident_actions.sweep() == 0 and not await since(after)
