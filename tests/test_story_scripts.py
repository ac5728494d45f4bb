"""Stories of residents who do not write Simplified Chinese: the Taiwan resident whose
Telegram is set to zh-hant, the Hong Kong resident (zh-hk), the resident who simply
writes 3棟1單元, and the English resident who writes "Building 2, entrance 2, room 1101".
Each is answered in their own script from the first message on."""

from __future__ import annotations

import pytest

from tests.fakes.telegram_api import FakeTelegram
from tests.stories import STEWARDS, Company, text_of

TAIWAN, HONG_KONG, WRITER, ENGLISH = 7301, 7302, 7303, 7304
SIMPLIFIED_ONLY = set("们这为单栋号请谢务处联门让应")  # Simplified forms of common characters


@pytest.fixture
async def company(tmp_path, clock):
    async with FakeTelegram() as tg:
        tg.add_user(TAIWAN, language_code="zh-hant")
        tg.add_user(HONG_KONG, language_code="zh-hk")
        tg.add_user(WRITER, language_code="zh-hans")
        tg.add_user(ENGLISH, language_code="en")
        c = await Company.open(tmp_path, tg)
        try:
            yield c
        finally:
            await c.close()


def simplified(text: str) -> set[str]:
    return SIMPLIFIED_ONLY & set(text)


async def test_the_taiwan_resident_reads_traditional_from_the_first_message(company):
    c = company
    since = c.say(TAIWAN, "/start demo")
    greeting = await c.reply(TAIWAN, since, "歡迎")
    prompt = await c.reply(TAIWAN, since, "房號")
    assert not simplified(text_of(greeting)) and not simplified(text_of(prompt))
    since = c.say(TAIWAN, "3棟1單元301")
    bound = await c.reply(TAIWAN, since, "3棟1單元301")
    assert not simplified(text_of(bound))
    since = c.say(TAIWAN, "廚房水管漏水了，請儘快派人來")
    opened = await c.reply(TAIWAN, since, "工單")
    assert not simplified(text_of(opened))
    assert "為" in text_of(opened) or "裡" in text_of(opened)  # Taiwan forms, not 爲/裏
    card = await c.reply(STEWARDS, since, "漏水")
    assert "3栋1单元301" in text_of(card)  # staff read the community's own forms


async def test_the_hong_kong_resident_gets_hong_kong_forms(company):
    c = company
    since = c.say(HONG_KONG, "/start demo")
    await c.reply(HONG_KONG, since, "歡迎")
    since = c.say(HONG_KONG, "2棟2單元1101")
    await c.reply(HONG_KONG, since, "2棟2單元1101")
    since = c.say(HONG_KONG, "衞生間的燈壞了")  # written Traditional: the forms stay Hong Kong's
    opened = await c.reply(HONG_KONG, since, "工單")
    assert "裏" in text_of(opened) and "裡" not in text_of(opened)


async def test_a_resident_writing_traditional_is_answered_in_it_at_once(company):
    c = company
    since = c.say(WRITER, "/start demo")
    await c.reply(WRITER, since, "房号")  # their Telegram says Simplified
    since = c.say(WRITER, "3棟1單元301")
    bound = await c.reply(WRITER, since, "301")
    assert "3棟1單元301" in text_of(bound) and not simplified(text_of(bound))
    since = c.say(WRITER, "你好")  # says nothing of its script: the answer stays Traditional
    answer = await c.reply(WRITER, since)
    assert not simplified(text_of(answer))


async def test_the_english_resident_gives_an_english_unit(company):
    c = company
    since = c.say(ENGLISH, "/start demo")
    greeting = await c.reply(ENGLISH, since, "welcome")
    prompt = await c.reply(ENGLISH, since, "unit number")
    assert "Building" in text_of(prompt)  # the example is written in English too
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in text_of(greeting) if ch not in "示例花园")
    since = c.say(ENGLISH, "Building 2, entrance 2, room 1101")
    bound = await c.reply(ENGLISH, since, "Building 2, Entrance 2, Room 1101")
    assert "Thank you" in text_of(bound)
    since = c.say(ENGLISH, "The kitchen tap is leaking!")
    opened = await c.reply(ENGLISH, since, "ticket")
    text = text_of(opened)
    assert "!." not in text and ".We" not in text and "Repair ticket" not in text
    card = await c.reply(STEWARDS, since, "2栋2单元1101")
    assert "kitchen tap" in text_of(card)
