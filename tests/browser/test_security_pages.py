"""Login, lockout, password change and the Django admin in a real browser, under the CSP.

open_page fails a test on any Content-Security-Policy violation, so every page visited here
(the admin's changelists and change forms included) is proved free of inline code.
"""

import re

import pytest
from django.conf import settings

from .conftest import PASSWORD, log_in, shot

WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("screen", WIDTHS)
def test_login_lockout_and_password_change_pages(open_page, live_server, demo, screen):
    page = open_page(viewport=WIDTHS[screen])
    page.goto(f"{live_server.url}/accounts/login/")
    shot(page, f"security-login-{screen}")

    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(page, live_server.url, "filler_b", "wrong-password")
    # The lockout page (not the login page's own error): its notice, with the time to retry at.
    notice = page.locator("[data-lockout]")
    assert notice.count() == 1
    assert re.search(r"\d+月\d+日 \d{2}:\d{2}", notice.inner_text())
    shot(page, f"security-locked-{screen}")

    log_in(page, live_server.url, "filler_a")
    page.wait_for_url(f"{live_server.url}/forms/**")
    page.get_by_role("link", name="修改密码").click()
    page.wait_for_url(f"{live_server.url}/accounts/password/")
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", "绩效-新密码-2027")
    page.fill("#id_new_password2", "不一样的新密码")
    page.click("main button[type=submit]")
    assert page.locator("#id_new_password2").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_new_password2_error").inner_text() == "输入的两个密码不一致。"
    shot(page, f"security-password-change-{screen}")


def test_admin_pages_run_under_the_csp(new_page, live_server, demo):
    from projects.accounts.models import User

    admin = new_page("admin")
    pk = User.objects.get(username="filler_a").pk
    for path in [
        "/admin/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{pk}/change/",
        "/admin/projects/performanceform/",
        "/admin/accounts/organization/add/",
        "/admin/axes/accessattempt/",
        "/admin/axes/accesslog/",
    ]:
        response = admin.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "Content-Security-Policy" in response.headers or "content-security-policy" in response.headers
    # The admin's own JavaScript ran: filter_horizontal built its two-box chooser.
    admin.goto(f"{live_server.url}/admin/accounts/user/{pk}/change/")
    assert admin.locator(".selector-available").count() > 0
    shot(admin, "security-admin-user-change")


def test_year_filter_submits_without_an_inline_handler(new_page, live_server, demo):
    from projects.accounts.models import User
    from projects.models import FiscalYear
    from tests.factories import PerformanceFormFactory

    year = FiscalYear.objects.order_by("year").first()
    PerformanceFormFactory(unit=User.objects.get(username="filler_a").organization, year=year)
    filler = new_page("filler_a")
    filler.goto(f"{live_server.url}/forms/")
    filler.select_option("#year-filter", str(year.year))
    filler.wait_for_url(f"**/forms/?year={year.year}")
