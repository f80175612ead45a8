"""The audit log's one writer: every administrative act records itself here, in its own transaction."""

from ..accounts.models import Organization, User
from ..choices import AuditAction
from ..models import AuditEntry, PerformanceForm


def record(
    action: AuditAction,
    *,
    by: User | None,
    unit: Organization | None = None,
    perf_form: PerformanceForm | None = None,
    year: int | None = None,
    summary: str = "",
    detail: dict | None = None,
) -> AuditEntry:
    """Append one entry; the unit and year default to the form's."""
    if perf_form is not None:
        unit = unit or perf_form.unit
        year = year or perf_form.year.year
    return AuditEntry.objects.create(
        actor=by if by is not None and by.pk else None,
        actor_name=by.display_name() if by is not None and by.pk else "",
        action=action,
        unit=unit,
        unit_name=unit.name if unit else "",
        perf_form=perf_form,
        year=year,
        summary=summary[:2000],
        detail=detail or {},
    )
