"""Excel: the official layout out and back in, hostile uploads, and the bulk export."""

import math
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from indicators.models import FormKind
from projects import excel, services
from projects.excel_views import PENDING_KEY
from projects.models import FiscalYear, PerformanceForm, Status
from tests.factories import UserFactory, complete_form

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Texts a spreadsheet would take for formulas, numbers or links if written carelessly.
TRICKY_VALUES = ["=50家", "=100%", "+5", "-3", "@SUM(A1)", "=1+1", "http://example.com", "0012", "1e5"]

LONG_TEXT = (
    "本项目主要用于全市建设工程安全质量监督执法检查，包括对在建工地的抽查、专项检查和整改复查。" * 15 + "\n"
) * 3


def tricky_rows():
    rows = [services.RowInput(level1=a, level2=b, level3=c, value=d) for a, b, c, d in _complete_rows()]
    rows += [
        services.RowInput(level1="产出目标", level2="数量", level3=f"特殊值{i}", value=value)
        for i, value in enumerate(TRICKY_VALUES)
    ]
    return rows


def _complete_rows():
    from tests.factories import COMPLETE_ROWS

    return COMPLETE_ROWS


@pytest.fixture
def rich_form(unit_a, year, dept_reviewer):
    """A complete draft with long narrative text, formula-like values and an odd-cent budget."""
    perf_form = complete_form(unit=unit_a, year=year)
    services.write_content(
        perf_form,
        {
            "overview": LONG_TEXT,
            "basis": "《建设工程质量管理条例》\n《安全生产法》",
            "goals": "=确保全年无重大事故",
            "prev_executed": Decimal("12345678901.23"),
            "prev_budget": None,
        },
        tricky_rows(),
    )
    return perf_form


@pytest.fixture
def dept_filler(department):
    return UserFactory(username="dept_filler", organization=department)


@pytest.fixture
def dept_form(dept_filler, year):
    return services.create_form(
        by=dept_filler,
        year=year,
        kind=FormKind.DEPARTMENT,
        values={
            "duties": "(一)贯彻执行有关法律法规。\n(二)负责质量安全监督。",
            "overall_goal": "=保障工程质量安全。",
            "fund_total": Decimal("5606123.45"),
            "fund_general": Decimal("4844800.00"),
            "fund_gov_fund": None,
            "fund_special_nontax": Decimal("761323.45"),
            "fund_other": Decimal("0.01"),
            "expense_basic": Decimal("4806123.45"),
            "expense_project": Decimal("800000"),
        },
        rows=[
            services.RowInput("产出指标", "数量指标", "执法检查工地", "2次"),
            services.RowInput("产出指标", "成本指标", "人员经费", "≤371.29万元"),
            services.RowInput("效益指标", "社会效益", "施工质量保证率", "=100%"),
            services.RowInput("满意度指标", "社会公众或服务对象满意度", "服务对象满意度", "≥90%"),
        ],
    )


def download(client, perf_form) -> bytes:
    response = client.get(reverse("projects:excel_download", args=[perf_form.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return response.content


def as_upload(data: bytes, name: str = "表.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX)


def sheet_xml(data: bytes) -> list[str]:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]


def assert_no_formula(data: bytes) -> None:
    for xml in sheet_xml(data):
        assert "<f>" not in xml and "<f " not in xml
    workbook = openpyxl.load_workbook(BytesIO(data))
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", cell.coordinate


def fingerprint(perf_form):
    perf_form.refresh_from_db()
    rows = list(perf_form.indicators.values_list("level1", "level2", "level3", "value"))
    return (perf_form.status, perf_form.version, perf_form.overview, perf_form.total_budget, rows)


# -- the official layout, out and back ------------------------------------------


def test_project_round_trip_identical(filler_client, rich_form):
    sheet = excel.read_official(BytesIO(download(filler_client, rich_form)))
    rich_form.refresh_from_db()
    assert sheet.kind == FormKind.PROJECT and sheet.year == 2020 and sheet.unit_name == "甲单位"
    for name in excel.PROJECT_HEADER_FIELDS:
        assert sheet.header[name] == getattr(rich_form, name), name
    for name in excel.PROJECT_BUDGET_FIELDS:
        assert sheet.budget[name] == getattr(rich_form, name), name
    assert sheet.budget["prev_budget"] is None
    assert sheet.rows == list(rich_form.indicators.values_list("level1", "level2", "level3", "value"))
    assert [r[3] for r in sheet.rows][-len(TRICKY_VALUES) :] == TRICKY_VALUES


def test_department_round_trip_identical(client, dept_filler, dept_form):
    client.force_login(dept_filler)
    data = download(client, dept_form)
    sheet = excel.read_official(BytesIO(data))
    assert sheet.kind == FormKind.DEPARTMENT and sheet.year == 2020
    for name in excel.DEPARTMENT_HEADER_FIELDS:
        assert sheet.header[name] == getattr(dept_form, name)
    for name in excel.DEPARTMENT_BUDGET_FIELDS:
        assert sheet.budget[name] == getattr(dept_form, name), name
    assert sheet.rows == list(dept_form.indicators.values_list("level1", "level2", "level3", "value"))


def test_department_layout_in_wan(client, dept_filler, dept_form):
    client.force_login(dept_filler)
    ws = openpyxl.load_workbook(BytesIO(download(client, dept_form))).active
    assert ws["A1"].value == "2020年部门整体支出绩效目标表"
    assert ws["A2"].value == "填报单位：测试主管部门"
    labels = {ws.cell(r, c).value: ws.cell(r, c + 1) for r in range(1, ws.max_row + 1) for c in range(1, 6)}
    # 5,606,123.45 元 is 560.612345 万元: exact, shown with two decimals or more when needed.
    assert Decimal(repr(labels["资金总额"].value)) == Decimal("560.612345")
    assert labels["资金总额"].number_format == excel.WAN_FORMAT
    assert Decimal(repr(labels["项目支出"].value)) == Decimal("80")
    assert labels["政府性基金拨款"].value is None
    header = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert "一级指标" in header and "部门职能职责概述" in header


def test_project_layout_like_paper(filler_client, rich_form):
    ws = openpyxl.load_workbook(BytesIO(download(filler_client, rich_form))).active
    assert ws["A1"].value == "财政项目支出绩效目标表"
    assert ws["A2"].value == "（2020年度）"
    assert ws["A3"].value == "申报单位名称：甲单位"
    assert (ws["A4"].value, ws["D4"].value) == ("项目名称", "项目类别")
    assert ws["B5"].value == datetime(2020, 1, 1) and ws["B5"].number_format == excel.DATE_FORMAT
    assert ws.page_setup.orientation == "portrait" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    head = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "一级目标")
    assert ws.print_title_rows == f"${head}:${head}"
    # 一级 and 二级 merged down their rows, as on paper.
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert any(m.startswith(f"A{head + 2}:A") for m in merged)  # 产出目标 spans 数量, 质量 and the extras
    for row in range(head + 1, ws.max_row + 1):
        assert ws.row_dimensions[row].height >= excel.LINE_HEIGHT


def test_long_narrative_continues_in_rows_and_fits(filler_client, rich_form):
    ws = openpyxl.load_workbook(BytesIO(download(filler_client, rich_form))).active
    start = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "项目概况")
    pieces, row = [], start
    while row == start or ws.cell(row, 1).value is None and ws.cell(row, 2).value:
        pieces.append(ws.cell(row, 2).value)
        assert ws.row_dimensions[row].height <= excel.MAX_ROW_HEIGHT
        row += 1
    assert len(pieces) > 1
    assert "".join(pieces) == LONG_TEXT


def test_merged_labels_sit_at_the_top_of_their_block(filler_client, rich_form):
    """A block crossing a page break shows its label on the first page only if the label is at its top."""
    ws = openpyxl.load_workbook(BytesIO(download(filler_client, rich_form))).active
    overview = find_row(ws, 1, "项目概况")
    assert ws.cell(overview + 1, 1).value is None  # the long overview continues below its label
    assert ws.cell(overview, 1).alignment.vertical == "top"
    basis = find_row(ws, 1, "立项依据")  # one row: nothing to cross a page, centred as before
    assert ws.cell(basis, 1).alignment.vertical == "center"
    head = find_row(ws, 1, "一级目标")
    blocks = [m for m in ws.merged_cells.ranges if m.min_row > head and m.max_col <= 2 and m.max_row > m.min_row]
    assert {m.min_col for m in blocks} == {1, 2}  # 一级 and 二级 both merged somewhere
    for block in blocks:
        assert ws.cell(block.min_row, block.min_col).alignment.vertical == "top", block.coord


# Lines LibreOffice 7.4 wrapped each text into, counted in its PDF (cell font SimSun 10.5,
# rendered by Noto Sans CJK at 15.2 pt a line; workbook font Calibri as Carlito). Each fits
# under Excel's 409 pt row limit, as `split_for_rows` keeps narratives.
LIBREOFFICE_LINES = [
    ("一二三四五六七八九十" * 20, 80, 5),
    ("一二三四五六七八九十" * 20, 44, 9),
    ("一二三四五六七八九十" * 20, 22, 19),
    ("本项目主要用于全市建设工程安全质量监督执法检查，包括对在建工地的抽查、专项检查和整改复查。" * 3, 80, 4),
    ("本项目主要用于全市建设工程安全质量监督执法检查，包括对在建工地的抽查、专项检查和整改复查。" * 3, 16, 17),
    ("在职人数43人，退休人员14人", 22, 2),
    ("在职人数43人，退休人员14人", 14, 3),
    ("ISO9001 quality management system certification for all 12 contractors in 2021", 16, 7),
    ("ISO9001 quality management system certification for all 12 contractors in 2021", 44, 2),
    ("0123456789" * 10, 16, 9),
    ("0123456789" * 10, 44, 3),
    ("完成2021年度全县128个在建项目的监督检查，覆盖率100%，抽检合格率≥98.5%，整改完成率100%。" * 2, 14, 15),
    ("完成2021年度全县128个在建项目的监督检查，覆盖率100%，抽检合格率≥98.5%，整改完成率100%。" * 2, 22, 9),
    ("社会公众或服务对象满意度", 14, 2),
]


@pytest.mark.parametrize(("text", "width", "lines"), LIBREOFFICE_LINES)
def test_row_height_fits_the_rendered_text_with_modest_slack(text, width, lines):
    estimated = excel._line_count(text, width)
    assert excel._height(estimated) >= lines * 15.2 + 2  # nothing cut off
    assert estimated <= math.ceil(lines * 1.2)  # and not far too tall


@pytest.mark.parametrize(
    ("text", "width"),
    [("", 80), ("短", 80), ("甲" * 5000, 80), ("乙。" * 3000, 40), ("a\n" * 500, 20), (LONG_TEXT, 82)],
)
def test_split_for_rows_keeps_every_character(text, width):
    pieces = excel.split_for_rows(text, width)
    assert "".join(pieces) == text
    assert all(excel._line_count(p, width) <= excel.MAX_LINES_PER_ROW for p in pieces)


# -- never a formula ------------------------------------------------------------


def test_official_xlsx_never_holds_a_formula(filler_client, rich_form):
    data = download(filler_client, rich_form)
    assert_no_formula(data)
    ws = openpyxl.load_workbook(BytesIO(data)).active
    values = {cell.value for row in ws.iter_rows() for cell in row}
    assert set(TRICKY_VALUES) <= values
    assert "=确保全年无重大事故" in values


def test_department_xlsx_never_holds_a_formula(client, dept_filler, dept_form):
    client.force_login(dept_filler)
    assert_no_formula(download(client, dept_form))


def test_bulk_export_never_holds_a_formula(rich_form, tmp_path):
    path = tmp_path / "all.xlsx"
    call_command("export_xlsx", "-o", str(path))
    data = path.read_bytes()
    assert_no_formula(data)
    values = [row[6] for row in openpyxl.load_workbook(path)["指标"].iter_rows(min_row=2, values_only=True)]
    assert values[-len(TRICKY_VALUES) :] == TRICKY_VALUES


# -- upload back ----------------------------------------------------------------


def edited(data: bytes, change) -> bytes:
    workbook = openpyxl.load_workbook(BytesIO(data))
    change(workbook.active)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def find_row(ws, col: int, text: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, col).value == text)


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


def budget_cell(ws, label: str):
    """The value cell right of a budget label (department layout: labels in B or D)."""
    return next(
        ws.cell(r, c + 1) for r in range(1, ws.max_row + 1) for c in range(1, COLUMNS) if ws.cell(r, c).value == label
    )


COLUMNS = 6


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
    sheet = excel.SheetForm(
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
        rows=[("产出指标", "数量指标", "执法检查工地", "2次"), ("产出指标", "成本指标", "人员经费", "≤371.29万元")],
    )
    client.force_login(dept_filler)
    response = client.post(reverse("projects:excel_create"), {"file": as_upload(excel.official_xlsx(sheet))})
    page = response.content.decode()
    assert response.status_code == 200 and "560.612345" in page and "金额单位：万元" in page
    token = client.session[PENDING_KEY]["token"]
    response = client.post(reverse("projects:excel_create_confirm"), {"token": token})
    created = PerformanceForm.objects.get(kind=FormKind.DEPARTMENT)
    assert response.status_code == 302 and response.url == created.get_absolute_url()
    assert created.unit == dept_filler.organization and created.status == Status.DRAFT
    assert {name: getattr(created, name) for name in excel.DEPARTMENT_BUDGET_FIELDS} == sheet.budget
    assert created.overall_goal == "=保障工程质量安全。"
    assert list(created.indicators.values_list("level1", "level2", "level3", "value")) == sheet.rows


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-1, "金额不能为负数"),
        ("-560.61", "金额不能为负数"),
        ("560.6123456", "金额最多精确到分"),
        (560.6123456, "金额最多精确到分"),
        (10**10, "金额过大，请核对单位是否为万元"),
        (10**22, "金额过大，请核对单位是否为万元"),
        ("1" + "0" * 22, "金额过大，请核对单位是否为万元"),
        ("1e999999", "金额过大，请核对单位是否为万元"),
        ("五百六十万", "“五百六十万”不是金额数字（单位：万元）"),
    ],
)
def test_department_upload_bad_wan_refused(client, dept_filler, dept_form, value, message):
    client.force_login(dept_filler)
    data = edited(download(client, dept_form), lambda ws: setattr(budget_cell(ws, "资金总额"), "value", value))
    before = fingerprint(dept_form), dept_form.fund_total
    for url in (reverse("projects:excel_upload", args=[dept_form.pk]), reverse("projects:excel_create")):
        page = client.post(url, {"file": as_upload(data)}).content.decode()
        assert "没有导入" in page
        assert "（资金总额）：" + message in page, page[page.find("alert") : page.find("alert") + 400]
        assert PENDING_KEY not in client.session
    dept_form.refresh_from_db()
    assert (fingerprint(dept_form), dept_form.fund_total) == before
    assert PerformanceForm.objects.count() == 1


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
    assert list(created.indicators.values_list("value", flat=True)) == list(
        rich_form.indicators.values_list("value", flat=True)
    )


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


# -- bad files: a clear message, and nothing changes ------------------------------


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _replace_entry(data: bytes, name: str, transform) -> bytes:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        entries = {n: archive.read(n) for n in archive.namelist()}
    entries[name] = transform(entries[name])
    return _zip(entries)


def _other_layout(_good: bytes) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["姓名", "电话"])
    workbook.active.append(["张三", "123"])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _missing_table_header(good: bytes) -> bytes:
    return edited(good, lambda ws: setattr(ws.cell(find_row(ws, 1, "一级目标"), 1), "value", "指标"))


def _missing_label(good: bytes) -> bytes:
    return edited(good, lambda ws: setattr(ws["D5"], "value", "完成日期"))


def _many_rows(good: bytes) -> bytes:
    """A sheet of 2,500 rows whose <dimension> claims one cell, as a hostile file may."""
    workbook = openpyxl.Workbook(write_only=True)
    ws = workbook.create_sheet()
    for i in range(2500):
        ws.append([f"行{i}"])
    buffer = BytesIO()
    workbook.save(buffer)
    return _replace_entry(
        buffer.getvalue(),
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', xml),
    )


def _zip_bomb(good: bytes) -> bytes:
    with zipfile.ZipFile(BytesIO(good)) as archive:
        entries = {n: archive.read(n) for n in archive.namelist()}
    entries["xl/media/padding.bin"] = b"\0" * (25 * 1024 * 1024)
    return _zip(entries)


def _broken_xml(good: bytes) -> bytes:
    return _replace_entry(good, "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2])


BAD_FILES = {
    "plain text": (lambda good: "这不是表格".encode(), "不是 Excel"),
    "empty": (lambda good: b"", "空"),
    "renamed pdf": (lambda good: b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n" * 20, "不是 Excel"),
    "old xls": (lambda good: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000, "另存为 .xlsx"),
    "truncated zip": (lambda good: good[: len(good) // 2], "不是 Excel"),
    "zip, not a workbook": (lambda good: _zip({"readme.txt": b"hello"}), "不是 Excel"),
    "broken sheet xml": (_broken_xml, "已损坏"),
    "other layout": (_other_layout, "第1行：没有找到表名"),
    "missing table header": (_missing_table_header, "缺少“一级目标”表头"),
    "missing label": (_missing_label, "单元格 D5 应为“计划完成日期”"),
    "absurd row count": (_many_rows, "超过 2000 行"),
    "zip bomb": (_zip_bomb, "解压后"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_upload_refused_with_message_and_changes_nothing(filler_client, rich_form, case):
    make, message = BAD_FILES[case]
    bad = make(download(filler_client, rich_form))
    before = fingerprint(rich_form)
    forms_before = PerformanceForm.objects.count()
    for url in (reverse("projects:excel_upload", args=[rich_form.pk]), reverse("projects:excel_create")):
        response = filler_client.post(url, {"file": as_upload(bad)})
        page = response.content.decode()
        assert response.status_code == 200
        assert "没有导入" in page and message in page, page[page.find("alert") : page.find("alert") + 400]
        assert PENDING_KEY not in filler_client.session
    assert fingerprint(rich_form) == before
    assert PerformanceForm.objects.count() == forms_before


def test_upload_over_size_limit_refused(filler_client, rich_form, settings):
    settings.PERFGOALS_UPLOAD_MAX_BYTES = 2000
    before = fingerprint(rich_form)
    data = download(filler_client, rich_form)
    assert len(data) > 2000
    response = filler_client.post(reverse("projects:excel_upload", args=[rich_form.pk]), {"file": as_upload(data)})
    assert "文件太大" in response.content.decode()
    assert fingerprint(rich_form) == before


def test_huge_request_refused_before_reading(filler_client, rich_form):
    big = b"PK" + b"\0" * (excel.PERFGOALS_UPLOAD_MAX_BYTES + 100 * 1024)
    response = filler_client.post(reverse("projects:excel_upload", args=[rich_form.pk]), {"file": as_upload(big)})
    assert "文件太大" in response.content.decode()


@pytest.mark.parametrize(
    ("cell", "value", "message"),
    [
        ("B5", "明年", "第5行：单元格 B5（计划开始日期）：“明年”不是有效日期"),
        ("B6", "也许", "请填“是”或“否”"),
        ("B4", None, "填写项目名称"),
        ("E5", "2019-01-01", "计划完成日期不能早于计划开始日期"),
    ],
)
def test_upload_bad_values_say_which_cell(filler_client, rich_form, cell, value, message):
    def change(ws):
        ws[cell].value = value

    data = edited(download(filler_client, rich_form), change)
    before = fingerprint(rich_form)
    response = filler_client.post(reverse("projects:excel_upload", args=[rich_form.pk]), {"file": as_upload(data)})
    assert message in response.content.decode()
    assert fingerprint(rich_form) == before


def test_upload_bad_money_says_which_cell(filler_client, rich_form):
    def change(ws):
        row = find_row(ws, 1, "项目总预算\n（元）")
        ws.cell(row, 2).value = -5
        ws.cell(row, 5).value = "五十万"

    data = edited(download(filler_client, rich_form), change)
    page = filler_client.post(
        reverse("projects:excel_upload", args=[rich_form.pk]), {"file": as_upload(data)}
    ).content.decode()
    assert "金额不能为负数" in page and "“五十万”不是金额数字" in page


@pytest.mark.parametrize("value", [10**26, float(10**26), "1" + "0" * 26, "1e30", 10**40])
def test_upload_absurd_money_refused_not_500(filler_client, rich_form, value):
    def change(ws):
        ws.cell(find_row(ws, 1, "项目总预算\n（元）"), 2).value = value

    data = edited(download(filler_client, rich_form), change)
    before = fingerprint(rich_form)
    for url in (reverse("projects:excel_upload", args=[rich_form.pk]), reverse("projects:excel_create")):
        response = filler_client.post(url, {"file": as_upload(data)})
        assert response.status_code == 200
        assert "金额过大，请核对单位是否为元" in response.content.decode()
    assert fingerprint(rich_form) == before


def test_upload_reads_typed_values_as_text(filler_client, rich_form):
    """What a user types in Excel: money as text with commas, a percentage, a date as text."""

    def change(ws):
        ws["B5"].value = "2020/3/1"
        row = find_row(ws, 1, "项目总预算\n（元）")
        ws.cell(row, 2).value = "1,530,000.5"
        target = ws.cell(find_row(ws, 3, "报告合格率"), 6)
        target.value = 0.95
        target.number_format = "0%"

    data = edited(download(filler_client, rich_form), change)
    sheet = excel.read_official(BytesIO(data))
    assert sheet.header["planned_start"] == date(2020, 3, 1)
    assert sheet.budget["total_budget"] == Decimal("1530000.50")
    assert ("产出目标", "质量", "报告合格率", "95%") in sheet.rows


# -- bulk export ------------------------------------------------------------------


@pytest.fixture
def exported(rich_form, dept_form, tmp_path):
    path = tmp_path / "all.xlsx"
    call_command("export_xlsx", "--year", "2020", "-o", str(path))
    return openpyxl.load_workbook(path)


def test_bulk_export_sheets_and_columns(exported):
    assert exported.sheetnames == ["项目", "指标"]
    forms, indicators = exported["项目"], exported["指标"]
    assert [c.value for c in forms[1]] == [title for title, _kind, _width in excel.FORM_COLUMNS]
    assert [c.value for c in indicators[1]] == [
        "年度",
        "申报单位",
        "项目名称",
        "一级",
        "二级",
        "三级",
        "指标目标值",
        "比较符",
        "数值",
        "上限",
        "单位",
    ]
    for ws in (forms, indicators):
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(ws.max_column)}{ws.max_row}"
    assert forms.max_row == 3  # two forms
    assert indicators.max_row == 1 + 5 + len(TRICKY_VALUES) + 4


def test_bulk_export_types(exported, rich_form, dept_form):
    rows = {row[3] or row[4]: row for row in exported["项目"].iter_rows(min_row=2, values_only=True)}
    project = rows[rich_form.project_name]
    assert project[0] == 2020 and project[1] == "测试主管部门" and project[2] == "甲单位"
    assert project[4] == "项目支出" and project[14] == "草稿"
    assert project[6] == datetime(2020, 1, 1) and project[7] == datetime(2020, 12, 31)
    assert project[8] == "否"
    assert project[10] == 517500 and isinstance(project[10], int | float)
    assert project[12] is None  # no last-year budget: empty, not 0
    assert Decimal(repr(project[13])) == Decimal("12345678901.23")
    department = rows["测试主管部门 部门整体支出绩效目标表"]
    assert department[1] == "测试主管部门" and department[2] == "测试主管部门" and department[4] == "部门整体"
    # 资金总额 is a department's whole-year budget: both 项目总预算 and 项目当年预算, exact and a number.
    assert isinstance(department[10], int | float) and Decimal(repr(department[10])) == Decimal("5606123.45")
    assert department[11] == department[10]
    assert department[12] is None and department[13] is None
    row = next(r for r in exported["项目"].iter_rows(min_row=2) if r[3].value == rich_form.project_name)
    cells = {c.column_letter: c for c in row}
    assert cells["K"].number_format == excel.MONEY_FORMAT and cells["G"].is_date


def test_bulk_export_targets_from_stored_fields(exported, rich_form):
    by_name = {row[5]: row for row in exported["指标"].iter_rows(min_row=2, values_only=True)}
    assert by_name["抽查企业数"][6:] == ("=50家", "=", 50, None, "家")
    assert by_name["报告合格率"][7:] == (">=", 95, None, "%")
    assert by_name["制度健全性"][7:] == (None, None, None, None)


def test_bulk_export_department_indicators_named(exported, dept_form, rich_form):
    rows = list(exported["指标"].iter_rows(min_row=2, values_only=True))
    department = [row for row in rows if row[1] == "测试主管部门"]
    assert [row[5] for row in department] == ["执法检查工地", "人员经费", "施工质量保证率", "服务对象满意度"]
    assert {row[2] for row in department} == {dept_form.title} == {"测试主管部门 部门整体支出绩效目标表"}
    assert department[1][6:] == ("≤371.29万元", "<=", 371.29, None, "万元")
    assert {row[2] for row in rows if row[1] == "甲单位"} == {rich_form.project_name}
    assert all(len(row) == len(excel.INDICATOR_COLUMNS) for row in rows)


def test_bulk_export_never_reparses(rich_form, tmp_path):
    rich_form.indicators.filter(level3="抽查企业数").update(target_op="<", target_low=7, target_unit="只")
    path = tmp_path / "x.xlsx"
    excel.export_forms(PerformanceForm.objects.all(), path)
    rows = {r[5]: r for r in openpyxl.load_workbook(path)["指标"].iter_rows(min_row=2, values_only=True)}
    assert rows["抽查企业数"][6:] == ("=50家", "<", 7, None, "只")


def test_bulk_export_query_count_flat(unit_a, year, dept_form, tmp_path, django_assert_max_num_queries):
    for i in range(12):
        complete_form(unit=unit_a, year=year, project_name=f"项目{i}")
    with django_assert_max_num_queries(3):
        written = excel.export_forms(PerformanceForm.objects.all(), tmp_path / "x.xlsx")
    assert written == 12 + 12 * 5 + 1 + 4


def test_detail_and_queue_offer_excel(filler_client, rich_form, client, dept_reviewer):
    page = filler_client.get(reverse("projects:detail", args=[rich_form.pk])).content.decode()
    assert reverse("projects:excel_download", args=[rich_form.pk]) in page
    assert reverse("projects:excel_upload", args=[rich_form.pk]) in page
    client.force_login(dept_reviewer)
    page = client.get(reverse("projects:queue") + "?status=submitted").content.decode()
    # The export means what the queue shows: the current year, spelled out, and the status.
    year = FiscalYear.current().pk
    assert reverse("projects:excel_export") + f"?year={year}&amp;status=submitted" in page
