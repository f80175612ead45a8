"""A double-click on 保存 sends two saves that both pass the duplicate check: the loser gets the message."""

import pytest
from django.urls import reverse

from projects import services
from projects.models import PerformanceForm
from tests.factories import PerformanceFormFactory

from ..helpers import HEADER, post_data, twenty_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def racing(monkeypatch):
    """As if the other save committed right after this one's exists() check."""
    monkeypatch.setattr(services.content, "_check_unique", lambda perf_form, project_name: None)


def test_second_create_of_the_same_name_gets_the_duplicate_message(filler_client, year, racing):
    url = reverse("projects:create")
    first = filler_client.post(url, post_data(twenty_rows(), year=year.pk))
    assert first.status_code == 302
    second = filler_client.post(url, post_data(twenty_rows(), year=year.pk))
    assert second.status_code == 200
    assert f"已有名为“{HEADER['project_name']}”的绩效目标表" in second.content.decode()
    assert PerformanceForm.objects.count() == 1
    assert PerformanceForm.objects.get().indicators.count() == 20


def test_rename_onto_an_existing_name_gets_the_duplicate_message(filler_client, perf_form, racing):
    PerformanceFormFactory(unit=perf_form.unit, year=perf_form.year, project_name=HEADER["project_name"])
    url = reverse("projects:edit", args=[perf_form.pk])
    response = filler_client.post(url, post_data(twenty_rows(), version=perf_form.version))
    assert response.status_code == 200
    assert "已有名为" in response.content.decode()
    name = perf_form.project_name
    perf_form.refresh_from_db()
    assert (perf_form.project_name, perf_form.version, perf_form.indicators.count()) == (name, 1, 0)
