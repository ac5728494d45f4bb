"""Reply texts: one data file (``handlers/texts.yaml``), overridable in the config.

A text is chosen for the resident's script: Simplified, Traditional (converted
from Simplified with OpenCC when the file gives none) or English."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

TEXTS_FILE = Path(__file__).with_name("texts.yaml")


@lru_cache(maxsize=1)
def _shipped() -> dict[str, dict[str, str]]:
    return yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))


class Texts:
    def __init__(self, overrides: dict[str, dict[str, str]] | None = None):
        self._texts = {k: dict(v) for k, v in _shipped().items()}
        for key, variants in (overrides or {}).items():
            self._texts.setdefault(key, {}).update(variants)
            if "zh_hans" in variants and "zh_hant" not in variants:
                self._texts[key].pop("zh_hant", None)  # re-derive from the new wording
        self._hant: dict[str, str] = {}

    def keys(self) -> set[str]:
        return set(self._texts)

    def template(self, key: str, script: str) -> str:
        entry = self._texts[key]
        if script == "en" and "en" in entry:
            return entry["en"]
        if script == "hant":
            if "zh_hant" in entry:
                return entry["zh_hant"]
            if key not in self._hant:
                from nlp import to_script

                self._hant[key] = to_script(entry["zh_hans"], "hant")
            return self._hant[key]
        return entry["zh_hans"]

    def __call__(self, key: str, script: str = "hans", **values: Any) -> str:
        return self.template(key, script).format(**values)
