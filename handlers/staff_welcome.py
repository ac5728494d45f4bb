"""A staff member's own chat with the bot, outside commands: they are staff from their
first event on (following the Official Account, a menu click, a first word), never a
resident to be welcomed and asked for a unit. They get what they can do here."""

from __future__ import annotations

from handlers.context import Incoming, Outcome, env
from models.outbox import queue_message, transaction
from models.tables import Staff


async def welcome(msg: Incoming, member: Staff) -> Outcome:
    t = env().texts
    role_key = f"staff.role.{member.role}"
    role = t(role_key) if role_key in t.keys() else member.role
    text = t("staff.welcome", name=member.name, role=role) + "\n" + t("staff.help")
    async with transaction(join=True) as conn:
        await queue_message(msg.platform, msg.chat_id, text, conn=conn)
    return Outcome(callback_answer="" if msg.button else None)
