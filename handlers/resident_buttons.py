"""Buttons a resident presses (numbered choices on WeChat): the kind of a request, fee
consent, a cleaning slot, "this is another matter", a menu entry, and the follow-up."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient

import nlp
from handlers import notify
from handlers.booking import matching_fee, offer_slots, slot_choices
from handlers.context import Incoming, Outcome, env, row_id
from handlers.intake import understand
from handlers.residents import community_of, save_state
from handlers.tickets import TICKET_KINDS, dispatch, open_ticket
from models.domain.clock import now
from models.domain.lifecycle import Actor, EventKind
from models.tables import InboundMessage, Kind, Resident, Status, Ticket
from models.tickets import record_event, transition


async def on_button(
    msg: Incoming, resident: Resident, inbound: InboundMessage, conn: BaseDBAsyncClient
) -> Outcome:
    data = msg.button or ""
    action, _, arg = data.partition(":")
    state = dict(resident.state or {})
    t = env().texts
    ok = t("staff.button_done", resident.script)

    if action in ("rate", "accept"):
        from handlers import followup

        return await followup.answer(action, arg, resident, conn)

    if action == "kind":
        kind, _, inbound_id = arg.partition(":")
        pending = state.get("pending") if state.get("awaiting") == "kind" else None
        if (
            not pending
            or str(pending.get("inbound_id")) != inbound_id
            or row_id(inbound_id) is None
        ):
            return Outcome(callback_answer=ok)  # already answered
        await InboundMessage.filter(id=int(inbound_id)).using_db(conn).update(label=kind)
        await save_state(resident, conn)
        if kind == "none":
            await notify.to_resident(resident, "kind_none_chosen", conn=conn)
            return Outcome(callback_answer=ok)
        await understand(
            pending["text"],
            resident,
            inbound,
            conn,
            media=pending.get("media"),
            inbound_id=int(inbound_id),
            chosen=kind,
        )
        return Outcome(callback_answer=ok)

    if action == "fee":
        answer, _, ticket_id = arg.partition(":")
        ticket = (
            await Ticket.get_or_none(id=row_id(ticket_id), resident_id=resident.id).using_db(conn)
            if row_id(ticket_id)
            else None
        )
        if ticket is None or ticket.status != Status.NEW:
            return Outcome(callback_answer=ok)
        if answer == "yes":
            details = dict(ticket.details or {})
            details["fee"] = details.pop("fee_offer", None)
            await Ticket.filter(id=ticket.id).using_db(conn).update(details=details)
            ticket.details = details
            await record_event(
                ticket,
                EventKind.NOTE,
                Actor.resident(resident.id),
                "业主同意收费",
                {"fee": details["fee"]},
                conn=conn,
            )
            community = await community_of(resident, conn)
            await dispatch(ticket, resident, community, conn, text=details.get("words", ""))
        else:
            await transition(
                ticket,
                Status.CANCELLED,
                Actor.resident(resident.id),
                "业主不同意收费，取消",
                conn=conn,
            )
            await notify.to_resident(resident, "fee_refused", number=ticket.number, conn=conn)
        return Outcome(callback_answer=ok)

    if action == "slot":
        pending = state.get("pending") if state.get("awaiting") == "slot" else None
        if not pending:
            return Outcome(callback_answer=ok)
        try:
            start = datetime.fromisoformat(arg)
        except ValueError:
            start = None
        if start is None or start.tzinfo is None:  # not a button of ours
            return Outcome(callback_answer=ok)
        if start < now():
            await offer_slots(
                pending["text"], resident, pending["inbound_id"], pending.get("media", []), conn
            )
            return Outcome(callback_answer=t("slot_gone", resident.script))
        chosen_slot = next(
            (c for c in slot_choices(now() - timedelta(hours=1)) if c[1] == start),
            (
                start.astimezone(env().config.tz).strftime("%m-%d %H:%M"),
                start,
                start + timedelta(hours=2),
            ),
        )
        await save_state(resident, conn)
        c = nlp.classify(pending["text"])
        fee = matching_fee(c.normalized)
        await open_ticket(
            resident,
            Kind.CLEANING,
            c,
            pending["text"],
            pending.get("media", []),
            inbound,
            conn,
            slot=chosen_slot,
            fee=fee,
            inbound_id=pending["inbound_id"],
        )
        return Outcome(callback_answer=ok)

    if action == "split":
        source = (
            await InboundMessage.get_or_none(id=row_id(arg)).using_db(conn) if row_id(arg) else None
        )
        if source is None or source.ticket_id is None:
            return Outcome(callback_answer=ok)
        ticket = await Ticket.get(id=source.ticket_id).using_db(conn)
        if ticket.resident_id != resident.id:
            return Outcome(callback_answer=ok)
        await InboundMessage.filter(id=source.id).using_db(conn).update(ticket_id=None)
        await record_event(
            ticket,
            EventKind.NOTE,
            Actor.resident(resident.id),
            "业主说明上一条是另一件事",
            {"inbound_id": source.id},
            conn=conn,
        )
        await notify.to_resident(resident, "split_done", conn=conn)
        # the burst window must not pull it back in: understand it on its own
        c = nlp.classify(source.text)
        chosen = c.intent if c.intent in TICKET_KINDS else "repair"
        await understand(source.text, resident, inbound, conn, inbound_id=source.id, chosen=chosen)
        return Outcome(callback_answer=ok)

    if action == "person":  # "请前台同事回复": the words we had no answer for, to a person
        source = (
            await InboundMessage.get_or_none(id=row_id(arg)).using_db(conn) if row_id(arg) else None
        )
        if source is None or source.sender_id != msg.sender_id or source.ticket_id:
            return Outcome(callback_answer=ok)  # not theirs, or already with a person
        await understand(
            source.text, resident, inbound, conn, inbound_id=source.id, chosen="consultation"
        )
        return Outcome(callback_answer=ok)

    if action == "menu":  # a menu button (WeChat): the kind of the next message
        if arg in (*TICKET_KINDS, "consultation"):
            await save_state(resident, conn, **{**state, "preset_kind": arg})
            await notify.to_resident(resident, f"menu_chosen.{arg}", conn=conn)
        return Outcome(callback_answer=ok)

    return Outcome(callback_answer=ok)
