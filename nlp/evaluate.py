"""Scores of the classifier on the labelled sets in ``tests/data`` (dev / holdout).

The holdout set was written before any rule and is never used for tuning; report both.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from nlp.rules import INTENTS

DATA_DIR = Path(__file__).resolve().parent.parent / "tests" / "data"
SETS = {"dev": ("dev.tsv",), "holdout": ("holdout.tsv",), "all": ("dev.tsv", "holdout.tsv")}


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    intent: str
    urgent: bool
    hazard: str | None
    department: str | None


def load_set(name: str = "dev", data_dir: Path = DATA_DIR) -> list[Example]:
    """Rows of one named set; a path to a TSV file works too."""
    files = [data_dir / f for f in SETS[name]] if name in SETS else [Path(name)]
    out: list[Example] = []
    for f in files:
        with open(f, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                out.append(
                    Example(
                        text=row["text"] or "",
                        intent=row["intent"],
                        urgent=row["urgent"] == "1",
                        hazard=None if row["hazard"] in ("", "-") else row["hazard"],
                        department=None if row["department"] in ("", "-") else row["department"],
                    )
                )
    return out


def score(examples: Iterable[Example], classify: Callable) -> dict:
    """Per-intent precision/recall/F1, macro-F1, urgent recall, confusion, errors."""
    examples = list(examples)
    confusion = {g: dict.fromkeys(INTENTS, 0) for g in INTENTS}
    urgent_total = urgent_hit = urgent_false = dept_ok = 0
    errors = []
    for ex in examples:
        c = classify(ex.text)
        confusion[ex.intent][c.intent] += 1
        if ex.urgent:
            urgent_total += 1
            urgent_hit += c.urgent
        elif c.urgent:
            urgent_false += 1
        dept_ok += c.department == ex.department
        if c.intent != ex.intent or c.urgent != ex.urgent:
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
    return {
        "n": n,
        "accuracy": sum(confusion[i][i] for i in INTENTS) / n if n else 0.0,
        "macro_f1": sum(per[i]["f1"] for i in present) / len(present) if present else 0.0,
        "per_intent": per,
        "urgent_recall": urgent_hit / urgent_total if urgent_total else 1.0,
        "urgent_support": urgent_total,
        "urgent_false_alarms": urgent_false,
        "department_accuracy": dept_ok / n if n else 0.0,
        "confusion": confusion,
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
                f"  {ex.intent}→{c.intent}{urgent} ({c.confidence:.2f}) {ex.text!r} "
                f"kw={c.keywords} cand={c.candidates}"
            )
    return "\n".join(lines)
