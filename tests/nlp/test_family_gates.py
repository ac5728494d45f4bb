"""A letter's pattern families are searched only where their gate (``_gate``: literal
words from a rarer, later part of the pattern) is found. A gate may only skip work: every
match of a family must contain a match of its gate, or a letter would lose a keyword."""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

from nlp.classifier import _gate

DATA = Path(__file__).resolve().parents[1] / "data"


def test_a_gate_is_a_later_rarer_part():
    gate = _gate("(家里|整栋|[0-9]+栋)[^,]{0,6}(没电|全黑|黑了)")
    assert gate is not None
    assert gate.search("我家整栋楼都黑了") and gate.search("没电")
    assert gate.search("整栋楼都亮着") is None


def test_no_gate_where_it_would_not_help_or_could_be_wrong():
    assert _gate("明火") is None  # the pattern's own search scans for its first part
    assert _gate("(?i)fire.{0,3}alarm", re.IGNORECASE) is None  # case would be lost
    assert _gate("[^a]+b?") is None  # nothing later is mandatory
    assert _gate("a.{0,3}") is None


def test_a_gate_keeps_the_words_in_its_order():
    gate = _gate("(漏|渗)[^,]{0,3}(水|油)(了|啦)")
    assert gate is not None
    assert gate.search("水了") or gate.search("油啦")


def _texts() -> list[str]:
    out = []
    for path in sorted(DATA.rglob("*.tsv")):
        with path.open(encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                if "body" in row:
                    out.append(f"{row.get('title') or ''}\n{row['body'] or ''}")
                else:
                    out.append(row.get("text") or "")
    return out


def test_every_match_of_a_gated_family_contains_its_gate(clf):
    """Over every labelled text we have, joined into letters, and random runs of their
    characters: no match of a family escapes its gate."""
    texts = _texts()
    rnd = random.Random(5)
    letters = ["。".join(rnd.sample(texts, 40)) for _ in range(60)]
    chars = "".join(texts)
    noise = ["".join(rnd.choice(chars) for _ in range(400)) for _ in range(60)]
    norms = [clf.normalizer.normalize(t)[0] for t in texts + letters + noise]
    gated = [(rx, gate) for rx, _, _, gate in clf._families_long if gate is not None]
    assert len(gated) > 20
    checked = 0
    for rx, gate in gated:
        for norm in norms:
            for m in rx.finditer(norm):
                if m.group():
                    checked += 1
                    assert gate.search(m.group()), (rx.pattern, m.group())
    assert checked > 500


def test_a_letter_reads_the_same_with_and_without_gates(clf, monkeypatch):
    texts = _texts()
    rnd = random.Random(9)
    letters = ["关于小区问题的反映\n" + "，".join(rnd.sample(texts, 30)) for _ in range(40)]
    gated = [clf.classify(t) for t in letters]
    monkeypatch.setattr(
        clf, "_families_long", tuple((rx, h, tr, None) for rx, h, tr, _ in clf._families_long)
    )
    plain = [clf.classify(t) for t in letters]
    assert [(c.intent, c.urgent, c.hazard, c.keywords) for c in gated] == [
        (c.intent, c.urgent, c.hazard, c.keywords) for c in plain
    ]
