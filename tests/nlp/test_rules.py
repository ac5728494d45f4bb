"""One test per rule family; each fails if its rule is removed from rules.yaml."""

from __future__ import annotations

import pytest


def intent(clf, text):
    return clf.classify(text).intent


# -- basic intents --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("厨房水管漏水了快来人", "repair"),
        ("楼道灯不亮", "repair"),
        ("马桶堵了能来修吗", "repair"),
        ("樓上天天半夜裝修吵死了", "complaint"),
        ("物业费能微信交吗", "consultation"),
        ("门禁卡丢了怎么补办", "consultation"),
        ("单元门口的垃圾桶满了", "cleaning"),
        ("我想约个开荒保洁", "cleaning"),
        ("家里有蟑螂 能不能来消杀", "cleaning"),
        ("你好", "none"),
        ("谢谢师傅", "none"),
        ("", "none"),
        ("👍", "none"),
    ],
)
def test_basic_intents(clf, text, expected):
    assert intent(clf, text) == expected


# -- negation / resolved --------------------------------------------------------------
def test_resolved_is_not_a_repair(clf):
    c = clf.classify("已经修好了 谢谢")
    assert c.intent == "none"
    assert "修好了" in c.keywords or "已经修好" in c.keywords


def test_resolved_is_cancelled_when_it_broke_again(clf):
    assert intent(clf, "上周修好了 今天又漏水了") != "none"


# -- complaint over repair ------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "报修三天了还没人来",
        "灯坏了一个星期了 报了好几次都没人修",
        "刚修好的门禁第二天又坏了",
        "投诉楼道灯坏了没人修",
    ],
)
def test_service_failure_is_a_complaint(clf, text):
    c = clf.classify(text)
    assert c.intent == "complaint"
    assert c.complaint_class == "quality"


def test_explicit_complaint_wins_over_the_object(clf):
    c = clf.classify("投诉小区卫生太差")
    assert c.intent == "complaint"
    c = clf.classify("我要投诉 电梯又坏了")
    assert c.intent == "complaint"


def test_attitude_class(clf):
    c = clf.classify("前台的人态度太差了 爱理不理的")
    assert (c.intent, c.complaint_class) == ("complaint", "attitude")


def test_cleaning_vs_complaint(clf):
    assert intent(clf, "楼道好脏 能不能打扫一下") == "cleaning"
    assert intent(clf, "楼道脏了一个月了都没人打扫 物业费白交了") == "complaint"
    assert intent(clf, "保洁打扫得一点都不干净 跟没扫一样") == "complaint"


def test_question_about_procedure_vs_question_about_fault(clf):
    assert intent(clf, "装修需要交押金吗") == "consultation"
    assert intent(clf, "水管漏了能来修吗") == "repair"


def test_two_problems_the_more_serious_wins(clf):
    assert intent(clf, "马桶堵了 另外物业费怎么交") == "repair"
    assert intent(clf, "楼上装修太吵了 而且我家天花板也被他们弄裂了") == "complaint"


# -- urgent ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        ("楼道里好大的煤气味", "gas"),
        ("天然气管道漏气了", "gas"),
        ("电梯困人了快来", "elevator"),
        ("我妈关在电梯里出不来了", "elevator"),
        ("整个小区都停电了", "power"),
        ("水管爆了 家里淹了", "flood"),
        ("楼下着火了 好大的烟", "fire"),
        ("楼道里全是浓烟", "smoke"),
        ("老人在小区里摔倒了 流了很多血", "injury"),
        ("楼下有人打架", "violence"),
        ("高空抛物 花盆掉下来了", "falling"),
        ("外墙瓷砖掉下来了", "falling"),
    ],
)
def test_urgent_terms(clf, text, hazard):
    c = clf.classify(text)
    assert c.urgent and c.hazard == hazard
    assert not c.uncertain  # an emergency is acted on, not asked about


def test_urgent_question_is_not_a_consultation(clf):
    c = clf.classify("家里燃气泄漏了 怎么办")
    assert c.urgent and c.intent == "repair"


def test_not_urgent(clf):
    for text in ("有人在楼道里抽烟 烟味很大", "燃气费在哪交", "电梯坏了", "卫生间吊顶掉下来一块"):
        assert not clf.classify(text).urgent, text
    assert not clf.classify("孩子差点受伤").urgent  # a near miss is not an injury


# -- agitation ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "什么破物业 再不解决我就打12345",
        "垃圾物业！！！",
        "我已经找律师了",
        "报修了没人来😡😡",
        "他妈的有没有人管",
    ],
)
def test_agitated(clf, text):
    assert clf.classify(text).agitated


def test_not_agitated(clf):
    assert not clf.classify("楼道灯坏了 麻烦来修一下").agitated
    assert not clf.classify("好的！").agitated


# -- departments ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "dept"),
    [
        ("水龙头坏了", "engineering"),
        ("楼上天天半夜装修吵死了", "security"),
        ("我的车位被人占了", "security"),
        ("树枝伸到我家阳台了 麻烦修剪一下", "greening"),
        ("楼道里有垃圾", "cleaning"),
        ("物业费怎么交", "customer_service"),
        ("前台态度太差了", "customer_service"),
        ("你好", None),
        ("楼下有人打架", "security"),
    ],
)
def test_department(clf, text, dept):
    assert clf.classify(text).department == dept


# -- uncertainty ----------------------------------------------------------------------
def test_low_evidence_returns_candidates(clf):
    c = clf.classify("电梯")
    assert c.uncertain and c.candidates[0] == c.intent == "repair"


def test_confident_has_no_candidates(clf):
    c = clf.classify("厨房水管漏水了快来人")
    assert not c.uncertain and c.confidence >= 0.8


def test_keywords_explain(clf):
    c = clf.classify("厨房水管漏水了")
    assert "漏水" in c.keywords


# -- fourth probe round: families, not sentences ----------------------------------------
def test_planned_outage_is_a_question_not_an_emergency(clf):
    c = clf.classify("后天要停电吗 看到公告了")
    assert (c.intent, c.urgent) == ("consultation", False)
    c = clf.classify("晚上停电了快来")  # an outage now stays urgent
    assert c.urgent and c.hazard == "power"


def test_parking_an_e_bike_is_not_a_power_cut(clf):
    c = clf.classify("单元门口老有人停电瓶车")
    assert not c.urgent and c.intent == "complaint"


def test_question_in_passing_does_not_outweigh_the_problem(clf):
    assert intent(clf, "马桶堵了 顺便问一下停车费多少") == "repair"
    assert intent(clf, "顺便问下 可以装修吗") == "consultation"  # no problem: the question


@pytest.mark.parametrize(
    "text",
    [
        "打了好几次电话都没人接",
        "这是第五次反映了",
        "刚换的水龙头没几天又漏了",
        "路灯坏了没人换",
        "客服电话一直占线",
    ],
)
def test_repeated_attempts_and_relapses_are_complaints(clf, text):
    assert intent(clf, text) == "complaint"


@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        ("电梯里关着人", "elevator"),
        ("电体卡住了 我还在里边", "elevator"),
        ("厨房燃气管嘶嘶响", "gas"),
        ("屋企水浸", "flood"),
        ("楼上的水一直往我家流", "flood"),
        ("8栋突然黑了", "power"),
        ("我们单元一点电都没有了", "power"),
        ("两个人在门口动手了", "violence"),
        ("老人在电梯口滑倒了", "injury"),
        ("楼道里都是烟 呛人", "smoke"),
    ],
)
def test_urgent_phrasings(clf, text, hazard):
    c = clf.classify(text)
    assert c.urgent and c.hazard == hazard, c


def test_not_urgent_lookalikes(clf):
    for text in ("楼下烧烤烟很大", "单元门密码锁没电了", "地砖翘起来了 容易绊倒", "电梯里有人抽烟"):
        assert not clf.classify(text).urgent, text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("地库有老鼠跑来跑去", "cleaning"),  # noise made by vermin is pest control
        ("有马蜂在阳台筑巢", "cleaning"),
        ("门岗保安值班时间在玩手机", "complaint"),
        ("快递被人拿走了", "complaint"),
        ("家政一小时多少钱", "consultation"),
        ("垃圾分类几点投放", "consultation"),
        ("开门不", "consultation"),
        ("行 明天再说", "none"),
        ("好了 不用过来了", "none"),
    ],
)
def test_vocabulary_families(clf, text, expected):
    assert intent(clf, text) == expected


@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        ("阳台燃气热水器的管子呲呲响 有味", "gas"),  # hissing plus a smell
        ("灶台那边有股味道 头有点晕", "gas"),  # cooker parts plus a smell
        ("燃气报警器突然响个不停", "gas"),  # a gas alarm going off
        ("楼上家里冒出好多黑烟", "smoke"),
        ("插座烧着了", "fire"),
        ("地下室进水了 快来抽水", "flood"),  # a place taking in water
        ("水已经没过脚踝了", "flood"),  # water depth
        ("5号梯卡住了 里面有人", "elevator"),  # numbered lifts
        ("整座楼冇晒电", "power"),
        ("the power's out in block 3", "power"),
        ("有个老大爷在门口跌倒了爬不起来", "injury"),  # a person who fell
        ("someone collapsed in the lobby", "injury"),
        ("有人在踹我家的门", "violence"),
        ("楼上的招牌快掉下来了", "falling"),  # signage about to fall
    ],
)
def test_fifth_round_urgent_families(clf, text, hazard):
    c = clf.classify(text)
    assert c.urgent and c.hazard == hazard, c


def test_fifth_round_lookalikes_stay_calm(clf):
    for text in (
        "洗衣机进水很慢",  # an inlet, not a flood
        "喷水池什么时候开",
        "阳台的灯罩掉下来了",  # indoors, not from height
        "撬锁师傅电话多少",
        "大火收汁的时候油烟机不吸",
        "下周三停电吗",  # a planned outage
        "之前停电的时候冰箱坏了",  # a past outage
        "燃气报警器要定期换吗",
    ):
        assert not clf.classify(text).urgent, text
    assert intent(clf, "there's smoke pouring out of the flat next door") == "complaint"


# -- sixth probe round: ordinary intents phrased indirectly ----------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("书房的吸顶灯时好时坏", "repair"),  # intermittent faults
        ("浴室的暖风机吹出来忽冷忽热", "repair"),
        ("隔壁大爷每天早上在楼道拉二胡", "complaint"),  # instruments and ball games
        ("楼上天天晚上拍皮球", "complaint"),
        ("水费怎么多扣了两次", "complaint"),  # a wrong charge asked as a question
        ("业主群里问了半天 物业连个回复都没有", "complaint"),
        ("那个车又停我车位上了", "complaint"),
        ("楼下堆了一堆旧沙发旧床垫", "cleaning"),  # bulky rubbish
        ("电梯里一大摊呕吐物", "cleaning"),
        ("装修押金退还是找谁", "consultation"),  # who to ask, alternative questions
        ("办临时车牌登记要去哪", "consultation"),
        ("发错了 不好意思", "none"),  # mistakes, festive wishes, idle questions
        ("过年好 祝大家万事如意", "none"),
        ("没什么事 随便问问", "none"),
    ],
)
def test_sixth_probe_families(clf, text, expected):
    assert intent(clf, text) == expected


def test_cigarette_butts_are_litter_not_smoke(clf):
    c = clf.classify("草坪边上好多烟头")
    assert c.intent == "cleaning"
    assert not c.urgent


def test_effort_is_not_a_fee(clf):
    assert intent(clf, "卧室的门推起来特别费劲") == "repair"


# -- seventh probe round --------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("卧室窗台那里一直在露水", "repair"),  # homophone of 漏水
        ("楼下大堂的显示屏花屏了", "repair"),
        ("电梯门关了又开 反复好几下", "repair"),
        ("门禁对讲的按键按下去弹不回来", "repair"),
        ("停电也要提前说一声吧 一点准备都没有", "complaint"),
        ("装空调的工人把我家墙刮花了 也不道歉", "complaint"),
        ("换个门锁收三百 真是黑心", "complaint"),
        ("想预约钟点工每周来家里打扫 多少钱一次", "cleaning"),
        ("小区的公共维修基金余额在哪里查", "consultation"),
        ("防盗门是自己找人装还是物业统一装", "consultation"),
        ("搬家了业主信息要怎么变更 不然收不到通知", "consultation"),
        ("你好 有件事想问", "none"),
    ],
)
def test_seventh_probe_families(clf, text, expected):
    assert intent(clf, text) == expected


def test_one_circuit_down_is_not_an_outage(clf):
    c = clf.classify("家里卫生间那一路没电了 别的房间都正常")
    assert c.intent == "repair"
    assert not c.urgent


# -- eighth probe round ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("书房的暖气片摸着温温的 跟没开一样", "repair"),  # lukewarm heating
        ("东门的门禁刷脸认不出人了", "repair"),  # recognition failure
        ("3号楼的快递柜存不了件 屏幕黑了", "repair"),
        ("车库里那个摄像头被风吹歪了", "repair"),  # a camera is equipment, not a theft
        ("快递柜坏了十来天 到现在也没修", "complaint"),
        ("维修基金用在哪了从来不公开 太不透明", "complaint"),
        ("隔壁把电梯厅当自家玄关 摆了两个鞋架", "complaint"),
        ("新能源车位天天被一辆油车占着", "complaint"),
        ("对面那家的狗从早到晚一直在叫", "complaint"),
        ("楼道的消防栓多久检查一次", "consultation"),  # schedule question
        ("我家马桶漏水渗到楼下 这个钱谁承担", "consultation"),  # who pays
        ("验房发现问题找谁", "consultation"),
        ("垃圾房味道很大 麻烦安排人清一下", "cleaning"),
    ],
)
def test_eighth_probe_families(clf, text, expected):
    assert intent(clf, text) == expected


# -- ninth probe round ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("每年物业费照交 就这种服务", "complaint"),  # sarcasm about the service
        ("楼下快递柜一个月坏了三回", "complaint"),  # how often it breaks
        ("发了三条消息客服一个都不回", "complaint"),  # being ignored
        ("今年物业费又涨了?", "complaint"),  # fee rise asked as a question
        ("换个水龙头收我一百五", "complaint"),  # price of a small job
        ("厨房的灯一开就跳是怎么回事", "repair"),  # a fault asked as a question
        ("洗衣机坏了找厂家还是找物业", "consultation"),  # whose job
        ("门锁坏了物业给换吗 收不收费", "consultation"),
        ("拿到了 谢谢", "none"),
    ],
)
def test_ninth_probe_families(clf, text, expected):
    assert intent(clf, text) == expected


def test_an_imagined_emergency_is_a_question(clf):
    c = clf.classify("如果电梯困人了应该打哪个电话")
    assert c.intent == "consultation"
    assert not c.urgent
    assert clf.classify("电梯困人了 快来").urgent


@pytest.mark.parametrize(
    "text",
    ["物业管不管啊", "楼上漏水到我家了物业管不管", "你们物业到底管不管"],
)
def test_rhetorical_do_you_care_is_a_complaint(clf, text):
    """ "管不管" asks nothing: it is anger at a company that does not act."""
    assert intent(clf, text) == "complaint"


@pytest.mark.parametrize(
    "text,urgent",
    [
        ("遇到电梯困人了 快来", True),  # starts like a "what if", and is happening now
        ("要是再不来人电梯里的人要憋坏了", True),  # conditional words, real people inside
        ("电梯里有人在喊", True),  # people inside a lift, calling out
        ("万一有人被困电梯里我们要怎么办", False),  # asked in advance: a question
        ("电梯里有人抽烟", False),  # people in a lift, no distress
    ],
)
def test_only_a_what_if_question_calms_an_emergency(clf, text, urgent):
    assert clf.classify(text).urgent is urgent
