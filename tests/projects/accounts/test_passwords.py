"""Forced password change, reset by e-mail, the administrator's reset, and the 管理员 role."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from projects.accounts.models import User
from projects.accounts.passwords import PASSWORD_ALPHABET, generate_password
from projects.accounts.roles import ADMIN_GROUP_NAME
from projects.choices import AuditAction
from projects.models import AuditEntry
from tests.factories import PASSWORD, UserFactory
from tests.tasks import run_worker

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Qz7-huodong-2021"


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


# -- forced change -----------------------------------------------------------------------------


@pytest.fixture
def must_change(filler):
    filler.must_change_password = True
    filler.save()
    return filler


@pytest.mark.parametrize("url", ["/", "/forms/", "/notices/", "/admin/"])
def test_every_page_leads_to_the_password_change(client, must_change, url):
    client.force_login(must_change)

    response = client.get(url)

    assert response.status_code == 302 and response.url == reverse("password_change")


def test_the_change_page_and_logout_stay_open(client, must_change):
    client.force_login(must_change)

    page = client.get(reverse("password_change"))
    assert page.status_code == 200 and "data-forced-change" in page.content.decode()
    assert client.post(reverse("logout")).url == reverse("login")


def test_changing_the_password_ends_the_forced_change(client, must_change):
    client.force_login(must_change)
    same = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert "新密码不能与当前密码相同" in same.content.decode()

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.url == reverse("password_change_done")
    must_change.refresh_from_db()
    assert not must_change.must_change_password and must_change.check_password(NEW_PASSWORD)
    assert client.get(reverse("projects:my_forms")).status_code == 200


def test_a_user_without_the_flag_is_never_redirected(filler_client):
    assert filler_client.get(reverse("projects:my_forms")).status_code == 200


# -- reset by e-mail ---------------------------------------------------------------------------


def test_reset_by_email_goes_through_the_queue_and_sets_a_new_password(client, filler, on_commit):
    filler.email = "filler@example.cn"
    filler.must_change_password = True
    filler.save()

    with on_commit(execute=True):
        response = client.post(reverse("password_reset"), {"email": "FILLER@example.cn"})
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []  # never sent inside the request
    run_worker()

    [message] = mail.outbox
    assert message.to == ["filler@example.cn"] and "重置密码" in message.subject
    link = re.search(r"http://\S+/accounts/password/reset/\S+/\S+/", message.body).group(0)
    path = link.split("8000", 1)[1]
    form_page = client.get(path, follow=True)
    assert 'data-form="password-set"' in form_page.content.decode()
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.url == reverse("password_reset_complete")
    filler.refresh_from_db()
    assert filler.check_password(NEW_PASSWORD) and not filler.must_change_password
    assert "data-invalid-link" in client.get(path, follow=True).content.decode()


def test_reset_answers_the_same_for_an_unknown_address(client, filler, on_commit):
    filler.email = "filler@example.cn"
    filler.save()

    with on_commit(execute=True):
        known = client.post(reverse("password_reset"), {"email": "filler@example.cn"})
        unknown = client.post(reverse("password_reset"), {"email": "nobody@example.cn"})
    run_worker()

    assert known.status_code == unknown.status_code == 302 and known.url == unknown.url
    assert len(mail.outbox) == 1


def test_reset_is_rate_limited(client, filler, settings, on_commit):
    settings.PERFGOALS_PASSWORD_RESET_PER_HOUR = 2
    filler.email = "filler@example.cn"
    filler.save()

    with on_commit(execute=True):
        answers = [client.post(reverse("password_reset"), {"email": "filler@example.cn"}) for _ in range(3)]
    run_worker()

    assert [a.status_code for a in answers] == [302, 302, 200]
    assert "请求过于频繁" in answers[2].content.decode()
    assert len(mail.outbox) == 2


def test_login_page_links_to_the_reset(client):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()


# -- the administrator's reset -----------------------------------------------------------------


def test_generated_passwords_are_readable_and_strong():
    passwords = {generate_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert len(password) == 12 and set(password) <= set(PASSWORD_ALPHABET)
        assert any(c.isdigit() for c in password) and any(c.isupper() for c in password)


def test_admin_reset_action_shows_each_password_once_and_forces_a_change(client, admin_user, filler, outsider):
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_passwords", "_selected_action": [filler.pk, outsider.pk]},
    )

    page = response.content.decode()
    shown = dict(re.findall(r'data-user="(\w+)">.*?<code data-password>(\w+)</code>', page))
    assert set(shown) == {"filler", "outsider"}
    for user in (filler, outsider):
        user.refresh_from_db()
        assert user.check_password(shown[user.username]) and user.must_change_password
    entries = AuditEntry.objects.filter(action=AuditAction.PASSWORD_RESET)
    assert sorted(e.detail["username"] for e in entries) == ["filler", "outsider"]
    assert all(shown[u] not in str(e.detail) + e.summary for e in entries for u in shown)


# -- the 管理员 role ---------------------------------------------------------------------------


def test_the_admin_role_alone_opens_the_admin(client, finance_bureau):
    admin = UserFactory(username="boss", organization=finance_bureau, role=User.Role.ADMIN)
    assert admin.is_staff and not admin.is_superuser
    assert admin.groups.filter(name=str(ADMIN_GROUP_NAME)).exists()
    client.force_login(admin)

    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert client.get(reverse("admin:notices_announcement_add")).status_code == 200
    assert reverse("admin:index") in client.get(reverse("projects:queue")).content.decode()


def test_leaving_the_admin_role_takes_the_access_away(client, finance_bureau):
    user = UserFactory(username="boss", organization=finance_bureau, role=User.Role.ADMIN)
    user.role = User.Role.FINANCE_REVIEWER
    user.save()
    user.refresh_from_db()

    assert not user.is_staff and not user.groups.exists()
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_ticked_staff_box_alone_gives_no_admin(filler):
    filler.is_staff = True
    filler.save()
    filler.refresh_from_db()

    assert not filler.is_staff


def test_the_admin_group_holds_the_project_apps_permissions():
    group = Group.objects.get(name=str(ADMIN_GROUP_NAME))
    apps = set(group.permissions.values_list("content_type__app_label", flat=True))

    assert {"accounts", "projects", "indicators", "notices", "season", "reviews"} <= apps
    assert "auth" not in apps and "sessions" not in apps


def _change_form_data(client, user) -> dict:
    """The admin's change form for `user` as the browser would post it back unchanged."""
    form = client.get(reverse("admin:accounts_user_change", args=[user.pk])).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled or name == "password":
            continue
        value = form.initial.get(name, field.initial)
        if isinstance(value, list | tuple) or hasattr(value, "all"):
            data[name] = [getattr(v, "pk", v) for v in (value.all() if hasattr(value, "all") else value)]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value.pk if hasattr(value, "pk") else value
    return data


def test_making_someone_admin_in_the_admin_gives_staff_and_group(client, admin_user, filler):
    client.force_login(admin_user)
    data = {**_change_form_data(client, filler), "role": User.Role.ADMIN.value}

    response = client.post(reverse("admin:accounts_user_change", args=[filler.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    filler.refresh_from_db()
    assert filler.is_staff and filler.groups.filter(name=str(ADMIN_GROUP_NAME)).exists()


def test_an_admin_by_role_cannot_make_anyone_superuser(client, finance_bureau, filler):
    boss = UserFactory(username="boss", organization=finance_bureau, role=User.Role.ADMIN)
    client.force_login(boss)
    data = {**_change_form_data(client, boss), "is_superuser": "on"}

    response = client.post(reverse("admin:accounts_user_change", args=[boss.pk]), data)

    assert response.status_code == 302
    boss.refresh_from_db()
    assert not boss.is_superuser and boss.is_staff


def test_a_user_added_in_the_admin_changes_the_password_at_first_sign_in(client, admin_user):
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:accounts_user_add"),
        {"username": "newcomer", "usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert User.objects.get(username="newcomer").must_change_password
