"""Issue 16, round 15: titles naming real estates and terse chat (probe16, written blind).
In other words than the probe's."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # asks with an agent between the ask and the repair, or with 望
        ("请物业维修金桂园5号楼地下室排风机", "repair"),
        ("望尽快修复翠竹苑小区门禁", "repair"),
        ("关于尽快修理2栋消防门闭门器的请求", "repair"),
        # grievances in a title's own words
        ("物业捆绑收取装修管理费", "complaint"),
        ("保安收取外来车辆好处费", "complaint"),
        ("小区健身房被挪作他用", "complaint"),
        # a title that asks why
        ("为何停车费两年涨三次", "complaint"),
        # terse chat
        ("地库充电桩无法充电", "repair"),
        ("报修一周没人上门", "complaint"),
        ("2栋后面垃圾堆成山", "cleaning"),
        # the same question words inside a longer phrase still ask
        ("公共维修资金如何申请使用", "consultation"),
    ],
)
def test_titles_and_terse_chat(clf, text, intent):
    r = clf.classify(text)
    assert (r.intent, r.urgent) == (intent, False), r


def test_a_title_telling_an_emergency_now_keeps_its_hazards_intent(clf):
    r = clf.classify("紧急求助：丽景苑6栋地下室燃气正在泄漏")
    assert (r.intent, r.urgent, r.hazard) == ("repair", True, "gas"), r
