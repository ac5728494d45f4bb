"""Verifying residents from the web console (issue 19): the claims waiting for a person,
with the register's people (phones masked), and the chat card's three answers as
buttons; the same decision as in chat. A steward of the other estate sees none of them.
And a community whose stewards' chat nothing reaches is named at start-up."""

from __future__ import annotations

from bot.app import unreached_stewards
from bot.settings import Settings
from models.domain.clock import now
from models.domain.config import EXAMPLE_CONFIG, load_config
from models.tables import Occupant, Outbox, Resident, UnitClaim
from tests.test_console_notices import resident as says
from tests.test_console_security import console, sign_in  # noqa: F401


async def resident(user: str, text: str) -> None:
    await says("web", user, text)


async def test_a_claim_verified_on_the_page(console):  # noqa: F811
    await resident("w601", "1栋1单元1201")
    someone = await Resident.get(chat_id="w601")
    owner = await Occupant.create(
        unit_id=someone.unit_id,
        name="张三",
        phone="13812345678",
        role="owner",
        updated_at=now(),
        imported_at=now(),
    )
    claim = await UnitClaim.get(resident_id=someone.id)
    assert claim.verified_at is None

    csrf = await sign_in(console, "赵管家")  # 东苑: not theirs
    page = await (await console.get("/console/verify")).text()
    assert f'data-claim="{claim.id}"' not in page and "没有等待核实的住户" in page
    refused = await console.post(
        f"/console/verify/{claim.id}", data={"csrf": csrf, "answer": str(owner.id)}
    )
    assert refused.status == 200 and (await UnitClaim.get(id=claim.id)).verified_at is None

    console.session.cookie_jar.clear()
    csrf = await sign_in(console, "王管家")
    page = await (await console.get("/console/verify")).text()
    assert f'data-claim="{claim.id}"' in page and "1栋1单元1201" in page
    assert "138****5678" in page and "13812345678" not in page
    last = await Outbox.all().order_by("-id").first()
    mark = last.id if last else 0
    done = await console.post(
        f"/console/verify/{claim.id}", data={"csrf": csrf, "answer": str(owner.id)}
    )
    text = await done.text()
    assert done.status == 200 and "王管家" in text and "没有等待核实的住户" in text
    claim = await UnitClaim.get(id=claim.id)
    assert claim.verified_at and claim.occupant_id == owner.id and claim.verified_via == "staff"
    told = await Outbox.filter(chat_id="w601", id__gt=mark)
    assert told  # the resident hears they are verified
    again = await console.post(f"/console/verify/{claim.id}", data={"csrf": csrf, "answer": "no"})
    assert "已处理过" in await again.text()


def test_a_community_no_running_channel_reaches_is_named(tmp_path):
    config = load_config(EXAMPLE_CONFIG)
    nothing = Settings(_env_file=None, TELEGRAM_BOT_TOKEN="")
    assert unreached_stewards(nothing, config) == [c.code for c in config.communities]
    with_telegram = Settings(_env_file=None, TELEGRAM_BOT_TOKEN="123:abc")
    reached = {
        c.code
        for c in config.communities
        if c.stewards_chat.telegram or c.stewards_chat.wecom_webhook
    }
    assert (
        set(unreached_stewards(with_telegram, config))
        == {c.code for c in config.communities} - reached
    )


async def test_one_decision_per_claim_and_no_means_unbound(console):  # noqa: F811
    from handlers import verification_staff
    from models.outbox import transaction
    from models.tables import Staff

    await resident("w611", "1栋1单元1202")
    someone = await Resident.get(chat_id="w611")
    claim = await UnitClaim.get(resident_id=someone.id)
    wang = await Staff.get(name="王管家")
    async with transaction() as conn:
        assert await verification_staff.decide(wang, claim.id, "abc", conn) is None  # names nobody
        assert (
            await verification_staff.decide(wang, claim.id, "99999", conn) is None
        )  # left the register
    assert (await UnitClaim.get(id=claim.id)).verified_at is None
    async with transaction() as conn:
        said = await verification_staff.decide(wang, claim.id, "no", conn)
    assert said and "王管家" in said
    assert (await Resident.get(id=someone.id)).unit_id is None  # asked again if they name one
    assert not await verification_staff.pending(wang)
    async with transaction() as conn:
        assert await verification_staff.decide(wang, claim.id, "0", conn) is None  # decided already
