"""Issue 16, round 14: titles of letters that are neutral topics, questions and requests
(probe15, written blind): an estate's name marks a title, a title that doubts whether
something was done properly or asks when it will be dealt with is a complaint, asks written
after their object, and an emergency wrapped in greetings. In other words than the probe's."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # a bare topic that names an estate the way portals hide it
        ("某某山庄泳池承包经营", "complaint"),
        ("XX家园12号楼电梯维保", "complaint"),
        ("某某雅苑会所用途变更", "complaint"),
        # whether something done was proper, or whether a means may be used
        ("物业收取装修垃圾清运费是否合法", "complaint"),
        ("物业可否以断电方式催缴欠费", "complaint"),
        # ...unless the writer says plainly it is a question
        ("关于停车收费标准是否合规的咨询", "consultation"),
        # when will it at last be dealt with
        ("6栋屋面漏水何时解决", "complaint"),
        # personal data leaking is a grievance
        ("业主登记信息疑似外泄", "complaint"),
        # a request written after its object
        ("楼梯扶手松动请求加固", "repair"),
        ("化粪池清掏请求", "cleaning"),
        # chat questions keep their sense
        ("物业费是否可以用支付宝交", "consultation"),
    ],
)
def test_titles(clf, text, intent):
    r = clf.classify(text)
    assert (r.intent, r.urgent) == (intent, False), r


@pytest.mark.parametrize(
    ("text", "intent", "hazard"),
    [
        # a line naming an estate that tells an emergency is news from it, not a grievance
        ("某某花园5栋地下室正在大量进水", "repair", "flood"),
        ("XX家园3号楼2单元燃气泄漏", "repair", "gas"),
        # a real estate's name is chat as usual
        ("金桂花园5栋地下室正在大量进水", "repair", "flood"),
        # leaking gas is not leaking data
        ("瓦斯味好重 是不是外洩了", "repair", "gas"),
        # an emergency wrapped in greetings and thanks is the emergency's request
        ("您好，打扰了，地下车库B区天花板刚刚塌下来一大块，麻烦了谢谢", "repair", "collapse"),
    ],
)
def test_news_in_a_titles_shape_stays_urgent(clf, text, intent, hazard):
    r = clf.classify(text)
    assert (r.intent, r.urgent, r.hazard) == (intent, True, hazard), r


def test_a_long_letter_with_a_wall_giving_way_now_is_urgent(clf):
    letter = (
        "某某家园南侧护坡\n今天傍晚开始下暴雨，小区南侧护坡不停往下掉泥土，就在刚才，一段围墙"
        "已经整片垮塌下来，砸坏了下面的两个车棚，剩下的坡面还在往下滑，坡下就是8号楼，请立即派人"
        "封锁现场。"
    )
    r = clf.classify(letter)
    assert r.urgent and r.hazard in ("collapse", "falling"), r
