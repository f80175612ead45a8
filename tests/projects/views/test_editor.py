from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import Indicator, PerformanceForm
from tests.factories import IndicatorFactory

from ..helpers import HEADER, post_data, twenty_rows

pytestmark = pytest.mark.django_db


def rows_of(perf_form):
    return [(r.level1, r.level2, r.level3, r.value) for r in perf_form.indicators.order_by("position")]


def test_create_with_twenty_rows_reopens_exactly(filler_client, year, filler):
    rows = twenty_rows()
    response = filler_client.post(reverse("projects:create"), post_data(rows, year=year.pk))
    perf_form = PerformanceForm.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("projects:edit", args=[perf_form.pk])
    assert perf_form.unit == filler.organization
    assert perf_form.total_budget == Decimal("517500")
    assert perf_form.prev_budget == Decimal("529000")
    assert perf_form.gov_purchase is False
    assert rows_of(perf_form) == [(r["level1"], r["level2"], r["level3"], r["value"]) for r in rows]
    assert {r["level1"] for r in rows} == {"投入与管理", "产出目标", "效果目标", "影响力目标"}

    page = filler_client.get(response.url).content.decode()
    for row in rows:
        assert row["level3"] in page
        assert f'value="{row["value"]}"' in page
    assert 'value="517,500.00"' in page


def test_create_page_shows_framework_groups(filler_client, year):
    page = filler_client.get(reverse("projects:create")).content.decode()
    for name in ["投入与管理", "产出目标", "效果目标", "影响力目标", "资产管理", "可持续影响", "其它"]:
        assert name in page


def test_create_without_project_name_keeps_input(filler_client, year):
    header = dict(HEADER, project_name="", overview="我写了很长的概况")
    rows = [{"level1": "产出目标", "level2": "数量", "level3": "检查工地数", "value": "=30个"}]
    response = filler_client.post(reverse("projects:create"), post_data(rows, header=header, year=year.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert not PerformanceForm.objects.exists()
    assert "请填写项目名称" in page
    assert "我写了很长的概况" in page
    assert "检查工地数" in page and "=30个" in page


@pytest.mark.parametrize(
    ("field", "bad", "message"),
    [
        ("total_budget", "abc", "请输入金额数字"),
        ("current_budget", "-5", "金额不能为负数"),
        ("planned_start", "2020-13-45", "请输入有效日期"),
        ("planned_end", "2019-01-01", "计划完成日期不能早于计划开始日期"),
    ],
)
def test_edit_bad_value_shown_inline_and_nothing_saved(filler_client, perf_form, field, bad, message):
    IndicatorFactory(perf_form=perf_form, level3="原有指标")
    before = rows_of(perf_form)
    header = dict(HEADER, **{field: bad}, overview="新写的概况")
    response = filler_client.post(
        reverse("projects:edit", args=[perf_form.pk]),
        post_data(
            [{"level1": "产出目标", "level2": "数量", "level3": "新指标", "value": "=2个"}], header=header, version=1
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert bad in page and "新写的概况" in page and "新指标" in page
    perf_form.refresh_from_db()
    assert perf_form.overview == "" and perf_form.version == 1
    assert rows_of(perf_form) == before


def test_edit_reorder_and_remove_rows(filler_client, perf_form):
    a = IndicatorFactory(perf_form=perf_form, level3="甲", position=0)
    b = IndicatorFactory(perf_form=perf_form, level3="乙", position=1)
    c = IndicatorFactory(perf_form=perf_form, level3="丙", position=2)
    rows = [
        {"id": a.pk, "level1": a.level1, "level2": a.level2, "level3": "甲", "value": a.value, "position": 1},
        {"id": b.pk, "level1": b.level1, "level2": b.level2, "level3": "乙", "value": b.value, "DELETE": True},
        {"id": c.pk, "level1": c.level1, "level2": c.level2, "level3": "丙", "value": "=9个", "position": 0},
        {"level1": "效果目标", "level2": "满意度", "level3": "群众满意度", "value": ">=90%", "position": 2},
    ]
    response = filler_client.post(
        reverse("projects:edit", args=[perf_form.pk]), post_data(rows, version=1, initial_forms=3)
    )
    assert response.status_code == 302
    assert rows_of(perf_form) == [
        ("产出目标", "数量", "丙", "=9个"),
        ("产出目标", "数量", "甲", "=1个"),
        ("效果目标", "满意度", "群众满意度", ">=90%"),
    ]
    # Rows that stay keep their identity (review comments will hang on them).
    assert set(perf_form.indicators.values_list("pk", flat=True)) >= {a.pk, c.pk}
    assert not Indicator.objects.filter(pk=b.pk).exists()
    perf_form.refresh_from_db()
    assert perf_form.version == 2


def test_edit_blank_added_row_ignored(filler_client, perf_form):
    rows = [{"level1": "产出目标", "level2": "数量", "level3": "", "value": ""}]
    response = filler_client.post(reverse("projects:edit", args=[perf_form.pk]), post_data(rows, version=1))
    assert response.status_code == 302
    assert not perf_form.indicators.exists()


def test_edit_value_without_name_rejected(filler_client, perf_form):
    rows = [{"level1": "产出目标", "level2": "数量", "level3": "", "value": "=5个"}]
    response = filler_client.post(reverse("projects:edit", args=[perf_form.pk]), post_data(rows, version=1))
    assert response.status_code == 200
    assert "请填写三级指标名称" in response.content.decode()


def test_edit_failing_row_saves_nothing(filler_client, perf_form, monkeypatch):
    IndicatorFactory(perf_form=perf_form, level3="原有指标")

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Indicator.objects, "bulk_create", explode)
    rows = [{"level1": "产出目标", "level2": "数量", "level3": "新指标", "value": "=1个"}]
    filler_client.raise_request_exception = False
    response = filler_client.post(
        reverse("projects:edit", args=[perf_form.pk]), post_data(rows, header=dict(HEADER, overview="改了"), version=1)
    )
    assert response.status_code == 500
    perf_form.refresh_from_db()
    assert perf_form.overview == "" and perf_form.version == 1
    assert rows_of(perf_form)[0][2] == "原有指标"


def test_edit_too_long_level_name_saves_nothing(filler_client, perf_form):
    rows = [
        {"level1": "产出目标", "level2": "数量", "level3": "好行", "value": "=1个"},
        {"level1": "产" * 101, "level2": "数量", "level3": "坏行", "value": "=1个"},
    ]
    response = filler_client.post(reverse("projects:edit", args=[perf_form.pk]), post_data(rows, version=1))
    assert response.status_code == 200
    assert not perf_form.indicators.exists()


def test_edit_stale_version_refused_and_input_kept(filler_client, perf_form):
    PerformanceForm.objects.filter(pk=perf_form.pk).update(version=5, overview="别人写的")
    header = dict(HEADER, overview="我写的")
    response = filler_client.post(
        reverse("projects:edit", args=[perf_form.pk]), post_data([], header=header, version=4)
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "当前版本 5" in page and "我写的" in page
    perf_form.refresh_from_db()
    assert perf_form.overview == "别人写的"

    override = post_data([], header=header, version=4)
    override["version_override"] = "5"
    assert filler_client.post(reverse("projects:edit", args=[perf_form.pk]), override).status_code == 302
    perf_form.refresh_from_db()
    assert perf_form.overview == "我写的" and perf_form.version == 6


def test_edit_rename_to_existing_name_refused(filler_client, perf_form):
    from tests.factories import PerformanceFormFactory

    PerformanceFormFactory(unit=perf_form.unit, year=perf_form.year, project_name="已存在")
    response = filler_client.post(
        reverse("projects:edit", args=[perf_form.pk]),
        post_data([], header=dict(HEADER, project_name="已存在"), version=1),
    )
    assert response.status_code == 200
    assert "已有名为“已存在”" in response.content.decode()


def test_edit_too_many_rows_refused(filler_client, perf_form, settings):
    rows = [{"level1": "产出目标", "level2": "数量", "level3": f"指标{i}", "value": "=1个"} for i in range(201)]
    response = filler_client.post(reverse("projects:edit", args=[perf_form.pk]), post_data(rows, version=1))
    assert response.status_code == 200
    assert not perf_form.indicators.exists()


def test_post_over_field_limit_gets_friendly_page(filler_client, perf_form, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    rows = [{"level1": "产出目标", "level2": "数量", "level3": f"指标{i}", "value": "=1个"} for i in range(20)]
    response = filler_client.post(reverse("projects:edit", args=[perf_form.pk]), post_data(rows, version=1))
    assert response.status_code == 400
    assert "提交的内容过多" in response.content.decode()
    assert not perf_form.indicators.exists()


def test_edit_tampered_management_form_is_validation_error(filler_client, perf_form):
    data = post_data([], version=1)
    data["ind-TOTAL_FORMS"] = "not-a-number"
    response = filler_client.post(reverse("projects:edit", args=[perf_form.pk]), data)
    assert response.status_code == 200
    perf_form.refresh_from_db()
    assert perf_form.version == 1


def test_detail_shows_official_table_with_merged_cells(filler_client, perf_form):
    IndicatorFactory(perf_form=perf_form, level1="产出目标", level2="数量", level3="甲", position=0)
    IndicatorFactory(perf_form=perf_form, level1="产出目标", level2="数量", level3="乙", position=1)
    IndicatorFactory(perf_form=perf_form, level1="产出目标", level2="质量", level3="丙", position=2)
    page = filler_client.get(reverse("projects:detail", args=[perf_form.pk])).content.decode()
    assert '<td rowspan="3">产出目标</td>' in page
    assert '<td rowspan="2">数量</td>' in page
    assert '<td rowspan="1">质量</td>' in page


def test_my_forms_lists_own_unit_only(filler_client, perf_form, unit_b, year):
    from tests.factories import PerformanceFormFactory

    other = PerformanceFormFactory(unit=unit_b, year=year, project_name="别人的项目")
    page = filler_client.get(reverse("projects:my_forms")).content.decode()
    assert perf_form.project_name in page
    assert other.project_name not in page


@pytest.mark.parametrize(
    ("field", "bad", "label"),
    [
        ("position", "abc", "排列顺序"),
        ("level1", "产" * 101, "一级指标"),
        ("level2", "", "二级指标"),
        ("id", "x1", "行编号"),
    ],
)
def test_edit_hidden_field_error_marked_on_row(filler_client, perf_form, field, bad, label):
    rows = [
        {"level1": "产出目标", "level2": "数量", "level3": "好行", "value": "=1个"},
        {"level1": "产出目标", "level2": "数量", "level3": "坏行", "value": "=2个", field: bad},
    ]
    data = post_data(rows, version=1)
    data[f"ind-1-{field}"] = bad
    response = filler_client.post(reverse("projects:edit", args=[perf_form.pk]), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "请按红色提示修改" in page
    assert page.count('class="invalid-feedback d-block row-error"') == 1
    assert f"本行的{label}有误" in page
    bad_row = page[page.index("has-error") : page.index("</tr>", page.index("has-error"))]
    assert "坏行" in bad_row and "好行" not in bad_row
    assert not perf_form.indicators.exists()


def test_edit_without_version_explains_and_keeps_input(filler_client, perf_form):
    rows = [{"level1": "产出目标", "level2": "数量", "level3": "新指标", "value": "=3个"}]
    response = filler_client.post(
        reverse("projects:edit", args=[perf_form.pk]), post_data(rows, header=dict(HEADER, overview="新概况"))
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "页面缺少版本号" in page and "请按红色提示修改" not in page
    assert "新概况" in page and "新指标" in page
    perf_form.refresh_from_db()
    assert perf_form.overview == "" and perf_form.version == 1 and not perf_form.indicators.exists()
