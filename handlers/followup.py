"""Follow-up (回访): after resolution the resident is asked whether they are
satisfied (1–5) and, for repairs, whether they accept the work (验收).

Satisfied → closed. Unsatisfied or not accepted → reopened to the same steward,
escalated to the supervisor, and the resident told what happens next. The sweeper
(``handlers.deadline_steps``) decides *when* to ask; this module decides *what* to ask and
what an answer does.
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from handlers import notify
from handlers.context import Outcome, env, row_id
from handlers.escalation import escalate_to
from models.domain.lifecycle import (
    FOLLOWUP_ASKED,
    RATED_PREFIXES,
    Actor,
    EventKind,
    IllegalTransition,
)
from models.tables import Resident, Status, Ticket, Unit
from models.tickets import record_event, transition

SATISFIED_FROM = 3  # 3 (一般) and above close the ticket; 1–2 reopen it


def _rating_buttons(ticket: Ticket, script: str) -> list[list[dict[str, str]]]:
    t = env().texts
    return [
        [{"text": t(f"rate.{n}", script), "data": f"rate:{ticket.id}:{n}"}] for n in (5, 4, 3, 2, 1)
    ]


def _accept_buttons(ticket: Ticket, script: str) -> list[list[dict[str, str]]]:
    t = env().texts
    return [
        [
            {"text": t("accept_yes", script), "data": f"accept:{ticket.id}:yes"},
            {"text": t("accept_no", script), "data": f"accept:{ticket.id}:no"},
        ]
    ]


async def ask(
    ticket: Ticket, resident: Resident, conn: BaseDBAsyncClient, *, reminder: bool = False
) -> None:
    """The follow-up question (or its one reminder); held through quiet hours."""
    if reminder:
        await notify.to_resident(
            resident,
            "followup_reminder",
            number=ticket.number,
            ticket=ticket,
            conn=conn,
            proactive=True,
        )
    await _question(ticket, resident, conn, proactive=True)
    await record_event(
        ticket,
        EventKind.FOLLOWUP,
        Actor.system("follow-up"),
        "已发回访提醒" if reminder else FOLLOWUP_ASKED[0],
        {"reminder": reminder},
        conn=conn,
    )


async def _question(
    ticket: Ticket, resident: Resident, conn: BaseDBAsyncClient, *, proactive: bool = False
) -> None:
    """Repairs are accepted (验收) first; then everything is rated."""
    if ticket.kind == "repair" and ticket.accepted is None:
        key, buttons = "followup_accept_ask", _accept_buttons(ticket, resident.script)
    else:
        key, buttons = "followup_rate_ask", _rating_buttons(ticket, resident.script)
    await notify.to_resident(
        resident,
        key,
        number=ticket.number,
        summary=ticket.summary,
        ticket=ticket,
        conn=conn,
        proactive=proactive,
        buttons=buttons,
    )


async def answer(action: str, arg: str, resident: Resident, conn: BaseDBAsyncClient) -> Outcome:
    """A press of a follow-up button: ``accept:<ticket>:yes|no`` or ``rate:<ticket>:<n>``."""
    t = env().texts
    ticket_id, _, value = arg.partition(":")
    ticket = (
        await Ticket.get_or_none(id=row_id(ticket_id), resident_id=resident.id).using_db(conn)
        if row_id(ticket_id)
        else None
    )
    done = t("followup_already", resident.script)
    if ticket is None or ticket.status != Status.RESOLVED:
        return Outcome(callback_answer=done)
    actor = Actor.resident(resident.id)
    if action == "accept":
        accepted = value == "yes"
        await Ticket.filter(id=ticket.id).using_db(conn).update(accepted=accepted)
        ticket.accepted = accepted
        await record_event(
            ticket,
            EventKind.FOLLOWUP,
            actor,
            "验收通过" if accepted else "验收未通过",
            {"accepted": accepted},
            conn=conn,
        )
        if accepted:
            await _question(ticket, resident, conn)  # accepted: now the rating
        else:
            await _unsatisfied(ticket, resident, actor, "业主验收未通过", conn)
        return Outcome(callback_answer=done)
    if action == "rate" and value.isdigit() and 1 <= int(value) <= 5:
        score = int(value)
        await Ticket.filter(id=ticket.id).using_db(conn).update(satisfaction=score)
        ticket.satisfaction = score
        await record_event(
            ticket,
            EventKind.FOLLOWUP,
            actor,
            f"{RATED_PREFIXES[0]}{score}",
            {"score": score},
            conn=conn,
        )
        if score >= SATISFIED_FROM:
            await transition(ticket, Status.CLOSED, actor, f"回访满意（{score} 分）", conn=conn)
            await notify.refresh_card(ticket, conn)
            await notify.tell_staff(ticket, _result_line(ticket, score), conn)
            await notify.to_resident(
                resident, "followup_thanks", number=ticket.number, ticket=ticket, conn=conn
            )
            state = dict(resident.state or {})
            state.update(awaiting="comment", comment_ticket=ticket.id)
            resident.state = state
            await resident.save(update_fields=["state"], using_db=conn)
        else:
            await _unsatisfied(ticket, resident, actor, f"回访不满意（{score} 分）", conn)
        return Outcome(callback_answer=done)
    return Outcome(callback_answer=done)


def _result_line(ticket: Ticket, score: int | None, comment: str = "") -> str:
    t = env().texts
    accepted = ""
    if ticket.accepted is not None:
        accepted = t("staff.followup_accepted", result="通过" if ticket.accepted else "未通过")
    return t(
        "staff.followup_result",
        number=ticket.number,
        score=score or "-",
        accepted=accepted,
        comment=t("staff.followup_comment", comment=comment) if comment else "",
    )


async def _unsatisfied(
    ticket: Ticket, resident: Resident, actor: Actor, reason: str, conn: BaseDBAsyncClient
) -> None:
    """Reopened to the same steward (the assignee stays), up to the supervisor."""
    try:
        await transition(ticket, Status.REOPENED, actor, reason, conn=conn)
    except IllegalTransition:
        return
    await escalate_to(
        ticket, max(1, ticket.escalation_level), Actor.system("follow-up"), reason, conn
    )
    unit = (await Unit.get(id=ticket.unit_id).using_db(conn)).label if ticket.unit_id else "-"
    await notify.tell_staff(
        ticket,
        env().texts("staff.followup_unsatisfied", number=ticket.number, unit=unit, detail=reason),
        conn,
    )
    await notify.refresh_card(ticket, conn)
    await notify.to_resident(
        resident, "followup_reopened", number=ticket.number, ticket=ticket, conn=conn
    )


async def comment(ticket_id: int, text: str, resident: Resident, conn: BaseDBAsyncClient) -> None:
    """The optional words after a rating: kept on the ticket and shown to staff."""
    ticket = await Ticket.get_or_none(id=ticket_id, resident_id=resident.id).using_db(conn)
    if ticket is None:
        return
    await record_event(
        ticket,
        EventKind.FOLLOWUP,
        Actor.resident(resident.id),
        text[:2000],
        {"comment": True},
        conn=conn,
    )
    await notify.tell_staff(
        ticket, _result_line(ticket, ticket.satisfaction, notify.staff_words(text, 500)), conn
    )
    await notify.to_resident(resident, "followup_comment_thanks", conn=conn)
