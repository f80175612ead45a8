"""In-app notifications (the bell) and the finance bureau's announcements (通知公告)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..accounts.models import User
from ..models import PerformanceForm

TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 2000


class NoticeKind(models.TextChoices):
    RETURNED = "returned", _("退回修改")
    APPROVED = "approved", _("审核通过")
    REJECTED = "rejected", _("不予通过")
    TO_REVIEW = "to_review", _("待审核")
    DEADLINE = "deadline", _("截止提醒")
    URGE = "urge", _("催报")
    ANNOUNCEMENT = "announcement", _("通知公告")
    ACCOUNT = "account", _("账户")


class Notification(models.Model):
    """One message to one person; read when they open it. Sent by projects.notices.services.notify."""

    recipient = models.ForeignKey(
        User, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=NoticeKind.choices)
    title = models.CharField(_("标题"), max_length=TITLE_MAX_LENGTH)
    body = models.TextField(_("内容"), max_length=BODY_MAX_LENGTH, blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    perf_form = models.ForeignKey(
        PerformanceForm,
        verbose_name=_("绩效目标表"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    sender = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    sender_name = models.CharField(_("发送人"), max_length=150, blank=True)
    # Deadline reminders are sent once a day at most: the day and the days left, for idempotence.
    dedupe_key = models.CharField(max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at", "created_at"])]

    def __str__(self):
        return self.title


class Announcement(models.Model):
    """通知公告 from the finance bureau, shown on everyone's landing page while current."""

    title = models.CharField(_("标题"), max_length=TITLE_MAX_LENGTH)
    body = models.TextField(_("内容"), max_length=BODY_MAX_LENGTH)
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    # Shown until this day (inclusive); empty: until withdrawn.
    show_until = models.DateField(_("展示截止"), null=True, blank=True)
    is_active = models.BooleanField(_("展示"), default=True)
    author = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    author_name = models.CharField(_("发布人"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return self.title
