"""The dashboard's charts as plain data (a json_script tag carries it; static/js/progress.js draws it)."""

from django.utils.translation import gettext as _

from indicators.choices import Severity
from indicators.warnings import rule_titles

from ..choices import Status
from .dashboard import CHECK_LABELS, CHECKS, NOT_STARTED, Progress

# Status colours as the badges show them (static/css/perfgoals.css), not-started grey-blue.
COLOURS = {
    NOT_STARTED: "#adb5bd",
    Status.DRAFT: "#6c757d",
    Status.SUBMITTED: "#0d6efd",
    Status.RETURNED: "#dc3545",
    Status.DEPT_APPROVED: "#6610f2",
    Status.APPROVED: "#198754",
    Status.REJECTED: "#343a40",
}
CHECK_COLOURS = {"with_errors": "#b02a37", "with_warnings": "#e0a100", "clean": "#198754"}
# The "by rule" chart's stacks: the severities a form stores per rule (hints are not stored).
SEVERITY_COLOURS = {Severity.ERROR: CHECK_COLOURS["with_errors"], Severity.WARNING: CHECK_COLOURS["with_warnings"]}
STACK = (
    NOT_STARTED,
    Status.DRAFT,
    Status.RETURNED,
    Status.SUBMITTED,
    Status.DEPT_APPROVED,
    Status.APPROVED,
    Status.REJECTED,
)


def rules_chart(result: Progress) -> dict:
    """The "by rule" chart: the rules most forms have, labelled by title (a rule since removed, by its code)."""
    titles = rule_titles()
    return {
        "rules": [titles.get(code, code) for code, _by_severity in result.by_rule],
        "codes": [code for code, _by_severity in result.by_rule],
        "series": [
            {
                "name": str(severity.label),
                "color": colour,
                "data": [by_severity.get(severity, 0) for _code, by_severity in result.by_rule],
            }
            for severity, colour in SEVERITY_COLOURS.items()
        ],
    }


def chart_data(result: Progress) -> dict:
    departments = result.departments
    labels = {NOT_STARTED: _("未开始"), **{s.value: str(s.label) for s in Status}}
    days = result.submissions_by_day
    running, cumulative = 0, []
    for _day, n in days:
        running += n
        cumulative.append(running)
    # One department's page shows its own deadline; the whole bureau's, the year's.
    deadline = departments[0].deadline if len(departments) == 1 else result.year.filing_closes
    return {
        "departments": [d.name for d in departments],
        "status": [
            {
                "name": labels[key],
                "color": COLOURS[key],
                "data": [d.counts.not_started if key == NOT_STARTED else d.counts.by_status[key] for d in departments],
            }
            for key in STACK
        ],
        "days": [day.isoformat() for day, _n in days],
        "per_day": [n for _day, n in days],
        "cumulative": cumulative,
        "deadline": deadline.isoformat() if deadline else None,
        "labels": {
            "per_day": _("当日提交"),
            "cumulative": _("累计提交"),
            "deadline": _("截止日期"),
            "empty": _("暂无数据"),
        },
        "checks": [
            {
                "name": str(CHECK_LABELS[key]),
                "color": CHECK_COLOURS[key],
                "data": [d.counts.checks[key] for d in departments],
            }
            for key in CHECKS
        ],
        "by_rule": rules_chart(result),
    }
