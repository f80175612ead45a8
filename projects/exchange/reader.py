"""The openpyxl reader of the official layout (layout.py): an uploaded form, or every reason it is refused.

Hostile files are refused before they are parsed (size, unpacked size, rows), and whatever a
broken file makes openpyxl raise becomes an UploadError: the caller changes nothing.

The file shows rows as the form prints them (the published 二级, `≥95%`): `sheet.settle` gives
them back what they stand for. Files written before the rows had details (no 项目代码 line, no
detail lines, no 总体 table) still read: what they lack is optional in the layout.
"""

import logging
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import openpyxl
from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from indicators.choices import TargetScope
from indicators.models import FormKind
from indicators.targets import normalize
from projects.models import Indicator

from .. import schema
from ..lib.dates import DateError, in_order, parse_date
from ..lib.money import INVALID, NEGATIVE, TOO_LARGE, TOO_PRECISE, MoneyError, parse_wan, parse_yuan
from ..models import PerformanceForm
from .layout import (
    COLUMNS,
    DETAIL_FIELDS,
    DETAIL_VALUE_COL,
    LAYOUTS,
    NO,
    ROW_DETAILS_MARK,
    TABLE_COLUMNS,
    YES,
    Group,
    Label,
    Layout,
    Narrative,
)
from .sheet import SheetForm, SheetRow, clean_text

logger = logging.getLogger(__name__)


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
    rows, marked = _sheet_rows(upload, name=name)
    sheet = _LayoutReader(rows).read()
    sheet.predates_details = not marked
    return sheet


def check_upload(upload, *, name: str) -> None:
    """Refuse an oversized, empty, non-xlsx or zip-bombed upload before openpyxl sees it."""
    not_xlsx = _(
        "文件“%(name)s”不是 Excel 2007 及以后的 .xlsx 文件。如果是旧版 .xls 或 WPS 格式，请先另存为 .xlsx。"
    ) % {"name": name or _("（未命名）")}
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    limit = settings.PERFGOALS_UPLOAD_MAX_BYTES
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
    if unpacked > settings.PERFGOALS_UPLOAD_MAX_UNZIPPED_BYTES:
        raise UploadError(
            _("文件解压后有 %(size)s，超过上限 %(limit)s，可能不是正常的绩效目标表，已拒绝。")
            % {"size": _megabytes(unpacked), "limit": _megabytes(settings.PERFGOALS_UPLOAD_MAX_UNZIPPED_BYTES)}
        )


@contextmanager
def first_sheet(upload, *, name: str, data_only: bool) -> Iterator[tuple]:
    """(workbook, its first sheet) of a checked upload (check_upload), closed afterwards.

    A hostile or broken file can make openpyxl raise almost anything (KeyError, ParseError,
    ValueError, ...), on opening or while the caller reads the rows: whatever it is, the answer is
    "cannot read". An UploadError the caller raises passes through.
    """
    check_upload(upload, name=name)
    upload.seek(0)
    try:
        workbook = openpyxl.load_workbook(upload, read_only=True, data_only=data_only)
        try:
            if not workbook.worksheets:
                raise UploadError(_("文件里没有工作表。"))
            ws = workbook.worksheets[0]
            # read_only trusts the sheet's own <dimension>, which may claim one row of a million.
            ws.reset_dimensions()
            yield workbook, ws
        finally:
            workbook.close()
    except UploadError:
        raise
    except Exception:
        logger.info("unreadable upload %r", name, exc_info=True)
        raise UploadError(_("文件“%(name)s”已损坏或不完整，无法读取。请重新保存后再上传。") % {"name": name}) from None


def _sheet_rows(upload, *, name: str) -> tuple[list[list[_Cell]], bool]:
    """The first sheet's first COLUMNS columns, refusing oversized, bombed or broken files first.

    Also whether the file carries ROW_DETAILS_MARK (written since the rows have details).
    """
    max_rows = settings.PERFGOALS_UPLOAD_MAX_ROWS
    rows: list[list[_Cell]] = []
    with first_sheet(upload, name=name, data_only=False) as (workbook, ws):
        marked = ROW_DETAILS_MARK in (workbook.properties.keywords or "")
        for number, row in enumerate(ws.iter_rows(max_col=COLUMNS), start=1):
            if number > max_rows:
                raise UploadError(_("工作表超过 %(n)s 行，不是一张绩效目标表，已停止读取。") % {"n": max_rows})
            rows.append([_Cell(c.value, getattr(c, "number_format", "General") or "General") for c in row])
    return rows, marked


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _label_text(value) -> str:
    """A label as written, compared loosely: full-width folded, spaces and a trailing colon dropped."""
    return normalize("" if value is None else str(value)).rstrip(":")


def _with_year(text) -> re.Pattern:
    """A layout text as read back (see `_label_text`), with its "%(year)s", if any, matching a year."""
    return re.compile(r"(\d{4})".join(re.escape(_label_text(part)) for part in str(text).split("%(year)s")))


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

    def next_is(self, label: Label) -> bool:
        """Whether the next non-blank row starts with `label` (an optional line is there)."""
        self.skip_blank()
        return self.pos < len(self.rows) and _label_text(self.cell(self.pos, label.col).value) == _label_text(
            label.text
        )

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
        project = LAYOUTS[FormKind.PROJECT]
        index = self.take(str(project.title))
        title = _label_text(self.cell(index, 0).value)
        for layout in LAYOUTS.values():
            match = _with_year(layout.title).fullmatch(title)
            if match:
                break
        else:
            raise UploadError(
                _("第%(row)s行：没有找到表名“%(project)s”或“%(department)s”，不是绩效目标表的格式。")
                % {
                    "row": index + 1,
                    "project": str(project.title),
                    "department": LAYOUTS[FormKind.DEPARTMENT].title_for("××××"),
                }
            )
        sheet = self.read_form(layout, int(match.group(1)) if match.groups() else None)
        if self.errors:
            raise UploadError(self.errors)
        return sheet

    def read_form(self, layout: Layout, year: int | None) -> SheetForm:
        """The rows after the title, as the layout has them; `year`: the title's, if it holds one."""
        if layout.year_line:
            year = self.year_line(layout)
        unit_name = self.unit_line(str(layout.unit_label))
        values: dict = {}
        for block in layout.blocks:
            if block.title:
                self.expect(self.take(str(block.title)), Label(0, heading=block.title))
            for line in block.lines:
                if isinstance(line, Narrative):
                    values[line.label.field] = self.narrative(line.label)
                elif isinstance(line, Group):
                    for number, each in enumerate(line.lines):
                        self.pair_row((line.label, *each.labels) if number == 0 else each.labels, values)
                elif line.optional and not self.next_is(line.labels[0]):
                    values.update(dict.fromkeys((label.field for label in line.labels if label.entry), ""))
                else:
                    self.pair_row(line.labels, values)
        table_title = layout.table_title_for(year)
        index = self.take(table_title)
        if not _with_year(layout.table_title).fullmatch(_label_text(self.cell(index, 0).value)):
            self.pos = index  # no title row: go straight on to the table header
        rows = self.table(tuple(str(text) for text in layout.table_header), str(layout.overall_title))
        header = {name: values[name] for name in layout.fields(schema.HEADER)}
        budget = {name: values[name] for name in layout.fields(schema.BUDGET)}
        if layout.kind == FormKind.PROJECT:
            self.check_project(header)
        return SheetForm(layout.kind, year, unit_name, header, budget, rows)

    def year_line(self, layout: Layout) -> int:
        index = self.take(_("年度"))
        # As the layout prints it, its brackets and 度 optional: the line may have been typed by hand.
        match = re.fullmatch(r"\(?(\d{4})年度?\)?", _label_text(self.cell(index, 0).value))
        if not match:
            raise UploadError(
                _("第%(row)s行：没有找到年度，应为“%(example)s”这样的写法。")
                % {"row": index + 1, "example": layout.year_line_for(2020)}
            )
        return int(match.group(1))

    def unit_line(self, label: str) -> str:
        index = self.take(label)
        text = "" if self.cell(index, 0).value is None else str(self.cell(index, 0).value).strip()
        match = re.fullmatch(rf"{label}\s*[:：]\s*(.*)", text, flags=re.DOTALL)
        if not match:
            raise UploadError(
                _("第%(row)s行：单元格 A%(row)s 应为“%(label)s：……”。") % {"row": index + 1, "label": label}
            )
        return match.group(1).strip()

    def pair_row(self, labels: tuple[Label, ...], into: dict) -> None:
        index = self.take(labels[0].text)
        for label in labels:
            self.expect(index, label)
        for label in labels:
            entry = label.entry
            if entry is None:  # a heading, or the unit's name: nothing to read
                continue
            cell = self.cell(index, label.col + 1)
            where = _("第%(row)s行：单元格 %(cell)s（%(label)s）") % {
                "row": index + 1,
                "cell": _cell_name(index + 1, label.col + 1),
                "label": label.text,
            }
            if entry.kind == schema.MONEY:
                into[label.field] = self.money(cell, where, wan=entry.unit == schema.WAN)
            elif entry.kind == schema.DATE:
                into[label.field] = self.date(cell, where)
            elif entry.kind == schema.BOOL:
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

    def table(self, header: tuple[str, ...], overall_title: str) -> list[SheetRow]:
        """The 年度 table and, after its title, the 总体 one; each row with the details under it.

        A detail line has a detail's label in C and its text in D (the row's 三级 spans C:E,
        so D is empty on an indicator row). Files written before the details existed have none.
        """
        self.table_header(self.take(header[0]), header)
        rows: list[SheetRow] = []
        level1 = level2 = ""
        scope = TargetScope.ANNUAL
        index = self.pos
        while index < len(self.rows):
            texts = [_cell_text(self.cell(index, col)).strip() for col in TABLE_COLUMNS]
            where = _("第%(row)s行") % {"row": index + 1}
            if _label_text(texts[0]) == _label_text(overall_title) and not any(texts[1:]):
                scope, level1, level2 = TargetScope.OVERALL, "", ""
                index = self.table_header(index + 1, header) + 1
                continue
            detail = DETAIL_LABELS.get(_label_text(texts[2]))
            if detail and not self.cell(index, DETAIL_VALUE_COL).blank:
                if rows and rows[-1].scope == scope:
                    rows[-1] = self.detail(rows[-1], detail, self.cell(index, DETAIL_VALUE_COL), where)
                else:
                    self.errors.append(
                        _("%(where)s：“%(label)s”之前没有指标行。") % {"where": where, "label": texts[2]}
                    )
                index += 1
                continue
            index += 1
            # 一级 and 二级 are merged down their rows: an empty cell continues the one above.
            if texts[0]:
                level1, level2 = texts[0], ""
            if texts[1]:
                level2 = texts[1]
            level3, value = texts[2], texts[3]
            if not level3 and not value:
                continue
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
            rows.append(SheetRow(level1, level2, level3, value, scope=scope))
        if len(rows) > settings.MAX_INDICATOR_ROWS:
            self.errors.append(
                _("指标有 %(count)s 行，一张表最多 %(n)s 行。") % {"count": len(rows), "n": settings.MAX_INDICATOR_ROWS}
            )
        self.pos = len(self.rows)
        return rows

    def table_header(self, head: int, header: tuple[str, ...]) -> int:
        for col, text in zip(TABLE_COLUMNS, header, strict=True):
            if head >= len(self.rows) or _label_text(self.cell(head, col).value) != _label_text(text):
                raise UploadError(
                    _("第%(row)s行：缺少“%(label)s”表头（单元格 %(cell)s）。")
                    % {"row": head + 1, "label": text, "cell": _cell_name(head + 1, col)}
                )
        self.pos = head + 1
        return head

    def detail(self, row: SheetRow, name: str, cell: _Cell, where: str) -> SheetRow:
        """The row with one detail read from its line; a value the field cannot take is an error."""
        entry = schema.get(name)
        text = _cell_text(cell).strip()
        label = str(entry.label)
        if entry.kind == schema.CHOICE:
            value = _choice(entry, text)
            if value is None:
                choices = "、".join(str(choice.label) for choice in entry.choices)
                self.errors.append(
                    _("%(where)s：%(label)s“%(text)s”不是可选的值（%(choices)s）。")
                    % {"where": where, "label": label, "text": text, "choices": choices}
                )
                return row
        elif entry.kind == schema.DECIMAL:
            value = self.weight(text, where, label)
        else:
            value = text
            if len(text) > entry.max_length:
                self.errors.append(
                    _("%(where)s：%(name)s超过 %(n)s 个字。") % {"where": where, "name": label, "n": entry.max_length}
                )
        return replace(row, **{name: value})

    def weight(self, text: str, where: str, label: str) -> Decimal | None:
        try:
            weight = Decimal(text.removesuffix("%"))
        except InvalidOperation:
            weight = None
        if weight is None or not weight.is_finite() or not 0 <= weight <= 100 or weight != weight.quantize(CENT):
            self.errors.append(
                _("%(where)s：%(label)s应为 0 到 100 之间的数，最多两位小数，而不是“%(text)s”。")
                % {"where": where, "label": label, "text": text}
            )
            return None
        return weight.quantize(CENT)

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
        answers = {str(YES): True, str(NO): False, "": None}
        if text in answers:
            return answers[text]
        self.errors.append(
            _("%(where)s：请填“%(yes)s”或“%(no)s”，而不是“%(text)s”。")
            % {"where": where, "yes": YES, "no": NO, "text": text}
        )
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


# {label as read back: row field} of the details a row's lines may hold (layout.DETAIL_FIELDS).
DETAIL_LABELS = {_label_text(schema.get(name).label): name for name in DETAIL_FIELDS}
CENT = Decimal("0.01")


def _choice(entry: schema.FormField, text: str) -> str | None:
    """A CHOICE field's value from its label as printed (≥, 计划标准), or from the stored value itself."""
    key = _label_text(text)
    for value, label in entry.choices.choices:
        if key in (_label_text(label), _label_text(value)):
            return value
    return None


def _cell_text(cell: _Cell) -> str:
    """A cell as the text the user sees: numbers without a trailing .0, percentages with %.

    A formula cell (read with data_only=False) gives its formula, `=100%`: that is what was typed.
    """
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(YES if value else NO)
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
