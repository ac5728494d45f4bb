"""Understanding residents: normalise → tokenise → keyword rules → Classification.

Call ``init_nlp()`` once at start-up (loads jieba, the dictionaries and the rules, about
1–2 s); ``classify(text)`` is then cheap. The rules live in ``nlp/rules.yaml`` and the FAQ
in ``nlp/faq.yaml``; a company adds its own rules file through ``init_nlp(extra_rules)``.
"""

from __future__ import annotations

import threading
from pathlib import Path

from nlp import faq
from nlp.classifier import Classification, Classifier
from nlp.normalize import to_script
from nlp.rules import RulesError

__all__ = [
    "Classification",
    "Classifier",
    "RulesError",
    "classify",
    "get_classifier",
    "init_nlp",
    "to_script",
]

_lock = threading.Lock()
_default: Classifier | None = None
_default_key: tuple | None = None


def init_nlp(
    extra_rules: str | Path | None = None, tokenizer: str = "auto", *, reload: bool = False
) -> Classifier:
    """Load jieba, dictionaries and rules once; later calls return the same classifier.

    Calling again with a different ``extra_rules`` (or ``reload=True``) rebuilds it.
    """
    global _default, _default_key
    key = (str(Path(extra_rules).resolve()) if extra_rules else None, tokenizer)
    with _lock:
        if _default is None or reload or key != _default_key:
            _default = Classifier(extra_rules, tokenizer=tokenizer)
            _default_key = key
            faq.install(_default.normalizer.normalize)
        return _default


def get_classifier() -> Classifier:
    """The default classifier, initialised with the shipped rules if nobody did it yet."""
    return _default if _default is not None else init_nlp()


def classify(text: str) -> Classification:
    """Classify with the default classifier (see ``init_nlp``)."""
    return get_classifier().classify(text)
