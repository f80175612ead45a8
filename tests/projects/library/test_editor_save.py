"""The editor's save keeps the library entry a row was picked from and flags it when changed."""

import pytest
from django.urls import reverse

from indicators.choices import LibraryScope, Sign
from projects.library import services
from tests.projects.helpers import post_data
from tests.projects.views.test_save_invariant import content, save_unchanged

pytestmark = pytest.mark.django_db


@pytest.fixture
def satisfaction(make_entry):
    return make_entry("群众满意度", "效果目标", "满意度", sign=Sign.GE, value="90", unit="%")


def save(client, perf_form, rows, entries):
    perf_form.refresh_from_db()
    data = post_data(rows, version=perf_form.version, initial_forms=sum(1 for r in rows if r.get("id")))
    for i, entry in enumerate(entries):
        if entry is not None:
            data[f"ind-{i}-library_entry"] = str(entry.pk)
    response = client.post(reverse("projects:edit", args=[perf_form.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return list(perf_form.indicators.order_by("position"))


ROW = {"level1": "效果目标", "level2": "满意度", "level3": "群众满意度", "value": "≥90%"}
OTHER = {"level1": "产出目标", "level2": "数量", "level3": "抽查企业数", "value": "=50家"}


def test_save_keeps_the_entry_and_counts_its_use(filler_client, perf_form, satisfaction):
    [row, own] = save(filler_client, perf_form, [ROW, OTHER], [satisfaction, None])
    assert (row.library_entry, row.library_modified) == (satisfaction, False)
    assert (own.library_entry, own.library_modified) == (None, False)
    assert (row.origin_label, own.origin_label) == ("来自指标库", "自拟")
    satisfaction.refresh_from_db()
    assert satisfaction.usage_count == 1


def test_changed_value_or_name_flags_the_row(filler_client, perf_form, satisfaction):
    [row] = save(filler_client, perf_form, [ROW], [satisfaction])
    [row] = save(filler_client, perf_form, [{**ROW, "id": row.pk, "value": "≥95%"}], [satisfaction])
    assert (row.library_entry, row.library_modified) == (satisfaction, True)
    assert row.origin_label == "来自指标库（已修改）"
    # Put back as the entry says: no longer modified.
    [row] = save(filler_client, perf_form, [{**ROW, "id": row.pk, "value": ">=90%"}], [satisfaction])
    assert row.library_modified is False
    # A post that names no entry (an upload, an importer) keeps the row's own.
    [row] = save(filler_client, perf_form, [{**ROW, "id": row.pk, "level3": "市民满意度"}], [None])
    assert (row.library_entry, row.library_modified) == (satisfaction, True)


def test_unchanged_save_changes_nothing_even_after_the_entry_changed(filler_client, perf_form, satisfaction):
    save(filler_client, perf_form, [ROW, OTHER], [satisfaction, None])
    before = content(perf_form)
    data = services.EntryData(
        framework=satisfaction.framework,
        level1="效果目标",
        level2="满意度",
        name="群众满意度",
        sign=Sign.GE,
        value="95",
        unit="%",
    )
    services.update_entry(entry=satisfaction, by=None, data=data)
    save_unchanged(filler_client, perf_form)
    save_unchanged(filler_client, perf_form)
    assert content(perf_form) == before
    row = perf_form.indicators.get(level3="群众满意度")
    assert (row.library_entry, row.library_modified) == (satisfaction, False)


def test_editor_page_carries_the_entry_of_linked_rows_only(filler_client, perf_form, satisfaction):
    [row, own] = save(filler_client, perf_form, [ROW, OTHER], [satisfaction, None])
    page = filler_client.get(reverse("projects:edit", args=[perf_form.pk])).content.decode()
    assert page.count('-library_entry"') == 1
    assert f'value="{satisfaction.pk}"' in page
    assert 'data-library-pick="' in page


def test_an_entry_the_unit_is_not_offered_is_ignored(filler_client, perf_form, make_entry, other_department):
    foreign = make_entry("他部门满意度", "效果目标", "满意度", scope=LibraryScope.DEPARTMENT, owner=other_department)
    retired = make_entry("停用满意度", "效果目标", "满意度")
    services.set_active(entry=retired, by=None, active=False)
    rows = save(filler_client, perf_form, [ROW, {**ROW, "level3": "另一行"}], [foreign, retired])
    assert [r.library_entry for r in rows] == [None, None]


def test_tampered_entry_id_is_a_row_error_not_a_500(filler_client, perf_form):
    data = post_data([ROW], version=perf_form.version)
    data["ind-0-library_entry"] = "99999999999999999999999"
    response = filler_client.post(reverse("projects:edit", args=[perf_form.pk]), data)
    assert response.status_code == 200
    assert "指标库条目" in response.content.decode()
    assert not perf_form.indicators.exists()


def test_deleting_rows_recounts_use(filler_client, perf_form, satisfaction):
    [row] = save(filler_client, perf_form, [ROW], [satisfaction])
    save(filler_client, perf_form, [{**OTHER}], [None])
    satisfaction.refresh_from_db()
    assert satisfaction.usage_count == 0
