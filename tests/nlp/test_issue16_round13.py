"""Issue 16, round 13: the misses an outside review of round 12 listed — "now" followed by
"it is over", a worry about what may happen, things soaked in an old flood, trees and
household things that fall, a dark home without the word power, a wall that gave way. Each
family with its calm (or urgent) twin, in other words than the review's."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "text",
    [
        # 现在 followed by "it is over" does not bring an old smell back to now
        "上礼拜楼道里老是有股燃气味现在没事了，就是想问问是谁家的问题",
        "前阵子厨房一直闻到煤气味 现在已经修好了 谢谢师傅",
        # a worry about what may happen, said before it, with nothing told as done
        "最怕的是 晾衣架上那盆花掉下来砸到楼下的人 能不能提醒一下",
        "就怕哪天电梯困人 维保能不能勤一点",
        # a flood long ago: what it ruined is not water coming in now
        "去年夏天车库淹过一次 我的电瓶车到现在都泡坏了没法骑",
        # a tree or an e-bike lying on the ground is not a person
        "门口那棵桂花树倒在地上了，挡着人行道，麻烦园林来处理一下",
        "楼下有辆电动车倒在地上好几天了 没人管",
        # a thing inside the home tipping over is not something falling from a height
        "刚才书房的镜子倒了 吓我一跳",
        # the water stopped, not the power
        "水又停了 黑漆漆的厨房里连碗都洗不了",
    ],
)
def test_calm_twins_stay_calm(clf, text):
    r = clf.classify(text)
    assert not r.urgent, r


@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        # 现在 with fresh trouble stays now
        ("上礼拜就有燃气味 现在整个楼道都是", "gas"),
        # a worry felt now about something told as happening
        ("我好担心啊 我妈在卫生间摔倒了起不来", "injury"),
        ("担心死了 电梯里还关着两个小孩", "elevator"),
        # a person on the floor is still a person on the floor
        ("大堂有个阿姨倒在地上了 叫她没反应", "injury"),
        # a thrown pot that hits a car is still something falling from a height
        ("楼上扔下来一个花盆 砸到我车上了", "falling"),
        # a dark home after something stopped, with no word for power
        ("突然停了 家里黑漆漆的 什么都看不见", "power"),
        # English: a retaining wall that has given way
        (
            "The retaining wall behind block 6 has just given way and the soil is on the path",
            "collapse",
        ),
    ],
)
def test_urgent_twins_stay_urgent(clf, text, hazard):
    r = clf.classify(text)
    assert (r.urgent, r.hazard) == (True, hazard), r
