"""Importing the owners' register (业户档案) from real .xlsx files made here with openpyxl:
a clean file, a file with bad rows, English headings, a re-import with changes, fatal
errors that write nothing; the summary and the row errors as the office reads them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from openpyxl import Workbook

from handlers.register_import import ImportFailed, import_register
from models.domain.units import UnitRef
from models.storage.db import community_row
from models.tables import Occupant, RegisteredUnit, Unit, UnitAlias
from models.units import find_units
from tests.conftest import ROOT

ZH = ("楼栋", "单元", "房号", "姓名", "手机号", "身份", "面积", "备注")
CLEAN = [
    ("1", "1", "1201", "张三", "13812345678", "业主", 89.5, ""),
    ("1", "1", "1201", "李四", "139 0000 1111", "租户", None, ""),
    ("3", "2", "0302", "王五", "+86 137-0000-2222", "业主", "102.3㎡", ""),
    ("商铺", None, "S-101", "赵六", 13600003333, "业主", 56, "临街"),
    ("别墅", None, "12号", "钱七", "13500004444", "家属", None, ""),
]


def xlsx(path, rows, header=ZH, *, title=None, merges=()):
    wb = Workbook()
    ws = wb.active
    ws.title = "业户档案"
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    for cells in merges:
        ws.merge_cells(cells)
    wb.save(path)
    return path


async def units_for(text):
    from handlers.context import env

    community = await community_row(code="demo")
    return await find_units(text, community, env().config.community("demo"), None)


async def test_a_clean_register(db, tmp_path):
    summary = await import_register(xlsx(tmp_path / "档案.xlsx", CLEAN))
    assert summary.render() == (
        "示例花园 业户档案导入：档案.xlsx（工作表“业户档案”，表头在第 1 行）\n"
        "读取 5 行：导入 5 行，有问题 0 行（未导入）。\n"
        "房号：新增 4 个，更新 0 个，未变 0 个。\n"
        "住户：新增 5 人，更新 0 人，未变 0 人（业主 3，租户 1，家属 1）。"
    )
    phones = dict(await Occupant.all().values_list("name", "phone"))
    assert phones == {
        "张三": "13812345678",
        "李四": "13900001111",
        "王五": "13700002222",
        "赵六": "13600003333",
        "钱七": "13500004444",
    }
    labels = sorted(await Unit.all().values_list("label", flat=True))
    assert labels == ["12号别墅", "1栋1单元1201", "3栋2单元0302", "商铺S-101"]
    assert (await RegisteredUnit.get(unit__label="3栋2单元0302")).area == 102.3


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("3-2-302", "3栋2单元0302"),
        ("3號樓2單元0302室", "3栋2单元0302"),
        ("Block 3, Unit 2, Flat 302", "3栋2单元0302"),
        ("商铺S101", "商铺S-101"),
        ("商鋪 S-101", "商铺S-101"),
        ("Shop S-101", "商铺S-101"),
        ("S-101", "商铺S-101"),
        ("12号别墅", "12号别墅"),
        ("別墅12號", "12号别墅"),
        ("Villa 12", "12号别墅"),
        ("我住1栋1单元1201，门禁坏了", "1栋1单元1201"),
    ],
)
async def test_chat_finds_the_imported_units(db, tmp_path, text, label):
    await import_register(xlsx(tmp_path / "a.xlsx", CLEAN))
    (unit,) = await units_for(text)
    assert unit.label == label


async def test_a_registered_building_no_longer_uses_its_shape(db, tmp_path):
    await import_register(xlsx(tmp_path / "a.xlsx", CLEAN))
    assert await units_for("1栋1单元1202") == []  # fits building 1's shape: not registered
    (ref,) = await units_for("2栋1单元1202")  # building 2 has no register yet
    assert isinstance(ref, UnitRef) and ref.label == "2栋1单元1202"


async def test_bad_rows_are_reported_by_row_and_the_rest_imported(db, tmp_path):
    rows = [
        ("9", "1", "101", "甲", "13800000001", "业主"),  # row 3
        ("1", "1", "1201", "张三", "13812345678", "业主"),
        ("1栋", "1单元", "1201室", "张三", "13812345678", "业主"),  # the same person again
        ("2", "1", "101", "乙", "1381234", "业主"),
        ("2", "1", "102", "", "13800000002", "业主"),
        ("3", "1", "101", "丙", "13800000003", "租户"),  # 3 merged down over rows 8 and 9
        (None, "1", "102", "丁", "13800000004", "业主"),
        ("3", "1", "103", "戊", None, "业主"),  # name and phone merged into one cell
        ("3", "1", "104", "己", "13800000005", "朋友"),
        (None, None, None, None, None, None),  # an empty line is no row
    ]
    path = xlsx(
        tmp_path / "bad.xlsx",
        rows,
        header=ZH[:6],
        title="示例花园业户档案（2026年11月）",
        merges=("A8:A9", "D10:E10"),
    )
    summary = await import_register(path)
    assert summary.render().splitlines()[1:] == [
        "读取 9 行：导入 3 行，有问题 6 行（未导入）。",
        "房号：新增 3 个，更新 0 个，未变 0 个。",
        "住户：新增 3 人，更新 0 人，未变 0 人（业主 2，租户 1，家属 0）。",
        "文件里没有这些列：面积、备注。",
        "有问题的行：",
        "  第 3 行：楼栋“9”不在示例花园的楼栋里（配置里有：1、2、3、商铺、别墅）",
        "  第 5 行：1栋1单元1201 的 张三 与第 4 行重复",
        "  第 6 行：手机号“1381234”格式不对（应为 11 位手机号，或带区号的座机）",
        "  第 7 行：姓名为空",
        "  第 10 行：单元格 D10:E10 合并了姓名和手机号，分不清各是什么",
        "  第 11 行：身份“朋友”应为 业主、租户 或 家属",
    ]
    assert summary.header_row == 2
    assert sorted(await Occupant.all().values_list("name", flat=True)) == ["丁", "丙", "张三"]
    assert await Unit.filter(label="3栋1单元102").exists()  # the merged building applies


async def test_english_headings_in_another_order(db, tmp_path):
    header = ("Name", "Mobile", "Building", "Room", "Unit", "Type", "Remarks")
    rows = [
        ("Zhang San", "13812345678", "1", "1201", "1", "Owner", ""),
        ("Li Si", "13900001111", "1", "1201", "1", "Tenant", "from 2026"),
    ]
    summary = await import_register(xlsx(tmp_path / "en.xlsx", rows, header=header))
    assert summary.rows_imported == 2 and not summary.errors
    assert summary.missing_columns == ["area"]
    roles = dict(await Occupant.all().values_list("name", "role"))
    assert roles == {"Zhang San": "owner", "Li Si": "tenant"}


async def test_a_reimport_updates_and_never_duplicates(db, tmp_path):
    await import_register(xlsx(tmp_path / "v1.xlsx", CLEAN))
    changed = [
        ("1", "1", "1201", "张三", "13811112222", "业主", 89.5, ""),  # a new phone
        ("1", "1", "1201", "孙八", "13788889999", "租户", None, "新租户"),  # a new tenant
        ("3-", "2", "302", "王五", "13700002222", "业主", 105, ""),  # the area; and 0302 …
        ("商铺", None, "S101", "赵六", "13600003333", "业主", 56, "临街"),  # … S-101 rewritten
        ("别墅", None, "12号", "钱七", "13500004444", "家属", None, ""),
    ]  # and 李四 moved out: no longer listed
    summary = await import_register(xlsx(tmp_path / "v2.xlsx", changed))
    assert summary.render().splitlines()[1:] == [
        "读取 5 行：导入 5 行，有问题 0 行（未导入）。",
        "房号：新增 0 个，更新 2 个，未变 2 个。",
        "住户：新增 1 人，更新 1 人，未变 3 人（业主 3，租户 1，家属 1）。",
        "档案里有、这次文件里没有的住户 1 人：已保留；如已搬离，请管家解除其绑定（/revoke）。",
    ]
    assert await Unit.all().count() == 4 and await Occupant.all().count() == 6
    assert (await Occupant.get(name="张三")).phone == "13811112222"
    assert (await RegisteredUnit.get(unit__label="3栋2单元302")).area == 105  # the same unit
    assert await Unit.filter(label="商铺S101").exists()  # as the office writes it now
    again = await import_register(xlsx(tmp_path / "v2.xlsx", changed))
    assert (again.units_new, again.units_updated, again.people_new, again.people_updated) == (
        0,
        0,
        0,
        0,
    )
    keys = await UnitAlias.all().values_list("unit_id", "key")
    assert len(keys) == len(set(keys))


async def test_a_dry_run_writes_nothing(db, tmp_path):
    summary = await import_register(xlsx(tmp_path / "a.xlsx", CLEAN), dry_run=True)
    assert summary.people_new == 5 and summary.render().endswith("（试运行：没有写入数据库。）")
    assert await Occupant.all().count() == 0 and await Unit.all().count() == 0


async def test_fatal_errors_import_nothing(db, tmp_path, monkeypatch):
    not_excel = tmp_path / "档案.xlsx"
    not_excel.write_text("楼栋,房号,姓名\n1,1201,张三\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"不是 Excel \.xlsx 文件"):
        await import_register(not_excel)
    no_header = xlsx(tmp_path / "h.xlsx", CLEAN, header=("a", "b", "c", "d", "e", "f", "g", "h"))
    with pytest.raises(ImportFailed, match="没有找到表头"):
        await import_register(no_header)
    with pytest.raises(ImportFailed, match="没有小区 nowhere"):
        await import_register(xlsx(tmp_path / "a.xlsx", CLEAN), "nowhere")

    async def broken(*args, **kwargs):  # the database fails half-way through the writing
        raise RuntimeError("disk full")

    monkeypatch.setattr(Occupant, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        await import_register(xlsx(tmp_path / "a.xlsx", CLEAN))
    assert await Unit.all().count() == 0 and await RegisteredUnit.all().count() == 0


def test_the_command_line_and_the_template(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{tmp_path}/g.db",
        "GUANJIA_CONFIG": str(ROOT / "guanjia.example.yaml"),
    }

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )

    made = run("import", "template", "--out", "t.xlsx")
    assert made.returncode == 0, made.stderr
    done = run("import", "residents", "t.xlsx")
    assert done.returncode == 0, done.stderr
    assert "读取 3 行：导入 3 行，有问题 0 行" in done.stdout
    (tmp_path / "x.xlsx").write_bytes(b"not a spreadsheet")
    failed = run("import", "residents", "x.xlsx")
    assert failed.returncode == 1
    assert failed.stderr.startswith("导入失败，没有写入任何数据：这不是 Excel .xlsx 文件")


async def test_entrances_are_checked_where_the_config_gives_the_shape(db, tmp_path):
    from handlers.context import env

    shaped = {b.name: b for b in env().config.community("demo").buildings if b.floors}
    name, building = next((n, b) for n, b in shaped.items() if b.entrances > 1)
    rows = [
        (name, None, "1201", "甲", "13800000011", "业主"),  # which entrance?
        (name, str(building.entrances + 3), "1201", "乙", "13800000012", "业主"),
        (name, "1", "1201", "丙", "13800000013", "业主"),
        ("商铺", None, "S-102", "丁", "13800000014", "业主"),  # no shape: any unit the file lists
    ]
    summary = await import_register(xlsx(tmp_path / "units.xlsx", rows, header=ZH[:6]))
    errors = "\n".join(summary.render().splitlines())
    assert f"第 2 行：单元为空（{name}栋有 {building.entrances} 个单元" in errors
    assert f"第 3 行：单元“{building.entrances + 3}”不在{name}栋里" in errors
    assert sorted(await Occupant.all().values_list("name", flat=True)) == ["丁", "丙"]


def test_a_blank_entrance_in_a_one_entrance_building_is_its_entrance(tmp_path):
    from models.domain.config import EXAMPLE_CONFIG, load_config
    from models.domain.register import Row, read_row

    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    at = text.index('- name: "2"')
    text = text[:at] + text[at:].replace("entrances: 2", "entrances: 1", 1)
    (tmp_path / "g.yaml").write_text(text, encoding="utf-8")
    community = load_config(tmp_path / "g.yaml").community("demo")
    values = {"building": "2", "entrance": None, "room": "0301", "name": "甲", "role": "业主"}
    row = read_row(2, values, community, has_role=True)
    assert isinstance(row, Row) and row.entrance == 1 and row.label == "2栋1单元0301"
