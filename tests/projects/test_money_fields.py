"""Money as people type it, in 元 and in 万元, and what the columns can hold."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from projects import schema
from projects.forms import MoneyField, WanYuanField
from projects.lib.diff import display_value
from projects.models import DEPARTMENT_MONEY_FIELDS


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1,530,000", Decimal("1530000")),
        ("1530000.500", Decimal("1530000.5")),
        ("１５３００００．５０", Decimal("1530000.5")),
        ("0.00", Decimal("0")),
        ("1.", Decimal("1")),
        ("9999999999999.99", Decimal("9999999999999.99")),
    ],
)
def test_money_field_reads_what_people_type(typed, stored):
    assert MoneyField().clean(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-1", "不能为负数"),
        ("1.234", "两位小数"),
        ("10000000000000", "金额过大"),
        ("一百万", "请输入金额数字"),
        (".", "请输入金额数字"),
    ],
)
def test_money_field_refuses_with_chinese_message(typed, message):
    with pytest.raises(ValidationError) as refused:
        MoneyField().clean(typed)
    assert message in " ".join(refused.value.messages)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("560.61", Decimal("5606100.00")),
        ("560.612345", Decimal("5606123.45")),
        ("560.6123450", Decimal("5606123.45")),
        ("999999999.999999", Decimal("9999999999999.99")),
    ],
)
def test_wan_yuan_field_stores_exact_yuan(typed, stored):
    assert WanYuanField().clean(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        # 10 whole digits of 万元 would not fit the 元 column (13 whole digits).
        ("1000000000", "金额过大，请核对单位是否为万元"),
        ("9999999999", "金额过大，请核对单位是否为万元"),
        ("560.6123456", "六位小数"),
        ("-0.01", "不能为负数"),
    ],
)
def test_wan_yuan_field_refuses_what_the_column_cannot_hold(typed, message):
    with pytest.raises(ValidationError) as refused:
        WanYuanField().clean(typed)
    assert message in " ".join(refused.value.messages)


@pytest.mark.parametrize(
    ("name", "amount", "shown", "edited"),
    [
        ("total_budget", "5606100.00", "5,606,100.00", "5,606,100.00"),
        ("total_budget", "56061000000.00", "56,061,000,000.00", "56,061,000,000.00"),
        ("prev_executed", "0.50", "0.50", "0.50"),
        ("fund_total", "5606100.00", "560.61", "560.61"),
        ("fund_total", "5606123.45", "560.612345", "560.612345"),
        ("fund_other", "56061000000.00", "5606100.00", "5,606,100.00"),
    ],
)
def test_one_amount_one_string_on_the_page_in_the_diff_and_back_through_the_field(name, amount, shown, edited):
    amount = Decimal(amount)
    in_wan = name in DEPARTMENT_MONEY_FIELDS
    assert schema.get(name).format_money(amount) == shown
    assert display_value(name, str(amount)) == shown
    field = WanYuanField() if in_wan else MoneyField()
    assert field.clean(shown) == amount
    # The input to edit shows the amount in the unit it is typed in, with thousands separators
    # (the printed 万元 has none), and reads back as the same amount.
    assert field.prepare_value(amount) == edited
    assert field.clean(edited) == amount
