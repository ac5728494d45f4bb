"""The labelled sets: quality bars, Traditional = Simplified, rjieba = jieba."""

from __future__ import annotations

import random

import pytest

from nlp.evaluate import load_set, score
from nlp.normalize import HANS, HANT, to_script
from nlp.tokenizer import RjiebaTokenizer


@pytest.fixture(scope="module")
def dev():
    return load_set("dev")


@pytest.fixture(scope="module")
def holdout():
    return load_set("holdout")


def test_sets_are_large_enough_and_disjoint(dev, holdout):
    assert len(dev) >= 400 and len(holdout) >= 100
    generic = {"", "你好", "在吗", "[图片]"}  # greetings every set has
    assert not ({e.text for e in dev} & {e.text for e in holdout}) - generic


@pytest.mark.parametrize("name", ["dev", "holdout"])
def test_quality_bar(clf, name):
    s = score(load_set(name), clf.classify)
    assert s["macro_f1"] >= 0.93, s["per_intent"]
    assert s["urgent_recall"] == 1.0


def test_traditional_versions_classify_like_the_originals(clf, dev):
    """Each dev message converted with OpenCC s2t gets the same decision."""
    diffs = []
    for e in dev:
        hant = to_script(e.text, HANT)
        a, b = clf.classify(e.text), clf.classify(hant)
        if (a.intent, a.urgent, a.hazard, a.department) != (
            b.intent,
            b.urgent,
            b.hazard,
            b.department,
        ):
            diffs.append((e.text, hant, a.intent, b.intent))
    assert not diffs


def test_script_detection(clf):
    assert clf.classify("樓上天天半夜裝修吵死了").script == HANT
    assert clf.classify("楼上天天半夜装修吵死了").script == HANS
    assert clf.classify("the lift is broken").script == "en"
    assert to_script("我们会尽快安排", HANT) == "我們會盡快安排"
    assert to_script("我们会尽快安排", HANS) == "我们会尽快安排"


def test_rjieba_cuts_exactly_like_jieba(clf, jieba_clf, dev, holdout):
    """The swap is only allowed because it changes nothing: every set, plus random noise."""
    if not isinstance(clf.tokenizer, RjiebaTokenizer):
        pytest.skip("rjieba not in use")
    rnd = random.Random(3)
    alphabet = "ab1-._+#&%:,!?@/ 漏水坏了楼上A😭👍🏻㐀鿖\u3000Ｂ１樓裝修"
    noise = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 12))) for _ in range(3000)]
    texts = [e.text for e in dev + holdout] + noise
    norm = clf.normalizer.normalize
    for t in texts:
        n = norm(t)[0]
        assert clf.tokenizer.cut(n) == jieba_clf.tokenizer.cut(n), t
    for e in dev + holdout:
        assert clf.classify(e.text) == jieba_clf.classify(e.text)
