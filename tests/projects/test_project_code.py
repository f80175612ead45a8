"""项目代码: optional, unique in a year where given, with a Chinese message on a clash."""

import pytest
from django.urls import reverse

from projects import services
from projects.forms import header_form_class
from projects.models import PerformanceForm
from tests.factories import PerformanceFormFactory

from .helpers import HEADER, post_data

pytestmark = pytest.mark.django_db

CODE = "43042421000000000001"
TAKEN = "本年度已有另一张绩效目标表使用这个项目代码"


def test_header_form_refuses_a_code_taken_in_the_year(perf_form, unit_b):
    PerformanceFormFactory(unit=unit_b, year=perf_form.year, project_code=CODE)
    form = header_form_class(perf_form.kind)({**HEADER, "project_code": CODE}, instance=perf_form)
    assert not form.is_valid()
    assert TAKEN in form.errors["project_code"][0]


def test_header_form_keeps_the_forms_own_code_and_strips_it(perf_form):
    perf_form.project_code = CODE
    perf_form.save()
    form = header_form_class(perf_form.kind)({**HEADER, "project_code": f" {CODE} "}, instance=perf_form)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["project_code"] == CODE


def test_editor_saves_the_code_and_shows_the_clash(filler_client, perf_form, unit_b, year):
    url = reverse("projects:edit", args=[perf_form.pk])
    response = filler_client.post(url, post_data([], header={**HEADER, "project_code": CODE}, version=1))
    assert response.status_code == 302
    perf_form.refresh_from_db()
    assert perf_form.project_code == CODE
    other = PerformanceFormFactory(unit=perf_form.unit, year=year)
    url = reverse("projects:edit", args=[other.pk])
    header = {**HEADER, "project_name": other.project_name, "project_code": CODE}
    response = filler_client.post(url, post_data([], header=header, version=1))
    assert response.status_code == 200
    assert TAKEN in response.context["header_form"].errors["project_code"][0]
    other.refresh_from_db()
    assert other.project_code == "" and other.version == 1


def test_the_service_refuses_a_taken_code_the_form_did_not_see(perf_form, filler, unit_b):
    PerformanceFormFactory(unit=unit_b, year=perf_form.year, project_code=CODE)
    with pytest.raises(services.DuplicateFormError, match=TAKEN):
        services.save_form(perf_form=perf_form, by=filler, values={"project_code": CODE}, rows=[], expected_version=1)
    assert PerformanceForm.objects.get(pk=perf_form.pk).project_code == ""


def test_the_same_code_in_another_year_is_another_project(perf_form, filler, unit_b):
    from tests.factories import FiscalYearFactory

    PerformanceFormFactory(unit=unit_b, year=FiscalYearFactory(year=2019), project_code=CODE)
    services.save_form(perf_form=perf_form, by=filler, values={"project_code": CODE}, rows=[], expected_version=1)
    assert PerformanceForm.objects.get(pk=perf_form.pk).project_code == CODE
