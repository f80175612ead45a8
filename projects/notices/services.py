"""Sending notifications: rows for the bell now, e-mail afterwards on the task queue (never in a request)."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from ..accounts.models import User
from ..choices import AuditAction
from ..models import PerformanceForm
from ..services import audit
from .models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Announcement, NoticeKind, Notification


def notify(
    recipients: Iterable[User],
    *,
    kind: NoticeKind,
    title: str,
    body: str = "",
    url: str = "",
    perf_form: PerformanceForm | None = None,
    by: User | None = None,
    dedupe_key: str = "",
) -> list[Notification]:
    """One notification per active recipient (each once); those with an e-mail address get it by mail too."""
    people = {user.pk: user for user in recipients if user.is_active}
    if dedupe_key:
        already = Notification.objects.filter(dedupe_key=dedupe_key, recipient_id__in=people).values_list(
            "recipient_id", flat=True
        )
        for pk in set(already):
            people.pop(pk, None)
    created = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=kind,
            title=title[:TITLE_MAX_LENGTH],
            body=body[:BODY_MAX_LENGTH],
            url=url,
            perf_form=perf_form,
            sender=by if by is not None and by.pk else None,
            sender_name=by.display_name() if by is not None and by.pk else "",
            dedupe_key=dedupe_key,
        )
        for user in people.values()
    )
    mailed = [n.pk for n, user in zip(created, people.values(), strict=True) if user.email and n.pk]
    if mailed:
        transaction.on_commit(lambda: send_notification_emails.enqueue(mailed))
    return created


@task()
def send_notification_emails(notification_pks: list[int]) -> None:
    """Mail each notification not mailed yet (a retried task sends nothing twice)."""
    pending = Notification.objects.filter(pk__in=notification_pks, emailed_at__isnull=True).select_related("recipient")
    for notification in pending:
        link = f"\n\n{settings.PERFGOALS_SITE_URL}{notification.url}" if notification.url else ""
        send_mail(
            # A header never carries a line break (send_mail refuses one).
            subject=" ".join(notification.title.splitlines()),
            message=f"{notification.body}{link}",
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(notification: Notification) -> None:
    """Opened: read from now on (the first opening counts)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)


def mark_all_read(user: User) -> int:
    """Every unread notification of `user` read; returns how many were."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


# -- announcements (通知公告) ------------------------------------------------------------------

ANNOUNCEMENTS_CACHE_KEY = "notices:current-announcements"
# At most this many announcements show on a landing page (the newest), however many are current.
ANNOUNCEMENTS_SHOWN = 5


def current_announcements() -> list[Announcement]:
    """The announcements shown today, newest first, cached so that a landing page adds no query.

    Publishing or withdrawing clears the cache of this process; other worker processes follow
    within PERFGOALS_ANNOUNCEMENT_CACHE_SECONDS.
    """

    def load() -> list[Announcement]:
        today = timezone.localdate()
        shown = Announcement.objects.filter(is_active=True).filter(
            Q(show_until__isnull=True) | Q(show_until__gte=today)
        )
        return list(shown.defer("author")[:ANNOUNCEMENTS_SHOWN])

    return cache.get_or_set(ANNOUNCEMENTS_CACHE_KEY, load, settings.PERFGOALS_ANNOUNCEMENT_CACHE_SECONDS)


@transaction.atomic
def publish_announcement(*, title: str, body: str, show_until: datetime.date | None, by: User) -> Announcement:
    announcement = Announcement.objects.create(
        title=title, body=body, show_until=show_until, author=by, author_name=by.display_name()
    )
    audit.record(
        AuditAction.ANNOUNCEMENT,
        by=by,
        summary=_("发布通知公告：%(title)s") % {"title": title},
        detail={"announcement": announcement.pk, "act": "publish"},
    )
    transaction.on_commit(lambda: cache.delete(ANNOUNCEMENTS_CACHE_KEY))
    return announcement


@transaction.atomic
def update_announcement(announcement: Announcement, *, by: User, fields: list[str]) -> Announcement:
    """An edit made in the Django admin: saved with its audit entry."""
    announcement.save()
    audit.record(
        AuditAction.ANNOUNCEMENT,
        by=by,
        summary=_("修改通知公告：%(title)s") % {"title": announcement.title},
        detail={"announcement": announcement.pk, "act": "update", "fields": fields},
    )
    transaction.on_commit(lambda: cache.delete(ANNOUNCEMENTS_CACHE_KEY))
    return announcement


@transaction.atomic
def withdraw_announcement(announcement: Announcement, *, by: User) -> Announcement:
    announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
    if announcement.is_active:
        announcement.is_active = False
        announcement.save(update_fields=["is_active"])
        audit.record(
            AuditAction.ANNOUNCEMENT,
            by=by,
            summary=_("撤回通知公告：%(title)s") % {"title": announcement.title},
            detail={"announcement": announcement.pk, "act": "withdraw"},
        )
    transaction.on_commit(lambda: cache.delete(ANNOUNCEMENTS_CACHE_KEY))
    return announcement
