"""Issue #17's "Done when" journey in one real browser run, on a county onboarded from xlsx.

An admin imports 3 departments, 10 units and 15 users (导入单位和用户); opens 2021 with a deadline
(年度设置) and imports its 项目库; carries 2020 over (结转上年, preview then confirm, run on the task
queue); 填报进度 shows the counts of the database; a unit submits; the department's reviewer sends
a 催报 to the units not started; their filler sees it in the bell and the list, and the e-mail went
out through the task queue; after the deadline a late unit cannot submit until the finance bureau
reopens it for that unit, then it can. Every account after the admin is one the import created,
logging in with the password shown once and changing it (forced at first login).

Screenshots at 1366 px go to test-artifacts/screenshots/journey17-*.png.
"""

import datetime
import io

import openpyxl
import pytest
from django.core import mail
from playwright.sync_api import expect

from projects.accounts.models import Organization, User
from projects.choices import AuditAction, JobKind, Status
from projects.models import AuditEntry, BackgroundJob, FiscalYear, PerformanceForm
from projects.notices.models import NoticeKind, Notification
from projects.reviews.models import ReviewTemplate
from projects.season.deadlines import today
from projects.season.models import ExpectedForm, UnitReopen
from projects.services import onboarding
from tests.factories import complete_form
from tests.tasks import run_worker

from .conftest import log_in, serious_violations, shot

pytestmark = pytest.mark.usefixtures("demo")

SUCCESS = "[data-message=success]"
ERROR = "[data-message=error]"
WIDE = {"width": 1366, "height": 900}
NEW_PASSWORD = "县里-自己的密码-2021"

DEPARTMENTS = [("县教育局", "301000"), ("县卫健局", "302000"), ("县农业农村局", "303000")]


def _county() -> tuple[list[list[str]], list[list[str]]]:
    """3 departments and 10 units under the demo's 财政局; 15 users: an admin, a finance reviewer
    for 县教育局 and 县卫健局, a reviewer per department and a filler (with e-mail) per unit."""
    organizations = [[name, code, "主管部门", "财政局"] for name, code in DEPARTMENTS]
    units = []
    for u in range(10):
        name, code = DEPARTMENTS[u % 3]
        units.append([f"{name}下属单位{u + 1}", f"{code[:3]}{u + 1:03d}", "预算单位", code])
    organizations += units
    users = [["孙管理", "county_admin", "管理员", "财政局", "admin@county.example.cn", ""]]
    users.append(["周对口", "county_fin", "财政局审核人", "财政局", "", "301000、县卫健局"])
    users += [
        [f"部门审核{d + 1}", f"county_dept{d + 1}", "主管部门审核人", code, "", ""]
        for d, (_n, code) in enumerate(DEPARTMENTS)
    ]
    users += [
        [f"填报人{u + 1}", f"county_f{u + 1}", "单位填报人", units[u][1], f"f{u + 1}@county.example.cn", ""]
        for u in range(10)
    ]
    return organizations, users


def _xlsx(path, columns, rows) -> str:
    """A filled-in onboarding template: the template's column headers, then the rows."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([str(c.header) for c in columns])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return str(path)


def _first_login(open_page, live_server, username: str, password: str):
    """An imported account's first login: the forced password change, then the landing page."""
    page = open_page(viewport=WIDE)
    log_in(page, live_server.url, username, password)
    page.wait_for_url(f"{live_server.url}/accounts/password/")
    expect(page.locator("[data-forced-change]")).to_be_visible()
    page.fill("#id_old_password", password)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/accounts/password/done/")
    assert not User.objects.get(username=username).must_change_password
    return page


def _fill_budget_and_save(page, base: str, perf_form: PerformanceForm) -> None:
    """A carried draft has no 当年预算 / 上年预算执行数 yet (see services.carryover): the filler gives them."""
    page.goto(f"{base}/forms/{perf_form.pk}/edit/")
    page.fill("#id_current_budget", "500000")  # within the 项目总预算 of 517,500
    page.fill("#id_prev_executed", "517500")
    page.click("[data-action=save]")
    expect(page.locator(SUCCESS)).to_have_count(1)


def _total(page, key: str) -> str:
    return page.locator(f"[data-total={key}] .fs-4").inner_text()


def _not_started(year: FiscalYear) -> list[ExpectedForm]:
    """Expected forms no form of their unit answers to (by link or by name), from the database."""
    names = set(PerformanceForm.objects.filter(year=year).values_list("unit_id", "kind", "project_name"))
    return [
        e
        for e in ExpectedForm.objects.filter(year=year, perf_form__isnull=True)
        if (e.unit_id, e.kind, e.project_name) not in names
    ]


def test_issue_17_season_from_onboarding_to_reopen(open_page, live_server, tmp_path):
    base = live_server.url
    # The demo's 2021 (and its review templates): this journey opens it itself.
    ReviewTemplate.objects.filter(year__year=2021).delete()
    FiscalYear.objects.filter(year=2021).delete()
    organizations, users = _county()

    # 1. The admin imports the county: preview, confirm, the passwords shown once.
    admin = open_page(viewport=WIDE)
    log_in(admin, base, "admin")
    admin.wait_for_url(f"{base}/forms/**")
    admin.click("[data-nav=onboarding]")
    admin.set_input_files(
        "#id_organizations", _xlsx(tmp_path / "单位.xlsx", onboarding.ORGANIZATION_COLUMNS, organizations)
    )
    admin.set_input_files("#id_users", _xlsx(tmp_path / "用户.xlsx", onboarding.USER_COLUMNS, users))
    admin.click("[data-action=preview]")
    expect(admin.locator("tr[data-organization][data-status=new]")).to_have_count(len(organizations))
    expect(admin.locator("tr[data-user][data-status=new]")).to_have_count(len(users))
    assert not User.objects.filter(username__startswith="county_").exists()
    shot(admin, "journey17-onboarding-preview-1366")
    admin.click("[data-action=confirm]")
    expect(admin.locator("[data-password]")).to_have_count(len(users))
    shot(admin, "journey17-onboarding-passwords-1366")
    passwords = {
        username: admin.locator(f"tr[data-account={username}] [data-password]").inner_text()
        for username in ("county_dept2", "county_fin", "county_f1", "county_f2", "county_f4")
    }
    county_codes = [code for _n, code in DEPARTMENTS]
    assert Organization.objects.filter(kind=Organization.Kind.DEPARTMENT, code__in=county_codes).count() == 3
    assert Organization.objects.filter(kind=Organization.Kind.UNIT, parent__code__in=county_codes).count() == 10
    assert User.objects.filter(username__startswith="county_", must_change_password=True).count() == 15
    education, health = (Organization.objects.get(code=code) for code in county_codes[:2])
    assert set(User.objects.get(username="county_fin").assigned_departments.all()) == {education, health}

    # Last year, each 县教育局 unit filed one project (the history the carry-over starts from).
    year_2020 = FiscalYear.objects.get(year=2020)
    for unit in Organization.objects.filter(parent=education).order_by("code"):
        complete_form(unit=unit, year=year_2020, project_name=f"{unit.name}校舍维护")

    # 2. 年度设置: the admin opens 2021 with a deadline and imports its 项目库 (县卫健局's units' projects).
    closes = today() + datetime.timedelta(days=7)
    admin.click("[data-nav=season]")
    admin.fill("#id_year", "2021")
    admin.select_option("#id_project_framework", label="上海市2020年项目支出绩效目标指标体系")
    admin.fill("#id_filing_opens", (today() - datetime.timedelta(days=10)).isoformat())
    admin.fill("#id_filing_closes", closes.isoformat())
    admin.click("[data-open-year]")
    expect(admin.locator(SUCCESS)).to_have_count(1)
    year = FiscalYear.objects.get(year=2021)
    assert (year.is_open, year.filing_closes) == (True, closes)
    shot(admin, "journey17-year-1366")
    health_units = list(Organization.objects.filter(parent=health).order_by("code"))
    workbook = openpyxl.Workbook()
    workbook.active.append(["项目代码", "单位", "项目名称"])
    for unit in health_units:
        workbook.active.append(["", unit.name, f"{unit.name}公共卫生服务"])
    workbook.save(tmp_path / "项目库.xlsx")
    admin.click("[data-expected-import]")
    admin.set_input_files("#id_file", str(tmp_path / "项目库.xlsx"))
    admin.click("[data-upload-preview]")
    expect(admin.locator("[data-expected-preview]")).to_have_attribute("data-expected-preview", str(len(health_units)))
    admin.click("[data-confirm-import]")
    expect(admin.locator(SUCCESS)).to_have_count(1)
    assert ExpectedForm.objects.filter(year=year, source=ExpectedForm.Source.PROJECT_LIST).count() == len(health_units)

    # 3. 结转上年: preview 2020 → 2021, confirm; the job runs on the task queue.
    admin.click("[data-nav=carry-over]")
    admin.select_option("#id_source_year", "2020")
    admin.fill("#id_target_year", "2021")
    admin.click("[data-action=preview]")
    carried = PerformanceForm.objects.filter(year=year_2020).count()
    expect(admin.locator(f'[data-created-count="{carried}"]')).to_be_visible()
    assert not PerformanceForm.objects.filter(year=year).exists()
    shot(admin, "journey17-carryover-preview-1366")
    admin.click("[data-action=confirm] button")
    admin.wait_for_url(f"{base}/forms/jobs/*/")
    run_worker()
    assert BackgroundJob.objects.get(kind=JobKind.CARRY_OVER).status == BackgroundJob.Status.DONE
    admin.reload()
    expect(admin.locator("[data-job-lines]")).to_contain_text(f"新建 {carried} 张草稿")
    assert PerformanceForm.objects.filter(year=year, status=Status.DRAFT).count() == carried
    assert ExpectedForm.objects.filter(year=year, source=ExpectedForm.Source.CARRY_OVER).count() == carried

    # 4. 填报进度: the totals are the database's.
    admin.click("[data-nav=progress]")
    admin.goto(f"{base}/season/?year=2021")
    missing = _not_started(year)
    not_started = {e.unit_id for e in missing}
    assert not_started == {u.pk for u in health_units}
    expect(admin.locator("[data-total=expected] .fs-4")).to_have_text(
        str(ExpectedForm.objects.filter(year=year).count())
    )
    expect(admin.locator("[data-total=not_started] .fs-4")).to_have_text(str(len(missing)))
    drafts = PerformanceForm.objects.filter(year=year, status=Status.DRAFT).count()
    expect(admin.locator(f"[data-total={Status.DRAFT}] .fs-4")).to_have_text(str(drafts))
    submitted = PerformanceForm.objects.filter(year=year, status=Status.SUBMITTED)
    expect(admin.locator(f"[data-total={Status.SUBMITTED}] .fs-4")).to_have_text(str(submitted.count()))
    row = admin.locator(f"[data-departments] tr[data-department='{education.pk}']")
    expect(row.locator("td[data-key=expected]")).to_have_text(
        str(ExpectedForm.objects.filter(year=year, unit__parent=education).count())
    )
    expect(admin.locator("[data-chart=status] canvas")).to_have_count(1)
    shot(admin, "journey17-progress-1366")
    assert serious_violations(admin) == []
    admin.locator("[data-total=not_started]").click()
    listed = admin.locator("[data-unit-list=not_started] tbody tr[data-unit]")
    expect(listed).to_have_count(len(not_started))
    assert {int(pk) for pk in listed.evaluate_all("rows => rows.map(r => r.dataset.unit)")} == not_started

    # 5. A unit submits: 县教育局下属单位1's filler logs in for the first time and files its carried draft.
    filler = _first_login(open_page, live_server, "county_f1", passwords["county_f1"])
    filed = PerformanceForm.objects.get(year=year, unit__code="301001")
    _fill_budget_and_save(filler, base, filed)
    filler.goto(f"{base}/forms/{filed.pk}/")
    expect(filler.locator(f"[data-countdown='{(closes - today()).days}']")).to_have_count(1)
    filler.click("form[data-action=submit] button")
    expect(filler.locator(SUCCESS)).to_have_count(1)
    assert PerformanceForm.objects.get(pk=filed.pk).status == Status.SUBMITTED
    shot(filler, "journey17-unit-submitted-1366")
    admin.goto(f"{base}/season/?year=2021")
    expect(admin.locator(f"[data-total={Status.SUBMITTED}] .fs-4")).to_have_text(str(submitted.count()))
    expect(admin.locator(f"[data-total={Status.DRAFT}] .fs-4")).to_have_text(
        str(PerformanceForm.objects.filter(year=year, status=Status.DRAFT).count())
    )
    assert submitted.count() == 1

    # 6. 县卫健局's reviewer sends a 催报 to the units not started; their fillers get it in the app and by mail.
    reviewer = _first_login(open_page, live_server, "county_dept2", passwords["county_dept2"])
    reviewer.goto(f"{base}/season/?year=2021")
    # The reviewer sees their own department only.
    expect(reviewer.locator("[data-total=not_started] .fs-4")).to_have_text(
        str(sum(1 for e in missing if e.unit.parent_id == health.pk))
    )
    expect(reviewer.locator("[data-units] tr[data-unit]")).to_have_count(len(health_units))
    reviewer.click("[data-select-not-started]")
    checked = reviewer.locator("[data-units] input[name=unit]:checked")
    expect(checked).to_have_count(len(not_started))
    reviewer.fill("#id_message", "请于本周内完成公共卫生服务项目的填报。")
    shot(reviewer, "journey17-urge-1366")
    mail.outbox.clear()
    reviewer.click("[data-urge]")
    expect(reviewer.locator(SUCCESS)).to_have_count(1)
    recipients = User.objects.filter(organization__in=health_units, role=User.Role.FILLER)
    urges = Notification.objects.filter(kind=NoticeKind.URGE)
    assert sorted(urges.values_list("recipient__username", flat=True)) == sorted(r.username for r in recipients)
    assert AuditEntry.objects.filter(action=AuditAction.URGE, unit__in=health_units).count() == len(health_units)
    assert mail.outbox == []  # never inside the request: the task queue sends it
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in recipients)
    assert all("请于本周内完成公共卫生服务项目的填报。" in m.body for m in mail.outbox)

    urged = User.objects.get(username="county_f2")
    assert urged in recipients
    urged_page = _first_login(open_page, live_server, urged.username, passwords[urged.username])
    urged_page.goto(f"{base}/forms/")
    bell = urged_page.locator("[data-bell]")
    expect(bell).to_have_attribute("data-bell", str(Notification.objects.filter(recipient=urged, read_at=None).count()))
    bell.click()
    urged_page.wait_for_url(f"{base}/notices/")
    notice = urged_page.locator(f"[data-kind={NoticeKind.URGE.value}]")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text("请于本周内完成公共卫生服务项目的填报。")
    shot(urged_page, "journey17-urge-notice-1366")

    # 7. The deadline passes: a late 县教育局 unit cannot submit its draft until the bureau reopens it.
    late = PerformanceForm.objects.get(year=year, unit__code="301004")
    late_filler = _first_login(open_page, live_server, "county_f4", passwords["county_f4"])
    _fill_budget_and_save(late_filler, base, late)
    year.filing_closes = today() - datetime.timedelta(days=2)
    year.save()
    late_filler.goto(f"{base}/forms/{late.pk}/")
    expect(late_filler.locator("[data-countdown='-2']")).to_have_count(1)
    late_filler.click("form[data-action=submit] button")
    expect(late_filler.locator(ERROR)).to_contain_text(year.filing_closes.isoformat())
    shot(late_filler, "journey17-late-refused-1366")
    assert PerformanceForm.objects.get(pk=late.pk).status == Status.DRAFT

    finance = _first_login(open_page, live_server, "county_fin", passwords["county_fin"])
    finance.goto(f"{base}/season/reopen/?year=2021")
    finance.fill("#id_unit", late.unit.code)
    finance.fill("#id_until", (today() + datetime.timedelta(days=2)).isoformat())
    finance.fill("#id_reason", "单位网络故障，同意补报两天。")
    finance.click("[data-reopen]")
    expect(finance.locator(SUCCESS)).to_have_count(1)
    expect(finance.locator("[data-reopen-history] tbody tr")).to_have_count(1)
    shot(finance, "journey17-reopen-1366")
    reopen = UnitReopen.objects.get()
    assert (reopen.unit_id, reopen.by.username) == (late.unit_id, "county_fin")

    late_filler.goto(f"{base}/forms/{late.pk}/")
    expect(late_filler.locator("[data-countdown='2']")).to_have_count(1)
    late_filler.click("form[data-action=submit] button")
    expect(late_filler.locator(SUCCESS)).to_have_count(1)
    assert PerformanceForm.objects.get(pk=late.pk).status == Status.SUBMITTED
    shot(late_filler, "journey17-late-submitted-1366")
