import pytest
from django.template.loader import render_to_string

from projects.lib.diff import diff_snapshots, display_value


def row(id, level3, value="=1个", level1="产出目标", level2="数量"):
    return {"id": id, "level1": level1, "level2": level2, "level3": level3, "value": value}


def snap(rows=(), header=None, budget=None):
    return {"header": header or {}, "budget": budget or {}, "rows": list(rows), "warnings": []}


def summary(diff):
    """Each row change as (kind, old id, new id, changed fields of a changed row)."""
    found = [("added", None, c.new["id"], ()) for c in diff.added]
    found += [("removed", c.old["id"], None, ()) for c in diff.removed]
    found += [("changed", c.old["id"], c.new["id"], tuple(c.changed)) for c in diff.changed]
    return sorted(found)


@pytest.mark.parametrize(
    ("old_rows", "new_rows", "expected"),
    [
        pytest.param([row(1, "甲")], [row(1, "甲")], [], id="unchanged"),
        pytest.param([row(1, "甲")], [row(1, "甲"), row(2, "乙")], [("added", None, 2, ())], id="added"),
        pytest.param([row(1, "甲"), row(2, "乙")], [row(1, "甲")], [("removed", 2, None, ())], id="removed"),
        pytest.param([row(1, "甲", "=1个")], [row(1, "甲", "=2个")], [("changed", 1, 1, ("value",))], id="value"),
        pytest.param([row(1, "甲")], [row(1, "甲改")], [("changed", 1, 1, ("level3",))], id="renamed"),
        pytest.param([row(1, "甲")], [row(1, "甲", level2="质量")], [("changed", 1, 1, ("level2",))], id="moved-group"),
        pytest.param([row(1, "甲"), row(2, "乙")], [row(2, "乙"), row(1, "甲")], [], id="reordered"),
        pytest.param([row(1, "甲")], [row(9, "甲", "=5个")], [("changed", 1, 9, ("value",))], id="new-id-same-name"),
        pytest.param(
            [row(1, "X")],
            [row(2, "X"), row(1, "X2")],
            [("added", None, 2, ()), ("changed", 1, 1, ("level3",))],
            id="renamed-plus-added-under-old-name",
        ),
        pytest.param(
            [row(1, "X"), row(2, "Y")],
            [row(2, "X"), row(1, "Y")],
            [("changed", 1, 1, ("level3",)), ("changed", 2, 2, ("level3",))],
            id="names-swapped",
        ),
    ],
)
def test_diff_rows(old_rows, new_rows, expected):
    assert summary(diff_snapshots(snap(old_rows), snap(new_rows))) == expected


def test_diff_header_field_changed():
    diff = diff_snapshots(
        snap(header={"project_name": "旧名", "category": "甲"}), snap(header={"project_name": "新名", "category": "甲"})
    )
    assert [(c.name, c.label, c.old_text, c.new_text) for c in diff.header] == [
        ("project_name", "项目名称", "旧名", "新名")
    ]
    assert not diff.budget and not diff.rows and diff


def test_diff_budget_changed():
    diff = diff_snapshots(
        snap(budget={"total_budget": "100.00", "prev_budget": None}),
        snap(budget={"total_budget": "1234567.50", "prev_budget": None}),
    )
    assert [(c.label, c.old_text, c.new_text) for c in diff.budget] == [("项目总预算（元）", "100.00", "1,234,567.50")]


def test_diff_of_identical_snapshots_is_empty():
    same = snap([row(1, "甲")], header={"gov_purchase": False}, budget={"total_budget": "1.00"})
    assert not diff_snapshots(same, dict(same))


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("gov_purchase", True, "是"),
        ("gov_purchase", False, "否"),
        ("gov_purchase", None, "（空）"),
        ("total_budget", "1530000.00", "1,530,000.00"),
        ("current_budget", "0.00", "0.00"),
        ("prev_budget", None, "（空）"),
        ("fund_total", "5606100.00", "560.61"),
        ("fund_other", "123.45", "0.012345"),
        ("project_name", "", "（空）"),
        ("planned_start", "2020-01-01", "2020-01-01"),
        ("overview", "True", "True"),
    ],
)
def test_display_value(name, value, shown):
    assert display_value(name, value) == shown


def test_department_fund_labelled_in_wan():
    diff = diff_snapshots(snap(budget={"fund_total": "5606100.00"}), snap(budget={"fund_total": "5706100.00"}))
    assert [(c.label, c.old_text, c.new_text) for c in diff.budget] == [("资金总额（万元）", "560.61", "570.61")]


def test_diff_panel_shows_chinese_formats():
    old = snap(
        [row(1, "甲", ""), row(2, "乙")],
        header={"gov_purchase": False, "category": ""},
        budget={"total_budget": "1000000.00", "fund_total": None},
    )
    new = snap(
        [row(1, "甲", "=3个"), row(3, "丙")],
        header={"gov_purchase": True, "category": "其他"},
        budget={"total_budget": "1250000.50", "fund_total": "5606100.00"},
    )
    html = render_to_string("includes/_diff.html", {"diff": diff_snapshots(old, new), "has_previous": True})
    # Every old and new value is spoken as such ("原：", "改为："); only the legend's samples are not.
    old_mark, new_mark = '<span class="visually-hidden">原：</span>', '<span class="visually-hidden">改为：</span>'
    assert html.count("<del>") == html.count(f"<del>{old_mark}") + 1
    assert html.count("<ins>") == html.count(f"<ins>{new_mark}") + 1
    html = html.replace(old_mark, "").replace(new_mark, "")
    assert "<del>否</del>" in html and "<ins>是</ins>" in html
    assert "<del>（空）</del>" in html and "<ins>其他</ins>" in html
    assert "<del>1,000,000.00</del>" in html and "<ins>1,250,000.50</ins>" in html
    assert "资金总额（万元）" in html and "<ins>560.61</ins>" in html
    assert "<del>（空）</del></td><td><ins>=3个</ins>" in html
    assert html.count("diff-added") == 1 and html.count("diff-removed") == 1 and html.count("diff-changed") == 1
    assert "True" not in html and "False" not in html and "None" not in html
