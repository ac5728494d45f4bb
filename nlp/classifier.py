"""Turn one resident message into a decision the handlers can act on.

normalise (OpenCC, width, case) → mask personal data → tokenise (jieba/rjieba) → match
keywords on token edges (token dict, one phrase scan, one regex) → scope (negation,
hypothesis, past, habit, now) → combos and context rules → intent, urgency, department,
plus what the application needs around it: in or out of domain, further requests,
progress questions and acknowledgements. All the knowledge is in ``rules.yaml``; this file
only applies it, fast.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from itertools import accumulate
from pathlib import Path
from typing import Any

from nlp.normalize import Normalizer
from nlp.privacy import _QUICK as _MAY_HOLD_PERSONAL
from nlp.privacy import mask_personal
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
# Printed by ``classify --all`` and kept out of JSON_KEYS so the CLI's shape stays the same.
EXTRA_JSON_KEYS = ("in_domain", "reason", "also", "requests", "asks_progress", "is_ack")
_N = len(INTENTS)
_NONE = INTENTS.index("none")
_COMPLAINT = INTENTS.index("complaint")
_CONSULT = INTENTS.index("consultation")
# On equal scores the more serious reading wins (the labelling guide's order).
_PRIORITY = {
    INTENTS.index(i): p
    for p, i in enumerate(("complaint", "repair", "cleaning", "consultation", "none"))
}
_WORDY = re.compile(r"[\u3400-\u9fff]|[a-z]+")  # CJK characters and latin words
_BY_PRIORITY = sorted(range(_N), key=_PRIORITY.__getitem__)
_CLASS_ORDER = ("incident", "attitude", "quality", "equipment")
_REQUEST_KINDS = frozenset(INTENTS.index(i) for i in ("repair", "complaint", "cleaning"))
# Sentences end here; clauses also at commas, spaces and the lexicon's conjunctions.
_SENTENCE_END = frozenset("。!?！？\n;；…")
# (a full stop ends a clause: one inside a word or a number is a space by now)
_CLAUSE_MARKS = "。!?！？\n;；…,，、 :：~～()（）."
_CLAUSE_END = frozenset(_CLAUSE_MARKS)
# "困人的电梯", "停电烧坏的冰箱", "燃气泄漏那家": an event that names a thing or a matter
_NAMES_A_MATTER = re.compile(r"[^,.?!。，！？ ]{0,3}?[的那]")
# what follows a clause, up to the next mark that is not a space (the next clause, or the
# next few in Chinese written with spaces)
_NEXT_CLAUSE = re.compile(
    f"[{re.escape(_CLAUSE_MARKS)}]*[^{re.escape(_CLAUSE_MARKS.replace(' ', ''))}]*"
)
# scope of an event: imagined (hypothetical, or not said to be happening now in a letter),
# and recalled (past or habitual: an incident told, which the ``recalled`` group marks)
_UNREAL = 1
_RECALLED = 3
_PUNCT = frozenset("。!?！？\n;；…,，、 :：~～()（）\"'“”‘’「」『』【】[]-—·.*/#")


def _trigger(pattern: str) -> frozenset[str] | None:
    """Characters of which a match of ``pattern`` must contain one (the smallest such set
    among its mandatory top-level parts), or None when none can be told: a text with none
    of them is not searched at all."""
    import re._constants as c
    import re._parser as p

    digits = frozenset("0123456789０１２３４５６７８９")

    def first(items) -> set[str] | None:
        for op, av in items:
            if op is c.LITERAL:
                return {chr(av)}
            if op is c.IN:
                out: set[str] = set()
                for o, a in av:
                    if o is c.LITERAL:
                        out.add(chr(a))
                    elif o is c.RANGE and a[1] - a[0] <= 64:
                        out.update(chr(x) for x in range(a[0], a[1] + 1))
                    elif o is c.CATEGORY and a is c.CATEGORY_DIGIT:
                        out |= digits
                    else:
                        return None
                return out
            if op is c.BRANCH:
                out = set()
                for b in av[1]:
                    r = first(b)
                    if r is None:
                        return None
                    out |= r
                return out
            if op is c.SUBPATTERN:
                return first(av[-1])
            if op in (c.MAX_REPEAT, c.MIN_REPEAT):
                if av[0] < 1:
                    return None
                return first(av[2])
            if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
                continue
            return None
        return None

    try:
        items = list(p.parse(pattern))
    except Exception:  # pragma: no cover - compile_rules already checked the pattern
        return None
    best = None
    for item in items:
        op, av = item
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT) or (
            op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] < 1
        ):
            continue
        r = first([item])
        if r is not None and (best is None or len(r) < len(best)):
            best = r
    return frozenset(best) if best else None


def _reach(norm: str, a: int, b: int) -> int:
    """How far after an event a time still tells of it: 12 characters, or 40 where
    norm[a:b] is English (a letter is half a character)."""
    return 40 if _LATIN_LETTER.search(norm, a, b) else 12


def _gate(pattern: str, flags: int = 0) -> re.Pattern | None:
    """For a letter: a quick search for literal words of which every match of ``pattern``
    must contain one, taken from a mandatory part after its first ("没电|全黑|…" at the end
    of "(家里|整栋|…)[^,]{0,6}(没电|全黑|…)"). A pattern is tried at every position where
    its first part can start, which in a letter is almost everywhere; the gate finds in
    one fast scan that its rarer part is nowhere. None when no later part has such words."""
    import re._constants as c
    import re._parser as p

    if flags & re.IGNORECASE:
        return None

    def prefixes(items) -> set[str] | None:
        """Literal strings one of which every match of the sequence ``items`` starts with."""
        outs = {""}
        for op, av in items:
            if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
                continue
            if op is c.LITERAL:
                outs = {o + chr(av) for o in outs}
                continue
            if op is c.IN:
                chars: list[str] = []
                for o, a in av:
                    if o is c.LITERAL:
                        chars.append(chr(a))
                    elif o is c.RANGE and a[1] - a[0] <= 16:
                        chars.extend(chr(x) for x in range(a[0], a[1] + 1))
                    else:
                        chars = []
                        break
                if chars and len(outs) * len(chars) <= 64:
                    outs = {o + ch for o in outs for ch in chars}
            elif op is c.SUBPATTERN and not av[1] & re.IGNORECASE:
                sub = prefixes(av[-1])
                if sub is not None and len(outs) * len(sub) <= 64:
                    outs = {o + t for o in outs for t in sub}
            elif op is c.BRANCH:
                subs: set[str] = set()
                for b in av[1]:
                    r = prefixes(b)
                    if r is None:
                        subs = set()
                        break
                    subs |= r
                if subs and len(outs) * len(subs) <= 64:
                    outs = {o + t for o in outs for t in subs}
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
                sub = prefixes(av[2])
                if sub is not None and len(outs) * len(sub) <= 64:
                    outs = {o + t for o in outs for t in sub}
            break  # after anything but a literal, the words found so far are the prefix
        return None if "" in outs else outs

    try:
        items = list(p.parse(pattern, flags))
    except Exception:  # pragma: no cover - compile_rules already checked the pattern
        return None
    parts = [
        k
        for k, (op, av) in enumerate(items)
        if op not in (c.AT, c.ASSERT, c.ASSERT_NOT)
        and not (op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] < 1)
    ]
    if not parts:
        return None
    # the first part (with the letters that follow it) is what the pattern's own search
    # scans for: a gate comes from a part after it
    after = parts[0] + 1
    while after < len(items) and items[after][0] is c.LITERAL:
        after += 1
    best = None
    for k in (k for k in parts if k >= after):
        words = prefixes(items[k:])
        if words and (best is None or (min(map(len, words)), -len(words)) > best[0]):
            best = ((min(map(len, words)), -len(words)), words)
    if best is None:
        return None
    return re.compile("|".join(re.escape(w) for w in sorted(best[1], key=len, reverse=True)))


@dataclass(frozen=True, slots=True)
class Request:
    """One request found in a message: what, for whom, and the words that ask it."""

    intent: str
    department: str | None
    span: str


@dataclass(frozen=True, slots=True)
class Classification:
    """What the handlers act on; ``keywords`` shows staff why.

    Beyond the intent and urgency:

    - ``in_domain``: False when the message is neither a request nor a question about the
      property service (buying or renting a flat, schools, taxes, loans, chit-chat, spam):
      the intent is then "none" and ``reason`` says why, so that the application answers
      briefly instead of opening a ticket or asking which kind.
    - ``reason``: why the intent is "none" (``social``, ``resolved``, ``declined``,
      ``off_topic``, ``advert``, ``not_happening`` — an emergency imagined, past or
      habitual —, ``unknown``, ``empty``); None otherwise.
    - ``also``: intents of further requests for other departments in the same message
      ("楼道好脏而且灯也坏了" → repair, also ["cleaning"]); ``requests`` lists every request
      found, the main one first, with its department and the words that ask it.
    - ``asks_progress``: the message asks how an existing matter is going ("灯什么时候能
      修好？", "我报的修怎么还没人来").
    - ``is_ack``: nothing but greetings, thanks, "好的", emoji: an acknowledgement.
    """

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
    in_domain: bool = True
    reason: str | None = None
    also: list[str] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    asks_progress: bool = False
    is_ack: bool = False

    @property
    def uncertain(self) -> bool:
        """True when the resident should be asked (buttons with ``candidates``)."""
        return bool(self.candidates)

    def to_json(self, extra: bool = False) -> dict[str, Any]:
        """Exactly the keys the CLI prints (``extra``: the issue-16 fields too)."""
        out = {
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
        if extra:
            out.update(
                in_domain=self.in_domain,
                reason=self.reason,
                also=list(self.also),
                requests=[[r.intent, r.department, r.span] for r in self.requests],
                asks_progress=self.asks_progress,
                is_ack=self.is_ack,
            )
        return out


def _merge(a: Hit, b: Hit) -> Hit:
    if a.mask & b.mask == b.mask and a.scores == b.scores:
        return a
    scores = dict(a.scores)
    for i, w in b.scores:
        scores[i] = scores.get(i, 0.0) + w
    return Hit(a.keyword, tuple(scores.items()), a.mask | b.mask, a.parts + b.parts)


def _without(h: Hit, drop: int) -> Hit | None:
    """The hit less the groups in ``drop`` (None when nothing is left)."""
    if not h.mask & drop:
        return h
    parts = tuple((bit, sc) for bit, sc in h.parts if not bit & drop)
    if not parts:
        return None
    scores: dict[int, float] = {}
    mask = 0
    for bit, sc in parts:
        mask |= bit
        for i, w in sc:
            scores[i] = scores.get(i, 0.0) + w
    return Hit(h.keyword, tuple(scores.items()), mask, parts, h.free)


@dataclass(slots=True)
class _Span:
    start: int
    end: int
    hit: Hit
    sentence: int = 0
    clause: int = 0


@dataclass(slots=True)
class _Scored:
    scores: list[float]
    mask: int
    hazard: str | None
    dropped: int = 0  # groups a negation took away ("不需要保洁")
    imagined: bool = False  # an event was read as imagined, past or habitual


_LATIN_LETTER = re.compile(r"[a-z]")


def _between_words(before: str, after: str) -> bool:
    """Is a space between two English words (not between Chinese clauses, nor between two
    numbers)?"""
    b, a = before[-1], after[0]
    return (
        b.isascii()
        and a.isascii()
        and (b.isalnum() or b in "'%")
        and (a.isalnum() or a == "'")
        and not (before.isdigit() and after.isdigit())
    )


def _reading_length(norm: str) -> int:
    """A message's length in Chinese characters' worth: an English word of five letters
    says about what two or three characters say, so a 115-character English cry for help
    ("stuck in lift 2 at Tower 5 …") is short, and a 250-character account is a letter."""
    letters = len(_LATIN_LETTER.findall(norm)) if _LATIN_LETTER.search(norm) else 0
    return len(norm) - letters + letters // 2


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
        self.cut = tokenizer.cut  # the tokens rules see (the FAQ matches on the same)
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
        self._firsts = frozenset(k[0] for k in self._long) | frozenset(self._single)
        self._pattern = r.pattern
        self._pattern_hits = r.pattern_hits
        # each family on its own, searched only when the text holds a character it needs
        self._families = tuple((rx, hit, _trigger(rx.pattern)) for rx, hit in r.pattern_hits)
        # which families a character may trigger; families without a trigger always run
        self._family_index: dict[str, tuple[int, ...]] = {}
        for k, (_, _, trigger) in enumerate(self._families):
            for ch in trigger or ():
                self._family_index[ch] = (*self._family_index.get(ch, ()), k)
        self._family_always = tuple(k for k, f in enumerate(self._families) if f[2] is None)
        # letters skip the families of short_only groups (what-if questions, titles' asks)
        # and their gates (``_gate``) where a later part of the pattern is rarer than its start
        self._families_long = tuple(
            (rx, hit, trigger, _gate(rx.pattern, rx.flags))
            for rx, hit, trigger in self._families
            if not hit.mask & r.short_only_mask
        )
        self._combos = r.combos
        self._combo_memo: dict[int, tuple[int, tuple[tuple[int, float], ...]]] = {}
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
        self._long_chars = int(s.get("long_message_chars", 100))
        self._max_chars = int(s.get("max_message_chars", 3000))
        self._head_weight = s.get("head_weight", 2.0)
        self._request_min = s.get("request_min_score", 3.0)
        lex = r.lexicon
        self._known = frozenset(r.words) | frozenset(
            p for items in r.phrases.values() for p, _ in items
        )
        self._pre = frozenset("".join(lex.get("affix_before", ())))
        self._suf = frozenset("".join(lex.get("affix_after", ())))
        self._negators = frozenset(lex.get("negators", ()))
        self._bridges = frozenset(lex.get("negation_bridges", ()))
        self._conj = frozenset(lex.get("clause_conjunctions", ()))
        self._particles = frozenset(lex.get("clause_particles", ()))
        # the tokens that may cut a clause
        self._clause_tokens = self._conj | self._particles | _CLAUSE_END
        self._fillers = frozenset(lex.get("ack_fillers", ()))

        def rx(*names: str) -> re.Pattern[str] | None:
            words = sorted((w for n in names for w in lex.get(n, ())), key=len, reverse=True)
            return re.compile("|".join(words)) if words else None

        self._hypo = rx("hypothetical")
        self._past = rx("past")
        self._habit = rx("habitual")
        self._cond = rx("conditionals")
        self._worry = rx("worries")
        self._worry_ends = (  # a phrase that ends on a worry: its object comes next
            re.compile(f"(?:{self._worry.pattern})(?:的是|的就是)?[啊吧嘛呀啦]?[ ,，:：]*$")
            if self._worry is not None
            else None
        )
        self._realised = rx("realised", "realised_now")
        self._realised_now = rx("realised_now")
        self._now = rx("now")
        self._now_anywhere = rx("now_anywhere")
        self._told_as_past = rx("told_as_past")
        self._ongoing = rx("ongoing")
        self._current = rx("current")
        self._comparison = rx("comparison")
        self._another_time = rx("another_time")
        self._worse_now = rx("worse_now")
        self._back_to_now = rx("back_to_now")
        self._progress = rx("progress")
        self._additive = rx("additive")
        self._concessive = rx("concessive")
        self._resolved_bit = r.bits.get("resolved", 0)
        # titles of letters (see _title_shaped): the classifier sets the ``title`` group
        self._title_bit = r.bits.get("title", 0)
        # an estate's name (某某花园, XX苑) marks a letter's title too, but says nothing of when:
        # "某某花园9栋楼上水管爆裂" is news, "楼上住户高空抛物" a standing grievance
        estates, words = rx("title_estate_names"), rx("title_words")
        marks = [f"(?P<estate>{estates.pattern})"] if estates is not None else []
        marks += [words.pattern] if words is not None else []
        self._titles = re.compile("|".join(marks)) if self._title_bit and marks else None
        # a fault asked about as a possibility ("会不会漏水"): not happening
        self._possible = r.bits.get("possibility_question", 0)
        # an emergency told as past or as a habit ("上个月被困过", "电梯经常困人")
        self._recalled_bit = r.bits.get("recalled", 0)
        self._title_min = int(s.get("title_min_chars", 4))
        self._title_max = int(s.get("title_max_chars", 40))
        self._title_weak = frozenset(lex.get("title_weak_words", ()))
        chat = lex.get("chat_marks", ())
        self._chat = re.compile("|".join(chat)) if chat else None
        self._event = r.event_mask
        self._assertion = r.assertion_mask
        self._generic = r.generic_mask
        self._off = r.off_topic_mask
        self._social = r.social_mask
        self._advert = r.bits.get("advert", 0)
        # what shows that a message is about our service at all
        self._domain = 0
        for g in r.groups.values():
            if not (g.generic or g.off_topic or g.social):
                self._domain |= g.bit

    # -- matching ---------------------------------------------------------------------
    def _edges(self, norm: str, tokens: list[str]) -> tuple[list[int], set[int]] | None:
        """Token edges as a sorted list and a set (None if the tokens do not spell the
        text, which then is matched without token edges)."""
        bounds = [0, *accumulate(map(len, tokens))]
        return (bounds, set(bounds)) if bounds[-1] == len(norm) else None

    def _aligned(self, norm: str, i: int, j: int, edges) -> bool:
        """May a keyword match norm[i:j] here? Where it starts or ends inside a jieba
        token, the rest of that token must be function characters (好, 太, 了, 的 …: the
        lexicon's affixes) or a keyword itself: 脏 in 好脏, 不亮 in 灯不亮, 电梯 in 电梯门,
        又 in 又坏了 — but never 花 in 花园, 没电 in 没/电梯, 入室 in 进入/室内, 打交 in
        打/交房 or 营业 in 营业税, whose leftovers (园, 梯, 内, 房, 税) mean nothing to us."""
        bounds, edge = edges
        known = self._known
        if i not in edge:
            k = bisect_right(bounds, i) - 1
            s = bounds[k]
            rest = norm[s:i]
            if rest not in known:
                if not all(c in self._pre for c in rest):
                    return False
                if j > bounds[k + 1] and norm[s : bounds[k + 1]] in known:
                    return False  # a keyword token is not cut for its affixes
        if j not in edge:
            k = bisect_left(bounds, j)
            e = bounds[k]
            rest = norm[j:e]
            if rest not in known:
                if not all(c in self._suf for c in rest):
                    return False
                if i < bounds[k - 1] and norm[bounds[k - 1] : e] in known:
                    # 门卡 across 电梯门|卡住 leaves 住: the token 卡住 is a keyword itself
                    return False
        return True

    def on_edges(self, norm: str, i: int, j: int, tokens: list[str]) -> bool:
        """Whether norm[i:j] may match given these tokens (see ``_aligned``); the FAQ uses it."""
        edges = self._edges(norm, tokens)
        return edges is None or self._aligned(norm, i, j, edges)

    def spans(self, norm: str, tokens: list[str], long: bool = False) -> list[_Span]:
        """Every keyword match with its place: token words, then phrases (leftmost-longest,
        non-overlapping, on token edges unless written ``~``), then patterns (in a ``long``
        message, not those of ``short_only`` groups)."""
        out: list[_Span] = []
        edges = self._edges(norm, tokens)
        # (token starts; the list holds the end too, which zip leaves out)
        starts_t = edges[0] if edges is not None else [0, *accumulate(map(len, tokens))]
        token_words = [
            _Span(a, a + len(t), h)
            for a, t, h in zip(starts_t, tokens, map(self._words.get, tokens), strict=False)
            if h is not None
        ]
        edge = edges[1] if edges is not None else ()
        long_get = self._long.get
        single_get = self._single.get
        starts = norm.startswith
        aligned = self._aligned
        end = 0
        firsts = self._firsts
        for i, ch in enumerate(norm):
            if i < end or ch not in firsts:
                continue
            found = None
            cands = long_get(norm[i : i + 2])
            if cands is not None:
                for p, h in cands:
                    if starts(p, i) and (
                        h.free
                        or edges is None
                        or (i in edge and i + len(p) in edge)
                        or aligned(norm, i, i + len(p), edges)
                    ):
                        found, hit = p, h
                        break
            if found is None:
                hit = single_get(ch)
                if hit is None or not (
                    hit.free
                    or edges is None
                    or (i in edge and i + 1 in edge)
                    or aligned(norm, i, i + 1, edges)
                ):
                    continue
                found = ch
            end = i + len(found)
            out.append(_Span(i, end, hit))
        if long:
            chars = set(norm)
            families = [
                (rx, hit)
                for rx, hit, trigger, gate in self._families_long
                if (trigger is None or not trigger.isdisjoint(chars))
                and (gate is None or gate.search(norm) is not None)
            ]
        else:  # a short text: the families its characters can start, in file order
            index = self._family_index
            found = set(self._family_always)
            for ch in set(norm):
                got = index.get(ch)
                if got is not None:
                    found.update(got)
            fams = self._families
            families = [fams[k][:2] for k in sorted(found)]
        if families:
            for rx, hit in families:
                search = rx.search
                pos = 0
                while (m := search(norm, pos)) is not None:
                    a, b = m.span()
                    if a == b or (edges is not None and not aligned(norm, a, b, edges)):
                        pos = a + 1  # a reading across a word: try from the next character
                        continue
                    out.append(_Span(a, b, Hit(m.group(), hit.scores, hit.mask, hit.parts)))
                    pos = b
        if token_words:
            # A word inside a phrase of the same group is that phrase ("坏" in "坏了").
            if len(out) <= 16:
                for w in token_words:
                    m = w.hit.mask
                    if not any(
                        p.start <= w.start and w.end <= p.end and p.hit.mask & m for p in out
                    ):
                        out.append(w)
            else:
                cover = [0] * len(norm)
                for p in out:
                    m = p.hit.mask
                    for k in range(p.start, p.end):
                        cover[k] |= m
                for w in token_words:
                    m = w.hit.mask
                    for k in range(w.start, w.end):
                        if not cover[k] & m:
                            out.append(w)
                            break
        return out

    def match(self, norm: str, tokens: list[str]) -> dict[str, Hit]:
        """Distinct matched keywords (each counts once however often it appears)."""
        seen: dict[str, Hit] = {}
        for sp in self.spans(norm, tokens):
            h = sp.hit
            old = seen.get(h.keyword)
            seen[h.keyword] = h if old is None or old is h else _merge(old, h)
        return seen

    def _title_shaped(self, norm: str, spans: list[_Span]) -> int:
        """A title of a letter rather than chat: one short line about something of ours, in
        the written register (lexicon.title_words: 关于, 反映, 长期, 业主, 供暖 …) or naming an
        estate (lexicon.title_estate_names), naming a word of ours that is not also another
        trade's, and with none of chat's marks (lexicon.chat_marks: particles, question words,
        我/你, spaces and punctuation inside the line, rooms of a home, emoji).
        0: not a title; 1: a title only by an estate's name; 2: a title in the written register
        (whose events need a word saying now)."""
        if self._titles is None or not self._title_min <= len(norm) <= self._title_max:
            return 0
        if "\n" in norm or (self._chat is not None and self._chat.search(norm) is not None):
            return 0
        found = list(self._titles.finditer(norm))
        if not found:
            return 0
        marks = [m.group() for m in found]
        # a word that is also another trade's (税费, 降价) does not make a line ours; nor, in a
        # line whose only register word says whose (业主), a word that only says whose or where
        # (lexicon.title_weak_words: "业主诚心卖", "业主名下就一套房子" are an estate agent's)
        theirs = {sp.start for sp in spans if sp.hit.mask & self._off}
        weak = () if any(m not in self._title_weak for m in marks) else self._title_weak
        if not any(
            sp.hit.mask & self._domain and sp.start not in theirs and sp.hit.keyword not in weak
            for sp in spans
        ):
            return 0
        return 1 if all(m.lastgroup == "estate" for m in found) else 2

    # -- scope --------------------------------------------------------------------------
    def _structure(self, norm: str, tokens: list[str]):
        """Token starts, and the sentences and clauses as (start, end) lists."""
        bounds = [0, *accumulate(map(len, tokens))]
        sentences: list[tuple[int, int]] = []
        clauses: list[tuple[int, int]] = []
        s0 = c0 = 0
        last = len(tokens) - 1 if _LATIN_LETTER.search(norm) else 0  # (English: see below)
        marks = self._clause_tokens
        # only conjunctions and marks cut; the other tokens are skipped at C speed
        for i in [i for i, t in enumerate(tokens) if t in marks]:
            t = tokens[i]
            pos = bounds[i]
            end = bounds[i + 1]
            if t in self._conj and pos > c0:
                clauses.append((c0, pos))
                c0 = pos
            elif (
                t in self._particles
                and pos > c0
                and tokens[i - 1] not in self._negators  # "不是啊煤气味" is still denied
                and not self._reaches_on(norm, c0, pos, end)
            ):
                clauses.append((c0, end))  # a spoken phrase ends ("…漏了啊 那个阀门…")
                c0 = end
            if 0 < i < last and t == " " and _between_words(tokens[i - 1], tokens[i + 1]):
                pass  # a space inside English ("what should we do if …") ends nothing
            elif len(t) == 1 and t in _CLAUSE_END:
                if pos > c0:
                    clauses.append((c0, pos))
                c0 = end
                if t in _SENTENCE_END:
                    if pos > s0:
                        sentences.append((s0, pos))
                    s0 = end
        pos = bounds[-1]
        if pos > c0:
            clauses.append((c0, pos))
        if pos > s0:
            sentences.append((s0, pos))
        return bounds[:-1], sentences or [(0, pos)], clauses or [(0, pos)]

    def _reaches_on(self, norm: str, a: int, b: int, after: int) -> bool:
        """Does norm[a:b] hold a condition or a habit, which a spoken particle does not end
        ("如果水管爆了啊 家里淹了谁负责", "经常啊半夜停电")? A worry reaches on only to a phrase
        that tells nothing as done ("就担心吧 花盆掉下来砸到小孩"); to one that does, it is a
        fear about something real ("我好担心啊 我爸摔倒了起不来")."""
        if any(rx is not None and rx.search(norm, a, b) for rx in (self._cond, self._habit)):
            return True
        if self._worry is None or not self._worry.search(norm, a, b):
            return False
        while after < len(norm) and norm[after] == " ":
            after += 1
        end = next((i for i in range(after, len(norm)) if norm[i] in _CLAUSE_END), len(norm))
        return self._realised is None or not self._realised.search(norm, after, end)

    def _worried_about(self, norm: str, clause, sentence) -> bool:
        """Is this clause what the phrase before it worries about, told as not done ("就担心吧
        阳台那个花盆掉下来砸到小孩", "最怕的是 电梯困人")?"""
        if self._worry_ends is None or clause[0] == sentence[0]:
            return False
        if not self._worry_ends.search(norm, sentence[0], clause[0]):
            return False
        return self._realised is None or not self._realised.search(norm, clause[0], clause[1])

    def _worry_come_true(self, c: str, hypo: re.Match[str]) -> bool:
        """Is the hypothesis a worry whose object the clause tells as happening now ("我担心的是
        楼上那个水管已经爆了", "担心水管爆了现在水一直往我家灌"), not as what may come
        ("担心水管爆了")?"""
        return (
            self._worry is not None
            and self._realised_now is not None
            and self._worry.match(c, hypo.start()) is not None
            and self._realised_now.search(c, hypo.end()) is not None
        )

    def _negated(self, tokens: list[str], tstarts: list[int], start: int, c0: int) -> bool:
        """A negator (不是, 没有, 不需要 …) just before the keyword in its clause, with at
        most two light words between ("不是我家漏水", "不需要保洁")."""
        k = bisect_right(tstarts, start) - 1
        if tstarts[k] == start:
            k -= 1
        elif tokens[k][: start - tstarts[k]] in self._negators:
            return True  # "没电梯" style: the negator glued to the keyword's token
        else:
            k -= 1
        gap = 0
        while k >= 0 and tstarts[k] >= c0 and gap <= 2:
            t = tokens[k]
            if t in self._negators:
                return True
            if t not in self._bridges:
                return False
            gap += 1
            k -= 1
        return False

    def _scope(
        self,
        norm: str,
        tokens: list[str],
        spans: list[_Span],
        long: bool,
        titled: bool = False,
        story: bool = False,
    ):
        """Drop what a keyword does not mean here: a negated assertion ("我不是投诉"), an
        event that is imagined, past or habitual ("一旦发生火灾", "去年被淹", "经常困人"),
        or, in a long message or a title ("楼上住户高空抛物"), an event whose sentence does
        not say it is happening now."""
        needs_now = long or titled
        if not long and self._negators.isdisjoint(tokens):
            special = self._event | self._resolved_bit
            if not any(sp.hit.mask & special for sp in spans):
                return spans, None, None, 0, 0, 0  # nothing here can be out of scope
        tstarts, sentences, clauses = self._structure(norm, tokens)
        starts_s = [a for a, _ in sentences]
        starts_c = [a for a, _ in clauses]
        flags: dict[int, int] = {}
        now: dict[int, bool] = {}
        past_in: dict[tuple[int, int], bool] = {}  # sentences that tell of the past
        worse_now = self._worse_now is not None and self._worse_now.search(norm) is not None
        dropped = 0
        imagined = 0
        recalled = 0  # event groups of something told as past or as a habit
        out = []
        in_scope = self._assertion | self._resolved_bit | self._event
        # a long message with no title line is a story told in chat: saying plainly anywhere
        # that it is happening now is enough
        said_now = (
            story and self._now_anywhere is not None and self._now_anywhere.search(norm) is not None
        )
        for sp in spans:
            si = bisect_right(starts_s, sp.start) - 1
            ci = bisect_right(starts_c, sp.start) - 1
            sp.sentence = si = si if si > 0 else 0
            sp.clause = ci = ci if ci > 0 else 0
            h = sp.hit
            if not h.mask & in_scope:  # most keywords: nothing below can drop them
                out.append(sp)
                continue
            if h.mask & self._assertion and self._negated(
                tokens, tstarts, sp.start, clauses[ci][0]
            ):
                dropped |= h.mask & self._assertion
                h = _without(h, self._assertion)
            if (
                h is not None
                and h.mask & self._resolved_bit
                and self._concessive is not None
                and self._concessive.search(norm, clauses[ci][0], clauses[ci][1]) is not None
            ):
                h = _without(h, self._resolved_bit)
            if h is not None and h.mask & self._event:
                unreal = flags.get(ci)
                if unreal is None:
                    unreal = flags[ci] = self._unreal_clause(
                        norm, clauses[ci], sentences[si], past_in, worse_now
                    )
                ce = bisect_right(starts_c, sp.end - 1) - 1
                if ce > ci:
                    # a pattern across clauses ("楼道堆满杂物 真着火了谁都跑不出去"): the event is
                    # told where it ends; a hypothesis where it starts still counts
                    told = flags.get(ce)
                    if told is None:
                        se = max(0, bisect_right(starts_s, sp.end - 1) - 1)
                        told = flags[ce] = self._unreal_clause(
                            norm, clauses[ce], sentences[se], past_in, worse_now
                        )
                    unreal = told or (unreal if unreal == _UNREAL else 0)
                if unreal == _RECALLED and self._told_long_after(
                    norm, clauses[ci], sentences[si], sp
                ):
                    unreal = 0  # "…打起来了…倒在地上了…我之前就投诉过…": the past is another matter
                if (
                    not unreal
                    and self._told_as_past is not None
                    and self._told_as_past.search(norm, sp.end, sentences[si][1]) is not None
                ):
                    unreal = _RECALLED  # "电梯突然往下掉了…这个是上个礼拜三的事情"
                if (
                    not unreal
                    and norm.startswith("过", sp.end)
                    and not norm.startswith(("过来", "过去"), sp.end)
                ):
                    unreal = _RECALLED  # "摔倒过": it happened once, before
                if not unreal and self._names_past_matter(norm, clauses[ci], sentences[si], sp):
                    unreal = _RECALLED  # "上次困人的那台电梯现在修好了吗"
                if not unreal and needs_now and self._now is not None:
                    if si not in now:
                        a, b = sentences[si]
                        now[si] = self._now.search(norm, a, b) is not None or said_now
                    unreal = 0 if now[si] else _UNREAL
                if unreal:
                    imagined |= unreal
                    if unreal == _RECALLED:
                        recalled |= h.mask & self._event
                    h = _without(h, self._event)
            if h is not None:
                sp.hit = h
                out.append(sp)
        return out, sentences, clauses, dropped, imagined, recalled

    def _unreal_clause(
        self, norm: str, clause, sentence, past_in: dict, worse_now: bool = False
    ) -> int:
        """Is an event in this clause imagined (``_UNREAL``), or past or a habit
        (``_UNREAL | _RECALLED``), or not (0)? A clause with a hypothesis is; a habit or a
        time in the past is, unless a word saying now follows it ("前两天刚换的燃气管现在又
        漏气了", "the lift always breaks down and today my dad is stuck"). A time in the past
        ("上个月", "去年", "琴日") covers the rest of its sentence ("上个月我们5栋，电梯困了人")
        until a clause comes back to now ("上周报的没修 今天更离谱 电梯关着人"), unless the
        clause itself says the matter began then and goes on ("昨晚开始停电"). A past time
        only compared with ("比上午那次大多了") tells no time, nor one of an event that is
        worse now, said in its clause or the next ("昨天报的煤气味 现在更大了"). An event
        told before any time is covered by a past time later in the sentence ("高空扔东西太
        没素质 昨天又发现一个酒瓶"), unless that tells of another time ("上周也困过一次")."""
        c = norm[clause[0] : clause[1]]
        hypo = self._hypo.search(c) if self._hypo is not None else None
        if hypo is not None and not self._worry_come_true(c, hypo):
            return _UNREAL
        if self._worried_about(norm, clause, sentence):
            return _UNREAL
        habit = self._last_habit(c)
        if habit is not None and not self._back_after(c, habit):
            return _RECALLED
        past = self._past
        if past is None:
            return 0
        if worse_now:  # (``worse_now``: the message says somewhere that it is worse now)
            after = _NEXT_CLAUSE.match(norm, clause[1], sentence[1])
            end = after.end() if after else clause[1]
            if self._worse_now.search(norm, clause[0], end) is not None:
                return 0  # "I reported the gas smell yesterday, it is much stronger now"
        own = self._past_in(c, last=True)
        if own is not None:
            ongoing = self._ongoing is not None and self._ongoing.search(c) is not None
            return 0 if ongoing or self._back_after(c, own) else _RECALLED
        if clause == sentence:
            return 0
        told = past_in.get(sentence)
        if told is None:
            told = past_in[sentence] = self._past_in(norm[sentence[0] : sentence[1]]) is not None
        if not told:
            return 0
        current = self._current
        if current is not None and current.search(c):
            return 0
        before = norm[sentence[0] : clause[0]]
        last_past = self._past_in(before, last=True)
        if last_past is None:  # the past time comes later in the sentence, and covers it,
            # unless it tells of another time ("电梯困人了 上周也困过一次"), or is not in what
            # follows the clause right away: an unpunctuated story is one long sentence
            # ("…两个男的打起来了…倒在地上了…我之前就投诉过…")
            other = self._another_time
            after = _NEXT_CLAUSE.match(norm, clause[1], sentence[1])
            end = after.end() if after else sentence[1]
            later = norm[clause[1] : min(end, clause[1] + _reach(norm, clause[1], end))]
            if self._past_in(later) is None:
                return 0
            return 0 if other is not None and other.search(later) else _RECALLED
        return 0 if self._back_after(before, last_past) else _RECALLED

    def _told_long_after(self, norm: str, clause, sentence, sp: _Span) -> bool:
        """In one long unpunctuated clause, are the past times and habits all well after the
        event (more than 12 characters, 40 in English), with none earlier in the sentence? Then
        they tell of something else ("两个人打起来了…已经倒在地上了我之前就投诉过他们")."""
        a, b = clause
        if b - a < 30 or self._past_in(norm[sentence[0] : sp.start]) is not None:
            return False
        if self._habit is not None and self._habit.search(norm, sentence[0], sp.start):
            return False
        reach = _reach(norm, sp.start, sp.end)
        rest = norm[sp.end : sentence[1]]
        first = self._past_in(rest)
        habit = self._habit.search(rest) if self._habit is not None else None
        marks = [x for x in (first, habit.start() if habit else None) if x is not None]
        return bool(marks) and min(marks) > reach

    def _names_past_matter(self, norm: str, clause, sentence, sp: _Span) -> bool:
        """An event that names a past matter ("上次困人的那台电梯", "昨天停电的事") before the
        word saying now in its clause: the now is the question's, not the event's. Or one
        that names a matter told earlier in its sentence, when its own clause does not say
        now ("上周六有人打架…今天想问 打架的那两个人是谁", but not "另外我现在闻到…的味道")."""
        if self._back_to_now is None or _NAMES_A_MATTER.match(norm, sp.end) is None:
            return False
        if self._past_in(norm[sentence[0] : sp.start]) is not None and not self._back_to_now.search(
            norm, clause[0], sp.start
        ):
            return True
        c = norm[clause[0] : clause[1]]
        own = self._past_in(c, last=True)
        if own is None:
            own = self._last_habit(c)
        if own is None:
            return False
        back = self._back_to_now.search(c, own + 1)
        return back is not None and sp.start < clause[0] + back.start()

    def _last_habit(self, text: str) -> int | None:
        """Where the last word of a habit (经常, 老是, always …) is in ``text``, or None."""
        if self._habit is None:
            return None
        found = None
        for m in self._habit.finditer(text):
            found = m.start()
        return found

    def _back_after(self, text: str, at: int) -> bool:
        """Does a word saying now (lexicon.back_to_now: 现在, 今天, still…) come after
        position ``at`` of ``text``?"""
        back = self._back_to_now
        return back is not None and back.search(text, at + 1) is not None

    def _past_in(self, text: str, last: bool = False) -> int | None:
        """Where a past time is in ``text`` (the first, or the ``last``), leaving out those
        only compared with ("比上次还大"); None when there is none."""
        found = None
        compared = (
            [m.span() for m in self._comparison.finditer(text)]
            if self._comparison is not None and ("比" in text or "like" in text or "same" in text)
            else ()
        )
        for m in self._past.finditer(text):
            if any(a <= m.start() < b for a, b in compared):
                continue
            if not last:
                return m.start()
            found = m.start()
        return found

    def _was_emergency(self, spans: list[_Span], recalled: int) -> bool:
        """Would the events told as past or as a habit make an emergency if they were
        happening now ("上个月被困在电梯里": trapped + lift)? Then ``recalled`` is set."""
        mask = recalled
        for sp in spans:
            mask |= sp.hit.mask
        mask = self._combos_of(mask, [0.0] * _N)
        return any(mask & bit and not mask & unless for bit, _, unless in self._hazards)

    # -- scoring ------------------------------------------------------------------------
    def _score(self, hits, context: int = 0) -> _Scored:
        """Scores, group mask and hazard of distinct hits, after combos and rules;
        ``context`` holds bits the classifier sets itself (``title``)."""
        scores = [0.0] * _N
        mask = context
        for h in hits:
            mask |= h.mask
            for i, w in h.scores:
                scores[i] += w
        mask = self._apply(scores, mask)
        return self._finish(scores, mask)

    def _combos_of(self, mask: int, scores: list[float]) -> int:
        """Fire the combos whose groups are all in ``mask``; what a mask fires is
        remembered (masks repeat from message to message and from sentence to sentence)."""
        memo = self._combo_memo
        got = memo.get(mask)
        if got is None:
            out = mask
            adds: list[tuple[int, float]] = []
            for req, h in self._combos:
                if out & req == req:
                    out |= h.mask
                    adds.extend(h.scores)
            got = (out, tuple(adds))
            if len(memo) >= 8192:
                memo.clear()
            memo[mask] = got
        for i, w in got[1]:
            scores[i] += w
        return got[0]

    def _apply(self, scores: list[float], mask: int) -> int:
        mask = self._combos_of(mask, scores)
        self._rules_on(scores, mask)
        return mask

    def _rules_on(self, scores: list[float], mask: int) -> None:
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

    def _finish(self, scores: list[float], mask: int) -> _Scored:
        hazard = None
        if mask & self._hazard_any:
            for bit, hz, unless in self._hazards:
                if mask & bit and not mask & unless:
                    hazard = hz
                    break
        return _Scored(scores, mask, hazard)

    @staticmethod
    def _distinct(spans) -> dict[str, Hit]:
        seen: dict[str, Hit] = {}
        for sp in spans:
            h = sp.hit
            old = seen.get(h.keyword)
            seen[h.keyword] = h if old is None or old is h else _merge(old, h)
        return seen

    def _score_long(self, spans: list[_Span], sentences, context: int = 0) -> _Scored:
        """A long message (a letter): its head (title or first sentence) and the rest are
        matched apart and added, the head counting ``head_weight`` times; combos need their
        groups in one sentence; "resolved" counts only in the last sentence."""
        last = len(sentences) - 1
        by_sentence: dict[int, list[_Span]] = {}
        for sp in spans:
            if sp.hit.mask & self._resolved_bit and sp.sentence != last:
                h = _without(sp.hit, self._resolved_bit)
                if h is None:
                    continue
                sp.hit = h
            by_sentence.setdefault(sp.sentence, []).append(sp)
        scores = [0.0] * _N
        mask = context
        head = by_sentence.pop(0, [])
        rest = [sp for k in sorted(by_sentence) for sp in by_sentence[k]]
        for part, weight in ((head, self._head_weight), (rest, 1.0)):
            for h in self._distinct(part).values():
                mask |= h.mask
                for i, w in h.scores:
                    scores[i] += w * weight
        for k in [0, *sorted(by_sentence)]:
            m = 0
            for sp in head if k == 0 else by_sentence[k]:
                m |= sp.hit.mask
            mask |= self._combos_of(m, scores)
        self._rules_on(scores, mask)
        return self._finish(scores, mask)

    # -- the decision -----------------------------------------------------------------
    def classify(self, text: str | None) -> Classification:
        """Classify one message; never raises on odd input (None, empty, emoji only)."""
        text = "" if text is None else str(text)
        # only the head is read (a million characters cost what a few pages cost);
        # normalising drops spaces and emoji, so the head is taken with room to spare
        norm, script = self._norm(text[: self._max_chars * 4])
        if not norm:
            return Classification(text, norm, script, "none", 1.0, reason="empty")
        if _MAY_HOLD_PERSONAL.search(norm) is not None:
            norm = mask_personal(norm)
        full = norm
        if len(norm) > self._max_chars:  # the gist of a letter is in its first pages
            norm = norm[: self._max_chars]
        tokens = self._cut(norm)
        size = _reading_length(norm)
        long = size >= self._long_chars or ("\n" in text and size >= 50)
        spans = self.spans(norm, tokens, long)
        titled = 0 if long else self._title_shaped(norm, spans)
        spans, sentences, clauses, dropped, imagined, recalled = self._scope(
            norm, tokens, spans, long, titled == 2, story=long and "\n" not in text
        )
        context = self._title_bit if titled else 0
        if recalled and self._recalled_bit and self._was_emergency(spans, recalled):
            context |= self._recalled_bit
        if long and sentences is not None and len(sentences) > 1:
            sc = self._score_long(spans, sentences, context)
        else:
            distinct = self._distinct(spans).values()
            sc = self._score(distinct, context)
            if titled and sc.hazard:
                # a title that tells an emergency happening now is news ("XX华庭地下车库正在大量
                # 进水", "紧急求助：3栋楼道燃气正在泄漏"), not the title of a standing grievance
                sc = self._score(distinct, context & ~self._title_bit)
        sc.dropped = dropped
        sc.imagined = bool(imagined)
        keywords = list(
            dict.fromkeys(sp.hit.keyword for sp in sorted(spans, key=lambda x: x.start))
        )
        c = self._decide(text, norm, script, sc, keywords, tokens, spans, clauses, long)
        return c if full is norm else replace(c, normalized=full)

    def _decide(self, text, norm, script, sc, keywords, tokens, spans, clauses, long=False):
        r = self.rules
        scores, mask, hazard = sc.scores, sc.mask, sc.hazard
        order = sorted(_BY_PRIORITY, key=scores.__getitem__, reverse=True)
        best = order[0]
        top = scores[best]
        candidates: list[str] = []
        reason = None
        in_domain = True
        domain = mask & self._domain
        if top <= 0:
            if hazard:
                intent = r.hazard_info[hazard]["intent"]
                confidence = self._hazard_conf
            elif sc.imagined or mask & self._possible:
                # "顶楼冬天冷不冷": a state asked about as a possibility, not a problem
                intent, confidence, reason = "none", 0.6, "not_happening"
            elif sc.dropped:  # "别派保洁来了": the only request was taken back
                intent, confidence, reason = "none", 0.6, "declined"
            elif domain and len(_WORDY.findall(norm)) >= self._unknown_min:
                # Words of ours but no rule: a problem we lack words for. Guess and ask.
                intent = r.unknown_intent
                confidence = self._unknown_conf
                candidates = list(r.unknown_candidates)
            else:
                intent = "none"
                confidence = 0.5 if keywords else 0.6
                if sc.imagined:
                    reason = "not_happening"
                elif mask & self._off or (
                    not domain and len(_WORDY.findall(norm)) >= self._unknown_min
                ):
                    in_domain, reason = False, "off_topic"
                elif sc.dropped:
                    reason = "declined"
                else:
                    reason = "unknown"
        else:
            intent = INTENTS[best]
            total = sum(x for x in scores if x > 0)
            # "none" needs no strength of evidence: a lone "你好" is plainly chit-chat.
            strength = 1.0 if best == _NONE else min(1.0, (top / self._saturation) ** 0.5)
            confidence = round(top / total * strength, 3)
            second = scores[order[1]]
            if hazard:
                confidence = max(confidence, self._hazard_conf)
                if best == _NONE:  # an emergency wrapped in greetings and thanks
                    intent = r.hazard_info[hazard]["intent"]
            elif not domain and best != _NONE:
                # Only question words, and no topic of ours ("对口哪个小学"): not for us.
                intent, confidence = "none", 0.6
                in_domain, reason = False, "off_topic"
            elif confidence < self._ask_below or second >= self._tie_ratio * top:
                floor = self._cand_ratio * top
                candidates = [INTENTS[i] for i in order if scores[i] > 0 and scores[i] >= floor]
                candidates = candidates[: self._max_cands]
                if intent == "none" or (mask & self._off and "none" in candidates):
                    candidates = []
        if intent == "none" and reason is None:
            if mask & self._advert:
                in_domain, reason = False, "advert"
            elif mask & self._off:
                in_domain, reason = False, "off_topic"
            elif self._resolved_bit and mask & self._resolved_bit:
                reason = "resolved"
            elif sc.dropped:
                reason = "declined"
            elif mask & self._social:
                reason = "social"
            elif sc.imagined or mask & self._possible:
                reason = "not_happening"
            else:
                reason = "unknown"
        if hazard:
            in_domain, reason = True, None
        agitated = bool(mask & r.agitated_mask)
        complaint_class = None
        if intent == "complaint":
            complaint_class = self._complaint_class(mask, hazard)
        department = self._department(intent, mask, hazard)
        if long:  # a letter is one matter for one desk: no second request is looked for
            requests, also = ([Request(intent, department, norm)] if intent != "none" else []), []
        else:
            requests, also = self._requests(
                intent, department, complaint_class, norm, spans, clauses
            )
        if also:
            candidates = []  # two plain requests: offer both rather than ask which
        if also and not hazard and intent in INTENTS[:_NONE]:
            # Two requests: the labelling guide's order decides which one leads.
            first = min((INTENTS.index(q.intent) for q in requests), key=_PRIORITY.__getitem__)
            if INTENTS[first] != intent:
                intent = INTENTS[first]
                candidates = []
                complaint_class = (
                    self._complaint_class(mask, hazard) if intent == "complaint" else None
                )
                department = self._department(intent, mask, hazard)
                old, lead = requests[0], next(q for q in requests if q.intent == intent)
                # the former main request keeps the words that are not the new lead's
                span = " ".join(norm.replace(lead.span, " ", 1).split())
                rest = [Request(old.intent, old.department, span)]
                rest += [q for q in requests[1:] if q is not lead]
                rest.sort(key=lambda q: _PRIORITY[INTENTS.index(q.intent)])
                requests = [Request(intent, department, norm), *rest]
                also = [q.intent for q in rest]
        is_ack = intent == "none" and not hazard and self._is_ack(norm, tokens, spans)
        progress = self._progress is not None and self._progress.search(norm) is not None
        if progress and reason == "off_topic" and not mask & self._off:
            in_domain = True  # "进度怎么样了": about a matter of ours, words or not
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
            in_domain=in_domain,
            reason=reason,
            also=also,
            requests=requests,
            asks_progress=progress,
            is_ack=is_ack,
        )

    def _requests(self, intent, department, complaint_class, norm, spans, clauses):
        """Requests clause by clause: a clause whose own keywords make a request (a score
        of ``request_min_score``) for another intent than the message's is one more."""
        main = Request(intent, department, norm) if intent != "none" else None
        if len(spans) < 2 or self._additive is None or self._additive.search(norm) is None:
            return ([main] if main else []), []
        if clauses is None:
            clauses = self._structure(norm, self._cut(norm))[2]
            starts_c = [a for a, _ in clauses]
            for sp in spans:
                sp.clause = max(0, bisect_right(starts_c, sp.start) - 1)
        if len(clauses) < 2 or self._additive.search(norm, clauses[1][0]) is None:
            return ([main] if main else []), []
        by_clause: dict[int, list[_Span]] = {}
        for sp in spans:
            by_clause.setdefault(sp.clause, []).append(sp)
        if len(by_clause) < 2:
            return ([main] if main else []), []
        found: dict[str, Request] = {}
        floor = self._request_min
        for ci, group in sorted(by_clause.items()):
            # cheap bound first: a clause whose keywords cannot reach a request is skipped
            if sum(max((w for _, w in sp.hit.scores), default=0.0) for sp in group) < floor:
                continue
            sc = self._score(self._distinct(group).values())
            best = max(_BY_PRIORITY, key=sc.scores.__getitem__)
            if sc.scores[best] < self._request_min or best == _NONE:
                continue
            name = INTENTS[best]
            if name == intent or name in found:
                continue
            if intent == "complaint" and complaint_class == "quality" and best in _REQUEST_KINDS:
                continue  # "灯坏了 报了好几次没人修": the lamp is what the complaint is about
            a, b = clauses[ci]
            found[name] = Request(name, self._department(name, sc.mask, None), norm[a:b].strip())
        ordered = sorted(found.values(), key=lambda q: _PRIORITY[INTENTS.index(q.intent)])
        also = [q.intent for q in ordered]
        return ([main] if main else []) + ordered, also

    def _is_ack(self, norm: str, tokens: list[str], spans: list[_Span]) -> bool:
        """Nothing but social keywords, fillers (你们, 啊, 师傅 …), punctuation and emoji."""
        covered = bytearray(len(norm))
        social = False
        for sp in spans:
            if sp.hit.mask & self._social:
                social = True
                covered[sp.start : sp.end] = b"\x01" * (sp.end - sp.start)
        if not social and not any(ord(c) > 0x2500 for c in norm):
            return False
        pos = 0
        for t in tokens:
            n = len(t)
            if not all(covered[pos : pos + n]) and t not in self._fillers:
                if not all(
                    c in _PUNCT or (ord(c) > 0x2500 and not ("\u3400" <= c <= "\u9fff")) for c in t
                ):
                    return False
            pos += n
        return True

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
