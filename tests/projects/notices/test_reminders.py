"""send_reminders: 7 / 3 / 1 days before a unit's deadline, once a day, counted in Asia/Shanghai."""

import datetime
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from projects.choices import AuditAction
from projects.models import AuditEntry, Status
from projects.notices.models import NoticeKind, Notification
from projects.notices.reminders import days_left_if_due, send_reminders
from projects.season.models import DepartmentDeadline, ExpectedForm, UnitReopen
from tests.factories import FiscalYearFactory, PerformanceFormFactory, UserFactory
from tests.tasks import run_worker

pytestmark = pytest.mark.django_db

CLOSES = datetime.date(2021, 3, 31)


@pytest.fixture
def season(unit_a, unit_b, filler):
    """2021 closing on 31 March: 甲单位 has a draft, 乙单位 an expected form nobody started."""
    year = FiscalYearFactory(year=2021, filing_closes=CLOSES)
    PerformanceFormFactory(unit=unit_a, year=year, status=Status.DRAFT)
    ExpectedForm.objects.create(
        year=year, unit=unit_b, project_name="乡村道路养护", source=ExpectedForm.Source.PROJECT_LIST
    )
    return year


def days_before(n: int) -> datetime.date:
    return CLOSES - datetime.timedelta(days=n)


@pytest.mark.parametrize(
    ("days", "sent"), [(8, False), (7, True), (6, False), (3, True), (2, False), (1, True), (0, False)]
)
def test_reminder_only_seven_three_and_one_days_before(season, filler, days, sent):
    send_reminders(days_before(days))

    assert Notification.objects.filter(recipient=filler, kind=NoticeKind.DEADLINE).exists() == sent


def test_reminder_names_what_is_open(season, filler, outsider):
    send_reminders(days_before(3))

    mine = Notification.objects.get(recipient=filler)
    theirs = Notification.objects.get(recipient=outsider)
    assert mine.title == "2021 年绩效目标填报还有 3 天截止（2021-03-31）"
    assert "草稿 1 张" in mine.body and "尚未开始" not in mine.body
    assert "应填报但尚未开始的项目：1 个" in theirs.body


def test_reminders_are_idempotent_per_day(season, filler, outsider, django_capture_on_commit_callbacks):
    filler.email = "filler@example.cn"
    filler.save()
    with django_capture_on_commit_callbacks(execute=True):
        first = send_reminders(days_before(7))
        again = send_reminders(days_before(7))
    run_worker()

    assert (first[0].units, first[0].recipients) == (2, 2)
    assert (again[0].units, again[0].recipients) == (0, 0)
    assert Notification.objects.count() == 2
    assert [m.to for m in mail.outbox] == [["filler@example.cn"]]
    entry = AuditEntry.objects.get(action=AuditAction.REMINDER)
    assert entry.detail == {"date": "2021-03-24", "units": 2, "recipients": 2, "by_days": {"7": 2}}


def test_a_new_day_reminds_again(season, filler):
    send_reminders(days_before(7))
    send_reminders(days_before(3))

    assert Notification.objects.filter(recipient=filler).count() == 2


def test_finished_units_and_closed_years_hear_nothing(season, unit_a, unit_b, filler, outsider):
    from projects.models import PerformanceForm

    PerformanceForm.objects.filter(unit=unit_a).update(status=Status.SUBMITTED)
    send_reminders(days_before(1))
    assert not Notification.objects.filter(recipient=filler).exists()
    assert Notification.objects.filter(recipient=outsider).exists()

    Notification.objects.all().delete()
    type(season).objects.filter(pk=season.pk).update(is_open=False)
    send_reminders(days_before(1))
    assert not Notification.objects.exists()


def test_department_deadline_and_reopening_decide_the_day(season, unit_a, filler):
    own = datetime.date(2021, 3, 20)
    DepartmentDeadline.objects.create(year=season, department=unit_a.parent, closes_on=own)
    send_reminders(own - datetime.timedelta(days=3))
    assert Notification.objects.filter(recipient=filler).count() == 1

    UnitReopen.objects.create(
        year=season, unit=unit_a, until=datetime.date(2021, 4, 10), reason="补报材料", by_name="管理员"
    )
    send_reminders(datetime.date(2021, 4, 9))
    assert Notification.objects.filter(recipient=filler).count() == 2


def test_only_active_fillers_of_the_unit_are_reminded(season, unit_a, filler, dept_reviewer):
    gone = UserFactory(username="gone", organization=unit_a, is_active=False)

    send_reminders(days_before(1))

    assert not Notification.objects.filter(recipient__in=[gone, dept_reviewer]).exists()


@pytest.mark.parametrize(
    ("utc_now", "local_day"),
    [
        # 16:30 UTC on the 23rd is already 00:30 on the 24th in Beijing: seven days before 31 March.
        (datetime.datetime(2021, 3, 23, 16, 30, tzinfo=datetime.UTC), datetime.date(2021, 3, 24)),
        (datetime.datetime(2021, 3, 23, 15, 59, tzinfo=datetime.UTC), datetime.date(2021, 3, 23)),
    ],
)
def test_command_counts_days_in_shanghai(season, filler, utc_now, local_day):
    out = StringIO()
    with mock.patch("django.utils.timezone.now", return_value=utc_now):
        call_command("send_reminders", stdout=out)

    assert out.getvalue().startswith(f"{local_day} year 2021:")
    assert Notification.objects.filter(recipient=filler).exists() == (local_day == days_before(7))


def test_command_takes_a_date_and_refuses_a_bad_one(season, filler, outsider):
    out = StringIO()
    call_command("send_reminders", "--date", days_before(1).isoformat(), stdout=out)
    assert "2 units, 2 people notified (1 days: 2 units)" in out.getvalue()

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "31/03/2021")


@given(
    today=st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2099, 12, 31)),
    offset=st.integers(min_value=-40, max_value=40),
)
def test_days_left_if_due_is_the_calendar_distance_on_reminder_days_only(today, offset):
    deadline = today + datetime.timedelta(days=offset)

    due = days_left_if_due(deadline, today, {7, 3, 1})

    assert due == (offset if offset in (7, 3, 1) else None)
    assert days_left_if_due(None, today, {7, 3, 1}) is None


def test_days_left_crosses_month_and_leap_day():
    assert days_left_if_due(datetime.date(2024, 3, 1), datetime.date(2024, 2, 28), {1, 2}) == 2
    assert days_left_if_due(datetime.date(2021, 3, 1), datetime.date(2021, 2, 22), {7}) == 7
