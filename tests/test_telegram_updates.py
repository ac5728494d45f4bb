"""Reading Telegram updates from their JSON (``bot.channels.telegram.to_incoming``):
every kind the bot acts on, and what it ignores or refuses."""

from __future__ import annotations

import pytest
from telegram import Bot, Update

from bot.channels.telegram import read_update, to_incoming
from tests.fakes.telegram_api import FakeTelegram

STEWARDS = -100200


@pytest.fixture
def tg():
    return FakeTelegram()


def test_text_in_a_private_chat(tg):
    update = tg.make_text_update(7, 7, "厨房水管漏水了", first_name="王", username="w")
    msg = to_incoming(update)
    assert (msg.platform, msg.key, msg.chat_id, msg.chat_type, msg.sender_id) == (
        "telegram",
        f"update:{update['update_id']}",
        "7",
        "private",
        "7",
    )
    assert msg.text == "厨房水管漏水了" and msg.media == [] and msg.raw is update
    assert msg.sender_name == Update.de_json(update, Bot("1:a")).message.from_user.full_name


def test_photo_with_caption_replying_to_a_card_in_a_group(tg):
    card = tg.make_text_update(1, STEWARDS, "card", chat_type="supergroup")
    update = tg.make_photo_update(
        9,
        STEWARDS,
        caption="修好了",
        chat_type="supergroup",
        reply_to_message_id=card["message"]["message_id"],
    )
    msg = to_incoming(update)
    assert msg.chat_type == "group" and msg.text == "修好了"
    assert msg.reply_to == str(card["message"]["message_id"])
    largest = update["message"]["photo"][-1]["file_id"]
    assert msg.media == [{"type": "photo", "file_id": largest, "platform": "telegram"}]


@pytest.mark.parametrize("kind", ["voice", "document", "sticker", "location"])
def test_other_media_are_kept(tg, kind):
    if kind == "voice":
        update = tg.make_voice_update(7, 7)
    elif kind == "document":
        update = tg.make_document_update(7, 7, caption="账单")
    elif kind == "sticker":
        update = tg.make_sticker_update(7, 7)
    else:
        update = tg.make_location_update(7, 7, 31.2, 121.5)
    (item,) = to_incoming(update).media
    assert item["type"] == kind and item["platform"] == "telegram"
    if kind == "location":
        assert (item["latitude"], item["longitude"]) == (31.2, 121.5)
    else:
        assert item["file_id"] == update["message"][kind]["file_id"]


def test_button_press(tg):
    sent = tg.make_text_update(1, STEWARDS, "card", chat_type="supergroup")["message"]
    update = tg.make_callback_update(9, STEWARDS, sent["message_id"], "claim:12")
    msg = to_incoming(update)
    assert (msg.button, msg.chat_id, msg.chat_type, msg.sender_id, msg.message_id) == (
        "claim:12",
        str(STEWARDS),
        "group",
        "9",
        str(sent["message_id"]),
    )
    assert msg.button_on == "card"  # the text the button is on, to close the card with


def test_edited_message_counts_and_service_updates_are_ignored(tg):
    edited = tg.make_text_update(7, 7, "改一下：客厅灯不亮", edited=True)
    assert to_incoming(edited).text == "改一下：客厅灯不亮"
    member = {"update_id": 99, "my_chat_member": {"chat": {"id": 7, "type": "private"}}}
    assert to_incoming(member) is None


@pytest.mark.parametrize(
    "body", [{}, {"update_id": "x"}, {"update_id": 1, "message": {"from": {"id": 1}}}, []]
)
def test_malformed_updates_raise(body):
    with pytest.raises((KeyError, TypeError, ValueError)):
        to_incoming(body)


def test_half_an_emoji_is_mended_not_refused():
    """A lone surrogate is valid JSON that no database stores: the text is kept with
    U+FFFD in its place (a whole emoji, escaped as a pair, is read as it is)."""
    body = b'{"update_id": 1, "message": {"text": "\\ud83d \\ud83d\\ude21 \\u6f0f"}}'
    assert read_update(body)["message"]["text"] == "\ufffd 😡 漏"
    with pytest.raises(ValueError):
        read_update(b"{not json")
