"""The statistics as files: the monthly table as .xlsx (with a chart Excel draws), any
list of tickets as .xlsx (one row each: its times, its deadlines met or missed, its
rating), and PNG charts with Chinese labels for the chats (the month, the daily digest).

Charts are drawn by matplotlib in the Noto Sans CJK SC font that the mplfonts package
installs with it: nothing is downloaded at run time, and no system font is needed."""

from __future__ import annotations

import importlib.util
import io
import threading
from datetime import datetime
from pathlib import Path

from handlers.context import env
from models.domain import statistics as st

FONT_FILE = "NotoSansCJKsc-Regular.otf"
_lock = threading.Lock()  # matplotlib's pyplot state is not thread-safe


def cjk_font_path() -> Path:
    """The CJK font shipped inside the mplfonts package (found without importing it)."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the mplfonts package (Noto Sans CJK) is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / FONT_FILE
    if not path.exists():
        raise RuntimeError(f"{path} is missing from the mplfonts package")
    return path


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    path = str(cjk_font_path())
    if path not in {f.fname for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(path)
    name = font_manager.FontProperties(fname=path).get_name()
    plt.rcParams["font.family"] = [name]
    plt.rcParams["axes.unicode_minus"] = False
    return plt


def _png(fig) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=110, bbox_inches="tight")
    return out.getvalue()


def _pct(rate: st.Rate) -> float | None:
    share = rate.share
    return round(share * 100, 1) if share is not None else None


def month_chart_png(table: st.MonthTable, trend: list[st.MonthTable]) -> bytes:
    """The month at a glance: requests by kind, complaints by class, and the trend of
    the on-time rates and satisfaction."""
    from matplotlib.ticker import MaxNLocator

    with _lock:
        plt = _pyplot()
        fig, axes = plt.subplots(1, 3, figsize=(13, 4))
        try:
            kinds = [st.KIND_ZH[k] for k in st.KINDS]
            axes[0].bar(kinds, [table.requests[k].value for k in st.KINDS], color="#3b82f6")
            axes[0].set_title(f"{table.month} 受理（件）")
            classes = [st.CLASS_ZH[c] for c in st.CLASSES]
            axes[1].bar(classes, [table.by_class[c].value for c in st.CLASSES], color="#f59e0b")
            axes[1].set_title("投诉按内容分类（件）")
            axes[1].tick_params(axis="x", labelrotation=20)
            for ax in axes[:2]:  # counts: whole numbers on the axis
                ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            months = [t.month[2:] for t in trend]
            for label, values in (
                ("4小时回复率%", [_pct(t.report_back) for t in trend]),
                ("24小时答复率%", [_pct(t.answer) for t in trend]),
                ("按时接单率%", [_pct(t.claim) for t in trend]),
            ):
                axes[2].plot(
                    months,
                    [v if v is not None else float("nan") for v in values],
                    marker="o",
                    label=label,
                )
            axes[2].set_ylim(0, 105)
            axes[2].set_title("按时率走势（只计到期）")
            ax2 = axes[2].twinx()
            ax2.plot(
                months,
                [
                    t.rating["all"].average if t.rating["all"].average else float("nan")
                    for t in trend
                ],
                color="#10b981",
                linestyle="--",
                marker="s",
                label="满意度（分）",
            )
            ax2.set_ylim(0, 5.2)
            lines = axes[2].get_legend_handles_labels()
            more = ax2.get_legend_handles_labels()
            axes[2].legend(lines[0] + more[0], lines[1] + more[1], fontsize=8, loc="lower left")
            fig.suptitle(f"《顾客投诉分类统计表》{table.scope} {table.month}")
            fig.tight_layout()
            return _png(fig)
        finally:
            plt.close(fig)


def digest_chart_png(title: str, labels: list[str], values: list[int]) -> bytes:
    """A small bar chart for the evening digest."""
    from matplotlib.ticker import MaxNLocator

    with _lock:
        plt = _pyplot()
        fig, ax = plt.subplots(figsize=(5, 2.6))
        try:
            bars = ax.bar(labels, values, color=["#3b82f6", "#10b981", "#ef4444", "#f59e0b"])
            ax.bar_label(bars)
            ax.set_title(title, fontsize=10)
            ax.spines[["top", "right"]].set_visible(False)
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            fig.tight_layout()
            return _png(fig)
        finally:
            plt.close(fig)


# -- .xlsx -----------------------------------------------------------------------------
def table_rows(table: st.MonthTable) -> list[tuple[str, str, object, object]]:
    """(section, line, figure, share or average) rows of the monthly table."""
    rows: list[tuple[str, str, object, object]] = []
    for k in st.KINDS:
        rows.append(("受理", st.KIND_ZH[k], table.requests[k].value, None))
    rows.append(("受理", "其中知识库答复的咨询", table.faq_answered, None))
    rows.append(("投诉", "投诉总数", table.complaints.value, None))
    rows.append(("投诉", "其中紧急", table.urgent.value, None))
    rows.append(("突发事件", "起数", table.incidents.value, None))
    rows.append(("突发事件", "影响户数", table.incident_households, None))
    for c in st.CLASSES:
        rows.append(("按内容分类", st.CLASS_ZH[c], table.by_class[c].value, None))
    for n in st.NATURES:
        rows.append(("按性质分类", st.NATURE_ZH[n], table.by_nature[n].value, None))
    for label, rate in (
        ("4小时内回复前台（到期）", table.report_back),
        ("24小时内答复业主（到期）", table.answer),
        ("按时接单（到期）", table.claim),
        ("一次解决（本月办结）", table.first_contact),
        ("回访应答（本月回访）", table.followup),
        ("投诉率（占全部受理）", table.complaint_rate),
        ("服务态度投诉率", table.attitude_rate),
    ):
        rows.append(("按时与比率", label, f"{rate.met.value}/{rate.due.value}", rate.share))
    rows.append(("结果", "本月办结", table.closed.value, None))
    rows.append(("结果", "本月重开", table.reopened.value, None))
    for k in (*st.KINDS, "all"):
        r = table.rating[k]
        name = "全部" if k == "all" else st.KIND_ZH[k]
        rows.append(("满意度", f"{name}（{r.rated.value} 条评价）", r.rated.value, r.average))
    for k, label in (("claim", "接单"), ("report_back", "回复前台"), ("resolve", "处理完毕")):
        rows.append(("响应时长中位数（分钟）", label, table.median_minutes.get(k), None))
    return rows


def table_xlsx(tables: list[st.MonthTable], trend: list[st.MonthTable]) -> bytes:
    """One sheet per table (a community, or all), a sheet per steward, and the trend
    with a chart."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for table in tables:
        ws = wb.create_sheet(_sheet_name(f"{table.scope} {table.month}", wb))
        ws.append([f"《顾客投诉分类统计表》{table.scope} {table.month}"])
        ws["A1"].font = Font(bold=True, size=13)
        if table.partial:
            ws.append(["本月尚未结束，数字仍会变化"])
        ws.append(["项目", "内容", "数量", "比率/均分"])
        for section, line, value, share in table_rows(table):
            ws.append([section, line, value, share])
            if isinstance(share, float) and share <= 1 and "满意度" not in section:
                ws.cell(ws.max_row, 4).number_format = "0.0%"
        ws.column_dimensions["A"].width = 22
        ws.column_dimensions["B"].width = 30
        first = 4 if table.partial else 3  # the heading row
        for title, lo, hi, anchor in (
            ("本月受理（件）", 1, 4, "F3"),
            ("投诉按内容分类（件）", 8, 12, "F20"),
        ):
            chart = BarChart()
            chart.title = title
            chart.legend = None
            chart.add_data(Reference(ws, min_col=3, min_row=first + lo, max_row=first + hi))
            chart.set_categories(Reference(ws, min_col=2, min_row=first + lo, max_row=first + hi))
            chart.height, chart.width = 7, 14
            ws.add_chart(chart, anchor)
        if table.stewards:
            ws.append([])
            ws.append(["管家", "本月接单", "本月处理", "按时（到期）", "按时率", "评价数", "均分"])
            for r in table.stewards:
                ws.append(
                    [
                        r.name,
                        r.claimed.value,
                        r.resolved.value,
                        f"{r.on_time.met.value}/{r.on_time.due.value}",
                        r.on_time.share,
                        r.rating.rated.value,
                        r.rating.average,
                    ]
                )
    if trend:
        ws = wb.create_sheet("走势")
        ws.append(["月份", "受理", "投诉", "4小时回复率", "24小时答复率", "按时接单率", "满意度"])
        for t in trend:
            ws.append(
                [
                    t.month,
                    t.total_requests,
                    t.complaints.value,
                    t.report_back.share,
                    t.answer.share,
                    t.claim.share,
                    t.rating["all"].average,
                ]
            )
            for col in (4, 5, 6):
                ws.cell(ws.max_row, col).number_format = "0%"
        line = LineChart()
        line.title = "按时率走势（只计到期）"
        line.add_data(
            Reference(ws, min_col=4, max_col=6, min_row=1, max_row=ws.max_row),
            titles_from_data=True,
        )
        line.set_categories(Reference(ws, min_col=1, min_row=2, max_row=ws.max_row))
        line.height, line.width = 8, 16
        ws.add_chart(line, "I2")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _sheet_name(text: str, wb) -> str:
    name = "".join(c for c in text if c not in "[]:*?/\\")[:31] or "表"
    base, n = name, 2
    while name in wb.sheetnames:
        name = f"{base[:28]}-{n}"
        n += 1
    return name


TICKET_HEADINGS = (
    "工单号",
    "小区",
    "房号",
    "类别",
    "内容分类",
    "性质",
    "状态",
    "紧急",
    "负责人",
    "摘要",
    "创建",
    "接单",
    "回复前台",
    "处理",
    "办结",
    "按时接单",
    "4小时回复",
    "24小时答复",
    "满意度",
    "重开",
)


def tickets_xlsx(title: str, rows: list[dict]) -> bytes:
    """One row per ticket (``handlers.console_queries.export_rows``)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "工单"
    ws.append([title])
    ws["A1"].font = Font(bold=True)
    ws.append(list(TICKET_HEADINGS))
    for r in rows:
        ws.append([r.get(h) for h in TICKET_HEADINGS])
    for col, width in zip("ABCDEFGHIJ", (15, 10, 14, 6, 8, 10, 10, 5, 8, 40), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def local(at: datetime | None) -> str | None:
    return at.astimezone(env().config.tz).strftime("%Y-%m-%d %H:%M") if at else None
