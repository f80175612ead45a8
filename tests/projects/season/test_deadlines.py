"""deadline_for: the department's date over the year's, a later reopening over both."""

import datetime

import pytest

from projects.season.deadlines import Countdown, deadline_for, deadlines_for, filing_refusal
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


def test_deadlines_for_many_units_in_two_queries(django_assert_num_queries):
    year = FiscalYearFactory(filing_closes=DAY)
    units = [OrganizationFactory() for _ in range(5)]
    DepartmentDeadline.objects.create(year=year, department=units[0].parent, closes_on=DAY - datetime.timedelta(days=2))
    UnitReopen.objects.create(
        year=year, unit=units[1], until=DAY + datetime.timedelta(days=9), reason="补报理由", by_name="x"
    )
    with django_assert_num_queries(2):
        found = deadlines_for(year, [(u.pk, u.parent_id) for u in units])
    assert found == {u.pk: deadline_for(u, year) for u in units}
    assert found[units[1].pk] == DAY + datetime.timedelta(days=9)
    assert found[units[2].pk] == DAY - datetime.timedelta(days=2)


def test_deadline_latest_reopen_counts_not_the_longest():
    year = FiscalYearFactory(filing_closes=DAY)
    unit = OrganizationFactory()
    UnitReopen.objects.create(
        year=year, unit=unit, until=DAY + datetime.timedelta(days=20), reason="第一次", by_name="x"
    )
    UnitReopen.objects.create(
        year=year, unit=unit, until=DAY + datetime.timedelta(days=3), reason="第二次", by_name="x"
    )
    assert deadline_for(unit, year) == DAY + datetime.timedelta(days=3)


@pytest.mark.parametrize(
    ("days", "text", "overdue", "urgent"),
    [
        (10, "距截止还有 10 天", False, False),
        (3, "距截止还有 3 天", False, True),
        (1, "距截止还有 1 天", False, True),
        (0, "今天截止", False, True),
        (-1, "已逾期 1 天", True, False),
        (-40, "已逾期 40 天", True, False),
    ],
)
def test_countdown_text(days, text, overdue, urgent):
    countdown = Countdown.of(DAY, DAY - datetime.timedelta(days=days))
    assert (str(countdown), countdown.overdue, countdown.urgent) == (text, overdue, urgent)


def test_countdown_none_without_deadline():
    assert Countdown.of(None, DAY) is None


def test_filing_refusal_names_the_deadline_and_the_opening():
    year = FiscalYearFactory(filing_opens=DAY - datetime.timedelta(days=30), filing_closes=DAY)
    unit = OrganizationFactory()
    assert filing_refusal(unit, year, DAY) is None
    late = filing_refusal(unit, year, DAY + datetime.timedelta(days=2))
    assert "2021-03-31" in late and "已逾期 2 天" in late
    early = filing_refusal(unit, year, DAY - datetime.timedelta(days=31))
    assert "2021-03-01" in early
