"""nlp.mask_personal: what staff see has no phone, ID-card or e-mail of a resident."""

from __future__ import annotations

import re

import pytest

from nlp import mask_personal


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("13812345678", "138****5678"),
        ("电话13812345678。", "电话138****5678。"),
        ("138-1234-5678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("138.1234.5678", "138****5678"),
        ("138  1234  5678", "138****5678"),
        ("138 - 1234 - 5678", "138****5678"),
        ("138—1234—5678", "138****5678"),
        ("身份证110101 19900307 4514", "身份证1101************4514"),
        ("+86 138 1234 5678", "+86 138****5678"),
        ("+8613812345678", "+86138****5678"),
        ("0086-13812345678", "0086-138****5678"),
        ("(+86)13812345678", "(+86)138****5678"),
        ("１３８１２３４５６７８", "138****5678"),
        ("tel13812345678", "tel138****5678"),
        ("座机0571-88123456", "座机0571-****3456"),
        ("(010) 1234 5678", "(010) ****5678"),
        ("身份证330102199001011234", "身份证3301**********1234"),
        ("33010219900101123X", "3301**********123X"),
        ("卡号6222021234567890128", "卡号6222***********0128"),
        ("邮箱zhang.san@example.com", "邮箱z***@example.com"),
        ("mail a@b.cn ok", "mail a***@b.cn ok"),
    ],
)
def test_masks(text, masked):
    assert mask_personal(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "3栋2单元1201",
        "工单20261203-0007",
        "20261203-0007 已处理",
        "2026-12-03 10:30",
        "2026年12月3日",
        "¥1,380.00",
        "13800元",
        "物业费3.5元每平",
        "S-101",
        "12-1503",
        "车牌浙A12345",
        "订单号213812345678901",  # a longer run of digits is not a phone
        "6222021234567890123",  # fails the Luhn check: not a card
        "33010219901301123X",  # month 13: not an ID
        "",
        "你好",
    ],
)
def test_leaves_alone(text):
    assert mask_personal(text) == text


def test_none_and_idempotent():
    assert mask_personal(None) == ""
    once = mask_personal("13812345678 a@b.cn 330102199001011234")
    assert mask_personal(once) == once


def test_masking_keeps_the_rest_of_the_text():
    text = "3栋2单元1201 王先生 13812345678 水管漏了 工单20261203-0007"
    assert mask_personal(text) == "3栋2单元1201 王先生 138****5678 水管漏了 工单20261203-0007"


def test_property_phones_are_always_masked():
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies

    @hypothesis.given(
        prefix=st.sampled_from(["", "电话", "我的手机 ", "联系：", "tel:"]),
        head=st.sampled_from([str(x) for x in range(130, 200)]),
        mid=st.text("0123456789", min_size=4, max_size=4),
        tail=st.text("0123456789", min_size=4, max_size=4),
        sep=st.sampled_from(["", "-", " "]),
        suffix=st.sampled_from(["", " 谢谢", "。", " 3栋1201"]),
    )
    @hypothesis.settings(max_examples=300, deadline=None)
    def check(prefix, head, mid, tail, sep, suffix):
        text = f"{prefix}{head}{sep}{mid}{sep}{tail}{suffix}"
        assert mask_personal(text) == f"{prefix}{head}****{tail}{suffix}"

    check()


def test_property_short_numbers_are_never_touched():
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies

    @hypothesis.given(st.text(alphabet="0123456789栋单元室号楼-元年月日 .", max_size=40))
    @hypothesis.settings(max_examples=300, deadline=None)
    def check(text):
        if max((len(x) for x in re.findall(r"\d+", text)), default=0) < 7:
            assert mask_personal(text) == text

    check()
