"""Understanding residents: normalise → mask → tokenise → keyword rules → Classification.

Call ``init_nlp()`` once at start-up (loads jieba, the dictionaries and the rules, about
1–2 s); ``classify(text)`` is then cheap. The rules live in ``nlp/rules.yaml`` and the FAQ
in ``nlp/faq.yaml``; a company adds its own rules file through ``init_nlp(extra_rules)``.

Public functions:

- ``classify(text) -> Classification``: see ``Classification`` for every field (intent,
  urgency, department … and ``in_domain``/``reason``, ``also``/``requests``,
  ``asks_progress``, ``is_ack``).
- ``mask_personal(text) -> str``: the text with phone numbers (138****5678), ID-card and
  bank-card numbers (3301**********1234) and e-mail addresses (a***@example.com) masked;
  units, ticket numbers, dates and money are left alone. Use it on every text staff see.
- ``faq.answer(text)`` / ``faq.match(text)``: an FAQ entry (and its score) for a question,
  or None below the entry's threshold.
- ``to_script(text, script)``: a Simplified reply in the resident's script (Taiwan or
  Hong Kong forms for Traditional); ``to_simplified(text)`` the other way, for matching
  our word lists; ``written_script(text)`` the script a message shows (None when it does
  not tell); ``script_of_language(code)`` the script a platform's language setting asks.
"""

from __future__ import annotations

import threading
from pathlib import Path

from nlp import faq
from nlp.classifier import Classification, Classifier
from nlp.normalize import HK, TRADITIONAL, script_of_language, to_script, to_simplified
from nlp.privacy import mask_personal
from nlp.rules import RulesError

__all__ = [
    "HK",
    "TRADITIONAL",
    "Classification",
    "Classifier",
    "RulesError",
    "classify",
    "get_classifier",
    "init_nlp",
    "mask_personal",
    "script_of_language",
    "to_script",
    "to_simplified",
    "written_script",
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
            faq.reset()
        return _default


def get_classifier() -> Classifier:
    """The default classifier, initialised with the shipped rules if nobody did it yet."""
    return _default if _default is not None else init_nlp()


faq.use_classifier(get_classifier)


def written_script(text: str) -> str | None:
    """The script ``text`` was written in, or None when it does not tell."""
    return get_classifier().normalizer.written_script(text)


def classify(text: str) -> Classification:
    """Classify with the default classifier (see ``init_nlp``)."""
    return get_classifier().classify(text)
