"""FAQ answers for consultations, from ``faq.yaml`` (answers written in Simplified Chinese).

Matched on the normalised text with the same phrase scan as the classifier, so Traditional
and full-width questions find the same answer, and on the same token edges: "营业" (office
hours) does not fire inside "营业税". An entry answers only if one of its topics matched
(hints alone never answer) and it scores at least ``min_score``. No match → ``None``: the
front desk answers. ``match`` also gives the score, for an application that wants its own
threshold.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

from nlp.normalize import EN, to_script
from nlp.yamlfile import load as load_yaml

FAQ_FILE = Path(__file__).with_name("faq.yaml")
TOPIC_WEIGHT, HINT_WEIGHT = 3.0, 1.0


@dataclass(frozen=True, slots=True)
class FaqAnswer:
    """One knowledge-base entry: ``answer`` in Simplified Chinese, ``answer_en`` in English
    (optional); ``in_script`` is what a resident writing in a given script reads."""

    id: str
    question: str
    answer: str
    answer_en: str | None = None
    known_unit: str | None = None  # the answer when we already have the resident's unit
    known_unit_en: str | None = None

    def in_script(self, script: str, *, unit_known: bool = False) -> str:
        """Traditional is converted from the Simplified answer; English residents get the
        English answer where the FAQ has one (else the Chinese). ``unit_known``: the
        answer that does not ask for the unit number, where the entry has one."""
        zh = (self.known_unit if unit_known else None) or self.answer
        if script == EN:
            return (self.known_unit_en if unit_known else None) or self.answer_en or zh
        return to_script(zh, script)


class Faq:
    """Precompiled entries: first character → [(phrase, [(entry, weight)])], longest first."""

    def __init__(self, path: str | Path = FAQ_FILE, normalize=None, cut=None, aligned=None):
        data = load_yaml(Path(path).read_text(encoding="utf-8")) or {}
        self.min_score = float(data.get("min_score", 3))
        self.entries: list[FaqAnswer] = []
        table: dict[str, dict[int, float]] = {}
        for i, e in enumerate(data.get("entries") or []):
            answer = " ".join(str(e["answer"]).split()).replace(" ", "")
            english = " ".join(str(e["answer_en"]).split()) if e.get("answer_en") else None
            if "但是" in answer:
                raise ValueError(f"{path}: {e['id']}: replies never use 但是")
            if english and re.search(r"\b(but|however)\b", english, re.IGNORECASE):
                raise ValueError(f"{path}: {e['id']}: replies never use 'but' (但是)")
            known = e.get("answer_known_unit")
            known_en = e.get("answer_en_known_unit")
            self.entries.append(
                FaqAnswer(
                    str(e["id"]),
                    str(e["question"]),
                    answer,
                    english,
                    " ".join(str(known).split()).replace(" ", "") if known else None,
                    " ".join(str(known_en).split()) if known_en else None,
                )
            )
            for kind, w in (("topics", TOPIC_WEIGHT), ("hints", HINT_WEIGHT)):
                for kw in e.get(kind) or []:
                    slot = table.setdefault(str(kw).lower(), {})
                    slot[i] = max(slot.get(i, 0.0), w)
        by_first: dict[str, list] = {}
        for kw, weights in table.items():
            by_first.setdefault(kw[0], []).append((kw, tuple(weights.items())))
        self._index = {c: sorted(v, key=lambda x: -len(x[0])) for c, v in by_first.items()}
        self._normalize = normalize
        self._cut = cut
        self._aligned = aligned  # (norm, start, end, tokens) -> bool: on token edges

    def scores(self, norm: str) -> dict[int, float]:
        """Entry → score for normalised text (each phrase counts once; topical entries only)."""
        seen: dict[str, tuple] = {}
        end = 0
        aligned = self._aligned
        tokens = self._cut(norm) if self._cut is not None and aligned is not None else None
        for i, ch in enumerate(norm):
            if i < end:
                continue
            cands = self._index.get(ch)
            if cands:
                for kw, weights in cands:
                    if norm.startswith(kw, i) and (
                        tokens is None or aligned(norm, i, i + len(kw), tokens)
                    ):
                        seen[kw] = weights
                        end = i + len(kw)
                        break
        totals: dict[int, float] = {}
        topical: set[int] = set()
        for weights in seen.values():
            for i, w in weights:
                totals[i] = totals.get(i, 0.0) + w
                if w >= TOPIC_WEIGHT:
                    topical.add(i)
        return {i: s for i, s in totals.items() if i in topical}

    def match(self, text: str | None) -> tuple[FaqAnswer, float] | None:
        """The best entry and its score (topics 3, hints 1 each), or None when no entry
        scores at least ``min_score``."""
        if not text:
            return None
        norm = self._normalize(text)[0] if self._normalize else str(text).lower()
        totals = self.scores(norm)
        if not totals:
            return None
        best = max(totals, key=lambda i: (totals[i], -i))
        if totals[best] < self.min_score:
            return None
        return self.entries[best], totals[best]

    def answer(self, text: str | None) -> FaqAnswer | None:
        """The best entry scoring at least ``min_score``, or None (front desk)."""
        found = self.match(text)
        return found[0] if found else None


_lock = threading.Lock()
_faq: Faq | None = None


_classifier = None
"""Gives the classifier whose normaliser, tokenizer and token edges the FAQ shares
(``nlp`` sets it: this module does not import the package that imports it)."""


def use_classifier(provider) -> None:
    global _classifier
    _classifier = provider
    reset()


def get_faq() -> Faq:
    """The shipped FAQ, sharing the default classifier's normaliser and token edges."""
    global _faq
    if _classifier is None:
        raise RuntimeError("nlp.faq: import nlp first (it provides the classifier)")
    clf = _classifier()  # outside the lock: init_nlp() calls reset()
    with _lock:
        if _faq is None:
            _faq = Faq(normalize=clf.normalizer.normalize, cut=clf.cut, aligned=clf.on_edges)
        return _faq


def reset() -> None:
    """Forget the loaded FAQ (after ``init_nlp`` rebuilt the classifier)."""
    global _faq
    with _lock:
        _faq = None


def answer(text: str | None) -> FaqAnswer | None:
    """Answer a consultation from the knowledge base, or None for the front desk."""
    return get_faq().answer(text)


def match(text: str | None) -> tuple[FaqAnswer, float] | None:
    """The best FAQ entry and its score, or None below the threshold."""
    return get_faq().match(text)
