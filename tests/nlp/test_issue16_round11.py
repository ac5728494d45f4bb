"""Issue 16, round 11: what a blind probe of a night shift at the desk (probe13) found at
first sight — voice-to-text with no punctuation where one place word (外地) made the whole
message imagined, a wall that has just fallen, water through a light fitting, a man about
to break a door down, a fall that leaves an old woman unable to move, a child bleeding (in
Cantonese), a ceiling that "just came down" in an English letter; and calm messages read
as emergencies: a guard's log of a rescue done, the cook's own smoke, "不是煤气", a grazed
knee seen to, a film on the neighbour's television, "真着火了谁都跑不出去". In other words
than the probe's."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        # spoken, unpunctuated: the particles (啊, 吧, 嘛) end a clause, so a place named
        # later ("女儿在外地") no longer makes the gas smell imagined
        ("喂是物业吗我是七栋的刘阿姨啊厨房里一股臭鸡蛋味我头有点晕吧女儿在外地也回不来", "gas"),
        ("小区西门那段围墙刚刚倒了 压到一辆电动车", "collapse"),
        ("車庫旁邊的擋土牆塌了，壓住了一台車", "collapse"),
        ("楼上漏下来的水顺着灯座在滴水 灯还亮着", "flood"),
        ("a drunk man is pounding on our door and says he will kick it down", "violence"),
        ("我在楼梯口踩空了 脚肿得老高 坐在地上动不了 快来个人", "injury"),
        ("游泳池边有个小朋友滑亲 流咗好多血", "injury"),
        ("The kitchen ceiling just came down in pieces and the crack is spreading", "collapse"),
    ],
)
def test_a_night_shift_emergency_is_urgent(clf, text, hazard):
    r = clf.classify(text)
    assert (r.urgent, r.hazard) == (True, hazard), r


@pytest.mark.parametrize(
    "text",
    [
        "值班记录：3号楼电梯困人已解救，无人受伤，维保已复位",  # a log of a rescue done
        "刚才被困在电梯里的是我邻居，已经出来了，谢谢",  # out already
        "烟感响了一下 是我煎鱼的烟 已经开窗了 不用来",  # the cook's own smoke
        "楼下一股臭鸡蛋味 应该是垃圾 不是煤气",  # not gas
        "刚才在花园摔了一下 擦伤膝盖 没事 那块地砖麻烦修一下",  # a graze
        "楼上电视开得好大声 在放火灾的电视剧 能不能提醒一下",  # a film
        "楼道堆满杂物 真着火了谁都跑不出去",  # a what-if
        "If there's ever a fire at night, where do we assemble?",
    ],
)
def test_a_night_shift_near_miss_stays_calm(clf, text):
    assert not clf.classify(text).urgent, clf.classify(text)


@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        ("烟感响了 是我煎鱼 结果锅里的油着火了", "fire"),  # the cook's smoke, then a fire
        ("不是煤气 是插座在冒烟", "smoke"),
        ("被困的人已经出来了 可是电梯里还有一个", "elevator"),
    ],
)
def test_the_new_calming_words_do_not_hide_what_follows(clf, text, hazard):
    r = clf.classify(text)
    assert (r.urgent, r.hazard) == (True, hazard), r
