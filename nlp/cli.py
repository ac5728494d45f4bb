"""CLI commands of the language layer: ``classify`` and ``evaluate``.

``python -m bot classify "文本"`` prints one JSON object; ``--file F`` prints one JSON line
per input line, in order (a blank line gives intent none), so an evaluator can zip them.
"""

from __future__ import annotations

import argparse
import json
import sys


def _init(args):
    from nlp import init_nlp

    return init_nlp(getattr(args, "rules", None), tokenizer=getattr(args, "tokenizer", "auto"))


def cmd_classify(args) -> int:
    """Print the classification of one message, or of every line of a file."""
    clf = _init(args)
    out = sys.stdout
    if args.file:
        src = sys.stdin if args.file == "-" else open(args.file, encoding="utf-8-sig")
        with src:
            for line in src:
                text = line.rstrip("\r\n")
                out.write(json.dumps(clf.classify(text).to_json(), ensure_ascii=False) + "\n")
        out.flush()
        return 0
    if args.text is None:
        print("classify: give a text or --file", file=sys.stderr)
        return 2
    print(json.dumps(clf.classify(args.text).to_json(), ensure_ascii=False))
    return 0


def cmd_evaluate(args) -> int:
    """Per-intent precision/recall, macro-F1, urgent recall and the confusion matrix."""
    from nlp.evaluate import format_report, load_set, score
    from nlp.normalize import to_script

    clf = _init(args)
    names = ["dev", "holdout"] if args.set == "both" else [args.set]
    results = {}
    for name in names:
        examples = load_set(name)
        if args.hant:
            from dataclasses import replace

            examples = [replace(e, text=to_script(e.text, "hant")) for e in examples]
        s = score(examples, clf.classify)
        results[name] = s
        if not args.json:
            print(format_report(name + (" (Traditional)" if args.hant else ""), s, args.errors))
            print()
    if args.json:
        slim = {n: {k: v for k, v in s.items() if k != "errors"} for n, s in results.items()}
        print(json.dumps(slim, ensure_ascii=False, indent=2))
    return 0


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rules", metavar="YAML", help="extra keyword rules (nlp/rules.yaml format)")
    p.add_argument(
        "--tokenizer",
        choices=("auto", "jieba", "rjieba"),
        default="auto",
        help="auto: rjieba when it cuts exactly like jieba (default)",
    )


def register(sub) -> None:
    """Add ``classify`` and ``evaluate`` to the main CLI's subparsers."""
    p = sub.add_parser(
        "classify",
        help="classify resident messages (JSON out)",
        description="Classify one message, or one message per line of --file (JSON lines).",
    )
    p.add_argument("text", nargs="?", help="the message")
    p.add_argument("--file", "-f", metavar="F", help="one message per line; '-' for stdin")
    _common(p)
    p.set_defaults(func=cmd_classify)

    p = sub.add_parser(
        "evaluate",
        help="score the classifier on the labelled sets",
        description="Per-intent precision/recall, macro-F1, urgent recall, confusion matrix.",
    )
    p.add_argument(
        "--set",
        choices=("dev", "holdout", "all", "both"),
        default="both",
        help="dev, holdout, all (both files pooled) or both (two reports; default)",
    )
    p.add_argument("--errors", action="store_true", help="list the misclassified messages")
    p.add_argument("--hant", action="store_true", help="convert messages to Traditional first")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    _common(p)
    p.set_defaults(func=cmd_evaluate)


def main(argv=None) -> int:
    """Stand-alone entry (``python -m nlp.cli``) while ``python -m bot`` is not runnable."""
    parser = argparse.ArgumentParser(prog="python -m nlp.cli")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
