"""How a unit (房号) is written, reduced to what identifies it: a key of tokens.

A property office names its units its own way (3栋2单元1201, 3-2-1201, 商铺 S-101,
12号别墅, B1-023), and residents write them in Simplified, Traditional or English
("3號樓2單元1201室", "Block 3, Unit 2, Flat 1201"). Both sides are read the same way:

- full-width characters become half-width (NFKC), Traditional unit words Simplified,
  small Chinese numerals before a unit word digits (三栋 → 3栋), letters upper-case;
- the text is cut into tokens: runs of digits (leading zeros dropped), runs of Latin
  letters, runs of Chinese characters; unit words (栋, 单元, 室, Block, Flat …) and
  punctuation only separate them;
- a unit's key is its tokens joined by dots: 3栋2单元1201 → ``3.2.1201``, S-101 →
  ``S.101``, 商铺S101 → ``商铺.S.101``.

A unit is known under a few keys (``aliases``): all of its parts; without the 单元 when
its building has one entrance; the room alone when the building has a name rather than
a number (商铺, 别墅). A text offers windows of consecutive tokens (``windows``); the
longest window that is some unit's key names it. Pure functions, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_TRAD = str.maketrans("棟單號樓門層鋪舖別戶場庫聯幢", "栋单号楼门层铺铺别户场库联幢")
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
_CN_NUMBER = re.compile(r"([一二两三四五六七八九十]{1,3})(?=号楼|栋|幢|座|单元|门|期|区)")

# Words that only label or separate the parts of a unit.
BUILDING_WORDS = ("号楼", "栋", "幢", "座", "楼")
ENTRANCE_WORDS = ("单元", "门")
ROOM_WORDS = ("室", "号", "房", "户")
_CJK_GLUE = sorted((*BUILDING_WORDS, *ENTRANCE_WORDS, *ROOM_WORDS), key=len, reverse=True)
EN_BUILDING = {"BUILDING", "BLDG", "BLD", "BLK", "BLOCK", "TOWER", "TWR"}
EN_ENTRANCE = {"ENTRANCE", "ENT", "UNIT", "STAIR", "STAIRCASE", "GATE"}
EN_ROOM = {"ROOM", "RM", "FLAT", "APT", "APARTMENT", "NO", "NUMBER", "DOOR", "HOUSE", "SUITE"}
EN_UNIT_WORDS = {"SHOP", "VILLA", "STORE", "BASEMENT"}
_EN_GLUE = EN_BUILDING | EN_ENTRANCE | EN_ROOM | EN_UNIT_WORDS
# Words next to a lone number that make it a unit (12号, 室 101, 商铺 5, Villa 12).
_UNIT_MARKS = {*ROOM_WORDS, "别墅", "商铺", "铺", "门面", "地下室", *EN_ROOM, *EN_UNIT_WORDS}

_PIECE = re.compile(r"[0-9]+|[A-Z]+|[\u3400-\u9fff]+")


@dataclass(frozen=True)
class Token:
    value: str
    before: str = ""  # the label word just before it ("BLOCK", "室" …), if any
    after: str = ""  # the label word just after it ("栋", "单元", "室" …), if any


def normalise(text: str) -> str:
    """Half-width, Simplified unit words, Arabic numerals before unit words, upper-case."""
    text = unicodedata.normalize("NFKC", text or "").translate(_TRAD).upper()
    return _CN_NUMBER.sub(lambda m: str(_cn_number(m.group(1))), text)


def _cn_number(s: str) -> int:
    if "十" not in s:
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    tens, _, ones = s.partition("十")
    return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)


def _split_cjk(run: str) -> list[tuple[str, bool]]:
    """A run of Chinese characters as (piece, is_label) parts: 号楼 and 单元 are labels,
    商铺 or 我家 are tokens."""
    out: list[tuple[str, bool]] = []
    word = ""
    i = 0
    while i < len(run):
        glue = next((g for g in _CJK_GLUE if run.startswith(g, i)), None)
        if glue is None:
            word += run[i]
            i += 1
            continue
        if word:
            out.append((word, False))
            word = ""
        out.append((glue, True))
        i += len(glue)
    if word:
        out.append((word, False))
    return out


def tokens(text: str) -> list[Token]:
    """The tokens of ``text``, each with the label words around it."""
    parts: list[tuple[str, bool]] = []  # (piece, is_label)
    for m in _PIECE.finditer(normalise(text)):
        piece = m.group()
        if "\u3400" <= piece[0] <= "\u9fff":
            parts.extend(_split_cjk(piece))
        elif piece.isdigit():
            parts.append((piece.lstrip("0") or "0", False))
        else:
            parts.append((piece, piece in _EN_GLUE))
    out: list[Token] = []
    for i, (piece, is_label) in enumerate(parts):
        if is_label:
            continue
        before = parts[i - 1][0] if i > 0 and parts[i - 1][1] else ""
        after = parts[i + 1][0] if i + 1 < len(parts) and parts[i + 1][1] else ""
        out.append(Token(piece, before, after))
    return out


def key_of(values: list[str]) -> str:
    return ".".join(values)


def part_tokens(text: str | int | None) -> list[str]:
    """The tokens of one part (a building name, a room) as a unit's key has them."""
    if text is None or text == "":
        return []
    return [t.value for t in tokens(str(text))]


def is_named(building: str) -> bool:
    """A building with a name rather than a number (商铺, 别墅区): its rooms are known by
    themselves too (S-101, 12号)."""
    return not any(ch.isascii() and ch.isalnum() for ch in normalise(building))


def aliases(building: str, entrance: int | None, room: str, *, single_entrance: bool) -> list[str]:
    """Every key a unit is known by (the first is its full key)."""
    b, r = part_tokens(building), part_tokens(room)
    e = [str(entrance)] if entrance else []
    keys = [key_of(b + e + r)]
    if e and single_entrance:
        keys.append(key_of(b + r))
    if is_named(building) and r:
        keys.append(key_of(e + r))
        if e and single_entrance:
            keys.append(key_of(r))
    return list(dict.fromkeys(k for k in keys if k))


@dataclass(frozen=True)
class Window:
    """Consecutive tokens of a text that may be a unit's key."""

    key: str
    size: int
    labelled: bool = False  # put together from labels (Block 3 … Flat 1201)


def _labelled(toks: list[Token]) -> list[str] | None:
    """Building, 单元 and room read from their labels, in any order ("Flat 1201, Block 3,
    Entrance 2"; "1201室 3栋"); None unless at least a building and a room are labelled."""
    found: dict[str, str] = {}
    for t in toks:
        if t.before in EN_BUILDING or t.after in BUILDING_WORDS:
            found.setdefault("b", t.value)
        elif t.before in EN_ENTRANCE or t.after in ENTRANCE_WORDS:
            found.setdefault("e", t.value)
        elif t.before in EN_ROOM or t.after in ROOM_WORDS:
            found.setdefault("r", t.value)
    if "b" not in found or "r" not in found:
        return None
    return [found["b"], *([found["e"]] if "e" in found else []), found["r"]]


def windows(text: str, *, max_size: int = 5) -> list[Window]:
    """The windows of ``text`` worth looking up, longest first. A lone token counts only
    when a unit word stands next to it (12号, Villa 12) or it is all the text says."""
    toks = tokens(text)
    out: list[Window] = []
    labelled = _labelled(toks)
    if labelled:
        out.append(Window(key_of(labelled), len(labelled), labelled=True))
    alone = len(toks) == 1
    for size in range(min(max_size, len(toks)), 0, -1):
        for i in range(len(toks) - size + 1):
            part = toks[i : i + size]
            if size == 1 and not alone:
                t = part[0]
                if t.before not in _UNIT_MARKS and t.after not in _UNIT_MARKS:
                    neighbours = [toks[j].value for j in (i - 1, i + 1) if 0 <= j < len(toks)]
                    if not any(n in _UNIT_MARKS for n in neighbours):
                        continue
            out.append(Window(key_of([t.value for t in part]), size))
    seen: set[str] = set()
    return [w for w in out if not (w.key in seen or seen.add(w.key))]


def in_english(label: str) -> str:
    """A unit as an English reader writes it: 3栋2单元1201 → "Building 3, Entrance 2,
    Room 1201"; a unit whose parts are not all numbered and labelled (商铺S-101) stays
    as the community writes it."""
    parts = []
    toks = tokens(label)
    for i, t in enumerate(toks):
        if not t.value.isascii():
            return label
        if t.after in BUILDING_WORDS:
            parts.append(f"Building {t.value}")
        elif t.after in ENTRANCE_WORDS:
            parts.append(f"Entrance {t.value}")
        elif i == len(toks) - 1 and t.value.isdigit():
            parts.append(f"Room {t.value}")
        else:
            return label
    return ", ".join(parts) if parts else label
