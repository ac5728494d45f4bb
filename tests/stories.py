"""What the story tests share: a company with two communities (示例花园 and 东苑), their
stewards' and supervisors' groups on the fake Telegram, their staff, and helpers to
write as a resident or a steward and to read what arrived."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import yaml

from bot.app import Runtime, shutdown, start
from bot.settings import Settings
from models.domain.config import EXAMPLE_CONFIG, load_config
from tests.fakes.telegram_api import FakeTelegram, TelegramCall

STEWARDS = -100200
SUPERVISORS = -100300
EAST_STEWARDS = -100400
EAST_SUPERVISORS = -100500
STEWARD = 9001  # 王管家, 示例花园
SUPERVISOR = 9002  # 李主管, 示例花园
EAST_STEWARD = 9003  # 赵管家, 东苑
MANAGER = 9004  # 陈经理, every community
CLEANER = 9005  # 周组长, cleaning team lead of 示例花园
ENGINEER = 9006  # 孙师傅, engineering, 示例花园

STAFF_CHATS = {STEWARDS, SUPERVISORS, EAST_STEWARDS, EAST_SUPERVISORS, STEWARD, SUPERVISOR}
STAFF_CHATS |= {EAST_STEWARD, MANAGER, CLEANER, ENGINEER}
PHONE = re.compile(r"1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def two_communities(tmp_path: Path, edit=None) -> Path:
    """The example config with a second community and a staff list; ``edit(data)`` may
    change the parsed YAML before it is written."""
    data = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    demo = data["communities"][0]
    demo["stewards_chat"] = {"telegram": STEWARDS}
    demo["supervisors_chat"] = {"telegram": SUPERVISORS}
    east = {
        "code": "east",
        "name": "东苑",
        "unit_format": "{building}栋{entrance}单元{room}",
        "buildings": [{"name": "8", "entrances": 2, "floors": 18, "rooms_per_floor": 2}],
        "stewards_chat": {"telegram": EAST_STEWARDS},
        "supervisors_chat": {"telegram": EAST_SUPERVISORS},
    }
    data["communities"].append(east)
    data["staff"] = [
        {"name": "王管家", "role": "steward", "community": "demo", "telegram_id": STEWARD},
        {"name": "李主管", "role": "supervisor", "community": "demo", "telegram_id": SUPERVISOR},
        {"name": "赵管家", "role": "steward", "community": "east", "telegram_id": EAST_STEWARD},
        {"name": "陈经理", "role": "manager", "telegram_id": MANAGER},
        {"name": "周组长", "role": "cleaning", "community": "demo", "telegram_id": CLEANER},
        {"name": "孙师傅", "role": "engineering", "community": "demo", "telegram_id": ENGINEER},
    ]
    if edit is not None:
        edit(data)
    path = tmp_path / "guanjia.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    load_config(path)  # fails loudly here if the edit broke it
    return path


class Company:
    """The running bot (polling) and the fake Telegram, with helpers for stories."""

    def __init__(self, tg: FakeTelegram, rt: Runtime):
        self.tg = tg
        self.rt = rt

    @classmethod
    async def open(cls, tmp_path: Path, tg: FakeTelegram, edit=None) -> Company:
        path = two_communities(tmp_path, edit)
        settings = Settings(
            DATABASE_URL=f"sqlite://{tmp_path}/stories.db",
            TELEGRAM_BOT_TOKEN=tg.token,
            TELEGRAM_API_URL=tg.url,
            GUANJIA_HTTP_PORT=str(free_port()),
            GUANJIA_CONFIG=str(path),
        )
        rt = Runtime(settings, load_config(path))
        await start(rt)
        unpaced(rt)
        return cls(tg, rt)

    async def close(self) -> None:
        await shutdown(self.rt)

    # -- writing --------------------------------------------------------------------
    async def settled(self, seconds: float = 10.0) -> None:
        """Until everything queued so far has gone out (a story's next line starts
        after the answers to the last one)."""
        import asyncio

        from models.tables import Outbox

        for _ in range(int(seconds / 0.02)):
            if not await Outbox.filter(status="pending").exists():
                return
            await asyncio.sleep(0.02)

    def say(self, user: int, text: str, *, chat: int | None = None, **kw) -> int:
        since = self.tg.mark()
        chat = user if chat is None else chat
        if chat < 0:
            kw.setdefault("chat_type", "supergroup")
        self.tg.push_update(self.tg.make_text_update(user, chat, text, **kw))
        return since

    def press(self, user: int, chat: int, message_id: int, data: str) -> int:
        since = self.tg.mark()
        self.tg.push_update(self.tg.make_callback_update(user, chat, message_id, data))
        return since

    # -- reading --------------------------------------------------------------------
    async def reply(self, chat: int, since: int, contains: str = "", *, within: float = 10):
        return await self.tg.wait_for(
            "sendMessage",
            lambda c: c.params.get("chat_id") == chat and contains in text_of(c),
            since=since,
            timeout=within,
        )

    def sent_to(self, chat: int, since: int = 0) -> list[TelegramCall]:
        return [
            c
            for c in self.tg.calls(ok=True)[since:]
            if c.params.get("chat_id") == chat and c.method.startswith(("send", "edit"))
        ]

    def staff_texts(self) -> list[str]:
        """Everything the bot sent or edited in a staff chat (groups and staff's own)."""
        return [
            text_of(c)
            for c in self.tg.calls(ok=True)
            if c.params.get("chat_id") in STAFF_CHATS and c.method.startswith(("send", "edit"))
        ]

    async def bind(self, user: int, unit: str = "1栋1单元1201", community: str = "demo") -> None:
        since = self.say(user, f"/start {community}")
        await self.reply(user, since, "房号")
        since = self.say(user, unit)
        await self.reply(user, since, unit)

    async def idle(self, rounds: int = 20) -> None:
        """Let what was queued go out."""
        import asyncio

        for _ in range(rounds):
            await asyncio.sleep(0.05)


def unpaced(rt: Runtime) -> None:
    """Telegram's pace per chat (three messages to a resident, then one a second) off:
    the stories are about what people read, and the pacing has tests of its own (in
    virtual time: tests/test_delivery_drills.py, tests/test_dispatcher.py)."""
    from bot.channels.telegram import TelegramLimits
    from bot.dispatcher import Pace

    sender = rt.senders.get("telegram")
    if sender is not None:
        sender.limits = TelegramLimits(per_second=1000, group=Pace(1000, 1), private=Pace(1000, 1))


def text_of(call: TelegramCall) -> str:
    return call.params.get("text") or call.params.get("caption") or ""
