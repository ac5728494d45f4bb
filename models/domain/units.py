"""Units (房号) of a community: the buildings the configuration lists, how a unit's
name is written there, and the units a small site describes by arithmetic.

A unit is whatever the owners' register (业户档案) names: ``models.units`` keeps the
imported units and finds them in what residents write (``unit_text``). A building of
the configuration may also give its shape (entrances × floors × rooms per floor):
until the register lists units in it, a unit that fits the shape exists (room 1201 is
floor 12, flat 1), as it did before registers were imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.domain.config import Building, Community
from models.domain.unit_text import (
    ROOM_WORDS,
    is_named,
    key_of,
    normalise,
    part_tokens,
    windows,
)


@dataclass(frozen=True)
class UnitRef:
    community: str
    building: str
    entrance: int
    room: str
    label: str


def building_key(name: str | int) -> str:
    """How a building name compares: "3", "3栋", "3號樓" and "３" are one building."""
    return key_of(part_tokens(str(name))) or normalise(str(name)).strip()


def find_building(community: Community, name: str | int) -> Building | None:
    wanted = building_key(name)
    return next((b for b in community.buildings if building_key(b.name) == wanted), None)


def _format(fmt: str, values: dict[str, str]) -> str:
    """``fmt`` with its placeholders filled; a placeholder without a value is left out
    with the words that follow it ("{building}栋{entrance}单元{room}" without an
    entrance gives "3栋1201")."""
    out = ""
    pieces = re.split(r"({\w+})", fmt)
    skip = False
    for piece in pieces:
        m = re.fullmatch(r"{(\w+)}", piece)
        if m:
            value = values.get(m.group(1), "")
            skip = not value
            out += value
        elif not skip:
            out += piece
    return out


def label(community: Community, building: Building, entrance: int | None, room: str) -> str:
    """A unit as the community writes it. A named building (商铺, 别墅) without its own
    ``unit_format`` writes its name and the room: 商铺S-101."""
    fmt = building.unit_format
    if fmt is None:
        fmt = "{building}{room}" if is_named(building.name) else community.unit_format
    room = room.strip()
    word = fmt.partition("{room}")[2][:1]  # "12号" in "{room}号别墅" is not "12号号别墅"
    if word and word in ROOM_WORDS and room.endswith(word):
        room = room[: -len(word)]
    return _format(fmt, {"building": building.name, "entrance": str(entrance or ""), "room": room})


def example(community: Community) -> str:
    b = next((b for b in community.buildings if b.arithmetic), community.buildings[0])
    room = "1201" if (b.floors or 0) >= 12 else "101"
    return label(community, b, 1 if b.entrances > 1 or b.arithmetic else None, room)


def _fits(b: Building, entrance: int, room: str) -> bool:
    if not b.arithmetic or not room.isdigit():
        return False
    floor, index = divmod(int(room), 100)
    return (
        1 <= entrance <= b.entrances
        and 1 <= floor <= b.floors
        and 1 <= index <= (b.rooms_per_floor)
    )


def arithmetic_units(
    text: str, community: Community, skip_buildings: set[str] = frozenset()
) -> list[UnitRef]:
    """Units named in ``text`` that exist by their building's shape (buildings in
    ``skip_buildings``, by ``building_key``, have a register and are skipped)."""
    found: dict[str, UnitRef] = {}
    size = 0
    for w in windows(text, max_size=3):
        if found and w.size < size:
            break  # a longer window named a unit: shorter ones are parts of it
        parts = w.key.split(".")
        if len(parts) not in (2, 3):
            continue
        building = find_building(community, parts[0])
        if building is None or building_key(building.name) in skip_buildings:
            continue
        if len(parts) == 2:
            if building.entrances > 1:
                continue  # which 单元? ambiguous: ask again
            entrance, room = 1, parts[1]
        else:
            if not parts[1].isdigit():
                continue
            entrance, room = int(parts[1]), parts[2]
        if _fits(building, entrance, room):
            ref = UnitRef(
                community.code,
                building.name,
                entrance,
                room,
                label(community, building, entrance, room),
            )
            found[ref.label] = ref
            size = w.size
    return list(found.values())


def parse_unit(text: str, community: Community) -> UnitRef | None:
    """The unit written in ``text`` if the community's building shapes have it."""
    found = arithmetic_units(text, community)
    return found[0] if len(found) == 1 else None


def find_unit(text: str, communities: list[Community]) -> list[UnitRef]:
    """Every community in which ``text`` names a unit by its building's shape."""
    return [u for c in communities if (u := parse_unit(text, c)) is not None]
