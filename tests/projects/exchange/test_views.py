"""The Excel pages: download, upload with a preview and a confirmation, create from a file, who may."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import FormKind
from projects import services
from projects.exchange import layout, writer
from projects.exchange.sheet import SheetForm, SheetRow
from projects.exchange.views import PENDING_KEY
from projects.models import FiscalYear, PerformanceForm, Status
from tests.projects.exchange.helpers import (
    LONG_TEXT,
    as_upload,
    budget_cell,
    download,
    edited,
    find_row,
    fingerprint,
)

pytestmark = pytest.mark.django_db


def test_upload_unchanged_file_previews_no_change(filler_client, rich_form):
    data = download(filler_client, rich_form)
    url = reverse("projects:excel_upload", args=[rich_form.pk])
    response = filler_client.post(url, {"file": as_upload(data)})
    assert response.status_code == 200
    assert "没有变化" in response.content.decode()


def test_upload_preview_then_confirm(filler_client, rich_form):
    before = fingerprint(rich_form)
    kept_id = rich_form.indicators.get(level3="抽查企业数").pk

    def change(ws):
        ws["B4"].value = "改过的项目名称"
        row = find_row(ws, 3, "报告合格率")
        ws.cell(row, 6).value = ">=98%"
        last = ws.max_row + 1
        for col, value in ((1, "效果目标"), (2, "满意度"), (3, "新增指标"), (6, "=7家")):
            ws.cell(last, col).value = value
            ws.cell(last, col).data_type = "s"

    data = edited(download(filler_client, rich_form), change)
    response = filler_client.post(reverse("projects:excel_upload", args=[rich_form.pk]), {"file": as_upload(data)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "改过的项目名称" in page and "&gt;=98%" in page and "新增指标" in page
    assert fingerprint(rich_form) == before  # nothing changes before the confirmation
    pending = filler_client.session[PENDING_KEY]  # in the (database) session, not in this process
    assert pending["form_id"] == rich_form.pk and pending["version"] == rich_form.version

    response = filler_client.post(
        reverse("projects:excel_upload_confirm", args=[rich_form.pk]), {"token": pending["token"]}
    )
    assert response.status_code == 302
    rich_form.refresh_from_db()
    assert rich_form.project_name == "改过的项目名称"
    assert rich_form.version == before[1] + 1
    assert rich_form.indicators.get(level3="报告合格率").value == ">=98%"
    assert rich_form.indicators.get(level3="新增指标").value == "=7家"
    assert rich_form.indicators.get(level3="抽查企业数").pk == kept_id
    assert PENDING_KEY not in filler_client.session


def test_department_upload_preview_in_wan_then_stored_in_yuan(client, dept_filler, dept_form):
    client.force_login(dept_filler)
    old_version = dept_form.version

    def change(ws):
        budget_cell(ws, "资金总额").value = 560.612346
        budget_cell(ws, "项目支出").value = "80.5"
        ws.cell(find_row(ws, 3, "执法检查工地"), 6).value = "3次"

    data = edited(download(client, dept_form), change)
    response = client.post(reverse("projects:excel_upload", args=[dept_form.pk]), {"file": as_upload(data)})
    page = response.content.decode()
    assert response.status_code == 200
    # 万元, as the form, the detail page and the file show it; never the stored 元.
    assert "560.612345" in page and "560.612346" in page and "80.00" in page and "80.50" in page
    assert "5606123.45" not in page and "805000" not in page
    assert "金额单位：万元" in page and "金额单位：元" not in page
    assert "3次" in page
    dept_form.refresh_from_db()
    assert dept_form.fund_total == Decimal("5606123.45") and dept_form.version == old_version

    token = client.session[PENDING_KEY]["token"]
    response = client.post(reverse("projects:excel_upload_confirm", args=[dept_form.pk]), {"token": token})
    assert response.status_code == 302
    dept_form.refresh_from_db()
    assert dept_form.version == old_version + 1
    assert dept_form.fund_total == Decimal("5606123.46")  # exact in 元
    assert dept_form.expense_project == Decimal("805000.00")
    assert dept_form.fund_general == Decimal("4844800.00") and dept_form.fund_gov_fund is None
    assert dept_form.fund_other == Decimal("0.01")
    assert dept_form.indicators.get(level3="执法检查工地").value == "3次"
    assert dept_form.indicators.get(level3="施工质量保证率").value == "=100%"


def test_project_upload_preview_in_yuan(filler_client, rich_form):
    data = edited(
        download(filler_client, rich_form),
        lambda ws: setattr(ws.cell(find_row(ws, 1, "项目总预算\n（元）"), 2), "value", 600000),
    )
    page = filler_client.post(
        reverse("projects:excel_upload", args=[rich_form.pk]), {"file": as_upload(data)}
    ).content.decode()
    assert "517,500.00" in page and "600,000.00" in page and "金额单位：元" in page


def test_department_created_from_file_stored_in_yuan(client, dept_filler, year):
    sheet = SheetForm(
        kind=FormKind.DEPARTMENT,
        year=2020,
        unit_name="测试主管部门",
        header={"duties": "(一)负责质量安全监督。", "overall_goal": "=保障工程质量安全。"},
        budget={
            "fund_total": Decimal("5606123.45"),
            "fund_general": Decimal("4844800.00"),
            "fund_gov_fund": None,
            "fund_special_nontax": Decimal("761323.45"),
            "fund_other": None,
            "expense_basic": Decimal("4806123.45"),
            "expense_project": Decimal("800000.00"),
        },
        rows=[
            SheetRow("产出指标", "数量指标", "执法检查工地", "2次"),
            SheetRow("产出指标", "成本指标", "人员经费", "≤371.29万元"),
        ],
    )
    client.force_login(dept_filler)
    response = client.post(reverse("projects:excel_create"), {"file": as_upload(writer.official_xlsx(sheet))})
    page = response.content.decode()
    assert response.status_code == 200 and "560.612345" in page and "金额单位：万元" in page
    token = client.session[PENDING_KEY]["token"]
    response = client.post(reverse("projects:excel_create_confirm"), {"token": token})
    created = PerformanceForm.objects.get(kind=FormKind.DEPARTMENT)
    assert response.status_code == 302 and response.url == created.get_absolute_url()
    assert created.unit == dept_filler.organization and created.status == Status.DRAFT
    assert {name: getattr(created, name) for name in layout.budget_fields(FormKind.DEPARTMENT)} == sheet.budget
    assert created.overall_goal == "=保障工程质量安全。"
    assert list(created.indicators.values_list("level1", "level2", "level3", "value")) == [
        (r.level1, r.level2, r.level3, r.value) for r in sheet.rows
    ]


@pytest.mark.parametrize("second", ["excel_upload", "excel_create"])
def test_failed_reupload_forgets_the_pending_upload(filler_client, rich_form, second):
    """A preview still open in another tab must not apply the first file after a later upload failed."""
    data = edited(download(filler_client, rich_form), lambda ws: setattr(ws["B4"], "value", "第一次上传的名称"))
    filler_client.post(reverse("projects:excel_upload", args=[rich_form.pk]), {"file": as_upload(data)})
    token = filler_client.session[PENDING_KEY]["token"]
    before = fingerprint(rich_form)

    url = reverse(f"projects:{second}", args=[rich_form.pk] if second == "excel_upload" else [])
    page = filler_client.post(url, {"file": as_upload("这不是表格".encode())}).content.decode()
    assert "没有导入" in page
    assert PENDING_KEY not in filler_client.session

    response = filler_client.post(
        reverse("projects:excel_upload_confirm", args=[rich_form.pk]), {"token": token}, follow=True
    )
    assert "没有待确认的上传" in response.content.decode()
    assert fingerprint(rich_form) == before


def test_refused_file_of_other_kind_forgets_the_pending_upload(client, dept_filler, dept_form, filler, rich_form):
    client.force_login(dept_filler)
    department_file = download(client, dept_form)
    client.force_login(filler)
    data = edited(download(client, rich_form), lambda ws: setattr(ws["B4"], "value", "第一次上传的名称"))
    client.post(reverse("projects:excel_upload", args=[rich_form.pk]), {"file": as_upload(data)})
    token = client.session[PENDING_KEY]["token"]
    client.post(reverse("projects:excel_upload", args=[rich_form.pk]), {"file": as_upload(department_file)})
    assert PENDING_KEY not in client.session
    client.post(reverse("projects:excel_upload_confirm", args=[rich_form.pk]), {"token": token})
    rich_form.refresh_from_db()
    assert rich_form.project_name != "第一次上传的名称"


def test_upload_error_page_words_fit_create_and_replace(filler_client, rich_form):
    bad = {"file": as_upload("这不是表格".encode())}
    onto = filler_client.post(reverse("projects:excel_upload", args=[rich_form.pk]), bad).content.decode()
    assert "本表未做任何修改" in onto
    bad = {"file": as_upload("这不是表格".encode())}
    new = filler_client.post(reverse("projects:excel_create"), bad).content.decode()
    assert "没有新建任何表" in new and "本表" not in new


def test_my_forms_links_to_create_from_file(filler_client, client, dept_reviewer):
    link = f'href="{reverse("projects:excel_create")}"'
    page = filler_client.get(reverse("projects:my_forms")).content.decode()
    assert link in page and "用 Excel 文件新建" in page
    client.force_login(dept_reviewer)
    assert link not in client.get(reverse("projects:my_forms")).content.decode()


def test_upload_confirm_stale_version_refused(filler_client, filler, rich_form):
    data = edited(download(filler_client, rich_form), lambda ws: setattr(ws["B4"], "value", "上传的名称"))
    filler_client.post(reverse("projects:excel_upload", args=[rich_form.pk]), {"file": as_upload(data)})
    token = filler_client.session[PENDING_KEY]["token"]
    # Someone saves the form in the editor while the preview is open.
    services.save_form(
        perf_form=rich_form, by=filler, values={"overview": "别人刚改的"}, rows=[], expected_version=rich_form.version
    )
    before = fingerprint(rich_form)
    response = filler_client.post(
        reverse("projects:excel_upload_confirm", args=[rich_form.pk]), {"token": token}, follow=True
    )
    assert "已被他人保存" in response.content.decode()
    assert fingerprint(rich_form) == before
    rich_form.refresh_from_db()
    assert rich_form.project_name != "上传的名称"


def test_upload_confirm_without_pending_refused(filler_client, rich_form):
    before = fingerprint(rich_form)
    response = filler_client.post(
        reverse("projects:excel_upload_confirm", args=[rich_form.pk]), {"token": "guess"}, follow=True
    )
    assert "没有待确认的上传" in response.content.decode()
    assert fingerprint(rich_form) == before


def test_upload_onto_submitted_form_refused(filler_client, filler, ready_form):
    data = download(filler_client, ready_form)
    services.submit(perf_form=ready_form, by=filler)
    before = fingerprint(ready_form)
    response = filler_client.post(
        reverse("projects:excel_upload", args=[ready_form.pk]), {"file": as_upload(data)}, follow=True
    )
    assert "不允许修改" in response.content.decode()
    assert fingerprint(ready_form) == before


def test_upload_of_other_kind_refused(client, dept_filler, dept_form, filler, rich_form):
    client.force_login(dept_filler)
    department_file = download(client, dept_form)
    client.force_login(filler)
    before = fingerprint(rich_form)
    response = client.post(reverse("projects:excel_upload", args=[rich_form.pk]), {"file": as_upload(department_file)})
    assert "部门整体" in response.content.decode()
    assert fingerprint(rich_form) == before


def test_upload_creates_new_draft(filler_client, filler, rich_form):
    data = edited(download(filler_client, rich_form), lambda ws: setattr(ws["B4"], "value", "另一个项目"))
    response = filler_client.post(reverse("projects:excel_create"), {"file": as_upload(data)})
    assert response.status_code == 200 and "另一个项目" in response.content.decode()
    assert PerformanceForm.objects.count() == 1
    token = filler_client.session[PENDING_KEY]["token"]
    response = filler_client.post(reverse("projects:excel_create_confirm"), {"token": token})
    created = PerformanceForm.objects.get(project_name="另一个项目")
    assert response.status_code == 302 and response.url == created.get_absolute_url()
    assert created.status == Status.DRAFT and created.unit == filler.organization
    assert created.overview == LONG_TEXT
    # The file shows values as the form prints them (`＝50家`): the new form has them so, and prints them alike.
    assert [r.printed_value for r in created.indicators.all()] == [r.printed_value for r in rich_form.indicators.all()]


def test_upload_creating_duplicate_refused(filler_client, rich_form):
    data = download(filler_client, rich_form)
    filler_client.post(reverse("projects:excel_create"), {"file": as_upload(data)})
    token = filler_client.session[PENDING_KEY]["token"]
    response = filler_client.post(reverse("projects:excel_create_confirm"), {"token": token}, follow=True)
    assert "已有名为" in response.content.decode()
    assert PerformanceForm.objects.count() == 1


def test_reviewer_cannot_create_from_upload(client, dept_reviewer):
    client.force_login(dept_reviewer)
    assert client.get(reverse("projects:excel_create")).status_code == 403


def test_detail_and_queue_offer_excel(filler_client, rich_form, client, dept_reviewer):
    page = filler_client.get(reverse("projects:detail", args=[rich_form.pk])).content.decode()
    assert reverse("projects:excel_download", args=[rich_form.pk]) in page
    assert reverse("projects:excel_upload", args=[rich_form.pk]) in page
    client.force_login(dept_reviewer)
    page = client.get(reverse("projects:queue") + "?status=submitted").content.decode()
    # The export means what the queue shows: the current year, spelled out, and the status.
    year = FiscalYear.current().pk
    assert reverse("projects:excel_export") + f"?year={year}&amp;status=submitted" in page
