"""FAQ answers for consultations, from ``faq.yaml`` (answers written in Simplified Chinese).

Matched on the normalised text with the same phrase scan as the classifier, so Traditional
and full-width questions find the same answer. An entry answers only if one of its topics
matched (hints alone never answer). No match → ``None``: the front desk answers.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

import yaml

from nlp.normalize import EN, Normalizer, to_script

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

    def in_script(self, script: str) -> str:
        """Traditional is converted from the Simplified answer; English residents get the
        English answer where the FAQ has one (else the Chinese)."""
        if script == EN:
            return self.answer_en or self.answer
        return to_script(self.answer, script)


class Faq:
    """Precompiled entries: first character → [(phrase, [(entry, weight)])], longest first."""

    def __init__(self, path: str | Path = FAQ_FILE, normalize=None, cut=None):
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
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
            self.entries.append(FaqAnswer(str(e["id"]), str(e["question"]), answer, english))
            for kind, w in (("topics", TOPIC_WEIGHT), ("hints", HINT_WEIGHT)):
                for kw in e.get(kind) or []:
                    slot = table.setdefault(str(kw).lower(), {})
                    slot[i] = max(slot.get(i, 0.0), w)
        by_first: dict[str, list] = {}
        for kw, weights in table.items():
            by_first.setdefault(kw[0], []).append((kw, tuple(weights.items())))
        self._index = {c: sorted(v, key=lambda x: -len(x[0])) for c, v in by_first.items()}
        self._normalize = normalize

    def scores(self, norm: str) -> dict[int, float]:
        """Entry → score for normalised text (each phrase counts once; topical entries only)."""
        seen: dict[str, tuple] = {}
        end = 0
        for i, ch in enumerate(norm):
            if i < end:
                continue
            cands = self._index.get(ch)
            if cands:
                for kw, weights in cands:
                    if norm.startswith(kw, i):
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

    def answer(self, text: str) -> FaqAnswer | None:
        """The best entry scoring at least ``min_score``, or None (front desk)."""
        if not text:
            return None
        norm = self._normalize(text)[0] if self._normalize else text.lower()
        totals = self.scores(norm)
        if not totals:
            return None
        best = max(totals, key=lambda i: (totals[i], -i))
        return self.entries[best] if totals[best] >= self.min_score else None


_lock = threading.Lock()
_faq: Faq | None = None


def get_faq() -> Faq:
    """The shipped FAQ: the one ``init_nlp`` installed (sharing the classifier's
    normaliser), else one with a normaliser of its own."""
    global _faq
    with _lock:
        if _faq is None:
            _faq = Faq(normalize=Normalizer().normalize)
        return _faq


def install(normalize) -> None:
    """Build the shipped FAQ on this normaliser (``init_nlp``: the classifier's)."""
    global _faq
    faq = Faq(normalize=normalize)
    with _lock:
        _faq = faq


def answer(text: str) -> FaqAnswer | None:
    """Answer a consultation from the knowledge base, or None for the front desk."""
    return get_faq().answer(text)
