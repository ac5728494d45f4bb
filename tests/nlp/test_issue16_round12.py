"""Issue 16, round 12: long messages that tell a story (probe14, written blind): the
emergency comes after the background, often without 现在 in its sentence, and one past time
in an unpunctuated story covered everything. In other words than the probe's."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        # a story in chat (no title line) that says plainly somewhere that it is now
        (
            "物业你好，我是9栋1203的业主，之前跟管家说过好几次楼上卫生间渗水的事，一直说等楼上的人"
            "回来再处理。今天下班回家一开门，楼上的水管好像爆了，天花板一直在往下灌水，水已经漫到"
            "客厅了，插座旁边全是水，我已经把总闸关了，麻烦立即派人上来",
            "flood",
        ),
        # English: "as I type" and "just now" are now, even after "last week"
        (
            "Hi, this is 12B in Block 2. Last week I told the guard that the wiring in the "
            "corridor cupboard buzzes. Smoke is coming out of that cupboard as I type and the "
            "whole landing smells of burning plastic. Please send someone, we are going down.",
            "smoke",
        ),
        # one unpunctuated breath: "我之前就投诉过" later does not cover the fight before it
        (
            "喂保安你们在哪里啊我们车库有两个人打起来了一个拿着铁棍往另一个头上打另一个已经倒在地"
            "上了我之前就投诉过他们两家为车位吵架你们都不管快点过去",
            "violence",
        ),
    ],
)
def test_an_emergency_told_inside_a_story_is_urgent(clf, text, hazard):
    r = clf.classify(text)
    assert (r.urgent, r.hazard) == (True, hazard), r


@pytest.mark.parametrize(
    "text",
    [
        # a count of times is a habit, not an emergency now
        "我想投诉3号楼的电梯，今年到现在已经困人四次了，每次都说维保检查过没问题，上次我邻居被关了"
        "半个多小时，你们到底什么时候彻底修好，请给业主一个明确的答复，不要每次都敷衍了事",
        "上个月小区停电的事我想反映一下，从月初到月底一共停了五次，没有一次提前通知，我家冰箱里的"
        "东西全坏了，现在虽然正常了，但希望你们说明原因，以后提前贴通知，这是基本的服务",
        # a what-if at the end of a request
        "楼道里的灭火器都过期了，消防箱的玻璃也碎了，现在倒是没什么事，可总不能等真着火了才发现"
        "用不了吧，麻烦工程部这周安排人检查更换一下，谢谢",
    ],
)
def test_a_long_calm_story_stays_calm(clf, text):
    assert not clf.classify(text).urgent, clf.classify(text)


# -- an outside review of round 12 (188 long messages of its own): words that a complaint asks
# with (立即, 赶紧, urgent) are not news that something is happening; "已经漫到…" of a past flood;
# "这个是上个礼拜三的事情" after a story. In other words.


@pytest.mark.parametrize(
    "text",
    [
        "上周六晚上楼下有人打架还见了血，我当时吓坏了，今天想问一下物业，打架的那两个人是不是我们"
        "小区的住户？保安为什么没有及时制止？请立即给业主们一个交代，这件事邻居们都很有意见",
        "去年冬天我们楼的水管冻裂了，水已经漫到电梯井里，电梯停了整整一个星期。今年冬天快到了，"
        "请物业提前给外露的水管做好保温，不要再出现这种情况了，拜托早点安排，谢谢",
        "电梯突然往下掉了好几层把我吓得腿都软了后来停在了三楼门打不开我们在里面等了二十多分钟这个是"
        "上个礼拜三的事情你们到现在也没给我回复我们交了这么多年物业费希望你们认真对待一下",
        "I'm a bit worried about the inspection next week. Last time the inspector found a gas "
        "leak at the meter in our corridor and it took two weeks to fix, so it is urgent that "
        "someone checks the pipes before they come. Please let me know the schedule.",
    ],
)
def test_a_long_complaint_asking_for_haste_is_no_emergency_now(clf, text):
    assert not clf.classify(text).urgent, clf.classify(text)
