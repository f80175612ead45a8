"""Excel in and out: one form in the official layout, that layout read back, and the bulk export.

The only module that imports openpyxl or xlsxwriter. Writers take plain data, the
reader returns plain data (or every reason it could not), and the bulk export
consumes plain rows from `values_list`; views and services do the rest.

Never a formula: users type target values such as `=50家` and `=100%`. Both
libraries would store a text beginning with `=` as a formula, so every text cell
goes through `_text_cell` (openpyxl: `data_type = "s"` set after the value) or
`write_string` (XlsxWriter, whose automatic conversions are also switched off).
"""

import logging
import math
import re
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import openpyxl
import xlsxwriter
from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from indicators.models import FormKind
from indicators.targets import normalize
from projects.models import Indicator

from . import schema
from .accounts.models import Organization
from .lib.dates import DateError, in_order, parse_date
from .lib.money import INVALID, NEGATIVE, TOO_LARGE, TOO_PRECISE, MoneyError, parse_wan, parse_yuan, yuan_to_wan
from .models import PerformanceForm, Status, department_form_title
from .tables import indicator_table

logger = logging.getLogger(__name__)

# Defaults; a deployment may override each through settings of the same name.
PERFGOALS_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
# A 5 MB zip can unpack to 72 MB of XML (FIELD_NOTES); refuse before parsing.
PERFGOALS_UPLOAD_MAX_UNZIPPED_BYTES = 20 * 1024 * 1024
# A form has at most MAX_INDICATOR_ROWS rows plus some 30 of header: 2,000 is absurd.
PERFGOALS_UPLOAD_MAX_ROWS = 2000
# The bulk export reports progress this often (and, when asked, every few seconds too).
PERFGOALS_EXPORT_PROGRESS_EVERY = 2000


def setting(name: str):
    return getattr(settings, name, globals()[name])


def clean_text(value) -> str:
    """Text as a cell can hold it: XML 1.0 has no control characters, and reads CR LF back as LF."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return ILLEGAL_CHARACTERS_RE.sub("", text)


# ---------------------------------------------------------------------------
# The official layout, as data both the writer and the reader follow.
#
# Labels are the printed form's own words, matched by the reader, so they are
# data rather than UI text and are not translated.

PROJECT_TITLE = "财政项目支出绩效目标表"
DEPARTMENT_TITLE = "年部门整体支出绩效目标表"
PROJECT_UNIT_LABEL = "申报单位名称"
DEPARTMENT_UNIT_LABEL = "填报单位"

COLUMNS = 6  # A..F
COLUMN_WIDTHS = [16, 14, 20, 16, 8, 22]
# The indicator table: 一级 in A, 二级 in B, 三级 across C:E, the value in F.
TABLE_COLUMNS = (0, 1, 2, 5)


@dataclass(frozen=True)
class Label:
    col: int  # 0-based; the value starts in the next column
    text: str
    field: str | None = None
    value_end: int | None = None  # last column of the value; default: up to the next label or the edge


def _field(col: int, name: str, *, value_end: int | None = None) -> Label:
    """A label cell for a catalogue field: its printed label (with 元 for project money)."""
    entry = schema.get(name)
    text = entry.display_label if entry.unit == schema.YUAN else str(entry.label)
    return Label(col, text, name, value_end)


# The layout: where each catalogue field stands, two label/value pairs per row as on paper.
# The labels are the field catalogue's; only positions and headings live here.
PROJECT_HEADER_ROWS = [
    (_field(0, "project_name"), _field(3, "category")),
    (_field(0, "planned_start"), _field(3, "planned_end")),
    (_field(0, "gov_purchase"), _field(3, "performance_type")),
]
PROJECT_NARRATIVE = [_field(0, name) for name in schema.names(FormKind.PROJECT, kind=schema.NARRATIVE)]
PROJECT_BUDGET_TITLE = "本项目上年度市级财政资金使用情况"
PROJECT_BUDGET_ROWS = [
    (_field(0, "total_budget"), _field(3, "current_budget")),
    (_field(0, "prev_budget"), _field(3, "prev_executed")),
]
PROJECT_TABLE_TITLE = "年绩效目标"
PROJECT_TABLE_HEADER = tuple(str(text) for text in schema.TABLE_HEADINGS[FormKind.PROJECT])

DEPARTMENT_NAME_ROW = (Label(0, "部门名称"),)
DEPARTMENT_BUDGET_LABEL = "年度预算申请（万元）"
DEPARTMENT_BUDGET_ROWS = [
    (Label(0, DEPARTMENT_BUDGET_LABEL), _field(1, "fund_total")),
    (Label(1, "按收入性质分"), Label(3, "按支出性质分")),
    (_field(1, "fund_general"), _field(3, "expense_basic")),
    (_field(1, "fund_gov_fund"), _field(3, "expense_project")),
    (_field(1, "fund_special_nontax", value_end=2),),
    (_field(1, "fund_other", value_end=2),),
]
DEPARTMENT_NARRATIVE = [_field(0, name) for name in schema.names(FormKind.DEPARTMENT, kind=schema.NARRATIVE)]
DEPARTMENT_TABLE_TITLE = "部门整体支出年度绩效指标"
DEPARTMENT_TABLE_HEADER = tuple(str(text) for text in schema.TABLE_HEADINGS[FormKind.DEPARTMENT])

PROJECT_HEADER_FIELDS = [label.field for row in PROJECT_HEADER_ROWS for label in row] + [
    label.field for label in PROJECT_NARRATIVE
]
PROJECT_BUDGET_FIELDS = [label.field for row in PROJECT_BUDGET_ROWS for label in row]
DEPARTMENT_HEADER_FIELDS = [label.field for label in DEPARTMENT_NARRATIVE]
DEPARTMENT_BUDGET_FIELDS = [label.field for row in DEPARTMENT_BUDGET_ROWS for label in row if label.field]
DATE_FIELDS = set(schema.DATE_FIELDS)
BOOL_FIELDS = set(schema.BOOL_FIELDS)


def header_fields(kind: str) -> list[str]:
    return DEPARTMENT_HEADER_FIELDS if kind == FormKind.DEPARTMENT else PROJECT_HEADER_FIELDS


def budget_fields(kind: str) -> list[str]:
    return DEPARTMENT_BUDGET_FIELDS if kind == FormKind.DEPARTMENT else PROJECT_BUDGET_FIELDS


@dataclass
class SheetForm:
    """One form as the official layout holds it: what the writer takes and the reader gives."""

    kind: str
    year: int
    unit_name: str
    header: dict  # the kind's header fields: str, date (planned_*), bool | None (gov_purchase)
    budget: dict  # the kind's budget fields: Decimal 元 | None
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)  # 一级, 二级, 三级, value

    @classmethod
    def from_form(cls, perf_form: PerformanceForm, rows: Iterable[Indicator]) -> "SheetForm":
        """The form as the file holds it: text already as a cell can store it (so a preview compares alike)."""

        def text(value):
            return clean_text(value) if isinstance(value, str) else value

        return cls(
            kind=perf_form.kind,
            year=perf_form.year.year,
            unit_name=perf_form.unit.name,
            header={name: text(getattr(perf_form, name)) for name in header_fields(perf_form.kind)},
            budget={name: getattr(perf_form, name) for name in budget_fields(perf_form.kind)},
            rows=[tuple(clean_text(v) for v in (r.level1, r.level2, r.level3, r.value)) for r in rows],
        )

    def values(self) -> dict:
        """Header and budget as `services.save_form` / `create_form` take them."""
        return {**self.header, **self.budget}

    def snapshot(self) -> dict:
        """Plain JSON in the shape of `services.snapshot` (rows without ids): for the session and the diff."""

        def plain(value):
            if value is None or isinstance(value, bool | int | str):
                return value
            return str(value)

        return {
            "header": {name: plain(value) for name, value in self.header.items()},
            "budget": {name: plain(value) for name, value in self.budget.items()},
            "rows": [{"id": None, "level1": a, "level2": b, "level3": c, "value": d} for a, b, c, d in self.rows],
        }

    def to_json(self) -> dict:
        return {"kind": self.kind, "year": self.year, "unit_name": self.unit_name, **self.snapshot()}

    @classmethod
    def from_json(cls, data: dict) -> "SheetForm":
        header = {}
        for name, value in data["header"].items():
            header[name] = date.fromisoformat(value) if name in DATE_FIELDS and value else value
        return cls(
            kind=data["kind"],
            year=data["year"],
            unit_name=data["unit_name"],
            header=header,
            budget={name: None if value is None else Decimal(value) for name, value in data["budget"].items()},
            rows=[(r["level1"], r["level2"], r["level3"], r["value"]) for r in data["rows"]],
        )


# ---------------------------------------------------------------------------
# Writing the official layout (openpyxl: merged cells, borders, print setup).

FONT_NAME = "SimSun"  # 宋体, as the printed forms; LibreOffice substitutes a CJK font
FONT_SIZE = 10.5
# Points per wrapped line. SimSun 10.5 needs 13.5 in Excel, but LibreOffice's usual CJK
# substitute (Noto Sans CJK) needs 15.2 (rendered and measured): 16 fits both with a margin.
LINE_HEIGHT = 16
ROW_PADDING = 5
MAX_ROW_HEIGHT = 409  # Excel's limit; longer text continues in the next row
MONEY_FORMAT = "#,##0.00"
# Two decimals, more only when the 元 amount needs them to stay exact (as `format_wan`).
WAN_FORMAT = "#,##0.00####"
DATE_FORMAT = "yyyy-mm-dd"

_thin = Side(style="thin", color="000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
BODY_FONT = Font(name=FONT_NAME, size=FONT_SIZE)
BOLD_FONT = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP_LEFT = Alignment(wrap_text=True, vertical="center", horizontal="left")
WRAP_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
# A label merged down several rows sits at their top: a block that crosses a page break
# then shows its label on the first page (centred, it may land on neither or be cut in two).
WRAP_CENTER_TOP = Alignment(wrap_text=True, vertical="top", horizontal="center")

# Widths in column units. A unit is the '0' of the workbook's default font (Calibri 11:
# 7 px at 96 dpi, ECMA-376 §18.3.1.13); a 10.5 pt CJK glyph is 14 px, two units, in Excel
# and in LibreOffice alike, which fits 42 of them on an 80-unit line (rendered and counted).
# LibreOffice draws SimSun's digits and Latin letters with a wider substitute (DejaVu, up to
# 1.27 units a digit), hence 1.3. A LibreOffice without Calibri's metric twin (Carlito) lays
# every column out ~28% wider, and only has more room than estimated.
CJK_WIDTH = 2.0
OTHER_WIDTH = 1.3


def _text_width(text: str) -> float:
    """Width in column units of `text` on one line."""
    return sum(CJK_WIDTH if unicodedata.east_asian_width(ch) in "WF" else OTHER_WIDTH for ch in text)


def _line_count(text: str, width: float) -> int:
    """Lines a wrapped cell of `width` column units needs; LibreOffice does not fit merged cells itself."""
    usable = max(width - 1.5, 2.0)
    return sum(max(1, math.ceil(_text_width(line) / usable)) for line in text.split("\n"))


def _height(lines: int) -> float:
    return min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT + ROW_PADDING)


def _label_lines(text: str, width: float) -> str:
    """Break a label that wraps before its unit, "项目总预算\n（元）", rather than orphan a bracket."""
    if "（" in text and _line_count(text, width) > 1:
        return text.replace("（", "\n（", 1)
    return text


def _span_width(first: int, last: int) -> float:
    return sum(COLUMN_WIDTHS[first : last + 1])


MAX_LINES_PER_ROW = int((MAX_ROW_HEIGHT - ROW_PADDING) // LINE_HEIGHT)


def split_for_rows(text: str, width: float) -> list[str]:
    """Cut a long text into pieces that each fit one row; "".join(pieces) == text.

    Cuts after a line break where possible, else after a full stop, else anywhere. Linear
    in the text: each line's count is computed once and added up (re-measuring the growing
    piece made a 640,000-character narrative take 49 s).
    """
    pieces: list[str] = []
    current: list[str] = []
    current_lines = 0  # _line_count("".join(current)); current holds whole lines ending in "\n"
    # No character is narrower than OTHER_WIDTH: a line longer than this cannot fit, and is
    # not measured (measuring the rest of a long line after every cut was quadratic too).
    longest = MAX_LINES_PER_ROW * max(width - 1.5, 2.0) / OTHER_WIDTH + 1
    for line in text.splitlines(keepends=True) or [""]:
        while line:
            # Appending to a piece that ends with "\n" merges its empty last line with this one.
            lines = _line_count(line, width) if len(line) <= longest else MAX_LINES_PER_ROW + 1
            combined = lines + current_lines - 1 if current else lines
            if combined <= MAX_LINES_PER_ROW:
                current.append(line)
                current_lines, line = combined, ""
            elif current:
                pieces.append("".join(current))
                current, current_lines = [], 0
            else:
                cut = _longest_fitting_prefix(line, width)
                pieces.append(line[:cut])
                line = line[cut:]
    if current or not pieces:
        pieces.append("".join(current))
    return pieces


def _longest_fitting_prefix(line: str, width: float) -> int:
    """The longest prefix of one line (at most a final "\n") that fits a row, cut at a full stop if one is near."""
    usable = max(width - 1.5, 2.0)
    body = line.removesuffix("\n")
    low, total = 0, 0.0
    for ch in body:
        total += CJK_WIDTH if unicodedata.east_asian_width(ch) in "WF" else OTHER_WIDTH
        # The same ceil as _line_count, on the same float sums, so both agree at the boundary.
        if math.ceil(total / usable) > MAX_LINES_PER_ROW:
            break
        low += 1
    else:
        # All of the text fits; its "\n" would open one more line.
        if len(body) < len(line) and max(1, math.ceil(total / usable)) + 1 <= MAX_LINES_PER_ROW:
            low = len(line)
    low = max(low, 1)
    stop = max(line.rfind(mark, 0, low) for mark in "。；;！？")
    return stop + 1 if stop > low // 2 else low


class _LayoutWriter:
    def __init__(self, title: str):
        self.workbook = openpyxl.Workbook()
        self.ws = self.workbook.active
        self.ws.title = title[:31]
        self.row = 0
        for index, width in enumerate(COLUMN_WIDTHS, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width

    def cell(self, row: int, col: int):
        return self.ws.cell(row=row, column=col + 1)

    def text(self, row: int, col: int, value, *, font=BODY_FONT, align=WRAP_LEFT, fill=None, border=True):
        cell = _text_cell(self.cell(row, col), value)
        cell.font, cell.alignment = font, align
        if fill:
            cell.fill = fill
        if border:
            cell.border = BORDER
        return cell

    def number(self, row: int, col: int, value, number_format: str):
        cell = self.cell(row, col)
        cell.value = value
        cell.number_format = number_format
        cell.font, cell.border = BODY_FONT, BORDER
        cell.alignment = Alignment(vertical="center", horizontal="right")
        return cell

    def merge(self, row1: int, col1: int, row2: int, col2: int):
        """Merge after styling every cell of the range, so the border goes all round."""
        for r in range(row1, row2 + 1):
            for c in range(col1, col2 + 1):
                self.cell(r, c).border = BORDER
        if (row1, col1) != (row2, col2):
            self.ws.merge_cells(start_row=row1, start_column=col1 + 1, end_row=row2, end_column=col2 + 1)

    def next_row(self, height: float | None = None) -> int:
        self.row += 1
        if height:
            self.ws.row_dimensions[self.row].height = height
        return self.row

    def banner(self, text: str, *, size: float = FONT_SIZE, bold=False, align=WRAP_LEFT, height=None) -> None:
        row = self.next_row(height)
        self.text(row, 0, text, font=Font(name=FONT_NAME, size=size, bold=bold), align=align, border=False)
        self.ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=COLUMNS)

    def section(self, text: str) -> None:
        row = self.next_row(_height(1))
        self.text(row, 0, text, font=BOLD_FONT, fill=LABEL_FILL)
        self.merge(row, 0, row, COLUMNS - 1)

    def label(self, row: int, col: int, text: str):
        return self.text(row, col, _label_lines(text, COLUMN_WIDTHS[col]), align=WRAP_CENTER, fill=LABEL_FILL)

    def pair_row(self, labels: tuple[Label, ...], values: dict, formats: dict[str, str]) -> int:
        """Labels with their values; a value spans to the next label (or the last column)."""
        row = self.next_row()
        lines = 1
        for index, label in enumerate(labels):
            width = COLUMN_WIDTHS[label.col]
            self.label(row, label.col, label.text)
            lines = max(lines, _line_count(_label_lines(label.text, width), width))
            if label.field is None:
                continue
            first = label.col + 1
            if label.value_end is not None:
                last = label.value_end
            elif index + 1 < len(labels):
                last = labels[index + 1].col - 1
            else:
                last = COLUMNS - 1
            value = values.get(label.field)
            if label.field in formats:
                self.number(row, first, value, formats[label.field])
            else:
                shown = _shown(value)
                self.text(row, first, shown)
                lines = max(lines, _line_count(shown, _span_width(first, last)))
            self.merge(row, first, row, last)
        self.ws.row_dimensions[row].height = _height(lines)
        return row

    def narrative(self, label: Label, text: str) -> None:
        """A long text across the row, continued in further rows when one row cannot hold it."""
        width = _span_width(1, COLUMNS - 1)
        pieces = split_for_rows(clean_text(text), width)
        first = self.row + 1
        for piece in pieces:
            row = self.next_row(_height(_line_count(piece, width)))
            self.text(row, 1, piece)
            self.merge(row, 1, row, COLUMNS - 1)
        label_lines = _line_count(label.text, COLUMN_WIDTHS[0])
        if len(pieces) == 1 and label_lines * LINE_HEIGHT + ROW_PADDING > self.ws.row_dimensions[first].height:
            self.ws.row_dimensions[first].height = _height(label_lines)
        cell = self.label(first, 0, label.text)
        if len(pieces) > 1:
            cell.alignment = WRAP_CENTER_TOP
        self.merge(first, 0, self.row, 0)

    def table(self, header: tuple[str, ...], rows: list[tuple[str, str, str, str]]) -> None:
        """The indicator table, 一级 and 二级 merged down their rows, its header repeated on every page."""
        head = self.next_row(_height(1))
        for col, text in zip(TABLE_COLUMNS, header, strict=True):
            self.text(head, col, text, font=BOLD_FONT, align=WRAP_CENTER, fill=LABEL_FILL)
        self.merge(head, 2, head, 4)
        self.ws.print_title_rows = f"{head}:{head}"

        widths = [COLUMN_WIDTHS[0], COLUMN_WIDTHS[1], _span_width(2, 4), COLUMN_WIDTHS[5]]
        items = indicator_table([_PlainRow(*r) for r in rows])
        first = head + 1
        heights = []
        for item in items:
            row = self.next_row()
            level1, level2, level3, value = (clean_text(v) for v in rows[item.index])
            self.text(row, 0, level1, align=WRAP_CENTER)
            self.text(row, 1, level2, align=WRAP_CENTER)
            self.text(row, 2, level3)
            self.merge(row, 2, row, 4)
            self.text(row, 5, value)
            heights.append(_height(max(_line_count(level3, widths[2]), _line_count(value, widths[3]))))
        # A merged 一级/二级 cell must fit in the rows it spans: grow its last row if not.
        for item in items:
            for col, span in ((0, item.level1_span), (1, item.level2_span)):
                if not span:
                    continue
                start = item.index
                needed = _height(_line_count(clean_text(rows[start][col]), widths[col]))
                have = sum(heights[start : start + span])
                if have < needed:
                    heights[start + span - 1] = min(MAX_ROW_HEIGHT, heights[start + span - 1] + needed - have)
                if span > 1:
                    self.cell(first + start, col).alignment = WRAP_CENTER_TOP
                    self.merge(first + start, col, first + start + span - 1, col)
        for offset, height in enumerate(heights):
            self.ws.row_dimensions[first + offset].height = height

    def finish(self) -> bytes:
        ws = self.ws
        ws.page_setup.orientation = "portrait"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6, header=0.3, footer=0.3)
        ws.print_options.horizontalCentered = True
        ws.print_area = f"A1:{get_column_letter(COLUMNS)}{self.row}"
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
        buffer = BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


@dataclass
class _PlainRow:
    level1: str
    level2: str
    level3: str
    value: str


def _text_cell(cell, value):
    """A text cell that stays text: set the type after the value, or `=50家` becomes a formula."""
    cell.value = clean_text(value)
    cell.data_type = "s"
    return cell


def _shown(value) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def official_xlsx(sheet: SheetForm) -> bytes:
    """The form as an .xlsx that prints like the paper form (A4 portrait, fit to width)."""
    if sheet.kind == FormKind.DEPARTMENT:
        return _department_xlsx(sheet)
    return _project_xlsx(sheet)


def _project_xlsx(sheet: SheetForm) -> bytes:
    out = _LayoutWriter(PROJECT_TITLE)
    out.banner(PROJECT_TITLE, size=16, bold=True, align=WRAP_CENTER, height=28)
    out.banner(f"（{sheet.year}年度）", align=WRAP_CENTER, height=20)
    out.banner(f"{PROJECT_UNIT_LABEL}：{sheet.unit_name}", height=22)
    for labels in PROJECT_HEADER_ROWS:
        row = out.pair_row(labels, sheet.header, {})
        for label in labels:
            if label.field in DATE_FIELDS and sheet.header.get(label.field):
                cell = out.cell(row, label.col + 1)
                cell.value = sheet.header[label.field]
                cell.number_format = DATE_FORMAT
    for label in PROJECT_NARRATIVE:
        out.narrative(label, sheet.header.get(label.field) or "")
    out.section(PROJECT_BUDGET_TITLE)
    for labels in PROJECT_BUDGET_ROWS:
        out.pair_row(labels, sheet.budget, dict.fromkeys(PROJECT_BUDGET_FIELDS, MONEY_FORMAT))
    out.section(f"{sheet.year}{PROJECT_TABLE_TITLE}")
    out.table(PROJECT_TABLE_HEADER, sheet.rows)
    return out.finish()


def _department_xlsx(sheet: SheetForm) -> bytes:
    title = f"{sheet.year}{DEPARTMENT_TITLE}"
    out = _LayoutWriter(title)
    out.banner(title, size=16, bold=True, align=WRAP_CENTER, height=28)
    out.banner(f"{DEPARTMENT_UNIT_LABEL}：{sheet.unit_name}", height=22)
    row = out.pair_row(DEPARTMENT_NAME_ROW, {}, {})
    out.text(row, 1, sheet.unit_name)
    out.merge(row, 1, row, COLUMNS - 1)
    # 万元 exactly: 元 has two decimals, so 万元 has at most six.
    wan = {name: None if value is None else yuan_to_wan(value) for name, value in sheet.budget.items()}
    formats = dict.fromkeys(DEPARTMENT_BUDGET_FIELDS, WAN_FORMAT)
    first = out.row + 1
    for labels in DEPARTMENT_BUDGET_ROWS:
        row = out.pair_row(labels, wan, formats)
        if labels[-1].field is None:  # 按收入性质分 | 按支出性质分: headings over two columns each
            out.merge(row, 1, row, 2)
            out.merge(row, 3, row, COLUMNS - 1)
        elif len(labels) == 1:  # nothing on the 支出 side of this row
            out.merge(row, 3, row, COLUMNS - 1)
    out.merge(first, 0, out.row, 0)
    for label in DEPARTMENT_NARRATIVE:
        out.narrative(label, sheet.header.get(label.field) or "")
    out.section(DEPARTMENT_TABLE_TITLE)
    out.table(DEPARTMENT_TABLE_HEADER, sheet.rows)
    return out.finish()


# ---------------------------------------------------------------------------
# Reading the official layout back from an upload.


class UploadError(Exception):
    """The file was refused; `messages` says why, in Chinese, each pointing at a row or cell."""

    def __init__(self, messages: str | list[str]):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("\n".join(self.messages))


@dataclass
class _Cell:
    value: object
    number_format: str = "General"

    @property
    def blank(self) -> bool:
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


def read_official(upload, *, name: str = "") -> SheetForm:
    """Read an uploaded official-layout .xlsx; raises UploadError and changes nothing on a bad file."""
    rows = _sheet_rows(upload, name=name)
    return _LayoutReader(rows).read()


def _sheet_rows(upload, *, name: str) -> list[list[_Cell]]:
    """The first sheet's first COLUMNS columns, refusing oversized, bombed or broken files first."""
    not_xlsx = _(
        "文件“%(name)s”不是 Excel 2007 及以后的 .xlsx 文件。如果是旧版 .xls 或 WPS 格式，请先另存为 .xlsx。"
    ) % {"name": name or _("（未命名）")}
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    limit = setting("PERFGOALS_UPLOAD_MAX_BYTES")
    if size > limit:
        raise UploadError(
            _("文件太大（%(size)s），上限为 %(limit)s。绩效目标表的 .xlsx 通常不到 1 MB。")
            % {"size": _megabytes(size), "limit": _megabytes(limit)}
        )
    if size == 0:
        raise UploadError(_("文件是空的。"))
    upload.seek(0)
    if not zipfile.is_zipfile(upload):
        raise UploadError(not_xlsx)
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if "[Content_Types].xml" not in archive.namelist():
                raise UploadError(not_xlsx)
    except zipfile.BadZipFile:
        raise UploadError(not_xlsx) from None
    if unpacked > setting("PERFGOALS_UPLOAD_MAX_UNZIPPED_BYTES"):
        raise UploadError(
            _("文件解压后有 %(size)s，超过上限 %(limit)s，可能不是正常的绩效目标表，已拒绝。")
            % {"size": _megabytes(unpacked), "limit": _megabytes(setting("PERFGOALS_UPLOAD_MAX_UNZIPPED_BYTES"))}
        )
    upload.seek(0)
    max_rows = setting("PERFGOALS_UPLOAD_MAX_ROWS")
    rows: list[list[_Cell]] = []
    # A hostile or broken file can make openpyxl raise almost anything (KeyError,
    # ParseError, ValueError, ...): whatever it is, the answer is "cannot read".
    try:
        workbook = openpyxl.load_workbook(upload, read_only=True, data_only=False)
        try:
            if not workbook.worksheets:
                raise UploadError(_("文件里没有工作表。"))
            ws = workbook.worksheets[0]
            # read_only trusts the sheet's own <dimension>, which may claim one row of a million.
            ws.reset_dimensions()
            for number, row in enumerate(ws.iter_rows(max_col=COLUMNS), start=1):
                if number > max_rows:
                    raise UploadError(_("工作表超过 %(n)s 行，不是一张绩效目标表，已停止读取。") % {"n": max_rows})
                rows.append([_Cell(c.value, getattr(c, "number_format", "General") or "General") for c in row])
        finally:
            workbook.close()
    except UploadError:
        raise
    except Exception:
        logger.info("unreadable upload %r", name, exc_info=True)
        raise UploadError(_("文件“%(name)s”已损坏或不完整，无法读取。请重新保存后再上传。") % {"name": name}) from None
    return rows


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _label_text(value) -> str:
    """A label as written, compared loosely: full-width folded, spaces and a trailing colon dropped."""
    return normalize("" if value is None else str(value)).rstrip(":")


def _cell_name(row: int, col: int) -> str:
    return f"{get_column_letter(col + 1)}{row}"


class _LayoutReader:
    def __init__(self, rows: list[list[_Cell]]):
        self.rows = rows
        self.pos = 0  # index of the next row to read
        self.errors: list[str] = []

    # -- cursor --------------------------------------------------------------
    def cell(self, index: int, col: int) -> _Cell:
        row = self.rows[index]
        return row[col] if col < len(row) else _Cell(None)

    def row_blank(self, index: int) -> bool:
        return all(c.blank for c in self.rows[index][:COLUMNS])

    def skip_blank(self) -> None:
        while self.pos < len(self.rows) and self.row_blank(self.pos):
            self.pos += 1

    def take(self, what: str) -> int:
        """The next non-blank row's index; the file ends too early otherwise."""
        self.skip_blank()
        if self.pos >= len(self.rows):
            raise UploadError(
                _("第%(row)s行：表格到此结束，缺少“%(what)s”。") % {"row": len(self.rows) + 1, "what": what}
            )
        self.pos += 1
        return self.pos - 1

    def expect(self, index: int, label: Label) -> None:
        found = self.cell(index, label.col).value
        if _label_text(found) != _label_text(label.text):
            shown = _("空白") if found in (None, "") else f"“{found}”"
            raise UploadError(
                _("第%(row)s行：单元格 %(cell)s 应为“%(label)s”，实为%(found)s。不是本系统导出的表格格式。")
                % {"row": index + 1, "cell": _cell_name(index + 1, label.col), "label": label.text, "found": shown}
            )

    # -- the layout ------------------------------------------------------------
    def read(self) -> SheetForm:
        if not self.rows:
            raise UploadError(_("工作表是空的。"))
        index = self.take(PROJECT_TITLE)
        title = _label_text(self.cell(index, 0).value)
        department = re.fullmatch(r"(\d{4})" + DEPARTMENT_TITLE, title)
        if title == PROJECT_TITLE:
            sheet = self.read_project()
        elif department:
            sheet = self.read_department(int(department.group(1)))
        else:
            raise UploadError(
                _("第%(row)s行：没有找到表名“%(project)s”或“××××%(department)s”，不是绩效目标表的格式。")
                % {"row": index + 1, "project": PROJECT_TITLE, "department": DEPARTMENT_TITLE}
            )
        if self.errors:
            raise UploadError(self.errors)
        return sheet

    def read_project(self) -> SheetForm:
        index = self.take(_("年度"))
        match = re.fullmatch(r"\(?(\d{4})年度?\)?", _label_text(self.cell(index, 0).value))
        if not match:
            raise UploadError(_("第%(row)s行：没有找到年度，应为“（2020年度）”这样的写法。") % {"row": index + 1})
        year = int(match.group(1))
        unit_name = self.unit_line(PROJECT_UNIT_LABEL)
        header: dict = {}
        for labels in PROJECT_HEADER_ROWS:
            self.pair_row(labels, header, money=False)
        for label in PROJECT_NARRATIVE:
            header[label.field] = self.narrative(label)
        self.expect(self.take(PROJECT_BUDGET_TITLE), Label(0, PROJECT_BUDGET_TITLE))
        budget: dict = {}
        for labels in PROJECT_BUDGET_ROWS:
            self.pair_row(labels, budget, money=True)
        index = self.take(PROJECT_TABLE_TITLE)
        if not re.fullmatch(r"\d{4}" + PROJECT_TABLE_TITLE, _label_text(self.cell(index, 0).value)):
            self.pos = index  # no title row: go straight on to the table header
        rows = self.table(PROJECT_TABLE_HEADER)
        self.check_project(header)
        return SheetForm(FormKind.PROJECT, year, unit_name, header, budget, rows)

    def read_department(self, year: int) -> SheetForm:
        unit_name = self.unit_line(DEPARTMENT_UNIT_LABEL)
        index = self.take(DEPARTMENT_NAME_ROW[0].text)
        self.expect(index, DEPARTMENT_NAME_ROW[0])
        budget: dict = {}
        for labels in DEPARTMENT_BUDGET_ROWS:
            self.pair_row(labels, budget, money=True, wan=True)
        header = {label.field: self.narrative(label) for label in DEPARTMENT_NARRATIVE}
        index = self.take(DEPARTMENT_TABLE_TITLE)
        if _label_text(self.cell(index, 0).value) != DEPARTMENT_TABLE_TITLE:
            self.pos = index
        rows = self.table(DEPARTMENT_TABLE_HEADER)
        return SheetForm(FormKind.DEPARTMENT, year, unit_name, header, budget, rows)

    def unit_line(self, label: str) -> str:
        index = self.take(label)
        text = "" if self.cell(index, 0).value is None else str(self.cell(index, 0).value).strip()
        match = re.fullmatch(rf"{label}\s*[:：]\s*(.*)", text, flags=re.DOTALL)
        if not match:
            raise UploadError(
                _("第%(row)s行：单元格 A%(row)s 应为“%(label)s：……”。") % {"row": index + 1, "label": label}
            )
        return match.group(1).strip()

    def pair_row(self, labels: tuple[Label, ...], into: dict, *, money: bool, wan: bool = False) -> None:
        index = self.take(labels[0].text)
        for label in labels:
            self.expect(index, label)
        for label in labels:
            if label.field is None:
                continue
            cell = self.cell(index, label.col + 1)
            where = _("第%(row)s行：单元格 %(cell)s（%(label)s）") % {
                "row": index + 1,
                "cell": _cell_name(index + 1, label.col + 1),
                "label": label.text,
            }
            if money:
                into[label.field] = self.money(cell, where, wan=wan)
            elif label.field in DATE_FIELDS:
                into[label.field] = self.date(cell, where)
            elif label.field in BOOL_FIELDS:
                into[label.field] = self.yes_no(cell, where)
            else:
                into[label.field] = self.short_text(cell, where, label.field)

    def narrative(self, label: Label) -> str:
        """The label's row and the rows after it whose column A is empty (a text continued)."""
        index = self.take(label.text)
        self.expect(index, label)
        pieces = [_cell_text(self.cell(index, 1))]
        while self.pos < len(self.rows) and self.cell(self.pos, 0).blank:
            pieces.append(_cell_text(self.cell(self.pos, 1)))
            self.pos += 1
        text = "".join(pieces)
        limit = PerformanceForm._meta.get_field(label.field).max_length
        if len(text) > limit:
            self.errors.append(
                _("“%(label)s”有 %(count)s 个字，超过上限 %(n)s 个字，请精简后再上传。")
                % {"label": label.text, "count": len(text), "n": limit}
            )
        return text

    def table(self, header: tuple[str, ...]) -> list[tuple[str, str, str, str]]:
        head = self.take(header[0])
        for col, text in zip(TABLE_COLUMNS, header, strict=True):
            if _label_text(self.cell(head, col).value) != _label_text(text):
                raise UploadError(
                    _("第%(row)s行：缺少“%(label)s”表头（单元格 %(cell)s）。")
                    % {"row": head + 1, "label": text, "cell": _cell_name(head + 1, col)}
                )
        rows: list[tuple[str, str, str, str]] = []
        level1 = level2 = ""
        for index in range(head + 1, len(self.rows)):
            texts = [_cell_text(self.cell(index, col)).strip() for col in TABLE_COLUMNS]
            # 一级 and 二级 are merged down their rows: an empty cell continues the one above.
            if texts[0]:
                level1, level2 = texts[0], ""
            if texts[1]:
                level2 = texts[1]
            level3, value = texts[2], texts[3]
            if not level3 and not value:
                continue
            where = _("第%(row)s行") % {"row": index + 1}
            if not level3:
                self.errors.append(_("%(where)s：有指标值但缺少三级指标名称。") % {"where": where})
            if not level1 or not level2:
                self.errors.append(_("%(where)s：缺少一级或二级指标。") % {"where": where})
            for text, field_name in ((level1, "level1"), (level2, "level2"), (level3, "level3"), (value, "value")):
                model_field = Indicator._meta.get_field(field_name)
                limit, name = model_field.max_length, model_field.verbose_name
                if len(text) > limit:
                    self.errors.append(
                        _("%(where)s：%(name)s超过 %(n)s 个字。") % {"where": where, "name": name, "n": limit}
                    )
            rows.append((level1, level2, level3, value))
        if len(rows) > settings.MAX_INDICATOR_ROWS:
            self.errors.append(
                _("指标有 %(count)s 行，一张表最多 %(n)s 行。") % {"count": len(rows), "n": settings.MAX_INDICATOR_ROWS}
            )
        self.pos = len(self.rows)
        return rows

    # -- values ------------------------------------------------------------------
    def short_text(self, cell: _Cell, where: str, name: str) -> str:
        text = _cell_text(cell).strip()
        limit = PerformanceForm._meta.get_field(name).max_length
        if limit and len(text) > limit:
            self.errors.append(_("%(where)s：超过 %(n)s 个字。") % {"where": where, "n": limit})
        return text

    def date(self, cell: _Cell, where: str) -> date | None:
        value = cell.value
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = _cell_text(cell).strip()
        try:
            return parse_date(text)
        except DateError:
            self.errors.append(
                _("%(where)s：“%(text)s”不是有效日期，请写成 2020-01-01。") % {"where": where, "text": text}
            )
            return None

    def yes_no(self, cell: _Cell, where: str) -> bool | None:
        if isinstance(cell.value, bool):
            return cell.value
        text = _cell_text(cell).strip()
        if text in ("是", "否", ""):
            return {"是": True, "否": False}.get(text)
        self.errors.append(_("%(where)s：请填“是”或“否”，而不是“%(text)s”。") % {"where": where, "text": text})
        return None

    def money(self, cell: _Cell, where: str, *, wan: bool) -> Decimal | None:
        value = cell.value
        unit = _("万元") if wan else _("元")
        try:
            # Numbers as openpyxl gives them (a float read through repr, what was typed), or text.
            return parse_wan(value) if wan else parse_yuan(value)
        except MoneyError as e:
            messages = {
                INVALID: _("%(where)s：“%(text)s”不是金额数字（单位：%(unit)s）。"),
                NEGATIVE: _("%(where)s：金额不能为负数。"),
                TOO_PRECISE: _("%(where)s：金额最多精确到分。"),
                TOO_LARGE: _("%(where)s：金额过大，请核对单位是否为%(unit)s。"),
            }
            self.errors.append(messages[e.code] % {"where": where, "text": value, "unit": unit})
            return None

    def check_project(self, header: dict) -> None:
        if not header.get("project_name"):
            self.errors.append(_("请在“项目名称”一栏填写项目名称。"))
        if not in_order(header.get("planned_start"), header.get("planned_end")):
            self.errors.append(_("计划完成日期不能早于计划开始日期。"))


def _cell_text(cell: _Cell) -> str:
    """A cell as the text the user sees: numbers without a trailing .0, percentages with %.

    A formula cell (read with data_only=False) gives its formula, `=100%`: that is what was typed.
    """
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if "%" in cell.number_format:
            return f"{_plain_number(number * 100)}%"
        return _plain_number(number)
    return clean_text(value)


def _plain_number(number: Decimal) -> str:
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# ---------------------------------------------------------------------------
# Bulk export: plain rows from values_list, written by XlsxWriter in constant memory.

TEXT, INTEGER, MONEY, NUMBER, DATE = "text", "integer", "money", "number", "date"

FORM_SHEET = "项目"
FORM_COLUMNS = [
    ("年度", INTEGER, 8),
    ("主管部门", TEXT, 20),
    ("申报单位", TEXT, 24),
    ("项目名称", TEXT, 30),
    ("表类型", TEXT, 10),
    ("项目类别", TEXT, 14),
    ("计划开始日期", DATE, 12),
    ("计划完成日期", DATE, 12),
    ("是否含有政府购买服务", TEXT, 10),
    ("绩效类型", TEXT, 12),
    ("项目总预算", MONEY, 16),
    ("项目当年预算", MONEY, 16),
    ("同名项目上年预算额", MONEY, 16),
    ("同名项目上年预算执行数", MONEY, 16),
    ("状态", TEXT, 14),
    ("错误数", INTEGER, 8),
    ("警告数", INTEGER, 8),
]
INDICATOR_SHEET = "指标"
INDICATOR_COLUMNS = [
    ("年度", INTEGER, 8),
    ("申报单位", TEXT, 24),
    ("项目名称", TEXT, 30),
    ("一级", TEXT, 12),
    ("二级", TEXT, 14),
    ("三级", TEXT, 36),
    ("指标目标值", TEXT, 18),
    ("比较符", TEXT, 8),
    ("数值", NUMBER, 12),
    ("上限", NUMBER, 12),
    ("单位", TEXT, 10),
]

WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
CHUNK_SIZE = 2000

FORM_FIELDS = (
    "year__year",
    "unit__kind",
    "unit__name",
    "unit__parent__name",
    "project_name",
    "kind",
    "category",
    "planned_start",
    "planned_end",
    "gov_purchase",
    "performance_type",
    "total_budget",
    "current_budget",
    "prev_budget",
    "prev_executed",
    "fund_total",
    "status",
    "error_count",
    "warning_count",
)
INDICATOR_FIELDS = (
    "perf_form__year__year",
    "perf_form__unit__name",
    "perf_form__project_name",
    "level1",
    "level2",
    "level3",
    "value",
    "target_op",
    "target_low",
    "target_high",
    "target_unit",
    "perf_form__kind",
)
EXPORT_ORDER = ("-year__year", "unit__name", "kind", "project_name", "pk")
# The same forms order, then the rows of each form as on paper.
INDICATOR_ORDER = (
    "-perf_form__year__year",
    "perf_form__unit__name",
    "perf_form__kind",
    "perf_form__project_name",
    "perf_form_id",
    "position",
    "pk",
)


def form_rows(forms) -> Iterator[tuple]:
    """One plain row per form, in FORM_COLUMNS order; no model instances.

    A department form has no project name and no project budget: its title stands as
    项目名称 and its 资金总额, the whole year's budget, as 项目总预算 and 项目当年预算.
    """
    kinds = {value: str(label) for value, label in FormKind.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    yes_no = {True: "是", False: "否", None: ""}
    for (
        year,
        unit_kind,
        unit_name,
        parent_name,
        project_name,
        kind,
        category,
        start,
        end,
        gov_purchase,
        performance_type,
        total,
        current,
        prev,
        executed,
        fund_total,
        status,
        errors,
        warnings,
    ) in forms.order_by(*EXPORT_ORDER).values_list(*FORM_FIELDS).iterator(chunk_size=CHUNK_SIZE):
        department = unit_name if unit_kind == Organization.Kind.DEPARTMENT else parent_name
        if kind == FormKind.DEPARTMENT:
            project_name, total, current = department_form_title(unit_name), fund_total, fund_total
        yield (
            year,
            department or "",
            unit_name,
            project_name,
            kinds.get(kind, kind),
            category,
            start,
            end,
            yes_no.get(gov_purchase, ""),
            performance_type,
            total,
            current,
            prev,
            executed,
            statuses.get(status, status),
            errors,
            warnings,
        )


def indicator_rows(forms) -> Iterator[tuple]:
    """One plain row per indicator of `forms`, with the target as parsed when it was saved.

    The form's kind comes last in each fetched row and is dropped; a department form's
    rows carry its title as 项目名称 (see `form_rows`).
    """
    queryset = (
        Indicator.objects.filter(perf_form__in=forms.values("pk"))
        .order_by(*INDICATOR_ORDER)
        .values_list(*INDICATOR_FIELDS)
    )
    department = FormKind.DEPARTMENT.value
    for row in queryset.iterator(chunk_size=CHUNK_SIZE):
        if row[-1] == department:
            yield (row[0], row[1], department_form_title(row[1]), *row[3:-1])
        else:
            yield row[:-1]


def write_bulk(
    target,
    forms: Iterable[tuple],
    indicators: Iterable[tuple],
    progress: Callable[[int], None] | None = None,
    progress_seconds: float | None = None,
) -> int:
    """Write the two sheets to `target` (a path); returns the number of data rows written.

    `progress(rows written)` is called every PERFGOALS_EXPORT_PROGRESS_EVERY rows and at the end;
    with `progress_seconds`, also once that long has passed since the last call, so that a job's
    heartbeat keeps beating while rows come slowly (a busy database, a slow first chunk).
    """
    workbook = xlsxwriter.Workbook(str(target), WORKBOOK_OPTIONS)
    formats = {
        "header": workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "text_wrap": True}),
        MONEY: workbook.add_format({"num_format": MONEY_FORMAT}),
        DATE: workbook.add_format({"num_format": DATE_FORMAT}),
        NUMBER: workbook.add_format({"num_format": "General"}),
    }
    written = 0
    every = setting("PERFGOALS_EXPORT_PROGRESS_EVERY")
    due = time.monotonic() + progress_seconds if progress_seconds is not None else math.inf
    try:
        for sheet_name, columns, rows in (
            (FORM_SHEET, FORM_COLUMNS, forms),
            (INDICATOR_SHEET, INDICATOR_COLUMNS, indicators),
        ):
            ws = workbook.add_worksheet(sheet_name)
            for col, (title, _kind, width) in enumerate(columns):
                ws.set_column(col, col, width)
                ws.write_string(0, col, title, formats["header"])
            ws.freeze_panes(1, 0)
            kinds = [kind for _title, kind, _width in columns]
            row_number = 0
            for row_number, row in enumerate(rows, start=1):
                _write_row(ws, row_number, row, kinds, formats)
                written += 1
                if progress and (written % every == 0 or time.monotonic() >= due):
                    progress(written)
                    if progress_seconds is not None:
                        due = time.monotonic() + progress_seconds
            ws.autofilter(0, 0, max(row_number, 1), len(columns) - 1)
    finally:
        workbook.close()
    if progress:
        progress(written)
    return written


def _write_row(ws, row: int, values: tuple, kinds: list[str], formats: dict) -> None:
    for col, (value, kind) in enumerate(zip(values, kinds, strict=True)):
        if value is None or value == "":
            continue
        if kind == TEXT:
            ws.write_string(row, col, clean_text(value))
        elif kind == INTEGER:
            ws.write_number(row, col, value)
        elif kind == DATE:
            ws.write_datetime(row, col, value, formats[DATE])
        else:
            ws.write_number(row, col, value, formats[kind])


def export_forms(
    forms, target, progress: Callable[[int], None] | None = None, progress_seconds: float | None = None
) -> int:
    """The bulk export of a PerformanceForm queryset to the file `target` (see `write_bulk`)."""
    return write_bulk(target, form_rows(forms), indicator_rows(forms), progress, progress_seconds)


def export_total(forms) -> int:
    return forms.count() + Indicator.objects.filter(perf_form__in=forms.values("pk")).count()
