"""What the Excel tests share: tricky values, a workbook downloaded and edited, the page and the workbook read."""

import zipfile
from datetime import datetime
from decimal import Decimal
from html.parser import HTMLParser
from io import BytesIO

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects import schema, services
from projects.exchange.layout import MONEY_FORMAT
from projects.lib.money import format_yuan
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


# -- the official table as a reader of the page, or of the printed workbook, takes it in --------


class _PageReader(HTMLParser):
    """Texts of the official table (<article class="official-form">) in reading order.

    Headings and paragraphs give one text each; a table row gives its cells' texts line by
    line: the first line of every cell, then the second (a <br> breaks a cell's lines), as the
    eye reads lines printed one above the other. Warnings and review comments are left out.
    """

    SKIPPED = ("cell-warn", "row-comment")

    def __init__(self):
        super().__init__()
        self.inside = False
        self.skip_depth = 0
        self.texts: list[str] = []
        self.row: list[list[str]] | None = None
        self.cell: list[str] | None = None
        self.block: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "article" and "official-form" in attrs.get("class", ""):
            self.inside = True
        if not self.inside:
            return
        if self.skip_depth or (tag == "div" and any(c in attrs.get("class", "") for c in self.SKIPPED)):
            self.skip_depth += tag == "div"
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = [""]
        elif tag == "br" and self.cell is not None:
            self.cell.append("")
        elif tag in ("h1", "h2", "p"):
            self.block = [""]

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if self.skip_depth:
            self.skip_depth -= tag == "div"
        elif tag in ("td", "th"):
            self.row.append([line.strip() for line in self.cell])
            self.cell = None
        elif tag == "tr":
            depth = max((len(cell) for cell in self.row), default=0)
            self.texts += [cell[i] for i in range(depth) for cell in self.row if i < len(cell)]
            self.row = None
        elif tag in ("h1", "h2", "p"):
            self.texts.append(self.block[0].strip())
            self.block = None
        elif tag == "article":
            self.inside = False

    def handle_data(self, data):
        if not self.inside or self.skip_depth:
            return
        if self.cell is not None:
            self.cell[-1] += data
        elif self.block is not None:
            self.block[0] += data


_LABELS = {label for entry in schema.FIELDS for label in (str(entry.label), entry.display_label)} | {
    "年度预算申请（万元）"
}


def page_texts(html: str) -> list[str]:
    """The official table's labels and values in reading order; "label：value" read as two texts.

    Only a catalogue label (after an optional 其中：) splits off its value: narratives may hold a "：".
    """
    reader = _PageReader()
    reader.feed(html)
    texts = []
    for text in reader.texts:
        label, colon, value = text.removeprefix("其中：").partition("：")
        texts += [label, value] if colon and label in _LABELS else [text]
    return [text for text in texts if text]


def workbook_texts(data: bytes) -> list[str]:
    """The first sheet's texts row by row, left to right: numbers as the page prints them.

    A merged cell counts once, where it starts; a narrative continued in further rows reads as one text.
    """
    ws = openpyxl.load_workbook(BytesIO(data)).active
    merged = {}
    for cells in ws.merged_cells.ranges:
        for row in range(cells.min_row, cells.max_row + 1):
            for col in range(cells.min_col, cells.max_col + 1):
                merged[row, col] = cells
    texts: list[str] = []
    for row in range(1, ws.max_row + 1):
        found = []
        for col in range(1, ws.max_column + 1):
            cells = merged.get((row, col))
            if cells is not None and (cells.min_row, cells.min_col) != (row, col):
                continue
            text = _printed(ws.cell(row, col))
            if text:
                found.append((col, text))
        label = merged.get((row, 1))
        value = merged.get((row, 2))
        continued = label is not None and label.min_row < row and value is not None and value.max_col == ws.max_column
        if continued and [col for col, _text in found] == [2]:
            texts[-1] += found[0][1]
        else:
            texts += [text for _col, text in found]
    # As the page's cells are read: without the spaces and line breaks around a text.
    return [text.strip() for text in texts if text.strip()]


def _printed(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, int | float):
        # Exact, with two decimals or more; 元 with separators, 万元 without, as on paper.
        return format_yuan(Decimal(repr(value)), separators=cell.number_format == MONEY_FORMAT)
    unwrapped = value.replace("\n（", "（", 1)  # a label wrapped before its unit: 项目总预算\n（元）
    return unwrapped if unwrapped in _LABELS else value
