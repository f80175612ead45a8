"""Session and caching rules for signed-in users."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

RENEWED_KEY = "_idle_renewed_at"
# The session row is rewritten at most this often (seconds), so an active session lives between
# SESSION_COOKIE_AGE minus this and SESSION_COOKIE_AGE past its last request.
RENEW_EVERY = 60


@receiver(user_logged_in)
def start_idle_clock(sender, request, user, **kwargs):
    """A login saves the session anyway: stamp it then, so the next page need not save it again."""
    if request is not None and hasattr(request, "session"):
        request.session[RENEWED_KEY] = int(timezone.now().timestamp())


class IdleSessionMiddleware:
    """End a signed-in session after SESSION_COOKIE_AGE seconds without a request.

    Django stores each session with an expiry of SESSION_COOKIE_AGE from its last save and
    refuses it afterwards; saving it on every request (SESSION_SAVE_EVERY_REQUEST) would write the
    database row on every page and poll. This middleware marks the session for saving when it was
    last renewed more than a minute ago, which pushes its expiry (row and cookie) forward.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(timezone.now().timestamp())
            renewed = request.session.get(RENEWED_KEY)
            if not isinstance(renewed, int) or now - renewed >= RENEW_EVERY:
                request.session[RENEWED_KEY] = now
        return self.get_response(request)


class NoStoreForUsersMiddleware:
    """Cache-Control: no-store on every response to a signed-in user, downloads included.

    A shared office computer or a proxy must not keep a copy of a form or a spreadsheet after
    the user leaves. Static files never get here: WhiteNoise answers them earlier.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


class RefuseNulMiddleware:
    """A 400 with a Chinese page for a NUL character anywhere in the query string or a posted field.

    No one types NUL; PostgreSQL refuses it in any text (a 500 from the first query or
    JSON column that meets it), so it is turned away before any view runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            message = _("提交的内容中含有无法识别的字符，服务器没有处理。")
            return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in data.lists())
