"""The editor's rows as the server writes them: every row field, the details, the 年度/总体
panels, the outlines, and a save of everything unchanged."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.choices import Sign, Standard, TargetScope
from projects import schema, services
from tests.factories import IndicatorFactory

from .test_save_invariant import EditorPage

pytestmark = pytest.mark.django_db

EVERY_FIELD = {
    "level3": "检查报告合格率",
    "value": ">=95%",
    "sign": Sign.GE,
    "value_note": "抽查报告中合格的比例",
    "standard": Standard.INDUSTRY,
    "standard_note": "《检查工作规范》",
    "scoring": "达到或超过目标值得满分，未达到按完成比例得分",
    "explanation": "合格报告数 / 抽查报告数",
    "weight": Decimal("20.00"),
    "remark": "季度汇总",
    "level2_label": "数量指标",
}


def editor_page(client, perf_form) -> str:
    response = client.get(reverse("projects:edit", args=[perf_form.pk]))
    assert response.status_code == 200
    return response.content.decode()


def posted(page: str) -> dict[str, str]:
    parser = EditorPage()
    parser.feed(page)
    return dict(parser.data)


def snapshot(perf_form):
    perf_form.refresh_from_db()
    return services.snapshot(perf_form, list(perf_form.indicators.all()), [])["rows"]


@pytest.fixture
def weighted(perf_form):
    perf_form.framework.weights_enabled = True
    perf_form.framework.save(update_fields=["weights_enabled"])
    return perf_form


def test_editor_posts_every_row_field_and_saves_them_unchanged(filler_client, weighted):
    IndicatorFactory(perf_form=weighted, scope=TargetScope.ANNUAL, **EVERY_FIELD)
    before = snapshot(weighted)
    data = posted(editor_page(filler_client, weighted))
    for entry in schema.ROW_FIELDS:
        assert f"ind-0-{entry.name}" in data, entry.name
    assert data["ind-0-weight"] == "20.00" and data["ind-0-sign"] == Sign.GE
    response = filler_client.post(reverse("projects:edit", args=[weighted.pk]), data)
    assert response.status_code == 302
    assert snapshot(weighted) == before
    weighted.refresh_from_db()
    assert weighted.version == 2


def test_weight_is_offered_only_when_the_framework_has_weights_on(filler_client, perf_form):
    IndicatorFactory(perf_form=perf_form, remark="备注")
    page = editor_page(filler_client, perf_form)
    assert "ind-0-weight" not in posted(page) and 'name="ind-__prefix__-weight"' not in page
    perf_form.framework.weights_enabled = True
    perf_form.framework.save(update_fields=["weights_enabled"])
    page = editor_page(filler_client, perf_form)
    assert "ind-0-weight" in posted(page) and 'name="ind-__prefix__-weight"' in page


def test_details_fields_written_only_for_rows_that_fill_some(filler_client, perf_form):
    IndicatorFactory(perf_form=perf_form, level3="空")
    IndicatorFactory(perf_form=perf_form, level3="有备注", remark="季度汇总")
    data = posted(editor_page(filler_client, perf_form))
    assert "ind-0-remark" not in data and "ind-0-sign" not in data
    assert data["ind-1-remark"] == "季度汇总" and data["ind-1-sign"] == ""


def test_rows_show_their_number_and_details_stay_closed(filler_client, perf_form):
    for name in ("甲", "乙", "丙"):
        IndicatorFactory(perf_form=perf_form, level3=name)
    full = editor_page(filler_client, perf_form)
    page = full[: full.index('<template id="row-template">')]
    numbers = [page[i + 1 : page.index("<", i)] for i in _all(page, "data-row-number>")]
    assert numbers == ["1", "2", "3"]
    assert page.count("data-row-detail hidden") == 3
    # One menu button a row, one menu for the page.
    assert page.count('data-action="row-menu"') == 3
    assert full.count('id="row-menu"') == 1
    assert full.count('data-action="move-up"') == 1


def _all(text: str, needle: str) -> list[int]:
    found, at = [], text.find(needle)
    while at != -1:
        found.append(at + len(needle) - 1)
        at = text.find(needle, at + 1)
    return found


def test_a_detail_field_error_opens_the_details(filler_client, perf_form):
    row = {"level1": "产出目标", "level2": "数量", "level3": "长说明", "value": "=1个", "value_note": "说" * 501}
    from ..helpers import post_data

    response = filler_client.post(reverse("projects:edit", args=[perf_form.pk]), post_data([row], version=1))
    page = response.content.decode()
    assert response.status_code == 200
    detail = page[page.index('class="row-detail"') : page.index("</tr>", page.index('class="row-detail"'))]
    assert "data-row-detail hidden" not in detail
    assert 'aria-invalid="true"' in detail and "最多 500 个字" in detail
    assert not perf_form.indicators.exists()


@pytest.mark.parametrize(
    ("start", "end", "tabs_shown"),
    [(date(2020, 1, 1), date(2020, 12, 31), False), (date(2020, 3, 1), date(2022, 6, 30), True), (None, None, False)],
)
def test_project_has_both_panels_tabs_shown_when_multi_year(filler_client, perf_form, start, end, tabs_shown):
    perf_form.planned_start, perf_form.planned_end = start, end
    perf_form.save(update_fields=["planned_start", "planned_end"])
    page = editor_page(filler_client, perf_form)
    assert 'data-scope-panel="annual"' in page and 'data-scope-panel="overall"' in page
    assert ("data-scope-tabs hidden" not in page) == tabs_shown


def test_overall_rows_always_show_the_tabs(filler_client, perf_form):
    IndicatorFactory(perf_form=perf_form, level3="总体", scope=TargetScope.OVERALL)
    page = editor_page(filler_client, perf_form)
    assert "data-scope-tabs hidden" not in page
    overall = page[page.index('data-scope-panel="overall"') :]
    assert "总体" in overall and 'value="overall"' in overall


def test_department_form_has_one_panel(client, department, year):
    from tests.factories import PerformanceFormFactory, UserFactory

    filler = UserFactory(organization=department)
    client.force_login(filler)
    perf_form = PerformanceFormFactory(
        unit=department, year=year, kind="department", framework=year.department_framework, project_name=""
    )
    page = editor_page(client, perf_form)
    assert 'data-scope-panel="annual"' in page and 'data-scope-panel="overall"' not in page
    assert "data-scope-tabs hidden" in page


def test_error_warning_and_hint_rows_outlined_apart(filler_client, perf_form):
    IndicatorFactory(perf_form=perf_form, level3="错误行", value="=3次", sign=Sign.OTHER)
    IndicatorFactory(perf_form=perf_form, level3="警告行", value=">=120%")
    IndicatorFactory(perf_form=perf_form, level3="提示行", value="30个")
    page = editor_page(filler_client, perf_form)

    def row_of(name):
        end = page.index(f">\n{name}</textarea>")
        return page[page.rindex("<tr", 0, end) : page.index("</tr>", end)]

    assert "has-error" in row_of("错误行") and "has-warning" not in row_of("错误行")
    assert "has-warning" in row_of("警告行") and "has-error" not in row_of("警告行")
    hint = row_of("提示行")
    assert "has-warning" not in hint and "has-error" not in hint and "sev-hint" in hint
