"""Turn one resident message into a decision the handlers can act on.

normalise (OpenCC, width, case) → tokenise (jieba/rjieba) → match keywords (token dict,
one phrase scan, one regex) → combos and context rules → intent, urgency, department.
All the knowledge is in ``rules.yaml``; this file only applies it, fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nlp.normalize import Normalizer
from nlp.rules import INTENTS, Compiled, Hit, compile_rules, load
from nlp.tokenizer import USERDICT, Tokenizer, make_tokenizer

JSON_KEYS = (
    "text",
    "intent",
    "confidence",
    "urgent",
    "agitated",
    "department",
    "complaint_class",
    "keywords",
    "candidates",
)
_N = len(INTENTS)
_NONE = INTENTS.index("none")
_COMPLAINT = INTENTS.index("complaint")
# On equal scores the more serious reading wins (the labelling guide's order).
_PRIORITY = {
    INTENTS.index(i): p
    for p, i in enumerate(("complaint", "repair", "cleaning", "consultation", "none"))
}
_WORDY = re.compile(r"[\u3400-\u9fff]|[a-z]+")  # CJK characters and latin words
_BY_PRIORITY = sorted(range(_N), key=_PRIORITY.__getitem__)
_CLASS_ORDER = ("incident", "attitude", "quality", "equipment")


@dataclass(frozen=True, slots=True)
class Classification:
    """What the handlers act on; ``keywords`` shows staff why."""

    text: str
    normalized: str
    script: str
    intent: str
    confidence: float
    urgent: bool = False
    hazard: str | None = None
    agitated: bool = False
    department: str | None = None
    complaint_class: str | None = None
    keywords: list[str] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)

    @property
    def uncertain(self) -> bool:
        """True when the resident should be asked (buttons with ``candidates``)."""
        return bool(self.candidates)

    def to_json(self) -> dict[str, Any]:
        """Exactly the keys the CLI prints."""
        return {
            "text": self.text,
            "intent": self.intent,
            "confidence": self.confidence,
            "urgent": self.urgent,
            "agitated": self.agitated,
            "department": self.department,
            "complaint_class": self.complaint_class,
            "keywords": list(self.keywords),
            "candidates": list(self.candidates),
        }


def _merge(a: Hit, b: Hit) -> Hit:
    if a.mask & b.mask == b.mask and a.scores == b.scores:
        return a
    scores = dict(a.scores)
    for i, w in b.scores:
        scores[i] = scores.get(i, 0.0) + w
    return Hit(a.keyword, tuple(scores.items()), a.mask | b.mask)


class Classifier:
    """Holds the tokenizer, the normaliser and the compiled rules; thread-safe to share."""

    def __init__(
        self,
        extra_rules: str | Path | None = None,
        tokenizer: Tokenizer | str = "auto",
        userdicts: tuple[Path, ...] = (USERDICT,),
    ) -> None:
        data, sources = load(extra_rules)
        self.rules: Compiled = compile_rules(data, sources)
        self.normalizer = Normalizer()
        if isinstance(tokenizer, str):
            norm = self.normalizer.normalize
            tokenizer = make_tokenizer(tokenizer, userdicts, normalize=lambda s: norm(s)[0])
        self.tokenizer = tokenizer
        r = self.rules
        self._cut = tokenizer.cut
        self._norm = self.normalizer.normalize
        self._words = r.words
        # Phrases of two or more characters are indexed by their first two characters,
        # single characters on their own: one slice and one or two dict lookups per position.
        self._long: dict[str, tuple[tuple[str, Hit], ...]] = {}
        self._single: dict[str, Hit] = {}
        for items in r.phrases.values():
            for p, h in items:
                if len(p) == 1:
                    self._single[p] = h
                else:
                    self._long.setdefault(p[:2], ())
                    self._long[p[:2]] += ((p, h),)
        self._long = {k: tuple(sorted(v, key=lambda x: -len(x[0]))) for k, v in self._long.items()}
        self._pattern = r.pattern
        self._pattern_hits = r.pattern_hits
        self._combos = r.combos
        self._rules = r.rules
        self._hazards = r.hazard_groups
        self._hazard_any = 0
        for bit, _, _ in r.hazard_groups:
            self._hazard_any |= bit
        self._rules_any = 0
        for rule in r.rules:
            self._rules_any |= rule.when
        s = r.settings
        self._ask_below = s["ask_below"]
        self._tie_ratio = s["tie_ratio"]
        self._saturation = s["saturation"]
        self._cand_ratio = s["candidate_ratio"]
        self._max_cands = int(s["max_candidates"])
        self._hazard_conf = s["hazard_confidence"]
        self._unknown_min = s["unknown_min_chars"]
        self._unknown_conf = s["unknown_confidence"]

    # -- matching ---------------------------------------------------------------------
    def match(self, norm: str, tokens: list[str]) -> dict[str, Hit]:
        """Distinct matched keywords (each counts once however often it appears)."""
        seen: dict[str, Hit] = {}
        words = self._words
        for t in tokens:
            h = words.get(t)
            if h is not None:
                seen[t] = h
        n_words = len(seen)
        long_get = self._long.get
        single_get = self._single.get
        starts = norm.startswith
        end = 0
        for i, ch in enumerate(norm):
            if i < end:
                continue
            found = hit = None
            cands = long_get(norm[i : i + 2])
            if cands is not None:
                for p, h in cands:
                    if starts(p, i):
                        found, hit = p, h
                        break
            if found is None:
                hit = single_get(ch)
                if hit is None:
                    continue
                found = ch
            if n_words and found in seen and seen[found] is not hit:
                hit = _merge(seen[found], hit)  # same string as a token word: add both
            seen[found] = hit
            end = i + len(found)
        if self._pattern is not None:
            for m in self._pattern.finditer(norm):
                text = m.group()
                if text not in seen:
                    seen[text] = self._pattern_hit(norm, m.start(), m.end())
        return seen

    def _pattern_hit(self, norm: str, start: int, end: int) -> Hit:
        """The family whose pattern matched here: the first one that matches this span
        in place (lookarounds see the same context as in the combined scan)."""
        for rx, hit in self._pattern_hits:
            m = rx.match(norm, start)
            if m is not None and m.end() == end:
                return hit
        for rx, hit in self._pattern_hits:  # a shorter or longer reading of the same spot
            if rx.match(norm, start) is not None:
                return hit
        raise AssertionError("combined pattern matched but no family does")

    # -- the decision -----------------------------------------------------------------
    def classify(self, text: str | None) -> Classification:
        """Classify one message; never raises on odd input (None, empty, emoji only)."""
        text = "" if text is None else str(text)
        norm, script = self._norm(text)
        if not norm:
            return Classification(text, norm, script, "none", 1.0)
        seen = self.match(norm, self._cut(norm))
        scores = [0.0] * _N
        mask = 0
        for h in seen.values():
            mask |= h.mask
            for i, w in h.scores:
                scores[i] += w
        for req, h in self._combos:
            if mask & req == req:
                mask |= h.mask
                for i, w in h.scores:
                    scores[i] += w
        for r in self._rules if mask & self._rules_any else ():
            if mask & r.when and not mask & r.unless:
                for i, f in r.scale:
                    scores[i] *= f
                if r.move_to is not None:
                    for i in r.move_from:
                        moved = scores[i] * (1.0 - r.keep)
                        if moved > 0:
                            scores[i] -= moved
                            scores[r.move_to] += moved
                for i, w in r.add:
                    scores[i] += w
        hazard = None
        if mask & self._hazard_any:
            for bit, hz, unless in self._hazards:
                if mask & bit and not mask & unless:
                    hazard = hz
                    break
        return self._decide(text, norm, script, scores, mask, hazard, list(seen))

    def _decide(self, text, norm, script, scores, mask, hazard, keywords) -> Classification:
        r = self.rules
        order = sorted(
            _BY_PRIORITY, key=scores.__getitem__, reverse=True
        )  # stable: ties keep priority
        best = order[0]
        top = scores[best]
        candidates: list[str] = []
        if top <= 0:
            if hazard:
                intent = r.hazard_info[hazard]["intent"]
                confidence = self._hazard_conf
            elif len(_WORDY.findall(norm)) >= self._unknown_min:
                # Nothing matched in a real sentence: guess, say so, and ask.
                intent = r.unknown_intent
                confidence = self._unknown_conf
                candidates = list(r.unknown_candidates)
            else:
                intent = "none"
                confidence = 0.5 if keywords else 0.6
        else:
            intent = INTENTS[best]
            total = sum(x for x in scores if x > 0)
            # "none" needs no strength of evidence: a lone "你好" is plainly chit-chat.
            strength = 1.0 if best == _NONE else min(1.0, (top / self._saturation) ** 0.5)
            confidence = round(top / total * strength, 3)
            second = scores[order[1]]
            if hazard:
                confidence = max(confidence, self._hazard_conf)
            elif confidence < self._ask_below or second >= self._tie_ratio * top:
                floor = self._cand_ratio * top
                candidates = [INTENTS[i] for i in order if scores[i] > 0 and scores[i] >= floor]
                candidates = candidates[: self._max_cands]
        agitated = bool(mask & r.agitated_mask)
        complaint_class = None
        if intent == "complaint":
            complaint_class = self._complaint_class(mask, hazard)
        department = self._department(intent, mask, hazard)
        return Classification(
            text=text,
            normalized=norm,
            script=script,
            intent=intent,
            confidence=confidence,
            urgent=hazard is not None,
            hazard=hazard,
            agitated=agitated,
            department=department,
            complaint_class=complaint_class,
            keywords=keywords,
            candidates=candidates,
        )

    def _complaint_class(self, mask: int, hazard: str | None) -> str:
        if hazard:
            return "incident"
        votes: dict[str, float] = {}
        for bit, cls, weight in self.rules.class_groups:
            if mask & bit:
                votes[cls] = votes.get(cls, 0.0) + weight
        if not votes:
            return "quality"
        return max(_CLASS_ORDER, key=lambda c: (votes.get(c, 0.0), -_CLASS_ORDER.index(c)))

    def _department(self, intent: str, mask: int, hazard: str | None) -> str | None:
        r = self.rules
        if intent == "none" and not hazard:
            return None
        if hazard and intent != "repair":
            return r.hazard_info[hazard]["department"]
        idx = INTENTS.index(intent)
        for bit, dept, intents in r.dept_groups:
            if mask & bit and idx in intents:
                return dept
        return r.departments[intent]
