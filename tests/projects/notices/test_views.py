"""The bell, the notification list, announcements and the audit log."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.choices import AuditAction
from projects.models import AuditEntry
from projects.notices.models import Announcement, NoticeKind, Notification
from projects.notices.services import notify
from projects.services import audit
from tests.factories import PerformanceFormFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def send(user, n=1, **kwargs):
    for i in range(n):
        notify([user], kind=kwargs.get("kind", NoticeKind.URGE), title=f"请尽快填报 {i}", url=kwargs.get("url", ""))


def test_bell_shows_the_unread_count(filler_client, filler):
    send(filler, 3)
    Notification.objects.filter(pk=Notification.objects.filter(recipient=filler).first().pk).update(
        read_at=timezone.now()
    )

    page = filler_client.get(reverse("projects:my_forms")).content.decode()

    assert 'data-bell="2"' in page and "data-unread-count>2<" in page


def _notification_queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return [q["sql"] for q in captured.captured_queries if "notices_notification" in q["sql"]]


def test_bell_costs_one_query_whatever_the_count(filler_client, filler):
    url = reverse("projects:my_forms")
    assert len(_notification_queries(filler_client, url)) == 1
    send(filler, 5)
    assert len(_notification_queries(filler_client, url)) == 1


def test_list_pages_and_shows_only_ones_own(filler_client, filler, outsider):
    send(filler, 35)
    send(outsider, 1)

    first = filler_client.get(reverse("notices:list")).content.decode()
    second = filler_client.get(reverse("notices:list") + "?page=2").content.decode()

    assert first.count("data-notification=") == 30 and second.count("data-notification=") == 5
    assert "第 1 / 2 页，共 35 条" in first


def test_unread_filter_lists_unread_only(filler_client, filler):
    send(filler, 2)
    Notification.objects.filter(recipient=filler).order_by("pk").first().delete()
    Notification.objects.update(read_at=timezone.now())
    send(filler, 1)

    page = filler_client.get(reverse("notices:list") + "?unread=1").content.decode()

    assert page.count('data-read="0"') == 1 and 'data-read="1"' not in page


def test_opening_marks_read_and_follows_the_link(filler_client, filler, perf_form):
    notify([filler], kind=NoticeKind.RETURNED, title="退回", url=perf_form.get_absolute_url())
    notice = Notification.objects.get()

    response = filler_client.get(reverse("notices:open", args=[notice.pk]))

    assert response.status_code == 302 and response.url == perf_form.get_absolute_url()
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_opening_never_leaves_the_site(filler_client, filler):
    notify([filler], kind=NoticeKind.URGE, title="x", url="https://evil.example/")

    response = filler_client.get(reverse("notices:open", args=[Notification.objects.get().pk]))

    assert response.url == reverse("notices:list")


@pytest.mark.parametrize("name", ["notices:open", "notices:read"])
def test_someone_elses_notification_is_404(outsider_client, filler, name):
    send(filler)
    notice = Notification.objects.get()
    method = outsider_client.get if name == "notices:open" else outsider_client.post

    assert method(reverse(name, args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_mark_one_and_all_read(filler_client, filler, outsider):
    send(filler, 3)
    send(outsider, 1)
    first = Notification.objects.filter(recipient=filler).first()

    filler_client.post(reverse("notices:read", args=[first.pk]))
    assert Notification.objects.filter(recipient=filler, read_at__isnull=True).count() == 2
    filler_client.post(reverse("notices:read_all"))

    assert not Notification.objects.filter(recipient=filler, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=outsider, read_at__isnull=True).count() == 1


# -- announcements -----------------------------------------------------------------------------


def test_admin_publishes_an_announcement_everyone_sees(client, admin_user, filler, dept_reviewer):
    client.force_login(admin_user)
    response = client.post(
        reverse("notices:announcements"), {"title": "2021 年填报启动", "body": "请于 3 月底前完成。"}
    )
    assert response.status_code == 302

    announcement = Announcement.objects.get()
    assert announcement.author_name == admin_user.display_name()
    assert AuditEntry.objects.filter(action=AuditAction.ANNOUNCEMENT, detail__announcement=announcement.pk).exists()
    for user, page in ((filler, "projects:my_forms"), (dept_reviewer, "projects:queue")):
        client.force_login(user)
        assert f'data-announcement="{announcement.pk}"' in client.get(reverse(page)).content.decode()


def test_withdrawn_and_expired_announcements_are_not_shown(client, admin_user, filler):
    client.force_login(admin_user)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    old = Announcement.objects.create(title="过期", body="x", show_until=yesterday)
    client.post(reverse("notices:announcements"), {"title": "将撤回", "body": "x"})
    withdrawn = Announcement.objects.get(title="将撤回")
    client.post(reverse("notices:announcement_withdraw", args=[withdrawn.pk]))

    client.force_login(filler)
    page = client.get(reverse("projects:my_forms")).content.decode()

    assert "data-announcements" not in page
    withdrawn.refresh_from_db()
    assert not withdrawn.is_active and old.is_active
    assert AuditEntry.objects.filter(action=AuditAction.ANNOUNCEMENT).count() == 2


def test_announcement_with_a_past_end_is_refused_in_chinese(client, admin_user):
    client.force_login(admin_user)
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()

    response = client.post(reverse("notices:announcements"), {"title": "t", "body": "b", "show_until": past})

    assert response.status_code == 200 and "展示截止日期不能早于今天" in response.content.decode()
    assert not Announcement.objects.exists()


def test_announcement_title_too_long_is_refused(client, admin_user):
    client.force_login(admin_user)

    response = client.post(reverse("notices:announcements"), {"title": "长" * 201, "body": "b"})

    assert response.status_code == 200 and not Announcement.objects.exists()


@pytest.mark.parametrize("persona", ["filler", "dept_reviewer", "finance_reviewer"])
def test_only_admins_publish(request, client, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("notices:announcements")).status_code == 403
    assert client.post(reverse("notices:announcements"), {"title": "t", "body": "b"}).status_code == 403
    assert not Announcement.objects.exists()


def test_landing_page_adds_no_query_for_cached_announcements(filler_client):
    Announcement.objects.create(title="公告", body="x")
    filler_client.get(reverse("projects:my_forms"))
    with CaptureQueriesContext(connection) as captured:
        page = filler_client.get(reverse("projects:my_forms")).content.decode()

    assert "公告" in page
    assert not [q for q in captured.captured_queries if "notices_announcement" in q["sql"]]


# -- audit log ---------------------------------------------------------------------------------


@pytest.fixture
def entries(admin_user, filler, unit_a, unit_b, year):
    perf_form = PerformanceFormFactory(unit=unit_a, year=year)
    audit.record(AuditAction.TRANSITION, by=filler, perf_form=perf_form, summary="提交：草稿 → 已提交")
    audit.record(AuditAction.REOPEN, by=admin_user, unit=unit_b, year=2020, summary="重新开放乙单位")
    audit.record(AuditAction.REMINDER, by=None, year=2020, summary="截止提醒")
    old = audit.record(AuditAction.IMPORT_USERS, by=admin_user, summary="导入用户 15 人")
    AuditEntry.objects.filter(pk=old.pk).update(created_at=datetime.datetime(2020, 1, 1, 23, 30, tzinfo=datetime.UTC))
    return perf_form


@pytest.mark.parametrize(
    ("query", "actions"),
    [
        ({}, {AuditAction.TRANSITION, AuditAction.REOPEN, AuditAction.REMINDER, AuditAction.IMPORT_USERS}),
        ({"unit": "乙"}, {AuditAction.REOPEN}),
        ({"user": "filler"}, {AuditAction.TRANSITION}),
        ({"action": AuditAction.REMINDER.value}, {AuditAction.REMINDER}),
        # 2020-01-01 23:30 UTC is 2 January in Beijing.
        ({"date_from": "2020-01-02", "date_to": "2020-01-02"}, {AuditAction.IMPORT_USERS}),
        ({"date_to": "2020-01-01"}, set()),
    ],
)
def test_audit_log_searches(client, admin_user, entries, query, actions):
    client.force_login(admin_user)

    page = client.get(reverse("notices:audit"), query).content.decode()

    assert {a for a in AuditAction if f'data-action="{a.value}"' in page} == actions


def test_audit_log_shows_labels_and_links_forms(client, admin_user, entries):
    client.force_login(admin_user)

    page = client.get(reverse("notices:audit")).content.decode()

    assert "审核流转" in page and "重新开放" in page and "截止提醒" in page
    assert reverse("projects:detail", args=[entries.pk]) in page


def test_audit_log_bad_dates_are_named(client, admin_user, entries):
    client.force_login(admin_user)

    page = client.get(reverse("notices:audit"), {"date_from": "2021-02-01", "date_to": "2021-01-01"}).content.decode()

    assert "起始日期不能晚于截止日期" in page


@pytest.mark.parametrize("persona", ["filler", "dept_reviewer", "finance_reviewer"])
def test_audit_log_is_404_for_non_admins(request, client, persona, entries):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("notices:audit")).status_code == 404


def test_audit_log_queries_do_not_grow(client, admin_user, filler, django_assert_max_num_queries):
    client.force_login(admin_user)
    for i in range(3):
        audit.record(AuditAction.URGE, by=filler, summary=f"催报 {i}")
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("notices:audit"))
    for i in range(60):
        audit.record(AuditAction.URGE, by=UserFactory(), summary=f"催报 {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("notices:audit"), {"page": "2"})


@pytest.mark.parametrize(
    ("query", "message"),
    [({"date_from": "去年"}, "起始日期：输入一个有效的日期。"), ({"unit": "单" * 101}, "单位：")],
)
def test_audit_log_names_bad_input_and_still_lists(client, admin_user, entries, query, message):
    client.force_login(admin_user)

    response = client.get(reverse("notices:audit"), query)

    page = response.content.decode()
    assert response.status_code == 200 and message in page and "data-search-errors" in page
    assert page.count("data-audit-entry=") == 4
