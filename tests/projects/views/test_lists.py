"""Every list costs what it shows: the current year, a page, no narratives, constant queries."""

import pytest
from django.urls import reverse

from indicators.frameworks import framework_vocabulary
from indicators.models import FrameworkNode
from projects.models import Action, FormEvent, Status
from tests.factories import FiscalYearFactory, IndicatorFactory, PerformanceFormFactory, UserFactory

pytestmark = pytest.mark.django_db


def make_forms(unit, year, count, start=0):
    """Forms of a unit, every third one returned with a reason."""
    made = []
    for i in range(start, start + count):
        status = Status.RETURNED if i % 3 == 0 else Status.DRAFT
        perf_form = PerformanceFormFactory(unit=unit, year=year, project_name=f"项目{i:03}", status=status)
        if status == Status.RETURNED:
            for n in range(2):
                FormEvent.objects.create(
                    perf_form=perf_form,
                    actor_name="审核人",
                    actor_role="dept_reviewer",
                    action=Action.RETURN,
                    from_status=Status.SUBMITTED,
                    to_status=Status.RETURNED,
                    reason=f"第{n + 1}次退回：{i}",
                )
        made.append(perf_form)
    return made


@pytest.mark.parametrize(
    ("persona", "landing"),
    [("filler", "projects:my_forms"), ("dept_reviewer", "projects:queue"), ("admin_user", "projects:queue")],
)
def test_each_role_lands_where_it_works(request, client, persona, landing):
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/")
    assert response.status_code == 302 and response.url == reverse(landing)


def test_my_forms_shows_the_current_year_by_default(filler_client, unit_a, year):
    later = FiscalYearFactory(year=2021)
    make_forms(unit_a, year, 2)
    make_forms(unit_a, later, 1, start=10)
    page = filler_client.get(reverse("projects:my_forms"))
    assert [f.project_name for f in page.context["page"]] == ["项目010"]
    every_year = filler_client.get(reverse("projects:my_forms"), {"year": "all"})
    assert len(every_year.context["page"]) == 3
    chosen = filler_client.get(reverse("projects:my_forms"), {"year": "2020"}).context["page"]
    assert [f.project_name for f in chosen] == ["项目000", "项目001"]


def test_my_forms_shows_the_latest_return_reason(filler_client, unit_a, year):
    make_forms(unit_a, year, 1)
    page = filler_client.get(reverse("projects:my_forms")).content.decode()
    assert "第2次退回：0" in page and "第1次退回" not in page


def test_my_forms_pages_and_never_loads_narratives(filler_client, unit_a, year, django_assert_max_num_queries):
    make_forms(unit_a, year, 60)
    # Session, user, years, the page and its count, return reasons, the unit, the department form's
    # years, the carry-over targets, deadlines and reopenings, the bell, the announcements.
    with django_assert_max_num_queries(13) as captured:
        response = filler_client.get(reverse("projects:my_forms"))
    assert len(response.context["page"]) == 50
    assert "第 1 / 2 页" in response.content.decode()
    assert not [q["sql"] for q in captured.captured_queries if '"overview"' in q["sql"] or '"duties"' in q["sql"]]


def test_my_forms_query_count_flat_at_two_sizes(filler_client, unit_a, year, django_assert_max_num_queries):
    make_forms(unit_a, year, 4)
    with django_assert_max_num_queries(13) as small:
        filler_client.get(reverse("projects:my_forms"))
    make_forms(unit_a, year, 56, start=4)
    for old_year in range(2010, 2015):
        make_forms(unit_a, FiscalYearFactory(year=old_year, is_open=False), 3, start=old_year)
    with django_assert_max_num_queries(len(small.captured_queries)):
        filler_client.get(reverse("projects:my_forms"))


def test_queue_query_count_flat_at_two_sizes(client, admin_user, unit_a, year, django_assert_max_num_queries):
    client.force_login(admin_user)
    make_forms(unit_a, year, 3)
    for batch, params in enumerate(({}, {"q": "项目"}, {"year": ""})):
        with django_assert_max_num_queries(12) as small:
            client.get(reverse("projects:queue"), params)
        make_forms(unit_a, year, 30, start=(batch + 1) * 100)
        with django_assert_max_num_queries(len(small.captured_queries)):
            client.get(reverse("projects:queue"), params)


def test_editor_query_count_flat_at_two_sizes(filler_client, perf_form, django_assert_max_num_queries):
    url = reverse("projects:edit", args=[perf_form.pk])
    for i in range(3):
        IndicatorFactory(perf_form=perf_form, position=i)
    with django_assert_max_num_queries(12) as small:
        filler_client.get(url)
    for i in range(3, 60):
        IndicatorFactory(perf_form=perf_form, position=i, level2="质量" if i % 2 else "数量")
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = filler_client.get(url).content.decode()
    assert page.count('class="indicator-row') == 60 + 1  # and the template row editor.js copies


def test_review_query_count_flat_at_two_sizes(client, perf_form, filler, dept_reviewer, django_assert_max_num_queries):
    for i in range(3):
        IndicatorFactory(perf_form=perf_form, position=i)
    client.force_login(dept_reviewer)
    url = reverse("projects:review", args=[perf_form.pk])
    with django_assert_max_num_queries(14) as small:
        client.get(url)
    for i in range(3, 60):
        IndicatorFactory(perf_form=perf_form, position=i)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_framework_vocabulary_is_cached_and_follows_changes(perf_form, django_assert_num_queries):
    framework = perf_form.framework
    first = framework_vocabulary(framework)
    with django_assert_num_queries(0):
        assert framework_vocabulary(framework) == first
    level1 = FrameworkNode.objects.get(framework=framework, parent=None, name="产出目标")
    FrameworkNode.objects.create(framework=framework, parent=level1, name="新二级", position=99)
    assert framework_vocabulary(framework)["产出目标"][-1] == "新二级"


def test_editor_shows_a_new_framework_group_at_once(filler_client, perf_form):
    level1 = FrameworkNode.objects.get(framework=perf_form.framework, parent=None, name="产出目标")
    url = reverse("projects:edit", args=[perf_form.pk])
    filler_client.get(url)
    FrameworkNode.objects.create(framework=perf_form.framework, parent=level1, name="刚加的二级", position=99)
    assert 'data-level2="刚加的二级"' in filler_client.get(url).content.decode()


def test_units_answer_needs_login(client):
    response = client.get(reverse("projects:units"), {"q": "甲"})
    assert response.status_code == 302


def test_outsider_sees_no_units_of_other_departments(client, unit_a, department):
    from tests.factories import OrganizationFactory

    other_department = OrganizationFactory(name="别的部门", kind="department", parent=None)
    OrganizationFactory(name="别的单位", parent=other_department)
    reviewer = UserFactory(username="r", role="dept_reviewer", organization=department)
    client.force_login(reviewer)
    names = {unit["name"] for unit in client.get(reverse("projects:units"), {"q": "别的"}).json()["results"]}
    assert names == set()
