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

    async def close_card(self, line: str) -> None:
        """The answer to a button that settles its card for good (a claim verified, a
        notice sent or cancelled): the card keeps what it said, gains the answer and loses
        its buttons, so nobody presses it again. Where the platform cannot edit, or the
        button came with no message, the answer is said instead."""
        if self.msg.button is None or not self.msg.message_id:
            await self.say(line)
            return
        text = f"{self.msg.button_on}\n\n{line}" if self.msg.button_on else line
        await queue_message(
            self.msg.platform,
            self.msg.chat_id,
            text,
            kind="edit_card",
            conn=self.conn,
            message_id=self.msg.message_id,
        )


def t(key: str, **values) -> str:
    return env().texts(key, "hans", **values)
