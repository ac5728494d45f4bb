"""Issue 16, round 8: emergencies told as replies, by unusual reporters, by what people see
and hear, mixed with grievances, or with times that mislead, found by a blind probe
(probe9), and the calm twins (it is over, it was handled, it was another day). Written
for these tests (none of them is a row of a data set): each family in other words than
the probe's."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        # a past time compared with is no time; a clause that comes back to now is now
        ("师傅怎么还没来 这次燃气味比昨天那次还冲", "gas"),
        ("上周就说电梯异响 你们不管 刚刚真的困人了 快来", "elevator"),
        ("去年报的漏水一直没修 今天直接爆了 满屋都是水", "flood"),
        ("燃气公司说等他们来 可屋里那个味越来越重了 孩子说头晕", "gas"),  # the company named
        ("我是快递员 被困在你们3栋的电梯里了 门扒不开", "elevator"),  # in the lift, somewhere
        ("电梯卡在5楼和6楼之间 按铃没人理", "elevator"),  # between floors
        ("电梯刚才突然往下沉了一截 停住不动了 里面就我跟我妈", "elevator"),  # it sank
        ("楼道里有个老太太趴在地上 叫她也不理", "injury"),  # down and not answering
        ("隔壁屋里有人在喊救命 敲门没人开", "injury"),  # a cry for help, cause unknown
        ("楼上吵架 听到女的哭着喊别打了", "violence"),
        ("隔壁在打人 女的一直在喊救命", "violence"),  # a fight stays a fight
        ("看到对面楼有个孩子站在空调外机上", "falling"),  # an air-conditioner bracket
        ("楼上窗户外挂着的广告牌随时要掉 下面是小区大门", "falling"),  # about to fall
        ("卧室天花板整块掉下来了 砸在床上", "collapse"),  # a whole ceiling
        ("垃圾箱着了 火苗挺高", "fire"),  # a bin on fire
        ("那边烧到电动车了 快叫消防", "fire"),  # spreading
        ("走廊好多烟 呛到喘不过气", "smoke"),
        ("楼上漏下来的水接都接不过来了", "flood"),  # a torrent no bucket catches
        ("煤气味 你们说已经处理了 可是还是很臭", "gas"),  # "handled", and it is not
        ("电梯困人了 上周也困过一次 你们到底修不修", "elevator"),  # the last time is not this one
    ],
)
def test_an_emergency_told_as_a_reply_or_with_misleading_times_is_urgent(clf, text, hazard):
    r = clf.classify(text)
    assert (r.urgent, r.hazard) == (True, hazard), r


@pytest.mark.parametrize(
    "text",
    [
        "燃气公司已经处理好了 谢谢",  # handled
        "刚才困在电梯里的人已经救咗出嚟 冇事",  # rescued (Cantonese)
        "掉下来的砖已经清理掉了 什么时候修外墙",  # cleared away
        "打架的已经被劝开了 现在没事了",  # over
        "电梯困人 昨天的事 有没有个说法",  # yesterday's
        "3月份停过一次电 冰箱坏了谁赔",  # a month named
        "前两天楼道着火那次 物业反应太慢",  # 前两天
        "比上次好多了 谢谢师傅",
        "卫生间吊顶掉下来一块",  # a piece of a ceiling is a repair
        "洗衣机一排水地漏就往外涌水",  # a drain backing up
        "楼顶水箱溢水 哗哗往下流",  # overflow, not a flood
        "天花板掉了一小块墙皮",
    ],
)
def test_a_calm_reply_stays_calm(clf, text):
    assert clf.classify(text).urgent is False


def test_handled_asked_about_is_not_handled(clf):
    # "已经处理了吗" asks; it does not calm anything
    assert clf.classify("煤气味好大 你们已经处理了吗 怎么还这么臭").urgent is True
