"""Admin for login lockouts: failed attempts (with 解除锁定) and successful logins.

Axes' own admin is off (AXES_ENABLE_ADMIN = False): its list action and messages are English
f-strings that no catalogue can translate. The model and field names are translated in
perfgoals/locale_vendor.
"""

from axes.admin import AccessAttemptAdmin as BaseAccessAttemptAdmin
from axes.admin import AccessLogAdmin
from axes.models import AccessAttempt, AccessLog
from django.contrib import admin, messages
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


@admin.register(AccessAttempt)
class AccessAttemptAdmin(BaseAccessAttemptAdmin):
    actions = ["unlock"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Its confirmation page lists the records by their English __str__; 解除锁定 does the same delete.
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("解除锁定（删除所选失败记录）"), permissions=["delete"])
    def unlock(self, request, queryset):
        names = sorted({attempt.username or attempt.ip_address or "" for attempt in queryset})
        count, _deleted = queryset.delete()
        self.message_user(
            request,
            ngettext(
                "已删除 %(count)d 条失败记录，%(names)s 可以重新登录。",
                "已删除 %(count)d 条失败记录，%(names)s 可以重新登录。",
                count,
            )
            % {"count": count, "names": "、".join(names)},
            messages.SUCCESS,
        )


def _access_log_name(log: AccessLog) -> str:
    return _("%(user)s 的登录记录（%(time)s）") % {"user": log.username, "time": localtime(log.attempt_time)}


# The change page and its breadcrumbs name a record by str(), which axes writes as an English
# f-string ("Access Log for …") that no catalogue can reach.
AccessLog.__str__ = _access_log_name
admin.register(AccessLog)(AccessLogAdmin)
