"""One classifier for the whole session: jieba loads once (about 1 s)."""

from __future__ import annotations

import pytest

import nlp


@pytest.fixture(scope="session")
def clf() -> nlp.Classifier:
    return nlp.init_nlp()


@pytest.fixture(scope="session")
def jieba_clf() -> nlp.Classifier:
    """The reference tokenizer, to prove the rjieba swap changes nothing."""
    return nlp.Classifier(tokenizer="jieba")
