"""What things are called where people read them: kinds, hazards, deadlines, history
events and states, in the staff chats' Chinese and (for residents) in their script."""

from __future__ import annotations

from handlers.context import env

KIND_ICONS = {"repair": "🔧", "complaint": "📣", "cleaning": "🧹", "consultation": "💬"}
HAZARDS_ZH = {
    "gas": "燃气泄漏",
    "fire": "火情",
    "smoke": "冒烟",
    "flood": "漏水/水浸",
    "elevator": "电梯困人",
    "power": "停电",
    "injury": "有人受伤",
    "violence": "冲突/暴力",
    "falling": "高空坠物",
    "collapse": "墙体/顶棚坍塌",
}
DUE_ZH = {
    "claim": "接单截止",
    "report_back": "回复前台截止",
    "answer": "答复业主截止",
    "slot": "上门时间",
    "followup": "回访",
    "autoclose": "自动办结",
    "restore": "恢复截止",
}


def kind_label(kind: str, script: str = "hans") -> str:
    return env().texts(f"kind.{kind}", script)


EVENT_ZH = {
    "created": "登记",
    "status": "状态",
    "message_in": "业主消息",
    "message_out": "回复业主",
    "note": "备注",
    "assigned": "指派",
    "escalated": "升级",
    "reminder": "提醒",
    "alert": "告警",
    "command": "操作",
    "followup": "回访",
    "contact": "查看联系方式",
}
"""How a ticket's history names each kind of event (``models.domain.lifecycle``)."""

RESIDENT_STATUS = {
    "new": ("待确认", "waiting for your answer"),
    "dispatched": ("已受理", "received"),
    "claimed": ("处理中", "in progress"),
    "resolved": ("已处理", "resolved"),
    "closed": ("已办结", "closed"),
    "reopened": ("重新处理中", "reopened"),
    "cancelled": ("已取消", "cancelled"),
}
"""How a ticket's state is named to its resident (Chinese, English)."""

COMPLAINT_CLASS_ZH = {
    "equipment": "设备",
    "attitude": "服务态度",
    "quality": "服务质量",
    "incident": "突发事件",
}


def listed_unit(ticket, label: str | None) -> str:
    """A ticket's unit where staff read it and the caller has its label already (lists,
    the handover, the console's queue, an incident's households): the one rule that an
    anonymous report keeps its unit hidden (``notify.unit_text`` applies it too)."""
    if ticket.anonymous:
        return env().texts("staff.unit_anonymous")
    return label or (ticket.details or {}).get("place") or "-"
