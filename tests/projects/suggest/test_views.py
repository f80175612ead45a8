import pytest
from django.urls import reverse

from projects import schema
from projects.choices import Status

URL = reverse("projects:suggest")
QUANTITY = ("产出目标", "数量")


@pytest.fixture
def history(make_reference):
    return make_reference("建设工程监督检测", [(*QUANTITY, "检测报告数", "=60份")])


def items(response) -> list[dict]:
    return [item for group in response.json()["groups"] for item in group["items"]]


def test_endpoint_requires_login(client, history, perf_form):
    response = client.post(URL, {"form": perf_form.pk, "project_name": "建设工程监督检测"})
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_endpoint_answers_for_the_users_own_draft(filler_client, history, perf_form):
    response = filler_client.post(URL, {"form": perf_form.pk, "project_name": "建设工程监督检测"})
    assert response.status_code == 200
    found = items(response)
    assert [item["level3"] for item in found] == ["检测报告数"]
    assert found[0]["source"].startswith("类似项目：建设工程监督检测") and found[0]["key"] == "检测报告数"


def test_endpoint_refuses_another_units_form(outsider_client, history, perf_form):
    response = outsider_client.post(URL, {"form": perf_form.pk, "project_name": "建设工程监督检测"})
    assert response.status_code == 404


def test_endpoint_refuses_a_form_no_longer_editable(filler_client, history, perf_form):
    perf_form.status = Status.SUBMITTED
    perf_form.save(update_fields=["status"])
    response = filler_client.post(URL, {"form": perf_form.pk, "project_name": "建设工程监督检测"})
    assert response.status_code == 403


def test_endpoint_for_a_new_form_of_an_open_year(filler_client, history, year):
    response = filler_client.post(URL, {"kind": "project", "year": year.pk, "project_name": "建设工程监督检测"})
    assert response.status_code == 200 and [item["level3"] for item in items(response)] == ["检测报告数"]


def test_endpoint_takes_the_current_year_for_a_forged_one(filler_client, history, year):
    response = filler_client.post(URL, {"kind": "project", "year": "x';--", "project_name": "建设工程监督检测"})
    assert response.status_code == 200 and [item["level3"] for item in items(response)] == ["检测报告数"]


def test_endpoint_refuses_reviewers_a_new_form(client, dept_reviewer, history, year):
    client.force_login(dept_reviewer)
    response = client.post(URL, {"kind": "project", "year": year.pk, "project_name": "建设工程监督检测"})
    assert response.status_code == 403


def test_endpoint_only_posts(filler_client):
    assert filler_client.get(URL).status_code == 405


def test_endpoint_names_an_overlong_text(filler_client, perf_form):
    cap = schema.get("overview").max_length
    response = filler_client.post(URL, {"form": perf_form.pk, "project_name": "x", "overview": "字" * (cap + 1)})
    assert response.status_code == 400
    assert "项目概况" in response.json()["message"] and str(cap) in response.json()["message"]


def test_endpoint_asks_for_a_name_first(filler_client, perf_form):
    response = filler_client.post(URL, {"form": perf_form.pk})
    assert response.json() == {"groups": [], "message": "请先填写项目名称、项目概况或立项依据，再查看推荐指标。"}


def test_editor_of_a_project_form_shows_the_panel(filler_client, perf_form):
    page = filler_client.get(reverse("projects:edit", args=[perf_form.pk])).content.decode()
    assert "data-suggest-panel" in page and f'data-form="{perf_form.pk}"' in page
