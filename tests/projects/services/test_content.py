"""services.create_form and services.import_form: their own guards, whatever the caller checked."""

import pytest
from django.urls import reverse

from indicators.models import FormKind
from projects import services
from projects.models import FiscalYear, PerformanceForm, Status
from projects.views import editor as views
from tests.factories import FiscalYearFactory, UserFactory

from ..helpers import post_data

ROWS = [
    services.RowInput("产出目标", "数量", "检查工地", "=50家"),
    services.RowInput("产出目标", "质量", "合格率", "=100%"),
]


def _create(by, year, kind=FormKind.PROJECT, name="新项目"):
    return services.create_form(by=by, year=year, kind=kind, values={"project_name": name}, rows=ROWS)


def test_create_form_by_a_filler_in_an_open_year_creates_the_draft(filler, year):
    perf_form = _create(filler, year)

    assert (perf_form.unit, perf_form.status, perf_form.framework) == (
        filler.organization,
        Status.DRAFT,
        year.project_framework,
    )
    assert [r.level3 for r in perf_form.indicators.all()] == ["检查工地", "合格率"]


@pytest.mark.parametrize("reviewer", ["dept_reviewer", "finance_reviewer", "admin_user"])
def test_create_form_by_a_reviewer_or_admin_is_refused(request, reviewer, year):
    with pytest.raises(services.CannotCreateError, match="您不能新建这类绩效目标表"):
        _create(request.getfixturevalue(reviewer), year)

    assert not PerformanceForm.objects.exists()


def test_create_form_department_form_by_a_unit_filler_is_refused(filler, year):
    with pytest.raises(services.CannotCreateError):
        _create(filler, year, kind=FormKind.DEPARTMENT, name="")

    assert not PerformanceForm.objects.exists()


def test_create_form_unknown_kind_is_refused(filler, year):
    with pytest.raises(services.CannotCreateError):
        _create(filler, year, kind="other")


def test_create_form_in_a_year_closed_since_the_page_was_shown_is_refused(filler, year):
    FiscalYear.objects.filter(pk=year.pk).update(is_open=False)

    # `year` still says open: the service reads the year as it is now.
    with pytest.raises(services.CannotCreateError, match="2020年度已停止填报"):
        _create(filler, year)

    assert not PerformanceForm.objects.exists()


def test_create_form_without_the_kinds_framework_is_refused(department):
    dept_filler = UserFactory(username="dept_filler", organization=department)
    year = FiscalYearFactory(year=2022, department_framework=None)

    with pytest.raises(services.CannotCreateError, match="2022年度没有设置部门整体指标体系"):
        _create(dept_filler, year, kind=FormKind.DEPARTMENT, name="")


def test_create_view_answers_the_services_refusal_with_a_message(client, dept_reviewer, year, monkeypatch):
    """A view whose early check lets a reviewer through still creates nothing: the service decides."""
    monkeypatch.setattr(views, "can_create", lambda user, kind=FormKind.PROJECT: True)
    client.force_login(dept_reviewer)

    response = client.post(reverse("projects:create"), post_data([], year=year.pk), follow=True)

    assert response.status_code == 200
    assert "您不能新建这类绩效目标表" in response.content.decode()
    assert not PerformanceForm.objects.exists()


def _import(unit, year, rows=ROWS, **values):
    return services.import_form(
        year=year, unit=unit, kind=FormKind.PROJECT, values={"project_name": "导入项目", **values}, rows=rows
    )


def test_import_form_creates_then_updates_keeping_row_ids_and_bumping_the_version(unit_a, year):
    created = _import(unit_a, year, overview="旧")
    ids = {r.level3: r.pk for r in created.perf_form.indicators.all()}

    updated = _import(
        unit_a, year, rows=[ROWS[1], services.RowInput("产出目标", "数量", "新指标", "=1个")], overview="新"
    )

    assert created.created and not updated.created
    assert updated.perf_form.pk == created.perf_form.pk
    assert (updated.perf_form.version, updated.perf_form.overview) == (2, "新")
    rows = {r.level3: r.pk for r in updated.perf_form.indicators.all()}
    assert rows["合格率"] == ids["合格率"]
    assert "检查工地" not in rows and rows["新指标"] not in ids.values()


def test_import_form_leaves_a_form_in_review_untouched(unit_a, year):
    perf_form = _import(unit_a, year, overview="送审时").perf_form
    PerformanceForm.objects.filter(pk=perf_form.pk).update(status=Status.SUBMITTED)

    with pytest.raises(services.NotEditableError) as refused:
        _import(unit_a, year, overview="改过")

    assert refused.value.perf_form.pk == perf_form.pk
    perf_form.refresh_from_db()
    assert (perf_form.overview, perf_form.version) == ("送审时", 1)


def test_import_form_without_the_kinds_framework_is_refused(department):
    year = FiscalYearFactory(year=2022, department_framework=None)

    with pytest.raises(services.CannotCreateError, match="2022年度没有设置部门整体指标体系"):
        services.import_form(year=year, unit=department, kind=FormKind.DEPARTMENT, values={}, rows=ROWS)

    assert not PerformanceForm.objects.exists()


@pytest.mark.parametrize(
    ("existing", "rows", "ids"),
    [
        ([], [("a", "b", "c")], [None]),
        ([("a", "b", "c")], [("a", "b", "c")], [0]),
        ([("a", "b", "c")], [("a", "b", "x")], [None]),
        # Two rows of the same name are matched in order; a third of that name is new.
        ([("a", "b", "c"), ("a", "b", "c")], [("a", "b", "c")] * 3, [0, 1, None]),
        ([("a", "b", "c"), ("a", "x", "y")], [("a", "x", "y"), ("a", "b", "c")], [1, 0]),
    ],
)
def test_match_rows_gives_each_row_the_id_of_an_unclaimed_row_of_the_same_names(perf_form, existing, rows, ids):
    services.write_content(perf_form, {}, [services.RowInput(*names, "1") for names in existing])
    stored_ids = [r.pk for r in perf_form.indicators.order_by("position")]

    matched = services.match_rows(perf_form, [services.RowInput(*names, "1", id=999) for names in rows])

    assert [r.id for r in matched] == [None if i is None else stored_ids[i] for i in ids]
