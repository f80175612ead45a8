"""The editor's 推荐指标 panel asks here (static/js/suggest.js): suggestions as JSON."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators.choices import FormKind
from projects import schema
from projects.accounts.models import Organization
from projects.models import FiscalYear
from projects.permissions import can_create, can_edit, get_form_or_404

from .engine import grouped, suggest

LIMIT = 30  # rows offered by the panel (it scrolls)
_FIELDS = ("project_name", "overview", "basis")


def _department_id(organization: Organization | None) -> int | None:
    if organization is None:
        return None
    return organization.pk if organization.kind == Organization.Kind.DEPARTMENT else organization.parent_id


def _target(request):
    """(year, framework, form id) of the form being edited, or of the new form's chosen year."""
    if request.POST.get("form"):
        perf_form = get_form_or_404(request.user, request.POST["form"], for_edit=True)
        if not can_edit(request.user, perf_form):
            raise PermissionDenied(_("这张表当前不能修改。"))
        return perf_form.kind, perf_form.year, perf_form.framework, perf_form.pk
    kind = request.POST.get("kind", FormKind.PROJECT)
    if kind not in FormKind.values or not can_create(request.user, kind):
        raise PermissionDenied(_("您不能新建这类绩效目标表。"))
    chosen = request.POST.get("year", "")
    year = FiscalYear.objects.filter(is_open=True, pk=chosen).first() if chosen.isdigit() else None
    year = year or FiscalYear.current()
    if year is None:
        raise PermissionDenied(_("当前没有开放填报的年度。"))
    return kind, year, year.framework_for(kind), None


@require_POST
@login_required
def suggestions(request):
    kind, year, framework, form_id = _target(request)
    texts = {name: request.POST.get(name, "").strip() for name in _FIELDS}
    for name, text in texts.items():
        entry = schema.get(name)
        if len(text) > entry.max_length:
            message = _("%(label)s最多 %(n)s 个字（现在 %(count)s 个字）。") % {
                "label": entry.label,
                "n": entry.max_length,
                "count": len(text),
            }
            return JsonResponse({"groups": [], "message": message}, status=400)
    if not any(texts.values()):
        return JsonResponse({"groups": [], "message": _("请先填写项目名称、项目概况或立项依据，再查看推荐指标。")})
    found = suggest(
        kind=kind,
        name=texts["project_name"],
        overview=texts["overview"],
        basis=texts["basis"],
        year=year.year,
        framework=framework,
        department_id=_department_id(request.user.organization),
        exclude_forms=[form_id] if form_id else [],
        limit=LIMIT,
    )
    message = "" if found else _("没有找到类似项目的指标，可以从指标库中挑选，或自行填写。")
    return JsonResponse({"groups": grouped(found), "message": message})
