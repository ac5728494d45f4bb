"""Unit numbers (房号): read the many ways residents write them, check them against
the community's buildings, and write them the way the community does."""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.domain.config import Building, Community

# full-width digits and Traditional spellings (棟 單元 號樓) read like the usual ones
_WIDTH = str.maketrans("０１２３４５６７８９－＃棟單號樓", "0123456789-#栋单号楼")
_UNIT = re.compile(
    r"(?P<building>[0-9A-Za-z]{1,4})\s*(?:号楼|栋|幢|座|楼|#|-|_|\s)\s*"
    r"(?:(?P<entrance>\d{1,2})\s*(?:单元|门|-|_|\s)\s*)?"
    r"(?P<room>\d{3,4})\s*(?:室|号|房)?"
)


@dataclass(frozen=True)
class UnitRef:
    community: str
    building: str
    entrance: int
    room: str
    label: str


def example(community: Community) -> str:
    b = community.buildings[0]
    return community.unit_format.format(
        building=b.name, entrance=1, room="1201" if b.floors >= 12 else "101"
    )


def _valid(b: Building, entrance: int, room: str) -> bool:
    n = int(room)
    floor, index = divmod(n, 100)
    return (
        1 <= entrance <= b.entrances
        and 1 <= floor <= b.floors
        and 1 <= index <= (b.rooms_per_floor)
    )


def parse_unit(text: str, community: Community) -> UnitRef | None:
    """The unit written in ``text`` if it exists in ``community``, else None."""
    cleaned = text.translate(_WIDTH).strip().upper()
    for m in _UNIT.finditer(cleaned):
        building = next((b for b in community.buildings if b.name.upper() == m["building"]), None)
        if building is None:
            continue
        if m["entrance"] is None and building.entrances > 1:
            continue  # which 单元? ambiguous: ask again
        entrance = int(m["entrance"] or 1)
        room = m["room"].lstrip("0") or "0"
        if _valid(building, entrance, room):
            label = community.unit_format.format(
                building=building.name, entrance=entrance, room=room
            )
            return UnitRef(community.code, building.name, entrance, room, label)
    return None


def find_unit(text: str, communities: list[Community]) -> list[UnitRef]:
    """Every community in which ``text`` names an existing unit."""
    return [u for c in communities if (u := parse_unit(text, c)) is not None]
