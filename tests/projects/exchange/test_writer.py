"""The one-form workbook: laid out and printed like paper, long texts fitted, never a formula."""

import math
from datetime import datetime
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest

from projects.exchange import layout, writer
from tests.projects.exchange.helpers import (
    LONG_TEXT,
    assert_no_formula,
    download,
    find_row,
)

pytestmark = pytest.mark.django_db


def test_department_layout_in_wan(client, dept_filler, dept_form):
    client.force_login(dept_filler)
    ws = openpyxl.load_workbook(BytesIO(download(client, dept_form))).active
    assert ws["A1"].value == "2020年部门整体支出绩效目标表"
    assert ws["A2"].value == "填报单位：测试主管部门"
    labels = {ws.cell(r, c).value: ws.cell(r, c + 1) for r in range(1, ws.max_row + 1) for c in range(1, 6)}
    # 5,606,123.45 元 is 560.612345 万元: exact, shown with two decimals or more when needed.
    assert Decimal(repr(labels["资金总额"].value)) == Decimal("560.612345")
    assert labels["资金总额"].number_format == layout.WAN_FORMAT
    assert Decimal(repr(labels["项目支出"].value)) == Decimal("80")
    assert labels["政府性基金拨款"].value is None
    header = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert "一级指标" in header and "部门职能职责概述" in header


def test_project_layout_like_paper(filler_client, rich_form):
    ws = openpyxl.load_workbook(BytesIO(download(filler_client, rich_form))).active
    assert ws["A1"].value == "财政项目支出绩效目标表"
    assert ws["A2"].value == "(2020年度)"  # as the published form, and the page, print it
    assert ws["A3"].value == "申报单位名称：甲单位"
    assert (ws["A4"].value, ws["D4"].value) == ("项目名称", "项目类别")
    assert ws["B5"].value == datetime(2020, 1, 1) and ws["B5"].number_format == layout.DATE_FORMAT
    assert ws.page_setup.orientation == "portrait" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    head = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "一级目标")
    assert ws.print_title_rows == f"${head}:${head}"
    # 一级 and 二级 merged down their rows, as on paper.
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert any(m.startswith(f"A{head + 2}:A") for m in merged)  # 产出目标 spans 数量, 质量 and the extras
    for row in range(head + 1, ws.max_row + 1):
        assert ws.row_dimensions[row].height >= writer.LINE_HEIGHT


def test_long_narrative_continues_in_rows_and_fits(filler_client, rich_form):
    ws = openpyxl.load_workbook(BytesIO(download(filler_client, rich_form))).active
    start = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "项目概况")
    pieces, row = [], start
    while row == start or ws.cell(row, 1).value is None and ws.cell(row, 2).value:
        pieces.append(ws.cell(row, 2).value)
        assert ws.row_dimensions[row].height <= writer.MAX_ROW_HEIGHT
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
    estimated = writer._line_count(text, width)
    assert writer._height(estimated) >= lines * 15.2 + 2  # nothing cut off
    assert estimated <= math.ceil(lines * 1.2)  # and not far too tall


@pytest.mark.parametrize(
    ("text", "width"),
    [("", 80), ("短", 80), ("甲" * 5000, 80), ("乙。" * 3000, 40), ("a\n" * 500, 20), (LONG_TEXT, 82)],
)
def test_split_for_rows_keeps_every_character(text, width):
    pieces = writer.split_for_rows(text, width)
    assert "".join(pieces) == text
    assert all(writer._line_count(p, width) <= writer.MAX_LINES_PER_ROW for p in pieces)


def test_official_xlsx_never_holds_a_formula(filler_client, rich_form):
    data = download(filler_client, rich_form)
    assert_no_formula(data)
    ws = openpyxl.load_workbook(BytesIO(data)).active
    values = {cell.value for row in ws.iter_rows() for cell in row}
    # As the form prints them: `＝50家` for `=50家`, what the parser cannot read as typed.
    printed = {row.printed_value for row in rich_form.indicators.all()}
    assert {"＝50家", "＝100%", "+5", "@SUM(A1)", "http://example.com", "0012"} <= printed <= values
    assert "=确保全年无重大事故" in values


def test_department_xlsx_never_holds_a_formula(client, dept_filler, dept_form):
    client.force_login(dept_filler)
    assert_no_formula(download(client, dept_form))
