"""The register as a spreadsheet: finding its header and rows (merged cells read as a
person reads them), and the template the office fills in."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from models.domain.register import COLUMN_ZH, COLUMNS, REQUIRED, RowError, header_columns

HEADER_SEARCH_ROWS = 15


class ImportFailed(Exception):
    """Nothing was imported; the message says why, for the person at the office."""


# -- reading the spreadsheet ------------------------------------------------------------
@dataclass
class Sheet:
    name: str
    header_row: int
    columns: dict[str, int]
    rows: list[tuple[int, dict[str, Any]]]  # (Excel row number, column -> value)
    errors: list[RowError]


def read_sheet(source: str | Path | bytes) -> Sheet:
    """The register's rows, wherever its header is; merged cells read as a person reads
    them: a value merged down a column (a building written once for its rows) belongs
    to each row; a cell merged across two of our columns is an error on its rows."""
    try:
        data = io.BytesIO(source) if isinstance(source, bytes) else source
        workbook = load_workbook(data, data_only=True)
    except FileNotFoundError:
        raise ImportFailed(f"找不到文件 {source}") from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ImportFailed("这不是 Excel .xlsx 文件（.xls 请先在 Excel 里另存为 .xlsx）") from None
    for ws in workbook.worksheets:
        top = list(ws.iter_rows(min_row=1, max_row=HEADER_SEARCH_ROWS, values_only=True))
        for index, cells in enumerate(top, start=1):
            columns = header_columns(list(cells))
            if all(c in columns for c in REQUIRED):
                return _rows(ws, index, columns)
    need = "、".join(COLUMN_ZH[c] for c in REQUIRED)
    optional = "、".join(COLUMN_ZH[c] for c in COLUMNS if c not in REQUIRED)
    raise ImportFailed(
        f"没有找到表头：前 {HEADER_SEARCH_ROWS} 行里没有同时写着 {need} 的一行"
        f"（可选列：{optional}；也认英文表头）。可以用 python -m bot import template 下载模板。"
    )


def _rows(ws, header_row: int, columns: dict[str, int]) -> Sheet:
    by_index = {i: c for c, i in columns.items()}
    fill: dict[tuple[int, int], Any] = {}
    errors: dict[int, RowError] = {}
    for merged in ws.merged_cells.ranges:
        if merged.max_row <= header_row:
            continue
        ours = [
            by_index[c - 1] for c in range(merged.min_col, merged.max_col + 1) if c - 1 in by_index
        ]
        if len(ours) > 1:
            names = "和".join(COLUMN_ZH[c] for c in ours)
            for r in range(max(merged.min_row, header_row + 1), merged.max_row + 1):
                errors.setdefault(r, RowError(r)).problems.append(
                    f"单元格 {merged.coord} 合并了{names}，分不清各是什么"
                )
            continue
        value = ws.cell(merged.min_row, merged.min_col).value
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                fill[(r, c - 1)] = value
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, cells in enumerate(
        ws.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1
    ):
        values = {}
        for col, i in columns.items():
            value = fill.get((number, i), cells[i] if i < len(cells) else None)
            values[col] = value
        if all(v is None or str(v).strip() == "" for v in values.values()):
            continue  # an empty line
        rows.append((number, values))
    return Sheet(
        ws.title, header_row, columns, rows, sorted(errors.values(), key=lambda e: e.number)
    )


# -- the template ----------------------------------------------------------------------------
TEMPLATE_ROWS = [
    ("3", "2", "1201", "张三", "13812345678", "业主", 89.5, ""),
    ("3", "2", "1201", "李四", "13900001111", "租户", None, "2026年起租"),
    ("商铺", "", "S-101", "王五", "13700002222", "业主", 56, "临街商铺"),
]


def template_bytes() -> bytes:
    """An empty register with the headings we read, three example rows and a sheet of
    instructions (for ``python -m bot import template`` and, later, the console)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "业户档案"
    ws.append([COLUMN_ZH[c] for c in COLUMNS])
    for row in TEMPLATE_ROWS:
        ws.append(list(row))
    for i, width in enumerate((8, 6, 10, 10, 15, 8, 8, 20), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    help_ws = wb.create_sheet("说明")
    for line in (
        "每行一人：同一房号的业主、租户、家属各占一行。示例行请删除后再导入。",
        "必填：楼栋、房号、姓名；有“身份”列时身份也必填（没有这一列则都按业主导入）。"
        "楼栋须是配置文件（guanjia.yaml）里该小区列出的楼栋；配置写明了单元数的楼栋，单元也必填。",
        "单元：数字（没有单元的楼栋留空）。房号照物业的写法：1201、S-101、12号、B1-023。",
        "手机号：11 位手机号或带区号的座机；住户在 Telegram 分享手机号、"
        "或在公众号回复后 4 位时，用它核对身份。",
        "身份：业主、租户 或 家属。面积：平方米，可留空。备注：可留空。",
        "表头可用中文或英文（Building, Entrance, Room, Name, Phone, Type, Area, Note），"
        "列的顺序不限。",
        "再次导入同一份档案只会更新有变化的内容，不会重复。",
    ):
        help_ws.append([line])
    help_ws.column_dimensions["A"].width = 100
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
