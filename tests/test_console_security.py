"""The console's doors: every route refuses a request without a session, every action
needs the session's CSRF token, a staff member acts only within their communities,
a sign-in link is used once and expires, and a console action is the same event in
the ticket's history as the same action in chat."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.console import setup_console
from bot.web import make_app
from handlers import console_auth
from handlers.context import Incoming, setup
from handlers.router import handle
from models.domain.clock import now
from models.domain.config import EXAMPLE_CONFIG, load_config
from models.storage.db import close_db, open_db, sync_config
from models.tables import (
    ConsoleLink,
    Occupant,
    Outbox,
    Resident,
    Staff,
    Ticket,
    TicketEvent,
    UnitClaim,
)
from tests.test_scheduler import STEWARD, STEWARDS, local, resident_says, staff_does

EAST_STEWARD = 9101
EAST_STEWARDS = "-100700"


def two_communities(tmp_path):
    """The example's 示例花园 (demo) with its staff, and 东苑 (east) with 赵管家."""
    from tests.test_scheduler import staffed_config

    staffed_config(tmp_path)  # writes guanjia.yaml with demo's chats and staff ids
    text = (tmp_path / "guanjia.yaml").read_text(encoding="utf-8")
    east = f"""  - code: east
    name: 东苑
    unit_format: "{{building}}栋{{entrance}}单元{{room}}"
    buildings:
      - name: "8"
        entrances: 1
        floors: 20
        rooms_per_floor: 2
    stewards_chat:
      telegram: {EAST_STEWARDS}
      wecom_webhook: null
    supervisors_chat:
      telegram: null
      wecom_webhook: null

staff:
  - name: 赵管家
    role: steward
    community: east
    telegram_id: {EAST_STEWARD}
"""
    text = text.replace("\nstaff:\n", "\n" + east, 1)
    path = tmp_path / "guanjia.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


@pytest.fixture
async def console(tmp_path, clock):
    config = two_communities(tmp_path)
    setup(config)
    await open_db(f"sqlite://{tmp_path}/console.db", create=True)
    await sync_config(config)
    clock.set(local(2026, 11, 23, 10, 0))
    app = make_app()
    setup_console(app, secret=b"test-secret", public_url="http://console.test")
    client = TestClient(TestServer(app))
    await client.start_server()
    yield client
    await client.close()
    await close_db()
    setup(load_config(EXAMPLE_CONFIG))


async def sign_in(client: TestClient, name: str) -> str:
    """Signs the client in as ``name``; returns the session's CSRF token."""
    url = await console_auth.link_for_name(name)
    path = url.removeprefix("http://console.test")
    page = await client.get(path)
    assert page.status == 200 and "登录" in await page.text()
    done = await client.post(path, allow_redirects=False)
    assert done.status == 303, await done.text()
    queue = await client.get("/console")
    assert queue.status == 200
    return re.search(r'name="csrf" value="([^"]+)"', await queue.text()).group(1)


async def leak() -> Ticket:
    await resident_says("1栋1单元1201")
    await resident_says("厨房水管漏水了，我的电话13812345678")
    return await Ticket.get(kind="repair")


def routes(client: TestClient) -> list[tuple[str, str]]:
    out = []
    for route in client.server.app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter") or info.get("prefix", "")
        if not path.startswith("/console") or path.startswith("/console/static"):
            continue
        if path.startswith("/console/login/") or route.method == "HEAD":
            continue
        path = path.replace("{number}", "20261123-0001").replace("{event}", "1")
        path = path.replace("{id}", "1").replace("{action}", "send").replace("{claim}", "1")
        out.append((route.method, path.replace("{n}", "0")))
    return out


async def test_every_console_route_refuses_a_request_without_a_session(console):
    await leak()
    checked = routes(console)
    assert len(checked) >= 15
    for method, path in checked:
        response = await console.request(method, path, allow_redirects=False)
        assert response.status == 401, (method, path, response.status)
    # a forged cookie is no session either
    console.session.cookie_jar.update_cookies({"gj_console": "forged.0000"})
    assert (await console.get("/console")).status == 401


async def test_actions_need_the_csrf_token_and_stay_within_ones_communities(console):
    ticket = await leak()
    csrf = await sign_in(console, "赵管家")  # 东苑's steward: the ticket is 示例花园's
    for method, path in routes(console):
        if method == "POST" and path != "/console/logout":
            response = await console.post(path, data={"command": "claim"})
            assert response.status == 403, (path, response.status)  # no token
            response = await console.post(path, data={"command": "claim", "csrf": "wrong"})
            assert response.status == 403, (path, response.status)
    page = await console.get(f"/console/t/{ticket.number}")
    assert page.status == 404 and ticket.summary not in await page.text()
    queue = await (await console.get("/console?view=all")).text()
    assert ticket.number not in queue
    found = await (await console.get(f"/console?view=all&q={ticket.number}")).text()
    assert f'data-number="{ticket.number}"' not in found and "没有工单" in found
    act = await console.post(
        f"/console/t/{ticket.number}/act", data={"command": "claim", "csrf": csrf}
    )
    assert act.status == 404
    contact = await console.post(f"/console/t/{ticket.number}/contact", data={"csrf": csrf})
    assert contact.status == 404
    event = await TicketEvent.filter(ticket_id=ticket.id, kind="message_in").first()
    assert (await console.get(f"/console/media/{event.id}/0")).status == 404
    rows = await console.get("/console/stats/list?month=2026-11&figure=requests.repair")
    assert ticket.number not in await rows.text()
    fresh = await Ticket.get(id=ticket.id)
    assert fresh.status == "dispatched" and fresh.assignee_id is None
    assert not await TicketEvent.filter(ticket_id=ticket.id, kind="command")


async def test_a_console_action_is_the_chat_action_by_that_person(console):
    ticket = await leak()
    csrf = await sign_in(console, "王管家")
    page = await (await console.get(f"/console/t/{ticket.number}")).text()
    assert "13812345678" not in page and "138****5678" in page  # masked for staff
    assert "自动回复业主" in page and ticket.number in page  # what the bot told the resident
    act = await console.post(
        f"/console/t/{ticket.number}/act",
        data={"command": "claim", "csrf": csrf},
        allow_redirects=False,
    )
    assert act.status == 303
    reply = await console.post(
        f"/console/t/{ticket.number}/act",
        data={"command": "reply", "text": "师傅下午两点上门", "csrf": csrf},
    )
    assert reply.status == 200 and "已转给业主" in await reply.text()
    wang = await Staff.get(name="王管家")
    events = await TicketEvent.filter(ticket_id=ticket.id).order_by("id")
    claimed = next(e for e in events if e.to_status == "claimed")
    assert (claimed.actor_type, claimed.actor_id, claimed.actor_name) == (
        "staff",
        str(wang.id),
        "王管家",
    )
    commands = [e for e in events if e.kind == "command"]
    assert [e.text.split()[0] for e in commands] == ["/claim", "/reply"]
    assert all(e.data["platform"] == "console" for e in commands)
    out = [e for e in events if e.kind == "message_out"]
    assert out and out[-1].text == "师傅下午两点上门" and out[-1].actor_name == "王管家"
    to_resident = [r.payload["text"] for r in await Outbox.filter(chat_id="501")]
    assert any("王管家" in t and "师傅下午两点上门" in t for t in to_resident)
    assert any(r.kind == "edit_card" for r in await Outbox.filter(chat_id=STEWARDS))
    # the same claim from chat afterwards is the same kind of history
    await staff_does(f"/note {ticket.number} 已约好时间", user=STEWARD)
    note = await TicketEvent.filter(ticket_id=ticket.id, kind="note").first()
    assert note.actor_name == "王管家"


async def test_contact_only_on_request_and_logged(console):
    ticket = await leak()
    csrf = await sign_in(console, "王管家")
    refused = await console.post(f"/console/t/{ticket.number}/contact", data={"csrf": csrf})
    assert "没有" in await refused.text()  # not verified: there is no registered phone
    assert not await TicketEvent.filter(ticket_id=ticket.id, kind="contact")
    resident = await Resident.get(platform_user_id="501")
    at = now()
    occupant = await Occupant.create(
        unit_id=ticket.unit_id,
        name="张三",
        phone="13900001111",
        role="owner",
        imported_at=at,
        updated_at=at,
    )
    await UnitClaim.filter(resident_id=resident.id).update(
        verified_at=at, verified_via="staff", occupant_id=occupant.id, unit_id=ticket.unit_id
    )
    page = await (await console.get(f"/console/t/{ticket.number}")).text()
    assert "13900001111" not in page
    shown = await console.post(f"/console/t/{ticket.number}/contact", data={"csrf": csrf})
    assert "张三 13900001111" in await shown.text()
    (logged,) = await TicketEvent.filter(ticket_id=ticket.id, kind="contact")
    assert logged.actor_name == "王管家" and "13900001111" not in logged.text
    assert "13900001111" not in await (await console.get(f"/console/t/{ticket.number}")).text()
    # an anonymous report: nobody is given its reporter's phone, and no button offers it
    await Ticket.filter(id=ticket.id).update(anonymous=True)
    page = await (await console.get(f"/console/t/{ticket.number}")).text()
    assert 'id="show-contact"' not in page
    refused = await console.post(f"/console/t/{ticket.number}/contact", data={"csrf": csrf})
    assert "匿名" in await refused.text() and "13900001111" not in await refused.text()
    assert await TicketEvent.filter(ticket_id=ticket.id, kind="contact").count() == 1


async def test_a_sign_in_link_is_used_once_and_expires(console, clock):
    url = await console_auth.link_for_name("王管家")
    path = url.removeprefix("http://console.test")
    assert (await console.post(path, allow_redirects=False)).status == 303
    console.session.cookie_jar.clear()
    again = await console.post(path, allow_redirects=False)
    assert again.status == 403 and "已经用过" in await again.text()
    assert (await console.get("/console")).status == 401
    late = (await console_auth.link_for_name("王管家")).removeprefix("http://console.test")
    clock.advance(minutes=11)
    assert (await console.post(late, allow_redirects=False)).status == 403
    assert await ConsoleLink.filter(used_at__isnull=False).count() == 1
    unknown = await console.post("/console/login/not-a-token", allow_redirects=False)
    assert unknown.status == 403


async def test_sessions_end_at_logout_when_idle_and_at_their_end(console, clock):
    csrf = await sign_in(console, "李主管")
    out = await console.post("/console/logout", data={"csrf": csrf}, allow_redirects=False)
    assert out.status == 303
    assert (await console.get("/console")).status == 401
    cookie = None
    await sign_in(console, "李主管")
    cookie = console.session.cookie_jar.filter_cookies(console.make_url("/"))["gj_console"]
    clock.advance(minutes=console_auth.IDLE_MINUTES + 1)
    assert (await console.get("/console")).status == 401
    assert cookie.value  # the cookie is still sent; the session behind it is over
    await sign_in(console, "李主管")
    for _ in range(console_auth.SESSION_HOURS):
        clock.advance(minutes=59)
        await console.get("/console")
    clock.advance(timedelta(hours=1))
    assert (await console.get("/console")).status == 401


async def test_console_link_in_a_private_chat_only(console):
    await handle(
        Incoming("telegram", "c1", str(STEWARD), str(STEWARD), text="/console", message_id="1")
    )
    private = await Outbox.filter(chat_id=str(STEWARD)).order_by("-id").first()
    assert "/console/login/" in private.payload["text"] and "10 分钟" in private.payload["text"]
    await staff_does("/console", user=STEWARD)  # in the stewards' group
    group = await Outbox.filter(chat_id=STEWARDS).order_by("-id").first()
    assert "/console/login/" not in group.payload["text"] and "私聊" in group.payload["text"]
    await resident_says("/console")  # a resident is not staff
    assert (
        "/console/login/"
        not in (await Outbox.filter(chat_id="501").order_by("-id").first()).payload["text"]
    )
    assert await ConsoleLink.all().count() == 1


def test_console_link_at_the_terminal(tmp_path):
    """`python -m bot console-link NAME` prints a link (and refuses an unknown name)."""
    import os
    import subprocess
    import sys

    from tests.test_report import ROOT

    two_communities(tmp_path)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{tmp_path}/cli.db",
        "GUANJIA_CONFIG": str(tmp_path / "guanjia.yaml"),
        "GUANJIA_PUBLIC_URL": "https://wuye.example.com",
    }
    migrate = subprocess.run(
        [sys.executable, "-m", "bot", "migrate"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert migrate.returncode == 0, migrate.stderr
    run = [sys.executable, "-m", "bot", "console-link"]
    ok = subprocess.run(
        [*run, "李主管"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert ok.returncode == 0, ok.stderr
    assert re.fullmatch(r"https://wuye\.example\.com/console/login/[\w-]{40,}", ok.stdout.strip())
    assert "10 minutes" in ok.stderr
    nobody = subprocess.run(
        [*run, "王五"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert nobody.returncode == 1 and "李主管" in nobody.stderr


def test_the_cookie_secret_is_generated_once_and_kept_private(tmp_path):
    from bot.console.auth import Signer, load_secret

    path = tmp_path / "data" / "console_secret"
    first = load_secret(None, str(path))
    assert len(first) >= 48 and (path.stat().st_mode & 0o777) == 0o600
    assert load_secret(None, str(path)) == first  # kept across restarts and workers
    assert load_secret("from-the-environment", str(path)) == b"from-the-environment"
    signer = Signer(first)
    assert signer.unsign(signer.sign("key")) == "key"
    assert signer.unsign(Signer(b"another").sign("key")) is None
    assert signer.unsign("key.forged") is None and signer.unsign(None) is None


async def test_files_of_a_ticket_are_shown_only_when_they_are_pictures_or_sound(console, tmp_path):
    page = tmp_path / "note.html"
    page.write_text("<script>alert(1)</script>", encoding="utf-8")
    picture = tmp_path / "leak.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 32)
    await resident_says("1栋1单元1201")
    await handle(
        Incoming(
            "telegram",
            "f1",
            "501",
            "501",
            text="厨房水管漏水了",
            message_id="f1",
            media=[
                {"type": "document", "path": str(page), "platform": "web"},
                {"type": "photo", "path": str(picture), "platform": "web"},
            ],
        )
    )
    ticket = await Ticket.get(kind="repair")
    event = await TicketEvent.filter(ticket_id=ticket.id, kind="message_in").first()
    await sign_in(console, "王管家")
    document = await console.get(f"/console/media/{event.id}/0")
    assert document.status == 200 and document.content_type == "application/octet-stream"
    assert document.headers["Content-Disposition"].startswith("attachment")
    shown = await console.get(f"/console/media/{event.id}/1")
    assert shown.content_type == "image/png" and shown.headers["Content-Disposition"].startswith(
        "inline"
    )
    assert (await console.get(f"/console/media/{event.id}/2")).status == 404


async def test_bent_query_values_and_ids_get_an_answer_not_a_500(console):
    """What a date picker, an edited URL or a stale link can send: dates at the ends of
    the calendar, ids beyond any row, words where numbers belong."""
    await leak()
    csrf = await sign_in(console, "王管家")
    huge = "9" * 25
    paths = [
        "/console?until=9999-12-31",
        "/console?since=0001-01-01&until=9999-12-31",
        "/console/queue.xlsx?since=0001-01-01&until=9999-12-31",
        f"/console?community={huge}",
        f"/console?building={huge}",
        f"/console?assignee={huge}",
        f"/console?page={huge}",
        f"/console/t/{huge}",
        f"/console/media/{huge}/0",
        f"/console/media/1/{huge}",
        "/console/stats?month=abc",
        "/console/stats?month=9999-12",
        f"/console/stats?community={huge}",
        f"/chat/api/messages?in={huge}&out={huge}",
    ]
    for path in paths:
        response = await console.get(path)
        assert response.status < 500, (path, response.status)
    for path in (f"/console/t/{huge}/act", f"/console/t/{huge}/contact"):
        response = await console.post(path, data={"command": "claim", "csrf": csrf})
        assert response.status < 500, (path, response.status)
