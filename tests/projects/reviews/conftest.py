import pytest

from projects import services
from projects.reviews import services as reviews
from projects.reviews.seed import seed_templates


@pytest.fixture
def templates(year):
    return seed_templates([year])


@pytest.fixture
def submitted(ready_form, filler, templates):
    """甲单位's complete form, submitted: it awaits the 主管部门's 初审."""
    return services.submit(perf_form=ready_form, by=filler)


def sheet_of(perf_form):
    template = reviews.template_for(perf_form)
    rows = list(perf_form.indicators.all())
    return reviews.scoring_sheet(template, services.form_warnings(perf_form, rows), rows)


def scores_at(perf_form, share: str = "", **points_by_position) -> dict:
    """Every item at its suggestion, or at `share` of its maximum (rounded to .5) with a reason."""
    from decimal import Decimal

    scores = {}
    for position, entry in enumerate(sheet_of(perf_form)):
        if share:
            points = (entry.item.max_points * Decimal(share) * 2).quantize(Decimal("1")) / 2
        else:
            points = entry.suggested
        points = Decimal(points_by_position.get(f"p{position}", points))
        remark = "" if points == entry.suggested else "按审核要求给分"
        scores[entry.item.pk] = reviews.ScoreInput(str(points), remark)
    return scores


def post_of(scores: dict, opinion: str = "", intent: str = "decide") -> dict:
    data = {"opinion": opinion, "intent": intent}
    for pk, given in scores.items():
        data[f"points-{pk}"] = given.points
        data[f"remark-{pk}"] = given.remark
    return data
