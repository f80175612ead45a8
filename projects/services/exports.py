"""Bulk exports as background tasks: start one (within limits), run it, recover it, purge it.

The `ExportJob` row is the user-facing record: owner, filters, status, progress, heartbeat
(`updated_at`) and the finished file, all in the database, so any web process answers the status
poll and serves the download. The work itself is a django-tasks task on the django-tasks-db backend
(the database is the queue: no broker), run by `manage.py db_worker` in a process of its own, so an
export no longer competes with page requests inside a web worker.

A worker that dies mid-task leaves its task row RUNNING for ever: django-tasks-db keeps no lease or
heartbeat of its own, and no other worker will pick a RUNNING row up again. The job's heartbeat is
what tells: a running job silent for PERFGOALS_EXPORT_STALE_SECONDS is enqueued again once, then
reported failed (`recover_stale`).
"""

import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connections, reset_queries, transaction
from django.db.models import BinaryField, F, Func, Q, Value
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from ..accounts.models import User
from ..exchange import bulk
from ..forms import QueueFilterForm
from ..models import ExportJob, PerformanceForm

logger = logging.getLogger(__name__)

Status = ExportJob.Status
ACTIVE = (Status.PENDING, Status.RUNNING)
# The first run and one retry after its worker died; a job that kills its worker twice is reported.
MAX_ATTEMPTS = 2
# A running export touches its heartbeat at least this often whatever the rows do, well inside
# PERFGOALS_EXPORT_STALE_SECONDS: only a dead (or frozen) worker stays silent that long.
HEARTBEAT_SECONDS = 10
# The file goes into the BinaryField in appends of this size (see `_store_file`).
FILE_CHUNK = 2 * 1024 * 1024
# Key of the PostgreSQL advisory lock that serializes export starts; any constant of this app.
START_LOCK_KEY = 110_005_001


class ExportRefused(Exception):
    """No new export can start now; the message, in Chinese, says why."""


class WorkerLost(Exception):
    """Recorded on a task row whose worker stopped heartbeating (never raised)."""


class _Superseded(Exception):
    """This attempt's job was re-enqueued, reported failed or deleted meanwhile: stop writing to it."""


def _keep() -> timedelta:
    return timedelta(hours=settings.PERFGOALS_EXPORT_KEEP_HOURS)


def expires_at(job: ExportJob) -> datetime | None:
    """When the finished job and its file are purged."""
    return job.finished_at + _keep() if job.finished_at else None


def is_expired(job: ExportJob) -> bool:
    return job.finished_at is not None and job.finished_at + _keep() <= timezone.now()


# -- starting ---------------------------------------------------------------------


def start_export(*, owner: User, filters: dict) -> tuple[ExportJob, bool]:
    """Queue an export for `owner`, or return the one already queued or running (and False).

    Raises ExportRefused, creating nothing, when PERFGOALS_EXPORT_MAX_ACTIVE jobs are already
    queued or running: ten exports at once took 13 minutes each and slowed every page fourfold.
    """
    # Dead jobs must not hold a slot, nor old files the database.
    recover_stale()
    purge_expired()
    with _one_start_at_a_time():
        active = ExportJob.objects.filter(status__in=ACTIVE).defer("file")
        running = active.filter(owner=owner).first()
        if running is not None:
            return running, False
        limit = settings.PERFGOALS_EXPORT_MAX_ACTIVE
        if active.count() >= limit:
            raise ExportRefused(
                _("目前已有 %(limit)s 个导出在排队或生成（同时最多 %(limit)s 个），请几分钟后再导出。")
                % {"limit": limit}
            )
        job = ExportJob.objects.create(owner=owner, filters=filters, attempts=1)
        _enqueue(job.pk, attempt=1)
    return job, True


@contextmanager
def _one_start_at_a_time():
    """One transaction at a time past the limit checks: a double click must not start two jobs.

    There is no row to lock before the job exists. PostgreSQL: a transaction-scoped advisory
    lock; SQLite: an exclusive transaction (django-tasks-db's helper, which its worker uses).
    """
    using = ExportJob.objects.db
    with exclusive_transaction(using):
        connection = connections[using]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [START_LOCK_KEY])
        yield


def _enqueue(job_pk: int, *, attempt: int) -> None:
    # Inside the caller's transaction on purpose: with the database as the queue, the job and its
    # task row commit or roll back together, and a worker never sees a task whose job it cannot.
    result = run_export_job.enqueue(job_pk, attempt)
    ExportJob.objects.filter(pk=job_pk, attempts=attempt).update(task_id=str(result.id))


# -- the task -----------------------------------------------------------------------


def job_forms(job: ExportJob):
    """The forms the job's owner may see, filtered as the queue was when the job started."""
    filters = QueueFilterForm(dict(job.filters or {}), user=job.owner)
    return filters.apply(PerformanceForm.objects.visible_to(job.owner))


@task()
def run_export_job(job_pk: int, attempt: int) -> int | None:
    """Build one job's workbook and store it on the job; returns the rows written.

    Every write names the attempt, so a first attempt that was only slow, not dead, cannot
    overwrite the retry that replaced it. A failure is recorded on the job for its owner and
    raised again for the task row (the traceback is kept there, for the administrator).
    """
    jobs = ExportJob.objects.filter(pk=job_pk, attempts=attempt)
    if not jobs.filter(status=Status.PENDING).update(status=Status.RUNNING, progress=0, updated_at=timezone.now()):
        logger.warning("export job %s attempt %s is no longer queued; skipped", job_pk, attempt)
        return None
    running = jobs.filter(status=Status.RUNNING)
    try:
        job = running.select_related("owner").defer("file").get()
        forms = job_forms(job)
        _beat(running, total=bulk.export_total(forms))
        with tempfile.TemporaryDirectory(prefix="perfgoals-export-") as folder:
            path = Path(folder) / "export.xlsx"
            written = bulk.export_forms(
                forms, path, lambda n: _beat(running, progress=n), progress_seconds=HEARTBEAT_SECONDS
            )
            size = _store_file(running, path)
        now = timezone.now()
        if not running.update(status=Status.DONE, progress=written, file_size=size, finished_at=now, updated_at=now):
            raise _Superseded
        return written
    except _Superseded:
        logger.warning("export job %s attempt %s was superseded; stopped", job_pk, attempt)
        return None
    except Exception as exc:
        logger.exception("export job %s failed", job_pk)
        now = timezone.now()
        error = _("导出失败：%(reason)s") % {"reason": str(exc)[:1000]}
        running.update(status=Status.FAILED, error=error, file=None, finished_at=now, updated_at=now)
        raise


def _beat(running, **fields) -> None:
    """Progress and heartbeat in one UPDATE."""
    if not running.update(updated_at=timezone.now(), **fields):
        raise _Superseded


def _store_file(running, path: Path) -> int:
    """Append the file to the job's BinaryField a few MB at a time, each append a heartbeat.

    One UPDATE with the whole file would hold several copies of it in this process
    (psycopg2 escapes bytea as hex text): a 16 MB file took the peak from 65 to 200 MB. `||` joins
    bytea on PostgreSQL; SQLite joins blobs as text, hence the cast back to BLOB.
    """
    binary = BinaryField()
    size = 0
    _beat(running, file=b"")
    with path.open("rb") as handle:
        while chunk := handle.read(FILE_CHUNK):
            joined = Func(F("file"), Value(chunk, output_field=binary), arg_joiner=" || ", template="(%(expressions)s)")
            _beat(running, file=Cast(joined, binary))
            # With DEBUG on, Django's query log would keep every hex-escaped chunk.
            reset_queries()
            size += len(chunk)
    return size


def job_file_chunks(job: ExportJob, chunk: int = 1024 * 1024) -> Iterator[bytes]:
    """The stored workbook in pieces, so a download never loads it whole into one process."""
    jobs = ExportJob.objects.filter(pk=job.pk)
    for start in range(0, job.file_size, chunk):
        piece = jobs.annotate(piece=Substr("file", start + 1, chunk)).values_list("piece", flat=True).get()
        yield bytes(piece)


# -- dead workers and old files ---------------------------------------------------------


def recover_stale(jobs=None) -> int:
    """Retry once, or report failed, the jobs among `jobs` (default: all) whose worker is gone.

    A running job whose heartbeat is older than PERFGOALS_EXPORT_STALE_SECONDS lost its worker
    (killed, restarted, out of memory); a job queued for PERFGOALS_EXPORT_QUEUE_MINUTES has no
    worker at all. The status poll runs this for its job, every new export and `purge_exports`
    (cron) for all, so someone watching sees the retry or the failure within a minute.
    Returns how many jobs were retried or failed.
    """
    now = timezone.now()
    silent_since = now - timedelta(seconds=settings.PERFGOALS_EXPORT_STALE_SECONDS)
    queued_since = now - timedelta(minutes=settings.PERFGOALS_EXPORT_QUEUE_MINUTES)
    jobs = ExportJob.objects.all() if jobs is None else jobs
    stale = jobs.filter(
        Q(status=Status.RUNNING, updated_at__lt=silent_since) | Q(status=Status.PENDING, updated_at__lt=queued_since)
    )
    recovered = 0
    for pk, status, attempts, task_id in stale.values_list("pk", "status", "attempts", "task_id"):
        with transaction.atomic():
            # Conditional on what was read: a worker that came back to life, or another poll, wins.
            since = silent_since if status == Status.RUNNING else queued_since
            same = ExportJob.objects.filter(pk=pk, status=status, attempts=attempts, updated_at__lt=since)
            if status == Status.RUNNING and attempts < MAX_ATTEMPTS:
                changed = same.update(
                    status=Status.PENDING, attempts=attempts + 1, progress=0, file=None, file_size=0, updated_at=now
                )
                if changed:
                    _abandon_task(task_id)
                    _enqueue(pk, attempt=attempts + 1)
            else:
                if status == Status.RUNNING:
                    error = _("导出中断：后台任务进程停止响应，自动重试一次后仍未完成，请重新导出或联系系统管理员。")
                else:
                    error = _(
                        "导出排队 %(minutes)s 分钟仍未开始，后台任务服务可能没有运行，请联系系统管理员后重新导出。"
                    ) % {"minutes": settings.PERFGOALS_EXPORT_QUEUE_MINUTES}
                changed = same.update(status=Status.FAILED, error=error, file=None, finished_at=now, updated_at=now)
                if changed:
                    _abandon_task(task_id)
            recovered += changed
    if recovered:
        logger.warning("%s export job(s) had lost their worker: retried or failed", recovered)
    return recovered


def _abandon_task(task_id: str) -> None:
    """Close the task row of a lost attempt, which would otherwise stay RUNNING (or READY) for ever."""
    if not task_id:
        return
    DBTaskResult.objects.filter(id=task_id, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path=f"{__name__}.{WorkerLost.__qualname__}",
        traceback="The export job's heartbeat stopped: its worker died or the job waited too long.",
    )


def purge_expired() -> int:
    """Delete finished jobs, files included, older than PERFGOALS_EXPORT_KEEP_HOURS, and their task rows.

    Called on every new export and by `purge_exports` (cron). Returns how many jobs were deleted.
    """
    cutoff = timezone.now() - _keep()
    # No relation points at either table, so each is one DELETE that never loads a file.
    deleted, _by_model = ExportJob.objects.filter(finished_at__lt=cutoff).delete()
    DBTaskResult.objects.finished().filter(task_path=run_export_job.module_path, finished_at__lt=cutoff).delete()
    return deleted
