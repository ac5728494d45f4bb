"""The units of a community in the database: found in what residents write (by the
keys of ``models.domain.unit_text``), created for a building described by its shape,
and their keys rebuilt after an import."""

from __future__ import annotations

from collections import defaultdict

from tortoise.backends.base.client import BaseDBAsyncClient

from models.domain.config import Community as CommunityConfig
from models.domain.unit_text import aliases, windows
from models.domain.units import UnitRef, arithmetic_units, building_key
from models.storage.statements import fetch, markers
from models.tables import Building, Community, Unit, UnitAlias


async def find_units(
    text: str, community: Community, config: CommunityConfig, conn: BaseDBAsyncClient
) -> list[Unit | UnitRef]:
    """The unit(s) ``text`` names in the community: the longest window of the text that
    is a known key wins; several units under that key are all returned (ambiguous).
    A building whose register was imported is known by its register only; one described
    by its shape, until then, by the shape (a ``UnitRef`` not yet stored)."""
    found = windows(text)
    if found:
        keys = [w.key for w in found]
        rows = await fetch(
            'SELECT "key", "unit_id" FROM "unit_alias" WHERE "community_id" = ? '
            f'AND "key" IN ({markers(len(keys))})',
            [community.id, *keys],
            conn,
        )
        by_key: dict[str, set[int]] = defaultdict(set)
        for row in rows:
            by_key[row["key"]].add(row["unit_id"])
        for window in found:
            ids = by_key.get(window.key)
            if ids:
                return list(await Unit.filter(id__in=sorted(ids)).using_db(conn))
    registered = await registered_buildings(community, conn)
    return list(arithmetic_units(text, config, registered))


async def registered_buildings(community: Community, conn: BaseDBAsyncClient) -> set[str]:
    """Buildings (by ``building_key``) with at least one imported unit."""
    rows = await fetch(
        'SELECT DISTINCT b."name" AS name FROM "registered_unit" r JOIN "unit" u ON u."id" = '
        'r."unit_id" JOIN "building" b ON b."id" = u."building_id" WHERE b."community_id" = ?',
        [community.id],
        conn,
    )
    return {building_key(r["name"]) for r in rows}


async def store_ref(ref: UnitRef, community: Community, conn: BaseDBAsyncClient) -> Unit:
    """The row of a unit that exists by its building's shape (created the first time)."""
    building = await Building.get(community=community, name=ref.building).using_db(conn)
    unit, created = await Unit.get_or_create(
        building=building,
        entrance=ref.entrance,
        room=ref.room,
        defaults={"label": ref.label},
        using_db=conn,
    )
    if created:
        keys = aliases(ref.building, ref.entrance, ref.room, single_entrance=False)
        await UnitAlias.bulk_create(
            [UnitAlias(community_id=community.id, unit_id=unit.id, key=k) for k in keys],
            using_db=conn,
        )
    return unit


async def rebuild_aliases(community: Community, conn: BaseDBAsyncClient) -> int:
    """Every key of every unit of the community, anew (a building that gains a second
    单元 loses its keys without one). Returns how many keys there are."""
    units = await fetch(
        'SELECT u."id" AS id, u."entrance" AS entrance, u."room" AS room, b."name" AS building, '
        'r."id" IS NOT NULL AS imported FROM "unit" u JOIN "building" b ON b."id" = '
        'u."building_id" LEFT JOIN "registered_unit" r ON r."unit_id" = u."id" '
        'WHERE b."community_id" = ?',
        [community.id],
        conn,
    )
    registered = {u["building"] for u in units if u["imported"]}
    # a building with a register is known by it: a unit once taken from its shape is not
    units = [u for u in units if u["imported"] or u["building"] not in registered]
    entrances: dict[str, set[int]] = defaultdict(set)
    for u in units:
        entrances[u["building"]].add(u["entrance"])
    await UnitAlias.filter(community_id=community.id).using_db(conn).delete()
    rows = [
        UnitAlias(community_id=community.id, unit_id=u["id"], key=k)
        for u in units
        for k in aliases(
            u["building"],
            u["entrance"],
            u["room"],
            single_entrance=len(entrances[u["building"]]) == 1,
        )
    ]
    await UnitAlias.bulk_create(rows, batch_size=2000, using_db=conn)
    return len(rows)
