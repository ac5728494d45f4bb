"""Reply texts: one data file (``handlers/texts.yaml``), overridable in the config.

A text is chosen for the resident's script: Simplified, Traditional (Taiwan or Hong
Kong forms, converted from Simplified with OpenCC when the file gives none) or English."""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from models.domain.config import FAST_SAFE_LOADER
from models.domain.unit_text import in_english

TEXTS_FILE = Path(__file__).with_name("texts.yaml")


@lru_cache(maxsize=1)
def _shipped() -> dict[str, dict[str, str]]:
    return yaml.load(TEXTS_FILE.read_text(encoding="utf-8"), Loader=FAST_SAFE_LOADER)


UNIT_VALUES = {"unit", "example"}
_STOPS = "。！？；，、.!?;,:："
_FORMATTER = string.Formatter()


def fill(template: str, values: dict[str, Any]) -> str:
    """``template.format(**values)``, except that a value ending in a stop (。！.!) loses
    it where the template puts its own stop right after: "漏水了！。" reads "漏水了。"."""
    out = []
    pieces = list(_FORMATTER.parse(template))
    for i, (literal, field, spec, conversion) in enumerate(pieces):
        out.append(literal)
        if field is None:
            continue
        value = _FORMATTER.convert_field(_FORMATTER.get_field(field, (), values)[0], conversion)
        text = _FORMATTER.format_field(value, spec or "")
        after = pieces[i + 1][0] if i + 1 < len(pieces) else ""
        if after[:1] and after[0] in _STOPS:
            text = text.rstrip(_STOPS + " ") or text
        out.append(text)
    return "".join(out)


class Texts:
    def __init__(self, overrides: dict[str, dict[str, str]] | None = None):
        self._texts = {k: dict(v) for k, v in _shipped().items()}
        for key, variants in (overrides or {}).items():
            self._texts.setdefault(key, {}).update(variants)
            if "zh_hans" in variants and "zh_hant" not in variants:
                self._texts[key].pop("zh_hant", None)  # re-derive from the new wording
        self._trad: dict[tuple[str, str], str] = {}

    def keys(self) -> set[str]:
        return set(self._texts)

    def template(self, key: str, script: str) -> str:
        """The text as written for the script (Traditional converted from Simplified
        when the file has none), Simplified when there is none."""
        entry = self._texts[key]
        if script == "en" and "en" in entry:
            return entry["en"]
        if script in ("hant", "hk"):
            if "zh_hant" in entry:
                return entry["zh_hant"]
            if (key, script) not in self._trad:
                from nlp import to_script

                self._trad[key, script] = to_script(entry["zh_hans"], script)
            return self._trad[key, script]
        return entry["zh_hans"]

    def __call__(self, key: str, script: str = "hans", **values: Any) -> str:
        """The text filled in. For a Traditional reader the whole of it, values too (a
        unit, a steward's words), is written in their region's forms; an English reader
        gets units (values named ``unit`` and ``example``) in English."""
        if script == "en":
            for name in UNIT_VALUES & values.keys():
                values[name] = in_english(str(values[name]))
        text = fill(self.template(key, script), values)
        if script in ("hant", "hk") and values:
            from nlp import to_script

            return to_script(text, script)
        return text
