"""The progress aggregation: counts by unit and department, matching expected forms, overdue, queries."""

import datetime

import pytest

from indicators.choices import FormKind
from projects import services
from projects.accounts.models import Organization
from projects.choices import Status
from projects.models import PerformanceForm
from projects.season import dashboard
from projects.season.deadlines import today
from projects.season.models import DepartmentDeadline, ExpectedForm, UnitReopen
from tests.factories import FiscalYearFactory, OrganizationFactory, PerformanceFormFactory, complete_form

pytestmark = pytest.mark.django_db

TODAY = today()


def _expect(year, unit, name, code="", **extra):
    return ExpectedForm.objects.create(
        year=year, unit=unit, project_name=name, project_code=code, source=ExpectedForm.Source.PROJECT_LIST, **extra
    )


def _unit_counts(result, unit) -> dashboard.Counts:
    return next(u.counts for u in result.units() if u.pk == unit.pk)


def test_progress_counts_statuses_and_checks(year, unit_a, unit_b):
    PerformanceFormFactory(unit=unit_a, year=year, status=Status.DRAFT, error_count=2)
    PerformanceFormFactory(unit=unit_a, year=year, status=Status.SUBMITTED, warning_count=1)
    PerformanceFormFactory(unit=unit_a, year=year, status=Status.APPROVED)
    PerformanceFormFactory(unit=unit_b, year=year, status=Status.RETURNED)
    PerformanceFormFactory(unit=unit_b, year=FiscalYearFactory(year=2019), status=Status.APPROVED)
    result = dashboard.progress(year)
    a = _unit_counts(result, unit_a)
    assert (a.by_status[Status.DRAFT], a.by_status[Status.SUBMITTED], a.by_status[Status.APPROVED]) == (1, 1, 1)
    assert a.checks == {"with_errors": 1, "with_warnings": 1, "clean": 1}
    assert a.completion == pytest.approx(2 / 3)
    b = _unit_counts(result, unit_b)
    assert b.forms == 1 and b.by_status[Status.RETURNED] == 1
    assert result.totals.forms == 4
    assert result.departments[0].unit_count == 2


def test_expected_matched_by_link_code_or_name(year, unit_a):
    by_name = PerformanceFormFactory(unit=unit_a, year=year, project_name="按名称对应")
    PerformanceFormFactory(unit=unit_a, year=year, project_name="改过名的项目", project_code="P-001")
    linked = PerformanceFormFactory(unit=unit_a, year=year, project_name="结转后改名")
    _expect(year, unit_a, "按名称对应")
    _expect(year, unit_a, "原名", code="P-001")
    _expect(year, unit_a, "结转时的名字", perf_form=linked)
    _expect(year, unit_a, "还没有填")
    _expect(year, unit_a, "另一个单位的同名", code="")
    PerformanceFormFactory(unit=OrganizationFactory(), year=year, project_name="另一个单位的同名")
    counts = _unit_counts(dashboard.progress(year), unit_a)
    assert (counts.expected, counts.not_started) == (5, 2)
    rows = {r.expected.project_name: r.perf_form_pk for r in dashboard.expected_rows(year, unit_a)}
    assert rows["按名称对应"] == by_name.pk and rows["结转时的名字"] == linked.pk
    assert rows["还没有填"] is None and rows["另一个单位的同名"] is None


def test_overdue_after_the_units_deadline_only(year, unit_a, unit_b, department):
    year.filing_closes = TODAY - datetime.timedelta(days=1)
    year.save()
    for unit in (unit_a, unit_b):
        PerformanceFormFactory(unit=unit, year=year, status=Status.DRAFT)
        PerformanceFormFactory(unit=unit, year=year, status=Status.RETURNED)
        _expect(year, unit, "未开始的项目")
    UnitReopen.objects.create(year=year, unit=unit_b, until=TODAY, reason="补报理由", by_name="x")
    result = dashboard.progress(year)
    assert _unit_counts(result, unit_a).overdue == 2  # the draft and the not-started one, not the returned form
    assert _unit_counts(result, unit_b).overdue == 0
    DepartmentDeadline.objects.create(year=year, department=department, closes_on=TODAY + datetime.timedelta(days=5))
    assert dashboard.progress(year).totals.overdue == 0


def test_department_scope_and_own_forms(year, department, other_department, unit_a):
    other_unit = OrganizationFactory(name="外部门单位", parent=other_department)
    PerformanceFormFactory(unit=other_unit, year=year)
    PerformanceFormFactory(unit=department, year=year, kind=FormKind.DEPARTMENT, project_name="")
    mine = dashboard.progress(year, departments=[department.pk])
    assert [d.pk for d in mine.departments] == [department.pk]
    assert mine.totals.forms == 1
    own = [u for u in mine.units() if u.is_department]
    assert [u.pk for u in own] == [department.pk]
    assert mine.departments[0].unit_count == 1
    assert dashboard.progress(year).totals.forms == 2


def _populate(year, departments: int, units_per: int = 3):
    for d in range(departments):
        department = OrganizationFactory(name=f"部门{d}", kind=Organization.Kind.DEPARTMENT, parent=None)
        DepartmentDeadline.objects.create(year=year, department=department, closes_on=TODAY)
        for u in range(units_per):
            unit = OrganizationFactory(name=f"部门{d}单位{u}", parent=department)
            PerformanceFormFactory(unit=unit, year=year, status=Status.values[u % len(Status.values)])
            _expect(year, unit, f"应填{u}")
            UnitReopen.objects.create(year=year, unit=unit, until=TODAY, reason="补报理由", by_name="x")


@pytest.mark.parametrize("departments", [2, 20])
def test_progress_queries_constant(year, departments, django_assert_max_num_queries):
    _populate(year, departments)
    with django_assert_max_num_queries(9):
        result = dashboard.progress(year)
    assert len(result.departments) == departments
    assert result.totals.forms == departments * 3


def test_report_rows_shape(year, unit_a):
    PerformanceFormFactory(unit=unit_a, year=year)
    (row,) = dashboard.report_rows(dashboard.progress(year))
    assert set(row) == {"department", "units", "expected", "not_started", "by_status", "overdue"}
    assert set(row["by_status"]) == set(Status.values)
    assert row["by_status"][Status.DRAFT] == 1


def _flawed(unit, year, name, values=None, value=None):
    """A complete form stored with a flaw or two: `values` over its header, `value` as its first row's target."""
    perf_form = complete_form(unit=unit, year=year, project_name=name)
    rows = [
        services.RowInput(level1=r.level1, level2=r.level2, level3=r.level3, value=r.value, id=r.pk)
        for r in perf_form.indicators.all()
    ]
    if value is not None:
        rows[0].value = value
    services.write_content(perf_form, values or {}, rows)
    return perf_form


def _forms_by_rule_by_hand(forms) -> dict[str, dict[str, int]]:
    """{code: {severity: forms having it}}, from running the rules on each form."""
    result: dict[str, dict[str, int]] = {}
    for perf_form in forms:
        for code, severity in {(w.code, w.severity) for w in services.form_warnings(perf_form) if w.severity != "hint"}:
            result.setdefault(code, {}).setdefault(severity, 0)
            result[code][severity] += 1
    return result


def test_forms_by_rule_match_the_rules_run_on_each_form(year, unit_a, unit_b, other_department):
    from indicators.warnings import rule_titles
    from projects.models import PerformanceForm
    from projects.season.charts import chart_data

    other_unit = OrganizationFactory(name="丙单位", parent=other_department)
    _flawed(unit_a, year, "一", {"goals": ""})
    _flawed(unit_a, year, "二", {"goals": "", "necessity": ""}, value="待定")
    _flawed(unit_b, year, "三", value="")
    _flawed(other_unit, year, "四", {"goals": ""}, value="提高")
    _flawed(unit_a, FiscalYearFactory(year=2021), "别的年度", {"goals": ""})

    result = dashboard.progress(year)
    expected = _forms_by_rule_by_hand(PerformanceForm.objects.filter(year=year))
    assert dict(result.by_rule) == expected
    assert expected["text_missing"] == {"error": 3}  # 3 of the year's 4 forms, not the other year's
    totals = [sum(by_severity.values()) for _code, by_severity in result.by_rule]
    assert totals == sorted(totals, reverse=True)

    rules = chart_data(result)["by_rule"]
    titles = rule_titles()
    assert rules["rules"] == [titles[code] for code, _n in result.by_rule]
    assert "必填内容未填写" in rules["rules"]
    shown = {series["name"]: series["data"] for series in rules["series"]}
    at = rules["codes"].index("text_missing")
    assert (shown["错误"][at], shown["警告"][at]) == (3, 0)
    for i, (code, by_severity) in enumerate(result.by_rule):
        assert shown["错误"][i] + shown["警告"][i] == sum(by_severity.values()), code

    mine = dashboard.progress(year, departments=[unit_a.parent_id])
    assert dict(mine.by_rule) == _forms_by_rule_by_hand(
        PerformanceForm.objects.filter(year=year, unit__in=[unit_a, unit_b])
    )


def test_forms_by_rule_shows_the_top_rules_only(year, unit_a, monkeypatch):
    _flawed(unit_a, year, "一", {"goals": ""}, value="待定")
    _flawed(unit_a, year, "二", {"goals": ""})
    _flawed(unit_a, year, "三", value="待定")
    monkeypatch.setattr(dashboard, "RULES_SHOWN", 2)
    by_hand = _forms_by_rule_by_hand(PerformanceForm.objects.filter(year=year))
    assert len(by_hand) > 2
    ranked = sorted(by_hand.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    assert dashboard.progress(year).by_rule == ranked[:2]
