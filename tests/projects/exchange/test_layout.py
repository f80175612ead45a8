"""The official layout, described once: the page and the workbook carry the same labels and values."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from indicators.choices import Sign, TargetScope
from indicators.models import FormKind
from projects import schema
from projects.accounts.models import User
from projects.exchange import layout
from projects.exchange.sheet import ILLEGAL_CHARACTERS, SheetRow, clean_text
from projects.models import PerformanceForm
from tests.projects.exchange.helpers import download, page_texts, workbook_texts

pytestmark = pytest.mark.django_db

KINDS = [FormKind.PROJECT, FormKind.DEPARTMENT]


def official_html(client, perf_form) -> str:
    response = client.get(reverse("projects:detail", args=[perf_form.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_project_page_and_workbook_read_alike(filler_client, rich_form):
    page = page_texts(official_html(filler_client, rich_form))
    assert page == workbook_texts(download(filler_client, rich_form))
    # Not two empty lists: the title, each label with its value, the table in its order.
    assert page[:5] == [
        "财政项目支出绩效目标表",
        "(2020年度)",
        "申报单位名称：甲单位",
        "项目名称",
        rich_form.project_name,
    ]
    assert page[page.index("项目总预算（元）") + 1] == "517,500.00"
    assert page[page.index("同名项目上年预算执行数（元）") + 1] == "12,345,678,901.23"
    assert page[-2:] == ["特殊值8", "1e5"]


def test_department_page_and_workbook_read_alike(client, dept_filler, dept_form):
    client.force_login(dept_filler)
    page = page_texts(official_html(client, dept_form))
    assert page == workbook_texts(download(client, dept_form))
    budget = page.index("年度预算申请（万元）")
    # The breakdown reads line by line: each 收入 item beside its 支出 item, as paper prints them.
    assert page[budget : budget + 13] == [
        "年度预算申请（万元）",
        "资金总额",
        "560.612345",
        "按收入性质分",
        "按支出性质分",
        "一般公共预算",
        "484.48",
        "基本支出",
        "480.612345",
        "政府性基金拨款",
        "项目支出",
        "80.00",
        "纳入专户管理的非税收入拨款",
    ]


def test_seed_forms_page_and_workbook_read_alike(client):
    call_command("load_demo", stdout=StringIO())
    client.force_login(User.objects.get(username="admin"))
    seeds = list(PerformanceForm.objects.order_by("pk"))
    assert {perf_form.kind for perf_form in seeds} == set(KINDS)
    for perf_form in seeds:
        page = page_texts(official_html(client, perf_form))
        assert page == workbook_texts(download(client, perf_form)), perf_form.title
        assert len(page) > 30


def test_page_keeps_the_paper_words_before_a_breakdown(client, dept_filler, dept_form):
    client.force_login(dept_filler)
    html = official_html(client, dept_form)
    assert '<td id="field-fund_general">其中：一般公共预算：484.48<br><span id="field-fund_gov_fund">' in html
    assert '<th scope="row" rowspan="4">年度预算申请（万元）</th>' in html


@pytest.mark.parametrize("kind", KINDS)
def test_layout_places_every_catalogue_field_once(kind):
    placed = [label.field for label in layout.LAYOUTS[kind].labels() if label.entry]
    assert sorted(placed) == sorted(schema.names(kind))
    assert layout.header_fields(kind) + layout.budget_fields(kind) == [
        name for name in placed if schema.get(name).section == schema.HEADER
    ] + [name for name in placed if schema.get(name).section == schema.BUDGET]


@pytest.mark.parametrize("kind", KINDS)
def test_every_page_row_fills_the_four_columns(kind):
    values = {name: None for name in schema.names(kind)}
    page = layout.official_page(kind, 2020, "甲单位", values)
    for block in page.blocks:
        covered = 0  # rows still under a label spanning down from a row above
        for row in block.rows:
            width = sum(cell.colspan for cell in row) + (1 if covered else 0)
            assert width == 4, [cell.parts for cell in row]
            covered = max(covered - 1, max((cell.rowspan - 1 for cell in row), default=0))


@pytest.mark.parametrize(
    ("cols", "index", "span"),
    [
        ((0, 3), 0, (1, 2)),  # a value up to the next label
        ((0, 3), 1, (4, 5)),  # the last one up to the edge
        ((1,), 0, (2, 5)),
    ],
)
def test_value_span(cols, index, span):
    labels = tuple(layout.Label(col, "project_name") for col in cols)
    assert layout.value_span(labels, index) == span


def test_value_span_of_a_heading_and_of_a_value_that_stops_early():
    heading, expense = layout.Label(1, heading="按收入性质分"), layout.Label(3, heading="按支出性质分")
    assert layout.value_span((heading, expense), 0) == (1, 2)
    assert layout.value_span((layout.Label(1, "fund_other", value_end=2),), 0) == (2, 2)


@pytest.mark.parametrize(
    ("name", "value", "text"),
    [
        ("gov_purchase", True, "是"),
        ("gov_purchase", False, "否"),
        ("gov_purchase", None, ""),
        ("total_budget", Decimal("5606100"), "5,606,100.00"),
        ("fund_total", Decimal("5606100"), "560.61"),  # stored 元, printed in the field's 万元
        ("fund_total", None, ""),
        ("planned_start", date(2020, 3, 1), "2020-03-01"),
        ("project_name", "=50家", "=50家"),
    ],
)
def test_shown(name, value, text):
    assert layout.shown(name, value) == text


def test_clean_text_drops_what_openpyxl_refuses():
    assert ILLEGAL_CHARACTERS.pattern == ILLEGAL_CHARACTERS_RE.pattern
    assert clean_text("a\x00b\x0bc\r\nd\re\tf") == "abc\nd\ne\tf"
    assert clean_text(None) == ""


def test_indicator_table_merges_equal_cells_down():
    rows = [
        SheetRow(a, b, "三级", "", **extra)
        for a, b, extra in [
            ("产出", "数量", {"value_note": "说明"}),
            ("产出", "数量", {}),
            ("产出", "质量", {}),
            ("效益", "质量", {}),
            ("效益", "生态效益", {"level2_label": "环境效益"}),
            ("效益", "环境效益", {}),
            ("效益", "质量", {"scope": TargetScope.OVERALL}),
        ]
    ]
    table = layout.indicator_table(rows, {2: ["warning"], 6: ["overall"]})
    assert [(t.level1_span, t.level2_span) for t in table] == [(3, 2), (0, 0), (0, 1), (3, 1), (0, 2), (0, 0), (1, 1)]
    # A row's details are lines of the table: the merged cells span them.
    assert [(t.level1_lines, t.level2_lines) for t in table][:2] == [(4, 3), (0, 0)]
    assert [t.level2 for t in table][4:6] == ["环境效益", "环境效益"]
    assert [t.warnings for t in table] == [[], [], ["warning"], [], [], [], ["overall"]]
    assert [t.opens_overall for t in table] == [False] * 6 + [True]


def test_indicator_table_puts_the_overall_set_after_the_annual_one():
    rows = [
        SheetRow("产出", "数量", "三年", "", scope=TargetScope.OVERALL),
        SheetRow("产出", "数量", "今年", ""),
    ]
    table = layout.indicator_table(rows)
    assert [(t.index, t.row.level3, t.opens_overall) for t in table] == [(1, "今年", False), (0, "三年", True)]
    assert [(t.level1_span, t.level2_span) for t in table] == [(1, 1), (1, 1)]


@pytest.mark.parametrize(
    ("value", "sign", "stated"),
    [
        (">=95%", "", ""),
        (">=95%", Sign.GE, ""),  # the value says it
        ("100%", Sign.OTHER, Sign.OTHER),
        ("健全", Sign.QUALITATIVE, ""),
        (">=90%", Sign.NA, Sign.NA),
    ],
)
def test_sign_printed_only_where_the_value_does_not_say_it(value, sign, stated):
    assert layout.stated_sign(SheetRow("产出", "数量", "三级", value, sign=sign)) == stated
