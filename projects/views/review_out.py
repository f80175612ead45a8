"""What comes out of review: the 审核意见书 of a form and the year's review statistics."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..exchange.opinion import latest_per_stage, opinion_sheet, opinion_xlsx
from ..exchange.tables import Column, Table, write_tables
from ..forms import ReviewStatsForm
from ..models import PerformanceForm
from ..permissions import can_view_review_stats, get_form_or_404
from ..reviews.choices import Dimension, Grade
from ..reviews.statistics import overall, review_statistics

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename.replace("/", "-"))
    return response


@login_required
def opinion_download(request, pk):
    """The form's 审核意见书, for the unit and every reviewer who can see the form."""
    perf_form = get_form_or_404(request.user, pk)
    # After the scope check, as the form's other URLs: an outsider learns nothing from a 405.
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    cards = latest_per_stage(perf_form)
    if not cards:
        raise Http404(_("这张绩效目标表还没有审核评分，没有审核意见书。"))
    earlier = perf_form.scorecards.count() - len(cards)
    sheet = opinion_sheet(perf_form, cards, earlier=earlier)
    name = _("%(year)s-%(unit)s-%(title)s-审核意见书.xlsx") % {
        "year": perf_form.year.year,
        "unit": perf_form.unit.name,
        "title": perf_form.title,
    }
    return _attachment(opinion_xlsx(sheet), name)


def _statistics(request):
    if not can_view_review_stats(request.user):
        raise PermissionDenied(_("只有审核人和管理员可以查看审核统计。"))
    filters = ReviewStatsForm(request.GET)
    if not filters.is_valid():
        return filters, None, None
    year, stage = filters.cleaned_data["year"], filters.cleaned_data["stage"] or None
    departments = review_statistics(PerformanceForm.objects.visible_to(request.user), year=year, stage=stage)
    return filters, departments, overall(departments)


@require_GET
@login_required
def review_stats(request):
    """Per 主管部门: grades of the year's forms and average points per dimension."""
    filters, departments, total = _statistics(request)
    return render(
        request,
        "projects/review_stats.html",
        {
            "filters": filters,
            "lines": _lines(departments, total) if departments is not None else None,
            "grades": Grade,
            "dimensions": Dimension,
            "column_count": 3 + len(Grade) + len(Dimension),
            "query": request.GET.urlencode(),
        },
        status=200 if departments is not None else 400,
    )


def _stats_columns() -> list[Column]:
    return [
        Column("department", _("主管部门"), width=28),
        Column("forms", _("已评分表数"), width=10),
        *(Column(f"grade_{g}", str(label), width=8) for g, label in Grade.choices),
        *(
            Column(f"dim_{d}", _("%(dimension)s平均分") % {"dimension": label}, width=12)
            for d, label in Dimension.choices
        ),
        Column("total", _("平均总分"), width=10),
    ]


@require_GET
@login_required
def review_stats_xlsx(request):
    filters, departments, total = _statistics(request)
    if departments is None:
        raise Http404(_("年度或评分范围无效。"))
    year = filters.cleaned_data["year"]
    rows = [
        [line["name"], line["forms"], *line["grades"], *(avg for avg, _max in line["dimensions"]), line["total"]]
        for line in _lines(departments, total)
    ]
    table = Table(
        title=_("审核统计"),
        columns=_stats_columns(),
        rows=rows,
        heading=_("%(year)s年度 绩效目标审核统计（%(scope)s）")
        % {"year": year, "scope": dict(filters.fields["stage"].choices)[filters.cleaned_data["stage"]]},
        notes=[_("维度得分为每张表在该维度的平均得分；每张表计入最近一次评分（复审取代之前的初审）。")],
    )
    return _attachment(write_tables([table]), _("%(year)s-审核统计.xlsx") % {"year": year})


def _lines(departments, total) -> list[dict]:
    """The table's lines, the 合计 last: what the page and the workbook show, in column order."""
    entries = [(entry.department, entry) for entry in departments]
    if departments:
        entries.append((_("合计"), total))
    lines = []
    for name, entry in entries:
        averages, tops = entry.dimension_avg(), entry.dimension_max_avg()
        lines.append(
            {
                "name": name,
                "is_total": entry is total,
                "forms": entry.forms,
                "grades": [entry.grades.get(g, 0) for g in Grade.values],
                "dimensions": [(averages[d], tops[d]) for d in Dimension.values],
                "total": entry.total_avg(),
            }
        )
    return lines
