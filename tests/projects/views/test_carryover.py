"""The carry-over screens: 以此为基础新建 on the unit's forms, the 上年值 in the editor, the admin's roll-over."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from projects.accounts.models import User
from projects.models import BackgroundJob, FiscalYear, PerformanceForm
from projects.services.carryover import carry_over_form
from tests.factories import FiscalYearFactory, PerformanceFormFactory, UserFactory, complete_form
from tests.tasks import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def next_year(year):
    return FiscalYearFactory(year=2021)


@pytest.fixture
def admin_client(client, finance_bureau):
    client.force_login(UserFactory(username="admin", role=User.Role.ADMIN, organization=finance_bureau))
    return client


def _carry(client, perf_form, year):
    return client.post(reverse("projects:carry_over", args=[perf_form.pk]), {"year": year.pk})


def test_carry_over_creates_the_draft_and_opens_its_editor(filler_client, perf_form, next_year):
    response = _carry(filler_client, perf_form, next_year)
    draft = PerformanceForm.objects.get(year=next_year)
    assert response.status_code == 302 and response.url == reverse("projects:edit", args=[draft.pk])
    assert draft.source_form == perf_form


def test_carry_over_of_another_units_form_is_404(outsider_client, perf_form, next_year):
    assert _carry(outsider_client, perf_form, next_year).status_code == 404
    assert not PerformanceForm.objects.filter(year=next_year).exists()


def test_carry_over_is_post_only(filler_client, perf_form, next_year):
    assert filler_client.get(reverse("projects:carry_over", args=[perf_form.pk])).status_code == 405


def test_carry_over_twice_links_the_existing_draft(filler_client, perf_form, next_year):
    _carry(filler_client, perf_form, next_year)
    response = _carry(filler_client, perf_form, next_year)
    assert response.url == perf_form.get_absolute_url()
    page = filler_client.get(response.url).content.decode()
    draft = PerformanceForm.objects.get(year=next_year)
    assert f'href="{draft.get_absolute_url()}" data-existing-form' in page
    assert PerformanceForm.objects.filter(year=next_year).count() == 1


def test_carry_over_without_a_year_says_so(filler_client, perf_form, next_year):
    response = filler_client.post(reverse("projects:carry_over", args=[perf_form.pk]), {"year": "x"}, follow=True)
    assert "请选择要新建到的年度" in response.content.decode()


def test_lists_and_detail_offer_carry_over_for_earlier_forms_only(filler_client, perf_form, next_year, filler):
    current = PerformanceFormFactory(unit=filler.organization, year=next_year)
    listing = filler_client.get(reverse("projects:my_forms"), {"year": "all"}).content.decode()
    assert listing.count('data-action="carry-over"') == 1
    assert reverse("projects:carry_over", args=[perf_form.pk]) in listing
    assert 'data-action="carry-over"' in filler_client.get(perf_form.get_absolute_url()).content.decode()
    assert 'data-action="carry-over"' not in filler_client.get(current.get_absolute_url()).content.decode()


def test_editor_shows_each_carried_rows_prev_value(filler_client, filler, next_year):
    source = complete_form(unit=filler.organization)
    draft = carry_over_form(source=source, year=next_year, by=filler)
    page = filler_client.get(reverse("projects:edit", args=[draft.pk])).content.decode()
    values = [r.value for r in source.indicators.order_by("position")]
    assert page.count("data-prev-value") == len(values)
    assert all(f"上年值：{value}" in page.replace("&gt;", ">") for value in values)
    assert 'data-code="same_as_last_year"' in page


def test_editor_of_a_blank_form_shows_no_prev_value(filler_client, perf_form):
    complete_form(unit=perf_form.unit, project_name="另一个项目")
    form = PerformanceForm.objects.get(project_name="另一个项目")
    assert "data-prev-value" not in filler_client.get(reverse("projects:edit", args=[form.pk])).content.decode()


def test_roll_over_screen_is_for_admins_only(filler_client):
    assert filler_client.get(reverse("projects:carry_over_year")).status_code == 403
    assert filler_client.post(reverse("projects:carry_over_year"), {}).status_code == 403


def test_roll_over_preview_writes_nothing_and_confirm_runs_the_job(admin_client, perf_form, unit_b):
    PerformanceFormFactory(unit=unit_b, year=perf_form.year)
    query = {"source_year": 2020, "target_year": 2021, "unit": ""}
    preview = admin_client.get(reverse("projects:carry_over_year"), query).content.decode()
    assert 'data-created-count="2"' in preview and 'data-skipped-count="0"' in preview
    assert not FiscalYear.objects.filter(year=2021).exists()
    response = admin_client.post(reverse("projects:carry_over_year"), query)
    job = BackgroundJob.objects.get()
    assert response.url == reverse("projects:job_status", args=[job.pk])
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.result["created"], job.result["skipped"]) == (BackgroundJob.Status.DONE, 2, 0)
    assert "新建 2 张草稿" in job.result["lines"][0]
    assert PerformanceForm.objects.filter(year__year=2021).count() == 2
    again = admin_client.get(reverse("projects:carry_over_year"), query).content.decode()
    assert 'data-created-count="0"' in again and 'data-skipped-count="2"' in again


def test_roll_over_of_one_unit_and_bad_input(admin_client, perf_form, unit_b):
    PerformanceFormFactory(unit=unit_b, year=perf_form.year)
    url = reverse("projects:carry_over_year")
    one = admin_client.get(url, {"source_year": 2020, "target_year": 2021, "unit": unit_b.name}).content.decode()
    assert 'data-created-count="1"' in one
    bad = admin_client.get(url, {"source_year": 2020, "target_year": 2019, "unit": "无此单位"}).content.decode()
    assert 'data-field-error="unit"' in bad and 'data-field-error="target_year"' in bad
    assert "data-carry-over-preview" not in bad


def test_roll_over_nav_link_shown_to_admins(admin_client):
    assert 'data-nav="carry-over"' in admin_client.get(reverse("projects:my_forms")).content.decode()


def test_roll_over_nav_link_hidden_from_fillers(filler_client, year):
    assert 'data-nav="carry-over"' not in filler_client.get(reverse("projects:my_forms")).content.decode()


def test_command_prints_created_and_skipped_as_json(perf_form, unit_b):
    other = PerformanceFormFactory(unit=unit_b, year=perf_form.year)
    out = StringIO()
    call_command("carry_over", "--from", "2020", "--to", "2021", "--unit", unit_b.name, "--json", stdout=out)
    report = json.loads(out.getvalue())
    draft = PerformanceForm.objects.get(year__year=2021)
    assert report == {
        "created": [{"unit": unit_b.name, "project": other.project_name, "source_id": other.pk, "form_id": draft.pk}],
        "skipped": [],
    }
    out = StringIO()
    call_command("carry_over", "--from", "2020", "--to", "2021", "--json", stdout=out)
    again = json.loads(out.getvalue())
    assert [i["source_id"] for i in again["created"]] == [perf_form.pk]
    assert [(i["source_id"], i["reason"]) for i in again["skipped"]] == [(other.pk, "目标年度已有同名的表")]


def test_command_dry_run_has_no_form_ids_and_writes_nothing(perf_form):
    out = StringIO()
    call_command("carry_over", "--from", "2020", "--to", "2021", "--dry-run", "--json", stdout=out)
    assert json.loads(out.getvalue())["created"][0]["form_id"] is None
    assert not FiscalYear.objects.filter(year=2021).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "1999", "--to", "2021"], "没有1999年度"),
        (["--from", "2020", "--to", "2021", "--unit", "无"], "没有名为"),
    ],
)
def test_command_refuses_unknown_years_and_units_with_exit_code_2(perf_form, args, message):
    with pytest.raises(CommandError, match=message) as refused:
        call_command("carry_over", *args)
    assert refused.value.returncode == 2
