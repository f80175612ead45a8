"""Issue #14's row fields through the exchange: the official table, the workbook out and back, old files."""

from decimal import Decimal
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from indicators.choices import Sign, Standard, TargetScope
from projects import schema, services
from projects.exchange import reader
from projects.exchange.sheet import SheetForm, SheetRow, settle
from projects.exchange.views import PENDING_KEY
from projects.exchange.writer import official_xlsx
from projects.models import FormEvent, Submission
from tests.projects.exchange.helpers import as_upload, download, edited, find_row, page_texts, workbook_texts

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
NOTE_CAP = schema.get("value_note").max_length


def full_rows(cap: bool = False) -> list[services.RowInput]:
    """Rows with every row field filled (at its cap with `cap`), in both sets, a published 二级 label kept."""

    def text(stem: str, name: str) -> str:
        return (stem * schema.get(name).max_length)[: schema.get(name).max_length] if cap else stem

    notes = {name: text(f"{name}说明。", name) for name in ("value_note", "standard_note", "scoring", "explanation")}
    return [
        services.RowInput(
            "产出目标",
            "数量",
            text("检查工地数", "level3"),
            ">=95%",
            standard=Standard.PLAN,
            weight=Decimal("100") if cap else Decimal("20"),
            remark=text("备注文字", "remark"),
            **notes,
        ),
        services.RowInput(
            "产出目标", "质量", "报告合格率", "100%", sign=Sign.OTHER, value_note=text("全部合格", "value_note")
        ),
        services.RowInput(
            "效果目标",
            "生态效益",
            "绿化覆盖率",
            "=35%",
            level2_label=text("环境效益", "level2_label"),
            standard=Standard.INDUSTRY,
            weight=Decimal("12.5"),
        ),
        services.RowInput(
            "影响力目标", "长效管理", "制度健全性", "健全", value_note="制度文件齐全", weight=Decimal("0")
        ),
        services.RowInput(
            "产出目标",
            "数量",
            "三年检查工地数",
            "≥300个",
            scope=TargetScope.OVERALL,
            standard=Standard.HISTORY,
            scoring="达到或超过目标值得满分",
            weight=Decimal("67.5"),
        ),
        services.RowInput(
            "效果目标", "满意度", "群众满意度", ">=90%", scope=TargetScope.OVERALL, sign=Sign.NA, remark="暂不测评"
        ),
    ]


@pytest.fixture
def full_form(rich_form):
    services.write_content(rich_form, {"project_code": "310000200000000000001"}, full_rows())
    rich_form.refresh_from_db()
    return rich_form


def current_inputs(perf_form) -> list[services.RowInput]:
    return [
        services.RowInput(**{**row.data(), "weight": row.weight}, id=r.pk)
        for r in perf_form.indicators.all()
        for row in [SheetRow.from_indicator(r)]
    ]


def stored(perf_form) -> list[dict]:
    return [SheetRow.from_indicator(r).data() for r in perf_form.indicators.all()]


# -- the workbook and the page print the row as the form says it ----------------------------


def test_workbook_and_page_print_the_normalised_sign_and_the_published_label(filler_client, full_form):
    book = workbook_texts(download(filler_client, full_form))
    page = page_texts(filler_client.get(reverse("projects:detail", args=[full_form.pk])).content.decode())
    for texts in (book, page):
        assert "≥95%" in texts and ">=95%" not in texts
        assert "≥90%" not in texts and ">=90%" in texts  # 不适用: the value as typed
        assert "环境效益" in texts and "生态效益" not in texts
        # Details under their row, label then text; a 定量（其他） sign the value does not say is printed.
        for pair in (
            ["指标值说明", "全部合格"],
            ["计算符号", "定量（其他）"],
            ["权重", "12.5"],
            ["设定依据", "计划标准"],
        ):
            assert any(texts[i : i + 2] == pair for i in range(len(texts))), pair
        assert texts.index("总体绩效目标") < texts.index("三年检查工地数")
        assert texts.index("制度健全性") < texts.index("总体绩效目标")
    assert book == page


def test_html_table_splits_the_two_sets(filler_client, full_form):
    html = filler_client.get(reverse("projects:detail", args=[full_form.pk])).content.decode()
    assert html.count('class="official indicator-table"') == 2
    assert html.index("制度健全性") < html.index("总体绩效目标") < html.index("三年检查工地数")


# -- out and back ------------------------------------------------------------------------------


@pytest.mark.parametrize("cap", [False, True])
def test_workbook_round_trip_keeps_every_row_field(filler_client, rich_form, cap):
    services.write_content(rich_form, {"project_code": "P1"}, full_rows(cap=cap))
    read = reader.read_official(BytesIO(download(filler_client, rich_form)))
    current = [SheetRow.from_indicator(r) for r in rich_form.indicators.all()]
    assert [row.data() for row in settle(read.rows, current)] == stored(rich_form)
    assert read.header["project_code"] == "P1"


def test_unchanged_upload_saves_nothing(filler_client, full_form):
    version, events, submissions = full_form.version, FormEvent.objects.count(), Submission.objects.count()
    before = stored(full_form)
    response = filler_client.post(
        reverse("projects:excel_upload", args=[full_form.pk]), {"file": as_upload(download(filler_client, full_form))}
    )
    assert "没有变化" in response.content.decode()
    token = filler_client.session[PENDING_KEY]["token"]
    response = filler_client.post(reverse("projects:excel_upload_confirm", args=[full_form.pk]), {"token": token})
    assert response.status_code == 302
    full_form.refresh_from_db()
    assert full_form.version == version
    assert (FormEvent.objects.count(), Submission.objects.count()) == (events, submissions)
    assert stored(full_form) == before


def test_edited_detail_is_saved(filler_client, full_form):
    def change(ws):
        row = find_row(ws, 3, "指标值说明")
        ws.cell(row, 4).value = "抽样核查"

    data = edited(download(filler_client, full_form), change)
    response = filler_client.post(reverse("projects:excel_upload", args=[full_form.pk]), {"file": as_upload(data)})
    preview = response.content.decode()
    # The preview names the one changed detail, under its row; nothing else changes.
    assert preview.count('class="diff-detail"') == 1 and "抽样核查" in preview and "指标值说明" in preview
    assert preview.count("diff-row") == 1
    token = filler_client.session[PENDING_KEY]["token"]
    filler_client.post(reverse("projects:excel_upload_confirm", args=[full_form.pk]), {"token": token})
    row = full_form.indicators.get(level3="检查工地数")
    assert row.value_note == "抽样核查" and row.value == ">=95%" and row.weight == Decimal("20")
    assert full_form.indicators.get(level3="绿化覆盖率").level2_label == "环境效益"


@pytest.mark.parametrize(
    ("label", "text", "message"),
    [
        ("权重", "120", "权重应为 0 到 100 之间的数"),
        ("权重", "十", "权重应为 0 到 100 之间的数"),
        ("设定依据", "上级标准", "设定依据“上级标准”不是可选的值"),
        ("计算符号", "约等于", "计算符号“约等于”不是可选的值"),
        ("指标值说明", "长" * (NOTE_CAP + 1), f"指标值说明超过 {NOTE_CAP} 个字"),
    ],
)
def test_bad_detail_refused_with_its_row(filler_client, full_form, label, text, message):
    def change(ws):
        row = find_row(ws, 3, "检查工地数") + 1
        ws.cell(row, 3).value, ws.cell(row, 4).value = label, text

    data = edited(download(filler_client, full_form), change)
    with pytest.raises(reader.UploadError) as caught:
        reader.read_official(BytesIO(data))
    assert any(message in m for m in caught.value.messages), caught.value.messages


# -- files written before the row fields ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "form"), [("main_writer_project.xlsx", "rich_form"), ("main_writer_department.xlsx", "dept_form")]
)
def test_old_workbook_still_imports(request, name, form):
    perf_form = request.getfixturevalue(form)
    sheet = reader.read_official(BytesIO((FIXTURES / name).read_bytes()))
    # The factory numbers project names: the fixture's form was the first of its run.
    services.write_content(perf_form, {"project_name": sheet.header.get("project_name", "")}, current_inputs(perf_form))
    expected = SheetForm.from_form(perf_form, perf_form.indicators.all())
    current = [SheetRow.from_indicator(r) for r in perf_form.indicators.all()]
    assert [row.data() for row in settle(sheet.rows, current)] == [row.data() for row in expected.rows]
    assert (sheet.header, sheet.budget) == (expected.header, expected.budget)
    assert all(row.scope == TargetScope.ANNUAL and not row.value_note for row in sheet.rows)


def test_old_workbook_uploaded_onto_its_form_changes_nothing(filler_client, rich_form):
    data = (FIXTURES / "main_writer_project.xlsx").read_bytes()
    name = reader.read_official(BytesIO(data)).header["project_name"]
    services.write_content(rich_form, {"project_name": name}, current_inputs(rich_form))
    rich_form.refresh_from_db()
    version = rich_form.version
    response = filler_client.post(reverse("projects:excel_upload", args=[rich_form.pk]), {"file": as_upload(data)})
    assert "没有变化" in response.content.decode()
    token = filler_client.session[PENDING_KEY]["token"]
    filler_client.post(reverse("projects:excel_upload_confirm", args=[rich_form.pk]), {"token": token})
    rich_form.refresh_from_db()
    assert rich_form.version == version


def test_old_workbook_is_the_file_main_wrote():
    ws = openpyxl.load_workbook(FIXTURES / "main_writer_project.xlsx").active
    labels = {ws.cell(r, 3).value for r in range(1, ws.max_row + 1)}
    assert "指标值说明" not in labels and "项目代码" not in {ws.cell(r, 1).value for r in range(1, ws.max_row + 1)}


def test_old_workbook_keeps_the_details_and_code_the_form_gained_since(filler_client, rich_form):
    """A file downloaded before the rows had details cannot hold them: uploading it keeps the form's."""
    data = (FIXTURES / "main_writer_project.xlsx").read_bytes()
    name = reader.read_official(BytesIO(data)).header["project_name"]
    rows = current_inputs(rich_form)
    rows[1].value_note, rows[1].weight, rows[2].scope = "抽样核查", Decimal("30"), TargetScope.OVERALL
    services.write_content(rich_form, {"project_name": name, "project_code": "P9"}, rows)
    before = stored(rich_form)

    def change(ws):
        ws.cell(find_row(ws, 3, "投入时间"), 6).value = "2021年度"

    response = filler_client.post(
        reverse("projects:excel_upload", args=[rich_form.pk]), {"file": as_upload(edited(data, change))}
    )
    assert response.status_code == 200
    token = filler_client.session[PENDING_KEY]["token"]
    filler_client.post(reverse("projects:excel_upload_confirm", args=[rich_form.pk]), {"token": token})
    rich_form.refresh_from_db()
    assert rich_form.project_code == "P9"
    after = stored(rich_form)
    assert after[0]["value"] == "2021年度"
    assert after[1:] == before[1:]


def test_workbook_says_it_holds_the_row_details(filler_client, rich_form):
    book = openpyxl.load_workbook(BytesIO(download(filler_client, rich_form)))
    assert book.properties.keywords == "perfgoals:row-details"
    assert reader.read_official(BytesIO(download(filler_client, rich_form))).predates_details is False
    assert reader.read_official(BytesIO((FIXTURES / "main_writer_project.xlsx").read_bytes())).predates_details


def test_form_at_every_cap_goes_out_and_back_within_the_upload_limits():
    """200 rows with every detail at its cap, every narrative at its cap: one file the reader still takes."""
    capped = vars(full_rows(cap=True)[0]) | {"sign": Sign.OTHER}  # a stated sign: one more line under each row
    del capped["id"], capped["library_entry_id"]
    rows = [
        SheetRow(**capped | {"level3": f"{i:03d}" + capped["level3"][3:]}) for i in range(settings.MAX_INDICATOR_ROWS)
    ]
    header = dict.fromkeys(schema.names(schema.PROJECT, schema.HEADER), "")
    header |= dict.fromkeys(
        schema.names(schema.PROJECT, schema.HEADER, schema.NARRATIVE), "长" * schema.NARRATIVE_MAX_LENGTH
    )
    header |= {"project_name": "项", "planned_start": None, "planned_end": None, "gov_purchase": None}
    budget = dict.fromkeys(schema.names(schema.PROJECT, schema.BUDGET))
    data = official_xlsx(SheetForm(schema.PROJECT, 2020, "甲单位", header, budget, rows))
    # 200 rows of 9 lines each, the narratives continued over 30 rows: under the upload's 2,000.
    assert openpyxl.load_workbook(BytesIO(data)).active.max_row <= settings.PERFGOALS_UPLOAD_MAX_ROWS
    back = reader.read_official(BytesIO(data))
    assert [r.data() for r in settle(back.rows, rows)] == [r.data() for r in rows]
    assert back.header == header
