"""Issue 16, round 2: titles of letters, would-be buyers' what-if questions, a time in the
past for the whole sentence, people stuck and homes without power. Families with their calm
twins, written for these tests (none of them is a row of a data set)."""

from __future__ import annotations

import pytest


def c(clf, text):
    return clf.classify(text)


# -- titles of letters -------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "关于金桥花园地下车库长期积水的问题",  # 关于…的问题
        "反映滨江小区保洁服务缺位",  # 反映…
        "业主维权难",  # …难
        "小区健身器材年久失修",  # written register, no complaint word
        "物业擅自提高停车收费标准",
        "碧水湾二期供水不正常",
        "小区公共收益去向不明",
        "我小区绿化带被占用",  # 我小区 is how titles say "our estate"
        "关於大廈公共設施長期損壞的陳情",  # Traditional
    ],
)
def test_a_title_naming_a_matter_heads_a_complaint(clf, text):
    r = c(clf, text)
    assert (r.intent, r.urgent) == ("complaint", False)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("请求维修小区东门破损道闸", "repair"),
        ("申请为3号楼更换老化水管", "repair"),
        ("关于更换5栋单元门锁的申请", "repair"),
        ("请求清理河边绿化带垃圾", "cleaning"),
        ("咨询住房维修资金使用流程", "consultation"),
        ("业主大会能否线上表决", "consultation"),
        ("物业费收费标准明显过高", "complaint"),  # asks nothing: 标准 with a grievance
    ],
)
def test_a_title_that_asks_heads_what_it_asks(clf, text, intent):
    assert c(clf, text).intent == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("楼道灯不亮了", "repair"),  # chat: particles, rooms, 我, punctuation
        ("暖气不热 麻烦来看看", "repair"),
        ("我家卫生间水管漏水", "repair"),
        ("电梯坏了", "repair"),
        ("物业费怎么交", "consultation"),
        ("停车费一个月多少钱", "consultation"),
        ("物业公司电话多少", "consultation"),
        ("小区停车收费标准", "consultation"),  # asks, in a title or not
        ("楼上漏水严重", "repair"),  # 严重 is said in chat too
        ("申请补办门禁卡", "consultation"),
    ],
)
def test_chat_about_the_same_topics_is_not_a_title(clf, text, intent):
    assert c(clf, text).intent == intent


def test_a_title_is_not_an_emergency_happening_now(clf):
    for text in ("住户反映外墙瓷砖脱落", "楼上住户长期高空抛物", "物业随意停电"):
        assert not c(clf, text).urgent, text
    assert c(clf, "整栋楼停电了").urgent  # chat


# -- a time in the past covers its sentence ----------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "上个月我们那栋，电梯困了人，到现在还没整改",
        "去年台风那次，地下车库被淹了，物业也没赔",
        "琴日部𨋢困咗人 管理處都冇交代",
        "昨天晚上整栋楼停电了两个小时",
    ],
)
def test_past_time_covers_every_clause(clf, text):
    r = c(clf, text)
    assert not r.urgent
    assert r.intent in ("complaint", "none")


@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        ("去年淹过一次，现在又淹了，水已经到脚踝了", "flood"),
        ("昨晚开始停电，到现在还没来电，整栋楼都是黑的", "power"),
    ],
)
def test_a_clause_that_comes_back_to_now_is_urgent(clf, text, hazard):
    assert c(clf, text).hazard == hazard


def test_an_emergency_told_as_past_is_a_complaint(clf):
    r = c(clf, "上周我爸被困在电梯里一个多小时 吓得现在都不敢坐")
    assert (r.intent, r.urgent) == ("complaint", False)
    r = c(clf, "上周电梯困过人 你们有没有查过原因")  # a question about it stays a question
    assert r.intent == "consultation" and not r.urgent


# -- people stuck --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "我老公在电梯里卡住了 门打不开",  # 卡住 of a person, lift named first
        "电梯停在十楼 里面有人出不来",
        "电提卡住了 里面有个人出不来",  # voice-to-text homophone
        "孩子被关在电梯里面了",
        "電梯卡在三樓 我們被困在裡面",  # Taiwan
        "部𨋢卡咗 入面有人",  # Hong Kong
        "升降機困咗人 快啲",
    ],
)
def test_people_stuck_are_urgent(clf, text):
    r = c(clf, text)
    assert r.urgent and r.hazard == "elevator" and r.department == "engineering"


@pytest.mark.parametrize(
    "text",
    [
        "电梯门卡住了 关不上 里面没有人",  # nobody inside
        "卷帘门卡住了 车开不出去",  # a car, not a person
        "钥匙卡在锁孔里了",
        "电梯要是卡住了怎么办",  # what if
        "去年电梯卡住过 困了人",  # past
        "升降機門卡住咗 冇人喺入面",
    ],
)
def test_stuck_things_and_what_ifs_are_calm(clf, text):
    assert not c(clf, text).urgent


def test_stuck_door_is_a_door_not_a_door_card(clf):
    r = c(clf, "电梯门卡住了")
    assert "门卡" not in r.keywords and "卡住" in r.keywords
    assert r.intent == "repair"


# -- whole home or building without power --------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "跳闸了 家里一片黑",
        "全屋都黑了 总闸推不上去",
        "整栋楼黑乎乎的 楼道灯也灭了",
        "家裡全部都沒電了",  # Taiwan
        "成間屋冇晒電",  # Hong Kong
        "總掣推唔返上去",
        "喂那个我们家整个都没电了什么都看不到",  # voice
    ],
)
def test_a_home_without_power_is_urgent(clf, text):
    r = c(clf, text)
    assert r.urgent and r.hazard == "power"


@pytest.mark.parametrize(
    "text",
    [
        "卧室一个插座没电 别的都正常",
        "淨係露台個掣冇電",
        "听日系咪停电",
        "下星期几点停电",
        "电卡没电了 在哪充值",
    ],
)
def test_one_socket_planned_cuts_and_prepaid_cards_are_not(clf, text):
    assert not c(clf, text).urgent


# -- would-be buyers, other people's things ------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "这种老房子会不会漏水",
        "房子有没有返潮",
        "那套房子的卫生间有没有渗过水",
        "顶楼冬天冷不冷",
        "这栋楼电梯经常坏吗",
        "這間屋會唔會入水",
        "车子电瓶没电了 打不着火",
        "朋友的车空调不制冷",
        "我的耳机坏了",
        "最近水果价格又涨了",
        "听说别的城市有个小区电梯掉下来了",
        "这边冬天暖气足不足",  # a what-if about a thing of ours, no fault named
        "我朋友家的空调坏了",  # somebody else's home
        "隔壁城市停电了",
    ],
)
def test_what_ifs_and_things_not_ours_are_not_tickets(clf, text):
    r = c(clf, text)
    assert not r.urgent
    assert r.intent not in ("repair", "complaint", "cleaning")
    assert not r.uncertain


def test_a_what_if_about_a_fault_is_not_happening(clf):
    r = c(clf, "高层会不会水压不够")
    assert (r.intent, r.reason) == ("none", "not_happening")


@pytest.mark.parametrize(
    "text",
    [
        "厨房水管是不是漏了 地上都是水",  # the writer's fault, now
        "卫生间有点渗水 要紧吗 能派人看看吗",
        "电梯有没有人来修啊 坏了三天了",
        "我的车位被人占了",  # one's car in the estate is still ours
        "我的车停在楼下被树枝砸了",
    ],
)
def test_faults_asked_with_an_anchor_stay_ours(clf, text):
    r = c(clf, text)
    assert r.intent in ("repair", "complaint", "cleaning")
