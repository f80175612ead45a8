"""Plain tables to and from .xlsx: lists, templates to fill in and their uploads.

Every list a page offers as Excel (the library, a dashboard's table, a statistics page, an
import template) is a `Table` of columns and rows written by `write_tables`; every upload of
such a list (units and users, the 项目库, library entries) is read by `read_table`, which
refuses a hostile file the way the form reader does (reader.first_sheet), finds the columns
by their headers in any order, applies each column's cap and says every problem by row and
column, in Chinese. Callers get plain values and decide what they mean.
"""

import io
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import openpyxl
from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from indicators.targets import normalize

from .reader import UploadError, first_sheet

logger = logging.getLogger(__name__)

# More problems than this in one file and the list stops: nobody reads the 500th.
MAX_REPORTED_PROBLEMS = 100


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float = 16
    required: bool = False
    max_length: int | None = None
    help: str = ""  # shown under the header of a template to fill in


@dataclass
class Table:
    title: str  # the sheet's name (at most 31 characters, as Excel allows)
    columns: Sequence[Column]
    rows: Iterable[Sequence] = ()
    heading: str = ""  # a line above the header, e.g. "2021年度 填报进度"
    notes: Sequence[str] = field(default_factory=tuple)  # lines under the table


def _cell_value(value):
    if value is None or isinstance(value, int | float | Decimal | date | datetime):
        return value
    return str(value)


def write_tables(tables: Sequence[Table]) -> bytes:
    """One sheet per table: optional heading, bold frozen header, rows, notes; widths from the columns."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE6F0")
    wrap = Alignment(wrap_text=True, vertical="top")
    for table in tables:
        ws = workbook.create_sheet(title=table.title[:31])
        if table.heading:
            ws.append([table.heading])
            ws.cell(row=1, column=1).font = Font(bold=True, size=13)
        header_row = ws.max_row + 1 if table.heading else 1
        ws.append([str(c.header) for c in table.columns])
        for index, column in enumerate(table.columns, start=1):
            cell = ws.cell(row=header_row, column=index)
            cell.font = bold
            cell.fill = fill
            cell.alignment = wrap
            ws.column_dimensions[get_column_letter(index)].width = column.width
        # A coordinate, not ws.cell(): that would create the row the data is appended after.
        ws.freeze_panes = f"A{header_row + 1}"
        for row in table.rows:
            ws.append([_cell_value(v) for v in row])
            # openpyxl takes a text starting with "=" (a target like "=50家") for a formula.
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        for note in table.notes:
            ws.append([note])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_xlsx(title: str, columns: Sequence[Column], *, examples: Iterable[Sequence] = ()) -> bytes:
    """A template to fill in: the header, an example row or two, and each column's help as notes."""
    notes = [f"{c.header}：{c.help}" for c in columns if c.help]
    if notes:
        notes = [_("导入时从表头下一行读起，直到第一个空行。"), *notes]
    tables = [Table(title=title, columns=columns, rows=examples)]
    if notes:
        tables.append(Table(title=_("填写说明"), columns=[], notes=notes))
    return write_tables(tables)


@dataclass(frozen=True)
class ReadRow:
    number: int  # the row's number in the sheet, for messages
    values: dict[str, str]  # column key -> the cell as text, stripped ("" when blank)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header_key(text) -> str:
    return normalize(_text(text)).replace("*", "").replace("＊", "").rstrip(":")


def read_table(upload, columns: Sequence[Column], *, name: str = "", max_rows: int | None = None) -> list[ReadRow]:
    """The rows of the first sheet under a header naming `columns`; raises UploadError with every problem.

    The header is the first row that names every required column (so a heading line above it is
    fine); columns may come in any order and unknown ones are ignored. Reading stops at the first
    blank row. Nothing is interpreted beyond text, required and caps: that is the caller's job.
    """
    limit = max_rows or settings.PERFGOALS_UPLOAD_MAX_ROWS
    raw: list[tuple] = []
    with first_sheet(upload, name=name, data_only=True) as (_workbook, ws):
        for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
            if number > limit + 10:
                raise UploadError(_("工作表超过 %(n)s 行，超出一次导入的上限，请分批导入。") % {"n": limit})
            raw.append(row)

    wanted = {_header_key(c.header): c for c in columns}
    required = {_header_key(c.header) for c in columns if c.required}
    header_at, positions = None, {}
    for index, row in enumerate(raw[:20]):
        found = {_header_key(v): col for col, v in enumerate(row) if _header_key(v) in wanted}
        if required <= found.keys() and found:
            header_at, positions = index, {wanted[k].key: col for k, col in found.items()}
            break
    if header_at is None:
        missing = "、".join(c.header for c in columns if c.required)
        raise UploadError(
            _("没有找到表头：文件的前 20 行里没有一行同时写有这些列：%(columns)s。请用下载的模板填写。")
            % {"columns": missing}
        )

    problems: list[str] = []
    result: list[ReadRow] = []
    by_key = {c.key: c for c in columns}
    for index in range(header_at + 1, len(raw)):
        row = raw[index]
        values = {key: _text(row[col]) if col < len(row) else "" for key, col in positions.items()}
        if not any(values.values()):
            break
        number = index + 1
        if len(result) >= limit:
            raise UploadError(_("一次最多导入 %(n)s 行，请分批导入。") % {"n": limit})
        for key, column in by_key.items():
            text = values.get(key, "")
            if column.required and not text:
                problems.append(_("第 %(row)s 行「%(column)s」：必须填写。") % {"row": number, "column": column.header})
            elif column.max_length and len(text) > column.max_length:
                problems.append(
                    _("第 %(row)s 行「%(column)s」：最多 %(n)s 个字（现在 %(count)s 个字）。")
                    % {"row": number, "column": column.header, "n": column.max_length, "count": len(text)}
                )
        result.append(ReadRow(number=number, values={key: values.get(key, "") for key in by_key}))
        if len(problems) >= MAX_REPORTED_PROBLEMS:
            break
    if problems:
        raise UploadError(problems[:MAX_REPORTED_PROBLEMS])
    if not result:
        raise UploadError(_("表头下面没有数据行。"))
    return result
