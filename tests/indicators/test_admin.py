"""The framework admin: weights are switched on per framework."""

import pytest

from indicators.models import FormKind, IndicatorFramework

pytestmark = pytest.mark.django_db


def test_framework_admin_switches_weights_on(admin_client):
    framework = IndicatorFramework.objects.create(code="w", name="带权重的体系", form_kind=FormKind.PROJECT)
    url = f"/admin/indicators/indicatorframework/{framework.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert "启用权重" in page and 'name="weights_enabled"' in page
    response = admin_client.post(
        url,
        {
            "code": "w",
            "name": "带权重的体系",
            "form_kind": FormKind.PROJECT,
            "weights_enabled": "on",
            "nodes-TOTAL_FORMS": "0",
            "nodes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    framework.refresh_from_db()
    assert framework.weights_enabled
    assert "带权重的体系" in admin_client.get("/admin/indicators/indicatorframework/").content.decode()
