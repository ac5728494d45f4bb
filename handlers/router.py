"""The one entry point for every platform event: store it, then send it to the
resident or the staff handlers. Adapters call ``handle`` and do what the returned
``Outcome`` says (answer a button press); everything else went to the outbox."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from handlers import (
    invitations,
    outage_commands,
    resident_admin,
    staff,
    staff_welcome,
    verification_staff,
)
from handlers.context import Incoming, Outcome, env, serialised
from handlers.conversation import handle_resident
from models.inbound import STALE, finish, process_once, unhandled
from models.outbox import queue_message, wake_dispatcher
from models.tables import GroupCard, InboundMessage
from models.telemetry import ticket_scope

log = logging.getLogger(__name__)


Rebuilder = Callable[[InboundMessage], Awaitable[Incoming | None]]
_rebuilders: dict[str, Rebuilder] = {}


def register_rebuilder(platform: str, rebuild: Rebuilder) -> None:
    """How a channel turns a stored raw payload back into an ``Incoming``, so that a
    message stored by a worker that stopped before handling it is not lost."""
    _rebuilders[platform] = rebuild


async def recover(older_than: timedelta = STALE) -> int:
    """Handle the messages that were stored but never handled; returns how many."""
    done = 0
    for row in await unhandled(older_than):
        rebuild = _rebuilders.get(row.platform)
        if rebuild is None:
            continue  # that channel is not running in this worker
        try:
            msg = await rebuild(row)
        except Exception:
            log.exception("cannot rebuild stored %s message %s", row.platform, row.key)
            await finish(row, error="could not be read back")
            continue
        if msg is None:
            await finish(row)
            continue
        await handle(msg)
        done += 1
    return done


async def handle(msg: Incoming, *, answered_after: bool = False) -> Outcome:
    """Store first, handle once. A redelivery is acknowledged without acting.
    ``answered_after``: the adapter answers the platform only once this returns (see
    ``process_once``). Log lines are about no ticket until the handling names one."""
    with ticket_scope():
        return await _handle(msg, answered_after)


async def _handle(msg: Incoming, answered_after: bool) -> Outcome:
    outcome: Outcome = Outcome(handled=False)

    async def run(row: InboundMessage) -> Outcome:
        return await _route(msg, row)

    # one message of a resident at a time; staff actions race safely on their own
    one_at_a_time = (
        serialised(f"{msg.platform}:{msg.sender_id}")
        if msg.is_private
        else contextlib.nullcontext()
    )
    try:
        async with one_at_a_time:
            handled, result = await process_once(
                msg.platform,
                msg.key,
                run,
                answered_after=answered_after,
                chat_id=msg.chat_id,
                sender_id=msg.sender_id,
                text=msg.text,
                payload=msg.raw,
            )
        if handled and result is not None:
            outcome = result
    except Exception:
        # The message is stored (status failed, with the error) for a person to see;
        # the resident gets a polite word instead of silence.
        if msg.is_private:
            await queue_message(msg.platform, msg.chat_id, env().texts("sorry_error"))
        outcome = Outcome(callback_answer="" if msg.button else None, handled=False)
    finally:
        wake_dispatcher()
    return outcome


async def _route(msg: Incoming, row: InboundMessage) -> Outcome:
    member = await staff.find_staff(msg.platform, msg.sender_id)
    action = (msg.button or "").partition(":")[0]
    if msg.button and action == "verify":
        return await verification_staff.staff_button(msg, member)
    if msg.button and action in staff.STAFF_BUTTONS:
        return await staff.handle_button(msg, member)
    if msg.button and action in outage_commands.BUTTONS:  # issue 20: notices, incidents
        return await outage_commands.handle_button(msg, member)
    command = msg.command
    if command and command[0] in outage_commands.COMMANDS and (member or not msg.is_private):
        return await outage_commands.handle_command(msg, member)
    if command and invitations.is_invitation(command):
        return await invitations.use(msg, member)
    if command and command[0] in resident_admin.COMMANDS and (member or not msg.is_private):
        return await resident_admin.handle(msg, member)
    if command and not msg.is_private:  # in a group, every command is a staff command
        return await staff.handle_command(msg, member)
    if command and member is not None and command[0] in staff.STAFF_COMMANDS:
        return await staff.handle_command(msg, member)
    if msg.reply_to and member is not None:
        card = await GroupCard.get_or_none(
            platform=msg.platform, chat_id=msg.chat_id, message_id=msg.reply_to
        )
        if card is not None:
            return await staff.handle_reply(msg, member, card)
        if msg.reply_to_bot and not command:  # a bot message that stands for no ticket
            return await staff.unplaced_reply(msg, member)
    if command and command[0] == "help" and member is not None:
        return await staff.handle_command(msg, member)
    if member is not None and msg.is_private:  # staff from their first event on
        return await staff_welcome.welcome(msg, member)
    if msg.is_private:
        return await handle_resident(msg, row)
    return Outcome(handled=False)  # group chatter that is not for the bot
