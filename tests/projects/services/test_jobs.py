"""Background jobs: queued with their task, run by the worker, ended as done or failed, shown to their owner."""

import pytest
from django_tasks import task

from projects.choices import JobKind
from projects.models import BackgroundJob
from projects.services import jobs
from tests.factories import UserFactory
from tests.tasks import run_worker

pytestmark = pytest.mark.django_db(transaction=False)


@task()
def counting_task(job_pk: int) -> None:
    with jobs.running(job_pk) as job:
        for done in range(1, 4):
            jobs.report(job, done, 3)
        jobs.finish(job, result={"lines": ["数到了 3"]}, file=b"abc", file_name="count.txt")


@task()
def failing_task(job_pk: int) -> None:
    with jobs.running(job_pk):
        raise RuntimeError("boom")


@task()
def refusing_task(job_pk: int) -> None:
    with jobs.running(job_pk):
        raise jobs.JobFailed("第 3 行：单位代码重复。")


def test_job_runs_on_the_worker_and_keeps_its_result():
    owner = UserFactory()
    job = jobs.start(JobKind.REPORT, by=owner, params={"n": 3}, task=counting_task)
    assert job.status == BackgroundJob.Status.PENDING and job.task_id
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.progress, job.total, job.result, bytes(job.file)) == (
        BackgroundJob.Status.DONE,
        3,
        3,
        {"lines": ["数到了 3"]},
        b"abc",
    )
    assert job.finished_at is not None


@pytest.mark.parametrize(
    ("task_fn", "message"),
    [(failing_task, "后台任务出错"), (refusing_task, "第 3 行：单位代码重复。")],
)
def test_a_failure_ends_the_job_with_a_chinese_message(task_fn, message):
    job = jobs.start(JobKind.REPORT, by=UserFactory(), params={}, task=task_fn)
    run_worker()
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED
    assert message in job.error


def test_status_page_progress_and_download_are_the_owners(client):
    owner, other = UserFactory(), UserFactory()
    job = jobs.start(JobKind.REPORT, by=owner, params={}, task=counting_task)
    run_worker()
    client.force_login(other)
    assert client.get(f"/forms/jobs/{job.pk}/").status_code == 404
    client.force_login(owner)
    page = client.get(f"/forms/jobs/{job.pk}/")
    assert "数到了 3" in page.content.decode()
    state = client.get(f"/forms/jobs/{job.pk}/progress/").json()
    assert (state["active"], state["percent"], state["lines"]) == (False, 100, ["数到了 3"])
    download = client.get(state["download_url"])
    assert download.content == b"abc"
    assert "count.txt" in download["Content-Disposition"]
