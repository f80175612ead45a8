"""Invariants of the scorecard on the published seed forms and on any scores (hypothesis)."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from projects import services
from projects.exchange.importing import import_text_file
from projects.models import FiscalYear, PerformanceForm
from projects.reviews import services as reviews
from projects.reviews.choices import Dimension, Grade
from projects.reviews.models import ReviewItem, ReviewTemplate
from projects.reviews.seed import seed_templates

SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"
RANK = [Grade.POOR, Grade.FAIR, Grade.GOOD, Grade.EXCELLENT]


@pytest.mark.django_db
def test_seed_forms_evidence_is_their_warnings_and_suggestions_in_range():
    for path in sorted(SEEDS.glob("*.txt")):
        assert import_text_file(path).created
    seed_templates(list(FiscalYear.objects.all()))
    for perf_form in PerformanceForm.objects.all():
        rows = list(perf_form.indicators.all())
        found = services.form_warnings(perf_form, rows)
        template = reviews.template_for(perf_form)
        sheet = reviews.scoring_sheet(template, found, rows)
        assert sum(e.item.max_points for e in sheet) == 100
        for entry in sheet:
            assert entry.evidence == [w for w in found if w.code in entry.item.evidence_codes]
            assert 0 <= entry.suggested <= entry.item.max_points
        # Accepting every suggestion needs no reason and totals the suggestions.
        given = {e.item.pk: reviews.ScoreInput(str(e.suggested)) for e in sheet}
        evaluation = reviews.evaluate(template, sheet, given, "按意见完善。")
        assert evaluation.total == sum(e.suggested for e in sheet)


def _sheet(maxima: list[int]) -> list[reviews.SheetItem]:
    return [
        reviews.SheetItem(
            item=ReviewItem(id=i + 1, dimension=Dimension.RELEVANCE, point=f"要点{i}", max_points=Decimal(m)),
            evidence=[],
            suggested=Decimal(m),
        )
        for i, m in enumerate(maxima)
    ]


@st.composite
def scored(draw):
    maxima = draw(st.lists(st.sampled_from([5, 10, 20]), min_size=1, max_size=12))
    halves = [draw(st.integers(0, m * 2)) for m in maxima]
    return maxima, [Decimal(h) / 2 for h in halves]


@given(scored())
def test_evaluate_any_scores_total_grade_and_outcome_agree(case):
    maxima, points = case
    template = ReviewTemplate()
    sheet = _sheet(maxima)
    given_scores = {e.item.pk: reviews.ScoreInput(str(p), "理由") for e, p in zip(sheet, points, strict=True)}
    evaluation = reviews.evaluate(template, sheet, given_scores, "请按修改完善意见完善。")
    assert evaluation.total == sum(points)
    assert evaluation.grade == reviews.grade_for(template, evaluation.total)
    assert evaluation.outcome == reviews.outcome_for(template, evaluation.grade)
    # One point more never lowers the grade.
    better = reviews.grade_for(template, evaluation.total + 1)
    assert RANK.index(better) >= RANK.index(evaluation.grade)
