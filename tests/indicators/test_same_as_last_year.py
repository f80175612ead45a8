"""The same_as_last_year hint: a carried-over form whose every target is still last year's."""

import pytest

from indicators.choices import Severity
from indicators.warnings import FormData, RowData, check_form, counts
from projects import schema


def _form(rows: list[RowData]) -> FormData:
    return FormData(kind="project", year=2021, header={}, budget={}, rows=rows, fields=schema.rule_fields("project"))


def _row(value: str, prev_value: str | None) -> RowData:
    return RowData("产出目标", "数量", "抽查工地数", value, prev_value=prev_value)


@pytest.mark.parametrize(
    ("rows", "hinted"),
    [
        ([_row("=30个", "=30个"), _row(">=95%", ">=95%")], True),
        # Width and spacing are no change: the rules compare normalised values.
        ([_row("＝30 个", "=30个")], True),
        ([_row("=30个", "=30个"), _row(">=96%", ">=95%")], False),
        # A row added this year was not carried over.
        ([_row("=30个", "=30个"), _row("=1个", None)], False),
        ([_row("=30个", None)], False),
        ([], False),
    ],
)
def test_same_as_last_year_hints_only_when_every_row_is_last_years(rows, hinted):
    found = [w for w in check_form(_form(rows)) if w.code == "same_as_last_year"]
    assert bool(found) is hinted
    assert all(w.severity == Severity.HINT and w.row is None for w in found)


def test_same_as_last_year_is_counted_neither_as_error_nor_warning():
    rows = [_row("=30个", "=30个")]
    with_prev = check_form(_form(rows))
    without = check_form(_form([_row("=30个", None)]))
    assert counts(with_prev) == counts(without)
