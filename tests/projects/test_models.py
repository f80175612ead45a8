from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from projects.models import Indicator, PerformanceForm
from tests.factories import IndicatorFactory, PerformanceFormFactory

pytestmark = pytest.mark.django_db


def test_form_same_name_same_unit_same_year_rejected(perf_form):
    with pytest.raises(IntegrityError), transaction.atomic():
        PerformanceFormFactory(unit=perf_form.unit, year=perf_form.year, project_name=perf_form.project_name)


def test_form_same_name_other_unit_allowed(perf_form, unit_b):
    other = PerformanceFormFactory(unit=unit_b, year=perf_form.year, project_name=perf_form.project_name)
    assert other.pk != perf_form.pk


def test_form_end_before_start_rejected_by_database(perf_form):
    perf_form.planned_start = date(2020, 6, 1)
    perf_form.planned_end = date(2020, 1, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        perf_form.save()


def test_form_negative_money_rejected_by_database(perf_form):
    perf_form.total_budget = Decimal("-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        perf_form.save()


def test_form_money_round_trips_exactly(perf_form):
    perf_form.total_budget = Decimal("1530000.01")
    perf_form.prev_budget = None
    perf_form.save()
    stored = PerformanceForm.objects.get(pk=perf_form.pk)
    assert stored.total_budget == Decimal("1530000.01")
    assert stored.prev_budget is None


def test_indicators_deleted_with_form(perf_form):
    row = IndicatorFactory(perf_form=perf_form)
    perf_form.delete()
    assert not Indicator.objects.filter(pk=row.pk).exists()


def test_framework_tree_in_order(year):
    tree = year.project_framework.tree()
    assert [level1.name for level1, _children in tree] == ["投入与管理", "产出目标", "效果目标", "影响力目标"]
    assert [child.name for child in tree[1][1]] == ["数量", "质量", "时效", "成本"]


@pytest.mark.parametrize(
    ("value", "low"),
    [
        ("=0.1234567%", Decimal("0.123457")),
        ("=" + "9" * 30 + "个", None),
        ("=50家", Decimal("50")),
    ],
)
def test_parsed_target_fits_the_column(perf_form, value, low):
    from projects import services

    services.write_content(perf_form, {}, [services.RowInput("产出目标", "数量", "指标", value)])
    assert perf_form.indicators.get().target_low == low


PRINTED = [
    # (value, sign, printed, indicator_value, measure_unit)
    (">=95%", "ge", "≥95%", Decimal("95"), "%"),
    ("≥98%", "ge", "≥98%", Decimal("98"), "%"),
    ("＞＝８０％", "ge", "≥80%", Decimal("80"), "%"),
    ("=50家", "eq", "＝50家", Decimal("50"), "家"),
    ("不超过500万元", "le", "≤500万元", Decimal("500"), "万元"),
    ("95.50%", "ge", "≥95.50%", Decimal("95.5"), "%"),  # a sign chosen for a bare number
    ("100%", "", "100%", Decimal("100"), "%"),  # no sign: as typed
    ("≥95%", "le", "≥95%", Decimal("95"), "%"),  # a contradiction is printed as written
    ("健全", "qualitative", "健全", "健全", ""),
    ("按合同约定", "other", "按合同约定", "按合同约定", ""),
    ("=5个", "na", "=5个", "=5个", ""),
    ("1~2%", "", "1~2%", "1~2%", ""),
]


@pytest.mark.parametrize(("value", "sign", "printed", "amount", "unit"), PRINTED)
def test_row_printed_value_and_its_parts(perf_form, value, sign, printed, amount, unit):
    from projects.services.content import apply_target

    row = Indicator(perf_form=perf_form, level1="产出目标", level2="数量", level3="甲", value=value, sign=sign)
    apply_target(row)
    row.save()
    row = Indicator.objects.get(pk=row.pk)
    assert (row.printed_value, row.indicator_value, row.measure_unit) == (printed, amount, unit)


def test_row_fields_have_defaults_for_bulk_create(perf_form):
    Indicator.objects.bulk_create([Indicator(perf_form=perf_form, level1="产出目标", level2="数量", level3="甲")])
    row = Indicator.objects.get()
    assert (row.scope, row.sign, row.weight, row.value_note, row.level2_label) == ("annual", "", None, "", "")
    assert row.level2_shown == "数量"


def test_project_code_unique_per_year_where_given(perf_form, unit_b):
    perf_form.project_code = "43042421000000000001"
    perf_form.save()
    PerformanceFormFactory(unit=unit_b, year=perf_form.year, project_code="")
    PerformanceFormFactory(unit=unit_b, year=perf_form.year, project_code="")  # blank is not a code
    with pytest.raises(IntegrityError), transaction.atomic():
        PerformanceFormFactory(unit=unit_b, year=perf_form.year, project_code="43042421000000000001")
