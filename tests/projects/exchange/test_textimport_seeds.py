"""The real seed files (fixtures/seeds, the published forms): every header, budget and row, parsed and imported."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.choices import Sign
from indicators.targets import parse_target
from projects.accounts.models import Organization
from projects.exchange.importing import import_text_file
from projects.exchange.textimport import parse_text
from projects.models import FiscalYear, Indicator, PerformanceForm, Status
from tests.factories import UserFactory
from tests.projects.exchange.helpers import page_texts
from tests.projects.exchange.textdumps import (
    HD_BUDGET,
    HD_DUTIES,
    HD_GOAL,
    HD_HEADER,
    HD_ROWS,
    HD_UNIT,
    HENGDONG,
    SH_BUDGETS,
    SH_HEADERS,
    SH_ROWS,
    SH_UNIT,
    SHANGHAI,
    as_rows,
    db_rows,
)

# --- What the seed files say, written out by hand from the files ---------------------------


# Model field of each project header label, and what the field holds for the seeds' values.
PROJECT_FIELDS = {
    "项目名称": "project_name",
    "项目类别": "category",
    "绩效类型": "performance_type",
    "项目概况": "overview",
    "立项依据": "basis",
    "项目设立的必要性": "necessity",
    "保证项目实施的制度、措施": "safeguards",
    "项目实施计划": "implementation_plan",
    "总目标及阶段性目标": "goals",
}


PROJECT_BUDGET_FIELDS = {
    "项目总预算": "total_budget",
    "项目当年预算": "current_budget",
    "同名项目上年预算额": "prev_budget",
    "同名项目上年预算执行数": "prev_executed",
}


DEPARTMENT_BUDGET_FIELDS = {
    "资金总额": "fund_total",
    "一般公共预算": "fund_general",
    "政府性基金拨款": "fund_gov_fund",
    "纳入专户管理的非税收入拨款": "fund_special_nontax",
    "其他资金": "fund_other",
    "基本支出": "expense_basic",
    "项目支出": "expense_project",
}


# --- The seed files ---------------------------------------------------------------------------


def test_shanghai_seed_parses_every_header_budget_and_row():
    forms = parse_text(SHANGHAI.read_text(encoding="utf-8"))

    assert len(forms) == 3
    for form, header, budget, rows in zip(forms, SH_HEADERS, SH_BUDGETS, SH_ROWS, strict=True):
        assert (form.kind, form.year, form.unit, form.department) == ("project", 2020, SH_UNIT, None)
        assert form.skipped_reason is None
        assert form.project == header["项目名称"]
        assert form.header == header
        assert form.budget == budget
        assert as_rows(form.indicators) == rows


def test_hengdong_seed_parses_every_header_budget_and_row():
    [form] = parse_text(HENGDONG.read_text(encoding="utf-8"))

    assert (form.kind, form.year, form.unit, form.department, form.project) == (
        "department",
        2021,
        HD_UNIT,
        HD_UNIT,
        None,
    )
    assert form.skipped_reason is None
    assert form.header == HD_HEADER
    assert form.budget == HD_BUDGET
    assert as_rows(form.indicators) == HD_ROWS


@pytest.mark.django_db
def test_seed_files_import_every_field():
    import_text_file(SHANGHAI)
    import_text_file(HENGDONG)

    assert PerformanceForm.objects.count() == 4
    for header, budget, rows in zip(SH_HEADERS, SH_BUDGETS, SH_ROWS, strict=True):
        perf_form = PerformanceForm.objects.get(project_name=header["项目名称"])
        assert (perf_form.kind, perf_form.status, perf_form.year.year) == ("project", Status.DRAFT, 2020)
        assert perf_form.framework.code == "shanghai-2020-project"
        assert perf_form.unit.name == SH_UNIT
        for label, field_name in PROJECT_FIELDS.items():
            assert getattr(perf_form, field_name) == header[label], label
        assert (perf_form.planned_start, perf_form.planned_end) == (date(2020, 1, 1), date(2020, 12, 31))
        assert perf_form.gov_purchase is False
        for label, field_name in PROJECT_BUDGET_FIELDS.items():
            assert getattr(perf_form, field_name) == Decimal(budget[label]), label
        assert db_rows(perf_form) == rows

    department_form = PerformanceForm.objects.get(kind="department")
    assert (department_form.status, department_form.year.year, department_form.project_name) == (Status.DRAFT, 2021, "")
    assert department_form.framework.code == "department-2021"
    assert (department_form.duties, department_form.overall_goal) == (HD_DUTIES, HD_GOAL)
    for label, field_name in DEPARTMENT_BUDGET_FIELDS.items():
        expected = None if HD_BUDGET[label] is None else Decimal(HD_BUDGET[label])
        assert getattr(department_form, field_name) == expected, label
    assert db_rows(department_form) == HD_ROWS


@pytest.mark.django_db
def test_seed_import_builds_organizations_and_years():
    import_text_file(SHANGHAI)
    import_text_file(HENGDONG)

    unit = Organization.objects.get(name=SH_UNIT)
    assert (unit.kind, unit.parent.name, unit.parent.kind) == ("unit", "导入单位（待归属）", "department")
    assert (unit.parent.parent.name, unit.parent.parent.kind) == ("财政局", "finance")
    department = Organization.objects.get(name=HD_UNIT)
    assert (department.kind, department.parent.name) == ("department", "财政局")
    assert PerformanceForm.objects.get(kind="department").unit == department
    frameworks = {y.year: (y.project_framework.code, y.department_framework.code) for y in FiscalYear.objects.all()}
    assert frameworks == {
        2020: ("shanghai-2020-project", "department-2021"),
        2021: ("national-2021-project", "department-2021"),
    }


# --- Issue #14: the rows carry sign, value and unit, and keep the 二级 as published -------------


@pytest.mark.django_db
def test_seed_rows_carry_sign_value_and_unit_and_print_as_published(client):
    import_text_file(SHANGHAI)
    import_text_file(HENGDONG)
    client.force_login(UserFactory(username="admin", is_superuser=True, is_staff=True))
    for perf_form, rows in [
        *(
            (PerformanceForm.objects.get(project_name=h["项目名称"]), r)
            for h, r in zip(SH_HEADERS, SH_ROWS, strict=True)
        ),
        (PerformanceForm.objects.get(kind="department"), HD_ROWS),
    ]:
        stored = list(perf_form.indicators.order_by("position"))
        # Every row exact, its 二级 printed as the published form wrote it.
        assert [(r.level1, r.level2_shown, r.level3, r.value) for r in stored] == rows
        for row in stored:
            assert row.sign == Sign.of_target(parse_target(row.value)), row.value
        page = page_texts(client.get(reverse("projects:detail", args=[perf_form.pk])).content.decode())
        assert {r[1] for r in rows} <= set(page), perf_form.title
    by_name = {r.level3: r for r in Indicator.objects.all()}
    assert (by_name["群众满意度"].sign, by_name["群众满意度"].indicator_value, by_name["群众满意度"].measure_unit) == (
        Sign.GE,
        Decimal("90"),
        "%",
    )
    assert by_name["群众满意度"].printed_value == "≥90%"
    assert (by_name["人员经费"].sign, by_name["人员经费"].indicator_value, by_name["人员经费"].measure_unit) == (
        Sign.LE,
        Decimal("371.29"),
        "万元",
    )
    # Published forms write `100%` without a sign: none is derived, and the value prints as written.
    assert by_name["竣工验收合格率"].sign == "" and by_name["竣工验收合格率"].printed_value == "100%"
    assert by_name["部门单位履职、运转"].sign == Sign.QUALITATIVE
    assert Indicator.objects.exclude(level2_label="").count() == 0  # the seeds print the frameworks' own names
