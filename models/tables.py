"""The database tables. Plain data: the rules that change them live in
``models.domain`` (applied to tickets by ``models.tickets``), ``models.outbox`` and
``models.inbound``.

All timestamps are timezone-aware UTC; "the company's day" is computed with the
configured timezone where it matters (ticket numbers, business hours).
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.domain.ticket import Kind, Status
from models.fields import DatetimeField

__all__ = ["Kind", "Status"]  # defined with the rules; the columns use them


class Platform(StrEnum):
    TELEGRAM = "telegram"
    WECHAT = "wechat"
    WECOM = "wecom"
    CLI = "cli"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class InboundStatus(StrEnum):
    RECEIVED = "received"
    HANDLING = "handling"
    HANDLED = "handled"
    FAILED = "failed"


class Community(Model):
    """Mirrors a community of the config file (synced at start-up)."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=100)

    class Meta:
        table = "community"


class Building(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "models.Community", related_name="buildings", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=32)

    class Meta:
        table = "building"
        unique_together = (("community", "name"),)


class Unit(Model):
    """A home (房号), created when a resident first binds to it."""

    id = fields.IntField(primary_key=True)
    building: fields.ForeignKeyRelation[Building] = fields.ForeignKeyField(
        "models.Building", related_name="units", on_delete=fields.CASCADE
    )
    entrance = fields.IntField(default=1)
    room = fields.CharField(max_length=16)
    label = fields.CharField(max_length=64, description="as the community writes it")

    class Meta:
        table = "unit"
        unique_together = (("building", "entrance", "room"),)


class RegisteredUnit(Model):
    """What the owners' register (业户档案) says of a unit: that it is on the register
    (a building with registered units is known by its register only), and its area."""

    id = fields.IntField(primary_key=True)
    unit: fields.OneToOneRelation[Unit] = fields.OneToOneField(
        "models.Unit", related_name="register", on_delete=fields.CASCADE
    )
    area = fields.FloatField(null=True, description="面积, square metres")
    imported_at = DatetimeField(description="last seen in an imported register")

    class Meta:
        table = "registered_unit"


class UnitAlias(Model):
    """A key a unit is known by in what residents write (3.2.1201, S.101 …; see
    ``models.domain.unit_text``): several per unit; a key two units share is
    ambiguous, and the resident is asked again."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "models.Community", related_name="unit_aliases", on_delete=fields.CASCADE
    )
    unit: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="aliases", on_delete=fields.CASCADE
    )
    key = fields.CharField(max_length=64)

    class Meta:
        table = "unit_alias"
        indexes = (("community", "key"),)


class Occupant(Model):
    """A person of the owners' register: who owns or lives in a unit. The phone is kept
    whole to check residents against it; a staff chat only ever sees it masked, and a
    staff member who asks for it gets it alone, recorded on the ticket."""

    id = fields.IntField(primary_key=True)
    unit: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="occupants", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=64)
    phone = fields.CharField(max_length=20, null=True, db_index=True)
    role = fields.CharField(max_length=8, description="owner | tenant | family")
    note = fields.TextField(default="")
    source_row = fields.IntField(null=True, description="its row in the last import")
    imported_at = DatetimeField()
    updated_at = DatetimeField()

    class Meta:
        table = "occupant"
        unique_together = (("unit", "name"),)


class Resident(Model):
    """One row per platform identity: the same person on WeChat and Telegram is two rows."""

    id = fields.IntField(primary_key=True)
    platform = fields.CharField(max_length=16)
    platform_user_id = fields.CharField(max_length=128)
    chat_id = fields.CharField(max_length=128, description="where to write to them")
    display_name = fields.CharField(max_length=128, default="", description="never shown to staff")
    community: fields.ForeignKeyNullableRelation[Community] = fields.ForeignKeyField(
        "models.Community", related_name="residents", null=True, on_delete=fields.SET_NULL
    )
    unit: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="residents", null=True, on_delete=fields.SET_NULL
    )
    script = fields.CharField(max_length=8, default="hans", description="hans | hant | en")
    state = fields.JSONField(default=dict, description="conversation state (awaiting unit, …)")
    last_message_at = DatetimeField(null=True)
    created_at = DatetimeField()

    class Meta:
        table = "resident"
        unique_together = (("platform", "platform_user_id"),)


class Staff(Model):
    """Mirrors the staff list of the config file (synced at start-up)."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64)
    role = fields.CharField(max_length=16)
    community: fields.ForeignKeyNullableRelation[Community] = fields.ForeignKeyField(
        "models.Community", related_name="staff", null=True, on_delete=fields.SET_NULL
    )
    telegram_id = fields.BigIntField(null=True, db_index=True)
    wechat_openid = fields.CharField(max_length=128, null=True, db_index=True)
    active = fields.BooleanField(default=True)

    class Meta:
        table = "staff"


class UnitClaim(Model):
    """A resident's claim to their unit (``Resident.unit``) and its check (业主认证):
    verified when ``verified_at`` is set for that same unit — by their phone against the
    register, by the last four digits of it, or by a steward. One row per resident;
    a new unit starts a new, unverified claim, and staff may revoke a verified one."""

    id = fields.IntField(primary_key=True)
    resident: fields.OneToOneRelation[Resident] = fields.OneToOneField(
        "models.Resident", related_name="claim", on_delete=fields.CASCADE
    )
    unit: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="claims", null=True, on_delete=fields.SET_NULL
    )
    verified_at = DatetimeField(null=True)
    verified_via = fields.CharField(max_length=16, null=True, description="phone|phone_tail|staff")
    verified_by: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="verified_claims", null=True, on_delete=fields.SET_NULL
    )
    occupant: fields.ForeignKeyNullableRelation[Occupant] = fields.ForeignKeyField(
        "models.Occupant", related_name="claims", null=True, on_delete=fields.SET_NULL
    )
    failures = fields.IntField(default=0, description="wrong phone tails given, ever")
    card_at = DatetimeField(null=True, description="when a steward was asked to check")
    updated_at = DatetimeField()

    class Meta:
        table = "unit_claim"


class StaffAccount(Model):
    """A staff member's platform account bound by invitation (``/start CODE``,
    ``/join CODE``); an id the config gives for that platform comes first."""

    id = fields.IntField(primary_key=True)
    staff: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="accounts", on_delete=fields.CASCADE
    )
    platform = fields.CharField(max_length=16)
    platform_user_id = fields.CharField(max_length=128)
    bound_at = DatetimeField()

    class Meta:
        table = "staff_account"
        unique_together = (("staff", "platform"), ("platform", "platform_user_id"))


class Invitation(Model):
    """A one-time code: for a staff member of the config (binds the platform account
    that uses it), or for a group chat (``/bindgroup``: the community's stewards' or
    supervisors' chat)."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=16, unique=True)
    kind = fields.CharField(max_length=8, description="staff | group")
    staff: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="invitations", null=True, on_delete=fields.CASCADE
    )
    community: fields.ForeignKeyNullableRelation[Community] = fields.ForeignKeyField(
        "models.Community", related_name="invitations", null=True, on_delete=fields.CASCADE
    )
    chat_role = fields.CharField(max_length=16, null=True, description="stewards | supervisors")
    created_at = DatetimeField()
    expires_at = DatetimeField()
    used_at = DatetimeField(null=True)
    used_by = fields.CharField(max_length=160, null=True, description="platform:id")

    class Meta:
        table = "invitation"


class ChatBinding(Model):
    """A group chat bound with ``/bindgroup`` as a community's stewards' or supervisors'
    chat on a platform (the config's chat, when it names one, comes first)."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "models.Community", related_name="chat_bindings", on_delete=fields.CASCADE
    )
    chat_role = fields.CharField(max_length=16, description="stewards | supervisors")
    platform = fields.CharField(max_length=16)
    chat_id = fields.CharField(max_length=191)
    bound_at = DatetimeField()
    bound_by = fields.CharField(max_length=160, default="", description="platform:id")

    class Meta:
        table = "chat_binding"
        unique_together = (("community", "chat_role", "platform"),)


class DailySequence(Model):
    """Last ticket sequence number used on a day (company timezone)."""

    day = fields.CharField(max_length=8, primary_key=True)
    last_seq = fields.IntField()

    class Meta:
        table = "daily_sequence"


class Ticket(Model):
    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=16, unique=True, description="YYYYMMDD-NNNN")
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "models.Community", related_name="tickets", on_delete=fields.RESTRICT
    )
    resident: fields.ForeignKeyNullableRelation[Resident] = fields.ForeignKeyField(
        "models.Resident", related_name="tickets", null=True, on_delete=fields.SET_NULL
    )
    unit: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="tickets", null=True, on_delete=fields.SET_NULL
    )
    kind = fields.CharField(max_length=16)
    status = fields.CharField(max_length=16, default=Status.NEW, db_index=True)
    urgent = fields.BooleanField(default=False)
    hazard = fields.CharField(max_length=16, null=True)
    agitated = fields.BooleanField(default=False)
    department = fields.CharField(max_length=32, null=True)
    complaint_class = fields.CharField(max_length=16, null=True)
    nature = fields.CharField(
        max_length=16, null=True, description="complaint: effective | communicative (定性)"
    )
    about_staff = fields.BooleanField(
        default=False, description="goes to supervisors, not stewards"
    )
    sensitive = fields.BooleanField(default=False, description="no follow-up")
    anonymous = fields.BooleanField(default=False, description="no follow-up")
    summary = fields.CharField(max_length=200, default="")
    details = fields.JSONField(default=dict, description="fee consent, slot, media, …")
    assignee: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="tickets", null=True, on_delete=fields.SET_NULL
    )
    created_at = DatetimeField()
    updated_at = DatetimeField()
    claimed_at = DatetimeField(null=True)
    resolved_at = DatetimeField(null=True)
    closed_at = DatetimeField(null=True)
    # Deadlines are data (docs/architecture.md): the next due time, what it is, and how
    # far up the ladder the ticket has climbed; sweepers select on due_at.
    due_at = DatetimeField(null=True, db_index=True)  # next time a sweeper looks
    due_kind = fields.CharField(max_length=32, null=True)  # claim, report_back, answer, …
    due_phase = fields.CharField(max_length=16, null=True, description="warn, breach, …")
    deadline_at = DatetimeField(null=True, description="the deadline being chased")
    escalation_level = fields.IntField(default=0, description="0 steward, 1 supervisor, 2 manager")
    reported_at = DatetimeField(null=True, description="steward's first report-back")
    satisfaction = fields.IntField(null=True, description="follow-up score 1-5")
    accepted = fields.BooleanField(null=True, description="repair accepted (验收)")

    class Meta:
        table = "ticket"
        # (community, created_at): the month's statistics and the console's date filter
        indexes = (("resident", "status"), ("community", "status"), ("community", "created_at"))


class TicketEvent(Model):
    """Append-only history of a ticket: never updated, never deleted."""

    id = fields.BigIntField(primary_key=True)
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        "models.Ticket", related_name="events", on_delete=fields.CASCADE, db_index=True
    )  # a ticket's history (/show) read without scanning every ticket's
    at = DatetimeField()
    kind = fields.CharField(max_length=24, description="see models.lifecycle.EventKind")
    actor_type = fields.CharField(max_length=16, description="resident | staff | system")
    actor_id = fields.CharField(max_length=128, null=True)
    actor_name = fields.CharField(max_length=64, default="")
    from_status = fields.CharField(max_length=16, null=True)
    to_status = fields.CharField(max_length=16, null=True)
    text = fields.TextField(default="")
    data = fields.JSONField(default=dict)

    class Meta:
        table = "ticket_event"
        ordering = ("id",)
        indexes = (("kind", "at"),)  # the month's ratings, reopenings, follow-up questions


class InboundMessage(Model):
    """Every message a platform delivers, stored before anything else happens."""

    id = fields.BigIntField(primary_key=True)
    platform = fields.CharField(max_length=16)
    key = fields.CharField(max_length=191, description="unique per platform message")
    chat_id = fields.CharField(max_length=128, default="")
    sender_id = fields.CharField(max_length=128, default="")
    text = fields.TextField(default="")
    payload = fields.JSONField(default=dict, description="the raw update as received")
    received_at = DatetimeField()
    status = fields.CharField(max_length=16, default=InboundStatus.RECEIVED, db_index=True)
    handled_at = DatetimeField(null=True)
    error = fields.TextField(null=True)
    ticket: fields.ForeignKeyNullableRelation[Ticket] = fields.ForeignKeyField(
        "models.Ticket", related_name="inbound", null=True, on_delete=fields.SET_NULL
    )
    predicted_intent = fields.CharField(max_length=16, null=True)
    label = fields.CharField(max_length=16, null=True, description="the resident's own choice")
    faq = fields.CharField(max_length=64, null=True, description="the FAQ entry that answered it")

    class Meta:
        table = "inbound_message"
        unique_together = (("platform", "key"),)


class Outbox(Model):
    """A platform-neutral outgoing message, queued in the same transaction as the
    state change that caused it; ``bot.dispatcher`` sends it."""

    id = fields.BigIntField(primary_key=True)
    ticket: fields.ForeignKeyNullableRelation[Ticket] = fields.ForeignKeyField(
        "models.Ticket", related_name="outbox", null=True, on_delete=fields.SET_NULL
    )
    platform = fields.CharField(max_length=16)
    chat_id = fields.CharField(max_length=191)
    kind = fields.CharField(max_length=16, default="text", description="text | card | edit_card")
    payload = fields.JSONField(default=dict)
    urgent = fields.BooleanField(default=False)
    status = fields.CharField(max_length=16, default=OutboxStatus.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = DatetimeField()  # not before: quiet hours, or backing off
    progress = fields.IntField(default=0, description="parts of a multi-part send done")
    last_error = fields.TextField(null=True)
    platform_message_id = fields.CharField(max_length=64, null=True)
    created_at = DatetimeField()
    sent_at = DatetimeField(null=True)

    class Meta:
        table = "outbox"
        indexes = (("status", "next_attempt_at"), ("platform", "chat_id", "status"))


class OutboxLane(Model):
    """One destination (a chat, a robot): which worker sends to it now (a short lease,
    renewed while it works), and its pace (the platform's per-chat limit), so that a
    destination's messages go out in order, one worker at a time, within its limit."""

    id = fields.IntField(primary_key=True)
    platform = fields.CharField(max_length=16)
    chat_id = fields.CharField(max_length=191)
    holder = fields.CharField(max_length=64, null=True, description="the worker sending now")
    lease_until = DatetimeField(null=True)
    not_before = DatetimeField(null=True, description="the platform asked to wait until then")
    recent = fields.JSONField(default=list, description="epoch seconds of the last sends")
    updated_at = DatetimeField()

    class Meta:
        table = "outbox_lane"
        unique_together = (("platform", "chat_id"),)


class PlatformState(Model):
    """What every worker must agree on about one platform: whether it is failing (and
    since when, and when to try it again), and the next free slot under its overall
    rate limit (Telegram: 30 messages a second per bot)."""

    platform = fields.CharField(max_length=16, primary_key=True)
    failing_since = DatetimeField(null=True)
    last_error = fields.TextField(null=True)
    retry_at = DatetimeField(null=True, description="the next try while it is failing")
    slot_at = fields.FloatField(null=True, description="epoch: the next free send slot")
    updated_at = DatetimeField()

    class Meta:
        table = "platform_state"


class GroupCard(Model):
    """A message in a staff chat that stands for a ticket: the ticket card, or a
    relayed resident message, so a reply to it reaches the right resident."""

    id = fields.IntField(primary_key=True)
    platform = fields.CharField(max_length=16)
    chat_id = fields.CharField(max_length=128)
    message_id = fields.CharField(max_length=64)
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        "models.Ticket", related_name="cards", on_delete=fields.CASCADE, db_index=True
    )  # the card to edit found without scanning every ticket's (each claim, each resolve)
    role = fields.CharField(max_length=16, default="card", description="card | relay")
    created_at = DatetimeField()

    class Meta:
        table = "group_card"
        unique_together = (("platform", "chat_id", "message_id"),)


class WeChatContact(Model):
    """What every worker must agree on about one WeChat openid (resident or staff):
    whether they follow the Official Account, how many customer-service messages
    WeChat still allows (5 within 48 h of their last message; 3 within a minute of a
    menu click, a follow or a QR scan), and the numbered choices of the last message
    with buttons they were sent ("回复 1 满意…"). See ``models.wechat``."""

    id = fields.IntField(primary_key=True)
    openid = fields.CharField(max_length=128, unique=True)
    subscribed = fields.BooleanField(default=True)
    unsubscribed_at = DatetimeField(null=True)
    message_window_until = DatetimeField(null=True)
    message_quota = fields.IntField(default=0)
    event_window_until = DatetimeField(null=True)
    event_quota = fields.IntField(default=0)
    choices = fields.JSONField(default=dict, description='{"1": button data, …}')
    updated_at = DatetimeField()

    class Meta:
        table = "wechat_contact"


class SharedToken(Model):
    """Access tokens shared by all workers when there is no Redis (WeChat's token is
    one per app: a second fetch invalidates the first)."""

    key = fields.CharField(max_length=191, primary_key=True)
    token = fields.TextField()
    expires_at = fields.FloatField(description="epoch seconds")

    class Meta:
        table = "shared_token"


class JobRun(Model):
    """A scheduled job (shift handover, …) that ran for a given slot: the unique key
    makes it run once even when several workers fire it."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64)
    slot = fields.CharField(max_length=32)
    ran_at = DatetimeField()

    class Meta:
        table = "job_run"
        unique_together = (("name", "slot"),)


class ConsoleLink(Model):
    """A one-time sign-in link to the web console (``/console`` in a private chat, or
    ``python -m bot console-link NAME``): only its SHA-256 is kept; valid for minutes,
    used once."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    staff: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="console_links", on_delete=fields.CASCADE
    )
    created_at = DatetimeField()
    expires_at = DatetimeField()
    used_at = DatetimeField(null=True)
    via = fields.CharField(max_length=16, default="", description="telegram | wechat | cli")

    class Meta:
        table = "console_link"


class ConsoleSession(Model):
    """A signed-in browser: the cookie carries the session key, signed; only its SHA-256
    is kept. Ends at ``expires_at`` (absolute), after ``idle`` minutes unused, or at
    logout (``ended_at``)."""

    id = fields.IntField(primary_key=True)
    key_hash = fields.CharField(max_length=64, unique=True)
    staff: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="console_sessions", on_delete=fields.CASCADE
    )
    csrf = fields.CharField(max_length=64, description="the token every action must carry")
    created_at = DatetimeField()
    last_seen_at = DatetimeField()
    expires_at = DatetimeField()
    ended_at = DatetimeField(null=True)

    class Meta:
        table = "console_session"


# -- notices and mass incidents (issue 20) -------------------------------------------------
class Notice(Model):
    """A notice (通知公告) staff wrote for some households: drafted (the sender sees who
    will receive it), then sent, then reported on once every message is out."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "models.Community", related_name="notices", on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=16, description="water | power | lift | works | other")
    text = fields.TextField(description="the words residents read, as staff wrote them")
    targets = fields.JSONField(default=list, description="models.domain.notices.Target dicts")
    target_label = fields.CharField(max_length=200, default="")
    starts_at = DatetimeField(null=True, description="the period the words name, if any")
    ends_at = DatetimeField(null=True)
    status = fields.CharField(
        max_length=16, default="draft", description="draft | sending | done | cancelled"
    )
    created_by: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="notices", null=True, on_delete=fields.SET_NULL
    )
    origin_platform = fields.CharField(max_length=16, description="where the sender wrote")
    origin_chat = fields.CharField(max_length=191, description="(the report goes there)")
    households = fields.IntField(default=0)
    recipients = fields.IntField(default=0)
    created_at = DatetimeField()
    sent_at = DatetimeField(null=True)
    done_at = DatetimeField(null=True)

    class Meta:
        table = "notice"
        indexes = (("community", "status"),)


class NoticeDelivery(Model):
    """One resident's copy of a notice: the outbox row that carries it, and what became
    of it (sent, failed, blocked: the bot blocked or the account unfollowed)."""

    id = fields.BigIntField(primary_key=True)
    notice: fields.ForeignKeyRelation[Notice] = fields.ForeignKeyField(
        "models.Notice", related_name="deliveries", on_delete=fields.CASCADE
    )
    resident: fields.ForeignKeyNullableRelation[Resident] = fields.ForeignKeyField(
        "models.Resident", related_name="notices", null=True, on_delete=fields.SET_NULL
    )
    unit: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="notices", null=True, on_delete=fields.SET_NULL
    )
    platform = fields.CharField(max_length=16)
    outbox: fields.ForeignKeyNullableRelation[Outbox] = fields.ForeignKeyField(
        "models.Outbox", related_name="notice", null=True, on_delete=fields.SET_NULL
    )
    status = fields.CharField(
        max_length=16, default="queued", description="queued | sent | failed | blocked"
    )
    error = fields.TextField(null=True)
    template = fields.BooleanField(default=False, description="WeChat: a template message")

    class Meta:
        table = "notice_delivery"
        unique_together = (("notice", "resident"),)


class Incident(Model):
    """One failure many households report (a building's power, water, lift …): a ticket
    of its own (``ticket``: its number, card, deadlines and escalation), the reports
    its children (``IncidentReport``). Planned when a notice announced it."""

    id = fields.IntField(primary_key=True)
    ticket: fields.OneToOneRelation[Ticket] = fields.OneToOneField(
        "models.Ticket", related_name="incident", on_delete=fields.CASCADE
    )
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "models.Community", related_name="incidents", on_delete=fields.CASCADE
    )
    failure = fields.CharField(max_length=16, description="power | water | lift | gas | …")
    building: fields.ForeignKeyNullableRelation[Building] = fields.ForeignKeyField(
        "models.Building", related_name="incidents", null=True, on_delete=fields.SET_NULL
    )
    entrance = fields.IntField(null=True, description="set when the failure is one entrance's")
    notice: fields.ForeignKeyNullableRelation[Notice] = fields.ForeignKeyField(
        "models.Notice", related_name="incidents", null=True, on_delete=fields.SET_NULL
    )
    place = fields.CharField(max_length=200, default="", description="as staff read it: 3栋")
    open_key = fields.CharField(
        max_length=128, null=True, unique=True, description="one open incident per failure/place"
    )
    households = fields.IntField(default=0)
    reports = fields.IntField(default=0)
    card_edited_at = DatetimeField(null=True)
    card_dirty = fields.BooleanField(default=False, description="the card shows an old count")
    created_at = DatetimeField()
    closed_at = DatetimeField(null=True)

    class Meta:
        table = "incident"
        indexes = (("community", "failure", "building"), ("card_dirty", "card_edited_at"))


class IncidentReport(Model):
    """A ticket that reports a failure, remembered with its place and time so that
    reports of the same failure can be counted; its incident, once it has one."""

    id = fields.IntField(primary_key=True)
    ticket: fields.OneToOneRelation[Ticket] = fields.OneToOneField(
        "models.Ticket", related_name="incident_report", on_delete=fields.CASCADE
    )
    incident: fields.ForeignKeyNullableRelation[Incident] = fields.ForeignKeyField(
        "models.Incident", related_name="members", null=True, on_delete=fields.SET_NULL
    )
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "models.Community", related_name="incident_reports", on_delete=fields.CASCADE
    )
    failure = fields.CharField(max_length=16)
    building: fields.ForeignKeyNullableRelation[Building] = fields.ForeignKeyField(
        "models.Building", related_name="incident_reports", null=True, on_delete=fields.SET_NULL
    )
    entrance = fields.IntField(null=True)
    unit: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="incident_reports", null=True, on_delete=fields.SET_NULL
    )
    reported_at = DatetimeField()
    joined_at = DatetimeField(null=True)
    joined_by = fields.CharField(max_length=16, null=True, description="auto | staff | notice")
    split = fields.BooleanField(default=False, description="taken out by staff: not joined again")

    class Meta:
        table = "incident_report"
        indexes = (("community", "failure", "reported_at"),)
