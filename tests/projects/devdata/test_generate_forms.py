import io
import random

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import Q

from projects import services
from projects.accounts.models import User
from projects.devdata.synthetic import DEFAULT_PASSWORD, FINANCE_ALL_USERNAME, _vary_value, filler_username
from projects.models import Action, FormEvent, Indicator, PerformanceForm, Status, Submission

pytestmark = pytest.mark.django_db

FORMS = 30


def _fingerprint(year: int) -> list[tuple]:
    forms = PerformanceForm.objects.filter(year__year=year).order_by("pk")
    return [(f.project_name, f.unit_id, f.status, f.indicators.count(), f.error_count) for f in forms]


@pytest.fixture
def generated():
    call_command("generate_forms", year=2031, forms=FORMS, seed=3, stdout=io.StringIO())
    return PerformanceForm.objects.filter(year__year=2031)


def test_generate_forms_every_state_with_its_history(generated):
    assert generated.count() == FORMS
    assert set(generated.values_list("status", flat=True)) == set(Status.values)
    for perf_form in generated.prefetch_related("events", "submissions"):
        events = sorted(perf_form.events.all(), key=lambda e: (e.created_at, e.pk))
        chain = [Status.DRAFT] + [e.to_status for e in events]
        assert [e.from_status for e in events] == chain[:-1]
        assert chain[-1] == perf_form.status
        submits = [e for e in events if e.action == Action.SUBMIT]
        assert len(perf_form.submissions.all()) == len(submits)
        assert perf_form.submitted_at == (submits[-1].created_at if submits else None)
        assert perf_form.version > len(events)
        if perf_form.status not in (Status.DRAFT, Status.RETURNED):
            assert perf_form.error_count == 0


def test_generate_forms_about_twenty_parsed_rows_and_true_counts(generated):
    for perf_form in generated:
        rows = list(perf_form.indicators.all())
        assert 14 <= len(rows) <= 26
        assert [r.position for r in rows] == list(range(len(rows)))
        found = services.form_warnings(perf_form, rows)
        assert perf_form.error_count == sum(w.severity == "error" for w in found)
        assert perf_form.warning_count == sum(w.severity == "warning" for w in found)
    rows = Indicator.objects.filter(perf_form__in=generated)
    assert not rows.filter(target_kind="").exists()
    assert rows.filter(target_kind="quantitative", target_low__isnull=False).count() > rows.count() / 2
    # Names and values come from the 2020/2021 seed forms, moved to the generated year.
    assert not rows.filter(Q(value__contains="2020") | Q(level3__contains="2020")).exists()


def test_generate_forms_accounts_share_one_password(generated, rf):
    login = rf.post("/accounts/login/")  # the lockout backend (axes) needs the request a login comes with
    assert authenticate(login, username=filler_username(1), password=DEFAULT_PASSWORD) is not None
    hashes = set(User.objects.filter(username__startswith="syn_").values_list("password", flat=True))
    assert len(hashes) == 1
    finance = User.objects.get(username=FINANCE_ALL_USERNAME)
    assert PerformanceForm.objects.visible_to(finance).count() == generated.exclude(submitted_at=None).count()


def test_generate_forms_refuses_a_year_that_has_forms(generated):
    events, submissions = FormEvent.objects.count(), Submission.objects.count()
    with pytest.raises(CommandError, match="already has 30 forms"):
        call_command("generate_forms", year=2031, forms=5)
    assert generated.count() == FORMS
    assert (FormEvent.objects.count(), Submission.objects.count()) == (events, submissions)


def test_generate_forms_same_seed_same_forms(generated):
    call_command("generate_forms", year=2032, forms=FORMS, seed=3, stdout=io.StringIO())
    assert _fingerprint(2032) == _fingerprint(2031)


@pytest.mark.parametrize("value", ["=11月底前", "11月前", "=3月份前", "每月15日前", "=12号", "第3季度", "=2年"])
def test_vary_value_keeps_calendar_values(value):
    rng = random.Random(1)
    assert {_vary_value(value, 2031, rng) for _ in range(20)} == {value}


@pytest.mark.parametrize(("value", "unit"), [("=50家", "家"), ("<=45天", "天"), ("=6个月", "个月")])
def test_vary_value_scales_counts_and_durations(value, unit):
    rng = random.Random(1)
    varied = {_vary_value(value, 2031, rng) for _ in range(20)}
    assert len(varied) > 1
    assert all(v.endswith(unit) for v in varied)
