"""The season's writers: guards, the submit deadline and reopening, audit entries."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Sum

from indicators.choices import FormKind
from projects import services as form_services
from projects.choices import AuditAction, Status
from projects.models import AuditEntry, FiscalYear
from projects.reviews.models import ReviewTemplate
from projects.season import services
from projects.season.deadlines import today
from projects.season.models import DepartmentDeadline, UnitReopen
from projects.services.errors import TransitionError
from tests.factories import framework

pytestmark = pytest.mark.django_db

TODAY = today()


def _past(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def test_submit_after_deadline_refused_naming_it(ready_form, filler, year):
    year.filing_closes = _past(3)
    year.save()
    with pytest.raises(TransitionError) as refused:
        form_services.submit(perf_form=ready_form, by=filler)
    assert _past(3).isoformat() in str(refused.value)
    assert "已逾期 3 天" in str(refused.value)
    ready_form.refresh_from_db()
    assert ready_form.status == Status.DRAFT


def test_submit_on_deadline_day_allowed(ready_form, filler, year):
    year.filing_closes = TODAY
    year.save()
    form_services.submit(perf_form=ready_form, by=filler)
    ready_form.refresh_from_db()
    assert ready_form.status == Status.SUBMITTED


def test_submit_department_deadline_over_year(ready_form, filler, year, department):
    year.filing_closes = TODAY + datetime.timedelta(days=10)
    year.save()
    DepartmentDeadline.objects.create(year=year, department=department, closes_on=_past(1))
    with pytest.raises(TransitionError):
        form_services.submit(perf_form=ready_form, by=filler)


def test_reopen_lets_the_late_unit_submit_with_history(ready_form, filler, year, admin_user, unit_a):
    year.filing_closes = _past(5)
    year.save()
    with pytest.raises(TransitionError):
        form_services.submit(perf_form=ready_form, by=filler)
    services.reopen_unit(
        by=admin_user,
        fiscal_year=year,
        unit=unit_a,
        until=TODAY + datetime.timedelta(days=2),
        reason="系统故障未能按时提交",
    )
    form_services.submit(perf_form=ready_form, by=filler)
    ready_form.refresh_from_db()
    assert ready_form.status == Status.SUBMITTED
    reopen = UnitReopen.objects.get(unit=unit_a)
    assert (reopen.reason, reopen.by_name) == ("系统故障未能按时提交", admin_user.display_name())
    entry = AuditEntry.objects.get(action=AuditAction.REOPEN)
    assert entry.unit == unit_a and "系统故障" in entry.summary


def test_returned_form_may_be_resubmitted_after_deadline(ready_form, filler, year, dept_reviewer):
    form_services.submit(perf_form=ready_form, by=filler)
    form_services.return_form(perf_form=ready_form, by=dept_reviewer, reason="请补充成本指标的依据")
    year.filing_closes = _past(1)
    year.save()
    form_services.submit(perf_form=ready_form, by=filler)
    ready_form.refresh_from_db()
    assert ready_form.status == Status.SUBMITTED


def test_withdrawn_form_may_be_resubmitted_after_deadline(ready_form, filler, year):
    """撤回 to fix something is not a late first filing: the unit must not be locked out by its own withdrawal."""
    form_services.submit(perf_form=ready_form, by=filler)
    form_services.withdraw(perf_form=ready_form, by=filler)
    year.filing_closes = _past(1)
    year.save()
    form_services.submit(perf_form=ready_form, by=filler)
    ready_form.refresh_from_db()
    assert ready_form.status == Status.SUBMITTED


def test_submit_in_a_closed_year_refused(ready_form, filler, year):
    year.is_open = False
    year.save()
    with pytest.raises(TransitionError, match="已关闭填报"):
        form_services.submit(perf_form=ready_form, by=filler)
    ready_form.refresh_from_db()
    assert ready_form.status == Status.DRAFT


@pytest.mark.parametrize(
    ("reason", "days", "message"),
    [
        ("短", 1, "至少 5 个字"),
        ("   ", 1, "必须写明理由"),
        ("正当的延期理由", -1, "不能早于今天"),
        ("字" * 2001, 1, "最多"),
    ],
)
def test_reopen_refuses_bad_input_writing_nothing(admin_user, year, unit_a, reason, days, message):
    with pytest.raises(services.SeasonError) as refused:
        services.reopen_unit(
            by=admin_user, fiscal_year=year, unit=unit_a, until=TODAY + datetime.timedelta(days=days), reason=reason
        )
    assert message in str(refused.value)
    assert not UnitReopen.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.parametrize("persona", ["filler", "dept_reviewer"])
def test_reopen_only_the_finance_bureau(request, persona, year, unit_a):
    with pytest.raises(PermissionDenied):
        services.reopen_unit(
            by=request.getfixturevalue(persona), fiscal_year=year, unit=unit_a, until=TODAY, reason="一个正当的理由"
        )


def test_reopen_by_finance_reviewer(finance_reviewer, year, unit_a):
    services.reopen_unit(by=finance_reviewer, fiscal_year=year, unit=unit_a, until=TODAY, reason="一个正当的理由")
    assert UnitReopen.objects.filter(unit=unit_a, by=finance_reviewer).exists()


def test_open_year_with_window_and_audit(admin_user, year):
    new = services.open_year(
        by=admin_user,
        year=2021,
        project_framework=year.project_framework,
        department_framework=year.department_framework,
        filing_opens=datetime.date(2021, 1, 1),
        filing_closes=datetime.date(2021, 3, 31),
    )
    assert (new.is_open, new.filing_closes) == (True, datetime.date(2021, 3, 31))
    entry = AuditEntry.objects.get(action=AuditAction.YEAR)
    assert entry.year == 2021 and entry.detail["filing_closes"] == "2021-03-31"
    # The new year scores its reviews from the first day: a default 四性审核 template per form kind.
    templates = ReviewTemplate.objects.filter(year=new)
    assert sorted(templates.values_list("form_kind", flat=True)) == sorted(FormKind.values)
    assert all(t.items.aggregate(total=Sum("max_points"))["total"] == 100 for t in templates)


def test_open_year_refuses_duplicate_reversed_window_and_wrong_framework(admin_user, year):
    common = {"by": admin_user, "project_framework": year.project_framework, "department_framework": None}
    with pytest.raises(services.SeasonError, match="已经存在"):
        services.open_year(year=2020, **common)
    with pytest.raises(services.SeasonError, match="不能早于"):
        services.open_year(
            year=2022, filing_opens=datetime.date(2022, 3, 1), filing_closes=datetime.date(2022, 2, 1), **common
        )
    with pytest.raises(services.SeasonError, match="不符"):
        services.open_year(
            by=admin_user, year=2023, project_framework=framework("department-2021"), department_framework=None
        )
    assert list(FiscalYear.objects.values_list("year", flat=True)) == [2020]


def test_open_year_admins_only(finance_reviewer, year):
    with pytest.raises(PermissionDenied):
        services.open_year(
            by=finance_reviewer, year=2021, project_framework=year.project_framework, department_framework=None
        )


def test_update_year_audits_only_changes(admin_user, year):
    services.update_year(by=admin_user, fiscal_year=year, is_open=True, filing_opens=None, filing_closes=None)
    assert not AuditEntry.objects.exists()
    services.update_year(
        by=admin_user, fiscal_year=year, is_open=False, filing_opens=None, filing_closes=datetime.date(2020, 4, 1)
    )
    year.refresh_from_db()
    assert (year.is_open, year.filing_closes) == (False, datetime.date(2020, 4, 1))
    entry = AuditEntry.objects.get(action=AuditAction.YEAR)
    assert "关闭填报" in entry.summary and entry.detail["after"]["filing_closes"] == "2020-04-01"


def test_department_deadlines_set_change_clear_each_audited(admin_user, year, department, other_department):
    day = datetime.date(2020, 3, 20)
    assert (
        services.set_department_deadlines(
            by=admin_user, fiscal_year=year, deadlines={department.pk: day, other_department.pk: None}
        )
        == 1
    )
    assert (
        services.set_department_deadlines(
            by=admin_user, fiscal_year=year, deadlines={department.pk: day, other_department.pk: None}
        )
        == 0
    )
    services.set_department_deadlines(by=admin_user, fiscal_year=year, deadlines={department.pk: None})
    assert not DepartmentDeadline.objects.exists()
    assert AuditEntry.objects.filter(action=AuditAction.DEADLINE, unit=department).count() == 2
