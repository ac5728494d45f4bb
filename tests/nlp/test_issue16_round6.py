"""Issue 16, round 6: emergencies told indirectly, found by a blind probe (probe7), and the
calm look-alikes that must stay calm. Written for these tests (none of them is a row of a
data set): each family in other words than the probe's."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        ("燃气表那边一直嘶嘶嘶地响 总阀关不上", "gas"),  # hissing at a meter or a valve
        ("樓下大堂好大陣石油氣味", "gas"),  # LPG, Hong Kong
        ("老婆洗澡出来说头晕想吐 热水器是烧气的 我也有点头痛", "gas"),  # fumes
        ("一家人都恶心头疼 屋里放着炭盆 窗户关着", "gas"),
        ("电动车电瓶在楼道里着了 还在烧", "fire"),  # a thing that caught fire
        ("插线板着起来了 快来人", "fire"),
        ("卧室墙里的电线好像烧了 墙面烫手", "fire"),
        ("电梯停在半空 门打不开 里面有个老人", "elevator"),  # whoever is inside
        ("保安亭旁边有人躺地上一动不动", "injury"),  # down and not moving
        ("小区泳池有个孩子沉下去了", "injury"),
        ("一只大黄狗在咬人 快来", "injury"),  # a dog biting now
        ("我爸在卫生间里喊不应 门反锁了", "injury"),
        ("大堂有个人拿着砍刀追人", "violence"),  # a weapon in hand
        ("窗台外面坐着个小孩 腿悬在外头 5栋12楼", "falling"),  # on the ledge, told ledge first
        ("车棚塌了 有人在下面", "falling"),
        ("垃圾桶里的烟头冒烟了 味道很大", "smoke"),
    ],
)
def test_an_emergency_told_indirectly_is_urgent(clf, text, hazard):
    r = clf.classify(text)
    assert (r.urgent, r.hazard) == (True, hazard), r


@pytest.mark.parametrize(
    "text",
    [
        "要是半夜停电了 电梯里的人怎么出来",  # 要是: a what-if
        "群里有人发了个着火的表情包",  # a sticker, a joke
        "物业通知上说周六上午要停电 冰箱会不会坏",  # a planned outage, from the notice
        "烟雾报警器一直滴滴叫 应该是要换电池了",  # a detector's battery
        "楼下绿化带的喷头一直在喷 水都流到路上了 浪费",  # a sprinkler left on
        "上周我爸在楼梯滑倒了 现在没事了 楼梯能不能加个扶手",  # past, and over
        "楼道烟雾报警器响了 是我家炒辣椒 现在没事了",
        "smoke alarm went off again, it was just burnt toast, all good now",
        "我的车子打不着火了 你们知道附近哪里有修车的吗",  # a car that will not start
        "老人摔了一跤 人没事了 就是台阶太滑",
    ],
)
def test_a_calm_look_alike_stays_calm(clf, text):
    assert clf.classify(text).urgent is False


def test_a_threat_with_if_is_still_urgent(clf):
    # "要是再不来…" is not a what-if: it says how long people have already waited
    assert clf.classify("要是再不来人 电梯里的人要闷坏了").urgent is True
