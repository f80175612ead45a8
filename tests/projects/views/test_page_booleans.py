"""Pages show what permissions.py and the models decide; the templates only read booleans."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from indicators.models import FormKind
from projects.accounts.models import User
from projects.context_processors import perfgoals_nav
from projects.models import Status
from tests.factories import PerformanceFormFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE_LINK = f'href="{reverse("projects:queue")}"'
ADMIN_LINK = f'href="{reverse("admin:index")}"'
CARRY_OVER_LINK = f'href="{reverse("projects:carry_over_year")}"'


@pytest.fixture
def superuser_left_a_filler(finance_bureau):
    """`createsuperuser` leaves the role at its default, filler: an admin all the same."""
    return UserFactory(username="root", organization=finance_bureau, is_staff=True, is_superuser=True)


@pytest.mark.parametrize(
    ("persona", "shown"),
    [("filler", False), ("outsider", False), ("dept_reviewer", True), ("finance_reviewer", True), ("admin_user", True)],
)
def test_nav_review_stats_link_follows_the_permission(request, client, persona, shown):
    user = request.getfixturevalue(persona)
    http_request = RequestFactory().get("/")
    http_request.user = user
    assert perfgoals_nav(http_request)["can_view_review_stats"] is shown

    client.force_login(user)
    page = client.get(reverse("projects:my_forms")).content.decode()

    assert ('data-nav="review-stats"' in page) is shown


@pytest.mark.parametrize(
    ("persona", "nav"),
    [
        (
            "filler",
            {
                "is_filler": True,
                "is_reviewer": False,
                "can_administer": False,
                "can_carry_over_year": False,
                "can_exchange": False,
            },
        ),
        (
            "dept_reviewer",
            {
                "is_filler": False,
                "is_reviewer": True,
                "can_administer": False,
                "can_carry_over_year": False,
                "can_exchange": False,
            },
        ),
        (
            "finance_reviewer",
            {
                "is_filler": False,
                "is_reviewer": True,
                "can_administer": False,
                "can_carry_over_year": False,
                "can_exchange": False,
            },
        ),
        (
            "admin_user",
            {
                "is_filler": False,
                "is_reviewer": True,
                "can_administer": True,
                "can_carry_over_year": True,
                "can_exchange": True,
            },
        ),
        (
            "superuser_left_a_filler",
            {
                "is_filler": True,
                "is_reviewer": True,
                "can_administer": True,
                "can_carry_over_year": True,
                "can_exchange": True,
            },
        ),
    ],
)
def test_nav_links_follow_the_permissions(request, client, persona, nav):
    user = request.getfixturevalue(persona)
    http_request = RequestFactory().get("/")
    http_request.user = user
    got = perfgoals_nav(http_request)
    assert {key: got[key] for key in nav} == nav

    client.force_login(user)
    page = client.get(reverse("projects:my_forms")).content.decode()

    assert (QUEUE_LINK in page) == nav["is_reviewer"]
    assert (ADMIN_LINK in page) == nav["can_administer"]
    assert (CARRY_OVER_LINK in page) == nav["can_carry_over_year"]


def test_nav_without_a_user_shows_nothing():
    nav = perfgoals_nav(RequestFactory().get("/"))
    assert nav and not any(nav.values())


@pytest.mark.parametrize(
    ("status", "next_step", "editable"),
    [
        (Status.DRAFT, "下一步：填写完整后提交审核", True),
        (Status.RETURNED, "下一步：按退回理由修改后重新提交", True),
        (Status.SUBMITTED, "等待主管部门审核（可撤回）", False),
        (Status.DEPT_APPROVED, "等待财政局批复", False),
        (Status.APPROVED, "已批复，无需操作", False),
    ],
)
def test_my_forms_row_shows_next_step_and_edit_link_by_status(filler_client, unit_a, year, status, next_step, editable):
    perf_form = PerformanceFormFactory(unit=unit_a, year=year, status=status)

    page = filler_client.get(reverse("projects:my_forms")).content.decode()

    assert f'<div class="small text-muted next-step">{next_step}</div>' in page
    assert (f'href="{reverse("projects:edit", args=[perf_form.pk])}"' in page) == editable
    assert "我的绩效目标表" in page


def test_my_forms_for_a_reviewer_has_no_edit_links(client, dept_reviewer, unit_a, year):
    perf_form = PerformanceFormFactory(unit=unit_a, year=year, status=Status.RETURNED, submitted_at="2020-03-01T00:00Z")
    client.force_login(dept_reviewer)

    page = client.get(reverse("projects:my_forms")).content.decode()

    assert perf_form.title in page
    assert reverse("projects:edit", args=[perf_form.pk]) not in page
    assert "我的绩效目标表" not in page


def test_my_forms_offers_the_department_form_to_a_department_filler(client, department, year):
    client.force_login(UserFactory(username="dept_filler", organization=department, role=User.Role.FILLER))

    page = client.get(reverse("projects:my_forms")).content.decode()

    assert f'href="{reverse("projects:create")}?kind={FormKind.DEPARTMENT.value}&amp;year={year.pk}"' in page


@pytest.mark.parametrize(
    ("status", "reviewer", "button"),
    [(Status.SUBMITTED, "dept_reviewer", "审核通过，报财政局"), (Status.DEPT_APPROVED, "finance_reviewer", "批复通过")],
)
def test_review_button_names_the_step(request, client, unit_a, year, status, reviewer, button):
    perf_form = PerformanceFormFactory(unit=unit_a, year=year, status=status, submitted_at="2020-03-01T00:00Z")
    client.force_login(request.getfixturevalue(reviewer))

    page = client.get(reverse("projects:review", args=[perf_form.pk])).content.decode()

    assert f'type="submit">{button}</button>' in page


@pytest.mark.parametrize(("status", "shown"), [(Status.APPROVED, True), (Status.DEPT_APPROVED, False)])
def test_detail_says_an_approved_form_is_read_only(filler_client, unit_a, year, status, shown):
    perf_form = PerformanceFormFactory(unit=unit_a, year=year, status=status, submitted_at="2020-03-01T00:00Z")

    page = filler_client.get(reverse("projects:detail", args=[perf_form.pk])).content.decode()

    assert ("已批复的表只读" in page) == shown


@pytest.mark.parametrize(("kind", "is_department"), [(FormKind.PROJECT, False), (FormKind.DEPARTMENT, True)])
def test_form_is_department_follows_its_kind(kind, is_department):
    assert PerformanceFormFactory.build(kind=kind).is_department is is_department
