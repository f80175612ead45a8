"""A NUL character in a request is a Chinese 400, never a 500, and nothing is written."""

import pytest
from django.urls import reverse

from projects.models import ExportJob

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["status=%00", "year=%00", "unit=1%00", "%00=1"])
def test_nul_in_an_export_filter_is_refused(client, admin_user, query):
    client.force_login(admin_user)
    response = client.post(reverse("projects:excel_export") + "?" + query)
    assert response.status_code == 400
    assert "无法识别的字符" in response.content.decode()
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("name", ["projects:queue", "projects:my_forms"])
def test_nul_in_a_list_filter_is_refused(client, admin_user, name):
    client.force_login(admin_user)
    response = client.get(reverse(name) + "?status=%00")
    assert response.status_code == 400


def test_nul_in_a_posted_field_saves_nothing(filler_client, perf_form):
    from tests.projects.helpers import post_data, twenty_rows

    data = post_data(twenty_rows(), version=perf_form.version)
    data["overview"] = "概况\x00"
    response = filler_client.post(reverse("projects:edit", args=[perf_form.pk]), data)
    assert response.status_code == 400
    perf_form.refresh_from_db()
    assert perf_form.version == 1
