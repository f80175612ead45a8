"""Login lockout, password change, idle timeout, no-store and the Content-Security-Policy (issue #11 §4)."""

import gettext
import io
import logging
import re
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.db.models import F
from django.http import HttpResponse
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from perfgoals.lockout import client_ip
from perfgoals.middleware import RENEW_EVERY

from .factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ACCOUNT_LIMIT = settings.AXES_FAILURE_LIMIT
ADDRESS_LIMIT = settings.PERFGOALS_LOGIN_IP_FAILURE_LIMIT
COOL_OFF = settings.AXES_COOLOFF_TIME
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def login(client, username, password, address="127.0.0.1", **headers):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, username, times, address="127.0.0.1"):
    for _ in range(times):
        response = login(client, username, "wrong-password", address)
    return response


# -- lockout -------------------------------------------------------------------


def test_settings_defaults_lock_an_account_sooner_than_an_address():
    assert (ACCOUNT_LIMIT, ADDRESS_LIMIT, COOL_OFF) == (5, 20, timedelta(minutes=15))
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]


def test_wrong_password_below_the_limit_is_an_ordinary_login_error(client, filler):
    response = fail(client, "filler", ACCOUNT_LIMIT - 1)
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert login(client, "filler", PASSWORD).status_code == 302
    assert logged_in(client)


def test_lockout_refuses_the_right_password_and_says_when_to_retry(client, filler):
    before = timezone.now()
    response = fail(client, "filler", ACCOUNT_LIMIT)
    assert response.status_code == 429
    assert "登录已暂时锁定" in response.content.decode()

    response = login(client, "filler", PASSWORD)
    after = timezone.now()
    assert response.status_code == 429
    assert not logged_in(client)
    page = response.content.decode()
    retry_at = response.context["retry_at"]
    assert before + COOL_OFF <= retry_at <= after + COOL_OFF
    assert f"请在 {timezone.localtime(retry_at):%-m月%-d日 %H:%M} 之后再试（约 15 分钟后）" in page
    assert "联系系统管理员" in page


def test_a_login_clears_the_accounts_own_failures_only(client, filler):
    fail(client, "filler", ACCOUNT_LIMIT - 1)
    for n in range(3):
        login(client, f"guess{n}", "wrong-password")
    assert login(client, "filler", PASSWORD).status_code == 302
    client.logout()
    assert fail(client, "filler", ACCOUNT_LIMIT - 1).status_code == 200  # a fresh count
    assert AccessAttempt.objects.filter(username__startswith="guess").count() == 3


def test_lockout_lifts_after_the_cool_off(client, filler):
    fail(client, "filler", ACCOUNT_LIMIT)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - COOL_OFF - timedelta(seconds=1))
    assert login(client, "filler", PASSWORD).status_code == 302
    assert logged_in(client)


def test_account_lockout_holds_from_every_address(client, filler):
    for n in range(ACCOUNT_LIMIT):
        login(client, "filler", "wrong-password", address=f"198.51.100.{n + 1}")
    response = login(client, "filler", PASSWORD, address="203.0.113.9")
    assert response.status_code == 429
    assert not logged_in(client)


def test_account_lockout_leaves_colleagues_at_the_same_address_alone(client, filler, outsider):
    fail(client, "filler", ACCOUNT_LIMIT)
    assert login(client, "outsider", PASSWORD).status_code == 302
    assert logged_in(client)


def test_address_lockout_counts_failures_across_usernames(client, filler):
    address = "198.51.100.7"
    for n in range(ADDRESS_LIMIT):
        response = login(client, f"guess{n}", "wrong-password", address=address)
    assert response.status_code == 429
    assert login(client, "filler", PASSWORD, address=address).status_code == 429
    assert not logged_in(client)
    assert login(client, "filler", PASSWORD, address="203.0.113.9").status_code == 302


def test_forwarded_for_sent_by_a_client_is_not_believed(client, filler):
    for n in range(ADDRESS_LIMIT):
        login(client, f"guess{n}", "wrong-password", HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}
    assert login(client, "filler", PASSWORD).status_code == 429


@pytest.mark.parametrize(
    "header, meta, expected",
    [
        ("", {"REMOTE_ADDR": "10.1.2.3", "HTTP_X_FORWARDED_FOR": "192.0.2.1"}, "10.1.2.3"),
        ("X-Real-IP", {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "192.0.2.44"}, "192.0.2.44"),
        ("X-Real-IP", {"REMOTE_ADDR": "127.0.0.1"}, "127.0.0.1"),
        ("X-Real-IP", {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "not-an-address"}, "127.0.0.1"),
        ("X-Forwarded-For", {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 192.0.2.5"}, "192.0.2.5"),
        ("X-Forwarded-For", {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "2001:db8::1"}, "2001:db8::1"),
        ("", {"REMOTE_ADDR": ""}, None),
    ],
)
def test_client_ip_reads_only_the_configured_header(rf, header, meta, expected):
    with override_settings(PERFGOALS_CLIENT_IP_HEADER=header):
        assert client_ip(rf.get("/", **meta)) == expected


def test_admin_unlocks_an_account(client, filler, admin_user):
    fail(client, "filler", ACCOUNT_LIMIT)
    admin = type(client)()
    admin.force_login(admin_user)
    changelist = reverse("admin:axes_accessattempt_changelist")
    page = admin.get(changelist).content.decode()
    assert "登录失败记录" in page and "解除锁定" in page and "已锁定" in page
    assert "登录保护" in admin.get(reverse("admin:index")).content.decode()

    ids = list(AccessAttempt.objects.filter(username="filler").values_list("pk", flat=True))
    response = admin.post(changelist, {"action": "unlock", "_selected_action": ids}, follow=True)
    assert "filler 可以重新登录" in response.content.decode()
    assert not AccessAttempt.objects.exists()
    assert login(client, "filler", PASSWORD).status_code == 302


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_vendor_catalogue_is_compiled_from_its_po(domain):
    folder = Path(settings.BASE_DIR) / "perfgoals" / "locale_vendor" / "zh_Hans" / "LC_MESSAGES"
    with (folder / f"{domain}.mo").open("rb") as mo:
        compiled = {k: v for k, v in gettext.GNUTranslations(mo)._catalog.items() if k}
    entries = re.findall(
        r'^(?:msgctxt "(.+)"\n)?msgid "(.+)"\nmsgstr "(.*)"$', (folder / f"{domain}.po").read_text("utf-8"), re.M
    )
    source = {
        (f"{context}\x04{msgid}" if context else msgid).replace('\\"', '"'): text for context, msgid, text in entries
    }
    assert compiled == source


def test_reset_command_unlocks_an_account(client, filler):
    fail(client, "filler", ACCOUNT_LIMIT)
    call_command("axes_reset_username", "filler", stdout=io.StringIO())
    assert login(client, "filler", PASSWORD).status_code == 302


def test_failed_login_is_logged_to_the_console_with_who_and_where(client, filler):
    console = next(h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler)
    stream = io.StringIO()
    previous = console.setStream(stream)
    try:
        login(client, "filler", "secret-guess", address="198.51.100.23")
    finally:
        console.setStream(previous)
    logged = stream.getvalue()
    assert "login failure" in logged
    assert 'username: "filler"' in logged and 'ip_address: "198.51.100.23"' in logged
    assert "secret-guess" not in logged


# -- password change -----------------------------------------------------------


def test_every_user_has_a_password_change_link(filler_client):
    page = filler_client.get(reverse("projects:my_forms")).content.decode()
    assert f'href="{reverse("password_change")}"' in page


def test_filler_changes_their_password(filler_client, filler):
    page = filler_client.get(reverse("password_change")).content.decode()
    assert "修改密码" in page and "旧密码" in page
    response = filler_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "绩效-新密码-2027", "new_password2": "绩效-新密码-2027"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert "密码已修改" in filler_client.get(response["Location"]).content.decode()
    filler.refresh_from_db()
    assert filler.check_password("绩效-新密码-2027")
    assert filler_client.get(reverse("projects:my_forms")).status_code == 200  # still signed in


def test_password_change_refuses_a_wrong_old_password(filler_client, filler):
    response = filler_client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": "绩效-新密码-2027", "new_password2": "绩效-新密码-2027"},
    )
    assert response.status_code == 200
    assert "旧密码不正确" in response.content.decode()
    filler.refresh_from_db()
    assert filler.check_password(PASSWORD)


def test_password_change_needs_a_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


# -- idle timeout --------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    """Move Django's idea of now (sessions, expiry, the middleware) forward by hand."""
    now = [timezone.now()]
    monkeypatch.setattr(timezone, "now", lambda: now[0])

    def advance(**delta):
        now[0] += timedelta(**delta)

    return advance


def test_idle_timeout_defaults_to_two_hours():
    assert settings.SESSION_COOKIE_AGE == 2 * 60 * 60


def test_idle_session_is_logged_out(filler_client, clock):
    page = reverse("projects:my_forms")
    assert filler_client.get(page).status_code == 200
    clock(hours=2, seconds=1)
    response = filler_client.get(page)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_active_session_stays_logged_in(filler_client, clock):
    page = reverse("projects:my_forms")
    for _ in range(8):  # four hours, a page every half hour
        assert filler_client.get(page).status_code == 200
        clock(minutes=30)
    assert filler_client.get(page).status_code == 200


def test_session_row_is_written_at_most_once_a_minute(filler_client, clock):
    from django.contrib.sessions.models import Session

    page = reverse("projects:my_forms")
    filler_client.get(page)
    expiry = Session.objects.get().expire_date
    clock(seconds=RENEW_EVERY - 5)
    filler_client.get(page)
    assert Session.objects.get().expire_date == expiry
    clock(seconds=10)
    filler_client.get(page)
    assert Session.objects.get().expire_date > expiry


# -- Cache-Control -------------------------------------------------------------


def test_pages_for_a_signed_in_user_are_not_stored(filler_client):
    response = filler_client.get(reverse("projects:my_forms"))
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control


def test_excel_download_is_not_stored(filler_client, perf_form):
    response = filler_client.get(reverse("projects:excel_download", args=[perf_form.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "no-store" in response["Cache-Control"]


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_static_files_keep_their_caching(client, filler):
    client.force_login(filler)
    response = client.get(settings.STATIC_URL + "css/perfgoals.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


# -- Content-Security-Policy ---------------------------------------------------


@pytest.mark.parametrize("path", [LOGIN, "/forms/", "/admin/", "/admin/accounts/user/"])
def test_csp_forbids_inline_code_everywhere(client, admin_user, path):
    client.force_login(admin_user)
    if path == LOGIN:
        client.logout()
    response = client.get(path)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"].startswith("'self'")
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_csp_carries_the_nonce_a_page_used(rf):
    from csp.middleware import CSPMiddleware

    seen = {}

    def view(request):
        seen["nonce"] = str(request.csp_nonce)
        return HttpResponse(f'<script nonce="{seen["nonce"]}"></script>')

    response = CSPMiddleware(view)(rf.get("/"))
    script_src = next(d for d in response["Content-Security-Policy"].split(";") if "script-src" in d)
    assert f"'nonce-{seen['nonce']}'" in script_src


INLINE = [
    (re.compile(r"<script(?![^>]*\b(src|nonce)=)[^>]*>", re.I), "inline <script> without a nonce"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_templates_hold_no_inline_code():
    found = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{template.relative_to(TEMPLATES)}:{line}: {what}")
    assert found == []


def test_template_scan_catches_what_it_looks_for():
    sample = (
        '<div style="x"><select onchange="go()"><script>1</script><script src="a.js"></script>'
        '<a href="javascript:history.back()">'
    )
    assert [what for pattern, what in INLINE if pattern.search(sample)] == [w for _p, w in INLINE]
    assert not any(p.search('<script nonce="{{ request.csp_nonce }}">') for p, _w in INLINE)
