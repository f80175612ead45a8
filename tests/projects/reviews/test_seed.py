from decimal import Decimal

import pytest
from django.core.management import call_command

from indicators.choices import FormKind
from indicators.warnings import FORM_RULES, ROW_RULES
from projects.reviews.choices import Dimension
from projects.reviews.models import ReviewItem, ReviewTemplate

pytestmark = pytest.mark.django_db

DIMENSION_POINTS = {
    Dimension.COMPLETENESS: Decimal(20),
    Dimension.RELEVANCE: Decimal(30),
    Dimension.APPROPRIATENESS: Decimal(25),
    Dimension.FEASIBILITY: Decimal(25),
}


def test_seed_review_templates_idempotent_one_per_kind(year, capsys):
    call_command("seed_review_templates")
    call_command("seed_review_templates")
    assert sorted(ReviewTemplate.objects.values_list("form_kind", flat=True)) == sorted(FormKind.values)
    assert ReviewItem.objects.count() == sum(t.items.count() for t in ReviewTemplate.objects.all())


@pytest.mark.parametrize("kind", FormKind.values)
def test_seed_review_templates_hundred_points_by_dimension(year, kind):
    call_command("seed_review_templates", year=year.year)
    items = ReviewTemplate.objects.get(form_kind=kind).items.all()
    for dimension, points in DIMENSION_POINTS.items():
        assert sum(i.max_points for i in items if i.dimension == dimension) == points


def test_seed_review_templates_evidence_codes_are_registered_rules(year):
    call_command("seed_review_templates")
    registered = {rule.code for rule in FORM_RULES + ROW_RULES}
    used = {code for item in ReviewItem.objects.all() for code in item.evidence_codes}
    assert used and used <= registered


def test_seed_review_templates_keeps_an_edited_template(year):
    call_command("seed_review_templates")
    template = ReviewTemplate.objects.get(form_kind=FormKind.PROJECT)
    template.items.first().delete()
    count = template.items.count()
    call_command("seed_review_templates")
    assert template.items.count() == count


def test_admin_item_form_checks_evidence_codes(year):
    from projects.reviews.admin import ReviewItemForm

    call_command("seed_review_templates")
    item = ReviewItem.objects.first()
    data = {"position": 0, "dimension": item.dimension, "point": item.point, "max_points": "5", "deduction": "1"}
    form = ReviewItemForm({**data, "evidence_codes": "value_vague  no_such_rule"}, instance=item)
    assert not form.is_valid() and "no_such_rule" in str(form.errors["evidence_codes"])
    form = ReviewItemForm({**data, "evidence_codes": "value_vague unit_missing value_vague"}, instance=item)
    assert form.is_valid(), form.errors
    assert form.save().evidence_codes == ["value_vague", "unit_missing"]
