"""The library pages: list and search, create / edit / retire, xlsx export and import, the typeahead JSON."""

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from indicators.choices import FormKind
from indicators.models import LibraryEntry

from ..choices import JobKind
from ..exchange.reader import UploadError
from ..exchange.tables import read_table, template_xlsx
from ..permissions import can_edit_library_entry, can_manage_library
from ..services import jobs
from . import exchange, search, services
from .forms import ACTIVE, RETIRED, EntryForm, SearchForm, UploadForm
from .tasks import import_library_task
from .values import value_text

PAGE_SIZE = 50
# Exported in the request: one query of short texts (5,000 rows write in about a second here).
EXPORT_MAX_ROWS = settings.PERFGOALS_LIBRARY_EXPORT_MAX_ROWS
# Imports up to this many rows run in the request after the preview; larger ones as a background job.
INLINE_IMPORT_MAX = settings.PERFGOALS_LIBRARY_INLINE_IMPORT_MAX
IMPORT_MAX_ROWS = settings.PERFGOALS_LIBRARY_IMPORT_MAX_ROWS
SESSION_KEY = "library_import"


def _filtered(user, data) -> tuple[SearchForm, object]:
    form = SearchForm(data)
    entries = search.visible_entries(user).select_related("framework", "owner").prefetch_related("tags")
    if not form.is_valid():
        return form, entries.none()
    c = form.cleaned_data
    if c["q"]:
        entries = search.matching(entries, c["q"])
    if c["level2"]:
        entries = entries.filter(level2__contains=c["level2"].strip())
    if c["tag"]:
        entries = entries.filter(tags__name=c["tag"].strip()).distinct()
    if c["form_kind"]:
        entries = entries.filter(form_kind=c["form_kind"])
    if c["scope"]:
        entries = entries.filter(scope=c["scope"])
    if c["state"] == ACTIVE:
        entries = entries.filter(is_active=True)
    elif c["state"] == RETIRED:
        entries = entries.filter(is_active=False)
    return form, entries.order_by("form_kind", "level1", "level2", "name", "pk")


@login_required
@require_GET
def entry_list(request):
    form, entries = _filtered(request.user, request.GET)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page:
        entry.can_edit = can_edit_library_entry(request.user, entry)
        entry.value_shown = value_text(entry.sign, entry.value, entry.unit) or entry.unit
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    return render(
        request,
        "library/list.html",
        {"form": form, "page": page, "query": query, "can_manage": can_manage_library(request.user)},
    )


def _save(request, entry: LibraryEntry | None):
    form = EntryForm(request.POST or None, instance=entry, by=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            if entry is None:
                entry = services.create_entry(by=request.user, data=form.entry_data())
                messages.success(request, _("已新增指标库条目“%(name)s”。") % {"name": entry.name})
            else:
                services.update_entry(entry=entry, by=request.user, data=form.entry_data())
                messages.success(request, _("已保存指标库条目“%(name)s”。") % {"name": entry.name})
        except PermissionDenied as e:
            messages.error(request, str(e))
        else:
            return redirect("library:list")
    return render(request, "library/entry_form.html", {"form": form, "entry": entry})


@login_required
def entry_create(request):
    if not can_manage_library(request.user):
        raise PermissionDenied(_("您无权维护指标库。"))
    return _save(request, None)


@login_required
def entry_edit(request, pk):
    return _save(request, search.get_entry_or_404(request.user, pk, for_edit=True))


@login_required
@require_POST
def entry_toggle(request, pk):
    entry = search.get_entry_or_404(request.user, pk, for_edit=True)
    entry = services.set_active(entry=entry, by=request.user, active=not entry.is_active)
    text = _("已启用“%(name)s”。") if entry.is_active else _("已停用“%(name)s”，填报时不再推荐。")
    messages.success(request, text % {"name": entry.name})
    back = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return redirect(back if back and safe else reverse("library:list"))


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
@require_GET
def export(request):
    _form, entries = _filtered(request.user, request.GET)
    count = entries.count()
    if count > EXPORT_MAX_ROWS:
        messages.error(
            request,
            _("筛选结果有 %(count)s 条，超过一次导出的上限 %(max)s 条，请先缩小筛选范围。")
            % {"count": count, "max": EXPORT_MAX_ROWS},
        )
        return redirect(reverse("library:list") + "?" + request.GET.urlencode())
    return _xlsx(exchange.export_xlsx(entries), exchange.file_name())


@login_required
@require_GET
def import_template(request):
    if not can_manage_library(request.user):
        raise PermissionDenied(_("您无权维护指标库。"))
    data = template_xlsx(str(_("指标库")), exchange.COLUMNS, examples=[exchange.template_example()])
    return _xlsx(data, "指标库导入模板.xlsx")


@login_required
def import_upload(request):
    """Upload → every row checked → preview of what would change; nothing is written here."""
    if not can_manage_library(request.user):
        raise PermissionDenied(_("您无权维护指标库。"))
    form = UploadForm(request.POST or None, request.FILES or None)
    problems, preview = [], None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            read = read_table(upload, exchange.COLUMNS, name=upload.name, max_rows=IMPORT_MAX_ROWS)
        except UploadError as e:
            problems = e.messages
        else:
            rows, problems = exchange.read_entries(read, request.user)
            if not problems:
                token = secrets.token_urlsafe(16)
                request.session[SESSION_KEY] = {"token": token, "rows": [exchange.to_plain(r) for r in rows]}
                plan = services.plan_import(rows)
                preview = {
                    "token": token,
                    "rows": [
                        (r, row, action, value_text(row.sign, row.value, row.unit) or row.unit)
                        for r, row, action in zip(read, rows, plan, strict=True)
                    ],
                    "created": plan.count(services.CREATE),
                    "updated": plan.count(services.UPDATE),
                    "same": plan.count(services.SAME),
                    "in_background": len(rows) > INLINE_IMPORT_MAX,
                }
    context = {
        "form": form,
        "problems": problems,
        "preview": preview,
        "inline_max": INLINE_IMPORT_MAX,
        "max_rows": IMPORT_MAX_ROWS,
    }
    return render(request, "library/import.html", context)


@login_required
@require_POST
def import_confirm(request):
    pending = request.session.get(SESSION_KEY)
    if not can_manage_library(request.user):
        raise PermissionDenied(_("您无权维护指标库。"))
    if not pending or pending.get("token") != request.POST.get("token"):
        messages.error(request, _("导入预览已失效（可能已经导入过，或在另一个窗口重新上传了文件），请重新上传。"))
        return redirect("library:import")
    del request.session[SESSION_KEY]
    plain = pending["rows"]
    if len(plain) > INLINE_IMPORT_MAX:
        job = jobs.start(JobKind.IMPORT_LIBRARY, by=request.user, params={"rows": plain}, task=import_library_task)
        return redirect("projects:job_status", job_pk=job.pk)
    try:
        result = services.import_entries(by=request.user, rows=exchange.from_plain(plain))
    except PermissionDenied as e:
        messages.error(request, str(e))
        return redirect("library:import")
    messages.success(
        request,
        _("导入完成：新增 %(created)s 条，更新 %(updated)s 条，未变 %(same)s 条。")
        % {"created": len(result.created), "updated": len(result.updated), "same": result.unchanged},
    )
    return redirect("library:list")


@login_required
@require_GET
def pick(request):
    """The editor's typeahead: ?q=…&kind=project&level2=数量 -> {"results": [...]}, the row's 二级 first."""
    kind = request.GET.get("kind", FormKind.PROJECT)
    if kind not in FormKind.values:
        kind = FormKind.PROJECT
    level2 = request.GET.get("level2", "")[:100]
    found = search.typeahead(request.user, request.GET.get("q", ""), form_kind=kind, level2=level2)
    return JsonResponse(
        {
            "results": [
                {
                    "id": e.pk,
                    "name": e.name,
                    "level1": e.level1,
                    "level2": e.level2,
                    "same_group": e.level2 == level2,
                    "sign": e.sign,
                    "value": value_text(e.sign, e.value, e.unit),
                    "unit": e.unit,
                    "explanation": e.explanation,
                    "scoring": e.scoring,
                    "scope": e.get_scope_display(),
                    "usage": e.usage_count,
                }
                for e in found
            ]
        }
    )
