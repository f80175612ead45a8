"""The bell and the 操作日志 link: what every page's navigation shows of notices and the audit log."""

from django.utils.functional import SimpleLazyObject

from ..permissions import can_view_audit
from .services import unread_count


def _unread(request) -> int:
    """One COUNT query, only on a page that shows the bell, at most once per request."""
    if not hasattr(request, "_unread_notifications"):
        request._unread_notifications = unread_count(request.user)
    return request._unread_notifications


def bell(request) -> dict:
    # An error page raised before the authentication middleware ran has no user yet.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"can_view_audit": False}
    return {"can_view_audit": can_view_audit(user), "unread_notifications": SimpleLazyObject(lambda: _unread(request))}
