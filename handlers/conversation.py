"""One message of a resident, from start to end: their row, what it is (a button, a
command, words or media), the script they write in, and the message marked handled,
all in the transaction that stored it."""

from __future__ import annotations

from handlers import verification
from handlers.context import Incoming, Outcome
from handlers.delivery_failures import tell_missed
from handlers.intake import on_message, understand
from handlers.resident_buttons import on_button
from handlers.resident_commands import on_command
from handlers.residents import get_resident, remember_script, save_state
from models.inbound import finish
from models.outbox import transaction
from models.storage.statements import update_where
from models.tables import InboundMessage, Resident


async def handle_resident(msg: Incoming, inbound: InboundMessage) -> Outcome:
    async with transaction(join=True) as conn:
        resident = await get_resident(msg, conn)
        if (resident.state or {}).get("missed"):  # messages of ours that did not reach them
            await tell_missed(resident, conn)
        script = resident.script
        if msg.text and not msg.command:
            remember_script(resident, msg.text)  # the answer below is in it already
        if msg.button:
            outcome = await on_button(msg, resident, inbound, conn)
        elif msg.contact is not None:
            outcome = Outcome()
            pending = (resident.state or {}).get("pending")
            if await verification.on_contact(msg, resident, conn) and pending:
                await save_state(resident, conn)  # the report that waited for the unit
                outcome = await understand(
                    pending["text"],
                    resident,
                    inbound,
                    conn,
                    media=pending.get("media", []),
                    inbound_id=pending.get("inbound_id"),
                    chosen=pending.get("chosen"),
                )
        elif await verification.wants_tail(msg, resident, conn):
            await verification.on_tail(msg, resident, conn)
            outcome = Outcome()
        elif msg.command:
            name, rest = msg.command
            outcome = await on_command(name, rest, msg, resident, inbound, conn)
        else:
            outcome = await on_message(msg, resident, inbound, conn)
        if resident.script != script:  # they wrote in another script (or in English)
            await update_where(Resident, {"id": resident.id}, {"script": resident.script}, conn)
        await finish(
            inbound,
            conn=conn,
            predicted_intent=inbound.predicted_intent,
            ticket_id=inbound.ticket_id,
            label=inbound.label,
            faq=inbound.faq,
        )
    return outcome
