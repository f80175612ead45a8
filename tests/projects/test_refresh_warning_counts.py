"""manage.py refresh_warning_counts: stored counts as the current rules count them."""

from io import StringIO

import pytest
from django.core.management import call_command

from projects import services
from projects.models import PerformanceForm
from tests.factories import IndicatorFactory, complete_form

pytestmark = pytest.mark.django_db


def test_refresh_warning_counts_fixes_stale_counts_and_only_those(unit_a, year):
    stale = complete_form(unit=unit_a, year=year)
    IndicatorFactory(perf_form=stale, value="100%")  # op_missing: a hint, counted in neither
    fresh = complete_form(unit=unit_a, year=year, project_name="另一个项目")
    expected = (fresh.error_count, fresh.warning_count)
    PerformanceForm.objects.filter(pk=stale.pk).update(error_count=3, warning_count=9)
    version, updated = stale.version, PerformanceForm.objects.get(pk=stale.pk).updated_at
    out = StringIO()
    call_command("refresh_warning_counts", stdout=out)
    assert "1 form(s)" in out.getvalue()
    stale.refresh_from_db()
    found = services.form_warnings(stale)
    assert (stale.error_count, stale.warning_count) == (
        sum(w.severity == "error" for w in found),
        sum(w.severity == "warning" for w in found),
    )
    assert any(w.severity == "hint" for w in found)
    assert (stale.version, stale.updated_at) == (version, updated)
    fresh.refresh_from_db()
    assert (fresh.error_count, fresh.warning_count) == expected
