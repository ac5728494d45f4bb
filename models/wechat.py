"""Database state of the WeChat channel that every worker must share.

* :class:`DatabaseTokenStore`: the access token in the ``shared_token`` table (used when
  ``REDIS_URL`` is not set), on SQLite and PostgreSQL alike.
* The customer-service window of each openid (``wechat_contact``). WeChat's rules since
  June 2023 (公众号客服消息下发额度): after the person sends a message we may send **5**
  customer-service messages within **48 hours**; after a menu click, a follow or a QR-code
  scan, **3** within **1 minute** (these do not renew the 48-hour quota). Quotas do not add
  up: each new action resets its own quota to the maximum. A send takes one unit with a
  conditional UPDATE (the short event quota first, so the 48-hour quota lasts longer), so two
  workers never spend the same unit; when nothing is left the channel sends a template
  message instead. WeChat's own answer (45015/45047) has the last word: it closes the window.
* The numbered choices ("回复 1 满意，2 一般…") that stand for a message's buttons.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from models.domain.clock import now
from models.tables import SharedToken, WeChatContact

MESSAGE_WINDOW = timedelta(hours=48)
MESSAGE_QUOTA = 5
EVENT_WINDOW = timedelta(minutes=1)
EVENT_QUOTA = 3


class DatabaseTokenStore:
    """A :class:`bot.channels.wechat_api.TokenStore` in the database."""

    async def get(self, key: str) -> tuple[str, float] | None:
        row = await SharedToken.get_or_none(key=key)
        return (row.token, row.expires_at) if row is not None else None

    async def set(self, key: str, token: str, expires_at: float) -> None:
        updated = await SharedToken.filter(key=key).update(token=token, expires_at=expires_at)
        if updated:
            return
        try:
            await SharedToken.create(key=key, token=token, expires_at=expires_at)
        except IntegrityError:  # another worker created it meanwhile: the newest one wins
            await SharedToken.filter(key=key).update(token=token, expires_at=expires_at)

    async def delete(self, key: str) -> None:
        await SharedToken.filter(key=key).delete()


async def contact(openid: str) -> WeChatContact:
    """The openid's row, created on first sight (as a follower without a window)."""
    row = await WeChatContact.get_or_none(openid=openid)
    if row is not None:
        return row
    try:
        return await WeChatContact.create(openid=openid, updated_at=now())
    except IntegrityError:
        return await WeChatContact.get(openid=openid)


async def opened_by_message(openid: str, at: datetime | None = None) -> None:
    """The person wrote to us: 5 messages within 48 hours from now."""
    at = at or now()
    await contact(openid)
    await WeChatContact.filter(openid=openid).update(
        message_window_until=at + MESSAGE_WINDOW,
        message_quota=MESSAGE_QUOTA,
        subscribed=True,
        updated_at=at,
    )


async def opened_by_event(openid: str, at: datetime | None = None) -> None:
    """A menu click, a follow or a scan: 3 messages within a minute."""
    at = at or now()
    await contact(openid)
    await WeChatContact.filter(openid=openid).update(
        event_window_until=at + EVENT_WINDOW, event_quota=EVENT_QUOTA, updated_at=at
    )


async def set_subscribed(openid: str, subscribed: bool) -> None:
    at = now()
    await contact(openid)
    values: dict[str, Any] = {"subscribed": subscribed, "updated_at": at}
    if not subscribed:
        values.update(
            unsubscribed_at=at,
            message_quota=0,
            event_quota=0,
            message_window_until=None,
            event_window_until=None,
            choices={},
        )
    await WeChatContact.filter(openid=openid).update(**values)


async def take_quota(openid: str) -> str | None:
    """Spend one customer-service message: "event" or "message" (the quota used), or None
    when the window is closed or its quota used up (send a template instead)."""
    at = now()
    if await WeChatContact.filter(
        openid=openid, subscribed=True, event_window_until__gt=at, event_quota__gt=0
    ).update(event_quota=F("event_quota") - 1):
        return "event"
    if await WeChatContact.filter(
        openid=openid, subscribed=True, message_window_until__gt=at, message_quota__gt=0
    ).update(message_quota=F("message_quota") - 1):
        return "message"
    return None


async def give_back(openid: str, which: str) -> None:
    """A send that did not go out (timeout, WeChat busy) does not use up the quota."""
    field = "event_quota" if which == "event" else "message_quota"
    await WeChatContact.filter(openid=openid).update(**{field: F(field) + 1})


async def close_window(openid: str) -> None:
    """WeChat said 45015/45047: nothing more until the person writes again."""
    await WeChatContact.filter(openid=openid).update(
        message_quota=0, event_quota=0, updated_at=now()
    )


async def remember_choices(openid: str, choices: dict[str, str]) -> None:
    await contact(openid)
    await WeChatContact.filter(openid=openid).update(choices=choices, updated_at=now())


async def take_choice(openid: str, number: str) -> str | None:
    """The button data the number stands for (and forget the choices), or None. Any other
    message also forgets them: the person has moved on."""
    row = await WeChatContact.get_or_none(openid=openid)
    if row is None or not row.choices:
        return None
    data = row.choices.get(number) if number else None
    await WeChatContact.filter(id=row.id).update(choices={})
    return data
