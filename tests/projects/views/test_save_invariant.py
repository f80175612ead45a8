"""A save that changes nothing changes nothing: the editor posts back what it shows, unchanged."""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from indicators.models import FormKind
from projects import services
from projects.accounts.models import User
from projects.exchange.importing import import_text_file
from projects.lib.diff import diff_snapshots
from projects.models import PerformanceForm
from tests.factories import IndicatorFactory, UserFactory, complete_form

from ..helpers import SHANGHAI_PAIRS, post_data

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"


class EditorPage(HTMLParser):
    """What a browser would post from the editor's form: every named control's current value."""

    def __init__(self, form_id="perf-form"):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.data: list[tuple[str, str]] = []
        self._in_form = False
        self._template_depth = 0
        self._textarea: list | None = None
        self._select: str | None = None
        self._option: dict | None = None
        self._options: list[tuple[str, str, bool]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self._in_form = True
        if not self._in_form:
            return
        if tag == "template":
            self._template_depth += 1
        if self._template_depth:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.append((name, attrs.get("value", "on")))
            else:
                self.data.append((name, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select:
            self._option = {"value": attrs.get("value"), "text": "", "selected": "selected" in attrs}

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        if self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        if not self._in_form:
            return
        if tag == "template":
            self._template_depth -= 1
        elif tag == "form":
            self._in_form = False
        elif tag == "textarea" and self._textarea is not None:
            # Browsers drop the one newline that directly follows <textarea>, and send its
            # line breaks as CRLF.
            name, text = self._textarea
            self.data.append((name, text.removeprefix("\n").replace("\n", "\r\n")))
            self._textarea = None
        elif tag == "option" and self._option is not None:
            option = self._option
            value = option["value"] if option["value"] is not None else option["text"]
            self._options.append((value, option["text"], option["selected"]))
            self._option = None
        elif tag == "select" and self._select:
            chosen = [value for value, _text, selected in self._options if selected] or [
                value for value, _text, _selected in self._options[:1]
            ]
            self.data.extend((self._select, value) for value in chosen)
            self._select = None


def page_post_data(html: str, *, renumber: bool = False) -> dict[str, str]:
    """The page's form data; `renumber` gives rows positions in page order, as editor.js
    does on submit once a row was added or moved."""
    parser = EditorPage()
    parser.feed(html)
    data = dict(parser.data)
    if renumber:
        shown = [name for name, _value in parser.data if name.endswith("-position")]
        data.update({name: str(position) for position, name in enumerate(shown)})
    return data


def content(perf_form: PerformanceForm) -> dict:
    """Everything a user typed, in order; the version is left aside."""
    perf_form.refresh_from_db()
    rows = list(perf_form.indicators.all())
    data = services.snapshot(perf_form, rows, [])
    return {"header": data["header"], "budget": data["budget"], "rows": data["rows"]}


def filler_for(perf_form: PerformanceForm) -> User:
    return UserFactory(username=f"filler{perf_form.pk}", organization=perf_form.unit, role=User.Role.FILLER)


def save_unchanged(client, perf_form: PerformanceForm, *, renumber: bool = False):
    url = reverse("projects:edit", args=[perf_form.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, page_post_data(page.content.decode(), renumber=renumber))
    assert response.status_code == 302, response.content.decode()[:2000]


def seed_forms():
    for path in sorted(SEEDS.glob("*.txt")):
        report = import_text_file(path)
        assert report.created, report
    return list(PerformanceForm.objects.order_by("pk"))


def test_seed_forms_of_both_kinds_survive_three_unchanged_saves(client):
    forms = seed_forms()
    assert {f.kind for f in forms} == {FormKind.PROJECT, FormKind.DEPARTMENT}
    for perf_form in forms:
        client.force_login(filler_for(perf_form))
        before = content(perf_form)
        assert before["rows"], perf_form
        for renumber in (False, True, True):
            save_unchanged(client, perf_form, renumber=renumber)
            assert content(perf_form) == before, perf_form.title
        assert perf_form.version == 4


def test_unchanged_saves_keep_the_per_rule_counts_as_they_were(client):
    """The stored FormWarningCount rows are not rewritten (same ids) by a save that changes nothing."""
    for perf_form in seed_forms():
        client.force_login(filler_for(perf_form))
        before = list(perf_form.warning_counts.order_by("pk").values_list("pk", "code", "severity", "count"))
        assert sum(n for *_rest, n in before) == perf_form.error_count + perf_form.warning_count
        save_unchanged(client, perf_form)
        save_unchanged(client, perf_form, renumber=True)
        assert list(perf_form.warning_counts.order_by("pk").values_list("pk", "code", "severity", "count")) == before


def test_unchanged_save_keeps_first_row_of_each_group_first(filler_client, perf_form):
    for position, name in enumerate(["甲", "乙", "丙"]):
        IndicatorFactory(perf_form=perf_form, level1="产出目标", level2="数量", level3=name, position=position)
    save_unchanged(filler_client, perf_form, renumber=True)
    assert list(perf_form.indicators.values_list("level3", flat=True)) == ["甲", "乙", "丙"]


def test_editor_keeps_an_imported_forms_own_group_order(filler_client, perf_form):
    # 质量 before 数量: not the framework's order, but the form's; showing it in framework
    # order would make the browser post it back reordered.
    IndicatorFactory(perf_form=perf_form, level1="产出目标", level2="质量", level3="合格率", position=0)
    IndicatorFactory(perf_form=perf_form, level1="产出目标", level2="数量", level3="检查次数", position=1)
    page = filler_client.get(reverse("projects:edit", args=[perf_form.pk])).content.decode()
    assert page.index("合格率") < page.index("检查次数")
    # Empty framework groups are still offered.
    assert 'data-level2="时效"' in page


@pytest.mark.parametrize("total", ["-1", "0", "1"])
def test_tampered_total_forms_refused_and_nothing_deleted(filler_client, perf_form, total):
    for position, name in enumerate(["甲", "乙", "丙"]):
        IndicatorFactory(perf_form=perf_form, level1="产出目标", level2="数量", level3=name, position=position)
    url = reverse("projects:edit", args=[perf_form.pk])
    data = page_post_data(filler_client.get(url).content.decode())
    data["ind-TOTAL_FORMS"] = total
    response = filler_client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "已保存草稿" not in page
    assert "指标行数据不完整或被改动过" in page
    perf_form.refresh_from_db()
    assert perf_form.version == 1
    assert perf_form.indicators.count() == 3


@pytest.mark.parametrize(("field", "value"), [("ind-INITIAL_FORMS", "-1"), ("ind-INITIAL_FORMS", "99")])
def test_tampered_initial_forms_refused(filler_client, perf_form, field, value):
    IndicatorFactory(perf_form=perf_form, level1="产出目标", level2="数量", level3="甲", position=0)
    url = reverse("projects:edit", args=[perf_form.pk])
    data = page_post_data(filler_client.get(url).content.decode())
    data[field] = value
    response = filler_client.post(url, data)
    assert "指标行数据不完整或被改动过" in response.content.decode()
    perf_form.refresh_from_db()
    assert perf_form.version == 1


def test_moved_row_shows_in_the_review_diff():
    old = {"header": {}, "budget": {}, "rows": [{"id": i, **row} for i, row in enumerate(ROWS)]}
    new = {"header": {}, "budget": {}, "rows": [old["rows"][1], old["rows"][2], old["rows"][0]]}
    diff = diff_snapshots(old, new)
    assert diff
    assert [r.new["level3"] for r in diff.moved] == ["甲"]
    assert not diff.changed and not diff.added and not diff.removed


def test_moved_and_changed_row_counts_once():
    old = {"header": {}, "budget": {}, "rows": [{"id": i, **row} for i, row in enumerate(ROWS)]}
    moved = dict(old["rows"][0], value="=9个")
    new = {"header": {}, "budget": {}, "rows": [old["rows"][1], old["rows"][2], moved]}
    diff = diff_snapshots(old, new)
    assert [(r.new["level3"], r.changed, r.moved) for r in diff.rows] == [("甲", ["value"], True)]
    assert diff.changed and not diff.moved


ROWS = [{"level1": "产出目标", "level2": "数量", "level3": name, "value": "=1个"} for name in ["甲", "乙", "丙"]]


def test_review_page_lists_a_reordered_row(client, unit_a, year, filler):
    reviewer = UserFactory(username="boss", role=User.Role.ADMIN, organization=unit_a.parent)
    perf_form = services.submit(perf_form=complete_form(unit=unit_a, year=year), by=filler)
    services.return_form(perf_form=perf_form, by=reviewer, reason="请调整指标顺序。")
    perf_form.refresh_from_db()
    rows = [
        services.RowInput(id=r.pk, level1=r.level1, level2=r.level2, level3=r.level3, value=r.value)
        for r in perf_form.indicators.all()
    ]
    moved = rows[1:] + rows[:1]
    services.save_form(perf_form=perf_form, by=filler, values={}, rows=moved, expected_version=perf_form.version)
    services.submit(perf_form=perf_form, by=filler)
    client.force_login(reviewer)
    page = client.get(reverse("projects:review", args=[perf_form.pk])).content.decode()
    assert "调整顺序" in page and "diff-moved" in page


@st.composite
def rows_and_moves(draw):
    pairs = draw(st.lists(st.sampled_from(SHANGHAI_PAIRS), min_size=1, max_size=12))
    rows = [{"level1": l1, "level2": l2, "level3": f"指标{i}", "value": f"={i}个"} for i, (l1, l2) in enumerate(pairs)]
    order = draw(st.permutations(range(len(rows))))
    return rows, order


@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=rows_and_moves())
def test_any_rows_in_any_order_survive_unchanged_saves(client, perf_form, filler, case):
    rows, order = case
    perf_form.indicators.all().delete()
    client.force_login(filler)
    url = reverse("projects:edit", args=[perf_form.pk])
    perf_form.refresh_from_db()
    # Save the rows in a random order, as a user moving rows around would.
    response = client.post(url, post_data([rows[i] for i in order], version=perf_form.version))
    assert response.status_code == 302
    before = content(perf_form)
    assert [r["level3"] for r in before["rows"]] == [rows[i]["level3"] for i in order]
    save_unchanged(client, perf_form)
    assert content(perf_form) == before
    # Once the editor renumbers (a row was added or moved), rows come back grouped by
    # 二级, each group in its own order; from then on nothing moves.
    save_unchanged(client, perf_form, renumber=True)
    grouped = content(perf_form)
    keys = [(r["level1"], r["level2"]) for r in grouped["rows"]]
    assert all(keys.index(key) == i or keys[i - 1] == key for i, key in enumerate(keys))
    for key in set(keys):
        assert [r for r in grouped["rows"] if (r["level1"], r["level2"]) == key] == [
            r for r in before["rows"] if (r["level1"], r["level2"]) == key
        ]
    for _attempt in range(2):
        save_unchanged(client, perf_form, renumber=True)
        assert content(perf_form) == grouped
