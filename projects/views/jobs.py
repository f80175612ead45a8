"""A background job's status page, its progress JSON (polled by static/js/export_status.js) and its file."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from ..models import BackgroundJob


def _own_job(request, pk) -> BackgroundJob:
    """The job if the user started it (admins see every job); anything else is a 404."""
    jobs = BackgroundJob.objects.defer("file")
    if not request.user.is_admin:
        jobs = jobs.filter(owner=request.user)
    try:
        return jobs.get(pk=pk)
    except BackgroundJob.DoesNotExist:
        raise Http404(_("没有找到这个后台任务，或您无权查看。")) from None


def job_state(job: BackgroundJob) -> dict:
    done = job.status == BackgroundJob.Status.DONE
    percent = 100 if done else int(100 * job.progress / job.total) if job.total else 0
    has_file = done and bool(job.file_name)
    return {
        "status": job.status,
        "active": job.is_active,
        "status_display": job.get_status_display(),
        "progress": job.progress,
        "total": job.total,
        "percent": min(percent, 100),
        "notice": "",
        "error": job.error,
        "lines": [str(line) for line in job.result.get("lines", [])],
        "download_url": reverse("projects:job_download", args=[job.pk]) if has_file else None,
    }


@login_required
def job_status(request, job_pk):
    job = _own_job(request, job_pk)
    context = {"job": job, "state": job_state(job), "count_template": _("已处理 %(n)s / %(total)s")}
    return render(request, "projects/job_status.html", context)


@login_required
def job_progress(request, job_pk):
    return JsonResponse(job_state(_own_job(request, job_pk)))


@login_required
def job_download(request, job_pk):
    job = _own_job(request, job_pk)
    if job.status != BackgroundJob.Status.DONE or not job.file_name:
        raise Http404(_("文件尚未生成。"))
    data = BackgroundJob.objects.values_list("file", flat=True).get(pk=job.pk)
    content_type = "application/zip" if job.file_name.endswith(".zip") else "application/octet-stream"
    if job.file_name.endswith(".xlsx"):
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(bytes(data), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, job.file_name.replace("/", "-"))
    return response
