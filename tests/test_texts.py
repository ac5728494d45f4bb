"""The reply texts: one data file, polite by construction, in every script."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from handlers.texts import TEXTS_FILE, Texts

ROOT = Path(__file__).resolve().parent.parent
TEXTS = yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))


def test_no_text_says_but_and_resident_texts_have_english():
    for key, variants in TEXTS.items():
        assert "但是" not in variants["zh_hans"], key
        assert not re.search(r"\b(but|however)\b", variants.get("en", ""), re.IGNORECASE), key
        if not key.startswith(("staff.", "wechat.")):
            assert "en" in variants, f"{key} has no English version"


def test_every_key_the_code_uses_exists():
    used = set()
    for path in [
        *ROOT.glob("handlers/*.py"),
        *ROOT.glob("scheduler/*.py"),
        *ROOT.glob("bot/**/*.py"),
    ]:
        source = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bt(?:exts)?\(\s*["']([a-z_]+(?:\.[a-z_0-9]+)*)["']""", source))
        used |= set(re.findall(r"""to_resident\(\s*\w+,\s*["']([a-z_.]+)["']""", source))
    assert len(used) > 40  # the patterns do find the keys
    missing = sorted(k for k in used if k not in TEXTS)
    assert not missing, missing


def test_traditional_is_derived_and_overrides_apply():
    texts = Texts({"chitchat": {"zh_hans": "感谢您的留言，我们随时为您服务。"}})
    assert texts("chitchat", "hant") == "感謝您的留言，我們隨時為您服務。"  # Taiwan forms
    assert texts("chitchat", "en").startswith("Thank you")  # untouched variant kept
    assert texts("greeting", "hant", community="示例花园").startswith("您好，歡迎聯繫")


def test_regional_forms_units_and_stops():
    texts = Texts()
    tw = texts("unit_bound", "hant", unit="3栋2单元1201")
    hk = texts("unit_bound", "hk", unit="3栋2单元1201")
    assert "3棟2單元1201" in tw and "3棟2單元1201" in hk
    assert "前台" in texts("next_step.consultation", "hant")  # not 前臺
    en = texts("unit_bound", "en", unit="3栋2单元1201")
    assert "Building 3, Entrance 2, Room 1201" in en
    opened = texts(
        "ticket_opened",
        "en",
        kind="repair",
        number="20261203-0001",
        summary="The kitchen tap is leaking!",
        next_step=texts("next_step.repair", "en"),
    )
    assert "leaking." in opened and "!." not in opened
    assert ". We will keep" in opened  # a space after the next step
    zh = texts("ticket_opened", kind="报修", number="1", summary="漏水了！", next_step="")
    assert "漏水了。" in zh


def test_resident_texts_thank_before_they_apologise():
    """Etiquette (docs/domain.md section 5): a text that apologises thanks first, and
    none says 不过 (a softer 但是) to a resident."""
    for key, variants in TEXTS.items():
        if key.startswith(("staff.", "wechat.template", "safety.", "next_step.")):  # fragments
            continue
        zh = variants["zh_hans"]
        assert "不过" not in zh, key
        sorry = min((zh.find(w) for w in ("抱歉", "对不起") if w in zh), default=-1)
        if sorry >= 0:
            assert any(0 <= zh.find(w) < sorry for w in ("感谢", "谢谢")), key
