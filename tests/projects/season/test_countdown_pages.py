""" "距截止还有 N 天" / "已逾期 N 天" on my forms, the editor and the detail page; one lookup per list."""

import datetime

import pytest
from django.urls import reverse

from projects.choices import Status
from projects.season.deadlines import today
from tests.factories import PerformanceFormFactory

pytestmark = pytest.mark.django_db


def test_my_forms_countdown_without_a_query_per_row(filler_client, year, unit_a, django_assert_max_num_queries):
    year.filing_closes = today() + datetime.timedelta(days=4)
    year.save()
    PerformanceFormFactory(unit=unit_a, year=year, project_name="草稿一")
    with django_assert_max_num_queries(30) as few:
        filler_client.get(reverse("projects:my_forms"), {"year": 2020})
    for i in range(8):
        PerformanceFormFactory(unit=unit_a, year=year, project_name=f"草稿{i + 2}")
    PerformanceFormFactory(unit=unit_a, year=year, project_name="已批复", status=Status.APPROVED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = filler_client.get(reverse("projects:my_forms"), {"year": 2020}).content.decode()
    assert page.count("距截止还有 4 天") == 9
    assert page.count('data-countdown="4"') == 9


def test_editor_and_detail_show_overdue(filler_client, year, unit_a):
    year.filing_closes = today() - datetime.timedelta(days=2)
    year.save()
    perf_form = PerformanceFormFactory(unit=unit_a, year=year)
    for url in (reverse("projects:edit", args=[perf_form.pk]), reverse("projects:detail", args=[perf_form.pk])):
        assert "已逾期 2 天" in filler_client.get(url).content.decode()


def test_no_countdown_without_deadline_or_once_submitted(filler_client, year, unit_a):
    perf_form = PerformanceFormFactory(unit=unit_a, year=year)
    assert "data-countdown" not in filler_client.get(reverse("projects:detail", args=[perf_form.pk])).content.decode()
    year.filing_closes = today()
    year.save()
    perf_form.status = Status.SUBMITTED
    perf_form.save()
    assert "data-countdown" not in filler_client.get(reverse("projects:detail", args=[perf_form.pk])).content.decode()
