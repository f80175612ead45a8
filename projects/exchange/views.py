"""Excel views: the official layout down and back up, and the bulk export.

writer.py and reader.py do the Excel work; projects/services/exports.py starts, runs and cleans up export jobs.

An upload waits for confirmation in the session (database-backed), never in this
process: the confirm request may land on another app server.
"""

import secrets
from dataclasses import replace

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from indicators.models import FormKind

from .. import services
from ..forms import QueueFilterForm
from ..lib.diff import diff_snapshots
from ..models import ExportJob, FiscalYear, PerformanceForm
from ..permissions import can_create, can_edit, get_form_or_404
from ..services import exports
from . import reader
from .layout import budget_fields, header_fields, optional_fields
from .sheet import SheetForm, SheetRow, settle
from .writer import official_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PENDING_KEY = "excel_upload"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
        error_messages={"required": gettext_lazy("请选择要上传的文件。")},
    )


def _attachment(response, filename: str):
    response["Content-Disposition"] = content_disposition_header(True, filename.replace("/", "-"))
    return response


# -- one form, official layout -------------------------------------------------


@login_required
def download(request, pk):
    perf_form = get_form_or_404(request.user, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    sheet = SheetForm.from_form(perf_form, perf_form.indicators.all())
    response = HttpResponse(official_xlsx(sheet), content_type=XLSX)
    return _attachment(response, f"{perf_form.year.year}-{perf_form.unit.name}-{perf_form.title}.xlsx")


def _read_upload(request, form: UploadForm) -> tuple[SheetForm | None, list[str]]:
    """The parsed file, or the reasons it was refused."""
    limit = settings.PERFGOALS_UPLOAD_MAX_BYTES
    declared = request.META.get("CONTENT_LENGTH") or "0"
    # Refuse a huge body before Django spools it to disk as an upload.
    if declared.isdigit() and int(declared) > limit + 64 * 1024:
        return None, [_("文件太大，上限为 %(limit)s MB。") % {"limit": limit // (1024 * 1024)}]
    if not form.is_valid():
        return None, [error for errors in form.errors.values() for error in errors]
    upload = form.cleaned_data["file"]
    try:
        return reader.read_official(upload, name=upload.name), []
    except reader.UploadError as exc:
        return None, exc.messages


def _upload_page(request, form: UploadForm, errors: list[str], perf_form: PerformanceForm | None):
    max_mb = settings.PERFGOALS_UPLOAD_MAX_BYTES // (1024 * 1024)
    context = {"form": form, "errors": errors, "perf_form": perf_form, "max_mb": max_mb}
    return render(request, "projects/excel_upload.html", context)


def _remember(request, sheet: SheetForm, *, form_id: int | None, version: int | None) -> str:
    """Keep the parsed upload in the session until it is confirmed; a newer upload replaces it."""
    token = secrets.token_urlsafe(16)
    request.session[PENDING_KEY] = {
        "token": token,
        "form_id": form_id,
        "version": version,
        "sheet": sheet.to_json(),
    }
    return token


def _pending(request, *, form_id: int | None) -> dict | None:
    data = request.session.get(PENDING_KEY)
    token = request.POST.get("token", "")
    if not data or not token or not constant_time_compare(data["token"], token) or data["form_id"] != form_id:
        return None
    return data


def _forget(request) -> None:
    request.session.pop(PENDING_KEY, None)


def _preview(request, *, sheet: SheetForm, current: SheetForm | None, token: str, action: str, **extra):
    fields = header_fields(sheet.kind) + budget_fields(sheet.kind)
    before = current.snapshot() if current else {"header": {}, "budget": {}, "rows": []}
    diff = diff_snapshots(before, sheet.snapshot())
    # Shown as the review diff shows them: 是/否, 元 with separators, a department's money in 万元.
    changes = [(c.label, c.old_text, c.new_text) for c in diff.header + diff.budget if c.name in fields]
    in_wan = sheet.kind == FormKind.DEPARTMENT
    return render(
        request,
        "projects/excel_preview.html",
        {
            "sheet": sheet,
            "diff": diff,
            "changes": changes,
            "token": token,
            "action": action,
            "row_count": len(sheet.rows),
            "in_wan": in_wan,
            **extra,
        },
    )


def _row_inputs(sheet: SheetForm, perf_form: PerformanceForm | None = None) -> list[services.RowInput]:
    """Rows to save, keeping the id of each existing row with the same 一级/二级/三级 (and its comments)."""
    rows = [services.RowInput(**{**row.data(), "weight": row.weight}) for row in sheet.rows]
    return services.match_rows(perf_form, rows)


def _settled(sheet: SheetForm, perf_form: PerformanceForm | None) -> SheetForm:
    """The upload with what the file only shows (printed 二级 and values) taken back from the form.

    A file written before the rows had details keeps the form's details and 项目代码: it could not hold them.
    """
    current = [SheetRow.from_indicator(r) for r in perf_form.indicators.all()] if perf_form else []
    header = dict(sheet.header)
    if sheet.predates_details and perf_form is not None:
        header.update({name: getattr(perf_form, name) for name in optional_fields(sheet.kind)})
    return replace(sheet, header=header, rows=settle(sheet.rows, current, keep_details=sheet.predates_details))


@login_required
def upload(request, pk):
    """Upload a file in the official layout onto one's own draft: a preview of what will change first."""
    perf_form = get_form_or_404(request.user, pk, for_edit=True)
    if not can_edit(request.user, perf_form):
        messages.error(
            request,
            _("这张表当前的状态（%(status)s）不允许修改，不能上传。") % {"status": perf_form.get_status_display()},
        )
        return redirect(perf_form)
    form = UploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST":
        # A new upload replaces the pending one even when it fails: a preview of the earlier
        # file still open in another tab must not be confirmable after this.
        _forget(request)
        sheet, errors = _read_upload(request, form)
        if sheet and sheet.kind != perf_form.kind:
            errors = [
                _("文件是“%(file_kind)s”的格式，而这张表是“%(kind)s”，请下载本表的 Excel 后在其中修改。")
                % {"file_kind": FormKind(sheet.kind).label, "kind": perf_form.get_kind_display()}
            ]
        elif sheet and sheet.year != perf_form.year.year:
            errors = [
                _("文件是 %(file_year)s 年度的表，而这张表是 %(year)s 年度，没有导入。")
                % {"file_year": sheet.year, "year": perf_form.year.year}
            ]
        if sheet and not errors:
            sheet = _settled(sheet, perf_form)
            token = _remember(request, sheet, form_id=perf_form.pk, version=perf_form.version)
            current = SheetForm.from_form(perf_form, perf_form.indicators.all())
            return _preview(
                request,
                sheet=sheet,
                current=current,
                token=token,
                action=reverse("projects:excel_upload_confirm", args=[perf_form.pk]),
                perf_form=perf_form,
            )
    return _upload_page(request, form, errors, perf_form)


@login_required
def upload_confirm(request, pk):
    perf_form = get_form_or_404(request.user, pk, for_edit=True)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    pending = _pending(request, form_id=perf_form.pk)
    if pending is None:
        messages.error(request, _("没有待确认的上传（可能已确认过或已被新的上传替换），请重新上传。"))
        return redirect("projects:excel_upload", pk=perf_form.pk)
    sheet = SheetForm.from_json(pending["sheet"])
    current = SheetForm.from_form(perf_form, perf_form.indicators.all())
    if pending["version"] == perf_form.version and sheet.snapshot() == current.snapshot():
        # Nothing to save: no new version, no history for a file that changes nothing.
        _forget(request)
        messages.info(request, _("上传的文件与本表现在的内容相同，没有改动。"))
        return redirect(perf_form)
    try:
        services.save_form(
            perf_form=perf_form,
            by=request.user,
            values=sheet.values(),
            rows=_row_inputs(sheet, perf_form),
            expected_version=pending["version"],
        )
    except services.ConcurrentEditError as exc:
        _forget(request)
        messages.error(request, _("%(reason)s 上传的文件没有导入，请重新上传。") % {"reason": exc})
        return redirect("projects:excel_upload", pk=perf_form.pk)
    except (services.DuplicateFormError, services.NotEditableError) as exc:
        _forget(request)
        messages.error(request, str(exc))
        return redirect(perf_form)
    _forget(request)
    messages.success(request, _("已按上传的文件更新表头、预算和指标。"))
    return redirect(perf_form)


@login_required
def upload_new(request):
    """Create a new draft from a file in the official layout."""
    if not (can_create(request.user) or can_create(request.user, FormKind.DEPARTMENT)):
        raise PermissionDenied(_("您不能新建绩效目标表。"))
    form = UploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST":
        _forget(request)  # as in `upload`: a failed upload leaves nothing to confirm
        sheet, errors = _read_upload(request, form)
        if sheet and not errors:
            errors = _creation_problems(request.user, sheet)
        if sheet and not errors:
            sheet = _settled(sheet, None)
            token = _remember(request, sheet, form_id=None, version=None)
            return _preview(
                request, sheet=sheet, current=None, token=token, action=reverse("projects:excel_create_confirm")
            )
    return _upload_page(request, form, errors, None)


def _open_year(year: int) -> FiscalYear | None:
    return FiscalYear.objects.filter(year=year, is_open=True).first()


def _creation_problems(user, sheet: SheetForm) -> list[str]:
    if not can_create(user, sheet.kind):
        return [_("您不能新建“%(kind)s”绩效目标表。") % {"kind": FormKind(sheet.kind).label}]
    year = _open_year(sheet.year)
    if year is None or year.framework_for(sheet.kind) is None:
        return [_("%(year)s 年度没有开放填报（或未配置指标体系），不能新建。") % {"year": sheet.year}]
    return []


@require_POST
@login_required
def upload_new_confirm(request):
    pending = _pending(request, form_id=None)
    if pending is None:
        messages.error(request, _("没有待确认的上传（可能已确认过或已被新的上传替换），请重新上传。"))
        return redirect("projects:excel_create")
    sheet = SheetForm.from_json(pending["sheet"])
    problems = _creation_problems(request.user, sheet)
    if problems:
        _forget(request)
        for problem in problems:
            messages.error(request, problem)
        return redirect("projects:excel_create")
    try:
        created = services.create_form(
            by=request.user,
            year=_open_year(sheet.year),
            kind=sheet.kind,
            values=sheet.values(),
            rows=_row_inputs(sheet),
        )
    except (services.DuplicateFormError, services.CannotCreateError) as exc:
        _forget(request)
        messages.error(request, str(exc))
        return redirect("projects:excel_create")
    _forget(request)
    messages.success(request, _("已按上传的文件新建草稿。"))
    return redirect(created)


# -- bulk export -----------------------------------------------------------------


@require_POST
@login_required
def export_start(request):
    """Queue an export of the queue as filtered (the query string), in the user's scope."""
    # `year=` (every year) is kept: without a year the queue, and the export, mean the current one.
    filters = {name: request.GET[name] for name in QueueFilterForm.base_fields if name in request.GET}
    try:
        job, created = exports.start_export(owner=request.user, filters=filters)
    except exports.ExportRefused as exc:
        messages.error(request, str(exc))
        query = request.GET.urlencode()
        return redirect(reverse("projects:queue") + (f"?{query}" if query else ""))
    if not created:
        messages.info(request, _("您已有一个导出在排队或生成，请等它完成后再导出。下面是它的进度。"))
    return redirect("projects:excel_export_status", job_pk=job.pk)


def _own_job(request, job_pk) -> ExportJob:
    """An export job of this user, its lost worker dealt with; anyone else's is a 404. Never loads the file."""
    own = ExportJob.objects.filter(pk=job_pk, owner=request.user)
    exports.recover_stale(own)
    try:
        return own.defer("file").get()
    except ExportJob.DoesNotExist:
        raise Http404(_("没有找到这个导出任务。")) from None


def _job_state(job: ExportJob) -> dict:
    done = job.status == ExportJob.Status.DONE
    expired = done and exports.is_expired(job)
    percent = 100 if done else int(100 * job.progress / job.total) if job.total else 0
    notice = ""
    if job.attempts > 1 and job.status in exports.ACTIVE:
        notice = _("后台任务进程中断过一次，导出已自动重新开始。")
    error = _("文件已过期删除，请重新导出。") if expired else job.error
    return {
        "status": job.status,
        # Queued or running: the page keeps polling (it never compares statuses itself).
        "active": job.status in exports.ACTIVE,
        "status_display": job.get_status_display(),
        "progress": job.progress,
        "total": job.total,
        "percent": min(percent, 100),
        "notice": notice,
        "error": error,
        "download_url": reverse("projects:excel_export_download", args=[job.pk]) if done and not expired else None,
    }


@login_required
def export_status(request, job_pk):
    job = _own_job(request, job_pk)
    context = {
        "job": job,
        "state": _job_state(job),
        "keep_hours": settings.PERFGOALS_EXPORT_KEEP_HOURS,
        "count_template": _("已写 %(n)s / %(total)s 行"),
    }
    return render(request, "projects/excel_export.html", context)


@login_required
def export_progress(request, job_pk):
    return JsonResponse(_job_state(_own_job(request, job_pk)))


@login_required
def export_download(request, job_pk):
    job = _own_job(request, job_pk)
    if job.status != ExportJob.Status.DONE:
        raise Http404(_("导出尚未完成。"))
    if exports.is_expired(job):
        raise Http404(_("文件已过期删除，请重新导出。"))
    response = StreamingHttpResponse(exports.job_file_chunks(job), content_type=XLSX)
    response["Content-Length"] = str(job.file_size)
    stamp = timezone.localtime(job.created_at).strftime("%Y%m%d-%H%M")
    return _attachment(response, f"绩效目标表导出-{stamp}.xlsx")
