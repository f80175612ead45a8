"""The season in a real browser (issue #17): the admin opens 2021 with a deadline and imports the
项目库, the dashboard shows the counts, a reviewer sends a 催报 to the units not started, and after
the deadline a late unit cannot submit until the finance bureau reopens it.

Screenshots at 1366 and 390 px go to test-artifacts/screenshots/season-*.png.
"""

import datetime
import io

import openpyxl
import pytest
from playwright.sync_api import expect

from projects import services
from projects.accounts.models import Organization, User
from projects.choices import AuditAction, Status
from projects.devdata.demo import SH_DEPARTMENT, SH_UNIT_A, SH_UNIT_B
from projects.models import AuditEntry, FiscalYear, PerformanceForm
from projects.notices.models import NoticeKind, Notification
from projects.reviews.models import ReviewTemplate
from projects.season.deadlines import today
from projects.season.models import DepartmentDeadline, ExpectedForm
from tests.factories import complete_form

from .conftest import log_in, serious_violations, shot

pytestmark = pytest.mark.usefixtures("demo")

SUCCESS = "[data-message=success]"
ERROR = "[data-message=error]"
WIDE = {"width": 1366, "height": 900}
NARROW = {"width": 390, "height": 844}


def _project_list(tmp_path) -> str:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["项目代码", "单位", "项目名称"])
    sheet.append(["", SH_UNIT_A, "安全质量监督抽查"])
    sheet.append(["", SH_UNIT_B, "公积金信息系统运维"])
    sheet.append(["", SH_UNIT_B, "公积金政策宣传"])
    path = tmp_path / "项目库.xlsx"
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return str(path)


def _page_as(open_page, live_server, username, viewport=WIDE):
    page = open_page(viewport=viewport)
    log_in(page, live_server.url, username)
    page.wait_for_url(f"{live_server.url}/forms/**")
    return page


def test_season_journey(open_page, live_server, tmp_path):
    ReviewTemplate.objects.filter(year__year=2021).delete()
    FiscalYear.objects.filter(year=2021).delete()
    base = live_server.url
    closes = today() + datetime.timedelta(days=7)

    # 1. The admin opens 2021 with a deadline, gives the 主管部门 its own, imports the 项目库.
    admin = _page_as(open_page, live_server, "admin")
    admin.click("[data-nav=season]")
    admin.fill("#id_year", "2021")
    admin.select_option("#id_project_framework", label="上海市2020年项目支出绩效目标指标体系")
    admin.fill("#id_filing_opens", (today() - datetime.timedelta(days=10)).isoformat())
    admin.fill("#id_filing_closes", closes.isoformat())
    admin.click("[data-open-year]")
    expect(admin.locator(SUCCESS)).to_have_count(1)
    year = FiscalYear.objects.get(year=2021)
    assert year.filing_closes == closes
    department = Organization.objects.get(name=SH_DEPARTMENT)
    admin.fill(f"#id_d{department.pk}", (closes + datetime.timedelta(days=3)).isoformat())
    admin.locator("[data-deadlines] button[type=submit]").click()
    expect(admin.locator(SUCCESS)).to_have_count(1)
    shot(admin, "season-year-1366")
    assert serious_violations(admin) == []
    admin.click("[data-expected-import]")
    admin.set_input_files("#id_file", _project_list(tmp_path))
    admin.click("[data-upload-preview]")
    expect(admin.locator("[data-expected-preview]")).to_have_attribute("data-expected-preview", "3")
    shot(admin, "season-import-preview-1366")
    admin.click("[data-confirm-import]")
    expect(admin.locator(SUCCESS)).to_have_count(1)
    assert ExpectedForm.objects.filter(year=year).count() == 3

    # Unit A has filed its project and submitted it; unit B has a draft of something else only.
    unit_a, unit_b = Organization.objects.get(name=SH_UNIT_A), Organization.objects.get(name=SH_UNIT_B)
    filed = complete_form(unit=unit_a, year=year, project_name="安全质量监督抽查")
    services.submit(perf_form=filed, by=User.objects.get(username="filler_a"))
    late = complete_form(unit=unit_b, year=year, project_name="公积金临时项目")

    # 2. The dashboard shows the counts, with its charts drawn.
    admin.goto(f"{base}/season/?year=2021")
    expect(admin.locator("[data-total=expected] .fs-4")).to_have_text("3")
    expect(admin.locator("[data-total=not_started] .fs-4")).to_have_text("2")
    expect(admin.locator(f"[data-total={Status.SUBMITTED}] .fs-4")).to_have_text("1")
    expect(admin.locator("[data-chart=status] canvas")).to_have_count(1)
    expect(admin.locator("[data-chart=rules] canvas")).to_have_count(1)
    shot(admin, "season-progress-1366")
    assert serious_violations(admin) == []
    admin.locator("[data-total=not_started]").click()
    expect(admin.locator("[data-unit-list=not_started] tbody tr")).to_have_count(1)
    expect(admin.locator(f"[data-unit-list=not_started] tr[data-unit='{unit_b.pk}']")).to_have_count(1)

    # 3. The 主管部门's reviewer sends a 催报 to the units not started.
    reviewer = _page_as(open_page, live_server, "dept_reviewer")
    reviewer.click("[data-nav=progress]")
    reviewer.goto(f"{base}/season/?year=2021")
    reviewer.click("[data-select-not-started]")
    expect(reviewer.locator(f"tr[data-unit='{unit_b.pk}'] input[name=unit]")).to_be_checked()
    expect(reviewer.locator(f"tr[data-unit='{unit_a.pk}'] input[name=unit]")).not_to_be_checked()
    reviewer.fill("#id_message", "请于本周内完成公积金项目的填报。")
    shot(reviewer, "season-urge-1366")
    reviewer.click("[data-urge]")
    expect(reviewer.locator(SUCCESS)).to_have_count(1)
    note = Notification.objects.get(kind=NoticeKind.URGE)
    assert (note.recipient.username, note.body) == ("filler_b", "请于本周内完成公积金项目的填报。")
    assert AuditEntry.objects.filter(action=AuditAction.URGE, unit=unit_b).count() == 1

    narrow = _page_as(open_page, live_server, "dept_reviewer", viewport=NARROW)
    narrow.goto(f"{base}/season/?year=2021")
    expect(narrow.locator("[data-chart=status] canvas")).to_have_count(1)
    shot(narrow, "season-progress-390")

    # 4. The deadline passes: the late unit cannot submit until the finance bureau reopens it.
    year.filing_closes = today() - datetime.timedelta(days=2)
    year.save()
    DepartmentDeadline.objects.filter(year=year).delete()
    filler = _page_as(open_page, live_server, "filler_b")
    filler.goto(f"{base}/forms/{late.pk}/")
    expect(filler.locator("[data-countdown='-2']")).to_have_count(1)
    filler.click("form[data-action=submit] button")
    expect(filler.locator(ERROR)).to_contain_text((today() - datetime.timedelta(days=2)).isoformat())
    shot(filler, "season-late-refused-1366")
    late.refresh_from_db()
    assert late.status == Status.DRAFT

    finance = _page_as(open_page, live_server, "finance_reviewer")
    finance.goto(f"{base}/season/reopen/?year=2021")
    finance.fill("#id_unit", SH_UNIT_B)
    finance.fill("#id_until", (today() + datetime.timedelta(days=2)).isoformat())
    finance.fill("#id_reason", "单位网络故障，同意补报两天。")
    finance.click("[data-reopen]")
    expect(finance.locator(SUCCESS)).to_have_count(1)
    shot(finance, "season-reopen-1366")

    filler.goto(f"{base}/forms/{late.pk}/")
    expect(filler.locator("[data-countdown='2']")).to_have_count(1)
    filler.click("form[data-action=submit] button")
    expect(filler.locator(SUCCESS)).to_have_count(1)
    assert PerformanceForm.objects.get(pk=late.pk).status == Status.SUBMITTED


def test_season_screens_narrow(open_page, live_server):
    admin = _page_as(open_page, live_server, "admin", viewport=NARROW)
    admin.goto(f"{live_server.url}/season/years/")
    shot(admin, "season-years-390")
    admin.goto(f"{live_server.url}/season/?year=2020")
    expect(admin.locator("[data-summary]")).to_be_visible()
    shot(admin, "season-progress-admin-390")
    admin.set_viewport_size(WIDE)
    admin.goto(f"{live_server.url}/season/?year=2020")
    shot(admin, "season-progress-admin-1366")
