"""The 审核意见书: who may download it, what it prints, and that it prints like the official forms."""

from datetime import timedelta
from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from projects.exchange import opinion, writer
from projects.models import PerformanceForm, Status
from projects.reviews.choices import Grade, Stage
from projects.reviews.models import Scorecard
from tests.factories import make_scorecard
from tests.projects.exchange.helpers import XLSX, assert_no_formula

pytestmark = pytest.mark.django_db


def download(client, perf_form, status=200):
    response = client.get(reverse("projects:opinion_download", args=[perf_form.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == XLSX
        assert "attachment" in response["Content-Disposition"]
    return response.content


def cells(data: bytes) -> list[str]:
    ws = openpyxl.load_workbook(BytesIO(data)).active
    return [str(cell.value) for row in ws.iter_rows() for cell in row if cell.value is not None]


@pytest.fixture
def scored(perf_form, dept_reviewer, finance_reviewer):
    """初审 良 with an opinion, then 复审 优: the two scorecards a form normally gets."""
    PerformanceForm.objects.filter(pk=perf_form.pk).update(status=Status.APPROVED, submitted_at=timezone.now())
    first = make_scorecard(
        perf_form,
        (22, 20, 20, 20),
        reviewer=dept_reviewer,
        reviewer_name="张初审",
        opinion="请补充满意度指标的测算依据。",
        evidence=(2, 0, 1, 0),
        remarks=("缺少二级指标", "", "=SUM(A1) 成本偏高", ""),
    )
    second = make_scorecard(perf_form, (25, 23, 22, 22), stage=Stage.FINANCE, reviewer=finance_reviewer)
    Scorecard.objects.filter(pk=first.pk).update(created_at=second.created_at - timedelta(days=2))
    return first, second


def test_opinion_download_for_the_unit_and_both_reviewers(
    client, scored, perf_form, filler, dept_reviewer, finance_reviewer
):
    for user in (filler, dept_reviewer, finance_reviewer):
        client.force_login(user)
        assert download(client, perf_form)


def test_opinion_download_refused_outside_the_scope(client, scored, perf_form, outsider, other_dept_reviewer):
    for user in (outsider, other_dept_reviewer):
        client.force_login(user)
        download(client, perf_form, status=404)


def test_opinion_download_without_scorecard_is_404(filler_client, perf_form):
    download(filler_client, perf_form, status=404)


def test_opinion_prints_both_stages_items_grades_and_opinions(filler_client, scored, perf_form):
    first, second = scored
    text = "\n".join(cells(download(filler_client, perf_form)))

    assert perf_form.unit.name in text and perf_form.project_name in text and "2020年度" in text
    for card in (first, second):
        for score in card.scores.all():
            assert score.point in text
        assert card.get_grade_display() in text and card.get_outcome_display() in text
        assert card.reviewer_name in text
        assert card.created_at.astimezone().strftime("%Y-%m-%d") in text
    assert "请补充满意度指标的测算依据。" in text and "=SUM(A1) 成本偏高" in text
    assert text.index("初审") < text.index("复审")
    assert "82 / 100" in text and "92 / 100" in text


def test_opinion_sheet_counts_evidence_and_subtotals(scored, perf_form):
    sheet = opinion.opinion_sheet(perf_form, opinion.latest_per_stage(perf_form))
    first_stage = sheet.stages[0]

    assert [item.evidence for item in first_stage.items] == [2, 0, 1, 0]
    assert [item.points for item in first_stage.items] == [22, 20, 20, 20]
    assert sum(points for _label, points, _max in first_stage.subtotals) == first_stage.total
    assert [s.grade for s in sheet.stages] == [Grade.GOOD.label, Grade.EXCELLENT.label]


def test_opinion_keeps_only_the_latest_scorecard_per_stage(filler_client, scored, perf_form):
    newer = make_scorecard(perf_form, (5, 5, 5, 5), opinion="重新评分后的意见")
    cards = opinion.latest_per_stage(perf_form)

    assert [c.pk for c in cards] == [newer.pk, scored[1].pk]
    text = "\n".join(cells(download(filler_client, perf_form)))
    assert "重新评分后的意见" in text and "请补充满意度指标的测算依据。" not in text
    assert "此前另有 1 次评分" in text


def test_opinion_prints_a4_portrait_fit_to_width_with_repeated_header(filler_client, scored, perf_form):
    ws = openpyxl.load_workbook(BytesIO(download(filler_client, perf_form))).active

    assert ws.page_setup.orientation == "portrait"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and int(ws.page_setup.fitToWidth) == 1
    assert int(ws.page_setup.fitToHeight) == 0
    head = int(ws.print_title_rows.split(":")[0].lstrip("$"))
    assert [ws.cell(row=head, column=c).value for c in (1, 2, 4)] == ["审核维度", "审核要点", "得分"]


def test_opinion_never_holds_a_formula(filler_client, scored, perf_form):
    assert_no_formula(download(filler_client, perf_form))


def test_long_opinion_continues_in_rows_and_keeps_every_character(filler_client, perf_form):
    long_opinion = "请补充测算依据并细化指标。" * 150  # 1,950 characters: over one row's 409 points
    make_scorecard(perf_form, (10, 10, 10, 10), opinion=long_opinion, remarks=("很长的说明。" * 300, "", "", ""))
    data = download(filler_client, perf_form)
    ws = openpyxl.load_workbook(BytesIO(data)).active

    assert all((ws.row_dimensions[r].height or 0) <= writer.MAX_ROW_HEIGHT for r in range(1, ws.max_row + 1))
    column_b = "".join(str(ws.cell(row=r, column=2).value or "") for r in range(1, ws.max_row + 1))
    column_f = "".join(str(ws.cell(row=r, column=6).value or "") for r in range(1, ws.max_row + 1))
    assert long_opinion in column_b and "很长的说明。" * 300 in column_f


def test_detail_page_links_the_opinion_once_scored(filler_client, perf_form):
    url = reverse("projects:detail", args=[perf_form.pk])
    assert 'data-action="opinion"' not in filler_client.get(url).content.decode()
    make_scorecard(perf_form)
    assert 'data-action="opinion"' in filler_client.get(url).content.decode()
