"""Issue #14's invariant for the row fields: a form with every row field filled survives an editor
save, an unchanged re-save changes nothing, and the submission snapshot and the diff show each field."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from indicators.choices import Sign, Standard, TargetScope
from indicators.targets import parse_target
from projects import schema, services
from projects.accounts.models import User
from projects.devdata.editor_post import stored_rows
from projects.forms import IndicatorRowForm
from projects.lib.diff import diff_snapshots
from projects.models import FormEvent, Indicator, PerformanceForm
from tests.factories import UserFactory, complete_form

from ..helpers import post_data

pytestmark = pytest.mark.django_db

DETAILS = schema.ROW_DETAIL_FIELDS


def filled_rows() -> list[dict]:
    """Three rows with every catalogue row field filled, each field with a value of its own."""
    return [
        {
            "level1": "产出目标",
            "level2": "数量",
            "level3": "抽查工地数",
            "value": "30个",
            "scope": TargetScope.ANNUAL,
            "sign": Sign.GE,  # chosen: the value states none
            "value_note": "按季度抽查在建工地",
            "standard": Standard.PLAN,
            "standard_note": "年度监督计划",
            "scoring": "达到或超过目标值得满分，未达到按完成比例得分",
            "explanation": "抽查的在建工地个数",
            "weight": Decimal("40.50"),
            "remark": "含复查",
            "level2_label": "数量指标",
        },
        {
            "level1": "产出目标",
            "level2": "质量",
            "level3": "合格率",
            "value": "≤5%",
            "scope": TargetScope.OVERALL,
            "sign": Sign.LE,
            "value_note": "不合格工地占比",
            "standard": Standard.INDUSTRY,
            "standard_note": "行业规范\n第二行",
            "scoring": "每超1个百分点扣2分",
            "explanation": "抽查不合格的比例",
            "weight": Decimal("59.5"),
            "remark": "三年合计",
            "level2_label": "质量指标",
        },
        {
            "level1": "效果目标",
            "level2": "社会效益",
            "level3": "制度建设",
            "value": "健全",
            "scope": TargetScope.ANNUAL,
            "sign": Sign.OTHER,
            "value_note": "制度文件印发并执行",
            "standard": Standard.OTHER,
            "standard_note": "上级要求",
            "scoring": "未印发不得分",
            "explanation": "监督制度",
            "weight": Decimal("0"),
            "remark": "—",
            "level2_label": "社会效益指标",
        },
    ]


def stored(perf_form: PerformanceForm) -> list[dict]:
    return [{key: row[key] for key in row if key != "id"} for row in stored_rows(perf_form.indicators.all())]


def edit(client, perf_form: PerformanceForm, rows, **options):
    perf_form.refresh_from_db()
    url = reverse("projects:edit", args=[perf_form.pk])
    response = client.post(url, post_data(rows, version=perf_form.version, **options))
    assert response.status_code == 302, response.content.decode()[:3000]
    perf_form.refresh_from_db()


def test_every_row_field_survives_an_editor_save(filler_client, perf_form):
    rows = filled_rows()
    edit(filler_client, perf_form, rows)
    assert stored(perf_form) == rows
    # The fields the spec derives from them.
    first, second, third = perf_form.indicators.all()
    assert (first.indicator_value, first.measure_unit, first.printed_value) == (30, "个", "≥30个")
    assert (second.indicator_value, second.measure_unit, second.printed_value) == (5, "%", "≤5%")
    assert (third.indicator_value, third.measure_unit, third.printed_value) == ("健全", "", "健全")


def test_an_unchanged_resave_changes_nothing(filler_client, perf_form):
    edit(filler_client, perf_form, filled_rows())
    before, version = stored(perf_form), perf_form.version
    ids = list(perf_form.indicators.values_list("pk", flat=True))
    events = FormEvent.objects.filter(perf_form=perf_form).count()
    again = stored_rows(perf_form.indicators.all())
    with CaptureQueriesContext(connection) as queries:
        edit(filler_client, perf_form, again, initial_forms=len(again))
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert not [sql for sql in writes if "projects_indicator" in sql], writes
    assert stored(perf_form) == before
    assert list(perf_form.indicators.values_list("pk", flat=True)) == ids
    assert perf_form.version == version + 1  # the save itself is counted, and nothing else
    assert FormEvent.objects.filter(perf_form=perf_form).count() == events


def test_an_older_post_without_the_new_keys_reads_them_blank(filler_client, perf_form):
    old_style = [{"level1": "产出目标", "level2": "数量", "level3": "抽查工地数", "value": ">=30个"}]
    edit(filler_client, perf_form, old_style)
    [row] = perf_form.indicators.all()
    assert (row.scope, row.sign, row.weight) == (TargetScope.ANNUAL, Sign.GE, None)
    assert all(getattr(row, name) == "" for name in DETAILS if name not in ("scope", "sign", "weight"))


def test_a_derived_sign_follows_the_value_and_a_chosen_one_stays(filler_client, perf_form):
    edit(filler_client, perf_form, [{"level1": "产出目标", "level2": "数量", "level3": "甲", "value": ">=30个"}])
    [row] = stored_rows(perf_form.indicators.all())
    assert row["sign"] == Sign.GE
    edit(filler_client, perf_form, [dict(row, value="<=5个")], initial_forms=1)
    [row] = stored_rows(perf_form.indicators.all())
    assert row["sign"] == Sign.LE
    edit(filler_client, perf_form, [dict(row, value="5个")], initial_forms=1)
    [row] = stored_rows(perf_form.indicators.all())
    assert row["sign"] == ""  # a bare number states none
    edit(filler_client, perf_form, [dict(row, sign=Sign.OTHER)], initial_forms=1)
    [row] = stored_rows(perf_form.indicators.all())
    edit(filler_client, perf_form, [dict(row, value=">=6个", value_note="按合同")], initial_forms=1)
    assert perf_form.indicators.get().sign == Sign.OTHER


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("weight", "100.5", "权重最大为 100"),
        ("weight", "-1", "权重不能为负数"),
        ("weight", "12.345", "权重最多保留两位小数"),
        ("weight", "很多", "权重请填写 0 到 100 之间的数字"),
        ("sign", ">=", "请从列表中选择计算符号"),
        ("standard", "plan2", "请从列表中选择设定依据"),
        ("scope", "year", "请从列表中选择目标类型"),
        ("value_note", "说" * 501, "最多 500 个字"),
        ("level2_label", "名" * 101, "最多 100 个字"),
    ],
)
def test_row_fields_refuse_bad_values_in_chinese(field, value, message):
    form = IndicatorRowForm({"level1": "产出目标", "level2": "数量", "level3": "甲", "value": "=1个", field: value})
    assert not form.is_valid()
    assert any(message in error for error in form.errors[field]), form.errors


def test_a_note_without_a_name_asks_for_the_name():
    form = IndicatorRowForm({"level1": "产出目标", "level2": "数量", "level3": "", "remark": "备注"})
    assert not form.is_valid() and "请填写三级指标名称。" in form.errors["level3"]


def test_a_bad_row_field_saves_nothing(filler_client, perf_form):
    row = {"level1": "产出目标", "level2": "数量", "level3": "甲", "value": "=1个", "weight": "101"}
    url = reverse("projects:edit", args=[perf_form.pk])
    response = filler_client.post(url, post_data([row], version=perf_form.version))
    assert response.status_code == 200 and "有内容未能保存" in response.content.decode()
    perf_form.refresh_from_db()
    assert perf_form.version == 1 and not perf_form.indicators.exists()


def test_weight_reads_a_percent_sign_and_full_width_digits(filler_client, perf_form):
    edit(filler_client, perf_form, [{"level1": "产出目标", "level2": "数量", "level3": "甲", "weight": "１２.５%"}])
    assert perf_form.indicators.get().weight == Decimal("12.5")


def test_snapshot_and_diff_show_each_row_field(client, unit_a, year, filler):
    reviewer = UserFactory(username="boss", role=User.Role.ADMIN, organization=unit_a.parent)
    perf_form = complete_form(unit=unit_a, year=year)
    rows = filled_rows()
    kept = [services.RowInput(**row) for row in stored_rows(perf_form.indicators.all())]  # they pass every error rule
    services.save_form(
        perf_form=perf_form,
        by=filler,
        values={},
        rows=[*(services.RowInput(**row) for row in rows), *kept],
        expected_version=perf_form.version,
    )
    services.submit(perf_form=perf_form, by=filler)
    first = perf_form.submissions.get().data
    assert [{k: r[k] for k in r if k != "id"} for r in first["rows"][: len(rows)]] == [
        {k: f"{v:.2f}" if isinstance(v, Decimal) else v for k, v in row.items()} for row in rows
    ]
    services.return_form(perf_form=perf_form, by=reviewer, reason="请修改指标。")
    changed = {
        "scope": TargetScope.OVERALL,
        "sign": Sign.EQ,
        "value_note": "新说明",
        "standard": Standard.HISTORY,
        "standard_note": "新依据",
        "scoring": "新评分标准",
        "explanation": "新解释",
        "weight": Decimal("12.25"),
        "remark": "新备注",
        "level2_label": "新二级名称",
    }
    assert set(changed) == set(DETAILS)
    inputs = [services.RowInput(id=r.pk, **{k: getattr(r, k) for k in rows[0]}) for r in perf_form.indicators.all()]
    inputs[0] = services.RowInput(**{**inputs[0].__dict__, **changed})
    perf_form.refresh_from_db()
    services.save_form(perf_form=perf_form, by=filler, values={}, rows=inputs, expected_version=perf_form.version)
    services.submit(perf_form=perf_form, by=filler)
    old, new = (s.data for s in perf_form.submissions.order_by("number"))
    diff = diff_snapshots(old, new)
    [row] = diff.changed
    assert set(row.changed) == set(DETAILS)
    shown = {c.label: (c.old_text, c.new_text) for c in row.details}
    assert shown == {
        "目标类型": ("年度目标", "总体目标"),
        "计算符号": ("≥", "＝"),
        "指标值说明": ("按季度抽查在建工地", "新说明"),
        "设定依据": ("计划标准", "历史标准"),
        "依据说明": ("年度监督计划", "新依据"),
        "评（扣）分标准": ("达到或超过目标值得满分，未达到按完成比例得分", "新评分标准"),
        "指标解释": ("抽查的在建工地个数", "新解释"),
        "权重": ("40.5", "12.25"),
        "备注": ("含复查", "新备注"),
        "二级指标（原表名称）": ("数量指标", "新二级名称"),
    }
    client.force_login(reviewer)
    page = client.get(reverse("projects:review", args=[perf_form.pk])).content.decode()
    for label, (old_text, new_text) in shown.items():
        # Each old and new value with its spoken marker (the colours are for the eye).
        old_cell = f'<del><span class="visually-hidden">原：</span>{old_text}</del>'
        new_cell = f'<ins><span class="visually-hidden">改为：</span>{new_text}</ins>'
        assert label in page and old_cell in page and new_cell in page, label


def test_a_snapshot_from_before_the_row_fields_diffs_clean():
    old_row = {"id": 1, "level1": "产出目标", "level2": "数量", "level3": "甲", "value": ">=30个"}
    new_row = {**old_row, **{name: "" for name in DETAILS}, "scope": "annual", "sign": "ge", "weight": None}
    diff = diff_snapshots({"rows": [old_row]}, {"rows": [new_row]})
    assert not diff


TEXT = st.text(alphabet=st.sampled_from("指标值说明依据评分abc 123，。\n"), max_size=40)
VALUES = st.sampled_from(["", "=50家", ">=95%", "≥98%", "100%", "10次", "健全", "1~2%", "不低于90%", "≤5万元"])
ROW = st.fixed_dictionaries(
    {
        "level1": st.just("产出目标"),
        "level2": st.sampled_from(["数量", "质量"]),
        "level3": st.text(alphabet=st.sampled_from("检查工地数合格率"), min_size=1, max_size=12),
        "value": VALUES,
        "scope": st.sampled_from(TargetScope.values),
        "sign": st.sampled_from(["", *Sign.values]),
        "value_note": TEXT,
        "standard": st.sampled_from(["", *Standard.values]),
        "standard_note": TEXT,
        "scoring": TEXT,
        "explanation": TEXT,
        "weight": st.none() | st.decimals(min_value=0, max_value=100, places=2),
        "remark": TEXT,
        "level2_label": st.text(alphabet=st.sampled_from("数量指标 "), max_size=10),
    }
)


def expected(row: dict) -> dict:
    """A posted row as stored: texts stripped, an unstated sign derived from the value."""
    out = {k: v.strip() if isinstance(v, str) else v for k, v in row.items()}
    out["sign"] = row["sign"] or Sign.of_target(parse_target(out["value"]))
    return out


@hypothesis_settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, min_size=1, max_size=6))
def test_any_row_field_values_survive_save_and_reload(client, perf_form, filler, rows):
    client.force_login(filler)
    edit(client, perf_form, rows)
    assert stored(perf_form) == [expected(row) for row in rows]
    # and come back unchanged from the next save
    again = stored_rows(perf_form.indicators.all())
    edit(client, perf_form, again, initial_forms=len(again))
    assert stored(perf_form) == [expected(row) for row in rows]
    assert Indicator.objects.filter(perf_form=perf_form).count() == len(rows)
