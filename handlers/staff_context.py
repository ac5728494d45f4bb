"""Where a staff member acted (the chat, or the console standing in for one), who they
are, and the transaction: what every staff action is given. Staff texts are Chinese."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient

from handlers.context import Incoming, env
from models.domain.lifecycle import Actor
from models.outbox import queue_message
from models.tables import Staff


@dataclass
class Ctx:
    msg: Incoming
    staff: Staff | None
    conn: BaseDBAsyncClient

    @property
    def actor(self) -> Actor:
        assert self.staff is not None
        return Actor.staff(self.staff.id, self.staff.name)

    async def say(self, text: str) -> None:
        """Answer in the chat where staff acted."""
        await queue_message(
            self.msg.platform, self.msg.chat_id, text, conn=self.conn, reply_to=self.msg.message_id
        )


def t(key: str, **values) -> str:
    return env().texts(key, "hans", **values)
