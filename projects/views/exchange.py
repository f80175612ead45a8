"""一体化交换 (admins): export a year as a zip, upload a zip, see it checked, then confirm the import.

Both run on the task queue (projects.services.exchange): the check is a dry run of the whole
import, whose job keeps the uploaded zip; confirming starts the real import from that job.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from ..choices import JobKind, JobStatus
from ..models import BackgroundJob, FiscalYear
from ..permissions import can_exchange
from ..services import exchange as service

RECENT_CHECKS = 5


class ExportForm(forms.Form):
    year = forms.TypedChoiceField(
        label=gettext_lazy("年度"), coerce=int, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in FiscalYear.objects.values_list("year", flat=True)]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("交换文件（.zip）"),
        widget=forms.FileInput(attrs={"accept": ".zip", "class": "form-control"}),
        error_messages={"required": gettext_lazy("请选择要上传的 zip 文件。")},
    )


def _require_admin(request) -> None:
    if not can_exchange(request.user):
        raise Http404(_("没有找到这个页面，或您无权查看。"))


def _checks(user):
    return (
        BackgroundJob.objects.defer("file")
        .filter(owner=user, kind=JobKind.EXCHANGE_IMPORT, params__dry_run=True)
        .order_by("-created_at")[:RECENT_CHECKS]
    )


def _page(request, export_form=None, import_form=None, errors=()):
    context = {
        "export_form": export_form or ExportForm(),
        "import_form": import_form or ImportForm(),
        "errors": errors,
        "checks": _checks(request.user),
        "max_mb": settings.PERFGOALS_EXCHANGE_MAX_UPLOAD_BYTES // 2**20,
    }
    return render(request, "projects/exchange.html", context)


@require_GET
def exchange(request):
    _require_admin(request)
    return _page(request)


@require_POST
def export(request):
    _require_admin(request)
    form = ExportForm(request.POST)
    if not form.is_valid():
        return _page(request, export_form=form)
    job = service.start_export(by=request.user, year=form.cleaned_data["year"])
    return redirect("projects:job_status", job_pk=job.pk)


@require_POST
def check(request):
    _require_admin(request)
    limit = settings.PERFGOALS_EXCHANGE_MAX_UPLOAD_BYTES
    declared = request.META.get("CONTENT_LENGTH") or "0"
    too_big = _("文件太大，上限为 %(limit)s MB。") % {"limit": limit // 2**20}
    if declared.isdigit() and int(declared) > limit + 64 * 1024:
        return _page(request, errors=[too_big])
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, import_form=form)
    upload = form.cleaned_data["file"]
    if upload.size > limit:
        return _page(request, errors=[too_big])
    job = service.start_check(by=request.user, data=upload.read(), file_name=upload.name[:200])
    messages.info(request, _("已开始检查上传的文件；检查通过后回到“一体化交换”页确认导入。"))
    return redirect("projects:job_status", job_pk=job.pk)


@require_POST
def import_view(request, job_pk):
    _require_admin(request)
    check_job = BackgroundJob.objects.defer("file").filter(
        pk=job_pk, owner=request.user, kind=JobKind.EXCHANGE_IMPORT, params__dry_run=True
    )
    check_job = check_job.first()
    if check_job is None:
        raise Http404(_("没有找到这次检查。"))
    if check_job.status != JobStatus.DONE or not check_job.result.get("ok"):
        messages.error(request, _("这个文件没有通过检查，不能导入。"))
        return redirect("projects:exchange")
    job = service.start_import(by=request.user, check_job=check_job)
    return redirect("projects:job_status", job_pk=job.pk)
