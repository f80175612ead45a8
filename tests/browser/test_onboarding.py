"""Browser journey: an admin imports 3 departments, 10 units and 15 users from xlsx and sees the passwords once."""

import pytest
from playwright.sync_api import expect

from projects.accounts.models import Organization, User
from tests.projects.onboarding_files import county_files

from .conftest import serious_violations, shot

WIDTHS = {"desktop": 1366, "phone": 390}


def _save(upload, path) -> str:
    path.write_bytes(upload.getvalue())
    return str(path)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_admin_onboards_a_county(new_page, live_server, demo, tmp_path, width):
    organizations, users = county_files()
    page = new_page("admin")
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    if width == "phone":
        page.goto(f"{live_server.url}/forms/onboarding/")
    else:
        page.locator("[data-nav=onboarding]").click()
    expect(page.locator("[data-onboarding-upload]")).to_be_visible()
    shot(page, f"onboarding-upload-{WIDTHS[width]}")

    page.set_input_files("#id_organizations", _save(organizations, tmp_path / "单位.xlsx"))
    page.set_input_files("#id_users", _save(users, tmp_path / "用户.xlsx"))
    page.click("[data-action=preview]")
    expect(page.locator("tr[data-organization][data-status=new]")).to_have_count(13)
    expect(page.locator("tr[data-user][data-status=new]")).to_have_count(15)
    assert not User.objects.filter(username="filler1").exists()
    shot(page, f"onboarding-preview-{WIDTHS[width]}")

    page.click("[data-action=confirm]")
    expect(page.locator("[data-password]")).to_have_count(15)
    assert serious_violations(page) == []
    shot(page, f"onboarding-passwords-{WIDTHS[width]}")
    password = page.locator("tr[data-account=filler1] [data-password]").inner_text()
    assert User.objects.get(username="filler1").check_password(password)
    assert Organization.objects.filter(kind=Organization.Kind.UNIT, code__startswith="20").count() == 10

    with page.expect_download() as download:
        page.click("[data-action=download-passwords]")
    assert download.value.suggested_filename == "初始密码.xlsx"
    page.reload()
    expect(page.locator("[data-already-shown]")).to_be_visible()
    expect(page.locator("[data-password]")).to_have_count(0)
