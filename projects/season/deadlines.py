"""When a unit's filing closes: its 主管部门's deadline, else the year's, pushed out by a reopening."""

import datetime

from ..accounts.models import Organization
from ..models import FiscalYear
from .models import DepartmentDeadline, UnitReopen


def deadline_for(unit: Organization, year: FiscalYear) -> datetime.date | None:
    """The last day `unit` may submit in `year` (None: no deadline)."""
    department = unit.department
    closes = year.filing_closes
    if department is not None:
        own = (
            DepartmentDeadline.objects.filter(year=year, department=department)
            .values_list("closes_on", flat=True)
            .first()
        )
        closes = own or closes
    reopened = UnitReopen.objects.filter(year=year, unit=unit).order_by("-created_at").values_list("until", flat=True)
    latest = reopened.first()
    if latest is not None and (closes is None or latest > closes):
        return latest
    return closes
