"""Reading the official layout back: round trips, what users type, and every bad file refused with a reason."""

import re
import zipfile
from datetime import date
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from indicators.models import FormKind
from projects.exchange import layout, reader
from projects.exchange.sheet import SheetRow, settle
from projects.exchange.views import PENDING_KEY
from projects.models import PerformanceForm
from tests.projects.exchange.helpers import (
    TRICKY_VALUES,
    as_upload,
    budget_cell,
    download,
    edited,
    find_row,
    fingerprint,
)

pytestmark = pytest.mark.django_db


def current_rows(perf_form) -> list[SheetRow]:
    return [SheetRow.from_indicator(r) for r in perf_form.indicators.all()]


def stored_rows(perf_form) -> list[dict]:
    return [row.data() for row in current_rows(perf_form)]


def settled_rows(sheet, perf_form) -> list[dict]:
    return [row.data() for row in settle(sheet.rows, current_rows(perf_form))]


# -- the official layout, out and back ------------------------------------------


def test_project_round_trip_identical(filler_client, rich_form):
    sheet = reader.read_official(BytesIO(download(filler_client, rich_form)))
    rich_form.refresh_from_db()
    assert sheet.kind == FormKind.PROJECT and sheet.year == 2020 and sheet.unit_name == "甲单位"
    for name in layout.header_fields(FormKind.PROJECT):
        assert sheet.header[name] == getattr(rich_form, name), name
    for name in layout.budget_fields(FormKind.PROJECT):
        assert sheet.budget[name] == getattr(rich_form, name), name
    assert sheet.budget["prev_budget"] is None
    # The file prints `＝50家` for `=50家`; settled against the form, the rows are the form's again.
    assert settled_rows(sheet, rich_form) == stored_rows(rich_form)
    assert [r.value for r in settle(sheet.rows, current_rows(rich_form))][-len(TRICKY_VALUES) :] == TRICKY_VALUES


def test_department_round_trip_identical(client, dept_filler, dept_form):
    client.force_login(dept_filler)
    data = download(client, dept_form)
    sheet = reader.read_official(BytesIO(data))
    assert sheet.kind == FormKind.DEPARTMENT and sheet.year == 2020
    for name in layout.header_fields(FormKind.DEPARTMENT):
        assert sheet.header[name] == getattr(dept_form, name)
    for name in layout.budget_fields(FormKind.DEPARTMENT):
        assert sheet.budget[name] == getattr(dept_form, name), name
    assert settled_rows(sheet, dept_form) == stored_rows(dept_form)


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
    big = b"PK" + b"\0" * (settings.PERFGOALS_UPLOAD_MAX_BYTES + 100 * 1024)
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
    sheet = reader.read_official(BytesIO(data))
    assert sheet.header["planned_start"] == date(2020, 3, 1)
    assert sheet.budget["total_budget"] == Decimal("1530000.50")
    assert ("产出目标", "质量", "报告合格率", "95%") in [(r.level1, r.level2, r.level3, r.value) for r in sheet.rows]


@pytest.mark.parametrize("line", ["(2020年度)", "（2020年度）", "2020年度", "（2020年）"])
def test_year_line_read_as_printed_then_or_typed_by_hand(filler_client, rich_form, line):
    """Files written before the year line took the published form's brackets said （2020年度）."""
    data = edited(download(filler_client, rich_form), lambda ws: setattr(ws["A2"], "value", line))
    assert reader.read_official(BytesIO(data)).year == 2020
