"""Scores of the classifier on the labelled sets in ``tests/data``.

- ``dev`` / ``holdout``: residents' messages (TSV); the holdout set was written before any
  rule and is never used for tuning; report both.
- ``heldout/``: issue 16's second held-out set, written from other angles before its rules
  changed and never tuned on: formal ``letters`` (title + body, scored on the title alone,
  on the title with the first 200 characters, and whole), out-of-domain chat (``ood``,
  scored by what the application would do with it) and residents' messages from seven
  ``angles`` (sarcasm, negation, dialect, voice-to-text, Taiwan/Hong Kong Traditional,
  two requests). ``tuning/`` has the same layout and is the one the rules were tuned on.
- ``probe2/``: issue 16's second round, written before its rules changed: letter titles
  only (``title``), out-of-domain chat by non-residents and urgent messages with their
  calm twins; tuned on afterwards, so it is a fresh estimate only at first sight.
- ``labels``: a JSONL file of ``{"text": ..., "label": ...}`` rows (``intent`` instead of
  ``label`` is read too: what ``python -m bot export-labels`` writes), i.e. residents'
  own button choices and staff corrections.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from nlp.rules import INTENTS

DATA_DIR = Path(__file__).resolve().parent.parent / "tests" / "data"
SETS = {"dev": ("dev.tsv",), "holdout": ("holdout.tsv",), "all": ("dev.tsv", "holdout.tsv")}
# Letters are also read as a busy reader does: the title and the first characters.
LETTER_PREFIX = 200
TICKET_KINDS = ("repair", "complaint", "cleaning")


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    intent: str
    urgent: bool
    hazard: str | None
    department: str | None
    also: str | None = None  # a second request's intent (two-request messages)
    angle: str | None = None
    known: bool = True  # False: only the intent is labelled (no urgency, no department)


def _dash(value: str | None) -> str | None:
    return None if value in (None, "", "-") else value


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def _example(row: dict[str, str], text: str) -> Example:
    return Example(
        text=text or "",
        intent=row["intent"],
        urgent=row["urgent"] == "1",
        hazard=_dash(row["hazard"]),
        department=_dash(row.get("department")),
        also=_dash(row.get("also")),
        angle=_dash(row.get("angle")),
    )


def load_set(name: str = "dev", data_dir: Path = DATA_DIR) -> list[Example]:
    """Rows of one named set (dev, holdout, all); a path to a TSV file works too."""
    files = [data_dir / f for f in SETS[name]] if name in SETS else [Path(name)]
    return [_example(row, row["text"]) for f in files for row in _rows(f)]


def load_letters(view: str = "full", which: str = "heldout", data_dir: Path = DATA_DIR):
    """Letters as one message each: ``title`` alone, ``prefix`` (title + the first 200
    characters of the body) or ``full`` (title, a line break, the body)."""
    out = []
    for row in _rows(data_dir / which / "letters.tsv"):
        title, body = row["title"], row["body"]
        if view == "title":
            text = title
        elif view == "prefix":
            text = f"{title}\n{body[:LETTER_PREFIX]}"
        else:
            text = f"{title}\n{body}"
        out.append(_example(row, text))
    return out


def load_angles(which: str = "heldout", data_dir: Path = DATA_DIR) -> list[Example]:
    return [_example(row, row["text"]) for row in _rows(data_dir / which / "angles.tsv")]


def load_ood(which: str = "heldout", data_dir: Path = DATA_DIR) -> list[tuple[str, str]]:
    """(kind, text) of messages that are not for us."""
    return [(row["kind"], row["text"]) for row in _rows(data_dir / which / "ood.tsv")]


def load_chat(path: str | Path) -> list[tuple[str, str]]:
    """("chat", text) for each line of a file of messages not meant for us: plain lines,
    or TSV rows whose last column is the text (a header row ``id\tquery`` or ``…\ttext``
    is skipped); blank lines are skipped, CRLF line ends are fine."""
    out = []
    with open(path, encoding="utf-8-sig") as fh:
        for n, line in enumerate(fh):
            line = line.rstrip("\r\n")
            text = line.rsplit("\t", 1)[-1]
            if n == 0 and "\t" in line and text.strip().lower() in ("query", "text", "message"):
                continue
            if text.strip():
                out.append(("chat", text))
    return out


def load_labels(path: str | Path) -> list[Example]:
    """JSONL rows ``{"text", "label"}`` (or ``"intent"``); other keys are ignored, as are
    blank lines and rows whose label is not an intent."""
    out = []
    with open(path, encoding="utf-8-sig") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            label = row.get("label", row.get("intent"))
            if label not in INTENTS:
                continue
            out.append(Example(str(row.get("text") or ""), label, False, None, None, known=False))
    return out


def outcome(c, faq: Callable[[str], object] | None = None) -> str:
    """What the application does with a classification (handlers/intake.py's order):
    ``ticket`` (opened on its own), ``buttons`` (the resident is asked which kind),
    ``faq`` (answered from the knowledge base), ``front_desk`` (a consultation ticket for
    staff) or ``answer`` (a short reply, nothing opened)."""
    if c.urgent:
        return "ticket"
    if c.uncertain:
        return "buttons"
    if c.intent in TICKET_KINDS:
        return "ticket"
    if c.intent == "consultation":
        return "faq" if faq is not None and faq(c.text) is not None else "front_desk"
    return "answer"


def score(examples: Iterable[Example], classify: Callable) -> dict:
    """Per-intent precision/recall/F1, macro-F1, urgent recall, confusion, errors."""
    examples = list(examples)
    confusion = {g: dict.fromkeys(INTENTS, 0) for g in INTENTS}
    urgent_total = urgent_hit = urgent_false = dept_ok = known = 0
    also_total = also_hit = 0
    errors = []
    for ex in examples:
        c = classify(ex.text)
        confusion[ex.intent][c.intent] += 1
        if ex.known:
            known += 1
            if ex.urgent:
                urgent_total += 1
                urgent_hit += c.urgent
            elif c.urgent:
                urgent_false += 1
            dept_ok += c.department == ex.department
        if ex.also:
            also_total += 1
            also_hit += ex.also in (getattr(c, "also", None) or ())
        if c.intent != ex.intent or (ex.known and c.urgent != ex.urgent):
            errors.append((ex, c))
    per = {}
    for i in INTENTS:
        tp = confusion[i][i]
        pred = sum(confusion[g][i] for g in INTENTS)
        gold = sum(confusion[i].values())
        p = tp / pred if pred else 0.0
        r = tp / gold if gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        per[i] = {"precision": p, "recall": r, "f1": f, "support": gold}
    present = [i for i in INTENTS if per[i]["support"]]
    n = len(examples)
    out = {
        "n": n,
        "accuracy": sum(confusion[i][i] for i in INTENTS) / n if n else 0.0,
        "macro_f1": sum(per[i]["f1"] for i in present) / len(present) if present else 0.0,
        "per_intent": per,
        "urgent_recall": urgent_hit / urgent_total if urgent_total else 1.0,
        "urgent_support": urgent_total,
        "urgent_false_alarms": urgent_false,
        "department_accuracy": dept_ok / known if known else 0.0,
        "confusion": confusion,
        "errors": errors,
    }
    if also_total:
        out["also_recall"] = also_hit / also_total
        out["also_support"] = also_total
    return out


def score_ood(rows: Iterable[tuple[str, str]], classify: Callable, faq=None) -> dict:
    """Out-of-domain messages: the share that would open a ticket on its own, make staff
    work (a front-desk consultation or the which-kind buttons), get an FAQ answer (which is
    off-topic by construction) or a short answer; also per kind, and the rows themselves."""
    rows = list(rows)
    counts = dict.fromkeys(("ticket", "buttons", "front_desk", "faq", "answer"), 0)
    by_kind: dict[str, dict[str, int]] = {}
    out_of_domain = 0
    errors = []
    for kind, text in rows:
        c = classify(text)
        o = outcome(c, faq)
        counts[o] += 1
        k = by_kind.setdefault(kind, {"n": 0, "ticket": 0, "staff": 0})
        k["n"] += 1
        k["ticket"] += o == "ticket"
        k["staff"] += o in ("buttons", "front_desk")
        out_of_domain += getattr(c, "in_domain", True) is False
        if o != "answer":
            errors.append((kind, o, c))
    n = len(rows)
    share = (lambda x: x / n) if n else (lambda x: 0.0)
    return {
        "n": n,
        "auto_ticket": share(counts["ticket"]),
        "staff_work": share(counts["buttons"] + counts["front_desk"]),
        "buttons": share(counts["buttons"]),
        "front_desk": share(counts["front_desk"]),
        "faq_answers": counts["faq"],
        "short_answer": share(counts["answer"]),
        "flagged_out_of_domain": share(out_of_domain),
        "counts": counts,
        "by_kind": by_kind,
        "errors": errors,
    }


def format_report(name: str, s: dict, show_errors: bool = False) -> str:
    """Plain-text report: the table, macro-F1, urgent recall, confusion matrix."""
    lines = [f"set: {name}  messages: {s['n']}  accuracy: {s['accuracy']:.3f}"]
    lines.append(f"{'intent':<14}{'precision':>10}{'recall':>8}{'f1':>8}{'n':>6}")
    for i in INTENTS:
        m = s["per_intent"][i]
        lines.append(
            f"{i:<14}{m['precision']:>10.3f}{m['recall']:>8.3f}{m['f1']:>8.3f}{m['support']:>6}"
        )
    lines.append(f"macro-F1: {s['macro_f1']:.3f}")
    lines.append(
        f"urgent recall: {s['urgent_recall']:.3f} ({s['urgent_support']} urgent; "
        f"{s['urgent_false_alarms']} false alarms)"
    )
    lines.append(f"department accuracy: {s['department_accuracy']:.3f}")
    if "also_recall" in s:
        lines.append(f"second request found: {s['also_recall']:.3f} ({s['also_support']} messages)")
    lines.append("confusion (rows: label, columns: predicted)")
    short = {i: i[:7] for i in INTENTS}
    lines.append(" " * 14 + "".join(f"{short[i]:>9}" for i in INTENTS))
    for g in INTENTS:
        lines.append(f"{g:<14}" + "".join(f"{s['confusion'][g][p]:>9}" for p in INTENTS))
    if show_errors and s["errors"]:
        lines.append(f"errors ({len(s['errors'])}):")
        for ex, c in s["errors"]:
            urgent = f" urgent {int(ex.urgent)}→{int(c.urgent)}" if ex.urgent != c.urgent else ""
            lines.append(
                f"  {ex.intent}→{c.intent}{urgent} ({c.confidence:.2f}) {ex.text[:120]!r} "
                f"kw={c.keywords[:12]} cand={c.candidates}"
            )
    return "\n".join(lines)


def format_ood(name: str, s: dict, show_errors: bool = False) -> str:
    """Plain-text report of an out-of-domain set."""
    lines = [
        f"set: {name}  messages: {s['n']}  (none of them is for us)",
        f"opens a ticket on its own: {s['auto_ticket']:.2%}   "
        f"staff work: {s['staff_work']:.1%} (buttons {s['buttons']:.1%}, "
        f"front-desk consultation {s['front_desk']:.1%})",
        f"FAQ answers given (off-topic): {s['faq_answers']}   "
        f"short answer: {s['short_answer']:.1%}   "
        f"flagged out of domain: {s['flagged_out_of_domain']:.1%}",
        f"{'kind':<10}{'n':>5}{'ticket':>8}{'staff':>7}",
    ]
    for kind, k in s["by_kind"].items():
        lines.append(f"{kind:<10}{k['n']:>5}{k['ticket']:>8}{k['staff']:>7}")
    if show_errors and s["errors"]:
        lines.append(f"not a short answer ({len(s['errors'])}):")
        for kind, o, c in s["errors"]:
            lines.append(f"  [{kind}] {o:<10} {c.intent:<12} {c.text!r} kw={c.keywords[:8]}")
    return "\n".join(lines)


def per_angle(examples: list[Example], classify: Callable) -> dict[str, dict]:
    """``score`` of each angle's rows."""
    angles: dict[str, list[Example]] = {}
    for e in examples:
        angles.setdefault(e.angle or "-", []).append(e)
    return {a: score(rows, classify) for a, rows in angles.items()}
