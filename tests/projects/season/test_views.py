"""The season's pages: permissions, the dashboard and its click-through, 催报, export, year settings."""

import datetime
import io

import openpyxl
import pytest
from django.core import mail
from django.urls import reverse

from projects.accounts.models import Organization, User
from projects.choices import AuditAction, JobStatus, Status
from projects.models import AuditEntry, BackgroundJob, FiscalYear
from projects.notices.models import NoticeKind, Notification
from projects.season.deadlines import today
from projects.season.models import DepartmentDeadline, ExpectedForm, UnitReopen
from tests.factories import OrganizationFactory, PerformanceFormFactory, UserFactory
from tests.tasks import run_worker

pytestmark = pytest.mark.django_db

PROGRESS = reverse("season:progress")


def _expect(year, unit, name):
    return ExpectedForm.objects.create(year=year, unit=unit, project_name=name, source=ExpectedForm.Source.PROJECT_LIST)


@pytest.fixture
def season(year, unit_a, unit_b):
    """甲单位 has a draft and a submitted form; 乙单位 has only an expected one, not started."""
    PerformanceFormFactory(unit=unit_a, year=year, status=Status.DRAFT, project_name="甲的草稿")
    PerformanceFormFactory(unit=unit_a, year=year, status=Status.SUBMITTED, project_name="甲的已提交")
    _expect(year, unit_a, "甲的草稿")
    _expect(year, unit_b, "乙未开始")
    return year


@pytest.mark.parametrize(
    ("persona", "status"),
    [("filler", 403), ("dept_reviewer", 200), ("finance_reviewer", 200), ("admin_user", 200)],
)
def test_progress_who_may_see(request, client, season, persona, status):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(PROGRESS)
    assert response.status_code == status
    if status == 200:
        assert ('data-nav="progress"' in response.content.decode()) is True


def test_progress_numbers_and_click_through(admin_client_for, season, unit_a, unit_b, department):
    client = admin_client_for()
    page = client.get(PROGRESS, {"year": 2020}).content.decode()
    assert 'data-total="not_started"' in page and 'id="progress-data"' in page
    response = client.get(reverse("season:progress_units"), {"year": 2020, "key": "not_started"})
    units = [u.pk for u, _cells in response.context["page"]]
    assert units == [unit_b.pk]
    response = client.get(reverse("season:progress_units"), {"year": 2020, "key": Status.DRAFT})
    ((unit, cells),) = list(response.context["page"])
    assert unit.pk == unit_a.pk
    link = dict((k, url) for k, _n, url in cells)[Status.DRAFT]
    queue = client.get(link)
    assert queue.status_code == 200
    assert [f.project_name for f in queue.context["page"].object_list] == ["甲的草稿"]
    expected = client.get(dict((k, url) for k, _n, url in cells)["not_started"])
    assert [r.expected.project_name for r in expected.context["rows"]] == ["甲的草稿"]


@pytest.fixture
def admin_client_for(client, admin_user):
    def make(user=None):
        client.force_login(user or admin_user)
        return client

    return make


def test_progress_department_reviewer_sees_own_only(client, season, dept_reviewer, other_department):
    client.force_login(dept_reviewer)
    response = client.get(PROGRESS, {"year": 2020})
    assert response.context["department"].pk == dept_reviewer.organization_id
    assert client.get(PROGRESS, {"year": 2020, "department": other_department.pk}).status_code == 404
    assert client.get(reverse("season:progress_units"), {"key": "bogus"}).status_code == 404


@pytest.mark.parametrize("departments", [2, 20])
def test_progress_page_constant_queries(admin_client_for, year, departments, django_assert_max_num_queries):
    for d in range(departments):
        department = OrganizationFactory(name=f"部门{d}", kind=Organization.Kind.DEPARTMENT, parent=None)
        DepartmentDeadline.objects.create(year=year, department=department, closes_on=today())
        for u in range(3):
            unit = OrganizationFactory(name=f"部门{d}单位{u}", parent=department)
            PerformanceFormFactory(unit=unit, year=year)
            _expect(year, unit, "应填项目")
    client = admin_client_for()
    with django_assert_max_num_queries(15):
        response = client.get(PROGRESS, {"year": 2020})
    assert len(response.context["department_rows"]) == departments
    department = Organization.objects.get(name="部门1")
    with django_assert_max_num_queries(15):
        response = client.get(PROGRESS, {"year": 2020, "department": department.pk})
    assert response.content.decode().count('<tr data-unit="') == 3


def _urge(client, units, message="请本周五前提交"):
    url = reverse("season:urge") + "?year=2020"
    return client.post(url, {"unit": [u.pk for u in units], "message": message})


def test_urge_notifies_fillers_and_records_each_unit(
    client, season, dept_reviewer, unit_a, unit_b, filler, outsider, django_capture_on_commit_callbacks
):
    outsider.email = "yi@example.org"
    outsider.save()
    UserFactory(username="yi_reviewer", organization=unit_b, role=User.Role.DEPT_REVIEWER)
    client.force_login(dept_reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = _urge(client, [unit_a, unit_b])
    assert response.status_code == 302
    notes = Notification.objects.filter(kind=NoticeKind.URGE)
    assert sorted(n.recipient.username for n in notes) == ["filler", "outsider"]
    assert all(n.body == "请本周五前提交" and n.sender == dept_reviewer for n in notes)
    entries = AuditEntry.objects.filter(action=AuditAction.URGE)
    assert sorted(e.unit_id for e in entries) == sorted([unit_a.pk, unit_b.pk])
    run_worker()
    assert [m.to for m in mail.outbox] == [["yi@example.org"]]


def test_urge_outside_scope_refused(client, season, other_dept_reviewer, unit_a, filler):
    client.force_login(other_dept_reviewer)
    assert _urge(client, [unit_a]).status_code == 404
    assert not Notification.objects.exists() and not AuditEntry.objects.exists()


def test_urge_filler_forbidden_and_message_capped(client, season, filler, dept_reviewer, unit_a):
    client.force_login(filler)
    assert _urge(client, [unit_a]).status_code == 403
    client.force_login(dept_reviewer)
    _urge(client, [unit_a], message="字" * 501)
    assert not Notification.objects.exists()
    _urge(client, [])
    assert not AuditEntry.objects.exists()


def test_urge_many_units_runs_as_a_job(client, year, department, dept_reviewer):
    units = [OrganizationFactory(name=f"批量单位{i}", parent=department) for i in range(31)]
    for i, unit in enumerate(units):
        UserFactory(username=f"batch{i}", organization=unit, role=User.Role.FILLER)
    client.force_login(dept_reviewer)
    response = _urge(client, units)
    job = BackgroundJob.objects.get()
    assert response.url == reverse("projects:job_status", args=[job.pk])
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert Notification.objects.filter(kind=NoticeKind.URGE).count() == 31
    assert AuditEntry.objects.filter(action=AuditAction.URGE).count() == 31


def test_export_makes_the_table_as_xlsx(admin_client_for, season, unit_a, unit_b):
    client = admin_client_for()
    response = client.post(reverse("season:progress_export") + "?year=2020")
    job = BackgroundJob.objects.get()
    assert response.url == reverse("projects:job_status", args=[job.pk])
    run_worker()
    assert "填报进度表已生成" in client.get(response.url).content.decode()
    download = client.get(reverse("projects:job_download", args=[job.pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(download.content))
    units = workbook["按单位"]
    rows = {r[1]: r for r in units.iter_rows(min_row=3, values_only=True)}
    header = [c.value for c in units[2]]
    assert rows["乙单位"][header.index("未开始")] == 1
    assert rows["甲单位"][header.index("草稿")] == 1


def test_years_page_admins_only_and_opens_a_year(client, year, admin_user, finance_reviewer):
    client.force_login(finance_reviewer)
    assert client.get(reverse("season:years")).status_code == 403
    client.force_login(admin_user)
    page = client.get(reverse("season:years"))
    assert page.context["form"].initial["year"] == 2021
    response = client.post(
        reverse("season:years"),
        {
            "year": 2021,
            "project_framework": year.project_framework_id,
            "department_framework": year.department_framework_id,
            "filing_opens": "2021-01-04",
            "filing_closes": "2021-03-31",
        },
    )
    new = FiscalYear.objects.get(year=2021)
    assert response.url == reverse("season:year", args=[new.pk])
    assert new.filing_closes == datetime.date(2021, 3, 31)


def test_year_deadlines_and_window_forms(client, year, admin_user, department):
    client.force_login(admin_user)
    client.post(reverse("season:year_deadlines", args=[year.pk]), {f"d{department.pk}": "2020-03-15"})
    assert DepartmentDeadline.objects.get(department=department).closes_on == datetime.date(2020, 3, 15)
    bad = client.post(
        reverse("season:year_window", args=[year.pk]), {"filing_opens": "2020-03-01", "filing_closes": "2020-02-01"}
    )
    assert bad.status_code == 400 and "不能早于" in bad.content.decode()
    client.post(reverse("season:year_window", args=[year.pk]), {"filing_closes": "2020-04-30"})
    year.refresh_from_db()
    assert (year.is_open, year.filing_closes) == (False, datetime.date(2020, 4, 30))
    page = client.get(reverse("season:year", args=[year.pk])).content.decode()
    assert "2020-03-15" in page


def test_reopen_page(client, year, finance_reviewer, unit_a, filler):
    client.force_login(filler)
    assert client.get(reverse("season:reopen")).status_code == 403
    client.force_login(finance_reviewer)
    until = (today() + datetime.timedelta(days=3)).isoformat()
    bad = client.post(
        reverse("season:reopen") + "?year=2020", {"unit": "不存在的单位", "until": until, "reason": "理由足够长"}
    )
    assert "没有名称或单位代码" in bad.content.decode()
    client.post(
        reverse("season:reopen") + "?year=2020", {"unit": "甲单位", "until": until, "reason": "网络故障未能提交"}
    )
    assert UnitReopen.objects.get().unit == unit_a


def test_expect_last_year(client, year, admin_user, unit_a):
    PerformanceFormFactory(unit=unit_a, year=year, project_name="年年都有的项目", project_code="C-1")
    new = FiscalYear.objects.create(year=2021, project_framework=year.project_framework)
    client.force_login(admin_user)
    client.post(reverse("season:year_expect_last", args=[new.pk]))
    client.post(reverse("season:year_expect_last", args=[new.pk]))
    row = ExpectedForm.objects.get(year=new)
    assert (row.project_name, row.project_code, row.source) == ("年年都有的项目", "C-1", ExpectedForm.Source.CARRY_OVER)


def test_urge_more_than_the_cap_refused_before_any_work(client, season, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("season:urge") + "?year=2020", {"unit": [str(i) for i in range(1, 503)]})
    assert response.status_code == 302
    assert not BackgroundJob.objects.exists() and not Notification.objects.exists()
    page = client.get(response.url).content.decode()
    assert "一次最多催报 500 个单位" in page


def test_urge_finance_reviewer_only_assigned_departments(
    client, season, finance_reviewer, other_finance_reviewer, unit_a
):
    client.force_login(other_finance_reviewer)
    assert _urge(client, [unit_a]).status_code == 404
    client.force_login(finance_reviewer)
    assert _urge(client, [unit_a]).status_code == 302
    assert AuditEntry.objects.filter(action=AuditAction.URGE, unit=unit_a, actor=finance_reviewer).count() == 1


def test_forged_long_ids_are_a_404_or_ignored_never_a_500(admin_client_for, season):
    client = admin_client_for()
    huge = "9" * 30
    assert client.get(reverse("season:progress"), {"year": season.year, "department": huge}).status_code == 404
    response = client.post(f"{reverse('season:urge')}?year={season.year}", {"unit": [huge], "message": ""})
    assert response.status_code == 302
    assert not Notification.objects.exists()
