"""Bulk export jobs: queued on django-tasks-db, run by its worker, limited, recovered, purged."""

from datetime import timedelta
from io import BytesIO, StringIO

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from projects import services
from projects.exchange import bulk
from projects.models import ExportJob
from projects.services import exports
from tests.factories import OrganizationFactory, UserFactory, complete_form
from tests.tasks import run_worker

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Status = ExportJob.Status


@pytest.fixture
def queue_forms(unit_a, unit_b, year, filler, dept_reviewer, other_department):
    """Submitted forms of 甲 and 乙 (in the reviewers' scope) and of a unit of another department."""
    unit_c = OrganizationFactory(name="丙单位", parent=other_department)
    forms = {}
    for unit in (unit_a, unit_b, unit_c):
        perf_form = complete_form(unit=unit, year=year, project_name=f"{unit.name}的项目")
        by = UserFactory(username=f"filler-{unit.pk}", organization=unit)
        services.submit(perf_form=perf_form, by=by)
        forms[unit.name] = perf_form
    forms["草稿"] = complete_form(unit=unit_a, year=year, project_name="甲单位的草稿")
    return forms


def poll(client, job: ExportJob) -> dict:
    response = client.get(reverse("projects:excel_export_progress", args=[job.pk]))
    assert response.status_code == 200
    return response.json()


def download(client, state: dict) -> openpyxl.Workbook:
    response = client.get(state["download_url"])
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    data = b"".join(response.streaming_content)
    assert len(data) == int(response["Content-Length"])
    return openpyxl.load_workbook(BytesIO(data))


def run_export(client, query: str = "") -> tuple[ExportJob, openpyxl.Workbook]:
    """Click 导出 Excel, let the worker run the queue, and download the file."""
    response = client.post(reverse("projects:excel_export") + query)
    assert response.status_code == 302
    job = ExportJob.objects.latest("pk")
    assert response.url == reverse("projects:excel_export_status", args=[job.pk])
    run_worker()
    state = poll(client, job)
    assert state["status"] == "done", state
    assert state["percent"] == 100 and state["progress"] == state["total"]
    return job, download(client, state)


def exported_names(workbook) -> set[str]:
    return {row[4] for row in workbook["项目"].iter_rows(min_row=2, values_only=True)}


def active_job(owner, **fields) -> ExportJob:
    """A job some worker is (or was) busy with, as `start_export` leaves it, without running it."""
    job = ExportJob.objects.create(owner=owner, attempts=1, **fields)
    task_id = exports.run_export_job.enqueue(job.pk, 1).id
    ExportJob.objects.filter(pk=job.pk).update(task_id=task_id)
    return ExportJob.objects.get(pk=job.pk)


def crashed_job(owner, *, silent_for: timedelta, attempts: int = 1) -> ExportJob:
    """What a worker killed mid-export leaves: its task row claimed and RUNNING, the job RUNNING, silent."""
    job = ExportJob.objects.create(owner=owner, attempts=attempts)
    task_id = exports.run_export_job.enqueue(job.pk, attempts).id
    DBTaskResult.objects.get(id=task_id).claim("worker-that-died")
    ExportJob.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, task_id=task_id, progress=2000, total=9000, updated_at=timezone.now() - silent_for
    )
    return ExportJob.objects.get(pk=job.pk)


# -- the queue: enqueued by the request, run by the worker -----------------------------


def test_export_is_queued_not_built_in_the_request(client, queue_forms, dept_reviewer):
    client.force_login(dept_reviewer)
    client.post(reverse("projects:excel_export"))
    job = ExportJob.objects.get()
    task = DBTaskResult.objects.get()
    assert (job.status, job.attempts, job.task_id) == (Status.PENDING, 1, str(task.id))
    assert task.status == TaskResultStatus.READY and task.task_path == "projects.services.exports.run_export_job"
    assert task.args_kwargs == {"args": [job.pk, 1], "kwargs": {}}
    assert poll(client, job)["status"] == "pending"

    run_worker()

    task.refresh_from_db()
    job.refresh_from_db()
    assert job.status == Status.DONE and job.progress == job.total == 2 + 2 * 5
    assert task.status == TaskResultStatus.SUCCESSFUL and task.return_value == job.total
    assert task.worker_ids and job.finished_at is not None
    workbook = download(client, poll(client, job))
    assert exported_names(workbook) == {"甲单位的项目", "乙单位的项目"}


def test_export_job_respects_scope(client, queue_forms, dept_reviewer):
    client.force_login(dept_reviewer)
    _job, workbook = run_export(client)
    assert exported_names(workbook) == {"甲单位的项目", "乙单位的项目"}
    indicator_units = {row[1] for row in workbook["指标"].iter_rows(min_row=2, values_only=True)}
    assert indicator_units == {"甲单位", "乙单位"}


def test_export_job_respects_queue_filters(client, queue_forms, finance_reviewer, unit_b):
    client.force_login(finance_reviewer)
    job, workbook = run_export(client, f"?unit={unit_b.pk}&status=submitted&sort=-budget&page=2")
    assert job.filters == {"unit": str(unit_b.pk), "status": "submitted"}
    assert exported_names(workbook) == {"乙单位的项目"}


def test_export_status_page_has_no_inline_script_or_style(client, queue_forms, dept_reviewer):
    """The Content-Security-Policy forbids inline scripts, style attributes and on* handlers."""
    client.force_login(dept_reviewer)
    client.post(reverse("projects:excel_export"))
    job = ExportJob.objects.get()
    page = client.get(reverse("projects:excel_export_status", args=[job.pk])).content.decode()
    assert reverse("projects:excel_export_progress", args=[job.pk]) in page
    assert "js/export_status.js" in page
    assert "<script>" not in page and "style=" not in page and " onclick=" not in page
    run_worker()
    page = client.get(reverse("projects:excel_export_status", args=[job.pk])).content.decode()
    assert reverse("projects:excel_export_download", args=[job.pk]) in page


@pytest.mark.parametrize("name", ["excel_export_status", "excel_export_progress", "excel_export_download"])
def test_export_job_only_for_its_owner(client, queue_forms, dept_reviewer, finance_reviewer, name):
    client.force_login(dept_reviewer)
    job, _workbook = run_export(client)
    client.force_login(finance_reviewer)
    assert client.get(reverse(f"projects:{name}", args=[job.pk])).status_code == 404
    client.logout()
    assert client.get(reverse(f"projects:{name}", args=[job.pk])).status_code == 302


def test_export_start_requires_post(client, dept_reviewer):
    client.force_login(dept_reviewer)
    assert client.get(reverse("projects:excel_export")).status_code == 405
    assert not ExportJob.objects.exists() and not DBTaskResult.objects.exists()


def test_export_job_failure_recorded_on_job_and_task(client, dept_reviewer, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(bulk, "export_forms", broken)
    client.force_login(dept_reviewer)
    client.post(reverse("projects:excel_export"))
    run_worker()
    job = ExportJob.objects.get()
    assert job.status == Status.FAILED and job.file is None and job.finished_at is not None
    assert job.error == "导出失败：磁盘已满"
    assert poll(client, job)["error"] == "导出失败：磁盘已满"
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.FAILED and "磁盘已满" in task.traceback


def test_download_not_ready_is_404(client, dept_reviewer):
    job = active_job(dept_reviewer)
    client.force_login(dept_reviewer)
    assert client.get(reverse("projects:excel_export_download", args=[job.pk])).status_code == 404


def test_export_file_stored_and_served_in_pieces(client, queue_forms, dept_reviewer, monkeypatch):
    monkeypatch.setattr(exports, "FILE_CHUNK", 1000)
    client.force_login(dept_reviewer)
    client.post(reverse("projects:excel_export"))
    run_worker()
    job = ExportJob.objects.defer("file").get()
    assert job.status == Status.DONE and job.file_size > 3000
    data = b"".join(exports.job_file_chunks(job, chunk=777))
    assert len(data) == job.file_size
    assert data == bytes(ExportJob.objects.get(pk=job.pk).file)
    assert exported_names(openpyxl.load_workbook(BytesIO(data))) == {"甲单位的项目", "乙单位的项目"}


# -- limits ---------------------------------------------------------------------------


def test_second_click_shows_the_running_export(client, queue_forms, dept_reviewer, unit_a):
    client.force_login(dept_reviewer)
    first = client.post(reverse("projects:excel_export"))
    second = client.post(reverse("projects:excel_export") + f"?unit={unit_a.pk}")
    job = ExportJob.objects.get()
    assert second.url == first.url == reverse("projects:excel_export_status", args=[job.pk])
    assert DBTaskResult.objects.count() == 1
    assert "您已有一个导出在排队或生成" in [str(m) for m in get_messages(second.wsgi_request)][0]


def test_new_export_allowed_once_the_last_finished(client, queue_forms, dept_reviewer):
    client.force_login(dept_reviewer)
    first, _workbook = run_export(client)
    second, _workbook = run_export(client)
    assert second.pk != first.pk and ExportJob.objects.filter(status=Status.DONE).count() == 2


def test_global_limit_refuses_and_creates_nothing(client, settings, dept_reviewer, finance_reviewer, unit_a):
    settings.PERFGOALS_EXPORT_MAX_ACTIVE = 2
    active_job(finance_reviewer)
    active_job(UserFactory(username="another_reviewer", organization=unit_a.parent, role=dept_reviewer.role))
    ExportJob.objects.create(owner=dept_reviewer, status=Status.DONE, finished_at=timezone.now())
    client.force_login(dept_reviewer)
    response = client.post(reverse("projects:excel_export") + "?status=submitted")
    assert response.url == reverse("projects:queue") + "?status=submitted"
    message = [str(m) for m in get_messages(response.wsgi_request)][0]
    assert message == "目前已有 2 个导出在排队或生成（同时最多 2 个），请几分钟后再导出。"
    assert ExportJob.objects.filter(owner=dept_reviewer).count() == 1
    assert DBTaskResult.objects.count() == 2


def test_global_limit_counts_only_queued_and_running(settings, dept_reviewer, finance_reviewer):
    settings.PERFGOALS_EXPORT_MAX_ACTIVE = 1
    now = timezone.now()
    ExportJob.objects.create(owner=finance_reviewer, status=Status.DONE, finished_at=now)
    ExportJob.objects.create(owner=finance_reviewer, status=Status.FAILED, finished_at=now)
    job, created = exports.start_export(owner=dept_reviewer, filters={})
    assert created and job.status == Status.PENDING
    with pytest.raises(exports.ExportRefused):
        exports.start_export(owner=finance_reviewer, filters={})


def test_dead_job_does_not_hold_a_slot(settings, dept_reviewer, finance_reviewer):
    settings.PERFGOALS_EXPORT_MAX_ACTIVE = 1
    dead = crashed_job(finance_reviewer, silent_for=timedelta(minutes=5), attempts=2)
    _job, created = exports.start_export(owner=dept_reviewer, filters={})
    assert created
    assert ExportJob.objects.get(pk=dead.pk).status == Status.FAILED


# -- dead workers -------------------------------------------------------------------------


def test_worker_never_resumes_a_crashed_task_on_its_own(dept_reviewer):
    """Why the job keeps a heartbeat: django-tasks-db leaves a crashed worker's task RUNNING for ever."""
    job = crashed_job(dept_reviewer, silent_for=timedelta(hours=1))
    run_worker()
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING
    assert ExportJob.objects.get(pk=job.pk).status == Status.RUNNING


def test_job_silent_for_a_minute_is_retried_once(client, queue_forms, dept_reviewer):
    job = crashed_job(dept_reviewer, silent_for=timedelta(seconds=61))
    lost_task = job.task_id
    client.force_login(dept_reviewer)
    state = poll(client, job)
    assert state["status"] == "pending" and state["progress"] == 0
    assert state["notice"] == "后台任务进程中断过一次，导出已自动重新开始。" and not state["error"]
    page = client.get(reverse("projects:excel_export_status", args=[job.pk])).content.decode()
    assert "后台任务进程中断过一次" in page
    job.refresh_from_db()
    assert job.attempts == 2 and job.task_id != lost_task
    lost = DBTaskResult.objects.get(id=lost_task)
    assert (
        lost.status == TaskResultStatus.FAILED and lost.exception_class_path == "projects.services.exports.WorkerLost"
    )
    assert DBTaskResult.objects.get(id=job.task_id).args_kwargs["args"] == [job.pk, 2]

    run_worker()

    state = poll(client, job)
    assert state["status"] == "done" and not state["notice"]
    assert exported_names(download(client, state)) == {"甲单位的项目", "乙单位的项目"}


def test_job_with_fresh_heartbeat_left_alone(client, dept_reviewer):
    job = crashed_job(dept_reviewer, silent_for=timedelta(seconds=50))
    client.force_login(dept_reviewer)
    assert poll(client, job)["status"] == "running"
    assert ExportJob.objects.get(pk=job.pk).attempts == 1


def test_job_whose_retry_dies_too_is_reported_failed(client, dept_reviewer):
    job = crashed_job(dept_reviewer, silent_for=timedelta(seconds=61), attempts=2)
    client.force_login(dept_reviewer)
    state = poll(client, job)
    assert state["status"] == "failed" and "后台任务进程停止响应" in state["error"]
    assert "重新导出" in state["error"] and state["download_url"] is None
    page = client.get(reverse("projects:excel_export_status", args=[job.pk])).content.decode()
    assert "后台任务进程停止响应" in page
    assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED
    assert ExportJob.objects.get(pk=job.pk).finished_at is not None


def test_job_never_picked_up_is_reported(client, settings, dept_reviewer):
    """No worker running at all: the queued job says so, and a worker started later will not run it."""
    settings.PERFGOALS_EXPORT_QUEUE_MINUTES = 10
    job = active_job(dept_reviewer)
    ExportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=9))
    client.force_login(dept_reviewer)
    assert poll(client, job)["status"] == "pending"
    ExportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=11))
    state = poll(client, job)
    assert state["status"] == "failed" and "后台任务服务可能没有运行" in state["error"]
    run_worker()
    assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED
    assert ExportJob.objects.get(pk=job.pk).status == Status.FAILED


def test_superseded_attempt_writes_nothing(dept_reviewer, queue_forms):
    """A first attempt that was only slow, not dead, must not overwrite the retry that replaced it."""
    job = crashed_job(dept_reviewer, silent_for=timedelta(seconds=61))
    exports.recover_stale()
    assert exports.run_export_job.call(job.pk, 1) is None
    job.refresh_from_db()
    assert (job.status, job.attempts, job.progress, job.file) == (Status.PENDING, 2, 0, None)


def test_running_job_beats_by_time_not_only_by_rows(client, queue_forms, dept_reviewer, monkeypatch):
    beats = []
    beat = exports._beat

    def counting(running, **fields):
        beats.append(fields)
        beat(running, **fields)

    monkeypatch.setattr(exports, "_beat", counting)
    monkeypatch.setattr(exports, "HEARTBEAT_SECONDS", 0)
    client.force_login(dept_reviewer)
    client.post(reverse("projects:excel_export"))
    run_worker()
    progress = [fields["progress"] for fields in beats if "progress" in fields]
    # 12 rows, far below PERFGOALS_EXPORT_PROGRESS_EVERY: only the clock can make them beat.
    assert progress == [*range(1, 13), 12]


# -- expiry ------------------------------------------------------------------------------


def finished_job(owner, *, hours_ago: float, status=Status.DONE) -> ExportJob:
    finished = timezone.now() - timedelta(hours=hours_ago)
    job = ExportJob.objects.create(owner=owner, status=status, finished_at=finished, file=b"x" * 10, file_size=10)
    task = DBTaskResult.objects.get(id=exports.run_export_job.enqueue(job.pk, 1).id)
    task.set_successful(12)
    DBTaskResult.objects.filter(id=task.id).update(finished_at=finished)
    ExportJob.objects.filter(pk=job.pk).update(task_id=str(task.id))
    return ExportJob.objects.get(pk=job.pk)


def test_purge_exports_deletes_expired_jobs_and_their_tasks(settings, dept_reviewer):
    settings.PERFGOALS_EXPORT_KEEP_HOURS = 24
    old = finished_job(dept_reviewer, hours_ago=25)
    old_failed = finished_job(dept_reviewer, hours_ago=30, status=Status.FAILED)
    recent = finished_job(dept_reviewer, hours_ago=23)
    running = active_job(dept_reviewer)
    call_command("purge_exports", stdout=StringIO())
    assert set(ExportJob.objects.values_list("pk", flat=True)) == {recent.pk, running.pk}
    assert {str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)} == {recent.task_id, running.task_id}
    assert not ExportJob.objects.filter(pk__in=[old.pk, old_failed.pk]).exists()


def test_purge_exports_also_recovers_dead_jobs(dept_reviewer):
    job = crashed_job(dept_reviewer, silent_for=timedelta(minutes=2))
    call_command("purge_exports", stdout=StringIO())
    assert ExportJob.objects.get(pk=job.pk).attempts == 2


def test_starting_an_export_purges_expired_ones(client, dept_reviewer, finance_reviewer):
    old = finished_job(finance_reviewer, hours_ago=48)
    client.force_login(dept_reviewer)
    client.post(reverse("projects:excel_export"))
    assert not ExportJob.objects.filter(pk=old.pk).exists()


def test_expired_file_is_not_served_before_the_purge(client, settings, dept_reviewer):
    settings.PERFGOALS_EXPORT_KEEP_HOURS = 24
    job = finished_job(dept_reviewer, hours_ago=25)
    client.force_login(dept_reviewer)
    state = poll(client, job)
    assert state["download_url"] is None and state["error"] == "文件已过期删除，请重新导出。"
    assert client.get(reverse("projects:excel_export_download", args=[job.pk])).status_code == 404
