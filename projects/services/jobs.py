"""Background jobs: queue one, run it with progress, record how it ended. The one writer of BackgroundJob.

A task started from a page is queued with `start` (inside the caller's transaction, so the task
and its job commit together) and does its work inside `running`, which marks the job running,
and done or failed when the block ends: an exception is logged and shown as a failure in Chinese,
never left as a job that runs for ever.

    @task()
    def carry_over_task(job_pk: int) -> None:
        with jobs.running(job_pk) as job:
            ...
            jobs.report(job, done, total)
            jobs.finish(job, result={"lines": [...]})
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..accounts.models import User
from ..choices import JobKind, JobStatus
from ..models import BackgroundJob

logger = logging.getLogger(__name__)


class JobFailed(Exception):
    """Raised inside `running` to end the job as failed with this (Chinese) message."""


def start(
    kind: JobKind, *, by: User, params: dict, task, file: bytes | None = None, file_name: str = ""
) -> BackgroundJob:
    """Create the job and queue `task(job.pk)` for the worker once the transaction commits.

    `file` is an upload the task works on (an import's zip), kept on the job rather than in the params.
    """
    with transaction.atomic():
        job = BackgroundJob.objects.create(kind=kind, owner=by, params=params, file=file, file_name=file_name)
        result = task.enqueue(job.pk)
        BackgroundJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    return job


@contextmanager
def running(job_pk: int) -> Iterator[BackgroundJob]:
    job = BackgroundJob.objects.get(pk=job_pk)
    BackgroundJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, updated_at=timezone.now())
    job.status = JobStatus.RUNNING
    try:
        yield job
    except JobFailed as failure:
        _end(job, JobStatus.FAILED, error=str(failure))
    except Exception:
        logger.exception("background job %s (%s) failed", job.pk, job.kind)
        _end(job, JobStatus.FAILED, error=_("后台任务出错，已中止，没有写入任何数据。请稍后重试或联系管理员。"))
    else:
        if job.status == JobStatus.RUNNING:
            _end(job, JobStatus.DONE)


def report(job: BackgroundJob, progress: int, total: int | None = None) -> None:
    """Progress for the status page (its own statement, so the page sees it while the work goes on)."""
    job.progress = progress
    if total is not None:
        job.total = total
    BackgroundJob.objects.filter(pk=job.pk).update(progress=job.progress, total=job.total, updated_at=timezone.now())


def finish(job: BackgroundJob, *, result: dict | None = None, file: bytes | None = None, file_name: str = "") -> None:
    """End the job as done, with what it found or made."""
    _end(job, JobStatus.DONE, result=result, file=file, file_name=file_name)


def _end(job: BackgroundJob, status: str, *, error: str = "", result=None, file=None, file_name: str = "") -> None:
    job.status = status
    job.error = error
    job.finished_at = timezone.now()
    fields = ["status", "error", "finished_at", "updated_at"]
    if status == JobStatus.DONE and job.total and job.progress < job.total:
        job.progress = job.total
        fields.append("progress")
    if result is not None:
        job.result = result
        fields.append("result")
    if file is not None:
        job.file, job.file_name = file, file_name
        fields += ["file", "file_name"]
    job.save(update_fields=fields)
