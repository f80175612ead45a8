"""The 一体化交换 screens: admins only; export, check and import run as background jobs."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.choices import JobStatus
from projects.exchange import yitihua
from projects.models import BackgroundJob, PerformanceForm
from tests.tasks import run_worker


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["projects:exchange"])
def test_hidden_from_non_admins(filler_client, name):
    assert filler_client.get(reverse(name)).status_code == 404
    assert filler_client.post(reverse("projects:exchange_export"), {"year": 2020}).status_code == 404


@pytest.mark.django_db
def test_export_then_check_then_import(admin_client, ready_form):
    response = admin_client.post(reverse("projects:exchange_export"), {"year": 2020})
    job = BackgroundJob.objects.get()
    assert response["Location"] == reverse("projects:job_status", args=[job.pk])
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.file_name == "yitihua-2020.zip"
    files = yitihua.read_zip(bytes(job.file), max_total_bytes=2**24, max_file_bytes=2**24)
    assert set(files) == set(yitihua.FILE_NAMES)

    PerformanceForm.objects.all().delete()
    upload = SimpleUploadedFile("yitihua-2020.zip", bytes(job.file), content_type="application/zip")
    admin_client.post(reverse("projects:exchange_check"), {"file": upload})
    run_worker()
    check = BackgroundJob.objects.filter(params__dry_run=True).get()
    assert check.result["ok"] and check.result["outcome"]["created"]
    assert not PerformanceForm.objects.exists()  # the check wrote nothing
    page = admin_client.get(reverse("projects:exchange")).content.decode()
    assert f'data-check="{check.pk}"' in page and 'data-action="import"' in page

    admin_client.post(reverse("projects:exchange_import", args=[check.pk]))
    run_worker()
    assert PerformanceForm.objects.get().indicators.count() == 5


@pytest.mark.django_db
def test_bad_zip_check_fails_with_message_and_cannot_import(admin_client):
    upload = SimpleUploadedFile("x.zip", b"not a zip", content_type="application/zip")
    admin_client.post(reverse("projects:exchange_check"), {"file": upload})
    run_worker()
    check = BackgroundJob.objects.get()
    assert check.result["ok"] is False
    assert check.result["lines"][1:] == ["上传的文件不是 zip 压缩包，或已损坏。"]
    response = admin_client.post(reverse("projects:exchange_import", args=[check.pk]))
    assert response.status_code == 302
    assert BackgroundJob.objects.count() == 1


@pytest.mark.django_db
def test_oversized_upload_refused(admin_client, settings):
    settings.PERFGOALS_EXCHANGE_MAX_UPLOAD_BYTES = 10
    upload = SimpleUploadedFile("x.zip", b"0" * 100, content_type="application/zip")
    response = admin_client.post(reverse("projects:exchange_check"), {"file": upload})
    assert "文件太大" in response.content.decode()
    assert not BackgroundJob.objects.exists()
