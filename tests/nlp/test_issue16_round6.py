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
        ("一家人都头晕恶心 屋里放着炭盆 窗户关着", "gas"),
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


# -- from a review of rounds 5 and 6: residents' messages the new rules must not misread --
@pytest.mark.parametrize(
    "text",
    [
        "我的车位被占着了，麻烦处理一下",  # 着了 of a car blocked, not on fire
        "我的车被别人的车堵着了，出不去",
        "卫生间墙上的热水管很烫，能不能包一下",  # a hot pipe, not a wire
        "楼下垃圾房太臭了，晚上都睡不着了",  # 睡不着了 is no smouldering bin
        "小区门口的路灯倒了，打电话给物业没反应",  # a lamp post down, nobody
        "车库地面沉下去了一块，很危险",  # the ground, not a person
        "热水器又坏了，真是头疼",  # 头疼 as a figure of speech
        "热水器排水管堵了，味道很恶心",
        "卫生间的水管阀门一直嘶嘶响",  # water hissing at a valve
        "绿化工人拿着铁锹把我家门口的草坪挖了",  # a tool, not a weapon
        "外墙清洗，窗户外面挂着人，能不能提前通知一声",  # façade workers
        "地下车库有人在下面抽烟，烟味很大",
    ],
)
def test_the_new_emergency_words_do_not_fire_on_ordinary_reports(clf, text):
    assert clf.classify(text).urgent is False, clf.classify(text)


@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        ("厨房着火了，已经出来了，火还很大", "fire"),  # people out, the fire is not over
        ("厨房着火了，人没事了，火还在烧", "fire"),
        ("楼下着火了 浓烟已经出来了", "fire"),
        ("老人摔倒了，头破了流了好多血，已经出来了", "injury"),
        ("整栋楼停电了，家里老人的呼吸机电量低", "power"),  # a battery that is not a detector's
        ("停电了，门锁电池没电，进不了家", "power"),
        ("地下室消防喷头爆了，水漫出来了", "flood"),  # a burst sprinkler is a flood
        ("浇水的水管爆了，车库淹了", "flood"),
        ("水管爆了要是你们再不来就淹到楼下了", "flood"),  # 要是…再不来 is no what-if
        ("着火了这不是开玩笑的快来人", "fire"),
    ],
)
def test_an_emergency_with_the_calming_words_nearby_stays_urgent(clf, text, hazard):
    r = clf.classify(text)
    assert (r.urgent, r.hazard) == (True, hazard), r


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("保洁价格能便宜点吗", "consultation"),  # a price of our service
        ("疏通下水道的价格可以商量吗", "consultation"),
        ("房子交付满两年了，墙面开裂还保修吗", "repair"),
        ("请问装修好了怎么申请验收", "consultation"),
        ("装修怎么样了，楼下一直漏水", "repair"),
        ("楼上是不是有装修？天天响", "consultation"),
        ("楼道的监控是不是有东西遮挡", "consultation"),
        ("麻烦找个师傅帮我来看一下热水器", "repair"),  # someone asked to come
        ("我下午在家，师傅可以过来看一下", "repair"),
        ("那明天来看一下吧，我在家", "repair"),
        ("临街的商铺音响开得太大声了", "complaint"),  # a noise with a source
        ("靠路边那栋楼下的广场舞太吵了", "complaint"),
        ("楼道堆满家私，过不去", "cleaning"),
        ("维修费比市场价还贵", "consultation"),
        ("物业是管还是不管", "complaint"),
    ],
)
def test_a_residents_question_with_an_agents_word_stays_ours(clf, text, intent):
    r = clf.classify(text)
    assert r.in_domain and r.intent == intent, r
