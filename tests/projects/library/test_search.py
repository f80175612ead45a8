import pytest
from django.urls import reverse

from indicators.choices import FormKind, LibraryScope
from projects.library import search, services
from tests.factories import IndicatorFactory, UserFactory

pytestmark = pytest.mark.django_db


def names(entries):
    return [e.name for e in entries]


def test_typeahead_by_substring_with_the_rows_level2_first(filler, make_entry):
    make_entry("群众满意度", "效果目标", "满意度")
    make_entry("企业满意度调查份数", "产出目标", "数量")
    make_entry("满意度", "效果目标", "社会效益")
    found = names(search.typeahead(filler, "满意", form_kind=FormKind.PROJECT, level2="数量"))
    assert found[0] == "企业满意度调查份数"
    assert set(found) == {"群众满意度", "企业满意度调查份数", "满意度"}


@pytest.mark.parametrize(("query", "expected"), [("myd", 3), ("qzmyd", 1), ("QZMYD", 1), ("mqmyd", 1), ("zzz", 0)])
def test_typeahead_by_pinyin_initials(filler, make_entry, query, expected):
    make_entry("群众满意度", "效果目标", "满意度")
    make_entry("民企满意度", "效果目标", "满意度")
    make_entry("满意度", "效果目标", "满意度")
    make_entry("抽查企业数", "产出目标", "数量")
    found = search.typeahead(filler, query, form_kind=FormKind.PROJECT, level2="满意度")
    assert len(found) == expected
    assert all("满意度" in e.name for e in found)


def test_typeahead_more_used_entries_first_and_capped(filler, make_entry):
    for i in range(15):
        make_entry(f"检查{i:02d}次数")
    busy = make_entry("检查企业次数")
    IndicatorFactory.create_batch(2, library_entry=busy)
    assert services.recount_usage([busy.pk]) == 1
    found = search.typeahead(filler, "检查", form_kind=FormKind.PROJECT, level2="数量", limit=10)
    assert len(found) == 10
    assert found[0] == busy


def test_filler_sees_common_and_own_departments_active_entries_only(filler, department, other_department, make_entry):
    make_entry("共性满意度")
    make_entry("本部门满意度", scope=LibraryScope.DEPARTMENT, owner=department)
    make_entry("他部门满意度", scope=LibraryScope.DEPARTMENT, owner=other_department)
    retired = make_entry("停用满意度")
    services.set_active(entry=retired, by=None, active=False)
    assert set(names(search.typeahead(filler, "满意度", form_kind=FormKind.PROJECT))) == {"共性满意度", "本部门满意度"}
    assert set(names(search.visible_entries(filler))) == {"共性满意度", "本部门满意度"}


def test_typeahead_keeps_to_the_form_kind(filler, make_entry):
    make_entry("预算执行率", "产出指标", "时效指标", framework="department-2021", form_kind=FormKind.DEPARTMENT)
    assert search.typeahead(filler, "预算", form_kind=FormKind.PROJECT) == []
    assert names(search.typeahead(filler, "ysz", form_kind=FormKind.DEPARTMENT)) == ["预算执行率"]


def test_pick_endpoint_answers_json_with_the_fill_values(filler_client, make_entry, django_assert_max_num_queries):
    make_entry("群众满意度", "效果目标", "满意度", sign="ge", value="90", unit="%", scoring="达到得满分")
    url = reverse("library:pick")
    with django_assert_max_num_queries(6):
        response = filler_client.get(url, {"q": "myd", "kind": "project", "level2": "满意度"})
    assert response.status_code == 200
    [result] = response.json()["results"]
    assert (result["name"], result["value"], result["scoring"], result["same_group"]) == (
        "群众满意度",
        "≥90%",
        "达到得满分",
        True,
    )


@pytest.mark.parametrize("query", ["", "   ", "%", "_", "x" * 500, "'; drop table x; --"])
def test_pick_endpoint_survives_odd_queries(filler_client, make_entry, query):
    make_entry("群众满意度", "效果目标", "满意度")
    response = filler_client.get(reverse("library:pick"), {"q": query, "kind": "nonsense", "level2": "y" * 500})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_pick_endpoint_needs_a_login(client):
    assert client.get(reverse("library:pick"), {"q": "myd"}).status_code == 302


def test_inactive_user_sees_nothing(make_entry, unit_a):
    make_entry("群众满意度")
    user = UserFactory(username="gone", organization=unit_a, is_active=False)
    assert not search.visible_entries(user).exists()


def test_every_seeded_entry_is_found_by_its_name_and_by_its_initials(filler):
    from projects.library.seed import seed_library

    seed_library()
    visible = search.visible_entries(filler)
    entries = list(visible)
    assert len(entries) > 50
    for entry in entries:
        assert search.matching(visible, entry.name).filter(pk=entry.pk).exists(), entry.name
        if entry.initials:
            assert search.matching(visible, entry.initials.upper()).filter(pk=entry.pk).exists(), entry.initials
