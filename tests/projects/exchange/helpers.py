"""What the Excel tests share: tricky values, downloading a form's workbook, editing it, fingerprints."""

import zipfile
from io import BytesIO

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects import services
from tests.factories import COMPLETE_ROWS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Texts a spreadsheet would take for formulas, numbers or links if written carelessly.
TRICKY_VALUES = ["=50家", "=100%", "+5", "-3", "@SUM(A1)", "=1+1", "http://example.com", "0012", "1e5"]

LONG_TEXT = (
    "本项目主要用于全市建设工程安全质量监督执法检查，包括对在建工地的抽查、专项检查和整改复查。" * 15 + "\n"
) * 3


def tricky_rows():
    rows = [services.RowInput(level1=a, level2=b, level3=c, value=d) for a, b, c, d in COMPLETE_ROWS]
    rows += [
        services.RowInput(level1="产出目标", level2="数量", level3=f"特殊值{i}", value=value)
        for i, value in enumerate(TRICKY_VALUES)
    ]
    return rows


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


def edited(data: bytes, change) -> bytes:
    workbook = openpyxl.load_workbook(BytesIO(data))
    change(workbook.active)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def find_row(ws, col: int, text: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, col).value == text)


def budget_cell(ws, label: str):
    """The value cell right of a budget label (department layout: labels in B or D)."""
    return next(
        ws.cell(r, c + 1) for r in range(1, ws.max_row + 1) for c in range(1, COLUMNS) if ws.cell(r, c).value == label
    )


COLUMNS = 6
