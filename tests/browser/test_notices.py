"""The bell, the notification list, announcements, the audit log and the forced password change, in a browser."""

import pytest

from .conftest import PASSWORD, log_in, shot

WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("screen", WIDTHS)
def test_a_unit_sees_an_urge_in_the_bell_and_by_mail(open_page, live_server, demo, screen):
    from django.core import mail

    from projects.accounts.models import User
    from projects.notices.models import NoticeKind
    from projects.notices.services import notify
    from tests.tasks import run_worker

    filler = User.objects.get(username="filler_a")
    filler.email = "filler_a@example.cn"
    filler.save()
    reviewer = User.objects.get(username="dept_reviewer")
    notify(
        [filler],
        kind=NoticeKind.URGE,
        title="催报：请尽快填报 2021 年项目支出绩效目标",
        body="截止日期临近，贵单位还有 2 个项目未开始填报。",
        url="/forms/",
        by=reviewer,
    )
    notify(
        [filler],
        kind=NoticeKind.RETURNED,
        title="2021 年《社区养老服务》被退回修改",
        body="退回理由：请补充满意度指标。",
    )
    run_worker()
    assert [m.to for m in mail.outbox] == [["filler_a@example.cn"]] * 2

    page = open_page(viewport=WIDTHS[screen])
    log_in(page, live_server.url, "filler_a")
    page.wait_for_url(f"{live_server.url}/forms/**")
    bell = page.locator("[data-bell]")
    assert bell.get_attribute("data-bell") == "2"
    assert bell.is_visible()
    bell.click()
    page.wait_for_url(f"{live_server.url}/notices/")
    urge = page.locator(f"[data-kind={NoticeKind.URGE.value}]")
    assert "请尽快填报" in urge.inner_text() and urge.get_attribute("data-read") == "0"
    shot(page, f"notices-list-{screen}")

    urge.locator("[data-action=open]").click()
    page.wait_for_url(f"{live_server.url}/forms/")
    assert page.locator("[data-bell]").get_attribute("data-bell") == "1"
    page.goto(f"{live_server.url}/notices/")
    page.locator("[data-action=read-all]").click()
    page.wait_for_url(f"{live_server.url}/notices/")
    assert page.locator("[data-bell]").get_attribute("data-bell") == "0"
    assert page.locator("[data-read='0']").count() == 0


@pytest.mark.parametrize("screen", WIDTHS)
def test_admin_publishes_an_announcement_and_reads_the_audit_log(open_page, live_server, demo, screen):
    from projects.accounts.models import Organization, User
    from projects.choices import AuditAction
    from projects.models import AuditEntry
    from projects.services import audit

    admin = User.objects.get(username="admin")
    unit = Organization.objects.filter(kind=Organization.Kind.UNIT).order_by("name").first()
    audit.record(AuditAction.REOPEN, by=admin, unit=unit, year=2021, summary="重新开放至 2021-04-10：补报材料")
    audit.record(AuditAction.REMINDER, by=None, year=2021, summary="截止提醒（2021-03-24）：12 个单位，15 人")
    audit.record(AuditAction.IMPORT_USERS, by=admin, summary="导入用户 15 人")

    page = open_page(viewport=WIDTHS[screen])
    log_in(page, live_server.url, "admin")
    page.wait_for_url(f"{live_server.url}/forms/**")
    page.locator("[data-nav=announcements]").click()
    page.fill("#id_title", "2021 年度绩效目标填报工作启动")
    page.fill("#id_body", "请各单位于 3 月 31 日前完成项目支出绩效目标的填报和提交。")
    page.locator("[data-action=publish]").click()
    page.wait_for_url(f"{live_server.url}/notices/announcements/")
    shot(page, f"notices-announcements-{screen}")

    page.locator("[data-nav=audit]").click()
    page.wait_for_url(f"{live_server.url}/notices/audit/")
    # The three above, the announcement's, and what the demo's own history recorded (a page holds 50).
    assert page.locator("[data-audit-entry]").count() == min(AuditEntry.objects.count(), 50) >= 4
    shot(page, f"notices-audit-{screen}")
    page.select_option("#id_action", AuditAction.REOPEN.value)
    page.locator("[data-action=search]").click()
    page.wait_for_url(f"{live_server.url}/notices/audit/?**")
    assert page.locator("[data-audit-entry]").count() == 1

    filler = open_page(viewport=WIDTHS[screen])
    log_in(filler, live_server.url, "filler_a")
    filler.wait_for_url(f"{live_server.url}/forms/**")
    assert "填报工作启动" in filler.locator("[data-announcements]").inner_text()
    shot(filler, f"notices-landing-announcement-{screen}")


def test_forced_password_change_flow(open_page, live_server, demo):
    from projects.accounts.models import User

    User.objects.filter(username="filler_b").update(must_change_password=True)
    page = open_page(viewport=WIDTHS["phone"])
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("[data-action=forgot-password]").click()
    page.wait_for_url(f"{live_server.url}/accounts/password/reset/")
    page.fill("#id_email", "nobody@example.cn")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/accounts/password/reset/sent/")
    assert page.locator("[data-reset-sent]").is_visible()
    shot(page, "notices-password-reset-sent-phone")
    log_in(page, live_server.url, "filler_b")
    page.wait_for_url(f"{live_server.url}/accounts/password/")
    assert page.locator("[data-forced-change]").is_visible()
    shot(page, "notices-forced-change-phone")

    page.goto(f"{live_server.url}/forms/")
    page.wait_for_url(f"{live_server.url}/accounts/password/")
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", "绩效-自己的密码-2027")
    page.fill("#id_new_password2", "绩效-自己的密码-2027")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/accounts/password/done/")
    page.goto(f"{live_server.url}/forms/")
    assert page.url == f"{live_server.url}/forms/"
    assert not User.objects.get(username="filler_b").must_change_password
