"""Login lockout with django-axes: whose address a failure counts against, the limits, the page.

Axes counts failures per account and per client address (AXES_LOCKOUT_PARAMETERS) and compares
each count with one AXES_FAILURE_LIMIT. An office reaches us through one NAT address, so the
address gets its own, higher limit (PERFGOALS_LOGIN_IP_FAILURE_LIMIT): the handler below.
"""

import ipaddress
import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone


def client_ip(request) -> str | None:
    """The client address: the TCP peer, or the header our own reverse proxy sets.

    Only the header named by PERFGOALS_CLIENT_IP_HEADER is read, never X-Forwarded-For by
    default: a client can send any header it likes. When the named header is a list
    (X-Forwarded-For), the last entry is the one our proxy appended.
    """
    header = settings.PERFGOALS_CLIENT_IP_HEADER
    if header:
        key = "HTTP_" + header.upper().replace("-", "_")
        candidate = request.META.get(key, "").split(",")[-1].strip()
        if _is_ip(candidate):
            return candidate
    remote = request.META.get("REMOTE_ADDR", "")
    return remote if _is_ip(remote) else None


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


class AccountAndAddressHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit of its own for the client address.

    Axes locks when get_failures() >= AXES_FAILURE_LIMIT (the per-account limit). Shifting the
    address count down by the difference of the two limits makes that test read "the account has
    failed AXES_FAILURE_LIMIT times, or the address PERFGOALS_LOGIN_IP_FAILURE_LIMIT times".
    """

    def get_failures(self, request, credentials=None) -> int:
        by_account, by_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        shift = settings.PERFGOALS_LOGIN_IP_FAILURE_LIMIT - settings.AXES_FAILURE_LIMIT
        return max(by_account, by_address - shift)

    def user_logged_in(self, sender, request, user, **kwargs):
        """A login clears that account's own failures, so yesterday's typos do not count against it.

        Not axes' AXES_RESET_ON_SUCCESS: that also clears the address's failures, which would let
        one valid account wipe the count of guesses made at every other account from the address.
        """
        super().user_logged_in(sender, request, user, **kwargs)
        AccessAttempt.objects.filter(username=user.get_username()).delete()


def lockout_response(request, original_response=None, credentials=None):
    """The Chinese lockout page, with the time after which a new try is accepted.

    Every failure, including one during the lockout, restarts the cool-off from that moment
    (axes' AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so the retry time is now + cool-off.
    """
    cool_off = get_cool_off(request)
    started = getattr(request, "axes_attempt_time", None) or timezone.now()
    context = {
        "username": get_client_username(request, credentials) or "",
        "retry_at": timezone.localtime(started + cool_off),
        "cool_off_minutes": math.ceil(cool_off.total_seconds() / 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)
