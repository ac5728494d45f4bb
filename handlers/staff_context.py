"""Where a staff member acted (the chat, or the console standing in for one), who they
are, and the transaction: what every staff action is given. Staff texts are Chinese."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from tortoise.backends.base.client import BaseDBAsyncClient

from handlers.context import Incoming, env
from models.domain.clock import now
from models.domain.lifecycle import Actor
from models.outbox import queue_message, sent_copies
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
        its buttons, so nobody presses it again. Where the platform cannot edit a message
        (WeChat's numbered replies, WeCom robots), or the button came without its card's
        text (Telegram's inaccessible messages), the answer is said instead."""
        msg = self.msg
        if msg.platform not in EDITS_MESSAGES or not msg.message_id or not msg.button_on:
            await self.say(line)
            return
        room = MAX_CARD - len(line) - 2  # the card is cut, never the answer
        text = f"{msg.button_on[:room]}\n\n{line}"
        await queue_message(
            self.msg.platform,
            self.msg.chat_id,
            text,
            kind="edit_card",
            conn=self.conn,
            message_id=self.msg.message_id,
        )


async def settle_cards(
    button_data: str,
    line: str,
    conn: BaseDBAsyncClient,
    *,
    pressed: Incoming | None = None,
    within: timedelta = timedelta(days=30),
) -> int:
    """Close every copy of a card that was settled elsewhere (on the console, by another
    chat's button, by the resident): the copies that carry ``button_data`` (see
    ``sent_copies``) keep their text, gain ``line`` and lose their buttons, as
    ``Ctx.close_card`` closes the one that was pressed (``pressed``, left to it). Only
    where the bot edits its messages; returns how many edits are queued."""
    queued = 0
    for card in await sent_copies(button_data, EDITS_MESSAGES, now() - within, conn):
        if pressed is not None and (card["platform"], card["chat_id"], card["message_id"]) == (
            pressed.platform,
            str(pressed.chat_id),
            str(pressed.message_id),
        ):
            continue
        room = MAX_CARD - len(line) - 2
        await queue_message(
            card["platform"],
            card["chat_id"],
            f"{card['text'][:room]}\n\n{line}",
            kind="edit_card",
            conn=conn,
            message_id=card["message_id"],
        )
        queued += 1
    return queued


EDITS_MESSAGES = ("telegram",)  # platforms where the bot edits a message it sent
MAX_CARD = 4000  # under Telegram's 4,096 characters


def t(key: str, **values) -> str:
    return env().texts(key, "hans", **values)
