"""Issue 16, round 7: emergencies buried in ordinary messages, told for somebody else,
mistyped, in dialect, in a few characters or in English, found by a blind probe
(probe8), and the calm twins that must stay calm. Written for these tests (none of them
is a row of a data set): each family in other words than the probe's."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        ("3号梯卡人了 快来", "elevator"),  # 卡人 / 关人: somebody shut in the lift
        ("电题关人了", "elevator"),  # (电题: what pinyin input gives for 电梯)
        ("电梯停了 门打不开 里面还有个小孩", "elevator"),  # 里面还有个…
        ("有个人坐在楼顶边上 腿都伸出去了", "falling"),  # on the roof's edge
        ("孩子爬窗台了 家里没大人", "falling"),
        ("阳台那面墙要垮了 一直在掉渣", "collapse"),  # a structure giving way
        ("天花 塌下来了 半边都是水泥块", "collapse"),
        ("楼上掉瓷砖了 差点砸到人", "falling"),  # things falling from above now
        ("樓上啲玻璃窗跌咗落嚟 差啲砸中人", "falling"),  # Hong Kong
        ("车里关着个宝宝 车窗都没开 停在太阳底下", "injury"),  # a child shut in a car
        ("小朋友被锁在车里了 大人不在", "injury"),
        ("孩子的脚卡在栏杆缝里抽不出来了", "injury"),  # a limb caught
        ("有小偷! 3栋楼道", "violence"),  # a thief here now
        ("有個人拎住把刀喺大堂度", "violence"),  # Hong Kong: holding a knife
        ("someone is breaking into the car next to mine", "violence"),
        ("楼上漏水 水都流到插座里了", "flood"),  # water reaching the electrics
        ("厨房有煤起味 越来越大", "gas"),  # 煤起: pinyin input for 煤气
        ("楼道着伙了", "fire"),  # 着伙: for 着火
        # English is not a letter at 100 characters, and its spaces end no clause
        (
            "Help! I'm stuck in the lift at block 2, it stopped between floors, door won't open",
            "elevator",
        ),
        ("my dad fell in the bathroom and he's bleeding from the head, he can't get up", "injury"),
        ("there is a strong gas smell in the stairwell", "gas"),
    ],
)
def test_an_emergency_in_ordinary_words_is_urgent(clf, text, hazard):
    r = clf.classify(text)
    assert (r.urgent, r.hazard) == (True, hazard), r


@pytest.mark.parametrize(
    "text",
    [
        "门禁卡人脸识别不了",  # 卡人 inside 门禁卡|人脸
        "孩子老爱爬窗台 能不能装个防护栏",  # a habit, not now
        "我家孩子喜欢爬窗台 怎么办",
        "沙发坐塌了",  # furniture is not a structure
        "卧室墙上的裂缝越来越大",  # a crack that grows is a repair
        "看新闻说外地有栋楼塌了",  # news from elsewhere
        "去年吊顶塌过一次 现在又开始掉渣了 能来看看吗",
        "车里锁着钥匙 能帮忙开一下吗",  # keys, not a child
        "小区最近有小偷 晚上能不能多巡逻",  # thefts in general, not one now
        "what should we do if the power goes out at night?",  # a what-if, in English
        "the lift got stuck last night but it's working fine now, thanks",  # past, and over
        "how do I top up my gas card?",  # gas alone is the supply, not a leak
        "do you sell fire extinguishers?",  # fire in a compound
        "we had a fire drill yesterday, when is the next one?",
        "smells like smoke but it's just a bbq downstairs",
        "请问消防演练那天 着火了怎么逃生也想学学",  # learning what to do
    ],
)
def test_a_calm_twin_stays_calm(clf, text):
    assert clf.classify(text).urgent is False


def test_every_hazard_has_its_name_for_staff_and_its_safety_advice(config):
    from handlers.context import env
    from handlers.labels import HAZARDS_ZH
    from nlp.rules import HAZARDS

    for hazard in HAZARDS:
        assert hazard in HAZARDS_ZH, hazard
        assert f"safety.{hazard}" in env().texts.keys(), hazard
