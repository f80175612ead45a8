"""Sending notifications: rows for the bell now, e-mail afterwards on the task queue (never in a request)."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from ..accounts.models import User
from ..models import PerformanceForm
from .models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, NoticeKind, Notification


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
            subject=notification.title,
            message=f"{notification.body}{link}",
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
