"""The review statistics page and its workbook; the detail page's step wording and 撤回 confirmation."""

import re
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from projects import services
from projects.models import PerformanceForm, Status
from projects.reviews.choices import Dimension, Grade, Stage
from projects.reviews.statistics import review_statistics
from projects.views.steps import APPROVED_MESSAGES, REVIEWER_STEPS, UNIT_STEPS, YOUR_STEP
from tests.factories import OrganizationFactory, PerformanceFormFactory, make_scorecard

pytestmark = pytest.mark.django_db

STATS = reverse("projects:review_stats")
STATS_XLSX = reverse("projects:review_stats_xlsx")


@pytest.fixture
def season(year, unit_a, unit_b, other_department):
    """Scored forms of two departments: 测试主管部门 (甲单位 优 and 中, 乙单位 良) and 另一主管部门 (差)."""
    other_unit = OrganizationFactory(name="丙单位", parent=other_department)
    scored = [
        (unit_a, (25, 25, 25, 20)),
        (unit_a, (20, 15, 15, 15)),
        (unit_b, (22, 20, 20, 20)),
        (other_unit, (5, 5, 5, 5)),
    ]
    for unit, points in scored:
        perf_form = PerformanceFormFactory(unit=unit, year=year, status=Status.SUBMITTED, submitted_at=timezone.now())
        make_scorecard(perf_form, points)


def stats_rows(response) -> dict[str, list[str]]:
    page = response.content.decode()
    rows = {}
    for row in re.findall(r"<tr data-stats-(?:row|total)[^>]*>(.*?)</tr>", page, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        rows[cells[0]] = cells[1:]
    return rows


@pytest.mark.parametrize(
    ("persona", "departments"),
    [
        ("admin_user", {"测试主管部门", "另一主管部门", "合计"}),
        ("finance_reviewer", {"测试主管部门", "合计"}),
        ("dept_reviewer", {"测试主管部门", "合计"}),
        ("other_dept_reviewer", {"另一主管部门", "合计"}),
    ],
)
def test_stats_page_shows_the_departments_in_scope(request, client, season, persona, departments):
    client.force_login(request.getfixturevalue(persona))
    assert set(stats_rows(client.get(STATS))) == departments


def test_stats_page_matches_the_statistics(client, admin_user, season):
    client.force_login(admin_user)
    rows = stats_rows(client.get(STATS, {"year": 2020}))
    mine = next(d for d in review_statistics(year=2020) if d.department == "测试主管部门")

    cells = rows[mine.department]
    assert cells[0] == str(mine.forms) == "3"
    assert cells[1 : 1 + len(Grade)] == [str(mine.grades[g]) for g in Grade.values]
    averages = mine.dimension_avg()
    assert [c.split(" / ")[0] for c in cells[1 + len(Grade) : 1 + len(Grade) + len(Dimension)]] == [
        str(averages[d]) for d in Dimension.values
    ]
    assert rows["合计"][0] == "4"


@pytest.mark.parametrize("persona", ["filler", "outsider"])
def test_stats_page_refused_to_fillers(request, client, season, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(STATS).status_code == 403
    assert client.get(STATS_XLSX).status_code == 403


@pytest.mark.parametrize("params", [{"year": "1999"}, {"year": "abc"}, {"stage": "nonsense"}])
def test_stats_page_bad_choice_is_a_chinese_message(client, admin_user, season, params):
    client.force_login(admin_user)
    response = client.get(STATS, params)
    assert response.status_code == 400
    assert "data-stats-error" in response.content.decode()
    assert "选择" in response.content.decode()
    assert client.get(STATS_XLSX, params).status_code == 404


def test_stats_page_empty_year_says_so(client, admin_user, year):
    client.force_login(admin_user)
    page = client.get(STATS).content.decode()
    assert "data-stats-empty" in page and 'data-action="stats-xlsx"' not in page


def test_stats_stage_filter_counts_only_that_stage(client, admin_user, season, perf_form):
    PerformanceForm.objects.filter(pk=perf_form.pk).update(status=Status.APPROVED, submitted_at=timezone.now())
    make_scorecard(perf_form, (25, 25, 25, 25), stage=Stage.FINANCE)
    client.force_login(admin_user)

    assert stats_rows(client.get(STATS, {"stage": Stage.FINANCE})).keys() == {"测试主管部门", "合计"}
    assert stats_rows(client.get(STATS, {"stage": Stage.FINANCE}))["合计"][0] == "1"
    assert stats_rows(client.get(STATS))["合计"][0] == "5"


def test_stats_xlsx_holds_the_page(client, admin_user, season):
    client.force_login(admin_user)
    page_rows = stats_rows(client.get(STATS))
    response = client.get(STATS_XLSX)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    ws = openpyxl.load_workbook(BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in ws.iter_rows()]
    by_name = {row[0]: row[1:] for row in values if row and row[0] in page_rows}

    assert set(by_name) == set(page_rows)
    for name, cells in page_rows.items():
        workbook_cells = [Decimal(str(v)) for v in by_name[name][: len(cells)]]
        assert workbook_cells == [Decimal(c.split(" / ")[0]) for c in cells]


def test_stats_page_queries_stay_constant(client, admin_user, season, year, unit_a, django_assert_max_num_queries):
    client.force_login(admin_user)
    with django_assert_max_num_queries(12) as few:
        client.get(STATS)
    for points in [(1, 2, 3, 4)] * 10:
        perf_form = PerformanceFormFactory(unit=unit_a, year=year, status=Status.SUBMITTED, submitted_at=timezone.now())
        make_scorecard(perf_form, points)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(STATS)


# --- The detail page ---------------------------------------------------------------------------------


def detail(client, perf_form) -> str:
    response = client.get(reverse("projects:detail", args=[perf_form.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_detail_page_names_the_step_for_the_unit_and_the_reviewers(
    client, ready_form, filler, dept_reviewer, finance_reviewer
):
    services.submit(perf_form=ready_form, by=filler)
    expected = {filler: UNIT_STEPS[Status.SUBMITTED], dept_reviewer: YOUR_STEP[Status.SUBMITTED]}
    expected[finance_reviewer] = REVIEWER_STEPS[Status.SUBMITTED]
    for user, text in expected.items():
        client.force_login(user)
        assert str(text) in detail(client, ready_form)
    services.approve(perf_form=ready_form, by=dept_reviewer)
    expected = {filler: UNIT_STEPS[Status.DEPT_APPROVED], dept_reviewer: REVIEWER_STEPS[Status.DEPT_APPROVED]}
    expected[finance_reviewer] = YOUR_STEP[Status.DEPT_APPROVED]
    for user, text in expected.items():
        client.force_login(user)
        assert str(text) in detail(client, ready_form)


def test_every_status_has_its_wording():
    assert set(UNIT_STEPS) == set(REVIEWER_STEPS) == set(Status)


def test_approve_message_names_the_step(client, ready_form, filler, dept_reviewer, finance_reviewer):
    services.submit(perf_form=ready_form, by=filler)
    for reviewer, status in ((dept_reviewer, Status.DEPT_APPROVED), (finance_reviewer, Status.APPROVED)):
        client.force_login(reviewer)
        response = client.post(reverse("projects:approve", args=[ready_form.pk]), follow=True)
        shown = [str(m) for m in response.context["messages"]]
        assert shown == [str(APPROVED_MESSAGES[status])]
        ready_form.refresh_from_db()
        assert ready_form.status == status


def test_withdraw_asks_for_confirmation_before_posting(filler_client, ready_form, filler):
    services.submit(perf_form=ready_form, by=filler)
    page = detail(filler_client, ready_form)
    confirm = re.search(r'<details class="withdraw-confirm".*?</details>', page, re.S).group(0)

    # The visible button only opens the question; the POST is behind the confirm button inside it.
    assert re.search(r"<summary[^>]*>撤回</summary>", confirm)
    assert f'action="{reverse("projects:withdraw", args=[ready_form.pk])}"' in confirm
    assert 'data-action="withdraw-confirm"' in confirm
    # The load client (load/run.py) follows <form data-action="withdraw">: still there, inside the step.
    assert re.search(r'<form [^>]*data-action="withdraw"', confirm)
    assert page.count(reverse("projects:withdraw", args=[ready_form.pk])) == 1


def test_my_forms_lists_a_rejected_form_with_its_next_step(filler_client, perf_form):
    PerformanceForm.objects.filter(pk=perf_form.pk).update(status=Status.REJECTED, submitted_at=timezone.now())
    page = filler_client.get(reverse("projects:my_forms")).content.decode()
    assert "本年度不予通过" in page


def test_department_reviewer_reads_the_reviewer_wording_on_its_departments_own_form(
    client, department, dept_reviewer, year
):
    perf_form = PerformanceFormFactory(unit=department, year=year, status=Status.RETURNED, submitted_at=timezone.now())
    client.force_login(dept_reviewer)
    page = detail(client, perf_form)
    assert str(REVIEWER_STEPS[Status.RETURNED]) in page and str(UNIT_STEPS[Status.RETURNED]) not in page
