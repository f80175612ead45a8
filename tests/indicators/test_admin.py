"""The framework admin: weights are switched on per framework."""

import re

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


def test_framework_admin_edits_the_tree_level_by_level(admin_client):
    framework = IndicatorFramework.objects.create(code="t", name="树", form_kind=FormKind.PROJECT)
    output = framework.nodes.create(name="产出指标", position=1)
    framework.nodes.create(name="效益指标", position=2)
    framework.nodes.create(parent=output, name="质量指标", position=2)
    framework.nodes.create(parent=output, name="数量指标", position=1)
    page = admin_client.get(f"/admin/indicators/indicatorframework/{framework.pk}/change/").content.decode()
    # The tree, 一级 in order with their 二级 in order; the inline lists only the 一级.
    assert re.search(r"产出指标</strong>：数量指标、质量指标.*效益指标</strong>：（无二级指标）", page, re.S)
    assert 'name="nodes-TOTAL_FORMS" value="2"' in page
    node_page = admin_client.get(f"/admin/indicators/frameworknode/{output.pk}/change/").content.decode()
    assert node_page.index('value="数量指标"') < node_page.index('value="质量指标"')
    response = admin_client.post(
        f"/admin/indicators/frameworknode/{output.pk}/change/",
        {
            "name": "产出指标",
            "aliases": "",
            "position": "1",
            "children-TOTAL_FORMS": "3",
            "children-INITIAL_FORMS": "2",
            **{
                f"children-{i}-{k}": v
                for i, row in enumerate(output.children.order_by("position"))
                for k, v in {
                    "id": row.pk,
                    "parent": output.pk,
                    "name": row.name,
                    "position": row.position,
                    "aliases": "",
                }.items()
            },
            "children-2-parent": output.pk,
            "children-2-name": "时效指标",
            "children-2-position": "3",
            "children-2-aliases": "",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith(f"/indicatorframework/{framework.pk}/change/")
    assert list(output.children.order_by("position").values_list("name", flat=True)) == [
        "数量指标",
        "质量指标",
        "时效指标",
    ]
