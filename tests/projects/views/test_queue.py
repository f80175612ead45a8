import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from indicators.models import FormKind
from projects.models import FiscalYear, PerformanceForm, Status
from projects.views import lists as views
from tests.factories import FiscalYearFactory, OrganizationFactory, PerformanceFormFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
QUEUE_SORT_KEYS = ["submitted", "-submitted", "budget", "-budget", "warnings", "-warnings"]


def day(n):
    return datetime(2020, 3, n, 9, 0, tzinfo=SHANGHAI)


def queue(client, **params):
    response = client.get(reverse("projects:queue"), params)
    assert response.status_code == 200
    return response


def names(response):
    return [f.project_name for f in response.context["page"].object_list]


@pytest.fixture
def sortable(unit_a, unit_b, department, year):
    """Four forms awaiting the department reviewer; C and D tie on budget and on counts."""

    def make(name, unit, **fields):
        fields.setdefault("kind", FormKind.PROJECT)
        return PerformanceFormFactory(unit=unit, year=year, project_name=name, status=Status.SUBMITTED, **fields)

    make("A", unit_a, submitted_at=day(1), current_budget=Decimal("100"), error_count=0, warning_count=2)
    make("B", unit_b, submitted_at=day(3), current_budget=None, error_count=1, warning_count=0)
    make("C", unit_a, submitted_at=day(2), current_budget=Decimal("300"), error_count=0, warning_count=0)
    # A department's own form: its budget is the fund total.
    make(
        "D",
        department,
        kind=FormKind.DEPARTMENT,
        framework=year.department_framework,
        submitted_at=day(4),
        fund_total=Decimal("300"),
        error_count=0,
        warning_count=0,
    )


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["D", "B", "C", "A"]),
        ("submitted", ["A", "C", "B", "D"]),
        ("-submitted", ["D", "B", "C", "A"]),
        ("budget", ["A", "C", "D", "B"]),
        ("-budget", ["D", "C", "A", "B"]),
        ("warnings", ["C", "D", "A", "B"]),
        ("-warnings", ["B", "A", "D", "C"]),
        ("nonsense", ["D", "B", "C", "A"]),
    ],
)
def test_queue_sort(client, dept_reviewer, sortable, sort, expected):
    client.force_login(dept_reviewer)
    assert names(queue(client, sort=sort)) == expected


@pytest.mark.parametrize("key", ["submitted", "warnings"])
def test_queue_sort_directions_are_exact_reverses(client, dept_reviewer, sortable, key):
    client.force_login(dept_reviewer)
    assert names(queue(client, sort=f"-{key}")) == names(queue(client, sort=key))[::-1]


def test_queue_empty_budget_last_both_ways(client, dept_reviewer, sortable):
    client.force_login(dept_reviewer)
    assert names(queue(client, sort="budget"))[-1] == "B"
    assert names(queue(client, sort="-budget"))[-1] == "B"


def test_queue_sort_keeps_awaiting_first(client, dept_reviewer, sortable, unit_a, year):
    PerformanceFormFactory(
        unit=unit_a, year=year, project_name="E", status=Status.DEPT_APPROVED, submitted_at=day(9), error_count=9
    )
    client.force_login(dept_reviewer)
    for sort in ("submitted", "-submitted", "warnings", "-warnings", "budget", "-budget"):
        assert names(queue(client, sort=sort))[-1] == "E"


def sort_headers(response) -> dict[str, tuple[str | None, str]]:
    """{sort key: (aria-sort, the sort its link asks for)} of the queue's sortable headers."""
    found = re.findall(
        r'<th [^>]*data-sort-key="(\w+)"(?: aria-sort="(\w+)")?><a href="[^"]*sort=(-?\w+)"',
        response.content.decode(),
    )
    return {key: (aria or None, target) for key, aria, target in found}


def test_queue_header_links_toggle_direction(client, dept_reviewer, sortable):
    client.force_login(dept_reviewer)
    assert sort_headers(queue(client, sort="warnings"))["warnings"] == ("ascending", "-warnings")
    assert sort_headers(queue(client, sort="-warnings"))["warnings"] == ("descending", "warnings")


@pytest.mark.parametrize("sort", [*QUEUE_SORT_KEYS, "", "bogus"])
def test_queue_marks_only_the_sorted_column(client, dept_reviewer, sortable, sort):
    client.force_login(dept_reviewer)
    response = queue(client, sort=sort)
    headers = sort_headers(response)
    effective = sort if sort in QUEUE_SORT_KEYS else "-submitted"  # the default order
    key = effective.lstrip("-")
    direction = "descending" if effective.startswith("-") else "ascending"

    assert sorted(headers) == ["budget", "submitted", "warnings"]
    assert {k for k, (aria, _target) in headers.items() if aria} == {key}
    assert headers[key][0] == direction
    assert response.content.decode().count('class="sort-arrow"') == 1
    assert ("▼" if direction == "descending" else "▲") in response.content.decode()
    for other in set(headers) - {key}:
        assert headers[other][1] == f"-{other}"


def test_queue_pages_follow_the_sort(client, dept_reviewer, sortable, monkeypatch):
    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 3)
    client.force_login(dept_reviewer)
    first = queue(client, sort="budget")
    second = queue(client, sort="budget", page=2)
    assert names(first) == ["A", "C", "D"] and names(second) == ["B"]
    assert first.context["page"].paginator.count == 4
    assert "sort=budget&page=2" in first.content.decode()
    assert "sort=budget&page=1" in second.content.decode()
    assert names(queue(client, sort="budget", page=99)) == ["B"]
    assert names(queue(client, sort="budget", page="x")) == ["A", "C", "D"]


def test_queue_query_count_flat_for_every_sort(
    client, dept_reviewer, sortable, unit_a, year, django_assert_max_num_queries
):
    client.force_login(dept_reviewer)
    with django_assert_max_num_queries(12) as few:
        queue(client, sort="-budget")
    PerformanceFormFactory.create_batch(20, unit=unit_a, year=year, status=Status.SUBMITTED, submitted_at=day(5))
    for sort in QUEUE_SORT_KEYS:
        with django_assert_max_num_queries(len(few.captured_queries)):
            queue(client, sort=sort)


def test_every_sort_key_is_tested():
    assert sorted(views.QUEUE_SORTS) == sorted(QUEUE_SORT_KEYS)


@pytest.fixture
def filterable(unit_a, unit_b, department, other_department, year):
    """Forms across years, units, departments, states, kinds and check results (admin sees them all)."""
    year_2021 = FiscalYearFactory(year=2021)
    other_unit = OrganizationFactory(name="丙单位", parent=other_department)

    def make(name, unit, form_year=year, **fields):
        PerformanceFormFactory(unit=unit, year=form_year, project_name=name, submitted_at=day(1), **fields)

    make("甲-已提交-有错", unit_a, status=Status.SUBMITTED, error_count=1)
    make("乙-已退回-有警告", unit_b, status=Status.RETURNED, warning_count=2)
    make("甲-2021", unit_a, form_year=year_2021, status=Status.DEPT_APPROVED)
    make(
        "部门整体",
        department,
        status=Status.SUBMITTED,
        kind=FormKind.DEPARTMENT,
        framework=year.department_framework,
    )
    make("丙-已批复", other_unit, status=Status.APPROVED)
    return {
        "year_2021": year_2021,
        "year_2020": year,
        "unit_a": unit_a,
        "unit_b": unit_b,
        "department": department,
        "other_department": other_department,
    }


ALL_FORMS = {"甲-已提交-有错", "乙-已退回-有警告", "甲-2021", "部门整体", "丙-已批复"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ALL_FORMS),
        ({"year": "@year_2021"}, {"甲-2021"}),
        ({"year": "@year_2020"}, ALL_FORMS - {"甲-2021"}),
        ({"department": "@department"}, ALL_FORMS - {"丙-已批复"}),
        ({"department": "@other_department"}, {"丙-已批复"}),
        ({"unit": "@unit_b"}, {"乙-已退回-有警告"}),
        ({"unit": "@department"}, {"部门整体"}),
        ({"status": Status.RETURNED}, {"乙-已退回-有警告"}),
        ({"status": Status.SUBMITTED}, {"甲-已提交-有错", "部门整体"}),
        ({"kind": FormKind.DEPARTMENT}, {"部门整体"}),
        ({"kind": FormKind.PROJECT}, ALL_FORMS - {"部门整体"}),
        ({"flags": "errors"}, {"甲-已提交-有错"}),
        ({"flags": "warnings"}, {"乙-已退回-有警告"}),
        ({"flags": "clean"}, {"甲-2021", "部门整体", "丙-已批复"}),
        ({"year": "@year_2020", "unit": "@unit_a"}, {"甲-已提交-有错"}),
        ({"department": "@department", "status": Status.SUBMITTED, "kind": FormKind.PROJECT}, {"甲-已提交-有错"}),
    ],
)
def test_queue_filters(client, admin_user, filterable, params, expected):
    client.force_login(admin_user)
    # "@name": the pk of that object of the fixture; every year unless the case names one.
    query = {key: filterable[value[1:]].pk if value.startswith("@") else value for key, value in params.items()}
    query.setdefault("year", "")
    assert set(names(queue(client, **query))) == expected


def test_queue_defaults_to_the_current_year(client, admin_user, filterable):
    # The navigation link carries no year: the latest open year, not every year ever filed.
    client.force_login(admin_user)
    response = queue(client)
    assert set(names(response)) == {"甲-2021"}
    year_2021 = filterable["year_2021"].pk
    assert f'<option value="{year_2021}" selected>' in response.content.decode()
    # The export button and the page links say which year they mean.
    assert f"year={year_2021}" in response.context["query"]


def test_queue_default_year_skips_a_closed_one(client, admin_user, filterable):
    filterable["year_2021"].is_open = False
    filterable["year_2021"].save()
    client.force_login(admin_user)
    assert set(names(queue(client))) == ALL_FORMS - {"甲-2021"}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("已退回", {"乙-已退回-有警告"}),
        ("甲", {"甲-已提交-有错", "甲-2021"}),
        # A unit's name finds its forms, the department's own form by its unit too.
        (None, None),
    ],
)
def test_queue_text_search(client, admin_user, filterable, q, expected):
    client.force_login(admin_user)
    if q is None:
        q, expected = filterable["unit_b"].name, {"乙-已退回-有警告"}
    assert set(names(queue(client, q=q, year=""))) == expected


def test_queue_unit_filter_is_a_typeahead_not_every_unit(client, admin_user, filterable):
    client.force_login(admin_user)
    page = queue(client).content.decode()
    assert filterable["unit_b"].name not in page.split('name="unit"', 1)[1].split("</select>", 1)[0]
    response = client.get(reverse("projects:units"), {"q": filterable["unit_b"].name[:1]})
    assert {"id": filterable["unit_b"].pk, "name": filterable["unit_b"].name} in response.json()["results"]


def test_queue_units_answer_only_the_scope(client, dept_reviewer, filterable):
    client.force_login(dept_reviewer)
    other_unit = filterable["other_department"].children.get()
    found = client.get(reverse("projects:units"), {"q": ""}).json()["results"]
    assert other_unit.pk not in {unit["id"] for unit in found}
    assert filterable["unit_a"].pk in {unit["id"] for unit in found}


def test_queue_filter_keeps_sort_and_page_links(client, admin_user, filterable, monkeypatch):
    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 1)
    client.force_login(admin_user)
    response = queue(client, department=filterable["department"].pk, sort="-warnings", year="")
    assert names(response) == ["甲-已提交-有错"]
    assert f"department={filterable['department'].pk}&amp;sort=-warnings&page=2" in response.content.decode()


def test_queue_bad_filter_shows_scope_without_error(client, admin_user, filterable):
    client.force_login(admin_user)
    assert set(names(queue(client, year="abc", flags="nonsense"))) == ALL_FORMS


def test_queue_filter_on_unit_out_of_scope_leaks_nothing(client, dept_reviewer, filterable):
    client.force_login(dept_reviewer)
    in_scope = {"甲-已提交-有错", "乙-已退回-有警告", "甲-2021", "部门整体"}
    other_unit = filterable["other_department"].children.get()
    assert set(names(queue(client, unit=other_unit.pk, year=""))) == in_scope
    assert set(names(queue(client, department=filterable["other_department"].pk, year=""))) == in_scope


def test_queue_survives_a_form_changing_between_its_two_queries(client, dept_reviewer, sortable, monkeypatch):
    """A colleague approves a listed form after the ids were read: the page shows it as it is now."""
    from django.db.models import QuerySet

    from projects.models import PerformanceForm

    original = QuerySet.in_bulk

    def approve_first(self, id_list=None, **kwargs):
        PerformanceForm.objects.filter(pk=id_list[0]).update(status=Status.DEPT_APPROVED)
        return original(self, id_list, **kwargs)

    monkeypatch.setattr(QuerySet, "in_bulk", approve_first)
    client.force_login(dept_reviewer)
    response = queue(client, status=Status.SUBMITTED)
    assert len(names(response)) == 4
    assert Status.DEPT_APPROVED in {f.status for f in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("filler", {"甲单位"}),
        ("dept_reviewer", {"测试主管部门", "甲单位", "乙单位"}),
        ("finance_reviewer", {"测试主管部门", "甲单位", "乙单位"}),
        ("other_finance_reviewer", {"另一主管部门", "丙单位"}),
        ("admin_user", {"测试主管部门", "甲单位", "乙单位", "另一主管部门", "丙单位"}),
    ],
)
def test_queue_unit_choices_are_the_scope(request, client, unit_a, unit_b, other_department, persona, expected):
    OrganizationFactory(name="丙单位", parent=other_department)
    client.force_login(request.getfixturevalue(persona))
    choices = queue(client).context["filters"].fields["unit"].queryset
    assert set(choices.values_list("name", flat=True)) == expected


def test_queue_header_links_carry_filters_and_one_sort(client, dept_reviewer, sortable, year):
    client.force_login(dept_reviewer)
    page = queue(client, year=year.pk, sort="budget").content.decode()
    links = re.findall(r'<th scope="col"[^>]*><a href="\?([^"]*)"', page)
    assert len(links) == 3
    for link in links:
        assert link.count("sort=") == 1 and f"year={year.pk}" in link


@pytest.mark.parametrize("sort", ["", *QUEUE_SORT_KEYS])
def test_queue_for_a_filler_is_a_page_not_an_error(filler_client, perf_form, sort):
    # Nothing awaits a filler: the "awaiting me" ordering was ORDER BY false, which PostgreSQL refuses.
    response = queue(filler_client, sort=sort)
    assert names(response) == [perf_form.project_name]


@pytest.mark.parametrize("open_years", [(), (2019,), (2020,), (2019, 2021), (2019, 2020, 2021)])
def test_queue_default_year_is_the_current_fiscal_year(client, admin_user, filterable, open_years):
    # The filter form picks the default among the years it read for its options, not by a query
    # of its own: it must pick what FiscalYear.current() does.
    FiscalYearFactory(year=2019)
    for fiscal_year in FiscalYear.objects.all():
        fiscal_year.is_open = fiscal_year.year in open_years
        fiscal_year.save()
    client.force_login(admin_user)
    response = queue(client)
    current = FiscalYear.current()
    assert response.context["filters"].cleaned_data["year"] == current
    assert set(names(response)) == set(
        PerformanceForm.objects.filter(year=current).values_list("project_name", flat=True)
    )


def test_queue_rows_show_what_each_form_says(client, dept_reviewer, sortable, department, unit_b, year):
    """Each cell of a unit's form and of a department's own form (its title and budget are its own).

    A department reviewer's rows have no 主管部门 cell: it would be its own department on every row."""
    PerformanceFormFactory(unit=unit_b, year=year, project_name="", status=Status.DEPT_APPROVED)
    client.force_login(dept_reviewer)
    page = queue(client, sort="submitted").content.decode()
    rows = {}
    for row in re.findall(r'<tr class="queue-row"[^>]*>(.*?)</tr>', page):
        cells = [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        rows[cells[3]] = cells
    project = PerformanceForm.objects.get(project_name="A")
    department_form = PerformanceForm.objects.get(project_name="D")
    untitled = PerformanceForm.objects.get(project_name="")
    assert rows["A"] == [
        "待我审核",
        "2020",
        "甲单位",
        "A",
        FormKind(project.kind).label,
        Status(project.status).label,
        "2020-03-01 09:00",
        "100.00 元",
        "0 / 2",
    ]
    assert rows[department_form.title] == [
        "待我审核",
        "2020",
        department.name,
        f"{department.name} 部门整体支出绩效目标表",
        FormKind(department_form.kind).label,
        Status.SUBMITTED.label,
        "2020-03-04 09:00",
        # In 万元, as the department's form is typed and printed (stored in 元: 300.00).
        "0.03 万元",
        "0 / 0",
    ]
    assert rows[untitled.title][0] == "" and rows[untitled.title][3] == "（未命名项目）"
    assert rows[untitled.title][6:8] == ["", ""]
    assert f'href="/forms/{project.pk}/review/"' in page


def queue_cells(response) -> tuple[list[str], list[list[str]]]:
    """The header cells and each row's cells, as text."""
    page = response.content.decode()
    head = re.search(r"<thead>(.*?)</thead>", page, re.S).group(1)
    headers = [re.sub(r"<[^>]+>|[▲▼]", "", th) for th in re.findall(r"<th[^>]*>(.*?)</th>", head)]
    rows = [
        [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r'<tr class="queue-row"[^>]*>(.*?)</tr>', page)
    ]
    return headers, rows


@pytest.mark.parametrize(
    ("persona", "shown"), [("dept_reviewer", False), ("finance_reviewer", True), ("admin_user", True)]
)
def test_queue_department_column_only_where_it_varies(request, client, sortable, department, persona, shown):
    client.force_login(request.getfixturevalue(persona))
    headers, rows = queue_cells(queue(client))

    assert ("主管部门" in headers) is shown
    assert rows and all(len(row) == len(headers) for row in rows)
    if shown:
        column = headers.index("主管部门")
        assert {row[column] for row in rows} == {department.name}


@pytest.mark.parametrize(
    ("persona", "status"), [("dept_reviewer", Status.SUBMITTED), ("finance_reviewer", Status.DEPT_APPROVED)]
)
def test_queue_counts_what_awaits_me_among_the_forms_listed(request, client, sortable, unit_a, year, persona, status):
    user = request.getfixturevalue(persona)
    PerformanceFormFactory(unit=unit_a, year=year, status=Status.DEPT_APPROVED, submitted_at=day(6))
    PerformanceFormFactory(unit=unit_a, year=FiscalYearFactory(year=2019), status=status, submitted_at=day(7))
    client.force_login(user)

    for params in ({}, {"year": ""}, {"q": "不存在的项目"}, {"status": Status.APPROVED}, {"unit": unit_a.pk}):
        response = queue(client, **params)
        listed = PerformanceForm.objects.filter(pk__in=response.context["page"].paginator.object_list)
        expected = listed.filter(status=status).count()
        assert expected == len(PerformanceForm.objects.awaiting(user).filter(pk__in=listed.values("pk")))
        page = response.content.decode()
        assert f'data-awaiting-count="{expected}"' in page
        assert f"待我审核 <strong>{expected}</strong> 张" in page
    # Every year: the whole workload, the 2019 form too.
    every_year = queue(client, year="").content.decode()
    assert f'data-awaiting-count="{PerformanceForm.objects.awaiting(user).count()}"' in every_year


def test_queue_for_a_filler_has_no_awaiting_count(filler_client, perf_form):
    assert "data-awaiting-count" not in queue(filler_client).content.decode()
