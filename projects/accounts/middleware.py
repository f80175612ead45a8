"""Until a user with a generated or reset password chooses their own, every page leads to the change."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

# Names of the pages a user who must change the password may still open.
ALLOWED_URL_NAMES = ("password_change", "password_change_done", "logout")


class ForcePasswordChangeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.allowed: tuple[str, ...] | None = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password and not self._allowed(request.path):
            return redirect("password_change")
        return self.get_response(request)

    def _allowed(self, path: str) -> bool:
        if self.allowed is None:
            self.allowed = tuple(reverse(name) for name in ALLOWED_URL_NAMES)
        return path in self.allowed or path.startswith("/" + settings.STATIC_URL.lstrip("/"))
