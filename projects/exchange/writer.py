"""The openpyxl writer of one form in the official layout (layout.py), printable like the paper form.

Never a formula: users type target values such as `=50家` and `=100%`. openpyxl would store
a text beginning with `=` as a formula, so every text cell goes through `_text_cell`, which
sets `data_type = "s"` after the value.
"""

import math
import unicodedata
from io import BytesIO

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.page import PageMargins

from indicators.choices import TargetScope

from .. import schema
from ..lib.money import yuan_to_wan
from .layout import (
    COLUMN_WIDTHS,
    COLUMNS,
    DATE_FORMAT,
    DETAIL_LABEL_COL,
    DETAIL_VALUE_COL,
    LAYOUTS,
    MONEY_FORMAT,
    ROW_DETAILS_MARK,
    TABLE_COLUMNS,
    UNIT_NAME,
    WAN_FORMAT,
    Group,
    Label,
    Narrative,
    indicator_table,
    shown,
    value_span,
)
from .sheet import SheetForm, SheetRow, clean_text

FONT_NAME = "SimSun"  # 宋体, as the printed forms; LibreOffice substitutes a CJK font
FONT_SIZE = 10.5
# Points per wrapped line. SimSun 10.5 needs 13.5 in Excel, but LibreOffice's usual CJK
# substitute (Noto Sans CJK) needs 15.2 (rendered and measured): 16 fits both with a margin.
LINE_HEIGHT = 16
ROW_PADDING = 5
MAX_ROW_HEIGHT = 409  # Excel's limit; longer text continues in the next row

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
        """Merge after styling the range's first cell: openpyxl draws its border round the range's edges.

        As `ws.merge_cells`, less its check of the new range against every range merged so far:
        that is quadratic, and a form at every cap with its rows' details merges ~1,800 ranges.
        The writer merges each cell once.
        """
        self.cell(row1, col1).border = BORDER
        if (row1, col1) != (row2, col2):
            cells = CellRange(min_col=col1 + 1, min_row=row1, max_col=col2 + 1, max_row=row2)
            merged = MergedCellRange(self.ws, cells.coord)
            self.ws.merged_cells.ranges.add(merged)
            self.ws._clean_merge_range(merged)

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

    def pair_row(self, labels: tuple[Label, ...], values: dict) -> int:
        """Labels with their values; a value (or a heading) spans to the next label, or the edge."""
        row = self.next_row()
        lines = 1
        last = COLUMNS - 1
        for index, label in enumerate(labels):
            width = COLUMN_WIDTHS[label.col]
            self.label(row, label.col, label.text)
            lines = max(lines, _line_count(_label_lines(label.text, width), width))
            first, last = value_span(labels, index)
            if label.field is None:
                self.merge(row, label.col, row, last)
                continue
            value = values.get(label.field)
            entry = label.entry
            if entry is not None and entry.kind == schema.MONEY:
                # 万元 exactly: 元 has two decimals, so 万元 has at most six.
                wan = entry.unit == schema.WAN
                self.number(
                    row,
                    first,
                    yuan_to_wan(value) if wan and value is not None else value,
                    WAN_FORMAT if wan else MONEY_FORMAT,
                )
            else:
                text = shown(label.field, value)
                cell = self.text(row, first, text)
                lines = max(lines, _line_count(text, _span_width(first, last)))
                if entry is not None and entry.kind == schema.DATE and value:
                    cell.value, cell.number_format = value, DATE_FORMAT
            self.merge(row, first, row, last)
        if last < COLUMNS - 1:  # nothing on the right of this line: one empty cell
            self.merge(row, last + 1, row, COLUMNS - 1)
        self.ws.row_dimensions[row].height = _height(lines)
        return row

    def group(self, group: Group, values: dict) -> None:
        """The group's label in column A, merged down the rows of its lines."""
        first = self.row + 1
        for index, line in enumerate(group.lines):
            self.pair_row((group.label, *line.labels) if index == 0 else line.labels, values)
        self.merge(first, 0, self.row, 0)

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

    def table(self, header: tuple[str, ...], rows: list[SheetRow], *, repeat_header: bool = True) -> None:
        """The indicator table, 一级 and 二级 merged down their rows, its header repeated on every page.

        A row's filled details (指标值说明, 设定依据, …) stand under it, a line each: the label
        in C, the text across D:F, so the table keeps the paper form's four columns.
        """
        head = self.next_row(_height(1))
        for col, text in zip(TABLE_COLUMNS, header, strict=True):
            self.text(head, col, text, font=BOLD_FONT, align=WRAP_CENTER, fill=LABEL_FILL)
        self.merge(head, 2, head, 4)
        if repeat_header:
            self.ws.print_title_rows = f"{head}:{head}"

        widths = [COLUMN_WIDTHS[0], COLUMN_WIDTHS[1], _span_width(2, 4), COLUMN_WIDTHS[5]]
        detail_widths = (COLUMN_WIDTHS[DETAIL_LABEL_COL], _span_width(DETAIL_VALUE_COL, COLUMNS - 1))
        items = indicator_table(rows)
        first = head + 1
        heights: list[float] = []
        starts: list[int] = []  # offset of each item's first line in `heights`
        for item in items:
            row = self.next_row()
            starts.append(len(heights))
            level1, level2, level3, value = (clean_text(v) for v in item.row.cells)
            self.text(row, 0, level1, align=WRAP_CENTER)
            self.text(row, 1, level2, align=WRAP_CENTER)
            self.text(row, 2, level3)
            self.merge(row, 2, row, 4)
            self.text(row, 5, value)
            heights.append(_height(max(_line_count(level3, widths[2]), _line_count(value, widths[3]))))
            for _name, label, text in item.details:
                row = self.next_row()
                self.text(row, DETAIL_LABEL_COL, label, align=WRAP_CENTER, fill=LABEL_FILL)
                # 权重 too is written as the page prints it (20, 12.5): a text the reader parses.
                self.text(row, DETAIL_VALUE_COL, clean_text(text))
                self.merge(row, DETAIL_VALUE_COL, row, COLUMNS - 1)
                lines = max(_line_count(label, detail_widths[0]), _line_count(clean_text(text), detail_widths[1]))
                heights.append(_height(lines))
        ends = [*starts[1:], len(heights)]
        # A merged 一级/二级 cell must fit in the rows it spans: grow its last row if not.
        for number, item in enumerate(items):
            for col, span in ((0, item.level1_span), (1, item.level2_span)):
                if not span:
                    continue
                start, stop = starts[number], ends[number + span - 1]
                needed = _height(_line_count(clean_text(item.row.cells[col]), widths[col]))
                have = sum(heights[start:stop])
                if have < needed:
                    heights[stop - 1] = min(MAX_ROW_HEIGHT, heights[stop - 1] + needed - have)
                if stop - start > 1:
                    self.cell(first + start, col).alignment = WRAP_CENTER_TOP
                    self.merge(first + start, col, first + stop - 1, col)
        for offset, height in enumerate(heights):
            self.ws.row_dimensions[first + offset].height = height

    def finish(self) -> bytes:
        print_on_a4(self.ws, COLUMNS, self.row)
        self.workbook.properties.keywords = ROW_DETAILS_MARK
        buffer = BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


def _text_cell(cell, value):
    """A text cell that stays text: set the type after the value, or `=50家` becomes a formula."""
    cell.value = clean_text(value)
    cell.data_type = "s"
    return cell


def print_on_a4(ws, last_col: int, last_row: int) -> None:
    """Print like the official forms: A4 portrait, one page wide, centred, numbered in the footer."""
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    ws.print_area = f"A1:{get_column_letter(last_col)}{last_row}"
    # &P and &N are Excel's page number and page count.
    ws.oddFooter.center.text = _("第 &P 页，共 &N 页")


def official_xlsx(sheet: SheetForm) -> bytes:
    """The form as an .xlsx that prints like the paper form (A4 portrait, fit to width)."""
    layout = LAYOUTS[sheet.kind]
    title = layout.title_for(sheet.year)
    out = _LayoutWriter(title)
    out.banner(title, size=16, bold=True, align=WRAP_CENTER, height=28)
    if layout.year_line:
        out.banner(layout.year_line_for(sheet.year), align=WRAP_CENTER, height=20)
    out.banner(layout.unit_line(sheet.unit_name), height=22)
    values = {**sheet.values(), UNIT_NAME: sheet.unit_name}
    for block in layout.blocks:
        if block.title:
            out.section(str(block.title))
        for line in block.lines:
            if isinstance(line, Narrative):
                out.narrative(line.label, values.get(line.label.field) or "")
            elif isinstance(line, Group):
                out.group(line, values)
            else:
                out.pair_row(line.labels, values)
    header = tuple(str(text) for text in layout.table_header)
    annual = [row for row in sheet.rows if row.scope != TargetScope.OVERALL]
    overall = [row for row in sheet.rows if row.scope == TargetScope.OVERALL]
    out.section(layout.table_title_for(sheet.year))
    out.table(header, annual)
    if overall:
        # The 总体 set, a table of its own after the 年度 one (repeating the first table's header on its pages).
        out.section(str(layout.overall_title))
        out.table(header, overall, repeat_header=False)
    return out.finish()
