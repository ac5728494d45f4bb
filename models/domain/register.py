"""The owners' and tenants' register (业户档案), row by row: which column is which,
and what each cell must hold. Pure functions: reading the spreadsheet and writing the
rows are ``handlers.register_import``'s.

A property office keeps the register in a spreadsheet with its own headings, in its
own order: 楼栋 / 单元 / 房号 / 姓名 / 手机号 / 身份 (业主, 租户) and often 面积 and 备注.
Headings are recognised in Chinese and English; a row's problems are reported as a
person would say them, with the row number the office sees in Excel.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from models.domain.config import Community
from models.domain.unit_text import key_of, part_tokens
from models.domain.units import building_key, find_building, label

COLUMNS = ("building", "entrance", "room", "name", "phone", "role", "area", "note")
REQUIRED = ("building", "room", "name")
COLUMN_ZH = {
    "building": "楼栋",
    "entrance": "单元",
    "room": "房号",
    "name": "姓名",
    "phone": "手机号",
    "role": "身份",
    "area": "面积",
    "note": "备注",
}
HEADINGS: dict[str, tuple[str, ...]] = {
    "building": (
        "楼栋",
        "楼号",
        "楼栋号",
        "栋",
        "栋号",
        "幢",
        "楼宇",
        "楼",
        "楼座",
        "座",
        "building",
        "buildingno",
        "bldg",
        "block",
        "tower",
    ),
    "entrance": ("单元", "单元号", "门洞", "entrance", "unit", "unitno", "stair", "staircase"),
    "room": (
        "房号",
        "房间号",
        "房间",
        "室",
        "门牌号",
        "户号",
        "房屋编号",
        "房屋",
        "铺位号",
        "room",
        "roomno",
        "flat",
        "flatno",
        "apartment",
        "apt",
        "door",
        "doorno",
    ),
    "name": (
        "姓名",
        "业主姓名",
        "住户姓名",
        "客户姓名",
        "名字",
        "联系人",
        "业主",
        "住户",
        "name",
        "fullname",
        "ownername",
        "residentname",
        "resident",
        "owner",
    ),
    "phone": (
        "手机号",
        "手机",
        "手机号码",
        "电话",
        "联系电话",
        "电话号码",
        "联系方式",
        "phone",
        "mobile",
        "mobileno",
        "tel",
        "telephone",
        "phoneno",
        "phonenumber",
        "cellphone",
    ),
    "role": (
        "身份",
        "类型",
        "住户类型",
        "业户类型",
        "业主租户",
        "业主/租户",
        "性质",
        "关系",
        "住户身份",
        "type",
        "role",
        "status",
        "ownertenant",
        "owner/tenant",
        "relation",
    ),
    "area": ("面积", "建筑面积", "房屋面积", "使用面积", "area", "size", "floorarea", "sqm"),
    "note": ("备注", "说明", "附注", "note", "notes", "remark", "remarks", "comment", "comments"),
}
ROLES = {
    "owner": ("业主", "产权人", "房主", "屋主", "业权人", "owner", "landlord"),
    "tenant": ("租户", "租客", "承租人", "租住", "tenant", "renter", "lessee"),
    "family": ("家属", "家庭成员", "同住人", "亲属", "family", "member", "householdmember"),
}
ROLE_ZH = {"owner": "业主", "tenant": "租户", "family": "家属"}


def squash(text: Any) -> str:
    """A heading or value as compared: half-width, lower-case, without spaces, marks
    (* 必填) and anything in brackets (面积（㎡）)."""
    s = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    s = re.sub(r"[(\[（【].*?[)\]）】]", "", s)
    s = s.replace("必填", "").replace("选填", "")
    return re.sub(r"[\s*_\-.:：#]", "", s)


_LOOKUP = {squash(h): col for col, names in HEADINGS.items() for h in names}


def column_of(heading: Any) -> str | None:
    """Which column a heading names (None: not one of ours)."""
    return _LOOKUP.get(squash(heading))


def header_columns(cells: list[Any]) -> dict[str, int]:
    """Column name → index for a candidate header row (the first of each kind wins)."""
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        col = column_of(cell)
        if col is not None and col not in found:
            found[col] = i
    return found


def normalise_phone(value: Any) -> str | None:
    """A phone number as digits (mainland mobiles without +86; landlines with their area
    code; other countries with a leading +), or None when it is not one. Excel keeps a
    phone typed as a number as 13812345678.0."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = unicodedata.normalize("NFKC", str(value)).strip()
    plus = s.startswith("+") or s.startswith("00")
    digits = re.sub(r"\D", "", s)
    if not digits or re.search(r"[^\d\s\-+()（）]", s):
        return None
    if s.startswith("00"):
        digits = digits[2:]
    if digits.startswith("86") and len(digits) == 13 and digits[2] == "1":
        digits = digits[2:]
        plus = False
    if re.fullmatch(r"1[3-9]\d{9}", digits):
        return digits
    if not plus and re.fullmatch(r"0\d{9,11}", digits):
        return digits
    if plus and 8 <= len(digits) <= 15:
        return "+" + digits
    return None


def mask_phone(phone: str | None) -> str:
    """138****5678; landlines 0571****3456; others keep their last four digits."""
    if not phone:
        return "无"
    if len(phone) == 11 and phone.startswith("1"):
        return f"{phone[:3]}****{phone[-4:]}"
    return f"{phone[:4]}****{phone[-4:]}" if len(phone) > 8 else "****" + phone[-4:]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


@dataclass
class Row:
    """One valid row of the register."""

    number: int  # as Excel shows it
    building: str  # the building's name in the configuration
    entrance: int | None
    room: str
    label: str
    key: str  # the unit's full key (unit_text)
    name: str
    phone: str | None
    role: str
    area: float | None = None
    note: str = ""


@dataclass
class RowError:
    number: int
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"第 {self.number} 行：" + "；".join(self.problems)


def read_row(
    number: int, values: dict[str, Any], community: Community, *, has_role: bool
) -> Row | RowError:
    """A row's cells (by column name) checked against the community's buildings."""
    problems: list[str] = []
    building_text = _text(values.get("building"))
    building = None
    if not building_text:
        problems.append("楼栋为空")
    else:
        building = find_building(community, building_text)
        if building is None:
            known = "、".join(b.name for b in community.buildings)
            problems.append(
                f"楼栋“{building_text}”不在{community.name}的楼栋里（配置里有：{known}）"
            )
    entrance_text = _text(values.get("entrance"))
    entrance = None
    if entrance_text:
        tokens = part_tokens(entrance_text)
        if len(tokens) == 1 and tokens[0].isdigit() and 0 < int(tokens[0]) <= 99:
            entrance = int(tokens[0])
        else:
            problems.append(f"单元“{entrance_text}”应为数字，例如 2 或 2单元")
    if building is not None and building.floors is not None and not problems:
        # a building whose shape the config gives: its entrances are known
        if entrance is None and building.entrances == 1:
            entrance = 1  # "5栋101" is 5栋1单元101, as residents of a one-entrance building write
        elif entrance is None and building.entrances > 1:
            problems.append(
                f"单元为空（{building.name}栋有 {building.entrances} 个单元，请写明是第几单元）"
            )
        elif entrance is not None and entrance > building.entrances:
            problems.append(
                f"单元“{entrance_text}”不在{building.name}栋里（配置里这栋有 "
                f"{building.entrances} 个单元）"
            )
    room = re.sub(r"\s*(室|房)$", "", _text(values.get("room")))  # 1201室 is room 1201
    if not room:
        problems.append("房号为空")
    elif not part_tokens(room):
        problems.append(f"房号“{room}”里没有数字或字母")
    name = re.sub(r"\s+", " ", _text(values.get("name")))
    if not name:
        problems.append("姓名为空")
    elif len(name) > 64:
        problems.append("姓名超过 64 个字")
    phone_text = _text(values.get("phone"))
    phone = None
    if phone_text:
        phone = normalise_phone(values.get("phone"))
        if phone is None:
            problems.append(f"手机号“{phone_text}”格式不对（应为 11 位手机号，或带区号的座机）")
    role = "owner"
    if has_role:
        role_text = squash(values.get("role"))
        role = next((r for r, words in ROLES.items() if role_text in map(squash, words)), "")
        if not role_text:
            problems.append("身份为空（应为 业主、租户 或 家属）")
        elif not role:
            problems.append(f"身份“{_text(values.get('role'))}”应为 业主、租户 或 家属")
    area = None
    area_text = _text(values.get("area"))
    if area_text:
        m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(?:㎡|m2|m²|平方米|平米|平)?", area_text.lower())
        if m and 0 < float(m.group(1)) < 100000:
            area = float(m.group(1))
        else:
            problems.append(f"面积“{area_text}”应为数字（平方米）")
    if problems or building is None:
        return RowError(number, problems)
    key = key_of(
        part_tokens(building.name) + ([str(entrance)] if entrance else []) + part_tokens(room)
    )
    return Row(
        number=number,
        building=building.name,
        entrance=entrance,
        room=room,
        label=label(community, building, entrance, room),
        key=key,
        name=name,
        phone=phone,
        role=role,
        area=area,
        note=_text(values.get("note"))[:500],
    )


class Duplicates:
    """A person listed twice for one unit (written the same way or another: 3-2-1201
    and 3栋2单元1201 are one unit) is an error on the second row."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str, str], int] = {}

    def check(self, row: Row) -> RowError | None:
        person = (building_key(row.building), row.key, squash(row.name))
        first = self._seen.setdefault(person, row.number)
        if first == row.number:
            return None
        return RowError(row.number, [f"{row.label} 的 {row.name} 与第 {first} 行重复"])
