"""What the read-only pages and the editor share: warnings by row, their summary, the timeline."""

from indicators.choices import FormKind, Severity

from .. import services
from ..exchange.layout import form_page, indicator_table
from ..models import Action, PerformanceForm, Status


def _warnings_by_row(found) -> dict[int, list]:
    by_row: dict[int, list] = {}
    for warning in found:
        if warning.row is not None:
            by_row.setdefault(warning.row, []).append(warning)
    return by_row


def _department_form_years(unit) -> dict[int, int]:
    """{year pk: form pk} of the years `unit` has its 部门整体支出绩效目标表 for (one a year)."""
    if unit is None:
        return {}
    filed = PerformanceForm.objects.filter(unit=unit, kind=FormKind.DEPARTMENT).values_list("year_id", "pk")
    return dict(filed)


def _warnings_by_field(found) -> dict[str, list]:
    """The header and budget warnings by field name: the editor shows each under its field."""
    by_field: dict[str, list] = {}
    for warning in found:
        if warning.row is None and warning.field:
            by_field.setdefault(warning.field, []).append(warning)
    return by_field


def _summary(found) -> dict[str, int]:
    return {severity: sum(1 for w in found if w.severity == severity) for severity in Severity}


def _checked_table(perf_form: PerformanceForm) -> dict:
    """The official table with each row's warnings, and the summary: what both read-only pages show."""
    rows = list(perf_form.indicators.all())
    found = services.form_warnings(perf_form, rows)
    return {
        "official": form_page(perf_form),
        "table": indicator_table(rows, _warnings_by_row(found)),
        "warnings": found,
        "summary": _summary(found),
    }


def _timeline(perf_form):
    return list(perf_form.events.prefetch_related("row_comments").order_by("created_at", "pk"))


def _open_return(perf_form, events):
    """The return whose reason and row comments the unit must see (until it resubmits).

    A form graded 差 and then reopened by the finance bureau is returned too: what to fix is the
    不予通过 decision's opinion and row remarks (the reopening itself only says why it was allowed).
    """
    if perf_form.status not in (Status.RETURNED, Status.REJECTED):
        return None
    returns = [e for e in events if e.action in (Action.RETURN, Action.REJECT)]
    return returns[-1] if returns else None
