"""Importing a large owners' register (业户档案): 10,000 rows in at most 10 seconds.

    python bench/register_import.py [--rows 10000] [--database-url URL]

Builds a community of 20 buildings (3 单元, 33 floors, 4 flats a floor: the units of
the register are real ones of that shape) and an .xlsx file of ``--rows`` people, two
per unit (an owner and a tenant or family member), with the headings an office uses.
Then, on a fresh database built by the application (``open_db(create=True)``,
``sync_config``):

    read_s        reading and checking the file (openpyxl; no database)
    import_s      ``import_register``: reading, checking and writing everything, one
                  transaction (units, their register facts, people, the units' keys)
    reimport_s    the same file again: nothing changes, nothing is duplicated
    changed_s     a file where every tenth person has a new phone
    target_s      10 (the issue's target for import_s)

and ``rows_per_s`` for the first import. The bench checks the counts (units, people,
keys; the re-import adds nothing) and exits non-zero when they are wrong.

SQLite (default) runs on a file in a temporary directory; ``--database-url
postgres://…`` uses that (throwaway) database instead: its ``public`` schema is dropped.
Prints ONE JSON object on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402

BUILDINGS, ENTRANCES, FLOORS, FLATS = 20, 3, 33, 4


def config_text() -> str:
    buildings = "\n".join(
        f'      - {{name: "{b}", entrances: {ENTRANCES}, floors: {FLOORS}, '
        f"rooms_per_floor: {FLATS}}}"
        for b in range(1, BUILDINGS + 1)
    )
    return f"""timezone: Asia/Shanghai
communities:
  - code: big
    name: 大型花园
    buildings:
{buildings}
"""


def units():
    for b in range(1, BUILDINGS + 1):
        for e in range(1, ENTRANCES + 1):
            for floor in range(1, FLOORS + 1):
                for flat in range(1, FLATS + 1):
                    yield str(b), str(e), f"{floor}{flat:02d}"


def write_register(path: Path, rows: int, phone_shift: int = 0) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["楼栋", "单元", "房号", "姓名", "手机号", "身份", "面积", "备注"])
    n = 0
    for building, entrance, room in units():
        for role in ("业主", "租户" if n % 4 else "家属"):
            if n >= rows:
                break
            phone = 13800000000 + n + (phone_shift if n % 10 == 0 else 0)
            ws.append([building, entrance, room, f"住户{n:05d}", str(phone), role, 89.5, ""])
            n += 1
        if n >= rows:
            break
    wb.save(path)


async def run(rows: int, url: str | None) -> dict:
    from handlers.context import setup
    from handlers.register_import import import_register
    from handlers.register_sheet import read_sheet
    from models.domain.config import load_config
    from models.storage.db import close_db, open_db, sync_config
    from models.tables import Occupant, Unit, UnitAlias

    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        (tmpdir / "guanjia.yaml").write_text(config_text(), encoding="utf-8")
        config = load_config(tmpdir / "guanjia.yaml")
        setup(config)
        register = tmpdir / "register.xlsx"
        changed = tmpdir / "changed.xlsx"
        write_register(register, rows)
        write_register(changed, rows, phone_shift=1_000_000)
        if url is None:
            url = f"sqlite://{tmpdir}/bench.db"
        else:
            sys.path.insert(0, str(ROOT / "tests"))
            from tests.conftest import reset_postgres

            await reset_postgres(url)
        await open_db(url, create=True)
        await sync_config(config)
        try:
            started = time.perf_counter()
            sheet = read_sheet(register)
            read_s = time.perf_counter() - started
            started = time.perf_counter()
            first = await import_register(register)
            import_s = time.perf_counter() - started
            counts = (await Unit.all().count(), await Occupant.all().count())
            keys = await UnitAlias.all().count()
            started = time.perf_counter()
            again = await import_register(register)
            reimport_s = time.perf_counter() - started
            started = time.perf_counter()
            moved = await import_register(changed)
            changed_s = time.perf_counter() - started
            after = (await Unit.all().count(), await Occupant.all().count())
        finally:
            await close_db()
    problems = []
    if len(sheet.rows) != rows or first.rows_imported != rows or first.errors:
        problems.append(f"imported {first.rows_imported} of {rows} rows: {first.errors[:3]}")
    if counts != (first.units_new, rows) or after != counts:
        problems.append(f"units/people {counts} then {after}")
    if again.people_new or again.people_updated or again.units_new:
        problems.append("the re-import changed something")
    if moved.people_updated != (rows + 9) // 10:
        problems.append(f"changed phones: {moved.people_updated}")
    return {
        "rows": rows,
        "units": counts[0],
        "unit_keys": keys,
        "read_s": round(read_s, 3),
        "import_s": round(import_s, 3),
        "reimport_s": round(reimport_s, 3),
        "changed_s": round(changed_s, 3),
        "rows_per_s": round(rows / import_s),
        "target_s": 10,
        "within_target": import_s <= 10,
        "database": url.split(":", 1)[0],
        "problems": problems,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url", help="a throwaway PostgreSQL database")
    args = parser.parse_args()
    result = asyncio.run(run(args.rows, args.database_url))
    print(json.dumps(result, ensure_ascii=False))
    return 1 if result["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
