"""The official layout of both form kinds, described once: the workbook and the page render it.

Plain data derived from the field catalogue (projects/schema.py): titles, the label/value
pairs of each line, the narratives, the department's budget breakdown and the indicator
table's header, each with its place on the workbook's six-column grid. The writer
(writer.py) draws it with openpyxl, the reader (reader.py) follows it back, and
`official_page` turns it, with a stored form's values, into the plain rows and cells the
detail and review pages print (templates/projects/_official.html).

The labels are the printed form's own words: the reader matches them in uploaded files.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from indicators.choices import TargetScope
from indicators.targets import value_sign

from .. import schema

# -- the grid -------------------------------------------------------------------------------

COLUMNS = 6  # A..F
COLUMN_WIDTHS = [16, 14, 20, 16, 8, 22]
# The indicator table: 一级 in A, 二级 in B, 三级 across C:E, the value in F.
TABLE_COLUMNS = (0, 1, 2, 5)
# The page's tables have four columns (label, value, label, value); each of the workbook's six
# falls in one of them. The workbook's extra two give the indicator table's 三级 room.
PAGE_COLUMNS = (0, 1, 1, 2, 3, 3)

# Excel number formats, of the one-form workbook and the bulk export alike.
MONEY_FORMAT = "#,##0.00"
# Two decimals, more only when the 元 amount needs them to stay exact (as `format_wan`).
WAN_FORMAT = "#,##0.00####"
DATE_FORMAT = "yyyy-mm-dd"

# In the workbook's keywords: written with the rows' details (issue #14). A file without it was
# downloaded before they existed, so its rows keep the form's details rather than clear them.
ROW_DETAILS_MARK = "perfgoals:row-details"

YES, NO = _("是"), _("否")
# Where the unit's own name stands (部门名称), rather than a field of the catalogue.
UNIT_NAME = "unit_name"


@dataclass(frozen=True)
class Label:
    """A label cell, and the value that follows it when it names a field."""

    col: int  # 0-based on the workbook's grid; the value starts in the next column
    field: str | None = None  # a catalogue field, UNIT_NAME, or None for a heading
    heading: str | Promise = ""  # the text of a label that is no catalogue field
    value_end: int | None = None  # last column of the value; default: up to the next label or the edge
    # Printed before the label on paper and on the page ("其中："); the workbook's label cell holds
    # the label alone, which its reader matches.
    lead: str | Promise = ""

    @property
    def entry(self) -> schema.FormField | None:
        return schema.BY_NAME.get(self.field) if self.field else None

    @property
    def text(self) -> str:
        """The catalogue's label; 元 money carries its unit, the department states 万元 once for its budget."""
        entry = self.entry
        if entry is None:
            return str(self.heading)
        return entry.display_label if entry.unit == schema.YUAN else str(entry.label)


@dataclass(frozen=True)
class Line:
    """Label/value pairs side by side on one line, as paper prints them."""

    labels: tuple[Label, ...]
    # A line files written before it existed lack: the reader takes it when it is there.
    optional: bool = False


@dataclass(frozen=True)
class Narrative:
    """A long text across the line after its label (continued in further rows in the workbook)."""

    label: Label


@dataclass(frozen=True)
class Group:
    """A label down the left of several lines: 年度预算申请（万元） over the department's budget.

    On paper and on the page each line reads "label：value" within its cell, and some lines
    stand one above the other in the same table row (`rows`); the workbook gives every line a
    row of its own and every value a cell to type in.
    """

    label: Label
    rows: tuple[tuple[Line, ...], ...]

    @property
    def lines(self) -> list[Line]:
        return [line for row in self.rows for line in row]


@dataclass(frozen=True)
class Block:
    """What the page shows as one table, after its title; the workbook, as a titled run of rows."""

    title: str | Promise | None
    lines: tuple[Line | Narrative | Group, ...]


@dataclass(frozen=True)
class Layout:
    kind: str
    title: str | Promise  # "%(year)s" stands for the year where the title holds it
    year_line: str | Promise | None
    unit_label: str | Promise
    blocks: tuple[Block, ...]
    table_title: str | Promise  # the 年度 set's table
    table_header: tuple[str | Promise, ...]
    overall_title: str | Promise = ""  # the 总体 set's table, printed when the form has one

    def title_for(self, year: int) -> str:
        return str(self.title) % {"year": year}

    def year_line_for(self, year: int) -> str:
        return str(self.year_line) % {"year": year} if self.year_line else ""

    def unit_line(self, unit_name: str) -> str:
        return f"{self.unit_label}：{unit_name}"

    def table_title_for(self, year: int) -> str:
        return str(self.table_title) % {"year": year}

    def labels(self) -> list[Label]:
        """Every label, in the order the form prints them."""
        found: list[Label] = []
        for block in self.blocks:
            for line in block.lines:
                if isinstance(line, Narrative):
                    found.append(line.label)
                elif isinstance(line, Group):
                    found += [line.label, *(label for each in line.lines for label in each.labels)]
                else:
                    found += line.labels
        return found

    def fields(self, section: str) -> list[str]:
        """The catalogue fields of a section (HEADER or BUDGET), in the order the form prints them."""
        return [label.field for label in self.labels() if label.entry and label.entry.section == section]


def _at(col: int, name: str, **extra) -> Label:
    schema.get(name)  # a layout names catalogue fields only
    return Label(col, name, **extra)


PROJECT_LAYOUT = Layout(
    kind=schema.PROJECT,
    title=_("财政项目支出绩效目标表"),
    year_line=_("(%(year)s年度)"),
    unit_label=_("申报单位名称"),
    blocks=(
        Block(
            None,
            (
                Line((_at(0, "project_name"), _at(3, "category"))),
                Line((_at(0, "planned_start"), _at(3, "planned_end"))),
                Line((_at(0, "gov_purchase"), _at(3, "performance_type"))),
                Line((_at(0, "project_code"),), optional=True),
                *(Narrative(_at(0, name)) for name in schema.names(schema.PROJECT, kind=schema.NARRATIVE)),
            ),
        ),
        Block(
            _("本项目上年度市级财政资金使用情况"),
            (
                Line((_at(0, "total_budget"), _at(3, "current_budget"))),
                Line((_at(0, "prev_budget"), _at(3, "prev_executed"))),
            ),
        ),
    ),
    table_title=_("%(year)s年绩效目标"),
    table_header=schema.TABLE_HEADINGS[schema.PROJECT],
    overall_title=_("总体绩效目标"),
)

DEPARTMENT_LAYOUT = Layout(
    kind=schema.DEPARTMENT,
    title=_("%(year)s年部门整体支出绩效目标表"),
    year_line=None,
    unit_label=_("填报单位"),
    blocks=(
        Block(
            None,
            (
                Line((Label(0, UNIT_NAME, _("部门名称")),)),
                Group(
                    Label(0, heading=_("年度预算申请（万元）")),
                    (
                        (Line((_at(1, "fund_total"),)),),
                        (Line((Label(1, heading=_("按收入性质分")), Label(3, heading=_("按支出性质分")))),),
                        (
                            Line((_at(1, "fund_general", lead=_("其中：")), _at(3, "expense_basic", lead=_("其中：")))),
                            Line((_at(1, "fund_gov_fund"), _at(3, "expense_project"))),
                        ),
                        (
                            Line((_at(1, "fund_special_nontax", value_end=2),)),
                            Line((_at(1, "fund_other", value_end=2),)),
                        ),
                    ),
                ),
                *(Narrative(_at(0, name)) for name in schema.names(schema.DEPARTMENT, kind=schema.NARRATIVE)),
            ),
        ),
    ),
    table_title=_("部门整体支出年度绩效指标"),
    table_header=schema.TABLE_HEADINGS[schema.DEPARTMENT],
    overall_title=_("部门整体支出总体绩效指标"),
)

LAYOUTS = {layout.kind: layout for layout in (PROJECT_LAYOUT, DEPARTMENT_LAYOUT)}


def optional_fields(kind: str) -> list[str]:
    """The fields of the lines older files lack."""
    return [
        label.field
        for block in LAYOUTS[kind].blocks
        for line in block.lines
        if isinstance(line, Line) and line.optional
        for label in line.labels
        if label.entry
    ]


def header_fields(kind: str) -> list[str]:
    return LAYOUTS[kind].fields(schema.HEADER)


def budget_fields(kind: str) -> list[str]:
    return LAYOUTS[kind].fields(schema.BUDGET)


def value_span(labels: tuple[Label, ...], index: int) -> tuple[int, int]:
    """The columns of a label's value, or of a heading's own cell: up to the next label or the edge."""
    label = labels[index]
    first = label.col + 1 if label.field else label.col
    if label.value_end is not None:
        return first, label.value_end
    if index + 1 < len(labels):
        return first, labels[index + 1].col - 1
    return first, COLUMNS - 1


def shown(name: str, value) -> str:
    """A value as the form prints it: 是/否, dates as 2020-01-01, money in the field's unit, nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(YES if value else NO)
    if isinstance(value, date):
        return value.isoformat()
    entry = schema.BY_NAME.get(name)
    if entry is not None and entry.kind == schema.MONEY:
        return entry.format_money(value)
    return str(value)


# -- the indicator table ----------------------------------------------------------------------

# A row's details print under it, one line each (label in C, text across D:F), only when filled:
# 目标类型 is which table the row stands in, 二级指标（原表名称） its 二级 cell.
DETAIL_FIELDS = tuple(entry.name for entry in schema.ROW_FIELDS[4:] if entry.name not in ("scope", "level2_label"))
DETAIL_LABEL_COL, DETAIL_VALUE_COL = 2, 3


def printed_level2(row) -> str:
    """The 二级 as the form prints it: the published wording where the row keeps one."""
    return row.level2_label or row.level2


def stated_sign(row) -> str:
    """The row's 计算符号 when its value does not say it already (`定量（其他）` for `100%`), else ""."""
    if not row.sign or row.sign == value_sign(row.value):
        return ""
    return row.sign


def row_details(row) -> list[tuple[str, str, str]]:
    """(field, label, text) of the row's filled details, in the catalogue's order."""
    details = []
    for name in DETAIL_FIELDS:
        entry = schema.get(name)
        value = stated_sign(row) if name == "sign" else getattr(row, name)
        if value is None or value == "":
            continue
        if entry.kind == schema.CHOICE:
            text = entry.choice_label(value)
        elif entry.kind == schema.DECIMAL:
            text = format_weight(value)
        else:
            text = str(value)
        details.append((name, str(entry.label), text))
    return details


def format_weight(weight) -> str:
    """权重 without trailing zeros: 20, 12.5."""
    text = f"{weight:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass
class TableRow:
    row: object
    index: int
    level1_span: int = 0  # 0: this cell is merged into the one above
    level2_span: int = 0
    warnings: list = field(default_factory=list)
    opens_overall: bool = False  # the first row of the 总体 set: a table of its own starts here
    details: list = field(default_factory=list)  # row_details(row)
    level1_lines: int = 0  # the table lines its merged 一级 / 二级 cell spans: rows and their details
    level2_lines: int = 0

    @property
    def lines(self) -> int:
        return 1 + len(self.details)

    @property
    def level2(self) -> str:
        return printed_level2(self.row)


def indicator_table(rows: list, warnings_by_row: dict[int, list] | None = None) -> list[TableRow]:
    """Rows with rowspans for 一级 and 二级: consecutive equal cells merge, as on paper.

    The 年度 set comes first, then the 总体 set (each in its order); `index` stays the row's
    place in `rows`, which the warnings count by.
    """
    warnings_by_row = warnings_by_row or {}
    ordered = sorted(enumerate(rows), key=lambda pair: pair[1].scope == TargetScope.OVERALL)
    table = [TableRow(row=r, index=i, warnings=warnings_by_row.get(i, []), details=row_details(r)) for i, r in ordered]
    level1_head = level2_head = None
    overall = False
    for item in table:
        r = item.row
        if not overall and r.scope == TargetScope.OVERALL:
            overall = item.opens_overall = True
            level1_head = None
        if level1_head is None or level1_head.row.level1 != r.level1:
            level1_head = item
            level2_head = None
        level1_head.level1_span += 1
        level1_head.level1_lines += item.lines
        if level2_head is None or level2_head.level2 != item.level2:
            level2_head = item
        level2_head.level2_span += 1
        level2_head.level2_lines += item.lines
    return table


# -- the page ---------------------------------------------------------------------------------


@dataclass
class PagePart:
    text: str
    field: str = ""  # the catalogue field it shows, for its id


@dataclass
class PageCell:
    """A <th> (a label) or a <td>; a breakdown's <td> holds several parts, one above the other."""

    header: bool
    parts: list[PagePart]  # the first one's field is the cell's; the others stand in spans of their own
    colspan: int = 1
    rowspan: int = 1
    field: str = ""  # the catalogue field whose value the cell (its first part) shows, for its id
    numeric: bool = False


@dataclass
class PageBlock:
    title: str
    rows: list[list[PageCell]]


@dataclass
class OfficialPage:
    title: str
    year_line: str
    unit_line: str
    blocks: list[PageBlock]
    table_title: str
    table_header: list[str]
    overall_title: str = ""


def _page_span(first: int, last: int) -> int:
    return PAGE_COLUMNS[last] - PAGE_COLUMNS[first] + 1


def _catalogue_name(label: Label) -> str:
    return label.field if label.entry else ""


def _pair_cells(line: Line, values: dict) -> list[PageCell]:
    cells = []
    for index, label in enumerate(line.labels):
        cells.append(PageCell(True, [PagePart(label.text)]))
        if label.field is None:
            continue
        first, last = value_span(line.labels, index)
        money = label.entry is not None and label.entry.kind == schema.MONEY
        text = shown(label.field, values.get(label.field))
        cells.append(
            PageCell(False, [PagePart(text)], _page_span(first, last), field=_catalogue_name(label), numeric=money)
        )
    return cells


def _inline(label: Label, values: dict) -> PagePart:
    if label.field is None:
        return PagePart(label.text)
    return PagePart(f"{label.lead}{label.text}：{shown(label.field, values.get(label.field))}", _catalogue_name(label))


def _group_rows(group: Group, values: dict) -> list[list[PageCell]]:
    """Each row's lines gathered by column: the parts of one column stand in one cell, one above the other."""
    rows = []
    for number, stacked in enumerate(group.rows):
        cells = [PageCell(True, [PagePart(group.label.text)], rowspan=len(group.rows))] if number == 0 else []
        by_col: dict[int, tuple[list[PagePart], int]] = {}
        for line in stacked:
            for index, label in enumerate(line.labels):
                parts, last = by_col.setdefault(label.col, ([], value_span(line.labels, index)[1]))
                parts.append(_inline(label, values))
        edge = PAGE_COLUMNS[group.label.col]
        for col, (parts, last) in sorted(by_col.items()):
            cells.append(PageCell(False, parts, _page_span(col, last), field=parts[0].field))
            edge = PAGE_COLUMNS[last]
        if edge < PAGE_COLUMNS[-1]:
            cells.append(PageCell(False, [], PAGE_COLUMNS[-1] - edge))
        rows.append(cells)
    return rows


def official_page(kind: str, year: int, unit_name: str, values: dict) -> OfficialPage:
    """The layout with a form's values, as plain rows and cells for the page's template."""
    layout = LAYOUTS[kind]
    values = {**values, UNIT_NAME: unit_name}
    blocks = []
    for block in layout.blocks:
        rows: list[list[PageCell]] = []
        for line in block.lines:
            if isinstance(line, Narrative):
                label = line.label
                text = shown(label.field, values.get(label.field))
                value = PageCell(False, [PagePart(text)], _page_span(1, COLUMNS - 1), field=label.field)
                rows.append([PageCell(True, [PagePart(label.text)]), value])
            elif isinstance(line, Group):
                rows += _group_rows(line, values)
            else:
                rows.append(_pair_cells(line, values))
        blocks.append(PageBlock(str(block.title or ""), rows))
    return OfficialPage(
        title=layout.title_for(year),
        year_line=layout.year_line_for(year),
        unit_line=layout.unit_line(unit_name),
        blocks=blocks,
        table_title=layout.table_title_for(year),
        table_header=[str(text) for text in layout.table_header],
        overall_title=str(layout.overall_title),
    )


def form_page(perf_form) -> OfficialPage:
    """The official table of a stored form, as the detail and review pages show it."""
    values = {name: getattr(perf_form, name) for name in schema.names(perf_form.kind)}
    return official_page(perf_form.kind, perf_form.year.year, perf_form.unit.name, values)
