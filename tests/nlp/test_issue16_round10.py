"""Issue 16, round 10: what a blind probe (probe12) found at first sight — emergencies in
words the rules lacked (a smell of burning plastic, a carbon-monoxide alarm, a railing or a
column giving way, things about to fall in the wind, Cantonese falls, a stranger following
the writer home, a lift door on a child's hand, homophones of 爆 and 流), their calm twins
(a drill, a figure of speech, a joke, a detector's battery, a detector named as a thing, a
shop called 水漫金山, "原来是说…"), and chat that only looked like ours because the writer said
"我的" or "帮我". Written for these tests in other words than the probe's."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        ("走廊配电箱那边有股烧塑料的味道 越来越浓了", "smoke"),
        ("屋里闻到烧胶皮的味 好像是插座那里", "smoke"),
        ("一氧化碳报警器响个不停 家里两个人都说头晕", "gas"),
        ("The CO alarm in the kitchen is going off and my daughter feels sick", "gas"),
        ("洗澡洗到一半头有点晕 热水器一直开着 窗户是关的", "gas"),
        ("护栏整个往外倒 小孩差点摔出去 现在还在晃", "collapse"),
        ("车库那根柱子开裂了 一直在掉渣 还有咔嚓咔嚓的声音", "collapse"),
        ("The ceiling in the corridor has caved in and water is coming through", "collapse"),
        ("楼上窗户的玻璃碎了一半 挂在窗框上 随时会掉 下面有人走", "falling"),
        ("楼顶的彩钢瓦被风掀起来了 快飞下去了 下面停着车", "falling"),
        ("A glass pane is dangling from a 9th floor window above the entrance", "falling"),
        ("整栋楼停晒电 升降机都停咗", "power"),
        ("三楼水管暴了 水从楼梯往下流", "flood"),
        ("b栋水从楼上往下留 都留到大堂了", "flood"),
        ("门口有个婆婆跌亲 唔识郁 快啲嚟", "injury"),
        ("升降机门夹住了孩子的手 拉不出来", "elevator"),
        ("有个醉汉一路跟着我 我现在躲在保安亭", "violence"),
        ("someone is threatening residents with a machete in the lobby", "violence"),
    ],
)
def test_an_emergency_in_new_words_is_urgent(clf, text, hazard):
    r = clf.classify(text)
    assert (r.urgent, r.hazard) == (True, hazard), r


@pytest.mark.parametrize(
    "text",
    [
        "天热得要冒烟了 空调什么时候能修",  # a figure of speech
        "气得我要着火了 报修一周都没人来",
        "消防演练的时候会放烟雾吗 车要不要挪",  # a drill
        "下个月消防演习 会有烟雾 请大家不要惊慌",
        "我们俩吵得快打起来了 开玩笑的 问下物业费怎么交",  # a joke
        "the smoke detector keeps chirping, probably needs a new battery",  # its battery
        "Where can I buy a gas leak detector for the kitchen?",  # a device named
        "水漫金山酒楼门口的车把消防通道堵了",  # a restaurant of that name
        "anyone here playing fire emblem tonight?",  # a game
        "Is there a phone number posted inside the lift?",  # inside, of nobody
        "群里有人说着火了 原来是说楼下烧烤店生意火",  # it turned out to mean business
        "阳台栏杆有点松 能派人紧一下吗",  # loose, not giving way
        "地下室墙上有条细裂缝 好几年了",  # an old crack
        "树枝掉下来了 麻烦来清理一下",  # fallen, not about to fall
        "我家狗一路跟着我回家 好可爱",  # a dog following
    ],
)
def test_the_calm_twins_stay_calm(clf, text):
    assert not clf.classify(text).urgent, clf.classify(text)


@pytest.mark.parametrize(
    "text",
    [
        "帮我翻译一下这句英文",
        "帮我给孩子想个英文名",
        "请问这里是驾校吗 想报名",
        "有人说我银行卡被冻结了 要转账到安全账户 是真的吗",
        "转发：隔夜菜会致癌 赶紧转给家人",
    ],
)
def test_saying_my_or_help_me_does_not_make_chat_ours(clf, text):
    r = clf.classify(text)
    assert (r.intent, r.in_domain) == ("none", False), r


@pytest.mark.parametrize(
    "text",
    ["中秋节活动报名截止到几号", "消防演习是几号 老人要下楼吗", "Is the fire drill on Saturday?"],
)
def test_the_estates_events_and_drills_are_questions_for_us(clf, text):
    assert clf.classify(text).intent == "consultation", clf.classify(text)


# -- an outside review of round 10 (its own 249 messages): calming words that hid real
# emergencies, new words that raised false alarms, and words still missing. In other words.


@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        ("不是演练 真的着火了 快来", "fire"),  # a drill denied
        ("说是演习 结果电梯口真的在冒烟", "smoke"),  # then the real thing
        ("插座热得冒烟了 还有焦味", "smoke"),  # hot, of a socket: no figure of speech
        ("我急得要冒烟了 电梯困了我爸二十分钟", "elevator"),  # a figure, and then the matter
        ("原来只是有点烟 结果现在整个厨房都烧起来了", "fire"),  # "it turned out", then worse
        ("不是开玩笑 楼下真的打起来了 有人拿刀", "violence"),  # a joke denied
        ("走廊有焦臭味 好像是电表箱那里传出来的", "smoke"),  # a burnt smell from equipment
        ("co報警器狂叫 全家都頭暈", "gas"),
        ("广告牌被风吹松了 随时会飞下来 下面都是人", "falling"),
        ("8楼窗户整扇松脱了 风很大", "falling"),
        ("a man is waving a machete near the playground", "violence"),
        ("someone has been following me from the gate, I'm in the lobby now", "violence"),
        ("电梯门把孩子的手指夹住了 哭得很厉害", "elevator"),
        ("the gas sensor in 702 keeps going off and nobody answers", "gas"),
        ("Gas leaks from the meter in the corridor!!", "gas"),
        ("the ceiling in the stairwell just came down, plaster everywhere", "collapse"),
        ("the railing on 14F is leaning outwards and wobbling", "collapse"),
    ],
)
def test_the_calming_words_do_not_hide_what_follows_and_the_missing_words(clf, text, hazard):
    r = clf.classify(text)
    assert (r.urgent, r.hazard) == (True, hazard), r


@pytest.mark.parametrize(
    "text",
    [
        "新买的水壶一股塑料味 正常吗",  # an everyday smell
        "煮饭煮糊了 一股焦糊味 开窗就好",  # cooking
        "感冒了头有点晕 热水器明天再来修吧",  # a cold, not fumes
        "花园的竹篱笆被风吹歪了",
        "大堂柱子外面贴的瓷砖裂了",  # tiles on a column, not the column
        "窗户外晾的衣服挂在窗框上了",
        "卧室窗户的窗帘杆快掉下来了",  # a curtain rod, not the window
        "我部电脑唔识郁 死机咗",  # a computer that will not move
        "大堂地板好滑 我今朝差啲跌亲",  # nearly fell
        "怎么跟踪我的报修进度",  # following a ticket
        "一个男的保安一路跟着我帮我提东西 想表扬他",
        "快递帮我留到门口就行",  # a parcel left at the door
        "暴水管的话物业负责吗",  # a what-if
        "can someone come with a hammer to fix the loose shelf",
        "someone is threatening me with a lawsuit over my parking space",
        "the wallpaper on my bedroom wall just came down",
        "I'm inside the lift now and the button for 9 does not work",
        "小区对面的水漫金山火锅开业了吗",  # a restaurant
        "the smoke detector in the hall chirps every minute",  # its battery
        "今天群里说着火了 结果是说隔壁饭店生意火爆",  # 火爆 is business
    ],
)
def test_the_new_words_do_not_raise_false_alarms(clf, text):
    assert not clf.classify(text).urgent, clf.classify(text)
