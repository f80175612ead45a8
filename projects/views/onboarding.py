"""导入单位和用户 (admins): templates to fill in, upload, a checked preview, confirm, the passwords once.

The checked rows wait for confirmation in the session (database-backed), like the Excel
upload's. The generated passwords are in the session only from the confirm until the result
page shows them, and then until they are downloaded once as xlsx (or the session ends): never in
the database, the task queue or a log.
"""

import secrets

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from ..exchange.reader import UploadError
from ..exchange.tables import Column, Table, read_table, template_xlsx, write_tables
from ..permissions import can_exchange
from ..services import onboarding

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PENDING_KEY, SHOW_KEY, DOWNLOAD_KEY = "onboarding_plan", "onboarding_show", "onboarding_download"
TEMPLATES = {
    "organizations": (
        onboarding.ORGANIZATIONS_TITLE,
        onboarding.ORGANIZATION_COLUMNS,
        onboarding.ORGANIZATION_EXAMPLES,
    ),
    "users": (onboarding.USERS_TITLE, onboarding.USER_COLUMNS, onboarding.USER_EXAMPLES),
}
PASSWORD_COLUMNS = [
    Column("username", gettext_lazy("用户名"), 16),
    Column("full_name", gettext_lazy("姓名"), 12),
    Column("unit", gettext_lazy("所属单位"), 30),
    Column("role", gettext_lazy("角色"), 16),
    Column("password", gettext_lazy("初始密码"), 16),
]


class OnboardingUploadForm(forms.Form):
    organizations = forms.FileField(
        label=gettext_lazy("单位表（.xlsx）"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
    )
    users = forms.FileField(
        label=gettext_lazy("用户表（.xlsx）"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
    )


def _require_admin(request) -> None:
    if not can_exchange(request.user):
        raise Http404(_("没有找到这个页面，或您无权查看。"))


def _attachment(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_GET
def template(request, which):
    _require_admin(request)
    if which not in TEMPLATES:
        raise Http404
    title, columns, examples = TEMPLATES[which]
    return _attachment(template_xlsx(str(title), columns, examples=examples), f"{title}导入模板.xlsx")


def _read(form: OnboardingUploadForm) -> tuple[dict, list[str]]:
    rows, errors = {"organizations": [], "users": []}, []
    for key, (title, columns, _examples) in TEMPLATES.items():
        upload = form.cleaned_data.get(key)
        if upload is None:
            continue
        try:
            rows[key] = read_table(upload, columns, name=upload.name, max_rows=settings.PERFGOALS_ONBOARDING_MAX_ROWS)
        except UploadError as exc:
            errors += [_("%(file)s表：%(problem)s") % {"file": title, "problem": m} for m in exc.messages]
    if not errors and not rows["organizations"] and not rows["users"]:
        errors.append(_("请至少选择单位表或用户表中的一个文件。"))
    return rows, errors


def upload(request):
    _require_admin(request)
    form = OnboardingUploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        request.session.pop(PENDING_KEY, None)
        rows, errors = _read(form)
        if not errors:
            checked = onboarding.plan(rows["organizations"], rows["users"])
            errors = checked.problems
        if not errors:
            token = secrets.token_urlsafe(16)
            request.session[PENDING_KEY] = {"token": token, "plan": checked.to_json()}
            return render(request, "projects/onboarding_preview.html", {"plan": checked, "token": token})
    return render(request, "projects/onboarding.html", {"form": form, "errors": errors})


@require_POST
def confirm(request):
    _require_admin(request)
    pending = request.session.get(PENDING_KEY)
    token = request.POST.get("token", "")
    if not pending or not token or not constant_time_compare(pending["token"], token):
        messages.error(request, _("预览已过期或已被新的上传替换，请重新上传。"))
        return redirect("projects:onboarding")
    try:
        checked, accounts = onboarding.apply(pending["plan"], by=request.user)
    except onboarding.OnboardingError as exc:
        request.session.pop(PENDING_KEY, None)
        return render(request, "projects/onboarding.html", {"form": OnboardingUploadForm(), "errors": exc.messages})
    request.session.pop(PENDING_KEY, None)
    request.session[SHOW_KEY] = {"summary": checked.summary, "accounts": [a.__dict__ for a in accounts]}
    return redirect("projects:onboarding_result")


@require_GET
def result(request):
    """The passwords, shown once: from here they wait only for the one download."""
    _require_admin(request)
    shown = request.session.pop(SHOW_KEY, None)
    if shown is None:
        return render(request, "projects/onboarding_result.html", {"shown": None})
    if shown["accounts"]:
        request.session[DOWNLOAD_KEY] = shown["accounts"]
    return render(request, "projects/onboarding_result.html", {"shown": shown})


@require_GET
def passwords(request):
    _require_admin(request)
    accounts = request.session.pop(DOWNLOAD_KEY, None)
    if not accounts:
        messages.error(request, _("初始密码只能下载一次，已经下载过或已离开结果页。需要时请在系统管理中重置密码。"))
        return redirect("projects:onboarding")
    rows = [[a["username"], a["full_name"], a["unit"], a["role"], a["password"]] for a in accounts]
    table = Table(
        title=str(_("初始密码")),
        columns=PASSWORD_COLUMNS,
        rows=rows,
        notes=[_("首次登录后须修改密码。请妥善分发，分发后删除本文件。")],
    )
    return _attachment(write_tables([table]), "初始密码.xlsx")
