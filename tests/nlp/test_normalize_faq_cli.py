"""Normalisation, FAQ answers, extra rules files and the CLI contract."""

from __future__ import annotations

import argparse
import json
import re

import pytest

import nlp
from nlp import cli, faq
from nlp.rules import RulesError


# -- normalisation --------------------------------------------------------------------
def test_normalisation(clf):
    n = clf.normalizer.normalize
    assert n("ＡＢＣ！！　电梯  坏了") == ("abc!! 电梯 坏了", "hans")
    assert n("電梯壞了")[0] == "电梯坏了"
    assert n("👍🏻")[0] == "👍"  # skin tone dropped, emoji kept for the rules
    c = clf.classify("  ")
    assert c.intent == "none" and c.text == "  "  # original kept


def test_original_text_is_kept(clf):
    c = clf.classify("樓上天天半夜裝修吵死了！！")
    assert c.text == "樓上天天半夜裝修吵死了！！"
    assert c.normalized == "楼上天天半夜装修吵死了!!"


# -- FAQ ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "faq_id"),
    [
        ("物业费能微信交吗", "fee_payment"),
        ("物業費點交", "fee_payment"),
        ("门禁卡一户能办几张", "access_card_extra"),
        ("门禁卡丢了怎么补办", "access_card_lost"),
        ("能帮我订报纸吗", "newspaper"),
        ("空调加班怎么收费", "ac_overtime"),
        ("装修要申请吗", "renovation"),
        ("搬家要办什么手续", "moving"),
        ("我的快递在哪里取", "mail_parcels"),
        ("电费是怎么算的", "utilities"),
        ("管理处几点上班", "office_hours"),
        ("车位怎么租", "parking"),
    ],
)
def test_faq_hits(clf, text, faq_id):
    a = faq.answer(text)
    assert a is not None and a.id == faq_id


@pytest.mark.parametrize(
    "text", ["宠物要登记吗", "小区有没有游泳池 怎么收费", "你好", "", "厨房漏水了"]
)
def test_faq_misses_go_to_the_front_desk(clf, text):
    assert faq.answer(text) is None


def test_faq_content_from_the_seeds(clf):
    card = faq.answer("门禁卡可以多办一张吗").answer
    assert "三张" in card and "50元" in card
    assert "一个月" in faq.answer("订报纸最少订多久").answer
    for e in faq.get_faq().entries:
        assert "但是" not in e.answer and "我们" in e.answer
        # every answer has its English: same figures, thanks first, "we", no "but"
        assert e.answer_en, e.id
        assert e.answer_en.lower().startswith(("thank", "yes", "of course", "congrat")), e.id
        assert " we " in f" {e.answer_en.lower()} " and " but " not in f" {e.answer_en} "
        figures = set(re.findall(r"\d+", e.answer))
        assert figures <= set(re.findall(r"\d+", e.answer_en)), e.id


def test_faq_answer_in_each_script(clf):
    entry = faq.answer("物业费能微信交吗")
    assert entry.in_script("hans") == entry.answer
    assert "費" in entry.in_script("hant") and "费" not in entry.in_script("hant")
    assert entry.in_script("en") == entry.answer_en
    bare = faq.FaqAnswer("x", "q", "谢谢您的咨询。")
    assert bare.in_script("en") == "谢谢您的咨询。"  # no English written: the Chinese


def test_an_english_but_is_refused(tmp_path):
    path = tmp_path / "faq.yaml"
    path.write_text(
        "entries:\n  - id: x\n    question: q\n    topics: [t]\n"
        "    answer: 谢谢，我们会处理。\n    answer_en: Thank you, but we cannot.\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="but"):
        faq.Faq(path)


# -- extra rules ----------------------------------------------------------------------
def test_extra_rules_extend_and_override(tmp_path):
    extra = tmp_path / "company.yaml"
    extra.write_text(
        "groups:\n"
        "  fault:\n    phrases: [嘎吱嘎吱]\n"
        "  tie_a:\n    score: {repair: 2, complaint: 2}\n    phrases: [平局词]\n"
        "settings:\n  tie_ratio: 0.9\n",
        encoding="utf-8",
    )
    c = nlp.Classifier(extra, tokenizer="jieba")
    assert c.classify("门嘎吱嘎吱").intent == "repair"
    tie = c.classify("平局词")
    assert tie.uncertain and set(tie.candidates) == {"repair", "complaint"}


def test_bad_rules_file_names_the_key(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("groups:\n  x:\n    score: {fixing: 3}\n    phrases: [a]\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"groups\.x"):
        nlp.Classifier(bad, tokenizer="jieba")


def test_a_pattern_part_is_written_in_and_an_unknown_one_is_named(tmp_path):
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "pattern_parts:\n  not_a_toy: '(?!.*玩具)'\n"
        "groups:\n  fault:\n    patterns: ['咯吱咯吱{not_a_toy}']\n",
        encoding="utf-8",
    )
    c = nlp.Classifier(extra, tokenizer="jieba")
    (rx,) = [rx for rx, _ in c.rules.pattern_hits if rx.pattern.startswith("咯吱咯吱")]
    assert rx.pattern == "咯吱咯吱(?!.*玩具)"
    assert rx.search("卧室门咯吱咯吱") and not rx.search("卧室门咯吱咯吱 是玩具")
    bad = tmp_path / "bad.yaml"
    bad.write_text("groups:\n  fault:\n    patterns: ['咯吱{no_such_part}']\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"no_such_part"):
        nlp.Classifier(bad, tokenizer="jieba")


def test_a_key_given_twice_in_a_rules_file_is_an_error(tmp_path):
    """YAML keeps the last of two equal keys silently: a second ``patterns:`` would drop
    the first list without a word."""
    bad = tmp_path / "twice.yaml"
    bad.write_text(
        "groups:\n  fault:\n    patterns: ['咯吱咯吱']\n    patterns: ['嘎吱嘎吱']\n",
        encoding="utf-8",
    )
    with pytest.raises(RulesError, match=r"'patterns' is given twice"):
        nlp.Classifier(bad, tokenizer="jieba")


# -- CLI ------------------------------------------------------------------------------
def _run(argv, capsys):
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    assert args.func(args) == 0
    return capsys.readouterr().out


def test_cli_classify_one(clf, capsys):
    out = json.loads(_run(["classify", "厨房水管漏水了快来人"], capsys))
    assert set(out) == {
        "text", "intent", "confidence", "urgent", "agitated",
        "department", "complaint_class", "keywords", "candidates",
    }  # fmt: skip
    assert out["intent"] == "repair" and out["text"] == "厨房水管漏水了快来人"


def test_cli_classify_file_keeps_order_and_blank_lines(clf, capsys, tmp_path):
    f = tmp_path / "in.txt"
    f.write_text("厨房水管漏水了快来人\n\n物业费能微信交吗\n你好\n", encoding="utf-8")
    lines = _run(["classify", "--file", str(f)], capsys).splitlines()
    assert [json.loads(x)["intent"] for x in lines] == ["repair", "none", "consultation", "none"]
    assert json.loads(lines[1])["text"] == ""


def test_cli_evaluate(clf, capsys):
    out = _run(["evaluate", "--set", "holdout"], capsys)
    assert "macro-F1" in out and "urgent recall" in out and "confusion" in out


def test_cli_help(capsys):
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command"))
    for cmd in ("classify", "evaluate"):
        with pytest.raises(SystemExit):
            parser.parse_args([cmd, "--help"])
    assert "--file" in capsys.readouterr().out


def test_public_api(clf):
    assert nlp.init_nlp() is nlp.init_nlp()
    c = nlp.classify("电梯困人了")
    assert c.urgent and c.hazard == "elevator"
    assert set(c.to_json()) == set(cli_keys())


def cli_keys():
    from nlp.classifier import JSON_KEYS

    return JSON_KEYS
