"""The onboarding screens: admins only, preview then confirm, the passwords shown once and downloaded once."""

import io

import openpyxl
import pytest
from django.urls import reverse

from projects.accounts.models import Organization, User
from projects.services import onboarding
from tests.projects.onboarding_files import county_files, county_rows, xlsx


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def upload(client, organizations=None, users=None):
    files = {}
    if organizations is not None:
        files["organizations"] = organizations
    if users is not None:
        files["users"] = users
    return client.post(reverse("projects:onboarding"), files)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["onboarding", "onboarding_result", "onboarding_passwords"])
def test_pages_hidden_from_non_admins(filler_client, name):
    assert filler_client.get(reverse(f"projects:{name}")).status_code == 404


@pytest.mark.django_db
def test_template_hidden_from_non_admins(client, admin_user, filler):
    url = reverse("projects:onboarding_template", args=["users"])
    client.force_login(admin_user)
    assert client.get(url).status_code == 200
    client.force_login(filler)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_nav_link_for_admins_only(admin_client, filler, client):
    assert b'data-nav="onboarding"' in admin_client.get(reverse("projects:my_forms")).content
    client.force_login(filler)
    assert b'data-nav="onboarding"' not in client.get(reverse("projects:my_forms")).content


@pytest.mark.django_db
def test_preview_confirm_and_passwords_once(admin_client):
    response = upload(admin_client, *county_files())
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("data-organization") == 13 and content.count("data-user ") == 15
    assert not User.objects.filter(username="filler1").exists()  # a preview writes nothing
    token = response.context["token"]
    response = admin_client.post(reverse("projects:onboarding_confirm"), {"token": token})
    assert response.status_code == 302
    result = admin_client.get(response["Location"])
    shown = {a["username"]: a["password"] for a in result.context["shown"]["accounts"]}
    assert len(shown) == 15
    assert User.objects.get(username="filler1").check_password(shown["filler1"])
    # Shown once: a reload shows none of them.
    again = admin_client.get(reverse("projects:onboarding_result")).content.decode()
    assert "data-already-shown" in again and shown["filler1"] not in again
    # Downloaded once.
    download = admin_client.get(reverse("projects:onboarding_passwords"))
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    rows = {row[0]: row[4] for row in sheet.iter_rows(min_row=2, values_only=True) if row[4]}
    assert rows == shown
    assert admin_client.get(reverse("projects:onboarding_passwords")).status_code == 302
    assert not any(password in str(dict(admin_client.session)) for password in shown.values())


@pytest.mark.django_db
def test_bad_rows_listed_and_nothing_written(admin_client):
    organizations, users = county_rows()
    organizations[3][2] = "学校"
    users[4][2] = "领导"
    response = upload(
        admin_client,
        xlsx(onboarding.ORGANIZATION_COLUMNS, organizations, "单位.xlsx"),
        xlsx(onboarding.USER_COLUMNS, users, "用户.xlsx"),
    )
    problems = response.context["errors"]
    assert any(p.startswith("单位表第 5 行「类型」") for p in problems)
    assert any(p.startswith("用户表第 6 行「角色」") for p in problems)
    assert Organization.objects.count() == 1


@pytest.mark.django_db
def test_not_an_xlsx_named(admin_client):
    bogus = io.BytesIO(b"name,code\n")
    bogus.name = "单位.csv"
    response = upload(admin_client, organizations=bogus)
    assert response.context["errors"][0].startswith("单位表：文件“单位.csv”不是 Excel")


@pytest.mark.django_db
def test_confirm_with_stale_token_refused(admin_client):
    upload(admin_client, *county_files())
    response = admin_client.post(reverse("projects:onboarding_confirm"), {"token": "forged"})
    assert response.status_code == 302
    assert not User.objects.filter(username="filler1").exists()
