"""deadline_for: the department's date over the year's, a later reopening over both."""

import datetime

import pytest

from projects.season.deadlines import deadline_for
from projects.season.models import DepartmentDeadline, UnitReopen
from tests.factories import FiscalYearFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2021, 3, 31)


def test_deadline_year_department_and_reopen():
    year = FiscalYearFactory(filing_closes=DAY)
    unit = OrganizationFactory()
    assert deadline_for(unit, year) == DAY
    DepartmentDeadline.objects.create(year=year, department=unit.parent, closes_on=DAY - datetime.timedelta(days=10))
    assert deadline_for(unit, year) == DAY - datetime.timedelta(days=10)
    UnitReopen.objects.create(year=year, unit=unit, until=DAY + datetime.timedelta(days=5), reason="补报", by_name="x")
    assert deadline_for(unit, year) == DAY + datetime.timedelta(days=5)


def test_deadline_none_without_dates():
    assert deadline_for(OrganizationFactory(), FiscalYearFactory()) is None
