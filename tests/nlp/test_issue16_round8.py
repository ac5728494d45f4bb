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


# -- from a review of rounds 7 and 8: residents' messages the new rules must not misread --
@pytest.mark.parametrize(
    "text",
    [
        "这家物业迟早要垮 楼梯扶手坏了半年",  # a company, not a structure
        "阳台上的晾衣杆塌下来了 帮忙装一下",  # what stands on a balcony
        "客厅吊顶有点塌 中间凹下去了",  # sagging
        "墙面的瓷砖垮了一块",
        "电梯门关人太快 老人要小心",  # doors closing on people, nobody shut in
        "电梯老卡人 什么时候换新的",  # 老: a habit
        "储物柜卡住了 里面有个孩子的书包",  # the child's bag
        "手机卡在电梯缝里拿不出来",  # a phone, not a person
        "最近有小偷! 大家注意",  # a warning, not a thief here now
        "偷车的那个贼还在逍遥法外",
        "孩子们在玩抓小偷 吵死了",
        "开锁师傅正在撬紧门 系我叫嘅",  # a locksmith the resident called
        "师傅拎着菜刀切西瓜",
        "can security help me break into my own flat? I locked myself out",
        "宝宝把奶瓶锁在车里了",  # the bottle, not the baby
        "车里锁着孩子的玩具",
        "my keys are locked in the car",
        "楼上装修 我家卫生间掉瓷砖了",  # a tile inside, not falling from above
        "我晾的衣服由上面跌落嚟 点拎返",  # laundry
        "拖地的水流到插座旁边 已经擦干了",  # wiped up
        "孩子喜欢爬窗台 能装防护栏吗",  # a habit
        "is there a gas leak inspection next week?",  # next week
        "the smoke detector keeps beeping, low battery I guess",
    ],
)
def test_a_calm_message_in_the_new_words_stays_calm(clf, text):
    assert clf.classify(text).urgent is False


@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        ("车棚整个塌了 下面停着电动车", "collapse"),
        ("有贼 快来 8栋", "violence"),
        ("someone is trying to break into 1502", "violence"),
        ("the dog is locked in the car in this heat", "injury"),
        ("外墙的瓷砖从楼上掉下来了", "falling"),
        ("那个喜欢钓鱼的大爷倒在地上不动了", "injury"),  # 喜欢 describes him, not a habit
        ("the lift broke down last week, now my dad is trapped inside", "elevator"),
        ("I reported the smoke yesterday. It is much worse now", "smoke"),  # worse now
        ("有人要跳楼 8栋楼顶", "falling"),
        ("小孩掉进水池里了", "injury"),
        ("升降機關人呀", "elevator"),
        ("🔥🔥🔥 6栋天台", "fire"),  # fire emoji with a building
    ],
)
def test_an_emergency_the_review_found_is_urgent(clf, text, hazard):
    r = clf.classify(text)
    assert (r.urgent, r.hazard) == (True, hazard), r


def test_fire_emoji_as_praise_is_calm(clf):
    assert clf.classify("这个活动太棒了🔥🔥🔥").urgent is False


# -- round 9: what probe10 (a week of a busy desk's messages, written blind) found --
@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        ("小孩手指被防盗门夹住了 抽不出来 快来", "injury"),  # caught, cannot come out
        ("车库的消防栓被撞坏了 正在喷水", "flood"),  # a hydrant gushing
        ("水都流进配电房了", "flood"),  # water into the electrics
        ("3栋电梯捆人了", "elevator"),  # 捆人: a slip for 困人
    ],
)
def test_round9_emergencies_are_urgent(clf, text, hazard):
    r = clf.classify(text)
    assert (r.urgent, r.hazard) == (True, hazard), r


@pytest.mark.parametrize(
    "text",
    [
        "燃气味 师傅来看过了 阀门已经拧紧了 谢谢",  # fixed
        "烟感被我家狗碰响了 没事没事",  # a pet, and it is nothing
        "老人在花园滑了一跤 擦破点皮 没大事",  # a graze
        "手被门夹了一下 有点疼",  # a pinch, nothing caught
        "水管漏水把楼道弄得全是水 麻烦修一下",  # a leak to mend and mop, not a flood
    ],
)
def test_round9_calm_messages_stay_calm(clf, text):
    assert clf.classify(text).urgent is False


# -- from a second review (rounds 7-9): times, "it is over", and new patterns too broad --
@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        ("the lift stopped a few minutes ago with my kids inside please hurry", "elevator"),
        (
            "smoke has been coming out of the fuse box for 10 minutes and it's getting worse",
            "smoke",
        ),
        ("i reported the gas smell last week and today it is much stronger", "gas"),
        ("the lift always breaks down and today my mum is stuck inside", "elevator"),
        ("Following up: the lift is still stuck and my father is inside", "elevator"),
        ("我上午说的燃气味 前两天就有 今天特别浓 头都晕了", "gas"),
        # "it is over" about one thing does not calm the next
        ("上次的水管已经修好了 谢谢 不过现在楼道里有很浓的煤气味", "gas"),
        ("一楼的火已经扑灭了 三楼又烧起来了", "fire"),
        ("The power is back on but the lift is still stuck with my neighbour inside", "elevator"),
        ("我在三号楼电梯里面电梯不动了门也打不开", "elevator"),
        ("楼道的烟比刚才还大 看不见人了", "smoke"),
        ("water has reached our fuse box and it is sparking", "fire"),
        ("快来 老关家着火了 3栋502", "fire"),  # 老关 is a name, not a habit
    ],
)
def test_second_review_emergencies_are_urgent(clf, text, hazard):
    r = clf.classify(text)
    assert (r.urgent, r.hazard) == (True, hazard), r


@pytest.mark.parametrize(
    "text",
    [
        "My dad was stuck in the lift for half an hour this morning before the technician "
        "came. He is fine now, but who checks these lifts?",
        "we had a small fire in the kitchen this afternoon, it's out and nobody got hurt, "
        "can someone check the hood",
        "昨天晚上又停电了 电梯里困了两个人 等了半小时才救出来",  # 又 inside a past account
        "电梯困人的事 上周也跟你们说过 到现在没答复",  # 也…说过 is not another trapping
        "钥匙掉进井里了 能借个工具吗",  # keys, not a person
        "几个小孩在草地上躺在地上打滚",
        "小孩们在楼道玩游戏 一直喊救命 吵死了",  # children at play
        "🔥3栋高层急售 南北通透 有意私聊",  # an advert
        "电梯停在8楼和9楼中间 里面没人 麻烦修一下",  # nobody inside
        "楼上掉花盆那事查到是谁了吗",  # that matter, past
        "燃气公司的人来看过 说不是漏气 是下水道的味",
        "the boss will fire me if I'm late again",
    ],
)
def test_second_review_calm_messages_stay_calm(clf, text):
    assert clf.classify(text).urgent is False


# -- from a third review (everyday traffic): calm messages the new words must not page anyone for --
@pytest.mark.parametrize(
    "text",
    [
        "上次困人的那台电梯现在修好了吗",  # an event that names a past matter
        "上周停电烧坏的冰箱现在能找谁赔",
        "昨天停电的事今天有说法了吗",
        "电梯门感应不灵 刚才差点卡人",  # 差点
        "电梯到楼层后会往下沉一点 不平层",  # a levelling fault
        "卫生间的吊顶塌了一块 能来装回去吗",  # a panel
        "小区后门那段围墙倒了一截 什么时候修",  # asked when it is mended
        "楼上晾的被子晃来晃去",  # swaying is not falling
        "有人说物业费再涨他就要跳楼了 哈哈",
        "楼上太吵 我上去拍门他不理",  # a neighbour who does not answer the door
        "孩子的球掉进游泳池了",  # the child's ball
        "炒辣椒呛到邻居了 这个算扰民吗",
        "水龙头坏了 一开就像喷泉一样",  # a tap
        "昨天晚上漏水把大堂淹了 今天地板还是滑的 小心老人摔倒",  # a warning
        "there is a fire hazard in the corridor, boxes everywhere",
        "电梯卡在哪里办",  # a lift card
    ],
)
def test_third_review_everyday_messages_stay_calm(clf, text):
    assert clf.classify(text).urgent is False


@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        ("电梯卡人了 快来", "elevator"),
        ("电梯刚才突然往下一沉 停住不动了 里面就我和孩子", "elevator"),
        ("前两天就说地下室墙渗水 今天破了个口子 水像喷泉一样往外涌", "flood"),
        ("楼道有明火 快来", "fire"),
    ],
)
def test_third_review_controls_stay_urgent(clf, text, hazard):
    r = clf.classify(text)
    assert (r.urgent, r.hazard) == (True, hazard), r
