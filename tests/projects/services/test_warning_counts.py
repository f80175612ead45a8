"""FormWarningCount: each form's errors and warnings per rule, stored with its totals."""

from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from indicators.choices import Severity
from indicators.warnings import FORM_RULES, ROW_RULES
from projects import services
from projects.exchange.importing import import_text_file
from projects.models import FormWarningCount, PerformanceForm
from projects.services import content
from tests.factories import complete_form

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"


@pytest.fixture
def seeds():
    """The published forms (fixtures/seeds), stored by the text importer (import_form → write_content)."""
    for path in sorted(SEEDS.glob("*.txt")):
        import_text_file(path)
    return list(PerformanceForm.objects.select_related("year", "framework", "unit").order_by("pk"))


def _expected(perf_form: PerformanceForm) -> dict[str, tuple[str, int]]:
    """The rules' findings tallied by hand: {code: (severity, n)}, hints left out."""
    found = services.form_warnings(perf_form)
    tally = Counter((w.code, w.severity) for w in found if w.severity != Severity.HINT)
    return {code: (severity, n) for (code, severity), n in tally.items()}


def _stored(perf_form: PerformanceForm) -> dict[str, tuple[str, int]]:
    return {
        c: (s, n)
        for c, s, n in FormWarningCount.objects.filter(perf_form=perf_form).values_list("code", "severity", "count")
    }


def _assert_matches_rules(perf_form: PerformanceForm) -> None:
    perf_form.refresh_from_db()
    stored = _stored(perf_form)
    assert stored == _expected(perf_form), perf_form.title
    by_severity = Counter()
    for severity, n in stored.values():
        by_severity[severity] += n
    assert (by_severity[Severity.ERROR], by_severity[Severity.WARNING]) == (
        perf_form.error_count,
        perf_form.warning_count,
    )


def test_every_rule_has_a_title():
    assert all(str(rule.title) for rule in FORM_RULES + ROW_RULES)
    assert len({rule.code for rule in FORM_RULES + ROW_RULES}) == len(FORM_RULES + ROW_RULES)


def test_seed_forms_store_their_counts_per_rule_on_save(seeds):
    assert len(seeds) > 1
    for perf_form in seeds:
        _assert_matches_rules(perf_form)
    # The seeds are real forms with real findings: the rows are not trivially empty.
    assert FormWarningCount.objects.filter(perf_form__in=seeds).exists()


def test_a_save_that_adds_a_finding_replaces_the_rows(filler, year):
    perf_form = complete_form(unit=filler.organization, year=year)
    assert _stored(perf_form) == _expected(perf_form)
    rows = [
        services.RowInput(level1=r.level1, level2=r.level2, level3=r.level3, value=r.value, id=r.pk)
        for r in perf_form.indicators.all()
    ]
    rows[0].value = "待定"
    perf_form.refresh_from_db()
    services.save_form(perf_form=perf_form, by=filler, values={}, rows=rows, expected_version=perf_form.version)
    assert _stored(perf_form)["value_placeholder"] == (Severity.ERROR, 1)
    _assert_matches_rules(perf_form)


def test_a_save_that_finds_the_same_keeps_the_rows(filler, year):
    perf_form = complete_form(unit=filler.organization, year=year)
    rows = [
        services.RowInput(level1=r.level1, level2=r.level2, level3=r.level3, value=r.value, id=r.pk)
        for r in perf_form.indicators.all()
    ]

    def save(values):
        perf_form.refresh_from_db()
        services.save_form(perf_form=perf_form, by=filler, values=values, rows=rows, expected_version=perf_form.version)
        return list(FormWarningCount.objects.filter(perf_form=perf_form).values_list("pk", "code", "severity", "count"))

    before = save({"goals": ""})
    assert "text_missing" in [code for _pk, code, _s, _n in before]
    assert save({"goals": ""}) == before
    assert save({}) == before
    _assert_matches_rules(perf_form)


def test_refresh_warning_counts_backfills_and_fixes_the_rows_per_rule(seeds):
    stale, *others = seeds
    FormWarningCount.objects.all().delete()  # as after the migration: no form has any
    FormWarningCount.objects.create(perf_form=stale, code="retired_rule", severity=Severity.WARNING, count=4)
    versions = {f.pk: (f.version, f.updated_at) for f in PerformanceForm.objects.all()}
    out = StringIO()
    call_command("refresh_warning_counts", stdout=out)
    with_findings = sum(1 for f in seeds if _expected(f))
    assert f"{with_findings + (0 if _expected(stale) else 1)} form(s)" in out.getvalue()
    for perf_form in seeds:
        _assert_matches_rules(perf_form)
    assert {f.pk: (f.version, f.updated_at) for f in PerformanceForm.objects.all()} == versions
    out = StringIO()
    call_command("refresh_warning_counts", stdout=out)
    assert "0 form(s)" in out.getvalue()


def test_refresh_counts_in_batches_matches_one_batch(seeds, monkeypatch):
    monkeypatch.setattr(content, "REFRESH_BATCH", 1)
    FormWarningCount.objects.all().delete()
    services.refresh_counts(PerformanceForm.objects.all())
    for perf_form in seeds:
        _assert_matches_rules(perf_form)
