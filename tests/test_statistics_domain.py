"""The month's figures as pure rules (models/domain/statistics.py): what counts in which
month, and the tickets behind every number. A wall-clock calendar keeps the
arithmetic visible."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models.domain import statistics as st

START = datetime(2026, 11, 1, tzinfo=UTC)
END = datetime(2026, 12, 1, tzinfo=UTC)
RULES = st.Rules(
    due=lambda start, duration, urgent: start + duration,
    business_between=lambda a, b, urgent: b - a,
    report_back=timedelta(hours=4),
    answer=timedelta(hours=24),
    claim={
        "repair": timedelta(minutes=30),
        "cleaning": timedelta(minutes=60),
        "consultation": timedelta(hours=2),
    },
    urgent_claim=timedelta(minutes=15),
)


def at(day: int, hour: int = 10, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def facts(i: int, kind: str, created: datetime, **more) -> st.TicketFacts:
    return st.TicketFacts(
        id=i,
        kind=kind,
        status=more.pop("status", "closed"),
        urgent=False,
        created_at=created,
        **more,
    )


def table(tickets, now=at(30, 23), **kw) -> st.MonthTable:
    return st.compute("示例花园", "2026-11", tickets, RULES, start=START, end=END, at=now, **kw)


def test_rates_count_only_what_fell_due():
    tickets = [
        # reported after 1 h: met (its deadline fell due in November)
        facts(1, "complaint", at(2), reported_at=at(2, 11), resolved_at=at(2, 15)),
        # never reported: missed once its 4 hours are over
        facts(2, "complaint", at(3), status="claimed"),
        # opened the 30th at 21:00: its 4 hours end in December, not a November failure
        facts(3, "complaint", at(30, 21), status="dispatched"),
        # cancelled: never counted
        facts(4, "complaint", at(4), status="cancelled"),
    ]
    t = table(tickets)
    assert t.complaints.ids == [1, 2, 3]
    assert (t.report_back.met.ids, t.report_back.due.ids) == ([1], [1, 2])
    assert t.report_back.missed.ids == [2] and t.report_back.share == 0.5
    assert t.answer.due.ids == [1, 2]  # #3's 24 hours end in December
    # seen at 12:00 on the 3rd, #2's clock still runs: nothing missed yet
    early = table(tickets, now=at(3, 12))
    assert early.report_back.due.ids == [1] and early.partial
    december = st.compute(
        "x",
        "2026-12",
        tickets,
        RULES,
        start=END,
        end=at(1, month=12) + timedelta(days=31),
        at=at(2, month=12),
    )
    assert december.report_back.due.ids == [3] and december.report_back.met.ids == []


def test_satisfaction_is_over_every_rated_ticket_by_kind():
    tickets = [
        facts(1, "repair", at(5), claimed_at=at(5, 10, 10), satisfaction=4, rated_at=at(6)),
        facts(2, "complaint", at(5), reported_at=at(5, 11), satisfaction=2, rated_at=at(7)),
        facts(3, "cleaning", at(1, month=10), satisfaction=5, rated_at=at(31, month=10)),
    ]
    t = table(tickets)
    assert t.rating["repair"].rated.ids == [1] and t.rating["repair"].average == 4
    assert t.rating["all"].rated.ids == [1, 2] and t.rating["all"].average == 3
    assert t.rating["all"].satisfied.ids == [1]
    assert t.rating["cleaning"].rated.value == 0  # rated in October


def test_consultations_include_faq_answers_and_the_rates_divide_by_all_requests():
    tickets = [
        facts(1, "consultation", at(5), claimed_at=at(5, 11)),
        facts(2, "complaint", at(5), complaint_class="attitude", reported_at=at(5, 11)),
    ]
    t = table(tickets, faq_answered=3)
    assert t.requests["consultation"].value == 4 and t.requests["consultation"].ids == [1]
    assert t.total_requests == 5
    assert (t.complaint_rate.met.value, t.complaint_rate.due.value) == (1, 5)
    assert t.attitude_rate.met.ids == [2] and t.by_class["attitude"].ids == [2]
    assert t.by_nature["unset"].ids == [2]
    assert "咨询 4" in st.render_text(t) and "知识库答复 3" in st.render_text(t)


def test_reopenings_first_contact_and_stewards():
    tickets = [
        facts(
            1,
            "repair",
            at(2),
            claimed_at=at(2, 10, 20),
            resolved_at=at(2, 12),
            closed_at=at(3),
            assignee_id=7,
        ),
        facts(
            2,
            "repair",
            at(2),
            claimed_at=at(2, 11),
            resolved_at=at(2, 13),
            closed_at=at(9),
            reopened=(at(4),),
            assignee_id=7,
        ),
        facts(3, "repair", at(8), status="dispatched"),
    ]
    t = table(tickets, staff_names={7: "王管家"})
    assert t.closed.ids == [1, 2] and t.reopened.ids == [2]
    assert (t.first_contact.met.ids, t.first_contact.due.ids) == ([1], [1, 2])
    assert (t.claim.met.ids, t.claim.due.ids) == ([1], [1, 2, 3])  # #2 took an hour
    (wang,) = t.stewards
    assert (wang.name, wang.claimed.ids, wang.on_time.met.ids) == ("王管家", [1, 2], [1])
    assert t.median_minutes["claim"] == 40.0
    assert t.figure("steward.7.claimed").ids == [1, 2]
    assert t.figure("claim.missed").ids == [2, 3]
    assert t.figure("rating.all.rated").ids == []
    assert t.figure("requests.repair").ids == [1, 2, 3]
    for bad in ("nope", "requests.nope", "steward.8.claimed", "claim.met.x"):
        with pytest.raises(KeyError):
            t.figure(bad)


def test_months():
    assert st.months_back("2026-02", 3) == ["2025-12", "2026-01", "2026-02"]
    assert st.valid_month("2026-11") and not st.valid_month("2026-13")
    assert not st.valid_month("26-11") and not st.valid_month("2026-1")
