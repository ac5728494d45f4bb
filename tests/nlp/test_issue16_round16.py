"""Issue 16, round 16: emergencies told in new ways and their calm twins (probe17, written
blind: urgent recall 0.583 and 11 false alarms at first sight). In other words than the
probe's."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        # the smell of gas without the word (臭鸡蛋, 烂白菜), a typo for it, an appliance
        ("猫一直往门口跑，我一闻厨房有股臭鸡蛋味", "gas"),
        ("楼道里一股烂白菜的味道越来越浓", "gas"),
        ("厨房天然汽味道很重", "gas"),
        ("阳台燃气热水器那里有很浓的怪味", "gas"),
        # sparks and blue flashes at a socket
        ("插座那里突然闪蓝光噼啪响", "fire"),
        # smoke through a door's gap
        ("对门的烟从门缝钻出来，敲门没人开", "smoke"),
        # a person who cannot get up, lying on a floor, an old neighbour who does not answer
        ("楼上有人喊救命说起不来了", "injury"),
        ("从窗户看到她倒在厨房地上", "injury"),
        ("隔壁独居的老人敲门半天没人应，电视一直开着", "injury"),
        # water up to the steps, water into the electric box
        ("一楼大堂水已经漫到台阶了", "flood"),
        ("楼上的水顺着墙漏进了我家配电箱", "flood"),
        # a whole floor dark (Cantonese), a fridge silent and every light out, a shock
        ("成层楼黑晒，部升降机都停咗", "power"),
        ("冰箱不响了 灯全灭了", "power"),
        ("摸水龙头手麻，地上全是水", "power"),
        # giving way as one watches
        ("卫生间顶上在往下垮，掉了一大块", "collapse"),
        ("客厅墙上的裂缝眼看着变宽", "collapse"),
        # a child alone in a lift whose door will not open
        ("孩子一个人在电梯里，打电话说灯灭了门不开", "elevator"),
        # Sichuanese fighting, someone climbing in
        ("楼下两个人在打锤，快叫保安", "violence"),
        ("有个男的正从隔壁阳台往我家翻", "violence"),
    ],
)
def test_new_ways_of_telling_an_emergency(clf, text, hazard):
    r = clf.classify(text)
    assert (r.urgent, r.hazard) == (True, hazard), r


@pytest.mark.parametrize(
    "text",
    [
        # rubbish that smells like rotten eggs
        "垃圾桶那边一股臭鸡蛋味，几天没人清了",
        # whenever one does something (一…就), a habit
        "我家猫一看到煤气灶点火就躲起来，好好笑",
        "隔壁一做饭就冒烟，油烟都飘进我家",
        # a film, a burner that will not light
        "电视剧里有人拿刀追人，吓死我了",
        "燃气灶点不着火，打了好几次",
        # thought it was a fire, it was not
        "我还以为着火了，原来是人家在放烟花，没事",
        # power back (Cantonese)
        "头先停电，而家已经有返电",
        # throwing things down again and again
        "楼上老往下扔果皮，已经不是第一次了",
        # incense from a neighbour
        "隔壁天天烧香，烟从门缝飘进来，能不能沟通一下",
        # a gadget's charger that gives a tingle is not ours
        "新买的充电器有点漏电，摸着麻手",
        # a tyre, not gas
        "我车子轮胎漏气了，小区附近哪里能补胎",
    ],
)
def test_calm_twins_stay_calm(clf, text):
    r = clf.classify(text)
    assert not r.urgent, r


def test_a_pet_named_does_not_calm_a_gas_leak(clf):
    r = clf.classify("我家狗一直冲着厨房叫，进去一闻有股臭鸡蛋味")
    assert (r.urgent, r.hazard) == (True, "gas"), r


# -- an outside review of round 16 (283 messages of its own): a habit of 一…就 silenced leaks
# happening now, a film, a burner or rubbish calmed the whole message, water depth and a
# person on a floor were read anywhere. In other words than the review's.


@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        ("一开火就闻到很浓的煤气味，现在关了阀门还是很浓", "gas"),
        ("电视剧里正演着火灾，我家楼下真的着火了", "fire"),
        ("燃气灶点不着火，结果管子那里起火了", "fire"),
        ("不是垃圾的味道，是厨房燃气管那边一股臭鸡蛋味", "gas"),
        ("像那个臭鸡蛋一样的味道，我不敢开灯", "gas"),
        ("装修师傅把燃气管钻破了，呼呼往外冒气", "gas"),
        ("楼道的栏杆漏电，刚才碰到被电了一下", "power"),
        ("The shower gives me an electric shock when I touch the tap", "power"),
        ("I slipped in the bathroom and can't get up", "injury"),
        ("车库顶上的混凝土一直往下掉", "collapse"),
        ("有人在楼下打捶，快来", "violence"),
    ],
)
def test_review_urgent(clf, text, hazard):
    r = clf.classify(text)
    assert (r.urgent, r.hazard) == (True, hazard), r


@pytest.mark.parametrize(
    "text",
    [
        "早上吃了个臭鸡蛋，肚子不舒服",
        "游泳池的水淹到腰那么深，小孩能下去吗",
        "天气预报说明天雨大，水会漫到台阶",
        "健身房的大爷躺在地上做仰卧起坐",
        "躺在草地上看星星，小区晚上真安静",
        "隔壁老人敲门不应，可能是耳背，能不能装个门铃",
        "冰箱停了灯都灭了，后来我把总闸推上去就好了",
        "电焊师傅在楼下打火花，声音太吵",
        "一做饭就冒烟，排烟管道是不是堵了",
        "楼上总往下丢果皮，我阳台全是",
        "I thought there was a fire but it was just the neighbours burning toast",
    ],
)
def test_review_calm(clf, text):
    r = clf.classify(text)
    assert not r.urgent, r
