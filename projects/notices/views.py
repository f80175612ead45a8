"""The bell's list, the announcements page (admins) and the audit log (操作日志, admins)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..models import AuditEntry
from ..permissions import can_publish_announcements, can_view_audit
from . import services
from .forms import AnnouncementForm, AuditSearchForm
from .models import Announcement, Notification

PAGE_SIZE = 30
AUDIT_PAGE_SIZE = 50
ANNOUNCEMENTS_LISTED = 100


@login_required
def notification_list(request):
    """The signed-in user's notifications, newest first, a page at a time."""
    mine = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-pk")
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        mine = mine.filter(read_at__isnull=True)
    page = Paginator(mine, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/list.html",
        {"page": page, "unread_only": unread_only, "query": urlencode({"unread": "1"} if unread_only else {})},
    )


def _own_notification(request, pk: int) -> Notification:
    """Only one's own notifications exist for one: anyone else's is a 404."""
    return get_object_or_404(Notification, pk=pk, recipient=request.user)


@login_required
def notification_open(request, pk: int):
    """Opening a notification reads it and follows its link (a local one only)."""
    notification = _own_notification(request, pk)
    services.mark_read(notification)
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("notices:list")


@require_POST
@login_required
def notification_read(request, pk: int):
    services.mark_read(_own_notification(request, pk))
    return redirect("notices:list")


@require_POST
@login_required
def notification_read_all(request):
    count = services.mark_all_read(request.user)
    messages.success(request, _("已将 %(n)s 条通知标为已读。") % {"n": count})
    return redirect("notices:list")


def _require_publisher(user) -> None:
    if not can_publish_announcements(user):
        raise PermissionDenied(_("只有管理员可以发布通知公告。"))


@login_required
def announcements(request):
    """Publish a 通知公告 and see (or withdraw) the latest ones."""
    _require_publisher(request.user)
    form = AnnouncementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.publish_announcement(**form.cleaned_data, by=request.user)
        messages.success(request, _("通知公告已发布，所有用户的首页都会显示。"))
        return redirect("notices:announcements")
    latest = Announcement.objects.defer("author")[:ANNOUNCEMENTS_LISTED]
    return render(
        request, "notices/announcements.html", {"form": form, "latest": latest, "today": timezone.localdate()}
    )


@require_POST
@login_required
def announcement_withdraw(request, pk: int):
    _require_publisher(request.user)
    announcement = get_object_or_404(Announcement, pk=pk)
    services.withdraw_announcement(announcement, by=request.user)
    messages.success(request, _("通知公告“%(title)s”已撤回。") % {"title": announcement.title})
    return redirect("notices:announcements")


def _audit_entries(search: AuditSearchForm):
    entries = AuditEntry.objects.defer("detail").order_by("-created_at", "-pk")
    if not search.is_valid():
        return entries
    data = search.cleaned_data
    if data["unit"]:
        entries = entries.filter(unit_name__icontains=data["unit"])
    if data["user"]:
        entries = entries.filter(Q(actor_name__icontains=data["user"]) | Q(actor__username__iexact=data["user"]))
    if data["action"]:
        entries = entries.filter(action=data["action"])
    # Whole days in the installation's time zone (Asia/Shanghai), as people read the dates.
    zone = timezone.get_current_timezone()
    if data["date_from"]:
        entries = entries.filter(created_at__gte=datetime.datetime.combine(data["date_from"], datetime.time(), zone))
    if data["date_to"]:
        day_after = data["date_to"] + datetime.timedelta(days=1)
        entries = entries.filter(created_at__lt=datetime.datetime.combine(day_after, datetime.time(), zone))
    return entries


@login_required
def audit_log(request):
    """Every administrative act recorded by projects.services.audit, searchable; two queries a page."""
    if not can_view_audit(request.user):
        raise Http404(_("没有找到这个页面。"))
    search = AuditSearchForm(request.GET or None)
    page = Paginator(_audit_entries(search), AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and k in search.fields})
    return render(request, "notices/audit_log.html", {"search": search, "page": page, "query": query})
