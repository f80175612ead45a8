"""Which carried-over rows are unchanged from their source row (projects.lib.carry)."""

from types import SimpleNamespace

import pytest

from projects.lib.carry import CONTENT_FIELDS, is_unchanged, unchanged_rows

BASE = dict.fromkeys(CONTENT_FIELDS, "")


def _row(pk, source_row_id=None, **fields):
    return SimpleNamespace(pk=pk, source_row_id=source_row_id, position=pk, **{**BASE, **fields})


@pytest.mark.parametrize(
    ("changes", "unchanged"),
    [
        ({}, True),
        ({"value": "=51家"}, False),
        ({"level3": "抽查工地数（含复查）"}, False),
        ({"scope": "overall"}, False),
        ({"remark": "新增备注"}, False),
        ({"weight": 10}, False),
    ],
)
def test_is_unchanged_compares_every_content_field(changes, unchanged):
    source = _row(1, value="=50家", level3="抽查工地数")
    row = _row(2, source_row_id=1, **{"value": "=50家", "level3": "抽查工地数", **changes})
    assert is_unchanged(row, source) is unchanged


def test_is_unchanged_ignores_the_order():
    source = _row(1, value="=50家")
    moved = _row(7, source_row_id=1, value="=50家")
    assert moved.position != source.position and is_unchanged(moved, source)


def test_unchanged_rows_leaves_out_rows_without_a_source():
    sources = {1: _row(1, value="a"), 2: _row(2, value="b")}
    rows = [_row(10, 1, value="a"), _row(11, 2, value="c"), _row(12, None, value="a"), _row(13, 99, value="a")]
    assert unchanged_rows(rows, sources) == {10}
