"""Normalisation for matching: Traditional → Simplified, width, case, whitespace, emoji.

The original text is never changed; this only produces the string the rules match
against, plus the script the resident wrote in, so replies can be written back in it.
Everything is precomputed so a message costs one ``str.translate``, one ``split``
and, only when the text holds a Traditional-only character, one OpenCC call.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from pathlib import Path

import opencc

from nlp.yamlfile import load as load_yaml

HANS, HANT, HK, EN = "hans", "hant", "hk", "en"
TRADITIONAL = frozenset({HANT, HK})  # Taiwan forms (the default) and Hong Kong forms
REGIONAL_FILE = Path(__file__).with_name("regional.yaml")
_LOANWORDS = frozenset({"ok", "okay", "okk", "okok", "hi", "thx", "hh", "hhh", "haha"})

# CJK ranges scanned once to learn which characters OpenCC would change.
_CJK_RANGES = ((0x2E80, 0x2FDF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_HAS_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HAS_LATIN = re.compile(r"[a-z]")
# jieba and rjieba disagree on these, so they are spread out before tokenising: "-._"
# inside ASCII words ("wi-fi") and CJK characters beyond jieba's U+4E00–U+9FD5 range.
_JOINER = re.compile(r"(?<=[0-9a-z])[-._](?=[0-9a-z])")
_RARE_HAN = re.compile(r"([\u3400-\u4dbf\u9fd6-\u9fff\U00020000-\U0003134f])")


def _width_case_table() -> dict[int, str | None]:
    """Full-width ASCII → half-width, A-Z → a-z, odd spaces → space, emoji glue removed."""
    table: dict[int, str | None] = {}
    for cp in range(0xFF01, 0xFF5F):
        table[cp] = chr(cp - 0xFEE0).lower()
    for cp in range(ord("A"), ord("Z") + 1):
        table[cp] = chr(cp).lower()
    for cp in (0x3000, 0x00A0, 0x2002, 0x2003, 0x2009, 0x200A, 0x202F, 0x205F):
        table[cp] = " "
    # Zero-width joiners, variation selectors and skin tones only glue emoji together;
    # the emoji themselves stay so rules can read them (😡 is agitation, 👍 is thanks).
    for cp in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, *range(0xFE00, 0xFE10)):
        table[cp] = None
    for cp in range(0x1F3FB, 0x1F400):
        table[cp] = None
    return table


_TABLE = _width_case_table()


@lru_cache(maxsize=16)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config if config.endswith(".json") else config + ".json")


def _changed_chars(config: str) -> frozenset[str]:
    """Characters that OpenCC ``config`` converts on their own (one batch call)."""
    chars = [chr(cp) for lo, hi in _CJK_RANGES for cp in range(lo, hi + 1)]
    out = _converter(config).convert("\n".join(chars)).split("\n")
    if len(out) != len(chars):  # defensive: fall back to a per-character scan
        conv = _converter(config).convert
        return frozenset(c for c in chars if conv(c) != c)
    return frozenset(c for c, o in zip(chars, out, strict=True) if c != o)


class Normalizer:
    """Precomputed tables for ``normalize``; build once (about 0.1 s)."""

    def __init__(self) -> None:
        self.trad_only = _changed_chars("t2s")  # would change under t2s: Traditional
        self.simp_only = _changed_chars("s2t")  # would change under s2t: Simplified
        # Taiwan and Hong Kong forms too (著火, 衞生間): what sends a text through OpenCC
        # (less 么, which Taiwan's table alone would change and ``to_simplified`` keeps)
        self.regional = (
            self.trad_only | _changed_chars("tw2s") | _changed_chars("hk2s")
        ) - frozenset("么")
        self._t2s = to_simplified

    def script(self, text: str) -> str:
        """'hant' when Traditional-only characters outnumber Simplified-only ones."""
        if not _HAS_CJK.search(text):
            return EN if _HAS_LATIN.search(text.lower()) else HANS
        if self.trad_only.isdisjoint(text):
            return HANS
        trad = sum(1 for c in text if c in self.trad_only)
        simp = sum(1 for c in text if c in self.simp_only)
        return HANT if trad > simp else HANS

    def written_script(self, text: str) -> str | None:
        """The script ``text`` shows it was written in, or None when it does not tell
        (你好 is both; "ok" and "hi" are written by everyone): a reply's script changes
        only on evidence."""
        if not _HAS_CJK.search(text):
            latin = re.findall(r"[a-z]+", text.lower())
            if sum(map(len, latin)) >= 3 and not set(latin) <= _LOANWORDS:
                return EN
            return None
        trad = sum(1 for c in text if c in self.trad_only)
        simp = sum(1 for c in text if c in self.simp_only)
        if trad == simp:
            return None
        return HANT if trad > simp else HANS

    def normalize(self, text: str) -> tuple[str, str]:
        """Return (normalised text for matching, script of the original)."""
        s = " ".join(text.translate(_TABLE).split())
        if "-" in s or "." in s or "_" in s:
            s = _JOINER.sub(" ", s)
        if _RARE_HAN.search(s):
            s = " ".join(_RARE_HAN.sub(r" \1 ", s).split())
        if not _HAS_CJK.search(s):
            return s, (EN if _HAS_LATIN.search(s) else HANS)
        if self.regional.isdisjoint(s):
            return s, HANS
        trad = simp = 0
        for c in s:
            if c in self.trad_only:
                trad += 1
            elif c in self.simp_only:
                simp += 1
        return self._t2s(s), (HANT if trad > simp else HANS)


# Taiwan writes 著 for 着 (著火, 亮著); OpenCC knows only the words in its dictionary.
_ZHE = re.compile(r"(?<![显名原巨专论遗编土])著(?![作名称述录者])")


def to_simplified(text: str) -> str:
    """Traditional text (Taiwan or Hong Kong forms) as Simplified, for matching our own
    word lists (characters only: 資料 stays 资料)."""
    if not text:
        return text
    if "么" in text:  # Simplified 么 (有车位么) is kept: Taiwan's tables read it as 幺
        text = text.replace("么", _KEEP_ME)
    out = _converter("hk2s").convert(_converter("tw2s").convert(text))
    if _KEEP_ME in out:
        out = out.replace(_KEEP_ME, "么")
    return _ZHE.sub("着", out) if "著" in out else out


_KEEP_ME = "\ue000"  # a private-use character no converter touches


@lru_cache(maxsize=1)
def _regional() -> dict[str, list[tuple[str, str]]]:
    data = load_yaml(REGIONAL_FILE.read_text(encoding="utf-8")) or {}
    return {
        region: sorted((words or {}).items(), key=lambda kv: len(kv[0]), reverse=True)
        for region, words in data.items()
    }


def to_script(text: str, script: str) -> str:
    """Write a Simplified reply in the resident's script: Taiwan forms for 'hant' (OpenCC
    s2tw), Hong Kong forms for 'hk' (s2hk), each with the region's own words
    (``regional.yaml``); identity for Simplified and English."""
    if script not in TRADITIONAL or not text:
        return text
    region, config = ("tw", "s2tw") if script == HANT else ("hk", "s2hk")
    out = _converter(config).convert(text)
    for mainland, local in _regional().get(region, ()):
        if mainland in out:
            out = out.replace(mainland, local)
    return out


def script_of_language(code: str | None) -> str | None:
    """The script a platform's language setting asks for (Telegram's ``language_code``,
    WeChat's ``zh_TW``): zh-Hant/zh-TW → Taiwan forms, zh-HK/zh-MO → Hong Kong forms,
    other Chinese → Simplified, any other language → English; None when unset."""
    if not code:
        return None
    parts = code.replace("_", "-").lower().split("-")
    if parts[0] != "zh":
        return EN
    rest = set(parts[1:])
    if rest & {"hk", "mo"}:
        return HK
    if rest & {"hant", "tw"}:
        return HANT
    return HANS


if __name__ == "__main__":  # pragma: no cover - manual check
    n = Normalizer()
    for line in sys.argv[1:]:
        print(n.normalize(line))
