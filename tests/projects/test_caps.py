"""Every text a person can type has a cap; past it a Chinese message, nothing saved, never a stall."""

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from projects import services
from projects.exchange.importing import import_text
from projects.models import LEVEL3_MAX_LENGTH, NARRATIVE_MAX_LENGTH, REASON_MAX_LENGTH, PerformanceForm
from tests.factories import complete_form
from tests.projects.exchange.conftest import rich_form  # noqa: F401
from tests.projects.exchange.helpers import as_upload, download, edited, find_row, fingerprint

from .exchange.textdumps import project_form
from .helpers import HEADER, post_data, twenty_rows

pytestmark = pytest.mark.django_db

# Internal columns nobody types into: job errors, the snapshot's JSON, framework codes.
UNTYPED = {("projects", "exportjob", "error")}


def test_every_text_column_of_the_apps_has_a_cap():
    uncapped = [
        (model._meta.app_label, model._meta.model_name, field.name)
        for app in ("projects", "indicators", "accounts", "reviews", "season", "notices")
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField | models.CharField) and field.max_length is None
    ]
    assert set(uncapped) <= UNTYPED, uncapped


def test_editor_refuses_a_narrative_over_the_cap_and_keeps_the_saved_one(filler_client, perf_form):
    url = reverse("projects:edit", args=[perf_form.pk])
    header = dict(HEADER, overview="长" * (NARRATIVE_MAX_LENGTH + 1))
    response = filler_client.post(url, post_data(twenty_rows(), header=header, version=perf_form.version))
    page = response.content.decode()
    assert response.status_code == 200
    assert f"最多 {NARRATIVE_MAX_LENGTH} 个字（现在 {NARRATIVE_MAX_LENGTH + 1} 个字）" in page
    before = perf_form.overview
    perf_form.refresh_from_db()
    assert perf_form.version == 1 and perf_form.overview == before


def test_editor_takes_a_narrative_at_the_cap(filler_client, perf_form):
    url = reverse("projects:edit", args=[perf_form.pk])
    header = dict(HEADER, overview="长" * NARRATIVE_MAX_LENGTH)
    response = filler_client.post(url, post_data(twenty_rows(), header=header, version=perf_form.version))
    assert response.status_code == 302
    perf_form.refresh_from_db()
    assert len(perf_form.overview) == NARRATIVE_MAX_LENGTH


def test_editor_shows_the_cap_to_the_browser(filler_client, perf_form):
    page = filler_client.get(reverse("projects:edit", args=[perf_form.pk])).content.decode()
    assert f'maxlength="{NARRATIVE_MAX_LENGTH}"' in page


def test_editor_refuses_an_over_long_level3(filler_client, perf_form):
    rows = twenty_rows()
    rows[3]["level3"] = "指" * (LEVEL3_MAX_LENGTH + 1)
    url = reverse("projects:edit", args=[perf_form.pk])
    response = filler_client.post(url, post_data(rows, version=perf_form.version))
    assert f"最多 {LEVEL3_MAX_LENGTH} 个字" in response.content.decode()
    perf_form.refresh_from_db()
    assert perf_form.version == 1


def test_upload_refuses_an_over_long_narrative(filler_client, rich_form):  # noqa: F811
    def change(ws):
        row = find_row(ws, 1, "项目概况")
        ws.cell(row, 2).value = "长" * (NARRATIVE_MAX_LENGTH + 1)

    data = edited(download(filler_client, rich_form), change)
    before = fingerprint(rich_form)
    page = filler_client.post(
        reverse("projects:excel_upload", args=[rich_form.pk]), {"file": as_upload(data)}
    ).content.decode()
    assert f"超过上限 {NARRATIVE_MAX_LENGTH} 个字" in page
    assert fingerprint(rich_form) == before


def test_upload_refuses_an_over_long_level3(filler_client, rich_form):  # noqa: F811
    def change(ws):
        ws.cell(find_row(ws, 3, "报告合格率"), 3).value = "指" * (LEVEL3_MAX_LENGTH + 1)

    data = edited(download(filler_client, rich_form), change)
    page = filler_client.post(
        reverse("projects:excel_upload", args=[rich_form.pk]), {"file": as_upload(data)}
    ).content.decode()
    assert f"三级指标超过 {LEVEL3_MAX_LENGTH} 个字" in page


def test_text_import_skips_an_over_long_narrative_with_a_reason():
    broken = project_form("甲", body="项目概况：\t" + "长" * (NARRATIVE_MAX_LENGTH + 1))
    report = import_text(project_form("第一个") + broken)
    assert list(PerformanceForm.objects.values_list("project_name", flat=True)) == ["第一个"]
    [skipped] = report.skipped
    assert f"项目概况超过{NARRATIVE_MAX_LENGTH}个字" in skipped.reason


@pytest.fixture
def submitted(unit_a, year, filler, dept_reviewer):
    return services.submit(perf_form=complete_form(unit=unit_a, year=year), by=filler)


def test_return_reason_over_the_cap_refused_and_kept_on_the_page(client, submitted, dept_reviewer):
    client.force_login(dept_reviewer)
    reason = "请" * (REASON_MAX_LENGTH + 1)
    response = client.post(reverse("projects:return", args=[submitted.pk]), {"reason": reason}, follow=True)
    page = response.content.decode()
    assert f"退回理由最多 {REASON_MAX_LENGTH} 个字" in page
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    assert not submitted.events.filter(action="return").exists()


def test_row_comment_over_the_cap_refused(client, submitted, dept_reviewer):
    client.force_login(dept_reviewer)
    row = submitted.indicators.first()
    data = {"reason": "请补充指标。", f"comment-{row.pk}": "意" * (REASON_MAX_LENGTH + 1)}
    response = client.post(reverse("projects:return", args=[submitted.pk]), data, follow=True)
    assert "指标意见最多" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_approve_comment_over_the_cap_refused(client, submitted, dept_reviewer):
    client.force_login(dept_reviewer)
    response = client.post(
        reverse("projects:approve", args=[submitted.pk]), {"comment": "好" * (REASON_MAX_LENGTH + 1)}, follow=True
    )
    assert "通过意见最多" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
