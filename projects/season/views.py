"""The season's pages: 年度设置 (admins), reopening (the finance bureau), 填报进度 and 催报 (reviewers)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..accounts.models import Organization
from ..choices import JobKind
from ..exchange.reader import UploadError
from ..models import FiscalYear
from ..permissions import (
    can_manage_season,
    can_reopen_unit,
    can_urge,
    can_view_progress,
    progress_departments,
    urge_departments,
)
from ..services import jobs
from . import charts, dashboard, importing, services, tasks
from .forms import DeadlinesForm, ExpectedUploadForm, NewYearForm, ReopenForm, UrgeForm, YearWindowForm
from .models import DepartmentDeadline, ExpectedForm, UnitReopen
from .rows import STATUSES, unit_cells, unit_rows_html

PENDING_KEY = "season_expected_upload"
UNIT_PAGE_SIZE = 100
# More units than this in one 催报 and it goes to the task queue.
URGE_INLINE_UNITS = 30


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("您没有权限查看这个页面。"))


def _year_or_404(pk) -> FiscalYear:
    return get_object_or_404(FiscalYear, pk=pk)


@login_required
def years(request):
    """年度设置: the years, and a form to open the next one."""
    _require(can_manage_season(request.user))
    all_years = list(FiscalYear.objects.select_related("project_framework", "department_framework"))
    form = NewYearForm(request.POST) if request.method == "POST" else NewYearForm.with_defaults(all_years)
    if request.method == "POST" and form.is_valid():
        try:
            year = services.open_year(by=request.user, **form.cleaned_data)
        except services.SeasonError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("已开启%(year)s。") % {"year": year})
            return redirect("season:year", pk=year.pk)
    return render(request, "season/years.html", {"years": all_years, "form": form})


def _departments() -> list[tuple[int, str]]:
    return list(
        Organization.objects.filter(kind=Organization.Kind.DEPARTMENT).order_by("name").values_list("pk", "name")
    )


def _year_page(request, year: FiscalYear, *, window=None, deadlines=None, status=200):
    current = dict(DepartmentDeadline.objects.filter(year=year).values_list("department_id", "closes_on"))
    window = window or YearWindowForm(
        initial={"is_open": year.is_open, "filing_opens": year.filing_opens, "filing_closes": year.filing_closes}
    )
    deadlines = deadlines or DeadlinesForm(departments=_departments(), current=current)
    expected = ExpectedForm.objects.filter(year=year)
    context = {
        "year": year,
        "window": window,
        "deadlines": deadlines,
        "expected_total": expected.count(),
        "expected_carried": expected.filter(source=ExpectedForm.Source.CARRY_OVER).count(),
        "has_previous": FiscalYear.objects.filter(year=year.year - 1).exists(),
        "reopens": UnitReopen.objects.filter(year=year).select_related("unit")[:50],
    }
    return render(request, "season/year.html", context, status=status)


@login_required
def year_detail(request, pk):
    _require(can_manage_season(request.user))
    return _year_page(request, _year_or_404(pk))


@require_POST
@login_required
def year_window(request, pk):
    _require(can_manage_season(request.user))
    year = _year_or_404(pk)
    form = YearWindowForm(request.POST)
    if not form.is_valid():
        return _year_page(request, year, window=form, status=400)
    try:
        services.update_year(by=request.user, fiscal_year=year, **form.cleaned_data)
    except services.SeasonError as refused:
        form.add_error(None, str(refused))
        return _year_page(request, year, window=form, status=400)
    messages.success(request, _("已保存%(year)s的填报期。") % {"year": year})
    return redirect("season:year", pk=year.pk)


@require_POST
@login_required
def year_deadlines(request, pk):
    _require(can_manage_season(request.user))
    year = _year_or_404(pk)
    form = DeadlinesForm(request.POST, departments=_departments(), current={})
    if not form.is_valid():
        return _year_page(request, year, deadlines=form, status=400)
    try:
        changed = services.set_department_deadlines(by=request.user, fiscal_year=year, deadlines=form.deadlines())
    except services.SeasonError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("已保存 %(n)s 个主管部门的截止日期。") % {"n": changed})
    return redirect("season:year", pk=year.pk)


@require_POST
@login_required
def year_expect_last(request, pk):
    _require(can_manage_season(request.user))
    year = _year_or_404(pk)
    try:
        created = services.expect_last_year(by=request.user, fiscal_year=year)
    except services.SeasonError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("已按上年的表生成应填报项目 %(n)s 项。") % {"n": created})
    return redirect("season:year", pk=year.pk)


@login_required
def expected_template(request):
    _require(can_manage_season(request.user))
    response = HttpResponse(
        importing.template(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = content_disposition_header(True, _("项目库导入模板.xlsx"))
    return response


@login_required
def expected_upload(request, pk):
    """Upload the 项目库 list: every problem by row, or a preview to confirm; nothing written before."""
    _require(can_manage_season(request.user))
    year = _year_or_404(pk)
    form = ExpectedUploadForm(request.POST or None, request.FILES or None)
    context = {"year": year, "form": form, "errors": [], "rows": None}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = importing.read_expected(upload, name=upload.name, fiscal_year=year)
        except UploadError as refused:
            context["errors"] = refused.messages
        else:
            request.session[PENDING_KEY] = {"year": year.pk, "rows": [list(r.__dict__.values()) for r in rows]}
            names = dict(Organization.objects.filter(pk__in={r.unit_pk for r in rows}).values_list("pk", "name"))
            context["rows"] = [(names[r.unit_pk], r) for r in rows[:200]]
            context["count"] = len(rows)
            context["in_background"] = len(rows) > importing.INLINE_ROWS
    return render(request, "season/expected_upload.html", context, status=400 if context["errors"] else 200)


@require_POST
@login_required
def expected_confirm(request, pk):
    _require(can_manage_season(request.user))
    year = _year_or_404(pk)
    pending = request.session.get(PENDING_KEY)
    if not pending or pending["year"] != year.pk:
        messages.error(request, _("没有待确认的项目库文件，请重新上传。"))
        return redirect("season:expected_upload", pk=year.pk)
    request.session.pop(PENDING_KEY)
    if len(pending["rows"]) > importing.INLINE_ROWS:
        job = jobs.start(JobKind.IMPORT_EXPECTED, by=request.user, params=pending, task=tasks.import_expected_task)
        return redirect("projects:job_status", job_pk=job.pk)
    rows = [services.ExpectedRow(*row) for row in pending["rows"]]
    result = services.import_expected(by=request.user, fiscal_year=year, rows=rows)
    messages.success(
        request, _("项目库已导入：新增 %(created)s 项，更新项目代码 %(updated)s 项，已有 %(unchanged)s 项。") % result
    )
    return redirect("season:year", pk=year.pk)


@login_required
def reopen(request):
    """The finance bureau lets a late unit submit again (reason and until-date kept in the history)."""
    _require(can_reopen_unit(request.user))
    year = _chosen_year(request)
    form = ReopenForm(request.POST or None, initial={"unit": request.GET.get("unit", "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen_unit(by=request.user, fiscal_year=year, **form.cleaned_data)
        except services.SeasonError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("已为%(unit)s重新开放填报。") % {"unit": form.cleaned_data["unit"]})
            return redirect(reverse("season:reopen") + "?" + urlencode({"year": year.year}))
    history = UnitReopen.objects.filter(year=year).select_related("unit")[:100]
    return render(request, "season/reopen.html", {"year": year, "form": form, "history": history})


def _chosen_year(request) -> FiscalYear:
    chosen = request.GET.get("year", "")
    year = FiscalYear.objects.filter(year=int(chosen)).first() if chosen.isdigit() else FiscalYear.current()
    if year is None:
        raise Http404(_("还没有任何年度。"))
    return year


def _department_filter(request, user) -> list[int] | None:
    """The departments asked for (`department`), within the user's scope; 404 outside it."""
    scope = progress_departments(user)
    chosen = request.GET.get("department", "")
    if not chosen:
        return scope
    # A sane id length: a thousand-digit one would overflow the database's integer.
    if not chosen.isdigit() or len(chosen) > 18 or (scope is not None and int(chosen) not in scope):
        raise Http404(_("没有找到这个主管部门，或您无权查看。"))
    return [int(chosen)]


def _department_cells(department, year: FiscalYear) -> list[tuple[str, int, str]]:
    """(key, number, link to the units behind it) for a department's row or the totals (department None)."""
    base = reverse("season:progress_units")
    query = {"year": year.year, **({"department": department.pk} if department else {})}
    counts = department.counts if department else None
    return [
        (key, counts.get(key) if counts else 0, f"{base}?{urlencode({**query, 'key': key})}") for key in dashboard.KEYS
    ]


@login_required
def progress(request):
    """填报进度: counts by department (and by unit for one department), charts, 催报."""
    user = request.user
    _require(can_view_progress(user))
    year = _chosen_year(request)
    departments = _department_filter(request, user)
    result = dashboard.progress(year, departments=departments)
    one = result.departments[0] if departments is not None and len(result.departments) == 1 else None
    if departments is not None and one is None:
        raise Http404(_("没有找到这个主管部门。"))
    suffix = f"&department={one.pk}" if one is not None else ""
    totals = [
        (key, dashboard.LABELS[key], result.totals.get(key), link + suffix)
        for key, _n, link in _department_cells(None, year)
    ]
    return render(
        request,
        "season/progress.html",
        {
            "result": result,
            "years": FiscalYear.objects.all(),
            "department": one,
            "totals": totals,
            "department_rows": [(d, _department_cells(d, year)) for d in result.departments] if one is None else [],
            "unit_rows_html": (
                unit_rows_html(one.units, year, selectable=can_urge(user, one.pk), drafts_in_queue=user.is_admin)
                if one
                else ""
            ),
            "heads": [dashboard.LABELS[key] for key in dashboard.KEYS],
            "sees_all": progress_departments(user) is None,
            "chart_data": charts.chart_data(result),
            "can_urge": one is not None and can_urge(user, one.pk),
            "can_reopen_unit": can_reopen_unit(user),
            "urge_form": UrgeForm(),
            "base_query": urlencode({"year": year.year}),
        },
    )


@login_required
def progress_units(request):
    """The units behind a number: `key` (a status, expected, not_started, overdue) in a year and department."""
    user = request.user
    _require(can_view_progress(user))
    year = _chosen_year(request)
    key = request.GET.get("key", "")
    if key not in dashboard.KEYS:
        raise Http404(_("没有这一项统计。"))
    result = dashboard.progress(year, departments=_department_filter(request, user))
    units = [u for u in result.units() if u.counts.get(key)]
    page = Paginator(units, UNIT_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = [(u, unit_cells(u, year, drafts_in_queue=user.is_admin)) for u in page.object_list]
    names = {d.pk: d.name for d in result.departments}
    return render(
        request,
        "season/progress_units.html",
        {
            "result": result,
            "page": page,
            "key": key,
            "label": dashboard.LABELS[key],
            "names": names,
            "is_status": key in STATUSES,
            "query": urlencode({k: v for k, v in request.GET.items() if k != "page"}),
        },
    )


@login_required
def expected_list(request, unit_pk):
    """What one unit is expected to file in a year, and whether a form answers to each."""
    user = request.user
    _require(can_view_progress(user))
    year = _chosen_year(request)
    unit = get_object_or_404(Organization, pk=unit_pk)
    scope = progress_departments(user)
    if scope is not None and (unit.department is None or unit.department.pk not in scope):
        raise Http404(_("没有找到这个单位，或您无权查看。"))
    rows = dashboard.expected_rows(year, unit)
    return render(request, "season/expected_list.html", {"year": year, "unit": unit, "rows": rows})


@require_POST
@login_required
def urge(request):
    user = request.user
    _require(can_view_progress(user))
    year = _chosen_year(request)
    query = {"year": year.year}
    if request.GET.get("department", "").isdigit() and len(request.GET["department"]) <= 18:
        query["department"] = request.GET["department"]
    back = f"{reverse('season:progress')}?{urlencode(query)}"
    form = UrgeForm(request.POST)
    # One past the cap is enough to refuse; a forged list of a million ids never reaches the database.
    picked = [
        int(pk) for pk in request.POST.getlist("unit")[: services.MAX_URGE_UNITS + 1] if pk.isdigit() and len(pk) <= 18
    ]
    if not form.is_valid() or len(picked) > services.MAX_URGE_UNITS:
        messages.error(
            request,
            _("催报附言最多 %(chars)s 个字，一次最多催报 %(units)s 个单位。")
            % {"chars": services.URGE_MESSAGE_MAX_LENGTH, "units": services.MAX_URGE_UNITS},
        )
        return redirect(back)
    units = list(Organization.objects.filter(pk__in=picked).select_related("parent"))
    scope = urge_departments(user)
    if scope is not None and not all(u.department and u.department.pk in scope for u in units):
        raise Http404(_("没有找到这些单位，或您无权催报。"))
    message = form.cleaned_data["message"]
    if len(units) > URGE_INLINE_UNITS:
        params = {"year": year.pk, "units": [u.pk for u in units], "message": message}
        job = jobs.start(JobKind.REMINDERS, by=user, params=params, task=tasks.urge_task)
        return redirect("projects:job_status", job_pk=job.pk)
    try:
        notified = services.urge(by=user, fiscal_year=year, units=units, message=message)
    except services.SeasonError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request, _("已向 %(units)s 个单位催报，通知 %(n)s 人。") % {"units": len(units), "n": notified}
        )
    return redirect(back)


@require_POST
@login_required
def progress_export(request):
    """The table as xlsx, made on the task queue."""
    user = request.user
    _require(can_view_progress(user))
    year = _chosen_year(request)
    params = {"year": year.pk, "departments": _department_filter(request, user)}
    job = jobs.start(JobKind.REPORT, by=user, params=params, task=tasks.progress_xlsx_task)
    return redirect("projects:job_status", job_pk=job.pk)
