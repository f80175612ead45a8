"""The bulk export: every form in scope and its indicators, as plain rows, written by XlsxWriter.

Rows come straight from `values_list` (no model instances) and go to disk in constant memory;
the columns are the field catalogue's (projects/schema.py), labels and money units included.

Never a formula: users type target values such as `=50家` and `=100%`. Every text cell goes
through `write_string`, and XlsxWriter's automatic conversions are switched off.
"""

import math
import time
from collections.abc import Callable, Iterable, Iterator

import xlsxwriter
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from indicators.models import FormKind
from projects.models import Indicator

from .. import schema
from ..accounts.models import Organization
from ..models import Status, department_form_title
from .layout import DATE_FORMAT, MONEY_FORMAT, shown
from .sheet import clean_text

TEXT, INTEGER, MONEY, NUMBER, DATE = "text", "integer", "money", "number", "date"

# Text, narrative, 是/否 and the choices (by their labels: ≥, 计划标准) are written as text.
_KINDS = {schema.DATE: DATE, schema.MONEY: MONEY, schema.DECIMAL: NUMBER}
_WIDTHS = {schema.DATE: 12, schema.MONEY: 16, schema.BOOL: 10, schema.CHOICE: 10, schema.DECIMAL: 8}
# Names run long; every other catalogue column is as wide as its kind's.
_WIDE = {"project_name": 30, "level3": 36, "value": 18, "value_note": 30, "scoring": 30, "explanation": 30}


def _column(entry: schema.FormField) -> tuple[str, str, int]:
    """A catalogue field's column: its label (money with its unit), how it is written, its width."""
    width = _WIDE.get(entry.name, _WIDTHS.get(entry.kind, 14))
    return entry.display_label, _KINDS.get(entry.kind, TEXT), width


TITLE_FIELD = "project_name"
# A project form's short fields (narratives stay in the database), its title first. Its money is in 元,
# as stored; a department form's 资金总额 stands in 项目总预算 and 项目当年预算 (see `form_rows`).
FORM_ENTRIES = [
    schema.get(TITLE_FIELD),
    *(e for e in schema.fields(schema.PROJECT) if e.kind != schema.NARRATIVE and e.name != TITLE_FIELD),
]

FORM_SHEET = "项目"
FORM_COLUMNS = [
    ("年度", INTEGER, 8),
    ("主管部门", TEXT, 20),
    ("申报单位", TEXT, 24),
    (str(Organization._meta.get_field("code").verbose_name), TEXT, 14),  # 单位代码
    _column(FORM_ENTRIES[0]),
    ("表类型", TEXT, 10),
    *(_column(entry) for entry in FORM_ENTRIES[1:]),
    ("状态", TEXT, 14),
    ("错误数", INTEGER, 8),
    ("警告数", INTEGER, 8),
    # The installation's 财政区划代码 (PERFGOALS_MOF_DIV_CODE), which the budget system keys forms by.
    ("财政区划代码", TEXT, 12),
]
INDICATOR_SHEET = "指标"
# The row as the 一体化 standard names its columns: the paper form's four, 目标类型 and 计算符号,
# then 指标值 / 度量单位 as parsed when the row was saved (上限 for a range), then the details.
# 二级指标（原表名称） prints the 二级 as the published form wrote it (the framework's name when it kept none).
_ROW_ENTRIES = [schema.get(name) for name in ("level1", "level2", "level3", "value", "scope", "sign")]
_DETAIL_ENTRIES = [entry for entry in schema.ROW_FIELDS if entry not in _ROW_ENTRIES]
INDICATOR_VALUE, MEASURE_UNIT, UPPER_BOUND = _("指标值"), _("度量单位"), _("上限")
INDICATOR_COLUMNS = [
    ("年度", INTEGER, 8),
    ("申报单位", TEXT, 24),
    _column(schema.get(TITLE_FIELD)),
    *(_column(entry) for entry in _ROW_ENTRIES),
    (str(INDICATOR_VALUE), NUMBER, 12),
    (str(UPPER_BOUND), NUMBER, 12),
    (str(MEASURE_UNIT), TEXT, 10),
    *(_column(entry) for entry in _DETAIL_ENTRIES),
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
    "unit__code",
    "unit__parent__name",
    "kind",
    "status",
    "error_count",
    "warning_count",
    "fund_total",
    *(entry.name for entry in FORM_ENTRIES),
)
INDICATOR_FIELDS = (
    "perf_form__year__year",
    "perf_form__unit__name",
    f"perf_form__{TITLE_FIELD}",
    *(entry.name for entry in _ROW_ENTRIES),
    "target_low",
    "target_high",
    "target_unit",
    *(entry.name for entry in _DETAIL_ENTRIES),
    "perf_form__kind",
)
_LEVEL2, _LEVEL2_LABEL = INDICATOR_FIELDS.index("level2"), INDICATOR_FIELDS.index("level2_label")
# Stored choice values (ge, plan) as the form prints them (≥, 计划标准).
_CHOICES = {
    INDICATOR_FIELDS.index(entry.name): {value: str(label) for value, label in entry.choices.choices}
    for entry in schema.ROW_FIELDS
    if entry.kind == schema.CHOICE
}
EXPORT_ORDER = ("-year__year", "unit__name", "kind", TITLE_FIELD, "pk")
# The same forms order, then the rows of each form as on paper.
INDICATOR_ORDER = (
    "-perf_form__year__year",
    "perf_form__unit__name",
    "perf_form__kind",
    f"perf_form__{TITLE_FIELD}",
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
    names = [entry.name for entry in FORM_ENTRIES]
    total, current = names.index("total_budget"), names.index("current_budget")
    answers = {value: shown(TITLE_FIELD, value) for value in (True, False, None)}  # 是, 否, ""
    yes_no = [i for i, entry in enumerate(FORM_ENTRIES) if entry.kind == schema.BOOL]
    division = settings.PERFGOALS_MOF_DIV_CODE
    rows = forms.order_by(*EXPORT_ORDER).values_list(*FORM_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    for year, unit_kind, unit_name, unit_code, parent_name, kind, status, errors, warnings, fund_total, *values in rows:
        department = unit_name if unit_kind == Organization.Kind.DEPARTMENT else parent_name
        if kind == FormKind.DEPARTMENT:
            values[0] = department_form_title(unit_name)
            values[total] = values[current] = fund_total
        for i in yes_no:
            values[i] = answers[values[i]]
        yield (
            year,
            department or "",
            unit_name,
            unit_code,
            values[0],
            kinds.get(kind, kind),
            *values[1:],
            statuses.get(status, status),
            errors,
            warnings,
            division,
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
    for fetched in queryset.iterator(chunk_size=CHUNK_SIZE):
        row = list(fetched)
        if row[-1] == department:
            row[2] = department_form_title(row[1])
        row[_LEVEL2_LABEL] = row[_LEVEL2_LABEL] or row[_LEVEL2]
        for index, labels in _CHOICES.items():
            row[index] = labels.get(row[index], row[index])
        yield tuple(row[:-1])


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
    every = settings.PERFGOALS_EXPORT_PROGRESS_EVERY
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
