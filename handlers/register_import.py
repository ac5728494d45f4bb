"""Importing the owners' and tenants' register (业户档案) from the spreadsheet the office
keeps: units from data, the people of each unit with their phones, idempotently.

A row with a problem is reported with its Excel row number and left out; everything
else is written in one transaction, so a fatal error (not a spreadsheet, no header, a
database failure) leaves the database as it was. A re-import updates what changed and
never duplicates: a unit is matched by its key (3-2-1201 and 3栋2单元1201 are one
unit), a person by their unit and name. People the new file no longer lists are kept
(and counted): moving out is a steward's decision (``/revoke``), not a missing row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handlers.context import env
from handlers.register_sheet import ImportFailed, read_sheet
from models.domain.clock import now
from models.domain.config import Community as CommunityConfig
from models.domain.register import (
    COLUMN_ZH,
    COLUMNS,
    ROLE_ZH,
    Duplicates,
    Row,
    RowError,
    read_row,
    squash,
)
from models.domain.unit_text import aliases
from models.outbox import transaction
from models.storage.db import community_row, forget_cached_rows
from models.storage.statements import fetch
from models.tables import Building, Occupant, RegisteredUnit, Unit
from models.units import rebuild_aliases

CHUNK = 500
__all__ = ["ImportFailed", "Summary", "import_register"]


@dataclass
class Summary:
    community: str
    file: str
    sheet: str = ""
    header_row: int = 0
    rows_read: int = 0
    rows_imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    units_new: int = 0
    units_updated: int = 0
    units_same: int = 0
    people_new: int = 0
    people_updated: int = 0
    people_same: int = 0
    roles: dict[str, int] = field(default_factory=dict)
    without_phone: int = 0
    not_in_file: int = 0
    missing_columns: list[str] = field(default_factory=list)
    dry_run: bool = False

    def render(self) -> str:
        """The summary as the office reads it."""
        lines = [
            f"{self.community} 业户档案导入：{self.file}（工作表“{self.sheet}”，表头在第 "
            f"{self.header_row} 行）",
            f"读取 {self.rows_read} 行：导入 {self.rows_imported} 行，有问题 {len(self.errors)} "
            "行（未导入）。",
            f"房号：新增 {self.units_new} 个，更新 {self.units_updated} 个，未变 "
            f"{self.units_same} 个。",
            f"住户：新增 {self.people_new} 人，更新 {self.people_updated} 人，未变 "
            f"{self.people_same} 人（"
            + "，".join(f"{ROLE_ZH[r]} {self.roles.get(r, 0)}" for r in ROLE_ZH)
            + "）。",
        ]
        if self.missing_columns:
            lines.append(
                "文件里没有这些列："
                + "、".join(COLUMN_ZH[c] for c in self.missing_columns)
                + ("（身份按“业主”导入）" if "role" in self.missing_columns else "")
                + "。"
            )
        if self.without_phone:
            lines.append(f"没有手机号的 {self.without_phone} 人只能由管家核实身份。")
        if self.not_in_file:
            lines.append(
                f"档案里有、这次文件里没有的住户 {self.not_in_file} 人：已保留；如已搬离，"
                "请管家解除其绑定（/revoke）。"
            )
        if self.errors:
            lines.append("有问题的行：")
            lines.extend(f"  {e}" for e in self.errors)
        if self.dry_run:
            lines.append("（试运行：没有写入数据库。）")
        return "\n".join(lines)


# -- the import ----------------------------------------------------------------------------
def _community(code: str | None) -> CommunityConfig:
    communities = env().config.communities
    if code is None:
        if len(communities) > 1:
            codes = ", ".join(c.code for c in communities)
            raise ImportFailed(f"有多个小区，请用 --community 指定：{codes}")
        return communities[0]
    try:
        return env().config.community(code)
    except KeyError:
        codes = ", ".join(c.code for c in communities)
        raise ImportFailed(f"没有小区 {code}（配置里有：{codes}）") from None


async def import_register(
    source: str | Path | bytes,
    community_code: str | None = None,
    *,
    dry_run: bool = False,
    file_name: str | None = None,
) -> Summary:
    """Read, check and (unless ``dry_run``) write the register; raises ``ImportFailed``
    when nothing can be imported."""
    cfg = _community(community_code)
    sheet = read_sheet(source)
    name = file_name or (Path(source).name if not isinstance(source, bytes) else "上传的文件")
    summary = Summary(cfg.name, name, sheet.name, sheet.header_row, dry_run=dry_run)
    summary.missing_columns = [c for c in COLUMNS if c not in sheet.columns]
    bad = {e.number: e for e in sheet.errors}
    duplicates = Duplicates()
    good: list[Row] = []
    for number, values in sheet.rows:
        summary.rows_read += 1
        if number in bad:
            continue
        row = read_row(number, values, cfg, has_role="role" in sheet.columns)
        if isinstance(row, Row) and len(row.room) > 16:
            row = RowError(number, [f"房号“{row.room}”超过 16 个字符"])
        if isinstance(row, Row):
            row = duplicates.check(row) or row
        if isinstance(row, RowError):
            bad[number] = row
        else:
            good.append(row)
    summary.errors = sorted(bad.values(), key=lambda e: e.number)
    summary.rows_imported = len(good)
    for row in good:
        summary.roles[row.role] = summary.roles.get(row.role, 0) + 1
        summary.without_phone += row.phone is None
    try:
        async with transaction() as conn:
            await _write(cfg, good, summary, conn)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    forget_cached_rows()
    return summary


class _DryRun(Exception):
    """Rolls the transaction back after counting what would change."""


async def _existing_units(community_id: int, conn) -> list[dict[str, Any]]:
    return await fetch(
        'SELECT u."id" AS id, u."entrance" AS entrance, u."room" AS room, u."label" AS label, '
        'b."name" AS building, r."id" AS reg_id, r."area" AS area FROM "unit" u '
        'JOIN "building" b ON b."id" = u."building_id" '
        'LEFT JOIN "registered_unit" r ON r."unit_id" = u."id" WHERE b."community_id" = ?',
        [community_id],
        conn,
    )


def _key(u: dict[str, Any]) -> str:
    return aliases(u["building"], u["entrance"], u["room"], single_entrance=False)[0]


async def _write(cfg: CommunityConfig, rows: list[Row], summary: Summary, conn) -> None:
    at = now()
    community = await community_row(code=cfg.code, conn=conn)
    buildings = {
        b.name: b.id for b in await Building.filter(community_id=community.id).using_db(conn)
    }
    units = {_key(u): u for u in await _existing_units(community.id, conn)}
    # units: new ones, and what the register changes about the known ones
    first_row: dict[str, Row] = {}
    for row in rows:
        first_row.setdefault(row.key, row)
    new_units = [
        Unit(
            building_id=buildings[row.building],
            entrance=row.entrance or 0,
            room=row.room,
            label=row.label,
        )
        for key, row in first_row.items()
        if key not in units
    ]
    await Unit.bulk_create(new_units, batch_size=CHUNK, using_db=conn)
    if new_units:
        units = {_key(u): u for u in await _existing_units(community.id, conn)}
    relabel: list[Unit] = []
    new_register: list[RegisteredUnit] = []
    area_changed: list[RegisteredUnit] = []
    for key, row in first_row.items():
        u = units[key]
        if u["reg_id"] is None:  # new to the register (maybe known from a resident before)
            new_register.append(RegisteredUnit(unit_id=u["id"], area=row.area, imported_at=at))
            summary.units_new += 1
            if u["label"] != row.label:
                relabel.append(Unit(id=u["id"], label=row.label))
            continue
        changed = False
        if u["label"] != row.label:
            relabel.append(Unit(id=u["id"], label=row.label))
            changed = True
        if row.area is not None and u["area"] != row.area:
            area_changed.append(RegisteredUnit(id=u["reg_id"], area=row.area, imported_at=at))
            changed = True
        if changed:
            summary.units_updated += 1
        else:
            summary.units_same += 1
    await _bulk_update(Unit, relabel, ["label"], conn)
    await RegisteredUnit.bulk_create(new_register, batch_size=CHUNK, using_db=conn)
    await _bulk_update(RegisteredUnit, area_changed, ["area", "imported_at"], conn)
    seen_units = [units[k]["id"] for k in first_row]
    for i in range(0, len(seen_units), CHUNK):
        await (
            RegisteredUnit.filter(unit_id__in=seen_units[i : i + CHUNK])
            .using_db(conn)
            .update(imported_at=at)
        )
    await _write_people(community.id, rows, units, summary, at, conn)
    await rebuild_aliases(community, conn)


async def _write_people(community_id, rows, units, summary: Summary, at, conn) -> None:
    people = {
        (p["unit_id"], squash(p["name"])): p
        for p in await fetch(
            'SELECT o."id" AS id, o."unit_id" AS unit_id, o."name" AS name, o."phone" AS phone, '
            'o."role" AS role, o."note" AS note FROM "occupant" o JOIN "unit" u ON u."id" = '
            'o."unit_id" JOIN "building" b ON b."id" = u."building_id" WHERE b."community_id" = ?',
            [community_id],
            conn,
        )
    }
    new: list[Occupant] = []
    changed: list[Occupant] = []
    seen: list[int] = []
    for row in rows:
        unit_id = units[row.key]["id"]
        known = people.get((unit_id, squash(row.name)))
        if known is None:
            new.append(
                Occupant(
                    unit_id=unit_id,
                    name=row.name,
                    phone=row.phone,
                    role=row.role,
                    note=row.note,
                    source_row=row.number,
                    imported_at=at,
                    updated_at=at,
                )
            )
            continue
        seen.append(known["id"])
        if (known["phone"], known["role"], known["note"]) == (row.phone, row.role, row.note):
            summary.people_same += 1
            continue
        summary.people_updated += 1
        changed.append(
            Occupant(
                id=known["id"],
                phone=row.phone,
                role=row.role,
                note=row.note,
                source_row=row.number,
                updated_at=at,
            )
        )
    summary.people_new = len(new)
    summary.not_in_file = len(people) - len(seen)
    await Occupant.bulk_create(new, batch_size=CHUNK, using_db=conn)
    await _bulk_update(
        Occupant, changed, ["phone", "role", "note", "source_row", "updated_at"], conn
    )
    for i in range(0, len(seen), CHUNK):
        await Occupant.filter(id__in=seen[i : i + CHUNK]).using_db(conn).update(imported_at=at)


async def _bulk_update(model, rows: list, names: list[str], conn) -> None:
    if rows:
        await model.bulk_update(rows, fields=names, batch_size=CHUNK, using_db=conn)
