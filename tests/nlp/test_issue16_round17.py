"""Issue 16, round 17: emergencies reported by staff, from a camera or a doorbell, with a
measurement, after a first action, in a later sentence, very short, in English (probe18,
written blind: urgent recall 0.750 and 5 false alarms at first sight). In other words than
the probe's."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        ("保安报告 8栋楼顶有个人站在边上 劝不下来", "falling"),
        ("有人要跳楼 在5栋天台", "falling"),
        ("监控里看到家里烟感一直在响 家里没人", "smoke"),
        ("可视门铃拍到有人正在撬我家的锁，我出差在外地", "violence"),
        ("3栋顶上的女儿墙正在往外倒", "collapse"),
        ("地库突然全黑了，找不到出口", "power"),
        ("水龙头全关了水表还在转个不停", "flood"),
        ("Someone is dropping glass bottles off the balcony onto the path", "falling"),
        ("Water is pouring out of the pump room into the car park", "flood"),
        ("楼下有两个人打紧交，快叫保安", "violence"),
    ],
)
def test_reported_emergencies(clf, text, hazard):
    r = clf.classify(text)
    assert (r.urgent, r.hazard) == (True, hazard), r


@pytest.mark.parametrize(
    "text",
    [
        "刚才说楼道冒烟，其实是邻居家蒸包子的蒸汽，看错了",
        "燃气表阀门有点松，没闻到味，什么时候方便来看看",
        "Is it normal to smell gas for a moment when the hob lights?",
        "楼下几个小朋友扮打架，玩得好开心",
        "煤气味已经散了，谢谢你们",
    ],
)
def test_calm_twins(clf, text):
    r = clf.classify(text)
    assert not r.urgent, r
