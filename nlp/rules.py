"""Keyword rules: load the shipped YAML, merge a company's overrides, compile for speed.

The YAML is what a property company reads and edits (see ``rules.yaml``). Compiling
turns it into three lookup structures so that classifying costs one dict lookup per
token and one left-to-right scan of the text:

- ``words``: token → Hit (matched against jieba tokens, so "修" never fires inside "装修");
- ``phrases``: first character → [(phrase, Hit)] longest first (leftmost-longest,
  non-overlapping). A phrase may span several tokens, and it must start and end where
  tokens do ("花" does not fire inside "花园", "没电" not inside "没/电梯"), except that
  a token may carry a few function characters around it (好脏, 坏了, 太吵); a phrase
  written ``~X`` in the YAML matches anywhere, as a bare substring;
- ``pattern``: one combined regex for the few pattern families ("三天了", "!!"); its matches
  obey the same token edges.

A Hit carries the score it adds per intent and the bit of every group it belongs to;
combos and context rules then work on the bit mask.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from nlp.yamlfile import load as load_yaml

RULES_FILE = Path(__file__).with_name("rules.yaml")
INTENTS = ("repair", "complaint", "cleaning", "consultation", "none")
INTENT_INDEX = {name: i for i, name in enumerate(INTENTS)}
HAZARDS = (
    "gas",
    "fire",
    "smoke",
    "flood",
    "elevator",
    "power",
    "injury",
    "violence",
    "falling",
    "collapse",
)
DEPARTMENTS = ("engineering", "cleaning", "greening", "security", "customer_service")
CLASSES = ("equipment", "attitude", "quality", "incident")
# scope: "event" groups (hazards and their parts) count only for something happening now:
# not when negated ("没有着火"), imagined ("一旦发生火灾", "万一"), past ("去年被淹",
# "摔倒过") or habitual ("经常困人"); "assertion" groups only lose a negated keyword
# ("我不是投诉", "不需要保洁").
SCOPES = ("event", "assertion")


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class Hit:
    """What one matched keyword contributes."""

    keyword: str
    scores: tuple[tuple[int, float], ...]  # (intent index, weight)
    mask: int
    # each group's own share, so that scope (negation, hypothesis, past) can drop one group
    parts: tuple[tuple[int, tuple[tuple[int, float], ...]], ...] = ()
    free: bool = False  # a ``~`` phrase: matches inside a word too


@dataclass(slots=True)
class Group:
    """A named vocabulary: words and phrases that mean the same thing to the rules."""

    name: str
    bit: int
    scores: dict[str, float]
    hazard: str | None = None
    department: str | None = None
    complaint_class: str | None = None
    agitated: bool = False
    unless: tuple[str, ...] = ()
    class_weight: float | None = None
    scope: str | None = None  # "event" or "assertion": see rules.yaml
    generic: bool = False  # says nothing about the message being for a property company
    off_topic: bool = False  # vocabulary of other trades (buying flats, loans, schools…)
    social: bool = False  # greetings, thanks, acknowledgements
    short_only: bool = False  # its patterns are not searched in long messages (letters)


@dataclass(slots=True)
class Rule:
    """A context rule applied after scoring, in file order."""

    name: str
    when: int
    unless: int
    scale: tuple[tuple[int, float], ...]
    add: tuple[tuple[int, float], ...]
    move_from: tuple[int, ...]
    move_to: int | None
    keep: float


@dataclass(slots=True)
class Compiled:
    """Everything the classifier needs, in the shapes it needs."""

    settings: dict[str, float]
    departments: dict[str, str | None]
    hazard_info: dict[str, dict[str, str]]
    groups: dict[str, Group]
    words: dict[str, Hit]
    phrases: dict[str, tuple[tuple[str, Hit], ...]]
    pattern: re.Pattern[str] | None
    pattern_hits: tuple[tuple[re.Pattern[str], Hit], ...]
    combos: tuple[tuple[int, Hit], ...]
    rules: tuple[Rule, ...]
    hazard_groups: tuple[tuple[int, str, int], ...]  # (bit, hazard, unless mask)
    agitated_mask: int
    class_groups: tuple[tuple[int, str, float], ...]
    dept_groups: tuple[tuple[int, str, frozenset[int]], ...]
    unknown_intent: str = "none"
    unknown_candidates: tuple[str, ...] = ()
    source: list[str] = field(default_factory=list)
    # bits of the groups with these properties (see Group)
    event_mask: int = 0
    assertion_mask: int = 0
    generic_mask: int = 0
    off_topic_mask: int = 0
    social_mask: int = 0
    short_only_mask: int = 0
    bits: dict[str, int] = field(default_factory=dict)
    lexicon: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _read(path: str | Path) -> dict[str, Any]:
    try:
        text = Path(path).read_text(encoding="utf-8")
        data = load_yaml(text) or {}
    except (OSError, yaml.YAMLError) as e:
        raise RulesError(f"{path}: cannot read rules: {e}") from e
    if not isinstance(data, dict):
        raise RulesError(f"{path}: the top level must be a mapping")
    return data


def _as_weights(value: Any, where: str) -> dict[str, float]:
    """Words and phrases may be a list (weight 1) or a mapping keyword → weight."""
    if value is None:
        return {}
    if isinstance(value, list):
        return {str(k): 1.0 for k in value}
    if isinstance(value, dict):
        return {str(k): float(v) for k, v in value.items()}
    raise RulesError(f"{where}: expected a list or a mapping")


def merge(base: dict[str, Any], extra: dict[str, Any], where: str = "extra") -> dict[str, Any]:
    """Overlay a company's file: groups extend (or ``replace: true``), named items replace.

    ``remove: [..]`` in a group drops shipped keywords; ``combos`` and ``rules`` are matched
    by ``name``; ``settings``, ``intents`` and ``hazards`` are updated key by key.
    """
    out = copy.deepcopy(base)
    for key in ("settings", "intents", "hazards", "lexicon", "pattern_parts"):
        for name, value in (extra.get(key) or {}).items():
            if isinstance(value, dict) and isinstance(out.get(key, {}).get(name), dict):
                out[key][name].update(value)
            else:
                out.setdefault(key, {})[name] = value
    groups = out.setdefault("groups", {})
    for name, spec in (extra.get("groups") or {}).items():
        spec = dict(spec or {})
        if spec.pop("replace", False) or name not in groups:
            groups[name] = spec
            continue
        g = groups[name]
        removed = set(spec.pop("remove", []) or [])
        for kind in ("words", "phrases", "patterns"):
            if kind == "patterns":
                merged_list = [p for p in g.get(kind, []) or [] if p not in removed]
                merged_list += spec.pop(kind, []) or []
                g[kind] = merged_list
                continue
            merged = _as_weights(g.get(kind), f"{where}: groups.{name}.{kind}")
            merged = {k: v for k, v in merged.items() if k not in removed}
            merged.update(_as_weights(spec.pop(kind, None), f"{where}: groups.{name}.{kind}"))
            g[kind] = merged
        g.update(spec)
    for key in ("combos", "rules"):
        items = list(out.get(key) or [])
        for item in extra.get(key) or []:
            names = [i.get("name") for i in items]
            if item.get("name") in names:
                items[names.index(item["name"])] = item
            else:
                items.append(item)
        out[key] = items
    return out


def load(extra: str | Path | None = None) -> tuple[dict[str, Any], list[str]]:
    """The shipped rules, overlaid with ``extra`` if given."""
    data = _read(RULES_FILE)
    sources = [str(RULES_FILE)]
    if extra:
        data = merge(data, _read(extra), str(extra))
        sources.append(str(extra))
    return data, sources


def _intent_pairs(scores: dict[str, float], where: str, factor: float = 1.0):
    pairs = []
    for intent, w in (scores or {}).items():
        if intent not in INTENT_INDEX:
            raise RulesError(f"{where}: unknown intent {intent!r} (one of {', '.join(INTENTS)})")
        pairs.append((INTENT_INDEX[intent], float(w) * factor))
    return tuple(pairs)


def _check(value: str | None, allowed: tuple[str, ...], where: str) -> str | None:
    if value is not None and value not in allowed:
        raise RulesError(f"{where}: {value!r} is not one of {', '.join(allowed)}")
    return value


_PART = re.compile(r"\{([a-z_]+)\}")


def _with_parts(pattern: str, parts: dict[str, str], where: str) -> str:
    """A pattern with its named parts written in (``{nothing_new_after}``: a look-ahead many
    patterns share, kept in one place under ``pattern_parts``)."""

    def part(m: re.Match) -> str:
        if m.group(1) not in parts:
            raise RulesError(f"{where}: unknown pattern part {{{m.group(1)}}}")
        return parts[m.group(1)]

    return _PART.sub(part, pattern)


def compile_rules(data: dict[str, Any], sources: list[str] | None = None) -> Compiled:
    """Validate and precompile; errors name the key so a company can fix its file."""
    where = (sources or ["rules"])[-1]
    parts = {str(k): str(v) for k, v in (data.get("pattern_parts") or {}).items()}
    settings = {
        "ask_below": 0.5,
        "tie_ratio": 0.75,
        "saturation": 6.0,
        "candidate_ratio": 0.5,
        "max_candidates": 3,
        "hazard_confidence": 0.8,
        "unknown_min_chars": 1e9,
        "unknown_confidence": 0.3,
    }
    raw_settings = dict(data.get("settings") or {})
    unknown_intent = _check(
        raw_settings.pop("unknown_intent", "none"), INTENTS, f"{where}: settings.unknown_intent"
    )
    unknown_candidates = tuple(
        _check(i, INTENTS, f"{where}: settings.unknown_candidates")
        for i in raw_settings.pop("unknown_candidates", None) or ()
    )
    try:
        settings.update({k: float(v) for k, v in raw_settings.items()})
    except (TypeError, ValueError) as e:
        raise RulesError(f"{where}: settings: numbers expected ({e})") from e
    departments: dict[str, str | None] = {}
    for intent in INTENTS:
        spec = (data.get("intents") or {}).get(intent) or {}
        departments[intent] = _check(
            spec.get("department"), DEPARTMENTS, f"{where}: intents.{intent}.department"
        )
    hazard_info: dict[str, dict[str, str]] = {}
    for hz, spec in (data.get("hazards") or {}).items():
        _check(hz, HAZARDS, f"{where}: hazards")
        spec = spec or {}
        hazard_info[hz] = {
            "department": _check(
                spec.get("department"), DEPARTMENTS, f"{where}: hazards.{hz}.department"
            ),
            "intent": _check(
                spec.get("intent", "repair"), INTENTS, f"{where}: hazards.{hz}.intent"
            ),
        }

    raw_groups = data.get("groups") or {}
    raw_combos = data.get("combos") or []
    names = list(raw_groups) + [c.get("name") for c in raw_combos]
    if len(names) > len(set(names)):
        raise RulesError(f"{where}: group and combo names must be unique")
    bits = {name: 1 << i for i, name in enumerate(names)}

    def mask_of(items, key) -> int:
        m = 0
        for n in items or []:
            if n not in bits:
                raise RulesError(f"{where}: {key}: unknown group {n!r}")
            m |= bits[n]
        return m

    groups: dict[str, Group] = {}
    words: dict[str, Hit] = {}
    phrases: dict[str, Hit] = {}
    patterns: list[tuple[str, str, Hit]] = []

    def add(table: dict[str, Hit], kw: str, scores, bit: int, free: bool = False) -> None:
        old = table.get(kw)
        if old is None:
            table[kw] = Hit(kw, scores, bit, ((bit, scores),), free)
        else:
            merged: dict[int, float] = dict(old.scores)
            for i, w in scores:
                merged[i] = merged.get(i, 0.0) + w
            table[kw] = Hit(
                kw,
                tuple(merged.items()),
                old.mask | bit,
                (*old.parts, (bit, scores)),
                old.free or free,
            )

    for name, spec in raw_groups.items():
        spec = spec or {}
        key = f"{where}: groups.{name}"
        g = Group(
            name=name,
            bit=bits[name],
            scores={k: float(v) for k, v in (spec.get("score") or {}).items()},
            hazard=_check(spec.get("hazard"), HAZARDS, f"{key}.hazard"),
            department=_check(spec.get("department"), DEPARTMENTS, f"{key}.department"),
            complaint_class=_check(spec.get("complaint_class"), CLASSES, f"{key}.complaint_class"),
            agitated=bool(spec.get("agitated", False)),
            unless=tuple(spec.get("unless") or ()),
            class_weight=spec.get("class_weight"),
            scope=_check(spec.get("scope"), SCOPES, f"{key}.scope"),
            generic=bool(spec.get("generic", False)),
            off_topic=bool(spec.get("off_topic", False)),
            social=bool(spec.get("social", False)),
            short_only=bool(spec.get("short_only", False)),
        )
        groups[name] = g
        for kw, factor in _as_weights(spec.get("words"), f"{key}.words").items():
            add(words, kw.lower(), _intent_pairs(g.scores, key, factor), g.bit)
        for kw, factor in _as_weights(spec.get("phrases"), f"{key}.phrases").items():
            free = kw.startswith("~") and len(kw) > 1
            kw = kw[1:] if free else kw
            add(phrases, kw.lower(), _intent_pairs(g.scores, key, factor), g.bit, free)
        for i, pat in enumerate(spec.get("patterns") or []):
            pat = _with_parts(pat, parts, f"{key}.patterns[{i}]")
            try:
                re.compile(pat)
            except re.error as e:
                raise RulesError(f"{key}.patterns[{i}]: bad regular expression: {e}") from e
            gname = f"p{len(patterns)}"
            pairs = _intent_pairs(g.scores, key)
            patterns.append((gname, pat, Hit(pat, pairs, g.bit, ((g.bit, pairs),))))

    by_first: dict[str, list[tuple[str, Hit]]] = {}
    for kw, hit in phrases.items():
        by_first.setdefault(kw[0], []).append((kw, hit))
    phrase_index = {
        ch: tuple(sorted(items, key=lambda x: -len(x[0]))) for ch, items in by_first.items()
    }
    pattern = None
    if patterns:
        # Non-capturing on purpose: named groups around each family made the scan twice
        # as slow. Which family matched is found afterwards, only for the rare matches.
        pattern = re.compile("|".join(f"(?:{p})" for _, p, _ in patterns))

    combos = []
    for c in raw_combos:
        name = c.get("name")
        key = f"{where}: combos.{name}"
        req = mask_of(c.get("all"), f"{key}.all")
        if not req:
            raise RulesError(f"{key}: 'all' must name at least one group")
        g = Group(
            name=name,
            bit=bits[name],
            scores={k: float(v) for k, v in (c.get("score") or {}).items()},
            hazard=_check(c.get("hazard"), HAZARDS, f"{key}.hazard"),
            department=_check(c.get("department"), DEPARTMENTS, f"{key}.department"),
            complaint_class=_check(c.get("complaint_class"), CLASSES, f"{key}.complaint_class"),
            agitated=bool(c.get("agitated", False)),
            unless=tuple(c.get("unless") or ()),
            class_weight=c.get("class_weight"),
        )
        groups[name] = g
        pairs = _intent_pairs(g.scores, key)
        combos.append((req, Hit(f"{name}", pairs, g.bit, ((g.bit, pairs),))))

    rules = []
    for r in data.get("rules") or []:
        name = r.get("name", "?")
        key = f"{where}: rules.{name}"
        move = r.get("move") or {}
        to = move.get("to")
        rules.append(
            Rule(
                name=name,
                when=mask_of(r.get("when"), f"{key}.when"),
                unless=mask_of(r.get("unless"), f"{key}.unless"),
                scale=_intent_pairs(r.get("scale"), f"{key}.scale"),
                add=_intent_pairs(r.get("add"), f"{key}.add"),
                move_from=tuple(INTENT_INDEX[i] for i in move.get("from") or ()),
                move_to=INTENT_INDEX[to] if to else None,
                keep=float(move.get("keep", 0.0)),
            )
        )

    hazard_groups = tuple(
        (g.bit, g.hazard, mask_of(g.unless, f"{where}: groups.{g.name}.unless"))
        for g in groups.values()
        if g.hazard
    )
    for _, hz, _ in hazard_groups:
        if hz not in hazard_info:
            raise RulesError(f"{where}: hazard {hz!r} is used but not described under hazards")
    agitated_mask = 0
    for g in groups.values():
        if g.agitated:
            agitated_mask |= g.bit
    class_groups = tuple(
        (
            g.bit,
            g.complaint_class,
            float(
                g.class_weight if g.class_weight is not None else max(g.scores.values(), default=1)
            ),
        )
        for g in groups.values()
        if g.complaint_class
    )
    dept_groups = tuple(
        (g.bit, g.department, frozenset(INTENT_INDEX[i] for i, w in g.scores.items() if w > 0))
        for g in groups.values()
        if g.department
    )

    def mask_where(pred) -> int:
        m = 0
        for g in groups.values():
            if pred(g):
                m |= g.bit
        return m

    lexicon = {}
    for name, spec in (data.get("lexicon") or {}).items():
        if not isinstance(spec, list):
            raise RulesError(f"{where}: lexicon.{name}: a list of words expected")
        lexicon[str(name)] = tuple(
            _with_parts(str(w), parts, f"{where}: lexicon.{name}").lower() for w in spec
        )
    return Compiled(
        settings=settings,
        departments=departments,
        hazard_info=hazard_info,
        groups=groups,
        words=words,
        phrases=phrase_index,
        pattern=pattern,
        pattern_hits=tuple((re.compile(p), h) for _, p, h in patterns),
        combos=tuple(combos),
        rules=tuple(rules),
        hazard_groups=hazard_groups,
        agitated_mask=agitated_mask,
        class_groups=class_groups,
        dept_groups=dept_groups,
        unknown_intent=unknown_intent,
        unknown_candidates=unknown_candidates,
        source=list(sources or []),
        event_mask=mask_where(lambda g: g.scope == "event"),
        assertion_mask=mask_where(lambda g: g.scope in ("event", "assertion")),
        generic_mask=mask_where(lambda g: g.generic),
        off_topic_mask=mask_where(lambda g: g.off_topic),
        social_mask=mask_where(lambda g: g.social),
        short_only_mask=mask_where(lambda g: g.short_only),
        bits=dict(bits),
        lexicon=lexicon,
    )
