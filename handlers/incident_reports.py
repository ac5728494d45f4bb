"""Reports of a shared failure, remembered as tickets open: the failure, the building
and entrance, the unit and the time, so that the next report can count how many
households of the same place reported the same thing (``handlers.incidents``).

Called by ``handlers.tickets.open_ticket`` for every ticket it opens: a ticket whose
words report no failure, or whose unit is unknown, costs nothing more here.
"""

from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet

from handlers.context import env
from models.domain.clock import now
from models.domain.incidents import failure_of
from models.storage.statements import fetch, insert, update_where
from models.tables import IncidentReport, Ticket, Unit
from nlp import Classification


def households_apart(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """``tickets`` without the households' reports that belong to an incident: in lists
    and handovers the incident stands for them (one line, its households counted)."""
    return tickets.exclude(
        id__in=Subquery(IncidentReport.filter(incident_id__not_isnull=True).values("ticket_id"))
    )


async def record(ticket: Ticket, c: Classification, conn: BaseDBAsyncClient) -> None:
    """A ticket just opened: if its words report a failure of its building, remember it
    (and mark it, so that its card may offer to join an open incident)."""
    if ticket.unit_id is None or not env().config.incidents.enabled:
        return
    failure = failure_of(c)
    if failure is None:
        return
    unit = await Unit.get(id=ticket.unit_id).using_db(conn)
    await add(ticket, failure, unit, conn)
    details = {**(ticket.details or {}), "failure": failure}
    ticket.details = details
    await update_where(Ticket, {"id": ticket.id}, {"details": details}, conn)


async def add(
    ticket: Ticket,
    failure: str,
    unit: Unit | None,
    conn: BaseDBAsyncClient,
    *,
    incident_id: int | None = None,
    how: str | None = None,
    at: datetime | None = None,
) -> IncidentReport:
    at = at or now()
    return await insert(
        IncidentReport,
        {
            "ticket_id": ticket.id,
            "incident_id": incident_id,
            "community_id": ticket.community_id,
            "failure": failure,
            "building_id": unit.building_id if unit else None,
            "entrance": unit.entrance if unit else None,
            "unit_id": unit.id if unit else None,
            "reported_at": at,
            "joined_at": at if incident_id else None,
            "joined_by": how,
            "split": False,
        },
        conn,
    )


async def counts(incident_id: int, conn: BaseDBAsyncClient | None) -> tuple[int, int]:
    """(households, reports) of an incident: a household is a unit (a report without a
    unit, linked by staff, counts as one of its own)."""
    rows = await fetch(
        'SELECT COUNT(*) AS reports, COUNT(DISTINCT "unit_id") AS units, '
        'SUM(CASE WHEN "unit_id" IS NULL THEN 1 ELSE 0 END) AS loose '
        'FROM "incident_report" WHERE "incident_id" = ?',
        [incident_id],
        conn,
    )
    row = rows[0]
    return int(row["units"] or 0) + int(row["loose"] or 0), int(row["reports"] or 0)
