"""notify: one row per active recipient, deduplicated by key, mailed afterwards by the worker."""

import pytest
from django.core import mail

from projects.notices.models import NoticeKind, Notification
from projects.notices.services import notify
from tests.factories import UserFactory
from tests.tasks import run_worker

pytestmark = pytest.mark.django_db


def test_notify_writes_rows_and_mails_those_with_an_address(django_capture_on_commit_callbacks):
    with_mail, without, gone = UserFactory(email="a@example.cn"), UserFactory(email=""), UserFactory(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        created = notify([with_mail, without, gone, with_mail], kind=NoticeKind.URGE, title="请尽快填报", url="/forms/")
    assert sorted(n.recipient_id for n in created) == sorted([with_mail.pk, without.pk])
    run_worker()
    assert [(m.subject, m.to) for m in mail.outbox] == [("请尽快填报", ["a@example.cn"])]
    assert Notification.objects.get(recipient=with_mail).emailed_at is not None
    run_worker()
    assert len(mail.outbox) == 1


def test_notify_with_a_dedupe_key_sends_once():
    user = UserFactory()
    notify([user], kind=NoticeKind.DEADLINE, title="还有 3 天截止", dedupe_key="deadline:2021:3")
    notify([user], kind=NoticeKind.DEADLINE, title="还有 3 天截止", dedupe_key="deadline:2021:3")
    assert Notification.objects.filter(recipient=user).count() == 1


def test_a_title_with_a_line_break_is_mailed_on_one_line(django_capture_on_commit_callbacks):
    user = UserFactory(email="a@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        notify([user], kind=NoticeKind.URGE, title="催报\n请尽快填报")
    run_worker()

    assert [m.subject for m in mail.outbox] == ["催报 请尽快填报"]
