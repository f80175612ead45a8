"""The bulk export: two sheets of plain rows, typed cells, targets as stored, never a formula."""

from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from indicators.choices import Sign
from projects import services
from projects.exchange import bulk, layout
from projects.exchange.importing import import_text_file
from projects.models import Indicator, PerformanceForm
from tests.factories import complete_form
from tests.projects.exchange.helpers import (
    TRICKY_VALUES,
    assert_no_formula,
)
from tests.projects.exchange.test_row_fields import full_rows
from tests.projects.exchange.textdumps import HENGDONG, SHANGHAI

pytestmark = pytest.mark.django_db


def test_bulk_export_never_holds_a_formula(rich_form, tmp_path):
    path = tmp_path / "all.xlsx"
    call_command("export_xlsx", "-o", str(path))
    data = path.read_bytes()
    assert_no_formula(data)
    values = [row[6] for row in openpyxl.load_workbook(path)["指标"].iter_rows(min_row=2, values_only=True)]
    assert values[-len(TRICKY_VALUES) :] == TRICKY_VALUES


@pytest.fixture
def exported(rich_form, dept_form, tmp_path):
    path = tmp_path / "all.xlsx"
    call_command("export_xlsx", "--year", "2020", "-o", str(path))
    return openpyxl.load_workbook(path)


def test_bulk_export_sheets_and_columns(exported):
    assert exported.sheetnames == ["项目", "指标"]
    forms, indicators = exported["项目"], exported["指标"]
    # The catalogue's labels, money with its unit: a department's 资金总额 stands here in 元 too.
    assert [c.value for c in forms[1]] == [
        "年度",
        "主管部门",
        "申报单位",
        "单位代码",
        "项目名称",
        "表类型",
        "项目代码",
        "项目类别",
        "计划开始日期",
        "计划完成日期",
        "是否含有政府购买服务",
        "绩效类型",
        "项目总预算（元）",
        "项目当年预算（元）",
        "同名项目上年预算额（元）",
        "同名项目上年预算执行数（元）",
        "状态",
        "错误数",
        "警告数",
        "财政区划代码",
    ]
    assert [c.value for c in indicators[1]] == [
        "年度",
        "申报单位",
        "项目名称",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标目标值",
        "目标类型",
        "计算符号",
        "指标值",
        "上限",
        "度量单位",
        "指标值说明",
        "设定依据",
        "依据说明",
        "评（扣）分标准",
        "指标解释",
        "权重",
        "备注",
        "二级指标（原表名称）",
    ]
    for ws in (forms, indicators):
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(ws.max_column)}{ws.max_row}"
    assert forms.max_row == 3  # two forms
    assert indicators.max_row == 1 + 5 + len(TRICKY_VALUES) + 4


def test_bulk_export_types(exported, rich_form, dept_form):
    rows = {row[4] or row[5]: row for row in exported["项目"].iter_rows(min_row=2, values_only=True)}
    project = rows[rich_form.project_name]
    assert project[0] == 2020 and project[1] == "测试主管部门" and project[2] == "甲单位"
    assert project[3] is None and project[6] is None  # no 单位代码, no 项目代码: empty
    assert project[5] == "项目支出" and project[16] == "草稿"
    assert project[8] == datetime(2020, 1, 1) and project[9] == datetime(2020, 12, 31)
    assert project[10] == "否"
    assert project[12] == 517500 and isinstance(project[12], int | float)
    assert project[14] is None  # no last-year budget: empty, not 0
    assert Decimal(repr(project[15])) == Decimal("12345678901.23")
    department = rows["测试主管部门 部门整体支出绩效目标表"]
    assert department[1] == "测试主管部门" and department[2] == "测试主管部门" and department[5] == "部门整体"
    # 资金总额 is a department's whole-year budget: both 项目总预算 and 项目当年预算, exact and a number.
    assert isinstance(department[12], int | float) and Decimal(repr(department[12])) == Decimal("5606123.45")
    assert department[13] == department[12]
    assert department[14] is None and department[15] is None
    row = next(r for r in exported["项目"].iter_rows(min_row=2) if r[4].value == rich_form.project_name)
    cells = {c.column_letter: c for c in row}
    assert cells["M"].number_format == layout.MONEY_FORMAT and cells["I"].is_date


def test_bulk_export_targets_from_stored_fields(exported, rich_form):
    by_name = {row[5]: row for row in exported["指标"].iter_rows(min_row=2, values_only=True)}
    assert by_name["抽查企业数"][6:12] == ("=50家", "年度目标", "＝", 50, None, "家")
    assert by_name["报告合格率"][8:12] == ("≥", 95, None, "%")
    # 健全: 定性, its value as typed, no number.
    assert by_name["制度健全性"][8:12] == ("定性", None, None, None)


def test_bulk_export_department_indicators_named(exported, dept_form, rich_form):
    rows = list(exported["指标"].iter_rows(min_row=2, values_only=True))
    department = [row for row in rows if row[1] == "测试主管部门"]
    assert [row[5] for row in department] == ["执法检查工地", "人员经费", "施工质量保证率", "服务对象满意度"]
    assert {row[2] for row in department} == {dept_form.title} == {"测试主管部门 部门整体支出绩效目标表"}
    assert department[1][6:12] == ("≤371.29万元", "年度目标", "≤", 371.29, None, "万元")
    assert {row[2] for row in rows if row[1] == "甲单位"} == {rich_form.project_name}
    assert all(len(row) == len(bulk.INDICATOR_COLUMNS) for row in rows)


def test_bulk_export_never_reparses(rich_form, tmp_path):
    rich_form.indicators.filter(level3="抽查企业数").update(sign=Sign.LT, target_low=7, target_unit="只")
    path = tmp_path / "x.xlsx"
    bulk.export_forms(PerformanceForm.objects.all(), path)
    rows = {r[5]: r for r in openpyxl.load_workbook(path)["指标"].iter_rows(min_row=2, values_only=True)}
    assert rows["抽查企业数"][6:12] == ("=50家", "年度目标", "＜", 7, None, "只")


def test_bulk_export_query_count_flat(unit_a, year, dept_form, tmp_path, django_assert_max_num_queries):
    for i in range(12):
        complete_form(unit=unit_a, year=year, project_name=f"项目{i}")
    with django_assert_max_num_queries(3):
        written = bulk.export_forms(PerformanceForm.objects.all(), tmp_path / "x.xlsx")
    assert written == 12 + 12 * 5 + 1 + 4


def test_write_bulk_reports_progress_by_time(tmp_path):
    row = (2020, "", "甲", None, "项目", *[None] * (len(bulk.FORM_COLUMNS) - 5))
    forms = [row] * 3
    calls = []
    bulk.write_bulk(tmp_path / "rows.xlsx", iter(forms), iter([]), calls.append)
    assert calls == [3]
    calls.clear()
    bulk.write_bulk(tmp_path / "time.xlsx", iter(forms), iter([]), calls.append, progress_seconds=0)
    assert calls == [1, 2, 3, 3]


def _as_read(value):
    """An exported value as openpyxl reads it back: nothing for "", numbers as floats, dates as datetimes."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return value


def _read_back(forms, tmp_path) -> tuple[list, list, list, list]:
    form_rows, indicator_rows = list(bulk.form_rows(forms)), list(bulk.indicator_rows(forms))
    path = tmp_path / "back.xlsx"
    bulk.write_bulk(path, iter(form_rows), iter(indicator_rows))
    book = openpyxl.load_workbook(path)
    read = [list(book[name].iter_rows(min_row=2, values_only=True)) for name in (bulk.FORM_SHEET, bulk.INDICATOR_SHEET)]
    expected = [[tuple(_as_read(v) for v in row) for row in rows] for rows in (form_rows, indicator_rows)]
    return expected[0], read[0], expected[1], read[1]


def test_bulk_export_reads_back_as_exported_at_every_cap(rich_form, dept_form, tmp_path):
    services.write_content(rich_form, {"project_code": "3" * 21}, full_rows(cap=True))
    dept_form.unit.code = "4" * 21
    dept_form.unit.save()
    forms, forms_read, rows, rows_read = _read_back(PerformanceForm.objects.all(), tmp_path)
    assert (forms_read, rows_read) == (forms, rows)
    heads = [title for title, _kind, _width in bulk.INDICATOR_COLUMNS]
    capped = next(row for row in rows_read if row[heads.index("备注")] and len(row[heads.index("备注")]) == 500)
    assert capped[heads.index("权重")] == 100 and capped[heads.index("设定依据")] == "计划标准"
    assert len(capped[heads.index("指标值说明")]) == 500 and capped[heads.index("计算符号")] == "≥"
    assert {row[heads.index("目标类型")] for row in rows_read} == {"年度目标", "总体目标"}
    assert "3" * 21 in {row[6] for row in forms_read} and "4" * 21 in {row[3] for row in forms_read}


def test_bulk_export_of_the_seed_forms_reads_back_as_exported(tmp_path):
    import_text_file(SHANGHAI)
    import_text_file(HENGDONG)
    forms, forms_read, rows, rows_read = _read_back(PerformanceForm.objects.all(), tmp_path)
    assert (forms_read, rows_read) == (forms, rows)
    assert len(rows_read) == Indicator.objects.count() > 80


@pytest.mark.django_db
def test_bulk_export_carries_the_installations_division_code(rich_form, tmp_path, settings):
    settings.PERFGOALS_MOF_DIV_CODE = "430424000"
    path = tmp_path / "all.xlsx"
    call_command("export_xlsx", "-o", str(path))
    forms = openpyxl.load_workbook(path)["项目"]
    assert [row[-1] for row in forms.iter_rows(min_row=2, values_only=True)] == ["430424000"]
